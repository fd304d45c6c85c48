//! Live Tail sessions (StartLiveTail), off the HTTP layer: the registry the ingest path offers
//! new events to, each session's sample of the current second, and its buffer of updates for a
//! slow reader.
//!
//! Knows no store and no HTTP: `store/live_tail.rs` offers events at ingest (one atomic load
//! when no session exists), the server's ticker cuts an update per session every
//! [`LIVE_TAIL_UPDATE_PERIOD`], and the stream body takes them with [`Session::poll_update`].
//! A session is registered before its `sessionStart` is written, so nothing ingested in between
//! is missed, and removed when its [`Registration`] drops (the client went away, the session
//! timed out, the server stopped): no task or buffer outlives it.
//!
//! [`LIVE_TAIL_UPDATE_PERIOD`]: crate::limits::LIVE_TAIL_UPDATE_PERIOD

use std::borrow::Cow;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use parking_lot::{Mutex, RwLock};

use crate::filter::FilterPattern;
use crate::limits::{
    LIVE_TAIL_BUFFERED_EVENTS, LIVE_TAIL_BUFFERED_UPDATES, LIVE_TAIL_MAX_UPDATE_EVENTS,
};

/// One event as a `sessionUpdate` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveEvent {
    /// The group as the request named it (name or ARN).
    pub log_group_identifier: Arc<str>,
    /// The stream that ingested it.
    pub log_stream_name: Arc<str>,
    /// The message, masked as every read masks it (shared by the sessions that show it).
    pub message: Arc<str>,
    /// The event's timestamp.
    pub timestamp: i64,
    /// When it was ingested.
    pub ingestion_time: i64,
}

/// One second's worth of a session's events.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Update {
    /// At most [`LIVE_TAIL_MAX_UPDATE_EVENTS`], in arrival order.
    pub events: Vec<LiveEvent>,
    /// More events than that matched, and `events` is a uniform sample of them.
    pub sampled: bool,
}

/// Which streams of its groups a session follows.
#[derive(Debug, Clone)]
pub enum StreamFilter {
    /// Every stream.
    All,
    /// Streams with one of these names.
    Names(HashSet<String>),
    /// Streams whose name starts with one of these.
    Prefixes(Vec<String>),
}

impl StreamFilter {
    fn admits(&self, stream: &str) -> bool {
        match self {
            Self::All => true,
            Self::Names(names) => names.contains(stream),
            Self::Prefixes(prefixes) => prefixes.iter().any(|p| stream.starts_with(p.as_str())),
        }
    }
}

/// What a new session follows.
#[derive(Debug)]
pub struct SessionSpec {
    /// The groups: each one's ARN (what ingest offers events under) and the identifier the
    /// request named it by (what the events show).
    pub groups: Vec<(String, Arc<str>)>,
    /// The streams.
    pub streams: StreamFilter,
    /// `logEventFilterPattern`, compiled; `None` matches everything.
    pub pattern: Option<FilterPattern>,
}

impl SessionSpec {
    /// What makes two sessions see the same events shown the same way: their groups (with
    /// the identifiers the events show), streams and pattern. Sessions with one key share one
    /// sample.
    fn key(&self) -> String {
        let mut key = String::new();
        for (arn, identifier) in &self.groups {
            key.push_str(&format!("{arn}={identifier}\u{0};"));
        }
        match &self.streams {
            StreamFilter::All => key.push_str("all"),
            StreamFilter::Names(names) => {
                let mut names: Vec<&String> = names.iter().collect();
                names.sort();
                key.push_str(&format!("names{names:?}"));
            }
            StreamFilter::Prefixes(prefixes) => key.push_str(&format!("prefixes{prefixes:?}")),
        }
        if let Some(pattern) = &self.pattern {
            key.push_str("\u{0}pattern=");
            key.push_str(pattern.source());
        }
        key
    }
}

/// Every live session.
#[derive(Debug)]
pub struct LiveTails {
    /// Checked first on every put: zero means nothing else is looked at.
    count: AtomicUsize,
    /// The samples, by key and by the ARN of each group they follow.
    index: RwLock<Index>,
    /// Sessions by id, for the ticker.
    all: RwLock<HashMap<u64, Arc<Session>>>,
    next_id: AtomicU64,
    /// Counts the ticks, so a sample shared by several sessions is cut once per tick.
    ticks: AtomicU64,
    timeout: Duration,
}

