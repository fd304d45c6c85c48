//! Import tasks through the Rust SDK: the source, a CloudTrail Lake event data store, is
//! played by a small recording CloudTrail server inside the test (AWS JSON 1.1 over HTTP/1.1),
//! reached through `--cloudtrail-endpoint`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_cloudwatchlogs::types::{ImportFilter, ImportStatus};
use aws_sdk_cloudwatchlogs::Client;
use serde_json::{json, Value};

use crate::common::{assert_aws_error, service_error, started, DAY, HOUR, NOW};

const EDS_ID: &str = "0e5e7e5e-1111-2222-3333-444455556666";
const EDS: &str =
    "arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/0e5e7e5e-1111-2222-3333-444455556666";
const ROLE: &str = "arn:aws:iam::123456789012:role/import";

/// A recording CloudTrail: one event data store, one query's rows (one page), RUNNING while
/// `hold` is set.
struct CloudTrail {
    url: String,
    calls: Arc<Mutex<Vec<(String, Value)>>>,
    hold: Arc<AtomicBool>,
}

impl CloudTrail {
    fn start(rows: Value) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let calls = Arc::new(Mutex::new(Vec::new()));
        let hold = Arc::new(AtomicBool::new(false));
        let (calls_seen, held) = (Arc::clone(&calls), Arc::clone(&hold));
        std::thread::spawn(move || {
            for connection in listener.incoming() {
                let Ok(mut connection) = connection else {
                    return;
                };
                let mut reader = BufReader::new(connection.try_clone().unwrap());
                let (mut length, mut target) = (0, String::new());
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    let (name, value) = line.split_once(':').unwrap_or((&line, ""));
                    match name.to_ascii_lowercase().as_str() {
                        "content-length" => length = value.trim().parse().unwrap_or(0),
                        "x-amz-target" => target = value.trim().to_owned(),
                        _ => {}
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    continue;
                }
                let body: Value = serde_json::from_slice(&body).unwrap_or_default();
                let op = target.rsplit('.').next().unwrap_or("").to_owned();
                calls_seen.lock().unwrap().push((op.clone(), body.clone()));
                let (status, answer) = match op.as_str() {
                    "GetEventDataStore" if body["EventDataStore"] == EDS => {
                        (200, json!({"Status": "ENABLED", "RetentionPeriod": 3653}))
                    }
                    "GetEventDataStore" => (
                        400,
                        json!({"__type": "EventDataStoreNotFoundException", "Message": "no"}),
                    ),
                    "StartQuery" => (200, json!({"QueryId": "q1"})),
                    "GetQueryResults" if held.load(Ordering::SeqCst) => {
                        (200, json!({"QueryStatus": "RUNNING"}))
                    }
                    "GetQueryResults" => (
                        200,
                        json!({"QueryStatus": "FINISHED", "QueryResultRows": rows}),
                    ),
                    _ => (200, json!({})),
                };
                let answer = answer.to_string();
                let _ = write!(
                    connection,
                    "HTTP/1.1 {status} X\r\ncontent-type: application/x-amz-json-1.1\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n{answer}",
                    answer.len()
                );
            }
        });
        Self { url, calls, hold }
    }

    fn ops(&self, op: &str) -> Vec<Value> {
        let calls = self.calls.lock().unwrap();
        calls
            .iter()
            .filter(|(o, _)| o == op)
            .map(|(_, b)| b.clone())
            .collect()
    }
}

fn lake_time(ms: i64) -> String {
    // Only times on 2025-12-01 are used here.
    let of_day = (ms - (NOW - 31 * DAY)).rem_euclid(DAY);
    format!(
        "2025-12-01 {:02}:{:02}:{:02}.{:03}",
        of_day / HOUR,
        of_day / 60_000 % 60,
        of_day / 1000 % 60,
        of_day % 1000
    )
}

