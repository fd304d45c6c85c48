//! Fault injection: rules that make chosen requests fail the way a network or AWS can, so a
//! client's retry path can be tested. A server-level layer: it sees the operation and the raw
//! body before any handler runs, and knows nothing of the store.
//!
//! A rule matches an operation (or `*`), optionally a log group name or name prefix read from
//! the request body (`logGroupName`, or the name in `logGroupIdentifier`). Its action is an AWS
//! error (code, status, body), a bare HTTP status, added latency, or a connection dropped
//! before the response. Its schedule says which of the matching requests it fires on: every
//! one, the first N, every Nth, or each with a probability drawn from a seeded generator, so a
//! run is reproducible.
//!
//! Rules are tried in the order they were added. Every rule that matches counts the request;
//! latency rules that fire add up; the first error, status or drop rule that fires decides the
//! answer, and the rules after it do not see the request.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

use crate::protocol::{Operation, ALL_OPERATIONS};

/// The longest latency a rule may add (AWS SDKs time out well before).
pub const MAX_FAULT_LATENCY: Duration = Duration::from_secs(600);
/// Most rules held at once; past it adding one is refused.
pub const MAX_FAULT_RULES: usize = 1_000;
/// The message of an injected `ThrottlingException` when the rule gives none: AWS's.
pub const THROTTLING_MESSAGE: &str = "Rate exceeded";

/// One fault-injection rule, as `POST /_cwlogs/faults` and `--faults FILE` take it (JSON,
/// camelCase members).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultRule {
    /// The operation it applies to (`PutLogEvents`), or `*` for every operation.
    pub operation: String,
    /// Only requests naming exactly this log group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group_name: Option<String>,
    /// Only requests naming a log group that starts with this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group_name_prefix: Option<String>,
    /// What happens to a request it fires on.
    pub action: FaultAction,
    /// Which of the matching requests it fires on (default: every one).
    #[serde(default)]
    pub schedule: FaultSchedule,
}

/// What a rule does to a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", deny_unknown_fields)]
pub enum FaultAction {
    /// An AWS error: `{"__type": code, "message": ...}` with `X-Amzn-ErrorType`, as AWS sends
    /// it. The status defaults to the one AWS uses for the code (see [`default_status`]).
    Error {
        /// The error code, e.g. `ThrottlingException`, `ServiceUnavailableException`.
        code: String,
        /// The message (default: `Rate exceeded` for ThrottlingException, else a note that the
        /// fault was injected).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
        /// The HTTP status, when not the code's usual one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
    },
    /// A bare HTTP status with an empty body (what a proxy or load balancer may answer).
    Status {
        /// The status, 100 to 599.
        status: u16,
    },
    /// The request is answered normally, this much later.
    Latency {
        /// Milliseconds added.
        millis: u64,
    },
    /// The connection is closed without an answer. With `process` (the default) the request
    /// is carried out first, so the client cannot tell whether it was: the case a retry must
    /// survive; without it, nothing is done.
    Drop {
        /// Whether the request is carried out before the connection is dropped.
        #[serde(default = "yes")]
        process: bool,
    },
}

fn yes() -> bool {
    true
}

/// Which of a rule's matching requests it fires on.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", deny_unknown_fields)]
pub enum FaultSchedule {
    /// Every matching request.
    #[default]
    Always,
    /// The first `count` matching requests, then never again.
    First {
        /// How many.
        count: u64,
    },
    /// The `nth`, `2 × nth`, ... matching request.
    Every {
        /// The period, at least 1.
        nth: u64,
    },
    /// Each matching request with this probability, drawn from a generator seeded with
    /// `seed`: the same requests in the same order meet the same faults.
    Probability {
        /// Between 0 and 1.
        probability: f64,
        /// The generator's seed (default 0).
        #[serde(default)]
        seed: u64,
    },
}

/// A rule as `GET /_cwlogs/faults` lists it: the rule, its id and its counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultStatus {
    /// The rule's id (in the order added, from 1).
    pub id: u64,
    /// The rule.
    #[serde(flatten)]
    pub rule: FaultRule,
    /// Requests it matched (operation and log group).
    pub matched: u64,
    /// Requests it fired on.
    pub hits: u64,
}

