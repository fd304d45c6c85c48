//! Logs Insights queries: their lifecycle (Running → Complete, or Failed, Cancelled, Timeout;
//! a query starts at once, so it is never seen Scheduled) and the background run that scans
//! the groups.
//!
//! A query runs on a thread of its own, reading one stream at a time under that stream's read
//! lock only, so a long query never holds writers off for long. It checks for StopQuery
//! between streams and every few thousand events.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;

use super::events::{EventKey, EventView};
use super::masking::Masks;
use super::read::Step;
use super::resources::{Resource, ResourceTable};
use super::tokens::{seal, unseal};
use super::{LogGroup, Region};
use crate::error::{LogsError, LogsResult};
use crate::insights::{add_join_event, Context, Event, Output, Query, Run};
use crate::limits::{MAX_JOIN_RIGHT_KEYS, MAX_QUERY_DEFINITIONS, QUERY_TIMEOUT};

/// Where a query is in its life (model: `QueryStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStatus {
    /// Scanning.
    Running,
    /// Finished; results are final.
    Complete,
    /// Stopped by an error.
    Failed,
    /// Stopped by StopQuery.
    Cancelled,
    /// Ran out of time.
    Timeout,
}

impl QueryStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "Running",
            Self::Complete => "Complete",
            Self::Failed => "Failed",
            Self::Cancelled => "Cancelled",
            Self::Timeout => "Timeout",
        }
    }

    /// Whether the query has ended.
    pub fn is_finished(self) -> bool {
        self != Self::Running
    }

    /// The status of a wire name.
    pub fn from_name(name: &str) -> Option<Self> {
        [
            Self::Running,
            Self::Complete,
            Self::Failed,
            Self::Cancelled,
            Self::Timeout,
        ]
        .into_iter()
        .find(|status| status.as_str() == name)
    }
}

/// What is known about one query.
#[derive(Debug, Clone)]
pub struct QueryRecord {
    /// Its id.
    pub id: String,
    /// The query text.
    pub query_string: String,
    /// `CWLI`, `SQL` or `PPL`.
    pub language: String,
    /// The groups it reads (the first is DescribeQueries' `logGroupName`).
    pub log_groups: Vec<String>,
    /// When it was started, epoch milliseconds.
    pub create_time: i64,
    /// The window it reads, epoch milliseconds: `[from, to)`.
    pub window: (i64, i64),
    /// Its status now.
    pub status: QueryStatus,
    /// Its results, once complete; the running statistics before.
    pub output: Output,
    /// How long it ran, milliseconds, once finished.
    pub duration: Option<i64>,
}

/// One query's shared state between its run and the handlers.
#[derive(Debug)]
struct Slot {
    record: Mutex<QueryRecord>,
    stop: AtomicBool,
}

/// The queries of one region, newest last.
#[derive(Debug, Default)]
pub struct Queries {
    slots: Mutex<BTreeMap<(i64, String), Arc<Slot>>>,
}

/// What StartQuery asks for, validated and compiled.
#[derive(Debug)]
pub struct QueryRequest {
    /// The compiled query.
    pub query: Query,
    /// Its text.
    pub query_string: String,
    /// Its language.
    pub language: String,
    /// The groups to read.
    pub groups: Vec<Arc<LogGroup>>,
    /// Inclusive lower bound, epoch milliseconds.
    pub from: i64,
    /// Exclusive upper bound, epoch milliseconds.
    pub to: i64,
    /// Most rows.
    pub limit: usize,
    /// When it was started, epoch milliseconds (`now()`).
    pub started: i64,
    /// With `filterIndex`, per group (in `groups`' order): since when (ingestion time) the
    /// group indexes the field, or `None` when it does not, so the query skips it.
    pub indexed_since: Option<Vec<Option<i64>>>,
    /// The groups the query's subqueries and `join` read, from [`Region::subquery_groups`].
    pub subquery_groups: SubqueryGroups,
}

/// The log groups a query reads besides its own, each part named by what reads it.
#[derive(Debug, Clone, Default)]
pub struct SubqueryGroups {
    /// Each `filter ... in (subquery)`'s SOURCE groups, in [`Query::subqueries`] order.
    pub filters: Vec<Vec<Arc<LogGroup>>>,
    /// The `join`'s right-hand groups (none without a join).
    pub join: Vec<Arc<LogGroup>>,
    /// Each `appendcols` subquery's SOURCE groups, in [`Query::append_cols`] order; empty for
    /// one without SOURCE, which reads the outer query's groups.
    pub appended: Vec<Vec<Arc<LogGroup>>>,
}

