//! AWS CloudWatch Logs limits, in one place. Each cites where the number comes from:
//! "model" is botocore's `logs/2014-03-28/service-2.json` (the model the SDKs are generated from).

/// Longest log group name (model: `LogGroupName` max 512).
pub const MAX_LOG_GROUP_NAME_LEN: usize = 512;
/// Longest log stream name (model: `LogStreamName` max 512).
pub const MAX_LOG_STREAM_NAME_LEN: usize = 512;
/// Longest `logGroupIdentifier` (model: `LogGroupIdentifier` max 2048).
pub const MAX_LOG_GROUP_IDENTIFIER_LEN: usize = 2048;
/// Longest KMS key id (model: `KmsKeyId` max 256).
pub const MAX_KMS_KEY_ID_LEN: usize = 256;
/// Most tags on one resource (model: `Tags` max 50).
pub const MAX_TAGS: usize = 50;
/// Longest tag key (model: `TagKey` max 128).
pub const MAX_TAG_KEY_LEN: usize = 128;
/// Longest tag value (model: `TagValue` max 256).
pub const MAX_TAG_VALUE_LEN: usize = 256;

/// Largest `limit` of DescribeLogGroups / DescribeLogStreams, also their default (model: `DescribeLimit`).
pub const MAX_DESCRIBE_LIMIT: i64 = 50;
/// Largest `limit` of GetLogEvents / FilterLogEvents, also the default (model: `EventsLimit`).
pub const MAX_EVENTS_LIMIT: i64 = 10_000;

/// Most events in one PutLogEvents batch (model: `InputLogEvents` max 10000).
pub const MAX_BATCH_EVENTS: usize = 10_000;
/// Largest PutLogEvents batch and largest GetLogEvents page, in bytes (model doc: "1,048,576
/// bytes ... the sum of all event messages in UTF-8, plus 26 bytes for each log event").
pub const MAX_BATCH_BYTES: usize = 1_048_576;
/// Bytes counted per event on top of its UTF-8 message (model doc, see [`MAX_BATCH_BYTES`]).
pub const EVENT_OVERHEAD_BYTES: usize = 26;
/// Largest single event message (model doc: "Each log event can be no larger than 1 MB"),
/// counted with the per-event overhead, as the batch is.
pub const MAX_EVENT_BYTES: usize = 1_048_576;

/// Events older than this are rejected as too old (model doc: "older than 14 days").
pub const MAX_EVENT_AGE_MILLIS: i64 = 14 * DAY_MILLIS;
/// Events further in the future than this are rejected as too new (model doc: "2 hours").
pub const MAX_EVENT_FUTURE_MILLIS: i64 = 2 * 60 * 60 * 1000;
/// Longest time span of the valid events of one batch (model doc: "cannot exceed 24 hours").
pub const MAX_BATCH_SPAN_MILLIS: i64 = DAY_MILLIS;

/// One day in milliseconds.
pub const DAY_MILLIS: i64 = 24 * 60 * 60 * 1000;

