//! Subnets: placement in a VPC and a zone, their address pools, attributes and deletion.

use std::sync::Arc;

use ipnet::{Ipv4Net, Ipv6Net};
use rand::seq::SliceRandom;

use crate::error::{Ec2Error, Ec2Result};
use crate::model::allocator::{Ipv4Pool, Ipv6Pool};
use crate::model::filters::Filterable;
use crate::model::ids::{ResourceId, SubnetCidrAssociationId, SubnetId, VpcId};
use crate::model::random::Stream;
use crate::model::regions::Zone;
use crate::model::tags::{Tag, Tags};
use crate::model::vpcs::id_used_twice;
use crate::model::world::draw_id;
use crate::model::World;

/// Subnet IPv4 blocks must be between /16 and /28.
pub const SUBNET_PREFIX_RANGE: std::ops::RangeInclusive<u8> = 16..=28;
/// Subnet IPv6 blocks are always /64.
pub const SUBNET_IPV6_PREFIX: u8 = 64;

/// A subnet as Describe shows it. Its address pools are kept by the world beside it
/// (`World::ipv4_pool`), so handing out an address never copies the subnet.
#[derive(Debug, Clone)]
pub struct Subnet {
    pub id: SubnetId,
    pub owner_id: String,
    pub vpc_id: VpcId,
    pub zone: &'static Zone,
    pub cidr: Ipv4Net,
    pub ipv6: Option<SubnetIpv6Block>,
    pub default_for_az: bool,
    pub map_public_ip_on_launch: bool,
    pub assign_ipv6_address_on_creation: bool,
    pub map_customer_owned_ip_on_launch: bool,
    pub enable_dns64: bool,
    pub hostname_type: HostnameType,
    pub enable_resource_name_dns_a_record: bool,
    pub enable_resource_name_dns_aaaa_record: bool,
    pub enable_lni_at_device_index: Option<i64>,
    pub tags: Tags,
}

impl crate::model::tagging::Tagged for Subnet {
    fn tags(&self) -> &Tags {
        &self.tags
    }
    fn tags_mut(&mut self) -> &mut Tags {
        &mut self.tags
    }
}

#[derive(Debug, Clone)]
pub struct SubnetIpv6Block {
    pub association_id: SubnetCidrAssociationId,
    pub cidr: Ipv6Net,
}

/// How instances launched in the subnet are named in private DNS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostnameType {
    IpName,
    ResourceName,
}

impl HostnameType {
    pub fn as_str(self) -> &'static str {
        match self {
            HostnameType::IpName => "ip-name",
            HostnameType::ResourceName => "resource-name",
        }
    }
}

/// Where the subnet goes: a zone name, a zone ID, or the world's choice.
#[derive(Debug, Clone)]
pub enum ZoneChoice {
    Name(String),
    Id(String),
    Any,
}

/// What CreateSubnet asks for, already checked for shape by the action layer.
#[derive(Debug, Clone)]
pub struct NewSubnet {
    pub vpc_id: String,
    pub cidr: Ipv4Net,
    pub ipv6_cidr: Option<Ipv6Net>,
    pub zone: ZoneChoice,
    pub tags: Vec<Tag>,
}

/// The boolean (and one integer) attributes ModifySubnetAttribute changes; `None` = unchanged.
#[derive(Debug, Clone, Default)]
pub struct SubnetAttributes {
    pub assign_ipv6_address_on_creation: Option<bool>,
    pub map_public_ip_on_launch: Option<bool>,
    pub map_customer_owned_ip_on_launch: Option<bool>,
    pub enable_dns64: Option<bool>,
    pub hostname_type: Option<HostnameType>,
    pub enable_resource_name_dns_a_record: Option<bool>,
    pub enable_resource_name_dns_aaaa_record: Option<bool>,
    pub enable_lni_at_device_index: Option<i64>,
    pub disable_lni_at_device_index: Option<bool>,
}

impl Subnet {
    pub fn new(
        id: SubnetId,
        owner_id: &str,
        vpc_id: VpcId,
        zone: &'static Zone,
        cidr: Ipv4Net,
    ) -> Self {
        Subnet {
            id,
            owner_id: owner_id.to_owned(),
            vpc_id,
            zone,
            cidr,
            ipv6: None,
            default_for_az: false,
            map_public_ip_on_launch: false,
            assign_ipv6_address_on_creation: false,
            map_customer_owned_ip_on_launch: false,
            enable_dns64: false,
            hostname_type: HostnameType::IpName,
            enable_resource_name_dns_a_record: false,
            enable_resource_name_dns_aaaa_record: false,
            enable_lni_at_device_index: None,
            tags: Tags::default(),
        }
    }

