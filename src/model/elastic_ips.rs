//! Public IPv4 addresses: Elastic IPs (AllocateAddress, AssociateAddress,
//! DisassociateAddress, ReleaseAddress) and the addresses EC2 assigns an instance's primary
//! interface at launch (`AssociatePublicIpAddress`, `MapPublicIpOnLaunch`).
//!
//! Both come from the region's public pool of this world, each address once. An address is
//! mapped to one private address of one interface (`PrivateIp::association`) and, for an
//! Elastic IP, the allocation records the association too; the two are changed together.
//! EC2's rules (`ec2-rules/instances-attach-eip.md`, R22–R29): the VPC needs an attached
//! internet gateway; reassociation is automatic unless `AllowReassociation` is false; a
//! second Elastic IP on a private address replaces the first, which stays allocated; an
//! associated address is not released; deleting the interface (or terminating its instance)
//! disassociates and keeps the allocation; at most [`MAX_ELASTIC_IPS`] per region.

use std::net::Ipv4Addr;
use std::sync::Arc;

use ipnet::Ipv4Net;
use rand::Rng;

use crate::error::{Ec2Error, Ec2Result};
use crate::model::filters::Filterable;
use crate::model::ids::{
    AllocationId, ElasticIpAssociationId, InstanceId, NetworkInterfaceId, ResourceId,
};
use crate::model::network_interfaces::PublicAddress;
use crate::model::random::Stream;
use crate::model::tagging::Tagged;
use crate::model::tags::{Tag, Tags};
use crate::model::world::draw_id;
use crate::model::World;

/// EC2's default quota of Elastic IPs per region (DescribeAccountAttributes'
/// `vpc-max-elastic-ips`).
pub const MAX_ELASTIC_IPS: usize = 5;

#[derive(Debug, Clone)]
pub struct ElasticIp {
    pub allocation_id: AllocationId,
    pub public_ip: Ipv4Addr,
    pub network_border_group: String,
    pub association: Option<EipAssociation>,
    pub tags: Tags,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EipAssociation {
    pub id: ElasticIpAssociationId,
    pub network_interface_id: NetworkInterfaceId,
    pub private_ip: Ipv4Addr,
}

impl Tagged for ElasticIp {
    fn tags(&self) -> &Tags {
        &self.tags
    }
    fn tags_mut(&mut self) -> &mut Tags {
        &mut self.tags
    }
}

/// An Elastic IP with what DescribeAddresses shows of its association's interface.
#[derive(Debug, Clone)]
pub struct AddressView {
    pub address: Arc<ElasticIp>,
    pub network_interface_owner_id: Option<String>,
    pub instance_id: Option<InstanceId>,
}

/// Where AssociateAddress maps an address.
#[derive(Debug, Clone)]
pub struct AssociationTarget {
    pub network_interface_id: Option<String>,
    pub instance_id: Option<String>,
    pub private_ip: Option<Ipv4Addr>,
    pub allow_reassociation: bool,
}

/// The block public addresses of a region are drawn from. Real EC2 ranges; which exact
/// ones is no API rule, so one per region is enough (others share a default one).
fn public_block(region: &str) -> Ipv4Net {
    let block = match region {
        "us-east-1" => "54.160.0.0/12",
        "us-east-2" => "3.128.0.0/12",
        "us-west-1" => "54.176.0.0/13",
        "us-west-2" => "54.184.0.0/13",
        "eu-west-1" => "54.216.0.0/14",
        "eu-central-1" => "3.64.0.0/12",
        "ap-southeast-1" => "54.251.0.0/16",
        "ap-northeast-1" => "54.248.0.0/15",
        _ => "3.0.0.0/10",
    };
    block.parse().unwrap_or_else(|_| Ipv4Net::default())
}

/// The public DNS name EC2 gives a public address (in a VPC with DNS hostnames on).
pub fn public_dns_name(region: &str, ip: Ipv4Addr) -> String {
    let o = ip.octets();
    if region == "us-east-1" {
        format!(
            "ec2-{}-{}-{}-{}.compute-1.amazonaws.com",
            o[0], o[1], o[2], o[3]
        )
    } else {
        format!(
            "ec2-{}-{}-{}-{}.{region}.compute.amazonaws.com",
            o[0], o[1], o[2], o[3]
        )
    }
}

impl World {
    pub fn elastic_ips(&self) -> &crate::model::table::Table<AllocationId, ElasticIp> {
        &self.elastic_ips
    }

