//! The API reference's four CreateNetworkInterface examples, replayed through HTTP from
//! `fixtures/create_network_interface/` and compared with the sample responses element by
//! element.
//!
//! How elements compare:
//! - **Structure.** Every element of the fixture is in the reply, with the same nesting and in
//!   the same relative order; lists have the same number of items. The reply may carry more
//!   elements only from `ALLOWED_EXTRA` below.
//! - **By format.** IDs (`networkInterfaceId` eni- + 17 hex, `subnetId`, `vpcId`, `groupId`,
//!   which must also be the world's subnet, VPC and default group), `macAddress`
//!   (`02:xx:xx:xx:xx:xx`), `requestId` (a UUID), `ownerId` (12 digits): the sample's values are
//!   another account's resources, in the old 8-digit ID form.
//! - **By value.** Whatever the request determines: explicit addresses, `primary` flags,
//!   `groupName` default, `description`, `sourceDestCheck`, `requesterManaged`, the zone
//!   ap-southeast-1b, and every `privateDnsName`, which must be the region form of the address
//!   actually beside it.
//! - **By property.** Addresses EC2 chooses: inside 10.0.2.0/24, not reserved, all distinct,
//!   as many as in the sample; IPv6 addresses inside the subnet's /64.
//! - `status`: `pending` or `available` (the reference shows both).

use std::collections::HashSet;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::support::Node;
use crate::support::{dns_name, is_long_id, is_mac, is_uuid, seed_world, usable, Net, ACCOUNT};

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/create_network_interface"
);

/// Elements the reply may have that the samples (written in 2016) do not show. Each is part
/// of today's `NetworkInterface` shape (`ec2-api CreateNetworkInterface`):
/// - `availabilityZoneId`: added to the shape with zone IDs;
/// - `privateDnsName`: Examples 2–4 omit it, Example 1 shows it on the interface and on each
///   `privateIpAddressesSet` item; EC2 sends it whenever there is a private address;
/// - `ipv4PrefixSet`, `ipv6PrefixSet`: prefix delegation, newer than the samples (empty here);
/// - `interfaceType`: always sent by EC2 today (`interface` here);
/// - `ipv6Native`: sent for every interface (false here);
/// - `operator`: the managed-resource block (`managed` false here);
/// - `isPrimaryIpv6`: on each `ipv6AddressesSet` item (false here: nothing asked for it);
/// - `ipv6Address`: the interface's (first) IPv6 address, as the CLI reference's outputs show
///   it on every interface that has one;
/// - `requesterId`: the principal that made the interface (the account's root user here).
const ALLOWED_EXTRA: &[&str] = &[
    "ipv6Address",
    "requesterId",
    "availabilityZoneId",
    "privateDnsName",
    "ipv4PrefixSet",
    "ipv6PrefixSet",
    "interfaceType",
    "ipv6Native",
    "operator",
    "isPrimaryIpv6",
];

/// One request file: `Key=Value` lines; `{subnet}` replaced.
fn read_request(n: usize, subnet: &str) -> Vec<(String, String)> {
    let path = format!("{FIXTURES}/example{n}.request");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (k, v) = l.split_once('=').unwrap_or_else(|| panic!("{path}: {l}"));
            (k.to_owned(), v.replace("{subnet}", subnet))
        })
        .collect()
}

fn read_response(n: usize) -> Node {
    let path = format!("{FIXTURES}/example{n}.response.xml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Node::parse(&text)
}

/// What the comparison needs to know about the world and the request.
struct Ctx<'a> {
    net: &'a Net,
    /// Addresses the request names: compared by value.
    explicit: HashSet<String>,
    /// Automatically chosen addresses seen so far: must be distinct.
    chosen4: Vec<Ipv4Addr>,
    chosen6: Vec<Ipv6Addr>,
}

fn compare(ctx: &mut Ctx<'_>, path: &str, want: &Node, got: &Node) {
    assert_eq!(want.name, got.name, "{path}");
    let here = format!("{path}/{}", want.name);
    if want.children.is_empty() && got.children.is_empty() {
        compare_value(ctx, &here, &want.name, want.text.trim(), got.text.trim());
        return;
    }
    let is_list = want.children.iter().all(|c| c.name == "item")
        && got.children.iter().all(|c| c.name == "item");
    if is_list && (!want.children.is_empty() || !got.children.is_empty()) {
        assert_eq!(
            want.children.len(),
            got.children.len(),
            "{here}: item count"
        );
        for (i, (w, g)) in want.children.iter().zip(&got.children).enumerate() {
            compare_item(ctx, &format!("{here}[{i}]"), w, g);
        }
        return;
    }
    compare_item(ctx, path, want, got);
}

