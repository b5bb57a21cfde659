//! CreateSecurityGroup, DescribeSecurityGroups, DeleteSecurityGroup, and the four rule actions
//! (Authorize/Revoke × Ingress/Egress), which share one `IpPermissions` reader.

use std::sync::Arc;

use crate::actions::common::{parse_tag_specifications, write_tag_set};
use crate::actions::describe::{Found, Query};
use crate::actions::{Action, Call, Read, Write};
use crate::error::{Ec2Error, Ec2Result};
use crate::kinds::Kind;
use crate::model::filters;
use crate::model::security_groups::{
    normalize_ports, normalize_protocol, GroupSelector, NewSecurityGroup, Peer, PeerSpec,
    Revocation, Rule, RuleChange, RuleSpec, RuleView, SecurityGroup,
};
use crate::model::tags::Tag;
use crate::model::World;
use crate::values::{check_group_text, check_rule_description, rule_cidr_v4, rule_cidr_v6};
use crate::wire::params::Scope;
use crate::wire::xml::XmlWriter;

pub struct CreateSecurityGroup {
    request: NewSecurityGroup,
}

impl Action for CreateSecurityGroup {
    type Output = (Arc<SecurityGroup>, &'static str);

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let name = p.string("GroupName");
        let description = p.string("GroupDescription");
        let vpc_id = p.string("VpcId");
        let tags = parse_tag_specifications(&p, Kind::SecurityGroup)?;
        call.finish()?;
        // EC2's query layer treats an empty value as an absent one for required strings.
        let name = name
            .filter(|n| !n.is_empty())
            .ok_or_else(|| Ec2Error::MissingParameter("GroupName".into()))?;
        let description = description
            .filter(|d| !d.is_empty())
            .ok_or_else(|| Ec2Error::MissingParameter("GroupDescription".into()))?;
        check_group_text("GroupName", &name)?;
        if name.starts_with("sg-") {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "Value ({name}) for parameter GroupName is invalid. Group names may not be in the format sg-*."
            )));
        }
        check_group_text("GroupDescription", &description)?;
        Ok(CreateSecurityGroup {
            request: NewSecurityGroup {
                name,
                description,
                vpc_id,
                tags,
            },
        })
    }

    fn render((group, region): &Self::Output, w: &mut XmlWriter) {
        w.text("groupId", group.id);
        write_tag_set(w, &group.tags);
        w.text("securityGroupArn", group.arn(region));
    }
}

impl Write for CreateSecurityGroup {
    fn write(self, world: &mut World) -> Ec2Result<Self::Output> {
        let id = world.create_security_group(self.request)?;
        Ok((world.security_groups().fetch(&id)?, world.region().name))
    }
}

pub struct DescribeSecurityGroups {
    query: Query,
    names: Vec<String>,
}

impl Action for DescribeSecurityGroups {
    type Output = (Found<Arc<SecurityGroup>>, &'static str);

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let query = Query::parse(&p, "GroupId")?;
        let names = p.string_list("GroupName");
        call.finish()?;
        // Filter names are checked before group names are looked up, as in every other
        // Describe, so a bad filter is reported as such even when a name also misses.
        filters::check_names::<SecurityGroup>(&query.filters)?;
        Ok(DescribeSecurityGroups { query, names })
    }

    fn render((found, region): &Self::Output, w: &mut XmlWriter) {
        found.render(w, "securityGroupInfo", |w, group| {
            write_group(w, group, region)
        });
    }
}

impl Read for DescribeSecurityGroups {
    fn read(mut self, world: &World) -> Ec2Result<Self::Output> {
        for name in &self.names {
            let id = world.security_group_by_name(name)?.id;
            self.query.ids.push(id.to_string());
        }
        let found = self.query.run(world.security_groups(), Arc::clone)?;
        Ok((found, world.region().name))
    }
}

pub struct DeleteSecurityGroup {
    group: GroupSelector,
}

impl Action for DeleteSecurityGroup {
    type Output = String;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let id = p.string("GroupId");
        let name = p.string("GroupName");
        call.finish()?;
        Ok(DeleteSecurityGroup {
            group: group_selector(id, name)?,
        })
    }

    fn render(id: &String, w: &mut XmlWriter) {
        w.text("return", "true");
        w.text("groupId", id);
    }
}

