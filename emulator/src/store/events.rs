//! A stream's events, kept sorted by [`EventKey`] (timestamp, then arrival order) in chunks.
//!
//! The layout is what keeps millions of events cheap:
//! - events live in [`Chunk`]s of at most [`CHUNK_MAX_EVENTS`] events and about
//!   [`CHUNK_MAX_BYTES`] message bytes, each a set of parallel columns (timestamp, sequence,
//!   ingestion time, message end offset) plus one contiguous byte arena for the messages: 24 bytes
//!   of bookkeeping per event on top of the message itself, and no per-event allocation;
//! - chunks are sorted and disjoint, so seeking to a position is two binary searches
//!   (O(log n)) and a page is read in O(page);
//! - the usual case, a batch whose events are not older than the stream's newest event, appends
//!   to the last chunk; a batch that sorts earlier is merged into the chunks it overlaps, costing
//!   O(batch + overlapped chunks), never O(stream).

use std::collections::BTreeMap;

/// Most events in one chunk. Small enough that merging an out-of-order batch into a chunk is
/// cheap, large enough that the chunk index stays small (10M events is about 2,500 chunks).
pub const CHUNK_MAX_EVENTS: usize = 4096;
/// A chunk stops taking appends once its arena reaches this many bytes, so arena offsets fit
/// in `u32` (the largest event adds at most 1 MiB past it).
pub const CHUNK_MAX_BYTES: usize = 4 * 1024 * 1024;

/// Where an event sits in its stream's order: by timestamp, ties broken by arrival.
///
/// `seq` is the stream-wide arrival number, so the key is unique within a stream and never
/// changes: page tokens and event ids are built from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventKey {
    /// Event time, epoch milliseconds (never negative: the model's `Timestamp` has min 0).
    pub timestamp: i64,
    /// Arrival number within the stream, from 0.
    pub seq: u32,
}

impl EventKey {
    /// The smallest key, before every event.
    pub const MIN: EventKey = EventKey {
        timestamp: 0,
        seq: 0,
    };
    /// The largest key, after every event.
    pub const MAX: EventKey = EventKey {
        timestamp: i64::MAX,
        seq: u32::MAX,
    };

    /// The first key at or after `timestamp`.
    pub fn at_time(timestamp: i64) -> Self {
        Self {
            timestamp: timestamp.max(0),
            seq: 0,
        }
    }

    /// The next key in order (saturating at [`EventKey::MAX`]).
    pub fn successor(self) -> Self {
        match self.seq.checked_add(1) {
            Some(seq) => Self { seq, ..self },
            None if self.timestamp == i64::MAX => self,
            None => Self {
                timestamp: self.timestamp + 1,
                seq: 0,
            },
        }
    }
}

/// One stored event, borrowed from the store while a page is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventView<'a> {
    /// Position in the stream.
    pub key: EventKey,
    /// When CloudWatch Logs received it, epoch milliseconds.
    pub ingestion_time: i64,
    /// The message as sent.
    pub message: &'a str,
    /// Why the group's transformer failed on the event (`@transformationError`), if it did.
    pub transformation_error: Option<&'a str>,
}

/// An event about to be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewEvent<'a> {
    /// Event time, epoch milliseconds.
    pub timestamp: i64,
    /// The message.
    pub message: &'a str,
}

#[derive(Debug, Default, Clone)]
struct Chunk {
    timestamps: Vec<i64>,
    seqs: Vec<u32>,
    ingestion_times: Vec<i64>,
    /// `message_ends[i]` is where message `i` ends in `arena`; it starts where `i - 1` ends.
    message_ends: Vec<u32>,
    arena: String,
}

impl Chunk {
    fn with_capacity(events: usize) -> Self {
        Self {
            timestamps: Vec::with_capacity(events),
            seqs: Vec::with_capacity(events),
            ingestion_times: Vec::with_capacity(events),
            message_ends: Vec::with_capacity(events),
            arena: String::new(),
        }
    }

