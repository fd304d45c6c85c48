//! FilterLogEvents and TestMetricFilter: searching with the filter-pattern engine
//! (`crate::filter`). The search itself (merge order, scan budget, lock order, tokens) is the
//! store's: `store::search`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{resolve_group, Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::filter::FilterPattern;
use crate::limits::{
    MAX_EVENTS_LIMIT, MAX_FILTER_PATTERN_LEN, MAX_LOG_STREAM_NAMES, MAX_TEST_METRIC_MESSAGES,
};
use crate::protocol::{decode, encode, JsonOut};
use crate::store::search::{SearchRequest, StreamSelection};
use crate::validate::Violations;

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
    /// `true`: events as ingested, without data-protection masking.
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
    let streams = match (&input.log_stream_names, &input.log_stream_name_prefix) {
        (Some(names), _) => StreamSelection::Names(names),
        (None, prefix) => StreamSelection::Prefix(prefix.as_deref().unwrap_or("")),
    };
    if let Some([name]) = input.log_stream_names.as_deref() {
        ctx.touch_stream(name);
    }
    let request = SearchRequest {
        streams,
        predicate: &pattern,
        start_time: input.start_time,
        end_time: input.end_time,
        limit,
        next_token: input.next_token.as_deref(),
        start_from_head: input.start_from_head,
        unmask: input.unmask.unwrap_or(false),
    };
    let body = group.search(&request, |page| {
        // Written straight from the locked streams, like GetLogEvents pages.
        // `searchedLogStreams` is always empty, as on AWS since 2019.
        let mut out = JsonOut::with_capacity(64 * 1024);
        out.raw("{\"events\":[");
        for (n, hit) in page.hits().enumerate() {
            out.raw(if n == 0 { "{" } else { ",{" })
                .raw("\"logStreamName\":")
                .string(hit.stream_name)
                .raw(",\"timestamp\":")
                .number(hit.event.key.timestamp)
                .raw(",\"message\":")
                .string(hit.event.message)
                .raw(",\"ingestionTime\":")
                .number(hit.event.ingestion_time)
                .raw(",\"eventId\":")
                .string(&hit.event_id())
                .raw("}");
        }
        out.raw("],\"searchedLogStreams\":[]");
        if let Some(token) = &page.next_token {
            out.raw(",\"nextToken\":").string(token);
        }
        out.raw("}");
        out.into_bytes()
    })?;
    Ok(Handled::json(body))
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
        if v.count(
            "logEventMessages",
            messages.len(),
            1,
            MAX_TEST_METRIC_MESSAGES,
        ) {
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
