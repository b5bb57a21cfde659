//! Network interfaces: their addresses, prefixes, groups and attributes.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;
use std::time::SystemTime;

use ipnet::{Ipv4Net, Ipv6Net};

use crate::error::{AddressProblem, Ec2Error, Ec2Result};
use crate::model::allocator::{AddressPool, AllocError, TakeError, Took, Wanted};
use crate::model::clock::iso8601;
use crate::model::filters::Filterable;
use crate::model::ids::{
    format_mac, new_mac, AllocationId, AttachmentId, ElasticIpAssociationId, InstanceId,
    NetworkInterfaceId, ResourceId, SecurityGroupId, SubnetId, VpcId,
};
use crate::model::random::Stream;
use crate::model::regions::Zone;
use crate::model::tags::{Tag, Tags};
use crate::model::vpcs::id_used_twice;
use crate::model::world::{draw_id, private_dns_name};
use crate::model::World;

/// EC2's default quota of security groups per network interface.
pub const MAX_GROUPS_PER_INTERFACE: usize = 5;

/// The most IPv4 addresses plus prefixes an unattached interface may hold. Once attached,
/// the instance type's `Ipv4AddressesPerInterface` applies (`model::attachments`); 50 is the
/// largest of any type, so nothing an interface could legitimately hold is refused, while
/// absurd counts are.
pub const MAX_IPV4_PER_INTERFACE: u64 = 50;
/// The same bound for IPv6 addresses plus prefixes.
pub const MAX_IPV6_PER_INTERFACE: u64 = 50;

#[derive(Debug, Clone)]
pub struct NetworkInterface {
    pub id: NetworkInterfaceId,
    pub subnet_id: SubnetId,
    pub vpc_id: VpcId,
    pub zone: &'static Zone,
    pub owner_id: String,
    pub description: String,
    pub interface_type: InterfaceType,
    /// The MAC address as its 48-bit number (see `ids::format_mac`).
    pub mac: u64,
    /// The primary address first, then the secondaries in the order they were assigned.
    pub private_ips: Vec<PrivateIp>,
    pub ipv4_prefixes: Vec<Ipv4Net>,
    pub ipv6_addresses: Vec<Ipv6Address>,
    pub ipv6_prefixes: Vec<Ipv6Net>,
    /// Security groups by ID and name (names cannot change in EC2, so they are kept here).
    pub groups: Vec<InterfaceGroup>,
    pub source_dest_check: bool,
    pub connection_tracking: Option<ConnectionTracking>,
    pub operator_principal: Option<String>,
    pub client_token: Option<String>,
    /// The instance it is attached to, if any (`status` in-use).
    pub attachment: Option<Attachment>,
    pub tags: Tags,
}

/// An interface's attachment to an instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attachment {
    pub id: AttachmentId,
    pub instance_id: InstanceId,
    pub device_index: u32,
    pub network_card_index: u32,
    pub delete_on_termination: bool,
    pub attach_time: SystemTime,
}

