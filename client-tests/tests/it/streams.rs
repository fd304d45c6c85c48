//! CreateLogStream, DeleteLogStream, DescribeLogStreams through the SDK.

use aws_sdk_cloudwatchlogs::operation::create_log_stream::CreateLogStreamError;
use aws_sdk_cloudwatchlogs::operation::delete_log_stream::DeleteLogStreamError;
use aws_sdk_cloudwatchlogs::operation::describe_log_streams::DescribeLogStreamsError;
use aws_sdk_cloudwatchlogs::types::OrderBy;

use crate::common::*;

fn names(streams: &[aws_sdk_cloudwatchlogs::types::LogStream]) -> Vec<String> {
    streams
        .iter()
        .map(|s| s.log_stream_name().unwrap().to_owned())
        .collect()
}

#[tokio::test]
#[allow(deprecated)] // storedBytes is deprecated for streams; AWS still sends 0
async fn new_stream_has_no_event_fields_until_it_has_events() {
    let h = harness().await;
    h.group_and_stream("g", "s").await;
    let out = h
        .client
        .describe_log_streams()
        .log_group_name("g")
        .send()
        .await
        .unwrap();
    let [stream] = out.log_streams() else {
        panic!("{out:?}")
    };
    assert_eq!(stream.log_stream_name(), Some("s"));
    assert_eq!(stream.creation_time(), Some(NOW));
    assert_eq!(
        stream.arn(),
        Some("arn:aws:logs:us-east-1:000000000000:log-group:g:log-stream:s")
    );
    assert_eq!(stream.stored_bytes(), Some(0));
    assert_eq!(stream.first_event_timestamp(), None);
    assert_eq!(stream.last_event_timestamp(), None);
    assert_eq!(stream.last_ingestion_time(), None);
    assert_eq!(stream.upload_sequence_token(), None);

    h.clock.advance(5_000);
    h.put_all("g", "s", &[(NOW - 10, "a".into()), (NOW - 5, "b".into())])
        .await;
    let out = h
        .client
        .describe_log_streams()
        .log_group_name("g")
        .send()
        .await
        .unwrap();
    let stream = &out.log_streams()[0];
    assert_eq!(stream.first_event_timestamp(), Some(NOW - 10));
    assert_eq!(stream.last_event_timestamp(), Some(NOW - 5));
    assert_eq!(stream.last_ingestion_time(), Some(NOW + 5_000));
    assert_eq!(
        stream.stored_bytes(),
        Some(0),
        "AWS reports 0 for streams since 2019"
    );
    let token = stream
        .upload_sequence_token()
        .expect("a token after the first put");
    assert_eq!(token.len(), 56);
}

#[tokio::test]
async fn stream_errors_use_aws_types_and_messages() {
    let h = harness().await;
    let err = service_error(
        h.client
            .create_log_stream()
            .log_group_name("missing")
            .log_stream_name("s")
            .send()
            .await,
    );
    assert!(matches!(
        err,
        CreateLogStreamError::ResourceNotFoundException(_)
    ));
    assert_aws_error(
        &err,
        "ResourceNotFoundException",
        "The specified log group does not exist.",
    );

    h.group_and_stream("g", "s").await;
    let err = service_error(
        h.client
            .create_log_stream()
            .log_group_name("g")
            .log_stream_name("s")
            .send()
            .await,
    );
    assert!(matches!(
        err,
        CreateLogStreamError::ResourceAlreadyExistsException(_)
    ));
    assert_aws_error(
        &err,
        "ResourceAlreadyExistsException",
        "The specified log stream already exists",
    );

    let err = service_error(
        h.client
            .create_log_stream()
            .log_group_name("g")
            .log_stream_name("a:b")
            .send()
            .await,
    );
    assert_aws_error(
        &err,
        "InvalidParameterException",
        "1 validation error detected: Value at 'logStreamName' failed to satisfy constraint: \
         Member must satisfy regular expression pattern: [^:*]*",
    );

    let err = service_error(
        h.client
            .delete_log_stream()
            .log_group_name("g")
            .log_stream_name("nope")
            .send()
            .await,
    );
    assert!(matches!(
        err,
        DeleteLogStreamError::ResourceNotFoundException(_)
    ));
    assert_aws_error(
        &err,
        "ResourceNotFoundException",
        "The specified log stream does not exist.",
    );

    h.client
        .delete_log_stream()
        .log_group_name("g")
        .log_stream_name("s")
        .send()
        .await
        .unwrap();
    let out = h
        .client
        .describe_log_streams()
        .log_group_name("g")
        .send()
        .await
        .unwrap();
    assert!(out.log_streams().is_empty());
}

