//! Retention policies (driven by the pinned clock) and tags, modern and legacy.
// The legacy tag calls are deprecated in the SDK; they are tested on purpose.
#![allow(deprecated)]

use std::collections::HashMap;

use aws_sdk_cloudwatchlogs::operation::put_retention_policy::PutRetentionPolicyError;
use aws_sdk_cloudwatchlogs::operation::tag_resource::TagResourceError;

use crate::common::*;

const ARN: &str = "arn:aws:logs:us-east-1:000000000000:log-group:g";

#[tokio::test]
async fn retention_accepts_only_aws_values_and_is_described() {
    let h = harness().await;
    h.group("g").await;
    for days in [
        1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
        2922, 3288, 3653,
    ] {
        h.client
            .put_retention_policy()
            .log_group_name("g")
            .retention_in_days(days)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{days}: {e:?}"));
    }
    for days in [0, 2, 4000, -1] {
        let err = service_error(
            h.client
                .put_retention_policy()
                .log_group_name("g")
                .retention_in_days(days)
                .send()
                .await,
        );
        assert!(
            matches!(err, PutRetentionPolicyError::InvalidParameterException(_)),
            "{days}"
        );
        assert_aws_error(
            &err,
            "InvalidParameterException",
            &format!(
                "1 validation error detected: Value '{days}' at 'retentionInDays' failed to satisfy constraint: \
                 Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, \
                 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]"
            ),
        );
    }
    let described = h.client.describe_log_groups().send().await.unwrap();
    assert_eq!(described.log_groups()[0].retention_in_days(), Some(3653));
    h.client
        .delete_retention_policy()
        .log_group_name("g")
        .send()
        .await
        .unwrap();
    let described = h.client.describe_log_groups().send().await.unwrap();
    assert_eq!(described.log_groups()[0].retention_in_days(), None);
    let err = service_error(
        h.client
            .delete_retention_policy()
            .log_group_name("missing")
            .send()
            .await,
    );
    assert_aws_error(
        &err,
        "ResourceNotFoundException",
        "The specified log group does not exist.",
    );
}

#[tokio::test]
async fn moving_the_clock_past_retention_expires_events() {
    let h = harness().await;
    h.group_and_stream("g", "s").await;
    h.put_all(
        "g",
        "s",
        &[(NOW - 2 * HOUR, "old".into()), (NOW, "new".into())],
    )
    .await;
    h.retention("g", 1).await;
    assert_eq!(h.read_all("g", "s").await, ["old", "new"]);

    h.clock.advance(DAY - HOUR);
    assert_eq!(
        h.read_all("g", "s").await,
        ["new"],
        "the old event is past one day now"
    );
    let streams = h
        .client
        .describe_log_streams()
        .log_group_name("g")
        .send()
        .await
        .unwrap();
    assert_eq!(streams.log_streams()[0].first_event_timestamp(), Some(NOW));
    let groups = h.client.describe_log_groups().send().await.unwrap();
    assert_eq!(
        groups.log_groups()[0].stored_bytes(),
        Some(3),
        "expired events are freed"
    );

    h.clock.advance(2 * DAY);
    assert!(h.read_all("g", "s").await.is_empty());
}

#[tokio::test]
async fn tags_on_the_group_arn_and_through_the_legacy_calls() {
    let h = harness().await;
    h.client
        .create_log_group()
        .log_group_name("g")
        .tags("created", "yes")
        .send()
        .await
        .unwrap();
    h.client
        .tag_resource()
        .resource_arn(ARN)
        .tags("team", "core")
        .tags("env", "ci")
        .send()
        .await
        .unwrap();
    let tags = h
        .client
        .list_tags_for_resource()
        .resource_arn(ARN)
        .send()
        .await
        .unwrap();
    let mut listed: Vec<_> = tags
        .tags()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    listed.sort();
    assert_eq!(
        listed,
        [("created", "yes"), ("env", "ci"), ("team", "core")]
    );

    h.client
        .untag_resource()
        .resource_arn(ARN)
        .tag_keys("env")
        .send()
        .await
        .unwrap();
    h.client
        .tag_log_group()
        .log_group_name("g")
        .tags("team", "platform")
        .send()
        .await
        .unwrap();
    let legacy = h
        .client
        .list_tags_log_group()
        .log_group_name("g")
        .send()
        .await
        .unwrap();
    let mut listed: Vec<_> = legacy
        .tags()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    listed.sort();
    assert_eq!(listed, [("created", "yes"), ("team", "platform")]);
    h.client
        .untag_log_group()
        .log_group_name("g")
        .tags("created")
        .send()
        .await
        .unwrap();
    let tags = h
        .client
        .list_tags_for_resource()
        .resource_arn(ARN)
        .send()
        .await
        .unwrap();
    assert_eq!(
        tags.tags(),
        Some(&HashMap::from([("team".to_owned(), "platform".to_owned())]))
    );

    let err = service_error(
        h.client
            .list_tags_for_resource()
            .resource_arn("arn:aws:logs:us-east-1:000000000000:log-group:missing")
            .send()
            .await,
    );
    assert_aws_error(
        &err,
        "ResourceNotFoundException",
        "The specified log group does not exist.",
    );
}

#[tokio::test]
async fn more_than_fifty_tags_is_refused() {
    let h = harness().await;
    h.group("g").await;
    let mut request = h.client.tag_resource().resource_arn(ARN);
    for i in 0..50 {
        request = request.tags(format!("k{i}"), "v");
    }
    request.send().await.unwrap();
    let err = service_error(
        h.client
            .tag_resource()
            .resource_arn(ARN)
            .tags("one-more", "v")
            .send()
            .await,
    );
    assert_aws_error(
        &err,
        "TooManyTagsException",
        "A resource can have no more than 50 tags.",
    );
    let TagResourceError::TooManyTagsException(inner) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(inner.resource_name(), Some(ARN));
    // Overwriting an existing key is not an addition.
    h.client
        .tag_resource()
        .resource_arn(ARN)
        .tags("k0", "new")
        .send()
        .await
        .unwrap();
    let err = service_error(
        h.client
            .tag_log_group()
            .log_group_name("g")
            .tags("one-more", "v")
            .send()
            .await,
    );
    // The legacy call answers InvalidParameterException where TagResource has a type of its own.
    assert_aws_error(
        &err,
        "InvalidParameterException",
        "A resource can have no more than 50 tags.",
    );

    let err = service_error(
        h.client
            .tag_resource()
            .resource_arn(ARN)
            .tags("bad\u{7}key", "v")
            .send()
            .await,
    );
    assert!(
        matches!(err, TagResourceError::InvalidParameterException(_)),
        "{err:?}"
    );
    assert_aws_error(
        &err,
        "InvalidParameterException",
        concat!(
            "1 validation error detected: Value at 'tags.key' failed to satisfy constraint: ",
            r"Member must satisfy regular expression pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$",
        ),
    );
}
