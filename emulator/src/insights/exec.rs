//! Running a parsed query over events: records, expressions, the pipeline, `stats`.
//!
//! Commands up to the first one that needs every row (`stats`, `sort`, `limit`, `dedup`) run
//! per event as the events stream by; the rest run over the rows collected there. Without a
//! `sort` or `stats`, rows come out newest first (`@timestamp desc`), as AWS orders them.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use super::json_path::{lookup_many, Found, Paths};
use super::pattern::PatternSink;
use super::syntax::{
    AddTotals, AggregateFunction, Aggregation, AppendCols, Autoregress, BinaryOp, Command, Expr,
    FillMissing, Function, Join, JoinTable, LikePattern, Lookup, ParsePattern, Projection, Query,
    Sessionize,
};
use super::syntax::{CidrLookup, Outlier, APPROX_COUNT, OUTLIER_MARK};
use super::value::{format_number, period, Value};

/// One log event as a query sees it.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    /// `@timestamp`, epoch milliseconds.
    pub timestamp: i64,
    /// `@ingestionTime`, epoch milliseconds.
    pub ingestion_time: i64,
    /// `@message`.
    pub message: &'a str,
    /// `@logStream`.
    pub log_stream: &'a str,
    /// `@log`: `account-id:log-group-name`.
    pub log: &'a str,
    /// `@transformationError`: why the group's transformer failed on the event, if it did.
    pub transformation_error: Option<&'a str>,
    /// The message as stored, when data protection masked `message` and the query calls
    /// `unmask(@message)`.
    pub unmasked: Option<&'a str>,
}

/// The system field a failed transformation adds to an event (user guide, "Transformation
/// metrics and errors").
const TRANSFORMATION_ERROR: &str = "@transformationError";

/// What a query knows about its own run: `now()`, `queryStartTime()` and friends read it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Context {
    /// The window's first millisecond.
    pub start: i64,
    /// The window's last millisecond.
    pub end: i64,
    /// When the query started, epoch milliseconds.
    pub now: i64,
}

/// What a query produced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Output {
    /// Result rows: `(field, value)` pairs in output order; `@ptr` last when rows are events.
    pub rows: Vec<Vec<(String, String)>>,
    /// Events that passed every filter.
    pub records_matched: u64,
    /// Events read.
    pub records_scanned: u64,
    /// Message bytes read.
    pub bytes_scanned: u64,
    /// Events a field index let the query skip (`filterIndex`).
    pub records_skipped: u64,
    /// Their message bytes.
    pub bytes_skipped: u64,
}

/// A record: its fields in the order they were set, and its event's pointer (`None` once
/// `stats` has turned events into groups).
#[derive(Debug, Clone)]
struct Record {
    fields: Vec<(String, Value)>,
    ptr: Option<String>,
    /// The event's message as stored, when data protection masked `@message` (for
    /// `unmask(@message)`).
    unmasked: Option<String>,
}

impl Record {
    fn get(&self, name: &str) -> &Value {
        self.fields
            .iter()
            .rev()
            .find(|(field, _)| field == name)
            .map_or(&Value::Missing, |(_, value)| value)
    }

    /// The field, or the value at a path below a map or list field (`json.events.0.name`).
    fn lookup(&self, name: &str) -> Cow<'_, Value> {
        if let Some((_, value)) = self.fields.iter().rev().find(|(field, _)| field == name) {
            return Cow::Borrowed(value);
        }
        let mut end = name.len();
        while let Some(dot) = name[..end].rfind('.') {
            let head = self.get(&name[..dot]);
            if matches!(head, Value::Json(_)) {
                return Cow::Owned(head.path(&name[dot + 1..]));
            }
            end = dot;
        }
        Cow::Borrowed(&Value::Missing)
    }

    fn set(&mut self, name: &str, value: Value) {
        match self.fields.iter_mut().find(|(field, _)| field == name) {
            Some(slot) => slot.1 = value,
            None => self.fields.push((name.to_owned(), value)),
        }
    }

    fn timestamp(&self) -> Option<i64> {
        match self.get("@timestamp") {
            Value::Time(t) => Some(*t),
            other => other.as_number().map(|n| n as i64),
        }
    }
}

/// What expressions read fields from: a record, or an event not yet made into one.
trait Fields {
    /// The field's value (missing when absent).
    fn value(&self, name: &str) -> Value;
    /// The field as text, borrowed where it can be.
    fn text(&self, name: &str) -> Option<Cow<'_, str>>;
    /// `@timestamp`.
    fn timestamp(&self) -> Option<i64>;
    /// The field as a number, when it is one.
    fn number(&self, name: &str) -> Option<f64> {
        self.value(name).as_number()
    }
    /// The field as a `stats ... by` key, borrowed where it can be.
    fn key_part(&self, name: &str) -> KeyPart<'_>;
    /// The message as stored, when data protection masked `@message`.
    fn unmasked_message(&self) -> Option<&str>;
    /// Whether the field has a value.
    fn present(&self, name: &str) -> bool {
        self.value(name).is_present()
    }
}

impl Fields for Record {
    fn unmasked_message(&self) -> Option<&str> {
        self.unmasked.as_deref()
    }

    fn value(&self, name: &str) -> Value {
        self.lookup(name).into_owned()
    }

    fn text(&self, name: &str) -> Option<Cow<'_, str>> {
        match self.lookup(name) {
            Cow::Borrowed(value) => value.as_text(),
            Cow::Owned(value) => value.as_text().map(|t| Cow::Owned(t.into_owned())),
        }
    }

    fn present(&self, name: &str) -> bool {
        self.lookup(name).is_present()
    }

    fn timestamp(&self) -> Option<i64> {
        Record::timestamp(self)
    }

    fn number(&self, name: &str) -> Option<f64> {
        self.lookup(name).as_number()
    }

    fn key_part(&self, name: &str) -> KeyPart<'_> {
        match self.lookup(name) {
            Cow::Borrowed(value) => KeyPart::of(value),
            Cow::Owned(value) => KeyPart::of(&value).into_owned(),
        }
    }
}

/// An event read in place: the system fields straight from the store, a JSON message's
/// fields read from its text (the query's fields in one pass when `found` holds them, any
/// other when asked for). Leading filters and a first `stats` run on it, so an event costs
/// no record and a field read costs no copy.
struct View<'v, 'e> {
    event: &'v Event<'e>,
    paths: &'v Paths<'v>,
    /// What [`lookup_many`] found for `paths` in this event, once it has been read.
    found: Option<&'v [Found]>,
}

impl<'v, 'e> View<'v, 'e> {
    fn new(event: &'v Event<'e>, paths: &'v Paths<'v>, found: Option<&'v [Found]>) -> Self {
        Self {
            event,
            paths,
            found,
        }
    }

    /// A JSON message's field, read straight from its text (no tree is built).
    fn find(&self, name: &str) -> Option<Cow<'v, str>> {
        let message: &'v str = self.event.message;
        if let (Some(found), Some(slot)) = (self.found, self.paths.slot(name)) {
            return found[slot].text(message).map(Cow::Borrowed);
        }
        match super::json_path::lookup(message, name)? {
            Value::Text(text) => Some(Cow::Owned(text)),
            _ => None,
        }
    }

    /// The record of this event.
    fn into_record(self) -> Record {
        let event = self.event;
        let mut fields = vec![
            ("@timestamp".to_owned(), Value::Time(event.timestamp)),
            ("@message".to_owned(), Value::Text(event.message.to_owned())),
            (
                "@logStream".to_owned(),
                Value::Text(event.log_stream.to_owned()),
            ),
            ("@log".to_owned(), Value::Text(event.log.to_owned())),
            (
                "@ingestionTime".to_owned(),
                Value::Time(event.ingestion_time),
            ),
        ];
        if let Some(error) = event.transformation_error {
            fields.push((
                TRANSFORMATION_ERROR.to_owned(),
                Value::Text(error.to_owned()),
            ));
        }
        fields.extend(json_values(event.message));
        Record {
            fields,
            ptr: None,
            unmasked: event.unmasked.map(str::to_owned),
        }
    }
}

impl Fields for View<'_, '_> {
    fn unmasked_message(&self) -> Option<&str> {
        self.event.unmasked
    }

    fn value(&self, name: &str) -> Value {
        let event = self.event;
        match name {
            "@timestamp" => Value::Time(event.timestamp),
            "@ingestionTime" => Value::Time(event.ingestion_time),
            "@message" => Value::Text(event.message.to_owned()),
            "@logStream" => Value::Text(event.log_stream.to_owned()),
            "@log" => Value::Text(event.log.to_owned()),
            TRANSFORMATION_ERROR => event
                .transformation_error
                .map_or(Value::Missing, |e| Value::Text(e.to_owned())),
            _ => self
                .find(name)
                .map_or(Value::Missing, |t| Value::Text(t.into_owned())),
        }
    }

    fn text(&self, name: &str) -> Option<Cow<'_, str>> {
        let event = self.event;
        match name {
            "@message" => Some(Cow::Borrowed(event.message)),
            "@logStream" => Some(Cow::Borrowed(event.log_stream)),
            "@log" => Some(Cow::Borrowed(event.log)),
            TRANSFORMATION_ERROR => event.transformation_error.map(Cow::Borrowed),
            "@timestamp" | "@ingestionTime" => self
                .value(name)
                .as_text()
                .map(|t| Cow::Owned(t.into_owned())),
            _ => self.find(name),
        }
    }

    fn timestamp(&self) -> Option<i64> {
        Some(self.event.timestamp)
    }

    fn number(&self, name: &str) -> Option<f64> {
        match name {
            "@timestamp" => Some(self.event.timestamp as f64),
            "@ingestionTime" => Some(self.event.ingestion_time as f64),
            _ => number_in(&self.text(name)?),
        }
    }

    fn present(&self, name: &str) -> bool {
        self.text(name).is_some()
    }

    fn key_part(&self, name: &str) -> KeyPart<'_> {
        match name {
            "@timestamp" => KeyPart::Number(self.event.timestamp as f64),
            "@ingestionTime" => KeyPart::Number(self.event.ingestion_time as f64),
            _ => self.text(name).map_or(KeyPart::Missing, KeyPart::Text),
        }
    }
}

/// Text as a number, as [`Value::as_number`] reads it.
fn number_in(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// The filters a pipeline starts with.
fn leading_filters(commands: &[Command]) -> &[Command] {
    let end = commands
        .iter()
        .position(|c| !matches!(c, Command::Filter(_)))
        .unwrap_or(commands.len());
    &commands[..end]
}

/// The fields `expr` reads that may come from a JSON message (not the system fields).
fn json_field_names<'q>(expr: &'q Expr, out: &mut Vec<&'q str>) {
    match expr {
        Expr::Field(name) => {
            if !matches!(
                name.as_str(),
                "@timestamp"
                    | "@ingestionTime"
                    | "@message"
                    | "@logStream"
                    | "@log"
                    | TRANSFORMATION_ERROR
            ) {
                out.push(name);
            }
        }
        Expr::Number(_) | Expr::Text(_) | Expr::Pattern(_) => {}
        Expr::Not(inner) | Expr::Negate(inner) => json_field_names(inner, out),
        Expr::Binary(_, left, right) => {
            json_field_names(left, out);
            json_field_names(right, out);
        }
        Expr::Like { value, .. } => json_field_names(value, out),
        Expr::In { value, list, .. } => {
            json_field_names(value, out);
            list.iter().for_each(|e| json_field_names(e, out));
        }
        Expr::Call(_, args) => args.iter().for_each(|e| json_field_names(e, out)),
        Expr::Subquery(sub) => {
            if !sub.field.starts_with('@') {
                out.push(&sub.field);
            }
        }
    }
}

/// A JSON message's fields, flattened (none for other messages).
pub(super) fn json_values(message: &str) -> Vec<(String, Value)> {
    let mut fields = Vec::new();
    if message.trim_start().starts_with('{') {
        if let Ok(serde_json::Value::Object(object)) = serde_json::from_str(message) {
            for (key, value) in &object {
                flatten(key, value, &mut fields);
            }
        }
    }
    fields
}

/// A JSON message's fields, flattened with dots, as text (GetLogRecord shows these).
pub fn json_fields(message: &str) -> Vec<(String, String)> {
    json_values(message)
        .into_iter()
        .filter_map(|(name, value)| value.as_text().map(|v| (name, v.into_owned())))
        .collect()
}