    pub fn ipv6_cidr(&self) -> Option<Ipv6Net> {
        self.ipv6.as_ref().map(|b| b.cidr)
    }

    pub fn arn(&self) -> String {
        format!(
            "arn:aws:ec2:{}:{}:subnet/{}",
            self.zone.region_name(),
            self.owner_id,
            self.id
        )
    }
}

/// A subnet with what its pools say: what DescribeSubnets shows and filters on.
#[derive(Debug, Clone)]
pub struct SubnetView {
    pub subnet: Arc<Subnet>,
    pub available_ip_address_count: u32,
}

impl World {
    /// Looks up a subnet, answering EC2's Malformed or NotFound error.
    pub fn subnet(&self, id: &str) -> Ec2Result<&Arc<Subnet>> {
        let id = SubnetId::parse(id)?;
        self.subnets.get(&id).ok_or_else(|| id.not_found())
    }

    /// The subnet with what its pools say, for DescribeSubnets.
    pub fn subnet_view(&self, subnet: &Arc<Subnet>) -> SubnetView {
        SubnetView {
            subnet: subnet.clone(),
            available_ip_address_count: self
                .ipv4_pools
                .get(&subnet.id)
                .map_or(0, Ipv4Pool::available),
        }
    }

    /// True while any address or prefix of the subnet is handed out.
    pub fn subnet_has_addresses_in_use(&self, subnet: &Subnet) -> bool {
        let usable_v4 = (1u32 << (32 - subnet.cidr.prefix_len())) - 5;
        let v4_used = self
            .ipv4_pools
            .get(&subnet.id)
            .is_some_and(|p| p.available() != usable_v4);
        let v6_used = self
            .ipv6_pools
            .get(&subnet.id)
            .is_some_and(|p| p.in_use() > 0 || p.delegated_prefixes() > 0);
        v4_used || v6_used
    }

    pub fn create_subnet(&mut self, req: NewSubnet) -> Ec2Result<SubnetId> {
        self.create_subnet_with_id(req, None)
    }

