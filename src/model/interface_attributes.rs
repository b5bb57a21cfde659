//! Changing one attribute of a network interface, as ModifyNetworkInterfaceAttribute and
//! ResetNetworkInterfaceAttribute do: every check first, then DryRun, then the change.

use crate::error::{Ec2Error, Ec2Result};
use crate::model::network_interfaces::{ConnectionTracking, GroupRef};
use crate::model::World;

/// The one attribute a ModifyNetworkInterfaceAttribute call changes, already checked for
/// shape by the action layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeChange {
    Description(String),
    SourceDestCheck(bool),
    /// Replaces the whole set; each group must exist in the interface's VPC.
    Groups(Vec<String>),
    /// Makes the first IPv6 address primary (EC2 has no way back).
    EnablePrimaryIpv6,
    /// The fields given replace the interface's; fields left out keep their value.
    ConnectionTracking(ConnectionTracking),
    /// `Attachment.*` names an attachment by ID.
    Attachment {
        attachment_id: String,
    },
}

impl World {
    pub fn modify_network_interface_attribute(
        &mut self,
        id: &str,
        change: AttributeChange,
        dry_run: bool,
    ) -> Ec2Result<()> {
        let eni = self.network_interface(id)?;
        let change = match change {
            AttributeChange::Groups(ids) => {
                // The same rules as CreateNetworkInterface, with the interface's subnet
                // standing for the subnet the groups must share a network with.
                let groups = self.interface_groups(&ids, &eni.vpc_id, &eni.subnet_id)?;
                Applied::Groups(groups)
            }
            AttributeChange::EnablePrimaryIpv6 => {
                if eni.ipv6_addresses.is_empty() {
                    return Err(Ec2Error::InvalidParameterValue(format!(
                        "The network interface '{id}' has no IPv6 address to make primary"
                    )));
                }
                Applied::PrimaryIpv6
            }
            AttributeChange::Attachment { attachment_id } => {
                // Nothing is ever attached in this world, so no attachment ID can name this
                // interface's attachment.
                return Err(Ec2Error::AttachmentNotFound(attachment_id));
            }
            AttributeChange::Description(d) => Applied::Description(d),
            AttributeChange::SourceDestCheck(v) => Applied::SourceDestCheck(v),
            AttributeChange::ConnectionTracking(ct) => Applied::ConnectionTracking(ct),
        };
        if dry_run {
            return Err(Ec2Error::DryRunOperation);
        }
        let Some(eni) = self.network_interfaces.get_mut(id) else {
            return Err(Ec2Error::NetworkInterfaceNotFound(id.to_owned()));
        };
        match change {
            Applied::Description(d) => eni.description = d,
            Applied::SourceDestCheck(v) => eni.source_dest_check = v,
            Applied::Groups(groups) => eni.groups = groups,
            Applied::PrimaryIpv6 => {
                // Once an address is primary it stays so: enabling again changes nothing.
                if !eni.ipv6_addresses.iter().any(|a| a.is_primary) {
                    if let Some(first) = eni.ipv6_addresses.first_mut() {
                        first.is_primary = true;
                    }
                }
            }
            Applied::ConnectionTracking(new) => {
                let mut ct = eni.connection_tracking.unwrap_or_default();
                ct.tcp_established_timeout =
                    new.tcp_established_timeout.or(ct.tcp_established_timeout);
                ct.udp_stream_timeout = new.udp_stream_timeout.or(ct.udp_stream_timeout);
                ct.udp_timeout = new.udp_timeout.or(ct.udp_timeout);
                eni.connection_tracking = Some(ct);
            }
        }
        Ok(())
    }

    /// ResetNetworkInterfaceAttribute's only attribute: source/destination checking back on.
    pub fn reset_source_dest_check(&mut self, id: &str, dry_run: bool) -> Ec2Result<()> {
        self.network_interface(id)?;
        if dry_run {
            return Err(Ec2Error::DryRunOperation);
        }
        if let Some(eni) = self.network_interfaces.get_mut(id) {
            eni.source_dest_check = true;
        }
        Ok(())
    }
}

/// A change that passed every check against the world, ready to apply.
enum Applied {
    Description(String),
    SourceDestCheck(bool),
    Groups(Vec<GroupRef>),
    PrimaryIpv6,
    ConnectionTracking(ConnectionTracking),
}
