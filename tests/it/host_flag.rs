//! `--host` is an IP address (or `localhost`, meaning 127.0.0.1), never a name to resolve:
//! binding never goes through getaddrinfo, so the static binary needs no NSS.

use std::path::Path;

use crate::process::{command, output, Running, BIN};

#[tokio::test]
async fn localhost_means_127_0_0_1() {
    for host in ["localhost", "127.0.0.1", "[127.0.0.1]"] {
        let mut cmd = command(Path::new(BIN));
        cmd.args(["--port", "0"]).env("EC2_MOCK_HOST", host);
        let server = Running::spawn(cmd).await;
        let port = server.port();
        assert_eq!(
            server.endpoint,
            format!("http://127.0.0.1:{port}"),
            "{host}"
        );
        let (status, stderr) = server.stop("TERM").await;
        assert!(status.success(), "{stderr}");
    }
}

#[tokio::test]
async fn a_host_name_is_refused_before_anything_starts() {
    for (args, env) in [
        (&["--port", "0", "--host", "example.com"][..], &[][..]),
        (
            &["--port", "0"][..],
            &[("EC2_MOCK_HOST", "example.com")][..],
        ),
        (&["healthcheck", "--host", "example.com"][..], &[][..]),
    ] {
        let out = output(Path::new(BIN), args, env).await;
        assert_eq!(out.status.code(), Some(2), "{args:?} {env:?}: {out:?}");
        assert!(out.stdout.is_empty(), "no endpoint printed: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("`example.com` is not an IP address")
                && stderr.contains("does not resolve host names"),
            "{stderr}"
        );
    }
}
