//! Internet gateways and egress-only internet gateways over HTTP: the default VPC's gateway
//! and its default route, attach and detach with EC2's refusals, what a gateway keeps alive
//! (its VPC, edge associations), filters, pages, dry runs, and the worlds kept apart.

use ec2_mock::Config;

use crate::support::{
    east, ids, is_long_id, routes, summary_totals, west_v4_only, Net, Node, RouteRow, Server,
    ACCOUNT,
};

async fn gateways(n: &Net, params: &[(&str, &str)]) -> Vec<Node> {
    let r = n.call("DescribeInternetGateways", params).await;
    r.ok()
        .items("internetGatewaySet")
        .into_iter()
        .cloned()
        .collect()
}

async fn gateway(n: &Net, id: &str) -> Node {
    let found = gateways(n, &[("InternetGatewayId.1", id)]).await;
    assert_eq!(found.len(), 1);
    found[0].clone()
}

/// (state, VPC) of each attachment.
fn attachments(g: &Node) -> Vec<(String, String)> {
    g.items("attachmentSet")
        .iter()
        .map(|a| (a.get("state"), a.get("vpcId")))
        .collect()
}

async fn found_by(n: &Net, name: &str, value: &str) -> Vec<String> {
    let mut found = ids(
        &gateways(n, &[("Filter.1.Name", name), ("Filter.1.Value.1", value)]).await,
        "internetGatewayId",
    );
    found.sort();
    found
}

async fn default_vpc(n: &Net) -> String {
    let r = n
        .call(
            "DescribeVpcs",
            &[
                ("Filter.1.Name", "is-default"),
                ("Filter.1.Value.1", "true"),
            ],
        )
        .await;
    r.ok().items("vpcSet")[0].get("vpcId")
}

fn attach<'a>(igw: &'a str, vpc: &'a str) -> [(&'a str, &'a str); 2] {
    [("InternetGatewayId", igw), ("VpcId", vpc)]
}

#[tokio::test]
async fn the_default_vpc_has_an_attached_gateway_and_a_default_route_to_it() {
    let n = west_v4_only().await;
    let vpc = default_vpc(&n).await;
    let found = gateways(
        &n,
        &[
            ("Filter.1.Name", "attachment.vpc-id"),
            ("Filter.1.Value.1", &vpc),
        ],
    )
    .await;
    assert_eq!(found.len(), 1);
    let igw = found[0].get("internetGatewayId");
    assert!(is_long_id(&igw, "igw"), "{igw}");
    assert_eq!(found[0].get("ownerId"), ACCOUNT);
    // EC2 shows an attached gateway as `available`, which Terraform waits for.
    assert_eq!(attachments(&found[0]), [("available".into(), vpc.clone())]);
    assert_eq!(
        routes(&n.main_table(&vpc).await),
        [
            RouteRow::new("172.31.0.0/16", "local", "active", "CreateRouteTable"),
            RouteRow::new("0.0.0.0/0", &igw, "active", "CreateRoute"),
        ]
    );
    // A VPC you create has no gateway.
    assert!(found_by(&n, "attachment.vpc-id", &n.vpc).await.is_empty());
}

