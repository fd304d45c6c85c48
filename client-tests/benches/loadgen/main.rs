//! `make bench`: the load generator of issue 7.
//!
//! It starts the emulator in-process (a fresh one per section) or targets a running server
//! (`--url`), drives it with 100-byte messages through a raw HTTP/1 client posting pre-built
//! JSON bodies over keep-alive connections (the server's limit), and through the real
//! `aws-sdk-cloudwatchlogs` (what users see), then prints a table and one JSON line.
//!
//! `--compare-moto PATH` also starts `PATH -H 127.0.0.1 -p PORT` (moto_server), runs the same
//! workload, scaled down (`--moto-scale`, default 10), against both servers and prints the
//! ratios. `--quick` is a smoke run that finishes in seconds: CI runs it to catch a broken
//! bench, never to judge timings. Nothing here asserts a timing; correctness checks (nothing
//! lost, duplicated or reordered) do fail the run.
//!
//! All traffic goes to 127.0.0.1, and every loop is bounded.
//!
//! The cold-start measure spawns the emulator binary named by `--binary PATH` (or
//! `CWLOGS_BIN`): the bench builds nothing itself. `make bench` and `make bench-compare` build
//! the release binary first and pass it; `make bench-smoke` passes the debug one. A full run
//! that includes the cold section needs it; `--quick` without it shows that row as n/a.
//!
//! The modules: `cli` (arguments), `sizes` (the workload's sizes), `http` (the raw client),
//! `workload` (messages and pre-built bodies), `ingest` (PutLogEvents runs), `workers`
//! (concurrent clients), `pages` and `checks` (reading streams back, exactly once and in
//! order), `target` (what a suite runs against), `sections` (one module per measure, and the
//! suite), `report` (the table and the JSON), `moto` and `compare` (the moto_server
//! comparison). This file prints the run's header and its JSON line.

mod checks;
mod cli;
mod compare;
mod http;
mod ingest;
mod moto;
mod pages;
mod report;
mod sections;
mod sizes;
mod target;
mod workers;
mod workload;

use std::process::ExitCode;

use cwlogs_emulator::limits::{EVENT_OVERHEAD_BYTES as EVENT_OVERHEAD, MAX_BATCH_BYTES};

use crate::cli::Args;
use crate::compare::compare_with_moto;
use crate::sections::memory::probe_child;
use crate::sections::run_suite;
use crate::sizes::{sizes_json, Sizes};
use crate::target::Target;
use crate::workload::{now_ms, BATCH, MESSAGE_BYTES};

/// Any error a section meets: it fails that section, and so the run.
type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Res<T> = Result<T, BoxError>;

async fn run(args: Args) -> ExitCode {
    let sizes = if args.quick {
        Sizes::quick()
    } else {
        Sizes::full()
    };
    let target = match &args.url {
        Some(url) => Target::External {
            name: format!("server at {url}"),
            url: url.clone(),
            pid: None,
        },
        None => Target::InProcess,
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "cwlogs-emulator load generator{}: {} on {cores} cores, {MESSAGE_BYTES}-byte messages, raw HTTP/1 keep-alive client unless marked sdk",
        if args.quick { " (--quick: a smoke run, not timings)" } else { "" },
        target.name(),
    );
    println!("sizes: {}", sizes.describe());
    if matches!(target, Target::InProcess) {
        println!(
            "in-process: the client and the emulator share this process's tokio runtime and cores"
        );
    }
    println!(
        "note: batches hold {BATCH} events, not 10,000: 10,000 x ({MESSAGE_BYTES} + {EVENT_OVERHEAD}) bytes exceeds the {MAX_BATCH_BYTES}-byte batch limit"
    );
    let report = run_suite(&target, &sizes, &args.only, args.binary.as_deref(), true).await;
    report.print(&format!(
        "{} ({})",
        target.name(),
        if args.quick { "quick" } else { "full" }
    ));

    let mut comparison = None;
    let mut compare_error = None;
    if let Some(path) = &args.compare_moto {
        match compare_with_moto(path, &args, sizes, &target, &report).await {
            Ok(c) => {
                c.print();
                comparison = Some(c);
            }
            Err(e) => {
                println!("moto comparison failed: {e}");
                compare_error = Some(e.to_string());
            }
        }
    }

    let mut json = serde_json::json!({
        "bench": "cwlogs-emulator",
        "quick": args.quick,
        "target": target.name(),
        "cores": cores,
        "message_bytes": MESSAGE_BYTES,
        "batch_events": BATCH,
        "sizes": sizes_json(&sizes),
        "unix_time": now_ms() / 1000,
    });
    if let serde_json::Value::Object(map) = &mut json {
        if let serde_json::Value::Object(fields) = report.to_json() {
            map.extend(fields);
        }
        if let Some(c) = &comparison {
            map.insert("compare".into(), c.to_json());
        }
        if let Some(e) = compare_error {
            map.insert("compare_error".into(), e.into());
        }
    }
    println!("\n{json}");
    let emulator_failed = !report.failures.is_empty()
        || comparison
            .as_ref()
            .is_some_and(|c| !c.emulator.failures.is_empty());
    if emulator_failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn main() -> ExitCode {
    let args = Args::checked();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start tokio: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(n) = args.memory_probe {
        return match runtime.block_on(probe_child(n)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("memory probe: {e}");
                ExitCode::FAILURE
            }
        };
    }
    runtime.block_on(run(args))
}
