//! `--auth strict`: SigV4 verification against real signers (the Rust SDK, and `aws-sigv4`
//! for requests the SDK will not make: tampered, expired, presigned, other services), the
//! error EC2 answers for each refusal, and permissive mode left as it was.

use std::process::Stdio;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sdk_ec2::error::ProvideErrorMetadata;
use aws_sdk_ec2::Client;
use aws_sigv4::http_request::{
    sign, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
};
use aws_sigv4::sign::v4;
use ec2_mock::auth::{AuthConfig, AuthMode};
use ec2_mock::Config;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::support::{Node, Reply, Server};

const KEY: &str = "AKIDEXAMPLE";
const SECRET: &str = "secret";
/// A second key, configured with its own account.
const OTHER_KEY: &str = "AKIDOTHER";
const OTHER_ACCOUNT: &str = "111122223333";
const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";
const MISMATCH: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

async fn strict_server() -> Server {
    let mut config = Config::new("123456789012", "us-east-1", 42).unwrap();
    config.auth = AuthConfig::from_specs(
        AuthMode::Strict,
        &[
            format!("{KEY}:{SECRET}"),
            format!("{OTHER_KEY}:{SECRET}:{OTHER_ACCOUNT}"),
        ],
    )
    .unwrap();
    Server::with_config(config).await
}

/// The real SDK, signing with exactly this key and secret.
fn sdk(server: &Server, key: &str, secret: &str) -> Client {
    let credentials = Credentials::new(key, secret, None, None, "test");
    Client::from_conf(server.mock.sdk_config(credentials, "us-east-1").build())
}

/// Header or query parameter names and values.
type Pairs = Vec<(String, String)>;

/// How to sign a request with `aws-sigv4`.
struct Signer {
    key: &'static str,
    secret: &'static str,
    token: Option<&'static str>,
    region: &'static str,
    service: &'static str,
    time: SystemTime,
    /// `Some(lifetime)` presigns into the query instead of signing into headers.
    presign: Option<Duration>,
}

impl Default for Signer {
    fn default() -> Self {
        Signer {
            key: KEY,
            secret: SECRET,
            token: None,
            region: "us-east-1",
            service: "ec2",
            time: SystemTime::now(),
            presign: None,
        }
    }
}

impl Signer {
    /// Signs `method url` with these headers and body; returns the headers to add and the
    /// query parameters to append.
    fn sign(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (Pairs, Pairs) {
        let identity = Credentials::new(
            self.key,
            self.secret,
            self.token.map(str::to_owned),
            None,
            "t",
        )
        .into();
        let mut settings = SigningSettings::default();
        if let Some(lifetime) = self.presign {
            settings.signature_location = SignatureLocation::QueryParams;
            settings.expires_in = Some(lifetime);
        }
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(self.region)
            .name(self.service)
            .time(self.time)
            .settings(settings)
            .build()
            .unwrap()
            .into();
        let request = SignableRequest::new(
            method,
            url,
            headers.iter().copied(),
            SignableBody::Bytes(body),
        )
        .unwrap();
        let (instructions, _) = sign(request, &params).unwrap().into_parts();
        let headers = instructions
            .headers()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let params = instructions
            .params()
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.to_string()))
            .collect();
        (headers, params)
    }

    /// Signs a form POST of `body` to `/`, then sends `sent` as the body (the same bytes unless
    /// the test tampers with them).
    async fn post(&self, server: &Server, body: &str, sent: &str) -> Reply {
        let url = format!("{}/", server.endpoint);
        let (headers, _) = self.sign("POST", &url, &[("content-type", FORM)], body.as_bytes());
        let mut request = reqwest::Client::new()
            .post(&url)
            .header("content-type", FORM)
            .body(sent.to_owned());
        for (k, v) in &headers {
            request = request.header(k, v);
        }
        reply(request.send().await.unwrap()).await
    }

    /// A presigned GET URL for `/?{query}`.
    fn presigned_url(&self, server: &Server, query: &str) -> String {
        let url = format!("{}/?{query}", server.endpoint);
        let (_, params) = self.sign("GET", &url, &[], b"");
        format!("{url}&{}", serde_urlencoded::to_string(&params).unwrap())
    }
}

