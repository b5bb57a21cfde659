//! CreateSecurityGroup, DescribeSecurityGroups, DeleteSecurityGroup, and the four rule actions
//! (Authorize/Revoke × Ingress/Egress), which share one `IpPermissions` reader.

use ipnet::{Ipv4Net, Ipv6Net};

use crate::actions::common::{
    dry_run, parse_filters, parse_page, parse_tag_specifications, select, write_next_token,
    write_tag_set,
};
use crate::actions::Call;
use crate::error::{Ec2Error, Ec2Result};
use crate::model::filters;
use crate::model::security_groups::{
    GroupRef, NewSecurityGroup, Peer, PeerSpec, Revocation, Rule, RuleSpec, SecurityGroup,
};
use crate::model::World;
use crate::wire::params::Scope;
use crate::wire::xml::XmlWriter;

/// Group names, group descriptions and rule descriptions are all limited to 255 characters.
const MAX_TEXT_LEN: usize = 255;
/// Besides ASCII letters and digits, the characters the API reference allows in names and
/// descriptions.
const ALLOWED_PUNCTUATION: &str = " ._-:/()#,@[]+=&;{}!$*";

pub fn create_security_group(call: &Call<'_>, world: &mut World) -> Ec2Result<Vec<u8>> {
    let p = call.root();
    let dry = dry_run(&p)?;
    let name = p.string("GroupName");
    let description = p.string("GroupDescription");
    let vpc_id = p.string("VpcId");
    let tags = parse_tag_specifications(&p, "security-group")?;
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
    let id = world.create_security_group(
        NewSecurityGroup {
            name,
            description,
            vpc_id,
            tags,
        },
        dry,
    )?;
    let group = world.security_group(&id)?;
    let region = world.region.name;
    Ok(call.reply(|w| {
        w.text("groupId", &group.id);
        write_tag_set(w, &group.tags);
        w.text("securityGroupArn", group.arn(region));
    }))
}

pub fn describe_security_groups(call: &Call<'_>, world: &mut World) -> Ec2Result<Vec<u8>> {
    let p = call.root();
    let dry = dry_run(&p)?;
    let mut ids = p.string_list("GroupId");
    let names = p.string_list("GroupName");
    let filters = parse_filters(&p)?;
    let page = parse_page(&p)?;
    call.finish()?;
    // Filter names are checked before group names are looked up, as in every other Describe,
    // so a bad filter is reported as such even when a name also misses.
    filters::check_names::<SecurityGroup>(&filters)?;
    let world = &*world;
    for name in &names {
        ids.push(world.security_group_by_name(name)?.id.clone());
    }
    let sel = select(
        &world.security_groups,
        &ids,
        |id| world.security_group(id),
        &filters,
        &page,
    )?;
    if dry {
        return Err(Ec2Error::DryRunOperation);
    }
    let region = world.region.name;
    Ok(call.reply(|w| {
        w.list("securityGroupInfo", &sel.ids, |w, id| {
            if let Some(group) = world.security_groups.get(id) {
                write_group(w, group, region);
            }
        });
        write_next_token(w, &sel.next_token);
    }))
}

pub fn delete_security_group(call: &Call<'_>, world: &mut World) -> Ec2Result<Vec<u8>> {
    let p = call.root();
    let dry = dry_run(&p)?;
    let id = p.string("GroupId");
    let name = p.string("GroupName");
    call.finish()?;
    let group = group_ref(id, name)?;
    let id = world.delete_security_group(&group, dry)?;
    Ok(call.reply(|w| {
        w.text("return", "true");
        w.text("groupId", id);
    }))
}

pub fn authorize_security_group_ingress(call: &Call<'_>, world: &mut World) -> Ec2Result<Vec<u8>> {
    authorize(call, world, false)
}

pub fn authorize_security_group_egress(call: &Call<'_>, world: &mut World) -> Ec2Result<Vec<u8>> {
    authorize(call, world, true)
}

pub fn revoke_security_group_ingress(call: &Call<'_>, world: &mut World) -> Ec2Result<Vec<u8>> {
    revoke(call, world, false)
}

