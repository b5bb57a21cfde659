//! The request log of the `ec2-mock` binary: one line per request with action, account,
//! region, status, error code and latency; `--log-format json` (or `EC2_MOCK_LOG_FORMAT`)
//! makes each line a JSON object a log collector can read.

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

const BIN: &str = env!("CARGO_BIN_EXE_ec2-mock");

/// The binary with stdout and stderr piped and none of its settings inherited from the
/// test's environment (RUST_LOG would override the level).
fn command() -> Command {
    let mut cmd = Command::new(BIN);
    for (var, _) in std::env::vars() {
        if var.starts_with("EC2_MOCK_") || var == "RUST_LOG" {
            cmd.env_remove(var);
        }
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

/// Starts the binary and returns it with the endpoint it printed.
async fn spawn(mut cmd: Command) -> (Child, String) {
    let mut child = cmd.spawn().expect("spawn ec2-mock");
    let stdout = child.stdout.take().expect("piped stdout");
    let endpoint = tokio::time::timeout(
        Duration::from_secs(30),
        BufReader::new(stdout).lines().next_line(),
    )
    .await
    .expect("an endpoint line within 30s")
    .expect("read stdout")
    .expect("an endpoint line");
    (child, endpoint)
}

/// Stops the binary with SIGTERM and returns everything it wrote to stderr.
async fn stop(mut child: Child) -> String {
    let mut stderr = child.stderr.take().expect("piped stderr");
    let pid = child.id().expect("running");
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(sent.success());
    let mut log = String::new();
    tokio::time::timeout(Duration::from_secs(10), stderr.read_to_string(&mut log))
        .await
        .expect("stderr closed within 10s")
        .expect("read stderr");
    let exit = child.wait().await.expect("wait");
    assert!(exit.success(), "{exit:?}\n{log}");
    log
}

/// Sends `form` with a SigV4-shaped credential scope (not checked by default) so that the
/// request has a non-default account and region to log.
async fn post(endpoint: &str, form: &[(&str, &str)]) -> u16 {
    reqwest::Client::new()
        .post(format!("{endpoint}/"))
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=111122223333/20260101/eu-west-1/ec2/aws4_request, \
             SignedHeaders=host;x-amz-date, Signature=00",
        )
        .form(form)
        .send()
        .await
        .expect("request")
        .status()
        .as_u16()
}

/// The `request` events of a JSON log, each line parsed (every line must be JSON).
fn request_events(log: &str) -> Vec<Value> {
    log.lines()
        .map(|line| {
            serde_json::from_str::<Value>(line)
                .unwrap_or_else(|e| panic!("not a JSON log line ({e}): {line:?}"))
        })
        .filter(|event| event["message"] == "request")
        .collect()
}

#[tokio::test]
async fn json_logs_one_object_per_request_with_its_fields() {
    let mut cmd = command();
    cmd.args(["--port", "0", "--seed", "1", "--log-format", "json"]);
    let (child, endpoint) = spawn(cmd).await;

    let ok = post(
        &endpoint,
        &[("Action", "DescribeVpcs"), ("Version", "2016-11-15")],
    )
    .await;
    assert_eq!(ok, 200);
    let failed = post(
        &endpoint,
        &[
            ("Action", "DeleteSubnet"),
            ("Version", "2016-11-15"),
            ("SubnetId", "subnet-00000000"),
        ],
    )
    .await;
    assert_eq!(failed, 400);

    let log = stop(child).await;
    let events = request_events(&log);
    assert_eq!(events.len(), 2, "one line per request:\n{log}");
    let (ok, failed) = (&events[0], &events[1]);

    assert_eq!(ok["level"], "INFO", "{ok}");
    assert_eq!(ok["action"], "DescribeVpcs", "{ok}");
    assert_eq!(ok["account"], "111122223333", "{ok}");
    assert_eq!(ok["region"], "eu-west-1", "{ok}");
    assert_eq!(ok["status"], 200, "{ok}");
    assert_eq!(ok["error"], "-", "no error code on success: {ok}");
    assert!(ok["latency_us"].is_u64(), "latency in microseconds: {ok}");
    assert!(ok["timestamp"].is_string(), "{ok}");

    assert_eq!(failed["action"], "DeleteSubnet", "{failed}");
    assert_eq!(failed["account"], "111122223333", "{failed}");
    assert_eq!(failed["region"], "eu-west-1", "{failed}");
    assert_eq!(failed["status"], 400, "{failed}");
    assert_eq!(failed["error"], "InvalidSubnetID.NotFound", "{failed}");
    assert!(failed["latency_us"].is_u64(), "{failed}");
}

#[tokio::test]
async fn the_environment_variable_selects_json_and_plain_is_the_default() {
    let mut cmd = command();
    cmd.args(["--port", "0"]).env("EC2_MOCK_LOG_FORMAT", "json");
    let (child, endpoint) = spawn(cmd).await;
    assert_eq!(post(&endpoint, &[("Action", "DescribeRegions")]).await, 200);
    let log = stop(child).await;
    let events = request_events(&log);
    assert_eq!(events.len(), 1, "{log}");
    assert_eq!(events[0]["action"], "DescribeRegions");

    let mut cmd = command();
    cmd.args(["--port", "0"]);
    let (child, endpoint) = spawn(cmd).await;
    assert_eq!(post(&endpoint, &[("Action", "DescribeRegions")]).await, 200);
    let log = stop(child).await;
    let line = log
        .lines()
        .find(|l| l.contains(" request "))
        .unwrap_or_else(|| panic!("no request line:\n{log}"));
    assert!(!line.starts_with('{'), "plain text by default: {line}");
    // tracing's text format quotes string values, not numbers.
    for field in [
        "action=\"DescribeRegions\"",
        "account=111122223333",
        "region=\"eu-west-1\"",
        "status=200",
        "error=\"-\"",
        "latency_us=",
    ] {
        assert!(line.contains(field), "{field} missing: {line}");
    }
}

#[test]
fn an_unknown_log_format_is_a_usage_error() {
    let out = std::process::Command::new(BIN)
        .args(["--port", "0", "--log-format", "xml"])
        .env_remove("EC2_MOCK_LOG_FORMAT")
        .stdin(Stdio::null())
        .output()
        .expect("run ec2-mock");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--log-format"), "{stderr}");

    let help = std::process::Command::new(BIN)
        .arg("--help")
        .output()
        .expect("run --help");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("--log-format") && help.contains("EC2_MOCK_LOG_FORMAT"),
        "{help}"
    );
}
