//! CreateLogGroup, DeleteLogGroup, DescribeLogGroups, and the group switches
//! PutLogGroupDeletionProtection and PutBearerTokenAuthentication.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::limits::{
    MAX_ACCOUNT_IDENTIFIERS, MAX_DESCRIBE_LIMIT, MAX_DESCRIBE_LOG_GROUP_IDENTIFIERS,
    MAX_KMS_KEY_ID_LEN, MAX_LOG_GROUP_NAME_PATTERN_LEN,
};
use crate::protocol::{decode, encode};
use crate::store::{GroupInfo, GroupSettings, LogGroupClass};
use crate::validate::{Violations, LOG_GROUP_NAME_PATTERN_PATTERN};

/// The model's `LogGroupClass` enum (botocore 1.44.18 added `ESSENTIALS`).
pub(super) const LOG_GROUP_CLASSES: [&str; 4] =
    ["STANDARD", "INFREQUENT_ACCESS", "DELIVERY", "ESSENTIALS"];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateLogGroupInput {
    log_group_name: Option<String>,
    kms_key_id: Option<String>,
    tags: Option<BTreeMap<String, String>>,
    log_group_class: Option<String>,
    deletion_protection_enabled: Option<bool>,
}

pub(super) fn create_log_group(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: CreateLogGroupInput = decode(body)?;
    let mut v = Violations::new();
    let name = v.required_group_name(input.log_group_name.as_deref());
    if let Some(kms) = &input.kms_key_id {
        v.length("kmsKeyId", kms, 0, MAX_KMS_KEY_ID_LEN);
    }
    if let Some(tags) = &input.tags {
        v.tags("tags", tags);
    }
    let class = match &input.log_group_class {
        Some(class) => v
            .one_of("logGroupClass", class, &LOG_GROUP_CLASSES)
            .and_then(|_| LogGroupClass::parse(class)),
        None => Some(LogGroupClass::Standard),
    };
    v.finish()?;
    if name
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("aws/"))
    {
        return Err(LogsError::InvalidParameter(
            "Log groups starting with AWS/ are reserved for AWS.".into(),
        ));
    }
    if let Some(kms) = &input.kms_key_id {
        super::kms::check_key_arn(ctx, kms, name)?;
    }
    let settings = GroupSettings {
        retention_in_days: None,
        kms_key_id: input.kms_key_id,
        class: class.unwrap_or_default(),
        deletion_protection: input.deletion_protection_enabled.unwrap_or(false),
        bearer_token_authentication: false,
        tags: input.tags.unwrap_or_default(),
    };
    ctx.touch_group(name);
    ctx.region_to_write().create_group(name, settings)?;
    Ok(Handled::empty())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeleteLogGroupInput {
    log_group_name: Option<String>,
}

