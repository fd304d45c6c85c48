//! Helpers for the Rust SDK (the `sdk` feature).
//!
//! StartLiveTail and GetLogObject carry a host prefix in the model (`stream-`, before April
//! 2026 `streaming-`), which every SDK puts in front of the endpoint: an endpoint override of
//! `http://127.0.0.1:4566` becomes `http://stream-127.0.0.1:4566`, which does not resolve.
//! boto3 and the JS SDK have a switch to leave the prefix out; the Rust SDK has none, so this
//! interceptor takes it off again before the request is signed and sent.
//!
//! ```no_run
//! # async fn example() -> std::io::Result<()> {
//! use aws_sdk_cloudwatchlogs as logs;
//! let emulator = cwlogs_emulator::Emulator::start().await?;
//! let shared = aws_config::defaults(aws_config::BehaviorVersion::latest())
//!     .endpoint_url(emulator.endpoint_url())
//!     .region(aws_config::Region::new("us-east-1"))
//!     .credentials_provider(logs::config::Credentials::for_tests())
//!     .load()
//!     .await;
//! let config = logs::config::Builder::from(&shared)
//!     .interceptor(cwlogs_emulator::sdk::DropHostPrefix)
//!     .build();
//! let client = logs::Client::from_conf(config);
//! # Ok(()) }
//! ```

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// The host prefixes of CloudWatch Logs' streaming operations, newest first.
pub const HOST_PREFIXES: [&str; 2] = ["stream-", "streaming-"];

/// An SDK interceptor that removes a streaming operation's host prefix ([`HOST_PREFIXES`])
/// from the request's host, so a client pointed at the emulator reaches it. Add it only to a
/// client whose endpoint is the emulator: against AWS the prefix is what routes the request.
#[derive(Debug, Clone, Copy, Default)]
pub struct DropHostPrefix;

impl Intercept for DropHostPrefix {
    fn name(&self) -> &'static str {
        "cwlogs_emulator::sdk::DropHostPrefix"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request_mut();
        if let Some(uri) = without_host_prefix(request.uri()) {
            request.set_uri(uri)?;
        }
        Ok(())
    }
}

/// `uri` with a streaming host prefix taken off its host; `None` when it has none.
fn without_host_prefix(uri: &str) -> Option<String> {
    let (scheme, rest) = uri.split_once("://")?;
    HOST_PREFIXES.iter().find_map(|prefix| {
        rest.strip_prefix(prefix)
            .map(|host_and_path| format!("{scheme}://{host_and_path}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_prefixes_come_off_and_nothing_else_changes() {
        assert_eq!(
            without_host_prefix("http://stream-127.0.0.1:4566/").as_deref(),
            Some("http://127.0.0.1:4566/")
        );
        assert_eq!(
            without_host_prefix("http://streaming-localhost:4566/").as_deref(),
            Some("http://localhost:4566/")
        );
        assert_eq!(without_host_prefix("http://127.0.0.1:4566/"), None);
        assert_eq!(without_host_prefix("http://streamer:4566/"), None);
    }
}