    fn len(&self) -> usize {
        self.timestamps.len()
    }

    fn key(&self, i: usize) -> EventKey {
        EventKey {
            timestamp: self.timestamps[i],
            seq: self.seqs[i],
        }
    }

    fn first_key(&self) -> EventKey {
        self.key(0)
    }

    fn last_key(&self) -> EventKey {
        self.key(self.len() - 1)
    }

    fn message(&self, i: usize) -> &str {
        let start = if i == 0 {
            0
        } else {
            self.message_ends[i - 1] as usize
        };
        &self.arena[start..self.message_ends[i] as usize]
    }

    fn view(&self, i: usize) -> EventView<'_> {
        EventView {
            key: self.key(i),
            ingestion_time: self.ingestion_times[i],
            message: self.message(i),
            transformation_error: None,
        }
    }

    fn is_full(&self, max_events: usize) -> bool {
        self.len() >= max_events || self.arena.len() >= CHUNK_MAX_BYTES
    }

    fn push(&mut self, key: EventKey, ingestion_time: i64, message: &str) {
        self.timestamps.push(key.timestamp);
        self.seqs.push(key.seq);
        self.ingestion_times.push(ingestion_time);
        self.arena.push_str(message);
        let end =
            u32::try_from(self.arena.len()).expect("chunk arena is bounded by CHUNK_MAX_BYTES");
        self.message_ends.push(end);
    }

    /// Index of the first event whose key is `>= key`.
    fn lower_bound(&self, key: EventKey) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.key(mid) < key {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Gives back the arena's growth slack once the chunk takes no more appends.
    fn seal(&mut self) {
        self.timestamps.shrink_to_fit();
        self.seqs.shrink_to_fit();
        self.ingestion_times.shrink_to_fit();
        self.message_ends.shrink_to_fit();
        self.arena.shrink_to_fit();
    }
}

/// A stream's events in [`EventKey`] order. See the module docs for the layout.
#[derive(Debug)]
pub struct EventLog {
    chunks: Vec<Chunk>,
    len: usize,
    message_bytes: usize,
    next_seq: u32,
    /// [`CHUNK_MAX_EVENTS`], except in tests that exercise chunk splits with few events.
    chunk_max_events: usize,
    /// `@transformationError` of the few events a transformer failed on.
    transformation_errors: BTreeMap<EventKey, Box<str>>,
}

impl Default for EventLog {
    fn default() -> Self {
        Self::with_chunk_limit(CHUNK_MAX_EVENTS)
    }
}

/// Where a page read stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PageEnd {
    /// How many events the visitor was given.
    pub count: usize,
    /// Key of the first event visited in reading order, if any.
    pub first: Option<EventKey>,
    /// Key of the last event visited in reading order, if any.
    pub last: Option<EventKey>,
}

/// The event count and byte budget of one page, as GetLogEvents and FilterLogEvents apply them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageBudget {
    /// Most events in the page.
    pub max_events: usize,
    /// Most bytes in the page, counting each event's message plus `overhead_per_event`.
    pub max_bytes: usize,
    /// Bytes counted per event besides its message.
    pub overhead_per_event: usize,
}

impl PageBudget {
    /// Whether an event of `message_len` bytes still fits after `count` events of `bytes` total.
    /// A page always takes its first event, so paging cannot stall on an oversized one.
    fn admits(&self, count: usize, bytes: usize, message_len: usize) -> bool {
        count < self.max_events
            && (count == 0 || bytes + message_len + self.overhead_per_event <= self.max_bytes)
    }
}

impl EventLog {
    fn with_chunk_limit(chunk_max_events: usize) -> Self {
        Self {
            chunks: Vec::new(),
            len: 0,
            message_bytes: 0,
            next_seq: 0,
            chunk_max_events,
            transformation_errors: BTreeMap::new(),
        }
    }

