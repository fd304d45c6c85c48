//! One journal record and its binary form. Integers are little-endian; strings carry their
//! length first (`u16` for names, `u32` for bodies, a LEB128 varint for event messages, which
//! keeps a 100-byte event at 110 bytes on disk).

use std::borrow::Cow;

use crate::store::events::{EventKey, EventView, NewEvent};
use crate::store::indexes::FieldSeen;
use crate::store::stream::StreamImage;

const REQUEST: u8 = 1;
const PUT: u8 = 2;
const RESET: u8 = 3;
const STREAM_IMAGE: u8 = 4;
const STREAM_EVENTS: u8 = 5;
/// Format version 2 on.
const STREAM_ERRORS: u8 = 6;
/// Format version 2 on.
const DELIVERY_UNDER_WAY: u8 = 7;
/// Format version 2 on.
const DELIVERY_DONE: u8 = 8;
/// Format version 2 on.
const SNAPSHOT: u8 = 9;
/// Format version 2 on.
const FIELDS_SEEN: u8 = 10;

/// What the journal holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Record<'a> {
    /// A successful state-changing request other than PutLogEvents, replayed through its
    /// handler.
    Request {
        /// The clock's time while it ran (pinned during the run and the replay).
        time: i64,
        /// The seed of the ids it generated.
        seed: u64,
        /// Its region.
        region: &'a str,
        /// Its operation name.
        operation: &'a str,
        /// Its JSON body, as received.
        body: &'a [u8],
    },
    /// An accepted PutLogEvents.
    Put(PutRecord<'a>),
    /// Everything before is gone (a reset to an empty store).
    Reset,
    /// A stream's state apart from its events, written by compaction: the stream is reset
    /// to it, and the [`Record::StreamEvents`] that follow refill it.
    StreamImage {
        /// The stream's region.
        region: &'a str,
        /// The stream's group.
        group: &'a str,
        /// The stream's name.
        stream: &'a str,
        /// What the stream holds apart from its events.
        image: StreamImage,
    },
    /// Some of a stream's events, in key order, written by compaction.
    StreamEvents {
        /// The stream's region.
        region: &'a str,
        /// The stream's group.
        group: &'a str,
        /// The stream's name.
        stream: &'a str,
        /// The events.
        events: SnapshotEvents<'a>,
    },
    /// The `@transformationError`s of some of a stream's events, written by compaction after
    /// the [`Record::StreamEvents`] that hold those events (format version 2 on).
    StreamErrors {
        /// The stream's region.
        region: &'a str,
        /// The stream's group.
        group: &'a str,
        /// The stream's name.
        stream: &'a str,
        /// The events' keys and errors.
        errors: SnapshotErrors<'a>,
    },
    /// A subscription delivery the forwarder had not finished when compaction ran (format
    /// version 2 on): its JSON, sent again after a restart unless a [`Record::DeliveryDone`]
    /// follows.
    DeliveryUnderWay {
        /// The delivery as JSON.
        body: &'a [u8],
    },
    /// The forwarder finished with a subscription delivery, named by its durable key
    /// (delivered, or failed for good; format version 2 on).
    DeliveryDone {
        /// The delivery's durable key.
        key: &'a str,
    },
    /// Written by compaction after the request records it kept: the subscription deliveries
    /// those make again when replayed were sent before (the ones still under way follow as
    /// [`Record::DeliveryUnderWay`]). Format version 2 on.
    Snapshot,
    /// What ingest saw of a group's indexed fields, written by compaction (the events it
    /// restores are not scanned again; some that were may have expired). Format version 2 on.
    FieldsSeen {
        /// The group's region.
        region: &'a str,
        /// The group.
        group: &'a str,
        /// Each field: name, first and last event time, last scan time.
        fields: Vec<(&'a str, FieldSeen)>,
    },
}

/// Snapshot `@transformationError`s in their binary form, decoded as they are read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SnapshotErrors<'a> {
    count: u32,
    bytes: &'a [u8],
}

impl<'a> SnapshotErrors<'a> {
    /// The events' keys and errors (a well-formed record: [`Record::decode`] checked them).
    pub fn iter(&self) -> impl Iterator<Item = (EventKey, &'a str)> + 'a {
        let mut r = Reader(self.bytes);
        (0..self.count).map_while(move |_| read_snapshot_error(&mut r))
    }
}

fn read_snapshot_error<'a>(r: &mut Reader<'a>) -> Option<(EventKey, &'a str)> {
    let timestamp = r.i64()?;
    let seq = u32::try_from(r.varint()?).ok()?;
    Some((EventKey { timestamp, seq }, r.str_varint()?))
}

