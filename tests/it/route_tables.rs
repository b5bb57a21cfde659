//! Route tables over HTTP: each VPC's main table and its `local` routes, tables users make,
//! subnet and gateway (edge) associations, moving the main association, routes to every
//! modelled target and their states, EC2's refusals, filters, pages, tags, dry runs, and
//! isolation between worlds and seeded IDs.

use ec2_mock::Config;

use crate::support::{
    east, ids, is_long_id, routes, summary_totals, table_items, west_v4_only, Net, Node, RouteRow,
    Server, ACCOUNT, KEY,
};

/// The associations of a table: (association ID, main, subnet or gateway ID or "").
fn associations(table: &Node) -> Vec<(String, bool, String)> {
    table
        .items("associationSet")
        .iter()
        .map(|a| {
            assert_eq!(a.text("state"), "associated", "{a:#?}");
            let with = a
                .child("subnetId")
                .or_else(|| a.child("gatewayId"))
                .map(|c| c.text.clone())
                .unwrap_or_default();
            (
                a.get("routeTableAssociationId"),
                a.get("main") == "true",
                with,
            )
        })
        .collect()
}

async fn associate(n: &Net, table: &str, with: (&str, &str)) -> String {
    let r = n
        .call("AssociateRouteTable", &[("RouteTableId", table), with])
        .await;
    let doc = r.ok();
    assert_eq!(doc.text("state"), "associated", "{}", r.body);
    doc.text("associationId")
}

