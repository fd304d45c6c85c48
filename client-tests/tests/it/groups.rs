//! CreateLogGroup, DeleteLogGroup, DescribeLogGroups through the SDK.

use std::collections::HashMap;

use aws_sdk_cloudwatchlogs::operation::create_log_group::CreateLogGroupError;
use aws_sdk_cloudwatchlogs::operation::delete_log_group::DeleteLogGroupError;
use aws_sdk_cloudwatchlogs::operation::describe_log_groups::DescribeLogGroupsError;
use aws_sdk_cloudwatchlogs::types::LogGroupClass;

use crate::common::*;

#[tokio::test]
async fn created_group_is_described_with_every_aws_field() {
    let h = harness().await;
    h.client
        .create_log_group()
        .log_group_name("/app/web")
        .kms_key_id("arn:aws:kms:us-east-1:000000000000:key/abc")
        .log_group_class(LogGroupClass::InfrequentAccess)
        .tags("team", "core")
        .send()
        .await
        .unwrap();
    let out = h.client.describe_log_groups().send().await.unwrap();
    let [group] = out.log_groups() else {
        panic!("{out:?}")
    };
    assert_eq!(group.log_group_name(), Some("/app/web"));
    assert_eq!(group.creation_time(), Some(NOW));
    assert_eq!(
        group.arn(),
        Some("arn:aws:logs:us-east-1:000000000000:log-group:/app/web:*")
    );
    assert_eq!(
        group.log_group_arn(),
        Some("arn:aws:logs:us-east-1:000000000000:log-group:/app/web")
    );
    assert_eq!(group.stored_bytes(), Some(0));
    assert_eq!(group.metric_filter_count(), Some(0));
    assert_eq!(group.retention_in_days(), None);
    assert_eq!(
        group.log_group_class(),
        Some(&LogGroupClass::InfrequentAccess)
    );
    assert_eq!(
        group.kms_key_id(),
        Some("arn:aws:kms:us-east-1:000000000000:key/abc")
    );
    assert_eq!(group.deletion_protection_enabled(), Some(false));
    assert!(out.next_token().is_none());
    let tags = h
        .client
        .list_tags_for_resource()
        .resource_arn(group.log_group_arn().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        tags.tags(),
        Some(&HashMap::from([("team".to_owned(), "core".to_owned())]))
    );
}

#[tokio::test]
async fn duplicate_group_is_resource_already_exists() {
    let h = harness().await;
    h.group("g").await;
    let err = service_error(h.client.create_log_group().log_group_name("g").send().await);
    assert!(matches!(
        err,
        CreateLogGroupError::ResourceAlreadyExistsException(_)
    ));
    assert_aws_error(
        &err,
        "ResourceAlreadyExistsException",
        "The specified log group already exists",
    );
}

#[tokio::test]
async fn invalid_group_names_are_refused_in_aws_words() {
    let h = harness().await;
    let create = |name: String| h.client.create_log_group().log_group_name(name).send();
    let err = service_error(create("bad name!".into()).await);
    assert!(matches!(
        err,
        CreateLogGroupError::InvalidParameterException(_)
    ));
    assert_aws_error(
        &err,
        "InvalidParameterException",
        "1 validation error detected: Value at 'logGroupName' failed to satisfy constraint: \
         Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+",
    );
    let err = service_error(create("a".repeat(513)).await);
    assert_aws_error(
        &err,
        "InvalidParameterException",
        "Invalid LogGroup or LogStream, both must have length less than or equal to 512.",
    );
    let err = service_error(create("aws/reserved".into()).await);
    assert_aws_error(
        &err,
        "InvalidParameterException",
        "Log groups starting with AWS/ are reserved for AWS.",
    );
    create("a".repeat(512))
        .await
        .expect("512 characters is allowed");
    create("/aws/lambda/fn".into())
        .await
        .expect("a leading slash is allowed");
}

#[tokio::test]
async fn delete_removes_the_group_and_its_streams() {
    let h = harness().await;
    h.group_and_stream("g", "s").await;
    h.put_all("g", "s", &numbered_events(3)).await;
    h.client
        .delete_log_group()
        .log_group_name("g")
        .send()
        .await
        .unwrap();
    let err = service_error(h.client.delete_log_group().log_group_name("g").send().await);
    assert!(matches!(
        err,
        DeleteLogGroupError::ResourceNotFoundException(_)
    ));
    assert_aws_error(
        &err,
        "ResourceNotFoundException",
        "The specified log group does not exist.",
    );
    h.group("g").await;
    let streams = h
        .client
        .describe_log_streams()
        .log_group_name("g")
        .send()
        .await
        .unwrap();
    assert!(streams.log_streams().is_empty(), "{streams:?}");
}

#[tokio::test]
async fn deletion_protection_refuses_delete() {
    let h = harness().await;
    h.client
        .create_log_group()
        .log_group_name("kept")
        .deletion_protection_enabled(true)
        .send()
        .await
        .unwrap();
    let err = service_error(
        h.client
            .delete_log_group()
            .log_group_name("kept")
            .send()
            .await,
    );
    assert!(matches!(err, DeleteLogGroupError::ValidationException(_)));
    assert_aws_error(
        &err,
        "ValidationException",
        "Cannot delete log group with deletion protection enabled. Disable deletion protection first.",
    );
}

