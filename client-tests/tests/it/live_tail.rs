//! StartLiveTail through the Rust SDK: the event stream, its filters, sampling, the timeout,
//! and a disconnect freeing the session. The harness's client drops the `stream-` host prefix
//! with `cwlogs_emulator::sdk::DropHostPrefix`.

use std::time::Duration;

use aws_sdk_cloudwatchlogs::error::SdkError;
use aws_sdk_cloudwatchlogs::operation::start_live_tail::StartLiveTailOutput;
use aws_sdk_cloudwatchlogs::types::error::StartLiveTailResponseStreamError;
use aws_sdk_cloudwatchlogs::types::{
    LiveTailSessionLogEvent, LiveTailSessionUpdate, StartLiveTailResponseStream,
};
use aws_sdk_cloudwatchlogs::Client;
use cwlogs_emulator::Emulator;

use crate::common::*;

/// The ARN of group `name` in the harness's account and region.
fn arn(name: &str) -> String {
    format!("arn:aws:logs:us-east-1:000000000000:log-group:{name}")
}

async fn start(client: &Client, groups: &[&str]) -> StartLiveTailOutput {
    client
        .start_live_tail()
        .set_log_group_identifiers(Some(groups.iter().map(|g| arn(g)).collect()))
        .send()
        .await
        .expect("start live tail")
}

/// The next event of the stream, failing the test after 5 s.
async fn next(output: &mut StartLiveTailOutput) -> StartLiveTailResponseStream {
    tokio::time::timeout(Duration::from_secs(5), output.response_stream.recv())
        .await
        .expect("an event within 5 s")
        .expect("a well-formed event")
        .expect("the stream goes on")
}

async fn next_update(output: &mut StartLiveTailOutput) -> LiveTailSessionUpdate {
    match next(output).await {
        StartLiveTailResponseStream::SessionUpdate(update) => update,
        other => panic!("expected a sessionUpdate, got {other:?}"),
    }
}

/// The events of the updates that arrive until `want` events were seen (at most 5 updates).
async fn collect(output: &mut StartLiveTailOutput, want: usize) -> Vec<LiveTailSessionLogEvent> {
    let mut events = Vec::new();
    for _ in 0..5 {
        events.extend(next_update(output).await.session_results().iter().cloned());
        if events.len() >= want {
            break;
        }
    }
    events
}

fn messages(events: &[LiveTailSessionLogEvent]) -> Vec<&str> {
    events.iter().map(|e| e.message().unwrap_or("")).collect()
}

#[tokio::test]
async fn a_tail_receives_what_another_task_puts() {
    let h = harness_with(cwlogs_emulator::SequenceTokenMode::Ignore).await;
    group_with_streams(&h.client, "app", &["web"]).await;
    put_events(&h.client, "app", "web", &[(NOW, "before the session")]).await;
    let mut tail = start(&h.client, &["app"]).await;
    match next(&mut tail).await {
        StartLiveTailResponseStream::SessionStart(start) => {
            assert_eq!(start.log_group_identifiers(), [arn("app")]);
            assert!(!start.session_id().unwrap_or("").is_empty());
            assert!(!start.request_id().unwrap_or("").is_empty());
        }
        other => panic!("expected sessionStart, got {other:?}"),
    }
    let client = h.client.clone();
    tokio::spawn(async move {
        put_events(&client, "app", "web", &[(NOW - 5, "one"), (NOW, "two")]).await;
    });
    let events = collect(&mut tail, 2).await;
    assert_eq!(messages(&events), ["one", "two"]);
    assert_eq!(events[0].log_group_identifier(), Some(arn("app").as_str()));
    assert_eq!(events[0].log_stream_name(), Some("web"));
    assert_eq!(events[0].timestamp(), Some(NOW - 5));
    assert_eq!(events[0].ingestion_time(), Some(NOW));
    // Nothing new: the next update is empty and not sampled.
    let update = next_update(&mut tail).await;
    assert!(update.session_results().is_empty());
    assert!(!update.session_metadata().unwrap().sampled());
}

#[tokio::test]
async fn the_filter_pattern_and_stream_filters_apply() {
    let h = harness_with(cwlogs_emulator::SequenceTokenMode::Ignore).await;
    group_with_streams(&h.client, "app", &["web-1", "web-2", "db"]).await;
    let mut tail = h
        .client
        .start_live_tail()
        .log_group_identifiers(arn("app"))
        .log_stream_name_prefixes("web")
        .log_event_filter_pattern("ERROR")
        .send()
        .await
        .unwrap();
    match next(&mut tail).await {
        StartLiveTailResponseStream::SessionStart(start) => {
            assert_eq!(start.log_stream_name_prefixes(), ["web"]);
            assert_eq!(start.log_event_filter_pattern(), Some("ERROR"));
        }
        other => panic!("expected sessionStart, got {other:?}"),
    }
    put_events(&h.client, "app", "db", &[(NOW, "ERROR in db")]).await;
    put_events(&h.client, "app", "web-2", &[(NOW, "INFO fine")]).await;
    put_events(&h.client, "app", "web-1", &[(NOW, "ERROR in web")]).await;
    let events = collect(&mut tail, 1).await;
    assert_eq!(messages(&events), ["ERROR in web"]);

    let mut by_name = h
        .client
        .start_live_tail()
        .log_group_identifiers(arn("app"))
        .log_stream_names("db")
        .send()
        .await
        .unwrap();
    next(&mut by_name).await;
    put_events(&h.client, "app", "web-1", &[(NOW, "web")]).await;
    put_events(&h.client, "app", "db", &[(NOW, "db")]).await;
    assert_eq!(messages(&collect(&mut by_name, 1).await), ["db"]);
}

