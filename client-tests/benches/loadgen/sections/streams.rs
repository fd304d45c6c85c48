//! (5): CreateLogStream from concurrent clients, and DescribeLogStreams paging over many and
//! over few streams, every name listed once and in order.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cwlogs_emulator::SequenceTokenMode;
use serde::Deserialize;

use crate::http::Http;
use crate::report::{millis, percentile, rate, thousands, Report, Unit};
use crate::sizes::Sizes;
use crate::target::Target;
use crate::{BoxError, Res};

#[derive(Deserialize)]
pub struct StreamsPage {
    #[serde(rename = "logStreams", default)]
    pub log_streams: Vec<StreamName>,
    #[serde(rename = "nextToken")]
    pub next_token: Option<String>,
}

#[derive(Deserialize)]
pub struct StreamName {
    #[serde(rename = "logStreamName")]
    pub log_stream_name: String,
}

pub fn stream_name(i: usize) -> String {
    format!("stream-{i:06}")
}

pub async fn create_streams(http: &Http, group: &str, n: usize) -> Res<Duration> {
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
pub async fn describe_all(http: &Http, group: &str, n: usize) -> Res<(Duration, Vec<Duration>)> {
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

pub async fn run(target: &Target, sizes: &Sizes, report: &mut Report) -> Res<()> {
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
