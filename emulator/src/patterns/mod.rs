//! The pattern engine: clusters log messages into patterns. Pure (no store, no HTTP, no
//! JSON); the Insights `pattern`/`diff`/`anomaly` commands and the log anomaly detectors
//! both use it, so they never disagree.
//!
//! The algorithm (Drain-like, deterministic for a given input order):
//! 1. **Mask** ([`mask`]): split the message on white space; type each word's value: a
//!    time (a date and a time of day next to each other are one token), an IPv4 address,
//!    a UUID, an identifier (letters and digits mixed), a number. A value may sit after a
//!    `key=`/`key:` and before trailing punctuation; that text stays literal.
//! 2. **Find the leaf**: a fixed-depth tree keyed by the number of elements, then by the
//!    first element (its text, or its type when it is dynamic).
//! 3. **Pick the cluster**: among the leaf's clusters, the one most similar to the message,
//!    similarity = positions that agree (same literal text, or same type with the same text
//!    around it) / positions; ties go to the oldest cluster. Below [`SIMILARITY`] a new
//!    cluster starts.
//! 4. **Merge**: positions that disagree become dynamic. A position only ever generalizes
//!    (literal → typed value → any word), so every member matches the final regex.
//!
//! A pattern writes its dynamic tokens `<Type-N>` (N counts dynamic tokens from 1), as
//! AWS's Pattern analysis page shows (`<Time-1> [INFO] Calling DynamoDB ... id <ID-2>`);
//! a position whose values have no single type is `<Token-N>`.
//!
//! Memory is bounded by the number of patterns: per pattern a few samples, a histogram and
//! per dynamic token at most [`MAX_ENUMERATIONS`] distinct values. The number of clusters is
//! capped at [`MAX_CLUSTERS`] (AWS documents no figure; this is the most rows a query can
//! return): past it, a message that would start a new cluster joins its leaf's most similar
//! cluster whatever the similarity (generalizing it as any member does), and a message whose
//! leaf is empty joins one overflow pattern, `<Token-1>`, that takes any text. The rule
//! depends only on the input order, so the output stays deterministic.

mod anomaly;
mod mask;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

pub use anomaly::{AnomalyKind, Finding};
pub use mask::TokenType;
use mask::{mask, Element};

/// The least similarity at which a message joins an existing cluster.
pub const SIMILARITY: f64 = 0.5;

/// Distinct values kept per dynamic token; later new values are counted, not kept.
pub const MAX_ENUMERATIONS: usize = 100;

/// Samples kept per pattern (the first ones seen).
pub const MAX_SAMPLES: usize = 5;

/// Clusters one clusterer starts, besides the overflow pattern (see the module doc).
pub const MAX_CLUSTERS: usize = 10_000;

/// Where the events fall in time: histogram buckets over `[start, end)`, and the start of
/// the "recent" part that anomaly rules compare with the rest (the baseline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First millisecond.
    pub start: i64,
    /// One past the last millisecond.
    pub end: i64,
    /// Number of histogram buckets (at least 1); the last one is the recent part.
    pub buckets: usize,
}

impl Window {
    fn width(&self) -> i64 {
        ((self.end - self.start).max(1) + self.buckets as i64 - 1) / self.buckets as i64
    }

    fn bucket(&self, timestamp: i64) -> usize {
        (((timestamp - self.start).max(0) / self.width().max(1)) as usize).min(self.buckets - 1)
    }

    /// The first millisecond of the recent part (the last bucket).
    pub fn recent_from(&self) -> i64 {
        self.start + self.width() * (self.buckets as i64 - 1)
    }
}

/// FNV-1a: a fast, deterministic hasher for short keys.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// Running numeric statistics.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Numbers {
    pub(crate) n: u64,
    pub(crate) sum: f64,
    pub(crate) sum_sq: f64,
    pub(crate) max: f64,
}

impl Numbers {
    fn add(&mut self, x: f64) {
        if self.n == 0 || x > self.max {
            self.max = x;
        }
        self.n += 1;
        self.sum += x;
        self.sum_sq += x * x;
    }