/// Retention values PutRetentionPolicy accepts (model doc of `Days`).
pub const RETENTION_DAYS: [i32; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// The largest request body the emulator reads. AWS's front end takes a full 1 MiB PutLogEvents
/// batch plus its JSON framing; JSON escaping can grow a message up to six-fold, so the cap is
/// generous. Larger bodies are refused with 413 before they are read.
pub const MAX_REQUEST_BODY_BYTES: usize = 8 * 1024 * 1024;

/// Most metric filters on one log group (model doc of PutMetricFilter: "up to 100 metric
/// filters per log group").
pub const MAX_METRIC_FILTERS: usize = 100;
/// Longest filter pattern (model: `FilterPattern` max 1024).
pub const MAX_FILTER_PATTERN_LEN: usize = 1024;
/// Most messages TestMetricFilter takes (model: `TestEventMessages` max 50).
pub const MAX_TEST_METRIC_MESSAGES: usize = 50;
/// Most names in FilterLogEvents' `logStreamNames` (model: `InputLogStreamNames` max 100).
pub const MAX_LOG_STREAM_NAMES: usize = 100;

/// Longest `logGroupNamePattern` (model: `LogGroupNamePattern` max 512).
pub const MAX_LOG_GROUP_NAME_PATTERN_LEN: usize = 512;
/// Most `logGroupIdentifiers` of DescribeLogGroups (model: `DescribeLogGroupsLogGroupIdentifiers`
/// max 50).
pub const MAX_DESCRIBE_LOG_GROUP_IDENTIFIERS: usize = 50;
/// Most `accountIdentifiers` (model: `AccountIds` max 20).
pub const MAX_ACCOUNT_IDENTIFIERS: usize = 20;
/// Longest `resourceIdentifier` of Associate/DisassociateKmsKey (model: `ResourceIdentifier`
/// max 2048).
pub const MAX_RESOURCE_IDENTIFIER_LEN: usize = 2048;
/// Longest resource ARN (model: `AmazonResourceName` max 1011).
pub const MAX_RESOURCE_ARN_LEN: usize = 1011;
/// Longest metric or subscription filter name (model: `FilterName` max 512).
pub const MAX_FILTER_NAME_LEN: usize = 512;
/// Longest metric name or namespace (model: `MetricName`, `MetricNamespace` max 255).
pub const MAX_METRIC_NAME_LEN: usize = 255;
/// Longest `metricValue` (model: `MetricValue` max 100).
pub const MAX_METRIC_VALUE_LEN: usize = 100;
/// Longest metric dimension key or value (model: `DimensionsKey`, `DimensionsValue` max 255).
pub const MAX_DIMENSION_LEN: usize = 255;
/// Most dimensions on one metric filter (model doc of `MetricTransformation.dimensions`: "up to
/// three dimensions").
pub const MAX_METRIC_DIMENSIONS: usize = 3;
/// Most metric transformations on one metric filter (model: `MetricTransformations` max 1).
pub const MAX_METRIC_TRANSFORMATIONS: usize = 1;
/// Longest `fieldSelectionCriteria` (model: `FieldSelectionCriteria` max 2000).
pub const MAX_FIELD_SELECTION_CRITERIA_LEN: usize = 2000;

/// Most log groups one Logs Insights query reads (model doc of StartQuery: "up to 50").
pub const MAX_QUERY_GROUPS: usize = 50;
/// Longest Logs Insights query (model: `QueryString` max 10000).
pub const MAX_QUERY_STRING_LEN: usize = 10_000;
/// Most rows a query returns (model: `EventsLimitStartQuery` max 100000).
pub const MAX_QUERY_ROWS: usize = 100_000;
/// Most rows one GetQueryResults page holds, also a query's default row limit (model:
/// `GetQueryResultsMaxItems` max 10000; docs of `limit`: "defaults to returning up to 10,000").
pub const MAX_QUERY_RESULTS_PAGE: usize = 10_000;
/// Most queries running at once (model doc of StartQuery: "up to 100 concurrent CloudWatch
/// Logs insights queries").
pub const MAX_RUNNING_QUERIES: usize = 100;
/// Largest `maxResults` of DescribeQueries, also its default (model:
/// `DescribeQueriesMaxResults` max 1000).
pub const MAX_DESCRIBE_QUERIES_RESULTS: usize = 1000;

/// How long a Logs Insights query may run (model doc of StartQuery: "Queries time out after
/// 60 minutes of runtime").
pub const QUERY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// Smallest and largest `maxResults` of ListLogGroupsForQuery; the smallest is also its
/// default (model: `ListLogGroupsForQueryMaxResults` 50..=500).
pub const LOG_GROUPS_FOR_QUERY_RESULTS: (i64, i64) = (50, 500);
/// Most saved queries per region (CloudWatch Logs quotas: "1,000 saved queries").
pub const MAX_QUERY_DEFINITIONS: usize = 1000;
/// Most parameters of a saved query (model: `QueryParameterList` max 20).
pub const MAX_QUERY_PARAMETERS: usize = 20;
/// Longest query definition name (model: `QueryDefinitionName` max 255).
pub const MAX_QUERY_DEFINITION_NAME_LEN: usize = 255;
/// Most subscription filters on one log group (model doc of PutSubscriptionFilter: "Each log
/// group can have up to two subscription filters associated with it").
pub const MAX_SUBSCRIPTION_FILTERS: usize = 2;
/// Longest destination access policy (model doc of `PutDestinationPolicy.accessPolicy`: "This
/// can be up to 5120 bytes").
pub const MAX_ACCESS_POLICY_BYTES: usize = 5120;
/// Most account-scoped resource policies per region (model doc of PutResourcePolicy: "a
/// maximum of 10 policies without resourceARN and one per LogGroup resourceARN").
pub const MAX_ACCOUNT_RESOURCE_POLICIES: usize = 10;
/// Longest resource policy document (model: `PolicyDocument` max 51200).
pub const MAX_POLICY_DOCUMENT_LEN: usize = 51_200;
/// Most account-level transformer policies scoped by `selectionCriteria` (model doc of
/// PutAccountPolicy: "as many as 20"); the same doc gives the next three numbers.
pub const MAX_ACCOUNT_TRANSFORMER_POLICIES: usize = 20;
/// Most account-level field index policies of one selection kind (prefix, or data source).
pub const MAX_ACCOUNT_FIELD_INDEX_POLICIES: usize = 20;
/// Most account-level metric extraction policies scoped by `selectionCriteria`.
pub const MAX_ACCOUNT_METRIC_EXTRACTION_POLICIES: usize = 5;
/// Most account-level retention policies per region.
pub const MAX_ACCOUNT_RETENTION_POLICIES: usize = 20;
/// Longest `selectionCriteria`, in UTF-8 bytes (model doc: "up to 25KB").
pub const MAX_SELECTION_CRITERIA_BYTES: usize = 25 * 1024;
/// Most values in one `IN` / `NOT IN` list of a `selectionCriteria` (model doc: "up to 50").
pub const MAX_SELECTION_CRITERIA_VALUES: usize = 50;
/// Shortest retention of an account-level retention policy (model doc: "a minimum retention
/// period of 30 days").
pub const MIN_ACCOUNT_RETENTION_DAYS: i32 = 30;
/// Longest export task name (model: `ExportTaskName` max 512).
pub const MAX_EXPORT_TASK_NAME_LEN: usize = 512;
/// Longest export task id (model: `ExportTaskId` max 512).
pub const MAX_EXPORT_TASK_ID_LEN: usize = 512;
/// Longest data protection policy document ("The limit for a data protection policy is 30,720
/// characters": model doc of PutDataProtectionPolicy and the user guide).
pub const MAX_DATA_PROTECTION_POLICY_LEN: usize = 30_720;
/// Most custom data identifiers in one data protection policy (user guide, "Custom data
/// identifier constraints"; so are the two below).
pub const MAX_CUSTOM_DATA_IDENTIFIERS: usize = 10;
/// Longest custom data identifier name.
pub const MAX_CUSTOM_DATA_IDENTIFIER_NAME_LEN: usize = 128;
/// Longest custom data identifier regex.
pub const MAX_CUSTOM_DATA_IDENTIFIER_REGEX_LEN: usize = 200;

// The emulator's own bounds (not AWS's numbers): what one request may cost.

/// Events one FilterLogEvents page may scan before it answers with what it found and a
/// `nextToken` (AWS allows partial and empty pages): about 0.2 s with a term pattern,
/// measured by `make bench`.
pub const MAX_SEARCH_SCAN_EVENTS: usize = 5_000_000;
/// Message bytes one FilterLogEvents page may scan.
pub const MAX_SEARCH_SCAN_BYTES: usize = 512 << 20;
/// Past data protection policies a log group (or the account) remembers, so that events
/// ingested under a replaced policy stay masked as AWS masked them at ingestion.
pub const MAX_MASK_WINDOWS: usize = 64;
/// Wall-clock time one FilterLogEvents page may scan, for patterns that are slow per byte.
pub const MAX_SEARCH_SCAN_TIME: std::time::Duration = std::time::Duration::from_secs(1);

/// How long a connection may take to send a request's head (request line and headers),
/// counted from when the server starts waiting for it. hyper starts the same wait for the
/// next request on a keep-alive connection, so this is also the idle keep-alive timeout: a
/// connection without a request for this long is closed (SDK connection pools reconnect, as
/// they do when AWS closes an idle connection). Ends slowloris clients.
pub const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);
/// How long a request's body may take to arrive once its head has (an 8 MiB body at a slow
/// 1 Mbit/s takes about 70 s); past it the answer is 408 and the connection is closed.
pub const BODY_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);
/// Most destinations in one region. The model and the docs name no number; this only keeps a
/// runaway test from growing the table without bound.
pub const MAX_DESTINATIONS: usize = 10_000;

