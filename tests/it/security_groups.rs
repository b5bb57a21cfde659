//! Security groups: create, describe, delete, authorize and revoke, with EC2's errors.

use crate::support::{Node, Reply, Server};

const ACCOUNT: &str = "123456789012";

/// `call` with owned pairs, for parameters built with `format!`.
async fn call(s: &Server, action: &str, params: &[(String, String)]) -> Reply {
    let borrowed: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    s.call(action, &borrowed).await
}

fn kv(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

async fn default_vpc_id(s: &Server) -> String {
    let r = s
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

async fn create_vpc(s: &Server, cidr: &str, ipv6: bool) -> String {
    let ipv6 = if ipv6 { "true" } else { "false" };
    let r = s
        .call(
            "CreateVpc",
            &[("CidrBlock", cidr), ("AmazonProvidedIpv6CidrBlock", ipv6)],
        )
        .await;
    r.ok().text("vpcId")
}

/// Creates a group (in the default VPC when `vpc` is None) and returns its ID.
async fn create_group(s: &Server, name: &str, vpc: Option<&str>) -> String {
    let mut params = vec![("GroupName", name), ("GroupDescription", "test group")];
    if let Some(vpc) = vpc {
        params.push(("VpcId", vpc));
    }
    let r = s.call("CreateSecurityGroup", &params).await;
    r.ok().text("groupId")
}

/// The `securityGroupInfo` item of one group.
async fn describe(s: &Server, id: &str) -> Node {
    let r = s.call("DescribeSecurityGroups", &[("GroupId.1", id)]).await;
    let items = r.ok().items("securityGroupInfo");
    assert_eq!(items.len(), 1, "{}", r.body);
    items[0].clone()
}

/// The items of a group's `ipPermissions` or `ipPermissionsEgress`.
fn permissions<'a>(group: &'a Node, list: &str) -> Vec<&'a Node> {
    group
        .child(list)
        .map(|l| l.children.iter().filter(|c| c.name == "item").collect())
        .unwrap_or_default()
}

/// Texts of `field` in the items of `list` directly under a permission item.
fn peers(perm: &Node, list: &str, field: &str) -> Vec<String> {
    perm.child(list)
        .map(|l| l.children.iter().map(|i| i.get(field)).collect())
        .unwrap_or_default()
}

/// Every group in the world, as the describe document (for before/after comparisons).
async fn all_groups(s: &Server) -> Node {
    let r = s.call("DescribeSecurityGroups", &[]).await;
    r.ok()
        .find("securityGroupInfo")
        .cloned()
        .unwrap_or_default()
}

async fn authorize_tcp(s: &Server, group: &str, port: &str, cidr: &str) -> Reply {
    s.call(
        "AuthorizeSecurityGroupIngress",
        &[
            ("GroupId", group),
            ("IpPermissions.1.IpProtocol", "tcp"),
            ("IpPermissions.1.FromPort", port),
            ("IpPermissions.1.ToPort", port),
            ("IpPermissions.1.IpRanges.1.CidrIp", cidr),
        ],
    )
    .await
}

#[tokio::test]
async fn the_default_vpc_has_its_default_group() {
    let s = Server::start().await;
    let vpc = default_vpc_id(&s).await;
    let r = s
        .call("DescribeSecurityGroups", &[("GroupName.1", "default")])
        .await;
    let groups = r.ok().items("securityGroupInfo");
    assert_eq!(groups.len(), 1);
    let g = groups[0];
    let id = g.get("groupId");
    assert!(id.starts_with("sg-") && id.len() == 20, "{id}");
    assert_eq!(g.get("vpcId"), vpc);
    assert_eq!(g.get("ownerId"), ACCOUNT);
    assert_eq!(g.get("groupDescription"), "default VPC security group");
    assert_eq!(
        g.get("securityGroupArn"),
        format!("arn:aws:ec2:us-east-1:{ACCOUNT}:security-group/{id}")
    );
    // All traffic in from members of the group itself.
    let ingress = permissions(g, "ipPermissions");
    assert_eq!(ingress.len(), 1);
    assert_eq!(ingress[0].get("ipProtocol"), "-1");
    assert!(ingress[0].child("fromPort").is_none());
    assert!(ingress[0].child("toPort").is_none());
    assert_eq!(peers(ingress[0], "groups", "groupId"), [id.as_str()]);
    assert_eq!(peers(ingress[0], "groups", "userId"), [ACCOUNT]);
    assert!(peers(ingress[0], "ipRanges", "cidrIp").is_empty());
    // All traffic out, IPv4 only: the default VPC has no IPv6 block.
    let egress = permissions(g, "ipPermissionsEgress");
    assert_eq!(egress.len(), 1);
    assert_eq!(egress[0].get("ipProtocol"), "-1");
    assert_eq!(peers(egress[0], "ipRanges", "cidrIp"), ["0.0.0.0/0"]);
    assert!(peers(egress[0], "ipv6Ranges", "cidrIpv6").is_empty());
    assert!(
        egress[0].child("ipv6Ranges").is_some(),
        "empty lists are rendered"
    );
}

#[tokio::test]
async fn create_in_the_default_vpc_with_tags() {
    let s = Server::start().await;
    let vpc = default_vpc_id(&s).await;
    let r = s
        .call(
            "CreateSecurityGroup",
            &[
                ("GroupName", "web"),
                ("GroupDescription", "Web servers (port 80)"),
                ("TagSpecification.1.ResourceType", "security-group"),
                ("TagSpecification.1.Tag.1.Key", "env"),
                ("TagSpecification.1.Tag.1.Value", "prod"),
            ],
        )
        .await;
    let doc = r.ok();
    let id = doc.text("groupId");
    assert_eq!(
        doc.text("securityGroupArn"),
        format!("arn:aws:ec2:us-east-1:{ACCOUNT}:security-group/{id}")
    );
    assert_eq!(doc.tags().get("env").map(String::as_str), Some("prod"));

    let g = describe(&s, &id).await;
    assert_eq!(g.get("groupName"), "web");
    assert_eq!(g.get("groupDescription"), "Web servers (port 80)");
    assert_eq!(g.get("vpcId"), vpc);
    assert_eq!(g.tags().get("env").map(String::as_str), Some("prod"));
    assert!(permissions(&g, "ipPermissions").is_empty());
    assert!(g.child("ipPermissions").is_some());
    let egress = permissions(&g, "ipPermissionsEgress");
    assert_eq!(egress.len(), 1);
    assert_eq!(peers(egress[0], "ipRanges", "cidrIp"), ["0.0.0.0/0"]);
}

