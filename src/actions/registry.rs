//! The one list of actions, and the dispatcher that runs one.
//!
//! Each line of [`REGISTRY`] names an action once, with whether it reads or changes a world.
//! Dispatch, persistence (which writes only after a changing action), the README's action
//! list test and the fuzz target all read it. An action EC2 has but this server does not
//! implement answers `UnsupportedOperation` naming it; a name EC2 does not have at all
//! answers `InvalidAction` (`src/data/ec2_actions.txt` is the list of EC2's names).

use crate::actions::{
    account, addresses as eips, attachments as attach, dhcp_options as dhcp, instances,
    interface_addresses as addresses, interface_attributes as attributes,
    interface_permissions as permissions, internet_gateways as igw, network_acls as acls,
    network_interfaces as interfaces, prefix_lists as pls, regions, route_tables as rtb,
    security_group_rules as rules, security_groups as groups, subnets, tags, vpcs, Action, Call,
    Global, Read, Write,
};
use crate::error::{Ec2Error, Ec2Result};
use crate::model::regions::Region;
use crate::model::{read, write, Backend};
use crate::wire::params::Params;
use crate::wire::xml::success_document;

/// How an action uses a world.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Needs none (the region table).
    Global,
    /// Reads the caller's world under its shared lock.
    Read,
    /// Changes the caller's world under its exclusive lock.
    Write,
}

/// One request as the dispatcher sees it: its parameters and the caller's world.
pub struct Invocation<'a> {
    pub params: &'a Params,
    pub request_id: &'a str,
    pub backend: &'a Backend,
    pub account_id: &'a str,
    pub region: &'static Region,
}

type Runner = fn(&'static str, &Invocation<'_>) -> Ec2Result<Vec<u8>>;

/// One registered action.
pub struct Entry {
    pub name: &'static str,
    pub access: Access,
    run: Runner,
}

impl Entry {
    /// Whether a success changed state (and must be persisted).
    pub fn mutates(&self) -> bool {
        self.access == Access::Write
    }

    /// Parses, runs and renders the request: its reply body, or its EC2 error.
    pub fn run(&self, invocation: &Invocation<'_>) -> Ec2Result<Vec<u8>> {
        (self.run)(self.name, invocation)
    }
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("name", &self.name)
            .field("access", &self.access)
            .finish()
    }
}

const fn global<A: Global>(name: &'static str) -> Entry {
    Entry {
        name,
        access: Access::Global,
        run: run_global::<A>,
    }
}

const fn reads<A: Read>(name: &'static str) -> Entry {
    Entry {
        name,
        access: Access::Read,
        run: run_read::<A>,
    }
}

const fn writes<A: Write>(name: &'static str) -> Entry {
    Entry {
        name,
        access: Access::Write,
        run: run_write::<A>,
    }
}

