//! `--data-dir` at the server's level: opening the directory (replaying its journal into the
//! store), resets that empty it too, and the background compaction.

use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use crate::journal::{Journal, Record};
use crate::ops;
use crate::store::Store;

/// How often the compactor checks whether the journal holds enough dead data (expired,
/// deleted or reset events) to be rewritten.
const COMPACT_CHECK_PERIOD: Duration = Duration::from_secs(60);

/// Opens the data directory `dir` and replays its journal into `store` (after the fixtures,
/// which are the state a journal starts from). Returns the journal and the subscription
/// deliveries made before the restart that the forwarder had not finished with (to hand to
/// [`crate::delivery::Outbox::resend`] once the forwarder runs).
pub(super) fn open(
    store: &Store,
    dir: &Path,
) -> std::io::Result<(Arc<Journal>, Vec<crate::delivery::Delivery>)> {
    let started = Instant::now();
    let mut skipped = 0u64;
    let mut first_skipped = None;
    // Replayed puts make their deliveries again; with the ones a snapshot carried, those the
    // forwarder was not done with are sent again.
    let mut carried = Vec::new();
    let mut done = std::collections::HashSet::new();
    store.env().replaying.store(true, Ordering::Relaxed);
    let opened = Journal::open(dir, |record| match record {
        Record::DeliveryUnderWay { body } => match serde_json::from_slice(body) {
            Ok(delivery) => carried.push(delivery),
            Err(error) => {
                skipped += 1;
                first_skipped.get_or_insert_with(|| format!("a delivery under way: {error}"));
            }
        },
        Record::DeliveryDone { key } => {
            done.insert(key.to_owned());
        }
        Record::Snapshot => {
            // What the kept requests made again was sent before the compaction.
            store.outbox().clear();
        }
        record => {
            if let Err(error) = replay(store, record) {
                skipped += 1;
                first_skipped.get_or_insert_with(|| error.to_string());
            }
        }
    });
    store.env().replaying.store(false, Ordering::Relaxed);
    let (journal, recovery) = opened.map_err(std::io::Error::other)?;
    // Without an endpoint nothing is sent again: the deliveries the replay made are dropped
    // unencoded (a restart's cost stays the replay's).
    let endpoints = &store.env().forward;
    if endpoints.any() {
        carried.extend(store.outbox().take_all());
    }
    let unfinished: Vec<_> = carried
        .into_iter()
        .filter(|delivery| {
            endpoints.covers(&delivery.destination_arn) && !done.contains(&delivery.durable_key())
        })
        .collect();
    // Deliveries and metric points were sent before the restart: replay must not send them
    // again.
    store.outbox().clear();
    store.metrics().clear();
    tracing::info!(
        dir = %dir.display(),
        records = recovery.records,
        journal_bytes = journal.file_bytes(),
        millis = started.elapsed().as_millis() as u64,
        "data dir: state restored"
    );
    if let Some(first) = first_skipped {
        tracing::warn!(
            skipped,
            first = first.as_str(),
            "data dir: journal records that no longer apply were skipped"
        );
    }
    Ok((Arc::new(journal), unfinished))
}

/// Replays one journaled effect (`store`, region, body).
type EffectReplay = fn(&Store, &str, &[u8]) -> crate::error::LogsResult<()>;

/// The owner that replays each change of state no operation makes, by its journal name.
const EFFECT_OWNERS: [(&str, EffectReplay); 6] = [
    (crate::scheduler::RUN_EFFECT, crate::scheduler::replay),
    (
        crate::scheduler::QUERY_EFFECT,
        crate::scheduler::replay_finished_query,
    ),
    (crate::export::EXPORT_EFFECT, crate::export::replay),
    (crate::vended::EMIT_EFFECT, crate::vended::replay),
    (crate::import::BATCH_EFFECT, crate::import::replay_batch),
    (crate::import::END_EFFECT, crate::import::replay_end),
];

/// Applies one journal record: the changes of state that no operation makes (vended logs,
/// scheduled query runs) go back to their owners, with the clock pinned and the ids seeded as
/// when they were journaled; everything else to [`ops::replay`].
fn replay(store: &Store, record: Record<'_>) -> crate::error::LogsResult<()> {
    if let Record::Request {
        time,
        seed,
        region,
        operation,
        body,
    } = record
    {
        if let Some((_, owner)) = EFFECT_OWNERS.iter().find(|(name, _)| *name == operation) {
            return ops::pinned(store, time, seed, || owner(store, region, body));
        }
    }
    ops::replay(store, record)
}

