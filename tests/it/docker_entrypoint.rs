//! The Docker image's contract, without Docker: read the Dockerfile's runtime stage (FROM,
//! COPY, USER, WORKDIR, ENV, LABEL, ENTRYPOINT, CMD, EXPOSE, HEALTHCHECK, STOPSIGNAL), run the
//! static binary (the image's only file) exactly as that entrypoint would with that
//! environment, run the HEALTHCHECK command itself, make an EC2 request, then stop it with the
//! stop signal as `docker stop` does. And check that the build stage has everything the build
//! needs: a placeholder for every bench target, every file the binary embeds.
//!
//! Reading the Dockerfile rather than repeating its values here means a change to it (a new
//! flag, a moved health endpoint, another port variable) is tested as written. Only
//! EC2_MOCK_PORT is overridden, with a free port, so parallel runs do not clash; the
//! HEALTHCHECK follows it because it reads the same variable. `.ci/run` builds and runs the
//! real image where a Docker engine can run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::support::Node;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const DOCKERFILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/Dockerfile");

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(path))
        .unwrap_or_else(|e| panic!("read {path}: {e}"))
}

/// A stage: the arguments of its `FROM` and its instructions.
struct Stage {
    from: String,
    instructions: Vec<(String, String)>,
}

/// Every stage of a Dockerfile, its instructions as (keyword, arguments) with continuation
/// lines joined and comments dropped. Instructions before the first FROM (global ARGs) are
/// dropped.
fn stages(dockerfile: &str) -> Vec<Stage> {
    let mut stages: Vec<Stage> = Vec::new();
    for (keyword, args) in instructions(dockerfile) {
        if keyword == "FROM" {
            stages.push(Stage {
                from: args,
                instructions: Vec::new(),
            });
        } else if let Some(stage) = stages.last_mut() {
            stage.instructions.push((keyword, args));
        }
    }
    stages
}

/// The stage named `name` (`FROM image AS name`).
fn named<'a>(stages: &'a [Stage], name: &str) -> &'a Stage {
    stages
        .iter()
        .find(|s| {
            let words: Vec<&str> = s.from.split_whitespace().collect();
            words.len() == 3 && words[1].eq_ignore_ascii_case("as") && words[2] == name
        })
        .unwrap_or_else(|| panic!("no stage named {name}"))
}

fn instructions(dockerfile: &str) -> Vec<(String, String)> {
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
    instructions
}

