//! (5): CreateLogStream from concurrent clients, and DescribeLogStreams paging over many and
//! over few streams, every name listed once and in order.

use std::time::{Duration, Instant};

use cwlogs_emulator::SequenceTokenMode;
use serde::Deserialize;

use crate::http::{close_with_token, Http};
use crate::report::{millis, percentile, rate, thousands, Report, Unit};
use crate::sizes::Sizes;
use crate::target::Target;
use crate::workers::share_out;
use crate::Res;

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
    let started = Instant::now();
    share_out(8, n, 1, |claims| {
        let (http, group) = (http.clone(), group.to_owned());
        async move {
            while let Some(i) = claims.next() {
                http.create_stream(&group, &stream_name(i)).await?;
            }
            Ok(())
        }
    })
    .await?;
    Ok(started.elapsed())
}

/// Pages through every stream of `group` (limit 50) and checks names come once, in order.
async fn describe_all(http: &Http, group: &str, n: usize) -> Res<(Duration, Vec<Duration>)> {
    let mut token: Option<String> = None;
    let mut latencies = Vec::new();
    let mut seen = 0;
    let started = Instant::now();
    for _ in 0..n / 50 + 2 {
        let body = format!(r#"{{"logGroupName":"{group}","limit":50"#);
        let body = close_with_token(body, token.as_deref())?;
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
    report.percentiles(
        "describe_many_page",
        "  DescribeLogStreams page",
        &latencies,
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