async fn table_ids(n: &Net, filters: &[(&str, &str)]) -> Vec<String> {
    let mut params = Vec::new();
    for (i, (name, value)) in filters.iter().enumerate() {
        params.push((format!("Filter.{}.Name", i + 1), (*name).to_owned()));
        params.push((format!("Filter.{}.Value.1", i + 1), (*value).to_owned()));
    }
    let refs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut found = ids(&n.tables(&refs).await, "routeTableId");
    found.sort();
    found
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[tokio::test]
async fn every_vpc_is_born_with_a_main_table_holding_its_local_routes() {
    let n = east().await;
    let main = n.main_table(&n.vpc).await;
    let id = main.get("routeTableId");
    assert!(is_long_id(&id, "rtb"), "{id}");
    assert_eq!(main.get("vpcId"), n.vpc);
    assert_eq!(main.get("ownerId"), ACCOUNT);
    let v6 = n.vpc_ipv6.unwrap().to_string();
    assert_eq!(
        routes(&main),
        [
            RouteRow::new("10.0.0.0/16", "local", "active", "CreateRouteTable"),
            RouteRow::new(&v6, "local", "active", "CreateRouteTable"),
        ]
    );
    // The main association names no subnet: subnets use the main table implicitly.
    let assocs = associations(&main);
    assert_eq!(assocs.len(), 1, "{main:#?}");
    assert!(assocs[0].1);
    assert_eq!(assocs[0].2, "");
    assert!(is_long_id(&assocs[0].0, "rtbassoc"), "{assocs:?}");
    assert!(main.items("propagatingVgwSet").is_empty());

    // An IPv4-only VPC has only the IPv4 local route; a table made later has the same.
    let (vpc4, _) = n.add_vpc("10.9.0.0/16").await;
    assert_eq!(
        routes(&n.main_table(&vpc4).await),
        [RouteRow::new(
            "10.9.0.0/16",
            "local",
            "active",
            "CreateRouteTable"
        )]
    );
    let r = n.call("CreateRouteTable", &[("VpcId", &n.vpc)]).await;
    let made = r.ok().child("routeTable").unwrap().clone();
    assert_eq!(routes(&made), routes(&main));
    assert!(associations(&made).is_empty());
}

#[tokio::test]
async fn create_tag_describe_and_delete() {
    let n = west_v4_only().await;
    let r = n
        .call(
            "CreateRouteTable",
            &[
                ("VpcId", &n.vpc),
                ("TagSpecification.1.ResourceType", "route-table"),
                ("TagSpecification.1.Tag.1.Key", "Name"),
                ("TagSpecification.1.Tag.1.Value", "public"),
            ],
        )
        .await;
    let made = r.ok().child("routeTable").unwrap().clone();
    let id = made.get("routeTableId");
    assert_eq!(made.tags()["Name"], "public");
    n.call(
        "CreateTags",
        &[
            ("ResourceId.1", &id),
            ("Tag.1.Key", "tier"),
            ("Tag.1.Value", "web"),
        ],
    )
    .await
    .ok();
    let described = n.table(&id).await;
    assert_eq!(described.tags().len(), 2);
    assert_eq!(
        table_ids(&n, &[("tag:tier", "web")]).await,
        vec![id.clone()]
    );
    assert_eq!(
        table_ids(&n, &[("tag-key", "Name")]).await,
        vec![id.clone()]
    );

    n.call("DeleteRouteTable", &[("RouteTableId", &id)])
        .await
        .ok();
    let msg = n
        .call("DescribeRouteTables", &[("RouteTableId.1", &id)])
        .await
        .err400("InvalidRouteTableID.NotFound");
    assert!(msg.contains(&id), "{msg}");
    n.call("DeleteRouteTable", &[("RouteTableId", &id)])
        .await
        .err400("InvalidRouteTableID.NotFound");
    n.call("DeleteRouteTable", &[("RouteTableId", "rtb-12")])
        .await
        .err400("InvalidRouteTableId.Malformed");
    n.call("CreateRouteTable", &[("VpcId", "vpc-0123456789abcdef0")])
        .await
        .err400("InvalidVpcID.NotFound");
    n.call("CreateRouteTable", &[])
        .await
        .err400("MissingParameter");
    n.call(
        "CreateRouteTable",
        &[
            ("VpcId", &n.vpc),
            ("TagSpecification.1.ResourceType", "vpc"),
            ("TagSpecification.1.Tag.1.Key", "Name"),
            ("TagSpecification.1.Tag.1.Value", "x"),
        ],
    )
    .await
    .err400("InvalidParameterValue");
    // The refused calls made nothing: the VPC still has its main table only.
    assert_eq!(table_ids(&n, &[("vpc-id", &n.vpc)]).await.len(), 1);
}

#[tokio::test]
async fn a_subnet_has_one_explicit_association_at_a_time() {
    let n = west_v4_only().await;
    let (a, b) = (n.create_table(&n.vpc).await, n.create_table(&n.vpc).await);
    let assoc = associate(&n, &a, ("SubnetId", &n.subnet)).await;
    assert!(is_long_id(&assoc, "rtbassoc"), "{assoc}");
    assert_eq!(
        associations(&n.table(&a).await),
        [(assoc.clone(), false, n.subnet.clone())]
    );
    assert_eq!(
        table_ids(&n, &[("association.subnet-id", &n.subnet)]).await,
        vec![a.clone()]
    );
    assert_eq!(
        table_ids(&n, &[("association.route-table-association-id", &assoc)]).await,
        vec![a.clone()]
    );

    // A second explicit association for the subnet conflicts, whichever table.
    for table in [&a, &b] {
        n.call(
            "AssociateRouteTable",
            &[("RouteTableId", table), ("SubnetId", &n.subnet)],
        )
        .await
        .err400("Resource.AlreadyAssociated");
    }
    // A table in use cannot go.
    let msg = n
        .call("DeleteRouteTable", &[("RouteTableId", &a)])
        .await
        .err400("DependencyViolation");
    assert_eq!(
        msg,
        format!("The routeTable '{a}' has dependencies and cannot be deleted.")
    );

    // Replacing moves the subnet to `b` under a new association ID; the old one is gone.
    let r = n
        .call(
            "ReplaceRouteTableAssociation",
            &[("AssociationId", &assoc), ("RouteTableId", &b)],
        )
        .await;
    let moved = r.ok().text("newAssociationId");
    assert_ne!(moved, assoc);
    assert_eq!(r.ok().text("state"), "associated");
    assert!(associations(&n.table(&a).await).is_empty());
    assert_eq!(
        associations(&n.table(&b).await),
        [(moved.clone(), false, n.subnet.clone())]
    );
    n.call("DisassociateRouteTable", &[("AssociationId", &assoc)])
        .await
        .err400("InvalidAssociationID.NotFound");

    // Disassociated, the subnet falls back to the main table; both tables can go.
    n.call("DisassociateRouteTable", &[("AssociationId", &moved)])
        .await
        .ok();
    assert!(associations(&n.table(&b).await).is_empty());
    assert!(table_ids(&n, &[("association.subnet-id", &n.subnet)])
        .await
        .is_empty());
    for table in [&a, &b] {
        n.call("DeleteRouteTable", &[("RouteTableId", table)])
            .await
            .ok();
    }
}

#[tokio::test]
async fn associations_stay_inside_their_vpc_and_name_one_thing() {
    let n = west_v4_only().await;
    let table = n.create_table(&n.vpc).await;
    let (other_vpc, _) = n.add_vpc("10.2.0.0/16").await;
    let (other_subnet, _) = n
        .add_subnet(&other_vpc, "10.2.1.0/24", "eu-west-1a", None)
        .await;
    n.call(
        "AssociateRouteTable",
        &[("RouteTableId", &table), ("SubnetId", &other_subnet)],
    )
    .await
    .err400("InvalidParameterValue");
    let other_table = n.create_table(&other_vpc).await;
    let assoc = associate(&n, &other_table, ("SubnetId", &other_subnet)).await;
    n.call(
        "ReplaceRouteTableAssociation",
        &[("AssociationId", &assoc), ("RouteTableId", &table)],
    )
    .await
    .err400("InvalidParameterValue");
    let igw = n.attached_igw(&n.vpc).await;
    n.call(
        "AssociateRouteTable",
        &[
            ("RouteTableId", &table),
            ("SubnetId", &n.subnet),
            ("GatewayId", &igw),
        ],
    )
    .await
    .err400("InvalidParameterCombination");
    n.call("AssociateRouteTable", &[("RouteTableId", &table)])
        .await
        .err400("MissingParameter");
    n.call(
        "AssociateRouteTable",
        &[
            ("RouteTableId", &table),
            ("SubnetId", "subnet-0123456789abcdef0"),
        ],
    )
    .await
    .err400("InvalidSubnetID.NotFound");
    n.call(
        "DisassociateRouteTable",
        &[("AssociationId", "rtbassoc-0123456789abcdef0")],
    )
    .await
    .err400("InvalidAssociationID.NotFound");
    // None of that associated anything.
    assert!(associations(&n.table(&table).await).is_empty());
    assert_eq!(associations(&n.table(&other_table).await).len(), 1);
}

#[tokio::test]
async fn deleting_a_subnet_takes_its_association_with_it() {
    let n = west_v4_only().await;
    let (subnet, _) = n
        .add_subnet(&n.vpc, "10.1.9.0/24", "eu-west-1b", None)
        .await;
    let table = n.create_table(&n.vpc).await;
    associate(&n, &table, ("SubnetId", &subnet)).await;
    n.call("DeleteSubnet", &[("SubnetId", &subnet)]).await.ok();
    assert!(associations(&n.table(&table).await).is_empty());
    n.call("DeleteRouteTable", &[("RouteTableId", &table)])
        .await
        .ok();
}

#[tokio::test]
async fn a_gateway_edge_association_holds_the_gateway_attached() {
    let n = west_v4_only().await;
    let table = n.create_table(&n.vpc).await;
    let igw = n.attached_igw(&n.vpc).await;
    let assoc = associate(&n, &table, ("GatewayId", &igw)).await;
    assert_eq!(
        associations(&n.table(&table).await),
        [(assoc.clone(), false, igw.clone())]
    );
    assert_eq!(
        table_ids(&n, &[("association.gateway-id", &igw)]).await,
        vec![table.clone()]
    );
    // One edge association per gateway.
    let second = n.create_table(&n.vpc).await;
    n.call(
        "AssociateRouteTable",
        &[("RouteTableId", &second), ("GatewayId", &igw)],
    )
    .await
    .err400("Resource.AlreadyAssociated");
    n.call(
        "DetachInternetGateway",
        &[("InternetGatewayId", &igw), ("VpcId", &n.vpc)],
    )
    .await
    .err400("DependencyViolation");
    n.call("DisassociateRouteTable", &[("AssociationId", &assoc)])
        .await
        .ok();
    n.call(
        "DetachInternetGateway",
        &[("InternetGatewayId", &igw), ("VpcId", &n.vpc)],
    )
    .await
    .ok();
    // A detached gateway is no edge of this VPC's.
    n.call(
        "AssociateRouteTable",
        &[("RouteTableId", &table), ("GatewayId", &igw)],
    )
    .await
    .err400("InvalidParameterValue");
}

#[tokio::test]
async fn the_main_association_moves_and_never_goes_away() {
    let n = west_v4_only().await;
    let old_main = n.main_table(&n.vpc).await;
    let old_id = old_main.get("routeTableId");
    let main_assoc = associations(&old_main)[0].0.clone();
    n.call("DisassociateRouteTable", &[("AssociationId", &main_assoc)])
        .await
        .err400("InvalidParameterValue");
    n.call("DeleteRouteTable", &[("RouteTableId", &old_id)])
        .await
        .err400("DependencyViolation");

    let new_main = n.create_table(&n.vpc).await;
    let r = n
        .call(
            "ReplaceRouteTableAssociation",
            &[("AssociationId", &main_assoc), ("RouteTableId", &new_main)],
        )
        .await;
    let moved = r.ok().text("newAssociationId");
    assert_eq!(n.main_table(&n.vpc).await.get("routeTableId"), new_main);
    let shown = associations(&n.table(&new_main).await);
    assert_eq!(shown, [(moved, true, String::new())]);
    // The old main table is an ordinary one now: no association, so the main filter skips it
    // either way, and it can be deleted.
    assert!(associations(&n.table(&old_id).await).is_empty());
    assert!(
        !table_ids(&n, &[("vpc-id", &n.vpc), ("association.main", "false")])
            .await
            .contains(&old_id)
    );
    // The VPC keeps the ordinary table as a dependency until it goes.
    n.call("DeleteVpc", &[("VpcId", &n.vpc)])
        .await
        .err400("DependencyViolation");
    n.call("DeleteRouteTable", &[("RouteTableId", &old_id)])
        .await
        .ok();
    n.call("DeleteRouteTable", &[("RouteTableId", &new_main)])
        .await
        .err400("DependencyViolation");
}

#[tokio::test]
async fn main_filter_true_and_false_by_association() {
    let n = west_v4_only().await;
    let main = n.main_table(&n.vpc).await.get("routeTableId");
    let explicit = n.create_table(&n.vpc).await;
    associate(&n, &explicit, ("SubnetId", &n.subnet)).await;
    let lone = n.create_table(&n.vpc).await;
    let main_is = |v: &'static str| [("vpc-id", n.vpc.clone()), ("association.main", v.into())];
    let [t0, t1] = main_is("true");
    assert_eq!(
        table_ids(&n, &[(t0.0, &t0.1), (t1.0, &t1.1)]).await,
        vec![main.clone()]
    );
    // The reference: "Route tables that do not have an association ID are not returned".
    let [f0, f1] = main_is("false");
    let not_main = table_ids(&n, &[(f0.0, &f0.1), (f1.0, &f1.1)]).await;
    assert_eq!(not_main, vec![explicit.clone()]);
    assert!(!not_main.contains(&lone));
    assert_eq!(
        table_ids(
            &n,
            &[
                ("vpc-id", &n.vpc),
                ("association.route-table-id", &explicit)
            ]
        )
        .await,
        [explicit]
    );
}

#[tokio::test]
async fn routes_to_every_target_with_their_states() {
    let n = east().await;
    let table = n.create_table(&n.vpc).await;
    let igw = n.attached_igw(&n.vpc).await;
    let eigw = n.eigw(&n.vpc).await;
    let eni = n.eni(&[]).await.get("networkInterfaceId");
    let pl = n.prefix_list("office", "5", &["198.51.100.0/24"]).await;
    for (dest, target) in [
        (
            ("DestinationCidrBlock", "0.0.0.0/0"),
            ("GatewayId", igw.as_str()),
        ),
        (
            ("DestinationIpv6CidrBlock", "::/0"),
            ("EgressOnlyInternetGatewayId", eigw.as_str()),
        ),
        (
            ("DestinationCidrBlock", "192.168.0.0/16"),
            ("NetworkInterfaceId", eni.as_str()),
        ),
        (
            ("DestinationPrefixListId", pl.as_str()),
            ("GatewayId", igw.as_str()),
        ),
    ] {
        let r = n.route(&table, dest, target).await;
        assert_eq!(r.ok().text("return"), "true", "{}", r.body);
    }
    let v6 = n.vpc_ipv6.unwrap().to_string();
    // A route to an interface no instance has is a blackhole (EC2's answer for it).
    assert_eq!(
        routes(&n.table(&table).await),
        [
            RouteRow::new("10.0.0.0/16", "local", "active", "CreateRouteTable"),
            RouteRow::new(&v6, "local", "active", "CreateRouteTable"),
            RouteRow::new("0.0.0.0/0", &igw, "active", "CreateRoute"),
            RouteRow::new("::/0", &eigw, "active", "CreateRoute"),
            RouteRow::new("192.168.0.0/16", &eni, "blackhole", "CreateRoute"),
            RouteRow::new(&pl, &igw, "active", "CreateRoute"),
        ]
    );
    for (filter, value) in [
        ("route.destination-cidr-block", "192.168.0.0/16"),
        ("route.destination-ipv6-cidr-block", "::/0"),
        ("route.destination-prefix-list-id", pl.as_str()),
        ("route.gateway-id", igw.as_str()),
        ("route.egress-only-internet-gateway-id", eigw.as_str()),
        ("route.state", "blackhole"),
        ("route.origin", "CreateRoute"),
    ] {
        assert_eq!(
            table_ids(&n, &[("vpc-id", &n.vpc), (filter, value)]).await,
            vec![table.clone()],
            "{filter}={value}"
        );
    }
    // Every table has local routes; no route here targets an instance.
    assert_eq!(
        table_ids(&n, &[("vpc-id", &n.vpc), ("route.gateway-id", "local")])
            .await
            .len(),
        2
    );
    assert!(
        table_ids(&n, &[("route.instance-id", "i-0123456789abcdef0")])
            .await
            .is_empty()
    );
    n.call(
        "DescribeRouteTables",
        &[("Filter.1.Name", "route.colour"), ("Filter.1.Value.1", "x")],
    )
    .await
    .err400("InvalidParameterValue");
}

#[tokio::test]
async fn one_route_per_destination_and_replace_and_delete_find_it() {
    let n = east().await;
    let table = n.create_table(&n.vpc).await;
    let igw = n.attached_igw(&n.vpc).await;
    let eni = n.eni(&[]).await.get("networkInterfaceId");
    let default = ("DestinationCidrBlock", "0.0.0.0/0");
    n.route(&table, default, ("GatewayId", &igw)).await.ok();
    let msg = n
        .route(&table, default, ("NetworkInterfaceId", &eni))
        .await
        .err400("RouteAlreadyExists");
    assert!(msg.contains("0.0.0.0/0"), "{msg}");
    // A destination is its network: 0.0.0.0/0 is the same route however it is spelt.
    n.call(
        "ReplaceRoute",
        &[
            ("RouteTableId", &table),
            default,
            ("NetworkInterfaceId", &eni),
        ],
    )
    .await
    .ok();
    let rows = routes(&n.table(&table).await);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(
        rows[2],
        RouteRow::new("0.0.0.0/0", &eni, "blackhole", "CreateRoute")
    );
    for action in ["ReplaceRoute", "DeleteRoute"] {
        let mut params = vec![
            ("RouteTableId", table.as_str()),
            ("DestinationCidrBlock", "172.16.0.0/12"),
        ];
        if action == "ReplaceRoute" {
            params.push(("GatewayId", &igw));
        }
        n.call(action, &params)
            .await
            .err400("InvalidRoute.NotFound");
    }
    n.call("DeleteRoute", &[("RouteTableId", &table), default])
        .await
        .ok();
    n.call("DeleteRoute", &[("RouteTableId", &table), default])
        .await
        .err400("InvalidRoute.NotFound");
    // The local routes cannot be deleted, but ReplaceRoute may point one back at `local`.
    n.call(
        "DeleteRoute",
        &[
            ("RouteTableId", &table),
            ("DestinationCidrBlock", "10.0.0.0/16"),
        ],
    )
    .await
    .err400("InvalidParameterValue");
    n.call(
        "ReplaceRoute",
        &[
            ("RouteTableId", &table),
            ("DestinationCidrBlock", "10.0.0.0/16"),
            ("LocalTarget", "true"),
        ],
    )
    .await
    .ok();
    assert_eq!(routes(&n.table(&table).await).len(), 2);
}

#[tokio::test]
async fn route_requests_are_checked_before_anything_changes() {
    let n = east().await;
    let table = n.create_table(&n.vpc).await;
    let igw = n.attached_igw(&n.vpc).await;
    let eni = n.eni(&[]).await.get("networkInterfaceId");
    let eigw = n.eigw(&n.vpc).await;
    let dest = ("DestinationCidrBlock", "0.0.0.0/0");
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![dest], "MissingParameter"),
        (vec![("GatewayId", &igw)], "MissingParameter"),
        (
            vec![dest, ("GatewayId", &igw), ("NetworkInterfaceId", &eni)],
            "InvalidParameterCombination",
        ),
        (
            vec![
                dest,
                ("DestinationIpv6CidrBlock", "::/0"),
                ("GatewayId", &igw),
            ],
            "InvalidParameterCombination",
        ),
        (
            vec![
                ("DestinationCidrBlock", "10.300.0.0/16"),
                ("GatewayId", &igw),
            ],
            "InvalidParameterValue",
        ),
        (
            vec![dest, ("GatewayId", "igw-0123456789abcdef0")],
            "InvalidGatewayID.NotFound",
        ),
        (
            vec![dest, ("NetworkInterfaceId", "eni-0123456789abcdef0")],
            "InvalidNetworkInterfaceID.NotFound",
        ),
        (
            vec![
                dest,
                ("EgressOnlyInternetGatewayId", "eigw-0123456789abcdef0"),
            ],
            "InvalidEgressOnlyInternetGatewayId.NotFound",
        ),
        (
            vec![
                ("DestinationPrefixListId", "pl-0123456789abcdef0"),
                ("GatewayId", &igw),
            ],
            "InvalidPrefixListID.NotFound",
        ),
        // An egress-only gateway is for IPv6 ("[IPv6 traffic only]" in the reference).
        (
            vec![dest, ("EgressOnlyInternetGatewayId", &eigw)],
            "InvalidParameterCombination",
        ),
        // A NAT gateway is not modelled: refused, not silently accepted.
        (
            vec![dest, ("NatGatewayId", "nat-0123456789abcdef0")],
            "UnsupportedOperation",
        ),
    ];
    for (params, code) in cases {
        let mut all = vec![("RouteTableId", table.as_str())];
        all.extend(params.iter().copied());
        let r = n.call("CreateRoute", &all).await;
        r.err400(code);
    }
    n.route("rtb-0123456789abcdef0", dest, ("GatewayId", &igw))
        .await
        .err400("InvalidRouteTableID.NotFound");
    // A gateway of another VPC is refused.
    let (other, _) = n.add_vpc("10.7.0.0/16").await;
    let other_igw = n.attached_igw(&other).await;
    n.route(&table, dest, ("GatewayId", &other_igw))
        .await
        .err400("InvalidParameterValue");
    assert_eq!(
        routes(&n.table(&table).await).len(),
        2,
        "only the local routes"
    );
}