    pub(crate) fn mean(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.sum / self.n as f64
        }
    }

    pub(crate) fn stddev(&self) -> f64 {
        if self.n < 2 {
            return 0.0;
        }
        let mean = self.mean();
        ((self.sum_sq / self.n as f64) - mean * mean)
            .max(0.0)
            .sqrt()
    }
}

/// One dynamic position's values.
#[derive(Debug, Clone, Default)]
struct TokenStats {
    /// Value → (count, count in the recent part).
    values: FnvMap<Box<str>, (u64, u64)>,
    /// Values not kept once [`MAX_ENUMERATIONS`] were.
    overflow: u64,
    /// Every value was a number.
    numeric: bool,
    /// Every value was an integer from 100 to 599 (an HTTP status).
    http_status: bool,
    baseline: Numbers,
    recent: Numbers,
}

impl TokenStats {
    fn new() -> Self {
        Self {
            numeric: true,
            http_status: true,
            ..Self::default()
        }
    }

    fn add(&mut self, value: &str, count: u64, recent: u64) {
        let kept = self.values.len();
        match self.values.get_mut(value) {
            Some(slot) => {
                slot.0 += count;
                slot.1 += recent;
            }
            None if kept < MAX_ENUMERATIONS => {
                self.values.insert(value.into(), (count, recent));
            }
            None => self.overflow += count,
        }
        if !self.numeric {
            return;
        }
        match value.parse::<f64>().ok().filter(|x| x.is_finite()) {
            Some(x) => {
                self.http_status &= x.fract() == 0.0 && (100.0..=599.0).contains(&x);
                for _ in 0..recent {
                    self.recent.add(x);
                }
                for _ in 0..count - recent {
                    self.baseline.add(x);
                }
            }
            _ => {
                self.numeric = false;
                self.http_status = false;
            }
        }
    }
}

/// One position of a pattern.
#[derive(Debug, Clone)]
struct Position {
    /// The literal word, or `None` for a dynamic value.
    literal: Option<Box<str>>,
    kind: TokenType,
    prefix: Box<str>,
    suffix: Box<str>,
    multiword: bool,
    /// No white space before it (it follows a `,` in the same word).
    glued: bool,
    /// The overflow pattern's one position: any text at all.
    any_text: bool,
    stats: Option<TokenStats>,
}

impl Position {
    fn of(element: &Element, message: &str) -> Self {
        match element.kind {
            None => Self {
                literal: Some(message[element.start..element.end].into()),
                kind: TokenType::Token,
                prefix: "".into(),
                suffix: "".into(),
                multiword: false,
                glued: element.glued,
                any_text: false,
                stats: None,
            },
            Some(kind) => Self {
                literal: None,
                kind,
                prefix: element.prefix(message).into(),
                suffix: element.suffix(message).into(),
                multiword: element.multiword,
                glued: element.glued,
                any_text: false,
                stats: Some(TokenStats::new()),
            },
        }
    }

    /// The overflow pattern's position.
    fn any_text() -> Self {
        Self {
            literal: None,
            kind: TokenType::Token,
            prefix: "".into(),
            suffix: "".into(),
            multiword: false,
            glued: false,
            any_text: true,
            stats: Some(TokenStats::new()),
        }
    }

    /// Whether the element agrees with this position (counts toward similarity).
    fn agrees(&self, element: &Element, message: &str) -> bool {
        match (&self.literal, element.kind) {
            (Some(word), None) => **word == message[element.start..element.end],
            (None, Some(kind)) => {
                kind == self.kind
                    && *self.prefix == *element.prefix(message)
                    && *self.suffix == *element.suffix(message)
            }
            _ => false,
        }
    }

    /// Whether this position takes any word as it is (a wildcard).
    fn is_wildcard(&self) -> bool {
        self.literal.is_none()
            && self.kind == TokenType::Token
            && self.prefix.is_empty()
            && self.suffix.is_empty()
    }
}

