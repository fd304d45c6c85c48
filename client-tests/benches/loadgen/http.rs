//! The raw HTTP/1 client: keep-alive connections posting pre-built JSON bodies (shared chunks,
//! never copied) as CloudWatch Logs JSON 1.1 calls, so the figures show the server's limit
//! rather than a client's; and the wait for a freshly started server's first answer.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::fmt::Write as _;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, SizeHint};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::{BoxError, Res};

/// One request may take this long before the run gives up (moto re-sorts big streams).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(300);
/// A SigV4-shaped Authorization header: moto routes on its credential scope; the emulator
/// reads the region from it. Neither checks the signature.
pub const FAKE_AUTH: &str =
    "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/logs/aws4_request, \
SignedHeaders=content-type;host;x-amz-date;x-amz-target, \
Signature=0000000000000000000000000000000000000000000000000000000000000000";

/// A request body made of shared chunks (a per-request head and a pre-built event list), sent
/// without copying. Its exact size hint gives hyper the Content-Length.
pub struct Parts {
    pub chunks: VecDeque<Bytes>,
    pub len: u64,
}

impl Parts {
    pub fn new(chunks: impl IntoIterator<Item = Bytes>) -> Self {
        let chunks: VecDeque<Bytes> = chunks.into_iter().filter(|c| !c.is_empty()).collect();
        let len = chunks.iter().map(|c| c.len() as u64).sum();
        Self { chunks, len }
    }
}

impl From<String> for Parts {
    fn from(body: String) -> Self {
        Self::new([Bytes::from(body)])
    }
}

impl Body for Parts {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        Poll::Ready(this.chunks.pop_front().map(|chunk| {
            this.len -= chunk.len() as u64;
            Ok(Frame::data(chunk))
        }))
    }

    fn is_end_stream(&self) -> bool {
        self.chunks.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.len)
    }
}

/// A keep-alive HTTP/1 client for one server.
#[derive(Clone)]
pub struct Http {
    pub client: Client<HttpConnector, Parts>,
    pub base: String,
    pub root: hyper::Uri,
}

impl Http {
    pub fn new(base: &str) -> Res<Self> {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(64)
            .build(connector);
        Ok(Self {
            client,
            base: base.to_owned(),
            root: format!("{base}/").parse()?,
        })
    }

    pub async fn send(&self, request: hyper::Request<Parts>) -> Res<(hyper::StatusCode, Bytes)> {
        let exchange = async {
            let response = self.client.request(request).await?;
            let status = response.status();
            let body = response.into_body().collect().await?.to_bytes();
            Ok::<_, BoxError>((status, body))
        };
        tokio::time::timeout(REQUEST_TIMEOUT, exchange)
            .await
            .map_err(|_| format!("no answer within {REQUEST_TIMEOUT:?}"))?
    }

    /// One CloudWatch Logs call; any status.
    pub async fn call(&self, op: &str, body: Parts) -> Res<(hyper::StatusCode, Bytes)> {
        let request = hyper::Request::post(self.root.clone())
            .header("x-amz-target", format!("Logs_20140328.{op}"))
            .header("content-type", "application/x-amz-json-1.1")
            .header("authorization", FAKE_AUTH)
            .body(body)?;
        self.send(request).await
    }

    /// One CloudWatch Logs call that must succeed.
    pub async fn ok(&self, op: &str, body: impl Into<Parts>) -> Res<Bytes> {
        let (status, bytes) = self.call(op, body.into()).await?;
        if !status.is_success() {
            return Err(format!("{op}: HTTP {status}: {}", snippet(&bytes)).into());
        }
        Ok(bytes)
    }

    /// Wipes the server's state (the emulator answers moto's reset path too).
    pub async fn reset(&self) -> Res<()> {
        let request =
            hyper::Request::post(format!("{}/moto-api/reset", self.base)).body(Parts::new([]))?;
        let (status, bytes) = self.send(request).await?;
        if !status.is_success() {
            return Err(format!("reset: HTTP {status}: {}", snippet(&bytes)).into());
        }
        Ok(())
    }

    pub async fn create_group(&self, group: &str) -> Res<()> {
        self.ok("CreateLogGroup", format!(r#"{{"logGroupName":"{group}"}}"#))
            .await?;
        Ok(())
    }

    pub async fn create_stream(&self, group: &str, stream: &str) -> Res<()> {
        let body = format!(r#"{{"logGroupName":"{group}","logStreamName":"{stream}"}}"#);
        self.ok("CreateLogStream", body).await?;
        Ok(())
    }

    /// Creates `group` and then each of `streams` in it.
    pub async fn create_group_with(&self, group: &str, streams: &[impl AsRef<str>]) -> Res<()> {
        self.create_group(group).await?;
        for stream in streams {
            self.create_stream(group, stream.as_ref()).await?;
        }
        Ok(())
    }
}

/// Ends the JSON body `body` (an object left open) with `,"nextToken":…` when there is a
/// token, and the closing brace: the next request of a paged call.
pub fn close_with_token(mut body: String, token: Option<&str>) -> Res<String> {
    if let Some(token) = token {
        let _ = write!(body, r#","nextToken":{}"#, serde_json::to_string(token)?);
    }
    body.push('}');
    Ok(body)
}

pub fn snippet(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.chars().take(300).collect()
}

/// Asks DescribeLogGroups until it answers 200 (bounded by `deadline`).
pub async fn first_answer(url: &str, deadline: Duration) -> Res<()> {
    let http = Http::new(url)?;
    let started = Instant::now();
    loop {
        match http
            .call("DescribeLogGroups", Parts::from("{}".to_owned()))
            .await
        {
            Ok((status, _)) if status.is_success() => return Ok(()),
            _ if started.elapsed() > deadline => {
                return Err(format!("{url} did not answer within {deadline:?}").into())
            }
            _ => tokio::time::sleep(Duration::from_millis(2)).await,
        }
    }
}