/// A rule that cannot be used, with why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidFaultRule(pub String);

/// The HTTP status AWS answers `code` with: 500 for the service's own failures, 503 for
/// `ServiceUnavailable`/`SlowDown`-style codes without the `Exception` suffix, 408 and 413 for
/// the two framing errors, 400 for everything else (ThrottlingException included: CloudWatch
/// Logs sends it as a client error, which the model's `ThrottlingException` shape, not a
/// fault, agrees with). `ServiceUnavailableException` is 500, as [`crate::LogsError`] sends it.
pub fn default_status(code: &str) -> u16 {
    match code {
        "ServiceUnavailableException"
        | "InternalFailure"
        | "InternalServerError"
        | "InternalServerException"
        | "InternalError" => 500,
        "ServiceUnavailable" | "SlowDown" => 503,
        "RequestTimeoutException" | "RequestTimeout" => 408,
        "RequestEntityTooLargeException" => 413,
        _ => 400,
    }
}

impl FaultRule {
    /// A rule answering `operation` with the AWS error `code`, on every request.
    pub fn error(operation: impl Into<String>, code: impl Into<String>) -> Self {
        Self::new(
            operation,
            FaultAction::Error {
                code: code.into(),
                message: None,
                status: None,
            },
        )
    }

    /// A rule with `action` on every request to `operation`.
    pub fn new(operation: impl Into<String>, action: FaultAction) -> Self {
        Self {
            operation: operation.into(),
            log_group_name: None,
            log_group_name_prefix: None,
            action,
            schedule: FaultSchedule::Always,
        }
    }

    /// Fires on the first `count` matching requests only.
    pub fn first(mut self, count: u64) -> Self {
        self.schedule = FaultSchedule::First { count };
        self
    }

    /// Fires on every `nth` matching request.
    pub fn every(mut self, nth: u64) -> Self {
        self.schedule = FaultSchedule::Every { nth };
        self
    }

    /// Fires with `probability`, from a generator seeded with `seed`.
    pub fn probability(mut self, probability: f64, seed: u64) -> Self {
        self.schedule = FaultSchedule::Probability { probability, seed };
        self
    }

    /// Only for requests naming the log group `name`.
    pub fn log_group(mut self, name: impl Into<String>) -> Self {
        self.log_group_name = Some(name.into());
        self
    }

    /// Only for requests naming a log group that starts with `prefix`.
    pub fn log_group_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.log_group_name_prefix = Some(prefix.into());
        self
    }

    /// Checks the rule: a real operation, a usable code and status, a schedule that can fire.
    pub fn validate(&self) -> Result<(), InvalidFaultRule> {
        let bad = |why: String| Err(InvalidFaultRule(why));
        if self.operation != "*" && !ALL_OPERATIONS.contains(&self.operation.as_str()) {
            return bad(format!(
                "operation {:?} is not a CloudWatch Logs operation (or \"*\")",
                self.operation
            ));
        }
        match &self.action {
            FaultAction::Error { code, status, .. } => {
                let token = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':');
                if code.is_empty() || code.len() > 128 || !code.chars().all(token) {
                    return bad(format!(
                        "error code {code:?} must be 1 to 128 letters, digits, '_', '.' or ':'"
                    ));
                }
                if let Some(status) = status {
                    if !(400..=599).contains(status) {
                        return bad(format!(
                            "an error's status must be 400 to 599, not {status}"
                        ));
                    }
                }
            }
            FaultAction::Status { status } => {
                if !(100..=599).contains(status) {
                    return bad(format!("status must be 100 to 599, not {status}"));
                }
            }
            FaultAction::Latency { millis } => {
                if *millis > MAX_FAULT_LATENCY.as_millis() as u64 {
                    return bad(format!(
                        "latency must be at most {} ms, not {millis}",
                        MAX_FAULT_LATENCY.as_millis()
                    ));
                }
            }
            FaultAction::Drop { .. } => {}
        }
        match &self.schedule {
            FaultSchedule::First { count: 0 } => {
                bad("schedule first: count must be at least 1".into())
            }
            FaultSchedule::Every { nth: 0 } => bad("schedule every: nth must be at least 1".into()),
            FaultSchedule::Probability { probability, .. }
                if !(0.0..=1.0).contains(probability) =>
            {
                bad(format!(
                    "schedule probability must be between 0 and 1, not {probability}"
                ))
            }
            _ => Ok(()),
        }
    }

    fn names_group(&self) -> bool {
        self.log_group_name.is_some() || self.log_group_name_prefix.is_some()
    }

    fn matches_operation(&self, operation: Operation) -> bool {
        self.operation == "*" || self.operation == operation.name()
    }

    fn matches_group(&self, group: Option<&str>) -> bool {
        if !self.names_group() {
            return true;
        }
        let Some(group) = group else { return false };
        self.log_group_name
            .as_deref()
            .is_none_or(|name| name == group)
            && self
                .log_group_name_prefix
                .as_deref()
                .is_none_or(|prefix| group.starts_with(prefix))
    }
}

