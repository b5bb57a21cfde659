//! Security groups and their rules: create, delete, authorize and revoke with EC2's checks.
//!
//! Rules are stored as EC2 stores them, one peer per `sgr-` rule; the `IpPermissions` shape
//! (rules sharing protocol and ports grouped together) exists only on the wire.

use std::sync::Arc;

use ipnet::{Ipv4Net, Ipv6Net};

use crate::error::{Ec2Error, Ec2Result};
use crate::model::filters::Filterable;
use crate::model::ids::{PrefixListId, ResourceId, SecurityGroupId, SecurityGroupRuleId, VpcId};
use crate::model::prefix_lists::AddressFamily;
use crate::model::table::Table;
use crate::model::tags::{Tag, Tags};
use crate::model::vpcs::id_used_twice;
use crate::model::world::draw_id;
use crate::model::World;

/// The name EC2 reserves for each VPC's own group.
pub const DEFAULT_GROUP_NAME: &str = "default";

/// EC2's default quota of rules per security group, in each direction and, within it, for
/// IPv4 and for IPv6 apart (Amazon VPC quotas, "Inbound or outbound rules per security
/// group"): a group reference counts once in each family, a prefix list as its `MaxEntries`
/// in its own.
pub const MAX_RULES_PER_DIRECTION: usize = 60;

#[derive(Debug, Clone)]
pub struct SecurityGroup {
    pub id: SecurityGroupId,
    pub name: String,
    pub description: String,
    pub vpc_id: VpcId,
    pub owner_id: String,
    pub ingress: Vec<Rule>,
    pub egress: Vec<Rule>,
    pub tags: Tags,
}

impl crate::model::tagging::Tagged for SecurityGroup {
    fn tags(&self) -> &Tags {
        &self.tags
    }
    fn tags_mut(&mut self) -> &mut Tags {
        &mut self.tags
    }
}

/// One security group rule: a protocol, a port range and one peer, as EC2 stores them
/// (each `sgr-` rule has exactly one CIDR, group or prefix list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub id: SecurityGroupRuleId,
    /// `-1` for all traffic, else a lowercase name (`tcp`, `udp`, `icmp`, `icmpv6`) or a number.
    pub protocol: String,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    pub peer: Peer,
    pub description: Option<String>,
    /// Tags given through `TagSpecification` (resource type `security-group-rule`).
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Peer {
    Ipv4(Ipv4Net),
    Ipv6(Ipv6Net),
    /// A referenced group; its name is kept because the `ip-permission.group-name` filters
    /// need it and EC2 group names never change.
    Group {
        group_id: SecurityGroupId,
        user_id: String,
        group_name: String,
    },
    PrefixList(PrefixListId),
}

impl SecurityGroup {
    /// A VPC's `default` group: all traffic in from members of the group itself, all traffic
    /// out (to `::/0` as well when the VPC has IPv6), as EC2 creates it.
    pub(in crate::model) fn new_default(
        world: &mut World,
        id: SecurityGroupId,
        vpc_id: VpcId,
        vpc_has_ipv6: bool,
    ) -> Self {
        let mut group = SecurityGroup::new(
            world,
            id,
            DEFAULT_GROUP_NAME,
            "default VPC security group",
            vpc_id,
            vpc_has_ipv6,
        );
        let owner = world.account_id.clone();
        group.ingress.push(Rule {
            id: world.new_rule_id(),
            protocol: "-1".into(),
            from_port: None,
            to_port: None,
            peer: Peer::Group {
                group_id: id,
                user_id: owner,
                group_name: DEFAULT_GROUP_NAME.to_owned(),
            },
            description: None,
            tags: Tags::default(),
        });
        group
    }

    /// A new group with EC2's default outbound rule(s) and no inbound rule.
    pub(in crate::model) fn new(
        world: &mut World,
        id: SecurityGroupId,
        name: &str,
        description: &str,
        vpc_id: VpcId,
        vpc_has_ipv6: bool,
    ) -> Self {
        let mut all_out = |peer| Rule {
            id: world.new_rule_id(),
            protocol: "-1".into(),
            from_port: None,
            to_port: None,
            peer,
            description: None,
            tags: Tags::default(),
        };
        let mut egress = vec![all_out(Peer::Ipv4(Ipv4Net::default()))];
        if vpc_has_ipv6 {
            egress.push(all_out(Peer::Ipv6(Ipv6Net::default())));
        }
        SecurityGroup {
            id,
            name: name.to_owned(),
            description: description.to_owned(),
            vpc_id,
            owner_id: world.account_id.clone(),
            ingress: Vec::new(),
            egress,
            tags: Tags::default(),
        }
    }

