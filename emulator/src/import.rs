//! Import tasks' reader: what CreateImportTask copies from a CloudTrail Lake event data store
//! into its managed log group. The source is read through CloudTrail's own API at
//! `--cloudtrail-endpoint` (AWS JSON 1.1, SigV4): GetEventDataStore when the task is created
//! (the store must exist and be active; the filter must lie within its retention), then a Lake
//! query (StartQuery, GetQueryResults page by page; CancelQuery when the task is cancelled).
//! Each row becomes one log event (the row's columns as a JSON object, timestamped by its
//! `eventTime`), written through the ingest path into the stream
//! `<account>_CloudTrail_<region>`; the events of one hour of `eventTime` are one batch.
//! The task's lifecycle lives in the store (`store::imports`); this runs it on a thread of
//! its own and records each step.
//!
//! Under `--data-dir` each batch is journaled with its events ([`BATCH_EFFECT`]) and the end
//! too ([`END_EFFECT`]): a replay writes the recorded events again and never asks CloudTrail,
//! so a restart neither imports twice nor depends on CloudTrail being reachable. A task the
//! journal shows in progress (the emulator stopped while it ran) fails after the restart
//! ([`fail_unfinished`]), since its source was read only in part.

use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::delivery::forward::{block_on, call, http_client, json_call};
use crate::error::{LogsError, LogsResult};
use crate::limits::{
    EVENT_OVERHEAD_BYTES, IMPORT_POLL_INTERVAL, IMPORT_QUERY_PAGE, IMPORT_QUERY_TIMEOUT,
    MAX_BATCH_BYTES, MAX_BATCH_EVENTS, MAX_EVENT_BYTES,
};
use crate::store::events::NewEvent;
use crate::store::imports::{ImportBatch, ImportStatus, ImportTask};
use crate::store::Region;

/// The reason a task fails when no CloudTrail endpoint is configured.
pub const NO_ENDPOINT: &str = "No CloudTrail endpoint is configured (--cloudtrail-endpoint or \
CWLOGS_CLOUDTRAIL_ENDPOINT), so the event data store cannot be read.";

/// A CloudTrail Lake event data store ARN, taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventDataStore {
    /// The ARN as given.
    pub arn: String,
    /// Its region (requests are signed for it).
    pub region: String,
    /// Its id: the table a Lake query reads, and the destination group's last part.
    pub id: String,
}

impl EventDataStore {
    /// `arn:<partition>:cloudtrail:<region>:<account>:eventdatastore/<id>`, or `None`.
    pub fn parse(arn: &str) -> Option<Self> {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let ["arn", partition, "cloudtrail", region, account, resource] = parts[..] else {
            return None;
        };
        let id = resource.strip_prefix("eventdatastore/")?;
        let plain = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        let ok = !partition.is_empty()
            && !region.is_empty()
            && account.len() == 12
            && account.chars().all(|c| c.is_ascii_digit())
            && !id.is_empty()
            && plain(id)
            && plain(region);
        ok.then(|| Self {
            arn: arn.to_owned(),
            region: region.to_owned(),
            id: id.to_owned(),
        })
    }

    /// The managed log group an import of this store writes to.
    pub fn group_name(&self) -> String {
        format!("/aws/cloudtrail/{}", self.id)
    }
}

/// What GetEventDataStore told about a store that can be imported from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceInfo {
    /// `RetentionPeriod`, in days.
    pub retention_days: Option<i64>,
}

