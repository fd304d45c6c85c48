//! `make bench`: the load generator of issue 7.
//!
//! It starts the emulator in-process (a fresh one per section) or targets a running server
//! (`--url`), drives it with 100-byte messages through a raw HTTP/1 client posting pre-built
//! JSON bodies over keep-alive connections (the server's limit), and through the real
//! `aws-sdk-cloudwatchlogs` (what users see), then prints a table and one JSON line.
//!
//! `--compare-moto PATH` also starts `PATH -H 127.0.0.1 -p PORT` (moto_server), runs the same
//! workload, scaled down (`--moto-scale`, default 10), against both servers and prints the
//! ratios. `--quick` is a smoke run that finishes in seconds: CI runs it to catch a broken
//! bench, never to judge timings. Nothing here asserts a timing; correctness checks (nothing
//! lost, duplicated or reordered) do fail the run.
//!
//! All traffic goes to 127.0.0.1, and every loop is bounded.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_sdk_cloudwatchlogs as sdk;
use bytes::Bytes;
use cwlogs_emulator::limits::{EVENT_OVERHEAD_BYTES as EVENT_OVERHEAD, MAX_BATCH_BYTES};
use cwlogs_emulator::{Emulator, SequenceTokenMode};
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, SizeHint};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde::Deserialize;
use tokio::io::AsyncBufReadExt;

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Res<T> = Result<T, BoxError>;

/// Every message is this long (ASCII, so bytes = characters).
const MESSAGE_BYTES: usize = 100;
/// The largest legal batch of 100-byte messages: 8,322 events. The issue asks for 10,000-event
/// batches, but 10,000 × 126 bytes is 1.26 MB, which AWS (and the emulator) refuse.
const BATCH: usize = MAX_BATCH_BYTES / (MESSAGE_BYTES + EVENT_OVERHEAD);
/// Events per millisecond of event time: event `g` is stamped `base + g / 100`.
const EVENTS_PER_MS: usize = 100;
/// One request may take this long before the run gives up (moto re-sorts big streams).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(300);
/// A SigV4-shaped Authorization header: moto routes on its credential scope; the emulator
/// reads the region from it. Neither checks the signature.
const FAKE_AUTH: &str = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/logs/aws4_request, \
SignedHeaders=content-type;host;x-amz-date;x-amz-target, \
Signature=0000000000000000000000000000000000000000000000000000000000000000";
/// Filler for messages: lower case only, so the term `ERROR` matches the level field alone.
const FILLER: &str = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod \
tempor incididunt ut labore et dolore magna aliqua";

// ------------------------------------------------------------------------------------------
// Command line
// ------------------------------------------------------------------------------------------

const SECTIONS: [&str; 7] = ["put", "flat", "filter", "streams", "memory", "sdk", "cold"];

#[derive(Debug, Clone)]
struct Args {
    quick: bool,
    url: Option<String>,
    compare_moto: Option<PathBuf>,
    moto_scale: usize,
    only: Vec<String>,
    memory_probe: Option<usize>,
}

const USAGE: &str = "usage: loadgen [--quick] [--url URL] [--compare-moto PATH_TO_MOTO_SERVER] \
[--moto-scale N] [--only put,flat,filter,streams,memory,sdk,cold]";

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        quick: false,
        url: None,
        compare_moto: None,
        moto_scale: 10,
        only: Vec::new(),
        memory_probe: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            // cargo bench passes --bench to harness = false targets.
            "--bench" => {}
            "--quick" => args.quick = true,
            "--url" => args.url = Some(value("--url")?.trim_end_matches('/').to_owned()),
            "--compare-moto" => args.compare_moto = Some(PathBuf::from(value("--compare-moto")?)),
            "--moto-scale" => {
                args.moto_scale = value("--moto-scale")?
                    .parse()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or("--moto-scale takes a whole number >= 1")?;
            }
            "--only" => {
                args.only = value("--only")?.split(',').map(str::to_owned).collect();
                if let Some(bad) = args.only.iter().find(|s| !SECTIONS.contains(&s.as_str())) {
                    return Err(format!("unknown section {bad:?}\n{USAGE}"));
                }
            }
            "--memory-probe" => {
                args.memory_probe = Some(
                    value("--memory-probe")?
                        .parse()
                        .map_err(|_| "--memory-probe takes a count")?,
                );
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    if let Some(url) = &args.url {
        let local = ["http://127.0.0.1", "http://localhost", "http://[::1]"];
        if !local.iter().any(|p| url.starts_with(p)) {
            return Err("--url must point at this machine (http://127.0.0.1:PORT)".into());
        }
    }
    Ok(args)
}

/// The workload's sizes.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    /// Events per PutLogEvents run (sequential, and in total across the writers).
    put: usize,
    writers: usize,
    /// The big and the small stream of the page-latency comparison.
    big: usize,
    small: usize,
    /// Writers that seed the big stream.
    seeders: usize,
    /// Rounds of (head, middle, tail, token) page reads per stream.
    page_reps: usize,
    /// `limit` of those reads: a full page on both streams.
    page_limit: usize,
    memory: usize,
    streams_many: usize,
    streams_few: usize,
    describe_reps: usize,
    sdk: usize,
    filter: usize,
    cold_reps: usize,
    in_process_reps: usize,
}

impl Sizes {
    fn full() -> Self {
        Self {
            put: 1_000_000,
            writers: 8,
            big: 10_000_000,
            small: 10_000,
            seeders: 4,
            page_reps: 25,
            page_limit: 5_000,
            memory: 2_000_000,
            streams_many: 10_000,
            streams_few: 1_000,
            describe_reps: 5,
            sdk: 1_000_000,
            filter: 1_000_000,
            cold_reps: 5,
            in_process_reps: 20,
        }
    }

    fn quick() -> Self {
        Self {
            put: 50_000,
            big: 100_000,
            page_reps: 5,
            memory: 200_000,
            streams_many: 2_000,
            describe_reps: 3,
            sdk: 50_000,
            filter: 50_000,
            cold_reps: 2,
            in_process_reps: 5,
            ..Self::full()
        }
    }

    /// The event counts divided by `scale` (for moto), never below the small stream.
    fn scaled(self, scale: usize) -> Self {
        let down = |n: usize| (n / scale).max(self.small);
        Self {
            put: down(self.put),
            big: down(self.big),
            memory: down(self.memory),
            sdk: down(self.sdk),
            filter: down(self.filter),
            page_reps: self.page_reps.min(3),
            describe_reps: self.describe_reps.min(3),
            ..self
        }
    }

    fn describe(&self) -> String {
        format!(
            "put {} events ({} writers), pages over {}, big/small stream {}/{}, memory {}, \
             streams {}/{}, sdk {}, filter {}",
            thousands(self.put),
            self.writers,
            thousands(self.put),
            thousands(self.big),
            thousands(self.small),
            thousands(self.memory),
            thousands(self.streams_many),
            thousands(self.streams_few),
            thousands(self.sdk),
            thousands(self.filter),
        )
    }
}

// ------------------------------------------------------------------------------------------
// Raw HTTP client
// ------------------------------------------------------------------------------------------

/// A request body made of shared chunks (a per-request head and a pre-built event list), sent
/// without copying. Its exact size hint gives hyper the Content-Length.
struct Parts {
    chunks: VecDeque<Bytes>,
    len: u64,
}

impl Parts {
    fn new(chunks: impl IntoIterator<Item = Bytes>) -> Self {
        let chunks: VecDeque<Bytes> = chunks.into_iter().filter(|c| !c.is_empty()).collect();
        let len = chunks.iter().map(|c| c.len() as u64).sum();
        Self { chunks, len }
    }
}

impl From<String> for Parts {
    fn from(body: String) -> Self {
        Self::new([Bytes::from(body)])
    }
}

impl Body for Parts {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        Poll::Ready(this.chunks.pop_front().map(|chunk| {
            this.len -= chunk.len() as u64;
            Ok(Frame::data(chunk))
        }))
    }

    fn is_end_stream(&self) -> bool {
        self.chunks.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.len)
    }
}

/// A keep-alive HTTP/1 client for one server.
#[derive(Clone)]
struct Http {
    client: Client<HttpConnector, Parts>,
    base: String,
    root: hyper::Uri,
}

impl Http {
    fn new(base: &str) -> Res<Self> {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(64)
            .build(connector);
        Ok(Self {
            client,
            base: base.to_owned(),
            root: format!("{base}/").parse()?,
        })
    }

    async fn send(&self, request: hyper::Request<Parts>) -> Res<(hyper::StatusCode, Bytes)> {
        let exchange = async {
            let response = self.client.request(request).await?;
            let status = response.status();
            let body = response.into_body().collect().await?.to_bytes();
            Ok::<_, BoxError>((status, body))
        };
        tokio::time::timeout(REQUEST_TIMEOUT, exchange)
            .await
            .map_err(|_| format!("no answer within {REQUEST_TIMEOUT:?}"))?
    }