    /// Records why the transformer failed on events of the batch just stored from
    /// `first_seq`: `(index in the batch, error)`.
    pub fn note_transformation_errors(
        &mut self,
        batch: &[NewEvent<'_>],
        first_seq: u32,
        errors: &[(usize, String)],
    ) {
        for (i, error) in errors {
            let (Some(event), Ok(offset)) = (batch.get(*i), u32::try_from(*i)) else {
                continue;
            };
            let key = EventKey {
                timestamp: event.timestamp,
                seq: first_seq.saturating_add(offset),
            };
            self.transformation_errors
                .insert(key, error.as_str().into());
        }
    }

    /// Every kept `@transformationError`, in key order (a snapshot's).
    pub fn transformation_errors(&self) -> impl Iterator<Item = (EventKey, &str)> {
        self.transformation_errors
            .iter()
            .map(|(key, error)| (*key, &**error))
    }

    /// Puts back the `@transformationError` of the restored event `key` (a snapshot's).
    pub fn restore_transformation_error(&mut self, key: EventKey, error: &str) {
        self.transformation_errors.insert(key, error.into());
    }

    /// `view` with its `@transformationError` (one emptiness check when there are none).
    fn with_error<'a>(&'a self, mut view: EventView<'a>) -> EventView<'a> {
        if !self.transformation_errors.is_empty() {
            view.transformation_error = self.transformation_errors.get(&view.key).map(|e| &**e);
        }
        view
    }

    /// Number of stored events.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Sum of the stored messages' UTF-8 lengths.
    pub fn message_bytes(&self) -> usize {
        self.message_bytes
    }

    /// Stores a batch that is already sorted by timestamp (PutLogEvents guarantees that), all
    /// received at `ingestion_time`. Returns how many events were stored.
    ///
    /// Each event gets the next arrival number, so among equal timestamps it sorts after every
    /// event stored before it.
    /// The arrival number the next stored event gets (a batch's events get consecutive ones).
    pub fn next_seq(&self) -> u32 {
        self.next_seq
    }

    pub fn insert_sorted_batch(&mut self, batch: &[NewEvent<'_>], ingestion_time: i64) -> usize {
        debug_assert!(batch.windows(2).all(|w| w[0].timestamp <= w[1].timestamp));
        let Some(first) = batch.first() else {
            return 0;
        };
        let first_key = EventKey {
            timestamp: first.timestamp,
            seq: self.next_seq,
        };
        let appends = self.chunks.last().is_none_or(|c| c.last_key() < first_key);
        if appends {
            for event in batch {
                let key = self.allocate_key(event.timestamp);
                self.append(key, ingestion_time, event.message);
            }
        } else {
            let keyed: Vec<(EventKey, &str)> = batch
                .iter()
                .map(|e| (self.allocate_key(e.timestamp), e.message))
                .collect();
            self.merge(&keyed, ingestion_time);
        }
        self.len += batch.len();
        self.message_bytes += batch.iter().map(|e| e.message.len()).sum::<usize>();
        batch.len()
    }

    fn allocate_key(&mut self, timestamp: i64) -> EventKey {
        let key = EventKey {
            timestamp,
            seq: self.next_seq,
        };
        // A stream would need 4 billion events (hundreds of GB) to wrap; saturating keeps the
        // key valid without a panic path.
        self.next_seq = self.next_seq.saturating_add(1);
        key
    }

    fn append(&mut self, key: EventKey, ingestion_time: i64, message: &str) {
        let max = self.chunk_max_events;
        if self.chunks.last().is_none_or(|c| c.is_full(max)) {
            if let Some(last) = self.chunks.last_mut() {
                last.seal();
            }
            self.chunks.push(Chunk::default());
        }
        let last = self.chunks.last_mut().expect("a chunk was just ensured");
        last.push(key, ingestion_time, message);
    }

    /// Merges sorted `batch` (whose keys are all new) into the chunks it overlaps.
    fn merge(&mut self, batch: &[(EventKey, &str)], ingestion_time: i64) {
        let mut rest = batch;
        while let Some(&(first, _)) = rest.first() {
            // The chunk that should hold `first`: the last chunk whose first key is <= it.
            let target = self
                .chunks
                .partition_point(|c| c.first_key() <= first)
                .saturating_sub(1);
            let upper = self.chunks.get(target + 1).map(Chunk::first_key);
            let take = match upper {
                Some(bound) => rest.partition_point(|(k, _)| *k < bound),
                None => rest.len(),
            };
            let (now, later) = rest.split_at(take);
            let merged = merge_chunk(
                &self.chunks[target],
                now,
                ingestion_time,
                self.chunk_max_events,
            );
            self.chunks.splice(target..=target, merged);
            rest = later;
        }
    }

    /// Chunk and index of the first event with key `>= key` (may be one past the end).
    fn seek(&self, key: EventKey) -> (usize, usize) {
        let c = self.chunks.partition_point(|chunk| chunk.last_key() < key);
        if c == self.chunks.len() {
            return (c, 0);
        }
        (c, self.chunks[c].lower_bound(key))
    }

    /// Appends an event restored from a snapshot (`--data-dir`): keys come in increasing
    /// order, each after every stored one, and keep their arrival numbers.
    pub fn restore(&mut self, event: EventView<'_>) {
        self.append(event.key, event.ingestion_time, event.message);
        self.len += 1;
        self.message_bytes += event.message.len();
        self.next_seq = self.next_seq.max(event.key.seq.saturating_add(1));
    }

    /// Sets the arrival number the next stored event gets (a restored stream's, which may be
    /// past its last kept event's).
    pub fn set_next_seq(&mut self, seq: u32) {
        self.next_seq = self.next_seq.max(seq);
    }

    /// Events with key `>= from`, ascending.
    pub fn iter_from(&self, from: EventKey) -> Forward<'_> {
        let (chunk, index) = self.seek(from);
        Forward {
            log: self,
            chunk,
            index,
        }
    }

    /// Events with key `< before`, descending.
    pub fn iter_before(&self, before: EventKey) -> Backward<'_> {
        let (chunk, index) = self.seek(before);
        Backward {
            log: self,
            chunk,
            index,
        }
    }