#[tokio::test]
async fn routes_to_a_detached_or_deleted_gateway_are_blackholes() {
    let n = east().await;
    let main = n.main_table(&n.vpc).await.get("routeTableId");
    let igw = n.attached_igw(&n.vpc).await;
    let eigw = n.eigw(&n.vpc).await;
    n.route(
        &main,
        ("DestinationCidrBlock", "0.0.0.0/0"),
        ("GatewayId", &igw),
    )
    .await
    .ok();
    n.route(
        &main,
        ("DestinationIpv6CidrBlock", "::/0"),
        ("EgressOnlyInternetGatewayId", &eigw),
    )
    .await
    .ok();
    let states = |t: Node| -> Vec<String> { routes(&t).into_iter().map(|r| r.state).collect() };
    assert_eq!(states(n.table(&main).await), ["active"; 4]);
    let detach = [
        ("InternetGatewayId", igw.as_str()),
        ("VpcId", n.vpc.as_str()),
    ];
    n.call("DetachInternetGateway", &detach).await.ok();
    n.call(
        "DeleteEgressOnlyInternetGateway",
        &[("EgressOnlyInternetGatewayId", &eigw)],
    )
    .await
    .ok();
    assert_eq!(
        states(n.table(&main).await),
        ["active", "active", "blackhole", "blackhole"]
    );
    assert_eq!(
        table_ids(&n, &[("route.state", "blackhole")]).await,
        vec![main.clone()]
    );
    // Attached again, the gateway carries the route again.
    n.call("AttachInternetGateway", &detach).await.ok();
    assert_eq!(
        states(n.table(&main).await),
        ["active", "active", "active", "blackhole"]
    );
}

