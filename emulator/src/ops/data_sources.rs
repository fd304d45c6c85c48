//! The data-source operations: GetLogFields (the fields, with their types, that a data
//! source's events hold) and ListAggregateLogGroupSummaries (log groups counted by data
//! source name, type and format). A group's data source comes from the store
//! (`store/data_sources.rs`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::list_log_groups::{DataSourceFilter, GroupSelection};
use super::{Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::limits::{
    DEFAULT_AGGREGATE_SUMMARIES_LIMIT, MAX_AGGREGATE_SUMMARIES_LIMIT, MAX_LOG_FIELDS_SAMPLE,
};
use crate::protocol::{decode, encode};
use crate::store::listing::Listing;
use crate::store::read::Step;
use crate::validate::Violations;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GetLogFieldsInput {
    data_source_name: Option<String>,
    data_source_type: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GetLogFieldsOutput {
    log_fields: Vec<LogFieldOut>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogFieldOut {
    log_field_name: String,
    log_field_type: LogFieldTypeOut,
}

#[derive(Serialize)]
struct LogFieldTypeOut {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    element: Option<Box<LogFieldTypeOut>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<Vec<LogFieldOut>>,
}

/// A field's type as the events show it; values of different types widen (`long` and
/// `double` to `double`, anything else to `string`).
#[derive(Debug, Clone, PartialEq)]
enum FieldType {
    Boolean,
    Long,
    Double,
    String,
    Timestamp,
    /// An array; its element type once a non-null element was seen.
    Array(Option<Box<FieldType>>),
    /// A JSON object's fields.
    Struct(BTreeMap<String, FieldType>),
}

impl FieldType {
    /// The type of one JSON value; `None` for null (which says nothing about the type).
    fn of(value: &serde_json::Value) -> Option<Self> {
        use serde_json::Value;
        Some(match value {
            Value::Null => return None,
            Value::Bool(_) => Self::Boolean,
            Value::Number(n) if n.is_i64() || n.is_u64() => Self::Long,
            Value::Number(_) => Self::Double,
            Value::String(_) => Self::String,
            Value::Array(items) => Self::Array(
                items
                    .iter()
                    .filter_map(Self::of)
                    .reduce(Self::widen)
                    .map(Box::new),
            ),
            Value::Object(object) => Self::Struct(fields_of(object)),
        })
    }

    /// The type that holds values of both `self` and `other`.
    fn widen(self, other: Self) -> Self {
        match (self, other) {
            (a, b) if a == b => a,
            (Self::Long | Self::Double, Self::Long | Self::Double) => Self::Double,
            (Self::Array(a), Self::Array(b)) => Self::Array(match (a, b) {
                (Some(a), Some(b)) => Some(Box::new(a.widen(*b))),
                (a, b) => a.or(b),
            }),
            (Self::Struct(mut a), Self::Struct(b)) => {
                merge_fields(&mut a, b);
                Self::Struct(a)
            }
            _ => Self::String,
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Self::Boolean => "boolean",
            Self::Long => "long",
            Self::Double => "double",
            Self::String => "string",
            Self::Timestamp => "timestamp",
            Self::Array(_) => "array",
            Self::Struct(_) => "struct",
        }
    }

    fn wire(&self) -> LogFieldTypeOut {
        LogFieldTypeOut {
            kind: self.name(),
            element: match self {
                Self::Array(Some(element)) => Some(Box::new(element.wire())),
                _ => None,
            },
            fields: match self {
                Self::Struct(fields) => Some(wire_fields(fields)),
                _ => None,
            },
        }
    }
}

fn fields_of(object: &serde_json::Map<String, serde_json::Value>) -> BTreeMap<String, FieldType> {
    object
        .iter()
        .filter_map(|(name, value)| Some((name.clone(), FieldType::of(value)?)))
        .collect()
}

fn merge_fields(into: &mut BTreeMap<String, FieldType>, from: BTreeMap<String, FieldType>) {
    for (name, kind) in from {
        match into.remove(&name) {
            Some(seen) => into.insert(name, seen.widen(kind)),
            None => into.insert(name, kind),
        };
    }
}

fn wire_fields(fields: &BTreeMap<String, FieldType>) -> Vec<LogFieldOut> {
    fields
        .iter()
        .map(|(name, kind)| LogFieldOut {
            log_field_name: name.clone(),
            log_field_type: kind.wire(),
        })
        .collect()
}

/// The fields every event has (the Insights system fields).
const SYSTEM_FIELDS: [(&str, FieldType); 5] = [
    ("@ingestionTime", FieldType::Timestamp),
    ("@log", FieldType::String),
    ("@logStream", FieldType::String),
    ("@message", FieldType::String),
    ("@timestamp", FieldType::Timestamp),
];

pub(super) fn get_log_fields(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: GetLogFieldsInput = decode(body)?;
    let mut v = Violations::new();
    let name = v.required("dataSourceName", input.data_source_name.as_deref());
    let kind = v.required("dataSourceType", input.data_source_type.as_deref());
    v.finish()?;
    let (name, kind) = (name.unwrap_or_default(), kind.unwrap_or_default());
    let groups: Vec<_> = ctx
        .region
        .all_groups()
        .into_iter()
        .filter(|group| {
            ctx.region
                .data_source_of(group)
                .is_some_and(|source| source.matches(name, Some(kind)))
        })
        .collect();
    if groups.is_empty() {
        return Err(LogsError::ResourceNotFound(
            "The specified data source does not exist.".into(),
        ));
    }
    // The newest events of the source's groups (transformed as stored, so a pipeline's new
    // or retyped fields show), at most MAX_LOG_FIELDS_SAMPLE of them.
    let mut fields = BTreeMap::new();
    let mut seen = 0usize;
    for group in &groups {
        if seen >= MAX_LOG_FIELDS_SAMPLE {
            break;
        }
        group.scan_newest_first(0, i64::MAX, false, |_, event| {
            seen += 1;
            if let Ok(serde_json::Value::Object(object)) =
                serde_json::from_str::<serde_json::Value>(event.message)
            {
                merge_fields(&mut fields, fields_of(&object));
            }
            if seen >= MAX_LOG_FIELDS_SAMPLE {
                Step::Stop
            } else {
                Step::Next
            }
        });
    }
    if seen > 0 {
        for (name, kind) in SYSTEM_FIELDS {
            fields.entry(name.to_owned()).or_insert(kind);
        }
    }
    Ok(Handled::json(encode(&GetLogFieldsOutput {
        log_fields: wire_fields(&fields),
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListAggregateLogGroupSummariesInput {
    account_identifiers: Option<Vec<String>>,
    include_linked_accounts: Option<bool>,
    log_group_class: Option<String>,
    log_group_name_pattern: Option<String>,
    data_sources: Option<Vec<DataSourceFilter>>,
    group_by: Option<String>,
    next_token: Option<String>,
    limit: Option<i64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListAggregateLogGroupSummariesOutput {
    aggregate_log_group_summaries: Vec<AggregateSummaryOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AggregateSummaryOut {
    log_group_count: u64,
    grouping_identifiers: Vec<GroupingIdentifierOut>,
}

#[derive(Serialize)]
struct GroupingIdentifierOut {
    key: &'static str,
    value: String,
}

/// The model's `ListAggregateLogGroupSummariesGroupBy`.
const GROUP_BY: [&str; 2] = [
    "DATA_SOURCE_NAME_TYPE_AND_FORMAT",
    "DATA_SOURCE_NAME_AND_TYPE",
];

pub(super) fn list_aggregate_log_group_summaries(
    ctx: &Ctx<'_>,
    body: &[u8],
) -> LogsResult<Handled> {
    let input: ListAggregateLogGroupSummariesInput = decode(body)?;
    let mut v = Violations::new();
    let selection = GroupSelection::check(
        &mut v,
        input.log_group_name_pattern.as_deref(),
        input.log_group_class.as_deref(),
        input.include_linked_accounts,
        input.account_identifiers.as_deref(),
    )
    .with_data_sources(&mut v, input.data_sources.as_deref());
    let with_format = v
        .required("groupBy", input.group_by.as_deref())
        .and_then(|g| v.one_of("groupBy", g, &GROUP_BY))
        == Some(0);
    v.next_token(input.next_token.as_deref());
    let limit = v.page_size(
        "limit",
        input.limit,
        1,
        MAX_AGGREGATE_SUMMARIES_LIMIT,
        DEFAULT_AGGREGATE_SUMMARIES_LIMIT,
    );
    v.finish()?;

    let account = ctx.store.account_id();
    // (name, type, format) → count; groups without a data source have nothing to group by.
    let mut counts: BTreeMap<(String, Option<String>, Option<&'static str>), u64> = BTreeMap::new();
    for group in ctx.region.all_groups() {
        if !selection.keeps(account, &ctx.region, &group) {
            continue;
        }
        if let Some(source) = ctx.region.data_source_of(&group) {
            let format = with_format.then(|| group.data_source_format());
            *counts
                .entry((source.name, source.kind, format))
                .or_default() += 1;
        }
    }
    // The listing's key: the identifiers, joined by a character tag values cannot hold.
    let items = counts
        .into_iter()
        .map(|((name, kind, format), count)| {
            let key = format!(
                "{name}\u{1f}{}\u{1f}{}",
                kind.as_deref().unwrap_or_default(),
                format.unwrap_or_default()
            );
            let mut identifiers = vec![GroupingIdentifierOut {
                key: "dataSource.Name",
                value: name,
            }];
            identifiers.extend(kind.map(|value| GroupingIdentifierOut {
                key: "dataSource.Type",
                value,
            }));
            identifiers.extend(format.map(|value| GroupingIdentifierOut {
                key: "dataSource.Format",
                value: value.to_owned(),
            }));
            (
                key,
                AggregateSummaryOut {
                    log_group_count: count,
                    grouping_identifiers: identifiers,
                },
            )
        })
        .collect();
    let page = Listing::new("ListAggregateLogGroupSummaries", ctx.region.fingerprint()).page_of(
        input.next_token.as_deref(),
        limit,
        items,
    );
    Ok(Handled::json(encode(
        &ListAggregateLogGroupSummariesOutput {
            aggregate_log_group_summaries: page.items,
            next_token: page.next_token,
        },
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn type_of(json: &str) -> FieldType {
        FieldType::of(&serde_json::from_str(json).unwrap()).unwrap()
    }

    #[test]
    fn types_come_from_values_and_widen_when_events_disagree() {
        assert_eq!(type_of("3"), FieldType::Long);
        assert_eq!(type_of("3.5"), FieldType::Double);
        assert_eq!(type_of("true"), FieldType::Boolean);
        assert_eq!(
            type_of("[1, 2.5, null]"),
            FieldType::Array(Some(Box::new(FieldType::Double)))
        );
        assert_eq!(type_of("[]"), FieldType::Array(None));
        assert_eq!(FieldType::Long.widen(FieldType::Boolean), FieldType::String);
        let merged = type_of(r#"{"a": 1, "b": {"c": "x"}}"#)
            .widen(type_of(r#"{"a": 2.0, "b": {"d": true}}"#));
        let FieldType::Struct(fields) = merged else {
            panic!("{merged:?}")
        };
        assert_eq!(fields["a"], FieldType::Double);
        assert_eq!(
            fields["b"],
            FieldType::Struct(BTreeMap::from([
                ("c".to_owned(), FieldType::String),
                ("d".to_owned(), FieldType::Boolean)
            ]))
        );
    }
}
