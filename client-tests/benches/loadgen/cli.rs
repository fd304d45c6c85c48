//! The command line (clap derive): every flag, its meaning, and the checks on its value, made
//! before anything runs. `cargo bench` adds `--bench` to a harness-less target's arguments;
//! it is accepted and means nothing.

use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use clap::error::ErrorKind;
use clap::{ArgAction, CommandFactory, Parser};

use crate::sections::{wanted, SECTIONS};

/// The cwlogs-emulator load generator (`make bench`): drives the emulator (or the server at
/// --url, or moto_server too) on this machine, prints a table and one JSON line, and fails if
/// an event comes back lost, duplicated, altered or out of order.
#[derive(Debug, Clone, Parser)]
#[command(name = "loadgen", bin_name = "loadgen", args_override_self = true)]
pub struct Args {
    /// A smoke run that finishes in seconds (CI runs it to catch a broken bench, never to
    /// judge timings).
    #[arg(long)]
    pub quick: bool,
    /// Drive the server running at URL (on this machine: http://127.0.0.1:PORT), reset before
    /// each section, instead of a fresh in-process emulator per section.
    #[arg(long, value_name = "URL", value_parser = local_url)]
    pub url: Option<String>,
    /// Also start moto_server (`PATH -H 127.0.0.1 -p PORT`), run the same workload against
    /// both servers, and print the ratios.
    #[arg(long, value_name = "PATH_TO_MOTO_SERVER")]
    pub compare_moto: Option<PathBuf>,
    /// Divide the event counts by N for the moto comparison (moto is slow at full size);
    /// --quick always compares at 1.
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = at_least_one)]
    pub moto_scale: usize,
    /// Run only these sections, comma-separated.
    #[arg(
        long,
        value_name = "SECTIONS",
        value_delimiter = ',',
        action = ArgAction::Set,
        value_parser = PossibleValuesParser::new(SECTIONS),
    )]
    pub only: Vec<String>,
    /// The emulator binary the cold-start section spawns (`make bench` builds and passes
    /// target/release/cwlogs-emulator). A full run with the cold section needs it; --quick
    /// without it shows that measure as n/a. cargo runs the bench from client-tests/, so a
    /// relative PATH is taken from there.
    #[arg(long, value_name = "PATH", env = "CWLOGS_BIN")]
    pub binary: Option<PathBuf>,
    /// The child side of the in-process memory section: store N events in a fresh emulator
    /// and print its RSS before and after (the bench runs itself with this).
    #[arg(long, value_name = "N", hide = true)]
    pub memory_probe: Option<usize>,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

impl Args {
    /// The command line, or a usage error (exit status 2) when it is bad.
    pub fn checked() -> Self {
        let args = Self::parse();
        if let Err((kind, message)) = args.check() {
            Self::command().error(kind, message).exit();
        }
        args
    }

    /// What no single flag can check: the cold section needs a binary in a full run.
    fn check(&self) -> Result<(), (ErrorKind, String)> {
        // The memory probe child runs one section and needs nothing else.
        if self.memory_probe.is_some() || !wanted(&self.only, "cold") {
            return Ok(());
        }
        match &self.binary {
            Some(path) if !path.is_file() => Err((
                ErrorKind::InvalidValue,
                format!(
                    "--binary / CWLOGS_BIN: {} is not a file (relative paths start at {})",
                    path.display(),
                    std::env::current_dir().unwrap_or_default().display()
                ),
            )),
            None if !self.quick => Err((
                ErrorKind::MissingRequiredArgument,
                "the cold-start section needs the emulator binary: --binary PATH or CWLOGS_BIN \
                 (`make bench` builds the release binary and passes it), or leave the section \
                 out with --only"
                    .to_owned(),
            )),
            _ => Ok(()),
        }
    }
}

/// `--url`: without a trailing slash, and on this machine only.
fn local_url(url: &str) -> Result<String, String> {
    let url = url.trim_end_matches('/');
    let local = ["http://127.0.0.1", "http://localhost", "http://[::1]"];
    if !local.iter().any(|p| url.starts_with(p)) {
        return Err("--url must point at this machine (http://127.0.0.1:PORT)".into());
    }
    Ok(url.to_owned())
}

/// `--moto-scale`: a whole number, at least 1.
fn at_least_one(n: &str) -> Result<usize, String> {
    n.parse()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| "--moto-scale takes a whole number >= 1".to_owned())
}
