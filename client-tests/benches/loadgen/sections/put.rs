//! (1) + (2): PutLogEvents throughput (one writer with and without tokens, several writers to
//! their own streams and to one shared stream), and GetLogEvents paging over a whole stream,
//! forward and backward; every stream read back exactly once, in order.

use std::sync::Arc;
use std::time::Instant;

use cwlogs_emulator::SequenceTokenMode;

use crate::checks::Order;
use crate::ingest::{put_batches, refusal_note, Tokens};
use crate::pages::{page_all, Direction, Expect};
use crate::report::{percentile, rate, thousands, Report, Unit};
use crate::sizes::Sizes;
use crate::target::Target;
use crate::workload::{base_time, build_batches, writer_zero, Batch, BATCH};
use crate::Res;

pub async fn run(target: &Target, sizes: &Sizes, report: &mut Report) -> Res<()> {
    let n = sizes.put;
    let base = base_time();
    let batches_note = format!(
        "{} events in {} batches of <= {BATCH} (largest legal 100-byte batch)",
        thousands(n),
        n.div_ceil(BATCH)
    );

    // Sequential, chained tokens (strict mode), then paging over that stream.
    let server = target.server(SequenceTokenMode::Strict).await?;
    let http = &server.http;
    http.create_group("bench").await?;
    http.create_stream("bench", "seq").await?;
    let batches = build_batches(n, 0, base, &writer_zero);
    let started = Instant::now();
    let latencies = put_batches(http, "bench", "seq", &batches, Tokens::Chained).await?;
    let elapsed = started.elapsed();
    drop(batches);
    report.add(
        "put_seq_strict",
        "PutLogEvents, 1 writer, tokens chained (strict)",
        Unit::EventsPerSec,
        rate(n, elapsed),
        format!(
            "{batches_note}; batch p50 {:.2} ms, p99 {:.2} ms",
            percentile(&latencies, 50.0),
            percentile(&latencies, 99.0)
        ),
    );
    let expect = Expect {
        group: "bench",
        stream: "seq",
        base,
        n,
        order: Order::Sent,
        w_of: &writer_zero,
    };
    // Warm up the read path (first large answers fault in fresh memory on both sides).
    let head = r#"{"logGroupName":"bench","logStreamName":"seq","startFromHead":true}"#;
    for _ in 0..3 {
        http.ok("GetLogEvents", head.to_owned()).await?;
    }
    for direction in [Direction::Forward, Direction::Backward] {
        let run = page_all(http, &expect, direction).await?;
        let (key, label) = match direction {
            Direction::Forward => ("get_fwd", "GetLogEvents forward paging, whole stream"),
            Direction::Backward => ("get_bwd", "GetLogEvents backward paging, whole stream"),
        };
        let p50 = percentile(&run.latencies, 50.0);
        let p99 = percentile(&run.latencies, 99.0);
        report.add(
            key,
            label,
            Unit::EventsPerSec,
            rate(run.events, run.request_time),
            format!(
                "{} pages of ~{} events, exactly once and in order; client parse excluded",
                run.pages,
                run.events / run.pages.max(1)
            ),
        );
        report.add(
            &format!("{key}_page_p50"),
            &format!("  {label}: page p50"),
            Unit::Millis,
            p50,
            "",
        );
        report.add(
            &format!("{key}_page_p99"),
            &format!("  {label}: page p99"),
            Unit::Millis,
            p99,
            "",
        );
    }
    server.stop().await;

    // Sequential without tokens (ignore mode).
    let server = target.server(SequenceTokenMode::Ignore).await?;
    let http = &server.http;
    http.create_group("bench").await?;
    http.create_stream("bench", "seq").await?;
    let batches = build_batches(n, 0, base, &writer_zero);
    let started = Instant::now();
    let outcome = put_batches(http, "bench", "seq", &batches, Tokens::None).await;
    let elapsed = started.elapsed();
    drop(batches);
    match outcome {
        Ok(_) => {
            page_all(http, &expect, Direction::Forward).await?;
            report.add(
                "put_seq_ignore",
                "PutLogEvents, 1 writer, no tokens (ignore)",
                Unit::EventsPerSec,
                rate(n, elapsed),
                "verified exactly once, in order",
            );
        }
        // An in-process emulator is in ignore mode here: a refusal is a bug, not a mode.
        Err(e) if matches!(target, Target::InProcess) => return Err(e),
        Err(e) => report.na(
            "put_seq_ignore",
            "PutLogEvents, 1 writer, no tokens (ignore)",
            Unit::EventsPerSec,
            refusal_note(&e),
        ),
    }
    server.stop().await;

    // 8 writers, each to its own stream, tokens chained.
    let server = target.server(SequenceTokenMode::Strict).await?;
    let http = &server.http;
    let writers = sizes.writers;
    let per_writer = n / writers;
    http.create_group("bench").await?;
    for w in 0..writers {
        http.create_stream("bench", &format!("w{w}")).await?;
    }
    let all: Vec<Arc<Vec<Batch>>> = (0..writers)
        .map(|w| Arc::new(build_batches(per_writer, 0, base, &move |_| w)))
        .collect();
    let started = Instant::now();
    let tasks: Vec<_> = all
        .iter()
        .enumerate()
        .map(|(w, batches)| {
            let http = http.clone();
            let batches = Arc::clone(batches);
            tokio::spawn(async move {
                put_batches(&http, "bench", &format!("w{w}"), &batches, Tokens::Chained).await
            })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    let elapsed = started.elapsed();
    drop(all);
    for w in 0..writers {
        let w_of = move |_: usize| w;
        let stream = format!("w{w}");
        let expect = Expect {
            group: "bench",
            stream: &stream,
            base,
            n: per_writer,
            order: Order::Sent,
            w_of: &w_of,
        };
        page_all(http, &expect, Direction::Forward).await?;
    }
    report.add(
        "put_8w_own",
        &format!("PutLogEvents, {writers} writers, own streams (strict)"),
        Unit::EventsPerSec,
        rate(per_writer * writers, elapsed),
        format!(
            "{} events each; every stream verified exactly once, in order",
            thousands(per_writer)
        ),
    );
    server.stop().await;

    // 8 writers into one stream, no tokens (ignore mode). Batch b goes to writer b % 8, so
    // batches arrive roughly, not exactly, in time order.
    let server = target.server(SequenceTokenMode::Ignore).await?;
    let http = &server.http;
    http.create_group("bench").await?;
    http.create_stream("bench", "shared").await?;
    let w_of = move |g: usize| (g / BATCH) % writers;
    let batches = build_batches(n, 0, base, &w_of);
    let mut per_task: Vec<Vec<Batch>> = (0..writers).map(|_| Vec::new()).collect();
    for (b, batch) in batches.into_iter().enumerate() {
        per_task[b % writers].push(batch);
    }
    let started = Instant::now();
    let tasks: Vec<_> = per_task
        .into_iter()
        .map(|batches| {
            let http = http.clone();
            tokio::spawn(async move {
                put_batches(&http, "bench", "shared", &batches, Tokens::None).await
            })
        })
        .collect();
    let mut refused = None;
    for task in tasks {
        if let Err(e) = task.await? {
            refused = Some(e);
        }
    }
    let elapsed = started.elapsed();
    let label = format!("PutLogEvents, {writers} writers, one shared stream (ignore)");
    match refused {
        None => {
            let expect = Expect {
                group: "bench",
                stream: "shared",
                base,
                n,
                order: Order::Time,
                w_of: &w_of,
            };
            page_all(http, &expect, Direction::Forward).await?;
            report.add(
                "put_8w_shared",
                &label,
                Unit::EventsPerSec,
                rate(n, elapsed),
                "verified: every event exactly once, in time order",
            );
        }
        Some(e) if matches!(target, Target::InProcess) => return Err(e),
        Some(e) => report.na(
            "put_8w_shared",
            &label,
            Unit::EventsPerSec,
            refusal_note(&e),
        ),
    }
    server.stop().await;
    Ok(())
}
