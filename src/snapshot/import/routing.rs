//! Import of the routing layer of a world: prefix lists, internet and egress-only gateways,
//! route tables and network ACLs, through CreateManagedPrefixList, CreateInternetGateway,
//! AttachInternetGateway, CreateEgressOnlyInternetGateway, CreateRouteTable, CreateRoute,
//! AssociateRouteTable, CreateNetworkAcl, CreateNetworkAclEntry and
//! ReplaceNetworkAclAssociation, with the IDs the file fixes put back afterwards.

use std::collections::{HashMap, HashSet};

use ipnet::IpNet;

use super::{fixed_id, Import};
use crate::model::ids::{
    EgressOnlyInternetGatewayId, InternetGatewayId, NetworkAclAssociationId, NetworkAclId,
    NetworkInterfaceId, PrefixListId, RouteTableAssociationId, RouteTableId, SubnetId, VpcId,
};
use crate::model::network_acls::{AclCidr, EntrySpec};
use crate::model::prefix_lists::{AddressFamily, NewPrefixList, PrefixListEntry as Cidr};
use crate::model::route_tables::{Associated, Destination, Target, TargetSpec};
use crate::snapshot::format::*;
use crate::values::{file_block_v4, file_block_v6};

impl Import<'_> {
    pub(super) fn prefix_list(&mut self, i: usize, e: &PrefixListEntry) -> Result<(), LoadError> {
        let entry = self.entry("prefixLists", i, e.id.as_deref());
        let fail = |message: String| LoadError::new(entry.clone(), message);
        let id =
            e.id.as_deref()
                .map(fixed_id::<PrefixListId>)
                .transpose()
                .map_err(&fail)?;
        let address_family = AddressFamily::parse(&e.address_family).ok_or_else(|| {
            fail(format!(
                "addressFamily '{}' is not one of IPv4, IPv6",
                e.address_family
            ))
        })?;
        let mut entries = Vec::with_capacity(e.entries.len());
        for c in &e.entries {
            let cidr: IpNet = match c.cidr.parse() {
                Ok(net) => net,
                Err(_) => return Err(fail(format!("'{}' is not a CIDR block", c.cidr))),
            };
            if cidr != cidr.trunc() {
                return Err(fail(format!(
                    "'{}' has host bits set: write it as {}",
                    c.cidr,
                    cidr.trunc()
                )));
            }
            entries.push(Cidr {
                cidr,
                description: c.description.clone(),
            });
        }
        if e.prefix_list_name.trim().is_empty() {
            return Err(fail("a prefix list needs a name".into()));
        }
        let tags = self.tags(&entry, &e.tags)?;
        let request = NewPrefixList {
            name: e.prefix_list_name.clone(),
            address_family,
            max_entries: e.max_entries,
            entries,
            tags,
        };
        let id = self
            .world
            .create_prefix_list(request, id)
            .map_err(|err| fail(self.explain(&err)))?;
        if let Some(version) = e.version {
            self.world
                .restore_prefix_list_version(id, version)
                .map_err(&fail)?;
        }
        Ok(())
    }

    pub(super) fn internet_gateway(
        &mut self,
        i: usize,
        e: &InternetGatewayEntry,
    ) -> Result<(), LoadError> {
        let entry = self.entry("internetGateways", i, e.id.as_deref());
        let fail = |message: String| LoadError::new(entry.clone(), message);
        let fixed =
            e.id.as_deref()
                .map(fixed_id::<InternetGatewayId>)
                .transpose()
                .map_err(&fail)?;
        let tags = self.tags(&entry, &e.tags)?;
        let mut id = self
            .world
            .create_internet_gateway(&tags)
            .map_err(|err| fail(self.explain(&err)))?;
        if let Some(fixed) = fixed {
            self.world
                .restore_internet_gateway_id(id, fixed)
                .map_err(&fail)?;
            id = fixed;
        }
        if let Some(vpc) = &e.vpc_id {
            self.world
                .attach_internet_gateway(&id.to_string(), vpc)
                .map_err(|err| fail(self.explain(&err)))?;
        }
        Ok(())
    }

    pub(super) fn egress_only_internet_gateway(
        &mut self,
        i: usize,
        e: &EgressOnlyInternetGatewayEntry,
    ) -> Result<(), LoadError> {
        let entry = self.entry("egressOnlyInternetGateways", i, e.id.as_deref());
        let fail = |message: String| LoadError::new(entry.clone(), message);
        let fixed =
            e.id.as_deref()
                .map(fixed_id::<EgressOnlyInternetGatewayId>)
                .transpose()
                .map_err(&fail)?;
        let tags = self.tags(&entry, &e.tags)?;
        let id = self
            .world
            .create_egress_only_internet_gateway(&e.vpc_id, &tags)
            .map_err(|err| fail(self.explain(&err)))?;
        if let Some(fixed) = fixed {
            self.world
                .restore_egress_only_internet_gateway_id(id, fixed)
                .map_err(&fail)?;
        }
        Ok(())
    }

    /// A table (for `main`, the VPC's own, which it was made with), its routes and its
    /// associations. `mains` holds the entry that describes each VPC's main table.
    pub(super) fn route_table(
        &mut self,
        i: usize,
        e: &RouteTableEntry,
        mains: &mut HashMap<VpcId, usize>,
    ) -> Result<(), LoadError> {
        let entry = self.entry("routeTables", i, e.id.as_deref());
        let fail = |message: String| LoadError::new(entry.clone(), message);
        let fixed =
            e.id.as_deref()
                .map(fixed_id::<RouteTableId>)
                .transpose()
                .map_err(&fail)?;
        let tags = self.tags(&entry, &e.tags)?;
        let vpc = self
            .world
            .vpc(&e.vpc_id)
            .map_err(|err| fail(self.explain(&err)))?
            .id;
        let mut id = if e.main {
            if let Some(j) = mains.insert(vpc, i) {
                return Err(fail(format!(
                    "{vpc} has one main route table, and routeTables[{j}] already is it"
                )));
            }
            let Some(main) = self.world.main_route_table(vpc) else {
                return Err(fail(format!("{vpc} has no main route table")));
            };
            let id = main.id;
            let association = main
                .associations
                .iter()
                .find(|a| a.with == Associated::Main)
                .map(|a| a.id);
            if let (Some(fixed), Some(association)) = (&e.main_association_id, association) {
                let fixed = fixed_id::<RouteTableAssociationId>(fixed).map_err(&fail)?;
                self.world
                    .restore_route_association_id(association, fixed)
                    .map_err(&fail)?;
            }
            if !tags.is_empty() {
                self.world
                    .create_tags(&[id.to_string()], &tags)
                    .map_err(|err| fail(self.explain(&err)))?;
            }
            id
        } else {
            if e.main_association_id.is_some() {
                return Err(fail(
                    "mainAssociationId is only for the main table (\"main\": true)".into(),
                ));
            }
            self.world
                .create_route_table(&e.vpc_id, &tags)
                .map_err(|err| fail(self.explain(&err)))?
        };
        if let Some(fixed) = fixed {
            self.world
                .restore_route_table_id(id, fixed)
                .map_err(&fail)?;
            id = fixed;
        }
        for (j, route) in e.routes.iter().enumerate() {
            let fail = |message: String| LoadError::new(format!("{entry}.routes[{j}]"), message);
            self.route(id, route).map_err(fail)?;
        }
        for (j, a) in e.associations.iter().enumerate() {
            let fail =
                |message: String| LoadError::new(format!("{entry}.associations[{j}]"), message);
            let drawn = self
                .world
                .associate_route_table(
                    &id.to_string(),
                    a.subnet_id.as_deref(),
                    a.gateway_id.as_deref(),
                )
                .map_err(|err| fail(self.explain(&err)))?;
            if let Some(fixed) = &a.id {
                let fixed = fixed_id::<RouteTableAssociationId>(fixed).map_err(&fail)?;
                self.world
                    .restore_route_association_id(drawn, fixed)
                    .map_err(&fail)?;
            }
        }
        Ok(())
    }

    /// One route: through CreateRoute, or, marked `blackhole`, as the gone target left it.
    fn route(&mut self, table: RouteTableId, e: &RouteEntry) -> Result<(), String> {
        let destination = match (
            &e.destination_cidr_block,
            &e.destination_ipv6_cidr_block,
            &e.destination_prefix_list_id,
        ) {
            (Some(c), None, None) => Destination::Ipv4(file_block_v4(c)?),
            (None, Some(c), None) => Destination::Ipv6(file_block_v6(c)?),
            (None, None, Some(p)) => Destination::PrefixList(fixed_id(p)?),
            _ => {
                return Err("a route has exactly one of destinationCidrBlock, \
                     destinationIpv6CidrBlock, destinationPrefixListId"
                    .into())
            }
        };
        let (spec, target) = match (
            &e.gateway_id,
            &e.egress_only_internet_gateway_id,
            &e.network_interface_id,
        ) {
            (Some(g), None, None) => (
                TargetSpec::Gateway(g.clone()),
                Target::InternetGateway(fixed_id(g)?),
            ),
            (None, Some(g), None) => (
                TargetSpec::EgressOnlyInternetGateway(g.clone()),
                Target::EgressOnlyInternetGateway(fixed_id(g)?),
            ),
            (None, None, Some(n)) => (
                TargetSpec::NetworkInterface(n.clone()),
                Target::NetworkInterface(fixed_id::<NetworkInterfaceId>(n)?),
            ),
            _ => {
                return Err("a route has exactly one of gatewayId, \
                     egressOnlyInternetGatewayId, networkInterfaceId"
                    .into())
            }
        };
        if e.blackhole {
            return self
                .world
                .restore_blackhole_route(table, destination, target);
        }
        self.world
            .create_route(&table.to_string(), destination, &spec)
            .map_err(|err| self.explain(&err))
    }

    /// An ACL (for `isDefault`, the VPC's own), its numbered rules and the subnets that use
    /// it. `defaults` holds the entry that describes each VPC's default ACL; `subnets`, the
    /// entry that lists each subnet.
    pub(super) fn network_acl(
        &mut self,
        i: usize,
        e: &NetworkAclEntry,
        defaults: &mut HashMap<VpcId, usize>,
        subnets: &mut HashSet<SubnetId>,
    ) -> Result<(), LoadError> {
        let entry = self.entry("networkAcls", i, e.id.as_deref());
        let fail = |message: String| LoadError::new(entry.clone(), message);
        let fixed =
            e.id.as_deref()
                .map(fixed_id::<NetworkAclId>)
                .transpose()
                .map_err(&fail)?;
        let tags = self.tags(&entry, &e.tags)?;
        let vpc = self
            .world
            .vpc(&e.vpc_id)
            .map_err(|err| fail(self.explain(&err)))?
            .id;
        let mut id = if e.is_default {
            if let Some(j) = defaults.insert(vpc, i) {
                return Err(fail(format!(
                    "{vpc} has one default network ACL, and networkAcls[{j}] already is it"
                )));
            }
            let Some(acl) = self.world.default_network_acl(vpc) else {
                return Err(fail(format!("{vpc} has no default network ACL")));
            };
            let id = acl.id;
            if !tags.is_empty() {
                self.world
                    .create_tags(&[id.to_string()], &tags)
                    .map_err(|err| fail(self.explain(&err)))?;
            }
            id
        } else {
            self.world
                .create_network_acl(&e.vpc_id, &tags)
                .map_err(|err| fail(self.explain(&err)))?
        };
        if let Some(fixed) = fixed {
            self.world
                .restore_network_acl_id(id, fixed)
                .map_err(&fail)?;
            id = fixed;
        }
        if let Some(rules) = &e.entries {
            self.world.restore_clear_acl_entries(id);
            for (j, rule) in rules.iter().enumerate() {
                let fail =
                    |message: String| LoadError::new(format!("{entry}.entries[{j}]"), message);
                let cidr = match (&rule.cidr_block, &rule.ipv6_cidr_block) {
                    (Some(c), None) => AclCidr::Ipv4(file_block_v4(c).map_err(&fail)?),
                    (None, Some(c)) => AclCidr::Ipv6(file_block_v6(c).map_err(&fail)?),
                    _ => {
                        return Err(fail(
                            "an entry has exactly one of cidrBlock, ipv6CidrBlock".into(),
                        ))
                    }
                };
                let spec = EntrySpec::new(
                    rule.rule_number,
                    rule.egress,
                    &rule.protocol,
                    &rule.rule_action,
                    cidr,
                    rule.icmp_type_code
                        .as_ref()
                        .map_or((None, None), |c| (Some(c.icmp_type), Some(c.code))),
                    rule.port_range
                        .as_ref()
                        .map_or((None, None), |p| (Some(p.from), Some(p.to))),
                )
                .and_then(|spec| self.world.create_network_acl_entry(&id.to_string(), spec))
                .map_err(|err| fail(self.explain(&err)));
                spec?;
            }
        }
        for (j, a) in e.associations.iter().enumerate() {
            let fail =
                |message: String| LoadError::new(format!("{entry}.associations[{j}]"), message);
            let subnet = self
                .world
                .subnet(&a.subnet_id)
                .map_err(|err| fail(self.explain(&err)))?
                .id;
            if !subnets.insert(subnet) {
                return Err(fail(format!(
                    "{subnet} uses one network ACL, and another entry already lists it"
                )));
            }
            // Every subnet is associated with its VPC's default ACL when it is made.
            let Some((current_acl, current)) = self.world.network_acls().values().find_map(|x| {
                x.associations
                    .iter()
                    .find(|s| s.subnet_id == subnet)
                    .map(|s| (x.id, s.id))
            }) else {
                return Err(fail(format!("{subnet} has no network ACL association")));
            };
            let drawn = if current_acl == id {
                current
            } else {
                self.world
                    .replace_network_acl_association(&current.to_string(), &id.to_string())
                    .map_err(|err| fail(self.explain(&err)))?
            };
            if let Some(fixed) = &a.id {
                let fixed = fixed_id::<NetworkAclAssociationId>(fixed).map_err(&fail)?;
                self.world
                    .restore_acl_association_id(drawn, fixed)
                    .map_err(&fail)?;
            }
        }
        Ok(())
    }
}
