//! Running ec2-mock inside a Rust program or test: [`MockServer`].
//!
//! The server runs as a task on the caller's tokio runtime, on `127.0.0.1` and a port the
//! operating system picks, so any number of tests can run in parallel, each with its own
//! isolated server and no port to coordinate. With the `sdk` cargo feature, it also builds
//! `aws_sdk_ec2` clients already pointed at itself (see `embed/sdk.rs`).

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::model::regions::Region;
use crate::Config;

#[cfg(feature = "sdk")]
mod sdk;
#[cfg(feature = "sdk")]
pub use sdk::sdk_http_client;

/// An ec2-mock server running in the current tokio runtime, for tests.
///
/// It listens on `127.0.0.1` on a free port and serves until it is dropped or
/// [`shutdown`](MockServer::shutdown) is called. Each server has its own state, so parallel
/// tests do not see each other's resources.
///
/// # Runtime
///
/// [`start`](MockServer::start) must be called inside a tokio runtime (`#[tokio::test]`,
/// `#[tokio::main]`), and the server is a task of that runtime: it only makes progress while
/// the runtime runs. On the current-thread runtime of a plain `#[tokio::test]` that means the
/// test must talk to it with async code (reqwest, the AWS SDK); a blocking HTTP call from the
/// test's own thread would wait forever. When the runtime shuts down, the server task is
/// cancelled with it.
///
/// # Example
///
/// ```rust
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use ec2_mock::MockServer;
///
/// let server = MockServer::builder()
///     .seed(7)
///     .region("eu-west-1")
///     .start()
///     .await
///     .expect("start ec2-mock");
///
/// // Any HTTP client works; SDKs take `server.endpoint()` as their endpoint URL.
/// let reply = reqwest::Client::new()
///     .post(server.endpoint())
///     .form(&[("Action", "DescribeVpcs"), ("Version", "2016-11-15")])
///     .send()
///     .await
///     .expect("DescribeVpcs");
/// assert_eq!(reply.status(), 200);
/// let xml = reply.text().await.expect("a body");
/// assert!(xml.contains("<cidrBlock>172.31.0.0/16</cidrBlock>"), "{xml}");
///
/// // Dropping the server stops it too; `shutdown` also waits until it has stopped.
/// server.shutdown().await.expect("clean shutdown");
/// # }
/// ```
///
/// With the `sdk` feature, `sdk_client` (and `sdk_client_for`, `sdk_config`) gives an
/// `aws_sdk_ec2::Client` for it:
///
#[cfg_attr(feature = "sdk", doc = "```rust")]
#[cfg_attr(not(feature = "sdk"), doc = "```rust,ignore")]
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let server = ec2_mock::MockServer::start().await.expect("start ec2-mock");
/// let ec2 = server.sdk_client();
/// let vpcs = ec2.describe_vpcs().send().await.expect("DescribeVpcs");
/// assert_eq!(vpcs.vpcs().len(), 1, "the default VPC");
///
/// // Another account (a 12-digit access key is the account ID) in another region.
/// let other = server.sdk_client_for("111122223333", "ap-southeast-1");
/// let zones = other.describe_availability_zones().send().await.expect("zones");
/// assert!(zones.availability_zones().len() >= 3);
/// # }
/// ```
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    endpoint: String,
    account_id: String,
    region: &'static Region,
    /// Dropping or sending on it starts the graceful shutdown.
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl MockServer {
    /// Starts a server with the default account (`123456789012`), region (`us-east-1`) and a
    /// random seed. Use [`builder`](MockServer::builder) to choose them.
    pub async fn start() -> std::io::Result<MockServer> {
        MockServer::builder().start().await
    }

    /// A builder to set the seed, account, region (or a whole [`Config`]) before starting.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }

    /// The base URL of the server, such as `http://127.0.0.1:40123`, for SDKs' endpoint URL.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The account of unsigned requests and of access keys that are not 12-digit account IDs.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The region of requests that carry no SigV4 credential scope.
    pub fn region(&self) -> &'static str {
        self.region.name
    }

    /// Stops the server and waits until it has: new connections are refused, requests in
    /// flight are answered. Dropping the server stops it without waiting.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task.await.map_err(std::io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        // Only signal: a destructor cannot await, and the task ends by itself once the
        // requests in flight are answered (or with its runtime, whichever comes first).
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Settings of a [`MockServer`] to start; from [`MockServer::builder`].
#[derive(Debug, Default)]
#[must_use = "a builder does nothing until `start` is awaited"]
pub struct MockServerBuilder {
    /// Everything the binary can be configured with; fields added to [`Config`] (initial
    /// state, persistence, auth, …) reach the server through it unchanged.
    config: Config,
    /// Checked together in `start`, with [`Config::new`]'s rules and messages.
    account_id: Option<String>,
    region: Option<String>,
}

impl MockServerBuilder {
    /// Starts from this configuration instead of the defaults. Later `seed`, `account_id`
    /// and `region` calls still apply on top of it.
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Seed of every generated ID, MAC address and automatically chosen IP address: the same
    /// seed and the same requests give the same replies. Random when not set.
    pub fn seed(mut self, seed: u64) -> Self {
        self.config.seed = seed;
        self
    }

    /// The account of unsigned requests and of access keys that are not 12-digit account IDs
    /// (12 digits; checked by `start`).
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = Some(account_id.into());
        self
    }

    /// The region of requests without a SigV4 credential scope (checked by `start`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    // HOOK(init/persistence/auth): options that have a `Config` field get a setter here that
    // writes `self.config`, e.g.
    //     pub fn init(mut self, state: …) -> Self { self.config.init = Some(state); self }
    // `start` passes the whole `Config` to `crate::serve`, so nothing else needs to change.

    /// Binds `127.0.0.1:0` and starts serving in the background of the current tokio
    /// runtime. Fails with `InvalidInput` for a malformed account ID or an unknown region,
    /// and with `Other` when awaited outside a tokio runtime.
    pub async fn start(self) -> std::io::Result<MockServer> {
        // Checked first: binding a tokio socket outside a runtime would panic.
        let runtime = tokio::runtime::Handle::try_current().map_err(std::io::Error::other)?;
        let mut config = self.config;
        if self.account_id.is_some() || self.region.is_some() {
            let checked = Config::new(
                self.account_id.as_deref().unwrap_or(&config.account_id),
                self.region.as_deref().unwrap_or(config.region.name),
                config.seed,
            )
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
            config.account_id = checked.account_id;
            config.region = checked.region;
        }
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let account_id = config.account_id.clone();
        let region = config.region;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = runtime.spawn(crate::serve(config, listener, async {
            // A send and a dropped sender both mean stop.
            let _ = stopped.await;
        }));
        Ok(MockServer {
            addr,
            endpoint: crate::endpoint_url(addr),
            account_id,
            region,
            stop: Some(stop),
            task: Some(task),
        })
    }
}
