//! One log group: its settings, tags and streams.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};

use super::listing::{ListPage, Listing};
use super::masking::{DataProtectionPolicy, MaskHistory, Masks};
use super::policies::GroupResourcePolicy;
use super::resources::{Resource, ResourceTable};
use super::stream::{time_key, LogStream, StreamInfo, TimeIndex};
use super::subscriptions::SubscriptionFilter;
use super::Env;
use crate::error::{LogsError, LogsResult};
use crate::limits::{DAY_MILLIS, MAX_METRIC_FILTERS};

/// The log group classes AWS knows (model: `LogGroupClass`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogGroupClass {
    /// `STANDARD`, the default.
    #[default]
    Standard,
    /// `INFREQUENT_ACCESS`.
    InfrequentAccess,
    /// `DELIVERY`.
    Delivery,
    /// `ESSENTIALS` (added to the model by botocore 1.44.18).
    Essentials,
}

impl LogGroupClass {
    /// Every class, in the model's order.
    pub const ALL: [LogGroupClass; 4] = [
        Self::Standard,
        Self::InfrequentAccess,
        Self::Delivery,
        Self::Essentials,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "STANDARD",
            Self::InfrequentAccess => "INFREQUENT_ACCESS",
            Self::Delivery => "DELIVERY",
            Self::Essentials => "ESSENTIALS",
        }
    }

    /// Parses the wire name.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == value)
    }
}

/// The settings of a log group that can change after creation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupSettings {
    /// Retention in days, when a policy is set.
    pub retention_in_days: Option<i32>,
    /// The KMS key ARN given at creation or by AssociateKmsKey (nothing is encrypted).
    pub kms_key_id: Option<String>,
    /// The group's class.
    pub class: LogGroupClass,
    /// Whether DeleteLogGroup is refused.
    pub deletion_protection: bool,
    /// `bearerTokenAuthenticationEnabled` (PutBearerTokenAuthentication); stored and shown.
    pub bearer_token_authentication: bool,
    /// The group's tags.
    pub tags: BTreeMap<String, String>,
}

/// A metric filter: a validated pattern and what it would publish.
#[derive(Debug, Clone)]
pub struct MetricFilter {
    /// The filter's name.
    pub name: String,
    /// The filter pattern, as given.
    pub pattern: String,
    /// The pattern, compiled once when the filter is put (every put to the group uses it).
    pub compiled: crate::filter::FilterPattern,
    /// The (one) metric transformation.
    pub transformations: Vec<MetricTransformation>,
    /// Creation time, epoch milliseconds.
    pub creation_time: i64,
    /// `applyOnTransformedLogs`.
    pub apply_on_transformed_logs: bool,
    /// `fieldSelectionCriteria`, as given.
    pub field_selection_criteria: Option<String>,
    /// `emitSystemFieldDimensions`, as given.
    pub emit_system_field_dimensions: Option<Vec<String>>,
}

impl Resource for MetricFilter {
    const LISTING: &'static str = "DescribeMetricFilters";
    const LIMIT: usize = MAX_METRIC_FILTERS;

    fn key(&self) -> &str {
        &self.name
    }

    fn not_found() -> LogsError {
        LogsError::ResourceNotFound("The specified metric filter does not exist.".into())
    }
}

/// How a metric filter turns matches into a metric.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricTransformation {
    /// The metric's name.
    pub metric_name: String,
    /// The metric's namespace.
    pub metric_namespace: String,
    /// The value published per match (a number or a `$field` reference).
    pub metric_value: String,
    /// The value published when nothing matches.
    pub default_value: Option<f64>,
    /// Dimension name → `$field` reference.
    pub dimensions: BTreeMap<String, String>,
    /// The unit.
    pub unit: Option<String>,
}

/// How DescribeLogStreams orders its streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamOrder {
    /// `LogStreamName`, the default.
    Name,
    /// `LastEventTime`: by newest event time, then name.
    LastEventTime,
}

