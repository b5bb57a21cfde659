//! Safe as a shared endpoint: each hole of issue 15 as the reproduction that found it. Input
//! that XML cannot carry never reaches a reply or a state file; slow, idle and surplus
//! connections are closed or refused; the state file's temporary follows no symlink; the
//! admin endpoints refuse rebinding, cross-site forms and strangers; what the HTTP layer
//! refuses is an EC2 error document. (Duplicate keys under a signature: `auth.rs`.)
//!
//! No assertion here is about how long anything took: a timeout is shown by the connection
//! ending at all, with a generous bound only so a regression fails instead of hanging.

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use ec2_mock::Config;
use proptest::prelude::*;
use quick_xml::events::Event;
use quick_xml::Reader;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::persistence::{Binary, TempDir};
use crate::support::{Node, Reply, Server};

/// The XML 1.0 `Char` production.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= '\u{20}' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// Asserts `xml` is well-formed XML 1.0, as a strict parser (expat, boto3's) sees it: the
/// structure parses, and no character, raw or as a reference, is outside `Char`.
pub fn assert_well_formed(xml: &str) {
    assert!(
        xml.chars().all(is_xml_char),
        "raw character XML cannot carry: {xml:?}"
    );
    let mut reader = Reader::from_str(xml);
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Text(t)) => {
                let text = t
                    .unescape()
                    .unwrap_or_else(|e| panic!("bad escape ({e}): {xml:?}"));
                assert!(
                    text.chars().all(is_xml_char),
                    "reference to a non-Char: {xml:?}"
                );
            }
            Ok(_) => {}
            Err(e) => panic!("malformed ({e}): {xml:?}"),
        }
    }
    assert_eq!(depth, 0, "unclosed elements: {xml:?}");
}

/// Hole 1: one control character in a tag value made every later DescribeVpcs, DescribeTags
/// and DescribeNetworkInterfaces of the account malformed XML. Now the value is refused,
/// naming the parameter, and the account's replies stay well-formed.
#[tokio::test]
async fn one_tag_cannot_poison_an_account() {
    let server = Server::start().await;
    let vpc = server.call("DescribeVpcs", &[]).await.ok().text("vpcId");
    // Exactly the issue's curl reproduction: `-d 'Tag.1.Value=a%01b'`.
    let body = format!(
        "Action=CreateTags&Version=2016-11-15&ResourceId.1={vpc}&Tag.1.Key=k&Tag.1.Value=a%01b"
    );
    let r = server.post_raw(&body, &[]).await;
    let message = r.err400("InvalidParameterValue");
    assert!(
        message.contains("Tag.1.Value") && message.contains("U+0001"),
        "{message}"
    );
    assert_well_formed(&r.body);

    let poisoned = [
        "a\u{1}b",
        "\u{0}",
        "x\u{1B}[2J",
        "\u{FFFE}",
        "\u{FFFF}",
        "\u{8}",
    ];
    for bad in poisoned {
        for (action, params) in [
            (
                "CreateTags",
                vec![("ResourceId.1", vpc.as_str()), ("Tag.1.Key", bad)],
            ),
            (
                "CreateSecurityGroup",
                vec![("GroupName", "g"), ("GroupDescription", bad)],
            ),
            (
                "CreateVpc",
                vec![
                    ("CidrBlock", "10.0.0.0/16"),
                    ("TagSpecification.1.ResourceType", "vpc"),
                    ("TagSpecification.1.Tag.1.Key", "Name"),
                    ("TagSpecification.1.Tag.1.Value", bad),
                ],
            ),
            // Errors echo their input: an unknown action, an unknown ID, an unknown parameter.
            (bad, vec![]),
            ("DescribeVpcs", vec![("VpcId.1", bad)]),
            ("DescribeVpcs", vec![(bad, "1")]),
        ] {
            let r = server.call(action, &params).await;
            r.err400("InvalidParameterValue");
            assert_well_formed(&r.body);
        }
    }
    // Tab, LF and CR are values like any other, and come back exactly as set.
    server
        .call(
            "CreateTags",
            &[
                ("ResourceId.1", &vpc),
                ("Tag.1.Key", "k"),
                ("Tag.1.Value", "a\tb\nc\rd"),
            ],
        )
        .await
        .ok();
    for action in [
        "DescribeVpcs",
        "DescribeTags",
        "DescribeNetworkInterfaces",
        "DescribeSecurityGroups",
        "DescribeSubnets",
    ] {
        let r = server.call(action, &[]).await;
        r.ok();
        assert_well_formed(&r.body);
    }
    let tags = server.call("DescribeTags", &[]).await;
    assert!(tags.body.contains("a\tb\nc&#13;d"), "{}", tags.body);
    assert_eq!(tags.ok().find("value").unwrap().text, "a\tb\nc\rd");
}