#[tokio::test]
async fn create_attach_detach_delete() {
    let n = west_v4_only().await;
    let r = n
        .call(
            "CreateInternetGateway",
            &[
                ("TagSpecification.1.ResourceType", "internet-gateway"),
                ("TagSpecification.1.Tag.1.Key", "Name"),
                ("TagSpecification.1.Tag.1.Value", "edge"),
            ],
        )
        .await;
    let made = r.ok().child("internetGateway").unwrap().clone();
    let igw = made.get("internetGatewayId");
    assert!(attachments(&made).is_empty());
    assert_eq!(made.tags()["Name"], "edge");

    let r = n.call("AttachInternetGateway", &attach(&igw, &n.vpc)).await;
    assert_eq!(r.ok().text("return"), "true");
    assert_eq!(
        attachments(&gateway(&n, &igw).await),
        [("available".into(), n.vpc.clone())]
    );

    // Attached, it holds its VPC and cannot itself be deleted.
    n.call("DeleteVpc", &[("VpcId", &n.vpc)])
        .await
        .err400("DependencyViolation");
    let msg = n
        .call("DeleteInternetGateway", &[("InternetGatewayId", &igw)])
        .await
        .err400("DependencyViolation");
    assert!(msg.contains(&igw), "{msg}");

    // Detaching names the VPC it is attached to.
    let (other, _) = n.add_vpc("10.2.0.0/16").await;
    n.call("DetachInternetGateway", &attach(&igw, &other))
        .await
        .err400("Gateway.NotAttached");
    n.call("DetachInternetGateway", &attach(&igw, &n.vpc))
        .await
        .ok();
    assert!(attachments(&gateway(&n, &igw).await).is_empty());
    n.call("DetachInternetGateway", &attach(&igw, &n.vpc))
        .await
        .err400("Gateway.NotAttached");

    n.call("DeleteInternetGateway", &[("InternetGatewayId", &igw)])
        .await
        .ok();
    n.call("DescribeInternetGateways", &[("InternetGatewayId.1", &igw)])
        .await
        .err400("InvalidInternetGatewayID.NotFound");
    n.call("AttachInternetGateway", &attach(&igw, &n.vpc))
        .await
        .err400("InvalidInternetGatewayID.NotFound");
    n.call("DeleteInternetGateway", &[("InternetGatewayId", "igw-1")])
        .await
        .err400("InvalidInternetGatewayId.Malformed");
    n.call(
        "AttachInternetGateway",
        &attach(&made.get("internetGatewayId"), "vpc-0123456789abcdef0"),
    )
    .await
    .err400("InvalidInternetGatewayID.NotFound");
    // With no gateway left, the VPC goes.
    n.call("DeleteSubnet", &[("SubnetId", &n.subnet)])
        .await
        .ok();
    n.call("DeleteVpc", &[("VpcId", &n.vpc)]).await.ok();
}

#[tokio::test]
async fn one_gateway_per_vpc_and_one_vpc_per_gateway() {
    let n = west_v4_only().await;
    let igw = n.attached_igw(&n.vpc).await;
    let (other, _) = n.add_vpc("10.2.0.0/16").await;
    // The same gateway to a second VPC, or to the same one again.
    for vpc in [&other, &n.vpc] {
        n.call("AttachInternetGateway", &attach(&igw, vpc))
            .await
            .err400("Resource.AlreadyAssociated");
    }
    // A second gateway to the VPC.
    let second = n
        .call("CreateInternetGateway", &[])
        .await
        .ok()
        .text("internetGatewayId");
    n.call("AttachInternetGateway", &attach(&second, &n.vpc))
        .await
        .err400("Resource.AlreadyAssociated");
    assert!(attachments(&gateway(&n, &second).await).is_empty());
    assert_eq!(
        attachments(&gateway(&n, &igw).await),
        [("available".into(), n.vpc.clone())]
    );
    n.call("AttachInternetGateway", &attach(&second, &other))
        .await
        .ok();
    n.call("AttachInternetGateway", &[("InternetGatewayId", &second)])
        .await
        .err400("MissingParameter");
}

#[tokio::test]
async fn filters_find_gateways_by_attachment_id_owner_and_tag() {
    let n = west_v4_only().await;
    let attached = n.attached_igw(&n.vpc).await;
    let loose = n
        .call(
            "CreateInternetGateway",
            &[
                ("TagSpecification.1.ResourceType", "internet-gateway"),
                ("TagSpecification.1.Tag.1.Key", "role"),
                ("TagSpecification.1.Tag.1.Value", "spare"),
            ],
        )
        .await
        .ok()
        .text("internetGatewayId");
    assert_eq!(
        found_by(&n, "attachment.vpc-id", &n.vpc).await,
        vec![attached.clone()]
    );
    // `available` matches the attached ones: ours and the default VPC's.
    let available = found_by(&n, "attachment.state", "available").await;
    assert_eq!(available.len(), 2);
    assert!(available.contains(&attached) && !available.contains(&loose));
    assert_eq!(
        found_by(&n, "internet-gateway-id", &loose).await,
        vec![loose.clone()]
    );
    assert_eq!(found_by(&n, "tag:role", "spare").await, vec![loose.clone()]);
    assert_eq!(found_by(&n, "tag-key", "role").await, vec![loose.clone()]);
    assert_eq!(found_by(&n, "owner-id", ACCOUNT).await.len(), 3);
    assert!(found_by(&n, "owner-id", "111122223333").await.is_empty());
    n.call(
        "DescribeInternetGateways",
        &[("Filter.1.Name", "vpc-id"), ("Filter.1.Value.1", "x")],
    )
    .await
    .err400("InvalidParameterValue");
}