#[tokio::test]
async fn create_in_new_vpcs_ipv6_gets_all_traffic_out_to_ipv6() {
    let s = Server::start().await;
    let v4 = create_vpc(&s, "10.0.0.0/16", false).await;
    let v6 = create_vpc(&s, "10.1.0.0/16", true).await;
    // The same name is fine in different VPCs.
    let a = create_group(&s, "app", Some(&v4)).await;
    let b = create_group(&s, "app", Some(&v6)).await;

    let ga = describe(&s, &a).await;
    assert_eq!(ga.get("vpcId"), v4);
    let egress = permissions(&ga, "ipPermissionsEgress");
    assert_eq!(egress.len(), 1);
    assert!(peers(egress[0], "ipv6Ranges", "cidrIpv6").is_empty());

    let gb = describe(&s, &b).await;
    assert_eq!(gb.get("vpcId"), v6);
    let egress = permissions(&gb, "ipPermissionsEgress");
    assert_eq!(
        egress.len(),
        1,
        "both all-traffic rules share one permission"
    );
    assert_eq!(peers(egress[0], "ipRanges", "cidrIp"), ["0.0.0.0/0"]);
    assert_eq!(peers(egress[0], "ipv6Ranges", "cidrIpv6"), ["::/0"]);

    // Each new VPC has its own default group too.
    let r = s
        .call(
            "DescribeSecurityGroups",
            &[("Filter.1.Name", "vpc-id"), ("Filter.1.Value.1", &v6)],
        )
        .await;
    let mut names = r.ok().all("groupName");
    names.sort();
    assert_eq!(names, ["app", "default"]);
}

#[tokio::test]
async fn create_errors() {
    let s = Server::start().await;
    let vpc = default_vpc_id(&s).await;
    let r = s
        .call("CreateSecurityGroup", &[("GroupDescription", "d")])
        .await;
    assert_eq!(
        r.err400("MissingParameter"),
        "The request must contain the parameter GroupName"
    );
    let r = s.call("CreateSecurityGroup", &[("GroupName", "x")]).await;
    assert_eq!(
        r.err400("MissingParameter"),
        "The request must contain the parameter GroupDescription"
    );

    create_group(&s, "web", None).await;
    let r = s
        .call(
            "CreateSecurityGroup",
            &[("GroupName", "web"), ("GroupDescription", "again")],
        )
        .await;
    assert_eq!(
        r.err400("InvalidGroup.Duplicate"),
        format!("The security group 'web' already exists for VPC '{vpc}'")
    );
    // The API reference: names are case-insensitive within a VPC.
    let r = s
        .call(
            "CreateSecurityGroup",
            &[("GroupName", "WEB"), ("GroupDescription", "again")],
        )
        .await;
    r.err400("InvalidGroup.Duplicate");

    let r = s
        .call(
            "CreateSecurityGroup",
            &[("GroupName", "default"), ("GroupDescription", "d")],
        )
        .await;
    assert_eq!(
        r.err400("InvalidGroup.Reserved"),
        "The security group 'default' is reserved"
    );

    let r = s
        .call(
            "CreateSecurityGroup",
            &[("GroupName", "sg-web"), ("GroupDescription", "d")],
        )
        .await;
    assert_eq!(
        r.err400("InvalidParameterValue"),
        "Value (sg-web) for parameter GroupName is invalid. Group names may not be in the format sg-*."
    );

    let long = "n".repeat(256);
    let r = s
        .call(
            "CreateSecurityGroup",
            &[("GroupName", &long), ("GroupDescription", "d")],
        )
        .await;
    r.err400("InvalidParameterValue");
    let r = s
        .call(
            "CreateSecurityGroup",
            &[("GroupName", "ok"), ("GroupDescription", &long)],
        )
        .await;
    r.err400("InvalidParameterValue");
    let r = s
        .call(
            "CreateSecurityGroup",
            &[("GroupName", "caf\u{e9}"), ("GroupDescription", "d")],
        )
        .await;
    assert!(r.err400("InvalidParameterValue").contains("beyond ASCII"));
    // 255 characters is the limit, not beyond it.
    create_group(&s, &"n".repeat(255), None).await;

    let r = s
        .call(
            "CreateSecurityGroup",
            &[
                ("GroupName", "x"),
                ("GroupDescription", "d"),
                ("VpcId", "vpc-0123456789abcdef0"),
            ],
        )
        .await;
    assert_eq!(
        r.err400("InvalidVpcID.NotFound"),
        "The vpc ID 'vpc-0123456789abcdef0' does not exist"
    );
    let r = s
        .call(
            "CreateSecurityGroup",
            &[
                ("GroupName", "x"),
                ("GroupDescription", "d"),
                ("VpcId", "nope"),
            ],
        )
        .await;
    r.err400("InvalidVpcID.Malformed");

    let r = s
        .call(
            "CreateSecurityGroup",
            &[
                ("GroupName", "x"),
                ("GroupDescription", "d"),
                ("TagSpecification.1.ResourceType", "vpc"),
                ("TagSpecification.1.Tag.1.Key", "k"),
            ],
        )
        .await;
    r.err400("InvalidParameterValue");
    // None of the refused requests created anything.
    let r = s
        .call(
            "DescribeSecurityGroups",
            &[("Filter.1.Name", "group-name"), ("Filter.1.Value.1", "x")],
        )
        .await;
    assert!(r.ok().items("securityGroupInfo").is_empty());
}

#[tokio::test]
async fn describe_errors() {
    let s = Server::start().await;
    let vpc = default_vpc_id(&s).await;
    let r = s
        .call(
            "DescribeSecurityGroups",
            &[("GroupId.1", "sg-0123456789abcdef0")],
        )
        .await;
    assert_eq!(
        r.err400("InvalidGroup.NotFound"),
        "The security group 'sg-0123456789abcdef0' does not exist"
    );
    let r = s
        .call("DescribeSecurityGroups", &[("GroupName.1", "nope")])
        .await;
    assert_eq!(
        r.err400("InvalidGroup.NotFound"),
        format!("The security group 'nope' does not exist in default VPC '{vpc}'")
    );
    let r = s
        .call("DescribeSecurityGroups", &[("GroupId.1", "web")])
        .await;
    assert_eq!(
        r.err400("InvalidGroupId.Malformed"),
        "Invalid id: \"web\" (expecting \"sg-...\")"
    );
    let r = s
        .call(
            "DescribeSecurityGroups",
            &[("Filter.1.Name", "colour"), ("Filter.1.Value.1", "x")],
        )
        .await;
    r.err400("InvalidParameterValue");
}

#[tokio::test]
async fn delete_by_id_and_by_name() {
    let s = Server::start().await;
    let a = create_group(&s, "a", None).await;
    let b = create_group(&s, "b", None).await;
    let r = s.call("DeleteSecurityGroup", &[("GroupId", &a)]).await;
    let doc = r.ok();
    assert_eq!(doc.text("return"), "true");
    assert_eq!(doc.text("groupId"), a);
    let r = s.call("DescribeSecurityGroups", &[("GroupId.1", &a)]).await;
    r.err400("InvalidGroup.NotFound");
    let r = s.call("DeleteSecurityGroup", &[("GroupId", &a)]).await;
    r.err400("InvalidGroup.NotFound");

    let r = s.call("DeleteSecurityGroup", &[("GroupName", "b")]).await;
    assert_eq!(r.ok().text("groupId"), b);
    let r = s.call("DeleteSecurityGroup", &[("GroupName", "b")]).await;
    r.err400("InvalidGroup.NotFound");

    let r = s.call("DeleteSecurityGroup", &[]).await;
    r.err400("MissingParameter");
    let r = s.call("DeleteSecurityGroup", &[("GroupId", "x")]).await;
    r.err400("InvalidGroupId.Malformed");
    let r = s.call("DeleteSecurityGroup", &[("GroupId", "")]).await;
    r.err400("InvalidParameterValue");
}

