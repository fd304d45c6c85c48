//! Preloading state at startup from files (`--fixtures PATH`, or `EmulatorBuilder::fixtures`).
//!
//! One file per log group, either
//! - `*.json`: `{"logGroupName", "region"?, "retentionInDays"?, "tags"?, "logGroupClass"?,
//!   "streams": [{"logStreamName", "events"?: [event...], "generate"?: {...}}]}`, or
//! - `*.ndjson`: line 1 is the group object (without `streams`), then one event per line, each
//!   with its `logStreamName`.
//!
//! An event is `{"timestamp": <epoch ms>, "message"}` or `{"relativeMs": <ms from now, negative
//! for the past>, "message"}`. A `generate` block makes `count` events, `intervalMs` apart,
//! the last one `endRelativeMs` from now (default 0), with `message` where `{i}` is replaced by
//! the event number (from 1) zero-padded to `width` digits (default 0, no padding).
//!
//! Loading is all or nothing: the first bad file stops startup with its name, line and what is
//! wrong, and nothing is loaded. Fixture events skip PutLogEvents' age checks (they are
//! preloaded history), but names and messages are validated as the API validates them.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::limits::RETENTION_DAYS;
use crate::store::events::NewEvent;
use crate::store::{GroupSettings, LogGroupClass, Store};
use crate::validate::Violations;

/// A fixture file that cannot be loaded, with where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureError {
    /// The file.
    pub file: PathBuf,
    /// The 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for FixtureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file.display(), self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

impl std::error::Error for FixtureError {}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct GroupFixture {
    log_group_name: String,
    region: Option<String>,
    retention_in_days: Option<i32>,
    #[serde(default)]
    tags: BTreeMap<String, String>,
    log_group_class: Option<String>,
    #[serde(default)]
    streams: Vec<StreamFixture>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StreamFixture {
    log_stream_name: String,
    #[serde(default)]
    events: Vec<EventFixture>,
    generate: Option<Generate>,
}

/// An event as written in the file; checked into an [`EventFixture`] while parsing, so a bad
/// one is reported with its line.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawEvent {
    timestamp: Option<i64>,
    relative_ms: Option<i64>,
    message: String,
    /// Only in `.ndjson` files.
    log_stream_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(try_from = "RawEvent")]
struct EventFixture {
    /// Epoch milliseconds, in `0..=MAX_TIMESTAMP`.
    time: i64,
    message: String,
    log_stream_name: Option<String>,
}

impl TryFrom<RawEvent> for EventFixture {
    type Error = String;

    fn try_from(raw: RawEvent) -> Result<Self, String> {
        let time = match (raw.timestamp, raw.relative_ms) {
            (Some(t), None) if t < 0 => return Err("timestamp must not be negative".into()),
            (Some(t), None) => t,
            (None, Some(offset)) => from_now(offset, "relativeMs")?,
            _ => return Err("an event needs exactly one of timestamp and relativeMs".into()),
        };
        if time > MAX_TIMESTAMP {
            return Err(format!(
                "timestamp {time} is after the year 9999 (epoch milliseconds are expected)"
            ));
        }
        Ok(Self {
            time,
            message: raw.message,
            log_stream_name: raw.log_stream_name,
        })
    }
}

/// A `generate` block as written in the file.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawGenerate {
    count: usize,
    #[serde(default = "one")]
    interval_ms: i64,
    #[serde(default)]
    end_relative_ms: i64,
    message: String,
    #[serde(default)]
    width: usize,
}

fn one() -> i64 {
    1
}

/// A checked `generate` block: its first and last timestamps are in `0..=MAX_TIMESTAMP`, so
/// no event time computed from them can overflow.
#[derive(Debug, Deserialize)]
#[serde(try_from = "RawGenerate")]
struct Generate {
    count: usize,
    interval_ms: i64,
    /// The last event's time.
    last: i64,
    message: String,
    width: usize,
}

impl TryFrom<RawGenerate> for Generate {
    type Error = String;