fn flatten(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, Value)>) {
    match value {
        serde_json::Value::Object(object) => {
            for (key, inner) in object {
                flatten(&format!("{prefix}.{key}"), inner, out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                flatten(&format!("{prefix}.{i}"), inner, out);
            }
        }
        serde_json::Value::Null => {}
        serde_json::Value::String(text) => out.push((prefix.to_owned(), Value::Text(text.clone()))),
        other => out.push((prefix.to_owned(), Value::Text(other.to_string()))),
    }
}

/// A query being run: events are pushed one at a time (from each stream in turn, under that
/// stream's read lock only), then [`Run::finish`] orders, limits and renders.
///
/// Memory stays bounded by the answer, not the group: the first `stats` aggregates as events
/// arrive, and a query that only sorts and limits keeps its best rows only.
#[derive(Debug, Clone)]
pub struct Run<'q> {
    query: &'q Query,
    context: Context,
    streaming: &'q [Command],
    rest: &'q [Command],
    sink: Sink<'q>,
    matched: u64,
    output: Output,
    /// The JSON fields the leading filters and a first `stats` read, in one pass per event.
    paths: Paths<'q>,
    /// Whether the leading filters read any of them (else they are read past the filters).
    filters_read_json: bool,
    /// The last event's `paths`, reused.
    found: Vec<Found>,
}

/// Where the rows that pass the per-event commands go.
#[derive(Debug, Clone)]
enum Sink<'q> {
    /// Every row (a later command needs them all).
    Rows(Vec<Record>),
    /// The best `keep` rows by `keys` (`None`: newest first), compacted at twice that.
    Best {
        rows: Vec<Record>,
        keys: Option<&'q [(Expr, bool)]>,
        keep: usize,
    },
    /// The first `stats`, aggregating as events arrive.
    Stats(Aggregator<'q>),
    /// The first `pattern` (or `diff`), clustering the text of `expr` as events arrive.
    Patterns {
        sink: Box<PatternSink>,
        expr: &'q Expr,
        anomalies: bool,
    },
}

impl<'q> Run<'q> {
    /// Starts running `query` in `context`, for at most `limit` rows.
    pub fn new(query: &'q Query, context: Context, limit: usize) -> Self {
        let blocking = query
            .commands
            .iter()
            .position(|c| {
                matches!(
                    c,
                    Command::Stats { .. }
                        | Command::Pattern(_)
                        | Command::Diff(_)
                        | Command::Anomaly
                        | Command::Sort(_)
                        | Command::Limit(_)
                        | Command::Dedup(_)
                        | Command::AddTotals(AddTotals { col: true, .. })
                        | Command::Outlier(_)
                        | Command::CountFrequent(_)
                        | Command::RelevantFields { .. }
                        | Command::Sessionize(_)
                        | Command::FillDown(_)
                        | Command::FillMissing(_)
                        | Command::Accum { .. }
                        | Command::Autoregress(_)
                        | Command::AppendCols(_)
                )
            })
            .unwrap_or(query.commands.len());
        let (streaming, rest) = query.commands.split_at(blocking);
        let filters = leading_filters(streaming);
        let mut names = Vec::new();
        for command in filters {
            if let Command::Filter(expr) = command {
                json_field_names(expr, &mut names);
            }
        }
        let filters_read_json = !names.is_empty();
        if let (true, [Command::Stats { aggregations, by }, ..]) =
            (filters.len() == streaming.len(), rest)
        {
            for (aggregation, _) in aggregations {
                if let Some(arg) = &aggregation.arg {
                    json_field_names(arg, &mut names);
                }
            }
            for projection in by {
                json_field_names(&projection.expr, &mut names);
            }
        }
        let mut seen = HashSet::new();
        names.retain(|n| seen.insert(*n));
        let sink = match rest {
            [Command::Stats { aggregations, by }, ..] => {
                Sink::Stats(Aggregator::new(aggregations, by))
            }
            [Command::Pattern(_) | Command::Diff(_), ..] => pattern_sink(rest, &context),
            [] => Sink::Best {
                rows: Vec::new(),
                keys: None,
                keep: limit,
            },
            [Command::Limit(n)] => Sink::Best {
                rows: Vec::new(),
                keys: None,
                keep: limit.min(*n),
            },
            [Command::Sort(keys)] => Sink::Best {
                rows: Vec::new(),
                keys: Some(keys),
                keep: limit,
            },
            [Command::Sort(keys), Command::Limit(n)] => Sink::Best {
                rows: Vec::new(),
                keys: Some(keys),
                keep: limit.min(*n),
            },
            _ => Sink::Rows(Vec::new()),
        };
        Self {
            query,
            context,
            streaming,
            rest,
            sink,
            matched: 0,
            output: Output::default(),
            paths: Paths::new(&names),
            filters_read_json,
            found: Vec::new(),
        }
    }

    /// Counts an event a field index let the query skip, unread.
    pub fn skip(&mut self, event: &Event<'_>) {
        self.output.records_skipped += 1;
        self.output.bytes_skipped += event.message.len() as u64;
    }

    /// When the answer is the newest `n` events that pass the per-event commands (a query
    /// that only filters, sorts by `@timestamp desc` or not at all, and limits), that `n`:
    /// each stream can then be read newest first and left after its `n`-th kept event.
    pub fn newest_first_limit(&self) -> Option<usize> {
        match &self.sink {
            Sink::Best {
                keys: None, keep, ..
            } => Some(*keep),
            Sink::Best {
                keys: Some([(Expr::Field(field), true)]),
                keep,
                ..
            } if field == "@timestamp" => Some(*keep),
            _ => None,
        }
    }

    /// With `limit any N` where the answer is the first N events that pass the per-event
    /// commands (nothing sorts or aggregates before it): N, the kept events after which the
    /// scan may stop (the Limit page: "stop the query as soon as N matching log events are
    /// found").
    pub fn stop_after(&self) -> Option<usize> {
        match &self.sink {
            Sink::Best {
                keys: None, keep, ..
            } if self.query.limit_any => Some(*keep),
            _ => None,
        }
    }

    /// Feeds one event; `ptr` makes its `@ptr`, asked for only when the event is kept.
    /// Returns whether it was kept (it passed every per-event command).
    pub fn push(&mut self, event: &Event<'_>, ptr: impl FnOnce() -> String) -> bool {
        if let Some((_, test)) = &self.query.index_filter {
            if !eval(test, &View::new(event, &self.paths, None), &self.context).is_true() {
                self.skip(event);
                return false;
            }
        }
        self.output.records_scanned += 1;
        self.output.bytes_scanned += event.message.len() as u64;
        // Leading filters run on the event in place; a record is built only past them.
        let filters = leading_filters(self.streaming);
        let others = &self.streaming[filters.len()..];
        if self.filters_read_json {
            lookup_many(event.message, &self.paths, &mut self.found);
        }
        let view = View::new(
            event,
            &self.paths,
            self.filters_read_json.then_some(&self.found[..]),
        );
        for command in filters {
            if let Command::Filter(expr) = command {
                if !eval(expr, &view, &self.context).is_true() {
                    return false;
                }
            }
        }
        if others.is_empty() {
            match &mut self.sink {
                Sink::Stats(aggregator) => {
                    if !self.filters_read_json {
                        lookup_many(event.message, &self.paths, &mut self.found);
                    }
                    let view = View::new(event, &self.paths, Some(&self.found));
                    self.matched += 1;
                    aggregator.add(&view, &self.context);
                    return true;
                }
                Sink::Patterns { sink, expr, .. } => {
                    self.matched += 1;
                    if let Some(text) = text_of(expr, &view, &self.context) {
                        sink.add(event.timestamp, &text);
                    }
                    return true;
                }
                _ => {}
            }
        }
        let records = apply_all(others, vec![view.into_record()], &self.context);
        if records.is_empty() {
            return false;
        }
        self.matched += 1;
        // Every row of one event (unnest, parse multi) points at that event.
        let ptr = (!matches!(self.sink, Sink::Stats(_) | Sink::Patterns { .. })).then(ptr);
        for mut record in records {
            record.ptr.clone_from(&ptr);
            match &mut self.sink {
                Sink::Stats(aggregator) => aggregator.add(&record, &self.context),
                Sink::Patterns { sink, expr, .. } => {
                    if let Some(text) = text_of(expr, &record, &self.context) {
                        sink.add(event.timestamp, &text);
                    }
                }
                Sink::Rows(rows) => rows.push(record),
                Sink::Best { rows, keys, keep } => {
                    rows.push(record);
                    // Compacting at twice the size (at least a few hundred rows) keeps the cost
                    // of sorting amortized.
                    if rows.len() >= (*keep).max(512) * 2 {
                        match keys {
                            Some(keys) => sort_rows(rows, keys, &self.context),
                            None => sort_newest_first(rows),
                        }
                        rows.truncate(*keep);
                    }
                }
            }
        }
        true
    }

    /// The earlier window `diff` compares with, `[from, to)`, when the query has one: the
    /// store then feeds that window's events through [`Run::push_earlier`].
    pub fn earlier_window(&self) -> Option<(i64, i64)> {
        self.query.commands.iter().find_map(|c| match c {
            Command::Diff(period) => Some(period.earlier(self.context.start, self.context.end + 1)),
            _ => None,
        })
    }

    /// Feeds one event of the earlier window (`diff`): it goes through the same per-event
    /// commands, then into the comparison; it counts in no statistic.
    pub fn push_earlier(&mut self, event: &Event<'_>) {
        let Sink::Patterns { .. } = &self.sink else {
            return;
        };
        let view = View::new(event, &self.paths, None);
        let mut record: Option<Record> = None;
        for command in self.streaming {
            match (&mut record, command) {
                (None, Command::Filter(expr)) => {
                    if !eval(expr, &view, &self.context).is_true() {
                        return;
                    }
                }
                (None, other) => {
                    let mut built = View::new(event, &self.paths, None).into_record();
                    if !apply_row(other, &mut built, &self.context) {
                        return;
                    }
                    record = Some(built);
                }
                (Some(row), other) => {
                    if !apply_row(other, row, &self.context) {
                        return;
                    }
                }
            }
        }
        if let Sink::Patterns { sink, expr, .. } = &mut self.sink {
            let text = match &record {
                Some(row) => text_of(expr, row, &self.context),
                None => text_of(expr, &view, &self.context),
            };
            if let Some(text) = text {
                sink.add_earlier(event.timestamp, &text);
            }
        }
    }

    /// The statistics so far, for a query still running.
    pub fn statistics(&self) -> Output {
        Output {
            rows: Vec::new(),
            records_matched: self.matched,
            ..self.output.clone()
        }
    }