    /// True for a VPC's own `default` group.
    pub fn is_default(&self) -> bool {
        self.name == DEFAULT_GROUP_NAME
    }

    pub fn rules(&self, egress: bool) -> &[Rule] {
        if egress {
            &self.egress
        } else {
            &self.ingress
        }
    }

    pub fn arn(&self, region: &str) -> String {
        format!(
            "arn:aws:ec2:{region}:{}:security-group/{}",
            self.owner_id, self.id
        )
    }
}

impl Rule {
    /// True when both rules allow the same traffic: EC2 ignores descriptions and tags here.
    fn same_traffic(&self, other: &Rule) -> bool {
        self.protocol == other.protocol
            && self.from_port == other.from_port
            && self.to_port == other.to_port
            && self.peer == other.peer
    }

    /// The rule as EC2 spells it in `InvalidPermission.Duplicate`:
    /// `peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW`.
    pub fn display(&self) -> String {
        let peer = match &self.peer {
            Peer::Ipv4(n) => n.to_string(),
            Peer::Ipv6(n) => n.to_string(),
            Peer::Group { group_id, .. } => group_id.to_string(),
            Peer::PrefixList(p) => p.to_string(),
        };
        let port = |p: Option<i32>| p.unwrap_or(-1);
        let traffic = match self.protocol.as_str() {
            "-1" => "ALL".to_owned(),
            "tcp" | "udp" => format!(
                "{}, from port: {}, to port: {}",
                self.protocol.to_ascii_uppercase(),
                port(self.from_port),
                port(self.to_port)
            ),
            // The ICMP wording is not confirmed against EC2; TCP/UDP, ALL and numbers are.
            "icmp" | "icmpv6" => format!(
                "{}, type: {}, code: {}",
                self.protocol.to_ascii_uppercase(),
                port(self.from_port),
                port(self.to_port)
            ),
            number => format!("protocol: {number}"),
        };
        format!("peer: {peer}, {traffic}, ALLOW")
    }
}

/// Which group a request means: by ID anywhere, or by name in the default VPC (EC2's
/// `GroupName` parameters only ever name default-VPC groups).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupSelector {
    Id(String),
    Name(String),
}

/// What CreateSecurityGroup asks for, already checked for shape by the action layer.
#[derive(Debug, Clone)]
pub struct NewSecurityGroup {
    pub name: String,
    pub description: String,
    /// `None` means the default VPC.
    pub vpc_id: Option<String>,
    pub tags: Vec<Tag>,
}

/// One rule of an Authorize or Revoke request: protocol and ports already normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSpec {
    pub protocol: String,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    pub peer: PeerSpec,
    pub description: Option<String>,
}

/// A rule's peer as the request names it; groups are resolved against the world.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerSpec {
    Ipv4(Ipv4Net),
    Ipv6(Ipv6Net),
    /// At least one of `group_id` / `group_name` is set; the ID wins when both are, so that
    /// `groups` items copied from DescribeSecurityGroups (which carry both) round-trip.
    Group {
        group_id: Option<String>,
        group_name: Option<String>,
        user_id: Option<String>,
        vpc_id: Option<String>,
    },
    /// A managed prefix list: the user's, or one of the region's AWS-managed ones.
    PrefixList(String),
}

/// What RevokeSecurityGroupIngress/Egress removes.
#[derive(Debug, Clone)]
pub enum Revocation {
    Rules(Vec<RuleSpec>),
    RuleIds(Vec<String>),
}

/// One rule with what DescribeSecurityGroupRules shows of its group.
#[derive(Debug, Clone)]
pub struct RuleView {
    pub rule: Rule,
    pub group_id: SecurityGroupId,
    pub group_owner_id: String,
    pub egress: bool,
}

impl Filterable for RuleView {
    const FILTER_NAMES: &'static [&'static str] = &["group-id", "security-group-rule-id"];

    fn tags(&self) -> &Tags {
        &self.rule.tags
    }

    fn filter_values(&self, name: &str) -> Vec<String> {
        match name {
            "group-id" => vec![self.group_id.to_string()],
            "security-group-rule-id" => vec![self.rule.id.to_string()],
            _ => Vec::new(),
        }
    }
}

/// What an Authorize or Revoke call changed, for its reply: the group after the change and
/// the rules added or removed.
#[derive(Debug, Clone)]
pub struct RuleChange {
    pub group: Arc<SecurityGroup>,
    pub rules: Vec<Rule>,
    /// Requested rules that matched nothing (Revoke in the default VPC only).
    pub unknown: Vec<RuleSpec>,
}

