//! Forwarding: the background task that calls the real API of a local Kinesis, Firehose or
//! Lambda (an emulator of it, `sam local start-lambda`, ...) with each delivery, SigV4-signed
//! for the configured region with test credentials. PutLogEvents never waits on it: the
//! outbox hands deliveries over a channel, one task per delivery retries with backoff, and the
//! outcome (delivered, or failed with the error) is written back to the outbox.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::sync::mpsc::Receiver;
use tokio::sync::Semaphore;

use super::{Delivery, DeliveryStatus, Outbox};

/// Attempts per delivery before it is recorded as failed.
pub const MAX_ATTEMPTS: u32 = 5;
/// The wait before the second attempt; it doubles after each failure.
pub const FIRST_BACKOFF: Duration = Duration::from_millis(100);
/// Deliveries waiting for the forwarder; past it a delivery is recorded as failed at once
/// (the queue is full), so a destination that is down cannot grow memory without bound.
pub const MAX_QUEUED_DELIVERIES: usize = 10_000;
/// Deliveries being sent (or retried) at once.
pub const MAX_CONCURRENT_DELIVERIES: usize = 64;
/// How long one attempt may take.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);

/// Where each service's API is served (`--kinesis-endpoint`, `--firehose-endpoint`,
/// `--lambda-endpoint`); a service without one is not forwarded to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Endpoints {
    /// Kinesis Data Streams (`Kinesis_20131202.PutRecords`).
    pub kinesis: Option<String>,
    /// Firehose (`Firehose_20150804.PutRecordBatch`).
    pub firehose: Option<String>,
    /// Lambda (`POST /2015-03-31/functions/{name}/invocations`).
    pub lambda: Option<String>,
}

impl Endpoints {
    /// Whether any service is forwarded to.
    pub fn any(&self) -> bool {
        self.kinesis.is_some() || self.firehose.is_some() || self.lambda.is_some()
    }

    /// Whether deliveries to `arn` may be forwarded: its service has an endpoint, or it is a
    /// logs destination (which resolves to a Kinesis stream or Firehose).
    pub fn covers(&self, arn: &str) -> bool {
        match arn.split(':').nth(2) {
            Some("kinesis") => self.kinesis.is_some(),
            Some("firehose") => self.firehose.is_some(),
            Some("lambda") => self.lambda.is_some(),
            Some("logs") => self.kinesis.is_some() || self.firehose.is_some(),
            _ => false,
        }
    }
}

/// Resolves a logs destination ARN to its target ARN (the store's destinations).
pub type Resolver = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// What the forwarding task needs.
pub struct Forwarder {
    endpoints: Endpoints,
    region: String,
    outbox: Arc<Outbox>,
    resolve: Resolver,
    client: HttpClient,
}

impl Forwarder {
    /// A forwarder to `endpoints`, signing for `region`, reporting to `outbox`.
    pub fn new(
        endpoints: Endpoints,
        region: String,
        outbox: Arc<Outbox>,
        resolve: Resolver,
    ) -> Self {
        Self {
            endpoints,
            region,
            outbox,
            resolve,
            client: http_client(),
        }
    }

