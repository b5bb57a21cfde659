//! ModifyNetworkInterfaceAttribute, DescribeNetworkInterfaceAttribute, ResetNetworkInterfaceAttribute.
//!
//! EC2 takes one attribute per call. The error codes for "none" and "more than one" are the
//! ones real EC2 gives: `InvalidParameterCombination` with `No attributes specified.`
//! (aws/aws-sdk-go-v2#1107, where an SDK bug dropped the only attribute) and
//! `Fields for multiple attribute types specified: …` (ModifyVpcAttribute's wording, in
//! apache/libcloud#328 and aws/aws-sdk-go#415). The OpenStack ec2-api functional tests,
//! written to pass against Amazon, confirm the first for both Modify and Describe.

use std::sync::Arc;

use crate::actions::network_interfaces::parse_connection_tracking;
use crate::actions::{Action, Call, Read, Write};
use crate::error::{Ec2Error, Ec2Result};
use crate::model::clock::iso8601;
use crate::model::interface_attributes::AttributeChange;
use crate::model::network_interfaces::{ConnectionTracking, NetworkInterface};
use crate::model::World;
use crate::values::check_interface_description;
use crate::wire::params::Scope;
use crate::wire::xml::XmlWriter;

pub struct ModifyNetworkInterfaceAttribute {
    id: String,
    change: AttributeChange,
}

impl Action for ModifyNetworkInterfaceAttribute {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let id = p.required_string("NetworkInterfaceId")?;
        let requested = parse_modify(&p)?;
        call.finish()?;
        let change = validate_modify(requested)?;
        Ok(ModifyNetworkInterfaceAttribute { id, change })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        w.text("return", true);
    }
}

impl Write for ModifyNetworkInterfaceAttribute {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.modify_network_interface_attribute(&self.id, self.change)
    }
}

pub struct DescribeNetworkInterfaceAttribute {
    id: String,
    attribute: Attribute,
}

impl Action for DescribeNetworkInterfaceAttribute {
    type Output = (Arc<NetworkInterface>, Attribute);

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let id = p.required_string("NetworkInterfaceId")?;
        let attribute = p.string("Attribute");
        call.finish()?;
        let attribute = match attribute.as_deref() {
            // The model marks Attribute optional and EC2 answers its absence like a Modify
            // with nothing to modify (OpenStack ec2-api's tests against Amazon expect this).
            None | Some("") => return Err(no_attributes()),
            Some(a) => Attribute::parse(a).ok_or_else(|| {
                Ec2Error::InvalidParameterValue(format!(
                    "Value ({a}) for parameter attribute is invalid. Valid values: description, groupSet, sourceDestCheck, attachment, associatePublicIpAddress"
                ))
            })?,
        };
        Ok(DescribeNetworkInterfaceAttribute { id, attribute })
    }

    fn render((eni, attribute): &Self::Output, w: &mut XmlWriter) {
        write_attribute(w, eni, *attribute);
    }
}

impl Read for DescribeNetworkInterfaceAttribute {
    fn read(self, world: &World) -> Ec2Result<Self::Output> {
        Ok((world.network_interface(&self.id)?.clone(), self.attribute))
    }
}

pub struct ResetNetworkInterfaceAttribute {
    id: String,
}

impl Action for ResetNetworkInterfaceAttribute {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let id = p.required_string("NetworkInterfaceId")?;
        // The parameter names the attribute; its value carries nothing more (the reference
        // gives no values for it, and botocore's shape for it does not match what EC2 once
        // took), so any value resets source/destination checking.
        let source_dest_check = p.string("SourceDestCheck");
        call.finish()?;
        if source_dest_check.is_none() {
            return Err(no_attributes());
        }
        Ok(ResetNetworkInterfaceAttribute { id })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        w.text("return", true);
    }
}

impl Write for ResetNetworkInterfaceAttribute {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.reset_source_dest_check(&self.id)
    }
}

/// What DescribeNetworkInterfaceAttribute can be asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attribute {
    Description,
    GroupSet,
    SourceDestCheck,
    Attachment,
    AssociatePublicIpAddress,
}

