//! Subscription delivery: AWS's payloads and the outbox that keeps every one of them.
//!
//! The store's ingest path hands each (filter, stream, put) with matching events to
//! [`Outbox::deliver`]; this module writes AWS's payload (gzip-compressed JSON
//! `{"messageType":"DATA_MESSAGE", ...}`), keeps it in the bounded outbox (oldest dropped and
//! counted when full) and, when forwarding is configured, queues it for the background
//! forwarder. Nothing here knows the store.

use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Once, Weak};
use std::time::{Duration, Instant};

pub mod forward;

use base64::Engine;
use parking_lot::{Condvar, Mutex};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::mpsc::Sender;

pub use forward::Endpoints;

/// `messageType` of a payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MessageType {
    /// Log events that matched a filter.
    #[serde(rename = "DATA_MESSAGE")]
    Data,
    /// The health check AWS sends when a Kinesis or Firehose filter is put.
    #[serde(rename = "CONTROL_MESSAGE")]
    Control,
}

/// One log event of a payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayloadEvent {
    /// The eventId FilterLogEvents returns for the same event ("" in a control message).
    pub id: String,
    /// Event time, epoch milliseconds.
    pub timestamp: i64,
    /// The message.
    pub message: String,
    /// The system fields the filter's `emitSystemFields` asked for (`@aws.account`,
    /// `@aws.region`, `@source.log`), beside the event's own members.
    #[serde(flatten)]
    pub system_fields: BTreeMap<String, String>,
}

/// The JSON AWS delivers, before compression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
                system_fields: BTreeMap::new(),
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// What names this delivery across restarts (`--data-dir`): a replay of the put that made
    /// it makes the same one (its events' ids come from their streams' arrival numbers).
    pub fn durable_key(&self) -> String {
        // A data message is named by its events (a put's delivery reads the clock after the
        // put, so its time is not the replay's); a control message by its time, which is
        // its PutSubscriptionFilter's (pinned in a replay).
        let first = match self.payload.message_type {
            MessageType::Data => self.payload.log_events.first().map(|e| e.id.clone()),
            MessageType::Control => Some(self.time.to_string()),
        };
        let key = format!(
            "{}\n{}\n{}\n{}\n{}\n{}\n{}",
            self.region,
            self.destination_arn,
            self.filter_name,
            self.payload.log_group,
            self.payload.log_stream,
            first.unwrap_or_default(),
            self.payload.log_events.len()
        );
        // 32 hex digits (a stable 128-bit FNV-1a hash) keep the journal's record and the
        // restart's set of finished deliveries small.
        crate::patterns::pattern_id(&key)
    }

    /// The gzip bytes.
    pub fn gzip_bytes(&self) -> Vec<u8> {
        base64::engine::general_purpose::STANDARD
            .decode(&self.data)
            .unwrap_or_default()
    }
}

/// The events of one put that some subscription filter matched, copied once (masked as reads
/// mask them) and shared by every filter's delivery; their ids are written when the delivery is
/// encoded, off the put path.
#[derive(Debug)]
pub struct PutEvents {
    text: String,
    ends: Vec<usize>,
    timestamps: Vec<i64>,
    ids: EventIds,
}

/// How the events of a [`PutEvents`] get their ids: event `i` has arrival number
/// `first_seq + i` in stream `stream`, and `format` writes the id FilterLogEvents gives it.
#[derive(Debug, Clone, Copy)]
pub struct EventIds {
    /// The stream's fingerprint.
    pub stream: u64,
    /// The arrival number of the first event.
    pub first_seq: u32,
    /// Writes the id of `(stream, timestamp, seq)`.
    pub format: fn(u64, i64, u32) -> String,
}

impl PutEvents {
    /// The `(timestamp, message)` events of one put, in arrival order.
    pub fn new<M: AsRef<str>>(
        events: impl ExactSizeIterator<Item = (i64, M)>,
        ids: EventIds,
    ) -> Self {
        let mut this = Self {
            text: String::new(),
            ends: Vec::with_capacity(events.len()),
            timestamps: Vec::with_capacity(events.len()),
            ids,
        };
        for (timestamp, message) in events {
            this.text.push_str(message.as_ref());
            this.ends.push(this.text.len());
            this.timestamps.push(timestamp);
        }
        this
    }

