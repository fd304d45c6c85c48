//! Emulator settings shared by the in-process handle and the binary.

use std::path::PathBuf;
use std::sync::Arc;

use crate::clock::{SharedClock, SystemClock};

/// How PutLogEvents treats `sequenceToken` (`--sequence-tokens strict|ignore` on the binary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SequenceTokenMode {
    /// AWS before January 2023: the token must be the stream's expected one, with
    /// InvalidSequenceTokenException and DataAlreadyAcceptedException otherwise.
    #[default]
    Strict,
    /// AWS since January 2023: any token (or none) is accepted.
    Ignore,
}

/// What an emulator instance needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Region used when a request carries no SigV4 credential scope.
    pub default_region: String,
    /// Account id that ARNs carry.
    pub account_id: String,
    /// How PutLogEvents treats sequence tokens.
    pub sequence_tokens: SequenceTokenMode,
    /// The source of "now".
    pub clock: SharedClock,
    /// A fixture file or folder to preload (see [`crate::fixtures`]).
    pub fixtures: Option<PathBuf>,
    /// The least time a Logs Insights query stays Running, so a test can exercise its
    /// polling loop (zero: a query completes as soon as it has scanned).
    pub query_min_duration: std::time::Duration,
    /// Most subscription deliveries the outbox keeps; past it the oldest are dropped (and
    /// counted).
    pub outbox_size: usize,
    /// Where subscription deliveries are forwarded (none by default).
    pub forward: crate::delivery::Endpoints,
    /// Where metric filters' metrics are sent with PutMetricData (none by default).
    pub cloudwatch_endpoint: Option<String>,
    /// Where CreateExportTask writes: each bucket is a folder of this one.
    pub export_dir: Option<PathBuf>,
    /// The request-rate quotas enforced (none by default).
    pub quotas: crate::quotas::QuotaSource,
    /// A file of fault-injection rules to load at startup (see [`crate::faults`]).
    pub faults: Option<PathBuf>,
    /// How long a Live Tail session lasts before SessionTimeoutException (AWS: three hours).
    pub live_tail_timeout: std::time::Duration,
    /// Where all state is kept across restarts (`--data-dir`); none: memory only.
    pub data_dir: Option<PathBuf>,
    /// Whether PutSubscriptionFilter asks the forwarding endpoint that its destination exists
    /// (off by default).
    pub check_destinations: bool,
    /// An S3-compatible endpoint export tasks, vended S3 deliveries and scheduled-query results
    /// write to (SigV4-signed PutObject).
    pub s3_endpoint: Option<String>,
    /// The CloudTrail endpoint CreateImportTask reads event data stores from (Lake queries
    /// over AWS JSON 1.1, SigV4-signed); without it an import task fails.
    pub cloudtrail_endpoint: Option<String>,
    /// An X-Ray-compatible endpoint that vended traces (deliveries to XRAY destinations) are
    /// sent to with PutTraceSegments.
    pub xray_endpoint: Option<String>,
}

/// How many subscription deliveries the outbox keeps when nothing else is configured.
pub const DEFAULT_OUTBOX_SIZE: usize = 10_000;
/// The region used when none is configured.
pub const DEFAULT_REGION: &str = "us-east-1";
/// The account id used when none is configured (the conventional emulator account).
pub const DEFAULT_ACCOUNT_ID: &str = "000000000000";

impl Default for Config {
    fn default() -> Self {
        Self {
            default_region: DEFAULT_REGION.into(),
            account_id: DEFAULT_ACCOUNT_ID.into(),
            sequence_tokens: SequenceTokenMode::default(),
            clock: Arc::new(SystemClock),
            fixtures: None,
            query_min_duration: std::time::Duration::ZERO,
            outbox_size: DEFAULT_OUTBOX_SIZE,
            forward: crate::delivery::Endpoints::default(),
            cloudwatch_endpoint: None,
            export_dir: None,
            quotas: crate::quotas::QuotaSource::Off,
            faults: None,
            live_tail_timeout: crate::limits::LIVE_TAIL_TIMEOUT,
            data_dir: None,
            check_destinations: false,
            s3_endpoint: None,
            cloudtrail_endpoint: None,
            xray_endpoint: None,
        }
    }
}