/// A saved Logs Insights query (PutQueryDefinition). Stored under its id: names need not be
/// unique.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryDefinition {
    /// Its id (a UUID).
    pub id: String,
    /// Its name (`/` makes console folders).
    pub name: String,
    /// The query text.
    pub query_string: String,
    /// The groups it runs over.
    pub log_group_names: Vec<String>,
    /// Its language.
    pub language: String,
    /// `{name, defaultValue?, description?}` parameters, as given.
    pub parameters: Vec<QueryParameter>,
    /// Last change, epoch milliseconds.
    pub last_modified: i64,
    /// The `clientToken` it was created with, for idempotent retries.
    pub client_token: Option<String>,
}

/// A query definition's parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryParameter {
    /// Its name.
    pub name: String,
    /// Its default value.
    pub default_value: Option<String>,
    /// Its description.
    pub description: Option<String>,
}

impl Resource for QueryDefinition {
    const LISTING: &'static str = "DescribeQueryDefinitions";
    const LIMIT: usize = MAX_QUERY_DEFINITIONS;

    fn key(&self) -> &str {
        &self.id
    }

    fn not_found() -> LogsError {
        LogsError::ResourceNotFound("The specified query definition does not exist.".into())
    }
}

impl Region {
    /// The saved queries of this region.
    pub fn query_definitions(&self) -> &ResourceTable<QueryDefinition> {
        &self.query_definitions
    }
}

/// How often a running query publishes its partial results.
const PARTIAL_RESULTS_EVERY: std::time::Duration = std::time::Duration::from_millis(200);

/// The most rows a subquery gives its outer query (the most rows any query returns).
const MAX_SUBQUERY_ROWS: usize = crate::limits::MAX_QUERY_ROWS;

/// Events between two checks for StopQuery.
const STOP_CHECK_EVENTS: usize = 4096;