#[tokio::test]
async fn describe_pages_by_name_in_ascii_order() {
    let h = harness().await;
    let mut names: Vec<String> = (0..120).map(|i| format!("grp-{i:03}")).collect();
    names.extend(["A", "Z", "_x", "grp#1", "grp.1", "grp/1"].map(String::from));
    for name in &names {
        h.group(name).await;
    }
    names.sort();
    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    let mut token = None;
    loop {
        let out = h
            .client
            .describe_log_groups()
            .limit(50)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        sizes.push(out.log_groups().len());
        seen.extend(
            out.log_groups()
                .iter()
                .map(|g| g.log_group_name().unwrap().to_owned()),
        );
        token = out.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(sizes, [50, 50, 26]);
    assert_eq!(seen, names);

    let paginated: Vec<_> = h
        .client
        .describe_log_groups()
        .limit(7)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    assert_eq!(paginated.len(), names.len());
}

#[tokio::test]
async fn describe_filters_by_prefix_pattern_and_class() {
    let h = harness().await;
    for name in [
        "/aws/lambda/a",
        "/aws/lambda/b",
        "/app/DataLogs",
        "GroupDataLogs",
        "datalogs",
    ] {
        h.group(name).await;
    }
    h.client
        .create_log_group()
        .log_group_name("cold")
        .log_group_class(LogGroupClass::InfrequentAccess)
        .send()
        .await
        .unwrap();
    let names = |groups: &[aws_sdk_cloudwatchlogs::types::LogGroup]| -> Vec<String> {
        groups
            .iter()
            .map(|g| g.log_group_name().unwrap().to_owned())
            .collect()
    };
    let out = h
        .client
        .describe_log_groups()
        .log_group_name_prefix("/aws/lambda/")
        .send()
        .await
        .unwrap();
    assert_eq!(names(out.log_groups()), ["/aws/lambda/a", "/aws/lambda/b"]);

    let out = h
        .client
        .describe_log_groups()
        .log_group_name_pattern("DataLogs")
        .send()
        .await
        .unwrap();
    assert_eq!(names(out.log_groups()), ["/app/DataLogs", "GroupDataLogs"]);
    let brief = &out.log_groups()[0];
    assert!(brief.arn().is_some() && brief.creation_time().is_some());
    // AWS answers a pattern search with fewer members (recorded in localstack's snapshots).
    assert_eq!(brief.stored_bytes(), None);
    assert_eq!(brief.deletion_protection_enabled(), None);
    assert_eq!(brief.log_group_class(), Some(&LogGroupClass::Standard));
    assert_eq!(brief.metric_filter_count(), Some(0));

    let out = h
        .client
        .describe_log_groups()
        .log_group_class(LogGroupClass::InfrequentAccess)
        .send()
        .await
        .unwrap();
    assert_eq!(names(out.log_groups()), ["cold"]);

    let err = service_error(
        h.client
            .describe_log_groups()
            .log_group_name_prefix("a")
            .log_group_name_pattern("b")
            .send()
            .await,
    );
    assert!(matches!(
        err,
        DescribeLogGroupsError::InvalidParameterException(_)
    ));
    assert_aws_error(
        &err,
        "InvalidParameterException",
        "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.",
    );
}

#[tokio::test]
async fn describe_limit_out_of_range_is_invalid_parameter() {
    let h = harness().await;
    for (limit, bound) in [
        (0, "greater than or equal to 1"),
        (51, "less than or equal to 50"),
    ] {
        let err = service_error(h.client.describe_log_groups().limit(limit).send().await);
        assert_aws_error(
            &err,
            "InvalidParameterException",
            &format!(
                "1 validation error detected: Value '{limit}' at 'limit' failed to satisfy \
                 constraint: Member must have value {bound}"
            ),
        );
    }
}

#[tokio::test]
async fn regions_are_partitioned_and_arns_carry_region_and_account() {
    let clock = cwlogs_emulator::ManualClock::new(NOW);
    let emulator = cwlogs_emulator::Emulator::builder()
        .clock(std::sync::Arc::new(clock))
        .account_id("123456789012")
        .start()
        .await
        .unwrap();
    let tokyo = client_for(&emulator, "ap-northeast-1");
    let virginia = client_for(&emulator, "us-east-1");
    tokyo
        .create_log_group()
        .log_group_name("only-in-tokyo")
        .send()
        .await
        .unwrap();
    let seen = virginia.describe_log_groups().send().await.unwrap();
    assert!(seen.log_groups().is_empty());
    let seen = tokyo.describe_log_groups().send().await.unwrap();
    assert_eq!(
        seen.log_groups()[0].log_group_arn(),
        Some("arn:aws:logs:ap-northeast-1:123456789012:log-group:only-in-tokyo")
    );
    // The same name can exist in both regions.
    virginia
        .create_log_group()
        .log_group_name("only-in-tokyo")
        .send()
        .await
        .unwrap();
}