    /// CreateSubnet, with the ID a state file fixes instead of a drawn one.
    pub fn create_subnet_with_id(
        &mut self,
        req: NewSubnet,
        id: Option<SubnetId>,
    ) -> Ec2Result<SubnetId> {
        if let Some(id) = &id {
            if self.subnets.contains(id) {
                return Err(id_used_twice(id));
            }
        }
        let vpc = self.vpc(&req.vpc_id)?.clone();
        let cidr = req.cidr;
        if !SUBNET_PREFIX_RANGE.contains(&cidr.prefix_len())
            || cidr != cidr.trunc()
            || !vpc.cidr.contains(&cidr)
        {
            return Err(Ec2Error::SubnetRange(cidr.to_string()));
        }
        let siblings: Vec<&Arc<Subnet>> = self
            .subnets
            .values()
            .filter(|s| s.vpc_id == vpc.id)
            .collect();
        if let Some(other) = siblings
            .iter()
            .find(|s| s.cidr.contains(&cidr) || cidr.contains(&s.cidr))
        {
            return Err(Ec2Error::SubnetConflict {
                cidr: cidr.to_string(),
                with: Some(format!("{} ({})", other.id, other.cidr)),
            });
        }
        if let Some(v6) = req.ipv6_cidr {
            let Some(vpc_block) = &vpc.ipv6 else {
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "The VPC '{}' has no IPv6 CIDR block; the subnet cannot be given '{v6}'",
                    vpc.id
                )));
            };
            if v6.prefix_len() != SUBNET_IPV6_PREFIX
                || v6 != v6.trunc()
                || !vpc_block.cidr.contains(&v6)
            {
                return Err(Ec2Error::SubnetRange(v6.to_string()));
            }
            if let Some(other) = siblings.iter().find(|s| s.ipv6_cidr() == Some(v6)) {
                return Err(Ec2Error::SubnetConflict {
                    cidr: v6.to_string(),
                    with: Some(other.id.to_string()),
                });
            }
        }
        let zone = self.choose_zone(&req.zone)?;
        let mut tags = Tags::default();
        tags.set_all(&req.tags)?;
        let zone = match zone {
            Some(z) => z,
            None => {
                let zones = self.region.zones;
                zones.choose(self.rng(Stream::Placement)).ok_or_else(|| {
                    Ec2Error::InvalidParameterValue("The region has no zones".into())
                })?
            }
        };
        let id = match id {
            Some(id) => id,
            None => draw_id(&mut self.streams, |id| self.subnets.contains(id)),
        };
        let mut subnet = Subnet::new(id, &self.account_id, vpc.id, zone, cidr);
        subnet.tags = tags;
        self.ipv4_pools.add(id, Ipv4Pool::new(cidr));
        if let Some(v6) = req.ipv6_cidr {
            subnet.ipv6 = Some(SubnetIpv6Block {
                association_id: self.fresh_id(),
                cidr: v6,
            });
            self.ipv6_pools.add(id, Ipv6Pool::new(v6));
        }
        self.subnets.insert(id, subnet);
        // A new subnet uses its VPC's default network ACL (and, having no association of
        // its own, the main route table).
        if let Some(acl) = self.default_network_acl(vpc.id).map(|a| a.id) {
            self.associate_network_acl(acl, id);
        }
        Ok(id)
    }

    /// Resolves an explicit zone; `Ok(None)` leaves the choice to `create_subnet`.
    fn choose_zone(&self, choice: &ZoneChoice) -> Ec2Result<Option<&'static Zone>> {
        let zones = self.region.zones;
        let listed = || zones.iter().map(|z| z.name).collect::<Vec<_>>().join(", ");
        match choice {
            ZoneChoice::Any => Ok(None),
            ZoneChoice::Name(name) => match zones.iter().find(|z| z.name == name) {
                Some(z) => Ok(Some(z)),
                None => Err(Ec2Error::InvalidParameterValue(format!(
                    "Value ({name}) for parameter availabilityZone is invalid. \
                     Subnets can currently only be created in the following availability zones: {}.",
                    listed()
                ))),
            },
            ZoneChoice::Id(id) => match zones.iter().find(|z| z.id == id) {
                Some(z) => Ok(Some(z)),
                None => Err(Ec2Error::InvalidParameterValue(format!(
                    "Value ({id}) for parameter availabilityZoneId is invalid. \
                     Subnets can currently only be created in the following availability zones: {}.",
                    listed()
                ))),
            },
        }
    }

    /// Deletes a subnet once no address in it is in use.
    pub fn delete_subnet(&mut self, id: &str) -> Ec2Result<()> {
        let subnet = self.subnet(id)?.clone();
        let id = subnet.id;
        // An efa-only interface holds no address, so the pools alone cannot tell.
        let has_interfaces = self.network_interfaces.values().any(|e| e.subnet_id == id);
        if self.subnet_has_addresses_in_use(&subnet) || has_interfaces {
            return Err(Ec2Error::DependencyViolation(format!(
                "The subnet '{id}' has dependencies and cannot be deleted."
            )));
        }
        self.subnets.remove(&id);
        self.ipv4_pools.remove(&id);
        self.ipv6_pools.remove(&id);
        self.forget_subnet_route_association(id);
        self.forget_subnet_acl_association(id);
        Ok(())
    }

    pub fn modify_subnet_attribute(&mut self, id: &str, attrs: SubnetAttributes) -> Ec2Result<()> {
        let subnet = self.subnet(id)?;
        let id = subnet.id;
        // The IPv6 attributes can only be turned on in a subnet with an IPv6 block, in
        // EC2's words (terraform-aws-modules/terraform-aws-vpc#735 and #930,
        // hashicorp/terraform-provider-aws#32410).
        if subnet.ipv6.is_none() {
            let needs_ipv6 = [
                (
                    attrs.assign_ipv6_address_on_creation,
                    "assign-ipv6-address-on-creation",
                ),
                (attrs.enable_dns64, "enable-dns64"),
                (
                    attrs.enable_resource_name_dns_aaaa_record,
                    "enable-resource-name-dns-aaaa-record-on-launch",
                ),
            ];
            if let Some((_, name)) = needs_ipv6.iter().find(|(v, _)| *v == Some(true)) {
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "Invalid value 'true' for {name}. Cannot set {name} to true unless the \
                     subnet ({id}) has an IPv6 CIDR block associated with it."
                )));
            }
        }
        self.subnets.update(&id, |subnet| attrs.apply(subnet));
        Ok(())
    }
}

