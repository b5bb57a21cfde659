//! AllocateAddress, AssociateAddress, DisassociateAddress, ReleaseAddress,
//! DescribeAddresses: Elastic IPs in a VPC (EC2-Classic is gone, and with it `standard`).

use std::sync::Arc;

use crate::actions::common::{
    parse_filters, parse_tag_specifications, refuse_unsupported, write_return, write_tag_set,
};
use crate::actions::describe::{Found, Query};
use crate::actions::{Action, Call, Read, Write};
use crate::error::{Ec2Error, Ec2Result};
use crate::kinds::Kind;
use crate::model::elastic_ips::{AddressView, AssociationTarget, ElasticIp};
use crate::model::ids::{AllocationId, ElasticIpAssociationId};
use crate::model::tags::Tag;
use crate::model::World;
use crate::values::ipv4_address;
use crate::wire::xml::XmlWriter;

pub struct AllocateAddress {
    border_group: Option<String>,
    tags: Vec<Tag>,
}

impl Action for AllocateAddress {
    type Output = Arc<ElasticIp>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        refuse_unsupported(
            &p,
            &["Address", "CustomerOwnedIpv4Pool", "IpamPoolId"],
            "BYOIP, customer-owned and IPAM pools are not modelled",
        )?;
        if let Some(domain) = p.string("Domain") {
            match domain.as_str() {
                "vpc" => {}
                "standard" => {
                    return Err(Ec2Error::InvalidParameterValue(
                        "EC2-Classic is retired: Elastic IPs are allocated for use in a VPC (Domain vpc)"
                            .into(),
                    ))
                }
                other => {
                    return Err(Ec2Error::InvalidParameterValue(format!(
                        "Value ({other}) for parameter domain is invalid. Valid values: vpc, standard"
                    )))
                }
            }
        }
        if let Some(pool) = p.string("PublicIpv4Pool") {
            if pool != "amazon" {
                return Err(Ec2Error::UnsupportedOperation(format!(
                    "The parameter PublicIpv4Pool={pool} is not supported by ec2-mock (only Amazon's pool is modelled)"
                )));
            }
        }
        let border_group = p.string("NetworkBorderGroup");
        let tags = parse_tag_specifications(&p, Kind::ElasticIp)?;
        call.finish()?;
        Ok(AllocateAddress { border_group, tags })
    }

    fn render(a: &Arc<ElasticIp>, w: &mut XmlWriter) {
        w.text("publicIp", a.public_ip);
        w.text("allocationId", a.allocation_id);
        w.text("publicIpv4Pool", "amazon");
        w.text("networkBorderGroup", &a.network_border_group);
        w.text("domain", "vpc");
    }
}

impl Write for AllocateAddress {
    fn write(self, world: &mut World) -> Ec2Result<Arc<ElasticIp>> {
        if let Some(group) = &self.border_group {
            if group != world.region().name {
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "Invalid network border group '{group}'"
                )));
            }
        }
        world.allocate_address(&self.tags)
    }
}

/// The Elastic IP an `AllocationId` or a `PublicIp` names (one of them is required).
fn named_address(
    world: &World,
    allocation: &Option<String>,
    public_ip: &Option<String>,
) -> Ec2Result<AllocationId> {
    match (allocation, public_ip) {
        (Some(id), _) => Ok(world.elastic_ip(id)?.allocation_id),
        (None, Some(ip)) => Ok(world.elastic_ip_by_address(ip)?.allocation_id),
        (None, None) => Err(Ec2Error::MissingParameter("AllocationId".into())),
    }
}

pub struct AssociateAddress {
    allocation: Option<String>,
    public_ip: Option<String>,
    target: AssociationTarget,
}

impl Action for AssociateAddress {
    type Output = ElasticIpAssociationId;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let allocation = p.string("AllocationId");
        let public_ip = p.string("PublicIp");
        let network_interface_id = p.string("NetworkInterfaceId");
        let instance_id = p.string("InstanceId");
        let private_ip = p
            .string("PrivateIpAddress")
            .map(|v| ipv4_address(&v))
            .transpose()?;
        // "Reassociation is automatic" in a VPC; AllowReassociation=false refuses it.
        let allow_reassociation = p.bool("AllowReassociation")?.unwrap_or(true);
        call.finish()?;
        if network_interface_id.is_some() && instance_id.is_some() {
            return Err(Ec2Error::InvalidParameterCombination(
                "You can specify either an instance ID or a network interface ID, but not both."
                    .into(),
            ));
        }
        Ok(AssociateAddress {
            allocation,
            public_ip,
            target: AssociationTarget {
                network_interface_id,
                instance_id,
                private_ip,
                allow_reassociation,
            },
        })
    }

    fn render(id: &ElasticIpAssociationId, w: &mut XmlWriter) {
        w.text("return", "true");
        w.text("associationId", id);
    }
}

