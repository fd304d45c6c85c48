//! FilterLogEvents' search: the selected streams of a group merged in the group-wide order
//! (timestamp, stream name, arrival), the events an [`EventPredicate`] accepts, within the page
//! budget and a scan budget.
//!
//! Lock order: a page holds the read locks of every selected stream, always taken in stream-name
//! order, for the length of one page; writers hold one stream lock at a time, so searches
//! cannot deadlock. The `nextToken` is the position of the last event dealt with in group
//! order, so it survives writes, and it is absent exactly when no further event matches.

use std::borrow::Cow;
use std::collections::BinaryHeap;
use std::sync::Arc;
use std::time::Instant;

use super::events::{EventKey, EventLog, EventView, Found};
use super::masking::Masks;
use super::stream::LogStream;
use super::tokens::{event_id, Direction, FilterCursor};
use super::LogGroup;
use crate::error::{LogsError, LogsResult};
use crate::filter::FilterPattern;
use crate::limits::{
    EVENT_OVERHEAD_BYTES, MAX_BATCH_BYTES, MAX_SEARCH_SCAN_BYTES, MAX_SEARCH_SCAN_EVENTS,
    MAX_SEARCH_SCAN_TIME,
};

/// What decides whether a search returns an event: the filter-pattern engine's compiled
/// pattern today, an Insights filter later.
pub trait EventPredicate: Sync {
    /// Whether the event with this message is returned.
    fn matches(&self, message: &str) -> bool;

    /// A substring every accepted message contains, if there is one: the search then jumps
    /// between candidates instead of testing every event.
    fn required_text(&self) -> Option<&memchr::memmem::Finder<'static>> {
        None
    }
}

impl EventPredicate for FilterPattern {
    fn matches(&self, message: &str) -> bool {
        FilterPattern::matches(self, message)
    }

    fn required_text(&self) -> Option<&memchr::memmem::Finder<'static>> {
        FilterPattern::required_text(self)
    }
}

/// Which streams of the group a search reads.
#[derive(Debug, Clone, Copy)]
pub enum StreamSelection<'a> {
    /// Every stream whose name starts with the prefix ("" for all).
    Prefix(&'a str),
    /// These streams (ResourceNotFound if one is missing).
    Names(&'a [String]),
}

/// What FilterLogEvents asks for, validated.
#[derive(Clone, Copy)]
pub struct SearchRequest<'a> {
    /// The streams to read.
    pub streams: StreamSelection<'a>,
    /// Which events to return.
    pub predicate: &'a dyn EventPredicate,
    /// Inclusive lower bound, epoch milliseconds.
    pub start_time: Option<i64>,
    /// Inclusive upper bound ("events with a timestamp later than this time are not
    /// returned", model doc of FilterLogEvents.endTime).
    pub end_time: Option<i64>,
    /// Most events in the page (the byte budget applies too).
    pub limit: usize,
    /// A token of an earlier page, if any.
    pub next_token: Option<&'a str>,
    /// Without a token: oldest first (the default) or newest first. Not in the model; a raw
    /// client may send it.
    pub start_from_head: Option<bool>,
    /// `unmask`: hand out events as ingested, not masked by data protection.
    pub unmask: bool,
}

/// One page of search results, borrowed from the locked streams.
pub struct SearchPage<'a> {
    streams: &'a [Arc<LogStream>],
    events: Vec<(usize, EventView<'a>)>,
    /// The masked message of each event that data protection changes (by position).
    masked: Vec<Option<String>>,
    /// Present when the search has more to look at.
    pub next_token: Option<String>,
}

/// One event of a [`SearchPage`].
#[derive(Debug, Clone, Copy)]
pub struct SearchHit<'a> {
    /// The stream it belongs to.
    pub stream_name: &'a str,
    /// The event.
    pub event: EventView<'a>,
    stream_fingerprint: u64,
}

