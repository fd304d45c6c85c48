//! `--data-dir` with a manual clock: state that background work and reads make (scheduled
//! query runs, vended logs, anomalies found when they are read) comes back after a restart,
//! and a restart neither reruns nor loses scheduled runs. Restarts here shut the in-process
//! emulator down and open the same directory again; every write is on disk when it is
//! answered, so this is the state a `kill -9` leaves too (the binary's `kill -9` tests are
//! in client-tests/python/test_durable.py).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use aws_sdk_cloudwatchlogs::types::{
    DestinationConfiguration, EvaluationFrequency, LookupTableConfiguration, QueryLanguage,
    SuppressionType,
};
use aws_sdk_cloudwatchlogs::Client;
use cwlogs_emulator::{Emulator, ManualClock, SequenceTokenMode};

use crate::common::*;

const ROLE: &str = "arn:aws:iam::000000000000:role/scheduled";

/// A fresh data directory for one test.
fn data_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cwlogs-durable-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// An emulator on `dir` whose clock reads `now`.
async fn open(dir: &Path, now: i64) -> (Emulator, ManualClock, Client) {
    let clock = ManualClock::new(now);
    let emulator = Emulator::builder()
        .clock(Arc::new(clock.clone()))
        .sequence_tokens(SequenceTokenMode::Ignore)
        .data_dir(dir)
        .start()
        .await
        .expect("emulator starts on its data directory");
    let client = client_for(&emulator, "us-east-1");
    (emulator, clock, client)
}

/// The runs of `name` so far, once there are at least `runs` (the scheduler is a background
/// pass every 200 ms).
async fn history(client: &Client, name: &str, runs: usize) -> Vec<(i64, String, Option<String>)> {
    scheduled_runs(client, name, runs, NOW + 10 * DAY)
        .await
        .iter()
        .map(|t| {
            (
                t.triggered_timestamp().unwrap_or_default(),
                t.execution_status().unwrap().as_str().to_owned(),
                t.query_id().map(str::to_owned),
            )
        })
        .collect()
}

/// What a scheduled query's runs left: its history, each run's query results, the table.
async fn run_state(client: &Client) -> (Vec<(i64, String, Option<String>)>, Vec<String>, String) {
    let runs = history(client, "counts", 0).await;
    let mut results = Vec::new();
    for (_, _, id) in &runs {
        let out = client
            .get_query_results()
            .query_id(id.as_deref().unwrap())
            .send()
            .await
            .unwrap();
        results.push(format!("{:?} {:?}", out.status(), out.results()));
    }
    let table = client
        .get_lookup_table()
        .lookup_table_arn("arn:aws:logs:us-east-1:000000000000:lookup-table:per_minute")
        .send()
        .await
        .unwrap();
    let table = format!("{:?} {:?}", table.table_body(), table.last_updated_time());
    (runs, results, table)
}

