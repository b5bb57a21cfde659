//! The admin endpoints under `/_ec2-mock/`: health, readiness, reset (all worlds or one),
//! state export, summary, their errors and their log lines; and the round trip export →
//! `--init` → identical Describe replies.

use std::path::Path;

use ec2_mock::state::read_init;
use ec2_mock::Config;

use crate::persistence::{mask_request_id, Binary, TempDir};
use crate::support::Server;

struct Admin<'a> {
    server: &'a Server,
    client: reqwest::Client,
}

impl<'a> Admin<'a> {
    fn new(server: &'a Server) -> Self {
        Admin {
            server,
            client: reqwest::Client::new(),
        }
    }

    /// (status, content type, parsed JSON body). A POST says it is no cross-site form, as
    /// every admin POST must.
    async fn send(&self, method: &str, path: &str) -> (u16, String, serde_json::Value) {
        let url = format!("{}/_ec2-mock/{path}", self.server.endpoint);
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.client.request(method.clone(), url);
        if method == reqwest::Method::POST {
            request = request.header("X-Ec2-Mock-Admin", "1");
        }
        let resp = request.send().await.unwrap();
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = resp.text().await.unwrap();
        let json = serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {body}"));
        (status, content_type, json)
    }

    async fn ok(&self, method: &str, path: &str) -> serde_json::Value {
        let (status, content_type, json) = self.send(method, path).await;
        assert_eq!(status, 200, "{method} {path}: {json}");
        assert_eq!(content_type, "application/json");
        json
    }
}

/// VPC IDs a caller sees in its world.
async fn vpc_ids(server: &Server, account: &str, region: &str) -> Vec<String> {
    server
        .call_as(account, region, "DescribeVpcs", &[])
        .await
        .ok()
        .all("vpcId")
}

async fn create_vpc(server: &Server, account: &str, region: &str) -> String {
    server
        .call_as(
            account,
            region,
            "CreateVpc",
            &[("CidrBlock", "10.0.0.0/16")],
        )
        .await
        .ok()
        .text("vpcId")
}

#[tokio::test]
async fn health_and_readiness() {
    let server = Server::start().await;
    let admin = Admin::new(&server);
    assert_eq!(admin.ok("GET", "health").await["status"], "ok");
    assert_eq!(admin.ok("GET", "ready").await["status"], "ready");
}