/// Appends one [`Record::StreamErrors`] payload holding `errors`.
pub fn encode_stream_errors(
    out: &mut Vec<u8>,
    (region, group, stream): (&str, &str, &str),
    errors: &[(EventKey, &str)],
) {
    out.push(STREAM_ERRORS);
    put_name(out, region);
    put_name(out, group);
    put_name(out, stream);
    out.extend_from_slice(&(errors.len() as u32).to_le_bytes());
    for (key, error) in errors {
        out.extend_from_slice(&key.timestamp.to_le_bytes());
        put_varint(out, u64::from(key.seq));
        put_varint(out, error.len() as u64);
        out.extend_from_slice(error.as_bytes());
    }
}

/// Snapshot events in their binary form, decoded as they are read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SnapshotEvents<'a> {
    count: u32,
    bytes: &'a [u8],
}

impl<'a> SnapshotEvents<'a> {
    /// The events (a well-formed record: [`Record::decode`] checked them).
    pub fn iter(&self) -> impl Iterator<Item = EventView<'a>> + 'a {
        let mut r = Reader(self.bytes);
        (0..self.count).map_while(move |_| read_snapshot_event(&mut r))
    }
}

fn read_snapshot_event<'a>(r: &mut Reader<'a>) -> Option<EventView<'a>> {
    let timestamp = r.i64()?;
    let seq = u32::try_from(r.varint()?).ok()?;
    let lag = r.varint()?;
    // zigzag: ingestion time minus timestamp, usually small
    let lag = (lag >> 1) as i64 ^ -((lag & 1) as i64);
    let message = r.str_varint()?;
    Some(EventView {
        key: EventKey { timestamp, seq },
        ingestion_time: timestamp.wrapping_add(lag),
        message,
        transformation_error: None,
    })
}

/// Appends one [`Record::StreamEvents`] payload holding `events`.
pub fn encode_stream_events(
    out: &mut Vec<u8>,
    (region, group, stream): (&str, &str, &str),
    events: &[EventView<'_>],
) {
    out.push(STREAM_EVENTS);
    put_name(out, region);
    put_name(out, group);
    put_name(out, stream);
    out.extend_from_slice(&(events.len() as u32).to_le_bytes());
    for event in events {
        out.extend_from_slice(&event.key.timestamp.to_le_bytes());
        put_varint(out, u64::from(event.key.seq));
        let lag = event.ingestion_time.wrapping_sub(event.key.timestamp);
        put_varint(out, ((lag << 1) ^ (lag >> 63)) as u64);
        put_varint(out, event.message.len() as u64);
        out.extend_from_slice(event.message.as_bytes());
    }
}

/// An accepted PutLogEvents batch, as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct PutRecord<'a> {
    /// The put's "now".
    pub time: i64,
    /// Region, group and stream.
    pub region: &'a str,
    /// The group's name.
    pub group: &'a str,
    /// The stream's name.
    pub stream: &'a str,
    /// The `sequenceToken` sent.
    pub sequence_token: Option<&'a str>,
    /// Every event of the request, in request order.
    pub events: Cow<'a, [NewEvent<'a>]>,
}

impl<'a> Record<'a> {
    /// About how many bytes [`Self::encode`] writes.
    pub fn encoded_len_hint(&self) -> usize {
        match self {
            Record::Request { body, .. } => 64 + body.len(),
            Record::Put(put) => {
                64 + put
                    .events
                    .iter()
                    .map(|e| e.message.len() + 10)
                    .sum::<usize>()
            }
            Record::Reset => 1,
            Record::StreamImage { .. } => 128,
            Record::StreamEvents { events, .. } => 64 + events.bytes.len(),
            Record::StreamErrors { errors, .. } => 64 + errors.bytes.len(),
            Record::DeliveryUnderWay { body } => 8 + body.len(),
            Record::DeliveryDone { key } => 8 + key.len(),
            Record::Snapshot => 1,
            Record::FieldsSeen { fields, .. } => {
                64 + fields
                    .iter()
                    .map(|(name, _)| name.len() + 26)
                    .sum::<usize>()
            }
        }
    }

