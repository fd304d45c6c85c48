//! Table tests of the newer commands: `lookup`, `addtotals`, `logcompare`, `unmask`, from
//! the examples of AWS's query-syntax pages.

use std::sync::Arc;

use super::*;

const T0: i64 = 1_767_225_600_000; // 2026-01-01 00:00:00.000 UTC

/// A lookup table for the tests: a header and rows.
struct Table(Vec<String>, Vec<Vec<String>>);

impl LookupSource for Arc<Table> {
    fn fields(&self) -> &[String] {
        &self.0
    }

    fn rows(&self) -> &[Vec<String>] {
        &self.1
    }
}

fn users() -> Arc<Table> {
    let row = |cells: &[&str]| cells.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
    Arc::new(Table(
        row(&["id", "name", "team"]),
        vec![
            row(&["1", "alice", "payments"]),
            row(&["2", "bob", "search"]),
            // A second row with a key already seen: the first one wins.
            row(&["1", "alice2", "other"]),
        ],
    ))
}

/// Compiles `query` with the `users` table, or the error.
fn compile(query: &str) -> Result<Query, CompileError> {
    let mut query = parse(query)?;
    query.bind_lookups(|name| (name == "users").then(users))?;
    Ok(query)
}

/// Runs `query` over the messages (one second apart, the first one newest-last), rows as
/// `field=value` strings without `@ptr`.
fn rows_over(query: &str, messages: &[&str]) -> Vec<String> {
    let query = compile(query).unwrap_or_else(|e| panic!("{query}: {e:?}"));
    let context = Context {
        start: T0,
        end: T0 + 3_600_000 - 1,
        now: T0,
    };
    let mut run = Run::new(&query, context, 10_000);
    for (i, message) in messages.iter().enumerate() {
        let event = Event {
            timestamp: T0 + i as i64 * 1000,
            ingestion_time: T0,
            message,
            log_stream: "s",
            log: "000000000000:g",
            transformation_error: None,
            unmasked: None,
        };
        run.push(&event, || format!("ptr{i}"));
    }
    run.finish(10_000)
        .rows
        .into_iter()
        .map(|row| {
            row.into_iter()
                .filter(|(f, _)| f != "@ptr")
                .map(|(f, v)| format!("{f}={v}"))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
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
    // Without OUTPUT: every column that is not the key.
    assert_eq!(
        rows_over(
            "fields userId | lookup users id as userId | filter ispresent(team) | stats count(*) by team",
            EVENTS
        ),
        ["team=payments count(*)=1", "team=search count(*)=1"]
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
    let error = compile("fields a | lookup nope id as a").unwrap_err();
    assert_eq!(
        (error.start, error.end, error.message.as_str()),
        (18, 22, "Lookup table 'nope' does not exist.")
    );
    let error = compile("fields a | lookup users uid as a").unwrap_err();
    assert_eq!(
        (error.start, error.end, error.message.as_str()),
        (18, 23, "Lookup table 'users' has no field 'uid'.")
    );
    let error = compile("fields a | lookup users id OUTPUT salary").unwrap_err();
    assert_eq!(error.message, "Lookup table 'users' has no field 'salary'.");
    assert!(parse("lookup users OUTPUT name").is_err());
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
