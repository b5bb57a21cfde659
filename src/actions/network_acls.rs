//! CreateNetworkAcl, DescribeNetworkAcls, DeleteNetworkAcl, CreateNetworkAclEntry,
//! ReplaceNetworkAclEntry, DeleteNetworkAclEntry, ReplaceNetworkAclAssociation.

use std::sync::Arc;

use crate::actions::common::{parse_tag_specifications, write_return, write_tag_set};
use crate::actions::describe::{Found, Query};
use crate::actions::{Action, Call, Read, Write};
use crate::error::{Ec2Error, Ec2Result};
use crate::kinds::Kind;
use crate::model::ids::NetworkAclAssociationId;
use crate::model::network_acls::{rule_number_in_range, AclCidr, EntrySpec, NetworkAcl};
use crate::model::tags::Tag;
use crate::model::World;
use crate::values::{block_v4, block_v6};
use crate::wire::params::Scope;
use crate::wire::xml::XmlWriter;

pub struct CreateNetworkAcl {
    vpc: String,
    tags: Vec<Tag>,
}

impl Action for CreateNetworkAcl {
    type Output = Arc<NetworkAcl>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let vpc = p.required_string("VpcId")?;
        let tags = parse_tag_specifications(&p, Kind::NetworkAcl)?;
        let _client_token = p.string("ClientToken");
        call.finish()?;
        Ok(CreateNetworkAcl { vpc, tags })
    }

    fn render(acl: &Arc<NetworkAcl>, w: &mut XmlWriter) {
        w.node("networkAcl", |w| write_network_acl(w, acl));
    }
}

impl Write for CreateNetworkAcl {
    fn write(self, world: &mut World) -> Ec2Result<Self::Output> {
        let id = world.create_network_acl(&self.vpc, &self.tags)?;
        world.network_acls().fetch(&id)
    }
}

pub struct DescribeNetworkAcls {
    query: Query,
}

impl Action for DescribeNetworkAcls {
    type Output = Found<Arc<NetworkAcl>>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let query = Query::parse(&call.root(), "NetworkAclId")?;
        call.finish()?;
        Ok(DescribeNetworkAcls { query })
    }

    fn render(found: &Self::Output, w: &mut XmlWriter) {
        found.render(w, "networkAclSet", |w, a| write_network_acl(w, a));
    }
}

impl Read for DescribeNetworkAcls {
    fn read(self, world: &World) -> Ec2Result<Self::Output> {
        self.query.run(world.network_acls(), Arc::clone)
    }
}

pub struct DeleteNetworkAcl {
    id: String,
}

impl Action for DeleteNetworkAcl {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let id = call.root().required_string("NetworkAclId")?;
        call.finish()?;
        Ok(DeleteNetworkAcl { id })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        write_return(w);
    }
}

impl Write for DeleteNetworkAcl {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.delete_network_acl(&self.id)
    }
}

/// What an entry request gives, before its rules are checked.
struct RawEntry {
    rule_number: i64,
    protocol: String,
    action: String,
    egress: bool,
    cidr: Option<String>,
    ipv6_cidr: Option<String>,
    icmp: (Option<i64>, Option<i64>),
    ports: (Option<i64>, Option<i64>),
}

fn read_entry(p: &Scope<'_>) -> Ec2Result<RawEntry> {
    let rule_number = p
        .int("RuleNumber")?
        .ok_or_else(|| Ec2Error::MissingParameter("RuleNumber".into()))?;
    let protocol = p.required_string("Protocol")?;
    let action = p.required_string("RuleAction")?;
    let egress = p
        .bool("Egress")?
        .ok_or_else(|| Ec2Error::MissingParameter("Egress".into()))?;
    let icmp = p.structure("Icmp");
    let ports = p.structure("PortRange");
    Ok(RawEntry {
        rule_number,
        protocol,
        action,
        egress,
        cidr: p.string("CidrBlock"),
        ipv6_cidr: p.string("Ipv6CidrBlock"),
        icmp: (icmp.int("Type")?, icmp.int("Code")?),
        ports: (ports.int("From")?, ports.int("To")?),
    })
}