#[tokio::test]
async fn default_groups_cannot_be_deleted() {
    let s = Server::start().await;
    let r = s
        .call("DescribeSecurityGroups", &[("GroupName.1", "default")])
        .await;
    let id = r.ok().text("groupId");
    let r = s.call("DeleteSecurityGroup", &[("GroupId", &id)]).await;
    assert_eq!(
        r.err400("CannotDelete"),
        format!("the specified group: \"{id}\" name: \"default\" cannot be deleted by a user")
    );
    let r = s
        .call("DeleteSecurityGroup", &[("GroupName", "default")])
        .await;
    r.err400("CannotDelete");
    describe(&s, &id).await;
}

#[tokio::test]
async fn a_group_referenced_by_another_group_cannot_be_deleted() {
    let s = Server::start().await;
    let db = create_group(&s, "db", None).await;
    let app = create_group(&s, "app", None).await;
    let r = s
        .call(
            "AuthorizeSecurityGroupIngress",
            &[
                ("GroupId", &db),
                ("IpPermissions.1.IpProtocol", "tcp"),
                ("IpPermissions.1.FromPort", "5432"),
                ("IpPermissions.1.ToPort", "5432"),
                ("IpPermissions.1.Groups.1.GroupId", &app),
            ],
        )
        .await;
    let rule_id = r.ok().text("securityGroupRuleId");
    let r = s.call("DeleteSecurityGroup", &[("GroupId", &app)]).await;
    assert_eq!(
        r.err400("DependencyViolation"),
        format!("resource {app} has a dependent object")
    );
    describe(&s, &app).await;

    // A group's reference to itself does not keep it alive.
    let r = s
        .call(
            "AuthorizeSecurityGroupIngress",
            &[
                ("GroupId", &db),
                ("IpPermissions.1.IpProtocol", "-1"),
                ("IpPermissions.1.Groups.1.GroupId", &db),
            ],
        )
        .await;
    r.ok();

    let r = s
        .call(
            "RevokeSecurityGroupIngress",
            &[("GroupId", &db), ("SecurityGroupRuleId.1", &rule_id)],
        )
        .await;
    r.ok();
    s.call("DeleteSecurityGroup", &[("GroupId", &app)])
        .await
        .ok();
    s.call("DeleteSecurityGroup", &[("GroupId", &db)])
        .await
        .ok();
}

#[tokio::test]
async fn a_group_used_by_a_network_interface_cannot_be_deleted() {
    let s = Server::start().await;
    let g = create_group(&s, "eni-group", None).await;
    let r = s.call("DescribeSubnets", &[]).await;
    let subnet = r.ok().items("subnetSet")[0].get("subnetId");
    let r = s
        .call(
            "CreateNetworkInterface",
            &[("SubnetId", &subnet), ("SecurityGroupId.1", &g)],
        )
        .await;
    let eni = r.ok().text("networkInterfaceId");
    let r = s.call("DeleteSecurityGroup", &[("GroupId", &g)]).await;
    assert_eq!(
        r.err400("DependencyViolation"),
        format!("resource {g} has a dependent object")
    );
    s.call("DeleteNetworkInterface", &[("NetworkInterfaceId", &eni)])
        .await
        .ok();
    s.call("DeleteSecurityGroup", &[("GroupId", &g)]).await.ok();
}

#[tokio::test]
async fn authorize_ingress_and_describe_groups_rules_by_protocol_and_ports() {
    let s = Server::start().await;
    let vpc = create_vpc(&s, "10.0.0.0/16", true).await;
    let web = create_group(&s, "web", Some(&vpc)).await;
    let lb = create_group(&s, "lb", Some(&vpc)).await;
    let r = s
        .call(
            "AuthorizeSecurityGroupIngress",
            &[
                ("GroupId", &web),
                ("IpPermissions.1.IpProtocol", "tcp"),
                ("IpPermissions.1.FromPort", "443"),
                ("IpPermissions.1.ToPort", "443"),
                // Not canonical: EC2 stores 10.0.0.0/8.
                ("IpPermissions.1.IpRanges.1.CidrIp", "10.1.2.3/8"),
                ("IpPermissions.1.IpRanges.1.Description", "office"),
                ("IpPermissions.1.IpRanges.2.CidrIp", "192.168.0.0/24"),
                ("IpPermissions.1.Ipv6Ranges.1.CidrIpv6", "2001:db8::/32"),
                ("IpPermissions.1.Groups.1.GroupId", &lb),
                ("IpPermissions.1.Groups.1.Description", "from the lb"),
                // Protocol numbers of the named protocols become their names.
                ("IpPermissions.2.IpProtocol", "17"),
                ("IpPermissions.2.FromPort", "53"),
                ("IpPermissions.2.ToPort", "53"),
                ("IpPermissions.2.IpRanges.1.CidrIp", "0.0.0.0/0"),
                ("IpPermissions.3.IpProtocol", "ICMP"),
                ("IpPermissions.3.FromPort", "8"),
                ("IpPermissions.3.ToPort", "-1"),
                ("IpPermissions.3.IpRanges.1.CidrIp", "0.0.0.0/0"),
            ],
        )
        .await;
    let doc = r.ok();
    assert_eq!(doc.text("return"), "true");
    let rules = doc.items("securityGroupRuleSet");
    assert_eq!(rules.len(), 6);
    for rule in &rules {
        let id = rule.get("securityGroupRuleId");
        assert!(id.starts_with("sgr-") && id.len() == 21, "{id}");
        assert_eq!(rule.get("groupId"), web);
        assert_eq!(rule.get("groupOwnerId"), ACCOUNT);
        assert_eq!(rule.get("isEgress"), "false");
        assert_eq!(
            rule.get("securityGroupRuleArn"),
            format!("arn:aws:ec2:us-east-1:{ACCOUNT}:security-group-rule/{id}")
        );
    }
    let ids: std::collections::HashSet<String> =
        rules.iter().map(|r| r.get("securityGroupRuleId")).collect();
    assert_eq!(ids.len(), 6, "rule IDs are distinct");
    assert_eq!(rules[0].get("cidrIpv4"), "10.0.0.0/8");
    assert_eq!(rules[0].get("description"), "office");
    assert_eq!(rules[0].get("fromPort"), "443");
    assert_eq!(rules[2].get("cidrIpv6"), "2001:db8::/32");
    let referenced = rules[3].child("referencedGroupInfo").unwrap();
    assert_eq!(referenced.get("groupId"), lb);
    assert_eq!(referenced.get("userId"), ACCOUNT);
    assert_eq!(rules[4].get("ipProtocol"), "udp");
    assert_eq!(rules[5].get("ipProtocol"), "icmp");
    assert_eq!(rules[5].get("toPort"), "-1");

    let g = describe(&s, &web).await;
    let ingress = permissions(&g, "ipPermissions");
    assert_eq!(ingress.len(), 3);
    let tcp = ingress[0];
    assert_eq!(tcp.get("ipProtocol"), "tcp");
    assert_eq!(tcp.get("fromPort"), "443");
    assert_eq!(tcp.get("toPort"), "443");
    assert_eq!(
        peers(tcp, "ipRanges", "cidrIp"),
        ["10.0.0.0/8", "192.168.0.0/24"]
    );
    let office = &tcp.child("ipRanges").unwrap().children[0];
    assert_eq!(office.get("description"), "office");
    assert!(tcp.child("ipRanges").unwrap().children[1]
        .child("description")
        .is_none());
    assert_eq!(peers(tcp, "ipv6Ranges", "cidrIpv6"), ["2001:db8::/32"]);
    assert_eq!(peers(tcp, "groups", "groupId"), [lb.as_str()]);
    assert_eq!(peers(tcp, "groups", "userId"), [ACCOUNT]);
    assert_eq!(peers(tcp, "groups", "description"), ["from the lb"]);
    assert!(tcp.child("prefixListIds").is_some());
    assert_eq!(ingress[1].get("ipProtocol"), "udp");
    assert_eq!(ingress[2].get("ipProtocol"), "icmp");
    assert_eq!(ingress[2].get("fromPort"), "8");
    assert_eq!(ingress[2].get("toPort"), "-1");
    // Ingress rules leave egress alone.
    assert_eq!(permissions(&g, "ipPermissionsEgress").len(), 1);
}

