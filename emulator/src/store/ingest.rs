//! PutLogEvents' write path: AWS's batch rules in AWS's order, the age classification against
//! the clock and the group's retention, then the append under the stream's lock.

use super::events::NewEvent;
use super::stream::PutBatch;
use super::transformers::Transformed;
use super::LogGroup;
use crate::error::{LogsError, LogsResult};
use crate::limits::{
    DAY_MILLIS, EVENT_OVERHEAD_BYTES, MAX_BATCH_BYTES, MAX_BATCH_SPAN_MILLIS, MAX_EVENT_AGE_MILLIS,
    MAX_EVENT_BYTES, MAX_EVENT_FUTURE_MILLIS,
};

/// Which events of a batch were left out, as index bounds into the batch
/// (`rejectedLogEventsInfo`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Rejected {
    /// Events `[this, n)` are more than 2 hours in the future.
    pub too_new_start: Option<usize>,
    /// Events `[0, this)` are more than 14 days old.
    pub too_old_end: Option<usize>,
    /// Events `[0, this)` are older than the group's retention.
    pub expired_end: Option<usize>,
}

impl Rejected {
    /// Whether nothing was rejected.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// What an accepted PutLogEvents reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The token the next put must carry (strict mode).
    pub next_sequence_token: String,
    /// The events left out.
    pub rejected: Rejected,
}

/// The events a metric or subscription filter reads from one put: the stored (transformed)
/// ones with `applyOnTransformedLogs` when the group has a transformer, else the events as sent.
pub(super) fn events_for_filter<'a, 'e>(
    sent: &'a [NewEvent<'e>],
    stored: Option<&'a [NewEvent<'e>]>,
    apply_on_transformed_logs: bool,
) -> &'a [NewEvent<'e>] {
    match stored {
        Some(stored) if apply_on_transformed_logs => stored,
        _ => sent,
    }
}

