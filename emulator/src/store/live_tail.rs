//! Live Tail at ingest: the events a put stored, offered to the sessions following the group
//! (`crate::live_tail`), masked as every read masks them.

use super::events::NewEvent;
use super::LogGroup;

impl LogGroup {
    /// Offers the events just stored in `stream` (ingested at `now`) to the Live Tail
    /// sessions; a put pays one atomic load when no session is open.
    pub(super) fn offer_to_live_tails<'e>(&self, stream: &str, events: &[NewEvent<'e>], now: i64) {
        let live_tails = &self.env().live_tails;
        if !live_tails.is_active() || events.is_empty() || !live_tails.follows(self.arn()) {
            return;
        }
        let events: Vec<(i64, &'e str)> = events.iter().map(|e| (e.timestamp, e.message)).collect();
        // The masks are looked up once per put, and only when someone is watching.
        let masks = std::cell::OnceCell::new();
        let mask = |message: &'e str| -> std::borrow::Cow<'e, str> {
            masks.get_or_init(|| self.masks(false)).apply(now, message)
        };
        live_tails.offer(self.arn(), stream, &events, now, &mask);
    }
}
