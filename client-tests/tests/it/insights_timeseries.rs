//! The Logs Insights time-series functions through the Rust SDK (the time-series functions
//! page): rate, count_over_time, sum_over_time and histogram per bin, `offset`, and a
//! located MalformedQueryException for a bad bucket count.

use crate::common::{assert_aws_error, harness, service_error, Harness, HOUR, MINUTE, NOW};
use crate::insights::{cells, finished};

/// The start of the query window: events sit 0, 30, 60, 90 s after it, and an hour before.
const BASE: i64 = NOW - 30 * MINUTE;

async fn rows(h: &Harness, query: &str) -> Vec<Vec<(String, String)>> {
    let started = h
        .client
        .start_query()
        .log_group_name("metrics")
        .start_time(BASE / 1000)
        .end_time((BASE + 2 * MINUTE) / 1000 - 1)
        .query_string(query)
        .send()
        .await
        .unwrap();
    let out = finished(h, started.query_id().unwrap()).await;
    cells(&out)
}

fn row(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(f, v)| ((*f).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn time_series_functions_per_bin_and_shifted_by_offset() {
    let h = harness().await;
    h.group_and_stream("metrics", "s").await;
    let event = |at: i64, counter: i64, latency: i64| {
        (
            at,
            format!(r#"{{"counter":{counter},"latency":{latency}}}"#),
        )
    };
    h.put_all(
        "metrics",
        "s",
        &[
            event(BASE - HOUR, 1, 5),
            event(BASE - HOUR + 70_000, 2, 6),
            event(BASE, 100, 10),
            event(BASE + 30_000, 130, 20),
            event(BASE + 60_000, 160, 30),
            event(BASE + 90_000, 250, 40),
        ],
    )
    .await;
    let query = "stats count_over_time(latency) as n, sum_over_time(latency) as s, \
                 rate(counter, 1s) as r, histogram(latency, 2) as h by bin(1m)";
    assert_eq!(
        rows(&h, query).await,
        [
            row(&[
                ("bin(1m)", "2025-12-31 23:30:00.000"),
                ("n", "2"),
                ("s", "30"),
                ("r", "1"),
                ("h", r#"{"[10,15)":1,"[15,20]":1}"#),
            ]),
            row(&[
                ("bin(1m)", "2025-12-31 23:31:00.000"),
                ("n", "2"),
                ("s", "70"),
                ("r", "3"),
                ("h", r#"{"[30,35)":1,"[35,40]":1}"#),
            ]),
        ]
    );
    // `offset 1h`: the hour-earlier events, in the query window's bins.
    assert_eq!(
        rows(
            &h,
            "stats countOverTime(latency) as n, sumOverTime(latency) as s by bin(1m) offset 1h"
        )
        .await,
        [
            row(&[
                ("bin(1m)", "2025-12-31 23:30:00.000"),
                ("n", "1"),
                ("s", "5")
            ]),
            row(&[
                ("bin(1m)", "2025-12-31 23:31:00.000"),
                ("n", "1"),
                ("s", "6")
            ]),
        ]
    );
}

#[tokio::test]
async fn a_bad_histogram_bucket_count_is_a_located_compile_error() {
    let h = harness().await;
    h.group_and_stream("metrics", "s").await;
    let error = service_error(
        h.client
            .start_query()
            .log_group_name("metrics")
            .start_time(0)
            .end_time(NOW / 1000)
            .query_string("stats histogram(latency, 1001)")
            .send()
            .await,
    );
    assert_aws_error(
        &error,
        "MalformedQueryException",
        "histogram() takes a whole number of buckets from 1 to 1000: histogram(field, 10)",
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
        (Some(25), Some(29))
    );
}