#[tokio::test]
async fn pages_of_route_tables() {
    let n = west_v4_only().await;
    for _ in 0..6 {
        n.create_table(&n.vpc).await;
    }
    let mut all = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut params = vec![
            ("Filter.1.Name", "vpc-id"),
            ("Filter.1.Value.1", n.vpc.as_str()),
            ("MaxResults", "5"),
        ];
        if let Some(t) = &token {
            params.push(("NextToken", t));
        }
        let r = n.call("DescribeRouteTables", &params).await;
        let items = table_items(&r);
        assert!(items.len() <= 5);
        all.extend(ids(&items, "routeTableId"));
        pages += 1;
        token = r.doc.find("nextToken").map(|t| t.text.clone());
        if token.is_none() {
            break;
        }
    }
    assert_eq!(pages, 2);
    assert_eq!(
        sorted(all.clone()),
        table_ids(&n, &[("vpc-id", &n.vpc)]).await
    );
    assert_eq!(all.len(), 7);
    // DescribeRouteTables takes 5 to 100 results a page (botocore's bounds).
    for bad in ["4", "101"] {
        n.call("DescribeRouteTables", &[("MaxResults", bad)])
            .await
            .err400("InvalidParameterValue");
    }
    n.call("DescribeRouteTables", &[("NextToken", "zz")])
        .await
        .err400("InvalidPaginationToken");
}

