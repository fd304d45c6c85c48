//! `X-Amz-Target` → [`Operation`]. The list of every CloudWatch Logs operation (from the model)
//! lets us tell "not implemented here yet" apart from "no such operation".

use crate::error::LogsError;

/// The target prefix of CloudWatch Logs (model metadata `targetPrefix`).
pub const TARGET_PREFIX: &str = "Logs_20140328";

macro_rules! operations {
    ($($name:ident),* $(,)?) => {
        /// The operations this emulator implements.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Operation {
            $(
                #[doc = concat!("`", stringify!($name), "`")]
                $name,
            )*
        }

        impl Operation {
            /// Every implemented operation.
            #[cfg(test)]
            pub const IMPLEMENTED: &'static [Operation] = &[$(Operation::$name),*];

            /// The operation's name as it appears in `X-Amz-Target`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Operation::$name => stringify!($name),)*
                }
            }

            /// The implemented operation called `name`, if any.
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $(stringify!($name) => Some(Operation::$name),)*
                    _ => None,
                }
            }
        }
    };
}

operations! {
    CreateLogGroup,
    DeleteLogGroup,
    DescribeLogGroups,
    CreateLogStream,
    DeleteLogStream,
    DescribeLogStreams,
    PutLogEvents,
    GetLogEvents,
    PutRetentionPolicy,
    DeleteRetentionPolicy,
    TagResource,
    UntagResource,
    ListTagsForResource,
    TagLogGroup,
    UntagLogGroup,
    ListTagsLogGroup,
    FilterLogEvents,
    TestMetricFilter,
    PutMetricFilter,
    DescribeMetricFilters,
    DeleteMetricFilter,
    StartQuery,
    GetQueryResults,
    StopQuery,
    DescribeQueries,
    GetLogRecord,
    GetLogGroupFields,
    ListLogGroupsForQuery,
    PutQueryDefinition,
    DescribeQueryDefinitions,
    DeleteQueryDefinition,
    PutSubscriptionFilter,
    DescribeSubscriptionFilters,
    DeleteSubscriptionFilter,
    PutDestination,
    PutDestinationPolicy,
    DescribeDestinations,
    DeleteDestination,
    AssociateKmsKey,
    DisassociateKmsKey,
    PutLogGroupDeletionProtection,
    PutBearerTokenAuthentication,
    PutResourcePolicy,
    DescribeResourcePolicies,
    DeleteResourcePolicy,
    PutDataProtectionPolicy,
    GetDataProtectionPolicy,
    DeleteDataProtectionPolicy,
    PutAccountPolicy,
    DescribeAccountPolicies,
    DeleteAccountPolicy,
    CreateExportTask,
    DescribeExportTasks,
    CancelExportTask,
    PutDeliverySource,
    GetDeliverySource,
    DescribeDeliverySources,
    DeleteDeliverySource,
    PutDeliveryDestination,
    GetDeliveryDestination,
    DescribeDeliveryDestinations,
    DeleteDeliveryDestination,
    PutDeliveryDestinationPolicy,
    GetDeliveryDestinationPolicy,
    DeleteDeliveryDestinationPolicy,
    CreateDelivery,
    GetDelivery,
    DescribeDeliveries,
    DeleteDelivery,
    UpdateDeliveryConfiguration,
    DescribeConfigurationTemplates,
    CreateLookupTable,
    GetLookupTable,
    UpdateLookupTable,
    DeleteLookupTable,
    DescribeLookupTables,
    PutIntegration,
    GetIntegration,
    DeleteIntegration,
    ListIntegrations,
    AssociateSourceToS3TableIntegration,
    DisassociateSourceFromS3TableIntegration,
    ListSourcesForS3TableIntegration,
    CreateScheduledQuery,
    GetScheduledQuery,
    UpdateScheduledQuery,
    DeleteScheduledQuery,
    ListScheduledQueries,
    GetScheduledQueryHistory,
    PutTransformer,
    GetTransformer,
    DeleteTransformer,
    TestTransformer,
    PutIndexPolicy,
    DescribeIndexPolicies,
    DeleteIndexPolicy,
    DescribeFieldIndexes,
    PutSyslogConfiguration,
    ListSyslogConfigurations,
    DeleteSyslogConfiguration,
    PutStorageTierPolicy,
    GetStorageTierPolicy,
    StartLiveTail,
    GetLogObject,
    ListLogGroups,
    CreateLogAnomalyDetector,
    GetLogAnomalyDetector,
    UpdateLogAnomalyDetector,
    DeleteLogAnomalyDetector,
    ListLogAnomalyDetectors,
    ListAnomalies,
    UpdateAnomaly,
    CreateImportTask,
    DescribeImportTasks,
    DescribeImportTaskBatches,
    CancelImportTask,
    GetLogFields,
    ListAggregateLogGroupSummaries,
}

