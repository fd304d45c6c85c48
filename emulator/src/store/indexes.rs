//! Field indexes (PutIndexPolicy & co), syslog configurations and the storage tier: a
//! group's index policy, the field indexes discovered in what it ingests, and the two
//! configuration-only settings of the newest model.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::account_policies::{AccountPolicy, Criteria, PolicyType};
use super::events::NewEvent;
use super::{LogGroup, Region};
use crate::transform::has_json_field;

/// How a field is indexed (model `IndexType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexType {
    /// `FIELD_INDEX`.
    FieldIndex,
    /// `FACET`.
    Facet,
}

impl IndexType {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FieldIndex => "FIELD_INDEX",
            Self::Facet => "FACET",
        }
    }
}

/// The fields CloudWatch Logs indexes in every Standard-class group (PutIndexPolicy's model
/// documentation): the ones an emulated event can carry.
pub const DEFAULT_INDEXED_FIELDS: [&str; 2] = ["@logStream", "traceId"];

/// A group's own index policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexPolicy {
    /// `policyDocument`, as given.
    pub document: String,
    /// The fields it indexes, in the document's order.
    pub fields: Vec<(String, IndexType)>,
    /// When it was last put.
    pub last_update_time: i64,
}

/// What a group knows of one indexed field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSeen {
    /// The first event time seen with the field.
    pub first_event_time: i64,
    /// The newest event time seen with the field.
    pub last_event_time: i64,
    /// When an ingest last looked for the field.
    pub last_scan_time: i64,
}

/// A field index as DescribeFieldIndexes lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldIndex {
    /// The group's ARN.
    pub log_group_arn: String,
    /// The field.
    pub name: String,
    /// What was seen.
    pub seen: FieldSeen,
    /// `FIELD_INDEX` or `FACET`.
    pub index_type: IndexType,
    /// `DEFAULT`, `CUSTOM` or `INACTIVE`.
    pub category: &'static str,
}

/// A group's indexing state.
#[derive(Debug, Default)]
pub struct Indexing {
    policy: Option<Arc<IndexPolicy>>,
    /// Every field ever indexed here, by name: what ingest saw.
    seen: BTreeMap<String, FieldSeen>,
}

/// A syslog configuration (PutSyslogConfiguration): stored and listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyslogConfiguration {
    /// `vpcEndpointId`, when given.
    pub vpc_endpoint_id: Option<String>,
    /// `createdAt`.
    pub created_at: i64,
}

/// The account's storage tier (PutStorageTierPolicy): stored and shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageTierPolicy {
    /// `STANDARD` or `INTELLIGENT_TIERING`.
    pub storage_tier: String,
    /// `lastUpdatedTime`.
    pub last_updated_time: i64,
}

/// Whether an account policy's selection criteria pick the group called `name`.
pub fn criteria_select(criteria: &Criteria, name: &str) -> bool {
    match criteria {
        Criteria::All => true,
        Criteria::Names { negated, values } => values.iter().any(|v| v == name) != *negated,
        Criteria::Prefixes { negated, values } => {
            values.iter().any(|v| name.starts_with(v.as_str())) != *negated
        }
        Criteria::DataSource { .. } => false,
    }
}

impl LogGroup {
    /// The group's own index policy.
    pub fn index_policy(&self) -> Option<Arc<IndexPolicy>> {
        self.indexing.lock().policy.clone()
    }

    /// Sets (or with `None` removes) the group's own index policy.
    pub fn set_index_policy(&self, policy: Option<IndexPolicy>) -> bool {
        let mut indexing = self.indexing.lock();
        let had = indexing.policy.is_some();
        indexing.policy = policy.map(Arc::new);
        had
    }

    /// The custom fields in force: the group's own policy, else `account`'s (the account
    /// FIELD_INDEX_POLICY that selects the group, if any).
    pub fn indexed_fields(
        &self,
        account: Option<&[(String, IndexType)]>,
    ) -> Vec<(String, IndexType)> {
        match self.index_policy() {
            Some(policy) => policy.fields.clone(),
            None => account.map(<[_]>::to_vec).unwrap_or_default(),
        }
    }

    /// What ingest saw of each indexed field, by name (a `--data-dir` snapshot keeps it).
    pub fn fields_seen(&self) -> Vec<(String, FieldSeen)> {
        let indexing = self.indexing.lock();
        indexing
            .seen
            .iter()
            .map(|(name, seen)| (name.clone(), *seen))
            .collect()
    }

