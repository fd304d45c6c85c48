//! Metric filters count: what PutLogEvents stores adds each matching event's value to the
//! filter's metric, per minute, with its dimensions (read back through `Emulator::metrics`).

use std::collections::BTreeMap;

use aws_sdk_cloudwatchlogs::types::MetricTransformation;
use cwlogs_emulator::{Emulator, MetricDatum};

use crate::common::*;

/// A data point as compared: metric, dimensions, minute offset, count, sum, min, max.
type Point = (String, BTreeMap<String, String>, i64, u64, f64, f64, f64);

#[tokio::test]
async fn matching_events_add_their_values_per_minute_with_dimensions_and_defaults() {
    let (emulator, client) = started(Emulator::builder()).await;
    group_with_streams(&client, "g", &["s"]).await;
    let bytes = MetricTransformation::builder()
        .metric_name("Bytes")
        .metric_namespace("Web")
        .metric_value("$bytes")
        .dimensions("Status", "$status")
        .unit(aws_sdk_cloudwatchlogs::types::StandardUnit::Bytes)
        .build()
        .unwrap();
    client
        .put_metric_filter()
        .log_group_name("g")
        .filter_name("bytes")
        .filter_pattern("[ip, user, status, bytes]")
        .metric_transformations(bytes)
        .send()
        .await
        .unwrap();
    let errors = MetricTransformation::builder()
        .metric_name("Errors")
        .metric_namespace("App")
        .metric_value("1")
        .default_value(0.0)
        .build()
        .unwrap();
    client
        .put_metric_filter()
        .log_group_name("g")
        .filter_name("errors")
        .filter_pattern("ERROR")
        .metric_transformations(errors)
        .send()
        .await
        .unwrap();
    let minute = NOW - NOW % MINUTE - 10 * MINUTE;
    put_events(
        &client,
        "g",
        "s",
        &[
            (minute + 1, "1.2.3.4 alice 200 100"),
            (minute + 2, "1.2.3.4 bob 200 50"),
            (minute + 3, "1.2.3.4 bob 404 7"),
            (minute + 4, "ERROR disk full"),
            (minute + MINUTE, "1.2.3.4 carol 200 1"),
            (minute + MINUTE + 1, "ERROR again"),
        ],
    )
    .await;
    // A batch without a match adds the default value.
    put_events(&client, "g", "s", &[(minute + 2 * MINUTE, "all quiet")]).await;

    let got: Vec<Point> = emulator
        .metrics()
        .into_iter()
        .map(|d: MetricDatum| {
            (
                format!(
                    "{}/{}/{}",
                    d.namespace,
                    d.metric_name,
                    d.unit.unwrap_or_default()
                ),
                d.dimensions,
                d.timestamp - minute,
                d.sample_count,
                d.sum,
                d.minimum,
                d.maximum,
            )
        })
        .collect();
    let status = |s: &str| BTreeMap::from([("Status".to_owned(), s.to_owned())]);
    assert_eq!(
        got,
        vec![
            ("App/Errors/".into(), BTreeMap::new(), 0, 1, 1.0, 1.0, 1.0),
            (
                "App/Errors/".into(),
                BTreeMap::new(),
                MINUTE,
                1,
                1.0,
                1.0,
                1.0
            ),
            (
                "App/Errors/".into(),
                BTreeMap::new(),
                2 * MINUTE,
                1,
                0.0,
                0.0,
                0.0
            ),
            (
                "Web/Bytes/Bytes".into(),
                status("200"),
                0,
                2,
                150.0,
                50.0,
                100.0
            ),
            (
                "Web/Bytes/Bytes".into(),
                status("200"),
                MINUTE,
                1,
                1.0,
                1.0,
                1.0
            ),
            ("Web/Bytes/Bytes".into(), status("404"), 0, 1, 7.0, 7.0, 7.0),
        ]
    );
    emulator.reset();
    assert!(emulator.metrics().is_empty());
}