    /// Runs the rest of the pipeline and renders at most `limit` rows.
    pub fn finish(self, limit: usize) -> Output {
        let Run {
            query,
            context,
            rest,
            sink,
            matched,
            mut output,
            ..
        } = self;
        let mut sorted = false;
        let mut grouped = false;
        // Records matched: those that passed every filter before the first stats.
        output.records_matched = matched;
        let (mut rows, rest) = match sink {
            Sink::Rows(rows) | Sink::Best { rows, .. } => (rows, rest),
            Sink::Stats(aggregator) => {
                grouped = true;
                sorted = true;
                (aggregator.finish(&context), &rest[1..])
            }
            Sink::Patterns {
                sink, anomalies, ..
            } => {
                grouped = true;
                sorted = true;
                (pattern_records(*sink, anomalies), &rest[1..])
            }
        };
        for command in rest {
            match command {
                Command::Stats { aggregations, by } => {
                    if !grouped {
                        output.records_matched = rows.len() as u64;
                    }
                    let mut aggregator = Aggregator::new(aggregations, by);
                    for row in &rows {
                        aggregator.add(row, &context);
                    }
                    rows = aggregator.finish(&context);
                    grouped = true;
                    sorted = true;
                }
                Command::Sort(keys) => {
                    sort_rows(&mut rows, keys, &context);
                    sorted = true;
                }
                Command::Limit(n) => {
                    if !sorted {
                        sort_newest_first(&mut rows);
                        sorted = true;
                    }
                    rows.truncate(*n);
                }
                Command::Pattern(expr) => {
                    // A `pattern` after the first blocking command clusters the rows.
                    let mut sink = PatternSink::new(context.start, context.end + 1, None);
                    for row in &rows {
                        if let Some(text) = text_of(expr, row, &context) {
                            sink.add(row.timestamp().unwrap_or(context.start), &text);
                        }
                    }
                    let anomalies = rest.iter().any(|c| matches!(c, Command::Anomaly));
                    rows = pattern_records(sink, anomalies);
                    grouped = true;
                    sorted = true;
                }
                Command::AddTotals(totals) => {
                    if !sorted {
                        sort_newest_first(&mut rows);
                        sorted = true;
                    }
                    add_totals(totals, &mut rows);
                }
                Command::Dedup(fields) => {
                    if !sorted {
                        sort_newest_first(&mut rows);
                        sorted = true;
                    }
                    // A row missing a field is never a duplicate (the Dedup page).
                    let mut seen = HashSet::new();
                    rows.retain(|row| {
                        let key: Option<Vec<String>> = fields
                            .iter()
                            .map(|f| row.lookup(f).display().map(|t| t.into_owned()))
                            .collect();
                        key.is_none_or(|key| seen.insert(key))
                    });
                }
                Command::Sessionize(sessionize) => number_sessions(sessionize, &mut rows),
                Command::FillDown(_)
                | Command::FillMissing(_)
                | Command::Accum { .. }
                | Command::Autoregress(_) => {
                    if !sorted {
                        sort_newest_first(&mut rows);
                        sorted = true;
                    }
                    apply_in_order(command, &mut rows);
                }
                Command::Outlier(outlier) => apply_outlier(outlier, &mut rows),
                Command::AppendCols(append) => {
                    if !sorted {
                        sort_newest_first(&mut rows);
                        sorted = true;
                    }
                    append_columns(append, &mut rows);
                }
                Command::CountFrequent(fields) => {
                    rows = count_frequent(fields, rows);
                    grouped = true;
                    sorted = true;
                }
                Command::RelevantFields { fields, condition } => {
                    rows = relevant_fields(fields, condition, rows, &context);
                    grouped = true;
                    sorted = true;
                }
                other => {
                    rows = apply_all(std::slice::from_ref(other), rows, &context);
                    if !grouped {
                        output.records_matched = rows.len() as u64;
                    }
                }
            }
        }
        if !sorted {
            sort_newest_first(&mut rows);
        }
        rows.truncate(limit);
        let visible = query.visible_fields(grouped);
        output.rows = rows
            .iter()
            .map(|row| render(row, visible.as_deref()))
            .collect();
        output
    }
}

impl Query {
    /// Which fields rows show: the last `display`; else what `fields` and `parse` named (and
    /// the system fields they leave); else `@timestamp` and `@message`. `None`: every field
    /// of the row (after stats).
    fn visible_fields(&self, grouped: bool) -> Option<Vec<String>> {
        if let Some(Command::Display(fields)) = self
            .commands
            .iter()
            .rev()
            .find(|c| matches!(c, Command::Display(_)))
        {
            return Some(fields.iter().map(|p| p.name.clone()).collect());
        }
        if grouped {
            return None;
        }
        let mut named: Vec<String> = Vec::new();
        for command in &self.commands {
            match command {
                Command::Fields(projections) => {
                    named.extend(projections.iter().map(|p| p.name.clone()))
                }
                Command::Parse { pattern, .. } => named.extend(match pattern {
                    ParsePattern::Glob { names, .. }
                    | ParsePattern::Regex { names, .. }
                    | ParsePattern::Logfmt { names }
                    | ParsePattern::Csv { names } => names.clone(),
                }),
                Command::Unnest { into, .. } => named.push(into.clone()),
                _ => {}
            }
        }
        if named.is_empty() {
            named = vec!["@timestamp".into(), "@message".into()];
        }
        // What `lookup` and `addtotals` add is shown beside the rest (the Lookup page:
        // "appends the specified output fields to the results").
        for command in &self.commands {
            match command {
                Command::Lookup(Lookup {
                    bound: Some(index), ..
                }) => named.extend(index.names.iter().cloned()),
                Command::AddTotals(totals) if totals.row => named.push(totals.field_name.clone()),
                Command::CidrLookup(lookup) => {
                    named.extend(lookup.outputs.iter().map(|(_, n)| n.clone()))
                }
                Command::Outlier(outlier) if outlier.mark => named.push(OUTLIER_MARK.into()),
                Command::Sessionize(sessionize) => named.push(sessionize.out.clone()),
                Command::Accum { out, .. } => named.push(out.clone()),
                Command::Autoregress(lagged) => {
                    named.extend(lagged.lags.iter().map(|(_, name)| name.clone()))
                }
                Command::AppendCols(append) => named.extend(
                    append
                        .rows
                        .get()
                        .into_iter()
                        .flatten()
                        .flatten()
                        .map(|(name, _)| name.clone()),
                ),
                _ => {}
            }
        }
        let mut seen = HashSet::new();
        named.retain(|n| seen.insert(n.clone()));
        Some(named)
    }
}

fn render(row: &Record, visible: Option<&[String]>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = match visible {
        Some(names) => names
            .iter()
            .filter_map(|name| {
                row.lookup(name)
                    .display()
                    .map(|value| (name.clone(), value.into_owned()))
            })
            .collect(),
        None => row
            .fields
            .iter()
            .filter_map(|(name, value)| value.display().map(|v| (name.clone(), v.into_owned())))
            .collect(),
    };
    if let Some(ptr) = &row.ptr {
        out.push(("@ptr".into(), ptr.clone()));
    }
    out
}

/// The sink of a query whose first blocking command is `pattern` or `diff`: `diff` alone
/// clusters `@message`; `anomaly` anywhere after turns the rows into findings.
fn pattern_sink<'q>(rest: &'q [Command], cx: &Context) -> Sink<'q> {
    static MESSAGE: std::sync::LazyLock<Expr> =
        std::sync::LazyLock::new(|| Expr::Field("@message".into()));
    let expr = match &rest[0] {
        Command::Pattern(expr) => expr,
        _ => &*MESSAGE,
    };
    let diff = rest.iter().find_map(|c| match c {
        Command::Diff(period) => Some(*period),
        _ => None,
    });
    let anomalies = rest.iter().any(|c| matches!(c, Command::Anomaly));
    Sink::Patterns {
        sink: Box::new(PatternSink::new(cx.start, cx.end + 1, diff)),
        expr,
        anomalies,
    }
}

/// The rows of a finished `pattern` (they are not events: no `@ptr`).
fn pattern_records(sink: PatternSink, anomalies: bool) -> Vec<Record> {
    sink.finish(anomalies)
        .into_iter()
        .map(|fields| Record {
            fields,
            ptr: None,
            unmasked: None,
        })
        .collect()
}

/// An expression's text for one row, borrowed when it is a field read in place.
fn text_of<'r, F: Fields>(expr: &Expr, row: &'r F, cx: &Context) -> Option<Cow<'r, str>> {
    match expr {
        Expr::Field(name) => row.text(name),
        other => eval(other, row, cx)
            .as_text()
            .map(|t| Cow::Owned(t.into_owned())),
    }
}

fn sort_newest_first(rows: &mut [Record]) {
    rows.sort_by_key(|row| std::cmp::Reverse(row.timestamp()));
}

fn sort_rows(rows: &mut [Record], keys: &[(Expr, bool)], cx: &Context) {
    let mut keyed: Vec<(Vec<Value>, usize)> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| (keys.iter().map(|(e, _)| eval(e, row, cx)).collect(), i))
        .collect();
    keyed.sort_by(|(a, _), (b, _)| {
        for (i, (_, descending)) in keys.iter().enumerate() {
            let order = match (a[i].is_present(), b[i].is_present()) {
                // Missing values sort last either way.
                (true, true) => {
                    let order = a[i].sort_cmp(&b[i]);
                    if *descending {
                        order.reverse()
                    } else {
                        order
                    }
                }
                _ => a[i].sort_cmp(&b[i]),
            };
            if order != Ordering::Equal {
                return order;
            }
        }
        Ordering::Equal
    });
    let order: Vec<usize> = keyed.into_iter().map(|(_, i)| i).collect();
    let mut taken: Vec<Option<Record>> = rows.iter().cloned().map(Some).collect();
    for (slot, i) in rows.iter_mut().zip(order) {
        *slot = taken[i].take().expect("each index once");
    }
}

/// `appendcols`: the subquery's row i adds its fields to row i (the first `max` rows of
/// each); a field the row already has is kept unless `override=true`. Subquery rows past the
/// last row become rows of their own, as Splunk's `appendcols` (the command's origin) adds them.
fn append_columns(append: &AppendCols, rows: &mut Vec<Record>) {
    let extra = append.rows.get().map_or(&[][..], Vec::as_slice);
    for (at, columns) in extra.iter().take(append.max).enumerate() {
        if at == rows.len() {
            rows.push(Record {
                fields: Vec::new(),
                ptr: None,
                unmasked: None,
            });
        }
        let row = &mut rows[at];
        for (name, text) in columns {
            if append.override_fields || !row.get(name).is_present() {
                row.set(name, Value::Text(text.clone()));
            }
        }
    }
}

/// Runs per-row commands over rows: each row gives none (filtered out), one, or several
/// (`unnest`, `parse ... multi`).
fn apply_all(commands: &[Command], mut rows: Vec<Record>, cx: &Context) -> Vec<Record> {
    for command in commands {
        let fans_out = matches!(
            command,
            Command::Unnest { .. }
                | Command::Join(_)
                | Command::Parse {
                    pattern: ParsePattern::Regex { multi: true, .. },
                    ..
                }
                | Command::Expand(_)
        );
        if fans_out {
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                fan_out(command, row, cx, &mut out);
            }
            rows = out;
        } else {
            rows.retain_mut(|row| apply_row(command, row, cx));
        }
    }
    rows
}

/// The rows `unnest` or `parse ... multi` makes of one row.
fn fan_out(command: &Command, mut row: Record, cx: &Context, out: &mut Vec<Record>) {
    match command {
        Command::Unnest { field, into } => match row.lookup(field).into_owned() {
            // A list gives a row per element; an empty one, none.
            Value::Json(json) if json.is_array() => {
                for item in json.as_array().into_iter().flatten() {
                    let mut each = row.clone();
                    each.set(into, Value::from_json(item));
                    out.push(each);
                }
            }
            Value::Missing => out.push(row),
            // Any other value is a list of one (the Unnest page).
            other => {
                row.set(into, other);
                out.push(row);
            }
        },
        Command::Parse {
            source,
            pattern:
                ParsePattern::Regex {
                    regex,
                    names,
                    positional,
                    ..
                },
        } => {
            let text = eval(source, &row, cx).as_text().map(|t| t.into_owned());
            let before = out.len();
            for captures in text.iter().flat_map(|t| regex.captures_iter(t)) {
                let mut each = row.clone();
                for (i, name) in names.iter().enumerate() {
                    let group = if *positional {
                        captures.get(i + 1)
                    } else {
                        captures.name(name)
                    };
                    let value =
                        group.map_or(Value::Missing, |m| Value::Text(m.as_str().to_owned()));
                    each.set(name, value);
                }
                out.push(each);
            }
            // An event without a match is kept, without the fields (the Parse page).
            if out.len() == before {
                for name in names {
                    row.set(name, Value::Missing);
                }
                out.push(row);
            }
        }
        Command::Join(join) => join_row(join, row, out),
        Command::Expand(field) => expand_row(field, row, out),
        other => {
            if apply_row(other, &mut row, cx) {
                out.push(row);
            }
        }
    }
}

/// The rows a `join` makes of one row: one per right-hand event with its key, each with the
/// row's fields (also as `left.field`) and the event's (as `right.field`); with `type=left`,
/// a row without a match is kept alone.
fn join_row(join: &Join, mut row: Record, out: &mut Vec<Record>) {
    let matches = row
        .text(&join.left_key)
        .and_then(|key| join.table.get().and_then(|table| table.get(key.as_ref())));
    if matches.is_none() && !join.keep_unmatched {
        return;
    }
    let aliased: Vec<(String, Value)> = row
        .fields
        .iter()
        .map(|(name, value)| (format!("{}.{name}", join.left), value.clone()))
        .collect();
    for (name, value) in aliased {
        row.set(&name, value);
    }
    match matches {
        Some(events) => {
            for fields in events {
                let mut each = row.clone();
                for (name, value) in fields {
                    each.set(name, value.clone());
                }
                out.push(each);
            }
        }
        None => out.push(row),
    }
}

