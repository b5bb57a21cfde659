//! The `ec2-mock` binary: parse flags, set up logging, serve until SIGINT/SIGTERM.

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Parser;
use tokio::net::TcpListener;

/// A local, faithful mock of the Amazon EC2 Query API.
///
/// Point any AWS SDK or the AWS CLI at the printed endpoint (AWS_ENDPOINT_URL) with any
/// credentials. The first line on stdout is the endpoint URL the server is listening on.
#[derive(Debug, Parser)]
#[command(name = "ec2-mock", version)]
struct Cli {
    /// Address to listen on (use 0.0.0.0 inside containers).
    #[arg(long, env = "EC2_MOCK_HOST", default_value = "127.0.0.1")]
    host: String,

    /// TCP port to listen on; 0 picks any free port (printed on stdout).
    #[arg(long, env = "EC2_MOCK_PORT", default_value_t = 4566)]
    port: u16,

    /// Region of requests that carry no SigV4 credential scope (curl, unsigned clients).
    #[arg(long, env = "EC2_MOCK_REGION", default_value = ec2_mock::DEFAULT_REGION)]
    region: String,

    /// Account of requests whose access key is not a 12-digit account ID, and of unsigned ones.
    #[arg(long, env = "EC2_MOCK_ACCOUNT_ID", default_value = ec2_mock::DEFAULT_ACCOUNT_ID)]
    account_id: String,

    /// Seed for IDs, MAC addresses and automatically chosen IPs; same seed + same requests =
    /// same replies. Random when unset.
    #[arg(long, env = "EC2_MOCK_SEED")]
    seed: Option<u64>,

    /// Log filter (tracing's EnvFilter syntax, e.g. `info`, `ec2_mock=debug`); RUST_LOG overrides.
    #[arg(long, env = "EC2_MOCK_LOG_LEVEL", default_value = "info")]
    log_level: String,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(&cli.log_level))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();

    let config = match ec2_mock::Config::new(
        &cli.account_id,
        &cli.region,
        cli.seed.unwrap_or_else(rand::random),
    ) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("ec2-mock: {e}");
            return ExitCode::from(2);
        }
    };
    let shutdown = match shutdown_signal() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ec2-mock: cannot install signal handlers: {e}");
            return ExitCode::from(1);
        }
    };
    let addr = format!("{}:{}", cli.host, cli.port);
    let listener = match TcpListener::bind(&addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("ec2-mock: cannot listen on {addr}: {e}");
            return ExitCode::from(1);
        }
    };
    let bound: SocketAddr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("ec2-mock: {e}");
            return ExitCode::from(1);
        }
    };
    // The first stdout line is the endpoint, so scripts can start with --port 0 and read it.
    println!("{}", ec2_mock::endpoint_url(bound));
    tracing::info!(%bound, region = config.region.name, account = %config.account_id, "ec2-mock listening");
    match ec2_mock::serve(config, listener, shutdown).await {
        Ok(()) => {
            tracing::info!("ec2-mock stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ec2-mock: {e}");
            ExitCode::from(1)
        }
    }
}

/// Installs the SIGINT/SIGTERM handlers now and returns a future that completes on either.
/// Installing before the endpoint is printed means a signal sent the moment a script reads
/// the endpoint still stops the server cleanly instead of killing it.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    #[cfg(unix)]
    let mut int = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    Ok(async move {
        #[cfg(unix)]
        tokio::select! {
            _ = term.recv() => {},
            _ = int.recv() => {},
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    })
}
