//! The HTTP server on top of the library: the axum router, and the in-process [`Emulator`]
//! handle that tests start with one call.
//!
//! The caller binds the socket ([`serve`] takes a listener), so the binary and the in-process
//! handle share one code path.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use http_body_util::BodyExt;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::clock::SharedClock;
use crate::config::{Config, SequenceTokenMode};
use crate::error::LogsError;
use crate::faults::{Faults, Outcome};
use crate::fixtures::FixtureError;
use crate::journal::Journal;
use crate::limits::{BODY_READ_TIMEOUT, HEADER_READ_TIMEOUT, MAX_REQUEST_BODY_BYTES};
use crate::ops::{self, Ctx};
use crate::protocol;
use crate::quotas::Quotas;
use crate::store::Store;

mod durable;
mod event_stream;

/// What every request handler shares.
#[derive(Debug)]
struct App {
    store: Arc<Store>,
    default_region: String,
    /// The fixtures loaded at startup, which `POST /_cwlogs/reset?fixtures=reload` reloads.
    fixtures: Option<PathBuf>,
    timeouts: Timeouts,
    guards: Guards,
    /// The data directory's journal, with `--data-dir`.
    journal: Option<Arc<Journal>>,
}

/// The layers between a request and its handler: fault injection, then the rate quotas.
#[derive(Debug, Clone, Default)]
pub(crate) struct Guards {
    pub(crate) faults: Arc<Faults>,
    pub(crate) quotas: Option<Arc<Quotas>>,
}

impl Guards {
    /// The guards `config` asks for: its quotas, and its fault file's rules.
    fn from_config(config: &Config) -> std::io::Result<Self> {
        let quotas = Quotas::load(&config.quotas, Arc::clone(&config.clock))
            .map_err(std::io::Error::other)?
            .map(Arc::new);
        let faults = Arc::new(Faults::default());
        if let Some(path) = &config.faults {
            let text = std::fs::read(path).map_err(|e| {
                std::io::Error::new(
                    e.kind(),
                    format!("cannot read the fault file {}: {e}", path.display()),
                )
            })?;
            let rules = crate::faults::parse_rules(&text).map_err(|e| {
                std::io::Error::other(format!("fault file {}: {e}", path.display()))
            })?;
            let count = rules.len();
            faults.add(rules).map_err(std::io::Error::other)?;
            tracing::info!(path = %path.display(), rules = count, "fault rules loaded");
        }
        Ok(Self { faults, quotas })
    }

    /// Clears the fault rules and refills the quota buckets (part of every reset).
    fn reset(&self) {
        self.faults.clear();
        if let Some(quotas) = &self.quotas {
            quotas.reset();
        }
    }
}

/// The path that wipes all state (for suites sharing one emulator).
pub const RESET_PATH: &str = "/_cwlogs/reset";
/// moto_server's reset path, answered too so suites written for moto run unchanged.
pub const MOTO_RESET_PATH: &str = "/moto-api/reset";
/// The subscription deliveries: `GET` lists them (`?destination=<arn>` filters,
/// `?drain=true` removes what it returns), `DELETE` clears them.
pub const DELIVERIES_PATH: &str = "/_cwlogs/deliveries";
/// What metric filters counted: `GET` lists it (one data point per metric and minute).
pub const METRICS_PATH: &str = "/_cwlogs/metrics";
/// The fault-injection rules: `POST` adds (one rule or an array), `GET` lists them with their
/// counts, `DELETE` clears them.
pub const FAULTS_PATH: &str = "/_cwlogs/faults";
/// Emits vended logs from a delivery source: `POST` a JSON body
/// `{"deliverySourceName": "...", "records": [{...}], "region": "..."}` (region optional);
/// the answer lists what each of the source's deliveries did (see `vended.rs`).
pub const VENDED_PATH: &str = "/_cwlogs/vended";
/// Compacts the `--data-dir` journal at once: `POST` (without a body, or a JSON one) answers
/// `{"beforeBytes": n, "afterBytes": m}` once the snapshot replaced the journal (the compactor
/// otherwise runs it only past 64 MiB); for tests of what a compaction keeps.
pub const COMPACT_PATH: &str = "/_cwlogs/compact";
/// The health route for compose healthchecks.
pub const HEALTH_PATH: &str = "/health";
/// How long a stop waits for in-flight requests before it ends them.
pub const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(3);

/// The router serving `store`: the JSON 1.1 endpoint on `POST /`, plus health and reset.
/// `config` gives the default region and the fixtures a reset may reload.
#[cfg(test)]
pub(crate) fn router(store: Arc<Store>, config: &Config, timeouts: Timeouts) -> Router {
    guarded_router(store, config, timeouts, Guards::default(), None)
}

/// The router, with `guards` in front of every operation.
fn guarded_router(
    store: Arc<Store>,
    config: &Config,
    timeouts: Timeouts,
    guards: Guards,
    journal: Option<Arc<Journal>>,
) -> Router {
    let app = Arc::new(App {
        store,
        default_region: config.default_region.clone(),
        fixtures: config.fixtures.clone(),
        timeouts,
        guards,
        journal,
    });
    Router::new()
        .route("/", post(handle_json).fallback(method_not_allowed))
        .route(HEALTH_PATH, get(health).fallback(method_not_allowed))
        .route(RESET_PATH, post(reset).fallback(method_not_allowed))
        .route(MOTO_RESET_PATH, post(reset).fallback(method_not_allowed))
        .route(METRICS_PATH, get(list_metrics).fallback(method_not_allowed))
        .route(VENDED_PATH, post(emit_vended).fallback(method_not_allowed))
        .route(COMPACT_PATH, post(compact).fallback(method_not_allowed))
        .route(
            DELIVERIES_PATH,
            get(list_deliveries)
                .delete(clear_deliveries)
                .fallback(method_not_allowed),
        )
        .route(
            FAULTS_PATH,
            get(list_faults)
                .post(add_faults)
                .delete(clear_faults)
                .fallback(method_not_allowed),
        )
        .fallback(not_found)
        .with_state(app)
}