/// Adds one right-hand event to a `join`'s table, under its key (an event without the key
/// field is left out). Returns the number of distinct keys so far.
pub fn add_join_event(join: &Join, table: &mut JoinTable, event: &Event<'_>) -> usize {
    let paths = Paths::new(&[]);
    let record = View::new(event, &paths, None).into_record();
    if let Some(key) = record.text(&join.right_key) {
        let fields = record
            .fields
            .iter()
            .map(|(name, value)| (format!("{}.{name}", join.right), value.clone()))
            .collect();
        table.entry(key.into_owned()).or_default().push(fields);
    }
    table.len()
}

/// Applies a per-row command that keeps or drops the row; false when it is dropped.
fn apply_row(command: &Command, row: &mut Record, cx: &Context) -> bool {
    match command {
        Command::Filter(expr) => eval(expr, row, cx).is_true(),
        Command::Fields(projections) | Command::Display(projections) => {
            for Projection { expr, name } in projections {
                if !matches!(expr, Expr::Field(field) if field == name) {
                    let value = eval(expr, row, cx);
                    row.set(name, value);
                }
            }
            true
        }
        Command::Parse { source, pattern } => {
            let text = eval(source, row, cx).as_text().map(|t| t.into_owned());
            if let ParsePattern::Logfmt { names } = pattern {
                let map = text.as_deref().map(logfmt_pairs).filter(|m| !m.is_empty());
                row.set(
                    &names[0],
                    map.map_or(Value::Missing, |m| {
                        Value::Json(Box::new(serde_json::Value::Object(m)))
                    }),
                );
                return true;
            }
            let captured = text.as_deref().and_then(|text| parse_text(pattern, text));
            match pattern {
                ParsePattern::Glob { names, .. }
                | ParsePattern::Regex { names, .. }
                | ParsePattern::Logfmt { names }
                | ParsePattern::Csv { names } => {
                    for (i, name) in names.iter().enumerate() {
                        let value = captured
                            .as_ref()
                            .and_then(|c| c[i].clone())
                            .map_or(Value::Missing, Value::Text);
                        row.set(name, value);
                    }
                }
            }
            true
        }
        Command::Lookup(lookup) => {
            apply_lookup(lookup, row);
            true
        }
        Command::AddTotals(totals) => {
            if totals.row {
                row_total(totals, row);
            }
            true
        }
        Command::Stats { .. }
        | Command::Sort(_)
        | Command::Limit(_)
        | Command::Dedup(_)
        | Command::Unnest { .. }
        | Command::Join(_)
        | Command::Pattern(_)
        | Command::Diff(_)
        | Command::Anomaly
        | Command::Sessionize(_)
        | Command::Expand(_)
        | Command::FillDown(_)
        | Command::FillMissing(_)
        | Command::Accum { .. }
        | Command::Autoregress(_)
        | Command::AppendCols(_) => true,
        Command::CidrLookup(lookup) => {
            apply_cidr_lookup(lookup, row);
            true
        }
        Command::Outlier(_) | Command::CountFrequent(_) | Command::RelevantFields { .. } => true,
    }
}

/// `lookup`: the output fields of the table row whose key columns equal the row's key
/// fields (as text); a row with a key field missing, or matching no table row, is unchanged.
fn apply_lookup(lookup: &Lookup, row: &mut Record) {
    let Some(index) = &lookup.bound else {
        return;
    };
    let key: Option<Vec<String>> = lookup
        .keys
        .iter()
        .map(|(_, field)| row.lookup(field).as_text().map(|t| t.into_owned()))
        .collect();
    let Some(values) = key.and_then(|key| index.rows.get(&key)) else {
        // The Lookup page: without a match, OUTPUT sets its fields to null and OUTPUTNEW
        // leaves them unchanged.
        if !lookup.only_new {
            for name in &index.names {
                row.set(name, Value::Missing);
            }
        }
        return;
    };
    for (name, value) in index.names.iter().zip(values) {
        if lookup.only_new && row.get(name).is_present() {
            continue;
        }
        row.set(name, Value::Text(value.clone()));
    }
}

/// The numbers `addtotals` sums in a row: its listed fields, or (no list) every field that is
/// not a system field and holds a number.
fn totals_terms<'r>(totals: &'r AddTotals, row: &'r Record) -> Vec<(&'r str, f64)> {
    let numeric = |value: &Value| match value {
        Value::Number(n) => Some(*n),
        Value::Text(_) => value.as_number(),
        _ => None,
    };
    if totals.fields.is_empty() {
        row.fields
            .iter()
            .filter(|(name, _)| !name.starts_with('@') && *name != totals.field_name)
            .filter_map(|(name, value)| Some((name.as_str(), numeric(value)?)))
            .collect()
    } else {
        totals
            .fields
            .iter()
            .filter(|name| **name != totals.field_name)
            .filter_map(|name| Some((name.as_str(), numeric(&row.lookup(name))?)))
            .collect()
    }
}

/// `addtotals`' row total: the sum of the row's numeric fields, under `fieldname`.
fn row_total(totals: &AddTotals, row: &mut Record) {
    let sum: f64 = totals_terms(totals, row).iter().map(|(_, n)| n).sum();
    row.set(&totals.field_name, Value::Number(sum));
}

/// `addtotals` over every row: row totals (`row=true`), then with `col=true` one summary row
/// at the bottom holding each summed field's column total.
fn add_totals(totals: &AddTotals, rows: &mut Vec<Record>) {
    if totals.row {
        for row in rows.iter_mut() {
            row_total(totals, row);
        }
    }
    if !totals.col {
        return;
    }
    let mut columns: Vec<(String, f64)> = Vec::new();
    for row in rows.iter() {
        let mut terms = totals_terms(totals, row);
        if totals.row {
            if let Some(total) = row.get(&totals.field_name).as_number() {
                terms.push((&totals.field_name, total));
            }
        }
        for (name, n) in terms {
            match columns.iter_mut().find(|(c, _)| c == name) {
                Some((_, sum)) => *sum += n,
                None => columns.push((name.to_owned(), n)),
            }
        }
    }
    rows.push(Record {
        fields: columns
            .into_iter()
            .map(|(name, sum)| (name, Value::Number(sum)))
            .collect(),
        ptr: None,
        unmasked: None,
    });
}

/// The captures of `pattern` in `text`, one per name, or `None` when it does not match.
fn parse_text(pattern: &ParsePattern, text: &str) -> Option<Vec<Option<String>>> {
    match pattern {
        ParsePattern::Regex {
            regex,
            names,
            positional,
            ..
        } => {
            let captures = regex.captures(text)?;
            Some(
                names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| {
                        let group = if *positional {
                            captures.get(i + 1)
                        } else {
                            captures.name(n)
                        };
                        group.map(|m| m.as_str().to_owned())
                    })
                    .collect(),
            )
        }
        ParsePattern::Csv { names } => {
            let mut columns: Vec<Option<String>> =
                csv_columns(text).into_iter().map(Some).collect();
            columns.resize(names.len(), None);
            Some(columns)
        }
        ParsePattern::Logfmt { .. } => None,
        ParsePattern::Glob { literals, .. } => {
            // Literal parts in order; each * takes the shortest text before the next literal,
            // the last one takes the rest when the pattern ends with *.
            let mut rest = text
                .find(literals[0].as_str())
                .map(|at| &text[at + literals[0].len()..])?;
            let mut out = Vec::with_capacity(literals.len() - 1);
            for (i, literal) in literals.iter().enumerate().skip(1) {
                let last = i == literals.len() - 1;
                if literal.is_empty() && last {
                    out.push(Some(rest.to_owned()));
                    rest = "";
                } else {
                    let at = rest.find(literal.as_str())?;
                    out.push(Some(rest[..at].to_owned()));
                    rest = &rest[at + literal.len()..];
                }
            }
            Some(out)
        }
    }
}

/// Evaluates an expression on a record.
fn eval<F: Fields>(expr: &Expr, row: &F, cx: &Context) -> Value {
    match expr {
        Expr::Field(name) => row.value(name),
        Expr::Number(n) => Value::Number(*n),
        Expr::Text(text) => Value::Text(text.clone()),
        Expr::Not(inner) => Value::Bool(!eval(inner, row, cx).is_true()),
        Expr::Negate(inner) => eval(inner, row, cx)
            .as_number()
            .map_or(Value::Missing, |n| Value::Number(-n)),
        Expr::Binary(op, left, right) => binary(*op, left, right, row, cx),
        Expr::Like {
            value,
            pattern,
            negated,
        } => {
            let evaluated;
            let text = match value.as_ref() {
                Expr::Field(name) => row.text(name),
                other => {
                    evaluated = eval(other, row, cx);
                    evaluated.as_text()
                }
            };
            let Some(text) = text else {
                return Value::Bool(false);
            };
            let found = match pattern {
                LikePattern::Substring(sub) => text.contains(sub.as_str()),
                LikePattern::Regex(regex) => regex.is_match(&text),
            };
            Value::Bool(found != *negated)
        }
        Expr::In {
            value,
            list,
            negated,
        } => {
            let value = eval(value, row, cx);
            if !value.is_present() {
                return Value::Bool(false);
            }
            let found = list
                .iter()
                .any(|candidate| value.compare(&eval(candidate, row, cx)) == Some(Ordering::Equal));
            Value::Bool(found != *negated)
        }
        Expr::Call(function, args) => call(*function, args, row, cx),
        Expr::Subquery(sub) => {
            let Some(text) = row.text(&sub.field) else {
                return Value::Bool(false);
            };
            let found = sub
                .values
                .get()
                .is_some_and(|values| values.contains(text.as_ref()));
            Value::Bool(found != sub.negated)
        }
        // Only a function argument, read by that function.
        Expr::Pattern(_) => Value::Missing,
    }
}

fn binary<F: Fields>(op: BinaryOp, left: &Expr, right: &Expr, row: &F, cx: &Context) -> Value {
    match op {
        BinaryOp::And => {
            return Value::Bool(eval(left, row, cx).is_true() && eval(right, row, cx).is_true())
        }
        BinaryOp::Or => {
            return Value::Bool(eval(left, row, cx).is_true() || eval(right, row, cx).is_true())
        }
        _ => {}
    }
    let (a, b) = (eval(left, row, cx), eval(right, row, cx));
    let compared = |want: fn(Ordering) -> bool| Value::Bool(a.compare(&b).is_some_and(want));
    match op {
        BinaryOp::Eq => compared(|o| o == Ordering::Equal),
        BinaryOp::Ne => Value::Bool(a.compare(&b).is_some_and(|o| o != Ordering::Equal)),
        BinaryOp::Lt => compared(|o| o == Ordering::Less),
        BinaryOp::Le => compared(|o| o != Ordering::Greater),
        BinaryOp::Gt => compared(|o| o == Ordering::Greater),
        BinaryOp::Ge => compared(|o| o != Ordering::Less),
        arithmetic => {
            let (Some(x), Some(y)) = (a.as_number(), b.as_number()) else {
                return Value::Missing;
            };
            let result = match arithmetic {
                BinaryOp::Add => x + y,
                BinaryOp::Sub => x - y,
                BinaryOp::Mul => x * y,
                BinaryOp::Div if y != 0.0 => x / y,
                BinaryOp::Rem if y != 0.0 => x % y,
                BinaryOp::Pow => x.powf(y),
                _ => return Value::Missing,
            };
            Value::Number(result)
        }
    }
}

