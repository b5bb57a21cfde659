//! Running an `ec2-mock` binary as a child process with a clean environment: the endpoint it
//! prints first, its stderr, its exit after a signal.

use std::path::Path;
use std::process::{ExitStatus, Output, Stdio};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

/// The debug binary cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_ec2-mock");

/// `bin` with no variable from the test's environment: every `EC2_MOCK_*` the server or the
/// health check would read comes from the test alone.
pub fn command(bin: &Path) -> Command {
    let mut cmd = Command::new(bin);
    cmd.env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

/// Runs `bin` to completion (the health check, a refused start) within 30 seconds.
pub async fn output(bin: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = command(bin);
    cmd.args(args).envs(env.iter().copied());
    tokio::time::timeout(Duration::from_secs(30), cmd.output())
        .await
        .unwrap_or_else(|_| panic!("{} {args:?} did not finish within 30s", bin.display()))
        .expect("run the binary")
}

/// A server child and the endpoint URL it printed first.
pub struct Running {
    pub child: Child,
    pub endpoint: String,
}

impl Running {
    pub async fn spawn(mut cmd: Command) -> Running {
        let mut child = cmd.spawn().expect("spawn ec2-mock");
        let stdout = child.stdout.take().expect("piped stdout");
        let first = tokio::time::timeout(
            Duration::from_secs(30),
            BufReader::new(stdout).lines().next_line(),
        )
        .await
        .expect("ec2-mock printed nothing within 30s")
        .expect("read stdout");
        let Some(endpoint) = first else {
            let mut stderr = String::new();
            if let Some(mut err) = child.stderr.take() {
                let _ = err.read_to_string(&mut stderr).await;
            }
            panic!("ec2-mock exited without printing its endpoint: {stderr}");
        };
        Running { child, endpoint }
    }

    /// The port of the printed endpoint.
    pub fn port(&self) -> u16 {
        let (_, port) = self.endpoint.rsplit_once(':').expect("http://HOST:PORT");
        port.parse().expect("a port number")
    }

    /// Sends `signal` (`TERM`, `INT`) and waits for the exit, at most 10 seconds.
    pub async fn stop(mut self, signal: &str) -> (ExitStatus, String) {
        let pid = self.child.id().expect("still running");
        let sent = std::process::Command::new("kill")
            .args([format!("-{signal}"), pid.to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -{signal} {pid}");
        let status = tokio::time::timeout(Duration::from_secs(10), self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("no exit within 10s of SIG{signal}"))
            .expect("wait");
        let mut stderr = String::new();
        if let Some(mut err) = self.child.stderr.take() {
            err.read_to_string(&mut stderr).await.expect("read stderr");
        }
        (status, stderr)
    }
}
