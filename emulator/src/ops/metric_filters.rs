//! PutMetricFilter, DescribeMetricFilters, DeleteMetricFilter. Patterns are validated with the
//! same engine FilterLogEvents uses; metrics are not computed (there is no CloudWatch here).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::filter::parse_pattern;
use super::{Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::limits::{
    MAX_DESCRIBE_LIMIT, MAX_DIMENSION_LEN, MAX_FIELD_SELECTION_CRITERIA_LEN, MAX_FILTER_NAME_LEN,
    MAX_FILTER_PATTERN_LEN, MAX_METRIC_DIMENSIONS, MAX_METRIC_NAME_LEN, MAX_METRIC_TRANSFORMATIONS,
    MAX_METRIC_VALUE_LEN,
};
use crate::protocol::{decode, encode};
use crate::store::{LogGroup, MetricFilter, MetricTransformation};
use crate::validate::Violations;

/// The model's pattern for filter names (`FilterName`).
const FILTER_NAME_PATTERN: &str = "[^:*]*";
/// The model's pattern for metric names and namespaces.
const METRIC_NAME_PATTERN: &str = "[^:*$]*";
/// The units CloudWatch accepts (model: `StandardUnit`).
const UNITS: [&str; 27] = [
    "Seconds",
    "Microseconds",
    "Milliseconds",
    "Bytes",
    "Kilobytes",
    "Megabytes",
    "Gigabytes",
    "Terabytes",
    "Bits",
    "Kilobits",
    "Megabits",
    "Gigabits",
    "Terabits",
    "Percent",
    "Count",
    "Bytes/Second",
    "Kilobytes/Second",
    "Megabytes/Second",
    "Gigabytes/Second",
    "Terabytes/Second",
    "Bits/Second",
    "Kilobits/Second",
    "Megabits/Second",
    "Gigabits/Second",
    "Terabits/Second",
    "Count/Second",
    "None",
];

#[derive(Deserialize, Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct Transformation {
    #[serde(skip_serializing_if = "Option::is_none")]
    metric_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metric_namespace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metric_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dimensions: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unit: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PutMetricFilterInput {
    log_group_name: Option<String>,
    filter_name: Option<String>,
    filter_pattern: Option<String>,
    metric_transformations: Option<Vec<Transformation>>,
    apply_on_transformed_logs: Option<bool>,
    field_selection_criteria: Option<String>,
    emit_system_field_dimensions: Option<Vec<String>>,
}

/// The transformations as AWS echoes them in a validation message: Java's `toString`
/// (recorded in LocalStack's AWS-validated `test_put_metric_filter_too_many_transformations`).
fn java_list(transformations: &[Transformation]) -> String {
    let text = |v: &Option<String>| v.clone().unwrap_or_else(|| "null".into());
    let items: Vec<String> = transformations
        .iter()
        .map(|t| {
            let default_value = t.default_value.map_or("null".into(), |d| format!("{d:?}"));
            let dimensions = t.dimensions.as_ref().map_or("null".into(), |d| {
                let pairs: Vec<String> = d.iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!("{{{}}}", pairs.join(", "))
            });
            format!(
                "MetricTransformation(metricName={}, metricNamespace={}, metricValue={}, \
                 defaultValue={default_value}, unit={}, dimensions={dimensions})",
                text(&t.metric_name),
                text(&t.metric_namespace),
                text(&t.metric_value),
                text(&t.unit),
            )
        })
        .collect();
    format!("[{}]", items.join(", "))
}

pub(super) fn check_filter_name(v: &mut Violations, field: &str, name: &str) {
    if v.length(field, name, 1, MAX_FILTER_NAME_LEN) {
        v.pattern(field, name, FILTER_NAME_PATTERN, |c| c != ':' && c != '*');
    }
}

fn check_metric_name(v: &mut Violations, field: &str, name: &str) {
    if v.length(field, name, 0, MAX_METRIC_NAME_LEN) {
        v.pattern(field, name, METRIC_NAME_PATTERN, |c| {
            !matches!(c, ':' | '*' | '$')
        });
    }
}

fn check_transformation(v: &mut Violations, i: usize, t: &Transformation) {
    let field = |member: &str| format!("metricTransformations.{i}.member.{member}");
    if let Some(name) = v.required(&field("metricName"), t.metric_name.as_deref()) {
        check_metric_name(v, &field("metricName"), name);
    }
    if let Some(namespace) = v.required(&field("metricNamespace"), t.metric_namespace.as_deref()) {
        check_metric_name(v, &field("metricNamespace"), namespace);
    }
    if let Some(value) = v.required(&field("metricValue"), t.metric_value.as_deref()) {
        v.length(&field("metricValue"), value, 0, MAX_METRIC_VALUE_LEN);
    }
    if let Some(unit) = &t.unit {
        v.one_of(&field("unit"), unit, &UNITS);
    }
    for (key, value) in t.dimensions.iter().flatten() {
        v.length(&field("dimensions.key"), key, 0, MAX_DIMENSION_LEN);
        v.length(&field("dimensions.value"), value, 0, MAX_DIMENSION_LEN);
    }
}

/// What the model cannot say: a metric value is a number or a `$` reference to a field the
/// pattern extracts, and a filter has at most three dimensions.
fn check_metric_semantics(t: &Transformation) -> LogsResult<()> {
    let value = t.metric_value.as_deref().unwrap_or_default();
    let is_reference = value.len() > 1 && value.starts_with('$');
    if !is_reference && value.trim().parse::<f64>().is_err() {
        return Err(LogsError::InvalidParameter(format!(
            "Invalid metric value '{value}': it must be a number or a $ reference to a field \
             of the filter pattern."
        )));
    }
    let dimensions = t.dimensions.as_ref().map_or(0, BTreeMap::len);
    if dimensions > MAX_METRIC_DIMENSIONS {
        return Err(LogsError::InvalidParameter(format!(
            "A metric filter can have at most {MAX_METRIC_DIMENSIONS} dimensions; {dimensions} were given."
        )));
    }
    Ok(())
}

pub(super) fn put_metric_filter(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: PutMetricFilterInput = decode(body)?;
    let mut v = Violations::new();
    let group_name = v.required_group_name(input.log_group_name.as_deref());
    if let Some(name) = v.required("filterName", input.filter_name.as_deref()) {
        check_filter_name(&mut v, "filterName", name);
    }
    if let Some(pattern) = v.required("filterPattern", input.filter_pattern.as_deref()) {
        v.length("filterPattern", pattern, 0, MAX_FILTER_PATTERN_LEN);
    }
    if let Some(transformations) = v.required(
        "metricTransformations",
        input.metric_transformations.as_ref(),
    ) {
        if v.count_showing(
            "metricTransformations",
            transformations.len(),
            1,
            MAX_METRIC_TRANSFORMATIONS,
            || java_list(transformations),
        ) {
            for (i, t) in transformations.iter().enumerate() {
                check_transformation(&mut v, i + 1, t);
            }
        }
    }
    if let Some(criteria) = &input.field_selection_criteria {
        v.length(
            "fieldSelectionCriteria",
            criteria,
            0,
            MAX_FIELD_SELECTION_CRITERIA_LEN,
        );
    }
    v.finish()?;
    let pattern = input.filter_pattern.clone().unwrap_or_default();
    let compiled = parse_pattern(&pattern, true)?;
    for t in input.metric_transformations.iter().flatten() {
        check_metric_semantics(t)?;
    }
    let group = ctx.group(group_name)?;
    let transformations = input
        .metric_transformations
        .unwrap_or_default()
        .into_iter()
        .map(|t| MetricTransformation {
            metric_name: t.metric_name.unwrap_or_default(),
            metric_namespace: t.metric_namespace.unwrap_or_default(),
            metric_value: t.metric_value.unwrap_or_default(),
            default_value: t.default_value,
            dimensions: t.dimensions.unwrap_or_default(),
            unit: t.unit,
        })
        .collect();
    group.metric_filters().put(MetricFilter {
        name: input.filter_name.unwrap_or_default(),
        pattern,
        compiled,
        transformations,
        creation_time: ctx.store.now(),
        apply_on_transformed_logs: input.apply_on_transformed_logs.unwrap_or(false),
        field_selection_criteria: input.field_selection_criteria,
        emit_system_field_dimensions: input.emit_system_field_dimensions,
    })?;
    Ok(Handled::empty())
}

/// The input of DeleteMetricFilter and DeleteSubscriptionFilter.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeleteFilterInput {
    log_group_name: Option<String>,
    filter_name: Option<String>,
}

