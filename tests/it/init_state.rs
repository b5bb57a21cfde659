//! `--init`: valid files load and show through Describe; every kind of invalid file stops
//! the binary before it serves, with the entry at fault named.

use std::path::Path;

use ec2_mock::state::read_init;
use ec2_mock::Config;

use crate::persistence::{command, run_to_exit, Binary, FIXTURES};
use crate::support::{Node, Server};

/// The seed examples' account and region.
const SEED_ACCOUNT: &str = "251839141158";
const SEED_REGION: &str = "ap-southeast-1";

async fn server_with_init(account: &str, region: &str, file: &str, seed: u64) -> Server {
    let mut config = Config::new(account, region, seed).unwrap();
    config.init = Some(read_init(Path::new(&format!("{FIXTURES}/{file}"))).unwrap());
    Server::with_config(config).await
}

/// One of the API reference's example requests, `SubnetId` replaced.
fn example_request(n: usize, subnet: &str) -> Vec<(String, String)> {
    let path = format!(
        "{}/fixtures/create_network_interface/example{n}.request",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .filter_map(|l| l.trim().split_once('='))
        .filter(|(k, _)| *k != "Action")
        .map(|(k, v)| (k.to_owned(), v.replace("{subnet}", subnet)))
        .collect()
}

#[tokio::test]
async fn the_seed_world_is_the_api_reference_examples_world() {
    let server = server_with_init(SEED_ACCOUNT, SEED_REGION, "seed-world.json", 1).await;

    let vpc = server
        .call("DescribeVpcs", &[("VpcId.1", "vpc-c31dafaa")])
        .await;
    let vpc = &vpc.ok().items("vpcSet")[0];
    assert_eq!(vpc.get("cidrBlock"), "10.0.0.0/16");
    assert_eq!(vpc.get("ownerId"), SEED_ACCOUNT);
    assert_eq!(vpc.text("ipv6CidrBlock"), "2001:db8:1234:1a00::/56");

    let subnets = server
        .call(
            "DescribeSubnets",
            &[
                ("SubnetId.1", "subnet-b2a249da"),
                ("SubnetId.2", "subnet-a61dafcf"),
            ],
        )
        .await;
    let subnets = subnets.ok().items("subnetSet");
    let by_id = |id: &str| *subnets.iter().find(|s| s.get("subnetId") == id).unwrap();
    let b2 = by_id("subnet-b2a249da");
    assert_eq!(b2.get("cidrBlock"), "10.0.2.0/24");
    assert_eq!(b2.get("availabilityZone"), "ap-southeast-1b");
    assert_eq!(b2.get("vpcId"), "vpc-c31dafaa");
    // 251 usable addresses, one of them eni-cfca76a6's.
    assert_eq!(b2.get("availableIpAddressCount"), "250");
    let a6 = by_id("subnet-a61dafcf");
    assert_eq!(a6.get("cidrBlock"), "10.0.3.0/24");
    assert_eq!(a6.get("availabilityZone"), "ap-southeast-1b");

    // Both groups the samples show, each the `default` group of its own VPC.
    let groups = server
        .call(
            "DescribeSecurityGroups",
            &[("GroupId.1", "sg-1a2b3c4d"), ("GroupId.2", "sg-188d9f74")],
        )
        .await;
    let groups = groups.ok().items("securityGroupInfo");
    assert_eq!(groups.len(), 2);
    for g in &groups {
        assert_eq!(g.get("groupName"), "default");
    }
    let vpc_of = |id: &str| {
        groups
            .iter()
            .find(|g| g.get("groupId") == id)
            .unwrap()
            .get("vpcId")
    };
    assert_eq!(vpc_of("sg-1a2b3c4d"), "vpc-c31dafaa");
    let default_vpc = server
        .call(
            "DescribeVpcs",
            &[
                ("Filter.1.Name", "is-default"),
                ("Filter.1.Value.1", "true"),
            ],
        )
        .await
        .ok()
        .items("vpcSet")[0]
        .get("vpcId");
    assert_eq!(vpc_of("sg-188d9f74"), default_vpc);

    // eni-cfca76a6 is Example 1's reply, value for value.
    let sample = Node::parse(
        &std::fs::read_to_string(format!(
            "{}/fixtures/create_network_interface/example1.response.xml",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    );
    let sample = sample.find("networkInterface").unwrap();
    let reply = server
        .call(
            "DescribeNetworkInterfaces",
            &[("NetworkInterfaceId.1", "eni-cfca76a6")],
        )
        .await;
    let eni = &reply.ok().items("networkInterfaceSet")[0];
    for field in [
        "networkInterfaceId",
        "subnetId",
        "vpcId",
        "availabilityZone",
        "description",
        "ownerId",
        "requesterManaged",
        "status",
        "macAddress",
        "privateIpAddress",
        "privateDnsName",
        "sourceDestCheck",
    ] {
        assert_eq!(eni.get(field), sample.get(field), "{field}");
    }
    assert_eq!(eni.text("groupId"), "sg-1a2b3c4d");
    assert_eq!(eni.text("groupName"), "default");
}

#[tokio::test]
async fn the_four_examples_replay_against_the_seed_world() {
    let server = server_with_init(SEED_ACCOUNT, SEED_REGION, "seed-world.json", 2).await;
    let client = reqwest::Client::new();
    for n in 1..=4 {
        // Examples 3 and 4 both ask for 10.0.2.130: each starts from the file again.
        let reset = client
            .post(format!("{}/_ec2-mock/reset", server.endpoint))
            .header("Content-Type", "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(reset.status(), 200);
        let params = example_request(n, "subnet-b2a249da");
        let params: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let reply = server.call("CreateNetworkInterface", &params).await;
        let eni = reply.ok().find("networkInterface").unwrap();
        assert_eq!(eni.get("subnetId"), "subnet-b2a249da", "example {n}");
        assert_eq!(eni.get("vpcId"), "vpc-c31dafaa");
        assert_eq!(eni.get("ownerId"), SEED_ACCOUNT);
        assert_eq!(eni.text("groupId"), "sg-1a2b3c4d");
        for (k, v) in &params {
            if k.ends_with("PrivateIpAddress") {
                assert!(
                    eni.all("privateIpAddress").contains(&v.to_string()),
                    "example {n}: {v}"
                );
            }
        }
        // Never eni-cfca76a6's address.
        assert!(!eni
            .all("privateIpAddress")
            .contains(&"10.0.2.157".to_owned()));
    }
}

#[tokio::test]
async fn the_minimal_file_adds_to_the_default_world() {
    let server = server_with_init("123456789012", "us-east-1", "minimal.json", 3).await;
    let vpcs = server.call("DescribeVpcs", &[]).await;
    let vpcs = vpcs.ok().items("vpcSet");
    assert_eq!(vpcs.len(), 2, "the default VPC and the file's");
    let dev = vpcs
        .iter()
        .find(|v| v.get("vpcId") == "vpc-0a1b2c3d4e5f60718")
        .unwrap();
    assert_eq!(dev.tags()["Name"], "dev");
    assert_eq!(dev.get("isDefault"), "false");
    let subnet = server
        .call(
            "DescribeSubnets",
            &[("SubnetId.1", "subnet-0a1b2c3d4e5f60718")],
        )
        .await;
    assert_eq!(subnet.ok().text("cidrBlock"), "10.0.1.0/24");
    // Another world is untouched by the file.
    let other = server
        .call_as("111122223333", "us-east-1", "DescribeVpcs", &[])
        .await;
    assert_eq!(other.ok().items("vpcSet").len(), 1);
}

#[tokio::test]
async fn every_kind_of_entry_loads() {
    let server = server_with_init("111122223333", "eu-west-1", "everything.json", 4).await;
    // No default VPC besides the one the file declares.
    let vpcs = server.call("DescribeVpcs", &[]).await;
    assert_eq!(vpcs.ok().items("vpcSet").len(), 2);
    let default = server
        .call("DescribeVpcs", &[("VpcId.1", "vpc-0f1e2d3c4b5a69788")])
        .await;
    assert_eq!(default.ok().text("isDefault"), "true");
    assert_eq!(default.ok().text("dhcpOptionsId"), "dopt-0f1e2d3c4b5a69788");

    let eni = server
        .call(
            "DescribeNetworkInterfaces",
            &[("NetworkInterfaceId.1", "eni-55555555")],
        )
        .await;
    let eni = &eni.ok().items("networkInterfaceSet")[0];
    assert_eq!(eni.get("macAddress"), "02:00:00:00:55:55");
    assert_eq!(eni.get("privateIpAddress"), "10.1.0.10");
    assert_eq!(eni.get("sourceDestCheck"), "false");
    assert_eq!(
        eni.all("privateIpAddress"),
        ["10.1.0.10", "10.1.0.10", "10.1.0.11"]
    );
    assert_eq!(eni.text("ipv4Prefix"), "10.1.0.32/28");
    assert_eq!(eni.text("ipv6Prefix"), "2600:1f18:aa00:1100:1::/80");
    assert_eq!(eni.get("ipv6Address"), "2600:1f18:aa00:1100::10");
    assert_eq!(eni.text("tcpEstablishedTimeout"), "3600");
    assert_eq!(eni.all("groupId"), ["sg-33333333", "sg-44444444"]);

    // The prefix's 16 addresses are taken: asking for one of them is refused.
    let taken = server
        .call(
            "CreateNetworkInterface",
            &[
                ("SubnetId", "subnet-22222222"),
                ("PrivateIpAddress", "10.1.0.40"),
            ],
        )
        .await;
    taken.err400("InvalidIPAddress.InUse");

    let rules = server
        .call("DescribeSecurityGroups", &[("GroupId.1", "sg-33333333")])
        .await;
    let body = &rules.body;
    assert!(
        body.contains("sg-44444444") && body.contains("HTTPS"),
        "{body}"
    );

    let perms = server
        .call("DescribeNetworkInterfacePermissions", &[])
        .await;
    let ids = perms.ok().all("networkInterfacePermissionId");
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&"eni-perm-66666666".to_owned()));

    // The client token is known: the same token with another request is a mismatch.
    let retry = server
        .call(
            "CreateNetworkInterface",
            &[("SubnetId", "subnet-22222222"), ("ClientToken", "web-1")],
        )
        .await;
    retry.err400("IdempotentParameterMismatch");

    // The routing layer: gateways attached, tables with their routes (two blackholes: one
    // interface is unattached, the other gone) and associations, ACLs with their rules, the prefix list at
    // its version, each under the file's IDs.
    let tables = server
        .call("DescribeRouteTables", &[("RouteTableId.1", "rtb-bbbbbbbb")])
        .await;
    let table = &tables.ok().items("routeTableSet")[0];
    assert_eq!(
        table.all("gatewayId"),
        ["igw-88888888", "local", "local", "igw-88888888"],
        "{}",
        tables.body
    );
    assert_eq!(
        table.all("state"),
        [
            "associated",
            "associated",
            "active",
            "active",
            "active",
            "active",
            "blackhole",
            "blackhole"
        ]
    );
    assert_eq!(
        table.all("routeTableAssociationId"),
        ["rtbassoc-bbbbbbbb", "rtbassoc-bbbbbbbc"]
    );
    let main = server
        .call(
            "DescribeRouteTables",
            &[
                ("Filter.1.Name", "association.main"),
                ("Filter.1.Value.1", "true"),
                ("Filter.2.Name", "vpc-id"),
                ("Filter.2.Value.1", "vpc-11111111"),
            ],
        )
        .await;
    // The table's own ID and its main association's.
    assert_eq!(
        main.ok().all("routeTableId"),
        ["rtb-aaaaaaaa", "rtb-aaaaaaaa"]
    );
    assert_eq!(
        main.ok().text("routeTableAssociationId"),
        "rtbassoc-aaaaaaaa"
    );
    let gateways = server.call("DescribeInternetGateways", &[]).await;
    assert_eq!(gateways.ok().items("internetGatewaySet").len(), 3);
    let acl = server
        .call("DescribeNetworkAcls", &[("NetworkAclId.1", "acl-dddddddd")])
        .await;
    // Egress first, each direction by number, with the final `*` rules (IPv4 and IPv6).
    assert_eq!(
        acl.ok().all("ruleNumber"),
        ["100", "32767", "32768", "100", "110", "32767", "32768"]
    );
    assert_eq!(
        acl.ok().text("networkAclAssociationId"),
        "aclassoc-dddddddd"
    );
    let list = server
        .call(
            "DescribeManagedPrefixLists",
            &[("PrefixListId.1", "pl-77777777")],
        )
        .await;
    assert_eq!(list.ok().text("version"), "3");
}

/// Each kind of invalid file, and the entry and words its refusal must contain.
const INVALID: &[(&str, &str, &str)] = &[
    (
        "overlapping-subnets",
        "accounts[123456789012].regions[us-east-1].subnets[1] (subnet-33333333)",
        "CIDR 10.0.2.128/25 overlaps subnet-22222222 (10.0.2.0/24)",
    ),
    (
        "subnet-outside-vpc",
        "subnets[0] (subnet-33333333)",
        "inside its VPC's (10.0.0.0/16)",
    ),
    (
        "subnet-too-large",
        "subnets[0] (subnet-33333333)",
        "10.0.0.0/15 is invalid",
    ),
    (
        "vpc-too-large",
        "vpcs[0] (vpc-11111111)",
        "10.0.0.0/8 is invalid",
    ),
    (
        "unknown-vpc",
        "subnets[0] (subnet-33333333)",
        "vpc-99999999' does not exist",
    ),
    (
        "zone-not-in-region",
        "subnets[0] (subnet-33333333)",
        "eu-west-1a",
    ),
    ("duplicate-id", "subnets[1] (subnet-22222222)", "used twice"),
    ("malformed-id", "subnets[0] (subnet-xyz)", "not a valid ID"),
    (
        "address-outside-subnet",
        "networkInterfaces[0] (eni-44444444)",
        "10.0.3.10 does not fall within the subnet",
    ),
    (
        "reserved-address",
        "networkInterfaces[0] (eni-44444444)",
        "10.0.2.3 is in subnet's reserved address range",
    ),
    (
        "duplicate-address",
        "networkInterfaces[1] (eni-55555555)",
        "10.0.2.10 is already in use by eni-44444444",
    ),
    (
        "misaligned-prefix",
        "networkInterfaces[0] (eni-44444444)",
        "aligned /28",
    ),
    (
        "prefix-overlaps-address",
        "networkInterfaces[1] (eni-55555555)",
        "10.0.2.32/28 is already in use by eni-44444444",
    ),
    (
        "unknown-group",
        "networkInterfaces[0] (eni-44444444)",
        "sg-99999999",
    ),
    (
        "group-in-other-vpc",
        "networkInterfaces[0] (eni-44444444)",
        "belong to different networks",
    ),
    (
        "two-default-groups",
        "securityGroups[1] (sg-77777777)",
        "one default group",
    ),
    (
        "rule-duplicate",
        "securityGroups[0] (sg-66666666).ingress[1]",
        "already exists",
    ),
    (
        "ipv6-without-vpc-block",
        "subnets[0] (subnet-22222222)",
        "no IPv6 CIDR block",
    ),
    (
        "unknown-interface-permission",
        "interfacePermissions[0]",
        "eni-99999999' does not exist",
    ),
    (
        "two-main-route-tables",
        "routeTables[1] (rtb-22222222)",
        "routeTables[0] already is it",
    ),
    (
        "route-to-detached-gateway",
        "routeTables[0] (rtb-11111111).routes[0]",
        "belong to different networks",
    ),
    (
        "active-route-marked-blackhole",
        "routeTables[0] (rtb-11111111).routes[0]",
        "marked blackhole, but its target is there",
    ),
    (
        "acl-entry-without-ports",
        "networkAcls[0] (acl-11111111).entries[0]",
        "PortRange.From and PortRange.To are required",
    ),
    (
        "subnet-in-two-acls",
        "networkAcls[1] (acl-22222222).associations[0]",
        "another entry already lists it",
    ),
    (
        "prefix-list-over-max-entries",
        "prefixLists[0] (pl-11111111)",
        "more entries than its maximum of 1",
    ),
    ("bad-account", "accounts[12345]", "12 digits"),
    ("bad-region", "regions[mars-north-1]", "unknown region"),
    ("unknown-field", "", "unknown field `cidr`"),
    ("not-json", "", "line 1 column 1"),
];

#[tokio::test]
async fn each_kind_of_invalid_file_stops_startup_naming_the_entry() {
    for (name, entry, words) in INVALID {
        let file = format!("{FIXTURES}/invalid/{name}.json");
        let refusal = run_to_exit(command(&["--port", "0", "--init", &file])).await;
        assert_eq!(refusal.code, Some(2), "{name}: {}", refusal.stderr);
        assert_eq!(
            refusal.stdout, "",
            "{name}: the server must not have started"
        );
        let stderr = refusal.stderr;
        assert!(
            stderr.contains(&format!("--init {file}")),
            "{name}: {stderr}"
        );
        assert!(
            stderr.contains(entry),
            "{name}: no entry {entry:?} in {stderr}"
        );
        assert!(stderr.contains(words), "{name}: no {words:?} in {stderr}");
        // The same refusal through the library, for embedders.
        let err = read_init(Path::new(&file)).unwrap_err().to_string();
        assert!(err.contains(entry) && err.contains(words), "{name}: {err}");
    }
    // Every invalid fixture is in the table.
    let listed = std::fs::read_dir(format!("{FIXTURES}/invalid"))
        .unwrap()
        .count();
    assert_eq!(listed, INVALID.len());
}

#[tokio::test]
async fn a_missing_init_file_stops_startup() {
    let refusal = run_to_exit(command(&["--port", "0", "--init", "/no/such/file.json"])).await;
    assert_eq!(refusal.code, Some(2));
    assert_eq!(refusal.stdout, "");
    assert!(
        refusal.stderr.contains("cannot read /no/such/file.json"),
        "{}",
        refusal.stderr
    );
}

#[tokio::test]
async fn the_environment_variable_names_the_init_file() {
    let mut cmd = command(&["--port", "0"]);
    cmd.env("EC2_MOCK_INIT", format!("{FIXTURES}/minimal.json"));
    let server = Binary::spawn(cmd).await;
    let vpcs = server.ok("DescribeVpcs", &[]).await.all("vpcId");
    assert!(
        vpcs.contains(&"vpc-0a1b2c3d4e5f60718".to_owned()),
        "{vpcs:?}"
    );
    server.stop("TERM").await;
}