impl Operation {
    /// Whether the operation evaluates a filter pattern over caller-chosen data, or waits on
    /// another service (`--check-destinations`, the S3 bucket check), and so belongs off the
    /// async workers.
    pub fn is_search(self) -> bool {
        matches!(
            self,
            Operation::FilterLogEvents
                | Operation::TestMetricFilter
                | Operation::PutMetricFilter
                | Operation::PutSubscriptionFilter
                | Operation::CreateExportTask
                | Operation::ListAnomalies
                | Operation::UpdateAnomaly
                | Operation::UpdateLogAnomalyDetector
                | Operation::CreateImportTask
        )
    }
}

impl Operation {
    /// Whether a successful call changes state, and so is journaled under `--data-dir` (and
    /// replayed at startup). Every operation is listed: a new one does not compile until it
    /// is classified here, which is all its durability needs.
    pub fn changes_state(self) -> bool {
        use Operation::*;
        match self {
            CreateLogGroup
            | DeleteLogGroup
            | CreateLogStream
            | DeleteLogStream
            | PutLogEvents
            | PutRetentionPolicy
            | DeleteRetentionPolicy
            | TagResource
            | UntagResource
            | TagLogGroup
            | UntagLogGroup
            | PutMetricFilter
            | DeleteMetricFilter
            | StartQuery
            | StopQuery
            | PutQueryDefinition
            | DeleteQueryDefinition
            | PutSubscriptionFilter
            | DeleteSubscriptionFilter
            | PutDestination
            | PutDestinationPolicy
            | DeleteDestination
            | AssociateKmsKey
            | DisassociateKmsKey
            | PutLogGroupDeletionProtection
            | PutBearerTokenAuthentication
            | PutResourcePolicy
            | DeleteResourcePolicy
            | PutDataProtectionPolicy
            | DeleteDataProtectionPolicy
            | PutAccountPolicy
            | DeleteAccountPolicy
            | CreateExportTask
            | CancelExportTask
            | PutDeliverySource
            | DeleteDeliverySource
            | PutDeliveryDestination
            | DeleteDeliveryDestination
            | PutDeliveryDestinationPolicy
            | DeleteDeliveryDestinationPolicy
            | CreateDelivery
            | DeleteDelivery
            | UpdateDeliveryConfiguration
            | CreateLookupTable
            | UpdateLookupTable
            | DeleteLookupTable
            | PutIntegration
            | DeleteIntegration
            | AssociateSourceToS3TableIntegration
            | DisassociateSourceFromS3TableIntegration
            | CreateScheduledQuery
            | UpdateScheduledQuery
            | DeleteScheduledQuery
            | PutTransformer
            | DeleteTransformer
            | PutIndexPolicy
            | DeleteIndexPolicy
            | PutSyslogConfiguration
            | DeleteSyslogConfiguration
            | PutStorageTierPolicy
            | CreateLogAnomalyDetector
            | UpdateLogAnomalyDetector
            | DeleteLogAnomalyDetector
            | UpdateAnomaly
            | CreateImportTask
            | CancelImportTask => true,
            DescribeLogGroups
            | DescribeLogStreams
            | GetLogEvents
            | ListTagsForResource
            | ListTagsLogGroup
            | FilterLogEvents
            | TestMetricFilter
            | DescribeMetricFilters
            | GetQueryResults
            | DescribeQueries
            | GetLogRecord
            | GetLogGroupFields
            | ListLogGroupsForQuery
            | DescribeQueryDefinitions
            | DescribeSubscriptionFilters
            | DescribeDestinations
            | DescribeResourcePolicies
            | GetDataProtectionPolicy
            | DescribeAccountPolicies
            | DescribeExportTasks
            | GetDeliverySource
            | DescribeDeliverySources
            | GetDeliveryDestination
            | DescribeDeliveryDestinations
            | GetDeliveryDestinationPolicy
            | GetDelivery
            | DescribeDeliveries
            | DescribeConfigurationTemplates
            | GetLookupTable
            | DescribeLookupTables
            | GetIntegration
            | ListIntegrations
            | ListSourcesForS3TableIntegration
            | GetScheduledQuery
            | ListScheduledQueries
            | GetScheduledQueryHistory
            | GetTransformer
            | TestTransformer
            | DescribeIndexPolicies
            | DescribeFieldIndexes
            | ListSyslogConfigurations
            | GetStorageTierPolicy
            | StartLiveTail
            | GetLogAnomalyDetector
            | ListLogAnomalyDetectors
            | ListAnomalies
            | ListLogGroups
            | GetLogObject
            | DescribeImportTasks
            | DescribeImportTaskBatches
            | GetLogFields
            | ListAggregateLogGroupSummaries => false,
        }
    }
}