impl Write for DeleteSecurityGroup {
    fn write(self, world: &mut World) -> Ec2Result<String> {
        Ok(world.delete_security_group(&self.group)?.to_string())
    }
}

/// AuthorizeSecurityGroupIngress (`EGRESS` false) or …Egress (true).
pub struct Authorize<const EGRESS: bool> {
    group: GroupSelector,
    specs: Vec<RuleSpec>,
    tags: Vec<Tag>,
}

pub type AuthorizeIngress = Authorize<false>;
pub type AuthorizeEgress = Authorize<true>;

impl<const EGRESS: bool> Action for Authorize<EGRESS> {
    type Output = (RuleChange, &'static str);

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let request = RuleRequest::read(&p, EGRESS)?;
        let tags = parse_tag_specifications(&p, Kind::SecurityGroupRule)?;
        call.finish()?;
        Ok(Authorize {
            group: request.group()?,
            specs: request.specs()?,
            tags,
        })
    }

    fn render((change, region): &Self::Output, w: &mut XmlWriter) {
        w.text("return", "true");
        w.list("securityGroupRuleSet", &change.rules, |w, rule| {
            write_rule_view(
                w,
                &RuleView {
                    rule: rule.clone(),
                    group_id: change.group.id,
                    group_owner_id: change.group.owner_id.clone(),
                    egress: EGRESS,
                },
                region,
            );
        });
    }
}

impl<const EGRESS: bool> Write for Authorize<EGRESS> {
    fn write(self, world: &mut World) -> Ec2Result<Self::Output> {
        let change =
            world.authorize_security_group_rules(&self.group, EGRESS, &self.specs, &self.tags)?;
        Ok((change, world.region().name))
    }
}

/// RevokeSecurityGroupIngress (`EGRESS` false) or …Egress (true).
pub struct Revoke<const EGRESS: bool> {
    group: GroupSelector,
    what: Revocation,
}

pub type RevokeIngress = Revoke<false>;
pub type RevokeEgress = Revoke<true>;

impl<const EGRESS: bool> Action for Revoke<EGRESS> {
    type Output = RuleChange;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let request = RuleRequest::read(&p, EGRESS)?;
        let rule_ids = p.string_list("SecurityGroupRuleId");
        call.finish()?;
        let group = request.group()?;
        let what = if rule_ids.is_empty() {
            Revocation::Rules(request.specs()?)
        } else if request.has_permissions() {
            return Err(Ec2Error::InvalidParameterCombination(
                "The parameter SecurityGroupRuleId cannot be used with the parameter IpPermissions"
                    .into(),
            ));
        } else {
            Revocation::RuleIds(rule_ids)
        };
        Ok(Revoke { group, what })
    }

    fn render(change: &RuleChange, w: &mut XmlWriter) {
        // EC2 answers `false` when part of the request matched nothing (default VPC only).
        w.text("return", change.unknown.is_empty());
        if !change.unknown.is_empty() {
            w.list("unknownIpPermissionSet", &change.unknown, write_unknown);
        }
        w.list("revokedSecurityGroupRuleSet", &change.rules, |w, rule| {
            write_revoked_rule(w, &change.group, rule, EGRESS);
        });
    }
}

impl<const EGRESS: bool> Write for Revoke<EGRESS> {
    fn write(self, world: &mut World) -> Ec2Result<RuleChange> {
        world.revoke_security_group_rules(&self.group, EGRESS, &self.what)
    }
}

/// `GroupId` or, for the default VPC, `GroupName`: exactly one of them.
pub(crate) fn group_selector(id: Option<String>, name: Option<String>) -> Ec2Result<GroupSelector> {
    match (id, name) {
        (Some(id), None) if id.is_empty() => Err(Ec2Error::InvalidParameterValue(
            "Value () for parameter groupId is invalid. The value cannot be empty".into(),
        )),
        (Some(id), None) => Ok(GroupSelector::Id(id)),
        (None, Some(name)) => Ok(GroupSelector::Name(name)),
        (None, None) => Err(Ec2Error::MissingParameter("GroupId".into())),
        (Some(_), Some(_)) => Err(Ec2Error::InvalidParameterCombination(
            "The parameter GroupName cannot be used with the parameter GroupId".into(),
        )),
    }
}