/// One cluster while messages stream in.
#[derive(Debug, Clone)]
struct Cluster {
    positions: Vec<Position>,
    count: u64,
    recent: u64,
    histogram: Vec<u64>,
    samples: Vec<(i64, String)>,
    severity: Severity,
    /// The earliest member's timestamp.
    first_seen: i64,
}

/// A log level read from the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// FATAL, ERROR, CRITICAL, EXCEPTION...
    Error,
    /// WARN, WARNING.
    Warning,
    /// INFO, NOTICE.
    Info,
    /// DEBUG, TRACE.
    Debug,
    /// No level word.
    Unknown,
}

impl Severity {
    /// How `@severityLabel` shows it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Error => "Error",
            Self::Warning => "Warning",
            Self::Info => "Info",
            Self::Debug => "Debug",
            Self::Unknown => "Unknown",
        }
    }

    /// The first level word of the message (`[ERROR]`, `level=warn`, `INFO:` all count).
    fn of(message: &str) -> Self {
        for word in message
            .split(|c: char| c.is_ascii_whitespace() || c == ',')
            .filter(|w| !w.is_empty())
            .take(16)
        {
            let word = word
                .rsplit(['=', ':'])
                .find(|w| !w.is_empty())
                .unwrap_or(word);
            let word = word.trim_matches(|c: char| !c.is_ascii_alphabetic());
            let level = match word.len() {
                3..=9 => word.to_ascii_uppercase(),
                _ => continue,
            };
            match level.as_str() {
                "ERROR" | "ERR" | "FATAL" | "CRITICAL" | "CRIT" | "SEVERE" | "EXCEPTION"
                | "PANIC" | "EMERG" | "ALERT" => return Self::Error,
                "WARN" | "WARNING" => return Self::Warning,
                "INFO" | "NOTICE" => return Self::Info,
                "DEBUG" | "TRACE" => return Self::Debug,
                _ => {}
            }
        }
        Self::Unknown
    }
}

/// Clusters messages as they stream in; [`Clusterer::finish`] gives the patterns.
#[derive(Debug, Clone)]
pub struct Clusterer {
    window: Window,
    recent_from: i64,
    clusters: Vec<Cluster>,
    leaves: FnvMap<(usize, u64), Vec<u32>>,
    scratch: Vec<Element>,
    /// Which positions of the best candidate agree with the message, and the candidate being
    /// compared (reused buffers).
    agreeing: Vec<bool>,
    trial: Vec<bool>,
    total: u64,
    /// Clusters started before new messages join existing ones ([`MAX_CLUSTERS`]).
    cap: usize,
    /// The overflow pattern's index in `clusters`, once it exists.
    overflow: Option<usize>,
}

/// One dynamic token of a finished pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// 1-based, counting dynamic tokens only.
    pub position: usize,
    /// Its type.
    pub kind: TokenType,
    /// How the pattern writes it: `<Number-1>`, or with its literal text around it.
    pub token_string: String,
    /// Every value was a number.
    pub numeric: bool,
    /// Every value was an HTTP status and some were 4xx/5xx.
    pub error_code: bool,
    /// Kept values with their counts, most frequent first (ties by value).
    pub enumerations: Vec<(String, u64)>,
}

/// A finished pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// 32 hex digits, a hash of the pattern string: the same pattern has the same id.
    pub id: String,
    /// The pattern with `<Type-N>` tokens.
    pub pattern: String,
    /// A regex every member matches.
    pub regex: String,
    /// Members.
    pub count: u64,
    /// Members in the recent part of the window.
    pub recent: u64,
    /// `count` over every message clustered.
    pub ratio: f64,
    /// The level of its first member.
    pub severity: Severity,
    /// The first members, `(timestamp, message)`.
    pub samples: Vec<(i64, String)>,
    /// Its dynamic tokens.
    pub tokens: Vec<Token>,
    /// Members per bucket: `(bucket start, count)`, every bucket of the window.
    pub histogram: Vec<(i64, u64)>,
    /// The earliest member's timestamp.
    pub first_seen: i64,
    /// Anomaly rules' view of the token statistics.
    findings: Vec<Finding>,
}

