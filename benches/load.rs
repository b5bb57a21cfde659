//! Load benchmark: ec2-mock over HTTP against a minimal axum server, in one run.
//!
//! `cargo bench --bench load [-- --secs 5 --warmup 1 --conns 64 --interfaces 100000
//! --rounds 5 --startup-runs 20]` (or the environment variables `LOAD_SECS`, `LOAD_WARMUP`,
//! `LOAD_CONNS`, `LOAD_INTERFACES`, `LOAD_ROUNDS`, `LOAD_STARTUP_RUNS`;
//! `--only create,describe,regions,startup,rss` runs a subset).
//!
//! For each scenario (CreateNetworkInterface in fresh /16 subnets, DescribeNetworkInterfaces
//! by a random `NetworkInterfaceId.1` with 100,000 interfaces present, DescribeRegions) the
//! same load — `conns` keep-alive HTTP/1.1 connections, one hyper client connection per
//! task, each sending its next request as soon as the previous reply is read — goes to
//! ec2-mock and to the *ceiling*: a minimal axum handler (same axum/tokio setup, `POST /`,
//! the body parsed with `serde_urlencoded::from_bytes` into `Vec<(String, String)>`) that
//! answers a fixed reply of the same size and headers as ec2-mock's reply to that scenario.
//! The two take turns in short slots (A B B A …), so background load on the machine hits
//! both alike. Both servers run in this process on one multi-thread runtime ("srv"
//! threads); the load generator runs on another ("gen" threads), identical for both
//! targets. CPU time per request of each side is read from `/proc/self/task/*/stat`. Each
//! app is also called in-process, one request at a time, to show its own cost without
//! sockets.
//!
//! Startup time and RSS are measured on the release binary, which cargo builds for every
//! bench (`CARGO_BIN_EXE_ec2-mock`, i.e. `target/release/ec2-mock`; `EC2_MOCK_BIN`
//! overrides it). Heap bytes per interface come from glibc's `mallinfo2` in this process.

// A benchmark measures real time and draws its own load at random.
#![allow(clippy::disallowed_methods)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream as StdTcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;
use tokio::sync::oneshot;
use tower::ServiceExt;

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Result<T, E = BoxError> = std::result::Result<T, E>;

/// Usable addresses of a /16 (65,536 minus EC2's five reserved).
const SLASH16_USABLE: usize = 65_531;
/// Subnets the create scenario rotates over: room for 1M interfaces, so none fills.
const CREATE_SUBNETS: usize = 16;
/// The targets of issue 6.
const TARGET_FRACTION: f64 = 0.70;
const TARGET_STARTUP_MS: f64 = 10.0;
const TARGET_IDLE_RSS: u64 = 10 * 1024 * 1024;
const TARGET_BYTES_PER_INTERFACE: f64 = 1024.0;

const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";
const REGIONS_BODY: &str = "Action=DescribeRegions&Version=2016-11-15";

fn main() {
    if let Err(e) = run() {
        eprintln!("load bench failed: {e}");
        std::process::exit(1);
    }
}

// ---------------------------------------------------------------------------------------
// Options

struct Opts {
    secs: f64,
    warmup: f64,
    conns: usize,
    interfaces: usize,
    startup_runs: usize,
    /// Measured slots per target; the targets take turns.
    rounds: usize,
    only: Option<Vec<String>>,
}

