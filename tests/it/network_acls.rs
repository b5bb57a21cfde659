//! Network ACLs over HTTP: each VPC's default ACL and its entries, subnets associated with
//! it from birth, ACLs users make, entries created, replaced and deleted under EC2's rules
//! (rule numbers, protocols, ports, ICMP, the per-direction quota), moving a subnet between
//! ACLs, what cannot be deleted, filters, dry runs, and the worlds kept apart.

use ec2_mock::Config;

use crate::support::{east, ids, is_long_id, summary_totals, west_v4_only, Net, Node, Server};

/// One entry as shown: (rule number, egress, protocol, action, IPv4 or IPv6 block).
type Row = (i32, bool, String, String, String);

fn entries(acl: &Node) -> Vec<Row> {
    acl.items("entrySet")
        .iter()
        .map(|e| {
            let block = e
                .child("cidrBlock")
                .or_else(|| e.child("ipv6CidrBlock"))
                .map(|c| c.text.clone())
                .unwrap();
            (
                e.get("ruleNumber").parse().unwrap(),
                e.get("egress") == "true",
                e.get("protocol"),
                e.get("ruleAction"),
                block,
            )
        })
        .collect()
}

fn row(rule: i32, egress: bool, protocol: &str, action: &str, block: &str) -> Row {
    (
        rule,
        egress,
        protocol.to_owned(),
        action.to_owned(),
        block.to_owned(),
    )
}

/// The entry with this rule number and direction.
fn entry(acl: &Node, rule: i32, egress: bool) -> Node {
    acl.items("entrySet")
        .into_iter()
        .find(|e| e.get("ruleNumber") == rule.to_string() && (e.get("egress") == "true") == egress)
        .unwrap_or_else(|| panic!("no entry {rule} (egress {egress}) in {acl:#?}"))
        .clone()
}

/// (association ID, subnet) pairs of an ACL.
fn associations(acl: &Node) -> Vec<(String, String)> {
    acl.items("associationSet")
        .iter()
        .map(|a| {
            assert_eq!(a.get("networkAclId"), acl.get("networkAclId"));
            (a.get("networkAclAssociationId"), a.get("subnetId"))
        })
        .collect()
}

async fn create_acl(n: &Net, vpc: &str) -> String {
    n.call("CreateNetworkAcl", &[("VpcId", vpc)])
        .await
        .ok()
        .text("networkAclId")
}

/// CreateNetworkAclEntry (or another entry action) with these parameters after the ACL's.
async fn entry_call(
    n: &Net,
    action: &str,
    acl: &str,
    params: &[(&str, &str)],
) -> crate::support::Reply {
    let mut all = vec![("NetworkAclId", acl)];
    all.extend_from_slice(params);
    n.call(action, &all).await
}

/// The parameters of an all-traffic entry.
fn all_traffic<'a>(rule: &'a str, egress: &'a str, action: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("RuleNumber", rule),
        ("Protocol", "-1"),
        ("RuleAction", action),
        ("Egress", egress),
        ("CidrBlock", "0.0.0.0/0"),
    ]
}

async fn acl_ids(n: &Net, name: &str, value: &str) -> Vec<String> {
    let mut found = ids(
        &n.acls(&[
            ("Filter.1.Name", "vpc-id"),
            ("Filter.1.Value.1", n.vpc.as_str()),
            ("Filter.2.Name", name),
            ("Filter.2.Value.1", value),
        ])
        .await,
        "networkAclId",
    );
    found.sort();
    found
}

