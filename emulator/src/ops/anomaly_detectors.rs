//! CreateLogAnomalyDetector, GetLogAnomalyDetector, UpdateLogAnomalyDetector,
//! DeleteLogAnomalyDetector, ListLogAnomalyDetectors, ListAnomalies, UpdateAnomaly. The
//! detectors run on the emulator's clock with the pattern engine (`store/anomaly_detectors.rs`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::filter::FilterPattern;
use crate::limits::{
    ANOMALY_VISIBILITY_DAYS, MAX_ANOMALY_FILTER_PATTERN_LEN, MAX_ANOMALY_LIST_LIMIT,
};
use crate::protocol::{decode, encode};
use crate::store::anomaly_detectors::{
    frequency_millis, Anomaly, AnomalyDetector, PatternToken, Suppression,
};
use crate::validate::Violations;

const FREQUENCIES: [&str; 6] = [
    "ONE_MIN",
    "FIVE_MIN",
    "TEN_MIN",
    "FIFTEEN_MIN",
    "THIRTY_MIN",
    "ONE_HOUR",
];

/// The model's pattern for ARNs (`AnomalyDetectorArn`, `LogGroupArn`).
const ARN_PATTERN: &str = "[\\w#+=/:,.@-]*";

fn check_arn(v: &mut Violations, field: &str, arn: &str, max: usize) {
    if v.length(field, arn, 1, max) {
        v.pattern(field, arn, ARN_PATTERN, |c| {
            c.is_alphanumeric() || "_#+=/:,.@-".contains(c)
        });
    }
}

fn check_frequency(v: &mut Violations, frequency: Option<&str>) {
    if let Some(f) = frequency {
        v.one_of("evaluationFrequency", f, &FREQUENCIES);
    }
}

fn check_visibility(v: &mut Violations, days: Option<i64>) {
    if let Some(days) = days {
        v.range(
            "anomalyVisibilityTime",
            days,
            ANOMALY_VISIBILITY_DAYS.0,
            ANOMALY_VISIBILITY_DAYS.1,
        );
    }
}

fn check_filter(v: &mut Violations, filter: Option<&str>) {
    if let Some(f) = filter {
        v.length("filterPattern", f, 0, MAX_ANOMALY_FILTER_PATTERN_LEN);
    }
}