/// Every action this server implements, sorted by name (a test checks the order).
pub static REGISTRY: &[Entry] = &[
    writes::<eips::AllocateAddress>("AllocateAddress"),
    writes::<addresses::AssignIpv6Addresses>("AssignIpv6Addresses"),
    writes::<addresses::AssignPrivateIpAddresses>("AssignPrivateIpAddresses"),
    writes::<eips::AssociateAddress>("AssociateAddress"),
    writes::<dhcp::AssociateDhcpOptions>("AssociateDhcpOptions"),
    writes::<rtb::AssociateRouteTable>("AssociateRouteTable"),
    writes::<igw::AttachInternetGateway>("AttachInternetGateway"),
    writes::<attach::AttachNetworkInterface>("AttachNetworkInterface"),
    writes::<groups::AuthorizeEgress>("AuthorizeSecurityGroupEgress"),
    writes::<groups::AuthorizeIngress>("AuthorizeSecurityGroupIngress"),
    writes::<dhcp::CreateDhcpOptions>("CreateDhcpOptions"),
    writes::<igw::CreateEgressOnlyInternetGateway>("CreateEgressOnlyInternetGateway"),
    writes::<igw::CreateInternetGateway>("CreateInternetGateway"),
    writes::<pls::CreateManagedPrefixList>("CreateManagedPrefixList"),
    writes::<acls::CreateNetworkAcl>("CreateNetworkAcl"),
    writes::<acls::CreateNetworkAclEntry>("CreateNetworkAclEntry"),
    writes::<interfaces::CreateNetworkInterface>("CreateNetworkInterface"),
    writes::<permissions::CreateNetworkInterfacePermission>("CreateNetworkInterfacePermission"),
    writes::<rtb::CreateRoute>("CreateRoute"),
    writes::<rtb::CreateRouteTable>("CreateRouteTable"),
    writes::<groups::CreateSecurityGroup>("CreateSecurityGroup"),
    writes::<subnets::CreateSubnet>("CreateSubnet"),
    writes::<tags::CreateTags>("CreateTags"),
    writes::<vpcs::CreateVpc>("CreateVpc"),
    writes::<dhcp::DeleteDhcpOptions>("DeleteDhcpOptions"),
    writes::<igw::DeleteEgressOnlyInternetGateway>("DeleteEgressOnlyInternetGateway"),
    writes::<igw::DeleteInternetGateway>("DeleteInternetGateway"),
    writes::<pls::DeleteManagedPrefixList>("DeleteManagedPrefixList"),
    writes::<acls::DeleteNetworkAcl>("DeleteNetworkAcl"),
    writes::<acls::DeleteNetworkAclEntry>("DeleteNetworkAclEntry"),
    writes::<interfaces::DeleteNetworkInterface>("DeleteNetworkInterface"),
    writes::<permissions::DeleteNetworkInterfacePermission>("DeleteNetworkInterfacePermission"),
    writes::<rtb::DeleteRoute>("DeleteRoute"),
    writes::<rtb::DeleteRouteTable>("DeleteRouteTable"),
    writes::<groups::DeleteSecurityGroup>("DeleteSecurityGroup"),
    writes::<subnets::DeleteSubnet>("DeleteSubnet"),
    writes::<tags::DeleteTags>("DeleteTags"),
    writes::<vpcs::DeleteVpc>("DeleteVpc"),
    reads::<account::DescribeAccountAttributes>("DescribeAccountAttributes"),
    reads::<eips::DescribeAddresses>("DescribeAddresses"),
    global::<regions::DescribeAvailabilityZones>("DescribeAvailabilityZones"),
    reads::<dhcp::DescribeDhcpOptions>("DescribeDhcpOptions"),
    reads::<igw::DescribeEgressOnlyInternetGateways>("DescribeEgressOnlyInternetGateways"),
    reads::<instances::DescribeInstanceStatus>("DescribeInstanceStatus"),
    reads::<instances::DescribeInstances>("DescribeInstances"),
    reads::<igw::DescribeInternetGateways>("DescribeInternetGateways"),
    reads::<pls::DescribeManagedPrefixLists>("DescribeManagedPrefixLists"),
    reads::<acls::DescribeNetworkAcls>("DescribeNetworkAcls"),
    reads::<attributes::DescribeNetworkInterfaceAttribute>("DescribeNetworkInterfaceAttribute"),
    reads::<permissions::DescribeNetworkInterfacePermissions>(
        "DescribeNetworkInterfacePermissions",
    ),
    reads::<interfaces::DescribeNetworkInterfaces>("DescribeNetworkInterfaces"),
    reads::<pls::DescribePrefixLists>("DescribePrefixLists"),
    global::<regions::DescribeRegions>("DescribeRegions"),
    reads::<rtb::DescribeRouteTables>("DescribeRouteTables"),
    reads::<rules::DescribeSecurityGroupRules>("DescribeSecurityGroupRules"),
    reads::<groups::DescribeSecurityGroups>("DescribeSecurityGroups"),
    reads::<subnets::DescribeSubnets>("DescribeSubnets"),
    reads::<tags::DescribeTags>("DescribeTags"),
    reads::<vpcs::DescribeVpcAttribute>("DescribeVpcAttribute"),
    reads::<vpcs::DescribeVpcs>("DescribeVpcs"),
    writes::<igw::DetachInternetGateway>("DetachInternetGateway"),
    writes::<attach::DetachNetworkInterface>("DetachNetworkInterface"),
    writes::<eips::DisassociateAddress>("DisassociateAddress"),
    writes::<rtb::DisassociateRouteTable>("DisassociateRouteTable"),
    reads::<pls::GetManagedPrefixListEntries>("GetManagedPrefixListEntries"),
    writes::<pls::ModifyManagedPrefixList>("ModifyManagedPrefixList"),
    writes::<attributes::ModifyNetworkInterfaceAttribute>("ModifyNetworkInterfaceAttribute"),
    writes::<rules::ModifySecurityGroupRules>("ModifySecurityGroupRules"),
    writes::<subnets::ModifySubnetAttribute>("ModifySubnetAttribute"),
    writes::<vpcs::ModifyVpcAttribute>("ModifyVpcAttribute"),
    writes::<instances::RebootInstances>("RebootInstances"),
    writes::<eips::ReleaseAddress>("ReleaseAddress"),
    writes::<acls::ReplaceNetworkAclAssociation>("ReplaceNetworkAclAssociation"),
    writes::<acls::ReplaceNetworkAclEntry>("ReplaceNetworkAclEntry"),
    writes::<rtb::ReplaceRoute>("ReplaceRoute"),
    writes::<rtb::ReplaceRouteTableAssociation>("ReplaceRouteTableAssociation"),
    writes::<attributes::ResetNetworkInterfaceAttribute>("ResetNetworkInterfaceAttribute"),
    writes::<groups::RevokeEgress>("RevokeSecurityGroupEgress"),
    writes::<groups::RevokeIngress>("RevokeSecurityGroupIngress"),
    writes::<instances::RunInstances>("RunInstances"),
    writes::<instances::StartInstances>("StartInstances"),
    writes::<instances::StopInstances>("StopInstances"),
    writes::<instances::TerminateInstances>("TerminateInstances"),
    writes::<addresses::UnassignIpv6Addresses>("UnassignIpv6Addresses"),
    writes::<addresses::UnassignPrivateIpAddresses>("UnassignPrivateIpAddresses"),
    writes::<rules::UpdateDescriptionsEgress>("UpdateSecurityGroupRuleDescriptionsEgress"),
    writes::<rules::UpdateDescriptionsIngress>("UpdateSecurityGroupRuleDescriptionsIngress"),
];

