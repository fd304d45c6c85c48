//! Logs Insights `appendcols` through the Rust SDK: the Appendcols page's example, its subquery
//! reading a second log group by `SOURCE`, and the located errors of its options.

use crate::common::{assert_aws_error, harness, service_error, Harness, MINUTE, NOW};
use crate::insights::{cells, finished};

/// Group "calls" (three service calls) and group "lg" (their latencies), ten minutes ago.
async fn services() -> Harness {
    let h = harness().await;
    for (group, messages) in [
        (
            "calls",
            [r#"{"svc":"api"}"#, r#"{"svc":"api"}"#, r#"{"svc":"web"}"#],
        ),
        (
            "lg",
            [
                r#"{"svc":"api","latency":10}"#,
                r#"{"svc":"api","latency":20}"#,
                r#"{"svc":"web","latency":30}"#,
            ],
        ),
    ] {
        h.group_and_stream(group, "s").await;
        let events: Vec<(i64, String)> = messages
            .iter()
            .enumerate()
            .map(|(i, m)| (NOW - 10 * MINUTE + i as i64 * 1000, (*m).to_owned()))
            .collect();
        h.put_all(group, "s", &events).await;
    }
    h
}

/// Runs `query` over group "calls" for the 20 minutes before NOW: its rows, `@ptr` left out.
async fn rows(h: &Harness, query: &str) -> Vec<Vec<(String, String)>> {
    let started = h
        .client
        .start_query()
        .log_group_name("calls")
        .start_time((NOW - 20 * MINUTE) / 1000)
        .end_time(NOW / 1000)
        .query_string(query)
        .send()
        .await
        .unwrap();
    let out = finished(h, started.query_id().unwrap()).await;
    assert_eq!(
        out.status(),
        Some(&aws_sdk_cloudwatchlogs::types::QueryStatus::Complete)
    );
    cells(&out)
        .into_iter()
        .map(|row| row.into_iter().filter(|(f, _)| f != "@ptr").collect())
        .collect()
}

fn row(cells: &[(&str, &str)]) -> Vec<(String, String)> {
    cells
        .iter()
        .map(|(f, v)| ((*f).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn appendcols_appends_the_second_groups_columns_as_the_page_example() {
    let h = services().await;
    let example = "fields svc\n| stats count(*) as cnt by svc\n| appendcols override=true ( SOURCE lg | stats avg(latency) as avgLat by svc )";
    assert_eq!(
        rows(&h, example).await,
        [
            row(&[("svc", "api"), ("cnt", "2"), ("avgLat", "15")]),
            row(&[("svc", "web"), ("cnt", "1"), ("avgLat", "30")]),
        ]
    );
    // Row i meets the subquery's row i: with override=false the row keeps its own svc.
    let reversed = "stats count(*) as cnt by svc | appendcols ( SOURCE 'lg' | stats avg(latency) as avgLat by svc | sort svc desc )";
    assert_eq!(
        rows(&h, reversed).await,
        [
            row(&[("svc", "api"), ("cnt", "2"), ("avgLat", "30")]),
            row(&[("svc", "web"), ("cnt", "1"), ("avgLat", "15")]),
        ]
    );
    // More subquery rows than rows: the extra ones follow, up to max.
    let extra = "stats count(*) as total | appendcols max=2 ( SOURCE 'lg' | stats count(*) as n by latency | sort latency )";
    assert_eq!(
        rows(&h, extra).await,
        [
            row(&[("total", "3"), ("latency", "10"), ("n", "1")]),
            row(&[("latency", "20"), ("n", "1")]),
        ]
    );
}

#[tokio::test]
async fn appendcols_options_are_checked_where_they_stand() {
    let h = services().await;
    for (query, start, end, message) in [
        (
            "fields svc | appendcols max=0 (stats count(*))",
            28,
            29,
            "appendcols max=0 is not valid: max takes a number of rows from 1 to 100000",
        ),
        (
            "fields svc | appendcols override=1 (stats count(*))",
            33,
            34,
            "appendcols override=1 is not valid: override takes true or false",
        ),
    ] {
        let error = service_error(
            h.client
                .start_query()
                .log_group_name("calls")
                .start_time(0)
                .end_time(NOW / 1000)
                .query_string(query)
                .send()
                .await,
        );
        assert_aws_error(&error, "MalformedQueryException", message);
        let aws_sdk_cloudwatchlogs::operation::start_query::StartQueryError::MalformedQueryException(
            malformed,
        ) = error
        else {
            panic!("a MalformedQueryException");
        };
        let location = malformed.query_compile_error().unwrap().location().unwrap();
        assert_eq!(
            (location.start_char_offset(), location.end_char_offset()),
            (Some(start), Some(end)),
            "{query}"
        );
    }
}
