//! The Docker image's contract, without Docker: read the Dockerfile's runtime stage (ENV,
//! ENTRYPOINT, CMD, EXPOSE, HEALTHCHECK, STOPSIGNAL), run the built binary exactly as that
//! entrypoint would with that environment, run the HEALTHCHECK command itself, make an EC2
//! request, then stop it with the stop signal as `docker stop` does.
//!
//! Reading the Dockerfile rather than repeating its values here means a change to it (a new
//! flag, a moved health endpoint, another port variable) is tested as written. Only
//! EC2_MOCK_PORT is overridden, with a free port, so parallel runs do not clash; the
//! HEALTHCHECK follows it because it reads the same variable.

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::support::Node;

const BIN: &str = env!("CARGO_BIN_EXE_ec2-mock");
const DOCKERFILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/Dockerfile");

/// The instructions of the Dockerfile's last stage (from its last `FROM`), as (keyword,
/// arguments) with continuation lines joined and comments dropped.
fn runtime_stage(dockerfile: &str) -> Vec<(String, String)> {
    let mut instructions = Vec::new();
    let mut current = String::new();
    for line in dockerfile.lines() {
        let trimmed = line.trim();
        // Comments may sit between continuation lines; they are not part of the instruction.
        if trimmed.starts_with('#') || (current.is_empty() && trimmed.is_empty()) {
            continue;
        }
        match trimmed.strip_suffix('\\') {
            Some(head) => {
                current.push_str(head);
                current.push(' ');
            }
            None => {
                current.push_str(trimmed);
                let (keyword, args) = current
                    .split_once(char::is_whitespace)
                    .unwrap_or((&current, ""));
                instructions.push((keyword.to_ascii_uppercase(), args.trim().to_owned()));
                current.clear();
            }
        }
    }
    let last_from = instructions
        .iter()
        .rposition(|(k, _)| k == "FROM")
        .expect("a FROM instruction");
    instructions.split_off(last_from + 1)
}

/// The one instruction with this keyword in the stage (the last one wins, as in Docker).
fn instruction<'a>(stage: &'a [(String, String)], keyword: &str) -> &'a str {
    stage
        .iter()
        .rev()
        .find(|(k, _)| k == keyword)
        .map(|(_, a)| a.as_str())
        .unwrap_or_else(|| panic!("no {keyword} in the Dockerfile's runtime stage"))
}

/// An exec-form (JSON array) argument list, the only form a signal-handling PID 1 can use.
fn exec_form(args: &str, what: &str) -> Vec<String> {
    let value: Value = serde_json::from_str(args)
        .unwrap_or_else(|e| panic!("{what} is not in exec (JSON array) form ({e}): {args}"));
    value
        .as_array()
        .unwrap_or_else(|| panic!("{what} is not an array: {args}"))
        .iter()
        .map(|v| {
            v.as_str()
                .unwrap_or_else(|| panic!("{what}: {v}"))
                .to_owned()
        })
        .collect()
}

/// Every `ENV` of the stage, `KEY=value` form (quotes removed).
fn env_vars(stage: &[(String, String)]) -> BTreeMap<String, String> {
    let mut vars = BTreeMap::new();
    for (_, args) in stage.iter().filter(|(k, _)| k == "ENV") {
        for pair in args.split_whitespace() {
            let (key, value) = pair
                .split_once('=')
                .unwrap_or_else(|| panic!("ENV in KEY=value form expected: {args}"));
            vars.insert(key.to_owned(), value.trim_matches('"').to_owned());
        }
    }
    vars
}

/// The command of `HEALTHCHECK [options] CMD [...]`, and its `--timeout`.
fn healthcheck(args: &str) -> (Vec<String>, Duration) {
    let (options, command) = args
        .split_once("CMD ")
        .unwrap_or_else(|| panic!("HEALTHCHECK without CMD: {args}"));
    let timeout = options
        .split_whitespace()
        .find_map(|o| o.strip_prefix("--timeout="))
        .and_then(|t| t.strip_suffix('s'))
        .and_then(|s| s.parse().ok())
        .map_or(Duration::from_secs(30), Duration::from_secs);
    (exec_form(command.trim(), "HEALTHCHECK CMD"), timeout)
}