impl crate::model::tagging::Tagged for NetworkInterface {
    fn tags(&self) -> &Tags {
        &self.tags
    }
    fn tags_mut(&mut self) -> &mut Tags {
        &mut self.tags
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceGroup {
    pub id: SecurityGroupId,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrivateIp {
    pub address: Ipv4Addr,
    pub primary: bool,
    /// The public address mapped to it: an Elastic IP, or one EC2 assigned at launch.
    pub association: Option<PublicAddress>,
}

/// A public IPv4 address mapped to a private one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicAddress {
    pub public_ip: Ipv4Addr,
    /// `Some` for an Elastic IP (its allocation and association); `None` for an address
    /// EC2 assigned at launch (`ipOwnerId` `amazon`).
    pub elastic: Option<(AllocationId, ElasticIpAssociationId)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv6Address {
    pub address: Ipv6Addr,
    pub is_primary: bool,
}

/// The interface types CreateNetworkInterface accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InterfaceType {
    Interface,
    Efa,
    EfaOnly,
    Branch,
    Trunk,
}

impl InterfaceType {
    pub fn as_str(self) -> &'static str {
        match self {
            InterfaceType::Interface => "interface",
            InterfaceType::Efa => "efa",
            InterfaceType::EfaOnly => "efa-only",
            InterfaceType::Branch => "branch",
            InterfaceType::Trunk => "trunk",
        }
    }

    /// The types a caller may ask for. The model lists `branch`, but the API reference says
    /// the only supported values are interface, efa, efa-only and trunk: branch interfaces
    /// are made by EC2 itself.
    pub fn parse(value: &str) -> Ec2Result<Self> {
        match value {
            "interface" => Ok(InterfaceType::Interface),
            "efa" => Ok(InterfaceType::Efa),
            "efa-only" => Ok(InterfaceType::EfaOnly),
            "trunk" => Ok(InterfaceType::Trunk),
            other => Err(Ec2Error::InvalidParameterValue(format!(
                "Value ({other}) for parameter InterfaceType is invalid. Valid values: interface, efa, efa-only, trunk"
            ))),
        }
    }
}

/// Idle timeouts (seconds) of connection tracking; `None` = EC2's default for that field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConnectionTracking {
    pub tcp_established_timeout: Option<i64>,
    pub udp_stream_timeout: Option<i64>,
    pub udp_timeout: Option<i64>,
}

impl ConnectionTracking {
    /// Each timeout that is set lies within the range the API reference states.
    pub fn check(&self) -> Ec2Result<()> {
        let fields = [
            (
                "TcpEstablishedTimeout",
                self.tcp_established_timeout,
                60,
                432_000,
            ),
            ("UdpStreamTimeout", self.udp_stream_timeout, 60, 180),
            ("UdpTimeout", self.udp_timeout, 30, 60),
        ];
        for (name, value, min, max) in fields {
            if let Some(v) = value.filter(|v| !(min..=max).contains(v)) {
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "Value ({v}) for parameter {name} is invalid. It must be between {min} and {max} seconds."
                )));
            }
        }
        Ok(())
    }
}

/// What CreateNetworkInterface asks for, after the action layer checked every stateless
/// rule (parameter combinations, ranges, formats).
#[derive(Debug, Clone, Default)]
pub struct NewNetworkInterface {
    pub subnet_id: String,
    pub description: String,
    /// Empty: the VPC's `default` group.
    pub group_ids: Vec<String>,
    pub primary_ip: Option<Ipv4Addr>,
    pub secondary_ips: Vec<Ipv4Addr>,
    pub secondary_ip_count: usize,
    pub ipv4_prefixes: Vec<Ipv4Net>,
    pub ipv4_prefix_count: usize,
    /// Explicit IPv6 addresses and whether each is to be the primary IPv6 address.
    pub ipv6_addresses: Vec<(Ipv6Addr, bool)>,
    /// `Some(0)` turns off the subnet's AssignIpv6AddressOnCreation for this interface.
    pub ipv6_address_count: Option<usize>,
    pub ipv6_prefixes: Vec<Ipv6Net>,
    pub ipv6_prefix_count: usize,
    pub enable_primary_ipv6: bool,
    pub interface_type: Option<InterfaceType>,
    pub connection_tracking: Option<ConnectionTracking>,
    pub operator_principal: Option<String>,
    pub tags: Vec<Tag>,
    /// The client token and a fingerprint of the request it came with.
    pub client_token: Option<(String, String)>,
}

/// A client token's memory: the request it came with and the interface it created.
#[derive(Debug, Clone)]
pub struct ClientTokenRecord {
    pub fingerprint: String,
    pub network_interface_id: NetworkInterfaceId,
}

/// What CreateNetworkInterface made, or found made by an earlier request with its token.
#[derive(Debug, Clone)]
pub struct Created {
    pub interface: Arc<NetworkInterface>,
    /// True when the client token named an interface created before.
    pub replayed: bool,
}

