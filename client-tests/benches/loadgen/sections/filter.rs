//! (4): FilterLogEvents scan rate over a whole stream, with a term pattern and a JSON pattern,
//! the match count verified.

use std::time::{Duration, Instant};

use cwlogs_emulator::SequenceTokenMode;
use serde::Deserialize;

use crate::http::{close_with_token, snippet, Http, Parts};
use crate::ingest::{put_batches, Tokens};
use crate::report::{rate, thousands, Report, Unit};
use crate::sizes::Sizes;
use crate::target::Target;
use crate::workload::{base_time, build_batches, writer_zero, Kind};
use crate::Res;

#[derive(Deserialize)]
struct FilterPage {
    #[serde(default)]
    events: Vec<serde::de::IgnoredAny>,
    #[serde(rename = "nextToken")]
    next_token: Option<String>,
}

/// Scans the whole stream with `pattern`; returns (matches, elapsed).
async fn filter_scan(http: &Http, stream: &str, pattern: &str, n: usize) -> Res<(usize, Duration)> {
    let mut token: Option<String> = None;
    let mut matches = 0;
    let started = Instant::now();
    // Bounded: a server that pages by at most 10 events still finishes.
    for _ in 0..(n / 10).max(1000) {
        let body = format!(
            r#"{{"logGroupName":"filter","logStreamNames":["{stream}"],"filterPattern":{}"#,
            serde_json::to_string(pattern)?
        );
        let body = close_with_token(body, token.as_deref())?;
        let page: FilterPage = serde_json::from_slice(&http.ok("FilterLogEvents", body).await?)?;
        matches += page.events.len();
        match page.next_token {
            Some(next) if Some(&next) != token.as_ref() => token = Some(next),
            _ => return Ok((matches, started.elapsed())),
        }
    }
    Err("FilterLogEvents never ended its paging".into())
}

pub async fn run(target: &Target, sizes: &Sizes, report: &mut Report) -> Res<()> {
    let server = target.server(SequenceTokenMode::Strict).await?;
    let http = &server.http;
    http.create_group("filter").await?;
    let probe = r#"{"logGroupName":"filter","filterPattern":"ERROR","limit":1}"#;
    let (status, bytes) = http
        .call("FilterLogEvents", Parts::from(probe.to_owned()))
        .await?;
    let text = String::from_utf8_lossy(&bytes);
    if status.as_u16() == 501
        || text.contains("NotImplemented")
        || text.contains("UnknownOperation")
    {
        for (key, label) in [
            ("filter_term", "FilterLogEvents scan, term pattern"),
            ("filter_json", "FilterLogEvents scan, JSON pattern"),
        ] {
            report.na(
                key,
                label,
                Unit::EventsPerSec,
                "FilterLogEvents is not implemented yet (501)",
            );
        }
        server.stop().await;
        return Ok(());
    }
    if !status.is_success() {
        return Err(format!("FilterLogEvents probe: HTTP {status}: {}", snippet(&bytes)).into());
    }
    let n = sizes.filter;
    let base = base_time();
    http.create_stream("filter", "text").await?;
    http.create_stream("filter", "json").await?;
    for (stream, kind) in [("text", Kind::Text), ("json", Kind::Json)] {
        let batches = build_batches(n, base, &writer_zero, kind);
        put_batches(http, "filter", stream, &batches, Tokens::Chained).await?;
    }
    let expected = n.div_ceil(100);
    for (key, label, stream, pattern) in [
        (
            "filter_term",
            "FilterLogEvents scan, term pattern ERROR",
            "text",
            "ERROR",
        ),
        (
            "filter_json",
            "FilterLogEvents scan, JSON pattern { $.level = \"ERROR\" }",
            "json",
            r#"{ $.level = "ERROR" }"#,
        ),
    ] {
        match filter_scan(http, stream, pattern, n).await {
            Ok((matches, elapsed)) if matches == expected => report.add(
                key,
                label,
                Unit::EventsPerSec,
                rate(n, elapsed),
                format!(
                    "{} events scanned, {} matches (verified)",
                    thousands(n),
                    thousands(matches)
                ),
            ),
            Ok((matches, _)) if target.is_moto() => report.na(
                key,
                label,
                Unit::EventsPerSec,
                format!("moto matched {matches} of the expected {expected}: pattern unsupported"),
            ),
            Ok((matches, _)) => {
                report
                    .failures
                    .push(format!("{label}: {matches} matches, expected {expected}"));
                report.na(key, label, Unit::EventsPerSec, "wrong match count");
            }
            Err(e) if target.is_moto() => {
                report.na(key, label, Unit::EventsPerSec, format!("moto: {e}"))
            }
            Err(e) => return Err(e),
        }
    }
    server.stop().await;
    Ok(())
}