/// Everything the four rule actions read besides DryRun, TagSpecification and rule IDs.
/// All keys are read before `finish`, and checked only afterwards, so an unknown parameter is
/// reported before anything else, as for every other action.
pub(crate) struct RuleRequest {
    egress: bool,
    pub(crate) group_id: Option<String>,
    pub(crate) group_name: Option<String>,
    permissions: Vec<RawPermission>,
    legacy: Legacy,
}

struct RawPermission {
    protocol: Option<String>,
    from_port: Option<i64>,
    to_port: Option<i64>,
    ipv4: Vec<RawRange>,
    ipv6: Vec<RawRange>,
    prefix_lists: Vec<RawRange>,
    groups: Vec<RawGroup>,
    wire: String,
}

struct RawRange {
    value: Option<String>,
    description: Option<String>,
    wire: String,
}

struct RawGroup {
    group_id: Option<String>,
    group_name: Option<String>,
    user_id: Option<String>,
    vpc_id: Option<String>,
    peering: Option<String>,
    description: Option<String>,
    wire: String,
}

/// The top-level, pre-`IpPermissions` form of one rule.
#[derive(Default)]
struct Legacy {
    cidr_ip: Option<String>,
    protocol: Option<String>,
    from_port: Option<i64>,
    to_port: Option<i64>,
    source_group_name: Option<String>,
    source_group_owner: Option<String>,
}

impl Legacy {
    /// The wire names of the legacy parameters present, in a fixed order.
    fn present(&self) -> Vec<&'static str> {
        [
            ("CidrIp", self.cidr_ip.is_some()),
            ("IpProtocol", self.protocol.is_some()),
            ("FromPort", self.from_port.is_some()),
            ("ToPort", self.to_port.is_some()),
            ("SourceSecurityGroupName", self.source_group_name.is_some()),
            (
                "SourceSecurityGroupOwnerId",
                self.source_group_owner.is_some(),
            ),
        ]
        .into_iter()
        .filter_map(|(name, given)| given.then_some(name))
        .collect()
    }
}

impl RuleRequest {
    pub(crate) fn read(p: &Scope, egress: bool) -> Ec2Result<Self> {
        let group_id = p.string("GroupId");
        // Egress rules are only addressed by ID: GroupName is not in their model, so it is
        // left unread and `finish` reports it.
        let group_name = if egress { None } else { p.string("GroupName") };
        let mut permissions = Vec::new();
        for perm in p.list("IpPermissions") {
            let ranges = |list: &str, member: &str| -> Vec<RawRange> {
                perm.list(list)
                    .into_iter()
                    .map(|r| RawRange {
                        value: r.string(member),
                        description: r.string("Description"),
                        wire: r.wire_name(member),
                    })
                    .collect()
            };
            let ipv4 = ranges("IpRanges", "CidrIp");
            let ipv6 = ranges("Ipv6Ranges", "CidrIpv6");
            let prefix_lists = ranges("PrefixListIds", "PrefixListId");
            let groups = perm
                .list("Groups")
                .into_iter()
                .map(|g| {
                    let peering = g.string("VpcPeeringConnectionId");
                    let status = g.string("PeeringStatus");
                    RawGroup {
                        group_id: g.string("GroupId"),
                        group_name: g.string("GroupName"),
                        user_id: g.string("UserId"),
                        vpc_id: g.string("VpcId"),
                        peering: peering.or(status),
                        description: g.string("Description"),
                        wire: g.wire_name("GroupId"),
                    }
                })
                .collect();
            permissions.push(RawPermission {
                protocol: perm.string("IpProtocol"),
                from_port: perm.int("FromPort")?,
                to_port: perm.int("ToPort")?,
                ipv4,
                ipv6,
                prefix_lists,
                groups,
                wire: perm.wire_name("IpProtocol"),
            });
        }
        let legacy = Legacy {
            cidr_ip: p.string("CidrIp"),
            protocol: p.string("IpProtocol"),
            from_port: p.int("FromPort")?,
            to_port: p.int("ToPort")?,
            source_group_name: p.string("SourceSecurityGroupName"),
            source_group_owner: p.string("SourceSecurityGroupOwnerId"),
        };
        Ok(RuleRequest {
            egress,
            group_id,
            group_name,
            permissions,
            legacy,
        })
    }

