//! cwlogs-emulator: a CloudWatch Logs emulator faithful to AWS where client code can tell:
//! page sizes and tokens, sequence tokens, error types and messages, limits and ordering.
//!
//! Crate map (see ARCHITECTURE.md for the data flow and invariants):
//! - [`server`]: the axum router and the in-process [`Emulator`] handle;
//! - [`protocol`]: AWS JSON 1.1 framing: target → [`protocol::Operation`], body decoding,
//!   error → response;
//! - `ops`: one module per operation family (groups, streams, events), plus shared validation;
//! - [`store`]: groups, streams, events and tokens, free of HTTP;
//! - [`clock`]: the one injectable source of "now";
//! - [`error`]: [`LogsError`], one variant per AWS exception;
//! - [`limits`]: AWS's numbers, each with its source;
//! - [`fixtures`]: preloading groups, streams and events from files.
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
pub mod error;
pub mod filter;
pub mod fixtures;
pub mod limits;
mod ops;
pub mod protocol;
pub mod server;
pub mod store;
pub mod validate;

pub use clock::{Clock, ManualClock, SharedClock, SystemClock};
pub use config::{Config, SequenceTokenMode};
pub use error::{LogsError, LogsResult};
pub use server::{Emulator, EmulatorBuilder};
pub use store::Store;
