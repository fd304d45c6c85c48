//! The sections, one module per measure, and the suite that runs the wanted ones against a
//! target, each timed on stderr, an error in one recorded as a failure while the rest run.

pub mod cold;
pub mod durable;
pub mod filter;
pub mod flat;
pub mod insights;
pub mod live_tail;
pub mod memory;
pub mod put;
pub mod sdk;
pub mod streams;
pub mod subscriptions;

use std::path::Path;
use std::time::Instant;

use crate::report::Report;
use crate::sizes::Sizes;
use crate::target::Target;

/// The sections `--only` may name.
pub const SECTIONS: [&str; 11] = [
    "put",
    "flat",
    "filter",
    "streams",
    "memory",
    "sdk",
    "cold",
    "insights",
    "subscriptions",
    "live_tail",
    "durable",
];

/// Whether `--only` (empty: everything) asks for `section`.
pub fn wanted(only: &[String], section: &str) -> bool {
    only.is_empty() || only.iter().any(|s| s == section)
}

/// Runs every wanted section against `target` (the cold-start one only if `cold`, spawning
/// `binary`). A section that errors is recorded as a failure and the others still run.
pub async fn run_suite(
    target: &Target,
    sizes: &Sizes,
    only: &[String],
    binary: Option<&Path>,
    cold: bool,
) -> Report {
    let mut report = Report::default();
    macro_rules! section {
        ($name:literal, $call:expr) => {
            if wanted(only, $name) {
                eprintln!("[{}] {} ...", target.name(), $name);
                let started = Instant::now();
                let result = Box::pin($call).await;
                if let Err(e) = result {
                    report.failures.push(format!("{} section: {e}", $name));
                }
                eprintln!(
                    "[{}] {} done in {:.1} s",
                    target.name(),
                    $name,
                    started.elapsed().as_secs_f64()
                );
            }
        };
    }
    // Memory first: its child process is fresh either way, but an external server is not.
    section!("memory", memory::run(target, sizes, &mut report));
    section!("put", put::run(target, sizes, &mut report));
    section!("flat", flat::run(target, sizes, &mut report));
    section!("filter", filter::run(target, sizes, &mut report));
    section!("streams", streams::run(target, sizes, &mut report));
    section!("sdk", sdk::run(target, sizes, &mut report));
    section!("insights", insights::run(target, sizes, &mut report));
    section!(
        "subscriptions",
        subscriptions::run(target, sizes, &mut report)
    );
    section!(
        "live_tail",
        live_tail::run(target, sizes, binary, &mut report)
    );
    section!("durable", durable::run(target, sizes, &mut report));
    if cold {
        section!("cold", cold::run(sizes, binary, &mut report));
    }
    report
}