impl Pattern {
    /// What the anomaly rules ([`anomaly`]) find in this pattern.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }
}

impl Clusterer {
    /// An empty clusterer for events in `window`.
    pub fn new(window: Window) -> Self {
        Self::with_cap(window, MAX_CLUSTERS)
    }

    /// An empty clusterer that starts at most `cap` clusters (tests use small caps).
    pub fn with_cap(window: Window, cap: usize) -> Self {
        let window = Window {
            buckets: window.buckets.max(1),
            ..window
        };
        Self {
            window,
            recent_from: window.recent_from(),
            clusters: Vec::new(),
            leaves: FnvMap::default(),
            scratch: Vec::new(),
            agreeing: Vec::new(),
            trial: Vec::new(),
            total: 0,
            cap,
            overflow: None,
        }
    }

    /// Clusters one message.
    pub fn add(&mut self, timestamp: i64, message: &str) {
        self.total += 1;
        let mut elements = std::mem::take(&mut self.scratch);
        mask(message, &mut elements);
        let key = (elements.len(), leaf_hash(&elements, message));
        let leaf = self.leaves.entry(key).or_default();
        let mut best: Option<(usize, usize)> = None;
        for &id in leaf.iter() {
            let cluster = &self.clusters[id as usize];
            self.trial.clear();
            self.trial.extend(
                cluster
                    .positions
                    .iter()
                    .zip(&elements)
                    .map(|(p, e)| p.agrees(e, message)),
            );
            let agree = self.trial.iter().filter(|a| **a).count();
            if best.is_none_or(|(_, b)| agree > b) {
                best = Some((id as usize, agree));
                std::mem::swap(&mut self.agreeing, &mut self.trial);
            }
        }
        let n = elements.len().max(1);
        let recent = u64::from(timestamp >= self.recent_from);
        let bucket = self.window.bucket(timestamp);
        let started = self.clusters.len() - usize::from(self.overflow.is_some());
        let full = started >= self.cap;
        let best = best.filter(|(_, agree)| {
            full || *agree as f64 / n as f64 >= SIMILARITY || elements.is_empty()
        });
        if full && best.is_none() {
            let id = *self.overflow.get_or_insert_with(|| {
                self.clusters.push(Cluster {
                    positions: vec![Position::any_text()],
                    count: 0,
                    recent: 0,
                    histogram: vec![0; self.window.buckets],
                    samples: Vec::new(),
                    severity: Severity::of(message),
                    first_seen: timestamp,
                });
                self.clusters.len() - 1
            });
            let cluster = &mut self.clusters[id];
            if let Some(stats) = &mut cluster.positions[0].stats {
                stats.add(message, 1, recent);
            }
            cluster.count += 1;
            cluster.recent += recent;
            cluster.histogram[bucket] += 1;
            cluster.first_seen = cluster.first_seen.min(timestamp);
            if cluster.samples.len() < MAX_SAMPLES {
                cluster.samples.push((timestamp, message.to_owned()));
            }
            self.scratch = elements;
            return;
        }
        match best {
            Some((id, _)) => {
                let cluster = &mut self.clusters[id];
                for ((position, element), agrees) in cluster
                    .positions
                    .iter_mut()
                    .zip(&elements)
                    .zip(&self.agreeing)
                {
                    absorb(
                        position,
                        element,
                        *agrees,
                        message,
                        (cluster.count, cluster.recent),
                        recent,
                    );
                }
                cluster.count += 1;
                cluster.recent += recent;
                cluster.histogram[bucket] += 1;
                cluster.first_seen = cluster.first_seen.min(timestamp);
                if cluster.samples.len() < MAX_SAMPLES {
                    cluster.samples.push((timestamp, message.to_owned()));
                }
            }
            None => {
                let mut positions: Vec<Position> =
                    elements.iter().map(|e| Position::of(e, message)).collect();
                for (position, element) in positions.iter_mut().zip(&elements) {
                    if let Some(stats) = &mut position.stats {
                        stats.add(&message[element.value.0..element.value.1], 1, recent);
                    }
                }
                let mut histogram = vec![0; self.window.buckets];
                histogram[bucket] = 1;
                leaf.push(self.clusters.len() as u32);
                self.clusters.push(Cluster {
                    positions,
                    count: 1,
                    recent,
                    histogram,
                    samples: vec![(timestamp, message.to_owned())],
                    severity: Severity::of(message),
                    first_seen: timestamp,
                });
            }
        }
        self.scratch = elements;
    }