pub fn revoke_security_group_egress(call: &Call<'_>, world: &mut World) -> Ec2Result<Vec<u8>> {
    revoke(call, world, true)
}

fn authorize(call: &Call<'_>, world: &mut World, egress: bool) -> Ec2Result<Vec<u8>> {
    let p = call.root();
    let dry = dry_run(&p)?;
    let request = RuleRequest::read(&p, egress)?;
    let tags = parse_tag_specifications(&p, "security-group-rule")?;
    call.finish()?;
    let group = request.group()?;
    let specs = request.specs()?;
    let rules = world.authorize_security_group_rules(&group, egress, &specs, &tags, dry)?;
    let target = world.resolve_security_group(&group)?;
    let region = world.region.name;
    Ok(call.reply(|w| {
        w.text("return", "true");
        w.list("securityGroupRuleSet", &rules, |w, rule| {
            write_rule(w, target, rule, egress, region);
        });
    }))
}

fn revoke(call: &Call<'_>, world: &mut World, egress: bool) -> Ec2Result<Vec<u8>> {
    let p = call.root();
    let dry = dry_run(&p)?;
    let request = RuleRequest::read(&p, egress)?;
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
    let revoked = world.revoke_security_group_rules(&group, egress, &what, dry)?;
    let target = world.resolve_security_group(&group)?;
    Ok(call.reply(|w| {
        // EC2 answers `false` when part of the request matched nothing (default VPC only).
        w.text("return", revoked.unknown.is_empty());
        if !revoked.unknown.is_empty() {
            w.list("unknownIpPermissionSet", &revoked.unknown, write_unknown);
        }
        w.list("revokedSecurityGroupRuleSet", &revoked.rules, |w, rule| {
            write_revoked_rule(w, &target.id, rule, egress);
        });
    }))
}

/// `GroupId` or, for the default VPC, `GroupName`: exactly one of them.
fn group_ref(id: Option<String>, name: Option<String>) -> Ec2Result<GroupRef> {
    match (id, name) {
        (Some(id), None) if id.is_empty() => Err(Ec2Error::InvalidParameterValue(
            "Value () for parameter groupId is invalid. The value cannot be empty".into(),
        )),
        (Some(id), None) => Ok(GroupRef::Id(id)),
        (None, Some(name)) => Ok(GroupRef::Name(name)),
        (None, None) => Err(Ec2Error::MissingParameter("GroupId".into())),
        (Some(_), Some(_)) => Err(Ec2Error::InvalidParameterCombination(
            "The parameter GroupName cannot be used with the parameter GroupId".into(),
        )),
    }
}

/// Names and descriptions of groups: at most 255 characters from the documented set.
pub(crate) fn check_group_text(param: &str, value: &str) -> Ec2Result<()> {
    if value.chars().count() > MAX_TEXT_LEN {
        return Err(Ec2Error::InvalidParameterValue(format!(
            "Value ({value}) for parameter {param} is invalid. Length exceeds maximum of {MAX_TEXT_LEN} characters."
        )));
    }
    if !value.is_ascii() {
        return Err(Ec2Error::InvalidParameterValue(format!(
            "Value ({value}) for parameter {param} is invalid. Character sets beyond ASCII are not supported."
        )));
    }
    if !value.chars().all(allowed_char) {
        return Err(Ec2Error::InvalidParameterValue(format!(
            "Value ({value}) for parameter {param} is invalid. Valid characters are a-z, A-Z, 0-9, spaces, and {ALLOWED_PUNCTUATION}"
        )));
    }
    Ok(())
}

fn allowed_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || ALLOWED_PUNCTUATION.contains(c)
}

pub(crate) fn check_rule_description(description: &str) -> Ec2Result<()> {
    if description.chars().count() > MAX_TEXT_LEN || !description.chars().all(allowed_char) {
        return Err(Ec2Error::InvalidParameterValue(format!(
            "Invalid rule description. Valid descriptions are strings less than 256 characters from the following set: a-zA-Z0-9{ALLOWED_PUNCTUATION}"
        )));
    }
    Ok(())
}

