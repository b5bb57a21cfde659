//! CreateNetworkInterface, DescribeNetworkInterfaces and DeleteNetworkInterface through HTTP:
//! every parameter, combination rule and error of issue 3, and the address invariants behind
//! them (no address handed out twice, nothing leaked by a failed or dry-run request).

use std::collections::{BTreeSet, HashSet};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use ipnet::{Ipv4Net, Ipv6Net};

use crate::support::*;

fn set(ids: &[&String]) -> BTreeSet<String> {
    ids.iter().map(|s| (*s).clone()).collect()
}

// --- the response -----------------------------------------------------------------------------

#[tokio::test]
async fn minimal_create_renders_every_element_that_applies() {
    let n = east().await;
    let r = n.create(&[]).await;
    let eni = eni_of(&r);
    assert!(is_uuid(&r.doc.get("requestId")), "{}", r.body);
    assert!(
        r.body.contains(
            r#"<CreateNetworkInterfaceResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">"#
        ),
        "{}",
        r.body
    );
    assert!(is_long_id(&id(&eni), "eni"), "{}", id(&eni));
    assert_eq!(eni.get("subnetId"), n.subnet);
    assert_eq!(eni.get("vpcId"), n.vpc);
    assert_eq!(eni.get("availabilityZone"), "us-east-1a");
    // Zone IDs map to zone names per account; only the region's form is fixed.
    assert!(eni.get("availabilityZoneId").starts_with("use1-az"));
    assert_eq!(eni.get("description"), "");
    assert_eq!(eni.get("ownerId"), ACCOUNT);
    assert_eq!(eni.get("requesterManaged"), "false");
    assert_eq!(
        eni.get("status"),
        "pending",
        "the create reply says pending"
    );
    assert!(is_mac(&eni.get("macAddress")), "{}", eni.get("macAddress"));
    let ip: Ipv4Addr = eni.get("privateIpAddress").parse().unwrap();
    assert!(usable(ip, n.cidr), "{ip}");
    assert_eq!(eni.get("privateDnsName"), dns_name("us-east-1", ip));
    assert_eq!(eni.get("sourceDestCheck"), "true");
    let groups = list(&eni, "groupSet");
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].get("groupId"), n.default_sg);
    assert_eq!(groups[0].get("groupName"), "default");
    let items = list(&eni, "privateIpAddressesSet");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].get("privateIpAddress"), ip.to_string());
    assert_eq!(items[0].get("privateDnsName"), dns_name("us-east-1", ip));
    assert_eq!(items[0].get("primary"), "true");
    assert_eq!(eni.get("interfaceType"), "interface");
    // Empty lists are empty elements, as in the seed examples.
    for empty in [
        "tagSet",
        "ipv4PrefixSet",
        "ipv6PrefixSet",
        "ipv6AddressesSet",
    ] {
        assert!(
            r.body.contains(&format!("<{empty}/>")),
            "<{empty}/> in {}",
            r.body
        );
        assert!(list(&eni, empty).is_empty());
    }
    // Nothing the request did not ask for: no client token, no primary IPv6, no tracking.
    assert!(r.doc.child("clientToken").is_none());
    assert!(eni.child("ipv6Address").is_none());
    assert!(eni.child("connectionTrackingConfiguration").is_none());
    assert!(eni.child("attachment").is_none() && eni.child("association").is_none());
    assert_eq!(eni.text("managed"), "false", "operator.managed");

    // Describe shows the same interface, now available.
    let d = n.describe_one(&id(&eni)).await;
    assert_eq!(d.get("status"), "available");
    for same in [
        "networkInterfaceId",
        "subnetId",
        "vpcId",
        "availabilityZone",
        "macAddress",
        "privateIpAddress",
        "privateDnsName",
        "ownerId",
        "interfaceType",
    ] {
        assert_eq!(d.get(same), eni.get(same), "{same}");
    }
    assert_eq!(v4s(&d), v4s(&eni));
}

#[tokio::test]
async fn private_dns_names_take_the_region_form_on_every_item() {
    for (region, zone) in [
        ("us-east-1", "us-east-1b"),
        ("ap-southeast-1", "ap-southeast-1b"),
        ("eu-west-1", "eu-west-1c"),
    ] {
        let n = net(region, zone, "10.0.0.0/16", "10.0.2.0/24", false).await;
        let eni = n
            .eni(&[
                ("PrivateIpAddress", "10.0.2.157"),
                ("SecondaryPrivateIpAddressCount", "3"),
            ])
            .await;
        assert_eq!(
            eni.get("privateDnsName"),
            dns_name(region, "10.0.2.157".parse().unwrap())
        );
        if region == "us-east-1" {
            assert_eq!(eni.get("privateDnsName"), "ip-10-0-2-157.ec2.internal");
        } else {
            assert_eq!(
                eni.get("privateDnsName"),
                format!("ip-10-0-2-157.{region}.compute.internal")
            );
        }
        let items = list(&eni, "privateIpAddressesSet");
        assert_eq!(items.len(), 4);
        for item in &items {
            let ip: Ipv4Addr = item.get("privateIpAddress").parse().unwrap();
            assert_eq!(item.get("privateDnsName"), dns_name(region, ip), "{region}");
        }
        assert_eq!(eni.get("availabilityZone"), zone);
    }
}

#[tokio::test]
async fn ids_and_mac_addresses_are_well_formed_and_unique_across_many_interfaces() {
    let n = net(
        "us-east-1",
        "us-east-1a",
        "10.0.0.0/16",
        "10.0.0.0/22",
        false,
    )
    .await;
    let mut macs = HashSet::new();
    let mut ids = HashSet::new();
    for _ in 0..60 {
        let eni = n.eni(&[]).await;
        let mac = eni.get("macAddress");
        assert!(is_mac(&mac), "{mac}");
        assert!(macs.insert(mac.clone()), "MAC {mac} handed out twice");
        assert!(is_long_id(&id(&eni), "eni"));
        assert!(ids.insert(id(&eni)));
    }
    n.check().await;
}

// --- SubnetId ----------------------------------------------------------------------------------

#[tokio::test]
async fn subnet_id_missing_malformed_or_unknown() {
    let n = east().await;
    let r = n.call("CreateNetworkInterface", &[]).await;
    let msg = r.err400("MissingParameter");
    assert!(msg.contains("SubnetId"), "{msg}");
    let r = n
        .call("CreateNetworkInterface", &[("SubnetId", "subnet-nothex!")])
        .await;
    r.err400("InvalidSubnetID.Malformed");
    let r = n
        .call(
            "CreateNetworkInterface",
            &[("SubnetId", "vpc-0123456789abcdef0")],
        )
        .await;
    r.err400("InvalidSubnetID.Malformed");
    let r = n
        .call(
            "CreateNetworkInterface",
            &[("SubnetId", "subnet-0123456789abcdef0")],
        )
        .await;
    let msg = r.err400("InvalidSubnetID.NotFound");
    assert_eq!(
        msg,
        "The subnet ID 'subnet-0123456789abcdef0' does not exist"
    );
    // A parameter CreateNetworkInterface does not have.
    n.create(&[("Bogus", "1")]).await.err400("UnknownParameter");
    n.check().await;
}

#[tokio::test]
async fn interfaces_go_into_any_subnet_including_the_default_ones() {
    let n = east().await;
    let r = n
        .call(
            "DescribeSubnets",
            &[
                ("Filter.1.Name", "default-for-az"),
                ("Filter.1.Value.1", "true"),
            ],
        )
        .await;
    let default_subnet = r.ok().text("subnetId");
    let eni = eni_of(&n.create_in(&default_subnet, &[]).await);
    let ip: Ipv4Addr = eni.get("privateIpAddress").parse().unwrap();
    let cidr: Ipv4Net = r.doc.text("cidrBlock").parse().unwrap();
    assert!(usable(ip, cidr));
    assert_ne!(eni.get("vpcId"), n.vpc);
    assert_eq!(list(&eni, "groupSet")[0].get("groupName"), "default");
}

// --- Description and security groups ----------------------------------------------------------

#[tokio::test]
async fn description_is_echoed_and_bounded() {
    let n = east().await;
    let eni = n
        .eni(&[("Description", "my <special> & \"quoted\" eni")])
        .await;
    assert_eq!(eni.get("description"), "my <special> & \"quoted\" eni");
    let d = n.describe_one(&id(&eni)).await;
    assert_eq!(d.get("description"), "my <special> & \"quoted\" eni");
    // 255 characters are accepted, 256 are not: the code's bound (the reference states none).
    let ok = "d".repeat(255);
    n.eni(&[("Description", &ok)]).await;
    let long = "d".repeat(256);
    n.create(&[("Description", &long)])
        .await
        .err400("InvalidParameterValue");
}

#[tokio::test]
async fn security_groups_several_default_and_refused_ones() {
    let n = east().await;
    let web = n.create_group("web", &n.vpc).await;
    let app = n.create_group("app", &n.vpc).await;

    // None given: the VPC's default group.
    let eni = n.eni(&[]).await;
    let groups = list(&eni, "groupSet");
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].get("groupId"), n.default_sg);
    assert_eq!(groups[0].get("groupName"), "default");

    // Several, each with its name, in the order given.
    let eni = n
        .eni(&[("SecurityGroupId.1", &web), ("SecurityGroupId.2", &app)])
        .await;
    let got: Vec<(String, String)> = list(&eni, "groupSet")
        .iter()
        .map(|g| (g.get("groupId"), g.get("groupName")))
        .collect();
    assert_eq!(
        got,
        vec![
            (web.clone(), "web".to_owned()),
            (app.clone(), "app".to_owned())
        ]
    );
    // The default group is not added when groups are given.
    assert!(!got.iter().any(|(g, _)| *g == n.default_sg));

    let before = n.available(&n.subnet).await;
    // Unknown, malformed: the group errors; nothing created.
    let r = n
        .create(&[
            ("SecurityGroupId.1", &web),
            ("SecurityGroupId.2", "sg-0123456789abcdef0"),
        ])
        .await;
    let msg = r.err400("InvalidGroup.NotFound");
    assert!(msg.contains("sg-0123456789abcdef0"), "{msg}");
    n.create(&[("SecurityGroupId.1", "sg-xyz")])
        .await
        .err400("InvalidGroupId.Malformed");
    n.create(&[("SecurityGroupId.1", "web")])
        .await
        .err400("InvalidGroupId.Malformed");

    // A group of another VPC: refused, never accepted. Real EC2 answers InvalidParameter
    // "Security group sg-… and subnet subnet-… belong to different networks." (the same
    // wording RunInstances uses, aws-cli error text quoted in QT-DevOps/DevOpsIssues#256).
    let (other_vpc, other_default) = n.add_vpc("10.9.0.0/16").await;
    let other = n.create_group("other", &other_vpc).await;
    for g in [&other_default, &other] {
        let r = n.create(&[("SecurityGroupId.1", g)]).await;
        let msg = r.err400("InvalidParameter");
        assert!(msg.contains("belong to different networks"), "{msg}");
    }
    let r = n
        .create(&[("SecurityGroupId.1", &web), ("SecurityGroupId.2", &other)])
        .await;
    r.err400("InvalidParameter");
    assert_eq!(n.available(&n.subnet).await, before);
    assert_eq!(n.in_subnet(&n.subnet).await.len(), 2);
    n.check().await;
}

