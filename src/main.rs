//! The `ec2-mock` binary: parse flags, set up logging, serve until SIGINT/SIGTERM; or, as
//! `ec2-mock healthcheck`, ask a running server whether it is healthy.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use tokio::net::TcpListener;

/// A local, faithful mock of the Amazon EC2 Query API.
///
/// Point any AWS SDK or the AWS CLI at the printed endpoint (AWS_ENDPOINT_URL) with any
/// credentials. The first line on stdout is the endpoint URL the server is listening on.
#[derive(Debug, Parser)]
#[command(name = "ec2-mock", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    /// IP address to listen on: 127.0.0.1, ::1, 0.0.0.0 (all interfaces: use it inside
    /// containers), or `localhost`, which means 127.0.0.1. Host names are not resolved.
    // Parsed here rather than by getaddrinfo: a static binary must never need NSS.
    #[arg(long, env = "EC2_MOCK_HOST", default_value = "127.0.0.1", value_parser = parse_host, global = true)]
    host: IpAddr,

    /// TCP port to listen on; 0 picks any free port (printed on stdout).
    #[arg(long, env = "EC2_MOCK_PORT", default_value_t = 4566, global = true)]
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

#[derive(Debug, Subcommand)]
enum Command {
    /// Request /_ec2-mock/health from the server on --host/--port (or EC2_MOCK_HOST and
    /// EC2_MOCK_PORT; 0.0.0.0 is reached on 127.0.0.1) and exit 0 if it is healthy, 1 if not.
    /// Inside a container whose PID 1 is ec2-mock, that server's own --host and --port are
    /// followed unless given here, so `docker run IMAGE --port 5000` stays healthy.
    Healthcheck,
}

/// `--host`: an IP address, or `localhost` for 127.0.0.1.
fn parse_host(text: &str) -> Result<IpAddr, String> {
    if text.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    let bare = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(text);
    bare.parse().map_err(|_| {
        format!(
            "`{text}` is not an IP address; ec2-mock does not resolve host names \
             (use 127.0.0.1, 0.0.0.0, ::1, :: or localhost)"
        )
    })
}

/// `--log-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Plain,
    Json,
}

#[tokio::main]
async fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    if let Some(Command::Healthcheck) = cli.command {
        let (host, port) = healthcheck_target(&cli, &matches);
        return healthcheck(host, port);
    }
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
    let addr = SocketAddr::new(cli.host, cli.port);
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

/// Where `ec2-mock healthcheck` looks: a --host or --port given to it wins; then what the
/// container's ec2-mock server (PID 1) was started with, flags and variables; else the
/// check's own variables and defaults, which are the server's.
fn healthcheck_target(cli: &Cli, matches: &clap::ArgMatches) -> (IpAddr, u16) {
    let given = |id: &str| matches.value_source(id) == Some(ValueSource::CommandLine);
    let server = container_server().filter(|_| !(given("host") && given("port")));
    let host = match &server {
        Some(s) if !given("host") => s.host,
        _ => cli.host,
    };
    let port = match &server {
        Some(s) if !given("port") => s.port,
        _ => cli.port,
    };
    (host, port)
}

/// How long the health check waits to connect, and then for each read or write.
const HEALTHCHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// `ec2-mock healthcheck`: one HTTP/1.1 GET of the health endpoint over a plain socket, so an
/// image with nothing but this binary can check itself. Healthy means a 200 carrying the
/// health document, not merely something listening on the port.
fn healthcheck(host: IpAddr, port: u16) -> ExitCode {
    if port == 0 {
        eprintln!("ec2-mock healthcheck: port 0 is any free port; give the port the server printed with --port");
        return ExitCode::FAILURE;
    }
    let addr = SocketAddr::new(reachable(host), port);
    match probe(addr) {
        Ok(()) => {
            println!("healthy: {}", ec2_mock::endpoint_url(addr));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "ec2-mock healthcheck: {} unhealthy: {e}",
                ec2_mock::endpoint_url(addr)
            );
            ExitCode::FAILURE
        }
    }
}

/// The address a client uses for a server listening on `host`: a wildcard address is not one
/// to connect to, but the loopback address of its family is always among the addresses it covers.
fn reachable(host: IpAddr) -> IpAddr {
    match host {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    }
}