impl Opts {
    fn parse() -> Result<Opts> {
        fn env<T: std::str::FromStr>(name: &str, default: T) -> Result<T> {
            match std::env::var(name) {
                Ok(v) => v
                    .parse()
                    .map_err(|_| format!("{name}: cannot parse '{v}'").into()),
                Err(_) => Ok(default),
            }
        }
        let mut o = Opts {
            secs: env("LOAD_SECS", 5.0)?,
            warmup: env("LOAD_WARMUP", 1.0)?,
            conns: env("LOAD_CONNS", 64)?,
            interfaces: env("LOAD_INTERFACES", 100_000)?,
            startup_runs: env("LOAD_STARTUP_RUNS", 20)?,
            rounds: env("LOAD_ROUNDS", 5)?,
            only: None,
        };
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            // cargo passes `--bench` to every bench binary.
            if arg == "--bench" {
                continue;
            }
            if arg == "--help" || arg == "-h" {
                println!(
                    "usage: cargo bench --bench load [-- --secs S --warmup S --conns N \
                     --interfaces N --startup-runs N --only create,describe,regions,startup,rss]"
                );
                std::process::exit(0);
            }
            let (key, inline) = match arg.split_once('=') {
                Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
                None => (arg.clone(), None),
            };
            let mut value = || -> Result<String> {
                match &inline {
                    Some(v) => Ok(v.clone()),
                    None => args
                        .next()
                        .ok_or_else(|| format!("{key} needs a value").into()),
                }
            };
            let bad = |v: &str| -> BoxError { format!("{key}: cannot parse '{v}'").into() };
            match key.as_str() {
                "--secs" => o.secs = value()?.parse().map_err(|_| bad(&key))?,
                "--warmup" => o.warmup = value()?.parse().map_err(|_| bad(&key))?,
                "--conns" => o.conns = value()?.parse().map_err(|_| bad(&key))?,
                "--interfaces" => o.interfaces = value()?.parse().map_err(|_| bad(&key))?,
                "--startup-runs" => o.startup_runs = value()?.parse().map_err(|_| bad(&key))?,
                "--rounds" => o.rounds = value()?.parse().map_err(|_| bad(&key))?,
                "--only" => {
                    o.only = Some(value()?.split(',').map(|s| s.trim().to_owned()).collect())
                }
                // Anything else (a criterion-style filter, libtest flags) is ignored.
                _ => {}
            }
        }
        if o.conns == 0
            || o.secs <= 0.0
            || o.interfaces == 0
            || o.startup_runs == 0
            || o.rounds == 0
        {
            return Err("conns, secs, interfaces, startup-runs and rounds must be positive".into());
        }
        Ok(o)
    }

    fn wants(&self, part: &str) -> bool {
        self.only
            .as_ref()
            .map_or(true, |only| only.iter().any(|p| p == part))
    }
}

// ---------------------------------------------------------------------------------------
// Servers under test

/// A server running on the server runtime; stops when `stop` is dropped or sent.
struct Target {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    done: tokio::task::JoinHandle<()>,
}

impl Target {
    fn shutdown(mut self, rt: &Runtime) {
        drop(self.stop.take());
        let done = self.done;
        let _ = rt.block_on(async { tokio::time::timeout(Duration::from_secs(5), done).await });
    }
}

fn start_ec2_mock(rt: &Runtime) -> Result<Target> {
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    let config = ec2_mock::Config::new("123456789012", "us-east-1", 42)?;
    let (stop, stopped) = oneshot::channel::<()>();
    let done = rt.spawn(async move {
        let _ = ec2_mock::serve(config, listener, async {
            let _ = stopped.await;
        })
        .await;
    });
    Ok(Target {
        addr,
        stop: Some(stop),
        done,
    })
}

/// The ceiling's reply: a fixed body and the same headers ec2-mock sends.
#[derive(Clone)]
struct Fixed {
    body: Bytes,
}

async fn minimal_handler(State(fixed): State<Fixed>, body: Bytes) -> Response {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    std::hint::black_box(&pairs);
    let mut response = (StatusCode::OK, fixed.body.clone()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/xml;charset=UTF-8"),
    );
    headers.insert(
        "x-amzn-requestid",
        HeaderValue::from_static("00000000-0000-4000-8000-000000000000"),
    );
    response
}

fn minimal_app(reply_len: usize) -> Router {
    let fixed = Fixed {
        body: Bytes::from(vec![b'x'; reply_len]),
    };
    Router::new()
        .route("/", post(minimal_handler))
        .with_state(fixed)
}

fn start_minimal(rt: &Runtime, reply_len: usize) -> Result<Target> {
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    let app = minimal_app(reply_len);
    let (stop, stopped) = oneshot::channel::<()>();
    let done = rt.spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
    });
    Ok(Target {
        addr,
        stop: Some(stop),
        done,
    })
}

// ---------------------------------------------------------------------------------------
// Clients: one hyper HTTP/1.1 connection per task, kept alive; or the router in-process.

struct Conn {
    sender: SendRequest<Full<Bytes>>,
    host: HeaderValue,
}

impl Conn {
    async fn open(addr: SocketAddr) -> Result<Conn> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(Conn {
            sender,
            host: HeaderValue::from_str(&addr.to_string())?,
        })
    }

    /// POSTs one form body to `/`; returns the status and the whole reply body.
    async fn post(&mut self, body: Bytes) -> Result<(u16, Bytes)> {
        self.sender.ready().await?;
        let request = Request::post("/")
            .header(header::HOST, self.host.clone())
            .header(header::CONTENT_TYPE, FORM)
            .body(Full::new(body))?;
        let response = self.sender.send_request(request).await?;
        let status = response.status().as_u16();
        let body = response.into_body().collect().await?.to_bytes();
        Ok((status, body))
    }
}

/// Where requests go: a server over HTTP, or a router called in-process (no socket).
#[derive(Clone)]
enum Via {
    Http(SocketAddr),
    App(Router),
}

