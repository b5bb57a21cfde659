//! AssignPrivateIpAddresses, UnassignPrivateIpAddresses, AssignIpv6Addresses and
//! UnassignIpv6Addresses through HTTP: every parameter, rule and error, reassignment between
//! interfaces, the per-interface limits, and the subnet's address invariants after each step.

use std::collections::HashSet;
use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{Ipv4Net, Ipv6Net};

use crate::support::{id, list, net, prefixes4, prefixes6, seed_world, usable, v4s, v6s, Net};
use crate::support::{Node, Reply};

// --- helpers ----------------------------------------------------------------------------------

/// Calls `action` on interface `eni` with `params`.
async fn on(n: &Net, action: &str, eni: &str, params: &[(&str, &str)]) -> Reply {
    let mut all = vec![("NetworkInterfaceId", eni)];
    all.extend_from_slice(params);
    n.call(action, &all).await
}

async fn assign(n: &Net, eni: &str, params: &[(&str, &str)]) -> Reply {
    on(n, "AssignPrivateIpAddresses", eni, params).await
}

async fn unassign(n: &Net, eni: &str, params: &[(&str, &str)]) -> Reply {
    on(n, "UnassignPrivateIpAddresses", eni, params).await
}

async fn assign6(n: &Net, eni: &str, params: &[(&str, &str)]) -> Reply {
    on(n, "AssignIpv6Addresses", eni, params).await
}

async fn unassign6(n: &Net, eni: &str, params: &[(&str, &str)]) -> Reply {
    on(n, "UnassignIpv6Addresses", eni, params).await
}

/// Creates an interface in the world's subnet and returns its ID.
async fn new_eni(n: &Net, params: &[(&str, &str)]) -> String {
    id(&n.eni(params).await)
}

/// Texts of the `<item>`s of a reply list whose items are `<item><name>v</name></item>`.
fn items(r: &Reply, list_name: &str, name: &str) -> Vec<String> {
    r.ok()
        .items(list_name)
        .iter()
        .map(|i| i.get(name))
        .collect()
}

/// Texts of a reply list of plain strings, `<item>v</item>`.
fn strings(r: &Reply, list_name: &str) -> Vec<String> {
    r.ok()
        .items(list_name)
        .iter()
        .map(|i| i.text.clone())
        .collect()
}

/// The secondary (non-primary) IPv4 addresses of an interface, in order.
fn secondaries(eni: &Node) -> Vec<Ipv4Addr> {
    list(eni, "privateIpAddressesSet")
        .iter()
        .filter(|i| i.get("primary") == "false")
        .map(|i| i.get("privateIpAddress").parse().unwrap())
        .collect()
}

fn primary(eni: &Node) -> String {
    eni.get("privateIpAddress")
}

fn v6_in(block: Ipv6Net, offset: u128) -> String {
    Ipv6Addr::from(u128::from(block.network()) + offset).to_string()
}

/// The `index`-th /80 of a /64.
fn p80(block: Ipv6Net, index: u128) -> String {
    Ipv6Net::new(
        Ipv6Addr::from(u128::from(block.network()) + (index << 48)),
        80,
    )
    .unwrap()
    .to_string()
}

/// Everything a describe shows of the world's subnet, to prove a refused call changed nothing.
async fn snapshot(n: &Net) -> (Vec<Node>, u32) {
    (n.in_subnet(&n.subnet).await, n.available(&n.subnet).await)
}

/// An IPv4-only world (10.1.1.0/24).
async fn v4_only() -> Net {
    net(
        "eu-west-1",
        "eu-west-1a",
        "10.1.0.0/16",
        "10.1.1.0/24",
        false,
    )
    .await
}

// --- AssignPrivateIpAddresses -----------------------------------------------------------------

#[tokio::test]
async fn assign_explicit_secondaries_replies_with_what_was_assigned() {
    let n = seed_world().await;
    let eni = new_eni(&n, &[("PrivateIpAddress", "10.0.2.11")]).await;
    let before = n.available(&n.subnet).await;
    let r = assign(
        &n,
        &eni,
        &[
            ("PrivateIpAddress.1", "10.0.2.50"),
            ("PrivateIpAddress.2", "10.0.2.51"),
        ],
    )
    .await;
    let doc = r.ok();
    assert_eq!(doc.name, "AssignPrivateIpAddressesResponse");
    assert_eq!(doc.get("networkInterfaceId"), eni);
    assert_eq!(
        items(&r, "assignedPrivateIpAddressesSet", "privateIpAddress"),
        ["10.0.2.50", "10.0.2.51"]
    );
    // The reply shape of botocore: an empty prefix set is still there.
    assert!(doc.child("assignedIpv4PrefixSet").is_some(), "{}", r.body);
    assert!(items(&r, "assignedIpv4PrefixSet", "ipv4Prefix").is_empty());
    let d = n.describe_one(&eni).await;
    assert_eq!(
        secondaries(&d),
        [
            "10.0.2.50".parse::<Ipv4Addr>().unwrap(),
            "10.0.2.51".parse().unwrap()
        ]
    );
    // Secondaries get their own DNS names and do not displace the primary.
    assert_eq!(list(&d, "privateIpAddressesSet")[0].get("primary"), "true");
    assert!(list(&d, "privateIpAddressesSet")[2]
        .get("privateDnsName")
        .starts_with("ip-10-0-2-51."));
    assert_eq!(n.available(&n.subnet).await, before - 2);
    // Secondaries are found by the address filter.
    let found = n
        .find(&[("addresses.private-ip-address", &["10.0.2.51"])])
        .await;
    assert_eq!(found.into_iter().collect::<Vec<_>>(), [eni.as_str()]);
    n.check().await;
}

#[tokio::test]
async fn assign_by_count_draws_distinct_free_addresses() {
    let n = seed_world().await;
    let eni = new_eni(&n, &[("SecondaryPrivateIpAddressCount", "2")]).await;
    let before = n.available(&n.subnet).await;
    let r = assign(&n, &eni, &[("SecondaryPrivateIpAddressCount", "5")]).await;
    let got = items(&r, "assignedPrivateIpAddressesSet", "privateIpAddress");
    assert_eq!(got.len(), 5);
    let got: Vec<Ipv4Addr> = got.iter().map(|a| a.parse().unwrap()).collect();
    assert!(got.iter().all(|a| usable(*a, n.cidr)));
    let d = n.describe_one(&eni).await;
    assert_eq!(v4s(&d).len(), 8);
    assert_eq!(&secondaries(&d)[2..], &got[..]);
    assert_eq!(v4s(&d).iter().collect::<HashSet<_>>().len(), 8);
    assert_eq!(n.available(&n.subnet).await, before - 5);
    n.check().await;
}

#[tokio::test]
async fn assign_ipv4_prefixes_explicit_and_counted() {
    let n = seed_world().await;
    let eni = new_eni(&n, &[("PrivateIpAddress", "10.0.2.11")]).await;
    let before = n.available(&n.subnet).await;
    let r = assign(&n, &eni, &[("Ipv4Prefix.1", "10.0.2.64/28")]).await;
    assert_eq!(
        items(&r, "assignedIpv4PrefixSet", "ipv4Prefix"),
        ["10.0.2.64/28"]
    );
    assert!(items(&r, "assignedPrivateIpAddressesSet", "privateIpAddress").is_empty());
    let r = assign(&n, &eni, &[("Ipv4PrefixCount", "2")]).await;
    let counted = items(&r, "assignedIpv4PrefixSet", "ipv4Prefix");
    assert_eq!(counted.len(), 2);
    let d = n.describe_one(&eni).await;
    let all = prefixes4(&d);
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].to_string(), "10.0.2.64/28");
    assert_eq!(
        all[1..].iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        counted
    );
    assert_eq!(n.available(&n.subnet).await, before - 48);
    n.check().await;
}