#[tokio::test]
async fn dry_runs_check_and_change_nothing() {
    let n = east().await;
    let table = n.create_table(&n.vpc).await;
    let igw = n.attached_igw(&n.vpc).await;
    let before = n.tables(&[]).await;
    let dry = ("DryRun", "true");
    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("CreateRouteTable", vec![("VpcId", n.vpc.as_str()), dry]),
        (
            "CreateRoute",
            vec![
                ("RouteTableId", &table),
                ("DestinationCidrBlock", "0.0.0.0/0"),
                ("GatewayId", &igw),
                dry,
            ],
        ),
        (
            "AssociateRouteTable",
            vec![("RouteTableId", &table), ("SubnetId", &n.subnet), dry],
        ),
        ("DeleteRouteTable", vec![("RouteTableId", &table), dry]),
        ("DescribeRouteTables", vec![dry]),
    ];
    for (action, params) in calls {
        let msg = n.call(action, &params).await.err("DryRunOperation", 412);
        assert_eq!(msg, "Request would have succeeded, but DryRun flag is set.");
    }
    assert_eq!(n.tables(&[]).await, before);
    // A dry run that would fail answers the failure.
    let main = n.main_table(&n.vpc).await.get("routeTableId");
    n.call("DeleteRouteTable", &[("RouteTableId", &main), dry])
        .await
        .err400("DependencyViolation");
}