#[tokio::test]
async fn the_default_acl_allows_everything_in_both_families_before_denying_it() {
    let n = east().await;
    let acl = n.default_acl(&n.vpc).await;
    let id = acl.get("networkAclId");
    assert!(is_long_id(&id, "acl"), "{id}");
    assert_eq!(acl.get("default"), "true");
    assert_eq!(acl.get("vpcId"), n.vpc);
    // Egress first, then ingress, each by rule number; IPv6 rules because the VPC has IPv6.
    let mut expected = Vec::new();
    for egress in [true, false] {
        expected.extend([
            row(100, egress, "-1", "allow", "0.0.0.0/0"),
            row(101, egress, "-1", "allow", "::/0"),
            row(32767, egress, "-1", "deny", "0.0.0.0/0"),
            row(32768, egress, "-1", "deny", "::/0"),
        ]);
    }
    assert_eq!(entries(&acl), expected);
    // The world's subnet uses it, and so does every subnet made later.
    let assocs = associations(&acl);
    assert_eq!(assocs.len(), 1);
    assert!(is_long_id(&assocs[0].0, "aclassoc"), "{assocs:?}");
    assert_eq!(assocs[0].1, n.subnet);
    let (second, _) = n
        .add_subnet(&n.vpc, "10.0.9.0/24", "us-east-1b", None)
        .await;
    let subnets: Vec<String> = associations(&n.acl(&id).await)
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(subnets.len(), 2);
    assert!(subnets.contains(&second));

    // An IPv4-only VPC's default ACL has the IPv4 rules only.
    let (vpc4, _) = n.add_vpc("10.9.0.0/16").await;
    let acl4 = n.default_acl(&vpc4).await;
    assert_eq!(
        entries(&acl4),
        [
            row(100, true, "-1", "allow", "0.0.0.0/0"),
            row(32767, true, "-1", "deny", "0.0.0.0/0"),
            row(100, false, "-1", "allow", "0.0.0.0/0"),
            row(32767, false, "-1", "deny", "0.0.0.0/0"),
        ]
    );
    assert!(associations(&acl4).is_empty());
}

#[tokio::test]
async fn a_new_acl_denies_everything_and_can_be_deleted_when_unused() {
    let n = east().await;
    let r = n
        .call(
            "CreateNetworkAcl",
            &[
                ("VpcId", &n.vpc),
                ("TagSpecification.1.ResourceType", "network-acl"),
                ("TagSpecification.1.Tag.1.Key", "Name"),
                ("TagSpecification.1.Tag.1.Value", "private"),
            ],
        )
        .await;
    let acl = r.ok().child("networkAcl").unwrap().clone();
    let id = acl.get("networkAclId");
    assert_eq!(acl.get("default"), "false");
    assert_eq!(acl.tags()["Name"], "private");
    assert!(associations(&acl).is_empty());
    assert_eq!(
        entries(&acl),
        [
            row(32767, true, "-1", "deny", "0.0.0.0/0"),
            row(32768, true, "-1", "deny", "::/0"),
            row(32767, false, "-1", "deny", "0.0.0.0/0"),
            row(32768, false, "-1", "deny", "::/0"),
        ]
    );
    assert_eq!(acl_ids(&n, "tag:Name", "private").await, vec![id.clone()]);
    n.call("DeleteNetworkAcl", &[("NetworkAclId", &id)])
        .await
        .ok();
    n.call("DescribeNetworkAcls", &[("NetworkAclId.1", &id)])
        .await
        .err400("InvalidNetworkAclID.NotFound");
    n.call("DeleteNetworkAcl", &[("NetworkAclId", &id)])
        .await
        .err400("InvalidNetworkAclID.NotFound");
    n.call("DeleteNetworkAcl", &[("NetworkAclId", "acl-x")])
        .await
        .err400("InvalidNetworkAclId.Malformed");
    n.call("CreateNetworkAcl", &[("VpcId", "vpc-0123456789abcdef0")])
        .await
        .err400("InvalidVpcID.NotFound");
    // The default ACL never goes.
    let default = n.default_acl(&n.vpc).await.get("networkAclId");
    let msg = n
        .call("DeleteNetworkAcl", &[("NetworkAclId", &default)])
        .await
        .err400("InvalidParameterValue");
    assert!(msg.contains(&default), "{msg}");
}

