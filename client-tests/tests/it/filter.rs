//! FilterLogEvents, TestMetricFilter and the metric-filter operations through the SDK.

use std::collections::BTreeSet;

use aws_sdk_cloudwatchlogs::operation::filter_log_events::FilterLogEventsError;
use aws_sdk_cloudwatchlogs::operation::put_metric_filter::PutMetricFilterError;
use aws_sdk_cloudwatchlogs::types::{FilteredLogEvent, MetricTransformation};

use crate::common::*;

/// Creates group "g" with streams a, b, c holding interleaved events.
async fn three_streams(h: &Harness) {
    h.group("g").await;
    for (stream, offset) in [("a", 0), ("b", 1), ("c", 2)] {
        h.stream("g", stream).await;
        let events: Vec<(i64, String)> = (0..10)
            .map(|i| {
                let t = NOW - 1_000 + i * 10 + offset;
                let level = if i % 3 == 0 { "ERROR" } else { "INFO" };
                (t, format!("{level} {stream}{i} {{\"n\": {i}}}"))
            })
            .collect();
        h.put_all("g", stream, &events).await;
    }
}

async fn filter_all(h: &Harness, pattern: &str) -> Vec<FilteredLogEvent> {
    h.client
        .filter_log_events()
        .log_group_name("g")
        .filter_pattern(pattern)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap()
        .into_iter()
        .flat_map(|page| page.events.unwrap_or_default())
        .collect()
}

fn messages(events: &[FilteredLogEvent]) -> Vec<&str> {
    events.iter().map(|e| e.message().unwrap()).collect()
}

