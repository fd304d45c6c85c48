//! One log group: its settings, tags and streams.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};

use super::listing::{ListPage, Listing};
use super::masking::{DataProtectionPolicy, MaskHistory, Masks};
use super::policies::GroupResourcePolicy;
use super::resources::{Resource, ResourceTable};
use super::stream::{LogStream, StreamInfo};
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
#[derive(Debug, Clone, PartialEq)]
pub struct MetricFilter {
    /// The filter's name.
    pub name: String,
    /// The filter pattern, as given.
    pub pattern: String,
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

    fn name(&self) -> &str {
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
    arn: String,
    creation_time: i64,
    settings: Mutex<GroupSettings>,
    streams: RwLock<BTreeMap<String, Arc<LogStream>>>,
    stored_bytes: AtomicU64,
    metric_filters: ResourceTable<MetricFilter>,
    /// The group's resource policy (PutResourcePolicy with `resourceArn`); see `policies.rs`.
    resource_policy: GroupResourcePolicy,
    /// The group's data protection policy (PutDataProtectionPolicy); see `masking.rs`.
    data_protection: Mutex<MaskHistory>,
    /// The account's data protection policy (PutAccountPolicy), shared by the region's groups.
    account_data_protection: Arc<Mutex<MaskHistory>>,
    fingerprint: u64,
    /// Streams ever created here: numbers each stream's incarnation.
    streams_created: AtomicU64,
    env: Arc<Env>,
}

/// A snapshot of a group's metadata, as DescribeLogGroups reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupInfo {
    /// The group's name.
    pub name: String,
    /// `arn:aws:logs:<region>:<account>:log-group:<name>` (no `:*`).
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
    ) -> Self {
        Self {
            name,
            creation_time: env.now(),
            settings: Mutex::new(settings),
            streams: RwLock::new(BTreeMap::new()),
            stored_bytes: AtomicU64::new(0),
            metric_filters: ResourceTable::default(),
            resource_policy: GroupResourcePolicy::default(),
            data_protection: Mutex::new(MaskHistory::default()),
            account_data_protection,
            fingerprint: super::tokens::fingerprint(&[arn.as_bytes(), &incarnation.to_le_bytes()]),
            streams_created: AtomicU64::new(0),
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
        let stream = Arc::new(LogStream::new(
            name.to_owned(),
            arn,
            self.env.now(),
            incarnation,
        ));
        streams.insert(name.to_owned(), Arc::clone(&stream));
        Ok(stream)
    }

    /// Deletes a stream and its events; ResourceNotFound if there is none.
    pub fn delete_stream(&self, name: &str) -> LogsResult<()> {
        let stream = self
            .streams
            .write()
            .remove(name)
            .ok_or_else(LogsError::log_stream_not_found)?;
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

    /// One DescribeLogStreams page (after applying the group's retention, so event times are
    /// current).
    pub fn describe_streams(
        &self,
        query: &StreamQuery<'_>,
        token: Option<&str>,
        limit: usize,
    ) -> ListPage<StreamInfo> {
        self.apply_retention_to_all();
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
                    self.streams_by_event_time(after, query.descending)
                }),
        };
        // Metadata is read after the map's lock is released.
        page.map(|stream| stream.info())
    }

    /// Streams ordered by their newest event time (streams without events first), ties by
    /// name, after `after` in that order. O(streams) per page.
    fn streams_by_event_time(
        &self,
        after: Option<&(i64, String)>,
        descending: bool,
    ) -> impl Iterator<Item = ((i64, String), Arc<LogStream>)> {
        let mut keyed: Vec<((i64, String), Arc<LogStream>)> = self
            .streams
            .read()
            .iter()
            .map(|(name, s)| {
                let time = s.last_event_timestamp().unwrap_or(0);
                ((time, name.clone()), Arc::clone(s))
            })
            .collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        if descending {
            keyed.reverse();
        }
        let start = after.map_or(0, |after| {
            keyed.partition_point(|(key, _)| {
                if descending {
                    key >= after
                } else {
                    key <= after
                }
            })
        });
        keyed.into_iter().skip(start)
    }
}
