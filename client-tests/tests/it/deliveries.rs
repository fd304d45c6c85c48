//! Vended-log deliveries through the SDK: delivery sources, destinations and their policies,
//! deliveries, configuration templates, tags on their ARNs, and vended logs emitted through
//! the emulator's handle landing in a log group in the delivery's format.

use aws_sdk_cloudwatchlogs::types::{
    DeliveryDestinationConfiguration, DeliveryDestinationType, OutputFormat,
    S3DeliveryConfiguration,
};
use aws_sdk_cloudwatchlogs::Client;
use cwlogs_emulator::Emulator;

use crate::common::*;

const ACCOUNT: &str = "000000000000";
const DISTRIBUTION: &str = "arn:aws:cloudfront::000000000000:distribution/E1Q5F5862X9VJ5";
const GROUP_ARN: &str = "arn:aws:logs:us-east-1:000000000000:log-group:/vended/cf";

fn destination_arn(name: &str) -> String {
    format!("arn:aws:logs:us-east-1:{ACCOUNT}:delivery-destination:{name}")
}

async fn source(client: &Client, name: &str, resource: &str) {
    client
        .put_delivery_source()
        .name(name)
        .resource_arn(resource)
        .log_type("ACCESS_LOGS")
        .send()
        .await
        .expect("put delivery source");
}

