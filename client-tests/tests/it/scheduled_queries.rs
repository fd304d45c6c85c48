//! Scheduled queries through the SDK: stored and described, run on the emulator's (manual)
//! clock through the Insights engine, results written to a lookup table or an S3 bucket
//! folder, each run in the history.

use std::sync::Arc;

use aws_sdk_cloudwatchlogs::types::{
    DestinationConfiguration, ExecutionStatus, LookupTableConfiguration, QueryLanguage,
    S3Configuration, ScheduledQueryState,
};
use aws_sdk_cloudwatchlogs::Client;
use cwlogs_emulator::{Emulator, ManualClock, SequenceTokenMode};

use crate::common::*;

const ROLE: &str = "arn:aws:iam::000000000000:role/scheduled";

async fn emulator(export_dir: Option<&std::path::Path>) -> (Emulator, ManualClock, Client) {
    emulator_at(NOW, export_dir).await
}

async fn emulator_at(
    start: i64,
    export_dir: Option<&std::path::Path>,
) -> (Emulator, ManualClock, Client) {
    let clock = ManualClock::new(start);
    let mut builder = Emulator::builder()
        .clock(Arc::new(clock.clone()))
        .sequence_tokens(SequenceTokenMode::Ignore);
    if let Some(dir) = export_dir {
        builder = builder.export_dir(dir);
    }
    let emulator = builder.start().await.unwrap();
    let client = client_for(&emulator, "us-east-1");
    (emulator, clock, client)
}

/// Waits until the scheduler has recorded `runs` runs of `name`.
async fn history(
    client: &Client,
    name: &str,
    runs: usize,
) -> Vec<aws_sdk_cloudwatchlogs::types::TriggerHistoryRecord> {
    scheduled_runs(client, name, runs, NOW + 400 * DAY).await
}