/// Every action name of the EC2 API (botocore's model), sorted; see
/// `src/data/gen_ec2_actions.py`.
static EC2_ACTIONS: &str = include_str!("../data/ec2_actions.txt");

/// Whether EC2 itself has an action of this name.
pub fn is_ec2_action(name: &str) -> bool {
    EC2_ACTIONS.lines().any(|n| n == name)
}

/// The entry for `action`, or EC2's error for a missing, unimplemented or unknown one.
pub fn lookup(action: Option<&str>) -> Ec2Result<&'static Entry> {
    let action = match action {
        None | Some("") => return Err(Ec2Error::MissingAction),
        Some(a) => a,
    };
    match REGISTRY.binary_search_by(|e| e.name.cmp(action)) {
        Ok(i) => Ok(&REGISTRY[i]),
        Err(_) if is_ec2_action(action) => Err(Ec2Error::NotImplemented(action.to_owned())),
        Err(_) => Err(Ec2Error::InvalidAction(action.to_owned())),
    }
}

/// Reads `DryRun` (when the action takes it) and the action's own parameters, refuses the
/// rest, and checks the stateless rules: everything before any world is touched.
fn parse<A: Action>(params: &Params) -> Ec2Result<(A, bool)> {
    let call = Call::new(params);
    let dry_run = if A::DRY_RUN {
        call.root().bool("DryRun")?.unwrap_or(false)
    } else {
        false
    };
    let action = A::parse(&call)?;
    // Every action calls `finish` itself, before its own checks; this one is the net
    // under an action that forgot.
    call.finish()?;
    Ok((action, dry_run))
}

fn reply<A: Action>(name: &'static str, inv: &Invocation<'_>, output: &A::Output) -> Vec<u8> {
    success_document(name, inv.request_id, |w| A::render(output, w))
}

fn run_global<A: Global>(name: &'static str, inv: &Invocation<'_>) -> Ec2Result<Vec<u8>> {
    let (action, dry_run) = parse::<A>(inv.params)?;
    let output = action.answer(inv.region)?;
    if dry_run {
        return Err(Ec2Error::DryRunOperation);
    }
    Ok(reply::<A>(name, inv, &output))
}

fn run_read<A: Read>(name: &'static str, inv: &Invocation<'_>) -> Ec2Result<Vec<u8>> {
    let (action, dry_run) = parse::<A>(inv.params)?;
    let world = inv.backend.world(inv.account_id, inv.region);
    let world = read(&world);
    world.tick();
    let output = action.read(&world)?;
    if dry_run {
        return Err(Ec2Error::DryRunOperation);
    }
    Ok(reply::<A>(name, inv, &output))
}

fn run_write<A: Write>(name: &'static str, inv: &Invocation<'_>) -> Ec2Result<Vec<u8>> {
    let (action, dry_run) = parse::<A>(inv.params)?;
    let world = inv.backend.world(inv.account_id, inv.region);
    let mut world = write(&world);
    world.tick();
    let output = world.transaction(dry_run, |w| action.write(w))?;
    drop(world);
    Ok(reply::<A>(name, inv, &output))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_is_sorted_and_every_name_is_ec2s() {
        for pair in REGISTRY.windows(2) {
            assert!(
                pair[0].name < pair[1].name,
                "{} >= {}",
                pair[0].name,
                pair[1].name
            );
        }
        for entry in REGISTRY {
            assert!(
                is_ec2_action(entry.name),
                "{} is not an EC2 action",
                entry.name
            );
        }
    }

    #[test]
    fn unknown_and_unimplemented_actions_differ() {
        assert!(lookup(Some("CreateVpc")).is_ok());
        assert_eq!(
            lookup(Some("CreateVpnGateway")).unwrap_err(),
            Ec2Error::NotImplemented("CreateVpnGateway".into())
        );
        assert_eq!(
            lookup(Some("CreateVpcc")).unwrap_err(),
            Ec2Error::InvalidAction("CreateVpcc".into())
        );
        assert_eq!(lookup(None).unwrap_err(), Ec2Error::MissingAction);
    }

    #[test]
    fn the_action_list_is_sorted_and_whole() {
        let names: Vec<&str> = EC2_ACTIONS.lines().collect();
        assert!(names.len() > 800, "{}", names.len());
        assert!(names.windows(2).all(|w| w[0] < w[1]));
    }
}
