//! The real `aws-sdk-cloudwatchlogs` (what users see, signing and serialization included):
//! PutLogEvents with chained tokens, then GetLogEvents paging under the same checks.

use std::time::Instant;

use aws_sdk_cloudwatchlogs as sdk;
use cwlogs_emulator::SequenceTokenMode;

use crate::checks::Expect;
use crate::report::{percentile, rate, thousands, Report, Unit};
use crate::sizes::Sizes;
use crate::target::Target;
use crate::workload::{base_time, push_text_message, ts_of, BATCH};
use crate::Res;

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

pub async fn run(target: &Target, sizes: &Sizes, report: &mut Report) -> Res<()> {
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

    let (mut check, mut tally) = Expect::one_writer("sdk", "seq", base, n).checks();
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
