//! Small readers of reply documents (an interface's addresses, a list's items), format
//! checks (IDs, MACs, UUIDs, DNS names) and request-table builders.

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{Ipv4Net, Ipv6Net};

use super::{Node, Reply};

#[track_caller]
pub fn eni_of(r: &Reply) -> Node {
    r.ok()
        .child("networkInterface")
        .unwrap_or_else(|| panic!("no networkInterface: {}", r.body))
        .clone()
}

#[track_caller]
pub fn items_of(r: &Reply) -> Vec<Node> {
    let set = r
        .ok()
        .child("networkInterfaceSet")
        .unwrap_or_else(|| panic!("no networkInterfaceSet: {}", r.body));
    set.children
        .iter()
        .filter(|c| c.name == "item")
        .cloned()
        .collect()
}

pub fn id(eni: &Node) -> String {
    eni.get("networkInterfaceId")
}

/// The private IPv4 addresses of `privateIpAddressesSet`, primary first.
pub fn v4s(eni: &Node) -> Vec<Ipv4Addr> {
    list(eni, "privateIpAddressesSet")
        .iter()
        .map(|i| i.get("privateIpAddress").parse().unwrap())
        .collect()
}

pub fn v6s(eni: &Node) -> Vec<Ipv6Addr> {
    list(eni, "ipv6AddressesSet")
        .iter()
        .map(|i| i.get("ipv6Address").parse().unwrap())
        .collect()
}

pub fn prefixes4(eni: &Node) -> Vec<Ipv4Net> {
    list(eni, "ipv4PrefixSet")
        .iter()
        .map(|i| i.get("ipv4Prefix").parse().unwrap())
        .collect()
}

pub fn prefixes6(eni: &Node) -> Vec<Ipv6Net> {
    list(eni, "ipv6PrefixSet")
        .iter()
        .map(|i| i.get("ipv6Prefix").parse().unwrap())
        .collect()
}

/// The `<item>`s of a direct child list (empty when the list is `<x/>`).
#[track_caller]
pub fn list<'a>(eni: &'a Node, name: &str) -> Vec<&'a Node> {
    eni.child(name)
        .unwrap_or_else(|| panic!("no <{name}> in {eni:#?}"))
        .children
        .iter()
        .filter(|c| c.name == "item")
        .collect()
}

/// `{prefix}-` followed by exactly 17 lowercase hex digits.
pub fn is_long_id(value: &str, prefix: &str) -> bool {
    value
        .strip_prefix(prefix)
        .and_then(|r| r.strip_prefix('-'))
        .is_some_and(|h| h.len() == 17 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

/// `02:xx:xx:xx:xx:xx` in lowercase hex (a locally administered unicast MAC, as EC2's are).
pub fn is_mac(value: &str) -> bool {
    let parts: Vec<&str> = value.split(':').collect();
    parts.len() == 6
        && parts[0] == "02"
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

/// A canonical lowercase UUID (8-4-4-4-12).
pub fn is_uuid(value: &str) -> bool {
    let groups: Vec<&str> = value.split('-').collect();
    groups.len() == 5
        && groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

/// Inside the subnet and not one of its five reserved addresses.
pub fn usable(ip: Ipv4Addr, cidr: Ipv4Net) -> bool {
    let off = u32::from(ip).wrapping_sub(u32::from(cidr.network()));
    cidr.contains(&ip) && off >= 4 && ip != cidr.broadcast()
}

/// EC2's private DNS name, written out independently of the server's code.
pub fn dns_name(region: &str, ip: Ipv4Addr) -> String {
    let dashed = ip.to_string().replace('.', "-");
    if region == "us-east-1" {
        format!("ip-{dashed}.ec2.internal")
    } else {
        format!("ip-{dashed}.{region}.compute.internal")
    }
}

pub fn filter_params(filters: &[(&str, &[&str])]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, (name, values)) in filters.iter().enumerate() {
        out.push((format!("Filter.{}.Name", i + 1), (*name).to_owned()));
        for (j, v) in values.iter().enumerate() {
            out.push((format!("Filter.{}.Value.{}", i + 1, j + 1), (*v).to_owned()));
        }
    }
    out
}

pub fn refs(owned: &[(String, String)]) -> Vec<(&str, &str)> {
    owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}