#[tokio::test]
async fn authorize_egress() {
    let s = Server::start().await;
    let vpc = create_vpc(&s, "10.0.0.0/16", false).await;
    let g = create_group(&s, "out", Some(&vpc)).await;
    let r = s
        .call(
            "AuthorizeSecurityGroupEgress",
            &[
                ("GroupId", &g),
                ("IpPermissions.1.IpProtocol", "6"),
                ("IpPermissions.1.FromPort", "443"),
                ("IpPermissions.1.ToPort", "443"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
                // Any other protocol number covers all ports: the ports are dropped.
                ("IpPermissions.2.IpProtocol", "50"),
                ("IpPermissions.2.FromPort", "1"),
                ("IpPermissions.2.ToPort", "2"),
                ("IpPermissions.2.IpRanges.1.CidrIp", "10.0.0.0/8"),
            ],
        )
        .await;
    let rules = r.ok().items("securityGroupRuleSet");
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[0].get("isEgress"), "true");
    assert_eq!(rules[0].get("ipProtocol"), "tcp");
    assert_eq!(rules[1].get("ipProtocol"), "50");
    let g = describe(&s, &g).await;
    let egress = permissions(&g, "ipPermissionsEgress");
    let protocols: Vec<String> = egress.iter().map(|p| p.get("ipProtocol")).collect();
    assert_eq!(protocols, ["-1", "tcp", "50"]);
    assert!(egress[2].child("fromPort").is_none());
    assert!(permissions(&g, "ipPermissions").is_empty());

    // Egress rules are addressed by ID only.
    let r = s
        .call(
            "AuthorizeSecurityGroupEgress",
            &[
                ("GroupName", "out"),
                ("IpPermissions.1.IpProtocol", "-1"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
            ],
        )
        .await;
    r.err400("UnknownParameter");
    let r = s
        .call(
            "AuthorizeSecurityGroupEgress",
            &[
                ("IpPermissions.1.IpProtocol", "-1"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
            ],
        )
        .await;
    r.err400("MissingParameter");
    let r = s
        .call(
            "AuthorizeSecurityGroupEgress",
            &[
                ("GroupId", &g.get("groupId")),
                ("IpProtocol", "tcp"),
                ("CidrIp", "10.0.0.0/8"),
            ],
        )
        .await;
    r.err400("UnsupportedOperation");
}

#[tokio::test]
async fn duplicate_rules_are_refused_and_nothing_is_added() {
    let s = Server::start().await;
    let g = create_group(&s, "dup", None).await;
    authorize_tcp(&s, &g, "22", "0.0.0.0/0").await.ok();
    let r = authorize_tcp(&s, &g, "22", "0.0.0.0/0").await;
    assert_eq!(
        r.err400("InvalidPermission.Duplicate"),
        "the specified rule \"peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW\" already exists"
    );
    // A description does not make a rule different.
    let r = s
        .call(
            "AuthorizeSecurityGroupIngress",
            &[
                ("GroupId", &g),
                ("IpPermissions.1.IpProtocol", "tcp"),
                ("IpPermissions.1.FromPort", "22"),
                ("IpPermissions.1.ToPort", "22"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"),
                ("IpPermissions.1.IpRanges.1.Description", "ssh"),
            ],
        )
        .await;
    r.err400("InvalidPermission.Duplicate");

    // All or nothing: the new 10.0.0.0/8 rule is not added beside the duplicate.
    let before = all_groups(&s).await;
    let r = s
        .call(
            "AuthorizeSecurityGroupIngress",
            &[
                ("GroupId", &g),
                ("IpPermissions.1.IpProtocol", "tcp"),
                ("IpPermissions.1.FromPort", "22"),
                ("IpPermissions.1.ToPort", "22"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
                ("IpPermissions.1.IpRanges.2.CidrIp", "0.0.0.0/0"),
            ],
        )
        .await;
    r.err400("InvalidPermission.Duplicate");
    assert_eq!(all_groups(&s).await, before);

    // The same rule twice in one request.
    let r = s
        .call(
            "AuthorizeSecurityGroupIngress",
            &[
                ("GroupId", &g),
                ("IpPermissions.1.IpProtocol", "-1"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
                ("IpPermissions.1.IpRanges.2.CidrIp", "10.0.0.0/8"),
            ],
        )
        .await;
    r.err400("InvalidParameterValue");
    assert_eq!(all_groups(&s).await, before);

    // The default egress rule is a rule like any other.
    let r = s
        .call(
            "AuthorizeSecurityGroupEgress",
            &[
                ("GroupId", &g),
                ("IpPermissions.1.IpProtocol", "-1"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"),
            ],
        )
        .await;
    assert_eq!(
        r.err400("InvalidPermission.Duplicate"),
        "the specified rule \"peer: 0.0.0.0/0, ALL, ALLOW\" already exists"
    );
}

#[tokio::test]
async fn invalid_permissions_are_refused_and_nothing_is_added() {
    let s = Server::start().await;
    let g = create_group(&s, "bad", None).await;
    let vpc = create_vpc(&s, "10.0.0.0/16", false).await;
    let elsewhere = create_group(&s, "elsewhere", Some(&vpc)).await;
    let before = all_groups(&s).await;
    let base = |protocol: &str, from: Option<&str>, to: Option<&str>| {
        let mut p = kv(&[
            ("GroupId", &g),
            ("IpPermissions.1.IpProtocol", protocol),
            ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
        ]);
        if let Some(from) = from {
            p.push(("IpPermissions.1.FromPort".into(), from.into()));
        }
        if let Some(to) = to {
            p.push(("IpPermissions.1.ToPort".into(), to.into()));
        }
        p
    };
    // (request parameters, expected code, expected message)
    type Case<'a> = (Vec<(String, String)>, &'a str, Option<&'a str>);
    let cases: Vec<Case> = vec![
        (
            base("all", None, None),
            "InvalidParameterValue",
            Some("Invalid value 'all' for IP protocol. Unknown protocol."),
        ),
        (base("gre", None, None), "InvalidParameterValue", None),
        (base("256", None, None), "InvalidParameterValue", None),
        (
            base("", None, None),
            "InvalidParameterValue",
            Some("Invalid value 'null' for protocol. VPC security group rules must specify protocols explicitly."),
        ),
        (
            base("tcp", Some("22"), None),
            "InvalidParameterValue",
            Some("Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange."),
        ),
        (
            base("udp", Some("-1"), Some("53")),
            "InvalidPermission.Malformed",
            Some("TCP/UDP port (-1) out of range"),
        ),
        (
            base("tcp", Some("0"), Some("65536")),
            "InvalidPermission.Malformed",
            None,
        ),
        (base("tcp", Some("80"), Some("22")), "InvalidParameterValue", None),
        (base("tcp", Some("x"), Some("22")), "InvalidParameterValue", None),
        (base("icmp", None, None), "InvalidParameterValue", None),
        (base("icmp", Some("256"), Some("0")), "InvalidPermission.Malformed", None),
        (base("icmp", Some("-1"), Some("3")), "InvalidParameterValue", None),
    ];
    for (params, code, message) in cases {
        let r = call(&s, "AuthorizeSecurityGroupIngress", &params).await;
        let got = r.err400(code);
        if let Some(message) = message {
            assert_eq!(got, message, "{params:?}");
        }
    }

    let cidr = |cidr: &str| {
        kv(&[
            ("GroupId", &g),
            ("IpPermissions.1.IpProtocol", "-1"),
            ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
            ("IpPermissions.1.IpRanges.2.CidrIp", cidr),
        ])
    };
    for bad in ["10.0.0.256/8", "10.0.0.0/33", "10.0.0.0", "::/0", "x"] {
        let r = call(&s, "AuthorizeSecurityGroupIngress", &cidr(bad)).await;
        assert_eq!(
            r.err400("InvalidParameterValue"),
            format!("CIDR block {bad} is malformed")
        );
    }
    let r = s
        .call(
            "AuthorizeSecurityGroupIngress",
            &[
                ("GroupId", &g),
                ("IpPermissions.1.IpProtocol", "-1"),
                ("IpPermissions.1.Ipv6Ranges.1.CidrIpv6", "10.0.0.0/8"),
            ],
        )
        .await;
    r.err400("InvalidParameterValue");

    let group_peer = |peer: &str| {
        kv(&[
            ("GroupId", &g),
            ("IpPermissions.1.IpProtocol", "-1"),
            ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
            ("IpPermissions.1.Groups.1.GroupId", peer),
        ])
    };
    let r = call(
        &s,
        "AuthorizeSecurityGroupIngress",
        &group_peer("sg-0123456789abcdef0"),
    )
    .await;
    r.err400("InvalidGroup.NotFound");
    let r = call(&s, "AuthorizeSecurityGroupIngress", &group_peer("nope")).await;
    r.err400("InvalidGroupId.Malformed");
    // Groups of another VPC cannot be referenced (no peering here).
    let r = call(&s, "AuthorizeSecurityGroupIngress", &group_peer(&elsewhere)).await;
    assert_eq!(
        r.err400("InvalidGroup.NotFound"),
        "You have specified two resources that belong to different networks."
    );
    let r = s
        .call(
            "AuthorizeSecurityGroupIngress",
            &[
                ("GroupId", &g),
                ("IpPermissions.1.IpProtocol", "-1"),
                ("IpPermissions.1.Groups.1.GroupName", "nope"),
            ],
        )
        .await;
    r.err400("InvalidGroup.NotFound");
    // A prefix list ID no list of this world (nor of the region's AWS lists) has.
    let r = s
        .call(
            "AuthorizeSecurityGroupIngress",
            &[
                ("GroupId", &g),
                ("IpPermissions.1.IpProtocol", "-1"),
                (
                    "IpPermissions.1.PrefixListIds.1.PrefixListId",
                    "pl-63a5400a",
                ),
            ],
        )
        .await;
    r.err400("InvalidPrefixListID.NotFound");
    // A permission with no source at all.
    let r = s
        .call(
            "AuthorizeSecurityGroupIngress",
            &[("GroupId", &g), ("IpPermissions.1.IpProtocol", "-1")],
        )
        .await;
    r.err400("InvalidParameterValue");
    let r = s
        .call("AuthorizeSecurityGroupIngress", &[("GroupId", &g)])
        .await;
    r.err400("MissingParameter");
    let r = s
        .call(
            "AuthorizeSecurityGroupIngress",
            &[
                ("GroupId", &g),
                ("IpPermissions.1.IpProtocol", "-1"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
                (
                    "IpPermissions.1.IpRanges.1.Description",
                    "bad <description>",
                ),
            ],
        )
        .await;
    r.err400("InvalidParameterValue");
    let r = s
        .call(
            "AuthorizeSecurityGroupIngress",
            &[
                ("GroupId", &g),
                ("IpPermissions.1.IpProtocol", "-1"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
                ("IpPermissions.1.IpRanges.1.Colour", "red"),
            ],
        )
        .await;
    r.err400("UnknownParameter");
    let r = s
        .call(
            "AuthorizeSecurityGroupIngress",
            &[
                ("GroupId", "sg-0123456789abcdef0"),
                ("IpPermissions.1.IpProtocol", "-1"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
            ],
        )
        .await;
    r.err400("InvalidGroup.NotFound");
    assert_eq!(all_groups(&s).await, before);
}

#[tokio::test]
async fn legacy_ingress_parameters() {
    let s = Server::start().await;
    let g = create_group(&s, "legacy", None).await;
    let src = create_group(&s, "source", None).await;
    let r = s
        .call(
            "AuthorizeSecurityGroupIngress",
            &[
                ("GroupName", "legacy"),
                ("IpProtocol", "tcp"),
                ("FromPort", "80"),
                ("ToPort", "80"),
                ("CidrIp", "203.0.113.0/24"),
            ],
        )
        .await;
    let rules = r.ok().items("securityGroupRuleSet");
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].get("cidrIpv4"), "203.0.113.0/24");
    assert_eq!(rules[0].get("groupId"), g);

    // A source group by name grants full ICMP, TCP and UDP, as the API reference says.
    let r = s
        .call(
            "AuthorizeSecurityGroupIngress",
            &[("GroupId", &g), ("SourceSecurityGroupName", "source")],
        )
        .await;
    let rules = r.ok().items("securityGroupRuleSet");
    let shape: Vec<(String, String, String)> = rules
        .iter()
        .map(|r| (r.get("ipProtocol"), r.get("fromPort"), r.get("toPort")))
        .collect();
    assert_eq!(
        shape,
        [
            ("icmp".into(), "-1".into(), "-1".into()),
            ("tcp".into(), "0".into(), "65535".into()),
            ("udp".into(), "0".into(), "65535".into()),
        ]
    );
    for r in &rules {
        assert_eq!(r.child("referencedGroupInfo").unwrap().get("groupId"), src);
    }

    let r = s
        .call(
            "AuthorizeSecurityGroupIngress",
            &[
                ("GroupId", &g),
                ("SourceSecurityGroupName", "source"),
                ("IpProtocol", "tcp"),
            ],
        )
        .await;
    r.err400("InvalidParameterCombination");
    let r = s
        .call(
            "AuthorizeSecurityGroupIngress",
            &[
                ("GroupId", &g),
                ("CidrIp", "10.0.0.0/8"),
                ("IpProtocol", "-1"),
                ("IpPermissions.1.IpProtocol", "-1"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
            ],
        )
        .await;
    r.err400("InvalidParameterCombination");
    let r = s
        .call(
            "AuthorizeSecurityGroupIngress",
            &[
                ("GroupId", &g),
                ("GroupName", "legacy"),
                ("CidrIp", "10.0.0.0/8"),
                ("IpProtocol", "-1"),
            ],
        )
        .await;
    r.err400("InvalidParameterCombination");

    // Revoke takes the same legacy form.
    let r = s
        .call(
            "RevokeSecurityGroupIngress",
            &[
                ("GroupId", &g),
                ("IpProtocol", "tcp"),
                ("FromPort", "80"),
                ("ToPort", "80"),
                ("CidrIp", "203.0.113.0/24"),
            ],
        )
        .await;
    assert_eq!(r.ok().items("revokedSecurityGroupRuleSet").len(), 1);
    let g = describe(&s, &g).await;
    assert!(!g.all("cidrIp").contains(&"203.0.113.0/24".to_owned()));
}

#[tokio::test]
async fn revoke_by_permissions_and_by_rule_id() {
    let s = Server::start().await;
    let vpc = create_vpc(&s, "10.0.0.0/16", false).await;
    let g = create_group(&s, "rv", Some(&vpc)).await;
    let r = s
        .call(
            "AuthorizeSecurityGroupIngress",
            &[
                ("GroupId", &g),
                ("IpPermissions.1.IpProtocol", "tcp"),
                ("IpPermissions.1.FromPort", "22"),
                ("IpPermissions.1.ToPort", "22"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
                ("IpPermissions.1.IpRanges.1.Description", "admins"),
                ("IpPermissions.1.IpRanges.2.CidrIp", "192.168.0.0/16"),
                ("IpPermissions.1.Ipv6Ranges.1.CidrIpv6", "2001:db8::/32"),
            ],
        )
        .await;
    let rules = r.ok().items("securityGroupRuleSet");
    let ipv6_rule = rules[2].get("securityGroupRuleId");

    // By permissions; the description need not be given, the protocol may be a number.
    let r = s
        .call(
            "RevokeSecurityGroupIngress",
            &[
                ("GroupId", &g),
                ("IpPermissions.1.IpProtocol", "6"),
                ("IpPermissions.1.FromPort", "22"),
                ("IpPermissions.1.ToPort", "22"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
            ],
        )
        .await;
    let doc = r.ok();
    assert_eq!(doc.text("return"), "true");
    assert!(doc.find("unknownIpPermissionSet").is_none());
    let revoked = doc.items("revokedSecurityGroupRuleSet");
    assert_eq!(revoked.len(), 1);
    assert_eq!(
        revoked[0].get("securityGroupRuleId"),
        rules[0].get("securityGroupRuleId")
    );
    assert_eq!(revoked[0].get("groupId"), g);
    assert_eq!(revoked[0].get("isEgress"), "false");
    assert_eq!(revoked[0].get("cidrIpv4"), "10.0.0.0/8");
    assert_eq!(revoked[0].get("description"), "admins");

    // By rule ID.
    let r = s
        .call(
            "RevokeSecurityGroupIngress",
            &[("GroupId", &g), ("SecurityGroupRuleId.1", &ipv6_rule)],
        )
        .await;
    let revoked = r.ok().items("revokedSecurityGroupRuleSet");
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0].get("cidrIpv6"), "2001:db8::/32");

    let after = describe(&s, &g).await;
    let ingress = permissions(&after, "ipPermissions");
    assert_eq!(ingress.len(), 1);
    assert_eq!(peers(ingress[0], "ipRanges", "cidrIp"), ["192.168.0.0/16"]);
    assert!(peers(ingress[0], "ipv6Ranges", "cidrIpv6").is_empty());

    // Outside the default VPC, a rule that does not exist fails the whole call.
    let before = all_groups(&s).await;
    let r = s
        .call(
            "RevokeSecurityGroupIngress",
            &[
                ("GroupId", &g),
                ("IpPermissions.1.IpProtocol", "tcp"),
                ("IpPermissions.1.FromPort", "22"),
                ("IpPermissions.1.ToPort", "22"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "192.168.0.0/16"),
                ("IpPermissions.1.IpRanges.2.CidrIp", "10.0.0.0/8"),
            ],
        )
        .await;
    assert_eq!(
        r.err400("InvalidPermission.NotFound"),
        "The specified rule does not exist in this security group."
    );
    assert_eq!(all_groups(&s).await, before);

    let r = s
        .call(
            "RevokeSecurityGroupIngress",
            &[("GroupId", &g), ("SecurityGroupRuleId.1", &ipv6_rule)],
        )
        .await;
    assert_eq!(
        r.err400("InvalidSecurityGroupRuleId.NotFound"),
        format!("The security group rule ID '{ipv6_rule}' does not exist")
    );
    let r = s
        .call(
            "RevokeSecurityGroupIngress",
            &[("GroupId", &g), ("SecurityGroupRuleId.1", "rule-1")],
        )
        .await;
    r.err400("InvalidSecurityGroupRuleId.Malformed");
    // An egress rule's ID is not an ingress rule.
    let egress_rule = {
        let r = s
            .call(
                "AuthorizeSecurityGroupEgress",
                &[
                    ("GroupId", &g),
                    ("IpPermissions.1.IpProtocol", "udp"),
                    ("IpPermissions.1.FromPort", "53"),
                    ("IpPermissions.1.ToPort", "53"),
                    ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.2/32"),
                ],
            )
            .await;
        r.ok().text("securityGroupRuleId")
    };
    let r = s
        .call(
            "RevokeSecurityGroupIngress",
            &[("GroupId", &g), ("SecurityGroupRuleId.1", &egress_rule)],
        )
        .await;
    r.err400("InvalidSecurityGroupRuleId.NotFound");
    let r = s
        .call(
            "RevokeSecurityGroupEgress",
            &[("GroupId", &g), ("SecurityGroupRuleId.1", &egress_rule)],
        )
        .await;
    let revoked = r.ok().items("revokedSecurityGroupRuleSet");
    assert_eq!(revoked[0].get("isEgress"), "true");

    // The default all-traffic egress rule can be revoked by permissions.
    let r = s
        .call(
            "RevokeSecurityGroupEgress",
            &[
                ("GroupId", &g),
                ("IpPermissions.1.IpProtocol", "-1"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"),
            ],
        )
        .await;
    r.ok();
    assert!(permissions(&describe(&s, &g).await, "ipPermissionsEgress").is_empty());

    let r = s
        .call(
            "RevokeSecurityGroupIngress",
            &[
                ("GroupId", &g),
                ("SecurityGroupRuleId.1", &ipv6_rule),
                ("IpPermissions.1.IpProtocol", "-1"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"),
            ],
        )
        .await;
    r.err400("InvalidParameterCombination");
    let r = s
        .call("RevokeSecurityGroupIngress", &[("GroupId", &g)])
        .await;
    r.err400("MissingParameter");
}

/// The RevokeSecurityGroupIngress API reference: "For a default VPC, if the values you specify
/// do not match the existing rule's values, no error is returned, and the output describes the
/// security group rules that were not revoked." The rest of the request is still revoked.
#[tokio::test]
async fn revoke_in_the_default_vpc_reports_unknown_permissions() {
    let s = Server::start().await;
    let g = create_group(&s, "dflt", None).await;
    authorize_tcp(&s, &g, "22", "10.0.0.0/8").await.ok();
    let r = s
        .call(
            "RevokeSecurityGroupIngress",
            &[
                ("GroupId", &g),
                ("IpPermissions.1.IpProtocol", "tcp"),
                ("IpPermissions.1.FromPort", "22"),
                ("IpPermissions.1.ToPort", "22"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
                ("IpPermissions.1.IpRanges.2.CidrIp", "172.16.0.0/12"),
            ],
        )
        .await;
    let doc = r.ok();
    assert_eq!(doc.text("return"), "false");
    let unknown = doc.items("unknownIpPermissionSet");
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0].get("ipProtocol"), "tcp");
    assert_eq!(peers(unknown[0], "ipRanges", "cidrIp"), ["172.16.0.0/12"]);
    let revoked = doc.items("revokedSecurityGroupRuleSet");
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0].get("cidrIpv4"), "10.0.0.0/8");
    assert!(permissions(&describe(&s, &g).await, "ipPermissions").is_empty());
}

#[tokio::test]
async fn rules_can_be_tagged_on_creation() {
    let s = Server::start().await;
    let g = create_group(&s, "tagged", None).await;
    let r = s
        .call(
            "AuthorizeSecurityGroupIngress",
            &[
                ("GroupId", &g),
                ("IpPermissions.1.IpProtocol", "tcp"),
                ("IpPermissions.1.FromPort", "443"),
                ("IpPermissions.1.ToPort", "443"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"),
                ("TagSpecification.1.ResourceType", "security-group-rule"),
                ("TagSpecification.1.Tag.1.Key", "Name"),
                ("TagSpecification.1.Tag.1.Value", "https"),
            ],
        )
        .await;
    let rules = r.ok().items("securityGroupRuleSet");
    assert_eq!(
        rules[0].tags().get("Name").map(String::as_str),
        Some("https")
    );

    let before = all_groups(&s).await;
    let r = s
        .call(
            "AuthorizeSecurityGroupIngress",
            &[
                ("GroupId", &g),
                ("IpPermissions.1.IpProtocol", "tcp"),
                ("IpPermissions.1.FromPort", "80"),
                ("IpPermissions.1.ToPort", "80"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"),
                ("TagSpecification.1.ResourceType", "security-group-rule"),
                ("TagSpecification.1.Tag.1.Key", "aws:reserved"),
            ],
        )
        .await;
    r.err400("InvalidTagKey.Malformed");
    let r = s
        .call(
            "AuthorizeSecurityGroupIngress",
            &[
                ("GroupId", &g),
                ("IpPermissions.1.IpProtocol", "tcp"),
                ("IpPermissions.1.FromPort", "80"),
                ("IpPermissions.1.ToPort", "80"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"),
                ("TagSpecification.1.ResourceType", "security-group"),
                ("TagSpecification.1.Tag.1.Key", "k"),
            ],
        )
        .await;
    r.err400("InvalidParameterValue");
    assert_eq!(all_groups(&s).await, before);
}

#[tokio::test]
async fn filters() {
    let s = Server::start().await;
    let default_vpc = default_vpc_id(&s).await;
    let vpc = create_vpc(&s, "10.0.0.0/16", false).await;
    let web = create_group(&s, "web", None).await;
    let api = create_group(&s, "api", Some(&vpc)).await;
    authorize_tcp(&s, &web, "443", "203.0.113.0/24").await.ok();
    let ids = |r: Reply| -> Vec<String> {
        let mut ids: Vec<String> = r
            .ok()
            .items("securityGroupInfo")
            .iter()
            .map(|g| g.get("groupId"))
            .collect();
        ids.sort();
        ids
    };
    let filter =
        |name: &str, value: &str| kv(&[("Filter.1.Name", name), ("Filter.1.Value.1", value)]);

    let r = call(&s, "DescribeSecurityGroups", &filter("group-name", "web")).await;
    assert_eq!(ids(r), [web.as_str()]);
    let r = call(&s, "DescribeSecurityGroups", &filter("group-name", "w*")).await;
    assert_eq!(ids(r), [web.as_str()]);
    let r = call(&s, "DescribeSecurityGroups", &filter("vpc-id", &vpc)).await;
    let got = ids(r);
    assert_eq!(got.len(), 2, "api and the VPC's default group");
    assert!(got.contains(&api));
    let r = call(
        &s,
        "DescribeSecurityGroups",
        &filter("vpc-id", &default_vpc),
    )
    .await;
    let got = ids(r);
    assert!(got.contains(&web) && !got.contains(&api));
    let r = call(
        &s,
        "DescribeSecurityGroups",
        &filter("ip-permission.cidr", "203.0.113.0/24"),
    )
    .await;
    assert_eq!(ids(r), [web.as_str()]);
    let r = call(
        &s,
        "DescribeSecurityGroups",
        &filter("ip-permission.from-port", "443"),
    )
    .await;
    assert_eq!(ids(r), [web.as_str()]);
    let r = call(
        &s,
        "DescribeSecurityGroups",
        &filter("egress.ip-permission.cidr", "0.0.0.0/0"),
    )
    .await;
    assert!(ids(r).len() >= 4);

    let tagged = {
        let r = s
            .call(
                "CreateSecurityGroup",
                &[
                    ("GroupName", "tagged"),
                    ("GroupDescription", "d"),
                    ("TagSpecification.1.ResourceType", "security-group"),
                    ("TagSpecification.1.Tag.1.Key", "team"),
                    ("TagSpecification.1.Tag.1.Value", "edge"),
                ],
            )
            .await;
        r.ok().text("groupId")
    };
    let r = call(&s, "DescribeSecurityGroups", &filter("tag:team", "edge")).await;
    assert_eq!(ids(r), [tagged.as_str()]);
    let r = call(&s, "DescribeSecurityGroups", &filter("tag-key", "team")).await;
    assert!(ids(r).contains(&tagged));

    // Filters narrow explicit IDs and names too.
    let r = s
        .call(
            "DescribeSecurityGroups",
            &[
                ("GroupId.1", &web),
                ("GroupName.1", "tagged"),
                ("Filter.1.Name", "group-name"),
                ("Filter.1.Value.1", "web"),
            ],
        )
        .await;
    assert_eq!(ids(r), [web.as_str()]);
}

#[tokio::test]
async fn pagination() {
    let s = Server::start().await;
    for i in 0..7 {
        create_group(&s, &format!("g{i}"), None).await;
    }
    let page_ids = |r: &Reply| -> Vec<String> {
        r.ok()
            .items("securityGroupInfo")
            .iter()
            .map(|g| g.get("groupId"))
            .collect()
    };
    let r = s.call("DescribeSecurityGroups", &[]).await;
    let everything = page_ids(&r);
    assert_eq!(everything.len(), 8, "seven groups and the default one");
    assert!(r.ok().find("nextToken").is_none());

    let r = s
        .call("DescribeSecurityGroups", &[("MaxResults", "5")])
        .await;
    let first = page_ids(&r);
    assert_eq!(first.len(), 5);
    let token = r.ok().text("nextToken");
    let r = s
        .call(
            "DescribeSecurityGroups",
            &[("MaxResults", "5"), ("NextToken", &token)],
        )
        .await;
    let second = page_ids(&r);
    assert_eq!(second.len(), 3);
    assert!(r.ok().find("nextToken").is_none());
    let paged: Vec<String> = first.into_iter().chain(second).collect();
    assert_eq!(
        paged, everything,
        "pages are disjoint, in order, and complete"
    );

    let r = s
        .call("DescribeSecurityGroups", &[("MaxResults", "4")])
        .await;
    r.err400("InvalidParameterValue");
    let r = s
        .call("DescribeSecurityGroups", &[("NextToken", "zz")])
        .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn dry_run_checks_everything_and_changes_nothing() {
    let s = Server::start().await;
    let g = create_group(&s, "dry", None).await;
    let r = authorize_tcp(&s, &g, "22", "10.0.0.0/8").await;
    let rule = r.ok().text("securityGroupRuleId");
    let before = all_groups(&s).await;

    let dry = |mut p: Vec<(String, String)>| {
        p.push(("DryRun".into(), "true".into()));
        p
    };
    let attempts: Vec<(&str, Vec<(String, String)>)> = vec![
        (
            "CreateSecurityGroup",
            kv(&[("GroupName", "new"), ("GroupDescription", "d")]),
        ),
        ("DeleteSecurityGroup", kv(&[("GroupId", &g)])),
        (
            "AuthorizeSecurityGroupIngress",
            kv(&[
                ("GroupId", &g),
                ("IpPermissions.1.IpProtocol", "-1"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"),
            ]),
        ),
        (
            "AuthorizeSecurityGroupEgress",
            kv(&[
                ("GroupId", &g),
                ("IpPermissions.1.IpProtocol", "tcp"),
                ("IpPermissions.1.FromPort", "1"),
                ("IpPermissions.1.ToPort", "2"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
            ]),
        ),
        (
            "RevokeSecurityGroupIngress",
            kv(&[("GroupId", &g), ("SecurityGroupRuleId.1", &rule)]),
        ),
        (
            "RevokeSecurityGroupEgress",
            kv(&[
                ("GroupId", &g),
                ("IpPermissions.1.IpProtocol", "-1"),
                ("IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"),
            ]),
        ),
        ("DescribeSecurityGroups", kv(&[("GroupId.1", &g)])),
    ];
    for (action, params) in attempts {
        let r = call(&s, action, &dry(params)).await;
        assert_eq!(
            r.err("DryRunOperation", 412),
            "Request would have succeeded, but DryRun flag is set.",
            "{action}"
        );
    }
    assert_eq!(all_groups(&s).await, before);

    // Validation still runs first: a dry run of an invalid request fails as the real one.
    let r = call(
        &s,
        "CreateSecurityGroup",
        &dry(kv(&[("GroupName", "dry"), ("GroupDescription", "d")])),
    )
    .await;
    r.err400("InvalidGroup.Duplicate");
    let r = call(
        &s,
        "AuthorizeSecurityGroupIngress",
        &dry(kv(&[
            ("GroupId", &g),
            ("IpPermissions.1.IpProtocol", "tcp"),
            ("IpPermissions.1.FromPort", "22"),
            ("IpPermissions.1.ToPort", "22"),
            ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
        ])),
    )
    .await;
    r.err400("InvalidPermission.Duplicate");
    let r = call(
        &s,
        "DeleteSecurityGroup",
        &dry(kv(&[("GroupName", "default")])),
    )
    .await;
    r.err400("CannotDelete");
}

/// `ip-permission.group-name` and `egress.ip-permission.group-name` are documented filters:
/// they find groups by the name of a group their rules reference.
#[tokio::test]
async fn rules_referencing_a_group_are_found_by_its_name() {
    let s = Server::start().await;
    let db = create_group(&s, "db", None).await;
    let app = create_group(&s, "app", None).await;
    for action in [
        "AuthorizeSecurityGroupIngress",
        "AuthorizeSecurityGroupEgress",
    ] {
        s.call(
            action,
            &[
                ("GroupId", &db),
                ("IpPermissions.1.IpProtocol", "tcp"),
                ("IpPermissions.1.FromPort", "5432"),
                ("IpPermissions.1.ToPort", "5432"),
                ("IpPermissions.1.Groups.1.GroupId", &app),
            ],
        )
        .await
        .ok();
    }
    for filter in [
        "ip-permission.group-name",
        "egress.ip-permission.group-name",
    ] {
        let r = s
            .call(
                "DescribeSecurityGroups",
                &[("Filter.1.Name", filter), ("Filter.1.Value.1", "ap*")],
            )
            .await;
        assert_eq!(r.ok().all("groupName"), ["db"], "{filter}");
    }
    // Every default group references itself by the name `default`.
    let r = s
        .call(
            "DescribeSecurityGroups",
            &[
                ("Filter.1.Name", "ip-permission.group-name"),
                ("Filter.1.Value.1", "default"),
            ],
        )
        .await;
    assert_eq!(r.ok().all("groupName"), ["default"]);
}

/// A bad filter is reported as a bad filter even when a GroupName also misses, as every
/// other Describe action reports it.
#[tokio::test]
async fn a_bad_filter_is_reported_before_a_missing_group_name() {
    let s = Server::start().await;
    let r = s
        .call(
            "DescribeSecurityGroups",
            &[
                ("GroupName.1", "no-such-group"),
                ("Filter.1.Name", "no-such-filter"),
                ("Filter.1.Value.1", "x"),
            ],
        )
        .await;
    assert_eq!(
        r.err400("InvalidParameterValue"),
        "The filter 'no-such-filter' is invalid"
    );
}
