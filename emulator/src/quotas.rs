//! Request-rate quotas (`--quotas off|aws|FILE`): a token bucket per Region and operation,
//! filled at the operation's rate by the injected clock, so a test moves time to refill it.
//! A request that finds its bucket empty is AWS's `ThrottlingException` (`Rate exceeded`,
//! HTTP 400), which every SDK's retry policy classifies as throttling. A server-level layer,
//! like fault injection: it runs before the handler and knows nothing of the store.
//!
//! AWS documents rates, not bursts: a bucket holds one second's worth of requests (at least
//! one), and starts full.

use std::collections::HashMap;
use std::path::PathBuf;
use std::str::FromStr;

use parking_lot::Mutex;
use serde::Deserialize;

use crate::clock::SharedClock;
use crate::error::LogsError;
use crate::limits;
use crate::protocol::{Operation, ALL_OPERATIONS};

/// Which quotas the emulator enforces.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum QuotaSource {
    /// None (the default): every request is served.
    #[default]
    Off,
    /// AWS's documented per-account, per-Region rates (README's quota table).
    Aws,
    /// The rates in a JSON file (README's "Quotas" section gives the format).
    File(PathBuf),
}

impl FromStr for QuotaSource {
    type Err = std::convert::Infallible;

    /// `off`, `aws`, or anything else as a file path.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "off" => Self::Off,
            "aws" => Self::Aws,
            path => Self::File(PathBuf::from(path)),
        })
    }
}

/// One operation's rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// Requests per second the bucket refills at.
    pub per_second: f64,
    /// Requests the bucket holds (the burst allowed after a quiet spell).
    pub burst: f64,
}

impl Rate {
    /// `per_second`, with a bucket of one second's worth (at least one request).
    pub fn per_second(per_second: f64) -> Self {
        Self {
            per_second,
            burst: per_second.max(1.0),
        }
    }
}

/// AWS's documented rate for `operation` in `region` (see [`crate::limits`]); `None` where the
/// quotas page documents none.
pub fn aws_rate(operation: &str, region: &str) -> Option<Rate> {
    let per_second = match operation {
        "CreateLogGroup" => limits::RATE_CREATE_LOG_GROUP,
        "CreateLogStream" => limits::RATE_CREATE_LOG_STREAM,
        "DeleteLogGroup" => limits::RATE_DELETE_LOG_GROUP,
        "DeleteLogStream" => limits::RATE_DELETE_LOG_STREAM,
        "DescribeLogGroups" => limits::RATE_DESCRIBE_LOG_GROUPS,
        "DescribeLogStreams" => limits::RATE_DESCRIBE_LOG_STREAMS,
        "FilterLogEvents" => limits::RATE_FILTER_LOG_EVENTS,
        "GetLogEvents" => limits::RATE_GET_LOG_EVENTS,
        "PutLogEvents" if limits::PUT_LOG_EVENTS_LARGE_REGIONS.contains(&region) => {
            limits::RATE_PUT_LOG_EVENTS_LARGE_REGIONS
        }
        "PutLogEvents" => limits::RATE_PUT_LOG_EVENTS,
        _ => return None,
    };
    Some(Rate::per_second(per_second))
}