#[derive(Debug, Default)]
struct Index {
    by_group: HashMap<String, Vec<Arc<Sampler>>>,
    by_key: HashMap<String, Arc<Sampler>>,
}

impl LiveTails {
    /// An empty registry whose sessions last `timeout`.
    pub fn new(timeout: Duration) -> Self {
        Self {
            count: AtomicUsize::new(0),
            index: RwLock::default(),
            all: RwLock::default(),
            next_id: AtomicU64::new(1),
            ticks: AtomicU64::new(0),
            timeout,
        }
    }

    /// How many sessions are open.
    pub fn count(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }

    /// Whether any session is open (the ingest path's one check).
    pub fn is_active(&self) -> bool {
        self.count() > 0
    }

    /// Opens a session; it sees every event offered from now until the registration drops.
    pub fn register(self: &Arc<Self>, spec: SessionSpec) -> Registration {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let key = spec.key();
        let mut index = self.index.write();
        let sampler = match index.by_key.get(&key) {
            Some(sampler) => Arc::clone(sampler),
            None => {
                let sampler = Arc::new(Sampler {
                    key: key.clone(),
                    spec,
                    sessions: AtomicUsize::new(0),
                    state: Mutex::new(SampleState {
                        // Any odd seed will do for the sampling generator; the id varies it.
                        rng: id.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
                        ..SampleState::default()
                    }),
                });
                index.by_key.insert(key, Arc::clone(&sampler));
                let mut seen_arns = HashSet::new();
                for (arn, _) in &sampler.spec.groups {
                    // A request naming one group twice gets each event once.
                    if seen_arns.insert(arn.as_str()) {
                        index
                            .by_group
                            .entry(arn.clone())
                            .or_default()
                            .push(Arc::clone(&sampler));
                    }
                }
                sampler
            }
        };
        sampler.sessions.fetch_add(1, Ordering::Relaxed);
        // Offers hold the index's read lock: none runs now, so the session starts exactly
        // after the events the sample has counted so far.
        let start = {
            let state = sampler.state.lock();
            (state.second, state.seen)
        };
        drop(index);
        let session = Arc::new(Session {
            id,
            sampler,
            start,
            state: Mutex::new(SessionState::default()),
        });
        self.all.write().insert(id, Arc::clone(&session));
        self.count.fetch_add(1, Ordering::Relaxed);
        Registration {
            registry: Arc::clone(self),
            session,
        }
    }

    /// Whether any session follows the group `group_arn`.
    pub fn follows(&self, group_arn: &str) -> bool {
        self.index.read().by_group.contains_key(group_arn)
    }