#[tokio::test]
async fn subnets_move_between_acls_and_an_acl_in_use_stays() {
    let n = west_v4_only().await;
    let default = n.default_acl(&n.vpc).await;
    let default_id = default.get("networkAclId");
    let (assoc, subnet) = associations(&default)[0].clone();
    assert_eq!(subnet, n.subnet);
    let custom = create_acl(&n, &n.vpc).await;
    let r = n
        .call(
            "ReplaceNetworkAclAssociation",
            &[("AssociationId", &assoc), ("NetworkAclId", &custom)],
        )
        .await;
    let moved = r.ok().text("newAssociationId");
    assert_ne!(moved, assoc);
    assert_eq!(
        associations(&n.acl(&custom).await),
        [(moved.clone(), n.subnet.clone())]
    );
    assert!(associations(&n.acl(&default_id).await).is_empty());
    assert_eq!(
        acl_ids(&n, "association.subnet-id", &n.subnet).await,
        vec![custom.clone()]
    );
    assert_eq!(
        acl_ids(&n, "association.association-id", &moved).await,
        vec![custom.clone()]
    );
    // The old association ID is gone.
    n.call(
        "ReplaceNetworkAclAssociation",
        &[("AssociationId", &assoc), ("NetworkAclId", &default_id)],
    )
    .await
    .err400("InvalidAssociationID.NotFound");
    let msg = n
        .call("DeleteNetworkAcl", &[("NetworkAclId", &custom)])
        .await
        .err400("DependencyViolation");
    assert_eq!(
        msg,
        format!("The networkAcl '{custom}' has dependencies and cannot be deleted.")
    );
    // An ACL of another VPC cannot take the subnet.
    let (other, _) = n.add_vpc("10.2.0.0/16").await;
    let foreign = create_acl(&n, &other).await;
    n.call(
        "ReplaceNetworkAclAssociation",
        &[("AssociationId", &moved), ("NetworkAclId", &foreign)],
    )
    .await
    .err400("InvalidParameterValue");
    // Back to the default; then the custom ACL can go. A deleted subnet takes its association.
    let back = n
        .call(
            "ReplaceNetworkAclAssociation",
            &[("AssociationId", &moved), ("NetworkAclId", &default_id)],
        )
        .await
        .ok()
        .text("newAssociationId");
    n.call("DeleteNetworkAcl", &[("NetworkAclId", &custom)])
        .await
        .ok();
    assert_eq!(
        associations(&n.acl(&default_id).await),
        [(back, n.subnet.clone())]
    );
    n.call("DeleteSubnet", &[("SubnetId", &n.subnet)])
        .await
        .ok();
    assert!(associations(&n.acl(&default_id).await).is_empty());
}

#[tokio::test]
async fn entries_are_numbered_per_direction_and_replaced_whole() {
    let n = west_v4_only().await;
    let acl = create_acl(&n, &n.vpc).await;
    let web = [
        ("RuleNumber", "100"),
        ("Protocol", "tcp"),
        ("RuleAction", "allow"),
        ("Egress", "false"),
        ("CidrBlock", "10.1.0.77/16"),
        ("PortRange.From", "443"),
        ("PortRange.To", "443"),
    ];
    entry_call(&n, "CreateNetworkAclEntry", &acl, &web)
        .await
        .ok();
    // The same number in the other direction is another rule.
    entry_call(
        &n,
        "CreateNetworkAclEntry",
        &acl,
        &all_traffic("100", "true", "allow"),
    )
    .await
    .ok();
    let msg = entry_call(&n, "CreateNetworkAclEntry", &acl, &web)
        .await
        .err400("NetworkAclEntryAlreadyExists");
    assert!(msg.contains("100"), "{msg}");

    let shown = n.acl(&acl).await;
    assert_eq!(
        entries(&shown),
        [
            row(100, true, "-1", "allow", "0.0.0.0/0"),
            row(32767, true, "-1", "deny", "0.0.0.0/0"),
            // `tcp` is stored as its number; the block in its canonical form.
            row(100, false, "6", "allow", "10.1.0.0/16"),
            row(32767, false, "-1", "deny", "0.0.0.0/0"),
        ]
    );
    let tcp = entry(&shown, 100, false);
    assert_eq!(tcp.text("from"), "443");
    assert_eq!(tcp.text("to"), "443");
    assert!(tcp.child("icmpTypeCode").is_none());

    // Replace swaps the whole rule: now ICMP echo, denied, with no port range.
    entry_call(
        &n,
        "ReplaceNetworkAclEntry",
        &acl,
        &[
            ("RuleNumber", "100"),
            ("Protocol", "icmp"),
            ("RuleAction", "deny"),
            ("Egress", "false"),
            ("CidrBlock", "192.0.2.0/24"),
            ("Icmp.Type", "8"),
            ("Icmp.Code", "-1"),
        ],
    )
    .await
    .ok();
    let icmp = entry(&n.acl(&acl).await, 100, false);
    assert_eq!(icmp.get("protocol"), "1");
    assert_eq!(icmp.get("ruleAction"), "deny");
    assert_eq!(icmp.text("type"), "8");
    assert_eq!(icmp.text("code"), "-1");
    assert!(icmp.child("portRange").is_none());
    entry_call(
        &n,
        "ReplaceNetworkAclEntry",
        &acl,
        &all_traffic("200", "false", "allow"),
    )
    .await
    .err400("InvalidNetworkAclEntry.NotFound");

    // Delete names the number and the direction.
    let delete =
        |rule: &'static str, egress: &'static str| [("RuleNumber", rule), ("Egress", egress)];
    entry_call(&n, "DeleteNetworkAclEntry", &acl, &delete("100", "true"))
        .await
        .ok();
    entry_call(&n, "DeleteNetworkAclEntry", &acl, &delete("100", "true"))
        .await
        .err400("InvalidNetworkAclEntry.NotFound");
    assert_eq!(entries(&n.acl(&acl).await).len(), 3);
    // The `*` rules are no one's to change.
    for action in [
        "DeleteNetworkAclEntry",
        "ReplaceNetworkAclEntry",
        "CreateNetworkAclEntry",
    ] {
        let params = if action == "DeleteNetworkAclEntry" {
            delete("32767", "false").to_vec()
        } else {
            all_traffic("32767", "false", "allow")
        };
        entry_call(&n, action, &acl, &params)
            .await
            .err400("InvalidParameterValue");
    }
    entry_call(&n, "DeleteNetworkAclEntry", &acl, &[("RuleNumber", "100")])
        .await
        .err400("MissingParameter");
    // The number refused is the number given.
    let msg = entry_call(
        &n,
        "DeleteNetworkAclEntry",
        &acl,
        &delete("99999999999", "false"),
    )
    .await
    .err400("InvalidParameterValue");
    assert!(msg.contains("(99999999999)"), "{msg}");
    assert_eq!(entries(&n.acl(&acl).await).len(), 3);
}