    fn group(&self) -> Ec2Result<GroupSelector> {
        group_selector(self.group_id.clone(), self.group_name.clone())
    }

    pub(crate) fn has_permissions(&self) -> bool {
        !self.permissions.is_empty() || !self.legacy.present().is_empty()
    }

    /// The rules the request names, validated and normalised, one peer each.
    pub(crate) fn specs(&self) -> Ec2Result<Vec<RuleSpec>> {
        let legacy = self.legacy.present();
        if let Some(first) = legacy.first() {
            if self.egress {
                // The API reference marks these "Not supported. Use IP permissions instead."
                // for egress.
                return Err(Ec2Error::UnsupportedOperation(format!(
                    "The parameter {first} is not supported for egress rules. Use IpPermissions instead."
                )));
            }
            if !self.permissions.is_empty() {
                return Err(Ec2Error::InvalidParameterCombination(format!(
                    "The parameter {first} cannot be used with the parameter IpPermissions"
                )));
            }
            return self.legacy_specs();
        }
        if self.permissions.is_empty() {
            return Err(Ec2Error::MissingParameter("IpPermissions".into()));
        }
        let mut specs = Vec::new();
        for perm in &self.permissions {
            permission_specs(perm, &mut specs)?;
        }
        Ok(specs)
    }

    fn legacy_specs(&self) -> Ec2Result<Vec<RuleSpec>> {
        let l = &self.legacy;
        if let Some(name) = &l.source_group_name {
            // "You can't specify this parameter in combination with the following parameters:
            // the CIDR IP address range, the start of the port range, the IP protocol, and the
            // end of the port range. Creates rules that grant full ICMP, UDP, and TCP access."
            if let Some(other) = l
                .present()
                .into_iter()
                .find(|p| *p != "SourceSecurityGroupName" && *p != "SourceSecurityGroupOwnerId")
            {
                return Err(Ec2Error::InvalidParameterCombination(format!(
                    "The parameter SourceSecurityGroupName cannot be used with the parameter {other}"
                )));
            }
            let peer = PeerSpec::Group {
                group_id: None,
                group_name: Some(name.clone()),
                user_id: l.source_group_owner.clone(),
                vpc_id: None,
            };
            let rule = |protocol: &str, from, to| RuleSpec {
                protocol: protocol.to_owned(),
                from_port: Some(from),
                to_port: Some(to),
                peer: peer.clone(),
                description: None,
            };
            return Ok(vec![
                rule("icmp", -1, -1),
                rule("tcp", 0, 65535),
                rule("udp", 0, 65535),
            ]);
        }
        if l.source_group_owner.is_some() {
            return Err(Ec2Error::MissingParameter("SourceSecurityGroupName".into()));
        }
        let protocol = normalize_protocol(l.protocol.as_deref())?;
        let (from_port, to_port) = normalize_ports(&protocol, l.from_port, l.to_port)?;
        let cidr = l
            .cidr_ip
            .as_deref()
            .ok_or_else(|| Ec2Error::MissingParameter("CidrIp".into()))?;
        Ok(vec![RuleSpec {
            protocol,
            from_port,
            to_port,
            peer: PeerSpec::Ipv4(rule_cidr_v4(cidr)?),
            description: None,
        }])
    }
}

