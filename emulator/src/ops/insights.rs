//! Logs Insights: StartQuery, GetQueryResults, StopQuery, DescribeQueries, GetLogRecord. The
//! language is `crate::insights`; the query lifecycle and the scan are `store::queries`.

use serde::{Deserialize, Serialize};

use super::{resolve_group, Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::insights::Output;
use crate::limits::{
    LOG_GROUPS_FOR_QUERY_RESULTS, MAX_DESCRIBE_QUERIES_RESULTS, MAX_QUERY_GROUPS,
    MAX_QUERY_RESULTS_PAGE, MAX_QUERY_ROWS, MAX_QUERY_STRING_LEN, MAX_RUNNING_QUERIES,
    MAX_SOURCE_LOG_GROUPS,
};
use crate::protocol::{decode, encode};
use crate::store::listing::{Listing, Resume};
use crate::store::queries::{QueryRecord, QueryRequest};
use crate::validate::Violations;

/// The query languages (model: `QueryLanguage`); only CWLI is evaluated.
pub(super) const QUERY_LANGUAGES: [&str; 3] = ["CWLI", "SQL", "PPL"];
/// The statuses DescribeQueries filters by (model: `QueryStatus`).
const QUERY_STATUSES: [&str; 7] = [
    "Scheduled",
    "Running",
    "Complete",
    "Failed",
    "Cancelled",
    "Timeout",
    "Unknown",
];

/// AWS's Insights errors end with the Java SDK's detail, as its service answers them.
fn aws_detail(ctx: &Ctx<'_>, code: &str) -> String {
    format!(
        "(Service: AWSLogs; Status Code: 400; Error Code: {code}; Request ID: {}; Proxy: null)",
        ctx.request_id
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StartQueryInput {
    query_language: Option<String>,
    log_group_name: Option<String>,
    log_group_names: Option<Vec<String>>,
    log_group_identifiers: Option<Vec<String>>,
    start_time: Option<i64>,
    end_time: Option<i64>,
    query_string: Option<String>,
    limit: Option<i64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StartQueryOutput {
    query_id: String,
}

pub(super) fn start_query(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: StartQueryInput = decode(body)?;
    let mut v = Violations::new();
    let start = v.required("startTime", input.start_time.as_ref()).copied();
    let end = v.required("endTime", input.end_time.as_ref()).copied();
    v.time_range(start, end);
    let query_string = v.required("queryString", input.query_string.as_deref());
    if let Some(text) = query_string {
        v.length("queryString", text, 0, MAX_QUERY_STRING_LEN);
    }
    if let Some(name) = &input.log_group_name {
        v.log_group_name("logGroupName", name);
    }
    for (field, list) in [
        ("logGroupNames", &input.log_group_names),
        ("logGroupIdentifiers", &input.log_group_identifiers),
    ] {
        if let Some(list) = list {
            if v.count(field, list.len(), 0, MAX_QUERY_GROUPS) {
                for (i, item) in list.iter().enumerate() {
                    let member = format!("{field}.{}.member", i + 1);
                    if field == "logGroupNames" {
                        v.log_group_name(&member, item);
                    } else {
                        v.log_group_identifier(&member, item);
                    }
                }
            }
        }
    }
    let limit = v.page_size(
        "limit",
        input.limit,
        1,
        MAX_QUERY_ROWS as i64,
        MAX_QUERY_RESULTS_PAGE,
    );
    let language = input.query_language.as_deref().unwrap_or("CWLI");
    v.one_of("queryLanguage", language, &QUERY_LANGUAGES);
    v.finish()?;
    let (start, end) = (start.unwrap_or_default(), end.unwrap_or_default());
    if end < start {
        return Err(LogsError::InvalidParameter(
            "endTime must be greater than or equal to startTime.".into(),
        ));
    }
    if language != "CWLI" {
        return Err(LogsError::MalformedQuery {
            message: format!(
                "The {language} query language is not supported by this emulator; use CWLI (Logs Insights QL)."
            ),
            start: 0,
            end: 0,
        });
    }
    let query_string = query_string.unwrap_or_default();
    let parsed = crate::insights::parse(query_string);
    let source = parsed.as_ref().ok().and_then(|q| q.source.as_ref());
    // A query that picks its groups with SOURCE but does not compile: its compile error, not
    // the missing group parameter, is what is wrong.
    let no_group_parameter = input.log_group_name.is_none()
        && input.log_group_names.is_none()
        && input.log_group_identifiers.is_none();
    let starts_with_source = query_string
        .trim_start()
        .get(..6)
        .is_some_and(|w| w.eq_ignore_ascii_case("source"));
    if let (Err(e), true, true) = (&parsed, no_group_parameter, starts_with_source) {
        return Err(LogsError::MalformedQuery {
            message: e.message.clone(),
            start: e.start,
            end: e.end,
        });
    }
    let names: Vec<(&str, bool)> = match (
        &input.log_group_name,
        &input.log_group_names,
        &input.log_group_identifiers,
        source,
    ) {
        (Some(name), None, None, None) => vec![(name.as_str(), false)],
        (None, Some(names), None, None) => names.iter().map(|n| (n.as_str(), false)).collect(),
        (None, None, Some(ids), None) => ids.iter().map(|n| (n.as_str(), true)).collect(),
        // SOURCE chooses the groups when no parameter names them (the StartQuery doc).
        (None, None, None, Some(_)) => Vec::new(),
        (_, _, _, Some(_)) => {
            return Err(LogsError::InvalidParameter(
                "A query with SOURCE cannot also take logGroupName, logGroupNames or logGroupIdentifiers.".into(),
            ))
        }
        _ => return Err(LogsError::InvalidParameter(
            "Exactly one of logGroupName, logGroupNames or logGroupIdentifiers must be provided."
                .into(),
        )),
    };
    if names.is_empty() && source.is_none() {
        return Err(LogsError::InvalidParameter(
            "At least one log group must be provided.".into(),
        ));
    }
    let malformed = |e: crate::insights::CompileError| LogsError::MalformedQuery {
        message: e.message,
        start: e.start,
        end: e.end,
    };
    let mut query = parsed.map_err(malformed)?;
    query
        .bind_lookups(|name| ctx.region.lookup_table(name))
        .map_err(malformed)?;
    let mut groups = match &query.source {
        Some(source) if source.names.is_empty() => source_groups(ctx, source)?,
        _ => Vec::with_capacity(names.len()),
    };
    // `SOURCE "group" ...` names its groups as logGroupNames would.
    let source_names = query.source.as_ref().map(|s| s.names.as_slice());
    let names = names.into_iter().chain(
        source_names
            .unwrap_or_default()
            .iter()
            .map(|n| (n.as_str(), false)),
    );
    for (name, is_identifier) in names {
        let found = if is_identifier {
            resolve_group(ctx, None, Some(name))
        } else {
            ctx.group(name)
        };
        groups.push(found.map_err(|_| {
            LogsError::ResourceNotFound(format!(
                "Log group '{name}' does not exist for account ID '{}' {}",
                ctx.store.account_id(),
                aws_detail(ctx, "ResourceNotFoundException")
            ))
        })?);
    }
    refuse_infrequent_access(query.not_for_infrequent_access(), &groups)?;
    let subquery_groups = ctx.region.subquery_groups(&query).map_err(|name| {
        LogsError::ResourceNotFound(format!(
            "Log group '{name}' does not exist for account ID '{}' {}",
            ctx.store.account_id(),
            aws_detail(ctx, "ResourceNotFoundException")
        ))
    })?;
    // Subqueries are held to the same rule over the groups they read: a `filter ... in
    // (subquery)` or `appendcols` subquery's own commands over its SOURCE groups (an
    // `appendcols` without SOURCE reads the outer query's), and the outer query's commands
    // over the groups a `join` brings in.
    for (sub, read) in query.subqueries().into_iter().zip(&subquery_groups.filters) {
        refuse_infrequent_access(sub.query.not_for_infrequent_access(), read)?;
    }
    refuse_infrequent_access(query.not_for_infrequent_access(), &subquery_groups.join)?;
    for (append, read) in query.append_cols().zip(&subquery_groups.appended) {
        let read = if read.is_empty() { &groups } else { read };
        refuse_infrequent_access(append.query.not_for_infrequent_access(), read)?;
    }
    let indexed_since = super::indexes::index_coverage(&ctx.region, &query, &groups);
    // Both ends inclusive, in seconds: AWS reads [start*1000, end*1000+999] ms; SOURCE's
    // START=/END= (inclusive milliseconds) override them.
    let started = ctx.store.now();
    let option = |pick: fn(&crate::insights::Source) -> Option<crate::insights::SourceTime>| {
        query.source.as_ref().and_then(pick).map(|t| t.at(started))
    };
    let from = option(|s| s.start).unwrap_or(start.saturating_mul(1000));
    let to = option(|s| s.end).map_or(end.saturating_mul(1000).saturating_add(1000), |e| {
        e.saturating_add(1)
    });
    if to <= from {
        return Err(LogsError::InvalidParameter(
            "endTime must be greater than or equal to startTime.".into(),
        ));
    }
    let request = QueryRequest {
        indexed_since,
        query,
        query_string: query_string.to_owned(),
        language: language.to_owned(),
        groups,
        from,
        to,
        limit,
        started,
        subquery_groups,
    };
    let query_id = ctx
        .region
        .start_query(request, MAX_RUNNING_QUERIES)
        .map_err(|error| match error {
            LogsError::LimitExceeded(message) => LogsError::LimitExceeded(format!(
                "{message} {}",
                aws_detail(ctx, "LimitExceededException")
            )),
            other => other,
        })?;
    Ok(Handled::json(encode(&StartQueryOutput { query_id })))
}

/// Refuses `command` (a command Infrequent Access log groups do not support, if any) when
/// one of `groups` is in that class, as AWS words it.
fn refuse_infrequent_access(
    command: Option<&str>,
    groups: &[std::sync::Arc<crate::store::LogGroup>],
) -> Result<(), LogsError> {
    let Some(command) = command else {
        return Ok(());
    };
    match groups
        .iter()
        .find(|g| g.settings().class == crate::store::LogGroupClass::InfrequentAccess)
    {
        Some(group) => Err(LogsError::MalformedQuery {
            message: format!(
                "The {command} command is not supported for log groups in the Infrequent Access log class: {}",
                group.name()
            ),
            start: 0,
            end: 0,
        }),
        None => Ok(()),
    }
}

/// The groups `SOURCE logGroups(...)` selects in this region and account: by name prefix
/// (any, when none is given) and log class (`STANDARD` when none is given).
fn source_groups(
    ctx: &Ctx<'_>,
    source: &crate::insights::Source,
) -> LogsResult<Vec<std::sync::Arc<crate::store::LogGroup>>> {
    let account = ctx.store.account_id();
    if !source.account_identifiers.is_empty()
        && !source.account_identifiers.iter().any(|a| a == account)
    {
        return Ok(Vec::new());
    }
    let groups: Vec<_> = ctx
        .region
        .all_groups()
        .into_iter()
        .filter(|group| {
            let name = group.name();
            let class = group.settings().class.as_str();
            (source.name_prefixes.is_empty()
                || source
                    .name_prefixes
                    .iter()
                    .any(|p| name.starts_with(p.as_str())))
                && if source.classes.is_empty() {
                    class == "STANDARD"
                } else {
                    source.classes.iter().any(|c| c == class)
                }
        })
        .collect();
    if groups.len() > MAX_SOURCE_LOG_GROUPS {
        return Err(LogsError::MalformedQuery {
            message: format!(
                "SOURCE selects {} log groups, more than {MAX_SOURCE_LOG_GROUPS}; select fewer log groups.",
                groups.len()
            ),
            start: 0,
            end: 0,
        });
    }
    Ok(groups)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueryIdInput {
    query_id: Option<String>,
    next_token: Option<String>,
    max_items: Option<i64>,
}

#[derive(Serialize)]
struct ResultField<'a> {
    field: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Statistics {
    records_matched: f64,
    records_scanned: f64,
    estimated_records_skipped: f64,
    bytes_scanned: f64,
    estimated_bytes_skipped: f64,
    log_groups_scanned: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GetQueryResultsOutput<'a> {
    query_language: &'a str,
    results: Vec<Vec<ResultField<'a>>>,
    statistics: Statistics,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

fn required_query_id<'i>(v: &mut Violations, id: Option<&'i str>) -> &'i str {
    match v.required("queryId", id) {
        Some(id) => {
            v.length("queryId", id, 1, 256);
            id
        }
        None => "",
    }
}

pub(super) fn get_query_results(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: QueryIdInput = decode(body)?;
    let mut v = Violations::new();
    let id = required_query_id(&mut v, input.query_id.as_deref());
    let page_size = v.page_size(
        "maxItems",
        input.max_items,
        0,
        MAX_QUERY_RESULTS_PAGE as i64,
        MAX_QUERY_RESULTS_PAGE,
    );
    v.finish()?;
    let record = ctx.region.query(id)?;
    // Rows are final once the query is complete; a token names the first row of the next page.
    let listing = Listing::new(
        "GetQueryResults",
        crate::store::tokens::fingerprint(&[id.as_bytes()]),
    );
    let start = match listing.resume::<String>(input.next_token.as_deref()) {
        Resume::Start => 0,
        Resume::After(index) => index
            .parse::<usize>()
            .map_err(|_| LogsError::invalid_next_token())?,
        Resume::Unusable => return Err(LogsError::invalid_next_token()),
    };
    let rows = record.output.rows.get(start..).unwrap_or_default();
    let shown = if page_size == 0 {
        rows.len()
    } else {
        rows.len().min(page_size)
    };
    let next_token = (shown < rows.len()).then(|| listing.token(&(start + shown).to_string()));
    let output = GetQueryResultsOutput {
        query_language: &record.language,
        results: rows[..shown]
            .iter()
            .map(|row| {
                row.iter()
                    .map(|(field, value)| ResultField { field, value })
                    .collect()
            })
            .collect(),
        statistics: statistics(&record.output, record.log_groups.len()),
        status: record.status.as_str(),
        next_token,
    };
    Ok(Handled::json(encode(&output)))
}

fn statistics(output: &Output, groups: usize) -> Statistics {
    Statistics {
        records_matched: output.records_matched as f64,
        records_scanned: output.records_scanned as f64,
        estimated_records_skipped: output.records_skipped as f64,
        bytes_scanned: output.bytes_scanned as f64,
        estimated_bytes_skipped: output.bytes_skipped as f64,
        log_groups_scanned: groups as f64,
    }
}

#[derive(Serialize)]
struct StopQueryOutput {
    success: bool,
}

pub(super) fn stop_query(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: QueryIdInput = decode(body)?;
    let mut v = Violations::new();
    let id = required_query_id(&mut v, input.query_id.as_deref());
    v.finish()?;
    if !ctx.region.stop_query(id)? {
        return Err(LogsError::InvalidParameter(format!(
            "Query is not running. Query id: {id}"
        )));
    }
    Ok(Handled::json(encode(&StopQueryOutput { success: true })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeQueriesInput {
    log_group_name: Option<String>,
    status: Option<String>,
    max_results: Option<i64>,
    next_token: Option<String>,
    query_language: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct QueryInfoOut {
    query_language: String,
    query_id: String,
    query_string: String,
    status: &'static str,
    create_time: i64,
    log_group_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    query_duration: Option<i64>,
    bytes_scanned: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DescribeQueriesOutput {
    queries: Vec<QueryInfoOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// The query as DescribeQueries shows it: AWS prefixes the groups and the window it read,
/// `SOURCE "g" START=<ms> END=<ms> | query` (recorded by LocalStack's AWS-validated snapshot).
fn described_query_string(record: &QueryRecord) -> String {
    let sources: Vec<String> = record
        .log_groups
        .iter()
        .map(|g| format!("\"{g}\""))
        .collect();
    format!(
        "SOURCE {} START={} END={} | {}",
        sources.join(" "),
        record.window.0,
        record.window.1 - 1,
        record.query_string
    )
}

pub(super) fn describe_queries(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DescribeQueriesInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(name) = &input.log_group_name {
        v.log_group_name("logGroupName", name);
    }
    if let Some(status) = &input.status {
        v.one_of("status", status, &QUERY_STATUSES);
    }
    if let Some(language) = &input.query_language {
        v.one_of("queryLanguage", language, &QUERY_LANGUAGES);
    }
    let limit = v.page_size(
        "maxResults",
        input.max_results,
        1,
        MAX_DESCRIBE_QUERIES_RESULTS as i64,
        MAX_DESCRIBE_QUERIES_RESULTS,
    );
    v.next_token(input.next_token.as_deref());
    v.finish()?;
    let wanted = ctx
        .region
        .queries()
        .into_iter()
        .filter(|q| {
            input
                .log_group_name
                .as_ref()
                .is_none_or(|name| q.log_groups.first() == Some(name))
                && input
                    .status
                    .as_deref()
                    .is_none_or(|s| q.status.as_str() == s)
                && input
                    .query_language
                    .as_deref()
                    .is_none_or(|l| q.language == l)
        })
        // Newest first: the key is the negated creation time, then the id.
        .map(|q| ((-q.create_time, q.id.clone()), q))
        .collect();
    let page = Listing::new("DescribeQueries", ctx.region.fingerprint()).page_of(
        input.next_token.as_deref(),
        limit,
        wanted,
    );
    let queries = page
        .items
        .iter()
        .map(|q| QueryInfoOut {
            query_language: q.language.clone(),
            query_id: q.id.clone(),
            query_string: described_query_string(q),
            status: q.status.as_str(),
            create_time: q.create_time,
            log_group_name: q.log_groups.first().cloned().unwrap_or_default(),
            query_duration: q.duration,
            bytes_scanned: q.output.bytes_scanned as f64,
        })
        .collect();
    Ok(Handled::json(encode(&DescribeQueriesOutput {
        queries,
        next_token: page.next_token,
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GetLogRecordInput {
    log_record_pointer: Option<String>,
    /// Shows the record without data-protection masking.
    unmask: Option<bool>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GetLogRecordOutput {
    log_record: serde_json::Map<String, serde_json::Value>,
}

pub(super) fn get_log_record(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: GetLogRecordInput = decode(body)?;
    let mut v = Violations::new();
    let pointer = v
        .required("logRecordPointer", input.log_record_pointer.as_deref())
        .unwrap_or_default();
    v.finish()?;
    let (group, stream, timestamp, ingestion_time, message) = ctx
        .region
        .log_record(pointer, input.unmask.unwrap_or(false))?;
    // Every field of the event: the system ones as epoch-millisecond strings (as AWS's
    // GetLogRecord shows them), then a JSON message's fields, flattened.
    let mut record = serde_json::Map::new();
    record.insert("@ingestionTime".into(), ingestion_time.to_string().into());
    record.insert(
        "@log".into(),
        format!("{}:{group}", ctx.store.account_id()).into(),
    );
    record.insert("@logStream".into(), stream.into());
    record.insert("@timestamp".into(), timestamp.to_string().into());
    for (field, value) in crate::insights::json_fields(&message) {
        record.entry(field).or_insert(value.into());
    }
    record.insert("@message".into(), message.into());
    Ok(Handled::json(encode(&GetLogRecordOutput {
        log_record: record,
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GetLogGroupFieldsInput {
    log_group_name: Option<String>,
    log_group_identifier: Option<String>,
    time: Option<i64>,
}

#[derive(Serialize)]
struct LogGroupFieldOut {
    name: String,
    percent: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GetLogGroupFieldsOutput {
    log_group_fields: Vec<LogGroupFieldOut>,
}

/// The fields every event has (the user guide's "discoverable fields").
const SYSTEM_FIELDS: [&str; 5] = [
    "@ingestionTime",
    "@log",
    "@logStream",
    "@message",
    "@timestamp",
];

pub(super) fn get_log_group_fields(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: GetLogGroupFieldsInput = decode(body)?;
    let mut v = Violations::new();
    v.group_reference(
        input.log_group_name.as_deref(),
        input.log_group_identifier.as_deref(),
    );
    if let Some(time) = input.time {
        v.range("time", time, 0, i64::MAX);
    }
    v.finish()?;
    let group = resolve_group(
        ctx,
        input.log_group_name.as_deref(),
        input.log_group_identifier.as_deref(),
    )?;
    // Around `time` (±8 minutes), else the last 15 minutes (model doc of GetLogGroupFields).
    let (from, to) = match input.time {
        Some(seconds) => {
            let at = seconds.saturating_mul(1000);
            (at.saturating_sub(8 * 60_000), at.saturating_add(8 * 60_000))
        }
        None => {
            let now = ctx.store.now();
            (now.saturating_sub(15 * 60_000), now.saturating_add(1))
        }
    };
    let mut total = 0u64;
    let mut counts: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    group.scan(from, to, false, |_, event| {
        total += 1;
        for (field, _) in crate::insights::json_fields(event.message) {
            // A JSON key that starts with @ shows with a second @, as AWS shows it.
            let field = if field.starts_with('@') {
                format!("@{field}")
            } else {
                field
            };
            *counts.entry(field).or_default() += 1;
        }
        true
    });
    let mut fields: Vec<LogGroupFieldOut> = Vec::new();
    if total > 0 {
        fields.extend(SYSTEM_FIELDS.iter().map(|name| LogGroupFieldOut {
            name: (*name).to_owned(),
            percent: 100,
        }));
        fields.extend(counts.into_iter().map(|(name, count)| LogGroupFieldOut {
            name,
            percent: ((count * 100 + total / 2) / total) as i64,
        }));
    }
    // Highest percentage first (model doc), then by name.
    fields.sort_by(|a, b| b.percent.cmp(&a.percent).then_with(|| a.name.cmp(&b.name)));
    Ok(Handled::json(encode(&GetLogGroupFieldsOutput {
        log_group_fields: fields,
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListLogGroupsForQueryInput {
    query_id: Option<String>,
    next_token: Option<String>,
    max_results: Option<i64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListLogGroupsForQueryOutput {
    log_group_identifiers: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(super) fn list_log_groups_for_query(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: ListLogGroupsForQueryInput = decode(body)?;
    let mut v = Violations::new();
    let id = required_query_id(&mut v, input.query_id.as_deref());
    let (min, max) = LOG_GROUPS_FOR_QUERY_RESULTS;
    let limit = v.page_size("maxResults", input.max_results, min, max, min as usize);
    v.next_token(input.next_token.as_deref());
    v.finish()?;
    let record = ctx.region.query(id)?;
    let listing = Listing::new(
        "ListLogGroupsForQuery",
        crate::store::tokens::fingerprint(&[id.as_bytes()]),
    );
    let arns = record
        .log_groups
        .iter()
        .map(|name| {
            let arn = ctx.region.group_arn(name);
            (arn.clone(), arn)
        })
        .collect();
    let page = listing.page_of(input.next_token.as_deref(), limit, arns);
    Ok(Handled::json(encode(&ListLogGroupsForQueryOutput {
        log_group_identifiers: page.items,
        next_token: page.next_token,
    })))
}
