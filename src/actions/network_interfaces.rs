//! CreateNetworkInterface, DescribeNetworkInterfaces, DeleteNetworkInterface.
//!
//! The stateless rules of the API reference (which parameters exclude which, value ranges,
//! formats) are checked here, in `parse_create`, before the model allocates anything.

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{Ipv4Net, Ipv6Net};

use crate::actions::common::{
    count, no_repeats, non_negative, parse_tag_specifications, write_return, write_tag_set,
};
use crate::actions::describe::{Found, Query};
use crate::actions::{Action, Call, Read, Write};
use crate::error::{Ec2Error, Ec2Result};
use crate::kinds::Kind;
use crate::model::allocator::{IPV4_PREFIX_LEN, IPV6_PREFIX_LEN};
use crate::model::clock::iso8601;
use crate::model::ids::format_mac;
use crate::model::interface_addresses::total;
use crate::model::network_interfaces::{
    ConnectionTracking, Created, InterfaceType, InterfaceView, NewNetworkInterface, PublicAddress,
    MAX_IPV4_PER_INTERFACE, MAX_IPV6_PER_INTERFACE,
};
use crate::model::world::private_dns_name;
use crate::model::World;
use crate::values::{check_interface_description, delegated_prefix, ipv4_address, ipv6_address};
use crate::wire::params::Scope;
use crate::wire::xml::XmlWriter;

pub struct CreateNetworkInterface {
    request: NewNetworkInterface,
}

impl Action for CreateNetworkInterface {
    type Output = (Created, InterfaceView);

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let mut request = parse_create(call)?;
        if let Some((token, fingerprint)) = request.client_token.as_mut() {
            if token.len() > 64 {
                return Err(Ec2Error::InvalidParameterValue(
                    "The client token must be at most 64 characters long".into(),
                ));
            }
            *fingerprint = call.fingerprint(&["ClientToken", "DryRun"]);
        }
        Ok(CreateNetworkInterface { request })
    }

    fn render((created, view): &Self::Output, w: &mut XmlWriter) {
        // A retry answered from the client token shows the interface as it is now.
        w.node("networkInterface", |w| {
            write_network_interface(w, view, !created.replayed)
        });
        w.opt("clientToken", created.interface.client_token.as_deref());
    }
}

impl Write for CreateNetworkInterface {
    fn write(self, world: &mut World) -> Ec2Result<Self::Output> {
        let created = world.create_network_interface(self.request)?;
        let view = world.interface_view(&created.interface);
        Ok((created, view))
    }
}

pub struct DescribeNetworkInterfaces {
    query: Query,
}

impl Action for DescribeNetworkInterfaces {
    type Output = Found<InterfaceView>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let query = Query::parse(&p, "NetworkInterfaceId")?;
        // No requester-managed interfaces exist in this world, so the flag changes nothing.
        let _include_managed = p.bool("IncludeManagedResources")?;
        call.finish()?;
        if !query.ids.is_empty() && query.page.max_results.is_some() {
            return Err(Ec2Error::InvalidParameterCombination(
                "The parameter NetworkInterfaceIds cannot be used with the parameter MaxResults"
                    .into(),
            ));
        }
        Ok(DescribeNetworkInterfaces { query })
    }

    fn render(found: &Self::Output, w: &mut XmlWriter) {
        found.render(w, "networkInterfaceSet", |w, view| {
            write_network_interface(w, view, false)
        });
    }
}

impl Read for DescribeNetworkInterfaces {
    fn read(self, world: &World) -> Ec2Result<Self::Output> {
        self.query
            .run(world.network_interfaces(), |eni| world.interface_view(eni))
    }
}

pub struct DeleteNetworkInterface {
    id: String,
}

impl Action for DeleteNetworkInterface {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let id = call.root().required_string("NetworkInterfaceId")?;
        call.finish()?;
        Ok(DeleteNetworkInterface { id })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        write_return(w);
    }
}

impl Write for DeleteNetworkInterface {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.delete_network_interface(&self.id)
    }
}

/// Reads and checks every CreateNetworkInterface parameter that needs no state.
fn parse_create(call: &Call<'_>) -> Ec2Result<NewNetworkInterface> {
    let p = &call.root();
    let subnet_id = p.required_string("SubnetId")?;
    let operator = p.structure("Operator");
    let operator_principal = operator.string("Principal");
    let tags = parse_tag_specifications(p, Kind::NetworkInterface)?;
    let client_token = p.string("ClientToken");
    let mut request = parse_interface(p, "EnablePrimaryIpv6")?;
    call.finish()?;
    request.subnet_id = subnet_id;
    request.operator_principal = operator_principal;
    request.tags = tags;
    request.client_token = client_token.map(|t| (t, String::new()));
    Ok(request)
}