async fn reply(resp: reqwest::Response) -> Reply {
    let status = resp.status().as_u16();
    let body = resp.text().await.unwrap();
    let doc = Node::parse(&body);
    Reply { status, body, doc }
}

async fn get(url: &str) -> Reply {
    reply(reqwest::get(url).await.unwrap()).await
}

fn form(action: &str, params: &[(&str, &str)]) -> String {
    let mut pairs = vec![("Action", action), ("Version", "2016-11-15")];
    pairs.extend_from_slice(params);
    serde_urlencoded::to_string(&pairs).unwrap()
}

#[tokio::test]
async fn sdk_signed_requests_are_accepted_and_keys_select_their_account() {
    let server = strict_server().await;
    let ec2 = sdk(&server, KEY, SECRET);
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.0.0.0/16")
        .send()
        .await
        .expect("a correctly signed CreateVpc succeeds")
        .vpc
        .unwrap();
    let vpc_id = vpc.vpc_id().unwrap().to_owned();
    // AKIDEXAMPLE names no account, so it is the server's default one.
    assert_eq!(vpc.owner_id(), Some("123456789012"));
    let ids: Vec<String> = ec2
        .describe_vpcs()
        .send()
        .await
        .unwrap()
        .vpcs()
        .iter()
        .filter_map(|v| v.vpc_id().map(str::to_owned))
        .collect();
    assert!(ids.contains(&vpc_id), "{ids:?}");

    // The second key was configured with its own account: another world.
    let other = sdk(&server, OTHER_KEY, SECRET);
    let vpcs = other.describe_vpcs().send().await.unwrap();
    assert!(vpcs.vpcs().iter().all(|v| v.vpc_id() != Some(&vpc_id)));
    assert!(vpcs
        .vpcs()
        .iter()
        .all(|v| v.owner_id() == Some(OTHER_ACCOUNT)));
}

#[tokio::test]
async fn unknown_key_and_wrong_secret_are_refused() {
    let server = strict_server().await;
    let err = sdk(&server, "AKIDUNKNOWN", SECRET)
        .describe_vpcs()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AuthFailure"));
    assert_eq!(
        err.message(),
        Some("AWS was not able to validate the provided access credentials")
    );
    let err = sdk(&server, KEY, "not-the-secret")
        .describe_vpcs()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    assert_eq!(err.message(), Some(MISMATCH));

    // The statuses, as EC2 sends them.
    let body = form("DescribeVpcs", &[]);
    let unknown = Signer {
        key: "AKIDUNKNOWN",
        ..Signer::default()
    };
    unknown
        .post(&server, &body, &body)
        .await
        .err("AuthFailure", 401);
    let wrong = Signer {
        secret: "not-the-secret",
        ..Signer::default()
    };
    let msg = wrong
        .post(&server, &body, &body)
        .await
        .err("SignatureDoesNotMatch", 403);
    assert_eq!(msg, MISMATCH);
}

#[tokio::test]
async fn a_tampered_body_is_refused() {
    let server = strict_server().await;
    let signed = form("CreateVpc", &[("CidrBlock", "10.0.0.0/16")]);
    let tampered = form("CreateVpc", &[("CidrBlock", "10.1.0.0/16")]);
    let msg = Signer::default()
        .post(&server, &signed, &tampered)
        .await
        .err("SignatureDoesNotMatch", 403);
    assert_eq!(msg, MISMATCH);
    // The untouched request goes through, and only it was applied.
    let created = Signer::default().post(&server, &signed, &signed).await;
    assert_eq!(created.ok().text("cidrBlock"), "10.0.0.0/16");
    let body = form("DescribeVpcs", &[]);
    let vpcs = Signer::default().post(&server, &body, &body).await;
    assert!(!vpcs.body.contains("10.1.0.0/16"), "{}", vpcs.body);
}

