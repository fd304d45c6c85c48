//! The `pattern`, `anomaly` and `diff` commands: rows in, the pattern engine
//! (`crate::patterns`) in the middle, one row per pattern out.
//!
//! A pattern row has the fields AWS returns (`@pattern`, `@ratio`, `@sampleCount`,
//! `@severityLabel`, `@PatternId`, `@regexString`, `@logSamples`, `@tokens`,
//! `@visualization`); the last three are JSON text. `anomaly` keeps the pattern rows that
//! the engine's rules flag, one row per finding, adding `@anomalyType`, `@description` and
//! `@priority`. `diff` compares the window's patterns with an earlier window's.

use serde_json::{json, Map, Value as Json};

use super::value::Value;
use crate::patterns::{Clusterer, Pattern, Window};

/// Buckets of `@visualization`; the last one is the "recent" part the anomaly rules use.
pub const BUCKETS: usize = 10;

/// The earlier window `diff` compares with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffPeriod {
    /// `diff`: the window of the same length just before.
    Previous,
    /// `diff previousDay`.
    Day,
    /// `diff previousWeek`.
    Week,
    /// `diff previousMonth` (30 days).
    Month,
    /// `logcompare timeshift <duration>`: the same window this many milliseconds earlier.
    Shift(i64),
}

impl DiffPeriod {
    /// The period named after `diff`, if it is one.
    pub fn named(word: &str) -> Option<Self> {
        Some(match word.to_ascii_lowercase().as_str() {
            "previousday" => Self::Day,
            "previousweek" => Self::Week,
            "previousmonth" => Self::Month,
            _ => return None,
        })
    }

    /// The earlier window for a query over `[start, end)`.
    pub fn earlier(self, start: i64, end: i64) -> (i64, i64) {
        const DAY: i64 = 86_400_000;
        let shift = match self {
            Self::Previous => end - start,
            Self::Day => DAY,
            Self::Week => 7 * DAY,
            Self::Month => 30 * DAY,
            Self::Shift(ms) => ms,
        };
        (start - shift, end - shift)
    }
}

/// `pattern` as rows arrive: the clusterer over the window of the query.
#[derive(Debug, Clone)]
pub struct PatternSink {
    current: Clusterer,
    /// `diff`'s clusterer over the earlier window, fed by [`PatternSink::add_earlier`].
    earlier: Option<Clusterer>,
}

fn window_of(start: i64, end: i64) -> Window {
    Window {
        start,
        end: end.max(start + 1),
        buckets: BUCKETS,
    }
}

impl PatternSink {
    /// A sink for a query over `[start, end)`; with `diff`, also for the earlier window.
    pub fn new(start: i64, end: i64, diff: Option<DiffPeriod>) -> Self {
        Self {
            current: Clusterer::new(window_of(start, end)),
            earlier: diff.map(|d| {
                let (s, e) = d.earlier(start, end);
                Clusterer::new(window_of(s, e))
            }),
        }
    }

    /// One row's text (rows without the field are not clustered, as AWS skips them).
    pub fn add(&mut self, timestamp: i64, text: &str) {
        self.current.add(timestamp, text);
    }

    /// One event of the earlier window (`diff`).
    pub fn add_earlier(&mut self, timestamp: i64, text: &str) {
        if let Some(earlier) = &mut self.earlier {
            earlier.add(timestamp, text);
        }
    }

    /// The rows: one per pattern, most members first; with `anomaly`, one per finding.
    pub fn finish(self, anomalies: bool) -> Vec<Row> {
        let patterns = self.current.finish();
        if let Some(earlier) = self.earlier {
            return diff_rows(patterns, earlier.finish());
        }
        if anomalies {
            return patterns
                .iter()
                .flat_map(|p| {
                    p.findings().iter().map(move |f| {
                        let mut record = row(p);
                        set(
                            &mut record,
                            "@anomalyType",
                            Value::Text(f.kind.name().into()),
                        );
                        set(
                            &mut record,
                            "@description",
                            Value::Text(f.description.clone()),
                        );
                        set(&mut record, "@priority", Value::Text(f.priority.into()));
                        record
                    })
                })
                .collect();
        }
        patterns.iter().map(row).collect()
    }
}

