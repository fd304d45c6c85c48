//! `--compare-moto`: the same workload, scaled down, against the emulator and moto_server, and
//! the table and JSON of their ratios.

use crate::cli::Args;
use crate::moto::{moto_version, start_moto, stop_moto};
use crate::report::{percentile, rounded, unit_suffix, Metric, Report, Unit};
use crate::sections::cold::BINARY_LABEL;
use crate::sections::{run_suite, wanted};
use crate::sizes::{sizes_json, Sizes};
use crate::target::Target;
use crate::{BoxError, Res};

/// The comparison: the scaled workload against the emulator and moto, and their ratios.
pub struct Comparison {
    pub moto_version: String,
    pub scale: usize,
    pub sizes: Sizes,
    pub emulator: Report,
    pub moto: Report,
}

impl Comparison {
    pub fn ratios(&self) -> Vec<(&Metric, Option<&Metric>, Option<f64>)> {
        self.emulator
            .metrics
            .iter()
            .map(|e| {
                let m = self.moto.get(&e.key);
                let ratio = match (e.value, m.and_then(|m| m.value)) {
                    (Some(e), Some(m)) if m != 0.0 => Some(e / m),
                    _ => None,
                };
                (e, m, ratio)
            })
            .collect()
    }

    pub fn print(&self) {
        println!(
            "\nemulator vs moto_server {}: the same workload against both, scaled 1/{} for moto's \
             sake ({})",
            self.moto_version,
            self.scale,
            self.sizes.describe()
        );
        println!(
            "(scaled because moto puts ~170k and pages ~50k events/s at full size, re-sorting the \
             stream on every GetLogEvents; rates and latencies compare, sizes are equal on both sides)"
        );
        let width = self.emulator.label_width();
        println!(
            "{:<width$}  {:>13}  {:>13}  {:<8}  {:>13}  better",
            "measure", "emulator", "moto", "unit", "emulator/moto"
        );
        println!("{:-<1$}", "", width + 75);
        for (e, m, ratio) in self.ratios() {
            let show = |v: Option<f64>| v.map_or("n/a".to_owned(), |v| e.unit.format(v));
            let better = ratio.map_or(String::new(), |r| {
                if e.unit == Unit::Times {
                    String::new()
                } else if e.unit.higher_is_better() {
                    format!("{r:.1}x")
                } else {
                    format!("{:.1}x", 1.0 / r)
                }
            });
            println!(
                "{:<width$}  {:>13}  {:>13}  {:<8}  {:>13}  {better}",
                e.label,
                show(e.value),
                show(m.and_then(|m| m.value)),
                e.unit.name(),
                ratio.map_or("n/a".to_owned(), |r| format!("{r:.3}")),
            );
        }
        for failure in self.emulator.failures.iter().chain(&self.moto.failures) {
            println!("FAILED: {failure}");
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        let ratios: serde_json::Map<String, serde_json::Value> = self
            .ratios()
            .into_iter()
            .map(|(e, _, r)| {
                (
                    format!("{}_{}", e.key, unit_suffix(e.unit)),
                    r.map_or(serde_json::Value::Null, rounded),
                )
            })
            .collect();
        serde_json::json!({
            "moto_version": self.moto_version,
            "moto_scale": self.scale,
            "sizes": sizes_json(&self.sizes),
            "emulator": self.emulator.to_json(),
            "moto": self.moto.to_json(),
            "ratio_emulator_over_moto": ratios,
        })
    }
}

pub async fn compare_with_moto(
    path: &std::path::Path,
    args: &Args,
    sizes: Sizes,
    target: &Target,
    main: &Report,
) -> Res<Comparison> {
    let scale = if args.quick { 1 } else { args.moto_scale };
    let sizes = if scale > 1 {
        sizes.scaled(scale)
    } else {
        sizes
    };
    eprintln!("starting moto_server ({})...", path.display());
    let mut cold = Vec::new();
    let mut moto = None;
    for _ in 0..if args.quick { 1 } else { 3 } {
        if let Some(previous) = moto.take() {
            stop_moto(previous).await;
        }
        let (started, elapsed) = start_moto(path).await?;
        cold.push(elapsed);
        moto = Some(started);
    }
    let moto = moto.ok_or("moto did not start")?;
    let pid = moto.child.id();
    let moto_target = Target::External {
        name: "moto".into(),
        url: moto.url.clone(),
        pid,
    };
    let result = async {
        let mut emulator = run_suite(target, &sizes, &args.only, None, false).await;
        let mut moto_report = run_suite(&moto_target, &sizes, &args.only, None, false).await;
        if wanted(&args.only, "cold") {
            if let Some(binary) = main.get("cold_binary") {
                emulator.metrics.push(binary.clone());
            }
            moto_report.add(
                "cold_binary",
                BINARY_LABEL,
                Unit::Millis,
                percentile(&cold, 50.0),
                format!("moto_server: median of {} starts", cold.len()),
            );
        }
        Ok::<_, BoxError>((emulator, moto_report))
    }
    .await;
    stop_moto(moto).await;
    let (emulator, moto) = result?;
    Ok(Comparison {
        moto_version: moto_version(path).await,
        scale,
        sizes,
        emulator,
        moto,
    })
}