    /// One CloudWatch Logs call; any status.
    async fn call(&self, op: &str, body: Parts) -> Res<(hyper::StatusCode, Bytes)> {
        let request = hyper::Request::post(self.root.clone())
            .header("x-amz-target", format!("Logs_20140328.{op}"))
            .header("content-type", "application/x-amz-json-1.1")
            .header("authorization", FAKE_AUTH)
            .body(body)?;
        self.send(request).await
    }

    /// One CloudWatch Logs call that must succeed.
    async fn ok(&self, op: &str, body: impl Into<Parts>) -> Res<Bytes> {
        let (status, bytes) = self.call(op, body.into()).await?;
        if !status.is_success() {
            return Err(format!("{op}: HTTP {status}: {}", snippet(&bytes)).into());
        }
        Ok(bytes)
    }

    /// Wipes the server's state (the emulator answers moto's reset path too).
    async fn reset(&self) -> Res<()> {
        let request =
            hyper::Request::post(format!("{}/moto-api/reset", self.base)).body(Parts::new([]))?;
        let (status, bytes) = self.send(request).await?;
        if !status.is_success() {
            return Err(format!("reset: HTTP {status}: {}", snippet(&bytes)).into());
        }
        Ok(())
    }

    async fn create_group(&self, group: &str) -> Res<()> {
        self.ok("CreateLogGroup", format!(r#"{{"logGroupName":"{group}"}}"#))
            .await?;
        Ok(())
    }

    async fn create_stream(&self, group: &str, stream: &str) -> Res<()> {
        let body = format!(r#"{{"logGroupName":"{group}","logStreamName":"{stream}"}}"#);
        self.ok("CreateLogStream", body).await?;
        Ok(())
    }
}

fn snippet(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.chars().take(300).collect()
}

// ------------------------------------------------------------------------------------------
// Events and bodies
// ------------------------------------------------------------------------------------------

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// An hour ago: every workload's events fit in the 14-day window and a 24-hour batch span.
fn base_time() -> i64 {
    now_ms() - 3_600_000
}

fn ts_of(base: i64, g: usize) -> i64 {
    base + (g / EVENTS_PER_MS) as i64
}

fn level_of(g: usize) -> &'static str {
    if g.is_multiple_of(100) {
        "ERROR"
    } else {
        "INFO "
    }
}

/// Event `g` of writer `w`: `LEVEL w=07 i=0000000123 lorem ipsum…`, exactly 100 bytes. One
/// event in 100 is an ERROR.
fn push_text_message(out: &mut String, g: usize, w: usize) {
    let start = out.len();
    let _ = write!(out, "{} w={:02} i={:010} ", level_of(g), w % 100, g);
    let used = out.len() - start;
    out.push_str(&FILLER[..MESSAGE_BYTES - used]);
}

/// Event `g` as a 100-byte JSON document, for the JSON filter pattern.
fn json_message(g: usize) -> String {
    let mut out = format!(r#"{{"level":"{}","i":{g},"pad":""#, level_of(g).trim_end());
    let pad = MESSAGE_BYTES - out.len() - 2;
    out.push_str(&FILLER[..pad]);
    out.push_str("\"}");
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Json,
}

/// `"logEvents":[…]}`: the tail of a PutLogEvents body for events `first..first + count`.
fn events_tail(
    first: usize,
    count: usize,
    base: i64,
    w_of: &dyn Fn(usize) -> usize,
    kind: Kind,
) -> Bytes {
    let mut out = String::with_capacity(count * (MESSAGE_BYTES + 60) + 16);
    out.push_str(r#""logEvents":["#);
    for g in first..first + count {
        if g > first {
            out.push(',');
        }
        let _ = write!(out, r#"{{"timestamp":{},"message":""#, ts_of(base, g));
        match kind {
            Kind::Text => push_text_message(&mut out, g, w_of(g)),
            Kind::Json => out.push_str(&json_message(g).replace('"', "\\\"")),
        }
        out.push_str("\"}");
    }
    out.push_str("]}");
    Bytes::from(out)
}

/// `{"logGroupName":…,"logStreamName":…,["sequenceToken":…,]`: the head of a put body.
fn put_head(group: &str, stream: &str, token: Option<&str>) -> Bytes {
    let mut out = format!(r#"{{"logGroupName":"{group}","logStreamName":"{stream}","#);
    if let Some(token) = token {
        let quoted = serde_json::to_string(token).unwrap_or_default();
        let _ = write!(out, r#""sequenceToken":{quoted},"#);
    }
    Bytes::from(out)
}

/// A pre-built batch: its body tail and event count.
struct Batch {
    tail: Bytes,
    events: usize,
}

/// Batches of at most [`BATCH`] events covering `0..n` (event numbers `offset + ..`).
fn build_batches(n: usize, offset: usize, base: i64, w_of: &dyn Fn(usize) -> usize) -> Vec<Batch> {
    (0..n)
        .step_by(BATCH)
        .map(|start| {
            let events = BATCH.min(n - start);
            Batch {
                tail: events_tail(offset + start, events, base, w_of, Kind::Text),
                events,
            }
        })
        .collect()
}

#[derive(Deserialize)]
struct PutOut {
    #[serde(rename = "nextSequenceToken")]
    next_sequence_token: Option<String>,
    #[serde(rename = "rejectedLogEventsInfo")]
    rejected: Option<serde_json::Value>,
}

/// How a writer treats sequence tokens.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tokens {
    /// Each put carries the token the previous one returned (works in both modes).
    Chained,
    /// No token at all (the `ignore` mode, AWS since 2023).
    None,
}

/// Puts `batches` in order into one stream; returns each put's latency.
async fn put_batches(
    http: &Http,
    group: &str,
    stream: &str,
    batches: &[Batch],
    tokens: Tokens,
) -> Res<Vec<Duration>> {
    let mut token: Option<String> = None;
    let mut latencies = Vec::with_capacity(batches.len());
    let plain_head = put_head(group, stream, None);
    for batch in batches {
        let head = match (&token, tokens) {
            (Some(t), Tokens::Chained) => put_head(group, stream, Some(t)),
            _ => plain_head.clone(),
        };
        let started = Instant::now();
        let out = http
            .ok("PutLogEvents", Parts::new([head, batch.tail.clone()]))
            .await?;
        latencies.push(started.elapsed());
        token = check_put(&out, batch.events)?;
    }
    Ok(latencies)
}

/// Checks a put's answer (nothing rejected) and returns its next sequence token.
fn check_put(out: &[u8], events: usize) -> Res<Option<String>> {
    let out: PutOut = serde_json::from_slice(out)?;
    if let Some(rejected) = out.rejected {
        return Err(format!("{events}-event batch partly rejected: {rejected}").into());
    }
    Ok(out.next_sequence_token)
}

// ------------------------------------------------------------------------------------------
// Reading pages back, and checking them
// ------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct GetPage<'a> {
    #[serde(borrow, default)]
    events: Vec<OutEvent<'a>>,
    #[serde(rename = "nextForwardToken")]
    next_forward_token: Option<String>,
    #[serde(rename = "nextBackwardToken")]
    next_backward_token: Option<String>,
}

#[derive(Deserialize)]
struct OutEvent<'a> {
    timestamp: i64,
    #[serde(borrow)]
    message: Cow<'a, str>,
}

/// Checks one returned event against what was sent: message byte for byte, timestamp.
struct EventCheck<'a> {
    base: i64,
    n: usize,
    w_of: &'a (dyn Fn(usize) -> usize + Sync),
    scratch: String,
}

impl EventCheck<'_> {
    fn event(&mut self, timestamp: i64, message: &str) -> Result<usize, String> {
        let g: usize = message
            .get(13..23)
            .and_then(|d| d.parse().ok())
            .ok_or_else(|| format!("unexpected message {message:?}"))?;
        if g >= self.n {
            return Err(format!("event {g} was never sent (stream has {})", self.n));
        }
        self.scratch.clear();
        push_text_message(&mut self.scratch, g, (self.w_of)(g));
        if self.scratch != message {
            return Err(format!("event {g} came back altered: {message:?}"));
        }
        if timestamp != ts_of(self.base, g) {
            return Err(format!(
                "event {g} has timestamp {timestamp}, sent {}",
                ts_of(self.base, g)
            ));
        }
        Ok(g)
    }
}

/// What order a stream's events must come back in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Order {
    /// Exactly the order they were sent (one writer, timestamps never decrease).
    Sent,
    /// By timestamp (several writers: ties are broken by arrival, which the bench can't know).
    Time,
}

/// Exactly-once and order bookkeeping over a whole stream.
struct Tally {
    order: Order,
    seen: Vec<bool>,
    count: usize,
    last_ts: i64,
}

impl Tally {
    fn new(n: usize, order: Order) -> Self {
        Self {
            order,
            seen: vec![false; n],
            count: 0,
            last_ts: i64::MIN,
        }
    }

