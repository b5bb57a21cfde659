//! Network interfaces: their addresses, prefixes, groups and attributes.

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{Ipv4Net, Ipv6Net};

use crate::error::{Ec2Error, Ec2Result};
use crate::model::allocator::{AllocError, IPV4_PREFIX_LEN, IPV6_PREFIX_LEN};
use crate::model::filters::Filterable;
use crate::model::ids::{check_fixed_id, is_well_formed, new_id, new_mac};
use crate::model::regions::Zone;
use crate::model::security_groups::DEFAULT_GROUP_NAME;
use crate::model::subnets::Subnet;
use crate::model::tags::{Tag, Tags};
use crate::model::world::private_dns_name;
use crate::model::World;

/// EC2's default quota of security groups per network interface.
pub const MAX_GROUPS_PER_INTERFACE: usize = 5;

/// The most IPv4 addresses plus prefixes one interface may hold. Limits vary by instance
/// type; 50 is the largest per-interface limit of any type, so nothing an unattached
/// interface could legitimately hold is refused, while absurd counts are.
pub const MAX_IPV4_PER_INTERFACE: u64 = 50;
/// The same bound for IPv6 addresses plus prefixes.
pub const MAX_IPV6_PER_INTERFACE: u64 = 50;

#[derive(Debug, Clone)]
pub struct NetworkInterface {
    pub id: String,
    pub subnet_id: String,
    pub vpc_id: String,
    pub zone: &'static Zone,
    pub owner_id: String,
    pub description: String,
    pub interface_type: InterfaceType,
    pub mac_address: String,
    /// The primary address first, then the secondaries in the order they were assigned.
    pub private_ips: Vec<PrivateIp>,
    pub ipv4_prefixes: Vec<Ipv4Net>,
    pub ipv6_addresses: Vec<Ipv6Address>,
    pub ipv6_prefixes: Vec<Ipv6Net>,
    /// Security groups by ID and name (names cannot change in EC2, so they are kept here).
    pub groups: Vec<GroupRef>,
    pub source_dest_check: bool,
    pub connection_tracking: Option<ConnectionTracking>,
    pub operator_principal: Option<String>,
    pub client_token: Option<String>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrivateIp {
    pub address: Ipv4Addr,
    pub primary: bool,
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
}

/// Idle timeouts (seconds) of connection tracking; `None` = EC2's default for that field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConnectionTracking {
    pub tcp_established_timeout: Option<i64>,
    pub udp_stream_timeout: Option<i64>,
    pub udp_timeout: Option<i64>,
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
    pub network_interface_id: String,
}

/// Everything one request (create or assign) took from a subnet, so a failure can give it
/// all back.
#[derive(Debug, Default)]
pub(crate) struct Taken {
    pub(crate) v4: Vec<Ipv4Addr>,
    pub(crate) v4_prefixes: Vec<Ipv4Net>,
    pub(crate) v6: Vec<Ipv6Addr>,
    pub(crate) v6_prefixes: Vec<Ipv6Net>,
}

impl Taken {
    pub(crate) fn give_back(self, subnet: &mut Subnet) {
        for ip in self.v4 {
            subnet.pool.release(ip);
        }
        for p in self.v4_prefixes {
            subnet.pool.release_prefix(p);
        }
        if let Some(b) = subnet.ipv6.as_mut() {
            for ip in self.v6 {
                b.pool.release(ip);
            }
            for p in self.v6_prefixes {
                b.pool.release_prefix(p);
            }
        }
    }
}

/// EC2's answer when one explicitly requested address (IPv4 or IPv6) cannot be had.
pub(crate) fn address_error(ip: impl std::fmt::Display, e: AllocError) -> Ec2Error {
    match e {
        AllocError::OutsideSubnet => Ec2Error::InvalidParameterValue(format!(
            "Address {ip} does not fall within the subnet's address range"
        )),
        AllocError::Reserved => Ec2Error::InvalidParameterValue(format!(
            "Address {ip} is in subnet's reserved address range"
        )),
        AllocError::InUse => Ec2Error::InvalidIpAddressInUse(ip.to_string()),
        AllocError::Misaligned => {
            Ec2Error::InvalidParameterValue(format!("Address {ip} is not valid"))
        }
        AllocError::Exhausted => exhausted(),
    }
}