    /// Puts back what a snapshot kept of the indexed fields ingest saw.
    pub fn restore_fields_seen(&self, fields: impl IntoIterator<Item = (String, FieldSeen)>) {
        self.indexing.lock().seen.extend(fields);
    }

    /// Records which indexed fields the stored `events` carry (ingest, for groups with an
    /// index policy of their own). `now` is the batch's ingestion time: the scan time is the
    /// put's, so a journal replay (whose clock is pinned to the put) restores it exactly.
    pub(super) fn scan_for_indexes(
        &self,
        events: &[NewEvent<'_>],
        custom: &[(String, IndexType)],
        now: i64,
    ) {
        let mut indexing = self.indexing.lock();
        let mut note = |field: &str, timestamp: i64| {
            let seen = indexing.seen.entry(field.to_owned()).or_insert(FieldSeen {
                first_event_time: timestamp,
                last_event_time: timestamp,
                last_scan_time: now,
            });
            seen.first_event_time = seen.first_event_time.min(timestamp);
            seen.last_event_time = seen.last_event_time.max(timestamp);
            seen.last_scan_time = now;
        };
        for event in events {
            if has_json_field(event.message, "traceId") {
                note("traceId", event.timestamp);
            }
            for (field, _) in custom {
                if has_json_field(event.message, field) {
                    note(field, event.timestamp);
                }
            }
        }
    }

    /// The group's field indexes: the default `@logStream` (every stored event has it),
    /// `traceId` and the fields of the policy in force (CUSTOM) as ingest saw them, and
    /// fields indexed before but no longer (INACTIVE). A field no event carried is not listed.
    pub fn field_indexes(&self, custom: &[(String, IndexType)]) -> Vec<FieldIndex> {
        let mut seen: BTreeMap<String, FieldSeen> = self.indexing.lock().seen.clone();
        let bounds = self
            .streams_with_prefix("")
            .iter()
            .map(|s| s.info())
            .filter_map(|i| {
                Some((
                    i.first_event_timestamp?,
                    i.last_event_timestamp?,
                    i.last_ingestion_time?,
                ))
            })
            .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1), a.2.max(b.2)));
        if let Some((first, last, scanned)) = bounds {
            seen.insert(
                "@logStream".to_owned(),
                FieldSeen {
                    first_event_time: first,
                    last_event_time: last,
                    last_scan_time: scanned,
                },
            );
        }
        seen.into_iter()
            .map(|(name, seen)| {
                let custom_type = custom.iter().find(|(f, _)| *f == name).map(|(_, t)| *t);
                let category = match custom_type {
                    Some(_) => "CUSTOM",
                    None if DEFAULT_INDEXED_FIELDS.contains(&name.as_str()) => "DEFAULT",
                    None => "INACTIVE",
                };
                FieldIndex {
                    log_group_arn: self.arn.clone(),
                    name,
                    seen,
                    index_type: custom_type.unwrap_or(IndexType::FieldIndex),
                    category,
                }
            })
            .collect()
    }

    /// The group's syslog configuration.
    pub fn syslog_configuration(&self) -> Option<SyslogConfiguration> {
        self.syslog.lock().clone()
    }

    /// Sets (or with `None` removes) the syslog configuration; gives back the old one.
    pub fn set_syslog_configuration(
        &self,
        config: Option<SyslogConfiguration>,
    ) -> Option<SyslogConfiguration> {
        std::mem::replace(&mut *self.syslog.lock(), config)
    }
}

impl Region {
    /// The account FIELD_INDEX_POLICY that selects the group `name`, if any.
    pub fn account_index_policy(&self, name: &str) -> Option<AccountPolicy> {
        self.account_policies()
            .all_of_type(PolicyType::FieldIndex)
            .into_iter()
            .find(|p| criteria_select(&p.criteria, name))
    }

    /// The account's storage tier policy.
    pub fn storage_tier(&self) -> Option<StorageTierPolicy> {
        self.storage_tier.lock().clone()
    }

    /// Sets the account's storage tier policy.
    pub fn set_storage_tier(&self, policy: StorageTierPolicy) {
        *self.storage_tier.lock() = Some(policy);
    }
}