#[tokio::test]
async fn group_is_found_by_name_or_arn_but_not_both() {
    let h = harness().await;
    h.group_and_stream("g", "s").await;
    let arn = "arn:aws:logs:us-east-1:000000000000:log-group:g";
    for identifier in ["g", arn] {
        let out = h
            .client
            .describe_log_streams()
            .log_group_identifier(identifier)
            .send()
            .await
            .unwrap();
        assert_eq!(names(out.log_streams()), ["s"], "{identifier}");
    }
    let err = service_error(
        h.client
            .describe_log_streams()
            .log_group_name("g")
            .log_group_identifier(arn)
            .send()
            .await,
    );
    // AWS sends ValidationException here although the model does not list it for this
    // operation, so the SDK surfaces it by code.
    assert_aws_error(
        &err,
        "ValidationException",
        "LogGroup name and LogGroup ARN are mutually exclusive parameters.",
    );
    let err = service_error(h.client.describe_log_streams().send().await);
    assert!(matches!(
        err,
        DescribeLogStreamsError::InvalidParameterException(_)
    ));
    assert_aws_error(
        &err,
        "InvalidParameterException",
        "Either logGroupName or logGroupIdentifier must be provided.",
    );
    let err = service_error(
        h.client
            .describe_log_streams()
            .log_group_identifier("arn:aws:logs:us-east-1:000000000000:log-group:g:*")
            .send()
            .await,
    );
    assert!(
        matches!(err, DescribeLogStreamsError::InvalidParameterException(_)),
        "{err:?}"
    );
    assert_aws_error(
        &err,
        "InvalidParameterException",
        concat!(
            "1 validation error detected: Value at 'logGroupIdentifier' failed to satisfy ",
            r"constraint: Member must satisfy regular expression pattern: [\w#+=/:,.@-]*",
        ),
    );
    let err = service_error(
        h.client
            .describe_log_streams()
            .log_group_identifier("arn:aws:logs:eu-west-1:000000000000:log-group:g")
            .send()
            .await,
    );
    assert!(matches!(
        err,
        DescribeLogStreamsError::ResourceNotFoundException(_)
    ));
    assert_aws_error(
        &err,
        "ResourceNotFoundException",
        "The specified log group does not exist.",
    );
}

#[tokio::test]
async fn streams_page_by_name_with_any_legal_character() {
    let h = harness().await;
    h.group("g").await;
    let mut expected: Vec<String> = (0..57)
        .map(|i| format!("host@{i:02}/[$LATEST] é #{i}"))
        .collect();
    expected.push("other".into());
    for name in &expected {
        h.stream("g", name).await;
    }
    expected.sort();
    for descending in [false, true] {
        let mut seen = Vec::new();
        let mut token = None;
        let mut pages = 0;
        loop {
            let out = h
                .client
                .describe_log_streams()
                .log_group_name("g")
                .descending(descending)
                .limit(10)
                .set_next_token(token)
                .send()
                .await
                .unwrap();
            pages += 1;
            seen.extend(names(out.log_streams()));
            token = out.next_token().map(str::to_owned);
            if token.is_none() {
                break;
            }
        }
        let mut want = expected.clone();
        if descending {
            want.reverse();
        }
        assert_eq!(seen, want, "descending={descending}");
        assert_eq!(pages, 6);
    }
    let out = h
        .client
        .describe_log_streams()
        .log_group_name("g")
        .log_stream_name_prefix("host@1")
        .send()
        .await
        .unwrap();
    assert_eq!(out.log_streams().len(), 10);
}

#[tokio::test]
async fn order_by_last_event_time() {
    let h = harness().await;
    h.group("g").await;
    for (name, age) in [("a", 3), ("b", 1), ("c", 2)] {
        h.stream("g", name).await;
        h.put_all("g", name, &[(NOW - age * MINUTE, "x".into())])
            .await;
    }
    let order = |descending: bool| {
        h.client
            .describe_log_streams()
            .log_group_name("g")
            .order_by(OrderBy::LastEventTime)
            .descending(descending)
            .limit(2)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
    };
    assert_eq!(names(&order(false).await.unwrap()), ["a", "c", "b"]);
    assert_eq!(names(&order(true).await.unwrap()), ["b", "c", "a"]);

    let err = service_error(
        h.client
            .describe_log_streams()
            .log_group_name("g")
            .order_by(OrderBy::LastEventTime)
            .log_stream_name_prefix("a")
            .send()
            .await,
    );
    assert_aws_error(
        &err,
        "InvalidParameterException",
        "Cannot order by LastEventTime with a logStreamNamePrefix.",
    );
}

#[tokio::test]
async fn a_describe_token_from_another_group_reads_nothing() {
    let h = harness().await;
    for group in ["g1", "g2"] {
        h.group(group).await;
        for i in 0..3 {
            h.stream(group, &format!("s{i}")).await;
        }
    }
    let first = h
        .client
        .describe_log_streams()
        .log_group_name("g1")
        .limit(1)
        .send()
        .await
        .unwrap();
    let token = first.next_token().unwrap().to_owned();
    // AWS answers an unusable token with an empty page (no error), so does the emulator.
    let other = h
        .client
        .describe_log_streams()
        .log_group_name("g2")
        .next_token(token.clone())
        .send()
        .await
        .unwrap();
    assert!(other.log_streams().is_empty());
    assert!(other.next_token().is_none());
    let same = h
        .client
        .describe_log_streams()
        .log_group_name("g1")
        .next_token(token)
        .send()
        .await
        .unwrap();
    assert_eq!(names(same.log_streams()), ["s1", "s2"]);
}