/// One `IpPermissions.N` becomes one rule per range, prefix list or group in it.
fn permission_specs(perm: &RawPermission, out: &mut Vec<RuleSpec>) -> Ec2Result<()> {
    let protocol = normalize_protocol(perm.protocol.as_deref())?;
    let (from_port, to_port) = normalize_ports(&protocol, perm.from_port, perm.to_port)?;
    let spec = |peer, description: &Option<String>| -> Ec2Result<RuleSpec> {
        if let Some(d) = description {
            check_rule_description(d)?;
        }
        Ok(RuleSpec {
            protocol: protocol.clone(),
            from_port,
            to_port,
            peer,
            description: description.clone().filter(|d| !d.is_empty()),
        })
    };
    let required = |r: &RawRange| {
        r.value
            .clone()
            .ok_or_else(|| Ec2Error::MissingParameter(r.wire.clone()))
    };
    let before = out.len();
    for r in &perm.ipv4 {
        out.push(spec(
            PeerSpec::Ipv4(rule_cidr_v4(&required(r)?)?),
            &r.description,
        )?);
    }
    for r in &perm.ipv6 {
        out.push(spec(
            PeerSpec::Ipv6(rule_cidr_v6(&required(r)?)?),
            &r.description,
        )?);
    }
    for r in &perm.prefix_lists {
        out.push(spec(PeerSpec::PrefixList(required(r)?), &r.description)?);
    }
    for g in &perm.groups {
        if g.peering.is_some() {
            return Err(Ec2Error::UnsupportedOperation(
                "VPC peering is not modelled by ec2-mock".into(),
            ));
        }
        if g.group_id.is_none() && g.group_name.is_none() {
            return Err(Ec2Error::MissingParameter(g.wire.clone()));
        }
        let peer = PeerSpec::Group {
            group_id: g.group_id.clone(),
            group_name: g.group_name.clone(),
            user_id: g.user_id.clone(),
            vpc_id: g.vpc_id.clone(),
        };
        out.push(spec(peer, &g.description)?);
    }
    if out.len() == before {
        // EC2's wording for a permission without any source is not confirmed; refusing it
        // loudly beats silently adding nothing.
        return Err(Ec2Error::InvalidParameterValue(format!(
            "{} names no IpRanges, Ipv6Ranges, PrefixListIds or Groups",
            perm.wire.trim_end_matches(".IpProtocol")
        )));
    }
    Ok(())
}

/// One `securityGroupInfo` item, in the element order EC2 sends.
fn write_group(w: &mut XmlWriter, group: &SecurityGroup, region: &str) {
    w.text("ownerId", &group.owner_id);
    w.text("groupId", group.id);
    w.text("groupName", &group.name);
    w.text("groupDescription", &group.description);
    w.text("vpcId", group.vpc_id);
    write_permissions(w, "ipPermissions", &group.ingress);
    write_permissions(w, "ipPermissionsEgress", &group.egress);
    write_tag_set(w, &group.tags);
    w.text("securityGroupArn", group.arn(region));
}