/// Asks CloudTrail about `store` at creation: ResourceNotFound when it does not exist,
/// InvalidOperation when it is not active. `Ok(None)` when nothing could be asked (no
/// endpoint, or no answer): the task is created and fails with the reason.
pub fn check_source(
    endpoint: Option<&str>,
    store: &EventDataStore,
) -> LogsResult<Option<SourceInfo>> {
    let Some(endpoint) = endpoint else {
        return Ok(None);
    };
    let request = json_call(
        endpoint,
        "cloudtrail",
        &target("GetEventDataStore"),
        &json!({ "EventDataStore": store.arn }),
        None,
    );
    let Ok((status, body)) = block_on(call(&http_client(), &store.region, &request)) else {
        return Ok(None);
    };
    let answer: Value = serde_json::from_slice(&body).unwrap_or_default();
    if !status.is_success() {
        let kind = error_type(&answer);
        if kind.ends_with("NotFoundException") {
            return Err(LogsError::ResourceNotFound(format!(
                "The import source {} does not exist.",
                store.arn
            )));
        }
        return Ok(None);
    }
    let state = answer.get("Status").and_then(Value::as_str).unwrap_or("");
    // CREATED is not yet queryable, PENDING_DELETION no longer; the rest hold queryable data.
    if matches!(state, "CREATED" | "PENDING_DELETION") {
        return Err(LogsError::InvalidOperation(format!(
            "The import source {} must be in an ACTIVE state; it is {state}.",
            store.arn
        )));
    }
    Ok(Some(SourceInfo {
        retention_days: answer.get("RetentionPeriod").and_then(Value::as_i64),
    }))
}

/// The `__type` of an AWS JSON error answer, without its namespace.
fn error_type(answer: &Value) -> &str {
    let kind = answer.get("__type").and_then(Value::as_str).unwrap_or("");
    kind.rsplit('#').next().unwrap_or(kind)
}

/// CloudTrail's `X-Amz-Target` for `operation`.
fn target(operation: &str) -> String {
    format!("CloudTrail_20131101.{operation}")
}

/// The journal name of one imported batch: the task and the batch's events.
pub const BATCH_EFFECT: &str = "cwlogs:ImportBatch";
/// The journal name of an import's end.
pub const END_EFFECT: &str = "cwlogs:ImportTaskEnded";

/// A batch as journaled: its events, in time order.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct JournaledBatch {
    task_id: String,
    events: Vec<(i64, String)>,
}

/// An import's end as journaled: `None` when the source was read to its end.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct JournaledEnd {
    task_id: String,
    error: Option<String>,
}

/// Runs the import task `task_id` of `region` in the background (not during a replay: the
/// journal holds what the run did).
pub fn start(region: Arc<Region>, task_id: String, endpoint: Option<String>) {
    if region.env().replaying() {
        return;
    }
    let env_region = Arc::clone(&region);
    let name = format!("import-{task_id}");
    let started = env_region.env().background(name, move || {
        let Ok(task) = region.import_tasks().get(&task_id) else {
            return;
        };
        let outcome = match endpoint {
            None => Err(NO_ENDPOINT.to_owned()),
            Some(endpoint) => match Import::new(&region, &task, endpoint) {
                Some(import) => import.run(),
                None => Err(format!("Invalid import source ARN {}.", task.source_arn)),
            },
        };
        end(&region, task_id, outcome.err());
    });
    if let Err(error) = started {
        tracing::error!(%error, "cannot start an import task's thread");
    }
}

/// Journals and records the end of the task `task_id`.
fn end(region: &Region, task_id: String, error: Option<String>) {
    let ended = JournaledEnd { task_id, error };
    let body = serde_json::to_vec(&ended).expect("an import's end serializes");
    let _ = region
        .env()
        .journal_effect(region.name(), (END_EFFECT, &body), || {
            apply_end(region, &ended)
        });
}

/// Records how the task ended, unless it was cancelled meanwhile (then Err: not journaled).
fn apply_end(region: &Region, ended: &JournaledEnd) -> LogsResult<()> {
    let now = region.now();
    region
        .import_tasks()
        .update(&ended.task_id, |t| {
            if t.status != ImportStatus::InProgress {
                return Err(LogsError::InvalidOperation(
                    "the import task was cancelled".into(),
                ));
            }
            let failed = t
                .batches
                .iter()
                .filter(|b| b.status == ImportStatus::Failed)
                .count();
            match &ended.error {
                None if failed == 0 => t.finish(ImportStatus::Completed, None, now),
                None => {
                    let message =
                        format!("{failed} of {} batches failed to import.", t.batches.len());
                    t.finish(ImportStatus::Failed, Some(message), now);
                }
                Some(error) => t.finish(ImportStatus::Failed, Some(error.clone()), now),
            }
            Ok(())
        })
        .and_then(|applied| applied)
}