impl World {
    /// Looks up a security group by ID, answering EC2's Malformed or NotFound error.
    pub fn security_group(&self, id: &str) -> Ec2Result<&Arc<SecurityGroup>> {
        let id = SecurityGroupId::parse(id)?;
        self.security_groups.get(&id).ok_or_else(|| id.not_found())
    }

    /// Looks up a group by name in the default VPC, the only place EC2 resolves names.
    pub fn security_group_by_name(&self, name: &str) -> Ec2Result<&Arc<SecurityGroup>> {
        let vpc = self.default_vpc().ok_or(Ec2Error::VpcIdNotSpecified)?;
        self.security_groups
            .values()
            .find(|g| g.vpc_id == vpc.id && g.name == name)
            .ok_or_else(|| Ec2Error::GroupNameNotFound {
                name: name.to_owned(),
                vpc_id: vpc.id.to_string(),
            })
    }

    pub fn resolve_security_group(&self, group: &GroupSelector) -> Ec2Result<&Arc<SecurityGroup>> {
        match group {
            GroupSelector::Id(id) => self.security_group(id),
            GroupSelector::Name(name) => self.security_group_by_name(name),
        }
    }

    /// The `default` group of a VPC.
    pub fn default_security_group(&self, vpc_id: VpcId) -> Option<&Arc<SecurityGroup>> {
        self.security_groups
            .values()
            .find(|g| g.vpc_id == vpc_id && g.is_default())
    }

    /// A new rule ID no rule of this world has.
    pub(in crate::model) fn new_rule_id(&mut self) -> SecurityGroupRuleId {
        draw_id(&mut self.streams, |id| self.rule_groups.contains(id))
    }

    /// Stores a new group and indexes its rules.
    pub(in crate::model) fn insert_security_group(&mut self, group: SecurityGroup) {
        for rule in group.ingress.iter().chain(&group.egress) {
            self.rule_groups.insert(rule.id, group.id);
        }
        self.security_groups.insert(group.id, group);
    }

    /// Removes a group and its rules from the index.
    pub(in crate::model) fn remove_security_group(&mut self, id: &SecurityGroupId) {
        if let Some(group) = self.security_groups.remove(id) {
            for rule in group.ingress.iter().chain(&group.egress) {
                self.rule_groups.remove(&rule.id);
            }
        }
    }

    /// The rule with this ID and the group it belongs to.
    pub fn security_group_rule(&self, id: &SecurityGroupRuleId) -> Option<(&SecurityGroup, &Rule)> {
        let group = self
            .security_groups
            .get(self.rule_groups.get(id)?.as_ref())?;
        let rule = group
            .ingress
            .iter()
            .chain(&group.egress)
            .find(|r| r.id == *id)?;
        Some((group, rule))
    }

    /// Changes one rule of a group in place (its tags).
    pub(in crate::model) fn update_security_group_rule<R>(
        &mut self,
        id: &SecurityGroupRuleId,
        change: impl FnOnce(&mut Rule) -> R,
    ) -> Option<R> {
        let group = **self.rule_groups.get(id)?;
        self.security_groups
            .update(&group, |g| {
                g.ingress
                    .iter_mut()
                    .chain(g.egress.iter_mut())
                    .find(|r| r.id == *id)
                    .map(change)
            })
            .flatten()
    }

    pub fn create_security_group(&mut self, req: NewSecurityGroup) -> Ec2Result<SecurityGroupId> {
        self.create_security_group_with_id(req, None)
    }

    /// CreateSecurityGroup, with the ID a state file fixes instead of a drawn one.
    pub fn create_security_group_with_id(
        &mut self,
        req: NewSecurityGroup,
        id: Option<SecurityGroupId>,
    ) -> Ec2Result<SecurityGroupId> {
        if let Some(id) = &id {
            if self.security_groups.contains(id) {
                return Err(id_used_twice(id));
            }
        }
        let vpc = match &req.vpc_id {
            Some(id) => self.vpc(id)?,
            None => self.default_vpc().ok_or(Ec2Error::VpcIdNotSpecified)?,
        };
        // The API reference: "Names are case-insensitive and must be unique within the VPC",
        // which makes `Default` the reserved name too.
        if req.name.eq_ignore_ascii_case(DEFAULT_GROUP_NAME) {
            return Err(Ec2Error::GroupReserved(req.name));
        }
        let taken = self
            .security_groups
            .values()
            .any(|g| g.vpc_id == vpc.id && g.name.eq_ignore_ascii_case(&req.name));
        if taken {
            return Err(Ec2Error::GroupDuplicate {
                name: req.name,
                vpc_id: vpc.id.to_string(),
            });
        }
        let mut tags = Tags::default();
        tags.set_all(&req.tags)?;
        let vpc_id = vpc.id;
        let has_ipv6 = vpc.ipv6.is_some();
        let id = match id {
            Some(id) => id,
            None => draw_id(&mut self.streams, |id| self.security_groups.contains(id)),
        };
        let mut group = SecurityGroup::new(self, id, &req.name, &req.description, vpc_id, has_ipv6);
        group.tags = tags;
        self.insert_security_group(group);
        Ok(id)
    }