#[tokio::test]
async fn security_groups_per_interface_are_limited_to_five() {
    // EC2's default quota is five groups per interface; the sixth is refused. A repeated ID
    // counts once.
    let n = east().await;
    let mut groups = Vec::new();
    for i in 0..6 {
        groups.push(n.create_group(&format!("g{i}"), &n.vpc).await);
    }
    let keys: Vec<String> = (1..=6).map(|i| format!("SecurityGroupId.{i}")).collect();
    let five: Vec<(&str, &str)> = (0..5)
        .map(|i| (keys[i].as_str(), groups[i].as_str()))
        .collect();
    let eni = n.eni(&five).await;
    assert_eq!(list(&eni, "groupSet").len(), 5);
    let six: Vec<(&str, &str)> = (0..6)
        .map(|i| (keys[i].as_str(), groups[i].as_str()))
        .collect();
    n.create(&six)
        .await
        .err400("SecurityGroupsPerInterfaceLimitExceeded");
    let dup = [
        ("SecurityGroupId.1", groups[0].as_str()),
        ("SecurityGroupId.2", groups[0].as_str()),
    ];
    let eni = n.eni(&dup).await;
    assert_eq!(list(&eni, "groupSet").len(), 1);
}

// --- private IPv4 addresses ---------------------------------------------------------------------

#[tokio::test]
async fn private_ip_address_is_the_primary() {
    let n = east().await;
    let eni = n.eni(&[("PrivateIpAddress", "10.0.1.57")]).await;
    assert_eq!(eni.get("privateIpAddress"), "10.0.1.57");
    assert_eq!(v4s(&eni), vec!["10.0.1.57".parse::<Ipv4Addr>().unwrap()]);
    assert_eq!(
        list(&eni, "privateIpAddressesSet")[0].get("primary"),
        "true"
    );
    // The lowest and highest usable addresses.
    n.eni(&[("PrivateIpAddress", "10.0.1.4")]).await;
    n.eni(&[("PrivateIpAddress", "10.0.1.254")]).await;
    n.check().await;
}

#[tokio::test]
async fn private_ip_addresses_list_with_primary_flag() {
    let n = east().await;
    // The primary need not come first in the list; it comes first in the reply.
    let eni = n
        .eni(&[
            ("PrivateIpAddresses.1.PrivateIpAddress", "10.0.1.21"),
            ("PrivateIpAddresses.1.Primary", "false"),
            ("PrivateIpAddresses.2.PrivateIpAddress", "10.0.1.20"),
            ("PrivateIpAddresses.2.Primary", "true"),
            ("PrivateIpAddresses.3.PrivateIpAddress", "10.0.1.22"),
        ])
        .await;
    assert_eq!(eni.get("privateIpAddress"), "10.0.1.20");
    let items: Vec<(String, String)> = list(&eni, "privateIpAddressesSet")
        .iter()
        .map(|i| (i.get("privateIpAddress"), i.get("primary")))
        .collect();
    assert_eq!(
        items,
        vec![
            ("10.0.1.20".into(), "true".into()),
            ("10.0.1.21".into(), "false".into()),
            ("10.0.1.22".into(), "false".into()),
        ]
    );
    // PrivateIpAddress plus non-primary list entries: primary + secondaries.
    let eni = n
        .eni(&[
            ("PrivateIpAddress", "10.0.1.30"),
            ("PrivateIpAddresses.1.PrivateIpAddress", "10.0.1.31"),
        ])
        .await;
    assert_eq!(
        v4s(&eni),
        vec![
            "10.0.1.30".parse::<Ipv4Addr>().unwrap(),
            "10.0.1.31".parse().unwrap()
        ]
    );
    n.check().await;
}

#[tokio::test]
async fn a_list_without_a_primary_flag_makes_its_first_address_primary() {
    // The reference does not say what a list with no entry marked primary means; the code
    // makes the first listed address the primary (the only addresses the caller named).
    let n = east().await;
    let eni = n
        .eni(&[
            ("PrivateIpAddresses.1.PrivateIpAddress", "10.0.1.41"),
            ("PrivateIpAddresses.2.PrivateIpAddress", "10.0.1.40"),
        ])
        .await;
    assert_eq!(eni.get("privateIpAddress"), "10.0.1.41");
    assert_eq!(v4s(&eni).len(), 2);
}

#[tokio::test]
async fn secondary_private_ip_address_count_with_and_without_a_primary() {
    let n = east().await;
    // With PrivateIpAddress, and with the list's single primary (the seed's Example 2). The
    // first goes first, so that nothing drawn at random holds 10.0.1.140; the second names an
    // address the first's random secondaries did not take.
    let eni = n
        .eni(&[
            ("PrivateIpAddress", "10.0.1.140"),
            ("SecondaryPrivateIpAddressCount", "2"),
        ])
        .await;
    assert_eq!(v4s(&eni)[0].to_string(), "10.0.1.140");
    assert_eq!(v4s(&eni).len(), 3);
    let taken = v4s(&eni);
    let free = (141..=250u8)
        .map(|last| std::net::Ipv4Addr::new(10, 0, 1, last))
        .find(|a| !taken.contains(a))
        .expect("a free address");
    let named = free.to_string();
    let explicit = n
        .eni(&[
            ("PrivateIpAddresses.1.PrivateIpAddress", named.as_str()),
            ("PrivateIpAddresses.1.Primary", "true"),
            ("SecondaryPrivateIpAddressCount", "4"),
        ])
        .await;
    let eni = n.eni(&[("SecondaryPrivateIpAddressCount", "5")]).await;
    let items = list(&eni, "privateIpAddressesSet");
    assert_eq!(items.len(), 6);
    assert_eq!(items[0].get("primary"), "true");
    assert!(items[1..].iter().all(|i| i.get("primary") == "false"));
    assert_eq!(
        items[0].get("privateIpAddress"),
        eni.get("privateIpAddress")
    );
    let eni = explicit;
    assert_eq!(v4s(&eni)[0], free);
    assert_eq!(v4s(&eni).len(), 5);
    // Zero is no secondaries; a negative count is refused.
    let eni = n.eni(&[("SecondaryPrivateIpAddressCount", "0")]).await;
    assert_eq!(v4s(&eni).len(), 1);
    n.create(&[("SecondaryPrivateIpAddressCount", "-1")])
        .await
        .err400("InvalidParameterValue");
    n.create(&[("SecondaryPrivateIpAddressCount", "two")])
        .await
        .err400("InvalidParameterValue");
    n.check().await;
}

#[tokio::test]
async fn more_than_fifty_ipv4_addresses_exceed_the_interface_limit() {
    // Per-interface limits depend on the instance type; the code refuses more than 50
    // addresses plus prefixes (the largest per-interface limit of any type).
    let n = net(
        "us-east-1",
        "us-east-1a",
        "10.0.0.0/16",
        "10.0.0.0/22",
        false,
    )
    .await;
    let eni = n.eni(&[("SecondaryPrivateIpAddressCount", "49")]).await;
    assert_eq!(v4s(&eni).len(), 50);
    n.create(&[("SecondaryPrivateIpAddressCount", "50")])
        .await
        .err400("PrivateIpAddressLimitExceeded");
    n.check().await;
}

#[tokio::test]
async fn explicit_addresses_outside_reserved_malformed_or_in_use_are_refused() {
    let n = east().await;
    n.eni(&[("PrivateIpAddress", "10.0.1.10")]).await;
    let before = n.available(&n.subnet).await;
    let cases: &[(&str, &str)] = &[
        ("10.0.2.10", "InvalidParameterValue"), // outside the subnet
        ("192.168.1.10", "InvalidParameterValue"), // outside the VPC
        ("10.0.1.0", "InvalidParameterValue"),  // network address
        ("10.0.1.1", "InvalidParameterValue"),  // VPC router
        ("10.0.1.2", "InvalidParameterValue"),  // DNS
        ("10.0.1.3", "InvalidParameterValue"),  // reserved for future use
        ("10.0.1.255", "InvalidParameterValue"), // broadcast
        ("10.0.1", "InvalidParameterValue"),    // malformed
        ("10.0.1.256", "InvalidParameterValue"), // malformed
        ("fe80::1", "InvalidParameterValue"),   // not IPv4
        ("", "InvalidParameterValue"),          // empty
        ("10.0.1.10", "InvalidIPAddress.InUse"), // in use
    ];
    for (addr, code) in cases {
        // As the primary, as a list primary and as a list secondary.
        n.create(&[("PrivateIpAddress", addr)]).await.err400(code);
        n.create(&[
            ("PrivateIpAddresses.1.PrivateIpAddress", addr),
            ("PrivateIpAddresses.1.Primary", "true"),
        ])
        .await
        .err400(code);
        n.create(&[
            ("PrivateIpAddress", "10.0.1.77"),
            ("PrivateIpAddresses.1.PrivateIpAddress", addr),
        ])
        .await
        .err400(code);
    }
    let msg = n
        .create(&[("PrivateIpAddress", "10.0.1.10")])
        .await
        .err400("InvalidIPAddress.InUse");
    assert!(msg.contains("already in use"), "{msg}");
    // None of the failures took anything, not even the good 10.0.1.77.
    assert_eq!(n.available(&n.subnet).await, before);
    n.eni(&[("PrivateIpAddress", "10.0.1.77")]).await;
    n.check().await;
}

#[tokio::test]
async fn primary_designation_conflicts_are_refused() {
    let n = east().await;
    let before = n.available(&n.subnet).await;
    // Two list entries marked primary.
    n.create(&[
        ("PrivateIpAddresses.1.PrivateIpAddress", "10.0.1.10"),
        ("PrivateIpAddresses.1.Primary", "true"),
        ("PrivateIpAddresses.2.PrivateIpAddress", "10.0.1.11"),
        ("PrivateIpAddresses.2.Primary", "true"),
    ])
    .await
    .err400("InvalidParameterValue");
    // PrivateIpAddress and a list entry marked primary ("only one IP address can be
    // designated as primary").
    for listed in ["10.0.1.11", "10.0.1.10"] {
        n.create(&[
            ("PrivateIpAddress", "10.0.1.10"),
            ("PrivateIpAddresses.1.PrivateIpAddress", listed),
            ("PrivateIpAddresses.1.Primary", "true"),
        ])
        .await
        .err400("InvalidParameterCombination");
    }
    // The same address twice in one request.
    n.create(&[
        ("PrivateIpAddresses.1.PrivateIpAddress", "10.0.1.10"),
        ("PrivateIpAddresses.2.PrivateIpAddress", "10.0.1.10"),
    ])
    .await
    .err400("InvalidParameterValue");
    // A list entry without its address.
    n.create(&[("PrivateIpAddresses.1.Primary", "true")])
        .await
        .err400("MissingParameter");
    n.create(&[
        ("PrivateIpAddresses.1.PrivateIpAddress", "10.0.1.10"),
        ("PrivateIpAddresses.1.Primary", "yes"),
    ])
    .await
    .err400("InvalidParameterValue");
    assert_eq!(n.available(&n.subnet).await, before);
    assert!(n.in_subnet(&n.subnet).await.is_empty());
}

