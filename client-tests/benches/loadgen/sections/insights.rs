//! (8): Logs Insights over a big group (half text, half JSON with a service and a latency):
//! the scan rate of a filter + count by bin, of a JSON stats query, the latency of the
//! "last 20 events" query, the rate of `pattern @message`, and PutLogEvents throughput while
//! a query scans (against the same puts with no query running). Every answer is checked
//! against what was written.

use std::time::{Duration, Instant};

use cwlogs_emulator::SequenceTokenMode;
use serde::Deserialize;

use crate::http::Http;
use crate::ingest::{put_batches, Tokens};
use crate::report::{millis, rate, thousands, Report, Unit};
use crate::sizes::Sizes;
use crate::target::Target;
use crate::workload::{base_time, build_batches, latency_of, writer_zero, Kind, EVENTS_PER_MS};
use crate::Res;

#[derive(Deserialize)]
struct Started {
    #[serde(rename = "queryId")]
    query_id: String,
}

#[derive(Deserialize)]
struct Cell {
    field: String,
    value: String,
}

#[derive(Deserialize)]
struct Results {
    status: String,
    #[serde(default)]
    results: Vec<Vec<Cell>>,
}

/// Starts `query` over the group and polls until it ends; returns its rows and the time from
/// StartQuery to the Complete answer.
async fn run_query(
    http: &Http,
    group: &str,
    base: i64,
    query: &str,
) -> Res<(Vec<Vec<Cell>>, Duration)> {
    let started = Instant::now();
    let id = start_query(http, group, base, query).await?;
    let rows = wait_for(http, &id, query).await?;
    Ok((rows, started.elapsed()))
}

/// Starts `query` over the whole group; returns its id.
async fn start_query(http: &Http, group: &str, base: i64, query: &str) -> Res<Started> {
    let body = serde_json::json!({
        "logGroupName": group,
        "startTime": base / 1000 - 60,
        "endTime": base / 1000 + 86_400,
        "queryString": query,
    });
    Ok(serde_json::from_slice(
        &http.ok("StartQuery", body.to_string()).await?,
    )?)
}

/// Whether the query is still running.
async fn running(http: &Http, id: &Started) -> Res<bool> {
    let body = serde_json::json!({ "queryId": id.query_id, "maxItems": 1 });
    let results: Results =
        serde_json::from_slice(&http.ok("GetQueryResults", body.to_string()).await?)?;
    Ok(matches!(results.status.as_str(), "Running" | "Scheduled"))
}

/// Polls the query until it ends; its rows once Complete.
async fn wait_for(http: &Http, id: &Started, query: &str) -> Res<Vec<Vec<Cell>>> {
    // Bounded: ten minutes of polling at most.
    for _ in 0..600_000 {
        let body = serde_json::json!({ "queryId": id.query_id });
        let results: Results =
            serde_json::from_slice(&http.ok("GetQueryResults", body.to_string()).await?)?;
        match results.status.as_str() {
            "Running" | "Scheduled" => tokio::time::sleep(Duration::from_millis(1)).await,
            "Complete" => return Ok(results.results),
            other => return Err(format!("query {query:?} ended {other}").into()),
        }
    }
    Err(format!("query {query:?} did not end").into())
}

fn value<'a>(row: &'a [Cell], field: &str) -> Option<&'a str> {
    row.iter()
        .find(|c| c.field == field)
        .map(|c| c.value.as_str())
}

