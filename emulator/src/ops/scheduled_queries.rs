//! CreateScheduledQuery, GetScheduledQuery, UpdateScheduledQuery, DeleteScheduledQuery,
//! ListScheduledQueries, GetScheduledQueryHistory. The records and schedules are the store's
//! (`store/scheduled_queries.rs`); the runs are `crate::scheduler`'s, on the emulator's clock.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::deliveries::finish;
use super::{Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::limits::{
    MAX_LOOKUP_TABLE_NAME_LEN, MAX_QUERY_STRING_LEN, MAX_SCHEDULED_QUERY_DESCRIPTION_LEN,
    MAX_SCHEDULED_QUERY_GROUPS, MAX_SCHEDULED_QUERY_NAME_LEN, MAX_SCHEDULED_QUERY_PAGE,
    MAX_SCHEDULE_EXPRESSION_LEN,
};
use crate::protocol::{decode, encode};
use crate::store::listing::Listing;
use crate::store::scheduled_queries::{QueryDestination, Schedule, ScheduledQuery, Trigger};
use crate::timezone::Zone;
use crate::validate::Violations;

const LANGUAGES: [&str; 3] = ["CWLI", "SQL", "PPL"];
const STATES: [&str; 2] = ["ENABLED", "DISABLED"];
const EXECUTION_STATUSES: [&str; 5] = ["Running", "InvalidQuery", "Complete", "Failed", "Timeout"];

#[derive(Deserialize, Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct S3ConfigurationIo {
    destination_identifier: Option<String>,
    role_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner_account_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kms_key_id: Option<String>,
}

#[derive(Deserialize, Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct LookupTableConfigurationIo {
    table_name: Option<String>,
    role_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kms_key_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize, Serialize, Clone, Default)]
#[serde(rename_all = "camelCase")]
struct DestinationConfigurationIo {
    #[serde(skip_serializing_if = "Option::is_none")]
    s3_configuration: Option<S3ConfigurationIo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lookup_table_configuration: Option<LookupTableConfigurationIo>,
}

/// The members Create and Update share.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DefinitionInput {
    description: Option<String>,
    query_language: Option<String>,
    query_string: Option<String>,
    log_group_identifiers: Option<Vec<String>>,
    schedule_expression: Option<String>,
    timezone: Option<String>,
    start_time_offset: Option<i64>,
    end_time_offset: Option<i64>,
    destination_configuration: Option<DestinationConfigurationIo>,
    schedule_start_time: Option<i64>,
    schedule_end_time: Option<i64>,
    execution_role_arn: Option<String>,
    state: Option<String>,
}

/// A checked definition.
struct Definition {
    schedule: Schedule,
    zone: Zone,
    destination: Option<QueryDestination>,
}