impl World {
    /// EC2's answer when `take` could not take an explicitly requested address or prefix of
    /// `subnet`, naming the interface holding it when it is in use.
    pub(in crate::model) fn take_error<P: AddressPool>(
        &self,
        subnet: SubnetId,
        error: TakeError<P>,
    ) -> Ec2Error {
        let (address, prefix, e) = match error {
            TakeError::Exhausted => return Ec2Error::InsufficientFreeAddressesInSubnet,
            TakeError::Address(a, e) => (a.to_string(), false, e),
            TakeError::Prefix(p, e) => (p.to_string(), true, e),
        };
        let problem = match e {
            AllocError::OutsideSubnet => AddressProblem::OutsideSubnet,
            AllocError::Reserved => AddressProblem::Reserved,
            AllocError::InUse => AddressProblem::InUse,
            AllocError::Misaligned => AddressProblem::Misaligned { len: P::PREFIX_LEN },
            AllocError::Exhausted => return Ec2Error::InsufficientFreeAddressesInSubnet,
        };
        let holder = (problem == AddressProblem::InUse)
            .then(|| self.holder_of(subnet, &address))
            .flatten()
            .map(|id| id.to_string());
        Ec2Error::AddressUnavailable {
            address: address.clone(),
            prefix,
            problem,
            holder,
        }
    }

    /// The interface of `subnet` holding an address or a prefix overlapping `what` (an
    /// address or a prefix in text), if any.
    fn holder_of(&self, subnet: SubnetId, what: &str) -> Option<NetworkInterfaceId> {
        let v4: Option<Ipv4Net> = what
            .parse::<Ipv4Net>()
            .ok()
            .or_else(|| what.parse::<Ipv4Addr>().ok().map(Ipv4Net::from));
        let v6: Option<Ipv6Net> = what
            .parse::<Ipv6Net>()
            .ok()
            .or_else(|| what.parse::<Ipv6Addr>().ok().map(Ipv6Net::from));
        let overlaps4 = |n: &Ipv4Net| v4.is_some_and(|w| w.contains(n) || n.contains(&w));
        let overlaps6 = |n: &Ipv6Net| v6.is_some_and(|w| w.contains(n) || n.contains(&w));
        self.network_interfaces
            .values()
            .filter(|e| e.subnet_id == subnet)
            .find(|e| {
                e.private_ips
                    .iter()
                    .any(|p| overlaps4(&Ipv4Net::from(p.address)))
                    || e.ipv4_prefixes.iter().any(overlaps4)
                    || e.ipv6_addresses
                        .iter()
                        .any(|a| overlaps6(&Ipv6Net::from(a.address)))
                    || e.ipv6_prefixes.iter().any(overlaps6)
            })
            .map(|e| e.id)
    }

    /// Looks up an interface, answering EC2's Malformed or NotFound error.
    pub fn network_interface(&self, id: &str) -> Ec2Result<&Arc<NetworkInterface>> {
        let id = NetworkInterfaceId::parse(id)?;
        self.network_interfaces
            .get(&id)
            .ok_or_else(|| id.not_found())
    }

    /// Creates an interface, or (same client token, same request) returns the one created
    /// before. Any failure leaves everything as it was (the transaction rolls back).
    pub fn create_network_interface(&mut self, req: NewNetworkInterface) -> Ec2Result<Created> {
        self.create_network_interface_with_id(req, None)
    }

