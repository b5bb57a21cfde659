//! Import: a world built from its snapshot through the model's own operations (CreateVpc,
//! CreateSubnet, ModifySubnetAttribute, CreateSecurityGroup, AuthorizeSecurityGroup*,
//! CreateNetworkInterface, CreateNetworkInterfacePermission, and for routing the calls
//! [`routing`] names, with the ID-fixing variants), so
//! every rule the API enforces is enforced on a file too, and a refusal names the entry.

use std::collections::{HashMap, HashSet};
use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{Ipv4Net, Ipv6Net};

mod routing;

use super::format::*;
use crate::error::{AddressProblem, Ec2Error};
use crate::model::allocator::{IPV4_PREFIX_LEN, IPV6_PREFIX_LEN};
use crate::model::clock::Clock;
use crate::model::dhcp_options::check_configurations;
use crate::model::ids::{
    parse_mac, DhcpOptionsId, InterfacePermissionId, NetworkInterfaceId, ResourceId,
    SecurityGroupId, SecurityGroupRuleId, SubnetId, VpcCidrAssociationId, VpcId,
};
use crate::model::interface_attributes::AttributeChange;
use crate::model::interface_permissions::{Grantee, PermissionType};
use crate::model::network_interfaces::{
    ConnectionTracking, InterfaceType, NewNetworkInterface, MAX_IPV4_PER_INTERFACE,
    MAX_IPV6_PER_INTERFACE,
};
use crate::model::regions::Region;
use crate::model::security_groups::{
    normalize_ports, normalize_protocol, GroupSelector, NewSecurityGroup, PeerSpec, RuleSpec,
    DEFAULT_GROUP_NAME,
};
use crate::model::subnets::{HostnameType, NewSubnet, SubnetAttributes, ZoneChoice};
use crate::model::tags::{Tag, Tags};
use crate::model::vpcs::{FixedVpc, NewVpc, VpcAttribute, VpcIpv6Block};
use crate::model::{world_seed, World, WorldKey};
use crate::values::{
    check_group_text, check_rule_description, delegated_prefix, file_block_v4, file_block_v6,
    is_account_id, MAX_INTERFACE_DESCRIPTION,
};

/// Builds the world a snapshot describes, checking it as the API would check the requests
/// that make it. `seed` is the world's seed (see the module docs for how it is mixed).
pub fn import_world(
    account_id: &str,
    region: &'static Region,
    snapshot: &WorldSnapshot,
    seed: u64,
    clock: Clock,
) -> Result<World, LoadError> {
    let seed = seed ^ digest(&serde_json::to_vec(snapshot).unwrap_or_default());
    let mut world = if snapshot.default_vpc {
        World::new(account_id, region, seed, clock)
    } else {
        World::without_defaults(account_id, region, seed, clock)
    };
    let mut import = Import {
        world: &mut world,
        path: format!("accounts[{account_id}].regions[{}]", region.name),
    };
    import.dhcp_options(snapshot.dhcp_options_id.as_deref())?;
    for (i, set) in snapshot.dhcp_options.iter().enumerate() {
        import.dhcp_options_set(i, set)?;
    }
    for (i, vpc) in snapshot.vpcs.iter().enumerate() {
        import.vpc(i, vpc)?;
    }
    for (i, subnet) in snapshot.subnets.iter().enumerate() {
        import.subnet(i, subnet)?;
    }
    // Before the rules and routes that may name them.
    for (i, list) in snapshot.prefix_lists.iter().enumerate() {
        import.prefix_list(i, list)?;
    }
    for (i, gateway) in snapshot.internet_gateways.iter().enumerate() {
        import.internet_gateway(i, gateway)?;
    }
    for (i, gateway) in snapshot.egress_only_internet_gateways.iter().enumerate() {
        import.egress_only_internet_gateway(i, gateway)?;
    }
    // Groups first, rules second: a rule may name any group of its VPC, listed later too.
    let mut group_ids = Vec::with_capacity(snapshot.security_groups.len());
    let mut default_groups = HashMap::new();
    for (i, group) in snapshot.security_groups.iter().enumerate() {
        group_ids.push(import.group(i, group, &mut default_groups)?);
    }
    for ((i, group), id) in snapshot.security_groups.iter().enumerate().zip(&group_ids) {
        import.rules(i, group, *id)?;
    }
    // Interfaces that name their addresses first, those that leave the primary to the
    // world after: a drawn address then never takes one that a later entry names, so
    // whether a file loads does not depend on the seed.
    let (named, drawn): (Vec<_>, Vec<_>) = snapshot
        .network_interfaces
        .iter()
        .enumerate()
        .partition(|(_, e)| {
            !e.private_ip_addresses.is_empty()
                || e.interface_type.as_deref() == Some(InterfaceType::EfaOnly.as_str())
        });
    for (i, eni) in named.into_iter().chain(drawn) {
        import.interface(i, eni)?;
    }
    for (i, perm) in snapshot.interface_permissions.iter().enumerate() {
        import.permission(i, perm)?;
    }
    // Last: a route may target an interface.
    let mut mains = HashMap::new();
    for (i, table) in snapshot.route_tables.iter().enumerate() {
        import.route_table(i, table, &mut mains)?;
    }
    let (mut defaults, mut listed) = (HashMap::new(), HashSet::new());
    for (i, acl) in snapshot.network_acls.iter().enumerate() {
        import.network_acl(i, acl, &mut defaults, &mut listed)?;
    }
    world.settle();
    Ok(world)
}

