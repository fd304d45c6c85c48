//! Metric filters at ingest: each event a metric filter matches adds its `metricValue` (a
//! number, or the `$field` the pattern extracts) to the filter's metric, with its dimensions
//! taken from the event; a batch none of whose events match adds `defaultValue` when the filter
//! has one.

use super::events::NewEvent;
use super::LogGroup;
use crate::metrics::MetricKey;

impl LogGroup {
    /// Counts the events just stored (`events`) into the metrics of the group's metric filters.
    pub(super) fn count_metrics(
        &self,
        sent: &[NewEvent<'_>],
        transformed: Option<&[NewEvent<'_>]>,
    ) {
        let Some(last) = sent.last() else {
            return;
        };
        let metrics = &self.env().metrics;
        for filter in self.metric_filters().all() {
            let events = super::ingest::events_for_filter(
                sent,
                transformed,
                filter.apply_on_transformed_logs,
            );
            let extracted: Vec<_> = events
                .iter()
                .filter_map(|e| Some((e.timestamp, filter.compiled.extract(e.message)?)))
                .collect();
            for t in &filter.transformations {
                let key = MetricKey {
                    namespace: t.metric_namespace.clone(),
                    name: t.metric_name.clone(),
                    dimensions: Default::default(),
                    unit: t.unit.clone(),
                    minute: 0,
                };
                for (timestamp, fields) in &extracted {
                    let lookup = |reference: &str| match reference.strip_prefix('$') {
                        Some(_) => fields.get(reference).cloned(),
                        None => Some(reference.to_owned()),
                    };
                    // A value that is not a number, or a dimension the event lacks, adds
                    // nothing (CloudWatch cannot publish it).
                    let Some(value) = lookup(&t.metric_value).and_then(|v| v.trim().parse().ok())
                    else {
                        continue;
                    };
                    let dimensions: Option<_> = t
                        .dimensions
                        .iter()
                        .map(|(name, reference)| Some((name.clone(), lookup(reference)?)))
                        .collect();
                    let Some(dimensions) = dimensions else {
                        continue;
                    };
                    let key = MetricKey {
                        dimensions,
                        ..key.clone()
                    };
                    metrics.add(key, *timestamp, value);
                }
                if extracted.is_empty() {
                    if let Some(default) = t.default_value {
                        metrics.add(key, last.timestamp, default);
                    }
                }
            }
        }
    }
}