#[tokio::test]
async fn a_request_without_any_signature_is_refused() {
    let server = strict_server().await;
    let r = server.call("DescribeVpcs", &[]).await;
    let msg = r.err400("MissingParameter");
    assert_eq!(msg, "The request must contain the parameter AWSAccessKeyId");
    let r = server.get("Action=DescribeVpcs&Version=2016-11-15").await;
    r.err400("MissingParameter");
    // Even an invalid action is not looked at before authentication.
    server.call("Nope", &[]).await.err400("MissingParameter");
}

#[tokio::test]
async fn timestamps_more_than_15_minutes_off_are_expired() {
    let server = strict_server().await;
    let body = form("DescribeVpcs", &[]);
    for offset in [-1200i64, 1200] {
        let time = if offset < 0 {
            SystemTime::now() - Duration::from_secs(offset.unsigned_abs())
        } else {
            SystemTime::now() + Duration::from_secs(offset.unsigned_abs())
        };
        let signer = Signer {
            time,
            ..Signer::default()
        };
        let msg = signer
            .post(&server, &body, &body)
            .await
            .err400("RequestExpired");
        assert_eq!(msg, "Request has expired.", "offset {offset}s");
    }
    // Ten minutes of skew is within AWS's window.
    let signer = Signer {
        time: SystemTime::now() - Duration::from_secs(600),
        ..Signer::default()
    };
    signer.post(&server, &body, &body).await.ok();
}

#[tokio::test]
async fn incomplete_authorization_headers_are_refused() {
    let server = strict_server().await;
    let body = form("DescribeVpcs", &[]);
    let r = server
        .post_raw(
            &body,
            &[
                (
                    "authorization",
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261125/us-east-1/ec2/aws4_request",
                ),
                ("x-amz-date", "20261125T000000Z"),
            ],
        )
        .await;
    let msg = r.err400("IncompleteSignature");
    assert!(
        msg.starts_with(
            "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter."
        ),
        "{msg}"
    );
    // The credential-only helper sends no X-Amz-Date and a placeholder signature.
    let r = server.call_as(KEY, "us-east-1", "DescribeVpcs", &[]).await;
    let msg = r.err400("IncompleteSignature");
    assert!(msg.contains("'X-Amz-Date'"), "{msg}");
    // Another scheme altogether.
    let r = server
        .post_raw(&body, &[("authorization", "Bearer abc")])
        .await;
    r.err400("IncompleteSignature");
}

#[tokio::test]
async fn presigned_urls_work_until_altered_or_expired() {
    let server = strict_server().await;
    let presigner = Signer {
        presign: Some(Duration::from_secs(300)),
        ..Signer::default()
    };
    let url = presigner.presigned_url(&server, "Action=DescribeVpcs&Version=2016-11-15");
    let r = get(&url).await;
    assert!(!r.ok().items("vpcSet").is_empty(), "{}", r.body);

    let altered = url.replace("Action=DescribeVpcs", "Action=DescribeSubnets");
    assert_ne!(altered, url);
    let msg = get(&altered).await.err("SignatureDoesNotMatch", 403);
    assert_eq!(msg, MISMATCH);
    get(&format!("{url}&VpcId.1=vpc-1a2b3c4d"))
        .await
        .err("SignatureDoesNotMatch", 403);

    // A URL signed 10 minutes ago for 5 minutes has expired.
    let old = Signer {
        presign: Some(Duration::from_secs(300)),
        time: SystemTime::now() - Duration::from_secs(600),
        ..Signer::default()
    };
    let url = old.presigned_url(&server, "Action=DescribeVpcs&Version=2016-11-15");
    get(&url).await.err400("RequestExpired");
}