/// How long a connection may take: the header read timeout, which also closes keep-alive
/// connections that stay idle, and the body read timeout.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timeouts {
    pub(crate) header_read: Duration,
    pub(crate) body_read: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            header_read: HEADER_READ_TIMEOUT,
            body_read: BODY_READ_TIMEOUT,
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves: HTTP/1.1 with keep-alive, a
/// connection closed when its next request's head does not arrive within
/// `timeouts.header_read` (slowloris clients and idle keep-alive connections alike).
async fn serve(
    listener: TcpListener,
    router: Router,
    timeouts: Timeouts,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(());
    tokio::spawn(async move {
        shutdown.await;
        drop(stop_rx);
    });
    // Each connection task holds a receiver; all are gone when every connection has ended.
    let (done_tx, done_rx) = tokio::sync::watch::channel(());
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop_tx.closed() => break,
        };
        let stream = match stream {
            Ok((stream, _)) => stream,
            Err(error) => {
                // Out of file descriptors and the like: wait a little rather than spin.
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let inner = hyper_util::service::TowerToHyperService::new(router.clone());
        // A response marked by a drop fault becomes a service error: hyper then closes the
        // connection without writing anything.
        let service = hyper::service::service_fn(move |request| {
            let answer = hyper::service::Service::call(&inner, request);
            async move {
                let response = answer.await.unwrap_or_else(|never| match never {});
                if response
                    .extensions()
                    .get::<crate::faults::DropConnection>()
                    .is_some()
                {
                    return Err(crate::faults::ConnectionDropped);
                }
                Ok(response)
            }
        });
        let stop_tx = stop_tx.clone();
        let done_rx = done_rx.clone();
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(timeouts.header_read)
                .keep_alive(true);
            let connection =
                builder.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            let mut connection = std::pin::pin!(connection);
            let mut stopping = std::pin::pin!(stop_tx.closed());
            let mut stop_sent = false;
            loop {
                tokio::select! {
                    _ = connection.as_mut() => break,
                    _ = &mut stopping, if !stop_sent => {
                        stop_sent = true;
                        connection.as_mut().graceful_shutdown();
                    }
                }
            }
            drop(done_rx);
        });
    }
    drop(done_rx);
    drop(listener);
    done_tx.closed().await;
    Ok(())
}

/// What the request log says about one request.
#[derive(Debug, Default)]
struct LogLine {
    operation: String,
    region: String,
    touched: ops::Touched,
}

async fn handle_json(State(app): State<Arc<App>>, headers: HeaderMap, body: Body) -> Response {
    let started = Instant::now();
    let request_id = uuid::Uuid::new_v4().to_string();
    let mut line = LogLine::default();
    let response = match answer_json(&app, &headers, body, &request_id, &mut line).await {
        Ok(response) => response,
        Err(error) => error_answer(&error, &request_id),
    };
    let response = stamp_request_id(response, &request_id);
    log_request(&line, &response, started);
    response
}

/// The body is read (up to the cap) before any answer, even an early error: a keep-alive
/// client sends its next request on the same connection right after this body.
async fn answer_json(
    app: &Arc<App>,
    headers: &HeaderMap,
    body: Body,
    request_id: &str,
    line: &mut LogLine,
) -> Result<Response, LogsError> {
    let body = read_body(headers, body, app.timeouts.body_read).await;
    // A body left unread (too large, too slow) is answered first: the connection must close.
    if let Err(error @ (LogsError::RequestTooLarge(_) | LogsError::RequestTimeout(_))) = &body {
        return Err(error.clone());
    }
    let target = protocol::target_from_headers(headers);
    line.operation = match &target {
        Ok(Some(target)) => target.strip_prefix("Logs_20140328.").unwrap_or(target),
        _ => "",
    }
    .chars()
    .take(128)
    .collect();
    let operation = protocol::parse_target(target?)?;
    operation.name().clone_into(&mut line.operation);
    let body = body?;
    let region_name = match protocol::region_from_headers(headers)? {
        Some(region) => region,
        None => &app.default_region,
    }
    .to_owned();
    line.region.clone_from(&region_name);
    let verdict = app.guards.faults.check(operation, &body);
    if !verdict.delay.is_zero() {
        tokio::time::sleep(verdict.delay).await;
    }
    let drop_after = match verdict.outcome {
        None => false,
        Some(Outcome::Drop { process }) if process => true,
        Some(outcome) => return Ok(fault_answer(&outcome, request_id)),
    };
    if let Some(quotas) = &app.guards.quotas {
        quotas.admit(&region_name, operation)?;
    }
    let run = {
        let app = Arc::clone(app);
        let request_id = request_id.to_owned();
        move || {
            let ctx = Ctx::new(&app.store, &region_name, &request_id)
                .with_journal(app.journal.as_deref());
            let result = ops::execute(operation, &ctx, &body);
            (result, ctx.touched())
        }
    };
    // Searches evaluate filter patterns over many events: they run on the blocking pool so a
    // slow one never holds up the async workers that serve every other request.
    let (result, touched) = if operation.is_search() {
        tokio::task::spawn_blocking(run).await.unwrap_or_else(|_| {
            let error = LogsError::ServiceUnavailable("The search failed unexpectedly.".into());
            (Err(error), ops::Touched::default())
        })
    } else {
        run()
    };
    line.touched = touched;
    if let (Ok(_), Some(journal)) = (
        &result,
        app.journal.as_ref().filter(|_| operation.changes_state()),
    ) {
        // Acknowledged only once durable (group commit: one sync serves every waiting write).
        journal
            .wait_durable()
            .await
            .map_err(LogsError::ServiceUnavailable)?;
    }
    if drop_after {
        return Ok(dropped());
    }
    let handled = result?;
    Ok(match handled.stream {
        Some(stream) => event_stream_answer(stream),
        None => protocol::success(handled.body, ""),
    })
}