    fn event(&self, index: usize) -> PayloadEvent {
        let start = index.checked_sub(1).map_or(0, |before| self.ends[before]);
        let timestamp = self.timestamps[index];
        PayloadEvent {
            id: (self.ids.format)(
                self.ids.stream,
                timestamp,
                self.ids.first_seq.wrapping_add(index as u32),
            ),
            timestamp,
            message: self.text[start..self.ends[index]].to_owned(),
            system_fields: BTreeMap::new(),
        }
    }
}

/// Which events of a [`PutEvents`] a filter matched.
#[derive(Debug, Clone)]
pub enum Selection {
    /// Every one (a pattern that matches everything, or one that matched them all).
    All,
    /// These, by index, ascending.
    Some(Vec<u32>),
}

/// A delivery waiting to be encoded: its payload, and the matched events still to be added.
#[derive(Debug)]
struct Job {
    time: i64,
    region: String,
    filter_name: String,
    destination_arn: String,
    partition_key: String,
    payload: Payload,
    matched: Option<(Arc<PutEvents>, Selection)>,
    system_fields: BTreeMap<String, String>,
}

impl Job {
    fn new(now: i64, target: Target<'_>, payload: Payload) -> Self {
        Self {
            time: now,
            region: target.region.to_owned(),
            filter_name: target.filter_name.to_owned(),
            destination_arn: target.destination_arn.to_owned(),
            partition_key: target.partition_key.to_owned(),
            payload,
            matched: None,
            system_fields: BTreeMap::new(),
        }
    }

    /// What this job keeps in memory until it is encoded, roughly.
    fn weight(&self) -> usize {
        self.matched
            .as_ref()
            .map_or(0, |(events, _)| events.text.len() + events.ends.len() * 16)
            + 256
    }

    fn into_payload(self) -> (Payload, JobTarget) {
        let mut payload = self.payload;
        if let Some((events, selection)) = self.matched {
            payload.log_events = match selection {
                Selection::All => (0..events.ends.len()).map(|i| events.event(i)).collect(),
                Selection::Some(indices) => indices
                    .into_iter()
                    .map(|i| events.event(i as usize))
                    .collect(),
            };
            if !self.system_fields.is_empty() {
                for event in &mut payload.log_events {
                    event.system_fields.clone_from(&self.system_fields);
                }
            }
        }
        let target = JobTarget {
            time: self.time,
            region: self.region,
            filter_name: self.filter_name,
            destination_arn: self.destination_arn,
            partition_key: self.partition_key,
        };
        (payload, target)
    }
}

/// A job's destination once its payload is taken out.
struct JobTarget {
    time: i64,
    region: String,
    filter_name: String,
    destination_arn: String,
    partition_key: String,
}

/// Deliveries accepted but not encoded yet, and what they weigh.
#[derive(Debug, Default)]
struct Pending {
    jobs: VecDeque<Job>,
    weight: usize,
}

/// Wakes the background encoder.
#[derive(Debug, Default)]
struct Signal {
    urgent: Mutex<bool>,
    wake: Condvar,
}

/// How much unencoded delivery data the outbox holds before the put that adds more encodes
/// it all itself (the bound that keeps a put burst from growing memory without limit).
pub const MAX_PENDING_BYTES: usize = 256 * 1024 * 1024;
/// How long puts must pause before the background encoder encodes what they left pending.
const QUIET: Duration = Duration::from_millis(100);
/// How often the background encoder looks for a pause (and whether the outbox still exists).
const TICK: Duration = Duration::from_millis(50);

/// The bounded record of every delivery; when full, the oldest entry is dropped and counted.
///
/// A put only queues its matched events ([`Outbox::deliver_matched`]): writing the JSON, the
/// gzip and the base64 happens later, in arrival order, under one lock (`encoding`), by
/// whichever comes first: a reader of the outbox (every read encodes what is pending before
/// it looks, so it sees every delivery made before it, once and in order), the background
/// encoder (at once for forwarded deliveries, else once puts pause for [`QUIET`]), or a put
/// that finds [`MAX_PENDING_BYTES`] waiting.
#[derive(Debug)]
pub struct Outbox {
    entries: Mutex<VecDeque<Delivery>>,
    pending: Mutex<Pending>,
    encoding: Mutex<()>,
    capacity: usize,
    next_id: AtomicU64,
    dropped: AtomicU64,
    warned: AtomicBool,
    forward: Mutex<Option<(Sender<Delivery>, Endpoints)>>,
    me: Weak<Outbox>,
    signal: Arc<Signal>,
    encoder: Once,
    started: Instant,
    last_queued_nanos: AtomicU64,
    /// Told of each forwarded delivery once the forwarder is done with it (delivered, or
    /// failed for good): `--data-dir` journals it, so that a restart sends again only the
    /// deliveries that were still under way.
    on_forwarded: std::sync::OnceLock<OnForwarded>,
}