/// The members an interface is described by, in CreateNetworkInterface and in each
/// `NetworkInterface.N` of RunInstances (where the primary IPv6 flag is `PrimaryIpv6`),
/// with every "you can't specify X with Y" rule of the API reference. The subnet, tags,
/// operator and client token are the caller's to read.
pub(crate) fn parse_interface(
    p: &Scope<'_>,
    primary_ipv6_flag: &str,
) -> Ec2Result<NewNetworkInterface> {
    let description = p.string("Description").unwrap_or_default();
    let group_ids = p.string_list("SecurityGroupId");
    let primary_param = p
        .string("PrivateIpAddress")
        .map(|v| ipv4_address(&v))
        .transpose()?;
    let mut listed: Vec<(Ipv4Addr, bool)> = Vec::new();
    for item in p.list("PrivateIpAddresses") {
        let addr = item.required_string("PrivateIpAddress")?;
        let primary = item.bool("Primary")?.unwrap_or(false);
        listed.push((ipv4_address(&addr)?, primary));
    }
    let secondary_count = count(p, "SecondaryPrivateIpAddressCount")?;
    let mut ipv4_prefixes = Vec::new();
    for item in p.list("Ipv4Prefix") {
        let prefix = item.required_string("Ipv4Prefix")?;
        ipv4_prefixes.push(delegated_prefix::<Ipv4Net>(&prefix, IPV4_PREFIX_LEN)?);
    }
    let ipv4_prefix_count = count(p, "Ipv4PrefixCount")?;
    let mut ipv6_prefixes = Vec::new();
    for item in p.list("Ipv6Prefix") {
        let prefix = item.required_string("Ipv6Prefix")?;
        ipv6_prefixes.push(delegated_prefix::<Ipv6Net>(&prefix, IPV6_PREFIX_LEN)?);
    }
    let ipv6_prefix_count = count(p, "Ipv6PrefixCount")?;
    let ipv6_address_count = p
        .int("Ipv6AddressCount")?
        .map(|n| non_negative(n, "Ipv6AddressCount"))
        .transpose()?;
    let mut ipv6_addresses: Vec<(Ipv6Addr, bool)> = Vec::new();
    for item in p.list("Ipv6Addresses") {
        let addr = item.required_string("Ipv6Address")?;
        let primary = item.bool("IsPrimaryIpv6")?.unwrap_or(false);
        ipv6_addresses.push((ipv6_address(&addr)?, primary));
    }
    let enable_primary_ipv6 = p.bool(primary_ipv6_flag)?.unwrap_or(false);
    let interface_type = p
        .string("InterfaceType")
        .map(|t| InterfaceType::parse(&t))
        .transpose()?;
    let connection_tracking = parse_connection_tracking(p)?;

    check_interface_description(&description)?;

    // The primary address: PrivateIpAddress, else the list entry marked primary. When
    // neither names one, the first listed address is the primary (the list is the only
    // place the caller said which addresses it wants).
    let flagged: Vec<Ipv4Addr> = listed.iter().filter(|(_, p)| *p).map(|(a, _)| *a).collect();
    if flagged.len() > 1 {
        return Err(Ec2Error::InvalidParameterValue(
            "Only one private IP address can be designated as primary".into(),
        ));
    }
    if primary_param.is_some() && !flagged.is_empty() {
        return Err(Ec2Error::InvalidParameterCombination(
            "You can't designate a primary address in PrivateIpAddresses when PrivateIpAddress is specified"
                .into(),
        ));
    }
    let primary_ip = primary_param
        .or_else(|| flagged.first().copied())
        .or_else(|| listed.first().map(|(a, _)| *a));
    let mut secondary_ips: Vec<Ipv4Addr> = Vec::new();
    let mut primary_seen = false;
    for (addr, _) in &listed {
        if Some(*addr) == primary_ip && !primary_seen {
            primary_seen = true;
            continue;
        }
        secondary_ips.push(*addr);
    }
    let all_v4: Vec<Ipv4Addr> = primary_ip
        .into_iter()
        .chain(secondary_ips.iter().copied())
        .collect();
    no_repeats(&all_v4, "private IP address")?;

    // "You can't specify X if you've specified Y", as the API reference lists them. A
    // secondary count sits happily with a primary given in the list (the reference's
    // Example 2), so "specific private IPv4 addresses" means secondary ones.
    let combination = |msg: &str| Err(Ec2Error::InvalidParameterCombination(msg.into()));
    if !ipv4_prefixes.is_empty() && ipv4_prefix_count > 0 {
        return combination("You can't specify Ipv4Prefix and Ipv4PrefixCount together");
    }
    let wants_v4_prefixes = !ipv4_prefixes.is_empty() || ipv4_prefix_count > 0;
    if wants_v4_prefixes && !secondary_ips.is_empty() {
        return combination(
            "You can't specify IPv4 prefixes and specific secondary private IPv4 addresses together",
        );
    }
    if wants_v4_prefixes && secondary_count > 0 {
        return combination(
            "You can't specify IPv4 prefixes and SecondaryPrivateIpAddressCount together",
        );
    }
    if secondary_count > 0 && !secondary_ips.is_empty() {
        return combination(
            "You can't specify SecondaryPrivateIpAddressCount and more than one private IP address in PrivateIpAddresses",
        );
    }
    let ipv6_options = [
        ipv6_address_count.unwrap_or(0) > 0,
        !ipv6_addresses.is_empty(),
        !ipv6_prefixes.is_empty(),
        ipv6_prefix_count > 0,
    ];
    if ipv6_options.iter().filter(|o| **o).count() > 1 {
        return combination(
            "Only one of Ipv6AddressCount, Ipv6Addresses, Ipv6Prefix and Ipv6PrefixCount can be specified",
        );
    }
    if ipv6_addresses.iter().filter(|(_, p)| *p).count() > 1 {
        return Err(Ec2Error::InvalidParameterValue(
            "Only one IPv6 address can be designated as primary".into(),
        ));
    }
    let all_v6: Vec<Ipv6Addr> = ipv6_addresses.iter().map(|(a, _)| *a).collect();
    no_repeats(&all_v6, "IPv6 address")?;
    let ipv6_addresses_given = ipv6_address_count.unwrap_or(0) > 0 || !ipv6_addresses.is_empty();
    if enable_primary_ipv6
        && !ipv6_addresses_given
        && (ipv6_address_count == Some(0) || !ipv6_prefixes.is_empty() || ipv6_prefix_count > 0)
    {
        return combination("EnablePrimaryIpv6 requires an IPv6 address on the network interface");
    }
    if interface_type == Some(InterfaceType::EfaOnly) {
        let any_address = primary_ip.is_some()
            || secondary_count > 0
            || wants_v4_prefixes
            || ipv6_options.iter().any(|o| *o)
            || enable_primary_ipv6;
        if any_address {
            return combination("EFA-only network interfaces do not support IP addresses");
        }
    }

    // The primary counts whether named or chosen by EC2: every interface but an efa-only one
    // gets one.
    let has_primary = primary_ip.is_some() || interface_type != Some(InterfaceType::EfaOnly);
    let v4_total = total(&[
        usize::from(has_primary),
        secondary_ips.len(),
        secondary_count,
        ipv4_prefixes.len(),
        ipv4_prefix_count,
    ]);
    if v4_total > MAX_IPV4_PER_INTERFACE {
        return Err(Ec2Error::PrivateIpAddressLimitExceeded);
    }
    let v6_total = total(&[
        ipv6_address_count.unwrap_or(0),
        ipv6_addresses.len(),
        ipv6_prefixes.len(),
        ipv6_prefix_count,
    ]);
    if v6_total > MAX_IPV6_PER_INTERFACE {
        return Err(Ec2Error::Ipv6AddressLimitExceeded {
            limit: MAX_IPV6_PER_INTERFACE,
        });
    }

    Ok(NewNetworkInterface {
        description,
        group_ids,
        primary_ip,
        secondary_ips,
        secondary_ip_count: secondary_count,
        ipv4_prefixes,
        ipv4_prefix_count,
        ipv6_addresses,
        ipv6_address_count,
        ipv6_prefixes,
        ipv6_prefix_count,
        enable_primary_ipv6,
        interface_type,
        connection_tracking,
        ..NewNetworkInterface::default()
    })
}