async fn destination(client: &Client, name: &str, resource: &str, format: Option<&str>) {
    client
        .put_delivery_destination()
        .name(name)
        .set_output_format(format.map(OutputFormat::from))
        .delivery_destination_configuration(
            DeliveryDestinationConfiguration::builder()
                .destination_resource_arn(resource)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("put delivery destination");
}

#[tokio::test]
async fn sources_destinations_and_deliveries_are_stored_and_described() {
    let h = harness().await;
    let out = h
        .client
        .put_delivery_source()
        .name("cf-source")
        .resource_arn(DISTRIBUTION)
        .log_type("ACCESS_LOGS")
        .tags("team", "web")
        .send()
        .await
        .unwrap();
    let s = out.delivery_source().unwrap();
    assert_eq!(s.name(), Some("cf-source"));
    assert_eq!(
        s.arn(),
        Some("arn:aws:logs:us-east-1:000000000000:delivery-source:cf-source")
    );
    assert_eq!(s.resource_arns(), [DISTRIBUTION]);
    assert_eq!(s.service(), Some("cloudfront"));
    assert_eq!(s.log_type(), Some("ACCESS_LOGS"));
    assert_eq!(s.tags().unwrap()["team"], "web");
    let got = h
        .client
        .get_delivery_source()
        .name("cf-source")
        .send()
        .await
        .unwrap();
    assert_eq!(got.delivery_source(), Some(s));

    let out = h
        .client
        .put_delivery_destination()
        .name("to-s3")
        .output_format(OutputFormat::Json)
        .delivery_destination_configuration(
            DeliveryDestinationConfiguration::builder()
                .destination_resource_arn("arn:aws:s3:::my-bucket")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let d = out.delivery_destination().unwrap();
    assert_eq!(d.arn(), Some(destination_arn("to-s3").as_str()));
    assert_eq!(
        d.delivery_destination_type(),
        Some(&DeliveryDestinationType::S3)
    );
    assert_eq!(d.output_format(), Some(&OutputFormat::Json));
    destination(&h.client, "to-cwl", GROUP_ARN, None).await;
    let got = h
        .client
        .get_delivery_destination()
        .name("to-cwl")
        .send()
        .await
        .unwrap();
    let cwl = got.delivery_destination().unwrap();
    assert_eq!(
        cwl.delivery_destination_type(),
        Some(&DeliveryDestinationType::Cwl)
    );
    assert_eq!(cwl.output_format(), None);
    let listed = h
        .client
        .describe_delivery_destinations()
        .limit(1)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.delivery_destinations().len(), 1);
    assert_eq!(listed.delivery_destinations()[0].name(), Some("to-cwl"));
    let rest = h
        .client
        .describe_delivery_destinations()
        .next_token(listed.next_token().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(rest.delivery_destinations()[0].name(), Some("to-s3"));
    assert_eq!(rest.next_token(), None);

    // Without configuration a delivery gets the template's defaults.
    let out = h
        .client
        .create_delivery()
        .delivery_source_name("cf-source")
        .delivery_destination_arn(destination_arn("to-s3"))
        .send()
        .await
        .unwrap();
    let to_s3 = out.delivery().unwrap();
    let id = to_s3.id().unwrap().to_owned();
    assert_eq!(id.len(), 16);
    assert!(id.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(
        to_s3.arn(),
        Some(format!("arn:aws:logs:us-east-1:{ACCOUNT}:delivery:{id}").as_str())
    );
    assert_eq!(
        to_s3.delivery_destination_type(),
        Some(&DeliveryDestinationType::S3)
    );
    assert_eq!(to_s3.record_fields().len(), 33);
    assert_eq!(to_s3.record_fields()[0], "date");
    let s3 = to_s3.s3_delivery_configuration().unwrap();
    assert_eq!(s3.suffix_path(), Some("AWSLogs/{account-id}/CloudFront/"));
    assert_eq!(s3.enable_hive_compatible_path(), Some(false));
    assert_eq!(to_s3.field_delimiter(), None);

    let out = h
        .client
        .create_delivery()
        .delivery_source_name("cf-source")
        .delivery_destination_arn(destination_arn("to-cwl"))
        .record_fields("date")
        .record_fields("sc-status")
        .field_delimiter(",")
        .tags("k", "v")
        .send()
        .await
        .unwrap();
    let to_cwl = out.delivery().unwrap().clone();
    assert_eq!(to_cwl.record_fields(), ["date", "sc-status"]);
    assert_eq!(to_cwl.field_delimiter(), Some(","));
    assert_eq!(to_cwl.s3_delivery_configuration(), None);
    assert_eq!(to_cwl.tags().unwrap()["k"], "v");

    h.client
        .update_delivery_configuration()
        .id(&id)
        .record_fields("date")
        .s3_delivery_configuration(
            S3DeliveryConfiguration::builder()
                .suffix_path("AWSLogs/{account-id}/{DistributionId}/{yyyy}")
                .enable_hive_compatible_path(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let got = h.client.get_delivery().id(&id).send().await.unwrap();
    let updated = got.delivery().unwrap();
    assert_eq!(updated.record_fields(), ["date"]);
    let s3 = updated.s3_delivery_configuration().unwrap();
    assert_eq!(
        s3.suffix_path(),
        Some("AWSLogs/{account-id}/{DistributionId}/{yyyy}")
    );
    assert_eq!(s3.enable_hive_compatible_path(), Some(true));

    let all = h.client.describe_deliveries().send().await.unwrap();
    assert_eq!(all.deliveries().len(), 2);
    let none = h
        .client
        .describe_deliveries()
        .delivery_source_names("other")
        .send()
        .await
        .unwrap();
    assert!(none.deliveries().is_empty());

    // What a delivery uses cannot go; the pair cannot repeat.
    let err = h
        .client
        .create_delivery()
        .delivery_source_name("cf-source")
        .delivery_destination_arn(destination_arn("to-cwl"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("ConflictException"));
    let err = h
        .client
        .delete_delivery_source()
        .name("cf-source")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("ConflictException"));
    let err = h
        .client
        .delete_delivery_destination()
        .name("to-s3")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("ConflictException"));

    for delivery in [id.as_str(), to_cwl.id().unwrap()] {
        h.client
            .delete_delivery()
            .id(delivery)
            .send()
            .await
            .unwrap();
    }
    let err = h
        .client
        .get_delivery()
        .id(&id)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_aws_error(
        &err,
        "ResourceNotFoundException",
        "Requested Delivery does not exist in this account.",
    );
    h.client
        .delete_delivery_source()
        .name("cf-source")
        .send()
        .await
        .unwrap();
    h.client
        .delete_delivery_destination()
        .name("to-s3")
        .send()
        .await
        .unwrap();
    let err = h
        .client
        .get_delivery_source()
        .name("cf-source")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_aws_error(
        &err,
        "ResourceNotFoundException",
        "Requested Delivery Source does not exist in this account.",
    );
    let err = h
        .client
        .delete_delivery_destination()
        .name("to-s3")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_aws_error(
        &err,
        "ResourceNotFoundException",
        "Requested Delivery Destination does not exist in this account.",
    );
}

#[tokio::test]
async fn destination_policies_are_put_read_and_deleted() {
    let h = harness().await;
    destination(&h.client, "shared", GROUP_ARN, None).await;
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"logs:CreateDelivery","Resource":"*"}]}"#;
    let out = h
        .client
        .put_delivery_destination_policy()
        .delivery_destination_name("shared")
        .delivery_destination_policy(policy)
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.policy().unwrap().delivery_destination_policy(),
        Some(policy)
    );
    let got = h
        .client
        .get_delivery_destination_policy()
        .delivery_destination_name("shared")
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.policy().unwrap().delivery_destination_policy(),
        Some(policy)
    );
    h.client
        .delete_delivery_destination_policy()
        .delivery_destination_name("shared")
        .send()
        .await
        .unwrap();
    let got = h
        .client
        .get_delivery_destination_policy()
        .delivery_destination_name("shared")
        .send()
        .await
        .unwrap();
    assert_eq!(got.policy().unwrap().delivery_destination_policy(), None);
    let err = h
        .client
        .put_delivery_destination_policy()
        .delivery_destination_name("missing")
        .delivery_destination_policy(policy)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_aws_error(
        &err,
        "ResourceNotFoundException",
        "Requested Delivery Destination does not exist in this account.",
    );
}

