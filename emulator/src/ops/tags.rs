//! Tags: TagResource, UntagResource, ListTagsForResource on any taggable ARN (one registry,
//! [`TAGGABLE`], resolves them), and the legacy TagLogGroup, UntagLogGroup, ListTagsLogGroup on group names.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::limits::{MAX_RESOURCE_ARN_LEN, MAX_TAGS, MAX_TAG_KEY_LEN};
use crate::protocol::{decode, encode};
use crate::store::anomaly_detectors::AnomalyDetector;
use crate::store::deliveries::{Delivery, DeliveryDestination, DeliverySource};
use crate::store::lookup_tables::LookupTable;
use crate::store::resources::Resource;
use crate::store::scheduled_queries::ScheduledQuery;
use crate::store::Destination;
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

/// Changes a tag map (type-erased so every taggable type fits one registry entry shape).
type TagChange<'c> = &'c mut dyn FnMut(&mut BTreeMap<String, String>);

/// One type of resource TagResource accepts: the ARN resource type that names it
/// (`arn:<partition>:logs:<region>:<account>:<resource_type>:<name>`) and how to reach the
/// tags of the one called `name` in the request's region. A new taggable resource type is one
/// more entry of [`TAGGABLE`].
struct TaggableType {
    resource_type: &'static str,
    with_tags: fn(&Ctx<'_>, &str, TagChange<'_>) -> LogsResult<()>,
    not_found: fn() -> LogsError,
}

/// Every resource type AWS lets you tag that exists here: log groups and destinations (the
/// model's TagResource `resourceArn`), and the newer APIs' delivery sources, destinations,
/// deliveries, lookup tables, scheduled queries and anomaly detectors (their Create/Put take `tags`).
const TAGGABLE: &[TaggableType] = &[
    TaggableType {
        resource_type: "log-group",
        with_tags: |ctx, name, change| {
            let group = ctx.group(name.strip_suffix(":*").unwrap_or(name))?;
            group.update_settings(|settings| change(&mut settings.tags));
            Ok(())
        },
        not_found: LogsError::log_group_not_found,
    },
    TaggableType {
        resource_type: "destination",
        with_tags: |ctx, name, change| {
            ctx.region
                .destinations()
                .update(name, |d| change(&mut d.tags))
        },
        not_found: <Destination as Resource>::not_found,
    },
    TaggableType {
        resource_type: "delivery-source",
        with_tags: |ctx, name, change| {
            ctx.region
                .deliveries()
                .sources()
                .update(name, |s| change(&mut s.tags))
        },
        not_found: <DeliverySource as Resource>::not_found,
    },
    TaggableType {
        resource_type: "delivery-destination",
        with_tags: |ctx, name, change| {
            ctx.region
                .deliveries()
                .destinations()
                .update(name, |d| change(&mut d.tags))
        },
        not_found: <DeliveryDestination as Resource>::not_found,
    },
    TaggableType {
        resource_type: "delivery",
        with_tags: |ctx, id, change| {
            ctx.region
                .deliveries()
                .deliveries()
                .update(id, |d| change(&mut d.tags))
        },
        not_found: <Delivery as Resource>::not_found,
    },
    TaggableType {
        resource_type: "lookup-table",
        with_tags: |ctx, name, change| {
            ctx.region
                .lookup_tables()
                .update(name, |t| change(&mut t.tags))
        },
        not_found: <LookupTable as Resource>::not_found,
    },
    TaggableType {
        resource_type: "scheduled-query",
        with_tags: |ctx, name, change| {
            ctx.region
                .scheduled_queries()
                .update(name, |q| change(&mut q.tags))
        },
        not_found: <ScheduledQuery as Resource>::not_found,
    },
    TaggableType {
        resource_type: "anomaly-detector",
        // The detectors are kept by ARN.
        with_tags: |ctx, id, change| {
            let arn = format!(
                "arn:{}:logs:{}:{}:anomaly-detector:{id}",
                ctx.region.partition(),
                ctx.region.name(),
                ctx.store.account_id()
            );
            ctx.region
                .anomaly_detectors()
                .update(&arn, |d| change(&mut d.tags))
        },
        not_found: <AnomalyDetector as Resource>::not_found,
    },
];

/// A resource `resourceArn` names, found through [`TAGGABLE`].
struct Tagged {
    kind: &'static TaggableType,
    name: String,
}

impl Tagged {
    /// Changes the resource's tags.
    fn update<T>(
        &self,
        ctx: &Ctx<'_>,
        change: impl FnOnce(&mut BTreeMap<String, String>) -> T,
    ) -> LogsResult<T> {
        let mut change = Some(change);
        let mut outcome = None;
        (self.kind.with_tags)(ctx, &self.name, &mut |tags| {
            if let Some(change) = change.take() {
                outcome = Some(change(tags));
            }
        })?;
        outcome.ok_or_else(|| LogsError::ServiceUnavailable("The tags were not reached.".into()))
    }
}

/// Validates `resourceArn` and finds the resource it names.
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
    // arn:<partition>:logs:<region>:<account>:<resource type>:<name>
    let parts: Vec<&str> = arn.splitn(7, ':').collect();
    if let [_, _, "logs", region, account, resource_type, name] = parts[..] {
        if let Some(kind) = TAGGABLE.iter().find(|t| t.resource_type == resource_type) {
            if resource_type == "log-group" {
                // The group resolver checks partition, region and account with AWS's errors.
                let name = super::group_name_in(ctx, arn)?;
                return Ok(Tagged { kind, name });
            }
            if region != ctx.region.name() || account != ctx.store.account_id() {
                // Another region's or account's resource is not found here.
                return Err((kind.not_found)());
            }
            return Ok(Tagged {
                kind,
                name: name.to_owned(),
            });
        }
    }
    // Anything else is read as a log group ARN, for AWS's log-group errors.
    Ok(Tagged {
        kind: &TAGGABLE[0],
        name: super::group_name_in(ctx, arn)?,
    })
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