impl Attribute {
    fn parse(value: &str) -> Option<Self> {
        match value {
            "description" => Some(Attribute::Description),
            "groupSet" => Some(Attribute::GroupSet),
            "sourceDestCheck" => Some(Attribute::SourceDestCheck),
            "attachment" => Some(Attribute::Attachment),
            "associatePublicIpAddress" => Some(Attribute::AssociatePublicIpAddress),
            _ => None,
        }
    }
}

/// `networkInterfaceId` and the one attribute asked for, in EC2's shape.
fn write_attribute(w: &mut XmlWriter, eni: &NetworkInterface, attribute: Attribute) {
    w.text("networkInterfaceId", eni.id);
    match attribute {
        Attribute::Description => {
            w.node("description", |w| {
                w.text("value", &eni.description);
            });
        }
        Attribute::GroupSet => {
            w.list("groupSet", &eni.groups, |w, g| {
                w.text("groupId", g.id);
                w.text("groupName", &g.name);
            });
        }
        Attribute::SourceDestCheck => {
            w.node("sourceDestCheck", |w| {
                w.text("value", eni.source_dest_check);
            });
        }
        // An unattached interface's answer has no attachment element at all (the ec2-api
        // tests against Amazon assert `Attachment` is absent).
        Attribute::Attachment => {
            if let Some(a) = &eni.attachment {
                w.node("attachment", |w| {
                    w.text("attachmentId", a.id);
                    w.text("instanceId", a.instance_id);
                    w.text("instanceOwnerId", &eni.owner_id);
                    w.text("deviceIndex", a.device_index);
                    w.text("networkCardIndex", a.network_card_index);
                    w.text("status", "attached");
                    w.text("attachTime", iso8601(a.attach_time));
                    w.text("deleteOnTermination", a.delete_on_termination);
                });
            }
        }
        // Whether the primary address has a public address EC2 assigned (not an Elastic IP).
        Attribute::AssociatePublicIpAddress => {
            let assigned = eni.public_address().is_some_and(|a| a.elastic.is_none());
            w.text("associatePublicIpAddress", assigned);
        }
    }
}

/// Every attribute parameter as given, before the one-attribute rule is applied.
#[derive(Debug, Default)]
struct Requested {
    description: Option<String>,
    source_dest_check: Option<bool>,
    group_ids: Vec<String>,
    enable_primary_ipv6: Option<bool>,
    connection_tracking: Option<ConnectionTracking>,
    associate_public_ip: Option<bool>,
    attachment: Option<AttachmentParams>,
    ena_srd: bool,
    associated_subnets: Vec<String>,
}

#[derive(Debug, Default)]
struct AttachmentParams {
    attachment_id: Option<String>,
    delete_on_termination: Option<bool>,
    ena_queue_count: Option<i64>,
    default_ena_queue_count: Option<bool>,
}

fn parse_modify(p: &Scope<'_>) -> Ec2Result<Requested> {
    let attachment = p.structure("Attachment");
    let attachment = AttachmentParams {
        attachment_id: attachment.string("AttachmentId"),
        delete_on_termination: attachment.bool("DeleteOnTermination")?,
        ena_queue_count: attachment.int("EnaQueueCount")?,
        default_ena_queue_count: attachment.bool("DefaultEnaQueueCount")?,
    };
    let any_attachment = attachment.attachment_id.is_some()
        || attachment.delete_on_termination.is_some()
        || attachment.ena_queue_count.is_some()
        || attachment.default_ena_queue_count.is_some();
    let ena = p.structure("EnaSrdSpecification");
    let ena_enabled = ena.bool("EnaSrdEnabled")?;
    let ena_udp = ena
        .structure("EnaSrdUdpSpecification")
        .bool("EnaSrdUdpEnabled")?;
    Ok(Requested {
        description: p.structure("Description").string("Value"),
        source_dest_check: p.structure("SourceDestCheck").bool("Value")?,
        group_ids: p.string_list("SecurityGroupId"),
        enable_primary_ipv6: p.bool("EnablePrimaryIpv6")?,
        connection_tracking: parse_connection_tracking(p)?,
        associate_public_ip: p.bool("AssociatePublicIpAddress")?,
        attachment: any_attachment.then_some(attachment),
        ena_srd: ena_enabled.is_some() || ena_udp.is_some(),
        associated_subnets: p.string_list("AssociatedSubnetId"),
    })
}

