//! Subscription delivery: AWS's payloads and the outbox that keeps every one of them.
//!
//! The store's ingest path hands each (filter, stream, put) with matching events to
//! [`Outbox::deliver`]; this module writes AWS's payload (gzip-compressed JSON
//! `{"messageType":"DATA_MESSAGE", ...}`), keeps it in the bounded outbox (oldest dropped and
//! counted when full) and, when forwarding is configured, queues it for the background
//! forwarder. Nothing here knows the store.

use std::collections::VecDeque;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

pub mod forward;

use base64::Engine;
use parking_lot::Mutex;
use serde::Serialize;
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::mpsc::Sender;

pub use forward::Endpoints;

/// `messageType` of a payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MessageType {
    /// Log events that matched a filter.
    #[serde(rename = "DATA_MESSAGE")]
    Data,
    /// The health check AWS sends when a Kinesis or Firehose filter is put.
    #[serde(rename = "CONTROL_MESSAGE")]
    Control,
}

/// One log event of a payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayloadEvent {
    /// The eventId FilterLogEvents returns for the same event ("" in a control message).
    pub id: String,
    /// Event time, epoch milliseconds.
    pub timestamp: i64,
    /// The message.
    pub message: String,
}

/// The JSON AWS delivers, before compression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Payload {
    /// DATA_MESSAGE or CONTROL_MESSAGE.
    pub message_type: MessageType,
    /// The account that owns the log group (`CloudwatchLogs` in a control message).
    pub owner: String,
    /// The log group.
    pub log_group: String,
    /// The log stream.
    pub log_stream: String,
    /// The filter whose matches these are.
    pub subscription_filters: Vec<String>,
    /// The events.
    pub log_events: Vec<PayloadEvent>,
}

/// The largest delivery (counted as its base64 text, which is what a Lambda event or a JSON
/// record body carries) each service takes: Lambda's asynchronous invocation payload
/// (256 KB), a Kinesis record (1 MiB) and a Firehose record (1,000 KiB); a logs destination
/// leads to one of the latter two.
fn max_payload_bytes(destination_arn: &str) -> usize {
    match destination_arn.split(':').nth(2) {
        Some("lambda") => 256 * 1024 - 1024,
        Some("firehose") | Some("logs") => 1000 * 1024,
        _ => 1024 * 1024,
    }
}

/// The length of the base64 text of `bytes` bytes.
fn base64_len(bytes: usize) -> usize {
    bytes.div_ceil(3) * 4
}

impl Payload {
    /// The same payload split into two with the first and second half of its events.
    fn halves(self) -> (Self, Self) {
        let mut first = self;
        let rest = first.log_events.split_off(first.log_events.len() / 2);
        let second = Self {
            log_events: rest,
            ..first.clone()
        };
        (first, second)
    }

    /// AWS's control message, sent when a subscription to a Kinesis stream (`kinesis`) or a
    /// Firehose delivery stream is put (AWS docs, "Subscription filters with Amazon Kinesis
    /// Data Streams" / "... Firehose": the first record is this health check).
    pub fn control(now: i64, kinesis: bool) -> Self {
        let what = if kinesis {
            "Kinesis stream"
        } else {
            "Firehose"
        };
        Self {
            message_type: MessageType::Control,
            owner: "CloudwatchLogs".into(),
            log_group: String::new(),
            log_stream: String::new(),
            subscription_filters: Vec::new(),
            log_events: vec![PayloadEvent {
                id: String::new(),
                timestamp: now,
                message: format!("CWL CONTROL MESSAGE: Checking health of destination {what}."),
            }],
        }
    }

    /// The JSON text and its gzip compression (what every destination receives).
    pub fn encode(&self) -> (String, Vec<u8>) {
        let json = serde_json::to_string(self).unwrap_or_default();
        let gzip = gzip(json.as_bytes());
        (json, gzip)
    }
}

/// `data` gzip-compressed at the fast level (subscription payloads, exported objects).
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 4 + 64),
        flate2::Compression::fast(),
    );
    // Writing to a Vec cannot fail.
    let _ = gz.write_all(data);
    gz.finish().unwrap_or_default()
}

/// Where a delivery stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DeliveryStatus {
    /// Kept in the outbox only: no forwarding endpoint is configured for its service.
    Recorded,
    /// Queued for (or being retried by) the forwarder.
    Pending,
    /// The destination accepted it.
    Delivered,
    /// The forwarder gave up; `error` says why.
    Failed,
}