/// A streamed answer: 200 with the event-stream content type, sent chunked as messages come.
fn event_stream_answer(stream: ops::EventStream) -> Response {
    let mut response = Response::new(Body::new(event_stream::EventStreamBody::new(stream)));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(protocol::event_stream::CONTENT_TYPE),
    );
    response
}

/// The answer a fault decides instead of the operation's.
fn fault_answer(outcome: &Outcome, request_id: &str) -> Response {
    match outcome {
        Outcome::Error {
            code,
            message,
            status,
        } => protocol::error_with_code(code, message, *status, request_id),
        Outcome::Status(status) => StatusCode::from_u16(*status)
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            .into_response(),
        Outcome::Drop { .. } => dropped(),
    }
}

/// A response the accept loop turns into a closed connection.
fn dropped() -> Response {
    let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
    response
        .extensions_mut()
        .insert(crate::faults::DropConnection);
    response
}

/// An error answer; after one that leaves the body unread (too large, too slow), the
/// connection is closed, and said to be.
fn error_answer(error: &LogsError, request_id: &str) -> Response {
    let mut response = protocol::error_response(error, request_id);
    if matches!(
        error,
        LogsError::RequestTooLarge(_) | LogsError::RequestTimeout(_)
    ) {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

fn stamp_request_id(mut response: Response, request_id: &str) -> Response {
    if let Ok(id) = HeaderValue::from_str(request_id) {
        response
            .headers_mut()
            .insert(protocol::REQUEST_ID_HEADER, id);
    }
    response
}

/// Reads the body, refusing (413) anything over [`MAX_REQUEST_BODY_BYTES`] without buffering
/// it, and (408) a body that does not arrive within `timeout`.
async fn read_body(
    headers: &HeaderMap,
    body: Body,
    timeout: Duration,
) -> Result<axum::body::Bytes, LogsError> {
    let too_large = || {
        LogsError::RequestTooLarge(format!(
            "Request body exceeds the {MAX_REQUEST_BODY_BYTES} byte limit"
        ))
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_REQUEST_BODY_BYTES as u64) {
        return Err(too_large());
    }
    let collect = http_body_util::Limited::new(body, MAX_REQUEST_BODY_BYTES).collect();
    match tokio::time::timeout(timeout, collect).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(error)) if error.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        Ok(Err(error)) => Err(LogsError::Serialization(format!(
            "Could not read the request body: {error}"
        ))),
        Err(_) => Err(LogsError::RequestTimeout(format!(
            "The request body did not arrive within {} seconds",
            timeout.as_secs()
        ))),
    }
}

/// One info line per request, whatever route or answer: operation (or route), region,
/// group/stream, status, error code and duration.
fn log_request(line: &LogLine, response: &Response, started: Instant) {
    let dropped = response
        .extensions()
        .get::<crate::faults::DropConnection>()
        .is_some();
    tracing::info!(
        operation = line.operation.as_str(),
        region = line.region.as_str(),
        group = line.touched.group.as_str(),
        stream = line.touched.stream.as_str(),
        // A dropped connection gets no status at all.
        status = if dropped {
            0
        } else {
            response.status().as_u16()
        },
        error = if dropped {
            "ConnectionDropped"
        } else {
            response
                .headers()
                .get(protocol::ERROR_TYPE_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
        },
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
}

/// The request log line of a route other than `POST /`, named by its method and path.
fn log_route(method: &Method, uri: &Uri, response: &Response, started: Instant) {
    let line = LogLine {
        operation: format!("{method} {}", uri.path())
            .chars()
            .take(128)
            .collect(),
        ..LogLine::default()
    };
    log_request(&line, response, started);
}

async fn health(State(app): State<Arc<App>>, method: Method, uri: Uri) -> Response {
    let started = Instant::now();
    let body = serde_json::json!({
        "status": "ok",
        "service": "logs",
        "version": env!("CARGO_PKG_VERSION"),
        "liveTailSessions": app.store.live_tails().count(),
    });
    let response = (StatusCode::OK, axum::Json(body)).into_response();
    log_route(&method, &uri, &response, started);
    response
}

/// `POST /_cwlogs/reset` wipes all state; with `?fixtures=reload` it returns to the startup
/// state (the fixtures reloaded). Refused when a web page could have sent it (see
/// [`browser_could_send`]).
async fn reset(State(app): State<Arc<App>>, request: Request) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let (method, uri, headers) = (parts.method, parts.uri, parts.headers);
    let body = read_body(&headers, body, app.timeouts.body_read).await;
    let outcome = match (browser_could_send(&headers, &body), body) {
        (true, _) => Err(LogsError::Forbidden(
            "Refused: a web page could send this request. Send it without an Origin header \
             and without a body (curl -X POST), or with Content-Type: application/json."
                .into(),
        )),
        (false, Err(error)) => Err(error),
        (false, Ok(_)) => reset_state(&app, uri.query()),
    };
    let outcome = match (outcome, &app.journal) {
        (Ok(body), Some(journal)) => journal
            .wait_durable()
            .await
            .map(|()| body)
            .map_err(LogsError::ServiceUnavailable),
        (outcome, _) => outcome,
    };
    let response = match outcome {
        Ok(body) => (StatusCode::OK, axum::Json(body)).into_response(),
        Err(error) => error_answer(&error, &uuid::Uuid::new_v4().to_string()),
    };
    log_route(&method, &uri, &response, started);
    response
}

/// `POST /_cwlogs/compact`: see [`COMPACT_PATH`]. Refused like the reset route when a web page
/// could have sent it, and without `--data-dir`.
async fn compact(State(app): State<Arc<App>>, request: Request) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let (method, uri, headers) = (parts.method, parts.uri, parts.headers);
    let body = read_body(&headers, body, app.timeouts.body_read).await;
    let outcome = match (browser_could_send(&headers, &body), body, &app.journal) {
        (true, _, _) => Err(LogsError::Forbidden(
            "Refused: a web page could send this request. Send it without an Origin header \
             and without a body (curl -X POST), or with Content-Type: application/json."
                .into(),
        )),
        (false, Err(error), _) => Err(error),
        (false, Ok(_), None) => Err(LogsError::Validation(
            "This emulator runs without --data-dir: there is no journal to compact.".into(),
        )),
        (false, Ok(_), Some(journal)) => {
            let (store, journal) = (Arc::clone(&app.store), Arc::clone(journal));
            tokio::task::spawn_blocking(move || durable::compact(&store, &journal))
                .await
                .unwrap_or_else(|_| Err(std::io::Error::other("the compaction failed")))
                .map_err(|error| {
                    LogsError::ServiceUnavailable(format!("The compaction failed: {error}"))
                })
        }
    };
    let response = match outcome {
        Ok((before, after)) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({ "beforeBytes": before, "afterBytes": after })),
        )
            .into_response(),
        Err(error) => error_answer(&error, &uuid::Uuid::new_v4().to_string()),
    };
    log_route(&method, &uri, &response, started);
    response
}

