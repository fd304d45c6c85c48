//! Table tests of the newer query forms (issues 13 and 22): `parse` in logfmt and CSV modes,
//! `parseDate`/`formatDate`, `join` and subqueries. Each runs the AWS page's documented
//! example shape over a small known log.

use super::test_support::*;
use super::*;

const LOGFMT: &[&str] = &[
    r#"level=info msg="request done" duration=12ms host=a"#,
    r#"level=error msg="db \"down\"" duration=900ms host=b"#,
    "no pairs here",
    "level=error host=a verbose",
];

#[test]
fn parse_logfmt_makes_a_map_read_with_dots() {
    // The Parse page's first logfmt example.
    assert_eq!(
        rows_over(
            "parse @message logfmt as lf | filter lf.level = \"error\" | display lf.msg, lf.duration",
            LOGFMT
        ),
        ["", r#"lf.msg=db "down" lf.duration=900ms"#]
    );
    // Its second: stats by a map key.
    assert_eq!(
        rows_over(
            "parse @message logfmt as lf | stats count(*) by lf.host | sort lf.host",
            LOGFMT
        ),
        ["lf.host=a count(*)=2", "lf.host=b count(*)=1", "count(*)=1"]
    );
}

#[test]
fn parse_logfmt_without_a_field_reads_message_and_keeps_unmatched_events() {
    assert_eq!(
        rows_over(
            "parse logfmt as lf | display lf.verbose, lf.level | sort @timestamp asc",
            LOGFMT
        ),
        [
            "lf.level=info",
            "lf.level=error",
            "",
            "lf.verbose=true lf.level=error"
        ]
    );
    // The whole map prints as JSON.
    assert_eq!(
        rows_over(
            "parse @message logfmt as lf | display lf",
            &["a=1 b=\"x y\""]
        ),
        [r#"lf={"a":"1","b":"x y"}"#]
    );
}

const CSV: &[&str] = &[
    "2026-01-01,ERROR,disk full",
    "2026-01-02,INFO,\"ok, fine\"",
    "2026-01-03,ERROR",
    "2026-01-04,ERROR,\"say \"\"hi\"\"\",extra",
];

#[test]
fn parse_csv_assigns_columns_in_order() {
    // The Parse page's first CSV example.
    assert_eq!(
        rows_over(
            "parse @message csv as timestamp, level, message | filter level = \"ERROR\" | display timestamp, message | sort timestamp",
            CSV
        ),
        [
            "timestamp=2026-01-01 message=disk full",
            "timestamp=2026-01-03",
            r#"timestamp=2026-01-04 message=say "hi""#
        ]
    );
    assert_eq!(
        rows_over(
            "parse csv as d, l, m | filter l = \"INFO\" | display m",
            CSV
        ),
        ["m=ok, fine"]
    );
    // Its second: stats over a column.
    assert_eq!(
        rows_over(
            "parse @message csv as host, method, path, status, duration | stats avg(duration) by method",
            &["h1,GET,/a,200,10", "h2,GET,/b,200,30", "h1,PUT,/a,500,7"]
        ),
        ["method=GET avg(duration)=20", "method=PUT avg(duration)=7"]
    );
}

#[test]
fn parse_modes_misused_are_located_compile_errors() {
    assert_eq!(
        compile_error("parse @message csv"),
        (
            18,
            18,
            "expected 'as' and the column names: parse field csv as a, b, ...".into()
        )
    );
    assert_eq!(
        compile_error("parse @message logfmt as"),
        (24, 24, "expected a field name".into())
    );
}

#[test]
fn format_date_and_parse_date_as_the_functions_page_shows() {
    // T0 + 0 s is 2026-01-01 00:00:00 UTC, a Thursday.
    let one = &["x"];
    let cases = [
        (
            r#"fields formatDate(@timestamp, "%Y-%m-%d", "UTC") as date"#,
            "date=2026-01-01",
        ),
        (
            r#"fields strftime(@timestamp, "%a %b %e %H:%M:%S %Z %j") as d"#,
            "d=Thu Jan  1 00:00:00 UTC 001",
        ),
        (
            r#"fields formatDate(@timestamp, "%F %T %z", "-08:00") as d"#,
            "d=2025-12-31 16:00:00 -0800",
        ),
        (
            r#"fields formatDate(1767268800000, "%I %p %s") as d"#,
            "d=12 PM 1767268800",
        ),
        (
            r#"fields parseDate("2026-01-01", "yyyy-MM-dd", "UTC") as epoch"#,
            "epoch=1767225600000",
        ),
        (
            r#"fields parseDate("2026-01-01 01:30", "yyyy-MM-dd HH:mm", "+01:00") as e"#,
            "e=1767227400000",
        ),
        (
            r#"fields parseDate("01/Jan/2026:10:00:00 +0000", "dd/MMM/yyyy:HH:mm:ss Z") as e"#,
            "e=1767261600000",
        ),
        // Text that does not fit the pattern gives no value.
        (
            r#"fields parseDate("nope", "yyyy-MM-dd") as e | display e, @message"#,
            "@message=x",
        ),
        // The round trip: parseDate of formatDate's text is the millisecond it came from.
        (
            r#"fields parseDate(formatDate(@timestamp, "%Y-%m-%dT%H:%M:%S"), "yyyy-MM-dd'T'HH:mm:ss") = toMillis(@timestamp) as same"#,
            "same=1",
        ),
    ];
    for (query, want) in cases {
        assert_eq!(rows_over(query, one), [want], "{query}");
    }
    // Named zones follow their DST rules: Paris is UTC+2 in July and UTC+1 in January.
    let named = [
        (
            r#"fields parseDate("2026-07-01 12:00", "yyyy-MM-dd HH:mm", "Europe/Paris") as t"#,
            "t=1782900000000",
        ),
        (
            r#"fields formatDate(1782900000000, "%H:%M %Z", "Europe/Paris") as t"#,
            "t=12:00 CEST",
        ),
        (
            r#"fields formatDate(1767225600000, "%H:%M %z", "Europe/Paris") as t"#,
            "t=01:00 +0100",
        ),
    ];
    for (query, want) in named {
        assert_eq!(rows_over(query, one), [want], "{query}");
    }
}

#[test]
fn date_functions_refuse_by_name_what_they_cannot_evaluate() {
    let cases = [
        (
            r#"fields formatDate(@timestamp, "%Y", "America/NewYork")"#,
            "'America/NewYork' is not a time zone: use an id such as Europe/Paris, UTC or an offset such as +05:30",
        ),
        (
            r#"fields formatDate(@timestamp, "%U")"#,
            "the format %U of formatDate() is not supported by this emulator",
        ),
        (
            "fields formatDate(@timestamp, f)",
            "formatDate() takes its format as a \"string\"",
        ),
        ("fields parseDate(x)", "parseDate() takes 2 to 3 arguments"),
    ];
    for (query, want) in cases {
        let (start, _, message) = compile_error(query);
        assert_eq!((start, message.as_str()), (7, want), "{query}");
    }
    let (_, _, message) = compile_error(r#"fields parseDate(x, "yyyy-ww")"#);
    assert!(message.starts_with("parseDate(): "), "{message}");
}

#[test]
fn source_names_with_time_options() {
    let source = |q: &str| parse(q).unwrap().source.unwrap();
    // The form DescribeQueries shows.
    let described =
        source(r#"SOURCE "/a" "/b" START=1729728200000 END=1729728215999 | fields @message"#);
    assert_eq!(described.names, ["/a", "/b"]);
    assert_eq!(
        described.start,
        Some(SourceTime::Absolute(1_729_728_200_000))
    );
    assert_eq!(described.end, Some(SourceTime::Absolute(1_729_728_215_999)));
    // The console's saved form: offsets from when the query starts.
    let saved = source("SOURCE '/aws/lambda/f' START=-21600s END=0s | fields @timestamp");
    assert_eq!(saved.names, ["/aws/lambda/f"]);
    assert_eq!(
        saved.start.map(|t| t.at(100_000_000)),
        Some(100_000_000 - 21_600_000)
    );
    assert_eq!(saved.end.map(|t| t.at(100_000_000)), Some(100_000_000));
    // No time options: StartQuery's window.
    let plain = source(r#"SOURCE "/a" | fields @message"#);
    assert_eq!((plain.start, plain.end), (None, None));
    assert!(plain.name_prefixes.is_empty());

    let cases = [
        (
            r#"SOURCE "/a" START=soon | fields x"#,
            18,
            22,
            "'soon' is not a time: epoch milliseconds, or an offset such as -3600s or 0s",
        ),
        (
            r#"SOURCE "/a" WHEN=1 | fields x"#,
            12,
            16,
            "unexpected 'WHEN': SOURCE \"group\" takes START= and END=",
        ),
        (
            r#"SOURCE "/a" START=1 START=2"#,
            20,
            25,
            "START is given twice",
        ),
        (r#"SOURCE "/a" START=5 END=4"#, 0, 25, "END is before START"),
        (
            r#"SOURCE "" | fields x"#,
            7,
            9,
            "a log group name cannot be empty",
        ),
    ];
    for (query, start, end, message) in cases {
        assert_eq!(
            compile_error(query),
            (start, end, message.to_owned()),
            "{query}"
        );
    }
}

#[test]
fn subqueries_parse_as_documented_and_misuse_is_located() {
    // The Subqueries page's second example.
    let query = parse(
        "filter requestId in (\n    SOURCE '/aws/lambda/payment-processor'\n    | filter status = \"FAILED\"\n    | stats count(*) as failureCount by requestId\n    | filter failureCount > 3\n    | fields requestId\n)\n| fields @timestamp, requestId, customerId, amount, failureReason\n| sort @timestamp asc",
    )
    .unwrap();
    let subs = query.subqueries();
    assert_eq!(subs.len(), 1);
    assert_eq!(subs[0].field, "requestId");
    assert_eq!(
        subs[0].query.source.as_ref().unwrap().names,
        ["/aws/lambda/payment-processor"]
    );
    assert_eq!(subs[0].query.commands.len(), 4);
    assert_eq!(query.commands.len(), 3);

    let cases = [
        (
            "filter a in (SOURCE 'g' | filter b in (SOURCE 'h' | fields b) | fields a)",
            38,
            39,
            "nested subqueries are not supported",
        ),
        (
            "filter a in (filter x = 1 | fields a)",
            12,
            37,
            "a subquery starts with SOURCE 'log-group-name' in this emulator",
        ),
        (
            "fields a in (SOURCE 'g' | fields a)",
            12,
            13,
            "a subquery is allowed only in filter",
        ),
        (
            "filter a in (SOURCE 'g' | fields a",
            34,
            34,
            "expected ')' to close the subquery",
        ),
        (
            "filter strlen(a) in (SOURCE 'g' | fields a)",
            20,
            21,
            "a subquery tests a field: filter field in (subquery)",
        ),
    ];
    for (text, start, end, message) in cases {
        assert_eq!(
            compile_error(text),
            (start, end, message.to_owned()),
            "{text}"
        );
    }
}

#[test]
fn a_subquery_filter_keeps_rows_whose_field_is_among_its_values() {
    let query = parse("filter user in (SOURCE 'other' | fields user) | display user").unwrap();
    let values = ["bob", "carol"].map(str::to_owned).into_iter().collect();
    query.subqueries()[0].values.set(values).unwrap();
    let context = Context {
        start: T0,
        end: T0 + 3_600_000,
        now: T0,
    };
    let mut run = Run::new(&query, context, 100);
    for (i, message) in [
        r#"{"user":"alice"}"#,
        r#"{"user":"bob"}"#,
        r#"{"x":1}"#,
        r#"{"user":"carol"}"#,
    ]
    .iter()
    .enumerate()
    {
        let event = Event {
            timestamp: T0 + i as i64,
            ingestion_time: T0,
            message,
            log_stream: "s",
            log: "000000000000:app",
            transformation_error: None,
            unmasked: None,
        };
        run.push(&event, || format!("p{i}"));
    }
    let users: Vec<String> = run
        .finish(100)
        .rows
        .into_iter()
        .map(|row| row[0].1.clone())
        .collect();
    assert_eq!(users, ["carol", "bob"]);
}

const API: &[&str] = &[
    r#"{"requestId":"r1","status":500,"latency":90}"#,
    r#"{"requestId":"r2","status":200,"latency":10}"#,
    r#"{"requestId":"r3","status":503,"latency":70}"#,
];

/// The Join page's first example's shape, with the right-hand events fed in directly.
fn join_rows(query: &str) -> Vec<String> {
    let parsed = parse(query).unwrap_or_else(|e| panic!("{query}: {e:?}"));
    let join = parsed.join().expect("a join");
    let mut table = JoinTable::new();
    for (i, message) in [
        r#"{"requestId":"r1","duration":40,"memoryUsed":128}"#,
        r#"{"requestId":"r2","duration":5,"memoryUsed":64}"#,
        r#"{"requestId":"r1","duration":41,"memoryUsed":129}"#,
        r#"{"other":"no key"}"#,
    ]
    .iter()
    .enumerate()
    {
        let event = Event {
            timestamp: T0 + i as i64,
            ingestion_time: T0,
            message,
            log_stream: "l",
            log: "000000000000:/aws/lambda/my-function",
            transformation_error: None,
            unmasked: None,
        };
        add_join_event(join, &mut table, &event);
    }
    assert_eq!(
        table.len(),
        2,
        "one entry per distinct key; events without it are left out"
    );
    join.table.set(table).unwrap();
    rows_over_parsed(&parsed, API)
}

fn rows_over_parsed(query: &Query, messages: &[&str]) -> Vec<String> {
    rows_of(query, &seconds(messages))
}

#[test]
fn join_inner_and_left_as_the_join_page_shows() {
    let inner = "filter status >= 500\n| join type=inner left=api right=lambda\n    where api.requestId=lambda.requestId\n    (SOURCE '/aws/lambda/my-function')\n| fields api.requestId, api.status, api.latency, lambda.duration, lambda.memoryUsed\n| sort api.latency desc, lambda.duration asc";
    assert_eq!(
        join_rows(inner),
        [
            "api.requestId=r1 api.status=500 api.latency=90 lambda.duration=40 lambda.memoryUsed=128",
            "api.requestId=r1 api.status=500 api.latency=90 lambda.duration=41 lambda.memoryUsed=129",
        ]
    );
    // type=left keeps r3, which has no Lambda event, with no lambda fields; the default type
    // is inner.
    let left = "join type=left left=api right=lambda where lambda.requestId = api.requestId (SOURCE '/aws/lambda/my-function') | filter api.status != 200 | display api.requestId, lambda.duration | sort api.requestId, lambda.duration";
    assert_eq!(
        join_rows(left),
        [
            "api.requestId=r1 lambda.duration=40",
            "api.requestId=r1 lambda.duration=41",
            "api.requestId=r3"
        ]
    );
    let default = "join left=api right=lambda where api.requestId=lambda.requestId (SOURCE '/aws/lambda/my-function') | stats count(*) as n by api.requestId | sort api.requestId";
    assert_eq!(
        join_rows(default),
        ["api.requestId=r1 n=2", "api.requestId=r2 n=1"]
    );
}

#[test]
fn join_misuse_is_a_located_compile_error() {
    let source = "(SOURCE 'g')";
    let cases = [
        (
            format!("join left=a right=b where a.k=b.k {source} | join left=c right=d where c.k=d.k {source}"),
            49,
            53,
            "only one join command is supported per query",
        ),
        (
            format!("join left=a right=b where a.k > b.k {source}"),
            26,
            31,
            "join takes one equality: where a.<field>=b.<field>",
        ),
        (
            format!("join left=a right=b where a.k=c.k {source}"),
            26,
            33,
            "join takes one equality: where a.<field>=b.<field>",
        ),
        (
            format!("join type=outer left=a right=b where a.k=b.k {source}"),
            0,
            31,
            "join type=outer is not a join type: inner or left",
        ),
        (
            format!("join right=b where a.k=b.k {source}"),
            0,
            4,
            "join needs left=<alias> and right=<alias>",
        ),
        (
            "join left=a right=b where a.k=b.k (SOURCE 'g' | filter x = 1)".to_owned(),
            46,
            47,
            "subqueries on the right side of join are not supported",
        ),
        (
            "join left=a right=b where a.k=b.k SOURCE 'g'".to_owned(),
            34,
            40,
            "expected (SOURCE 'log-group-name') after the join condition",
        ),
        (
            format!("join left=a right=b on a.k=b.k {source}"),
            20,
            22,
            "unexpected 'on': join takes type=, left=, right= and where",
        ),
    ];
    let found: Vec<_> = cases.iter().map(|(text, ..)| compile_error(text)).collect();
    let wanted: Vec<_> = cases
        .iter()
        .map(|(_, start, end, message)| (*start, *end, message.to_string()))
        .collect();
    assert_eq!(found, wanted);
}

#[test]
fn json_is_no_command_and_answers_as_unknown() {
    // `json field=X "a.b" as alias` is Sumo Logic's; no AWS query-syntax page has it.
    assert_eq!(
        compile_error("fields @message | json x"),
        (18, 22, "unknown command 'json'".to_owned())
    );
}

#[test]
fn parse_regex_with_as_names_groups_by_position() {
    // The Parse page's multi-match example.
    assert_eq!(
        rows_over(
            r"parse @message /(\d+\.\d+\.\d+\.\d+)/ as ip_addr multi | stats count(*) by ip_addr | sort ip_addr",
            &["from 10.0.0.1 to 10.0.0.2", "from 10.0.0.1", "none"]
        ),
        [
            "ip_addr=10.0.0.1 count(*)=2",
            "ip_addr=10.0.0.2 count(*)=1",
            "count(*)=1"
        ]
    );
    // Its JSON-field example: a named group, named again by `as`.
    assert_eq!(
        rows_over(
            r#"parse @message /(?<payload>\{.*\})/ as payload | display payload"#,
            &[r#"got {"a":1} ok"#]
        ),
        [r#"payload={"a":1}"#]
    );
    assert_eq!(
        compile_error(r"parse @message /(\d+)-(\d+)/ as a"),
        (
            15,
            33,
            "the regex has 2 groups but 1 names follow 'as'".into()
        )
    );
}
