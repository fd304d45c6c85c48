//! One module per operation family. Each handler has the same three steps: decode the wire
//! input (`protocol::decode`), validate it into plain values and call the store, encode the
//! output. [`dispatch`] is the only place that maps an [`Operation`] to its handler.

mod account_policies;
mod anomaly_detectors;
mod data_protection;
mod data_sources;
mod deliveries;
mod destinations;
mod events;
mod export_tasks;
mod filter;
mod groups;
mod import_tasks;
mod indexes;
mod insights;
mod integrations;
mod journaled;
mod kms;
mod list_log_groups;
mod live_tail;
mod lookup_tables;
mod metric_filters;
mod policies;
mod query_definitions;
mod retention;
mod scheduled_queries;
mod streams;
mod subscriptions;
mod syslog;
mod tags;
mod transformers;

pub(crate) use indexes::index_coverage;

use std::cell::RefCell;
use std::sync::Arc;

pub use journaled::{
    append_effect_within_write, execute, execute_effect, execute_effect_outcome, pinned, replay,
};

use crate::error::{LogsError, LogsResult};
use crate::journal::Journal;
use crate::protocol::Operation;
use crate::store::{LogGroup, Region, Store};

/// What a handler works with: the store and the region the request is for. Group and stream
/// lookups go through it, so the request log names what each request touched without parsing
/// the body twice.
#[derive(Debug)]
pub struct Ctx<'a> {
    /// All state.
    pub store: &'a Store,
    /// The request's region: the stored one, or an empty one not kept (see
    /// [`Store::region_view`]); a handler that stores something asks [`Ctx::region_to_write`].
    pub region: Arc<Region>,
    /// The request's `x-amzn-RequestId` (some AWS messages quote it).
    pub request_id: &'a str,
    /// The data directory's journal (`--data-dir`), which records every successful write.
    pub journal: Option<&'a Journal>,
    touched: RefCell<Touched>,
}

/// The group and stream a request named, for the request log.
#[derive(Debug, Default, Clone)]
pub struct Touched {
    /// The log group name, or "".
    pub group: String,
    /// The log stream name, or "".
    pub stream: String,
}

impl<'a> Ctx<'a> {
    /// A context for a request to the region named `region`.
    pub fn new(store: &'a Store, region: &str, request_id: &'a str) -> Self {
        Self {
            store,
            region: store.region_view(region),
            request_id,
            journal: None,
            touched: RefCell::default(),
        }
    }

    /// The same context, recording successful writes in `journal`.
    pub fn with_journal(self, journal: Option<&'a Journal>) -> Self {
        Self { journal, ..self }
    }

    /// The request's region, created when it was never written: for a handler about to
    /// store something in it (only CreateLogGroup adds to a region).
    pub fn region_to_write(&self) -> Arc<Region> {
        self.store.region(self.region.name())
    }

    /// The named group of this region (recorded for the request log).
    pub fn group(&self, name: &str) -> LogsResult<Arc<LogGroup>> {
        self.touch_group(name);
        self.region.group(name)
    }

    /// Records the group a request names.
    pub fn touch_group(&self, name: &str) {
        name.clone_into(&mut self.touched.borrow_mut().group);
    }

    /// Records the stream a request names.
    pub fn touch_stream(&self, name: &str) {
        name.clone_into(&mut self.touched.borrow_mut().stream);
    }

    /// What the request named.
    pub fn touched(&self) -> Touched {
        self.touched.borrow().clone()
    }
}

pub use live_tail::{server_ended_frame, timeout_frame, update_frame};

/// What a handler answers: the encoded output and, for the request log, the resource it touched.
#[derive(Debug, Default)]
pub struct Handled {
    /// The JSON body; empty for operations whose output has no members.
    pub body: Vec<u8>,
    /// For the streaming operations: the event stream that is the answer instead.
    pub stream: Option<EventStream>,
}

/// An answer sent as AWS event-stream messages (`protocol::event_stream`).
#[derive(Debug)]
pub struct EventStream {
    /// The messages sent at once, in order (`initial-response` first).
    pub opening: Vec<bytes::Bytes>,
    /// The Live Tail session whose updates follow, if any; the stream ends with it.
    pub live_tail: Option<crate::live_tail::Registration>,
}

impl Handled {
    /// An answer with `body`.
    pub fn json(body: Vec<u8>) -> Self {
        Self { body, stream: None }
    }

    /// An event-stream answer.
    pub fn stream(stream: EventStream) -> Self {
        Self {
            body: Vec::new(),
            stream: Some(stream),
        }
    }