/// A DescribeLogStreams query.
#[derive(Debug, Clone, Copy)]
pub struct StreamQuery<'a> {
    /// Only streams whose names start with this (only with [`StreamOrder::Name`]).
    pub prefix: &'a str,
    /// The order.
    pub order: StreamOrder,
    /// Newest or last name first.
    pub descending: bool,
}

/// A log group.
#[derive(Debug)]
pub struct LogGroup {
    name: String,
    pub(super) arn: String,
    creation_time: i64,
    settings: Mutex<GroupSettings>,
    streams: RwLock<BTreeMap<String, Arc<LogStream>>>,
    /// The streams by newest event time, for DescribeLogStreams' `LastEventTime` order; each
    /// stream keeps its own entry current (see [`TimeIndex`]).
    by_event_time: Arc<TimeIndex>,
    stored_bytes: AtomicU64,
    metric_filters: ResourceTable<MetricFilter>,
    subscription_filters: ResourceTable<SubscriptionFilter>,
    /// The group's resource policy (PutResourcePolicy with `resourceArn`); see `policies.rs`.
    resource_policy: GroupResourcePolicy,
    /// The group's data protection policy (PutDataProtectionPolicy); see `masking.rs`.
    data_protection: Mutex<MaskHistory>,
    /// The account's data protection policy (PutAccountPolicy), shared by the region's groups.
    account_data_protection: Arc<Mutex<MaskHistory>>,
    fingerprint: u64,
    /// The group's transformer (PutTransformer); see `transformers.rs`.
    pub(super) transformer: RwLock<Option<Arc<super::transformers::GroupTransformer>>>,
    /// The account's transformer policies (PutAccountPolicy), shared by the region's groups.
    pub(super) account_transformers: Arc<super::transformers::AccountTransformers>,
    /// The group's index policy and the field indexes seen (see `indexes.rs`).
    pub(super) indexing: Mutex<super::indexes::Indexing>,
    /// The group's syslog configuration (PutSyslogConfiguration).
    pub(super) syslog: Mutex<Option<super::indexes::SyslogConfiguration>>,
    /// Streams ever created here: numbers each stream's incarnation.
    streams_created: AtomicU64,
    env: Arc<Env>,
}

/// A snapshot of a group's metadata, as DescribeLogGroups reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupInfo {
    /// The group's name.
    pub name: String,
    /// `arn:<partition>:logs:<region>:<account>:log-group:<name>` (no `:*`).
    pub arn: String,
    /// Creation time, epoch milliseconds.
    pub creation_time: i64,
    /// Current settings.
    pub settings: GroupSettings,
    /// Bytes stored across the group's streams.
    pub stored_bytes: u64,
    /// How many metric filters the group has.
    pub metric_filter_count: usize,
    /// Whether a data protection policy of the group's own is in force.
    pub data_protection: bool,
    /// Whether the account's data protection policy is in force.
    pub account_data_protection: bool,
}

impl LogGroup {
    /// A new, empty group. `incarnation` tells it apart from earlier groups of the same name,
    /// whose tokens it must refuse.
    pub fn new(
        name: String,
        arn: String,
        settings: GroupSettings,
        incarnation: u64,
        env: Arc<Env>,
        account_data_protection: Arc<Mutex<MaskHistory>>,
        account_transformers: Arc<super::transformers::AccountTransformers>,
    ) -> Self {
        Self {
            name,
            creation_time: env.now(),
            settings: Mutex::new(settings),
            streams: RwLock::new(BTreeMap::new()),
            by_event_time: Arc::default(),
            stored_bytes: AtomicU64::new(0),
            metric_filters: ResourceTable::default(),
            subscription_filters: ResourceTable::default(),
            resource_policy: GroupResourcePolicy::default(),
            data_protection: Mutex::new(MaskHistory::default()),
            account_data_protection,
            fingerprint: super::tokens::fingerprint(&[arn.as_bytes(), &incarnation.to_le_bytes()]),
            streams_created: AtomicU64::new(0),
            transformer: RwLock::new(None),
            account_transformers,
            indexing: Mutex::default(),
            syslog: Mutex::new(None),
            arn,
            env,
        }
    }

