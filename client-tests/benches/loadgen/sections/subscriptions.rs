//! (9): PutLogEvents throughput with two subscription filters that match every event, against
//! the same puts without filters, and every delivered event counted: each filter must have
//! delivered each event exactly once (read back from `GET /_cwlogs/deliveries`).

use std::collections::HashSet;
use std::time::Instant;

use cwlogs_emulator::SequenceTokenMode;
use serde::Deserialize;

use crate::http::{snippet, Http, Parts};
use crate::ingest::{put_batches, Tokens};
use crate::report::{rate, thousands, Report, Unit};
use crate::sizes::Sizes;
use crate::target::Target;
use crate::workload::{base_time, build_batches, writer_zero, Kind};
use crate::Res;

#[derive(Deserialize)]
struct Deliveries {
    deliveries: Vec<Delivery>,
    dropped: u64,
}

#[derive(Deserialize)]
struct Delivery {
    payload: Payload,
}

#[derive(Deserialize)]
struct Payload {
    #[serde(rename = "messageType")]
    message_type: String,
    #[serde(rename = "logEvents", default)]
    log_events: Vec<LogEvent>,
}

#[derive(Deserialize)]
struct LogEvent {
    id: String,
}

const FUNCTIONS: [&str; 2] = ["bench-a", "bench-b"];

fn function_arn(name: &str) -> String {
    format!("arn:aws:lambda:us-east-1:000000000000:function:{name}")
}

/// The deliveries to `arn`, drained from the outbox.
async fn drain(http: &Http, arn: &str) -> Res<Deliveries> {
    let uri: hyper::Uri = format!(
        "{}/_cwlogs/deliveries?destination={arn}&drain=true",
        http.base
    )
    .parse()?;
    let request = hyper::Request::get(uri).body(Parts::from(String::new()))?;
    let (status, body) = http.send(request).await?;
    if !status.is_success() {
        return Err(format!("GET /_cwlogs/deliveries: HTTP {status}: {}", snippet(&body)).into());
    }
    Ok(serde_json::from_slice(&body)?)
}

pub async fn run(target: &Target, sizes: &Sizes, report: &mut Report) -> Res<()> {
    if target.is_moto() {
        report.na(
            "subs_put",
            "PutLogEvents with 2 subscription filters",
            Unit::EventsPerSec,
            "not compared against moto",
        );
        return Ok(());
    }
    let server = target.server(SequenceTokenMode::Ignore).await?;
    let http = &server.http;
    let n = sizes.put;
    let base = base_time();
    let batches = build_batches(n, base, &writer_zero, Kind::Text);

    http.create_group("plain").await?;
    http.create_stream("plain", "s").await?;
    let started = Instant::now();
    put_batches(http, "plain", "s", &batches, Tokens::None).await?;
    let idle = rate(n, started.elapsed());

    http.create_group("subscribed").await?;
    http.create_stream("subscribed", "s").await?;
    for name in FUNCTIONS {
        let body = serde_json::json!({
            "logGroupName": "subscribed",
            "filterName": name,
            "filterPattern": "",
            "destinationArn": function_arn(name),
        });
        http.ok("PutSubscriptionFilter", body.to_string()).await?;
    }
    let started = Instant::now();
    put_batches(http, "subscribed", "s", &batches, Tokens::None).await?;
    let subscribed = rate(n, started.elapsed());

    let mut delivered = 0;
    for name in FUNCTIONS {
        let deliveries = drain(http, &function_arn(name)).await?;
        let mut ids = HashSet::with_capacity(n);
        let mut events = 0;
        for delivery in &deliveries.deliveries {
            if delivery.payload.message_type == "DATA_MESSAGE" {
                for event in &delivery.payload.log_events {
                    events += 1;
                    ids.insert(event.id.as_str());
                }
            }
        }
        if deliveries.dropped > 0 || events != n || ids.len() != n {
            report.failures.push(format!(
                "subscription {name}: {events} events delivered ({} distinct, {} deliveries dropped), {n} put",
                ids.len(),
                deliveries.dropped
            ));
        }
        delivered += events;
    }
    report.add(
        "subs_put_idle",
        "PutLogEvents, 1 writer, no subscription filter",
        Unit::EventsPerSec,
        idle,
        format!("{} events", thousands(n)),
    );
    report.add(
        "subs_put",
        "PutLogEvents, 1 writer, 2 subscription filters matching every event",
        Unit::EventsPerSec,
        subscribed,
        format!(
            "{} events; {} deliveries' events, each once per filter (verified)",
            thousands(n),
            thousands(delivered)
        ),
    );
    report.add(
        "subs_put_vs_idle",
        "  with 2 subscription filters / without",
        Unit::Times,
        subscribed / idle,
        "target >= 0.70",
    );
    server.stop().await;
    Ok(())
}