pub(crate) fn prefix_error(prefix: String, expected_len: u8, e: AllocError) -> Ec2Error {
    match e {
        AllocError::OutsideSubnet => Ec2Error::InvalidParameterValue(format!(
            "Prefix {prefix} does not fall within the subnet's address range"
        )),
        AllocError::Reserved => Ec2Error::InvalidParameterValue(format!(
            "Prefix {prefix} includes an address in the subnet's reserved address range"
        )),
        AllocError::InUse => Ec2Error::InvalidIpAddressInUse(prefix),
        AllocError::Misaligned => Ec2Error::InvalidParameterValue(format!(
            "Prefix {prefix} is not a valid /{expected_len} prefix"
        )),
        AllocError::Exhausted => exhausted(),
    }
}

pub(crate) fn exhausted() -> Ec2Error {
    Ec2Error::InsufficientFreeAddressesInSubnet(
        "There aren't sufficient free Ipv4 addresses or prefixes in the subnet to satisfy the request."
            .into(),
    )
}

pub(crate) fn no_ipv6(subnet_id: &str) -> Ec2Error {
    Ec2Error::InvalidParameterValue(format!(
        "The subnet '{subnet_id}' does not have an IPv6 CIDR block; IPv6 addresses and prefixes cannot be assigned"
    ))
}

/// EC2's answer when an interface would hold more IPv6 addresses and prefixes than allowed.
pub(crate) fn ipv6_limit_exceeded() -> Ec2Error {
    Ec2Error::InvalidParameterValue(format!(
        "Number of IPv6 addresses and prefixes will exceed the limit of {MAX_IPV6_PER_INTERFACE}"
    ))
}

impl World {
    /// Looks up an interface, answering EC2's Malformed or NotFound error.
    pub fn network_interface(&self, id: &str) -> Ec2Result<&NetworkInterface> {
        self.network_interface_entry(id).map(|b| &**b)
    }

    /// The same lookup, as the map stores it, for the shared Describe mechanism.
    #[allow(clippy::borrowed_box)] // `select` pages over the map's own value type.
    pub fn network_interface_entry(&self, id: &str) -> Ec2Result<&Box<NetworkInterface>> {
        if !is_well_formed(id, "eni") {
            return Err(Ec2Error::NetworkInterfaceMalformed(id.to_owned()));
        }
        self.network_interfaces
            .get(id)
            .ok_or_else(|| Ec2Error::NetworkInterfaceNotFound(id.to_owned()))
    }

    /// Creates an interface, or (same client token, same request) returns the one created
    /// before. Either everything is allocated or nothing is: a failure at any step gives back
    /// what earlier steps took, and a dry run gives back everything after the last check.
    pub fn create_network_interface(
        &mut self,
        req: NewNetworkInterface,
        dry_run: bool,
    ) -> Ec2Result<String> {
        self.create_network_interface_with_id(req, None, dry_run)
    }

