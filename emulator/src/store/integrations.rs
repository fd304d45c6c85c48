//! Integrations (PutIntegration & co: the account's one OpenSearch Service integration, with
//! its PROVISIONING → ACTIVE lifecycle on the emulator's clock) and the data sources
//! associated with S3 Table integrations. Stored and described; nothing is provisioned.

use super::resources::Resource;
use crate::error::LogsError;
use crate::limits::{INTEGRATION_PROVISIONING_MILLIS, MAX_INTEGRATIONS, MAX_S3_TABLE_SOURCES};

/// `resourceConfig.openSearchResourceConfig`, as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenSearchConfig {
    /// `kmsKeyArn`.
    pub kms_key_arn: Option<String>,
    /// `dataSourceRoleArn`.
    pub data_source_role_arn: String,
    /// `dashboardViewerPrincipals`.
    pub dashboard_viewer_principals: Vec<String>,
    /// `applicationArn`.
    pub application_arn: Option<String>,
    /// `retentionDays`.
    pub retention_days: i64,
}

/// An integration (only OpenSearch exists in the model).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integration {
    /// Its name (the key).
    pub name: String,
    /// Its configuration.
    pub config: OpenSearchConfig,
    /// When it was put, epoch milliseconds.
    pub created: i64,
}

impl Integration {
    /// `PROVISIONING` for [`INTEGRATION_PROVISIONING_MILLIS`] after it was put, then `ACTIVE`.
    pub fn status(&self, now: i64) -> &'static str {
        if now - self.created < INTEGRATION_PROVISIONING_MILLIS {
            "PROVISIONING"
        } else {
            "ACTIVE"
        }
    }
}

impl Resource for Integration {
    const LISTING: &'static str = "ListIntegrations";
    const LIMIT: usize = MAX_INTEGRATIONS;
    fn key(&self) -> &str {
        &self.name
    }
    fn not_found() -> LogsError {
        LogsError::ResourceNotFound("The specified integration does not exist.".into())
    }
    fn limit_exceeded() -> LogsError {
        LogsError::LimitExceeded(
            "Only one integration is allowed per account; delete the existing one first.".into(),
        )
    }
}

/// A data source associated with an S3 Table integration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3TableSource {
    /// Its identifier (the key).
    pub identifier: String,
    /// The integration's ARN.
    pub integration_arn: String,
    /// `dataSource.name`.
    pub name: String,
    /// `dataSource.type`.
    pub kind: Option<String>,
    /// When it was associated, epoch milliseconds.
    pub created: i64,
}

impl Resource for S3TableSource {
    const LISTING: &'static str = "ListSourcesForS3TableIntegration";
    const LIMIT: usize = MAX_S3_TABLE_SOURCES;
    fn key(&self) -> &str {
        &self.identifier
    }
    fn not_found() -> LogsError {
        LogsError::ResourceNotFound("The specified data source association does not exist.".into())
    }
}
