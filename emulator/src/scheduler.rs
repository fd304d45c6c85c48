//! Runs scheduled queries on the emulator's clock. A background task calls [`run_due`] every
//! [`SCHEDULER_PERIOD`] (real time); each pass runs, in order, every run whose time the
//! (possibly manual) clock has passed: the Logs Insights query over its window through the
//! ordinary engine (`Region::start_query`), then its destination: an S3 bucket folder of
//! `--export-dir` (one JSON-lines object per run) or a lookup table (replaced with the
//! results as CSV). Each run lands in the query's history. Above the store (it writes JSON).

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::limits::{
    MAX_QUERY_ROWS, MAX_RUNNING_QUERIES, MAX_SCHEDULED_CATCH_UP, QUERY_TIMEOUT, SCHEDULER_PERIOD,
};
use crate::store::lookup_tables::{LookupTable, ParsedTable};
use crate::store::queries::{QueryRequest, QueryStatus};
use crate::store::scheduled_queries::{
    DestinationOutcome, QueryDestination, ScheduledQuery, Trigger,
};
use crate::store::{Region, Store};

/// How far back a run's window starts when `startTimeOffset` is not given (seconds).
pub const DEFAULT_START_OFFSET_SECONDS: i64 = 300;

/// Runs every scheduled query run that is due, in every region.
pub fn run_due(store: &Store) {
    for name in store.region_names() {
        if let Some(region) = store.existing_region(&name) {
            run_region(store, &region);
        }
    }
}

fn run_region(store: &Store, region: &Arc<Region>) {
    let now = region.now();
    for query in region.scheduled_queries().all() {
        let mut due = query.next_run.filter(|t| *t <= now);
        let mut runs = 0;
        while let Some(at) = due {
            if runs == MAX_SCHEDULED_CATCH_UP {
                let _ = region
                    .scheduled_queries()
                    .update(&query.name, |q| q.plan_next(now));
                break;
            }
            let trigger = run_once(store, region, &query, at);
            // The query may have been changed or deleted meanwhile: the run is kept only if
            // it is still the one that was due.
            due = region
                .scheduled_queries()
                .update(&query.name, |q| {
                    if q.next_run != Some(at) {
                        return None;
                    }
                    q.record(trigger);
                    q.next_run
                })
                .ok()
                .flatten()
                .filter(|t| *t <= now);
            runs += 1;
        }
    }
}

/// One run of `query` due at `at`.
fn run_once(store: &Store, region: &Arc<Region>, query: &ScheduledQuery, at: i64) -> Trigger {
    let failed = |status: &'static str, error: String| Trigger {
        query_id: None,
        status,
        triggered: at,
        error: Some(error),
        destinations: Vec::new(),
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
    let compiled = match crate::insights::parse(&query.query_string) {
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
        return Trigger {
            query_id: Some(id),
            ..failed("Timeout", "The query did not finish in time.".into())
        };
    };
    let status = match record.status {
        QueryStatus::Complete => "Complete",
        QueryStatus::Timeout => "Timeout",
        _ => "Failed",
    };
    let destinations = match (&query.destination, status) {
        (Some(destination), "Complete") => {
            vec![deliver(
                store,
                region,
                query,
                destination,
                &record.output.rows,
                &id,
            )]
        }
        _ => Vec::new(),
    };
    Trigger {
        query_id: Some(id),
        status,
        triggered: at,
        error: None,
        destinations,
    }
}

/// Writes a run's rows to its destination.
fn deliver(
    store: &Store,
    region: &Region,
    query: &ScheduledQuery,
    destination: &QueryDestination,
    rows: &[Vec<(String, String)>],
    query_id: &str,
) -> DestinationOutcome {
    match destination {
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
            let Some(dir) = crate::export::bucket_dir(store.export_dir(), bucket) else {
                return outcome(
                    "CLIENT_ERROR",
                    None,
                    Some(format!("The bucket {bucket} does not exist.")),
                );
            };
            let key = prefix
                .split('/')
                .filter(|p| !p.is_empty() && *p != "." && *p != "..")
                .chain([query.name.as_str()])
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
            let folder = key.split('/').fold(dir, |dir, part| dir.join(part));
            let file = format!("{query_id}.json");
            match std::fs::create_dir_all(&folder)
                .and_then(|()| std::fs::write(folder.join(&file), text))
            {
                Ok(()) => outcome(
                    "COMPLETE",
                    Some(format!("s3://{bucket}/{key}/{file}")),
                    None,
                ),
                Err(e) => outcome(
                    "FAILED",
                    None,
                    Some(format!("The object could not be written: {e}")),
                ),
            }
        }
        QueryDestination::LookupTable {
            table_name,
            description,
            kms_key_id,
            tags,
            ..
        } => {
            let outcome = |status, processed, error| DestinationOutcome {
                kind: "LOOKUP_TABLE",
                identifier: table_name.clone(),
                status,
                processed_identifier: processed,
                error,
            };
            let Some(parsed) = ParsedTable::from_rows(rows) else {
                return outcome(
                    "FAILED",
                    None,
                    Some("The query returned no results to write to the lookup table.".into()),
                );
            };
            let body: Arc<str> = Arc::from(parsed.to_csv());
            let parsed = Arc::new(parsed);
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
                Ok(arn) => outcome("COMPLETE", Some(arn), None),
                Err(e) => outcome("FAILED", None, Some(e.to_string())),
            }
        }
    }
}

/// The scheduler's background task: a pass every [`SCHEDULER_PERIOD`] on the blocking pool.
pub async fn run(store: Arc<Store>) {
    let mut every = tokio::time::interval(SCHEDULER_PERIOD);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let store = Arc::clone(&store);
        if tokio::task::spawn_blocking(move || run_due(&store))
            .await
            .is_err()
        {
            tracing::error!("a scheduled query pass panicked");
        }
    }
}