async fn wait_done(client: &Client, id: &str) -> aws_sdk_cloudwatchlogs::types::Import {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let out = client
            .describe_import_tasks()
            .import_id(id)
            .send()
            .await
            .unwrap();
        let task = out.imports()[0].clone();
        if task.import_status() != Some(&ImportStatus::InProgress) {
            return task;
        }
        assert!(Instant::now() < deadline, "{task:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_writes_the_store_events_into_its_group_in_hourly_batches() {
    // 2025-12-01, a month before the pinned "now": older than PutLogEvents takes.
    let day = NOW - 31 * DAY;
    let times = [day + 1000, day + 2000, day + HOUR + 3000];
    let rows: Vec<Value> = times
        .iter()
        .enumerate()
        .map(|(i, t)| json!([{"eventTime": lake_time(*t)}, {"eventName": format!("E{i}")}]))
        .collect();
    let trail = CloudTrail::start(Value::Array(rows));
    let (_emulator, client) =
        started(cwlogs_emulator::Emulator::builder().cloudtrail_endpoint(&trail.url)).await;
    let created = client
        .create_import_task()
        .import_source_arn(EDS)
        .import_role_arn(ROLE)
        .import_filter(
            ImportFilter::builder()
                .start_event_time(day)
                .end_event_time(day + DAY)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let group = format!("/aws/cloudtrail/{EDS_ID}");
    assert_eq!(
        created.import_destination_arn(),
        Some(format!("arn:aws:logs:us-east-1:000000000000:log-group:{group}").as_str())
    );
    assert_eq!(created.creation_time(), Some(NOW));
    let id = created.import_id().unwrap();
    let task = wait_done(&client, id).await;
    assert_eq!(task.import_status(), Some(&ImportStatus::Completed));
    assert_eq!(task.last_updated_time(), Some(NOW));
    assert_eq!(
        trail.ops("StartQuery")[0]["QueryStatement"],
        format!(
            "SELECT * FROM {EDS_ID} WHERE eventTime >= '2025-12-01 00:00:00.000' AND \
             eventTime <= '2025-12-02 00:00:00.000' ORDER BY eventTime ASC"
        )
    );

    let events = client
        .get_log_events()
        .log_group_name(&group)
        .log_stream_name("000000000000_CloudTrail_us-east-1")
        .start_from_head(true)
        .send()
        .await
        .unwrap();
    let events = events.events();
    assert_eq!(
        events
            .iter()
            .map(|e| e.timestamp().unwrap())
            .collect::<Vec<_>>(),
        times
    );
    let message: Value = serde_json::from_str(events[2].message().unwrap()).unwrap();
    assert_eq!(message["eventName"], "E2");
    let bytes: i64 = events
        .iter()
        .map(|e| e.message().unwrap().len() as i64)
        .sum();
    assert_eq!(
        task.import_statistics().unwrap().bytes_imported(),
        Some(bytes)
    );

    let batches = client
        .describe_import_task_batches()
        .import_id(id)
        .send()
        .await
        .unwrap();
    assert_eq!(batches.import_source_arn(), Some(EDS));
    let statuses: Vec<_> = batches
        .import_batches()
        .iter()
        .map(|b| b.status().clone())
        .collect();
    assert_eq!(statuses, [ImportStatus::Completed, ImportStatus::Completed]);
    let failed = client
        .describe_import_task_batches()
        .import_id(id)
        .batch_import_status(ImportStatus::Failed)
        .send()
        .await
        .unwrap();
    assert!(failed.import_batches().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_only_while_in_progress_and_errors() {
    let trail = CloudTrail::start(json!([]));
    trail.hold.store(true, Ordering::SeqCst);
    let (_emulator, client) =
        started(cwlogs_emulator::Emulator::builder().cloudtrail_endpoint(&trail.url)).await;
    let id = client
        .create_import_task()
        .import_source_arn(EDS)
        .import_role_arn(ROLE)
        .send()
        .await
        .unwrap()
        .import_id()
        .unwrap()
        .to_owned();
    let cancelled = client
        .cancel_import_task()
        .import_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.import_status(), Some(&ImportStatus::Cancelled));
    assert_eq!(
        cancelled.import_statistics().unwrap().bytes_imported(),
        Some(0)
    );
    let again = service_error(client.cancel_import_task().import_id(&id).send().await);
    assert_aws_error(
        &again,
        "InvalidOperationException",
        &format!(
            "Import task {id} cannot be cancelled: its status is CANCELLED; only an \
             IN_PROGRESS import can be cancelled."
        ),
    );
    trail.hold.store(false, Ordering::SeqCst);

    let missing = service_error(
        client
            .create_import_task()
            .import_source_arn(format!("{EDS}7"))
            .import_role_arn(ROLE)
            .send()
            .await,
    );
    assert_aws_error(
        &missing,
        "ResourceNotFoundException",
        &format!("The import source {EDS}7 does not exist."),
    );
    let reversed = service_error(
        client
            .create_import_task()
            .import_source_arn(EDS)
            .import_role_arn(ROLE)
            .import_filter(
                ImportFilter::builder()
                    .start_event_time(2)
                    .end_event_time(1)
                    .build(),
            )
            .send()
            .await,
    );
    assert_aws_error(
        &reversed,
        "InvalidParameterException",
        "The startEventTime must be less than or equal to endEventTime.",
    );
    let no_role = service_error(
        client
            .create_import_task()
            .import_source_arn(EDS)
            .send()
            .await,
    );
    assert_aws_error(
        &no_role,
        "InvalidParameterException",
        "1 validation error detected: Value null at 'importRoleArn' failed to satisfy \
         constraint: Member must not be null",
    );
    let unknown = service_error(
        client
            .describe_import_task_batches()
            .import_id("nope")
            .send()
            .await,
    );
    assert_aws_error(
        &unknown,
        "ResourceNotFoundException",
        "Import task nope does not exist.",
    );
    let bad_limit = service_error(client.describe_import_tasks().limit(51).send().await);
    assert_aws_error(
        &bad_limit,
        "InvalidParameterException",
        "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: \
         Member must have value less than or equal to 50",
    );
}
