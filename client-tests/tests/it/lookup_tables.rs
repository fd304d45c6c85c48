//! Lookup tables through the SDK: CSV bodies and query results in, metadata and content out,
//! tags on their ARNs, AWS's errors; the parsed table as Insights' `lookup` reads it.

use aws_sdk_cloudwatchlogs::types::QueryStatus;
use aws_sdk_cloudwatchlogs::Client;
use cwlogs_emulator::Emulator;

use crate::common::*;

const CSV: &str = "user_id,name,team\n1,Alice,\"Payments, EU\"\n2,Bob,Search\n";

fn arn(name: &str) -> String {
    format!("arn:aws:logs:us-east-1:000000000000:lookup-table:{name}")
}

#[tokio::test]
async fn a_table_is_created_read_listed_updated_and_deleted() {
    let (emulator, client): (Emulator, Client) = started(Emulator::builder()).await;
    let out = client
        .create_lookup_table()
        .lookup_table_name("users")
        .description("who is who")
        .table_body(CSV)
        .tags("team", "obs")
        .send()
        .await
        .unwrap();
    assert_eq!(out.lookup_table_arn(), Some(arn("users").as_str()));
    assert_eq!(out.created_at(), Some(NOW));

    let got = client
        .get_lookup_table()
        .lookup_table_arn(arn("users"))
        .send()
        .await
        .unwrap();
    assert_eq!(got.lookup_table_name(), Some("users"));
    assert_eq!(got.description(), Some("who is who"));
    assert_eq!(got.table_body(), Some(CSV));
    assert_eq!(got.size_bytes(), Some(CSV.len() as i64));
    assert_eq!(got.last_updated_time(), Some(NOW));

    // What Insights' `lookup` reads: the parsed row, quotes undone.
    assert_eq!(
        emulator
            .store()
            .lookup("us-east-1", "users", "user_id", "1"),
        Some(vec![
            ("user_id".into(), "1".into()),
            ("name".into(), "Alice".into()),
            ("team".into(), "Payments, EU".into()),
        ])
    );
    assert_eq!(
        emulator
            .store()
            .lookup("us-east-1", "users", "user_id", "9"),
        None
    );

    client
        .create_lookup_table()
        .lookup_table_name("apps")
        .table_body("app\nweb\n")
        .send()
        .await
        .unwrap();
    let listed = client
        .describe_lookup_tables()
        .max_results(1)
        .send()
        .await
        .unwrap();
    let [first] = listed.lookup_tables() else {
        panic!("{listed:?}")
    };
    assert_eq!(first.lookup_table_name(), Some("apps"));
    assert_eq!(first.table_fields(), ["app"]);
    assert_eq!(first.records_count(), Some(1));
    let rest = client
        .describe_lookup_tables()
        .next_token(listed.next_token().unwrap())
        .send()
        .await
        .unwrap();
    let [users] = rest.lookup_tables() else {
        panic!("{rest:?}")
    };
    assert_eq!(users.table_fields(), ["user_id", "name", "team"]);
    assert_eq!(users.records_count(), Some(2));
    let prefixed = client
        .describe_lookup_tables()
        .lookup_table_name_prefix("us")
        .send()
        .await
        .unwrap();
    assert_eq!(prefixed.lookup_tables().len(), 1);

    let updated = client
        .update_lookup_table()
        .lookup_table_arn(arn("users"))
        .table_body("user_id,name\n3,Carol\n")
        .send()
        .await
        .unwrap();
    assert_eq!(updated.lookup_table_arn(), Some(arn("users").as_str()));
    assert_eq!(
        emulator
            .store()
            .lookup("us-east-1", "users", "name", "Carol"),
        Some(vec![
            ("user_id".into(), "3".into()),
            ("name".into(), "Carol".into())
        ])
    );
    let got = client
        .get_lookup_table()
        .lookup_table_arn(arn("users"))
        .send()
        .await
        .unwrap();
    assert_eq!(got.description(), Some("who is who"), "kept when not given");

    client
        .tag_resource()
        .resource_arn(arn("users"))
        .tags("env", "test")
        .send()
        .await
        .unwrap();
    let tags = client
        .list_tags_for_resource()
        .resource_arn(arn("users"))
        .send()
        .await
        .unwrap();
    assert_eq!(tags.tags().unwrap().len(), 2);

    client
        .delete_lookup_table()
        .lookup_table_arn(arn("users"))
        .send()
        .await
        .unwrap();
    let err = client
        .get_lookup_table()
        .lookup_table_arn(arn("users"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_aws_error(
        &err,
        "ResourceNotFoundException",
        "The specified lookup table does not exist.",
    );
    assert_eq!(
        emulator
            .store()
            .lookup("us-east-1", "users", "user_id", "3"),
        None
    );
}

#[tokio::test]
async fn a_table_can_hold_a_finished_querys_results() {
    let h = harness().await;
    h.group_and_stream("app", "web").await;
    h.put_all(
        "app",
        "web",
        &[
            (NOW - MINUTE, "user=1 ok".into()),
            (NOW - MINUTE + 1, "user=2 fail".into()),
        ],
    )
    .await;
    let started = h
        .client
        .start_query()
        .log_group_name("app")
        .start_time((NOW - 10 * MINUTE) / 1000)
        .end_time(NOW / 1000)
        .query_string("fields @message | sort @timestamp asc")
        .send()
        .await
        .unwrap();
    let id = started.query_id().unwrap();
    for _ in 0..400 {
        let out = h
            .client
            .get_query_results()
            .query_id(id)
            .send()
            .await
            .unwrap();
        if out.status() != Some(&QueryStatus::Running) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    h.client
        .create_lookup_table()
        .lookup_table_name("from_query")
        .query_id(id)
        .send()
        .await
        .unwrap();
    let got = h
        .client
        .get_lookup_table()
        .lookup_table_arn(arn("from_query"))
        .send()
        .await
        .unwrap();
    assert_eq!(got.table_body(), Some("@message\nuser=1 ok\nuser=2 fail\n"));
}

#[tokio::test]
async fn invalid_tables_get_aws_errors() {
    let h = harness().await;
    let err = h
        .client
        .create_lookup_table()
        .lookup_table_name("bad-name")
        .table_body(CSV)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_aws_error(
        &err,
        "InvalidParameterException",
        "1 validation error detected: Value at 'lookupTableName' failed to satisfy constraint: \
         Member must satisfy regular expression pattern: ^[a-zA-Z0-9_]+$",
    );
    let err = h
        .client
        .create_lookup_table()
        .lookup_table_name("both")
        .table_body(CSV)
        .query_id("q")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_aws_error(
        &err,
        "InvalidParameterException",
        "Specify either tableBody or queryId, but not both.",
    );
    let err = h
        .client
        .create_lookup_table()
        .lookup_table_name("ragged")
        .table_body("a,b\n1\n")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_aws_error(
        &err,
        "InvalidParameterException",
        "Invalid table body: Row 2 has 1 fields; the header row has 2.",
    );
    h.client
        .create_lookup_table()
        .lookup_table_name("once")
        .table_body(CSV)
        .send()
        .await
        .unwrap();
    let err = h
        .client
        .create_lookup_table()
        .lookup_table_name("once")
        .table_body(CSV)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("ResourceAlreadyExistsException"));
    let err = h
        .client
        .update_lookup_table()
        .lookup_table_arn(arn("missing"))
        .table_body(CSV)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("ResourceNotFoundException"));
    let err = h
        .client
        .delete_lookup_table()
        .lookup_table_arn("not-an-arn")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("InvalidParameterException"));
    let err = h
        .client
        .describe_lookup_tables()
        .max_results(101)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("InvalidParameterException"));
}
