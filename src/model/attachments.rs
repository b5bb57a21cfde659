//! Interfaces attached to instances: AttachNetworkInterface, DetachNetworkInterface and the
//! instance type's limits an attached interface lives by.
//!
//! EC2's rules (`ec2-rules/instances-attach-eip.md`, R8–R19): an instance takes at most its
//! type's `MaximumNetworkInterfaces` (and each network card its own maximum); a device index
//! is used once per card; an interface attaches to one instance at a time, in its zone; an
//! interface holding more addresses than the type allows per interface does not attach; the
//! primary interface (device 0) never detaches; once attached, Assign* counts against the
//! type's `Ipv4AddressesPerInterface` (primary, secondaries and /28 prefixes together) and
//! `Ipv6AddressesPerInterface`.

use crate::error::{Ec2Error, Ec2Result};
use crate::model::ids::{AttachmentId, InstanceId, NetworkInterfaceId, ResourceId};
use crate::model::instance_types::InstanceType;
use crate::model::instances::{instance_type, InstanceState};
use crate::model::network_interfaces::{
    Attachment, NetworkInterface, MAX_IPV4_PER_INTERFACE, MAX_IPV6_PER_INTERFACE,
};
use crate::model::World;

impl World {
    /// AttachNetworkInterface: the checks a caller's attach must pass, then the attachment
    /// (DeleteOnTermination false, as EC2 attaches).
    pub fn attach_network_interface(
        &mut self,
        eni: &str,
        instance: &str,
        device_index: u32,
        network_card_index: Option<u32>,
    ) -> Ec2Result<AttachmentId> {
        let eni = self.network_interface(eni)?.clone();
        let instance = self.instance(instance)?.clone();
        if matches!(
            instance.state_at(self.ticks()),
            InstanceState::ShuttingDown | InstanceState::Terminated
        ) {
            return Err(Ec2Error::IncorrectInstanceState(format!(
                "The instance '{}' is not in a valid state for this operation.",
                instance.id
            )));
        }
        let itype = instance_type(&instance.instance_type)?;
        let card = network_card_index.unwrap_or(itype.network.default_network_card_index);
        self.attach(eni.id, instance.id, device_index, card, false, itype)
    }

