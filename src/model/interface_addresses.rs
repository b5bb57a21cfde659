//! Addresses and prefixes added to or taken from an existing interface (Assign/Unassign).
//!
//! Every method checks the whole request before it changes anything, takes from the subnet
//! through [`Taken`] so a failure or a dry run gives everything back, and only then touches
//! the interfaces: a refused request leaves every interface and the subnet as they were.

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{Ipv4Net, Ipv6Net};

use crate::error::{Ec2Error, Ec2Result};
use crate::model::allocator::{AllocError, IPV4_PREFIX_LEN, IPV6_PREFIX_LEN};
use crate::model::network_interfaces::{
    address_error, exhausted, ipv6_limit_exceeded, no_ipv6, prefix_error, InterfaceType,
    Ipv6Address, NetworkInterface, PrivateIp, Taken, MAX_IPV4_PER_INTERFACE,
    MAX_IPV6_PER_INTERFACE,
};
use crate::model::World;

/// What AssignPrivateIpAddresses asks for, after the action layer checked which parameters
/// may go together: explicit addresses or a count, explicit prefixes or a count.
#[derive(Debug, Clone, Default)]
pub struct PrivateIpAssignment {
    pub addresses: Vec<Ipv4Addr>,
    pub count: usize,
    pub prefixes: Vec<Ipv4Net>,
    pub prefix_count: usize,
    pub allow_reassignment: bool,
}

/// What AssignIpv6Addresses asks for; at most one of the four is non-empty.
#[derive(Debug, Clone, Default)]
pub struct Ipv6Assignment {
    pub addresses: Vec<Ipv6Addr>,
    pub count: usize,
    pub prefixes: Vec<Ipv6Net>,
    pub prefix_count: usize,
}

/// Addresses and prefixes of one family: what an Unassign names, or what a call changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressSet<A, P> {
    pub addresses: Vec<A>,
    pub prefixes: Vec<P>,
}

impl<A, P> Default for AddressSet<A, P> {
    fn default() -> Self {
        AddressSet {
            addresses: Vec::new(),
            prefixes: Vec::new(),
        }
    }
}

/// Where an explicitly requested IPv4 address stands before AssignPrivateIpAddresses.
enum Holder {
    /// Held by no interface: taken from the subnet.
    Free,
    /// Already a secondary of this interface: with AllowReassignment it simply stays.
    This,
    /// A secondary of another interface of the subnet, moved here with AllowReassignment.
    Other(String),
}

/// The real EC2 wording, as client code matches it (an ENI IP controller treating it as
/// "already unassigned", and a VPC service's branch-ENI release path).
fn addresses_not_assigned(id: &str) -> Ec2Error {
    Ec2Error::InvalidParameterValue(format!(
        "Some of the specified addresses are not assigned to interface {id}"
    ))
}

fn prefixes_not_assigned(id: &str) -> Ec2Error {
    Ec2Error::InvalidParameterValue(format!(
        "Some of the specified prefixes are not assigned to interface {id}"
    ))
}

fn efa_only_refused(id: &str) -> Ec2Error {
    Ec2Error::InvalidParameterValue(format!(
        "EFA-only network interfaces do not support IP addresses: {id} is an efa-only interface"
    ))
}

/// Sums requested amounts without overflow: a count of 2^63 must still read as "too many".
pub(crate) fn total(parts: &[usize]) -> u64 {
    parts
        .iter()
        .fold(0u64, |acc, &n| acc.saturating_add(n as u64))
}

