//! GetLogEvents' page read: one stream, forward or backward, within the page budget.
//!
//! A request's parameters become a key range: `[startTime, endTime)` (model doc of
//! GetLogEvents), raised to the group's retention cutoff. Forward pages start at the token's
//! key (or the range start); backward pages end before it (or the range end) and are still
//! delivered oldest first, as AWS does. The tokens of a page mark positions, so later writes
//! neither repeat nor skip events (see `tokens.rs`).

use super::events::{EventKey, EventLog, EventView, PageBudget, PageEnd};
use super::masking::Masks;
use super::tokens::{Direction, PageToken};
use super::LogGroup;
use crate::error::{LogsError, LogsResult};
use crate::limits::{EVENT_OVERHEAD_BYTES, MAX_BATCH_BYTES};

/// What GetLogEvents asks for, validated.
#[derive(Debug, Clone, Copy)]
pub struct StreamPageRequest<'a> {
    /// The stream to read.
    pub stream: &'a str,
    /// A token of an earlier page, if any.
    pub next_token: Option<&'a str>,
    /// Without a token: read from the oldest event (else the newest page).
    pub start_from_head: bool,
    /// Inclusive lower bound, epoch milliseconds.
    pub start_time: Option<i64>,
    /// Exclusive upper bound, epoch milliseconds.
    pub end_time: Option<i64>,
    /// Most events in the page (the byte budget applies too).
    pub limit: usize,
    /// `unmask`: hand out events as ingested, not masked by data protection.
    pub unmask: bool,
}

/// The tokens that end a GetLogEvents page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamPageTokens {
    /// Where the next newer page starts.
    pub next_forward_token: String,
    /// Where the next older page ends.
    pub next_backward_token: String,
}

impl LogGroup {
    /// Reads one GetLogEvents page, handing each event to `visit` in the order the page lists
    /// them (oldest first) while the stream's read lock is held, so the caller can encode it
    /// without copying. ResourceNotFound for a missing stream; `The specified nextToken is
    /// invalid.` for a token of another stream.
    pub fn read_stream_page(
        &self,
        request: &StreamPageRequest<'_>,
        mut visit: impl for<'e> FnMut(EventView<'e>),
    ) -> LogsResult<StreamPageTokens> {
        let stream = self.stream(request.stream)?;
        let fingerprint = stream.fingerprint();
        let token = match request.next_token {
            Some(text) => Some(
                PageToken::decode(text, fingerprint).ok_or_else(LogsError::invalid_next_token)?,
            ),
            None => None,
        };
        let cutoff = self.apply_retention(&stream);
        let mut range = TimeRange::new(request.start_time, request.end_time);
        if let Some(cutoff) = cutoff {
            range.from = range.from.max(EventKey::at_time(cutoff));
        }
        let budget = PageBudget {
            max_events: request.limit,
            max_bytes: MAX_BATCH_BYTES,
            overhead_per_event: EVENT_OVERHEAD_BYTES,
        };
        let direction = match token {
            Some(token) => token.direction,
            None if request.start_from_head => Direction::Forward,
            None => Direction::Backward,
        };
        let masks = self.masks(request.unmask);
        let masked_visit = |event: EventView<'_>| masks.show(event, &mut visit);
        let (end, resume) = stream.with_events(|log| {
            read_page(
                log,
                direction,
                token.map(|t| t.key),
                range,
                budget,
                masked_visit,
            )
        });
        let encode_at = |direction, key| PageToken { direction, key }.encode(fingerprint);
        let (forward, backward) = match (end.first, end.last) {
            (Some(first), Some(last)) => (last.successor(), first),
            // An empty page: both tokens stay where the read stood, so a client looping "until
            // the token comes back" stops, and events written later are found from there.
            _ => (resume.forward, resume.backward),
        };
        Ok(StreamPageTokens {
            next_forward_token: encode_at(Direction::Forward, forward),
            next_backward_token: encode_at(Direction::Backward, backward),
        })
    }
}

/// What a newest-first scan does after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Read the next event.
    Next,
    /// Leave this stream for the next one.
    NextStream,
    /// Stop the scan.
    Stop,
}

