//! The test DSL: start an emulator with a pinned clock, get an SDK client, assert AWS errors.

use std::fmt::Debug;
use std::sync::Arc;

use aws_sdk_cloudwatchlogs::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cloudwatchlogs::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use aws_sdk_cloudwatchlogs::Client;
use cwlogs_emulator::{Emulator, ManualClock, SequenceTokenMode};

/// "Now" for every test: 2026-01-01T00:00:00Z.
pub const NOW: i64 = 1_767_225_600_000;
/// One minute, one hour, one day in milliseconds.
pub const MINUTE: i64 = 60_000;
pub const HOUR: i64 = 60 * MINUTE;
pub const DAY: i64 = 24 * HOUR;

/// A running emulator, its pinned clock and an SDK client pointed at it (region us-east-1).
/// Tests reach the emulator only through `client`, as a user's code would; the harness holds
/// the emulator so that it serves until the test ends.
pub struct Harness {
    _emulator: Emulator,
    pub clock: ManualClock,
    pub client: Client,
}

/// A fresh emulator in strict sequence-token mode.
pub async fn harness() -> Harness {
    harness_with(SequenceTokenMode::Strict).await
}

/// A fresh emulator with the given sequence-token mode.
pub async fn harness_with(mode: SequenceTokenMode) -> Harness {
    let clock = ManualClock::new(NOW);
    let emulator = Emulator::builder()
        .clock(Arc::new(clock.clone()))
        .sequence_tokens(mode)
        .start()
        .await
        .expect("emulator starts");
    let client = client_for(&emulator, "us-east-1");
    Harness {
        _emulator: emulator,
        clock,
        client,
    }
}

/// An emulator from `builder` with the pinned clock and tokens ignored, and an SDK client for
/// it; for tests that also read the handle (deliveries, metrics).
pub async fn started(builder: cwlogs_emulator::EmulatorBuilder) -> (Emulator, Client) {
    let emulator = builder
        .clock(Arc::new(ManualClock::new(NOW)))
        .sequence_tokens(SequenceTokenMode::Ignore)
        .start()
        .await
        .expect("emulator starts");
    let client = client_for(&emulator, "us-east-1");
    (emulator, client)
}

/// Creates `group` with `streams`.
pub async fn group_with_streams(client: &Client, group: &str, streams: &[&str]) {
    client
        .create_log_group()
        .log_group_name(group)
        .send()
        .await
        .expect("create group");
    for stream in streams {
        client
            .create_log_stream()
            .log_group_name(group)
            .log_stream_name(*stream)
            .send()
            .await
            .expect("create stream");
    }
}

/// Puts `events` (timestamp, message) in one PutLogEvents call; all must be accepted.
pub async fn put_events(client: &Client, group: &str, stream: &str, events: &[(i64, &str)]) {
    let events = events
        .iter()
        .map(|(t, m)| {
            InputLogEvent::builder()
                .timestamp(*t)
                .message(*m)
                .build()
                .unwrap()
        })
        .collect();
    let out = client
        .put_log_events()
        .log_group_name(group)
        .log_stream_name(stream)
        .set_log_events(Some(events))
        .send()
        .await
        .expect("put events");
    assert!(out.rejected_log_events_info().is_none());
}

/// An SDK client for `emulator` signing for `region`. It drops the host prefix of the
/// streaming operations (`stream-127.0.0.1` would not resolve), as the README tells users to.
pub fn client_for(emulator: &Emulator, region: &str) -> Client {
    let config = aws_sdk_cloudwatchlogs::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(emulator.endpoint_url())
        .region(Region::new(region.to_owned()))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .interceptor(cwlogs_emulator::sdk::DropHostPrefix)
        .build();
    Client::from_conf(config)
}

impl Harness {
    /// Creates a group.
    pub async fn group(&self, group: &str) {
        self.client
            .create_log_group()
            .log_group_name(group)
            .send()
            .await
            .expect("create group");
    }

    /// Creates a stream in an existing group.
    pub async fn stream(&self, group: &str, stream: &str) {
        self.client
            .create_log_stream()
            .log_group_name(group)
            .log_stream_name(stream)
            .send()
            .await
            .expect("create stream");
    }

    /// Sets the group's retention policy (PutRetentionPolicy).
    pub async fn retention(&self, group: &str, days: i32) {
        self.client
            .put_retention_policy()
            .log_group_name(group)
            .retention_in_days(days)
            .send()
            .await
            .expect("put retention policy");
    }

