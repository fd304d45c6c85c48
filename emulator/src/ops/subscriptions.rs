//! PutSubscriptionFilter, DescribeSubscriptionFilters, DeleteSubscriptionFilter. The pattern is
//! compiled with the engine FilterLogEvents uses and kept with the filter; the destination ARN
//! is parsed here, before the log group is looked up, in the order AWS checks them.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::filter::parse_pattern;
use super::metric_filters::{check_filter_name, filter_to_delete};
use super::{Ctx, Handled};
use crate::delivery::{Payload, Target};
use crate::error::{LogsError, LogsResult};
use crate::limits::{MAX_DESCRIBE_LIMIT, MAX_FIELD_SELECTION_CRITERIA_LEN, MAX_FILTER_PATTERN_LEN};
use crate::protocol::{decode, encode};
use crate::store::system_fields::{FieldSelection, SYSTEM_FIELDS};
use crate::store::{Distribution, SubscriptionFilter, TargetArn, Vendor};
use crate::validate::Violations;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PutSubscriptionFilterInput {
    log_group_name: Option<String>,
    filter_name: Option<String>,
    filter_pattern: Option<String>,
    destination_arn: Option<String>,
    role_arn: Option<String>,
    distribution: Option<String>,
    apply_on_transformed_logs: Option<bool>,
    field_selection_criteria: Option<String>,
    emit_system_fields: Option<Vec<String>>,
}

/// What `destinationArn` names, or AWS's refusal: an ARN of another service, a Kinesis or
/// Firehose target without a role, or another account's Lambda function.
fn check_target(ctx: &Ctx<'_>, arn: &str, role_arn: Option<&str>) -> LogsResult<TargetArn> {
    let target = TargetArn::parse(arn).ok_or_else(|| {
        LogsError::InvalidParameter(format!(
            "Invalid destinationArn {arn}: expected the ARN of a Kinesis stream, a Firehose \
             delivery stream, a Lambda function or a CloudWatch Logs destination."
        ))
    })?;
    if target.vendor.needs_role() && role_arn.is_none() {
        return Err(LogsError::InvalidParameter(format!(
            "destinationArn for vendor {} cannot be used without roleArn",
            target.vendor.as_str()
        )));
    }
    if target.vendor == Vendor::Lambda && target.account != ctx.store.account_id() {
        return Err(LogsError::AccessDenied(
            "Cross-account lambda invocation passing is not allowed. You must use \
             DestinationPolicies to create cross account lambda triggers."
                .into(),
        ));
    }
    Ok(target)
}

/// AWS accepts `[]` as a subscription filter pattern (recorded: LocalStack's aws-validated
/// snapshot `test_put_subscription_filter_update`), where the engine, following FilterLogEvents,
/// wants a field. A delimited pattern without fields has no condition, so it matches every
/// event, as the empty pattern does.
fn empty_delimited_as_empty(pattern: &str) -> &str {
    let inner = pattern
        .trim()
        .strip_prefix('[')
        .and_then(|p| p.strip_suffix(']'));
    match inner {
        Some(inner) if inner.trim().is_empty() => "",
        _ => pattern,
    }
}

/// `--check-destinations`: asks the forwarding endpoint whether the stream or function the
/// filter (or the logs destination it names) delivers to exists, and answers AWS's error when
/// its test message could not be delivered. A service without an endpoint is not asked.
fn check_destination(ctx: &Ctx<'_>, vendor: Vendor, arn: &str) -> LogsResult<()> {
    let not_deliverable = |vendor: Vendor| {
        LogsError::InvalidParameter(
            match vendor {
                Vendor::Kinesis => {
                    "Could not deliver test message to specified Kinesis stream. \
                                    Check if the given kinesis stream is in ACTIVE state."
                }
                Vendor::Firehose => {
                    "Could not deliver test message to specified Firehose stream. \
                                     Check if the given Firehose stream is in ACTIVE state."
                }
                Vendor::Lambda => {
                    "Could not execute the lambda function. Make sure you have \
                                   given CloudWatch Logs permission to execute your function."
                }
                Vendor::LogsDestination => {
                    "Could not deliver test message to specified \
                                            destination. Check if the destination is valid."
                }
            }
            .into(),
        )
    };
    let (vendor, arn) = match vendor {
        Vendor::LogsDestination => {
            let target = TargetArn::parse(arn)
                .and_then(|dest| {
                    ctx.store
                        .existing_region(&dest.region)?
                        .destinations()
                        .get(&dest.name)
                        .ok()
                })
                .map(|dest| dest.target_arn)
                .ok_or_else(|| not_deliverable(Vendor::LogsDestination))?;
            let vendor = TargetArn::parse(&target)
                .ok_or_else(|| not_deliverable(Vendor::LogsDestination))?
                .vendor;
            (vendor, target)
        }
        _ => (vendor, arn.to_owned()),
    };
    let ask = crate::delivery::forward::destination_ready(ctx.store.forward_endpoints(), &arn);
    // This handler runs on the blocking pool (Operation::is_search), where waiting is allowed.
    match crate::delivery::forward::block_on(ask) {
        Some(false) => Err(not_deliverable(vendor)),
        None | Some(true) => Ok(()),
    }
}

