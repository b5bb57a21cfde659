//! CreateSubnet, DescribeSubnets, DeleteSubnet, ModifySubnetAttribute.

use crate::actions::common::{
    parse_tag_specifications, refuse_unsupported, write_return, write_tag_set,
};
use crate::actions::describe::{Found, Query};
use crate::actions::{Action, Call, Read, Write};
use crate::error::{Ec2Error, Ec2Result};
use crate::kinds::Kind;
use crate::model::subnets::{HostnameType, NewSubnet, SubnetAttributes, SubnetView, ZoneChoice};
use crate::model::World;
use crate::values::{block_v4, block_v6};
use crate::wire::params::Scope;
use crate::wire::xml::XmlWriter;

pub struct CreateSubnet {
    request: NewSubnet,
}

impl Action for CreateSubnet {
    type Output = SubnetView;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let vpc_id = p.required_string("VpcId")?;
        let cidr = p.string("CidrBlock");
        let ipv6 = p.string("Ipv6CidrBlock");
        let zone_name = p.string("AvailabilityZone");
        let zone_id = p.string("AvailabilityZoneId");
        let ipv6_native = p.bool("Ipv6Native")?.unwrap_or(false);
        let tags = parse_tag_specifications(&p, Kind::Subnet)?;
        refuse_unsupported(
            &p,
            &[
                "OutpostArn",
                "Ipv4IpamPoolId",
                "Ipv4NetmaskLength",
                "Ipv6IpamPoolId",
                "Ipv6NetmaskLength",
            ],
            "Outposts and IPAM pools are not modelled",
        )?;
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
        let cidr = block_v4(&cidr, "cidrBlock")?;
        let ipv6_cidr = ipv6.map(|v| block_v6(&v, "ipv6CidrBlock")).transpose()?;
        Ok(CreateSubnet {
            request: NewSubnet {
                vpc_id,
                cidr,
                ipv6_cidr,
                zone,
                tags,
            },
        })
    }

    fn render(subnet: &SubnetView, w: &mut XmlWriter) {
        w.node("subnet", |w| write_subnet(w, subnet, true));
    }
}

impl Write for CreateSubnet {
    fn write(self, world: &mut World) -> Ec2Result<SubnetView> {
        let id = world.create_subnet(self.request)?;
        let subnet = world.subnets().fetch(&id)?;
        Ok(world.subnet_view(&subnet))
    }
}

pub struct DescribeSubnets {
    query: Query,
}

impl Action for DescribeSubnets {
    type Output = Found<SubnetView>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let query = Query::parse(&call.root(), "SubnetId")?;
        call.finish()?;
        Ok(DescribeSubnets { query })
    }

    fn render(found: &Self::Output, w: &mut XmlWriter) {
        found.render(w, "subnetSet", |w, s| write_subnet(w, s, false));
    }
}

impl Read for DescribeSubnets {
    fn read(self, world: &World) -> Ec2Result<Self::Output> {
        self.query
            .run(world.subnets(), |subnet| world.subnet_view(subnet))
    }
}

pub struct DeleteSubnet {
    id: String,
}

impl Action for DeleteSubnet {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let id = call.root().required_string("SubnetId")?;
        call.finish()?;
        Ok(DeleteSubnet { id })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        write_return(w);
    }
}

impl Write for DeleteSubnet {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.delete_subnet(&self.id)
    }
}

pub struct ModifySubnetAttribute {
    id: String,
    attrs: SubnetAttributes,
}

impl Action for ModifySubnetAttribute {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let id = p.required_string("SubnetId")?;
        let value = |name: &str| -> Ec2Result<Option<bool>> { attribute_value(&p, name) };
        let attrs = SubnetAttributes {
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
        let mut attrs = attrs;
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
        Ok(ModifySubnetAttribute { id, attrs })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        write_return(w);
    }
}

impl Write for ModifySubnetAttribute {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.modify_subnet_attribute(&self.id, self.attrs)
    }
}

/// An `AttributeBooleanValue` parameter: `Name.Value`.
fn attribute_value(p: &Scope<'_>, name: &str) -> Ec2Result<Option<bool>> {
    p.structure(name).bool("Value")
}

fn write_subnet(w: &mut XmlWriter, view: &SubnetView, just_created: bool) {
    let s = &*view.subnet;
    w.text("subnetId", s.id);
    w.text("subnetArn", s.arn());
    w.text("state", if just_created { "pending" } else { "available" });
    w.text("ownerId", &s.owner_id);
    w.text("vpcId", s.vpc_id);
    w.text("cidrBlock", s.cidr);
    w.list("ipv6CidrBlockAssociationSet", s.ipv6.iter(), |w, b| {
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
        w.text("ipv6AddressAttribute", "public");
        w.text("ipSource", "amazon");
    });
    w.text("availableIpAddressCount", view.available_ip_address_count);
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
