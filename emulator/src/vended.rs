//! Emitting vended logs: what a test does in place of CloudFront, EventBridge or AgentCore.
//! `POST /_cwlogs/vended` (or [`crate::Emulator::emit_vended_logs`]) hands records to a
//! delivery source; each of the source's deliveries formats them in its destination's output
//! format with its record fields and delimiter, and writes them where AWS would:
//!
//! - a log group destination (CWL) of this emulator: one event per record, timestamped by the
//!   emulator's clock, in the stream named after the delivery source (created on first use),
//!   through the ingest path (subscriptions, metric filters and retention apply);
//! - an S3 destination: one gzip object per emit and delivery, one record a line, written to
//!   the bucket through [`crate::export::Bucket`] (`--s3-endpoint`, else `--export-dir`), at
//!   `<destination prefix>/<suffixPath>/<resource id>.<yyyy-MM-dd-HH>.<unique>.gz` with the
//!   suffix path's variables filled in (`{var}` → `var=value` segments when Hive-compatible);
//! - a Firehose destination: Firehose's `PutRecordBatch` to `--firehose-endpoint`, one
//!   record per log record (the formatted line and a newline), through the subscription
//!   forwarder's request code (`delivery::forward`);
//! - an X-Ray destination (vended traces): X-Ray's `PutTraceSegments` to `--xray-endpoint`,
//!   each record one trace document (the permission AWS grants its delivery service on
//!   X-Ray is `xray:PutTraceSegments`).
//!
//! A destination whose endpoint or folder is not configured is reported `StoredOnly`.
//! Above the store (it formats JSON, which the store must not know).

use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::delivery::forward::{self, block_on, http_client};
use crate::error::{LogsError, LogsResult};
use crate::journal::Journal;
use crate::limits::{
    MAX_FIREHOSE_BATCH_BYTES, MAX_FIREHOSE_BATCH_RECORDS, MAX_VENDED_RECORDS,
    MAX_XRAY_BATCH_DOCUMENTS,
};
use crate::store::deliveries::{
    self, Delivery, DeliveryDestination, DeliverySource, DestinationType,
};
use crate::store::events::NewEvent;
use crate::store::resources::Resource;
use crate::store::{Region, Store};

/// What happened to one delivery of an emit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VendedDelivery {
    /// The delivery's id.
    pub delivery_id: String,
    /// `CWL`, `S3`, `FH` or `XRAY`.
    pub delivery_destination_type: String,
    /// The destination's resource (log group, bucket or stream ARN), if it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_resource_arn: Option<String>,
    /// `Delivered`, `StoredOnly` (no `--s3-endpoint`/`--export-dir`, `--firehose-endpoint`
    /// or `--xray-endpoint` is configured for the destination) or `Failed`.
    pub status: &'static str,
    /// Records written.
    pub records: usize,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The journal name of an emit (`--data-dir`): its body is the emit's source and records,
/// and a replay writes them to the log groups again (S3 objects, outside the state, were
/// written once and are not written again).
pub const EMIT_EFFECT: &str = "cwlogs:EmitVendedLogs";

/// An emit as journaled.
#[derive(Debug, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct JournaledEmit<'a> {
    #[serde(borrow)]
    delivery_source_name: std::borrow::Cow<'a, str>,
    records: std::borrow::Cow<'a, [Value]>,
}

/// Emits as [`emit`] does, journaling the emit (with `journal`) so that its events survive
/// a restart; the caller waits for durability before it answers.
pub fn emit_journaled(
    store: &Store,
    journal: Option<&Journal>,
    region: &str,
    source: &str,
    records: &[Value],
) -> LogsResult<Vec<VendedDelivery>> {
    let region = store.existing_region(region).ok_or_else(source_not_found)?;
    let body = serde_json::to_vec(&JournaledEmit {
        delivery_source_name: source.into(),
        records: records.into(),
    })
    .expect("JSON values serialize");
    crate::ops::execute_effect(store, journal, region.name(), (EMIT_EFFECT, &body), || {
        emit(
            &region,
            store.account_id(),
            source,
            records,
            Destinations::All,
        )
    })
}

/// Replays a journaled [`EMIT_EFFECT`] (the caller pins the clock to the record's time).
pub fn replay(store: &Store, region: &str, body: &[u8]) -> LogsResult<()> {
    let journaled: JournaledEmit<'_> = serde_json::from_slice(body).map_err(|e| {
        LogsError::ServiceUnavailable(format!("a journaled vended emit is unreadable: {e}"))
    })?;
    let region = store.existing_region(region).ok_or_else(source_not_found)?;
    emit(
        &region,
        store.account_id(),
        &journaled.delivery_source_name,
        &journaled.records,
        Destinations::LogGroupsOnly,
    )
    .map(|_| ())
}

