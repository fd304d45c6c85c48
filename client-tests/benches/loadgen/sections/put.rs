//! (1) + (2): PutLogEvents throughput (one writer with and without tokens, several writers to
//! their own streams and to one shared stream), and GetLogEvents paging over a whole stream,
//! forward and backward; every stream read back exactly once, in order.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cwlogs_emulator::SequenceTokenMode;

use crate::checks::{Expect, Order};
use crate::http::Http;
use crate::ingest::{put_batches, refusal_note, Tokens};
use crate::pages::{page_all, Direction};
use crate::report::{percentile, rate, thousands, Report, Unit};
use crate::sizes::Sizes;
use crate::target::Target;
use crate::workers::join_all;
use crate::workload::{base_time, build_batches, writer_zero, Batch, Kind, BATCH};
use crate::{BoxError, Res};

const GROUP: &str = "bench";

pub async fn run(target: &Target, sizes: &Sizes, report: &mut Report) -> Res<()> {
    let base = base_time();
    one_writer_strict(target, sizes.put, base, report).await?;
    one_writer_ignore(target, sizes.put, base, report).await?;
    own_streams(target, sizes, base, report).await?;
    shared_stream(target, sizes, base, report).await
}

/// One writer putting pre-built batches of events `0..n` into the stream `seq`: the outcome
/// and how long the puts took (building and freeing the batches stay outside the timing).
async fn timed_put(
    http: &Http,
    n: usize,
    base: i64,
    tokens: Tokens,
) -> (Res<Vec<Duration>>, Duration) {
    let batches = build_batches(n, base, &writer_zero, Kind::Text);
    let started = Instant::now();
    let outcome = put_batches(http, GROUP, "seq", &batches, tokens).await;
    let elapsed = started.elapsed();
    drop(batches);
    (outcome, elapsed)
}

/// A token-less run the server refused: n/a on an external server (it may be in strict mode),
/// a failure in-process (its emulator is in ignore mode there: a refusal is a bug, not a mode).
fn refused(target: &Target, report: &mut Report, key: &str, label: &str, e: BoxError) -> Res<()> {
    if matches!(target, Target::InProcess) {
        return Err(e);
    }
    report.na(key, label, Unit::EventsPerSec, refusal_note(&e));
    Ok(())
}

/// Sequential, chained tokens (strict mode), then paging over that stream.
async fn one_writer_strict(target: &Target, n: usize, base: i64, report: &mut Report) -> Res<()> {
    let server = target.server(SequenceTokenMode::Strict).await?;
    let http = &server.http;
    http.create_group_with(GROUP, &["seq"]).await?;
    let (latencies, elapsed) = timed_put(http, n, base, Tokens::Chained).await;
    let latencies = latencies?;
    report.add(
        "put_seq_strict",
        "PutLogEvents, 1 writer, tokens chained (strict)",
        Unit::EventsPerSec,
        rate(n, elapsed),
        format!(
            "{} events in {} batches of <= {BATCH} (largest legal 100-byte batch); \
             batch p50 {:.2} ms, p99 {:.2} ms",
            thousands(n),
            n.div_ceil(BATCH),
            percentile(&latencies, 50.0),
            percentile(&latencies, 99.0)
        ),
    );
    // Warm up the read path (first large answers fault in fresh memory on both sides).
    let head = r#"{"logGroupName":"bench","logStreamName":"seq","startFromHead":true}"#;
    for _ in 0..3 {
        http.ok("GetLogEvents", head.to_owned()).await?;
    }
    let expect = Expect::one_writer(GROUP, "seq", base, n);
    for direction in [Direction::Forward, Direction::Backward] {
        let run = page_all(http, &expect, direction).await?;
        let (key, label) = match direction {
            Direction::Forward => ("get_fwd", "GetLogEvents forward paging, whole stream"),
            Direction::Backward => ("get_bwd", "GetLogEvents backward paging, whole stream"),
        };
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
        let (key, label) = (format!("{key}_page"), format!("  {label}: page"));
        report.percentiles(&key, &label, &run.latencies, "");
    }
    server.stop().await;
    Ok(())
}