#[tokio::test]
async fn pages_of_gateways() {
    let n = west_v4_only().await;
    for _ in 0..5 {
        n.call("CreateInternetGateway", &[]).await.ok();
    }
    let first = n
        .call("DescribeInternetGateways", &[("MaxResults", "5")])
        .await;
    let page1 = ids(
        &first
            .ok()
            .items("internetGatewaySet")
            .into_iter()
            .cloned()
            .collect::<Vec<_>>(),
        "internetGatewayId",
    );
    assert_eq!(page1.len(), 5);
    let token = first.ok().text("nextToken");
    let second = n
        .call(
            "DescribeInternetGateways",
            &[("MaxResults", "5"), ("NextToken", &token)],
        )
        .await;
    let page2 = second.ok().all("internetGatewayId");
    assert_eq!(page2.len(), 1, "six in all with the default VPC's");
    assert!(second.doc.find("nextToken").is_none());
    assert!(!page1.contains(&page2[0]));
    for bad in ["4", "1001"] {
        n.call("DescribeInternetGateways", &[("MaxResults", bad)])
            .await
            .err400("InvalidParameterValue");
    }
}

#[tokio::test]
async fn dry_runs_change_nothing() {
    let n = west_v4_only().await;
    let igw = n
        .call("CreateInternetGateway", &[])
        .await
        .ok()
        .text("internetGatewayId");
    let before = gateways(&n, &[]).await;
    let dry = ("DryRun", "true");
    let [g, v] = attach(&igw, &n.vpc);
    for (action, params) in [
        ("CreateInternetGateway", vec![dry]),
        ("AttachInternetGateway", vec![g, v, dry]),
        ("DeleteInternetGateway", vec![g, dry]),
        ("DescribeInternetGateways", vec![dry]),
    ] {
        n.call(action, &params).await.err("DryRunOperation", 412);
    }
    assert_eq!(gateways(&n, &[]).await, before);
    // A dry run that would be refused says why.
    n.call("DetachInternetGateway", &[g, v, dry])
        .await
        .err400("Gateway.NotAttached");
}

#[tokio::test]
async fn gateways_belong_to_one_account_and_region() {
    let n = west_v4_only().await;
    let igw = n
        .call("CreateInternetGateway", &[])
        .await
        .ok()
        .text("internetGatewayId");
    for (key, region) in [("AKIDEXAMPLE", "us-east-1"), ("111122223333", "eu-west-1")] {
        n.s.call_as(
            key,
            region,
            "DescribeInternetGateways",
            &[("InternetGatewayId.1", &igw)],
        )
        .await
        .err400("InvalidInternetGatewayID.NotFound");
    }
    // Another account's VPC is not ours to attach to.
    let theirs =
        n.s.call_as(
            "111122223333",
            "eu-west-1",
            "CreateVpc",
            &[("CidrBlock", "10.5.0.0/16")],
        )
        .await
        .ok()
        .text("vpcId");
    n.call("AttachInternetGateway", &attach(&igw, &theirs))
        .await
        .err400("InvalidVpcID.NotFound");
}

#[tokio::test]
async fn seeded_servers_draw_the_same_gateway_ids_and_the_summary_counts_them() {
    async fn draw(seed: u64) -> (Vec<String>, serde_json::Value) {
        let s = Server::with_config(Config::new("123456789012", "us-east-1", seed).unwrap()).await;
        let vpc = s
            .call("CreateVpc", &[("CidrBlock", "10.0.0.0/16")])
            .await
            .ok()
            .text("vpcId");
        let igw = s
            .call("CreateInternetGateway", &[])
            .await
            .ok()
            .text("internetGatewayId");
        let eigw = s
            .call("CreateEgressOnlyInternetGateway", &[("VpcId", &vpc)])
            .await
            .ok()
            .text("egressOnlyInternetGatewayId");
        (vec![igw, eigw], summary_totals(&s).await)
    }
    let (a, totals) = draw(42).await;
    assert_eq!(a, draw(42).await.0);
    assert_ne!(a, draw(7).await.0);
    // The default VPC's gateway and ours; one egress-only gateway.
    assert_eq!(totals["internetGateways"], 2);
    assert_eq!(totals["egressOnlyInternetGateways"], 1);
}

async fn egress_only(n: &Net, params: &[(&str, &str)]) -> Vec<Node> {
    let r = n.call("DescribeEgressOnlyInternetGateways", params).await;
    r.ok()
        .items("egressOnlyInternetGatewaySet")
        .into_iter()
        .cloned()
        .collect()
}

