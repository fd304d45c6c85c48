//! Table tests of group c's commands: `cidrlookup`, `outlier`, `countFrequent`,
//! `relevantfields`, from the examples of their AWS query-syntax pages.

use std::sync::Arc;

use super::test_support::*;
use super::*;

/// The Cidrlookup page's `net_table`: ranges with region, owner and datacenter.
fn net_table() -> Arc<Table> {
    Table::new(
        &["cidr", "region", "owner", "datacenter"],
        &[
            &["10.0.0.0/8", "us-east-1", "corp", "dc1"],
            // More specific than the row above: it wins for its addresses.
            &["10.1.0.0/16", "us-west-2", "lab", "dc2"],
            &["2001:db8::/32", "eu-west-1", "v6team", "dc3"],
            &["not a range", "x", "x", "x"],
        ],
    )
}

fn compile(query: &str) -> Result<Query, CompileError> {
    compiled_with(query, "net_table", net_table())
}

/// Runs `query` (with `net_table` bound) over `messages`, rows as `field=value` strings
/// without `@timestamp`.
fn cidr_rows(query: &str, messages: &[&str]) -> Vec<String> {
    let query = compile(query).unwrap_or_else(|e| panic!("{query}: {e:?}"));
    let rows = output(&query, window(3_600_000), &seconds(messages), 10_000).rows;
    lines(
        rows.into_iter()
            .map(|row| row.into_iter().filter(|(f, _)| f != "@timestamp").collect())
            .collect(),
    )
}

fn error_of(query: &str) -> (usize, usize, String) {
    error_parts(compile(query).unwrap_err())
}

const FLOWS: &[&str] = &[
    r#"{"srcAddr":"10.2.3.4"}"#,
    r#"{"srcAddr":"10.1.9.9","region":"old"}"#,
    r#"{"srcAddr":"192.168.0.1"}"#,
    r#"{"srcAddr":"2001:db8::1"}"#,
];

#[test]
fn cidrlookup_documented_example() {
    assert_eq!(
        cidr_rows(
            "fields @timestamp, srcAddr | cidrlookup net_table srcAddr OUTPUT region, owner, datacenter | sort @timestamp asc",
            FLOWS
        ),
        [
            "srcAddr=10.2.3.4 region=us-east-1 owner=corp datacenter=dc1",
            // The most specific range wins; OUTPUT overwrites.
            "srcAddr=10.1.9.9 region=us-west-2 owner=lab datacenter=dc2",
            // In no range: unchanged.
            "srcAddr=192.168.0.1",
            "srcAddr=2001:db8::1 region=eu-west-1 owner=v6team datacenter=dc3",
        ]
    );
}

#[test]
fn cidrlookup_outputnew_as_and_cidr_column() {
    assert_eq!(
        cidr_rows(
            "fields srcAddr, region | cidrlookup net_table srcAddr AS cidr OUTPUTNEW region, owner AS team | sort @timestamp asc | limit 2",
            FLOWS
        ),
        [
            "srcAddr=10.2.3.4 region=us-east-1 team=corp",
            // OUTPUTNEW fills only empty fields.
            "srcAddr=10.1.9.9 region=old team=lab",
        ]
    );
}

#[test]
fn cidrlookup_misuse_is_a_located_compile_error() {
    assert_eq!(
        error_of("fields a | cidrlookup nope srcAddr OUTPUT region"),
        (22, 26, "Lookup table 'nope' does not exist.".into())
    );
    assert_eq!(
        error_of("fields a | cidrlookup net_table srcAddr AS range OUTPUT region"),
        (
            22,
            31,
            "Lookup table 'net_table' has no field 'range'.".into()
        )
    );
    assert_eq!(
        error_of("fields a | cidrlookup net_table srcAddr OUTPUT zone").2,
        "Lookup table 'net_table' has no field 'zone'."
    );
    // OUTPUT is required.
    let (start, end, _) = error_of("fields a | cidrlookup net_table srcAddr");
    assert_eq!((start, end), (39, 39));
    let (start, _, _) = error_of("cidrlookup net_table OUTPUT region");
    assert_eq!(start, 21);
}

const METRICS: &[&str] = &[
    r#"{"cpu":10,"memory":100}"#,
    r#"{"cpu":12,"memory":110}"#,
    r#"{"cpu":11,"memory":105}"#,
    r#"{"cpu":13,"memory":1}"#,
    r#"{"cpu":90,"memory":102}"#,
];

