//! PutLogEvents and GetLogEvents: the data plane's wire side. The handlers validate the model
//! constraints; the batch rules, the page read and the token meaning are the store's
//! (`store::ingest`, `store::read`, `store::tokens`).

use serde::{Deserialize, Serialize};

use super::{resolve_group, Ctx, Handled};
use crate::error::LogsResult;
use crate::journal::{PutRecord, Record};
use crate::limits::{MAX_BATCH_EVENTS, MAX_EVENTS_LIMIT};
use crate::protocol::{decode, encode, JsonOut, Text};
use crate::store::events::NewEvent;
use crate::store::ingest::Rejected;
use crate::store::read::StreamPageRequest;
use crate::validate::Violations;

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
#[derive(Serialize, Debug)]
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

impl From<Rejected> for RejectedLogEventsInfo {
    fn from(rejected: Rejected) -> Self {
        Self {
            too_new_log_event_start_index: rejected.too_new_start,
            too_old_log_event_end_index: rejected.too_old_end,
            expired_log_event_end_index: rejected.expired_end,
        }
    }
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

    let group = ctx.group(group_name.map(Text::as_str).unwrap_or_default())?;
    let stream_name = stream_name.map(Text::as_str).unwrap_or_default();
    ctx.touch_stream(stream_name);
    let sequence_token = input.sequence_token.as_ref().map(Text::as_str);
    let accepted = group.put_events(stream_name, &events, sequence_token, |now| {
        if let Some(journal) = ctx.journal {
            journal.append(&Record::Put(PutRecord {
                time: now,
                region: ctx.region.name(),
                group: group.name(),
                stream: stream_name,
                sequence_token,
                events: std::borrow::Cow::Borrowed(&events),
            }));
        }
    })?;
    let output = PutLogEventsOutput {
        next_sequence_token: accepted.next_sequence_token,
        rejected_log_events_info: (!accepted.rejected.is_empty()).then(|| accepted.rejected.into()),
    };
    Ok(Handled::json(encode(&output)))
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
    /// `true`: events as ingested, without data-protection masking.
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
    let stream = stream_name.unwrap_or_default();
    ctx.touch_stream(stream);
    let request = StreamPageRequest {
        stream,
        next_token: input.next_token.as_deref(),
        start_from_head: input.start_from_head.unwrap_or(false),
        start_time: input.start_time,
        end_time: input.end_time,
        limit,
        unmask: input.unmask.unwrap_or(false),
    };
    // The page is written straight from the store: no intermediate events list.
    let mut out = JsonOut::with_capacity(64 * 1024);
    out.raw("{\"events\":[");
    let mut first_event = true;
    let tokens = group.read_stream_page(&request, |e| {
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
    })?;
    out.raw("],\"nextForwardToken\":")
        .string(&tokens.next_forward_token)
        .raw(",\"nextBackwardToken\":")
        .string(&tokens.next_backward_token)
        .raw("}");
    Ok(Handled::json(out.into_bytes()))
}