#[tokio::test]
async fn entry_rules_follow_the_api_reference() {
    let n = east().await;
    let acl = create_acl(&n, &n.vpc).await;
    let base = |rule: &'static str, protocol: &'static str| {
        vec![
            ("RuleNumber", rule),
            ("Protocol", protocol),
            ("RuleAction", "allow"),
            ("Egress", "false"),
            ("CidrBlock", "10.0.0.0/8"),
        ]
    };
    let with = |mut v: Vec<(&'static str, &'static str)>,
                extra: &[(&'static str, &'static str)]| {
        v.extend_from_slice(extra);
        v
    };
    let refused: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (base("0", "-1"), "InvalidParameterValue"),
        (base("32768", "-1"), "InvalidParameterValue"),
        (base("-5", "-1"), "InvalidParameterValue"),
        (base("10", "tcp"), "MissingParameter"),
        (
            with(base("10", "udp"), &[("PortRange.From", "53")]),
            "MissingParameter",
        ),
        (
            with(
                base("10", "6"),
                &[("PortRange.From", "1"), ("PortRange.To", "70000")],
            ),
            "InvalidParameterValue",
        ),
        (base("99999999999", "-1"), "InvalidParameterValue"),
        (base("10", "icmp"), "MissingParameter"),
        (
            with(
                base("10", "icmp"),
                &[("Icmp.Type", "256"), ("Icmp.Code", "0")],
            ),
            "InvalidParameterValue",
        ),
        (base("10", "gre"), "InvalidParameterValue"),
        (base("10", "256"), "InvalidParameterValue"),
        (
            vec![
                ("RuleNumber", "10"),
                ("Protocol", "-1"),
                ("RuleAction", "permit"),
                ("Egress", "false"),
                ("CidrBlock", "10.0.0.0/8"),
            ],
            "InvalidParameterValue",
        ),
        (
            with(base("10", "-1"), &[("Ipv6CidrBlock", "::/0")]),
            "InvalidParameterCombination",
        ),
        (
            vec![
                ("RuleNumber", "10"),
                ("Protocol", "-1"),
                ("RuleAction", "allow"),
                ("Egress", "false"),
            ],
            "MissingParameter",
        ),
        // ICMPv6 for an IPv6 block needs its type and code (the API reference).
        (
            vec![
                ("RuleNumber", "10"),
                ("Protocol", "58"),
                ("RuleAction", "allow"),
                ("Egress", "false"),
                ("Ipv6CidrBlock", "::/0"),
            ],
            "MissingParameter",
        ),
    ];
    for (params, code) in refused {
        let r = entry_call(&n, "CreateNetworkAclEntry", &acl, &params).await;
        assert_eq!(r.code().as_deref(), Some(code), "{params:?}: {}", r.body);
    }
    assert_eq!(entries(&n.acl(&acl).await).len(), 4, "nothing was added");

    // Protocols other than TCP, UDP and ICMP(v6) cover all ports: the ports given are dropped.
    entry_call(
        &n,
        "CreateNetworkAclEntry",
        &acl,
        &with(
            base("20", "47"),
            &[("PortRange.From", "1"), ("PortRange.To", "2")],
        ),
    )
    .await
    .ok();
    let gre = entry(&n.acl(&acl).await, 20, false);
    assert_eq!(gre.get("protocol"), "47");
    assert!(gre.child("portRange").is_none());
    // ICMPv6 with an IPv4 block allows every type and code, whatever is given.
    entry_call(&n, "CreateNetworkAclEntry", &acl, &base("30", "icmpv6"))
        .await
        .ok();
    let v6_over_v4 = entry(&n.acl(&acl).await, 30, false);
    assert_eq!(v6_over_v4.get("protocol"), "58");
    assert!(
        v6_over_v4.child("icmpTypeCode").is_none(),
        "{v6_over_v4:#?}"
    );
    // ICMPv6 for IPv6, with type and code.
    entry_call(
        &n,
        "CreateNetworkAclEntry",
        &acl,
        &[
            ("RuleNumber", "40"),
            ("Protocol", "58"),
            ("RuleAction", "allow"),
            ("Egress", "true"),
            ("Ipv6CidrBlock", "2001:db8::/32"),
            ("Icmp.Type", "-1"),
            ("Icmp.Code", "-1"),
        ],
    )
    .await
    .ok();
    let icmp6 = entry(&n.acl(&acl).await, 40, true);
    assert_eq!(icmp6.get("ipv6CidrBlock"), "2001:db8::/32");
    assert_eq!(icmp6.text("type"), "-1");
}