impl LogGroup {
    /// Stores a PutLogEvents batch in `stream` (its events in request order): the batch checks
    /// in AWS's order (event size, batch size, chronological order, then the 24-hour span of
    /// the events that pass the age checks), the sequence token (strict mode), the append, and
    /// the group's retention. `journal` is told the put's "now" once it is accepted, under the
    /// stream's lock (so in the order the stream took the puts).
    pub fn put_events(
        &self,
        stream: &str,
        events: &[NewEvent<'_>],
        sequence_token: Option<&str>,
        journal: impl FnOnce(i64),
    ) -> LogsResult<Accepted> {
        self.put_batch(
            &self.stream(stream)?,
            events,
            sequence_token,
            self.env().sequence_tokens,
            true,
            journal,
        )
    }

    /// Stores a vended-log batch in `stream` (created on first use), as a service writes
    /// it: PutLogEvents' checks and everything ingestion triggers (subscriptions, metric
    /// filters, retention), without sequence tokens.
    pub fn put_vended_events(&self, stream: &str, events: &[NewEvent<'_>]) -> LogsResult<Accepted> {
        self.put_service_batch(stream, events, true)
    }

    /// Stores a batch of an import task in `stream` (created on first use): as a vended
    /// batch, except that imported history is not refused for its age (an import copies old
    /// events with their own timestamps).
    pub fn put_imported_events(
        &self,
        stream: &str,
        events: &[NewEvent<'_>],
    ) -> LogsResult<Accepted> {
        self.put_service_batch(stream, events, false)
    }

    fn put_service_batch(
        &self,
        stream: &str,
        events: &[NewEvent<'_>],
        age_checks: bool,
    ) -> LogsResult<Accepted> {
        let stream = match self.stream(stream) {
            Ok(stream) => stream,
            Err(_) => match self.create_stream(stream) {
                Ok(stream) => stream,
                // Created by a racing put meanwhile.
                Err(_) => self.stream(stream)?,
            },
        };
        self.put_batch(
            &stream,
            events,
            None,
            crate::config::SequenceTokenMode::Ignore,
            age_checks,
            |_| {},
        )
    }

    fn put_batch(
        &self,
        stream: &std::sync::Arc<super::stream::LogStream>,
        events: &[NewEvent<'_>],
        sequence_token: Option<&str>,
        sequence_tokens: crate::config::SequenceTokenMode,
        age_checks: bool,
        journal: impl FnOnce(i64),
    ) -> LogsResult<Accepted> {
        check_batch(events)?;
        let now = self.env().now();
        let (accepted, rejected) = if age_checks {
            classify_by_age(events, now, self.retention_in_days())
        } else {
            (0..events.len(), Rejected::default())
        };
        let valid = &events[accepted.clone()];
        if let (Some(first), Some(last)) = (valid.first(), valid.last()) {
            if last.timestamp - first.timestamp > MAX_BATCH_SPAN_MILLIS {
                return Err(LogsError::InvalidParameter(
                    "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.".into(),
                ));
            }
        }
        // A transformer's output is what the stream stores; the batch rules above judged the
        // events as sent.
        let transformed_batch = self.transform_messages(stream.name(), valid);
        let transformed: Option<Vec<NewEvent<'_>>> =
            transformed_batch
                .as_ref()
                .map(|Transformed { messages, .. }| {
                    events
                        .iter()
                        .enumerate()
                        .map(|(i, e)| NewEvent {
                            timestamp: e.timestamp,
                            message: i
                                .checked_sub(accepted.start)
                                .and_then(|at| messages.get(at))
                                .map_or(e.message, String::as_str),
                        })
                        .collect()
                });
        let valid_transformed = transformed.as_deref().map(|t| &t[accepted.clone()]);
        let outcome = stream.put(
            PutBatch {
                all_events: transformed.as_deref().unwrap_or(events),
                accepted,
                sequence_token,
                transformation_errors: transformed_batch
                    .as_ref()
                    .map_or(&[], |t| t.errors.as_slice()),
            },
            sequence_tokens,
            now,
            || journal(now),
        )?;
        self.add_stored_bytes(outcome.stored_bytes);
        self.env()
            .puts
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Some(policy) = self.index_policy() {
            self.scan_for_indexes(valid_transformed.unwrap_or(valid), &policy.fields, now);
        }
        // One lock-free check when the group has no subscription filters.
        if !self.subscription_filters().is_empty() {
            self.deliver_to_subscriptions(stream, valid, valid_transformed, outcome.first_seq);
        }
        if !self.metric_filters().is_empty() {
            self.count_metrics(valid, valid_transformed);
        }
        self.offer_to_live_tails(stream.name(), valid_transformed.unwrap_or(valid), now);
        self.apply_retention(stream);
        Ok(Accepted {
            next_sequence_token: outcome.next_sequence_token,
            rejected,
        })
    }
}

impl LogGroup {
    /// Stores preloaded history (fixtures) in `stream`: events sorted by timestamp, without
    /// the age checks or sequence tokens a put has. Returns how many were stored.
    pub fn preload_events(&self, stream: &str, events: &[NewEvent<'_>]) -> LogsResult<usize> {
        let stream = self.stream(stream)?;
        let outcome = stream.put(
            PutBatch {
                all_events: events,
                accepted: 0..events.len(),
                sequence_token: None,
                transformation_errors: &[],
            },
            crate::config::SequenceTokenMode::Ignore,
            self.env().now(),
            || {},
        )?;
        self.add_stored_bytes(outcome.stored_bytes);
        Ok(outcome.stored)
    }
}

/// The checks that fail a whole batch, in AWS's order: event size, batch size, order.
fn check_batch(events: &[NewEvent<'_>]) -> LogsResult<()> {
    let mut total = 0;
    for event in events {
        let size = event.message.len() + EVENT_OVERHEAD_BYTES;
        if size > MAX_EVENT_BYTES {
            return Err(LogsError::InvalidParameter(format!(
                "Log event too large: {size} bytes exceeds limit of {MAX_EVENT_BYTES}"
            )));
        }
        total += size;
    }
    if total > MAX_BATCH_BYTES {
        return Err(LogsError::InvalidParameter(format!(
            "Upload too large: {total} bytes exceeds limit of {MAX_BATCH_BYTES}"
        )));
    }
    if events.windows(2).any(|w| w[1].timestamp < w[0].timestamp) {
        return Err(LogsError::InvalidParameter(
            "Log events in a single PutLogEvents request must be in chronological order.".into(),
        ));
    }
    Ok(())
}

/// Splits a sorted batch into the range to store and the rejection report: events more than 14
/// days old (`[0, tooOld)`), older than the retention (`[0, expired)`), and more than 2 hours
/// ahead of `now` (`[tooNew, n)`).
fn classify_by_age(
    events: &[NewEvent<'_>],
    now: i64,
    retention_days: Option<i32>,
) -> (std::ops::Range<usize>, Rejected) {
    let older_than = |cutoff: i64| events.partition_point(|e| e.timestamp < cutoff);
    let too_old = older_than(now.saturating_sub(MAX_EVENT_AGE_MILLIS));
    let expired = retention_days.map_or(0, |days| {
        older_than(now.saturating_sub(i64::from(days) * DAY_MILLIS))
    });
    let too_new =
        events.partition_point(|e| e.timestamp <= now.saturating_add(MAX_EVENT_FUTURE_MILLIS));
    let start = too_old.max(expired).min(too_new);
    let report = Rejected {
        too_new_start: (too_new < events.len()).then_some(too_new),
        too_old_end: (too_old > 0).then_some(too_old),
        expired_end: (expired > 0).then_some(expired),
    };
    (start..too_new, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(timestamps: &[i64]) -> Vec<NewEvent<'static>> {
        timestamps
            .iter()
            .map(|&timestamp| NewEvent {
                timestamp,
                message: "m",
            })
            .collect()
    }

    #[test]
    fn age_classification_uses_aws_index_semantics() {
        let now = 100 * DAY_MILLIS;
        let events = batch(&[
            now - 15 * DAY_MILLIS,
            now - 14 * DAY_MILLIS,
            now - 3 * DAY_MILLIS,
            now,
            now + MAX_EVENT_FUTURE_MILLIS,
            now + MAX_EVENT_FUTURE_MILLIS + 1,
        ]);
        let (accepted, report) = classify_by_age(&events, now, None);
        assert_eq!(accepted, 1..5);
        assert_eq!(report.too_old_end, Some(1));
        assert_eq!(report.too_new_start, Some(5));
        assert_eq!(report.expired_end, None);

        let (accepted, report) = classify_by_age(&events, now, Some(1));
        assert_eq!(accepted, 3..5);
        assert_eq!(report.expired_end, Some(3));
    }
}