#[tokio::test]
async fn a_scheduled_query_runs_on_the_clock_and_fills_a_lookup_table() {
    let (emulator, clock, client) = emulator(None).await;
    group_with_streams(&client, "app", &["web"]).await;
    put_events(
        &client,
        "app",
        "web",
        &[
            (NOW - MINUTE, "user=alice status=500"),
            (NOW + MINUTE, "user=bob status=200"),
        ],
    )
    .await;
    let out = client
        .create_scheduled_query()
        .name("errors")
        .query_language(QueryLanguage::Cwli)
        .query_string("parse @message 'user=* status=*' as user, status | fields user, status | sort user asc")
        .log_group_identifiers("app")
        .schedule_expression("rate(5 minutes)")
        .start_time_offset(600)
        .execution_role_arn(ROLE)
        .destination_configuration(
            DestinationConfiguration::builder()
                .lookup_table_configuration(
                    LookupTableConfiguration::builder()
                        .table_name("users_seen")
                        .role_arn(ROLE)
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .tags("team", "obs")
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.scheduled_query_arn(),
        Some("arn:aws:logs:us-east-1:000000000000:scheduled-query:errors")
    );
    assert_eq!(out.state(), Some(&ScheduledQueryState::Enabled));
    let got = client
        .get_scheduled_query()
        .identifier("errors")
        .send()
        .await
        .unwrap();
    assert_eq!(got.schedule_expression(), Some("rate(5 minutes)"));
    assert_eq!(got.last_triggered_time(), None);
    assert_eq!(got.creation_time(), Some(NOW));

    // Nothing runs until the clock reaches the schedule.
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let none = client
        .get_scheduled_query_history()
        .identifier("errors")
        .start_time(0)
        .end_time(NOW + DAY)
        .send()
        .await
        .unwrap();
    assert!(none.trigger_history().is_empty());

    clock.advance(5 * MINUTE);
    let runs = history(&client, "errors", 1).await;
    let run = &runs[0];
    assert_eq!(run.execution_status(), Some(&ExecutionStatus::Complete));
    assert_eq!(run.triggered_timestamp(), Some(NOW + 5 * MINUTE));
    let [destination] = run.destinations() else {
        panic!("{run:?}")
    };
    assert_eq!(destination.destination_identifier(), Some("users_seen"));
    assert_eq!(destination.status().map(|s| s.as_str()), Some("COMPLETE"));
    // The query's rows are readable by its id, as any query's are.
    let rows = client
        .get_query_results()
        .query_id(run.query_id().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(rows.results().len(), 2);
    let table = client
        .get_lookup_table()
        .lookup_table_arn("arn:aws:logs:us-east-1:000000000000:lookup-table:users_seen")
        .send()
        .await
        .unwrap();
    assert_eq!(
        table.table_body(),
        Some("user,status\nalice,500\nbob,200\n")
    );
    assert_eq!(
        emulator
            .store()
            .lookup("us-east-1", "users_seen", "user", "bob"),
        Some(vec![
            ("user".into(), "bob".into()),
            ("status".into(), "200".into())
        ])
    );
    let got = client
        .get_scheduled_query()
        .identifier("errors")
        .send()
        .await
        .unwrap();
    assert_eq!(got.last_triggered_time(), Some(NOW + 5 * MINUTE));
    assert_eq!(
        got.last_execution_status(),
        Some(&ExecutionStatus::Complete)
    );

    // Two more periods pass at once: both runs happen, in order.
    clock.advance(10 * MINUTE);
    let runs = history(&client, "errors", 3).await;
    let times: Vec<_> = runs
        .iter()
        .map(|r| r.triggered_timestamp().unwrap())
        .collect();
    assert_eq!(
        times,
        [NOW + 5 * MINUTE, NOW + 10 * MINUTE, NOW + 15 * MINUTE]
    );

    // Disabled, it does not run.
    client
        .update_scheduled_query()
        .identifier("arn:aws:logs:us-east-1:000000000000:scheduled-query:errors")
        .query_language(QueryLanguage::Cwli)
        .query_string("fields @message")
        .log_group_identifiers("app")
        .schedule_expression("rate(5 minutes)")
        .execution_role_arn(ROLE)
        .state(ScheduledQueryState::Disabled)
        .send()
        .await
        .unwrap();
    clock.advance(10 * MINUTE);
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(history(&client, "errors", 3).await.len(), 3);
    let listed = client
        .list_scheduled_queries()
        .state(ScheduledQueryState::Disabled)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.scheduled_queries().len(), 1);
    let tags = client
        .list_tags_for_resource()
        .resource_arn("arn:aws:logs:us-east-1:000000000000:scheduled-query:errors")
        .send()
        .await
        .unwrap();
    assert_eq!(tags.tags().unwrap()["team"], "obs");

    client
        .delete_scheduled_query()
        .identifier("errors")
        .send()
        .await
        .unwrap();
    let err = client
        .get_scheduled_query()
        .identifier("errors")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_aws_error(
        &err,
        "ResourceNotFoundException",
        "The specified scheduled query does not exist.",
    );
}

#[tokio::test]
async fn results_go_to_an_s3_bucket_folder_and_bad_queries_are_recorded() {
    let dir = std::env::temp_dir().join(format!("cwlogs-scheduled-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("reports")).unwrap();
    let (_emulator, clock, client) = emulator(Some(&dir)).await;
    group_with_streams(&client, "app", &["web"]).await;
    put_events(&client, "app", "web", &[(NOW + 30_000, "hello")]).await;
    for (name, query) in [
        ("to_s3", "fields @message"),
        ("broken", "no_such_command @message"),
    ] {
        client
            .create_scheduled_query()
            .name(name)
            .query_language(QueryLanguage::Cwli)
            .query_string(query)
            .log_group_identifiers("arn:aws:logs:us-east-1:000000000000:log-group:app")
            .schedule_expression("cron(* * * * ? *)")
            .execution_role_arn(ROLE)
            .destination_configuration(
                DestinationConfiguration::builder()
                    .s3_configuration(
                        S3Configuration::builder()
                            .destination_identifier("s3://reports/daily")
                            .role_arn(ROLE)
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    clock.advance(MINUTE);
    let [run] = &history(&client, "to_s3", 1).await[..] else {
        panic!()
    };
    assert_eq!(run.execution_status(), Some(&ExecutionStatus::Complete));
    let processed = run.destinations()[0]
        .processed_identifier()
        .unwrap()
        .to_owned();
    assert_eq!(
        processed,
        format!("s3://reports/daily/to_s3/{}.json", run.query_id().unwrap())
    );
    let text = std::fs::read_to_string(dir.join(processed.trim_start_matches("s3://"))).unwrap();
    assert_eq!(text, "{\"@message\":\"hello\"}\n");
    let [broken] = &history(&client, "broken", 1).await[..] else {
        panic!()
    };
    assert_eq!(
        broken.execution_status(),
        Some(&ExecutionStatus::InvalidQuery)
    );
    assert!(broken.error_message().is_some());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A cron schedule in America/New_York across the end of DST (2026-11-01, when 01:30
/// happens twice): it follows the zone's wall clock and runs the repeated time once.
#[tokio::test]
async fn a_cron_schedule_follows_its_time_zone_across_dst() {
    const NOV_1: i64 = 1_793_491_200_000; // 2026-11-01T00:00:00Z
    let (_emulator, clock, client) = emulator_at(NOV_1 - 12 * HOUR, None).await;
    group_with_streams(&client, "app", &["web"]).await;
    client
        .create_scheduled_query()
        .name("nightly")
        .query_language(QueryLanguage::Cwli)
        .query_string("fields @message")
        .log_group_identifiers("app")
        .schedule_expression("cron(30 1 * * ? *)")
        .timezone("America/New_York")
        .execution_role_arn(ROLE)
        .send()
        .await
        .unwrap();
    let got = client
        .get_scheduled_query()
        .identifier("nightly")
        .send()
        .await
        .unwrap();
    assert_eq!(got.timezone(), Some("America/New_York"));
    let runs_so_far = |n: usize| {
        let client = client.clone();
        async move {
            tokio::time::sleep(std::time::Duration::from_millis(400)).await;
            let out = client
                .get_scheduled_query_history()
                .identifier("nightly")
                .start_time(0)
                .end_time(NOV_1 + 10 * DAY)
                .send()
                .await
                .unwrap();
            assert_eq!(out.trigger_history().len(), n, "{out:?}");
        }
    };

    // 01:30 UTC is not 01:30 in New York (it is 21:30 EDT the day before).
    clock.set(NOV_1 + 90 * MINUTE);
    runs_so_far(0).await;
    // 01:30 EDT is 05:30 UTC.
    clock.set(NOV_1 + 5 * HOUR + 30 * MINUTE);
    let runs = history(&client, "nightly", 1).await;
    assert_eq!(
        runs[0].triggered_timestamp(),
        Some(NOV_1 + 5 * HOUR + 30 * MINUTE)
    );
    // 01:30 EST (06:30 UTC) repeats the wall-clock time: no second run.
    clock.set(NOV_1 + 6 * HOUR + 45 * MINUTE);
    runs_so_far(1).await;
    // The next night 01:30 is EST, 06:30 UTC.
    clock.set(NOV_1 + DAY + 6 * HOUR + 30 * MINUTE);
    let runs = history(&client, "nightly", 2).await;
    assert_eq!(
        runs[1].triggered_timestamp(),
        Some(NOV_1 + DAY + 6 * HOUR + 30 * MINUTE)
    );

    let err = client
        .create_scheduled_query()
        .name("nowhere")
        .query_language(QueryLanguage::Cwli)
        .query_string("fields @message")
        .log_group_identifiers("app")
        .schedule_expression("cron(30 1 * * ? *)")
        .timezone("Mars/Olympus")
        .execution_role_arn(ROLE)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_aws_error(
        &err,
        "ValidationException",
        "Invalid timezone: Mars/Olympus is not a valid time zone.",
    );
}

#[tokio::test]
async fn invalid_scheduled_queries_get_aws_errors() {
    let h = harness().await;
    let create = |name: &str, schedule: &str| {
        h.client
            .create_scheduled_query()
            .name(name)
            .query_language(QueryLanguage::Cwli)
            .query_string("fields @message")
            .log_group_identifiers("app")
            .schedule_expression(schedule)
            .execution_role_arn(ROLE)
    };
    let err = create("bad", "every five minutes")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("ValidationException"));
    create("ok", "rate(1 hour)").send().await.unwrap();
    let err = create("ok", "rate(1 hour)")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_aws_error(
        &err,
        "ConflictException",
        "A scheduled query named ok already exists.",
    );
    let err = h
        .client
        .create_scheduled_query()
        .name("missing-role")
        .query_language(QueryLanguage::Cwli)
        .query_string("fields @message")
        .schedule_expression("rate(1 hour)")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_aws_error(
        &err,
        "ValidationException",
        "1 validation error detected: Value null at 'executionRoleArn' failed to satisfy \
         constraint: Member must not be null",
    );
    let err = create("s3", "rate(1 hour)")
        .destination_configuration(
            DestinationConfiguration::builder()
                .s3_configuration(
                    S3Configuration::builder()
                        .destination_identifier("https://bucket")
                        .role_arn(ROLE)
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("ValidationException"));
    let err = h
        .client
        .delete_scheduled_query()
        .identifier("nope")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("ResourceNotFoundException"));
    let err = h
        .client
        .get_scheduled_query_history()
        .identifier("ok")
        .start_time(0)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("ValidationException"));
}

#[tokio::test]
async fn results_go_to_the_s3_endpoint_with_a_signed_put_object() {
    let s3 = Recorder::start(|call| {
        let bucket = call.path.trim_start_matches('/').split('/').next();
        (bucket == Some("reports")).then(String::new)
    });
    let clock = ManualClock::new(NOW);
    let _emulator = Emulator::builder()
        .clock(Arc::new(clock.clone()))
        .sequence_tokens(SequenceTokenMode::Ignore)
        .s3_endpoint(&s3.url)
        .start()
        .await
        .unwrap();
    let client = client_for(&_emulator, "us-east-1");
    group_with_streams(&client, "app", &["web"]).await;
    put_events(&client, "app", "web", &[(NOW + 30_000, "hello")]).await;
    for (name, uri) in [
        ("to_s3", "s3://reports/daily"),
        ("nowhere", "s3://missing/x"),
    ] {
        client
            .create_scheduled_query()
            .name(name)
            .query_language(QueryLanguage::Cwli)
            .query_string("fields @message")
            .log_group_identifiers("arn:aws:logs:us-east-1:000000000000:log-group:app")
            .schedule_expression("cron(* * * * ? *)")
            .execution_role_arn(ROLE)
            .destination_configuration(
                DestinationConfiguration::builder()
                    .s3_configuration(
                        S3Configuration::builder()
                            .destination_identifier(uri)
                            .role_arn(ROLE)
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    clock.advance(MINUTE);
    let [run] = &history(&client, "to_s3", 1).await[..] else {
        panic!()
    };
    let key = format!("daily/to_s3/{}.json", run.query_id().unwrap());
    assert_eq!(
        run.destinations()[0].processed_identifier(),
        Some(format!("s3://reports/{key}").as_str())
    );
    let puts: Vec<Recorded> = s3
        .calls()
        .into_iter()
        .filter(|c| c.method == "PUT")
        .collect();
    let [put] = &puts[..] else { panic!("{puts:?}") };
    assert_eq!(put.path, format!("/reports/{key}"));
    assert!(put.headers["authorization"].contains("/us-east-1/s3/aws4_request"));
    assert_eq!(put.body, b"{\"@message\":\"hello\"}\n");
    let [missed] = &history(&client, "nowhere", 1).await[..] else {
        panic!()
    };
    let destination = &missed.destinations()[0];
    assert_eq!(
        destination.status().map(|s| s.as_str()),
        Some("CLIENT_ERROR")
    );
    assert_eq!(
        destination.error_message(),
        Some("The bucket missing does not exist.")
    );
}
