//! FilterLogEvents and TestMetricFilter: searching with the filter-pattern engine
//! (`crate::filter`).
//!
//! FilterLogEvents merges the selected streams in the group-wide order (timestamp, stream
//! name, arrival) with a heap over per-stream cursors, holding each stream's read lock (taken
//! in name order) for the length of one page. The `nextToken` is the position of the last
//! event returned in that order, so it survives writes, and it is absent exactly when no
//! further event matches.

use std::collections::{BTreeMap, BinaryHeap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::events::{expire, retention_cutoff};
use super::validate::Violations;
use super::{resolve_group, Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::filter::FilterPattern;
use crate::limits::{EVENT_OVERHEAD_BYTES, MAX_BATCH_BYTES, MAX_EVENTS_LIMIT};
use crate::protocol::{decode, encode, JsonOut};
use crate::store::events::{EventKey, EventLog, EventView, Found};
use crate::store::tokens::{event_id, Direction, FilterCursor};
use crate::store::{LogGroup, LogStream};

/// Longest filter pattern (model: `FilterPattern` max 1024).
const MAX_FILTER_PATTERN_LEN: usize = 1024;
/// Most names in `logStreamNames` (model: `InputLogStreamNames` max 100).
const MAX_LOG_STREAM_NAMES: usize = 100;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FilterLogEventsInput {
    log_group_name: Option<String>,
    log_group_identifier: Option<String>,
    log_stream_names: Option<Vec<String>>,
    log_stream_name_prefix: Option<String>,
    start_time: Option<i64>,
    end_time: Option<i64>,
    filter_pattern: Option<String>,
    next_token: Option<String>,
    limit: Option<i64>,
    /// Not in the API model; accepted when a raw client sends it. False pages newest first.
    start_from_head: Option<bool>,
    /// Deprecated by AWS in 2019 and ignored: results are always interleaved.
    #[allow(dead_code)]
    interleaved: Option<bool>,
    /// Accepted; the emulator has no data-protection masking to undo.
    #[allow(dead_code)]
    unmask: Option<bool>,
}

/// Parses a pattern, answering AWS's InvalidParameterException when it is not valid.
pub(super) fn parse_pattern(pattern: &str, for_metric_filter: bool) -> LogsResult<FilterPattern> {
    FilterPattern::parse(pattern).map_err(|e| {
        LogsError::InvalidParameter(if for_metric_filter {
            e.metric_filter_message()
        } else {
            e.message
        })
    })
}

pub(super) fn filter_log_events(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: FilterLogEventsInput = decode(body)?;
    let mut v = Violations::new();
    v.group_reference(
        input.log_group_name.as_deref(),
        input.log_group_identifier.as_deref(),
    );
    if let Some(names) = &input.log_stream_names {
        if v.count("logStreamNames", names.len(), 1, MAX_LOG_STREAM_NAMES) {
            for (i, name) in names.iter().enumerate() {
                v.log_stream_name(&format!("logStreamNames.{}.member", i + 1), name);
            }
        }
    }
    if let Some(prefix) = &input.log_stream_name_prefix {
        v.log_stream_name("logStreamNamePrefix", prefix);
    }
    v.time_range(input.start_time, input.end_time);
    if let Some(pattern) = &input.filter_pattern {
        v.length("filterPattern", pattern, 0, MAX_FILTER_PATTERN_LEN);
    }
    v.next_token(input.next_token.as_deref());
    let limit = v.limit(input.limit, MAX_EVENTS_LIMIT);
    v.finish()?;
    let group = resolve_group(
        ctx,
        input.log_group_name.as_deref(),
        input.log_group_identifier.as_deref(),
    )?;
    if input.log_stream_names.is_some() && input.log_stream_name_prefix.is_some() {
        return Err(LogsError::InvalidParameter(
            "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.".into(),
        ));
    }
    let pattern = parse_pattern(input.filter_pattern.as_deref().unwrap_or(""), false)?;
    let cursor = match input.next_token.as_deref() {
        Some(token) => Some(
            FilterCursor::decode(token, group.fingerprint())
                .ok_or_else(LogsError::invalid_next_token)?,
        ),
        None => None,
    };
    let now = ctx.store.now();
    expire(&group, now);
    let streams = selected_streams(ctx, &group, &input)?;

    // startTime inclusive; endTime inclusive too ("events with a timestamp later than this
    // time are not returned", model doc of FilterLogEvents.endTime).
    let mut from = EventKey::at_time(input.start_time.unwrap_or(0));
    if let Some(cutoff) = retention_cutoff(&group, now) {
        from = from.max(EventKey::at_time(cutoff));
    }
    let to = input.end_time.map_or(EventKey::MAX, |end| {
        EventKey::at_time(end.saturating_add(1))
    });
    let direction = match &cursor {
        Some(cursor) => cursor.direction,
        None if input.start_from_head.unwrap_or(true) => Direction::Forward,
        None => Direction::Backward,
    };
    let search = Search {
        streams: &streams,
        pattern: &pattern,
        from,
        to,
        limit,
        scan_events: MAX_SCAN_EVENTS,
    };
    let body = search.page(direction, cursor.as_ref(), group.fingerprint());
    Ok(Handled::json(body))
}

/// The streams to search, in name order (the lock order).
fn selected_streams(
    ctx: &Ctx<'_>,
    group: &LogGroup,
    input: &FilterLogEventsInput,
) -> LogsResult<Vec<Arc<LogStream>>> {
    if let Some(names) = &input.log_stream_names {
        let mut names: Vec<&String> = names.iter().collect();
        names.sort();
        names.dedup();
        return names
            .into_iter()
            .map(|name| ctx.stream(group, name))
            .collect();
    }
    let prefix = input.log_stream_name_prefix.as_deref().unwrap_or("");
    Ok(group.streams_by_name(prefix, None, false, usize::MAX))
}

/// One FilterLogEvents page over `streams`.
struct Search<'a> {
    streams: &'a [Arc<LogStream>],
    pattern: &'a FilterPattern,
    from: EventKey,
    to: EventKey,
    limit: usize,
    /// Most events one page scans ([`MAX_SCAN_EVENTS`]; less in tests).
    scan_events: usize,
}

impl Search<'_> {
    fn page(&self, direction: Direction, cursor: Option<&FilterCursor>, group: u64) -> Vec<u8> {
        let guards: Vec<_> = self.streams.iter().map(|s| s.events()).collect();
        let mut page = Page::new(self.limit, self.scan_events);
        match direction {
            Direction::Forward if guards.len() == 1 && self.pattern.required_text().is_some() => {
                self.skip_through(&guards[0], cursor, &mut page);
            }
            Direction::Forward => {
                let iters = guards
                    .iter()
                    .enumerate()
                    .map(|(i, log)| log.iter_from(self.start_after(i, cursor)))
                    .collect();
                merge(iters, false, |key| key < self.to, self.pattern, &mut page);
            }
            Direction::Backward => {
                let iters = guards
                    .iter()
                    .enumerate()
                    .map(|(i, log)| log.iter_before(self.end_before(i, cursor)))
                    .collect();
                merge(iters, true, |key| key >= self.from, self.pattern, &mut page);
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
        // Written straight from the store, like GetLogEvents pages. `searchedLogStreams` is
        // always empty, as on AWS since 2019.
        let mut out = JsonOut::with_capacity(64 * 1024);
        out.raw("{\"events\":[");
        for (n, (i, event)) in events.iter().enumerate() {
            let stream = &self.streams[*i];
            out.raw(if n == 0 { "{" } else { ",{" })
                .raw("\"logStreamName\":")
                .string(stream.name())
                .raw(",\"timestamp\":")
                .number(event.key.timestamp)
                .raw(",\"message\":")
                .string(event.message)
                .raw(",\"ingestionTime\":")
                .number(event.ingestion_time)
                .raw(",\"eventId\":")
                .string(&event_id(stream.fingerprint(), event.key))
                .raw("}");
        }
        out.raw("],\"searchedLogStreams\":[]");
        if let Some(token) = &next_token {
            out.raw(",\"nextToken\":").string(token);
        }
        out.raw("}");
        out.into_bytes()
    }

    /// The common search (one stream, forward, a pattern with a required word): jumps from
    /// candidate to candidate with the store's arena search instead of testing every event.
    fn skip_through<'a>(
        &self,
        log: &'a EventLog,
        cursor: Option<&FilterCursor>,
        page: &mut Page<'a>,
    ) {
        let needle = self.pattern.required_text().expect("checked by the caller");
        let mut search = log.arena_search(self.start_after(0, cursor), self.to);
        loop {
            let found = search.next_match(needle, page.budget.events.min(1 << 16));
            if !page.skipped(0, &found) {
                return;
            }
            match found.event {
                Some(event) => {
                    let matched = self.pattern.matches(event.message);
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
}

/// Events one page may scan: about 0.2 s with a term pattern (measured by `make bench`).
const MAX_SCAN_EVENTS: usize = 5_000_000;
/// Message bytes one page may scan.
const MAX_SCAN_BYTES: usize = 512 << 20;
/// Wall-clock time one page may scan, for patterns that are slow per byte.
const MAX_SCAN_TIME: Duration = Duration::from_secs(1);

impl ScanBudget {
    fn new(events: usize) -> Self {
        Self {
            events,
            bytes: MAX_SCAN_BYTES,
            deadline: Instant::now() + MAX_SCAN_TIME,
        }
    }

    /// Charges a run of scanned events at once; false once the budget is spent.
    fn charge_many(&mut self, events: usize, bytes: usize) -> bool {
        self.events = self.events.saturating_sub(events);
        self.bytes = self.bytes.saturating_sub(bytes);
        self.events > 0 && self.bytes > 0 && Instant::now() <= self.deadline
    }

    /// Charges one scanned event; false once the budget is spent. The clock is read every
    /// 4,096 events or for each large message, not for every event.
    fn charge(&mut self, message_len: usize) -> bool {
        self.events = self.events.saturating_sub(1);
        self.bytes = self.bytes.saturating_sub(message_len);
        let look_at_clock = self.events.is_multiple_of(4096) || message_len > 64 * 1024;
        self.events > 0 && self.bytes > 0 && !(look_at_clock && Instant::now() > self.deadline)
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
/// outside `in_range`. Events matching `pattern` go to `page` until it is full.
fn merge<'a, I: Iterator<Item = EventView<'a>>>(
    mut iters: Vec<I>,
    newest_first: bool,
    in_range: impl Fn(EventKey) -> bool,
    pattern: &FilterPattern,
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
            let matched = pattern.matches(event.message);
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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TestMetricFilterInput {
    filter_pattern: Option<String>,
    log_event_messages: Option<Vec<String>>,
}

#[derive(Serialize)]
struct TestMetricFilterOutput<'a> {
    matches: Vec<MatchRecord<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MatchRecord<'a> {
    event_number: usize,
    event_message: &'a str,
    extracted_values: BTreeMap<String, String>,
}

pub(super) fn test_metric_filter(_ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: TestMetricFilterInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(pattern) = v.required("filterPattern", input.filter_pattern.as_deref()) {
        v.length("filterPattern", pattern, 0, MAX_FILTER_PATTERN_LEN);
    }
    if let Some(messages) = v.required("logEventMessages", input.log_event_messages.as_ref()) {
        if v.count("logEventMessages", messages.len(), 1, 50) {
            for (i, message) in messages.iter().enumerate() {
                v.length(
                    &format!("logEventMessages.{}.member", i + 1),
                    message,
                    1,
                    usize::MAX,
                );
            }
        }
    }
    v.finish()?;
    let pattern = parse_pattern(input.filter_pattern.as_deref().unwrap_or(""), true)?;
    let messages = input.log_event_messages.as_deref().unwrap_or_default();
    let matches = messages
        .iter()
        .enumerate()
        .filter_map(|(i, message)| {
            pattern
                .extract(message)
                .map(|extracted_values| MatchRecord {
                    event_number: i + 1,
                    event_message: message,
                    extracted_values,
                })
        })
        .collect();
    Ok(Handled::json(encode(&TestMetricFilterOutput { matches })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SequenceTokenMode;
    use crate::store::events::NewEvent;
    use crate::store::stream::PutBatch;

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
        };
        stream.put(batch, SequenceTokenMode::Ignore, 0).unwrap();
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
                };
                stream.put(batch, SequenceTokenMode::Ignore, 0).unwrap();
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
            streams,
            pattern: &pattern,
            from: EventKey::MIN,
            to: EventKey::MAX,
            limit: 5,
            scan_events,
        };
        let mut out = Vec::new();
        let mut cursor: Option<FilterCursor> = None;
        for _ in 0..1000 {
            let body = search.page(direction, cursor.as_ref(), 1);
            let page: serde_json::Value = serde_json::from_slice(&body).unwrap();
            out.push(
                page["events"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["message"].as_str().unwrap().to_owned())
                    .collect(),
            );
            match page["nextToken"].as_str() {
                Some(token) => cursor = Some(FilterCursor::decode(token, 1).unwrap()),
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
