//! CreateLookupTable, GetLookupTable, UpdateLookupTable, DeleteLookupTable,
//! DescribeLookupTables: CSV tables for Logs Insights' `lookup`, from a `tableBody` or a
//! finished query's results. Tables are named by ARN (`...:lookup-table:<name>`); their ARNs
//! take tags (`ops/tags.rs`).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::limits::{
    MAX_DESCRIBE_LOOKUP_TABLES, MAX_LOOKUP_TABLE_BODY_LEN, MAX_LOOKUP_TABLE_DESCRIPTION_LEN,
    MAX_LOOKUP_TABLE_NAME_LEN,
};
use crate::protocol::{decode, encode};
use crate::store::lookup_tables::{LookupTable, ParsedTable};
use crate::store::queries::QueryStatus;
use crate::store::resources::Resource;
use crate::validate::Violations;

fn check_name(v: &mut Violations, field: &str, name: &str) {
    if v.length(field, name, 1, MAX_LOOKUP_TABLE_NAME_LEN) {
        v.pattern(field, name, "^[a-zA-Z0-9_]+$", |c| {
            c.is_ascii_alphanumeric() || c == '_'
        });
    }
}

/// The members Create and Update share.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ContentInput {
    description: Option<String>,
    table_body: Option<String>,
    query_id: Option<String>,
    kms_key_id: Option<String>,
}

impl ContentInput {
    fn check(&self, v: &mut Violations) {
        if let Some(description) = &self.description {
            v.length(
                "description",
                description,
                0,
                MAX_LOOKUP_TABLE_DESCRIPTION_LEN,
            );
        }
        if let Some(body) = &self.table_body {
            v.length("tableBody", body, 1, MAX_LOOKUP_TABLE_BODY_LEN);
        }
        if let Some(id) = &self.query_id {
            v.length("queryId", id, 1, 256);
        }
        if let Some(key) = &self.kms_key_id {
            v.length("kmsKeyId", key, 0, 256);
        }
    }

    /// The table's CSV and its parse: the body given, or the finished query's results.
    fn content(&self, ctx: &Ctx<'_>) -> LogsResult<(Arc<str>, Arc<ParsedTable>)> {
        match (&self.table_body, &self.query_id) {
            (Some(body), None) => {
                let parsed = ParsedTable::parse(body).map_err(|reason| {
                    LogsError::InvalidParameter(format!("Invalid table body: {reason}"))
                })?;
                Ok((Arc::from(body.as_str()), Arc::new(parsed)))
            }
            (None, Some(id)) => {
                let parsed = Arc::new(table_of_query(ctx, id)?);
                Ok((Arc::from(parsed.to_csv()), parsed))
            }
            _ => Err(LogsError::InvalidParameter(
                "Specify either tableBody or queryId, but not both.".into(),
            )),
        }
    }
}

/// A completed or cancelled query's rows as a table (`ParsedTable::from_rows`).
fn table_of_query(ctx: &Ctx<'_>, id: &str) -> LogsResult<ParsedTable> {
    let record = ctx.region.query(id)?;
    if !matches!(
        record.status,
        QueryStatus::Complete | QueryStatus::Cancelled
    ) {
        return Err(LogsError::InvalidParameter(format!(
            "Query {id} is {}; a lookup table can be made from a Complete or Cancelled query.",
            record.status.as_str()
        )));
    }
    ParsedTable::from_rows(&record.output.rows).ok_or_else(|| {
        LogsError::InvalidParameter(format!(
            "Query {id} returned no results to make a lookup table of."
        ))
    })
}