    /// The store's shared settings (clock, account, sequence-token mode).
    pub(super) fn env(&self) -> &Env {
        &self.env
    }

    /// A stable number identifying this group in tokens.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// The group's metric filters.
    pub fn metric_filters(&self) -> &ResourceTable<MetricFilter> {
        &self.metric_filters
    }

    /// The group's subscription filters.
    pub fn subscription_filters(&self) -> &ResourceTable<SubscriptionFilter> {
        &self.subscription_filters
    }

    /// The group's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The group's data protection policy, if it has one.
    pub fn data_protection_policy(&self) -> Option<Arc<DataProtectionPolicy>> {
        self.data_protection.lock().current()
    }

    /// Sets (or with `None` removes) the group's data protection policy `now`.
    pub fn set_data_protection_policy(&self, policy: Option<DataProtectionPolicy>, now: i64) {
        self.data_protection.lock().set(policy, now);
    }

    /// What a read hands out masked: nothing with `unmask`, else the terms of every data
    /// protection policy in force on the group. Every read path (`read.rs`, `search.rs`) asks
    /// here; deliveries and exports must too.
    pub fn masks(&self, unmask: bool) -> Masks {
        if unmask {
            return Masks::default();
        }
        let mut windows = Vec::new();
        self.data_protection.lock().windows(&mut windows);
        self.account_data_protection.lock().windows(&mut windows);
        Masks::new(windows)
    }

    /// The group's resource policy (PutResourcePolicy with `resourceArn`).
    pub fn resource_policy(&self) -> &GroupResourcePolicy {
        &self.resource_policy
    }

    /// The group's ARN, without the trailing `:*`.
    pub fn arn(&self) -> &str {
        &self.arn
    }

    /// The group's metadata now (after applying its retention, so `stored_bytes` is current).
    pub fn info(&self) -> GroupInfo {
        self.apply_retention_to_all();
        GroupInfo {
            name: self.name.clone(),
            arn: self.arn.clone(),
            creation_time: self.creation_time,
            settings: self.settings.lock().clone(),
            stored_bytes: self.stored_bytes.load(Ordering::Relaxed),
            metric_filter_count: self.metric_filters.len(),
            data_protection: self.data_protection.lock().current().is_some(),
            account_data_protection: self.account_data_protection.lock().current().is_some(),
        }
    }

    /// The retention in days, when a policy is set (read on every put and read, so it does
    /// not copy the tags the way [`LogGroup::settings`] does).
    pub fn retention_in_days(&self) -> Option<i32> {
        self.settings.lock().retention_in_days
    }

    /// Sets or removes the retention policy, and applies it at once.
    pub fn set_retention(&self, days: Option<i32>) {
        self.settings.lock().retention_in_days = days;
        self.apply_retention_to_all();
    }

    /// The time before which retention has expired events, when the group has a policy.
    /// The one place the cutoff is computed.
    pub(super) fn retention_cutoff(&self) -> Option<i64> {
        let days = self.retention_in_days()?;
        Some(self.env.now().saturating_sub(i64::from(days) * DAY_MILLIS))
    }

    /// Frees the events of `stream` that retention has expired, keeping the stored bytes in
    /// step, and returns the cutoff a read must not go below. AWS deletes expired events
    /// lazily (within 72 h) but stops returning them at once; so do we. Every read and write
    /// path of the store calls this (or [`Self::apply_retention_to_all`]) first, so no caller
    /// can forget it.
    pub(crate) fn apply_retention(&self, stream: &LogStream) -> Option<i64> {
        let cutoff = self.retention_cutoff()?;
        let freed = stream.expire_before(cutoff);
        if freed > 0 {
            self.remove_stored_bytes(freed);
        }
        Some(cutoff)
    }

    /// [`Self::apply_retention`] for every stream of the group.
    pub(super) fn apply_retention_to_all(&self) -> Option<i64> {
        let cutoff = self.retention_cutoff()?;
        for stream in self.streams.read().values() {
            let freed = stream.expire_before(cutoff);
            if freed > 0 {
                self.remove_stored_bytes(freed);
            }
        }
        Some(cutoff)
    }

