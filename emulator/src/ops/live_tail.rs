//! The streaming operations: StartLiveTail (a session registered with `crate::live_tail`,
//! answered as an AWS event stream) and GetLogObject (on the same framing). This module writes
//! the events' JSON; `protocol::event_stream` frames them, the server streams them.

use std::collections::HashSet;
use std::sync::Arc;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use super::filter::parse_pattern;
use super::{resolve_group, Ctx, EventStream, Handled};
use crate::error::{LogsError, LogsResult};
use crate::limits::{
    MAX_FILTER_PATTERN_LEN, MAX_LIVE_TAIL_GROUPS, MAX_LOG_OBJECT_POINTER_LEN, MAX_LOG_STREAM_NAMES,
};
use crate::live_tail::{SessionSpec, StreamFilter, Update};
use crate::protocol::{decode, encode, event_stream};
use crate::validate::Violations;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StartLiveTailInput {
    log_group_identifiers: Option<Vec<String>>,
    log_stream_names: Option<Vec<String>>,
    log_stream_name_prefixes: Option<Vec<String>>,
    log_event_filter_pattern: Option<String>,
}

/// `LiveTailSessionStart`: the session's ids and its filters, echoed.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionStart<'a> {
    request_id: &'a str,
    session_id: String,
    log_group_identifiers: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    log_stream_names: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    log_stream_name_prefixes: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    log_event_filter_pattern: Option<&'a str>,
}

/// `LiveTailSessionUpdate`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionUpdate<'a> {
    session_metadata: SessionMetadata,
    session_results: Vec<SessionLogEvent<'a>>,
}

#[derive(Debug, Serialize)]
struct SessionMetadata {
    sampled: bool,
}

/// `LiveTailSessionLogEvent`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionLogEvent<'a> {
    log_stream_name: &'a str,
    log_group_identifier: &'a str,
    message: &'a str,
    timestamp: i64,
    ingestion_time: i64,
}

pub(super) fn start_live_tail(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: StartLiveTailInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(ids) = v.required("logGroupIdentifiers", input.log_group_identifiers.as_ref()) {
        if v.count("logGroupIdentifiers", ids.len(), 1, MAX_LIVE_TAIL_GROUPS) {
            for (i, id) in ids.iter().enumerate() {
                v.log_group_identifier(&format!("logGroupIdentifiers.{}.member", i + 1), id);
            }
        }
    }
    for (field, names) in [
        ("logStreamNames", &input.log_stream_names),
        ("logStreamNamePrefixes", &input.log_stream_name_prefixes),
    ] {
        if let Some(names) = names {
            if v.count(field, names.len(), 1, MAX_LOG_STREAM_NAMES) {
                for (i, name) in names.iter().enumerate() {
                    v.log_stream_name(&format!("{field}.{}.member", i + 1), name);
                }
            }
        }
    }
    if let Some(pattern) = &input.log_event_filter_pattern {
        v.length("logEventFilterPattern", pattern, 0, MAX_FILTER_PATTERN_LEN);
    }
    v.finish()?;
    let identifiers = input.log_group_identifiers.unwrap_or_default();
    let streams = match (&input.log_stream_names, &input.log_stream_name_prefixes) {
        (Some(_), Some(_)) => {
            return Err(LogsError::InvalidParameter(
                "logStreamNames and logStreamNamePrefixes are mutually exclusive parameters."
                    .into(),
            ))
        }
        (Some(names), None) => StreamFilter::Names(names.iter().cloned().collect::<HashSet<_>>()),
        (None, Some(prefixes)) => StreamFilter::Prefixes(prefixes.clone()),
        (None, None) => StreamFilter::All,
    };
    if !matches!(streams, StreamFilter::All) && identifiers.len() != 1 {
        return Err(LogsError::InvalidParameter(
            "logStreamNames and logStreamNamePrefixes can only be used with exactly one log group in logGroupIdentifiers."
                .into(),
        ));
    }
    let mut groups = Vec::with_capacity(identifiers.len());
    for identifier in &identifiers {
        let group = resolve_group(ctx, None, Some(identifier))?;
        groups.push((
            group.arn().to_owned(),
            Arc::<str>::from(identifier.as_str()),
        ));
    }
    let pattern_text = input.log_event_filter_pattern.as_deref().unwrap_or("");
    let pattern = parse_pattern(pattern_text, false)?;
    let registration = ctx.store.live_tails().register(SessionSpec {
        groups,
        streams,
        pattern: (!pattern.matches_everything()).then_some(pattern),
    });
    // Registered first: whatever is ingested from here on reaches the first update.
    let start = SessionStart {
        request_id: ctx.request_id,
        session_id: uuid::Uuid::new_v4().to_string(),
        log_group_identifiers: &identifiers,
        log_stream_names: input.log_stream_names.as_deref(),
        log_stream_name_prefixes: input.log_stream_name_prefixes.as_deref(),
        log_event_filter_pattern: input.log_event_filter_pattern.as_deref(),
    };
    Ok(Handled::stream(EventStream {
        opening: vec![
            event_stream::initial_response(),
            event_stream::event("sessionStart", &encode(&start)),
        ],
        live_tail: Some(registration),
    }))
}

/// The `sessionUpdate` event of `update`.
pub fn update_frame(update: &Update) -> Bytes {
    let body = SessionUpdate {
        session_metadata: SessionMetadata {
            sampled: update.sampled,
        },
        session_results: update
            .events
            .iter()
            .map(|e| SessionLogEvent {
                log_stream_name: &e.log_stream_name,
                log_group_identifier: &e.log_group_identifier,
                message: &e.message,
                timestamp: e.timestamp,
                ingestion_time: e.ingestion_time,
            })
            .collect(),
    };
    event_stream::event("sessionUpdate", &encode(&body))
}

/// The `SessionTimeoutException` that ends a session after `timeout`.
pub fn timeout_frame(timeout: std::time::Duration) -> Bytes {
    event_stream::exception(
        "SessionTimeoutException",
        &format!(
            "The Live Tail session timed out after {} seconds.",
            timeout.as_secs()
        ),
    )
}

/// The `SessionStreamingException` that ends a session the server ends (it is stopping).
pub fn server_ended_frame() -> Bytes {
    event_stream::exception(
        "SessionStreamingException",
        "The Live Tail session ended because the server is shutting down.",
    )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GetLogObjectInput {
    log_object_pointer: Option<String>,
    #[allow(dead_code)]
    unmask: Option<bool>,
}

/// GetLogObject streams a large log object's fields. Large log objects come only from
/// PutOpenTelemetryLogs, which the emulator does not take, so no pointer names one: a valid
/// request is answered as AWS answers a pointer to nothing.
pub(super) fn get_log_object(_ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: GetLogObjectInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(pointer) = v.required("logObjectPointer", input.log_object_pointer.as_deref()) {
        v.length("logObjectPointer", pointer, 1, MAX_LOG_OBJECT_POINTER_LEN);
    }
    v.finish()?;
    Err(LogsError::ResourceNotFound(
        "The specified log object does not exist.".into(),
    ))
}
