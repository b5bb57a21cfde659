//! AssignPrivateIpAddresses, UnassignPrivateIpAddresses, AssignIpv6Addresses and
//! UnassignIpv6Addresses: the parameter rules of the API reference, checked before the model.
//!
//! None of the four has `DryRun` in the botocore model, so no SDK sends it; it is accepted
//! anyway because every mutating action of this server honours it the same way.

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{Ipv4Net, Ipv6Net};

use crate::actions::common::{dry_run, no_repeats};
use crate::actions::network_interfaces::{count, parse_ipv4, parse_ipv6, parse_prefix};
use crate::actions::Call;
use crate::error::{Ec2Error, Ec2Result};
use crate::model::allocator::{IPV4_PREFIX_LEN, IPV6_PREFIX_LEN};
use crate::model::interface_addresses::{AddressSet, Ipv6Assignment, PrivateIpAssignment};
use crate::model::World;
use crate::wire::params::Scope;

pub fn assign_private_ip_addresses(call: &Call<'_>, world: &mut World) -> Ec2Result<Vec<u8>> {
    let p = call.root();
    let dry = dry_run(&p)?;
    let id = p.required_string("NetworkInterfaceId")?;
    let req = PrivateIpAssignment {
        addresses: parse_all(&p, "PrivateIpAddress", parse_ipv4)?,
        count: count(&p, "SecondaryPrivateIpAddressCount")?,
        prefixes: parse_all(&p, "Ipv4Prefix", |v| parse_prefix(v, IPV4_PREFIX_LEN))?,
        prefix_count: count(&p, "Ipv4PrefixCount")?,
        allow_reassignment: p.bool("AllowReassignment")?.unwrap_or(false),
    };
    call.finish()?;
    check_private_ip_assignment(&req)?;
    let done = world.assign_private_ip_addresses(&id, &req, dry)?;
    Ok(call.reply(|w| {
        w.text("networkInterfaceId", &id);
        w.list("assignedPrivateIpAddressesSet", &done.addresses, |w, ip| {
            w.text("privateIpAddress", ip);
        });
        w.list("assignedIpv4PrefixSet", &done.prefixes, |w, p| {
            w.text("ipv4Prefix", p);
        });
    }))
}

pub fn unassign_private_ip_addresses(call: &Call<'_>, world: &mut World) -> Ec2Result<Vec<u8>> {
    let p = call.root();
    let dry = dry_run(&p)?;
    let id = p.required_string("NetworkInterfaceId")?;
    let req: AddressSet<Ipv4Addr, Ipv4Net> = AddressSet {
        addresses: parse_all(&p, "PrivateIpAddress", parse_ipv4)?,
        prefixes: parse_all(&p, "Ipv4Prefix", |v| parse_prefix(v, IPV4_PREFIX_LEN))?,
    };
    call.finish()?;
    check_removal(&req, "PrivateIpAddress or Ipv4Prefix")?;
    world.unassign_private_ip_addresses(&id, &req, dry)?;
    // botocore's output shape is empty, but the API reference's example reply carries this.
    Ok(call.reply(|w| {
        w.text("return", true);
    }))
}

pub fn assign_ipv6_addresses(call: &Call<'_>, world: &mut World) -> Ec2Result<Vec<u8>> {
    let p = call.root();
    let dry = dry_run(&p)?;
    let id = p.required_string("NetworkInterfaceId")?;
    let req = Ipv6Assignment {
        addresses: parse_all(&p, "Ipv6Addresses", parse_ipv6)?,
        count: count(&p, "Ipv6AddressCount")?,
        prefixes: parse_all(&p, "Ipv6Prefix", |v| parse_prefix(v, IPV6_PREFIX_LEN))?,
        prefix_count: count(&p, "Ipv6PrefixCount")?,
    };
    call.finish()?;
    check_ipv6_assignment(&req)?;
    let done = world.assign_ipv6_addresses(&id, &req, dry)?;
    Ok(call.reply(|w| {
        w.string_list("assignedIpv6Addresses", &done.addresses);
        w.string_list("assignedIpv6PrefixSet", &done.prefixes);
        w.text("networkInterfaceId", &id);
    }))
}