#[tokio::test]
async fn assign_private_ip_parameter_rules() {
    let n = seed_world().await;
    let eni = new_eni(&n, &[("PrivateIpAddress", "10.0.2.11")]).await;
    let before = snapshot(&n).await;
    let combination: Vec<Vec<(&str, &str)>> = vec![
        vec![
            ("PrivateIpAddress.1", "10.0.2.50"),
            ("SecondaryPrivateIpAddressCount", "1"),
        ],
        vec![("Ipv4Prefix.1", "10.0.2.64/28"), ("Ipv4PrefixCount", "1")],
        vec![
            ("PrivateIpAddress.1", "10.0.2.50"),
            ("Ipv4Prefix.1", "10.0.2.64/28"),
        ],
        vec![
            ("PrivateIpAddress.1", "10.0.2.50"),
            ("Ipv4PrefixCount", "1"),
        ],
        vec![
            ("SecondaryPrivateIpAddressCount", "1"),
            ("Ipv4Prefix.1", "10.0.2.64/28"),
        ],
        vec![
            ("SecondaryPrivateIpAddressCount", "1"),
            ("Ipv4PrefixCount", "1"),
        ],
    ];
    for params in &combination {
        let r = assign(&n, &eni, params).await;
        r.err400("InvalidParameterCombination");
    }
    // Nothing asked for (a zero count asks for nothing).
    for params in [
        vec![],
        vec![("SecondaryPrivateIpAddressCount", "0")],
        vec![("AllowReassignment", "true")],
    ] {
        assign(&n, &eni, &params).await.err400("MissingParameter");
    }
    let invalid: Vec<Vec<(&str, &str)>> = vec![
        vec![("SecondaryPrivateIpAddressCount", "-1")],
        vec![("Ipv4PrefixCount", "-3")],
        vec![("PrivateIpAddress.1", "10.0.2.999")],
        vec![("PrivateIpAddress.1", "fe80::1")],
        vec![("Ipv4Prefix.1", "10.0.2.72/28")],
        vec![("Ipv4Prefix.1", "10.0.2.64/27")],
        vec![("Ipv4Prefix.1", "nonsense")],
        vec![
            ("PrivateIpAddress.1", "10.0.2.50"),
            ("PrivateIpAddress.2", "10.0.2.50"),
        ],
        vec![
            ("Ipv4Prefix.1", "10.0.2.64/28"),
            ("Ipv4Prefix.2", "10.0.2.64/28"),
        ],
        vec![("SecondaryPrivateIpAddressCount", "two")],
        vec![
            ("PrivateIpAddress.1", "10.0.2.50"),
            ("AllowReassignment", "maybe"),
        ],
    ];
    for params in &invalid {
        let r = assign(&n, &eni, params).await;
        assert_eq!(
            r.code().as_deref(),
            Some("InvalidParameterValue"),
            "{params:?}: {}",
            r.body
        );
    }
    let msg = assign(&n, &eni, &[("PrivateIpAddress.1", "10.0.2.999")])
        .await
        .err400("InvalidParameterValue");
    assert_eq!(msg, "invalid value for parameter address: 10.0.2.999");
    // The structure form of CreateNetworkInterface is not this action's wire shape.
    assign(
        &n,
        &eni,
        &[("PrivateIpAddresses.1.PrivateIpAddress", "10.0.2.50")],
    )
    .await
    .err400("UnknownParameter");
    assert_eq!(snapshot(&n).await, before);
    n.check().await;
}

#[tokio::test]
async fn explicit_addresses_outside_reserved_or_in_use_are_refused() {
    let n = seed_world().await;
    let a = new_eni(&n, &[("PrivateIpAddress", "10.0.2.10")]).await;
    let b = new_eni(&n, &[("Ipv4Prefix.1.Ipv4Prefix", "10.0.2.32/28")]).await;
    let before = snapshot(&n).await;
    let msg = assign(&n, &b, &[("PrivateIpAddress.1", "10.0.3.5")])
        .await
        .err400("InvalidParameterValue");
    assert_eq!(
        msg,
        "Address 10.0.3.5 does not fall within the subnet's address range"
    );
    for reserved in ["10.0.2.0", "10.0.2.1", "10.0.2.2", "10.0.2.3", "10.0.2.255"] {
        let msg = assign(&n, &b, &[("PrivateIpAddress.1", reserved)])
            .await
            .err400("InvalidParameterValue");
        assert!(msg.contains("reserved"), "{msg}");
    }
    // Inside a prefix delegated to an interface: in use, and never movable.
    for allow in ["false", "true"] {
        assign(
            &n,
            &a,
            &[
                ("PrivateIpAddress.1", "10.0.2.40"),
                ("AllowReassignment", allow),
            ],
        )
        .await
        .err400("InvalidIPAddress.InUse");
    }
    // A prefix over an address in use, or over a reserved address.
    assign(&n, &b, &[("Ipv4Prefix.1", "10.0.2.0/28")])
        .await
        .err400("InvalidParameterValue");
    assign(&n, &a, &[("Ipv4Prefix.1", "10.0.2.32/28")])
        .await
        .err400("InvalidIPAddress.InUse");
    // The primary of another interface is "assigned", as EC2 words it.
    let msg = assign(&n, &b, &[("PrivateIpAddress.1", "10.0.2.10")])
        .await
        .err400("InvalidParameterValue");
    assert_eq!(msg, "[10.0.2.10] assigned, but move is not allowed.");
    assert_eq!(snapshot(&n).await, before);
    n.check().await;
}

#[tokio::test]
async fn without_allow_reassignment_every_held_address_is_named() {
    let n = seed_world().await;
    let a = new_eni(&n, &[("PrivateIpAddress", "10.0.2.11")]).await;
    let b = new_eni(&n, &[("PrivateIpAddress", "10.0.2.12")]).await;
    assign(
        &n,
        &a,
        &[
            ("PrivateIpAddress.1", "10.0.2.20"),
            ("PrivateIpAddress.2", "10.0.2.21"),
        ],
    )
    .await
    .ok();
    let before = snapshot(&n).await;
    // Free and held addresses mixed: all or nothing, the held ones listed in request order.
    for allow in [None, Some("false")] {
        let mut params = vec![
            ("PrivateIpAddress.1", "10.0.2.21"),
            ("PrivateIpAddress.2", "10.0.2.60"),
            ("PrivateIpAddress.3", "10.0.2.20"),
        ];
        if let Some(v) = allow {
            params.push(("AllowReassignment", v));
        }
        let msg = assign(&n, &b, &params)
            .await
            .err400("InvalidParameterValue");
        assert_eq!(
            msg,
            "[10.0.2.21, 10.0.2.20] assigned, but move is not allowed."
        );
    }
    // An address the interface already holds is "assigned" too.
    let msg = assign(&n, &a, &[("PrivateIpAddress.1", "10.0.2.20")])
        .await
        .err400("InvalidParameterValue");
    assert_eq!(msg, "[10.0.2.20] assigned, but move is not allowed.");
    assert_eq!(snapshot(&n).await, before);
    // 10.0.2.60 was not taken by the refused request.
    assign(&n, &b, &[("PrivateIpAddress.1", "10.0.2.60")])
        .await
        .ok();
    n.check().await;
}