    /// CreateNetworkInterface, with the ID a state file fixes instead of a drawn one.
    pub(crate) fn create_network_interface_with_id(
        &mut self,
        req: NewNetworkInterface,
        id: Option<String>,
        dry_run: bool,
    ) -> Ec2Result<String> {
        if let Some(id) = &id {
            check_fixed_id(id, "eni", self.network_interfaces.contains_key(id))?;
        }
        let subnet = self.subnet(&req.subnet_id)?;
        let vpc_id = subnet.vpc_id.clone();
        let zone = subnet.zone;
        let subnet_has_ipv6 = subnet.ipv6.is_some();
        let auto_ipv6 = subnet.assign_ipv6_address_on_creation;

        if let Some((token, fingerprint)) = &req.client_token {
            if let Some(record) = self.client_tokens.get(token) {
                if &record.fingerprint != fingerprint {
                    // EC2's wording for this error (RunInstances, quoted from the Ruby SDK in
                    // ubicloud/ubicloud#5898); it does not name the token.
                    return Err(Ec2Error::IdempotentParameterMismatch(
                        "Arguments on this idempotent request are inconsistent with arguments used in previous request(s)."
                            .into(),
                    ));
                }
                if dry_run {
                    return Err(Ec2Error::DryRunOperation);
                }
                return Ok(record.network_interface_id.clone());
            }
        }

        let groups = self.interface_groups(&req.group_ids, &vpc_id, &req.subnet_id)?;
        let interface_type = req.interface_type.unwrap_or(InterfaceType::Interface);
        let efa_only = interface_type == InterfaceType::EfaOnly;
        let wants_ipv6 = !req.ipv6_addresses.is_empty()
            || req.ipv6_address_count.unwrap_or(0) > 0
            || !req.ipv6_prefixes.is_empty()
            || req.ipv6_prefix_count > 0
            || req.enable_primary_ipv6;
        if wants_ipv6 && !subnet_has_ipv6 {
            return Err(no_ipv6(&req.subnet_id));
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
        if !ipv6_chosen && !efa_only && (auto_ipv6 || req.enable_primary_ipv6) {
            ipv6_count = 1;
        }

        let mut taken = Taken::default();
        let allocated = self.allocate_for(&req, efa_only, ipv6_count, &mut taken);
        let Some(subnet) = self.subnets.get_mut(&req.subnet_id) else {
            return Err(Ec2Error::SubnetNotFound(req.subnet_id.clone()));
        };
        let (private_ips, ipv6_addresses) = match allocated {
            Ok(a) => a,
            Err(e) => {
                taken.give_back(subnet);
                return Err(e);
            }
        };
        if dry_run {
            taken.give_back(subnet);
            return Err(Ec2Error::DryRunOperation);
        }

        let id = id.unwrap_or_else(|| new_id(&mut self.rng, "eni"));
        let mac_address = self.unused_mac();
        let ipv6_addresses = mark_primary_ipv6(ipv6_addresses, &req);
        let eni = NetworkInterface {
            id: id.clone(),
            subnet_id: req.subnet_id.clone(),
            vpc_id,
            zone,
            owner_id: self.account_id.clone(),
            description: req.description,
            interface_type,
            mac_address,
            private_ips,
            ipv4_prefixes: taken.v4_prefixes,
            ipv6_addresses,
            ipv6_prefixes: taken.v6_prefixes,
            groups,
            source_dest_check: true,
            connection_tracking: req.connection_tracking,
            operator_principal: req.operator_principal,
            client_token: req.client_token.as_ref().map(|(t, _)| t.clone()),
            tags,
        };
        if let Some((token, fingerprint)) = req.client_token {
            self.client_tokens.insert(
                token,
                ClientTokenRecord {
                    fingerprint,
                    network_interface_id: id.clone(),
                },
            );
        }
        self.macs.insert(mac_number(&eni.mac_address));
        self.network_interfaces.insert(id.clone(), Box::new(eni));
        Ok(id)
    }

    /// The groups an interface gets: each must exist in the subnet's VPC; none → `default`.
    pub(crate) fn interface_groups(
        &self,
        requested: &[String],
        vpc_id: &str,
        subnet_id: &str,
    ) -> Ec2Result<Vec<GroupRef>> {
        let mut ids: Vec<GroupRef> = Vec::new();
        for id in requested {
            let group = self.security_group(id)?;
            if group.vpc_id != vpc_id {
                // EC2 answers InvalidParameter (not ...Value) with this wording, as RunInstances
                // does for the same mistake.
                return Err(Ec2Error::InvalidParameter(format!(
                    "Security group {id} and subnet {subnet_id} belong to different networks."
                )));
            }
            if !ids.iter().any(|g| &g.id == id) {
                ids.push(GroupRef {
                    id: id.clone(),
                    name: group.name.clone(),
                });
            }
        }
        if ids.len() > MAX_GROUPS_PER_INTERFACE {
            return Err(Ec2Error::SecurityGroupsPerInterfaceLimitExceeded);
        }
        if ids.is_empty() {
            let default = self
                .security_groups
                .values()
                .find(|g| g.vpc_id == vpc_id && g.name == DEFAULT_GROUP_NAME)
                .ok_or_else(|| {
                    Ec2Error::InvalidParameterValue(format!(
                        "The VPC '{vpc_id}' has no default security group"
                    ))
                })?;
            ids.push(GroupRef {
                id: default.id.clone(),
                name: default.name.clone(),
            });
        }
        Ok(ids)
    }

    /// Takes every address and prefix the request needs from its subnet, recording each in
    /// `taken`. Explicit addresses go first so a random pick never takes one the same request
    /// names later.
    fn allocate_for(
        &mut self,
        req: &NewNetworkInterface,
        efa_only: bool,
        ipv6_count: usize,
        taken: &mut Taken,
    ) -> Ec2Result<(Vec<PrivateIp>, Vec<Ipv6Address>)> {
        let rng = &mut self.rng;
        let Some(subnet) = self.subnets.get_mut(&req.subnet_id) else {
            return Err(Ec2Error::SubnetNotFound(req.subnet_id.clone()));
        };
        let mut private_ips = Vec::new();
        if let Some(ip) = req.primary_ip {
            subnet.pool.allocate(ip).map_err(|e| address_error(ip, e))?;
            taken.v4.push(ip);
        }
        for &ip in &req.secondary_ips {
            subnet.pool.allocate(ip).map_err(|e| address_error(ip, e))?;
            taken.v4.push(ip);
        }
        for &prefix in &req.ipv4_prefixes {
            subnet
                .pool
                .allocate_prefix(prefix)
                .map_err(|e| prefix_error(prefix.to_string(), IPV4_PREFIX_LEN, e))?;
            taken.v4_prefixes.push(prefix);
        }
        let primary = match req.primary_ip {
            Some(ip) => Some(ip),
            None if efa_only => None,
            None => {
                let ip = subnet.pool.allocate_any(rng).map_err(|_| exhausted())?;
                taken.v4.push(ip);
                Some(ip)
            }
        };
        if let Some(ip) = primary {
            private_ips.push(PrivateIp {
                address: ip,
                primary: true,
            });
        }
        private_ips.extend(req.secondary_ips.iter().map(|&address| PrivateIp {
            address,
            primary: false,
        }));
        if req.secondary_ip_count > 0 {
            let ips = subnet
                .pool
                .allocate_many(req.secondary_ip_count, rng)
                .map_err(|_| exhausted())?;
            taken.v4.extend(&ips);
            private_ips.extend(ips.into_iter().map(|address| PrivateIp {
                address,
                primary: false,
            }));
        }
        if req.ipv4_prefix_count > 0 {
            let prefixes = subnet
                .pool
                .allocate_prefixes(req.ipv4_prefix_count, rng)
                .map_err(|_| exhausted())?;
            taken.v4_prefixes.extend(prefixes);
        }

        let mut ipv6 = Vec::new();
        let wants_v6 = !req.ipv6_addresses.is_empty()
            || ipv6_count > 0
            || !req.ipv6_prefixes.is_empty()
            || req.ipv6_prefix_count > 0;
        if !wants_v6 {
            return Ok((private_ips, ipv6));
        }
        let Some(block) = subnet.ipv6.as_mut() else {
            return Err(no_ipv6(&req.subnet_id));
        };
        for &(ip, is_primary) in &req.ipv6_addresses {
            block.pool.allocate(ip).map_err(|e| address_error(ip, e))?;
            taken.v6.push(ip);
            ipv6.push(Ipv6Address {
                address: ip,
                is_primary,
            });
        }
        for &prefix in &req.ipv6_prefixes {
            block
                .pool
                .allocate_prefix(prefix)
                .map_err(|e| prefix_error(prefix.to_string(), IPV6_PREFIX_LEN, e))?;
            taken.v6_prefixes.push(prefix);
        }
        if ipv6_count > 0 {
            let ips = block
                .pool
                .allocate_many(ipv6_count, rng)
                .map_err(|_| exhausted())?;
            taken.v6.extend(&ips);
            ipv6.extend(ips.into_iter().map(|address| Ipv6Address {
                address,
                is_primary: false,
            }));
        }
        if req.ipv6_prefix_count > 0 {
            let prefixes = block
                .pool
                .allocate_prefixes(req.ipv6_prefix_count, rng)
                .map_err(|_| exhausted())?;
            taken.v6_prefixes.extend(prefixes);
        }
        Ok((private_ips, ipv6))
    }

    /// A MAC address no interface of this world has.
    fn unused_mac(&mut self) -> String {
        loop {
            let mac = new_mac(&mut self.rng);
            if !self.macs.contains(&mac_number(&mac)) {
                return mac;
            }
        }
    }

    /// Deletes an interface, giving its addresses and prefixes back to the subnet at once.
    pub fn delete_network_interface(&mut self, id: &str, dry_run: bool) -> Ec2Result<()> {
        self.network_interface(id)?;
        if dry_run {
            return Err(Ec2Error::DryRunOperation);
        }
        let Some(eni) = self.network_interfaces.remove(id) else {
            return Err(Ec2Error::NetworkInterfaceNotFound(id.to_owned()));
        };
        if let Some(subnet) = self.subnets.get_mut(&eni.subnet_id) {
            let taken = Taken {
                v4: eni.private_ips.iter().map(|p| p.address).collect(),
                v4_prefixes: eni.ipv4_prefixes.clone(),
                v6: eni.ipv6_addresses.iter().map(|a| a.address).collect(),
                v6_prefixes: eni.ipv6_prefixes.clone(),
            };
            taken.give_back(subnet);
        }
        self.macs.remove(&mac_number(&eni.mac_address));
        self.interface_permissions
            .retain(|_, p| p.network_interface_id != id);
        // A retry of the create after the delete makes a new interface: the token's
        // interface no longer exists to be returned.
        if let Some(token) = &eni.client_token {
            self.client_tokens.remove(token);
        }
        Ok(())
    }

    /// IDs of the interfaces that have this security group.
    pub fn interfaces_using_group(&self, group_id: &str) -> Vec<&str> {
        self.network_interfaces
            .values()
            .filter(|eni| eni.groups.iter().any(|g| g.id == group_id))
            .map(|eni| eni.id.as_str())
            .collect()
    }
}

/// With EnablePrimaryIpv6 (and no address marked primary explicitly), the first IPv6 address
/// becomes the primary one, as the API reference describes.
fn mark_primary_ipv6(mut addrs: Vec<Ipv6Address>, req: &NewNetworkInterface) -> Vec<Ipv6Address> {
    if req.enable_primary_ipv6 && !addrs.iter().any(|a| a.is_primary) {
        if let Some(first) = addrs.first_mut() {
            first.is_primary = true;
        }
    }
    addrs
}

impl NetworkInterface {
    pub fn primary_ip(&self) -> Option<Ipv4Addr> {
        self.private_ips
            .iter()
            .find(|p| p.primary)
            .map(|p| p.address)
    }

