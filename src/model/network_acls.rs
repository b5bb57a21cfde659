//! Network ACLs: each VPC's default ACL (made with it: allow all, then deny all), the ACLs
//! users create (deny all), their numbered entries, and which ACL each subnet uses.
//!
//! EC2's rules: every subnet is associated with exactly one ACL (the VPC's default one when
//! made); an association moves with ReplaceNetworkAclAssociation and never goes away while
//! the subnet exists; a rule number is unique per direction and 1 to 32766 (32767 and 32768
//! are the `*` rules no one can change); the default ACL cannot be deleted, nor an ACL still
//! associated with a subnet.

use std::sync::Arc;

use ipnet::{Ipv4Net, Ipv6Net};

use crate::error::{Ec2Error, Ec2Result};
use crate::model::filters::Filterable;
use crate::model::ids::{NetworkAclAssociationId, NetworkAclId, ResourceId, SubnetId, VpcId};
use crate::model::tagging::Tagged;
use crate::model::tags::{Tag, Tags};
use crate::model::world::draw_id;
use crate::model::World;

/// The `*` rules at the end of every ACL, for IPv4 and IPv6.
pub const LAST_RULE_V4: i32 = 32767;
pub const LAST_RULE_V6: i32 = 32768;
/// The rule numbers users may give.
pub const RULE_NUMBERS: std::ops::RangeInclusive<i32> = 1..=32766;
/// EC2's default quota of rules per ACL, per direction and per address family, the `*` rule
/// included (Amazon VPC quotas, "Rules per network ACL").
pub const MAX_RULES_PER_DIRECTION: usize = 20;

#[derive(Debug, Clone)]
pub struct NetworkAcl {
    pub id: NetworkAclId,
    pub vpc_id: VpcId,
    pub owner_id: String,
    pub is_default: bool,
    pub entries: Vec<AclEntry>,
    pub associations: Vec<AclAssociation>,
    pub tags: Tags,
}

impl Tagged for NetworkAcl {
    fn tags(&self) -> &Tags {
        &self.tags
    }
    fn tags_mut(&mut self) -> &mut Tags {
        &mut self.tags
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AclCidr {
    Ipv4(Ipv4Net),
    Ipv6(Ipv6Net),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclEntry {
    pub rule_number: i32,
    pub egress: bool,
    /// `-1` for all, else the protocol number as text (EC2 stores `tcp` as `6`).
    pub protocol: String,
    pub allow: bool,
    pub cidr: AclCidr,
    /// ICMP type and code, for ICMP entries.
    pub icmp: Option<(i64, i64)>,
    /// Port range, for TCP and UDP entries.
    pub ports: Option<(i64, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclAssociation {
    pub id: NetworkAclAssociationId,
    pub subnet_id: SubnetId,
}

/// An entry as CreateNetworkAclEntry or ReplaceNetworkAclEntry gives it, checked for shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntrySpec {
    pub rule_number: i32,
    pub egress: bool,
    pub protocol: String,
    pub allow: bool,
    pub cidr: AclCidr,
    pub icmp: Option<(i64, i64)>,
    pub ports: Option<(i64, i64)>,
}

impl EntrySpec {
    /// An entry's stateless rules: the action, the protocol (names become numbers), the
    /// protocol's port range or ICMP type and code. CreateNetworkAclEntry and the state file
    /// both build entries here.
    pub fn new(
        rule_number: i64,
        egress: bool,
        protocol: &str,
        action: &str,
        cidr: AclCidr,
        icmp: (Option<i64>, Option<i64>),
        ports: (Option<i64>, Option<i64>),
    ) -> Ec2Result<EntrySpec> {
        let allow = match action {
            "allow" => true,
            "deny" => false,
            other => {
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "Value ({other}) for parameter ruleAction is invalid. Valid values: allow, deny"
                )))
            }
        };
        let protocol = acl_protocol(protocol)?;
        let ports = match protocol.as_str() {
            "6" | "17" => match ports {
                (Some(from), Some(to))
                    if (0..=65535).contains(&from) && (0..=65535).contains(&to) =>
                {
                    Some((from, to))
                }
                (Some(_), Some(_)) => {
                    return Err(Ec2Error::InvalidParameterValue(
                        "The port range must be within 0 and 65535".into(),
                    ))
                }
                _ => {
                    return Err(Ec2Error::MissingParameter(
                        "PortRange.From and PortRange.To are required for TCP and UDP".into(),
                    ))
                }
            },
            _ => None,
        };
        // The API reference: ICMPv6 with an IPv4 block allows every type and code whatever is
        // given; with an IPv6 block, as ICMP, the type and code are required.
        let icmpv6_over_v4 = protocol == "58" && matches!(cidr, AclCidr::Ipv4(_));
        let icmp = match protocol.as_str() {
            "1" | "58" if !icmpv6_over_v4 => match icmp {
                (Some(t), Some(c)) => Some((t, c)),
                _ => {
                    return Err(Ec2Error::MissingParameter(
                        "Icmp.Type and Icmp.Code are required for ICMP, and for ICMPv6 with an IPv6 block".into(),
                    ))
                }
            },
            _ => None,
        };
        if let Some((t, c)) = icmp {
            if !(-1..=255).contains(&t) || !(-1..=255).contains(&c) {
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "The ICMP type {t} and code {c} must each be -1 (all) or 0 to 255"
                )));
            }
        }
        Ok(EntrySpec {
            rule_number: rule_number_in_range(rule_number)?,
            egress,
            protocol,
            allow,
            cidr,
            icmp,
            ports,
        })
    }
}