    /// Creates a group and a stream in it.
    pub async fn group_and_stream(&self, group: &str, stream: &str) {
        self.group(group).await;
        self.stream(group, stream).await;
    }

    /// Puts `events` in as few batches as AWS's limits allow (10,000 events, 1 MiB), chaining
    /// sequence tokens from the stream's current one, so it works in both modes.
    pub async fn put_all(&self, group: &str, stream: &str, events: &[(i64, String)]) {
        let mut token = self.upload_sequence_token(group, stream).await;
        for batch in batches(events) {
            let out = self
                .client
                .put_log_events()
                .log_group_name(group)
                .log_stream_name(stream)
                .set_log_events(Some(input_events(batch)))
                .set_sequence_token(token.clone())
                .send()
                .await
                .expect("put batch");
            token = out.next_sequence_token().map(str::to_owned);
        }
    }

    /// The stream's `uploadSequenceToken`, from DescribeLogStreams.
    pub async fn upload_sequence_token(&self, group: &str, stream: &str) -> Option<String> {
        let out = self
            .client
            .describe_log_streams()
            .log_group_name(group)
            .log_stream_name_prefix(stream)
            .send()
            .await
            .expect("describe streams");
        out.log_streams()
            .iter()
            .find(|s| s.log_stream_name() == Some(stream))
            .and_then(|s| s.upload_sequence_token())
            .map(str::to_owned)
    }

    /// Every message of the stream, paging from the head until the forward token repeats.
    pub async fn read_all(&self, group: &str, stream: &str) -> Vec<String> {
        let mut messages = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .client
                .get_log_events()
                .log_group_name(group)
                .log_stream_name(stream)
                .start_from_head(true)
                .set_next_token(token.clone())
                .send()
                .await
                .expect("get events");
            messages.extend(
                out.events()
                    .iter()
                    .map(|e| e.message().unwrap_or_default().to_owned()),
            );
            let next = out.next_forward_token().map(str::to_owned);
            if next == token {
                return messages;
            }
            token = next;
        }
    }
}

