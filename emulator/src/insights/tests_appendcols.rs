//! Table tests of `appendcols` (the Appendcols page) and of the function form
//! `unmask(@message)` (the "Help protect sensitive log data with masking" page).

use super::test_support::*;
use super::*;

/// Runs `query` over `events` (`(shown message, message as stored when masked)`, one second
/// apart, newest last) and returns its rows as they come out, `@ptr` included.
fn output_of(
    query: &Query,
    events: &[(&str, Option<&str>)],
    limit: usize,
) -> Vec<Vec<(String, String)>> {
    let events: Vec<_> = events
        .iter()
        .enumerate()
        .map(|(i, (message, unmasked))| TestEvent {
            unmasked: *unmasked,
            ..TestEvent::at(T0 + 1_000 * i as i64, message)
        })
        .collect();
    output(query, window(3_600_000), &events, limit).rows
}

fn plain(messages: &[&'static str]) -> Vec<(&'static str, Option<&'static str>)> {
    messages.iter().map(|m| (*m, None)).collect()
}

/// Runs `query` over `main`, its `appendcols` subqueries over `other` first (as the store
/// does: the subquery's rows without `@ptr`).
fn appended(query: &str, main: &[&'static str], other: &[&'static str]) -> Vec<String> {
    let query = compiled(query);
    for append in query.append_cols() {
        let rows = output_of(&append.query, &plain(other), append.max)
            .into_iter()
            .map(|row| row.into_iter().filter(|(f, _)| f != "@ptr").collect())
            .collect();
        append.rows.set(rows).unwrap();
    }
    lines(output_of(&query, &plain(main), 10_000))
}

const SERVICES: &[&str] = &[r#"{"svc":"api"}"#, r#"{"svc":"api"}"#, r#"{"svc":"web"}"#];

const LATENCIES: &[&str] = &[
    r#"{"svc":"api","latency":10}"#,
    r#"{"svc":"api","latency":20}"#,
    r#"{"svc":"web","latency":30}"#,
];

#[test]
fn appendcols_adds_the_subquery_columns_row_by_row_as_the_page_example() {
    // The Appendcols page's example.
    let example = "fields svc\n| stats count(*) as cnt by svc\n| appendcols override=true ( SOURCE lg | stats avg(latency) as avgLat by svc )";
    let parsed = parse(example).unwrap();
    let append = parsed.append_cols().next().expect("an appendcols");
    assert!(append.override_fields);
    assert_eq!(append.max, 10_000);
    assert_eq!(
        append.query.source.as_ref().map(|s| s.names.clone()),
        Some(vec!["lg".to_owned()])
    );
    assert_eq!(
        appended(example, SERVICES, LATENCIES),
        ["svc=api cnt=2 avgLat=15", "svc=web cnt=1 avgLat=30"]
    );
}

#[test]
fn appendcols_keeps_the_row_fields_unless_override_is_true() {
    let sub = "( SOURCE 'lg' | stats avg(latency) as avgLat by svc | sort svc desc )";
    // The positions meet whatever the values: row 0 (api) meets the subquery's web row.
    assert_eq!(
        appended(
            &format!("stats count(*) as cnt by svc | appendcols {sub}"),
            SERVICES,
            LATENCIES
        ),
        ["svc=api cnt=2 avgLat=30", "svc=web cnt=1 avgLat=15"]
    );
    assert_eq!(
        appended(
            &format!("stats count(*) as cnt by svc | appendcols override=false {sub}"),
            SERVICES,
            LATENCIES
        ),
        ["svc=api cnt=2 avgLat=30", "svc=web cnt=1 avgLat=15"]
    );
    assert_eq!(
        appended(
            &format!("stats count(*) as cnt by svc | appendcols override=TRUE {sub}"),
            SERVICES,
            LATENCIES
        ),
        ["svc=web cnt=2 avgLat=30", "svc=api cnt=1 avgLat=15"]
    );
}

#[test]
fn appendcols_adds_the_subquery_rows_past_the_last_row_up_to_max() {
    let sub = "( stats count(*) as n by latency | sort latency )";
    let main = "stats count(*) as total";
    assert_eq!(
        appended(&format!("{main} | appendcols {sub}"), SERVICES, LATENCIES),
        ["total=3 latency=10 n=1", "latency=20 n=1", "latency=30 n=1"]
    );
    assert_eq!(
        appended(
            &format!("{main} | appendcols max=2 {sub}"),
            SERVICES,
            LATENCIES
        ),
        ["total=3 latency=10 n=1", "latency=20 n=1"]
    );
    assert_eq!(
        appended(
            &format!("{main} | appendcols max=1 {sub}"),
            SERVICES,
            LATENCIES
        ),
        ["total=3 latency=10 n=1"]
    );
    // An empty subquery adds nothing.
    assert_eq!(
        appended(&format!("{main} | appendcols {sub}"), SERVICES, &[]),
        ["total=3"]
    );
}

#[test]
fn appendcols_after_events_shows_the_appended_fields_and_later_commands_read_them() {
    assert_eq!(
        appended(
            "fields svc | limit 2 | appendcols (stats count(*) as n)",
            SERVICES,
            LATENCIES
        ),
        ["svc=web n=3", "svc=api"]
    );
    assert_eq!(
        appended(
            "stats count(*) as cnt by svc | appendcols (stats sum(latency) as total) | filter total > 50 | fields cnt + total as both | display both",
            SERVICES,
            LATENCIES
        ),
        ["both=62"]
    );
}

#[test]
fn appendcols_misuse_is_a_located_compile_error() {
    let sub = "( SOURCE 'lg' | stats count(*) )";
    let cases: &[(String, &str)] = &[
        (
            format!("fields a | appendcols max=0 {sub}"),
            "appendcols max=0 is not valid: max takes a number of rows from 1 to 100000",
        ),
        (
            format!("fields a | appendcols max=100001 {sub}"),
            "appendcols max=100001 is not valid: max takes a number of rows from 1 to 100000",
        ),
        (
            format!("fields a | appendcols max=ten {sub}"),
            "appendcols max=ten is not valid: max takes a number of rows from 1 to 100000",
        ),
        (
            format!("fields a | appendcols override=yes {sub}"),
            "appendcols override=yes is not valid: override takes true or false",
        ),
        (
            format!("fields a | appendcols max=5 max=6 {sub}"),
            "max is given twice",
        ),
        (
            format!("fields a | appendcols limit=5 {sub}"),
            "unexpected 'limit': appendcols takes override=, max= and (subquery)",
        ),
        (
            "fields a | appendcols".to_owned(),
            "appendcols takes a subquery in parentheses: appendcols [override=true|false] [max=n] (subquery)",
        ),
        (
            "fields a | appendcols stats count(*)".to_owned(),
            "appendcols takes a subquery in parentheses: appendcols [override=true|false] [max=n] (subquery)",
        ),
        (
            "fields a | appendcols override=true".to_owned(),
            "appendcols takes a subquery in parentheses: appendcols [override=true|false] [max=n] (subquery)",
        ),
        (
            "fields a | appendcols ( stats count(*)".to_owned(),
            "expected ')' to close the subquery",
        ),
        (
            format!("fields a | appendcols ( fields b | appendcols {sub} )"),
            "nested subqueries are not supported",
        ),
        (
            "fields a | appendcols ( join left=x right=y where x.k=y.k (SOURCE 'g') )".to_owned(),
            "join is not supported inside the subquery of appendcols",
        ),
    ];
    for (query, message) in cases {
        let (start, end, got) = compile_error(query);
        assert_eq!(got, *message, "{query}");
        assert!(
            start <= end && end <= query.chars().count(),
            "{query}: {start}..{end}"
        );
    }
    // The value is what the location points at.
    let query = format!("fields a | appendcols max=0 {sub}");
    let (start, end, _) = compile_error(&query);
    assert_eq!(&query[start..end], "0");
}

#[test]
fn appendcols_subquery_source_takes_quoted_or_bare_names_or_none() {
    let names = |query: &str| {
        let parsed = parse(query).unwrap();
        let append = parsed.append_cols().next().unwrap();
        append.query.source.as_ref().map(|s| s.names.clone())
    };
    assert_eq!(
        names("stats count(*) | appendcols (SOURCE /aws/lambda/f | stats count(*) as n)"),
        Some(vec!["/aws/lambda/f".to_owned()])
    );
    assert_eq!(
        names("stats count(*) | appendcols (SOURCE 'a' \"b\" | stats count(*) as n)"),
        Some(vec!["a".to_owned(), "b".to_owned()])
    );
    assert_eq!(
        names("stats count(*) | appendcols (stats count(*) as n)"),
        None
    );
    // `json` is no Logs Insights command (it is Sumo Logic's): it answers as any unknown one.
    assert_eq!(
        compile_error("fields @message | json x"),
        (18, 22, "unknown command 'json'".to_owned())
    );
}

#[test]
fn unmask_function_shows_the_message_as_stored_beside_the_masked_one() {
    // The masking page's example query.
    let query =
        parse("fields @timestamp, @message, unmask(@message)\n| sort @timestamp desc\n| limit 20")
            .unwrap();
    assert!(query.calls_unmask && !query.unmask);
    assert_eq!(query.not_for_infrequent_access(), Some("unmask"));
    let events = [
        ("mail ****", Some("mail bob@example.com")),
        ("nothing to hide", None),
    ];
    let rows = lines(output_of(&query, &events, 10_000));
    assert_eq!(rows.len(), 2);
    assert!(
        rows[0].ends_with("@message=nothing to hide unmask(@message)=nothing to hide"),
        "{}",
        rows[0]
    );
    assert!(
        rows[1].ends_with("@message=mail **** unmask(@message)=mail bob@example.com"),
        "{}",
        rows[1]
    );
    // With a name, and in stats (read from the event in place).
    let named = parse("fields unmask(@message) as msg | filter msg like /bob/").unwrap();
    assert_eq!(
        lines(output_of(&named, &events, 10_000)),
        ["msg=mail bob@example.com"]
    );
    let grouped = parse("stats count(*) as n by unmask(@message) as raw | sort raw").unwrap();
    assert_eq!(
        lines(output_of(&grouped, &events, 10_000)),
        ["raw=mail bob@example.com n=1", "raw=nothing to hide n=1"]
    );
}

#[test]
fn unmask_function_takes_the_message_only() {
    assert_eq!(
        compile_error("fields unmask(email)"),
        (
            7,
            20,
            "unmask() takes @message: fields unmask(@message)".to_owned()
        )
    );
    assert_eq!(
        compile_error("fields unmask()").2,
        "unmask() takes 1 argument"
    );
    assert!(!parse("fields @message").unwrap().calls_unmask);
}

#[test]
fn limit_any_lets_the_scan_stop_once_enough_events_pass() {
    // The Limit page's example.
    let query = parse("fields @message | limit any 1").unwrap();
    assert!(query.limit_any);
    let run = Run::new(&query, window(3_600_000), 10_000);
    assert_eq!(run.stop_after(), Some(1));
    assert_eq!(
        lines(output_of(&query, &plain(&["a", "b"]), 10_000)),
        ["@message=b"]
    );
    // Without `any`, or where a sort or stats needs every event, the scan reads everything.
    for text in [
        "fields @message | limit 1",
        "sort @message | limit any 1",
        "stats count(*) | limit any 1",
    ] {
        let query = parse(text).unwrap();
        assert_eq!(
            Run::new(&query, window(3_600_000), 10_000).stop_after(),
            None,
            "{text}"
        );
    }
    assert_eq!(
        compile_error("fields @message | limit any 0"),
        (
            28,
            29,
            "limit takes a whole number of at least 1".to_owned()
        )
    );
}

#[test]
fn hashing_functions_in_fields_and_filter() {
    // The Hashing functions page: `md5` and `sha256` in `fields` and `filter`.
    assert_eq!(
        lines(output_of(
            &parse("fields md5(@message) as m, sha256(@message) as s | filter md5(@message) = \"900150983cd24fb0d6963f7d28e17f72\"").unwrap(),
            &plain(&["abc", "abd"]),
            10_000
        )),
        ["m=900150983cd24fb0d6963f7d28e17f72 s=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"]
    );
    // A missing field hashes to nothing.
    assert_eq!(
        lines(output_of(
            &parse("fields md5(nope) as m").unwrap(),
            &plain(&["abc"]),
            10_000
        )),
        [""]
    );
}
