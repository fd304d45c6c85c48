//! PutIndexPolicy, DescribeIndexPolicies, DeleteIndexPolicy, DescribeFieldIndexes. The
//! policy document is `{"Fields": [...], "FieldsV2": {"name": {"type": ...}}}` (model doc of
//! PutIndexPolicy `policyDocument`); the store records which indexed fields ingested events
//! carry (`store/indexes.rs`).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;

use super::{resolve_group, Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::insights::Query;
use crate::limits::{
    FIELD_INDEXES_PAGE, MAX_DESCRIBE_FIELD_INDEXES_GROUPS, MAX_INDEX_FIELD_NAME_LEN,
    MAX_INDEX_POLICY_DOCUMENT_LEN, MAX_INDEX_POLICY_FIELDS,
};
use crate::protocol::{decode, encode};
use crate::store::group::LogGroupClass;
use crate::store::indexes::{FieldIndex, IndexPolicy, IndexType, DEFAULT_INDEXED_FIELDS};
use crate::store::listing::Listing;
use crate::store::{LogGroup, Region};
use crate::validate::Violations;

/// The model's `IndexCategory` values.
const INDEX_CATEGORIES: [&str; 4] = ["DEFAULT", "CUSTOM", "AUTO", "INACTIVE"];
/// What DescribeFieldIndexes lists without `indexCategories` (its model documentation).
const DEFAULT_CATEGORIES: [&str; 3] = ["DEFAULT", "CUSTOM", "INACTIVE"];

fn invalid(what: &str) -> LogsError {
    LogsError::InvalidParameter(format!("Invalid index policy document: {what}"))
}

/// The fields of an index policy document, checked as AWS documents: a JSON object with
/// `Fields` (names) and/or `FieldsV2` (name → `{"type": "FIELD_INDEX" | "FACET"}`), at least
/// one and at most 20 fields of at most 100 characters, no name in both.
pub(super) fn read_index_document(document: &str) -> LogsResult<Vec<(String, IndexType)>> {
    let Ok(Value::Object(policy)) = serde_json::from_str::<Value>(document) else {
        return Err(invalid("it is not a JSON object."));
    };
    let mut fields: Vec<(String, IndexType)> = Vec::new();
    match policy.get("Fields") {
        None => {}
        Some(Value::Array(names)) => {
            for name in names {
                let Some(name) = name.as_str() else {
                    return Err(invalid("Fields must be a list of field names."));
                };
                fields.push((name.to_owned(), IndexType::FieldIndex));
            }
        }
        Some(_) => return Err(invalid("Fields must be a list of field names.")),
    }
    match policy.get("FieldsV2") {
        None => {}
        Some(Value::Object(map)) => {
            for (name, config) in map {
                let index_type = match config.get("type").and_then(Value::as_str) {
                    Some("FIELD_INDEX") => IndexType::FieldIndex,
                    Some("FACET") => IndexType::Facet,
                    _ => {
                        return Err(invalid(&format!(
                            "the type of {name} in FieldsV2 must be FIELD_INDEX or FACET."
                        )))
                    }
                };
                if fields.iter().any(|(f, _)| f == name) {
                    return Err(invalid(&format!(
                        "{name} is in both Fields and FieldsV2; field names must be mutually exclusive."
                    )));
                }
                fields.push((name.clone(), index_type));
            }
        }
        Some(_) => return Err(invalid("FieldsV2 must map field names to their type.")),
    }
    if fields.is_empty() {
        return Err(invalid(
            "the policy document must include at least one field index.",
        ));
    }
    if fields.len() > MAX_INDEX_POLICY_FIELDS {
        return Err(invalid(&format!(
            "a policy can include at most {MAX_INDEX_POLICY_FIELDS} fields."
        )));
    }
    if let Some((name, _)) = fields
        .iter()
        .find(|(f, _)| f.is_empty() || f.chars().count() > MAX_INDEX_FIELD_NAME_LEN)
    {
        return Err(invalid(&format!(
            "field name {name} must be 1 to {MAX_INDEX_FIELD_NAME_LEN} characters."
        )));
    }
    Ok(fields)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IndexInput {
    log_group_identifier: Option<String>,
    policy_document: Option<String>,
    log_group_identifiers: Option<Vec<String>>,
    index_categories: Option<Vec<String>>,
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IndexPolicyOut {
    log_group_identifier: String,
    last_update_time: i64,
    policy_document: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy_name: Option<String>,
    source: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PutIndexPolicyOutput {
    index_policy: IndexPolicyOut,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DescribeIndexPoliciesOutput {
    index_policies: Vec<IndexPolicyOut>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FieldIndexOut {
    log_group_identifier: String,
    field_index_name: String,
    last_scan_time: i64,
    first_event_time: i64,
    last_event_time: i64,
    r#type: &'static str,
    index_category: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DescribeFieldIndexesOutput {
    field_indexes: Vec<FieldIndexOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

fn identifier<'i>(v: &mut Violations, input: &'i IndexInput) -> &'i str {
    let id = v.required("logGroupIdentifier", input.log_group_identifier.as_deref());
    if let Some(id) = id {
        v.log_group_identifier("logGroupIdentifier", id);
    }
    id.unwrap_or_default()
}

/// The required `logGroupIdentifiers` list, `1..=max` valid identifiers.
fn identifiers<'i>(v: &mut Violations, input: &'i IndexInput, max: usize) -> &'i [String] {
    let ids = v.required(
        "logGroupIdentifiers",
        input.log_group_identifiers.as_deref(),
    );
    if let Some(ids) = ids {
        if v.count("logGroupIdentifiers", ids.len(), 1, max) {
            for (i, id) in ids.iter().enumerate() {
                v.log_group_identifier(&format!("logGroupIdentifiers.{}.member", i + 1), id);
            }
        }
    }
    v.next_token(input.next_token.as_deref());
    ids.unwrap_or_default()
}

/// The fields of the account FIELD_INDEX_POLICY that selects `group`, if any.
fn account_fields(ctx: &Ctx<'_>, group: &str) -> Option<Vec<(String, IndexType)>> {
    let policy = ctx.region.account_index_policy(group)?;
    read_index_document(&policy.document).ok()
}

/// Since when (ingestion time) `group` indexes `field`, for `filterIndex`: always for the
/// default fields of a STANDARD group, since the policy's last update for a custom one, never
/// otherwise.
fn indexed_since(region: &Region, group: &LogGroup, field: &str) -> Option<i64> {
    if group.settings().class != LogGroupClass::Standard {
        return None;
    }
    if DEFAULT_INDEXED_FIELDS.contains(&field) {
        return Some(i64::MIN);
    }
    match group.index_policy() {
        Some(policy) => policy
            .fields
            .iter()
            .any(|(f, _)| f == field)
            .then_some(policy.last_update_time),
        None => {
            let policy = region.account_index_policy(group.name())?;
            let fields = read_index_document(&policy.document).ok()?;
            fields
                .iter()
                .any(|(f, _)| f == field)
                .then_some(policy.last_updated_time)
        }
    }
}

/// What a query's `filterIndex` covers in each of `groups` (in order): since when each
/// indexes the field, `None` for a group that does not; `None` overall without `filterIndex`.
/// StartQuery and the scheduler both ask here.
pub(crate) fn index_coverage(
    region: &Region,
    query: &Query,
    groups: &[Arc<LogGroup>],
) -> Option<Vec<Option<i64>>> {
    let (field, _) = query.index_filter.as_ref()?;
    Some(
        groups
            .iter()
            .map(|group| indexed_since(region, group, field))
            .collect(),
    )
}

pub(super) fn put_index_policy(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: IndexInput = decode(body)?;
    let mut v = Violations::new();
    let id = identifier(&mut v, &input);
    let document = v.required("policyDocument", input.policy_document.as_deref());
    if let Some(document) = document {
        v.length("policyDocument", document, 1, MAX_INDEX_POLICY_DOCUMENT_LEN);
    }
    v.finish()?;
    let document = document.unwrap_or_default();
    let group = resolve_group(ctx, None, Some(id))?;
    let fields = read_index_document(document)?;
    if group.settings().class != LogGroupClass::Standard {
        return Err(LogsError::InvalidParameter(
            "Only log groups in the STANDARD log class support field index policies.".into(),
        ));
    }
    let now = ctx.store.now();
    group.set_index_policy(Some(IndexPolicy {
        document: document.to_owned(),
        fields,
        last_update_time: now,
    }));
    Ok(Handled::json(encode(&PutIndexPolicyOutput {
        index_policy: IndexPolicyOut {
            log_group_identifier: group.arn().to_owned(),
            last_update_time: now,
            policy_document: document.to_owned(),
            policy_name: None,
            source: "LOG_GROUP",
        },
    })))
}

pub(super) fn describe_index_policies(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: IndexInput = decode(body)?;
    let mut v = Violations::new();
    let ids = identifiers(&mut v, &input, 1);
    v.finish()?;
    let mut index_policies = Vec::new();
    for id in ids {
        let group = resolve_group(ctx, None, Some(id))?;
        if let Some(policy) = group.index_policy() {
            index_policies.push(IndexPolicyOut {
                log_group_identifier: group.arn().to_owned(),
                last_update_time: policy.last_update_time,
                policy_document: policy.document.clone(),
                policy_name: None,
                source: "LOG_GROUP",
            });
        } else if let Some(policy) = ctx.region.account_index_policy(group.name()) {
            index_policies.push(IndexPolicyOut {
                log_group_identifier: group.arn().to_owned(),
                last_update_time: policy.last_updated_time,
                policy_document: policy.document,
                policy_name: Some(policy.name),
                source: "ACCOUNT",
            });
        }
    }
    Ok(Handled::json(encode(&DescribeIndexPoliciesOutput {
        index_policies,
    })))
}

pub(super) fn delete_index_policy(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: IndexInput = decode(body)?;
    let mut v = Violations::new();
    let id = identifier(&mut v, &input);
    v.finish()?;
    if !resolve_group(ctx, None, Some(id))?.set_index_policy(None) {
        return Err(LogsError::ResourceNotFound(
            "The specified index policy does not exist.".into(),
        ));
    }
    Ok(Handled::empty())
}

pub(super) fn describe_field_indexes(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: IndexInput = decode(body)?;
    let mut v = Violations::new();
    let ids = identifiers(&mut v, &input, MAX_DESCRIBE_FIELD_INDEXES_GROUPS);
    if let Some(categories) = &input.index_categories {
        if v.count(
            "indexCategories",
            categories.len(),
            0,
            INDEX_CATEGORIES.len(),
        ) {
            for (i, c) in categories.iter().enumerate() {
                v.one_of(
                    &format!("indexCategories.{}.member", i + 1),
                    c,
                    &INDEX_CATEGORIES,
                );
            }
        }
    }
    v.finish()?;
    let wanted: Vec<&str> = match &input.index_categories {
        Some(categories) if !categories.is_empty() => {
            categories.iter().map(String::as_str).collect()
        }
        _ => DEFAULT_CATEGORIES.to_vec(),
    };
    let mut all: Vec<((String, String), FieldIndex)> = Vec::new();
    for id in ids {
        let group = resolve_group(ctx, None, Some(id))?;
        let custom = group.indexed_fields(account_fields(ctx, group.name()).as_deref());
        for index in group.field_indexes(&custom) {
            if wanted.contains(&index.category) {
                all.push(((index.log_group_arn.clone(), index.name.clone()), index));
            }
        }
    }
    let page = Listing::new("DescribeFieldIndexes", ctx.region.fingerprint()).page_of(
        input.next_token.as_deref(),
        FIELD_INDEXES_PAGE,
        all,
    );
    Ok(Handled::json(encode(&DescribeFieldIndexesOutput {
        field_indexes: page
            .items
            .into_iter()
            .map(|i| FieldIndexOut {
                log_group_identifier: i.log_group_arn,
                field_index_name: i.name,
                last_scan_time: i.seen.last_scan_time,
                first_event_time: i.seen.first_event_time,
                last_event_time: i.seen.last_event_time,
                r#type: i.index_type.as_str(),
                index_category: i.category,
            })
            .collect(),
        next_token: page.next_token,
    })))
}