enum Client {
    Http(Conn),
    App(Router),
}

impl Client {
    async fn open(via: &Via) -> Result<Client> {
        Ok(match via {
            Via::Http(addr) => Client::Http(Conn::open(*addr).await?),
            Via::App(app) => Client::App(app.clone()),
        })
    }

    async fn post(&mut self, body: Bytes) -> Result<(u16, Bytes)> {
        match self {
            Client::Http(conn) => conn.post(body).await,
            Client::App(app) => {
                let request = Request::post("/")
                    .header(header::CONTENT_TYPE, FORM)
                    .body(axum::body::Body::from(body))?;
                let response = app.clone().oneshot(request).await?;
                let status = response.status().as_u16();
                let body = response.into_body().collect().await?.to_bytes();
                Ok((status, body))
            }
        }
    }
}

fn form(action: &str, params: &[(&str, &str)]) -> Bytes {
    let mut pairs: Vec<(&str, &str)> = vec![("Action", action), ("Version", "2016-11-15")];
    pairs.extend_from_slice(params);
    Bytes::from(serde_urlencoded::to_string(&pairs).expect("form encodes"))
}

/// The text of the first `<tag>…</tag>` in an XML reply.
fn extract(xml: &[u8], tag: &str) -> Option<String> {
    let text = std::str::from_utf8(xml).ok()?;
    let open = format!("<{tag}>");
    let start = text.find(&open)? + open.len();
    let len = text[start..].find(&format!("</{tag}>"))?;
    Some(text[start..start + len].to_owned())
}

/// One request on a fresh connection, for setup; fails unless the reply is 200.
async fn call(via: &Via, action: &str, params: &[(&str, &str)]) -> Result<Bytes> {
    let (status, body) = Client::open(via).await?.post(form(action, params)).await?;
    if status != 200 {
        return Err(format!(
            "{action}: HTTP {status}: {}",
            String::from_utf8_lossy(&body)
        )
        .into());
    }
    Ok(body)
}

/// Creates `count` VPCs `10.{first+i}.0.0/16`, each with one subnet spanning all of it.
async fn slash16_subnets(via: &Via, first: usize, count: usize) -> Result<Vec<String>> {
    let mut subnets = Vec::new();
    for i in first..first + count {
        let cidr = format!("10.{i}.0.0/16");
        let vpc = call(via, "CreateVpc", &[("CidrBlock", &cidr)]).await?;
        let vpc = extract(&vpc, "vpcId").ok_or("no vpcId")?;
        let subnet = call(
            via,
            "CreateSubnet",
            &[("VpcId", &vpc), ("CidrBlock", &cidr)],
        )
        .await?;
        subnets.push(extract(&subnet, "subnetId").ok_or("no subnetId")?);
    }
    Ok(subnets)
}

fn create_body(subnet: &str) -> Bytes {
    form("CreateNetworkInterface", &[("SubnetId", subnet)])
}

/// Creates `n` interfaces spread evenly over `subnets` from `conns` concurrent clients;
/// returns their IDs.
async fn bulk_create(via: &Via, subnets: &[String], n: usize, conns: usize) -> Result<Vec<String>> {
    let bodies: Arc<Vec<Bytes>> = Arc::new(subnets.iter().map(|s| create_body(s)).collect());
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..conns {
        let bodies = bodies.clone();
        let next = next.clone();
        let via = via.clone();
        tasks.push(tokio::spawn(async move {
            let mut client = Client::open(&via).await?;
            let mut ids = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let (status, body) = client.post(bodies[i % bodies.len()].clone()).await?;
                if status != 200 {
                    return Err::<Vec<String>, BoxError>(
                        format!(
                            "CreateNetworkInterface: HTTP {status}: {}",
                            String::from_utf8_lossy(&body)
                        )
                        .into(),
                    );
                }
                ids.push(extract(&body, "networkInterfaceId").ok_or("no networkInterfaceId")?);
            }
            Ok(ids)
        }));
    }
    let mut ids = Vec::with_capacity(n);
    for t in tasks {
        ids.extend(t.await??);
    }
    Ok(ids)
}

// ---------------------------------------------------------------------------------------
// Load

/// CPU seconds (user + system) of this process's threads, by thread name.
fn thread_cpu() -> HashMap<String, f64> {
    let mut by_name = HashMap::new();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return by_name;
    };
    for task in tasks.flatten() {
        let path = task.path();
        let (Ok(comm), Ok(stat)) = (
            std::fs::read_to_string(path.join("comm")),
            std::fs::read_to_string(path.join("stat")),
        ) else {
            continue;
        };
        // Fields after the command name: state is the first, utime the 12th, stime the 13th.
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks: u64 = [11, 12]
            .iter()
            .filter_map(|&i| fields.get(i)?.parse::<u64>().ok())
            .sum();
        *by_name.entry(comm.trim().to_owned()).or_insert(0.0) += ticks as f64 / 100.0;
    }
    by_name
}