/// `ConnectionTrackingSpecification.*`, each within the range the API reference states.
pub fn parse_connection_tracking(p: &Scope<'_>) -> Ec2Result<Option<ConnectionTracking>> {
    let spec = p.structure("ConnectionTrackingSpecification");
    let tracking = ConnectionTracking {
        tcp_established_timeout: spec.int("TcpEstablishedTimeout")?,
        udp_stream_timeout: spec.int("UdpStreamTimeout")?,
        udp_timeout: spec.int("UdpTimeout")?,
    };
    tracking.check()?;
    Ok((tracking != ConnectionTracking::default()).then_some(tracking))
}

/// One `networkInterface`, elements in the order EC2 sends them (the API reference's
/// examples); `status` is `pending` in the create reply, then `available` or `in-use`.
pub(crate) fn write_network_interface(w: &mut XmlWriter, view: &InterfaceView, just_created: bool) {
    let eni = &view.interface;
    let region = eni.zone.region_name();
    w.text("networkInterfaceId", eni.id);
    w.text("subnetId", eni.subnet_id);
    w.text("vpcId", eni.vpc_id);
    w.text("availabilityZone", eni.zone.name);
    w.text("availabilityZoneId", eni.zone.id);
    w.text("description", &eni.description);
    w.text("ownerId", &eni.owner_id);
    // The principal that made it: every request acts as the account's root user (STS's
    // GetCallerIdentity says so too), whose principal ID is the account ID.
    w.text("requesterId", &eni.owner_id);
    w.text("requesterManaged", false);
    w.text(
        "status",
        if just_created {
            "pending"
        } else {
            eni.status()
        },
    );
    w.text("macAddress", format_mac(eni.mac));
    if let Some(ip) = eni.primary_ip() {
        w.text("privateIpAddress", ip);
        w.text("privateDnsName", private_dns_name(region, ip));
    }
    w.text("sourceDestCheck", eni.source_dest_check);
    w.list("groupSet", &eni.groups, |w, g| {
        w.text("groupId", g.id);
        w.text("groupName", &g.name);
    });
    if let Some(a) = &eni.attachment {
        w.node("attachment", |w| {
            w.text("attachmentId", a.id);
            w.text("instanceId", a.instance_id);
            w.text("instanceOwnerId", &eni.owner_id);
            w.text("deviceIndex", a.device_index);
            w.text("networkCardIndex", a.network_card_index);
            w.text("status", "attached");
            w.text("attachTime", iso8601(a.attach_time));
            w.text("deleteOnTermination", a.delete_on_termination);
        });
    }
    if let Some(public) = eni.public_address() {
        w.node("association", |w| write_association(w, view, &public));
    }
    write_tag_set(w, &eni.tags);
    w.list("privateIpAddressesSet", &eni.private_ips, |w, p| {
        w.text("privateIpAddress", p.address);
        w.text("privateDnsName", private_dns_name(region, p.address));
        w.text("primary", p.primary);
        if let Some(public) = &p.association {
            w.node("association", |w| write_association(w, view, public));
        }
    });
    w.list("ipv4PrefixSet", &eni.ipv4_prefixes, |w, p| {
        w.text("ipv4Prefix", p);
    });
    w.list("ipv6PrefixSet", &eni.ipv6_prefixes, |w, p| {
        w.text("ipv6Prefix", p);
    });
    w.list("ipv6AddressesSet", &eni.ipv6_addresses, |w, a| {
        w.text("ipv6Address", a.address);
        w.text("isPrimaryIpv6", a.is_primary);
    });
    w.text("interfaceType", eni.interface_type.as_str());
    if let Some(ct) = &eni.connection_tracking {
        // Only what the caller set: the defaults depend on the instance type the interface
        // is attached to, which an unattached interface does not have.
        w.node("connectionTrackingConfiguration", |w| {
            w.opt("tcpEstablishedTimeout", ct.tcp_established_timeout);
            w.opt("udpStreamTimeout", ct.udp_stream_timeout);
            w.opt("udpTimeout", ct.udp_timeout);
        });
    }
    w.text("ipv6Native", false);
    w.opt("ipv6Address", eni.ipv6_address());
    w.node("operator", |w| {
        w.text("managed", eni.operator_principal.is_some());
        w.opt("principal", eni.operator_principal.as_deref());
    });
}

/// A public address of an interface (`association`), with the Elastic IP's IDs if it is one.
fn write_association(w: &mut XmlWriter, view: &InterfaceView, public: &PublicAddress) {
    w.text("publicIp", public.public_ip);
    w.text(
        "publicDnsName",
        view.public_dns_name(public).unwrap_or_default(),
    );
    w.text("ipOwnerId", view.interface.ip_owner(public));
    if let Some((allocation, association)) = public.elastic {
        w.text("allocationId", allocation);
        w.text("associationId", association);
    }
}