pub async fn run(target: &Target, sizes: &Sizes, report: &mut Report) -> Res<()> {
    if target.is_moto() {
        report.na(
            "insights_filter_count",
            "Insights: filter + count by bin(5m)",
            Unit::EventsPerSec,
            "not compared against moto",
        );
        return Ok(());
    }
    let server = target.server(SequenceTokenMode::Ignore).await?;
    let http = &server.http;
    let n = sizes.insights;
    let half = n / 2;
    let base = base_time();
    http.create_group("insights").await?;
    for (stream, kind) in [("text", Kind::Text), ("json", Kind::Service)] {
        http.create_stream("insights", stream).await?;
        let batches = build_batches(half, base, &writer_zero, kind);
        put_batches(http, "insights", stream, &batches, Tokens::None).await?;
    }

    // 1. filter + count by bin: every ERROR (one event in 100, in both streams).
    let (rows, elapsed) = run_query(
        http,
        "insights",
        base,
        "filter @message like /ERROR/ | stats count(*) by bin(5m)",
    )
    .await?;
    let counted: usize = rows
        .iter()
        .filter_map(|row| value(row, "count(*)")?.parse::<usize>().ok())
        .sum();
    let expected = 2 * half.div_ceil(100);
    if counted != expected {
        report.failures.push(format!(
            "Insights filter + count: {counted} ERRORs counted, {expected} written"
        ));
    }
    report.add(
        "insights_filter_count",
        "Insights: filter @message like /ERROR/ | stats count(*) by bin(5m)",
        Unit::EventsPerSec,
        rate(n, elapsed),
        format!(
            "{} events scanned, {} counted (verified), StartQuery to Complete",
            thousands(n),
            thousands(counted)
        ),
    );

    // 2. JSON stats: avg and p99 of latency by service, over the JSON half.
    let (rows, elapsed) = run_query(
        http,
        "insights",
        base,
        "filter ispresent(service) | stats avg(latency), pct(latency, 99) by service",
    )
    .await?;
    let services = rows.len();
    let total_avg: f64 = rows
        .iter()
        .filter_map(|row| value(row, "avg(latency)")?.parse::<f64>().ok())
        .sum::<f64>()
        / services.max(1) as f64;
    let expected_avg = (0..half).map(latency_of).sum::<usize>() as f64 / half.max(1) as f64;
    if services != 8.min(half) || (total_avg - expected_avg).abs() > 5.0 {
        report.failures.push(format!(
            "Insights JSON stats: {services} services, mean of averages {total_avg:.1}, expected 8 and about {expected_avg:.1}"
        ));
    }
    report.add(
        "insights_json_stats",
        "Insights: stats avg(latency), pct(latency, 99) by service (JSON)",
        Unit::EventsPerSec,
        rate(n, elapsed),
        format!(
            "{} events scanned ({} JSON), {services} services (verified)",
            thousands(n),
            thousands(half)
        ),
    );

    // 3. The newest 20 events.
    let (rows, elapsed) = run_query(
        http,
        "insights",
        base,
        "fields @timestamp, @message | sort @timestamp desc | limit 20",
    )
    .await?;
    let newest = (base + ((half - 1) / EVENTS_PER_MS) as i64) / 1000;
    if rows.len() != 20.min(n) {
        report
            .failures
            .push(format!("Insights last 20: {} rows", rows.len()));
    }
    report.add(
        "insights_last20",
        "Insights: fields @timestamp, @message | sort @timestamp desc | limit 20",
        Unit::Millis,
        millis(elapsed),
        format!(
            "over {} events, StartQuery to Complete (newest second {newest})",
            thousands(n)
        ),
    );

    // 4. PutLogEvents while a query scans the whole group, against the same puts idle.
    let puts = sizes.put;
    let batches = build_batches(puts, base, &writer_zero, Kind::Text);
    http.create_group("writes").await?;
    http.create_stream("writes", "idle").await?;
    http.create_stream("writes", "busy").await?;
    let started = Instant::now();
    put_batches(http, "writes", "idle", &batches, Tokens::None).await?;
    let idle = rate(puts, started.elapsed());
    // parse (not a leading filter) makes a record of every event: a slow, whole-group scan.
    let busy_query = r"parse @message /(?<first>\S+)/ | stats count(*) as n";
    let id = start_query(http, "insights", base, busy_query).await?;
    let started = Instant::now();
    put_batches(http, "writes", "busy", &batches, Tokens::None).await?;
    let busy = rate(puts, started.elapsed());
    let overlapped = running(http, &id).await?;
    let rows = wait_for(http, &id, busy_query).await?;
    let counted = rows
        .first()
        .and_then(|row| value(row, "n")?.parse::<usize>().ok());
    if counted != Some(n) {
        report.failures.push(format!(
            "Insights busy query: counted {counted:?} events, {n} written"
        ));
    }
    report.add(
        "insights_put_idle",
        "PutLogEvents, 1 writer, no query running",
        Unit::EventsPerSec,
        idle,
        format!("{} events", thousands(puts)),
    );
    report.add(
        "insights_put_busy",
        "PutLogEvents, 1 writer, while a query scans the Insights group",
        Unit::EventsPerSec,
        busy,
        format!(
            "{} events; {busy_query} over {} events (verified){}",
            thousands(puts),
            thousands(n),
            if overlapped {
                ""
            } else {
                "; the query ended before the puts did"
            }
        ),
    );
    report.add(
        "insights_put_vs_idle",
        "  while a query runs / idle",
        Unit::Times,
        busy / idle,
        "target >= 0.70",
    );

    // 5. pattern @message over the mixed group: every event clustered; memory stays bounded
    // by the patterns (a few), not the events.
    let (rows, elapsed) = run_query(http, "insights", base, "pattern @message").await?;
    let clustered: usize = rows
        .iter()
        .filter_map(|row| value(row, "@sampleCount")?.parse::<usize>().ok())
        .sum();
    if clustered != n {
        report.failures.push(format!(
            "Insights pattern: {clustered} events in {} patterns, {n} written",
            rows.len()
        ));
    }
    report.add(
        "insights_pattern",
        "Insights: pattern @message (mixed text and JSON, 100 bytes)",
        Unit::EventsPerSec,
        rate(n, elapsed),
        format!(
            "{} events clustered into {} patterns (verified), StartQuery to Complete",
            thousands(n),
            rows.len()
        ),
    );
    server.stop().await;
    Ok(())
}
