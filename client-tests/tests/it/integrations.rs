//! Integrations through the SDK: the account's one OpenSearch integration and its lifecycle
//! on the emulator's clock, and data sources associated with S3 Table integrations.

use aws_sdk_cloudwatchlogs::types::{
    DataSource, IntegrationDetails, IntegrationStatus, IntegrationType, OpenSearchResourceConfig,
    OpenSearchResourceStatusType, ResourceConfig,
};

use crate::common::*;

fn open_search(retention_days: i32) -> ResourceConfig {
    ResourceConfig::OpenSearchResourceConfig(
        OpenSearchResourceConfig::builder()
            .data_source_role_arn("arn:aws:iam::000000000000:role/os")
            .dashboard_viewer_principals("arn:aws:iam::000000000000:role/viewer")
            .retention_days(retention_days)
            .build()
            .unwrap(),
    )
}

#[tokio::test]
async fn an_integration_provisions_then_is_active_and_is_one_per_account() {
    let h = harness().await;
    let out = h
        .client
        .put_integration()
        .integration_name("dashboards")
        .integration_type(IntegrationType::Opensearch)
        .resource_config(open_search(7))
        .send()
        .await
        .unwrap();
    assert_eq!(out.integration_name(), Some("dashboards"));
    assert_eq!(
        out.integration_status(),
        Some(&IntegrationStatus::Provisioning)
    );
    let got = h
        .client
        .get_integration()
        .integration_name("dashboards")
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.integration_status(),
        Some(&IntegrationStatus::Provisioning)
    );

    h.clock.advance(5_000);
    let got = h
        .client
        .get_integration()
        .integration_name("dashboards")
        .send()
        .await
        .unwrap();
    assert_eq!(got.integration_status(), Some(&IntegrationStatus::Active));
    assert_eq!(got.integration_type(), Some(&IntegrationType::Opensearch));
    let Some(IntegrationDetails::OpenSearchIntegrationDetails(details)) = got.integration_details()
    else {
        panic!("{got:?}")
    };
    assert_eq!(
        details.data_source().unwrap().data_source_name(),
        Some("dashboards")
    );
    let collection = details.collection().unwrap();
    assert!(collection
        .collection_arn()
        .unwrap()
        .starts_with("arn:aws:aoss:us-east-1:"));
    assert_eq!(
        collection.status().unwrap().status(),
        Some(&OpenSearchResourceStatusType::Active)
    );

    let listed = h
        .client
        .list_integrations()
        .integration_status(IntegrationStatus::Active)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.integration_summaries().len(), 1);
    let none = h
        .client
        .list_integrations()
        .integration_name_prefix("other")
        .send()
        .await
        .unwrap();
    assert!(none.integration_summaries().is_empty());

    let err = h
        .client
        .put_integration()
        .integration_name("second")
        .integration_type(IntegrationType::Opensearch)
        .resource_config(open_search(7))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("LimitExceededException"));
    let err = h
        .client
        .put_integration()
        .integration_name("dashboards")
        .integration_type(IntegrationType::Opensearch)
        .resource_config(open_search(8))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("ValidationException"));

    h.client
        .delete_integration()
        .integration_name("dashboards")
        .force(true)
        .send()
        .await
        .unwrap();
    let err = h
        .client
        .get_integration()
        .integration_name("dashboards")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_aws_error(
        &err,
        "ResourceNotFoundException",
        "The specified integration does not exist.",
    );
}

#[tokio::test]
async fn invalid_integrations_get_aws_errors() {
    let h = harness().await;
    let err = h
        .client
        .put_integration()
        .integration_name("dashboards")
        .integration_type(IntegrationType::Opensearch)
        .resource_config(open_search(31))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_aws_error(
        &err,
        "InvalidParameterException",
        "1 validation error detected: Value '31' at \
         'resourceConfig.openSearchResourceConfig.retentionDays' failed to satisfy constraint: \
         Member must have value less than or equal to 30",
    );
    let err = h
        .client
        .put_integration()
        .integration_name("bad name")
        .integration_type(IntegrationType::Opensearch)
        .resource_config(open_search(1))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("InvalidParameterException"));
    let err = h
        .client
        .delete_integration()
        .integration_name("missing")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("ResourceNotFoundException"));
}

#[tokio::test]
async fn data_sources_are_associated_listed_and_disassociated() {
    let h = harness().await;
    let integration = "arn:aws:observabilityadmin:us-east-1:000000000000:s3tableintegration/abc";
    let mut identifiers = Vec::new();
    for name in ["/app/one", "/app/two"] {
        let out = h
            .client
            .associate_source_to_s3_table_integration()
            .integration_arn(integration)
            .data_source(
                DataSource::builder()
                    .name(name)
                    .r#type("log-group")
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
        identifiers.push(out.identifier().unwrap().to_owned());
    }
    let err = h
        .client
        .associate_source_to_s3_table_integration()
        .integration_arn(integration)
        .data_source(
            DataSource::builder()
                .name("/app/one")
                .r#type("log-group")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("ValidationException"));

    let page = h
        .client
        .list_sources_for_s3_table_integration()
        .integration_arn(integration)
        .max_results(1)
        .send()
        .await
        .unwrap();
    assert_eq!(page.sources().len(), 1);
    let rest = h
        .client
        .list_sources_for_s3_table_integration()
        .integration_arn(integration)
        .next_token(page.next_token().unwrap())
        .send()
        .await
        .unwrap();
    let mut names: Vec<_> = page
        .sources()
        .iter()
        .chain(rest.sources())
        .map(|s| s.data_source().unwrap().name().to_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["/app/one", "/app/two"]);
    assert_eq!(
        rest.sources()[0].status().map(|s| s.as_str()),
        Some("ACTIVE")
    );
    assert_eq!(rest.sources()[0].created_time_stamp(), Some(NOW));

    let out = h
        .client
        .disassociate_source_from_s3_table_integration()
        .identifier(&identifiers[0])
        .send()
        .await
        .unwrap();
    assert_eq!(out.identifier(), Some(identifiers[0].as_str()));
    let err = h
        .client
        .disassociate_source_from_s3_table_integration()
        .identifier(&identifiers[0])
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("ResourceNotFoundException"));
    let err = h
        .client
        .list_sources_for_s3_table_integration()
        .integration_arn("not-an-arn")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("ValidationException"));
}