/// Records one batch: it joins the task, its events are written, and the task's statistics
/// count them. Err (not journaled) when the task is no longer in progress.
fn apply_batch(region: &Region, batch: &JournaledBatch) -> LogsResult<()> {
    let task = region.import_tasks().get(&batch.task_id)?;
    let started = region.import_tasks().update(&batch.task_id, |t| {
        if t.status != ImportStatus::InProgress {
            return None;
        }
        let id = batch_id(&t.id, t.batches.len());
        t.batches.push(ImportBatch {
            id: id.clone(),
            status: ImportStatus::InProgress,
            error: None,
        });
        Some(id)
    });
    let Ok(Some(batch_id)) = started else {
        return Err(LogsError::InvalidOperation(
            "the import task was cancelled".into(),
        ));
    };
    let stream = EventDataStore::parse(&task.source_arn)
        .map(|source| stream_name(region, &source))
        .unwrap_or_default();
    let (bytes, outcome) = write(region, &task.group, &stream, &batch.events);
    let now = region.now();
    let _ = region.import_tasks().update(&batch.task_id, |t| {
        t.bytes_imported += bytes;
        t.last_updated_time = now;
        if let Some(b) = t.batches.iter_mut().find(|b| b.id == batch_id) {
            if b.status == ImportStatus::InProgress {
                match outcome {
                    Ok(()) => b.status = ImportStatus::Completed,
                    Err(error) => {
                        b.status = ImportStatus::Failed;
                        b.error = Some(error);
                    }
                }
            }
        }
    });
    Ok(())
}

/// The stream an import from `source` writes to.
fn stream_name(region: &Region, source: &EventDataStore) -> String {
    format!("{}_CloudTrail_{}", region.env().account_id, source.region)
}

/// Replays a journaled [`BATCH_EFFECT`] (the caller pins the clock).
pub fn replay_batch(store: &crate::store::Store, region: &str, body: &[u8]) -> LogsResult<()> {
    let batch: JournaledBatch = serde_json::from_slice(body).map_err(|e| {
        LogsError::ServiceUnavailable(format!("a journaled import batch is unreadable: {e}"))
    })?;
    apply_batch(&*replayed_region(store, region)?, &batch)
}

/// Replays a journaled [`END_EFFECT`] (the caller pins the clock).
pub fn replay_end(store: &crate::store::Store, region: &str, body: &[u8]) -> LogsResult<()> {
    let ended: JournaledEnd = serde_json::from_slice(body).map_err(|e| {
        LogsError::ServiceUnavailable(format!("a journaled import end is unreadable: {e}"))
    })?;
    apply_end(&*replayed_region(store, region)?, &ended)
}

fn replayed_region(store: &crate::store::Store, region: &str) -> LogsResult<Arc<Region>> {
    store
        .existing_region(region)
        .ok_or_else(|| LogsError::ResourceNotFound("the import's region does not exist".into()))
}

/// Fails every import task the replayed journal left in progress: the emulator stopped while
/// it read the source, and reading it again would import its first batches twice.
pub fn fail_unfinished(store: &crate::store::Store) {
    for name in store.region_names() {
        let Some(region) = store.existing_region(&name) else {
            continue;
        };
        for task in region.import_tasks().all() {
            if task.status == ImportStatus::InProgress {
                end(&region, task.id, Some(RESTARTED.to_owned()));
            }
        }
    }
}

/// Why a task in progress at a restart failed.
pub const RESTARTED: &str = "The emulator restarted while the import ran; the import stopped \
after the batches shown. Create a new import task to import the rest.";

/// Why a run stopped early: the task was cancelled (nothing more to record), or an error.
enum Stop {
    Cancelled,
    Failed(String),
}

impl From<String> for Stop {
    fn from(error: String) -> Self {
        Self::Failed(error)
    }
}

/// One run of an import task.
struct Import<'a> {
    region: &'a Region,
    task: &'a ImportTask,
    source: EventDataStore,
    endpoint: String,
    /// The `eventTime` hour of the events gathered, and the events.
    pending: Option<(i64, Vec<(i64, String)>)>,
}

impl<'a> Import<'a> {
    fn new(region: &'a Region, task: &'a ImportTask, endpoint: String) -> Option<Self> {
        let source = EventDataStore::parse(&task.source_arn)?;
        Some(Self {
            region,
            task,
            source,
            endpoint,
            pending: None,
        })
    }