    /// The empty answer of an operation without output.
    pub fn empty() -> Self {
        Self::default()
    }
}

/// Runs `operation` on `body`.
pub fn dispatch(operation: Operation, ctx: &Ctx<'_>, body: &[u8]) -> LogsResult<Handled> {
    match operation {
        Operation::CreateLogGroup => groups::create_log_group(ctx, body),
        Operation::DeleteLogGroup => groups::delete_log_group(ctx, body),
        Operation::DescribeLogGroups => groups::describe_log_groups(ctx, body),
        Operation::CreateLogStream => streams::create_log_stream(ctx, body),
        Operation::DeleteLogStream => streams::delete_log_stream(ctx, body),
        Operation::DescribeLogStreams => streams::describe_log_streams(ctx, body),
        Operation::PutLogEvents => events::put_log_events(ctx, body),
        Operation::GetLogEvents => events::get_log_events(ctx, body),
        Operation::PutRetentionPolicy => retention::put_retention_policy(ctx, body),
        Operation::DeleteRetentionPolicy => retention::delete_retention_policy(ctx, body),
        Operation::TagResource => tags::tag_resource(ctx, body),
        Operation::UntagResource => tags::untag_resource(ctx, body),
        Operation::ListTagsForResource => tags::list_tags_for_resource(ctx, body),
        Operation::TagLogGroup => tags::tag_log_group(ctx, body),
        Operation::UntagLogGroup => tags::untag_log_group(ctx, body),
        Operation::ListTagsLogGroup => tags::list_tags_log_group(ctx, body),
        Operation::FilterLogEvents => filter::filter_log_events(ctx, body),
        Operation::TestMetricFilter => filter::test_metric_filter(ctx, body),
        Operation::PutMetricFilter => metric_filters::put_metric_filter(ctx, body),
        Operation::DescribeMetricFilters => metric_filters::describe_metric_filters(ctx, body),
        Operation::DeleteMetricFilter => metric_filters::delete_metric_filter(ctx, body),
        Operation::StartQuery => insights::start_query(ctx, body),
        Operation::GetQueryResults => insights::get_query_results(ctx, body),
        Operation::StopQuery => insights::stop_query(ctx, body),
        Operation::DescribeQueries => insights::describe_queries(ctx, body),
        Operation::GetLogRecord => insights::get_log_record(ctx, body),
        Operation::GetLogGroupFields => insights::get_log_group_fields(ctx, body),
        Operation::ListLogGroupsForQuery => insights::list_log_groups_for_query(ctx, body),
        Operation::PutQueryDefinition => query_definitions::put_query_definition(ctx, body),
        Operation::DescribeQueryDefinitions => {
            query_definitions::describe_query_definitions(ctx, body)
        }
        Operation::DeleteQueryDefinition => query_definitions::delete_query_definition(ctx, body),
        Operation::PutSubscriptionFilter => subscriptions::put_subscription_filter(ctx, body),
        Operation::DescribeSubscriptionFilters => {
            subscriptions::describe_subscription_filters(ctx, body)
        }
        Operation::DeleteSubscriptionFilter => subscriptions::delete_subscription_filter(ctx, body),
        Operation::PutDestination => destinations::put_destination(ctx, body),
        Operation::PutDestinationPolicy => destinations::put_destination_policy(ctx, body),
        Operation::DescribeDestinations => destinations::describe_destinations(ctx, body),
        Operation::DeleteDestination => destinations::delete_destination(ctx, body),
        Operation::AssociateKmsKey => kms::associate_kms_key(ctx, body),
        Operation::DisassociateKmsKey => kms::disassociate_kms_key(ctx, body),
        Operation::PutLogGroupDeletionProtection => {
            groups::put_log_group_deletion_protection(ctx, body)
        }
        Operation::PutResourcePolicy => policies::put_resource_policy(ctx, body),
        Operation::DescribeResourcePolicies => policies::describe_resource_policies(ctx, body),
        Operation::DeleteResourcePolicy => policies::delete_resource_policy(ctx, body),
        Operation::PutDataProtectionPolicy => {
            data_protection::put_data_protection_policy(ctx, body)
        }
        Operation::GetDataProtectionPolicy => {
            data_protection::get_data_protection_policy(ctx, body)
        }
        Operation::DeleteDataProtectionPolicy => {
            data_protection::delete_data_protection_policy(ctx, body)
        }
        Operation::PutAccountPolicy => account_policies::put_account_policy(ctx, body),
        Operation::DescribeAccountPolicies => {
            account_policies::describe_account_policies(ctx, body)
        }
        Operation::DeleteAccountPolicy => account_policies::delete_account_policy(ctx, body),
        Operation::CreateExportTask => export_tasks::create_export_task(ctx, body),
        Operation::DescribeExportTasks => export_tasks::describe_export_tasks(ctx, body),
        Operation::CancelExportTask => export_tasks::cancel_export_task(ctx, body),
        Operation::PutBearerTokenAuthentication => {
            groups::put_bearer_token_authentication(ctx, body)
        }
        Operation::PutDeliverySource => deliveries::put_delivery_source(ctx, body),
        Operation::GetDeliverySource => deliveries::get_delivery_source(ctx, body),
        Operation::DescribeDeliverySources => deliveries::describe_delivery_sources(ctx, body),
        Operation::DeleteDeliverySource => deliveries::delete_delivery_source(ctx, body),
        Operation::PutDeliveryDestination => deliveries::put_delivery_destination(ctx, body),
        Operation::GetDeliveryDestination => deliveries::get_delivery_destination(ctx, body),
        Operation::DescribeDeliveryDestinations => {
            deliveries::describe_delivery_destinations(ctx, body)
        }
        Operation::DeleteDeliveryDestination => deliveries::delete_delivery_destination(ctx, body),
        Operation::PutDeliveryDestinationPolicy => {
            deliveries::put_delivery_destination_policy(ctx, body)
        }
        Operation::GetDeliveryDestinationPolicy => {
            deliveries::get_delivery_destination_policy(ctx, body)
        }
        Operation::DeleteDeliveryDestinationPolicy => {
            deliveries::delete_delivery_destination_policy(ctx, body)
        }
        Operation::CreateDelivery => deliveries::create_delivery(ctx, body),
        Operation::GetDelivery => deliveries::get_delivery(ctx, body),
        Operation::DescribeDeliveries => deliveries::describe_deliveries(ctx, body),
        Operation::DeleteDelivery => deliveries::delete_delivery(ctx, body),
        Operation::UpdateDeliveryConfiguration => {
            deliveries::update_delivery_configuration(ctx, body)
        }
        Operation::DescribeConfigurationTemplates => {
            deliveries::describe_configuration_templates(ctx, body)
        }
        Operation::CreateLookupTable => lookup_tables::create_lookup_table(ctx, body),
        Operation::GetLookupTable => lookup_tables::get_lookup_table(ctx, body),
        Operation::UpdateLookupTable => lookup_tables::update_lookup_table(ctx, body),
        Operation::DeleteLookupTable => lookup_tables::delete_lookup_table(ctx, body),
        Operation::DescribeLookupTables => lookup_tables::describe_lookup_tables(ctx, body),
        Operation::PutIntegration => integrations::put_integration(ctx, body),
        Operation::GetIntegration => integrations::get_integration(ctx, body),
        Operation::DeleteIntegration => integrations::delete_integration(ctx, body),
        Operation::ListIntegrations => integrations::list_integrations(ctx, body),
        Operation::AssociateSourceToS3TableIntegration => {
            integrations::associate_source_to_s3_table_integration(ctx, body)
        }
        Operation::DisassociateSourceFromS3TableIntegration => {
            integrations::disassociate_source_from_s3_table_integration(ctx, body)
        }
        Operation::ListSourcesForS3TableIntegration => {
            integrations::list_sources_for_s3_table_integration(ctx, body)
        }
        Operation::CreateScheduledQuery => scheduled_queries::create_scheduled_query(ctx, body),
        Operation::GetScheduledQuery => scheduled_queries::get_scheduled_query(ctx, body),
        Operation::UpdateScheduledQuery => scheduled_queries::update_scheduled_query(ctx, body),
        Operation::DeleteScheduledQuery => scheduled_queries::delete_scheduled_query(ctx, body),
        Operation::ListScheduledQueries => scheduled_queries::list_scheduled_queries(ctx, body),
        Operation::GetScheduledQueryHistory => {
            scheduled_queries::get_scheduled_query_history(ctx, body)
        }
        Operation::PutTransformer => transformers::put_transformer(ctx, body),
        Operation::GetTransformer => transformers::get_transformer(ctx, body),
        Operation::DeleteTransformer => transformers::delete_transformer(ctx, body),
        Operation::TestTransformer => transformers::test_transformer(ctx, body),
        Operation::PutIndexPolicy => indexes::put_index_policy(ctx, body),
        Operation::DescribeIndexPolicies => indexes::describe_index_policies(ctx, body),
        Operation::DeleteIndexPolicy => indexes::delete_index_policy(ctx, body),
        Operation::DescribeFieldIndexes => indexes::describe_field_indexes(ctx, body),
        Operation::PutSyslogConfiguration => syslog::put_syslog_configuration(ctx, body),
        Operation::ListSyslogConfigurations => syslog::list_syslog_configurations(ctx, body),
        Operation::DeleteSyslogConfiguration => syslog::delete_syslog_configuration(ctx, body),
        Operation::PutStorageTierPolicy => syslog::put_storage_tier_policy(ctx, body),
        Operation::GetStorageTierPolicy => syslog::get_storage_tier_policy(ctx, body),
        Operation::StartLiveTail => live_tail::start_live_tail(ctx, body),
        Operation::GetLogObject => live_tail::get_log_object(ctx, body),
        Operation::ListLogGroups => list_log_groups::list_log_groups(ctx, body),
        Operation::CreateLogAnomalyDetector => {
            anomaly_detectors::create_log_anomaly_detector(ctx, body)
        }
        Operation::GetLogAnomalyDetector => anomaly_detectors::get_log_anomaly_detector(ctx, body),
        Operation::UpdateLogAnomalyDetector => {
            anomaly_detectors::update_log_anomaly_detector(ctx, body)
        }
        Operation::DeleteLogAnomalyDetector => {
            anomaly_detectors::delete_log_anomaly_detector(ctx, body)
        }
        Operation::ListLogAnomalyDetectors => {
            anomaly_detectors::list_log_anomaly_detectors(ctx, body)
        }
        Operation::ListAnomalies => anomaly_detectors::list_anomalies(ctx, body),
        Operation::UpdateAnomaly => anomaly_detectors::update_anomaly(ctx, body),
        Operation::CreateImportTask => import_tasks::create_import_task(ctx, body),
        Operation::DescribeImportTasks => import_tasks::describe_import_tasks(ctx, body),
        Operation::DescribeImportTaskBatches => {
            import_tasks::describe_import_task_batches(ctx, body)
        }
        Operation::CancelImportTask => import_tasks::cancel_import_task(ctx, body),
        Operation::GetLogFields => data_sources::get_log_fields(ctx, body),
        Operation::ListAggregateLogGroupSummaries => {
            data_sources::list_aggregate_log_group_summaries(ctx, body)
        }
    }
}