    /// Visits events with keys in `[from, to)` in ascending order, within `budget`.
    pub fn read_forward<'s>(
        &'s self,
        from: EventKey,
        to: EventKey,
        budget: PageBudget,
        mut visit: impl FnMut(EventView<'s>),
    ) -> PageEnd {
        let mut end = PageEnd::default();
        let mut bytes = 0;
        for event in self.iter_from(from) {
            if event.key >= to || !budget.admits(end.count, bytes, event.message.len()) {
                break;
            }
            bytes += event.message.len() + budget.overhead_per_event;
            end.count += 1;
            end.first.get_or_insert(event.key);
            end.last = Some(event.key);
            visit(event);
        }
        end
    }

    /// Finds the oldest key of the newest page in `[from, to)`: walks backward from `to` while
    /// `budget` admits events. Read the page itself with [`EventLog::read_forward`] from the
    /// returned key, so pages are always delivered oldest first, as AWS does.
    pub fn page_start_backward(
        &self,
        from: EventKey,
        to: EventKey,
        budget: PageBudget,
    ) -> Option<EventKey> {
        let (mut count, mut bytes, mut oldest) = (0, 0, None);
        for event in self.iter_before(to) {
            if event.key < from || !budget.admits(count, bytes, event.message.len()) {
                break;
            }
            count += 1;
            bytes += event.message.len() + budget.overhead_per_event;
            oldest = Some(event.key);
        }
        oldest
    }