    fn run(mut self) -> Result<(), String> {
        match self.copy() {
            Ok(()) | Err(Stop::Cancelled) => Ok(()),
            Err(Stop::Failed(error)) => Err(error),
        }
    }

    fn copy(&mut self) -> Result<(), Stop> {
        let started = self.cloudtrail(
            "StartQuery",
            json!({ "QueryStatement": query_statement(&self.source.id, self.task) }),
        )?;
        let query_id = started
            .get("QueryId")
            .and_then(Value::as_str)
            .ok_or_else(|| Stop::Failed("CloudTrail's StartQuery answered no QueryId.".into()))?
            .to_owned();
        let deadline = Instant::now() + IMPORT_QUERY_TIMEOUT;
        let mut next_token: Option<String> = None;
        loop {
            if self.cancelled() {
                let _ = self.cloudtrail(
                    "CancelQuery",
                    json!({ "QueryId": query_id, "EventDataStore": self.source.arn }),
                );
                return Err(Stop::Cancelled);
            }
            let mut request = json!({ "QueryId": query_id, "MaxQueryResults": IMPORT_QUERY_PAGE });
            if let Some(token) = &next_token {
                request["NextToken"] = Value::from(token.as_str());
            }
            let page = self.cloudtrail("GetQueryResults", request)?;
            match page.get("QueryStatus").and_then(Value::as_str) {
                Some("QUEUED" | "RUNNING") => {
                    if Instant::now() > deadline {
                        return Err(Stop::Failed(format!(
                            "The CloudTrail Lake query {query_id} did not finish within {IMPORT_QUERY_TIMEOUT:?}."
                        )));
                    }
                    std::thread::sleep(IMPORT_POLL_INTERVAL);
                    continue;
                }
                Some("FINISHED") => {}
                other => {
                    let detail = page
                        .get("ErrorMessage")
                        .and_then(Value::as_str)
                        .map(|m| format!(": {m}"))
                        .unwrap_or_default();
                    return Err(Stop::Failed(format!(
                        "The CloudTrail Lake query {query_id} ended {}{detail}",
                        other.unwrap_or("without a status")
                    )));
                }
            }
            let rows = page
                .get("QueryResultRows")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            for row in rows {
                let (timestamp, message) = event_of_row(row, self.region.now());
                self.add(timestamp, message)?;
            }
            next_token = page
                .get("NextToken")
                .and_then(Value::as_str)
                .map(str::to_owned);
            if next_token.is_none() {
                break;
            }
        }
        self.flush()
    }

    /// A CloudTrail call; its answer, or why it failed.
    fn cloudtrail(&self, operation: &str, body: Value) -> Result<Value, String> {
        let request = json_call(
            &self.endpoint,
            "cloudtrail",
            &target(operation),
            &body,
            None,
        );
        let (status, answer) = block_on(call(&http_client(), &self.source.region, &request))
            .map_err(|e| format!("CloudTrail {operation} failed: {e}"))?;
        let answer: Value = serde_json::from_slice(&answer).unwrap_or_default();
        if !status.is_success() {
            let message = answer
                .get("message")
                .or_else(|| answer.get("Message"))
                .and_then(Value::as_str)
                .unwrap_or("");
            return Err(format!(
                "CloudTrail {operation} failed: {} {message}",
                error_type(&answer)
            )
            .trim_end()
            .to_owned());
        }
        Ok(answer)
    }

    fn cancelled(&self) -> bool {
        self.region
            .import_tasks()
            .get(&self.task.id)
            .map_or(true, |t| t.status != ImportStatus::InProgress)
    }

    /// Gathers one event; the gathered ones are a batch once the hour changes.
    fn add(&mut self, timestamp: i64, message: String) -> Result<(), Stop> {
        let hour = timestamp.div_euclid(HOUR_MILLIS);
        if self.pending.as_ref().is_some_and(|(h, _)| *h != hour) {
            self.flush()?;
        }
        self.pending
            .get_or_insert_with(|| (hour, Vec::new()))
            .1
            .push((timestamp, message));
        Ok(())
    }