// AWS's documented request rates per account and Region (`--quotas aws`), in requests per
// second. Source: the CloudWatch Logs User Guide's "CloudWatch Logs quotas" page
// (docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html; the English
// text as of awsdocs/amazon-cloudwatch-logs-user-guide doc_source/cloudwatch_limits_cwl.md
// at f7d74a6, and the current French translation of the same page for the create/delete
// rows). README's quota table lists the same rows.

/// CreateLogGroup: 5 TPS per account and Region.
pub const RATE_CREATE_LOG_GROUP: f64 = 5.0;
/// CreateLogStream: 50 TPS per account and Region.
pub const RATE_CREATE_LOG_STREAM: f64 = 50.0;
/// DeleteLogGroup: 5 TPS per account and Region.
pub const RATE_DELETE_LOG_GROUP: f64 = 5.0;
/// DeleteLogStream: 5 TPS per account and Region.
pub const RATE_DELETE_LOG_STREAM: f64 = 5.0;
/// DescribeLogGroups: 5 TPS per account and Region.
pub const RATE_DESCRIBE_LOG_GROUPS: f64 = 5.0;
/// DescribeLogStreams: 5 TPS per account and Region (the quotas page; the API reference's
/// DescribeLogStreams page says 25).
pub const RATE_DESCRIBE_LOG_STREAMS: f64 = 5.0;
/// FilterLogEvents: 5 TPS per account and Region ("can't be changed").
pub const RATE_FILTER_LOG_EVENTS: f64 = 5.0;
/// GetLogEvents: 10 requests per second per account and Region ("can't be changed").
pub const RATE_GET_LOG_EVENTS: f64 = 10.0;
/// PutLogEvents: 800 TPS per account and Region ...
pub const RATE_PUT_LOG_EVENTS: f64 = 800.0;
/// ... except 1,500 TPS in US East (N. Virginia), US West (Oregon) and Europe (Ireland).
pub const RATE_PUT_LOG_EVENTS_LARGE_REGIONS: f64 = 1_500.0;
/// The Regions with the larger PutLogEvents rate.
pub const PUT_LOG_EVENTS_LARGE_REGIONS: [&str; 3] = ["us-east-1", "us-west-2", "eu-west-1"];