/// A result row: its fields in order.
pub type Row = Vec<(String, Value)>;

/// Sets a field of a row, replacing its value if it is there.
fn set(row: &mut Row, name: &str, value: Value) {
    match row.iter_mut().find(|(field, _)| field == name) {
        Some(slot) => slot.1 = value,
        None => row.push((name.to_owned(), value)),
    }
}

fn row(p: &Pattern) -> Row {
    let mut record = Row::new();
    set(&mut record, "@pattern", Value::Text(p.pattern.clone()));
    set(&mut record, "@ratio", Value::Number(p.ratio));
    set(&mut record, "@sampleCount", Value::Number(p.count as f64));
    set(
        &mut record,
        "@severityLabel",
        Value::Text(p.severity.label().into()),
    );
    set(&mut record, "@PatternId", Value::Text(p.id.clone()));
    set(&mut record, "@regexString", Value::Text(p.regex.clone()));
    set(
        &mut record,
        "@logSamples",
        Value::Text(log_samples(p).to_string()),
    );
    set(&mut record, "@tokens", Value::Text(tokens(p).to_string()));
    set(
        &mut record,
        "@visualization",
        Value::Text(visualization(p).to_string()),
    );
    record
}

/// `[{"timestamp": ms, "logEvent": message}, ...]`
fn log_samples(p: &Pattern) -> Json {
    Json::Array(
        p.samples
            .iter()
            .map(|(t, m)| json!({"timestamp": t, "logEvent": m}))
            .collect(),
    )
}

fn tokens(p: &Pattern) -> Json {
    Json::Array(
        p.tokens
            .iter()
            .map(|t| {
                let enumerations: Map<String, Json> = t
                    .enumerations
                    .iter()
                    .map(|(v, c)| (v.clone(), json!(c)))
                    .collect();
                json!({
                    "dynamicTokenPosition": t.position,
                    "tokenType": t.kind.name(),
                    "tokenString": t.token_string,
                    "isNumeric": t.numeric,
                    "isErrorCode": t.error_code,
                    "enumerations": enumerations,
                    "inferredTokenName": t.kind.name(),
                })
            })
            .collect(),
    )
}

/// `{"bucket start ms": count, ...}` over every bucket of the window.
fn visualization(p: &Pattern) -> Json {
    Json::Object(
        p.histogram
            .iter()
            .map(|(t, c)| (t.to_string(), json!(c)))
            .collect(),
    )
}

/// `diff`: every pattern of either window, with its counts in both and the change.
fn diff_rows(current: Vec<Pattern>, earlier: Vec<Pattern>) -> Vec<Row> {
    let mut rows = Vec::new();
    for p in &current {
        let before = earlier.iter().find(|e| e.pattern == p.pattern);
        let mut record = row(p);
        let previous = before.map_or(0, |b| b.count);
        set(
            &mut record,
            "@previousSampleCount",
            Value::Number(previous as f64),
        );
        set(
            &mut record,
            "@changeInSampleCount",
            Value::Number(p.count as f64 - previous as f64),
        );
        set(
            &mut record,
            "@changeRatio",
            match previous {
                0 => Value::Missing,
                n => Value::Number((p.count as f64 - n as f64) / n as f64),
            },
        );
        set(
            &mut record,
            "@diffStatus",
            Value::Text(if before.is_some() { "Existing" } else { "New" }.into()),
        );
        rows.push(record);
    }
    for e in earlier
        .iter()
        .filter(|e| !current.iter().any(|p| p.pattern == e.pattern))
    {
        let mut record = row(e);
        set(&mut record, "@sampleCount", Value::Number(0.0));
        set(&mut record, "@ratio", Value::Number(0.0));
        set(
            &mut record,
            "@previousSampleCount",
            Value::Number(e.count as f64),
        );
        set(
            &mut record,
            "@changeInSampleCount",
            Value::Number(-(e.count as f64)),
        );
        set(&mut record, "@changeRatio", Value::Number(-1.0));
        set(&mut record, "@diffStatus", Value::Text("Gone".into()));
        rows.push(record);
    }
    rows
}
