//! The workload's sizes: the full run, the `--quick` smoke run, and the scaled-down copy the
//! moto comparison uses; how they print and how they appear in the JSON.

use crate::report::thousands;

/// The workload's sizes.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    /// Events per PutLogEvents run (sequential, and in total across the writers).
    pub put: usize,
    pub writers: usize,
    /// The big and the small stream of the page-latency comparison.
    pub big: usize,
    pub small: usize,
    /// Writers that seed the big stream.
    pub seeders: usize,
    /// Rounds of (head, middle, tail, token) page reads per stream.
    pub page_reps: usize,
    /// `limit` of those reads: a full page on both streams.
    pub page_limit: usize,
    pub memory: usize,
    pub streams_many: usize,
    pub streams_few: usize,
    pub describe_reps: usize,
    pub sdk: usize,
    pub filter: usize,
    /// Events in the Insights group (half text, half JSON).
    pub insights: usize,
    pub cold_reps: usize,
    pub in_process_reps: usize,
}

impl Sizes {
    pub fn full() -> Self {
        Self {
            put: 1_000_000,
            writers: 8,
            big: 10_000_000,
            small: 10_000,
            seeders: 4,
            page_reps: 25,
            page_limit: 5_000,
            memory: 2_000_000,
            streams_many: 10_000,
            streams_few: 1_000,
            describe_reps: 5,
            sdk: 1_000_000,
            filter: 1_000_000,
            insights: 10_000_000,
            cold_reps: 5,
            in_process_reps: 20,
        }
    }

    pub fn quick() -> Self {
        Self {
            put: 50_000,
            big: 100_000,
            page_reps: 5,
            memory: 200_000,
            streams_many: 2_000,
            describe_reps: 3,
            sdk: 50_000,
            filter: 50_000,
            insights: 50_000,
            cold_reps: 2,
            in_process_reps: 5,
            ..Self::full()
        }
    }

    /// The event counts divided by `scale` (for moto), never below the small stream.
    pub fn scaled(self, scale: usize) -> Self {
        let down = |n: usize| (n / scale).max(self.small);
        Self {
            put: down(self.put),
            big: down(self.big),
            memory: down(self.memory),
            sdk: down(self.sdk),
            filter: down(self.filter),
            insights: down(self.insights),
            page_reps: self.page_reps.min(3),
            describe_reps: self.describe_reps.min(3),
            ..self
        }
    }

    pub fn describe(&self) -> String {
        format!(
            "put {} events ({} writers), pages over {}, big/small stream {}/{}, memory {}, \
             streams {}/{}, sdk {}, filter {}, insights {}",
            thousands(self.put),
            self.writers,
            thousands(self.put),
            thousands(self.big),
            thousands(self.small),
            thousands(self.memory),
            thousands(self.streams_many),
            thousands(self.streams_few),
            thousands(self.sdk),
            thousands(self.filter),
            thousands(self.insights),
        )
    }
}

pub fn sizes_json(s: &Sizes) -> serde_json::Value {
    serde_json::json!({
        "put_events": s.put, "writers": s.writers, "big_stream": s.big, "small_stream": s.small,
        "page_limit": s.page_limit, "page_reps": s.page_reps, "memory_events": s.memory,
        "streams_many": s.streams_many, "streams_few": s.streams_few, "sdk_events": s.sdk,
        "filter_events": s.filter, "insights_events": s.insights,
    })
}
