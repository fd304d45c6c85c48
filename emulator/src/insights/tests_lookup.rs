//! Table tests of the newer commands: `lookup`, `addtotals`, `logcompare`, `unmask`, from
//! the examples of AWS's query-syntax pages.

use std::sync::Arc;

use super::test_support::*;
use super::*;

fn users() -> Arc<Table> {
    Table::new(
        &["id", "name", "team"],
        &[
            &["1", "alice", "payments"],
            &["2", "bob", "search"],
            // A second row with a key already seen: the first one wins.
            &["1", "alice2", "other"],
        ],
    )
}

/// Compiles `query` with the `users` table, or the error.
fn compile(query: &str) -> Result<Query, CompileError> {
    compiled_with(query, "users", users())
}

/// Runs `query` (with `users` bound) over the messages, one second apart.
fn rows_over(query: &str, messages: &[&str]) -> Vec<String> {
    let query = compile(query).unwrap_or_else(|e| panic!("{query}: {e:?}"));
    rows_of(&query, &seconds(messages))
}

const EVENTS: &[&str] = &[
    r#"{"userId":"1","a":1,"b":2}"#,
    r#"{"userId":"2","a":10,"b":20}"#,
    r#"{"userId":"3","a":100,"b":200}"#,
];

#[test]
fn lookup_adds_the_matching_rows_columns() {
    assert_eq!(
        rows_over(
            "fields userId | lookup users id as userId OUTPUT name, team as squad | sort userId",
            EVENTS
        ),
        [
            "userId=1 name=alice squad=payments",
            "userId=2 name=bob squad=search",
            // No match: the output fields stay absent.
            "userId=3",
        ]
    );
    assert_eq!(
        rows_over(
            "fields userId | lookup users id as userId OUTPUT team | filter ispresent(team) | stats count(*) by team",
            EVENTS
        ),
        ["team=payments count(*)=1", "team=search count(*)=1"]
    );
}

#[test]
fn lookup_output_sets_null_without_a_match_and_outputnew_keeps_the_field() {
    // The Lookup page: OUTPUT overwrites, and without a match sets the field to null;
    // OUTPUTNEW adds only absent fields and leaves them unchanged without a match.
    let events = [
        r#"{"userId":"1","name":"old"}"#,
        r#"{"userId":"3","name":"old"}"#,
    ];
    assert_eq!(
        rows_over(
            "fields userId, name | lookup users id as userId OUTPUT name | sort userId",
            &events
        ),
        ["userId=1 name=alice", "userId=3"]
    );
    assert_eq!(
        rows_over(
            "fields userId, name | lookup users id as userId OUTPUTNEW name, team | sort userId",
            &events
        ),
        ["userId=1 name=old team=payments", "userId=3 name=old"]
    );
}

/// The Lookup page's tables: `user_data`, `known_hosts`, `network_services`, `employees`.
fn documented_table(name: &str) -> Option<Arc<Table>> {
    let (header, rows): (&[&str], &[&[&str]]) = match name {
        "user_data" => (
            &["id", "user_id", "name", "username", "email", "department"],
            &[
                &["1", "u1", "Ann", "ann", "ann@example.com", "Engineering"],
                &["2", "u2", "Bo", "bo", "bo@example.com", "Sales"],
            ],
        ),
        "known_hosts" => (
            &["ip_address", "hostname", "region"],
            &[
                &["10.0.0.1", "db-1", "eu-west-1"],
                &["10.0.0.2", "web-1", "us-east-1"],
            ],
        ),
        "network_services" => (
            &["ip_address", "port", "service_name", "owner"],
            &[
                &["10.0.0.1", "5432", "postgres", "data"],
                &["10.0.0.1", "443", "https", "web"],
            ],
        ),
        "employees" => (
            &["department", "role", "office", "manager"],
            &[
                &["Engineering", "dev", "Dublin", "Cy"],
                &["Sales", "dev", "Paris", "Di"],
            ],
        ),
        _ => return None,
    };
    Some(Table::new(header, rows))
}