/// The body of `POST /_cwlogs/vended`.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct VendedRequest {
    delivery_source_name: String,
    records: Vec<serde_json::Value>,
    region: Option<String>,
}

/// `POST /_cwlogs/vended`: emits records from a delivery source to its deliveries. Refused
/// like the reset route when a web page could have sent it.
async fn emit_vended(State(app): State<Arc<App>>, request: Request) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let (method, uri, headers) = (parts.method, parts.uri, parts.headers);
    let body = read_body(&headers, body, app.timeouts.body_read).await;
    let outcome = if browser_could_send(&headers, &body) {
        Err(LogsError::Forbidden(
            "Refused: a web page could send this request. Send it with Content-Type: \
             application/json."
                .into(),
        ))
    } else {
        body.and_then(|body| {
            let request: VendedRequest = serde_json::from_slice(&body).map_err(|e| {
                LogsError::Validation(format!(
                    "Invalid body: {e}. Send {{\"deliverySourceName\": \"...\", \"records\": \
                     [{{...}}], \"region\": \"...\"}}"
                ))
            })?;
            Ok(request)
        })
    };
    // Deliveries to S3, Firehose and X-Ray wait on those services: off the async workers.
    let outcome = match outcome {
        Ok(request) => {
            let emitter = Arc::clone(&app);
            let emitted = tokio::task::spawn_blocking(move || {
                let region = request.region.as_deref().unwrap_or(&emitter.default_region);
                crate::vended::emit_journaled(
                    &emitter.store,
                    emitter.journal.as_deref(),
                    region,
                    &request.delivery_source_name,
                    &request.records,
                )
            })
            .await
            .unwrap_or_else(|_| Err(LogsError::ServiceUnavailable("the emit failed".into())));
            match (emitted, &app.journal) {
                (Ok(deliveries), Some(journal)) => journal
                    .wait_durable()
                    .await
                    .map(|()| deliveries)
                    .map_err(LogsError::ServiceUnavailable),
                (emitted, _) => emitted,
            }
        }
        Err(error) => Err(error),
    };
    let response = match outcome {
        Ok(deliveries) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({ "deliveries": deliveries })),
        )
            .into_response(),
        Err(error) => error_answer(&error, &uuid::Uuid::new_v4().to_string()),
    };
    log_route(&method, &uri, &response, started);
    response
}

/// The query of `GET /_cwlogs/deliveries`.
#[derive(Debug, serde::Deserialize)]
struct DeliveriesQuery {
    destination: Option<String>,
    #[serde(default)]
    drain: bool,
}

async fn list_deliveries(
    State(app): State<Arc<App>>,
    query: Result<axum::extract::Query<DeliveriesQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let query = match query {
        Ok(axum::extract::Query(query)) => query,
        Err(rejection) => {
            let body = serde_json::json!({
                "message": format!("Invalid query: {rejection}. Use ?destination=<arn>&drain=true|false"),
            });
            return (StatusCode::BAD_REQUEST, axum::Json(body)).into_response();
        }
    };
    let outbox = app.store.outbox();
    let deliveries = outbox.list(query.drain, |d| {
        query
            .destination
            .as_ref()
            .is_none_or(|arn| &d.destination_arn == arn)
    });
    let body = serde_json::json!({
        "deliveries": deliveries,
        "dropped": outbox.dropped(),
    });
    (StatusCode::OK, axum::Json(body)).into_response()
}

async fn list_metrics(State(app): State<Arc<App>>) -> Response {
    let metrics = app.store.metrics();
    let mut body = serde_json::json!({"metrics": metrics.all()});
    if let Some(report) = metrics.publish_report() {
        body["publishing"] = serde_json::json!(report);
    }
    (StatusCode::OK, axum::Json(body)).into_response()
}

async fn clear_deliveries(State(app): State<Arc<App>>) -> Response {
    app.store.outbox().clear();
    (
        StatusCode::OK,
        axum::Json(serde_json::json!({"cleared": true})),
    )
        .into_response()
}

