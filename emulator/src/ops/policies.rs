//! PutResourcePolicy, DescribeResourcePolicies, DeleteResourcePolicy.

use serde::{Deserialize, Serialize};

use super::{Ctx, Handled};
use crate::error::LogsResult;
use crate::limits::{MAX_DESCRIBE_LIMIT, MAX_POLICY_DOCUMENT_LEN};
use crate::protocol::{decode, encode};
use crate::store::listing::{ListPage, Listing};
use crate::store::{LogGroup, ResourcePolicy};
use crate::validate::Violations;

/// The model's `PolicyScope` enum.
const POLICY_SCOPES: [&str; 2] = ["ACCOUNT", "RESOURCE"];

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResourcePolicyOut {
    policy_name: String,
    policy_document: String,
    last_updated_time: i64,
    policy_scope: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    revision_id: Option<String>,
}

impl From<ResourcePolicy> for ResourcePolicyOut {
    fn from(p: ResourcePolicy) -> Self {
        Self {
            policy_name: p.name,
            policy_document: p.document,
            last_updated_time: p.last_updated_time,
            policy_scope: if p.resource_arn.is_some() {
                "RESOURCE"
            } else {
                "ACCOUNT"
            },
            resource_arn: p.resource_arn,
            revision_id: p.revision_id,
        }
    }
}

/// The log group a `resourceArn` names (only log group ARNs are supported, model doc).
fn policy_group(ctx: &Ctx<'_>, arn: &str) -> LogsResult<std::sync::Arc<LogGroup>> {
    ctx.group(&super::group_name_in(ctx, arn)?)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PutResourcePolicyInput {
    policy_name: Option<String>,
    policy_document: Option<String>,
    resource_arn: Option<String>,
    expected_revision_id: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PutResourcePolicyOutput {
    resource_policy: ResourcePolicyOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    revision_id: Option<String>,
}

pub(super) fn put_resource_policy(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: PutResourcePolicyInput = decode(body)?;
    let mut v = Violations::new();
    // The model marks neither required; its doc says both are ("This parameter is required.").
    let name = v.required("policyName", input.policy_name.as_deref());
    let document = v.required("policyDocument", input.policy_document.as_deref());
    if let Some(document) = document {
        v.length("policyDocument", document, 1, MAX_POLICY_DOCUMENT_LEN);
    }
    if let Some(expected) = &input.expected_revision_id {
        v.length("expectedRevisionId", expected, 1, usize::MAX);
    }
    v.finish()?;
    let (name, document) = (name.unwrap_or_default(), document.unwrap_or_default());
    let policy = match &input.resource_arn {
        Some(arn) => {
            let group = policy_group(ctx, arn)?;
            group.resource_policy().put(
                group.arn(),
                ctx.store.now(),
                name,
                document,
                input.expected_revision_id.as_deref(),
            )?
        }
        None => {
            let policy = ResourcePolicy {
                name: name.to_owned(),
                document: document.to_owned(),
                last_updated_time: ctx.store.now(),
                resource_arn: None,
                revision_id: None,
            };
            ctx.region_to_write()
                .resource_policies()
                .put(policy.clone())?;
            policy
        }
    };
    let output = PutResourcePolicyOutput {
        revision_id: policy.revision_id.clone(),
        resource_policy: policy.into(),
    };
    Ok(Handled::json(encode(&output)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeResourcePoliciesInput {
    next_token: Option<String>,
    limit: Option<i64>,
    resource_arn: Option<String>,
    policy_scope: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DescribeResourcePoliciesOutput {
    resource_policies: Vec<ResourcePolicyOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(super) fn describe_resource_policies(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DescribeResourcePoliciesInput = decode(body)?;
    let mut v = Violations::new();
    v.next_token(input.next_token.as_deref());
    let limit = v.limit(input.limit, MAX_DESCRIBE_LIMIT);
    let scope = input
        .policy_scope
        .as_deref()
        .and_then(|s| v.one_of("policyScope", s, &POLICY_SCOPES));
    v.finish()?;
    let token = input.next_token.as_deref();
    // ACCOUNT by default (model doc); a `resourceArn` asks for that resource's policy.
    let resource_scope = match scope {
        Some(i) => POLICY_SCOPES[i] == "RESOURCE",
        None => input.resource_arn.is_some(),
    };
    let page = if !resource_scope {
        ctx.region
            .resource_policies()
            .page(ctx.region.fingerprint(), "", token, limit, |_| true)
    } else {
        let groups = match &input.resource_arn {
            Some(arn) => vec![policy_group(ctx, arn)?],
            None => ctx.region.all_groups(),
        };
        Listing::new(
            "DescribeResourcePolicies/resource",
            ctx.region.fingerprint(),
        )
        .page(token, limit, |after: Option<&String>| {
            groups
                .iter()
                .filter(move |g| after.is_none_or(|a| g.name() > a.as_str()))
                .filter_map(|g| g.resource_policy().get().map(|p| (g.name().to_owned(), p)))
                .collect::<Vec<_>>()
                .into_iter()
        })
    };
    let ListPage { items, next_token } = page;
    let output = DescribeResourcePoliciesOutput {
        resource_policies: items.into_iter().map(Into::into).collect(),
        next_token,
    };
    Ok(Handled::json(encode(&output)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeleteResourcePolicyInput {
    policy_name: Option<String>,
    resource_arn: Option<String>,
    expected_revision_id: Option<String>,
}

pub(super) fn delete_resource_policy(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DeleteResourcePolicyInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(expected) = &input.expected_revision_id {
        v.length("expectedRevisionId", expected, 1, usize::MAX);
    }
    let name = match input.resource_arn {
        Some(_) => None,
        None => v.required("policyName", input.policy_name.as_deref()),
    };
    v.finish()?;
    match &input.resource_arn {
        Some(arn) => {
            let group = policy_group(ctx, arn)?;
            group
                .resource_policy()
                .delete(group.arn(), input.expected_revision_id.as_deref())?;
        }
        None => {
            ctx.region
                .resource_policies()
                .delete(name.unwrap_or_default())?;
        }
    }
    Ok(Handled::empty())
}