fn cpu_of(snapshot: &HashMap<String, f64>, name: &str) -> f64 {
    snapshot.get(name).copied().unwrap_or(0.0)
}

/// Picks the body of each request.
type NextBody = Arc<dyn Fn(&mut SmallRng) -> Bytes + Send + Sync>;

struct LoadResult {
    requests: u64,
    errors: u64,
    rps: f64,
    p50_us: u32,
    p99_us: u32,
    /// Server-runtime and generator-runtime CPU microseconds per request.
    srv_cpu_us: f64,
    gen_cpu_us: f64,
    /// Microseconds per request of the same app called in-process, one request at a time.
    app_us: f64,
}

/// One slot of the schedule: which target gets the load, and whether it is measured.
#[derive(Clone, Copy)]
struct Slot {
    target: usize,
    measured: bool,
    start: Instant,
    end: Instant,
}

/// The schedule of one comparison: a warm-up per target, then `rounds` measured slots per
/// target, alternating A B B A A B … so that both see the same background load on average.
fn schedule(opts: &Opts, t0: Instant) -> Vec<Slot> {
    let warm = Duration::from_secs_f64(opts.warmup);
    let slot = Duration::from_secs_f64(opts.secs / opts.rounds as f64);
    let mut slots = Vec::new();
    let mut t = t0;
    let mut push = |target: usize, measured: bool, len: Duration| {
        slots.push(Slot {
            target,
            measured,
            start: t,
            end: t + len,
        });
        t += len;
    };
    for target in [0, 1] {
        push(target, false, warm);
    }
    for round in 0..opts.rounds {
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for target in order {
            push(target, true, slot);
        }
    }
    slots
}

/// Drives two targets with the same load, `conns` keep-alive connections to each, taking
/// turns per [`schedule`]; a reply counts for the slot it was sent in if it arrives before
/// the slot ends.
fn drive(
    gen: &Runtime,
    addrs: [SocketAddr; 2],
    opts: &Opts,
    next_body: NextBody,
) -> Result<[LoadResult; 2]> {
    // Time to open every connection before the first slot starts.
    let t0 = Instant::now() + Duration::from_millis(300);
    let slots = Arc::new(schedule(opts, t0));
    let end = slots.last().map_or(t0, |s| s.end);
    let mut tasks = Vec::new();
    for task in 0..opts.conns {
        let next_body = next_body.clone();
        let slots = slots.clone();
        tasks.push(gen.spawn(async move {
            let mut rng = SmallRng::seed_from_u64(task as u64);
            let mut conns = [Conn::open(addrs[0]).await?, Conn::open(addrs[1]).await?];
            let mut latencies: [Vec<u32>; 2] = Default::default();
            let mut errors = [0u64; 2];
            tokio::time::sleep_until(t0.into()).await;
            loop {
                let now = Instant::now();
                let Some(slot) = slots.iter().find(|s| now < s.end).copied() else {
                    break;
                };
                let body = next_body(&mut rng);
                let sent = Instant::now();
                let (status, _) = conns[slot.target].post(body).await?;
                let done = Instant::now();
                if slot.measured && done < slot.end {
                    latencies[slot.target]
                        .push((done - sent).as_micros().min(u32::MAX as u128) as u32);
                    if status != 200 {
                        errors[slot.target] += 1;
                    }
                }
            }
            Ok::<_, BoxError>((latencies, errors))
        }));
    }
    let mut cpu = [[0.0f64; 2]; 2]; // [target][srv, gen]
    for slot in slots.iter().filter(|s| s.measured) {
        std::thread::sleep(slot.start.saturating_duration_since(Instant::now()));
        let before = thread_cpu();
        std::thread::sleep(slot.end.saturating_duration_since(Instant::now()));
        let after = thread_cpu();
        for (i, name) in ["srv", "gen"].iter().enumerate() {
            cpu[slot.target][i] += cpu_of(&after, name) - cpu_of(&before, name);
        }
    }
    std::thread::sleep(end.saturating_duration_since(Instant::now()));
    let mut latencies: [Vec<u32>; 2] = Default::default();
    let mut errors = [0u64; 2];
    for t in tasks {
        let (l, e) = gen.block_on(t)??;
        for target in [0, 1] {
            latencies[target].extend(&l[target]);
            errors[target] += e[target];
        }
    }
    let mut result = |target: usize| -> LoadResult {
        let latencies = &mut latencies[target];
        latencies.sort_unstable();
        let pct = |p: f64| -> u32 {
            if latencies.is_empty() {
                return 0;
            }
            let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
            latencies[i]
        };
        let requests = latencies.len() as u64;
        let per_req = |cpu: f64| -> f64 {
            if requests == 0 {
                0.0
            } else {
                cpu * 1e6 / requests as f64
            }
        };
        LoadResult {
            requests,
            errors: errors[target],
            rps: requests as f64 / opts.secs,
            p50_us: pct(0.50),
            p99_us: pct(0.99),
            srv_cpu_us: per_req(cpu[target][0]),
            gen_cpu_us: per_req(cpu[target][1]),
            app_us: 0.0,
        }
    };
    let ours = result(0);
    let ceiling = result(1);
    Ok([ours, ceiling])
}

