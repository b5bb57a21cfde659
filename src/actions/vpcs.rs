//! CreateVpc, DescribeVpcs, DeleteVpc.

use ipnet::Ipv4Net;

use crate::actions::common::{
    dry_run, parse_filters, parse_page, parse_tag_specifications, select, write_next_token,
    write_tag_set,
};
use crate::actions::Call;
use crate::error::{Ec2Error, Ec2Result};
use crate::model::vpcs::{NewVpc, Vpc};
use crate::model::World;
use crate::wire::xml::XmlWriter;

pub fn create_vpc(call: &Call<'_>, world: &mut World) -> Ec2Result<Vec<u8>> {
    let p = call.root();
    let dry = dry_run(&p)?;
    let cidr = p.string("CidrBlock");
    let amazon_provided_ipv6 = p.bool("AmazonProvidedIpv6CidrBlock")?.unwrap_or(false);
    let tenancy = p.string("InstanceTenancy");
    let border_group = p.string("Ipv6CidrBlockNetworkBorderGroup");
    let tags = parse_tag_specifications(&p, "vpc")?;
    // Parameters of features this server does not model are refused, not ignored.
    for unsupported in [
        "Ipv4IpamPoolId",
        "Ipv4NetmaskLength",
        "Ipv6IpamPoolId",
        "Ipv6NetmaskLength",
        "Ipv6Pool",
        "Ipv6CidrBlock",
        "VpcEncryptionControl",
    ] {
        if p.has(unsupported) {
            return Err(Ec2Error::UnsupportedOperation(format!(
                "The parameter {unsupported} is not supported by ec2-mock (IPAM and BYOIP pools are not modelled)"
            )));
        }
    }
    call.finish()?;
    let Some(cidr) = cidr else {
        return Err(Ec2Error::MissingParameter("CidrBlock".into()));
    };
    let cidr = parse_ipv4_cidr(&cidr, "cidrBlock")?;
    if cidr != cidr.trunc() {
        return Err(Ec2Error::InvalidParameterValue(format!(
            "Value ({cidr}) for parameter cidrBlock is invalid. This is not a valid CIDR block."
        )));
    }
    // Amazon-provided blocks are advertised from the region itself, the only network border
    // group modelled; naming it is allowed (the CLI and Terraform do), anything else is not.
    if let Some(group) = border_group {
        if !amazon_provided_ipv6 {
            return Err(Ec2Error::InvalidParameterCombination(
                "Ipv6CidrBlockNetworkBorderGroup can only be used with AmazonProvidedIpv6CidrBlock"
                    .into(),
            ));
        }
        if group != world.region.name {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "Value ({group}) for parameter ipv6CidrBlockNetworkBorderGroup is invalid. \
                 The network border group of this region is {}.",
                world.region.name
            )));
        }
    }
    let instance_tenancy = match tenancy.as_deref() {
        None | Some("default") => "default",
        Some("dedicated") => "dedicated",
        Some(other) => {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "Value ({other}) for parameter instanceTenancy is invalid. Valid values: default, dedicated"
            )))
        }
    };
    let id = world.create_vpc(
        NewVpc {
            cidr,
            amazon_provided_ipv6,
            instance_tenancy: instance_tenancy.into(),
            tags,
        },
        dry,
    )?;
    let vpc = world.vpc(&id)?;
    // A new VPC is `pending` and its IPv6 block `associating` in the create reply, as in EC2;
    // Describe shows them settled.
    Ok(call.reply(|w| {
        w.node("vpc", |w| write_vpc(w, vpc, true));
    }))
}

pub fn describe_vpcs(call: &Call<'_>, world: &mut World) -> Ec2Result<Vec<u8>> {
    let p = call.root();
    let dry = dry_run(&p)?;
    let ids = p.string_list("VpcId");
    let filters = parse_filters(&p)?;
    let page = parse_page(&p)?;
    call.finish()?;
    let world = &*world;
    let sel = select(&world.vpcs, &ids, |id| world.vpc(id), &filters, &page)?;
    if dry {
        return Err(Ec2Error::DryRunOperation);
    }
    Ok(call.reply(|w| {
        w.list("vpcSet", &sel.ids, |w, id| {
            if let Some(vpc) = world.vpcs.get(id) {
                write_vpc(w, vpc, false);
            }
        });
        write_next_token(w, &sel.next_token);
    }))
}

pub fn delete_vpc(call: &Call<'_>, world: &mut World) -> Ec2Result<Vec<u8>> {
    let p = call.root();
    let dry = dry_run(&p)?;
    let id = p.required_string("VpcId")?;
    call.finish()?;
    world.delete_vpc(&id, dry)?;
    Ok(call.reply(|w| {
        w.text("return", "true");
    }))
}

/// Parses an IPv4 CIDR, answering EC2's InvalidParameterValue for anything else.
pub fn parse_ipv4_cidr(value: &str, param: &str) -> Ec2Result<Ipv4Net> {
    value.trim().parse::<Ipv4Net>().map_err(|_| {
        Ec2Error::InvalidParameterValue(format!(
            "Value ({value}) for parameter {param} is invalid. This is not a valid CIDR block."
        ))
    })
}

fn write_vpc(w: &mut XmlWriter, vpc: &Vpc, just_created: bool) {
    w.text("vpcId", &vpc.id);
    w.text("ownerId", &vpc.owner_id);
    w.text("state", if just_created { "pending" } else { "available" });
    w.text("cidrBlock", vpc.cidr);
    w.list("cidrBlockAssociationSet", [vpc], |w, vpc| {
        w.text("cidrBlock", vpc.cidr);
        w.text("associationId", &vpc.cidr_association_id);
        w.node("cidrBlockState", |w| {
            w.text("state", "associated");
        });
    });
    w.list("ipv6CidrBlockAssociationSet", vpc.ipv6.iter(), |w, b| {
        w.text("ipv6CidrBlock", b.cidr);
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
        w.text("networkBorderGroup", &b.network_border_group);
        w.text("ipv6Pool", "Amazon");
        w.text("ipv6AddressAttribute", "public");
        w.text("ipSource", "amazon");
    });
    w.text("dhcpOptionsId", &vpc.dhcp_options_id);
    write_tag_set(w, &vpc.tags);
    w.text("instanceTenancy", &vpc.instance_tenancy);
    w.text("isDefault", vpc.is_default);
    w.node("blockPublicAccessStates", |w| {
        w.text("internetGatewayBlockMode", "off");
    });
}