    /// A copy of the current settings.
    pub fn settings(&self) -> GroupSettings {
        self.settings.lock().clone()
    }

    /// Changes the settings under the group's lock.
    pub fn update_settings<R>(&self, change: impl FnOnce(&mut GroupSettings) -> R) -> R {
        change(&mut self.settings.lock())
    }

    /// Records `bytes` more stored bytes.
    pub(super) fn add_stored_bytes(&self, bytes: usize) {
        self.stored_bytes.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    /// Records `bytes` fewer stored bytes (expired or deleted events).
    pub(super) fn remove_stored_bytes(&self, bytes: usize) {
        self.stored_bytes.fetch_sub(bytes as u64, Ordering::Relaxed);
    }

    /// Creates a stream, created now; ResourceAlreadyExists if the name is taken.
    pub fn create_stream(&self, name: &str) -> LogsResult<Arc<LogStream>> {
        let mut streams = self.streams.write();
        if streams.contains_key(name) {
            return Err(LogsError::ResourceAlreadyExists(
                "The specified log stream already exists".into(),
            ));
        }
        let arn = format!("{}:log-stream:{name}", self.arn);
        let incarnation = self.fingerprint ^ self.streams_created.fetch_add(1, Ordering::Relaxed);
        let stream = Arc::new(LogStream::indexed(
            name.to_owned(),
            arn,
            self.env.now(),
            incarnation,
            Arc::clone(&self.by_event_time),
        ));
        self.by_event_time
            .lock()
            .insert((time_key(None), name.to_owned()));
        streams.insert(name.to_owned(), Arc::clone(&stream));
        Ok(stream)
    }

    /// Every stream, in name order.
    pub fn all_streams(&self) -> Vec<Arc<LogStream>> {
        self.streams.read().values().cloned().collect()
    }

    /// Replaces the named stream's state with a snapshot's `image` (its events follow through
    /// [`Self::restore_stream_events`]).
    pub fn restore_stream_image(
        &self,
        name: &str,
        image: &super::stream::StreamImage,
    ) -> LogsResult<()> {
        let stream = self.stream(name)?;
        let freed = stream.restore_image(image);
        self.remove_stored_bytes(freed);
        Ok(())
    }

    /// Appends a snapshot's events to the named stream.
    pub fn restore_stream_events<'e>(
        &self,
        name: &str,
        events: impl Iterator<Item = super::events::EventView<'e>>,
    ) -> LogsResult<()> {
        let stream = self.stream(name)?;
        let added = stream.restore_events(events);
        self.add_stored_bytes(added);
        Ok(())
    }

    /// Puts back a snapshot's `@transformationError`s of the named stream's restored events.
    pub fn restore_stream_errors<'e>(
        &self,
        name: &str,
        errors: impl Iterator<Item = (super::events::EventKey, &'e str)>,
    ) -> LogsResult<()> {
        self.stream(name)?.restore_transformation_errors(errors);
        Ok(())
    }

    /// Deletes a stream and its events; ResourceNotFound if there is none.
    pub fn delete_stream(&self, name: &str) -> LogsResult<()> {
        let stream = {
            // Out of the index while the map is locked, so a stream created again under the
            // same name cannot lose its entry to this one's removal.
            let mut streams = self.streams.write();
            let stream = streams
                .remove(name)
                .ok_or_else(LogsError::log_stream_not_found)?;
            stream.detach();
            stream
        };
        let bytes = stream.info().message_bytes;
        self.remove_stored_bytes(bytes);
        Ok(())
    }

    /// The named stream, or ResourceNotFound.
    pub(crate) fn stream(&self, name: &str) -> LogsResult<Arc<LogStream>> {
        self.streams
            .read()
            .get(name)
            .cloned()
            .ok_or_else(LogsError::log_stream_not_found)
    }

    /// The streams' names, in name order.
    pub fn stream_names(&self) -> Vec<String> {
        self.streams.read().keys().cloned().collect()
    }