/// Numbers S3 objects so two emits in the same millisecond do not overwrite each other.
static OBJECT_SEQ: AtomicU64 = AtomicU64::new(0);

/// Which deliveries an emit writes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destinations {
    /// Every delivery of the source.
    All,
    /// Only deliveries to log groups: a replay rebuilds the state, while S3 objects, Firehose
    /// records and X-Ray segments, outside it, were sent once and are not sent again.
    LogGroupsOnly,
}

/// Emits `records` (JSON objects) from the delivery source `source` of `region` to each of
/// its deliveries (or only those `to` names). ResourceNotFound when the source does not
/// exist; a delivery that cannot be written to is reported `Failed`, as AWS would drop it,
/// without failing the others.
pub fn emit(
    region: &Region,
    account_id: &str,
    source: &str,
    records: &[Value],
    to: Destinations,
) -> LogsResult<Vec<VendedDelivery>> {
    let source = region.deliveries().sources().get(source)?;
    if records.len() > MAX_VENDED_RECORDS {
        return Err(LogsError::Validation(format!(
            "At most {MAX_VENDED_RECORDS} records can be emitted at once."
        )));
    }
    let records: Vec<&Map<String, Value>> = records
        .iter()
        .map(|r| {
            r.as_object()
                .ok_or_else(|| LogsError::Validation("Each record must be a JSON object.".into()))
        })
        .collect::<LogsResult<_>>()?;
    let now = region.now();
    Ok(region
        .deliveries()
        .of_source(&source.name)
        .into_iter()
        .filter(|(_, destination)| {
            to == Destinations::All || destination.kind == DestinationType::Cwl
        })
        .map(|(delivery, destination)| {
            let outcome = deliver(
                region,
                account_id,
                &source,
                &delivery,
                &destination,
                &records,
                now,
            );
            let (status, message) = match outcome {
                Ok(true) => ("Delivered", None),
                Ok(false) => ("StoredOnly", None),
                Err(message) => ("Failed", Some(message)),
            };
            VendedDelivery {
                delivery_id: delivery.id,
                delivery_destination_type: destination.kind.as_str().to_owned(),
                destination_resource_arn: destination.resource_arn,
                status,
                records: if status == "Delivered" {
                    records.len()
                } else {
                    0
                },
                message,
            }
        })
        .collect())
}

/// Writes one delivery; `Ok(false)` for a destination that is stored only.
fn deliver(
    region: &Region,
    account_id: &str,
    source: &DeliverySource,
    delivery: &Delivery,
    destination: &DeliveryDestination,
    records: &[&Map<String, Value>],
    now: i64,
) -> Result<bool, String> {
    let template = deliveries::template(&source.service, &source.log_type, destination.kind);
    let format = destination
        .output_format
        .as_deref()
        .or_else(|| template.and_then(|t| t.formats.first().copied()))
        .unwrap_or("json");
    let delimiter = delivery.field_delimiter.as_deref().unwrap_or(" ");
    let lines = || {
        records
            .iter()
            .map(|r| format_record(r, &delivery.record_fields, format, delimiter))
    };
    let resource = destination.resource_arn.as_deref().unwrap_or_default();
    let env = region.env();
    match destination.kind {
        DestinationType::Cwl => {
            let group_name = destination.log_group_name().unwrap_or_default();
            let group = region.group(group_name).map_err(|e| e.to_string())?;
            let messages: Vec<String> = lines().collect();
            let events: Vec<NewEvent<'_>> = messages
                .iter()
                .map(|message| NewEvent {
                    timestamp: now,
                    message,
                })
                .collect();
            group
                .put_vended_events(&source.name, &events)
                .map_err(|e| e.to_string())?;
            Ok(true)
        }
        DestinationType::S3 => {
            let bucket = resource.splitn(6, ':').nth(5).unwrap_or_default();
            let (bucket_name, prefix) = bucket.split_once('/').unwrap_or((bucket, ""));
            let Some(target) = crate::export::destination_bucket(region, bucket_name)? else {
                return Ok(false);
            };
            let s3 = delivery.s3.as_ref();
            let suffix = s3.and_then(|s3| s3.suffix_path.as_deref()).unwrap_or("");
            let hive = s3.is_some_and(|s3| s3.hive_compatible);
            let mut text = String::new();
            for line in lines() {
                text.push_str(&line);
                text.push('\n');
            }
            let key = object_key(
                prefix,
                &fill_suffix(suffix, account_id, &source.resource_arn, now, hive),
                resource_id(&source.resource_arn),
                now,
                &delivery.id,
            );
            target.put(&key, crate::delivery::gzip(text.as_bytes()))?;
            Ok(true)
        }
        DestinationType::Firehose => {
            let Some(endpoint) = env.forward.firehose.as_deref() else {
                return Ok(false);
            };
            let stream = resource
                .rsplit_once(":deliverystream/")
                .map_or(resource, |(_, s)| s);
            let base64 = base64::engine::general_purpose::STANDARD;
            let data: Vec<String> = lines().map(|line| base64.encode(line + "\n")).collect();
            for batch in firehose_batches(&data) {
                let call = forward::firehose_put_record_batch(
                    endpoint,
                    stream,
                    batch.iter().map(|d| Value::from(d.as_str())),
                );
                send(region, &call)?;
            }
            Ok(true)
        }
        DestinationType::Xray => {
            let Some(endpoint) = env.xray_endpoint.as_deref() else {
                return Ok(false);
            };
            let documents: Vec<String> = lines().collect();
            for batch in documents.chunks(MAX_XRAY_BATCH_DOCUMENTS) {
                send(region, &forward::xray_put_trace_segments(endpoint, batch))?;
            }
            Ok(true)
        }
    }
}