    /// Writes the gathered events as one batch, journaled with its events.
    fn flush(&mut self) -> Result<(), Stop> {
        let Some((_, mut events)) = self.pending.take() else {
            return Ok(());
        };
        events.sort_by_key(|(timestamp, _)| *timestamp);
        let batch = JournaledBatch {
            task_id: self.task.id.clone(),
            events,
        };
        let body = serde_json::to_vec(&batch).expect("an import batch serializes");
        self.region
            .env()
            .journal_effect(self.region.name(), (BATCH_EFFECT, &body), || {
                apply_batch(self.region, &batch)
            })
            .map_err(|_| Stop::Cancelled)
    }
}

/// Ingests `events` (in time order, within one hour) into `stream` of `group_name` in
/// PutLogEvents-sized chunks; the bytes imported, and the first error.
fn write(
    region: &Region,
    group_name: &str,
    stream: &str,
    events: &[(i64, String)],
) -> (u64, Result<(), String>) {
    let group = match region.group(group_name) {
        Ok(group) => group,
        Err(_) => {
            return (
                0,
                Err(format!(
                    "The destination log group {} does not exist.",
                    group_name
                )),
            )
        }
    };
    // An event over PutLogEvents' size limit is left out alone (the batch fails, naming
    // them), not with the events it would have been written with.
    let (fitting, too_large): (Vec<&(i64, String)>, Vec<_>) = events
        .iter()
        .partition(|(_, m)| m.len() + EVENT_OVERHEAD_BYTES <= MAX_EVENT_BYTES);
    let mut imported = 0u64;
    let mut rest = fitting.as_slice();
    while !rest.is_empty() {
        let mut size = 0;
        let take = rest
            .iter()
            .take(MAX_BATCH_EVENTS)
            .take_while(|(_, m)| {
                size += m.len() + EVENT_OVERHEAD_BYTES;
                size <= MAX_BATCH_BYTES
            })
            .count()
            .max(1);
        let (chunk, after) = rest.split_at(take);
        let batch: Vec<NewEvent<'_>> = chunk
            .iter()
            .map(|(timestamp, message)| NewEvent {
                timestamp: *timestamp,
                message,
            })
            .collect();
        if let Err(error) = group.put_imported_events(stream, &batch) {
            return (imported, Err(error.to_string()));
        }
        imported += chunk.iter().map(|(_, m)| m.len() as u64).sum::<u64>();
        rest = after;
    }
    if !too_large.is_empty() {
        return (
            imported,
            Err(format!(
                "{} events were larger than the {MAX_EVENT_BYTES}-byte event limit and were \
                 not imported.",
                too_large.len()
            )),
        );
    }
    (imported, Ok(()))
}

const HOUR_MILLIS: i64 = 3_600_000;

/// The Lake query of an import: every column of the store's events in the filter's range,
/// oldest first.
fn query_statement(store_id: &str, task: &ImportTask) -> String {
    let mut conditions = Vec::new();
    if let Some(start) = task.start_event_time {
        conditions.push(format!("eventTime >= '{}'", lake_time(start)));
    }
    if let Some(end) = task.end_event_time {
        conditions.push(format!("eventTime <= '{}'", lake_time(end)));
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };
    format!("SELECT * FROM {store_id}{filter} ORDER BY eventTime ASC")
}

/// `2026-01-01 00:00:00.000`: a Lake timestamp literal.
fn lake_time(millis: i64) -> String {
    crate::export::iso8601(millis)
        .replacen('T', " ", 1)
        .trim_end_matches('Z')
        .to_owned()
}

/// One Lake result row (a list of one-column objects) as a log event: the columns as one
/// JSON object (values that hold JSON objects or lists embedded as such), timestamped by
/// `eventTime` (`now` when the row has none that parses).
fn event_of_row(row: &Value, now: i64) -> (i64, String) {
    let mut object = Map::new();
    for cell in row.as_array().map(Vec::as_slice).unwrap_or_default() {
        let Some(cell) = cell.as_object() else {
            continue;
        };
        for (column, value) in cell {
            let value = match value.as_str() {
                Some(text) if text.starts_with(['{', '[']) => {
                    serde_json::from_str(text).unwrap_or_else(|_| value.clone())
                }
                _ => value.clone(),
            };
            object.insert(column.clone(), value);
        }
    }
    let timestamp = object
        .get("eventTime")
        .and_then(Value::as_str)
        .and_then(parse_event_time)
        .unwrap_or(now);
    (timestamp, Value::Object(object).to_string())
}

