//! What a state file fixes that no API request can: the DHCP options ID, resource and
//! association IDs, a subnet's default-for-AZ flag, a VPC's `default` group as the file
//! describes it, rule IDs, blackhole routes, prefix list versions, MAC addresses and client
//! tokens. The state-file loader (the `snapshot` module) builds a world
//! through the API's own operations and then calls these, each checking what it fixes.

use crate::error::{Ec2Error, Ec2Result};
use crate::model::ids::{
    DhcpOptionsId, NetworkInterfaceId, SecurityGroupId, SecurityGroupRuleId,
    SubnetCidrAssociationId, SubnetId, VpcId,
};
use crate::model::ids::{
    EgressOnlyInternetGatewayId, InternetGatewayId, NetworkAclAssociationId, NetworkAclId,
    PrefixListId, ResourceId, RouteTableAssociationId, RouteTableId,
};
use crate::model::network_acls::{LAST_RULE_V4, LAST_RULE_V6};
use crate::model::network_interfaces::ClientTokenRecord;
use crate::model::route_tables::{Destination, Origin, Route, Target};
use crate::model::security_groups::SecurityGroup;
use crate::model::table::Table;
use crate::model::tags::Tags;
use crate::model::vpcs::id_used_twice;
use crate::model::World;

/// Moves a row drawn under one ID to the ID a file fixes; `set` writes the ID into the row.
fn rename<K: ResourceId, V: Clone>(
    table: &mut Table<K, V>,
    drawn: K,
    fixed: K,
    set: impl FnOnce(&mut V),
) -> Result<(), String> {
    if drawn == fixed {
        return Ok(());
    }
    if table.contains(&fixed) {
        return Err(id_used_twice(&fixed).to_string());
    }
    let Some(row) = table.remove(&drawn) else {
        return Err(format!("{drawn} vanished"));
    };
    let mut row = (*row).clone();
    set(&mut row);
    table.insert(fixed, row);
    Ok(())
}

impl World {
    /// The ID of the region's default DHCP options set, and of every VPC's use of it.
    pub fn restore_dhcp_options_id(&mut self, id: DhcpOptionsId) {
        let old = self.dhcp_options_id;
        if let Some(set) = self.dhcp_options.remove(&old) {
            let mut set = (*set).clone();
            set.id = id;
            self.dhcp_options.insert(id, set);
        }
        self.dhcp_options_id = id;
        let vpcs: Vec<VpcId> = self.vpcs.keys().copied().collect();
        for vpc in vpcs {
            self.vpcs.update(&vpc, |v| {
                if v.dhcp_options_id == Some(old) {
                    v.dhcp_options_id = Some(id);
                }
            });
        }
    }

    /// The default DHCP options set's configuration and tags, as a file describes them.
    pub fn restore_default_dhcp_options(
        &mut self,
        configurations: Vec<(String, Vec<String>)>,
        tags: Tags,
    ) {
        let id = self.dhcp_options_id;
        self.dhcp_options.update(&id, |d| {
            d.configurations = configurations;
            d.tags = tags;
        });
    }

    /// The association ID of a subnet's IPv6 block.
    pub fn restore_subnet_ipv6_association(
        &mut self,
        subnet: SubnetId,
        association: SubnetCidrAssociationId,
    ) {
        self.subnets.update(&subnet, |s| {
            if let Some(block) = s.ipv6.as_mut() {
                block.association_id = association;
            }
        });
    }

    /// Marks a subnet as its zone's default: it must lie in the default VPC, one per zone.
    pub fn restore_default_for_az(&mut self, id: SubnetId) -> Result<(), String> {
        let Some(subnet) = self.subnets.get(&id).cloned() else {
            return Err(format!("the subnet {id} vanished"));
        };
        let in_default_vpc = self.vpcs.get(&subnet.vpc_id).is_some_and(|v| v.is_default);
        if !in_default_vpc {
            return Err(format!(
                "defaultForAz is only for subnets of the default VPC, and {} is not it",
                subnet.vpc_id
            ));
        }
        let zone = subnet.zone.name;
        if let Some(other) = self
            .subnets
            .values()
            .find(|s| s.id != id && s.default_for_az && s.zone.name == zone)
        {
            return Err(format!(
                "{zone} has one default subnet, and {} already is",
                other.id
            ));
        }
        self.subnets.update(&id, |s| s.default_for_az = true);
        Ok(())
    }