#[tokio::test]
async fn twenty_rules_per_direction_and_family_counting_the_star_rule() {
    let n = east().await;
    let acl = create_acl(&n, &n.vpc).await;
    // The quota (Amazon VPC quotas, "Rules per network ACL"): 20 one way, IPv4 and IPv6
    // apart, the `*` deny rule included; so 19 of one's own per direction and family.
    for i in 1..=19 {
        let rule = (i * 10).to_string();
        entry_call(
            &n,
            "CreateNetworkAclEntry",
            &acl,
            &all_traffic(&rule, "false", "allow"),
        )
        .await
        .ok();
    }
    let msg = entry_call(
        &n,
        "CreateNetworkAclEntry",
        &acl,
        &all_traffic("500", "false", "allow"),
    )
    .await
    .err400("NetworkAclEntryLimitExceeded");
    assert!(!msg.is_empty());
    // The other direction and the other family have their own 20.
    entry_call(
        &n,
        "CreateNetworkAclEntry",
        &acl,
        &all_traffic("500", "true", "allow"),
    )
    .await
    .ok();
    entry_call(
        &n,
        "CreateNetworkAclEntry",
        &acl,
        &[
            ("RuleNumber", "500"),
            ("Protocol", "-1"),
            ("RuleAction", "allow"),
            ("Egress", "false"),
            ("Ipv6CidrBlock", "::/0"),
        ],
    )
    .await
    .ok();
    // Replacing a rule in place is no new rule.
    entry_call(
        &n,
        "ReplaceNetworkAclEntry",
        &acl,
        &all_traffic("10", "false", "deny"),
    )
    .await
    .ok();
    let acl_node = n.acl(&acl).await;
    let ingress_v4 = entries(&acl_node)
        .into_iter()
        .filter(|r| !r.1 && !r.4.contains(':'))
        .count();
    assert_eq!(ingress_v4, 20);
}