/// One payload as it was (or will be) delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// Increasing from 1 for the life of the process.
    pub id: u64,
    /// When it was produced, epoch milliseconds.
    pub time: i64,
    /// The filter's `destinationArn`.
    pub destination_arn: String,
    /// The filter ("" for a control message).
    pub filter_name: String,
    /// The region of the log group.
    pub region: String,
    /// The Kinesis partition key: the log stream for `ByLogStream`, random for `Random` and
    /// for control messages.
    pub partition_key: String,
    /// The decoded payload.
    pub payload: Payload,
    /// The payload as delivered: base64 of the gzip bytes.
    pub data: String,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Forwarding attempts made.
    pub attempts: u32,
    /// The last forwarding error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Delivery {
    /// The gzip bytes.
    pub fn gzip_bytes(&self) -> Vec<u8> {
        base64::engine::general_purpose::STANDARD
            .decode(&self.data)
            .unwrap_or_default()
    }
}

/// The bounded record of every delivery; when full, the oldest entry is dropped and counted.
#[derive(Debug)]
pub struct Outbox {
    entries: Mutex<VecDeque<Delivery>>,
    capacity: usize,
    next_id: AtomicU64,
    dropped: AtomicU64,
    warned: AtomicBool,
    forward: Mutex<Option<(Sender<Delivery>, Endpoints)>>,
}

/// Where one delivery goes.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The region of the log group.
    pub region: &'a str,
    /// The subscription filter.
    pub filter_name: &'a str,
    /// The filter's `destinationArn`.
    pub destination_arn: &'a str,
    /// The Kinesis partition key.
    pub partition_key: &'a str,
}

