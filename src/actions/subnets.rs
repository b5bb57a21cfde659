//! CreateSubnet, DescribeSubnets, DeleteSubnet, ModifySubnetAttribute.

use ipnet::Ipv6Net;

use crate::actions::common::{
    dry_run, parse_filters, parse_page, parse_tag_specifications, select, write_next_token,
    write_tag_set,
};
use crate::actions::vpcs::parse_ipv4_cidr;
use crate::actions::Call;
use crate::error::{Ec2Error, Ec2Result};
use crate::model::subnets::{HostnameType, NewSubnet, Subnet, SubnetAttributes, ZoneChoice};
use crate::model::World;
use crate::wire::params::Scope;
use crate::wire::xml::XmlWriter;

pub fn create_subnet(call: &Call<'_>, world: &mut World) -> Ec2Result<Vec<u8>> {
    let p = call.root();
    let dry = dry_run(&p)?;
    let vpc_id = p.required_string("VpcId")?;
    let cidr = p.string("CidrBlock");
    let ipv6 = p.string("Ipv6CidrBlock");
    let zone_name = p.string("AvailabilityZone");
    let zone_id = p.string("AvailabilityZoneId");
    let ipv6_native = p.bool("Ipv6Native")?.unwrap_or(false);
    let tags = parse_tag_specifications(&p, "subnet")?;
    for unsupported in [
        "OutpostArn",
        "Ipv4IpamPoolId",
        "Ipv4NetmaskLength",
        "Ipv6IpamPoolId",
        "Ipv6NetmaskLength",
    ] {
        if p.has(unsupported) {
            return Err(Ec2Error::UnsupportedOperation(format!(
                "The parameter {unsupported} is not supported by ec2-mock (Outposts and IPAM pools are not modelled)"
            )));
        }
    }
    call.finish()?;
    if ipv6_native {
        return Err(Ec2Error::UnsupportedOperation(
            "IPv6-only subnets (Ipv6Native) are not supported by ec2-mock".into(),
        ));
    }
    let zone = match (zone_name, zone_id) {
        (Some(_), Some(_)) => {
            return Err(Ec2Error::InvalidParameterCombination(
                "Only one of AvailabilityZone or AvailabilityZoneId may be specified".into(),
            ))
        }
        (Some(name), None) => ZoneChoice::Name(name),
        (None, Some(id)) => ZoneChoice::Id(id),
        (None, None) => ZoneChoice::Any,
    };
    let Some(cidr) = cidr else {
        return Err(Ec2Error::MissingParameter("CidrBlock".into()));
    };
    let cidr = parse_ipv4_cidr(&cidr, "cidrBlock")?;
    let ipv6_cidr = ipv6
        .map(|v| {
            v.trim().parse::<Ipv6Net>().map_err(|_| {
                Ec2Error::InvalidParameterValue(format!(
                    "Value ({v}) for parameter ipv6CidrBlock is invalid. This is not a valid IPv6 CIDR block."
                ))
            })
        })
        .transpose()?;
    let id = world.create_subnet(
        NewSubnet {
            vpc_id,
            cidr,
            ipv6_cidr,
            zone,
            tags,
        },
        dry,
    )?;
    let subnet = world.subnet(&id)?;
    Ok(call.reply(|w| {
        w.node("subnet", |w| write_subnet(w, subnet, true));
    }))
}

pub fn describe_subnets(call: &Call<'_>, world: &mut World) -> Ec2Result<Vec<u8>> {
    let p = call.root();
    let dry = dry_run(&p)?;
    let ids = p.string_list("SubnetId");
    let filters = parse_filters(&p)?;
    let page = parse_page(&p)?;
    call.finish()?;
    let world = &*world;
    let sel = select(&world.subnets, &ids, |id| world.subnet(id), &filters, &page)?;
    if dry {
        return Err(Ec2Error::DryRunOperation);
    }
    Ok(call.reply(|w| {
        w.list("subnetSet", &sel.ids, |w, id| {
            if let Some(subnet) = world.subnets.get(id) {
                write_subnet(w, subnet, false);
            }
        });
        write_next_token(w, &sel.next_token);
    }))
}

pub fn delete_subnet(call: &Call<'_>, world: &mut World) -> Ec2Result<Vec<u8>> {
    let p = call.root();
    let dry = dry_run(&p)?;
    let id = p.required_string("SubnetId")?;
    call.finish()?;
    world.delete_subnet(&id, dry)?;
    Ok(call.reply(|w| {
        w.text("return", "true");
    }))
}