async fn list_faults(State(app): State<Arc<App>>) -> Response {
    let body = serde_json::json!({"rules": app.guards.faults.list()});
    (StatusCode::OK, axum::Json(body)).into_response()
}

/// `POST /_cwlogs/faults`: a JSON rule or array of rules; refused when a web page could have
/// sent it (see [`browser_could_send`]: send it with `Content-Type: application/json`).
async fn add_faults(State(app): State<Arc<App>>, request: Request) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let body = read_body(&parts.headers, body, app.timeouts.body_read).await;
    let added = match (browser_could_send(&parts.headers, &body), body) {
        (true, _) => Err(LogsError::Forbidden(
            "Refused: a web page could send this request. Send it with \
             Content-Type: application/json."
                .into(),
        )),
        (false, Err(error)) => Err(error),
        (false, Ok(body)) => crate::faults::parse_rules(&body)
            .and_then(|rules| app.guards.faults.add(rules))
            .map_err(|error| LogsError::Validation(error.0)),
    };
    let response = match added {
        Ok(ids) => (StatusCode::OK, axum::Json(serde_json::json!({"ids": ids}))).into_response(),
        Err(error) => error_answer(&error, &uuid::Uuid::new_v4().to_string()),
    };
    log_route(&parts.method, &parts.uri, &response, started);
    response
}

async fn clear_faults(State(app): State<Arc<App>>) -> Response {
    app.guards.faults.clear();
    (
        StatusCode::OK,
        axum::Json(serde_json::json!({"cleared": true})),
    )
        .into_response()
}

fn reset_state(app: &App, query: Option<&str>) -> Result<serde_json::Value, LogsError> {
    let reload = match query.unwrap_or("") {
        "" => false,
        "fixtures=reload" => true,
        other => {
            return Err(LogsError::Validation(format!(
                "Unknown reset option {other:?}: the only one is fixtures=reload"
            )))
        }
    };
    if !reload {
        app.guards.reset();
        durable::reset(&app.store, app.journal.as_deref());
        tracing::info!("state reset");
        return Ok(serde_json::json!({"reset": true}));
    }
    let events = durable::reset_to_fixtures(app.journal.as_deref(), || {
        reload_fixtures(&app.store, app.fixtures.as_deref(), &app.default_region)
    })
    .map_err(|error| {
        LogsError::Validation(format!("The fixtures could not be reloaded: {error}"))
    })?;
    app.guards.reset();
    tracing::info!(events, "state reset to the fixtures");
    Ok(serde_json::json!({"reset": true, "fixtureEvents": events}))
}

/// Replaces all state with the fixtures at `path` (none: an empty store), in one step; on a
/// bad file nothing changes.
fn reload_fixtures(
    store: &Store,
    path: Option<&std::path::Path>,
    default_region: &str,
) -> Result<usize, FixtureError> {
    let fresh = store.empty_like();
    let events = match path {
        Some(path) => crate::fixtures::load(path, &fresh, default_region)?,
        None => 0,
    };
    store.replace_with(fresh);
    Ok(events)
}

/// Whether a web page on another origin could have sent this state-changing request without
/// the browser asking first (a CORS "simple" request, which the emulator never answers a
/// preflight for). Such a request carries an `Origin` header (browsers send one with every
/// cross-origin POST) or a body; a non-simple request (a JSON content type, or an `X-Amz-*`
/// / `X-Cwlogs-*` header) needs a preflight that the emulator does not grant, so a page cannot
/// send it. `curl -X POST` (no Origin, no body) and SDK-style calls are accepted.
fn browser_could_send(headers: &HeaderMap, body: &Result<axum::body::Bytes, LogsError>) -> bool {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
    let simple_type = content_type.as_deref().is_none_or(|t| {
        matches!(
            t,
            "application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain"
        )
    });
    let custom_header = headers.keys().any(|name| {
        let name = name.as_str();
        name.starts_with("x-amz-") || name.starts_with("x-cwlogs-")
    });
    if !simple_type || custom_header {
        return false;
    }
    let has_body = !matches!(body, Ok(bytes) if bytes.is_empty());
    headers.contains_key(header::ORIGIN) || has_body
}

async fn method_not_allowed(State(app): State<Arc<App>>, request: Request) -> Response {
    let path = request.uri().path();
    let error = LogsError::MethodNotAllowed(format!(
        "{path} takes {}",
        match path {
            "/" => "POST with an X-Amz-Target header (CloudWatch Logs' JSON 1.1 protocol)",
            HEALTH_PATH => "GET",
            FAULTS_PATH => "GET, POST or DELETE",
            _ => "POST",
        }
    ));
    refuse_route(&app, request, error).await
}

async fn not_found(State(app): State<Arc<App>>, request: Request) -> Response {
    let error = LogsError::NotFound(
        "No such route: CloudWatch Logs takes POST / with an X-Amz-Target header".into(),
    );
    refuse_route(&app, request, error).await
}

/// Answers `error` to a request for a route or method that does not exist, after reading (and
/// dropping) its body so the connection can carry the next request.
async fn refuse_route(app: &App, request: Request, error: LogsError) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let unread = read_body(&parts.headers, body, app.timeouts.body_read)
        .await
        .err();
    let response = error_answer(
        unread.as_ref().unwrap_or(&error),
        &uuid::Uuid::new_v4().to_string(),
    );
    log_route(&parts.method, &parts.uri, &response, started);
    response
}

