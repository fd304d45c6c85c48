//! CreateLogStream, DeleteLogStream, DescribeLogStreams.

use serde::{Deserialize, Serialize};

use super::{resolve_group, Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::limits::MAX_DESCRIBE_LIMIT;
use crate::protocol::{decode, encode};
use crate::store::group::{StreamOrder, StreamQuery};
use crate::store::StreamInfo;
use crate::validate::Violations;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StreamInput {
    log_group_name: Option<String>,
    log_stream_name: Option<String>,
}

/// Validates the two required names of CreateLogStream / DeleteLogStream.
fn required_names(input: &StreamInput) -> LogsResult<(&str, &str)> {
    let mut v = Violations::new();
    let group = v.required_group_name(input.log_group_name.as_deref());
    let stream = v.required_stream_name(input.log_stream_name.as_deref());
    v.finish()?;
    Ok((group, stream))
}

pub(super) fn create_log_stream(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: StreamInput = decode(body)?;
    let (group, stream) = required_names(&input)?;
    ctx.touch_stream(stream);
    ctx.group(group)?.create_stream(stream)?;
    Ok(Handled::empty())
}

pub(super) fn delete_log_stream(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: StreamInput = decode(body)?;
    let (group, stream) = required_names(&input)?;
    ctx.touch_stream(stream);
    ctx.group(group)?.delete_stream(stream)?;
    Ok(Handled::empty())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeLogStreamsInput {
    log_group_name: Option<String>,
    log_group_identifier: Option<String>,
    log_stream_name_prefix: Option<String>,
    order_by: Option<String>,
    descending: Option<bool>,
    next_token: Option<String>,
    limit: Option<i64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DescribeLogStreamsOutput {
    log_streams: Vec<LogStreamOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogStreamOut {
    log_stream_name: String,
    creation_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_event_timestamp: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_event_timestamp: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_ingestion_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    upload_sequence_token: Option<String>,
    arn: String,
    /// Always 0: AWS stopped reporting stream sizes in June 2019 (model doc of `storedBytes`).
    stored_bytes: u64,
}

impl From<StreamInfo> for LogStreamOut {
    fn from(info: StreamInfo) -> Self {
        Self {
            log_stream_name: info.name,
            creation_time: info.creation_time,
            first_event_timestamp: info.first_event_timestamp,
            last_event_timestamp: info.last_event_timestamp,
            last_ingestion_time: info.last_ingestion_time,
            upload_sequence_token: info.upload_sequence_token,
            arn: info.arn,
            stored_bytes: 0,
        }
    }
}

const ORDER_BY: [&str; 2] = ["LogStreamName", "LastEventTime"];

pub(super) fn describe_log_streams(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DescribeLogStreamsInput = decode(body)?;
    let mut v = Violations::new();
    v.group_reference(
        input.log_group_name.as_deref(),
        input.log_group_identifier.as_deref(),
    );
    if let Some(prefix) = &input.log_stream_name_prefix {
        v.log_stream_name("logStreamNamePrefix", prefix);
    }
    let by_event_time = input
        .order_by
        .as_deref()
        .and_then(|o| v.one_of("orderBy", o, &ORDER_BY))
        == Some(1);
    v.next_token(input.next_token.as_deref());
    let limit = v.limit(input.limit, MAX_DESCRIBE_LIMIT);
    v.finish()?;
    let group = resolve_group(
        ctx,
        input.log_group_name.as_deref(),
        input.log_group_identifier.as_deref(),
    )?;
    if by_event_time && input.log_stream_name_prefix.is_some() {
        return Err(LogsError::InvalidParameter(
            "Cannot order by LastEventTime with a logStreamNamePrefix.".into(),
        ));
    }
    let query = StreamQuery {
        prefix: input.log_stream_name_prefix.as_deref().unwrap_or(""),
        order: if by_event_time {
            StreamOrder::LastEventTime
        } else {
            StreamOrder::Name
        },
        descending: input.descending.unwrap_or(false),
    };
    // AWS answers an unusable nextToken with an empty page rather than an error.
    let page = group.describe_streams(&query, input.next_token.as_deref(), limit);
    let output = DescribeLogStreamsOutput {
        log_streams: page.items.into_iter().map(LogStreamOut::from).collect(),
        next_token: page.next_token,
    };
    Ok(Handled::json(encode(&output)))
}