#[tokio::test]
async fn invalid_sources_destinations_and_deliveries_get_aws_errors() {
    let h = harness().await;
    // AWS (recorded by LocalStack): an S3 bucket cannot be a delivery source.
    let err = h
        .client
        .put_delivery_source()
        .name("bucket")
        .resource_arn("arn:aws:s3:::test-s3-bucket")
        .log_type("ACCESS_LOGS")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_aws_error(
        &err,
        "ResourceNotFoundException",
        "Cannot access provided service.",
    );
    let err = h
        .client
        .put_delivery_source()
        .name("bad name")
        .resource_arn(DISTRIBUTION)
        .log_type("ACCESS_LOGS")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_aws_error(
        &err,
        "ValidationException",
        "1 validation error detected: Value at 'name' failed to satisfy constraint: \
         Member must satisfy regular expression pattern: [\\w-]*",
    );
    let err = h
        .client
        .put_delivery_source()
        .name("cf")
        .resource_arn(DISTRIBUTION)
        .log_type("ERROR_LOGS")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("ValidationException"));

    // AWS (recorded by LocalStack): the output format's enum message.
    let err = h
        .client
        .put_delivery_destination()
        .name("dest")
        .output_format(OutputFormat::from("foobar"))
        .delivery_destination_configuration(
            DeliveryDestinationConfiguration::builder()
                .destination_resource_arn("arn:aws:s3:::b")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_aws_error(
        &err,
        "ValidationException",
        "1 validation error detected: Value 'foobar' at 'outputFormat' failed to satisfy \
         constraint: Member must satisfy enum value set: [w3c, raw, json, plain, parquet]",
    );
    let err = h
        .client
        .put_delivery_destination()
        .name("nowhere")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("ValidationException"));
    let err = h
        .client
        .put_delivery_destination()
        .name("queue")
        .delivery_destination_configuration(
            DeliveryDestinationConfiguration::builder()
                .destination_resource_arn("arn:aws:sqs:us-east-1:000000000000:q")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("ValidationException"));

    // A destination keeps its type.
    destination(&h.client, "cwl", GROUP_ARN, None).await;
    let err = h
        .client
        .put_delivery_destination()
        .name("cwl")
        .delivery_destination_configuration(
            DeliveryDestinationConfiguration::builder()
                .destination_resource_arn("arn:aws:s3:::b")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("ConflictException"));

    // CloudFront logs do not go to X-Ray; a field must be one the service offers.
    source(&h.client, "cf", DISTRIBUTION).await;
    h.client
        .put_delivery_destination()
        .name("traces")
        .delivery_destination_type(DeliveryDestinationType::Xray)
        .send()
        .await
        .unwrap();
    let err = h
        .client
        .create_delivery()
        .delivery_source_name("cf")
        .delivery_destination_arn(destination_arn("traces"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("ValidationException"));
    let err = h
        .client
        .create_delivery()
        .delivery_source_name("cf")
        .delivery_destination_arn(destination_arn("cwl"))
        .record_fields("no-such-field")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("ValidationException"));
    let err = h
        .client
        .create_delivery()
        .delivery_source_name("cf")
        .delivery_destination_arn(destination_arn("cwl"))
        .s3_delivery_configuration(S3DeliveryConfiguration::builder().suffix_path("x").build())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("ValidationException"));
    let err = h
        .client
        .create_delivery()
        .delivery_source_name("missing")
        .delivery_destination_arn(destination_arn("cwl"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_aws_error(
        &err,
        "ResourceNotFoundException",
        "Requested Delivery Source does not exist in this account.",
    );
    // One source per resource and log type.
    let err = h
        .client
        .put_delivery_source()
        .name("cf-again")
        .resource_arn(DISTRIBUTION)
        .log_type("ACCESS_LOGS")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_aws_error(
        &err,
        "ConflictException",
        "This ResourceId has already been used in another Delivery Source in this account.",
    );
    let err = h
        .client
        .get_delivery()
        .id("not-an-id")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("ValidationException"));
    let err = h
        .client
        .describe_deliveries()
        .limit(51)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_aws_error(
        &err,
        "ValidationException",
        "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: \
         Member must have value less than or equal to 50",
    );
}

