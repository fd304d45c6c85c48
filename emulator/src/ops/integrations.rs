//! PutIntegration, GetIntegration, DeleteIntegration, ListIntegrations (the account's one
//! OpenSearch Service integration) and AssociateSourceToS3TableIntegration,
//! DisassociateSourceFromS3TableIntegration, ListSourcesForS3TableIntegration. Stored,
//! validated and described; an integration is PROVISIONING for a few seconds of the
//! emulator's clock, then ACTIVE. Nothing is provisioned in OpenSearch or S3 Tables.

use serde::{Deserialize, Serialize};

use super::deliveries::finish as finish_as_validation;
use super::{Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::limits::{MAX_INTEGRATION_NAME_LEN, MAX_S3_TABLE_SOURCES_PAGE};
use crate::protocol::{decode, encode};
use crate::store::integrations::{Integration, OpenSearchConfig, S3TableSource};
use crate::store::tokens::fingerprint;
use crate::validate::Violations;

const INTEGRATION_TYPE: &str = "OPENSEARCH";
const STATUSES: [&str; 3] = ["PROVISIONING", "ACTIVE", "FAILED"];

fn check_name(v: &mut Violations, field: &str, name: &str) {
    if v.length(field, name, 1, MAX_INTEGRATION_NAME_LEN) {
        v.pattern(field, name, r"[\.\-_/#A-Za-z0-9]+", |c| {
            c.is_ascii_alphanumeric() || ".-_/#".contains(c)
        });
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OpenSearchResourceConfig {
    kms_key_arn: Option<String>,
    data_source_role_arn: Option<String>,
    dashboard_viewer_principals: Option<Vec<String>>,
    application_arn: Option<String>,
    retention_days: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResourceConfig {
    open_search_resource_config: Option<OpenSearchResourceConfig>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PutIntegrationInput {
    integration_name: Option<String>,
    resource_config: Option<ResourceConfig>,
    integration_type: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PutIntegrationOutput {
    integration_name: String,
    integration_status: &'static str,
}

pub(super) fn put_integration(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: PutIntegrationInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(name) = v.required("integrationName", input.integration_name.as_deref()) {
        check_name(&mut v, "integrationName", name);
    }
    if let Some(kind) = v.required("integrationType", input.integration_type.as_deref()) {
        v.one_of("integrationType", kind, &[INTEGRATION_TYPE]);
    }
    let open_search = v
        .required("resourceConfig", input.resource_config.as_ref())
        .and_then(|c| c.open_search_resource_config.as_ref());
    if let Some(c) = open_search {
        let field = "resourceConfig.openSearchResourceConfig";
        v.required(
            &format!("{field}.dataSourceRoleArn"),
            c.data_source_role_arn.as_deref(),
        );
        v.required(
            &format!("{field}.dashboardViewerPrincipals"),
            c.dashboard_viewer_principals.as_ref(),
        );
        if let Some(days) = v.required(&format!("{field}.retentionDays"), c.retention_days.as_ref())
        {
            v.range(&format!("{field}.retentionDays"), *days, 1, 30);
        }
    }
    v.finish()?;
    let Some(c) = input
        .resource_config
        .and_then(|c| c.open_search_resource_config)
    else {
        return Err(LogsError::InvalidParameter(
            "resourceConfig must specify openSearchResourceConfig for an OPENSEARCH integration."
                .into(),
        ));
    };
    let name = input.integration_name.unwrap_or_default();
    let region = ctx.region_to_write();
    if region.integrations().get(&name).is_ok() {
        return Err(LogsError::Validation(format!(
            "Integration {name} already exists; an existing integration cannot be modified."
        )));
    }
    let integration = Integration {
        name: name.clone(),
        config: OpenSearchConfig {
            kms_key_arn: c.kms_key_arn,
            data_source_role_arn: c.data_source_role_arn.unwrap_or_default(),
            dashboard_viewer_principals: c.dashboard_viewer_principals.unwrap_or_default(),
            application_arn: c.application_arn,
            retention_days: c.retention_days.unwrap_or_default(),
        },
        created: ctx.store.now(),
    };
    let status = integration.status(ctx.store.now());
    region.integrations().put(integration)?;
    Ok(Handled::json(encode(&PutIntegrationOutput {
        integration_name: name,
        integration_status: status,
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NameInput {
    integration_name: Option<String>,
    force: Option<bool>,
}

fn required_name(body: &[u8]) -> LogsResult<NameInput> {
    let input: NameInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(name) = v.required("integrationName", input.integration_name.as_deref()) {
        check_name(&mut v, "integrationName", name);
    }
    v.finish()?;
    Ok(input)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResourceStatus {
    status: &'static str,
}

/// One OpenSearch resource the integration made: its named members and, once the
/// integration is ACTIVE, its status.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OpenSearchResource {
    #[serde(flatten)]
    members: serde_json::Map<String, serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<ResourceStatus>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GetIntegrationOutput {
    integration_name: String,
    integration_type: &'static str,
    integration_status: &'static str,
    integration_details: serde_json::Value,
}

/// The OpenSearch resources an integration stands for, named after it (ids derived from its
/// name, so they are stable across reads).
fn open_search_details(
    ctx: &Ctx<'_>,
    integration: &Integration,
    active: bool,
) -> serde_json::Value {
    let id = format!("{:016x}", fingerprint(&[integration.name.as_bytes()]));
    let region = ctx.region.name();
    let account = ctx.store.account_id();
    let partition = ctx.region.partition();
    let resource = |members: serde_json::Value| OpenSearchResource {
        members: members.as_object().cloned().unwrap_or_default(),
        status: active.then_some(ResourceStatus { status: "ACTIVE" }),
    };
    let application_arn = integration
        .config
        .application_arn
        .clone()
        .unwrap_or_else(|| {
            format!("arn:{partition}:opensearch:{region}:{account}:application/{id}")
        });
    let policy = |kind: &str| {
        resource(serde_json::json!({"policyName": format!("{}-{kind}", integration.name)}))
    };
    serde_json::json!({"openSearchIntegrationDetails": {
        "dataSource": resource(serde_json::json!({"dataSourceName": integration.name})),
        "application": resource(serde_json::json!({
            "applicationArn": application_arn,
            "applicationId": id,
            "applicationEndpoint": format!("application-{id}.{region}.opensearch.amazonaws.com"),
        })),
        "collection": resource(serde_json::json!({
            "collectionArn": format!("arn:{partition}:aoss:{region}:{account}:collection/{id}"),
            "collectionEndpoint": format!("https://{id}.{region}.aoss.amazonaws.com"),
        })),
        "workspace": resource(serde_json::json!({"workspaceId": id})),
        "encryptionPolicy": policy("encryption"),
        "networkPolicy": policy("network"),
        "accessPolicy": policy("access"),
        "lifecyclePolicy": policy("lifecycle"),
    }})
}

pub(super) fn get_integration(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input = required_name(body)?;
    let integration = ctx
        .region
        .integrations()
        .get(input.integration_name.as_deref().unwrap_or_default())?;
    let status = integration.status(ctx.store.now());
    Ok(Handled::json(encode(&GetIntegrationOutput {
        integration_details: open_search_details(ctx, &integration, status == "ACTIVE"),
        integration_name: integration.name,
        integration_type: INTEGRATION_TYPE,
        integration_status: status,
    })))
}

pub(super) fn delete_integration(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input = required_name(body)?;
    // `force` matters only with vended-log dashboards, which the emulator never creates.
    let _ = input.force;
    ctx.region
        .integrations()
        .delete(input.integration_name.as_deref().unwrap_or_default())?;
    Ok(Handled::empty())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListIntegrationsInput {
    integration_name_prefix: Option<String>,
    integration_type: Option<String>,
    integration_status: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IntegrationSummary {
    integration_name: String,
    integration_type: &'static str,
    integration_status: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListIntegrationsOutput {
    integration_summaries: Vec<IntegrationSummary>,
}

pub(super) fn list_integrations(ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let input: ListIntegrationsInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(prefix) = &input.integration_name_prefix {
        check_name(&mut v, "integrationNamePrefix", prefix);
    }
    if let Some(kind) = &input.integration_type {
        v.one_of("integrationType", kind, &[INTEGRATION_TYPE]);
    }
    if let Some(status) = &input.integration_status {
        v.one_of("integrationStatus", status, &STATUSES);
    }
    v.finish()?;
    let now = ctx.store.now();
    let prefix = input.integration_name_prefix.as_deref().unwrap_or("");
    let summaries = ctx
        .region
        .integrations()
        .all()
        .into_iter()
        .filter(|i| i.name.starts_with(prefix))
        .filter(|i| {
            input
                .integration_status
                .as_deref()
                .is_none_or(|s| s == i.status(now))
        })
        .map(|i| IntegrationSummary {
            integration_type: INTEGRATION_TYPE,
            integration_status: i.status(now),
            integration_name: i.name,
        })
        .collect();
    Ok(Handled::json(encode(&ListIntegrationsOutput {
        integration_summaries: summaries,
    })))
}

#[derive(Deserialize, Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct DataSource {
    name: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssociateInput {
    integration_arn: Option<String>,
    data_source: Option<DataSource>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IdentifierOutput {
    identifier: String,
}

/// An S3 Table integration's ARN: the integration lives in another service
/// (CloudWatch Observability Admin), so only its shape is checked.
fn check_integration_arn(v: &mut Violations, arn: Option<&str>) {
    if let Some(arn) = v.required("integrationArn", arn) {
        if !arn.starts_with("arn:") || arn.split(':').count() < 6 {
            v.pattern("integrationArn", arn, "arn:.*", |_| false);
        }
    }
}

pub(super) fn associate_source_to_s3_table_integration(
    ctx: &Ctx<'_>,
    body: &[u8],
) -> LogsResult<Handled> {
    let input: AssociateInput = decode(body)?;
    let mut v = Violations::new();
    check_integration_arn(&mut v, input.integration_arn.as_deref());
    if let Some(source) = v.required("dataSource", input.data_source.as_ref()) {
        if let Some(name) = v.required("dataSource.name", source.name.as_deref()) {
            v.length("dataSource.name", name, 1, 2048);
        }
    }
    finish_as_validation(v)?;
    let integration_arn = input.integration_arn.unwrap_or_default();
    let source = input.data_source.unwrap_or(DataSource {
        name: None,
        kind: None,
    });
    let name = source.name.unwrap_or_default();
    let region = ctx.region_to_write();
    if region
        .s3_table_sources()
        .all()
        .iter()
        .any(|s| s.integration_arn == integration_arn && s.name == name && s.kind == source.kind)
    {
        return Err(LogsError::Validation(format!(
            "Data source {name} is already associated with the integration {integration_arn}."
        )));
    }
    let identifier = ctx.store.env().ids.uuid();
    region.s3_table_sources().put(S3TableSource {
        identifier: identifier.clone(),
        integration_arn,
        name,
        kind: source.kind,
        created: ctx.store.now(),
    })?;
    Ok(Handled::json(encode(&IdentifierOutput { identifier })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DisassociateInput {
    identifier: Option<String>,
}

pub(super) fn disassociate_source_from_s3_table_integration(
    ctx: &Ctx<'_>,
    body: &[u8],
) -> LogsResult<Handled> {
    let input: DisassociateInput = decode(body)?;
    let mut v = Violations::new();
    if let Some(id) = v.required("identifier", input.identifier.as_deref()) {
        v.length("identifier", id, 1, 2048);
    }
    finish_as_validation(v)?;
    let removed = ctx
        .region
        .s3_table_sources()
        .delete(input.identifier.as_deref().unwrap_or_default())?;
    Ok(Handled::json(encode(&IdentifierOutput {
        identifier: removed.identifier,
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListSourcesInput {
    integration_arn: Option<String>,
    max_results: Option<i64>,
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SourceOut {
    identifier: String,
    data_source: DataSource,
    status: &'static str,
    created_time_stamp: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListSourcesOutput {
    sources: Vec<SourceOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(super) fn list_sources_for_s3_table_integration(
    ctx: &Ctx<'_>,
    body: &[u8],
) -> LogsResult<Handled> {
    let input: ListSourcesInput = decode(body)?;
    let mut v = Violations::new();
    check_integration_arn(&mut v, input.integration_arn.as_deref());
    let size = v.page_size(
        "maxResults",
        input.max_results,
        1,
        MAX_S3_TABLE_SOURCES_PAGE,
        MAX_S3_TABLE_SOURCES_PAGE as usize,
    );
    v.next_token(input.next_token.as_deref());
    finish_as_validation(v)?;
    let arn = input.integration_arn.unwrap_or_default();
    let page = ctx.region.s3_table_sources().page(
        ctx.region.fingerprint(),
        "",
        input.next_token.as_deref(),
        size,
        |s| s.integration_arn == arn,
    );
    Ok(Handled::json(encode(&ListSourcesOutput {
        sources: page
            .items
            .into_iter()
            .map(|s| SourceOut {
                identifier: s.identifier,
                data_source: DataSource {
                    name: Some(s.name),
                    kind: s.kind,
                },
                status: "ACTIVE",
                created_time_stamp: s.created,
            })
            .collect(),
        next_token: page.next_token,
    })))
}
