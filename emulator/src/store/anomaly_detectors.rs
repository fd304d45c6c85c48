//! Log anomaly detectors and the anomalies they find.
//!
//! A detector is evaluated on the emulator's clock, lazily (when its anomalies are read): at
//! every tick `T = created + k × frequency` it clusters the events of its log group in
//! `[T − (BASELINE_PERIODS + 1) × frequency, T)` with the pattern engine (`crate::patterns`),
//! the last period being the recent part, and applies the engine's anomaly rules (the same
//! the `anomaly` query command uses). Each flagged pattern is one anomaly per detector
//! (its id derived from the detector and the pattern id): `histogram` gains the recent
//! count at the period's start, `lastSeen` moves, `active` says whether the latest tick
//! flagged it. A detector is TRAINING until its first tick, then ANALYZING; PAUSED when
//! disabled (a paused detector skips its ticks).

use std::collections::BTreeMap;

use super::listing::{ListPage, Listing};
use super::resources::Resource;
use super::{LogGroup, Region};
use crate::error::{LogsError, LogsResult};
use crate::filter::FilterPattern;
use crate::limits;
use crate::patterns::{Clusterer, Pattern, Window};

/// Evaluation periods before the recent one that make the baseline.
pub const BASELINE_PERIODS: usize = 6;

/// Ticks evaluated at most per read (a clock moved by days skips the older ones).
const MAX_TICKS_PER_READ: i64 = 64;

/// A detector's record.
#[derive(Debug, Clone)]
pub struct AnomalyDetector {
    /// `arn:aws:logs:<region>:<account>:anomaly-detector:<uuid>`.
    pub arn: String,
    /// Its name (optional in AWS).
    pub name: Option<String>,
    /// The log group it watches.
    pub log_group_arns: Vec<String>,
    /// ONE_MIN ... ONE_HOUR.
    pub evaluation_frequency: String,
    /// Only events matching it are clustered.
    pub filter_pattern: Option<String>,
    /// Stored, nothing is encrypted.
    pub kms_key_id: Option<String>,
    /// Days an anomaly stays listed after it was last seen.
    pub anomaly_visibility_time: i64,
    /// Whether it runs.
    pub enabled: bool,
    /// Epoch ms.
    pub creation_time: i64,
    /// Epoch ms.
    pub last_modified_time: i64,
    /// Tags.
    pub tags: BTreeMap<String, String>,
    /// The last tick evaluated.
    pub evaluated_until: i64,
    /// Anomalies by anomaly id.
    pub anomalies: BTreeMap<String, Anomaly>,
    /// Pattern ids whose anomalies are suppressed (UpdateAnomaly with `patternId`).
    pub suppressed_patterns: BTreeMap<String, Suppression>,
}

/// How an anomaly or pattern is suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suppression {
    /// When it was suppressed, epoch ms.
    pub since: i64,
    /// Until when (0: without end).
    pub until: i64,
}

/// One anomaly.
#[derive(Debug, Clone)]
pub struct Anomaly {
    /// 36 characters, stable for a detector and pattern.
    pub id: String,
    /// The pattern engine's id (32 hex digits).
    pub pattern_id: String,
    /// The pattern with its tokens.
    pub pattern_string: String,
    /// A regex its events match.
    pub pattern_regex: String,
    /// HIGH, MEDIUM or LOW.
    pub priority: String,
    /// Start of the first period it was seen in, epoch ms.
    pub first_seen: i64,
    /// Start of the last period it was seen in.
    pub last_seen: i64,
    /// What the rules said.
    pub description: String,
    /// Flagged by the latest evaluation.
    pub active: bool,
    /// Marked as normal (UpdateAnomaly `baseline`).
    pub baseline: bool,
    /// Suppressed on its own (not through its pattern).
    pub suppression: Option<Suppression>,
    /// Period start → events of the pattern in that period.
    pub histogram: BTreeMap<i64, u64>,
    /// `(timestamp, message)`.
    pub samples: Vec<(i64, String)>,
    /// `(dynamic position or 0, dynamic, token text, values)` per word of the pattern.
    pub tokens: Vec<PatternToken>,
    /// The detector's log groups.
    pub log_group_arns: Vec<String>,
}

/// One word of an anomaly's pattern.
#[derive(Debug, Clone)]
pub struct PatternToken {
    /// 1-based among dynamic tokens; 0 for a literal word (as AWS shows them).
    pub position: usize,
    /// Whether it varies.
    pub dynamic: bool,
    /// The word, or `<Type-N>`.
    pub text: String,
    /// The values seen, with counts (dynamic tokens).
    pub enumerations: Vec<(String, u64)>,
    /// The type's name (dynamic tokens).
    pub inferred_name: Option<String>,
}

impl Resource for AnomalyDetector {
    const LISTING: &'static str = "ListLogAnomalyDetectors";
    const LIMIT: usize = limits::MAX_ANOMALY_DETECTORS;

    fn key(&self) -> &str {
        &self.arn
    }

    fn not_found() -> LogsError {
        LogsError::ResourceNotFound("The specified anomaly detector does not exist.".into())
    }
}