#[test]
fn outlier_documented_example_removes_rows() {
    // cpu: Q1 11, Q3 13, IQR 2: bounds [5, 19] with param 3: 90 is out. memory: Q1 100,
    // Q3 105: bounds [85, 120]: 1 is out below (uselower).
    assert_eq!(
        rows_over(
            "fields @timestamp, cpu, memory | outlier action=remove param=3.0 uselower=true mark=true cpu memory | sort @timestamp asc",
            METRICS
        )
        .into_iter()
        .map(|r| r.splitn(3, ' ').nth(2).unwrap().to_owned())
        .collect::<Vec<_>>(),
        [
            "cpu=10 memory=100 _outlier=0",
            "cpu=12 memory=110 _outlier=0",
            "cpu=11 memory=105 _outlier=0",
        ]
    );
}

#[test]
fn outlier_defaults_transform_upper_only() {
    // Default param 2.5: cpu bounds [6, 18]: 90 is clamped to 18; memory 1 is below but
    // uselower is false by default.
    assert_eq!(
        rows_over(
            "fields cpu, memory | outlier mark=true cpu, memory | sort @timestamp asc",
            METRICS
        ),
        [
            "cpu=10 memory=100 _outlier=0",
            "cpu=12 memory=110 _outlier=0",
            "cpu=11 memory=105 _outlier=0",
            "cpu=13 memory=1 _outlier=0",
            "cpu=18 memory=102 _outlier=1",
        ]
    );
}

#[test]
fn outlier_misuse_is_a_located_compile_error() {
    let e = parse("fields cpu | outlier action=drop cpu").unwrap_err();
    assert_eq!((e.start, e.end), (21, 32));
    assert!(e.message.contains("remove or transform"), "{}", e.message);
    let e = parse("fields cpu | outlier param=abc cpu").unwrap_err();
    assert_eq!((e.start, e.end), (21, 30));
    let e = parse("fields cpu | outlier mark=yes cpu").unwrap_err();
    assert!(e.message.contains("true or false"), "{}", e.message);
    let e = parse("fields cpu | outlier param=2").unwrap_err();
    assert_eq!(e.start, 28);
    let e = parse("fields cpu | outlier | limit 1").unwrap_err();
    assert_eq!(e.start, 21);
}

const REQUESTS: &[&str] = &[
    r#"{"method":"GET","status":200,"Time":100,"Controller":"home"}"#,
    r#"{"method":"GET","status":200,"Time":120,"Controller":"home"}"#,
    r#"{"method":"POST","status":500,"Time":900,"Controller":"pay"}"#,
    r#"{"method":"GET","status":404,"Time":110,"Controller":"home"}"#,
    r#"{"method":"POST","status":500,"Time":800,"Controller":"pay"}"#,
    r#"{"method":"GET","status":200,"Time":130,"Controller":"pay"}"#,
];

#[test]
fn count_frequent_documented_example() {
    let expected = [
        "method=GET status=200 _approxcount=3",
        "method=POST status=500 _approxcount=2",
        "method=GET status=404 _approxcount=1",
    ];
    assert_eq!(
        rows_over(
            "fields method, status | countFrequent method, status",
            REQUESTS
        ),
        expected
    );
    // The other spelling.
    assert_eq!(
        rows_over("count_frequent method, status", REQUESTS),
        expected
    );
    let e = parse("fields method | countFrequent").unwrap_err();
    assert_eq!((e.start, e.end), (29, 29));
    let e = parse("countFrequent method, | limit 2").unwrap_err();
    assert_eq!(e.start, 22);
}

#[test]
fn relevantfields_documented_examples() {
    assert_eq!(
        rows_over(
            "relevantfields Controller, method, status where Time > 400",
            REQUESTS
        ),
        [
            // Every slow request is a POST to pay; no fast one is.
            // Equal shifts: by value.
            "@fieldName=method @relevanceScore=1 @topRelevanceContributors=GET (0% vs 100%), POST (100% vs 0%)",
            "@fieldName=Controller @relevanceScore=0.75 @topRelevanceContributors=home (0% vs 75%), pay (100% vs 25%)",
            // |500 - 200| / (500 + 200).
            "@fieldName=status @relevanceScore=0.429 @conditionalMedian=500 @baselineMedian=200",
        ]
    );
    // Without a list: every non-system field, the condition's own included.
    let all = rows_over("relevantfields where Time > 400", REQUESTS);
    assert_eq!(all.len(), 4, "{all:?}");
    assert!(all[0].starts_with("@fieldName=method"), "{all:?}");
    let e = parse("relevantfields Controller").unwrap_err();
    assert_eq!(e.start, 25);
    assert!(e.message.contains("where"), "{}", e.message);
    assert!(parse("relevantfields where").is_err());
}

#[test]
fn unique_is_an_unknown_command() {
    // AWS's query-syntax index has no `unique` command (no CWL_QuerySyntax-Unique page).
    let e = parse("fields a | unique a").unwrap_err();
    assert_eq!(
        (e.start, e.end, e.message.as_str()),
        (11, 17, "unknown command 'unique'")
    );
}