    /// The patterns, most members first (ties: by pattern text). Clusters that end up with
    /// the same pattern text (a generalized position can make two leaves' clusters alike)
    /// are reported once, their counts added.
    pub fn finish(self) -> Vec<Pattern> {
        let total = self.total.max(1);
        let window = self.window;
        let width = window.width();
        let mut by_text: std::collections::BTreeMap<String, Pattern> = Default::default();
        for cluster in self.clusters {
            let pattern = render(cluster, window, width, total);
            match by_text.get_mut(&pattern.pattern) {
                Some(existing) => merge_patterns(existing, pattern, total),
                None => {
                    by_text.insert(pattern.pattern.clone(), pattern);
                }
            }
        }
        let mut out: Vec<Pattern> = by_text.into_values().collect();
        // Without any baseline event (a log group younger than the recent part) nothing can
        // be new; every pattern would be.
        let any_baseline = out.iter().any(|p| p.count > p.recent);
        for pattern in &mut out {
            pattern.findings = anomaly::evaluate(pattern, window, any_baseline);
        }
        out.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.pattern.cmp(&b.pattern))
        });
        out
    }
}

/// The leaf key's second level: the first element's text, or its type and surroundings; and
/// which elements are glued to the previous one (only messages alike in that share a leaf).
fn leaf_hash(elements: &[Element], message: &str) -> u64 {
    let mut h = Fnv::default();
    for (i, e) in elements.iter().enumerate() {
        if e.glued {
            h.write(&(i as u32).to_le_bytes());
        }
    }
    match elements.first() {
        None => {}
        Some(e) if e.kind.is_none() => h.write(&message.as_bytes()[e.start..e.end]),
        Some(e) => {
            h.write(&[0xff, e.kind.map_or(0, |k| k as u8)]);
            h.write(e.prefix(message).as_bytes());
            h.write(&[0xfe]);
            h.write(e.suffix(message).as_bytes());
        }
    }
    h.finish()
}

/// Takes one member's element into a position, generalizing it if they disagree (`agrees`:
/// [`Position::agrees`], already asked). `before` is the cluster's (count, recent count)
/// before this member.
fn absorb(
    position: &mut Position,
    element: &Element,
    agrees: bool,
    message: &str,
    (before, before_recent): (u64, u64),
    recent: u64,
) {
    if agrees {
        if let Some(stats) = &mut position.stats {
            stats.add(&message[element.value.0..element.value.1], 1, recent);
        }
        // A date alone and a date with its time are both `Time`: the regex must allow both.
        position.multiword |= element.multiword;
        return;
    }
    let word = &message[element.start..element.end];
    match position.literal.take() {
        Some(old) => {
            // literal → dynamic: the earlier members all had the old word.
            let mut stats = TokenStats::new();
            stats.add(&old, before, before_recent);
            stats.add(word, 1, recent);
            position.kind = TokenType::Token;
            position.prefix = "".into();
            position.suffix = "".into();
            position.stats = Some(stats);
        }
        None => {
            // dynamic → any word; values recorded so far stay as they were.
            position.kind = TokenType::Token;
            position.prefix = "".into();
            position.suffix = "".into();
            if let Some(stats) = &mut position.stats {
                stats.add(word, 1, recent);
            }
        }
    }
    position.multiword |= element.multiword;
}