    /// Appends the record's binary form to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Record::Request {
                time,
                seed,
                region,
                operation,
                body,
            } => {
                out.push(REQUEST);
                out.extend_from_slice(&time.to_le_bytes());
                out.extend_from_slice(&seed.to_le_bytes());
                put_name(out, region);
                put_name(out, operation);
                out.extend_from_slice(&(body.len() as u32).to_le_bytes());
                out.extend_from_slice(body);
            }
            Record::Put(put) => {
                out.push(PUT);
                out.extend_from_slice(&put.time.to_le_bytes());
                put_name(out, put.region);
                put_name(out, put.group);
                put_name(out, put.stream);
                put_optional_name(out, put.sequence_token);
                out.extend_from_slice(&(put.events.len() as u32).to_le_bytes());
                for event in put.events.iter() {
                    out.extend_from_slice(&event.timestamp.to_le_bytes());
                    put_varint(out, event.message.len() as u64);
                    out.extend_from_slice(event.message.as_bytes());
                }
            }
            Record::Reset => out.push(RESET),
            Record::StreamImage {
                region,
                group,
                stream,
                image,
            } => {
                out.push(STREAM_IMAGE);
                put_name(out, region);
                put_name(out, group);
                put_name(out, stream);
                out.extend_from_slice(&image.next_seq.to_le_bytes());
                out.extend_from_slice(&image.accepted_batches.to_le_bytes());
                match &image.last_batch {
                    None => out.push(0),
                    Some((sent_with, hash, count)) => {
                        out.push(1);
                        put_optional_name(out, sent_with.as_deref());
                        out.extend_from_slice(&hash.to_le_bytes());
                        out.extend_from_slice(&count.to_le_bytes());
                    }
                }
                match image.last_ingestion_time {
                    None => out.push(0),
                    Some(time) => {
                        out.push(1);
                        out.extend_from_slice(&time.to_le_bytes());
                    }
                }
            }
            Record::StreamEvents {
                region,
                group,
                stream,
                events,
            } => {
                out.push(STREAM_EVENTS);
                put_name(out, region);
                put_name(out, group);
                put_name(out, stream);
                out.extend_from_slice(&events.count.to_le_bytes());
                out.extend_from_slice(events.bytes);
            }
            Record::StreamErrors {
                region,
                group,
                stream,
                errors,
            } => {
                out.push(STREAM_ERRORS);
                put_name(out, region);
                put_name(out, group);
                put_name(out, stream);
                out.extend_from_slice(&errors.count.to_le_bytes());
                out.extend_from_slice(errors.bytes);
            }
            Record::DeliveryUnderWay { body } => {
                out.push(DELIVERY_UNDER_WAY);
                out.extend_from_slice(&(body.len() as u32).to_le_bytes());
                out.extend_from_slice(body);
            }
            Record::DeliveryDone { key } => {
                out.push(DELIVERY_DONE);
                out.extend_from_slice(&(key.len() as u32).to_le_bytes());
                out.extend_from_slice(key.as_bytes());
            }
            Record::Snapshot => out.push(SNAPSHOT),
            Record::FieldsSeen {
                region,
                group,
                fields,
            } => {
                out.push(FIELDS_SEEN);
                put_name(out, region);
                put_name(out, group);
                out.extend_from_slice(&(fields.len() as u32).to_le_bytes());
                for (name, seen) in fields {
                    put_name(out, name);
                    out.extend_from_slice(&seen.first_event_time.to_le_bytes());
                    out.extend_from_slice(&seen.last_event_time.to_le_bytes());
                    out.extend_from_slice(&seen.last_scan_time.to_le_bytes());
                }
            }
        }
    }

    /// The record in `payload` (checksummed already); `None` when it does not parse.
    pub fn decode(payload: &'a [u8]) -> Option<Self> {
        let mut r = Reader(payload);
        let record = match r.u8()? {
            REQUEST => Record::Request {
                time: r.i64()?,
                seed: r.u64()?,
                region: r.name()?,
                operation: r.name()?,
                body: {
                    let len = r.u32()? as usize;
                    r.bytes(len)?
                },
            },
            PUT => {
                let time = r.i64()?;
                let region = r.name()?;
                let group = r.name()?;
                let stream = r.name()?;
                let sequence_token = r.optional_name()?;
                let count = r.u32()? as usize;
                let mut events = Vec::with_capacity(count.min(r.0.len() / 9));
                for _ in 0..count {
                    let timestamp = r.i64()?;
                    let message = r.str_varint()?;
                    events.push(NewEvent { timestamp, message });
                }
                Record::Put(PutRecord {
                    time,
                    region,
                    group,
                    stream,
                    sequence_token,
                    events: Cow::Owned(events),
                })
            }
            RESET => Record::Reset,
            STREAM_IMAGE => Record::StreamImage {
                region: r.name()?,
                group: r.name()?,
                stream: r.name()?,
                image: StreamImage {
                    next_seq: r.u32()?,
                    accepted_batches: r.u64()?,
                    last_batch: match r.u8()? {
                        0 => None,
                        1 => Some((r.optional_name()?.map(str::to_owned), r.u64()?, r.u64()?)),
                        _ => return None,
                    },
                    last_ingestion_time: match r.u8()? {
                        0 => None,
                        1 => Some(r.i64()?),
                        _ => return None,
                    },
                },
            },
            STREAM_EVENTS => {
                let (region, group, stream) = (r.name()?, r.name()?, r.name()?);
                let count = r.u32()?;
                let bytes = r.0;
                let mut check = Reader(bytes);
                for _ in 0..count {
                    read_snapshot_event(&mut check)?;
                }
                r.0 = check.0;
                Record::StreamEvents {
                    region,
                    group,
                    stream,
                    events: SnapshotEvents {
                        count,
                        bytes: &bytes[..bytes.len() - check.0.len()],
                    },
                }
            }
            STREAM_ERRORS => {
                let (region, group, stream) = (r.name()?, r.name()?, r.name()?);
                let count = r.u32()?;
                let bytes = r.0;
                let mut check = Reader(bytes);
                for _ in 0..count {
                    read_snapshot_error(&mut check)?;
                }
                r.0 = check.0;
                Record::StreamErrors {
                    region,
                    group,
                    stream,
                    errors: SnapshotErrors {
                        count,
                        bytes: &bytes[..bytes.len() - check.0.len()],
                    },
                }
            }
            DELIVERY_UNDER_WAY => Record::DeliveryUnderWay {
                body: {
                    let len = r.u32()? as usize;
                    r.bytes(len)?
                },
            },
            DELIVERY_DONE => Record::DeliveryDone {
                key: {
                    let len = r.u32()? as usize;
                    std::str::from_utf8(r.bytes(len)?).ok()?
                },
            },
            SNAPSHOT => Record::Snapshot,
            FIELDS_SEEN => {
                let (region, group) = (r.name()?, r.name()?);
                let count = r.u32()? as usize;
                let mut fields = Vec::with_capacity(count.min(r.0.len() / 26));
                for _ in 0..count {
                    let name = r.name()?;
                    let seen = FieldSeen {
                        first_event_time: r.i64()?,
                        last_event_time: r.i64()?,
                        last_scan_time: r.i64()?,
                    };
                    fields.push((name, seen));
                }
                Record::FieldsSeen {
                    region,
                    group,
                    fields,
                }
            }
            _ => return None,
        };
        r.0.is_empty().then_some(record)
    }
}

