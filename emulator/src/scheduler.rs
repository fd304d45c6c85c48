//! Runs scheduled queries on the emulator's clock. A background task calls [`run_due`] every
//! [`SCHEDULER_PERIOD`] (real time); each pass runs, in order, every run whose time the
//! (possibly manual) clock has passed: the Logs Insights query over its window through the
//! ordinary engine (`Region::start_query`), then its destination: an S3 bucket through
//! `export::Bucket` (`--s3-endpoint`, else a folder of `--export-dir`; one JSON-lines
//! object per run, `<prefix>/<query name>/<query id>.json`) or a lookup table (replaced with
//! the results as CSV). Each run lands in the query's history. Above the store (it writes JSON).
//!
//! Under `--data-dir` a run's effect is journaled, not its trigger: the history entry, the
//! Insights query's record (GetQueryResults answers for the id in the history) and the lookup
//! table's new content, as one [`RUN_EFFECT`] record applied under the journal's order lock.
//! A replay applies the recorded effect instead of running the query again (events put while
//! it ran, or a compacted journal, would make a rerun differ). A run that was not journaled
//! before a crash is still due after the restart and runs then, so no run is lost or doubled;
//! runs that fell due while the emulator was down run at once, with their own windows, as
//! for an emulator that fell behind. S3 objects are outside the state: they are written once,
//! by the run itself.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{LogsError, LogsResult};
use crate::insights::Output;
use crate::journal::Journal;

use crate::limits::{
    MAX_QUERY_ROWS, MAX_RUNNING_QUERIES, MAX_SCHEDULED_CATCH_UP, QUERY_TIMEOUT, SCHEDULER_PERIOD,
};
use crate::store::lookup_tables::{LookupTable, ParsedTable};
use crate::store::queries::{QueryRecord, QueryRequest, QueryStatus};
use crate::store::scheduled_queries::{
    DestinationOutcome, QueryDestination, ScheduledQuery, Trigger,
};
use crate::store::{Region, Store};

/// How far back a run's window starts when `startTimeOffset` is not given (seconds).
pub const DEFAULT_START_OFFSET_SECONDS: i64 = 300;

/// The journal name of a scheduled query run's effect (see the module docs).
pub const RUN_EFFECT: &str = "cwlogs:ScheduledQueryRun";

/// Runs every scheduled query run that is due, in every region, journaling each run's
/// effect when there is a journal.
pub fn run_due(store: &Store, journal: Option<&Journal>) {
    for name in store.region_names() {
        if let Some(region) = store.existing_region(&name) {
            run_region(store, journal, &region);
        }
    }
}

fn run_region(store: &Store, journal: Option<&Journal>, region: &Arc<Region>) {
    let now = region.now();
    for query in region.scheduled_queries().all() {
        let mut due = query.next_run.filter(|t| *t <= now);
        let mut runs = 0;
        while let Some(at) = due {
            let outcome = if runs == MAX_SCHEDULED_CATCH_UP {
                Outcome::Skipped { until: now }
            } else {
                run_once(region, &query, at)
            };
            let effect = RunEffect {
                name: query.name.clone(),
                at,
                outcome,
            };
            let body = serde_json::to_vec(&effect).expect("a run's effect serializes");
            // The query may have been changed or deleted meanwhile: the run is kept only if
            // it is still the one that was due.
            due = crate::ops::execute_effect(
                store,
                journal,
                region.name(),
                (RUN_EFFECT, &body),
                || apply(region, effect),
            )
            .ok()
            .flatten()
            .filter(|t| *t <= now);
            runs += 1;
        }
    }
}

/// What one due run of a scheduled query did to the state: the journal's record of it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RunEffect {
    /// The scheduled query.
    name: String,
    /// The run's time on the schedule.
    at: i64,
    outcome: Outcome,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Outcome {
    /// More runs were due than one pass catches up on: the schedule moves past `until`.
    Skipped { until: i64 },
    /// The run happened.
    Ran {
        trigger: SavedTrigger,
        /// The Insights query it ran, finished.
        query: Option<Box<SavedQuery>>,
        /// The lookup table's new content (CSV), for a lookup-table destination.
        table: Option<String>,
    },
}

