//! The embedding API, `ec2_mock::MockServer`, as a Rust test uses it: start on a free port,
//! choose seed/account/region, get an SDK client, stop on drop or `shutdown`.
//! (Every other module also runs on it, through `support::Server`.)

use std::time::Duration;

use aws_sdk_ec2::error::DisplayErrorContext;
use ec2_mock::MockServer;

use crate::support::Node;

async fn describe(endpoint: &str, action: &str) -> Node {
    let resp = reqwest::Client::new()
        .post(endpoint)
        .form(&[("Action", action), ("Version", "2016-11-15")])
        .send()
        .await
        .expect("request to the embedded server");
    assert_eq!(resp.status(), 200);
    Node::parse(&resp.text().await.expect("a body"))
}

#[tokio::test]
async fn start_gives_a_loopback_endpoint_on_a_free_port() {
    let a = MockServer::start().await.expect("start");
    let b = MockServer::start().await.expect("start");
    assert!(a.addr().ip().is_loopback());
    assert_ne!(a.addr().port(), 0);
    assert_ne!(a.addr(), b.addr(), "each server has its own port");
    assert_eq!(a.endpoint(), format!("http://{}", a.addr()));
    assert_eq!(a.account_id(), "123456789012");
    assert_eq!(a.region(), "us-east-1");

    // Separate servers are separate worlds.
    let created = reqwest::Client::new()
        .post(a.endpoint())
        .form(&[("Action", "CreateVpc"), ("CidrBlock", "10.0.0.0/16")])
        .send()
        .await
        .expect("CreateVpc");
    assert_eq!(created.status(), 200);
    assert_eq!(
        describe(a.endpoint(), "DescribeVpcs")
            .await
            .items("vpcSet")
            .len(),
        2
    );
    assert_eq!(
        describe(b.endpoint(), "DescribeVpcs")
            .await
            .items("vpcSet")
            .len(),
        1
    );
}

#[tokio::test]
async fn the_builder_sets_seed_account_and_region() {
    let start = || {
        MockServer::builder()
            .seed(7)
            .account_id("111122223333")
            .region("eu-west-1")
            .start()
    };
    let one = start().await.expect("start");
    let two = start().await.expect("start");
    assert_eq!(one.account_id(), "111122223333");
    assert_eq!(one.region(), "eu-west-1");

    let subnets = describe(one.endpoint(), "DescribeSubnets").await;
    let mut zones = subnets.all("availabilityZone");
    zones.sort();
    assert_eq!(zones, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    assert!(subnets.all("ownerId").iter().all(|o| o == "111122223333"));

    // Same seed, same IDs.
    let other = describe(two.endpoint(), "DescribeSubnets").await;
    assert_eq!(subnets.all("subnetId"), other.all("subnetId"));
}

#[tokio::test]
async fn a_bad_account_or_region_is_an_invalid_input_error() {
    let err = MockServer::builder()
        .region("mars-north-1")
        .start()
        .await
        .expect_err("unknown region");
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("mars-north-1"), "{err}");

    let err = MockServer::builder()
        .account_id("12345")
        .start()
        .await
        .expect_err("short account id");
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("12345"), "{err}");
}

/// A whole `Config` goes through unchanged (this is how the binary's options reach an
/// embedded server), and the builder's setters still apply on top of it.
#[tokio::test]
async fn a_config_is_taken_whole() {
    let config = ec2_mock::Config::new("444455556666", "ap-southeast-1", 3).expect("config");
    let server = MockServer::builder()
        .config(config)
        .region("ap-southeast-2")
        .start()
        .await
        .expect("start");
    assert_eq!(server.account_id(), "444455556666");
    assert_eq!(server.region(), "ap-southeast-2");
    let vpcs = describe(server.endpoint(), "DescribeVpcs").await;
    assert_eq!(vpcs.all("ownerId"), ["444455556666"]);
}

#[tokio::test]
async fn shutdown_waits_until_the_port_is_closed() {
    let server = MockServer::start().await.expect("start");
    let addr = server.addr();
    describe(server.endpoint(), "DescribeRegions").await;
    tokio::time::timeout(Duration::from_secs(5), server.shutdown())
        .await
        .expect("shutdown within 5s")
        .expect("clean shutdown");
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "{addr} still accepts connections after shutdown"
    );
}

#[tokio::test]
async fn dropping_the_server_stops_it() {
    let server = MockServer::start().await.expect("start");
    let addr = server.addr();
    drop(server);
    // The stop is asynchronous: the task closes the listener soon after the drop.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while tokio::net::TcpStream::connect(addr).await.is_ok() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{addr} still accepts connections 5s after the drop"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn sdk_clients_default_to_the_servers_account_and_region() {
    let server = MockServer::builder()
        .account_id("111122223333")
        .region("eu-central-1")
        .start()
        .await
        .expect("start");
    let ec2 = server.sdk_client();
    let vpcs = ec2
        .describe_vpcs()
        .send()
        .await
        .unwrap_or_else(|e| panic!("DescribeVpcs: {}", DisplayErrorContext(&e)));
    assert_eq!(vpcs.vpcs().len(), 1);
    assert_eq!(vpcs.vpcs()[0].owner_id(), Some("111122223333"));
    let zones = ec2
        .describe_availability_zones()
        .send()
        .await
        .unwrap_or_else(|e| panic!("zones: {}", DisplayErrorContext(&e)));
    assert!(zones
        .availability_zones()
        .iter()
        .all(|z| z.region_name() == Some("eu-central-1")));

    // Another account and region through the same server: its own world.
    let other = server.sdk_client_for("999988887777", "us-west-2");
    let created = other
        .create_vpc()
        .cidr_block("10.9.0.0/16")
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateVpc: {}", DisplayErrorContext(&e)));
    let vpc = created.vpc().expect("a vpc");
    assert_eq!(vpc.owner_id(), Some("999988887777"));
    let again = ec2
        .describe_vpcs()
        .send()
        .await
        .unwrap_or_else(|e| panic!("DescribeVpcs: {}", DisplayErrorContext(&e)));
    assert_eq!(again.vpcs().len(), 1, "the default account does not see it");
}