/// Decodes and validates a Delete*Filter input: the group it names and the filter name.
pub(super) fn filter_to_delete(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<(Arc<LogGroup>, String)> {
    let input: DeleteFilterInput = decode(body)?;
    let mut v = Violations::new();
    let group_name = v.required_group_name(input.log_group_name.as_deref());
    if let Some(name) = v.required("filterName", input.filter_name.as_deref()) {
        check_filter_name(&mut v, "filterName", name);
    }
    v.finish()?;
    Ok((
        ctx.group(group_name)?,
        input.filter_name.unwrap_or_default(),
    ))
}

pub(super) fn delete_metric_filter(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let (group, filter_name) = filter_to_delete(ctx, body)?;
    group.metric_filters().delete(&filter_name)?;
    Ok(Handled::empty())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeMetricFiltersInput {
    log_group_name: Option<String>,
    filter_name_prefix: Option<String>,
    next_token: Option<String>,
    limit: Option<i64>,
    metric_name: Option<String>,
    metric_namespace: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DescribeMetricFiltersOutput {
    metric_filters: Vec<MetricFilterOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MetricFilterOut {
    filter_name: String,
    filter_pattern: String,
    metric_transformations: Vec<Transformation>,
    creation_time: i64,
    log_group_name: String,
    apply_on_transformed_logs: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    field_selection_criteria: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    emit_system_field_dimensions: Option<Vec<String>>,
}

impl MetricFilterOut {
    fn new(group: &str, filter: MetricFilter) -> Self {
        Self {
            filter_name: filter.name,
            filter_pattern: filter.pattern,
            metric_transformations: filter
                .transformations
                .into_iter()
                .map(|t| Transformation {
                    metric_name: Some(t.metric_name),
                    metric_namespace: Some(t.metric_namespace),
                    metric_value: Some(t.metric_value),
                    default_value: t.default_value,
                    dimensions: (!t.dimensions.is_empty()).then_some(t.dimensions),
                    unit: t.unit,
                })
                .collect(),
            creation_time: filter.creation_time,
            log_group_name: group.to_owned(),
            apply_on_transformed_logs: filter.apply_on_transformed_logs,
            field_selection_criteria: filter.field_selection_criteria,
            emit_system_field_dimensions: filter.emit_system_field_dimensions,
        }
    }
}

pub(super) fn describe_metric_filters(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DescribeMetricFiltersInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(name) = &input.log_group_name {
        v.log_group_name("logGroupName", name);
    }
    if let Some(prefix) = &input.filter_name_prefix {
        check_filter_name(&mut v, "filterNamePrefix", prefix);
    }
    for (field, value) in [
        ("metricName", &input.metric_name),
        ("metricNamespace", &input.metric_namespace),
    ] {
        if let Some(value) = value {
            check_metric_name(&mut v, field, value);
        }
    }
    v.next_token(input.next_token.as_deref());
    let limit = v.limit(input.limit, MAX_DESCRIBE_LIMIT);
    v.finish()?;
    if input.metric_name.is_some() != input.metric_namespace.is_some() {
        return Err(LogsError::InvalidParameter(
            "metricName and metricNamespace must be specified together.".into(),
        ));
    }
    let wanted_metric = |filter: &MetricFilter| {
        input.metric_name.as_ref().is_none_or(|metric| {
            filter.transformations.iter().any(|t| {
                &t.metric_name == metric
                    && Some(&t.metric_namespace) == input.metric_namespace.as_ref()
            })
        })
    };
    // As for the other Describe* calls, an unusable token gives an empty page.
    let token = input.next_token.as_deref();
    let page = match &input.log_group_name {
        // The prefix applies only with a group name (model doc of filterNamePrefix).
        Some(name) => {
            let group = ctx.group(name)?;
            let prefix = input.filter_name_prefix.as_deref().unwrap_or("");
            group
                .metric_filters()
                .page(group.fingerprint(), prefix, token, limit, wanted_metric)
                .map(|filter| MetricFilterOut::new(name, filter))
        }
        None => ctx
            .region
            .describe_metric_filters(token, limit, wanted_metric)
            .map(|(group, filter)| MetricFilterOut::new(&group, filter)),
    };
    Ok(Handled::json(encode(&DescribeMetricFiltersOutput {
        metric_filters: page.items,
        next_token: page.next_token,
    })))
}