/// Most log groups `SOURCE logGroups(...)` may select (the SOURCE page: past 10,000 the query
/// is refused and asks for another way to choose groups).
pub const MAX_SOURCE_LOG_GROUPS: usize = 10_000;
// Vended-log deliveries (PutDeliverySource & co). The model bounds names and lists; AWS's
// quota page names no count of sources, destinations or deliveries, so the counts below are
// the emulator's own bound against runaway tests.

/// Longest delivery source or delivery destination name (model: `DeliverySourceName`,
/// `DeliveryDestinationName`).
pub const MAX_DELIVERY_NAME_LEN: usize = 60;
/// Largest `limit` of DescribeDeliverySources, DescribeDeliveryDestinations,
/// DescribeDeliveries and DescribeConfigurationTemplates (model: `DescribeLimit`).
pub const MAX_DELIVERY_DESCRIBE_LIMIT: i64 = 50;
/// Most record fields a delivery names (model: `RecordFields`).
pub const MAX_RECORD_FIELDS: usize = 128;
/// Longest record field name (model: `FieldHeader`).
pub const MAX_RECORD_FIELD_LEN: usize = 64;
/// Longest field delimiter (model: `FieldDelimiter`).
pub const MAX_FIELD_DELIMITER_LEN: usize = 5;
/// Longest S3 suffix path (model: `DeliverySuffixPath`).
pub const MAX_SUFFIX_PATH_LEN: usize = 256;
/// Longest delivery destination policy (model: `DeliveryDestinationPolicy`).
pub const MAX_DELIVERY_DESTINATION_POLICY_LEN: usize = 51_200;
/// Most names in a Describe* filter list (model: `FilterResourceArns`,
/// `DeliveryDestinationNames`, `DeliverySourceNames`).
pub const MAX_DELIVERY_FILTER_NAMES: usize = 20;
/// Most delivery sources, destinations or deliveries in one region (the emulator's bound).
pub const MAX_DELIVERY_RESOURCES: usize = 10_000;
/// Records one `POST /_cwlogs/vended` request may emit (the emulator's bound: one
/// PutLogEvents batch).
pub const MAX_VENDED_RECORDS: usize = 10_000;