/// See [`Outbox::on_forwarded`].
struct OnForwarded(Box<dyn Fn(&Delivery) + Send + Sync>);

impl std::fmt::Debug for OnForwarded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OnForwarded")
    }
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
    pub fn new(capacity: usize) -> Arc<Self> {
        Arc::new_cyclic(|me| Self {
            entries: Mutex::new(VecDeque::new()),
            pending: Mutex::default(),
            encoding: Mutex::new(()),
            capacity: capacity.max(1),
            next_id: AtomicU64::new(1),
            dropped: AtomicU64::new(0),
            warned: AtomicBool::new(false),
            forward: Mutex::new(None),
            me: me.clone(),
            signal: Arc::default(),
            encoder: Once::new(),
            started: Instant::now(),
            last_queued_nanos: AtomicU64::new(0),
            on_forwarded: std::sync::OnceLock::new(),
        })
    }

    /// Sets what is told of each delivery the forwarder is done with (once).
    pub fn on_forwarded(&self, hook: Box<dyn Fn(&Delivery) + Send + Sync>) {
        let _ = self.on_forwarded.set(OnForwarded(hook));
    }

    /// The forwarder is done with `delivery` (delivered, or failed for good).
    pub fn forwarded(&self, delivery: &Delivery) {
        if let Some(hook) = self.on_forwarded.get() {
            (hook.0)(delivery);
        }
    }

    /// The forwarded deliveries the forwarder is not done with, oldest first (what a
    /// `--data-dir` snapshot keeps).
    pub fn under_way(&self) -> Vec<Delivery> {
        self.list(false, |d| d.status == DeliveryStatus::Pending)
    }

    /// Every delivery, which it removes (pending ones encoded first), oldest first.
    pub fn take_all(&self) -> Vec<Delivery> {
        self.list(true, |_| true)
    }

    /// Queues `deliveries` (made before a restart, not yet delivered) for forwarding again,
    /// in order, under new ids; those whose service has no endpoint now are left out.
    /// Returns how many were queued.
    pub fn resend(&self, deliveries: Vec<Delivery>) -> usize {
        let _turn = self.encoding.lock();
        let mut queued = 0;
        for mut delivery in deliveries {
            let Some(forward) = self.forwarder_for(&delivery.destination_arn) else {
                continue;
            };
            delivery.id = self.next_id.fetch_add(1, Ordering::Relaxed);
            delivery.attempts = 0;
            delivery.error = None;
            self.push_forwarded(delivery, &forward);
            queued += 1;
        }
        queued
    }

    /// Hands every later delivery to a service of `endpoints` to `sender` (the background
    /// forwarder) as well.
    pub fn forward_to(&self, sender: Sender<Delivery>, endpoints: Endpoints) {
        *self.forward.lock() = Some((sender, endpoints));
    }

    /// Records `payload` (complete, e.g. a control message) for `target`.
    pub fn deliver(&self, now: i64, target: Target<'_>, payload: Payload) {
        self.queue(Job::new(now, target, payload));
    }

    /// Records the delivery to `target` of `header` (a payload without events) with the
    /// events of `events` that `selection` names, each carrying `system_fields`.
    pub fn deliver_matched(
        &self,
        now: i64,
        target: Target<'_>,
        header: Payload,
        events: &Arc<PutEvents>,
        selection: Selection,
        system_fields: BTreeMap<String, String>,
    ) {
        let mut job = Job::new(now, target, header);
        job.matched = Some((Arc::clone(events), selection));
        job.system_fields = system_fields;
        self.queue(job);
    }

    fn queue(&self, job: Job) {
        let urgent = self.forwarder_for(&job.destination_arn).is_some();
        let over = {
            let mut pending = self.pending.lock();
            pending.weight += job.weight();
            pending.jobs.push_back(job);
            pending.weight > MAX_PENDING_BYTES
        };
        self.last_queued_nanos
            .store(self.started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        if over {
            self.encode_pending();
            return;
        }
        self.start_encoder();
        if urgent {
            *self.signal.urgent.lock() = true;
            self.signal.wake.notify_one();
        }
    }

    /// The forwarding queue serving `destination_arn`, if any.
    fn forwarder_for(&self, destination_arn: &str) -> Option<Sender<Delivery>> {
        self.forward
            .lock()
            .as_ref()
            .filter(|(_, endpoints)| endpoints.covers(destination_arn))
            .map(|(sender, _)| sender.clone())
    }

    /// Starts the background encoder once. It holds the outbox only while it encodes, and
    /// ends within a [`TICK`] of the outbox being dropped.
    fn start_encoder(&self) {
        self.encoder.call_once(|| {
            let me = self.me.clone();
            let signal = Arc::clone(&self.signal);
            let spawned = std::thread::Builder::new()
                .name("cwlogs-delivery-encoder".into())
                .spawn(move || loop {
                    let urgent = {
                        let mut urgent = signal.urgent.lock();
                        if !*urgent {
                            signal.wake.wait_for(&mut urgent, TICK);
                        }
                        std::mem::take(&mut *urgent)
                    };
                    let Some(outbox) = me.upgrade() else {
                        return;
                    };
                    if urgent || outbox.quiet() {
                        outbox.encode_pending();
                    }
                });
            if let Err(error) = spawned {
                // Readers and the pending bound still encode everything; only forwarding
                // waits for them.
                tracing::warn!(%error, "could not start the delivery encoder thread");
            }
        });
    }

    /// Whether deliveries are pending and none was queued for [`QUIET`].
    fn quiet(&self) -> bool {
        let last = Duration::from_nanos(self.last_queued_nanos.load(Ordering::Relaxed));
        self.started.elapsed().saturating_sub(last) >= QUIET && !self.pending.lock().jobs.is_empty()
    }

    /// Encodes every pending delivery, in the order they were queued. When this returns,
    /// every delivery queued before the call is in `entries` (or was dropped and counted).
    pub fn flush(&self) {
        self.encode_pending();
    }

    fn encode_pending(&self) {
        let _turn = self.encoding.lock();
        let jobs = std::mem::take(&mut *self.pending.lock()).jobs;
        for job in jobs {
            let forward = self.forwarder_for(&job.destination_arn);
            let (payload, target) = job.into_payload();
            self.record(&target, payload, forward.as_ref());
        }
    }

    /// Encodes `payload` for `target`, split where the receiving service's size limit forces
    /// it, and records it (and queues it on `forward`).
    fn record(&self, target: &JobTarget, payload: Payload, forward: Option<&Sender<Delivery>>) {
        let (_, gzip) = payload.encode();
        let limit = max_payload_bytes(&target.destination_arn);
        if base64_len(gzip.len()) > limit && payload.log_events.len() > 1 {
            // Split, keeping event order.
            let (first, second) = payload.halves();
            self.record(target, first, forward);
            self.record(target, second, forward);
            return;
        }
        let delivery = Delivery {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            time: target.time,
            destination_arn: target.destination_arn.clone(),
            filter_name: target.filter_name.clone(),
            region: target.region.clone(),
            partition_key: target.partition_key.clone(),
            payload,
            data: base64::engine::general_purpose::STANDARD.encode(gzip),
            status: if forward.is_some() {
                DeliveryStatus::Pending
            } else {
                DeliveryStatus::Recorded
            },
            attempts: 0,
            error: None,
        };
        match forward {
            Some(sender) => self.push_forwarded(delivery, sender),
            None => self.push(delivery),
        }
    }

    /// Keeps `delivery`, dropping (and counting) the oldest when full.
    fn push(&self, delivery: Delivery) {
        let mut entries = self.entries.lock();
        self.make_room(&mut entries);
        entries.push_back(delivery);
    }

    fn make_room(&self, entries: &mut VecDeque<Delivery>) {
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
    }

    /// Keeps `delivery` and hands it to the forwarder (recorded first, so the forwarder's
    /// report always finds it).
    fn push_forwarded(&self, mut delivery: Delivery, sender: &Sender<Delivery>) {
        delivery.status = DeliveryStatus::Pending;
        let mut entries = self.entries.lock();
        self.make_room(&mut entries);
        entries.push_back(delivery.clone());
        drop(entries);
        let id = delivery.id;
        let (refused, delivery) = match sender.try_send(delivery) {
            Ok(()) => return,
            Err(TrySendError::Full(delivery)) => (
                format!(
                    "not forwarded: {} deliveries are already waiting for the forwarder",
                    sender.max_capacity()
                ),
                delivery,
            ),
            Err(TrySendError::Closed(delivery)) => (
                "not forwarded: the forwarder has stopped".to_owned(),
                delivery,
            ),
        };
        // Never silent: the outbox says why it was not sent.
        self.update(id, |d| {
            d.status = DeliveryStatus::Failed;
            d.error = Some(refused);
        });
        self.forwarded(&delivery);
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
        self.flush();
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
        self.flush();
        self.dropped.load(Ordering::Relaxed)
    }

    /// Empties the outbox (pending deliveries too) and zeroes the drop count.
    pub fn clear(&self) {
        let _turn = self.encoding.lock();
        *self.pending.lock() = Pending::default();
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
                system_fields: BTreeMap::new(),
            }],
        }
    }

    #[test]
    fn a_delivery_keeps_its_durable_key_through_json_and_a_later_clock() {
        let delivery = Delivery {
            id: 7,
            time: 1_000,
            destination_arn: "arn:aws:kinesis:us-east-1:000000000000:stream/s".into(),
            filter_name: "f".into(),
            region: "us-east-1".into(),
            partition_key: "s".into(),
            payload: payload("m"),
            data: String::new(),
            status: DeliveryStatus::Pending,
            attempts: 2,
            error: Some("timed out".into()),
        };
        let key = delivery.durable_key();
        assert_eq!(key.len(), 32);
        // What a compaction writes reads back the same.
        let json = serde_json::to_vec(&delivery).unwrap();
        let read: Delivery = serde_json::from_slice(&json).unwrap();
        assert_eq!(read, delivery);
        // A replay makes the same data delivery a moment later: the same key. Other events
        // or another filter: another key.
        let later = Delivery {
            id: 1,
            time: 1_001,
            ..delivery.clone()
        };
        assert_eq!(later.durable_key(), key);
        let mut other = delivery.clone();
        other.payload.log_events[0].id = "2".into();
        assert_ne!(other.durable_key(), key);
        let mut other = delivery.clone();
        other.filter_name = "g".into();
        assert_ne!(other.durable_key(), key);
        // Control messages are named by their time (their PutSubscriptionFilter's).
        let mut control = delivery;
        control.payload = Payload::control(1_000, true);
        let mut again = control.clone();
        assert_eq!(again.durable_key(), control.durable_key());
        again.time = 2_000;
        assert_ne!(again.durable_key(), control.durable_key());
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

    fn test_id(stream: u64, timestamp: i64, seq: u32) -> String {
        format!("{stream}/{timestamp}/{seq}")
    }

    #[test]
    fn queued_deliveries_are_encoded_once_in_order_while_puts_and_drains_race() {
        let outbox = Outbox::new(1_000_000);
        let writers: Vec<_> = (0..4u64)
            .map(|writer| {
                let outbox = Arc::clone(&outbox);
                std::thread::spawn(move || {
                    for put in 0..200u32 {
                        let events = Arc::new(PutEvents::new(
                            (0..3i32).map(|i| (i64::from(i), format!("w{writer} p{put} e{i}"))),
                            EventIds {
                                stream: writer,
                                first_seq: put * 3,
                                format: test_id,
                            },
                        ));
                        let target = Target {
                            region: "r",
                            filter_name: "f",
                            destination_arn: "arn",
                            partition_key: "s",
                        };
                        let mut header = payload("");
                        header.log_events.clear();
                        let selection = if put % 2 == 0 {
                            Selection::All
                        } else {
                            Selection::Some(vec![0, 2])
                        };
                        outbox.deliver_matched(
                            0,
                            target,
                            header,
                            &events,
                            selection,
                            BTreeMap::new(),
                        );
                    }
                })
            })
            .collect();
        let mut drained = Vec::new();
        while writers.iter().any(|w| !w.is_finished()) {
            drained.extend(outbox.list(true, |_| true));
        }
        for writer in writers {
            writer.join().unwrap();
        }
        drained.extend(outbox.list(true, |_| true));
        let ids: Vec<u64> = drained.iter().map(|d| d.id).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids in order");
        let events: Vec<&PayloadEvent> =
            drained.iter().flat_map(|d| &d.payload.log_events).collect();
        assert_eq!(events.len(), 4 * (100 * 3 + 100 * 2));
        let mut seen: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), events.len(), "each event once");
        // Each writer's puts arrive in the order they were made.
        for writer in 0..4 {
            let puts: Vec<u32> = events
                .iter()
                .filter(|e| e.message.starts_with(&format!("w{writer} ")))
                .map(|e| e.id.split('/').nth(2).unwrap().parse::<u32>().unwrap())
                .collect();
            assert!(
                puts.windows(2).all(|w| w[0] < w[1]),
                "writer {writer} in order"
            );
        }
        assert_eq!(outbox.dropped(), 0);
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