/// Mean microseconds per request of `app` called in-process, one request at a time, for
/// `secs` seconds: the application's own cost, without sockets, HTTP parsing or wake-ups.
fn in_process(rt: &Runtime, app: Router, secs: f64, next_body: NextBody) -> Result<f64> {
    rt.block_on(async move {
        let mut client = Client::App(app);
        let mut rng = SmallRng::seed_from_u64(u64::MAX);
        let start = Instant::now();
        let mut n = 0u64;
        while start.elapsed().as_secs_f64() < secs {
            let (status, body) = client.post(next_body(&mut rng)).await?;
            if status != 200 {
                return Err::<f64, BoxError>(
                    format!(
                        "in-process: HTTP {status}: {}",
                        String::from_utf8_lossy(&body)
                    )
                    .into(),
                );
            }
            std::hint::black_box(body);
            n += 1;
        }
        Ok(start.elapsed().as_secs_f64() * 1e6 / n as f64)
    })
}

struct Scenario {
    name: &'static str,
    detail: String,
    reply_bytes: usize,
    ours: LoadResult,
    ceiling: LoadResult,
    target: Option<f64>,
}

/// Prepares a target (subnets, interfaces) and returns the body generator for it.
type Setup = fn(&Runtime, &Via, &Opts) -> Result<NextBody>;

/// Runs one scenario: the load against ec2-mock and the minimal server answering a reply of
/// the same size, taking turns; then both in-process.
fn scenario(
    srv: &Runtime,
    gen: &Runtime,
    opts: &Opts,
    name: &'static str,
    detail: String,
    target: Option<f64>,
    setup: Setup,
) -> Result<Scenario> {
    let server = start_ec2_mock(srv)?;
    let next_body = setup(gen, &Via::Http(server.addr), opts)?;
    let probe = next_body(&mut SmallRng::seed_from_u64(7));
    let (status, reply) = gen.block_on(async {
        Client::open(&Via::Http(server.addr))
            .await?
            .post(probe)
            .await
    })?;
    if status != 200 {
        return Err(format!("{name}: HTTP {status}: {}", String::from_utf8_lossy(&reply)).into());
    }
    let reply_bytes = reply.len();
    let minimal = start_minimal(srv, reply_bytes)?;
    let [mut ours, mut ceiling] = drive(gen, [server.addr, minimal.addr], opts, next_body.clone())?;
    server.shutdown(srv);
    minimal.shutdown(srv);

    let secs = opts.secs.min(1.0);
    let config = ec2_mock::Config::new("123456789012", "us-east-1", 42)?;
    let app = ec2_mock::server::router(ec2_mock::app::AppState::new(&config));
    let app_body = setup(gen, &Via::App(app.clone()), opts)?;
    ours.app_us = in_process(gen, app, secs, app_body)?;
    ceiling.app_us = in_process(gen, minimal_app(reply_bytes), secs, next_body)?;
    Ok(Scenario {
        name,
        detail,
        reply_bytes,
        ours,
        ceiling,
        target,
    })
}

fn setup_create(rt: &Runtime, via: &Via, _: &Opts) -> Result<NextBody> {
    let subnets = rt.block_on(slash16_subnets(via, 1, CREATE_SUBNETS))?;
    let bodies: Vec<Bytes> = subnets.iter().map(|s| create_body(s)).collect();
    Ok(Arc::new(move |rng: &mut SmallRng| {
        bodies[rng.gen_range(0..bodies.len())].clone()
    }))
}