// Lookup tables (CreateLookupTable & co).

/// Longest lookup table name (model: `LookupTableName`).
pub const MAX_LOOKUP_TABLE_NAME_LEN: usize = 256;
/// Longest lookup table description (model: `LookupTableDescription`).
pub const MAX_LOOKUP_TABLE_DESCRIPTION_LEN: usize = 1024;
/// Largest table body, in characters (model: `TableBody`; the docs: "not exceed 10 MB").
pub const MAX_LOOKUP_TABLE_BODY_LEN: usize = 10_485_760;
/// Largest `maxResults` of DescribeLookupTables (model: `DescribeLookupTablesMaxResults`).
pub const MAX_DESCRIBE_LOOKUP_TABLES: i64 = 100;
/// Most lookup tables in one region. The docs name no number; the emulator's bound.
pub const MAX_LOOKUP_TABLES: usize = 10_000;

// Integrations (PutIntegration & co).

/// Integrations one account may have: "currently you can have only one integration in your
/// account" (PutIntegration's documentation).
pub const MAX_INTEGRATIONS: usize = 1;
/// Longest integration name (model: `IntegrationName`).
pub const MAX_INTEGRATION_NAME_LEN: usize = 50;
/// How long a new integration stays PROVISIONING before it is ACTIVE, on the emulator's
/// clock (AWS takes minutes; the emulator's own number, short enough for a test to wait).
pub const INTEGRATION_PROVISIONING_MILLIS: i64 = 5_000;
/// Largest `maxResults` of ListSourcesForS3TableIntegration (model).
pub const MAX_S3_TABLE_SOURCES_PAGE: i64 = 100;
/// Most data sources associated with S3 table integrations in one region (the emulator's
/// bound).
pub const MAX_S3_TABLE_SOURCES: usize = 10_000;

// Scheduled queries (CreateScheduledQuery & co).

/// Longest scheduled query name (model: `ScheduledQueryName`).
pub const MAX_SCHEDULED_QUERY_NAME_LEN: usize = 300;
/// Longest scheduled query description (model: `ScheduledQueryDescription`).
pub const MAX_SCHEDULED_QUERY_DESCRIPTION_LEN: usize = 1024;
/// Longest schedule expression (model: `ScheduleExpression`).
pub const MAX_SCHEDULE_EXPRESSION_LEN: usize = 256;
/// Most log groups a scheduled query reads (model: `ScheduledQueryLogGroupIdentifiers`).
pub const MAX_SCHEDULED_QUERY_GROUPS: usize = 50;
/// Largest `maxResults` of ListScheduledQueries and GetScheduledQueryHistory (model).
pub const MAX_SCHEDULED_QUERY_PAGE: i64 = 1000;
/// Most scheduled queries in one region (the emulator's bound).
pub const MAX_SCHEDULED_QUERIES: usize = 10_000;
/// Runs a scheduled query remembers (the emulator's bound; the oldest go first).
pub const MAX_SCHEDULED_QUERY_HISTORY: usize = 1000;
/// Missed runs one scheduler pass catches up per query (after a long clock jump the older
/// ones are skipped).
pub const MAX_SCHEDULED_CATCH_UP: usize = 100;
/// How often the scheduler looks at the clock (real time).
pub const SCHEDULER_PERIOD: std::time::Duration = std::time::Duration::from_millis(200);
/// The most processors in a transformer (model: `Processors` max 20).
pub const MAX_TRANSFORMER_PROCESSORS: usize = 20;