/// Parses a rule file or request body: one rule object, or an array of them; each is checked.
pub fn parse_rules(json: &[u8]) -> Result<Vec<FaultRule>, InvalidFaultRule> {
    let value: serde_json::Value =
        serde_json::from_slice(json).map_err(|e| InvalidFaultRule(format!("not JSON: {e}")))?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        one => vec![one],
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let rule: FaultRule = serde_json::from_value(item)
                .map_err(|e| InvalidFaultRule(format!("rule {}: {e}", i + 1)))?;
            rule.validate()
                .map_err(|e| InvalidFaultRule(format!("rule {}: {e}", i + 1)))?;
            Ok(rule)
        })
        .collect()
}

/// What the fault layer decided for one request.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Verdict {
    /// Latency to add before anything else.
    pub delay: Duration,
    /// What replaces or follows the normal answer, if anything.
    pub outcome: Option<Outcome>,
}

/// A fault that decides the answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Answer this AWS error instead.
    Error {
        /// The code.
        code: String,
        /// The message.
        message: String,
        /// The status.
        status: u16,
    },
    /// Answer this bare status instead.
    Status(u16),
    /// Close the connection without answering, after carrying out the request when
    /// `process`.
    Drop {
        /// Whether the request is carried out first.
        process: bool,
    },
}

#[derive(Debug)]
struct Entry {
    id: u64,
    rule: FaultRule,
    matched: u64,
    hits: u64,
    rng: SplitMix64,
}

impl Entry {
    /// Counts a matching request and says whether the rule fires on it.
    fn fires(&mut self) -> bool {
        self.matched += 1;
        let fires = match &self.rule.schedule {
            FaultSchedule::Always => true,
            FaultSchedule::First { count } => self.matched <= *count,
            FaultSchedule::Every { nth } => self.matched.is_multiple_of(*nth),
            FaultSchedule::Probability { probability, .. } => self.rng.next_unit() < *probability,
        };
        self.hits += u64::from(fires);
        fires
    }
}

/// The rules in force, shared by the server and the [`crate::Emulator`] handle.
#[derive(Debug, Default)]
pub struct Faults {
    rules: Mutex<Rules>,
    /// False while there are no rules: the hot path then takes no lock.
    any: AtomicBool,
}

#[derive(Debug, Default)]
struct Rules {
    entries: Vec<Entry>,
    next_id: u64,
}

impl Faults {
    /// Adds `rules` (each validated; on a bad one none is added) and returns their ids.
    pub fn add(&self, rules: Vec<FaultRule>) -> Result<Vec<u64>, InvalidFaultRule> {
        for rule in &rules {
            rule.validate()?;
        }
        let mut held = self.rules.lock();
        if held.entries.len() + rules.len() > MAX_FAULT_RULES {
            return Err(InvalidFaultRule(format!(
                "at most {MAX_FAULT_RULES} rules can be held; DELETE /_cwlogs/faults clears them"
            )));
        }
        let ids = rules
            .into_iter()
            .map(|rule| {
                held.next_id += 1;
                let id = held.next_id;
                let seed = match rule.schedule {
                    FaultSchedule::Probability { seed, .. } => seed,
                    _ => 0,
                };
                held.entries.push(Entry {
                    id,
                    rule,
                    matched: 0,
                    hits: 0,
                    rng: SplitMix64(seed),
                });
                id
            })
            .collect();
        self.any.store(!held.entries.is_empty(), Ordering::Release);
        Ok(ids)
    }