/// A running emulator: stops when dropped, or on [`Emulator::shutdown`].
///
/// ```no_run
/// # async fn example() -> std::io::Result<()> {
/// use aws_sdk_cloudwatchlogs as logs;
/// let emulator = cwlogs_emulator::Emulator::start().await?;
/// let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
///     .endpoint_url(emulator.endpoint_url())
///     .region(aws_config::Region::new("us-east-1"))
///     .credentials_provider(logs::config::Credentials::for_tests())
///     .load()
///     .await;
/// let client = logs::Client::new(&config);
/// client.create_log_group().log_group_name("app").send().await.unwrap();
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    store: Arc<Store>,
    config: Config,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    /// The subscription forwarder, when endpoints are configured.
    forwarder: Option<JoinHandle<()>>,
    /// The scheduled-query runner.
    scheduler: Option<JoinHandle<()>>,
    /// The metric publisher and its stop signal, when a CloudWatch endpoint is configured.
    publisher: Option<(oneshot::Sender<()>, JoinHandle<()>)>,
    /// Fault injection and quotas, shared with the router.
    guards: Guards,
    /// Cuts every Live Tail session's update once a second.
    live_tail_ticker: Option<JoinHandle<()>>,
    /// The data directory's journal and its compaction task, with `--data-dir`.
    journal: Option<Arc<Journal>>,
    compactor: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Starts an emulator with the default settings on an ephemeral loopback port.
    pub async fn start() -> std::io::Result<Self> {
        Self::builder().start().await
    }

    /// A builder for an emulator with other settings.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// `http://127.0.0.1:<port>`, for the SDKs' endpoint override.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the emulator listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// A read-only view of the state, for assertions (write through the API or fixtures).
    pub fn store(&self) -> crate::StoreView<'_> {
        crate::StoreView::new(&self.store)
    }

    /// Wipes all state, as the reset route does (fixtures included, fault rules too).
    pub fn reset(&self) {
        self.guards.reset();
        durable::reset(&self.store, self.journal.as_deref());
    }

    /// Adds a fault-injection rule (as `POST /_cwlogs/faults` does) and returns its id; a rule
    /// that cannot be used is an error saying why.
    pub fn add_fault(
        &self,
        rule: crate::FaultRule,
    ) -> Result<u64, crate::faults::InvalidFaultRule> {
        Ok(self.guards.faults.add(vec![rule])?[0])
    }

    /// Every fault-injection rule with its counts (`GET /_cwlogs/faults`).
    pub fn faults(&self) -> Vec<crate::FaultStatus> {
        self.guards.faults.list()
    }

    /// Removes every fault-injection rule (`DELETE /_cwlogs/faults`).
    pub fn clear_faults(&self) {
        self.guards.faults.clear();
    }

    /// Every subscription delivery in the outbox, oldest first (`GET /_cwlogs/deliveries`).
    pub fn deliveries(&self) -> Vec<crate::Delivery> {
        self.store.outbox().list(false, |_| true)
    }

    /// Returns the deliveries to `destination_arn` and removes them from the outbox
    /// (`GET /_cwlogs/deliveries?destination=<arn>&drain=true`).
    pub fn drain_deliveries(&self, destination_arn: &str) -> Vec<crate::Delivery> {
        self.store
            .outbox()
            .list(true, |d| d.destination_arn == destination_arn)
    }

    /// How many deliveries the full outbox dropped (oldest first).
    pub fn deliveries_dropped(&self) -> u64 {
        self.store.outbox().dropped()
    }

    /// What metric filters counted, one data point per metric and minute
    /// (`GET /_cwlogs/metrics`).
    pub fn metrics(&self) -> Vec<crate::MetricDatum> {
        self.store.metrics().all()
    }

    /// Emits vended logs (JSON objects) from the delivery source `source` of `region` to
    /// each of its deliveries, as `POST /_cwlogs/vended` does, and returns once every
    /// delivery is written (to S3, Firehose and X-Ray endpoints too); the error is AWS's code
    /// and message (`ResourceNotFoundException: ...` for an unknown source).
    pub fn emit_vended_logs(
        &self,
        region: &str,
        source: &str,
        records: &[serde_json::Value],
    ) -> Result<Vec<crate::VendedDelivery>, String> {
        let journal = self.journal.as_deref();
        // Its deliveries may wait on other services' endpoints: on a thread of its own, so
        // that an async caller's runtime is not blocked on from inside.
        let deliveries = std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    crate::vended::emit_journaled(&self.store, journal, region, source, records)
                })
                .join()
                .unwrap_or_else(|_| Err(LogsError::ServiceUnavailable("the emit failed".into())))
        })
        .map_err(|e| format!("{}: {e}", e.code()))?;
        if let Some(journal) = journal {
            journal.wait_durable_blocking()?;
        }
        Ok(deliveries)
    }

    /// Compacts the `--data-dir` journal at once (as `POST /_cwlogs/compact` does) and returns
    /// its length before and after; an error without `--data-dir`.
    pub fn compact(&self) -> std::io::Result<(u64, u64)> {
        match &self.journal {
            Some(journal) => durable::compact(&self.store, journal),
            None => Err(std::io::Error::other(
                "this emulator runs without --data-dir: there is no journal to compact",
            )),
        }
    }

    /// How many StartLiveTail sessions are open (also `liveTailSessions` on `GET /health`).
    pub fn live_tail_sessions(&self) -> usize {
        self.store.live_tails().count()
    }

    /// Empties the outbox (`DELETE /_cwlogs/deliveries`).
    pub fn clear_deliveries(&self) {
        self.store.outbox().clear();
    }

    /// Returns to the startup state: all state replaced by the fixtures, reloaded from their
    /// files (as `POST /_cwlogs/reset?fixtures=reload` does); without fixtures, the same as
    /// [`Emulator::reset`]. Returns the number of events loaded. A file that has become
    /// invalid since startup is an error, and then nothing changes.
    pub fn reset_to_fixtures(&self) -> Result<usize, FixtureError> {
        let events = durable::reset_to_fixtures(self.journal.as_deref(), || {
            reload_fixtures(
                &self.store,
                self.config.fixtures.as_deref(),
                &self.config.default_region,
            )
        })?;
        self.guards.reset();
        Ok(events)
    }

    /// Stops the server: in-flight requests get [`SHUTDOWN_GRACE`] to finish (clients may
    /// hold keep-alive connections open, so it does not wait on them forever).
    pub async fn shutdown(mut self) {
        if let Some(forwarder) = self.forwarder.take() {
            forwarder.abort();
        }
        // Live Tail streams end now, so their connections do not hold the stop up.
        self.store.live_tails().close_all();
        if let Some(ticker) = self.live_tail_ticker.take() {
            ticker.abort();
        }
        if let Some(scheduler) = self.scheduler.take() {
            scheduler.abort();
        }
        if let Some(compactor) = self.compactor.take() {
            compactor.abort();
        }
        // The last minute's metrics are flushed before the server stops.
        if let Some((stop, publisher)) = self.publisher.take() {
            let _ = stop.send(());
            let abort = publisher.abort_handle();
            if tokio::time::timeout(SHUTDOWN_GRACE, publisher)
                .await
                .is_err()
            {
                tracing::warn!("the metric flush did not finish in time");
                abort.abort();
            }
        }
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            match tokio::time::timeout(SHUTDOWN_GRACE, task).await {
                Ok(Ok(Ok(()))) => {}
                Ok(Ok(Err(error))) => tracing::warn!(%error, "the server stopped with an error"),
                Ok(Err(_)) => tracing::warn!("the server task failed"),
                Err(_) => {
                    tracing::warn!("in-flight requests did not finish in time; stopping anyway");
                    abort.abort();
                }
            }
        }
        if let Some(journal) = self.journal.take() {
            let store = Arc::clone(&self.store);
            let _ = tokio::task::spawn_blocking(move || {
                durable::close(&store, &journal, SHUTDOWN_GRACE);
            })
            .await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(forwarder) = self.forwarder.take() {
            forwarder.abort();
        }
        self.store.live_tails().close_all();
        if let Some(ticker) = self.live_tail_ticker.take() {
            ticker.abort();
        }
        if let Some(scheduler) = self.scheduler.take() {
            scheduler.abort();
        }
        if let Some(compactor) = self.compactor.take() {
            compactor.abort();
        }
        if let Some((_, publisher)) = self.publisher.take() {
            publisher.abort();
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
        if let Some(journal) = self.journal.take() {
            // The directory is free once the handle is gone, whoever else holds the journal.
            durable::close(&self.store, &journal, SHUTDOWN_GRACE);
        }
    }
}