/// The most messages TestTransformer takes (model: `TestEventMessages` max 50).
pub const MAX_TEST_TRANSFORMER_MESSAGES: usize = 50;

/// The most fields an index policy can include (PutIndexPolicy model documentation).
pub const MAX_INDEX_POLICY_FIELDS: usize = 20;

/// The most characters of an indexed field's name (PutIndexPolicy model documentation).
pub const MAX_INDEX_FIELD_NAME_LEN: usize = 100;

/// The longest index policy document (model: `PolicyDocument` max 51200).
pub const MAX_INDEX_POLICY_DOCUMENT_LEN: usize = 51_200;

/// The most groups DescribeFieldIndexes takes (model: max 100).
pub const MAX_DESCRIBE_FIELD_INDEXES_GROUPS: usize = 100;

/// The emulator's page size for DescribeFieldIndexes, which has no limit member (AWS does
/// not document its own).
pub const FIELD_INDEXES_PAGE: usize = 1000;

/// The most syslog configurations ListSyslogConfigurations returns (model: max 50).
pub const MAX_LIST_SYSLOG_CONFIGURATIONS: i64 = 50;
/// Most log groups one StartLiveTail session follows (`StartLiveTailLogGroupIdentifiers`:
/// 1–10 in the model).
pub const MAX_LIVE_TAIL_GROUPS: usize = 10;
/// Most events in one `sessionUpdate`; above it the second's events are sampled down to it
/// and `sampled` is true (StartLiveTail API reference).
pub const LIVE_TAIL_MAX_UPDATE_EVENTS: usize = 500;
/// How often a Live Tail session sends a `sessionUpdate` (StartLiveTail API reference: every
/// second, empty when nothing arrived).
pub const LIVE_TAIL_UPDATE_PERIOD: std::time::Duration = std::time::Duration::from_secs(1);
/// Most updates buffered for a slow reader before the oldest are dropped (StartLiveTail API
/// reference: "up to 10 LiveTailSessionUpdate events or 5000 log events").
pub const LIVE_TAIL_BUFFERED_UPDATES: usize = 10;
/// Most events buffered for a slow reader (see [`LIVE_TAIL_BUFFERED_UPDATES`]).
pub const LIVE_TAIL_BUFFERED_EVENTS: usize = 5_000;
/// How long a Live Tail session lasts before SessionTimeoutException (StartLiveTail API
/// reference: three hours); `--live-tail-timeout` changes it.
pub const LIVE_TAIL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3 * 60 * 60);
/// Longest `logObjectPointer` of GetLogObject (`LogObjectPointer`: 1–512 in the model).
pub const MAX_LOG_OBJECT_POINTER_LEN: usize = 512;
/// ListLogGroups `limit` (model: `ListLimit`, 1-1000).
pub const MAX_LIST_LOG_GROUPS_LIMIT: i64 = 1000;
/// ListLogGroups' page size without a `limit` (model documentation: "up to 50").
pub const DEFAULT_LIST_LOG_GROUPS_LIMIT: usize = 50;
/// Longest ListLogGroups `logGroupNamePattern` (model: `LogGroupNameRegexPattern`, 3-129).
pub const MAX_LIST_LOG_GROUPS_PATTERN_LEN: usize = 129;
/// ListLogGroups `dataSources` entries (model: `DataSourceFilters`, 1-5).
pub const MAX_LIST_LOG_GROUPS_DATA_SOURCES: usize = 5;
/// ListLogGroups `fieldIndexNames` entries (model: `FieldIndexNames`, 1-20).
pub const MAX_LIST_LOG_GROUPS_FIELD_INDEX_NAMES: usize = 20;
/// ListLogGroups `logGroupTags` entries (model: `TagFilters`, 1-5).
pub const MAX_LIST_LOG_GROUPS_TAG_FILTERS: usize = 5;
/// Values of one ListLogGroups tag filter (model: `TagFilterValues`, 0-5).
pub const MAX_TAG_FILTER_VALUES: usize = 5;
/// Log anomaly detectors per account and region (the Service Quotas page of CloudWatch Logs:
/// 500 anomaly detectors).
pub const MAX_ANOMALY_DETECTORS: usize = 500;
/// ListLogAnomalyDetectors' and ListAnomalies' largest `limit` (the model: 1–50).
pub const MAX_ANOMALY_LIST_LIMIT: i64 = 50;
/// `anomalyVisibilityTime` in days: 7–90 (the model); the default AWS shows (aws-cli's
/// get-log-anomaly-detector example) is 7.
pub const ANOMALY_VISIBILITY_DAYS: (i64, i64, i64) = (7, 90, 7);
/// `filterPattern` of an anomaly detector: at most 1024 characters (the model).
pub const MAX_ANOMALY_FILTER_PATTERN_LEN: usize = 1024;
/// Import tasks in progress at once per account (CreateImportTask API reference: "no more
/// than 3 active imports per account at a given time").
pub const MAX_ACTIVE_IMPORT_TASKS: usize = 3;
/// Longest import id (model: `ImportId`, 1-256).
pub const MAX_IMPORT_ID_LEN: usize = 256;
/// DescribeImportTasks' page size without a `limit` (model documentation: "Default: 50").
pub const DEFAULT_IMPORT_TASKS_LIMIT: usize = 50;
/// DescribeImportTaskBatches' page size without a `limit` (model documentation: "Default: 10").
pub const DEFAULT_IMPORT_BATCHES_LIMIT: usize = 10;
/// `limit` of both import Describe calls (model: `DescribeLimit`, 1-50).
pub const MAX_IMPORT_DESCRIBE_LIMIT: i64 = 50;
/// Rows an import asks CloudTrail's GetQueryResults for at once (its `MaxQueryResults`
/// allows 1-1000).
pub const IMPORT_QUERY_PAGE: i64 = 1000;
/// How often an import asks whether its CloudTrail Lake query has finished.
pub const IMPORT_POLL_INTERVAL: std::time::Duration = std::time::Duration::from_millis(50);
/// How long an import waits for its CloudTrail Lake query before it fails.
pub const IMPORT_QUERY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);
/// Records in one Firehose PutRecordBatch (Firehose API reference: up to 500 records).
pub const MAX_FIREHOSE_BATCH_RECORDS: usize = 500;
/// Bytes in one Firehose PutRecordBatch (Firehose API reference: up to 4 MiB per call).
pub const MAX_FIREHOSE_BATCH_BYTES: usize = 4 * 1024 * 1024;
/// Trace documents in one X-Ray PutTraceSegments call a vended-traces delivery sends. The API
/// reference states no count; 50 is the batch of AWS's X-Ray daemon (UNVERIFIED for the
/// delivery service).
pub const MAX_XRAY_BATCH_DOCUMENTS: usize = 50;
/// ListAggregateLogGroupSummaries `limit` (model: `ListLogGroupsRequestLimit`, 1-50).
pub const MAX_AGGREGATE_SUMMARIES_LIMIT: i64 = 50;
/// ListAggregateLogGroupSummaries' page size without a `limit` (model documentation: "up to
/// 50").
pub const DEFAULT_AGGREGATE_SUMMARIES_LIMIT: usize = 50;
/// The events GetLogFields reads to find a data source's fields, newest first (the
/// emulator's bound: AWS documents none).
pub const MAX_LOG_FIELDS_SAMPLE: usize = 100_000;

/// The most distinct key values the right-hand side of an Insights `join` may hold (the Join
/// page: "limited to 50,000 to ensure query performance").
pub const MAX_JOIN_RIGHT_KEYS: usize = 50_000;

/// The most rows an Insights `appendcols` may process (the Appendcols page: `max`, 1-100000).
pub const MAX_APPENDCOLS_ROWS: usize = 100_000;
/// The rows `appendcols` processes without `max=` (the Appendcols page: default 10000).
pub const DEFAULT_APPENDCOLS_ROWS: usize = 10_000;
/// The most buckets an Insights `histogram(field, buckets)` takes (the emulator's choice: the
/// time-series functions page gives none).
pub const MAX_HISTOGRAM_BUCKETS: usize = 1000;