impl Region {
    /// Starts a query in the background and returns its id; LimitExceeded past `max_running`
    /// queries still running.
    pub fn start_query(&self, request: QueryRequest, max_running: usize) -> LogsResult<String> {
        let now = self.env.now();
        let id = self.env.ids.uuid();
        let slot = Arc::new(Slot {
            record: Mutex::new(QueryRecord {
                id: id.clone(),
                query_string: request.query_string.clone(),
                language: request.language.clone(),
                log_groups: request.groups.iter().map(|g| g.name().to_owned()).collect(),
                create_time: now,
                window: (request.from, request.to),
                status: QueryStatus::Running,
                output: Output::default(),
                duration: None,
            }),
            stop: AtomicBool::new(false),
        });
        {
            let mut slots = self.queries.slots.lock();
            let running = slots
                .values()
                .filter(|s| !s.record.lock().status.is_finished())
                .count();
            if running >= max_running {
                return Err(LogsError::LimitExceeded(format!(
                    "Account maximum query concurrency limit of [{max_running}] reached."
                )));
            }
            slots.insert((now, id.clone()), Arc::clone(&slot));
        }
        let account = self.env.account_id.clone();
        let fingerprint = self.fingerprint();
        let clock = Arc::clone(&self.env.clock);
        let env = Arc::clone(&self.env);
        let region_name = self.name.clone();
        // A replayed query has already waited its minimum duration.
        let min_duration = if self.env.replaying() {
            std::time::Duration::ZERO
        } else {
            self.env.query_min_duration
        };
        // A replayed query runs on the replaying thread, which keeps its priority.
        let own_thread = !self.env.replaying();
        self.env
            .background(format!("query-{id}"), move || {
                if own_thread {
                    yield_cpu_to_writers();
                }
                let started = clock.now_millis();
                let wall_start = std::time::Instant::now();
                // A query that panics (an emulator bug) fails instead of staying Running.
                let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    run_query(&request, &slot, &account, fingerprint, &env.puts)
                }));
                let (output, status) =
                    ran.unwrap_or_else(|_| (Output::default(), QueryStatus::Failed));
                // With a minimum duration, the final rows show as partial results until then.
                let left = min_duration.saturating_sub(wall_start.elapsed());
                if !left.is_zero() {
                    slot.record.lock().output = output.clone();
                    let deadline = std::time::Instant::now() + left;
                    while std::time::Instant::now() < deadline && !slot.stop.load(Ordering::Relaxed)
                    {
                        std::thread::sleep(PARTIAL_RESULTS_EVERY.min(left));
                    }
                    if slot.stop.load(Ordering::Relaxed) {
                        let mut record = slot.record.lock();
                        record.status = QueryStatus::Cancelled;
                        record.duration = Some(clock.now_millis().saturating_sub(started));
                        let finished = record.clone();
                        drop(record);
                        env.query_finished(&region_name, &finished);
                        return;
                    }
                }
                let mut record = slot.record.lock();
                record.output = output;
                record.status = status;
                record.duration = Some(clock.now_millis().saturating_sub(started));
                let finished = record.clone();
                drop(record);
                env.query_finished(&region_name, &finished);
            })
            .map_err(|e| LogsError::ServiceUnavailable(format!("cannot start the query: {e}")))?;
        Ok(id)
    }

    /// Puts back a finished query as it was recorded (a journaled scheduled-query run).
    pub fn restore_query(&self, record: QueryRecord) {
        let key = (record.create_time, record.id.clone());
        let slot = Arc::new(Slot {
            record: Mutex::new(record),
            stop: AtomicBool::new(false),
        });
        self.queries.slots.lock().insert(key, slot);
    }

    /// The groups `query`'s subqueries and `join` name, or the first name that is not a group
    /// here.
    pub fn subquery_groups(&self, query: &Query) -> Result<SubqueryGroups, String> {
        let resolve = |names: &mut dyn Iterator<Item = &String>| {
            names
                .map(|name| self.group(name).map_err(|_| name.clone()))
                .collect::<Result<Vec<_>, _>>()
        };
        let source_of = |sub: &Query| -> Result<Vec<Arc<LogGroup>>, String> {
            resolve(&mut sub.source.iter().flat_map(|s| s.names.iter()))
        };
        Ok(SubqueryGroups {
            filters: query
                .subqueries()
                .into_iter()
                .map(|sub| source_of(&sub.query))
                .collect::<Result<_, _>>()?,
            join: match query.join() {
                Some(join) => resolve(&mut join.groups.iter())?,
                None => Vec::new(),
            },
            appended: query
                .append_cols()
                .map(|append| source_of(&append.query))
                .collect::<Result<_, _>>()?,
        })
    }

    /// A copy of the named query's record; ResourceNotFound for an unknown id.
    pub fn query(&self, id: &str) -> LogsResult<QueryRecord> {
        self.find_query(id).map(|slot| slot.record.lock().clone())
    }

    /// Asks a running query to stop. `Ok(false)` when it had already ended.
    pub fn stop_query(&self, id: &str) -> LogsResult<bool> {
        let slot = self.find_query(id)?;
        let running = !slot.record.lock().status.is_finished();
        if running {
            slot.stop.store(true, Ordering::Relaxed);
        }
        Ok(running)
    }

    /// Every query's record, newest first.
    pub fn queries(&self) -> Vec<QueryRecord> {
        self.queries
            .slots
            .lock()
            .values()
            .rev()
            .map(|slot| slot.record.lock().clone())
            .collect()
    }

    fn find_query(&self, id: &str) -> LogsResult<Arc<Slot>> {
        self.queries
            .slots
            .lock()
            .iter()
            .find(|((_, slot_id), _)| slot_id == id)
            .map(|(_, slot)| Arc::clone(slot))
            .ok_or_else(|| {
                LogsError::ResourceNotFound(format!("Query does not exist. Query id: {id}"))
            })
    }

    /// The event a `@ptr` names, as `(group, stream, timestamp, ingestion time, message)`.
    pub fn log_record(
        &self,
        ptr: &str,
        unmask: bool,
    ) -> LogsResult<(String, String, i64, i64, String)> {
        let invalid = || LogsError::InvalidParameter(format!("Invalid log record pointer: {ptr}"));
        let plain = unseal(ptr).ok_or_else(invalid)?;
        let mut parts = plain.splitn(5, '\n');
        let (scope, timestamp, seq, stream, group) = (
            parts.next(),
            parts.next().and_then(|t| t.parse::<i64>().ok()),
            parts.next().and_then(|s| s.parse::<u32>().ok()),
            parts.next(),
            parts.next(),
        );
        let (Some(scope), Some(timestamp), Some(seq), Some(stream), Some(group)) =
            (scope, timestamp, seq, stream, group)
        else {
            return Err(invalid());
        };
        if scope != self.fingerprint().to_string() {
            return Err(invalid());
        }
        let log_group = self.group(group)?;
        let key = EventKey { timestamp, seq };
        let found = log_group.event_at(stream, key, unmask).ok_or_else(|| {
            LogsError::ResourceNotFound("The specified log record does not exist.".into())
        })?;
        Ok((
            group.to_owned(),
            stream.to_owned(),
            timestamp,
            found.0,
            found.1,
        ))
    }
}

