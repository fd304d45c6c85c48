//! Table tests of the time-series functions page (issue 22): `rate`, `count_over_time`,
//! `sum_over_time`, `histogram` and `stats ... by bin() offset d`, with hand-computed
//! expectations; the `limit` bound of the Limit page; what a subquery refuses on Infrequent
//! Access groups.

use super::test_support::*;
use super::*;

/// A counter and a latency at known times: 0 s, 30 s, 60 s, 90 s, 120 s (no latency there).
const SERIES: &[(i64, &str)] = &[
    (0, r#"{"counter":100,"latency":10}"#),
    (30_000, r#"{"counter":130,"latency":20}"#),
    (60_000, r#"{"counter":160,"latency":30}"#),
    (90_000, r#"{"counter":250,"latency":40}"#),
    (120_000, r#"{"counter":250}"#),
];

fn rows(query: &str) -> Vec<String> {
    rows_at(query, SERIES)
}

#[test]
fn count_over_time_counts_events_with_the_field_per_bin_and_over_the_window() {
    let expected = [
        "bin(1m)=2026-01-01 00:00:00.000 count_over_time(latency)=2",
        "bin(1m)=2026-01-01 00:01:00.000 count_over_time(latency)=2",
        "bin(1m)=2026-01-01 00:02:00.000 count_over_time(latency)=0",
    ];
    assert_eq!(rows("stats count_over_time(latency) by bin(1m)"), expected);
    // The camel-case spelling of some translations is the same function.
    assert_eq!(
        rows("stats countOverTime(latency) as n by bin(1m)"),
        [
            "bin(1m)=2026-01-01 00:00:00.000 n=2",
            "bin(1m)=2026-01-01 00:01:00.000 n=2",
            "bin(1m)=2026-01-01 00:02:00.000 n=0",
        ]
    );
    assert_eq!(
        rows("stats count_over_time(latency), count_over_time(counter)"),
        ["count_over_time(latency)=4 count_over_time(counter)=5"]
    );
}

#[test]
fn sum_over_time_sums_the_field_per_bin_and_over_the_window() {
    assert_eq!(
        rows("stats sum_over_time(latency) by bin(1m)"),
        [
            "bin(1m)=2026-01-01 00:00:00.000 sum_over_time(latency)=30",
            "bin(1m)=2026-01-01 00:01:00.000 sum_over_time(latency)=70",
            "bin(1m)=2026-01-01 00:02:00.000 sum_over_time(latency)=0",
        ]
    );
    assert_eq!(rows("stats sumOverTime(latency) as total"), ["total=100"]);
}

#[test]
fn rate_is_the_change_between_the_earliest_and_latest_event_per_interval() {
    // (250 - 100) over 120 s, per minute: 75.
    assert_eq!(rows("stats rate(counter, 1m)"), ["rate(counter, 1m)=75"]);
    // Per second, per one-minute bin: (130-100)/30 = 1, (250-160)/30 = 3; the last bin has
    // one event: 0.
    assert_eq!(
        rows("stats rate(counter, 1s) as per_second by bin(1m)"),
        [
            "bin(1m)=2026-01-01 00:00:00.000 per_second=1",
            "bin(1m)=2026-01-01 00:01:00.000 per_second=3",
            "bin(1m)=2026-01-01 00:02:00.000 per_second=0",
        ]
    );
    // A falling value gives a negative rate (no counter-reset handling); per 2 hours.
    assert_eq!(
        rows_at(
            "stats rate(v, 2h)",
            &[(0, r#"{"v":10}"#), (3_600_000, r#"{"v":4}"#)]
        ),
        ["rate(v, 2h)=-12"]
    );
    // A group without a numeric value has no rate.
    assert_eq!(rows("stats rate(missing, 1m), count(*)"), ["count(*)=5"]);
}

#[test]
fn rate_does_not_depend_on_the_order_events_arrive_in() {
    // Two events share each end's timestamp: the smaller value counts as the earlier.
    let events = [
        (0, r#"{"c":7}"#),
        (10_000, r#"{"c":30}"#),
        (0, r#"{"c":5}"#),
        (10_000, r#"{"c":25}"#),
    ];
    let mut reversed = events;
    reversed.reverse();
    // (30 - 5) / 10 s, per second.
    assert_eq!(rows_at("stats rate(c, 1s)", &events), ["rate(c, 1s)=2.5"]);
    assert_eq!(rows_at("stats rate(c, 1s)", &reversed), ["rate(c, 1s)=2.5"]);
    // Events all at one instant: 0.
    assert_eq!(
        rows_at("stats rate(c, 1s)", &[(0, r#"{"c":1}"#), (0, r#"{"c":9}"#)]),
        ["rate(c, 1s)=0"]
    );
}

#[test]
fn histogram_counts_equal_width_buckets_between_min_and_max() {
    // 10, 20, 30, 40 in 3 buckets of width 10; the last one is closed.
    assert_eq!(
        rows("stats histogram(latency, 3)"),
        [r#"histogram(latency, 3)={"[10,20)":1,"[20,30)":1,"[30,40]":2}"#]
    );
    assert_eq!(
        rows("stats histogram(latency, 1) as h"),
        [r#"h={"[10,40]":4}"#]
    );
    // Empty buckets are listed with 0; non-integer bounds print as numbers do.
    assert_eq!(
        rows("stats histogram(latency, 4) as h"),
        [r#"h={"[10,17.5)":1,"[17.5,25)":1,"[25,32.5)":1,"[32.5,40]":1}"#]
    );
    assert_eq!(
        rows_at(
            "stats histogram(v, 5) as h",
            &[(0, r#"{"v":0}"#), (1, r#"{"v":1}"#), (2, r#"{"v":10}"#)]
        ),
        [r#"h={"[0,2)":2,"[2,4)":0,"[4,6)":0,"[6,8)":0,"[8,10]":1}"#]
    );
    // All values equal: one bucket.
    assert_eq!(
        rows("filter counter = 250 | stats histogram(counter, 10) as h"),
        [r#"h={"[250,250]":2}"#]
    );
    // Per group.
    assert_eq!(
        rows("stats histogram(latency, 2) as h by bin(1m)"),
        [
            r#"bin(1m)=2026-01-01 00:00:00.000 h={"[10,15)":1,"[15,20]":1}"#,
            r#"bin(1m)=2026-01-01 00:01:00.000 h={"[30,35)":1,"[35,40]":1}"#,
            "bin(1m)=2026-01-01 00:02:00.000",
        ]
    );
}

/// The buckets of a `histogram(v, n) as h` row as `(key, count)` pairs in their order.
fn buckets_of(row: &str) -> Vec<(String, u64)> {
    let json = row.strip_prefix("h=").expect("an h field");
    let mut keys = Vec::new();
    let mut rest = json;
    while let Some(at) = rest.find("\":") {
        let start = rest[..at].rfind('"').unwrap();
        keys.push(rest[start + 1..at].to_owned());
        rest = &rest[at + 2..];
    }
    let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(json).unwrap();
    keys.into_iter()
        .map(|k| {
            let n = map[&k].as_u64().unwrap();
            (k, n)
        })
        .collect()
}

#[test]
fn histogram_keys_stay_unique_and_finite_at_the_ends_of_the_number_line() {
    // A span wider than f64::MAX: the bounds are computed in halves, none is NaN or inf.
    let row = rows_at(
        "stats histogram(v, 4) as h",
        &[
            (0, r#"{"v":-1e308}"#),
            (1, r#"{"v":0}"#),
            (2, r#"{"v":1e308}"#),
        ],
    );
    let buckets = buckets_of(&row[0]);
    assert_eq!(buckets.len(), 4, "{buckets:?}");
    assert_eq!(buckets.iter().map(|(_, n)| n).sum::<u64>(), 3);
    assert!(
        buckets
            .iter()
            .all(|(k, _)| !k.contains("NaN") && !k.contains("inf")),
        "{buckets:?}"
    );
    // Ranges narrower than the numbers' precision print alike: folded into the next range,
    // so no key repeats and the counts still add up.
    let row = rows_at(
        "stats histogram(v, 1000) as h",
        &[
            (0, r#"{"v":10000000000000000}"#),
            (1, r#"{"v":10000000000000002}"#),
        ],
    );
    let buckets = buckets_of(&row[0]);
    let mut keys: Vec<_> = buckets.iter().map(|(k, _)| k.clone()).collect();
    keys.dedup();
    assert_eq!(keys.len(), buckets.len(), "{buckets:?}");
    assert_eq!(
        buckets.iter().map(|(_, n)| n).sum::<u64>(),
        2,
        "{buckets:?}"
    );
    assert!(buckets.last().unwrap().0.ends_with(']'), "{buckets:?}");
}

#[test]
fn offset_moves_events_into_later_bins_and_names_the_earlier_window() {
    let query = parse("stats count(*) by bin(1m) offset 1h").unwrap();
    assert_eq!(query.bin_offset_ms(), 3_600_000);
    assert_eq!(
        parse("stats count(*) by bin(1m)").unwrap().bin_offset_ms(),
        0
    );
    assert_eq!(
        rows("stats count(*) by bin(1m) offset 1h"),
        [
            "bin(1m)=2026-01-01 01:00:00.000 count(*)=2",
            "bin(1m)=2026-01-01 01:01:00.000 count(*)=2",
            "bin(1m)=2026-01-01 01:02:00.000 count(*)=1",
        ]
    );
    // The page's second example; a shift that is no whole number of bins moves the edges.
    assert_eq!(
        rows("stats avg(latency) by bin(1m) offset 1d"),
        [
            "bin(1m)=2026-01-02 00:00:00.000 avg(latency)=15",
            "bin(1m)=2026-01-02 00:01:00.000 avg(latency)=35",
            "bin(1m)=2026-01-02 00:02:00.000",
        ]
    );
    assert_eq!(
        rows("stats count(*) as n by bin(1m) offset 30s"),
        [
            "bin(1m)=2026-01-01 00:00:00.000 n=1",
            "bin(1m)=2026-01-01 00:01:00.000 n=2",
            "bin(1m)=2026-01-01 00:02:00.000 n=2",
        ]
    );
    // Other groups beside the bin keep their values.
    assert_eq!(
        parse("stats count(*) by bin(5m), level offset 2h")
            .unwrap()
            .bin_offset_ms(),
        7_200_000
    );
}

#[test]
fn misused_time_series_functions_and_offset_are_located_compile_errors() {
    let at = |query: &str, part: &str| {
        let start = query.find(part).expect("part of the query");
        (start, start + part.len())
    };
    let cases: &[(&str, &str, &str)] = &[
        (
            "stats count(*) offset 1h",
            "offset",
            "offset must follow stats ... by bin(period): stats count(*) by bin(5m) offset 1h",
        ),
        (
            "stats count(*) by level offset 1h",
            "offset",
            "offset must follow stats ... by bin(period): stats count(*) by bin(5m) offset 1h",
        ),
        (
            "stats count(*) by bin(1m) offset 1mo",
            "1mo",
            "offset takes a duration such as 5m, 1h or 1d",
        ),
        (
            "stats count(*) by bin(1m) offset soon",
            "soon",
            "offset takes a duration such as 5m, 1h or 1d",
        ),
        (
            "stats histogram(latency, 0)",
            "0",
            "histogram() takes a whole number of buckets from 1 to 1000: histogram(field, 10)",
        ),
        (
            "stats histogram(latency, 1001)",
            "1001",
            "histogram() takes a whole number of buckets from 1 to 1000: histogram(field, 10)",
        ),
        (
            "stats histogram(latency, 2.5)",
            "2.5",
            "histogram() takes a whole number of buckets from 1 to 1000: histogram(field, 10)",
        ),
        (
            "stats rate(counter, 1mo)",
            "1mo",
            "rate() takes an interval such as 1s, 5m or 1h: rate(field, 1m)",
        ),
        (
            "stats rate(counter, 5)",
            "5",
            "rate() takes an interval such as 1s, 5m or 1h: rate(field, 1m)",
        ),
        (
            "fields rate(counter, 1m)",
            "rate",
            "the aggregation rate() is allowed only in stats",
        ),
        (
            "fields histogram(latency, 2)",
            "histogram",
            "the aggregation histogram() is allowed only in stats",
        ),
    ];
    for (query, part, message) in cases {
        let (start, end) = at(query, part);
        assert_eq!(
            compile_error(query),
            (start, end, (*message).to_owned()),
            "{query}"
        );
    }
    // A missing second argument is an error after the field.
    let (start, _, message) = compile_error("stats rate(counter)");
    assert_eq!(
        (start, message.as_str()),
        (18, "expected ',' and an interval in rate(field, interval)")
    );
    let (_, _, message) = compile_error("stats histogram(latency)");
    assert_eq!(
        message,
        "expected ',' and a bucket count in histogram(field, buckets)"
    );
}

#[test]
fn limit_is_at_most_100000() {
    assert!(parse("fields @message | limit 100000").is_ok());
    assert!(parse("fields @message | limit any 100000").is_ok());
    for query in [
        "fields @message | limit 100001",
        "fields @message | limit any 100001",
        "fields @message | limit 99999999999999999999999",
    ] {
        let digits = query.rfind(' ').unwrap() + 1;
        assert_eq!(
            compile_error(query),
            (
                digits,
                query.len(),
                "limit takes a whole number from 1 to 100000".to_owned()
            ),
            "{query}"
        );
    }
}

#[test]
fn the_pages_examples_compile() {
    for query in [
        "stats count(*) by bin(5m) offset 1h",
        "stats avg(latency) by bin(1m) offset 1d",
        "stats rate(bytes, 5m) by bin(5m)",
        "stats count_over_time(@message) by bin(1m)",
        "stats sum_over_time(bytes) by bin(1h)",
        "stats histogram(latency, 10)",
    ] {
        assert!(parse(query).is_ok(), "{query}");
    }
}

#[test]
fn a_subquery_knows_its_own_infrequent_access_refusals() {
    // unmask() inside a subquery is the subquery's (checked over its SOURCE groups) and the
    // outer query's (which chooses how groups are read).
    let query =
        parse("stats count(*) as n | appendcols ( SOURCE 'archive' | fields unmask(@message) )")
            .unwrap();
    let append = query.append_cols().next().expect("an appendcols");
    assert_eq!(append.query.not_for_infrequent_access(), Some("unmask"));
    assert!(query.calls_unmask);
    // Only the query that calls it.
    let query = parse(
        "fields unmask(@message) as raw | appendcols ( SOURCE 'archive' | stats count(*) as n )",
    )
    .unwrap();
    let append = query.append_cols().next().expect("an appendcols");
    assert_eq!(append.query.not_for_infrequent_access(), None);
    assert_eq!(query.not_for_infrequent_access(), Some("unmask"));
    let subquery = parse("filter f in (SOURCE 'archive' | fields unmask(@message) as f)").unwrap();
    assert_eq!(
        subquery.subqueries()[0].query.not_for_infrequent_access(),
        Some("unmask")
    );
}
