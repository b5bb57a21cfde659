//! What a state file fixes that no API request can: the DHCP options ID, association IDs, a
//! subnet's default-for-AZ flag, a VPC's `default` group as the file describes it, rule IDs,
//! MAC addresses and client tokens. The state-file loader (the `snapshot` module) builds a world
//! through the API's own operations and then calls these, each checking what it fixes.

use crate::error::{Ec2Error, Ec2Result};
use crate::model::ids::{
    DhcpOptionsId, NetworkInterfaceId, SecurityGroupId, SecurityGroupRuleId,
    SubnetCidrAssociationId, SubnetId, VpcId,
};
use crate::model::network_interfaces::ClientTokenRecord;
use crate::model::security_groups::SecurityGroup;
use crate::model::tags::Tags;
use crate::model::vpcs::id_used_twice;
use crate::model::World;

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
}