impl SearchHit<'_> {
    /// The event's stable id (the same on every search, and in subscription deliveries).
    pub fn event_id(&self) -> String {
        event_id(self.stream_fingerprint, self.event.key)
    }
}

impl<'a> SearchPage<'a> {
    /// The page's events, in the order the page lists them, masked as the request asked
    /// (the pattern was matched against the events as ingested).
    pub fn hits(&self) -> impl Iterator<Item = SearchHit<'_>> + '_ {
        self.events
            .iter()
            .zip(&self.masked)
            .map(|((i, event), masked)| {
                let stream = &self.streams[*i];
                let mut event = *event;
                if let Some(message) = masked {
                    event.message = message;
                }
                SearchHit {
                    stream_name: stream.name(),
                    event,
                    stream_fingerprint: stream.fingerprint(),
                }
            })
    }
}

impl LogGroup {
    /// Runs one page of a search and hands it to `write` while the streams' read locks are
    /// held, so the caller can encode it without copying. `The specified nextToken is
    /// invalid.` for a token of another group; ResourceNotFound for a named stream that is
    /// missing.
    pub fn search<R>(
        &self,
        request: &SearchRequest<'_>,
        write: impl FnOnce(&SearchPage<'_>) -> R,
    ) -> LogsResult<R> {
        let cursor = match request.next_token {
            Some(token) => Some(
                FilterCursor::decode(token, self.fingerprint())
                    .ok_or_else(LogsError::invalid_next_token)?,
            ),
            None => None,
        };
        let streams = self.selected_streams(request.streams)?;
        let cutoff = self.apply_retention_to_all();
        let mut from = EventKey::at_time(request.start_time.unwrap_or(0));
        if let Some(cutoff) = cutoff {
            from = from.max(EventKey::at_time(cutoff));
        }
        let to = request.end_time.map_or(EventKey::MAX, |end| {
            EventKey::at_time(end.saturating_add(1))
        });
        let direction = match &cursor {
            Some(cursor) => cursor.direction,
            None if request.start_from_head.unwrap_or(true) => Direction::Forward,
            None => Direction::Backward,
        };
        let masks = self.masks(request.unmask);
        let search = Search {
            masks: &masks,
            streams: &streams,
            predicate: request.predicate,
            from,
            to,
            limit: request.limit,
            scan_events: MAX_SEARCH_SCAN_EVENTS,
        };
        Ok(search.page(direction, cursor.as_ref(), self.fingerprint(), write))
    }

    /// The streams a search reads, in name order (the lock order).
    fn selected_streams(&self, selection: StreamSelection<'_>) -> LogsResult<Vec<Arc<LogStream>>> {
        match selection {
            StreamSelection::Names(names) => {
                let mut names: Vec<&String> = names.iter().collect();
                names.sort();
                names.dedup();
                names.into_iter().map(|name| self.stream(name)).collect()
            }
            StreamSelection::Prefix(prefix) => Ok(self.streams_with_prefix(prefix)),
        }
    }
}

/// One FilterLogEvents page over `streams`.
struct Search<'a> {
    masks: &'a Masks,
    streams: &'a [Arc<LogStream>],
    predicate: &'a dyn EventPredicate,
    from: EventKey,
    to: EventKey,
    limit: usize,
    /// Most events one page scans ([`MAX_SEARCH_SCAN_EVENTS`]; less in tests).
    scan_events: usize,
}

