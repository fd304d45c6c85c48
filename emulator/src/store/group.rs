//! One log group: its settings, tags and streams.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};

use super::stream::LogStream;
use crate::error::{LogsError, LogsResult};

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
}

impl LogGroupClass {
    /// Every class, in the model's order.
    pub const ALL: [LogGroupClass; 3] = [Self::Standard, Self::InfrequentAccess, Self::Delivery];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "STANDARD",
            Self::InfrequentAccess => "INFREQUENT_ACCESS",
            Self::Delivery => "DELIVERY",
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
    /// The KMS key ARN given at creation.
    pub kms_key_id: Option<String>,
    /// The group's class.
    pub class: LogGroupClass,
    /// Whether DeleteLogGroup is refused.
    pub deletion_protection: bool,
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

/// Most metric filters on one log group (model doc of PutMetricFilter).
pub const MAX_METRIC_FILTERS: usize = 100;

/// A log group.
#[derive(Debug)]
pub struct LogGroup {
    name: String,
    arn: String,
    creation_time: i64,
    settings: Mutex<GroupSettings>,
    streams: RwLock<BTreeMap<String, Arc<LogStream>>>,
    stored_bytes: AtomicU64,
    metric_filters: Mutex<BTreeMap<String, MetricFilter>>,
    fingerprint: u64,
    /// Streams ever created here: numbers each stream's incarnation.
    streams_created: AtomicU64,
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
}

impl LogGroup {
    /// A new, empty group. `incarnation` tells it apart from earlier groups of the same name,
    /// whose tokens it must refuse.
    pub fn new(
        name: String,
        arn: String,
        creation_time: i64,
        settings: GroupSettings,
        incarnation: u64,
    ) -> Self {
        Self {
            name,
            creation_time,
            settings: Mutex::new(settings),
            streams: RwLock::new(BTreeMap::new()),
            stored_bytes: AtomicU64::new(0),
            metric_filters: Mutex::new(BTreeMap::new()),
            fingerprint: super::tokens::fingerprint(&[arn.as_bytes(), &incarnation.to_le_bytes()]),
            streams_created: AtomicU64::new(0),
            arn,
        }
    }

    /// A stable number identifying this group in tokens.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Creates or replaces a metric filter; LimitExceeded past [`MAX_METRIC_FILTERS`].
    pub fn put_metric_filter(&self, filter: MetricFilter) -> LogsResult<()> {
        let mut filters = self.metric_filters.lock();
        if !filters.contains_key(&filter.name) && filters.len() >= MAX_METRIC_FILTERS {
            return Err(LogsError::LimitExceeded("Resource limit exceeded.".into()));
        }
        filters.insert(filter.name.clone(), filter);
        Ok(())
    }

    /// Deletes a metric filter; ResourceNotFound if there is none of that name.
    pub fn delete_metric_filter(&self, name: &str) -> LogsResult<()> {
        self.metric_filters
            .lock()
            .remove(name)
            .map(|_| ())
            .ok_or_else(|| {
                LogsError::ResourceNotFound("The specified metric filter does not exist.".into())
            })
    }

    /// The metric filters, in name order.
    pub fn metric_filters(&self) -> Vec<MetricFilter> {
        self.metric_filters.lock().values().cloned().collect()
    }

    /// The group's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The group's ARN without the trailing `:*`.
    pub fn arn(&self) -> &str {
        &self.arn
    }

    /// The group's metadata now.
    pub fn info(&self) -> GroupInfo {
        GroupInfo {
            name: self.name.clone(),
            arn: self.arn.clone(),
            creation_time: self.creation_time,
            settings: self.settings.lock().clone(),
            stored_bytes: self.stored_bytes.load(Ordering::Relaxed),
            metric_filter_count: self.metric_filters.lock().len(),
        }
    }

    /// The retention in days, when a policy is set (read on every put and read, so it does
    /// not copy the tags the way [`LogGroup::settings`] does).
    pub fn retention_in_days(&self) -> Option<i32> {
        self.settings.lock().retention_in_days
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
    pub fn add_stored_bytes(&self, bytes: usize) {
        self.stored_bytes.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    /// Records `bytes` fewer stored bytes (expired or deleted events).
    pub fn remove_stored_bytes(&self, bytes: usize) {
        self.stored_bytes.fetch_sub(bytes as u64, Ordering::Relaxed);
    }

    /// Creates a stream; ResourceAlreadyExists if the name is taken.
    pub fn create_stream(&self, name: &str, now: i64) -> LogsResult<Arc<LogStream>> {
        let mut streams = self.streams.write();
        if streams.contains_key(name) {
            return Err(LogsError::ResourceAlreadyExists(
                "The specified log stream already exists".into(),
            ));
        }
        let arn = format!("{}:log-stream:{name}", self.arn);
        let incarnation = self.fingerprint ^ self.streams_created.fetch_add(1, Ordering::Relaxed);
        let stream = Arc::new(LogStream::new(name.to_owned(), arn, now, incarnation));
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
    pub fn stream(&self, name: &str) -> LogsResult<Arc<LogStream>> {
        self.streams
            .read()
            .get(name)
            .cloned()
            .ok_or_else(LogsError::log_stream_not_found)
    }

    /// Streams whose names sort after `after` (all when `None`) and start with `prefix`, in
    /// name order, at most `limit` of them.
    pub fn streams_by_name(
        &self,
        prefix: &str,
        after: Option<&str>,
        descending: bool,
        limit: usize,
    ) -> Vec<Arc<LogStream>> {
        use std::ops::Bound::{Excluded, Included, Unbounded};
        let streams = self.streams.read();
        let matching = |(name, _): &(&String, &Arc<LogStream>)| name.starts_with(prefix);
        if descending {
            let upper = after.map_or(Unbounded, |a| Excluded(a.to_owned()));
            streams
                .range::<String, _>((Unbounded, upper))
                .rev()
                .take_while(|(name, _)| name.as_str() >= prefix)
                .filter(matching)
                .take(limit)
                .map(|(_, s)| Arc::clone(s))
                .collect()
        } else {
            let lower = match after {
                Some(a) if a >= prefix => Excluded(a.to_owned()),
                _ => Included(prefix.to_owned()),
            };
            streams
                .range::<String, _>((lower, Unbounded))
                .take_while(|(name, _)| name.starts_with(prefix))
                .take(limit)
                .map(|(_, s)| Arc::clone(s))
                .collect()
        }
    }

    /// Every stream, in name order.
    pub fn all_streams(&self) -> Vec<Arc<LogStream>> {
        self.streams.read().values().cloned().collect()
    }
}
