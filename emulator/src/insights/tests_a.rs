//! Table tests of group a's commands: `filldown`, `fillmissing`, `accum`, `autoregress`, each
//! from its AWS page's example (CWL_QuerySyntax-<Name>), and their misuse.

use super::test_support::*;

const METRICS: &[&str] = &[
    r#"{"host":"a","cpu_user":1}"#,
    r#"{"cpu_system":2}"#,
    r#"{"host":"b"}"#,
    r#"{"cpu_user":3,"mem":7}"#,
];

#[test]
fn filldown_carries_the_last_value_down_as_the_page_shows() {
    // The page's example, rows newest first as Insights returns them.
    assert_eq!(
        rows_over(
            "fields @timestamp, host, cpu_user, cpu_system | filldown host cpu*",
            METRICS
        ),
        [
            "@timestamp=2026-01-01 00:00:03.000 cpu_user=3",
            "@timestamp=2026-01-01 00:00:02.000 host=b cpu_user=3",
            "@timestamp=2026-01-01 00:00:01.000 host=b cpu_user=3 cpu_system=2",
            "@timestamp=2026-01-01 00:00:00.000 host=a cpu_user=1 cpu_system=2",
        ]
    );
    // Oldest first after a sort; a field no pattern names is left alone.
    assert_eq!(
        rows_over(
            "fields host, cpu_user, cpu_system, mem | sort @timestamp asc | filldown host cpu* \
             | display host, cpu_user, cpu_system, mem",
            &[METRICS[3], METRICS[0], METRICS[1], METRICS[2]]
        ),
        [
            "cpu_user=3 mem=7",
            "host=a cpu_user=1",
            "host=a cpu_user=1 cpu_system=2",
            "host=b cpu_user=1 cpu_system=2",
        ]
    );
    // No field: every field is filled.
    assert_eq!(
        rows_over(
            "fields host, mem | sort @timestamp asc | filldown | display host, mem",
            &[METRICS[3], METRICS[2], METRICS[0]]
        ),
        ["mem=7", "host=b mem=7", "host=a mem=7"]
    );
}