#[tokio::test]
async fn filters_on_entries_and_associations() {
    let n = west_v4_only().await;
    let acl = create_acl(&n, &n.vpc).await;
    entry_call(
        &n,
        "CreateNetworkAclEntry",
        &acl,
        &[
            ("RuleNumber", "110"),
            ("Protocol", "udp"),
            ("RuleAction", "allow"),
            ("Egress", "true"),
            ("CidrBlock", "192.0.2.0/24"),
            ("PortRange.From", "53"),
            ("PortRange.To", "54"),
        ],
    )
    .await
    .ok();
    let default = n.default_acl(&n.vpc).await.get("networkAclId");
    let both = {
        let mut v = vec![acl.clone(), default.clone()];
        v.sort();
        v
    };
    for (name, value, expected) in [
        ("default", "false", vec![acl.clone()]),
        ("default", "true", vec![default.clone()]),
        ("network-acl-id", acl.as_str(), vec![acl.clone()]),
        ("entry.cidr", "192.0.2.0/24", vec![acl.clone()]),
        ("entry.port-range.from", "53", vec![acl.clone()]),
        ("entry.port-range.to", "54", vec![acl.clone()]),
        ("entry.rule-number", "110", vec![acl.clone()]),
        ("entry.rule-number", "32767", both.clone()),
        ("entry.rule-action", "allow", both.clone()),
        ("entry.egress", "true", both.clone()),
        // The reference lists `tcp | udp | icmp or a protocol number` as values.
        ("entry.protocol", "17", vec![acl.clone()]),
        ("entry.protocol", "udp", vec![acl.clone()]),
        (
            "association.subnet-id",
            n.subnet.as_str(),
            vec![default.clone()],
        ),
        (
            "association.network-acl-id",
            default.as_str(),
            vec![default.clone()],
        ),
        ("owner-id", "123456789012", both.clone()),
    ] {
        assert_eq!(acl_ids(&n, name, value).await, expected, "{name}={value}");
    }
    n.call(
        "DescribeNetworkAcls",
        &[("Filter.1.Name", "entry.colour"), ("Filter.1.Value.1", "x")],
    )
    .await
    .err400("InvalidParameterValue");
    // Pages, 5 to 1000 a page.
    for _ in 0..4 {
        create_acl(&n, &n.vpc).await;
    }
    let r = n
        .call(
            "DescribeNetworkAcls",
            &[
                ("Filter.1.Name", "vpc-id"),
                ("Filter.1.Value.1", &n.vpc),
                ("MaxResults", "5"),
            ],
        )
        .await;
    assert_eq!(r.ok().items("networkAclSet").len(), 5);
    let token = r.ok().text("nextToken");
    let rest = n
        .acls(&[
            ("Filter.1.Name", "vpc-id"),
            ("Filter.1.Value.1", &n.vpc),
            ("MaxResults", "5"),
            ("NextToken", &token),
        ])
        .await;
    assert_eq!(rest.len(), 1);
}

#[tokio::test]
async fn dry_runs_change_nothing() {
    let n = west_v4_only().await;
    let acl = create_acl(&n, &n.vpc).await;
    let before = n.acls(&[]).await;
    let dry = ("DryRun", "true");
    let mut entry = all_traffic("10", "false", "allow");
    entry.insert(0, ("NetworkAclId", &acl));
    entry.push(dry);
    let assoc = associations(&n.default_acl(&n.vpc).await)[0].0.clone();
    for (action, params) in [
        ("CreateNetworkAcl", vec![("VpcId", n.vpc.as_str()), dry]),
        ("CreateNetworkAclEntry", entry),
        (
            "DeleteNetworkAcl",
            vec![("NetworkAclId", acl.as_str()), dry],
        ),
        (
            "ReplaceNetworkAclAssociation",
            vec![("AssociationId", &assoc), ("NetworkAclId", &acl), dry],
        ),
    ] {
        n.call(action, &params).await.err("DryRunOperation", 412);
    }
    assert_eq!(n.acls(&[]).await, before);
}

#[tokio::test]
async fn acls_are_per_world_seeded_and_counted() {
    let n = west_v4_only().await;
    let acl = create_acl(&n, &n.vpc).await;
    // The default VPC's default ACL, the test VPC's, and ours.
    assert_eq!(summary_totals(&n.s).await["networkAcls"], 3);
    for (key, region) in [("AKIDEXAMPLE", "us-east-1"), ("111122223333", "eu-west-1")] {
        n.s.call_as(
            key,
            region,
            "DescribeNetworkAcls",
            &[("NetworkAclId.1", &acl)],
        )
        .await
        .err400("InvalidNetworkAclID.NotFound");
    }

    async fn draw(seed: u64) -> Vec<String> {
        let s = Server::with_config(Config::new("123456789012", "us-east-1", seed).unwrap()).await;
        let vpc = s
            .call("CreateVpc", &[("CidrBlock", "10.0.0.0/16")])
            .await
            .ok()
            .text("vpcId");
        let acl = s
            .call("CreateNetworkAcl", &[("VpcId", &vpc)])
            .await
            .ok()
            .text("networkAclId");
        let default = s
            .call(
                "DescribeNetworkAcls",
                &[
                    ("Filter.1.Name", "vpc-id"),
                    ("Filter.1.Value.1", &vpc),
                    ("Filter.2.Name", "default"),
                    ("Filter.2.Value.1", "true"),
                ],
            )
            .await
            .ok()
            .text("networkAclId");
        vec![acl, default]
    }
    assert_eq!(draw(42).await, draw(42).await);
    assert_ne!(draw(42).await, draw(7).await);
}