/// An evaluation frequency in milliseconds (`None` for an unknown name).
pub fn frequency_millis(name: &str) -> Option<i64> {
    const MINUTE: i64 = 60_000;
    Some(match name {
        "ONE_MIN" => MINUTE,
        "FIVE_MIN" => 5 * MINUTE,
        "TEN_MIN" => 10 * MINUTE,
        "FIFTEEN_MIN" => 15 * MINUTE,
        "THIRTY_MIN" => 30 * MINUTE,
        "ONE_HOUR" => 60 * MINUTE,
        _ => return None,
    })
}

impl AnomalyDetector {
    /// TRAINING before its first evaluation, ANALYZING after, PAUSED when disabled.
    pub fn status(&self, now: i64) -> &'static str {
        let frequency = frequency_millis(&self.evaluation_frequency).unwrap_or(300_000);
        if !self.enabled {
            "PAUSED"
        } else if now < self.creation_time + frequency {
            "TRAINING"
        } else {
            "ANALYZING"
        }
    }

    /// The suppression in force for an anomaly at `now`, its own or its pattern's, and
    /// whether it is the pattern's.
    pub fn suppression_of(&self, anomaly: &Anomaly, now: i64) -> Option<(Suppression, bool)> {
        let live = |s: &Suppression| s.until == 0 || s.until > now;
        if let Some(s) = anomaly.suppression.filter(live) {
            return Some((s, false));
        }
        self.suppressed_patterns
            .get(&anomaly.pattern_id)
            .filter(|s| live(s))
            .map(|s| (*s, true))
    }
}

