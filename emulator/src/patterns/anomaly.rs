//! The anomaly rules: the five kinds AWS's `anomaly` command documents, as simple rules a
//! test can provoke. A window is cut into buckets; the last bucket is the *recent* part,
//! the others the *baseline* (B buckets). ARCHITECTURE.md lists the same rules.
//!
//! - **PatternFrequency**: the pattern has baseline members, and recent ≥ 10 and recent >
//!   3 × (baseline members / B).
//! - **NewPattern**: recent members and no baseline member (B ≥ 1), while other patterns
//!   had baseline members (otherwise every pattern would be new).
//! - **TokenVariation**: a non-numeric dynamic token of a pattern with baseline members,
//!   whose baseline had at most 10 distinct values (all kept), shows a value in the recent
//!   part that the baseline never had.
//! - **NumericToken**: a numeric token that is not an HTTP status, with at least 3 baseline
//!   values, has a recent value above mean + 3 × max(stddev, 10 % of |mean|, 1).
//! - **HttpErrorCode**: an HTTP status token (every value an integer 100–599) has a 4xx/5xx
//!   value seen at least 3 times in the recent part and more than 3 × its baseline count / B.

use super::{Pattern, TokenStats, Window};

/// The five kinds of anomaly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AnomalyKind {
    /// A pattern's rate jumped.
    PatternFrequency,
    /// A pattern not seen before.
    NewPattern,
    /// A token took a value not seen before.
    TokenVariation,
    /// A numeric token went far above its usual values.
    NumericToken,
    /// An HTTP error status rose.
    HttpErrorCode,
}

impl AnomalyKind {
    /// The name the `anomaly` command writes in `@anomalyType`.
    pub fn name(self) -> &'static str {
        match self {
            Self::PatternFrequency => "PatternFrequency",
            Self::NewPattern => "NewPattern",
            Self::TokenVariation => "TokenVariation",
            Self::NumericToken => "NumericToken",
            Self::HttpErrorCode => "HttpErrorCode",
        }
    }
}

/// One anomaly found in a pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Which rule.
    pub kind: AnomalyKind,
    /// A sentence saying what changed.
    pub description: String,
    /// HIGH, MEDIUM or LOW.
    pub priority: &'static str,
}

const MIN_FREQUENCY_RECENT: u64 = 10;
const FACTOR: f64 = 3.0;
const MAX_ENUMERATED_BASELINE: usize = 10;
const MIN_NUMERIC_BASELINE: u64 = 3;
const MIN_ERROR_CODES: u64 = 3;

/// The rules on a token's statistics (run while they are at hand).
pub(super) fn token_findings(pattern: &Pattern, stats: &[TokenStats]) -> Vec<Finding> {
    let mut out = Vec::new();
    let baseline_members = pattern.count - pattern.recent;
    if baseline_members == 0 || pattern.recent == 0 {
        return out;
    }
    let periods = (pattern.histogram.len().max(2) - 1) as f64;
    for (token, stats) in pattern.tokens.iter().zip(stats) {
        let name = &token.token_string;
        if !stats.numeric {
            let baseline_values = stats.values.values().filter(|(c, r)| c > r).count();
            if stats.overflow == 0 && baseline_values <= MAX_ENUMERATED_BASELINE {
                let mut new: Vec<&str> = stats
                    .values
                    .iter()
                    .filter(|(_, (c, r))| *r > 0 && c == r)
                    .map(|(v, _)| &**v)
                    .collect();
                new.sort_unstable();
                if !new.is_empty() {
                    out.push(Finding {
                        kind: super::AnomalyKind::TokenVariation,
                        description: format!("{name} has new values: {}", new.join(", ")),
                        priority: "LOW",
                    });
                }
            }
        } else if stats.http_status {
            let mut codes: Vec<(&str, u64, u64)> = stats
                .values
                .iter()
                .filter(|(v, _)| v.parse::<f64>().is_ok_and(|x| x >= 400.0))
                .map(|(v, (c, r))| (&**v, c - r, *r))
                .filter(|(_, b, r)| {
                    *r >= MIN_ERROR_CODES && *r as f64 > FACTOR * *b as f64 / periods
                })
                .collect();
            codes.sort_unstable();
            for (code, baseline, recent) in codes {
                out.push(Finding {
                    kind: AnomalyKind::HttpErrorCode,
                    description: format!(
                        "HTTP status {code} in {name} rose to {recent} from {baseline} before"
                    ),
                    priority: "HIGH",
                });
            }
        } else if stats.baseline.n >= MIN_NUMERIC_BASELINE && stats.recent.n > 0 {
            let mean = stats.baseline.mean();
            let spread = stats.baseline.stddev().max(0.1 * mean.abs()).max(1.0);
            let limit = mean + FACTOR * spread;
            if stats.recent.max > limit {
                out.push(Finding {
                    kind: AnomalyKind::NumericToken,
                    description: format!(
                        "{name} reached {} against a usual {mean:.2} (limit {limit:.2})",
                        stats.recent.max
                    ),
                    priority: "MEDIUM",
                });
            }
        }
    }
    out
}

/// Every rule for a finished pattern: the pattern-level ones, then its token findings.
pub(super) fn evaluate(pattern: &Pattern, window: Window, any_baseline: bool) -> Vec<Finding> {
    let mut out = Vec::new();
    let periods = window.buckets.saturating_sub(1);
    let baseline = pattern.count - pattern.recent;
    if periods >= 1 && pattern.recent > 0 {
        let mean = baseline as f64 / periods as f64;
        if baseline == 0 {
            if !any_baseline {
                return out;
            }
            out.push(Finding {
                kind: AnomalyKind::NewPattern,
                description: format!(
                    "New pattern seen {} times in the latest period",
                    pattern.recent
                ),
                priority: if pattern.severity == super::Severity::Error {
                    "HIGH"
                } else {
                    "MEDIUM"
                },
            });
        } else if pattern.recent >= MIN_FREQUENCY_RECENT && pattern.recent as f64 > FACTOR * mean {
            out.push(Finding {
                kind: AnomalyKind::PatternFrequency,
                description: format!(
                    "Count of the pattern rose to {} in the latest period from an average of {mean:.2}",
                    pattern.recent
                ),
                priority: if pattern.severity == super::Severity::Error {
                    "HIGH"
                } else {
                    "MEDIUM"
                },
            });
        }
    }
    out.extend(pattern.findings.iter().cloned());
    out
}