impl Search<'_> {
    fn page<R>(
        &self,
        direction: Direction,
        cursor: Option<&FilterCursor>,
        group: u64,
        write: impl FnOnce(&SearchPage<'_>) -> R,
    ) -> R {
        let guards: Vec<_> = self.streams.iter().map(|s| s.events()).collect();
        let mut page = Page::new(self.limit, self.scan_events);
        match direction {
            Direction::Forward if guards.len() == 1 && self.predicate.required_text().is_some() => {
                self.skip_through(&guards[0], cursor, &mut page);
            }
            Direction::Forward => {
                let iters = guards
                    .iter()
                    .enumerate()
                    .map(|(i, log)| log.iter_from(self.start_after(i, cursor)))
                    .collect();
                merge(iters, false, |key| key < self.to, self.predicate, &mut page);
            }
            Direction::Backward => {
                let iters = guards
                    .iter()
                    .enumerate()
                    .map(|(i, log)| log.iter_before(self.end_before(i, cursor)))
                    .collect();
                merge(
                    iters,
                    true,
                    |key| key >= self.from,
                    self.predicate,
                    &mut page,
                );
            }
        }
        let mut events = page.events;
        if direction == Direction::Backward {
            // Pages go newest first, but each page reads oldest first, as GetLogEvents does.
            events.reverse();
        }
        let next_token = page.resume_after.filter(|_| page.more).map(|(i, key)| {
            FilterCursor {
                direction,
                key,
                stream: self.streams[i].name().to_owned(),
            }
            .encode(group)
        });
        let masked = events
            .iter()
            .map(
                |(_, e)| match self.masks.apply(e.ingestion_time, e.message) {
                    Cow::Owned(message) => Some(message),
                    Cow::Borrowed(_) => None,
                },
            )
            .collect();
        write(&SearchPage {
            streams: self.streams,
            events,
            masked,
            next_token,
        })
    }

    /// The common search (one stream, forward, a pattern with a required word): jumps from
    /// candidate to candidate with the store's arena search instead of testing every event.
    fn skip_through<'a>(
        &self,
        log: &'a EventLog,
        cursor: Option<&FilterCursor>,
        page: &mut Page<'a>,
    ) {
        let needle = self
            .predicate
            .required_text()
            .expect("checked by the caller");
        let mut search = log.arena_search(self.start_after(0, cursor), self.to);
        loop {
            let found = search.next_match(needle, page.budget.events.min(1 << 16));
            if !page.skipped(0, &found) {
                return;
            }
            match found.event {
                Some(event) => {
                    let matched = self.predicate.matches(event.message);
                    if !page.visit(0, event, matched) {
                        return;
                    }
                }
                None if found.exhausted => return,
                None => {}
            }
        }
    }

    /// Where stream `i` resumes going forward: after the cursor in group order, within range.
    fn start_after(&self, i: usize, cursor: Option<&FilterCursor>) -> EventKey {
        let Some(cursor) = cursor else {
            return self.from;
        };
        let name = self.streams[i].name();
        let resume = match name.cmp(cursor.stream.as_str()) {
            std::cmp::Ordering::Less => EventKey::at_time(cursor.key.timestamp.saturating_add(1)),
            std::cmp::Ordering::Equal => cursor.key.successor(),
            std::cmp::Ordering::Greater => EventKey::at_time(cursor.key.timestamp),
        };
        resume.max(self.from)
    }

    /// Where stream `i` resumes going backward: before the cursor in group order, within range.
    fn end_before(&self, i: usize, cursor: Option<&FilterCursor>) -> EventKey {
        let Some(cursor) = cursor else {
            return self.to;
        };
        let name = self.streams[i].name();
        let resume = match name.cmp(cursor.stream.as_str()) {
            std::cmp::Ordering::Less => EventKey::at_time(cursor.key.timestamp.saturating_add(1)),
            std::cmp::Ordering::Equal => cursor.key,
            std::cmp::Ordering::Greater => EventKey::at_time(cursor.key.timestamp),
        };
        resume.min(self.to)
    }
}

/// The events of one page, within its event and byte budget.
struct Page<'a> {
    limit: usize,
    events: Vec<(usize, EventView<'a>)>,
    bytes: usize,
    /// The page stopped before the end: a matching event did not fit, or the scan budget ran
    /// out. There is a next page.
    more: bool,
    /// The last event dealt with (returned, or scanned and not matching), in scan order, by
    /// stream index: where the next page resumes.
    resume_after: Option<(usize, EventKey)>,
    /// What this page may still scan.
    budget: ScanBudget,
}

