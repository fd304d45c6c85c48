//! `cwlogs-emulator`: the standalone server, a thin CLI over the library.

use std::net::SocketAddr;
use std::sync::Arc;

use clap::Parser;
use cwlogs_emulator::{Config, Emulator, SequenceTokenMode, SystemClock, SHUTDOWN_GRACE};

/// A CloudWatch Logs emulator: point any AWS SDK or the AWS CLI at it with an endpoint override.
#[derive(Debug, Parser)]
#[command(name = "cwlogs-emulator", version, about)]
struct Cli {
    /// Address to listen on (0.0.0.0 inside a container).
    #[arg(long, env = "CWLOGS_HOST", default_value = "127.0.0.1")]
    host: String,
    /// Port to listen on (0 picks a free one).
    #[arg(long, env = "CWLOGS_PORT", default_value_t = 4566)]
    port: u16,
    /// Region for requests that carry no SigV4 credential scope.
    #[arg(long, env = "CWLOGS_REGION", default_value = cwlogs_emulator::config::DEFAULT_REGION)]
    region: String,
    /// Account id that ARNs carry.
    #[arg(long, env = "CWLOGS_ACCOUNT_ID", default_value = cwlogs_emulator::config::DEFAULT_ACCOUNT_ID)]
    account_id: String,
    /// PutLogEvents sequence tokens: `strict` validates them (AWS before 2023), `ignore` accepts
    /// any (AWS since 2023).
    #[arg(long, env = "CWLOGS_SEQUENCE_TOKENS", value_enum, default_value_t = SequenceTokenMode::Strict)]
    sequence_tokens: SequenceTokenMode,
    /// Log filter: error, warn, info (one line per request), debug, trace, or a tracing
    /// directive such as `cwlogs_emulator=debug`.
    #[arg(long, env = "CWLOGS_LOG_LEVEL", default_value = "info")]
    log_level: String,
    /// A fixture file or folder (*.json / *.ndjson, one log group each) to preload; see
    /// fixtures/README.md for the format.
    #[arg(long, env = "CWLOGS_FIXTURES")]
    fixtures: Option<std::path::PathBuf>,
    /// A file the server writes the port it listens on to once it is ready (and removes when it
    /// stops); `--healthcheck` reads it, so the probe finds the server whatever `--port` it was
    /// given. The container image sets it.
    #[arg(long, env = "CWLOGS_PORT_FILE")]
    port_file: Option<std::path::PathBuf>,
    /// The least time, in milliseconds, a Logs Insights query stays Running (its rows come as
    /// partial results until then), so a client's polling loop can be tested.
    #[arg(
        long,
        env = "CWLOGS_QUERY_MIN_DURATION",
        default_value_t = 0,
        value_name = "MS"
    )]
    query_min_duration: u64,
    /// Most subscription deliveries kept for GET /_cwlogs/deliveries; past it the oldest are
    /// dropped, and counted in that answer's `dropped`.
    #[arg(long, env = "CWLOGS_OUTBOX_SIZE", default_value_t = cwlogs_emulator::config::DEFAULT_OUTBOX_SIZE)]
    outbox_size: usize,
    /// Forward subscription deliveries to Kinesis streams here (`Kinesis_20131202.PutRecords`,
    /// SigV4-signed for --region with test credentials), e.g. http://localhost:4567.
    #[arg(long, env = "CWLOGS_KINESIS_ENDPOINT")]
    kinesis_endpoint: Option<String>,
    /// Forward subscription deliveries to Firehose delivery streams here
    /// (`Firehose_20150804.PutRecordBatch`).
    #[arg(long, env = "CWLOGS_FIREHOSE_ENDPOINT")]
    firehose_endpoint: Option<String>,
    /// Forward subscription deliveries to Lambda functions here (an asynchronous Invoke, e.g.
    /// `sam local start-lambda`'s http://127.0.0.1:3001).
    #[arg(long, env = "CWLOGS_LAMBDA_ENDPOINT")]
    lambda_endpoint: Option<String>,
    /// Send metric filters' metrics to this CloudWatch-compatible endpoint with PutMetricData,
    /// once a minute and at shutdown.
    #[arg(long, env = "CWLOGS_CLOUDWATCH_ENDPOINT")]
    cloudwatch_endpoint: Option<String>,
    /// Where CreateExportTask writes: each S3 bucket is a folder of this one (it must exist,
    /// as a bucket must), holding AWS's object layout.
    #[arg(long, env = "CWLOGS_EXPORT_DIR")]
    export_dir: Option<std::path::PathBuf>,
    /// Request-rate quotas: `off`, `aws` (AWS's documented per-account, per-Region rates; over
    /// one a request gets ThrottlingException "Rate exceeded"), or a JSON file of rates (see
    /// README's "Quotas").
    #[arg(
        long,
        env = "CWLOGS_QUOTAS",
        default_value = "off",
        value_name = "off|aws|FILE"
    )]
    quotas: cwlogs_emulator::QuotaSource,
    /// A JSON file of fault-injection rules to load at startup (the format of
    /// POST /_cwlogs/faults; see README's "Fault injection").
    #[arg(long, env = "CWLOGS_FAULTS", value_name = "FILE")]
    faults: Option<std::path::PathBuf>,
    /// Seconds a StartLiveTail session lasts before it ends with SessionTimeoutException
    /// (AWS: three hours); a short one lets a test reach the timeout.
    #[arg(long, env = "CWLOGS_LIVE_TAIL_TIMEOUT", value_name = "SECONDS",
          default_value_t = cwlogs_emulator::limits::LIVE_TAIL_TIMEOUT.as_secs())]
    live_tail_timeout: u64,
    /// Keep all state in this directory (created when missing), so a restart on it brings
    /// everything back; writes are acknowledged once on disk. Without it nothing touches the
    /// disk.
    #[arg(long, env = "CWLOGS_DATA_DIR")]
    data_dir: Option<std::path::PathBuf>,
    /// At PutSubscriptionFilter, ask the --kinesis/--firehose/--lambda endpoint whether the
    /// destination exists (and is ACTIVE), answering AWS's "Could not deliver test message"
    /// errors when it does not.
    #[arg(long, env = "CWLOGS_CHECK_DESTINATIONS")]
    check_destinations: bool,
    /// Write export tasks to this S3-compatible endpoint (path-style, SigV4-signed PutObject
    /// for --region with test credentials), e.g. http://localhost:9000. Takes precedence over --export-dir.
    #[arg(long, env = "CWLOGS_S3_ENDPOINT")]
    s3_endpoint: Option<String>,
    /// Read CreateImportTask's CloudTrail Lake event data stores from this CloudTrail
    /// endpoint (GetEventDataStore, StartQuery, GetQueryResults; SigV4-signed with test
    /// credentials). Without it an import task fails, saying so.
    #[arg(long, env = "CWLOGS_CLOUDTRAIL_ENDPOINT")]
    cloudtrail_endpoint: Option<String>,
    /// Send vended traces (deliveries to XRAY destinations) to this X-Ray-compatible endpoint
    /// with PutTraceSegments (SigV4-signed for --region with test credentials).
    #[arg(long, env = "CWLOGS_XRAY_ENDPOINT")]
    xray_endpoint: Option<String>,
    /// Instead of serving, ask the emulator on 127.0.0.1 for GET /health and exit 0 if it
    /// answers 200 (a container HEALTHCHECK that needs no curl). The port: `--port` when given
    /// on the command line, else the one in `--port-file` when that exists, else `CWLOGS_PORT`.
    #[arg(long)]
    healthcheck: bool,
}

