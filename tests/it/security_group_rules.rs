//! Security group rules as resources over HTTP: DescribeSecurityGroupRules by ID and by
//! group, pages, ModifySecurityGroupRules, the Update…Descriptions actions, revoking by rule
//! ID, and the quota of rules per group (60 each way, IPv4 and IPv6 apart, prefix lists by
//! their size), with nothing added by a refused call.

use crate::support::{east, is_long_id, summary_totals, west_v4_only, Net, Node, Reply, ACCOUNT};

async fn rules(n: &Net, params: &[(&str, &str)]) -> Vec<Node> {
    let r = n.call("DescribeSecurityGroupRules", params).await;
    r.ok()
        .items("securityGroupRuleSet")
        .into_iter()
        .cloned()
        .collect()
}

async fn group_rules(n: &Net, group: &str) -> Vec<Node> {
    rules(
        n,
        &[("Filter.1.Name", "group-id"), ("Filter.1.Value.1", group)],
    )
    .await
}

async fn rule(n: &Net, id: &str) -> Node {
    let found = rules(n, &[("SecurityGroupRuleId.1", id)]).await;
    assert_eq!(found.len(), 1);
    found[0].clone()
}

/// The ID of the group's rule whose field has this value (`cidrIpv4` …).
fn rule_id(rules: &[Node], field: &str, value: &str) -> String {
    rules
        .iter()
        .find(|r| r.find(field).is_some_and(|f| f.text == value))
        .unwrap_or_else(|| panic!("no rule with {field}={value}: {rules:#?}"))
        .get("securityGroupRuleId")
}

async fn call_owned(n: &Net, action: &str, params: &[(String, String)]) -> Reply {
    let refs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    n.call(action, &refs).await
}

/// Authorize{Ingress,Egress} of TCP port rules from each peer (`IpRanges`, `Ipv6Ranges`,
/// `PrefixListIds` or `Groups`, with its member name), one permission per peer.
async fn authorize(
    n: &Net,
    egress: bool,
    group: &str,
    peers: &[(&str, &str, String)],
    first_port: u32,
) -> Reply {
    let mut params = vec![("GroupId".to_owned(), group.to_owned())];
    for (i, (list, member, value)) in peers.iter().enumerate() {
        let p = format!("IpPermissions.{}", i + 1);
        let port = (first_port + i as u32).to_string();
        params.push((format!("{p}.IpProtocol"), "tcp".into()));
        params.push((format!("{p}.FromPort"), port.clone()));
        params.push((format!("{p}.ToPort"), port));
        params.push((format!("{p}.{list}.1.{member}"), value.clone()));
    }
    let action = if egress {
        "AuthorizeSecurityGroupEgress"
    } else {
        "AuthorizeSecurityGroupIngress"
    };
    call_owned(n, action, &params).await
}

fn v4(cidr: String) -> (&'static str, &'static str, String) {
    ("IpRanges", "CidrIp", cidr)
}

fn v6(cidr: String) -> (&'static str, &'static str, String) {
    ("Ipv6Ranges", "CidrIpv6", cidr)
}

/// `count` distinct IPv4 /32 peers starting at 10.9.`start`.0.
fn v4_peers(start: u32, count: u32) -> Vec<(&'static str, &'static str, String)> {
    (0..count)
        .map(|i| v4(format!("10.9.{}.{}/32", start + i / 200, i % 200)))
        .collect()
}

fn v6_peers(count: u32) -> Vec<(&'static str, &'static str, String)> {
    (0..count)
        .map(|i| v6(format!("2001:db8:0:{i:x}::/64")))
        .collect()
}