    /// Deletes a group nothing depends on; returns its ID.
    pub fn delete_security_group(&mut self, group: &GroupSelector) -> Ec2Result<SecurityGroupId> {
        let target = self.resolve_security_group(group)?;
        if target.is_default() {
            return Err(Ec2Error::CannotDeleteDefaultGroup {
                group_id: target.id.to_string(),
            });
        }
        let id = target.id;
        // A group's rules naming the group itself do not keep it alive; other groups' do.
        let referenced = self.security_groups.values().any(|g| {
            g.id != id
                && g.ingress
                    .iter()
                    .chain(&g.egress)
                    .any(|r| matches!(&r.peer, Peer::Group { group_id, .. } if *group_id == id))
        });
        if referenced || self.interfaces_using_group(id).next().is_some() {
            return Err(Ec2Error::DependencyViolation(format!(
                "resource {id} has a dependent object"
            )));
        }
        self.remove_security_group(&id);
        Ok(id)
    }

    /// Adds rules to one direction of a group, all or none.
    pub fn authorize_security_group_rules(
        &mut self,
        group: &GroupSelector,
        egress: bool,
        specs: &[RuleSpec],
        tags: &[Tag],
    ) -> Ec2Result<RuleChange> {
        let target = self.resolve_security_group(group)?.clone();
        let existing = target.rules(egress);
        let mut rule_tags = Tags::default();
        rule_tags.set_all(tags)?;
        let mut added: Vec<Rule> = Vec::with_capacity(specs.len());
        for spec in specs {
            // Drawn before the checks: a refused request rolls the stream back with the rest.
            let id = self.new_rule_id();
            let rule = Rule {
                id,
                protocol: spec.protocol.clone(),
                from_port: spec.from_port,
                to_port: spec.to_port,
                peer: self.resolve_peer(&target, &spec.peer)?,
                description: spec.description.clone(),
                tags: rule_tags.clone(),
            };
            if existing.iter().any(|r| r.same_traffic(&rule)) {
                return Err(Ec2Error::PermissionDuplicate(rule.display()));
            }
            if added.iter().any(|r| r.same_traffic(&rule)) {
                return Err(Ec2Error::InvalidParameterValue(
                    "The same permission must not appear multiple times".into(),
                ));
            }
            added.push(rule);
        }
        self.check_rule_quota(existing.iter().chain(&added), None)?;
        for rule in &added {
            self.rule_groups.insert(rule.id, target.id);
        }
        self.security_groups.update(&target.id, |g| {
            let rules = if egress {
                &mut g.egress
            } else {
                &mut g.ingress
            };
            rules.extend(added.iter().cloned());
        });
        Ok(RuleChange {
            group: self
                .security_groups
                .get(&target.id)
                .cloned()
                .unwrap_or(target),
            rules: added,
            unknown: Vec::new(),
        })
    }