impl World {
    /// AssignPrivateIpAddresses: secondaries (explicit or counted) or /28 prefixes. With
    /// `allow_reassignment`, a secondary of another interface of the subnet moves here.
    pub fn assign_private_ip_addresses(
        &mut self,
        id: &str,
        req: &PrivateIpAssignment,
        dry_run: bool,
    ) -> Ec2Result<AddressSet<Ipv4Addr, Ipv4Net>> {
        let eni = self.network_interface(id)?;
        if eni.interface_type == InterfaceType::EfaOnly {
            return Err(efa_only_refused(id));
        }
        let subnet_id = eni.subnet_id.clone();
        let held = total(&[eni.private_ips.len(), eni.ipv4_prefixes.len()]);
        let subnet = self.subnet(&subnet_id)?;

        // Every explicit address is judged first: the shape errors (outside, reserved), then
        // who holds it. Addresses that may not move are reported together, as EC2 does.
        let mut holders = Vec::with_capacity(req.addresses.len());
        let mut refused_moves = Vec::new();
        for &ip in &req.addresses {
            if !subnet.pool.cidr().contains(&ip) {
                return Err(address_error(ip, AllocError::OutsideSubnet));
            }
            if subnet.pool.is_reserved(ip) {
                return Err(address_error(ip, AllocError::Reserved));
            }
            let Some((holder, primary)) = self.ipv4_holder(&subnet_id, ip) else {
                holders.push(Holder::Free);
                continue;
            };
            if !req.allow_reassignment {
                refused_moves.push(ip.to_string());
            } else if primary {
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "Address {ip} is the primary private IP address of {} and cannot be reassigned",
                    holder.id
                )));
            } else if holder.id == id {
                holders.push(Holder::This);
            } else {
                holders.push(Holder::Other(holder.id.clone()));
            }
        }
        if !refused_moves.is_empty() {
            // Real EC2's text, comma-space separated inside brackets (clients parse it).
            return Err(Ec2Error::InvalidParameterValue(format!(
                "[{}] assigned, but move is not allowed.",
                refused_moves.join(", ")
            )));
        }

        let arriving = holders
            .iter()
            .filter(|h| !matches!(h, Holder::This))
            .count();
        let wanted = total(&[arriving, req.count, req.prefixes.len(), req.prefix_count]);
        if held.saturating_add(wanted) > MAX_IPV4_PER_INTERFACE {
            return Err(Ec2Error::PrivateIpAddressLimitExceeded);
        }

        let free: Vec<Ipv4Addr> = req
            .addresses
            .iter()
            .zip(&holders)
            .filter(|(_, h)| matches!(h, Holder::Free))
            .map(|(ip, _)| *ip)
            .collect();
        let rng = &mut self.rng;
        let Some(subnet) = self.subnets.get_mut(&subnet_id) else {
            return Err(Ec2Error::SubnetNotFound(subnet_id));
        };
        let mut taken = Taken::default();
        let counted = take_ipv4(subnet, rng, &free, req, &mut taken);
        let counted = match counted {
            Ok(c) => c,
            Err(e) => {
                taken.give_back(subnet);
                return Err(e);
            }
        };
        // The interface was looked up at the start and nothing since could remove it, but the
        // moves below must not start unless the arrival has somewhere to land.
        if dry_run || !self.network_interfaces.contains_key(id) {
            taken.give_back(subnet);
            return Err(if dry_run {
                Ec2Error::DryRunOperation
            } else {
                Ec2Error::NetworkInterfaceNotFound(id.to_owned())
            });
        }

        for (ip, holder) in req.addresses.iter().zip(&holders) {
            if let Holder::Other(other) = holder {
                if let Some(other) = self.network_interfaces.get_mut(other) {
                    other.private_ips.retain(|p| p.address != *ip);
                }
            }
        }
        let Some(eni) = self.network_interfaces.get_mut(id) else {
            return Err(Ec2Error::NetworkInterfaceNotFound(id.to_owned()));
        };
        let arrivals = req
            .addresses
            .iter()
            .zip(&holders)
            .filter(|(_, h)| !matches!(h, Holder::This))
            .map(|(ip, _)| *ip)
            .chain(counted.iter().copied());
        eni.private_ips.extend(arrivals.map(|address| PrivateIp {
            address,
            primary: false,
        }));
        eni.ipv4_prefixes.extend(taken.v4_prefixes.iter().copied());
        Ok(AddressSet {
            addresses: req.addresses.iter().chain(&counted).copied().collect(),
            prefixes: taken.v4_prefixes,
        })
    }

    /// UnassignPrivateIpAddresses: secondaries and prefixes go back to the subnet at once.
    pub fn unassign_private_ip_addresses(
        &mut self,
        id: &str,
        req: &AddressSet<Ipv4Addr, Ipv4Net>,
        dry_run: bool,
    ) -> Ec2Result<()> {
        let eni = self.network_interface(id)?;
        for ip in &req.addresses {
            match eni.private_ips.iter().find(|p| p.address == *ip) {
                None => return Err(addresses_not_assigned(id)),
                Some(p) if p.primary => {
                    return Err(Ec2Error::InvalidParameterValue(format!(
                        "Value ({ip}) for parameter privateIpAddress is invalid. The primary private IP address of a network interface cannot be unassigned."
                    )))
                }
                Some(_) => {}
            }
        }
        if req.prefixes.iter().any(|p| !eni.ipv4_prefixes.contains(p)) {
            return Err(prefixes_not_assigned(id));
        }
        if dry_run {
            return Err(Ec2Error::DryRunOperation);
        }
        let subnet_id = eni.subnet_id.clone();
        if let Some(eni) = self.network_interfaces.get_mut(id) {
            eni.private_ips
                .retain(|p| !req.addresses.contains(&p.address));
            eni.ipv4_prefixes.retain(|p| !req.prefixes.contains(p));
        }
        if let Some(subnet) = self.subnets.get_mut(&subnet_id) {
            Taken {
                v4: req.addresses.clone(),
                v4_prefixes: req.prefixes.clone(),
                ..Taken::default()
            }
            .give_back(subnet);
        }
        Ok(())
    }

    /// AssignIpv6Addresses: addresses (explicit or counted) or /80 prefixes from the
    /// subnet's /64. IPv6 addresses are never moved between interfaces.
    pub fn assign_ipv6_addresses(
        &mut self,
        id: &str,
        req: &Ipv6Assignment,
        dry_run: bool,
    ) -> Ec2Result<AddressSet<Ipv6Addr, Ipv6Net>> {
        let eni = self.network_interface(id)?;
        if eni.interface_type == InterfaceType::EfaOnly {
            return Err(efa_only_refused(id));
        }
        let subnet_id = eni.subnet_id.clone();
        let held = total(&[eni.ipv6_addresses.len(), eni.ipv6_prefixes.len()]);
        if self.subnet(&subnet_id)?.ipv6.is_none() {
            return Err(no_ipv6(&subnet_id));
        }
        let wanted = total(&[
            req.addresses.len(),
            req.count,
            req.prefixes.len(),
            req.prefix_count,
        ]);
        if held.saturating_add(wanted) > MAX_IPV6_PER_INTERFACE {
            return Err(ipv6_limit_exceeded());
        }

        let rng = &mut self.rng;
        let Some(subnet) = self.subnets.get_mut(&subnet_id) else {
            return Err(Ec2Error::SubnetNotFound(subnet_id));
        };
        let mut taken = Taken::default();
        let result = match subnet.ipv6.as_mut() {
            Some(block) => take_ipv6(&mut block.pool, rng, req, &mut taken),
            None => Err(no_ipv6(&subnet_id)),
        };
        if let Err(e) = result {
            taken.give_back(subnet);
            return Err(e);
        }
        if dry_run {
            taken.give_back(subnet);
            return Err(Ec2Error::DryRunOperation);
        }

        let Some(eni) = self.network_interfaces.get_mut(id) else {
            return Err(Ec2Error::NetworkInterfaceNotFound(id.to_owned()));
        };
        eni.ipv6_addresses
            .extend(taken.v6.iter().map(|&address| Ipv6Address {
                address,
                is_primary: false,
            }));
        eni.ipv6_prefixes.extend(taken.v6_prefixes.iter().copied());
        Ok(AddressSet {
            addresses: taken.v6,
            prefixes: taken.v6_prefixes,
        })
    }

    /// UnassignIpv6Addresses: addresses and prefixes go back to the subnet's /64 at once.
    pub fn unassign_ipv6_addresses(
        &mut self,
        id: &str,
        req: &AddressSet<Ipv6Addr, Ipv6Net>,
        dry_run: bool,
    ) -> Ec2Result<()> {
        let eni = self.network_interface(id)?;
        let subnet_id = eni.subnet_id.clone();
        if self.subnet(&subnet_id)?.ipv6.is_none() {
            return Err(no_ipv6(&subnet_id));
        }
        for ip in &req.addresses {
            match eni.ipv6_addresses.iter().find(|a| a.address == *ip) {
                None => return Err(addresses_not_assigned(id)),
                // The API reference: a primary IPv6 address stays "until the instance is
                // terminated or the network interface is detached".
                Some(a) if a.is_primary => {
                    return Err(Ec2Error::InvalidParameterValue(format!(
                        "Value ({ip}) for parameter ipv6Addresses is invalid. The primary IPv6 address of a network interface cannot be unassigned."
                    )))
                }
                Some(_) => {}
            }
        }
        if req.prefixes.iter().any(|p| !eni.ipv6_prefixes.contains(p)) {
            return Err(prefixes_not_assigned(id));
        }
        if dry_run {
            return Err(Ec2Error::DryRunOperation);
        }
        if let Some(eni) = self.network_interfaces.get_mut(id) {
            eni.ipv6_addresses
                .retain(|a| !req.addresses.contains(&a.address));
            eni.ipv6_prefixes.retain(|p| !req.prefixes.contains(p));
        }
        if let Some(subnet) = self.subnets.get_mut(&subnet_id) {
            Taken {
                v6: req.addresses.clone(),
                v6_prefixes: req.prefixes.clone(),
                ..Taken::default()
            }
            .give_back(subnet);
        }
        Ok(())
    }

    /// The interface of `subnet_id` holding `ip` individually, and whether as its primary.
    fn ipv4_holder(&self, subnet_id: &str, ip: Ipv4Addr) -> Option<(&NetworkInterface, bool)> {
        self.network_interfaces
            .values()
            .filter(|e| e.subnet_id == subnet_id)
            .find_map(|e| {
                e.private_ips
                    .iter()
                    .find(|p| p.address == ip)
                    .map(|p| (&**e, p.primary))
            })
    }
}