/// The stateless rules of an entry: one block, the protocol's ports or ICMP type and code.
fn check_entry(raw: RawEntry) -> Ec2Result<EntrySpec> {
    let cidr = match (raw.cidr, raw.ipv6_cidr) {
        (Some(c), None) => AclCidr::Ipv4(block_v4(&c, "cidrBlock")?),
        (None, Some(c)) => AclCidr::Ipv6(block_v6(&c, "ipv6CidrBlock")?),
        (None, None) => return Err(Ec2Error::MissingParameter("CidrBlock".into())),
        (Some(_), Some(_)) => {
            return Err(Ec2Error::InvalidParameterCombination(
                "Only one of CidrBlock or Ipv6CidrBlock may be specified".into(),
            ))
        }
    };
    EntrySpec::new(
        raw.rule_number,
        raw.egress,
        &raw.protocol,
        &raw.action,
        cidr,
        raw.icmp,
        raw.ports,
    )
}

/// CreateNetworkAclEntry (`REPLACE` false) or ReplaceNetworkAclEntry.
pub struct EntryChange<const REPLACE: bool> {
    acl: String,
    spec: EntrySpec,
}

pub type CreateNetworkAclEntry = EntryChange<false>;
pub type ReplaceNetworkAclEntry = EntryChange<true>;

impl<const REPLACE: bool> Action for EntryChange<REPLACE> {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let acl = p.required_string("NetworkAclId")?;
        let raw = read_entry(&p)?;
        call.finish()?;
        Ok(EntryChange {
            acl,
            spec: check_entry(raw)?,
        })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        write_return(w);
    }
}

impl<const REPLACE: bool> Write for EntryChange<REPLACE> {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        if REPLACE {
            world.replace_network_acl_entry(&self.acl, self.spec)
        } else {
            world.create_network_acl_entry(&self.acl, self.spec)
        }
    }
}

pub struct DeleteNetworkAclEntry {
    acl: String,
    rule_number: i32,
    egress: bool,
}

impl Action for DeleteNetworkAclEntry {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let acl = p.required_string("NetworkAclId")?;
        let rule_number = p.int("RuleNumber")?;
        let egress = p.bool("Egress")?;
        call.finish()?;
        Ok(DeleteNetworkAclEntry {
            acl,
            rule_number: rule_number_in_range(
                rule_number.ok_or_else(|| Ec2Error::MissingParameter("RuleNumber".into()))?,
            )?,
            egress: egress.ok_or_else(|| Ec2Error::MissingParameter("Egress".into()))?,
        })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        write_return(w);
    }
}

impl Write for DeleteNetworkAclEntry {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.delete_network_acl_entry(&self.acl, self.rule_number, self.egress)
    }
}

pub struct ReplaceNetworkAclAssociation {
    association: String,
    acl: String,
}

impl Action for ReplaceNetworkAclAssociation {
    type Output = NetworkAclAssociationId;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let association = p.required_string("AssociationId")?;
        let acl = p.required_string("NetworkAclId")?;
        call.finish()?;
        Ok(ReplaceNetworkAclAssociation { association, acl })
    }

    fn render(id: &NetworkAclAssociationId, w: &mut XmlWriter) {
        w.text("newAssociationId", id);
    }
}

impl Write for ReplaceNetworkAclAssociation {
    fn write(self, world: &mut World) -> Ec2Result<NetworkAclAssociationId> {
        world.replace_network_acl_association(&self.association, &self.acl)
    }
}

/// One `NetworkAcl`, in the order of botocore's output shape.
fn write_network_acl(w: &mut XmlWriter, acl: &NetworkAcl) {
    w.list("associationSet", &acl.associations, |w, a| {
        w.text("networkAclAssociationId", a.id);
        w.text("networkAclId", acl.id);
        w.text("subnetId", a.subnet_id);
    });
    w.list("entrySet", &acl.entries, |w, e| {
        if let AclCidr::Ipv4(n) = e.cidr {
            w.text("cidrBlock", n);
        }
        w.text("egress", e.egress);
        if let Some((t, c)) = e.icmp {
            w.node("icmpTypeCode", |w| {
                w.text("code", c);
                w.text("type", t);
            });
        }
        if let AclCidr::Ipv6(n) = e.cidr {
            w.text("ipv6CidrBlock", n);
        }
        if let Some((from, to)) = e.ports {
            w.node("portRange", |w| {
                w.text("from", from);
                w.text("to", to);
            });
        }
        w.text("protocol", &e.protocol);
        w.text("ruleAction", if e.allow { "allow" } else { "deny" });
        w.text("ruleNumber", e.rule_number);
    });
    w.text("default", acl.is_default);
    w.text("networkAclId", acl.id);
    write_tag_set(w, &acl.tags);
    w.text("vpcId", acl.vpc_id);
    w.text("ownerId", &acl.owner_id);
}