    fn push(&mut self, timestamp: i64, g: usize) -> Result<(), String> {
        if std::mem::replace(&mut self.seen[g], true) {
            return Err(format!("event {g} delivered twice"));
        }
        if self.order == Order::Sent && g != self.count {
            return Err(format!("event {g} delivered at position {}", self.count));
        }
        if timestamp < self.last_ts {
            return Err(format!("event {g} delivered after a newer event"));
        }
        self.last_ts = timestamp;
        self.count += 1;
        Ok(())
    }

    fn finish(&self) -> Result<(), String> {
        if self.count != self.seen.len() {
            let missing = self.seen.iter().position(|s| !s).unwrap_or(0);
            return Err(format!(
                "{} of {} events delivered (first missing: {missing})",
                self.count,
                self.seen.len()
            ));
        }
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Direction {
    Forward,
    Backward,
}

/// One paging run over a whole stream.
struct PageRun {
    events: usize,
    pages: usize,
    /// Latency of every non-empty page (request sent → whole answer received).
    latencies: Vec<Duration>,
    /// Time spent in requests, including the final empty page; client parsing excluded.
    request_time: Duration,
}

/// Stream identity and what was sent into it, for paging checks.
struct Expect<'a> {
    group: &'a str,
    stream: &'a str,
    base: i64,
    n: usize,
    order: Order,
    w_of: &'a (dyn Fn(usize) -> usize + Sync),
}

/// Pages through the whole stream with GetLogEvents and checks that every event comes back
/// exactly once, unaltered, in order (backward pages are newest first, each oldest first).
async fn page_all(http: &Http, expect: &Expect<'_>, direction: Direction) -> Res<PageRun> {
    let mut token: Option<String> = None;
    let mut run = PageRun {
        events: 0,
        pages: 0,
        latencies: Vec::new(),
        request_time: Duration::ZERO,
    };
    let mut check = EventCheck {
        base: expect.base,
        n: expect.n,
        w_of: expect.w_of,
        scratch: String::new(),
    };
    let mut backward_pages: Vec<Vec<(i64, usize)>> = Vec::new();
    let mut tally = Tally::new(expect.n, expect.order);
    // A page holds at least one event, so a correct server needs at most n + 1 requests.
    for _ in 0..expect.n + 2 {
        let mut body = format!(
            r#"{{"logGroupName":"{}","logStreamName":"{}","startFromHead":{}"#,
            expect.group,
            expect.stream,
            direction == Direction::Forward
        );
        if let Some(token) = &token {
            let _ = write!(body, r#","nextToken":{}"#, serde_json::to_string(token)?);
        }
        body.push('}');
        let started = Instant::now();
        let bytes = http.ok("GetLogEvents", body).await?;
        let elapsed = started.elapsed();
        run.request_time += elapsed;
        let page: GetPage<'_> = serde_json::from_slice(&bytes)?;
        if page.events.is_empty() {
            break;
        }
        run.latencies.push(elapsed);
        run.pages += 1;
        run.events += page.events.len();
        let mut keys = Vec::with_capacity(page.events.len());
        for event in &page.events {
            keys.push((
                event.timestamp,
                check.event(event.timestamp, &event.message)?,
            ));
        }
        match direction {
            Direction::Forward => {
                for (ts, g) in keys {
                    tally.push(ts, g)?;
                }
            }
            Direction::Backward => backward_pages.push(keys),
        }
        let next = match direction {
            Direction::Forward => page.next_forward_token,
            Direction::Backward => page.next_backward_token,
        };
        if next.is_none() || next == token {
            break;
        }
        token = next;
    }
    for page in backward_pages.iter().rev() {
        for &(ts, g) in page {
            tally.push(ts, g)?;
        }
    }
    tally.finish()?;
    Ok(run)
}

// ------------------------------------------------------------------------------------------
// Results
// ------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    EventsPerSec,
    RequestsPerSec,
    Millis,
    BytesPerEvent,
    Times,
}

impl Unit {
    fn name(self) -> &'static str {
        match self {
            Unit::EventsPerSec => "events/s",
            Unit::RequestsPerSec => "req/s",
            Unit::Millis => "ms",
            Unit::BytesPerEvent => "B/event",
            Unit::Times => "x",
        }
    }

    fn higher_is_better(self) -> bool {
        matches!(self, Unit::EventsPerSec | Unit::RequestsPerSec)
    }

    fn format(self, value: f64) -> String {
        match self {
            Unit::EventsPerSec | Unit::RequestsPerSec => thousands(value.round() as usize),
            Unit::Millis if value < 10.0 => format!("{value:.3}"),
            Unit::Millis if value < 100.0 => format!("{value:.2}"),
            Unit::Millis => format!("{value:.1}"),
            Unit::BytesPerEvent => format!("{value:.1}"),
            Unit::Times => format!("{value:.2}"),
        }
    }
}

#[derive(Debug, Clone)]
struct Metric {
    key: String,
    label: String,
    unit: Unit,
    value: Option<f64>,
    note: String,
}

/// Everything one suite measured, in table order.
#[derive(Debug, Default)]
struct Report {
    metrics: Vec<Metric>,
    /// Checks that failed (lost, duplicated or altered events; errors).
    failures: Vec<String>,
}

impl Report {
    fn add(&mut self, key: &str, label: &str, unit: Unit, value: f64, note: impl Into<String>) {
        self.metrics.push(Metric {
            key: key.to_owned(),
            label: label.to_owned(),
            unit,
            value: value.is_finite().then_some(value),
            note: note.into(),
        });
    }

    fn na(&mut self, key: &str, label: &str, unit: Unit, why: impl Into<String>) {
        self.metrics.push(Metric {
            key: key.to_owned(),
            label: label.to_owned(),
            unit,
            value: None,
            note: why.into(),
        });
    }

    fn get(&self, key: &str) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.key == key)
    }

    fn to_json(&self) -> serde_json::Value {
        let metrics: serde_json::Map<String, serde_json::Value> = self
            .metrics
            .iter()
            .map(|m| {
                let key = format!("{}_{}", m.key, unit_suffix(m.unit));
                (key, m.value.map_or(serde_json::Value::Null, rounded))
            })
            .collect();
        serde_json::json!({"metrics": metrics, "failures": self.failures})
    }

    fn print(&self, title: &str) {
        println!("\n{title}");
        let width = self
            .metrics
            .iter()
            .map(|m| m.label.len())
            .max()
            .unwrap_or(10);
        println!("{:-<1$}", "", width + 40);
        for m in &self.metrics {
            let value = m.value.map_or("n/a".to_owned(), |v| m.unit.format(v));
            println!(
                "{:<width$}  {:>13} {:<8}  {}",
                m.label,
                value,
                m.unit.name(),
                m.note,
            );
        }
        for failure in &self.failures {
            println!("FAILED: {failure}");
        }
    }
}

fn unit_suffix(unit: Unit) -> &'static str {
    match unit {
        Unit::EventsPerSec => "events_per_s",
        Unit::RequestsPerSec => "req_per_s",
        Unit::Millis => "ms",
        Unit::BytesPerEvent => "bytes_per_event",
        Unit::Times => "x",
    }
}

fn rounded(value: f64) -> serde_json::Value {
    let digits = if value.abs() >= 1000.0 { 0 } else { 4 };
    let factor = 10f64.powi(digits);
    serde_json::json!((value * factor).round() / factor)
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn rate(count: usize, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64().max(1e-9)
}

/// The nearest-rank percentile `p` (0–100) of `samples`, in milliseconds.
fn percentile(samples: &[Duration], p: f64) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    let mut sorted = samples.to_vec();
    sorted.sort();
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    millis(sorted[rank.clamp(1, sorted.len()) - 1])
}

// ------------------------------------------------------------------------------------------
// Targets
// ------------------------------------------------------------------------------------------

/// What a suite runs against.
#[derive(Debug, Clone)]
enum Target {
    /// A fresh in-process emulator per section.
    InProcess,
    /// A running server, reset before each section; `pid` lets the memory section read its RSS.
    External {
        name: String,
        url: String,
        pid: Option<u32>,
    },
}

impl Target {
    fn name(&self) -> &str {
        match self {
            Target::InProcess => "emulator (in-process)",
            Target::External { name, .. } => name,
        }
    }

    fn is_moto(&self) -> bool {
        matches!(self, Target::External { name, .. } if name == "moto")
    }

    /// A server for one section, empty. `mode` applies to in-process emulators; an external
    /// server keeps whatever mode it was started with.
    async fn server(&self, mode: SequenceTokenMode) -> Res<Server> {
        match self {
            Target::InProcess => {
                let emulator = Emulator::builder().sequence_tokens(mode).start().await?;
                let http = Http::new(&emulator.endpoint_url())?;
                Ok(Server {
                    http,
                    emulator: Some(emulator),
                })
            }
            Target::External { url, .. } => {
                let http = Http::new(url)?;
                http.reset().await?;
                Ok(Server {
                    http,
                    emulator: None,
                })
            }
        }
    }
}

/// A server for one section: the in-process emulator stops when this is dropped.
struct Server {
    http: Http,
    emulator: Option<Emulator>,
}

