//! Security groups and their rules: create, delete, authorize and revoke with EC2's checks.
//!
//! Rules are stored as EC2 stores them, one peer per `sgr-` rule; the `IpPermissions` shape
//! (rules sharing protocol and ports grouped together) exists only on the wire.

use ipnet::{Ipv4Net, Ipv6Net};
use rand::Rng;

use crate::error::{Ec2Error, Ec2Result};
use crate::model::filters::Filterable;
use crate::model::ids::{check_fixed_id, is_well_formed, new_id};
use crate::model::tags::{Tag, Tags};
use crate::model::World;

/// The name EC2 reserves for each VPC's own group.
pub const DEFAULT_GROUP_NAME: &str = "default";

#[derive(Debug, Clone)]
pub struct SecurityGroup {
    pub id: String,
    pub name: String,
    pub description: String,
    pub vpc_id: String,
    pub owner_id: String,
    pub ingress: Vec<Rule>,
    pub egress: Vec<Rule>,
    pub tags: Tags,
}

/// One security group rule: a protocol, a port range and one peer, as EC2 stores them
/// (each `sgr-` rule has exactly one CIDR, group or prefix list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub id: String,
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
        group_id: String,
        user_id: String,
        group_name: String,
    },
    PrefixList(String),
}

impl SecurityGroup {
    /// A VPC's `default` group: all traffic in from members of the group itself, all traffic
    /// out (to `::/0` as well when the VPC has IPv6), as EC2 creates it.
    pub fn new_default<R: Rng + ?Sized>(
        id: String,
        vpc_id: &str,
        owner_id: &str,
        vpc_has_ipv6: bool,
        rng: &mut R,
    ) -> Self {
        let mut group = SecurityGroup::new(
            id,
            DEFAULT_GROUP_NAME,
            "default VPC security group",
            vpc_id,
            owner_id,
            vpc_has_ipv6,
            rng,
        );
        group.ingress.push(Rule {
            id: new_id(rng, "sgr"),
            protocol: "-1".into(),
            from_port: None,
            to_port: None,
            peer: Peer::Group {
                group_id: group.id.clone(),
                user_id: owner_id.to_owned(),
                group_name: DEFAULT_GROUP_NAME.to_owned(),
            },
            description: None,
            tags: Tags::default(),
        });
        group
    }

