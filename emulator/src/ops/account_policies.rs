//! PutAccountPolicy, DescribeAccountPolicies, DeleteAccountPolicy: every policy type of the
//! model, each with its document rules, its `selectionCriteria` forms and its limits (model
//! doc of PutAccountPolicy). A data protection policy masks every group's reads; the other
//! types are stored and listed.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::data_protection::{compile, read_policy_document};
use super::{Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::limits::{
    MAX_ACCOUNT_IDENTIFIERS, MAX_SELECTION_CRITERIA_BYTES, MAX_SELECTION_CRITERIA_VALUES,
    MIN_ACCOUNT_RETENTION_DAYS, RETENTION_DAYS,
};
use crate::protocol::{decode, encode};
use crate::store::account_policies::{AccountPolicy, Criteria, PolicyType};
use crate::store::masking::DataProtectionPolicy;
use crate::validate::Violations;

/// The wire names of [`PolicyType::ALL`], in its order, for the enum check.
const POLICY_TYPES: [&str; 6] = [
    "DATA_PROTECTION_POLICY",
    "SUBSCRIPTION_FILTER_POLICY",
    "FIELD_INDEX_POLICY",
    "TRANSFORMER_POLICY",
    "METRIC_EXTRACTION_POLICY",
    "RETENTION_POLICY",
];
/// Policies one DescribeAccountPolicies page holds (the model gives the call no `limit`).
const DESCRIBE_PAGE: usize = 50;

fn invalid(message: String) -> LogsError {
    LogsError::InvalidParameter(message)
}

/// Parses a `selectionCriteria`: `LogGroupName [NOT] IN [...]`, `LogGroupNamePrefix [NOT] IN
/// [...]` (a JSON list of at most 50 strings) or `DataSourceName = "x" AND DataSourceType =
/// "y"` (the forms the model doc of PutAccountPolicy lists).
fn parse_criteria(text: &str) -> Option<Criteria> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix("DataSourceName") {
        let (name, rest) = quoted_after_eq(rest)?;
        let rest = rest.trim_start().strip_prefix("AND")?;
        let rest = rest.trim_start().strip_prefix("DataSourceType")?;
        let (kind, rest) = quoted_after_eq(rest)?;
        return rest
            .trim()
            .is_empty()
            .then_some(Criteria::DataSource { name, kind });
    }
    let (field, rest) = text.split_once(char::is_whitespace)?;
    let rest = rest.trim_start();
    let (negated, list) = match rest.strip_prefix("NOT") {
        Some(after) => (true, after.trim_start().strip_prefix("IN")?),
        None => (false, rest.strip_prefix("IN")?),
    };
    let values: Vec<String> = serde_json::from_str(list.trim()).ok()?;
    if values.is_empty() || values.len() > MAX_SELECTION_CRITERIA_VALUES {
        return None;
    }
    match field {
        "LogGroupName" => Some(Criteria::Names { negated, values }),
        "LogGroupNamePrefix" => Some(Criteria::Prefixes { negated, values }),
        _ => None,
    }
}

/// `= "value"` and what follows it.
fn quoted_after_eq(text: &str) -> Option<(String, &str)> {
    let rest = text.trim_start().strip_prefix('=')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    let end = rest.find('"')?;
    Some((rest[..end].to_owned(), &rest[end + 1..]))
}

/// Whether `policy_type` takes criteria of this form (model doc of PutAccountPolicy).
fn criteria_allowed(policy_type: PolicyType, criteria: &Criteria) -> bool {
    use Criteria::{DataSource, Names, Prefixes};
    match policy_type {
        PolicyType::DataProtection => false,
        PolicyType::SubscriptionFilter => matches!(criteria, Names { negated: true, .. }),
        PolicyType::Transformer | PolicyType::Retention => {
            matches!(criteria, Prefixes { negated: false, .. })
        }
        PolicyType::FieldIndex => {
            matches!(
                criteria,
                Prefixes { negated: false, .. } | DataSource { .. }
            )
        }
        PolicyType::MetricExtraction => matches!(criteria, Names { .. } | Prefixes { .. }),
    }
}