    /// A search for events whose message contains a needle, from `from` (inclusive) to `to`
    /// (exclusive); see [`ArenaSearch`].
    pub fn arena_search(&self, from: EventKey, to: EventKey) -> ArenaSearch<'_> {
        let (chunk, index) = self.seek(from);
        ArenaSearch {
            log: self,
            chunk,
            index,
            to,
        }
    }

    /// The smallest and largest stored timestamps.
    pub fn time_bounds(&self) -> Option<(i64, i64)> {
        let first = self.chunks.first()?.first_key().timestamp;
        let last = self.chunks.last()?.last_key().timestamp;
        Some((first, last))
    }

    /// Drops every event with a timestamp before `cutoff`; returns (events, message bytes) freed.
    pub fn drop_before(&mut self, cutoff: i64) -> (usize, usize) {
        let cutoff_key = EventKey::at_time(cutoff);
        let (c, i) = self.seek(cutoff_key);
        let mut freed = (0, 0);
        for chunk in self.chunks.drain(..c) {
            freed.0 += chunk.len();
            freed.1 += chunk.arena.len();
        }
        if i > 0 {
            if let Some(chunk) = self.chunks.first_mut() {
                let keep = rebuild(chunk, i..chunk.len());
                freed.0 += chunk.len() - keep.len();
                freed.1 += chunk.arena.len() - keep.arena.len();
                *chunk = keep;
            }
        }
        self.len -= freed.0;
        self.message_bytes -= freed.1;
        if !self.transformation_errors.is_empty() {
            self.transformation_errors = self.transformation_errors.split_off(&cutoff_key);
        }
        freed
    }
}

/// Finds, chunk by chunk, the events whose message contains a needle: searching a chunk's
/// message arena once is far cheaper than searching message by message. An occurrence that
/// straddles two messages is not a match. The search keeps its place between calls.
#[derive(Debug, Clone)]
pub struct ArenaSearch<'a> {
    log: &'a EventLog,
    chunk: usize,
    index: usize,
    to: EventKey,
}

impl<'a> ArenaSearch<'a> {
    /// The next event containing `needle`, passing over at most `max_skip` events.
    pub fn next_match(
        &mut self,
        needle: &memchr::memmem::Finder<'_>,
        max_skip: usize,
    ) -> Found<'a> {
        let mut found = Found::default();
        while let Some(chunk) = self.log.chunks.get(self.chunk) {
            let i = self.index;
            let in_range = if chunk.last_key() < self.to {
                chunk.len()
            } else {
                chunk.lower_bound(self.to)
            };
            let end = in_range.min(i + (max_skip - found.skipped_events));
            let offset = |index: usize| {
                if index == 0 {
                    0
                } else {
                    chunk.message_ends[index - 1] as usize
                }
            };
            let (first_byte, last_byte) = (offset(i), offset(end));
            let haystack = &chunk.arena.as_bytes()[first_byte..last_byte];
            let mut at = 0;
            let mut j = i;
            while let Some(hit) = needle.find(&haystack[at..]) {
                let hit = first_byte + at + hit;
                // The message holding the hit: usually the next one, else a binary search.
                if chunk.message_ends[j] as usize <= hit {
                    j += chunk.message_ends[j..end].partition_point(|&e| (e as usize) <= hit);
                }
                let message_end = chunk.message_ends[j] as usize;
                if hit + needle.needle().len() <= message_end {
                    found.pass(chunk, i..j, offset(j) - first_byte);
                    found.event = Some(chunk.view(j));
                    self.index = j + 1;
                    return found;
                }
                at = message_end - first_byte;
                j += 1;
            }
            found.pass(chunk, i..end, last_byte - first_byte);
            self.index = end;
            if end < in_range || in_range < chunk.len() {
                // The skip limit, or `to`, was reached inside this chunk.
                found.exhausted = end == in_range;
                return found;
            }
            self.chunk += 1;
            self.index = 0;
        }
        found.exhausted = true;
        found
    }
}