fn put_name(out: &mut Vec<u8>, name: &str) {
    let len = u16::try_from(name.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&name.as_bytes()[..usize::from(len)]);
}

fn put_optional_name(out: &mut Vec<u8>, name: Option<&str>) {
    match name {
        None => out.push(0),
        Some(name) => {
            out.push(1);
            put_name(out, name);
        }
    }
}

/// Appends `value` as a LEB128 varint.
pub fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads the binary form [`Record::encode`] writes.
pub struct Reader<'a>(pub &'a [u8]);

impl<'a> Reader<'a> {
    /// The next `len` bytes.
    pub fn bytes(&mut self, len: usize) -> Option<&'a [u8]> {
        if self.0.len() < len {
            return None;
        }
        let (head, rest) = self.0.split_at(len);
        self.0 = rest;
        Some(head)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.bytes(N)?.try_into().ok()
    }

    /// A byte.
    pub fn u8(&mut self) -> Option<u8> {
        Some(self.array::<1>()?[0])
    }

    /// A `u32`.
    pub fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.array()?))
    }

    /// A `u64`.
    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.array()?))
    }

    /// An `i64`.
    pub fn i64(&mut self) -> Option<i64> {
        Some(i64::from_le_bytes(self.array()?))
    }

    /// A LEB128 varint.
    pub fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.u8()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    /// A name (`u16` length).
    pub fn name(&mut self) -> Option<&'a str> {
        let len = u16::from_le_bytes(self.array()?);
        std::str::from_utf8(self.bytes(usize::from(len))?).ok()
    }

    /// An optional name.
    pub fn optional_name(&mut self) -> Option<Option<&'a str>> {
        match self.u8()? {
            0 => Some(None),
            1 => Some(Some(self.name()?)),
            _ => None,
        }
    }

    /// A string with a varint length.
    pub fn str_varint(&mut self) -> Option<&'a str> {
        let len = usize::try_from(self.varint()?).ok()?;
        std::str::from_utf8(self.bytes(len)?).ok()
    }
}
