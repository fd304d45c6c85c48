//! The domain store: regions, log groups, log streams and their events. No HTTP and no JSON
//! here: handlers in `ops` validate input into plain values, call these methods, and encode
//! what comes back.
//!
//! Shape: [`Store`] → [`Region`] (one per AWS region, as state is partitioned on AWS) →
//! [`LogGroup`] → [`LogStream`] → [`events::EventLog`]. Maps are `BTreeMap`s, so names come out
//! in the byte (ASCII) order AWS sorts by. Each level has its own lock and hands out `Arc`s, so a
//! put holds only its stream's lock while it appends.

pub mod account_policies;
pub mod anomaly_detectors;
pub mod data_sources;
pub mod deliveries;
pub mod events;
pub mod export;
pub mod group;
pub mod ids;
pub mod imports;
pub mod indexes;
pub mod ingest;
pub mod integrations;
pub mod listing;
pub mod live_tail;
pub mod lookup_tables;
pub mod masking;
pub mod metrics;
pub mod policies;
pub mod queries;
pub mod read;
pub mod resources;
pub mod scheduled_queries;
pub mod search;
pub mod stream;
pub mod subscriptions;
pub mod system_fields;
pub mod tokens;
pub mod transformers;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};

pub use group::{
    GroupInfo, GroupSettings, LogGroup, LogGroupClass, MetricFilter, MetricTransformation,
};
pub use policies::ResourcePolicy;
pub use stream::StreamInfo;
pub use subscriptions::{Destination, Distribution, SubscriptionFilter, TargetArn, Vendor};

use listing::{ListPage, Listing};
use resources::ResourceTable;

use crate::clock::{PinnableClock, SharedClock};
use crate::config::SequenceTokenMode;
use crate::delivery::Outbox;
use crate::error::{LogsError, LogsResult};
use crate::metrics::Metrics;

/// What every level of the store reads: the account, the one clock, the sequence-token mode.
/// Shared by `Arc`, so a group applies its retention and a put its token rules without the
/// caller passing them in.
#[derive(Debug)]
pub struct Env {
    /// The account id that ARNs carry.
    pub account_id: String,
    /// The source of "now": the configured clock, which a journaled write pins (see
    /// [`Env::pinnable`]).
    pub clock: SharedClock,
    /// The same clock, for pinning.
    pub(crate) pinnable: Arc<PinnableClock>,
    /// Where generated ids come from.
    pub ids: ids::IdSource,
    /// Set while the journal is replayed at startup (`--data-dir`): background work runs
    /// inline then, so later records see its outcome as the originals did.
    pub(crate) replaying: std::sync::atomic::AtomicBool,
    /// How PutLogEvents treats sequence tokens.
    pub sequence_tokens: SequenceTokenMode,
    /// The least time a Logs Insights query stays Running.
    pub query_min_duration: std::time::Duration,
    /// Every subscription delivery.
    pub outbox: Arc<Outbox>,
    /// What metric filters counted.
    pub metrics: Arc<Metrics>,
    /// Where export tasks write (each bucket a folder of it), when configured.
    pub export_dir: Option<std::path::PathBuf>,
    /// PutLogEvents batches stored so far: a running query sees it move and leaves writers
    /// their share of the CPU (`store::queries`).
    pub puts: std::sync::atomic::AtomicU64,
    /// The open Live Tail sessions, offered every event ingested.
    pub live_tails: Arc<crate::live_tail::LiveTails>,
    /// Where subscription deliveries are forwarded.
    pub forward: crate::delivery::Endpoints,
    /// Whether PutSubscriptionFilter asks the forwarding endpoint about its destination.
    pub check_destinations: bool,
    /// The S3-compatible endpoint export tasks, vended deliveries and scheduled queries write to.
    pub s3_endpoint: Option<String>,
    /// The CloudTrail endpoint import tasks read event data stores from, when configured.
    pub cloudtrail_endpoint: Option<String>,
    /// The X-Ray-compatible endpoint vended traces go to, when configured.
    pub xray_endpoint: Option<String>,
    /// Under `--data-dir`, how background work journals the state it changes (set by the
    /// server once the journal is open; see [`Env::journal_effect`]).
    pub effects: std::sync::OnceLock<EffectJournal>,
    /// Under `--data-dir`, journals a finished Insights query's record (set by the server):
    /// a replay puts the record back as it was, whatever a rerun over a compacted journal
    /// would find.
    pub finished_queries: std::sync::OnceLock<FinishedQueryJournal>,
    /// The threads [`Env::background`] started that may still run (a stop waits for them
    /// through [`Env::join_background`]).
    pub(crate) background_threads: parking_lot::Mutex<Vec<std::thread::JoinHandle<()>>>,
}