#[tokio::test]
async fn ipv4_combination_rules_of_the_reference() {
    // "You can't specify X if you've specified Y", each pair of the reference.
    let n = east().await;
    let prefix = ("Ipv4Prefix.1.Ipv4Prefix", "10.0.1.32/28");
    let prefix_count = ("Ipv4PrefixCount", "1");
    let secondary = ("PrivateIpAddresses.1.PrivateIpAddress", "10.0.1.50");
    let primary = ("PrivateIpAddress", "10.0.1.60");
    let count = ("SecondaryPrivateIpAddressCount", "2");
    let cases: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("prefixes + prefix count", vec![prefix, prefix_count]),
        (
            "prefixes + specific addresses",
            vec![primary, secondary, prefix],
        ),
        ("prefixes + address count", vec![prefix, count]),
        (
            "prefix count + specific addresses",
            vec![primary, secondary, prefix_count],
        ),
        ("prefix count + address count", vec![prefix_count, count]),
        (
            "address count + specific addresses",
            vec![primary, secondary, count],
        ),
        (
            "address count + more than one listed address",
            vec![
                ("PrivateIpAddresses.1.PrivateIpAddress", "10.0.1.61"),
                ("PrivateIpAddresses.1.Primary", "true"),
                ("PrivateIpAddresses.2.PrivateIpAddress", "10.0.1.62"),
                count,
            ],
        ),
    ];
    for (what, params) in &cases {
        let r = n.create(params).await;
        assert_eq!(
            r.code().as_deref(),
            Some("InvalidParameterCombination"),
            "{what}: {}",
            r.body
        );
        // DryRun answers the same error: validation runs first.
        let mut dry = params.clone();
        dry.push(("DryRun", "true"));
        n.create(&dry).await.err400("InvalidParameterCombination");
    }
    // What the rules allow: a primary with prefixes (the primary is not a "specific
    // secondary" address), a primary with a count (the seed's Example 2).
    let eni = n.eni(&[primary, prefix]).await;
    assert_eq!(
        prefixes4(&eni),
        vec!["10.0.1.32/28".parse::<Ipv4Net>().unwrap()]
    );
    n.eni(&[("PrivateIpAddress", "10.0.1.70"), prefix_count])
        .await;
    n.eni(&[("PrivateIpAddress", "10.0.1.71"), count]).await;
    n.check().await;
}

#[tokio::test]
async fn ipv6_combination_rules_of_the_reference() {
    let n = east().await;
    let block = n.ipv6.unwrap();
    let addr = Ipv6Addr::from(u128::from(block.network()) + 0x100).to_string();
    let pfx = Ipv6Net::new(
        Ipv6Addr::from(u128::from(block.network()) + (5u128 << 48)),
        80,
    )
    .unwrap()
    .to_string();
    let count = ("Ipv6AddressCount", "1");
    let addrs = ("Ipv6Addresses.1.Ipv6Address", addr.as_str());
    let prefix = ("Ipv6Prefix.1.Ipv6Prefix", pfx.as_str());
    let prefix_count = ("Ipv6PrefixCount", "1");
    let cases = [
        ("count + addresses", [count, addrs]),
        ("count + prefixes", [count, prefix]),
        ("count + prefix count", [count, prefix_count]),
        ("addresses + prefixes", [addrs, prefix]),
        ("addresses + prefix count", [addrs, prefix_count]),
        ("prefixes + prefix count", [prefix, prefix_count]),
    ];
    for (what, params) in &cases {
        let r = n.create(params).await;
        assert_eq!(
            r.code().as_deref(),
            Some("InvalidParameterCombination"),
            "{what}: {}",
            r.body
        );
    }
    // Ipv6AddressCount=0 names no addresses, so it sits with anything.
    let eni = n.eni(&[("Ipv6AddressCount", "0"), prefix]).await;
    assert_eq!(prefixes6(&eni).len(), 1);
    assert!(v6s(&eni).is_empty());
    assert!(n.in_subnet(&n.subnet).await.len() == 1);
    n.check().await;
}

// --- IPv4 prefixes -----------------------------------------------------------------------------

#[tokio::test]
async fn ipv4_prefixes_explicit_and_counted() {
    let n = east().await;
    let start = n.available(&n.subnet).await;
    assert_eq!(start, 251);
    let eni = n
        .eni(&[
            ("Ipv4Prefix.1.Ipv4Prefix", "10.0.1.32/28"),
            ("Ipv4Prefix.2.Ipv4Prefix", "10.0.1.64/28"),
        ])
        .await;
    assert_eq!(
        prefixes4(&eni),
        vec![
            "10.0.1.32/28".parse::<Ipv4Net>().unwrap(),
            "10.0.1.64/28".parse().unwrap()
        ]
    );
    // The primary address is outside both prefixes; 1 + 2 × 16 addresses are gone.
    let primary: Ipv4Addr = eni.get("privateIpAddress").parse().unwrap();
    assert!(!prefixes4(&eni).iter().any(|p| p.contains(&primary)));
    assert_eq!(n.available(&n.subnet).await, start - 33);
    let d = n.describe_one(&id(&eni)).await;
    assert_eq!(prefixes4(&d), prefixes4(&eni));

    let eni = n.eni(&[("Ipv4PrefixCount", "3")]).await;
    let got = prefixes4(&eni);
    assert_eq!(got.len(), 3);
    for p in &got {
        assert_eq!(p.prefix_len(), 28);
        assert_eq!(*p, p.trunc());
        assert!(n.cidr.contains(p));
        assert!(!["10.0.1.32/28", "10.0.1.64/28"].contains(&p.to_string().as_str()));
    }
    assert_eq!(n.available(&n.subnet).await, start - 33 - 49);
    n.check().await;
}

#[tokio::test]
async fn ipv4_prefixes_misaligned_wrong_length_reserved_outside_or_overlapping_are_refused() {
    let n = east().await;
    n.eni(&[("PrivateIpAddress", "10.0.1.100")]).await;
    n.eni(&[("Ipv4Prefix.1.Ipv4Prefix", "10.0.1.128/28")]).await;
    let before = n.available(&n.subnet).await;
    let cases: &[(&str, &str)] = &[
        ("10.0.1.40/28", "InvalidParameterValue"),   // not aligned
        ("10.0.1.32/27", "InvalidParameterValue"),   // wrong length
        ("10.0.1.32/29", "InvalidParameterValue"),   // wrong length
        ("10.0.1.32", "InvalidParameterValue"),      // not a prefix
        ("10.0.1.0/28", "InvalidParameterValue"),    // holds .0–.3
        ("10.0.1.240/28", "InvalidParameterValue"),  // holds .255
        ("10.0.2.32/28", "InvalidParameterValue"),   // outside the subnet
        ("10.0.1.96/28", "InvalidIPAddress.InUse"),  // holds 10.0.1.100, in use
        ("10.0.1.128/28", "InvalidIPAddress.InUse"), // already delegated
    ];
    for (prefix, code) in cases {
        let r = n.create(&[("Ipv4Prefix.1.Ipv4Prefix", prefix)]).await;
        assert_eq!(r.code().as_deref(), Some(*code), "{prefix}: {}", r.body);
    }
    // An address inside a delegated prefix is in use too.
    n.create(&[("PrivateIpAddress", "10.0.1.130")])
        .await
        .err400("InvalidIPAddress.InUse");
    // A request whose own primary lies in its own prefix.
    n.create(&[
        ("PrivateIpAddress", "10.0.1.50"),
        ("Ipv4Prefix.1.Ipv4Prefix", "10.0.1.48/28"),
    ])
    .await
    .err400("InvalidIPAddress.InUse");
    // The same prefix twice, and a good prefix with a bad one: nothing taken.
    n.create(&[
        ("Ipv4Prefix.1.Ipv4Prefix", "10.0.1.48/28"),
        ("Ipv4Prefix.2.Ipv4Prefix", "10.0.1.48/28"),
    ])
    .await
    .err400("InvalidIPAddress.InUse");
    n.create(&[
        ("Ipv4Prefix.1.Ipv4Prefix", "10.0.1.48/28"),
        ("Ipv4Prefix.2.Ipv4Prefix", "10.0.1.96/28"),
    ])
    .await
    .err400("InvalidIPAddress.InUse");
    assert_eq!(n.available(&n.subnet).await, before);
    n.eni(&[("Ipv4Prefix.1.Ipv4Prefix", "10.0.1.48/28")]).await;
    n.check().await;
}

#[tokio::test]
async fn ipv4_prefix_count_beyond_the_free_blocks_is_insufficient() {
    // A /26 has four /28 blocks; the first and last hold reserved addresses, so two can be
    // delegated (the primary 10.0.1.4 lies in the first).
    let n = net(
        "us-east-1",
        "us-east-1a",
        "10.0.0.0/16",
        "10.0.1.0/26",
        false,
    )
    .await;
    let before = n.available(&n.subnet).await;
    n.create(&[("PrivateIpAddress", "10.0.1.4"), ("Ipv4PrefixCount", "3")])
        .await
        .err400("InsufficientFreeAddressesInSubnet");
    assert_eq!(n.available(&n.subnet).await, before);
    let eni = n
        .eni(&[("PrivateIpAddress", "10.0.1.4"), ("Ipv4PrefixCount", "2")])
        .await;
    assert_eq!(prefixes4(&eni).len(), 2);
    n.check().await;
}

// --- IPv6 ------------------------------------------------------------------------------------

fn v6_in(block: Ipv6Net, offset: u128) -> String {
    Ipv6Addr::from(u128::from(block.network()) + offset).to_string()
}

#[tokio::test]
async fn ipv6_address_count_draws_from_the_subnet_slash_64() {
    let n = east().await;
    let block = n.ipv6.unwrap();
    let eni = n.eni(&[("Ipv6AddressCount", "3")]).await;
    let got = v6s(&eni);
    assert_eq!(got.len(), 3);
    assert_eq!(got.iter().collect::<HashSet<_>>().len(), 3);
    assert!(got.iter().all(|a| block.contains(a)), "{got:?} in {block}");
    // None of them is the primary IPv6 address unless asked for.
    assert!(list(&eni, "ipv6AddressesSet")
        .iter()
        .all(|i| i.get("isPrimaryIpv6") == "false"));
    // The top-level address is the first one all the same (the CLI reference shows it on any
    // interface with an IPv6 address).
    assert_eq!(eni.text("ipv6Address"), got[0].to_string());
    let d = n.describe_one(&id(&eni)).await;
    assert_eq!(v6s(&d), got);
    n.create(&[("Ipv6AddressCount", "-2")])
        .await
        .err400("InvalidParameterValue");
    // The code bounds IPv6 addresses plus prefixes per interface at 50, as for IPv4.
    n.create(&[("Ipv6AddressCount", "51")])
        .await
        .err400("InvalidParameterValue");
    n.check().await;
}