#[tokio::test]
async fn allow_reassignment_moves_a_secondary_between_interfaces() {
    let n = seed_world().await;
    let a = new_eni(&n, &[("PrivateIpAddress", "10.0.2.11")]).await;
    let b = new_eni(&n, &[("PrivateIpAddress", "10.0.2.12")]).await;
    assign(
        &n,
        &a,
        &[
            ("PrivateIpAddress.1", "10.0.2.20"),
            ("PrivateIpAddress.2", "10.0.2.21"),
        ],
    )
    .await
    .ok();
    let before = n.available(&n.subnet).await;
    let r = assign(
        &n,
        &b,
        &[
            ("PrivateIpAddress.1", "10.0.2.21"),
            ("PrivateIpAddress.2", "10.0.2.70"),
            ("AllowReassignment", "true"),
        ],
    )
    .await;
    assert_eq!(
        items(&r, "assignedPrivateIpAddressesSet", "privateIpAddress"),
        ["10.0.2.21", "10.0.2.70"]
    );
    let da = n.describe_one(&a).await;
    let db = n.describe_one(&b).await;
    assert_eq!(secondaries(&da), ["10.0.2.20".parse::<Ipv4Addr>().unwrap()]);
    assert_eq!(
        secondaries(&db),
        [
            "10.0.2.21".parse::<Ipv4Addr>().unwrap(),
            "10.0.2.70".parse().unwrap()
        ]
    );
    // Moving takes nothing new from the subnet; the fresh address does.
    assert_eq!(n.available(&n.subnet).await, before - 1);
    n.check().await;
    // Moving it back, and "moving" an address the interface already holds: no duplicate.
    assign(
        &n,
        &a,
        &[
            ("PrivateIpAddress.1", "10.0.2.21"),
            ("PrivateIpAddress.2", "10.0.2.20"),
            ("AllowReassignment", "true"),
        ],
    )
    .await
    .ok();
    let da = n.describe_one(&a).await;
    assert_eq!(
        secondaries(&da),
        [
            "10.0.2.20".parse::<Ipv4Addr>().unwrap(),
            "10.0.2.21".parse().unwrap()
        ]
    );
    assert_eq!(
        secondaries(&n.describe_one(&b).await),
        ["10.0.2.70".parse::<Ipv4Addr>().unwrap()]
    );
    n.check().await;
    // After a move, unassigning from the old holder is an error; from the new one it works.
    unassign(&n, &b, &[("PrivateIpAddress.1", "10.0.2.21")])
        .await
        .err400("InvalidParameterValue");
    unassign(&n, &a, &[("PrivateIpAddress.1", "10.0.2.21")])
        .await
        .ok();
    n.check().await;
}

#[tokio::test]
async fn a_primary_address_is_never_reassigned() {
    let n = seed_world().await;
    let a = new_eni(&n, &[("PrivateIpAddress", "10.0.2.10")]).await;
    let b = new_eni(&n, &[("PrivateIpAddress", "10.0.2.19")]).await;
    assign(&n, &a, &[("PrivateIpAddress.1", "10.0.2.11")])
        .await
        .ok();
    let before = snapshot(&n).await;
    // Alone, or together with a movable secondary: the whole request fails.
    for params in [
        vec![("PrivateIpAddress.1", "10.0.2.10")],
        vec![
            ("PrivateIpAddress.1", "10.0.2.11"),
            ("PrivateIpAddress.2", "10.0.2.10"),
        ],
    ] {
        let mut all = params.clone();
        all.push(("AllowReassignment", "true"));
        let msg = assign(&n, &b, &all).await.err400("InvalidParameterValue");
        assert!(
            msg.contains("10.0.2.10") && msg.contains("primary"),
            "{msg}"
        );
    }
    // Nor onto the interface itself as a secondary.
    let own_primary = primary(&n.describe_one(&b).await);
    assign(
        &n,
        &b,
        &[
            ("PrivateIpAddress.1", &own_primary),
            ("AllowReassignment", "true"),
        ],
    )
    .await
    .err400("InvalidParameterValue");
    assert_eq!(snapshot(&n).await, before);
    assert_eq!(primary(&n.describe_one(&a).await), "10.0.2.10");
    n.check().await;
}

#[tokio::test]
async fn reassignment_stays_within_the_subnet() {
    let n = seed_world().await;
    let (other, _) = n
        .add_subnet(&n.vpc, "10.0.3.0/24", "ap-southeast-1b", None)
        .await;
    let a = new_eni(&n, &[("PrivateIpAddress", "10.0.2.11")]).await;
    let r = n
        .create_in(
            &other,
            &[
                ("PrivateIpAddresses.1.PrivateIpAddress", "10.0.3.10"),
                ("SecondaryPrivateIpAddressCount", "1"),
            ],
        )
        .await;
    let there = r.ok().child("networkInterface").unwrap().clone();
    let held = secondaries(&there)[0].to_string();
    // An address of another subnet is outside this interface's subnet, never "moved".
    let msg = assign(
        &n,
        &a,
        &[("PrivateIpAddress.1", &held), ("AllowReassignment", "true")],
    )
    .await
    .err400("InvalidParameterValue");
    assert!(msg.contains("does not fall within"), "{msg}");
    assert_eq!(secondaries(&n.describe_one(&id(&there)).await).len(), 1);
    n.check().await;
    n.check_invariants(&other, "10.0.3.0/24".parse().unwrap(), None)
        .await;
}

#[tokio::test]
async fn a_failed_assign_takes_nothing() {
    let n = seed_world().await;
    let a = new_eni(&n, &[("PrivateIpAddress", "10.0.2.11")]).await;
    let b = new_eni(&n, &[("SecondaryPrivateIpAddressCount", "2")]).await;
    let _c = new_eni(&n, &[("Ipv4Prefix.1.Ipv4Prefix", "10.0.2.32/28")]).await;
    let moving = secondaries(&n.describe_one(&b).await)[0].to_string();
    let b_primary = primary(&n.describe_one(&b).await);
    let before = snapshot(&n).await;
    // A free address is taken, then one inside a delegated prefix fails: the first is given
    // back. The same for prefixes.
    assign(
        &n,
        &a,
        &[
            ("PrivateIpAddress.1", "10.0.2.200"),
            ("PrivateIpAddress.2", "10.0.2.40"),
        ],
    )
    .await
    .err400("InvalidIPAddress.InUse");
    assign(
        &n,
        &a,
        &[
            ("Ipv4Prefix.1", "10.0.2.208/28"),
            ("Ipv4Prefix.2", "10.0.2.32/28"),
        ],
    )
    .await
    .err400("InvalidIPAddress.InUse");
    // A movable address and a free one, then a primary: nothing moves.
    assign(
        &n,
        &a,
        &[
            ("PrivateIpAddress.1", &moving),
            ("PrivateIpAddress.2", "10.0.2.201"),
            ("PrivateIpAddress.3", &b_primary),
            ("AllowReassignment", "true"),
        ],
    )
    .await
    .err400("InvalidParameterValue");
    assert_eq!(snapshot(&n).await, before);
    // Every one of those is still free for the taking.
    assign(
        &n,
        &a,
        &[
            ("PrivateIpAddress.1", "10.0.2.200"),
            ("PrivateIpAddress.2", "10.0.2.201"),
        ],
    )
    .await
    .ok();
    assign(&n, &b, &[("Ipv4Prefix.1", "10.0.2.208/28")])
        .await
        .ok();
    n.check().await;
}