impl DefinitionInput {
    fn check(&self, v: &mut Violations) {
        if let Some(description) = &self.description {
            v.length(
                "description",
                description,
                0,
                MAX_SCHEDULED_QUERY_DESCRIPTION_LEN,
            );
        }
        if let Some(language) = v.required("queryLanguage", self.query_language.as_deref()) {
            v.one_of("queryLanguage", language, &LANGUAGES);
        }
        if let Some(query) = v.required("queryString", self.query_string.as_deref()) {
            v.length("queryString", query, 0, MAX_QUERY_STRING_LEN);
        }
        if let Some(groups) = &self.log_group_identifiers {
            if v.count(
                "logGroupIdentifiers",
                groups.len(),
                1,
                MAX_SCHEDULED_QUERY_GROUPS,
            ) {
                for (i, group) in groups.iter().enumerate() {
                    v.log_group_identifier(&format!("logGroupIdentifiers.{}.member", i + 1), group);
                }
            }
        }
        if let Some(expression) =
            v.required("scheduleExpression", self.schedule_expression.as_deref())
        {
            v.length(
                "scheduleExpression",
                expression,
                0,
                MAX_SCHEDULE_EXPRESSION_LEN,
            );
        }
        if let Some(timezone) = &self.timezone {
            v.length("timezone", timezone, 1, usize::MAX);
        }
        for (field, time) in [
            ("scheduleStartTime", self.schedule_start_time),
            ("scheduleEndTime", self.schedule_end_time),
        ] {
            if let Some(time) = time {
                v.range(field, time, 0, i64::MAX);
            }
        }
        if let Some(role) = v.required("executionRoleArn", self.execution_role_arn.as_deref()) {
            v.length("executionRoleArn", role, 1, usize::MAX);
        }
        if let Some(state) = &self.state {
            v.one_of("state", state, &STATES);
        }
        let destination = self.destination_configuration.as_ref();
        if let Some(s3) = destination.and_then(|d| d.s3_configuration.as_ref()) {
            let field = "destinationConfiguration.s3Configuration";
            if let Some(uri) = v.required(
                &format!("{field}.destinationIdentifier"),
                s3.destination_identifier.as_deref(),
            ) {
                if v.length(&format!("{field}.destinationIdentifier"), uri, 0, 1024)
                    && !is_s3_uri(uri)
                {
                    v.pattern(
                        &format!("{field}.destinationIdentifier"),
                        uri,
                        r"s3://[a-z0-9][\.\-a-z0-9]{1,61}[a-z0-9](/.*)?",
                        |_| false,
                    );
                }
            }
            v.required(&format!("{field}.roleArn"), s3.role_arn.as_deref());
            if let Some(owner) = &s3.owner_account_id {
                if !(owner.len() == 12 && owner.chars().all(|c| c.is_ascii_digit())) {
                    v.pattern(
                        &format!("{field}.ownerAccountId"),
                        owner,
                        r"^\d{12}$",
                        |_| false,
                    );
                }
            }
        }
        if let Some(table) = destination.and_then(|d| d.lookup_table_configuration.as_ref()) {
            let field = "destinationConfiguration.lookupTableConfiguration";
            if let Some(name) =
                v.required(&format!("{field}.tableName"), table.table_name.as_deref())
            {
                if v.length(
                    &format!("{field}.tableName"),
                    name,
                    1,
                    MAX_LOOKUP_TABLE_NAME_LEN,
                ) {
                    v.pattern(
                        &format!("{field}.tableName"),
                        name,
                        "^[a-zA-Z0-9_]+$",
                        |c| c.is_ascii_alphanumeric() || c == '_',
                    );
                }
            }
            v.required(&format!("{field}.roleArn"), table.role_arn.as_deref());
            if let Some(tags) = &table.tags {
                v.tags(&format!("{field}.tags"), tags);
            }
        }
    }

    /// The schedule and destination, or ValidationException.
    fn definition(&self) -> LogsResult<Definition> {
        let schedule = Schedule::parse(self.schedule_expression.as_deref().unwrap_or_default())
            .map_err(LogsError::Validation)?;
        let zone = match self.timezone.as_deref() {
            None => Zone::UTC,
            Some(id) => Zone::named(id).ok_or_else(|| {
                LogsError::Validation(format!("Invalid timezone: {id} is not a valid time zone."))
            })?,
        };
        if let (Some(start), Some(end)) = (self.schedule_start_time, self.schedule_end_time) {
            if end < start {
                return Err(LogsError::Validation(
                    "scheduleEndTime must be after scheduleStartTime.".into(),
                ));
            }
        }
        let destination = match self.destination_configuration.clone().unwrap_or_default() {
            DestinationConfigurationIo {
                s3_configuration: Some(s3),
                lookup_table_configuration: None,
            } => Some(QueryDestination::S3 {
                uri: s3.destination_identifier.unwrap_or_default(),
                role_arn: s3.role_arn.unwrap_or_default(),
                owner_account_id: s3.owner_account_id,
                kms_key_id: s3.kms_key_id,
            }),
            DestinationConfigurationIo {
                s3_configuration: None,
                lookup_table_configuration: Some(t),
            } => Some(QueryDestination::LookupTable {
                table_name: t.table_name.unwrap_or_default(),
                role_arn: t.role_arn.unwrap_or_default(),
                description: t.description,
                kms_key_id: t.kms_key_id,
                tags: t.tags.unwrap_or_default(),
            }),
            DestinationConfigurationIo {
                s3_configuration: None,
                lookup_table_configuration: None,
            } => None,
            _ => {
                return Err(LogsError::Validation(
                    "Specify either s3Configuration or lookupTableConfiguration, not both.".into(),
                ))
            }
        };
        Ok(Definition {
            schedule,
            zone,
            destination,
        })
    }

