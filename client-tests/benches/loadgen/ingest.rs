//! Writing events: PutLogEvents runs over pre-built batches, or over bodies built just before
//! they are sent; one writer chaining sequence tokens or several without; every answer checked
//! (nothing rejected), and how a strict-mode refusal of token-less puts is told apart.

use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::http::{Http, Parts};
use crate::workers::share_out;
use crate::workload::{events_tail, put_head, writer_zero, Batch, Kind, BATCH};
use crate::{BoxError, Res};

#[derive(Deserialize)]
pub struct PutOut {
    #[serde(rename = "nextSequenceToken")]
    pub next_sequence_token: Option<String>,
    #[serde(rename = "rejectedLogEventsInfo")]
    pub rejected: Option<serde_json::Value>,
}

/// How a writer treats sequence tokens.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Tokens {
    /// Each put carries the token the previous one returned (works in both modes).
    Chained,
    /// No token at all (the `ignore` mode, AWS since 2023).
    None,
}

/// Puts `batches` in order into one stream; returns each put's latency.
pub async fn put_batches(
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
pub fn check_put(out: &[u8], events: usize) -> Res<Option<String>> {
    let out: PutOut = serde_json::from_slice(out)?;
    if let Some(rejected) = out.rejected {
        return Err(format!("{events}-event batch partly rejected: {rejected}").into());
    }
    Ok(out.next_sequence_token)
}

/// Puts events `0..n` into one stream with one writer chaining tokens (either mode), building
/// each body just before it is sent.
pub async fn put_generated(http: &Http, group: &str, stream: &str, n: usize, base: i64) -> Res<()> {
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
pub fn refusal_note(error: &BoxError) -> String {
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
pub fn strict_refusal(error: &BoxError) -> bool {
    error.to_string().contains("InvalidSequenceToken")
}

/// Seeds `n` events into one stream with `writers` concurrent token-less writers, building
/// each body just before it is sent (so 10M events never sit in memory as JSON).
pub async fn seed_parallel(
    http: &Http,
    group: &str,
    stream: &str,
    n: usize,
    writers: usize,
    base: i64,
) -> Res<Duration> {
    let started = Instant::now();
    share_out(writers, n, BATCH, |claims| {
        let http = http.clone();
        let head = put_head(group, stream, None);
        async move {
            while let Some(start) = claims.next() {
                let count = BATCH.min(n - start);
                let tail = events_tail(start, count, base, &writer_zero, Kind::Text);
                let out = http
                    .ok("PutLogEvents", Parts::new([head.clone(), tail]))
                    .await?;
                check_put(&out, count)?;
            }
            Ok(())
        }
    })
    .await?;
    Ok(started.elapsed())
}
