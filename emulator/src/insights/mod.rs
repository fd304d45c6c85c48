//! CloudWatch Logs Insights: the query language (`syntax`), its values (`value`) and its
//! execution (`exec`). Pure: no store, no HTTP. The store feeds events into a [`Run`]; the
//! handlers in `ops/insights.rs` own the query lifecycle.

mod exec;
mod json_path;
mod pattern;
mod syntax;
mod value;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod newer_tests;

pub use exec::{json_fields, Context, Event, Output, Run};
pub use syntax::{parse, CompileError, LookupSource, Query, Source};
