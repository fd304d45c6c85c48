//! What metric filters count: per metric (namespace, name, dimensions, unit) and minute, the
//! statistic set of the values matching events added, as CloudWatch would aggregate them.
//! Readable through `GET /_cwlogs/metrics` and `Emulator::metrics`. Nothing here knows the
//! store: the ingest path adds to it.

use std::collections::BTreeMap;

use parking_lot::Mutex;
use serde::Serialize;

/// One minute in milliseconds: the resolution metrics are kept at.
const MINUTE_MILLIS: i64 = 60_000;

/// Identifies one metric's data point.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MetricKey {
    /// The metric namespace.
    pub namespace: String,
    /// The metric name.
    pub name: String,
    /// Dimension name → value.
    pub dimensions: BTreeMap<String, String>,
    /// The unit, when the filter names one.
    pub unit: Option<String>,
    /// The start of the minute, epoch milliseconds.
    pub minute: i64,
}

/// One metric's statistics over one minute.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricDatum {
    /// The metric namespace.
    pub namespace: String,
    /// The metric name.
    pub metric_name: String,
    /// Dimension name → value.
    pub dimensions: BTreeMap<String, String>,
    /// The unit, when the filter names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The start of the minute, epoch milliseconds.
    pub timestamp: i64,
    /// How many values were added.
    pub sample_count: u64,
    /// Their sum.
    pub sum: f64,
    /// The smallest.
    pub minimum: f64,
    /// The largest.
    pub maximum: f64,
}

/// Every metric filters produced.
#[derive(Debug, Default)]
pub struct Metrics {
    points: Mutex<BTreeMap<MetricKey, MetricDatum>>,
}

impl Metrics {
    /// Adds `value` to the metric `key` names, in the minute of `timestamp`.
    pub fn add(&self, mut key: MetricKey, timestamp: i64, value: f64) {
        key.minute = timestamp - timestamp.rem_euclid(MINUTE_MILLIS);
        let mut points = self.points.lock();
        let datum = points.entry(key.clone()).or_insert_with(|| MetricDatum {
            namespace: key.namespace,
            metric_name: key.name,
            dimensions: key.dimensions,
            unit: key.unit,
            timestamp: key.minute,
            sample_count: 0,
            sum: 0.0,
            minimum: value,
            maximum: value,
        });
        datum.sample_count += 1;
        datum.sum += value;
        datum.minimum = datum.minimum.min(value);
        datum.maximum = datum.maximum.max(value);
    }

    /// Every data point, by namespace, name, dimensions, unit and minute.
    pub fn all(&self) -> Vec<MetricDatum> {
        self.points.lock().values().cloned().collect()
    }

    /// Forgets every data point.
    pub fn clear(&self) {
        self.points.lock().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_aggregate_per_metric_and_minute() {
        let metrics = Metrics::default();
        let key = MetricKey {
            namespace: "App".into(),
            name: "Latency".into(),
            dimensions: BTreeMap::new(),
            unit: None,
            minute: 0,
        };
        metrics.add(key.clone(), 60_000, 5.0);
        metrics.add(key.clone(), 119_999, 1.0);
        metrics.add(key, 120_000, 2.0);
        let all = metrics.all();
        assert_eq!(all.len(), 2);
        assert_eq!(
            (
                all[0].timestamp,
                all[0].sample_count,
                all[0].sum,
                all[0].minimum,
                all[0].maximum
            ),
            (60_000, 2, 6.0, 1.0, 5.0)
        );
        assert_eq!((all[1].timestamp, all[1].sum), (120_000, 2.0));
    }
}