/// A `@ptr`: the event's group, stream and key, sealed and bound to the region.
fn pointer(region: u64, group: &str, stream: &str, key: EventKey) -> String {
    seal(&format!(
        "{region}\n{}\n{}\n{stream}\n{group}",
        key.timestamp, key.seq
    ))
}

/// How a query leaves PutLogEvents its share of the CPU: while puts are arriving, the query
/// thread sleeps [`WRITERS_SHARE`] times as long as it has just run, so a scan takes at most a
/// quarter of a core from the writers (the target: puts keep at least 70% of their
/// idle rate while a query runs; on 2 vCPUs that may share a physical core, half was not
/// enough). With no puts, it never sleeps.
struct WriterShare<'a> {
    puts: &'a std::sync::atomic::AtomicU64,
    seen: u64,
    since: std::time::Instant,
}

impl<'a> WriterShare<'a> {
    fn new(puts: &'a std::sync::atomic::AtomicU64) -> Self {
        Self {
            puts,
            seen: puts.load(Ordering::Relaxed),
            since: std::time::Instant::now(),
        }
    }

    /// Called between slices of the scan.
    fn give_way(&mut self) {
        let puts = self.puts.load(Ordering::Relaxed);
        if puts != self.seen {
            self.seen = puts;
            std::thread::sleep((self.since.elapsed() * WRITERS_SHARE).min(MAX_GIVE_WAY));
        }
        self.since = std::time::Instant::now();
    }
}

/// Puts the calling thread (a query's scan) behind PutLogEvents for the CPU: at nice
/// [`QUERY_NICE`] the scheduler gives a runnable writer thread about ten times the query's
/// share of a contended core, which the query's own sleeps ([`WriterShare`]) cannot do when
/// every core is busy (2 cores: the writer's client, its server task and the scan). A core
/// nobody else wants still runs the query at full speed, and the scheduler never starves it.
/// Linux only: there the nice value belongs to the thread; elsewhere it is the process's.
fn yield_cpu_to_writers() {
    #[cfg(target_os = "linux")]
    {
        // The kernel may refuse (a seccomp profile); the query then runs as before.
        let _ = rustix::process::setpriority_process(None, QUERY_NICE);
    }
}

/// The nice value of a query's thread (0 is the default, 19 the lowest priority).
const QUERY_NICE: i32 = 10;

/// While puts arrive, a query sleeps this many times as long as it ran (see [`WriterShare`]).
const WRITERS_SHARE: u32 = 3;

/// The longest a query sleeps at once for writers (a slice is a few thousand events).
const MAX_GIVE_WAY: std::time::Duration = std::time::Duration::from_millis(50);