/// A filter pattern must parse, as for metric filters.
fn parse_filter(filter: Option<&str>) -> LogsResult<()> {
    match filter.filter(|f| !f.is_empty()) {
        Some(f) => FilterPattern::parse(f)
            .map(|_| ())
            .map_err(|_| LogsError::InvalidParameter("Invalid filter pattern".into())),
        None => Ok(()),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateInput {
    log_group_arn_list: Option<Vec<String>>,
    detector_name: Option<String>,
    evaluation_frequency: Option<String>,
    filter_pattern: Option<String>,
    kms_key_id: Option<String>,
    anomaly_visibility_time: Option<i64>,
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateOutput {
    anomaly_detector_arn: String,
}

pub(super) fn create_log_anomaly_detector(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: CreateInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(arns) = v.required("logGroupArnList", input.log_group_arn_list.as_ref()) {
        for (i, arn) in arns.iter().enumerate() {
            check_arn(
                &mut v,
                &format!("logGroupArnList.{}.member", i + 1),
                arn,
                2048,
            );
        }
    }
    if let Some(name) = &input.detector_name {
        v.length("detectorName", name, 1, usize::MAX);
    }
    check_frequency(&mut v, input.evaluation_frequency.as_deref());
    check_filter(&mut v, input.filter_pattern.as_deref());
    check_visibility(&mut v, input.anomaly_visibility_time);
    if let Some(key) = &input.kms_key_id {
        v.length("kmsKeyId", key, 0, 256);
    }
    if let Some(tags) = &input.tags {
        v.tags("tags", tags);
    }
    v.finish()?;
    let arns = input.log_group_arn_list.unwrap_or_default();
    // The operation's documentation: "You can specify only one log group ARN."
    if arns.len() != 1 {
        return Err(LogsError::InvalidParameter(
            "logGroupArnList must contain exactly one log group ARN.".into(),
        ));
    }
    let group_name = arns[0]
        .trim_end_matches(":*")
        .rsplit_once(":log-group:")
        .map(|(_, name)| name.to_owned())
        .ok_or_else(|| {
            LogsError::InvalidParameter(format!("Invalid log group ARN: {}", arns[0]))
        })?;
    let group = ctx.group(&group_name)?;
    if group.arn() != arns[0].trim_end_matches(":*") {
        return Err(LogsError::log_group_not_found());
    }
    parse_filter(input.filter_pattern.as_deref())?;
    let region = ctx.region_to_write();
    let now = ctx.store.now();
    let detector = AnomalyDetector {
        arn: region.anomaly_detector_arn(),
        name: input.detector_name,
        log_group_arns: vec![group.arn().to_owned()],
        evaluation_frequency: input
            .evaluation_frequency
            .unwrap_or_else(|| "FIVE_MIN".into()),
        filter_pattern: input.filter_pattern,
        kms_key_id: input.kms_key_id,
        anomaly_visibility_time: input
            .anomaly_visibility_time
            .unwrap_or(ANOMALY_VISIBILITY_DAYS.2),
        enabled: true,
        creation_time: now,
        last_modified_time: now,
        tags: input.tags.unwrap_or_default(),
        evaluated_until: now,
        anomalies: BTreeMap::new(),
        suppressed_patterns: BTreeMap::new(),
    };
    let arn = detector.arn.clone();
    region.anomaly_detectors().put(detector)?;
    Ok(Handled::json(encode(&CreateOutput {
        anomaly_detector_arn: arn,
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ArnInput {
    anomaly_detector_arn: Option<String>,
}

fn required_arn(arn: Option<&str>) -> LogsResult<String> {
    let mut v = Violations::new();
    if let Some(arn) = v.required("anomalyDetectorArn", arn) {
        check_arn(&mut v, "anomalyDetectorArn", arn, usize::MAX);
    }
    v.finish()?;
    Ok(arn.unwrap_or_default().to_owned())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DetectorOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    anomaly_detector_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detector_name: Option<String>,
    log_group_arn_list: Vec<String>,
    evaluation_frequency: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    filter_pattern: Option<String>,
    anomaly_detector_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    kms_key_id: Option<String>,
    creation_time_stamp: i64,
    last_modified_time_stamp: i64,
    anomaly_visibility_time: i64,
}

fn detector_out(d: AnomalyDetector, now: i64, with_arn: bool) -> DetectorOut {
    DetectorOut {
        anomaly_detector_status: d.status(now),
        anomaly_detector_arn: with_arn.then_some(d.arn),
        detector_name: d.name,
        log_group_arn_list: d.log_group_arns,
        evaluation_frequency: d.evaluation_frequency,
        filter_pattern: d.filter_pattern,
        kms_key_id: d.kms_key_id,
        creation_time_stamp: d.creation_time,
        last_modified_time_stamp: d.last_modified_time,
        anomaly_visibility_time: d.anomaly_visibility_time,
    }
}

pub(super) fn get_log_anomaly_detector(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: ArnInput = decode(body)?;
    let arn = required_arn(input.anomaly_detector_arn.as_deref())?;
    let detector = ctx.region.anomaly_detectors().get(&arn)?;
    Ok(Handled::json(encode(&detector_out(
        detector,
        ctx.store.now(),
        false,
    ))))
}

pub(super) fn delete_log_anomaly_detector(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: ArnInput = decode(body)?;
    let arn = required_arn(input.anomaly_detector_arn.as_deref())?;
    ctx.region.anomaly_detectors().delete(&arn)?;
    Ok(Handled::empty())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateInput {
    anomaly_detector_arn: Option<String>,
    evaluation_frequency: Option<String>,
    filter_pattern: Option<String>,
    anomaly_visibility_time: Option<i64>,
    enabled: Option<bool>,
}

pub(super) fn update_log_anomaly_detector(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: UpdateInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(arn) = v.required("anomalyDetectorArn", input.anomaly_detector_arn.as_deref()) {
        check_arn(&mut v, "anomalyDetectorArn", arn, usize::MAX);
    }
    v.required("enabled", input.enabled.as_ref());
    check_frequency(&mut v, input.evaluation_frequency.as_deref());
    check_filter(&mut v, input.filter_pattern.as_deref());
    check_visibility(&mut v, input.anomaly_visibility_time);
    v.finish()?;
    parse_filter(input.filter_pattern.as_deref())?;
    let arn = input.anomaly_detector_arn.unwrap_or_default();
    // Ticks due under the old settings run first.
    evaluate_within_write(ctx, &arn)?;
    let now = ctx.store.now();
    ctx.region.anomaly_detectors().update(&arn, |d| {
        if let Some(f) = input.evaluation_frequency {
            if f != d.evaluation_frequency {
                // The tick schedule restarts from now at the new frequency.
                let step = frequency_millis(&f).unwrap_or(300_000);
                d.creation_time = now - ((now - d.creation_time) / step) * step;
                d.evaluated_until = now;
                d.evaluation_frequency = f;
            }
        }
        if let Some(f) = input.filter_pattern {
            d.filter_pattern = Some(f);
        }
        if let Some(days) = input.anomaly_visibility_time {
            d.anomaly_visibility_time = days;
        }
        let enabled = input.enabled.unwrap_or(true);
        if enabled && !d.enabled {
            // Ticks missed while paused are not run.
            d.evaluated_until = now;
        }
        d.enabled = enabled;
        d.last_modified_time = now;
    })?;
    Ok(Handled::empty())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListDetectorsInput {
    filter_log_group_arn: Option<String>,
    limit: Option<i64>,
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListDetectorsOutput {
    anomaly_detectors: Vec<DetectorOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(super) fn list_log_anomaly_detectors(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: ListDetectorsInput = decode(body)?;
    let mut v = Violations::new();
    let limit = v.limit(input.limit, MAX_ANOMALY_LIST_LIMIT);
    if let Some(arn) = &input.filter_log_group_arn {
        check_arn(&mut v, "filterLogGroupArn", arn, 2048);
    }
    v.next_token(input.next_token.as_deref());
    v.finish()?;
    let filter = input
        .filter_log_group_arn
        .as_deref()
        .map(|a| a.trim_end_matches(":*").to_owned());
    let page = ctx.region.anomaly_detectors().page(
        ctx.region.fingerprint(),
        "",
        input.next_token.as_deref(),
        limit,
        |d| filter.as_ref().is_none_or(|f| d.log_group_arns.contains(f)),
    );
    let now = ctx.store.now();
    Ok(Handled::json(encode(&ListDetectorsOutput {
        anomaly_detectors: page
            .items
            .into_iter()
            .map(|d| detector_out(d, now, true))
            .collect(),
        next_token: page.next_token,
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListAnomaliesInput {
    anomaly_detector_arn: Option<String>,
    suppression_state: Option<String>,
    limit: Option<i64>,
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogEventOut {
    timestamp: i64,
    message: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PatternTokenOut {
    dynamic_token_position: usize,
    is_dynamic: bool,
    token_string: String,
    enumerations: BTreeMap<String, u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    inferred_token_name: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AnomalyOut {
    anomaly_id: String,
    pattern_id: String,
    anomaly_detector_arn: String,
    pattern_string: String,
    pattern_regex: String,
    priority: String,
    first_seen: i64,
    last_seen: i64,
    description: String,
    active: bool,
    state: &'static str,
    histogram: BTreeMap<String, u64>,
    log_samples: Vec<LogEventOut>,
    pattern_tokens: Vec<PatternTokenOut>,
    log_group_arn_list: Vec<String>,
    suppressed: bool,
    suppressed_date: i64,
    suppressed_until: i64,
    is_pattern_level_suppression: bool,
}

fn anomaly_out(d: &AnomalyDetector, a: Anomaly, now: i64) -> AnomalyOut {
    let suppression = d.suppression_of(&a, now);
    AnomalyOut {
        state: if suppression.is_some() {
            "Suppressed"
        } else if a.baseline {
            "Baseline"
        } else {
            "Active"
        },
        suppressed: suppression.is_some(),
        suppressed_date: suppression.map_or(0, |(s, _)| s.since),
        suppressed_until: suppression.map_or(0, |(s, _)| s.until),
        is_pattern_level_suppression: suppression.is_some_and(|(_, pattern)| pattern),
        anomaly_id: a.id,
        pattern_id: a.pattern_id,
        anomaly_detector_arn: d.arn.clone(),
        pattern_string: a.pattern_string,
        pattern_regex: a.pattern_regex,
        priority: a.priority,
        first_seen: a.first_seen,
        last_seen: a.last_seen,
        description: a.description,
        active: a.active,
        histogram: a
            .histogram
            .into_iter()
            .map(|(t, c)| (t.to_string(), c))
            .collect(),
        log_samples: a
            .samples
            .into_iter()
            .map(|(timestamp, message)| LogEventOut { timestamp, message })
            .collect(),
        pattern_tokens: a
            .tokens
            .into_iter()
            .map(|t| PatternTokenOut {
                dynamic_token_position: t.position,
                is_dynamic: t.dynamic,
                token_string: t.text,
                enumerations: t.enumerations.into_iter().collect(),
                inferred_token_name: t.inferred_name,
            })
            .collect(),
        log_group_arn_list: a.log_group_arns,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListAnomaliesOutput {
    anomalies: Vec<AnomalyOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(super) fn list_anomalies(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: ListAnomaliesInput = decode(body)?;
    let mut v = Violations::new();
    let limit = v.limit(input.limit, MAX_ANOMALY_LIST_LIMIT);
    if let Some(arn) = &input.anomaly_detector_arn {
        check_arn(&mut v, "anomalyDetectorArn", arn, usize::MAX);
    }
    if let Some(state) = &input.suppression_state {
        v.one_of("suppressionState", state, &["SUPPRESSED", "UNSUPPRESSED"]);
    }
    v.next_token(input.next_token.as_deref());
    v.finish()?;
    if let Some(arn) = &input.anomaly_detector_arn {
        ctx.region.anomaly_detectors().get(arn)?;
    }
    evaluate_for_read(ctx, input.anomaly_detector_arn.as_deref())?;
    let page = ctx.region.anomalies_page(
        input.anomaly_detector_arn.as_deref(),
        input
            .suppression_state
            .as_deref()
            .map(|s| s == "SUPPRESSED"),
        input.next_token.as_deref(),
        limit,
    );
    let now = ctx.store.now();
    Ok(Handled::json(encode(&ListAnomaliesOutput {
        anomalies: page
            .items
            .into_iter()
            .map(|(d, a)| anomaly_out(&d, a, now))
            .collect(),
        next_token: page.next_token,
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SuppressionPeriodIn {
    value: Option<i64>,
    suppression_unit: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateAnomalyInput {
    anomaly_id: Option<String>,
    pattern_id: Option<String>,
    anomaly_detector_arn: Option<String>,
    suppression_type: Option<String>,
    suppression_period: Option<SuppressionPeriodIn>,
    baseline: Option<bool>,
}

pub(super) fn update_anomaly(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: UpdateAnomalyInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(arn) = v.required("anomalyDetectorArn", input.anomaly_detector_arn.as_deref()) {
        check_arn(&mut v, "anomalyDetectorArn", arn, usize::MAX);
    }
    if let Some(id) = &input.anomaly_id {
        v.length("anomalyId", id, 36, 36);
    }
    if let Some(id) = &input.pattern_id {
        v.length("patternId", id, 32, 32);
    }
    if let Some(t) = &input.suppression_type {
        v.one_of("suppressionType", t, &["LIMITED", "INFINITE"]);
    }
    if let Some(unit) = input
        .suppression_period
        .as_ref()
        .and_then(|p| p.suppression_unit.as_deref())
    {
        v.one_of(
            "suppressionPeriod.suppressionUnit",
            unit,
            &["SECONDS", "MINUTES", "HOURS"],
        );
    }
    v.finish()?;
    // The operation's documentation: one of anomalyId and patternId, not both.
    let target = match (&input.anomaly_id, &input.pattern_id) {
        (Some(_), Some(_)) | (None, None) => {
            return Err(LogsError::InvalidParameter(
                "Specify either anomalyId or patternId, but not both.".into(),
            ))
        }
        (Some(id), None) => Err(id.clone()),
        (None, Some(pattern)) => Ok(pattern.clone()),
    };
    let now = ctx.store.now();
    let suppression = match input.suppression_type.as_deref() {
        None if input.suppression_period.is_none() => None,
        Some("INFINITE") => Some(Suppression {
            since: now,
            until: 0,
        }),
        _ => {
            let period = input.suppression_period.as_ref().ok_or_else(|| {
                LogsError::InvalidParameter(
                    "suppressionPeriod is required when suppressionType is LIMITED.".into(),
                )
            })?;
            let value = period.value.unwrap_or(0);
            if value <= 0 {
                return Err(LogsError::InvalidParameter(
                    "suppressionPeriod value must be a positive number.".into(),
                ));
            }
            let unit = match period.suppression_unit.as_deref() {
                Some("SECONDS") => 1_000,
                Some("MINUTES") => 60_000,
                _ => 3_600_000,
            };
            Some(Suppression {
                since: now,
                until: now.saturating_add(value.saturating_mul(unit)),
            })
        }
    };
    let arn = input.anomaly_detector_arn.unwrap_or_default();
    evaluate_within_write(ctx, &arn)?;
    let detectors = ctx.region.anomaly_detectors();
    detectors.get(&arn)?;
    detectors
        .update(&arn, |d| match &target {
            Err(anomaly_id) => {
                let anomaly = d.anomalies.get_mut(anomaly_id).ok_or_else(|| {
                    LogsError::ResourceNotFound("The specified anomaly does not exist.".into())
                })?;
                if let Some(baseline) = input.baseline {
                    anomaly.baseline = baseline;
                }
                if input.baseline.is_none() || suppression.is_some() {
                    anomaly.suppression = suppression;
                }
                Ok(())
            }
            Ok(pattern_id) => {
                match suppression {
                    Some(s) => {
                        d.suppressed_patterns.insert(pattern_id.clone(), s);
                    }
                    None if input.baseline.is_none() => {
                        d.suppressed_patterns.remove(pattern_id);
                    }
                    None => {}
                }
                if let Some(baseline) = input.baseline {
                    for a in d
                        .anomalies
                        .values_mut()
                        .filter(|a| a.pattern_id == *pattern_id)
                    {
                        a.baseline = baseline;
                    }
                }
                Ok(())
            }
        })
        .and_then(|r| r)?;
    Ok(Handled::empty())
}

/// The journal name of an anomaly evaluation a read ran, in journals written before
/// [`EVALUATED_EFFECT`] (its body is the detector's ARN, or empty for all of the region's
/// detectors): replayed by evaluating again.
pub const EVALUATION_EFFECT: &str = "cwlogs:EvaluateAnomalyDetectors";

/// The journal name of what an anomaly evaluation left in the detectors it ran (`--data-dir`):
/// a replay puts that back as it was instead of evaluating again, since the events a
/// compacted journal holds are restored only after its control records.
pub const EVALUATED_EFFECT: &str = "cwlogs:AnomalyDetectorsEvaluated";

/// Runs the detectors' due ticks for a read (ListAnomalies). The anomalies they find are
/// state that later writes (UpdateAnomaly) name, so with a journal the outcome is journaled,
/// at its time, like a write; a read with no tick due journals nothing.
fn evaluate_for_read(ctx: &Ctx<'_>, only: Option<&str>) -> LogsResult<()> {
    if ctx.journal.is_none() || !ctx.region.anomaly_ticks_due(only) {
        ctx.region.evaluate_anomaly_detectors(only);
        return Ok(());
    }
    super::execute_effect_outcome(
        ctx.store,
        ctx.journal,
        ctx.region.name(),
        EVALUATED_EFFECT,
        || {
            let evaluated = ctx.region.evaluate_anomaly_detectors(only);
            evaluation_body(ctx, &evaluated)
        },
    )
}

/// Runs the due ticks of the detector `arn` inside a journaled write (UpdateAnomaly,
/// UpdateLogAnomalyDetector), journaling the outcome before the write's own record.
fn evaluate_within_write(ctx: &Ctx<'_>, arn: &str) -> LogsResult<()> {
    let evaluated = ctx.region.evaluate_anomaly_detectors(Some(arn));
    if ctx.journal.is_some() {
        if let Some(body) = evaluation_body(ctx, &evaluated)? {
            super::append_effect_within_write(ctx, EVALUATED_EFFECT, &body);
        }
    }
    Ok(())
}

/// The [`EVALUATED_EFFECT`] body for the detectors `evaluated`; `None` when there are none.
fn evaluation_body(ctx: &Ctx<'_>, evaluated: &[String]) -> LogsResult<Option<Vec<u8>>> {
    if evaluated.is_empty() {
        return Ok(None);
    }
    let detectors = evaluated
        .iter()
        .filter_map(|arn| ctx.region.anomaly_detectors().get(arn).ok())
        .map(|d| EvaluatedDetector {
            arn: d.arn,
            evaluated_until: d.evaluated_until,
            anomalies: d.anomalies.into_values().map(StoredAnomaly::from).collect(),
        })
        .collect::<Vec<_>>();
    Ok(Some(encode(&Evaluated { detectors })))
}

/// Replays a journaled [`EVALUATED_EFFECT`]: each detector's anomalies as they were.
pub(super) fn replay_evaluated(region: &crate::store::Region, body: &[u8]) -> LogsResult<()> {
    let evaluated: Evaluated = decode(body)?;
    for detector in evaluated.detectors {
        let anomalies = detector
            .anomalies
            .into_iter()
            .map(|a| (a.id.clone(), Anomaly::from(a)))
            .collect();
        region.restore_anomaly_evaluation(&detector.arn, detector.evaluated_until, anomalies)?;
    }
    Ok(())
}

/// Replays a journaled [`EVALUATION_EFFECT`] (the caller pins the clock).
pub(super) fn replay_evaluation(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<()> {
    let only = std::str::from_utf8(body).ok().filter(|arn| !arn.is_empty());
    ctx.region.evaluate_anomaly_detectors(only);
    Ok(())
}

/// An [`EVALUATED_EFFECT`] record's body.
#[derive(Serialize, Deserialize)]
struct Evaluated {
    detectors: Vec<EvaluatedDetector>,
}

/// A detector's evaluated state in an [`EVALUATED_EFFECT`] record.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct EvaluatedDetector {
    arn: String,
    evaluated_until: i64,
    anomalies: Vec<StoredAnomaly>,
}

/// An [`Anomaly`] as journaled, every field kept.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredAnomaly {
    id: String,
    pattern_id: String,
    pattern_string: String,
    pattern_regex: String,
    priority: String,
    first_seen: i64,
    last_seen: i64,
    description: String,
    active: bool,
    baseline: bool,
    /// `(since, until)`.
    suppression: Option<(i64, i64)>,
    histogram: Vec<(i64, u64)>,
    samples: Vec<(i64, String)>,
    tokens: Vec<StoredToken>,
    log_group_arns: Vec<String>,
}

/// A [`PatternToken`] as journaled.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredToken {
    position: usize,
    dynamic: bool,
    text: String,
    enumerations: Vec<(String, u64)>,
    inferred_name: Option<String>,
}

impl From<Anomaly> for StoredAnomaly {
    fn from(a: Anomaly) -> Self {
        Self {
            id: a.id,
            pattern_id: a.pattern_id,
            pattern_string: a.pattern_string,
            pattern_regex: a.pattern_regex,
            priority: a.priority,
            first_seen: a.first_seen,
            last_seen: a.last_seen,
            description: a.description,
            active: a.active,
            baseline: a.baseline,
            suppression: a.suppression.map(|s| (s.since, s.until)),
            histogram: a.histogram.into_iter().collect(),
            samples: a.samples,
            tokens: a
                .tokens
                .into_iter()
                .map(|t| StoredToken {
                    position: t.position,
                    dynamic: t.dynamic,
                    text: t.text,
                    enumerations: t.enumerations,
                    inferred_name: t.inferred_name,
                })
                .collect(),
            log_group_arns: a.log_group_arns,
        }
    }
}

impl From<StoredAnomaly> for Anomaly {
    fn from(a: StoredAnomaly) -> Self {
        Self {
            id: a.id,
            pattern_id: a.pattern_id,
            pattern_string: a.pattern_string,
            pattern_regex: a.pattern_regex,
            priority: a.priority,
            first_seen: a.first_seen,
            last_seen: a.last_seen,
            description: a.description,
            active: a.active,
            baseline: a.baseline,
            suppression: a
                .suppression
                .map(|(since, until)| Suppression { since, until }),
            histogram: a.histogram.into_iter().collect(),
            samples: a.samples,
            tokens: a
                .tokens
                .into_iter()
                .map(|t| PatternToken {
                    position: t.position,
                    dynamic: t.dynamic,
                    text: t.text,
                    enumerations: t.enumerations,
                    inferred_name: t.inferred_name,
                })
                .collect(),
            log_group_arns: a.log_group_arns,
        }
    }
}