/// Hole 1, the state file: a file is another way in, and is refused naming the entry.
#[tokio::test]
async fn a_state_file_holding_a_control_character_does_not_load() {
    let dir = TempDir::new("poisoned-state");
    let path = dir.join("state.json");
    std::fs::write(
        &path,
        r#"{"accounts":{"123456789012":{"regions":{"us-east-1":{"vpcs":[{"cidrBlock":"10.0.0.0/16","tags":{"k":"a\u0001b"}}]}}}}}"#,
    )
    .unwrap();
    let error = ec2_mock::state::StateFile::open(&path).unwrap_err();
    assert_eq!(
        error.entry,
        "accounts[123456789012].regions[us-east-1].vpcs[0].tags[k]"
    );
    let error = ec2_mock::state::read_init(&path).unwrap_err();
    assert!(error.message.contains("U+0001"), "{error}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whatever a client puts in a tag value, a description or a group name, every reply
    /// (the create's, and the Describes of everything after it) is well-formed XML.
    #[test]
    fn every_reply_stays_well_formed_xml(
        value in any::<String>(),
        description in any::<String>(),
        key in "[ -~\u{0}-\u{1F}\u{FFFE}\u{FFFF}]{1,12}",
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let server = Server::start().await;
            let vpc = server.call("DescribeVpcs", &[]).await.ok().text("vpcId");
            let subnet = server.call("DescribeSubnets", &[]).await.ok().text("subnetId");
            let replies: Vec<Reply> = vec![
                server.call("CreateTags", &[("ResourceId.1", &vpc), ("Tag.1.Key", &key), ("Tag.1.Value", &value)]).await,
                server.call("CreateSecurityGroup", &[("GroupName", &value), ("GroupDescription", &description)]).await,
                server.call("CreateNetworkInterface", &[("SubnetId", &subnet), ("Description", &description)]).await,
                server.call("DescribeVpcs", &[("VpcId.1", &value)]).await,
                server.call(&value, &[]).await,
                server.call("DescribeVpcs", &[]).await,
                server.call("DescribeTags", &[]).await,
                server.call("DescribeNetworkInterfaces", &[]).await,
                server.call("DescribeSecurityGroups", &[]).await,
            ];
            for reply in &replies {
                assert_well_formed(&reply.body);
            }
        });
    }
}

/// Sends `request` on a fresh connection and reads the reply until the server closes it:
/// (status, head in lowercase, body).
async fn raw(endpoint: &str, request: &[u8]) -> (u16, String, String) {
    let addr = endpoint.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).await.unwrap();
    // A refusal may close before the whole request is read; what was answered still counts.
    let _ = stream.write_all(request).await;
    let mut reply = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), async {
        let mut buf = [0u8; 8192];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => reply.extend_from_slice(&buf[..n]),
            }
        }
    });
    read.await
        .expect("the server neither answered nor closed within 30 s");
    let text = String::from_utf8_lossy(&reply).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head.to_ascii_lowercase(), body.to_owned())
}