impl Write for AssociateAddress {
    fn write(self, world: &mut World) -> Ec2Result<ElasticIpAssociationId> {
        let allocation = named_address(world, &self.allocation, &self.public_ip)?;
        world.associate_address(allocation, &self.target)
    }
}

pub struct DisassociateAddress {
    association: Option<String>,
    public_ip: Option<String>,
}

impl Action for DisassociateAddress {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let association = p.string("AssociationId");
        let public_ip = p.string("PublicIp");
        call.finish()?;
        if association.is_none() && public_ip.is_none() {
            return Err(Ec2Error::MissingParameter("AssociationId".into()));
        }
        Ok(DisassociateAddress {
            association,
            public_ip,
        })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        write_return(w);
    }
}

impl Write for DisassociateAddress {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        let allocation = match (&self.association, &self.public_ip) {
            (Some(id), _) => world.association(id)?,
            (None, Some(ip)) => world.elastic_ip_by_address(ip)?.allocation_id,
            (None, None) => return Err(Ec2Error::MissingParameter("AssociationId".into())),
        };
        world.disassociate_address(allocation)
    }
}

pub struct ReleaseAddress {
    allocation: Option<String>,
    public_ip: Option<String>,
    border_group: Option<String>,
}

impl Action for ReleaseAddress {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let allocation = p.string("AllocationId");
        let public_ip = p.string("PublicIp");
        let border_group = p.string("NetworkBorderGroup");
        call.finish()?;
        Ok(ReleaseAddress {
            allocation,
            public_ip,
            border_group,
        })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        write_return(w);
    }
}

impl Write for ReleaseAddress {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        let allocation = named_address(world, &self.allocation, &self.public_ip)?;
        if let Some(group) = &self.border_group {
            if group != world.region().name {
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "Invalid network border group '{group}'"
                )));
            }
        }
        world.release_address(allocation)
    }
}

pub struct DescribeAddresses {
    query: Query,
    public_ips: Vec<String>,
}

impl Action for DescribeAddresses {
    type Output = Found<AddressView>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        // Not paginated: EC2's DescribeAddresses has no MaxResults or NextToken.
        let query = Query {
            ids: p.string_list("AllocationId"),
            filters: parse_filters(&p)?,
            ..Query::default()
        };
        let public_ips = p.string_list("PublicIp");
        call.finish()?;
        Ok(DescribeAddresses { query, public_ips })
    }

    fn render(found: &Self::Output, w: &mut XmlWriter) {
        found.render(w, "addressesSet", write_address);
    }
}

impl Read for DescribeAddresses {
    fn read(mut self, world: &World) -> Ec2Result<Self::Output> {
        for ip in &self.public_ips {
            let id = world.elastic_ip_by_address(ip)?.allocation_id.to_string();
            if !self.query.ids.contains(&id) {
                self.query.ids.push(id);
            }
        }
        self.query
            .run(world.elastic_ips(), |a| world.address_view(a))
    }
}

fn write_address(w: &mut XmlWriter, v: &AddressView) {
    let a = &v.address;
    w.text("publicIp", a.public_ip);
    w.text("allocationId", a.allocation_id);
    w.text("domain", "vpc");
    w.opt("instanceId", v.instance_id);
    if let Some(assoc) = &a.association {
        w.text("associationId", assoc.id);
        w.text("networkInterfaceId", assoc.network_interface_id);
        w.opt(
            "networkInterfaceOwnerId",
            v.network_interface_owner_id.as_deref(),
        );
        w.text("privateIpAddress", assoc.private_ip);
    }
    write_tag_set(w, &a.tags);
    w.text("publicIpv4Pool", "amazon");
    w.text("networkBorderGroup", &a.network_border_group);
}