    /// The streams whose names start with `prefix`, in name order.
    pub(super) fn streams_with_prefix(&self, prefix: &str) -> Vec<Arc<LogStream>> {
        self.streams
            .read()
            .range::<str, _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .take_while(|(name, _)| name.starts_with(prefix))
            .map(|(_, stream)| Arc::clone(stream))
            .collect()
    }

    /// One DescribeLogStreams page. Retention is applied to the streams it expired entirely
    /// (their order changes) and to the page's streams (their metadata), so a page costs
    /// O(page + streams expired), not O(streams).
    pub fn describe_streams(
        &self,
        query: &StreamQuery<'_>,
        token: Option<&str>,
        limit: usize,
    ) -> ListPage<StreamInfo> {
        self.expire_streams_past_retention();
        let page = match query.order {
            StreamOrder::Name => {
                let streams = self.streams.read();
                Listing::new("DescribeLogStreams/name", self.fingerprint).page_of_names(
                    &streams,
                    query.prefix,
                    token,
                    limit,
                    query.descending,
                    |_, stream| Some(Arc::clone(stream)),
                )
            }
            StreamOrder::LastEventTime => Listing::new("DescribeLogStreams/time", self.fingerprint)
                .page(token, limit, |after: Option<&(i64, String)>| {
                    self.streams_by_event_time(after.cloned(), query.descending)
                }),
        };
        // Metadata is read after the map's lock is released.
        page.map(|stream| {
            self.apply_retention(&stream);
            stream.info()
        })
    }

    /// Applies retention to every stream whose newest event is past it (found through the
    /// time index): they lose all their events and move to the front of the time order.
    fn expire_streams_past_retention(&self) {
        let Some(cutoff) = self.retention_cutoff() else {
            return;
        };
        let expired: Vec<String> = self
            .by_event_time
            .lock()
            .range((time_key(None) + 1, String::new())..(cutoff, String::new()))
            .map(|(_, name)| name.clone())
            .collect();
        for name in expired {
            if let Ok(stream) = self.stream(&name) {
                self.apply_retention(&stream);
            }
        }
    }