fn ec2_error(status: u16, head: &str, body: &str) -> String {
    assert!(
        head.contains("\r\nx-amzn-requestid: "),
        "no request ID: {head}"
    );
    assert!(head.contains("content-type: text/xml"), "{head}");
    assert_well_formed(body);
    let doc = Node::parse(body);
    assert_eq!(doc.name, "Response", "{status}: {body}");
    doc.find("Code").unwrap().text.clone()
}

/// Hole 7: refusals of the HTTP layer were empty bodies without a request ID, and wrong
/// methods and versions were served as normal calls.
#[tokio::test]
async fn http_layer_refusals_are_ec2_error_documents() {
    let server = Server::start().await;
    let e = &server.endpoint;
    let long = format!(
        "GET /?Action=DescribeVpcs&X={} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    let (status, head, body) = raw(e, long.as_bytes()).await;
    assert_eq!(
        (status, ec2_error(status, &head, &body).as_str()),
        (414, "RequestURITooLong")
    );

    let huge = format!(
        "GET /?X={} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(1024 * 1024)
    );
    let (status, head, body) = raw(e, huge.as_bytes()).await;
    assert!(status == 431 || status == 414, "{status}");
    ec2_error(status, &head, &body);

    let mut many = String::from("GET /?Action=DescribeVpcs HTTP/1.1\r\nHost: x\r\n");
    for i in 0..101 {
        many.push_str(&format!("X-H{i}: v\r\n"));
    }
    many.push_str("\r\n");
    let (status, head, body) = raw(e, many.as_bytes()).await;
    assert_eq!(
        (status, ec2_error(status, &head, &body).as_str()),
        (431, "RequestHeaderFieldsTooLarge")
    );

    for malformed in [
        "GARBAGE\r\n\r\n",
        "GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nAction",
    ] {
        let (status, head, body) = raw(e, malformed.as_bytes()).await;
        assert_eq!(status, 400, "{malformed:?}: {head}");
        assert_eq!(ec2_error(status, &head, &body), "MalformedHTTPRequest");
    }

    let client = reqwest::Client::new();
    for method in ["PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"] {
        let r = client
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{e}/?Action=CreateVpc&CidrBlock=10.0.0.0/16"),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 405, "{method}");
        assert_eq!(r.headers()["allow"], "GET, POST");
        assert!(r.headers().contains_key("x-amzn-requestid"));
        if method != "HEAD" {
            let body = r.text().await.unwrap();
            assert_eq!(
                Node::parse(&body).find("Code").unwrap().text,
                "MethodNotAllowed"
            );
        }
    }
    // None of those made a VPC.
    assert_eq!(
        server
            .call("DescribeVpcs", &[])
            .await
            .ok()
            .all("vpcId")
            .len(),
        1
    );
    // The admin prefix keeps its JSON errors.
    let r = client
        .put(format!("{e}/_ec2-mock/state"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 405);
    assert_eq!(r.headers()["content-type"], "application/json");

    // A Version EC2 does not have is refused as EC2 refuses it; a missing one is served.
    for version in ["1999-01-01", "2010-03-31", "garbage", ""] {
        let r = server
            .get(&format!("Action=DescribeVpcs&Version={version}"))
            .await;
        let message = r.err400("NoSuchVersion");
        assert!(message.contains(&format!("({version})")), "{message}");
    }
    server.get("Action=DescribeVpcs").await.ok();
    server
        .get("Action=DescribeVpcs&Version=2016-11-15")
        .await
        .ok();
}

/// Hole 2: a client that stopped halfway through its headers kept its connection forever.
/// With a one-second header timeout, the server closes it; a body that stops halfway is
/// answered 408 `RequestTimeout`.
#[tokio::test]
async fn slow_clients_are_disconnected_after_the_timeout() {
    let mut config = Config::new("123456789012", "us-east-1", 42).unwrap();
    config.limits.header_timeout = Duration::from_secs(1);
    config.limits.body_timeout = Duration::from_secs(1);
    let server = Server::with_config(config).await;
    let (status, _, body) = raw(
        &server.endpoint,
        b"GET /?Action=DescribeVpcs HTTP/1.1\r\nHost: x\r\nX-Slow: ",
    )
    .await;
    assert_eq!((status, body.as_str()), (0, ""), "closed without an answer");
    // Nothing sent at all is the same.
    let (status, _, _) = raw(&server.endpoint, b"").await;
    assert_eq!(status, 0);

    let (status, head, body) = raw(
        &server.endpoint,
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nAction=Desc",
    )
    .await;
    assert_eq!(
        (status, ec2_error(status, &head, &body).as_str()),
        (408, "RequestTimeout")
    );
    assert!(head.contains("connection: close"), "{head}");
}

/// Hole 3: no idle timeout and no connection cap. An idle keep-alive connection is closed
/// after the idle timeout, and one connection over the cap is answered 503 `Unavailable`
/// (which the SDKs retry) at once instead of waiting in the backlog.
#[tokio::test]
async fn idle_connections_are_closed_and_the_cap_answers_503() {
    let mut config = Config::new("123456789012", "us-east-1", 42).unwrap();
    config.limits.idle_timeout = Duration::from_secs(1);
    config.limits.max_connections = 2;
    let server = Server::with_config(config).await;
    let addr = server.endpoint.trim_start_matches("http://").to_owned();

    // A keep-alive request, answered, then nothing: the server closes the connection.
    let mut kept = TcpStream::connect(&addr).await.unwrap();
    kept.write_all(b"GET /?Action=DescribeRegions HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut got = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(30), kept.read_to_end(&mut got)).await;
    assert!(closed.is_ok(), "idle keep-alive connection never closed");
    assert!(String::from_utf8_lossy(&got).starts_with("HTTP/1.1 200"));

    // Two connections hold both slots (each waiting for its request head)...
    let _a = TcpStream::connect(&addr).await.unwrap();
    let _b = TcpStream::connect(&addr).await.unwrap();
    // ...so the third is refused, as an EC2 document.
    let (status, head, body) = raw(
        &server.endpoint,
        b"GET /?Action=DescribeVpcs HTTP/1.1\r\nHost: x\r\n\r\n",
    )
    .await;
    assert_eq!(
        (status, ec2_error(status, &head, &body).as_str()),
        (503, "Unavailable")
    );
    drop((_a, _b));
    // Once they are gone, requests are served again.
    let mut served = false;
    for _ in 0..100 {
        if server.get("Action=DescribeVpcs").await.status == 200 {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(served);
}

/// Hole 4: the state file's temporary followed a symlink planted at `PATH.tmp` (its target
/// was overwritten), and the state file was world-readable.
#[tokio::test]
async fn the_state_files_temporary_follows_no_symlink_and_is_private() {
    let dir = TempDir::new("tmp-symlink");
    let path = dir.join("state.json");
    let tmp = dir.join("state.json.tmp");
    let victim = dir.join("victim");
    std::fs::write(&victim, "precious").unwrap();
    std::os::unix::fs::symlink(&victim, &tmp).unwrap();
    let path_arg = path.to_str().unwrap().to_owned();
    let server = Binary::start(&["--port", "0", "--state-file", &path_arg, "--seed", "1"]).await;
    // Planted again after startup, before the first write.
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(&victim, &tmp).unwrap();
    server
        .ok("CreateVpc", &[("CidrBlock", "10.0.0.0/16")])
        .await;
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "state file mode {mode:o}");
    assert!(
        std::fs::symlink_metadata(&tmp).is_err(),
        "PATH.tmp left behind"
    );
    server.stop("TERM").await;
}

/// Hole 6: anyone reaching the port could dump or reset every account, a web page could
/// post a reset, and DNS rebinding could read the state because any Host was accepted.
#[tokio::test]
async fn admin_endpoints_refuse_rebinding_cross_site_forms_and_strangers() {
    let server = Server::start().await;
    let e = &server.endpoint;
    let client = reqwest::Client::new();
    let vpc = server
        .call("CreateVpc", &[("CidrBlock", "10.0.0.0/16")])
        .await
        .ok()
        .text("vpcId");

    // A rebound name is refused; IP addresses, localhost and --admin-host names are not.
    let state = |host: &'static str| {
        client
            .get(format!("{e}/_ec2-mock/state"))
            .header("host", host)
            .send()
    };
    let r = state("attacker.example:4566").await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let json: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(json["error"], "ForbiddenHost");
    for ok in ["127.0.0.1:4566", "localhost:4566", "[::1]:4566"] {
        assert_eq!(state(ok).await.unwrap().status().as_u16(), 200, "{ok}");
    }
    // Health stays open to any Host (orchestrators' probes send the pod's name).
    let r = client
        .get(format!("{e}/_ec2-mock/health"))
        .header("host", "attacker.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);

    // What a cross-site form can send is refused, and nothing is reset.
    for content_type in [
        "application/x-www-form-urlencoded",
        "text/plain",
        "multipart/form-data; boundary=x",
    ] {
        let r = client
            .post(format!("{e}/_ec2-mock/reset"))
            .header("content-type", content_type)
            .body("a=b")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 403, "{content_type}");
        let json: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
        assert_eq!(json["error"], "CrossSiteRequest");
    }
    let ids = server.call("DescribeVpcs", &[]).await.ok().all("vpcId");
    assert!(ids.contains(&vpc), "a refused reset reset nothing");
    let r = client
        .post(format!("{e}/_ec2-mock/reset"))
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);

    // --admin-host and --admin-token through the binary's flags.
    let binary = Binary::start(&[
        "--port",
        "0",
        "--admin-host",
        "ec2-mock",
        "--admin-token",
        "t0ken",
    ])
    .await;
    let url = format!("{}/_ec2-mock/summary", binary.endpoint);
    let with = |host: &'static str, token: &'static str| {
        client
            .get(&url)
            .header("host", host)
            .bearer_auth(token)
            .send()
    };
    assert_eq!(
        with("ec2-mock:4566", "t0ken")
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    assert_eq!(
        with("ec2-mock:4566", "wrong")
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
    assert_eq!(
        with("other:4566", "t0ken").await.unwrap().status().as_u16(),
        403
    );
    assert_eq!(
        client.get(&url).send().await.unwrap().status().as_u16(),
        401
    );
    binary.stop("TERM").await;
}

/// Hole 2, shutdown: with a client halfway through its headers, SIGTERM used to close the
/// listener and then wait for it forever. Now the half-sent request is closed at once and
/// the process exits 0; a request halfway through its body holds the shutdown only until
/// the shutdown timeout, and a second signal exits at once.
#[tokio::test]
async fn sigterm_exits_with_a_half_sent_request_open_and_a_second_signal_at_once() {
    let server = Binary::start(&["--port", "0", "--shutdown-timeout", "600"]).await;
    let addr = server.endpoint.trim_start_matches("http://").to_owned();
    let mut half_head = TcpStream::connect(&addr).await.unwrap();
    half_head
        .write_all(b"GET /?Action=DescribeVpcs HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // `stop` fails the test unless the process ends within 10 s of SIGTERM, far less than
    // the 600 s the shutdown timeout would allow a request in flight.
    server.stop("TERM").await;

    let server = Binary::start(&["--port", "0", "--shutdown-timeout", "600"]).await;
    let addr = server.endpoint.trim_start_matches("http://").to_owned();
    let mut half_body = TcpStream::connect(&addr).await.unwrap();
    half_body
        .write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nAction=")
        .await
        .unwrap();
    // Wait until the request is being served (its body is being read).
    tokio::time::sleep(Duration::from_millis(300)).await;
    let status = server.signal_twice("TERM").await;
    assert_eq!(status.code(), Some(128 + 15), "exited by the second signal");
    drop((half_head, half_body));
}
