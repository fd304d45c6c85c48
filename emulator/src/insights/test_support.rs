//! The harness every Insights table test shares: a fixed clock, a [`Run`] fed with known
//! events, rows printed as `field=value` lines, compile errors with their location, and a
//! lookup table.

use std::sync::Arc;

use super::*;

/// 2026-01-01 00:00:00.000 UTC: where every test log starts.
pub const T0: i64 = 1_767_225_600_000;

/// A query window from [`T0`] lasting `millis`, queried at its end.
pub fn window(millis: i64) -> Context {
    Context {
        start: T0,
        end: T0 + millis,
        now: T0 + millis,
    }
}

/// One event of a test log; [`TestEvent::at`] gives the usual stream and group.
#[derive(Debug, Clone, Copy)]
pub struct TestEvent<'a> {
    pub timestamp: i64,
    pub message: &'a str,
    pub log_stream: &'a str,
    /// The message as stored, when `message` is shown masked.
    pub unmasked: Option<&'a str>,
}

impl<'a> TestEvent<'a> {
    /// `message` at `timestamp`, in stream `s` of group `app`.
    pub fn at(timestamp: i64, message: &'a str) -> Self {
        Self {
            timestamp,
            message,
            log_stream: "s",
            unmasked: None,
        }
    }
}

/// `messages` one second apart from [`T0`], oldest first.
pub fn seconds<'a>(messages: &[&'a str]) -> Vec<TestEvent<'a>> {
    messages
        .iter()
        .enumerate()
        .map(|(i, message)| TestEvent::at(T0 + 1_000 * i as i64, message))
        .collect()
}

/// Runs a compiled query over `events` (ingested 5 ms after their timestamps) and returns
/// everything it produced.
pub fn output(query: &Query, context: Context, events: &[TestEvent<'_>], limit: usize) -> Output {
    let mut run = Run::new(query, context, limit);
    for (i, e) in events.iter().enumerate() {
        let event = Event {
            timestamp: e.timestamp,
            ingestion_time: e.timestamp + 5,
            message: e.message,
            log_stream: e.log_stream,
            log: "000000000000:app",
            transformation_error: None,
            unmasked: e.unmasked,
        };
        run.push(&event, || format!("ptr{i}"));
    }
    run.finish(limit)
}

/// Compiles `query`, panicking with the error when it does not compile.
pub fn compiled(query: &str) -> Query {
    parse(query).unwrap_or_else(|e| panic!("{query}: {e:?}"))
}

/// Rows as `field=value` lines, in output order, without `@ptr` (its value is the test's).
pub fn lines(rows: Vec<Vec<(String, String)>>) -> Vec<String> {
    rows.into_iter()
        .map(|row| {
            row.into_iter()
                .filter(|(f, _)| f != "@ptr")
                .map(|(f, v)| format!("{f}={v}"))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The rows of `query` over `events` in a one-hour window, as [`lines`].
pub fn rows_of(query: &Query, events: &[TestEvent<'_>]) -> Vec<String> {
    lines(output(query, window(3_600_000), events, 10_000).rows)
}

/// The rows of `query` over `messages` one second apart, as [`lines`].
pub fn rows_over(query: &str, messages: &[&str]) -> Vec<String> {
    rows_of(&compiled(query), &seconds(messages))
}

/// The rows of `query` over `(milliseconds after T0, message)` events, fed in the order
/// given, as [`lines`].
pub fn rows_at(query: &str, events: &[(i64, &str)]) -> Vec<String> {
    let events: Vec<_> = events
        .iter()
        .map(|(ms, message)| TestEvent::at(T0 + ms, message))
        .collect();
    rows_of(&compiled(query), &events)
}

/// Where a compile error stands: its start, its end and its message.
pub fn error_parts(error: CompileError) -> (usize, usize, String) {
    (error.start, error.end, error.message)
}

/// The located compile error of a query that must not compile.
pub fn compile_error(query: &str) -> (usize, usize, String) {
    match parse(query) {
        Ok(_) => panic!("{query} compiled"),
        Err(e) => error_parts(e),
    }
}

/// A lookup table for the tests: a header and rows.
pub struct Table(Vec<String>, Vec<Vec<String>>);

impl Table {
    /// A table from its header and rows of cells.
    pub fn new(header: &[&str], rows: &[&[&str]]) -> Arc<Self> {
        let row = |cells: &[&str]| cells.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
        Arc::new(Self(row(header), rows.iter().map(|r| row(r)).collect()))
    }
}

impl LookupSource for Arc<Table> {
    fn fields(&self) -> &[String] {
        &self.0
    }

    fn rows(&self) -> &[Vec<String>] {
        &self.1
    }
}

/// Compiles `query` with one lookup table bound under `name`.
pub fn compiled_with(query: &str, name: &str, table: Arc<Table>) -> Result<Query, CompileError> {
    let mut query = parse(query)?;
    query.bind_lookups(|wanted| (wanted == name).then(|| table.clone()))?;
    Ok(query)
}