#[tokio::test]
async fn events_from_every_stream_come_in_time_order_with_stable_ids() {
    let h = harness().await;
    three_streams(&h).await;
    let out = h
        .client
        .filter_log_events()
        .log_group_name("g")
        .send()
        .await
        .unwrap();
    assert_eq!(out.events().len(), 30);
    assert!(
        out.next_token().is_none(),
        "a complete answer has no nextToken"
    );
    assert!(out.searched_log_streams().is_empty());
    let times: Vec<i64> = out
        .events()
        .iter()
        .map(|e| e.timestamp().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    let first = &out.events()[0];
    assert_eq!(first.log_stream_name(), Some("a"));
    assert_eq!(first.ingestion_time(), Some(NOW));
    let ids: BTreeSet<&str> = out.events().iter().map(|e| e.event_id().unwrap()).collect();
    assert_eq!(ids.len(), 30, "event ids are unique");
    assert!(ids
        .iter()
        .all(|id| id.len() == 56 && id.bytes().all(|b| b.is_ascii_digit())));
    let again = h
        .client
        .filter_log_events()
        .log_group_name("g")
        .send()
        .await
        .unwrap();
    let again_ids: BTreeSet<&str> = again
        .events()
        .iter()
        .map(|e| e.event_id().unwrap())
        .collect();
    assert_eq!(ids, again_ids, "event ids are stable");
}

#[tokio::test]
async fn term_json_and_space_delimited_patterns_select_events() {
    let h = harness().await;
    three_streams(&h).await;
    assert_eq!(filter_all(&h, "ERROR").await.len(), 12);
    assert_eq!(filter_all(&h, "ERROR a0").await.len(), 1);
    assert_eq!(
        messages(&filter_all(&h, "?a1 ?b2").await),
        ["INFO a1 {\"n\": 1}", "INFO b2 {\"n\": 2}"]
    );
    assert_eq!(filter_all(&h, "-INFO").await.len(), 12);
    assert_eq!(filter_all(&h, "").await.len(), 30);
    // The messages are not JSON (they have a prefix), so a JSON pattern matches none of them.
    assert!(filter_all(&h, "{ $.n = 1 }").await.is_empty());
    assert_eq!(filter_all(&h, "[level = ERROR, id, ...]").await.len(), 12);

    h.stream("g", "json").await;
    h.put_all(
        "g",
        "json",
        &[
            (
                NOW - 5,
                r#"{"level":"error","latency":950,"user":{"id":7}}"#.into(),
            ),
            (
                NOW - 4,
                r#"{"level":"info","latency":12,"user":{"id":8}}"#.into(),
            ),
        ],
    )
    .await;
    let slow = filter_all(&h, "{ $.latency > 100 }").await;
    assert_eq!(slow.len(), 1);
    assert_eq!(slow[0].log_stream_name(), Some("json"));
    assert_eq!(
        filter_all(&h, "{ $.user.id = 8 && $.level = \"info\" }")
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn pages_respect_limit_and_tokens_survive_writes() {
    let h = harness_with(cwlogs_emulator::SequenceTokenMode::Ignore).await;
    three_streams(&h).await;
    let first = h
        .client
        .filter_log_events()
        .log_group_name("g")
        .limit(7)
        .send()
        .await
        .unwrap();
    assert_eq!(first.events().len(), 7);
    let token = first.next_token().expect("more pages").to_owned();
    // A write before the position already read must not shift the next page.
    h.put_all("g", "a", &[(NOW - 2_000, "late and early".into())])
        .await;
    let mut seen: Vec<String> = messages(first.events())
        .iter()
        .map(|m| m.to_string())
        .collect();
    let mut token = Some(token);
    while let Some(t) = token {
        let out = h
            .client
            .filter_log_events()
            .log_group_name("g")
            .limit(7)
            .next_token(t)
            .send()
            .await
            .unwrap();
        assert!(out.events().len() <= 7);
        seen.extend(out.events().iter().map(|e| e.message().unwrap().to_owned()));
        token = out.next_token().map(str::to_owned);
    }
    assert_eq!(seen.len(), 30);
    assert_eq!(
        seen.iter().collect::<BTreeSet<_>>().len(),
        30,
        "no event twice"
    );

    let err = service_error(
        h.client
            .filter_log_events()
            .log_group_name("g")
            .next_token("bogus")
            .send()
            .await,
    );
    assert!(matches!(
        err,
        FilterLogEventsError::InvalidParameterException(_)
    ));
    assert_aws_error(
        &err,
        "InvalidParameterException",
        "The specified nextToken is invalid.",
    );
}

#[tokio::test]
async fn a_full_page_is_one_megabyte() {
    let h = harness().await;
    h.group_and_stream("g", "s").await;
    let events: Vec<(i64, String)> = (0..20)
        .map(|i| (NOW - 100 + i, "x".repeat(200 * 1024)))
        .collect();
    h.put_all("g", "s", &events).await;
    let mut sizes = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = h
            .client
            .filter_log_events()
            .log_group_name("g")
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        sizes.push(out.events().len());
        token = out.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(sizes, [5, 5, 5, 5]);
}

#[tokio::test]
async fn streams_are_chosen_by_names_or_prefix_not_both() {
    let h = harness().await;
    three_streams(&h).await;
    let out = h
        .client
        .filter_log_events()
        .log_group_name("g")
        .log_stream_names("a")
        .log_stream_names("c")
        .send()
        .await
        .unwrap();
    let streams: BTreeSet<&str> = out
        .events()
        .iter()
        .map(|e| e.log_stream_name().unwrap())
        .collect();
    assert_eq!(streams, BTreeSet::from(["a", "c"]));
    let out = h
        .client
        .filter_log_events()
        .log_group_name("g")
        .log_stream_name_prefix("b")
        .send()
        .await
        .unwrap();
    assert_eq!(out.events().len(), 10);
    let err = service_error(
        h.client
            .filter_log_events()
            .log_group_name("g")
            .log_stream_names("a")
            .log_stream_name_prefix("a")
            .send()
            .await,
    );
    assert!(matches!(
        err,
        FilterLogEventsError::InvalidParameterException(_)
    ));
    assert_aws_error(
        &err,
        "InvalidParameterException",
        "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.",
    );
    let err = service_error(
        h.client
            .filter_log_events()
            .log_group_name("g")
            .log_stream_names("nope")
            .send()
            .await,
    );
    assert!(matches!(
        err,
        FilterLogEventsError::ResourceNotFoundException(_)
    ));
    assert_aws_error(
        &err,
        "ResourceNotFoundException",
        "The specified log stream does not exist.",
    );
}

#[tokio::test]
async fn time_range_and_retention_bound_the_search() {
    let h = harness().await;
    three_streams(&h).await;
    // Stream a's events are at NOW-1000, NOW-990, ...; both ends inclusive (model doc).
    let out = h
        .client
        .filter_log_events()
        .log_group_name("g")
        .log_stream_names("a")
        .start_time(NOW - 990)
        .end_time(NOW - 970)
        .send()
        .await
        .unwrap();
    assert_eq!(
        messages(out.events()),
        [
            "INFO a1 {\"n\": 1}",
            "INFO a2 {\"n\": 2}",
            "ERROR a3 {\"n\": 3}"
        ]
    );

    h.retention("g", 1).await;
    h.clock.advance(DAY - 995);
    let out = h
        .client
        .filter_log_events()
        .log_group_name("g")
        .log_stream_names("a")
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.events().len(),
        9,
        "the oldest event of stream a has expired"
    );
}

#[tokio::test]
async fn invalid_patterns_are_invalid_parameter() {
    let h = harness().await;
    three_streams(&h).await;
    for (pattern, message) in [
        (
            "{ $.a = ",
            "If a filter pattern starts with '{' it must end with '}'",
        ),
        (
            "[a, b",
            "If a filter pattern starts with '[' it must end with ']'",
        ),
        (
            "{ $. = 1 }",
            "Invalid filter pattern: invalid property selector $.: it ends with '.' and no \
             property name",
        ),
        (
            "\"unterminated",
            "Invalid filter pattern: unterminated quoted string \"unterminated: a '\"' has no \
             closing '\"'",
        ),
    ] {
        let err = service_error(
            h.client
                .filter_log_events()
                .log_group_name("g")
                .filter_pattern(pattern)
                .send()
                .await,
        );
        assert!(
            matches!(err, FilterLogEventsError::InvalidParameterException(_)),
            "{pattern}: {err:?}"
        );
        assert_aws_error(&err, "InvalidParameterException", message);
    }
}

#[tokio::test]
async fn test_metric_filter_extracts_fields() {
    let h = harness().await;
    let out = h
        .client
        .test_metric_filter()
        .filter_pattern("[ip, user, username, timestamp, request, status_code = 4*, bytes]")
        .log_event_messages("127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] \"GET /apache_pb.gif HTTP/1.0\" 404 1534")
        .log_event_messages("127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 1534")
        .send()
        .await
        .unwrap();
    let [record] = out.matches() else {
        panic!("{out:?}")
    };
    assert_eq!(record.event_number(), 1);
    let values = record.extracted_values().unwrap();
    assert_eq!(values.get("$status_code").map(String::as_str), Some("404"));
    assert_eq!(values.get("$user").map(String::as_str), Some("-"));
    assert_eq!(values.get("$bytes").map(String::as_str), Some("1534"));

    let err = service_error(
        h.client
            .test_metric_filter()
            .filter_pattern("{ $.x = ")
            .log_event_messages("m")
            .send()
            .await,
    );
    assert_aws_error(
        &err,
        "InvalidParameterException",
        "If a filter pattern starts with '{' it must end with '}'",
    );
}

fn transformation(name: &str) -> MetricTransformation {
    MetricTransformation::builder()
        .metric_name(name)
        .metric_namespace("App")
        .metric_value("1")
        .build()
        .unwrap()
}

#[tokio::test]
async fn metric_filters_are_stored_validated_listed_and_counted() {
    let h = harness().await;
    h.group("g").await;
    for (name, pattern) in [("errors", "ERROR"), ("slow", "{ $.latency > 500 }")] {
        h.client
            .put_metric_filter()
            .log_group_name("g")
            .filter_name(name)
            .filter_pattern(pattern)
            .metric_transformations(transformation(name))
            .send()
            .await
            .unwrap();
    }
    let err = service_error(
        h.client
            .put_metric_filter()
            .log_group_name("g")
            .filter_name("broken")
            .filter_pattern("{ $.latency > ")
            .metric_transformations(transformation("broken"))
            .send()
            .await,
    );
    assert!(matches!(
        err,
        PutMetricFilterError::InvalidParameterException(_)
    ));
    assert_aws_error(
        &err,
        "InvalidParameterException",
        "If a filter pattern starts with '{' it must end with '}'",
    );
    let out = h
        .client
        .describe_metric_filters()
        .log_group_name("g")
        .send()
        .await
        .unwrap();
    let names: Vec<_> = out
        .metric_filters()
        .iter()
        .map(|f| f.filter_name().unwrap())
        .collect();
    assert_eq!(names, ["errors", "slow"]);
    let slow = &out.metric_filters()[1];
    assert_eq!(slow.filter_pattern(), Some("{ $.latency > 500 }"));
    assert_eq!(slow.creation_time(), Some(NOW));
    assert_eq!(slow.metric_transformations()[0].metric_name(), "slow");
    let groups = h.client.describe_log_groups().send().await.unwrap();
    assert_eq!(groups.log_groups()[0].metric_filter_count(), Some(2));

    let by_metric = h
        .client
        .describe_metric_filters()
        .metric_name("errors")
        .metric_namespace("App")
        .send()
        .await
        .unwrap();
    assert_eq!(by_metric.metric_filters().len(), 1);

    h.client
        .delete_metric_filter()
        .log_group_name("g")
        .filter_name("errors")
        .send()
        .await
        .unwrap();
    let err = service_error(
        h.client
            .delete_metric_filter()
            .log_group_name("g")
            .filter_name("errors")
            .send()
            .await,
    );
    assert_aws_error(
        &err,
        "ResourceNotFoundException",
        "The specified metric filter does not exist.",
    );
    let out = h
        .client
        .describe_metric_filters()
        .log_group_name("g")
        .send()
        .await
        .unwrap();
    assert_eq!(out.metric_filters().len(), 1);
}

#[tokio::test]
async fn metric_values_and_dimensions_are_checked() {
    let h = harness().await;
    h.group("g").await;
    let put = |value: &str, dimensions: usize| {
        let mut t = MetricTransformation::builder()
            .metric_name("m")
            .metric_namespace("App")
            .metric_value(value);
        for d in 0..dimensions {
            t = t.dimensions(format!("d{d}"), "$a");
        }
        h.client
            .put_metric_filter()
            .log_group_name("g")
            .filter_name("f")
            .filter_pattern("[a, b]")
            .metric_transformations(t.build().unwrap())
            .send()
    };
    put("1", 3).await.expect("a number and three dimensions");
    put("$b", 0).await.expect("a field reference");
    put("-2.5", 0).await.expect("a negative number");
    for (value, dimensions, message) in [("abc", 0, "Invalid metric value 'abc': it must be a number or a $ reference to a field of the filter pattern."), ("$", 0, "Invalid metric value '$': it must be a number or a $ reference to a field of the filter pattern."), ("1", 4, "A metric filter can have at most 3 dimensions; 4 were given.")] {
        let err = service_error(put(value, dimensions).await);
        assert!(
            matches!(err, PutMetricFilterError::InvalidParameterException(_)),
            "{value} {dimensions}"
        );
        assert_aws_error(&err, "InvalidParameterException", message);
    }
}