/// Compares the children of two elements of the same name: each wanted child present, in
/// order; extras only from the allow-list.
fn compare_item(ctx: &mut Ctx<'_>, here: &str, want: &Node, got: &Node) {
    let mut cursor = 0;
    for w in &want.children {
        let pos = got.children[cursor..]
            .iter()
            .position(|g| g.name == w.name)
            .map(|p| p + cursor)
            .unwrap_or_else(|| panic!("{here}: <{}> missing or out of order in {got:#?}", w.name));
        compare(ctx, here, w, &got.children[pos]);
        cursor = pos + 1;
    }
    for g in &got.children {
        if !want.children.iter().any(|w| w.name == g.name) {
            assert!(
                ALLOWED_EXTRA.contains(&g.name.as_str()),
                "{here}: unexpected <{}>",
                g.name
            );
            check_extra(ctx, here, g, got);
        }
    }
    // The interface's primary address is the primary item's address.
    if want.name == "networkInterface" {
        let primary: Vec<String> = got
            .child("privateIpAddressesSet")
            .map(|s| {
                s.children
                    .iter()
                    .filter(|i| i.get("primary") == "true")
                    .map(|i| i.get("privateIpAddress"))
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(
            primary,
            vec![got.get("privateIpAddress")],
            "{here}: primary"
        );
    }
}

/// Values of elements the samples do not show.
fn check_extra(ctx: &mut Ctx<'_>, here: &str, extra: &Node, parent: &Node) {
    let region = ctx.net.region.as_str();
    match extra.name.as_str() {
        "availabilityZoneId" => assert_eq!(extra.text, "apse1-az2", "{here}"),
        "privateDnsName" => {
            let ip: Ipv4Addr = parent.get("privateIpAddress").parse().unwrap();
            assert_eq!(extra.text, dns_name(region, ip), "{here}");
        }
        "ipv4PrefixSet" | "ipv6PrefixSet" => assert!(extra.children.is_empty(), "{here}"),
        "interfaceType" => assert_eq!(extra.text, "interface", "{here}"),
        "ipv6Native" | "isPrimaryIpv6" => assert_eq!(extra.text, "false", "{here}"),
        "operator" => assert_eq!(extra.get("managed"), "false", "{here}"),
        "ipv6Address" => {
            let first = parent
                .child("ipv6AddressesSet")
                .and_then(|set| set.children.first())
                .map(|item| item.get("ipv6Address"));
            assert_eq!(Some(extra.text.as_str()), first.as_deref(), "{here}");
        }
        "requesterId" => assert_eq!(extra.text, ACCOUNT, "{here}"),
        other => panic!("{here}: no rule for <{other}>"),
    }
}

fn compare_value(ctx: &mut Ctx<'_>, here: &str, name: &str, want: &str, got: &str) {
    let net = ctx.net;
    match name {
        "requestId" => assert!(is_uuid(got), "{here}: {got}"),
        "networkInterfaceId" => assert!(is_long_id(got, "eni"), "{here}: {got}"),
        "subnetId" => {
            assert!(is_long_id(got, "subnet"), "{here}: {got}");
            assert_eq!(got, net.subnet, "{here}");
        }
        "vpcId" => {
            assert!(is_long_id(got, "vpc"), "{here}: {got}");
            assert_eq!(got, net.vpc, "{here}");
        }
        "groupId" => {
            assert!(is_long_id(got, "sg"), "{here}: {got}");
            assert_eq!(got, net.default_sg, "{here}");
        }
        "macAddress" => {
            assert!(is_mac(want), "fixture MAC {want}");
            assert!(is_mac(got), "{here}: {got}");
        }
        "ownerId" => {
            assert!(
                got.len() == 12 && got.bytes().all(|b| b.is_ascii_digit()),
                "{here}"
            );
            assert_eq!(got, ACCOUNT, "{here}: the caller's account");
        }
        "status" => assert!(got == "pending" || got == "available", "{here}: {got}"),
        "privateIpAddress" => {
            let ip: Ipv4Addr = got.parse().unwrap_or_else(|_| panic!("{here}: {got}"));
            if ctx.explicit.contains(want) {
                assert_eq!(got, want, "{here}: explicit address");
            } else {
                assert!(
                    usable(ip, net.cidr),
                    "{here}: {ip} not usable in {}",
                    net.cidr
                );
                assert!(
                    !ctx.explicit.contains(got),
                    "{here}: {got} was asked for elsewhere"
                );
                if !ctx.chosen4.contains(&ip) {
                    ctx.chosen4.push(ip);
                }
            }
        }
        "privateDnsName" => {
            // Same form as the sample, for the address actually beside it.
            let ip: Ipv4Addr = want
                .strip_prefix("ip-")
                .and_then(|r| r.split('.').next())
                .map(|d| d.replace('-', "."))
                .and_then(|d| d.parse().ok())
                .unwrap_or_else(|| panic!("fixture DNS name {want}"));
            assert_eq!(want, dns_name("ap-southeast-1", ip), "fixture form");
            let _ = got;
        }
        "ipv6Address" => {
            let ip: Ipv6Addr = got.parse().unwrap_or_else(|_| panic!("{here}: {got}"));
            if ctx.explicit.contains(want) {
                assert_eq!(got, want, "{here}");
            } else {
                let block = net.ipv6.expect("subnet /64");
                assert!(block.contains(&ip), "{here}: {ip} not in {block}");
                assert!(!ctx.chosen6.contains(&ip), "{here}: {ip} twice");
                ctx.chosen6.push(ip);
            }
        }
        // Everything else is determined by the request: compared by value.
        _ => assert_eq!(got, want, "{here}"),
    }
}

/// The DNS names are compared where their parent is known: each must be the region form of
/// the address beside it.
fn check_dns_names(net: &Net, node: &Node) {
    if let Some(dns) = node.child("privateDnsName") {
        let ip: Ipv4Addr = node.get("privateIpAddress").parse().unwrap();
        assert_eq!(dns.text, dns_name(&net.region, ip));
        assert_eq!(
            dns.text,
            format!(
                "ip-{}.ap-southeast-1.compute.internal",
                ip.to_string().replace('.', "-")
            )
        );
    }
    for c in &node.children {
        check_dns_names(net, c);
    }
}

async fn replay(n: usize) {
    let net = seed_world().await;
    let request = read_request(n, &net.subnet);
    let (action, params): (Vec<_>, Vec<_>) = request.iter().partition(|(k, _)| k == "Action");
    assert_eq!(action.len(), 1);
    assert_eq!(action[0].1, "CreateNetworkInterface");
    let params: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let available_before = net.available(&net.subnet).await;

    let reply = net.call("CreateNetworkInterface", &params).await;
    let got = reply.ok().clone();
    assert!(
        reply.body.contains(
            r#"<CreateNetworkInterfaceResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">"#
        ),
        "{}",
        reply.body
    );
    let want = read_response(n);
    let explicit: HashSet<String> = params
        .iter()
        .filter(|(k, _)| k.ends_with("PrivateIpAddress") || k.ends_with("Ipv6Address"))
        .map(|(_, v)| (*v).to_owned())
        .collect();
    let mut ctx = Ctx {
        net: &net,
        explicit,
        chosen4: Vec::new(),
        chosen6: Vec::new(),
    };
    compare(&mut ctx, "", &want, &got);
    check_dns_names(&net, &got);

    // Automatically chosen addresses: distinct, as many as the sample shows.
    let eni = got.child("networkInterface").unwrap();
    let all4: Vec<String> = eni.all("privateIpAddress");
    let distinct: HashSet<&String> = all4.iter().skip(1).collect();
    assert_eq!(
        distinct.len(),
        all4.len() - 1,
        "addresses distinct: {all4:?}"
    );
    let sample_auto = want
        .all("privateIpAddress")
        .iter()
        .skip(1)
        .filter(|a| !ctx.explicit.contains(*a))
        .collect::<HashSet<_>>()
        .len();
    assert_eq!(
        ctx.chosen4.len(),
        sample_auto,
        "automatically chosen IPv4 count"
    );
    assert_eq!(
        ctx.chosen6.len(),
        want.all("ipv6Address").len(),
        "automatically chosen IPv6 count"
    );
    // The subnet gave exactly the interface's IPv4 addresses.
    let held = all4.len() as u32 - 1;
    assert_eq!(net.available(&net.subnet).await, available_before - held);
    net.check().await;
}

#[tokio::test]
async fn example_1_primary_chosen_by_ec2() {
    replay(1).await;
}

#[tokio::test]
async fn example_2_primary_10_0_2_140_and_four_chosen_secondaries() {
    replay(2).await;
}

#[tokio::test]
async fn example_3_primary_10_0_2_130_and_secondaries_132_133() {
    replay(3).await;
}

#[tokio::test]
async fn example_4_primary_10_0_2_130_and_two_chosen_ipv6_addresses() {
    replay(4).await;
}

#[test]
fn fixtures_are_the_four_examples() {
    for n in 1..=4 {
        let req = read_request(n, "subnet-0123456789abcdef0");
        assert!(req
            .iter()
            .any(|(k, v)| k == "SubnetId" && v == "subnet-0123456789abcdef0"));
        let resp = read_response(n);
        assert_eq!(resp.name, "CreateNetworkInterfaceResponse");
        assert!(resp.child("networkInterface").is_some());
    }
}
