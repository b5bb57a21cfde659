//! Startup names the account and region every `--init` world loads into, and how a client
//! reaches it: a world outside the default account and region is invisible to curl, and that
//! log line is where a newcomer who sees only the default VPC finds out why.

use std::path::Path;

use serde_json::Value;

use crate::process::{command, Running, BIN};
use crate::support::Node;

const SEED_WORLD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/init/seed-world.json");

/// Starts the binary with `--init` the seed world, stops it, and returns its `world loaded`
/// log events.
async fn world_events(extra: &[&str], check: impl AsyncFnOnce(&str)) -> Vec<Value> {
    let mut cmd = command(Path::new(BIN));
    cmd.args(["--port", "0", "--log-format", "json", "--init", SEED_WORLD])
        .args(extra);
    let server = Running::spawn(cmd).await;
    check(&server.endpoint).await;
    let (status, stderr) = server.stop("TERM").await;
    assert!(status.success(), "{stderr}");
    stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|e| e["message"] == "world loaded")
        .collect()
}

#[tokio::test]
async fn each_init_world_is_logged_with_how_to_reach_it() {
    let events = world_events(&[], async |endpoint: &str| {
        // What the log line says works: the account as access key ID, with the region.
        let resp = reqwest::Client::new()
            .get(format!("{endpoint}/?Action=DescribeVpcs&Version=2016-11-15"))
            .header(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=251839141158/20260101/ap-southeast-1/ec2/aws4_request, \
                 SignedHeaders=host, Signature=00",
            )
            .send()
            .await
            .expect("DescribeVpcs");
        let doc = Node::parse(&resp.text().await.expect("body"));
        assert!(doc.all("vpcId").contains(&"vpc-c31dafaa".to_owned()), "{doc:?}");
    })
    .await;
    assert_eq!(events.len(), 1, "{events:?}");
    let e = &events[0];
    assert_eq!(e["source"], "--init");
    assert_eq!(e["account"], "251839141158");
    assert_eq!(e["region"], "ap-southeast-1");
    assert_eq!(
        (e["vpcs"].as_u64(), e["subnets"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(
        e["reach"],
        "AWS_ACCESS_KEY_ID=251839141158 with region ap-southeast-1"
    );
}

#[tokio::test]
async fn an_init_world_in_the_default_account_and_region_is_what_curl_sees() {
    let defaults = ["--account-id", "251839141158", "--region", "ap-southeast-1"];
    let events = world_events(&defaults, async |endpoint: &str| {
        let body = reqwest::get(format!(
            "{endpoint}/?Action=DescribeVpcs&Version=2016-11-15"
        ))
        .await
        .expect("DescribeVpcs")
        .text()
        .await
        .expect("body");
        assert!(body.contains("vpc-c31dafaa"), "{body}");
    })
    .await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(
        events[0]["reach"],
        "unsigned requests and any access key ID that is not 12 digits"
    );
}
