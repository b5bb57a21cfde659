//! CreateVpc, DescribeVpcs, DeleteVpc.

use std::sync::Arc;

use ipnet::Ipv4Net;

use crate::actions::common::{
    parse_tag_specifications, refuse_unsupported, write_return, write_tag_set,
};
use crate::actions::describe::{Found, Query};
use crate::actions::{Action, Call, Read, Write};
use crate::error::{Ec2Error, Ec2Result};
use crate::kinds::Kind;
use crate::model::tags::Tag;
use crate::model::vpcs::{NewVpc, Vpc, VpcAttribute};
use crate::model::World;
use crate::values::block_v4;
use crate::wire::xml::XmlWriter;

pub struct CreateVpc {
    cidr: Ipv4Net,
    amazon_provided_ipv6: bool,
    tenancy: Option<String>,
    border_group: Option<String>,
    tags: Vec<Tag>,
}

impl Action for CreateVpc {
    type Output = Arc<Vpc>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let cidr = p.string("CidrBlock");
        let amazon_provided_ipv6 = p.bool("AmazonProvidedIpv6CidrBlock")?.unwrap_or(false);
        let tenancy = p.string("InstanceTenancy");
        let border_group = p.string("Ipv6CidrBlockNetworkBorderGroup");
        let tags = parse_tag_specifications(&p, Kind::Vpc)?;
        refuse_unsupported(
            &p,
            &[
                "Ipv4IpamPoolId",
                "Ipv4NetmaskLength",
                "Ipv6IpamPoolId",
                "Ipv6NetmaskLength",
                "Ipv6Pool",
                "Ipv6CidrBlock",
                "VpcEncryptionControl",
            ],
            "IPAM and BYOIP pools are not modelled",
        )?;
        call.finish()?;
        let Some(cidr) = cidr else {
            return Err(Ec2Error::MissingParameter("CidrBlock".into()));
        };
        let cidr = block_v4(&cidr, "cidrBlock")?;
        if border_group.is_some() && !amazon_provided_ipv6 {
            return Err(Ec2Error::InvalidParameterCombination(
                "Ipv6CidrBlockNetworkBorderGroup can only be used with AmazonProvidedIpv6CidrBlock"
                    .into(),
            ));
        }
        Ok(CreateVpc {
            cidr,
            amazon_provided_ipv6,
            tenancy,
            border_group,
            tags,
        })
    }

    fn render(vpc: &Arc<Vpc>, w: &mut XmlWriter) {
        // A new VPC is `pending` and its IPv6 block `associating` in the create reply, as in
        // EC2; Describe shows them settled.
        w.node("vpc", |w| write_vpc(w, vpc, true));
    }
}

impl Write for CreateVpc {
    fn write(self, world: &mut World) -> Ec2Result<Arc<Vpc>> {
        // Amazon-provided blocks are advertised from the region itself, the only network
        // border group modelled; naming it is allowed (the CLI and Terraform do), anything
        // else is not.
        if let Some(group) = &self.border_group {
            if group != world.region().name {
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "Value ({group}) for parameter ipv6CidrBlockNetworkBorderGroup is invalid. \
                     The network border group of this region is {}.",
                    world.region().name
                )));
            }
        }
        let instance_tenancy = match self.tenancy.as_deref() {
            None | Some("default") => "default",
            Some("dedicated") => "dedicated",
            Some(other) => {
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "Value ({other}) for parameter instanceTenancy is invalid. Valid values: default, dedicated"
                )))
            }
        };
        let id = world.create_vpc(NewVpc {
            cidr: self.cidr,
            amazon_provided_ipv6: self.amazon_provided_ipv6,
            instance_tenancy: instance_tenancy.into(),
            tags: self.tags,
        })?;
        world.vpcs().fetch(&id)
    }
}

pub struct DescribeVpcs {
    query: Query,
}

impl Action for DescribeVpcs {
    type Output = Found<Arc<Vpc>>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let query = Query::parse(&call.root(), "VpcId")?;
        call.finish()?;
        Ok(DescribeVpcs { query })
    }

    fn render(found: &Self::Output, w: &mut XmlWriter) {
        found.render(w, "vpcSet", |w, vpc| write_vpc(w, vpc, false));
    }
}

