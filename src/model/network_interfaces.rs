//! Network interfaces: their addresses, prefixes, groups and attributes.

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{Ipv4Net, Ipv6Net};

use crate::model::regions::Zone;
use crate::model::tags::Tags;
use crate::model::World;

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
    pub group_ids: Vec<String>,
    pub source_dest_check: bool,
    pub connection_tracking: Option<ConnectionTracking>,
    pub operator_principal: Option<String>,
    pub client_token: Option<String>,
    pub tags: Tags,
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

impl World {
    /// IDs of the interfaces that have this security group.
    pub fn interfaces_using_group(&self, group_id: &str) -> Vec<&str> {
        self.network_interfaces
            .values()
            .filter(|eni| eni.group_ids.iter().any(|g| g == group_id))
            .map(|eni| eni.id.as_str())
            .collect()
    }
}