/// Rules as `IpPermission`s: one item per (protocol, from, to), in order of first appearance,
/// holding every peer of those rules.
fn write_permissions(w: &mut XmlWriter, name: &str, rules: &[Rule]) {
    let mut keys: Vec<(&str, Option<i32>, Option<i32>)> = Vec::new();
    for r in rules {
        let key = (r.protocol.as_str(), r.from_port, r.to_port);
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    w.list(name, keys, |w, (protocol, from, to)| {
        let members: Vec<&Rule> = rules
            .iter()
            .filter(|r| r.protocol == protocol && r.from_port == from && r.to_port == to)
            .collect();
        w.text("ipProtocol", protocol);
        w.opt("fromPort", from);
        w.opt("toPort", to);
        w.list(
            "groups",
            members.iter().filter_map(|r| match &r.peer {
                Peer::Group {
                    group_id, user_id, ..
                } => Some((group_id, user_id, r)),
                _ => None,
            }),
            |w, (group_id, user_id, r)| {
                w.text("userId", user_id);
                w.text("groupId", group_id);
                w.opt("description", r.description.as_deref());
            },
        );
        w.list(
            "ipRanges",
            members.iter().filter_map(|r| match &r.peer {
                Peer::Ipv4(n) => Some((n, r)),
                _ => None,
            }),
            |w, (n, r)| {
                w.text("cidrIp", n);
                w.opt("description", r.description.as_deref());
            },
        );
        w.list(
            "ipv6Ranges",
            members.iter().filter_map(|r| match &r.peer {
                Peer::Ipv6(n) => Some((n, r)),
                _ => None,
            }),
            |w, (n, r)| {
                w.text("cidrIpv6", n);
                w.opt("description", r.description.as_deref());
            },
        );
        w.list(
            "prefixListIds",
            members.iter().filter_map(|r| match &r.peer {
                Peer::PrefixList(p) => Some((p, r)),
                _ => None,
            }),
            |w, (p, r)| {
                w.text("prefixListId", p);
                w.opt("description", r.description.as_deref());
            },
        );
    });
}

/// One `securityGroupRuleSet` item (the SecurityGroupRule shape), as Authorize* and
/// DescribeSecurityGroupRules answer it. Rules without ports (all traffic, protocol numbers)
/// show -1/-1 there, as DescribeSecurityGroupRules does.
pub(crate) fn write_rule_view(w: &mut XmlWriter, view: &RuleView, region: &str) {
    let rule = &view.rule;
    w.text("securityGroupRuleId", rule.id);
    w.text("groupId", view.group_id);
    w.text("groupOwnerId", &view.group_owner_id);
    w.text("isEgress", view.egress);
    w.text("ipProtocol", &rule.protocol);
    w.text("fromPort", rule.from_port.unwrap_or(-1));
    w.text("toPort", rule.to_port.unwrap_or(-1));
    match &rule.peer {
        Peer::Ipv4(n) => {
            w.text("cidrIpv4", n);
        }
        Peer::Ipv6(n) => {
            w.text("cidrIpv6", n);
        }
        Peer::PrefixList(p) => {
            w.text("prefixListId", p);
        }
        Peer::Group {
            group_id, user_id, ..
        } => {
            w.node("referencedGroupInfo", |w| {
                w.text("groupId", group_id);
                w.text("userId", user_id);
            });
        }
    }
    w.opt("description", rule.description.as_deref());
    write_tag_set(w, &rule.tags);
    w.text(
        "securityGroupRuleArn",
        format!(
            "arn:aws:ec2:{region}:{}:security-group-rule/{}",
            view.group_owner_id, rule.id
        ),
    );
}

/// One `revokedSecurityGroupRuleSet` item (the RevokedSecurityGroupRule shape).
fn write_revoked_rule(w: &mut XmlWriter, group: &SecurityGroup, rule: &Rule, egress: bool) {
    w.text("securityGroupRuleId", rule.id);
    w.text("groupId", group.id);
    w.text("isEgress", egress);
    w.text("ipProtocol", &rule.protocol);
    w.text("fromPort", rule.from_port.unwrap_or(-1));
    w.text("toPort", rule.to_port.unwrap_or(-1));
    match &rule.peer {
        Peer::Ipv4(n) => {
            w.text("cidrIpv4", n);
        }
        Peer::Ipv6(n) => {
            w.text("cidrIpv6", n);
        }
        Peer::PrefixList(p) => {
            w.text("prefixListId", p);
        }
        Peer::Group { group_id, .. } => {
            w.text("referencedGroupId", group_id);
        }
    }
    w.opt("description", rule.description.as_deref());
}

/// A requested rule that matched nothing, echoed as an `IpPermission`.
fn write_unknown(w: &mut XmlWriter, spec: &RuleSpec) {
    w.text("ipProtocol", &spec.protocol);
    w.opt("fromPort", spec.from_port);
    w.opt("toPort", spec.to_port);
    let group = match &spec.peer {
        PeerSpec::Group {
            group_id,
            group_name,
            user_id,
            ..
        } => Some((group_id, group_name, user_id)),
        _ => None,
    };
    w.list("groups", group, |w, (group_id, group_name, user_id)| {
        w.opt("userId", user_id.as_deref());
        w.opt("groupName", group_name.as_deref());
        w.opt("groupId", group_id.as_deref());
    });
    let ipv4 = match &spec.peer {
        PeerSpec::Ipv4(n) => Some(n),
        _ => None,
    };
    w.list("ipRanges", ipv4, |w, n| {
        w.text("cidrIp", n);
    });
    let ipv6 = match &spec.peer {
        PeerSpec::Ipv6(n) => Some(n),
        _ => None,
    };
    w.list("ipv6Ranges", ipv6, |w, n| {
        w.text("cidrIpv6", n);
    });
    let prefix_list = match &spec.peer {
        PeerSpec::PrefixList(p) => Some(p),
        _ => None,
    };
    w.list("prefixListIds", prefix_list, |w, p| {
        w.text("prefixListId", p);
    });
}