/// A protocol as EC2 stores it in an ACL entry: `-1` or a number 0–255 (names become numbers).
pub fn acl_protocol(raw: &str) -> Ec2Result<String> {
    let number = match raw.to_ascii_lowercase().as_str() {
        "-1" | "all" => return Ok("-1".into()),
        "tcp" => 6,
        "udp" => 17,
        "icmp" => 1,
        "icmpv6" => 58,
        digits => match digits.parse::<u8>() {
            Ok(n) => n,
            Err(_) => {
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "Invalid value '{raw}' for protocol. Valid values are -1, a protocol number from 0 to 255, tcp, udp, icmp and icmpv6"
                )))
            }
        },
    };
    Ok(number.to_string())
}

fn entry_of(spec: &EntrySpec) -> AclEntry {
    AclEntry {
        rule_number: spec.rule_number,
        egress: spec.egress,
        protocol: spec.protocol.clone(),
        allow: spec.allow,
        cidr: spec.cidr,
        icmp: spec.icmp,
        ports: spec.ports,
    }
}

/// The entries of a new ACL: the default one allows everything before denying it.
fn initial_entries(default: bool, ipv6: bool) -> Vec<AclEntry> {
    let mut entries = Vec::new();
    // Egress rules first, as DescribeNetworkAcls shows them.
    for egress in [true, false] {
        let rule = |number, allow, cidr| AclEntry {
            rule_number: number,
            egress,
            protocol: "-1".into(),
            allow,
            cidr,
            icmp: None,
            ports: None,
        };
        let all_v4 = AclCidr::Ipv4(Ipv4Net::default());
        let all_v6 = AclCidr::Ipv6(Ipv6Net::default());
        if default {
            entries.push(rule(100, true, all_v4));
            if ipv6 {
                entries.push(rule(101, true, all_v6));
            }
        }
        entries.push(rule(LAST_RULE_V4, false, all_v4));
        if ipv6 {
            entries.push(rule(LAST_RULE_V6, false, all_v6));
        }
    }
    entries
}

impl World {
    pub fn network_acl(&self, id: &str) -> Ec2Result<&Arc<NetworkAcl>> {
        self.network_acls.lookup(id)
    }

    /// The VPC's default ACL.
    pub fn default_network_acl(&self, vpc: VpcId) -> Option<&Arc<NetworkAcl>> {
        self.network_acls
            .values()
            .find(|a| a.vpc_id == vpc && a.is_default)
    }

    /// A new ACL for `vpc`: the default one (made with the VPC), or a user's.
    pub(in crate::model) fn insert_network_acl(
        &mut self,
        vpc: VpcId,
        default: bool,
        tags: Tags,
    ) -> NetworkAclId {
        let ipv6 = self.vpcs.get(&vpc).is_some_and(|v| v.ipv6.is_some());
        let id: NetworkAclId = draw_id(&mut self.streams, |id| self.network_acls.contains(id));
        self.network_acls.insert(
            id,
            NetworkAcl {
                id,
                vpc_id: vpc,
                owner_id: self.account_id.clone(),
                is_default: default,
                entries: initial_entries(default, ipv6),
                associations: Vec::new(),
                tags,
            },
        );
        id
    }

    pub fn create_network_acl(&mut self, vpc: &str, tags: &[Tag]) -> Ec2Result<NetworkAclId> {
        let vpc = self.vpc(vpc)?.id;
        let mut acl_tags = Tags::default();
        acl_tags.set_all(tags)?;
        Ok(self.insert_network_acl(vpc, false, acl_tags))
    }