/// How much one FilterLogEvents page may scan before it answers with what it has and a
/// `nextToken` (AWS documents partial and empty pages before the end). It bounds how long a
/// search holds its streams' read locks, and so how long writers to the group can wait.
struct ScanBudget {
    events: usize,
    bytes: usize,
    deadline: Instant,
    /// Events and bytes scanned since the clock was last read.
    events_unclocked: usize,
    bytes_unclocked: usize,
}

/// The clock is read after this many events...
const CLOCK_EVERY_EVENTS: usize = 4096;
/// ...or this many message bytes, whichever comes first: at the slowest patterns' speed per
/// byte, 1 MiB takes a few milliseconds, so a page overruns its time budget by no more.
const CLOCK_EVERY_BYTES: usize = 1 << 20;

impl ScanBudget {
    fn new(events: usize) -> Self {
        Self {
            events,
            bytes: MAX_SEARCH_SCAN_BYTES,
            deadline: Instant::now() + MAX_SEARCH_SCAN_TIME,
            events_unclocked: 0,
            bytes_unclocked: 0,
        }
    }

    /// Charges a run of scanned events at once; false once the budget is spent.
    fn charge_many(&mut self, events: usize, bytes: usize) -> bool {
        self.events = self.events.saturating_sub(events);
        self.bytes = self.bytes.saturating_sub(bytes);
        self.events_unclocked = 0;
        self.bytes_unclocked = 0;
        self.events > 0 && self.bytes > 0 && Instant::now() <= self.deadline
    }

    /// Charges one scanned event; false once the budget is spent. The clock is read only
    /// when [`Self::clock_due`] says so, not for every event.
    fn charge(&mut self, message_len: usize) -> bool {
        self.events = self.events.saturating_sub(1);
        self.bytes = self.bytes.saturating_sub(message_len);
        let look_at_clock = self.clock_due(message_len);
        self.events > 0 && self.bytes > 0 && !(look_at_clock && Instant::now() > self.deadline)
    }

    /// Counts one event of `message_len` bytes; true when the clock must be read now: every
    /// [`CLOCK_EVERY_EVENTS`] events or [`CLOCK_EVERY_BYTES`] bytes since the last reading
    /// (large messages are slow to match, so counting events alone overran the time budget).
    fn clock_due(&mut self, message_len: usize) -> bool {
        self.events_unclocked += 1;
        self.bytes_unclocked = self.bytes_unclocked.saturating_add(message_len);
        let due = self.events_unclocked >= CLOCK_EVERY_EVENTS
            || self.bytes_unclocked >= CLOCK_EVERY_BYTES;
        if due {
            self.events_unclocked = 0;
            self.bytes_unclocked = 0;
        }
        due
    }
}

impl<'a> Page<'a> {
    fn new(limit: usize, scan_events: usize) -> Self {
        Self {
            limit,
            events: Vec::new(),
            bytes: 0,
            more: false,
            resume_after: None,
            budget: ScanBudget::new(scan_events),
        }
    }

    /// Accounts for the events `found` passed over in stream `i` (none of them could match);
    /// false when that spent the scan budget.
    fn skipped(&mut self, i: usize, found: &Found<'_>) -> bool {
        let Some(last) = found.last_skipped else {
            return true;
        };
        self.resume_after = Some((i, last));
        if !self
            .budget
            .charge_many(found.skipped_events, found.skipped_bytes)
        {
            self.more = true;
            return false;
        }
        true
    }

    /// Deals with one scanned event of stream `i`; false when the page is complete.
    fn visit(&mut self, i: usize, event: EventView<'a>, matched: bool) -> bool {
        if matched {
            let size = event.message.len() + EVENT_OVERHEAD_BYTES;
            let full = self.events.len() == self.limit
                || (!self.events.is_empty() && self.bytes + size > MAX_BATCH_BYTES);
            if full {
                self.more = true;
                return false;
            }
            self.bytes += size;
            self.events.push((i, event));
        }
        self.resume_after = Some((i, event.key));
        if !self.budget.charge(event.message.len()) {
            self.more = true;
            return false;
        }
        true
    }
}

