//! Table tests of the query language: each query over a small known log, with the rows it
//! must return; compile errors with their locations; a proptest that parsing never panics.

use proptest::prelude::*;

use super::test_support::*;
use super::*;

/// Eight events, one second apart: text lines and JSON lines, two streams.
fn log() -> Vec<(i64, &'static str, &'static str)> {
    vec![
        (T0, "web", "INFO start user=alice latency=12"),
        (T0 + 1_000, "web", "ERROR failed user=bob latency=250"),
        (
            T0 + 2_000,
            "api",
            r#"{"level":"INFO","latency":100,"service":"api","user":{"id":7}}"#,
        ),
        (
            T0 + 3_000,
            "api",
            r#"{"level":"ERROR","latency":300,"service":"api","tags":["a","b"]}"#,
        ),
        (
            T0 + 4_000,
            "api",
            r#"{"level":"INFO","latency":50,"service":"auth"}"#,
        ),
        (T0 + 5_000, "web", "WARN slow user=carol latency=900"),
        (T0 + 6_000, "web", "INFO done user=alice latency=30"),
        (T0 + 301_000, "web", "ERROR again user=dave latency=5"),
    ]
}

fn run(query: &str) -> Output {
    let events: Vec<_> = log()
        .into_iter()
        .map(|(timestamp, stream, message)| TestEvent {
            log_stream: stream,
            ..TestEvent::at(timestamp, message)
        })
        .collect();
    output(&compiled(query), window(3_600_000), &events, 10_000)
}

/// The rows as `field=value` strings, without `@ptr`.
fn rows(query: &str) -> Vec<String> {
    lines(run(query).rows)
}

#[test]
fn a_filter_alone_returns_timestamp_and_message_newest_first_with_ptr() {
    let out = run("filter @message like /ERROR/");
    assert_eq!(
        out.rows,
        vec![
            vec![
                (
                    "@timestamp".to_owned(),
                    "2026-01-01 00:05:01.000".to_owned()
                ),
                (
                    "@message".to_owned(),
                    "ERROR again user=dave latency=5".to_owned()
                ),
                ("@ptr".to_owned(), "ptr7".to_owned()),
            ],
            vec![
                (
                    "@timestamp".to_owned(),
                    "2026-01-01 00:00:03.000".to_owned()
                ),
                ("@message".to_owned(), log()[3].2.to_owned()),
                ("@ptr".to_owned(), "ptr3".to_owned()),
            ],
            vec![
                (
                    "@timestamp".to_owned(),
                    "2026-01-01 00:00:01.000".to_owned()
                ),
                (
                    "@message".to_owned(),
                    "ERROR failed user=bob latency=250".to_owned()
                ),
                ("@ptr".to_owned(), "ptr1".to_owned()),
            ],
        ]
    );
    assert_eq!((out.records_scanned, out.records_matched), (8, 3));
    assert_eq!(
        out.bytes_scanned,
        log().iter().map(|e| e.2.len() as u64).sum::<u64>()
    );
}

#[test]
fn fields_sort_limit() {
    assert_eq!(
        rows("fields @timestamp, @message | sort @timestamp desc | limit 2"),
        [
            "@timestamp=2026-01-01 00:05:01.000 @message=ERROR again user=dave latency=5",
            "@timestamp=2026-01-01 00:00:06.000 @message=INFO done user=alice latency=30",
        ]
    );
    assert_eq!(
        rows("fields @logStream | sort @timestamp asc | limit 3"),
        ["@logStream=web", "@logStream=web", "@logStream=api"]
    );
}

#[test]
fn json_fields_are_flattened_with_dots_and_indexes() {
    assert_eq!(
        rows(
            "filter ispresent(level) | fields level, latency, user.id, tags.1 | sort latency desc"
        ),
        [
            "level=ERROR latency=300 tags.1=b",
            "level=INFO latency=100 user.id=7",
            "level=INFO latency=50",
        ]
    );
}

#[test]
fn stats_with_groups_and_bins() {
    // Events without the field form a group of their own, listed first, without the field.
    assert_eq!(
        rows("stats count(*) as n by service"),
        ["n=5", "service=api n=2", "service=auth n=1"]
    );
    assert_eq!(
        rows("filter @message like /ERROR/ | stats count(*) by bin(5m)"),
        [
            "bin(5m)=2026-01-01 00:00:00.000 count(*)=2",
            "bin(5m)=2026-01-01 00:05:00.000 count(*)=1",
        ]
    );
    assert_eq!(
        rows("filter ispresent(latency) | stats avg(latency), max(latency), min(latency), sum(latency), pct(latency, 50)"),
        ["avg(latency)=150 max(latency)=300 min(latency)=50 sum(latency)=450 pct(latency, 50)=100"]
    );
}