pub fn unassign_ipv6_addresses(call: &Call<'_>, world: &mut World) -> Ec2Result<Vec<u8>> {
    let p = call.root();
    let dry = dry_run(&p)?;
    let id = p.required_string("NetworkInterfaceId")?;
    let req: AddressSet<Ipv6Addr, Ipv6Net> = AddressSet {
        addresses: parse_all(&p, "Ipv6Addresses", parse_ipv6)?,
        prefixes: parse_all(&p, "Ipv6Prefix", |v| parse_prefix(v, IPV6_PREFIX_LEN))?,
    };
    call.finish()?;
    check_removal(&req, "Ipv6Addresses or Ipv6Prefix")?;
    world.unassign_ipv6_addresses(&id, &req, dry)?;
    Ok(call.reply(|w| {
        w.text("networkInterfaceId", &id);
        w.string_list("unassignedIpv6Addresses", &req.addresses);
        w.string_list("unassignedIpv6PrefixSet", &req.prefixes);
    }))
}

/// Every value of the string list `name.N`, each through `parse`.
fn parse_all<T>(
    p: &Scope<'_>,
    name: &str,
    parse: impl Fn(&str) -> Ec2Result<T>,
) -> Ec2Result<Vec<T>> {
    p.string_list(name).iter().map(|v| parse(v)).collect()
}

fn combination<T>(msg: &str) -> Ec2Result<T> {
    Err(Ec2Error::InvalidParameterCombination(msg.into()))
}

/// The reference: "You must specify either the IP addresses or the IP address count", and
/// either the prefixes or the prefix count; as in CreateNetworkInterface, addresses and
/// prefixes do not go together in one request.
fn check_private_ip_assignment(req: &PrivateIpAssignment) -> Ec2Result<()> {
    let wants_addresses = !req.addresses.is_empty() || req.count > 0;
    let wants_prefixes = !req.prefixes.is_empty() || req.prefix_count > 0;
    if !wants_addresses && !wants_prefixes {
        return Err(Ec2Error::MissingParameter(
            "PrivateIpAddress, SecondaryPrivateIpAddressCount, Ipv4Prefix or Ipv4PrefixCount"
                .into(),
        ));
    }
    if !req.addresses.is_empty() && req.count > 0 {
        return combination(
            "You can't specify PrivateIpAddress and SecondaryPrivateIpAddressCount together",
        );
    }
    if !req.prefixes.is_empty() && req.prefix_count > 0 {
        return combination("You can't specify Ipv4Prefix and Ipv4PrefixCount together");
    }
    if wants_addresses && wants_prefixes {
        return combination(
            "You can't specify IPv4 prefixes and secondary private IPv4 addresses together",
        );
    }
    no_repeats(&req.addresses, "private IP address")?;
    no_repeats(&req.prefixes, "IPv4 prefix")
}

/// As CreateNetworkInterface: one way of asking for IPv6 per request.
fn check_ipv6_assignment(req: &Ipv6Assignment) -> Ec2Result<()> {
    let options = [
        !req.addresses.is_empty(),
        req.count > 0,
        !req.prefixes.is_empty(),
        req.prefix_count > 0,
    ];
    match options.iter().filter(|o| **o).count() {
        0 => {
            return Err(Ec2Error::MissingParameter(
                "Ipv6Addresses, Ipv6AddressCount, Ipv6Prefix or Ipv6PrefixCount".into(),
            ))
        }
        1 => {}
        _ => {
            return combination(
                "Only one of Ipv6AddressCount, Ipv6Addresses, Ipv6Prefix and Ipv6PrefixCount can be specified",
            )
        }
    }
    no_repeats(&req.addresses, "IPv6 address")?;
    no_repeats(&req.prefixes, "IPv6 prefix")
}

fn check_removal<A: Ord, P: Ord>(req: &AddressSet<A, P>, names: &str) -> Ec2Result<()> {
    if req.addresses.is_empty() && req.prefixes.is_empty() {
        return Err(Ec2Error::MissingParameter(names.into()));
    }
    no_repeats(&req.addresses, "address")?;
    no_repeats(&req.prefixes, "prefix")
}