/// Visits the events of several ordered streams in group order (timestamp, stream index,
/// arrival): ascending, or descending when `newest_first`. A stream stops at its first event
/// outside `in_range`. Events `predicate` accepts go to `page` until it is full.
fn merge<'a, I: Iterator<Item = EventView<'a>>>(
    mut iters: Vec<I>,
    newest_first: bool,
    in_range: impl Fn(EventKey) -> bool,
    predicate: &dyn EventPredicate,
    page: &mut Page<'a>,
) {
    // A max-heap; ascending order negates the key.
    let order = |i: usize, e: &EventView<'_>| {
        let key = (e.key.timestamp, i as i64, i64::from(e.key.seq));
        if newest_first {
            key
        } else {
            (-key.0, -key.1, -key.2)
        }
    };
    let mut heads: Vec<Option<EventView<'a>>> = Vec::with_capacity(iters.len());
    let mut heap = BinaryHeap::with_capacity(iters.len());
    for (i, iter) in iters.iter_mut().enumerate() {
        let head = iter.next().filter(|e| in_range(e.key));
        if let Some(e) = &head {
            heap.push(order(i, e));
        }
        heads.push(head);
    }
    while let Some(top) = heap.pop() {
        let i = if newest_first { top.1 } else { -top.1 } as usize;
        let Some(mut event) = heads[i].take() else {
            continue;
        };
        // Stay on this stream while it keeps ordering before every other stream's head: with
        // one stream, or streams written in turn, most events never touch the heap.
        loop {
            let matched = predicate.matches(event.message);
            if !page.visit(i, event, matched) {
                return;
            }
            let Some(next) = iters[i].next().filter(|e| in_range(e.key)) else {
                break;
            };
            let key = order(i, &next);
            if heap.peek().is_none_or(|other| key > *other) {
                event = next;
            } else {
                heads[i] = Some(next);
                heap.push(key);
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SequenceTokenMode;
    use crate::store::events::NewEvent;
    use crate::store::stream::PutBatch;

    /// How many events of `len` bytes pass before the budget first asks for the clock.
    fn events_until_clock(budget: &mut ScanBudget, len: usize) -> usize {
        (1..=10_000).find(|_| budget.clock_due(len)).unwrap_or(0)
    }

    #[test]
    fn the_scan_budget_reads_the_clock_by_bytes_as_well_as_by_events() {
        let mut budget = ScanBudget::new(MAX_SEARCH_SCAN_EVENTS);
        // Short messages: every 4,096 events, again and again.
        assert_eq!(events_until_clock(&mut budget, 100), 4096);
        assert_eq!(events_until_clock(&mut budget, 100), 4096);
        // 8 KiB JSON messages: every MiB, i.e. every 128 events (it was every 4,096 = 32 MiB).
        assert_eq!(events_until_clock(&mut budget, 8 << 10), 128);
        assert_eq!(events_until_clock(&mut budget, 8 << 10), 128);
        // A message of a MiB or more: at once.
        assert_eq!(events_until_clock(&mut budget, 1 << 20), 1);
        // A bulk charge reads the clock itself, so counting starts afresh after it.
        budget.clock_due(1000);
        assert!(budget.charge_many(10, 10));
        assert_eq!(events_until_clock(&mut budget, 100), 4096);
    }

    #[test]
    fn a_word_split_across_two_messages_is_not_found() {
        let stream = Arc::new(LogStream::new("s".into(), "arn:s".into(), 0, 0));
        let messages = ["abER", "RORcd", "no", "an ERROR here", "ERR", "OR"];
        let events: Vec<NewEvent<'_>> = messages
            .iter()
            .enumerate()
            .map(|(i, m)| NewEvent {
                timestamp: i as i64,
                message: m,
            })
            .collect();
        let batch = PutBatch {
            all_events: &events,
            accepted: 0..events.len(),
            sequence_token: None,
            transformation_errors: &[],
        };
        stream
            .put(batch, SequenceTokenMode::Ignore, 0, || {})
            .unwrap();
        let found = pages(&[stream], "ERROR", Direction::Forward, usize::MAX);
        assert_eq!(found.concat(), ["an ERROR here"]);
    }

    /// Streams "a" and "b" with `n` events each at interleaved times; every 7th says ERROR.
    fn streams(n: usize) -> Vec<Arc<LogStream>> {
        ["a", "b"]
            .iter()
            .enumerate()
            .map(|(s, name)| {
                let stream = Arc::new(LogStream::new(
                    name.to_string(),
                    format!("arn:{name}"),
                    0,
                    0,
                ));
                let messages: Vec<String> = (0..n)
                    .map(|i| format!("{} {name}{i}", if i % 7 == 0 { "ERROR" } else { "INFO" }))
                    .collect();
                let events: Vec<NewEvent<'_>> = messages
                    .iter()
                    .enumerate()
                    .map(|(i, m)| NewEvent {
                        timestamp: (i * 2 + s) as i64,
                        message: m,
                    })
                    .collect();
                let batch = PutBatch {
                    all_events: &events,
                    accepted: 0..n,
                    sequence_token: None,
                    transformation_errors: &[],
                };
                stream
                    .put(batch, SequenceTokenMode::Ignore, 0, || {})
                    .unwrap();
                stream
            })
            .collect()
    }

    /// Pages through with `scan_events` per page; returns each page's messages and whether
    /// the last page had a token.
    fn pages(
        streams: &[Arc<LogStream>],
        pattern: &str,
        direction: Direction,
        scan_events: usize,
    ) -> Vec<Vec<String>> {
        let pattern = FilterPattern::parse(pattern).unwrap();
        let search = Search {
            masks: &Masks::default(),
            streams,
            predicate: &pattern,
            from: EventKey::MIN,
            to: EventKey::MAX,
            limit: 5,
            scan_events,
        };
        let mut out = Vec::new();
        let mut cursor: Option<FilterCursor> = None;
        for _ in 0..1000 {
            let (messages, token) = search.page(direction, cursor.as_ref(), 1, |page| {
                let messages: Vec<String> = page
                    .hits()
                    .map(|hit| hit.event.message.to_owned())
                    .collect();
                (messages, page.next_token.clone())
            });
            out.push(messages);
            match token {
                Some(token) => cursor = Some(FilterCursor::decode(&token, 1).unwrap()),
                None => return out,
            }
        }
        panic!("paging did not end");
    }

    #[test]
    fn a_spent_scan_budget_ends_the_page_early_without_losing_events() {
        let both = streams(40);
        // One stream takes the arena-search path; two take the merge.
        for (streams, errors) in [(&both[..], 12), (&both[..1], 6)] {
            budgeted_paging_loses_nothing(streams, errors);
        }
    }

    fn budgeted_paging_loses_nothing(streams: &[Arc<LogStream>], errors: usize) {
        for direction in [Direction::Forward, Direction::Backward] {
            let unbounded = pages(streams, "ERROR", direction, usize::MAX);
            let bounded = pages(streams, "ERROR", direction, 3);
            let all = |pages: &Vec<Vec<String>>| -> Vec<String> {
                let mut ordered = pages.clone();
                if direction == Direction::Backward {
                    ordered.reverse();
                }
                ordered.into_iter().flatten().collect()
            };
            assert_eq!(all(&bounded), all(&unbounded), "{direction:?}");
            assert_eq!(all(&unbounded).len(), errors);
            assert!(
                bounded.len() > unbounded.len(),
                "the budget split the search"
            );
            assert!(
                bounded.iter().any(Vec::is_empty),
                "a page may be empty before the end"
            );
        }
    }
}
