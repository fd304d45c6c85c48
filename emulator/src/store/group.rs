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

/// A log group.
#[derive(Debug)]
pub struct LogGroup {
    name: String,
    arn: String,
    creation_time: i64,
    settings: Mutex<GroupSettings>,
    streams: RwLock<BTreeMap<String, Arc<LogStream>>>,
    stored_bytes: AtomicU64,
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
}

impl LogGroup {
    /// A new, empty group.
    pub fn new(name: String, arn: String, creation_time: i64, settings: GroupSettings) -> Self {
        Self {
            name,
            arn,
            creation_time,
            settings: Mutex::new(settings),
            streams: RwLock::new(BTreeMap::new()),
            stored_bytes: AtomicU64::new(0),
        }
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
        }
    }

    /// A copy of the current settings.
    pub fn settings(&self) -> GroupSettings {
        self.settings.lock().clone()
    }

    /// Changes the settings under the group's lock.
    pub fn update_settings<R>(&self, change: impl FnOnce(&mut GroupSettings) -> R) -> R {
        change(&mut self.settings.lock())
    }

    /// Records `bytes` more (or, negative, fewer) stored bytes.
    pub fn add_stored_bytes(&self, bytes: i64) {
        if bytes >= 0 {
            self.stored_bytes
                .fetch_add(bytes.unsigned_abs(), Ordering::Relaxed);
        } else {
            self.stored_bytes
                .fetch_sub(bytes.unsigned_abs(), Ordering::Relaxed);
        }
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
        let stream = Arc::new(LogStream::new(name.to_owned(), arn, now));
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
        self.add_stored_bytes(-i64::try_from(bytes).unwrap_or(i64::MAX));
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
