//! What metric filters count: per metric (namespace, name, dimensions, unit) and minute, the
//! statistic set of the values matching events added, as CloudWatch would aggregate them.
//! Readable through `GET /_cwlogs/metrics` and `Emulator::metrics`; with `--cloudwatch-endpoint`
//! sent to a CloudWatch-compatible endpoint with PutMetricData, batched per minute and flushed
//! on shutdown ([`Publisher`]). Nothing here knows the store: the ingest path adds to it.

use std::collections::BTreeMap;

use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use serde::Serialize;

use crate::delivery::forward;

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
    /// What was added since the publisher last took it (only kept while one runs).
    unsent: Mutex<Option<BTreeMap<MetricKey, MetricDatum>>>,
    /// What publishing did so far.
    publishing: Mutex<PublishReport>,
}

/// What the publisher did, for `GET /_cwlogs/metrics`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishReport {
    /// PutMetricData calls the endpoint accepted.
    pub requests: u64,
    /// Data points they carried.
    pub data_points: u64,
    /// Data points given up on after retries.
    pub failed_data_points: u64,
    /// The last error, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

impl Metrics {
    /// Adds `value` to the metric `key` names, in the minute of `timestamp`.
    pub fn add(&self, mut key: MetricKey, timestamp: i64, value: f64) {
        key.minute = timestamp - timestamp.rem_euclid(MINUTE_MILLIS);
        if let Some(unsent) = self.unsent.lock().as_mut() {
            accumulate(unsent, key.clone(), value);
        }
        accumulate(&mut self.points.lock(), key, value);
    }

    /// Every data point, by namespace, name, dimensions, unit and minute.
    pub fn all(&self) -> Vec<MetricDatum> {
        self.points.lock().values().cloned().collect()
    }

    /// Forgets every data point.
    pub fn clear(&self) {
        self.points.lock().clear();
        if let Some(unsent) = self.unsent.lock().as_mut() {
            unsent.clear();
        }
    }

    /// Starts keeping what is added for a publisher.
    fn start_publishing(&self) {
        self.unsent.lock().get_or_insert_with(BTreeMap::new);
    }

    /// What was added since the last call.
    fn take_unsent(&self) -> Vec<MetricDatum> {
        self.unsent
            .lock()
            .as_mut()
            .map(|unsent| std::mem::take(unsent).into_values().collect())
            .unwrap_or_default()
    }

    /// What publishing did so far (`None` when no endpoint is configured).
    pub fn publish_report(&self) -> Option<PublishReport> {
        self.unsent
            .lock()
            .is_some()
            .then(|| self.publishing.lock().clone())
    }
}