#[tokio::test]
async fn scheduled_runs_survive_a_restart_and_are_neither_rerun_nor_lost() {
    let dir = data_dir("scheduled");
    let (emulator, clock, client) = open(&dir, NOW).await;
    group_with_streams(&client, "app", &["web"]).await;
    put_events(
        &client,
        "app",
        "web",
        &[
            (NOW - 60_000, "a"),
            (NOW + 60_000, "b"),
            (NOW + 7 * MINUTE, "c"),
        ],
    )
    .await;
    client
        .create_scheduled_query()
        .name("counts")
        .query_language(QueryLanguage::Cwli)
        .query_string("stats count(*) as n")
        .log_group_identifiers("app")
        .schedule_expression("rate(5 minutes)")
        .start_time_offset(600)
        .execution_role_arn(ROLE)
        .destination_configuration(
            DestinationConfiguration::builder()
                .lookup_table_configuration(
                    LookupTableConfiguration::builder()
                        .table_name("per_minute")
                        .role_arn(ROLE)
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    clock.set(NOW + 5 * MINUTE);
    history(&client, "counts", 1).await;
    clock.set(NOW + 10 * MINUTE);
    let runs = history(&client, "counts", 2).await;
    assert_eq!(
        runs.iter().map(|r| r.0).collect::<Vec<_>>(),
        [NOW + 5 * MINUTE, NOW + 10 * MINUTE]
    );
    let before = run_state(&client).await;
    emulator.shutdown().await;

    // The same time: the runs come back as they were, and none runs again.
    let (emulator, _clock, client) = open(&dir, NOW + 10 * MINUTE).await;
    assert_eq!(run_state(&client).await, before);
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    assert_eq!(history(&client, "counts", 0).await.len(), 2);
    emulator.shutdown().await;

    // Down while two runs fell due: both run after the restart, each at its own time and
    // over its own window, as for an emulator that never stopped.
    let (emulator, _clock, client) = open(&dir, NOW + 20 * MINUTE).await;
    let runs = history(&client, "counts", 4).await;
    assert_eq!(
        runs.iter().map(|r| r.0).collect::<Vec<_>>(),
        [
            NOW + 5 * MINUTE,
            NOW + 10 * MINUTE,
            NOW + 15 * MINUTE,
            NOW + 20 * MINUTE
        ]
    );
    let after = run_state(&client).await;
    assert_eq!(after.0[..2], before.0[..]);
    // Their windows: [+5, +15) holds the event at +7, [+10, +20) none; the table holds the
    // last run's rows.
    assert!(after.1[2].contains(r#"value: Some("1")"#), "{}", after.1[2]);
    assert!(after.1[3].contains(r#"value: Some("0")"#), "{}", after.1[3]);
    assert!(after.2.starts_with(r#"Some("n\n0\n")"#), "{}", after.2);
    emulator.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn vended_logs_emitted_through_the_handle_survive_a_restart() {
    let dir = data_dir("vended");
    let (emulator, _clock, client) = open(&dir, NOW).await;
    group_with_streams(&client, "/vended/cf", &[]).await;
    client
        .put_delivery_source()
        .name("cf")
        .resource_arn("arn:aws:cloudfront::000000000000:distribution/E1Q5F5862X9VJ5")
        .log_type("ACCESS_LOGS")
        .send()
        .await
        .unwrap();
    client
        .put_delivery_destination()
        .name("to-cwl")
        .delivery_destination_configuration(
            aws_sdk_cloudwatchlogs::types::DeliveryDestinationConfiguration::builder()
                .destination_resource_arn(
                    "arn:aws:logs:us-east-1:000000000000:log-group:/vended/cf",
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    client
        .create_delivery()
        .delivery_source_name("cf")
        .delivery_destination_arn("arn:aws:logs:us-east-1:000000000000:delivery-destination:to-cwl")
        .send()
        .await
        .unwrap();
    let report = emulator
        .emit_vended_logs(
            "us-east-1",
            "cf",
            &[serde_json::json!({"date": "2026-01-01", "sc-status": 200})],
        )
        .unwrap();
    assert_eq!(report[0].status, "Delivered");
    let events = |client: Client| async move {
        client
            .get_log_events()
            .log_group_name("/vended/cf")
            .log_stream_name("cf")
            .start_from_head(true)
            .send()
            .await
            .unwrap()
            .events()
            .iter()
            .map(|e| format!("{:?}", e))
            .collect::<Vec<_>>()
    };
    let before = events(client.clone()).await;
    assert_eq!(before.len(), 1);
    emulator.shutdown().await;
    let (emulator, _clock, client) = open(&dir, NOW + MINUTE).await;
    assert_eq!(events(client).await, before);
    emulator.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn an_anomaly_found_by_a_read_and_suppressed_much_later_survives_a_restart() {
    let dir = data_dir("anomaly");
    let (emulator, clock, client) = open(&dir, NOW).await;
    group_with_streams(&client, "app", &["web"]).await;
    let arn = client
        .create_log_anomaly_detector()
        .log_group_arn_list("arn:aws:logs:us-east-1:000000000000:log-group:app")
        .detector_name("app-detector")
        .evaluation_frequency(EvaluationFrequency::OneMin)
        .send()
        .await
        .unwrap()
        .anomaly_detector_arn
        .unwrap();
    // Six quiet minutes, then a minute of errors.
    let mut events: Vec<(i64, String)> = (0..12)
        .map(|i| (NOW + i * 30_000, "heartbeat ok".to_owned()))
        .collect();
    events.extend((0..30).map(|i| {
        (
            NOW + 6 * MINUTE + i * 1000,
            format!("ERROR upstream 10.0.0.{i} refused connection"),
        )
    }));
    events.sort();
    let borrowed: Vec<(i64, &str)> = events.iter().map(|(t, m)| (*t, m.as_str())).collect();
    put_events(&client, "app", "web", &borrowed).await;
    // A read at the 7th minute finds the anomaly (detectors are evaluated when read).
    clock.set(NOW + 7 * MINUTE);
    let found = client
        .list_anomalies()
        .anomaly_detector_arn(&arn)
        .send()
        .await
        .unwrap();
    let error = found
        .anomalies()
        .iter()
        .find(|a| a.pattern_string().starts_with("ERROR"))
        .expect("the errors are an anomaly")
        .anomaly_id()
        .to_owned();
    // Two hours later (more ticks than one evaluation runs), the anomaly is suppressed: the
    // ticks that found it are long past, so only the read's journaled evaluation brings it
    // back for this write's replay.
    clock.set(NOW + 127 * MINUTE);
    client
        .update_anomaly()
        .anomaly_detector_arn(&arn)
        .anomaly_id(&error)
        .suppression_type(SuppressionType::Infinite)
        .send()
        .await
        .unwrap();
    let listing = |client: Client, arn: String| async move {
        let out = client
            .list_anomalies()
            .anomaly_detector_arn(arn)
            .send()
            .await
            .unwrap();
        out.anomalies()
            .iter()
            .map(|a| {
                format!(
                    "{} {} {:?} {:?} {} {} {} {:?} {:?} {:?}",
                    a.anomaly_id(),
                    a.pattern_string(),
                    a.state(),
                    a.suppressed(),
                    a.suppressed_date(),
                    a.first_seen(),
                    a.last_seen(),
                    a.histogram()
                        .iter()
                        .collect::<std::collections::BTreeMap<_, _>>(),
                    a.description(),
                    a.active(),
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let before = listing(client.clone(), arn.clone()).await;
    assert!(before.contains("Suppressed"), "{before}");
    emulator.shutdown().await;

    let (emulator, _clock, client) = open(&dir, NOW + 127 * MINUTE).await;
    assert_eq!(listing(client.clone(), arn.clone()).await, before);
    // A compacted journal replays its control records before the events: the anomalies
    // come back from the evaluation's journaled outcome, not from evaluating again.
    let (before_bytes, after_bytes) = emulator.compact().expect("the journal compacts");
    assert!(after_bytes > 0 && before_bytes > 0);
    emulator.shutdown().await;

    let (emulator, _clock, client) = open(&dir, NOW + 127 * MINUTE).await;
    assert_eq!(listing(client, arn).await, before);
    emulator.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}