#[tokio::test]
async fn the_scope_must_be_ec2_and_a_known_region() {
    let server = strict_server().await;
    let body = form("DescribeVpcs", &[]);
    // Scoped to STS, the request is STS's (GetCallerIdentity is answered at this endpoint),
    // and STS has no DescribeVpcs.
    let sts = Signer {
        service: "sts",
        ..Signer::default()
    };
    let r = sts.post(&server, &body, &body).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("<ErrorResponse"), "{}", r.body);
    assert!(r.body.contains("<Code>InvalidAction</Code>"), "{}", r.body);
    let s3 = Signer {
        service: "s3",
        ..Signer::default()
    };
    let msg = s3
        .post(&server, &body, &body)
        .await
        .err("SignatureDoesNotMatch", 403);
    assert_eq!(
        msg,
        "Credential should be scoped to correct service: 'ec2'. "
    );
    // A valid signature for a region EC2 does not have: refused as before strict mode existed.
    let moon = Signer {
        region: "moon-base-1",
        ..Signer::default()
    };
    moon.post(&server, &body, &body)
        .await
        .err("AuthFailure", 401);
    // And a valid one for another real region serves that region's world.
    let paris = Signer {
        region: "eu-west-3",
        ..Signer::default()
    };
    let azs = paris
        .post(
            &server,
            &form("DescribeAvailabilityZones", &[]),
            &form("DescribeAvailabilityZones", &[]),
        )
        .await;
    assert!(azs
        .ok()
        .all("zoneName")
        .iter()
        .all(|z| z.starts_with("eu-west-3")));
}

#[tokio::test]
async fn session_tokens_are_accepted() {
    let server = strict_server().await;
    let body = form("DescribeVpcs", &[]);
    let with_token = Signer {
        token: Some("FwoGZXIvYXdzEXAMPLETOKEN"),
        ..Signer::default()
    };
    with_token.post(&server, &body, &body).await.ok();
    let presigned = Signer {
        token: Some("FwoGZXIvYXdzEXAMPLETOKEN"),
        presign: Some(Duration::from_secs(60)),
        ..Signer::default()
    };
    let url = presigned.presigned_url(&server, "Action=DescribeVpcs&Version=2016-11-15");
    assert!(url.contains("X-Amz-Security-Token="), "{url}");
    get(&url).await.ok();
}

#[tokio::test]
async fn admin_health_and_readiness_are_not_checked() {
    let server = strict_server().await;
    for path in ["health", "ready"] {
        let r = reqwest::get(format!("{}/_ec2-mock/{path}", server.endpoint))
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{path}");
    }
}

/// Hole 6 with `--auth strict`: the state and reset need a signature by a configured key
/// (or `--admin-token`'s bearer token); an unsigned or wrongly signed one is 401.
#[tokio::test]
async fn strict_admin_endpoints_need_a_signature_or_the_admin_token() {
    let server = strict_server().await;
    let url = format!("{}/_ec2-mock/state", server.endpoint);
    let unsigned = reqwest::get(&url).await.unwrap();
    assert_eq!(unsigned.status().as_u16(), 401);
    assert_eq!(unsigned.headers()["www-authenticate"], "Bearer");
    let body: serde_json::Value = serde_json::from_str(&unsigned.text().await.unwrap()).unwrap();
    assert_eq!(body["error"], "Unauthorized", "{body}");

    let send = |signer: Signer, method: &'static str, url: String| async move {
        let (headers, _) = signer.sign(method, &url, &[], b"");
        let mut request = reqwest::Client::new()
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                &url,
            )
            .header("X-Ec2-Mock-Admin", "1");
        for (k, v) in &headers {
            request = request.header(k, v);
        }
        request.send().await.unwrap()
    };
    let signed = send(Signer::default(), "GET", url.clone()).await;
    assert_eq!(signed.status().as_u16(), 200);
    let state: serde_json::Value = serde_json::from_str(&signed.text().await.unwrap()).unwrap();
    assert_eq!(state["version"], 1, "{state}");
    let wrong = send(
        Signer {
            secret: "not-the-secret",
            ..Signer::default()
        },
        "GET",
        url.clone(),
    )
    .await;
    assert_eq!(wrong.status().as_u16(), 401);
    let reset = send(
        Signer::default(),
        "POST",
        format!("{}/_ec2-mock/reset", server.endpoint),
    )
    .await;
    assert_eq!(reset.status().as_u16(), 200);

    // With a token configured, the token works too (and a wrong one does not).
    let mut config = Config::new("123456789012", "us-east-1", 42).unwrap();
    config.auth = AuthConfig::from_specs(AuthMode::Strict, &[format!("{KEY}:{SECRET}")]).unwrap();
    config.admin.token = Some("let-me-in".into());
    let server = Server::with_config(config).await;
    let url = format!("{}/_ec2-mock/summary", server.endpoint);
    let client = reqwest::Client::new();
    let with = |token: &'static str| client.get(&url).bearer_auth(token).send();
    assert_eq!(with("let-me-in").await.unwrap().status().as_u16(), 200);
    assert_eq!(with("let-me-out").await.unwrap().status().as_u16(), 401);
}