/// The name of this region's lookup table `arn` names, or not-found.
fn name_in(ctx: &Ctx<'_>, v: &mut Violations, arn: Option<&str>) -> LogsResult<String> {
    let arn = v
        .required("lookupTableArn", arn)
        .unwrap_or_default()
        .to_owned();
    std::mem::take(v).finish()?;
    let parts: Vec<&str> = arn.splitn(7, ':').collect();
    match parts[..] {
        ["arn", partition, "logs", region, account, "lookup-table", name]
            if partition == ctx.region.partition()
                && region == ctx.region.name()
                && account == ctx.store.account_id() =>
        {
            Ok(name.to_owned())
        }
        ["arn", _, "logs", _, _, "lookup-table", _] => Err(LookupTable::not_found()),
        _ => Err(LogsError::InvalidParameter(format!(
            "Invalid lookupTableArn {arn}: expected \
             arn:aws:logs:<region>:<account>:lookup-table:<name>"
        ))),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateLookupTableInput {
    lookup_table_name: Option<String>,
    tags: Option<BTreeMap<String, String>>,
    #[serde(flatten)]
    content: ContentInput,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateLookupTableOutput {
    lookup_table_arn: String,
    created_at: i64,
}

pub(super) fn create_lookup_table(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: CreateLookupTableInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(name) = v.required("lookupTableName", input.lookup_table_name.as_deref()) {
        check_name(&mut v, "lookupTableName", name);
    }
    input.content.check(&mut v);
    if let Some(tags) = &input.tags {
        v.tags("tags", tags);
    }
    v.finish()?;
    let name = input.lookup_table_name.unwrap_or_default();
    let region = ctx.region_to_write();
    if region.lookup_tables().get(&name).is_ok() {
        return Err(LogsError::ResourceAlreadyExists(format!(
            "A lookup table named {name} already exists."
        )));
    }
    let (body, parsed) = input.content.content(ctx)?;
    let now = ctx.store.now();
    let table = LookupTable {
        arn: region.logs_arn("lookup-table", &name),
        name,
        description: input.content.description,
        body,
        parsed,
        kms_key_id: input.content.kms_key_id,
        last_updated: now,
        tags: input.tags.unwrap_or_default(),
    };
    let arn = table.arn.clone();
    region.lookup_tables().put(table)?;
    Ok(Handled::json(encode(&CreateLookupTableOutput {
        lookup_table_arn: arn,
        created_at: now,
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ArnInput {
    lookup_table_arn: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GetLookupTableOutput<'a> {
    lookup_table_arn: String,
    lookup_table_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    table_body: &'a str,
    size_bytes: usize,
    last_updated_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    kms_key_id: Option<String>,
}

pub(super) fn get_lookup_table(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: ArnInput = decode(body)?;
    let name = name_in(
        ctx,
        &mut Violations::new(),
        input.lookup_table_arn.as_deref(),
    )?;
    let t = ctx.region.lookup_tables().get(&name)?;
    Ok(Handled::json(encode(&GetLookupTableOutput {
        size_bytes: t.body.len(),
        lookup_table_arn: t.arn,
        lookup_table_name: t.name,
        description: t.description,
        table_body: &t.body,
        last_updated_time: t.last_updated,
        kms_key_id: t.kms_key_id,
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateLookupTableInput {
    lookup_table_arn: Option<String>,
    #[serde(flatten)]
    content: ContentInput,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UpdateLookupTableOutput {
    lookup_table_arn: String,
    last_updated_time: i64,
}

pub(super) fn update_lookup_table(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: UpdateLookupTableInput = decode(body)?;
    let mut v = Violations::new();
    input.content.check(&mut v);
    let name = name_in(ctx, &mut v, input.lookup_table_arn.as_deref())?;
    ctx.region.lookup_tables().get(&name)?;
    let (body, parsed) = input.content.content(ctx)?;
    let now = ctx.store.now();
    let arn = ctx.region.lookup_tables().update(&name, |t| {
        t.body = body;
        t.parsed = parsed;
        t.last_updated = now;
        if input.content.description.is_some() {
            t.description = input.content.description;
        }
        if input.content.kms_key_id.is_some() {
            t.kms_key_id = input.content.kms_key_id;
        }
        t.arn.clone()
    })?;
    Ok(Handled::json(encode(&UpdateLookupTableOutput {
        lookup_table_arn: arn,
        last_updated_time: now,
    })))
}

pub(super) fn delete_lookup_table(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: ArnInput = decode(body)?;
    let name = name_in(
        ctx,
        &mut Violations::new(),
        input.lookup_table_arn.as_deref(),
    )?;
    ctx.region.lookup_tables().delete(&name)?;
    Ok(Handled::empty())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeLookupTablesInput {
    lookup_table_name_prefix: Option<String>,
    max_results: Option<i64>,
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LookupTableOut {
    lookup_table_arn: String,
    lookup_table_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    table_fields: Vec<String>,
    records_count: usize,
    size_bytes: usize,
    last_updated_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    kms_key_id: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DescribeLookupTablesOutput {
    lookup_tables: Vec<LookupTableOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(super) fn describe_lookup_tables(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DescribeLookupTablesInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(prefix) = &input.lookup_table_name_prefix {
        check_name(&mut v, "lookupTableNamePrefix", prefix);
    }
    // The model sets no minimum: 0 (like absence) means the largest page.
    let size = v.page_size(
        "maxResults",
        input.max_results,
        0,
        MAX_DESCRIBE_LOOKUP_TABLES,
        MAX_DESCRIBE_LOOKUP_TABLES as usize,
    );
    v.next_token(input.next_token.as_deref());
    v.finish()?;
    let size = if size == 0 {
        MAX_DESCRIBE_LOOKUP_TABLES as usize
    } else {
        size
    };
    let page = ctx.region.lookup_tables().page(
        ctx.region.fingerprint(),
        input.lookup_table_name_prefix.as_deref().unwrap_or(""),
        input.next_token.as_deref(),
        size,
        |_| true,
    );
    Ok(Handled::json(encode(&DescribeLookupTablesOutput {
        lookup_tables: page
            .items
            .into_iter()
            .map(|t| LookupTableOut {
                table_fields: t.parsed.fields.clone(),
                records_count: t.parsed.rows.len(),
                size_bytes: t.body.len(),
                lookup_table_arn: t.arn,
                lookup_table_name: t.name,
                description: t.description,
                last_updated_time: t.last_updated,
                kms_key_id: t.kms_key_id,
            })
            .collect(),
        next_token: page.next_token,
    })))
}