/// Sequential without tokens (ignore mode).
async fn one_writer_ignore(target: &Target, n: usize, base: i64, report: &mut Report) -> Res<()> {
    const KEY: &str = "put_seq_ignore";
    const LABEL: &str = "PutLogEvents, 1 writer, no tokens (ignore)";
    let server = target.server(SequenceTokenMode::Ignore).await?;
    let http = &server.http;
    http.create_group_with(GROUP, &["seq"]).await?;
    match timed_put(http, n, base, Tokens::None).await {
        (Ok(_), elapsed) => {
            let expect = Expect::one_writer(GROUP, "seq", base, n);
            page_all(http, &expect, Direction::Forward).await?;
            let note = "verified exactly once, in order";
            report.add(KEY, LABEL, Unit::EventsPerSec, rate(n, elapsed), note);
        }
        (Err(e), _) => refused(target, report, KEY, LABEL, e)?,
    }
    server.stop().await;
    Ok(())
}

/// 8 writers, each to its own stream, tokens chained.
async fn own_streams(target: &Target, sizes: &Sizes, base: i64, report: &mut Report) -> Res<()> {
    let server = target.server(SequenceTokenMode::Strict).await?;
    let http = &server.http;
    let writers = sizes.writers;
    let per_writer = sizes.put / writers;
    let streams: Vec<String> = (0..writers).map(|w| format!("w{w}")).collect();
    http.create_group_with(GROUP, &streams).await?;
    let all: Vec<Arc<Vec<Batch>>> = (0..writers)
        .map(|w| Arc::new(build_batches(per_writer, base, &move |_| w, Kind::Text)))
        .collect();
    let started = Instant::now();
    let tasks = streams
        .iter()
        .zip(&all)
        .map(|(stream, batches)| {
            let (http, stream, batches) = (http.clone(), stream.clone(), Arc::clone(batches));
            tokio::spawn(async move {
                put_batches(&http, GROUP, &stream, &batches, Tokens::Chained).await
            })
        })
        .collect();
    join_all(tasks).await?;
    let elapsed = started.elapsed();
    drop(all);
    for (w, stream) in streams.iter().enumerate() {
        let w_of = move |_: usize| w;
        let expect = Expect {
            group: GROUP,
            stream,
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
    Ok(())
}

/// 8 writers into one stream, no tokens (ignore mode). Batch b goes to writer b % 8, so
/// batches arrive roughly, not exactly, in time order.
async fn shared_stream(target: &Target, sizes: &Sizes, base: i64, report: &mut Report) -> Res<()> {
    const KEY: &str = "put_8w_shared";
    let server = target.server(SequenceTokenMode::Ignore).await?;
    let http = &server.http;
    let (n, writers) = (sizes.put, sizes.writers);
    http.create_group_with(GROUP, &["shared"]).await?;
    let w_of = move |g: usize| (g / BATCH) % writers;
    let batches = build_batches(n, base, &w_of, Kind::Text);
    let mut per_task: Vec<Vec<Batch>> = (0..writers).map(|_| Vec::new()).collect();
    for (b, batch) in batches.into_iter().enumerate() {
        per_task[b % writers].push(batch);
    }
    let started = Instant::now();
    let tasks = per_task
        .into_iter()
        .map(|batches| {
            let http = http.clone();
            // A refusal is an outcome here, not a failure: every writer's comes back.
            tokio::spawn(async move {
                let outcome = put_batches(&http, GROUP, "shared", &batches, Tokens::None).await;
                Ok::<_, BoxError>(outcome)
            })
        })
        .collect();
    let refusal = join_all(tasks)
        .await?
        .into_iter()
        .rev()
        .find_map(Result::err);
    let elapsed = started.elapsed();
    let label = format!("PutLogEvents, {writers} writers, one shared stream (ignore)");
    match refusal {
        None => {
            let expect = Expect {
                group: GROUP,
                stream: "shared",
                base,
                n,
                order: Order::Time,
                w_of: &w_of,
            };
            page_all(http, &expect, Direction::Forward).await?;
            let note = "verified: every event exactly once, in time order";
            report.add(KEY, &label, Unit::EventsPerSec, rate(n, elapsed), note);
        }
        Some(e) => refused(target, report, KEY, &label, e)?,
    }
    server.stop().await;
    Ok(())
}