#[tokio::test]
async fn more_than_500_events_in_a_second_are_sampled_to_500() {
    let h = harness_with(cwlogs_emulator::SequenceTokenMode::Ignore).await;
    group_with_streams(&h.client, "busy", &["s"]).await;
    let mut tail = start(&h.client, &["busy"]).await;
    next(&mut tail).await;
    let texts: Vec<String> = (0..800).map(|i| format!("event {i:04}")).collect();
    let batch: Vec<(i64, &str)> = texts.iter().map(|m| (NOW, m.as_str())).collect();
    put_events(&h.client, "busy", "s", &batch).await;
    let update = loop {
        let update = next_update(&mut tail).await;
        if !update.session_results().is_empty() {
            break update;
        }
    };
    assert!(update.session_metadata().unwrap().sampled());
    assert_eq!(update.session_results().len(), 500);
    let got = messages(update.session_results());
    assert!(got.windows(2).all(|w| w[0] < w[1]), "arrival order kept");
}

#[tokio::test]
async fn a_short_timeout_ends_the_session_with_session_timeout_exception() {
    let (emulator, client) =
        started(Emulator::builder().live_tail_timeout(Duration::from_secs(2))).await;
    group_with_streams(&client, "app", &[]).await;
    let mut tail = start(&client, &["app"]).await;
    let ended = loop {
        match tokio::time::timeout(Duration::from_secs(5), tail.response_stream.recv())
            .await
            .expect("the stream goes on or ends within 5 s")
        {
            Ok(Some(_)) => continue,
            Ok(None) => panic!("the stream ended without SessionTimeoutException"),
            Err(error) => break error,
        }
    };
    let SdkError::ServiceError(error) = &ended else {
        panic!("expected a modeled error, got {ended:?}");
    };
    assert!(
        matches!(
            error.err(),
            StartLiveTailResponseStreamError::SessionTimeoutException(_)
        ),
        "{ended:?}"
    );
    wait_for_sessions(&emulator, 0).await;
}

/// Waits (up to 5 s) until the emulator holds `count` Live Tail sessions.
async fn wait_for_sessions(emulator: &Emulator, count: usize) {
    for _ in 0..50 {
        if emulator.live_tail_sessions() == count {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(emulator.live_tail_sessions(), count);
}

#[tokio::test]
async fn a_disconnect_frees_the_session() {
    let (emulator, client) = started(Emulator::builder()).await;
    group_with_streams(&client, "app", &["s"]).await;
    let mut first = start(&client, &["app"]).await;
    let second = start(&client, &["app"]).await;
    next(&mut first).await;
    assert_eq!(emulator.live_tail_sessions(), 2);
    drop(second);
    wait_for_sessions(&emulator, 1).await;
    drop(first);
    wait_for_sessions(&emulator, 0).await;
    // Puts go on as before.
    put_events(&client, "app", "s", &[(NOW, "after")]).await;
}

#[tokio::test]
async fn requests_are_validated_before_the_stream_starts() {
    let h = harness().await;
    h.group("a").await;
    h.group("b").await;
    let error = |result: Result<StartLiveTailOutput, _>| match result {
        Err(SdkError::ServiceError(e)) => e.into_err(),
        other => panic!("expected an error, got {other:?}"),
    };
    let call = || h.client.start_live_tail();
    assert_aws_error(
        &error(call().log_group_identifiers(arn("missing")).send().await),
        "ResourceNotFoundException",
        "The specified log group does not exist.",
    );
    assert_aws_error(
        &error(
            call()
                .log_group_identifiers(arn("a"))
                .log_group_identifiers(arn("b"))
                .log_stream_names("s")
                .send()
                .await,
        ),
        "InvalidParameterException",
        "logStreamNames and logStreamNamePrefixes can only be used with exactly one log group in logGroupIdentifiers.",
    );
    assert_aws_error(
        &error(
            call()
                .log_group_identifiers(arn("a"))
                .log_stream_names("s")
                .log_stream_name_prefixes("s")
                .send()
                .await,
        ),
        "InvalidParameterException",
        "logStreamNames and logStreamNamePrefixes are mutually exclusive parameters.",
    );
    assert_aws_error(
        &error(
            call()
                .log_group_identifiers(format!("{}:*", arn("a")))
                .send()
                .await,
        ),
        "InvalidParameterException",
        "1 validation error detected: Value at 'logGroupIdentifiers.1.member' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w#+=/:,.@-]*",
    );
    let eleven: Vec<String> = (0..11).map(|i| arn(&format!("g{i}"))).collect();
    assert_aws_error(
        &error(call().set_log_group_identifiers(Some(eleven)).send().await),
        "InvalidParameterException",
        "1 validation error detected: Value '[... 11 items]' at 'logGroupIdentifiers' failed to satisfy constraint: Member must have length less than or equal to 10",
    );
    assert_aws_error(
        &error(
            call()
                .log_group_identifiers(arn("a"))
                .log_event_filter_pattern("{ $.x = ")
                .send()
                .await,
        ),
        "InvalidParameterException",
        "If a filter pattern starts with '{' it must end with '}'",
    );
}
