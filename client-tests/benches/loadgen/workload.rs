//! What the bench sends: 100-byte messages (text, or JSON for the JSON filter pattern), their
//! timestamps, and PutLogEvents bodies pre-built as shared chunks (a head per request, an
//! event list per batch), so building them stays outside the timings.

use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use cwlogs_emulator::limits::{EVENT_OVERHEAD_BYTES as EVENT_OVERHEAD, MAX_BATCH_BYTES};

/// Every message is this long (ASCII, so bytes = characters).
pub const MESSAGE_BYTES: usize = 100;
/// The largest legal batch of 100-byte messages: 8,322 events. The issue asks for 10,000-event
/// batches, but 10,000 × 126 bytes is 1.26 MB, which AWS (and the emulator) refuse.
pub const BATCH: usize = MAX_BATCH_BYTES / (MESSAGE_BYTES + EVENT_OVERHEAD);
/// Events per millisecond of event time: event `g` is stamped `base + g / 100`.
pub const EVENTS_PER_MS: usize = 100;

/// Filler for messages: lower case only, so the term `ERROR` matches the level field alone.
pub const FILLER: &str = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod \
tempor incididunt ut labore et dolore magna aliqua";

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// An hour ago: every workload's events fit in the 14-day window and a 24-hour batch span.
pub fn base_time() -> i64 {
    now_ms() - 3_600_000
}

pub fn ts_of(base: i64, g: usize) -> i64 {
    base + (g / EVENTS_PER_MS) as i64
}

pub fn level_of(g: usize) -> &'static str {
    if g.is_multiple_of(100) {
        "ERROR"
    } else {
        "INFO "
    }
}

/// Event `g` of writer `w`: `LEVEL w=07 i=0000000123 lorem ipsum…`, exactly 100 bytes. One
/// event in 100 is an ERROR.
pub fn push_text_message(out: &mut String, g: usize, w: usize) {
    let start = out.len();
    let _ = write!(out, "{} w={:02} i={:010} ", level_of(g), w % 100, g);
    let used = out.len() - start;
    out.push_str(&FILLER[..MESSAGE_BYTES - used]);
}

/// Event `g` as a 100-byte JSON document, for the JSON filter pattern.
pub fn json_message(g: usize) -> String {
    let mut out = format!(r#"{{"level":"{}","i":{g},"pad":""#, level_of(g).trim_end());
    let pad = MESSAGE_BYTES - out.len() - 2;
    out.push_str(&FILLER[..pad]);
    out.push_str("\"}");
    out
}

/// Event `g` as a 100-byte JSON document with a service and a latency (`latency_of`).
pub fn service_message(g: usize) -> String {
    let mut out = format!(
        r#"{{"level":"{}","service":"svc{}","latency":{},"pad":""#,
        level_of(g).trim_end(),
        g % 8,
        latency_of(g)
    );
    let pad = MESSAGE_BYTES - out.len() - 2;
    out.push_str(&FILLER[..pad]);
    out.push_str("\"}");
    out
}

/// The latency of event `g`: spread over 0–999.
pub fn latency_of(g: usize) -> usize {
    (g * 7919) % 1000
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Json,
    /// JSON with `service` (one of 8) and `latency` (0–999), for Insights stats.
    Service,
}

/// `"logEvents":[…]}`: the tail of a PutLogEvents body for events `first..first + count`.
pub fn events_tail(
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
            Kind::Service => out.push_str(&service_message(g).replace('"', "\\\"")),
        }
        out.push_str("\"}");
    }
    out.push_str("]}");
    Bytes::from(out)
}

/// `{"logGroupName":…,"logStreamName":…,["sequenceToken":…,]`: the head of a put body.
pub fn put_head(group: &str, stream: &str, token: Option<&str>) -> Bytes {
    let mut out = format!(r#"{{"logGroupName":"{group}","logStreamName":"{stream}","#);
    if let Some(token) = token {
        let quoted = serde_json::to_string(token).unwrap_or_default();
        let _ = write!(out, r#""sequenceToken":{quoted},"#);
    }
    Bytes::from(out)
}

/// A pre-built batch: its body tail and event count.
pub struct Batch {
    pub tail: Bytes,
    pub events: usize,
}

/// Batches of at most [`BATCH`] events of `kind` covering `0..n`.
pub fn build_batches(n: usize, base: i64, w_of: &dyn Fn(usize) -> usize, kind: Kind) -> Vec<Batch> {
    (0..n)
        .step_by(BATCH)
        .map(|start| {
            let events = BATCH.min(n - start);
            Batch {
                tail: events_tail(start, events, base, w_of, kind),
                events,
            }
        })
        .collect()
}

/// The writer of every event, for streams with one writer.
pub fn writer_zero(_: usize) -> usize {
    0
}
