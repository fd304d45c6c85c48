//! The HTTP server on top of the library: the axum router, and the in-process [`Emulator`]
//! handle that tests start with one call.
//!
//! The caller binds the socket ([`serve`] takes a listener), so the binary and the in-process
//! handle share one code path.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
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
use crate::limits::MAX_REQUEST_BODY_BYTES;
use crate::ops::{self, Ctx};
use crate::protocol::{self, Operation};
use crate::store::Store;

/// What every request handler shares.
#[derive(Debug)]
struct App {
    store: Arc<Store>,
    default_region: String,
}

/// The path that wipes all state (for suites sharing one emulator).
pub const RESET_PATH: &str = "/_cwlogs/reset";
/// moto_server's reset path, answered too so suites written for moto run unchanged.
pub const MOTO_RESET_PATH: &str = "/moto-api/reset";
/// The health route for compose healthchecks.
pub const HEALTH_PATH: &str = "/health";
/// How long a stop waits for in-flight requests before it ends them.
pub const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(3);

/// The router serving `store`: the JSON 1.1 endpoint on `POST /`, plus health and reset.
pub(crate) fn router(store: Arc<Store>, default_region: String) -> Router {
    let app = Arc::new(App {
        store,
        default_region,
    });
    Router::new()
        .route("/", post(handle_json).fallback(method_not_allowed))
        .route(HEALTH_PATH, get(health))
        .route(RESET_PATH, post(reset))
        .route(MOTO_RESET_PATH, post(reset))
        .fallback(not_found)
        .with_state(app)
}

/// Serves `router` on `listener` until `shutdown` resolves.
async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

async fn handle_json(State(app): State<Arc<App>>, headers: HeaderMap, body: Body) -> Response {
    let started = Instant::now();
    let request_id = uuid::Uuid::new_v4().to_string();
    let target = headers.get("x-amz-target").and_then(|t| t.to_str().ok());
    let operation = match protocol::parse_target(target) {
        Ok(operation) => operation,
        Err(error) => return protocol::error_response(&error, &request_id),
    };
    let body = match read_body(&headers, body).await {
        Ok(body) => body,
        Err(error) => return protocol::error_response(&error, &request_id),
    };
    let region_name = protocol::region_from_headers(&headers)
        .unwrap_or(&app.default_region)
        .to_owned();
    let run = {
        let region_name = region_name.clone();
        move || {
            let ctx = Ctx::new(&app.store, app.store.region(&region_name));
            let result = ops::dispatch(operation, &ctx, &body);
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
    let response = match result {
        Ok(handled) => protocol::success(handled.body, &request_id),
        Err(error) => protocol::error_response(&error, &request_id),
    };
    log_request(operation, &region_name, &touched, &response, started);
    response
}

/// Reads the body, refusing (413) anything over [`MAX_REQUEST_BODY_BYTES`] without buffering it.
async fn read_body(headers: &HeaderMap, body: Body) -> Result<axum::body::Bytes, LogsError> {
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
    match http_body_util::Limited::new(body, MAX_REQUEST_BODY_BYTES)
        .collect()
        .await
    {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        Err(error) => Err(LogsError::Serialization(format!(
            "Could not read the request body: {error}"
        ))),
    }
}

/// One info line per request: operation, group/stream, status and duration.
fn log_request(
    operation: Operation,
    region: &str,
    touched: &ops::Touched,
    response: &Response,
    started: Instant,
) {
    tracing::info!(
        operation = operation.name(),
        region,
        group = touched.group.as_str(),
        stream = touched.stream.as_str(),
        status = response.status().as_u16(),
        error = response
            .headers()
            .get(protocol::ERROR_TYPE_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
}

async fn health() -> Response {
    let body = serde_json::json!({
        "status": "ok",
        "service": "logs",
        "version": env!("CARGO_PKG_VERSION"),
    });
    (StatusCode::OK, axum::Json(body)).into_response()
}

async fn reset(State(app): State<Arc<App>>) -> Response {
    app.store.reset();
    tracing::info!("state reset");
    (
        StatusCode::OK,
        axum::Json(serde_json::json!({"reset": true})),
    )
        .into_response()
}

async fn method_not_allowed() -> Response {
    let error = LogsError::MethodNotAllowed(
        "CloudWatch Logs takes POST / with an X-Amz-Target header".into(),
    );
    protocol::error_response(&error, &uuid::Uuid::new_v4().to_string())
}

async fn not_found() -> Response {
    let error = LogsError::NotFound(
        "No such route: CloudWatch Logs takes POST / with an X-Amz-Target header".into(),
    );
    protocol::error_response(&error, &uuid::Uuid::new_v4().to_string())
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
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
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

    /// Wipes all state, as the reset route does.
    pub fn reset(&self) {
        self.store.reset();
    }

    /// Stops the server: in-flight requests get [`SHUTDOWN_GRACE`] to finish (clients may
    /// hold keep-alive connections open, so it does not wait on them forever).
    pub async fn shutdown(mut self) {
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
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Settings for [`Emulator`]; every one has a default.
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    config: Config,
    addr: SocketAddr,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            config: Config::default(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
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

    /// Preloads the fixture file or folder at `path` (see [`crate::fixtures`]).
    pub fn fixtures(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.config.fixtures = Some(path.into());
        self
    }

    /// Where CreateExportTask writes (each bucket a folder of `path`).
    pub fn export_dir(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.config.export_dir = Some(path.into());
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
        let store = Arc::new(Store::from_config(&self.config));
        if let Some(path) = &self.config.fixtures {
            let events = crate::fixtures::load(path, &store, &self.config.default_region)
                .map_err(std::io::Error::other)?;
            tracing::info!(path = %path.display(), events, "fixtures loaded");
        }
        let listener = TcpListener::bind(self.addr).await.map_err(|error| {
            std::io::Error::new(
                error.kind(),
                format!("cannot listen on {}: {error}", self.addr),
            )
        })?;
        let addr = listener.local_addr()?;
        let router = router(Arc::clone(&store), self.config.default_region.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, router, async move {
            let _ = stopped.await;
        }));
        Ok(Emulator {
            addr,
            store,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

#[cfg(test)]
mod tests;
