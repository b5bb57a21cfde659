//! The `ec2-mock` binary: parse flags, set up logging, serve until SIGINT/SIGTERM.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

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

    /// The worlds' clock: `real` (the wall clock) or `stepping` (2026-01-01T00:00:00Z, one
    /// second later at every request to a world, so times in replies are reproducible).
    /// Default: `stepping` with --seed, `real` without.
    #[arg(long, env = "EC2_MOCK_CLOCK", value_parser = ["real", "stepping"])]
    clock: Option<String>,

    /// Log filter (tracing's EnvFilter syntax, e.g. `info`, `ec2_mock=debug`); RUST_LOG overrides.
    #[arg(long, env = "EC2_MOCK_LOG_LEVEL", default_value = "info")]
    log_level: String,

    /// Log line format on stderr: `plain` text, or `json` (one object per line, the event's
    /// fields at top level, for log collectors).
    #[arg(long, env = "EC2_MOCK_LOG_FORMAT", value_enum, default_value_t = LogFormat::Plain)]
    log_format: LogFormat,

    /// Signature checking: `permissive` serves any request (the credential only selects the
    /// account and region); `strict` refuses every EC2 request that lacks a valid SigV4
    /// signature by a key given with --access-key. Admin endpoints are never checked.
    #[arg(long, env = "EC2_MOCK_AUTH", default_value = "permissive", value_parser = ["permissive", "strict"])]
    auth: String,

    /// An access key the server knows: AKID:SECRET, or AKID:SECRET:ACCOUNT to put the key in a
    /// 12-digit account. Repeatable; the variable takes a comma-separated list.
    // `hide_env_values`: --help must not print the secrets it read from the environment.
    #[arg(
        long = "access-key",
        env = "EC2_MOCK_ACCESS_KEYS",
        value_name = "AKID:SECRET[:ACCOUNT]",
        value_delimiter = ',',
        hide_env_values = true
    )]
    access_keys: Vec<String>,

    /// Start from the worlds in this JSON file (the format `GET /_ec2-mock/state` answers),
    /// and return to them on reset. An invalid file stops startup, naming the entry.
    #[arg(long, env = "EC2_MOCK_INIT", value_name = "FILE")]
    init: Option<std::path::PathBuf>,

    /// Load the state from this file at start if it exists (it wins over --init), and write
    /// it atomically after every change, before the change's reply is sent.
    #[arg(long, env = "EC2_MOCK_STATE_FILE", value_name = "PATH")]
    state_file: Option<std::path::PathBuf>,

    /// Seconds a client has to send a request's headers, from their first byte (or from
    /// connecting, for its first request); a slower one is disconnected.
    #[arg(long, env = "EC2_MOCK_HEADER_TIMEOUT", value_name = "SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..))]
    header_timeout: u64,

    /// Seconds a request's body has to arrive whole; a slower one is answered 408
    /// RequestTimeout and its connection closed.
    #[arg(long, env = "EC2_MOCK_BODY_TIMEOUT", value_name = "SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..))]
    body_timeout: u64,

    /// Seconds a keep-alive connection may wait for its next request (and a response for
    /// its client to read it) before it is closed.
    #[arg(long, env = "EC2_MOCK_IDLE_TIMEOUT", value_name = "SECS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..))]
    idle_timeout: u64,

    /// Seconds requests in flight get to finish after SIGTERM/SIGINT before the connections
    /// left are closed; a second signal exits at once.
    #[arg(
        long,
        env = "EC2_MOCK_SHUTDOWN_TIMEOUT",
        value_name = "SECS",
        default_value_t = 10
    )]
    shutdown_timeout: u64,

    /// Connections served at once; one more is answered 503 Unavailable and closed.
    /// Default: the open-file limit (`ulimit -n`) less 64, at most 4096.
    #[arg(long, env = "EC2_MOCK_MAX_CONNECTIONS", value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..))]
    max_connections: Option<u64>,

    /// A Host name admin endpoints accept besides IP addresses and `localhost` (for a
    /// container's service name). Repeatable; the variable takes a comma-separated list.
    #[arg(
        long = "admin-host",
        env = "EC2_MOCK_ADMIN_HOSTS",
        value_name = "HOST",
        value_delimiter = ','
    )]
    admin_hosts: Vec<String>,

    /// A bearer token admin endpoints (other than health and ready) then require:
    /// `Authorization: Bearer TOKEN`. With --auth strict they require it or a SigV4
    /// signature by a configured key.
    #[arg(
        long,
        env = "EC2_MOCK_ADMIN_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    admin_token: Option<String>,
}