#[tokio::test]
async fn ipv6_addresses_explicit_with_is_primary() {
    let n = east().await;
    let block = n.ipv6.unwrap();
    let a = v6_in(block, 0x123);
    let b = v6_in(block, 0x456);
    let eni = n
        .eni(&[
            ("Ipv6Addresses.1.Ipv6Address", &a),
            ("Ipv6Addresses.2.Ipv6Address", &b),
            ("Ipv6Addresses.2.IsPrimaryIpv6", "true"),
        ])
        .await;
    let items = list(&eni, "ipv6AddressesSet");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].get("ipv6Address"), a);
    assert_eq!(items[0].get("isPrimaryIpv6"), "false");
    assert_eq!(items[1].get("ipv6Address"), b);
    assert_eq!(items[1].get("isPrimaryIpv6"), "true");
    // The primary IPv6 address also appears as the top-level ipv6Address.
    assert_eq!(eni.get("ipv6Address"), b);
    assert_eq!(n.describe_one(&id(&eni)).await.get("ipv6Address"), b);

    let before = n.available(&n.subnet).await;
    // In use, outside the /64, reserved, malformed, twice, two primaries.
    n.create(&[("Ipv6Addresses.1.Ipv6Address", &a)])
        .await
        .err400("InvalidIPAddress.InUse");
    let outside = Ipv6Addr::from(u128::from(block.network()) + (1u128 << 64) + 5).to_string();
    n.create(&[("Ipv6Addresses.1.Ipv6Address", &outside)])
        .await
        .err400("InvalidParameterValue");
    n.create(&[("Ipv6Addresses.1.Ipv6Address", &v6_in(block, 0))])
        .await
        .err400("InvalidParameterValue");
    n.create(&[("Ipv6Addresses.1.Ipv6Address", "2001:db8::zz")])
        .await
        .err400("InvalidParameterValue");
    n.create(&[("Ipv6Addresses.1.Ipv6Address", "10.0.1.5")])
        .await
        .err400("InvalidParameterValue");
    let c = v6_in(block, 0x789);
    n.create(&[
        ("Ipv6Addresses.1.Ipv6Address", &c),
        ("Ipv6Addresses.2.Ipv6Address", &c),
    ])
    .await
    .err400("InvalidParameterValue");
    let d = v6_in(block, 0xabc);
    n.create(&[
        ("Ipv6Addresses.1.Ipv6Address", &c),
        ("Ipv6Addresses.1.IsPrimaryIpv6", "true"),
        ("Ipv6Addresses.2.Ipv6Address", &d),
        ("Ipv6Addresses.2.IsPrimaryIpv6", "true"),
    ])
    .await
    .err400("InvalidParameterValue");
    // A good address with an in-use one: the good one stays free.
    n.create(&[
        ("Ipv6Addresses.1.Ipv6Address", &c),
        ("Ipv6Addresses.2.Ipv6Address", &a),
    ])
    .await
    .err400("InvalidIPAddress.InUse");
    assert_eq!(n.available(&n.subnet).await, before);
    let eni = n.eni(&[("Ipv6Addresses.1.Ipv6Address", &c)]).await;
    assert_eq!(v6s(&eni), vec![c.parse::<Ipv6Addr>().unwrap()]);
    n.check().await;
}

#[tokio::test]
async fn enable_primary_ipv6_makes_the_first_address_primary() {
    let n = east().await;
    let eni = n
        .eni(&[("Ipv6AddressCount", "2"), ("EnablePrimaryIpv6", "true")])
        .await;
    let items = list(&eni, "ipv6AddressesSet");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].get("isPrimaryIpv6"), "true");
    assert_eq!(items[1].get("isPrimaryIpv6"), "false");
    assert_eq!(eni.get("ipv6Address"), items[0].get("ipv6Address"));
    // Alone, EnablePrimaryIpv6 needs an address to promote: the code assigns one (the
    // reference: "AWS will automatically assign an IPv6 address … to be the primary").
    let eni = n.eni(&[("EnablePrimaryIpv6", "true")]).await;
    let items = list(&eni, "ipv6AddressesSet");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].get("isPrimaryIpv6"), "true");
    assert_eq!(eni.get("ipv6Address"), items[0].get("ipv6Address"));
    // With an explicit list and no IsPrimaryIpv6, the first listed address.
    let block = n.ipv6.unwrap();
    let (a, b) = (v6_in(block, 0x21), v6_in(block, 0x22));
    let eni = n
        .eni(&[
            ("Ipv6Addresses.1.Ipv6Address", &a),
            ("Ipv6Addresses.2.Ipv6Address", &b),
            ("EnablePrimaryIpv6", "true"),
        ])
        .await;
    assert_eq!(eni.get("ipv6Address"), a);
    // With nothing to promote (count 0, or only prefixes) the code refuses the combination.
    n.create(&[("EnablePrimaryIpv6", "true"), ("Ipv6AddressCount", "0")])
        .await
        .err400("InvalidParameterCombination");
    n.create(&[("EnablePrimaryIpv6", "true"), ("Ipv6PrefixCount", "1")])
        .await
        .err400("InvalidParameterCombination");
    // EnablePrimaryIpv6=false changes nothing.
    let eni = n.eni(&[("EnablePrimaryIpv6", "false")]).await;
    assert!(v6s(&eni).is_empty());
    n.check().await;
}

#[tokio::test]
async fn ipv6_prefixes_explicit_and_counted() {
    let n = east().await;
    let block = n.ipv6.unwrap();
    let pfx = Ipv6Net::new(
        Ipv6Addr::from(u128::from(block.network()) + (7u128 << 48)),
        80,
    )
    .unwrap();
    let eni = n
        .eni(&[("Ipv6Prefix.1.Ipv6Prefix", &pfx.to_string())])
        .await;
    assert_eq!(prefixes6(&eni), vec![pfx]);
    let before = n.available(&n.subnet).await;
    let eni = n.eni(&[("Ipv6PrefixCount", "2")]).await;
    let got = prefixes6(&eni);
    assert_eq!(got.len(), 2);
    for p in &got {
        assert_eq!(p.prefix_len(), 80);
        assert_eq!(*p, p.trunc());
        assert!(block.contains(p));
        assert_ne!(*p, pfx);
    }
    // IPv6 prefixes take nothing from the IPv4 count beyond the primary address.
    assert_eq!(n.available(&n.subnet).await, before - 1);

    // Misaligned, wrong length, already delegated, outside the /64, and an address inside
    // a delegated prefix.
    let misaligned = format!("{}/80", v6_in(block, 1u128 << 40));
    let wrong_len = format!("{}/96", pfx.network());
    let outside = Ipv6Net::new(
        Ipv6Addr::from(u128::from(block.network()) + (1u128 << 64)),
        80,
    )
    .unwrap()
    .to_string();
    for (p, code) in [
        (misaligned.as_str(), "InvalidParameterValue"),
        (wrong_len.as_str(), "InvalidParameterValue"),
        ("not-a-prefix", "InvalidParameterValue"),
        (outside.as_str(), "InvalidParameterValue"),
        (&pfx.to_string(), "InvalidIPAddress.InUse"),
    ] {
        let r = n.create(&[("Ipv6Prefix.1.Ipv6Prefix", p)]).await;
        assert_eq!(r.code().as_deref(), Some(code), "{p}: {}", r.body);
    }
    let inside = Ipv6Addr::from(u128::from(pfx.network()) + 9).to_string();
    n.create(&[("Ipv6Addresses.1.Ipv6Address", &inside)])
        .await
        .err400("InvalidIPAddress.InUse");
    n.check().await;
}

#[tokio::test]
async fn ipv6_on_a_subnet_without_an_ipv6_block_is_refused() {
    let n = west_v4_only().await;
    let before = n.available(&n.subnet).await;
    for params in [
        vec![("Ipv6AddressCount", "1")],
        vec![("Ipv6Addresses.1.Ipv6Address", "2001:db8::10")],
        vec![("Ipv6Prefix.1.Ipv6Prefix", "2001:db8:0:0:1::/80")],
        vec![("Ipv6PrefixCount", "1")],
        vec![("EnablePrimaryIpv6", "true")],
        // With an explicit free IPv4 primary: that address is not taken either.
        vec![("PrivateIpAddress", "10.1.1.50"), ("Ipv6AddressCount", "1")],
    ] {
        let r = n.create(&params).await;
        assert_eq!(
            r.code().as_deref(),
            Some("InvalidParameterValue"),
            "{params:?}: {}",
            r.body
        );
    }
    assert_eq!(n.available(&n.subnet).await, before);
    // Ipv6AddressCount=0 asks for nothing and is fine.
    let eni = n
        .eni(&[("Ipv6AddressCount", "0"), ("PrivateIpAddress", "10.1.1.50")])
        .await;
    assert!(v6s(&eni).is_empty());
    n.check().await;
}

#[tokio::test]
async fn assign_ipv6_address_on_creation_gives_one_address_unless_count_is_zero() {
    let n = east().await;
    let r = n
        .call(
            "ModifySubnetAttribute",
            &[
                ("SubnetId", &n.subnet),
                ("AssignIpv6AddressOnCreation.Value", "true"),
            ],
        )
        .await;
    r.ok();
    let block = n.ipv6.unwrap();
    let eni = n.eni(&[]).await;
    let got = v6s(&eni);
    assert_eq!(got.len(), 1);
    assert!(block.contains(&got[0]));
    let eni = n.eni(&[("Ipv6AddressCount", "0")]).await;
    assert!(v6s(&eni).is_empty());
    let eni = n.eni(&[("Ipv6AddressCount", "3")]).await;
    assert_eq!(v6s(&eni).len(), 3);
    // Explicit addresses or prefixes replace the automatic one.
    let a = v6_in(block, 0x77);
    let eni = n.eni(&[("Ipv6Addresses.1.Ipv6Address", &a)]).await;
    assert_eq!(v6s(&eni), vec![a.parse::<Ipv6Addr>().unwrap()]);
    let eni = n.eni(&[("Ipv6PrefixCount", "1")]).await;
    assert!(v6s(&eni).is_empty());
    assert_eq!(prefixes6(&eni).len(), 1);
    n.check().await;
}

// --- InterfaceType -----------------------------------------------------------------------------

#[tokio::test]
async fn interface_types_accepted_and_refused() {
    let n = east().await;
    for t in ["interface", "efa", "efa-only", "trunk"] {
        let eni = n.eni(&[("InterfaceType", t)]).await;
        assert_eq!(eni.get("interfaceType"), t);
        assert_eq!(n.describe_one(&id(&eni)).await.get("interfaceType"), t);
    }
    // The reference lists interface | efa | efa-only | trunk; branch interfaces are made by
    // EC2 itself (trunking), so a caller asking for one is refused.
    for t in ["branch", "Interface", "nat_gateway", ""] {
        n.create(&[("InterfaceType", t)])
            .await
            .err400("InvalidParameterValue");
    }
    n.check().await;
}

