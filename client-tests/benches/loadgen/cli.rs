//! The command line: the flags, their meaning, and which sections `--only` may name.

use std::path::PathBuf;

use crate::sections::SECTIONS;

#[derive(Debug, Clone)]
pub struct Args {
    pub quick: bool,
    pub url: Option<String>,
    pub compare_moto: Option<PathBuf>,
    pub moto_scale: usize,
    pub only: Vec<String>,
    pub memory_probe: Option<usize>,
}

pub const USAGE: &str =
    "usage: loadgen [--quick] [--url URL] [--compare-moto PATH_TO_MOTO_SERVER] \
[--moto-scale N] [--only put,flat,filter,streams,memory,sdk,cold]";

pub fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        quick: false,
        url: None,
        compare_moto: None,
        moto_scale: 10,
        only: Vec::new(),
        memory_probe: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            // cargo bench passes --bench to harness = false targets.
            "--bench" => {}
            "--quick" => args.quick = true,
            "--url" => args.url = Some(value("--url")?.trim_end_matches('/').to_owned()),
            "--compare-moto" => args.compare_moto = Some(PathBuf::from(value("--compare-moto")?)),
            "--moto-scale" => {
                args.moto_scale = value("--moto-scale")?
                    .parse()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or("--moto-scale takes a whole number >= 1")?;
            }
            "--only" => {
                args.only = value("--only")?.split(',').map(str::to_owned).collect();
                if let Some(bad) = args.only.iter().find(|s| !SECTIONS.contains(&s.as_str())) {
                    return Err(format!("unknown section {bad:?}\n{USAGE}"));
                }
            }
            "--memory-probe" => {
                args.memory_probe = Some(
                    value("--memory-probe")?
                        .parse()
                        .map_err(|_| "--memory-probe takes a count")?,
                );
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    if let Some(url) = &args.url {
        let local = ["http://127.0.0.1", "http://localhost", "http://[::1]"];
        if !local.iter().any(|p| url.starts_with(p)) {
            return Err("--url must point at this machine (http://127.0.0.1:PORT)".into());
        }
    }
    Ok(args)
}
