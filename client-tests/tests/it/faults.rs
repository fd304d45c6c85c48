//! Fault injection and quotas through the real Rust SDK: its standard retry policy retries an
//! injected ThrottlingException, a bare 503 and a dropped connection, and gives up on a quota
//! with the same ThrottlingException AWS sends; a retried PutLogEvents whose first answer was
//! lost is DataAlreadyAccepted with strict tokens (stored once), and stored twice when tokens
//! are ignored, as AWS does.

use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_cloudwatchlogs::config::retry::RetryConfig;
use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata;
use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use aws_sdk_cloudwatchlogs::Client;
use cwlogs_emulator::{
    Emulator, FaultAction, FaultRule, ManualClock, QuotaSource, SequenceTokenMode,
};

use crate::common::{client_for, group_with_streams, NOW};

/// An emulator on a pinned clock, and a client that retries with the standard policy (short
/// backoffs: the classification is under test, not the waiting).
async fn start(
    builder: cwlogs_emulator::EmulatorBuilder,
    max_attempts: u32,
) -> (Emulator, ManualClock, Client) {
    let clock = ManualClock::new(NOW);
    let emulator = builder
        .clock(Arc::new(clock.clone()))
        .start()
        .await
        .expect("emulator starts");
    let retry = RetryConfig::standard()
        .with_max_attempts(max_attempts)
        .with_initial_backoff(Duration::from_millis(10));
    let config = client_for(&emulator, "us-east-1")
        .config()
        .to_builder()
        .retry_config(retry)
        .build();
    (emulator, clock, Client::from_conf(config))
}

fn event(message: &str) -> InputLogEvent {
    InputLogEvent::builder()
        .timestamp(NOW)
        .message(message)
        .build()
        .unwrap()
}

