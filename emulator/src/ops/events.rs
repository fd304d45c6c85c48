//! PutLogEvents and GetLogEvents: the data plane. The page budget and the token meaning live in
//! `store::events` and `store::tokens`; this module applies AWS's validation order and maps the
//! request's parameters onto a range of [`EventKey`]s.

use serde::{Deserialize, Serialize};

use super::validate::Violations;
use super::{resolve_group, Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::limits::{
    DAY_MILLIS, EVENT_OVERHEAD_BYTES, MAX_BATCH_BYTES, MAX_BATCH_EVENTS, MAX_BATCH_SPAN_MILLIS,
    MAX_EVENTS_LIMIT, MAX_EVENT_AGE_MILLIS, MAX_EVENT_BYTES, MAX_EVENT_FUTURE_MILLIS,
};
use crate::protocol::{decode, encode, JsonOut, Text};
use crate::store::events::{EventKey, EventLog, EventView, NewEvent, PageBudget, PageEnd};
use crate::store::stream::PutBatch;
use crate::store::tokens::{Direction, PageToken};
use crate::store::{LogGroup, LogStream};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PutLogEventsInput<'a> {
    #[serde(borrow)]
    log_group_name: Option<Text<'a>>,
    #[serde(borrow)]
    log_stream_name: Option<Text<'a>>,
    #[serde(borrow)]
    log_events: Option<Vec<InputLogEvent<'a>>>,
    #[serde(borrow)]
    sequence_token: Option<Text<'a>>,
    /// Accepted and not used: the emulator keeps no entity metadata.
    #[allow(dead_code)]
    entity: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Deserialize)]
struct InputLogEvent<'a> {
    timestamp: Option<i64>,
    #[serde(borrow)]
    message: Option<Text<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PutLogEventsOutput {
    next_sequence_token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rejected_log_events_info: Option<RejectedLogEventsInfo>,
}

/// Which events of a batch were left out, as index bounds into the batch.
#[derive(Serialize, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
struct RejectedLogEventsInfo {
    /// Events `[this, n)` are more than 2 hours in the future.
    #[serde(skip_serializing_if = "Option::is_none")]
    too_new_log_event_start_index: Option<usize>,
    /// Events `[0, this)` are more than 14 days old.
    #[serde(skip_serializing_if = "Option::is_none")]
    too_old_log_event_end_index: Option<usize>,
    /// Events `[0, this)` are older than the group's retention.
    #[serde(skip_serializing_if = "Option::is_none")]
    expired_log_event_end_index: Option<usize>,
}

