//! Changing one attribute of a network interface, as ModifyNetworkInterfaceAttribute and
//! ResetNetworkInterfaceAttribute do.

use crate::error::{Ec2Error, Ec2Result};
use crate::kinds::Kind;
use crate::model::network_interfaces::ConnectionTracking;
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
    /// `Attachment.*` of the interface's attachment, named by ID: DeleteOnTermination, or
    /// ENA queue counts (which are not modelled, and refused once the attachment is found).
    Attachment {
        attachment_id: String,
        delete_on_termination: Option<bool>,
        ena_queues: bool,
    },
}

impl World {
    pub fn modify_network_interface_attribute(
        &mut self,
        id: &str,
        change: AttributeChange,
    ) -> Ec2Result<()> {
        let eni = self.network_interface(id)?.clone();
        match change {
            AttributeChange::Groups(ids) => {
                // The same rules as CreateNetworkInterface, with the interface's subnet
                // standing for the subnet the groups must share a network with.
                let groups = self.interface_groups(&ids, eni.vpc_id, &eni.subnet_id.to_string())?;
                self.network_interfaces
                    .update(&eni.id, |e| e.groups = groups);
            }
            AttributeChange::EnablePrimaryIpv6 => {
                if eni.ipv6_addresses.is_empty() {
                    return Err(Ec2Error::InvalidParameterValue(format!(
                        "The network interface '{}' has no IPv6 address to make primary",
                        eni.id
                    )));
                }
                // Once an address is primary it stays so: enabling again changes nothing.
                self.network_interfaces.update(&eni.id, |e| {
                    if !e.ipv6_addresses.iter().any(|a| a.is_primary) {
                        if let Some(first) = e.ipv6_addresses.first_mut() {
                            first.is_primary = true;
                        }
                    }
                });
            }
            AttributeChange::Attachment {
                attachment_id,
                delete_on_termination,
                ena_queues,
            } => {
                // The attachment is this interface's or none: any other ID, whatever its
                // shape, is NotFound whatever the change (the OpenStack ec2-api tests against
                // Amazon pin it for an unattached interface).
                if eni
                    .attachment
                    .is_none_or(|a| a.id.to_string() != attachment_id)
                {
                    return Err(Ec2Error::NotFound {
                        kind: Kind::NetworkInterfaceAttachment,
                        id: attachment_id,
                    });
                }
                if ena_queues {
                    return Err(Ec2Error::UnsupportedOperation(
                        "The parameters Attachment.EnaQueueCount and Attachment.DefaultEnaQueueCount are not supported by ec2-mock (ENA queues are not modelled)"
                            .into(),
                    ));
                }
                if let Some(delete) = delete_on_termination {
                    self.set_delete_on_termination(eni.id, &attachment_id, delete)?;
                }
            }
            AttributeChange::Description(d) => {
                self.network_interfaces
                    .update(&eni.id, |e| e.description = d);
            }
            AttributeChange::SourceDestCheck(v) => {
                self.network_interfaces
                    .update(&eni.id, |e| e.source_dest_check = v);
            }
            AttributeChange::ConnectionTracking(new) => {
                self.network_interfaces.update(&eni.id, |e| {
                    let mut ct = e.connection_tracking.unwrap_or_default();
                    ct.tcp_established_timeout =
                        new.tcp_established_timeout.or(ct.tcp_established_timeout);
                    ct.udp_stream_timeout = new.udp_stream_timeout.or(ct.udp_stream_timeout);
                    ct.udp_timeout = new.udp_timeout.or(ct.udp_timeout);
                    e.connection_tracking = Some(ct);
                });
            }
        }
        Ok(())
    }

    /// ResetNetworkInterfaceAttribute's only attribute: source/destination checking back on.
    pub fn reset_source_dest_check(&mut self, id: &str) -> Ec2Result<()> {
        let id = self.network_interface(id)?.id;
        self.network_interfaces
            .update(&id, |e| e.source_dest_check = true);
        Ok(())
    }
}