impl Outbox {
    /// An empty outbox holding at most `capacity` deliveries (at least 1).
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(VecDeque::new()),
            capacity: capacity.max(1),
            next_id: AtomicU64::new(1),
            dropped: AtomicU64::new(0),
            warned: AtomicBool::new(false),
            forward: Mutex::new(None),
        }
    }

    /// Hands every later delivery to a service of `endpoints` to `sender` (the background
    /// forwarder) as well.
    pub fn forward_to(&self, sender: Sender<Delivery>, endpoints: Endpoints) {
        *self.forward.lock() = Some((sender, endpoints));
    }

    /// Encodes `payload` for `target` and records it (and queues it for forwarding when a
    /// forwarder serves its service).
    pub fn deliver(&self, now: i64, target: Target<'_>, payload: Payload) {
        let (_, gzip) = payload.encode();
        let limit = max_payload_bytes(target.destination_arn);
        if base64_len(gzip.len()) > limit && payload.log_events.len() > 1 {
            // Split where the receiving service's size limit forces it, keeping event order.
            let (first, second) = payload.halves();
            self.deliver(now, target, first);
            self.deliver(now, target, second);
            return;
        }
        let forward = self
            .forward
            .lock()
            .as_ref()
            .filter(|(_, endpoints)| endpoints.covers(target.destination_arn))
            .map(|(sender, _)| sender.clone());
        let forwarded = forward.is_some();
        let delivery = Delivery {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            time: now,
            destination_arn: target.destination_arn.to_owned(),
            filter_name: target.filter_name.to_owned(),
            region: target.region.to_owned(),
            partition_key: target.partition_key.to_owned(),
            payload,
            data: base64::engine::general_purpose::STANDARD.encode(gzip),
            status: if forwarded {
                DeliveryStatus::Pending
            } else {
                DeliveryStatus::Recorded
            },
            attempts: 0,
            error: None,
        };
        // Recorded before it is handed over, so the forwarder's report always finds it.
        let mut entries = self.entries.lock();
        if entries.len() >= self.capacity {
            entries.pop_front();
            let dropped = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
            if !self.warned.swap(true, Ordering::Relaxed) {
                tracing::warn!(
                    capacity = self.capacity,
                    dropped,
                    "the delivery outbox is full: the oldest deliveries are dropped (and counted)"
                );
            }
        }
        match forward {
            Some(sender) => {
                entries.push_back(delivery.clone());
                drop(entries);
                let id = delivery.id;
                let refused = match sender.try_send(delivery) {
                    Ok(()) => None,
                    Err(TrySendError::Full(_)) => Some(format!(
                        "not forwarded: {} deliveries are already waiting for the forwarder",
                        sender.max_capacity()
                    )),
                    Err(TrySendError::Closed(_)) => {
                        Some("not forwarded: the forwarder has stopped".to_owned())
                    }
                };
                // Never silent: the outbox says why it was not sent.
                if let Some(error) = refused {
                    self.update(id, |d| {
                        d.status = DeliveryStatus::Failed;
                        d.error = Some(error);
                    });
                }
            }
            None => entries.push_back(delivery),
        }
    }

    /// Records what the forwarder did with delivery `id` (if it is still in the outbox).
    pub fn update(&self, id: u64, change: impl FnOnce(&mut Delivery)) {
        let mut entries = self.entries.lock();
        let at = entries.partition_point(|d| d.id < id);
        if let Some(delivery) = entries.get_mut(at).filter(|d| d.id == id) {
            change(delivery);
        }
    }

    /// The deliveries `keep` accepts, oldest first; with `drain`, they are removed too.
    pub fn list(&self, drain: bool, mut keep: impl FnMut(&Delivery) -> bool) -> Vec<Delivery> {
        let mut entries = self.entries.lock();
        if !drain {
            return entries.iter().filter(|d| keep(d)).cloned().collect();
        }
        let mut taken = Vec::new();
        entries.retain(|d| {
            if keep(d) {
                taken.push(d.clone());
                false
            } else {
                true
            }
        });
        taken
    }

    /// How many deliveries were dropped because the outbox was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Empties the outbox and zeroes the drop count.
    pub fn clear(&self) {
        self.entries.lock().clear();
        self.dropped.store(0, Ordering::Relaxed);
        self.warned.store(false, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn payload(message: &str) -> Payload {
        Payload {
            message_type: MessageType::Data,
            owner: "000000000000".into(),
            log_group: "g".into(),
            log_stream: "s".into(),
            subscription_filters: vec!["f".into()],
            log_events: vec![PayloadEvent {
                id: "1".into(),
                timestamp: 5,
                message: message.into(),
            }],
        }
    }

    #[test]
    fn payloads_are_gzip_json_in_aws_field_order() {
        let (json, gzip) = payload("hi").encode();
        assert_eq!(
            json,
            r#"{"messageType":"DATA_MESSAGE","owner":"000000000000","logGroup":"g","logStream":"s","subscriptionFilters":["f"],"logEvents":[{"id":"1","timestamp":5,"message":"hi"}]}"#
        );
        let mut unzipped = String::new();
        flate2::read::GzDecoder::new(&gzip[..])
            .read_to_string(&mut unzipped)
            .unwrap();
        assert_eq!(unzipped, json);
    }

    #[test]
    fn a_full_forwarding_queue_fails_the_delivery_with_the_reason() {
        let outbox = Outbox::new(10);
        let (sender, _receiver) = tokio::sync::mpsc::channel(1);
        let endpoints = Endpoints {
            lambda: Some("http://127.0.0.1:9".into()),
            ..Endpoints::default()
        };
        outbox.forward_to(sender, endpoints);
        let target = Target {
            region: "r",
            filter_name: "f",
            destination_arn: "arn:aws:lambda:r:1:function:f",
            partition_key: "s",
        };
        outbox.deliver(0, target, payload("queued"));
        outbox.deliver(0, target, payload("refused"));
        let all = outbox.list(false, |_| true);
        assert_eq!(all[0].status, DeliveryStatus::Pending);
        assert_eq!(all[1].status, DeliveryStatus::Failed);
        assert_eq!(
            all[1].error.as_deref(),
            Some("not forwarded: 1 deliveries are already waiting for the forwarder")
        );
    }

    #[test]
    fn a_full_outbox_drops_the_oldest_and_counts() {
        let outbox = Outbox::new(2);
        let target = Target {
            region: "r",
            filter_name: "f",
            destination_arn: "arn",
            partition_key: "s",
        };
        for m in ["a", "b", "c"] {
            outbox.deliver(0, target, payload(m));
        }
        let kept = outbox.list(false, |_| true);
        assert_eq!(kept.iter().map(|d| d.id).collect::<Vec<_>>(), [2, 3]);
        assert_eq!(outbox.dropped(), 1);
        outbox.update(3, |d| d.status = DeliveryStatus::Delivered);
        let drained = outbox.list(true, |d| d.status == DeliveryStatus::Delivered);
        assert_eq!(drained.len(), 1);
        assert_eq!(outbox.list(false, |_| true).len(), 1);
        outbox.clear();
        assert_eq!(
            (outbox.list(false, |_| true).len(), outbox.dropped()),
            (0, 0)
        );
    }
}