fn call<F: Fields>(function: Function, args: &[Expr], row: &F, cx: &Context) -> Value {
    let arg = |i: usize| eval(&args[i], row, cx);
    let text = |i: usize| arg(i).as_text().map(|t| t.into_owned());
    let number = |i: usize| arg(i).as_number();
    let with_text = |f: &dyn Fn(&str) -> Value| text(0).map_or(Value::Missing, |t| f(&t));
    let with_number = |f: fn(f64) -> f64| number(0).map_or(Value::Missing, |n| Value::Number(f(n)));
    let period = |i: usize| match &args[i] {
        Expr::Text(p) => period(p),
        _ => None,
    };
    let time_of = |value: Value| match value {
        Value::Time(t) => Some(t),
        other => other.as_number().map(|n| n as i64),
    };
    match function {
        Function::Bin => match (row.timestamp(), period(0)) {
            // The second argument is `offset`'s shift (the parser adds it).
            (Some(t), Some(p)) => {
                let shift = match args.get(1) {
                    Some(Expr::Number(ms)) => *ms as i64,
                    _ => 0,
                };
                Value::Time(p.floor(t.saturating_add(shift)))
            }
            _ => Value::Missing,
        },
        Function::DateFloor => match (time_of(arg(0)), period(1)) {
            (Some(t), Some(p)) => Value::Time(p.floor(t)),
            _ => Value::Missing,
        },
        Function::DateCeil => match (time_of(arg(0)), period(1)) {
            (Some(t), Some(p)) => Value::Time(p.ceil(t)),
            _ => Value::Missing,
        },
        Function::FormatDate | Function::ParseDate => {
            let zone = match args.get(2) {
                Some(Expr::Text(zone)) => {
                    super::dates::check_zone(zone).unwrap_or(crate::timezone::Zone::UTC)
                }
                _ => crate::timezone::Zone::UTC,
            };
            let format = match &args[1] {
                Expr::Text(format) => format.as_str(),
                _ => return Value::Missing,
            };
            if function == Function::FormatDate {
                time_of(arg(0)).map_or(Value::Missing, |t| {
                    Value::Text(super::dates::format_date(t, format, &zone))
                })
            } else {
                text(0)
                    .and_then(|t| super::dates::parse_date(&t, format, &zone))
                    .map_or(Value::Missing, |ms| Value::Number(ms as f64))
            }
        }
        Function::Now => Value::Number(cx.now.div_euclid(1000) as f64),
        Function::QueryStartTime => Value::Number(cx.start as f64),
        Function::QueryEndTime => Value::Number(cx.end as f64),
        Function::QueryTimeRange => Value::Number((cx.end - cx.start) as f64),
        Function::If => {
            if arg(0).is_true() {
                arg(1)
            } else {
                arg(2)
            }
        }
        Function::Case => {
            // case(c1, v1, c2, v2, ..., [default])
            let mut i = 0;
            while i + 1 < args.len() {
                if arg(i).is_true() {
                    return arg(i + 1);
                }
                i += 2;
            }
            if i < args.len() {
                arg(i)
            } else {
                Value::Missing
            }
        }
        Function::IsNumeric => Value::Bool(number(0).is_some()),
        Function::ToNumber => number(0).map_or(Value::Missing, Value::Number),
        Function::Round => {
            let digits = if args.len() > 1 {
                number(1).unwrap_or(0.0)
            } else {
                0.0
            };
            number(0).map_or(Value::Missing, |n| {
                let scale = 10f64.powi(digits.clamp(0.0, 15.0) as i32);
                Value::Number((n * scale).round() / scale)
            })
        }
        Function::StartsWith => match (text(0), text(1)) {
            (Some(t), Some(p)) => Value::Bool(t.starts_with(&p)),
            _ => Value::Bool(false),
        },
        Function::EndsWith => match (text(0), text(1)) {
            (Some(t), Some(p)) => Value::Bool(t.ends_with(&p)),
            _ => Value::Bool(false),
        },
        Function::RegexReplace => match (text(0), &args[1], text(2)) {
            (Some(t), Expr::Pattern(regex), Some(with)) => {
                Value::Text(regex.replace_all(&t, with.as_str()).into_owned())
            }
            _ => Value::Missing,
        },
        Function::MessageSize => with_text(&|t| Value::Number(t.len() as f64)),
        Function::IsValidIp => {
            with_text(&|t| Value::Bool(t.trim().parse::<std::net::IpAddr>().is_ok()))
        }
        Function::IsValidIpV4 => {
            with_text(&|t| Value::Bool(t.trim().parse::<std::net::Ipv4Addr>().is_ok()))
        }
        Function::IsValidIpV6 => {
            with_text(&|t| Value::Bool(t.trim().parse::<std::net::Ipv6Addr>().is_ok()))
        }
        Function::IsIpInSubnet | Function::IsIpv4InSubnet | Function::IsIpv6InSubnet => {
            match (text(0), text(1)) {
                (Some(ip), Some(subnet)) => Value::Bool(in_subnet(function, &ip, &subnet)),
                _ => Value::Bool(false),
            }
        }
        Function::Ipv4ToNumber => with_text(&|t| {
            t.trim()
                .parse::<std::net::Ipv4Addr>()
                .map_or(Value::Missing, |ip| Value::Number(f64::from(u32::from(ip))))
        }),
        Function::IsPrivateIp => with_text(&|t| Value::Bool(ip_class(t) == Some(IpClass::Private))),
        Function::IsPublicIp => with_text(&|t| Value::Bool(ip_class(t) == Some(IpClass::Public))),
        Function::IsReservedIp => {
            with_text(&|t| Value::Bool(ip_class(t) == Some(IpClass::Reserved)))
        }
        Function::FromMillis => number(0).map_or(Value::Missing, |n| Value::Time(n as i64)),
        Function::ToMillis => time_of(arg(0)).map_or(Value::Missing, |t| Value::Number(t as f64)),
        Function::IsPresent => Value::Bool(present(&args[0], row, cx)),
        Function::Unmask => row
            .unmasked_message()
            .map_or_else(|| arg(0), |raw| Value::Text(raw.to_owned())),
        Function::Md5 => with_text(&|t| Value::Text(super::hash::md5_hex(t))),
        Function::Sha256 => with_text(&|t| Value::Text(super::hash::sha256_hex(t))),
        Function::Coalesce => args
            .iter()
            .map(|a| eval(a, row, cx))
            .find(Value::is_present)
            .unwrap_or(Value::Missing),
        Function::IsEmpty => Value::Bool(text(0).is_none_or(|t| t.is_empty())),
        Function::IsBlank => Value::Bool(text(0).is_none_or(|t| t.trim().is_empty())),
        Function::Concat => Value::Text(
            (0..args.len())
                .filter_map(text)
                .collect::<Vec<String>>()
                .concat(),
        ),
        Function::Ltrim | Function::Rtrim | Function::Trim => {
            let Some(t) = text(0) else {
                return Value::Missing;
            };
            // With a second argument, the characters to trim (`trim("xyZfooxyZ", "xyZ")`).
            let set: Option<Vec<char>> =
                (args.len() > 1).then(|| text(1).unwrap_or_default().chars().collect());
            let trim = |c: char| set.as_ref().map_or(c.is_whitespace(), |s| s.contains(&c));
            Value::Text(match function {
                Function::Ltrim => t.trim_start_matches(trim).to_owned(),
                Function::Rtrim => t.trim_end_matches(trim).to_owned(),
                _ => t.trim_matches(trim).to_owned(),
            })
        }
        Function::Strlen => with_text(&|t| Value::Number(t.chars().count() as f64)),
        Function::ToUpper => with_text(&|t| Value::Text(t.to_uppercase())),
        Function::ToLower => with_text(&|t| Value::Text(t.to_lowercase())),
        Function::Substr => {
            let Some(t) = text(0) else {
                return Value::Missing;
            };
            let start = number(1).unwrap_or(0.0).max(0.0) as usize;
            let length = if args.len() > 2 {
                number(2).unwrap_or(0.0).max(0.0) as usize
            } else {
                usize::MAX
            };
            Value::Text(t.chars().skip(start).take(length).collect())
        }
        Function::Replace => match (text(0), text(1), text(2)) {
            (Some(t), Some(find), Some(with)) if !find.is_empty() => {
                Value::Text(t.replace(&find, &with))
            }
            (Some(t), _, _) => Value::Text(t),
            _ => Value::Missing,
        },
        Function::StrContains => match (text(0), text(1)) {
            (Some(t), Some(sub)) => {
                // A true third argument makes it case-insensitive.
                let found = if args.len() > 2 && arg(2).is_true() {
                    t.to_lowercase().contains(&sub.to_lowercase())
                } else {
                    t.contains(&sub)
                };
                Value::Bool(found)
            }
            _ => Value::Missing,
        },
        Function::Abs => with_number(f64::abs),
        Function::Ceil => with_number(f64::ceil),
        Function::Floor => with_number(f64::floor),
        Function::Log => with_number(f64::ln),
        Function::Sqrt => with_number(f64::sqrt),
        Function::JsonParse => match arg(0) {
            json @ Value::Json(_) => json,
            other => other
                .as_text()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .filter(|j| j.is_object() || j.is_array())
                .map_or(Value::Missing, |j| Value::Json(Box::new(j))),
        },
        Function::JsonStringify => match arg(0) {
            Value::Json(json) => Value::Text(json.to_string()),
            _ => Value::Missing,
        },
        Function::JsonArraySize => match arg(0) {
            Value::Json(json) => json
                .as_array()
                .map_or(Value::Missing, |items| Value::Number(items.len() as f64)),
            _ => Value::Missing,
        },
        Function::JsonArrayContains => {
            let needle = arg(1);
            let found = match arg(0) {
                Value::Json(json) => json.as_array().is_some_and(|items| {
                    items.iter().any(|item| {
                        Value::from_json(item).compare(&needle) == Some(Ordering::Equal)
                    })
                }),
                _ => false,
            };
            Value::Bool(found)
        }
        Function::Split => match (text(0), text(1)) {
            (Some(t), Some(delimiter)) => {
                let parts: Vec<serde_json::Value> = if delimiter.is_empty() {
                    t.chars().map(|c| c.to_string().into()).collect()
                } else {
                    t.split(delimiter.as_str()).map(|p| p.into()).collect()
                };
                Value::Json(Box::new(serde_json::Value::Array(parts)))
            }
            _ => Value::Missing,
        },
        Function::Base64Encode => with_text(&|t| {
            use base64::Engine;
            Value::Text(base64::engine::general_purpose::STANDARD.encode(t))
        }),
        Function::Base64Decode => with_text(&|t| {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD
                .decode(t.trim())
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .map_or(Value::Missing, Value::Text)
        }),
        Function::UrlEncode => {
            with_text(&|t| Value::Text(form_urlencoded::byte_serialize(t.as_bytes()).collect()))
        }
        Function::UrlDecode => with_text(&|t| url_decode(t).map_or(Value::Missing, Value::Text)),
        Function::HexToAscii => with_text(&|t| {
            let hex = strip_hex_prefix(t.trim());
            (0..hex.len())
                .step_by(2)
                .map(|i| {
                    hex.get(i..i + 2)
                        .and_then(|b| u8::from_str_radix(b, 16).ok())
                })
                .collect::<Option<Vec<u8>>>()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .map_or(Value::Missing, Value::Text)
        }),
        Function::HexToDec => with_text(&|t| {
            let t = t.trim();
            let (negative, digits) = t.strip_prefix('-').map_or((false, t), |d| (true, d));
            i64::from_str_radix(strip_hex_prefix(digits), 16).map_or(Value::Missing, |n| {
                Value::Number(if negative { -n } else { n } as f64)
            })
        }),
        Function::DecToHex => number(0).map_or(Value::Missing, |n| {
            let n = n.trunc() as i64;
            let sign = if n < 0 { "-" } else { "" };
            Value::Text(format!("{sign}0x{:x}", n.unsigned_abs()))
        }),
        Function::Haversine => match (number(0), number(1), number(2), number(3)) {
            (Some(lat1), Some(lon1), Some(lat2), Some(lon2)) => {
                const EARTH_RADIUS_KM: f64 = 6371.0;
                let (phi1, phi2) = (lat1.to_radians(), lat2.to_radians());
                let d_phi = (lat2 - lat1).to_radians();
                let d_lambda = (lon2 - lon1).to_radians();
                let a = (d_phi / 2.0).sin().powi(2)
                    + phi1.cos() * phi2.cos() * (d_lambda / 2.0).sin().powi(2);
                Value::Number(2.0 * EARTH_RADIUS_KM * a.sqrt().asin())
            }
            _ => Value::Missing,
        },
        Function::Greatest | Function::Least => {
            let numbers = (0..args.len()).filter_map(number);
            let best = if function == Function::Greatest {
                numbers.fold(None, |m: Option<f64>, n| Some(m.map_or(n, |m| m.max(n))))
            } else {
                numbers.fold(None, |m: Option<f64>, n| Some(m.map_or(n, |m| m.min(n))))
            };
            best.map_or(Value::Missing, Value::Number)
        }
    }
}