    /// Removes every rule.
    pub fn clear(&self) {
        let mut held = self.rules.lock();
        held.entries.clear();
        self.any.store(false, Ordering::Release);
    }

    /// Every rule with its id and counts, in the order they are tried.
    pub fn list(&self) -> Vec<FaultStatus> {
        self.rules
            .lock()
            .entries
            .iter()
            .map(|entry| FaultStatus {
                id: entry.id,
                rule: entry.rule.clone(),
                matched: entry.matched,
                hits: entry.hits,
            })
            .collect()
    }

    /// What happens to a request for `operation` with `body`. Without rules this is one
    /// atomic load; the body is read only when a rule for the operation names a log group.
    pub fn check(&self, operation: Operation, body: &[u8]) -> Verdict {
        let mut verdict = Verdict::default();
        if !self.any.load(Ordering::Acquire) {
            return verdict;
        }
        let needs_group = self
            .rules
            .lock()
            .entries
            .iter()
            .any(|e| e.rule.matches_operation(operation) && e.rule.names_group());
        // Read outside the lock: a PutLogEvents body may be megabytes.
        let group = needs_group.then(|| group_named_by(body)).flatten();
        let mut held = self.rules.lock();
        for entry in &mut held.entries {
            if !entry.rule.matches_operation(operation)
                || !entry.rule.matches_group(group.as_deref())
                || !entry.fires()
            {
                continue;
            }
            tracing::info!(
                rule = entry.id,
                operation = operation.name(),
                action = ?entry.rule.action,
                "fault injected"
            );
            let outcome = match &entry.rule.action {
                FaultAction::Latency { millis } => {
                    verdict.delay += Duration::from_millis(*millis);
                    continue;
                }
                FaultAction::Error {
                    code,
                    message,
                    status,
                } => Outcome::Error {
                    message: message.clone().unwrap_or_else(|| {
                        if code == "ThrottlingException" {
                            THROTTLING_MESSAGE.into()
                        } else {
                            format!("{code} injected by cwlogs-emulator (rule {})", entry.id)
                        }
                    }),
                    status: status.unwrap_or_else(|| default_status(code)),
                    code: code.clone(),
                },
                FaultAction::Status { status } => Outcome::Status(*status),
                FaultAction::Drop { process } => Outcome::Drop { process: *process },
            };
            verdict.outcome = Some(outcome);
            break;
        }
        verdict
    }
}

/// The log group a request body names: `logGroupName`, else the name in
/// `logGroupIdentifier` (a name, or an ARN `...:log-group:NAME[:*]`).
fn group_named_by(body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Probe<'a> {
        #[serde(borrow, default)]
        log_group_name: Option<Cow<'a, str>>,
        #[serde(borrow, default)]
        log_group_identifier: Option<Cow<'a, str>>,
    }
    let probe: Probe<'_> = serde_json::from_slice(body).ok()?;
    if let Some(name) = probe.log_group_name {
        return Some(name.into_owned());
    }
    let identifier = probe.log_group_identifier?;
    let name = match identifier.split_once(":log-group:") {
        Some((_, rest)) => rest.strip_suffix(":*").unwrap_or(rest),
        None => &identifier,
    };
    Some(name.to_owned())
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, well-distributed generator; reproducible from
/// its seed, which is all a fault schedule needs.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn next_unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Marks a response whose connection is to be closed instead of answered; the accept loop
/// turns it into a service error, on which hyper closes the connection without writing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DropConnection;

/// The service error that makes hyper close a connection unanswered.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped by a fault-injection rule")]
pub(crate) struct ConnectionDropped;

#[cfg(test)]
mod tests {
    use super::*;

    fn fired(faults: &Faults, operation: Operation, body: &str, n: usize) -> Vec<bool> {
        (0..n)
            .map(|_| faults.check(operation, body.as_bytes()).outcome.is_some())
            .collect()
    }

