//! PutRetentionPolicy, DeleteRetentionPolicy. Expiry itself is the store's: every read and
//! write path of a group applies it (`store::group`), driven by the injected clock.

use serde::Deserialize;

use super::{Ctx, Handled};
use crate::error::LogsResult;
use crate::limits::RETENTION_DAYS;
use crate::protocol::decode;
use crate::validate::Violations;

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
    ctx.group(name)?.set_retention(Some(days));
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
    ctx.group(name)?.set_retention(None);
    Ok(Handled::empty())
}