#[tokio::test]
async fn efa_only_interfaces_have_no_address_at_all() {
    let n = east().await;
    let block = n.ipv6.unwrap();
    let a6 = v6_in(block, 0x10);
    let p6 = Ipv6Net::new(
        Ipv6Addr::from(u128::from(block.network()) + (3u128 << 48)),
        80,
    )
    .unwrap()
    .to_string();
    let before = n.available(&n.subnet).await;
    let address_params: Vec<Vec<(&str, &str)>> = vec![
        vec![("PrivateIpAddress", "10.0.1.10")],
        vec![
            ("PrivateIpAddresses.1.PrivateIpAddress", "10.0.1.10"),
            ("PrivateIpAddresses.1.Primary", "true"),
        ],
        vec![("SecondaryPrivateIpAddressCount", "1")],
        vec![("Ipv4Prefix.1.Ipv4Prefix", "10.0.1.32/28")],
        vec![("Ipv4PrefixCount", "1")],
        vec![("Ipv6AddressCount", "1")],
        vec![("Ipv6Addresses.1.Ipv6Address", &a6)],
        vec![("Ipv6Prefix.1.Ipv6Prefix", &p6)],
        vec![("Ipv6PrefixCount", "1")],
        vec![("EnablePrimaryIpv6", "true")],
    ];
    for params in &address_params {
        let mut all = vec![("InterfaceType", "efa-only")];
        all.extend_from_slice(params);
        let r = n.create(&all).await;
        assert_eq!(
            r.code().as_deref(),
            Some("InvalidParameterCombination"),
            "{params:?}: {}",
            r.body
        );
    }
    assert_eq!(n.available(&n.subnet).await, before);

    // Even on a subnet that assigns IPv6 on creation.
    n.call(
        "ModifySubnetAttribute",
        &[
            ("SubnetId", &n.subnet),
            ("AssignIpv6AddressOnCreation.Value", "true"),
        ],
    )
    .await
    .ok();
    let r = n.create(&[("InterfaceType", "efa-only")]).await;
    let eni = eni_of(&r);
    assert_eq!(eni.get("interfaceType"), "efa-only");
    assert!(eni.child("privateIpAddress").is_none(), "{}", r.body);
    assert!(eni.child("privateDnsName").is_none(), "{}", r.body);
    assert!(eni.child("ipv6Address").is_none());
    for empty in [
        "privateIpAddressesSet",
        "ipv4PrefixSet",
        "ipv6AddressesSet",
        "ipv6PrefixSet",
    ] {
        assert!(list(&eni, empty).is_empty(), "{empty}: {}", r.body);
        assert!(
            r.body.contains(&format!("<{empty}/>")),
            "{empty}: {}",
            r.body
        );
    }
    assert!(is_mac(&eni.get("macAddress")));
    assert_eq!(list(&eni, "groupSet").len(), 1);
    assert_eq!(n.available(&n.subnet).await, before);
    let d = n.describe_one(&id(&eni)).await;
    assert!(d.child("privateIpAddress").is_none());
    // Ipv6AddressCount=0 is not an address.
    n.eni(&[("InterfaceType", "efa-only"), ("Ipv6AddressCount", "0")])
        .await;
    assert_eq!(n.available(&n.subnet).await, before);
    n.check().await;
}

// --- ConnectionTrackingSpecification -------------------------------------------------------------

#[tokio::test]
async fn connection_tracking_is_echoed_within_ec2_ranges() {
    let n = east().await;
    let eni = n
        .eni(&[
            (
                "ConnectionTrackingSpecification.TcpEstablishedTimeout",
                "3600",
            ),
            ("ConnectionTrackingSpecification.UdpStreamTimeout", "120"),
            ("ConnectionTrackingSpecification.UdpTimeout", "45"),
        ])
        .await;
    let ct = eni
        .child("connectionTrackingConfiguration")
        .expect("connectionTrackingConfiguration");
    assert_eq!(ct.get("tcpEstablishedTimeout"), "3600");
    assert_eq!(ct.get("udpStreamTimeout"), "120");
    assert_eq!(ct.get("udpTimeout"), "45");
    let d = n.describe_one(&id(&eni)).await;
    assert_eq!(
        d.child("connectionTrackingConfiguration")
            .unwrap()
            .get("udpTimeout"),
        "45"
    );
    // Only the fields set are echoed: the defaults depend on the instance type.
    let eni = n
        .eni(&[("ConnectionTrackingSpecification.UdpTimeout", "30")])
        .await;
    let ct = eni.child("connectionTrackingConfiguration").unwrap();
    assert_eq!(ct.get("udpTimeout"), "30");
    assert!(ct.child("tcpEstablishedTimeout").is_none());

    // Ranges: TCP 60–432000, UDP stream 60–180, UDP 30–60 (API reference).
    let field = |f: &str| format!("ConnectionTrackingSpecification.{f}");
    for (f, lo, hi) in [
        ("TcpEstablishedTimeout", 60, 432_000),
        ("UdpStreamTimeout", 60, 180),
        ("UdpTimeout", 30, 60),
    ] {
        let name = field(f);
        for ok in [lo, hi] {
            let v = ok.to_string();
            n.eni(&[(name.as_str(), v.as_str())]).await;
        }
        for bad in [lo - 1, hi + 1, -1] {
            let v = bad.to_string();
            let r = n.create(&[(name.as_str(), v.as_str())]).await;
            assert_eq!(
                r.code().as_deref(),
                Some("InvalidParameterValue"),
                "{f}={bad}: {}",
                r.body
            );
        }
    }
    n.create(&[("ConnectionTrackingSpecification.UdpTimeout", "soon")])
        .await
        .err400("InvalidParameterValue");
    n.create(&[("ConnectionTrackingSpecification.Bogus", "40")])
        .await
        .err400("UnknownParameter");
    n.check().await;
}

// --- TagSpecification --------------------------------------------------------------------------

#[tokio::test]
async fn tags_are_rendered_and_found_by_tag_filters() {
    let n = east().await;
    let tagged = n
        .eni(&[
            ("TagSpecification.1.ResourceType", "network-interface"),
            ("TagSpecification.1.Tag.1.Key", "Name"),
            ("TagSpecification.1.Tag.1.Value", "web-eni"),
            ("TagSpecification.1.Tag.2.Key", "env"),
            ("TagSpecification.1.Tag.2.Value", "prod"),
        ])
        .await;
    let tags = tagged.tags();
    assert_eq!(tags.len(), 2);
    assert_eq!(tags["Name"], "web-eni");
    assert_eq!(tags["env"], "prod");
    let other = n
        .eni(&[
            ("TagSpecification.1.ResourceType", "network-interface"),
            ("TagSpecification.1.Tag.1.Key", "env"),
            ("TagSpecification.1.Tag.1.Value", "dev"),
        ])
        .await;
    let plain = n.eni(&[]).await;
    assert!(plain.tags().is_empty());
    let (t, o, p) = (id(&tagged), id(&other), id(&plain));
    assert_eq!(n.describe_one(&t).await.tags(), tags);

    assert_eq!(n.find(&[("tag:Name", &["web-eni"])]).await, set(&[&t]));
    assert_eq!(
        n.find(&[("tag:env", &["prod", "dev"])]).await,
        set(&[&t, &o])
    );
    assert_eq!(n.find(&[("tag:env", &["d*"])]).await, set(&[&o]));
    assert_eq!(n.find(&[("tag:env", &["pro?"])]).await, set(&[&t]));
    assert_eq!(n.find(&[("tag-key", &["env"])]).await, set(&[&t, &o]));
    assert_eq!(n.find(&[("tag-key", &["Na*"])]).await, set(&[&t]));
    assert_eq!(n.find(&[("tag-value", &["web-*"])]).await, set(&[&t]));
    assert_eq!(n.find(&[("tag-value", &["dev"])]).await, set(&[&o]));
    assert!(
        n.find(&[("tag:Name", &["Web-eni"])]).await.is_empty(),
        "case matters"
    );
    assert_eq!(n.find(&[]).await, set(&[&t, &o, &p]));

    // Another resource type, or none, is refused and creates nothing.
    for rt in ["instance", "subnet", ""] {
        let r = n
            .create(&[
                ("TagSpecification.1.ResourceType", rt),
                ("TagSpecification.1.Tag.1.Key", "k"),
                ("TagSpecification.1.Tag.1.Value", "v"),
            ])
            .await;
        assert_eq!(
            r.code().as_deref(),
            Some("InvalidParameterValue"),
            "{rt}: {}",
            r.body
        );
    }
    // Reserved and empty keys.
    n.create(&[
        ("TagSpecification.1.ResourceType", "network-interface"),
        ("TagSpecification.1.Tag.1.Key", "aws:thing"),
        ("TagSpecification.1.Tag.1.Value", "v"),
    ])
    .await
    .err400("InvalidTagKey.Malformed");
    n.create(&[
        ("TagSpecification.1.ResourceType", "network-interface"),
        ("TagSpecification.1.Tag.1.Key", ""),
        ("TagSpecification.1.Tag.1.Value", "v"),
    ])
    .await
    .err400("InvalidParameterValue");
    assert_eq!(n.find(&[]).await.len(), 3);
    n.check().await;
}

// --- ClientToken -------------------------------------------------------------------------------

#[tokio::test]
async fn client_token_makes_create_idempotent() {
    let n = east().await;
    let params = [
        ("ClientToken", "token-1"),
        ("Description", "idem"),
        ("SecondaryPrivateIpAddressCount", "2"),
    ];
    let r = n.create(&params).await;
    let first = eni_of(&r);
    assert_eq!(r.doc.get("clientToken"), "token-1");
    let after_first = n.available(&n.subnet).await;

    // The same token and parameters (in another order): the same interface, nothing new.
    let reordered = [params[2], params[0], params[1]];
    let r = n.create(&reordered).await;
    let again = eni_of(&r);
    assert_eq!(r.doc.get("clientToken"), "token-1");
    assert_eq!(id(&again), id(&first));
    assert_eq!(v4s(&again), v4s(&first));
    assert_eq!(again.get("macAddress"), first.get("macAddress"));
    assert_eq!(n.available(&n.subnet).await, after_first);
    assert_eq!(n.in_subnet(&n.subnet).await.len(), 1);
    // A dry run of the same request answers DryRunOperation and changes nothing.
    let mut dry = params.to_vec();
    dry.push(("DryRun", "true"));
    n.create(&dry).await.err("DryRunOperation", 412);

    // The same token with different parameters.
    let r = n
        .create(&[
            ("ClientToken", "token-1"),
            ("Description", "idem"),
            ("SecondaryPrivateIpAddressCount", "3"),
        ])
        .await;
    let msg = r.err400("IdempotentParameterMismatch");
    assert_eq!(
        msg,
        "Arguments on this idempotent request are inconsistent with arguments used in previous request(s)."
    );
    let r = n.create(&[("ClientToken", "token-1")]).await;
    r.err400("IdempotentParameterMismatch");
    assert_eq!(n.in_subnet(&n.subnet).await.len(), 1);
    assert_eq!(n.available(&n.subnet).await, after_first);

    // Tokens are case-sensitive: another token is another interface.
    let other = n
        .eni(&[
            ("ClientToken", "TOKEN-1"),
            ("Description", "idem"),
            ("SecondaryPrivateIpAddressCount", "2"),
        ])
        .await;
    assert_ne!(id(&other), id(&first));
    // No token: every call creates.
    let a = n.eni(&[("Description", "idem")]).await;
    let b = n.eni(&[("Description", "idem")]).await;
    assert_ne!(id(&a), id(&b));
    // Longer than 64 characters is refused.
    let long = "t".repeat(65);
    n.create(&[("ClientToken", &long)])
        .await
        .err400("InvalidParameterValue");
    n.check().await;
}