/// Lets background work journal what it changes ([`crate::store::Env::journal_effect`]),
/// then restarts the export tasks the journal left unfinished and fails its unfinished
/// import tasks. Called once the journal is open and replayed, before anything is served.
pub(super) fn journal_background_work(store: &Arc<Store>, journal: &Arc<Journal>) {
    let (weak_store, weak_journal) = (Arc::downgrade(store), Arc::downgrade(journal));
    let effects = crate::store::EffectJournal(Arc::new(move |region, named, apply| {
        match (weak_store.upgrade(), weak_journal.upgrade()) {
            (Some(store), Some(journal)) => {
                ops::execute_effect(&store, Some(&journal), region, named, apply)
            }
            _ => apply(),
        }
    }));
    let _ = store.env().effects.set(effects);
    let (weak_store, weak_journal) = (Arc::downgrade(store), Arc::downgrade(journal));
    let queries = crate::store::FinishedQueryJournal(Arc::new(move |region, record| {
        if let (Some(store), Some(journal)) = (weak_store.upgrade(), weak_journal.upgrade()) {
            let body = crate::scheduler::finished_query_body(record);
            // The record is already in place: only the journal needs it.
            let _ = ops::execute_effect(
                &store,
                Some(&journal),
                region,
                (crate::scheduler::QUERY_EFFECT, &body),
                || Ok(()),
            );
        }
    }));
    let _ = store.env().finished_queries.set(queries);
    let weak_journal = Arc::downgrade(journal);
    store.outbox().on_forwarded(Box::new(move |delivery| {
        if let Some(journal) = weak_journal.upgrade() {
            // Not waited for: lost in a crash, the delivery is sent once more (at least once).
            let _in_order = journal.order_shared();
            journal.append(&Record::DeliveryDone {
                key: &delivery.durable_key(),
            });
        }
    }));
    crate::export::resume_unfinished(store);
    crate::import::fail_unfinished(store);
}

/// Releases the data directory at a stop: background work that is ending (a finished query
/// journaling its record) gets `grace` to journal it, then the journal is closed, so the
/// directory can be opened again at once.
pub(super) fn close(store: &Store, journal: &Journal, grace: Duration) {
    let left = store.env().join_background(grace);
    if left > 0 {
        tracing::warn!(
            threads = left,
            "data dir: background work still running at the stop is not journaled; a query \
             runs again at the next start, an export is resumed, an import fails"
        );
    }
    journal.close();
}

/// Wipes all state, on disk too.
pub(super) fn reset(store: &Store, journal: Option<&Journal>) {
    let Some(journal) = journal else {
        store.reset();
        return;
    };
    let _no_writes = journal.order_exclusive();
    store.reset();
    // The fixtures are loaded before the journal at startup: the reset record empties them.
    journal.truncate(Some(&Record::Reset));
}

/// Returns to the fixtures with `reload`; on disk, an empty journal (startup loads the
/// fixtures).
pub(super) fn reset_to_fixtures<E>(
    journal: Option<&Journal>,
    reload: impl FnOnce() -> Result<usize, E>,
) -> Result<usize, E> {
    let Some(journal) = journal else {
        return reload();
    };
    let _no_writes = journal.order_exclusive();
    let events = reload()?;
    journal.truncate(None);
    Ok(events)
}

/// The compactor: checks at once (a journal full of expired events is compacted at startup)
/// and then every [`COMPACT_CHECK_PERIOD`]; stops when the emulator is gone.
pub(super) fn compact_now_and_then(
    store: &Arc<Store>,
    journal: &Arc<Journal>,
) -> impl std::future::Future<Output = ()> + Send + 'static {
    let (store, journal) = (Arc::downgrade(store), Arc::downgrade(journal));
    async move {
        loop {
            let (store, journal) = (Weak::clone(&store), Weak::clone(&journal));
            let checked =
                tokio::task::spawn_blocking(move || compact_if_worth_it(&store, &journal)).await;
            if !matches!(checked, Ok(true)) {
                return;
            }
            tokio::time::sleep(COMPACT_CHECK_PERIOD).await;
        }
    }
}