/// Runs `query` with the Lookup page's tables over `messages`.
fn documented_rows(query: &str, messages: &[&str]) -> Vec<String> {
    let mut parsed = compiled(query);
    parsed.bind_lookups(documented_table).unwrap();
    let rows = output(&parsed, Context::default(), &seconds(messages), 10_000).rows;
    lines(
        rows.into_iter()
            .map(|row| row.into_iter().filter(|(f, _)| f != "@timestamp").collect())
            .collect(),
    )
}

#[test]
fn lookup_runs_the_lookup_page_examples() {
    let events = [
        r#"{"id":"1","user_id":"u1","action":"login","status":"ok"}"#,
        r#"{"id":"2","user_id":"u2","action":"logout","status":"ok"}"#,
    ];
    assert_eq!(
        documented_rows(
            "fields action, status, name, email, department
| lookup user_data id OUTPUT name, email, department
| sort action",
            &events
        ),
        [
            "action=login status=ok name=Ann email=ann@example.com department=Engineering",
            "action=logout status=ok name=Bo email=bo@example.com department=Sales",
        ]
    );
    assert_eq!(
        documented_rows(
            "fields user_id, action, username, email, department
| lookup user_data user_id OUTPUT username, email, department
| stats count(*) by email
| sort email",
            &events
        ),
        [
            "email=ann@example.com count(*)=1",
            "email=bo@example.com count(*)=1"
        ]
    );
    assert_eq!(
        documented_rows(
            "fields user_id, action
| lookup user_data user_id OUTPUT username, email, department
| filter department = \"Engineering\"",
            &events
        ),
        ["user_id=u1 action=login username=ann email=ann@example.com department=Engineering"]
    );
    let hosts = [
        r#"{"srcAddr":"10.0.0.1","hostname":""}"#,
        r#"{"srcAddr":"10.0.0.2","hostname":"mine"}"#,
    ];
    assert_eq!(
        documented_rows(
            "fields srcAddr, hostname
| lookup known_hosts ip_address as srcAddr OUTPUTNEW hostname, region
| sort srcAddr",
            &hosts
        ),
        [
            // An empty string is a value the event has: OUTPUTNEW keeps it.
            "srcAddr=10.0.0.1 hostname= region=eu-west-1",
            "srcAddr=10.0.0.2 hostname=mine region=us-east-1",
        ]
    );
    let flows = [
        r#"{"srcAddr":"10.0.0.1","dstAddr":"10.0.0.9","dstPort":"5432"}"#,
        r#"{"srcAddr":"10.0.0.1","dstAddr":"10.0.0.9","dstPort":"22"}"#,
    ];
    assert_eq!(
        documented_rows(
            "fields @timestamp, srcAddr, dstAddr, dstPort
| lookup network_services ip_address as srcAddr, port as dstPort OUTPUT service_name, owner
| filter ispresent(service_name)",
            &flows
        ),
        ["srcAddr=10.0.0.1 dstAddr=10.0.0.9 dstPort=5432 service_name=postgres owner=data"]
    );
    assert_eq!(
        documented_rows(
            "fields @timestamp, department, role
| lookup employees department, role OUTPUT office, manager
| sort department",
            &[
                r#"{"department":"Sales","role":"dev"}"#,
                r#"{"department":"Engineering","role":"ops"}"#
            ]
        ),
        [
            "department=Engineering role=ops",
            "department=Sales role=dev office=Paris manager=Di",
        ]
    );
}

#[test]
fn lookup_outputnew_keeps_fields_the_row_has() {
    assert_eq!(
        rows_over(
            "fields userId, 'mine' as name | lookup users id as userId OUTPUTNEW name, team | limit 1",
            &[EVENTS[0]]
        ),
        ["userId=1 name=mine team=payments"]
    );
}