/// A quota file: `{"base": "aws"|"none", "rates": {"<Operation>": <per second> |
/// {"perSecond": <n>, "burst": <n>}}}`. Operations it does not name keep the base's rate
/// (none, by default: unlimited).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct QuotaFile {
    #[serde(default)]
    base: Base,
    #[serde(default)]
    rates: HashMap<String, RateSpec>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Base {
    Aws,
    #[default]
    None,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RateSpec {
    PerSecond(f64),
    Full(FullRate),
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FullRate {
    per_second: f64,
    burst: Option<f64>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at_millis: i64,
}

/// The enforced quotas and their buckets.
#[derive(Debug)]
pub struct Quotas {
    aws_base: bool,
    custom: HashMap<String, Rate>,
    clock: SharedClock,
    /// Region → operation → bucket.
    buckets: Mutex<HashMap<String, HashMap<&'static str, Bucket>>>,
}

impl Quotas {
    /// The quotas `source` names (`None` for [`QuotaSource::Off`]); a file that cannot be read
    /// or names a bad rate is an error saying which and why.
    pub fn load(source: &QuotaSource, clock: SharedClock) -> Result<Option<Self>, String> {
        let (aws_base, custom) = match source {
            QuotaSource::Off => return Ok(None),
            QuotaSource::Aws => (true, HashMap::new()),
            QuotaSource::File(path) => {
                let text = std::fs::read(path)
                    .map_err(|e| format!("cannot read the quota file {}: {e}", path.display()))?;
                parse_file(&text).map_err(|e| format!("quota file {}: {e}", path.display()))?
            }
        };
        Ok(Some(Self {
            aws_base,
            custom,
            clock,
            buckets: Mutex::default(),
        }))
    }

    /// The rate of `operation` in `region`, if it has one.
    pub fn rate(&self, operation: &str, region: &str) -> Option<Rate> {
        self.custom
            .get(operation)
            .copied()
            .or_else(|| self.aws_base.then(|| aws_rate(operation, region)).flatten())
    }

    /// Takes a request from the bucket of `operation` in `region`: ThrottlingException when
    /// it is empty.
    pub fn admit(&self, region: &str, operation: Operation) -> Result<(), LogsError> {
        let Some(rate) = self.rate(operation.name(), region) else {
            return Ok(());
        };
        let now = self.clock.now_millis();
        let mut buckets = self.buckets.lock();
        if !buckets.contains_key(region) {
            buckets.insert(region.to_owned(), HashMap::new());
        }
        let bucket = buckets
            .get_mut(region)
            .expect("inserted above")
            .entry(operation.name())
            .or_insert(Bucket {
                tokens: rate.burst,
                at_millis: now,
            });
        // A clock moved backwards refills nothing (and takes nothing back).
        let elapsed = (now - bucket.at_millis).max(0) as f64;
        bucket.tokens = (bucket.tokens + elapsed * rate.per_second / 1000.0).min(rate.burst);
        bucket.at_millis = bucket.at_millis.max(now);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(LogsError::Throttling(
                crate::faults::THROTTLING_MESSAGE.into(),
            ))
        }
    }

    /// Refills every bucket (a reset returns to the startup state).
    pub fn reset(&self) {
        self.buckets.lock().clear();
    }
}

fn parse_file(text: &[u8]) -> Result<(bool, HashMap<String, Rate>), String> {
    let file: QuotaFile = serde_json::from_slice(text).map_err(|e| e.to_string())?;
    let mut custom = HashMap::new();
    for (operation, spec) in file.rates {
        if !ALL_OPERATIONS.contains(&operation.as_str()) {
            return Err(format!("{operation:?} is not a CloudWatch Logs operation"));
        }
        let rate = match spec {
            RateSpec::PerSecond(per_second) => Rate::per_second(per_second),
            RateSpec::Full(FullRate { per_second, burst }) => Rate {
                per_second,
                burst: burst.unwrap_or(per_second.max(1.0)),
            },
        };
        if !(rate.per_second.is_finite() && rate.per_second > 0.0) {
            return Err(format!(
                "{operation}: the rate must be a positive number of requests per second"
            ));
        }
        if !(rate.burst.is_finite() && rate.burst >= 1.0) {
            return Err(format!("{operation}: the burst must be at least 1"));
        }
        custom.insert(operation, rate);
    }
    Ok((matches!(file.base, Base::Aws), custom))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::clock::ManualClock;

    fn quotas(source: QuotaSource) -> (Quotas, ManualClock) {
        let clock = ManualClock::new(1_000_000);
        let quotas = Quotas::load(&source, Arc::new(clock.clone()))
            .unwrap()
            .unwrap();
        (quotas, clock)
    }

    #[test]
    fn a_bucket_holds_one_seconds_worth_and_refills_with_the_clock() {
        let (quotas, clock) = quotas(QuotaSource::Aws);
        for _ in 0..5 {
            quotas
                .admit("us-east-1", Operation::FilterLogEvents)
                .unwrap();
        }
        let refused = quotas
            .admit("us-east-1", Operation::FilterLogEvents)
            .unwrap_err();
        assert_eq!(refused.code(), "ThrottlingException");
        assert_eq!(refused.to_string(), "Rate exceeded");
        assert_eq!(refused.http_status(), 400);
        // Another Region and another operation have their own buckets.
        quotas
            .admit("eu-west-1", Operation::FilterLogEvents)
            .unwrap();
        quotas.admit("us-east-1", Operation::GetLogEvents).unwrap();
        clock.advance(200); // 5/s: one request's worth
        quotas
            .admit("us-east-1", Operation::FilterLogEvents)
            .unwrap();
        assert!(quotas
            .admit("us-east-1", Operation::FilterLogEvents)
            .is_err());
        clock.advance(60_000); // never more than the bucket holds
        for _ in 0..5 {
            quotas
                .admit("us-east-1", Operation::FilterLogEvents)
                .unwrap();
        }
        assert!(quotas
            .admit("us-east-1", Operation::FilterLogEvents)
            .is_err());
        quotas.reset();
        quotas
            .admit("us-east-1", Operation::FilterLogEvents)
            .unwrap();
        // Operations without a documented rate are not limited.
        for _ in 0..1000 {
            quotas
                .admit("us-east-1", Operation::PutRetentionPolicy)
                .unwrap();
        }
    }

    #[test]
    fn put_log_events_has_the_larger_rate_in_three_regions() {
        assert_eq!(
            aws_rate("PutLogEvents", "us-east-1").unwrap().per_second,
            1500.0
        );
        assert_eq!(
            aws_rate("PutLogEvents", "ap-south-1").unwrap().per_second,
            800.0
        );
    }

    #[test]
    fn a_file_overrides_or_replaces_the_aws_table() {
        let (base, custom) = parse_file(
            br#"{"base": "aws", "rates": {"PutLogEvents": 2, "GetLogEvents": {"perSecond": 0.5, "burst": 3}}}"#,
        )
        .unwrap();
        assert!(base);
        assert_eq!(custom["PutLogEvents"], Rate::per_second(2.0));
        assert_eq!(
            custom["GetLogEvents"],
            Rate {
                per_second: 0.5,
                burst: 3.0
            }
        );
        let (base, _) = parse_file(br#"{"rates": {}}"#).unwrap();
        assert!(!base);
        for (bad, why) in [
            (
                r#"{"rates": {"PutLogEvent": 1}}"#,
                "not a CloudWatch Logs operation",
            ),
            (r#"{"rates": {"PutLogEvents": 0}}"#, "positive"),
            (
                r#"{"rates": {"PutLogEvents": {"perSecond": 1, "burst": 0.5}}}"#,
                "at least 1",
            ),
            (r#"{"limits": {}}"#, "unknown field"),
        ] {
            let error = parse_file(bad.as_bytes()).unwrap_err();
            assert!(error.contains(why), "{bad}: {error}");
        }
    }
}
