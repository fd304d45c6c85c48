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
/// which are the state a journal starts from).
pub(super) fn open(store: &Store, dir: &Path) -> std::io::Result<Arc<Journal>> {
    let started = Instant::now();
    let mut skipped = 0u64;
    let mut first_skipped = None;
    store.env().replaying.store(true, Ordering::Relaxed);
    let opened = Journal::open(dir, |record| {
        if let Err(error) = replay(store, record) {
            skipped += 1;
            first_skipped.get_or_insert_with(|| error.to_string());
        }
    });
    store.env().replaying.store(false, Ordering::Relaxed);
    let (journal, recovery) = opened.map_err(std::io::Error::other)?;
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
    Ok(Arc::new(journal))
}

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
        match operation {
            crate::scheduler::RUN_EFFECT => {
                return ops::pinned(store, time, seed, || {
                    crate::scheduler::replay(store, region, body)
                })
            }
            crate::vended::EMIT_EFFECT => {
                return ops::pinned(store, time, seed, || {
                    crate::vended::replay(store, region, body)
                })
            }
            _ => {}
        }
    }
    ops::replay(store, record)
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
        let started = Instant::now();
        let before = journal.file_bytes();
        match journal.compact(&store) {
            Ok(after) => tracing::info!(
                before_bytes = before,
                after_bytes = after,
                millis = started.elapsed().as_millis() as u64,
                "data dir: journal compacted"
            ),
            Err(error) => {
                tracing::error!(%error, "data dir: compaction failed; the journal is unchanged")
            }
        }
    }
    true
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
        store: Store,
        journal: Arc<Journal>,
    }

    fn node(dir: &Path, clock: &ManualClock) -> Node {
        let config = Config {
            clock: Arc::new(clock.clone()),
            sequence_tokens: crate::config::SequenceTokenMode::Ignore,
            ..Config::default()
        };
        let store = Store::from_config(&config);
        let journal = open(&store, dir).unwrap();
        Node { store, journal }
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
        let dir = std::env::temp_dir().join(format!(
            "cwlogs-compact-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        ));
        let clock = ManualClock::new(NOW);
        let first = node(&dir, &clock);
        first.call(
            Operation::CreateLogGroup,
            serde_json::json!({"logGroupName": "g"}),
        );
        first.call(
            Operation::CreateLogStream,
            serde_json::json!({"logGroupName": "g", "logStreamName": "s"}),
        );
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
}