/// Takes the free explicit addresses, the explicit prefixes, then the counted ones, recording
/// each in `taken`; returns the counted addresses. Explicit ones go first so a random pick
/// never takes an address the same request names.
fn take_ipv4(
    subnet: &mut crate::model::subnets::Subnet,
    rng: &mut rand::rngs::StdRng,
    free: &[Ipv4Addr],
    req: &PrivateIpAssignment,
    taken: &mut Taken,
) -> Ec2Result<Vec<Ipv4Addr>> {
    for &ip in free {
        // Free of interfaces, but possibly inside a prefix delegated to one: InUse.
        subnet.pool.allocate(ip).map_err(|e| address_error(ip, e))?;
        taken.v4.push(ip);
    }
    for &prefix in &req.prefixes {
        subnet
            .pool
            .allocate_prefix(prefix)
            .map_err(|e| prefix_error(prefix.to_string(), IPV4_PREFIX_LEN, e))?;
        taken.v4_prefixes.push(prefix);
    }
    let mut counted = Vec::new();
    if req.count > 0 {
        counted = subnet
            .pool
            .allocate_many(req.count, rng)
            .map_err(|_| exhausted())?;
        taken.v4.extend(&counted);
    }
    if req.prefix_count > 0 {
        let prefixes = subnet
            .pool
            .allocate_prefixes(req.prefix_count, rng)
            .map_err(|_| exhausted())?;
        taken.v4_prefixes.extend(prefixes);
    }
    Ok(counted)
}

/// The IPv6 counterpart of [`take_ipv4`]; everything taken is in `taken`.
fn take_ipv6(
    pool: &mut crate::model::allocator::Ipv6Pool,
    rng: &mut rand::rngs::StdRng,
    req: &Ipv6Assignment,
    taken: &mut Taken,
) -> Ec2Result<()> {
    for &ip in &req.addresses {
        pool.allocate(ip).map_err(|e| address_error(ip, e))?;
        taken.v6.push(ip);
    }
    for &prefix in &req.prefixes {
        pool.allocate_prefix(prefix)
            .map_err(|e| prefix_error(prefix.to_string(), IPV6_PREFIX_LEN, e))?;
        taken.v6_prefixes.push(prefix);
    }
    if req.count > 0 {
        let ips = pool
            .allocate_many(req.count, rng)
            .map_err(|_| exhausted())?;
        taken.v6.extend(ips);
    }
    if req.prefix_count > 0 {
        let prefixes = pool
            .allocate_prefixes(req.prefix_count, rng)
            .map_err(|_| exhausted())?;
        taken.v6_prefixes.extend(prefixes);
    }
    Ok(())
}