pub(super) fn put_log_events(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: PutLogEventsInput<'_> = decode(body)?;
    let mut v = Violations::new();
    let group_name = v.required("logGroupName", input.log_group_name.as_ref());
    let stream_name = v.required("logStreamName", input.log_stream_name.as_ref());
    let log_events = v.required("logEvents", input.log_events.as_ref());
    if let Some(name) = group_name {
        v.log_group_name("logGroupName", name.as_str());
    }
    if let Some(name) = stream_name {
        v.log_stream_name("logStreamName", name.as_str());
    }
    let mut events = Vec::with_capacity(log_events.map_or(0, Vec::len));
    if let Some(log_events) = log_events {
        v.count("logEvents", log_events.len(), 1, MAX_BATCH_EVENTS);
        for (i, event) in log_events.iter().enumerate() {
            match (event.timestamp, &event.message) {
                (Some(timestamp), Some(message)) if timestamp >= 0 && !message.0.is_empty() => {
                    events.push(NewEvent {
                        timestamp,
                        message: message.as_str(),
                    });
                }
                // The slow path, only for a bad event: field names are formatted on demand.
                (timestamp, message) => {
                    let field = |member: &str| format!("logEvents.{}.member.{member}", i + 1);
                    if let Some(&timestamp) = v.required(&field("timestamp"), timestamp.as_ref()) {
                        v.range(&field("timestamp"), timestamp, 0, i64::MAX);
                    }
                    if let Some(message) = v.required(&field("message"), message.as_ref()) {
                        v.length(&field("message"), message.as_str(), 1, usize::MAX);
                    }
                }
            }
        }
    }
    if let Some(token) = &input.sequence_token {
        v.non_empty("sequenceToken", token.as_str());
    }
    v.finish()?;

    let group = ctx
        .region
        .group(group_name.map(Text::as_str).unwrap_or_default())?;
    let stream = ctx.stream(&group, stream_name.map(Text::as_str).unwrap_or_default())?;
    check_batch(&events)?;
    let now = ctx.store.now();
    let retention = group.retention_in_days();
    let (accepted, rejected) = classify_by_age(&events, now, retention);
    let valid = &events[accepted.clone()];
    if let (Some(first), Some(last)) = (valid.first(), valid.last()) {
        if last.timestamp - first.timestamp > MAX_BATCH_SPAN_MILLIS {
            return Err(LogsError::InvalidParameter(
                "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.".into(),
            ));
        }
    }
    let outcome = stream.put(
        PutBatch {
            all_events: &events,
            accepted,
            sequence_token: input.sequence_token.as_ref().map(Text::as_str),
        },
        ctx.store.sequence_tokens(),
        now,
    )?;
    group.add_stored_bytes(outcome.stored_bytes);
    expire_stream(&group, &stream, retention_cutoff(&group, now));
    let output = PutLogEventsOutput {
        next_sequence_token: outcome.next_sequence_token,
        rejected_log_events_info: (rejected != RejectedLogEventsInfo::default())
            .then_some(rejected),
    };
    Ok(Handled::json(encode(&output)))
}

/// The time before which `group`'s retention has expired events, if it has a policy.
pub(super) fn retention_cutoff(group: &LogGroup, now: i64) -> Option<i64> {
    group
        .retention_in_days()
        .map(|days| now.saturating_sub(i64::from(days) * DAY_MILLIS))
}

/// Frees `stream`'s events that `group`'s retention has expired and keeps the group's stored
/// bytes in step. AWS deletes lazily (within 72 h) but stops returning them at once; so do we.
fn expire_stream(group: &LogGroup, stream: &LogStream, cutoff: Option<i64>) {
    if let Some(cutoff) = cutoff {
        let freed = stream.expire_before(cutoff);
        if freed > 0 {
            group.remove_stored_bytes(freed);
        }
    }
}

/// Applies `group`'s retention to all its streams.
pub(super) fn expire(group: &LogGroup, now: i64) {
    let cutoff = retention_cutoff(group, now);
    if cutoff.is_some() {
        for stream in group.all_streams() {
            expire_stream(group, &stream, cutoff);
        }
    }
}

