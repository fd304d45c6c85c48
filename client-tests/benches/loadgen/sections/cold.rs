//! (7): cold start to the first answer: the emulator binary spawned on port 0, and an
//! in-process `Emulator::start()`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use cwlogs_emulator::Emulator;
use tokio::io::AsyncBufReadExt;

use crate::http::first_answer;
use crate::report::{percentile, Report, Unit};
use crate::sizes::Sizes;
use crate::{BoxError, Res};

/// `target/release/cwlogs-emulator`, next to this bench's own directory, built if missing
/// (full runs only) or stale (cargo decides; a no-op when up to date).
pub async fn release_binary(quick: bool) -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let release = exe
        .parent()
        .and_then(|deps| deps.parent())
        .ok_or("cannot locate the target directory")?;
    let binary = release.join("cwlogs-emulator");
    if quick {
        return if binary.exists() {
            Ok(binary)
        } else {
            Err(format!("{} is missing; `cargo build --release -p cwlogs-emulator` first (not built in --quick)", binary.display()))
        };
    }
    eprintln!("building the release binary (cargo build --release -p cwlogs-emulator)...");
    let status = tokio::process::Command::new(env!("CARGO"))
        .args([
            "build",
            "--quiet",
            "--release",
            "-p",
            "cwlogs-emulator",
            "--bin",
            "cwlogs-emulator",
        ])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .kill_on_drop(true)
        .status();
    match tokio::time::timeout(Duration::from_secs(1800), status).await {
        Ok(Ok(status)) if status.success() && binary.exists() => Ok(binary),
        Ok(Ok(status)) => Err(format!("cargo build --release failed ({status})")),
        Ok(Err(e)) => Err(format!("cannot run cargo: {e}")),
        Err(_) => Err("cargo build --release timed out".into()),
    }
}

/// Spawns the binary on port 0, reads the address it prints, and times the first answer.
pub async fn binary_cold_start(binary: &std::path::Path) -> Res<Duration> {
    let started = Instant::now();
    let mut child = tokio::process::Command::new(binary)
        .args(["--port", "0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let read_url = async {
        // Bounded by the timeout around it, and by the child's stdout closing.
        while let Some(line) = lines.next_line().await? {
            if let Some(at) = line.find("http://") {
                return Ok::<_, BoxError>(line[at..].trim().to_owned());
            }
        }
        Err("the binary exited without printing its address".into())
    };
    let url = tokio::time::timeout(Duration::from_secs(30), read_url)
        .await
        .map_err(|_| "the binary printed no address within 30 s")??;
    first_answer(&url, Duration::from_secs(30)).await?;
    let elapsed = started.elapsed();
    child.kill().await?;
    Ok(elapsed)
}

pub async fn run(sizes: &Sizes, quick: bool, report: &mut Report) -> Res<()> {
    let label = "Cold start to first answer, release binary";
    match release_binary(quick).await {
        Ok(binary) => {
            let mut samples = Vec::new();
            for _ in 0..sizes.cold_reps {
                samples.push(binary_cold_start(&binary).await?);
            }
            report.add(
                "cold_binary",
                label,
                Unit::Millis,
                percentile(&samples, 50.0),
                format!(
                    "median of {} spawns (--port 0) to a DescribeLogGroups answer; min {:.2} ms",
                    samples.len(),
                    percentile(&samples, 0.0)
                ),
            );
        }
        Err(why) => report.na("cold_binary", label, Unit::Millis, why),
    }
    let mut samples = Vec::new();
    for _ in 0..sizes.in_process_reps {
        let started = Instant::now();
        let emulator = Emulator::start().await?;
        first_answer(&emulator.endpoint_url(), Duration::from_secs(10)).await?;
        samples.push(started.elapsed());
        emulator.shutdown().await;
    }
    report.add(
        "cold_in_process",
        "Cold start to first answer, in-process Emulator::start()",
        Unit::Millis,
        percentile(&samples, 50.0),
        format!(
            "median of {}, including the client's first connection",
            samples.len()
        ),
    );
    Ok(())
}