pub(super) fn delete_log_group(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DeleteLogGroupInput = decode(body)?;
    let mut v = Violations::new();
    let name = v.required_group_name(input.log_group_name.as_deref());
    v.finish()?;
    ctx.touch_group(name);
    ctx.region.delete_group(name)?;
    Ok(Handled::empty())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeLogGroupsInput {
    log_group_name_prefix: Option<String>,
    log_group_name_pattern: Option<String>,
    next_token: Option<String>,
    limit: Option<i64>,
    log_group_class: Option<String>,
    log_group_identifiers: Option<Vec<String>>,
    #[allow(dead_code)]
    include_linked_accounts: Option<bool>,
    account_identifiers: Option<Vec<String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DescribeLogGroupsOutput {
    log_groups: Vec<LogGroupOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogGroupOut {
    log_group_name: String,
    creation_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    retention_in_days: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metric_filter_count: Option<i64>,
    arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    stored_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kms_key_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data_protection_status: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    inherited_properties: Option<Vec<&'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    log_group_class: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    log_group_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deletion_protection_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bearer_token_authentication_enabled: Option<bool>,
}

impl LogGroupOut {
    /// AWS's record of a group, its members in AWS's order (an AWS CLI answer of 2026:
    /// `logGroupClass`, `logGroupArn`, `deletionProtectionEnabled` and
    /// `bearerTokenAuthenticationEnabled` always, `kmsKeyId` once a key is associated). With
    /// `logGroupNamePattern`, AWS returns fewer: the model doc names only the name, the creation
    /// time and the `:*` ARN, but AWS answered with `metricFilterCount`, `logGroupClass` and
    /// `logGroupArn` as well, and without `storedBytes` or `deletionProtectionEnabled`
    /// (localstack's AWS-recorded `test_logs_groups.snapshot.json`, February 2026).
    fn from_info(info: GroupInfo, brief: bool) -> Self {
        let arn = format!("{}:*", info.arn);
        if brief {
            return Self {
                log_group_name: info.name,
                creation_time: info.creation_time,
                retention_in_days: None,
                metric_filter_count: Some(info.metric_filter_count as i64),
                arn,
                stored_bytes: None,
                kms_key_id: None,
                data_protection_status: None,
                inherited_properties: None,
                log_group_class: Some(info.settings.class.as_str()),
                log_group_arn: Some(info.arn),
                deletion_protection_enabled: None,
                bearer_token_authentication_enabled: None,
            };
        }
        Self {
            log_group_name: info.name,
            creation_time: info.creation_time,
            retention_in_days: info.settings.retention_in_days,
            metric_filter_count: Some(info.metric_filter_count as i64),
            arn,
            stored_bytes: Some(info.stored_bytes),
            kms_key_id: info.settings.kms_key_id,
            // Shown once a policy is in force (model: `DataProtectionStatus`).
            data_protection_status: (info.data_protection || info.account_data_protection)
                .then_some("ACTIVATED"),
            // The account's data protection policy is the one property a group inherits
            // (model: `InheritedProperty`).
            inherited_properties: info
                .account_data_protection
                .then(|| vec!["ACCOUNT_DATA_PROTECTION"]),
            log_group_class: Some(info.settings.class.as_str()),
            log_group_arn: Some(info.arn),
            deletion_protection_enabled: Some(info.settings.deletion_protection),
            bearer_token_authentication_enabled: Some(info.settings.bearer_token_authentication),
        }
    }
}

pub(super) fn describe_log_groups(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DescribeLogGroupsInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(prefix) = &input.log_group_name_prefix {
        v.log_group_name("logGroupNamePrefix", prefix);
    }
    if let Some(pattern) = &input.log_group_name_pattern {
        if v.length(
            "logGroupNamePattern",
            pattern,
            0,
            MAX_LOG_GROUP_NAME_PATTERN_LEN,
        ) {
            v.pattern(
                "logGroupNamePattern",
                pattern,
                LOG_GROUP_NAME_PATTERN_PATTERN,
                crate::validate::is_log_group_name_char,
            );
        }
    }
    v.next_token(input.next_token.as_deref());
    let limit = v.limit(input.limit, MAX_DESCRIBE_LIMIT);
    let class = input.log_group_class.as_deref().and_then(|c| {
        v.one_of("logGroupClass", c, &LOG_GROUP_CLASSES)
            .and(LogGroupClass::parse(c))
    });
    if let Some(ids) = &input.log_group_identifiers {
        if v.count(
            "logGroupIdentifiers",
            ids.len(),
            1,
            MAX_DESCRIBE_LOG_GROUP_IDENTIFIERS,
        ) {
            for (i, id) in ids.iter().enumerate() {
                v.log_group_identifier(&format!("logGroupIdentifiers.{}.member", i + 1), id);
            }
        }
    }
    if let Some(accounts) = &input.account_identifiers {
        v.count(
            "accountIdentifiers",
            accounts.len(),
            0,
            MAX_ACCOUNT_IDENTIFIERS,
        );
    }
    v.finish()?;
    if input.log_group_name_prefix.is_some() && input.log_group_name_pattern.is_some() {
        return Err(LogsError::InvalidParameter(
            "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters."
                .into(),
        ));
    }
    if input.log_group_identifiers.is_some()
        && (input.log_group_name_prefix.is_some() || input.log_group_name_pattern.is_some())
    {
        return Err(LogsError::InvalidParameter(
            "logGroupIdentifiers cannot be combined with logGroupNamePrefix or logGroupNamePattern."
                .into(),
        ));
    }

    let prefix = input.log_group_name_prefix.as_deref().unwrap_or("");
    let pattern = input.log_group_name_pattern.as_deref().unwrap_or("");
    let identifiers: Option<Vec<String>> = input.log_group_identifiers.as_ref().map(|ids| {
        ids.iter()
            .map(|id| super::group_name_in(ctx, id).unwrap_or_default())
            .collect()
    });
    // AWS answers an unusable nextToken with an empty page rather than an error.
    let page = ctx
        .region
        .describe_groups(prefix, input.next_token.as_deref(), limit, |group| {
            let name = group.name();
            name.contains(pattern)
                && identifiers
                    .as_ref()
                    .is_none_or(|ids| ids.iter().any(|id| id == name))
                && class.is_none_or(|c| group.settings().class == c)
        });
    let brief = input.log_group_name_pattern.is_some();
    let output = DescribeLogGroupsOutput {
        log_groups: page
            .items
            .into_iter()
            .map(|info| LogGroupOut::from_info(info, brief))
            .collect(),
        next_token: page.next_token,
    };
    Ok(Handled::json(encode(&output)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PutLogGroupSwitchInput {
    log_group_identifier: Option<String>,
    deletion_protection_enabled: Option<bool>,
    bearer_token_authentication_enabled: Option<bool>,
}

/// PutLogGroupDeletionProtection and PutBearerTokenAuthentication: a required
/// `logGroupIdentifier` (name or ARN) and a required boolean `member`, stored by `set`.
fn put_group_switch(
    ctx: &Ctx<'_>,
    body: &[u8],
    member: &str,
    value: impl FnOnce(&PutLogGroupSwitchInput) -> Option<bool>,
    set: impl FnOnce(&mut GroupSettings, bool),
) -> LogsResult<Handled> {
    let input: PutLogGroupSwitchInput = decode(body)?;
    let mut v = Violations::new();
    let id = v.required("logGroupIdentifier", input.log_group_identifier.as_deref());
    if let Some(id) = id {
        v.log_group_identifier("logGroupIdentifier", id);
    }
    let enabled = v.required(member, value(&input).as_ref()).copied();
    v.finish()?;
    let group = super::resolve_group(ctx, None, id)?;
    group.update_settings(|s| set(s, enabled.unwrap_or_default()));
    Ok(Handled::empty())
}

pub(super) fn put_log_group_deletion_protection(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    put_group_switch(
        ctx,
        body,
        "deletionProtectionEnabled",
        |i| i.deletion_protection_enabled,
        |s, on| s.deletion_protection = on,
    )
}

pub(super) fn put_bearer_token_authentication(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    put_group_switch(
        ctx,
        body,
        "bearerTokenAuthenticationEnabled",
        |i| i.bearer_token_authentication_enabled,
        |s, on| s.bearer_token_authentication = on,
    )
}