#[tokio::test]
async fn wrong_methods_and_unknown_paths_answer_json_errors() {
    let server = Server::start().await;
    let admin = Admin::new(&server);
    for (method, path, allowed) in [
        ("POST", "health", "GET"),
        ("DELETE", "ready", "GET"),
        ("GET", "reset", "POST"),
        ("PUT", "state", "GET"),
        ("POST", "summary", "GET"),
    ] {
        let (status, content_type, json) = admin.send(method, path).await;
        assert_eq!(status, 405, "{method} {path}");
        assert_eq!(content_type, "application/json");
        assert_eq!(json["error"], "MethodNotAllowed");
        assert!(
            json["message"].as_str().unwrap().contains(allowed),
            "{json}"
        );
    }
    for path in ["", "nope", "state/extra", "health/"] {
        let (status, content_type, json) = admin.send("GET", path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(content_type, "application/json");
        assert_eq!(json["error"], "NotFound", "{path}");
    }
    for query in [
        "state?account=12",
        "reset?region=mars-1",
        "summary?acount=123456789012",
    ] {
        let method = if query.starts_with("reset") {
            "POST"
        } else {
            "GET"
        };
        let (status, _, json) = admin.send(method, query).await;
        assert_eq!(status, 400, "{query}: {json}");
        assert_eq!(json["error"], "InvalidParameter");
    }
    // The EC2 API itself is untouched by the prefix.
    server.call("DescribeVpcs", &[]).await.ok();
}

#[tokio::test]
async fn summary_counts_each_world() {
    let server = Server::start().await;
    let admin = Admin::new(&server);
    let vpc = create_vpc(&server, "123456789012", "us-east-1").await;
    let subnet = server
        .call(
            "CreateSubnet",
            &[("VpcId", &vpc), ("CidrBlock", "10.0.1.0/24")],
        )
        .await
        .ok()
        .text("subnetId");
    server
        .call(
            "CreateNetworkInterface",
            &[
                ("SubnetId", &subnet),
                ("SecondaryPrivateIpAddressCount", "2"),
            ],
        )
        .await
        .ok();
    vpc_ids(&server, "111122223333", "eu-west-1").await;

    let summary = admin.ok("GET", "summary").await;
    let worlds = summary["worlds"].as_array().unwrap();
    assert_eq!(worlds.len(), 2, "{summary}");
    let ours = &worlds[1];
    assert_eq!(ours["account"], "123456789012");
    assert_eq!(ours["region"], "us-east-1");
    assert_eq!(ours["vpcs"], 2);
    assert_eq!(ours["subnets"], 7, "six default subnets and ours");
    assert_eq!(ours["securityGroups"], 2);
    assert_eq!(ours["networkInterfaces"], 1);
    assert_eq!(ours["privateIpAddresses"], 3);
    assert_eq!(summary["totals"]["worlds"], 2);
    assert_eq!(summary["totals"]["vpcs"], 3);

    let one = admin
        .ok("GET", "summary?account=111122223333&region=eu-west-1")
        .await;
    assert_eq!(one["worlds"].as_array().unwrap().len(), 1);
    assert_eq!(one["worlds"][0]["vpcs"], 1);
}

#[tokio::test]
async fn reset_one_world_leaves_the_others() {
    let server = Server::start().await;
    let admin = Admin::new(&server);
    let here = create_vpc(&server, "123456789012", "us-east-1").await;
    let there = create_vpc(&server, "111122223333", "eu-west-1").await;
    let default_here = vpc_ids(&server, "123456789012", "us-east-1")
        .await
        .into_iter()
        .find(|v| *v != here)
        .unwrap();

    let reply = admin
        .ok("POST", "reset?account=123456789012&region=us-east-1")
        .await;
    assert_eq!(
        reply["reset"],
        serde_json::json!([{"account": "123456789012", "region": "us-east-1"}])
    );
    let now_here = vpc_ids(&server, "123456789012", "us-east-1").await;
    assert_eq!(now_here, [default_here], "back to a new account's world");
    assert!(vpc_ids(&server, "111122223333", "eu-west-1")
        .await
        .contains(&there));

    // A reset world draws the same IDs as at startup: the next VPC is the one made before.
    assert_eq!(create_vpc(&server, "123456789012", "us-east-1").await, here);
}

#[tokio::test]
async fn reset_everything_and_by_account() {
    let server = Server::start().await;
    let admin = Admin::new(&server);
    let a = create_vpc(&server, "123456789012", "us-east-1").await;
    let b = create_vpc(&server, "111122223333", "eu-west-1").await;
    let c = create_vpc(&server, "111122223333", "us-west-2").await;

    let reply = admin.ok("POST", "reset?account=111122223333").await;
    assert_eq!(reply["reset"].as_array().unwrap().len(), 2, "{reply}");
    assert!(vpc_ids(&server, "123456789012", "us-east-1")
        .await
        .contains(&a));
    assert!(!vpc_ids(&server, "111122223333", "eu-west-1")
        .await
        .contains(&b));
    assert!(!vpc_ids(&server, "111122223333", "us-west-2")
        .await
        .contains(&c));

    admin.ok("POST", "reset").await;
    // Worlds come back on first use, as a new account's.
    assert_eq!(admin.ok("GET", "summary").await["totals"]["worlds"], 0);
    assert!(!vpc_ids(&server, "123456789012", "us-east-1")
        .await
        .contains(&a));
}

#[tokio::test]
async fn reset_returns_to_the_init_file() {
    let mut config = Config::new("123456789012", "us-east-1", 9).unwrap();
    config.init = Some(
        read_init(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/init/minimal.json"
        )))
        .unwrap(),
    );
    let server = Server::with_config(config).await;
    let admin = Admin::new(&server);
    server
        .call("DeleteSubnet", &[("SubnetId", "subnet-0a1b2c3d4e5f60718")])
        .await
        .ok();
    let before = server
        .call("DescribeSubnets", &[])
        .await
        .ok()
        .all("subnetId");
    assert!(!before.contains(&"subnet-0a1b2c3d4e5f60718".to_owned()));
    admin.ok("POST", "reset").await;
    server
        .call(
            "DescribeSubnets",
            &[("SubnetId.1", "subnet-0a1b2c3d4e5f60718")],
        )
        .await
        .ok();
}

