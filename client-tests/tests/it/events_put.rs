//! PutLogEvents batch limits and rejections, with a pinned clock.

use aws_sdk_cloudwatchlogs::operation::put_log_events::PutLogEventsError;

use crate::common::*;

async fn put(
    h: &Harness,
    events: &[(i64, String)],
) -> Result<aws_sdk_cloudwatchlogs::operation::put_log_events::PutLogEventsOutput, PutLogEventsError>
{
    h.client
        .put_log_events()
        .log_group_name("g")
        .log_stream_name("s")
        .set_log_events(Some(input_events(events)))
        .send()
        .await
        .map_err(|e| e.into_service_error())
}

#[tokio::test]
async fn batch_limits_fail_the_whole_call_in_aws_words() {
    let h = harness_with(cwlogs_emulator::SequenceTokenMode::Ignore).await;
    h.group_and_stream("g", "s").await;

    let err = put(&h, &numbered_events(10_001)).await.unwrap_err();
    assert!(matches!(
        err,
        PutLogEventsError::InvalidParameterException(_)
    ));
    assert_aws_error(
        &err,
        "InvalidParameterException",
        "1 validation error detected: Value '[... 10001 items]' at 'logEvents' failed to satisfy \
         constraint: Member must have length less than or equal to 10000",
    );

    let err = put(&h, &[]).await.unwrap_err();
    assert_aws_error(
        &err,
        "InvalidParameterException",
        "1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint: \
         Member must have length greater than or equal to 1",
    );

    // 1,048,576 bytes exactly is allowed: 4 events of 262,118 bytes + 26 each.
    let exact: Vec<(i64, String)> = (0..4)
        .map(|i| (NOW - 10 + i, "x".repeat(262_118)))
        .collect();
    put(&h, &exact)
        .await
        .expect("a batch of exactly 1 MiB is accepted");
    let over: Vec<(i64, String)> = (0..4)
        .map(|i| (NOW - 10 + i, "x".repeat(262_119)))
        .collect();
    let err = put(&h, &over).await.unwrap_err();
    assert_aws_error(
        &err,
        "InvalidParameterException",
        "Upload too large: 1048580 bytes exceeds limit of 1048576",
    );

    let err = put(&h, &[(NOW, "b".into()), (NOW - 1, "a".into())])
        .await
        .unwrap_err();
    assert_aws_error(
        &err,
        "InvalidParameterException",
        "Log events in a single PutLogEvents request must be in chronological order.",
    );

    let err = put(&h, &[(NOW - DAY - 1, "a".into()), (NOW, "b".into())])
        .await
        .unwrap_err();
    assert_aws_error(
        &err,
        "InvalidParameterException",
        "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.",
    );
    put(&h, &[(NOW - DAY, "a".into()), (NOW, "b".into())])
        .await
        .expect("exactly 24 hours is allowed");

    let err = put(&h, &[(NOW, String::new())]).await.unwrap_err();
    assert_aws_error(
        &err,
        "InvalidParameterException",
        "1 validation error detected: Value '' at 'logEvents.1.member.message' failed to satisfy \
         constraint: Member must have length greater than or equal to 1",
    );
    assert_eq!(
        h.read_all("g", "s").await.len(),
        4 + 2,
        "failed calls store nothing"
    );
}

#[tokio::test]
async fn too_old_too_new_and_expired_events_are_rejected_with_aws_indices() {
    let h = harness().await;
    h.group_and_stream("g", "s").await;
    let out = put(
        &h,
        &[
            (NOW - 14 * DAY - 1, "too old".to_string()),
            (NOW, "now".to_string()),
            (NOW + 2 * HOUR, "newest allowed".to_string()),
            (NOW + 2 * HOUR + 1, "too new".to_string()),
        ],
    )
    .await
    .unwrap();
    let info = out
        .rejected_log_events_info()
        .expect("rejections are reported");
    assert_eq!(info.too_old_log_event_end_index(), Some(1));
    assert_eq!(info.too_new_log_event_start_index(), Some(3));
    assert_eq!(info.expired_log_event_end_index(), None);
    assert!(out.next_sequence_token().is_some());
    let stored = h
        .client
        .get_log_events()
        .log_group_name("g")
        .log_stream_name("s")
        .start_from_head(true)
        .send()
        .await
        .unwrap();
    let messages: Vec<_> = stored
        .events()
        .iter()
        .map(|e| e.message().unwrap())
        .collect();
    assert_eq!(messages, ["now", "newest allowed"]);
    let token = h.upload_sequence_token("g", "s").await;
    let out = h
        .client
        .put_log_events()
        .log_group_name("g")
        .log_stream_name("s")
        .set_log_events(Some(input_events(&[(
            NOW - 14 * DAY,
            "oldest allowed".into(),
        )])))
        .set_sequence_token(token)
        .send()
        .await
        .unwrap();
    assert!(
        out.rejected_log_events_info().is_none(),
        "exactly 14 days old is accepted"
    );

    // Retention: events older than it are "expired".
    h.retention("g", 1).await;
    h.stream("g", "r").await;
    let out = h
        .client
        .put_log_events()
        .log_group_name("g")
        .log_stream_name("r")
        .set_log_events(Some(input_events(&[
            (NOW - 2 * DAY, "expired".into()),
            (NOW - DAY - 1, "expired too".into()),
            (NOW - DAY + 1, "kept".into()),
        ])))
        .send()
        .await
        .unwrap();
    let info = out.rejected_log_events_info().unwrap();
    assert_eq!(info.expired_log_event_end_index(), Some(2));
    assert_eq!(info.too_old_log_event_end_index(), None);
    assert_eq!(info.too_new_log_event_start_index(), None);
}

#[tokio::test]
async fn missing_group_or_stream_is_resource_not_found() {
    let h = harness().await;
    let err = put(&h, &[(NOW, "x".into())]).await.unwrap_err();
    assert!(matches!(
        err,
        PutLogEventsError::ResourceNotFoundException(_)
    ));
    assert_aws_error(
        &err,
        "ResourceNotFoundException",
        "The specified log group does not exist.",
    );
    h.group("g").await;
    let err = put(&h, &[(NOW, "x".into())]).await.unwrap_err();
    assert_aws_error(
        &err,
        "ResourceNotFoundException",
        "The specified log stream does not exist.",
    );
}

#[tokio::test]
async fn stored_bytes_of_the_group_follow_the_events() {
    let h = harness().await;
    h.group_and_stream("g", "s").await;
    h.put_all("g", "s", &[(NOW, "12345".into()), (NOW, "héllo".into())])
        .await;
    let out = h.client.describe_log_groups().send().await.unwrap();
    assert_eq!(out.log_groups()[0].stored_bytes(), Some(5 + 6));
}