    /// Removes rules from one direction of a group.
    ///
    /// By rule ID, every ID must name a rule of this group and direction. By permissions,
    /// a requested rule that matches nothing fails the whole call with
    /// `InvalidPermission.NotFound` — except in the default VPC, where EC2 revokes what
    /// matched and reports the rest in `unknownIpPermissionSet` (as the RevokeSecurityGroup*
    /// API reference describes).
    pub fn revoke_security_group_rules(
        &mut self,
        group: &GroupSelector,
        egress: bool,
        what: &Revocation,
    ) -> Ec2Result<RuleChange> {
        let target = self.resolve_security_group(group)?.clone();
        let existing = target.rules(egress);
        let mut chosen: Vec<usize> = Vec::new();
        let mut unknown = Vec::new();
        match what {
            Revocation::RuleIds(ids) => {
                for id in ids {
                    let id = SecurityGroupRuleId::parse(id)?;
                    let i = existing
                        .iter()
                        .position(|r| r.id == id)
                        .ok_or_else(|| id.not_found())?;
                    chosen.push(i);
                }
            }
            Revocation::Rules(specs) => {
                let in_default_vpc = self.vpcs.get(&target.vpc_id).is_some_and(|v| v.is_default);
                for spec in specs {
                    let peer = self.resolve_peer(&target, &spec.peer)?;
                    let wanted = |r: &Rule| {
                        r.protocol == spec.protocol
                            && r.from_port == spec.from_port
                            && r.to_port == spec.to_port
                            && r.peer == peer
                    };
                    match existing.iter().position(wanted) {
                        Some(i) => chosen.push(i),
                        None if in_default_vpc => unknown.push(spec.clone()),
                        None => return Err(Ec2Error::PermissionNotFound),
                    }
                }
            }
        }
        chosen.sort_unstable();
        chosen.dedup();
        let removed: Vec<Rule> = chosen.iter().map(|&i| existing[i].clone()).collect();
        for rule in &removed {
            self.rule_groups.remove(&rule.id);
        }
        self.security_groups.update(&target.id, |g| {
            let rules = if egress {
                &mut g.egress
            } else {
                &mut g.ingress
            };
            rules.retain(|r| !removed.iter().any(|x| x.id == r.id));
        });
        Ok(RuleChange {
            group: self
                .security_groups
                .get(&target.id)
                .cloned()
                .unwrap_or(target),
            rules: removed,
            unknown,
        })
    }

    /// The rule with this ID, as DescribeSecurityGroupRules shows it.
    pub fn rule_view(&self, id: &SecurityGroupRuleId) -> Option<RuleView> {
        let (group, rule) = self.security_group_rule(id)?;
        Some(RuleView {
            egress: group.egress.iter().any(|r| r.id == *id),
            group_id: group.id,
            group_owner_id: group.owner_id.clone(),
            rule: rule.clone(),
        })
    }

    /// Every rule's ID with the group it belongs to, for DescribeSecurityGroupRules.
    pub fn rule_groups(&self) -> &Table<SecurityGroupRuleId, SecurityGroupId> {
        &self.rule_groups
    }

    /// ModifySecurityGroupRules: rules of `group` get new contents, keeping their IDs (and
    /// tags). Every rule must be the group's; the new contents may not duplicate another rule.
    pub fn modify_security_group_rules(
        &mut self,
        group: &str,
        changes: &[(String, RuleSpec)],
    ) -> Ec2Result<()> {
        let target = self.security_group(group)?.clone();
        let mut next = (*target).clone();
        for (id, spec) in changes {
            let id = SecurityGroupRuleId::parse(id)?;
            let peer = self.resolve_peer(&target, &spec.peer)?;
            let rules = if next.ingress.iter().any(|r| r.id == id) {
                &mut next.ingress
            } else {
                &mut next.egress
            };
            let Some(index) = rules.iter().position(|r| r.id == id) else {
                return Err(id.not_found());
            };
            let mut rule = rules[index].clone();
            rule.protocol = spec.protocol.clone();
            rule.from_port = spec.from_port;
            rule.to_port = spec.to_port;
            rule.peer = peer;
            rule.description = spec.description.clone();
            if rules
                .iter()
                .enumerate()
                .any(|(i, r)| i != index && r.same_traffic(&rule))
            {
                return Err(Ec2Error::PermissionDuplicate(rule.display()));
            }
            rules[index] = rule;
        }
        // A rule rewritten to another family may not fit in that family's quota.
        self.check_rule_quota(next.ingress.iter(), None)?;
        self.check_rule_quota(next.egress.iter(), None)?;
        self.security_groups.insert(target.id, next);
        Ok(())
    }

    /// What one rule counts against its direction's quota: (IPv4 rules, IPv6 rules).
    /// `resized` is a prefix list with the size it is about to have.
    fn rule_weight(&self, peer: &Peer, resized: Option<(PrefixListId, i64)>) -> (usize, usize) {
        match peer {
            Peer::Ipv4(_) => (1, 0),
            Peer::Ipv6(_) => (0, 1),
            Peer::Group { .. } => (1, 1),
            Peer::PrefixList(id) => {
                let Some(list) = self.prefix_lists.get(id) else {
                    return (1, 1);
                };
                let size = match resized {
                    Some((resized, max)) if resized == *id => max,
                    _ => list.max_entries,
                };
                let size = usize::try_from(size).unwrap_or(usize::MAX);
                match list.address_family {
                    AddressFamily::Ipv4 => (size, 0),
                    AddressFamily::Ipv6 => (0, size),
                }
            }
        }
    }

