//! PutRetentionPolicy, DeleteRetentionPolicy. Expiry itself is applied where events are read
//! and written (`events.rs`), driven by the injected clock.

use serde::Deserialize;

use super::validate::Violations;
use super::{Ctx, Handled};
use crate::error::LogsResult;
use crate::limits::RETENTION_DAYS;
use crate::protocol::decode;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PutRetentionPolicyInput {
    log_group_name: Option<String>,
    retention_in_days: Option<i64>,
}

pub(super) fn put_retention_policy(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: PutRetentionPolicyInput = decode(body)?;
    let mut v = Violations::new();
    let name = v.required_group_name(input.log_group_name.as_deref());
    let days = v
        .required("retentionInDays", input.retention_in_days.as_ref())
        .copied();
    if let Some(days) = days {
        let allowed: Vec<String> = RETENTION_DAYS.iter().map(i32::to_string).collect();
        let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
        v.one_of("retentionInDays", &days.to_string(), &allowed);
    }
    v.finish()?;
    let days = i32::try_from(days.unwrap_or_default()).unwrap_or_default();
    let group = ctx.group(name)?;
    group.update_settings(|settings| settings.retention_in_days = Some(days));
    super::events::expire(&group, ctx.store.now());
    Ok(Handled::empty())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeleteRetentionPolicyInput {
    log_group_name: Option<String>,
}

pub(super) fn delete_retention_policy(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DeleteRetentionPolicyInput = decode(body)?;
    let mut v = Violations::new();
    let name = v.required_group_name(input.log_group_name.as_deref());
    v.finish()?;
    ctx.group(name)?
        .update_settings(|settings| settings.retention_in_days = None);
    Ok(Handled::empty())
}
