//! PutDestination, PutDestinationPolicy, DescribeDestinations, DeleteDestination: the region's
//! named aliases of a Kinesis stream or Firehose delivery stream, for cross-account
//! subscriptions. Their ARNs take tags (`ops/tags.rs`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::limits::{MAX_ACCESS_POLICY_BYTES, MAX_DESCRIBE_LIMIT, MAX_FILTER_NAME_LEN};
use crate::protocol::{decode, encode};
use crate::store::{Destination, TargetArn, Vendor};
use crate::validate::Violations;

/// The model's pattern for destination names (`DestinationName`).
const DESTINATION_NAME_PATTERN: &str = "[^:*]*";

/// A destination name: 1–512 characters, none of them `:` or `*` (model: `DestinationName`,
/// the same bounds as `FilterName`).
fn check_name(v: &mut Violations, field: &str, name: &str) {
    if v.length(field, name, 1, MAX_FILTER_NAME_LEN) {
        v.pattern(field, name, DESTINATION_NAME_PATTERN, |c| {
            c != ':' && c != '*'
        });
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PutDestinationInput {
    destination_name: Option<String>,
    target_arn: Option<String>,
    role_arn: Option<String>,
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DestinationOut {
    destination_name: String,
    target_arn: String,
    role_arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    access_policy: Option<String>,
    arn: String,
    creation_time: i64,
}

impl From<Destination> for DestinationOut {
    fn from(d: Destination) -> Self {
        Self {
            destination_name: d.name,
            target_arn: d.target_arn,
            role_arn: d.role_arn,
            access_policy: d.access_policy,
            arn: d.arn,
            creation_time: d.creation_time,
        }
    }
}

#[derive(Serialize)]
struct PutDestinationOutput {
    destination: DestinationOut,
}

pub(super) fn put_destination(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: PutDestinationInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(name) = v.required("destinationName", input.destination_name.as_deref()) {
        check_name(&mut v, "destinationName", name);
    }
    if let Some(arn) = v.required("targetArn", input.target_arn.as_deref()) {
        v.length("targetArn", arn, 1, usize::MAX);
    }
    if let Some(role) = v.required("roleArn", input.role_arn.as_deref()) {
        v.length("roleArn", role, 1, usize::MAX);
    }
    if let Some(tags) = &input.tags {
        v.tags("tags", tags);
    }
    v.finish()?;
    let target_arn = input.target_arn.unwrap_or_default();
    // A destination stands for a Kinesis stream or a Firehose delivery stream (the operation's
    // documentation); anything else could never be delivered to.
    if !TargetArn::parse(&target_arn)
        .is_some_and(|t| matches!(t.vendor, Vendor::Kinesis | Vendor::Firehose))
    {
        return Err(LogsError::InvalidParameter(format!(
            "Invalid targetArn {target_arn}: expected the ARN of a Kinesis stream or a Firehose \
             delivery stream."
        )));
    }
    let name = input.destination_name.unwrap_or_default();
    let role_arn = input.role_arn.unwrap_or_default();
    // Storing a destination creates its region if this is the region's first resource.
    let region = ctx.region_to_write();
    let table = region.destinations();
    // Putting an existing destination changes its target and role; its creation time, policy
    // and tags stay.
    let updated = table.update(&name, |d| {
        d.target_arn.clone_from(&target_arn);
        d.role_arn.clone_from(&role_arn);
        d.clone()
    });
    let destination = match updated {
        Ok(destination) => destination,
        Err(_) => {
            let destination = Destination {
                arn: ctx.region.destination_arn(&name),
                name,
                target_arn,
                role_arn,
                access_policy: None,
                creation_time: ctx.store.now(),
                tags: input.tags.unwrap_or_default(),
            };
            table.put(destination.clone())?;
            destination
        }
    };
    Ok(Handled::json(encode(&PutDestinationOutput {
        destination: destination.into(),
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PutDestinationPolicyInput {
    destination_name: Option<String>,
    access_policy: Option<String>,
    force_update: Option<bool>,
}

pub(super) fn put_destination_policy(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: PutDestinationPolicyInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(name) = v.required("destinationName", input.destination_name.as_deref()) {
        check_name(&mut v, "destinationName", name);
    }
    if let Some(policy) = v.required("accessPolicy", input.access_policy.as_deref()) {
        v.length("accessPolicy", policy, 1, usize::MAX);
    }
    v.finish()?;
    // `forceUpdate` only acknowledges a switch to organization-wide grants; there is no IAM here.
    let _ = input.force_update;
    let policy = input.access_policy.unwrap_or_default();
    if policy.len() > MAX_ACCESS_POLICY_BYTES {
        return Err(LogsError::InvalidParameter(format!(
            "The access policy is {} bytes; it can be up to {MAX_ACCESS_POLICY_BYTES} bytes.",
            policy.len()
        )));
    }
    if serde_json::from_str::<serde_json::Value>(&policy).map_or(true, |p| !p.is_object()) {
        return Err(LogsError::InvalidParameter(
            "The access policy is not a valid JSON policy document.".into(),
        ));
    }
    ctx.region.destinations().update(
        input.destination_name.as_deref().unwrap_or_default(),
        |d| {
            d.access_policy = Some(policy);
        },
    )?;
    Ok(Handled::empty())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeDestinationsInput {
    // The one member of the API spelled in PascalCase (model: `DestinationNamePrefix`).
    #[serde(rename = "DestinationNamePrefix")]
    destination_name_prefix: Option<String>,
    next_token: Option<String>,
    limit: Option<i64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DescribeDestinationsOutput {
    destinations: Vec<DestinationOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(super) fn describe_destinations(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DescribeDestinationsInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(prefix) = &input.destination_name_prefix {
        check_name(&mut v, "DestinationNamePrefix", prefix);
    }
    v.next_token(input.next_token.as_deref());
    let limit = v.limit(input.limit, MAX_DESCRIBE_LIMIT);
    v.finish()?;
    let page = ctx.region.destinations().page(
        ctx.region.fingerprint(),
        input.destination_name_prefix.as_deref().unwrap_or(""),
        input.next_token.as_deref(),
        limit,
        |_| true,
    );
    Ok(Handled::json(encode(&DescribeDestinationsOutput {
        destinations: page.items.into_iter().map(DestinationOut::from).collect(),
        next_token: page.next_token,
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeleteDestinationInput {
    destination_name: Option<String>,
}

pub(super) fn delete_destination(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DeleteDestinationInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(name) = v.required("destinationName", input.destination_name.as_deref()) {
        check_name(&mut v, "destinationName", name);
    }
    v.finish()?;
    ctx.region
        .destinations()
        .delete(input.destination_name.as_deref().unwrap_or_default())?;
    Ok(Handled::empty())
}