#[tokio::test]
async fn rules_are_described_by_id_and_by_group() {
    let n = west_v4_only().await;
    let group = n.create_group("web", &n.vpc).await;
    let peer_group = n.create_group("lb", &n.vpc).await;
    let pl = n.prefix_list("offices", "3", &["198.51.100.0/24"]).await;
    n.call(
        "AuthorizeSecurityGroupIngress",
        &[
            ("GroupId", &group),
            ("IpPermissions.1.IpProtocol", "tcp"),
            ("IpPermissions.1.FromPort", "22"),
            ("IpPermissions.1.ToPort", "22"),
            ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
            ("IpPermissions.1.IpRanges.1.Description", "ssh"),
            ("IpPermissions.2.IpProtocol", "tcp"),
            ("IpPermissions.2.FromPort", "80"),
            ("IpPermissions.2.ToPort", "80"),
            ("IpPermissions.2.Groups.1.GroupId", &peer_group),
            ("IpPermissions.3.IpProtocol", "-1"),
            ("IpPermissions.3.PrefixListIds.1.PrefixListId", &pl),
        ],
    )
    .await
    .ok();
    let all = group_rules(&n, &group).await;
    assert_eq!(all.len(), 4, "three in, the default one out");
    let ssh = all
        .iter()
        .find(|r| r.find("cidrIpv4").is_some_and(|c| c.text == "10.0.0.0/8"))
        .unwrap();
    let id = ssh.get("securityGroupRuleId");
    assert!(is_long_id(&id, "sgr"), "{id}");
    assert_eq!(ssh.get("groupId"), group);
    assert_eq!(ssh.get("groupOwnerId"), ACCOUNT);
    assert_eq!(ssh.get("isEgress"), "false");
    assert_eq!(ssh.get("ipProtocol"), "tcp");
    assert_eq!(
        (ssh.get("fromPort"), ssh.get("toPort")),
        ("22".into(), "22".into())
    );
    assert_eq!(ssh.get("description"), "ssh");
    assert_eq!(
        ssh.get("securityGroupRuleArn"),
        format!("arn:aws:ec2:eu-west-1:{ACCOUNT}:security-group-rule/{id}")
    );
    let by_group = all
        .iter()
        .find(|r| r.child("referencedGroupInfo").is_some())
        .unwrap();
    assert_eq!(by_group.text("groupId"), group);
    assert_eq!(
        by_group
            .child("referencedGroupInfo")
            .unwrap()
            .get("groupId"),
        peer_group
    );
    let by_list = all
        .iter()
        .find(|r| r.child("prefixListId").is_some())
        .unwrap();
    assert_eq!(by_list.get("prefixListId"), pl);
    assert_eq!(
        (by_list.get("fromPort"), by_list.get("toPort")),
        ("-1".into(), "-1".into())
    );
    let out = all.iter().find(|r| r.get("isEgress") == "true").unwrap();
    assert_eq!(out.get("cidrIpv4"), "0.0.0.0/0");
    assert_eq!(out.get("ipProtocol"), "-1");

    // By ID, alone or with the filter; the same rule either way.
    assert_eq!(rule(&n, &id).await, *ssh);
    let found = rules(
        &n,
        &[
            ("Filter.1.Name", "security-group-rule-id"),
            ("Filter.1.Value.1", &id),
        ],
    )
    .await;
    assert_eq!(found, vec![ssh.clone()]);
    n.call(
        "DescribeSecurityGroupRules",
        &[("SecurityGroupRuleId.1", "sgr-0123456789abcdef0")],
    )
    .await
    .err400("InvalidSecurityGroupRuleId.NotFound");
    n.call(
        "DescribeSecurityGroupRules",
        &[("SecurityGroupRuleId.1", "sgr-1")],
    )
    .await
    .err400("InvalidSecurityGroupRuleId.Malformed");
    n.call(
        "DescribeSecurityGroupRules",
        &[
            ("Filter.1.Name", "ip-protocol"),
            ("Filter.1.Value.1", "tcp"),
        ],
    )
    .await
    .err400("InvalidParameterValue");
    // Every rule of the world is a resource: the summary counts them all.
    let total: usize = rules(&n, &[]).await.len();
    assert_eq!(summary_totals(&n.s).await["securityGroupRules"], total);
}

#[tokio::test]
async fn rules_come_in_pages() {
    let n = west_v4_only().await;
    let group = n.create_group("web", &n.vpc).await;
    authorize(&n, false, &group, &v4_peers(0, 7), 1000)
        .await
        .ok();
    let filter = [
        ("Filter.1.Name", "group-id"),
        ("Filter.1.Value.1", group.as_str()),
    ];
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut params = filter.to_vec();
        params.push(("MaxResults", "5"));
        if let Some(t) = &token {
            params.push(("NextToken", t));
        }
        let r = n.call("DescribeSecurityGroupRules", &params).await;
        let page = r.ok().items("securityGroupRuleSet");
        assert!(page.len() <= 5);
        seen.extend(page.iter().map(|p| p.get("securityGroupRuleId")));
        token = r.doc.find("nextToken").map(|t| t.text.clone());
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen.len(), 8);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 8, "no rule twice");
    for bad in ["4", "1001"] {
        n.call("DescribeSecurityGroupRules", &[("MaxResults", bad)])
            .await
            .err400("InvalidParameterValue");
    }
}

