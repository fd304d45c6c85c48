//! Subscription delivery through the SDK: what PutLogEvents puts reaches the outbox exactly
//! once per (filter, stream, put), in AWS's payload, with FilterLogEvents' event ids.

use std::collections::BTreeMap;
use std::io::Read;

use aws_sdk_cloudwatchlogs::Client;
use base64::Engine;
use cwlogs_emulator::{Delivery, Emulator, MessageType};

use crate::common::*;

const KINESIS: &str = "arn:aws:kinesis:us-east-1:000000000000:stream/errors";
const LAMBDA: &str = "arn:aws:lambda:us-east-1:000000000000:function:everything";
const ROLE: &str = "arn:aws:iam::000000000000:role/cwl";

async fn start(outbox_size: usize) -> (Emulator, Client) {
    started(Emulator::builder().outbox_size(outbox_size)).await
}

async fn subscribe(client: &Client, name: &str, pattern: &str, arn: &str) {
    let mut put = client
        .put_subscription_filter()
        .log_group_name("g")
        .filter_name(name)
        .filter_pattern(pattern)
        .destination_arn(arn);
    if arn.contains(":kinesis:") {
        put = put.role_arn(ROLE);
    }
    put.send().await.unwrap();
}

async fn put(client: &Client, stream: &str, messages: &[(i64, &str)]) {
    put_events(client, "g", stream, messages).await;
}

fn gunzip(delivery: &Delivery) -> serde_json::Value {
    let gzip = base64::engine::general_purpose::STANDARD
        .decode(&delivery.data)
        .unwrap();
    let mut json = String::new();
    flate2::read::GzDecoder::new(&gzip[..])
        .read_to_string(&mut json)
        .unwrap();
    serde_json::from_str(&json).unwrap()
}

#[tokio::test]
async fn every_matching_event_is_delivered_once_in_aws_payload_with_filter_event_ids() {
    let (emulator, client) = start(1000).await;
    group_with_streams(&client, "g", &["a", "b", "c"]).await;
    subscribe(&client, "errors", "ERROR", KINESIS).await;
    subscribe(&client, "everything", "", LAMBDA).await;
    // The Kinesis filter got AWS's health check; the Lambda one does not.
    let control = emulator.drain_deliveries(KINESIS);
    assert_eq!(control.len(), 1);
    assert_eq!(
        gunzip(&control[0]),
        serde_json::json!({
            "messageType": "CONTROL_MESSAGE", "owner": "CloudwatchLogs", "logGroup": "",
            "logStream": "", "subscriptionFilters": [],
            "logEvents": [{"id": "", "timestamp": NOW,
                "message": "CWL CONTROL MESSAGE: Checking health of destination Kinesis stream."}],
        })
    );

    // Two puts per stream; stream b's second put has no ERROR.
    for (n, stream) in ["a", "b", "c"].into_iter().enumerate() {
        let t = NOW - 10_000 + n as i64;
        put(
            &client,
            stream,
            &[
                (t, "INFO start"),
                (t + 1, "ERROR boom"),
                (t + 2, "INFO end"),
            ],
        )
        .await;
        let second: &[(i64, &str)] = if stream == "b" {
            &[(t + 100, "INFO quiet")]
        } else {
            &[(t + 100, "ERROR again"), (t + 101, "INFO after")]
        };
        put(&client, stream, second).await;
    }
    // Not matching anything is not delivered; a group without filters delivers nothing.
    let deliveries = emulator.deliveries();
    let mut per_filter: BTreeMap<&str, Vec<&Delivery>> = BTreeMap::new();
    for d in &deliveries {
        per_filter
            .entry(d.filter_name.as_str())
            .or_default()
            .push(d);
    }
    // One payload per filter per stream per put: "everything" sees all 6 puts, "errors" the
    // 5 with an ERROR.
    assert_eq!(per_filter["everything"].len(), 6);
    assert_eq!(per_filter["errors"].len(), 5);

    // The ids are FilterLogEvents' ids; every event arrives exactly once per filter.
    let filtered = client
        .filter_log_events()
        .log_group_name("g")
        .send()
        .await
        .unwrap();
    let ids: BTreeMap<String, (String, i64, String)> = filtered
        .events()
        .iter()
        .map(|e| {
            (
                e.event_id().unwrap().to_owned(),
                (
                    e.log_stream_name().unwrap().to_owned(),
                    e.timestamp().unwrap(),
                    e.message().unwrap().to_owned(),
                ),
            )
        })
        .collect();
    for (filter, arn, want) in [("everything", LAMBDA, ids.len()), ("errors", KINESIS, 5)] {
        let mut seen = BTreeMap::new();
        for d in &per_filter[filter] {
            assert_eq!(d.destination_arn, arn);
            assert_eq!(d.region, "us-east-1");
            let payload = gunzip(d);
            // The decoded payload the outbox shows is the one the bytes carry.
            assert_eq!(payload, serde_json::to_value(&d.payload).unwrap());
            assert_eq!(d.payload.message_type, MessageType::Data);
            assert_eq!(payload["messageType"], "DATA_MESSAGE");
            assert_eq!(payload["owner"], "000000000000");
            assert_eq!(payload["logGroup"], "g");
            assert_eq!(payload["subscriptionFilters"], serde_json::json!([filter]));
            let stream = payload["logStream"].as_str().unwrap().to_owned();
            for event in payload["logEvents"].as_array().unwrap() {
                let id = event["id"].as_str().unwrap().to_owned();
                let (want_stream, timestamp, message) = &ids[&id];
                assert_eq!(&stream, want_stream);
                assert_eq!(event["timestamp"].as_i64().unwrap(), *timestamp);
                assert_eq!(event["message"].as_str().unwrap(), message);
                if filter == "errors" {
                    assert!(message.contains("ERROR"), "{message}");
                }
                assert!(seen.insert(id, ()).is_none(), "delivered twice");
            }
        }
        assert_eq!(seen.len(), want, "{filter}");
    }
    assert_eq!(emulator.deliveries_dropped(), 0);

    // Draining by destination removes only that destination's deliveries; reset clears all.
    assert_eq!(emulator.drain_deliveries(KINESIS).len(), 5);
    assert_eq!(emulator.deliveries().len(), 6);
    emulator.reset();
    assert!(emulator.deliveries().is_empty());
}

