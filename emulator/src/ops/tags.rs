//! Tags: TagResource, UntagResource, ListTagsForResource on log group and destination ARNs,
//! and the legacy TagLogGroup, UntagLogGroup, ListTagsLogGroup on group names.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::limits::{MAX_RESOURCE_ARN_LEN, MAX_TAGS, MAX_TAG_KEY_LEN};
use crate::protocol::{decode, encode};
use crate::store::resources::Resource;
use crate::store::{Destination, LogGroup};
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

/// A resource that takes tags: the record that holds them.
enum Tagged {
    Group(Arc<LogGroup>),
    /// A destination of the request's region, by name.
    Destination(String),
    /// A log anomaly detector of the request's region, by ARN.
    AnomalyDetector(String),
}

impl Tagged {
    /// Changes the resource's tags.
    fn update<T>(
        &self,
        ctx: &Ctx<'_>,
        change: impl FnOnce(&mut BTreeMap<String, String>) -> T,
    ) -> LogsResult<T> {
        match self {
            Self::Group(group) => Ok(group.update_settings(|settings| change(&mut settings.tags))),
            Self::Destination(name) => ctx
                .region
                .destinations()
                .update(name, |d| change(&mut d.tags)),
            Self::AnomalyDetector(arn) => ctx
                .region
                .anomaly_detectors()
                .update(arn, |d| change(&mut d.tags)),
        }
    }
}

/// Validates `resourceArn` and finds the log group or destination it names.
fn resource_by_arn(ctx: &Ctx<'_>, v: &mut Violations, arn: Option<&str>) -> LogsResult<Tagged> {
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
    // arn:<partition>:logs:<region>:<account>:destination:<name>
    let parts: Vec<&str> = arn.splitn(7, ':').collect();
    if let [_, _, "logs", region, account, "destination", name] = parts[..] {
        if region != ctx.region.name() || account != ctx.store.account_id() {
            return Err(<Destination as Resource>::not_found());
        }
        return Ok(Tagged::Destination(name.to_owned()));
    }
    if let [_, _, "logs", _, _, "anomaly-detector", _] = parts[..] {
        return Ok(Tagged::AnomalyDetector(arn.to_owned()));
    }
    Ok(Tagged::Group(ctx.group(&super::group_name_in(ctx, arn)?)?))
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

/// Merges `tags` into `current`; `too_many` is the error when the result exceeds [`MAX_TAGS`].
fn add_tags(
    current: &mut BTreeMap<String, String>,
    tags: BTreeMap<String, String>,
    too_many: impl FnOnce() -> LogsError,
) -> LogsResult<()> {
    let added = tags.keys().filter(|k| !current.contains_key(*k)).count();
    if current.len() + added > MAX_TAGS {
        return Err(too_many());
    }
    current.extend(tags);
    Ok(())
}

fn remove_tags(current: &mut BTreeMap<String, String>, keys: &[String]) {
    for key in keys {
        current.remove(key);
    }
}

fn list(tags: &BTreeMap<String, String>) -> Handled {
    Handled::json(encode(&TagsOutput { tags }))
}

pub(super) fn tag_resource(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: ResourceInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(tags) = v.required("tags", input.tags.as_ref()) {
        v.tags("tags", tags);
    }
    let resource = resource_by_arn(ctx, &mut v, input.resource_arn.as_deref())?;
    let arn = input.resource_arn.clone().unwrap_or_default();
    let tags = input.tags.unwrap_or_default();
    resource.update(ctx, |current| {
        add_tags(current, tags, || LogsError::TooManyTags {
            message: TOO_MANY_TAGS.into(),
            resource_name: arn,
        })
    })??;
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
    let resource = resource_by_arn(ctx, &mut v, input.resource_arn.as_deref())?;
    let keys = input.tag_keys.unwrap_or_default();
    resource.update(ctx, |current| remove_tags(current, &keys))?;
    Ok(Handled::empty())
}

pub(super) fn list_tags_for_resource(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: ResourceInput = decode(body)?;
    let mut v = Violations::new();
    let resource = resource_by_arn(ctx, &mut v, input.resource_arn.as_deref())?;
    resource.update(ctx, |current| list(current))
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
    let tags = input.tags.clone().unwrap_or_default();
    group.update_settings(|settings| {
        add_tags(&mut settings.tags, tags, || {
            LogsError::InvalidParameter(TOO_MANY_TAGS.into())
        })
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
    group.update_settings(|settings| {
        remove_tags(
            &mut settings.tags,
            input.tags.as_deref().unwrap_or_default(),
        );
    });
    Ok(Handled::empty())
}

pub(super) fn list_tags_log_group(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: LegacyTagInput = decode(body)?;
    let mut v = Violations::new();
    let name = v.required_group_name(input.log_group_name.as_deref());
    v.finish()?;
    let group = ctx.group(name)?;
    Ok(list(&group.settings().tags))
}
