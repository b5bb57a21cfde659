//! `ec2-mock healthcheck`: the image's HEALTHCHECK, with no shell or curl. It finds the server
//! by the same --host/--port flags and EC2_MOCK_HOST/EC2_MOCK_PORT variables the server reads
//! (a flag wins over its variable), reaches a 0.0.0.0 server on 127.0.0.1, and is healthy
//! only when ec2-mock's own health document answers.

use std::path::Path;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::process::{command, output, Running, BIN};

/// A port nothing listens on (bound, then released).
fn closed_port() -> String {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
        .to_string()
}

async fn check(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let out = output(Path::new(BIN), args, env).await;
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn the_check_finds_the_server_by_its_flags_and_variables() {
    // As in the image: listening on every interface.
    let mut cmd = command(Path::new(BIN));
    cmd.args(["--host", "0.0.0.0", "--port", "0"]);
    let server = Running::spawn(cmd).await;
    let port = server.port().to_string();
    let closed = closed_port();

    let (code, stdout, stderr) = check(&["healthcheck", "--port", &port], &[]).await;
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout.trim(), format!("healthy: http://127.0.0.1:{port}"));

    // The image's environment, as the HEALTHCHECK sees it.
    let image = [
        ("EC2_MOCK_HOST", "0.0.0.0"),
        ("EC2_MOCK_PORT", port.as_str()),
    ];
    let (code, stdout, stderr) = check(&["healthcheck"], &image).await;
    assert_eq!(code, Some(0), "{stdout}{stderr}");

    // A flag wins over its variable, both ways.
    let wrong_env = [("EC2_MOCK_PORT", closed.as_str())];
    let (code, _, stderr) = check(&["healthcheck", "--port", &port], &wrong_env).await;
    assert_eq!(code, Some(0), "{stderr}");
    let (code, _, stderr) = check(&["healthcheck", "--port", &closed], &image).await;
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("http://127.0.0.1:{closed} unhealthy")),
        "{stderr}"
    );

    // The flags may also come before the command, as for the server.
    let (code, _, stderr) = check(&["--port", &port, "healthcheck"], &[]).await;
    assert_eq!(code, Some(0), "{stderr}");

    let (status, stderr) = server.stop("TERM").await;
    assert!(status.success(), "{stderr}");
    let (code, _, stderr) = check(&["healthcheck"], &image).await;
    assert_eq!(code, Some(1), "no server any more: {stderr}");
    assert!(stderr.contains("cannot connect"), "{stderr}");
}

/// Something else on the port is not a healthy ec2-mock, whatever it answers.
#[tokio::test]
async fn another_server_on_the_port_is_unhealthy() {
    for (reply, why) in [
        (
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
            "not ec2-mock's health document",
        ),
        (
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            "status line `HTTP/1.1 404 Not Found`",
        ),
    ] {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port().to_string();
        let answer = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.expect("accept");
            // The whole request, then the reply: the check must not meet a closed socket.
            let mut request = Vec::new();
            let mut chunk = [0; 1024];
            while !request.ends_with(b"\r\n\r\n") {
                let n = socket.read(&mut chunk).await.expect("read the request");
                assert!(n > 0, "the request ended early: {request:?}");
                request.extend_from_slice(&chunk[..n]);
            }
            socket.write_all(reply.as_bytes()).await.expect("reply");
            String::from_utf8_lossy(&request).into_owned()
        });
        let (code, _, stderr) = check(&["healthcheck", "--port", &port], &[]).await;
        assert_eq!(code, Some(1), "{reply:?} counted as healthy");
        assert!(stderr.contains(why), "{stderr}");
        let request = answer.await.expect("the fake server");
        assert!(
            request.starts_with("GET /_ec2-mock/health HTTP/1.1\r\n"),
            "{request}"
        );
    }
}

#[tokio::test]
async fn port_zero_cannot_be_checked() {
    let (code, _, stderr) = check(&["healthcheck", "--port", "0"], &[]).await;
    assert_eq!(code, Some(1));
    assert!(stderr.contains("port 0"), "{stderr}");
}
