//! (10): StartLiveTail. The latency from an acknowledged PutLogEvents to its event arriving in a
//! `sessionUpdate` (target <= 1.1 s: updates are cut once a second); PutLogEvents throughput
//! with 100 sessions tailing the written group, against none (target >= 0.80); and the
//! resident memory of an idle session, read from a spawned emulator binary's VmRSS.
//!
//! Sessions are raw HTTP/1 connections reading the event stream: each message's prelude gives
//! its length, and the payload (JSON) is read for the probe messages.

use std::path::Path;
use std::time::{Duration, Instant};

use bytes::{Buf, BytesMut};
use cwlogs_emulator::SequenceTokenMode;
use http_body_util::BodyExt;
use tokio::io::AsyncBufReadExt;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::http::{Http, Parts, FAKE_AUTH};
use crate::ingest::{put_batches, Tokens};
use crate::report::{rate, thousands, Report, Unit};
use crate::sizes::Sizes;
use crate::target::Target;
use crate::workload::{base_time, build_batches, now_ms, writer_zero, Kind};
use crate::Res;

/// Sessions tailing the written group in the throughput comparison.
const SESSIONS: usize = 100;
/// Idle sessions opened for the memory measure.
const IDLE_SESSIONS: usize = 500;
/// What the probe events' messages start with.
const PROBE: &str = "live-tail-probe-";

fn arn(group: &str) -> String {
    format!("arn:aws:logs:us-east-1:000000000000:log-group:{group}")
}

/// Opens a session on `group`; the task reads its stream until aborted (which closes the
/// connection, and so the session), sending each probe message's number to `probes`.
async fn open_session(
    http: &Http,
    group: &str,
    probes: Option<mpsc::UnboundedSender<(usize, Instant)>>,
) -> Res<JoinHandle<()>> {
    let body = format!(r#"{{"logGroupIdentifiers":["{}"]}}"#, arn(group));
    let request = hyper::Request::post(http.root.clone())
        .header("x-amz-target", "Logs_20140328.StartLiveTail")
        .header("content-type", "application/x-amz-json-1.1")
        .header("authorization", FAKE_AUTH)
        .body(Parts::from(body))?;
    let response = http.client.request(request).await?;
    if !response.status().is_success() {
        return Err(format!("StartLiveTail: HTTP {}", response.status()).into());
    }
    let mut body = response.into_body();
    Ok(tokio::spawn(async move {
        let mut buffer = BytesMut::new();
        while let Some(Ok(frame)) = body.frame().await {
            let Ok(data) = frame.into_data() else {
                continue;
            };
            let Some(probes) = &probes else {
                continue;
            };
            buffer.extend_from_slice(&data);
            for number in probe_numbers(&mut buffer) {
                let _ = probes.send((number, Instant::now()));
            }
        }
    }))
}

/// Takes the complete messages off the front of `buffer` and returns the numbers of the probe
/// messages their payloads hold.
fn probe_numbers(buffer: &mut BytesMut) -> Vec<usize> {
    let mut numbers = Vec::new();
    while buffer.len() >= 12 {
        let total = u32::from_be_bytes([buffer[0], buffer[1], buffer[2], buffer[3]]) as usize;
        let headers = u32::from_be_bytes([buffer[4], buffer[5], buffer[6], buffer[7]]) as usize;
        if buffer.len() < total {
            break;
        }
        let payload = &buffer[12 + headers..total - 4];
        if let Ok(update) = serde_json::from_slice::<serde_json::Value>(payload) {
            for result in update["sessionResults"].as_array().into_iter().flatten() {
                let message = result["message"].as_str().unwrap_or("");
                if let Some(n) = message.strip_prefix(PROBE).and_then(|n| n.parse().ok()) {
                    numbers.push(n);
                }
            }
        }
        buffer.advance(total);
    }
    numbers
}

async fn put_probe(http: &Http, group: &str, n: usize) -> Res<()> {
    let body = format!(
        r#"{{"logGroupName":"{group}","logStreamName":"s","logEvents":[{{"timestamp":{},"message":"{PROBE}{n}"}}]}}"#,
        now_ms()
    );
    http.ok("PutLogEvents", body).await?;
    Ok(())
}

/// Put-to-update latencies of `probes` single-event puts, spread over the second's phase.
async fn latencies(http: &Http, probes: usize) -> Res<Vec<Duration>> {
    http.create_group_with("tailed-latency", &["s"]).await?;
    let (sender, mut arrivals) = mpsc::unbounded_channel();
    let session = open_session(http, "tailed-latency", Some(sender)).await?;
    let mut samples = Vec::with_capacity(probes);
    for n in 0..probes {
        // Puts land at different points of the update period.
        tokio::time::sleep(Duration::from_millis(100 + (n as u64 * 370) % 1000)).await;
        put_probe(http, "tailed-latency", n).await?;
        let acknowledged = Instant::now();
        let arrived = tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                match arrivals.recv().await {
                    Some((got, at)) if got == n => return Some(at),
                    Some(_) => continue,
                    None => return None,
                }
            }
        })
        .await
        .map_err(|_| format!("probe {n} did not arrive within 5 s"))?
        .ok_or("the session ended")?;
        samples.push(arrived.saturating_duration_since(acknowledged));
    }
    session.abort();
    Ok(samples)
}

