//! cwlogs-emulator: a CloudWatch Logs emulator faithful to AWS where client code can tell:
//! page sizes and tokens, sequence tokens, error types and messages, limits and ordering.
//!
//! The public API is what a test needs: [`Emulator`] (started with one call, stopped on
//! drop) and its [`EmulatorBuilder`], [`Config`], the clocks ([`ManualClock`] moves time),
//! [`limits`] (AWS's numbers), and [`Emulator::store`], a read-only [`StoreView`] for
//! assertions. Everything else is internal; ARCHITECTURE.md is the map:
//! `server` (router, handle) → `protocol` (AWS JSON 1.1 framing, errors) → `ops` (one module
//! per operation family) → `store` (groups, streams, events, tokens, listings; no HTTP), with
//! `filter` (the filter-pattern engine) and `validate` (AWS-worded input checks) beside them.
//!
//! Start one in a test:
//!
//! ```no_run
//! # async fn example() -> std::io::Result<()> {
//! let emulator = cwlogs_emulator::Emulator::start().await?;
//! let endpoint = emulator.endpoint_url(); // point the SDK here
//! # Ok(()) }
//! ```

pub mod clock;
pub mod config;
mod delivery;
mod error;
mod export;
pub mod faults;
mod filter;
pub mod fixtures;
mod import;
mod insights;
pub mod inspect;
mod journal;
pub mod limits;
mod live_tail;
mod metrics;
mod ops;
mod patterns;
mod protocol;
pub mod quotas;
mod scheduler;
#[cfg(feature = "sdk")]
pub mod sdk;
mod server;
mod store;
mod timezone;
mod transform;
mod validate;
mod vended;

pub use clock::{Clock, ManualClock, SharedClock, SystemClock};
pub use config::{Config, SequenceTokenMode};
pub use delivery::{Delivery, DeliveryStatus, Endpoints, MessageType, Payload, PayloadEvent};
pub use faults::{FaultAction, FaultRule, FaultSchedule, FaultStatus};
pub use fixtures::FixtureError;
pub use inspect::{LogGroupSnapshot, StoreView, StoredEvent};
pub use metrics::MetricDatum;
pub use quotas::QuotaSource;
pub use server::{
    Emulator, EmulatorBuilder, DELIVERIES_PATH, FAULTS_PATH, HEALTH_PATH, METRICS_PATH,
    MOTO_RESET_PATH, RESET_PATH, SHUTDOWN_GRACE, VENDED_PATH,
};
pub use vended::VendedDelivery;