#[tokio::test]
async fn a_failed_request_does_not_consume_its_client_token() {
    let n = east().await;
    n.eni(&[("PrivateIpAddress", "10.0.1.10")]).await;
    n.create(&[("ClientToken", "t"), ("PrivateIpAddress", "10.0.1.10")])
        .await
        .err400("InvalidIPAddress.InUse");
    // The token is free: a different request with it succeeds.
    let eni = n
        .eni(&[("ClientToken", "t"), ("PrivateIpAddress", "10.0.1.11")])
        .await;
    assert_eq!(eni.get("privateIpAddress"), "10.0.1.11");
}

#[tokio::test]
async fn a_retry_after_delete_creates_a_new_interface() {
    // The code forgets a token when its interface is deleted, so a later retry creates a new
    // one rather than answering with an interface that no longer exists.
    let n = east().await;
    let first = n.eni(&[("ClientToken", "gone")]).await;
    n.delete(&id(&first)).await.ok();
    let second = n.eni(&[("ClientToken", "gone")]).await;
    assert_ne!(id(&second), id(&first));
}

// --- DryRun ------------------------------------------------------------------------------------

#[tokio::test]
async fn dry_run_validates_everything_and_changes_nothing() {
    let n = east().await;
    let block = n.ipv6.unwrap();
    let before = n.available(&n.subnet).await;
    let a6 = v6_in(block, 0x99);
    let full = [
        ("DryRun", "true"),
        ("PrivateIpAddress", "10.0.1.10"),
        ("SecondaryPrivateIpAddressCount", "3"),
        ("Ipv6Addresses.1.Ipv6Address", a6.as_str()),
        ("Description", "dry"),
        ("TagSpecification.1.ResourceType", "network-interface"),
        ("TagSpecification.1.Tag.1.Key", "k"),
        ("TagSpecification.1.Tag.1.Value", "v"),
    ];
    let r = n.create(&full).await;
    let msg = r.err("DryRunOperation", 412);
    assert_eq!(msg, "Request would have succeeded, but DryRun flag is set.");
    n.create(&[("DryRun", "true"), ("Ipv4PrefixCount", "2")])
        .await
        .err("DryRunOperation", 412);
    assert_eq!(n.available(&n.subnet).await, before);
    assert!(n.in_subnet(&n.subnet).await.is_empty());
    // The very same addresses are free for a real request.
    let real: Vec<(&str, &str)> = full[1..].to_vec();
    let eni = n.eni(&real).await;
    assert_eq!(eni.get("privateIpAddress"), "10.0.1.10");
    assert_eq!(v6s(&eni), vec![a6.parse::<Ipv6Addr>().unwrap()]);

    // An invalid request answers its real error, not DryRunOperation.
    let dry_errors: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![("PrivateIpAddress", "10.0.1.10")],
            "InvalidIPAddress.InUse",
        ),
        (
            vec![("PrivateIpAddress", "10.0.1.2")],
            "InvalidParameterValue",
        ),
        (
            vec![("SecurityGroupId.1", "sg-0123456789abcdef0")],
            "InvalidGroup.NotFound",
        ),
        (vec![("InterfaceType", "branch")], "InvalidParameterValue"),
        (
            vec![
                ("Ipv4PrefixCount", "1"),
                ("SecondaryPrivateIpAddressCount", "1"),
            ],
            "InvalidParameterCombination",
        ),
        (
            vec![("SecondaryPrivateIpAddressCount", "300")],
            "PrivateIpAddressLimitExceeded",
        ),
    ];
    for (params, code) in &dry_errors {
        let mut all = vec![("DryRun", "true")];
        all.extend_from_slice(params);
        n.create(&all).await.err400(code);
    }
    n.call(
        "CreateNetworkInterface",
        &[("DryRun", "true"), ("SubnetId", "subnet-0123456789abcdef0")],
    )
    .await
    .err400("InvalidSubnetID.NotFound");
    n.check().await;
}

#[tokio::test]
async fn dry_run_on_a_full_subnet_answers_insufficient_addresses() {
    let n = net(
        "us-east-1",
        "us-east-1a",
        "10.0.0.0/16",
        "10.0.1.0/28",
        false,
    )
    .await;
    n.create(&[("DryRun", "true"), ("SecondaryPrivateIpAddressCount", "10")])
        .await
        .err("DryRunOperation", 412);
    n.create(&[("DryRun", "true"), ("SecondaryPrivateIpAddressCount", "11")])
        .await
        .err400("InsufficientFreeAddressesInSubnet");
    assert_eq!(n.available(&n.subnet).await, 11);
}

// --- Operator ------------------------------------------------------------------------------------

#[tokio::test]
async fn operator_principal_is_echoed() {
    let n = east().await;
    let eni = n.eni(&[("Operator.Principal", "eks.amazonaws.com")]).await;
    let op = eni.child("operator").expect("operator");
    assert_eq!(op.get("managed"), "true");
    assert_eq!(op.get("principal"), "eks.amazonaws.com");
    let d = n.describe_one(&id(&eni)).await;
    assert_eq!(
        d.child("operator").unwrap().get("principal"),
        "eks.amazonaws.com"
    );
    let eni = n.eni(&[]).await;
    let op = eni.child("operator").expect("operator");
    assert_eq!(op.get("managed"), "false");
    assert!(op.child("principal").is_none());
    n.create(&[("Operator.Bogus", "x")])
        .await
        .err400("UnknownParameter");
}

// --- exhaustion and atomicity -----------------------------------------------------------------

#[tokio::test]
async fn a_slash_28_holds_eleven_interfaces_then_is_full() {
    // EC2's own code for an ENI call on a full subnet is InvalidParameterValue "There aren't
    // sufficient free Ipv4 addresses or prefixes" (AWS Support, quoted in cilium/cilium#31016);
    // issue 3 asks for InsufficientFreeAddressesInSubnet, the code EC2's error table lists
    // for a subnet without free addresses, and the code answers that.
    let n = net(
        "us-east-1",
        "us-east-1a",
        "10.0.0.0/16",
        "10.0.1.0/28",
        false,
    )
    .await;
    assert_eq!(n.available(&n.subnet).await, 11);
    let mut seen = HashSet::new();
    for i in 0..11 {
        let eni = n.eni(&[]).await;
        let ip: Ipv4Addr = eni.get("privateIpAddress").parse().unwrap();
        assert!(usable(ip, n.cidr), "{ip}");
        assert!(seen.insert(ip), "{ip} handed out twice");
        assert_eq!(n.available(&n.subnet).await, 10 - i);
    }
    let r = n.create(&[]).await;
    let msg = r.err400("InsufficientFreeAddressesInSubnet");
    assert!(msg.contains("sufficient free"), "{msg}");
    n.create(&[("DryRun", "true")])
        .await
        .err400("InsufficientFreeAddressesInSubnet");
    assert_eq!(n.available(&n.subnet).await, 0);
    // efa-only needs no address, so it still fits.
    n.eni(&[("InterfaceType", "efa-only")]).await;
    n.check().await;
}

#[tokio::test]
async fn a_failing_request_leaves_every_address_free() {
    let n = net(
        "us-east-1",
        "us-east-1a",
        "10.0.0.0/16",
        "10.0.1.0/28",
        true,
    )
    .await;
    n.eni(&[("PrivateIpAddress", "10.0.1.4")]).await;
    let block = n.ipv6.unwrap();
    let used6 = v6_in(block, 0x5);
    n.eni(&[
        ("PrivateIpAddress", "10.0.1.5"),
        ("Ipv6Addresses.1.Ipv6Address", &used6),
    ])
    .await;
    let before = n.available(&n.subnet).await;
    assert_eq!(before, 9);
    let free6 = v6_in(block, 0x6);
    let failing: Vec<(Vec<(&str, &str)>, &str)> = vec![
        // A free primary plus more secondaries than remain.
        (
            vec![
                ("PrivateIpAddress", "10.0.1.6"),
                ("SecondaryPrivateIpAddressCount", "9"),
            ],
            "InsufficientFreeAddressesInSubnet",
        ),
        // A valid address and a bad one.
        (
            vec![
                ("PrivateIpAddress", "10.0.1.6"),
                ("PrivateIpAddresses.1.PrivateIpAddress", "10.0.1.15"),
            ],
            "InvalidParameterValue",
        ),
        (
            vec![
                ("PrivateIpAddress", "10.0.1.6"),
                ("PrivateIpAddresses.1.PrivateIpAddress", "10.0.1.4"),
            ],
            "InvalidIPAddress.InUse",
        ),
        // Good IPv4 and good IPv6, then an IPv6 address in use.
        (
            vec![
                ("PrivateIpAddress", "10.0.1.6"),
                ("Ipv6Addresses.1.Ipv6Address", &free6),
                ("Ipv6Addresses.2.Ipv6Address", &used6),
            ],
            "InvalidIPAddress.InUse",
        ),
        // Good IPv4, then a security group that does not exist.
        (
            vec![
                ("PrivateIpAddress", "10.0.1.6"),
                ("SecurityGroupId.1", "sg-0123456789abcdef0"),
            ],
            "InvalidGroup.NotFound",
        ),
        // Everything good, then a bad tag.
        (
            vec![
                ("PrivateIpAddress", "10.0.1.6"),
                ("TagSpecification.1.ResourceType", "network-interface"),
                ("TagSpecification.1.Tag.1.Key", "aws:x"),
                ("TagSpecification.1.Tag.1.Value", "v"),
            ],
            "InvalidTagKey.Malformed",
        ),
        // An IPv4 prefix in a /28 (its only block holds reserved addresses).
        (
            vec![("Ipv4PrefixCount", "1")],
            "InsufficientFreeAddressesInSubnet",
        ),
        // A good IPv6 count with too many IPv4 secondaries.
        (
            vec![
                ("Ipv6AddressCount", "2"),
                ("SecondaryPrivateIpAddressCount", "9"),
            ],
            "InsufficientFreeAddressesInSubnet",
        ),
    ];
    for (params, code) in &failing {
        let r = n.create(params).await;
        assert_eq!(r.code().as_deref(), Some(*code), "{params:?}: {}", r.body);
        assert_eq!(n.available(&n.subnet).await, before, "{params:?} leaked");
        n.check().await;
    }
    // The good addresses of those requests are all still free.
    let eni = n
        .eni(&[
            ("PrivateIpAddress", "10.0.1.6"),
            ("Ipv6Addresses.1.Ipv6Address", &free6),
            ("SecondaryPrivateIpAddressCount", "7"),
        ])
        .await;
    assert_eq!(v4s(&eni).len(), 8);
    assert_eq!(n.available(&n.subnet).await, 1);
    n.check().await;
}