/// Splits events into batches within AWS's PutLogEvents limits.
pub fn batches(events: &[(i64, String)]) -> Vec<&[(i64, String)]> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, (_, message)) in events.iter().enumerate() {
        let size = message.len() + 26;
        if i > start && (i - start == 10_000 || bytes + size > 1_048_576) {
            out.push(&events[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += size;
    }
    if start < events.len() {
        out.push(&events[start..]);
    }
    out
}

/// SDK input events from (timestamp, message) pairs.
pub fn input_events(events: &[(i64, String)]) -> Vec<InputLogEvent> {
    events
        .iter()
        .map(|(timestamp, message)| {
            InputLogEvent::builder()
                .timestamp(*timestamp)
                .message(message)
                .build()
                .expect("timestamp and message are set")
        })
        .collect()
}

/// `count` events one millisecond apart ending a minute before NOW, with numbered messages.
pub fn numbered_events(count: usize) -> Vec<(i64, String)> {
    let start = NOW - MINUTE - count as i64;
    (0..count)
        .map(|i| (start + i as i64, format!("line {i:05}")))
        .collect()
}

/// The service error of a failed call; panics if the call succeeded or failed before reaching
/// the service.
#[track_caller]
pub fn service_error<T: Debug, E: Debug, R: Debug>(result: Result<T, SdkError<E, R>>) -> E {
    match result {
        Ok(value) => panic!("expected an error, got {value:?}"),
        Err(SdkError::ServiceError(error)) => error.into_err(),
        Err(other) => panic!("expected a service error, got {other:?}"),
    }
}

/// Asserts the wire code and exact message of an error.
#[track_caller]
pub fn assert_aws_error<E: ProvideErrorMetadata + Debug>(error: &E, code: &str, message: &str) {
    assert_eq!(error.code(), Some(code), "code of {error:?}");
    assert_eq!(error.message(), Some(message), "message of {error:?}");
}

/// InvalidSequenceTokenException's message when the stream expects `expected` (`null` on a stream
/// that has none yet).
pub fn invalid_token_message(expected: &str) -> String {
    format!("The given sequenceToken is invalid. The next expected sequenceToken is: {expected}")
}

/// DataAlreadyAcceptedException's message when the stream expects `expected` next.
pub fn already_accepted_message(expected: &str) -> String {
    format!(
        "The given batch of log events has already been accepted. The next batch can be sent \
         with sequenceToken: {expected}"
    )
}

/// Whether `token` has the shape AWS gives GetLogEvents tokens: `f/` or `b/`, 56 digits, `/s`.
pub fn is_aws_page_token(token: &str, prefix: char) -> bool {
    let bytes = token.as_bytes();
    token.len() == 60
        && bytes[0] == prefix as u8
        && &token[1..2] == "/"
        && token[2..58].bytes().all(|b| b.is_ascii_digit())
        && token.ends_with("/s")
}

/// One request a [`Recorder`] received.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// `GET`, `HEAD`, `PUT`, `POST`.
    pub method: String,
    /// The path and query, as sent.
    pub path: String,
    /// Header names in lower case.
    pub headers: std::collections::HashMap<String, String>,
    /// The body.
    pub body: Vec<u8>,
}

/// A small HTTP/1.1 server on 127.0.0.1 standing in for another AWS service (S3, Firehose,
/// X-Ray) in a test: it records every request and answers `200` with the body `answer`
/// gives for it (`None`: `404`).
pub struct Recorder {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    calls: std::sync::Arc<std::sync::Mutex<Vec<Recorded>>>,
}

impl Recorder {
    /// Starts the server on a thread of its own (it lives as long as the test process).
    pub fn start(answer: impl Fn(&Recorded) -> Option<String> + Send + Sync + 'static) -> Self {
        use std::io::{BufRead, BufReader, Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let calls = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let answer = std::sync::Arc::new(answer);
        let recorded = std::sync::Arc::clone(&calls);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let (calls, answer) = (std::sync::Arc::clone(&recorded), answer.clone());
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut writer = stream;
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        let mut parts = line.split_whitespace();
                        let (method, path) = (
                            parts.next().unwrap_or_default().to_owned(),
                            parts.next().unwrap_or_default().to_owned(),
                        );
                        let mut headers = std::collections::HashMap::new();
                        loop {
                            let mut header = String::new();
                            reader.read_line(&mut header).unwrap();
                            let header = header.trim_end();
                            if header.is_empty() {
                                break;
                            }
                            if let Some((name, value)) = header.split_once(':') {
                                headers.insert(name.to_lowercase(), value.trim().to_owned());
                            }
                        }
                        let length = headers
                            .get("content-length")
                            .and_then(|l| l.parse().ok())
                            .unwrap_or(0);
                        let mut body = vec![0; length];
                        reader.read_exact(&mut body).unwrap();
                        let call = Recorded {
                            method,
                            path,
                            headers,
                            body,
                        };
                        let reply = answer(&call);
                        calls.lock().unwrap().push(call);
                        let (status, body) = match reply {
                            Some(body) => ("200 OK", body),
                            None => ("404 Not Found", String::new()),
                        };
                        let head = format!(
                            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\n\
                             Content-Length: {}\r\n\r\n",
                            body.len()
                        );
                        if writer.write_all(head.as_bytes()).is_err()
                            || writer.write_all(body.as_bytes()).is_err()
                        {
                            return;
                        }
                    }
                });
            }
        });
        Self { url, calls }
    }

    /// Every request so far, in arrival order.
    pub fn calls(&self) -> Vec<Recorded> {
        self.calls.lock().unwrap().clone()
    }
}

/// Gunzips `data` into text.
pub fn gunzip(data: &[u8]) -> String {
    use std::io::Read;
    let mut text = String::new();
    flate2::read::GzDecoder::new(data)
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The runs GetScheduledQueryHistory records for `name` up to `until` (epoch ms), once there
/// are at least `runs` of them: the scheduler is a background pass, so this polls.
pub async fn scheduled_runs(
    client: &Client,
    name: &str,
    runs: usize,
    until: i64,
) -> Vec<aws_sdk_cloudwatchlogs::types::TriggerHistoryRecord> {
    for _ in 0..500 {
        let out = client
            .get_scheduled_query_history()
            .identifier(name)
            .start_time(0)
            .end_time(until)
            .send()
            .await
            .unwrap();
        if out.trigger_history().len() >= runs {
            return out.trigger_history().to_vec();
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("{name} did not run {runs} times");
}