pub fn modify_subnet_attribute(call: &Call<'_>, world: &mut World) -> Ec2Result<Vec<u8>> {
    let p = call.root();
    let dry = dry_run(&p)?;
    let id = p.required_string("SubnetId")?;
    let value = |name: &str| -> Ec2Result<Option<bool>> { attribute_value(&p, name) };
    let mut attrs = SubnetAttributes {
        assign_ipv6_address_on_creation: value("AssignIpv6AddressOnCreation")?,
        map_public_ip_on_launch: value("MapPublicIpOnLaunch")?,
        map_customer_owned_ip_on_launch: value("MapCustomerOwnedIpOnLaunch")?,
        enable_dns64: value("EnableDns64")?,
        hostname_type: None,
        enable_resource_name_dns_a_record: value("EnableResourceNameDnsARecordOnLaunch")?,
        enable_resource_name_dns_aaaa_record: value("EnableResourceNameDnsAAAARecordOnLaunch")?,
        enable_lni_at_device_index: p.int("EnableLniAtDeviceIndex")?,
        disable_lni_at_device_index: value("DisableLniAtDeviceIndex")?,
    };
    let hostname_type = p.string("PrivateDnsHostnameTypeOnLaunch");
    let customer_pool = p.string("CustomerOwnedIpv4Pool");
    call.finish()?;
    if customer_pool.is_some() || attrs.map_customer_owned_ip_on_launch == Some(true) {
        return Err(Ec2Error::UnsupportedOperation(
            "Customer-owned IP pools (Outposts) are not supported by ec2-mock".into(),
        ));
    }
    attrs.hostname_type = match hostname_type.as_deref() {
        None => None,
        Some("ip-name") => Some(HostnameType::IpName),
        Some("resource-name") => Some(HostnameType::ResourceName),
        Some(other) => {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "Value ({other}) for parameter privateDnsHostnameTypeOnLaunch is invalid. Valid values: ip-name, resource-name"
            )))
        }
    };
    if attrs.enable_lni_at_device_index.is_some() {
        return Err(Ec2Error::UnsupportedOperation(
            "Local network interfaces (Outposts) are not supported by ec2-mock".into(),
        ));
    }
    let changes = [
        attrs.assign_ipv6_address_on_creation,
        attrs.map_public_ip_on_launch,
        attrs.enable_dns64,
        attrs.enable_resource_name_dns_a_record,
        attrs.enable_resource_name_dns_aaaa_record,
        attrs.disable_lni_at_device_index,
    ];
    // EC2 modifies one attribute per call.
    let count = changes.iter().filter(|c| c.is_some()).count()
        + usize::from(attrs.hostname_type.is_some())
        + usize::from(attrs.map_customer_owned_ip_on_launch.is_some());
    if count == 0 {
        return Err(Ec2Error::MissingParameter(
            "AssignIpv6AddressOnCreation, MapPublicIpOnLaunch or another attribute".into(),
        ));
    }
    if count > 1 {
        return Err(Ec2Error::InvalidParameterCombination(
            "Only one attribute can be modified at a time".into(),
        ));
    }
    world.modify_subnet_attribute(&id, attrs, dry)?;
    Ok(call.reply(|w| {
        w.text("return", "true");
    }))
}

/// An `AttributeBooleanValue` parameter: `Name.Value`.
fn attribute_value(p: &Scope<'_>, name: &str) -> Ec2Result<Option<bool>> {
    p.structure(name).bool("Value")
}

fn write_subnet(w: &mut XmlWriter, s: &Subnet, just_created: bool) {
    w.text("subnetId", &s.id);
    w.text("subnetArn", s.arn());
    w.text("state", if just_created { "pending" } else { "available" });
    w.text("ownerId", &s.owner_id);
    w.text("vpcId", &s.vpc_id);
    w.text("cidrBlock", s.cidr());
    w.list("ipv6CidrBlockAssociationSet", s.ipv6.iter(), |w, b| {
        w.text("ipv6CidrBlock", b.pool.cidr());
        w.text("associationId", &b.association_id);
        w.node("ipv6CidrBlockState", |w| {
            w.text(
                "state",
                if just_created {
                    "associating"
                } else {
                    "associated"
                },
            );
        });
        w.text("ipv6AddressAttribute", "public");
        w.text("ipSource", "amazon");
    });
    w.text("availableIpAddressCount", s.available_ip_address_count());
    w.text("availabilityZone", s.zone.name);
    w.text("availabilityZoneId", s.zone.id);
    w.text("defaultForAz", s.default_for_az);
    w.text("mapPublicIpOnLaunch", s.map_public_ip_on_launch);
    w.text(
        "mapCustomerOwnedIpOnLaunch",
        s.map_customer_owned_ip_on_launch,
    );
    w.text(
        "assignIpv6AddressOnCreation",
        s.assign_ipv6_address_on_creation,
    );
    w.opt("enableLniAtDeviceIndex", s.enable_lni_at_device_index);
    w.text("enableDns64", s.enable_dns64);
    w.text("ipv6Native", false);
    w.node("privateDnsNameOptionsOnLaunch", |w| {
        w.text("hostnameType", s.hostname_type.as_str());
        w.text(
            "enableResourceNameDnsARecord",
            s.enable_resource_name_dns_a_record,
        );
        w.text(
            "enableResourceNameDnsAAAARecord",
            s.enable_resource_name_dns_aaaa_record,
        );
    });
    write_tag_set(w, &s.tags);
    w.node("blockPublicAccessStates", |w| {
        w.text("internetGatewayBlockMode", "off");
    });
}