/// Journals a finished query of a region (see [`Env::finished_queries`]).
#[allow(clippy::type_complexity)]
pub struct FinishedQueryJournal(pub Arc<dyn Fn(&str, &queries::QueryRecord) + Send + Sync>);

impl std::fmt::Debug for FinishedQueryJournal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FinishedQueryJournal")
    }
}

/// Runs a change of state named `(name, body)` in a region as a journaled write (the
/// server's `ops::execute_effect`); the store does not know the journal.
#[allow(clippy::type_complexity)]
pub struct EffectJournal(
    pub  Arc<
        dyn Fn(&str, (&str, &[u8]), &mut dyn FnMut() -> LogsResult<()>) -> LogsResult<()>
            + Send
            + Sync,
    >,
);

impl std::fmt::Debug for EffectJournal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EffectJournal")
    }
}

impl Env {
    /// Now, from the injected clock, in epoch milliseconds.
    pub fn now(&self) -> i64 {
        self.clock.now_millis()
    }

    /// Runs `apply`, journaled as `(name, body)` in `region` under `--data-dir` (once the
    /// journal is open); a plain call otherwise. Background work (an export finishing) uses it
    /// so that a replay applies its recorded effect instead of doing the work again.
    pub fn journal_effect(
        &self,
        region: &str,
        named: (&str, &[u8]),
        mut apply: impl FnMut() -> LogsResult<()>,
    ) -> LogsResult<()> {
        match self.effects.get() {
            Some(journal) => (journal.0)(region, named, &mut apply),
            None => apply(),
        }
    }

    /// Hands a finished query's record to the journal, if there is one.
    pub fn query_finished(&self, region: &str, record: &queries::QueryRecord) {
        if let Some(journal) = self.finished_queries.get() {
            (journal.0)(region, record);
        }
    }

    /// Whether the journal is being replayed (see the field).
    pub fn replaying(&self) -> bool {
        self.replaying.load(Ordering::Relaxed)
    }

    /// Runs `job` (a query's scan, an export) on a thread named `name`; during a replay,
    /// inline and at once.
    pub fn background(
        &self,
        name: String,
        job: impl FnOnce() + Send + 'static,
    ) -> std::io::Result<()> {
        if self.replaying() {
            job();
            return Ok(());
        }
        let thread = std::thread::Builder::new().name(name).spawn(job)?;
        let mut threads = self.background_threads.lock();
        threads.retain(|thread| !thread.is_finished());
        threads.push(thread);
        Ok(())
    }

    /// Waits up to `grace` for the background threads to end (a query that finished is still
    /// journaling its record), joining those that did; the others are left to run on. Returns
    /// how many were left.
    pub fn join_background(&self, grace: std::time::Duration) -> usize {
        let deadline = std::time::Instant::now() + grace;
        let threads = std::mem::take(&mut *self.background_threads.lock());
        let mut left = 0;
        for thread in threads {
            while !thread.is_finished() && std::time::Instant::now() < deadline {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            if thread.is_finished() {
                let _ = thread.join();
            } else {
                left += 1;
            }
        }
        left
    }
}

/// All emulator state.
#[derive(Debug)]
pub struct Store {
    env: Arc<Env>,
    regions: RwLock<HashMap<String, Arc<Region>>>,
}

impl Store {
    /// An empty store for `account_id`, reading time from `clock`, keeping at most
    /// `outbox_size` subscription deliveries.
    #[cfg(test)]
    pub fn new(
        account_id: String,
        clock: SharedClock,
        sequence_tokens: SequenceTokenMode,
        outbox_size: usize,
    ) -> Self {
        let pinnable = Arc::new(PinnableClock::new(clock));
        Self {
            env: Arc::new(Env {
                account_id,
                clock: Arc::clone(&pinnable) as SharedClock,
                pinnable,
                ids: ids::IdSource::default(),
                replaying: std::sync::atomic::AtomicBool::new(false),
                sequence_tokens,
                query_min_duration: std::time::Duration::ZERO,
                outbox: Outbox::new(outbox_size),
                metrics: Arc::default(),
                export_dir: None,
                puts: std::sync::atomic::AtomicU64::new(0),
                live_tails: Arc::new(crate::live_tail::LiveTails::new(
                    crate::limits::LIVE_TAIL_TIMEOUT,
                )),
                forward: crate::delivery::Endpoints::default(),
                check_destinations: false,
                s3_endpoint: None,
                cloudtrail_endpoint: None,
                xray_endpoint: None,
                effects: std::sync::OnceLock::new(),
                finished_queries: std::sync::OnceLock::new(),
                background_threads: parking_lot::Mutex::default(),
            }),
            regions: RwLock::new(HashMap::new()),
        }
    }