    /// Forwards every delivery `deliveries` yields, at most [`MAX_CONCURRENT_DELIVERIES`] at a
    /// time, each in its own task, until the channel closes.
    pub async fn run(self, mut deliveries: Receiver<Delivery>) {
        let this = Arc::new(self);
        let slots = Arc::new(Semaphore::new(MAX_CONCURRENT_DELIVERIES));
        while let Some(delivery) = deliveries.recv().await {
            let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
                return;
            };
            let this = Arc::clone(&this);
            tokio::spawn(async move {
                this.forward(delivery).await;
                drop(slot);
            });
        }
    }

    async fn forward(&self, delivery: Delivery) {
        let request = match self.request_for(&delivery) {
            Ok(request) => request,
            Err(error) => {
                self.outbox.update(delivery.id, |d| {
                    d.status = DeliveryStatus::Failed;
                    d.error = Some(error);
                });
                self.outbox.forwarded(&delivery);
                return;
            }
        };
        let outcome = send_retrying(&self.client, &self.region, &request, |attempt, outcome| {
            self.outbox.update(delivery.id, |d| {
                d.attempts = attempt;
                match outcome {
                    Ok(()) => {
                        d.status = DeliveryStatus::Delivered;
                        d.error = None;
                    }
                    Err(error) => {
                        d.error = Some(error.clone());
                        if attempt == MAX_ATTEMPTS {
                            d.status = DeliveryStatus::Failed;
                        }
                    }
                }
            });
        })
        .await;
        self.outbox.forwarded(&delivery);
        if let Err(error) = outcome {
            tracing::warn!(
                delivery = delivery.id,
                destination = %delivery.destination_arn,
                %error,
                "subscription delivery failed; recorded in the outbox"
            );
        }
    }

    /// The signed request that delivers `delivery`, or why there is none.
    fn request_for(&self, delivery: &Delivery) -> Result<Outgoing, String> {
        let mut arn = delivery.destination_arn.clone();
        if arn.split(':').nth(2) == Some("logs") {
            arn = (self.resolve)(&arn)
                .ok_or_else(|| format!("the destination {arn} does not exist"))?;
        }
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let (service, resource) = match parts[..] {
            [_, _, service, _, _, resource] => (service, resource),
            _ => return Err(format!("cannot deliver to {arn}: not an ARN")),
        };
        let data = &delivery.data;
        let not_configured = |flag: &str| format!("no --{flag}-endpoint is configured for {arn}");
        match service {
            "kinesis" => {
                let endpoint = self
                    .endpoints
                    .kinesis
                    .as_ref()
                    .ok_or_else(|| not_configured("kinesis"))?;
                let stream = resource.strip_prefix("stream/").unwrap_or(resource);
                let body = serde_json::json!({
                    "StreamName": stream,
                    "Records": [{"Data": data, "PartitionKey": delivery.partition_key}],
                });
                Ok(self.json_call(
                    endpoint,
                    "kinesis",
                    "Kinesis_20131202.PutRecords",
                    &body,
                    "FailedRecordCount",
                ))
            }
            "firehose" => {
                let endpoint = self
                    .endpoints
                    .firehose
                    .as_ref()
                    .ok_or_else(|| not_configured("firehose"))?;
                let stream = resource.strip_prefix("deliverystream/").unwrap_or(resource);
                Ok(firehose_put_record_batch(
                    endpoint,
                    stream,
                    std::iter::once(serde_json::Value::from(data.as_str())),
                ))
            }
            "lambda" => {
                let endpoint = self
                    .endpoints
                    .lambda
                    .as_ref()
                    .ok_or_else(|| not_configured("lambda"))?;
                let function = resource.strip_prefix("function:").unwrap_or(resource);
                let path = match function.split_once(':') {
                    Some((name, qualifier)) => {
                        format!("/2015-03-31/functions/{name}/invocations?Qualifier={qualifier}")
                    }
                    None => format!("/2015-03-31/functions/{function}/invocations"),
                };
                let body = serde_json::json!({"awslogs": {"data": data}});
                Ok(Outgoing {
                    method: http::Method::POST,
                    url: format!("{}{path}", endpoint.trim_end_matches('/')),
                    service: "lambda",
                    headers: vec![
                        ("content-type", "application/json".into()),
                        ("x-amz-invocation-type", "Event".into()),
                    ],
                    body: Bytes::from(body.to_string()),
                    failed_count_member: None,
                })
            }
            other => Err(format!("cannot deliver to {arn}: service {other}")),
        }
    }

    fn json_call(
        &self,
        endpoint: &str,
        service: &'static str,
        target: &str,
        body: &serde_json::Value,
        failed_count_member: &'static str,
    ) -> Outgoing {
        json_call(endpoint, service, target, body, Some(failed_count_member))
    }
}

/// Sends `outgoing` (signed for `region`): Ok when the service answered with success and
/// refused no record (its `failed_count_member`, a count or a list, is zero or empty).
pub async fn send_accepted(
    client: &HttpClient,
    region: &str,
    outgoing: &Outgoing,
) -> Result<(), String> {
    let body = send(client, region, outgoing).await?;
    if let Some(member) = outgoing.failed_count_member {
        let answer = serde_json::from_slice::<serde_json::Value>(&body).unwrap_or_default();
        let failed = answer.get(member).map_or(0, |v| {
            v.as_u64()
                .unwrap_or_else(|| v.as_array().map_or(0, |a| a.len() as u64))
        });
        if failed > 0 {
            return Err(format!(
                "{} refused the record: {}",
                outgoing.url,
                String::from_utf8_lossy(&body[..body.len().min(500)])
            ));
        }
    }
    Ok(())
}

/// [`send_accepted`] up to [`MAX_ATTEMPTS`] times, waiting [`FIRST_BACKOFF`] (doubled each
/// time) between attempts, telling `on_attempt` each attempt's number and outcome: the last
/// attempt's outcome. Subscription deliveries and vended deliveries retry alike.
pub async fn send_retrying(
    client: &HttpClient,
    region: &str,
    outgoing: &Outgoing,
    mut on_attempt: impl FnMut(u32, &Result<(), String>),
) -> Result<(), String> {
    let mut backoff = FIRST_BACKOFF;
    let mut attempt = 1;
    loop {
        let outcome = send_accepted(client, region, outgoing).await;
        on_attempt(attempt, &outcome);
        if outcome.is_ok() || attempt == MAX_ATTEMPTS {
            return outcome;
        }
        tokio::time::sleep(backoff).await;
        backoff *= 2;
        attempt += 1;
    }
}