#[test]
fn fillmissing_inserts_rows_for_empty_bins_as_the_page_shows() {
    let events = [
        (0, r#"{"latency":10}"#),
        (20_000, r#"{"latency":20}"#),
        (180_000, r#"{"latency":30}"#),
    ];
    // The page's example.
    assert_eq!(
        rows_at(
            "fields @timestamp, latency | stats avg(latency) as avg_latency by bin(1m) \
             | fillmissing with 0 for avg_latency",
            &events
        ),
        [
            "bin(1m)=2026-01-01 00:00:00.000 avg_latency=15",
            "bin(1m)=2026-01-01 00:01:00.000 avg_latency=0",
            "bin(1m)=2026-01-01 00:02:00.000 avg_latency=0",
            "bin(1m)=2026-01-01 00:03:00.000 avg_latency=30",
        ]
    );
    // Without `with`, an inserted row has only its bin.
    assert_eq!(
        rows_at(
            "stats count(*) as n by bin(1m) as minute | fillmissing",
            &events
        ),
        [
            "minute=2026-01-01 00:00:00.000 n=2",
            "minute=2026-01-01 00:01:00.000",
            "minute=2026-01-01 00:02:00.000",
            "minute=2026-01-01 00:03:00.000 n=1",
        ]
    );
    // Each series of the other by fields is filled between its own first and last bin.
    assert_eq!(
        rows_at(
            "stats count(*) as n by host, bin(1m) as minute | fillmissing with 0 for n, 'none' for note",
            &[
                (0, r#"{"host":"a"}"#),
                (120_000, r#"{"host":"a"}"#),
                (60_000, r#"{"host":"b"}"#),
            ]
        ),
        [
            "host=a minute=2026-01-01 00:00:00.000 n=1",
            "host=a minute=2026-01-01 00:01:00.000 n=0 note=none",
            "host=a minute=2026-01-01 00:02:00.000 n=1",
            "host=b minute=2026-01-01 00:01:00.000 n=1",
        ]
    );
}

#[test]
fn fillmissing_steps_calendar_months() {
    let day = 86_400_000;
    assert_eq!(
        rows_at(
            "stats count(*) as n by bin(1mo) as month | fillmissing with 0 for n",
            &[(0, "{}"), (31 * day + 28 * day + 14 * day, "{}")]
        ),
        [
            "month=2026-01-01 00:00:00.000 n=1",
            "month=2026-02-01 00:00:00.000 n=0",
            "month=2026-03-01 00:00:00.000 n=1",
        ]
    );
}

#[test]
fn accum_keeps_a_running_sum_as_the_page_shows() {
    let events = [
        r#"{"bytes":10}"#,
        r#"{"bytes":20}"#,
        r#"{"other":1}"#,
        r#"{"bytes":5}"#,
    ];
    // The page's example, sorted oldest first.
    assert_eq!(
        rows_over(
            "fields @timestamp, bytes | sort @timestamp asc | accum bytes AS totalBytes \
             | display bytes, totalBytes",
            &events
        ),
        [
            "bytes=10 totalBytes=10",
            "bytes=20 totalBytes=30",
            "totalBytes=30",
            "bytes=5 totalBytes=35",
        ]
    );
    // Unsorted, the sum runs down the newest-first rows; without AS the field takes it.
    assert_eq!(
        rows_over("fields bytes | accum bytes", &events),
        ["bytes=5", "bytes=5", "bytes=25", "bytes=35"]
    );
}

#[test]
fn autoregress_copies_earlier_rows_as_the_page_shows() {
    let events = [
        r#"{"bytes":1}"#,
        r#"{"bytes":2}"#,
        r#"{"bytes":3}"#,
        r#"{"bytes":4}"#,
        r#"{"bytes":5}"#,
    ];
    // The page's example: bytes_p1 through bytes_p4.
    assert_eq!(
        rows_over(
            "fields @timestamp, bytes | sort @timestamp asc | autoregress bytes p=1-4 \
             | display bytes, bytes_p1, bytes_p2, bytes_p3, bytes_p4",
            &events
        ),
        [
            "bytes=1",
            "bytes=2 bytes_p1=1",
            "bytes=3 bytes_p1=2 bytes_p2=1",
            "bytes=4 bytes_p1=3 bytes_p2=2 bytes_p3=1",
            "bytes=5 bytes_p1=4 bytes_p2=3 bytes_p3=2 bytes_p4=1",
        ]
    );
    // p defaults to 1; AS names a single lag, and prefixes a range's names.
    assert_eq!(
        rows_over("fields bytes | autoregress bytes | limit 2", &events),
        ["bytes=5", "bytes=4 bytes_p1=5"]
    );
    assert_eq!(
        rows_over(
            "fields bytes | sort @timestamp asc | autoregress bytes as prev p=2 | limit 3",
            &events
        ),
        ["bytes=1", "bytes=2", "bytes=3 prev=1"]
    );
    assert_eq!(
        rows_over(
            "fields bytes | sort @timestamp asc | autoregress bytes as b p=2-3 | limit 4",
            &events
        ),
        [
            "bytes=1",
            "bytes=2",
            "bytes=3 b_p2=1",
            "bytes=4 b_p2=2 b_p3=1"
        ]
    );
}

#[test]
fn misuse_of_group_a_commands_is_a_located_compile_error() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "fields x | filldown host =",
            "=",
            "filldown takes field names or wildcard patterns such as cpu*",
        ),
        (
            "fields x | fillmissing",
            "fillmissing",
            "fillmissing must follow stats ... by bin()",
        ),
        (
            "stats count(*) by host | fillmissing",
            "fillmissing",
            "fillmissing must follow stats ... by bin()",
        ),
        (
            "stats count(*) as n by bin(1m) | fillmissing with 0 n",
            " n",
            "expected 'for' and a field: fillmissing with value for field",
        ),
        (
            "stats count(*) as n by bin(1m) | fillmissing with zero for n",
            "zero",
            "fillmissing takes a number or a quoted text: with value for field",
        ),
        ("fields x | accum", "", "expected a field name"),
        ("fields x | accum x as", "", "expected a field name"),
        (
            "fields x | accum x y",
            "y",
            "unexpected 'y': commands are separated by '|'",
        ),
        (
            "fields x | autoregress x p=0",
            "0",
            "autoregress p takes whole numbers from 1 to 100",
        ),
        (
            "fields x | autoregress x p=101",
            "101",
            "autoregress p takes whole numbers from 1 to 100",
        ),
        (
            "fields x | autoregress x p=3-1",
            "p=3-1",
            "autoregress p=start-end needs end at least start",
        ),
        (
            "fields x | autoregress x p",
            "",
            "expected '=' after p: p=start[-end]",
        ),
    ];
    for (query, token, message) in cases {
        let (start, end, found) = compile_error(query);
        let at = if token.is_empty() {
            query.len()
        } else {
            query.rfind(token.trim()).unwrap()
        };
        assert_eq!(
            (start, found.as_str()),
            (at, *message),
            "{query}: error at {start}..{end}"
        );
        assert!(end >= start, "{query}");
    }
}