    /// An empty store with `config`'s account, clock, sequence-token mode and export folder.
    pub fn from_config(config: &crate::config::Config) -> Self {
        let pinnable = Arc::new(PinnableClock::new(Arc::clone(&config.clock)));
        Self {
            env: Arc::new(Env {
                account_id: config.account_id.clone(),
                clock: Arc::clone(&pinnable) as SharedClock,
                pinnable,
                ids: ids::IdSource::default(),
                replaying: std::sync::atomic::AtomicBool::new(false),
                sequence_tokens: config.sequence_tokens,
                query_min_duration: config.query_min_duration,
                outbox: Outbox::new(config.outbox_size),
                metrics: Arc::default(),
                export_dir: config.export_dir.clone(),
                puts: std::sync::atomic::AtomicU64::new(0),
                live_tails: Arc::new(crate::live_tail::LiveTails::new(config.live_tail_timeout)),
                forward: config.forward.clone(),
                check_destinations: config.check_destinations,
                s3_endpoint: config.s3_endpoint.clone(),
                cloudtrail_endpoint: config.cloudtrail_endpoint.clone(),
                xray_endpoint: config.xray_endpoint.clone(),
                effects: std::sync::OnceLock::new(),
                finished_queries: std::sync::OnceLock::new(),
                background_threads: parking_lot::Mutex::default(),
            }),
            regions: RwLock::new(HashMap::new()),
        }
    }

    /// Where export tasks write, when configured.
    pub fn export_dir(&self) -> Option<&std::path::Path> {
        self.env.export_dir.as_deref()
    }

    /// Where subscription deliveries are forwarded.
    pub fn forward_endpoints(&self) -> &crate::delivery::Endpoints {
        &self.env.forward
    }

    /// Whether PutSubscriptionFilter asks the forwarding endpoint about its destination.
    pub fn check_destinations(&self) -> bool {
        self.env.check_destinations
    }

    /// The S3-compatible endpoint export tasks, vended deliveries and scheduled queries write to.
    pub fn s3_endpoint(&self) -> Option<&str> {
        self.env.s3_endpoint.as_deref()
    }

    /// The CloudTrail endpoint import tasks read from, when configured.
    pub fn cloudtrail_endpoint(&self) -> Option<&str> {
        self.env.cloudtrail_endpoint.as_deref()
    }

    /// The account id that ARNs carry.
    pub fn account_id(&self) -> &str {
        &self.env.account_id
    }

    /// What every level of the store reads (the clock to pin, the ids to seed).
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// Now, from the injected clock, in epoch milliseconds.
    pub fn now(&self) -> i64 {
        self.env.now()
    }

    /// The state of `region`, created empty on first use. Only a write that stores something
    /// (CreateLogGroup, fixtures) calls this: every region it creates holds state.
    pub fn region(&self, region: &str) -> Arc<Region> {
        if let Some(found) = self.regions.read().get(region) {
            return Arc::clone(found);
        }
        let mut regions = self.regions.write();
        Arc::clone(
            regions
                .entry(region.to_owned())
                .or_insert_with(|| self.empty_region(region)),
        )
    }

    /// The state of `region`, if anything was ever stored there (a read must not create it).
    pub fn existing_region(&self, region: &str) -> Option<Arc<Region>> {
        self.regions.read().get(region).cloned()
    }

    /// The state of `region` for a request: the stored one, or an empty one that is not kept
    /// (so a read of a region never written answers as an empty region, and leaves nothing
    /// behind: every new region name in a signature used to cost memory for good).
    pub fn region_view(&self, region: &str) -> Arc<Region> {
        self.existing_region(region)
            .unwrap_or_else(|| self.empty_region(region))
    }

