//! One log stream: its events, its metadata and its sequence-token state, behind one lock.
//!
//! The lock is per stream, so writers to different streams never wait for each other, and it is
//! a `parking_lot::RwLock` held only inside these synchronous methods (never across `.await`).
//! A put validates its sequence token and appends under the same write lock, which is what
//! makes "exactly one of several racing puts with the same token wins" hold.

use std::collections::BTreeSet;
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};

use super::events::{EventLog, EventView, NewEvent};
use super::tokens::{fingerprint, sequence_token};
use crate::config::SequenceTokenMode;
use crate::error::{LogsError, LogsResult};

/// A log stream.
#[derive(Debug)]
pub struct LogStream {
    name: String,
    arn: String,
    creation_time: i64,
    fingerprint: u64,
    state: RwLock<StreamState>,
    /// The group's [`TimeIndex`], in which this stream keeps its entry current.
    time_index: Option<Arc<TimeIndex>>,
}

/// A group's streams by newest event time: `(time key, name)` for each stream, where the key
/// is [`time_key`] of its newest event. A stream updates its own entry under its write lock,
/// so the index changes in the order the stream does; the index's lock is a leaf (nothing is
/// locked while it is held), so it adds no lock-order cycle.
pub type TimeIndex = Mutex<BTreeSet<(i64, String)>>;

/// The LastEventTime sort key of a stream whose newest event is at `last`: streams without
/// events sort first.
pub fn time_key(last: Option<i64>) -> i64 {
    last.unwrap_or(i64::MIN)
}

#[derive(Debug, Default)]
struct StreamState {
    events: EventLog,
    last_ingestion_time: Option<i64>,
    /// How many batches were accepted; the current sequence token encodes it (0: no token yet).
    accepted_batches: u64,
    /// What the last accepted batch looked like, to recognise a resend of it.
    last_batch: Option<BatchDigest>,
    /// Deleted from its group: it no longer has a [`TimeIndex`] entry to keep current.
    detached: bool,
}

/// Identifies an accepted batch the way AWS did for DataAlreadyAcceptedException: by the
/// token it was sent with and its messages (timestamps are not compared).
#[derive(Debug, Clone, PartialEq, Eq)]
struct BatchDigest {
    sent_with: Option<String>,
    messages_hash: u64,
    count: usize,
}

impl BatchDigest {
    fn of(sent_with: Option<&str>, events: &[NewEvent<'_>]) -> Self {
        Self {
            sent_with: sent_with.map(str::to_owned),
            messages_hash: messages_digest(events),
            count: events.len(),
        }
    }
}

/// A fast 64-bit digest of a batch's messages, eight bytes at a time. It only tells whether a
/// batch is a resend of the previous one (never persisted, not adversarial), and it runs over
/// every byte of every strict-mode put, where SipHash cost 10-15% of put throughput.
fn messages_digest(events: &[NewEvent<'_>]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mix = |h: u64, word: u64| (h ^ word).wrapping_mul(K).rotate_left(29);
    let mut h = events.len() as u64;
    for event in events {
        let bytes = event.message.as_bytes();
        h = mix(h, bytes.len() as u64);
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            h = mix(
                h,
                u64::from_le_bytes(word.try_into().expect("chunks of eight")),
            );
        }
        let mut tail = [0u8; 8];
        tail[..words.remainder().len()].copy_from_slice(words.remainder());
        h = mix(h, u64::from_le_bytes(tail));
    }
    h ^ (h >> 32)
}

/// A stream's state apart from its events, as a snapshot keeps it (`--data-dir`
/// compaction): with its events, it recreates the stream exactly, tokens included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamImage {
    /// The arrival number the next event gets.
    pub next_seq: u32,
    /// Batches accepted so far (the sequence token encodes it).
    pub accepted_batches: u64,
    /// The last accepted batch, for DataAlreadyAccepted: the token it was sent with, its
    /// messages' digest and its event count.
    pub last_batch: Option<(Option<String>, u64, u64)>,
    /// When the last batch arrived.
    pub last_ingestion_time: Option<i64>,
}

/// A snapshot of a stream's metadata, as DescribeLogStreams reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamInfo {
    /// The stream's name.
    pub name: String,
    /// `arn:<partition>:logs:<region>:<account>:log-group:<group>:log-stream:<stream>`.
    pub arn: String,
    /// Creation time, epoch milliseconds.
    pub creation_time: i64,
    /// Oldest event timestamp, once the stream has events.
    pub first_event_timestamp: Option<i64>,
    /// Newest event timestamp, once the stream has events.
    pub last_event_timestamp: Option<i64>,
    /// When the last batch arrived, once one has.
    pub last_ingestion_time: Option<i64>,
    /// The token the next put must carry (strict mode), once a batch was accepted.
    pub upload_sequence_token: Option<String>,
    /// Sum of the stored messages' UTF-8 bytes.
    pub message_bytes: usize,
}

