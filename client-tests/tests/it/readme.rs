//! The README's Rust snippet, verbatim between the markers; `readme_shows_this_test` keeps the
//! two in step.

// README:begin
use aws_sdk_cloudwatchlogs::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cloudwatchlogs::{Client, Config};

#[tokio::test]
async fn writes_logs() {
    let emulator = cwlogs_emulator::Emulator::start().await.unwrap();
    let config = Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(emulator.endpoint_url())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "test"))
        .build();
    let client = Client::from_conf(config);
    let create = client.create_log_group().log_group_name("app");
    create.send().await.unwrap();
    let groups = client.describe_log_groups().send().await.unwrap();
    assert_eq!(groups.log_groups()[0].log_group_name(), Some("app"));
}
// README:end

#[test]
fn readme_shows_this_test() {
    let source = include_str!("readme.rs");
    let (_, rest) = source
        .split_once("// README:begin\n")
        .expect("the begin marker");
    let (snippet, _) = rest.split_once("// README:end").expect("the end marker");
    assert!(
        snippet.contains("async fn writes_logs()"),
        "the markers enclose the test: {snippet:?}"
    );
    let readme = include_str!("../../../README.md");
    assert_eq!(
        readme.matches("```rust\n").count(),
        1,
        "README.md has one Rust snippet"
    );
    assert!(
        readme.contains(&format!("```rust\n{snippet}```")),
        "README.md's Rust snippet differs from client-tests/tests/it/readme.rs"
    );
}
