//! Client tests: the real `aws-sdk-cloudwatchlogs` against a fresh in-process emulator per test.
//! One test binary (`autotests = false`), one module per operation family.

mod common;
mod concurrency;
mod data_sources;
mod deliveries;
mod durable;
mod events_get;
mod events_put;
mod faults;
mod filter;
mod fixtures;
mod governance;
mod groups;
mod imports;
mod insights;
mod insights_appendcols;
mod insights_timeseries;
mod integrations;
mod live_tail;
mod lookup_tables;
mod metrics;
mod paging_props;
mod patterns;
mod readme;
mod retention_tags;
mod scheduled_queries;
mod sequence_tokens;
mod streams;
mod subscriptions;