fn strip_hex_prefix(text: &str) -> &str {
    text.strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text)
}

/// Percent-decoding, `+` as a space (what `urlencode` writes); `None` for a bad escape or
/// bytes that are not UTF-8.
fn url_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Whether `ip` is in `subnet` (CIDR); the v4/v6 variants also require that family.
fn in_subnet(function: Function, ip: &str, subnet: &str) -> bool {
    use std::net::IpAddr;
    let Ok(ip) = ip.trim().parse::<IpAddr>() else {
        return false;
    };
    let Some((network, bits)) = subnet.trim().split_once('/') else {
        return false;
    };
    let (Ok(network), Ok(bits)) = (network.parse::<IpAddr>(), bits.parse::<u32>()) else {
        return false;
    };
    let family_ok = match function {
        Function::IsIpv4InSubnet => ip.is_ipv4(),
        Function::IsIpv6InSubnet => ip.is_ipv6(),
        _ => true,
    };
    let matches = match (ip, network) {
        (IpAddr::V4(a), IpAddr::V4(n)) if bits <= 32 => {
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) if bits <= 128 => {
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    };
    family_ok && matches
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IpClass {
    Private,
    Public,
    Reserved,
}

/// RFC 1918 private ranges; the IANA special-purpose ranges as reserved; the rest public.
fn ip_class(text: &str) -> Option<IpClass> {
    let ip: std::net::Ipv4Addr = text.trim().parse().ok()?;
    let o = ip.octets();
    Some(
        if o[0] == 10 || (o[0] == 172 && (16..32).contains(&o[1])) || (o[0] == 192 && o[1] == 168) {
            IpClass::Private
        } else if o[0] == 0
            || o[0] == 127
            || o[0] >= 224
            || (o[0] == 169 && o[1] == 254)
            || (o[0] == 100 && (64..128).contains(&o[1]))
            || (o[0] == 192 && o[1] == 0 && (o[2] == 0 || o[2] == 2))
            || (o[0] == 198 && (o[1] == 18 || o[1] == 19))
            || (o[0] == 198 && o[1] == 51 && o[2] == 100)
            || (o[0] == 203 && o[1] == 0 && o[2] == 113)
        {
            IpClass::Reserved
        } else {
            IpClass::Public
        },
    )
}

/// `stats` as rows arrive: one group per distinct combination of the `by` values, each with
/// an accumulator per aggregation; groups come out in ascending order of their values.
///
/// A row's combination is looked up by its bytes ([`KeyPart::encode`]) in a reused buffer,
/// so a row of an existing group allocates nothing.
#[derive(Debug, Clone)]
struct Aggregator<'q> {
    aggregations: &'q [(Aggregation, String)],
    by: &'q [Projection],
    index: HashMap<Box<[u8]>, usize>,
    groups: Vec<(Vec<Value>, Vec<Accumulator>)>,
    scratch: Vec<u8>,
}

/// One aggregation's running state.
#[derive(Debug, Clone)]
enum Accumulator {
    Count(u64),
    Distinct(HashSet<String>),
    Sum(f64),
    Avg(f64, u64),
    Min(Option<f64>),
    Max(Option<f64>),
    /// Every value (pct, stddev); pct selects its rank at the end, without sorting.
    Values(Vec<f64>),
    /// The value at the earliest or latest `@timestamp` so far.
    AtTime(Option<(i64, Value)>),
    /// The value that sorts first or last so far.
    Extreme(Option<Value>),
    /// `rate`: the earliest and latest `(@timestamp, value)` so far (ties: the smaller value
    /// is the earlier, so that the order events arrive in does not matter).
    Rate(Option<((i64, f64), (i64, f64))>),
}

impl<'q> Aggregator<'q> {
    fn new(aggregations: &'q [(Aggregation, String)], by: &'q [Projection]) -> Self {
        Self {
            aggregations,
            by,
            index: HashMap::new(),
            groups: Vec::new(),
            scratch: Vec::new(),
        }
    }

    fn new_group(&self) -> Vec<Accumulator> {
        self.aggregations
            .iter()
            .map(|(a, _)| Accumulator::for_function(a.function))
            .collect()
    }

    fn add<F: Fields>(&mut self, row: &F, cx: &Context) {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        for projection in self.by {
            match &projection.expr {
                Expr::Field(name) => row.key_part(name).encode(&mut scratch),
                other => KeyPart::of(&eval(other, row, cx)).encode(&mut scratch),
            }
        }
        let group = match self.index.get(scratch.as_slice()) {
            Some(&group) => group,
            None => {
                let values = self.by.iter().map(|p| eval(&p.expr, row, cx)).collect();
                self.groups.push((values, self.new_group()));
                self.index
                    .insert(scratch.as_slice().into(), self.groups.len() - 1);
                self.groups.len() - 1
            }
        };
        self.scratch = scratch;
        let accumulators = &mut self.groups[group].1;
        for ((aggregation, _), accumulator) in self.aggregations.iter().zip(accumulators) {
            accumulator.add(aggregation, row, cx);
        }
    }

    fn finish(mut self, _cx: &Context) -> Vec<Record> {
        if self.groups.is_empty() && self.by.is_empty() {
            let accumulators = self.new_group();
            self.groups.push((Vec::new(), accumulators));
        }
        let (aggregations, by) = (self.aggregations, self.by);
        let mut groups = self.groups;
        groups
            .sort_by_cached_key(|(values, _)| values.iter().map(GroupKey::of).collect::<Vec<_>>());
        groups
            .into_iter()
            .map(|(values, accumulators)| {
                let mut fields: Vec<(String, Value)> = by
                    .iter()
                    .zip(values)
                    .map(|(p, v)| (p.name.clone(), v))
                    .collect();
                for ((aggregation, name), accumulator) in aggregations.iter().zip(accumulators) {
                    fields.push((name.clone(), accumulator.result(aggregation)));
                }
                Record {
                    fields,
                    ptr: None,
                    unmasked: None,
                }
            })
            .collect()
    }
}

impl Accumulator {
    fn for_function(function: AggregateFunction) -> Self {
        match function {
            AggregateFunction::Count | AggregateFunction::CountOverTime => Self::Count(0),
            AggregateFunction::CountDistinct => Self::Distinct(HashSet::new()),
            AggregateFunction::Sum | AggregateFunction::SumOverTime => Self::Sum(0.0),
            AggregateFunction::Avg => Self::Avg(0.0, 0),
            AggregateFunction::Min => Self::Min(None),
            AggregateFunction::Max => Self::Max(None),
            AggregateFunction::Pct | AggregateFunction::Stddev | AggregateFunction::Histogram => {
                Self::Values(Vec::new())
            }
            AggregateFunction::Rate => Self::Rate(None),
            AggregateFunction::Earliest | AggregateFunction::Latest => Self::AtTime(None),
            AggregateFunction::SortsFirst | AggregateFunction::SortsLast => Self::Extreme(None),
        }
    }

    /// Adds the row's value of the aggregation's argument, read as this function needs it.
    fn add<F: Fields>(&mut self, aggregation: &Aggregation, row: &F, cx: &Context) {
        let Some(arg) = &aggregation.arg else {
            // count(*)
            if let Self::Count(n) = self {
                *n += 1;
            }
            return;
        };
        let number = || number_of(arg, row, cx);
        match self {
            Self::Count(n) => *n += u64::from(present(arg, row, cx)),
            Self::Distinct(seen) => {
                if let Some(text) = text_of(arg, row, cx) {
                    if !seen.contains(text.as_ref()) {
                        seen.insert(text.into_owned());
                    }
                }
            }
            Self::Sum(_) | Self::Avg(..) | Self::Min(_) | Self::Max(_) | Self::Values(_) => {
                self.add_number(number())
            }
            Self::AtTime(_) | Self::Extreme(_) => {
                self.add_value(aggregation, eval(arg, row, cx), row.timestamp())
            }
            Self::Rate(span) => {
                if let (Some(t), Some(x)) = (row.timestamp(), number()) {
                    let point = (t, x);
                    let before = |a: (i64, f64), b: (i64, f64)| {
                        a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)) == Ordering::Less
                    };
                    *span = Some(match *span {
                        None => (point, point),
                        Some((first, last)) => (
                            if before(point, first) { point } else { first },
                            if before(last, point) { point } else { last },
                        ),
                    });
                }
            }
        }
    }

    fn add_number(&mut self, number: Option<f64>) {
        match self {
            Self::Sum(sum) => *sum += number.unwrap_or(0.0),
            Self::Avg(sum, n) => {
                if let Some(x) = number {
                    *sum += x;
                    *n += 1;
                }
            }
            Self::Min(min) => {
                if let Some(x) = number {
                    *min = Some(min.map_or(x, |m| m.min(x)));
                }
            }
            Self::Max(max) => {
                if let Some(x) = number {
                    *max = Some(max.map_or(x, |m| m.max(x)));
                }
            }
            Self::Values(all) => all.extend(number),
            _ => {}
        }
    }

    fn add_value(&mut self, aggregation: &Aggregation, value: Value, timestamp: Option<i64>) {
        match self {
            Self::AtTime(best) => {
                let Some(t) = timestamp else {
                    return;
                };
                let earliest = aggregation.function == AggregateFunction::Earliest;
                let better = best
                    .as_ref()
                    .is_none_or(|(bt, _)| if earliest { t < *bt } else { t > *bt });
                if better {
                    *best = Some((t, value));
                }
            }
            Self::Extreme(best) => {
                if !value.is_present() {
                    return;
                }
                let first = aggregation.function == AggregateFunction::SortsFirst;
                let better = best.as_ref().is_none_or(|b| {
                    let order = value.sort_cmp(b);
                    if first {
                        order == Ordering::Less
                    } else {
                        order == Ordering::Greater
                    }
                });
                if better {
                    *best = Some(value);
                }
            }
            _ => {}
        }
    }

    fn result(self, aggregation: &Aggregation) -> Value {
        match self {
            Self::Count(n) => Value::Number(n as f64),
            Self::Distinct(seen) => Value::Number(seen.len() as f64),
            Self::Sum(sum) => Value::Number(sum),
            Self::Avg(_, 0) => Value::Missing,
            Self::Avg(sum, n) => Value::Number(sum / n as f64),
            Self::Min(x) | Self::Max(x) => x.map_or(Value::Missing, Value::Number),
            Self::Values(mut all) => {
                if all.is_empty() {
                    return Value::Missing;
                }
                if aggregation.function == AggregateFunction::Histogram {
                    return histogram(&all, aggregation.parameter as usize);
                }
                if aggregation.function == AggregateFunction::Stddev {
                    if all.len() < 2 {
                        return Value::Number(0.0);
                    }
                    let mean = all.iter().sum::<f64>() / all.len() as f64;
                    let variance = all.iter().map(|x| (x - mean).powi(2)).sum::<f64>()
                        / (all.len() - 1) as f64;
                    return Value::Number(variance.sqrt());
                }
                // pct: nearest rank.
                let rank = ((aggregation.parameter / 100.0) * all.len() as f64).ceil() as usize;
                let index = rank.clamp(1, all.len()) - 1;
                let (_, value, _) = all.select_nth_unstable_by(index, f64::total_cmp);
                Value::Number(*value)
            }
            Self::AtTime(best) => best.map_or(Value::Missing, |(_, v)| v),
            Self::Extreme(best) => best.unwrap_or(Value::Missing),
            Self::Rate(None) => Value::Missing,
            Self::Rate(Some(((t0, x0), (t1, x1)))) => Value::Number(if t1 == t0 {
                0.0
            } else {
                (x1 - x0) / (t1 - t0) as f64 * aggregation.parameter
            }),
        }
    }
}