/// Runs the health check as Docker would inside the container: the container's environment,
/// bounded by the check's own timeout. True when it reports healthy (exit 0).
async fn healthy(check: &[String], timeout: Duration, env: &BTreeMap<String, String>) -> bool {
    let mut cmd = Command::new(&check[0]);
    cmd.args(&check[1..])
        .env_clear()
        .envs(env)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdin(Stdio::null())
        .kill_on_drop(true);
    match tokio::time::timeout(timeout, cmd.status()).await {
        Ok(status) => status.expect("run the HEALTHCHECK command").success(),
        Err(_) => false,
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

#[tokio::test]
async fn the_binary_runs_as_the_dockerfile_entrypoint() {
    let dockerfile = std::fs::read_to_string(DOCKERFILE).expect("read the Dockerfile");
    let stage = runtime_stage(&dockerfile);

    let entrypoint = exec_form(instruction(&stage, "ENTRYPOINT"), "ENTRYPOINT");
    assert!(
        entrypoint[0].ends_with("/ec2-mock"),
        "the entrypoint runs the binary directly, as PID 1: {entrypoint:?}"
    );
    let cmd_args = stage
        .iter()
        .rev()
        .find(|(k, _)| k == "CMD")
        .map(|(_, a)| exec_form(a, "CMD"))
        .unwrap_or_default();
    let mut env = env_vars(&stage);
    assert_eq!(
        env.get("EC2_MOCK_HOST").map(String::as_str),
        Some("0.0.0.0"),
        "reachable through -p"
    );
    let image_port = env
        .get("EC2_MOCK_PORT")
        .cloned()
        .expect("ENV EC2_MOCK_PORT");
    assert_eq!(
        instruction(&stage, "EXPOSE").trim(),
        image_port,
        "EXPOSE names the port the server listens on"
    );
    let stop_signal = instruction(&stage, "STOPSIGNAL").trim().to_owned();
    let (check, check_timeout) = healthcheck(instruction(&stage, "HEALTHCHECK"));

    let port = free_port();
    env.insert("EC2_MOCK_PORT".to_owned(), port.to_string());

    // The container's environment is the image's ENV (and PATH), nothing from this one.
    let mut server = Command::new(BIN);
    server
        .args(&entrypoint[1..])
        .args(&cmd_args)
        .env_clear()
        .envs(&env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let mut child = server.spawn().expect("spawn the entrypoint");
    let stdout = child.stdout.take().expect("piped stdout");
    let endpoint = tokio::time::timeout(
        Duration::from_secs(30),
        BufReader::new(stdout).lines().next_line(),
    )
    .await
    .expect("the endpoint line within 30s")
    .expect("read stdout")
    .expect("an endpoint line");
    assert_eq!(endpoint, format!("http://0.0.0.0:{port}"));

    assert!(
        healthy(&check, check_timeout, &env).await,
        "the HEALTHCHECK command reports unhealthy: {check:?}"
    );

    let resp = reqwest::get(format!(
        "http://127.0.0.1:{port}/?Action=DescribeVpcs&Version=2016-11-15"
    ))
    .await
    .expect("an EC2 request");
    assert_eq!(resp.status(), 200);
    let doc = Node::parse(&resp.text().await.expect("body"));
    assert_eq!(doc.items("vpcSet").len(), 1, "{doc:?}");

    // `docker stop`: the stop signal, then SIGKILL after a grace period; a clean exit well
    // inside it is what keeps `docker stop` (and CI teardown) fast.
    let pid = child.id().expect("running");
    let signal = stop_signal.trim_start_matches("SIG");
    let sent = std::process::Command::new("kill")
        .args([format!("-{signal}"), pid.to_string()])
        .status()
        .expect("run kill");
    assert!(sent.success());
    let started = Instant::now();
    let exit = tokio::time::timeout(Duration::from_secs(2), child.wait())
        .await
        .unwrap_or_else(|_| panic!("no exit within 2s of SIG{signal}"))
        .expect("wait");
    assert!(exit.success(), "exit after SIG{signal}: {exit:?}");
    assert!(started.elapsed() < Duration::from_secs(2));

    // And the check does check: with the server gone it fails.
    assert!(
        !healthy(&check, check_timeout, &env).await,
        "the HEALTHCHECK passes with no server"
    );
}

#[test]
fn the_dockerfile_parser_reads_continuations_and_stages() {
    let stage = runtime_stage(
        "FROM rust AS builder\nENV A=1\n# comment\nFROM debian\nENV B=2 \\\n    C=\"3\"\n\
         HEALTHCHECK --timeout=4s \\\n  CMD [\"true\"]\nENTRYPOINT [\"/bin/x\", \"--y\"]\n",
    );
    let env = env_vars(&stage);
    assert_eq!(
        env.into_iter().collect::<Vec<_>>(),
        [("B".into(), "2".into()), ("C".into(), "3".into())]
    );
    let (check, timeout) = healthcheck(instruction(&stage, "HEALTHCHECK"));
    assert_eq!(check, ["true"]);
    assert_eq!(timeout, Duration::from_secs(4));
    assert_eq!(
        exec_form(instruction(&stage, "ENTRYPOINT"), "ENTRYPOINT"),
        ["/bin/x", "--y"]
    );
}

/// The builder stage compiles the dependencies against placeholder sources before copying the
/// real ones, and cargo refuses a manifest whose `[[bench]]` file is missing: a bench added
/// to Cargo.toml without its placeholder breaks `docker build`, which no other test runs.
#[test]
fn every_bench_target_has_a_placeholder_in_the_builder_stage() {
    let dockerfile = std::fs::read_to_string(DOCKERFILE).expect("read the Dockerfile");
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .expect("read Cargo.toml");
    let mut in_bench = false;
    let mut benches = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bench = line == "[[bench]]";
        } else if let Some(name) = line.strip_prefix("name").filter(|_| in_bench) {
            benches.push(
                name.trim_start_matches([' ', '='])
                    .trim_matches('"')
                    .to_owned(),
            );
        }
    }
    assert!(!benches.is_empty(), "no [[bench]] in Cargo.toml?");
    for bench in benches {
        assert!(
            dockerfile.contains(&format!("> benches/{bench}.rs")),
            "the Dockerfile's dependency step creates no placeholder benches/{bench}.rs"
        );
    }
}
