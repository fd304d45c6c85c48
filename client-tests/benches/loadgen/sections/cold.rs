//! (7): cold start to the first answer: the emulator binary spawned on port 0, and an
//! in-process `Emulator::start()`. The binary is the one `--binary` (or `CWLOGS_BIN`) names:
//! the bench builds nothing; `make bench` builds the release binary first and passes it.

use std::path::Path;
use std::time::{Duration, Instant};

use cwlogs_emulator::Emulator;
use tokio::io::AsyncBufReadExt;

use crate::http::first_answer;
use crate::report::{percentile, Report, Unit};
use crate::sizes::Sizes;
use crate::{BoxError, Res};

/// Spawns the binary on port 0, reads the address it prints, and times the first answer.
async fn binary_cold_start(binary: &Path) -> Res<Duration> {
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

/// The label of the binary's row (moto's start is timed under it too).
pub const BINARY_LABEL: &str = "Cold start to first answer, release binary";

/// Why the binary's row is n/a when no binary was given (only `--quick` allows that).
const NO_BINARY: &str =
    "no binary given (--binary PATH or CWLOGS_BIN; make bench passes the release build)";

/// Times `binary` (when given) and the in-process emulator to their first answers.
pub async fn run(sizes: &Sizes, binary: Option<&Path>, report: &mut Report) -> Res<()> {
    match binary {
        Some(binary) => {
            eprintln!("cold start: spawning {}", binary.display());
            let mut samples = Vec::new();
            for _ in 0..sizes.cold_reps {
                samples.push(binary_cold_start(binary).await?);
            }
            report.add(
                "cold_binary",
                BINARY_LABEL,
                Unit::Millis,
                percentile(&samples, 50.0),
                format!(
                    "median of {} spawns (--port 0) to a DescribeLogGroups answer; min {:.2} ms",
                    samples.len(),
                    percentile(&samples, 0.0)
                ),
            );
        }
        None => report.na("cold_binary", BINARY_LABEL, Unit::Millis, NO_BINARY),
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