/// Sends one call to another service, signed for `region`, with the forwarder's retries.
fn send(region: &Region, call: &forward::Outgoing) -> Result<(), String> {
    block_on(async { forward::send_retrying(&http_client(), region.name(), call, |_, _| ()).await })
}

/// `data` (base64 records) cut into PutRecordBatch calls: at most
/// [`MAX_FIREHOSE_BATCH_RECORDS`] records and [`MAX_FIREHOSE_BATCH_BYTES`] each.
fn firehose_batches(data: &[String]) -> Vec<&[String]> {
    let mut batches = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, record) in data.iter().enumerate() {
        let size = record.len() / 4 * 3;
        if i > start
            && (i - start == MAX_FIREHOSE_BATCH_RECORDS || bytes + size > MAX_FIREHOSE_BATCH_BYTES)
        {
            batches.push(&data[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += size;
    }
    if start < data.len() {
        batches.push(&data[start..]);
    }
    batches
}

/// The last part of a resource ARN: a CloudFront distribution's id, an event bus's name.
fn resource_id(resource_arn: &str) -> &str {
    resource_arn.rsplit(['/', ':']).next().unwrap_or_default()
}

/// An S3 delivery's object key: the destination's prefix, the filled suffix path, then
/// `<resource id>.<yyyy-MM-dd-HH>.<unique>.gz`, as CloudFront names its files.
fn object_key(
    prefix: &str,
    suffix: &str,
    resource_id: &str,
    now: i64,
    delivery_id: &str,
) -> String {
    let hour = crate::export::iso8601(now)[..13].replace('T', "-");
    let seq = OBJECT_SEQ.fetch_add(1, Ordering::Relaxed);
    // Unique per emulator run, delivery and emit, so two emits never overwrite each other.
    let unique = {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (delivery_id, now, seq, std::process::id()).hash(&mut hasher);
        hasher.finish() as u32
    };
    [
        prefix,
        suffix,
        &format!("{resource_id}.{hour}.{unique:08x}.gz"),
    ]
    .iter()
    .flat_map(|part| part.split('/'))
    .filter(|p| !p.is_empty() && *p != "." && *p != "..")
    .collect::<Vec<_>>()
    .join("/")
}

/// One record in `format`: `json` the record fields (all, when the delivery names none) as a
/// JSON object; `plain` and `w3c` their values joined by `delimiter` (`-` for a missing one);
/// `raw` and `parquet` the record as given.
fn format_record(
    record: &Map<String, Value>,
    fields: &[String],
    format: &str,
    delimiter: &str,
) -> String {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".to_owned(),
        other => other.to_string(),
    };
    match format {
        "json" if !fields.is_empty() => {
            let selected: Map<String, Value> = fields
                .iter()
                .filter_map(|f| record.get(f).map(|v| (f.clone(), v.clone())))
                .collect();
            Value::Object(selected).to_string()
        }
        "plain" | "w3c" => {
            let values: Vec<String> = if fields.is_empty() {
                record.values().map(text).collect()
            } else {
                fields
                    .iter()
                    .map(|f| record.get(f).map_or_else(|| "-".to_owned(), text))
                    .collect()
            };
            values.join(delimiter)
        }
        _ => Value::Object(record.clone()).to_string(),
    }
}

/// Fills the variables of an S3 suffix path. Hive-compatible, a segment that is one variable
/// becomes `name=value` (`{yyyy}` → `year=2026`, `{MM}` → `month=`, `{dd}` → `day=`,
/// `{HH}` → `hour=`, `{account-id}` → `aws-account-id=`, others keep their name).
fn fill_suffix(suffix: &str, account_id: &str, resource_arn: &str, now: i64, hive: bool) -> String {
    let stamp = crate::export::iso8601(now);
    let value = |name: &str| match name {
        "account-id" => Some(account_id),
        "DistributionId" => Some(resource_id(resource_arn)),
        "yyyy" => Some(&stamp[0..4]),
        "MM" => Some(&stamp[5..7]),
        "dd" => Some(&stamp[8..10]),
        "HH" => Some(&stamp[11..13]),
        _ => None,
    };
    suffix
        .split('/')
        .map(|segment| {
            let variable = segment
                .strip_prefix('{')
                .and_then(|s| s.strip_suffix('}'))
                .filter(|name| !name.contains(['{', '}']));
            if let (true, Some(name)) = (hive, variable) {
                if let Some(v) = value(name) {
                    return format!("{}={v}", hive_name(name));
                }
            }
            let mut filled = segment.to_owned();
            for name in ["account-id", "DistributionId", "yyyy", "MM", "dd", "HH"] {
                if let Some(v) = value(name) {
                    filled = filled.replace(&format!("{{{name}}}"), v);
                }
            }
            filled
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// A suffix variable's Hive partition name (the account as VPC Flow Logs' Hive-compatible
/// prefixes name it).
fn hive_name(name: &str) -> &str {
    match name {
        "account-id" => "aws-account-id",
        "yyyy" => "year",
        "MM" => "month",
        "dd" => "day",
        "HH" => "hour",
        other => other,
    }
}

/// The not-found error of an emit to an unknown source (for the route's answer).
pub fn source_not_found() -> LogsError {
    DeliverySource::not_found()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_take_the_delivery_format() {
        let record = serde_json::json!({"date": "2026-01-01", "sc-status": 200, "c-ip": "1.2.3.4"});
        let record = record.as_object().unwrap();
        let fields = ["date".to_owned(), "sc-status".to_owned(), "x".to_owned()];
        assert_eq!(
            format_record(record, &fields, "json", " "),
            r#"{"date":"2026-01-01","sc-status":200}"#
        );
        assert_eq!(
            format_record(record, &fields, "plain", ","),
            "2026-01-01,200,-"
        );
        assert_eq!(
            format_record(record, &fields, "w3c", "\t"),
            "2026-01-01\t200\t-"
        );
        assert!(format_record(record, &fields, "raw", " ").contains("c-ip"));
        assert!(format_record(record, &[], "json", " ").contains("c-ip"));
    }

    #[test]
    fn suffix_paths_are_filled_in() {
        assert_eq!(
            fill_suffix(
                "AWSLogs/{account-id}/CloudFront/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}",
                "123",
                "arn:aws:cloudfront::123:distribution/E1",
                1_767_225_600_000 + 3_600_000 * 5,
                false,
            ),
            "AWSLogs/123/CloudFront/E1/2026/01/01/05"
        );
        assert_eq!(
            fill_suffix(
                "AWSLogs/{account-id}/CloudFront/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}",
                "123",
                "arn:aws:cloudfront::123:distribution/E1",
                1_767_225_600_000 + 3_600_000 * 5,
                true,
            ),
            "AWSLogs/aws-account-id=123/CloudFront/DistributionId=E1/year=2026/month=01/day=01/hour=05"
        );
    }

    #[test]
    fn object_keys_and_firehose_batches() {
        let key = object_key(
            "logs/",
            "AWSLogs/1/CloudFront/",
            "E1",
            1_767_225_600_000,
            "d",
        );
        assert!(
            key.starts_with("logs/AWSLogs/1/CloudFront/E1.2026-01-01-00."),
            "{key}"
        );
        assert!(
            key.ends_with(".gz")
                && key.len() == "logs/AWSLogs/1/CloudFront/E1.2026-01-01-00.".len() + 11
        );
        let small: Vec<String> = (0..1201).map(|_| "AAAA".to_owned()).collect();
        let sizes: Vec<usize> = firehose_batches(&small).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, [500, 500, 201]);
        let big: Vec<String> = (0..6).map(|_| "A".repeat(1_000_000)).collect();
        let sizes: Vec<usize> = firehose_batches(&big).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, [5, 1]);
    }
}
