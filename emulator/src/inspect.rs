//! A read-only view of the emulator's state, for assertions in tests
//! ([`crate::Emulator::store`]). It copies out what it shows, applies retention as every read
//! does, and never creates state: asking about a region nobody used answers empty.
//! State is written only through the API (or fixtures), as a client would write it.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::store::events::EventKey;
use crate::store::{LogGroup, Store};

/// What the emulator holds about one log group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogGroupSnapshot {
    /// The group's name.
    pub name: String,
    /// Its ARN, without the trailing `:*`.
    pub arn: String,
    /// Creation time, epoch milliseconds.
    pub creation_time: i64,
    /// Retention in days, when a policy is set.
    pub retention_in_days: Option<i32>,
    /// The log group class (`STANDARD`, ...).
    pub log_group_class: String,
    /// The KMS key given at creation or by AssociateKmsKey.
    pub kms_key_id: Option<String>,
    /// Whether DeleteLogGroup is refused.
    pub deletion_protection_enabled: bool,
    /// The group's tags.
    pub tags: BTreeMap<String, String>,
    /// UTF-8 message bytes stored across its streams.
    pub stored_bytes: u64,
    /// Its streams' names, in name order.
    pub log_stream_names: Vec<String>,
    /// Its metric filters' names, in name order.
    pub metric_filter_names: Vec<String>,
}

/// One stored event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    /// Event time, epoch milliseconds.
    pub timestamp: i64,
    /// When it was ingested, epoch milliseconds.
    pub ingestion_time: i64,
    /// The message.
    pub message: String,
}

/// A read-only view of the store; see the module docs.
#[derive(Debug, Clone, Copy)]
pub struct StoreView<'a> {
    store: &'a Store,
}

impl<'a> StoreView<'a> {
    pub(crate) fn new(store: &'a Store) -> Self {
        Self { store }
    }

    /// The regions that hold state, in name order.
    pub fn regions(&self) -> Vec<String> {
        self.store.region_names()
    }

    /// Every log group of `region`, in name order.
    pub fn log_groups(&self, region: &str) -> Vec<LogGroupSnapshot> {
        self.store
            .existing_region(region)
            .map(|r| r.all_groups().iter().map(|g| snapshot(g)).collect())
            .unwrap_or_default()
    }

    /// The named log group of `region`, if it exists.
    pub fn log_group(&self, region: &str, name: &str) -> Option<LogGroupSnapshot> {
        self.group(region, name).map(|g| snapshot(&g))
    }

    /// The events of a stream in stream order (timestamp, then arrival), if the stream exists.
    pub fn events(&self, region: &str, group: &str, stream: &str) -> Option<Vec<StoredEvent>> {
        self.group(region, group)?
            .stream_events(stream, |event| StoredEvent {
                timestamp: event.key.timestamp,
                ingestion_time: event.ingestion_time,
                message: event.message.to_owned(),
            })
    }

    /// The row of the lookup table `table` of `region` whose column `key` equals `value`, as
    /// (column, value) pairs in column order: what Logs Insights' `lookup` finds. `None` when
    /// the table, the column or a matching row does not exist.
    pub fn lookup(
        &self,
        region: &str,
        table: &str,
        key: &str,
        value: &str,
    ) -> Option<Vec<(String, String)>> {
        let table = self.store.existing_region(region)?.lookup_table(table)?;
        let row = table.find(table.column(key)?, value)?;
        Some(
            table
                .fields
                .iter()
                .cloned()
                .zip(row.iter().cloned())
                .collect(),
        )
    }

    fn group(&self, region: &str, name: &str) -> Option<Arc<LogGroup>> {
        self.store.existing_region(region)?.group(name).ok()
    }
}

fn snapshot(group: &LogGroup) -> LogGroupSnapshot {
    let info = group.info();
    LogGroupSnapshot {
        name: info.name,
        arn: info.arn,
        creation_time: info.creation_time,
        retention_in_days: info.settings.retention_in_days,
        log_group_class: info.settings.class.as_str().to_owned(),
        kms_key_id: info.settings.kms_key_id,
        deletion_protection_enabled: info.settings.deletion_protection,
        tags: info.settings.tags,
        stored_bytes: info.stored_bytes,
        log_stream_names: group.stream_names(),
        metric_filter_names: group
            .metric_filters()
            .all()
            .into_iter()
            .map(|f| f.name)
            .collect(),
    }
}

impl LogGroup {
    /// Every event of the named stream (after retention), mapped by `copy`; `None` when the
    /// stream does not exist.
    fn stream_events<T>(
        &self,
        stream: &str,
        mut copy: impl FnMut(crate::store::events::EventView<'_>) -> T,
    ) -> Option<Vec<T>> {
        let stream = self.stream(stream).ok()?;
        self.apply_retention(&stream);
        Some(stream.with_events(|log| log.iter_from(EventKey::MIN).map(&mut copy).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::events::NewEvent;
    use crate::store::GroupSettings;
    use crate::{ManualClock, SequenceTokenMode};

    #[test]
    fn the_view_shows_what_was_written_and_creates_nothing() {
        let clock = ManualClock::new(1_000_000);
        let store = Store::new(
            "1".into(),
            Arc::new(clock),
            SequenceTokenMode::Ignore,
            crate::config::DEFAULT_OUTBOX_SIZE,
        );
        let view = StoreView::new(&store);
        assert!(view.log_groups("eu-west-1").is_empty());
        assert!(view.regions().is_empty(), "a read creates no region");
        let group = store
            .region("us-east-1")
            .create_group("g", GroupSettings::default())
            .unwrap();
        group.create_stream("s").unwrap();
        let events = [NewEvent {
            timestamp: 999_000,
            message: "hello",
        }];
        group.put_events("s", &events, None, |_| {}).unwrap();
        assert_eq!(view.regions(), ["us-east-1"]);
        let snapshot = view.log_group("us-east-1", "g").unwrap();
        assert_eq!(snapshot.log_stream_names, ["s"]);
        assert_eq!(snapshot.stored_bytes, 5);
        assert_eq!(snapshot.log_group_class, "STANDARD");
        assert_eq!(
            view.events("us-east-1", "g", "s").unwrap(),
            [StoredEvent {
                timestamp: 999_000,
                ingestion_time: 1_000_000,
                message: "hello".into()
            }]
        );
        assert_eq!(view.events("us-east-1", "g", "nope"), None);
    }
}