/// What [`ArenaSearch::next_match`] found.
#[derive(Debug, Default)]
pub struct Found<'a> {
    /// The first event containing the needle, if one was reached.
    pub event: Option<EventView<'a>>,
    /// Events passed over before it.
    pub skipped_events: usize,
    /// Message bytes passed over before it.
    pub skipped_bytes: usize,
    /// The last event passed over.
    pub last_skipped: Option<EventKey>,
    /// No event is left before `to` (as opposed to stopping at the skip limit).
    pub exhausted: bool,
}

impl Found<'_> {
    fn pass(&mut self, chunk: &Chunk, events: std::ops::Range<usize>, bytes: usize) {
        if let Some(last) = events.clone().last() {
            self.last_skipped = Some(chunk.key(last));
        }
        self.skipped_events += events.len();
        self.skipped_bytes += bytes;
    }
}

/// Ascending iteration from a position; see [`EventLog::iter_from`].
#[derive(Debug, Clone)]
pub struct Forward<'a> {
    log: &'a EventLog,
    chunk: usize,
    index: usize,
}

impl<'a> Iterator for Forward<'a> {
    type Item = EventView<'a>;

    fn next(&mut self) -> Option<EventView<'a>> {
        loop {
            let chunk = self.log.chunks.get(self.chunk)?;
            if self.index < chunk.len() {
                self.index += 1;
                return Some(self.log.with_error(chunk.view(self.index - 1)));
            }
            self.chunk += 1;
            self.index = 0;
        }
    }
}

/// Descending iteration before a position; see [`EventLog::iter_before`]. `index` counts the
/// events of `chunk` still to visit.
#[derive(Debug, Clone)]
pub struct Backward<'a> {
    log: &'a EventLog,
    chunk: usize,
    index: usize,
}

impl<'a> Iterator for Backward<'a> {
    type Item = EventView<'a>;

    fn next(&mut self) -> Option<EventView<'a>> {
        while self.index == 0 {
            self.chunk = self.chunk.checked_sub(1)?;
            self.index = self.log.chunks[self.chunk].len();
        }
        self.index -= 1;
        Some(
            self.log
                .with_error(self.log.chunks[self.chunk].view(self.index)),
        )
    }
}

/// A copy of `chunk`'s events in `range`.
fn rebuild(chunk: &Chunk, range: std::ops::Range<usize>) -> Chunk {
    let mut out = Chunk::with_capacity(range.len());
    for i in range {
        out.push(chunk.key(i), chunk.ingestion_times[i], chunk.message(i));
    }
    out.seal();
    out
}