#[tokio::test]
async fn a_full_subnet_answers_insufficient_addresses() {
    let n = net(
        "eu-west-1",
        "eu-west-1a",
        "10.0.0.0/16",
        "10.0.9.0/28",
        true,
    )
    .await;
    // A /28: eleven usable addresses, and no /28 prefix without a reserved address.
    let a = new_eni(&n, &[]).await;
    new_eni(&n, &[("SecondaryPrivateIpAddressCount", "2")]).await;
    let before = snapshot(&n).await;
    assert_eq!(before.1, 7);
    let msg = assign(&n, &a, &[("SecondaryPrivateIpAddressCount", "8")])
        .await
        .err400("InsufficientFreeAddressesInSubnet");
    assert!(msg.contains("sufficient free"), "{msg}");
    assign(&n, &a, &[("Ipv4PrefixCount", "1")])
        .await
        .err400("InsufficientFreeAddressesInSubnet");
    assert_eq!(snapshot(&n).await, before);
    // Exactly the free rest fits, and then nothing more.
    assign(&n, &a, &[("SecondaryPrivateIpAddressCount", "7")])
        .await
        .ok();
    assert_eq!(n.available(&n.subnet).await, 0);
    assign(&n, &a, &[("SecondaryPrivateIpAddressCount", "1")])
        .await
        .err400("InsufficientFreeAddressesInSubnet");
    n.check().await;
}

// --- UnassignPrivateIpAddresses ---------------------------------------------------------------

#[tokio::test]
async fn unassign_releases_addresses_and_prefixes_for_reuse_at_once() {
    let n = seed_world().await;
    let a = new_eni(&n, &[("PrivateIpAddress", "10.0.2.11")]).await;
    let b = new_eni(&n, &[("PrivateIpAddress", "10.0.2.12")]).await;
    let empty = n.available(&n.subnet).await;
    assign(
        &n,
        &a,
        &[
            ("PrivateIpAddress.1", "10.0.2.50"),
            ("PrivateIpAddress.2", "10.0.2.51"),
            ("PrivateIpAddress.3", "10.0.2.52"),
        ],
    )
    .await
    .ok();
    assign(
        &n,
        &b,
        &[
            ("Ipv4Prefix.1", "10.0.2.64/28"),
            ("Ipv4Prefix.2", "10.0.2.96/28"),
        ],
    )
    .await
    .ok();
    assert_eq!(n.available(&n.subnet).await, empty - 3 - 32);
    let r = unassign(
        &n,
        &a,
        &[
            ("PrivateIpAddress.1", "10.0.2.52"),
            ("PrivateIpAddress.2", "10.0.2.50"),
        ],
    )
    .await;
    let doc = r.ok();
    assert_eq!(doc.name, "UnassignPrivateIpAddressesResponse");
    assert_eq!(doc.get("return"), "true");
    assert_eq!(
        secondaries(&n.describe_one(&a).await),
        ["10.0.2.51".parse::<Ipv4Addr>().unwrap()]
    );
    unassign(&n, &b, &[("Ipv4Prefix.1", "10.0.2.64/28")])
        .await
        .ok();
    assert_eq!(
        prefixes4(&n.describe_one(&b).await),
        ["10.0.2.96/28".parse::<Ipv4Net>().unwrap()]
    );
    assert_eq!(n.available(&n.subnet).await, empty - 1 - 16);
    n.check().await;
    // Reusable at once: by another interface, as an address inside the released prefix.
    assign(
        &n,
        &b,
        &[
            ("PrivateIpAddress.1", "10.0.2.50"),
            ("PrivateIpAddress.2", "10.0.2.70"),
        ],
    )
    .await
    .ok();
    unassign(
        &n,
        &b,
        &[
            ("PrivateIpAddress.1", "10.0.2.50"),
            ("PrivateIpAddress.2", "10.0.2.70"),
            ("Ipv4Prefix.1", "10.0.2.96/28"),
        ],
    )
    .await
    .ok();
    assign(&n, &a, &[("Ipv4Prefix.1", "10.0.2.64/28")])
        .await
        .ok();
    n.check().await;
}

#[tokio::test]
async fn unassign_refuses_the_primary_and_what_the_interface_does_not_hold() {
    let n = seed_world().await;
    let a = new_eni(&n, &[("PrivateIpAddress", "10.0.2.10")]).await;
    let b = new_eni(&n, &[("PrivateIpAddress", "10.0.2.19")]).await;
    assign(&n, &a, &[("PrivateIpAddress.1", "10.0.2.11")])
        .await
        .ok();
    assign(&n, &a, &[("Ipv4Prefix.1", "10.0.2.64/28")])
        .await
        .ok();
    let before = snapshot(&n).await;
    let msg = unassign(&n, &a, &[("PrivateIpAddress.1", "10.0.2.10")])
        .await
        .err400("InvalidParameterValue");
    assert!(msg.contains("primary"), "{msg}");
    // EC2's wording, which client code matches to treat the address as already released.
    for params in [
        vec![("PrivateIpAddress.1", "10.0.2.11")],
        vec![("PrivateIpAddress.1", "10.0.2.99")],
        vec![("PrivateIpAddress.1", "10.9.9.9")],
    ] {
        let msg = unassign(&n, &b, &params)
            .await
            .err400("InvalidParameterValue");
        assert_eq!(
            msg,
            format!("Some of the specified addresses are not assigned to interface {b}")
        );
    }
    let msg = unassign(&n, &b, &[("Ipv4Prefix.1", "10.0.2.64/28")])
        .await
        .err400("InvalidParameterValue");
    assert_eq!(
        msg,
        format!("Some of the specified prefixes are not assigned to interface {b}")
    );
    // All or nothing: one held address and one not, or a held prefix and the primary.
    unassign(
        &n,
        &a,
        &[
            ("PrivateIpAddress.1", "10.0.2.11"),
            ("PrivateIpAddress.2", "10.0.2.12"),
        ],
    )
    .await
    .err400("InvalidParameterValue");
    unassign(
        &n,
        &a,
        &[
            ("PrivateIpAddress.1", "10.0.2.10"),
            ("Ipv4Prefix.1", "10.0.2.64/28"),
        ],
    )
    .await
    .err400("InvalidParameterValue");
    // Parameter errors.
    unassign(&n, &a, &[]).await.err400("MissingParameter");
    unassign(&n, &a, &[("PrivateIpAddress.1", "not-an-ip")])
        .await
        .err400("InvalidParameterValue");
    unassign(&n, &a, &[("Ipv4Prefix.1", "10.0.2.65/28")])
        .await
        .err400("InvalidParameterValue");
    unassign(
        &n,
        &a,
        &[
            ("PrivateIpAddress.1", "10.0.2.11"),
            ("PrivateIpAddress.2", "10.0.2.11"),
        ],
    )
    .await
    .err400("InvalidParameterValue");
    unassign(&n, &a, &[("SecondaryPrivateIpAddressCount", "1")])
        .await
        .err400("UnknownParameter");
    assert_eq!(snapshot(&n).await, before);
    n.check().await;
}

