//! Fixtures preloaded in-process through `EmulatorBuilder::fixtures`.

use std::sync::Arc;

use cwlogs_emulator::{Emulator, ManualClock};

use crate::common::*;

fn repo_fixtures() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

#[tokio::test]
async fn shipped_fixtures_load_with_times_relative_to_the_clock() {
    let emulator = Emulator::builder()
        .clock(Arc::new(ManualClock::new(NOW)))
        .fixtures(repo_fixtures())
        .start()
        .await
        .unwrap();
    let client = client_for(&emulator, "us-east-1");
    let groups = client.describe_log_groups().send().await.unwrap();
    let names: Vec<_> = groups
        .log_groups()
        .iter()
        .map(|g| g.log_group_name().unwrap())
        .collect();
    assert_eq!(names, ["/app/web", "/seed/article"]);
    assert_eq!(groups.log_groups()[1].retention_in_days(), Some(14));
    let tags = client
        .list_tags_for_resource()
        .resource_arn(groups.log_groups()[0].log_group_arn().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        tags.tags().unwrap().get("team").map(String::as_str),
        Some("web")
    );

    let streams = client
        .describe_log_streams()
        .log_group_name("/seed/article")
        .send()
        .await
        .unwrap();
    let article = &streams.log_streams()[0];
    assert_eq!(article.log_stream_name(), Some("article-stream"));
    assert_eq!(article.last_event_timestamp(), Some(NOW - 60_000));
    assert_eq!(
        article.first_event_timestamp(),
        Some(NOW - 60_000 - 26_350 * 500)
    );

    let mut sizes = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .get_log_events()
            .log_group_name("/seed/article")
            .log_stream_name("article-stream")
            .start_from_head(true)
            .set_next_token(token.clone())
            .send()
            .await
            .unwrap();
        if token.is_none() {
            assert_eq!(out.events()[0].message(), Some("test message 00001"));
        }
        sizes.push(out.events().len());
        if out.next_forward_token() == token.as_deref() {
            break;
        }
        token = out.next_forward_token().map(str::to_owned);
    }
    assert_eq!(sizes, [10_000, 10_000, 6_351, 0]);
}

#[tokio::test]
async fn a_bad_fixture_stops_startup_naming_file_and_line() {
    let dir = std::env::temp_dir().join(format!("cwlogs-fixture-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("broken.ndjson");
    std::fs::write(&file, "{\"logGroupName\": \"ok\"}\n{\"logStreamName\": \"s\", \"timestamp\": -1, \"message\": \"m\"}\n").unwrap();
    let error = Emulator::builder()
        .fixtures(&file)
        .start()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("{}:2: timestamp must not be negative", file.display())
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
