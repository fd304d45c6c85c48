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
    CreateLogAnomalyDetector,
    GetLogAnomalyDetector,
    UpdateLogAnomalyDetector,
    DeleteLogAnomalyDetector,
    ListLogAnomalyDetectors,
    ListAnomalies,
    UpdateAnomaly,
}

impl Operation {
    /// Whether the operation evaluates a filter pattern over caller-chosen data, and so may run
    /// long enough to belong off the async workers.
    pub fn is_search(self) -> bool {
        matches!(
            self,
            Operation::FilterLogEvents
                | Operation::TestMetricFilter
                | Operation::PutMetricFilter
                | Operation::PutSubscriptionFilter
                | Operation::ListAnomalies
                | Operation::UpdateAnomaly
                | Operation::UpdateLogAnomalyDetector
        )
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
    if ALL_OPERATIONS.contains(&name) {
        return Err(LogsError::NotImplemented(format!(
            "cwlogs-emulator does not implement the CloudWatch Logs operation {name} yet"
        )));
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
    fn unknown_missing_and_unimplemented_targets_are_told_apart() {
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
        match parse_target(Some("Logs_20140328.StartLiveTail")) {
            Err(LogsError::NotImplemented(message)) => assert!(message.contains("StartLiveTail")),
            other => panic!("{other:?}"),
        }
    }
}
