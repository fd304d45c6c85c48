//! CloudWatch Logs Insights: the query language (`syntax`), its values (`value`) and its
//! execution (`exec`). Pure: no store, no HTTP. The store feeds events into a [`Run`]; the
//! handlers in `ops/insights.rs` own the query lifecycle.

mod dates;
mod exec;
mod hash;
mod json_path;
mod pattern;
mod syntax;
mod value;

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;

pub use exec::{add_join_event, json_fields, Context, Event, Output, Run};
pub use syntax::{parse, CompileError, JoinTable, LookupSource, Query, Source, SourceTime};

#[cfg(test)]
mod tests_a;
#[cfg(test)]
mod tests_appendcols;
#[cfg(test)]
mod tests_b;
#[cfg(test)]
mod tests_c;
#[cfg(test)]
mod tests_lookup;
#[cfg(test)]
mod tests_newer;
#[cfg(test)]
mod tests_timeseries;
