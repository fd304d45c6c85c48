//! `cwlogs-emulator`: the standalone server, a thin CLI over the library.

use std::net::SocketAddr;
use std::sync::Arc;

use clap::{Parser, ValueEnum};
use cwlogs_emulator::{router, serve, Config, SequenceTokenMode, Store, SystemClock};
use tokio::net::TcpListener;

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
    #[arg(long, env = "CWLOGS_SEQUENCE_TOKENS", value_enum, default_value_t = TokenMode::Strict)]
    sequence_tokens: TokenMode,
    /// Log filter: error, warn, info (one line per request), debug, trace, or a tracing
    /// directive such as `cwlogs_emulator=debug`.
    #[arg(long, env = "CWLOGS_LOG_LEVEL", default_value = "info")]
    log_level: String,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TokenMode {
    Strict,
    Ignore,
}

impl From<TokenMode> for SequenceTokenMode {
    fn from(mode: TokenMode) -> Self {
        match mode {
            TokenMode::Strict => SequenceTokenMode::Strict,
            TokenMode::Ignore => SequenceTokenMode::Ignore,
        }
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_new(&cli.log_level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("cwlogs-emulator: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let config = Config {
        default_region: cli.region,
        account_id: cli.account_id,
        sequence_tokens: cli.sequence_tokens.into(),
        clock: Arc::new(SystemClock),
    };
    let addr: SocketAddr = format!("{}:{}", cli.host, cli.port)
        .parse()
        .map_err(|e| format!("invalid --host/--port {}:{}: {e}", cli.host, cli.port))?;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let bound = listener.local_addr()?;
    let store = Arc::new(Store::from_config(&config));
    println!("cwlogs-emulator listening on http://{bound}");
    tracing::info!(
        region = %config.default_region,
        account = %config.account_id,
        sequence_tokens = ?config.sequence_tokens,
        "ready"
    );
    serve(
        listener,
        router(store, config.default_region),
        shutdown_signal(),
    )
    .await?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