fn setup_describe(rt: &Runtime, via: &Via, opts: &Opts) -> Result<NextBody> {
    let n = opts.interfaces;
    let subnets = rt.block_on(slash16_subnets(via, 1, n.div_ceil(SLASH16_USABLE)))?;
    let started = Instant::now();
    let ids = rt.block_on(bulk_create(via, &subnets, n, opts.conns))?;
    let setup = started.elapsed();
    let how = match via {
        Via::Http(_) => format!("over HTTP ({} connections)", opts.conns),
        Via::App(_) => "in-process".to_owned(),
    };
    println!(
        "  setup: {n} interfaces created {how} in {:.1} s ({:.0}/s)",
        setup.as_secs_f64(),
        n as f64 / setup.as_secs_f64(),
    );
    let bodies: Vec<Bytes> = ids
        .iter()
        .map(|id| form("DescribeNetworkInterfaces", &[("NetworkInterfaceId.1", id)]))
        .collect();
    Ok(Arc::new(move |rng: &mut SmallRng| {
        bodies[rng.gen_range(0..bodies.len())].clone()
    }))
}

fn setup_regions(_: &Runtime, _: &Via, _: &Opts) -> Result<NextBody> {
    let body = Bytes::from_static(REGIONS_BODY.as_bytes());
    Ok(Arc::new(move |_: &mut SmallRng| body.clone()))
}

// ---------------------------------------------------------------------------------------
// The release binary: startup time and RSS

fn binary() -> String {
    std::env::var("EC2_MOCK_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_ec2-mock").to_owned())
}

/// A spawned `ec2-mock --port 0`, killed when dropped.
struct Spawned {
    child: Child,
    addr: SocketAddr,
}