#[tokio::test]
async fn tables_belong_to_one_account_and_region() {
    let n = east().await;
    let table = n.create_table(&n.vpc).await;
    for (key, region) in [(KEY, "eu-west-1"), ("111122223333", "us-east-1")] {
        n.s.call_as(
            key,
            region,
            "DescribeRouteTables",
            &[("RouteTableId.1", &table)],
        )
        .await
        .err400("InvalidRouteTableID.NotFound");
        n.s.call_as(key, region, "DeleteRouteTable", &[("RouteTableId", &table)])
            .await
            .err400("InvalidRouteTableID.NotFound");
    }
    // Each world has its own default VPC with its own main table.
    let r =
        n.s.call_as("111122223333", "us-east-1", "DescribeRouteTables", &[])
            .await;
    let theirs = table_items(&r);
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].get("ownerId"), "111122223333");
    assert!(n.tables(&[("RouteTableId.1", &table)]).await.len() == 1);
}

#[tokio::test]
async fn seeded_servers_draw_the_same_table_and_association_ids() {
    async fn draw(seed: u64) -> Vec<String> {
        let s = Server::with_config(Config::new("123456789012", "us-east-1", seed).unwrap()).await;
        let vpc = s
            .call("CreateVpc", &[("CidrBlock", "10.0.0.0/16")])
            .await
            .ok()
            .text("vpcId");
        let subnet = s
            .call(
                "CreateSubnet",
                &[("VpcId", &vpc), ("CidrBlock", "10.0.1.0/24")],
            )
            .await
            .ok()
            .text("subnetId");
        let table = s
            .call("CreateRouteTable", &[("VpcId", &vpc)])
            .await
            .ok()
            .text("routeTableId");
        let assoc = s
            .call(
                "AssociateRouteTable",
                &[("RouteTableId", &table), ("SubnetId", &subnet)],
            )
            .await
            .ok()
            .text("associationId");
        let main = s
            .call(
                "DescribeRouteTables",
                &[
                    ("Filter.1.Name", "vpc-id"),
                    ("Filter.1.Value.1", &vpc),
                    ("Filter.2.Name", "association.main"),
                    ("Filter.2.Value.1", "true"),
                ],
            )
            .await
            .ok()
            .text("routeTableId");
        vec![main, table, assoc]
    }
    assert_eq!(draw(42).await, draw(42).await);
    assert_ne!(draw(42).await, draw(7).await);
}

#[tokio::test]
async fn the_admin_summary_counts_route_tables() {
    let n = west_v4_only().await;
    // The eu-west-1 world: the default VPC's main table and the test VPC's.
    assert_eq!(summary_totals(&n.s).await["routeTables"], 2);
    let table = n.create_table(&n.vpc).await;
    assert_eq!(summary_totals(&n.s).await["routeTables"], 3);
    n.call("DeleteRouteTable", &[("RouteTableId", &table)])
        .await
        .ok();
    assert_eq!(summary_totals(&n.s).await["routeTables"], 2);
}
