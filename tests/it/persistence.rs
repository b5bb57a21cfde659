//! `--state-file`: the state survives a clean restart and `kill -9`, the file is replaced
//! atomically (a leftover `PATH.tmp` is never read), and it wins over `--init` when it exists.
//! Also the helpers the other state tests share: the real binary, and scratch directories.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::support::Node;

pub const BIN: &str = env!("CARGO_BIN_EXE_ec2-mock");
pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/init");

/// A directory of its own under the system's temp dir, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "ec2-mock-{name}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The binary with none of the test environment's `EC2_MOCK_*` (or `RUST_LOG`) inherited.
pub fn command(args: &[&str]) -> Command {
    command_of(BIN, args)
}

fn command_of(program: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(program);
    for (key, _) in std::env::vars() {
        if key.starts_with("EC2_MOCK_") || key == "RUST_LOG" {
            cmd.env_remove(key);
        }
    }
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

/// What a binary that refused to start left behind.
pub struct Refusal {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the binary expecting it to exit by itself (a startup refusal).
pub async fn run_to_exit(cmd: Command) -> Refusal {
    let mut cmd = cmd;
    let output = tokio::time::timeout(Duration::from_secs(30), cmd.output())
        .await
        .expect("ec2-mock did not exit within 30s")
        .expect("run ec2-mock");
    Refusal {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A running binary, its endpoint (its first stdout line) and its stderr so far.
pub struct Binary {
    child: Child,
    pub endpoint: String,
    stderr: Arc<Mutex<String>>,
    client: reqwest::Client,
}

impl Binary {
    pub async fn start(args: &[&str]) -> Binary {
        Binary::spawn(command(args)).await
    }

    pub async fn spawn(mut cmd: Command) -> Binary {
        let mut child = cmd.spawn().expect("spawn ec2-mock");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().expect("piped stderr");
        let sink = stderr.clone();
        tokio::spawn(async move {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let first = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("ec2-mock printed nothing within 30s")
            .expect("read stdout");
        let Some(endpoint) = first else {
            let _ = child.wait().await;
            tokio::time::sleep(Duration::from_millis(100)).await;
            panic!(
                "ec2-mock exited without an endpoint: {}",
                stderr.lock().unwrap()
            );
        };
        Binary {
            child,
            endpoint,
            stderr,
            client: reqwest::Client::new(),
        }
    }

    /// An unsigned EC2 request (the server's default account and region).
    pub async fn call(&self, action: &str, params: &[(&str, &str)]) -> (u16, String) {
        let mut form: Vec<(&str, &str)> = vec![("Action", action), ("Version", "2016-11-15")];
        form.extend_from_slice(params);
        let resp = self
            .client
            .post(format!("{}/", self.endpoint))
            .form(&form)
            .send()
            .await
            .expect("request to ec2-mock");
        (resp.status().as_u16(), resp.text().await.expect("body"))
    }

    /// Like `call`, panicking unless it succeeded; the parsed reply.
    pub async fn ok(&self, action: &str, params: &[(&str, &str)]) -> Node {
        let (status, body) = self.call(action, params).await;
        assert_eq!(status, 200, "{action}: {body}");
        Node::parse(&body)
    }

    /// An admin request: (status, body).
    pub async fn admin(&self, method: &str, path_and_query: &str) -> (u16, String) {
        let url = format!("{}/_ec2-mock/{path_and_query}", self.endpoint);
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        // Every admin POST must show it is no cross-site form.
        let resp = self
            .client
            .request(method, url)
            .header("X-Ec2-Mock-Admin", "1")
            .send()
            .await
            .unwrap();
        (resp.status().as_u16(), resp.text().await.unwrap())
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends `signal`, waits until the server logs that it is shutting down, sends it again,
    /// and returns how the process ended.
    pub async fn signal_twice(mut self, signal: &str) -> std::process::ExitStatus {
        let pid = self.child.id().expect("still running").to_string();
        let kill = || {
            let sent = std::process::Command::new("kill")
                .arg(format!("-{signal}"))
                .arg(&pid)
                .status()
                .expect("run kill");
            assert!(sent.success(), "kill -{signal} {pid} failed");
        };
        kill();
        for _ in 0..200 {
            if self.stderr().contains("shutting down") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(self.stderr().contains("shutting down"), "{}", self.stderr());
        kill();
        tokio::time::timeout(Duration::from_secs(10), self.child.wait())
            .await
            .unwrap_or_else(|_| {
                panic!("ec2-mock did not exit within 10s of the second SIG{signal}")
            })
            .expect("wait for ec2-mock")
    }

    /// Sends `signal` with kill(1) and waits for the process to end.
    pub async fn stop(mut self, signal: &str) {
        let pid = self.child.id().expect("still running");
        let sent = std::process::Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(pid.to_string())
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -{signal} {pid} failed");
        tokio::time::timeout(Duration::from_secs(10), self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("ec2-mock did not exit within 10s of SIG{signal}"))
            .expect("wait for ec2-mock");
    }
}

/// A reply body with its request ID blanked, for byte comparisons.
pub fn mask_request_id(body: &str) -> String {
    let mut out = body.to_owned();
    for (open, close) in [
        ("<requestId>", "</requestId>"),
        ("<RequestID>", "</RequestID>"),
    ] {
        if let Some(start) = out.find(open) {
            if let Some(len) = out[start..].find(close) {
                out.replace_range(start + open.len()..start + len, "…");
            }
        }
    }
    out
}

fn state_args<'a>(state: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["--port", "0", "--seed", "5", "--state-file", state];
    args.extend_from_slice(extra);
    args
}

/// Every Describe reply that shows the state, request IDs masked.
async fn describe_all(server: &Binary) -> Vec<String> {
    let mut out = Vec::new();
    for action in [
        "DescribeVpcs",
        "DescribeSubnets",
        "DescribeSecurityGroups",
        "DescribeNetworkInterfaces",
        "DescribeNetworkInterfacePermissions",
        "DescribeTags",
        "DescribeDhcpOptions",
        "DescribeSecurityGroupRules",
        "DescribeManagedPrefixLists",
        "DescribeInternetGateways",
        "DescribeEgressOnlyInternetGateways",
        "DescribeRouteTables",
        "DescribeNetworkAcls",
    ] {
        let (status, body) = server.call(action, &[]).await;
        assert_eq!(status, 200, "{action}: {body}");
        out.push(mask_request_id(&body));
    }
    out
}

/// A VPC, a subnet, a group with a rule, routing (a gateway, a table, an ACL) and an
/// interface: returns the interface ID.
async fn build_some_state(server: &Binary) -> String {
    let vpc = server
        .ok(
            "CreateVpc",
            &[
                ("CidrBlock", "10.0.0.0/16"),
                ("AmazonProvidedIpv6CidrBlock", "true"),
            ],
        )
        .await
        .text("vpcId");
    let ipv6 = server
        .ok("DescribeVpcs", &[("VpcId.1", &vpc)])
        .await
        .text("ipv6CidrBlock");
    let subnet_v6 = ipv6.replace("/56", "/64");
    let subnet = server
        .ok(
            "CreateSubnet",
            &[
                ("VpcId", &vpc),
                ("CidrBlock", "10.0.1.0/24"),
                ("Ipv6CidrBlock", &subnet_v6),
                ("AvailabilityZone", "us-east-1a"),
            ],
        )
        .await
        .text("subnetId");
    let group = server
        .ok(
            "CreateSecurityGroup",
            &[
                ("GroupName", "web"),
                ("GroupDescription", "web servers"),
                ("VpcId", &vpc),
            ],
        )
        .await
        .text("groupId");
    server
        .ok(
            "AuthorizeSecurityGroupIngress",
            &[
                ("GroupId", &group),
                ("IpPermissions.1.IpProtocol", "tcp"),
                ("IpPermissions.1.FromPort", "443"),
                ("IpPermissions.1.ToPort", "443"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"),
            ],
        )
        .await;
    // The routing layer: a gateway, a table routing to it for the subnet, an ACL with a rule.
    let igw = server
        .ok("CreateInternetGateway", &[])
        .await
        .text("internetGatewayId");
    server
        .ok(
            "AttachInternetGateway",
            &[("InternetGatewayId", &igw), ("VpcId", &vpc)],
        )
        .await;
    let table = server
        .ok("CreateRouteTable", &[("VpcId", &vpc)])
        .await
        .text("routeTableId");
    server
        .ok(
            "CreateRoute",
            &[
                ("RouteTableId", &table),
                ("DestinationCidrBlock", "0.0.0.0/0"),
                ("GatewayId", &igw),
            ],
        )
        .await;
    server
        .ok(
            "AssociateRouteTable",
            &[("RouteTableId", &table), ("SubnetId", &subnet)],
        )
        .await;
    let acl = server
        .ok("CreateNetworkAcl", &[("VpcId", &vpc)])
        .await
        .text("networkAclId");
    server
        .ok(
            "CreateNetworkAclEntry",
            &[
                ("NetworkAclId", &acl),
                ("RuleNumber", "100"),
                ("Protocol", "tcp"),
                ("RuleAction", "allow"),
                ("Egress", "false"),
                ("CidrBlock", "0.0.0.0/0"),
                ("PortRange.From", "443"),
                ("PortRange.To", "443"),
            ],
        )
        .await;
    let acls = server
        .ok(
            "DescribeNetworkAcls",
            &[
                ("Filter.1.Name", "association.subnet-id"),
                ("Filter.1.Value.1", &subnet),
            ],
        )
        .await;
    server
        .ok(
            "ReplaceNetworkAclAssociation",
            &[
                ("AssociationId", &acls.text("networkAclAssociationId")),
                ("NetworkAclId", &acl),
            ],
        )
        .await;
    server
        .ok(
            "CreateNetworkInterface",
            &[
                ("SubnetId", &subnet),
                ("SecurityGroupId.1", &group),
                ("SecondaryPrivateIpAddressCount", "2"),
                ("Ipv6AddressCount", "1"),
                ("TagSpecification.1.ResourceType", "network-interface"),
                ("TagSpecification.1.Tag.1.Key", "Name"),
                ("TagSpecification.1.Tag.1.Value", "web-1"),
            ],
        )
        .await
        .text("networkInterfaceId")
}

#[tokio::test]
async fn a_restart_with_the_state_file_keeps_everything() {
    let dir = TempDir::new("restart");
    let state = dir.join("state.json");
    let state = state.to_str().unwrap();

    let server = Binary::start(&state_args(state, &[])).await;
    build_some_state(&server).await;
    let before = describe_all(&server).await;
    server.stop("TERM").await;
    assert!(Path::new(state).exists(), "no state file was written");

    // Another seed: everything shown must come from the file.
    let mut args = state_args(state, &[]);
    args[3] = "6";
    let server = Binary::start(&args).await;
    assert_eq!(describe_all(&server).await, before);

    // And the world goes on from there: new resources, no clash with the loaded IDs.
    let (status, body) = server
        .call("CreateVpc", &[("CidrBlock", "10.9.0.0/16")])
        .await;
    assert_eq!(status, 200, "{body}");
    server.stop("TERM").await;
}

#[tokio::test]
async fn kill_9_right_after_a_successful_create_loses_nothing() {
    let dir = TempDir::new("kill9");
    let state = dir.join("state.json");
    let state = state.to_str().unwrap();
    let server = Binary::start(&state_args(state, &[])).await;
    let subnet = server.ok("DescribeSubnets", &[]).await.items("subnetSet")[0].get("subnetId");

    let mut created = Vec::new();
    let mut server = server;
    for round in 0..3 {
        let token = format!("token-{round}");
        let eni = server
            .ok(
                "CreateNetworkInterface",
                &[("SubnetId", &subnet), ("ClientToken", &token)],
            )
            .await
            .text("networkInterfaceId");
        created.push((eni, token));
        // No pause: the reply is in hand, so the change must already be on disk.
        server.stop("KILL").await;
        server = Binary::start(&state_args(state, &[])).await;
        let listed = server
            .ok("DescribeNetworkInterfaces", &[])
            .await
            .all("networkInterfaceId");
        for (eni, _) in &created {
            assert!(listed.contains(eni), "{eni} lost after kill -9: {listed:?}");
        }
    }
    // A retry of an answered create, after the crash, returns the interface it made.
    let (eni, token) = &created[0];
    let again = server
        .ok(
            "CreateNetworkInterface",
            &[("SubnetId", &subnet), ("ClientToken", token)],
        )
        .await
        .text("networkInterfaceId");
    assert_eq!(&again, eni);
    server.stop("KILL").await;
}

#[tokio::test]
async fn a_leftover_tmp_file_is_never_read() {
    let dir = TempDir::new("torn");
    let state = dir.join("state.json");
    let tmp = dir.join("state.json.tmp");
    let state_s = state.to_str().unwrap();

    // A torn write with no state file yet: the server starts empty, as if nothing happened.
    std::fs::write(&tmp, b"{\"accounts\": {\"1234567").unwrap();
    let server = Binary::start(&state_args(state_s, &[])).await;
    let vpc = server
        .ok("CreateVpc", &[("CidrBlock", "10.0.0.0/16")])
        .await
        .text("vpcId");
    server.stop("KILL").await;

    // A torn write beside a complete state file: the complete one is loaded.
    std::fs::write(&tmp, b"not json at all").unwrap();
    let server = Binary::start(&state_args(state_s, &[])).await;
    let vpcs = server.ok("DescribeVpcs", &[]).await.all("vpcId");
    assert!(vpcs.contains(&vpc), "{vpcs:?}");
    assert!(!tmp.exists(), "the leftover tmp file is cleared at start");
    // The file on disk is always complete JSON, never a prefix of one.
    let text = std::fs::read_to_string(&state).unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&text).expect("complete JSON");
    assert!(parsed["accounts"]["123456789012"].is_object());
    server.stop("TERM").await;
}

#[tokio::test]
async fn the_state_file_wins_over_init_and_init_stays_the_reset_baseline() {
    let dir = TempDir::new("wins");
    let state = dir.join("state.json");
    let state = state.to_str().unwrap();
    let init = format!("{FIXTURES}/minimal.json");

    // No state file yet: the init file's world.
    let server = Binary::start(&state_args(state, &["--init", &init])).await;
    let vpcs = server.ok("DescribeVpcs", &[]).await.all("vpcId");
    assert!(
        vpcs.contains(&"vpc-0a1b2c3d4e5f60718".to_owned()),
        "{vpcs:?}"
    );
    server
        .ok("DeleteSubnet", &[("SubnetId", "subnet-0a1b2c3d4e5f60718")])
        .await;
    server.stop("TERM").await;

    // The state file exists now: it wins, so the deleted subnet stays deleted.
    let server = Binary::start(&state_args(state, &["--init", &init])).await;
    let (status, body) = server
        .call(
            "DescribeSubnets",
            &[("SubnetId.1", "subnet-0a1b2c3d4e5f60718")],
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("InvalidSubnetID.NotFound"), "{body}");

    // A reset returns to the init file, and is itself persisted.
    let (status, body) = server.admin("POST", "reset").await;
    assert_eq!(status, 200, "{body}");
    server.stop("KILL").await;
    let server = Binary::start(&state_args(state, &["--init", &init])).await;
    server
        .ok(
            "DescribeSubnets",
            &[("SubnetId.1", "subnet-0a1b2c3d4e5f60718")],
        )
        .await;
    server.stop("TERM").await;
}

#[tokio::test]
async fn an_invalid_state_file_stops_startup() {
    let dir = TempDir::new("invalid-state");
    let state = dir.join("state.json");
    std::fs::copy(
        format!("{FIXTURES}/invalid/overlapping-subnets.json"),
        &state,
    )
    .unwrap();
    let refusal = run_to_exit(command(&state_args(state.to_str().unwrap(), &[]))).await;
    assert_eq!(refusal.code, Some(2), "{}", refusal.stderr);
    assert_eq!(refusal.stdout, "", "the server must not have started");
    assert!(
        refusal.stderr.contains("--state-file")
            && refusal
                .stderr
                .contains("accounts[123456789012].regions[us-east-1].subnets[1] (subnet-33333333)"),
        "{}",
        refusal.stderr
    );

    // A directory that does not exist cannot take the file: refused at start too.
    let missing = dir.join("no/such/dir/state.json");
    let refusal = run_to_exit(command(&state_args(missing.to_str().unwrap(), &[]))).await;
    assert_eq!(refusal.code, Some(2), "{}", refusal.stderr);
    assert_eq!(refusal.stdout, "");
}

#[tokio::test]
async fn the_environment_variable_names_the_state_file() {
    let dir = TempDir::new("env");
    let state = dir.join("state.json");
    let mut cmd = command(&["--port", "0"]);
    cmd.env("EC2_MOCK_STATE_FILE", &state);
    let server = Binary::spawn(cmd).await;
    server
        .ok("CreateVpc", &[("CidrBlock", "10.0.0.0/16")])
        .await;
    assert!(state.exists());
    server.stop("TERM").await;
}

/// The cost of durability: sequential CreateNetworkInterface with and without a state file.
/// `cargo test --release -- --ignored --nocapture state_file_throughput`; set
/// `EC2_MOCK_BENCH_BIN` to measure another build of the binary.
#[tokio::test]
#[ignore]
async fn state_file_throughput() {
    const REQUESTS: usize = 2_000;
    let bin = std::env::var("EC2_MOCK_BENCH_BIN").unwrap_or_else(|_| BIN.to_owned());
    let dir = TempDir::new("bench");
    let state = dir.join("state.json");
    let state = state.to_str().unwrap().to_owned();
    for with_file in [false, true] {
        let mut args = vec!["--port", "0", "--seed", "1", "--log-level", "warn"];
        if with_file {
            args.extend(["--state-file", state.as_str()]);
        }
        let server = Binary::spawn(command_of(&bin, &args)).await;
        let subnet = server.ok("DescribeSubnets", &[]).await.items("subnetSet")[0].get("subnetId");
        let started = Instant::now();
        for _ in 0..REQUESTS {
            let (status, body) = server
                .call("CreateNetworkInterface", &[("SubnetId", &subnet)])
                .await;
            assert_eq!(status, 200, "{body}");
        }
        let elapsed = started.elapsed();
        let size = std::fs::metadata(&state).map(|m| m.len()).unwrap_or(0);
        println!(
            "state file {:>3}, sequential: {REQUESTS} CreateNetworkInterface in {:.2}s = {:.0} req/s (final file {} KiB)",
            if with_file { "on" } else { "off" },
            elapsed.as_secs_f64(),
            REQUESTS as f64 / elapsed.as_secs_f64(),
            if with_file { size / 1024 } else { 0 },
        );
        // The same number again from 16 clients at once, in another /20: concurrent changes
        // share writes.
        let subnet = server.ok("DescribeSubnets", &[]).await.items("subnetSet")[1].get("subnetId");
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..16 {
            let endpoint = server.endpoint.clone();
            let subnet = subnet.clone();
            tasks.spawn(async move {
                let client = reqwest::Client::new();
                for _ in 0..REQUESTS / 16 {
                    let resp = client
                        .post(format!("{endpoint}/"))
                        .form(&[
                            ("Action", "CreateNetworkInterface"),
                            ("SubnetId", subnet.as_str()),
                        ])
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(resp.status().as_u16(), 200);
                }
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap();
        }
        let elapsed = started.elapsed();
        println!(
            "state file {:>3}, 16 clients: {REQUESTS} CreateNetworkInterface in {:.2}s = {:.0} req/s",
            if with_file { "on" } else { "off" },
            elapsed.as_secs_f64(),
            REQUESTS as f64 / elapsed.as_secs_f64(),
        );
        server.stop("TERM").await;
    }
}