    /// Streams ordered by their newest event time (streams without events first), ties by
    /// name, after `after` in that order: read from the time index a chunk at a time, so a
    /// page costs O(page log streams).
    fn streams_by_event_time(
        &self,
        after: Option<(i64, String)>,
        descending: bool,
    ) -> impl Iterator<Item = ((i64, String), Arc<LogStream>)> + '_ {
        use std::ops::Bound::{Excluded, Unbounded};
        const CHUNK: usize = 64;
        let mut cursor = after;
        let mut chunk: std::collections::VecDeque<(i64, String)> = Default::default();
        let mut exhausted = false;
        std::iter::from_fn(move || loop {
            if let Some(key) = chunk.pop_front() {
                // A stream deleted since its key was read is skipped.
                if let Ok(stream) = self.stream(&key.1) {
                    return Some((key, stream));
                }
                continue;
            }
            if exhausted {
                return None;
            }
            {
                let index = self.by_event_time.lock();
                let keys: Box<dyn Iterator<Item = &(i64, String)>> = match (&cursor, descending) {
                    (None, false) => Box::new(index.iter()),
                    (None, true) => Box::new(index.iter().rev()),
                    (Some(c), false) => Box::new(index.range((Excluded(c), Unbounded))),
                    (Some(c), true) => Box::new(index.range((Unbounded, Excluded(c))).rev()),
                };
                chunk.extend(keys.take(CHUNK).cloned());
            }
            exhausted = chunk.len() < CHUNK;
            cursor = chunk.back().cloned();
            if chunk.is_empty() {
                return None;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, ManualClock};
    use crate::config::SequenceTokenMode;
    use crate::store::events::NewEvent;
    use crate::store::Store;
    use proptest::prelude::*;

    const NOW: i64 = 1_800_000_000_000;

    fn group() -> (Arc<ManualClock>, Arc<LogGroup>) {
        let clock = Arc::new(ManualClock::new(NOW));
        let store = Store::new(
            "1".into(),
            clock.clone(),
            SequenceTokenMode::Ignore,
            crate::config::DEFAULT_OUTBOX_SIZE,
        );
        let group = store
            .region("r")
            .create_group("g", GroupSettings::default())
            .unwrap();
        (clock, group)
    }

    fn put(group: &LogGroup, stream: &str, timestamp: i64) {
        let event = NewEvent {
            timestamp,
            message: "m",
        };
        group.preload_events(stream, &[event]).unwrap();
    }

    /// Every stream, paged through in LastEventTime order, 3 a page.
    fn by_time(group: &LogGroup, descending: bool) -> Vec<String> {
        let query = StreamQuery {
            prefix: "",
            order: StreamOrder::LastEventTime,
            descending,
        };
        let mut names = Vec::new();
        let mut token = None;
        loop {
            let page = group.describe_streams(&query, token.as_deref(), 3);
            names.extend(page.items.into_iter().map(|s| s.name));
            match page.next_token {
                Some(next) => token = Some(next),
                None => return names,
            }
        }
    }

    /// The order computed from scratch: newest event time (none first), then name.
    fn model(group: &LogGroup, descending: bool) -> Vec<String> {
        let mut keyed: Vec<(i64, String)> = group
            .stream_names()
            .into_iter()
            .map(|name| {
                let stream = group.stream(&name).unwrap();
                group.apply_retention(&stream);
                (time_key(stream.info().last_event_timestamp), name)
            })
            .collect();
        keyed.sort();
        if descending {
            keyed.reverse();
        }
        keyed.into_iter().map(|(_, name)| name).collect()
    }

    #[derive(Debug, Clone)]
    enum Step {
        Create(u8),
        Put(u8, i64),
        Delete(u8),
        Retention(Option<i32>),
        Advance(i64),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            (0..8u8).prop_map(Step::Create),
            (0..8u8, -3 * DAY_MILLIS..0).prop_map(|(s, t)| Step::Put(s, t)),
            (0..8u8).prop_map(Step::Delete),
            prop::option::of(prop::sample::select(vec![1, 3])).prop_map(Step::Retention),
            (0..2 * DAY_MILLIS).prop_map(Step::Advance),
        ]
    }

    proptest! {
        /// The time index agrees with the order computed from scratch, whatever puts,
        /// deletions, re-creations and retention expiry came before.
        #[test]
        fn the_last_event_time_index_stays_correct(steps in prop::collection::vec(step(), 1..60)) {
            let (clock, group) = group();
            for step in steps {
                match step {
                    Step::Create(s) => { let _ = group.create_stream(&format!("s{s}")); }
                    Step::Put(s, t) => {
                        if group.stream(&format!("s{s}")).is_ok() {
                            put(&group, &format!("s{s}"), clock.now_millis() + t);
                        }
                    }
                    Step::Delete(s) => { let _ = group.delete_stream(&format!("s{s}")); }
                    Step::Retention(days) => group.set_retention(days),
                    Step::Advance(ms) => clock.advance(ms),
                }
                for descending in [false, true] {
                    let listed = by_time(&group, descending);
                    prop_assert_eq!(listed, model(&group, descending));
                }
            }
        }
    }

    #[test]
    fn a_last_event_time_page_touches_only_its_own_streams() {
        let (_, group) = group();
        for n in 0..1000 {
            let name = format!("s{n:04}");
            group.create_stream(&name).unwrap();
            put(&group, &name, NOW - 1_000_000 + n);
        }
        // A writer holds the stream that sorts last; the first page (the oldest) must not
        // wait for it, as it would if a page read every stream.
        let last = group.stream("s0999").unwrap();
        let held = last.lock_for_test();
        let (done, finished) = std::sync::mpsc::channel();
        let reader = Arc::clone(&group);
        std::thread::spawn(move || {
            let query = StreamQuery {
                prefix: "",
                order: StreamOrder::LastEventTime,
                descending: false,
            };
            let page = reader.describe_streams(&query, None, 50);
            let _ = done.send(page.items.len());
        });
        let answer = finished.recv_timeout(std::time::Duration::from_secs(10));
        drop(held);
        assert_eq!(
            answer,
            Ok(50),
            "the page waited for a stream it does not list"
        );
    }
}