    pub fn delete_network_acl(&mut self, id: &str) -> Ec2Result<()> {
        let acl = self.network_acl(id)?;
        if acl.is_default {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "cannot delete default network ACL {}",
                acl.id
            )));
        }
        if !acl.associations.is_empty() {
            return Err(Ec2Error::DependencyViolation(format!(
                "The networkAcl '{}' has dependencies and cannot be deleted.",
                acl.id
            )));
        }
        let id = acl.id;
        self.network_acls.remove(&id);
        Ok(())
    }

    /// CreateNetworkAclEntry: a rule number not yet used in that direction, within the quota.
    pub fn create_network_acl_entry(&mut self, acl: &str, spec: EntrySpec) -> Ec2Result<()> {
        let acl = self.network_acl(acl)?.clone();
        check_rule_number(spec.rule_number)?;
        if acl
            .entries
            .iter()
            .any(|e| e.rule_number == spec.rule_number && e.egress == spec.egress)
        {
            return Err(Ec2Error::NetworkAclEntryAlreadyExists(spec.rule_number));
        }
        check_rule_quota(acl.entries.iter(), &spec)?;
        self.network_acls.update(&acl.id, |a| {
            a.entries.push(entry_of(&spec));
            a.entries.sort_by_key(|e| (!e.egress, e.rule_number));
        });
        Ok(())
    }

    /// ReplaceNetworkAclEntry: an existing rule, replaced whole.
    pub fn replace_network_acl_entry(&mut self, acl: &str, spec: EntrySpec) -> Ec2Result<()> {
        let acl = self.network_acl(acl)?.clone();
        check_rule_number(spec.rule_number)?;
        let Some(index) = acl
            .entries
            .iter()
            .position(|e| e.rule_number == spec.rule_number && e.egress == spec.egress)
        else {
            return Err(Ec2Error::NetworkAclEntryNotFound(spec.rule_number));
        };
        // A replacement may move the rule to the other address family.
        check_rule_quota(
            acl.entries
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != index)
                .map(|(_, e)| e),
            &spec,
        )?;
        self.network_acls
            .update(&acl.id, |a| a.entries[index] = entry_of(&spec));
        Ok(())
    }

    pub fn delete_network_acl_entry(
        &mut self,
        acl: &str,
        rule_number: i32,
        egress: bool,
    ) -> Ec2Result<()> {
        let acl = self.network_acl(acl)?.clone();
        check_rule_number(rule_number)?;
        if !acl
            .entries
            .iter()
            .any(|e| e.rule_number == rule_number && e.egress == egress)
        {
            return Err(Ec2Error::NetworkAclEntryNotFound(rule_number));
        }
        self.network_acls.update(&acl.id, |a| {
            a.entries
                .retain(|e| !(e.rule_number == rule_number && e.egress == egress))
        });
        Ok(())
    }

    /// ReplaceNetworkAclAssociation: the subnet moves to `acl` (of its VPC), under a new ID.
    pub fn replace_network_acl_association(
        &mut self,
        association: &str,
        acl: &str,
    ) -> Ec2Result<NetworkAclAssociationId> {
        let assoc = NetworkAclAssociationId::parse(association)?;
        let Some(old) = self
            .network_acls
            .values()
            .find(|a| a.associations.iter().any(|x| x.id == assoc))
            .cloned()
        else {
            return Err(assoc.not_found());
        };
        let new = self.network_acl(acl)?.clone();
        if new.vpc_id != old.vpc_id {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "Network ACL {} and association {assoc} belong to different networks",
                new.id
            )));
        }
        let subnet = old
            .associations
            .iter()
            .find(|x| x.id == assoc)
            .map(|x| x.subnet_id)
            .ok_or_else(|| assoc.not_found())?;
        self.network_acls
            .update(&old.id, |a| a.associations.retain(|x| x.id != assoc));
        Ok(self.associate_network_acl(new.id, subnet))
    }

    /// Associates a subnet with an ACL under a new association ID.
    pub(in crate::model) fn associate_network_acl(
        &mut self,
        acl: NetworkAclId,
        subnet: SubnetId,
    ) -> NetworkAclAssociationId {
        let id = self.fresh_id();
        // By subnet, so that the order shown does not depend on the order things were done
        // in (a state file rebuilds subnets in ID order).
        self.network_acls.update(&acl, |a| {
            a.associations.push(AclAssociation {
                id,
                subnet_id: subnet,
            });
            a.associations.sort_by_key(|x| x.subnet_id);
        });
        id
    }

    /// Removes a subnet's association, when the subnet goes away.
    pub(in crate::model) fn forget_subnet_acl_association(&mut self, subnet: SubnetId) {
        let acls: Vec<NetworkAclId> = self
            .network_acls
            .values()
            .filter(|a| a.associations.iter().any(|x| x.subnet_id == subnet))
            .map(|a| a.id)
            .collect();
        for id in acls {
            self.network_acls
                .update(&id, |a| a.associations.retain(|x| x.subnet_id != subnet));
        }
    }
}