    /// Refuses a direction's rules that count more than the quota in either family.
    fn check_rule_quota<'a>(
        &self,
        rules: impl Iterator<Item = &'a Rule>,
        resized: Option<(PrefixListId, i64)>,
    ) -> Ec2Result<()> {
        let (v4, v6) = rules.fold((0usize, 0usize), |(a, b), r| {
            let (x, y) = self.rule_weight(&r.peer, resized);
            (a.saturating_add(x), b.saturating_add(y))
        });
        if v4 > MAX_RULES_PER_DIRECTION || v6 > MAX_RULES_PER_DIRECTION {
            return Err(Ec2Error::RulesPerSecurityGroupLimitExceeded);
        }
        Ok(())
    }

    /// The groups (at most ten, as EC2's state message names them) whose rules would count
    /// past the quota were prefix list `list` resized to `max_entries`.
    pub(in crate::model) fn groups_over_quota_if_resized(
        &self,
        list: PrefixListId,
        max_entries: i64,
    ) -> Vec<SecurityGroupId> {
        self.security_groups
            .values()
            .filter(|g| {
                let uses = g
                    .ingress
                    .iter()
                    .chain(&g.egress)
                    .any(|r| r.peer == Peer::PrefixList(list));
                let resized = Some((list, max_entries));
                uses && (self.check_rule_quota(g.ingress.iter(), resized).is_err()
                    || self.check_rule_quota(g.egress.iter(), resized).is_err())
            })
            .map(|g| g.id)
            .take(10)
            .collect()
    }

    /// UpdateSecurityGroupRuleDescriptions{Ingress,Egress}: by the rules' traffic (the
    /// description each names) or by rule ID. Every rule named must exist.
    pub fn update_rule_descriptions(
        &mut self,
        group: &GroupSelector,
        egress: bool,
        by_traffic: &[RuleSpec],
        by_id: &[(String, Option<String>)],
    ) -> Ec2Result<()> {
        let target = self.resolve_security_group(group)?.clone();
        let mut next = (*target).clone();
        let rules = if egress {
            &mut next.egress
        } else {
            &mut next.ingress
        };
        for spec in by_traffic {
            let peer = self.resolve_peer(&target, &spec.peer)?;
            let Some(rule) = rules.iter_mut().find(|r| {
                r.protocol == spec.protocol
                    && r.from_port == spec.from_port
                    && r.to_port == spec.to_port
                    && r.peer == peer
            }) else {
                return Err(Ec2Error::PermissionNotFound);
            };
            rule.description = spec.description.clone();
        }
        for (id, description) in by_id {
            let id = SecurityGroupRuleId::parse(id)?;
            let Some(rule) = rules.iter_mut().find(|r| r.id == id) else {
                return Err(id.not_found());
            };
            rule.description = description.clone().filter(|d| !d.is_empty());
        }
        self.security_groups.insert(target.id, next);
        Ok(())
    }

    /// Resolves a requested peer for a rule of `target`. Only groups of the same VPC and
    /// account can be referenced: VPC peering and other accounts are not modelled.
    pub(in crate::model) fn resolve_peer(
        &self,
        target: &SecurityGroup,
        peer: &PeerSpec,
    ) -> Ec2Result<Peer> {
        match peer {
            PeerSpec::Ipv4(n) => Ok(Peer::Ipv4(*n)),
            PeerSpec::Ipv6(n) => Ok(Peer::Ipv6(*n)),
            PeerSpec::PrefixList(id) => Ok(Peer::PrefixList(self.prefix_list(id)?.id)),
            PeerSpec::Group {
                group_id,
                group_name,
                user_id,
                vpc_id,
            } => {
                if let Some(user) = user_id {
                    if *user != self.account_id {
                        return Err(Ec2Error::UnsupportedOperation(format!(
                            "Security groups of other accounts ({user}) cannot be referenced in ec2-mock"
                        )));
                    }
                }
                let referenced = match (group_id, group_name) {
                    (Some(id), _) => self.security_group(id)?,
                    (None, Some(name)) => self.security_group_by_name(name)?,
                    (None, None) => {
                        return Err(Ec2Error::MissingParameter("Groups.N.GroupId".into()))
                    }
                };
                let vpc_matches = vpc_id
                    .as_ref()
                    .map_or(true, |v| *v == referenced.vpc_id.to_string());
                if referenced.vpc_id != target.vpc_id || !vpc_matches {
                    return Err(Ec2Error::GroupInOtherNetwork);
                }
                Ok(Peer::Group {
                    group_id: referenced.id,
                    user_id: referenced.owner_id.clone(),
                    group_name: referenced.name.clone(),
                })
            }
        }
    }
}

