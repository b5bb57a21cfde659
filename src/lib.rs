//! ec2-mock: a local, faithful mock of the Amazon EC2 Query API.
//!
//! # Layout
//!
//! A request flows through four layers, each in its own module:
//!
//! - [`server`]: axum front end. Decodes the form body and query string once, reads the
//!   account and region from the SigV4 credential, looks the action up in the registry;
//!   [`server::connections`] accepts and runs the HTTP/1 connections under it (timeouts,
//!   connection cap, EC2 documents for what the HTTP parser refuses, shutdown deadline).
//! - [`wire`]: [`wire::params`] walks EC2's flattened `Name.N.Member` parameters and reports
//!   unknown ones; [`wire::xml`] writes replies and error documents.
//! - [`actions`]: one typed request per EC2 action, grouped by resource family: parsed and
//!   validated with no lock held, executed against a world (reads under its shared lock,
//!   changes under its exclusive lock in a transaction), rendered after the lock is
//!   released. [`actions::registry`] names every action once.
//! - [`model`]: plain data per (account, region) — VPCs, subnets, security groups, network
//!   interfaces, the per-subnet IP allocator — with no HTTP or XML types, and importing none
//!   of the layers above.
//!
//! Shared by all: [`error::Ec2Error`] (one enum of EC2 errors), [`kinds`] (one table of
//! resource kinds), [`values`] (how every value is parsed), [`sources`] (the only reader of
//! the wall clock and the OS's randomness).
//!
//! Beside the request path: [`app`] holds the state the front end, persistence and admin
//! share; [`admin`] serves `/_ec2-mock/` (health, readiness, reset, state, summary);
//! [`snapshot`] is the state format that `--init` reads and export writes; [`state`] loads
//! `--init`/`--state-file` and persists each change.
//!
//! # Embedding
//!
//! [`MockServer`] (module [`embed`]) runs a server inside a Rust test on a free port and
//! stops it when dropped; with the `sdk` cargo feature it also builds `aws_sdk_ec2` clients
//! for it.

pub mod actions;
pub mod admin;
pub mod app;
pub mod auth;
pub mod embed;
pub mod error;
pub mod kinds;
pub mod model;
pub mod server;
pub mod snapshot;
pub mod sources;
pub mod state;
pub mod sts;
pub mod values;
pub mod wire;

use std::future::Future;
use std::net::SocketAddr;

#[cfg(feature = "sdk")]
pub use embed::sdk_http_client;
pub use embed::{MockServer, MockServerBuilder};
use model::clock::Clock;
use model::regions::{self, Region};
use tokio::net::TcpListener;

/// The account every unsigned request (and every non-numeric access key) belongs to.
pub const DEFAULT_ACCOUNT_ID: &str = "123456789012";
/// The region of unsigned requests unless configured otherwise.
pub const DEFAULT_REGION: &str = "us-east-1";

/// Server settings shared by the binary and the embedding API.
#[derive(Debug, Clone)]
pub struct Config {
    pub account_id: String,
    pub region: &'static Region,
    /// Seed of every generated ID, MAC address and automatically chosen IP address, and of
    /// request IDs.
    pub seed: u64,
    /// The clock every world starts with: the wall clock, or a stepping one (`--seed`) so
    /// that times in replies are reproducible too.
    pub clock: Clock,
    /// SigV4 checking (`--auth`) and the configured access keys; permissive by default.
    pub auth: auth::AuthConfig,
    /// Worlds to start from and to return to on reset (`--init`), checked when read (see
    /// [`state::read_init`]); `None`: every world starts as a new account does.
    pub init: Option<snapshot::CheckedSnapshot>,
    /// Where the state is written after every change (`--state-file`), with what the file
    /// held at startup (see [`state::StateFile::open`]).
    pub state_file: Option<std::sync::Arc<state::StateFile>>,
    /// Timeouts and the connection cap of the HTTP layer (`--header-timeout`,
    /// `--body-timeout`, `--idle-timeout`, `--shutdown-timeout`, `--max-connections`).
    pub limits: server::Limits,
    /// Who may call the admin endpoints besides health and ready (`--admin-host`,
    /// `--admin-token`).
    pub admin: admin::AdminAccess,
}

impl Config {
    /// Builds a configuration, checking the region and account ID as EC2 would name them.
    pub fn new(account_id: &str, region: &str, seed: u64) -> Result<Self, String> {
        if !values::is_account_id(account_id) {
            return Err(format!("account id must be 12 digits, got '{account_id}'"));
        }
        let region = regions::region(region).ok_or_else(|| {
            format!("unknown region '{region}' (see DescribeRegions for the list)")
        })?;
        Ok(Config {
            account_id: account_id.to_owned(),
            region,
            seed,
            clock: Clock::System,
            auth: auth::AuthConfig::permissive(),
            init: None,
            state_file: None,
            limits: server::Limits::default(),
            admin: admin::AdminAccess::default(),
        })
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            account_id: DEFAULT_ACCOUNT_ID.to_owned(),
            region: regions::region(DEFAULT_REGION).unwrap_or(&regions::REGIONS[0]),
            seed: sources::random_seed(),
            clock: Clock::System,
            auth: auth::AuthConfig::permissive(),
            init: None,
            state_file: None,
            limits: server::Limits::default(),
            admin: admin::AdminAccess::default(),
        }
    }
}

/// Serves the EC2 API on `listener` until `shutdown` completes; then requests in flight get
/// `config.limits.shutdown_timeout` to finish, and every connection left is closed.
pub async fn serve(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let state = app::AppState::new(&config);
    let guard = admin::Guard {
        access: config.admin.clone(),
        auth: state.auth.clone(),
    };
    let router = server::router_with(state.clone(), config.limits.clone(), guard);
    server::connections::serve(
        listener,
        router,
        config.limits,
        server::refuser(state),
        shutdown,
    )
    .await
}

/// The address a listener is bound to, as an endpoint URL for SDKs.
pub fn endpoint_url(addr: SocketAddr) -> String {
    format!("http://{addr}")
}