/// A rule number a user may give, as the request gave it (any integer) checked.
pub fn rule_number_in_range(n: i64) -> Ec2Result<i32> {
    match i32::try_from(n) {
        Ok(n) if RULE_NUMBERS.contains(&n) => Ok(n),
        _ => Err(rule_number_out_of_range(n)),
    }
}

fn rule_number_out_of_range(n: impl std::fmt::Display) -> Ec2Error {
    Ec2Error::InvalidParameterValue(format!(
        "Value ({n}) for parameter ruleNumber is invalid. Valid values are 1 to 32766"
    ))
}

fn same_family(a: &AclCidr, b: &AclCidr) -> bool {
    matches!(
        (a, b),
        (AclCidr::Ipv4(_), AclCidr::Ipv4(_)) | (AclCidr::Ipv6(_), AclCidr::Ipv6(_))
    )
}

/// Refuses `spec` when `others` already hold the quota of rules in its direction and family.
fn check_rule_quota<'a>(
    others: impl Iterator<Item = &'a AclEntry>,
    spec: &EntrySpec,
) -> Ec2Result<()> {
    let used = others
        .filter(|e| e.egress == spec.egress && same_family(&e.cidr, &spec.cidr))
        .count();
    if used >= MAX_RULES_PER_DIRECTION {
        return Err(Ec2Error::NetworkAclEntryLimitExceeded {
            limit: MAX_RULES_PER_DIRECTION,
        });
    }
    Ok(())
}

fn check_rule_number(n: i32) -> Ec2Result<()> {
    if !RULE_NUMBERS.contains(&n) {
        return Err(rule_number_out_of_range(n));
    }
    Ok(())
}

impl Filterable for NetworkAcl {
    const FILTER_NAMES: &'static [&'static str] = &[
        "association.association-id",
        "association.network-acl-id",
        "association.subnet-id",
        "default",
        "entry.cidr",
        "entry.icmp.code",
        "entry.icmp.type",
        "entry.ipv6-cidr",
        "entry.port-range.from",
        "entry.port-range.to",
        "entry.protocol",
        "entry.rule-action",
        "entry.rule-number",
        "entry.egress",
        "network-acl-id",
        "owner-id",
        "vpc-id",
    ];

    fn tags(&self) -> &Tags {
        &self.tags
    }

    fn filter_values(&self, name: &str) -> Vec<String> {
        let entries = |f: fn(&AclEntry) -> Option<String>| -> Vec<String> {
            self.entries.iter().filter_map(f).collect()
        };
        match name {
            "association.association-id" => {
                self.associations.iter().map(|a| a.id.to_string()).collect()
            }
            "association.network-acl-id" => {
                if self.associations.is_empty() {
                    Vec::new()
                } else {
                    vec![self.id.to_string()]
                }
            }
            "association.subnet-id" => self
                .associations
                .iter()
                .map(|a| a.subnet_id.to_string())
                .collect(),
            "default" => vec![self.is_default.to_string()],
            "entry.cidr" => entries(|e| match e.cidr {
                AclCidr::Ipv4(n) => Some(n.to_string()),
                AclCidr::Ipv6(_) => None,
            }),
            "entry.ipv6-cidr" => entries(|e| match e.cidr {
                AclCidr::Ipv6(n) => Some(n.to_string()),
                AclCidr::Ipv4(_) => None,
            }),
            "entry.icmp.code" => entries(|e| e.icmp.map(|(_, c)| c.to_string())),
            "entry.icmp.type" => entries(|e| e.icmp.map(|(t, _)| t.to_string())),
            "entry.port-range.from" => entries(|e| e.ports.map(|(f, _)| f.to_string())),
            "entry.port-range.to" => entries(|e| e.ports.map(|(_, t)| t.to_string())),
            // The reference lists `tcp | udp | icmp or a protocol number` as this filter's
            // values: an entry matches its number and, for those, its name.
            "entry.protocol" => self
                .entries
                .iter()
                .flat_map(|e| {
                    let name = match e.protocol.as_str() {
                        "6" => Some("tcp"),
                        "17" => Some("udp"),
                        "1" => Some("icmp"),
                        "58" => Some("icmpv6"),
                        _ => None,
                    };
                    std::iter::once(e.protocol.clone()).chain(name.map(str::to_owned))
                })
                .collect(),
            "entry.rule-action" => {
                entries(|e| Some(if e.allow { "allow" } else { "deny" }.to_owned()))
            }
            "entry.rule-number" => entries(|e| Some(e.rule_number.to_string())),
            "entry.egress" => entries(|e| Some(e.egress.to_string())),
            "network-acl-id" => vec![self.id.to_string()],
            "owner-id" => vec![self.owner_id.clone()],
            "vpc-id" => vec![self.vpc_id.to_string()],
            _ => Vec::new(),
        }
    }
}