    fn try_from(raw: RawGenerate) -> Result<Self, String> {
        if raw.count > MAX_GENERATED {
            return Err(format!("generate.count is above {MAX_GENERATED}"));
        }
        if raw.width > MAX_WIDTH {
            return Err(format!("generate.width {} is above {MAX_WIDTH}", raw.width));
        }
        if raw.message.replace("{i}", "").is_empty() && raw.width == 0 {
            return Err("generate.message must not be empty".into());
        }
        if raw.interval_ms < 0 {
            return Err(format!(
                "generate.intervalMs {} is negative: events are generated oldest first",
                raw.interval_ms
            ));
        }
        let last = from_now(raw.end_relative_ms, "generate.endRelativeMs")?;
        let span = i64::try_from(raw.count.saturating_sub(1))
            .ok()
            .and_then(|gaps| gaps.checked_mul(raw.interval_ms));
        let first = span.and_then(|span| last.checked_sub(span));
        if first.is_none_or(|first| first < 0) || last > MAX_TIMESTAMP {
            return Err(format!(
                "generate: {} events {} ms apart ending at {last} do not fit between 1970 and the year 9999",
                raw.count, raw.interval_ms
            ));
        }
        Ok(Self {
            count: raw.count,
            interval_ms: raw.interval_ms,
            last,
            message: raw.message,
            width: raw.width,
        })
    }
}

/// The latest timestamp a fixture may hold: 9999-12-31T23:59:59.999Z in epoch milliseconds.
/// Anything later is a unit mistake (microseconds, nanoseconds), and it keeps every time
/// computed from a fixture far from overflowing.
const MAX_TIMESTAMP: i64 = 253_402_300_799_999;

/// The widest zero padding of `{i}` (a 10,000-digit event number is already absurd; the
/// formatter itself panics past 65,535).
const MAX_WIDTH: usize = 10_000;

thread_local! {
    /// "Now" of the load in progress, so relative times are checked (with their line) while
    /// the file is parsed.
    static LOAD_NOW: std::cell::Cell<i64> = const { std::cell::Cell::new(0) };
}

/// `now + offset`, the time of a relative field, checked to lie in `0..=MAX_TIMESTAMP`.
fn from_now(offset: i64, field: &str) -> Result<i64, String> {
    let now = LOAD_NOW.with(std::cell::Cell::get);
    now.checked_add(offset)
        .filter(|time| (0..=MAX_TIMESTAMP).contains(time))
        .ok_or_else(|| format!("{field} {offset} puts the event outside 1970 to the year 9999"))
}

/// The most events one `generate` block may make (a guard against a typo eating memory).
const MAX_GENERATED: usize = 50_000_000;

/// A group ready to store: where and what.
struct Loaded {
    region: String,
    name: String,
    settings: GroupSettings,
    streams: BTreeMap<String, StreamEvents>,
}

/// One stream's fixture events: the listed ones, and the generated ones, made only while
/// storing (so a million generated events never exist as a million `String`s).
#[derive(Default)]
struct StreamEvents {
    /// (timestamp, message), in file order.
    listed: Vec<(i64, String)>,
    generated: Vec<Generate>,
}

/// Loads every `*.json` / `*.ndjson` file at `path` (a file, or a folder read in name order)
/// into `store`. `default_region` applies to groups that name none. Nothing is stored unless
/// every file is valid.
pub(crate) fn load(
    path: &Path,
    store: &Store,
    default_region: &str,
) -> Result<usize, FixtureError> {
    let files = fixture_files(path)?;
    let now = store.now();
    LOAD_NOW.with(|cell| cell.set(now));
    let mut loaded = Vec::new();
    for file in &files {
        loaded.push(parse_file(file, default_region)?);
    }
    let mut seen = std::collections::BTreeSet::new();
    for (group, file) in loaded.iter().zip(&files) {
        if !seen.insert((group.region.clone(), group.name.clone())) {
            return Err(error(
                file,
                None,
                format!("log group {} is defined twice", group.name),
            ));
        }
    }
    let mut events = 0;
    for group in loaded {
        events += store_group(store, group);
    }
    Ok(events)
}