    fn empty_region(&self, region: &str) -> Arc<Region> {
        Arc::new(Region {
            name: region.to_owned(),
            env: Arc::clone(&self.env),
            groups: RwLock::new(BTreeMap::new()),
            groups_created: AtomicU64::new(0),
            queries: queries::Queries::default(),
            query_definitions: resources::ResourceTable::default(),
            destinations: ResourceTable::default(),
            anomaly_detectors: ResourceTable::default(),
            query_results_kms_key: Mutex::new(None),
            resource_policies: ResourceTable::default(),
            account_policies: account_policies::AccountPolicies::default(),
            account_data_protection: Arc::new(parking_lot::Mutex::new(
                masking::MaskHistory::default(),
            )),
            export_tasks: ResourceTable::default(),
            export_start: Mutex::new(()),
            import_tasks: ResourceTable::default(),
            import_start: Mutex::new(()),
            deliveries: deliveries::Deliveries::default(),
            lookup_tables: ResourceTable::default(),
            integrations: ResourceTable::default(),
            s3_table_sources: ResourceTable::default(),
            scheduled_queries: ResourceTable::default(),
            storage_tier: Mutex::new(None),
            account_transformers: Arc::default(),
        })
    }

    /// The regions that hold state, in name order.
    pub fn region_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.regions.read().keys().cloned().collect();
        names.sort();
        names
    }

    /// The subscription deliveries.
    pub fn outbox(&self) -> &Arc<Outbox> {
        &self.env.outbox
    }

    /// What metric filters counted.
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.env.metrics
    }

    /// The open Live Tail sessions.
    pub fn live_tails(&self) -> &Arc<crate::live_tail::LiveTails> {
        &self.env.live_tails
    }

    /// Applies every group's retention and returns the message bytes left in the store.
    pub fn expire_everywhere(&self) -> u64 {
        let regions: Vec<Arc<Region>> = self.regions.read().values().cloned().collect();
        regions
            .iter()
            .flat_map(|region| region.all_groups())
            .map(|group| group.info().stored_bytes)
            .sum()
    }

    /// Visits every stream with its region and group names.
    pub fn for_each_stream(&self, mut visit: impl FnMut(&str, &str, &stream::LogStream)) {
        let mut regions: Vec<Arc<Region>> = self.regions.read().values().cloned().collect();
        regions.sort_by(|a, b| a.name.cmp(&b.name));
        for region in regions {
            for group in region.all_groups() {
                for stream in group.all_streams() {
                    visit(&region.name, group.name(), &stream);
                }
            }
        }
    }

    /// Calls `visit` with every group and its region's name, in region then group order.
    pub fn for_each_group(&self, mut visit: impl FnMut(&str, &LogGroup)) {
        let mut regions: Vec<Arc<Region>> = self.regions.read().values().cloned().collect();
        regions.sort_by(|a, b| a.name.cmp(&b.name));
        for region in regions {
            for group in region.all_groups() {
                visit(&region.name, &group);
            }
        }
    }

    /// Wipes every region, the delivery outbox and the metrics.
    pub fn reset(&self) {
        self.regions.write().clear();
        self.env.outbox.clear();
        self.env.metrics.clear();
    }

    /// An empty store with the same account, clock and sequence-token mode.
    pub fn empty_like(&self) -> Self {
        Self {
            env: Arc::clone(&self.env),
            regions: RwLock::new(HashMap::new()),
        }
    }

    /// Replaces all state with `other`'s in one step (a reset to the fixtures: readers see
    /// the old state or the new one, never an empty store in between).
    pub fn replace_with(&self, other: Self) {
        *self.regions.write() = other.regions.into_inner();
        self.env.outbox.clear();
        self.env.metrics.clear();
    }
}