impl Server {
    async fn stop(self) {
        let Server { http, emulator } = self;
        // Close the pooled connections first, so the server's connection tasks (which hold the
        // store) end and the memory is freed before the next section.
        drop(http);
        if let Some(emulator) = emulator {
            emulator.shutdown().await;
        }
    }
}

// ------------------------------------------------------------------------------------------
// (1) + (2): PutLogEvents throughput, GetLogEvents paging
// ------------------------------------------------------------------------------------------

fn writer_zero(_: usize) -> usize {
    0
}

async fn section_put(target: &Target, sizes: &Sizes, report: &mut Report) -> Res<()> {
    let n = sizes.put;
    let base = base_time();
    let batches_note = format!(
        "{} events in {} batches of <= {BATCH} (largest legal 100-byte batch)",
        thousands(n),
        n.div_ceil(BATCH)
    );

    // Sequential, chained tokens (strict mode), then paging over that stream.
    let server = target.server(SequenceTokenMode::Strict).await?;
    let http = &server.http;
    http.create_group("bench").await?;
    http.create_stream("bench", "seq").await?;
    let batches = build_batches(n, 0, base, &writer_zero);
    let started = Instant::now();
    let latencies = put_batches(http, "bench", "seq", &batches, Tokens::Chained).await?;
    let elapsed = started.elapsed();
    drop(batches);
    report.add(
        "put_seq_strict",
        "PutLogEvents, 1 writer, tokens chained (strict)",
        Unit::EventsPerSec,
        rate(n, elapsed),
        format!(
            "{batches_note}; batch p50 {:.2} ms, p99 {:.2} ms",
            percentile(&latencies, 50.0),
            percentile(&latencies, 99.0)
        ),
    );
    let expect = Expect {
        group: "bench",
        stream: "seq",
        base,
        n,
        order: Order::Sent,
        w_of: &writer_zero,
    };
    // Warm up the read path (first large answers fault in fresh memory on both sides).
    let head = r#"{"logGroupName":"bench","logStreamName":"seq","startFromHead":true}"#;
    for _ in 0..3 {
        http.ok("GetLogEvents", head.to_owned()).await?;
    }
    for direction in [Direction::Forward, Direction::Backward] {
        let run = page_all(http, &expect, direction).await?;
        let (key, label) = match direction {
            Direction::Forward => ("get_fwd", "GetLogEvents forward paging, whole stream"),
            Direction::Backward => ("get_bwd", "GetLogEvents backward paging, whole stream"),
        };
        let p50 = percentile(&run.latencies, 50.0);
        let p99 = percentile(&run.latencies, 99.0);
        report.add(
            key,
            label,
            Unit::EventsPerSec,
            rate(run.events, run.request_time),
            format!(
                "{} pages of ~{} events, exactly once and in order; client parse excluded",
                run.pages,
                run.events / run.pages.max(1)
            ),
        );
        report.add(
            &format!("{key}_page_p50"),
            &format!("  {label}: page p50"),
            Unit::Millis,
            p50,
            "",
        );
        report.add(
            &format!("{key}_page_p99"),
            &format!("  {label}: page p99"),
            Unit::Millis,
            p99,
            "",
        );
    }
    server.stop().await;

    // Sequential without tokens (ignore mode).
    let server = target.server(SequenceTokenMode::Ignore).await?;
    let http = &server.http;
    http.create_group("bench").await?;
    http.create_stream("bench", "seq").await?;
    let batches = build_batches(n, 0, base, &writer_zero);
    let started = Instant::now();
    let outcome = put_batches(http, "bench", "seq", &batches, Tokens::None).await;
    let elapsed = started.elapsed();
    drop(batches);
    match outcome {
        Ok(_) => {
            page_all(http, &expect, Direction::Forward).await?;
            report.add(
                "put_seq_ignore",
                "PutLogEvents, 1 writer, no tokens (ignore)",
                Unit::EventsPerSec,
                rate(n, elapsed),
                "verified exactly once, in order",
            );
        }
        // An in-process emulator is in ignore mode here: a refusal is a bug, not a mode.
        Err(e) if matches!(target, Target::InProcess) => return Err(e),
        Err(e) => report.na(
            "put_seq_ignore",
            "PutLogEvents, 1 writer, no tokens (ignore)",
            Unit::EventsPerSec,
            refusal_note(&e),
        ),
    }
    server.stop().await;

    // 8 writers, each to its own stream, tokens chained.
    let server = target.server(SequenceTokenMode::Strict).await?;
    let http = &server.http;
    let writers = sizes.writers;
    let per_writer = n / writers;
    http.create_group("bench").await?;
    for w in 0..writers {
        http.create_stream("bench", &format!("w{w}")).await?;
    }
    let all: Vec<Arc<Vec<Batch>>> = (0..writers)
        .map(|w| Arc::new(build_batches(per_writer, 0, base, &move |_| w)))
        .collect();
    let started = Instant::now();
    let tasks: Vec<_> = all
        .iter()
        .enumerate()
        .map(|(w, batches)| {
            let http = http.clone();
            let batches = Arc::clone(batches);
            tokio::spawn(async move {
                put_batches(&http, "bench", &format!("w{w}"), &batches, Tokens::Chained).await
            })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    let elapsed = started.elapsed();
    drop(all);
    for w in 0..writers {
        let w_of = move |_: usize| w;
        let stream = format!("w{w}");
        let expect = Expect {
            group: "bench",
            stream: &stream,
            base,
            n: per_writer,
            order: Order::Sent,
            w_of: &w_of,
        };
        page_all(http, &expect, Direction::Forward).await?;
    }
    report.add(
        "put_8w_own",
        &format!("PutLogEvents, {writers} writers, own streams (strict)"),
        Unit::EventsPerSec,
        rate(per_writer * writers, elapsed),
        format!(
            "{} events each; every stream verified exactly once, in order",
            thousands(per_writer)
        ),
    );
    server.stop().await;

    // 8 writers into one stream, no tokens (ignore mode). Batch b goes to writer b % 8, so
    // batches arrive roughly, not exactly, in time order.
    let server = target.server(SequenceTokenMode::Ignore).await?;
    let http = &server.http;
    http.create_group("bench").await?;
    http.create_stream("bench", "shared").await?;
    let w_of = move |g: usize| (g / BATCH) % writers;
    let batches = build_batches(n, 0, base, &w_of);
    let mut per_task: Vec<Vec<Batch>> = (0..writers).map(|_| Vec::new()).collect();
    for (b, batch) in batches.into_iter().enumerate() {
        per_task[b % writers].push(batch);
    }
    let started = Instant::now();
    let tasks: Vec<_> = per_task
        .into_iter()
        .map(|batches| {
            let http = http.clone();
            tokio::spawn(async move {
                put_batches(&http, "bench", "shared", &batches, Tokens::None).await
            })
        })
        .collect();
    let mut refused = None;
    for task in tasks {
        if let Err(e) = task.await? {
            refused = Some(e);
        }
    }
    let elapsed = started.elapsed();
    let label = format!("PutLogEvents, {writers} writers, one shared stream (ignore)");
    match refused {
        None => {
            let expect = Expect {
                group: "bench",
                stream: "shared",
                base,
                n,
                order: Order::Time,
                w_of: &w_of,
            };
            page_all(http, &expect, Direction::Forward).await?;
            report.add(
                "put_8w_shared",
                &label,
                Unit::EventsPerSec,
                rate(n, elapsed),
                "verified: every event exactly once, in time order",
            );
        }
        Some(e) if matches!(target, Target::InProcess) => return Err(e),
        Some(e) => report.na(
            "put_8w_shared",
            &label,
            Unit::EventsPerSec,
            refusal_note(&e),
        ),
    }
    server.stop().await;
    Ok(())
}

// ------------------------------------------------------------------------------------------
// (3): page latency on a big stream against a small one
// ------------------------------------------------------------------------------------------

/// Puts events `0..n` into one stream with one writer chaining tokens (either mode), building
/// each body just before it is sent.
async fn put_generated(http: &Http, group: &str, stream: &str, n: usize, base: i64) -> Res<()> {
    let mut token: Option<String> = None;
    for start in (0..n).step_by(BATCH) {
        let count = BATCH.min(n - start);
        let tail = events_tail(start, count, base, &writer_zero, Kind::Text);
        let head = put_head(group, stream, token.as_deref());
        let out = http.ok("PutLogEvents", Parts::new([head, tail])).await?;
        token = check_put(&out, count)?;
    }
    Ok(())
}

/// Why a token-less put run shows n/a.
fn refusal_note(error: &BoxError) -> String {
    if strict_refusal(error) {
        "the server is in strict mode (InvalidSequenceTokenException without a token)".into()
    } else {
        format!(
            "refused: {}",
            error.to_string().chars().take(120).collect::<String>()
        )
    }
}

/// Whether `error` is a strict-mode server refusing a token-less put.
fn strict_refusal(error: &BoxError) -> bool {
    error.to_string().contains("InvalidSequenceToken")
}

/// Seeds `n` events into one stream with `writers` concurrent token-less writers, building
/// each body just before it is sent (so 10M events never sit in memory as JSON).
async fn seed_parallel(
    http: &Http,
    group: &str,
    stream: &str,
    n: usize,
    writers: usize,
    base: i64,
) -> Res<Duration> {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..writers)
        .map(|_| {
            let http = http.clone();
            let next = Arc::clone(&next);
            let (group, stream) = (group.to_owned(), stream.to_owned());
            tokio::spawn(async move {
                let head = put_head(&group, &stream, None);
                // Bounded: each pass claims a new batch, and there are n / BATCH of them.
                loop {
                    let start = next.fetch_add(BATCH, Ordering::Relaxed);
                    if start >= n {
                        return Ok::<_, BoxError>(());
                    }
                    let count = BATCH.min(n - start);
                    let tail = events_tail(start, count, base, &writer_zero, Kind::Text);
                    let out = http
                        .ok("PutLogEvents", Parts::new([head.clone(), tail]))
                        .await?;
                    check_put(&out, count)?;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    Ok(started.elapsed())
}

/// Rounds of four reads of `limit` events: the head, the middle (by startTime), the tail,
/// and the page after the head (by token). Returns each read's latency.
async fn sample_pages(
    http: &Http,
    stream: &str,
    n: usize,
    base: i64,
    reps: usize,
    limit: usize,
) -> Res<Vec<Duration>> {
    let common = format!(r#""logGroupName":"flat","logStreamName":"{stream}","limit":{limit}"#);
    let head = format!(r#"{{{common},"startFromHead":true}}"#);
    let first = http.ok("GetLogEvents", head.clone()).await?;
    let first: GetPage<'_> = serde_json::from_slice(&first)?;
    let token = first.next_forward_token.ok_or("no nextForwardToken")?;
    let reads = [
        head,
        format!(
            r#"{{{common},"startFromHead":true,"startTime":{}}}"#,
            ts_of(base, n / 2)
        ),
        format!(r#"{{{common},"startFromHead":false}}"#),
        format!(
            r#"{{{common},"nextToken":{}}}"#,
            serde_json::to_string(&token)?
        ),
    ];
    let mut latencies = Vec::with_capacity(reps * reads.len());
    for _ in 0..reps {
        for body in &reads {
            let started = Instant::now();
            let bytes = http.ok("GetLogEvents", body.clone()).await?;
            latencies.push(started.elapsed());
            let page: GetPage<'_> = serde_json::from_slice(&bytes)?;
            if page.events.len() != limit {
                return Err(format!(
                    "{stream}: a page had {} events, expected {limit}",
                    page.events.len()
                )
                .into());
            }
        }
    }
    Ok(latencies)
}

async fn section_flat(target: &Target, sizes: &Sizes, report: &mut Report) -> Res<()> {
    let server = target.server(SequenceTokenMode::Ignore).await?;
    let http = &server.http;
    let base = base_time();
    http.create_group("flat").await?;
    http.create_stream("flat", "big").await?;
    http.create_stream("flat", "small").await?;
    let seeded = seed_parallel(http, "flat", "big", sizes.big, sizes.seeders, base).await;
    let (big_stream, writers, seeded) = match seeded {
        Ok(elapsed) => ("big", sizes.seeders, elapsed),
        // A server in strict mode takes one writer chaining tokens, into a fresh stream.
        Err(e) if !matches!(target, Target::InProcess) && strict_refusal(&e) => {
            http.create_stream("flat", "big-chained").await?;
            let started = Instant::now();
            put_generated(http, "flat", "big-chained", sizes.big, base).await?;
            ("big-chained", 1, started.elapsed())
        }
        Err(e) => return Err(e),
    };
    put_generated(http, "flat", "small", sizes.small, base).await?;
    report.add(
        "seed_big",
        &format!(
            "PutLogEvents, {writers} writer(s), seeding the {}-event stream",
            thousands(sizes.big)
        ),
        Unit::EventsPerSec,
        rate(sizes.big, seeded),
        "one stream; bodies built on the fly, inside the timing",
    );
    let limit = sizes.page_limit;
    let reps = sizes.page_reps;
    let big = sample_pages(http, big_stream, sizes.big, base, reps, limit).await?;
    let small = sample_pages(http, "small", sizes.small, base, reps, limit).await?;
    let note = format!(
        "{} reads of {limit} events: head, middle (startTime), tail, by token",
        reps * 4
    );
    for (key, name, samples) in [
        ("page_big", thousands(sizes.big), &big),
        ("page_small", thousands(sizes.small), &small),
    ] {
        report.add(
            &format!("{key}_p50"),
            &format!("GetLogEvents page latency, {name}-event stream: p50"),
            Unit::Millis,
            percentile(samples, 50.0),
            note.clone(),
        );
        report.add(
            &format!("{key}_p99"),
            &format!("GetLogEvents page latency, {name}-event stream: p99"),
            Unit::Millis,
            percentile(samples, 99.0),
            "",
        );
    }
    report.add(
        "page_big_vs_small",
        "  big / small page latency (p50)",
        Unit::Times,
        percentile(&big, 50.0) / percentile(&small, 50.0),
        "flat is 1.0 (target <= 1.5)",
    );
    server.stop().await;
    Ok(())
}

// ------------------------------------------------------------------------------------------
// (4): FilterLogEvents scan rate
// ------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct FilterPage {
    #[serde(default)]
    events: Vec<serde::de::IgnoredAny>,
    #[serde(rename = "nextToken")]
    next_token: Option<String>,
}

/// Scans the whole stream with `pattern`; returns (matches, elapsed).
async fn filter_scan(http: &Http, stream: &str, pattern: &str, n: usize) -> Res<(usize, Duration)> {
    let mut token: Option<String> = None;
    let mut matches = 0;
    let started = Instant::now();
    // Bounded: a server that pages by at most 10 events still finishes.
    for _ in 0..(n / 10).max(1000) {
        let mut body = format!(
            r#"{{"logGroupName":"filter","logStreamNames":["{stream}"],"filterPattern":{}"#,
            serde_json::to_string(pattern)?
        );
        if let Some(token) = &token {
            let _ = write!(body, r#","nextToken":{}"#, serde_json::to_string(token)?);
        }
        body.push('}');
        let page: FilterPage = serde_json::from_slice(&http.ok("FilterLogEvents", body).await?)?;
        matches += page.events.len();
        match page.next_token {
            Some(next) if Some(&next) != token.as_ref() => token = Some(next),
            _ => return Ok((matches, started.elapsed())),
        }
    }
    Err("FilterLogEvents never ended its paging".into())
}

async fn section_filter(target: &Target, sizes: &Sizes, report: &mut Report) -> Res<()> {
    let server = target.server(SequenceTokenMode::Strict).await?;
    let http = &server.http;
    http.create_group("filter").await?;
    let probe = r#"{"logGroupName":"filter","filterPattern":"ERROR","limit":1}"#;
    let (status, bytes) = http
        .call("FilterLogEvents", Parts::from(probe.to_owned()))
        .await?;
    let text = String::from_utf8_lossy(&bytes);
    if status.as_u16() == 501
        || text.contains("NotImplemented")
        || text.contains("UnknownOperation")
    {
        for (key, label) in [
            ("filter_term", "FilterLogEvents scan, term pattern"),
            ("filter_json", "FilterLogEvents scan, JSON pattern"),
        ] {
            report.na(
                key,
                label,
                Unit::EventsPerSec,
                "FilterLogEvents is not implemented yet (501)",
            );
        }
        server.stop().await;
        return Ok(());
    }
    if !status.is_success() {
        return Err(format!("FilterLogEvents probe: HTTP {status}: {}", snippet(&bytes)).into());
    }
    let n = sizes.filter;
    let base = base_time();
    http.create_stream("filter", "text").await?;
    http.create_stream("filter", "json").await?;
    let text_batches = build_batches(n, 0, base, &writer_zero);
    put_batches(http, "filter", "text", &text_batches, Tokens::Chained).await?;
    drop(text_batches);
    let json_batches: Vec<Batch> = (0..n)
        .step_by(BATCH)
        .map(|start| {
            let events = BATCH.min(n - start);
            Batch {
                tail: events_tail(start, events, base, &writer_zero, Kind::Json),
                events,
            }
        })
        .collect();
    put_batches(http, "filter", "json", &json_batches, Tokens::Chained).await?;
    drop(json_batches);
    let expected = n.div_ceil(100);
    for (key, label, stream, pattern) in [
        (
            "filter_term",
            "FilterLogEvents scan, term pattern ERROR",
            "text",
            "ERROR",
        ),
        (
            "filter_json",
            "FilterLogEvents scan, JSON pattern { $.level = \"ERROR\" }",
            "json",
            r#"{ $.level = "ERROR" }"#,
        ),
    ] {
        match filter_scan(http, stream, pattern, n).await {
            Ok((matches, elapsed)) if matches == expected => report.add(
                key,
                label,
                Unit::EventsPerSec,
                rate(n, elapsed),
                format!(
                    "{} events scanned, {} matches (verified)",
                    thousands(n),
                    thousands(matches)
                ),
            ),
            Ok((matches, _)) if target.is_moto() => report.na(
                key,
                label,
                Unit::EventsPerSec,
                format!("moto matched {matches} of the expected {expected}: pattern unsupported"),
            ),
            Ok((matches, _)) => {
                report
                    .failures
                    .push(format!("{label}: {matches} matches, expected {expected}"));
                report.na(key, label, Unit::EventsPerSec, "wrong match count");
            }
            Err(e) if target.is_moto() => {
                report.na(key, label, Unit::EventsPerSec, format!("moto: {e}"))
            }
            Err(e) => return Err(e),
        }
    }
    server.stop().await;
    Ok(())
}

// ------------------------------------------------------------------------------------------
// (5): DescribeLogStreams
// ------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct StreamsPage {
    #[serde(rename = "logStreams", default)]
    log_streams: Vec<StreamName>,
    #[serde(rename = "nextToken")]
    next_token: Option<String>,
}

#[derive(Deserialize)]
struct StreamName {
    #[serde(rename = "logStreamName")]
    log_stream_name: String,
}

fn stream_name(i: usize) -> String {
    format!("stream-{i:06}")
}

async fn create_streams(http: &Http, group: &str, n: usize) -> Res<Duration> {
    http.create_group(group).await?;
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (http, next, group) = (http.clone(), Arc::clone(&next), group.to_owned());
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        return Ok::<_, BoxError>(());
                    }
                    http.create_stream(&group, &stream_name(i)).await?;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    Ok(started.elapsed())
}

/// Pages through every stream of `group` (limit 50) and checks names come once, in order.
async fn describe_all(http: &Http, group: &str, n: usize) -> Res<(Duration, Vec<Duration>)> {
    let mut token: Option<String> = None;
    let mut latencies = Vec::new();
    let mut seen = 0;
    let started = Instant::now();
    for _ in 0..n / 50 + 2 {
        let mut body = format!(r#"{{"logGroupName":"{group}","limit":50"#);
        if let Some(token) = &token {
            let _ = write!(body, r#","nextToken":{}"#, serde_json::to_string(token)?);
        }
        body.push('}');
        let page_started = Instant::now();
        let bytes = http.ok("DescribeLogStreams", body).await?;
        latencies.push(page_started.elapsed());
        let page: StreamsPage = serde_json::from_slice(&bytes)?;
        for stream in &page.log_streams {
            if stream.log_stream_name != stream_name(seen) {
                return Err(format!(
                    "DescribeLogStreams: {} at position {seen}",
                    stream.log_stream_name
                )
                .into());
            }
            seen += 1;
        }
        match page.next_token {
            Some(next) if !page.log_streams.is_empty() => token = Some(next),
            _ => break,
        }
    }
    let total = started.elapsed();
    if seen != n {
        return Err(format!("DescribeLogStreams listed {seen} of {n} streams").into());
    }
    Ok((total, latencies))
}

async fn section_streams(target: &Target, sizes: &Sizes, report: &mut Report) -> Res<()> {
    let server = target.server(SequenceTokenMode::Strict).await?;
    let http = &server.http;
    let many = sizes.streams_many;
    let created = create_streams(http, "many", many).await?;
    report.add(
        "create_stream",
        "CreateLogStream, 8 concurrent clients",
        Unit::RequestsPerSec,
        rate(many, created),
        format!("{} streams in one group", thousands(many)),
    );
    let (total, latencies) = describe_all(http, "many", many).await?;
    report.add(
        "describe_many_total",
        &format!(
            "DescribeLogStreams, {} streams, all pages (limit 50)",
            thousands(many)
        ),
        Unit::Millis,
        millis(total),
        format!("{} pages, each name once and in order", latencies.len()),
    );
    report.add(
        "describe_many_page_p50",
        "  DescribeLogStreams page p50",
        Unit::Millis,
        percentile(&latencies, 50.0),
        "",
    );
    report.add(
        "describe_many_page_p99",
        "  DescribeLogStreams page p99",
        Unit::Millis,
        percentile(&latencies, 99.0),
        "",
    );
    let few = sizes.streams_few;
    create_streams(http, "few", few).await?;
    let mut totals = Vec::new();
    for _ in 0..sizes.describe_reps {
        totals.push(describe_all(http, "few", few).await?.0);
    }
    report.add(
        "describe_few_total",
        &format!(
            "DescribeLogStreams, {} streams in {} pages: total",
            thousands(few),
            few.div_ceil(50)
        ),
        Unit::Millis,
        percentile(&totals, 50.0),
        format!("median of {} runs (target <= 5 ms)", totals.len()),
    );
    server.stop().await;
    Ok(())
}

// ------------------------------------------------------------------------------------------
// (6): resident memory per stored event
// ------------------------------------------------------------------------------------------

/// VmRSS of `pid` (or this process), in bytes.
fn rss_bytes(pid: Option<u32>) -> Res<u64> {
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/status"),
        None => "/proc/self/status".to_owned(),
    };
    let status = std::fs::read_to_string(&path)?;
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| format!("no VmRSS in {path}"))?;
    Ok(kb * 1024)
}

/// Stores `n` events in one stream (bodies built on the fly), reading RSS before and after.
/// Returns (rss before, rss after).
async fn memory_run(http: &Http, n: usize, pid: Option<u32>) -> Res<(u64, u64)> {
    let base = base_time();
    http.create_group("memory").await?;
    http.create_stream("memory", "warmup").await?;
    http.create_stream("memory", "events").await?;
    // Warm the code paths and the client's buffers, outside the measurement.
    let warm = build_batches(BATCH, 0, base, &writer_zero);
    put_batches(http, "memory", "warmup", &warm, Tokens::Chained).await?;
    drop(warm);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let before = rss_bytes(pid)?;
    put_generated(http, "memory", "events", n, base).await?;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let after = rss_bytes(pid)?;
    Ok((before, after))
}

/// The child side of the in-process memory measurement: a fresh process, so earlier
/// sections' freed memory cannot hide (or inflate) this one's.
async fn memory_probe_child(n: usize) -> Res<()> {
    let emulator = Emulator::builder().start().await?;
    let http = Http::new(&emulator.endpoint_url())?;
    let (before, after) = memory_run(&http, n, None).await?;
    println!("MEMORY_PROBE {before} {after}");
    Ok(())
}

async fn section_memory(target: &Target, sizes: &Sizes, report: &mut Report) -> Res<()> {
    let n = sizes.memory;
    let label = format!("Resident memory per stored {MESSAGE_BYTES}-byte event");
    let (before, after) = match target {
        Target::InProcess => {
            let exe = std::env::current_exe()?;
            let output = tokio::process::Command::new(exe)
                .args(["--memory-probe", &n.to_string()])
                .kill_on_drop(true)
                .output();
            let output = tokio::time::timeout(Duration::from_secs(600), output)
                .await
                .map_err(|_| "memory probe timed out")??;
            let stdout = String::from_utf8_lossy(&output.stdout);
            let line = stdout
                .lines()
                .find_map(|l| l.strip_prefix("MEMORY_PROBE "))
                .ok_or_else(|| {
                    format!(
                        "memory probe failed: {}",
                        String::from_utf8_lossy(&output.stderr)
                    )
                })?;
            let mut parts = line.split(' ').map(str::parse::<u64>);
            match (parts.next(), parts.next()) {
                (Some(Ok(before)), Some(Ok(after))) => (before, after),
                _ => return Err(format!("memory probe said {line:?}").into()),
            }
        }
        Target::External { pid: Some(pid), .. } => {
            let server = target.server(SequenceTokenMode::Strict).await?;
            let result = memory_run(&server.http, n, Some(*pid)).await?;
            server.stop().await;
            result
        }
        Target::External { pid: None, .. } => {
            report.na(
                "memory",
                &label,
                Unit::BytesPerEvent,
                "needs the server's pid (in-process or moto)",
            );
            return Ok(());
        }
    };
    let per_event = (after as f64 - before as f64) / n as f64;
    report.add(
        "memory",
        &label,
        Unit::BytesPerEvent,
        per_event,
        format!(
            "VmRSS {} MiB -> {} MiB over {} events",
            before / (1 << 20),
            after / (1 << 20),
            thousands(n)
        ),
    );
    Ok(())
}

// ------------------------------------------------------------------------------------------
// (7): cold start
// ------------------------------------------------------------------------------------------

/// Asks DescribeLogGroups until it answers 200 (bounded by `deadline`).
async fn first_answer(url: &str, deadline: Duration) -> Res<()> {
    let http = Http::new(url)?;
    let started = Instant::now();
    loop {
        match http
            .call("DescribeLogGroups", Parts::from("{}".to_owned()))
            .await
        {
            Ok((status, _)) if status.is_success() => return Ok(()),
            _ if started.elapsed() > deadline => {
                return Err(format!("{url} did not answer within {deadline:?}").into())
            }
            _ => tokio::time::sleep(Duration::from_millis(2)).await,
        }
    }
}

/// `target/release/cwlogs-emulator`, next to this bench's own directory, built if missing
/// (full runs only) or stale (cargo decides; a no-op when up to date).
async fn release_binary(quick: bool) -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let release = exe
        .parent()
        .and_then(|deps| deps.parent())
        .ok_or("cannot locate the target directory")?;
    let binary = release.join("cwlogs-emulator");
    if quick {
        return if binary.exists() {
            Ok(binary)
        } else {
            Err(format!("{} is missing; `cargo build --release -p cwlogs-emulator` first (not built in --quick)", binary.display()))
        };
    }
    eprintln!("building the release binary (cargo build --release -p cwlogs-emulator)...");
    let status = tokio::process::Command::new(env!("CARGO"))
        .args([
            "build",
            "--quiet",
            "--release",
            "-p",
            "cwlogs-emulator",
            "--bin",
            "cwlogs-emulator",
        ])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .kill_on_drop(true)
        .status();
    match tokio::time::timeout(Duration::from_secs(1800), status).await {
        Ok(Ok(status)) if status.success() && binary.exists() => Ok(binary),
        Ok(Ok(status)) => Err(format!("cargo build --release failed ({status})")),
        Ok(Err(e)) => Err(format!("cannot run cargo: {e}")),
        Err(_) => Err("cargo build --release timed out".into()),
    }
}

/// Spawns the binary on port 0, reads the address it prints, and times the first answer.
async fn binary_cold_start(binary: &std::path::Path) -> Res<Duration> {
    let started = Instant::now();
    let mut child = tokio::process::Command::new(binary)
        .args(["--port", "0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let read_url = async {
        // Bounded by the timeout around it, and by the child's stdout closing.
        while let Some(line) = lines.next_line().await? {
            if let Some(at) = line.find("http://") {
                return Ok::<_, BoxError>(line[at..].trim().to_owned());
            }
        }
        Err("the binary exited without printing its address".into())
    };
    let url = tokio::time::timeout(Duration::from_secs(30), read_url)
        .await
        .map_err(|_| "the binary printed no address within 30 s")??;
    first_answer(&url, Duration::from_secs(30)).await?;
    let elapsed = started.elapsed();
    child.kill().await?;
    Ok(elapsed)
}

async fn section_cold(sizes: &Sizes, quick: bool, report: &mut Report) -> Res<()> {
    let label = "Cold start to first answer, release binary";
    match release_binary(quick).await {
        Ok(binary) => {
            let mut samples = Vec::new();
            for _ in 0..sizes.cold_reps {
                samples.push(binary_cold_start(&binary).await?);
            }
            report.add(
                "cold_binary",
                label,
                Unit::Millis,
                percentile(&samples, 50.0),
                format!(
                    "median of {} spawns (--port 0) to a DescribeLogGroups answer; min {:.2} ms",
                    samples.len(),
                    percentile(&samples, 0.0)
                ),
            );
        }
        Err(why) => report.na("cold_binary", label, Unit::Millis, why),
    }
    let mut samples = Vec::new();
    for _ in 0..sizes.in_process_reps {
        let started = Instant::now();
        let emulator = Emulator::start().await?;
        first_answer(&emulator.endpoint_url(), Duration::from_secs(10)).await?;
        samples.push(started.elapsed());
        emulator.shutdown().await;
    }
    report.add(
        "cold_in_process",
        "Cold start to first answer, in-process Emulator::start()",
        Unit::Millis,
        percentile(&samples, 50.0),
        format!(
            "median of {}, including the client's first connection",
            samples.len()
        ),
    );
    Ok(())
}

// ------------------------------------------------------------------------------------------
// The real SDK
// ------------------------------------------------------------------------------------------

fn sdk_client(url: &str) -> sdk::Client {
    let config = sdk::Config::builder()
        .behavior_version(sdk::config::BehaviorVersion::latest())
        .endpoint_url(url)
        .region(sdk::config::Region::new("us-east-1"))
        .credentials_provider(sdk::config::Credentials::new(
            "test", "test", None, None, "loadgen",
        ))
        .build();
    sdk::Client::from_conf(config)
}

async fn section_sdk(target: &Target, sizes: &Sizes, report: &mut Report) -> Res<()> {
    let server = target.server(SequenceTokenMode::Strict).await?;
    let url = server.http.base.clone();
    let client = sdk_client(&url);
    let n = sizes.sdk;
    let base = base_time();
    client
        .create_log_group()
        .log_group_name("sdk")
        .send()
        .await?;
    client
        .create_log_stream()
        .log_group_name("sdk")
        .log_stream_name("seq")
        .send()
        .await?;
    let mut batches = Vec::new();
    let mut message = String::new();
    for start in (0..n).step_by(BATCH) {
        let mut batch = Vec::with_capacity(BATCH);
        for g in start..(start + BATCH).min(n) {
            message.clear();
            push_text_message(&mut message, g, 0);
            batch.push(
                sdk::types::InputLogEvent::builder()
                    .timestamp(ts_of(base, g))
                    .message(message.clone())
                    .build()?,
            );
        }
        batches.push(batch);
    }
    let count = batches.len();
    let mut token: Option<String> = None;
    let started = Instant::now();
    for batch in batches {
        let out = client
            .put_log_events()
            .log_group_name("sdk")
            .log_stream_name("seq")
            .set_log_events(Some(batch))
            .set_sequence_token(token.take())
            .send()
            .await?;
        if out.rejected_log_events_info().is_some() {
            return Err("the SDK put had events rejected".into());
        }
        token = out.next_sequence_token().map(str::to_owned);
    }
    let elapsed = started.elapsed();
    report.add(
        "sdk_put_seq",
        "sdk: PutLogEvents, 1 writer, tokens chained",
        Unit::EventsPerSec,
        rate(n, elapsed),
        format!(
            "{} events in {count} batches; SigV4 signing and serialization included",
            thousands(n)
        ),
    );

    let mut check = EventCheck {
        base,
        n,
        w_of: &writer_zero,
        scratch: String::new(),
    };
    let mut tally = Tally::new(n, Order::Sent);
    let mut token: Option<String> = None;
    let mut latencies = Vec::new();
    let mut events = 0;
    let started = Instant::now();
    for _ in 0..n + 2 {
        let page_started = Instant::now();
        let out = client
            .get_log_events()
            .log_group_name("sdk")
            .log_stream_name("seq")
            .start_from_head(true)
            .set_next_token(token.clone())
            .send()
            .await?;
        let page = out.events();
        if page.is_empty() {
            break;
        }
        latencies.push(page_started.elapsed());
        events += page.len();
        for event in page {
            let ts = event.timestamp().unwrap_or_default();
            let g = check.event(ts, event.message().unwrap_or_default())?;
            tally.push(ts, g)?;
        }
        let next = out.next_forward_token().map(str::to_owned);
        if next.is_none() || next == token {
            break;
        }
        token = next;
    }
    let elapsed = started.elapsed();
    tally.finish()?;
    report.add(
        "sdk_get_fwd",
        "sdk: GetLogEvents forward paging, whole stream",
        Unit::EventsPerSec,
        rate(events, elapsed),
        format!(
            "{} pages, exactly once and in order; page p50 {:.2} ms, p99 {:.2} ms (deserialization included)",
            latencies.len(),
            percentile(&latencies, 50.0),
            percentile(&latencies, 99.0)
        ),
    );
    drop(client);
    server.stop().await;
    Ok(())
}

// ------------------------------------------------------------------------------------------
// Suites, moto, main
// ------------------------------------------------------------------------------------------

fn wanted(only: &[String], section: &str) -> bool {
    only.is_empty() || only.iter().any(|s| s == section)
}

/// Runs every wanted section against `target`. A section that errors is recorded as a
/// failure and the others still run.
async fn run_suite(
    target: &Target,
    sizes: &Sizes,
    only: &[String],
    quick: bool,
    cold: bool,
) -> Report {
    let mut report = Report::default();
    macro_rules! section {
        ($name:literal, $call:expr) => {
            if wanted(only, $name) {
                eprintln!("[{}] {} ...", target.name(), $name);
                let started = Instant::now();
                let result = Box::pin($call).await;
                if let Err(e) = result {
                    report.failures.push(format!("{} section: {e}", $name));
                }
                eprintln!(
                    "[{}] {} done in {:.1} s",
                    target.name(),
                    $name,
                    started.elapsed().as_secs_f64()
                );
            }
        };
    }
    // Memory first: its child process is fresh either way, but an external server is not.
    section!("memory", section_memory(target, sizes, &mut report));
    section!("put", section_put(target, sizes, &mut report));
    section!("flat", section_flat(target, sizes, &mut report));
    section!("filter", section_filter(target, sizes, &mut report));
    section!("streams", section_streams(target, sizes, &mut report));
    section!("sdk", section_sdk(target, sizes, &mut report));
    if cold {
        section!("cold", section_cold(sizes, quick, &mut report));
    }
    report
}

/// A moto_server we started, killed when dropped.
struct Moto {
    child: tokio::process::Child,
    url: String,
}

fn free_port() -> Res<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// The version of the moto installed next to `moto_server` (its venv's python), if it says.
async fn moto_version(moto_server: &std::path::Path) -> String {
    let python = moto_server.with_file_name("python");
    let asked = tokio::process::Command::new(python)
        .args(["-c", "import moto; print(moto.__version__)"])
        .kill_on_drop(true)
        .output();
    match tokio::time::timeout(Duration::from_secs(30), asked).await {
        Ok(Ok(out)) if out.status.success() => {
            String::from_utf8_lossy(&out.stdout).trim().to_owned()
        }
        _ => "(version unknown)".to_owned(),
    }
}

/// Starts moto_server on 127.0.0.1 and times it to its first answer.
async fn start_moto(path: &std::path::Path) -> Res<(Moto, Duration)> {
    let port = free_port()?;
    let started = Instant::now();
    let child = tokio::process::Command::new(path)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", path.display()))?;
    let url = format!("http://127.0.0.1:{port}");
    first_answer(&url, Duration::from_secs(60)).await?;
    Ok((Moto { child, url }, started.elapsed()))
}

async fn stop_moto(mut moto: Moto) {
    let _ = moto.child.kill().await;
}

/// The comparison: the scaled workload against the emulator and moto, and their ratios.
struct Comparison {
    moto_version: String,
    scale: usize,
    sizes: Sizes,
    emulator: Report,
    moto: Report,
}

impl Comparison {
    fn ratios(&self) -> Vec<(&Metric, Option<&Metric>, Option<f64>)> {
        self.emulator
            .metrics
            .iter()
            .map(|e| {
                let m = self.moto.get(&e.key);
                let ratio = match (e.value, m.and_then(|m| m.value)) {
                    (Some(e), Some(m)) if m != 0.0 => Some(e / m),
                    _ => None,
                };
                (e, m, ratio)
            })
            .collect()
    }

    fn print(&self) {
        println!(
            "\nemulator vs moto_server {}: the same workload against both, scaled 1/{} for moto's \
             sake ({})",
            self.moto_version,
            self.scale,
            self.sizes.describe()
        );
        println!(
            "(scaled because moto puts ~170k and pages ~50k events/s at full size, re-sorting the \
             stream on every GetLogEvents; rates and latencies compare, sizes are equal on both sides)"
        );
        let width = self
            .emulator
            .metrics
            .iter()
            .map(|m| m.label.len())
            .max()
            .unwrap_or(10);
        println!(
            "{:<width$}  {:>13}  {:>13}  {:<8}  {:>13}  better",
            "measure", "emulator", "moto", "unit", "emulator/moto"
        );
        println!("{:-<1$}", "", width + 75);
        for (e, m, ratio) in self.ratios() {
            let show = |v: Option<f64>| v.map_or("n/a".to_owned(), |v| e.unit.format(v));
            let better = ratio.map_or(String::new(), |r| {
                if e.unit == Unit::Times {
                    String::new()
                } else if e.unit.higher_is_better() {
                    format!("{r:.1}x")
                } else {
                    format!("{:.1}x", 1.0 / r)
                }
            });
            println!(
                "{:<width$}  {:>13}  {:>13}  {:<8}  {:>13}  {better}",
                e.label,
                show(e.value),
                show(m.and_then(|m| m.value)),
                e.unit.name(),
                ratio.map_or("n/a".to_owned(), |r| format!("{r:.3}")),
            );
        }
        for failure in self.emulator.failures.iter().chain(&self.moto.failures) {
            println!("FAILED: {failure}");
        }
    }

    fn to_json(&self) -> serde_json::Value {
        let ratios: serde_json::Map<String, serde_json::Value> = self
            .ratios()
            .into_iter()
            .map(|(e, _, r)| {
                (
                    format!("{}_{}", e.key, unit_suffix(e.unit)),
                    r.map_or(serde_json::Value::Null, rounded),
                )
            })
            .collect();
        serde_json::json!({
            "moto_version": self.moto_version,
            "moto_scale": self.scale,
            "sizes": sizes_json(&self.sizes),
            "emulator": self.emulator.to_json(),
            "moto": self.moto.to_json(),
            "ratio_emulator_over_moto": ratios,
        })
    }
}

fn sizes_json(s: &Sizes) -> serde_json::Value {
    serde_json::json!({
        "put_events": s.put, "writers": s.writers, "big_stream": s.big, "small_stream": s.small,
        "page_limit": s.page_limit, "page_reps": s.page_reps, "memory_events": s.memory,
        "streams_many": s.streams_many, "streams_few": s.streams_few, "sdk_events": s.sdk,
        "filter_events": s.filter,
    })
}

async fn compare_with_moto(
    path: &std::path::Path,
    args: &Args,
    sizes: Sizes,
    target: &Target,
    main: &Report,
) -> Res<Comparison> {
    let scale = if args.quick { 1 } else { args.moto_scale };
    let sizes = if scale > 1 {
        sizes.scaled(scale)
    } else {
        sizes
    };
    eprintln!("starting moto_server ({})...", path.display());
    let mut cold = Vec::new();
    let mut moto = None;
    for _ in 0..if args.quick { 1 } else { 3 } {
        if let Some(previous) = moto.take() {
            stop_moto(previous).await;
        }
        let (started, elapsed) = start_moto(path).await?;
        cold.push(elapsed);
        moto = Some(started);
    }
    let moto = moto.ok_or("moto did not start")?;
    let pid = moto.child.id();
    let moto_target = Target::External {
        name: "moto".into(),
        url: moto.url.clone(),
        pid,
    };
    let result = async {
        let mut emulator = run_suite(target, &sizes, &args.only, args.quick, false).await;
        let mut moto_report = run_suite(&moto_target, &sizes, &args.only, args.quick, false).await;
        if wanted(&args.only, "cold") {
            if let Some(binary) = main.get("cold_binary") {
                emulator.metrics.push(binary.clone());
            }
            moto_report.add(
                "cold_binary",
                "Cold start to first answer, release binary",
                Unit::Millis,
                percentile(&cold, 50.0),
                format!("moto_server: median of {} starts", cold.len()),
            );
        }
        Ok::<_, BoxError>((emulator, moto_report))
    }
    .await;
    stop_moto(moto).await;
    let (emulator, moto) = result?;
    Ok(Comparison {
        moto_version: moto_version(path).await,
        scale,
        sizes,
        emulator,
        moto,
    })
}

async fn run(args: Args) -> ExitCode {
    let sizes = if args.quick {
        Sizes::quick()
    } else {
        Sizes::full()
    };
    let target = match &args.url {
        Some(url) => Target::External {
            name: format!("server at {url}"),
            url: url.clone(),
            pid: None,
        },
        None => Target::InProcess,
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "cwlogs-emulator load generator{}: {} on {cores} cores, {MESSAGE_BYTES}-byte messages, raw HTTP/1 keep-alive client unless marked sdk",
        if args.quick { " (--quick: a smoke run, not timings)" } else { "" },
        target.name(),
    );
    println!("sizes: {}", sizes.describe());
    if matches!(target, Target::InProcess) {
        println!(
            "in-process: the client and the emulator share this process's tokio runtime and cores"
        );
    }
    println!(
        "note: batches hold {BATCH} events, not 10,000: 10,000 x ({MESSAGE_BYTES} + {EVENT_OVERHEAD}) bytes exceeds the {MAX_BATCH_BYTES}-byte batch limit"
    );
    let report = run_suite(&target, &sizes, &args.only, args.quick, true).await;
    report.print(&format!(
        "{} ({})",
        target.name(),
        if args.quick { "quick" } else { "full" }
    ));

    let mut comparison = None;
    let mut compare_error = None;
    if let Some(path) = &args.compare_moto {
        match compare_with_moto(path, &args, sizes, &target, &report).await {
            Ok(c) => {
                c.print();
                comparison = Some(c);
            }
            Err(e) => {
                println!("moto comparison failed: {e}");
                compare_error = Some(e.to_string());
            }
        }
    }

    let mut json = serde_json::json!({
        "bench": "cwlogs-emulator",
        "quick": args.quick,
        "target": target.name(),
        "cores": cores,
        "message_bytes": MESSAGE_BYTES,
        "batch_events": BATCH,
        "sizes": sizes_json(&sizes),
        "unix_time": now_ms() / 1000,
    });
    if let serde_json::Value::Object(map) = &mut json {
        if let serde_json::Value::Object(fields) = report.to_json() {
            map.extend(fields);
        }
        if let Some(c) = &comparison {
            map.insert("compare".into(), c.to_json());
        }
        if let Some(e) = compare_error {
            map.insert("compare_error".into(), e.into());
        }
    }
    println!("\n{json}");
    let emulator_failed = !report.failures.is_empty()
        || comparison
            .as_ref()
            .is_some_and(|c| !c.emulator.failures.is_empty());
    if emulator_failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start tokio: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(n) = args.memory_probe {
        return match runtime.block_on(memory_probe_child(n)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("memory probe: {e}");
                ExitCode::FAILURE
            }
        };
    }
    runtime.block_on(run(args))
}
