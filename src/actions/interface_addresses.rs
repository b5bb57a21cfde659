//! AssignPrivateIpAddresses, UnassignPrivateIpAddresses, AssignIpv6Addresses and
//! UnassignIpv6Addresses: the parameter rules of the API reference, checked before the model.
//!
//! None of the four has `DryRun` in the botocore model, so no SDK sends it; it is accepted
//! anyway because every mutating action of this server honours it the same way.

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{Ipv4Net, Ipv6Net};

use crate::actions::common::{count, no_repeats, parse_all, write_return};
use crate::actions::{Action, Call, Write};
use crate::error::{Ec2Error, Ec2Result};
use crate::model::allocator::{IPV4_PREFIX_LEN, IPV6_PREFIX_LEN};
use crate::model::interface_addresses::{AddressSet, Ipv6Assignment, PrivateIpAssignment};
use crate::model::World;
use crate::values::{delegated_prefix, ipv4_address, ipv6_address};
use crate::wire::xml::XmlWriter;

pub struct AssignPrivateIpAddresses {
    id: String,
    request: PrivateIpAssignment,
}

/// What an Assign call took, for its reply.
pub struct Assigned<A, P> {
    id: String,
    done: AddressSet<A, P>,
}

impl Action for AssignPrivateIpAddresses {
    type Output = Assigned<Ipv4Addr, Ipv4Net>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let id = p.required_string("NetworkInterfaceId")?;
        let request = PrivateIpAssignment {
            addresses: parse_all(&p, "PrivateIpAddress", ipv4_address)?,
            count: count(&p, "SecondaryPrivateIpAddressCount")?,
            prefixes: parse_all(&p, "Ipv4Prefix", |v| delegated_prefix(v, IPV4_PREFIX_LEN))?,
            prefix_count: count(&p, "Ipv4PrefixCount")?,
            allow_reassignment: p.bool("AllowReassignment")?.unwrap_or(false),
        };
        call.finish()?;
        check_private_ip_assignment(&request)?;
        Ok(AssignPrivateIpAddresses { id, request })
    }

    fn render(out: &Self::Output, w: &mut XmlWriter) {
        w.text("networkInterfaceId", &out.id);
        w.list(
            "assignedPrivateIpAddressesSet",
            &out.done.addresses,
            |w, ip| {
                w.text("privateIpAddress", ip);
            },
        );
        w.list("assignedIpv4PrefixSet", &out.done.prefixes, |w, p| {
            w.text("ipv4Prefix", p);
        });
    }
}

impl Write for AssignPrivateIpAddresses {
    fn write(self, world: &mut World) -> Ec2Result<Self::Output> {
        let done = world.assign_private_ip_addresses(&self.id, &self.request)?;
        Ok(Assigned { id: self.id, done })
    }
}

pub struct UnassignPrivateIpAddresses {
    id: String,
    request: AddressSet<Ipv4Addr, Ipv4Net>,
}

impl Action for UnassignPrivateIpAddresses {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let id = p.required_string("NetworkInterfaceId")?;
        let request = AddressSet {
            addresses: parse_all(&p, "PrivateIpAddress", ipv4_address)?,
            prefixes: parse_all(&p, "Ipv4Prefix", |v| delegated_prefix(v, IPV4_PREFIX_LEN))?,
        };
        call.finish()?;
        check_removal(&request, "PrivateIpAddress or Ipv4Prefix")?;
        Ok(UnassignPrivateIpAddresses { id, request })
    }

    // botocore's output shape is empty, but the API reference's example reply carries this.
    fn render(_: &(), w: &mut XmlWriter) {
        write_return(w);
    }
}

impl Write for UnassignPrivateIpAddresses {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.unassign_private_ip_addresses(&self.id, &self.request)
    }
}

pub struct AssignIpv6Addresses {
    id: String,
    request: Ipv6Assignment,
}

impl Action for AssignIpv6Addresses {
    type Output = Assigned<Ipv6Addr, Ipv6Net>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let id = p.required_string("NetworkInterfaceId")?;
        let request = Ipv6Assignment {
            addresses: parse_all(&p, "Ipv6Addresses", ipv6_address)?,
            count: count(&p, "Ipv6AddressCount")?,
            prefixes: parse_all(&p, "Ipv6Prefix", |v| delegated_prefix(v, IPV6_PREFIX_LEN))?,
            prefix_count: count(&p, "Ipv6PrefixCount")?,
        };
        call.finish()?;
        check_ipv6_assignment(&request)?;
        Ok(AssignIpv6Addresses { id, request })
    }

    fn render(out: &Self::Output, w: &mut XmlWriter) {
        w.string_list("assignedIpv6Addresses", &out.done.addresses);
        w.string_list("assignedIpv6PrefixSet", &out.done.prefixes);
        w.text("networkInterfaceId", &out.id);
    }
}

impl Write for AssignIpv6Addresses {
    fn write(self, world: &mut World) -> Ec2Result<Self::Output> {
        let done = world.assign_ipv6_addresses(&self.id, &self.request)?;
        Ok(Assigned { id: self.id, done })
    }
}

pub struct UnassignIpv6Addresses {
    id: String,
    request: AddressSet<Ipv6Addr, Ipv6Net>,
}

impl Action for UnassignIpv6Addresses {
    type Output = Assigned<Ipv6Addr, Ipv6Net>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let id = p.required_string("NetworkInterfaceId")?;
        let request = AddressSet {
            addresses: parse_all(&p, "Ipv6Addresses", ipv6_address)?,
            prefixes: parse_all(&p, "Ipv6Prefix", |v| delegated_prefix(v, IPV6_PREFIX_LEN))?,
        };
        call.finish()?;
        check_removal(&request, "Ipv6Addresses or Ipv6Prefix")?;
        Ok(UnassignIpv6Addresses { id, request })
    }

    fn render(out: &Self::Output, w: &mut XmlWriter) {
        w.text("networkInterfaceId", &out.id);
        w.string_list("unassignedIpv6Addresses", &out.done.addresses);
        w.string_list("unassignedIpv6PrefixSet", &out.done.prefixes);
    }
}

impl Write for UnassignIpv6Addresses {
    fn write(self, world: &mut World) -> Ec2Result<Self::Output> {
        world.unassign_ipv6_addresses(&self.id, &self.request)?;
        Ok(Assigned {
            id: self.id,
            done: self.request,
        })
    }
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
