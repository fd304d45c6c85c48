//! Writes under `--data-dir`: [`execute`] runs a request and journals it when it changed
//! state; [`replay`] runs a journal record again at startup, through the same handlers, with
//! the clock pinned to the record's time and the id source seeded with its seed, so the
//! replay recreates exactly what the original did: names, times, ids, tokens. A new
//! operation needs no persistence code of its own, only its line in
//! [`Operation::changes_state`].

use super::{dispatch, Ctx, Handled};
use crate::error::{LogsError, LogsResult};
use crate::journal::{Journal, Record};
use crate::protocol::Operation;
use crate::store::ids::random_seed;
use crate::store::Store;

/// Runs `apply`, a change of state that no operation makes (vended logs, a scheduled query's
/// run), as a journaled write: under the journal's order lock, with the clock pinned and the
/// ids seeded, then journaled as a request named `name` (a name the model does not have, so
/// the server's replay hands it back to the effect's owner with `body` and the same pinning).
/// Without a journal it just runs `apply`. The caller waits for durability if it answers.
pub fn execute_effect<R>(
    store: &Store,
    journal: Option<&Journal>,
    region: &str,
    (name, body): (&str, &[u8]),
    apply: impl FnOnce() -> LogsResult<R>,
) -> LogsResult<R> {
    let Some(journal) = journal else {
        return apply();
    };
    let _exclusive = journal.order_exclusive();
    let time = store.env().pinnable.unpinned_now();
    let seed = random_seed();
    let result = pinned(store, time, seed, apply);
    if result.is_ok() {
        journal.append(&Record::Request {
            time,
            seed,
            region,
            operation: name,
            body,
        });
    }
    result
}

/// [`execute_effect`] for a change whose record is its outcome, known only once it ran:
/// `apply` returns the body to journal as `name`, or `None` when it changed nothing (then
/// nothing is journaled).
pub fn execute_effect_outcome(
    store: &Store,
    journal: Option<&Journal>,
    region: &str,
    name: &str,
    apply: impl FnOnce() -> LogsResult<Option<Vec<u8>>>,
) -> LogsResult<()> {
    let Some(journal) = journal else {
        return apply().map(|_| ());
    };
    let _exclusive = journal.order_exclusive();
    let time = store.env().pinnable.unpinned_now();
    let seed = random_seed();
    let body = pinned(store, time, seed, apply)?;
    if let Some(body) = body {
        journal.append(&Record::Request {
            time,
            seed,
            region,
            operation: name,
            body: &body,
        });
    }
    Ok(())
}

/// Journals, as `name`, an outcome that a journaled write's handler produced besides its own
/// change (it runs inside [`execute`], which holds the order lock with the clock pinned): the
/// record goes before the request's, so a replay applies it before it runs the request again.
pub fn append_effect_within_write(ctx: &Ctx<'_>, name: &str, body: &[u8]) {
    if let Some(journal) = ctx.journal {
        journal.append(&Record::Request {
            time: ctx.store.now(),
            seed: 0,
            region: ctx.region.name(),
            operation: name,
            body,
        });
    }
}

/// Runs `operation`, journaling it (when `ctx` has a journal and it succeeded and changes
/// state). The caller waits for the journal to be durable before it answers.
pub fn execute(operation: Operation, ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    let Some(journal) = ctx.journal.filter(|_| operation.changes_state()) else {
        return dispatch(operation, ctx, body);
    };
    if operation == Operation::PutLogEvents {
        // The handler journals the put under its stream's lock (ops/events.rs).
        let _shared = journal.order_shared();
        return dispatch(operation, ctx, body);
    }
    let _exclusive = journal.order_exclusive();
    let env = ctx.store.env();
    let time = env.pinnable.unpinned_now();
    let seed = random_seed();
    let result = pinned(ctx.store, time, seed, || dispatch(operation, ctx, body));
    if result.is_ok() {
        journal.append(&Record::Request {
            time,
            seed,
            region: ctx.region.name(),
            operation: operation.name(),
            body,
        });
    }
    result
}

/// Runs `run` with the store's clock pinned at `time` and its ids seeded with `seed`.
pub fn pinned<R>(store: &Store, time: i64, seed: u64, run: impl FnOnce() -> R) -> R {
    let env = store.env();
    env.pinnable.pin(time);
    env.ids.seed(seed);
    let result = run();
    env.ids.unseed();
    env.pinnable.unpin();
    result
}

/// Applies one journal record to `store` (at startup, before anything is served).
pub fn replay(store: &Store, record: Record<'_>) -> LogsResult<()> {
    match record {
        Record::Request {
            time,
            seed,
            region,
            operation,
            body,
        } => {
            if operation == super::anomaly_detectors::EVALUATED_EFFECT {
                let region = store.region_view(region);
                return pinned(store, time, seed, || {
                    super::anomaly_detectors::replay_evaluated(&region, body)
                });
            }
            if operation == super::anomaly_detectors::EVALUATION_EFFECT {
                let ctx = Ctx::new(store, region, "replay");
                return pinned(store, time, seed, || {
                    super::anomaly_detectors::replay_evaluation(&ctx, body)
                });
            }
            let operation = Operation::from_name(operation).ok_or_else(|| {
                LogsError::ServiceUnavailable(format!(
                    "the journal names {operation}, which this build does not implement"
                ))
            })?;
            let ctx = Ctx::new(store, region, "replay");
            pinned(store, time, seed, || dispatch(operation, &ctx, body)).map(|_| ())
        }
        Record::Put(put) => {
            let group = store.region_view(put.region).group(put.group)?;
            pinned(store, put.time, 0, || {
                group.put_events(put.stream, &put.events, put.sequence_token, |_| {})
            })
            .map(|_| ())
        }
        Record::Reset => {
            store.reset();
            Ok(())
        }
        Record::StreamImage {
            region,
            group,
            stream,
            image,
        } => store
            .region_view(region)
            .group(group)?
            .restore_stream_image(stream, &image),
        Record::StreamEvents {
            region,
            group,
            stream,
            events,
        } => store
            .region_view(region)
            .group(group)?
            .restore_stream_events(stream, events.iter()),
        // The server's replay keeps these (`server/durable.rs`): they name deliveries, not
        // state.
        Record::DeliveryUnderWay { .. } | Record::DeliveryDone { .. } | Record::Snapshot => Ok(()),
        Record::FieldsSeen {
            region,
            group,
            fields,
        } => {
            store.region_view(region).group(group)?.restore_fields_seen(
                fields
                    .into_iter()
                    .map(|(name, seen)| (name.to_owned(), seen)),
            );
            Ok(())
        }
        Record::StreamErrors {
            region,
            group,
            stream,
            errors,
        } => store
            .region_view(region)
            .group(group)?
            .restore_stream_errors(stream, errors.iter()),
    }
}