    pub fn elastic_ip(&self, id: &str) -> Ec2Result<&Arc<ElasticIp>> {
        self.elastic_ips.lookup(id)
    }

    /// The Elastic IP with this public address (`PublicIp`), with EC2's answer for none.
    pub fn elastic_ip_by_address(&self, ip: &str) -> Ec2Result<&Arc<ElasticIp>> {
        let parsed: Option<Ipv4Addr> = ip.parse().ok();
        self.elastic_ips
            .values()
            .find(|e| Some(e.public_ip) == parsed)
            .ok_or_else(|| Ec2Error::InvalidAddressNotFound(format!("Address '{ip}' not found.")))
    }

    /// The address with what DescribeAddresses shows of where it is associated.
    pub fn address_view(&self, address: &Arc<ElasticIp>) -> AddressView {
        let eni = address
            .association
            .and_then(|a| self.network_interfaces.get(&a.network_interface_id));
        AddressView {
            address: address.clone(),
            network_interface_owner_id: eni.map(|e| e.owner_id.clone()),
            instance_id: eni.and_then(|e| e.attachment).map(|a| a.instance_id),
        }
    }

    /// A public address of the region no one in this world holds.
    fn draw_public_ip(&mut self) -> Ipv4Addr {
        let block = public_block(self.region.name);
        loop {
            let offset: u32 = self
                .rng(Stream::Addresses)
                .gen_range(1..block.hosts().count() as u32);
            let ip = Ipv4Addr::from(u32::from(block.network()) + offset);
            if !self.public_ips.contains(&ip) {
                self.public_ips.insert(ip, ());
                return ip;
            }
        }
    }

    /// AllocateAddress (domain `vpc`, the Amazon pool, the region's border group).
    pub fn allocate_address(&mut self, tags: &[Tag]) -> Ec2Result<Arc<ElasticIp>> {
        if self.elastic_ips.len() >= MAX_ELASTIC_IPS {
            return Err(Ec2Error::AddressLimitExceeded);
        }
        let mut address_tags = Tags::default();
        address_tags.set_all(tags)?;
        let allocation_id: AllocationId =
            draw_id(&mut self.streams, |id| self.elastic_ips.contains(id));
        let public_ip = self.draw_public_ip();
        self.elastic_ips.insert(
            allocation_id,
            ElasticIp {
                allocation_id,
                public_ip,
                network_border_group: self.region.name.to_owned(),
                association: None,
                tags: address_tags,
            },
        );
        self.elastic_ips.fetch(&allocation_id)
    }

