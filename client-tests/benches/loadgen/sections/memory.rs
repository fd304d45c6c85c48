//! (6): resident memory per stored event: VmRSS before and after storing the events, in a
//! fresh child process (`--memory-probe N`) for the in-process emulator, or the server's own
//! pid for moto.

use std::time::Duration;

use cwlogs_emulator::{Emulator, SequenceTokenMode};

use crate::http::Http;
use crate::ingest::{put_batches, put_generated, Tokens};
use crate::report::{thousands, Report, Unit};
use crate::sizes::Sizes;
use crate::target::Target;
use crate::workload::{base_time, build_batches, writer_zero, Kind, BATCH, MESSAGE_BYTES};
use crate::Res;

/// VmRSS of `pid` (or this process), in bytes.
fn rss_bytes(pid: Option<u32>) -> Res<u64> {
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/status"),
        None => "/proc/self/status".to_owned(),
    };
    let status = std::fs::read_to_string(&path)?;
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| format!("no VmRSS in {path}"))?;
    Ok(kb * 1024)
}

/// Stores `n` events in one stream (bodies built on the fly), reading RSS before and after.
/// Returns (rss before, rss after).
async fn memory_run(http: &Http, n: usize, pid: Option<u32>) -> Res<(u64, u64)> {
    let base = base_time();
    http.create_group_with("memory", &["warmup", "events"])
        .await?;
    // Warm the code paths and the client's buffers, outside the measurement.
    let warm = build_batches(BATCH, base, &writer_zero, Kind::Text);
    put_batches(http, "memory", "warmup", &warm, Tokens::Chained).await?;
    drop(warm);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let before = rss_bytes(pid)?;
    put_generated(http, "memory", "events", n, base).await?;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let after = rss_bytes(pid)?;
    Ok((before, after))
}

/// The child side of the in-process memory measurement: a fresh process, so earlier
/// sections' freed memory cannot hide (or inflate) this one's.
pub async fn probe_child(n: usize) -> Res<()> {
    let emulator = Emulator::builder().start().await?;
    let http = Http::new(&emulator.endpoint_url())?;
    let (before, after) = memory_run(&http, n, None).await?;
    println!("MEMORY_PROBE {before} {after}");
    Ok(())
}

pub async fn run(target: &Target, sizes: &Sizes, report: &mut Report) -> Res<()> {
    let n = sizes.memory;
    let label = format!("Resident memory per stored {MESSAGE_BYTES}-byte event");
    let (before, after) = match target {
        Target::InProcess => {
            let exe = std::env::current_exe()?;
            let output = tokio::process::Command::new(exe)
                .args(["--memory-probe", &n.to_string()])
                .kill_on_drop(true)
                .output();
            let output = tokio::time::timeout(Duration::from_secs(600), output)
                .await
                .map_err(|_| "memory probe timed out")??;
            let stdout = String::from_utf8_lossy(&output.stdout);
            let line = stdout
                .lines()
                .find_map(|l| l.strip_prefix("MEMORY_PROBE "))
                .ok_or_else(|| {
                    format!(
                        "memory probe failed: {}",
                        String::from_utf8_lossy(&output.stderr)
                    )
                })?;
            let mut parts = line.split(' ').map(str::parse::<u64>);
            match (parts.next(), parts.next()) {
                (Some(Ok(before)), Some(Ok(after))) => (before, after),
                _ => return Err(format!("memory probe said {line:?}").into()),
            }
        }
        Target::External { pid: Some(pid), .. } => {
            let server = target.server(SequenceTokenMode::Strict).await?;
            let result = memory_run(&server.http, n, Some(*pid)).await?;
            server.stop().await;
            result
        }
        Target::External { pid: None, .. } => {
            report.na(
                "memory",
                &label,
                Unit::BytesPerEvent,
                "needs the server's pid (in-process or moto)",
            );
            return Ok(());
        }
    };
    let per_event = (after as f64 - before as f64) / n as f64;
    report.add(
        "memory",
        &label,
        Unit::BytesPerEvent,
        per_event,
        format!(
            "VmRSS {} MiB -> {} MiB over {} events",
            before / (1 << 20),
            after / (1 << 20),
            thousands(n)
        ),
    );
    Ok(())
}