fn run_query(
    request: &QueryRequest,
    slot: &Slot,
    account: &str,
    region: u64,
    puts: &std::sync::atomic::AtomicU64,
) -> (Output, QueryStatus) {
    let context = Context {
        start: request.from,
        end: request.to - 1,
        now: request.started,
    };
    // Subqueries run first, over their own groups and the same window; the outer query then
    // reads their values (the Subqueries page: "results are materialized before being consumed
    // by the outer query").
    let query = &request.query;
    for (sub, groups) in query
        .subqueries()
        .into_iter()
        .zip(&request.subquery_groups.filters)
    {
        let mut inner = Run::new(&sub.query, context, MAX_SUBQUERY_ROWS);
        feed(
            &mut inner,
            groups,
            (request.from, request.to),
            query,
            account,
            region,
            slot,
        );
        let values = inner
            .finish(MAX_SUBQUERY_ROWS)
            .rows
            .into_iter()
            .flat_map(|row| row.into_iter().filter(|(f, _)| *f == sub.field))
            .map(|(_, value)| value)
            .collect();
        let _ = sub.values.set(values);
    }
    if let Some(join) = query.join() {
        let groups = &request.subquery_groups.join;
        let mut table = crate::insights::JoinTable::new();
        let mut too_many = false;
        for group in groups {
            let log = format!("{account}:{}", group.name());
            let (raw, masks) = read_mode(query, group);
            group.scan(request.from, request.to, raw, |stream, view| {
                with_event(view, stream, &log, masks.as_ref(), |event| {
                    too_many = add_join_event(join, &mut table, event) > MAX_JOIN_RIGHT_KEYS;
                });
                !too_many && !slot.stop.load(Ordering::Relaxed)
            });
        }
        if too_many {
            return (Output::default(), QueryStatus::Failed);
        }
        let _ = join.table.set(table);
    }
    // `appendcols`: each subquery runs to its rows before the outer query (the Appendcols
    // page), over its own SOURCE groups and times or else the outer query's.
    for (append, named) in query.append_cols().zip(&request.subquery_groups.appended) {
        let groups = if named.is_empty() {
            &request.groups
        } else {
            named
        };
        let source = append.query.source.as_ref();
        let from = source
            .and_then(|s| s.start)
            .map_or(request.from, |t| t.at(request.started));
        let to = source
            .and_then(|s| s.end)
            .map_or(request.to, |t| t.at(request.started).saturating_add(1));
        let window = Context {
            start: from,
            end: to - 1,
            now: request.started,
        };
        let mut inner = Run::new(&append.query, window, append.max);
        let shift = append.query.bin_offset_ms();
        let shifted = (from.saturating_sub(shift), to.saturating_sub(shift));
        feed(&mut inner, groups, shifted, query, account, region, slot);
        let rows = inner
            .finish(append.max)
            .rows
            .into_iter()
            .map(|row| row.into_iter().filter(|(f, _)| f != "@ptr").collect())
            .collect();
        let _ = append.rows.set(rows);
    }
    let mut run = Run::new(&request.query, context, request.limit);
    let mut since_check = 0;
    let deadline = std::time::Instant::now() + QUERY_TIMEOUT;
    let mut timed_out = false;
    let mut last_partial = std::time::Instant::now();
    let newest_first = run.newest_first_limit();
    // `limit any N`: the scan ends, Complete, once N events are kept.
    let stop_after = run.stop_after();
    let mut kept_total = 0usize;
    let mut enough = false;
    let mut writers = WriterShare::new(puts);
    // `stats ... by bin() offset d` reads the window d earlier; its bins move d later.
    let shift = query.bin_offset_ms();
    let (from, to) = (
        request.from.saturating_sub(shift),
        request.to.saturating_sub(shift),
    );
    for (at, group) in request.groups.iter().enumerate() {
        let log = format!("{account}:{}", group.name());
        let (raw, masks) = read_mode(query, group);
        // `filterIndex`: events the group's index does not cover are skipped unread.
        let indexed_since = request
            .indexed_since
            .as_ref()
            .map(|since| since.get(at).copied().flatten());
        let mut kept_in_stream = 0usize;
        let mut current_stream = String::new();
        // One event: the periodic checks, then the query. `None` stops the scan; `Some(kept)`
        // says whether the event was kept.
        let mut step = |stream: &str, view: EventView<'_>| -> Option<bool> {
            if enough {
                return None;
            }
            since_check += 1;
            if since_check >= STOP_CHECK_EVENTS {
                since_check = 0;
                if slot.stop.load(Ordering::Relaxed) {
                    return None;
                }
                if std::time::Instant::now() > deadline {
                    timed_out = true;
                    return None;
                }
                writers.give_way();
                // Partial results: what the query would answer now, a few times a second.
                if last_partial.elapsed() >= PARTIAL_RESULTS_EVERY {
                    last_partial = std::time::Instant::now();
                    slot.record.lock().output = run.clone().finish(request.limit);
                }
            }
            let key = view.key;
            with_event(view, stream, &log, masks.as_ref(), |event| {
                if let Some(since) = indexed_since {
                    if since.is_none_or(|since| event.ingestion_time < since) {
                        run.skip(event);
                        return Some(false);
                    }
                }
                let kept = run.push(event, || pointer(region, group.name(), stream, key));
                kept_total += usize::from(kept);
                enough = stop_after.is_some_and(|n| kept_total >= n);
                Some(kept)
            })
        };
        let stopped = match newest_first {
            // The newest N kept events overall are among each stream's newest N kept events:
            // read every stream newest first and leave it after its N-th.
            // Insights results are masked by data protection unless the query says `unmask`.
            Some(n) => group.scan_newest_first(from, to, raw, |stream, view| {
                if stream != current_stream {
                    stream.clone_into(&mut current_stream);
                    kept_in_stream = 0;
                }
                match step(stream, view) {
                    None => Step::Stop,
                    Some(kept) => {
                        kept_in_stream += usize::from(kept);
                        if kept_in_stream >= n {
                            Step::NextStream
                        } else {
                            Step::Next
                        }
                    }
                }
            }),
            None => group.scan(from, to, raw, |stream, view| step(stream, view).is_some()),
        };
        if timed_out {
            return (run.statistics(), QueryStatus::Timeout);
        }
        if enough {
            break;
        }
        if stopped || slot.stop.load(Ordering::Relaxed) {
            return (run.statistics(), QueryStatus::Cancelled);
        }
    }
    // `diff`: the earlier window's events, for the comparison only.
    if let Some((from, to)) = run.earlier_window() {
        for group in &request.groups {
            let log = format!("{account}:{}", group.name());
            let (raw, masks) = read_mode(query, group);
            group.scan(from.max(0), to.max(0), raw, |stream, view| {
                with_event(view, stream, &log, masks.as_ref(), |event| {
                    run.push_earlier(event)
                });
                !slot.stop.load(Ordering::Relaxed)
            });
        }
    }
    (run.finish(request.limit), QueryStatus::Complete)
}

