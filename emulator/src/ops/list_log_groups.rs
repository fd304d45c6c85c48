//! ListLogGroups (the 2025 listing): name patterns (`^prefix|substring`, up to five), class,
//! tag, data-source (`store/data_sources.rs`) and field-index filters, combined with AND;
//! pages of up to 1,000 brief summaries (name, ARN, class).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::groups::LOG_GROUP_CLASSES;
use super::{Ctx, Handled};
use crate::error::LogsResult;
use crate::limits::{
    DEFAULT_LIST_LOG_GROUPS_LIMIT, MAX_ACCOUNT_IDENTIFIERS, MAX_LIST_LOG_GROUPS_DATA_SOURCES,
    MAX_LIST_LOG_GROUPS_FIELD_INDEX_NAMES, MAX_LIST_LOG_GROUPS_LIMIT,
    MAX_LIST_LOG_GROUPS_PATTERN_LEN, MAX_LIST_LOG_GROUPS_TAG_FILTERS, MAX_TAG_FILTER_VALUES,
    MAX_TAG_KEY_LEN,
};
use crate::protocol::{decode, encode};
use crate::store::{LogGroup, LogGroupClass, Region};
use crate::validate::{is_log_group_name_char, is_tag_char, Violations};

/// The model's `LogGroupNameRegexPattern`.
const NAME_PATTERN: &str = r"(\^?[\.\-_\/#A-Za-z0-9]{3,24})(\|\^?[\.\-_\/#A-Za-z0-9]{3,24}){0,4}";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListLogGroupsInput {
    log_group_name_pattern: Option<String>,
    log_group_class: Option<String>,
    include_linked_accounts: Option<bool>,
    account_identifiers: Option<Vec<String>>,
    next_token: Option<String>,
    limit: Option<i64>,
    data_sources: Option<Vec<DataSourceFilter>>,
    field_index_names: Option<Vec<String>>,
    log_group_tags: Option<Vec<TagFilter>>,
}

/// One entry of `dataSources` (the model's `DataSourceFilter`).
#[derive(Deserialize)]
pub(super) struct DataSourceFilter {
    name: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// The log-group filters ListLogGroups and ListAggregateLogGroupSummaries share: name
/// pattern, class, accounts and data sources, combined with AND.
pub(super) struct GroupSelection<'i> {
    patterns: Vec<&'i str>,
    class: Option<LogGroupClass>,
    /// `None`: any account's groups (only this account's exist here).
    accounts: Option<&'i [String]>,
    data_sources: Option<&'i [DataSourceFilter]>,
}

impl<'i> GroupSelection<'i> {
    /// Checks the members against the model, recording violations in `v`.
    pub(super) fn check(
        v: &mut Violations,
        pattern: Option<&'i str>,
        class: Option<&str>,
        include_linked_accounts: Option<bool>,
        accounts: Option<&'i [String]>,
    ) -> Self {
        if let Some(pattern) = pattern {
            if v.length(
                "logGroupNamePattern",
                pattern,
                3,
                MAX_LIST_LOG_GROUPS_PATTERN_LEN,
            ) {
                v.whole_pattern(
                    "logGroupNamePattern",
                    is_name_pattern(pattern),
                    NAME_PATTERN,
                );
            }
        }
        let class = class.and_then(|c| {
            v.one_of("logGroupClass", c, &LOG_GROUP_CLASSES)
                .and(LogGroupClass::parse(c))
        });
        if let Some(accounts) = accounts {
            if v.count(
                "accountIdentifiers",
                accounts.len(),
                0,
                MAX_ACCOUNT_IDENTIFIERS,
            ) {
                // The model's AccountId: exactly 12 digits.
                for (i, id) in accounts.iter().enumerate() {
                    let field = format!("accountIdentifiers.{}.member", i + 1);
                    if v.length(&field, id, 12, 12) {
                        v.pattern(&field, id, r"^\d{12}$", |c| c.is_ascii_digit());
                    }
                }
            }
        }
        Self {
            patterns: pattern.map(|p| p.split('|').collect()).unwrap_or_default(),
            class,
            accounts: accounts
                .filter(|ids| include_linked_accounts == Some(true) && !ids.is_empty()),
            data_sources: None,
        }
    }

    /// Adds the `dataSources` filter, checked against the model.
    pub(super) fn with_data_sources(
        mut self,
        v: &mut Violations,
        sources: Option<&'i [DataSourceFilter]>,
    ) -> Self {
        if let Some(sources) = sources {
            v.count(
                "dataSources",
                sources.len(),
                1,
                MAX_LIST_LOG_GROUPS_DATA_SOURCES,
            );
            for (i, source) in sources.iter().enumerate() {
                v.required(
                    &format!("dataSources.{}.member.name", i + 1),
                    source.name.as_ref(),
                );
            }
        }
        self.data_sources = sources;
        self
    }

    /// Whether `group` of account `account` (in `region`) passes every filter.
    pub(super) fn keeps(&self, account: &str, region: &Region, group: &LogGroup) -> bool {
        self.accounts
            .is_none_or(|ids| ids.iter().any(|id| id == account))
            && (self.patterns.is_empty() || name_matches(&self.patterns, group.name()))
            && self.class.is_none_or(|c| group.settings().class == c)
            && self.data_sources.is_none_or(|filters| {
                region.data_source_of(group).is_some_and(|source| {
                    filters.iter().any(|f| {
                        source.matches(f.name.as_deref().unwrap_or_default(), f.kind.as_deref())
                    })
                })
            })
    }
}