#[tokio::test]
async fn a_full_outbox_drops_the_oldest_and_counts_them() {
    let (emulator, client) = start(3).await;
    group_with_streams(&client, "g", &["s"]).await;
    subscribe(&client, "all", "", LAMBDA).await;
    for i in 0..5 {
        put(&client, "s", &[(NOW - 1000 + i, &format!("event {i}"))]).await;
    }
    let kept: Vec<String> = emulator
        .deliveries()
        .iter()
        .map(|d| d.payload.log_events[0].message.clone())
        .collect();
    assert_eq!(kept, ["event 2", "event 3", "event 4"]);
    assert_eq!(emulator.deliveries_dropped(), 2);
    emulator.clear_deliveries();
    assert_eq!(
        (emulator.deliveries().len(), emulator.deliveries_dropped()),
        (0, 0)
    );
    // Deleting the filter stops delivery.
    client
        .delete_subscription_filter()
        .log_group_name("g")
        .filter_name("all")
        .send()
        .await
        .unwrap();
    put(&client, "s", &[(NOW, "after")]).await;
    assert!(emulator.deliveries().is_empty());
}

#[tokio::test]
async fn a_put_too_large_for_a_lambda_payload_is_split_in_order() {
    let (emulator, client) = start(1000).await;
    group_with_streams(&client, "g", &["s"]).await;
    subscribe(&client, "all", "", LAMBDA).await;
    // 100 events of 10,000 pseudo-random characters: about 750 KB compressed, three times what
    // one asynchronous Lambda invocation takes.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let messages: Vec<String> = (0..100)
        .map(|_| {
            (0..10_000)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    char::from(
                        b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                            [(state % 62) as usize],
                    )
                })
                .collect()
        })
        .collect();
    let events: Vec<(i64, &str)> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| (NOW - 1000 + i as i64, m.as_str()))
        .collect();
    put(&client, "s", &events).await;
    let deliveries = emulator.deliveries();
    assert!(deliveries.len() >= 3, "{} deliveries", deliveries.len());
    let mut delivered = Vec::new();
    for d in &deliveries {
        assert!(d.data.len() <= 256 * 1024, "{} bytes", d.data.len());
        let payload = gunzip(d);
        for event in payload["logEvents"].as_array().unwrap() {
            delivered.push(event["message"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(delivered, messages);
}