/// Every operation in the CloudWatch Logs API model (botocore 1.44.18, `logs/2014-03-28`).
pub const ALL_OPERATIONS: [&str; 118] = [
    "AssociateKmsKey",
    "AssociateSourceToS3TableIntegration",
    "CancelExportTask",
    "CancelImportTask",
    "CreateDelivery",
    "CreateExportTask",
    "CreateImportTask",
    "CreateLogAnomalyDetector",
    "CreateLogGroup",
    "CreateLogStream",
    "CreateLookupTable",
    "CreateScheduledQuery",
    "DeleteAccountPolicy",
    "DeleteDataProtectionPolicy",
    "DeleteDelivery",
    "DeleteDeliveryDestination",
    "DeleteDeliveryDestinationPolicy",
    "DeleteDeliverySource",
    "DeleteDestination",
    "DeleteIndexPolicy",
    "DeleteIntegration",
    "DeleteLogAnomalyDetector",
    "DeleteLogGroup",
    "DeleteLogStream",
    "DeleteLookupTable",
    "DeleteMetricFilter",
    "DeleteQueryDefinition",
    "DeleteResourcePolicy",
    "DeleteRetentionPolicy",
    "DeleteScheduledQuery",
    "DeleteSubscriptionFilter",
    "DeleteSyslogConfiguration",
    "DeleteTransformer",
    "DescribeAccountPolicies",
    "DescribeConfigurationTemplates",
    "DescribeDeliveries",
    "DescribeDeliveryDestinations",
    "DescribeDeliverySources",
    "DescribeDestinations",
    "DescribeExportTasks",
    "DescribeFieldIndexes",
    "DescribeImportTaskBatches",
    "DescribeImportTasks",
    "DescribeIndexPolicies",
    "DescribeLogGroups",
    "DescribeLogStreams",
    "DescribeLookupTables",
    "DescribeMetricFilters",
    "DescribeQueries",
    "DescribeQueryDefinitions",
    "DescribeResourcePolicies",
    "DescribeSubscriptionFilters",
    "DisassociateKmsKey",
    "DisassociateSourceFromS3TableIntegration",
    "FilterLogEvents",
    "GetDataProtectionPolicy",
    "GetDelivery",
    "GetDeliveryDestination",
    "GetDeliveryDestinationPolicy",
    "GetDeliverySource",
    "GetIntegration",
    "GetLogAnomalyDetector",
    "GetLogEvents",
    "GetLogFields",
    "GetLogGroupFields",
    "GetLogObject",
    "GetLogRecord",
    "GetLookupTable",
    "GetQueryResults",
    "GetScheduledQuery",
    "GetScheduledQueryHistory",
    "GetStorageTierPolicy",
    "GetTransformer",
    "ListAggregateLogGroupSummaries",
    "ListAnomalies",
    "ListIntegrations",
    "ListLogAnomalyDetectors",
    "ListLogGroups",
    "ListLogGroupsForQuery",
    "ListScheduledQueries",
    "ListSourcesForS3TableIntegration",
    "ListSyslogConfigurations",
    "ListTagsForResource",
    "ListTagsLogGroup",
    "PutAccountPolicy",
    "PutBearerTokenAuthentication",
    "PutDataProtectionPolicy",
    "PutDeliveryDestination",
    "PutDeliveryDestinationPolicy",
    "PutDeliverySource",
    "PutDestination",
    "PutDestinationPolicy",
    "PutIndexPolicy",
    "PutIntegration",
    "PutLogEvents",
    "PutLogGroupDeletionProtection",
    "PutMetricFilter",
    "PutQueryDefinition",
    "PutResourcePolicy",
    "PutRetentionPolicy",
    "PutStorageTierPolicy",
    "PutSubscriptionFilter",
    "PutSyslogConfiguration",
    "PutTransformer",
    "StartLiveTail",
    "StartQuery",
    "StopQuery",
    "TagLogGroup",
    "TagResource",
    "TestMetricFilter",
    "TestTransformer",
    "UntagLogGroup",
    "UntagResource",
    "UpdateAnomaly",
    "UpdateDeliveryConfiguration",
    "UpdateLogAnomalyDetector",
    "UpdateLookupTable",
    "UpdateScheduledQuery",
];