    /// Offers events just ingested in `stream` of the group `group_arn` (timestamp and message
    /// as stored, in arrival order) to the sessions following it; `mask` shows a message as
    /// reads do, and is called only for the events a sample keeps.
    ///
    /// The work is shared between sessions: sessions that follow the same groups, streams and
    /// pattern share one sample (so a hundred identical sessions cost one), each distinct
    /// filter pattern is evaluated once per event, and an event several samples keep is
    /// masked and copied once (they hold the same `Arc<str>`).
    pub fn offer<'m>(
        &self,
        group_arn: &str,
        stream: &str,
        events: &[(i64, &'m str)],
        ingestion_time: i64,
        mask: &dyn Fn(&'m str) -> Cow<'m, str>,
    ) {
        let index = self.index.read();
        let Some(samplers) = index.by_group.get(group_arn) else {
            return;
        };
        let stream_name: Arc<str> = Arc::from(stream);
        // The events' masked messages, made on a sample's first pick of each.
        let mut messages: Vec<Option<Arc<str>>> = Vec::new();
        // Which events each distinct pattern (by its text) matched, by index.
        let mut matched: Vec<(&str, Vec<usize>)> = Vec::new();
        for sampler in samplers {
            let spec = &sampler.spec;
            if !spec.streams.admits(stream) {
                continue;
            }
            let identifier = spec
                .groups
                .iter()
                .find(|(arn, _)| arn == group_arn)
                .map(|(_, identifier)| Arc::clone(identifier))
                .unwrap_or_else(|| Arc::from(group_arn));
            let candidates: Option<&[usize]> = spec.pattern.as_ref().map(|pattern| {
                let at = match matched
                    .iter()
                    .position(|(text, _)| *text == pattern.source())
                {
                    Some(at) => at,
                    None => {
                        let hits = (0..events.len())
                            .filter(|&i| pattern.matches(events[i].1))
                            .collect();
                        matched.push((pattern.source(), hits));
                        matched.len() - 1
                    }
                };
                matched[at].1.as_slice()
            });
            let count = candidates.map_or(events.len(), <[usize]>::len);
            let mut state = sampler.state.lock();
            // Jump over the events the sample skips; build only the ones it keeps.
            let mut at = 0;
            while at < count {
                let passed = state.skip.min(count - at);
                state.pass(passed);
                at += passed;
                if at < count {
                    let index = candidates.map_or(at, |c| c[at]);
                    if messages.is_empty() {
                        messages.resize(events.len(), None);
                    }
                    let (timestamp, message) = events[index];
                    let message = messages[index]
                        .get_or_insert_with(|| Arc::from(&*mask(message)))
                        .clone();
                    state.keep(LiveEvent {
                        log_group_identifier: Arc::clone(&identifier),
                        log_stream_name: Arc::clone(&stream_name),
                        message,
                        timestamp,
                        ingestion_time,
                    });
                    at += 1;
                }
            }
        }
    }

    /// Cuts every session's update of the second that ended, and wakes its reader.
    pub fn tick(&self) {
        let tick = self.ticks.fetch_add(1, Ordering::Relaxed) + 1;
        let sessions: Vec<Arc<Session>> = self.all.read().values().cloned().collect();
        for session in sessions {
            session.cut_update(tick);
        }
    }

    /// Ends every session (the server is stopping): their streams finish after what they
    /// hold.
    pub fn close_all(&self) {
        for session in self.all.read().values() {
            let mut state = session.state.lock();
            state.closed = true;
            if let Some(waker) = state.waker.take() {
                waker.wake();
            }
        }
    }

    fn remove(&self, session: &Session) {
        if self.all.write().remove(&session.id).is_some() {
            self.count.fetch_sub(1, Ordering::Relaxed);
        }
        let mut index = self.index.write();
        let sampler = &session.sampler;
        if sampler.sessions.fetch_sub(1, Ordering::Relaxed) > 1 {
            return;
        }
        index.by_key.remove(&sampler.key);
        for (arn, _) in &sampler.spec.groups {
            if let Some(samplers) = index.by_group.get_mut(arn) {
                samplers.retain(|s| !Arc::ptr_eq(s, sampler));
                if samplers.is_empty() {
                    index.by_group.remove(arn);
                }
            }
        }
    }
}

/// The sample of the current second shared by the sessions of one key.
#[derive(Debug)]
struct Sampler {
    key: String,
    spec: SessionSpec,
    /// Sessions using it; the last one to go removes it.
    sessions: AtomicUsize,
    state: Mutex<SampleState>,
}

/// One open session.
#[derive(Debug)]
pub struct Session {
    id: u64,
    sampler: Arc<Sampler>,
    /// The sampler's second and arrival number when the session opened: it is shown only
    /// what arrived from then on.
    start: (u64, usize),
    state: Mutex<SessionState>,
}

#[derive(Debug, Default)]
struct SessionState {
    /// Updates cut and not yet read, oldest first.
    ready: VecDeque<Update>,
    /// Events in `ready`.
    ready_events: usize,
    /// The reader waiting for an update.
    waker: Option<Waker>,
    closed: bool,
}

/// A second's sample as cut, kept for the other sessions of the same tick.
#[derive(Debug, Clone)]
struct Cut {
    tick: u64,
    /// Which of the sampler's seconds it holds.
    second: u64,
    /// Events that matched in that second.
    seen: usize,
    /// The sample, in arrival order, with arrival numbers.
    events: Arc<Vec<(usize, LiveEvent)>>,
}

#[derive(Debug, Default)]
struct SampleState {
    /// Counts the seconds cut so far.
    second: u64,
    /// Events of the current second that matched.
    seen: usize,
    /// A uniform sample of them, with their arrival numbers.
    kept: Vec<(usize, LiveEvent)>,
    /// How many of the next matching events the sample passes over.
    skip: usize,
    /// Algorithm L's running weight.
    weight: f64,
    rng: u64,
    /// The last cut, for the other sessions of its tick.
    cut: Option<Cut>,
}

impl SampleState {
    /// Reservoir sampling by Algorithm L (Li, 1994): every matching event of the second ends
    /// up in the sample with the same probability, and the events between two picks are
    /// passed over in one step (`skip`), so a busy second costs one draw per pick, not one
    /// per event.
    fn keep(&mut self, event: LiveEvent) {
        let arrival = self.seen;
        self.seen += 1;
        let k = LIVE_TAIL_MAX_UPDATE_EVENTS;
        if self.kept.len() < k {
            self.kept.push((arrival, event));
            if self.kept.len() == k {
                self.weight = (self.unit().ln() / k as f64).exp();
                self.skip = self.gap();
            }
            return;
        }
        let slot = (self.next_random() % k as u64) as usize;
        self.kept[slot] = (arrival, event);
        self.weight *= (self.unit().ln() / k as f64).exp();
        self.skip = self.gap();
    }

    /// Counts `n` matching events passed over.
    fn pass(&mut self, n: usize) {
        self.seen += n;
        self.skip -= n;
    }

    /// How many events to pass over before the next pick.
    fn gap(&mut self) -> usize {
        let gap = (self.unit().ln() / (1.0 - self.weight).ln()).floor();
        if gap.is_finite() && gap >= 0.0 {
            gap.min(usize::MAX as f64 / 2.0) as usize
        } else {
            usize::MAX / 2
        }
    }

    /// A uniform draw in (0, 1].
    fn unit(&mut self) -> f64 {
        ((self.next_random() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }

    /// xorshift64*: cheap, and statistically plenty for picking a sample.
    fn next_random(&mut self) -> u64 {
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// The second that ended at `tick`: cut now by the first session of the tick that asks,
    /// the same cut for the others.
    fn cut(&mut self, tick: u64) -> Cut {
        if let Some(cut) = self.cut.as_ref().filter(|cut| cut.tick == tick) {
            return cut.clone();
        }
        let mut kept = std::mem::take(&mut self.kept);
        kept.sort_unstable_by_key(|(arrival, _)| *arrival);
        let cut = Cut {
            tick,
            second: self.second,
            seen: self.seen,
            events: Arc::new(kept),
        };
        self.second += 1;
        self.seen = 0;
        self.skip = 0;
        self.cut = Some(cut.clone());
        cut
    }
}

impl Session {
    /// Moves the second's sample into the buffer as one update, dropping the oldest updates
    /// past [`LIVE_TAIL_BUFFERED_UPDATES`] / [`LIVE_TAIL_BUFFERED_EVENTS`].
    fn cut_update(&self, tick: u64) {
        let cut = self.sampler.state.lock().cut(tick);
        let (start_second, start_arrival) = self.start;
        // The second the session opened in shows only what arrived after it opened (a
        // uniform sample of the second, restricted to those, is a uniform sample of them).
        let from = match cut.second.cmp(&start_second) {
            std::cmp::Ordering::Less => usize::MAX,
            std::cmp::Ordering::Equal => start_arrival,
            std::cmp::Ordering::Greater => 0,
        };
        let events: Vec<LiveEvent> = cut
            .events
            .iter()
            .filter(|(arrival, _)| *arrival >= from)
            .map(|(_, event)| event.clone())
            .collect();
        let update = Update {
            sampled: cut.seen.saturating_sub(from) > events.len(),
            events,
        };
        let mut state = self.state.lock();
        state.ready_events += update.events.len();
        state.ready.push_back(update);
        while state.ready.len() > LIVE_TAIL_BUFFERED_UPDATES
            || state.ready_events > LIVE_TAIL_BUFFERED_EVENTS
        {
            let Some(dropped) = state.ready.pop_front() else {
                break;
            };
            state.ready_events -= dropped.events.len();
        }
        if let Some(waker) = state.waker.take() {
            waker.wake();
        }
    }

    /// The next buffered update; `Ready(None)` once the session is closed and drained.
    pub fn poll_update(&self, cx: &mut Context<'_>) -> Poll<Option<Update>> {
        let mut state = self.state.lock();
        if let Some(update) = state.ready.pop_front() {
            state.ready_events -= update.events.len();
            return Poll::Ready(Some(update));
        }
        if state.closed {
            return Poll::Ready(None);
        }
        state.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// An open session; dropping it closes the session and frees everything it held.
#[derive(Debug)]
pub struct Registration {
    registry: Arc<LiveTails>,
    session: Arc<Session>,
}

impl Registration {
    /// The session.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// How long the session may last.
    pub fn timeout(&self) -> Duration {
        self.registry.timeout
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.registry.remove(&self.session);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Wake;

    struct NoWake;
    impl Wake for NoWake {
        fn wake(self: Arc<Self>) {}
    }

    fn spec(streams: StreamFilter, pattern: Option<&str>) -> SessionSpec {
        SessionSpec {
            groups: vec![("arn:g".into(), Arc::from("g"))],
            streams,
            pattern: pattern.map(|p| FilterPattern::parse(p).unwrap()),
        }
    }

    fn next(registration: &Registration) -> Option<Update> {
        let waker = Waker::from(Arc::new(NoWake));
        match registration
            .session()
            .poll_update(&mut Context::from_waker(&waker))
        {
            Poll::Ready(update) => update,
            Poll::Pending => panic!("no update ready"),
        }
    }

    fn offer(tails: &LiveTails, group: &str, stream: &str, messages: &[String]) {
        let events: Vec<(i64, &str)> = messages.iter().map(|m| (5, m.as_str())).collect();
        tails.offer(group, stream, &events, 7, &|m| Cow::Owned(m.to_uppercase()));
    }

    #[test]
    fn a_session_gets_matching_events_of_its_groups_and_streams_masked() {
        let tails = Arc::new(LiveTails::new(Duration::from_secs(60)));
        let r = tails.register(spec(
            StreamFilter::Prefixes(vec!["web".into()]),
            Some("error"),
        ));
        assert_eq!(tails.count(), 1);
        offer(
            &tails,
            "arn:g",
            "web-1",
            &["an error".into(), "fine".into()],
        );
        offer(&tails, "arn:g", "db-1", &["an error".into()]);
        offer(&tails, "arn:other", "web-1", &["an error".into()]);
        tails.tick();
        let update = next(&r).unwrap();
        assert!(!update.sampled);
        assert_eq!(
            update.events,
            vec![LiveEvent {
                log_group_identifier: Arc::from("g"),
                log_stream_name: Arc::from("web-1"),
                message: "AN ERROR".into(),
                timestamp: 5,
                ingestion_time: 7,
            }]
        );
        drop(r);
        assert_eq!(tails.count(), 0);
        assert!(tails.index.read().by_group.is_empty());
        assert!(tails.index.read().by_key.is_empty());
    }

    #[test]
    fn sessions_sharing_a_pattern_or_not_each_get_their_own_matches() {
        let tails = Arc::new(LiveTails::new(Duration::from_secs(60)));
        let errors = [
            tails.register(spec(StreamFilter::All, Some("error"))),
            tails.register(spec(StreamFilter::All, Some("error"))),
        ];
        let warnings = tails.register(spec(StreamFilter::All, Some("warn")));
        let everything = tails.register(spec(StreamFilter::All, None));
        let messages: Vec<String> = ["error 1", "warn 2", "error 3", "info 4"]
            .map(String::from)
            .into();
        offer(&tails, "arn:g", "s", &messages);
        tails.tick();
        let shown = |r: &Registration| -> Vec<String> {
            next(r)
                .unwrap()
                .events
                .iter()
                .map(|e| e.message.to_string())
                .collect()
        };
        for r in &errors {
            assert_eq!(shown(r), ["ERROR 1", "ERROR 3"]);
        }
        assert_eq!(shown(&warnings), ["WARN 2"]);
        assert_eq!(
            shown(&everything),
            ["ERROR 1", "WARN 2", "ERROR 3", "INFO 4"]
        );
    }

    #[test]
    fn identical_sessions_share_one_sample_and_a_late_one_sees_only_what_came_after_it() {
        let tails = Arc::new(LiveTails::new(Duration::from_secs(60)));
        let early = tails.register(spec(StreamFilter::All, None));
        let messages: Vec<String> = (0..800).map(|i| format!("{i:04}")).collect();
        offer(&tails, "arn:g", "s", &messages[..300]);
        let late = tails.register(spec(StreamFilter::All, None));
        assert_eq!(tails.index.read().by_key.len(), 1);
        offer(&tails, "arn:g", "s", &messages[300..]);
        tails.tick();
        let early_update = next(&early).unwrap();
        assert!(early_update.sampled);
        assert_eq!(early_update.events.len(), LIVE_TAIL_MAX_UPDATE_EVENTS);
        let late_update = next(&late).unwrap();
        // The shared sample's events from the 300th on, and nothing from before the session.
        let expected: Vec<LiveEvent> = early_update
            .events
            .iter()
            .filter(|e| &*e.message >= "0300")
            .cloned()
            .collect();
        assert_eq!(late_update.events, expected);
        assert!(late_update.sampled, "500 arrived after it, fewer are shown");
        // From the next second on, both see the same updates.
        offer(&tails, "arn:g", "s", &messages[..2]);
        tails.tick();
        assert_eq!(next(&early), next(&late));
        drop(early);
        assert_eq!(tails.index.read().by_key.len(), 1);
        drop(late);
        assert!(tails.index.read().by_key.is_empty());
        assert!(tails.index.read().by_group.is_empty());
    }

    #[test]
    fn more_than_500_events_in_a_second_are_sampled_to_500_in_order() {
        let tails = Arc::new(LiveTails::new(Duration::from_secs(60)));
        let r = tails.register(spec(StreamFilter::All, None));
        let messages: Vec<String> = (0..1_000).map(|i| format!("{i:04}")).collect();
        offer(&tails, "arn:g", "s", &messages);
        tails.tick();
        let update = next(&r).unwrap();
        assert!(update.sampled);
        assert_eq!(update.events.len(), LIVE_TAIL_MAX_UPDATE_EVENTS);
        assert!(update
            .events
            .windows(2)
            .all(|w| w[0].message < w[1].message));
        // Not simply the first 500: the sample reaches into the second half.
        assert!(&*update.events.last().unwrap().message > "0500");
        tails.tick();
        assert_eq!(next(&r).unwrap(), Update::default());
    }

    #[test]
    fn the_sample_is_uniform_over_the_second() {
        let tails = Arc::new(LiveTails::new(Duration::from_secs(60)));
        let r = tails.register(spec(StreamFilter::All, None));
        let messages: Vec<String> = (0..5_000).map(|i| format!("{i:04}")).collect();
        let mut deciles = [0usize; 10];
        for _ in 0..40 {
            // Several puts in one second: the sample spans them.
            for chunk in messages.chunks(700) {
                offer(&tails, "arn:g", "s", chunk);
            }
            tails.tick();
            let update = next(&r).unwrap();
            assert_eq!(update.events.len(), LIVE_TAIL_MAX_UPDATE_EVENTS);
            for event in update.events {
                deciles[event.message.parse::<usize>().unwrap() / 500] += 1;
            }
        }
        // 40 x 500 picks, 2,000 expected per decile; a biased sampler misses this by far.
        for count in deciles {
            assert!((1_700..=2_300).contains(&count), "{deciles:?}");
        }
    }

    #[test]
    fn a_slow_reader_keeps_the_newest_ten_updates() {
        let tails = Arc::new(LiveTails::new(Duration::from_secs(60)));
        let r = tails.register(spec(StreamFilter::All, None));
        for i in 0..15 {
            offer(&tails, "arn:g", "s", &[format!("m{i}")]);
            tails.tick();
        }
        let messages: Vec<Arc<str>> = std::iter::from_fn(|| {
            let waker = Waker::from(Arc::new(NoWake));
            match r.session().poll_update(&mut Context::from_waker(&waker)) {
                Poll::Ready(Some(u)) => Some(u.events[0].message.clone()),
                _ => None,
            }
        })
        .collect();
        assert_eq!(messages.len(), LIVE_TAIL_BUFFERED_UPDATES);
        assert_eq!(&*messages[0], "M5");
        tails.close_all();
        assert_eq!(next(&r), None);
    }
}