/// One region's log groups.
#[derive(Debug)]
pub struct Region {
    name: String,
    env: Arc<Env>,
    groups: RwLock<BTreeMap<String, Arc<LogGroup>>>,
    /// Groups ever created here: numbers each group's incarnation.
    groups_created: AtomicU64,
    /// Logs Insights queries.
    queries: queries::Queries,
    /// Saved Logs Insights queries.
    query_definitions: resources::ResourceTable<queries::QueryDefinition>,
    /// Log destinations.
    destinations: ResourceTable<Destination>,
    /// The KMS key AssociateKmsKey gave the account's query results
    /// (`arn:aws:logs:<region>:<account>:query-result:*`); stored, nothing is encrypted.
    query_results_kms_key: Mutex<Option<String>>,
    /// The account-scoped resource policies (PutResourcePolicy without `resourceArn`).
    resource_policies: ResourceTable<ResourcePolicy>,
    /// The account policies (PutAccountPolicy).
    account_policies: account_policies::AccountPolicies,
    /// The account-level data protection policy, shared with every group of the region (it
    /// masks their reads, as their own policies do).
    account_data_protection: Arc<Mutex<masking::MaskHistory>>,
    /// Export tasks, by id.
    export_tasks: ResourceTable<export::ExportTask>,
    /// Held while a task is checked and created, so two cannot both become the active one.
    export_start: Mutex<()>,
    /// Import tasks, by id.
    import_tasks: ResourceTable<imports::ImportTask>,
    /// Held while an import task is checked and created, so the active limit holds.
    import_start: Mutex<()>,
    /// Vended-log delivery sources, destinations and deliveries.
    deliveries: deliveries::Deliveries,
    /// Lookup tables (CSV), by name.
    lookup_tables: ResourceTable<lookup_tables::LookupTable>,
    /// The account's integrations (one at most).
    integrations: ResourceTable<integrations::Integration>,
    /// Data sources associated with S3 Table integrations, by identifier.
    s3_table_sources: ResourceTable<integrations::S3TableSource>,
    /// Scheduled Logs Insights queries, by name.
    scheduled_queries: ResourceTable<scheduled_queries::ScheduledQuery>,
    /// The account's storage tier policy (PutStorageTierPolicy).
    storage_tier: Mutex<Option<indexes::StorageTierPolicy>>,
    /// The account's transformer policies, shared with every group.
    account_transformers: Arc<transformers::AccountTransformers>,
    /// Log anomaly detectors, by ARN.
    anomaly_detectors: ResourceTable<anomaly_detectors::AnomalyDetector>,
}

impl Region {
    /// The region's vended-log delivery sources, destinations and deliveries.
    pub fn deliveries(&self) -> &deliveries::Deliveries {
        &self.deliveries
    }

    /// The scheduled queries.
    pub fn scheduled_queries(&self) -> &ResourceTable<scheduled_queries::ScheduledQuery> {
        &self.scheduled_queries
    }

    /// The account's integrations.
    pub fn integrations(&self) -> &ResourceTable<integrations::Integration> {
        &self.integrations
    }

    /// The data sources associated with S3 Table integrations.
    pub fn s3_table_sources(&self) -> &ResourceTable<integrations::S3TableSource> {
        &self.s3_table_sources
    }

    /// The region's lookup tables.
    pub fn lookup_tables(&self) -> &ResourceTable<lookup_tables::LookupTable> {
        &self.lookup_tables
    }

    /// The parsed content of the lookup table called `name`, for Logs Insights' `lookup`
    /// command (one `Arc` clone: the table is parsed once, when it is created or updated).
    pub fn lookup_table(&self, name: &str) -> Option<Arc<lookup_tables::ParsedTable>> {
        self.lookup_tables.get(name).ok().map(|t| t.parsed)
    }

    /// The ARN of a CloudWatch Logs resource of this region: `kind` is its type
    /// (`delivery-source`, `delivery`, ...), `id` its name or id.
    pub fn logs_arn(&self, kind: &str, id: &str) -> String {
        format!(
            "arn:{}:logs:{}:{}:{kind}:{id}",
            self.partition(),
            self.name,
            self.env.account_id
        )
    }

    /// The region's logs destinations (PutDestination).
    pub fn destinations(&self) -> &ResourceTable<Destination> {
        &self.destinations
    }

    /// The ARN of a logs destination in this region.
    pub fn destination_arn(&self, name: &str) -> String {
        format!(
            "arn:aws:logs:{}:{}:destination:{name}",
            self.name, self.env.account_id
        )
    }

    /// The region's name, e.g. `us-east-1`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A stable number identifying this region's listings in tokens.
    pub fn fingerprint(&self) -> u64 {
        tokens::fingerprint(&[self.env.account_id.as_bytes(), self.name.as_bytes()])
    }

    /// Sets (or with `None` removes) the KMS key of the account's query results here.
    pub fn set_query_results_kms_key(&self, key: Option<String>) {
        *self.query_results_kms_key.lock() = key;
    }

    /// The account-scoped resource policies.
    pub fn resource_policies(&self) -> &ResourceTable<ResourcePolicy> {
        &self.resource_policies
    }

    /// Now, from the injected clock.
    pub fn now(&self) -> i64 {
        self.env.now()
    }

    /// What the region's store reads (clock, ids, background work).
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// The export tasks.
    pub fn export_tasks(&self) -> &ResourceTable<export::ExportTask> {
        &self.export_tasks
    }