/// 128-bit FNV-1a of the pattern text, as 32 hex digits (the length of AWS's patternId).
pub fn pattern_id(pattern: &str) -> String {
    let mut h: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    for b in pattern.as_bytes() {
        h ^= u128::from(*b);
        h = h.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013b);
    }
    format!("{h:032x}")
}

fn render(cluster: Cluster, window: Window, width: i64, total: u64) -> Pattern {
    let mut text = String::new();
    let mut regex = String::from(r"^\s*");
    let mut tokens = Vec::new();
    for (i, position) in cluster.positions.iter().enumerate() {
        if i > 0 && !position.glued {
            text.push(' ');
            regex.push_str(r"\s+");
        }
        match &position.literal {
            Some(word) => {
                text.push_str(word);
                regex.push_str(&regex::escape(word));
            }
            None => {
                let n = tokens.len() + 1;
                let token_string = format!(
                    "{}<{}-{n}>{}",
                    position.prefix,
                    position.kind.name(),
                    position.suffix
                );
                text.push_str(&token_string);
                regex.push_str(&regex::escape(&position.prefix));
                if position.any_text {
                    regex.push_str(r"(?s:.*?)");
                } else if position.multiword {
                    regex.push_str(r"\S+(?:\s+\S+)?");
                } else if position.is_wildcard() {
                    regex.push_str(r"\S+");
                } else {
                    regex.push_str(position.kind.regex());
                }
                regex.push_str(&regex::escape(&position.suffix));
                let stats = position.stats.clone().unwrap_or_else(TokenStats::new);
                let mut enumerations: Vec<(String, u64)> = stats
                    .values
                    .iter()
                    .map(|(v, (c, _))| (v.to_string(), *c))
                    .collect();
                enumerations.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                let error_code = stats.http_status
                    && stats
                        .values
                        .keys()
                        .any(|v| v.parse::<f64>().is_ok_and(|x| x >= 400.0));
                tokens.push((
                    Token {
                        position: n,
                        kind: position.kind,
                        token_string,
                        numeric: stats.numeric,
                        error_code,
                        enumerations,
                    },
                    stats,
                ));
            }
        }
    }
    regex.push_str(r"\s*$");
    let histogram = cluster
        .histogram
        .iter()
        .enumerate()
        .map(|(i, c)| (window.start + width * i as i64, *c))
        .collect();
    let (tokens, stats): (Vec<Token>, Vec<TokenStats>) = tokens.into_iter().unzip();
    let mut pattern = Pattern {
        id: pattern_id(&text),
        pattern: text,
        regex,
        count: cluster.count,
        recent: cluster.recent,
        ratio: cluster.count as f64 / total as f64,
        severity: cluster.severity,
        samples: cluster.samples,
        tokens,
        histogram,
        first_seen: cluster.first_seen,
        findings: Vec::new(),
    };
    pattern.findings = anomaly::token_findings(&pattern, &stats);
    pattern
}

/// Two clusters with one pattern text: counts, histograms and samples add up.
fn merge_patterns(into: &mut Pattern, other: Pattern, total: u64) {
    into.count += other.count;
    into.recent += other.recent;
    into.ratio = into.count as f64 / total as f64;
    into.first_seen = into.first_seen.min(other.first_seen);
    for (slot, (_, c)) in into.histogram.iter_mut().zip(other.histogram) {
        slot.1 += c;
    }
    for sample in other.samples {
        if into.samples.len() < MAX_SAMPLES {
            into.samples.push(sample);
        }
    }
    for (token, theirs) in into.tokens.iter_mut().zip(other.tokens) {
        for (value, count) in theirs.enumerations {
            let kept = token.enumerations.len();
            match token.enumerations.iter_mut().find(|(v, _)| *v == value) {
                Some(slot) => slot.1 += count,
                None if kept < MAX_ENUMERATIONS => token.enumerations.push((value, count)),
                None => {}
            }
        }
        token
            .enumerations
            .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        token.numeric &= theirs.numeric;
        token.error_code = token.numeric && (token.error_code || theirs.error_code);
    }
    into.findings.extend(other.findings);
}

#[cfg(test)]
mod tests;