async fn messages(client: &Client, group: &str, stream: &str) -> Vec<String> {
    client
        .get_log_events()
        .log_group_name(group)
        .log_stream_name(stream)
        .start_from_head(true)
        .send()
        .await
        .expect("get events")
        .events()
        .iter()
        .filter_map(|e| e.message().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn the_sdk_retries_an_injected_throttle_then_succeeds() {
    let (emulator, _clock, client) = start(Emulator::builder(), 3).await;
    let id = emulator
        .add_fault(FaultRule::error("CreateLogGroup", "ThrottlingException").first(2))
        .unwrap();
    client
        .create_log_group()
        .log_group_name("retried")
        .send()
        .await
        .expect("the third attempt succeeds");
    let status = &emulator.faults()[0];
    assert_eq!((status.id, status.matched, status.hits), (id, 3, 2));
    assert!(emulator.store().log_group("us-east-1", "retried").is_some());
}

#[tokio::test]
async fn an_injected_error_is_what_aws_sends() {
    let (emulator, _clock, client) = start(Emulator::builder(), 1).await;
    group_with_streams(&client, "app", &["s"]).await;
    emulator
        .add_fault(FaultRule::error("DescribeLogStreams", "ThrottlingException").log_group("app"))
        .unwrap();
    let error = client
        .describe_log_streams()
        .log_group_name("app")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("ThrottlingException"));
    assert_eq!(error.message(), Some("Rate exceeded"));
    assert_eq!(error.raw_response().unwrap().status().as_u16(), 400);
    // Another group, and another operation, are not matched.
    group_with_streams(&client, "other", &[]).await;
    client
        .describe_log_streams()
        .log_group_name("other")
        .send()
        .await
        .expect("not matched");
    emulator
        .add_fault(FaultRule::error(
            "GetLogEvents",
            "ServiceUnavailableException",
        ))
        .unwrap();
    let error = client
        .get_log_events()
        .log_group_name("app")
        .log_stream_name("s")
        .send()
        .await
        .unwrap_err();
    assert!(error
        .as_service_error()
        .is_some_and(|e| e.is_service_unavailable_exception()));
    // A reset clears the rules.
    emulator.reset();
    assert!(emulator.faults().is_empty());
    group_with_streams(&client, "app", &["s"]).await;
    client
        .describe_log_streams()
        .log_group_name("app")
        .send()
        .await
        .expect("no rules after a reset");
}

#[tokio::test]
async fn a_bare_503_and_added_latency_are_retried_and_waited_out() {
    let (emulator, _clock, client) = start(Emulator::builder(), 3).await;
    emulator
        .add_fault(
            FaultRule::new("DescribeLogGroups", FaultAction::Status { status: 503 }).first(1),
        )
        .unwrap();
    emulator
        .add_fault(FaultRule::new(
            "DescribeLogGroups",
            FaultAction::Latency { millis: 300 },
        ))
        .unwrap();
    let started = Instant::now();
    client
        .describe_log_groups()
        .send()
        .await
        .expect("the retry succeeds");
    assert!(started.elapsed() >= Duration::from_millis(300));
    let faults = emulator.faults();
    assert_eq!((faults[0].matched, faults[0].hits), (2, 1));
    // The latency rule sees only the request the 503 rule let through.
    assert_eq!((faults[1].matched, faults[1].hits), (1, 1));
}

/// The first PutLogEvents is carried out, then its connection dropped; the SDK retries the
/// same request. `mode` decides what the retry does.
async fn put_with_a_lost_answer(mode: SequenceTokenMode) -> (Emulator, Client) {
    let (emulator, _clock, client) = start(Emulator::builder().sequence_tokens(mode), 3).await;
    group_with_streams(&client, "g", &["s"]).await;
    emulator
        .add_fault(
            FaultRule::new("PutLogEvents", FaultAction::Drop { process: true })
                .log_group("g")
                .first(1),
        )
        .unwrap();
    (emulator, client)
}

#[tokio::test]
async fn a_dropped_put_retried_with_strict_tokens_is_stored_once() {
    let (emulator, client) = put_with_a_lost_answer(SequenceTokenMode::Strict).await;
    let error = client
        .put_log_events()
        .log_group_name("g")
        .log_stream_name("s")
        .log_events(event("once"))
        .send()
        .await
        .unwrap_err();
    // What the client sees: its retry is the resend of the batch the stream accepted last.
    let error = error.into_service_error();
    assert!(error.is_data_already_accepted_exception(), "{error:?}");
    assert_eq!(emulator.faults()[0].hits, 1);
    assert_eq!(messages(&client, "g", "s").await, ["once"]);
}

#[tokio::test]
async fn a_dropped_put_retried_with_tokens_ignored_is_stored_twice_as_on_aws() {
    let (emulator, client) = put_with_a_lost_answer(SequenceTokenMode::Ignore).await;
    client
        .put_log_events()
        .log_group_name("g")
        .log_stream_name("s")
        .log_events(event("twice"))
        .send()
        .await
        .expect("the retry is accepted");
    assert_eq!(emulator.faults()[0].hits, 1);
    assert_eq!(messages(&client, "g", "s").await, ["twice", "twice"]);
}

#[tokio::test]
async fn over_an_aws_quota_the_sdk_gets_throttling_until_the_bucket_refills() {
    let (_emulator, clock, client) = start(Emulator::builder().quotas(QuotaSource::Aws), 1).await;
    group_with_streams(&client, "q", &[]).await;
    let filter = || client.filter_log_events().log_group_name("q").send();
    for _ in 0..5 {
        filter()
            .await
            .expect("within FilterLogEvents' 5 per second");
    }
    let error = filter().await.unwrap_err();
    assert_eq!(error.code(), Some("ThrottlingException"));
    assert_eq!(error.message(), Some("Rate exceeded"));
    assert_eq!(error.raw_response().unwrap().status().as_u16(), 400);
    clock.advance(1_000);
    filter().await.expect("refilled after a second");
}

#[tokio::test]
async fn a_connection_dropped_unprocessed_is_retried_and_done_once() {
    let (emulator, _clock, client) = start(Emulator::builder(), 3).await;
    emulator
        .add_fault(FaultRule::new("CreateLogGroup", FaultAction::Drop { process: false }).first(1))
        .unwrap();
    client
        .create_log_group()
        .log_group_name("once")
        .send()
        .await
        .expect("the retry creates it: the dropped attempt did nothing");
    assert_eq!(emulator.faults()[0].hits, 1);
    emulator.clear_faults();
    assert!(emulator.faults().is_empty());
}
