//! AssociateKmsKey, DisassociateKmsKey, and the key-ARN check CreateLogGroup shares. The key
//! is recorded and shown (DescribeLogGroups `kmsKeyId`); nothing is encrypted.

use serde::Deserialize;

use super::{Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::limits::{MAX_KMS_KEY_ID_LEN, MAX_RESOURCE_IDENTIFIER_LEN};
use crate::protocol::decode;
use crate::validate::Violations;

/// The model's pattern of `ResourceIdentifier`.
const RESOURCE_IDENTIFIER_PATTERN: &str = r"[\w+=/:,.@\-\*]*";

/// Checks that `key` is a KMS key ARN of this region (`arn:<partition>:kms:<region>:<account>:
/// key/<id>`), the only form CloudWatch Logs takes (model doc of `kmsKeyId`). AWS answers a key
/// id, an alias or an alias ARN as a key it cannot find, naming the resource it was for
/// (hashicorp/terraform#24194, aws-samples/hub-and-spoke-with-inspection-vpc-terraform#2).
pub(super) fn check_key_arn(ctx: &Ctx<'_>, key: &str, target: &str) -> LogsResult<()> {
    let mut parts = key.splitn(6, ':');
    let ok = parts.next() == Some("arn")
        && parts.next().is_some_and(|p| !p.is_empty())
        && parts.next() == Some("kms")
        && parts.next() == Some(ctx.region.name())
        && parts
            .next()
            .is_some_and(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
        && parts
            .next()
            .and_then(|r| r.strip_prefix("key/"))
            .is_some_and(|id| !id.is_empty());
    if ok {
        Ok(())
    } else {
        Err(LogsError::InvalidParameter(format!(
            "The specified KMS Key Id could not be found. '{target}'"
        )))
    }
}

/// What a KMS operation applies to.
enum Target {
    Group(String),
    QueryResults,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KmsKeyInput {
    log_group_name: Option<String>,
    kms_key_id: Option<String>,
    resource_identifier: Option<String>,
}

impl KmsKeyInput {
    /// Validates the members both operations share; gives back the target.
    fn target(&self, ctx: &Ctx<'_>, v: &mut Violations) -> LogsResult<Option<Target>> {
        if let Some(name) = &self.log_group_name {
            v.log_group_name("logGroupName", name);
        }
        if let Some(id) = &self.resource_identifier {
            if v.length("resourceIdentifier", id, 1, MAX_RESOURCE_IDENTIFIER_LEN) {
                v.pattern("resourceIdentifier", id, RESOURCE_IDENTIFIER_PATTERN, |c| {
                    c.is_alphanumeric() || "_+=/:,.@-*".contains(c)
                });
            }
        }
        Ok(match (&self.log_group_name, &self.resource_identifier) {
            (Some(name), None) => Some(Target::Group(name.clone())),
            (None, Some(id)) => Some(resource_target(ctx, id)?),
            // Reported after the model's checks (see `finish_target`).
            _ => None,
        })
    }
}

/// The target a `resourceIdentifier` names: the account's query results
/// (`arn:aws:logs:<region>:<account>:query-result:*`) or a log group ARN (model doc).
fn resource_target(ctx: &Ctx<'_>, id: &str) -> LogsResult<Target> {
    let query_results = format!(
        "arn:aws:logs:{}:{}:query-result:*",
        ctx.region.name(),
        ctx.store.account_id()
    );
    if id == query_results {
        return Ok(Target::QueryResults);
    }
    if id.contains(":log-group:") {
        return Ok(Target::Group(super::group_name_in(ctx, id)?));
    }
    Err(LogsError::InvalidParameter(format!(
        "Invalid resourceIdentifier: {id}. It must be a log group ARN or {query_results}"
    )))
}

fn finish_target(target: Option<Target>, input: &KmsKeyInput) -> LogsResult<Target> {
    match target {
        Some(target) => Ok(target),
        None if input.log_group_name.is_some() => Err(LogsError::InvalidParameter(
            "LogGroup name and resource identifier are mutually exclusive parameters.".into(),
        )),
        None => Err(LogsError::InvalidParameter(
            "Either logGroupName or resourceIdentifier must be provided.".into(),
        )),
    }
}

pub(super) fn associate_kms_key(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: KmsKeyInput = decode(body)?;
    let mut v = Violations::new();
    let key = v.required("kmsKeyId", input.kms_key_id.as_deref());
    if let Some(key) = key {
        v.length("kmsKeyId", key, 0, MAX_KMS_KEY_ID_LEN);
    }
    let target = input.target(ctx, &mut v);
    v.finish()?;
    let key = key.unwrap_or_default();
    match finish_target(target?, &input)? {
        Target::Group(name) => {
            let group = ctx.group(&name)?;
            check_key_arn(ctx, key, &name)?;
            group.update_settings(|s| s.kms_key_id = Some(key.to_owned()));
        }
        Target::QueryResults => {
            check_key_arn(ctx, key, input.resource_identifier.as_deref().unwrap_or(""))?;
            ctx.region_to_write()
                .set_query_results_kms_key(Some(key.to_owned()));
        }
    }
    Ok(Handled::empty())
}

pub(super) fn disassociate_kms_key(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: KmsKeyInput = decode(body)?;
    let mut v = Violations::new();
    let target = input.target(ctx, &mut v);
    v.finish()?;
    match finish_target(target?, &input)? {
        Target::Group(name) => ctx.group(&name)?.update_settings(|s| s.kms_key_id = None),
        Target::QueryResults => ctx.region.set_query_results_kms_key(None),
    }
    Ok(Handled::empty())
}