    /// CreateNetworkInterface, with the ID a state file fixes instead of a drawn one.
    pub fn create_network_interface_with_id(
        &mut self,
        req: NewNetworkInterface,
        id: Option<NetworkInterfaceId>,
    ) -> Ec2Result<Created> {
        if let Some(id) = &id {
            if self.network_interfaces.contains(id) {
                return Err(id_used_twice(id));
            }
        }
        let subnet = self.subnet(&req.subnet_id)?.clone();

        if let Some((token, fingerprint)) = &req.client_token {
            if let Some(record) = self.client_tokens.get(token.as_str()) {
                if &record.fingerprint != fingerprint {
                    // EC2's wording for this error (RunInstances, quoted from the Ruby SDK in
                    // ubicloud/ubicloud#5898); it does not name the token.
                    return Err(Ec2Error::IdempotentParameterMismatch(
                        "Arguments on this idempotent request are inconsistent with arguments used in previous request(s)."
                            .into(),
                    ));
                }
                let interface = self
                    .network_interfaces
                    .get(&record.network_interface_id)
                    .cloned()
                    .ok_or_else(|| record.network_interface_id.not_found())?;
                return Ok(Created {
                    interface,
                    replayed: true,
                });
            }
        }

        let groups = self.interface_groups(&req.group_ids, subnet.vpc_id, &req.subnet_id)?;
        let interface_type = req.interface_type.unwrap_or(InterfaceType::Interface);
        let efa_only = interface_type == InterfaceType::EfaOnly;
        let wants_ipv6 = !req.ipv6_addresses.is_empty()
            || req.ipv6_address_count.unwrap_or(0) > 0
            || !req.ipv6_prefixes.is_empty()
            || req.ipv6_prefix_count > 0
            || req.enable_primary_ipv6;
        if wants_ipv6 && subnet.ipv6.is_none() {
            return Err(Ec2Error::SubnetHasNoIpv6 {
                subnet_id: req.subnet_id.clone(),
            });
        }
        let mut tags = Tags::default();
        tags.set_all(&req.tags)?;

        // The subnet's AssignIpv6AddressOnCreation gives one address unless the request
        // chose its IPv6 addresses (or prefixes) itself, or said Ipv6AddressCount=0; an
        // EFA-only interface never has addresses. EnablePrimaryIpv6 needs one to promote.
        let ipv6_chosen = !req.ipv6_addresses.is_empty()
            || req.ipv6_address_count.is_some()
            || !req.ipv6_prefixes.is_empty()
            || req.ipv6_prefix_count > 0;
        let mut ipv6_count = req.ipv6_address_count.unwrap_or(0);
        if !ipv6_chosen
            && !efa_only
            && (subnet.assign_ipv6_address_on_creation || req.enable_primary_ipv6)
        {
            ipv6_count = 1;
        }

        // IPv4: the named addresses first, then the primary if none was named, then the
        // counted secondaries, then prefixes.
        let named_v4: Vec<Ipv4Addr> = req
            .primary_ip
            .into_iter()
            .chain(req.secondary_ips.iter().copied())
            .collect();
        let auto_primary = usize::from(req.primary_ip.is_none() && !efa_only);
        let took4 = self.take_v4(
            subnet.id,
            &Wanted {
                addresses: &named_v4,
                prefixes: &req.ipv4_prefixes,
                counts: &[auto_primary, req.secondary_ip_count],
                prefix_count: req.ipv4_prefix_count,
            },
        )?;
        let mut private_ips = Vec::new();
        let primary = req.primary_ip.or_else(|| took4.counted[0].first().copied());
        if let Some(address) = primary {
            private_ips.push(PrivateIp {
                address,
                primary: true,
                association: None,
            });
        }
        private_ips.extend(
            req.secondary_ips
                .iter()
                .chain(&took4.counted[1])
                .map(|&address| PrivateIp {
                    address,
                    primary: false,
                    association: None,
                }),
        );

        let named_v6: Vec<Ipv6Addr> = req.ipv6_addresses.iter().map(|(a, _)| *a).collect();
        let mut ipv6_addresses: Vec<Ipv6Address> = req
            .ipv6_addresses
            .iter()
            .map(|&(address, is_primary)| Ipv6Address {
                address,
                is_primary,
            })
            .collect();
        let mut ipv6_prefixes = Vec::new();
        let wants_v6 = !named_v6.is_empty()
            || ipv6_count > 0
            || !req.ipv6_prefixes.is_empty()
            || req.ipv6_prefix_count > 0;
        if wants_v6 {
            let took6 = self.take_v6(
                subnet.id,
                &Wanted {
                    addresses: &named_v6,
                    prefixes: &req.ipv6_prefixes,
                    counts: &[ipv6_count],
                    prefix_count: req.ipv6_prefix_count,
                },
            )?;
            ipv6_addresses.extend(took6.counted[0].iter().map(|&address| Ipv6Address {
                address,
                is_primary: false,
            }));
            ipv6_prefixes = took6.prefixes;
        }
        // With EnablePrimaryIpv6 (and no address marked primary explicitly), the first IPv6
        // address becomes the primary one, as the API reference describes.
        if req.enable_primary_ipv6 && !ipv6_addresses.iter().any(|a| a.is_primary) {
            if let Some(first) = ipv6_addresses.first_mut() {
                first.is_primary = true;
            }
        }

        let id = match id {
            Some(id) => id,
            None => draw_id(&mut self.streams, |id| self.network_interfaces.contains(id)),
        };
        let mac = self.unused_mac();
        let eni = NetworkInterface {
            id,
            subnet_id: subnet.id,
            vpc_id: subnet.vpc_id,
            zone: subnet.zone,
            owner_id: self.account_id.clone(),
            description: req.description,
            interface_type,
            mac,
            private_ips,
            ipv4_prefixes: took4.prefixes,
            ipv6_addresses,
            ipv6_prefixes,
            groups,
            source_dest_check: true,
            connection_tracking: req.connection_tracking,
            operator_principal: req.operator_principal,
            client_token: req.client_token.as_ref().map(|(t, _)| t.clone()),
            attachment: None,
            tags,
        };
        if let Some((token, fingerprint)) = req.client_token {
            self.client_tokens.insert(
                token,
                ClientTokenRecord {
                    fingerprint,
                    network_interface_id: id,
                },
            );
        }
        self.macs.insert(mac, ());
        self.network_interfaces.insert(id, eni);
        let interface = self
            .network_interfaces
            .get(&id)
            .cloned()
            .ok_or_else(|| id.not_found())?;
        Ok(Created {
            interface,
            replayed: false,
        })
    }