#[derive(Deserialize)]
struct TagFilter {
    key: Option<String>,
    values: Option<Vec<String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListLogGroupsOutput {
    log_groups: Vec<LogGroupSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogGroupSummary {
    log_group_name: String,
    log_group_arn: String,
    log_group_class: &'static str,
}

/// One alternative of a name pattern: `^x` matches names starting with `x`, `x` names
/// containing it; case-sensitive (the model's documentation).
fn name_matches(patterns: &[&str], name: &str) -> bool {
    patterns.iter().any(|p| match p.strip_prefix('^') {
        Some(prefix) => name.starts_with(prefix),
        None => name.contains(p),
    })
}

/// Whether `pattern` is the model's `LogGroupNameRegexPattern`: 1–5 `|`-separated
/// alternatives of 3–24 name characters, each optionally `^`-anchored.
fn is_name_pattern(pattern: &str) -> bool {
    let alternatives: Vec<&str> = pattern.split('|').collect();
    alternatives.len() <= 5
        && alternatives.iter().all(|a| {
            let body = a.strip_prefix('^').unwrap_or(a);
            (3..=24).contains(&body.len()) && body.chars().all(is_log_group_name_char)
        })
}

pub(super) fn list_log_groups(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: ListLogGroupsInput = decode(body)?;
    let mut v = Violations::new();
    let selection = GroupSelection::check(
        &mut v,
        input.log_group_name_pattern.as_deref(),
        input.log_group_class.as_deref(),
        input.include_linked_accounts,
        input.account_identifiers.as_deref(),
    );
    v.next_token(input.next_token.as_deref());
    let limit = v.page_size(
        "limit",
        input.limit,
        1,
        MAX_LIST_LOG_GROUPS_LIMIT,
        DEFAULT_LIST_LOG_GROUPS_LIMIT,
    );
    let selection = selection.with_data_sources(&mut v, input.data_sources.as_deref());
    if let Some(names) = &input.field_index_names {
        if v.count(
            "fieldIndexNames",
            names.len(),
            1,
            MAX_LIST_LOG_GROUPS_FIELD_INDEX_NAMES,
        ) {
            for (i, name) in names.iter().enumerate() {
                v.length(&format!("fieldIndexNames.{}.member", i + 1), name, 1, 512);
            }
        }
    }
    if let Some(filters) = &input.log_group_tags {
        v.count(
            "logGroupTags",
            filters.len(),
            1,
            MAX_LIST_LOG_GROUPS_TAG_FILTERS,
        );
        for (i, filter) in filters.iter().enumerate() {
            let field = format!("logGroupTags.{}.member.key", i + 1);
            if let Some(key) = v.required(&field, filter.key.as_deref()) {
                if v.length(&field, key, 1, MAX_TAG_KEY_LEN) {
                    v.pattern(&field, key, r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$", is_tag_char);
                }
            }
            if let Some(values) = &filter.values {
                v.count(
                    &format!("logGroupTags.{}.member.values", i + 1),
                    values.len(),
                    0,
                    MAX_TAG_FILTER_VALUES,
                );
            }
        }
    }
    v.finish()?;

    // This emulator keeps no field indexes: that filter finds nothing.
    let no_index_filter = input.field_index_names.is_none();
    let tag_filters: Vec<(&str, &[String])> = input
        .log_group_tags
        .iter()
        .flatten()
        .map(|f| {
            (
                f.key.as_deref().unwrap_or_default(),
                f.values.as_deref().unwrap_or_default(),
            )
        })
        .collect();
    let tags_match = |tags: &BTreeMap<String, String>| {
        tag_filters.iter().all(|(key, values)| {
            tags.get(*key)
                .is_some_and(|value| values.is_empty() || values.contains(value))
        })
    };
    let page = ctx.region.list_groups(
        "ListLogGroups",
        "",
        input.next_token.as_deref(),
        limit,
        |group| {
            no_index_filter
                && selection.keeps(ctx.store.account_id(), &ctx.region, group)
                && tags_match(&group.settings().tags)
        },
    );
    let output = ListLogGroupsOutput {
        log_groups: page
            .items
            .into_iter()
            .map(|info| LogGroupSummary {
                log_group_name: info.name,
                log_group_arn: info.arn,
                log_group_class: info.settings.class.as_str(),
            })
            .collect(),
        next_token: page.next_token,
    };
    Ok(Handled::json(encode(&output)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_patterns_are_prefixes_or_substrings_case_sensitively() {
        assert!(name_matches(
            &["^/aws/lambda", "discovery"],
            "/aws/lambda/fn"
        ));
        assert!(name_matches(
            &["^/aws/lambda", "discovery"],
            "app/discovery/x"
        ));
        assert!(!name_matches(&["^/aws/lambda"], "x/aws/lambda"));
        assert!(!name_matches(&["Discovery"], "discovery"));
        assert!(is_name_pattern("^/aws/lambda|discovery"));
        assert!(!is_name_pattern("ab"));
        assert!(!is_name_pattern("abc|def|ghi|jkl|mno|pqr"));
        assert!(!is_name_pattern("abc*"));
    }
}