/// `--log-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Plain,
    Json,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(&cli.log_level))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    match cli.log_format {
        LogFormat::Plain => tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
        // Flattened, so a collector reads `.action` rather than `.fields.action`; no span
        // context, as requests are logged by one event rather than spans.
        LogFormat::Json => tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init(),
    }

    let mut config = match ec2_mock::Config::new(
        &cli.account_id,
        &cli.region,
        cli.seed.unwrap_or_else(ec2_mock::sources::random_seed),
    ) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("ec2-mock: {e}");
            return ExitCode::from(2);
        }
    };
    let stepping = match cli.clock.as_deref() {
        Some(clock) => clock == "stepping",
        None => cli.seed.is_some(),
    };
    if stepping {
        config.clock = ec2_mock::model::clock::Clock::seeded();
    }
    let auth_mode = match cli.auth.parse::<ec2_mock::auth::AuthMode>() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("ec2-mock: {e}");
            return ExitCode::from(2);
        }
    };
    config.auth = match ec2_mock::auth::AuthConfig::from_specs(auth_mode, &cli.access_keys) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("ec2-mock: {e}");
            return ExitCode::from(2);
        }
    };
    config.limits = ec2_mock::server::Limits {
        header_timeout: Duration::from_secs(cli.header_timeout),
        body_timeout: Duration::from_secs(cli.body_timeout),
        idle_timeout: Duration::from_secs(cli.idle_timeout),
        shutdown_timeout: Duration::from_secs(cli.shutdown_timeout),
        max_connections: cli.max_connections.map_or_else(
            ec2_mock::server::connections::default_max_connections,
            |n| usize::try_from(n).unwrap_or(usize::MAX),
        ),
    };
    if cli
        .admin_token
        .as_deref()
        .is_some_and(|t| t.trim().is_empty())
    {
        eprintln!("ec2-mock: --admin-token must not be empty");
        return ExitCode::from(2);
    }
    config.admin = ec2_mock::admin::AdminAccess {
        hosts: cli
            .admin_hosts
            .iter()
            .map(|h| h.trim().to_owned())
            .collect(),
        token: cli.admin_token.map(|t| t.trim().to_owned()),
    };
    // Before the port is bound: a state that does not load never serves, even briefly.
    if let Err(e) =
        ec2_mock::state::configure(&mut config, cli.init.as_deref(), cli.state_file.as_deref())
    {
        eprintln!("ec2-mock: {e}");
        return ExitCode::from(2);
    }
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
    tracing::info!(
        %bound,
        region = config.region.name,
        account = %config.account_id,
        max_connections = config.limits.max_connections,
        "ec2-mock listening"
    );
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
/// the endpoint still stops the server cleanly instead of killing it. After the first
/// signal, a second one exits at once (status 128 + the signal, as a shell reports it),
/// without waiting for the requests in flight.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    #[cfg(unix)]
    let mut int = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    Ok(async move {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = term.recv() => {},
                _ = int.recv() => {},
            }
            tracing::info!("shutting down; a second SIGINT or SIGTERM exits at once");
            tokio::spawn(async move {
                let status = tokio::select! {
                    _ = term.recv() => 128 + 15,
                    _ = int.recv() => 128 + 2,
                };
                eprintln!(
                    "ec2-mock: second signal, exiting without waiting for requests in flight"
                );
                std::process::exit(status);
            });
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    })
}
