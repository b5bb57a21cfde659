//! VPCs: creation with an IPv4 block and an optional Amazon-provided IPv6 /56, lookup, deletion.

use std::net::Ipv6Addr;
use std::sync::Arc;

use ipnet::{Ipv4Net, Ipv6Net};
use rand::Rng;

use crate::error::{Ec2Error, Ec2Result};
use crate::model::filters::Filterable;
use crate::model::ids::{DhcpOptionsId, ResourceId, SecurityGroupId, VpcCidrAssociationId, VpcId};
use crate::model::random::Stream;
use crate::model::security_groups::SecurityGroup;
use crate::model::tags::{Tag, Tags};
use crate::model::world::draw_id;
use crate::model::World;

/// VPC IPv4 blocks must be between /16 and /28.
pub const VPC_PREFIX_RANGE: std::ops::RangeInclusive<u8> = 16..=28;

#[derive(Debug, Clone)]
pub struct Vpc {
    pub id: VpcId,
    pub owner_id: String,
    pub cidr: Ipv4Net,
    pub cidr_association_id: VpcCidrAssociationId,
    pub ipv6: Option<VpcIpv6Block>,
    pub is_default: bool,
    pub instance_tenancy: String,
    /// The DHCP options set the VPC uses; `None`: none (`default` on the wire).
    pub dhcp_options_id: Option<DhcpOptionsId>,
    /// The Amazon DNS server answers in the VPC (`enableDnsSupport`).
    pub enable_dns_support: bool,
    /// Instances with a public address get a public DNS name (`enableDnsHostnames`).
    pub enable_dns_hostnames: bool,
    pub enable_network_address_usage_metrics: bool,
    pub tags: Tags,
}

/// The attributes DescribeVpcAttribute and ModifyVpcAttribute name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VpcAttribute {
    EnableDnsSupport,
    EnableDnsHostnames,
    EnableNetworkAddressUsageMetrics,
}

impl VpcAttribute {
    pub const ALL: [VpcAttribute; 3] = [
        VpcAttribute::EnableDnsSupport,
        VpcAttribute::EnableDnsHostnames,
        VpcAttribute::EnableNetworkAddressUsageMetrics,
    ];

    /// The name on the wire, as `Attribute` takes it and the reply's element is called.
    pub fn as_str(self) -> &'static str {
        match self {
            VpcAttribute::EnableDnsSupport => "enableDnsSupport",
            VpcAttribute::EnableDnsHostnames => "enableDnsHostnames",
            VpcAttribute::EnableNetworkAddressUsageMetrics => "enableNetworkAddressUsageMetrics",
        }
    }

    pub fn parse(value: &str) -> Option<VpcAttribute> {
        VpcAttribute::ALL.into_iter().find(|a| a.as_str() == value)
    }
}

impl Vpc {
    /// `dhcpOptionsId` as EC2 writes it: the set's ID, or `default` for none.
    pub fn dhcp_options_wire(&self) -> String {
        self.dhcp_options_id
            .map_or_else(|| "default".to_owned(), |id| id.to_string())
    }

    pub fn attribute(&self, attribute: VpcAttribute) -> bool {
        match attribute {
            VpcAttribute::EnableDnsSupport => self.enable_dns_support,
            VpcAttribute::EnableDnsHostnames => self.enable_dns_hostnames,
            VpcAttribute::EnableNetworkAddressUsageMetrics => {
                self.enable_network_address_usage_metrics
            }
        }
    }

    fn attribute_mut(&mut self, attribute: VpcAttribute) -> &mut bool {
        match attribute {
            VpcAttribute::EnableDnsSupport => &mut self.enable_dns_support,
            VpcAttribute::EnableDnsHostnames => &mut self.enable_dns_hostnames,
            VpcAttribute::EnableNetworkAddressUsageMetrics => {
                &mut self.enable_network_address_usage_metrics
            }
        }
    }
}

impl crate::model::tagging::Tagged for Vpc {
    fn tags(&self) -> &Tags {
        &self.tags
    }
    fn tags_mut(&mut self) -> &mut Tags {
        &mut self.tags
    }
}