// --- AssignIpv6Addresses / UnassignIpv6Addresses ------------------------------------------------

#[tokio::test]
async fn assign_ipv6_addresses_explicit_counted_and_prefixes() {
    let n = seed_world().await;
    let block = n.ipv6.unwrap();
    let eni = new_eni(&n, &[("PrivateIpAddress", "10.0.2.11")]).await;
    let (a, b) = (v6_in(block, 0x123), v6_in(block, 0x456));
    let r = assign6(
        &n,
        &eni,
        &[("Ipv6Addresses.1", &a), ("Ipv6Addresses.2", &b)],
    )
    .await;
    let doc = r.ok();
    assert_eq!(doc.name, "AssignIpv6AddressesResponse");
    assert_eq!(doc.get("networkInterfaceId"), eni);
    assert_eq!(strings(&r, "assignedIpv6Addresses"), [a.clone(), b.clone()]);
    assert!(doc.child("assignedIpv6PrefixSet").is_some(), "{}", r.body);
    assert!(strings(&r, "assignedIpv6PrefixSet").is_empty());

    let r = assign6(&n, &eni, &[("Ipv6AddressCount", "3")]).await;
    let counted = strings(&r, "assignedIpv6Addresses");
    assert_eq!(counted.len(), 3);
    let p = p80(block, 7);
    let r = assign6(&n, &eni, &[("Ipv6Prefix.1", &p)]).await;
    assert_eq!(strings(&r, "assignedIpv6PrefixSet"), [p.as_str()]);
    assert!(strings(&r, "assignedIpv6Addresses").is_empty());
    let r = assign6(&n, &eni, &[("Ipv6PrefixCount", "2")]).await;
    let counted_prefixes = strings(&r, "assignedIpv6PrefixSet");
    assert_eq!(counted_prefixes.len(), 2);

    let d = n.describe_one(&eni).await;
    let mut expected: Vec<String> = vec![a, b];
    expected.extend(counted);
    assert_eq!(
        v6s(&d).iter().map(|a| a.to_string()).collect::<Vec<_>>(),
        expected
    );
    // Assigned addresses are not primary IPv6 addresses.
    assert!(list(&d, "ipv6AddressesSet")
        .iter()
        .all(|i| i.get("isPrimaryIpv6") == "false"));
    // The top-level address is the first one all the same (the CLI reference shows it on any
    // interface with an IPv6 address).
    assert_eq!(d.text("ipv6Address"), v6s(&d)[0].to_string());
    let mut expected_p = vec![p];
    expected_p.extend(counted_prefixes);
    assert_eq!(
        prefixes6(&d)
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>(),
        expected_p
    );
    // IPv6 takes nothing from the IPv4 count.
    assert_eq!(v4s(&d).len(), 1);
    n.check().await;
}

#[tokio::test]
async fn assign_ipv6_parameter_rules_and_address_errors() {
    let n = seed_world().await;
    let block = n.ipv6.unwrap();
    let a = new_eni(&n, &[("Ipv6Prefix.1.Ipv6Prefix", &p80(block, 3))]).await;
    let held = v6_in(block, (2u128 << 48) + 0x99);
    new_eni(&n, &[("Ipv6Addresses.1.Ipv6Address", &held)]).await;
    let before = snapshot(&n).await;
    let (x, p) = (v6_in(block, 0x500), p80(block, 9));
    for params in [
        vec![("Ipv6Addresses.1", x.as_str()), ("Ipv6AddressCount", "1")],
        vec![
            ("Ipv6Addresses.1", x.as_str()),
            ("Ipv6Prefix.1", p.as_str()),
        ],
        vec![("Ipv6AddressCount", "1"), ("Ipv6PrefixCount", "1")],
        vec![("Ipv6Prefix.1", p.as_str()), ("Ipv6PrefixCount", "1")],
        vec![("Ipv6AddressCount", "1"), ("Ipv6Prefix.1", p.as_str())],
    ] {
        assign6(&n, &a, &params)
            .await
            .err400("InvalidParameterCombination");
    }
    for params in [vec![], vec![("Ipv6AddressCount", "0")]] {
        assign6(&n, &a, &params).await.err400("MissingParameter");
    }
    let outside = "2001:db8::1".to_string();
    let reserved = v6_in(block, 1);
    let in_prefix = v6_in(block, (3u128 << 48) + 5);
    let misaligned = format!("{}/80", v6_in(block, 1));
    let p64 = block.to_string();
    let overlapping = p80(block, 2); // holds b's address
    let invalid: Vec<Vec<(&str, &str)>> = vec![
        vec![("Ipv6AddressCount", "-1")],
        vec![("Ipv6PrefixCount", "-1")],
        vec![("Ipv6Addresses.1", "10.0.2.5")],
        vec![("Ipv6Addresses.1", "zz::1")],
        vec![("Ipv6Addresses.1", &outside)],
        vec![("Ipv6Addresses.1", &reserved)],
        vec![("Ipv6Addresses.1", &x), ("Ipv6Addresses.2", &x)],
        vec![("Ipv6Prefix.1", &misaligned)],
        vec![("Ipv6Prefix.1", &p64)],
        vec![("Ipv6Prefix.1", &p), ("Ipv6Prefix.2", &p)],
    ];
    for params in &invalid {
        let r = assign6(&n, &a, params).await;
        assert_eq!(
            r.code().as_deref(),
            Some("InvalidParameterValue"),
            "{params:?}: {}",
            r.body
        );
    }
    // In use: by another interface (IPv6 addresses never move), inside a delegated /80, a
    // prefix over an address in use, and the interface's own prefix again.
    for params in [
        vec![("Ipv6Addresses.1", held.as_str())],
        vec![("Ipv6Addresses.1", in_prefix.as_str())],
        vec![("Ipv6Prefix.1", overlapping.as_str())],
    ] {
        assign6(&n, &a, &params)
            .await
            .err400("InvalidIPAddress.InUse");
    }
    assign6(&n, &a, &[("Ipv6Prefix.1", &p80(block, 3))])
        .await
        .err400("InvalidIPAddress.InUse");
    // All or nothing: a free address, then one in use.
    assign6(
        &n,
        &a,
        &[("Ipv6Addresses.1", &x), ("Ipv6Addresses.2", &held)],
    )
    .await
    .err400("InvalidIPAddress.InUse");
    // AllowReassignment belongs to the IPv4 action only.
    assign6(
        &n,
        &a,
        &[("Ipv6Addresses.1", &x), ("AllowReassignment", "true")],
    )
    .await
    .err400("UnknownParameter");
    assert_eq!(snapshot(&n).await, before);
    assign6(&n, &a, &[("Ipv6Addresses.1", &x)]).await.ok();
    n.check().await;
}