#[test]
fn lookup_of_a_missing_table_or_column_is_a_compile_error_at_the_table() {
    let error = compile("fields a | lookup nope id as a OUTPUT name").unwrap_err();
    assert_eq!(
        (error.start, error.end, error.message.as_str()),
        (18, 22, "Lookup table 'nope' does not exist.")
    );
    let error = compile("fields a | lookup users uid as a OUTPUT name").unwrap_err();
    assert_eq!(
        (error.start, error.end, error.message.as_str()),
        (18, 23, "Lookup table 'users' has no field 'uid'.")
    );
    let error = compile("fields a | lookup users id OUTPUT salary").unwrap_err();
    assert_eq!(error.message, "Lookup table 'users' has no field 'salary'.");
    assert!(parse("lookup users OUTPUT name").is_err());
    // The output mode and fields are required (the page's command structure).
    let error = parse("fields a | lookup users id as a").unwrap_err();
    assert_eq!(
        (error.start, error.end, error.message.as_str()),
        (
            31,
            31,
            "expected OUTPUT or OUTPUTNEW and the fields to add: lookup table match-fields OUTPUT field, ..."
        )
    );
    let error = parse("fields a | lookup users id as a | limit 1").unwrap_err();
    assert_eq!((error.start, error.end), (32, 33));
}

#[test]
fn addtotals_documented_examples() {
    // Row totals (default): a Total column summing all numeric fields.
    assert_eq!(
        rows_over("fields a, b | addtotals | sort a", EVENTS),
        [
            "a=1 b=2 Total=3",
            "a=10 b=20 Total=30",
            "a=100 b=200 Total=300"
        ]
    );
    // Only specific fields.
    assert_eq!(
        rows_over("fields a, b | addtotals a | sort a | limit 1", EVENTS),
        ["a=1 b=2 Total=1"]
    );
    // A custom total column name.
    assert_eq!(
        rows_over(
            "fields a | addtotals fieldname=RowSum | sort a | limit 1",
            EVENTS
        ),
        ["a=1 RowSum=1"]
    );
    // Column totals: a summary row at the bottom.
    assert_eq!(
        rows_over("fields a | addtotals row=false col=true a", EVENTS),
        ["a=100", "a=10", "a=1", "a=111"]
    );
    assert_eq!(
        rows_over("stats sum(a) as s by userId | addtotals col=true", EVENTS),
        [
            "userId=1 s=1 Total=1",
            "userId=2 s=10 Total=10",
            "userId=3 s=100 Total=100",
            "s=111 Total=111",
        ]
    );
    assert!(parse("fields a | addtotals row=maybe").is_err());
}

#[test]
fn logcompare_is_diff_against_the_shifted_window() {
    let query = parse("logcompare timeshift 7d").unwrap();
    let context = Context {
        start: T0,
        end: T0 + 3_600_000 - 1,
        now: T0,
    };
    let run = Run::new(&query, context, 100);
    assert_eq!(
        run.earlier_window(),
        Some((T0 - 7 * 86_400_000, T0 + 3_600_000 - 7 * 86_400_000))
    );
    for (text, ms) in [("90s", 90_000), ("12h", 43_200_000), ("2w", 1_209_600_000)] {
        let query = parse(&format!("logcompare timeshift {text}")).unwrap();
        assert_eq!(
            Run::new(&query, context, 1).earlier_window(),
            Some((T0 - ms, T0 + 3_600_000 - ms)),
            "{text}"
        );
    }
    for bad in [
        "logcompare",
        "logcompare timeshift",
        "logcompare timeshift 7x",
    ] {
        assert!(parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn unmask_marks_the_query_and_adds_no_stage() {
    let query = parse("fields @message | unmask | limit 5").unwrap();
    assert!(query.unmask);
    assert_eq!(query.commands.len(), 2);
    assert!(!parse("fields @message").unwrap().unmask);
}

#[test]
fn lookup_inside_an_appendcols_subquery_is_bound_too() {
    let query = compile(
        "stats count(*) as n | appendcols (fields userId | lookup users id as userId OUTPUT name)",
    )
    .unwrap();
    let append = query.append_cols().next().unwrap();
    assert!(matches!(
        &append.query.commands[1],
        syntax::Command::Lookup(lookup) if lookup.bound.is_some()
    ));
    let error = compile("stats count(*) | appendcols (lookup nope id OUTPUT name)").unwrap_err();
    assert_eq!(
        (error.start, error.end, error.message.as_str()),
        (36, 40, "Lookup table 'nope' does not exist.")
    );
}