fn fixture_files(path: &Path) -> Result<Vec<PathBuf>, FixtureError> {
    let meta = std::fs::metadata(path).map_err(|e| error(path, None, e.to_string()))?;
    if meta.is_file() {
        return Ok(vec![path.to_owned()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| error(path, None, e.to_string()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("json" | "ndjson")
            )
        })
        .collect();
    files.sort();
    Ok(files)
}

fn error(file: &Path, line: Option<usize>, message: impl Into<String>) -> FixtureError {
    FixtureError {
        file: file.to_owned(),
        line,
        message: message.into(),
    }
}

fn parse_file(file: &Path, default_region: &str) -> Result<Loaded, FixtureError> {
    let text = std::fs::read_to_string(file).map_err(|e| error(file, None, e.to_string()))?;
    let ndjson = file.extension().and_then(|e| e.to_str()) == Some("ndjson");
    let json_error = |line_offset: usize, e: serde_json::Error| {
        // A check failing on a whole line's value (an `.ndjson` event) comes without a line.
        error(file, Some(line_offset + e.line().max(1)), e.to_string())
    };
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let mut group: GroupFixture = if ndjson {
        let (index, header) = lines
            .next()
            .ok_or_else(|| error(file, None, "empty file: line 1 must be the log group"))?;
        serde_json::from_str(header).map_err(|e| json_error(index, e))?
    } else {
        serde_json::from_str(&text).map_err(|e| json_error(0, e))?
    };
    let mut streams: BTreeMap<String, StreamEvents> = BTreeMap::new();
    for stream in std::mem::take(&mut group.streams) {
        let events = streams.entry(stream.log_stream_name.clone()).or_default();
        for event in stream.events {
            events.listed.push((event.time, event.message));
        }
        events.generated.extend(stream.generate);
    }
    if ndjson {
        for (index, line) in lines {
            let event: EventFixture =
                serde_json::from_str(line).map_err(|e| json_error(index, e))?;
            let stream = event
                .log_stream_name
                .clone()
                .ok_or_else(|| error(file, Some(index + 1), "an event line needs logStreamName"))?;
            streams
                .entry(stream)
                .or_default()
                .listed
                .push((event.time, event.message));
        }
    }
    let settings = validate(&group, &streams).map_err(|m| error(file, None, m))?;
    Ok(Loaded {
        region: group.region.unwrap_or_else(|| default_region.to_owned()),
        name: group.log_group_name,
        settings,
        streams,
    })
}

fn validate(
    group: &GroupFixture,
    streams: &BTreeMap<String, StreamEvents>,
) -> Result<GroupSettings, String> {
    let mut v = Violations::new();
    v.log_group_name("logGroupName", &group.log_group_name);
    for name in streams.keys() {
        v.log_stream_name("logStreamName", name);
    }
    if !group.tags.is_empty() {
        v.tags("tags", &group.tags);
    }
    v.finish().map_err(|e| e.to_string())?;
    if let Some(days) = group.retention_in_days {
        if !RETENTION_DAYS.contains(&days) {
            return Err(format!(
                "retentionInDays {days} is not one of {RETENTION_DAYS:?}"
            ));
        }
    }
    let class = match &group.log_group_class {
        Some(class) => LogGroupClass::parse(class).ok_or_else(|| {
            format!(
                "logGroupClass {class} is not STANDARD, INFREQUENT_ACCESS, DELIVERY or ESSENTIALS"
            )
        })?,
        None => LogGroupClass::Standard,
    };
    if let Some((stream, _)) = streams
        .iter()
        .find(|(_, events)| events.listed.iter().any(|(_, m)| m.is_empty()))
    {
        return Err(format!(
            "stream {stream} has an event with an empty message"
        ));
    }
    Ok(GroupSettings {
        retention_in_days: group.retention_in_days,
        kms_key_id: None,
        class,
        deletion_protection: false,
        bearer_token_authentication: false,
        tags: group.tags.clone(),
    })
}

/// Events stored per batch while loading: big enough to be fast, small enough that a
/// generated stream never needs much memory beyond what it stores.
const LOAD_BATCH: usize = 100_000;

/// Stores a validated group; returns the number of events stored.
fn store_group(store: &Store, group: Loaded) -> usize {
    let region = store.region(&group.region);
    // Names were validated and duplicates refused, so creation cannot fail; a group that
    // exists already (a second load into the same store) is reused.
    let log_group = region
        .create_group(&group.name, group.settings)
        .or_else(|_| region.group(&group.name))
        .expect("a validated fixture group can be created");
    let mut total = 0;
    for (name, mut events) in group.streams {
        // A stream that exists already (a second load into the same store) is appended to.
        let _ = log_group.create_stream(&name);
        let mut store_batch = |batch: &[NewEvent<'_>]| {
            total += log_group
                .preload_events(&name, batch)
                .expect("a validated fixture stream exists and takes any batch");
        };
        events.listed.sort_by_key(|(t, _)| *t);
        for chunk in events.listed.chunks(LOAD_BATCH) {
            let batch: Vec<NewEvent<'_>> = chunk
                .iter()
                .map(|(timestamp, message)| NewEvent {
                    timestamp: *timestamp,
                    message,
                })
                .collect();
            store_batch(&batch);
        }
        for generate in &events.generated {
            generate_in_batches(generate, &mut store_batch);
        }
    }
    total
}

/// Makes a `generate` block's events in timestamp order, [`LOAD_BATCH`] at a time, writing
/// the messages into one reused buffer.
fn generate_in_batches(generate: &Generate, store_batch: &mut impl FnMut(&[NewEvent<'_>])) {
    use std::fmt::Write;
    let pieces: Vec<&str> = generate.message.split("{i}").collect();
    let last = generate.last;
    let mut text = String::new();
    let mut ends = Vec::with_capacity(LOAD_BATCH);
    let mut first = 0;
    while first < generate.count {
        let end = (first + LOAD_BATCH).min(generate.count);
        text.clear();
        ends.clear();
        for i in first..end {
            for (n, piece) in pieces.iter().enumerate() {
                if n > 0 {
                    let _ = write!(text, "{:0width$}", i + 1, width = generate.width);
                }
                text.push_str(piece);
            }
            ends.push(text.len());
        }
        let mut start = 0;
        let batch: Vec<NewEvent<'_>> = (first..end)
            .zip(&ends)
            .map(|(i, &stop)| {
                let message = &text[start..stop];
                start = stop;
                NewEvent {
                    timestamp: last - (generate.count - 1 - i) as i64 * generate.interval_ms,
                    message,
                }
            })
            .collect();
        store_batch(&batch);
        first = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;

    /// Loads `text` as a fixture file named `name`; the error as `file:line: why`, with the
    /// file's folder left out.
    fn load_text(name: &str, text: &str) -> Result<usize, String> {
        let dir = std::env::temp_dir().join(format!(
            "cwlogs-fixtures-unit-{}-{name}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(name);
        std::fs::write(&file, text).unwrap();
        let store = Store::from_config(&Config::default());
        let result = load(&file, &store, "us-east-1")
            .map_err(|e| e.to_string().replace(&format!("{}/", dir.display()), ""));
        std::fs::remove_dir_all(&dir).unwrap();
        result
    }

    fn generate(block: &str) -> String {
        format!(
            "{{\"logGroupName\": \"g\",\n \"streams\": [{{\"logStreamName\": \"s\",\n  \"generate\": {block}}}]}}"
        )
    }

    #[test]
    fn an_absurd_width_is_an_error_with_its_line_not_a_panic() {
        let text = generate(r#"{"count": 2, "message": "m{i}", "width": 1000000000}"#);
        let error = load_text("wide.json", &text).unwrap_err();
        assert!(
            error.starts_with("wide.json:3: generate.width 1000000000 is above 10000 at line 3"),
            "{error}"
        );
        let text = generate(r#"{"count": 2, "message": "m{i}", "width": 10000}"#);
        assert_eq!(load_text("ok.json", &text), Ok(2));
    }

    #[test]
    fn relative_times_near_the_i64_range_are_errors_not_wrapped_timestamps() {
        for (name, text, want) in [
            (
                "end.json",
                generate(r#"{"count": 2, "message": "m", "endRelativeMs": 9223372036854775807}"#),
                "end.json:3: generate.endRelativeMs 9223372036854775807 puts the event outside 1970 to the year 9999",
            ),
            (
                "interval.json",
                generate(r#"{"count": 3, "message": "m", "intervalMs": 9223372036854775807}"#),
                "interval.json:3: generate: 3 events 9223372036854775807 ms apart ending at NOW do not fit between 1970 and the year 9999",
            ),
            (
                "backwards.json",
                generate(r#"{"count": 3, "message": "m", "intervalMs": -5}"#),
                "backwards.json:3: generate.intervalMs -5 is negative: events are generated oldest first",
            ),
            (
                "relative.ndjson",
                "{\"logGroupName\": \"g\"}\n{\"logStreamName\": \"s\", \"relativeMs\": -9223372036854775807, \"message\": \"m\"}\n".to_owned(),
                "relative.ndjson:2: relativeMs -9223372036854775807 puts the event outside 1970 to the year 9999",
            ),
            (
                "future.json",
                "{\"logGroupName\": \"g\", \"streams\": [\n {\"logStreamName\": \"s\", \"events\": [\n  {\"timestamp\": 9223372036854775807, \"message\": \"m\"}]}]}".to_owned(),
                "future.json:3: timestamp 9223372036854775807 is after the year 9999 (epoch milliseconds are expected)",
            ),
        ] {
            let got = load_text(name, &text).unwrap_err();
            let now = LOAD_NOW.with(std::cell::Cell::get).to_string();
            let want = want.replace("NOW", &now);
            assert!(got.starts_with(&want), "{name}: {got}");
        }
    }
}
