//! Security group rules as resources: DescribeSecurityGroupRules, ModifySecurityGroupRules,
//! UpdateSecurityGroupRuleDescriptionsIngress and …Egress.

use crate::actions::describe::{Found, Query};
use crate::actions::security_groups::{group_selector, write_rule_view, RuleRequest};
use crate::actions::{Action, Call, Read, Write};
use crate::error::{Ec2Error, Ec2Result};
use crate::model::security_groups::{
    normalize_ports, normalize_protocol, GroupSelector, PeerSpec, RuleSpec, RuleView,
};
use crate::model::World;
use crate::values::{check_rule_description, rule_cidr_v4, rule_cidr_v6};
use crate::wire::xml::XmlWriter;

pub struct DescribeSecurityGroupRules {
    query: Query,
}

impl Action for DescribeSecurityGroupRules {
    type Output = (Found<RuleView>, &'static str);

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let query = Query::parse(&call.root(), "SecurityGroupRuleId")?;
        call.finish()?;
        Ok(DescribeSecurityGroupRules { query })
    }

    fn render((found, region): &Self::Output, w: &mut XmlWriter) {
        found.render(w, "securityGroupRuleSet", |w, view| {
            write_rule_view(w, view, region)
        });
    }
}

impl Read for DescribeSecurityGroupRules {
    fn read(self, world: &World) -> Ec2Result<Self::Output> {
        let found = self
            .query
            .run_keyed(world.rule_groups(), |id, _| world.rule_view(id))?;
        Ok((found, world.region().name))
    }
}

pub struct ModifySecurityGroupRules {
    group: String,
    changes: Vec<(String, RuleSpec)>,
}

impl Action for ModifySecurityGroupRules {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let group = p.required_string("GroupId")?;
        let mut raw = Vec::new();
        for item in p.list("SecurityGroupRule") {
            let id = item.required_string("SecurityGroupRuleId")?;
            let r = item.structure("SecurityGroupRule");
            raw.push((
                id,
                r.string("IpProtocol"),
                r.int("FromPort")?,
                r.int("ToPort")?,
                [
                    r.string("CidrIpv4"),
                    r.string("CidrIpv6"),
                    r.string("PrefixListId"),
                    r.string("ReferencedGroupId"),
                ],
                r.string("Description"),
            ));
        }
        call.finish()?;
        if raw.is_empty() {
            return Err(Ec2Error::MissingParameter("SecurityGroupRule".into()));
        }
        let mut changes = Vec::with_capacity(raw.len());
        for (id, protocol, from, to, [v4, v6, pl, group_ref], description) in raw {
            let protocol = normalize_protocol(protocol.as_deref())?;
            let (from_port, to_port) = normalize_ports(&protocol, from, to)?;
            let peer = match (v4, v6, pl, group_ref) {
                (Some(c), None, None, None) => PeerSpec::Ipv4(rule_cidr_v4(&c)?),
                (None, Some(c), None, None) => PeerSpec::Ipv6(rule_cidr_v6(&c)?),
                (None, None, Some(p), None) => PeerSpec::PrefixList(p),
                (None, None, None, Some(g)) => PeerSpec::Group {
                    group_id: Some(g),
                    group_name: None,
                    user_id: None,
                    vpc_id: None,
                },
                (None, None, None, None) => {
                    return Err(Ec2Error::MissingParameter(
                        "CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupId".into(),
                    ))
                }
                _ => {
                    return Err(Ec2Error::InvalidParameterCombination(
                        "A security group rule has one of CidrIpv4, CidrIpv6, PrefixListId and ReferencedGroupId".into(),
                    ))
                }
            };
            if let Some(d) = &description {
                check_rule_description(d)?;
            }
            changes.push((
                id,
                RuleSpec {
                    protocol,
                    from_port,
                    to_port,
                    peer,
                    description: description.filter(|d| !d.is_empty()),
                },
            ));
        }
        Ok(ModifySecurityGroupRules { group, changes })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        w.text("return", true);
    }
}

impl Write for ModifySecurityGroupRules {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.modify_security_group_rules(&self.group, &self.changes)
    }
}

/// UpdateSecurityGroupRuleDescriptionsIngress (`EGRESS` false) or …Egress.
pub struct UpdateDescriptions<const EGRESS: bool> {
    group: GroupSelector,
    by_traffic: Vec<RuleSpec>,
    by_id: Vec<(String, Option<String>)>,
}

pub type UpdateDescriptionsIngress = UpdateDescriptions<false>;
pub type UpdateDescriptionsEgress = UpdateDescriptions<true>;

impl<const EGRESS: bool> Action for UpdateDescriptions<EGRESS> {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let mut request = RuleRequest::read(&p, EGRESS)?;
        // Unlike the egress Authorize and Revoke actions, both of these take `GroupName`
        // (a default-VPC group), as the API reference has it.
        if EGRESS {
            request.group_name = p.string("GroupName");
        }
        let by_id: Vec<(String, Option<String>)> = p
            .list("SecurityGroupRuleDescription")
            .into_iter()
            .map(|d| {
                (
                    d.string("SecurityGroupRuleId").unwrap_or_default(),
                    d.string("Description"),
                )
            })
            .collect();
        call.finish()?;
        let group = group_selector(request.group_id.clone(), request.group_name.clone())?;
        let by_traffic = if request.has_permissions() {
            request.specs()?
        } else {
            Vec::new()
        };
        if by_traffic.is_empty() && by_id.is_empty() {
            return Err(Ec2Error::MissingParameter(
                "IpPermissions or SecurityGroupRuleDescription".into(),
            ));
        }
        for (_, d) in &by_id {
            if let Some(d) = d {
                check_rule_description(d)?;
            }
        }
        Ok(UpdateDescriptions {
            group,
            by_traffic,
            by_id,
        })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        w.text("return", true);
    }
}

impl<const EGRESS: bool> Write for UpdateDescriptions<EGRESS> {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.update_rule_descriptions(&self.group, EGRESS, &self.by_traffic, &self.by_id)
    }
}