/// The checks that fail a whole batch, in AWS's order: event size, batch size, order.
fn check_batch(events: &[NewEvent<'_>]) -> LogsResult<()> {
    let mut total = 0;
    for event in events {
        let size = event.message.len() + EVENT_OVERHEAD_BYTES;
        if size > MAX_EVENT_BYTES {
            return Err(LogsError::InvalidParameter(format!(
                "Log event too large: {size} bytes exceeds limit of {MAX_EVENT_BYTES}"
            )));
        }
        total += size;
    }
    if total > MAX_BATCH_BYTES {
        return Err(LogsError::InvalidParameter(format!(
            "Upload too large: {total} bytes exceeds limit of {MAX_BATCH_BYTES}"
        )));
    }
    if events.windows(2).any(|w| w[1].timestamp < w[0].timestamp) {
        return Err(LogsError::InvalidParameter(
            "Log events in a single PutLogEvents request must be in chronological order.".into(),
        ));
    }
    Ok(())
}

/// Splits a sorted batch into the range to store and the rejection report: events more than 14
/// days old (`[0, tooOld)`), older than the retention (`[0, expired)`), and more than 2 hours
/// ahead of `now` (`[tooNew, n)`).
fn classify_by_age(
    events: &[NewEvent<'_>],
    now: i64,
    retention_days: Option<i32>,
) -> (std::ops::Range<usize>, RejectedLogEventsInfo) {
    let older_than = |cutoff: i64| events.partition_point(|e| e.timestamp < cutoff);
    let too_old = older_than(now.saturating_sub(MAX_EVENT_AGE_MILLIS));
    let expired = retention_days.map_or(0, |days| {
        older_than(now.saturating_sub(i64::from(days) * DAY_MILLIS))
    });
    let too_new =
        events.partition_point(|e| e.timestamp <= now.saturating_add(MAX_EVENT_FUTURE_MILLIS));
    let start = too_old.max(expired).min(too_new);
    let report = RejectedLogEventsInfo {
        too_new_log_event_start_index: (too_new < events.len()).then_some(too_new),
        too_old_log_event_end_index: (too_old > 0).then_some(too_old),
        expired_log_event_end_index: (expired > 0).then_some(expired),
    };
    (start..too_new, report)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GetLogEventsInput {
    log_group_name: Option<String>,
    log_group_identifier: Option<String>,
    log_stream_name: Option<String>,
    start_time: Option<i64>,
    end_time: Option<i64>,
    next_token: Option<String>,
    limit: Option<i64>,
    start_from_head: Option<bool>,
    /// Accepted; the emulator has no data-protection masking to undo.
    #[allow(dead_code)]
    unmask: Option<bool>,
}

pub(super) fn get_log_events(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: GetLogEventsInput = decode(body)?;
    let mut v = Violations::new();
    let stream_name = v.required("logStreamName", input.log_stream_name.as_deref());
    v.group_reference(
        input.log_group_name.as_deref(),
        input.log_group_identifier.as_deref(),
    );
    if let Some(name) = stream_name {
        v.log_stream_name("logStreamName", name);
    }
    v.time_range(input.start_time, input.end_time);
    v.next_token(input.next_token.as_deref());
    let limit = v.limit(input.limit, MAX_EVENTS_LIMIT);
    v.finish()?;
    let group = resolve_group(
        ctx,
        input.log_group_name.as_deref(),
        input.log_group_identifier.as_deref(),
    )?;
    let stream = ctx.stream(&group, stream_name.unwrap_or_default())?;
    let fingerprint = stream.fingerprint();
    let token = match input.next_token.as_deref() {
        Some(text) => {
            Some(PageToken::decode(text, fingerprint).ok_or_else(LogsError::invalid_next_token)?)
        }
        None => None,
    };
    let cutoff = retention_cutoff(&group, ctx.store.now());
    expire_stream(&group, &stream, cutoff);
    let mut range = TimeRange::new(input.start_time, input.end_time);
    if let Some(cutoff) = cutoff {
        range.from = range.from.max(EventKey::at_time(cutoff));
    }
    let budget = PageBudget {
        max_events: limit,
        max_bytes: MAX_BATCH_BYTES,
        overhead_per_event: EVENT_OVERHEAD_BYTES,
    };
    let direction = match token {
        Some(token) => token.direction,
        None if input.start_from_head.unwrap_or(false) => Direction::Forward,
        None => Direction::Backward,
    };
    let body = stream.with_events(|log| {
        // The page is written straight from the store: no intermediate events list.
        let mut out = JsonOut::with_capacity(64 * 1024);
        out.raw("{\"events\":[");
        let mut first_event = true;
        let (end, resume) = read_page(log, direction, token.map(|t| t.key), range, budget, |e| {
            if !std::mem::take(&mut first_event) {
                out.raw(",");
            }
            out.raw("{\"timestamp\":")
                .number(e.key.timestamp)
                .raw(",\"message\":")
                .string(e.message)
                .raw(",\"ingestionTime\":")
                .number(e.ingestion_time)
                .raw("}");
        });
        let encode_at = |direction, key| PageToken { direction, key }.encode(fingerprint);
        let (next_forward_token, next_backward_token) = match (end.first, end.last) {
            (Some(first), Some(last)) => (
                encode_at(Direction::Forward, last.successor()),
                encode_at(Direction::Backward, first),
            ),
            // An empty page: both tokens stay where the read stood, so a client looping "until
            // the token comes back" stops, and events written later are found from there.
            _ => (
                encode_at(Direction::Forward, resume.forward),
                encode_at(Direction::Backward, resume.backward),
            ),
        };
        out.raw("],\"nextForwardToken\":")
            .string(&next_forward_token)
            .raw(",\"nextBackwardToken\":")
            .string(&next_backward_token)
            .raw("}");
        out.into_bytes()
    });
    Ok(Handled::json(body))
}

/// `[startTime, endTime)` as keys: startTime inclusive, endTime exclusive (model doc).
#[derive(Debug, Clone, Copy)]
struct TimeRange {
    from: EventKey,
    to: EventKey,
}

impl TimeRange {
    fn new(start_time: Option<i64>, end_time: Option<i64>) -> Self {
        Self {
            from: start_time.map_or(EventKey::MIN, EventKey::at_time),
            to: end_time.map_or(EventKey::MAX, EventKey::at_time),
        }
    }
}

/// Where the tokens of an empty page point.
struct Resume {
    forward: EventKey,
    backward: EventKey,
}

/// Reads one GetLogEvents page. Forward pages start at `cursor` (or the range start); backward
/// pages end before `cursor` (or the range end) and are delivered oldest first.
fn read_page<'s>(
    log: &'s EventLog,
    direction: Direction,
    cursor: Option<EventKey>,
    range: TimeRange,
    budget: PageBudget,
    visit: impl FnMut(EventView<'s>),
) -> (PageEnd, Resume) {
    match direction {
        Direction::Forward => {
            let at = cursor.map_or(range.from, |c| c.max(range.from));
            let end = log.read_forward(at, range.to, budget, visit);
            let resume = cursor.unwrap_or(range.from);
            (
                end,
                Resume {
                    forward: resume,
                    backward: resume,
                },
            )
        }
        Direction::Backward => {
            let before = cursor.map_or(range.to, |c| c.min(range.to));
            let end = match log.page_start_backward(range.from, before, budget) {
                Some(start) => log.read_forward(start, before, budget, visit),
                None => PageEnd::default(),
            };
            let resume = Resume {
                forward: cursor.unwrap_or(range.from),
                backward: cursor.unwrap_or(range.to),
            };
            (end, resume)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(timestamps: &[i64]) -> Vec<NewEvent<'static>> {
        timestamps
            .iter()
            .map(|&timestamp| NewEvent {
                timestamp,
                message: "m",
            })
            .collect()
    }

    #[test]
    fn age_classification_uses_aws_index_semantics() {
        let now = 100 * DAY_MILLIS;
        let events = batch(&[
            now - 15 * DAY_MILLIS,
            now - 14 * DAY_MILLIS,
            now - 3 * DAY_MILLIS,
            now,
            now + MAX_EVENT_FUTURE_MILLIS,
            now + MAX_EVENT_FUTURE_MILLIS + 1,
        ]);
        let (accepted, report) = classify_by_age(&events, now, None);
        assert_eq!(accepted, 1..5);
        assert_eq!(report.too_old_log_event_end_index, Some(1));
        assert_eq!(report.too_new_log_event_start_index, Some(5));
        assert_eq!(report.expired_log_event_end_index, None);

        let (accepted, report) = classify_by_age(&events, now, Some(1));
        assert_eq!(accepted, 3..5);
        assert_eq!(report.expired_log_event_end_index, Some(3));
    }
}