/// `histogram(field, buckets)`: `buckets` equal-width ranges from the least to the greatest
/// value, each `[lo,hi)` but the last, `[lo,hi]`, with its count, as a JSON object in bucket
/// order (written here, as serde_json's maps sort their keys). All values equal: one bucket
/// `[v,v]`. A range too narrow to print apart from its bounds (`[a,a)`) is folded into the
/// next one, so the keys stay unique and the counts still add up.
fn histogram(values: &[f64], buckets: usize) -> Value {
    let (min, max) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
            (lo.min(*x), hi.max(*x))
        });
    let buckets = if min == max { 1 } else { buckets.max(1) };
    // Halves, so that the span of values near ±f64::MAX does not overflow.
    let half_span = max / 2.0 - min / 2.0;
    let mut counts = vec![0u64; buckets];
    for x in values {
        let at = if half_span > 0.0 {
            ((x / 2.0 - min / 2.0) / half_span * buckets as f64) as usize
        } else {
            0
        };
        counts[at.min(buckets - 1)] += 1;
    }
    let bound = |i: usize| {
        if i == buckets {
            max
        } else {
            2.0 * (min / 2.0 + half_span * (i as f64 / buckets as f64))
        }
    };
    let labels: Vec<String> = (0..=buckets).map(|i| format_number(bound(i))).collect();
    let mut json = String::from("{");
    let mut carried = 0;
    for (i, count) in counts.iter().enumerate() {
        let last = i + 1 == buckets;
        if labels[i] == labels[i + 1] && !last {
            carried += count;
            continue;
        }
        if json.len() > 1 {
            json.push(',');
        }
        let close = if last { ']' } else { ')' };
        let key = format!("[{},{}{close}", labels[i], labels[i + 1]);
        json.push_str(&serde_json::Value::String(key).to_string());
        json.push(':');
        json.push_str(&(count + carried).to_string());
        carried = 0;
    }
    json.push('}');
    Value::Text(json)
}

/// One `by` value of a row, as its group is looked up: as [`GroupKey`] compares them, but
/// borrowed.
pub(super) enum KeyPart<'a> {
    Missing,
    Number(f64),
    Text(Cow<'a, str>),
}

impl<'a> KeyPart<'a> {
    fn of(value: &'a Value) -> Self {
        match value {
            Value::Missing => Self::Missing,
            Value::Number(n) => Self::Number(*n),
            Value::Time(t) => Self::Number(*t as f64),
            other => Self::Text(other.as_text().unwrap_or_default()),
        }
    }

    fn into_owned(self) -> KeyPart<'static> {
        match self {
            Self::Missing => KeyPart::Missing,
            Self::Number(n) => KeyPart::Number(n),
            Self::Text(text) => KeyPart::Text(Cow::Owned(text.into_owned())),
        }
    }

    /// Appends this part's bytes: a tag, then the number's bits or the text's length and
    /// bytes, so that two rows' encodings are equal exactly when their keys are.
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Self::Missing => out.push(0),
            Self::Number(n) => {
                out.push(1);
                out.extend_from_slice(&n.to_bits().to_le_bytes());
            }
            Self::Text(text) => {
                out.push(2);
                out.extend_from_slice(&text.len().to_le_bytes());
                out.extend_from_slice(text.as_bytes());
            }
        }
    }
}

/// Whether `expr` has a value in `row`.
fn present<F: Fields>(expr: &Expr, row: &F, cx: &Context) -> bool {
    match expr {
        Expr::Field(name) => row.present(name),
        other => eval(other, row, cx).is_present(),
    }
}

/// `expr` in `row` as a number, without building a value for a field.
fn number_of<F: Fields>(expr: &Expr, row: &F, cx: &Context) -> Option<f64> {
    match expr {
        Expr::Field(name) => row.number(name),
        other => eval(other, row, cx).as_number(),
    }
}

/// A group key: missing values first, then numbers (numerically), then text.
#[derive(Debug, Clone)]
enum GroupKey {
    Missing,
    Number(f64),
    Text(String),
}

impl Ord for GroupKey {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Missing, Self::Missing) => Ordering::Equal,
            (Self::Missing, _) => Ordering::Less,
            (_, Self::Missing) => Ordering::Greater,
            (Self::Number(a), Self::Number(b)) => a.total_cmp(b),
            (Self::Number(_), Self::Text(_)) => Ordering::Less,
            (Self::Text(_), Self::Number(_)) => Ordering::Greater,
            (Self::Text(a), Self::Text(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for GroupKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for GroupKey {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for GroupKey {}

impl GroupKey {
    fn of(value: &Value) -> Self {
        match value {
            Value::Missing => Self::Missing,
            Value::Number(n) => Self::Number(*n),
            Value::Time(t) => Self::Number(*t as f64),
            other => Self::Text(other.as_text().map(|t| t.into_owned()).unwrap_or_default()),
        }
    }
}

/// A logfmt line's pairs (`key=value`, `key="quoted \"value\""`, a bare `key`), the last of a
/// repeated key winning. A bare key reads as `"true"`, as the logfmt decoders of Fluent Bit and
/// Vector read it (AWS's Parse page does not say); a line with no `key=value` pair at all is
/// not logfmt and gives no map.
fn logfmt_pairs(text: &str) -> serde_json::Map<String, serde_json::Value> {
    let mut out = serde_json::Map::new();
    let mut paired = false;
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| *c <= ' ').is_some() {}
        let mut key = String::new();
        while let Some(c) = chars.next_if(|c| *c > ' ' && *c != '=' && *c != '"') {
            key.push(c);
        }
        match chars.peek() {
            None if key.is_empty() => {
                if !paired {
                    out.clear();
                }
                return out;
            }
            Some('"') if key.is_empty() => {
                // A stray quoted word: skip it whole.
                chars.next();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
                continue;
            }
            Some('=') if key.is_empty() => {
                chars.next();
                continue;
            }
            _ => {}
        }
        let value = if chars.next_if_eq(&'=').is_some() {
            paired = true;
            let mut value = String::new();
            if chars.next_if_eq(&'"').is_some() {
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => match chars.next() {
                            Some('n') => value.push('\n'),
                            Some('t') => value.push('\t'),
                            Some(other) => value.push(other),
                            None => {}
                        },
                        '"' => break,
                        other => value.push(other),
                    }
                }
            } else {
                while let Some(c) = chars.next_if(|c| *c > ' ') {
                    value.push(c);
                }
            }
            value
        } else {
            "true".to_owned()
        };
        out.insert(key, serde_json::Value::String(value));
    }
}

/// A CSV line's columns (RFC 4180: `,` between columns, `"` around a column that holds a comma
/// or a quote, `""` for a quote inside one). Columns keep their spaces.
fn csv_columns(text: &str) -> Vec<String> {
    let mut columns = Vec::new();
    let mut column = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted => {
                if chars.next_if_eq(&'"').is_some() {
                    column.push('"');
                } else {
                    quoted = false;
                }
            }
            '"' if column.is_empty() => quoted = true,
            ',' if !quoted => columns.push(std::mem::take(&mut column)),
            other => column.push(other),
        }
    }
    columns.push(column);
    columns
}

/// `sessionize`: walks the rows oldest first; a row continues its identity's session when it
/// is at most `maxspan` after that identity's previous row, else starts the next session.
/// Sessions are numbered from 1 in the order they start; a row missing an identity field, or
/// without a timestamp, gets no session. The rows keep their order.
fn number_sessions(sessionize: &Sessionize, rows: &mut [Record]) {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&i| rows[i].timestamp());
    let mut open: HashMap<Vec<String>, (i64, u64)> = HashMap::new();
    let mut sessions = 0u64;
    for i in order {
        let row = &mut rows[i];
        let identity: Option<Vec<String>> = sessionize
            .fields
            .iter()
            .map(|f| row.lookup(f).display().map(|t| t.into_owned()))
            .collect();
        let (Some(identity), Some(at)) = (identity, row.timestamp()) else {
            row.set(&sessionize.out, Value::Missing);
            continue;
        };
        let session = match open.get_mut(&identity) {
            Some((last, id)) if at - *last <= sessionize.max_span_ms => {
                *last = at;
                *id
            }
            _ => {
                sessions += 1;
                open.insert(identity, (at, sessions));
                sessions
            }
        };
        row.set(&sessionize.out, Value::Text(session.to_string()));
    }
}

/// The rows `expand` makes of one row: one per element of the field's JSON array (a list
/// value, text holding a JSON array, or a JSON message's array flattened as `field.0`,
/// `field.1`, ...), each with the element under the field's name. A row whose field is
/// missing or holds no array passes unchanged; an empty array gives no row.
fn expand_row(field: &str, mut row: Record, out: &mut Vec<Record>) {
    let items = match row.lookup(field).into_owned() {
        Value::Json(json) => json.as_array().cloned(),
        Value::Text(text) if text.trim_start().starts_with('[') => {
            serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v.as_array().cloned())
        }
        _ => None,
    };
    let prefix = format!("{field}.");
    if let Some(items) = items {
        row.fields.retain(|(name, _)| !name.starts_with(&prefix));
        for item in &items {
            let mut each = row.clone();
            each.set(field, Value::from_json(item));
            out.push(each);
        }
        return;
    }
    // A JSON message's array arrives flattened: `field.<index>[.<path>]`.
    let mut elements: Vec<(usize, Vec<(String, Value)>)> = Vec::new();
    for (name, value) in &row.fields {
        let Some(rest) = name.strip_prefix(&prefix) else {
            continue;
        };
        let (index, path) = rest.split_once('.').unwrap_or((rest, ""));
        let Ok(index) = index.parse::<usize>() else {
            continue;
        };
        let name = if path.is_empty() {
            field.to_owned()
        } else {
            format!("{field}.{path}")
        };
        match elements.iter_mut().find(|(i, _)| *i == index) {
            Some((_, fields)) => fields.push((name, value.clone())),
            None => elements.push((index, vec![(name, value.clone())])),
        }
    }
    if elements.is_empty() {
        out.push(row);
        return;
    }
    elements.sort_by_key(|(i, _)| *i);
    row.fields.retain(|(name, _)| !name.starts_with(&prefix));
    for (_, fields) in elements {
        let mut each = row.clone();
        for (name, value) in fields {
            each.set(&name, value);
        }
        out.push(each);
    }
}

// Group a: filldown, fillmissing, accum, autoregress. Each reads the rows in their order at
// that point of the pipeline (newest first unless sorted), top to bottom.

/// Runs one of the order-dependent commands of group a over every row.
fn apply_in_order(command: &Command, rows: &mut Vec<Record>) {
    match command {
        Command::FillDown(patterns) => fill_down(patterns, rows),
        Command::FillMissing(fill) => fill_missing(fill, rows),
        Command::Accum { field, out } => accumulate(field, out, rows),
        Command::Autoregress(lagged) => autoregress(lagged, rows),
        _ => {}
    }
}

/// Whether `name` matches a `filldown` pattern, where `*` stands for any run of characters.
fn wildcard_match(pattern: &str, name: &str) -> bool {
    let Some((head, rest)) = pattern.split_once('*') else {
        return pattern == name;
    };
    let Some(mut tail) = name.strip_prefix(head) else {
        return false;
    };
    let mut parts: Vec<&str> = rest.split('*').collect();
    let last = parts.pop().unwrap_or_default();
    for part in parts {
        match tail.find(part) {
            Some(at) => tail = &tail[at + part.len()..],
            None => return false,
        }
    }
    tail.len() >= last.len() && tail.ends_with(last)
}

/// `filldown`: a field missing in a row takes the value it last had in a row above. With no
/// patterns, every field some row above had.
fn fill_down(patterns: &[String], rows: &mut [Record]) {
    let mut last: Vec<(String, Value)> = Vec::new();
    for row in rows.iter_mut() {
        for (name, value) in &row.fields {
            let wanted = patterns.is_empty() || patterns.iter().any(|p| wildcard_match(p, name));
            if wanted && value.is_present() {
                match last.iter_mut().find(|(n, _)| n == name) {
                    Some(slot) => slot.1 = value.clone(),
                    None => last.push((name.clone(), value.clone())),
                }
            }
        }
        // A named field no row above had stays missing; one above fills it.
        for (name, value) in &last {
            if !row.get(name).is_present() {
                row.set(name, value.clone());
            }
        }
    }
}

/// The most rows `fillmissing` inserts: the most rows a query returns, so that a wide gap of
/// small bins cannot grow without bound.
const MAX_FILLED_ROWS: usize = 10_000;

/// One series of `fillmissing`: its key, its `by` fields' values (the bin's aside) and its
/// bins.
type Series = (Vec<GroupKey>, Vec<(String, Value)>, Vec<i64>);