    /// Attaches `eni` to `instance` at (`card`, `device_index`) after every check of EC2's;
    /// RunInstances uses it for the interfaces of a launch too.
    pub(in crate::model) fn attach(
        &mut self,
        eni_id: NetworkInterfaceId,
        instance_id: InstanceId,
        device_index: u32,
        card: u32,
        delete_on_termination: bool,
        itype: &InstanceType,
    ) -> Ec2Result<AttachmentId> {
        let eni = self
            .network_interfaces
            .get(&eni_id)
            .cloned()
            .ok_or_else(|| eni_id.not_found())?;
        let instance = self
            .instances
            .get(&instance_id)
            .cloned()
            .ok_or_else(|| instance_id.not_found())?;
        if eni.attachment.is_some() {
            return Err(Ec2Error::InterfaceInUse(format!(
                "Interface: [{}] in use.",
                eni.id
            )));
        }
        if eni.zone.name != instance.zone.name {
            return Err(Ec2Error::InvalidParameterCombination(
                "You may not attach a network interface to an instance if they are not in the same availability zone"
                    .into(),
            ));
        }
        let Some(card_info) = itype.card(card) else {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "Network card index {card} is not valid for instance type {}",
                itype.name
            )));
        };
        let attached: Vec<Attachment> = instance
            .interfaces
            .iter()
            .filter_map(|id| self.network_interfaces.get(id).and_then(|e| e.attachment))
            .collect();
        if attached
            .iter()
            .any(|a| a.device_index == device_index && a.network_card_index == card)
        {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "Instance '{}' already has an interface attached at device index '{device_index}'.",
                instance.id
            )));
        }
        let total = attached.len() as u32 + 1;
        let on_card = attached
            .iter()
            .filter(|a| a.network_card_index == card)
            .count() as u32
            + 1;
        if total > itype.network.maximum_network_interfaces
            || on_card > card_info.maximum_network_interfaces
        {
            return Err(Ec2Error::AttachmentLimitExceeded(format!(
                "Interface count {total} exceeds the limit for {}",
                itype.name
            )));
        }
        let (v4, v6) = held(&eni);
        if v4 > u64::from(itype.network.ipv4_addresses_per_interface)
            || v6 > u64::from(itype.network.ipv6_addresses_per_interface)
        {
            return Err(Ec2Error::InterfaceAddressLimitExceeded(format!(
                "Address count {} on interface {} exceeds the limit for {}",
                v4.max(v6),
                eni.id,
                itype.name
            )));
        }
        let id: AttachmentId = self.fresh_id();
        let attachment = Attachment {
            id,
            instance_id,
            device_index,
            network_card_index: card,
            delete_on_termination,
            attach_time: self.now(),
        };
        self.network_interfaces
            .update(&eni_id, |e| e.attachment = Some(attachment));
        let order = |w: &World, id: &NetworkInterfaceId| {
            w.network_interfaces
                .get(id)
                .and_then(|e| e.attachment)
                .map_or((u32::MAX, u32::MAX), |a| {
                    (a.network_card_index, a.device_index)
                })
        };
        let mut interfaces = instance.interfaces.clone();
        interfaces.push(eni_id);
        interfaces.sort_by_key(|id| order(self, id));
        self.instances
            .update(&instance_id, |i| i.interfaces = interfaces);
        Ok(id)
    }

    /// The interface and attachment an attachment ID names.
    pub fn attachment(&self, id: &str) -> Ec2Result<(NetworkInterfaceId, Attachment)> {
        let id = AttachmentId::parse(id)?;
        self.network_interfaces
            .values()
            .find_map(|e| e.attachment.filter(|a| a.id == id).map(|a| (e.id, a)))
            .ok_or_else(|| id.not_found())
    }

    /// DetachNetworkInterface: any attachment but the primary one (Force or not).
    pub fn detach_network_interface(&mut self, attachment: &str, force: bool) -> Ec2Result<()> {
        let _ = force;
        let (eni, a) = self.attachment(attachment)?;
        if a.device_index == 0 && a.network_card_index == 0 {
            return Err(Ec2Error::OperationNotPermitted(format!(
                "The network interface at device index {} and networkCard index {} cannot be detached.",
                a.device_index, a.network_card_index
            )));
        }
        self.detach(eni)
    }

    /// Takes an interface off its instance (addresses kept; it becomes available).
    pub(in crate::model) fn detach(&mut self, eni: NetworkInterfaceId) -> Ec2Result<()> {
        let Some(a) = self.network_interfaces.get(&eni).and_then(|e| e.attachment) else {
            return Ok(());
        };
        self.network_interfaces
            .update(&eni, |e| e.attachment = None);
        self.instances
            .update(&a.instance_id, |i| i.interfaces.retain(|id| *id != eni));
        Ok(())
    }

    /// ModifyNetworkInterfaceAttribute's `Attachment.DeleteOnTermination`.
    pub fn set_delete_on_termination(
        &mut self,
        eni: NetworkInterfaceId,
        attachment: &str,
        delete_on_termination: bool,
    ) -> Ec2Result<()> {
        let (holder, a) = self.attachment(attachment)?;
        if holder != eni {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "Attachment '{}' does not belong to network interface '{eni}'.",
                a.id
            )));
        }
        self.network_interfaces.update(&eni, |e| {
            if let Some(a) = e.attachment.as_mut() {
                a.delete_on_termination = delete_on_termination;
            }
        });
        Ok(())
    }

    /// How many IPv4 addresses plus prefixes, and IPv6 addresses plus prefixes, an interface
    /// may hold: its instance type's per-interface limits once attached, else the bounds of
    /// an unattached interface.
    pub(in crate::model) fn address_limits(&self, eni: &NetworkInterface) -> (u64, u64) {
        let itype = eni
            .attachment
            .and_then(|a| self.instances.get(&a.instance_id))
            .and_then(|i| instance_type(&i.instance_type).ok());
        match itype {
            Some(t) => (
                u64::from(t.network.ipv4_addresses_per_interface),
                u64::from(t.network.ipv6_addresses_per_interface),
            ),
            None => (MAX_IPV4_PER_INTERFACE, MAX_IPV6_PER_INTERFACE),
        }
    }
}

/// What an interface holds against the per-interface limits: IPv4 addresses plus /28
/// prefixes, IPv6 addresses plus /80 prefixes.
fn held(eni: &NetworkInterface) -> (u64, u64) {
    (
        (eni.private_ips.len() + eni.ipv4_prefixes.len()) as u64,
        (eni.ipv6_addresses.len() + eni.ipv6_prefixes.len()) as u64,
    )
}