    #[test]
    fn schedules_fire_on_the_requests_they_name() {
        let faults = Faults::default();
        faults
            .add(vec![FaultRule::error(
                "PutLogEvents",
                "ThrottlingException",
            )
            .first(2)])
            .unwrap();
        assert_eq!(
            fired(&faults, Operation::PutLogEvents, "{}", 4),
            [true, true, false, false]
        );
        faults.clear();
        faults
            .add(vec![
                FaultRule::error("GetLogEvents", "InternalFailure").every(3)
            ])
            .unwrap();
        assert_eq!(
            fired(&faults, Operation::GetLogEvents, "{}", 6),
            [false, false, true, false, false, true]
        );
        assert_eq!(faults.list()[0].matched, 6);
        assert_eq!(faults.list()[0].hits, 2);
    }

    #[test]
    fn probability_is_reproducible_from_its_seed() {
        let run = |seed| {
            let faults = Faults::default();
            faults
                .add(vec![
                    FaultRule::error("*", "ThrottlingException").probability(0.3, seed)
                ])
                .unwrap();
            fired(&faults, Operation::DescribeLogGroups, "{}", 1000)
        };
        let first = run(7);
        assert_eq!(first, run(7));
        assert_ne!(first, run(8));
        let hits = first.iter().filter(|hit| **hit).count();
        assert!((230..370).contains(&hits), "{hits} hits of 1000 at p=0.3");
    }

    #[test]
    fn group_filters_read_the_name_or_the_identifier() {
        let faults = Faults::default();
        faults
            .add(vec![
                FaultRule::error("*", "ServiceUnavailableException").log_group_prefix("/aws/")
            ])
            .unwrap();
        let hit = |body: &str| {
            faults
                .check(Operation::FilterLogEvents, body.as_bytes())
                .outcome
                .is_some()
        };
        assert!(hit(r#"{"logGroupName": "/aws/lambda/f"}"#));
        assert!(hit(
            r#"{"logGroupIdentifier": "arn:aws:logs:us-east-1:000000000000:log-group:/aws/x:*"}"#
        ));
        assert!(!hit(r#"{"logGroupName": "app"}"#));
        assert!(!hit(r#"{}"#));
        assert!(!hit("not json"));
    }

    #[test]
    fn latency_adds_up_and_the_first_terminal_rule_decides() {
        let faults = Faults::default();
        faults
            .add(vec![
                FaultRule::new("*", FaultAction::Latency { millis: 5 }),
                FaultRule::new("*", FaultAction::Latency { millis: 7 }),
                FaultRule::error("*", "ThrottlingException"),
                FaultRule::new("*", FaultAction::Status { status: 503 }),
            ])
            .unwrap();
        let verdict = faults.check(Operation::CreateLogGroup, b"{}");
        assert_eq!(verdict.delay, Duration::from_millis(12));
        assert_eq!(
            verdict.outcome,
            Some(Outcome::Error {
                code: "ThrottlingException".into(),
                message: "Rate exceeded".into(),
                status: 400
            })
        );
        assert_eq!(
            faults.list()[3].matched,
            0,
            "rules after the decision do not see it"
        );
    }

    #[test]
    fn bad_rules_are_refused_with_why() {
        let refused = |json: &str| parse_rules(json.as_bytes()).unwrap_err().0;
        assert!(
            refused(r#"{"operation": "PutLogEvent", "action": {"type": "drop"}}"#)
                .contains("not a CloudWatch Logs operation")
        );
        assert!(refused(
            r#"{"operation": "*", "action": {"type": "drop"}, "schedule": {"type": "first", "count": 0}}"#
        )
        .contains("at least 1"));
        assert!(
            refused(r#"{"operation": "*", "action": {"type": "status", "status": 99}}"#)
                .contains("100 to 599")
        );
        assert!(
            refused(r#"[{"operation": "*", "action": {"type": "explode"}}]"#).contains("rule 1")
        );
        let rules = parse_rules(
            br#"{"operation": "PutLogEvents", "action": {"type": "drop"}, "schedule": {"type": "every", "nth": 2}}"#,
        )
        .unwrap();
        assert_eq!(rules[0].action, FaultAction::Drop { process: true });
    }
}