#[tokio::test]
async fn state_exports_all_worlds_or_one() {
    let server = Server::start().await;
    let admin = Admin::new(&server);
    let a = create_vpc(&server, "123456789012", "us-east-1").await;
    create_vpc(&server, "111122223333", "eu-west-1").await;

    let all = admin.ok("GET", "state").await;
    assert_eq!(all["version"], 1);
    let accounts = all["accounts"].as_object().unwrap();
    assert_eq!(accounts.len(), 2);
    let world = &all["accounts"]["123456789012"]["regions"]["us-east-1"];
    assert_eq!(
        world["defaultVpc"], false,
        "the export lists the default VPC itself"
    );
    let ids: Vec<&str> = world["vpcs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&a.as_str()));

    let one = admin
        .ok("GET", "state?account=111122223333&region=eu-west-1")
        .await;
    let accounts = one["accounts"].as_object().unwrap();
    assert_eq!(accounts.len(), 1);
    assert!(one["accounts"]["111122223333"]["regions"]["eu-west-1"].is_object());
}

/// Builds a state that uses every kind of resource, through the API.
async fn build_rich_state(server: &Server) {
    let vpc = server
        .call(
            "CreateVpc",
            &[
                ("CidrBlock", "10.0.0.0/16"),
                ("AmazonProvidedIpv6CidrBlock", "true"),
                ("InstanceTenancy", "dedicated"),
                ("TagSpecification.1.ResourceType", "vpc"),
                ("TagSpecification.1.Tag.1.Key", "Name"),
                ("TagSpecification.1.Tag.1.Value", "main"),
                ("TagSpecification.1.Tag.2.Key", "env"),
                ("TagSpecification.1.Tag.2.Value", "test"),
            ],
        )
        .await
        .ok()
        .text("vpcId");
    let vpc_v6 = server
        .call("DescribeVpcs", &[("VpcId.1", &vpc)])
        .await
        .ok()
        .text("ipv6CidrBlock");
    let subnet = server
        .call(
            "CreateSubnet",
            &[
                ("VpcId", &vpc),
                ("CidrBlock", "10.0.1.0/24"),
                ("Ipv6CidrBlock", &vpc_v6.replace("/56", "/64")),
                ("AvailabilityZone", "us-east-1b"),
            ],
        )
        .await
        .ok()
        .text("subnetId");
    server
        .call(
            "ModifySubnetAttribute",
            &[
                ("SubnetId", &subnet),
                ("AssignIpv6AddressOnCreation.Value", "true"),
            ],
        )
        .await
        .ok();
    let web = server
        .call(
            "CreateSecurityGroup",
            &[
                ("GroupName", "web"),
                ("GroupDescription", "web tier"),
                ("VpcId", &vpc),
            ],
        )
        .await
        .ok()
        .text("groupId");
    let db = server
        .call(
            "CreateSecurityGroup",
            &[
                ("GroupName", "db"),
                ("GroupDescription", "db tier"),
                ("VpcId", &vpc),
            ],
        )
        .await
        .ok()
        .text("groupId");
    server
        .call(
            "AuthorizeSecurityGroupIngress",
            &[
                ("GroupId", &db),
                ("IpPermissions.1.IpProtocol", "tcp"),
                ("IpPermissions.1.FromPort", "5432"),
                ("IpPermissions.1.ToPort", "5432"),
                ("IpPermissions.1.Groups.1.GroupId", &web),
                ("IpPermissions.1.Groups.1.Description", "from web"),
                ("IpPermissions.2.IpProtocol", "icmp"),
                ("IpPermissions.2.FromPort", "8"),
                ("IpPermissions.2.ToPort", "0"),
                ("IpPermissions.2.IpRanges.1.CidrIp", "10.0.0.0/8"),
            ],
        )
        .await
        .ok();
    server
        .call(
            "RevokeSecurityGroupEgress",
            &[
                ("GroupId", &db),
                ("IpPermissions.1.IpProtocol", "-1"),
                ("IpPermissions.1.Ipv6Ranges.1.CidrIpv6", "::/0"),
            ],
        )
        .await
        .ok();
    let eni = server
        .call(
            "CreateNetworkInterface",
            &[
                ("SubnetId", &subnet),
                ("Description", "app"),
                ("SecurityGroupId.1", &web),
                ("SecurityGroupId.2", &db),
                ("SecondaryPrivateIpAddressCount", "3"),
                ("Ipv6AddressCount", "2"),
                ("EnablePrimaryIpv6", "true"),
                ("ClientToken", "app-1"),
            ],
        )
        .await
        .ok()
        .text("networkInterfaceId");
    server
        .call(
            "AssignPrivateIpAddresses",
            &[("NetworkInterfaceId", &eni), ("Ipv4PrefixCount", "1")],
        )
        .await
        .ok();
    server
        .call(
            "AssignIpv6Addresses",
            &[("NetworkInterfaceId", &eni), ("Ipv6PrefixCount", "1")],
        )
        .await
        .ok();
    server
        .call(
            "ModifyNetworkInterfaceAttribute",
            &[
                ("NetworkInterfaceId", &eni),
                ("SourceDestCheck.Value", "false"),
            ],
        )
        .await
        .ok();
    server
        .call(
            "CreateNetworkInterfacePermission",
            &[
                ("NetworkInterfaceId", &eni),
                ("AwsAccountId", "444455556666"),
                ("Permission", "INSTANCE-ATTACH"),
            ],
        )
        .await
        .ok();
    server
        .call(
            "CreateTags",
            &[
                ("ResourceId.1", &eni),
                ("ResourceId.2", &subnet),
                ("Tag.1.Key", "owner"),
                ("Tag.1.Value", "team-a"),
            ],
        )
        .await
        .ok();
    // One interface in a default subnet, and a second world.
    let default_subnet = server
        .call(
            "DescribeSubnets",
            &[
                ("Filter.1.Name", "default-for-az"),
                ("Filter.1.Value.1", "true"),
            ],
        )
        .await
        .ok()
        .items("subnetSet")[0]
        .get("subnetId");
    server
        .call("CreateNetworkInterface", &[("SubnetId", &default_subnet)])
        .await
        .ok();
    create_vpc(server, "111122223333", "eu-west-1").await;
}

/// Every Describe reply of both worlds, request IDs masked.
async fn describe_everything(server: &Server) -> Vec<String> {
    let mut out = Vec::new();
    for (account, region) in [("123456789012", "us-east-1"), ("111122223333", "eu-west-1")] {
        for action in [
            "DescribeVpcs",
            "DescribeSubnets",
            "DescribeSecurityGroups",
            "DescribeNetworkInterfaces",
            "DescribeNetworkInterfacePermissions",
            "DescribeTags",
        ] {
            let reply = server.call_as(account, region, action, &[]).await;
            reply.ok();
            out.push(mask_request_id(&reply.body));
        }
    }
    out
}

#[tokio::test]
async fn export_then_init_gives_identical_describe_replies() {
    let server = Server::start().await;
    build_rich_state(&server).await;
    let before = describe_everything(&server).await;
    let state = reqwest::get(format!("{}/_ec2-mock/state", server.endpoint))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    let dir = TempDir::new("roundtrip");
    let file = dir.join("captured.json");
    std::fs::write(&file, &state).unwrap();
    // Another seed: every ID, MAC and address must come from the file.
    let mut config = Config::new("123456789012", "us-east-1", 4242).unwrap();
    config.init = Some(read_init(&file).unwrap());
    let replay = Server::with_config(config).await;
    let after = describe_everything(&replay).await;
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b, a);
    }
    // And the replayed server exports the same state again.
    let again = reqwest::get(format!("{}/_ec2-mock/state", replay.endpoint))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(again, state);
}

#[tokio::test]
async fn admin_requests_are_logged() {
    let server = Binary::start(&["--port", "0", "--log-level", "info"]).await;
    let (status, _) = server.admin("GET", "summary").await;
    assert_eq!(status, 200);
    let (status, _) = server.admin("GET", "missing").await;
    assert_eq!(status, 404);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let log = server.stderr();
    let line = |path: &str, status: &str| {
        log.lines().any(|l| {
            l.contains("admin request")
                && l.contains("method=GET")
                && l.contains(&format!("path={path}"))
                && l.contains(&format!("status={status}"))
                && l.contains("latency_us=")
        })
    };
    assert!(line("/_ec2-mock/summary", "200"), "{log}");
    assert!(line("/_ec2-mock/missing", "404"), "{log}");
    server.stop("TERM").await;
}