#[tokio::test]
async fn configuration_templates_list_what_services_vend() {
    let h = harness().await;
    let out = h
        .client
        .describe_configuration_templates()
        .service("cloudfront")
        .delivery_destination_types(DeliveryDestinationType::S3)
        .send()
        .await
        .unwrap();
    let [template] = out.configuration_templates() else {
        panic!("{out:?}")
    };
    assert_eq!(template.log_type(), Some("ACCESS_LOGS"));
    assert_eq!(template.resource_type(), Some("distribution"));
    assert!(template
        .allowed_output_formats()
        .contains(&OutputFormat::Parquet));
    assert_eq!(template.allowed_fields().len(), 33);
    assert_eq!(
        template
            .default_delivery_config_values()
            .and_then(|d| d.s3_delivery_configuration())
            .and_then(|s3| s3.suffix_path()),
        Some("AWSLogs/{account-id}/CloudFront/")
    );
    let mut names = Vec::new();
    let mut token = None;
    loop {
        let page = h
            .client
            .describe_configuration_templates()
            .limit(4)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        names.extend(page.configuration_templates().iter().map(|t| {
            format!(
                "{}/{}/{}",
                t.service().unwrap(),
                t.log_type().unwrap(),
                t.delivery_destination_type().unwrap().as_str()
            )
        }));
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert!(names.contains(&"bedrock-agentcore/TRACES/XRAY".to_owned()));
    assert!(names.contains(&"events/ERROR_LOGS/CWL".to_owned()));
    let unique: std::collections::BTreeSet<_> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "pages never repeat");
}