    /// Records a new export task, unless one is active (PENDING or RUNNING): AWS allows one
    /// at a time (LimitExceededException).
    pub fn create_export_task(&self, task: export::ExportTask) -> LogsResult<()> {
        let _one_at_a_time = self.export_start.lock();
        if self.export_tasks.all().iter().any(|t| t.status.is_active()) {
            return Err(LogsError::LimitExceeded("Resource limit exceeded.".into()));
        }
        self.export_tasks.put(task).map(|_| ())
    }

    /// The account policies.
    pub fn account_policies(&self) -> &account_policies::AccountPolicies {
        &self.account_policies
    }

    /// Sets (or with `None` removes) the account's data protection policy `now`.
    pub fn set_account_data_protection(
        &self,
        policy: Option<masking::DataProtectionPolicy>,
        now: i64,
    ) {
        self.account_data_protection.lock().set(policy, now);
    }

    /// The AWS partition the region belongs to, as its ARNs name it: `aws-cn` for `cn-*`,
    /// `aws-us-gov` for `us-gov-*`, `aws-iso`/`aws-iso-b` for `us-iso-*`/`us-isob-*`, else `aws`.
    pub fn partition(&self) -> &'static str {
        let name = self.name.as_str();
        if name.starts_with("cn-") {
            "aws-cn"
        } else if name.starts_with("us-gov-") {
            "aws-us-gov"
        } else if name.starts_with("us-isob-") {
            "aws-iso-b"
        } else if name.starts_with("us-iso-") {
            "aws-iso"
        } else {
            "aws"
        }
    }

    /// The ARN of a log group in this region, without the trailing `:*`.
    pub fn group_arn(&self, group: &str) -> String {
        format!(
            "arn:{}:logs:{}:{}:log-group:{group}",
            self.partition(),
            self.name,
            self.env.account_id
        )
    }

    /// Creates a group, created now; ResourceAlreadyExists if the name is taken.
    pub fn create_group(&self, name: &str, settings: GroupSettings) -> LogsResult<Arc<LogGroup>> {
        let mut groups = self.groups.write();
        if groups.contains_key(name) {
            return Err(LogsError::ResourceAlreadyExists(
                "The specified log group already exists".into(),
            ));
        }
        let group = Arc::new(LogGroup::new(
            name.to_owned(),
            self.group_arn(name),
            settings,
            self.groups_created.fetch_add(1, Ordering::Relaxed),
            Arc::clone(&self.env),
            Arc::clone(&self.account_data_protection),
            Arc::clone(&self.account_transformers),
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

    /// One DescribeLogGroups page of the groups whose names start with `prefix` and that
    /// `keep` accepts, in name order.
    pub fn describe_groups(
        &self,
        prefix: &str,
        token: Option<&str>,
        limit: usize,
        keep: impl FnMut(&LogGroup) -> bool,
    ) -> ListPage<GroupInfo> {
        self.list_groups("DescribeLogGroups", prefix, token, limit, keep)
    }

    /// One page of the `listing` operation over the groups whose names start with `prefix`
    /// and that `keep` accepts, in name order (its tokens are bound to `listing`).
    pub fn list_groups(
        &self,
        listing: &'static str,
        prefix: &str,
        token: Option<&str>,
        limit: usize,
        mut keep: impl FnMut(&LogGroup) -> bool,
    ) -> ListPage<GroupInfo> {
        let page = {
            let groups = self.groups.read();
            Listing::new(listing, self.fingerprint()).page_of_names(
                &groups,
                prefix,
                token,
                limit,
                false,
                |_, group| keep(group).then(|| Arc::clone(group)),
            )
        };
        // Metadata (and retention) is read after the map's lock is released.
        page.map(|group| group.info())
    }

    /// One region-wide DescribeMetricFilters page: every group's metric filters that `keep`
    /// accepts, ordered by filter name, then group name, with their group's name.
    pub fn describe_metric_filters(
        &self,
        token: Option<&str>,
        limit: usize,
        mut keep: impl FnMut(&MetricFilter) -> bool,
    ) -> ListPage<(String, MetricFilter)> {
        let all = self
            .all_groups()
            .iter()
            .flat_map(|group| {
                group.metric_filters().all().into_iter().map(|filter| {
                    let key = (filter.name.clone(), group.name().to_owned());
                    (key, (group.name().to_owned(), filter))
                })
            })
            .filter(|(_, (_, filter))| keep(filter))
            .collect();
        Listing::new("DescribeMetricFilters", self.fingerprint()).page_of(token, limit, all)
    }

    /// Every group, in name order.
    pub fn all_groups(&self) -> Vec<Arc<LogGroup>> {
        self.groups.read().values().cloned().collect()
    }
}