/// The instructions of the Dockerfile's last stage, the image it builds.
fn runtime_stage(dockerfile: &str) -> Vec<(String, String)> {
    stages(dockerfile)
        .pop()
        .expect("a FROM instruction")
        .instructions
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

/// `KEY=value KEY="a value"` pairs (ENV, LABEL), quotes removed.
fn key_values(args: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut rest = args.trim();
    while !rest.is_empty() {
        let (key, after) = rest
            .split_once('=')
            .unwrap_or_else(|| panic!("KEY=value form expected: {args}"));
        let (value, after) = match after.strip_prefix('"') {
            Some(quoted) => quoted
                .split_once('"')
                .unwrap_or_else(|| panic!("unclosed quote: {args}")),
            None => after.split_once(char::is_whitespace).unwrap_or((after, "")),
        };
        pairs.push((key.trim().to_owned(), value.to_owned()));
        rest = after.trim_start();
    }
    pairs
}

/// Every `ENV` (or `LABEL`) of the stage.
fn pairs_of(stage: &[(String, String)], keyword: &str) -> BTreeMap<String, String> {
    stage
        .iter()
        .filter(|(k, _)| k == keyword)
        .flat_map(|(_, args)| key_values(args))
        .collect()
}

fn env_vars(stage: &[(String, String)]) -> BTreeMap<String, String> {
    pairs_of(stage, "ENV")
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

/// Runs the health check as Docker would inside the container: the container's environment
/// (an empty image has no PATH to add), bounded by the check's own timeout. `program` stands
/// for the image's binary. True when it reports healthy (exit 0).
async fn healthy(
    program: &Path,
    args: &[String],
    timeout: Duration,
    env: &BTreeMap<String, String>,
) -> bool {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .env_clear()
        .envs(env)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
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

/// The runtime stage is an empty base with the binary and nothing else, owned by a numeric,
/// non-root user who can write /data, and labelled with what the package says.
#[test]
fn the_image_is_the_binary_on_an_empty_base() {
    let all = stages(&read("Dockerfile"));
    let runtime = all.last().expect("a stage");
    assert!(
        runtime.from == "scratch" || runtime.from.starts_with("gcr.io/distroless/static"),
        "the runtime stage is FROM {}",
        runtime.from
    );
    let stage = &runtime.instructions;
    let entrypoint = exec_form(instruction(stage, "ENTRYPOINT"), "ENTRYPOINT");
    for keyword in ["RUN", "ADD"] {
        assert!(
            !stage.iter().any(|(k, _)| k == keyword),
            "{keyword} in the runtime stage: nothing but the binary goes in"
        );
    }
    let copies: Vec<&str> = stage
        .iter()
        .filter(|(k, _)| k == "COPY")
        .map(|(_, a)| a.as_str())
        .collect();
    assert_eq!(
        copies,
        [format!("--from=binary {0} {0}", entrypoint[0]).as_str()],
        "the runtime stage copies the binary, and only it, to the entrypoint's path"
    );
    // The stage it copies from holds the static binary under that path in both modes.
    for name in ["source", "prebuilt"] {
        let stage = named(&all, name);
        let produced = stage
            .instructions
            .iter()
            .any(|(_, a)| a.split_whitespace().last() == Some(&entrypoint[0]));
        assert!(produced, "stage {name} puts no binary at {}", entrypoint[0]);
    }

    let user = instruction(stage, "USER");
    let ids: Vec<u32> = user
        .split(':')
        .map(|id| {
            id.parse()
                .unwrap_or_else(|_| panic!("USER {user} is not numeric"))
        })
        .collect();
    assert!(ids.iter().all(|&id| id != 0), "USER {user} is root");
    // WORKDIR creates a missing directory owned by the USER in force.
    let position = |keyword: &str| stage.iter().position(|(k, _)| k == keyword);
    assert_eq!(instruction(stage, "WORKDIR"), "/data");
    assert!(
        position("USER") < position("WORKDIR"),
        "USER must come before WORKDIR /data, or root owns /data"
    );

    let labels = pairs_of(stage, "LABEL");
    let label = |key: &str| {
        labels
            .get(&format!("org.opencontainers.image.{key}"))
            .map(String::as_str)
            .unwrap_or_else(|| panic!("no org.opencontainers.image.{key} label"))
    };
    assert_eq!(label("version"), env!("CARGO_PKG_VERSION"));
    assert_eq!(label("licenses"), env!("CARGO_PKG_LICENSE"));
    assert_eq!(label("source"), env!("CARGO_PKG_REPOSITORY"));

    let (check, _) = healthcheck(instruction(stage, "HEALTHCHECK"));
    assert_eq!(
        check,
        [entrypoint[0].as_str(), "healthcheck"],
        "the image checks itself with its own binary"
    );
}

#[tokio::test]
async fn the_binary_runs_as_the_dockerfile_entrypoint() {
    let dockerfile = std::fs::read_to_string(DOCKERFILE).expect("read the Dockerfile");
    let stage = runtime_stage(&dockerfile);
    // The image's only file: the static binary.
    let binary = crate::static_binary::path();

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
    assert_eq!(check[0], entrypoint[0], "the image has no other program");

    let port = free_port();
    env.insert("EC2_MOCK_PORT".to_owned(), port.to_string());

    // The container's environment is the image's ENV, nothing from this one.
    let mut server = Command::new(binary);
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
        healthy(binary, &check[1..], check_timeout, &env).await,
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
        !healthy(binary, &check[1..], check_timeout, &env).await,
        "the HEALTHCHECK passes with no server"
    );
}

#[test]
fn the_dockerfile_parser_reads_continuations_and_stages() {
    let text = "ARG X=1\nFROM rust AS builder\nENV A=1\n# comment\nFROM debian\nENV B=2 \\\n    C=\"3 4\"\n\
                HEALTHCHECK --timeout=4s \\\n  CMD [\"true\"]\nENTRYPOINT [\"/bin/x\", \"--y\"]\n";
    let all = stages(text);
    assert_eq!(all.len(), 2);
    assert_eq!(named(&all, "builder").instructions.len(), 1);
    let stage = runtime_stage(text);
    let env = env_vars(&stage);
    assert_eq!(
        env.into_iter().collect::<Vec<_>>(),
        [("B".into(), "2".into()), ("C".into(), "3 4".into())]
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
    let dockerfile = read("Dockerfile");
    let manifest = read("Cargo.toml");
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

/// Every file the library and binary embed (`include_str!`/`include_bytes!` outside test
/// code), relative to the repository.
fn embedded_files() -> Vec<String> {
    let mut files = Vec::new();
    let mut dirs = vec![PathBuf::from(ROOT).join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src/") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read a source file");
            // Test modules come last in a file; what they embed is not built into the binary.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for piece in code.split("include_").skip(1) {
                let Some(arg) = piece
                    .strip_prefix("str!(\"")
                    .or_else(|| piece.strip_prefix("bytes!(\""))
                else {
                    continue;
                };
                let relative = arg.split('"').next().unwrap_or_default();
                let mut full = path.parent().expect("a parent").to_path_buf();
                for part in Path::new(relative).components() {
                    match part {
                        std::path::Component::ParentDir => {
                            full.pop();
                        }
                        other => full.push(other),
                    }
                }
                let repo_path = full
                    .strip_prefix(ROOT)
                    .unwrap_or_else(|_| {
                        panic!(
                            "{} embeds {relative}, outside the repository",
                            path.display()
                        )
                    })
                    .to_string_lossy()
                    .into_owned();
                files.push(repo_path);
            }
        }
    }
    files.sort();
    files
}

/// Whether `path` is inside `dir` or is it.
fn covers(dir: &str, path: &str) -> bool {
    let dir = dir.trim_start_matches("./").trim_end_matches('/');
    path == dir || path.starts_with(&format!("{dir}/"))
}

/// A build from source has every file the binary embeds, and only files that exist: each is
/// let through `.dockerignore` (an allowlist), copied by the `source` stage, and listed in the
/// package's `include` (so `cargo install` builds too). A COPY of a file that is gone fails
/// `docker build`, which no other test runs.
#[test]
fn the_build_context_and_the_package_carry_every_embedded_file() {
    let embedded = embedded_files();
    assert!(
        embedded.iter().any(|f| f.starts_with("src/")),
        "embedded files found: {embedded:?}"
    );
    let allowed: Vec<String> = read(".dockerignore")
        .lines()
        .filter_map(|l| l.trim().strip_prefix('!'))
        .map(str::to_owned)
        .collect();
    let all = stages(&read("Dockerfile"));
    let copied: Vec<String> = named(&all, "source")
        .instructions
        .iter()
        .filter(|(k, a)| k == "COPY" && !a.starts_with("--from"))
        .flat_map(|(_, a)| {
            let words: Vec<&str> = a.split_whitespace().collect();
            words[..words.len() - 1]
                .iter()
                .map(|w| (*w).to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    for source in &copied {
        assert!(
            Path::new(ROOT).join(source).exists(),
            "the source stage copies {source}, which does not exist"
        );
        assert!(
            allowed.iter().any(|a| covers(a, source)),
            "the source stage copies {source}, which .dockerignore keeps out"
        );
    }
    let manifest = read("Cargo.toml");
    let include: Vec<String> = manifest
        .split("include = [")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .expect("an include list in Cargo.toml")
        .split(',')
        .map(|p| {
            p.trim()
                .trim_matches('"')
                .trim_start_matches('/')
                .to_owned()
        })
        .filter(|p| !p.is_empty())
        .collect();
    for file in &embedded {
        assert!(
            copied.iter().any(|c| covers(c, file)),
            "the Dockerfile's source stage does not copy {file}, which the binary embeds"
        );
        let packaged = include.iter().any(|p| match p.strip_suffix("/**") {
            Some(dir) => covers(dir, file),
            None => p == file,
        });
        assert!(packaged, "Cargo.toml's include list leaves out {file}");
    }
}
