//! (3): page latency on a big stream against a small one (the read path must stay flat as a
//! stream grows): seeding the big stream, then head, middle, tail and by-token reads of both.

use std::time::{Duration, Instant};

use cwlogs_emulator::SequenceTokenMode;

use crate::http::Http;
use crate::ingest::{put_generated, seed_parallel, strict_refusal};
use crate::pages::GetPage;
use crate::report::{percentile, rate, thousands, Report, Unit};
use crate::sizes::Sizes;
use crate::target::Target;
use crate::workload::{base_time, ts_of};
use crate::Res;

/// Rounds of four reads of `limit` events: the head, the middle (by startTime), the tail,
/// and the page after the head (by token). Returns each read's latency.
async fn sample_pages(
    http: &Http,
    stream: &str,
    n: usize,
    base: i64,
    reps: usize,
    limit: usize,
) -> Res<Vec<Duration>> {
    let common = format!(r#""logGroupName":"flat","logStreamName":"{stream}","limit":{limit}"#);
    let head = format!(r#"{{{common},"startFromHead":true}}"#);
    let first = http.ok("GetLogEvents", head.clone()).await?;
    let first: GetPage<'_> = serde_json::from_slice(&first)?;
    let token = first.next_forward_token.ok_or("no nextForwardToken")?;
    let reads = [
        head,
        format!(
            r#"{{{common},"startFromHead":true,"startTime":{}}}"#,
            ts_of(base, n / 2)
        ),
        format!(r#"{{{common},"startFromHead":false}}"#),
        format!(
            r#"{{{common},"nextToken":{}}}"#,
            serde_json::to_string(&token)?
        ),
    ];
    let mut latencies = Vec::with_capacity(reps * reads.len());
    for _ in 0..reps {
        for body in &reads {
            let started = Instant::now();
            let bytes = http.ok("GetLogEvents", body.clone()).await?;
            latencies.push(started.elapsed());
            let page: GetPage<'_> = serde_json::from_slice(&bytes)?;
            if page.events.len() != limit {
                return Err(format!(
                    "{stream}: a page had {} events, expected {limit}",
                    page.events.len()
                )
                .into());
            }
        }
    }
    Ok(latencies)
}

pub async fn run(target: &Target, sizes: &Sizes, report: &mut Report) -> Res<()> {
    let server = target.server(SequenceTokenMode::Ignore).await?;
    let http = &server.http;
    let base = base_time();
    http.create_group_with("flat", &["big", "small"]).await?;
    let seeded = seed_parallel(http, "flat", "big", sizes.big, sizes.seeders, base).await;
    let (big_stream, writers, seeded) = match seeded {
        Ok(elapsed) => ("big", sizes.seeders, elapsed),
        // A server in strict mode takes one writer chaining tokens, into a fresh stream.
        Err(e) if !matches!(target, Target::InProcess) && strict_refusal(&e) => {
            http.create_stream("flat", "big-chained").await?;
            let started = Instant::now();
            put_generated(http, "flat", "big-chained", sizes.big, base).await?;
            ("big-chained", 1, started.elapsed())
        }
        Err(e) => return Err(e),
    };
    put_generated(http, "flat", "small", sizes.small, base).await?;
    report.add(
        "seed_big",
        &format!(
            "PutLogEvents, {writers} writer(s), seeding the {}-event stream",
            thousands(sizes.big)
        ),
        Unit::EventsPerSec,
        rate(sizes.big, seeded),
        "one stream; bodies built on the fly, inside the timing",
    );
    let limit = sizes.page_limit;
    let reps = sizes.page_reps;
    let big = sample_pages(http, big_stream, sizes.big, base, reps, limit).await?;
    let small = sample_pages(http, "small", sizes.small, base, reps, limit).await?;
    let note = format!(
        "{} reads of {limit} events: head, middle (startTime), tail, by token",
        reps * 4
    );
    for (key, name, samples) in [
        ("page_big", thousands(sizes.big), &big),
        ("page_small", thousands(sizes.small), &small),
    ] {
        let label = format!("GetLogEvents page latency, {name}-event stream:");
        report.percentiles(key, &label, samples, &note);
    }
    report.add(
        "page_big_vs_small",
        "  big / small page latency (p50)",
        Unit::Times,
        percentile(&big, 50.0) / percentile(&small, 50.0),
        "flat is 1.0 (target <= 1.5)",
    );
    server.stop().await;
    Ok(())
}