#[tokio::test]
async fn delivery_resources_take_tags_on_their_arns() {
    let h = harness().await;
    source(&h.client, "cf", DISTRIBUTION).await;
    destination(&h.client, "cwl", GROUP_ARN, None).await;
    let delivery = h
        .client
        .create_delivery()
        .delivery_source_name("cf")
        .delivery_destination_arn(destination_arn("cwl"))
        .send()
        .await
        .unwrap();
    let delivery_arn = delivery.delivery().unwrap().arn().unwrap().to_owned();
    for arn in [
        format!("arn:aws:logs:us-east-1:{ACCOUNT}:delivery-source:cf"),
        destination_arn("cwl"),
        delivery_arn,
    ] {
        h.client
            .tag_resource()
            .resource_arn(&arn)
            .tags("env", "test")
            .send()
            .await
            .unwrap();
        let tags = h
            .client
            .list_tags_for_resource()
            .resource_arn(&arn)
            .send()
            .await
            .unwrap();
        assert_eq!(tags.tags().unwrap()["env"], "test", "{arn}");
        h.client
            .untag_resource()
            .resource_arn(&arn)
            .tag_keys("env")
            .send()
            .await
            .unwrap();
        let tags = h
            .client
            .list_tags_for_resource()
            .resource_arn(&arn)
            .send()
            .await
            .unwrap();
        assert!(tags.tags().is_none_or(|t| t.is_empty()), "{arn}");
    }
    let source = h
        .client
        .get_delivery_source()
        .name("cf")
        .send()
        .await
        .unwrap();
    assert_eq!(source.delivery_source().unwrap().tags(), None);
    let err = h
        .client
        .list_tags_for_resource()
        .resource_arn(format!("arn:aws:logs:us-east-1:{ACCOUNT}:delivery:MISSING"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_aws_error(
        &err,
        "ResourceNotFoundException",
        "Requested Delivery does not exist in this account.",
    );
}

/// Every message of `stream` in `group`.
async fn messages(client: &Client, group: &str, stream: &str) -> Vec<String> {
    let out = client
        .get_log_events()
        .log_group_name(group)
        .log_stream_name(stream)
        .start_from_head(true)
        .send()
        .await
        .unwrap();
    out.events()
        .iter()
        .map(|e| e.message().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn vended_logs_reach_a_log_group_destination_in_the_delivery_format() {
    let (emulator, client): (Emulator, Client) = started(Emulator::builder()).await;
    client
        .create_log_group()
        .log_group_name("/vended/cf")
        .send()
        .await
        .unwrap();
    client
        .create_log_group()
        .log_group_name("/vended/plain")
        .send()
        .await
        .unwrap();
    source(&client, "cf", DISTRIBUTION).await;
    destination(&client, "as-json", GROUP_ARN, Some("json")).await;
    destination(
        &client,
        "as-plain",
        "arn:aws:logs:us-east-1:000000000000:log-group:/vended/plain:*",
        Some("plain"),
    )
    .await;
    client
        .create_delivery()
        .delivery_source_name("cf")
        .delivery_destination_arn(destination_arn("as-json"))
        .record_fields("date")
        .record_fields("sc-status")
        .send()
        .await
        .unwrap();
    client
        .create_delivery()
        .delivery_source_name("cf")
        .delivery_destination_arn(destination_arn("as-plain"))
        .record_fields("c-ip")
        .record_fields("sc-status")
        .record_fields("cs-method")
        .field_delimiter("|")
        .send()
        .await
        .unwrap();
    let records = [
        serde_json::json!({"date": "2026-01-01", "sc-status": 200, "c-ip": "10.0.0.1", "cs-method": "GET"}),
        serde_json::json!({"date": "2026-01-01", "sc-status": 404, "c-ip": "10.0.0.2"}),
    ];
    let report = emulator
        .emit_vended_logs("us-east-1", "cf", &records)
        .unwrap();
    assert_eq!(report.len(), 2);
    assert!(
        report
            .iter()
            .all(|d| d.status == "Delivered" && d.records == 2),
        "{report:?}"
    );
    assert_eq!(
        messages(&client, "/vended/cf", "cf").await,
        [
            r#"{"date":"2026-01-01","sc-status":200}"#,
            r#"{"date":"2026-01-01","sc-status":404}"#
        ]
    );
    assert_eq!(
        messages(&client, "/vended/plain", "cf").await,
        ["10.0.0.1|200|GET", "10.0.0.2|404|-"]
    );
    // The vended events are searchable like any other.
    let found = client
        .filter_log_events()
        .log_group_name("/vended/cf")
        .filter_pattern("404")
        .send()
        .await
        .unwrap();
    assert_eq!(found.events().len(), 1);

    // A destination group that does not exist fails that delivery only.
    client
        .delete_log_group()
        .log_group_name("/vended/plain")
        .send()
        .await
        .unwrap();
    let report = emulator
        .emit_vended_logs("us-east-1", "cf", &records[..1])
        .unwrap();
    let statuses: Vec<_> = report.iter().map(|d| d.status).collect();
    assert!(
        statuses.contains(&"Delivered") && statuses.contains(&"Failed"),
        "{report:?}"
    );
    assert_eq!(
        emulator
            .emit_vended_logs("us-east-1", "nope", &records)
            .unwrap_err(),
        "ResourceNotFoundException: Requested Delivery Source does not exist in this account."
    );
}

#[tokio::test]
async fn vended_logs_to_s3_are_written_under_the_export_folder_without_other_endpoints() {
    let dir = std::env::temp_dir().join(format!("cwlogs-vended-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("logs-bucket")).unwrap();
    let (emulator, client) = started(Emulator::builder().export_dir(&dir)).await;
    source(&client, "cf", DISTRIBUTION).await;
    destination(&client, "bucket", "arn:aws:s3:::logs-bucket", Some("json")).await;
    destination(
        &client,
        "stream",
        "arn:aws:firehose:us-east-1:000000000000:deliverystream/fh",
        None,
    )
    .await;
    for name in ["bucket", "stream"] {
        client
            .create_delivery()
            .delivery_source_name("cf")
            .delivery_destination_arn(destination_arn(name))
            .record_fields("date")
            .send()
            .await
            .unwrap();
    }
    let report = emulator
        .emit_vended_logs(
            "us-east-1",
            "cf",
            &[serde_json::json!({"date": "2026-01-01"})],
        )
        .unwrap();
    let status = |kind: &str| {
        report
            .iter()
            .find(|d| d.delivery_destination_type == kind)
            .map(|d| d.status)
    };
    assert_eq!(status("S3"), Some("Delivered"));
    assert_eq!(status("FH"), Some("StoredOnly"));
    let folder = dir.join("logs-bucket/AWSLogs/000000000000/CloudFront");
    let files: Vec<_> = std::fs::read_dir(&folder).unwrap().collect();
    assert_eq!(files.len(), 1);
    let path = files[0].as_ref().unwrap().path();
    let name = path.file_name().unwrap().to_str().unwrap().to_owned();
    // CloudFront's file name: `<DistributionId>.<yyyy-MM-dd-HH>.<unique>.gz`.
    assert!(
        name.starts_with("E1Q5F5862X9VJ5.2026-01-01-00.") && name.ends_with(".gz"),
        "{name}"
    );
    let mut text = String::new();
    use std::io::Read;
    flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    assert_eq!(text, "{\"date\":\"2026-01-01\"}\n");
    let _ = std::fs::remove_dir_all(&dir);
}

/// What the recording server answers as S3 (bucket `logs-bucket`), Firehose and X-Ray.
fn aws_services(call: &Recorded) -> Option<String> {
    let target = call.headers.get("x-amz-target").map(String::as_str);
    match (call.method.as_str(), call.path.as_str(), target) {
        ("HEAD", "/logs-bucket", _) => Some(String::new()),
        ("PUT", path, _) if path.starts_with("/logs-bucket/") => Some(String::new()),
        ("POST", "/", Some("Firehose_20150804.PutRecordBatch")) => {
            Some(r#"{"FailedPutCount":0,"RequestResponses":[]}"#.into())
        }
        ("POST", "/TraceSegments", None) => Some(r#"{"UnprocessedTraceSegments":[]}"#.into()),
        _ => None,
    }
}

fn assert_signed_for(call: &Recorded, service: &str) {
    let auth = &call.headers["authorization"];
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=test/")
            && auth.contains(&format!("/us-east-1/{service}/aws4_request")),
        "{auth}"
    );
}

#[tokio::test]
async fn vended_logs_reach_firehose_and_the_s3_endpoint_over_their_protocols() {
    let services = Recorder::start(aws_services);
    let (emulator, client) = started(Emulator::builder().s3_endpoint(&services.url).forward(
        cwlogs_emulator::Endpoints {
            firehose: Some(services.url.clone()),
            ..Default::default()
        },
    ))
    .await;
    source(&client, "cf", DISTRIBUTION).await;
    destination(
        &client,
        "bucket",
        "arn:aws:s3:::logs-bucket/cdn",
        Some("json"),
    )
    .await;
    destination(
        &client,
        "missing",
        "arn:aws:s3:::no-such-bucket",
        Some("json"),
    )
    .await;
    destination(
        &client,
        "stream",
        "arn:aws:firehose:us-east-1:000000000000:deliverystream/fh",
        Some("plain"),
    )
    .await;
    client
        .create_delivery()
        .delivery_source_name("cf")
        .delivery_destination_arn(destination_arn("bucket"))
        .record_fields("date")
        .record_fields("sc-status")
        .s3_delivery_configuration(
            S3DeliveryConfiguration::builder()
                .suffix_path("{DistributionId}/{yyyy}/{MM}/{dd}/{HH}")
                .enable_hive_compatible_path(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    client
        .create_delivery()
        .delivery_source_name("cf")
        .delivery_destination_arn(destination_arn("missing"))
        .record_fields("date")
        .send()
        .await
        .unwrap();
    client
        .create_delivery()
        .delivery_source_name("cf")
        .delivery_destination_arn(destination_arn("stream"))
        .record_fields("c-ip")
        .record_fields("sc-status")
        .field_delimiter(",")
        .send()
        .await
        .unwrap();
    let records = [
        serde_json::json!({"date": "2026-01-01", "sc-status": 200, "c-ip": "1.2.3.4"}),
        serde_json::json!({"date": "2026-01-01", "sc-status": 404, "c-ip": "5.6.7.8"}),
    ];
    let report = emulator
        .emit_vended_logs("us-east-1", "cf", &records)
        .unwrap();
    let outcome = |arn: &str| {
        report
            .iter()
            .find(|d| d.destination_resource_arn.as_deref() == Some(arn))
            .map(|d| (d.status, d.records, d.message.clone()))
            .unwrap()
    };
    assert_eq!(
        outcome("arn:aws:s3:::logs-bucket/cdn"),
        ("Delivered", 2, None)
    );
    assert_eq!(
        outcome("arn:aws:firehose:us-east-1:000000000000:deliverystream/fh"),
        ("Delivered", 2, None)
    );
    assert_eq!(
        outcome("arn:aws:s3:::no-such-bucket"),
        (
            "Failed",
            0,
            Some("The S3 bucket no-such-bucket does not exist.".into())
        )
    );

    let calls = services.calls();
    // S3: one signed PutObject, at the Hive-compatible key, one JSON record a line, gzipped.
    let puts: Vec<&Recorded> = calls.iter().filter(|c| c.method == "PUT").collect();
    let [put] = puts[..] else { panic!("{calls:?}") };
    let prefix = "/logs-bucket/cdn/DistributionId=E1Q5F5862X9VJ5/year=2026/month=01/day=01/\
                  hour=00/E1Q5F5862X9VJ5.2026-01-01-00.";
    // `=` travels percent-encoded in the request path, as S3 clients send it.
    let key = put.path.replace("%3D", "=");
    assert!(key.starts_with(prefix) && key.ends_with(".gz"), "{key}");
    assert_signed_for(put, "s3");
    assert_eq!(
        gunzip(&put.body),
        "{\"date\":\"2026-01-01\",\"sc-status\":200}\n{\"date\":\"2026-01-01\",\"sc-status\":404}\n"
    );
    // Firehose: one signed PutRecordBatch, one record per log record, each a line.
    let batches: Vec<&Recorded> = calls.iter().filter(|c| c.method == "POST").collect();
    let [batch] = batches[..] else {
        panic!("{calls:?}")
    };
    assert_signed_for(batch, "firehose");
    assert_eq!(batch.headers["content-type"], "application/x-amz-json-1.1");
    let body: serde_json::Value = serde_json::from_slice(&batch.body).unwrap();
    assert_eq!(body["DeliveryStreamName"], "fh");
    use base64::Engine;
    let data: Vec<String> = body["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(r["Data"].as_str().unwrap())
                .unwrap();
            String::from_utf8(bytes).unwrap()
        })
        .collect();
    assert_eq!(data, ["1.2.3.4,200\n", "5.6.7.8,404\n"]);
}

/// An AgentCore runtime's TRACES delivered to an X-Ray destination (the `agent` source).
async fn agent_traces_to_xray(client: &Client) {
    client
        .put_delivery_source()
        .name("agent")
        .resource_arn("arn:aws:bedrock-agentcore:us-east-1:000000000000:runtime/agent-1")
        .log_type("TRACES")
        .send()
        .await
        .unwrap();
    let xray = client
        .put_delivery_destination()
        .name("xray")
        .delivery_destination_type(DeliveryDestinationType::Xray)
        .send()
        .await
        .unwrap();
    client
        .create_delivery()
        .delivery_source_name("agent")
        .delivery_destination_arn(xray.delivery_destination().unwrap().arn().unwrap())
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn vended_traces_reach_xray_with_put_trace_segments() {
    let services = Recorder::start(aws_services);
    let (emulator, client) = started(Emulator::builder().xray_endpoint(&services.url)).await;
    agent_traces_to_xray(&client).await;
    let spans: Vec<serde_json::Value> = (0..60)
        .map(|i| {
            serde_json::json!({
                "traceId": "1-6954d800-0123456789abcdef01234567",
                "spanId": format!("{i:016x}"),
                "name": "invoke",
            })
        })
        .collect();
    let report = emulator
        .emit_vended_logs("us-east-1", "agent", &spans)
        .unwrap();
    assert_eq!(report.len(), 1);
    assert_eq!(
        (report[0].status, report[0].records),
        ("Delivered", 60),
        "{report:?}"
    );
    let calls = services.calls();
    // 60 documents: two PutTraceSegments calls (50 + 10), each signed for xray.
    assert_eq!(calls.len(), 2, "{calls:?}");
    let mut documents = Vec::new();
    for call in &calls {
        assert_eq!(
            (call.method.as_str(), call.path.as_str()),
            ("POST", "/TraceSegments")
        );
        assert_signed_for(call, "xray");
        let body: serde_json::Value = serde_json::from_slice(&call.body).unwrap();
        for document in body["TraceSegmentDocuments"].as_array().unwrap() {
            documents.push(
                serde_json::from_str::<serde_json::Value>(document.as_str().unwrap()).unwrap(),
            );
        }
    }
    assert_eq!(documents, spans);

    // A document X-Ray refuses makes the delivery fail, with X-Ray's answer.
    let refusing = Recorder::start(|_| {
        Some(r#"{"UnprocessedTraceSegments":[{"Id":"x","ErrorCode":"InvalidTraceId","Message":"bad"}]}"#.into())
    });
    let (emulator, client) = started(Emulator::builder().xray_endpoint(&refusing.url)).await;
    agent_traces_to_xray(&client).await;
    let report = emulator
        .emit_vended_logs("us-east-1", "agent", &spans[..1])
        .unwrap();
    assert_eq!(report[0].status, "Failed");
    assert!(
        report[0]
            .message
            .as_deref()
            .unwrap()
            .contains("InvalidTraceId"),
        "{report:?}"
    );
}