/// Resolves an `X-Amz-Target` header value to an operation.
pub fn parse_target(target: Option<&str>) -> Result<Operation, LogsError> {
    let Some(target) = target else {
        return Err(LogsError::UnknownOperation(
            "Missing X-Amz-Target header: expected Logs_20140328.<Operation>".into(),
        ));
    };
    let name = target
        .strip_prefix(TARGET_PREFIX)
        .and_then(|rest| rest.strip_prefix('.'))
        .ok_or_else(|| {
            LogsError::UnknownOperation(format!("Unrecognized operation target: {target}"))
        })?;
    if let Some(operation) = Operation::from_name(name) {
        return Ok(operation);
    }
    Err(LogsError::UnknownOperation(format!(
        "Unrecognized operation: {name}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_implemented_operation_is_a_real_one_and_parses() {
        for op in Operation::IMPLEMENTED {
            assert!(
                ALL_OPERATIONS.contains(&op.name()),
                "{op:?} is not in the model"
            );
            let target = format!("{TARGET_PREFIX}.{}", op.name());
            assert_eq!(parse_target(Some(&target)), Ok(*op));
        }
    }

    #[test]
    fn reads_are_not_journaled_and_writes_are() {
        // The verb tells: a Describe/Get/List/Test/Filter never changes state; everything
        // else implemented here does. A new operation whose verb breaks this rule must be
        // looked at (and this test extended), not silently classified.
        for &op in Operation::IMPLEMENTED {
            // StartLiveTail only watches: it starts a session, not a resource.
            let reads = ["Describe", "Get", "List", "Test", "Filter"]
                .iter()
                .any(|verb| op.name().starts_with(verb))
                || op == Operation::StartLiveTail;
            assert_eq!(op.changes_state(), !reads, "{}", op.name());
        }
    }

    #[test]
    fn unknown_targets_and_model_operations_are_told_apart() {
        assert!(matches!(
            parse_target(None),
            Err(LogsError::UnknownOperation(_))
        ));
        assert!(matches!(
            parse_target(Some("Logs_20140328.Frobnicate")),
            Err(LogsError::UnknownOperation(_))
        ));
        assert!(matches!(
            parse_target(Some("DynamoDB_20120810.CreateLogGroup")),
            Err(LogsError::UnknownOperation(_))
        ));
        // Every operation of the model is implemented.
        assert_eq!(Operation::IMPLEMENTED.len(), ALL_OPERATIONS.len());
        for name in ALL_OPERATIONS {
            let operation = parse_target(Some(&format!("Logs_20140328.{name}")));
            assert_eq!(operation.map(|op| op.name()), Ok(name));
        }
    }
}