    /// Takes IPv4 addresses and prefixes from a subnet's pool, with EC2's errors.
    pub(in crate::model) fn take_v4(
        &mut self,
        subnet: SubnetId,
        wanted: &Wanted<'_, crate::model::allocator::Ipv4Pool>,
    ) -> Ec2Result<Took<crate::model::allocator::Ipv4Pool>> {
        let rng = self.streams.get(Stream::Addresses);
        match self.ipv4_pools.take(&subnet, wanted, rng) {
            Ok(took) => Ok(took),
            Err(e) => Err(self.take_error(subnet, e)),
        }
    }

    /// Takes IPv6 addresses and prefixes from a subnet's pool, with EC2's errors.
    pub(in crate::model) fn take_v6(
        &mut self,
        subnet: SubnetId,
        wanted: &Wanted<'_, crate::model::allocator::Ipv6Pool>,
    ) -> Ec2Result<Took<crate::model::allocator::Ipv6Pool>> {
        if self.ipv6_pools.get(&subnet).is_none() {
            return Err(Ec2Error::SubnetHasNoIpv6 {
                subnet_id: subnet.to_string(),
            });
        }
        let rng = self.streams.get(Stream::Addresses);
        match self.ipv6_pools.take(&subnet, wanted, rng) {
            Ok(took) => Ok(took),
            Err(e) => Err(self.take_error(subnet, e)),
        }
    }

