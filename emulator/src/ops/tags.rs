//! Tags: TagResource, UntagResource, ListTagsForResource on log group ARNs, and the legacy
//! TagLogGroup, UntagLogGroup, ListTagsLogGroup on group names.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::limits::{MAX_RESOURCE_ARN_LEN, MAX_TAGS, MAX_TAG_KEY_LEN};
use crate::protocol::{decode, encode};
use crate::store::LogGroup;
use crate::validate::Violations;

/// The model's pattern for `resourceArn` (`AmazonResourceName`).
const RESOURCE_ARN_PATTERN: &str = r"[\w+=/:,.@-]*";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResourceInput {
    resource_arn: Option<String>,
    tags: Option<BTreeMap<String, String>>,
    tag_keys: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LegacyTagInput {
    log_group_name: Option<String>,
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LegacyUntagInput {
    log_group_name: Option<String>,
    tags: Option<Vec<String>>,
}

#[derive(Serialize)]
struct TagsOutput<'a> {
    tags: &'a BTreeMap<String, String>,
}

/// Validates `resourceArn` and finds the log group it names.
fn group_by_arn(ctx: &Ctx<'_>, v: &mut Violations, arn: Option<&str>) -> LogsResult<Arc<LogGroup>> {
    let arn = match v.required("resourceArn", arn) {
        Some(arn) => {
            if v.length("resourceArn", arn, 1, MAX_RESOURCE_ARN_LEN) {
                v.pattern("resourceArn", arn, RESOURCE_ARN_PATTERN, |c| {
                    c.is_ascii_alphanumeric() || "_+=/:,.@-".contains(c)
                });
            }
            arn
        }
        None => "",
    };
    std::mem::take(v).finish()?;
    if !arn.starts_with("arn:") {
        return Err(LogsError::InvalidParameter(format!(
            "Invalid resource ARN {arn}: expected arn:aws:logs:<region>:<account>:log-group:<name>"
        )));
    }
    ctx.group(&super::group_name_in(ctx, arn)?)
}

fn check_tag_keys(v: &mut Violations, field: &str, keys: &[String]) {
    for (i, key) in keys.iter().enumerate() {
        v.length(
            &format!("{field}.{}.member", i + 1),
            key,
            1,
            MAX_TAG_KEY_LEN,
        );
    }
}

/// AWS's message past [`MAX_TAGS`] tags.
const TOO_MANY_TAGS: &str = "A resource can have no more than 50 tags.";

/// Merges `tags` into the group's; `too_many` is the error when the result exceeds [`MAX_TAGS`].
fn add_tags(
    group: &LogGroup,
    tags: BTreeMap<String, String>,
    too_many: impl FnOnce() -> LogsError,
) -> LogsResult<()> {
    group.update_settings(|settings| {
        let added = tags
            .keys()
            .filter(|k| !settings.tags.contains_key(*k))
            .count();
        if settings.tags.len() + added > MAX_TAGS {
            return Err(too_many());
        }
        settings.tags.extend(tags);
        Ok(())
    })
}

fn remove_tags(group: &LogGroup, keys: &[String]) {
    group.update_settings(|settings| {
        for key in keys {
            settings.tags.remove(key);
        }
    });
}

fn list(group: &LogGroup) -> Handled {
    let tags = group.settings().tags;
    Handled::json(encode(&TagsOutput { tags: &tags }))
}

pub(super) fn tag_resource(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: ResourceInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(tags) = v.required("tags", input.tags.as_ref()) {
        v.tags("tags", tags);
    }
    let group = group_by_arn(ctx, &mut v, input.resource_arn.as_deref())?;
    let arn = input.resource_arn.clone().unwrap_or_default();
    add_tags(&group, input.tags.unwrap_or_default(), || {
        LogsError::TooManyTags {
            message: TOO_MANY_TAGS.into(),
            resource_name: arn,
        }
    })?;
    Ok(Handled::empty())
}

pub(super) fn untag_resource(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: ResourceInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(keys) = v.required("tagKeys", input.tag_keys.as_ref()) {
        if v.count("tagKeys", keys.len(), 0, MAX_TAGS) {
            check_tag_keys(&mut v, "tagKeys", keys);
        }
    }
    let group = group_by_arn(ctx, &mut v, input.resource_arn.as_deref())?;
    remove_tags(&group, &input.tag_keys.unwrap_or_default());
    Ok(Handled::empty())
}

pub(super) fn list_tags_for_resource(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: ResourceInput = decode(body)?;
    let mut v = Violations::new();
    let group = group_by_arn(ctx, &mut v, input.resource_arn.as_deref())?;
    Ok(list(&group))
}

pub(super) fn tag_log_group(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: LegacyTagInput = decode(body)?;
    let mut v = Violations::new();
    let name = v.required_group_name(input.log_group_name.as_deref());
    if let Some(tags) = v.required("tags", input.tags.as_ref()) {
        v.tags("tags", tags);
    }
    v.finish()?;
    let group = ctx.group(name)?;
    add_tags(&group, input.tags.clone().unwrap_or_default(), || {
        LogsError::InvalidParameter(TOO_MANY_TAGS.into())
    })?;
    Ok(Handled::empty())
}

pub(super) fn untag_log_group(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: LegacyUntagInput = decode(body)?;
    let mut v = Violations::new();
    let name = v.required_group_name(input.log_group_name.as_deref());
    if let Some(keys) = v.required("tags", input.tags.as_ref()) {
        if v.count("tags", keys.len(), 1, usize::MAX) {
            check_tag_keys(&mut v, "tags", keys);
        }
    }
    v.finish()?;
    let group = ctx.group(name)?;
    remove_tags(&group, input.tags.as_deref().unwrap_or_default());
    Ok(Handled::empty())
}

pub(super) fn list_tags_log_group(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: LegacyTagInput = decode(body)?;
    let mut v = Violations::new();
    let name = v.required_group_name(input.log_group_name.as_deref());
    v.finish()?;
    let group = ctx.group(name)?;
    Ok(list(&group))
}