impl Read for DescribeVpcs {
    fn read(self, world: &World) -> Ec2Result<Self::Output> {
        self.query.run(world.vpcs(), Arc::clone)
    }
}

pub struct DeleteVpc {
    id: String,
}

impl Action for DeleteVpc {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let id = call.root().required_string("VpcId")?;
        call.finish()?;
        Ok(DeleteVpc { id })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        write_return(w);
    }
}

impl Write for DeleteVpc {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.delete_vpc(&self.id)
    }
}

pub struct DescribeVpcAttribute {
    vpc_id: String,
    attribute: VpcAttribute,
}

impl Action for DescribeVpcAttribute {
    type Output = (Arc<Vpc>, VpcAttribute);

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let vpc_id = p.required_string("VpcId")?;
        let attribute = p.required_string("Attribute")?;
        call.finish()?;
        let attribute = VpcAttribute::parse(&attribute).ok_or_else(|| {
            Ec2Error::InvalidParameterValue(format!(
                "Value ({attribute}) for parameter attribute is invalid. Valid values: enableDnsSupport, enableDnsHostnames, enableNetworkAddressUsageMetrics"
            ))
        })?;
        Ok(DescribeVpcAttribute { vpc_id, attribute })
    }

    fn render((vpc, attribute): &Self::Output, w: &mut XmlWriter) {
        w.text("vpcId", vpc.id);
        w.node(attribute.as_str(), |w| {
            w.text("value", vpc.attribute(*attribute));
        });
    }
}

impl Read for DescribeVpcAttribute {
    fn read(self, world: &World) -> Ec2Result<Self::Output> {
        Ok((world.vpc(&self.vpc_id)?.clone(), self.attribute))
    }
}

pub struct ModifyVpcAttribute {
    vpc_id: String,
    attribute: VpcAttribute,
    value: bool,
}

impl Action for ModifyVpcAttribute {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let vpc_id = p.required_string("VpcId")?;
        let mut given = Vec::new();
        for attribute in VpcAttribute::ALL {
            // `EnableDnsSupport.Value`: the wire name is the attribute's, capitalised.
            let mut name = attribute.as_str().to_owned();
            name[..1].make_ascii_uppercase();
            if let Some(value) = p.structure(&name).bool("Value")? {
                given.push((attribute, value));
            }
        }
        call.finish()?;
        match given.as_slice() {
            [(attribute, value)] => Ok(ModifyVpcAttribute {
                vpc_id,
                attribute: *attribute,
                value: *value,
            }),
            // As ModifyNetworkInterfaceAttribute answers a call with nothing to change.
            [] => Err(Ec2Error::InvalidParameterCombination(
                "No attributes specified.".into(),
            )),
            // EC2's words (apache/libcloud#328, aws/aws-sdk-go#415).
            several => Err(Ec2Error::InvalidParameterCombination(format!(
                "Fields for multiple attribute types specified: {}",
                several
                    .iter()
                    .map(|(a, _)| a.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    fn render(_: &(), w: &mut XmlWriter) {
        write_return(w);
    }
}

impl Write for ModifyVpcAttribute {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.modify_vpc_attribute(&self.vpc_id, self.attribute, self.value)
    }
}

fn write_vpc(w: &mut XmlWriter, vpc: &Vpc, just_created: bool) {
    w.text("vpcId", vpc.id);
    w.text("ownerId", &vpc.owner_id);
    w.text("state", if just_created { "pending" } else { "available" });
    w.text("cidrBlock", vpc.cidr);
    w.list("cidrBlockAssociationSet", [vpc], |w, vpc| {
        w.text("cidrBlock", vpc.cidr);
        w.text("associationId", vpc.cidr_association_id);
        w.node("cidrBlockState", |w| {
            w.text("state", "associated");
        });
    });
    w.list("ipv6CidrBlockAssociationSet", vpc.ipv6.iter(), |w, b| {
        w.text("ipv6CidrBlock", b.cidr);
        w.text("associationId", b.association_id);
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
    w.text("dhcpOptionsId", vpc.dhcp_options_wire());
    write_tag_set(w, &vpc.tags);
    w.text("instanceTenancy", &vpc.instance_tenancy);
    w.text("isDefault", vpc.is_default);
    w.node("blockPublicAccessStates", |w| {
        w.text("internetGatewayBlockMode", "off");
    });
}
