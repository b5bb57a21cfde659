//! Actions: one typed request per EC2 action, parsed from [`Params`], run against a [`World`].
//!
//! Each handler reads every parameter it knows, lets [`Call::finish`] refuse the rest with
//! `UnknownParameter`, validates, calls the model (which honours `DryRun` after its own
//! checks), and renders the reply. The [`ACTIONS`] table is the single list of what is routed.

pub mod common;
pub mod interface_addresses;
pub mod interface_attributes;
pub mod interface_permissions;
pub mod network_interfaces;
pub mod regions;
pub mod security_groups;
pub mod subnets;
pub mod tags;
pub mod vpcs;

use crate::error::{Ec2Error, Ec2Result};
use crate::model::World;
use crate::wire::params::{Params, Scope};
use crate::wire::xml::{success_document, XmlWriter};

/// One request as an action handler sees it.
pub struct Call<'a> {
    pub action: &'static str,
    pub params: &'a Params,
    pub request_id: &'a str,
}

impl<'a> Call<'a> {
    pub fn root(&self) -> Scope<'a> {
        self.params.root()
    }

    /// Refuses parameters no reader consumed; call after parsing, before acting.
    pub fn finish(&self) -> Ec2Result<()> {
        self.params.finish()
    }

    /// The success document for this action.
    pub fn reply(&self, body: impl FnOnce(&mut XmlWriter)) -> Vec<u8> {
        success_document(self.action, self.request_id, body)
    }
}

pub type Handler = fn(&Call<'_>, &mut World) -> Ec2Result<Vec<u8>>;

/// Every action this server routes, by wire name. Anything else answers `InvalidAction`.
pub const ACTIONS: &[(&str, Handler)] = &[
    (
        "AssignIpv6Addresses",
        interface_addresses::assign_ipv6_addresses,
    ),
    (
        "AssignPrivateIpAddresses",
        interface_addresses::assign_private_ip_addresses,
    ),
    (
        "AuthorizeSecurityGroupEgress",
        security_groups::authorize_security_group_egress,
    ),
    (
        "AuthorizeSecurityGroupIngress",
        security_groups::authorize_security_group_ingress,
    ),
    (
        "CreateNetworkInterface",
        network_interfaces::create_network_interface,
    ),
    (
        "CreateNetworkInterfacePermission",
        interface_permissions::create_network_interface_permission,
    ),
    (
        "CreateSecurityGroup",
        security_groups::create_security_group,
    ),
    ("CreateSubnet", subnets::create_subnet),
    ("CreateTags", tags::create_tags),
    ("CreateVpc", vpcs::create_vpc),
    (
        "DeleteNetworkInterface",
        network_interfaces::delete_network_interface,
    ),
    (
        "DeleteNetworkInterfacePermission",
        interface_permissions::delete_network_interface_permission,
    ),
    (
        "DeleteSecurityGroup",
        security_groups::delete_security_group,
    ),
    ("DeleteSubnet", subnets::delete_subnet),
    ("DeleteTags", tags::delete_tags),
    ("DeleteVpc", vpcs::delete_vpc),
    (
        "DescribeAvailabilityZones",
        regions::describe_availability_zones,
    ),
    (
        "DescribeNetworkInterfaceAttribute",
        interface_attributes::describe_network_interface_attribute,
    ),
    (
        "DescribeNetworkInterfacePermissions",
        interface_permissions::describe_network_interface_permissions,
    ),
    (
        "DescribeNetworkInterfaces",
        network_interfaces::describe_network_interfaces,
    ),
    ("DescribeRegions", regions::describe_regions),
    (
        "DescribeSecurityGroups",
        security_groups::describe_security_groups,
    ),
    ("DescribeSubnets", subnets::describe_subnets),
    ("DescribeTags", tags::describe_tags),
    ("DescribeVpcs", vpcs::describe_vpcs),
    (
        "ModifyNetworkInterfaceAttribute",
        interface_attributes::modify_network_interface_attribute,
    ),
    ("ModifySubnetAttribute", subnets::modify_subnet_attribute),
    (
        "ResetNetworkInterfaceAttribute",
        interface_attributes::reset_network_interface_attribute,
    ),
    (
        "RevokeSecurityGroupEgress",
        security_groups::revoke_security_group_egress,
    ),
    (
        "RevokeSecurityGroupIngress",
        security_groups::revoke_security_group_ingress,
    ),
    (
        "UnassignIpv6Addresses",
        interface_addresses::unassign_ipv6_addresses,
    ),
    (
        "UnassignPrivateIpAddresses",
        interface_addresses::unassign_private_ip_addresses,
    ),
];

/// The handler and canonical name of an action, or EC2's error for a missing/unknown one.
pub fn route(action: Option<&str>) -> Ec2Result<(&'static str, Handler)> {
    let action = match action {
        None | Some("") => return Err(Ec2Error::MissingAction),
        Some(a) => a,
    };
    ACTIONS
        .iter()
        .find(|(name, _)| *name == action)
        .map(|(name, handler)| (*name, *handler))
        .ok_or_else(|| Ec2Error::InvalidAction(action.to_owned()))
}