    /// Applies the definition to `query` (now `now`) and plans its next run.
    fn apply(self, definition: Definition, query: &mut ScheduledQuery, now: i64) {
        query.description = self.description;
        query.language = self.query_language.unwrap_or_default();
        query.query_string = self.query_string.unwrap_or_default();
        query.log_groups = self.log_group_identifiers.unwrap_or_default();
        query.schedule_expression = self.schedule_expression.unwrap_or_default();
        query.schedule = definition.schedule;
        query.timezone = self.timezone;
        query.zone = definition.zone;
        query.start_offset = self.start_time_offset;
        query.end_offset = self.end_time_offset;
        query.destination = definition.destination;
        query.schedule_start = self.schedule_start_time;
        query.schedule_end = self.schedule_end_time;
        query.execution_role_arn = self.execution_role_arn.unwrap_or_default();
        query.enabled = self.state.as_deref() != Some("DISABLED");
        query.last_updated = now;
        query.plan_next(now);
    }
}

fn is_s3_uri(uri: &str) -> bool {
    let Some(rest) = uri.strip_prefix("s3://") else {
        return false;
    };
    let bucket = rest.split('/').next().unwrap_or_default();
    (3..=63).contains(&bucket.len())
        && bucket
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && !bucket.starts_with(['.', '-'])
        && !bucket.ends_with(['.', '-'])
}

fn check_name(v: &mut Violations, field: &str, name: &str) {
    v.length(field, name, 1, MAX_SCHEDULED_QUERY_NAME_LEN);
}