    pub fn primary_ipv6(&self) -> Option<Ipv6Addr> {
        self.ipv6_addresses
            .iter()
            .find(|a| a.is_primary)
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
            "group-id" => self.groups.iter().map(|g| g.id.clone()).collect(),
            "group-name" => self.groups.iter().map(|g| g.name.clone()).collect(),
            "interface-type" => one(self.interface_type.as_str().into()),
            "ipv6-addresses.ipv6-address" | "ipv6-address" => self
                .ipv6_addresses
                .iter()
                .map(|a| a.address.to_string())
                .collect(),
            "ipv4-prefix" => self.ipv4_prefixes.iter().map(|p| p.to_string()).collect(),
            "ipv6-prefix" => self.ipv6_prefixes.iter().map(|p| p.to_string()).collect(),
            "mac-address" => one(self.mac_address.clone()),
            "network-interface-id" => one(self.id.clone()),
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
            "requester-managed" => one("false".into()),
            "source-dest-check" => one(self.source_dest_check.to_string()),
            "status" => one("available".into()),
            "subnet-id" => one(self.subnet_id.clone()),
            "vpc-id" => one(self.vpc_id.clone()),
            // Attachment and association filters are valid names that match nothing: these
            // interfaces are never attached or associated.
            _ => Vec::new(),
        }
    }
}

/// A MAC address `aa:bb:cc:dd:ee:ff` as its 48-bit number (0 for text of another shape,
/// which never comes from `new_mac` nor passes the state-file checks).
pub(crate) fn mac_number(mac: &str) -> u64 {
    mac.split(':')
        .try_fold(0u64, |acc, part| {
            u8::from_str_radix(part, 16)
                .ok()
                .map(|b| (acc << 8) | u64::from(b))
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::mac_number;

    #[test]
    fn mac_numbers_are_the_48_bits_and_distinct() {
        assert_eq!(mac_number("02:74:b0:72:79:61"), 0x0274_b072_7961);
        assert_ne!(
            mac_number("02:74:b0:72:79:61"),
            mac_number("02:74:b0:72:79:62")
        );
        assert_eq!(mac_number("not a mac"), 0);
    }
}