/// What a validated put stores: the events that passed the age checks, and the whole batch's
/// messages (DataAlreadyAccepted compares those).
#[derive(Debug, Clone)]
pub struct PutBatch<'a> {
    /// Every event of the request, sorted by timestamp.
    pub all_events: &'a [NewEvent<'a>],
    /// The range of `all_events` to store (the rest was rejected as too old, expired or too new).
    pub accepted: std::ops::Range<usize>,
    /// The `sequenceToken` the request carried.
    pub sequence_token: Option<&'a str>,
    /// Why the transformer failed on some stored events: `(index in the accepted range,
    /// error)`, kept as their `@transformationError`.
    pub transformation_errors: &'a [(usize, String)],
}

/// What a successful put reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutOutcome {
    /// The token the next put must carry.
    pub next_sequence_token: String,
    /// How many events were stored.
    pub stored: usize,
    /// UTF-8 message bytes stored.
    pub stored_bytes: usize,
    /// The arrival number of the first stored event; the others follow in batch order.
    pub first_seq: u32,
}

impl LogStream {
    /// A new, empty stream. `arn` is its full ARN; `incarnation` tells it apart from earlier
    /// streams of the same name (deleted and created again), whose tokens it must refuse.
    pub fn new(name: String, arn: String, creation_time: i64, incarnation: u64) -> Self {
        let fingerprint = fingerprint(&[arn.as_bytes(), &incarnation.to_le_bytes()]);
        Self {
            name,
            arn,
            creation_time,
            fingerprint,
            state: RwLock::new(StreamState::default()),
            time_index: None,
        }
    }

    /// A new, empty stream listed in its group's `index` (the caller inserts its first entry,
    /// `(time_key(None), name)`).
    pub fn indexed(
        name: String,
        arn: String,
        creation_time: i64,
        incarnation: u64,
        index: Arc<TimeIndex>,
    ) -> Self {
        Self {
            time_index: Some(index),
            ..Self::new(name, arn, creation_time, incarnation)
        }
    }

    /// Moves this stream's index entry from `before` to `after` (its newest event times);
    /// called with the state's write lock held.
    fn reindex(&self, state: &StreamState, before: Option<i64>, after: Option<i64>) {
        let Some(index) = &self.time_index else {
            return;
        };
        if before == after || state.detached {
            return;
        }
        let mut index = index.lock();
        index.remove(&(time_key(before), self.name.clone()));
        index.insert((time_key(after), self.name.clone()));
    }

    /// Takes the stream out of its group's index, for good (it was deleted; a put still
    /// holding it must not list it again).
    pub fn detach(&self) {
        let mut state = self.state.write();
        state.detached = true;
        if let Some(index) = &self.time_index {
            let last = state.events.time_bounds().map(|b| b.1);
            index.lock().remove(&(time_key(last), self.name.clone()));
        }
    }

    /// The stream's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A stable number identifying this stream in tokens and event ids.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// The stream's metadata now.
    pub fn info(&self) -> StreamInfo {
        let state = self.state.read();
        let bounds = state.events.time_bounds();
        StreamInfo {
            name: self.name.clone(),
            arn: self.arn.clone(),
            creation_time: self.creation_time,
            first_event_timestamp: bounds.map(|b| b.0),
            last_event_timestamp: bounds.map(|b| b.1),
            last_ingestion_time: state.last_ingestion_time,
            upload_sequence_token: state.current_token(self.fingerprint),
            message_bytes: state.events.message_bytes(),
        }
    }

