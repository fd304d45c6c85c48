//! PutSyslogConfiguration, ListSyslogConfigurations, DeleteSyslogConfiguration,
//! PutStorageTierPolicy, GetStorageTierPolicy: configuration the model describes (botocore
//! 1.44), stored and described; nothing listens for syslog and nothing is tiered.

use serde::{Deserialize, Serialize};

use super::{resolve_group, Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::limits::MAX_LIST_SYSLOG_CONFIGURATIONS;
use crate::protocol::{decode, encode};
use crate::store::indexes::{StorageTierPolicy, SyslogConfiguration};
use crate::store::listing::Listing;
use crate::validate::Violations;

/// The model's `VpcEndpointId` pattern.
const VPC_ENDPOINT_PATTERN: &str = "^vpce-[0-9a-f]{1,64}$";
/// The model's `StorageTier` values.
const STORAGE_TIERS: [&str; 2] = ["STANDARD", "INTELLIGENT_TIERING"];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SyslogInput {
    log_group_identifier: Option<String>,
    vpc_endpoint_id: Option<String>,
    next_token: Option<String>,
    max_results: Option<i64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SyslogOut {
    log_group_arn: String,
    source_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    vpc_endpoint_id: Option<String>,
    created_at: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListSyslogOutput {
    syslog_configurations: Vec<SyslogOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// Checks the optional members every syslog operation shares.
fn common<'i>(v: &mut Violations, input: &'i SyslogInput) -> Option<&'i str> {
    if let Some(id) = &input.log_group_identifier {
        v.log_group_identifier("logGroupIdentifier", id);
    }
    if let Some(vpce) = &input.vpc_endpoint_id {
        let ok = vpce.strip_prefix("vpce-").is_some_and(|hex| {
            (1..=64).contains(&hex.len())
                && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        });
        if !ok {
            v.pattern("vpcEndpointId", vpce, VPC_ENDPOINT_PATTERN, |_| false);
        }
    }
    input.log_group_identifier.as_deref()
}

fn not_found() -> LogsError {
    LogsError::ResourceNotFound("The specified syslog configuration does not exist.".into())
}

pub(super) fn put_syslog_configuration(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: SyslogInput = decode(body)?;
    let mut v = Violations::new();
    let id = v.required("logGroupIdentifier", input.log_group_identifier.as_deref());
    common(&mut v, &input);
    v.finish()?;
    let group = resolve_group(ctx, None, id)?;
    let created_at = group
        .syslog_configuration()
        .map_or_else(|| ctx.store.now(), |c| c.created_at);
    group.set_syslog_configuration(Some(SyslogConfiguration {
        vpc_endpoint_id: input.vpc_endpoint_id.clone(),
        created_at,
    }));
    Ok(Handled::empty())
}

pub(super) fn list_syslog_configurations(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: SyslogInput = decode(body)?;
    let mut v = Violations::new();
    let id = common(&mut v, &input);
    v.next_token(input.next_token.as_deref());
    let limit = v.page_size(
        "maxResults",
        input.max_results,
        0,
        MAX_LIST_SYSLOG_CONFIGURATIONS,
        MAX_LIST_SYSLOG_CONFIGURATIONS as usize,
    );
    v.finish()?;
    let groups = match id {
        Some(id) => vec![resolve_group(ctx, None, Some(id))?],
        None => ctx.region.all_groups(),
    };
    let items: Vec<(String, SyslogOut)> = groups
        .iter()
        .filter_map(|group| {
            let config = group.syslog_configuration()?;
            if input.vpc_endpoint_id.is_some() && config.vpc_endpoint_id != input.vpc_endpoint_id {
                return None;
            }
            Some((
                group.name().to_owned(),
                SyslogOut {
                    log_group_arn: group.arn().to_owned(),
                    source_type: "VPCE",
                    vpc_endpoint_id: config.vpc_endpoint_id,
                    created_at: config.created_at,
                },
            ))
        })
        .collect();
    // maxResults 0 is in the model's range; it answers as the default page.
    let limit = if limit == 0 {
        MAX_LIST_SYSLOG_CONFIGURATIONS as usize
    } else {
        limit
    };
    let page = Listing::new("ListSyslogConfigurations", ctx.region.fingerprint()).page_of(
        input.next_token.as_deref(),
        limit,
        items,
    );
    Ok(Handled::json(encode(&ListSyslogOutput {
        syslog_configurations: page.items,
        next_token: page.next_token,
    })))
}

pub(super) fn delete_syslog_configuration(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: SyslogInput = decode(body)?;
    let mut v = Violations::new();
    let id = v.required("logGroupIdentifier", input.log_group_identifier.as_deref());
    common(&mut v, &input);
    v.finish()?;
    let group = resolve_group(ctx, None, id)?;
    let config = group.syslog_configuration().ok_or_else(not_found)?;
    if input.vpc_endpoint_id.is_some() && config.vpc_endpoint_id != input.vpc_endpoint_id {
        return Err(not_found());
    }
    group.set_syslog_configuration(None);
    Ok(Handled::empty())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StorageTierInput {
    storage_tier: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StorageTierOutput {
    storage_tier: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_updated_time: Option<i64>,
}

pub(super) fn put_storage_tier_policy(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: StorageTierInput = decode(body)?;
    let mut v = Violations::new();
    let tier = v.required("storageTier", input.storage_tier.as_deref());
    if let Some(tier) = tier {
        v.one_of("storageTier", tier, &STORAGE_TIERS);
    }
    v.finish()?;
    let policy = StorageTierPolicy {
        storage_tier: tier.unwrap_or_default().to_owned(),
        last_updated_time: ctx.store.now(),
    };
    ctx.region_to_write().set_storage_tier(policy.clone());
    Ok(Handled::json(encode(&StorageTierOutput {
        storage_tier: policy.storage_tier,
        last_updated_time: Some(policy.last_updated_time),
    })))
}

pub(super) fn get_storage_tier_policy(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let _: StorageTierInput = decode(body)?;
    // An account that never set a tier is on STANDARD.
    let policy = ctx.region.storage_tier();
    Ok(Handled::json(encode(&StorageTierOutput {
        storage_tier: policy
            .as_ref()
            .map_or_else(|| "STANDARD".to_owned(), |p| p.storage_tier.clone()),
        last_updated_time: policy.map(|p| p.last_updated_time),
    })))
}
