//! (9): `--data-dir`: PutLogEvents throughput with every put on disk before its answer (8
//! writers, own streams), the disk used per 100-byte event, and the restart with `big` events
//! (10M in the full run) to the first answer, then every event read back exactly once.
//! In-process only: it needs to stop and start the emulator on the same directory.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cwlogs_emulator::{Emulator, SequenceTokenMode};

use crate::checks::{Expect, Order};
use crate::http::{first_answer, Http};
use crate::ingest::{put_batches, seed_parallel, Tokens};
use crate::pages::{page_all, Direction};
use crate::report::{rate, thousands, Report, Unit};
use crate::sizes::Sizes;
use crate::target::Target;
use crate::workers::join_all;
use crate::workload::{base_time, build_batches, Batch, Kind, MESSAGE_BYTES};
use crate::Res;

const GROUP: &str = "durable";

async fn start(dir: &Path) -> Res<(Emulator, Http)> {
    let emulator = Emulator::builder()
        .sequence_tokens(SequenceTokenMode::Ignore)
        .data_dir(dir)
        .start()
        .await?;
    let http = Http::new(&emulator.endpoint_url())?;
    Ok((emulator, http))
}

/// Bytes of the files in `dir`.
fn disk_bytes(dir: &Path) -> Res<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        total += entry?.metadata()?.len();
    }
    Ok(total)
}

pub async fn run(target: &Target, sizes: &Sizes, report: &mut Report) -> Res<()> {
    if !matches!(target, Target::InProcess) {
        report.na(
            "durable_put_8w",
            "PutLogEvents --data-dir, 8 writers, own streams",
            Unit::EventsPerSec,
            "in-process only (restarts the emulator on its directory)",
        );
        return Ok(());
    }
    let dir: PathBuf =
        std::env::temp_dir().join(format!("cwlogs-bench-durable-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let outcome = measure(&dir, sizes, report).await;
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

async fn measure(dir: &Path, sizes: &Sizes, report: &mut Report) -> Res<()> {
    let base = base_time();
    let (emulator, http) = start(dir).await?;
    let writers = sizes.writers;
    let per_writer = sizes.put / writers;
    let streams: Vec<String> = (0..writers).map(|w| format!("w{w}")).collect();
    http.create_group_with(GROUP, &streams).await?;
    http.create_stream(GROUP, "bulk").await?;
    let all: Vec<Arc<Vec<Batch>>> = (0..writers)
        .map(|w| Arc::new(build_batches(per_writer, base, &move |_| w, Kind::Text)))
        .collect();
    let started = Instant::now();
    let tasks = streams
        .iter()
        .zip(&all)
        .map(|(stream, batches)| {
            let (http, stream, batches) = (http.clone(), stream.clone(), Arc::clone(batches));
            tokio::spawn(
                async move { put_batches(&http, GROUP, &stream, &batches, Tokens::None).await },
            )
        })
        .collect();
    let latencies: Vec<Duration> = join_all(tasks).await?.into_iter().flatten().collect();
    let elapsed = started.elapsed();
    drop(all);
    let mut sorted = latencies;
    sorted.sort();
    let p50 = sorted.get(sorted.len() / 2).copied().unwrap_or_default();
    report.add(
        "durable_put_8w",
        &format!("PutLogEvents --data-dir, {writers} writers, own streams"),
        Unit::EventsPerSec,
        rate(per_writer * writers, elapsed),
        format!(
            "{} events each, every answer after fdatasync (group commit); batch p50 {:.2} ms",
            thousands(per_writer),
            p50.as_secs_f64() * 1e3
        ),
    );
    let bytes = disk_bytes(dir)? as f64 / (per_writer * writers) as f64;
    report.add(
        "durable_disk_per_event",
        "  --data-dir disk per 100-byte event",
        Unit::BytesPerEvent,
        bytes,
        format!(
            "{:.2}x the payload (journal + lock file, after the put run)",
            bytes / MESSAGE_BYTES as f64
        ),
    );

    // The rest of `big` events in one more stream, then the restart.
    let bulk = sizes.big.saturating_sub(per_writer * writers);
    seed_parallel(&http, GROUP, "bulk", bulk, writers, base).await?;
    drop(http);
    emulator.shutdown().await;
    let started = Instant::now();
    let (emulator, http) = start(dir).await?;
    first_answer(&emulator.endpoint_url(), Duration::from_secs(60)).await?;
    let restart = started.elapsed();
    report.add(
        "durable_restart",
        "  --data-dir restart to first answer",
        Unit::Millis,
        restart.as_secs_f64() * 1e3,
        format!(
            "{} events in the directory ({} MB on disk)",
            thousands(per_writer * writers + bulk),
            disk_bytes(dir)? >> 20
        ),
    );
    let mut read = Duration::ZERO;
    let mut events = 0;
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
        let run = page_all(&http, &expect, Direction::Forward).await?;
        read += run.request_time;
        events += run.events;
    }
    // Concurrent seeders: batches arrive in any order, and events of one millisecond from two
    // batches keep their arrival order, so only time order is certain.
    let bulk_expect = Expect {
        order: Order::Time,
        ..Expect::one_writer(GROUP, "bulk", base, bulk)
    };
    let run = page_all(&http, &bulk_expect, Direction::Forward).await?;
    read += run.request_time;
    events += run.events;
    report.add(
        "durable_read_after_restart",
        "  GetLogEvents forward paging after the restart",
        Unit::EventsPerSec,
        rate(events, read),
        "every event of every stream, exactly once and in order",
    );
    drop(http);
    emulator.shutdown().await;
    Ok(())
}