/// Every world of a checked snapshot, built.
pub fn import_all(
    snapshot: &CheckedSnapshot,
    seed: u64,
    clock: &Clock,
) -> Result<HashMap<WorldKey, World>, LoadError> {
    let mut worlds = HashMap::new();
    for (account, region, world) in snapshot.snapshot().worlds()? {
        let seed = world_seed(seed, account, region.name);
        let world = import_world(account, region, world, seed, clock.fresh())?;
        worlds.insert((account.to_owned(), region.name), world);
    }
    Ok(worlds)
}

/// Parses an ID a file fixes: the kind's shape, 8 or 17 lowercase hex digits.
fn fixed_id<K: ResourceId>(text: &str) -> Result<K, String> {
    K::try_parse(text).ok_or_else(|| {
        format!(
            "'{text}' is not a valid ID: expected {}- and 8 or 17 lowercase hex digits",
            K::KIND.prefix()
        )
    })
}

/// A world being built, and the path of its entries for error messages.
struct Import<'a> {
    world: &'a mut World,
    path: String,
}

impl Import<'_> {
    fn entry(&self, list: &str, i: usize, id: Option<&str>) -> String {
        match id {
            Some(id) => format!("{}.{list}[{i}] ({id})", self.path),
            None => format!("{}.{list}[{i}]", self.path),
        }
    }

    /// The model's refusal in words that make sense for a file, naming what it collides with.
    fn explain(&self, e: &Ec2Error) -> String {
        match e {
            Ec2Error::AddressUnavailable {
                address,
                problem: AddressProblem::InUse,
                holder,
                ..
            } => match holder {
                Some(holder) => format!("{address} is already in use by {holder}"),
                None => format!("{address} is already in use"),
            },
            // The generic code adds nothing to the message; the specific ones name the rule.
            Ec2Error::InvalidParameterValue(message) => message.clone(),
            other if other.code() == "InvalidParameterValue" => other.to_string(),
            other => format!("{other} ({})", other.code()),
        }
    }

    fn tags(&self, entry: &str, tags: &OrderedMap<String>) -> Result<Vec<Tag>, LoadError> {
        let tags: Vec<Tag> = tags
            .0
            .iter()
            .map(|(k, v)| Tag {
                key: k.clone(),
                value: v.clone(),
            })
            .collect();
        // The same limits as TagSpecification.
        Tags::default()
            .set_all(&tags)
            .map_err(|e| LoadError::new(entry, format!("tags: {}", self.explain(&e))))?;
        Ok(tags)
    }

    fn dhcp_options(&mut self, id: Option<&str>) -> Result<(), LoadError> {
        let Some(id) = id else { return Ok(()) };
        let id = fixed_id::<DhcpOptionsId>(id)
            .map_err(|m| LoadError::new(format!("{}.dhcpOptionsId", self.path), m))?;
        self.world.restore_dhcp_options_id(id);
        Ok(())
    }

    fn dhcp_options_set(&mut self, i: usize, e: &DhcpOptionsEntry) -> Result<(), LoadError> {
        let entry = self.entry("dhcpOptions", i, e.id.as_deref());
        let fail = |message: String| LoadError::new(entry.clone(), message);
        let id =
            e.id.as_deref()
                .map(fixed_id::<DhcpOptionsId>)
                .transpose()
                .map_err(&fail)?;
        let tags = self.tags(&entry, &e.tags)?;
        let configurations = e.configurations.0.clone();
        if id == Some(self.world.dhcp_options_id()) {
            // The default set as the file describes it.
            check_configurations(&configurations).map_err(|err| fail(self.explain(&err)))?;
            let mut set_tags = Tags::default();
            set_tags
                .set_all(&tags)
                .map_err(|err| fail(self.explain(&err)))?;
            self.world
                .restore_default_dhcp_options(configurations, set_tags);
            return Ok(());
        }
        self.world
            .create_dhcp_options(configurations, &tags, id)
            .map_err(|err| fail(self.explain(&err)))?;
        Ok(())
    }

    fn vpc(&mut self, i: usize, e: &VpcEntry) -> Result<(), LoadError> {
        let entry = self.entry("vpcs", i, e.id.as_deref());
        let fail = |message: String| LoadError::new(entry.clone(), message);
        let cidr = file_block_v4(&e.cidr_block).map_err(&fail)?;
        if e.instance_tenancy != "default" && e.instance_tenancy != "dedicated" {
            return Err(fail(format!(
                "instanceTenancy '{}' is not one of default, dedicated",
                e.instance_tenancy
            )));
        }
        let id =
            e.id.as_deref()
                .map(fixed_id::<VpcId>)
                .transpose()
                .map_err(&fail)?;
        let ipv6 = match &e.ipv6_cidr_block {
            None => {
                if e.ipv6_cidr_block_association_id.is_some() {
                    return Err(fail(
                        "ipv6CidrBlockAssociationId is given without an ipv6CidrBlock".into(),
                    ));
                }
                None
            }
            Some(block) => {
                let cidr = file_block_v6(block).map_err(&fail)?;
                let association_id = self
                    .association_id(e.ipv6_cidr_block_association_id.as_deref())
                    .map_err(&fail)?;
                Some(VpcIpv6Block {
                    association_id,
                    cidr,
                    network_border_group: self.world.region().name.to_owned(),
                })
            }
        };
        let cidr_association_id = e
            .cidr_block_association_id
            .as_deref()
            .map(fixed_id::<VpcCidrAssociationId>)
            .transpose()
            .map_err(|m| fail(m.replace("ID:", "association ID:")))?;
        let tags = self.tags(&entry, &e.tags)?;
        let id = self
            .world
            .create_vpc_fixed(
                NewVpc {
                    cidr,
                    amazon_provided_ipv6: false,
                    instance_tenancy: e.instance_tenancy.clone(),
                    tags,
                },
                FixedVpc {
                    id,
                    cidr_association_id,
                    ipv6,
                    is_default: e.is_default,
                },
            )
            .map_err(|err| match err {
                Ec2Error::VpcRange(c) => fail(format!(
                    "CIDR {c} is invalid: a VPC's block is a /16 to a /28"
                )),
                other => fail(self.explain(&other)),
            })?;
        if let Some(set) = &e.dhcp_options_id {
            self.world
                .associate_dhcp_options(set, &id.to_string())
                .map_err(|err| fail(self.explain(&err)))?;
        }
        // ModifyVpcAttribute's own checks, support before hostnames.
        let attributes = [
            (VpcAttribute::EnableDnsSupport, e.enable_dns_support),
            (VpcAttribute::EnableDnsHostnames, e.enable_dns_hostnames),
            (
                VpcAttribute::EnableNetworkAddressUsageMetrics,
                e.enable_network_address_usage_metrics,
            ),
        ];
        for (attribute, value) in attributes {
            if let Some(value) = value {
                self.world
                    .modify_vpc_attribute(&id.to_string(), attribute, value)
                    .map_err(|err| fail(self.explain(&err)))?;
            }
        }
        Ok(())
    }

    /// A fixed association ID (shape checked) or a drawn one.
    fn association_id<K: ResourceId>(&mut self, given: Option<&str>) -> Result<K, String> {
        match given {
            Some(id) => K::try_parse(id).ok_or_else(|| {
                format!(
                    "'{id}' is not a valid association ID: expected {}- and 8 or 17 lowercase hex digits",
                    K::KIND.prefix()
                )
            }),
            None => Ok(self.world.fresh_id()),
        }
    }

    fn subnet(&mut self, i: usize, e: &SubnetEntry) -> Result<(), LoadError> {
        let entry = self.entry("subnets", i, e.id.as_deref());
        let fail = |message: String| LoadError::new(entry.clone(), message);
        // The same strict parsers as VPC blocks: a file that says 10.0.0.5/24 is refused,
        // not silently read as 10.0.0.0/24.
        let cidr = file_block_v4(&e.cidr_block).map_err(&fail)?;
        let ipv6_cidr = e
            .ipv6_cidr_block
            .as_deref()
            .map(|b| file_block_v6(b).map_err(&fail))
            .transpose()?;
        if e.ipv6_cidr_block.is_none() && e.ipv6_cidr_block_association_id.is_some() {
            return Err(fail(
                "ipv6CidrBlockAssociationId is given without an ipv6CidrBlock".into(),
            ));
        }
        let id =
            e.id.as_deref()
                .map(fixed_id::<SubnetId>)
                .transpose()
                .map_err(&fail)?;
        let hostname_type = match e.hostname_type.as_deref() {
            None | Some("ip-name") => HostnameType::IpName,
            Some("resource-name") => HostnameType::ResourceName,
            Some(other) => {
                return Err(fail(format!(
                    "hostnameType '{other}' is not one of ip-name, resource-name"
                )))
            }
        };
        let zone = match &e.availability_zone {
            Some(name) => ZoneChoice::Name(name.clone()),
            None => ZoneChoice::Any,
        };
        let tags = self.tags(&entry, &e.tags)?;
        let request = NewSubnet {
            vpc_id: e.vpc_id.clone(),
            cidr,
            ipv6_cidr,
            zone,
            tags,
        };
        let id = self
            .world
            .create_subnet_with_id(request, id)
            .map_err(|err| fail(self.explain_subnet(&e.vpc_id, &err)))?;
        if let (Some(assoc), Some(_)) = (&e.ipv6_cidr_block_association_id, &ipv6_cidr) {
            let assoc = self.association_id(Some(assoc)).map_err(&fail)?;
            self.world.restore_subnet_ipv6_association(id, assoc);
        }
        // ModifySubnetAttribute's own checks (the IPv6 attributes need an IPv6 block).
        let attributes = SubnetAttributes {
            assign_ipv6_address_on_creation: Some(e.assign_ipv6_address_on_creation),
            map_public_ip_on_launch: Some(e.map_public_ip_on_launch.unwrap_or(e.default_for_az)),
            map_customer_owned_ip_on_launch: Some(e.map_customer_owned_ip_on_launch),
            enable_dns64: Some(e.enable_dns64),
            hostname_type: Some(hostname_type),
            enable_resource_name_dns_a_record: Some(e.enable_resource_name_dns_a_record),
            enable_resource_name_dns_aaaa_record: Some(e.enable_resource_name_dns_aaaa_record),
            enable_lni_at_device_index: e.enable_lni_at_device_index,
            disable_lni_at_device_index: None,
        };
        self.world
            .modify_subnet_attribute(&id.to_string(), attributes)
            .map_err(|err| fail(self.explain(&err)))?;
        if e.default_for_az {
            self.world.restore_default_for_az(id).map_err(&fail)?;
        }
        Ok(())
    }

    fn explain_subnet(&self, vpc_id: &str, err: &Ec2Error) -> String {
        let vpc = self.world.vpc(vpc_id).ok();
        match err {
            Ec2Error::SubnetConflict {
                cidr,
                with: Some(with),
            } if cidr.contains(':') => format!("IPv6 CIDR {cidr} is already the block of {with}"),
            Ec2Error::SubnetConflict {
                cidr,
                with: Some(with),
            } => format!("CIDR {cidr} overlaps {with}"),
            Ec2Error::SubnetRange(c) => match vpc {
                Some(v) if c.contains(':') => format!(
                    "IPv6 CIDR {c} is invalid: a subnet's IPv6 block is an aligned /64 inside its VPC's ({})",
                    v.ipv6
                        .as_ref()
                        .map_or_else(|| "none".to_owned(), |b| b.cidr.to_string())
                ),
                Some(v) => format!(
                    "CIDR {c} is invalid: a subnet's block is an aligned /16 to /28 inside its VPC's ({})",
                    v.cidr
                ),
                None => self.explain(err),
            },
            other => self.explain(other),
        }
    }

    /// Adds (or, for `default`, rebuilds) a group without its rules; returns its ID.
    fn group(
        &mut self,
        i: usize,
        e: &SecurityGroupEntry,
        default_groups: &mut HashMap<VpcId, usize>,
    ) -> Result<SecurityGroupId, LoadError> {
        let entry = self.entry("securityGroups", i, e.id.as_deref());
        let fail = |message: String| LoadError::new(entry.clone(), message);
        let tags = self.tags(&entry, &e.tags)?;
        let id =
            e.id.as_deref()
                .map(fixed_id::<SecurityGroupId>)
                .transpose()
                .map_err(&fail)?;
        if e.group_name != DEFAULT_GROUP_NAME {
            let description = e
                .description
                .clone()
                .filter(|d| !d.is_empty())
                .ok_or_else(|| fail("a security group needs a description".into()))?;
            check_group_text("GroupName", &e.group_name).map_err(|err| fail(err.to_string()))?;
            if e.group_name.starts_with("sg-") {
                return Err(fail("group names may not be in the format sg-*".into()));
            }
            check_group_text("GroupDescription", &description)
                .map_err(|err| fail(err.to_string()))?;
            let request = NewSecurityGroup {
                name: e.group_name.clone(),
                description,
                vpc_id: e.vpc_id.clone(),
                tags,
            };
            return self
                .world
                .create_security_group_with_id(request, id)
                .map_err(|err| fail(self.explain(&err)));
        }

        // Every VPC got its `default` group when it was made; this entry describes it.
        let vpc_id = match &e.vpc_id {
            Some(id) => match self.world.vpc(id) {
                Ok(v) => v.id,
                Err(err) => return Err(fail(self.explain(&err))),
            },
            None => match self.world.default_vpc() {
                Some(v) => v.id,
                None => {
                    return Err(fail(
                        "no vpcId, and the world has no default VPC for the group to be in".into(),
                    ))
                }
            },
        };
        if let Some(j) = default_groups.insert(vpc_id, i) {
            return Err(fail(format!(
                "{vpc_id} has one default group, and securityGroups[{j}] already describes it"
            )));
        }
        let description = e
            .description
            .clone()
            .unwrap_or_else(|| "default VPC security group".into());
        check_group_text("GroupDescription", &description).map_err(|err| fail(err.to_string()))?;
        let mut group_tags = Tags::default();
        group_tags
            .set_all(&tags)
            .map_err(|err| fail(self.explain(&err)))?;
        self.world
            .restore_default_group(vpc_id, id, &description, group_tags)
            .map_err(fail)
    }

    /// Replaces a group's rules with the entry's, through AuthorizeSecurityGroup*'s checks.
    fn rules(
        &mut self,
        i: usize,
        e: &SecurityGroupEntry,
        group_id: SecurityGroupId,
    ) -> Result<(), LoadError> {
        for (egress, rules) in [(false, &e.ingress), (true, &e.egress)] {
            let Some(rules) = rules else { continue };
            self.world.restore_clear_rules(group_id, egress);
            let list = if egress { "egress" } else { "ingress" };
            for (j, rule) in rules.iter().enumerate() {
                let entry = format!(
                    "{}.{list}[{j}]",
                    self.entry("securityGroups", i, Some(&group_id.to_string()))
                );
                self.rule(&entry, group_id, egress, rule)?;
            }
        }
        Ok(())
    }

    fn rule(
        &mut self,
        entry: &str,
        group_id: SecurityGroupId,
        egress: bool,
        e: &RuleEntry,
    ) -> Result<(), LoadError> {
        let fail = |message: String| LoadError::new(entry, message);
        let protocol =
            normalize_protocol(Some(&e.ip_protocol)).map_err(|err| fail(err.to_string()))?;
        let (from_port, to_port) = normalize_ports(&protocol, e.from_port, e.to_port)
            .map_err(|err| fail(err.to_string()))?;
        let peers = [
            e.cidr_ipv4.is_some(),
            e.cidr_ipv6.is_some(),
            e.referenced_group_id.is_some(),
            e.prefix_list_id.is_some(),
        ];
        if peers.iter().filter(|p| **p).count() != 1 {
            return Err(fail(
                "a rule has exactly one of cidrIpv4, cidrIpv6, referencedGroupId, prefixListId"
                    .into(),
            ));
        }
        let peer = if let Some(c) = &e.cidr_ipv4 {
            PeerSpec::Ipv4(file_block_v4(c).map_err(&fail)?)
        } else if let Some(c) = &e.cidr_ipv6 {
            PeerSpec::Ipv6(file_block_v6(c).map_err(&fail)?)
        } else if let Some(g) = &e.referenced_group_id {
            PeerSpec::Group {
                group_id: Some(g.clone()),
                group_name: None,
                user_id: None,
                vpc_id: None,
            }
        } else if let Some(p) = &e.prefix_list_id {
            PeerSpec::PrefixList(p.clone())
        } else {
            return Err(fail(
                "a rule has exactly one of cidrIpv4, cidrIpv6, referencedGroupId, prefixListId"
                    .into(),
            ));
        };
        if let Some(d) = &e.description {
            check_rule_description(d).map_err(|err| fail(err.to_string()))?;
        }
        let fixed =
            e.id.as_deref()
                .map(fixed_id::<SecurityGroupRuleId>)
                .transpose()
                .map_err(&fail)?;
        let tags = self.tags(entry, &e.tags)?;
        let spec = RuleSpec {
            protocol,
            from_port,
            to_port,
            peer,
            // The API drops an empty description; a file must not make a state it cannot.
            description: e.description.clone().filter(|d| !d.is_empty()),
        };
        let group = GroupSelector::Id(group_id.to_string());
        let added = self
            .world
            .authorize_security_group_rules(&group, egress, &[spec], &tags)
            .map_err(|err| fail(self.explain(&err)))?;
        if let (Some(fixed), Some(drawn)) = (fixed, added.rules.first()) {
            self.world
                .restore_rule_id(drawn.id, fixed)
                .map_err(|err| fail(err.to_string()))?;
        }
        Ok(())
    }

    fn interface(&mut self, i: usize, e: &NetworkInterfaceEntry) -> Result<(), LoadError> {
        let entry = self.entry("networkInterfaces", i, e.id.as_deref());
        let fail = |message: String| LoadError::new(entry.clone(), message);
        let interface_type = e
            .interface_type
            .as_deref()
            .map(InterfaceType::parse)
            .transpose()
            .map_err(|err| fail(err.to_string()))?;
        if e.description.chars().count() > MAX_INTERFACE_DESCRIPTION {
            return Err(fail(format!(
                "the description is over {MAX_INTERFACE_DESCRIPTION} characters"
            )));
        }
        let id =
            e.id.as_deref()
                .map(fixed_id::<NetworkInterfaceId>)
                .transpose()
                .map_err(&fail)?;

        let mut listed = Vec::with_capacity(e.private_ip_addresses.len());
        for p in &e.private_ip_addresses {
            let ip: Ipv4Addr = p
                .private_ip_address
                .parse()
                .map_err(|_| fail(format!("'{}' is not an IPv4 address", p.private_ip_address)))?;
            listed.push((ip, p.primary));
        }
        if listed.iter().filter(|(_, primary)| *primary).count() > 1 {
            return Err(fail("more than one private IP address is primary".into()));
        }
        // The flagged address is the primary, else the first one, as CreateNetworkInterface
        // reads PrivateIpAddresses.
        let primary_index = listed.iter().position(|(_, p)| *p).unwrap_or(0);
        let primary_ip = listed.get(primary_index).map(|(ip, _)| *ip);
        let secondary_ips: Vec<Ipv4Addr> = listed
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != primary_index)
            .map(|(_, (ip, _))| *ip)
            .collect();
        if let Some(dup) = first_duplicate(listed.iter().map(|(ip, _)| *ip)) {
            return Err(fail(format!("{dup} is listed twice")));
        }
        let mut ipv4_prefixes = Vec::with_capacity(e.ipv4_prefixes.len());
        for p in &e.ipv4_prefixes {
            ipv4_prefixes.push(
                delegated_prefix::<Ipv4Net>(p, IPV4_PREFIX_LEN)
                    .map_err(|err| fail(err.to_string()))?,
            );
        }
        let mut ipv6_addresses = Vec::with_capacity(e.ipv6_addresses.len());
        for a in &e.ipv6_addresses {
            let ip: Ipv6Addr = a
                .ipv6_address
                .parse()
                .map_err(|_| fail(format!("'{}' is not an IPv6 address", a.ipv6_address)))?;
            ipv6_addresses.push((ip, a.is_primary_ipv6));
        }
        if ipv6_addresses.iter().filter(|(_, p)| *p).count() > 1 {
            return Err(fail("more than one IPv6 address is primary".into()));
        }
        if let Some(dup) = first_duplicate(ipv6_addresses.iter().map(|(ip, _)| *ip)) {
            return Err(fail(format!("{dup} is listed twice")));
        }
        let mut ipv6_prefixes = Vec::with_capacity(e.ipv6_prefixes.len());
        for p in &e.ipv6_prefixes {
            ipv6_prefixes.push(
                delegated_prefix::<Ipv6Net>(p, IPV6_PREFIX_LEN)
                    .map_err(|err| fail(err.to_string()))?,
            );
        }
        let any_address = !listed.is_empty()
            || !ipv4_prefixes.is_empty()
            || !ipv6_addresses.is_empty()
            || !ipv6_prefixes.is_empty();
        if interface_type == Some(InterfaceType::EfaOnly) && any_address {
            return Err(fail("an efa-only interface has no IP addresses".into()));
        }
        let v4_total = listed
            .len()
            .max(usize::from(interface_type != Some(InterfaceType::EfaOnly)))
            + ipv4_prefixes.len();
        if v4_total as u64 > MAX_IPV4_PER_INTERFACE {
            return Err(fail(format!(
                "more than {MAX_IPV4_PER_INTERFACE} IPv4 addresses and prefixes"
            )));
        }
        if (ipv6_addresses.len() + ipv6_prefixes.len()) as u64 > MAX_IPV6_PER_INTERFACE {
            return Err(fail(format!(
                "more than {MAX_IPV6_PER_INTERFACE} IPv6 addresses and prefixes"
            )));
        }
        let connection_tracking = e.connection_tracking.as_ref().map(|c| ConnectionTracking {
            tcp_established_timeout: c.tcp_established_timeout,
            udp_stream_timeout: c.udp_stream_timeout,
            udp_timeout: c.udp_timeout,
        });
        if let Some(ct) = &connection_tracking {
            ct.check().map_err(|err| fail(err.to_string()))?;
        }
        let mac = match &e.mac_address {
            Some(text) => Some(parse_mac(text).ok_or_else(|| {
                fail(format!(
                    "'{text}' is not a MAC address (six lowercase hex pairs: 02:74:b0:72:79:61)"
                ))
            })?),
            None => None,
        };
        let tags = self.tags(&entry, &e.tags)?;
        let request = NewNetworkInterface {
            subnet_id: e.subnet_id.clone(),
            description: e.description.clone(),
            group_ids: e.groups.clone().unwrap_or_default(),
            primary_ip,
            secondary_ips,
            ipv4_prefixes,
            ipv6_addresses,
            // Exactly the listed IPv6 addresses, whatever the subnet's
            // AssignIpv6AddressOnCreation says.
            ipv6_address_count: Some(0),
            ipv6_prefixes,
            interface_type,
            connection_tracking,
            operator_principal: e.operator_principal.clone(),
            tags,
            ..NewNetworkInterface::default()
        };
        let id = self
            .world
            .create_network_interface_with_id(request, id)
            .map_err(|err| fail(self.explain(&err)))?
            .interface
            .id;
        if let Some(mac) = mac {
            self.world
                .set_interface_mac(id, mac)
                .map_err(|err| fail(err.to_string()))?;
        }
        if let Some(token) = &e.client_token {
            self.world
                .restore_client_token(id, &token.token, &token.request_fingerprint)
                .map_err(&fail)?;
        }
        if !e.source_dest_check {
            self.world
                .modify_network_interface_attribute(
                    &id.to_string(),
                    AttributeChange::SourceDestCheck(false),
                )
                .map_err(|err| fail(self.explain(&err)))?;
        }
        Ok(())
    }

    fn permission(&mut self, i: usize, e: &InterfacePermissionEntry) -> Result<(), LoadError> {
        let entry = self.entry("interfacePermissions", i, e.id.as_deref());
        let fail = |message: String| LoadError::new(entry.clone(), message);
        let permission = PermissionType::parse(&e.permission).ok_or_else(|| {
            fail(format!(
                "permission '{}' is not one of INSTANCE-ATTACH, EIP-ASSOCIATE",
                e.permission
            ))
        })?;
        let grantee = match (&e.aws_account_id, &e.aws_service) {
            (Some(account), None) => {
                if !is_account_id(account) {
                    return Err(fail(format!("awsAccountId '{account}' is not 12 digits")));
                }
                Grantee::Account(account.clone())
            }
            (None, Some(service)) if !service.trim().is_empty() => {
                Grantee::Service(service.clone())
            }
            _ => {
                return Err(fail(
                    "a permission has exactly one of awsAccountId and awsService".into(),
                ))
            }
        };
        let id =
            e.id.as_deref()
                .map(fixed_id::<InterfacePermissionId>)
                .transpose()
                .map_err(&fail)?;
        self.world
            .create_interface_permission_with_id(&e.network_interface_id, grantee, permission, id)
            .map_err(|err| fail(self.explain(&err)))?;
        Ok(())
    }
}

fn first_duplicate<T: Eq + std::hash::Hash + Copy>(items: impl Iterator<Item = T>) -> Option<T> {
    let mut seen = HashSet::new();
    items.into_iter().find(|item| !seen.insert(*item))
}

/// FNV-1a: stable across Rust versions, so a seeded run stays reproducible.
pub(super) fn digest(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}
