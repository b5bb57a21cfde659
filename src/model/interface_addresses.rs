//! Addresses and prefixes added to or taken from an existing interface (Assign/Unassign).
//!
//! Each method checks the request against the interface, takes from (or gives back to) the
//! subnet's pools and changes the interface; a refusal at any point is rolled back whole by
//! the request's transaction.

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{Ipv4Net, Ipv6Net};

use crate::error::{AddressProblem, Ec2Error, Ec2Result};
use crate::model::allocator::Wanted;
use crate::model::ids::{NetworkInterfaceId, SubnetId};
use crate::model::network_interfaces::{InterfaceType, Ipv6Address, NetworkInterface, PrivateIp};
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
    Other(NetworkInterfaceId),
}

/// The real EC2 wording, as client code matches it (an ENI IP controller treating it as
/// "already unassigned", and a VPC service's branch-ENI release path).
fn addresses_not_assigned(id: &NetworkInterfaceId) -> Ec2Error {
    Ec2Error::InvalidParameterValue(format!(
        "Some of the specified addresses are not assigned to interface {id}"
    ))
}

fn prefixes_not_assigned(id: &NetworkInterfaceId) -> Ec2Error {
    Ec2Error::InvalidParameterValue(format!(
        "Some of the specified prefixes are not assigned to interface {id}"
    ))
}

fn efa_only_refused(id: &NetworkInterfaceId) -> Ec2Error {
    Ec2Error::InvalidParameterValue(format!(
        "EFA-only network interfaces do not support IP addresses: {id} is an efa-only interface"
    ))
}

