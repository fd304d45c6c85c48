//! An emulator in-process, driven by the real Rust SDK: create a group and a stream, write two
//! events, and read them back. `cargo run -p cwlogs-emulator --example in_process`.

use aws_sdk_cloudwatchlogs::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use aws_sdk_cloudwatchlogs::{Client, Config};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // One call: an emulator on an ephemeral loopback port, stopped when `emulator` drops.
    let emulator = cwlogs_emulator::Emulator::start().await?;
    let config = Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(emulator.endpoint_url())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "example"))
        .build();
    let logs = Client::from_conf(config);

    logs.create_log_group().log_group_name("app").send().await?;
    logs.create_log_stream()
        .log_group_name("app")
        .log_stream_name("web")
        .send()
        .await?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis() as i64;
    let events = ["started", "serving"]
        .iter()
        .enumerate()
        .map(|(i, message)| {
            InputLogEvent::builder()
                .timestamp(now + i as i64)
                .message(*message)
                .build()
        })
        .collect::<Result<Vec<_>, _>>()?;
    logs.put_log_events()
        .log_group_name("app")
        .log_stream_name("web")
        .set_log_events(Some(events))
        .send()
        .await?;

    let page = logs
        .get_log_events()
        .log_group_name("app")
        .log_stream_name("web")
        .start_from_head(true)
        .send()
        .await?;
    for event in page.events() {
        println!("{}", event.message().unwrap_or_default());
    }
    // The same state, as the read-only view a test asserts on.
    let stored = emulator.store().events("us-east-1", "app", "web");
    assert_eq!(stored.map(|events| events.len()), Some(2));
    Ok(())
}