pub(super) fn put_subscription_filter(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: PutSubscriptionFilterInput = decode(body)?;
    let mut v = Violations::new();
    let group_name = v.required_group_name(input.log_group_name.as_deref());
    if let Some(name) = v.required("filterName", input.filter_name.as_deref()) {
        check_filter_name(&mut v, "filterName", name);
    }
    if let Some(pattern) = v.required("filterPattern", input.filter_pattern.as_deref()) {
        v.length("filterPattern", pattern, 0, MAX_FILTER_PATTERN_LEN);
    }
    if let Some(arn) = v.required("destinationArn", input.destination_arn.as_deref()) {
        v.length("destinationArn", arn, 1, usize::MAX);
    }
    if let Some(role) = &input.role_arn {
        v.length("roleArn", role, 1, usize::MAX);
    }
    if let Some(distribution) = &input.distribution {
        v.one_of("distribution", distribution, &Distribution::NAMES);
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
    let field_selection = match input.field_selection_criteria.as_deref() {
        Some(criteria) => FieldSelection::parse(criteria).map_err(|error| {
            LogsError::InvalidParameter(format!("Invalid fieldSelectionCriteria: {error}"))
        })?,
        None => None,
    };
    if let Some(unknown) = input
        .emit_system_fields
        .iter()
        .flatten()
        .find(|field| !SYSTEM_FIELDS.contains(&field.as_str()))
    {
        return Err(LogsError::InvalidParameter(format!(
            "Invalid emitSystemFields value {unknown}: valid values are {}.",
            SYSTEM_FIELDS.join(", ")
        )));
    }
    let pattern = input.filter_pattern.unwrap_or_default();
    let compiled = parse_pattern(empty_delimited_as_empty(&pattern), false)?;
    let destination_arn = input.destination_arn.unwrap_or_default();
    let vendor = check_target(ctx, &destination_arn, input.role_arn.as_deref())?.vendor;
    let group = ctx.group(group_name)?;
    if ctx.store.check_destinations() {
        check_destination(ctx, vendor, &destination_arn)?;
    }
    let distribution = input
        .distribution
        .as_deref()
        .and_then(Distribution::parse)
        .unwrap_or_default();
    let filter_name = input.filter_name.unwrap_or_default();
    let control_to = destination_arn.clone();
    group.subscription_filters().put(SubscriptionFilter {
        name: filter_name.clone(),
        pattern,
        compiled: Arc::new(compiled),
        destination_arn,
        role_arn: input.role_arn,
        distribution,
        apply_on_transformed_logs: input.apply_on_transformed_logs.unwrap_or(false),
        field_selection_criteria: input.field_selection_criteria,
        field_selection: field_selection.map(Arc::new),
        emit_system_fields: input.emit_system_fields,
        creation_time: ctx.store.now(),
    })?;
    // AWS checks a Kinesis or Firehose destination with a control message when the filter is
    // put (AWS docs: the first record such a stream receives).
    if matches!(vendor, Vendor::Kinesis | Vendor::Firehose) {
        let now = ctx.store.now();
        let partition_key = uuid::Uuid::new_v4().simple().to_string();
        let target = Target {
            region: ctx.region.name(),
            filter_name: &filter_name,
            destination_arn: &control_to,
            partition_key: &partition_key,
        };
        ctx.store.outbox().deliver(
            now,
            target,
            Payload::control(now, vendor == Vendor::Kinesis),
        );
    }
    Ok(Handled::empty())
}

pub(super) fn delete_subscription_filter(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let (group, filter_name) = filter_to_delete(ctx, body)?;
    group.subscription_filters().delete(&filter_name)?;
    Ok(Handled::empty())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeSubscriptionFiltersInput {
    log_group_name: Option<String>,
    filter_name_prefix: Option<String>,
    next_token: Option<String>,
    limit: Option<i64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DescribeSubscriptionFiltersOutput {
    subscription_filters: Vec<SubscriptionFilterOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SubscriptionFilterOut {
    filter_name: String,
    log_group_name: String,
    filter_pattern: String,
    destination_arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    role_arn: Option<String>,
    distribution: &'static str,
    apply_on_transformed_logs: bool,
    creation_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    field_selection_criteria: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    emit_system_fields: Option<Vec<String>>,
}

pub(super) fn describe_subscription_filters(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DescribeSubscriptionFiltersInput = decode(body)?;
    let mut v = Violations::new();
    let group_name = v.required_group_name(input.log_group_name.as_deref());
    if let Some(prefix) = &input.filter_name_prefix {
        check_filter_name(&mut v, "filterNamePrefix", prefix);
    }
    v.next_token(input.next_token.as_deref());
    let limit = v.limit(input.limit, MAX_DESCRIBE_LIMIT);
    v.finish()?;
    let group = ctx.group(group_name)?;
    let page = group
        .subscription_filters()
        .page(
            group.fingerprint(),
            input.filter_name_prefix.as_deref().unwrap_or(""),
            input.next_token.as_deref(),
            limit,
            |_| true,
        )
        .map(|f| SubscriptionFilterOut {
            filter_name: f.name,
            log_group_name: group_name.to_owned(),
            filter_pattern: f.pattern,
            destination_arn: f.destination_arn,
            role_arn: f.role_arn,
            distribution: f.distribution.as_str(),
            apply_on_transformed_logs: f.apply_on_transformed_logs,
            creation_time: f.creation_time,
            field_selection_criteria: f.field_selection_criteria,
            emit_system_fields: f.emit_system_fields,
        });
    Ok(Handled::json(encode(&DescribeSubscriptionFiltersOutput {
        subscription_filters: page.items,
        next_token: page.next_token,
    })))
}