#[derive(Debug, Clone)]
pub struct VpcIpv6Block {
    pub association_id: VpcCidrAssociationId,
    pub cidr: Ipv6Net,
    pub network_border_group: String,
}

/// What a state file may fix about a VPC beyond CreateVpc's parameters.
#[derive(Debug, Clone, Default)]
pub struct FixedVpc {
    pub id: Option<VpcId>,
    pub cidr_association_id: Option<VpcCidrAssociationId>,
    pub ipv6: Option<VpcIpv6Block>,
    pub is_default: bool,
}

/// What CreateVpc asks for, already checked for shape by the action layer.
#[derive(Debug, Clone)]
pub struct NewVpc {
    pub cidr: Ipv4Net,
    pub amazon_provided_ipv6: bool,
    pub instance_tenancy: String,
    pub tags: Vec<Tag>,
}

impl World {
    /// Looks up a VPC, answering EC2's Malformed or NotFound error.
    pub fn vpc(&self, id: &str) -> Ec2Result<&Arc<Vpc>> {
        let id = VpcId::parse(id)?;
        self.vpcs.get(&id).ok_or_else(|| id.not_found())
    }

    /// The default VPC, if the account still has one.
    pub fn default_vpc(&self) -> Option<&Arc<Vpc>> {
        self.vpcs.values().find(|v| v.is_default)
    }

    pub fn create_vpc(&mut self, req: NewVpc) -> Ec2Result<VpcId> {
        let tags = check_new_vpc(&req)?;
        let ipv6 = if req.amazon_provided_ipv6 {
            Some(self.new_amazon_ipv6_block())
        } else {
            None
        };
        Ok(self.insert_vpc(
            None,
            req.cidr.trunc(),
            ipv6,
            false,
            &req.instance_tenancy,
            tags,
        ))
    }