    /// Rebuilds a VPC's `default` group as a file describes it: with the file's ID (if
    /// any), description and tags, and EC2's default rules (which the file may then replace).
    pub fn restore_default_group(
        &mut self,
        vpc_id: VpcId,
        id: Option<SecurityGroupId>,
        description: &str,
        tags: Tags,
    ) -> Result<SecurityGroupId, String> {
        let has_ipv6 = match self.vpcs.get(&vpc_id) {
            Some(v) => v.ipv6.is_some(),
            None => return Err(format!("The vpc ID '{vpc_id}' does not exist")),
        };
        let Some(old_id) = self.default_security_group(vpc_id).map(|g| g.id) else {
            return Err(format!("{vpc_id} has no default group"));
        };
        let id = id.unwrap_or(old_id);
        if id != old_id && self.security_groups.contains(&id) {
            return Err(id_used_twice(&id).to_string());
        }
        self.remove_security_group(&old_id);
        let mut group = SecurityGroup::new_default(self, id, vpc_id, has_ipv6);
        group.description = description.to_owned();
        group.tags = tags;
        self.insert_security_group(group);
        Ok(id)
    }

    /// Removes every rule of one direction of a group (before a file lists its own).
    pub fn restore_clear_rules(&mut self, group: SecurityGroupId, egress: bool) {
        let Some(g) = self.security_groups.get(&group).cloned() else {
            return;
        };
        for rule in g.rules(egress) {
            self.rule_groups.remove(&rule.id);
        }
        self.security_groups.update(&group, |g| {
            if egress {
                g.egress.clear();
            } else {
                g.ingress.clear();
            }
        });
    }