impl LogGroup {
    /// Visits every event with a timestamp in `[from, to)` (after retention, masked by the
    /// group's data protection unless `unmask`), a stream at a time under that stream's read
    /// lock only, with the stream's name. `visit` answers false to stop; returns whether it
    /// did.
    pub fn scan(
        &self,
        from: i64,
        to: i64,
        unmask: bool,
        mut visit: impl for<'e> FnMut(&str, EventView<'e>) -> bool,
    ) -> bool {
        let (from, to, masks) = self.scan_window(from, to, unmask);
        for stream in self.streams_with_prefix("") {
            let stopped = stream.with_events(|log| {
                log.iter_from(from)
                    .take_while(|event| event.key < to)
                    .any(|event| !masks.show(event, |event| visit(stream.name(), event)))
            });
            if stopped {
                return true;
            }
        }
        false
    }

    /// Like [`LogGroup::scan`], but each stream newest first; `visit` answers what to do next
    /// (the last-N queries leave a stream after its N-th kept event).
    pub fn scan_newest_first(
        &self,
        from: i64,
        to: i64,
        unmask: bool,
        mut visit: impl for<'e> FnMut(&str, EventView<'e>) -> Step,
    ) -> bool {
        let (from, to, masks) = self.scan_window(from, to, unmask);
        for stream in self.streams_with_prefix("") {
            let step = stream.with_events(|log| {
                for event in log.iter_before(to).take_while(|event| event.key >= from) {
                    match masks.show(event, |event| visit(stream.name(), event)) {
                        Step::Next => {}
                        other => return other,
                    }
                }
                Step::Next
            });
            if step == Step::Stop {
                return true;
            }
        }
        false
    }

    /// What a scan of `[from, to)` reads: its bounds as keys, raised to the retention cutoff
    /// (after applying retention), and the masks of its reads.
    fn scan_window(&self, from: i64, to: i64, unmask: bool) -> (EventKey, EventKey, Masks) {
        let cutoff = self.apply_retention_to_all();
        let from = EventKey::at_time(cutoff.map_or(from, |c| c.max(from)));
        (from, EventKey::at_time(to), self.masks(unmask))
    }

    /// The ingestion time and message (masked unless `unmask`) of the event at `key` in the
    /// named stream, if it is still there (not deleted, not expired).
    pub fn event_at(&self, stream: &str, key: EventKey, unmask: bool) -> Option<(i64, String)> {
        let stream = self.stream(stream).ok()?;
        self.apply_retention(&stream);
        let masks = self.masks(unmask);
        stream.with_events(|log| {
            log.iter_from(key)
                .next()
                .filter(|event| event.key == key)
                .map(|event| {
                    let message = masks.apply(event.ingestion_time, event.message);
                    (event.ingestion_time, message.into_owned())
                })
        })
    }
}

/// `[startTime, endTime)` as keys: startTime inclusive, endTime exclusive (model doc).
#[derive(Debug, Clone, Copy)]
struct TimeRange {
    from: EventKey,
    to: EventKey,
}

impl TimeRange {
    fn new(start_time: Option<i64>, end_time: Option<i64>) -> Self {
        Self {
            from: start_time.map_or(EventKey::MIN, EventKey::at_time),
            to: end_time.map_or(EventKey::MAX, EventKey::at_time),
        }
    }
}

/// Where the tokens of an empty page point.
struct Resume {
    forward: EventKey,
    backward: EventKey,
}

/// Reads one page. Forward pages start at `cursor` (or the range start); backward pages end
/// before `cursor` (or the range end) and are delivered oldest first.
fn read_page<'s>(
    log: &'s EventLog,
    direction: Direction,
    cursor: Option<EventKey>,
    range: TimeRange,
    budget: PageBudget,
    visit: impl FnMut(EventView<'s>),
) -> (PageEnd, Resume) {
    match direction {
        Direction::Forward => {
            let at = cursor.map_or(range.from, |c| c.max(range.from));
            let end = log.read_forward(at, range.to, budget, visit);
            let resume = cursor.unwrap_or(range.from);
            (
                end,
                Resume {
                    forward: resume,
                    backward: resume,
                },
            )
        }
        Direction::Backward => {
            let before = cursor.map_or(range.to, |c| c.min(range.to));
            let end = match log.page_start_backward(range.from, before, budget) {
                Some(start) => log.read_forward(start, before, budget, visit),
                None => PageEnd::default(),
            };
            let resume = Resume {
                forward: cursor.unwrap_or(range.from),
                backward: cursor.unwrap_or(range.to),
            };
            (end, resume)
        }
    }
}