    /// CreateVpc as a state file asks for it: CreateVpc's checks, and what the file may fix
    /// besides, each checked too (the ID's uniqueness; the IPv6 block a /56 that no other VPC
    /// has, from any range since the file may recreate someone else's world; one default VPC
    /// per world). `amazon_provided_ipv6` is ignored: the block is `fixed.ipv6`.
    pub fn create_vpc_fixed(&mut self, req: NewVpc, fixed: FixedVpc) -> Ec2Result<VpcId> {
        let tags = check_new_vpc(&req)?;
        if let Some(id) = &fixed.id {
            if self.vpcs.contains(id) {
                return Err(id_used_twice(id));
            }
        }
        if let Some(block) = &fixed.ipv6 {
            let cidr = block.cidr;
            if cidr.prefix_len() != 56 || cidr != cidr.trunc() {
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "The IPv6 CIDR block {cidr} of a VPC must be an aligned /56"
                )));
            }
            if let Some(other) = self.vpcs.values().find(|v| {
                v.ipv6
                    .as_ref()
                    .is_some_and(|b| b.cidr.contains(&cidr) || cidr.contains(&b.cidr))
            }) {
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "The IPv6 CIDR block {cidr} is already the block of {}",
                    other.id
                )));
            }
        }
        if fixed.is_default {
            if let Some(other) = self.default_vpc() {
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "A region has one default VPC, and {} already is",
                    other.id
                )));
            }
        }
        let id = self.insert_vpc(
            fixed.id,
            req.cidr.trunc(),
            fixed.ipv6,
            fixed.is_default,
            &req.instance_tenancy,
            tags,
        );
        if let Some(association) = fixed.cidr_association_id {
            self.vpcs
                .update(&id, |v| v.cidr_association_id = association);
        }
        Ok(id)
    }

    /// Adds a VPC and its `default` security group; used for the default VPC too. The ID is
    /// drawn unless given (a state file's, already checked).
    pub(in crate::model) fn insert_vpc(
        &mut self,
        id: Option<VpcId>,
        cidr: Ipv4Net,
        ipv6: Option<VpcIpv6Block>,
        is_default: bool,
        instance_tenancy: &str,
        tags: Tags,
    ) -> VpcId {
        let id = match id {
            Some(id) => id,
            None => draw_id(&mut self.streams, |id| self.vpcs.contains(id)),
        };
        let vpc = Vpc {
            id,
            owner_id: self.account_id.clone(),
            cidr,
            cidr_association_id: self.fresh_id(),
            ipv6,
            is_default,
            instance_tenancy: instance_tenancy.to_owned(),
            dhcp_options_id: Some(self.dhcp_options_id),
            // A new account's default VPC resolves and names its instances; a VPC you create
            // resolves but gives no public DNS names until you turn them on, as in EC2.
            enable_dns_support: true,
            enable_dns_hostnames: is_default,
            enable_network_address_usage_metrics: false,
            tags,
        };
        let has_ipv6 = vpc.ipv6.is_some();
        self.vpcs.insert(id, vpc);
        let group_id: SecurityGroupId =
            draw_id(&mut self.streams, |id| self.security_groups.contains(id));
        let group = SecurityGroup::new_default(self, group_id, id, has_ipv6);
        self.insert_security_group(group);
        // Every VPC is born with its main route table and its default network ACL.
        self.insert_route_table(id, true, Tags::default());
        self.insert_network_acl(id, true, Tags::default());
        id
    }

    /// A fresh /56 from Amazon's pool, distinct from every other VPC's block in this world.
    fn new_amazon_ipv6_block(&mut self) -> VpcIpv6Block {
        loop {
            // 2600:1fXX:XXXX:XX00::/56, the shape of Amazon-provided VPC blocks.
            let draw: u32 = self.rng(Stream::Addresses).gen();
            let bits: u128 = (0x2600_1f00u128 << 96) | (u128::from(draw) << 72);
            let cidr = Ipv6Net::new(Ipv6Addr::from(bits), 56)
                .map(|n| n.trunc())
                .unwrap_or_default();
            let taken = self
                .vpcs
                .values()
                .any(|v| v.ipv6.as_ref().is_some_and(|b| b.cidr == cidr));
            if !taken {
                return VpcIpv6Block {
                    association_id: self.fresh_id(),
                    cidr,
                    network_border_group: self.region.name.to_owned(),
                };
            }
        }
    }

    /// ModifyVpcAttribute: one attribute to one value.
    pub fn modify_vpc_attribute(
        &mut self,
        id: &str,
        attribute: VpcAttribute,
        value: bool,
    ) -> Ec2Result<()> {
        let vpc = self.vpc(id)?;
        // The reference: "You can only enable DNS hostnames if you've enabled DNS support."
        // EC2's exact code for this is not documented; the two attributes conflicting is
        // what InvalidParameterCombination means.
        if attribute == VpcAttribute::EnableDnsHostnames && value && !vpc.enable_dns_support {
            return Err(Ec2Error::InvalidParameterCombination(format!(
                "Cannot enable DNS hostnames for {} while DNS support is disabled; enable enableDnsSupport first",
                vpc.id
            )));
        }
        let id = vpc.id;
        self.vpcs
            .update(&id, |v| *v.attribute_mut(attribute) = value);
        Ok(())
    }

    /// Deletes a VPC once nothing but what came with it (its default security group, main
    /// route table and default network ACL) is left in it; those go with it.
    pub fn delete_vpc(&mut self, id: &str) -> Ec2Result<()> {
        let id = self.vpc(id)?.id;
        let has_subnets = self.subnets.values().any(|s| s.vpc_id == id);
        let has_groups = self
            .security_groups
            .values()
            .any(|g| g.vpc_id == id && !g.is_default());
        let has_gateway = self.vpc_internet_gateway(id).is_some()
            || self
                .egress_only_internet_gateways
                .values()
                .any(|g| g.vpc_id == id);
        let has_tables = self.route_tables.values().any(|t| {
            t.vpc_id == id
                && !t
                    .associations
                    .iter()
                    .any(|a| a.with == crate::model::route_tables::Associated::Main)
        });
        let has_acls = self
            .network_acls
            .values()
            .any(|a| a.vpc_id == id && !a.is_default);
        if has_subnets || has_groups || has_gateway || has_tables || has_acls {
            return Err(Ec2Error::DependencyViolation(format!(
                "The vpc '{id}' has dependencies and cannot be deleted."
            )));
        }
        let tables: Vec<_> = self
            .route_tables
            .values()
            .filter(|t| t.vpc_id == id)
            .map(|t| t.id)
            .collect();
        for table in tables {
            self.route_tables.remove(&table);
        }
        let acls: Vec<_> = self
            .network_acls
            .values()
            .filter(|a| a.vpc_id == id)
            .map(|a| a.id)
            .collect();
        for acl in acls {
            self.network_acls.remove(&acl);
        }
        self.vpcs.remove(&id);
        let groups: Vec<SecurityGroupId> = self
            .security_groups
            .values()
            .filter(|g| g.vpc_id == id)
            .map(|g| g.id)
            .collect();
        for group in groups {
            self.remove_security_group(&group);
        }
        Ok(())
    }
}