#[tokio::test]
async fn concurrent_creates_fill_a_slash_28_exactly_once() {
    let n = Arc::new(
        net(
            "us-east-1",
            "us-east-1a",
            "10.0.0.0/16",
            "10.0.1.0/28",
            false,
        )
        .await,
    );
    let mut tasks = Vec::new();
    for _ in 0..40 {
        let n = Arc::clone(&n);
        tasks.push(tokio::spawn(async move { n.create(&[]).await }));
    }
    let mut ips = HashSet::new();
    let mut full = 0;
    for t in tasks {
        let r = t.await.unwrap();
        assert!(r.status < 500, "5xx: {}", r.body);
        if r.status == 200 {
            let ip: Ipv4Addr = eni_of(&r).get("privateIpAddress").parse().unwrap();
            assert!(ips.insert(ip), "{ip} handed out twice");
        } else {
            r.err400("InsufficientFreeAddressesInSubnet");
            full += 1;
        }
    }
    assert_eq!(ips.len(), 11);
    assert_eq!(full, 29);
    n.check().await;
}

// --- DescribeNetworkInterfaces -----------------------------------------------------------------

#[tokio::test]
async fn describe_by_id() {
    let n = east().await;
    let a = id(&n.eni(&[]).await);
    let b = id(&n.eni(&[]).await);
    let _c = id(&n.eni(&[]).await);
    let got: BTreeSet<String> = n
        .describe(&[("NetworkInterfaceId.1", &a), ("NetworkInterfaceId.2", &b)])
        .await
        .iter()
        .map(id)
        .collect();
    assert_eq!(got, set(&[&a, &b]));
    // A repeated ID is answered once.
    let got = n
        .describe(&[("NetworkInterfaceId.1", &a), ("NetworkInterfaceId.2", &a)])
        .await;
    assert_eq!(got.len(), 1);

    let unknown = "eni-0123456789abcdef0";
    let r = n
        .call(
            "DescribeNetworkInterfaces",
            &[
                ("NetworkInterfaceId.1", &a),
                ("NetworkInterfaceId.2", unknown),
            ],
        )
        .await;
    let msg = r.err400("InvalidNetworkInterfaceID.NotFound");
    assert_eq!(
        msg,
        format!("The networkInterface ID '{unknown}' does not exist")
    );
    // Malformed: EC2 spells this code with a lowercase d (its error table and live replies).
    for bad in [
        "eni-xyz",
        "subnet-0123456789abcdef0",
        "eni-0123",
        "ENI-0123456789ABCDEF0",
    ] {
        let r = n
            .call(
                "DescribeNetworkInterfaces",
                &[("NetworkInterfaceId.1", bad)],
            )
            .await;
        r.err400("InvalidNetworkInterfaceId.Malformed");
    }
    // IDs with filters: both apply.
    let got = n
        .describe(&[
            ("NetworkInterfaceId.1", &a),
            ("Filter.1.Name", "network-interface-id"),
            ("Filter.1.Value.1", &b),
        ])
        .await;
    assert!(got.is_empty());
    // DryRun.
    n.call("DescribeNetworkInterfaces", &[("DryRun", "true")])
        .await
        .err("DryRunOperation", 412);
}

#[tokio::test]
async fn interfaces_belong_to_their_account_and_region() {
    let n = east().await;
    let eni = id(&n.eni(&[]).await);
    // Another region of the same account does not see it, nor does another account.
    let r =
        n.s.call_as(
            KEY,
            "eu-west-1",
            "DescribeNetworkInterfaces",
            &[("NetworkInterfaceId.1", &eni)],
        )
        .await;
    r.err400("InvalidNetworkInterfaceID.NotFound");
    let r =
        n.s.call_as(
            "210987654321",
            "us-east-1",
            "DescribeNetworkInterfaces",
            &[],
        )
        .await;
    assert!(items_of(&r).is_empty(), "{}", r.body);
    let r =
        n.s.call_as(
            "210987654321",
            "us-east-1",
            "DeleteNetworkInterface",
            &[("NetworkInterfaceId", &eni)],
        )
        .await;
    r.err400("InvalidNetworkInterfaceID.NotFound");
    assert_eq!(n.describe_one(&eni).await.get("status"), "available");
}

#[tokio::test]
async fn describe_filters_with_wildcards() {
    let n = east().await;
    let block = n.ipv6.unwrap();
    let (subnet_b, _) = n
        .add_subnet(&n.vpc, "10.0.2.0/24", "us-east-1b", Some(1))
        .await;
    let app = n.create_group("app", &n.vpc).await;
    let a6 = v6_in(block, 0xa6);
    let e1n = n
        .eni(&[
            ("Description", "web server one"),
            ("PrivateIpAddress", "10.0.1.10"),
            ("PrivateIpAddresses.1.PrivateIpAddress", "10.0.1.11"),
            ("Ipv6Addresses.1.Ipv6Address", &a6),
            ("TagSpecification.1.ResourceType", "network-interface"),
            ("TagSpecification.1.Tag.1.Key", "Name"),
            ("TagSpecification.1.Tag.1.Value", "web-1"),
        ])
        .await;
    let e2n = eni_of(
        &n.create_in(
            &subnet_b,
            &[
                ("Description", "db"),
                ("PrivateIpAddress", "10.0.2.20"),
                ("SecurityGroupId.1", &app),
                ("InterfaceType", "efa"),
                ("TagSpecification.1.ResourceType", "network-interface"),
                ("TagSpecification.1.Tag.1.Key", "Name"),
                ("TagSpecification.1.Tag.1.Value", "db-1"),
            ],
        )
        .await,
    );
    let e3n = n
        .eni(&[
            ("InterfaceType", "trunk"),
            ("PrivateIpAddress", "10.0.1.30"),
        ])
        .await;
    // One interface in another VPC (the default one, in us-east-1a), which vpc-id must
    // leave out.
    let r = n
        .call(
            "DescribeSubnets",
            &[
                ("Filter.1.Name", "default-for-az"),
                ("Filter.1.Value.1", "true"),
                ("Filter.2.Name", "availability-zone"),
                ("Filter.2.Value.1", "us-east-1a"),
            ],
        )
        .await;
    let default_subnet = r.ok().text("subnetId");
    let e4n = eni_of(&n.create_in(&default_subnet, &[]).await);
    let (e1, e2, e3, e4) = (id(&e1n), id(&e2n), id(&e3n), id(&e4n));
    let mac1 = e1n.get("macAddress");

    let cases: Vec<(&str, Vec<&str>, BTreeSet<String>)> = vec![
        ("network-interface-id", vec![&e1], set(&[&e1])),
        ("network-interface-id", vec![&e1, &e3], set(&[&e1, &e3])),
        (
            "network-interface-id",
            vec!["eni-*"],
            set(&[&e1, &e2, &e3, &e4]),
        ),
        ("subnet-id", vec![&n.subnet], set(&[&e1, &e3])),
        ("subnet-id", vec![&subnet_b], set(&[&e2])),
        ("vpc-id", vec![&n.vpc], set(&[&e1, &e2, &e3])),
        ("availability-zone", vec!["us-east-1b"], set(&[&e2])),
        (
            "availability-zone",
            vec!["us-east-1?"],
            set(&[&e1, &e2, &e3, &e4]),
        ),
        ("status", vec!["available"], set(&[&e1, &e2, &e3, &e4])),
        ("status", vec!["pending", "in-use"], set(&[])),
        ("description", vec!["web*"], set(&[&e1])),
        ("description", vec!["db"], set(&[&e2])),
        ("description", vec!["*server*"], set(&[&e1])),
        ("group-id", vec![&app], set(&[&e2])),
        ("group-id", vec![&n.default_sg], set(&[&e1, &e3])),
        ("group-name", vec!["app"], set(&[&e2])),
        ("group-name", vec!["def*"], set(&[&e1, &e3, &e4])),
        ("interface-type", vec!["efa"], set(&[&e2])),
        (
            "interface-type",
            vec!["trunk", "interface"],
            set(&[&e1, &e3, &e4]),
        ),
        ("mac-address", vec![&mac1], set(&[&e1])),
        ("mac-address", vec!["02:*"], set(&[&e1, &e2, &e3, &e4])),
        ("owner-id", vec![ACCOUNT], set(&[&e1, &e2, &e3, &e4])),
        ("owner-id", vec!["210987654321"], set(&[])),
        ("private-ip-address", vec!["10.0.1.10"], set(&[&e1])),
        ("private-ip-address", vec!["10.0.2.*"], set(&[&e2])),
        (
            "addresses.private-ip-address",
            vec!["10.0.1.11"],
            set(&[&e1]),
        ),
        (
            "addresses.private-ip-address",
            vec!["10.0.1.?0"],
            set(&[&e1, &e3]),
        ),
        (
            "addresses.primary",
            vec!["true"],
            set(&[&e1, &e2, &e3, &e4]),
        ),
        // Matched per address: only e1 has a secondary (primary=false) address.
        ("addresses.primary", vec!["false"], set(&[&e1])),
        ("ipv6-addresses.ipv6-address", vec![&a6], set(&[&e1])),
        ("ipv6-addresses.ipv6-address", vec!["*:a6"], set(&[&e1])),
        (
            "requester-managed",
            vec!["false"],
            set(&[&e1, &e2, &e3, &e4]),
        ),
        ("requester-managed", vec!["true"], set(&[])),
        (
            "source-dest-check",
            vec!["true"],
            set(&[&e1, &e2, &e3, &e4]),
        ),
        ("source-dest-check", vec!["false"], set(&[])),
        ("tag:Name", vec!["*-1"], set(&[&e1, &e2])),
        ("tag-key", vec!["Name"], set(&[&e1, &e2])),
        ("tag-value", vec!["db-?"], set(&[&e2])),
    ];
    for (name, values, expected) in &cases {
        let got = n.find(&[(name, values)]).await;
        assert_eq!(&got, expected, "filter {name}={values:?}");
    }
    // The reference describes private-ip-address as "the private IPv4 address or addresses of
    // the network interface": a secondary address finds the interface holding it.
    assert_eq!(
        n.find(&[("private-ip-address", &["10.0.1.11"])]).await,
        set(&[&e1])
    );
    // Filters AND together, values OR.
    let got = n
        .find(&[
            ("subnet-id", &[n.subnet.as_str()]),
            ("interface-type", &["trunk", "efa"]),
        ])
        .await;
    assert_eq!(got, set(&[&e3]));
    // A filter named but given no match, and an escaped wildcard.
    assert!(n.find(&[("description", &["web\\*"])]).await.is_empty());

    // Unknown filter names are refused with InvalidParameterValue, as EC2 does.
    let r = n
        .call(
            "DescribeNetworkInterfaces",
            &[("Filter.1.Name", "bogus-name"), ("Filter.1.Value.1", "x")],
        )
        .await;
    let msg = r.err400("InvalidParameterValue");
    assert_eq!(msg, "The filter 'bogus-name' is invalid");
    n.call(
        "DescribeNetworkInterfaces",
        &[("Filter.1.Name", "Subnet-Id"), ("Filter.1.Value.1", "x")],
    )
    .await
    .err400("InvalidParameterValue");
}