fn no_attributes() -> Ec2Error {
    Ec2Error::InvalidParameterCombination("No attributes specified.".into())
}

/// Applies the one-attribute rule and every stateless check of the attribute given.
fn validate_modify(r: Requested) -> Ec2Result<AttributeChange> {
    // A structure with no value in it (`Description` without `.Value`) counts as absent,
    // as EC2 answers `Description={}` with "No attributes specified".
    let present: Vec<&str> = [
        ("description", r.description.is_some()),
        ("sourceDestCheck", r.source_dest_check.is_some()),
        ("groupSet", !r.group_ids.is_empty()),
        ("enablePrimaryIpv6", r.enable_primary_ipv6.is_some()),
        (
            "connectionTrackingSpecification",
            r.connection_tracking.is_some(),
        ),
        ("associatePublicIpAddress", r.associate_public_ip.is_some()),
        ("attachment", r.attachment.is_some()),
        ("enaSrdSpecification", r.ena_srd),
        ("associatedSubnetIds", !r.associated_subnets.is_empty()),
    ]
    .into_iter()
    .filter(|(_, given)| *given)
    .map(|(name, _)| name)
    .collect();
    match present.len() {
        0 => return Err(no_attributes()),
        1 => {}
        _ => {
            return Err(Ec2Error::InvalidParameterCombination(format!(
                "Fields for multiple attribute types specified: {}",
                present.join(", ")
            )))
        }
    }
    if let Some(d) = r.description {
        check_interface_description(&d)?;
        return Ok(AttributeChange::Description(d));
    }
    if let Some(v) = r.source_dest_check {
        return Ok(AttributeChange::SourceDestCheck(v));
    }
    if !r.group_ids.is_empty() {
        return Ok(AttributeChange::Groups(r.group_ids));
    }
    if let Some(enable) = r.enable_primary_ipv6 {
        if !enable {
            // The reference: "Once you enable an IPv6 GUA address to be a primary IPv6, you
            // cannot disable it."
            return Err(Ec2Error::InvalidParameterValue(
                "A primary IPv6 address cannot be disabled once enabled; EnablePrimaryIpv6 accepts only true"
                    .into(),
            ));
        }
        return Ok(AttributeChange::EnablePrimaryIpv6);
    }
    if let Some(ct) = r.connection_tracking {
        return Ok(AttributeChange::ConnectionTracking(ct));
    }
    if r.associate_public_ip.is_some() {
        return Err(Ec2Error::UnsupportedOperation(
            "The parameter AssociatePublicIpAddress is not supported by ec2-mock (an interface's public address comes with its instance's launch, or from an Elastic IP)"
                .into(),
        ));
    }
    if let Some(a) = r.attachment {
        // An attachment ID and something to change are both required; EC2 answers a request
        // with an ID and nothing to change MissingParameter (OpenStack ec2-api's tests
        // against Amazon).
        let Some(attachment_id) = a.attachment_id else {
            return Err(Ec2Error::MissingParameter("Attachment.AttachmentId".into()));
        };
        let ena_queues = a.ena_queue_count.is_some() || a.default_ena_queue_count.is_some();
        if a.delete_on_termination.is_none() && !ena_queues {
            return Err(Ec2Error::MissingParameter(
                "Attachment.DeleteOnTermination".into(),
            ));
        }
        return Ok(AttributeChange::Attachment {
            attachment_id,
            delete_on_termination: a.delete_on_termination,
            ena_queues,
        });
    }
    if r.ena_srd {
        return Err(Ec2Error::UnsupportedOperation(
            "The parameter EnaSrdSpecification is not supported by ec2-mock (ENA Express is not modelled)"
                .into(),
        ));
    }
    Err(Ec2Error::UnsupportedOperation(
        "AssociatedSubnetId is not supported by ec2-mock".into(),
    ))
}