/// The state-file loader's error for an ID two entries fix.
pub(crate) fn id_used_twice(id: &impl std::fmt::Display) -> Ec2Error {
    Ec2Error::InvalidParameterValue(format!("the ID {id} is used twice"))
}

/// CreateVpc's checks that need no state; returns the VPC's tags.
fn check_new_vpc(req: &NewVpc) -> Ec2Result<Tags> {
    if !VPC_PREFIX_RANGE.contains(&req.cidr.prefix_len()) {
        return Err(Ec2Error::VpcRange(req.cidr.to_string()));
    }
    let mut tags = Tags::default();
    tags.set_all(&req.tags)?;
    Ok(tags)
}

impl Filterable for Vpc {
    // The camel-case names are the legacy ones EC2 still honours: Terraform's
    // `data "aws_vpc" { default = true }` sends `isDefault` (boto/boto3#2227,
    // aws/aws-cli#2198), and `cidr_block` sends `cidrBlock`.
    const FILTER_NAMES: &'static [&'static str] = &[
        "cidr",
        "cidrBlock",
        "dhcpOptionsId",
        "isDefault",
        "cidr-block-association.cidr-block",
        "cidr-block-association.association-id",
        "cidr-block-association.state",
        "dhcp-options-id",
        "ipv6-cidr-block-association.ipv6-cidr-block",
        "ipv6-cidr-block-association.ipv6-pool",
        "ipv6-cidr-block-association.association-id",
        "ipv6-cidr-block-association.state",
        "is-default",
        "owner-id",
        "state",
        "vpc-id",
    ];

    fn tags(&self) -> &Tags {
        &self.tags
    }

    fn filter_values(&self, name: &str) -> Vec<String> {
        let ipv6 = self.ipv6.as_ref();
        match name {
            "cidr" | "cidrBlock" | "cidr-block-association.cidr-block" => {
                vec![self.cidr.to_string()]
            }
            "cidr-block-association.association-id" => {
                vec![self.cidr_association_id.to_string()]
            }
            "cidr-block-association.state" => vec!["associated".into()],
            "ipv6-cidr-block-association.state" => {
                ipv6.map(|_| "associated".to_owned()).into_iter().collect()
            }
            "dhcp-options-id" | "dhcpOptionsId" => vec![self.dhcp_options_wire()],
            "ipv6-cidr-block-association.ipv6-cidr-block" => {
                ipv6.map(|b| b.cidr.to_string()).into_iter().collect()
            }
            "ipv6-cidr-block-association.ipv6-pool" => {
                ipv6.map(|_| "Amazon".to_owned()).into_iter().collect()
            }
            "ipv6-cidr-block-association.association-id" => ipv6
                .map(|b| b.association_id.to_string())
                .into_iter()
                .collect(),
            "is-default" | "isDefault" => vec![self.is_default.to_string()],
            "owner-id" => vec![self.owner_id.clone()],
            "state" => vec!["available".into()],
            "vpc-id" => vec![self.id.to_string()],
            _ => Vec::new(),
        }
    }
}