/// Merges `chunk` with sorted `batch` and splits the result into chunks that respect the
/// chunk limits. Both inputs are sorted and share no key.
fn merge_chunk(
    chunk: &Chunk,
    batch: &[(EventKey, &str)],
    ingestion_time: i64,
    max_events: usize,
) -> Vec<Chunk> {
    let mut out = vec![Chunk::with_capacity(
        (chunk.len() + batch.len()).min(max_events),
    )];
    let mut push = |key: EventKey, ingestion: i64, message: &str| {
        if out.last().is_some_and(|c| c.is_full(max_events)) {
            if let Some(last) = out.last_mut() {
                last.seal();
            }
            out.push(Chunk::default());
        }
        out.last_mut()
            .expect("out is never empty")
            .push(key, ingestion, message);
    };
    let (mut i, mut j) = (0, 0);
    while i < chunk.len() || j < batch.len() {
        let take_chunk = j == batch.len() || (i < chunk.len() && chunk.key(i) < batch[j].0);
        if take_chunk {
            push(chunk.key(i), chunk.ingestion_times[i], chunk.message(i));
            i += 1;
        } else {
            push(batch[j].0, ingestion_time, batch[j].1);
            j += 1;
        }
    }
    for merged in &mut out {
        merged.seal();
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const BUDGET: PageBudget = PageBudget {
        max_events: usize::MAX,
        max_bytes: usize::MAX,
        overhead_per_event: 26,
    };

    fn all(log: &EventLog) -> Vec<(EventKey, String)> {
        let mut out = Vec::new();
        log.read_forward(EventKey::MIN, EventKey::MAX, BUDGET, |e| {
            out.push((e.key, e.message.to_owned()));
        });
        out
    }

    fn batches() -> impl Strategy<Value = Vec<Vec<(i64, String)>>> {
        let batch = prop::collection::vec((0i64..200, "[a-z]{0,6}"), 1..30).prop_map(|mut b| {
            b.sort_by_key(|e| e.0);
            b
        });
        prop::collection::vec(batch, 1..12)
    }

    proptest! {
        /// Whatever the insert order, the log reads back sorted by (timestamp, arrival), with
        /// every event once, across chunk splits and merges.
        #[test]
        fn reads_back_sorted_and_complete(batches in batches(), chunk in 1usize..6) {
            let mut log = EventLog::with_chunk_limit(chunk);
            let mut expected = Vec::new();
            for batch in &batches {
                let events: Vec<NewEvent<'_>> = batch
                    .iter()
                    .map(|(timestamp, message)| NewEvent { timestamp: *timestamp, message })
                    .collect();
                for (timestamp, message) in batch {
                    let seq = expected.len() as u32;
                    expected.push((EventKey { timestamp: *timestamp, seq }, message.clone()));
                }
                log.insert_sorted_batch(&events, 0);
            }
            expected.sort();
            prop_assert_eq!(all(&log), expected.clone());
            let backward: Vec<EventKey> = log.iter_before(EventKey::MAX).map(|e| e.key).collect();
            let reversed: Vec<EventKey> = expected.iter().rev().map(|(k, _)| *k).collect();
            prop_assert_eq!(backward, reversed);
            if let Some((middle, _)) = expected.get(expected.len() / 2) {
                let after: Vec<EventKey> = log.iter_from(*middle).map(|e| e.key).collect();
                let want: Vec<EventKey> = expected[expected.len() / 2..].iter().map(|(k, _)| *k).collect();
                prop_assert_eq!(after, want);
            }
            prop_assert_eq!(log.len(), expected.len());
            prop_assert!(log.chunks.iter().all(|c| c.len() <= chunk && c.len() > 0));

            // Backward page starts agree with a plain scan.
            let budget = PageBudget { max_events: 3, max_bytes: 60, overhead_per_event: 26 };
            let start = log.page_start_backward(EventKey::MIN, EventKey::MAX, budget);
            let mut bytes = 0;
            let mut want = None;
            for (count, (key, message)) in expected.iter().rev().enumerate() {
                if count == 3 || (count > 0 && bytes + message.len() + 26 > 60) {
                    break;
                }
                bytes += message.len() + 26;
                want = Some(*key);
            }
            prop_assert_eq!(start, want);

            // Dropping a prefix keeps the rest intact.
            let cutoff = 100;
            log.drop_before(cutoff);
            let kept: Vec<_> = expected.into_iter().filter(|(k, _)| k.timestamp >= cutoff).collect();
            prop_assert_eq!(log.len(), kept.len());
            prop_assert_eq!(all(&log), kept);
        }
    }

    #[test]
    fn a_page_always_takes_its_first_event() {
        let mut log = EventLog::default();
        let big = "x".repeat(100);
        log.insert_sorted_batch(
            &[NewEvent {
                timestamp: 1,
                message: &big,
            }],
            0,
        );
        let tiny = PageBudget {
            max_events: 10,
            max_bytes: 10,
            overhead_per_event: 26,
        };
        let end = log.read_forward(EventKey::MIN, EventKey::MAX, tiny, |_| {});
        assert_eq!(end.count, 1);
    }
}
