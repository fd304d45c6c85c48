//! Table tests of group b's commands: `sessionize` and `expand`, each from its AWS page's
//! example (CWL_QuerySyntax-Sessionize, CWL_QuerySyntax-Expand), and their misuse.

use super::test_support::*;
use super::*;

const MINUTE: i64 = 60_000;

/// The rows of `query` over `(minutes after T0, message)` events in a one-day window, as the
/// query orders them.
fn rows_at(query: &str, events: &[(i64, &str)]) -> Vec<String> {
    let events: Vec<_> = events
        .iter()
        .map(|(minutes, m)| TestEvent::at(T0 + minutes * MINUTE, m))
        .collect();
    lines(output(&compiled(query), window(86_400_000), &events, 10_000).rows)
}

const SESSIONS: &[(i64, &str)] = &[
    (0, r#"{"userId":"u1","deviceId":"phone"}"#),
    (5, r#"{"userId":"u1","deviceId":"laptop"}"#),
    (50, r#"{"userId":"u1","deviceId":"phone"}"#),
    (110, r#"{"userId":"u1","deviceId":"phone"}"#),
    (171, r#"{"userId":"u1","deviceId":"phone"}"#),
    (172, r#"{"userId":"u2"}"#),
];

#[test]
fn sessionize_numbers_each_identitys_sessions_split_by_the_gap() {
    // The Sessionize page's example: sessions by user and device, a 1-hour inactivity gap.
    // u1/phone: 0, 50, 110 are each at most 60 minutes apart (one session); 171 is 61 after.
    assert_eq!(
        rows_at(
            "fields @timestamp, userId, deviceId \
             | sessionize userId, deviceId maxspan 1h as my_session \
             | sort @timestamp asc",
            SESSIONS
        ),
        [
            "@timestamp=2026-01-01 00:00:00.000 userId=u1 deviceId=phone my_session=1",
            "@timestamp=2026-01-01 00:05:00.000 userId=u1 deviceId=laptop my_session=2",
            "@timestamp=2026-01-01 00:50:00.000 userId=u1 deviceId=phone my_session=1",
            "@timestamp=2026-01-01 01:50:00.000 userId=u1 deviceId=phone my_session=1",
            "@timestamp=2026-01-01 02:51:00.000 userId=u1 deviceId=phone my_session=3",
            // No deviceId: no identity, no session.
            "@timestamp=2026-01-01 02:52:00.000 userId=u2",
        ]
    );
}

#[test]
fn sessionize_defaults_to_30_minutes_and_session_id() {
    // 0 and 5 (laptop aside) by user only: 0, 5 (5 apart), 50 (45 apart: new), 110 (new),
    // 171 (new), u2 at 172 its own.
    assert_eq!(
        rows_at(
            "sessionize userId | stats count(*) as n by session_id | sort session_id",
            SESSIONS
        ),
        [
            "session_id=1 n=2",
            "session_id=2 n=1",
            "session_id=3 n=1",
            "session_id=4 n=1",
            "session_id=5 n=1",
        ]
    );
    // Without fields or display the rows show the session beside @timestamp and @message.
    assert_eq!(
        rows_at("sessionize userId | limit 1", &SESSIONS[..1]),
        [
            r#"@timestamp=2026-01-01 00:00:00.000 @message={"userId":"u1","deviceId":"phone"} session_id=1"#
        ]
    );
}

#[test]
fn sessionize_misuse_is_refused_where_it_stands() {
    let (start, end, message) = compile_error("sessionize");
    assert_eq!((start, end), (0, 10), "{message}");
    let (start, end, message) = compile_error("sessionize maxspan 1h");
    assert_eq!((start, end), (0, 10), "{message}");
    let (start, end, message) = compile_error("sessionize userId maxspan forever");
    assert_eq!((start, end), (26, 33), "{message}");
    assert!(message.contains("maxspan"), "{message}");
    let (start, end, _) = compile_error("sessionize userId maxspan 0m");
    assert_eq!((start, end), (26, 28));
    let (start, _, message) = compile_error("sessionize userId as");
    assert_eq!(start, 20, "{message}");
    let (start, _, message) = compile_error("sessionize userId extra");
    assert_eq!(start, 18, "{message}");
}

const ITEMS: &[(i64, &str)] = &[
    (
        0,
        r#"{"items":["apple","banana","cherry"],"host":"web-01"}"#,
    ),
    (1, r#"{"items":[{"n":"kiwi","q":2}],"host":"web-02"}"#),
    (2, r#"{"items":[],"host":"web-03"}"#),
    (3, r#"{"host":"web-04"}"#),
];

#[test]
fn expand_gives_a_row_per_array_element() {
    // The Expand page's example: items = ["apple","banana","cherry"], host = "web-01" gives
    // three events, each with one item and the host.
    assert_eq!(
        rows_at(
            "filter host = \"web-01\" | expand items | stats count(*) by items, host | sort items",
            ITEMS
        ),
        [
            "items=apple host=web-01 count(*)=1",
            "items=banana host=web-01 count(*)=1",
            "items=cherry host=web-01 count(*)=1",
        ]
    );
    // Objects keep their keys below the field; no array (missing, or empty once flattened)
    // leaves the row as it was.
    assert_eq!(
        rows_at(
            "expand items | display host, items, items.n, items.q | sort @timestamp asc",
            ITEMS
        ),
        [
            "host=web-01 items=apple",
            "host=web-01 items=banana",
            "host=web-01 items=cherry",
            "host=web-02 items.n=kiwi items.q=2",
            "host=web-03",
            "host=web-04",
        ]
    );
}

#[test]
fn expand_reads_lists_and_json_text() {
    assert_eq!(
        rows_at(
            "fields jsonParse(@message) as j | expand j.items | display j.items",
            &ITEMS[..1]
        ),
        ["j.items=apple", "j.items=banana", "j.items=cherry"]
    );
    assert_eq!(
        rows_at(
            r#"parse @message "L *" as list | expand list | display list"#,
            &[(0, r#"L [1,"two"]"#)]
        ),
        ["list=1", "list=two"]
    );
    // An empty list gives no row.
    assert_eq!(
        rows_at(
            r#"parse @message "L *" as list | expand list | display list"#,
            &[(0, "L []")]
        ),
        Vec::<String>::new()
    );
}

#[test]
fn expand_misuse_is_refused_where_it_stands() {
    let (start, end, message) = compile_error("expand");
    assert_eq!((start, end), (6, 6), "{message}");
    let (start, _, message) = compile_error("expand a b");
    assert_eq!(start, 9, "{message}");
}

#[test]
fn no_newer_command_is_refused_as_unsupported() {
    // `appendcols` is built; `json` (Sumo Logic's syntax) is an unknown command.
    assert!(parse("appendcols ( SOURCE 'g' | stats count(*) )").is_ok());
    let (start, end, message) = compile_error("json field=x");
    assert_eq!((start, end), (0, 4));
    assert_eq!(message, "unknown command 'json'");
}