#[tokio::test]
async fn modify_rewrites_rules_in_place() {
    let n = east().await;
    let group = n.create_group("web", &n.vpc).await;
    let peer = n.create_group("lb", &n.vpc).await;
    authorize(
        &n,
        false,
        &group,
        &[v4("10.0.0.0/8".into()), v4("172.16.0.0/12".into())],
        22,
    )
    .await
    .ok();
    let all = group_rules(&n, &group).await;
    let first = rule_id(&all, "cidrIpv4", "10.0.0.0/8");
    let second = rule_id(&all, "cidrIpv4", "172.16.0.0/12");
    let r = n
        .call(
            "ModifySecurityGroupRules",
            &[
                ("GroupId", &group),
                ("SecurityGroupRule.1.SecurityGroupRuleId", &first),
                ("SecurityGroupRule.1.SecurityGroupRule.IpProtocol", "udp"),
                ("SecurityGroupRule.1.SecurityGroupRule.FromPort", "53"),
                ("SecurityGroupRule.1.SecurityGroupRule.ToPort", "54"),
                (
                    "SecurityGroupRule.1.SecurityGroupRule.CidrIpv6",
                    "2001:db8::/32",
                ),
                ("SecurityGroupRule.1.SecurityGroupRule.Description", "dns"),
                ("SecurityGroupRule.2.SecurityGroupRuleId", &second),
                ("SecurityGroupRule.2.SecurityGroupRule.IpProtocol", "tcp"),
                ("SecurityGroupRule.2.SecurityGroupRule.FromPort", "443"),
                ("SecurityGroupRule.2.SecurityGroupRule.ToPort", "443"),
                (
                    "SecurityGroupRule.2.SecurityGroupRule.ReferencedGroupId",
                    &peer,
                ),
            ],
        )
        .await;
    assert_eq!(r.ok().text("return"), "true");
    let dns = rule(&n, &first).await;
    assert_eq!(dns.get("ipProtocol"), "udp");
    assert_eq!(
        (dns.get("fromPort"), dns.get("toPort")),
        ("53".into(), "54".into())
    );
    assert_eq!(dns.get("cidrIpv6"), "2001:db8::/32");
    assert!(dns.child("cidrIpv4").is_none());
    assert_eq!(dns.get("description"), "dns");
    let https = rule(&n, &second).await;
    assert_eq!(
        https.child("referencedGroupInfo").unwrap().get("groupId"),
        peer
    );
    // DescribeSecurityGroups sees the same rules.
    let r = n
        .call("DescribeSecurityGroups", &[("GroupId.1", &group)])
        .await;
    let perms = r.ok().items("ipPermissions");
    assert_eq!(perms.len(), 2);
    assert!(
        r.body.contains("2001:db8::/32") && !r.body.contains("10.0.0.0/8"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn refused_modifications_change_no_rule() {
    let n = west_v4_only().await;
    let group = n.create_group("web", &n.vpc).await;
    let other = n.create_group("db", &n.vpc).await;
    authorize(
        &n,
        false,
        &group,
        &[v4("10.0.0.0/8".into()), v4("172.16.0.0/12".into())],
        22,
    )
    .await
    .ok();
    let all = group_rules(&n, &group).await;
    let first = rule_id(&all, "cidrIpv4", "10.0.0.0/8");
    let second = rule_id(&all, "cidrIpv4", "172.16.0.0/12");
    let foreign = group_rules(&n, &other).await[0].get("securityGroupRuleId");
    let before = group_rules(&n, &group).await;
    let change = |id: &str, cidr: &str, port: &str| -> Vec<(String, String)> {
        vec![
            ("SecurityGroupRule.1.SecurityGroupRuleId".into(), id.into()),
            (
                "SecurityGroupRule.1.SecurityGroupRule.IpProtocol".into(),
                "tcp".into(),
            ),
            (
                "SecurityGroupRule.1.SecurityGroupRule.FromPort".into(),
                port.into(),
            ),
            (
                "SecurityGroupRule.1.SecurityGroupRule.ToPort".into(),
                port.into(),
            ),
            (
                "SecurityGroupRule.1.SecurityGroupRule.CidrIpv4".into(),
                cidr.into(),
            ),
        ]
    };
    let with_group = |mut v: Vec<(String, String)>| {
        v.insert(0, ("GroupId".into(), group.clone()));
        v
    };
    // The second change duplicates the other rule: neither change is made.
    let mut two = with_group(change(&first, "192.0.2.0/24", "25"));
    two.extend(
        change(&second, "192.0.2.0/24", "25")
            .into_iter()
            .map(|(k, v)| (k.replace("SecurityGroupRule.1", "SecurityGroupRule.2"), v)),
    );
    for (params, code) in [
        (two, "InvalidPermission.Duplicate"),
        (
            with_group(change(&second, "10.0.0.0/8", "22")),
            "InvalidPermission.Duplicate",
        ),
        (
            with_group(change(&foreign, "192.0.2.0/24", "25")),
            "InvalidSecurityGroupRuleId.NotFound",
        ),
        (
            with_group(change("sgr-1", "192.0.2.0/24", "25")),
            "InvalidSecurityGroupRuleId.Malformed",
        ),
        (
            with_group(change(&first, "192.0.2.0/33", "25")),
            "InvalidParameterValue",
        ),
        (with_group(Vec::new()), "MissingParameter"),
    ] {
        let r = call_owned(&n, "ModifySecurityGroupRules", &params).await;
        assert_eq!(r.code().as_deref(), Some(code), "{params:?}: {}", r.body);
    }
    assert_eq!(group_rules(&n, &group).await, before);
}

#[tokio::test]
async fn descriptions_change_by_traffic_or_by_rule_id() {
    let n = east().await;
    let group = n.create_group("web", &n.vpc).await;
    authorize(&n, false, &group, &[v4("10.0.0.0/8".into())], 22)
        .await
        .ok();
    let all = group_rules(&n, &group).await;
    let ssh = rule_id(&all, "cidrIpv4", "10.0.0.0/8");
    let out_v6 = rule_id(&all, "cidrIpv6", "::/0");
    n.call(
        "UpdateSecurityGroupRuleDescriptionsIngress",
        &[
            ("GroupId", &group),
            ("IpPermissions.1.IpProtocol", "tcp"),
            ("IpPermissions.1.FromPort", "22"),
            ("IpPermissions.1.ToPort", "22"),
            ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
            ("IpPermissions.1.IpRanges.1.Description", "admin ssh"),
        ],
    )
    .await
    .ok();
    assert_eq!(rule(&n, &ssh).await.get("description"), "admin ssh");
    n.call(
        "UpdateSecurityGroupRuleDescriptionsEgress",
        &[
            ("GroupId", &group),
            (
                "SecurityGroupRuleDescription.1.SecurityGroupRuleId",
                &out_v6,
            ),
            ("SecurityGroupRuleDescription.1.Description", "all out, v6"),
        ],
    )
    .await
    .ok();
    assert_eq!(rule(&n, &out_v6).await.get("description"), "all out, v6");
    // An empty description clears it.
    n.call(
        "UpdateSecurityGroupRuleDescriptionsIngress",
        &[
            ("GroupId", &group),
            ("SecurityGroupRuleDescription.1.SecurityGroupRuleId", &ssh),
            ("SecurityGroupRuleDescription.1.Description", ""),
        ],
    )
    .await
    .ok();
    assert!(rule(&n, &ssh).await.child("description").is_none());

    // An ingress rule is no egress rule; traffic no rule allows is not found.
    n.call(
        "UpdateSecurityGroupRuleDescriptionsEgress",
        &[
            ("GroupId", &group),
            ("SecurityGroupRuleDescription.1.SecurityGroupRuleId", &ssh),
            ("SecurityGroupRuleDescription.1.Description", "x"),
        ],
    )
    .await
    .err400("InvalidSecurityGroupRuleId.NotFound");
    n.call(
        "UpdateSecurityGroupRuleDescriptionsIngress",
        &[
            ("GroupId", &group),
            ("IpPermissions.1.IpProtocol", "tcp"),
            ("IpPermissions.1.FromPort", "23"),
            ("IpPermissions.1.ToPort", "23"),
            ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"),
            ("IpPermissions.1.IpRanges.1.Description", "telnet"),
        ],
    )
    .await
    .err400("InvalidPermission.NotFound");
    let long = "x".repeat(256);
    n.call(
        "UpdateSecurityGroupRuleDescriptionsIngress",
        &[
            ("GroupId", &group),
            ("SecurityGroupRuleDescription.1.SecurityGroupRuleId", &ssh),
            ("SecurityGroupRuleDescription.1.Description", &long),
        ],
    )
    .await
    .err400("InvalidParameterValue");
    n.call(
        "UpdateSecurityGroupRuleDescriptionsIngress",
        &[("GroupId", &group)],
    )
    .await
    .err400("MissingParameter");
    assert!(rule(&n, &ssh).await.child("description").is_none());
}

#[tokio::test]
async fn egress_descriptions_name_default_vpc_groups_by_name_too() {
    let n = west_v4_only().await;
    // The API reference gives both Update…Descriptions actions `GroupName`, for groups of
    // the default VPC.
    let r = n
        .call(
            "CreateSecurityGroup",
            &[
                ("GroupName", "named"),
                ("GroupDescription", "in the default VPC"),
            ],
        )
        .await;
    let group = r.ok().text("groupId");
    let out = group_rules(&n, &group).await[0].get("securityGroupRuleId");
    n.call(
        "UpdateSecurityGroupRuleDescriptionsEgress",
        &[
            ("GroupName", "named"),
            ("SecurityGroupRuleDescription.1.SecurityGroupRuleId", &out),
            (
                "SecurityGroupRuleDescription.1.Description",
                "everything out",
            ),
        ],
    )
    .await
    .ok();
    assert_eq!(rule(&n, &out).await.get("description"), "everything out");
}

#[tokio::test]
async fn revoke_by_rule_id_in_each_direction() {
    let n = west_v4_only().await;
    let group = n.create_group("web", &n.vpc).await;
    authorize(&n, false, &group, &[v4("10.0.0.0/8".into())], 22)
        .await
        .ok();
    let all = group_rules(&n, &group).await;
    let ssh = rule_id(&all, "cidrIpv4", "10.0.0.0/8");
    let out = rule_id(&all, "cidrIpv4", "0.0.0.0/0");
    // An egress rule's ID is not found among the ingress rules, and the reverse.
    n.call(
        "RevokeSecurityGroupIngress",
        &[("GroupId", &group), ("SecurityGroupRuleId.1", &out)],
    )
    .await
    .err400("InvalidSecurityGroupRuleId.NotFound");
    n.call(
        "RevokeSecurityGroupEgress",
        &[("GroupId", &group), ("SecurityGroupRuleId.1", &ssh)],
    )
    .await
    .err400("InvalidSecurityGroupRuleId.NotFound");
    for (action, id) in [
        ("RevokeSecurityGroupIngress", &ssh),
        ("RevokeSecurityGroupEgress", &out),
    ] {
        let r = n
            .call(
                action,
                &[("GroupId", &group), ("SecurityGroupRuleId.1", id)],
            )
            .await;
        let revoked = r.ok().items("revokedSecurityGroupRuleSet");
        assert_eq!(revoked.len(), 1, "{}", r.body);
        assert_eq!(revoked[0].get("securityGroupRuleId"), *id);
    }
    assert!(group_rules(&n, &group).await.is_empty());
    n.call(
        "DescribeSecurityGroupRules",
        &[("SecurityGroupRuleId.1", &ssh)],
    )
    .await
    .err400("InvalidSecurityGroupRuleId.NotFound");
}

#[tokio::test]
async fn sixty_ipv4_rules_in_and_the_sixty_first_is_refused_whole() {
    let n = east().await;
    let group = n.create_group("web", &n.vpc).await;
    authorize(&n, false, &group, &v4_peers(0, 40), 1000)
        .await
        .ok();
    // Twenty-one more cross the line: the call fails and adds none of them.
    let msg = authorize(&n, false, &group, &v4_peers(1, 21), 2000)
        .await
        .err400("RulesPerSecurityGroupLimitExceeded");
    assert_eq!(
        msg,
        "The maximum number of rules per security group has been reached."
    );
    let ingress = |rules: &[Node]| {
        rules
            .iter()
            .filter(|r| r.get("isEgress") == "false")
            .count()
    };
    assert_eq!(ingress(&group_rules(&n, &group).await), 40);
    authorize(&n, false, &group, &v4_peers(1, 20), 2000)
        .await
        .ok();
    assert_eq!(ingress(&group_rules(&n, &group).await), 60);
    authorize(&n, false, &group, &v4_peers(2, 1), 3000)
        .await
        .err400("RulesPerSecurityGroupLimitExceeded");
    // The quota counts IPv4 and IPv6 rules apart (Amazon VPC quotas): IPv6 still fits…
    authorize(&n, false, &group, &v6_peers(1), 4000).await.ok();
    // …but a group reference counts as one rule of each, so it does not.
    let peer = n.create_group("lb", &n.vpc).await;
    authorize(&n, false, &group, &[("Groups", "GroupId", peer)], 5000)
        .await
        .err400("RulesPerSecurityGroupLimitExceeded");
    // Egress is counted on its own: the default rules and 59 more IPv4 ones.
    authorize(&n, true, &group, &v4_peers(3, 59), 1000)
        .await
        .ok();
    authorize(&n, true, &group, &v4_peers(4, 1), 1000)
        .await
        .err400("RulesPerSecurityGroupLimitExceeded");
    assert_eq!(group_rules(&n, &group).await.len(), 60 + 1 + 60 + 1);
}

#[tokio::test]
async fn a_prefix_list_counts_as_its_maximum_size() {
    let n = west_v4_only().await;
    let group = n.create_group("web", &n.vpc).await;
    // "If you create a prefix list with 20 maximum entries and you reference that prefix list
    // in a security group rule, this counts as 20 security group rules" (Amazon VPC quotas).
    let big = n.prefix_list("big", "61", &["198.51.100.0/24"]).await;
    let pl = |id: &str| ("PrefixListIds", "PrefixListId", id.to_owned());
    authorize(&n, false, &group, &[pl(&big)], 443)
        .await
        .err400("RulesPerSecurityGroupLimitExceeded");
    let ten = n.prefix_list("ten", "10", &["203.0.113.0/24"]).await;
    authorize(&n, false, &group, &v4_peers(0, 50), 1000)
        .await
        .ok();
    authorize(&n, false, &group, &[pl(&ten)], 443).await.ok();
    authorize(&n, false, &group, &v4_peers(1, 1), 2000)
        .await
        .err400("RulesPerSecurityGroupLimitExceeded");
    // Growing the list would push the group past its quota: refused.
    n.call(
        "ModifyManagedPrefixList",
        &[("PrefixListId", &ten), ("MaxEntries", "11")],
    )
    .await
    .err400("InvalidParameterValue");
    let shown = n
        .call("DescribeManagedPrefixLists", &[("PrefixListId.1", &ten)])
        .await;
    assert_eq!(shown.ok().text("maxEntries"), "10");
    // Shrinking it makes room.
    n.call(
        "ModifyManagedPrefixList",
        &[("PrefixListId", &ten), ("MaxEntries", "9")],
    )
    .await
    .ok();
    authorize(&n, false, &group, &v4_peers(1, 1), 2000)
        .await
        .ok();
}

#[tokio::test]
async fn modify_cannot_push_a_group_past_its_quota() {
    let n = east().await;
    let group = n.create_group("web", &n.vpc).await;
    authorize(&n, false, &group, &v4_peers(0, 60), 1000)
        .await
        .ok();
    authorize(&n, false, &group, &v6_peers(1), 4000).await.ok();
    let all = group_rules(&n, &group).await;
    let v6_rule = rule_id(&all, "cidrIpv6", "2001:db8::/64");
    n.call(
        "ModifySecurityGroupRules",
        &[
            ("GroupId", &group),
            ("SecurityGroupRule.1.SecurityGroupRuleId", &v6_rule),
            ("SecurityGroupRule.1.SecurityGroupRule.IpProtocol", "tcp"),
            ("SecurityGroupRule.1.SecurityGroupRule.FromPort", "1"),
            ("SecurityGroupRule.1.SecurityGroupRule.ToPort", "1"),
            (
                "SecurityGroupRule.1.SecurityGroupRule.CidrIpv4",
                "192.0.2.0/24",
            ),
        ],
    )
    .await
    .err400("RulesPerSecurityGroupLimitExceeded");
    assert!(rule(&n, &v6_rule).await.child("cidrIpv6").is_some());
}