#[test]
fn parse_glob_and_regex() {
    assert_eq!(
        rows(
            r#"filter @logStream = "web" | parse @message "user=* latency=*" as user, ms | filter ms > 20 | sort ms desc | fields user"#
        ),
        ["user=carol ms=900", "user=bob ms=250", "user=alice ms=30"]
    );
    assert_eq!(
        rows(
            r#"parse @message /user=(?<who>\w+)/ | filter ispresent(who) | stats count_distinct(who) as people"#
        ),
        ["people=4"]
    );
}

#[test]
fn operators_and_functions() {
    assert_eq!(
        rows(
            r#"filter level in ["ERROR", "WARN"] or @message like "WARN" | fields toupper(@logStream) as s, strlen(@logStream) as n"#
        ),
        ["s=WEB n=3", "s=API n=3"]
    );
    assert_eq!(
        rows(
            r#"filter @message =~ /(?i)^info/ and not @message like "start" | fields concat(@logStream, "-", "x") as c | limit 1"#
        ),
        ["c=web-x"]
    );
    assert_eq!(
        rows("filter latency >= 100 and latency < 300 | fields latency * 2 + 1 as v"),
        ["v=201"]
    );
}

#[test]
fn documented_function_examples() {
    let one = |expr: &str| rows(&format!("fields {expr} as v | limit 1"))[0].clone();
    assert_eq!(one(r#"ltrim("xyZxyfooxyZ", "xyZ")"#), "v=fooxyZ");
    assert_eq!(one(r#"rtrim("xyZfooxyxyZ", "xyZ")"#), "v=xyZfoo");
    assert_eq!(one(r#"trim("xyZxyfooxyxyZ", "xyZ")"#), "v=foo");
    assert_eq!(one(r#"substr("xyZfooxyZ", 3, 3)"#), "v=foo");
    assert_eq!(one("2 ^ 3"), "v=8");
    assert_eq!(one("10 % 3"), "v=1");
    assert_eq!(one("round(2.567, 2)"), "v=2.57");
    assert_eq!(one(r#"if(2 > 1, "yes", "no")"#), "v=yes");
    assert_eq!(one(r#"case(1 > 2, "a", 3 > 2, "b", "c")"#), "v=b");
    assert_eq!(one(r#"isIpInSubnet("192.0.2.7", "192.0.2.0/24")"#), "v=1");
    assert_eq!(
        one(r#"isIpv6InSubnet("2001:db8::1", "2001:db8::/32")"#),
        "v=1"
    );
    assert_eq!(
        one(r#"isIpv4InSubnet("2001:db8::1", "2001:db8::/32")"#),
        "v=0"
    );
    assert_eq!(one(r#"isPrivateIP("10.1.2.3")"#), "v=1");
    assert_eq!(one(r#"regexReplace("a1b22", "[0-9]+", "N")"#), "v=aNbN");
    assert_eq!(one(r#"strcontains("Hello", "hell", true)"#), "v=1");
    assert_eq!(one("queryTimeRange()"), "v=3600000");
    assert_eq!(
        one("datefloor(@timestamp, 1mo)"),
        "v=2026-01-01 00:00:00.000"
    );
    assert_eq!(one("dateceil(@timestamp, 1h)"), "v=2026-01-01 01:00:00.000");
}

#[test]
fn sort_is_natural_and_dedup_keeps_rows_without_the_field() {
    // Text values before numbers; user.id exists only on one JSON event.
    assert_eq!(
        rows("filter @logStream = \"api\" | fields coalesce(user.id, service) as k | sort k asc"),
        ["k=api", "k=auth", "k=7"]
    );
    // dedup keeps the first row per value, and every row whose value is missing.
    assert_eq!(
        rows("filter ispresent(service) | fields service, user.id as u | sort @timestamp asc | dedup u"),
        ["service=api u=7", "service=api", "service=auth"]
    );
}

#[test]
fn two_stats_levels() {
    assert_eq!(
        rows("filter ispresent(service) | stats count(*) as n by service | stats sum(n) as total"),
        ["total=3"]
    );
}

/// Runs `query` over the given messages (one second apart, one stream), rows with `@ptr`.
fn rows_with_ptr(query: &str, messages: &[&str]) -> Vec<String> {
    output(
        &compiled(query),
        window(3_600_000),
        &seconds(messages),
        10_000,
    )
    .rows
    .into_iter()
    .map(|row| {
        row.into_iter()
            .map(|(f, v)| format!("{f}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    })
    .collect()
}

#[test]
fn unnest_gives_a_row_per_list_element() {
    // The Unnest page's example and its documented output: two records.
    assert_eq!(
        rows_with_ptr(
            "fields jsonParse(@message) as json_message | unnest json_message.events into event | display event.name",
            &[r#"{"events":[{"name":"exception"},{"name":"user action"}]}"#],
        ),
        ["event.name=exception @ptr=ptr0", "event.name=user action @ptr=ptr0"]
    );
    // Any other value is a list of one; an empty list gives no row.
    assert_eq!(
        rows_with_ptr(
            "fields jsonParse(@message) as j | unnest j.v into x | display x",
            &[r#"{"v":7}"#, r#"{"v":[]}"#, r#"{"v":["a","b"]}"#],
        ),
        ["x=a @ptr=ptr2", "x=b @ptr=ptr2", "x=7 @ptr=ptr0"]
    );
}

#[test]
fn json_functions_maps_and_lists() {
    let message = r#"{"users":[{"action":"login"},{"action":"logout"}],"tags":["a","b","c"]}"#;
    assert_eq!(
        rows_with_ptr(
            "fields jsonParse(@message) as j | display j.users",
            &[message]
        ),
        ["j.users=[{\"action\":\"login\"},{\"action\":\"logout\"}] @ptr=ptr0"],
        "a list displays as JSON"
    );
    let via_alias = rows_with_ptr(
        "fields jsonParse(@message) as j | fields j.users[1].action as second, jsonArraySize(j.tags) as n, jsonArrayContains(j.tags, \"b\") as hasB, jsonArrayContains(j.tags, \"B\") as hasUpperB, jsonStringify(j.tags) as s | display second, n, hasB, hasUpperB, s",
        &[message],
    );
    assert_eq!(
        via_alias,
        ["second=logout n=3 hasB=1 hasUpperB=0 s=[\"a\",\"b\",\"c\"] @ptr=ptr0"]
    );
    // Maps and lists count as null for string functions; comparing them is false.
    assert_eq!(
        rows_with_ptr(
            "fields jsonParse(@message) as j | filter j.tags = \"a\" or strlen(j.tags) > 0 | display j",
            &[message]
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        rows_with_ptr(
            r#"fields split("a,b,,c", ",") as parts | fields jsonArraySize(parts) as n | display n"#,
            &["x"]
        ),
        ["n=4 @ptr=ptr0"]
    );
}

#[test]
fn parse_multi_gives_a_row_per_match() {
    assert_eq!(
        rows_with_ptr(
            r#"parse @message /id=(?<id>\d+)/ multi | display id"#,
            &["id=1 id=22", "nothing here"]
        ),
        ["@ptr=ptr1", "id=1 @ptr=ptr0", "id=22 @ptr=ptr0"]
    );
}

#[test]
fn more_documented_string_and_numeric_functions() {
    let one =
        |expr: &str| rows_with_ptr(&format!("fields {expr} as v | display v"), &["x"])[0].clone();
    assert_eq!(one(r#"hexToAscii("48656c6c6f")"#), "v=Hello @ptr=ptr0");
    assert_eq!(one(r#"hexToDec("0xff")"#), "v=255 @ptr=ptr0");
    assert_eq!(one("decToHex(255)"), "v=0xff @ptr=ptr0");
    assert_eq!(one("decToHex(-255)"), "v=-0xff @ptr=ptr0");
    assert_eq!(one(r#"base64encode("Hello")"#), "v=SGVsbG8= @ptr=ptr0");
    assert_eq!(one(r#"base64decode("SGVsbG8=")"#), "v=Hello @ptr=ptr0");
    assert_eq!(one(r#"urlencode("a b&c")"#), "v=a+b%26c @ptr=ptr0");
    assert_eq!(one(r#"urldecode("a+b%26c")"#), "v=a b&c @ptr=ptr0");
    // Paris to London, about 343.6 km.
    assert_eq!(
        one("round(haversine(48.8566, 2.3522, 51.5074, -0.1278), 0)"),
        "v=344 @ptr=ptr0"
    );
}

#[test]
fn source_chooses_groups_by_prefix_and_class() {
    let query = parse("SOURCE logGroups(namePrefix: ['app-', \"web\"], class: ['INFREQUENT_ACCESS']) | fields @message").unwrap();
    assert_eq!(
        query.source,
        Some(Source {
            name_prefixes: vec!["app-".into(), "web".into()],
            classes: vec!["INFREQUENT_ACCESS".into()],
            account_identifiers: vec![],
            ..Source::default()
        })
    );
    assert_eq!(query.commands.len(), 1);
    assert_eq!(
        parse("SOURCE logGroups() | limit 5").unwrap().source,
        Some(Source::default())
    );
    let errors = [
        (
            "fields a | SOURCE logGroups()",
            11,
            17,
            "SOURCE must be the first command of the query",
        ),
        (
            "SOURCE logGroups(namePrefix: ['a','b','c','d','e','f'])",
            17,
            54,
            "namePrefix takes at most 5 values",
        ),
        (
            "SOURCE logGroups(class: ['COLD'])",
            17,
            32,
            "'COLD' is not a log class: STANDARD, INFREQUENT_ACCESS, DELIVERY or ESSENTIALS",
        ),
    ];
    for (text, start, end, message) in errors {
        let error = parse(text).err().unwrap_or_else(|| panic!("{text} parsed"));
        assert_eq!(
            (error.start, error.end, error.message.as_str()),
            (start, end, message),
            "{text}"
        );
    }
}

#[test]
fn compile_errors_say_where() {
    let cases = [
        (
            "fields @message | bogus x",
            18,
            23,
            "unknown command 'bogus'",
        ),
        ("filter", 6, 6, "expected a value"),
        (
            "stats nope(x)",
            6,
            10,
            "'nope' is not an aggregation function that stats supports",
        ),
        (
            "fields frob(x)",
            7,
            11,
            "the function frob() is not supported by this emulator",
        ),
        (
            "logcompare @message",
            11,
            19,
            "logcompare takes timeshift and a duration such as 7d, 12h or 30m",
        ),
        ("limit 0", 6, 7, "limit takes a whole number of at least 1"),
        (
            "parse @message logfmt as lf, x",
            15,
            30,
            "parse in logfmt mode takes one name for the map: parse field logfmt as name",
        ),
        (
            "fields a b",
            9,
            10,
            "unexpected 'b': commands are separated by '|'",
        ),
        (
            "stats count(*) by bin(7x)",
            18,
            25,
            "bin() takes a period such as 5m, 1h or 30s",
        ),
        (
            "fields a | dedup a | sort a",
            21,
            25,
            "only limit may follow dedup",
        ),
    ];
    for (query, start, end, message) in cases {
        let error = parse(query)
            .err()
            .unwrap_or_else(|| panic!("{query} parsed"));
        assert_eq!(
            (error.start, error.end, error.message.as_str()),
            (start, end, message),
            "{query}"
        );
    }
}

proptest! {
    #[test]
    fn parsing_never_panics(query in "[ -~]{0,80}") {
        let _ = parse(&query);
    }

    #[test]
    fn running_never_panics(query in prop::sample::select(vec![
        "fields @message", "stats count(*) by @logStream", "sort @message", "filter latency > 1",
        "parse @message \"* *\" as a, b", "fields substr(@message, 2, 3) as s", "dedup @logStream",
    ]), second in prop::sample::select(vec![
        "limit 1", "sort @timestamp asc", "fields -latency as n", "addtotals col=true",
        "addtotals fieldname=T row=false col=true latency", "unmask", "logcompare timeshift 1h",
    ])) {
        let text = format!("{query} | {second}");
        // Some pairs do not compile (only limit may follow dedup); those that do must run.
        if parse(&text).is_ok() {
            let _ = run(&text);
        }
    }
}

proptest! {
    /// Agrees with full flattening on every field of random JSON objects.
    #[test]
    fn agrees_with_flattening(value in json_object()) {
        let message = value.to_string();
        let flat = super::exec::json_values(&message);
        for (name, expected) in &flat {
            let found = super::json_path::lookup(&message, name);
            prop_assert_eq!(found.as_ref(), Some(expected), "{} in {}", name, message);
        }
    }
}

fn json_object() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        (-1000i64..1000).prop_map(|n| serde_json::json!(n)),
        "[a-z \"\\\\]{0,6}".prop_map(serde_json::Value::String),
    ];
    let tree = leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::btree_map("[a-c]{1,2}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    });
    prop::collection::btree_map("[a-c]{1,2}", tree, 0..5)
        .prop_map(|m| serde_json::Value::Object(m.into_iter().collect()))
}