/// Everything the four rule actions read besides DryRun, TagSpecification and rule IDs.
/// All keys are read before `finish`, and checked only afterwards, so an unknown parameter is
/// reported before anything else, as for every other action.
struct RuleRequest {
    egress: bool,
    group_id: Option<String>,
    group_name: Option<String>,
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
    fn read(p: &Scope, egress: bool) -> Ec2Result<Self> {
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

    fn group(&self) -> Ec2Result<GroupRef> {
        group_ref(self.group_id.clone(), self.group_name.clone())
    }

    fn has_permissions(&self) -> bool {
        !self.permissions.is_empty() || !self.legacy.present().is_empty()
    }

    /// The rules the request names, validated and normalised, one peer each.
    fn specs(&self) -> Ec2Result<Vec<RuleSpec>> {
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
            peer: PeerSpec::Ipv4(parse_ipv4(cidr)?),
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
            PeerSpec::Ipv4(parse_ipv4(&required(r)?)?),
            &r.description,
        )?);
    }
    for r in &perm.ipv6 {
        out.push(spec(
            PeerSpec::Ipv6(parse_ipv6(&required(r)?)?),
            &r.description,
        )?);
    }
    if let Some(r) = perm.prefix_lists.first() {
        // Real accounts always have AWS-managed prefix lists (S3, DynamoDB, …) that this
        // world does not model; answering NotFound for a real `pl-` ID would mislead, so
        // the feature is refused plainly instead.
        return Err(Ec2Error::UnsupportedOperation(format!(
            "Prefix lists are not modelled by ec2-mock ({})",
            r.value.as_deref().unwrap_or_default()
        )));
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

/// An IPv4 CIDR in EC2's canonical form (host bits cleared: 10.0.0.5/8 is 10.0.0.0/8).
fn parse_ipv4(value: &str) -> Ec2Result<Ipv4Net> {
    value
        .parse::<Ipv4Net>()
        .map(|n| n.trunc())
        .map_err(|_| malformed_cidr(value))
}

fn parse_ipv6(value: &str) -> Ec2Result<Ipv6Net> {
    value
        .parse::<Ipv6Net>()
        .map(|n| n.trunc())
        .map_err(|_| malformed_cidr(value))
}

fn malformed_cidr(value: &str) -> Ec2Error {
    Ec2Error::InvalidParameterValue(format!("CIDR block {value} is malformed"))
}

/// One `securityGroupInfo` item, in the element order EC2 sends.
fn write_group(w: &mut XmlWriter, group: &SecurityGroup, region: &str) {
    w.text("ownerId", &group.owner_id);
    w.text("groupId", &group.id);
    w.text("groupName", &group.name);
    w.text("groupDescription", &group.description);
    w.text("vpcId", &group.vpc_id);
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

/// One `securityGroupRuleSet` item (the SecurityGroupRule shape). Rules without ports
/// (all traffic, protocol numbers) show -1/-1 there, as DescribeSecurityGroupRules does.
fn write_rule(w: &mut XmlWriter, group: &SecurityGroup, rule: &Rule, egress: bool, region: &str) {
    w.text("securityGroupRuleId", &rule.id);
    w.text("groupId", &group.id);
    w.text("groupOwnerId", &group.owner_id);
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
            group.owner_id, rule.id
        ),
    );
}

/// One `revokedSecurityGroupRuleSet` item (the RevokedSecurityGroupRule shape).
fn write_revoked_rule(w: &mut XmlWriter, group_id: &str, rule: &Rule, egress: bool) {
    w.text("securityGroupRuleId", &rule.id);
    w.text("groupId", group_id);
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
    w.list("prefixListIds", None::<&str>, |_, _| {});
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

    #[test]
    fn cidrs_are_canonicalised_or_malformed() {
        assert_eq!(parse_ipv4("10.1.2.3/8").unwrap().to_string(), "10.0.0.0/8");
        assert_eq!(
            parse_ipv4("10.0.0.1").unwrap_err().to_string(),
            "CIDR block 10.0.0.1 is malformed"
        );
        assert_eq!(
            parse_ipv6("2001:db8::1/64").unwrap().to_string(),
            "2001:db8::/64"
        );
        assert!(parse_ipv6("10.0.0.0/8").is_err());
    }
}