/// Settings for [`Emulator`]; every one has a default.
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    config: Config,
    addr: SocketAddr,
    timeouts: Timeouts,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            config: Config::default(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            timeouts: Timeouts::default(),
        }
    }
}

impl EmulatorBuilder {
    /// The region for requests without a SigV4 credential scope.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.config.default_region = region.into();
        self
    }

    /// The account id ARNs carry.
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.config.account_id = account_id.into();
        self
    }

    /// The source of "now" (a [`crate::ManualClock`] in tests).
    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.config.clock = clock;
        self
    }

    /// How PutLogEvents treats sequence tokens.
    pub fn sequence_tokens(mut self, mode: SequenceTokenMode) -> Self {
        self.config.sequence_tokens = mode;
        self
    }

    /// The address to listen on (default `127.0.0.1:0`, an ephemeral port).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Keeps all state in the directory `dir` (`--data-dir`), created when missing: a restart
    /// on the same directory brings it all back (see the README's "Durable state").
    pub fn data_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.config.data_dir = Some(dir.into());
        self
    }

    /// Preloads the fixture file or folder at `path` (see [`crate::fixtures`]).
    pub fn fixtures(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.config.fixtures = Some(path.into());
        self
    }

    /// The request-rate quotas to enforce (default [`crate::QuotaSource::Off`]).
    pub fn quotas(mut self, quotas: crate::QuotaSource) -> Self {
        self.config.quotas = quotas;
        self
    }

    /// Loads fault-injection rules from the JSON file at `path` at startup.
    pub fn faults_file(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.config.faults = Some(path.into());
        self
    }

    /// Where CreateExportTask writes (each bucket a folder of `path`).
    pub fn export_dir(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.config.export_dir = Some(path.into());
        self
    }

    /// Makes PutSubscriptionFilter ask the forwarding endpoint whether its destination exists
    /// (`--check-destinations`).
    pub fn check_destinations(mut self, check: bool) -> Self {
        self.config.check_destinations = check;
        self
    }

    /// Writes export tasks to the S3-compatible `endpoint`.
    pub fn s3_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.config.s3_endpoint = Some(endpoint.into());
        self
    }

    /// Reads import tasks' CloudTrail Lake event data stores from the CloudTrail `endpoint`.
    pub fn cloudtrail_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.config.cloudtrail_endpoint = Some(endpoint.into());
        self
    }

    /// Sends vended traces (deliveries to XRAY destinations) to the X-Ray-compatible
    /// `endpoint` with PutTraceSegments.
    pub fn xray_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.config.xray_endpoint = Some(endpoint.into());
        self
    }

    /// Most deliveries the outbox keeps (default [`crate::config::DEFAULT_OUTBOX_SIZE`]).
    pub fn outbox_size(mut self, size: usize) -> Self {
        self.config.outbox_size = size;
        self
    }

    /// Sends metric filters' metrics to a CloudWatch-compatible `endpoint` with PutMetricData,
    /// once a minute and at [`Emulator::shutdown`].
    pub fn cloudwatch_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.config.cloudwatch_endpoint = Some(endpoint.into());
        self
    }

    /// Forwards subscription deliveries to the Kinesis, Firehose and Lambda endpoints given.
    pub fn forward(mut self, endpoints: crate::Endpoints) -> Self {
        self.config.forward = endpoints;
        self
    }

    /// The least time a Logs Insights query stays Running (default zero), to test polling.
    pub fn query_min_duration(mut self, duration: std::time::Duration) -> Self {
        self.config.query_min_duration = duration;
        self
    }

    /// How long a StartLiveTail session lasts before SessionTimeoutException (default
    /// [`crate::limits::LIVE_TAIL_TIMEOUT`], three hours).
    pub fn live_tail_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.config.live_tail_timeout = timeout;
        self
    }

    /// Other connection timeouts than [`HEADER_READ_TIMEOUT`] and [`BODY_READ_TIMEOUT`] (tests
    /// of the timeouts use short ones).
    #[cfg(test)]
    pub(crate) fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Replaces every setting at once.
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Loads the fixtures (if any), binds, and starts serving on the current Tokio runtime.
    /// This is the one way an emulator starts: the binary uses it too. A bad fixture file is
    /// an error naming the file and line, and a taken address one naming the address; nothing
    /// is served then.
    pub async fn start(self) -> std::io::Result<Emulator> {
        let guards = Guards::from_config(&self.config)?;
        let store = Arc::new(Store::from_config(&self.config));
        if let Some(path) = &self.config.fixtures {
            let events = crate::fixtures::load(path, &store, &self.config.default_region)
                .map_err(std::io::Error::other)?;
            tracing::info!(path = %path.display(), events, "fixtures loaded");
        }
        let (journal, unfinished_deliveries) = match &self.config.data_dir {
            Some(dir) => {
                let (journal, unfinished) = durable::open(&store, dir)?;
                (Some(journal), unfinished)
            }
            None => (None, Vec::new()),
        };
        if let Some(journal) = &journal {
            durable::journal_background_work(&store, journal);
        }
        let listener = TcpListener::bind(self.addr).await.map_err(|error| {
            std::io::Error::new(
                error.kind(),
                format!("cannot listen on {}: {error}", self.addr),
            )
        })?;
        let addr = listener.local_addr()?;
        let forwarder = self.config.forward.any().then(|| {
            forwarding(
                &store,
                self.config.forward.clone(),
                self.config.default_region.clone(),
            )
        });
        if !unfinished_deliveries.is_empty() {
            let found = unfinished_deliveries.len();
            let resent = store.outbox().resend(unfinished_deliveries);
            tracing::info!(
                found,
                resent,
                "data dir: subscription deliveries not finished before the restart are sent \
                 again (those without a forwarding endpoint now are not)"
            );
        }
        let publisher = self.config.cloudwatch_endpoint.clone().map(|endpoint| {
            let publisher = crate::metrics::Publisher::new(
                endpoint,
                self.config.default_region.clone(),
                Arc::clone(store.metrics()),
            );
            let (stop, stopped) = oneshot::channel();
            let task = tokio::spawn(publisher.run(crate::metrics::PUBLISH_PERIOD, stopped));
            (stop, task)
        });
        let scheduler = tokio::spawn(crate::scheduler::run(Arc::clone(&store), journal.clone()));
        let live_tail_ticker = Some(tokio::spawn(tick_live_tails(Arc::downgrade(&store))));
        let router = guarded_router(
            Arc::clone(&store),
            &self.config,
            self.timeouts,
            guards.clone(),
            journal.clone(),
        );
        let compactor = journal
            .as_ref()
            .map(|journal| tokio::spawn(durable::compact_now_and_then(&store, journal)));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, router, self.timeouts, async move {
            let _ = stopped.await;
        }));
        Ok(Emulator {
            addr,
            store,
            config: self.config,
            stop: Some(stop),
            task: Some(task),
            forwarder,
            scheduler: Some(scheduler),
            publisher,
            guards,
            live_tail_ticker,
            journal,
            compactor,
        })
    }
}