#[tokio::test]
async fn egress_only_gateways_are_bound_to_their_vpc() {
    let n = east().await;
    let r = n
        .call(
            "CreateEgressOnlyInternetGateway",
            &[
                ("VpcId", &n.vpc),
                ("ClientToken", "token-1"),
                (
                    "TagSpecification.1.ResourceType",
                    "egress-only-internet-gateway",
                ),
                ("TagSpecification.1.Tag.1.Key", "Name"),
                ("TagSpecification.1.Tag.1.Value", "v6-out"),
            ],
        )
        .await;
    let doc = r.ok();
    assert_eq!(doc.text("clientToken"), "token-1");
    let made = doc.child("egressOnlyInternetGateway").unwrap().clone();
    let eigw = made.get("egressOnlyInternetGatewayId");
    assert!(is_long_id(&eigw, "eigw"), "{eigw}");
    assert_eq!(made.tags()["Name"], "v6-out");
    // Egress-only gateways show their VPC as `attached` from creation.
    assert_eq!(attachments(&made), [("attached".into(), n.vpc.clone())]);
    let found = egress_only(&n, &[("EgressOnlyInternetGatewayId.1", &eigw)]).await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].children, made.children);
    let tagged = egress_only(
        &n,
        &[
            ("Filter.1.Name", "tag:Name"),
            ("Filter.1.Value.1", "v6-out"),
        ],
    )
    .await;
    assert_eq!(
        ids(&tagged, "egressOnlyInternetGatewayId"),
        vec![eigw.clone()]
    );

    // The VPC cannot go while it has one.
    n.call("DeleteSubnet", &[("SubnetId", &n.subnet)])
        .await
        .ok();
    n.call("DeleteVpc", &[("VpcId", &n.vpc)])
        .await
        .err400("DependencyViolation");

    // A route to it, then the gateway gone: the route stays, as a blackhole.
    let main = n.main_table(&n.vpc).await.get("routeTableId");
    n.route(
        &main,
        ("DestinationIpv6CidrBlock", "::/0"),
        ("EgressOnlyInternetGatewayId", &eigw),
    )
    .await
    .ok();
    assert_eq!(routes(&n.table(&main).await)[2].state, "active");
    let r = n
        .call(
            "DeleteEgressOnlyInternetGateway",
            &[("EgressOnlyInternetGatewayId", &eigw)],
        )
        .await;
    assert_eq!(r.ok().text("returnCode"), "true");
    assert_eq!(
        routes(&n.table(&main).await)[2],
        RouteRow::new("::/0", &eigw, "blackhole", "CreateRoute")
    );
    n.call(
        "DescribeEgressOnlyInternetGateways",
        &[("EgressOnlyInternetGatewayId.1", &eigw)],
    )
    .await
    .err400("InvalidEgressOnlyInternetGatewayId.NotFound");
    n.call(
        "DeleteEgressOnlyInternetGateway",
        &[("EgressOnlyInternetGatewayId", &eigw)],
    )
    .await
    .err400("InvalidEgressOnlyInternetGatewayId.NotFound");
    // A blackhole route in the main table does not hold the VPC.
    n.call("DeleteVpc", &[("VpcId", &n.vpc)]).await.ok();
}

#[tokio::test]
async fn egress_only_gateway_requests_are_checked() {
    let n = east().await;
    n.call(
        "CreateEgressOnlyInternetGateway",
        &[("VpcId", "vpc-0123456789abcdef0")],
    )
    .await
    .err400("InvalidVpcID.NotFound");
    n.call("CreateEgressOnlyInternetGateway", &[])
        .await
        .err400("MissingParameter");
    n.call(
        "CreateEgressOnlyInternetGateway",
        &[("VpcId", &n.vpc), ("DryRun", "true")],
    )
    .await
    .err("DryRunOperation", 412);
    assert!(egress_only(&n, &[]).await.is_empty());
    for _ in 0..6 {
        n.eigw(&n.vpc).await;
    }
    let r = n
        .call("DescribeEgressOnlyInternetGateways", &[("MaxResults", "5")])
        .await;
    assert_eq!(r.ok().all("egressOnlyInternetGatewayId").len(), 5);
    let token = r.ok().text("nextToken");
    let rest = egress_only(&n, &[("MaxResults", "5"), ("NextToken", &token)]).await;
    assert_eq!(rest.len(), 1);
    // This Describe pages by 5 to 255 (botocore's bounds).
    for bad in ["4", "256"] {
        n.call("DescribeEgressOnlyInternetGateways", &[("MaxResults", bad)])
            .await
            .err400("InvalidParameterValue");
    }
    n.call(
        "DeleteEgressOnlyInternetGateway",
        &[("EgressOnlyInternetGatewayId", "eigw-1")],
    )
    .await
    .err400("InvalidEgressOnlyInternetGatewayId.Malformed");
}