#[tokio::test]
async fn ipv6_actions_are_refused_on_a_subnet_without_ipv6() {
    let n = v4_only().await;
    let eni = new_eni(&n, &[]).await;
    let before = snapshot(&n).await;
    for params in [
        vec![("Ipv6AddressCount", "1")],
        vec![("Ipv6Addresses.1", "2001:db8::10")],
        vec![("Ipv6PrefixCount", "1")],
        vec![("Ipv6Prefix.1", "2001:db8:0:0:1::/80")],
    ] {
        let msg = assign6(&n, &eni, &params)
            .await
            .err400("InvalidParameterValue");
        assert!(msg.contains("IPv6 CIDR block"), "{msg}");
    }
    unassign6(&n, &eni, &[("Ipv6Addresses.1", "2001:db8::10")])
        .await
        .err400("InvalidParameterValue");
    // IPv4 still works there.
    assert_eq!(snapshot(&n).await, before);
    assign(&n, &eni, &[("SecondaryPrivateIpAddressCount", "1")])
        .await
        .ok();
    n.check().await;
}

#[tokio::test]
async fn unassign_ipv6_releases_for_reuse_and_replies_with_what_went() {
    let n = seed_world().await;
    let block = n.ipv6.unwrap();
    let a = new_eni(&n, &[("PrivateIpAddress", "10.0.2.11")]).await;
    let b = new_eni(&n, &[("PrivateIpAddress", "10.0.2.12")]).await;
    let (x, y) = (v6_in(block, 0x10), v6_in(block, 0x11));
    let (p, q) = (p80(block, 4), p80(block, 5));
    assign6(&n, &a, &[("Ipv6Addresses.1", &x), ("Ipv6Addresses.2", &y)])
        .await
        .ok();
    assign6(&n, &a, &[("Ipv6Prefix.1", &p), ("Ipv6Prefix.2", &q)])
        .await
        .ok();
    let r = unassign6(&n, &a, &[("Ipv6Addresses.1", &y), ("Ipv6Prefix.1", &q)]).await;
    let doc = r.ok();
    assert_eq!(doc.name, "UnassignIpv6AddressesResponse");
    assert_eq!(doc.get("networkInterfaceId"), a);
    assert_eq!(strings(&r, "unassignedIpv6Addresses"), [y.as_str()]);
    assert_eq!(strings(&r, "unassignedIpv6PrefixSet"), [q.as_str()]);
    let d = n.describe_one(&a).await;
    assert_eq!(
        v6s(&d).iter().map(|a| a.to_string()).collect::<Vec<_>>(),
        [x.as_str()]
    );
    assert_eq!(
        prefixes6(&d)
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>(),
        [p.as_str()]
    );
    // Only addresses: the prefix list is empty but present.
    let r = unassign6(&n, &a, &[("Ipv6Addresses.1", &x)]).await;
    assert!(
        r.ok().child("unassignedIpv6PrefixSet").is_some(),
        "{}",
        r.body
    );
    n.check().await;
    // Reusable at once, by another interface, including an address inside the freed /80.
    let inside_q = v6_in(block, (5u128 << 48) + 1);
    assign6(
        &n,
        &b,
        &[
            ("Ipv6Addresses.1", &x),
            ("Ipv6Addresses.2", &y),
            ("Ipv6Addresses.3", &inside_q),
        ],
    )
    .await
    .ok();
    n.check().await;
}

#[tokio::test]
async fn unassign_ipv6_refuses_the_primary_and_what_the_interface_does_not_hold() {
    let n = seed_world().await;
    let block = n.ipv6.unwrap();
    let a = new_eni(
        &n,
        &[("Ipv6AddressCount", "2"), ("EnablePrimaryIpv6", "true")],
    )
    .await;
    let b = new_eni(&n, &[("PrivateIpAddress", "10.0.2.11")]).await;
    let d = n.describe_one(&a).await;
    let primary6 = d.get("ipv6Address");
    let other6 = v6s(&d)
        .into_iter()
        .map(|a| a.to_string())
        .find(|a| *a != primary6)
        .unwrap();
    let before = snapshot(&n).await;
    // The reference: a primary IPv6 address stays until the interface is detached (here,
    // deleted).
    let msg = unassign6(&n, &a, &[("Ipv6Addresses.1", &primary6)])
        .await
        .err400("InvalidParameterValue");
    assert!(msg.contains("primary"), "{msg}");
    let msg = unassign6(&n, &b, &[("Ipv6Addresses.1", &other6)])
        .await
        .err400("InvalidParameterValue");
    assert_eq!(
        msg,
        format!("Some of the specified addresses are not assigned to interface {b}")
    );
    unassign6(&n, &b, &[("Ipv6Prefix.1", &p80(block, 2))])
        .await
        .err400("InvalidParameterValue");
    // All or nothing.
    unassign6(
        &n,
        &a,
        &[
            ("Ipv6Addresses.1", &other6),
            ("Ipv6Addresses.2", &v6_in(block, 0xabc)),
        ],
    )
    .await
    .err400("InvalidParameterValue");
    unassign6(&n, &a, &[]).await.err400("MissingParameter");
    unassign6(&n, &a, &[("Ipv6Addresses.1", "nope")])
        .await
        .err400("InvalidParameterValue");
    unassign6(&n, &a, &[("Ipv6Prefix.1", &block.to_string())])
        .await
        .err400("InvalidParameterValue");
    unassign6(&n, &a, &[("Ipv6AddressCount", "1")])
        .await
        .err400("UnknownParameter");
    assert_eq!(snapshot(&n).await, before);
    unassign6(&n, &a, &[("Ipv6Addresses.1", &other6)])
        .await
        .ok();
    n.check().await;
}

// --- limits ------------------------------------------------------------------------------------