/// Finds the group that `logGroupName` or `logGroupIdentifier` names (exactly one of them must
/// be given). An identifier is a name or an ARN without the trailing `:*` (the model's pattern
/// refuses the `*`).
pub fn resolve_group(
    ctx: &Ctx<'_>,
    name: Option<&str>,
    identifier: Option<&str>,
) -> LogsResult<Arc<LogGroup>> {
    match (name, identifier) {
        (Some(_), Some(_)) => Err(LogsError::Validation(
            "LogGroup name and LogGroup ARN are mutually exclusive parameters.".into(),
        )),
        (None, None) => Err(LogsError::InvalidParameter(
            "Either logGroupName or logGroupIdentifier must be provided.".into(),
        )),
        (Some(name), None) => ctx.group(name),
        (None, Some(identifier)) => ctx.group(&group_name_in(ctx, identifier)?),
    }
}

/// The group name an identifier stands for: the identifier itself, or the name inside an ARN of
/// this region and account (`logGroupIdentifier`, tagging's `resourceArn`).
fn group_name_in(ctx: &Ctx<'_>, identifier: &str) -> LogsResult<String> {
    let Some(rest) = identifier.strip_prefix("arn:") else {
        return Ok(identifier.to_owned());
    };
    let invalid = || LogsError::InvalidParameter(format!("Invalid log group ARN: {identifier}"));
    // arn:<partition>:logs:<region>:<account>:log-group:<name>
    let mut parts = rest.splitn(6, ':');
    let (partition, service, region, account, kind, name) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next().ok_or_else(invalid)?,
    );
    if service != Some("logs") || kind != Some("log-group") {
        return Err(invalid());
    }
    // An ARN of another partition (`aws-cn` for a `us-east-1` request) names a group this
    // endpoint does not hold, as one of another region or account does.
    if partition != Some(ctx.region.partition())
        || region != Some(ctx.region.name())
        || account != Some(ctx.store.account_id())
    {
        return Err(LogsError::log_group_not_found());
    }
    Ok(name.to_owned())
}