impl Spawned {
    /// Spawns the binary and waits for the endpoint line on stdout.
    fn start() -> Result<Spawned> {
        let mut child = Command::new(binary())
            .args(["--port", "0", "--seed", "1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let addr: SocketAddr = line
            .trim()
            .strip_prefix("http://")
            .ok_or_else(|| format!("unexpected first line '{}'", line.trim()))?
            .parse()?;
        Ok(Spawned { child, addr })
    }

    fn vm_rss(&self) -> Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .ok_or("no VmRSS")?;
        Ok(kb * 1024)
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One blocking DescribeRegions on a fresh connection (`Connection: close`); the status.
fn blocking_describe_regions(addr: SocketAddr) -> Result<u16> {
    let mut stream = StdTcpStream::connect(addr)?;
    stream.set_nodelay(true)?;
    write!(
        stream,
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {FORM}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{REGIONS_BODY}",
        REGIONS_BODY.len()
    )?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply)?;
    let status = std::str::from_utf8(reply.get(9..12).unwrap_or_default())?.parse()?;
    Ok(status)
}

struct Startup {
    median_ms: f64,
    min_ms: f64,
    max_ms: f64,
    endpoint_median_ms: f64,
    /// Spawning `true` and waiting for it to exit: what any process costs on this machine.
    baseline_median_ms: f64,
}

fn startup(runs: usize) -> Result<Startup> {
    let mut first_reply = Vec::new();
    let mut endpoint = Vec::new();
    let mut baseline = Vec::new();
    for _ in 0..runs {
        let t0 = Instant::now();
        Command::new("true").status()?;
        baseline.push(t0.elapsed().as_secs_f64() * 1e3);
        let t0 = Instant::now();
        let spawned = Spawned::start()?;
        endpoint.push(t0.elapsed().as_secs_f64() * 1e3);
        let status = blocking_describe_regions(spawned.addr)?;
        first_reply.push(t0.elapsed().as_secs_f64() * 1e3);
        if status != 200 {
            return Err(format!("DescribeRegions answered HTTP {status}").into());
        }
        drop(spawned);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    Ok(Startup {
        median_ms: median(&mut first_reply),
        min_ms: first_reply[0],
        max_ms: first_reply[first_reply.len() - 1],
        endpoint_median_ms: median(&mut endpoint),
        baseline_median_ms: median(&mut baseline),
    })
}

/// Bytes the allocator has handed out and not taken back (glibc, main arena only).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)] // The one FFI call of the crate's targets: glibc's heap counters.
fn heap_in_use() -> Option<u64> {
    // SAFETY: mallinfo2 only reads the allocator's counters.
    let info = unsafe { libc::mallinfo2() };
    Some(info.uordblks as u64)
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn heap_in_use() -> Option<u64> {
    None
}

/// Heap bytes per interface: `n` interfaces created through the router in-process, one at a
/// time on this thread (so every allocation lands in the arena `mallinfo2` reports).
fn heap_per_interface(rt: &Runtime, n: usize) -> Result<Option<f64>> {
    let config = ec2_mock::Config::new("123456789012", "us-east-1", 42)?;
    let app = ec2_mock::server::router(ec2_mock::app::AppState::new(&config));
    rt.block_on(async move {
        let via = Via::App(app.clone());
        let subnets = slash16_subnets(&via, 1, n.div_ceil(SLASH16_USABLE)).await?;
        let bodies: Vec<Bytes> = subnets.iter().map(|s| create_body(s)).collect();
        let mut client = Client::open(&via).await?;
        let Some(before) = heap_in_use() else {
            return Ok(None);
        };
        for i in 0..n {
            let (status, body) = client.post(bodies[i % bodies.len()].clone()).await?;
            if status != 200 {
                return Err(format!(
                    "CreateNetworkInterface: HTTP {status}: {}",
                    String::from_utf8_lossy(&body)
                )
                .into());
            }
        }
        let after = heap_in_use().unwrap_or(before);
        Ok(Some((after as f64 - before as f64) / n as f64))
    })
}

struct Rss {
    heap_per_interface: Option<f64>,
    at_start: u64,
    after_first_request: u64,
    after_setup: u64,
    with_interfaces: u64,
    interfaces: usize,
}

fn rss(gen: &Runtime, opts: &Opts) -> Result<Rss> {
    let settle = || std::thread::sleep(Duration::from_millis(300));
    let spawned = Spawned::start()?;
    settle();
    let at_start = spawned.vm_rss()?;
    if blocking_describe_regions(spawned.addr)? != 200 {
        return Err("DescribeRegions failed".into());
    }
    settle();
    let after_first_request = spawned.vm_rss()?;
    let n = opts.interfaces;
    let via = Via::Http(spawned.addr);
    let subnets = gen.block_on(slash16_subnets(&via, 1, n.div_ceil(SLASH16_USABLE)))?;
    // One interface per connection first, so the baseline already holds the buffers of
    // `conns` open connections and the first allocations of every map.
    gen.block_on(bulk_create(&via, &subnets, opts.conns, opts.conns))?;
    settle();
    let after_setup = spawned.vm_rss()?;
    gen.block_on(bulk_create(&via, &subnets, n, opts.conns))?;
    settle();
    let with_interfaces = spawned.vm_rss()?;
    drop(spawned);
    Ok(Rss {
        heap_per_interface: heap_per_interface(gen, n)?,
        at_start,
        after_first_request,
        after_setup,
        with_interfaces,
        interfaces: n,
    })
}

// ---------------------------------------------------------------------------------------
// Report

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn verdict(pass: bool) -> &'static str {
    if pass {
        "PASS"
    } else {
        "MISS"
    }
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn run() -> Result<()> {
    let opts = Opts::parse()?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let srv = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores)
        .thread_name("srv")
        .enable_all()
        .build()?;
    let gen = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores)
        .thread_name("gen")
        .enable_all()
        .build()?;

    println!("ec2-mock load benchmark");
    println!(
        "  machine: {cores} cores; load average at start {}",
        loadavg()
    );
    println!(
        "  servers: in-process, one multi-thread tokio runtime ({cores} workers) for ec2-mock and the ceiling"
    );
    println!(
        "  load: {} keep-alive HTTP/1.1 connections (hyper, one per task) on a separate runtime \
         ({cores} workers), from the same tasks to both targets",
        opts.conns
    );
    println!(
        "  per scenario: {} s warm-up per target, then {} s measured per target in {} slots of \
         {:.2} s, the targets taking turns (A B B A …)",
        opts.warmup,
        opts.secs,
        opts.rounds,
        opts.secs / opts.rounds as f64
    );
    println!(
        "  generator and servers share the {cores} cores: every figure includes the generator's \
         cost, the same for both targets"
    );
    println!();

    let mut scenarios = Vec::new();
    if opts.wants("create") {
        println!("running CreateNetworkInterface …");
        scenarios.push(scenario(
            &srv,
            &gen,
            &opts,
            "CreateNetworkInterface",
            format!("{CREATE_SUBNETS} fresh /16 subnets, rotated"),
            Some(TARGET_FRACTION),
            setup_create,
        )?);
    }
    if opts.wants("describe") {
        println!("running DescribeNetworkInterfaces …");
        scenarios.push(scenario(
            &srv,
            &gen,
            &opts,
            "DescribeNetworkInterfaces",
            format!("NetworkInterfaceId.1 = random of {}", opts.interfaces),
            Some(TARGET_FRACTION),
            setup_describe,
        )?);
    }
    if opts.wants("regions") {
        println!("running DescribeRegions …");
        scenarios.push(scenario(
            &srv,
            &gen,
            &opts,
            "DescribeRegions",
            "all regions".into(),
            None,
            setup_regions,
        )?);
    }
    let startup = if opts.wants("startup") {
        println!(
            "running startup ({} runs of {}) …",
            opts.startup_runs,
            binary()
        );
        Some(startup(opts.startup_runs)?)
    } else {
        None
    };
    let rss = if opts.wants("rss") {
        println!("running RSS ({} interfaces) …", opts.interfaces);
        Some(rss(&gen, &opts)?)
    } else {
        None
    };

    println!();
    if !scenarios.is_empty() {
        println!(
            "{:<26} {:>6} {:<9} {:>9} {:>7} {:>7} {:>7} {:>7} {:>7} {:>6}  {:>7}  {:<6} result",
            "scenario",
            "reply",
            "server",
            "req/s",
            "p50 ms",
            "p99 ms",
            "srv us",
            "gen us",
            "app us",
            "errors",
            "of ceil",
            "target",
        );
        for s in &scenarios {
            for (label, r) in [("ec2-mock", &s.ours), ("ceiling", &s.ceiling)] {
                let (fraction, target, result) = if label == "ec2-mock" {
                    let f = s.ours.rps / s.ceiling.rps;
                    match s.target {
                        Some(t) => (
                            format!("{:.0}%", f * 100.0),
                            format!(">={:.0}%", t * 100.0),
                            verdict(f >= t).to_owned(),
                        ),
                        None => (format!("{:.0}%", f * 100.0), "-".into(), "-".into()),
                    }
                } else {
                    (String::new(), String::new(), String::new())
                };
                println!(
                    "{:<26} {:>6} {:<9} {:>9.0} {:>7.2} {:>7.2} {:>7.1} {:>7.1} {:>7.1} {:>6}  {:>7}  {:<6} {}",
                    if label == "ec2-mock" { s.name } else { "" },
                    if label == "ec2-mock" { s.reply_bytes.to_string() } else { String::new() },
                    label,
                    r.rps,
                    f64::from(r.p50_us) / 1e3,
                    f64::from(r.p99_us) / 1e3,
                    r.srv_cpu_us,
                    r.gen_cpu_us,
                    r.app_us,
                    r.errors,
                    fraction,
                    target,
                    result
                );
            }
            println!(
                "{:<26} ({}; {} requests measured)",
                "", s.detail, s.ours.requests
            );
        }
        println!(
            "  srv us / gen us: CPU time per request of the server runtime / of the load \
             generator's runtime under the load above"
        );
        println!(
            "  app us: time per request of the same router called in-process, one request at \
             a time (no socket, no HTTP)"
        );
        println!();
    }
    if let Some(s) = &startup {
        println!(
            "startup to first DescribeRegions reply (release binary, median of {}): {:.2} ms \
             (min {:.2}, max {:.2}; endpoint line after {:.2} ms)   target <= {TARGET_STARTUP_MS} ms  {}",
            opts.startup_runs,
            s.median_ms,
            s.min_ms,
            s.max_ms,
            s.endpoint_median_ms,
            verdict(s.median_ms <= TARGET_STARTUP_MS)
        );
        println!(
            "  (spawning `true` and waiting for its exit takes {:.2} ms here: the OS's share)",
            s.baseline_median_ms
        );
    }
    if let Some(r) = &rss {
        let idle = r.at_start.max(r.after_first_request);
        println!(
            "RSS idle: {:.2} MiB after startup, {:.2} MiB after the first request   target <= {:.0} MiB  {}",
            mib(r.at_start),
            mib(r.after_first_request),
            mib(TARGET_IDLE_RSS),
            verdict(idle <= TARGET_IDLE_RSS)
        );
        let per = (r.with_interfaces as f64 - r.after_setup as f64) / r.interfaces as f64;
        println!(
            "RSS with {} interfaces: {:.1} MiB (after VPC/subnet setup {:.1} MiB) = {:.0} bytes per \
             interface   target <= {TARGET_BYTES_PER_INTERFACE:.0} B  {}",
            r.interfaces,
            mib(r.with_interfaces),
            mib(r.after_setup),
            per,
            verdict(per <= TARGET_BYTES_PER_INTERFACE)
        );
        if let Some(heap) = r.heap_per_interface {
            println!(
                "  of which heap in use (in-process, glibc mallinfo2): {heap:.0} bytes per interface"
            );
        }
        println!(
            "  (size_of::<NetworkInterface>() = {} B inline, before its heap strings and vectors \
             and the maps that hold it)",
            std::mem::size_of::<ec2_mock::model::network_interfaces::NetworkInterface>()
        );
    }
    println!("load average at end {}", loadavg());
    drop(gen);
    drop(srv);
    Ok(())
}
