//! Reading a stream back with GetLogEvents: the page's shape (messages borrowed, not copied)
//! and paging through a whole stream, forward or backward, under the checks.

use std::borrow::Cow;
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::checks::Expect;
use crate::http::{close_with_token, Http};
use crate::Res;

#[derive(Deserialize)]
pub struct GetPage<'a> {
    #[serde(borrow, default)]
    pub events: Vec<OutEvent<'a>>,
    #[serde(rename = "nextForwardToken")]
    pub next_forward_token: Option<String>,
    #[serde(rename = "nextBackwardToken")]
    pub next_backward_token: Option<String>,
}

#[derive(Deserialize)]
pub struct OutEvent<'a> {
    pub timestamp: i64,
    #[serde(borrow)]
    pub message: Cow<'a, str>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Direction {
    Forward,
    Backward,
}

/// One paging run over a whole stream.
pub struct PageRun {
    pub events: usize,
    pub pages: usize,
    /// Latency of every non-empty page (request sent → whole answer received).
    pub latencies: Vec<Duration>,
    /// Time spent in requests, including the final empty page; client parsing excluded.
    pub request_time: Duration,
}

/// Pages through the whole stream with GetLogEvents and checks that every event comes back
/// exactly once, unaltered, in order (backward pages are newest first, each oldest first).
pub async fn page_all(http: &Http, expect: &Expect<'_>, direction: Direction) -> Res<PageRun> {
    let mut token: Option<String> = None;
    let mut run = PageRun {
        events: 0,
        pages: 0,
        latencies: Vec::new(),
        request_time: Duration::ZERO,
    };
    let (mut check, mut tally) = expect.checks();
    let mut backward_pages: Vec<Vec<(i64, usize)>> = Vec::new();
    // A page holds at least one event, so a correct server needs at most n + 1 requests.
    for _ in 0..expect.n + 2 {
        let body = format!(
            r#"{{"logGroupName":"{}","logStreamName":"{}","startFromHead":{}"#,
            expect.group,
            expect.stream,
            direction == Direction::Forward
        );
        let body = close_with_token(body, token.as_deref())?;
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