/// The limit this code enforces, and why.
///
/// The EC2 docs give the number of private IPv4 addresses (and, equally, of IPv6 addresses)
/// per network interface for each instance type, from 2 (t2.nano) up to 50 (the largest types:
/// c5.24xlarge, m5.24xlarge, ...), and count a delegated prefix as one address towards it. An
/// unattached interface has no instance type, and EC2 itself lets such an interface grow
/// until it is attached. So the code bounds every interface at 50 addresses plus prefixes per
/// family — the largest per-interface limit of any type: it never refuses what some instance
/// type would accept, while a request for thousands is refused before anything is taken. The
/// primary address counts, and so does everything the interface already holds.
#[tokio::test]
async fn per_interface_limit_is_fifty_addresses_plus_prefixes_per_family() {
    let n = net(
        "us-west-2",
        "us-west-2a",
        "10.2.0.0/16",
        "10.2.0.0/20",
        true,
    )
    .await;
    // IPv4: primary + 40 secondaries + 9 prefixes = 50.
    let eni = new_eni(&n, &[("SecondaryPrivateIpAddressCount", "30")]).await;
    assign(&n, &eni, &[("SecondaryPrivateIpAddressCount", "10")])
        .await
        .ok();
    assign(&n, &eni, &[("Ipv4PrefixCount", "9")]).await.ok();
    let before = snapshot(&n).await;
    for params in [
        vec![("SecondaryPrivateIpAddressCount", "1")],
        vec![("Ipv4PrefixCount", "1")],
        vec![("PrivateIpAddress.1", "10.2.15.200")],
        vec![("Ipv4Prefix.1", "10.2.15.0/28")],
        vec![("SecondaryPrivateIpAddressCount", "9223372036854775807")],
    ] {
        let msg = assign(&n, &eni, &params)
            .await
            .err400("PrivateIpAddressLimitExceeded");
        assert_eq!(msg, "Number of private addresses will exceed limit.");
    }
    assert_eq!(snapshot(&n).await, before);
    // Moving an address in counts too; moving an address it already holds does not.
    let other = new_eni(&n, &[("SecondaryPrivateIpAddressCount", "1")]).await;
    let movable = secondaries(&n.describe_one(&other).await)[0].to_string();
    assign(
        &n,
        &eni,
        &[
            ("PrivateIpAddress.1", &movable),
            ("AllowReassignment", "true"),
        ],
    )
    .await
    .err400("PrivateIpAddressLimitExceeded");
    let own = secondaries(&n.describe_one(&eni).await)[0].to_string();
    assign(
        &n,
        &eni,
        &[("PrivateIpAddress.1", &own), ("AllowReassignment", "true")],
    )
    .await
    .ok();
    // Releasing one makes room for one.
    unassign(&n, &eni, &[("PrivateIpAddress.1", &own)])
        .await
        .ok();
    assign(&n, &eni, &[("Ipv4PrefixCount", "2")])
        .await
        .err400("PrivateIpAddressLimitExceeded");
    assign(&n, &eni, &[("Ipv4PrefixCount", "1")]).await.ok();
    let d = n.describe_one(&eni).await;
    assert_eq!(v4s(&d).len() + prefixes4(&d).len(), 50);
    n.check().await;

    // IPv6: 45 addresses + 5 prefixes = 50; the IPv4 limit does not affect it.
    let r = assign6(&n, &eni, &[("Ipv6AddressCount", "45")]).await;
    r.ok();
    assign6(&n, &eni, &[("Ipv6PrefixCount", "5")]).await.ok();
    let block = n.ipv6.unwrap();
    let (x, p) = (v6_in(block, 0xfff0), p80(block, 0x300));
    for params in [
        vec![("Ipv6AddressCount", "1")],
        vec![("Ipv6PrefixCount", "1")],
        vec![("Ipv6Addresses.1", x.as_str())],
        vec![("Ipv6Prefix.1", p.as_str())],
        vec![("Ipv6AddressCount", "9223372036854775807")],
    ] {
        let msg = assign6(&n, &eni, &params)
            .await
            .err400("InvalidParameterValue");
        assert!(msg.contains("exceed the limit of 50"), "{msg}");
    }
    let first = v6s(&n.describe_one(&eni).await)[0].to_string();
    unassign6(&n, &eni, &[("Ipv6Addresses.1", &first)])
        .await
        .ok();
    assign6(&n, &eni, &[("Ipv6AddressCount", "1")]).await.ok();
    // A fresh interface may take 50 at once, but not 51.
    let fresh = new_eni(&n, &[]).await;
    assign6(&n, &fresh, &[("Ipv6AddressCount", "51")])
        .await
        .err400("InvalidParameterValue");
    assign6(&n, &fresh, &[("Ipv6AddressCount", "50")])
        .await
        .ok();
    assign(&n, &fresh, &[("SecondaryPrivateIpAddressCount", "50")])
        .await
        .err400("PrivateIpAddressLimitExceeded");
    assign(&n, &fresh, &[("SecondaryPrivateIpAddressCount", "49")])
        .await
        .ok();
    n.check().await;
}

// --- efa-only, IDs, DryRun ---------------------------------------------------------------------

#[tokio::test]
async fn efa_only_interfaces_get_no_addresses() {
    let n = seed_world().await;
    let block = n.ipv6.unwrap();
    let eni = new_eni(&n, &[("InterfaceType", "efa-only")]).await;
    let before = snapshot(&n).await;
    for params in [
        vec![("SecondaryPrivateIpAddressCount", "1")],
        vec![("PrivateIpAddress.1", "10.0.2.50")],
        vec![("Ipv4PrefixCount", "1")],
        vec![("Ipv4Prefix.1", "10.0.2.64/28")],
    ] {
        let msg = assign(&n, &eni, &params)
            .await
            .err400("InvalidParameterValue");
        assert!(msg.contains("EFA-only"), "{msg}");
    }
    let x = v6_in(block, 0x42);
    let p = p80(block, 1);
    for params in [
        vec![("Ipv6AddressCount", "1")],
        vec![("Ipv6Addresses.1", x.as_str())],
        vec![("Ipv6PrefixCount", "1")],
        vec![("Ipv6Prefix.1", p.as_str())],
    ] {
        let msg = assign6(&n, &eni, &params)
            .await
            .err400("InvalidParameterValue");
        assert!(msg.contains("EFA-only"), "{msg}");
    }
    // It holds nothing, so there is nothing to unassign.
    unassign(&n, &eni, &[("PrivateIpAddress.1", "10.0.2.50")])
        .await
        .err400("InvalidParameterValue");
    assert_eq!(snapshot(&n).await, before);
    n.check().await;
}

#[tokio::test]
async fn interface_id_missing_malformed_or_unknown_on_every_action() {
    let n = seed_world().await;
    let block = n.ipv6.unwrap();
    let x = v6_in(block, 0x42);
    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "AssignPrivateIpAddresses",
            vec![("SecondaryPrivateIpAddressCount", "1")],
        ),
        (
            "UnassignPrivateIpAddresses",
            vec![("PrivateIpAddress.1", "10.0.2.50")],
        ),
        ("AssignIpv6Addresses", vec![("Ipv6AddressCount", "1")]),
        (
            "UnassignIpv6Addresses",
            vec![("Ipv6Addresses.1", x.as_str())],
        ),
    ];
    let before = snapshot(&n).await;
    for (action, params) in &calls {
        let msg = on(&n, action, "eni-0123456789abcdef0", params)
            .await
            .err400("InvalidNetworkInterfaceID.NotFound");
        assert_eq!(
            msg,
            "The networkInterface ID 'eni-0123456789abcdef0' does not exist"
        );
        for bad in ["eni-nope", "", "subnet-0123456789abcdef0"] {
            on(&n, action, bad, params)
                .await
                .err400("InvalidNetworkInterfaceId.Malformed");
        }
        n.call(action, params).await.err400("MissingParameter");
        // Even a dry run looks the interface up.
        let mut dry = params.clone();
        dry.push(("DryRun", "true"));
        on(&n, action, "eni-0123456789abcdef0", &dry)
            .await
            .err400("InvalidNetworkInterfaceID.NotFound");
        let mut unknown = params.clone();
        unknown.push(("Bogus", "1"));
        on(&n, action, "eni-0123456789abcdef0", &unknown)
            .await
            .err400("UnknownParameter");
    }
    // An interface of another region does not exist here.
    let eni = new_eni(&n, &[("PrivateIpAddress", "10.0.2.11")]).await;
    let r =
        n.s.call_as(
            crate::support::KEY,
            "us-east-1",
            "AssignPrivateIpAddresses",
            &[
                ("NetworkInterfaceId", &eni),
                ("SecondaryPrivateIpAddressCount", "1"),
            ],
        )
        .await;
    r.err400("InvalidNetworkInterfaceID.NotFound");
    assert_eq!(snapshot(&n).await.1, before.1 - 1);
}

/// One call: action, interface ID, the other parameters.
type Case<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>);