impl SubnetAttributes {
    fn apply(&self, subnet: &mut Subnet) {
        let attrs = self;
        let set = |field: &mut bool, v: Option<bool>| {
            if let Some(v) = v {
                *field = v;
            }
        };
        set(
            &mut subnet.assign_ipv6_address_on_creation,
            attrs.assign_ipv6_address_on_creation,
        );
        set(
            &mut subnet.map_public_ip_on_launch,
            attrs.map_public_ip_on_launch,
        );
        set(
            &mut subnet.map_customer_owned_ip_on_launch,
            attrs.map_customer_owned_ip_on_launch,
        );
        set(&mut subnet.enable_dns64, attrs.enable_dns64);
        set(
            &mut subnet.enable_resource_name_dns_a_record,
            attrs.enable_resource_name_dns_a_record,
        );
        set(
            &mut subnet.enable_resource_name_dns_aaaa_record,
            attrs.enable_resource_name_dns_aaaa_record,
        );
        if let Some(h) = attrs.hostname_type {
            subnet.hostname_type = h;
        }
        if let Some(i) = attrs.enable_lni_at_device_index {
            subnet.enable_lni_at_device_index = Some(i);
        }
        if attrs.disable_lni_at_device_index == Some(true) {
            subnet.enable_lni_at_device_index = None;
        }
    }
}

impl Filterable for SubnetView {
    const FILTER_NAMES: &'static [&'static str] = &[
        "availability-zone",
        "availabilityZone",
        "availability-zone-id",
        "availabilityZoneId",
        "available-ip-address-count",
        "cidr",
        "cidr-block",
        "cidrBlock",
        "customer-owned-ipv4-pool",
        "default-for-az",
        "defaultForAz",
        "enable-dns64",
        "enable-lni-at-device-index",
        "ipv6-cidr-block-association.ipv6-cidr-block",
        "ipv6-cidr-block-association.association-id",
        "ipv6-cidr-block-association.state",
        "ipv6-native",
        "map-public-ip-on-launch",
        "map-customer-owned-ip-on-launch",
        "outpost-arn",
        "owner-id",
        "private-dns-name-options-on-launch.hostname-type",
        "private-dns-name-options-on-launch.enable-resource-name-dns-a-record",
        "private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record",
        "state",
        "subnet-arn",
        "subnet-id",
        "vpc-id",
    ];

    fn tags(&self) -> &Tags {
        &self.subnet.tags
    }

    fn filter_values(&self, name: &str) -> Vec<String> {
        let available = self.available_ip_address_count;
        let s = &*self.subnet;
        let ipv6 = s.ipv6.as_ref();
        let one = |v: String| vec![v];
        match name {
            "availability-zone" | "availabilityZone" => one(s.zone.name.into()),
            "availability-zone-id" | "availabilityZoneId" => one(s.zone.id.into()),
            // Outposts and customer-owned pools are not modelled: no subnet has one.
            "customer-owned-ipv4-pool" | "outpost-arn" => Vec::new(),
            "enable-lni-at-device-index" => s
                .enable_lni_at_device_index
                .map(|i| i.to_string())
                .into_iter()
                .collect(),
            "available-ip-address-count" => one(available.to_string()),
            "cidr" | "cidr-block" | "cidrBlock" => one(s.cidr.to_string()),
            "default-for-az" | "defaultForAz" => one(s.default_for_az.to_string()),
            "enable-dns64" => one(s.enable_dns64.to_string()),
            "ipv6-cidr-block-association.ipv6-cidr-block" => {
                ipv6.map(|b| b.cidr.to_string()).into_iter().collect()
            }
            "ipv6-cidr-block-association.association-id" => ipv6
                .map(|b| b.association_id.to_string())
                .into_iter()
                .collect(),
            "ipv6-cidr-block-association.state" => {
                ipv6.map(|_| "associated".to_owned()).into_iter().collect()
            }
            "ipv6-native" => one("false".into()),
            "map-public-ip-on-launch" => one(s.map_public_ip_on_launch.to_string()),
            "map-customer-owned-ip-on-launch" => one(s.map_customer_owned_ip_on_launch.to_string()),
            "private-dns-name-options-on-launch.hostname-type" => {
                one(s.hostname_type.as_str().into())
            }
            "private-dns-name-options-on-launch.enable-resource-name-dns-a-record" => {
                one(s.enable_resource_name_dns_a_record.to_string())
            }
            "private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record" => {
                one(s.enable_resource_name_dns_aaaa_record.to_string())
            }
            "owner-id" => one(s.owner_id.clone()),
            "state" => one("available".into()),
            "subnet-arn" => one(s.arn()),
            "subnet-id" => one(s.id.to_string()),
            "vpc-id" => one(s.vpc_id.to_string()),
            _ => Vec::new(),
        }
    }
}