    /// The groups an interface gets: each must exist in the subnet's VPC; none → `default`.
    pub(in crate::model) fn interface_groups(
        &self,
        requested: &[String],
        vpc_id: VpcId,
        subnet_id: &str,
    ) -> Ec2Result<Vec<InterfaceGroup>> {
        let mut groups: Vec<InterfaceGroup> = Vec::new();
        for id in requested {
            let group = self.security_group(id)?;
            if group.vpc_id != vpc_id {
                // EC2 answers InvalidParameter (not ...Value) with this wording, as RunInstances
                // does for the same mistake.
                return Err(Ec2Error::InvalidParameter(format!(
                    "Security group {id} and subnet {subnet_id} belong to different networks."
                )));
            }
            if !groups.iter().any(|g| g.id == group.id) {
                groups.push(InterfaceGroup {
                    id: group.id,
                    name: group.name.clone(),
                });
            }
        }
        if groups.len() > MAX_GROUPS_PER_INTERFACE {
            return Err(Ec2Error::SecurityGroupsPerInterfaceLimitExceeded);
        }
        if groups.is_empty() {
            let default = self.default_security_group(vpc_id).ok_or_else(|| {
                Ec2Error::InvalidParameterValue(format!(
                    "The VPC '{vpc_id}' has no default security group"
                ))
            })?;
            groups.push(InterfaceGroup {
                id: default.id,
                name: default.name.clone(),
            });
        }
        Ok(groups)
    }

    /// A MAC address no interface of this world has.
    fn unused_mac(&mut self) -> u64 {
        loop {
            let mac = new_mac(self.rng(Stream::Macs));
            if !self.macs.contains(&mac) {
                return mac;
            }
        }
    }

    /// Gives a MAC that a state file fixes to an interface (its shape checked by the loader).
    pub fn set_interface_mac(&mut self, id: NetworkInterfaceId, mac: u64) -> Ec2Result<()> {
        if let Some(other) = self
            .network_interfaces
            .values()
            .find(|o| o.id != id && o.mac == mac)
        {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "MAC address {} is already {}'s",
                format_mac(mac),
                other.id
            )));
        }
        let old = self
            .network_interfaces
            .update(&id, |e| std::mem::replace(&mut e.mac, mac));
        if let Some(old) = old {
            self.macs.remove(&old);
            self.macs.insert(mac, ());
        }
        Ok(())
    }

    /// Deletes an interface, giving its addresses and prefixes back to the subnet at once.
    pub fn delete_network_interface(&mut self, id: &str) -> Ec2Result<()> {
        let eni = self.network_interface(id)?;
        let id = eni.id;
        if eni.attachment.is_some() {
            // EC2's code and words for an attached interface (delete_eni.html; cloud-nuke#431).
            return Err(Ec2Error::InvalidParameterValue(format!(
                "Network interface '{id}' is currently in use."
            )));
        }
        // Its Elastic IPs are disassociated and stay allocated.
        self.release_interface_public_ips(id);
        let Some(eni) = self.network_interfaces.remove(&id) else {
            return Err(id.not_found());
        };
        for p in &eni.private_ips {
            self.ipv4_pools.release(&eni.subnet_id, p.address);
        }
        for &p in &eni.ipv4_prefixes {
            self.ipv4_pools.release_prefix(&eni.subnet_id, p);
        }
        for a in &eni.ipv6_addresses {
            self.ipv6_pools.release(&eni.subnet_id, a.address);
        }
        for &p in &eni.ipv6_prefixes {
            self.ipv6_pools.release_prefix(&eni.subnet_id, p);
        }
        self.macs.remove(&eni.mac);
        let permissions: Vec<_> = self
            .interface_permissions
            .values()
            .filter(|p| p.network_interface_id == id)
            .map(|p| p.id)
            .collect();
        for p in permissions {
            self.interface_permissions.remove(&p);
        }
        // A retry of the create after the delete makes a new interface: the token's
        // interface no longer exists to be returned.
        if let Some(token) = &eni.client_token {
            self.client_tokens.remove(token);
        }
        Ok(())
    }

    /// The interfaces that have this security group.
    pub fn interfaces_using_group(
        &self,
        group_id: SecurityGroupId,
    ) -> impl Iterator<Item = &Arc<NetworkInterface>> {
        self.network_interfaces
            .values()
            .filter(move |eni| eni.groups.iter().any(|g| g.id == group_id))
    }
}

impl NetworkInterface {
    pub fn primary_ip(&self) -> Option<Ipv4Addr> {
        self.private_ips
            .iter()
            .find(|p| p.primary)
            .map(|p| p.address)
    }

