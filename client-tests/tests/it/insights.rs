//! Logs Insights through the Rust SDK: the lifecycle from StartQuery to a Complete
//! GetQueryResults, stats rows, StopQuery on an ended query, and MalformedQueryException with
//! its location.

use aws_sdk_cloudwatchlogs::operation::get_query_results::GetQueryResultsOutput;
use aws_sdk_cloudwatchlogs::types::QueryStatus;

use crate::common::{assert_aws_error, harness, service_error, Harness, MINUTE, NOW};

/// Starts `query` over group "app" for the 20 minutes before NOW.
async fn start(
    h: &Harness,
    query: &str,
) -> aws_sdk_cloudwatchlogs::operation::start_query::StartQueryOutput {
    h.client
        .start_query()
        .log_group_name("app")
        .start_time((NOW - 20 * MINUTE) / 1000)
        .end_time(NOW / 1000)
        .query_string(query)
        .send()
        .await
        .unwrap()
}

/// Polls until the query has ended (it runs in the background).
pub(crate) async fn finished(h: &Harness, query_id: &str) -> GetQueryResultsOutput {
    for _ in 0..400 {
        let out = h
            .client
            .get_query_results()
            .query_id(query_id)
            .send()
            .await
            .unwrap();
        if out.status() != Some(&QueryStatus::Running) {
            return out;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("query {query_id} did not end");
}

pub(crate) fn cells(out: &GetQueryResultsOutput) -> Vec<Vec<(String, String)>> {
    out.results()
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| {
                    (
                        cell.field().unwrap_or_default().to_owned(),
                        cell.value().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .collect()
}

async fn seeded() -> Harness {
    let h = harness().await;
    h.group_and_stream("app", "web").await;
    let events: Vec<(i64, String)> = (0..10)
        .map(|i| {
            let level = if i % 3 == 0 { "ERROR" } else { "INFO" };
            (NOW - 10 * MINUTE + i * 1000, format!("{level} request {i}"))
        })
        .collect();
    h.put_all("app", "web", &events).await;
    h
}

#[tokio::test]
async fn a_query_runs_to_complete_with_rows_and_statistics() {
    let h = seeded().await;
    let started = start(
        &h,
        "filter @message like /ERROR/ | fields @message | limit 2",
    )
    .await;
    let out = finished(&h, started.query_id().unwrap()).await;
    assert_eq!(out.status(), Some(&QueryStatus::Complete));
    let rows = cells(&out);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][0], ("@message".into(), "ERROR request 9".into()));
    assert_eq!(rows[1][0], ("@message".into(), "ERROR request 6".into()));
    assert_eq!(rows[0][1].0, "@ptr");
    // A newest-N query reads each stream newest first only until its N-th match: the two
    // newest ERRORs (9 and 6) are found after reading four events.
    let statistics = out.statistics().unwrap();
    assert_eq!(statistics.records_scanned(), 4.0);
    assert_eq!(statistics.records_matched(), 2.0);

    let stats = start(
        &h,
        "parse @message \"* request *\" as level, n | stats count(*) as c by level",
    )
    .await;
    let out = finished(&h, stats.query_id().unwrap()).await;
    let statistics = out.statistics().unwrap();
    assert_eq!(statistics.records_scanned(), 10.0);
    assert_eq!(statistics.records_matched(), 10.0);
    assert_eq!(
        cells(&out),
        [
            [("level".into(), "ERROR".into()), ("c".into(), "4".into())],
            [("level".into(), "INFO".into()), ("c".into(), "6".into())],
        ]
    );

    let error = service_error(
        h.client
            .stop_query()
            .query_id(stats.query_id().unwrap())
            .send()
            .await,
    );
    assert_aws_error(
        &error,
        "InvalidParameterException",
        &format!(
            "Query is not running. Query id: {}",
            stats.query_id().unwrap()
        ),
    );
}

#[tokio::test]
async fn a_malformed_query_is_refused_with_its_location() {
    let h = seeded().await;
    let error = service_error(
        h.client
            .start_query()
            .log_group_name("app")
            .start_time(0)
            .end_time(NOW / 1000)
            .query_string("stats frob(x)")
            .send()
            .await,
    );
    assert_aws_error(
        &error,
        "MalformedQueryException",
        "'frob' is not an aggregation function that stats supports",
    );
    let aws_sdk_cloudwatchlogs::operation::start_query::StartQueryError::MalformedQueryException(
        malformed,
    ) = error
    else {
        panic!("a MalformedQueryException");
    };
    let location = malformed.query_compile_error().unwrap().location().unwrap();
    assert_eq!(
        (location.start_char_offset(), location.end_char_offset()),
        (Some(6), Some(10))
    );
}

#[tokio::test]
async fn a_minimum_duration_keeps_a_query_running_with_partial_results() {
    let emulator = cwlogs_emulator::Emulator::builder()
        .query_min_duration(std::time::Duration::from_millis(400))
        .start()
        .await
        .unwrap();
    let client = crate::common::client_for(&emulator, "us-east-1");
    client
        .create_log_group()
        .log_group_name("app")
        .send()
        .await
        .unwrap();
    let started = client
        .start_query()
        .log_group_name("app")
        .start_time(0)
        .end_time(4_000_000_000)
        .query_string("stats count(*) as n")
        .send()
        .await
        .unwrap();
    let id = started.query_id().unwrap();
    let mut seen_running = false;
    let mut last = None;
    for _ in 0..200 {
        let out = client
            .get_query_results()
            .query_id(id)
            .send()
            .await
            .unwrap();
        match out.status() {
            Some(QueryStatus::Running) => seen_running = true,
            _ => {
                last = Some(out);
                break;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(
        seen_running,
        "the query stayed Running for its minimum duration"
    );
    let out = last.expect("the query completed");
    assert_eq!(out.status(), Some(&QueryStatus::Complete));
    assert_eq!(cells(&out), [[("n".to_owned(), "0".to_owned())]]);

    // StopQuery on a running query succeeds, and the query ends Cancelled.
    let running = client
        .start_query()
        .log_group_name("app")
        .start_time(0)
        .end_time(4_000_000_000)
        .query_string("fields @message")
        .send()
        .await
        .unwrap();
    let stopped = client
        .stop_query()
        .query_id(running.query_id().unwrap())
        .send()
        .await
        .unwrap();
    assert!(stopped.success());
    let mut status = None;
    for _ in 0..200 {
        let out = client
            .get_query_results()
            .query_id(running.query_id().unwrap())
            .send()
            .await
            .unwrap();
        if out.status() != Some(&QueryStatus::Running) {
            status = out.status().cloned();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(status, Some(QueryStatus::Cancelled));
}

#[tokio::test]
async fn the_newest_events_come_from_every_stream() {
    let h = harness().await;
    h.group_and_stream("app", "a").await;
    h.stream("app", "b").await;
    // Stream a holds even seconds, b odd ones; every third event says ERROR.
    for (stream, offset) in [("a", 0), ("b", 1)] {
        let events: Vec<(i64, String)> = (0..50)
            .map(|i| {
                let second = 2 * i + offset;
                let level = if second % 3 == 0 { "ERROR" } else { "INFO" };
                (
                    NOW - 10 * MINUTE + second * 1000,
                    format!("{level} {second}"),
                )
            })
            .collect();
        h.put_all("app", stream, &events).await;
    }
    for (query, expected) in [
        (
            "fields @message | sort @timestamp desc | limit 3",
            ["ERROR 99", "INFO 98", "INFO 97"],
        ),
        (
            "filter @message like /ERROR/ | fields @message | limit 3",
            ["ERROR 99", "ERROR 96", "ERROR 93"],
        ),
    ] {
        let started = start(&h, query).await;
        let out = finished(&h, started.query_id().unwrap()).await;
        let messages: Vec<String> = cells(&out)
            .into_iter()
            .map(|row| row[0].1.clone())
            .collect();
        assert_eq!(messages, expected, "{query}");
    }
}

#[tokio::test]
async fn source_chooses_the_groups_and_unnest_splits_a_list() {
    let h = harness().await;
    h.group_and_stream("app-a", "s").await;
    h.group_and_stream("app-b", "s").await;
    h.group_and_stream("other", "s").await;
    let message = r#"{"events":[{"name":"exception"},{"name":"user action"}]}"#;
    for group in ["app-a", "app-b", "other"] {
        h.put_all(group, "s", &[(NOW - MINUTE, message.to_owned())])
            .await;
    }
    // No group parameter: SOURCE picks app-a and app-b by prefix.
    let started = h
        .client
        .start_query()
        .start_time((NOW - 20 * MINUTE) / 1000)
        .end_time(NOW / 1000)
        .query_string(
            "SOURCE logGroups(namePrefix: ['app-']) | fields jsonParse(@message) as j \
             | unnest j.events into event | stats count(*) as n by event.name",
        )
        .send()
        .await
        .unwrap();
    let out = finished(&h, started.query_id().unwrap()).await;
    assert_eq!(out.status(), Some(&QueryStatus::Complete));
    assert_eq!(
        cells(&out),
        [
            [
                ("event.name".into(), "exception".into()),
                ("n".into(), "2".into())
            ],
            [
                ("event.name".into(), "user action".into()),
                ("n".into(), "2".into())
            ],
        ]
    );
    assert_eq!(out.statistics().unwrap().records_scanned(), 2.0);
}