/// Firehose's `PutRecordBatch` of `records` (each a base64 `Data` value) to the delivery
/// stream `stream` at `endpoint`: AWS JSON 1.1, refused records counted in `FailedPutCount`.
pub fn firehose_put_record_batch(
    endpoint: &str,
    stream: &str,
    records: impl Iterator<Item = serde_json::Value>,
) -> Outgoing {
    let records: Vec<serde_json::Value> = records
        .map(|data| serde_json::json!({"Data": data}))
        .collect();
    let body = serde_json::json!({
        "DeliveryStreamName": stream,
        "Records": records,
    });
    json_call(
        endpoint,
        "firehose",
        "Firehose_20150804.PutRecordBatch",
        &body,
        Some("FailedPutCount"),
    )
}

/// X-Ray's `PutTraceSegments` (REST-JSON `POST /TraceSegments`) of `documents` (each one
/// segment or span document, as JSON text) to `endpoint`; refused documents are listed in
/// `UnprocessedTraceSegments`.
pub fn xray_put_trace_segments(endpoint: &str, documents: &[String]) -> Outgoing {
    let body = serde_json::json!({ "TraceSegmentDocuments": documents });
    Outgoing {
        method: http::Method::POST,
        url: format!("{}/TraceSegments", endpoint.trim_end_matches('/')),
        service: "xray",
        headers: vec![("content-type", "application/json".into())],
        body: Bytes::from(body.to_string()),
        failed_count_member: Some("UnprocessedTraceSegments"),
    }
}

/// Whether the Kinesis stream, Firehose delivery stream or Lambda function `arn` names
/// exists at its service's endpoint, and can take records (a stream that is `ACTIVE` or
/// `UPDATING`): what `--check-destinations` asks when a subscription filter is put, where AWS
/// sends its test message. `None` when no endpoint of `endpoints` serves the ARN's service.
pub async fn destination_ready(endpoints: &Endpoints, arn: &str) -> Option<bool> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [_, _, service, region, _, resource] = parts[..] else {
        return Some(false);
    };
    let (outgoing, status_path): (Outgoing, &[&str]) = match service {
        "kinesis" => {
            let stream = resource.strip_prefix("stream/").unwrap_or(resource);
            let body = serde_json::json!({ "StreamName": stream });
            (
                json_call(
                    endpoints.kinesis.as_deref()?,
                    "kinesis",
                    "Kinesis_20131202.DescribeStreamSummary",
                    &body,
                    None,
                ),
                &["StreamDescriptionSummary", "StreamStatus"],
            )
        }
        "firehose" => {
            let stream = resource.strip_prefix("deliverystream/").unwrap_or(resource);
            let body = serde_json::json!({ "DeliveryStreamName": stream });
            (
                json_call(
                    endpoints.firehose.as_deref()?,
                    "firehose",
                    "Firehose_20150804.DescribeDeliveryStream",
                    &body,
                    None,
                ),
                &["DeliveryStreamDescription", "DeliveryStreamStatus"],
            )
        }
        "lambda" => {
            let endpoint = endpoints.lambda.as_deref()?;
            let function = resource.strip_prefix("function:").unwrap_or(resource);
            let path = match function.split_once(':') {
                Some((name, qualifier)) => {
                    format!("/2015-03-31/functions/{name}?Qualifier={qualifier}")
                }
                None => format!("/2015-03-31/functions/{function}"),
            };
            let outgoing = Outgoing {
                method: http::Method::GET,
                url: format!("{}{path}", endpoint.trim_end_matches('/')),
                service: "lambda",
                headers: Vec::new(),
                body: Bytes::new(),
                failed_count_member: None,
            };
            (outgoing, &[])
        }
        _ => return None,
    };
    let Ok(body) = send(&http_client(), region, &outgoing).await else {
        return Some(false);
    };
    if status_path.is_empty() {
        return Some(true);
    }
    let answer: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let status = status_path
        .iter()
        .try_fold(&answer, |value, member| value.get(member))
        .and_then(serde_json::Value::as_str);
    Some(matches!(status, Some("ACTIVE" | "UPDATING")))
}

/// An AWS JSON 1.1 call of `target` to `endpoint`.
pub fn json_call(
    endpoint: &str,
    service: &'static str,
    target: &str,
    body: &serde_json::Value,
    failed_count_member: Option<&'static str>,
) -> Outgoing {
    Outgoing {
        method: http::Method::POST,
        url: format!("{}/", endpoint.trim_end_matches('/')),
        service,
        headers: vec![
            ("content-type", "application/x-amz-json-1.1".into()),
            ("x-amz-target", target.into()),
        ],
        body: Bytes::from(body.to_string()),
        failed_count_member,
    }
}