fn probe(addr: SocketAddr) -> Result<(), String> {
    let mut stream = TcpStream::connect_timeout(&addr, HEALTHCHECK_TIMEOUT)
        .map_err(|e| format!("cannot connect: {e}"))?;
    let io = |e: std::io::Error| e.to_string();
    stream
        .set_read_timeout(Some(HEALTHCHECK_TIMEOUT))
        .map_err(io)?;
    stream
        .set_write_timeout(Some(HEALTHCHECK_TIMEOUT))
        .map_err(io)?;
    // One write: `write!` would send the request in pieces.
    let request =
        format!("GET /_ec2-mock/health HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).map_err(io)?;
    // The answer is a few dozen bytes; the bound keeps a stranger on the port from feeding
    // the check without end.
    let mut reply = Vec::new();
    stream
        .take(64 * 1024)
        .read_to_end(&mut reply)
        .map_err(|e| format!("no reply: {e}"))?;
    let reply = String::from_utf8_lossy(&reply);
    let status = reply.lines().next().unwrap_or_default();
    if !status.starts_with("HTTP/1.1 200 ") {
        return Err(format!("status line `{status}`"));
    }
    let body = reply.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    if !body.contains(r#""status":"ok""#) {
        return Err(format!("not ec2-mock's health document: `{body}`"));
    }
    Ok(())
}

/// The --host and --port of the ec2-mock server that is PID 1 (a container's entrypoint,
/// possibly behind `docker run --init`), parsed as that server parsed them: a HEALTHCHECK runs
/// with the container's environment but not with the arguments given to `docker run`.
fn container_server() -> Option<Cli> {
    let cmdline = std::fs::read("/proc/1/cmdline").ok()?;
    let args = server_args(&cmdline)?;
    Cli::try_parse_from(std::iter::once("ec2-mock".to_owned()).chain(args))
        .ok()
        .filter(|cli| cli.command.is_none())
}

/// The arguments after the first `ec2-mock` program in a NUL-separated command line.
fn server_args(cmdline: &[u8]) -> Option<Vec<String>> {
    let args: Vec<String> = cmdline
        .split(|b| *b == 0)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    let program = args.iter().position(|a| {
        std::path::Path::new(a).file_name() == Some(std::ffi::OsStr::new("ec2-mock"))
    })?;
    let mut rest = args[program + 1..].to_vec();
    // The command line ends with a NUL, which leaves one empty piece after it.
    if rest.last().is_some_and(String::is_empty) {
        rest.pop();
    }
    Some(rest)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_ip_addresses_or_localhost() {
        assert_eq!(parse_host("0.0.0.0"), Ok(IpAddr::V4(Ipv4Addr::UNSPECIFIED)));
        assert_eq!(parse_host("LocalHost"), Ok(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        assert_eq!(parse_host("[::1]"), Ok(IpAddr::V6(Ipv6Addr::LOCALHOST)));
        assert_eq!(parse_host("::"), Ok(IpAddr::V6(Ipv6Addr::UNSPECIFIED)));
        let refused = parse_host("example.com").unwrap_err();
        assert!(refused.contains("not an IP address"), "{refused}");
        assert!(parse_host("127.0.0.1:4566").is_err());
    }

    #[test]
    fn a_wildcard_host_is_checked_on_loopback() {
        assert_eq!(
            reachable(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        );
        assert_eq!(
            reachable(IpAddr::V6(Ipv6Addr::UNSPECIFIED)),
            IpAddr::V6(Ipv6Addr::LOCALHOST)
        );
        let ip: IpAddr = "10.1.2.3".parse().unwrap();
        assert_eq!(reachable(ip), ip);
    }

    #[test]
    fn the_server_arguments_follow_the_ec2_mock_program() {
        // As the kernel writes /proc/PID/cmdline: each argument followed by a NUL.
        let cmdline = |args: &[&str]| {
            args.iter()
                .flat_map(|a| [a.as_bytes(), b"\0"].concat())
                .collect::<Vec<u8>>()
        };
        let direct = cmdline(&["/ec2-mock", "--port", "5000"]);
        assert_eq!(server_args(&direct).unwrap(), ["--port", "5000"]);
        // `docker run --init`: docker-init is PID 1 and runs the entrypoint.
        let init = cmdline(&["/sbin/docker-init", "--", "/ec2-mock", "--host", "::"]);
        assert_eq!(server_args(&init).unwrap(), ["--host", "::"]);
        let bare = cmdline(&["/ec2-mock"]);
        assert_eq!(server_args(&bare).unwrap(), Vec::<String>::new());
        assert_eq!(server_args(&cmdline(&["/sbin/init", "splash"])), None);
        assert_eq!(server_args(&cmdline(&["/usr/bin/ec2-mock-helper"])), None);
    }

    #[test]
    fn a_container_servers_flags_parse_as_the_server_parses_them() {
        let cli = Cli::try_parse_from(["ec2-mock", "--port", "5000", "--seed", "1"]).unwrap();
        assert_eq!(
            (cli.host, cli.port),
            (IpAddr::V4(Ipv4Addr::LOCALHOST), 5000)
        );
        let cli = Cli::try_parse_from(["ec2-mock", "healthcheck", "--port", "5001"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Healthcheck)));
        assert_eq!(cli.port, 5001);
    }
}