/// A 36-character id for a detector's anomaly on a pattern, in UUID form.
fn anomaly_id(detector_arn: &str, pattern_id: &str) -> String {
    let hex = crate::patterns::pattern_id(&format!("{detector_arn}\n{pattern_id}"));
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The words of a pattern as AWS's `patternTokens` lists them.
fn pattern_tokens(pattern: &Pattern) -> Vec<PatternToken> {
    pattern
        .pattern
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(
            |word| match pattern.tokens.iter().find(|t| t.token_string == word) {
                Some(token) => PatternToken {
                    position: token.position,
                    dynamic: true,
                    text: word.to_owned(),
                    enumerations: token.enumerations.clone(),
                    inferred_name: Some(token.kind.name().to_owned()),
                },
                None => PatternToken {
                    position: 0,
                    dynamic: false,
                    text: word.to_owned(),
                    enumerations: Vec::new(),
                    inferred_name: None,
                },
            },
        )
        .collect()
}

impl Region {
    /// The region's anomaly detectors.
    pub fn anomaly_detectors(&self) -> &super::resources::ResourceTable<AnomalyDetector> {
        &self.anomaly_detectors
    }

    /// The ARN of a new detector.
    pub fn anomaly_detector_arn(&self) -> String {
        format!(
            "arn:{}:logs:{}:{}:anomaly-detector:{}",
            self.partition(),
            self.name,
            self.env.account_id,
            self.env.ids.uuid()
        )
    }

    /// Whether [`Self::evaluate_anomaly_detectors`] has ticks to run: a read that evaluates
    /// changes state then, and is journaled (`--data-dir`) as that evaluation.
    pub fn anomaly_ticks_due(&self, only: Option<&str>) -> bool {
        let now = self.env.now();
        self.anomaly_detectors.all().iter().any(|detector| {
            if only.is_some_and(|arn| arn != detector.arn) || !detector.enabled {
                return false;
            }
            frequency_millis(&detector.evaluation_frequency).is_some_and(|frequency| {
                (now - detector.creation_time) / frequency
                    > (detector.evaluated_until - detector.creation_time) / frequency
            })
        })
    }

    /// Runs the ticks of every detector (or the one named) that are due on the clock; returns
    /// the ARNs of the detectors it evaluated (whose anomalies may have changed).
    pub fn evaluate_anomaly_detectors(&self, only: Option<&str>) -> Vec<String> {
        let now = self.env.now();
        let mut evaluated = Vec::new();
        for detector in self.anomaly_detectors.all() {
            if only.is_some_and(|arn| arn != detector.arn) || !detector.enabled {
                continue;
            }
            let Some(frequency) = frequency_millis(&detector.evaluation_frequency) else {
                continue;
            };
            let due = (now - detector.creation_time) / frequency;
            let done = (detector.evaluated_until - detector.creation_time) / frequency;
            if due <= done {
                continue;
            }
            let groups: Vec<std::sync::Arc<LogGroup>> = detector
                .log_group_arns
                .iter()
                .filter_map(|arn| {
                    let name = arn.rsplit_once(":log-group:")?.1.trim_end_matches(":*");
                    self.group(name).ok()
                })
                .collect();
            let filter = detector
                .filter_pattern
                .as_deref()
                .filter(|p| !p.is_empty())
                .and_then(|p| FilterPattern::parse(p).ok());
            let first = (done + 1).max(due - MAX_TICKS_PER_READ + 1);
            let mut ticks = Vec::new();
            for k in first..=due {
                let tick = detector.creation_time + k * frequency;
                let window = Window {
                    start: tick - frequency * (BASELINE_PERIODS as i64 + 1),
                    end: tick,
                    buckets: BASELINE_PERIODS + 1,
                };
                let mut clusterer = Clusterer::new(window);
                for group in &groups {
                    group.scan(window.start.max(0), window.end.max(0), false, |_, view| {
                        if filter.as_ref().is_none_or(|f| f.matches(view.message)) {
                            clusterer.add(view.key.timestamp, view.message);
                        }
                        true
                    });
                }
                ticks.push((tick, frequency, clusterer.finish()));
            }
            let updated = self.anomaly_detectors.update(&detector.arn, |d| {
                for (tick, frequency, patterns) in ticks {
                    record_tick(d, tick, frequency, &patterns);
                }
                d.evaluated_until = detector.creation_time + due * frequency;
            });
            if updated.is_ok() {
                evaluated.push(detector.arn);
            }
        }
        evaluated
    }

    /// Puts back what an evaluation left in a detector (`--data-dir`: its journaled result,
    /// which a replay applies instead of evaluating again over events that a compacted
    /// journal restores only later).
    pub fn restore_anomaly_evaluation(
        &self,
        arn: &str,
        evaluated_until: i64,
        anomalies: BTreeMap<String, Anomaly>,
    ) -> LogsResult<()> {
        self.anomaly_detectors.update(arn, |d| {
            d.evaluated_until = evaluated_until;
            d.anomalies = anomalies;
        })
    }

    /// One page of anomalies (of one detector or all), in detector then id order.
    pub fn anomalies_page(
        &self,
        detector: Option<&str>,
        suppressed: Option<bool>,
        token: Option<&str>,
        limit: usize,
    ) -> ListPage<(AnomalyDetector, Anomaly)> {
        let now = self.env.now();
        let mut all: BTreeMap<String, (AnomalyDetector, Anomaly)> = BTreeMap::new();
        for d in self.anomaly_detectors.all() {
            if detector.is_some_and(|arn| arn != d.arn) {
                continue;
            }
            let visible_from = now - d.anomaly_visibility_time * 86_400_000;
            for a in d.anomalies.values() {
                if a.last_seen < visible_from {
                    continue;
                }
                let is_suppressed = d.suppression_of(a, now).is_some();
                if suppressed.is_some_and(|s| s != is_suppressed) {
                    continue;
                }
                all.insert(format!("{}\n{}", d.arn, a.id), (d.clone(), a.clone()));
            }
        }
        Listing::new("ListAnomalies", self.fingerprint()).page_of_names(
            &all,
            "",
            token,
            limit,
            false,
            |_, v| Some(v.clone()),
        )
    }
}

/// Takes one tick's patterns into the detector's anomalies.
fn record_tick(d: &mut AnomalyDetector, tick: i64, frequency: i64, patterns: &[Pattern]) {
    let period = tick - frequency;
    for anomaly in d.anomalies.values_mut() {
        anomaly.active = false;
    }
    for pattern in patterns {
        let findings = pattern.findings();
        let Some(first) = findings.first() else {
            continue;
        };
        let id = anomaly_id(&d.arn, &pattern.id);
        let suppressed = d
            .suppressed_patterns
            .get(&pattern.id)
            .is_some_and(|s| s.until == 0 || s.until > tick);
        let priority = findings
            .iter()
            .map(|f| f.priority)
            .min_by_key(|p| match *p {
                "HIGH" => 0,
                "MEDIUM" => 1,
                _ => 2,
            })
            .unwrap_or("LOW");
        let recent_samples: Vec<(i64, String)> = pattern
            .samples
            .iter()
            .filter(|(t, _)| *t >= period)
            .cloned()
            .collect();
        let samples = if recent_samples.is_empty() {
            pattern.samples.clone()
        } else {
            recent_samples
        };
        let entry = d.anomalies.entry(id.clone()).or_insert_with(|| Anomaly {
            id,
            pattern_id: pattern.id.clone(),
            pattern_string: pattern.pattern.clone(),
            pattern_regex: pattern.regex.clone(),
            priority: priority.to_owned(),
            first_seen: period,
            last_seen: period,
            description: first.description.clone(),
            active: true,
            baseline: false,
            suppression: None,
            histogram: BTreeMap::new(),
            samples: Vec::new(),
            tokens: Vec::new(),
            log_group_arns: d.log_group_arns.clone(),
        });
        // A suppressed anomaly is not updated with new data (UpdateAnomaly's documentation).
        let own = entry
            .suppression
            .is_some_and(|s| s.until == 0 || s.until > tick);
        if suppressed || own || entry.baseline {
            continue;
        }
        entry.active = true;
        entry.last_seen = period;
        entry.priority = priority.to_owned();
        entry.description = first.description.clone();
        entry.histogram.insert(period, pattern.recent);
        entry.samples = samples;
        entry.tokens = pattern_tokens(pattern);
    }
}