/// Cuts every Live Tail session's update each [`crate::limits::LIVE_TAIL_UPDATE_PERIOD`], until
/// the store is gone. One task for all sessions: an idle session costs no task of its own.
async fn tick_live_tails(store: std::sync::Weak<Store>) {
    let mut interval = tokio::time::interval(crate::limits::LIVE_TAIL_UPDATE_PERIOD);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    interval.tick().await;
    loop {
        interval.tick().await;
        let Some(store) = store.upgrade() else {
            return;
        };
        store.live_tails().tick();
    }
}

/// Starts the background forwarder of `store`'s deliveries to `endpoints`, signing for
/// `region`. It resolves logs destinations through the store, which it does not keep alive.
fn forwarding(store: &Arc<Store>, endpoints: crate::Endpoints, region: String) -> JoinHandle<()> {
    let (sender, receiver) =
        tokio::sync::mpsc::channel(crate::delivery::forward::MAX_QUEUED_DELIVERIES);
    store.outbox().forward_to(sender, endpoints.clone());
    let weak = Arc::downgrade(store);
    let resolve: crate::delivery::forward::Resolver = Arc::new(move |arn: &str| {
        // arn:aws:logs:<region>:<account>:destination:<name>
        let parts: Vec<&str> = arn.splitn(7, ':').collect();
        let [_, _, "logs", region, _, "destination", name] = parts[..] else {
            return None;
        };
        let store = weak.upgrade()?;
        let destination = store
            .existing_region(region)?
            .destinations()
            .get(name)
            .ok()?;
        Some(destination.target_arn)
    });
    let forwarder = crate::delivery::forward::Forwarder::new(
        endpoints,
        region,
        Arc::clone(store.outbox()),
        resolve,
    );
    tokio::spawn(forwarder.run(receiver))
}

#[cfg(test)]
mod tests;