/// Hole 5: SigV4 sorts repeated query keys by value, so `GroupName=first-zz&GroupName=
/// second-aa` signed and then sent swapped still verifies; the server used the last one,
/// so the swap made another group. A repeated key is now refused before the signature is
/// checked, in either order, and nothing is created.
#[tokio::test]
async fn a_signed_query_with_duplicate_keys_cannot_be_reordered() {
    let server = strict_server().await;
    let signer = Signer::default();
    let query = "Action=CreateSecurityGroup&Version=2016-11-15&GroupDescription=d&GroupName=first-zz&GroupName=second-aa";
    let swapped = "Action=CreateSecurityGroup&Version=2016-11-15&GroupDescription=d&GroupName=second-aa&GroupName=first-zz";
    let url = format!("{}/?{query}", server.endpoint);
    let (headers, _) = signer.sign("GET", &url, &[], b"");
    for sent in [query, swapped] {
        let mut request = reqwest::Client::new().get(format!("{}/?{sent}", server.endpoint));
        for (k, v) in &headers {
            request = request.header(k, v);
        }
        let r = reply(request.send().await.unwrap()).await;
        let message = r.err400("InvalidParameterValue");
        assert!(message.contains("GroupName"), "{message}");
    }
    // Across the query and the body too, and presigned.
    let body = form(
        "CreateSecurityGroup",
        &[("GroupName", "x"), ("GroupDescription", "d")],
    );
    let (headers, _) = signer.sign(
        "POST",
        &format!("{}/?GroupName=y", server.endpoint),
        &[("content-type", FORM)],
        body.as_bytes(),
    );
    let mut request = reqwest::Client::new()
        .post(format!("{}/?GroupName=y", server.endpoint))
        .header("content-type", FORM)
        .body(body);
    for (k, v) in &headers {
        request = request.header(k, v);
    }
    let r = reply(request.send().await.unwrap()).await;
    assert!(r.err400("InvalidParameterValue").contains("GroupName"));
    let groups = sdk(&server, KEY, SECRET)
        .describe_security_groups()
        .send()
        .await
        .unwrap();
    let names: Vec<_> = groups
        .security_groups()
        .iter()
        .filter_map(|g| g.group_name())
        .collect();
    assert_eq!(names, ["default"], "nothing was created");

    // An unsigned request in strict mode is still told it lacks credentials first.
    let r = get(&format!(
        "{}/?Action=DescribeVpcs&Action=DescribeVpcs",
        server.endpoint
    ))
    .await;
    r.err400("MissingParameter");
}

#[tokio::test]
async fn permissive_mode_serves_unsigned_and_badly_signed_requests() {
    let server = Server::start().await;
    server.call("DescribeVpcs", &[]).await.ok();
    server
        .get("Action=DescribeVpcs&Version=2016-11-15")
        .await
        .ok();
    // A placeholder signature: only the credential scope is read, for account and region.
    server
        .call_as(OTHER_ACCOUNT, "eu-west-1", "DescribeVpcs", &[])
        .await
        .ok();
    let body = form("DescribeVpcs", &[]);
    let wrong = Signer {
        secret: "anything",
        ..Signer::default()
    };
    wrong.post(&server, &body, &body).await.ok();
}

