//! Emitting vended logs: what a test does in place of CloudFront, EventBridge or AgentCore.
//! `POST /_cwlogs/vended` (or [`crate::Emulator::emit_vended_logs`]) hands records to a
//! delivery source; each of the source's deliveries formats them in its destination's output
//! format with its record fields and delimiter, and writes them where AWS would:
//!
//! - a log group destination (CWL) of this emulator: one event per record, timestamped by the
//!   emulator's clock, in the stream named after the delivery source (created on first use),
//!   through the ingest path (subscriptions, metric filters and retention apply);
//! - an S3 destination whose bucket is a folder of `--export-dir`: one gzip object per emit
//!   and delivery, `<suffixPath>/<sourceName>.<yyyy-MM-dd-HH>.<deliveryId><n>.gz`, one
//!   record a line (`{account-id}`, `{DistributionId}` and the `{yyyy}`, `{MM}`, `{dd}`,
//!   `{HH}` variables of the suffix path are filled in);
//! - Firehose and X-Ray destinations are stored only (reported as `StoredOnly`).
//!
//! Above the store (it formats JSON, which the store must not know).

use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{LogsError, LogsResult};
use crate::journal::Journal;
use crate::limits::MAX_VENDED_RECORDS;
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
    /// `Delivered`, `StoredOnly` (a destination this emulator does not write to) or
    /// `Failed`.
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
            store.export_dir(),
            store.account_id(),
            source,
            records,
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
        None,
        store.account_id(),
        &journaled.delivery_source_name,
        &journaled.records,
    )
    .map(|_| ())
}

/// Numbers S3 objects so two emits in the same millisecond do not overwrite each other.
static OBJECT_SEQ: AtomicU64 = AtomicU64::new(0);

/// Emits `records` (JSON objects) from the delivery source `source` of `region` to each of
/// its deliveries. ResourceNotFound when the source does not exist; a delivery that cannot
/// be written to is reported `Failed`, as AWS would drop it, without failing the others.
pub fn emit(
    region: &Region,
    export_dir: Option<&std::path::Path>,
    account_id: &str,
    source: &str,
    records: &[Value],
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
        .map(|(delivery, destination)| {
            let outcome = deliver(
                region,
                export_dir,
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
#[allow(clippy::too_many_arguments)]
fn deliver(
    region: &Region,
    export_dir: Option<&std::path::Path>,
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
    match destination.kind {
        DestinationType::Cwl => {
            let group_name = resource
                .splitn(7, ':')
                .nth(6)
                .map(|name| name.trim_end_matches(":*"))
                .unwrap_or_default();
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
            let bucket_name = bucket.split('/').next().unwrap_or_default();
            let Some(dir) = crate::export::bucket_dir(export_dir, bucket_name) else {
                return Ok(false);
            };
            let suffix = delivery
                .s3
                .as_ref()
                .and_then(|s3| s3.suffix_path.as_deref())
                .unwrap_or("");
            let prefix = bucket.split_once('/').map_or("", |(_, p)| p);
            let path = format!(
                "{prefix}/{}",
                fill_suffix(suffix, account_id, &source.resource_arn, now)
            );
            let folder = path
                .split('/')
                .filter(|p| !p.is_empty() && *p != "." && *p != "..")
                .fold(dir, |dir, part| dir.join(part));
            let mut text = String::new();
            for line in lines() {
                text.push_str(&line);
                text.push('\n');
            }
            let hour = &crate::export::iso8601(now)[..13].replace('T', "-");
            let seq = OBJECT_SEQ.fetch_add(1, Ordering::Relaxed);
            let file = folder.join(format!("{}.{hour}.{}{seq}.gz", source.name, delivery.id));
            std::fs::create_dir_all(&folder)
                .and_then(|()| std::fs::write(&file, crate::delivery::gzip(text.as_bytes())))
                .map_err(|e| format!("The S3 object could not be written: {e}"))?;
            Ok(true)
        }
        DestinationType::Firehose | DestinationType::Xray => Ok(false),
    }
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

/// Fills the variables of an S3 suffix path.
fn fill_suffix(suffix: &str, account_id: &str, resource_arn: &str, now: i64) -> String {
    let stamp = crate::export::iso8601(now);
    let resource_id = resource_arn.rsplit(['/', ':']).next().unwrap_or_default();
    suffix
        .replace("{account-id}", account_id)
        .replace("{DistributionId}", resource_id)
        .replace("{yyyy}", &stamp[0..4])
        .replace("{MM}", &stamp[5..7])
        .replace("{dd}", &stamp[8..10])
        .replace("{HH}", &stamp[11..13])
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
            ),
            "AWSLogs/123/CloudFront/E1/2026/01/01/05"
        );
    }
}