impl Filterable for SecurityGroup {
    const FILTER_NAMES: &'static [&'static str] = &[
        "description",
        "egress.ip-permission.cidr",
        "egress.ip-permission.from-port",
        "egress.ip-permission.group-id",
        "egress.ip-permission.group-name",
        "egress.ip-permission.ipv6-cidr",
        "egress.ip-permission.prefix-list-id",
        "egress.ip-permission.protocol",
        "egress.ip-permission.to-port",
        "egress.ip-permission.user-id",
        "group-id",
        "group-name",
        "ip-permission.cidr",
        "ip-permission.from-port",
        "ip-permission.group-id",
        "ip-permission.group-name",
        "ip-permission.ipv6-cidr",
        "ip-permission.prefix-list-id",
        "ip-permission.protocol",
        "ip-permission.to-port",
        "ip-permission.user-id",
        "owner-id",
        "vpc-id",
    ];

    fn tags(&self) -> &Tags {
        &self.tags
    }

    fn filter_values(&self, name: &str) -> Vec<String> {
        let (rules, field) = match name.strip_prefix("egress.ip-permission.") {
            Some(field) => (&self.egress, field),
            None => match name.strip_prefix("ip-permission.") {
                Some(field) => (&self.ingress, field),
                None => {
                    return match name {
                        "description" => vec![self.description.clone()],
                        "group-id" => vec![self.id.to_string()],
                        "group-name" => vec![self.name.clone()],
                        "owner-id" => vec![self.owner_id.clone()],
                        "vpc-id" => vec![self.vpc_id.to_string()],
                        _ => Vec::new(),
                    }
                }
            },
        };
        rules
            .iter()
            .filter_map(|r| match (field, &r.peer) {
                ("cidr", Peer::Ipv4(n)) => Some(n.to_string()),
                ("ipv6-cidr", Peer::Ipv6(n)) => Some(n.to_string()),
                ("group-id", Peer::Group { group_id, .. }) => Some(group_id.to_string()),
                ("user-id", Peer::Group { user_id, .. }) => Some(user_id.clone()),
                ("group-name", Peer::Group { group_name, .. }) => Some(group_name.clone()),
                ("prefix-list-id", Peer::PrefixList(p)) => Some(p.to_string()),
                ("protocol", _) => Some(r.protocol.clone()),
                ("from-port", _) => r.from_port.map(|p| p.to_string()),
                ("to-port", _) => r.to_port.map(|p| p.to_string()),
                _ => None,
            })
            .collect()
    }
}

/// `-1`, a name (`tcp`, `udp`, `icmp`, `icmpv6`, any case) or a number 0–255; the numbers of
/// the four named protocols become their names, as EC2 stores them.
///
/// `all` is refused: EC2 answers "Invalid value 'all' for IP protocol. Unknown protocol."
/// (hashicorp/terraform-provider-aws#1793); the SDKs and Terraform map it to -1 themselves.
pub fn normalize_protocol(raw: Option<&str>) -> Ec2Result<String> {
    let Some(raw) = raw.filter(|r| !r.is_empty()) else {
        return Err(Ec2Error::InvalidParameterValue(
            "Invalid value 'null' for protocol. VPC security group rules must specify protocols explicitly."
                .into(),
        ));
    };
    let lower = raw.to_ascii_lowercase();
    let name = match lower.as_str() {
        "-1" | "tcp" | "udp" | "icmp" | "icmpv6" => lower,
        digits
            if !digits.is_empty()
                && digits.len() <= 3
                && digits.bytes().all(|b| b.is_ascii_digit()) =>
        {
            match digits.parse::<u8>() {
                Ok(6) => "tcp".into(),
                Ok(17) => "udp".into(),
                Ok(1) => "icmp".into(),
                Ok(58) => "icmpv6".into(),
                Ok(n) => n.to_string(),
                Err(_) => return Err(unknown_protocol(raw)),
            }
        }
        _ => return Err(unknown_protocol(raw)),
    };
    Ok(name)
}

fn unknown_protocol(raw: &str) -> Ec2Error {
    Ec2Error::InvalidParameterValue(format!(
        "Invalid value '{raw}' for IP protocol. Unknown protocol."
    ))
}