    /// A new group with EC2's default outbound rule(s) and no inbound rule.
    pub fn new<R: Rng + ?Sized>(
        id: String,
        name: &str,
        description: &str,
        vpc_id: &str,
        owner_id: &str,
        vpc_has_ipv6: bool,
        rng: &mut R,
    ) -> Self {
        let all_out = |peer, rng: &mut R| Rule {
            id: new_id(rng, "sgr"),
            protocol: "-1".into(),
            from_port: None,
            to_port: None,
            peer,
            description: None,
            tags: Tags::default(),
        };
        let mut egress = vec![all_out(Peer::Ipv4(Ipv4Net::default()), rng)];
        if vpc_has_ipv6 {
            egress.push(all_out(Peer::Ipv6(Ipv6Net::default()), rng));
        }
        SecurityGroup {
            id,
            name: name.to_owned(),
            description: description.to_owned(),
            vpc_id: vpc_id.to_owned(),
            owner_id: owner_id.to_owned(),
            ingress: Vec::new(),
            egress,
            tags: Tags::default(),
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
            Peer::Group { group_id, .. } => group_id.clone(),
            Peer::PrefixList(p) => p.clone(),
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
pub enum GroupRef {
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
}

/// What RevokeSecurityGroupIngress/Egress removes.
#[derive(Debug, Clone)]
pub enum Revocation {
    Rules(Vec<RuleSpec>),
    RuleIds(Vec<String>),
}

/// The outcome of a revoke: the rules removed and, in the default VPC only, the requested
/// rules that matched nothing.
#[derive(Debug, Clone, Default)]
pub struct Revoked {
    pub rules: Vec<Rule>,
    pub unknown: Vec<RuleSpec>,
}

impl World {
    /// Looks up a security group by ID, answering EC2's Malformed or NotFound error.
    pub fn security_group(&self, id: &str) -> Ec2Result<&SecurityGroup> {
        if !is_well_formed(id, "sg") {
            return Err(Ec2Error::GroupIdMalformed(id.to_owned()));
        }
        self.security_groups
            .get(id)
            .ok_or_else(|| Ec2Error::GroupNotFound(id.to_owned()))
    }

    /// Looks up a group by name in the default VPC, the only place EC2 resolves names.
    pub fn security_group_by_name(&self, name: &str) -> Ec2Result<&SecurityGroup> {
        let vpc = self.default_vpc().ok_or(Ec2Error::VpcIdNotSpecified)?;
        self.security_groups
            .values()
            .find(|g| g.vpc_id == vpc.id && g.name == name)
            .ok_or_else(|| Ec2Error::GroupNameNotFound {
                name: name.to_owned(),
                vpc_id: vpc.id.clone(),
            })
    }

    pub fn resolve_security_group(&self, group: &GroupRef) -> Ec2Result<&SecurityGroup> {
        match group {
            GroupRef::Id(id) => self.security_group(id),
            GroupRef::Name(name) => self.security_group_by_name(name),
        }
    }

    pub fn create_security_group(
        &mut self,
        req: NewSecurityGroup,
        dry_run: bool,
    ) -> Ec2Result<String> {
        self.create_security_group_with_id(req, None, dry_run)
    }

    /// CreateSecurityGroup, with the ID a state file fixes instead of a drawn one.
    pub(crate) fn create_security_group_with_id(
        &mut self,
        req: NewSecurityGroup,
        id: Option<String>,
        dry_run: bool,
    ) -> Ec2Result<String> {
        if let Some(id) = &id {
            check_fixed_id(id, "sg", self.security_groups.contains_key(id))?;
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
                vpc_id: vpc.id.clone(),
            });
        }
        let mut tags = Tags::default();
        tags.set_all(&req.tags)?;
        if dry_run {
            return Err(Ec2Error::DryRunOperation);
        }
        let vpc_id = vpc.id.clone();
        let has_ipv6 = vpc.ipv6.is_some();
        let id = id.unwrap_or_else(|| new_id(&mut self.rng, "sg"));
        let mut group = SecurityGroup::new(
            id.clone(),
            &req.name,
            &req.description,
            &vpc_id,
            &self.account_id,
            has_ipv6,
            &mut self.rng,
        );
        group.tags = tags;
        self.security_groups.insert(id.clone(), group);
        Ok(id)
    }

    /// Deletes a group nothing depends on; returns its ID.
    pub fn delete_security_group(&mut self, group: &GroupRef, dry_run: bool) -> Ec2Result<String> {
        let target = self.resolve_security_group(group)?;
        if target.name == DEFAULT_GROUP_NAME {
            return Err(Ec2Error::CannotDeleteDefaultGroup {
                group_id: target.id.clone(),
            });
        }
        let id = target.id.clone();
        // A group's rules naming the group itself do not keep it alive; other groups' do.
        let referenced = self.security_groups.values().any(|g| {
            g.id != id
                && g.ingress
                    .iter()
                    .chain(&g.egress)
                    .any(|r| matches!(&r.peer, Peer::Group { group_id, .. } if *group_id == id))
        });
        if referenced || !self.interfaces_using_group(&id).is_empty() {
            return Err(Ec2Error::DependencyViolation(format!(
                "resource {id} has a dependent object"
            )));
        }
        if dry_run {
            return Err(Ec2Error::DryRunOperation);
        }
        self.security_groups.remove(&id);
        Ok(id)
    }

    /// Adds rules to one direction of a group, all or none; returns the new rules.
    pub fn authorize_security_group_rules(
        &mut self,
        group: &GroupRef,
        egress: bool,
        specs: &[RuleSpec],
        tags: &[Tag],
        dry_run: bool,
    ) -> Ec2Result<Vec<Rule>> {
        let target = self.resolve_security_group(group)?;
        let existing = if egress {
            &target.egress
        } else {
            &target.ingress
        };
        let mut rule_tags = Tags::default();
        rule_tags.set_all(tags)?;
        let mut added: Vec<Rule> = Vec::with_capacity(specs.len());
        for spec in specs {
            let rule = Rule {
                id: String::new(),
                protocol: spec.protocol.clone(),
                from_port: spec.from_port,
                to_port: spec.to_port,
                peer: self.resolve_peer(target, &spec.peer)?,
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
        if dry_run {
            return Err(Ec2Error::DryRunOperation);
        }
        let group_id = target.id.clone();
        for rule in &mut added {
            rule.id = new_id(&mut self.rng, "sgr");
        }
        if let Some(group) = self.security_groups.get_mut(&group_id) {
            let rules = if egress {
                &mut group.egress
            } else {
                &mut group.ingress
            };
            rules.extend(added.iter().cloned());
        }
        Ok(added)
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
        group: &GroupRef,
        egress: bool,
        what: &Revocation,
        dry_run: bool,
    ) -> Ec2Result<Revoked> {
        let target = self.resolve_security_group(group)?;
        let existing = if egress {
            &target.egress
        } else {
            &target.ingress
        };
        let mut chosen: Vec<usize> = Vec::new();
        let mut unknown = Vec::new();
        match what {
            Revocation::RuleIds(ids) => {
                for id in ids {
                    if !is_well_formed(id, "sgr") {
                        return Err(Ec2Error::SecurityGroupRuleMalformed(id.clone()));
                    }
                    let i = existing
                        .iter()
                        .position(|r| r.id == *id)
                        .ok_or_else(|| Ec2Error::SecurityGroupRuleNotFound(id.clone()))?;
                    chosen.push(i);
                }
            }
            Revocation::Rules(specs) => {
                let in_default_vpc = self.vpcs.get(&target.vpc_id).is_some_and(|v| v.is_default);
                for spec in specs {
                    let wanted = Rule {
                        id: String::new(),
                        protocol: spec.protocol.clone(),
                        from_port: spec.from_port,
                        to_port: spec.to_port,
                        peer: self.resolve_peer(target, &spec.peer)?,
                        description: None,
                        tags: Tags::default(),
                    };
                    match existing.iter().position(|r| r.same_traffic(&wanted)) {
                        Some(i) => chosen.push(i),
                        None if in_default_vpc => unknown.push(spec.clone()),
                        None => return Err(Ec2Error::PermissionNotFound),
                    }
                }
            }
        }
        if dry_run {
            return Err(Ec2Error::DryRunOperation);
        }
        chosen.sort_unstable();
        chosen.dedup();
        let group_id = target.id.clone();
        let mut revoked = Revoked {
            rules: Vec::with_capacity(chosen.len()),
            unknown,
        };
        if let Some(group) = self.security_groups.get_mut(&group_id) {
            let rules = if egress {
                &mut group.egress
            } else {
                &mut group.ingress
            };
            // Highest index first, so the earlier indexes stay valid.
            for &i in chosen.iter().rev() {
                if i < rules.len() {
                    revoked.rules.push(rules.remove(i));
                }
            }
        }
        revoked.rules.reverse();
        Ok(revoked)
    }

    /// Resolves a requested peer for a rule of `target`. Only groups of the same VPC and
    /// account can be referenced: VPC peering and other accounts are not modelled.
    fn resolve_peer(&self, target: &SecurityGroup, peer: &PeerSpec) -> Ec2Result<Peer> {
        match peer {
            PeerSpec::Ipv4(n) => Ok(Peer::Ipv4(*n)),
            PeerSpec::Ipv6(n) => Ok(Peer::Ipv6(*n)),
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
                let vpc_matches = vpc_id.as_ref().map_or(true, |v| *v == referenced.vpc_id);
                if referenced.vpc_id != target.vpc_id || !vpc_matches {
                    return Err(Ec2Error::GroupInOtherNetwork);
                }
                Ok(Peer::Group {
                    group_id: referenced.id.clone(),
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
                        "group-id" => vec![self.id.clone()],
                        "group-name" => vec![self.name.clone()],
                        "owner-id" => vec![self.owner_id.clone()],
                        "vpc-id" => vec![self.vpc_id.clone()],
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
                ("group-id", Peer::Group { group_id, .. }) => Some(group_id.clone()),
                ("user-id", Peer::Group { user_id, .. }) => Some(user_id.clone()),
                ("group-name", Peer::Group { group_name, .. }) => Some(group_name.clone()),
                ("prefix-list-id", Peer::PrefixList(p)) => Some(p.clone()),
                ("protocol", _) => Some(r.protocol.clone()),
                ("from-port", _) => r.from_port.map(|p| p.to_string()),
                ("to-port", _) => r.to_port.map(|p| p.to_string()),
                _ => None,
            })
            .collect()
    }
}