#[tokio::test]
async fn describe_pages_through_every_interface_once() {
    let n = east().await;
    let mut created = BTreeSet::new();
    for _ in 0..12 {
        created.insert(id(&n.eni(&[]).await));
    }
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = Vec::new();
    loop {
        let mut params = vec![
            ("MaxResults", "5"),
            ("Filter.1.Name", "vpc-id"),
            ("Filter.1.Value.1", n.vpc.as_str()),
        ];
        if let Some(t) = &token {
            params.push(("NextToken", t));
        }
        let r = n.call("DescribeNetworkInterfaces", &params).await;
        let items = items_of(&r);
        pages.push(items.len());
        seen.extend(items.iter().map(id));
        token = r.doc.child("nextToken").map(|t| t.text.clone());
        if token.is_none() {
            break;
        }
        assert!(pages.len() < 10, "pagination does not end");
    }
    assert_eq!(pages, vec![5, 5, 2]);
    assert_eq!(seen.len(), 12, "each interface exactly once");
    assert_eq!(seen.iter().cloned().collect::<BTreeSet<_>>(), created);

    // MaxResults with IDs is refused; out-of-range MaxResults and a bad token too.
    let first = created.iter().next().unwrap().clone();
    n.call(
        "DescribeNetworkInterfaces",
        &[("NetworkInterfaceId.1", &first), ("MaxResults", "5")],
    )
    .await
    .err400("InvalidParameterCombination");
    for bad in ["4", "1001", "0"] {
        n.call("DescribeNetworkInterfaces", &[("MaxResults", bad)])
            .await
            .err400("InvalidParameterValue");
    }
    let r = n
        .call("DescribeNetworkInterfaces", &[("NextToken", "not-a-token")])
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
}

// --- DeleteNetworkInterface --------------------------------------------------------------------

#[tokio::test]
async fn delete_frees_every_address_and_prefix_at_once() {
    let n = east().await;
    let block = n.ipv6.unwrap();
    let start = n.available(&n.subnet).await;
    let a6 = v6_in(block, 0x42);
    let p6 = Ipv6Net::new(
        Ipv6Addr::from(u128::from(block.network()) + (9u128 << 48)),
        80,
    )
    .unwrap()
    .to_string();
    // IPv6 addresses and IPv6 prefixes exclude each other, so two interfaces hold them.
    let with_addresses = [
        ("PrivateIpAddress", "10.0.1.10"),
        ("PrivateIpAddresses.1.PrivateIpAddress", "10.0.1.12"),
        ("Ipv6Addresses.1.Ipv6Address", a6.as_str()),
        ("TagSpecification.1.ResourceType", "network-interface"),
        ("TagSpecification.1.Tag.1.Key", "team"),
        ("TagSpecification.1.Tag.1.Value", "blue"),
    ];
    let with_prefixes = [
        ("PrivateIpAddress", "10.0.1.11"),
        ("Ipv4Prefix.1.Ipv4Prefix", "10.0.1.32/28"),
        ("Ipv6Prefix.1.Ipv6Prefix", p6.as_str()),
    ];
    let first = n.eni(&with_addresses).await;
    let second = n.eni(&with_prefixes).await;
    let counted = n
        .eni(&[
            ("SecondaryPrivateIpAddressCount", "4"),
            ("Ipv6AddressCount", "2"),
        ])
        .await;
    let counted_prefixes = n
        .eni(&[("Ipv4PrefixCount", "2"), ("Ipv6PrefixCount", "2")])
        .await;
    assert_eq!(n.available(&n.subnet).await, start - 2 - 17 - 5 - 33);
    n.check().await;

    for eni in [&first, &second, &counted, &counted_prefixes] {
        let r = n.delete(&id(eni)).await;
        assert_eq!(r.ok().get("return"), "true");
    }
    assert_eq!(n.available(&n.subnet).await, start);
    assert!(n.in_subnet(&n.subnet).await.is_empty());
    // Tags went with it.
    assert!(n.find(&[("tag:team", &["blue"])]).await.is_empty());
    assert!(n.find(&[("tag-key", &["team"])]).await.is_empty());
    // Describe and Delete of the deleted ID.
    n.call(
        "DescribeNetworkInterfaces",
        &[("NetworkInterfaceId.1", &id(&first))],
    )
    .await
    .err400("InvalidNetworkInterfaceID.NotFound");
    n.delete(&id(&first))
        .await
        .err400("InvalidNetworkInterfaceID.NotFound");

    // The very same addresses and prefixes at once, including the counted ones.
    let again = n.eni(&with_addresses).await;
    assert_eq!(v4s(&again), v4s(&first));
    assert_eq!(v6s(&again), v6s(&first));
    let again = n.eni(&with_prefixes).await;
    assert_eq!(prefixes4(&again), prefixes4(&second));
    assert_eq!(prefixes6(&again), prefixes6(&second));
    let mut reuse = Vec::new();
    let addrs: Vec<String> = v4s(&counted).iter().map(|a| a.to_string()).collect();
    let a6s: Vec<String> = v6s(&counted).iter().map(|a| a.to_string()).collect();
    let p4s: Vec<String> = prefixes4(&counted_prefixes)
        .iter()
        .map(|p| p.to_string())
        .collect();
    let p6s: Vec<String> = prefixes6(&counted_prefixes)
        .iter()
        .map(|p| p.to_string())
        .collect();
    reuse.push(("PrivateIpAddress", addrs[0].as_str()));
    let keys: Vec<String> = (1..=4)
        .map(|i| format!("PrivateIpAddresses.{i}.PrivateIpAddress"))
        .collect();
    for (k, a) in keys.iter().zip(&addrs[1..]) {
        reuse.push((k.as_str(), a.as_str()));
    }
    reuse.push(("Ipv6Addresses.1.Ipv6Address", a6s[0].as_str()));
    reuse.push(("Ipv6Addresses.2.Ipv6Address", a6s[1].as_str()));
    n.eni(&reuse).await;
    n.eni(&[
        ("Ipv4Prefix.1.Ipv4Prefix", p4s[0].as_str()),
        ("Ipv4Prefix.2.Ipv4Prefix", p4s[1].as_str()),
    ])
    .await;
    n.eni(&[
        ("Ipv6Prefix.1.Ipv6Prefix", p6s[0].as_str()),
        ("Ipv6Prefix.2.Ipv6Prefix", p6s[1].as_str()),
    ])
    .await;
    n.check().await;
}

#[tokio::test]
async fn delete_unknown_malformed_missing_and_dry_run() {
    let n = east().await;
    let eni = n.eni(&[]).await;
    let before = n.available(&n.subnet).await;
    let msg = n
        .delete("eni-0123456789abcdef0")
        .await
        .err400("InvalidNetworkInterfaceID.NotFound");
    assert_eq!(
        msg,
        "The networkInterface ID 'eni-0123456789abcdef0' does not exist"
    );
    n.delete("eni-nope")
        .await
        .err400("InvalidNetworkInterfaceId.Malformed");
    n.delete("")
        .await
        .err400("InvalidNetworkInterfaceId.Malformed");
    n.call("DeleteNetworkInterface", &[])
        .await
        .err400("MissingParameter");
    // DryRun: 412, deletes nothing.
    n.call(
        "DeleteNetworkInterface",
        &[("NetworkInterfaceId", &id(&eni)), ("DryRun", "true")],
    )
    .await
    .err("DryRunOperation", 412);
    n.call(
        "DeleteNetworkInterface",
        &[
            ("NetworkInterfaceId", "eni-0123456789abcdef0"),
            ("DryRun", "true"),
        ],
    )
    .await
    .err400("InvalidNetworkInterfaceID.NotFound");
    assert_eq!(n.describe_one(&id(&eni)).await.get("status"), "available");
    assert_eq!(n.available(&n.subnet).await, before);
    n.delete(&id(&eni)).await.ok();
    assert_eq!(n.available(&n.subnet).await, before + 1);
}

#[tokio::test]
async fn delete_subnet_waits_for_its_interfaces_including_efa_only() {
    let n = east().await;
    let (sub, _) = n
        .add_subnet(&n.vpc, "10.0.5.0/24", "us-east-1a", None)
        .await;
    let efa = eni_of(&n.create_in(&sub, &[("InterfaceType", "efa-only")]).await);
    let plain = eni_of(&n.create_in(&sub, &[]).await);
    let params = [("SubnetId", sub.as_str())];
    let delete_subnet = || n.call("DeleteSubnet", &params);
    let msg = delete_subnet().await.err400("DependencyViolation");
    assert_eq!(
        msg,
        format!("The subnet '{sub}' has dependencies and cannot be deleted.")
    );
    n.delete(&id(&plain)).await.ok();
    // Only the efa-only interface is left, with no address: still a dependency.
    delete_subnet().await.err400("DependencyViolation");
    n.delete(&id(&efa)).await.ok();
    delete_subnet().await.ok();
    n.call("DescribeSubnets", &[("SubnetId.1", &sub)])
        .await
        .err400("InvalidSubnetID.NotFound");
    n.create_in(&sub, &[])
        .await
        .err400("InvalidSubnetID.NotFound");
}

// --- invariants across sequences -----------------------------------------------------------------

#[tokio::test]
async fn address_invariants_hold_across_mixed_sequences() {
    let n = net(
        "eu-west-1",
        "eu-west-1a",
        "10.0.0.0/16",
        "10.0.8.0/25",
        true,
    )
    .await;
    let mut live: Vec<String> = Vec::new();
    let requests: Vec<Vec<(&str, &str)>> = vec![
        vec![],
        vec![("SecondaryPrivateIpAddressCount", "6")],
        vec![("Ipv4PrefixCount", "2")],
        vec![
            ("PrivateIpAddress", "10.0.8.100"),
            ("Ipv6AddressCount", "3"),
        ],
        vec![("Ipv4Prefix.1.Ipv4Prefix", "10.0.8.48/28")],
        vec![("InterfaceType", "efa-only")],
        vec![
            ("Ipv6PrefixCount", "2"),
            ("SecondaryPrivateIpAddressCount", "1"),
        ],
        vec![("SecondaryPrivateIpAddressCount", "200")], // fails: limit
        vec![("Ipv4PrefixCount", "8")],                  // fails: no room
    ];
    for round in 0..4 {
        for (i, params) in requests.iter().enumerate() {
            let r = n.create(params).await;
            if r.status == 200 {
                live.push(id(&eni_of(&r)));
            }
            n.check().await;
            // Delete every third interface as we go.
            if (round + i) % 3 == 0 && !live.is_empty() {
                let victim = live.remove(live.len() / 2);
                n.delete(&victim).await.ok();
                n.check().await;
            }
        }
    }
    for v in live.drain(..) {
        n.delete(&v).await.ok();
    }
    n.check().await;
    assert_eq!(n.available(&n.subnet).await, 123);
}