/// The stored port range of a rule. TCP/UDP need both ports in 0–65535; ICMP needs a type and
/// a code in -1–255 (ICMPv6 may omit both, meaning all); every other protocol covers all
/// ports whatever the request says, so its ports are dropped.
pub fn normalize_ports(
    protocol: &str,
    from: Option<i64>,
    to: Option<i64>,
) -> Ec2Result<(Option<i32>, Option<i32>)> {
    match protocol {
        "tcp" | "udp" => {
            let (Some(from), Some(to)) = (from, to) else {
                return Err(Ec2Error::InvalidParameterValue(
                    "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange."
                        .into(),
                ));
            };
            for port in [from, to] {
                if !(0..=65535).contains(&port) {
                    return Err(Ec2Error::PermissionMalformed(format!(
                        "TCP/UDP port ({port}) out of range"
                    )));
                }
            }
            if from > to {
                // Wording not confirmed against EC2.
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "Invalid TCP/UDP port range: from port ({from}) is greater than to port ({to})"
                )));
            }
            Ok((i32::try_from(from).ok(), i32::try_from(to).ok()))
        }
        "icmp" | "icmpv6" => {
            let (from, to) = match (from, to) {
                (Some(from), Some(to)) => (from, to),
                (None, None) if protocol == "icmpv6" => (-1, -1),
                _ => return Err(Ec2Error::InvalidParameterValue(
                    "Invalid value 'Must specify both from and to ports with ICMP.' for portRange."
                        .into(),
                )),
            };
            // Range wording mirrors EC2's TCP/UDP message; the ICMP one is not confirmed.
            if !(-1..=255).contains(&from) {
                return Err(Ec2Error::PermissionMalformed(format!(
                    "ICMP type ({from}) out of range"
                )));
            }
            if !(-1..=255).contains(&to) {
                return Err(Ec2Error::PermissionMalformed(format!(
                    "ICMP code ({to}) out of range"
                )));
            }
            if from == -1 && to != -1 {
                return Err(Ec2Error::InvalidParameterValue(
                    "Invalid value for portRange. The ICMP code must be -1 when the ICMP type is -1."
                        .into(),
                ));
            }
            Ok((i32::try_from(from).ok(), i32::try_from(to).ok()))
        }
        _ => Ok((None, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_normalise_like_ec2() {
        assert_eq!(normalize_protocol(Some("TCP")).unwrap(), "tcp");
        assert_eq!(normalize_protocol(Some("6")).unwrap(), "tcp");
        assert_eq!(normalize_protocol(Some("17")).unwrap(), "udp");
        assert_eq!(normalize_protocol(Some("1")).unwrap(), "icmp");
        assert_eq!(normalize_protocol(Some("58")).unwrap(), "icmpv6");
        assert_eq!(normalize_protocol(Some("050")).unwrap(), "50");
        assert_eq!(normalize_protocol(Some("-1")).unwrap(), "-1");
        for bad in ["all", "256", "+6", "1000", "tcpx", ""] {
            assert!(normalize_protocol(Some(bad)).is_err(), "{bad}");
        }
        assert!(normalize_protocol(None).is_err());
    }

    #[test]
    fn ports_by_protocol() {
        assert_eq!(
            normalize_ports("tcp", Some(22), Some(22)).unwrap(),
            (Some(22), Some(22))
        );
        assert!(normalize_ports("tcp", Some(22), None).is_err());
        assert!(normalize_ports("udp", Some(-1), Some(5)).is_err());
        assert!(normalize_ports("tcp", Some(0), Some(65536)).is_err());
        assert!(normalize_ports("tcp", Some(i64::MAX), Some(i64::MAX)).is_err());
        assert!(normalize_ports("tcp", Some(80), Some(22)).is_err());
        assert_eq!(
            normalize_ports("icmpv6", None, None).unwrap(),
            (Some(-1), Some(-1))
        );
        assert!(normalize_ports("icmp", None, None).is_err());
        assert!(normalize_ports("icmp", Some(-1), Some(0)).is_err());
        assert!(normalize_ports("icmp", Some(256), Some(0)).is_err());
        assert_eq!(
            normalize_ports("icmp", Some(8), Some(-1)).unwrap(),
            (Some(8), Some(-1))
        );
        assert_eq!(
            normalize_ports("-1", Some(5), Some(1)).unwrap(),
            (None, None)
        );
        assert_eq!(normalize_ports("50", None, None).unwrap(), (None, None));
    }
}