/// `fillmissing`: for each series (the other `by` fields' values), a row for every bin between
/// its first and last one that has none, with the bin, the series' fields and the constants;
/// then the rows in stats' order again (ascending by the `by` fields).
fn fill_missing(fill: &FillMissing, rows: &mut Vec<Record>) {
    let Some((bin_field, period_text)) = &fill.bin else {
        return;
    };
    let Some(period) = period(period_text) else {
        return;
    };
    let series_fields: Vec<&String> = fill.by.iter().filter(|f| *f != bin_field).collect();
    let mut series: Vec<Series> = Vec::new();
    for row in rows.iter() {
        let Value::Time(bin) = row.get(bin_field) else {
            continue;
        };
        let key: Vec<GroupKey> = series_fields
            .iter()
            .map(|f| GroupKey::of(row.get(f)))
            .collect();
        match series.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, bins)) => bins.push(*bin),
            None => {
                let values = series_fields
                    .iter()
                    .map(|f| ((*f).clone(), row.get(f).clone()))
                    .collect();
                series.push((key, values, vec![*bin]));
            }
        }
    }
    let template: Vec<String> = rows
        .first()
        .map(|r| r.fields.iter().map(|(n, _)| n.clone()).collect())
        .unwrap_or_default();
    let mut inserted = 0;
    'series: for (_, values, mut bins) in series {
        bins.sort_unstable();
        bins.dedup();
        for pair in bins.windows(2) {
            let mut at = period.ceil(pair[0].saturating_add(1));
            while at < pair[1] {
                if inserted == MAX_FILLED_ROWS {
                    break 'series;
                }
                let mut row = Record {
                    fields: template
                        .iter()
                        .map(|n| (n.clone(), Value::Missing))
                        .collect(),
                    ptr: None,
                    unmasked: None,
                };
                row.set(bin_field, Value::Time(at));
                for (name, value) in values.iter().chain(&fill.constants) {
                    row.set(name, value.clone());
                }
                rows.push(row);
                inserted += 1;
                at = period.ceil(at.saturating_add(1));
            }
        }
    }
    if inserted > 0 {
        rows.sort_by_cached_key(|row| {
            fill.by
                .iter()
                .map(|f| GroupKey::of(row.get(f)))
                .collect::<Vec<_>>()
        });
    }
}

/// `accum`: each row's running sum of `field` so far, under `out`; a row where the field is
/// missing or not a number adds nothing and shows the sum so far (none before the first
/// number).
fn accumulate(field: &str, out: &str, rows: &mut [Record]) {
    let mut sum: Option<f64> = None;
    for row in rows.iter_mut() {
        if let Some(n) = row.lookup(field).as_number() {
            sum = Some(sum.unwrap_or(0.0) + n);
        }
        if let Some(total) = sum {
            row.set(out, Value::Number(total));
        }
    }
}

/// `autoregress`: each lag's field holds `field`'s value `lag` rows above (missing in the first
/// `lag` rows).
fn autoregress(lagged: &Autoregress, rows: &mut [Record]) {
    let values: Vec<Value> = rows
        .iter()
        .map(|row| row.lookup(&lagged.field).into_owned())
        .collect();
    for (i, row) in rows.iter_mut().enumerate() {
        for (lag, name) in &lagged.lags {
            let value = i
                .checked_sub(*lag)
                .map_or(Value::Missing, |above| values[above].clone());
            row.set(name, value);
        }
    }
}

/// `cidrlookup`: the output values of the most specific range holding the row's IP field; a
/// row without the field, or outside every range, is unchanged. `OUTPUTNEW` fills only fields
/// that are missing or empty (the Cidrlookup page: "fill only empty fields").
fn apply_cidr_lookup(lookup: &CidrLookup, row: &mut Record) {
    let Some(index) = &lookup.bound else {
        return;
    };
    let Some(address) = row
        .lookup(&lookup.ip_field)
        .as_text()
        .map(|t| t.into_owned())
    else {
        return;
    };
    let Some((_, values)) = index
        .ranges
        .iter()
        .find(|(range, _)| range.contains(&address))
    else {
        return;
    };
    for (name, value) in index.names.iter().zip(values) {
        if lookup.only_new && row.get(name).as_text().is_some_and(|t| !t.is_empty()) {
            continue;
        }
        row.set(name, Value::Text(value.clone()));
    }
}

/// The `q` quantile (0..=1) of sorted numbers, interpolating linearly between ranks.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let rank = q * (sorted.len() - 1) as f64;
    let (low, high) = (rank.floor() as usize, rank.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (rank - low as f64)
}

/// `outlier`: per field, the bounds `Q1 - param*IQR` and `Q3 + param*IQR` of its numeric
/// values; a value above the upper bound (or, with `uselower`, below the lower one) is an
/// outlier. `remove` drops the row; `transform` sets the value to the bound; `mark` adds
/// [`OUTLIER_MARK`].
fn apply_outlier(outlier: &Outlier, rows: &mut Vec<Record>) {
    let bounds: Vec<Option<(f64, f64)>> = outlier
        .fields
        .iter()
        .map(|field| {
            let mut numbers: Vec<f64> = rows
                .iter()
                .filter_map(|row| row.lookup(field).as_number())
                .collect();
            if numbers.is_empty() {
                return None;
            }
            numbers.sort_by(f64::total_cmp);
            let (q1, q3) = (quantile(&numbers, 0.25), quantile(&numbers, 0.75));
            let spread = outlier.param * (q3 - q1);
            Some((q1 - spread, q3 + spread))
        })
        .collect();
    rows.retain_mut(|row| {
        let mut found = false;
        for (field, bound) in outlier.fields.iter().zip(&bounds) {
            let (Some((low, high)), Some(n)) = (bound, row.lookup(field).as_number()) else {
                continue;
            };
            let clamped = if n > *high {
                *high
            } else if outlier.use_lower && n < *low {
                *low
            } else {
                continue;
            };
            found = true;
            if !outlier.remove {
                row.set(field, Value::Number(clamped));
            }
        }
        if outlier.remove && found {
            return false;
        }
        if outlier.mark {
            row.set(OUTLIER_MARK, Value::Bool(found));
        }
        true
    });
}

/// `countFrequent`: one row per combination of the fields' values (a missing field is a
/// value of its own), with [`APPROX_COUNT`], most frequent first, ties in order of first
/// appearance (newest first). The counts are exact.
fn count_frequent(fields: &[String], mut rows: Vec<Record>) -> Vec<Record> {
    sort_newest_first(&mut rows);
    let mut groups: Vec<(Record, u64)> = Vec::new();
    let mut index: HashMap<Vec<Option<String>>, usize> = HashMap::new();
    for row in &rows {
        let key: Vec<Option<String>> = fields
            .iter()
            .map(|f| row.lookup(f).display().map(|t| t.into_owned()))
            .collect();
        let slot = *index.entry(key).or_insert_with(|| {
            let mut group = Record {
                fields: Vec::new(),
                ptr: None,
                unmasked: None,
            };
            for field in fields {
                let value = row.lookup(field).into_owned();
                if value.is_present() {
                    group.set(field, value);
                }
            }
            groups.push((group, 0));
            groups.len() - 1
        });
        groups[slot].1 += 1;
    }
    groups.sort_by_key(|group| std::cmp::Reverse(group.1));
    groups
        .into_iter()
        .map(|(mut group, count)| {
            group.set(APPROX_COUNT, Value::Number(count as f64));
            group
        })
        .collect()
}

/// The median of numbers (sorted here).
fn median(mut numbers: Vec<f64>) -> Option<f64> {
    if numbers.is_empty() {
        return None;
    }
    numbers.sort_by(f64::total_cmp);
    Some(quantile(&numbers, 0.5))
}

/// `relevantfields`: for each field, how differently its values fall in the rows that meet
/// the condition and in the others, as a score from 0 to 1. A field whose present values are
/// all numbers is numeric: its score is `|a - b| / (|a| + |b|)` of the two medians. Any other
/// field is categorical: its score is the total variation distance of the two value
/// frequency distributions, and `@topRelevanceContributors` lists the (at most 3) values whose
/// share moved most. Rows: highest score first, then by field name.
fn relevant_fields(
    fields: &[String],
    condition: &Expr,
    rows: Vec<Record>,
    cx: &Context,
) -> Vec<Record> {
    let (matching, baseline): (Vec<Record>, Vec<Record>) = rows
        .into_iter()
        .partition(|row| eval(condition, row, cx).is_true());
    let names: Vec<String> = if fields.is_empty() {
        let mut seen = HashSet::new();
        matching
            .iter()
            .chain(&baseline)
            .flat_map(|row| row.fields.iter().map(|(name, _)| name))
            .filter(|name| !name.starts_with('@') && seen.insert(name.as_str()))
            .cloned()
            .collect()
    } else {
        fields.to_vec()
    };
    let mut out: Vec<(f64, Record)> = Vec::new();
    for name in names {
        let values = |set: &[Record]| -> Vec<Value> {
            set.iter()
                .map(|row| row.lookup(&name).into_owned())
                .filter(Value::is_present)
                .collect()
        };
        let (in_condition, in_baseline) = (values(&matching), values(&baseline));
        if in_condition.is_empty() && in_baseline.is_empty() {
            continue;
        }
        let mut record = Record {
            fields: vec![("@fieldName".into(), Value::Text(name.clone()))],
            ptr: None,
            unmasked: None,
        };
        let numbers =
            |set: &[Value]| -> Option<Vec<f64>> { set.iter().map(|v| v.as_number()).collect() };
        let score = match (numbers(&in_condition), numbers(&in_baseline)) {
            (Some(a), Some(b)) => {
                let (a, b) = (median(a), median(b));
                let score = match (a, b) {
                    (Some(a), Some(b)) if a.abs() + b.abs() > 0.0 => {
                        (a - b).abs() / (a.abs() + b.abs())
                    }
                    (Some(_), Some(_)) => 0.0,
                    // Values on one side only: as far apart as can be.
                    _ => 1.0,
                };
                record.set("@relevanceScore", Value::Number(round3(score)));
                if let Some(a) = a {
                    record.set("@conditionalMedian", Value::Number(a));
                }
                if let Some(b) = b {
                    record.set("@baselineMedian", Value::Number(b));
                }
                score
            }
            _ => {
                let shares = |set: &[Value]| -> HashMap<String, f64> {
                    let mut counts: HashMap<String, f64> = HashMap::new();
                    for value in set {
                        let text = value.display().map_or_else(String::new, |t| t.into_owned());
                        *counts.entry(text).or_default() += 1.0;
                    }
                    let total = set.len().max(1) as f64;
                    counts.values_mut().for_each(|c| *c /= total);
                    counts
                };
                let (a, b) = (shares(&in_condition), shares(&in_baseline));
                let mut shifts: Vec<(String, f64, f64)> = a
                    .keys()
                    .chain(b.keys())
                    .collect::<HashSet<_>>()
                    .into_iter()
                    .map(|v| {
                        let (x, y) = (
                            a.get(v).copied().unwrap_or(0.0),
                            b.get(v).copied().unwrap_or(0.0),
                        );
                        (v.clone(), x, y)
                    })
                    .collect();
                let score = shifts.iter().map(|(_, x, y)| (x - y).abs()).sum::<f64>() / 2.0;
                shifts.sort_by(|l, r| {
                    (r.1 - r.2)
                        .abs()
                        .total_cmp(&(l.1 - l.2).abs())
                        .then_with(|| l.0.cmp(&r.0))
                });
                let top: Vec<String> = shifts
                    .iter()
                    .take(3)
                    .filter(|(_, x, y)| x != y)
                    .map(|(v, x, y)| format!("{v} ({:.0}% vs {:.0}%)", x * 100.0, y * 100.0))
                    .collect();
                record.set("@relevanceScore", Value::Number(round3(score)));
                record.set("@topRelevanceContributors", Value::Text(top.join(", ")));
                score
            }
        };
        out.push((score, record));
    }
    out.sort_by(|l, r| {
        r.0.total_cmp(&l.0)
            .then_with(|| l.1.get("@fieldName").sort_cmp(r.1.get("@fieldName")))
    });
    out.into_iter().map(|(_, record)| record).collect()
}

fn round3(n: f64) -> f64 {
    (n * 1000.0).round() / 1000.0
}