fn main() -> std::process::ExitCode {
    let matches = <Cli as clap::CommandFactory>::command().get_matches();
    let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    if cli.healthcheck {
        let port_flag =
            matches.value_source("port") == Some(clap::parser::ValueSource::CommandLine);
        return healthcheck(probe_port(&cli, port_flag));
    }
    let filter = tracing_subscriber::EnvFilter::try_new(&cli.log_level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colours only for a person at a terminal: a pipe or a file gets plain text.
    use std::io::IsTerminal;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cwlogs-emulator: cannot start the async runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(run(cli));
    // A search still running on the blocking pool must not keep the process alive.
    runtime.shutdown_timeout(SHUTDOWN_GRACE);
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("cwlogs-emulator: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let addr: SocketAddr = format!("{}:{}", cli.host, cli.port)
        .parse()
        .map_err(|e| format!("invalid --host/--port {}:{}: {e}", cli.host, cli.port))?;
    let port_file = cli.port_file.clone();
    let config = Config {
        default_region: cli.region,
        account_id: cli.account_id,
        sequence_tokens: cli.sequence_tokens,
        clock: Arc::new(SystemClock),
        fixtures: cli.fixtures,
        query_min_duration: std::time::Duration::from_millis(cli.query_min_duration),
        outbox_size: cli.outbox_size,
        forward: cwlogs_emulator::Endpoints {
            kinesis: cli.kinesis_endpoint,
            firehose: cli.firehose_endpoint,
            lambda: cli.lambda_endpoint,
        },
        cloudwatch_endpoint: cli.cloudwatch_endpoint,
        export_dir: cli.export_dir,
        quotas: cli.quotas,
        faults: cli.faults,
        live_tail_timeout: std::time::Duration::from_secs(cli.live_tail_timeout),
        data_dir: cli.data_dir,
        check_destinations: cli.check_destinations,
        s3_endpoint: cli.s3_endpoint,
        cloudtrail_endpoint: cli.cloudtrail_endpoint,
        xray_endpoint: cli.xray_endpoint,
    };
    let emulator = Emulator::builder()
        .config(config.clone())
        .bind(addr)
        .start()
        .await?;
    let shutdown = shutdown_signal()?;
    if let Some(path) = &port_file {
        std::fs::write(path, format!("{}\n", emulator.local_addr().port()))
            .map_err(|e| format!("cannot write the port file {}: {e}", path.display()))?;
    }
    println!("cwlogs-emulator listening on {}", emulator.endpoint_url());
    tracing::info!(
        region = %config.default_region,
        account = %config.account_id,
        sequence_tokens = ?config.sequence_tokens,
        "ready"
    );
    shutdown.await;
    if let Some(path) = &port_file {
        let _ = std::fs::remove_file(path);
    }
    emulator.shutdown().await;
    tracing::info!("stopped");
    Ok(())
}

/// The port `--healthcheck` probes: an explicit `--port`, else the running server's port file,
/// else `CWLOGS_PORT` (or the default). So `docker run IMAGE --port 5000` stays healthy: the
/// HEALTHCHECK command cannot see the CMD's flags, but it reads the file the server wrote.
fn probe_port(cli: &Cli, port_flag: bool) -> u16 {
    if port_flag {
        return cli.port;
    }
    cli.port_file
        .as_ref()
        .and_then(|path| std::fs::read_to_string(path).ok())
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(cli.port)
}

/// `GET /health` on the local port with a plain socket: 0 when it answers 200.
fn healthcheck(port: u16) -> std::process::ExitCode {
    use std::io::{Read, Write};
    let answer = (|| -> std::io::Result<String> {
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let timeout = std::time::Duration::from_secs(2);
        let mut stream = std::net::TcpStream::connect_timeout(&addr, timeout)?;
        stream.set_read_timeout(Some(timeout))?;
        stream
            .write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
        let mut head = [0u8; 16];
        let read = stream.read(&mut head)?;
        Ok(String::from_utf8_lossy(&head[..read]).into_owned())
    })();
    match answer {
        Ok(head) if head.starts_with("HTTP/1.1 200") => std::process::ExitCode::SUCCESS,
        Ok(head) => {
            eprintln!("unhealthy: {head}");
            std::process::ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("unhealthy: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// A future that resolves on SIGINT or SIGTERM. The handlers are installed now, before the
/// readiness line, so a signal sent right after it is never missed.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {},
                _ = terminate.recv() => {},
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}