    /// AssociateAddress: maps the address to a private address of an interface (its
    /// primary one unless named), or of an instance's only interface.
    pub fn associate_address(
        &mut self,
        allocation: AllocationId,
        target: &AssociationTarget,
    ) -> Ec2Result<ElasticIpAssociationId> {
        let address = self.elastic_ips.fetch(&allocation)?;
        let eni = match (&target.network_interface_id, &target.instance_id) {
            (Some(eni), _) => self.network_interface(eni)?.clone(),
            (None, Some(instance)) => {
                let instance = self.instance(instance)?.clone();
                if instance.interfaces.len() > 1 {
                    return Err(Ec2Error::InvalidInstanceId(format!(
                        "There are multiple interfaces attached to instance '{}'. Please specify an interface ID for the operation instead.",
                        instance.id
                    )));
                }
                let Some(primary) = instance.primary_interface() else {
                    return Err(Ec2Error::InvalidInstanceId(format!(
                        "The terminated instance '{}' is not in a valid state for this operation.",
                        instance.id
                    )));
                };
                self.network_interfaces.fetch(&primary)?
            }
            (None, None) => {
                return Err(Ec2Error::MissingParameter(
                    "Either instance ID or network interface ID must be specified".into(),
                ))
            }
        };
        if self.vpc_internet_gateway(eni.vpc_id).is_none() {
            return Err(Ec2Error::GatewayNotAttached(format!(
                "Network {} is not attached to any internet gateway",
                eni.vpc_id
            )));
        }
        let private_ip = match target.private_ip {
            Some(ip) => {
                if !eni.private_ips.iter().any(|p| p.address == ip) {
                    return Err(Ec2Error::InvalidParameterValue(format!(
                        "The private IP address {ip} is not assigned to network interface {}",
                        eni.id
                    )));
                }
                ip
            }
            None => eni.primary_ip().ok_or_else(|| {
                Ec2Error::InvalidParameterValue(format!(
                    "Network interface {} has no private IPv4 address",
                    eni.id
                ))
            })?,
        };
        if let Some(current) = address.association {
            if current.network_interface_id == eni.id && current.private_ip == private_ip {
                return Ok(current.id);
            }
            if !target.allow_reassociation {
                return Err(Ec2Error::ResourceAlreadyAssociated(format!(
                    "resource {} is already associated with associate-id {}",
                    address.allocation_id, current.id
                )));
            }
            self.disassociate(allocation);
        }
        // What the private address had (another Elastic IP, or EC2's launch address) gives
        // way: the other Elastic IP stays allocated, a launch address goes back to the pool.
        let before = eni
            .private_ips
            .iter()
            .find(|p| p.address == private_ip)
            .and_then(|p| p.association);
        match before {
            Some(PublicAddress {
                elastic: Some((other, _)),
                ..
            }) => self.disassociate(other),
            Some(PublicAddress {
                public_ip,
                elastic: None,
            }) => {
                self.public_ips.remove(&public_ip);
            }
            None => {}
        }
        let id: ElasticIpAssociationId = self.fresh_id();
        let association = EipAssociation {
            id,
            network_interface_id: eni.id,
            private_ip,
        };
        self.elastic_ips
            .update(&allocation, |a| a.association = Some(association));
        let public_ip = address.public_ip;
        self.network_interfaces.update(&eni.id, |e| {
            if let Some(p) = e.private_ips.iter_mut().find(|p| p.address == private_ip) {
                p.association = Some(PublicAddress {
                    public_ip,
                    elastic: Some((allocation, id)),
                });
            }
        });
        Ok(id)
    }

    /// The allocation an association ID names.
    pub fn association(&self, id: &str) -> Ec2Result<AllocationId> {
        let id = ElasticIpAssociationId::parse(id)?;
        self.elastic_ips
            .values()
            .find(|a| a.association.is_some_and(|x| x.id == id))
            .map(|a| a.allocation_id)
            .ok_or_else(|| id.not_found())
    }

    /// DisassociateAddress.
    pub fn disassociate_address(&mut self, allocation: AllocationId) -> Ec2Result<()> {
        self.disassociate(allocation);
        Ok(())
    }

    /// Unmaps an Elastic IP from whatever private address holds it.
    pub(in crate::model) fn disassociate(&mut self, allocation: AllocationId) {
        let Some(association) = self
            .elastic_ips
            .get(&allocation)
            .and_then(|a| a.association)
        else {
            return;
        };
        self.elastic_ips
            .update(&allocation, |a| a.association = None);
        self.network_interfaces
            .update(&association.network_interface_id, |e| {
                for p in e.private_ips.iter_mut() {
                    if p.association
                        .is_some_and(|x| x.elastic.is_some_and(|(a, _)| a == allocation))
                    {
                        p.association = None;
                    }
                }
            });
    }

    /// ReleaseAddress: refused while associated.
    pub fn release_address(&mut self, allocation: AllocationId) -> Ec2Result<()> {
        let address = self.elastic_ips.fetch(&allocation)?;
        if address.association.is_some() {
            return Err(Ec2Error::AddressInUse(format!(
                "Address '{}' is in use.",
                address.public_ip
            )));
        }
        self.elastic_ips.remove(&allocation);
        self.public_ips.remove(&address.public_ip);
        Ok(())
    }