/// Sums requested amounts without overflow: a count of 2^63 must still read as "too many".
pub fn total(parts: &[usize]) -> u64 {
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
    ) -> Ec2Result<AddressSet<Ipv4Addr, Ipv4Net>> {
        let eni = self.network_interface(id)?.clone();
        let id = eni.id;
        if eni.interface_type == InterfaceType::EfaOnly {
            return Err(efa_only_refused(&id));
        }
        let subnet = self.subnet(&eni.subnet_id.to_string())?.clone();
        let held = total(&[eni.private_ips.len(), eni.ipv4_prefixes.len()]);

        // Every explicit address is judged first: the shape errors (outside, reserved), then
        // who holds it. Addresses that may not move are reported together, as EC2 does.
        let pool_reserved = |ip: Ipv4Addr| {
            self.ipv4_pools
                .get(&subnet.id)
                .is_some_and(|p| p.is_reserved(ip))
        };
        let mut holders = Vec::with_capacity(req.addresses.len());
        let mut refused_moves = Vec::new();
        for &ip in &req.addresses {
            if !subnet.cidr.contains(&ip) {
                return Err(address_problem(ip, AddressProblem::OutsideSubnet));
            }
            if pool_reserved(ip) {
                return Err(address_problem(ip, AddressProblem::Reserved));
            }
            let Some((holder, primary)) = self.ipv4_holder(subnet.id, ip) else {
                holders.push(Holder::Free);
                continue;
            };
            if !req.allow_reassignment {
                refused_moves.push(ip.to_string());
            } else if primary {
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "Address {ip} is the primary private IP address of {holder} and cannot be reassigned"
                )));
            } else if holder == id {
                holders.push(Holder::This);
            } else {
                holders.push(Holder::Other(holder));
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
        if held.saturating_add(wanted) > self.address_limits(&eni).0 {
            return Err(Ec2Error::PrivateIpAddressLimitExceeded);
        }

        // Free of interfaces, but possibly inside a prefix delegated to one: InUse.
        let free: Vec<Ipv4Addr> = req
            .addresses
            .iter()
            .zip(&holders)
            .filter(|(_, h)| matches!(h, Holder::Free))
            .map(|(ip, _)| *ip)
            .collect();
        let took = self.take_v4(
            subnet.id,
            &Wanted {
                addresses: &free,
                prefixes: &req.prefixes,
                counts: &[req.count],
                prefix_count: req.prefix_count,
            },
        )?;
        let counted = &took.counted[0];

        for (ip, holder) in req.addresses.iter().zip(&holders) {
            if let Holder::Other(other) = holder {
                self.network_interfaces.update(other, |o| {
                    o.private_ips.retain(|p| p.address != *ip);
                });
            }
        }
        let arrivals: Vec<PrivateIp> = req
            .addresses
            .iter()
            .zip(&holders)
            .filter(|(_, h)| !matches!(h, Holder::This))
            .map(|(ip, _)| *ip)
            .chain(counted.iter().copied())
            .map(|address| PrivateIp {
                address,
                primary: false,
                association: None,
            })
            .collect();
        self.network_interfaces.update(&id, |e| {
            e.private_ips.extend(arrivals);
            e.ipv4_prefixes.extend(took.prefixes.iter().copied());
        });
        Ok(AddressSet {
            addresses: req.addresses.iter().chain(counted).copied().collect(),
            prefixes: took.prefixes,
        })
    }

    /// UnassignPrivateIpAddresses: secondaries and prefixes go back to the subnet at once.
    pub fn unassign_private_ip_addresses(
        &mut self,
        id: &str,
        req: &AddressSet<Ipv4Addr, Ipv4Net>,
    ) -> Ec2Result<()> {
        let eni = self.network_interface(id)?.clone();
        for ip in &req.addresses {
            match eni.private_ips.iter().find(|p| p.address == *ip) {
                None => return Err(addresses_not_assigned(&eni.id)),
                Some(p) if p.primary => {
                    return Err(Ec2Error::InvalidParameterValue(format!(
                        "Value ({ip}) for parameter privateIpAddress is invalid. The primary private IP address of a network interface cannot be unassigned."
                    )))
                }
                Some(_) => {}
            }
        }
        if req.prefixes.iter().any(|p| !eni.ipv4_prefixes.contains(p)) {
            return Err(prefixes_not_assigned(&eni.id));
        }
        self.network_interfaces.update(&eni.id, |e| {
            e.private_ips
                .retain(|p| !req.addresses.contains(&p.address));
            e.ipv4_prefixes.retain(|p| !req.prefixes.contains(p));
        });
        for &ip in &req.addresses {
            self.ipv4_pools.release(&eni.subnet_id, ip);
        }
        for &p in &req.prefixes {
            self.ipv4_pools.release_prefix(&eni.subnet_id, p);
        }
        Ok(())
    }

    /// AssignIpv6Addresses: addresses (explicit or counted) or /80 prefixes from the
    /// subnet's /64. IPv6 addresses are never moved between interfaces.
    pub fn assign_ipv6_addresses(
        &mut self,
        id: &str,
        req: &Ipv6Assignment,
    ) -> Ec2Result<AddressSet<Ipv6Addr, Ipv6Net>> {
        let eni = self.network_interface(id)?.clone();
        if eni.interface_type == InterfaceType::EfaOnly {
            return Err(efa_only_refused(&eni.id));
        }
        let held = total(&[eni.ipv6_addresses.len(), eni.ipv6_prefixes.len()]);
        self.subnet_with_ipv6(eni.subnet_id)?;
        let wanted = total(&[
            req.addresses.len(),
            req.count,
            req.prefixes.len(),
            req.prefix_count,
        ]);
        let limit = self.address_limits(&eni).1;
        if held.saturating_add(wanted) > limit {
            return Err(Ec2Error::Ipv6AddressLimitExceeded { limit });
        }
        let took = self.take_v6(
            eni.subnet_id,
            &Wanted {
                addresses: &req.addresses,
                prefixes: &req.prefixes,
                counts: &[req.count],
                prefix_count: req.prefix_count,
            },
        )?;
        let addresses: Vec<Ipv6Addr> = req
            .addresses
            .iter()
            .chain(&took.counted[0])
            .copied()
            .collect();
        self.network_interfaces.update(&eni.id, |e| {
            e.ipv6_addresses
                .extend(addresses.iter().map(|&address| Ipv6Address {
                    address,
                    is_primary: false,
                }));
            e.ipv6_prefixes.extend(took.prefixes.iter().copied());
        });
        Ok(AddressSet {
            addresses,
            prefixes: took.prefixes,
        })
    }

    /// UnassignIpv6Addresses: addresses and prefixes go back to the subnet's /64 at once.
    pub fn unassign_ipv6_addresses(
        &mut self,
        id: &str,
        req: &AddressSet<Ipv6Addr, Ipv6Net>,
    ) -> Ec2Result<()> {
        let eni = self.network_interface(id)?.clone();
        self.subnet_with_ipv6(eni.subnet_id)?;
        for ip in &req.addresses {
            match eni.ipv6_addresses.iter().find(|a| a.address == *ip) {
                None => return Err(addresses_not_assigned(&eni.id)),
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
            return Err(prefixes_not_assigned(&eni.id));
        }
        self.network_interfaces.update(&eni.id, |e| {
            e.ipv6_addresses
                .retain(|a| !req.addresses.contains(&a.address));
            e.ipv6_prefixes.retain(|p| !req.prefixes.contains(p));
        });
        for &ip in &req.addresses {
            self.ipv6_pools.release(&eni.subnet_id, ip);
        }
        for &p in &req.prefixes {
            self.ipv6_pools.release_prefix(&eni.subnet_id, p);
        }
        Ok(())
    }

    /// The subnet, which must have an IPv6 block.
    fn subnet_with_ipv6(&self, subnet: SubnetId) -> Ec2Result<()> {
        match self.subnets.get(&subnet) {
            Some(s) if s.ipv6.is_some() => Ok(()),
            Some(_) => Err(Ec2Error::SubnetHasNoIpv6 {
                subnet_id: subnet.to_string(),
            }),
            None => Err(crate::model::ids::ResourceId::not_found(&subnet)),
        }
    }

    /// The interface of `subnet` holding `ip` individually, and whether as its primary.
    fn ipv4_holder(&self, subnet: SubnetId, ip: Ipv4Addr) -> Option<(NetworkInterfaceId, bool)> {
        self.network_interfaces
            .values()
            .filter(|e| e.subnet_id == subnet)
            .find_map(|e: &std::sync::Arc<NetworkInterface>| {
                e.private_ips
                    .iter()
                    .find(|p| p.address == ip)
                    .map(|p| (e.id, p.primary))
            })
    }
}

fn address_problem(ip: Ipv4Addr, problem: AddressProblem) -> Ec2Error {
    Ec2Error::AddressUnavailable {
        address: ip.to_string(),
        prefix: false,
        problem,
        holder: None,
    }
}