/// The name an identifier (name or ARN) stands for.
fn name_of(identifier: &str) -> &str {
    identifier
        .split_once(":scheduled-query:")
        .map_or(identifier, |(_, name)| name)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateInput {
    name: Option<String>,
    tags: Option<BTreeMap<String, String>>,
    #[serde(flatten)]
    definition: DefinitionInput,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateOutput {
    scheduled_query_arn: String,
    state: &'static str,
}

fn state_of(query: &ScheduledQuery) -> &'static str {
    if query.enabled {
        "ENABLED"
    } else {
        "DISABLED"
    }
}

pub(super) fn create_scheduled_query(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: CreateInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(name) = v.required("name", input.name.as_deref()) {
        check_name(&mut v, "name", name);
    }
    input.definition.check(&mut v);
    if let Some(tags) = &input.tags {
        v.tags("tags", tags);
    }
    finish(v)?;
    let definition = input.definition.definition()?;
    let name = input.name.unwrap_or_default();
    let region = ctx.region_to_write();
    if region.scheduled_queries().get(&name).is_ok() {
        return Err(LogsError::Conflict(format!(
            "A scheduled query named {name} already exists."
        )));
    }
    let now = ctx.store.now();
    let mut query = ScheduledQuery {
        arn: region.logs_arn("scheduled-query", &name),
        name,
        description: None,
        language: String::new(),
        query_string: String::new(),
        log_groups: Vec::new(),
        schedule_expression: String::new(),
        schedule: definition.schedule.clone(),
        timezone: None,
        zone: Zone::UTC,
        start_offset: None,
        end_offset: None,
        destination: None,
        schedule_start: None,
        schedule_end: None,
        execution_role_arn: String::new(),
        enabled: true,
        creation_time: now,
        last_updated: now,
        next_run: None,
        history: Vec::new(),
        tags: input.tags.unwrap_or_default(),
    };
    input.definition.apply(definition, &mut query, now);
    let output = CreateOutput {
        scheduled_query_arn: query.arn.clone(),
        state: state_of(&query),
    };
    region.scheduled_queries().put(query)?;
    Ok(Handled::json(encode(&output)))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ScheduledQueryOut {
    scheduled_query_arn: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    query_language: String,
    query_string: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    log_group_identifiers: Vec<String>,
    schedule_expression: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    timezone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_time_offset: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_time_offset: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    destination_configuration: Option<DestinationConfigurationIo>,
    state: &'static str,
    schedule_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_triggered_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_execution_status: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    schedule_start_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    schedule_end_time: Option<i64>,
    execution_role_arn: String,
    creation_time: i64,
    last_updated_time: i64,
}

fn destination_out(destination: Option<QueryDestination>) -> Option<DestinationConfigurationIo> {
    destination.map(|d| match d {
        QueryDestination::S3 {
            uri,
            role_arn,
            owner_account_id,
            kms_key_id,
        } => DestinationConfigurationIo {
            s3_configuration: Some(S3ConfigurationIo {
                destination_identifier: Some(uri),
                role_arn: Some(role_arn),
                owner_account_id,
                kms_key_id,
            }),
            lookup_table_configuration: None,
        },
        QueryDestination::LookupTable {
            table_name,
            role_arn,
            description,
            kms_key_id,
            tags,
        } => DestinationConfigurationIo {
            s3_configuration: None,
            lookup_table_configuration: Some(LookupTableConfigurationIo {
                table_name: Some(table_name),
                role_arn: Some(role_arn),
                description,
                kms_key_id,
                tags: (!tags.is_empty()).then_some(tags),
            }),
        },
    })
}

impl From<ScheduledQuery> for ScheduledQueryOut {
    fn from(q: ScheduledQuery) -> Self {
        Self {
            state: state_of(&q),
            last_triggered_time: q.last_triggered(),
            last_execution_status: q.last_status(),
            scheduled_query_arn: q.arn,
            name: q.name,
            description: q.description,
            query_language: q.language,
            query_string: q.query_string,
            log_group_identifiers: q.log_groups,
            schedule_expression: q.schedule_expression,
            timezone: q.timezone,
            start_time_offset: q.start_offset,
            end_time_offset: q.end_offset,
            destination_configuration: destination_out(q.destination),
            schedule_type: "CUSTOMER_MANAGED",
            schedule_start_time: q.schedule_start,
            schedule_end_time: q.schedule_end,
            execution_role_arn: q.execution_role_arn,
            creation_time: q.creation_time,
            last_updated_time: q.last_updated,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IdentifierInput {
    identifier: Option<String>,
}

fn required_identifier(v: &mut Violations, identifier: Option<&str>) -> String {
    if let Some(identifier) = v.required("identifier", identifier) {
        v.length("identifier", identifier, 1, MAX_SCHEDULED_QUERY_NAME_LEN);
    }
    name_of(identifier.unwrap_or_default()).to_owned()
}

pub(super) fn get_scheduled_query(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: IdentifierInput = decode(body)?;
    let mut v = Violations::new();
    let name = required_identifier(&mut v, input.identifier.as_deref());
    finish(v)?;
    let query = ctx.region.scheduled_queries().get(&name)?;
    Ok(Handled::json(encode(&ScheduledQueryOut::from(query))))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateInput {
    identifier: Option<String>,
    #[serde(flatten)]
    definition: DefinitionInput,
}

pub(super) fn update_scheduled_query(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: UpdateInput = decode(body)?;
    let mut v = Violations::new();
    let name = required_identifier(&mut v, input.identifier.as_deref());
    input.definition.check(&mut v);
    finish(v)?;
    let definition = input.definition.definition()?;
    let now = ctx.store.now();
    let updated = ctx.region.scheduled_queries().update(&name, |q| {
        input.definition.apply(definition, q, now);
        q.clone()
    })?;
    Ok(Handled::json(encode(&ScheduledQueryOut::from(updated))))
}

pub(super) fn delete_scheduled_query(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: IdentifierInput = decode(body)?;
    let mut v = Violations::new();
    let name = required_identifier(&mut v, input.identifier.as_deref());
    finish(v)?;
    ctx.region.scheduled_queries().delete(&name)?;
    Ok(Handled::empty())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListInput {
    max_results: Option<i64>,
    next_token: Option<String>,
    state: Option<String>,
    schedule_type: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SummaryOut {
    scheduled_query_arn: String,
    name: String,
    state: &'static str,
    schedule_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_triggered_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_execution_status: Option<&'static str>,
    schedule_expression: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    timezone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    destination_configuration: Option<DestinationConfigurationIo>,
    creation_time: i64,
    last_updated_time: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListOutput {
    scheduled_queries: Vec<SummaryOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(super) fn list_scheduled_queries(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: ListInput = decode(body)?;
    let mut v = Violations::new();
    let size = v.page_size(
        "maxResults",
        input.max_results,
        1,
        MAX_SCHEDULED_QUERY_PAGE,
        MAX_SCHEDULED_QUERY_PAGE as usize,
    );
    v.next_token(input.next_token.as_deref());
    if let Some(state) = &input.state {
        v.one_of("state", state, &STATES);
    }
    if let Some(kind) = &input.schedule_type {
        v.one_of("scheduleType", kind, &["CUSTOMER_MANAGED", "AWS_MANAGED"]);
    }
    finish(v)?;
    let page = ctx.region.scheduled_queries().page(
        ctx.region.fingerprint(),
        "",
        input.next_token.as_deref(),
        size,
        |q| {
            input.state.as_deref().is_none_or(|s| s == state_of(q))
                && input
                    .schedule_type
                    .as_deref()
                    .is_none_or(|t| t == "CUSTOMER_MANAGED")
        },
    );
    Ok(Handled::json(encode(&ListOutput {
        scheduled_queries: page
            .items
            .into_iter()
            .map(|q| SummaryOut {
                state: state_of(&q),
                schedule_type: "CUSTOMER_MANAGED",
                last_triggered_time: q.last_triggered(),
                last_execution_status: q.last_status(),
                scheduled_query_arn: q.arn,
                name: q.name,
                schedule_expression: q.schedule_expression,
                timezone: q.timezone,
                destination_configuration: destination_out(q.destination),
                creation_time: q.creation_time,
                last_updated_time: q.last_updated,
            })
            .collect(),
        next_token: page.next_token,
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HistoryInput {
    identifier: Option<String>,
    start_time: Option<i64>,
    end_time: Option<i64>,
    execution_statuses: Option<Vec<String>>,
    max_results: Option<i64>,
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DestinationOut {
    destination_type: &'static str,
    destination_identifier: String,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    processed_identifier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_message: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TriggerOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    query_id: Option<String>,
    execution_status: &'static str,
    triggered_timestamp: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_message: Option<String>,
    destinations: Vec<DestinationOut>,
}

impl From<Trigger> for TriggerOut {
    fn from(t: Trigger) -> Self {
        Self {
            query_id: t.query_id,
            execution_status: t.status,
            triggered_timestamp: t.triggered,
            error_message: t.error,
            destinations: t
                .destinations
                .into_iter()
                .map(|d| DestinationOut {
                    destination_type: d.kind,
                    destination_identifier: d.identifier,
                    status: d.status,
                    processed_identifier: d.processed_identifier,
                    error_message: d.error,
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HistoryOutput {
    name: String,
    scheduled_query_arn: String,
    trigger_history: Vec<TriggerOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(super) fn get_scheduled_query_history(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: HistoryInput = decode(body)?;
    let mut v = Violations::new();
    let name = required_identifier(&mut v, input.identifier.as_deref());
    let start = v.required("startTime", input.start_time.as_ref()).copied();
    let end = v.required("endTime", input.end_time.as_ref()).copied();
    v.time_range(start, end);
    for (i, status) in input.execution_statuses.iter().flatten().enumerate() {
        v.one_of(
            &format!("executionStatuses.{}.member", i + 1),
            status,
            &EXECUTION_STATUSES,
        );
    }
    let size = v.page_size(
        "maxResults",
        input.max_results,
        1,
        MAX_SCHEDULED_QUERY_PAGE,
        MAX_SCHEDULED_QUERY_PAGE as usize,
    );
    v.next_token(input.next_token.as_deref());
    finish(v)?;
    let (start, end) = (start.unwrap_or_default(), end.unwrap_or_default());
    let query = ctx.region.scheduled_queries().get(&name)?;
    let items = query
        .history
        .iter()
        .enumerate()
        .filter(|(_, t)| (start..=end).contains(&t.triggered))
        .filter(|(_, t)| {
            input
                .execution_statuses
                .as_ref()
                .is_none_or(|s| s.iter().any(|s| s == t.status))
        })
        .map(|(i, t)| ((t.triggered, format!("{i:08}")), t.clone()))
        .collect();
    let scope = crate::store::tokens::fingerprint(&[query.arn.as_bytes()]);
    let page = Listing::new("GetScheduledQueryHistory", scope).page_of(
        input.next_token.as_deref(),
        size,
        items,
    );
    Ok(Handled::json(encode(&HistoryOutput {
        name: query.name,
        scheduled_query_arn: query.arn,
        trigger_history: page.items.into_iter().map(TriggerOut::from).collect(),
        next_token: page.next_token,
    })))
}