    /// Disassociates every Elastic IP of an interface (it is being deleted), and gives a
    /// launch address back.
    pub(in crate::model) fn release_interface_public_ips(&mut self, eni: NetworkInterfaceId) {
        let Some(e) = self.network_interfaces.get(&eni).cloned() else {
            return;
        };
        for p in &e.private_ips {
            match p.association {
                Some(PublicAddress {
                    elastic: Some((allocation, _)),
                    ..
                }) => self.disassociate(allocation),
                Some(PublicAddress {
                    public_ip,
                    elastic: None,
                }) => {
                    self.public_ips.remove(&public_ip);
                }
                None => {}
            }
        }
    }

    /// Gives a launching (or starting) instance's primary address a public address EC2
    /// owns, unless an Elastic IP already maps it.
    pub(in crate::model) fn assign_launch_public_ip(
        &mut self,
        instance: InstanceId,
    ) -> Ec2Result<()> {
        let Some(eni) = self
            .instances
            .get(&instance)
            .and_then(|i| i.primary_interface())
        else {
            return Ok(());
        };
        let Some(primary) = self
            .network_interfaces
            .get(&eni)
            .and_then(|e| e.private_ips.iter().find(|p| p.primary).copied())
        else {
            return Ok(());
        };
        if primary.association.is_some() {
            return Ok(());
        }
        let public_ip = self.draw_public_ip();
        self.network_interfaces.update(&eni, |e| {
            if let Some(p) = e.private_ips.iter_mut().find(|p| p.primary) {
                p.association = Some(PublicAddress {
                    public_ip,
                    elastic: None,
                });
            }
        });
        Ok(())
    }

    /// Gives back the public address EC2 assigned an instance's primary interface (at stop
    /// and termination); Elastic IPs stay.
    pub(in crate::model) fn release_launch_public_ip(&mut self, instance: InstanceId) {
        let Some(eni) = self
            .instances
            .get(&instance)
            .and_then(|i| i.primary_interface())
        else {
            return;
        };
        let mut released = Vec::new();
        self.network_interfaces.update(&eni, |e| {
            for p in e.private_ips.iter_mut() {
                if let Some(PublicAddress {
                    public_ip,
                    elastic: None,
                }) = p.association
                {
                    released.push(public_ip);
                    p.association = None;
                }
            }
        });
        for ip in released {
            self.public_ips.remove(&ip);
        }
    }
}

impl Filterable for AddressView {
    const FILTER_NAMES: &'static [&'static str] = &[
        "allocation-id",
        "association-id",
        "domain",
        "instance-id",
        "network-border-group",
        "network-interface-id",
        "network-interface-owner-id",
        "private-ip-address",
        "public-ip",
        "public-ipv4-pool",
    ];

    fn tags(&self) -> &Tags {
        &self.address.tags
    }

    fn filter_values(&self, name: &str) -> Vec<String> {
        let a = &self.address;
        let assoc = a.association;
        match name {
            "allocation-id" => vec![a.allocation_id.to_string()],
            "association-id" => assoc.map(|x| x.id.to_string()).into_iter().collect(),
            "domain" => vec!["vpc".into()],
            "instance-id" => self
                .instance_id
                .map(|i| i.to_string())
                .into_iter()
                .collect(),
            "network-border-group" => vec![a.network_border_group.clone()],
            "network-interface-id" => assoc
                .map(|x| x.network_interface_id.to_string())
                .into_iter()
                .collect(),
            "network-interface-owner-id" => self
                .network_interface_owner_id
                .clone()
                .into_iter()
                .collect(),
            "private-ip-address" => assoc
                .map(|x| x.private_ip.to_string())
                .into_iter()
                .collect(),
            "public-ip" => vec![a.public_ip.to_string()],
            "public-ipv4-pool" => vec!["amazon".into()],
            _ => Vec::new(),
        }
    }
}