/// Feeds `run` (a subquery of `query`) every event of `groups` in `[from, to)`, read as
/// `query` reads them, until StopQuery.
fn feed(
    run: &mut Run<'_>,
    groups: &[Arc<LogGroup>],
    (from, to): (i64, i64),
    query: &Query,
    account: &str,
    region: u64,
    slot: &Slot,
) {
    for group in groups {
        let log = format!("{account}:{}", group.name());
        let (raw, masks) = read_mode(query, group);
        group.scan(from, to, raw, |stream, view| {
            let key = view.key;
            with_event(view, stream, &log, masks.as_ref(), |event| {
                run.push(event, || pointer(region, group.name(), stream, key))
            });
            !slot.stop.load(Ordering::Relaxed)
        });
    }
}

/// How `query` reads `group`: whether the scan reads events as stored, and the masks the
/// query then applies itself. Insights results are masked by data protection unless the
/// query says `unmask`; `unmask(@message)` reads events as stored and masks `@message` here,
/// keeping the stored text for the function.
fn read_mode(query: &Query, group: &LogGroup) -> (bool, Option<Masks>) {
    match (query.unmask, query.calls_unmask) {
        (true, _) => (true, None),
        (false, true) => (true, Some(group.masks(false))),
        (false, false) => (false, None),
    }
}

/// Hands `visit` the event `view` of `stream` in the group `log` (`account:name`) as the query
/// sees it: with `masks`, its message masked and the stored text kept beside it.
fn with_event<R>(
    view: EventView<'_>,
    stream: &str,
    log: &str,
    masks: Option<&Masks>,
    visit: impl FnOnce(&Event<'_>) -> R,
) -> R {
    let shown = masks.map(|masks| masks.apply(view.ingestion_time, view.message));
    let unmasked = match &shown {
        Some(std::borrow::Cow::Owned(_)) => Some(view.message),
        _ => None,
    };
    visit(&Event {
        timestamp: view.key.timestamp,
        ingestion_time: view.ingestion_time,
        message: shown.as_deref().unwrap_or(view.message),
        log_stream: stream,
        log,
        transformation_error: view.transformation_error,
        unmasked,
    })
}
