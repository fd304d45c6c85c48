//! Saved Logs Insights queries: PutQueryDefinition, DescribeQueryDefinitions,
//! DeleteQueryDefinition (a `ResourceTable` of `store::queries::QueryDefinition` per region).

use serde::{Deserialize, Serialize};

use super::insights::QUERY_LANGUAGES;
use super::{Ctx, Handled};
use crate::error::LogsResult;
use crate::limits::{
    MAX_DESCRIBE_QUERIES_RESULTS, MAX_QUERY_DEFINITION_NAME_LEN, MAX_QUERY_GROUPS,
    MAX_QUERY_PARAMETERS, MAX_QUERY_STRING_LEN,
};
use crate::protocol::{decode, encode};
use crate::store::listing::Listing;
use crate::store::queries::{QueryDefinition, QueryParameter};
use crate::validate::Violations;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ParameterIo {
    name: Option<String>,
    default_value: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PutQueryDefinitionInput {
    query_language: Option<String>,
    name: Option<String>,
    query_definition_id: Option<String>,
    log_group_names: Option<Vec<String>>,
    query_string: Option<String>,
    client_token: Option<String>,
    parameters: Option<Vec<ParameterIo>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PutQueryDefinitionOutput {
    query_definition_id: String,
}

pub(super) fn put_query_definition(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: PutQueryDefinitionInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(name) = v.required("name", input.name.as_deref()) {
        v.length("name", name, 1, MAX_QUERY_DEFINITION_NAME_LEN);
    }
    if let Some(text) = v.required("queryString", input.query_string.as_deref()) {
        v.length("queryString", text, 1, MAX_QUERY_STRING_LEN);
    }
    if let Some(id) = &input.query_definition_id {
        v.length("queryDefinitionId", id, 1, 256);
    }
    if let Some(names) = &input.log_group_names {
        if v.count("logGroupNames", names.len(), 0, MAX_QUERY_GROUPS) {
            for (i, name) in names.iter().enumerate() {
                v.log_group_name(&format!("logGroupNames.{}.member", i + 1), name);
            }
        }
    }
    if let Some(token) = &input.client_token {
        if v.length("clientToken", token, 36, 128) {
            v.pattern("clientToken", token, r"\S{36,128}", |c| !c.is_whitespace());
        }
    }
    if let Some(parameters) = &input.parameters {
        if v.count("parameters", parameters.len(), 0, MAX_QUERY_PARAMETERS) {
            for (i, p) in parameters.iter().enumerate() {
                let field = |m: &str| format!("parameters.{}.member.{m}", i + 1);
                if let Some(name) = v.required(&field("name"), p.name.as_deref()) {
                    if v.length(&field("name"), name, 1, 128) {
                        let first_ok = name
                            .chars()
                            .next()
                            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
                        v.pattern(&field("name"), name, "^[a-zA-Z_][a-zA-Z0-9_]*", |c| {
                            first_ok && (c.is_ascii_alphanumeric() || c == '_')
                        });
                    }
                }
                if let Some(value) = &p.default_value {
                    v.length(&field("defaultValue"), value, 0, 1024);
                }
                if let Some(text) = &p.description {
                    v.length(&field("description"), text, 0, 512);
                }
            }
        }
    }
    let language = input.query_language.as_deref().unwrap_or("CWLI");
    v.one_of("queryLanguage", language, &QUERY_LANGUAGES);
    v.finish()?;
    // Saving a query stores state: the region is created if this is its first.
    let region = ctx.region_to_write();
    let table = region.query_definitions();
    let id = match &input.query_definition_id {
        // An update replaces every member; none of the current values are kept (model doc).
        Some(id) => table.get(id)?.id,
        None => {
            let retried = input.client_token.as_ref().and_then(|token| {
                table
                    .all()
                    .into_iter()
                    .find(|d| d.client_token.as_ref() == Some(token))
            });
            if let Some(existing) = retried {
                return Ok(Handled::json(encode(&PutQueryDefinitionOutput {
                    query_definition_id: existing.id,
                })));
            }
            ctx.store.env().ids.uuid()
        }
    };
    table.put(QueryDefinition {
        id: id.clone(),
        name: input.name.unwrap_or_default(),
        query_string: input.query_string.unwrap_or_default(),
        log_group_names: input.log_group_names.unwrap_or_default(),
        language: language.to_owned(),
        parameters: input
            .parameters
            .unwrap_or_default()
            .into_iter()
            .map(|p| QueryParameter {
                name: p.name.unwrap_or_default(),
                default_value: p.default_value,
                description: p.description,
            })
            .collect(),
        last_modified: ctx.store.now(),
        client_token: input.client_token,
    })?;
    Ok(Handled::json(encode(&PutQueryDefinitionOutput {
        query_definition_id: id,
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeQueryDefinitionsInput {
    query_language: Option<String>,
    query_definition_name_prefix: Option<String>,
    max_results: Option<i64>,
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ParameterOut {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct QueryDefinitionOut {
    query_language: String,
    query_definition_id: String,
    name: String,
    query_string: String,
    last_modified: i64,
    log_group_names: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    parameters: Vec<ParameterOut>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DescribeQueryDefinitionsOutput {
    query_definitions: Vec<QueryDefinitionOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(super) fn describe_query_definitions(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DescribeQueryDefinitionsInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(prefix) = &input.query_definition_name_prefix {
        v.length(
            "queryDefinitionNamePrefix",
            prefix,
            1,
            MAX_QUERY_DEFINITION_NAME_LEN,
        );
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
    let prefix = input.query_definition_name_prefix.as_deref().unwrap_or("");
    let mut all = ctx.region.query_definitions().all();
    all.retain(|d| {
        d.name.starts_with(prefix)
            && input
                .query_language
                .as_deref()
                .is_none_or(|l| d.language == l)
    });
    // By name, then id (names need not be unique).
    let keyed = all
        .into_iter()
        .map(|d| ((d.name.clone(), d.id.clone()), d))
        .collect();
    let page = Listing::new("DescribeQueryDefinitions", ctx.region.fingerprint()).page_of(
        input.next_token.as_deref(),
        limit,
        keyed,
    );
    let query_definitions = page
        .items
        .into_iter()
        .map(|d| QueryDefinitionOut {
            query_language: d.language,
            query_definition_id: d.id,
            name: d.name,
            query_string: d.query_string,
            last_modified: d.last_modified,
            log_group_names: d.log_group_names,
            parameters: d
                .parameters
                .into_iter()
                .map(|p| ParameterOut {
                    name: p.name,
                    default_value: p.default_value,
                    description: p.description,
                })
                .collect(),
        })
        .collect();
    Ok(Handled::json(encode(&DescribeQueryDefinitionsOutput {
        query_definitions,
        next_token: page.next_token,
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeleteQueryDefinitionInput {
    query_definition_id: Option<String>,
}

#[derive(Serialize)]
struct DeleteQueryDefinitionOutput {
    success: bool,
}

pub(super) fn delete_query_definition(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: DeleteQueryDefinitionInput = decode(body)?;
    let mut v = Violations::new();
    let id = v
        .required("queryDefinitionId", input.query_definition_id.as_deref())
        .unwrap_or_default();
    if !id.is_empty() {
        v.length("queryDefinitionId", id, 1, 256);
    }
    v.finish()?;
    ctx.region.query_definitions().delete(id)?;
    Ok(Handled::json(encode(&DeleteQueryDefinitionOutput {
        success: true,
    })))
}