    /// Holds the stream's write lock for as long as the guard lives (tests of what reads
    /// touch which streams).
    #[cfg(test)]
    pub(crate) fn lock_for_test(&self) -> impl Drop + '_ {
        self.state.write()
    }

    /// Checks the sequence token (in strict mode) and stores the accepted events, atomically;
    /// `accepted` runs once the put is accepted, still under the stream's lock, so what it
    /// records (the journal) is in the order the stream took the puts.
    pub fn put(
        &self,
        batch: PutBatch<'_>,
        mode: SequenceTokenMode,
        ingestion_time: i64,
        accepted: impl FnOnce(),
    ) -> LogsResult<PutOutcome> {
        let digest = (mode == SequenceTokenMode::Strict)
            .then(|| BatchDigest::of(batch.sequence_token, batch.all_events));
        let mut state = self.state.write();
        if let Some(digest) = &digest {
            state.check_sequence_token(self.fingerprint, batch.sequence_token, digest)?;
        }
        let stored_events = &batch.all_events[batch.accepted.clone()];
        let before = state.events.time_bounds().map(|b| b.1);
        let first_seq = state.events.next_seq();
        let stored = state
            .events
            .insert_sorted_batch(stored_events, ingestion_time);
        if !batch.transformation_errors.is_empty() {
            state.events.note_transformation_errors(
                stored_events,
                first_seq,
                batch.transformation_errors,
            );
        }
        let after = state.events.time_bounds().map(|b| b.1);
        self.reindex(&state, before, after);
        if stored > 0 {
            state.last_ingestion_time = Some(ingestion_time);
        }
        state.accepted_batches += 1;
        state.last_batch = digest;
        accepted();
        Ok(PutOutcome {
            next_sequence_token: sequence_token(self.fingerprint, state.accepted_batches),
            stored,
            stored_bytes: stored_events.iter().map(|e| e.message.len()).sum(),
            first_seq,
        })
    }

    /// Runs `read` with the stream's image and its events (under the read lock).
    pub fn with_image<R>(&self, read: impl FnOnce(&StreamImage, &EventLog) -> R) -> R {
        let state = self.state.read();
        let image = StreamImage {
            next_seq: state.events.next_seq(),
            accepted_batches: state.accepted_batches,
            last_batch: state
                .last_batch
                .as_ref()
                .map(|b| (b.sent_with.clone(), b.messages_hash, b.count as u64)),
            last_ingestion_time: state.last_ingestion_time,
        };
        read(&image, &state.events)
    }

    /// Replaces the stream's state with `image` and no events (a snapshot's start; events
    /// follow through [`Self::restore_events`]). Returns the message bytes it held.
    pub fn restore_image(&self, image: &StreamImage) -> usize {
        let mut state = self.state.write();
        let before = state.events.time_bounds().map(|b| b.1);
        let freed = state.events.message_bytes();
        state.events = EventLog::default();
        state.events.set_next_seq(image.next_seq);
        state.accepted_batches = image.accepted_batches;
        state.last_batch = image
            .last_batch
            .as_ref()
            .map(|(sent_with, messages_hash, count)| BatchDigest {
                sent_with: sent_with.clone(),
                messages_hash: *messages_hash,
                count: *count as usize,
            });
        state.last_ingestion_time = image.last_ingestion_time;
        self.reindex(&state, before, None);
        freed
    }

    /// Appends snapshot events (in key order, after every stored one); returns their message
    /// bytes.
    pub fn restore_events<'e>(&self, events: impl Iterator<Item = EventView<'e>>) -> usize {
        let mut state = self.state.write();
        let before = state.events.time_bounds().map(|b| b.1);
        let bytes_before = state.events.message_bytes();
        for event in events {
            state.events.restore(event);
        }
        let after = state.events.time_bounds().map(|b| b.1);
        self.reindex(&state, before, after);
        state.events.message_bytes() - bytes_before
    }

    /// Puts back snapshot `@transformationError`s of events restored already.
    pub fn restore_transformation_errors<'e>(
        &self,
        errors: impl Iterator<Item = (super::events::EventKey, &'e str)>,
    ) {
        let mut state = self.state.write();
        for (key, error) in errors {
            state.events.restore_transformation_error(key, error);
        }
    }

    /// Shared access to the events for as long as the guard lives. FilterLogEvents holds
    /// several at once, always taken in stream-name order so that no two readers can wait on
    /// each other (writers hold one stream lock at a time).
    pub fn events(&self) -> parking_lot::MappedRwLockReadGuard<'_, EventLog> {
        parking_lot::RwLockReadGuard::map(self.state.read(), |state| &state.events)
    }

    /// Runs `read` with shared access to the events, so a page is copied out under one lock.
    pub fn with_events<R>(&self, read: impl FnOnce(&EventLog) -> R) -> R {
        read(&self.state.read().events)
    }

    /// Drops events older than `cutoff` (retention); returns the message bytes freed.
    pub fn expire_before(&self, cutoff: i64) -> usize {
        let mut state = self.state.write();
        if state
            .events
            .time_bounds()
            .is_some_and(|(first, _)| first < cutoff)
        {
            let before = state.events.time_bounds().map(|b| b.1);
            let freed = state.events.drop_before(cutoff).1;
            let after = state.events.time_bounds().map(|b| b.1);
            self.reindex(&state, before, after);
            freed
        } else {
            0
        }
    }
}

impl StreamState {
    fn current_token(&self, stream: u64) -> Option<String> {
        (self.accepted_batches > 0).then(|| sequence_token(stream, self.accepted_batches))
    }

    /// AWS before 2023: the put must carry the stream's current token (none on a new stream).
    /// A resend of the last accepted batch under the token it was accepted with is
    /// DataAlreadyAccepted; any other mismatch is InvalidSequenceToken.
    fn check_sequence_token(
        &self,
        stream: u64,
        sent: Option<&str>,
        digest: &BatchDigest,
    ) -> LogsResult<()> {
        let expected = self.current_token(stream);
        if sent == expected.as_deref() {
            return Ok(());
        }
        let resend = self.last_batch.as_ref() == Some(digest);
        let shown = expected.as_deref().unwrap_or("null");
        if resend {
            Err(LogsError::DataAlreadyAccepted {
                message: format!(
                    "The given batch of log events has already been accepted. The next batch can be sent with sequenceToken: {shown}"
                ),
                expected_sequence_token: expected,
            })
        } else {
            Err(LogsError::InvalidSequenceToken {
                message: format!(
                    "The given sequenceToken is invalid. The next expected sequenceToken is: {shown}"
                ),
                expected_sequence_token: expected,
            })
        }
    }
}