    /// Gives a rule the ID a file fixes, instead of the one it was drawn.
    pub fn restore_rule_id(
        &mut self,
        drawn: SecurityGroupRuleId,
        fixed: SecurityGroupRuleId,
    ) -> Ec2Result<()> {
        if self.rule_groups.contains(&fixed) {
            return Err(id_used_twice(&fixed));
        }
        let Some(group) = self.rule_groups.remove(&drawn) else {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "the rule {drawn} vanished"
            )));
        };
        self.rule_groups.insert(fixed, *group);
        self.update_security_group_rule_in(*group, drawn, |r| r.id = fixed);
        Ok(())
    }

    fn update_security_group_rule_in(
        &mut self,
        group: SecurityGroupId,
        rule: SecurityGroupRuleId,
        change: impl FnOnce(&mut crate::model::security_groups::Rule),
    ) {
        self.security_groups.update(&group, |g| {
            if let Some(r) = g
                .ingress
                .iter_mut()
                .chain(g.egress.iter_mut())
                .find(|r| r.id == rule)
            {
                change(r);
            }
        });
    }

    /// Records a client token a file lists for an interface, as if the interface had been
    /// created with it.
    pub fn restore_client_token(
        &mut self,
        interface: NetworkInterfaceId,
        token: &str,
        fingerprint: &str,
    ) -> Result<(), String> {
        if token.is_empty() {
            return Err("an empty client token".into());
        }
        if let Some(record) = self.client_tokens.get(token) {
            return Err(format!(
                "client token '{token}' is already {}'s",
                record.network_interface_id
            ));
        }
        self.client_tokens.insert(
            token.to_owned(),
            ClientTokenRecord {
                fingerprint: fingerprint.to_owned(),
                network_interface_id: interface,
            },
        );
        self.network_interfaces
            .update(&interface, |e| e.client_token = Some(token.to_owned()));
        Ok(())
    }

    pub fn restore_internet_gateway_id(
        &mut self,
        drawn: InternetGatewayId,
        fixed: InternetGatewayId,
    ) -> Result<(), String> {
        rename(&mut self.internet_gateways, drawn, fixed, |g| g.id = fixed)
    }

    pub fn restore_egress_only_internet_gateway_id(
        &mut self,
        drawn: EgressOnlyInternetGatewayId,
        fixed: EgressOnlyInternetGatewayId,
    ) -> Result<(), String> {
        rename(&mut self.egress_only_internet_gateways, drawn, fixed, |g| {
            g.id = fixed
        })
    }

    /// A table's ID, before any association or route names it from outside.
    pub fn restore_route_table_id(
        &mut self,
        drawn: RouteTableId,
        fixed: RouteTableId,
    ) -> Result<(), String> {
        rename(&mut self.route_tables, drawn, fixed, |t| t.id = fixed)
    }

    pub fn restore_route_association_id(
        &mut self,
        drawn: RouteTableAssociationId,
        fixed: RouteTableAssociationId,
    ) -> Result<(), String> {
        if drawn == fixed {
            return Ok(());
        }
        let used = |id: RouteTableAssociationId| {
            self.route_tables
                .values()
                .find(|t| t.associations.iter().any(|a| a.id == id))
                .map(|t| t.id)
        };
        if used(fixed).is_some() {
            return Err(id_used_twice(&fixed).to_string());
        }
        let Some(table) = used(drawn) else {
            return Err(format!("{drawn} vanished"));
        };
        self.route_tables.update(&table, |t| {
            for a in t.associations.iter_mut().filter(|a| a.id == drawn) {
                a.id = fixed;
            }
        });
        Ok(())
    }

    /// A route whose target is gone, which CreateRoute cannot make: the destination must be
    /// new to the table, and the target must indeed not carry traffic.
    pub fn restore_blackhole_route(
        &mut self,
        table: RouteTableId,
        destination: Destination,
        target: Target,
    ) -> Result<(), String> {
        let Some(t) = self.route_tables.get(&table).cloned() else {
            return Err(format!("{table} vanished"));
        };
        if t.routes.iter().any(|r| r.destination == destination) {
            return Err(format!("{destination} is routed twice"));
        }
        if target == Target::Local {
            return Err("a local route is never a blackhole".into());
        }
        let route = Route {
            destination,
            target,
            origin: Origin::CreateRoute,
        };
        if self.route_state(&t, &route) != "blackhole" {
            return Err(format!(
                "the route to {destination} is marked blackhole, but its target is there"
            ));
        }
        self.route_tables.update(&table, |t| t.routes.push(route));
        Ok(())
    }

    pub fn restore_network_acl_id(
        &mut self,
        drawn: NetworkAclId,
        fixed: NetworkAclId,
    ) -> Result<(), String> {
        rename(&mut self.network_acls, drawn, fixed, |a| a.id = fixed)
    }

    pub fn restore_acl_association_id(
        &mut self,
        drawn: NetworkAclAssociationId,
        fixed: NetworkAclAssociationId,
    ) -> Result<(), String> {
        if drawn == fixed {
            return Ok(());
        }
        let used = |id: NetworkAclAssociationId| {
            self.network_acls
                .values()
                .find(|a| a.associations.iter().any(|x| x.id == id))
                .map(|a| a.id)
        };
        if used(fixed).is_some() {
            return Err(id_used_twice(&fixed).to_string());
        }
        let Some(acl) = used(drawn) else {
            return Err(format!("{drawn} vanished"));
        };
        self.network_acls.update(&acl, |a| {
            for x in a.associations.iter_mut().filter(|x| x.id == drawn) {
                x.id = fixed;
            }
        });
        Ok(())
    }

    /// Removes an ACL's numbered rules, keeping the final `*` ones (before a file lists
    /// its own).
    pub fn restore_clear_acl_entries(&mut self, acl: NetworkAclId) {
        self.network_acls.update(&acl, |a| {
            a.entries
                .retain(|e| e.rule_number == LAST_RULE_V4 || e.rule_number == LAST_RULE_V6)
        });
    }

    /// A customer-managed list's version (each ModifyManagedPrefixList of its entries adds
    /// one).
    pub fn restore_prefix_list_version(
        &mut self,
        id: PrefixListId,
        version: i64,
    ) -> Result<(), String> {
        if version < 1 {
            return Err(format!("version {version} is not 1 or more"));
        }
        self.prefix_lists.update(&id, |p| p.version = version);
        Ok(())
    }
}
