//! The results: each measure with its unit and note, the failed checks, the table a suite
//! prints and its JSON (keys `<measure>_<unit>`), and the number helpers (rates, percentiles,
//! thousands separators).

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    EventsPerSec,
    RequestsPerSec,
    Millis,
    BytesPerEvent,
    Times,
    BytesPerSession,
}

impl Unit {
    pub fn name(self) -> &'static str {
        match self {
            Unit::EventsPerSec => "events/s",
            Unit::RequestsPerSec => "req/s",
            Unit::Millis => "ms",
            Unit::BytesPerEvent => "B/event",
            Unit::Times => "x",
            Unit::BytesPerSession => "B/session",
        }
    }

    pub fn higher_is_better(self) -> bool {
        matches!(self, Unit::EventsPerSec | Unit::RequestsPerSec)
    }

    pub fn format(self, value: f64) -> String {
        match self {
            Unit::EventsPerSec | Unit::RequestsPerSec => thousands(value.round() as usize),
            Unit::Millis if value < 10.0 => format!("{value:.3}"),
            Unit::Millis if value < 100.0 => format!("{value:.2}"),
            Unit::Millis => format!("{value:.1}"),
            Unit::BytesPerEvent => format!("{value:.1}"),
            Unit::Times => format!("{value:.2}"),
            Unit::BytesPerSession => format!("{value:.0}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Metric {
    pub key: String,
    pub label: String,
    pub unit: Unit,
    pub value: Option<f64>,
    pub note: String,
}

/// Everything one suite measured, in table order.
#[derive(Debug, Default)]
pub struct Report {
    pub metrics: Vec<Metric>,
    /// Checks that failed (lost, duplicated or altered events; errors).
    pub failures: Vec<String>,
}

impl Report {
    /// A measure; a value that is not finite (no samples) shows as n/a.
    pub fn add(&mut self, key: &str, label: &str, unit: Unit, value: f64, note: impl Into<String>) {
        self.push(
            key,
            label,
            unit,
            value.is_finite().then_some(value),
            note.into(),
        );
    }

    /// A measure that could not be taken, and why.
    pub fn na(&mut self, key: &str, label: &str, unit: Unit, why: impl Into<String>) {
        self.push(key, label, unit, None, why.into());
    }

    fn push(&mut self, key: &str, label: &str, unit: Unit, value: Option<f64>, note: String) {
        self.metrics.push(Metric {
            key: key.to_owned(),
            label: label.to_owned(),
            unit,
            value,
            note,
        });
    }

    /// Two rows for latency `samples`: `{key}_p50` labelled `{label} p50` with `note`, and
    /// `{key}_p99` labelled `{label} p99`.
    pub fn percentiles(&mut self, key: &str, label: &str, samples: &[Duration], note: &str) {
        for (p, name, note) in [(50.0, "p50", note), (99.0, "p99", "")] {
            self.add(
                &format!("{key}_{name}"),
                &format!("{label} {name}"),
                Unit::Millis,
                percentile(samples, p),
                note,
            );
        }
    }

    /// The width of the label column: the longest label.
    pub fn label_width(&self) -> usize {
        self.metrics
            .iter()
            .map(|m| m.label.len())
            .max()
            .unwrap_or(10)
    }

    pub fn get(&self, key: &str) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.key == key)
    }

    pub fn to_json(&self) -> serde_json::Value {
        let metrics: serde_json::Map<String, serde_json::Value> = self
            .metrics
            .iter()
            .map(|m| {
                let key = format!("{}_{}", m.key, unit_suffix(m.unit));
                (key, m.value.map_or(serde_json::Value::Null, rounded))
            })
            .collect();
        serde_json::json!({"metrics": metrics, "failures": self.failures})
    }

    pub fn print(&self, title: &str) {
        println!("\n{title}");
        let width = self.label_width();
        println!("{:-<1$}", "", width + 40);
        for m in &self.metrics {
            let value = m.value.map_or("n/a".to_owned(), |v| m.unit.format(v));
            println!(
                "{:<width$}  {:>13} {:<8}  {}",
                m.label,
                value,
                m.unit.name(),
                m.note,
            );
        }
        for failure in &self.failures {
            println!("FAILED: {failure}");
        }
    }
}

pub fn unit_suffix(unit: Unit) -> &'static str {
    match unit {
        Unit::EventsPerSec => "events_per_s",
        Unit::RequestsPerSec => "req_per_s",
        Unit::Millis => "ms",
        Unit::BytesPerEvent => "bytes_per_event",
        Unit::Times => "x",
        Unit::BytesPerSession => "bytes_per_session",
    }
}

pub fn rounded(value: f64) -> serde_json::Value {
    let digits = if value.abs() >= 1000.0 { 0 } else { 4 };
    let factor = 10f64.powi(digits);
    serde_json::json!((value * factor).round() / factor)
}

pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn rate(count: usize, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64().max(1e-9)
}

/// The nearest-rank percentile `p` (0–100) of `samples`, in milliseconds.
pub fn percentile(samples: &[Duration], p: f64) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    let mut sorted = samples.to_vec();
    sorted.sort();
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    millis(sorted[rank.clamp(1, sorted.len()) - 1])
}
