//! The `ec2-mock` binary itself: flags, environment variables, the endpoint line, signals.

use std::process::{Command as StdCommand, ExitStatus, Stdio};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::support::Node;

const BIN: &str = env!("CARGO_BIN_EXE_ec2-mock");

const ENV_VARS: [&str; 11] = [
    "EC2_MOCK_HOST",
    "EC2_MOCK_PORT",
    "EC2_MOCK_REGION",
    "EC2_MOCK_ACCOUNT_ID",
    "EC2_MOCK_SEED",
    "EC2_MOCK_LOG_LEVEL",
    "EC2_MOCK_LOG_FORMAT",
    "EC2_MOCK_AUTH",
    "EC2_MOCK_ACCESS_KEYS",
    "EC2_MOCK_INIT",
    "EC2_MOCK_STATE_FILE",
];

/// The binary with none of its environment variables inherited from the test's environment.
fn command() -> Command {
    let mut cmd = Command::new(BIN);
    for var in ENV_VARS.iter().copied().chain(["RUST_LOG"]) {
        cmd.env_remove(var);
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    cmd
}

fn std_command() -> StdCommand {
    let mut cmd = StdCommand::new(BIN);
    for var in ENV_VARS.iter().copied().chain(["RUST_LOG"]) {
        cmd.env_remove(var);
    }
    cmd.stdin(Stdio::null());
    cmd
}

/// A running binary and the endpoint it printed first.
struct Running {
    child: Child,
    endpoint: String,
}

impl Running {
    async fn spawn(mut cmd: Command) -> Running {
        let mut child = cmd.spawn().expect("spawn ec2-mock");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let first = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("ec2-mock printed nothing within 30s")
            .expect("read stdout")
            .expect("ec2-mock closed stdout without printing its endpoint");
        Running {
            child,
            endpoint: first,
        }
    }

    /// The port of the printed `http://127.0.0.1:PORT` endpoint, checking its shape.
    fn port(&self) -> u16 {
        let port = self
            .endpoint
            .strip_prefix("http://127.0.0.1:")
            .unwrap_or_else(|| panic!("unexpected endpoint line {:?}", self.endpoint));
        let port: u16 = port.parse().expect("a port number");
        assert_ne!(port, 0, "the bound port, not the requested one");
        port
    }

    async fn get(&self, query: &str) -> (u16, Node) {
        let resp = reqwest::get(format!("{}/?{query}", self.endpoint))
            .await
            .expect("request to ec2-mock");
        let status = resp.status().as_u16();
        let body = resp.text().await.expect("body");
        (status, Node::parse(&body))
    }

    /// Sends `signal` with kill(1) and waits for the exit.
    async fn stop(mut self, signal: &str) -> ExitStatus {
        let pid = self.child.id().expect("still running");
        let sent = StdCommand::new("kill")
            .arg(format!("-{signal}"))
            .arg(pid.to_string())
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -{signal} {pid} failed");
        tokio::time::timeout(Duration::from_secs(10), self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("ec2-mock did not exit within 10s of SIG{signal}"))
            .expect("wait for ec2-mock")
    }
}

#[tokio::test]
async fn port_zero_prints_the_endpoint_serves_and_stops_on_sigterm() {
    let mut cmd = command();
    cmd.args(["--port", "0", "--seed", "1"]);
    let server = Running::spawn(cmd).await;
    server.port();

    let (status, doc) = server.get("Action=DescribeVpcs&Version=2016-11-15").await;
    assert_eq!(status, 200, "{doc:?}");
    assert_eq!(doc.name, "DescribeVpcsResponse");
    let vpcs = doc.items("vpcSet");
    assert_eq!(vpcs.len(), 1, "{doc:?}");
    assert_eq!(vpcs[0].get("cidrBlock"), "172.31.0.0/16");
    assert_eq!(vpcs[0].get("isDefault"), "true");
    assert_eq!(vpcs[0].get("ownerId"), "123456789012");

    let (status, doc) = server
        .get("Action=DescribeAvailabilityZones&Version=2016-11-15")
        .await;
    assert_eq!(status, 200, "{doc:?}");
    assert!(doc.all("regionName").iter().all(|r| r == "us-east-1"));

    let exit = server.stop("TERM").await;
    assert!(exit.success(), "exit after SIGTERM: {exit:?}");
}

#[tokio::test]
async fn sigint_also_stops_it_cleanly() {
    let mut cmd = command();
    cmd.args(["--port", "0"]);
    let server = Running::spawn(cmd).await;
    let (status, _) = server
        .get("Action=DescribeRegions&Version=2016-11-15")
        .await;
    assert_eq!(status, 200);
    let exit = server.stop("INT").await;
    assert!(exit.success(), "exit after SIGINT: {exit:?}");
}

/// Regression: the endpoint line was printed before the signal handlers were installed, so
/// a supervisor that stopped the server as soon as it had read the line killed it with the
/// signal's default action (exit by signal, not a clean shutdown). Once the line is out, a
/// signal must always mean a clean stop; twenty quick rounds make the race show.
#[tokio::test]
async fn a_signal_right_after_the_endpoint_line_is_a_clean_stop() {
    for round in 0..20 {
        let signal = if round % 2 == 0 { "TERM" } else { "INT" };
        let mut cmd = command();
        cmd.args(["--port", "0"]);
        let server = Running::spawn(cmd).await;
        let exit = server.stop(signal).await;
        assert!(
            exit.success(),
            "round {round}: exit after SIG{signal} sent right after the endpoint line: {exit:?}"
        );
    }
}

#[tokio::test]
async fn environment_variables_work_like_the_flags() {
    let mut cmd = command();
    cmd.env("EC2_MOCK_PORT", "0")
        .env("EC2_MOCK_HOST", "127.0.0.1")
        .env("EC2_MOCK_REGION", "eu-west-1")
        .env("EC2_MOCK_ACCOUNT_ID", "111122223333")
        .env("EC2_MOCK_SEED", "7")
        .env("EC2_MOCK_LOG_LEVEL", "warn");
    let server = Running::spawn(cmd).await;
    server.port();

    // Unsigned requests land in the configured default account and region.
    let (status, doc) = server
        .get("Action=DescribeSubnets&Version=2016-11-15")
        .await;
    assert_eq!(status, 200, "{doc:?}");
    let mut zones = doc.all("availabilityZone");
    zones.sort();
    assert_eq!(zones, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    assert!(doc.all("ownerId").iter().all(|o| o == "111122223333"));

    let exit = server.stop("TERM").await;
    assert!(exit.success(), "exit after SIGTERM: {exit:?}");
}

#[tokio::test]
async fn the_same_seed_gives_the_same_ids() {
    let mut ids = Vec::new();
    for _ in 0..2 {
        let mut cmd = command();
        cmd.args(["--port", "0", "--seed", "1"]);
        let server = Running::spawn(cmd).await;
        let (status, doc) = server
            .get("Action=DescribeSubnets&Version=2016-11-15")
            .await;
        assert_eq!(status, 200, "{doc:?}");
        let mut run = doc.all("subnetId");
        let (_, vpcs) = server.get("Action=DescribeVpcs&Version=2016-11-15").await;
        run.extend(vpcs.all("vpcId"));
        assert!(run.len() > 1, "{run:?}");
        ids.push(run);
        assert!(server.stop("TERM").await.success());
    }
    assert_eq!(ids[0], ids[1]);
}

#[test]
fn help_explains_every_flag_and_its_environment_variable() {
    let out = std_command().arg("--help").output().expect("run --help");
    assert!(out.status.success(), "{out:?}");
    let help = String::from_utf8(out.stdout).expect("UTF-8 help");
    for flag in [
        "--host",
        "--port",
        "--region",
        "--account-id",
        "--seed",
        "--log-level",
        "--help",
        "--version",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help:\n{help}");
    }
    for var in ENV_VARS {
        assert!(help.contains(var), "{var} missing from --help:\n{help}");
    }
    for default in ["127.0.0.1", "4566", "us-east-1", "123456789012"] {
        assert!(help.contains(default), "default {default} missing:\n{help}");
    }
}

#[test]
fn an_unknown_region_is_refused_at_startup() {
    let out = std_command()
        .args(["--port", "0", "--region", "nowhere"])
        .output()
        .expect("run ec2-mock");
    assert!(!out.status.success(), "{out:?}");
    assert!(out.stdout.is_empty(), "no endpoint is printed: {out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("nowhere"), "{stderr}");
}

#[test]
fn a_malformed_account_id_is_refused_at_startup() {
    let out = std_command()
        .args(["--port", "0"])
        .env("EC2_MOCK_ACCOUNT_ID", "12345")
        .output()
        .expect("run ec2-mock");
    assert!(!out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("12345"), "{stderr}");
}

#[test]
fn a_port_that_is_not_a_number_is_a_usage_error() {
    let out = std_command()
        .args(["--port", "http"])
        .output()
        .expect("run ec2-mock");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--port"), "{stderr}");
}