#[tokio::test]
async fn permissive_mode_still_maps_configured_keys_to_their_account() {
    let mut config = Config::new("123456789012", "us-east-1", 42).unwrap();
    config.auth = AuthConfig::from_specs(
        AuthMode::Permissive,
        &[format!("{OTHER_KEY}:{SECRET}:{OTHER_ACCOUNT}")],
    )
    .unwrap();
    let server = Server::with_config(config).await;
    let r = server
        .call_as(OTHER_KEY, "us-east-1", "DescribeVpcs", &[])
        .await;
    assert_eq!(r.ok().all("ownerId"), vec![OTHER_ACCOUNT.to_owned()]);
    let r = server.call_as(KEY, "us-east-1", "DescribeVpcs", &[]).await;
    assert_eq!(r.ok().all("ownerId"), vec!["123456789012".to_owned()]);
}

/// The binary reads the mode and keys from its environment, refuses strict mode without keys,
/// and never shows the secrets in `--help`.
#[tokio::test]
async fn the_binary_takes_mode_and_keys_from_flags_and_environment() {
    let bin = env!("CARGO_BIN_EXE_ec2-mock");
    let base = || {
        let mut cmd = tokio::process::Command::new(bin);
        for var in [
            "EC2_MOCK_HOST",
            "EC2_MOCK_PORT",
            "EC2_MOCK_REGION",
            "EC2_MOCK_ACCOUNT_ID",
            "EC2_MOCK_SEED",
            "EC2_MOCK_LOG_LEVEL",
            "EC2_MOCK_AUTH",
            "EC2_MOCK_ACCESS_KEYS",
            "RUST_LOG",
        ] {
            cmd.env_remove(var);
        }
        cmd.stdin(Stdio::null()).kill_on_drop(true);
        cmd
    };

    let out = base()
        .args(["--auth", "strict", "--port", "0"])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least one access key"));
    let out = base()
        .args([
            "--auth",
            "strict",
            "--access-key",
            "AKID:s:12345",
            "--port",
            "0",
        ])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = base().args(["--auth", "sometimes"]).output().await.unwrap();
    assert_eq!(out.status.code(), Some(2));

    let out = base()
        .arg("--help")
        .env("EC2_MOCK_ACCESS_KEYS", "AKIDHELP:hunter2")
        .output()
        .await
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--access-key"), "{help}");
    assert!(!help.contains("hunter2"), "--help printed a secret: {help}");

    let mut cmd = base();
    cmd.args(["--port", "0"])
        .env("EC2_MOCK_AUTH", "strict")
        .env(
            "EC2_MOCK_ACCESS_KEYS",
            format!("AKIDNOPE:x,{KEY}:{SECRET}:{OTHER_ACCOUNT}"),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let endpoint = tokio::time::timeout(
        Duration::from_secs(30),
        BufReader::new(stdout).lines().next_line(),
    )
    .await
    .expect("endpoint line within 30s")
    .unwrap()
    .expect("an endpoint line");
    let url = format!("{endpoint}/");
    let body = form("DescribeVpcs", &[]);
    let unsigned = reqwest::Client::new()
        .post(&url)
        .header("content-type", FORM)
        .body(body.clone())
        .send()
        .await
        .unwrap();
    reply(unsigned).await.err400("MissingParameter");
    let (headers, _) =
        Signer::default().sign("POST", &url, &[("content-type", FORM)], body.as_bytes());
    let mut signed = reqwest::Client::new()
        .post(&url)
        .header("content-type", FORM)
        .body(body);
    for (k, v) in &headers {
        signed = signed.header(k, v);
    }
    let r = reply(signed.send().await.unwrap()).await;
    // The key's account from the environment applies.
    assert!(
        r.ok().all("ownerId").iter().all(|o| o == OTHER_ACCOUNT),
        "{}",
        r.body
    );
    child.kill().await.unwrap();
}