    /// The interface's top-level `ipv6Address`: the primary IPv6 address, else the first one
    /// (the CLI reference's real outputs show the field on any interface with an IPv6
    /// address, not only on one with a primary).
    pub fn ipv6_address(&self) -> Option<Ipv6Addr> {
        self.ipv6_addresses
            .iter()
            .find(|a| a.is_primary)
            .or_else(|| self.ipv6_addresses.first())
            .map(|a| a.address)
    }
}

impl Filterable for NetworkInterface {
    const FILTER_NAMES: &'static [&'static str] = &[
        "addresses.private-ip-address",
        "addresses.primary",
        "addresses.association.public-ip",
        "addresses.association.owner-id",
        "association.association-id",
        "association.allocation-id",
        "association.ip-owner-id",
        "association.public-ip",
        "association.public-dns-name",
        "attachment.attachment-id",
        "attachment.attach-time",
        "attachment.delete-on-termination",
        "attachment.device-index",
        "attachment.instance-id",
        "attachment.instance-owner-id",
        "attachment.status",
        "availability-zone",
        "availability-zone-id",
        "description",
        "group-id",
        "group-name",
        "interface-type",
        "ipv6-addresses.ipv6-address",
        "ipv6-address",
        "ipv4-prefix",
        "ipv6-prefix",
        "mac-address",
        "network-interface-id",
        "operator.managed",
        "operator.principal",
        "owner-id",
        "private-dns-name",
        "private-ip-address",
        "requester-id",
        "requester-managed",
        "source-dest-check",
        "status",
        "subnet-id",
        "vpc-id",
    ];

    fn tags(&self) -> &Tags {
        &self.tags
    }

    fn filter_values(&self, name: &str) -> Vec<String> {
        let one = |s: String| vec![s];
        match name {
            "addresses.private-ip-address" => self
                .private_ips
                .iter()
                .map(|p| p.address.to_string())
                .collect(),
            // EC2 matches this against each address's flag, so an interface with secondaries
            // matches both true and false.
            "addresses.primary" => self
                .private_ips
                .iter()
                .map(|p| p.primary.to_string())
                .collect(),
            "availability-zone" => one(self.zone.name.into()),
            "availability-zone-id" => one(self.zone.id.into()),
            "description" => one(self.description.clone()),
            "group-id" => self.groups.iter().map(|g| g.id.to_string()).collect(),
            "group-name" => self.groups.iter().map(|g| g.name.clone()).collect(),
            "interface-type" => one(self.interface_type.as_str().into()),
            "ipv6-addresses.ipv6-address" | "ipv6-address" => self
                .ipv6_addresses
                .iter()
                .map(|a| a.address.to_string())
                .collect(),
            "ipv4-prefix" => self.ipv4_prefixes.iter().map(|p| p.to_string()).collect(),
            "ipv6-prefix" => self.ipv6_prefixes.iter().map(|p| p.to_string()).collect(),
            "mac-address" => one(format_mac(self.mac)),
            "network-interface-id" => one(self.id.to_string()),
            "operator.managed" => one(self.operator_principal.is_some().to_string()),
            "operator.principal" => self.operator_principal.iter().cloned().collect(),
            "owner-id" => one(self.owner_id.clone()),
            "private-dns-name" => self
                .primary_ip()
                .map(|ip| private_dns_name(self.zone.region_name(), ip))
                .into_iter()
                .collect(),
            // "The private IPv4 address or addresses of the network interface": every address,
            // so a secondary finds the interface that holds it, as users look addresses up.
            "private-ip-address" => self
                .private_ips
                .iter()
                .map(|p| p.address.to_string())
                .collect(),
            "requester-id" => one(self.owner_id.clone()),
            "requester-managed" => one("false".into()),
            "source-dest-check" => one(self.source_dest_check.to_string()),
            "status" => one(self.status().into()),
            "subnet-id" => one(self.subnet_id.to_string()),
            "vpc-id" => one(self.vpc_id.to_string()),
            "addresses.association.public-ip" => self
                .private_ips
                .iter()
                .filter_map(|p| p.association)
                .map(|a| a.public_ip.to_string())
                .collect(),
            "addresses.association.owner-id" => self
                .private_ips
                .iter()
                .filter_map(|p| p.association)
                .map(|a| self.ip_owner(&a))
                .collect(),
            "association.association-id" => self
                .public_address()
                .and_then(|a| a.elastic)
                .map(|(_, id)| id.to_string())
                .into_iter()
                .collect(),
            "association.allocation-id" => self
                .public_address()
                .and_then(|a| a.elastic)
                .map(|(id, _)| id.to_string())
                .into_iter()
                .collect(),
            "association.ip-owner-id" => self
                .public_address()
                .map(|a| self.ip_owner(&a))
                .into_iter()
                .collect(),
            "association.public-ip" => self
                .public_address()
                .map(|a| a.public_ip.to_string())
                .into_iter()
                .collect(),
            "attachment.attachment-id" => self.attached(|a| a.id.to_string()),
            "attachment.attach-time" => self.attached(|a| iso8601(a.attach_time)),
            "attachment.delete-on-termination" => {
                self.attached(|a| a.delete_on_termination.to_string())
            }
            "attachment.device-index" => self.attached(|a| a.device_index.to_string()),
            "attachment.instance-id" => self.attached(|a| a.instance_id.to_string()),
            "attachment.instance-owner-id" => self.attached(|_| self.owner_id.clone()),
            "attachment.status" => self.attached(|_| "attached".to_owned()),
            // Needs the VPC's DNS attribute: answered by [`InterfaceView`].
            _ => Vec::new(),
        }
    }
}