/// Compacts when enough of the journal is dead; false once the emulator is gone.
fn compact_if_worth_it(store: &Weak<Store>, journal: &Weak<Journal>) -> bool {
    let (Some(store), Some(journal)) = (store.upgrade(), journal.upgrade()) else {
        return false;
    };
    let live = store.expire_everywhere();
    if journal.worth_compacting(live) {
        let _ = compact(&store, &journal);
    }
    true
}

/// Frees what retention expired and rewrites the journal as a snapshot, logging the outcome;
/// returns the journal's length before and after.
pub(super) fn compact(store: &Store, journal: &Journal) -> std::io::Result<(u64, u64)> {
    store.expire_everywhere();
    let started = Instant::now();
    let before = journal.file_bytes();
    match journal.compact(store) {
        Ok(after) => {
            tracing::info!(
                before_bytes = before,
                after_bytes = after,
                millis = started.elapsed().as_millis() as u64,
                "data dir: journal compacted"
            );
            Ok((before, after))
        }
        Err(error) => {
            tracing::error!(%error, "data dir: compaction failed; the journal is unchanged");
            Err(error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::config::Config;
    use crate::ops::Ctx;
    use crate::protocol::Operation;

    const NOW: i64 = 1_767_225_600_000;
    const DAY: i64 = 86_400_000;

    struct Node {
        store: Arc<Store>,
        journal: Arc<Journal>,
    }

    impl Drop for Node {
        /// As the handle's stop does.
        fn drop(&mut self) {
            close(&self.store, &self.journal, Duration::from_secs(3));
        }
    }

    fn node(dir: &Path, clock: &ManualClock) -> Node {
        node_exporting_to(dir, clock, None)
    }

    fn node_exporting_to(dir: &Path, clock: &ManualClock, exports: Option<&Path>) -> Node {
        let config = Config {
            clock: Arc::new(clock.clone()),
            sequence_tokens: crate::config::SequenceTokenMode::Ignore,
            export_dir: exports.map(Path::to_path_buf),
            ..Config::default()
        };
        let store = Arc::new(Store::from_config(&config));
        let (journal, _) = open(&store, dir).unwrap();
        journal_background_work(&store, &journal);
        Node { store, journal }
    }

    /// A directory of its own under the system's temporary one, for one test.
    fn scratch_dir(tag: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!(
            "cwlogs-{tag}-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        ))
    }

    impl Node {
        fn call(&self, operation: Operation, body: serde_json::Value) -> String {
            let ctx = Ctx::new(&self.store, "us-east-1", "test").with_journal(Some(&self.journal));
            let body = body.to_string();
            let handled = ops::execute(operation, &ctx, body.as_bytes()).unwrap();
            String::from_utf8(handled.body).unwrap()
        }

        fn read(&self) -> String {
            let page = self.call(
                Operation::GetLogEvents,
                serde_json::json!({"logGroupName": "g", "logStreamName": "s", "startFromHead": true}),
            );
            let streams = self.call(
                Operation::DescribeLogStreams,
                serde_json::json!({"logGroupName": "g"}),
            );
            format!("{page}\n{streams}")
        }

        /// Group `g` with stream `s`, which `read` and `put` use.
        fn create_group_and_stream(&self) {
            self.call(
                Operation::CreateLogGroup,
                serde_json::json!({"logGroupName": "g"}),
            );
            self.call(
                Operation::CreateLogStream,
                serde_json::json!({"logGroupName": "g", "logStreamName": "s"}),
            );
        }

        fn put(&self, time: i64, message: &str) {
            self.call(
                Operation::PutLogEvents,
                serde_json::json!({"logGroupName": "g", "logStreamName": "s",
                    "logEvents": [{"timestamp": time, "message": message}]}),
            );
        }
    }

    #[test]
    fn compaction_frees_expired_events_and_keeps_everything_else() {
        let dir = scratch_dir("compact");
        let clock = ManualClock::new(NOW);
        let first = node(&dir, &clock);
        first.create_group_and_stream();
        first.call(
            Operation::PutRetentionPolicy,
            serde_json::json!({"logGroupName": "g", "retentionInDays": 1}),
        );
        let old = "x".repeat(10_000);
        for _ in 0..50 {
            first.put(NOW, &old);
        }
        clock.advance(2 * DAY);
        first.put(NOW + 2 * DAY, "kept");
        first.put(NOW + 2 * DAY, "kept too");
        let before_bytes = first.journal.file_bytes();
        assert_eq!(first.store.expire_everywhere(), "keptkept too".len() as u64);
        let after_bytes = first.journal.compact(&first.store).unwrap();
        assert!(
            after_bytes * 10 < before_bytes,
            "{after_bytes} of {before_bytes}"
        );
        assert_eq!(
            std::fs::metadata(dir.join("journal.cwl")).unwrap().len(),
            after_bytes
        );
        first.put(NOW + 2 * DAY, "after the compaction");
        let expected = first.read();
        drop(first);

        let second = node(&dir, &clock);
        // Events, first/last times, stored bytes and the upload sequence token all agree.
        assert_eq!(second.read(), expected);
        assert!(expected.contains("after the compaction") && !expected.contains("xxx"));
        second.put(NOW + 2 * DAY, "and one more");
        drop(second);
        let third = node(&dir, &clock);
        assert!(third.read().contains("and one more"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_scheduled_run_comes_back_from_its_effect_even_after_a_compaction() {
        let dir = scratch_dir("scheduled-effect");
        let clock = ManualClock::new(NOW);
        let first = node(&dir, &clock);
        first.create_group_and_stream();
        first.put(NOW - 1_000, "one");
        first.put(NOW - 500, "two");
        first.call(
            Operation::CreateScheduledQuery,
            serde_json::json!({"name": "q", "queryLanguage": "CWLI",
                "queryString": "stats count(*) as n", "logGroupIdentifiers": ["g"],
                "scheduleExpression": "rate(5 minutes)", "startTimeOffset": 600,
                "executionRoleArn": "arn:aws:iam::000000000000:role/r",
                "destinationConfiguration": {"lookupTableConfiguration": {
                    "tableName": "t", "roleArn": "arn:aws:iam::000000000000:role/r"}}}),
        );
        clock.advance(5 * 60_000);
        crate::scheduler::run_due(&first.store, Some(&first.journal));
        let state = |node: &Node| {
            let history = node.call(
                Operation::GetScheduledQueryHistory,
                serde_json::json!({"identifier": "q", "startTime": 0, "endTime": NOW + DAY}),
            );
            let id = history.split("\"queryId\":\"").nth(1).unwrap()[..36].to_owned();
            let results = node.call(
                Operation::GetQueryResults,
                serde_json::json!({"queryId": id}),
            );
            let table = node.call(
                Operation::GetLookupTable,
                serde_json::json!({"lookupTableArn":
                    "arn:aws:logs:us-east-1:000000000000:lookup-table:t"}),
            );
            format!("{history}\n{results}\n{table}")
        };
        let expected = state(&first);
        assert!(expected.contains("n\\n2\\n"), "{expected}");
        // The compacted journal replays control records before the streams' events: a rerun
        // of the query would count nothing, the recorded effect still says 2.
        first.journal.compact(&first.store).unwrap();
        drop(first);
        let second = node(&dir, &clock);
        assert_eq!(state(&second), expected);
        // Replayed, the run is not due again.
        crate::scheduler::run_due(&second.store, Some(&second.journal));
        assert_eq!(state(&second), expected);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_export_is_not_redone_by_a_replay_even_after_a_compaction() {
        let root = scratch_dir("export-effect");
        let (dir, exports) = (root.join("data"), root.join("exports"));
        std::fs::create_dir_all(exports.join("bucket")).unwrap();
        let clock = ManualClock::new(NOW);
        let first = node_exporting_to(&dir, &clock, Some(&exports));
        first.create_group_and_stream();
        first.put(NOW - 1_000, "exported");
        let created = first.call(
            Operation::CreateExportTask,
            serde_json::json!({"logGroupName": "g", "from": 0, "to": NOW + 1,
                "destination": "bucket"}),
        );
        let id: serde_json::Value = serde_json::from_str(&created).unwrap();
        let id = id["taskId"].as_str().unwrap().to_owned();
        let describe = |node: &Node| {
            node.call(
                Operation::DescribeExportTasks,
                serde_json::json!({"taskId": id}),
            )
        };
        for _ in 0..200 {
            if describe(&first).contains("COMPLETED") {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let expected = describe(&first);
        assert!(expected.contains("COMPLETED"), "{expected}");
        let object = exports.join(format!("bucket/exportedlogs/{id}/s/000000.gz"));
        let written = std::fs::read(&object).unwrap();
        first.journal.compact(&first.store).unwrap();
        drop(first);
        std::fs::remove_file(&object).unwrap();
        let second = node_exporting_to(&dir, &clock, Some(&exports));
        assert!(second.store.env().effects.get().is_some());
        // The end came back from the journal; nothing was exported again (before, a replay
        // of the compacted journal wrote the object again, empty).
        assert_eq!(describe(&second), expected);
        assert!(!object.exists());
        // A task whose end the journal lacks (the emulator stopped while it ran) runs again.
        let unjournaled = second.call(
            Operation::CreateExportTask,
            serde_json::json!({"logGroupName": "g", "from": 0, "to": NOW + 1,
                "destination": "bucket", "destinationPrefix": "again"}),
        );
        let again: serde_json::Value = serde_json::from_str(&unjournaled).unwrap();
        let again = again["taskId"].as_str().unwrap().to_owned();
        let path = exports.join(format!("bucket/again/{again}/s/000000.gz"));
        for _ in 0..200 {
            if path.exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        drop(second);
        std::fs::remove_file(&path).unwrap();
        // Cut the end record off (the last frame of the journal).
        let journal = std::fs::read(dir.join("journal.cwl")).unwrap();
        let mut at = 12;
        let mut last = at;
        while at + 8 <= journal.len() {
            last = at;
            at += 8 + u32::from_le_bytes(journal[at..at + 4].try_into().unwrap()) as usize;
        }
        std::fs::write(dir.join("journal.cwl"), &journal[..last]).unwrap();
        let third = node_exporting_to(&dir, &clock, Some(&exports));
        for _ in 0..200 {
            if path.exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(std::fs::read(&path).unwrap(), written);
        drop(third);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_query_reads_back_the_same_after_a_compaction() {
        let dir = scratch_dir("query-effect");
        let clock = ManualClock::new(NOW);
        let first = node(&dir, &clock);
        first.create_group_and_stream();
        first.put(NOW - 1_000, "one");
        let started = first.call(
            Operation::StartQuery,
            serde_json::json!({"logGroupName": "g", "startTime": (NOW - 3_600_000) / 1000,
                "endTime": NOW / 1000 + 60, "queryString": "stats count(*) as n"}),
        );
        let id: serde_json::Value = serde_json::from_str(&started).unwrap();
        let results = |node: &Node| {
            node.call(
                Operation::GetQueryResults,
                serde_json::json!({"queryId": id["queryId"]}),
            )
        };
        for _ in 0..200 {
            if results(&first).contains("Complete") {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let expected = results(&first);
        assert!(expected.contains(r#""value":"1""#), "{expected}");
        // A compacted journal replays StartQuery before the stream's events: the rerun counts
        // nothing, the journaled record puts the original back. The record is journaled just
        // after the query shows Complete: the stop waits for it, so the directory opens again
        // at once with the record in it.
        first.journal.compact(&first.store).unwrap();
        drop(first);
        let second = node(&dir, &clock);
        assert_eq!(results(&second), expected);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_stop_releases_the_directory_at_once_whoever_holds_the_journal() {
        let dir = scratch_dir("release");
        let clock = ManualClock::new(NOW);
        for round in 0..20 {
            let first = node(&dir, &clock);
            if round == 0 {
                first.create_group_and_stream();
            }
            first.put(NOW, &format!("round {round}"));
            // A query ending while the emulator stops, and a thread still holding the
            // journal when it does.
            first.call(
                Operation::StartQuery,
                serde_json::json!({"logGroupName": "g", "startTime": 0,
                    "endTime": NOW / 1000 + 60, "queryString": "stats count(*) as n"}),
            );
            let holder = Arc::clone(&first.journal);
            drop(first);
            let second = node(&dir, &clock);
            assert!(second.read().contains(&format!("round {round}")));
            drop(holder);
            drop(second);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
