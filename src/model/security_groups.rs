//! Security groups and their rules.

use ipnet::{Ipv4Net, Ipv6Net};
use rand::Rng;

use crate::error::{Ec2Error, Ec2Result};
use crate::model::filters::Filterable;
use crate::model::ids::{is_well_formed, new_id};
use crate::model::tags::Tags;
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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Peer {
    Ipv4(Ipv4Net),
    Ipv6(Ipv6Net),
    Group { group_id: String, user_id: String },
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
            },
            description: None,
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
}

impl Filterable for SecurityGroup {
    const FILTER_NAMES: &'static [&'static str] = &[
        "description",
        "egress.ip-permission.cidr",
        "egress.ip-permission.from-port",
        "egress.ip-permission.group-id",
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
                ("prefix-list-id", Peer::PrefixList(p)) => Some(p.clone()),
                ("protocol", _) => Some(r.protocol.clone()),
                ("from-port", _) => r.from_port.map(|p| p.to_string()),
                ("to-port", _) => r.to_port.map(|p| p.to_string()),
                _ => None,
            })
            .collect()
    }
}