/// Adds `value` to the data point `key` names in `points`.
fn accumulate(points: &mut BTreeMap<MetricKey, MetricDatum>, key: MetricKey, value: f64) {
    {
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
}

/// How often metrics are published: CloudWatch's standard resolution.
pub const PUBLISH_PERIOD: Duration = Duration::from_secs(60);

/// Most data points in one PutMetricData call (CloudWatch's limit is 1,000).
const MAX_DATA_PER_CALL: usize = 1000;

/// Sends what metric filters count to a CloudWatch-compatible endpoint: PutMetricData
/// (query protocol, SigV4 for service `monitoring`) once a minute and at shutdown.
pub struct Publisher {
    endpoint: String,
    region: String,
    metrics: Arc<Metrics>,
    client: forward::HttpClient,
}

impl Publisher {
    /// A publisher of `metrics` to `endpoint`, signing for `region`; from now on `metrics`
    /// keeps what was added until it is sent.
    pub fn new(endpoint: String, region: String, metrics: Arc<Metrics>) -> Self {
        metrics.start_publishing();
        Self {
            endpoint,
            region,
            metrics,
            client: forward::http_client(),
        }
    }

    /// Publishes every `period` until `stop` fires, then once more (the flush).
    pub async fn run(self, period: Duration, mut stop: tokio::sync::oneshot::Receiver<()>) {
        let mut ticks = tokio::time::interval(period);
        ticks.tick().await;
        loop {
            tokio::select! {
                _ = ticks.tick() => self.publish().await,
                _ = &mut stop => break,
            }
        }
        self.publish().await;
    }

    /// Sends what was added since the last call, one call per namespace and 1,000 points.
    pub async fn publish(&self) {
        let mut by_namespace: BTreeMap<String, Vec<MetricDatum>> = BTreeMap::new();
        for datum in self.metrics.take_unsent() {
            by_namespace
                .entry(datum.namespace.clone())
                .or_default()
                .push(datum);
        }
        for (namespace, data) in by_namespace {
            for batch in data.chunks(MAX_DATA_PER_CALL) {
                let outcome = self.put_metric_data(&namespace, batch).await;
                let mut report = self.metrics.publishing.lock();
                match outcome {
                    Ok(()) => {
                        report.requests += 1;
                        report.data_points += batch.len() as u64;
                    }
                    Err(error) => {
                        tracing::warn!(%error, points = batch.len(), "PutMetricData failed");
                        report.failed_data_points += batch.len() as u64;
                        report.last_error = Some(error);
                    }
                }
            }
        }
    }

    async fn put_metric_data(&self, namespace: &str, data: &[MetricDatum]) -> Result<(), String> {
        let body = put_metric_data_form(namespace, data)?;
        let outgoing = forward::Outgoing {
            method: http::Method::POST,
            url: format!("{}/", self.endpoint.trim_end_matches('/')),
            service: "monitoring",
            headers: vec![(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8".into(),
            )],
            body: bytes::Bytes::from(body),
            failed_count_member: None,
        };
        let mut backoff = forward::FIRST_BACKOFF;
        let mut last = String::new();
        for attempt in 1..=forward::MAX_ATTEMPTS {
            match forward::send(&self.client, &self.region, &outgoing).await {
                Ok(_) => return Ok(()),
                Err(error) => last = error,
            }
            if attempt < forward::MAX_ATTEMPTS {
                tokio::time::sleep(backoff).await;
                backoff *= 2;
            }
        }
        Err(last)
    }
}

/// The query-protocol body of one PutMetricData call.
fn put_metric_data_form(namespace: &str, data: &[MetricDatum]) -> Result<String, String> {
    {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("Action", "PutMetricData")
            .append_pair("Version", "2010-08-01")
            .append_pair("Namespace", namespace);
        for (i, datum) in data.iter().enumerate() {
            let member = format!("MetricData.member.{}", i + 1);
            let timestamp = aws_smithy_types::DateTime::from_millis(datum.timestamp)
                .fmt(aws_smithy_types::date_time::Format::DateTime)
                .map_err(|error| format!("timestamp {}: {error}", datum.timestamp))?;
            form.append_pair(&format!("{member}.MetricName"), &datum.metric_name)
                .append_pair(&format!("{member}.Timestamp"), &timestamp)
                .append_pair(
                    &format!("{member}.StatisticValues.SampleCount"),
                    &datum.sample_count.to_string(),
                )
                .append_pair(
                    &format!("{member}.StatisticValues.Sum"),
                    &datum.sum.to_string(),
                )
                .append_pair(
                    &format!("{member}.StatisticValues.Minimum"),
                    &datum.minimum.to_string(),
                )
                .append_pair(
                    &format!("{member}.StatisticValues.Maximum"),
                    &datum.maximum.to_string(),
                );
            if let Some(unit) = &datum.unit {
                form.append_pair(&format!("{member}.Unit"), unit);
            }
            for (j, (name, value)) in datum.dimensions.iter().enumerate() {
                let dimension = format!("{member}.Dimensions.member.{}", j + 1);
                form.append_pair(&format!("{dimension}.Name"), name)
                    .append_pair(&format!("{dimension}.Value"), value);
            }
        }
        Ok(form.finish())
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
