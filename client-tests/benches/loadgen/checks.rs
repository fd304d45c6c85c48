//! The correctness checks on what comes back: each event unaltered (message byte for byte,
//! timestamp), and over a whole stream every event exactly once, in the order it must come.
//! A failed check fails the run.

use crate::workload::{push_text_message, ts_of, writer_zero};

/// Stream identity and what was sent into it, for paging checks.
pub struct Expect<'a> {
    pub group: &'a str,
    pub stream: &'a str,
    pub base: i64,
    pub n: usize,
    pub order: Order,
    pub w_of: &'a (dyn Fn(usize) -> usize + Sync),
}

impl<'a> Expect<'a> {
    /// Events `0..n` of writer 0 in one stream, sent in order.
    pub fn one_writer(group: &'a str, stream: &'a str, base: i64, n: usize) -> Self {
        Self {
            group,
            stream,
            base,
            n,
            order: Order::Sent,
            w_of: &writer_zero,
        }
    }

    /// Fresh checks for reading this stream back: each event, and the whole stream.
    pub fn checks(&self) -> (EventCheck<'a>, Tally) {
        let check = EventCheck {
            base: self.base,
            n: self.n,
            w_of: self.w_of,
            scratch: String::new(),
        };
        (check, Tally::new(self.n, self.order))
    }
}

/// Checks one returned event against what was sent: message byte for byte, timestamp.
pub struct EventCheck<'a> {
    base: i64,
    n: usize,
    w_of: &'a (dyn Fn(usize) -> usize + Sync),
    scratch: String,
}

impl EventCheck<'_> {
    pub fn event(&mut self, timestamp: i64, message: &str) -> Result<usize, String> {
        let g: usize = message
            .get(13..23)
            .and_then(|d| d.parse().ok())
            .ok_or_else(|| format!("unexpected message {message:?}"))?;
        if g >= self.n {
            return Err(format!("event {g} was never sent (stream has {})", self.n));
        }
        self.scratch.clear();
        push_text_message(&mut self.scratch, g, (self.w_of)(g));
        if self.scratch != message {
            return Err(format!("event {g} came back altered: {message:?}"));
        }
        if timestamp != ts_of(self.base, g) {
            return Err(format!(
                "event {g} has timestamp {timestamp}, sent {}",
                ts_of(self.base, g)
            ));
        }
        Ok(g)
    }
}

/// What order a stream's events must come back in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Exactly the order they were sent (one writer, timestamps never decrease).
    Sent,
    /// By timestamp (several writers: ties are broken by arrival, which the bench can't know).
    Time,
}

/// Exactly-once and order bookkeeping over a whole stream.
pub struct Tally {
    pub order: Order,
    pub seen: Vec<bool>,
    pub count: usize,
    pub last_ts: i64,
}

impl Tally {
    pub fn new(n: usize, order: Order) -> Self {
        Self {
            order,
            seen: vec![false; n],
            count: 0,
            last_ts: i64::MIN,
        }
    }

    pub fn push(&mut self, timestamp: i64, g: usize) -> Result<(), String> {
        if std::mem::replace(&mut self.seen[g], true) {
            return Err(format!("event {g} delivered twice"));
        }
        if self.order == Order::Sent && g != self.count {
            return Err(format!("event {g} delivered at position {}", self.count));
        }
        if timestamp < self.last_ts {
            return Err(format!("event {g} delivered after a newer event"));
        }
        self.last_ts = timestamp;
        self.count += 1;
        Ok(())
    }

    pub fn finish(&self) -> Result<(), String> {
        if self.count != self.seen.len() {
            let missing = self.seen.iter().position(|s| !s).unwrap_or(0);
            return Err(format!(
                "{} of {} events delivered (first missing: {missing})",
                self.count,
                self.seen.len()
            ));
        }
        Ok(())
    }
}