/// Checks a non-data-protection document's required members.
fn check_document(policy_type: PolicyType, document: &str) -> LogsResult<()> {
    let bad = |what: &str| invalid(format!("Invalid {} document: {what}", policy_type.as_str()));
    let Ok(Value::Object(doc)) = serde_json::from_str::<Value>(document) else {
        return Err(bad("it is not a JSON object."));
    };
    match policy_type {
        PolicyType::SubscriptionFilter => {
            if !doc.get("DestinationArn").is_some_and(Value::is_string) {
                return Err(bad("DestinationArn is required."));
            }
            if let Some(pattern) = doc.get("FilterPattern") {
                let pattern = pattern
                    .as_str()
                    .ok_or_else(|| bad("FilterPattern must be a string."))?;
                super::filter::parse_pattern(pattern, false)?;
            }
            if let Some(d) = doc.get("Distribution") {
                if !matches!(d.as_str(), Some("Random" | "ByLogStream")) {
                    return Err(bad("Distribution must be Random or ByLogStream."));
                }
            }
        }
        PolicyType::FieldIndex => {
            let fields = doc
                .get("Fields")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            let typed = doc
                .get("FieldsV2")
                .and_then(Value::as_object)
                .map_or(0, |o| o.len());
            if fields + typed == 0 {
                return Err(bad("it must contain at least one field index."));
            }
        }
        PolicyType::Retention => {
            let days = doc.get("retentionInDays");
            let ok = days.and_then(Value::as_str) == Some("NEVER_EXPIRE")
                || days.and_then(Value::as_i64).is_some_and(|d| {
                    d >= i64::from(MIN_ACCOUNT_RETENTION_DAYS)
                        && RETENTION_DAYS.iter().any(|r| i64::from(*r) == d)
                });
            if !ok {
                return Err(bad(
                    "retentionInDays must be NEVER_EXPIRE or one of 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653.",
                ));
            }
            if !matches!(
                doc.get("enforcementMode").and_then(Value::as_str),
                Some("NEW_ONLY" | "RETROACTIVE")
            ) {
                return Err(bad("enforcementMode must be NEW_ONLY or RETROACTIVE."));
            }
        }
        PolicyType::Transformer | PolicyType::MetricExtraction | PolicyType::DataProtection => {}
    }
    Ok(())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AccountPolicyOut {
    policy_name: String,
    policy_document: String,
    last_updated_time: i64,
    policy_type: &'static str,
    scope: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    selection_criteria: Option<String>,
    account_id: String,
}

impl AccountPolicyOut {
    fn new(p: AccountPolicy, account_id: &str) -> Self {
        Self {
            policy_name: p.name,
            policy_document: p.document,
            last_updated_time: p.last_updated_time,
            policy_type: p.policy_type.as_str(),
            scope: "ALL",
            selection_criteria: p.selection_criteria,
            account_id: account_id.to_owned(),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PutAccountPolicyInput {
    policy_name: Option<String>,
    policy_document: Option<String>,
    policy_type: Option<String>,
    scope: Option<String>,
    selection_criteria: Option<String>,
    dry_run: Option<bool>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PutAccountPolicyOutput {
    #[serde(skip_serializing_if = "Option::is_none")]
    account_policy: Option<AccountPolicyOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dry_run_result: Option<DryRunResult>,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct DryRunResult {
    total_matched_log_groups: usize,
    increased_retention_log_group_count: usize,
    decreased_retention_log_group_count: usize,
    unchanged_retention_log_group_count: usize,
    failed_analysis_count: usize,
}

/// The policy type member (required, the model's enum).
fn policy_type(v: &mut Violations, value: Option<&str>) -> Option<PolicyType> {
    let value = v.required("policyType", value)?;
    v.one_of("policyType", value, &POLICY_TYPES)
        .map(|i| PolicyType::ALL[i])
}

/// `dryRun` is valid only with RETENTION_POLICY (model doc).
fn check_dry_run(dry_run: bool, policy_type: PolicyType) -> LogsResult<()> {
    if dry_run && policy_type != PolicyType::Retention {
        return Err(invalid(
            "dryRun is supported only for policyType RETENTION_POLICY.".into(),
        ));
    }
    Ok(())
}

/// What a retention policy would do to the region's groups (DryRunResult): `days` `None` is
/// NEVER_EXPIRE; a group without retention keeps its events forever.
fn retention_dry_run(ctx: &Ctx<'_>, criteria: &Criteria, days: Option<i64>) -> DryRunResult {
    let mut result = DryRunResult::default();
    for group in ctx.region.all_groups() {
        let name = group.name();
        let matched = match criteria {
            Criteria::All => true,
            Criteria::Prefixes { values, .. } => {
                values.iter().any(|p| name.starts_with(p.as_str()))
            }
            _ => false,
        };
        if !matched {
            continue;
        }
        result.total_matched_log_groups += 1;
        let current = group.retention_in_days().map(i64::from);
        let forever = |d: Option<i64>| d.unwrap_or(i64::MAX);
        match forever(days).cmp(&forever(current)) {
            std::cmp::Ordering::Greater => result.increased_retention_log_group_count += 1,
            std::cmp::Ordering::Less => result.decreased_retention_log_group_count += 1,
            std::cmp::Ordering::Equal => result.unchanged_retention_log_group_count += 1,
        }
    }
    result
}

pub(super) fn put_account_policy(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: PutAccountPolicyInput = decode(body)?;
    let mut v = Violations::new();
    let name = v.required("policyName", input.policy_name.as_deref());
    let document = v.required("policyDocument", input.policy_document.as_deref());
    let policy_type = policy_type(&mut v, input.policy_type.as_deref());
    if let Some(scope) = &input.scope {
        v.one_of("scope", scope, &["ALL"]);
    }
    v.finish()?;
    let (name, document) = (name.unwrap_or_default(), document.unwrap_or_default());
    let policy_type = policy_type.expect("validated");
    if name
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("aws/"))
    {
        return Err(invalid("The policy name cannot start with aws/.".into()));
    }
    let dry_run = input.dry_run.unwrap_or(false);
    check_dry_run(dry_run, policy_type)?;
    let criteria = match &input.selection_criteria {
        None => Criteria::All,
        Some(text) => {
            if text.len() > MAX_SELECTION_CRITERIA_BYTES {
                return Err(invalid(format!(
                    "The selectionCriteria can be up to {MAX_SELECTION_CRITERIA_BYTES} bytes."
                )));
            }
            let criteria = parse_criteria(text)
                .ok_or_else(|| invalid(format!("Invalid selectionCriteria: {text}")))?;
            if !criteria_allowed(policy_type, &criteria) {
                return Err(invalid(format!(
                    "The selectionCriteria {text} is not supported for policy type {}.",
                    policy_type.as_str()
                )));
            }
            criteria
        }
    };
    let now = ctx.store.now();
    let masker = if policy_type == PolicyType::DataProtection {
        Some(compile(&read_policy_document(document)?)?)
    } else {
        check_document(policy_type, document)?;
        None
    };
    let transformer = if policy_type == PolicyType::Transformer {
        Some(super::transformers::read_account_document(document)?)
    } else {
        None
    };
    if dry_run {
        let doc: Value = serde_json::from_str(document).unwrap_or_default();
        let days = doc.get("retentionInDays").and_then(Value::as_i64);
        let output = PutAccountPolicyOutput {
            account_policy: None,
            dry_run_result: Some(retention_dry_run(ctx, &criteria, days)),
        };
        return Ok(Handled::json(encode(&output)));
    }
    let policy = AccountPolicy {
        name: name.to_owned(),
        policy_type,
        document: document.to_owned(),
        selection_criteria: input.selection_criteria.clone(),
        criteria,
        last_updated_time: now,
    };
    // Storing a policy creates its region if this is the region's first resource.
    let region = ctx.region_to_write();
    region.account_policies().put(policy.clone())?;
    if let Some(transformer) = transformer {
        region
            .account_transformers()
            .set(name, policy.criteria.clone(), transformer);
    }
    if let Some(masker) = masker {
        region.set_account_data_protection(
            Some(DataProtectionPolicy {
                document: document.to_owned(),
                last_updated_time: now,
                masker: masker.into(),
            }),
            now,
        );
    }
    let output = PutAccountPolicyOutput {
        account_policy: Some(AccountPolicyOut::new(policy, ctx.store.account_id())),
        dry_run_result: None,
    };
    Ok(Handled::json(encode(&output)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeAccountPoliciesInput {
    policy_type: Option<String>,
    policy_name: Option<String>,
    account_identifiers: Option<Vec<String>>,
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DescribeAccountPoliciesOutput {
    account_policies: Vec<AccountPolicyOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(super) fn describe_account_policies(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DescribeAccountPoliciesInput = decode(body)?;
    let mut v = Violations::new();
    let policy_type = policy_type(&mut v, input.policy_type.as_deref());
    if let Some(accounts) = &input.account_identifiers {
        v.count(
            "accountIdentifiers",
            accounts.len(),
            0,
            MAX_ACCOUNT_IDENTIFIERS,
        );
    }
    v.next_token(input.next_token.as_deref());
    v.finish()?;
    let account = ctx.store.account_id();
    // Only this account's policies exist here (no cross-account observability).
    let other_accounts = input
        .account_identifiers
        .as_ref()
        .is_some_and(|ids| !ids.is_empty() && !ids.iter().any(|id| id == account));
    let page = ctx.region.account_policies().page(
        ctx.region.fingerprint(),
        policy_type.expect("validated"),
        input.policy_name.as_deref(),
        input.next_token.as_deref(),
        DESCRIBE_PAGE,
    );
    let output = DescribeAccountPoliciesOutput {
        account_policies: if other_accounts {
            Vec::new()
        } else {
            page.items
                .into_iter()
                .map(|p| AccountPolicyOut::new(p, account))
                .collect()
        },
        next_token: page.next_token.filter(|_| !other_accounts),
    };
    Ok(Handled::json(encode(&output)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeleteAccountPolicyInput {
    policy_name: Option<String>,
    policy_type: Option<String>,
    dry_run: Option<bool>,
}

pub(super) fn delete_account_policy(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DeleteAccountPolicyInput = decode(body)?;
    let mut v = Violations::new();
    let name = v.required("policyName", input.policy_name.as_deref());
    let policy_type = policy_type(&mut v, input.policy_type.as_deref());
    v.finish()?;
    let (name, policy_type) = (name.unwrap_or_default(), policy_type.expect("validated"));
    let dry_run = input.dry_run.unwrap_or(false);
    check_dry_run(dry_run, policy_type)?;
    if dry_run {
        // Deleting a retention policy gives its groups back their own retention.
        let page = ctx.region.account_policies().page(
            ctx.region.fingerprint(),
            policy_type,
            Some(name),
            None,
            1,
        );
        let Some(policy) = page.items.into_iter().next() else {
            return Err(LogsError::policy_not_found(name));
        };
        let doc: Value = serde_json::from_str(&policy.document).unwrap_or_default();
        let days = doc.get("retentionInDays").and_then(Value::as_i64);
        // Each group goes from the policy's period back to its own: the reverse of a put.
        let mut result = retention_dry_run(ctx, &policy.criteria, days);
        std::mem::swap(
            &mut result.increased_retention_log_group_count,
            &mut result.decreased_retention_log_group_count,
        );
        return Ok(Handled::json(encode(&serde_json::json!({
            "dryRunResult": result
        }))));
    }
    ctx.region.account_policies().delete(policy_type, name)?;
    if policy_type == PolicyType::Transformer {
        ctx.region.account_transformers().remove(name);
    }
    if policy_type == PolicyType::DataProtection {
        ctx.region
            .set_account_data_protection(None, ctx.store.now());
    }
    Ok(Handled::empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_type_names_follow_the_store_order() {
        for (name, t) in POLICY_TYPES.iter().zip(PolicyType::ALL) {
            assert_eq!(*name, t.as_str());
        }
    }

    #[test]
    fn selection_criteria_forms() {
        assert_eq!(
            parse_criteria(r#"LogGroupName NOT IN ["a", "b"]"#),
            Some(Criteria::Names {
                negated: true,
                values: vec!["a".into(), "b".into()]
            })
        );
        assert_eq!(
            parse_criteria(r#"LogGroupNamePrefix IN ["/app"]"#),
            Some(Criteria::Prefixes {
                negated: false,
                values: vec!["/app".into()]
            })
        );
        assert_eq!(
            parse_criteria(r#"DataSourceName = "amazon_vpc" AND DataSourceType = "flow""#),
            Some(Criteria::DataSource {
                name: "amazon_vpc".into(),
                kind: "flow".into()
            })
        );
        for bad in [
            "",
            "LogGroupName IN []",
            "LogGroupName IS [\"a\"]",
            "Owner IN [\"a\"]",
            "DataSourceName = \"x\"",
        ] {
            assert_eq!(parse_criteria(bad), None, "{bad}");
        }
    }
}