/// `2026-01-01 00:00:00[.fff]` (Lake) or `2026-01-01T00:00:00[.fff]Z` (CloudTrail events) as
/// epoch milliseconds.
fn parse_event_time(text: &str) -> Option<i64> {
    let text = text.trim().trim_end_matches('Z');
    let (date, time) = text.split_once([' ', 'T'])?;
    let mut date_parts = date.splitn(3, '-');
    let year: i64 = date_parts.next()?.parse().ok()?;
    let month: u32 = date_parts.next()?.parse().ok()?;
    let day: u32 = date_parts.next()?.parse().ok()?;
    let (clock, fraction) = time.split_once('.').unwrap_or((time, ""));
    let mut clock_parts = clock.splitn(3, ':');
    let hour: i64 = clock_parts.next()?.parse().ok()?;
    let minute: i64 = clock_parts.next()?.parse().ok()?;
    let second: i64 = clock_parts.next()?.parse().ok()?;
    let valid = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && (0..24).contains(&hour)
        && (0..60).contains(&minute)
        && (0..=60).contains(&second)
        && fraction.chars().all(|c| c.is_ascii_digit());
    if !valid {
        return None;
    }
    let millis: i64 = format!("{fraction:0<3}")[..3].parse().ok()?;
    let days = crate::clock::days_from_civil(year, month, day);
    Some(((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis)
}

/// A batch's id: UUID-shaped, derived from the task and the batch's place, so a replay of the
/// journal gives the same ids.
fn batch_id(task_id: &str, index: usize) -> String {
    let index = index.to_string();
    let high = crate::store::tokens::fingerprint(&[task_id.as_bytes(), b"/", index.as_bytes()]);
    let low = crate::store::tokens::fingerprint(&[index.as_bytes(), b"/", task_id.as_bytes()]);
    let hex = format!("{high:016x}{low:016x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_data_store_arns() {
        let store = EventDataStore::parse(
            "arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/f1d45bff-d0e3-4868-b5d9-2eb678aa32fb",
        )
        .unwrap();
        assert_eq!(store.region, "us-east-1");
        assert_eq!(
            store.group_name(),
            "/aws/cloudtrail/f1d45bff-d0e3-4868-b5d9-2eb678aa32fb"
        );
        for bad in [
            "arn:aws:cloudtrail:us-east-1:123456789012:trail/x",
            "arn:aws:logs:us-east-1:123456789012:eventdatastore/x",
            "arn:aws:cloudtrail:us-east-1:12345:eventdatastore/x",
            "arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/",
            "arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/a b",
            "eventdatastore/x",
        ] {
            assert_eq!(EventDataStore::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn event_times() {
        assert_eq!(parse_event_time("1970-01-01 00:00:01.5"), Some(1500));
        assert_eq!(
            parse_event_time("2026-01-01T00:00:00Z"),
            Some(1_767_225_600_000)
        );
        assert_eq!(
            parse_event_time("2026-01-01 00:00:00.123"),
            Some(1_767_225_600_123)
        );
        assert_eq!(parse_event_time("2026-13-01 00:00:00"), None);
        assert_eq!(parse_event_time("yesterday"), None);
        assert_eq!(lake_time(1_767_225_600_123), "2026-01-01 00:00:00.123");
    }

    #[test]
    fn rows_become_json_events() {
        let row = json!([
            {"eventTime": "2026-01-01 00:00:00.000"},
            {"eventName": "PutObject"},
            {"userIdentity": "{\"type\":\"Root\"}"},
            {"note": "{not json"}
        ]);
        let (timestamp, message) = event_of_row(&row, 7);
        assert_eq!(timestamp, 1_767_225_600_000);
        let parsed: Value = serde_json::from_str(&message).unwrap();
        assert_eq!(parsed["userIdentity"]["type"], "Root");
        assert_eq!(parsed["note"], "{not json");
        assert_eq!(event_of_row(&json!([{"eventName": "x"}]), 7).0, 7);
    }

    #[test]
    fn batch_ids_are_stable_and_distinct() {
        assert_eq!(batch_id("t", 0), batch_id("t", 0));
        assert_ne!(batch_id("t", 0), batch_id("t", 1));
        assert_eq!(batch_id("t", 0).len(), 36);
    }
}
