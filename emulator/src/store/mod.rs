//! The domain store: regions, log groups, log streams and their events. No HTTP and no JSON
//! here: handlers in `ops` validate input into plain values, call these methods, and encode
//! what comes back.
//!
//! Shape: [`Store`] → [`Region`] (one per AWS region, as state is partitioned on AWS) →
//! [`LogGroup`] → [`LogStream`] → [`events::EventLog`]. Maps are `BTreeMap`s, so names come out
//! in the byte (ASCII) order AWS sorts by. Each level has its own lock and hands out `Arc`s, so a
//! put holds only its stream's lock while it appends.

pub mod events;
pub mod group;
pub mod stream;
pub mod tokens;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::RwLock;

pub use group::{
    GroupInfo, GroupSettings, LogGroup, LogGroupClass, MetricFilter, MetricTransformation,
};
pub use stream::{LogStream, StreamInfo};

use crate::clock::SharedClock;
use crate::config::SequenceTokenMode;
use crate::error::{LogsError, LogsResult};

/// All emulator state.
#[derive(Debug)]
pub struct Store {
    account_id: String,
    clock: SharedClock,
    sequence_tokens: SequenceTokenMode,
    regions: RwLock<HashMap<String, Arc<Region>>>,
}

impl Store {
    /// An empty store for `account_id`, reading time from `clock`.
    pub fn new(account_id: String, clock: SharedClock, sequence_tokens: SequenceTokenMode) -> Self {
        Self {
            account_id,
            clock,
            sequence_tokens,
            regions: RwLock::new(HashMap::new()),
        }
    }

    /// The account id that ARNs carry.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// Now, from the injected clock, in epoch milliseconds.
    pub fn now(&self) -> i64 {
        self.clock.now_millis()
    }

    /// How PutLogEvents treats sequence tokens.
    pub fn sequence_tokens(&self) -> SequenceTokenMode {
        self.sequence_tokens
    }

    /// The state of `region`, created empty on first use.
    pub fn region(&self, region: &str) -> Arc<Region> {
        if let Some(found) = self.regions.read().get(region) {
            return Arc::clone(found);
        }
        let mut regions = self.regions.write();
        Arc::clone(regions.entry(region.to_owned()).or_insert_with(|| {
            Arc::new(Region {
                name: region.to_owned(),
                account_id: self.account_id.clone(),
                groups: RwLock::new(BTreeMap::new()),
                groups_created: AtomicU64::new(0),
            })
        }))
    }

    /// Wipes every region.
    pub fn reset(&self) {
        self.regions.write().clear();
    }
}

/// One region's log groups.
#[derive(Debug)]
pub struct Region {
    name: String,
    account_id: String,
    groups: RwLock<BTreeMap<String, Arc<LogGroup>>>,
    /// Groups ever created here: numbers each group's incarnation.
    groups_created: AtomicU64,
}

impl Region {
    /// The region's name, e.g. `us-east-1`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A stable number identifying this region's listings in tokens.
    pub fn fingerprint(&self) -> u64 {
        tokens::fingerprint(&[self.account_id.as_bytes(), self.name.as_bytes()])
    }

    /// The ARN of a log group in this region, without the trailing `:*`.
    pub fn group_arn(&self, group: &str) -> String {
        format!(
            "arn:aws:logs:{}:{}:log-group:{group}",
            self.name, self.account_id
        )
    }

    /// Creates a group; ResourceAlreadyExists if the name is taken.
    pub fn create_group(
        &self,
        name: &str,
        now: i64,
        settings: GroupSettings,
    ) -> LogsResult<Arc<LogGroup>> {
        let mut groups = self.groups.write();
        if groups.contains_key(name) {
            return Err(LogsError::ResourceAlreadyExists(
                "The specified log group already exists".into(),
            ));
        }
        let group = Arc::new(LogGroup::new(
            name.to_owned(),
            self.group_arn(name),
            now,
            settings,
            self.groups_created.fetch_add(1, Ordering::Relaxed),
        ));
        groups.insert(name.to_owned(), Arc::clone(&group));
        Ok(group)
    }

    /// Deletes a group with its streams and events.
    pub fn delete_group(&self, name: &str) -> LogsResult<()> {
        let mut groups = self.groups.write();
        let group = groups
            .get(name)
            .ok_or_else(LogsError::log_group_not_found)?;
        if group.settings().deletion_protection {
            return Err(LogsError::Validation(
                "Cannot delete log group with deletion protection enabled. Disable deletion protection first.".into(),
            ));
        }
        groups.remove(name);
        Ok(())
    }

    /// The named group, or ResourceNotFound.
    pub fn group(&self, name: &str) -> LogsResult<Arc<LogGroup>> {
        self.groups
            .read()
            .get(name)
            .cloned()
            .ok_or_else(LogsError::log_group_not_found)
    }

    /// Groups in name order after `after` (from the start when `None`) that `keep` accepts, at
    /// most `limit` of them.
    pub fn groups_after(
        &self,
        after: Option<&str>,
        limit: usize,
        mut keep: impl FnMut(&LogGroup) -> bool,
    ) -> Vec<Arc<LogGroup>> {
        use std::ops::Bound::{Excluded, Unbounded};
        let lower = after.map_or(Unbounded, |a| Excluded(a.to_owned()));
        self.groups
            .read()
            .range::<String, _>((lower, Unbounded))
            .filter(|(_, g)| keep(g))
            .take(limit)
            .map(|(_, g)| Arc::clone(g))
            .collect()
    }
}

impl Store {
    /// A store with `config`'s account, clock and sequence-token mode, holding `config`'s
    /// fixtures if it names any.
    pub fn from_config(config: &crate::config::Config) -> std::io::Result<Self> {
        let store = Self::new(
            config.account_id.clone(),
            std::sync::Arc::clone(&config.clock),
            config.sequence_tokens,
        );
        if let Some(path) = &config.fixtures {
            let events = crate::fixtures::load(path, &store, &config.default_region)
                .map_err(std::io::Error::other)?;
            tracing::info!(path = %path.display(), events, "fixtures loaded");
        }
        Ok(store)
    }
}