/// [`Trigger`] as journaled.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SavedTrigger {
    query_id: Option<String>,
    status: String,
    triggered: i64,
    error: Option<String>,
    destinations: Vec<SavedDestination>,
}

/// [`DestinationOutcome`] as journaled.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SavedDestination {
    kind: String,
    identifier: String,
    status: String,
    processed_identifier: Option<String>,
    error: Option<String>,
}

/// A finished [`QueryRecord`] as journaled.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SavedQuery {
    id: String,
    query_string: String,
    language: String,
    log_groups: Vec<String>,
    create_time: i64,
    window: (i64, i64),
    status: String,
    rows: Vec<Vec<(String, String)>>,
    statistics: [u64; 5],
    duration: Option<i64>,
}

/// The `&'static str` among `names` equal to `name` (the store keeps wire names static).
fn known(names: &[&'static str], name: &str) -> LogsResult<&'static str> {
    names.iter().copied().find(|n| *n == name).ok_or_else(|| {
        LogsError::ServiceUnavailable(format!("the journal names an unknown value {name}"))
    })
}

impl SavedTrigger {
    fn from(trigger: &Trigger) -> Self {
        Self {
            query_id: trigger.query_id.clone(),
            status: trigger.status.to_owned(),
            triggered: trigger.triggered,
            error: trigger.error.clone(),
            destinations: trigger
                .destinations
                .iter()
                .map(|d| SavedDestination {
                    kind: d.kind.to_owned(),
                    identifier: d.identifier.clone(),
                    status: d.status.to_owned(),
                    processed_identifier: d.processed_identifier.clone(),
                    error: d.error.clone(),
                })
                .collect(),
        }
    }

    fn restore(self) -> LogsResult<Trigger> {
        Ok(Trigger {
            query_id: self.query_id,
            status: known(
                &["Complete", "Failed", "Timeout", "InvalidQuery"],
                &self.status,
            )?,
            triggered: self.triggered,
            error: self.error,
            destinations: self
                .destinations
                .into_iter()
                .map(|d| {
                    Ok(DestinationOutcome {
                        kind: known(&["S3", "LOOKUP_TABLE"], &d.kind)?,
                        identifier: d.identifier,
                        status: known(&["COMPLETE", "FAILED", "CLIENT_ERROR"], &d.status)?,
                        processed_identifier: d.processed_identifier,
                        error: d.error,
                    })
                })
                .collect::<LogsResult<_>>()?,
        })
    }
}

impl SavedQuery {
    fn from(record: &QueryRecord) -> Self {
        let o = &record.output;
        Self {
            id: record.id.clone(),
            query_string: record.query_string.clone(),
            language: record.language.clone(),
            log_groups: record.log_groups.clone(),
            create_time: record.create_time,
            window: record.window,
            status: record.status.as_str().to_owned(),
            rows: o.rows.clone(),
            statistics: [
                o.records_matched,
                o.records_scanned,
                o.bytes_scanned,
                o.records_skipped,
                o.bytes_skipped,
            ],
            duration: record.duration,
        }
    }

    fn restore(self) -> LogsResult<QueryRecord> {
        let [records_matched, records_scanned, bytes_scanned, records_skipped, bytes_skipped] =
            self.statistics;
        Ok(QueryRecord {
            status: QueryStatus::from_name(&self.status).ok_or_else(|| {
                LogsError::ServiceUnavailable(format!("unknown query status {}", self.status))
            })?,
            id: self.id,
            query_string: self.query_string,
            language: self.language,
            log_groups: self.log_groups,
            create_time: self.create_time,
            window: self.window,
            output: Output {
                rows: self.rows,
                records_matched,
                records_scanned,
                bytes_scanned,
                records_skipped,
                bytes_skipped,
            },
            duration: self.duration,
        })
    }
}

/// Applies a run's effect to `region` (live, and again at a replay): the history entry, the
/// query's record if the region lacks it, the lookup table. Returns when the query is next
/// due; ResourceNotFound when the run no longer applies (the query was changed or deleted
/// since it fell due), which is then not journaled.
fn apply(region: &Region, effect: RunEffect) -> LogsResult<Option<i64>> {
    let gone = || LogsError::ResourceNotFound("the scheduled run no longer applies".into());
    let current = region.scheduled_queries().get(&effect.name)?;
    if current.next_run != Some(effect.at) {
        return Err(gone());
    }
    let (trigger, query, table) = match effect.outcome {
        Outcome::Skipped { until } => {
            region
                .scheduled_queries()
                .update(&effect.name, |q| q.plan_next(until))?;
            return Ok(None);
        }
        Outcome::Ran {
            trigger,
            query,
            table,
        } => (trigger, query, table),
    };
    let mut trigger = trigger.restore()?;
    if let Some(query) = query {
        if region.query(&query.id).is_err() {
            region.restore_query(query.restore()?);
        }
    }
    if let (Some(csv), Some(destination)) = (table, &current.destination) {
        trigger
            .destinations
            .push(write_table(region, destination, &csv));
    }
    region
        .scheduled_queries()
        .update(&effect.name, |q| {
            if q.next_run != Some(effect.at) {
                return Err(gone());
            }
            q.record(trigger);
            Ok(q.next_run)
        })
        .and_then(|next| next)
}

/// The journal name of a finished Insights query's record (`--data-dir`; see
/// `Env::finished_queries`), kept in the form a scheduled run's query is journaled in.
pub const QUERY_EFFECT: &str = "cwlogs:QueryFinished";

/// A finished query's record as a [`QUERY_EFFECT`] body.
pub fn finished_query_body(record: &QueryRecord) -> Vec<u8> {
    serde_json::to_vec(&SavedQuery::from(record)).expect("a query record serializes")
}

/// Replays a journaled [`QUERY_EFFECT`]: the query's record becomes the one recorded.
pub fn replay_finished_query(store: &Store, region: &str, body: &[u8]) -> LogsResult<()> {
    let saved: SavedQuery = serde_json::from_slice(body).map_err(|e| {
        LogsError::ServiceUnavailable(format!("a journaled query record is unreadable: {e}"))
    })?;
    let region = store
        .existing_region(region)
        .ok_or_else(|| LogsError::ResourceNotFound("the query's region does not exist".into()))?;
    region.restore_query(saved.restore()?);
    Ok(())
}

/// Replays a journaled [`RUN_EFFECT`] (the caller pins the clock to the record's time).
pub fn replay(store: &Store, region: &str, body: &[u8]) -> LogsResult<()> {
    let effect: RunEffect = serde_json::from_slice(body).map_err(|e| {
        LogsError::ServiceUnavailable(format!("a journaled scheduled run is unreadable: {e}"))
    })?;
    let region = store.existing_region(region).ok_or_else(|| {
        LogsError::ResourceNotFound("the scheduled run's region does not exist".into())
    })?;
    apply(&region, effect).map(|_| ())
}

/// One run of `query` due at `at`: the query and its S3 destination happen now, the rest of
/// its effect when it is applied.
fn run_once(region: &Arc<Region>, query: &ScheduledQuery, at: i64) -> Outcome {
    let ran =
        |trigger: &Trigger, record: Option<&QueryRecord>, table: Option<String>| Outcome::Ran {
            trigger: SavedTrigger::from(trigger),
            query: record.map(|r| Box::new(SavedQuery::from(r))),
            table,
        };
    let failed = |status: &'static str, error: String| {
        ran(
            &Trigger {
                query_id: None,
                status,
                triggered: at,
                error: Some(error),
                destinations: Vec::new(),
            },
            None,
            None,
        )
    };
    if query.language != "CWLI" {
        return failed(
            "InvalidQuery",
            format!(
                "The {} query language is not supported by this emulator.",
                query.language
            ),
        );
    }
    let compiled = crate::insights::parse(&query.query_string).and_then(|mut compiled| {
        compiled.bind_lookups(|name| region.lookup_table(name))?;
        Ok(compiled)
    });
    let compiled = match compiled {
        Ok(compiled) => compiled,
        Err(e) => return failed("InvalidQuery", e.message),
    };
    let mut groups = Vec::new();
    for identifier in &query.log_groups {
        let name = identifier
            .split_once(":log-group:")
            .map_or(identifier.as_str(), |(_, name)| name.trim_end_matches(":*"));
        match region.group(name) {
            Ok(group) => groups.push(group),
            Err(_) => return failed("Failed", format!("Log group {identifier} does not exist.")),
        }
    }
    let subquery_groups = match region.subquery_groups(&compiled) {
        Ok(groups) => groups,
        Err(name) => return failed("Failed", format!("Log group {name} does not exist.")),
    };
    let from = at - query.start_offset.unwrap_or(DEFAULT_START_OFFSET_SECONDS) * 1000;
    let to = at - query.end_offset.unwrap_or(0) * 1000;
    let request = QueryRequest {
        indexed_since: crate::ops::index_coverage(region, &compiled, &groups),
        query: compiled,
        query_string: query.query_string.clone(),
        language: query.language.clone(),
        groups,
        from,
        to: to.max(from),
        limit: MAX_QUERY_ROWS,
        started: region.now(),
        subquery_groups,
    };
    let id = match region.start_query(request, MAX_RUNNING_QUERIES) {
        Ok(id) => id,
        Err(error) => return failed("Failed", error.to_string()),
    };
    let deadline = Instant::now() + QUERY_TIMEOUT;
    let record = loop {
        match region.query(&id) {
            Ok(record) if record.status.is_finished() => break Some(record),
            Ok(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(2)),
            _ => break None,
        }
    };
    let Some(record) = record else {
        let _ = region.stop_query(&id);
        let trigger = Trigger {
            query_id: Some(id.clone()),
            status: "Timeout",
            triggered: at,
            error: Some("The query did not finish in time.".into()),
            destinations: Vec::new(),
        };
        return ran(&trigger, region.query(&id).ok().as_ref(), None);
    };
    let status = match record.status {
        QueryStatus::Complete => "Complete",
        QueryStatus::Timeout => "Timeout",
        _ => "Failed",
    };
    let mut trigger = Trigger {
        query_id: Some(id.clone()),
        status,
        triggered: at,
        error: None,
        destinations: Vec::new(),
    };
    let mut table = None;
    match (&query.destination, status) {
        (Some(destination @ QueryDestination::S3 { .. }), "Complete") => {
            trigger.destinations.push(deliver_s3(
                region,
                query,
                destination,
                &record.output.rows,
                &id,
            ));
        }
        (Some(destination @ QueryDestination::LookupTable { .. }), "Complete") => {
            match ParsedTable::from_rows(&record.output.rows) {
                Some(parsed) => table = Some(parsed.to_csv()),
                None => trigger.destinations.push(table_outcome(
                    destination,
                    "FAILED",
                    None,
                    Some("The query returned no results to write to the lookup table.".into()),
                )),
            }
        }
        _ => {}
    }
    ran(&trigger, Some(&record), table)
}

/// Writes a run's rows to its S3 destination (through `export::Bucket`).
fn deliver_s3(
    region: &Region,
    query: &ScheduledQuery,
    destination: &QueryDestination,
    rows: &[Vec<(String, String)>],
    query_id: &str,
) -> DestinationOutcome {
    match destination {
        QueryDestination::LookupTable { .. } => table_outcome(destination, "FAILED", None, None),
        QueryDestination::S3 { uri, .. } => {
            let outcome = |status, processed, error| DestinationOutcome {
                kind: "S3",
                identifier: uri.clone(),
                status,
                processed_identifier: processed,
                error,
            };
            let path = uri.strip_prefix("s3://").unwrap_or(uri);
            let (bucket, prefix) = path.split_once('/').unwrap_or((path, ""));
            let target = match crate::export::destination_bucket(region, bucket) {
                Ok(Some(target)) => target,
                Ok(None) | Err(_) => {
                    return outcome(
                        "CLIENT_ERROR",
                        None,
                        Some(format!("The bucket {bucket} does not exist.")),
                    )
                }
            };
            let key = prefix
                .split('/')
                .filter(|p| !p.is_empty() && *p != "." && *p != "..")
                .chain([query.name.as_str(), &format!("{query_id}.json")])
                .collect::<Vec<_>>()
                .join("/");
            let mut text = String::new();
            for row in rows {
                let object: serde_json::Map<String, serde_json::Value> = row
                    .iter()
                    .filter(|(field, _)| field != "@ptr")
                    .map(|(field, value)| (field.clone(), value.clone().into()))
                    .collect();
                text.push_str(&serde_json::Value::Object(object).to_string());
                text.push('\n');
            }
            match target.put(&key, text.into_bytes()) {
                Ok(()) => outcome("COMPLETE", Some(format!("s3://{bucket}/{key}")), None),
                Err(e) => outcome("FAILED", None, Some(e)),
            }
        }
    }
}

/// The outcome of a lookup-table destination.
fn table_outcome(
    destination: &QueryDestination,
    status: &'static str,
    processed: Option<String>,
    error: Option<String>,
) -> DestinationOutcome {
    let identifier = match destination {
        QueryDestination::LookupTable { table_name, .. } => table_name.clone(),
        QueryDestination::S3 { uri, .. } => uri.clone(),
    };
    DestinationOutcome {
        kind: "LOOKUP_TABLE",
        identifier,
        status,
        processed_identifier: processed,
        error,
    }
}

/// Replaces the content of a run's lookup table with `csv` (creating the table on the first
/// run); nothing for an S3 destination.
fn write_table(region: &Region, destination: &QueryDestination, csv: &str) -> DestinationOutcome {
    let QueryDestination::LookupTable {
        table_name,
        description,
        kms_key_id,
        tags,
        ..
    } = destination
    else {
        return table_outcome(destination, "FAILED", None, None);
    };
    let parsed = match ParsedTable::parse(csv) {
        Ok(parsed) => Arc::new(parsed),
        Err(e) => return table_outcome(destination, "FAILED", None, Some(e)),
    };
    let body: Arc<str> = Arc::from(csv);
    let now = region.now();
    let tables = region.lookup_tables();
    let replaced = tables.update(table_name, |t| {
        t.body = Arc::clone(&body);
        t.parsed = Arc::clone(&parsed);
        t.last_updated = now;
        t.arn.clone()
    });
    let arn = match replaced {
        Ok(arn) => Ok(arn),
        Err(_) => {
            let table = LookupTable {
                arn: region.logs_arn("lookup-table", table_name),
                name: table_name.clone(),
                description: description.clone(),
                body,
                parsed,
                kms_key_id: kms_key_id.clone(),
                last_updated: now,
                tags: tags.clone(),
            };
            let arn = table.arn.clone();
            tables.put(table).map(|_| arn)
        }
    };
    match arn {
        Ok(arn) => table_outcome(destination, "COMPLETE", Some(arn), None),
        Err(e) => table_outcome(destination, "FAILED", None, Some(e.to_string())),
    }
}

/// The scheduler's background task: a pass every [`SCHEDULER_PERIOD`] on the blocking pool.
pub async fn run(store: Arc<Store>, journal: Option<Arc<Journal>>) {
    let mut every = tokio::time::interval(SCHEDULER_PERIOD);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let (store, journal) = (Arc::clone(&store), journal.clone());
        if tokio::task::spawn_blocking(move || run_due(&store, journal.as_deref()))
            .await
            .is_err()
        {
            tracing::error!("a scheduled query pass panicked");
        }
    }
}