impl NetworkInterface {
    /// `in-use` while attached, else `available`.
    pub fn status(&self) -> &'static str {
        if self.attachment.is_some() {
            "in-use"
        } else {
            "available"
        }
    }

    /// The public address of the primary private address (the interface's `association`).
    pub fn public_address(&self) -> Option<PublicAddress> {
        self.private_ips
            .iter()
            .find(|p| p.primary)
            .and_then(|p| p.association)
    }

    /// Who owns a public address: the account for an Elastic IP, else `amazon`.
    pub fn ip_owner(&self, address: &PublicAddress) -> String {
        match address.elastic {
            Some(_) => self.owner_id.clone(),
            None => "amazon".into(),
        }
    }

    fn attached(&self, value: impl Fn(&Attachment) -> String) -> Vec<String> {
        self.attachment.as_ref().map(value).into_iter().collect()
    }
}

/// An interface with what its VPC says of public DNS names, as Describe shows it.
#[derive(Debug, Clone)]
pub struct InterfaceView {
    pub interface: Arc<NetworkInterface>,
    /// The VPC's `enableDnsHostnames`: public addresses get a public DNS name only with it.
    pub dns_hostnames: bool,
}

impl InterfaceView {
    /// The public DNS name of a public address of this interface, if its VPC gives one.
    pub fn public_dns_name(&self, address: &PublicAddress) -> Option<String> {
        self.dns_hostnames.then(|| {
            crate::model::elastic_ips::public_dns_name(
                self.interface.zone.region_name(),
                address.public_ip,
            )
        })
    }
}

impl World {
    pub fn interface_view(&self, eni: &Arc<NetworkInterface>) -> InterfaceView {
        InterfaceView {
            interface: eni.clone(),
            dns_hostnames: self
                .vpcs
                .get(&eni.vpc_id)
                .is_some_and(|v| v.enable_dns_hostnames),
        }
    }
}

impl Filterable for InterfaceView {
    const FILTER_NAMES: &'static [&'static str] = NetworkInterface::FILTER_NAMES;

    fn tags(&self) -> &Tags {
        &self.interface.tags
    }

    fn filter_values(&self, name: &str) -> Vec<String> {
        match name {
            "association.public-dns-name" => self
                .interface
                .public_address()
                .and_then(|a| self.public_dns_name(&a))
                .into_iter()
                .collect(),
            other => self.interface.filter_values(other),
        }
    }
}