/// VmRSS of process `pid`, in bytes.
fn rss_bytes(pid: u32) -> Res<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or("no VmRSS")?;
    Ok(kb * 1024)
}

/// The sessions `/health` counts.
async fn session_count(http: &Http) -> Res<usize> {
    let request =
        hyper::Request::get(format!("{}/health", http.base)).body(Parts::from(String::new()))?;
    let (_, body) = http.send(request).await?;
    let health: serde_json::Value = serde_json::from_slice(&body)?;
    Ok(health["liveTailSessions"].as_u64().unwrap_or(0) as usize)
}

/// Resident memory per idle session in a spawned `binary`: VmRSS before and after opening
/// [`IDLE_SESSIONS`], once `/health` counts them all.
async fn memory_per_session(binary: &Path) -> Res<(f64, u64, u64)> {
    let mut child = tokio::process::Command::new(binary)
        .args(["--port", "0", "--log-level", "warn"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    let pid = child.id().ok_or("no pid")?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let url = tokio::time::timeout(Duration::from_secs(30), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(at) = line.find("http://") {
                return Some(line[at..].trim().to_owned());
            }
        }
        None
    })
    .await
    .map_err(|_| "the binary printed no address within 30 s")?
    .ok_or("the binary exited without printing its address")?;
    let http = Http::new(&url)?;
    http.create_group_with("idle", &["s"]).await?;
    // Warm the paths (one session opened and closed) outside the measurement.
    open_session(&http, "idle", None).await?.abort();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let before = rss_bytes(pid)?;
    let mut sessions = Vec::with_capacity(IDLE_SESSIONS);
    for _ in 0..IDLE_SESSIONS {
        sessions.push(open_session(&http, "idle", None).await?);
    }
    for _ in 0..100 {
        if session_count(&http).await? >= IDLE_SESSIONS {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A few updates go by, so each session's buffers are in use.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let after = rss_bytes(pid)?;
    for session in sessions {
        session.abort();
    }
    child.kill().await?;
    let per_session = (after as f64 - before as f64) / IDLE_SESSIONS as f64;
    Ok((per_session, before, after))
}

pub async fn run(
    target: &Target,
    sizes: &Sizes,
    binary: Option<&Path>,
    report: &mut Report,
) -> Res<()> {
    if target.is_moto() {
        report.na(
            "live_tail_latency",
            "Live Tail put-to-update latency",
            Unit::Millis,
            "not compared against moto",
        );
        return Ok(());
    }
    let server = target.server(SequenceTokenMode::Ignore).await?;
    let http = &server.http;

    let probes = sizes.in_process_reps;
    let samples = latencies(http, probes).await?;
    let worst = samples.iter().max().copied().unwrap_or_default();
    report.percentiles(
        "live_tail_latency",
        "Live Tail: acknowledged put -> event in a sessionUpdate,",
        &samples,
        &format!("{probes} probes; target <= 1100 ms"),
    );
    if worst > Duration::from_millis(1100) {
        eprintln!("live tail: the slowest probe took {worst:?}");
    }

    let n = sizes.put;
    let batches = build_batches(n, base_time(), &writer_zero, Kind::Text);
    http.create_group_with("untailed", &["s"]).await?;
    let started = Instant::now();
    put_batches(http, "untailed", "s", &batches, Tokens::None).await?;
    let idle = rate(n, started.elapsed());

    http.create_group_with("tailed", &["s"]).await?;
    let mut sessions = Vec::with_capacity(SESSIONS);
    for _ in 0..SESSIONS {
        sessions.push(open_session(http, "tailed", None).await?);
    }
    let started = Instant::now();
    put_batches(http, "tailed", "s", &batches, Tokens::None).await?;
    let tailed = rate(n, started.elapsed());
    for session in sessions {
        session.abort();
    }
    report.add(
        "live_tail_put_idle",
        "PutLogEvents, 1 writer, no Live Tail session",
        Unit::EventsPerSec,
        idle,
        format!("{} events", thousands(n)),
    );
    report.add(
        "live_tail_put",
        "PutLogEvents, 1 writer, 100 Live Tail sessions on the group",
        Unit::EventsPerSec,
        tailed,
        "each session reads its updates (sampled to 500 a second)",
    );
    report.add(
        "live_tail_put_vs_idle",
        "  with 100 sessions / without",
        Unit::Times,
        tailed / idle,
        "target >= 0.80",
    );
    server.stop().await;

    let label = "Resident memory per idle Live Tail session";
    match binary {
        Some(binary) => {
            let (per_session, before, after) = memory_per_session(binary).await?;
            report.add(
                "live_tail_memory",
                label,
                Unit::BytesPerSession,
                per_session,
                format!(
                    "VmRSS of the binary {} KiB -> {} KiB over {IDLE_SESSIONS} sessions",
                    before / 1024,
                    after / 1024
                ),
            );
        }
        None => report.na(
            "live_tail_memory",
            label,
            Unit::BytesPerSession,
            "needs the binary (--binary PATH or CWLOGS_BIN)",
        ),
    }
    Ok(())
}