/// Runs `future` to completion from synchronous code, on a small runtime of its own: on this
/// thread when it is outside any runtime, else on a helper thread (this thread may be driving
/// async tasks, e.g. a journal replay at startup, where blocking on the runtime would panic).
/// Each call has its own runtime, so a client's pooled connections do not outlive it: pass a
/// fresh [`http_client`].
pub fn block_on<F>(future: F) -> F::Output
where
    F: std::future::Future + Send,
    F::Output: Send,
{
    let run = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a current-thread runtime with I/O and time drivers builds")
            .block_on(future)
    };
    if tokio::runtime::Handle::try_current().is_err() {
        return run();
    }
    std::thread::scope(|scope| {
        scope
            .spawn(run)
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// The HTTP client forwarding and metric publishing share.
pub type HttpClient = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

/// A new pooled HTTP/1 client.
pub fn http_client() -> HttpClient {
    Client::builder(TokioExecutor::new()).build_http()
}

/// Sends `outgoing`, SigV4-signed for `region` with test credentials; the answer's body when
/// its status is a success, else the error, worded for the outbox.
pub async fn send(client: &HttpClient, region: &str, outgoing: &Outgoing) -> Result<Bytes, String> {
    let (status, body) = call(client, region, outgoing).await?;
    if !status.is_success() {
        return Err(format!(
            "{} answered {status}: {}",
            outgoing.url,
            String::from_utf8_lossy(&body[..body.len().min(500)])
        ));
    }
    Ok(body)
}

/// Sends `outgoing` as [`send`] does; the answer's status and body, whatever the status
/// (the error only when no answer came).
pub async fn call(
    client: &HttpClient,
    region: &str,
    outgoing: &Outgoing,
) -> Result<(http::StatusCode, Bytes), String> {
    let request = signed(region, outgoing)?;
    let answer = tokio::time::timeout(ATTEMPT_TIMEOUT, client.request(request))
        .await
        .map_err(|_| format!("{}: no answer within {ATTEMPT_TIMEOUT:?}", outgoing.url))?
        .map_err(|error| format!("{}: {error}", outgoing.url))?;
    let status = answer.status();
    let body = answer
        .into_body()
        .collect()
        .await
        .map_err(|error| format!("{}: reading the answer: {error}", outgoing.url))?
        .to_bytes();
    Ok((status, body))
}

fn signed(region: &str, outgoing: &Outgoing) -> Result<http::Request<Full<Bytes>>, String> {
    let uri: http::Uri = outgoing
        .url
        .parse()
        .map_err(|error| format!("invalid endpoint URL {}: {error}", outgoing.url))?;
    let host = uri
        .authority()
        .map(|a| a.as_str().to_owned())
        .unwrap_or_default();
    let mut builder = http::Request::builder()
        .method(outgoing.method.clone())
        .uri(uri)
        .header("host", host);
    for (name, value) in &outgoing.headers {
        builder = builder.header(*name, value.as_str());
    }
    let mut request = builder
        .body(Full::new(outgoing.body.clone()))
        .map_err(|error| format!("building the request to {}: {error}", outgoing.url))?;
    let identity = Credentials::new("test", "test", None, None, "cwlogs-emulator").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(outgoing.service)
        .time(SystemTime::now())
        .settings(settings_for(outgoing.service))
        .build()
        .map_err(|error| format!("signing: {error}"))?
        .into();
    let headers = request
        .headers()
        .iter()
        .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)));
    let signable = SignableRequest::new(
        outgoing.method.as_str(),
        outgoing.url.as_str(),
        headers,
        SignableBody::Bytes(&outgoing.body),
    )
    .map_err(|error| format!("signing: {error}"))?;
    let (instructions, _) = sign(signable, &params)
        .map_err(|error| format!("signing: {error}"))?
        .into_parts();
    instructions.apply_to_request_http1x(&mut request);
    Ok(request)
}

/// SigV4 as `service` wants it: S3 signs the payload hash header and the path as sent.
fn settings_for(service: &str) -> SigningSettings {
    let mut settings = SigningSettings::default();
    if service == "s3" {
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    }
    settings
}

/// One service call, before signing.
pub struct Outgoing {
    /// The HTTP method.
    pub method: http::Method,
    /// The full URL.
    pub url: String,
    /// The SigV4 service name.
    pub service: &'static str,
    /// Headers besides `host` and the signature's.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Bytes,
    /// The answer's member that counts refused records (PutRecords, PutRecordBatch).
    pub failed_count_member: Option<&'static str>,
}