#[tokio::test]
async fn dry_run_checks_everything_and_changes_nothing_on_all_four() {
    let n = seed_world().await;
    let block = n.ipv6.unwrap();
    let a = new_eni(&n, &[("PrivateIpAddress", "10.0.2.11")]).await;
    let b = new_eni(&n, &[("PrivateIpAddress", "10.0.2.12")]).await;
    assign(&n, &a, &[("PrivateIpAddress.1", "10.0.2.20")])
        .await
        .ok();
    assign(&n, &a, &[("Ipv4Prefix.1", "10.0.2.64/28")])
        .await
        .ok();
    let x = v6_in(block, 0x10);
    let p = p80(block, 6);
    assign6(
        &n,
        &a,
        &[
            ("Ipv6Addresses.1", &x),
            ("Ipv6Addresses.2", &v6_in(block, 0x11)),
        ],
    )
    .await
    .ok();
    assign6(&n, &a, &[("Ipv6Prefix.1", &p)]).await.ok();
    let before = snapshot(&n).await;

    let succeeding: Vec<Case> = vec![
        (
            "AssignPrivateIpAddresses",
            b.as_str(),
            vec![("SecondaryPrivateIpAddressCount", "3")],
        ),
        (
            "AssignPrivateIpAddresses",
            b.as_str(),
            vec![("Ipv4PrefixCount", "2")],
        ),
        (
            "AssignPrivateIpAddresses",
            b.as_str(),
            vec![("PrivateIpAddress.1", "10.0.2.30")],
        ),
        // A move that would succeed: still nothing moves.
        (
            "AssignPrivateIpAddresses",
            b.as_str(),
            vec![
                ("PrivateIpAddress.1", "10.0.2.20"),
                ("AllowReassignment", "true"),
            ],
        ),
        (
            "UnassignPrivateIpAddresses",
            a.as_str(),
            vec![
                ("PrivateIpAddress.1", "10.0.2.20"),
                ("Ipv4Prefix.1", "10.0.2.64/28"),
            ],
        ),
        (
            "AssignIpv6Addresses",
            b.as_str(),
            vec![("Ipv6AddressCount", "2")],
        ),
        (
            "AssignIpv6Addresses",
            b.as_str(),
            vec![("Ipv6PrefixCount", "1")],
        ),
        (
            "UnassignIpv6Addresses",
            a.as_str(),
            vec![
                ("Ipv6Addresses.1", x.as_str()),
                ("Ipv6Prefix.1", p.as_str()),
            ],
        ),
    ];
    for (action, eni, params) in &succeeding {
        let mut all = params.clone();
        all.push(("DryRun", "true"));
        let msg = on(&n, action, eni, &all).await.err("DryRunOperation", 412);
        assert_eq!(msg, "Request would have succeeded, but DryRun flag is set.");
        assert_eq!(snapshot(&n).await, before, "{action} {params:?}");
    }
    // A dry run of a failing request answers the failure, not DryRunOperation.
    let failing: Vec<(Case, &str)> = vec![
        (
            (
                "AssignPrivateIpAddresses",
                b.as_str(),
                vec![("PrivateIpAddress.1", "10.0.2.20")],
            ),
            "InvalidParameterValue",
        ),
        (
            (
                "AssignPrivateIpAddresses",
                b.as_str(),
                vec![("SecondaryPrivateIpAddressCount", "51")],
            ),
            "PrivateIpAddressLimitExceeded",
        ),
        (
            (
                "AssignPrivateIpAddresses",
                b.as_str(),
                vec![("Ipv4PrefixCount", "20")],
            ),
            "InsufficientFreeAddressesInSubnet",
        ),
        (
            (
                "AssignPrivateIpAddresses",
                b.as_str(),
                vec![
                    ("SecondaryPrivateIpAddressCount", "1"),
                    ("Ipv4PrefixCount", "1"),
                ],
            ),
            "InvalidParameterCombination",
        ),
        (
            (
                "UnassignPrivateIpAddresses",
                b.as_str(),
                vec![("PrivateIpAddress.1", "10.0.2.20")],
            ),
            "InvalidParameterValue",
        ),
        (
            (
                "AssignIpv6Addresses",
                b.as_str(),
                vec![("Ipv6Addresses.1", x.as_str())],
            ),
            "InvalidIPAddress.InUse",
        ),
        (
            (
                "UnassignIpv6Addresses",
                b.as_str(),
                vec![("Ipv6Addresses.1", x.as_str())],
            ),
            "InvalidParameterValue",
        ),
        (
            ("UnassignIpv6Addresses", a.as_str(), vec![("DryRun", "yes")]),
            "InvalidParameterValue",
        ),
    ];
    for ((action, eni, params), code) in &failing {
        let mut all = params.clone();
        if !params.iter().any(|(k, _)| *k == "DryRun") {
            all.push(("DryRun", "true"));
        }
        on(&n, action, eni, &all).await.err400(code);
    }
    assert_eq!(snapshot(&n).await, before);
    // DryRun=false is an ordinary call.
    assign(
        &n,
        &b,
        &[("SecondaryPrivateIpAddressCount", "1"), ("DryRun", "false")],
    )
    .await
    .ok();
    n.check().await;
}

// --- invariants across sequences -----------------------------------------------------------------

#[tokio::test]
async fn address_invariants_hold_across_assign_unassign_move_and_delete() {
    let n = net(
        "eu-west-1",
        "eu-west-1a",
        "10.0.0.0/16",
        "10.0.8.0/25",
        true,
    )
    .await;
    let mut live: Vec<String> = Vec::new();
    for _ in 0..4 {
        live.push(new_eni(&n, &[("SecondaryPrivateIpAddressCount", "2")]).await);
    }
    n.check().await;
    for round in 0..6usize {
        let (i, j) = (round % live.len(), (round + 1) % live.len());
        let (a, b) = (live[i].clone(), live[j].clone());
        // Assign by count, by prefix, and IPv6; some of these fail once the /25 fills up.
        let _ = assign(&n, &a, &[("SecondaryPrivateIpAddressCount", "3")]).await;
        n.check().await;
        let _ = assign(&n, &b, &[("Ipv4PrefixCount", "1")]).await;
        n.check().await;
        let _ = assign6(&n, &a, &[("Ipv6AddressCount", "2")]).await;
        let _ = assign6(&n, &b, &[("Ipv6PrefixCount", "1")]).await;
        n.check().await;
        // Move a secondary of a to b.
        let da = n.describe_one(&a).await;
        if let Some(s) = secondaries(&da).first() {
            let s = s.to_string();
            assign(
                &n,
                &b,
                &[("PrivateIpAddress.1", &s), ("AllowReassignment", "true")],
            )
            .await
            .ok();
            n.check().await;
            // And release it, then take it back explicitly on a.
            unassign(&n, &b, &[("PrivateIpAddress.1", &s)]).await.ok();
            n.check().await;
            assign(&n, &a, &[("PrivateIpAddress.1", &s)]).await.ok();
            n.check().await;
        }
        // Release a prefix of b and an IPv6 address of a.
        let db = n.describe_one(&b).await;
        if let Some(p) = prefixes4(&db).first() {
            unassign(&n, &b, &[("Ipv4Prefix.1", &p.to_string())])
                .await
                .ok();
            n.check().await;
        }
        if let Some(x) = v6s(&n.describe_one(&a).await).first() {
            unassign6(&n, &a, &[("Ipv6Addresses.1", &x.to_string())])
                .await
                .ok();
            n.check().await;
        }
        // Replace one interface every other round.
        if round % 2 == 1 {
            n.delete(&live[i]).await.ok();
            n.check().await;
            live[i] = new_eni(&n, &[]).await;
            n.check().await;
        }
    }
    for eni in live {
        n.delete(&eni).await.ok();
    }
    n.check().await;
    assert_eq!(n.available(&n.subnet).await, 123);
}
