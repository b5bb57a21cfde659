//! Actions: one typed request per EC2 action, read from the parameters with no lock held,
//! run against a world, and rendered after the world's lock is released.
//!
//! Every action is a struct implementing [`Action`] (parse, validate, render) and one of
//! [`Global`] (needs no world), [`Read`] (runs under the world's shared lock) or [`Write`]
//! (runs under its exclusive lock, in a transaction). [`registry::REGISTRY`] names each
//! action once and is the only place dispatch, persistence, the README test and the fuzz
//! target learn what exists. The dispatcher (`registry`) reads `DryRun`, and for a changing
//! action runs every check and rolls the transaction back before answering
//! `DryRunOperation`, so no action handles DryRun itself.

pub mod account;
pub mod addresses;
pub mod attachments;
pub mod common;
pub mod describe;
pub mod dhcp_options;
pub mod instances;
pub mod interface_addresses;
pub mod interface_attributes;
pub mod interface_permissions;
pub mod internet_gateways;
pub mod network_acls;
pub mod network_interfaces;
pub mod prefix_lists;
pub mod regions;
pub mod registry;
pub mod route_tables;
pub mod security_group_rules;
pub mod security_groups;
pub mod subnets;
pub mod tags;
pub mod vpcs;

use crate::error::Ec2Result;
use crate::model::regions::Region;
use crate::model::World;
use crate::wire::params::{Params, Scope};
use crate::wire::xml::XmlWriter;

/// The parameters of one request, as an action's `parse` reads them.
pub struct Call<'a> {
    params: &'a Params,
}

impl<'a> Call<'a> {
    pub fn new(params: &'a Params) -> Self {
        Call { params }
    }

    /// A reader over the top-level parameters; every read marks its key as used.
    pub fn root(&self) -> Scope<'a> {
        self.params.root()
    }

    /// Refuses parameters no reader consumed (`UnknownParameter`): call after reading every
    /// parameter, before checking any rule, so a typo is reported as such.
    pub fn finish(&self) -> Ec2Result<()> {
        self.params.finish()
    }

    /// The request's own parameters (not protocol keys, not `exclude`) as one canonical
    /// string, so that two requests can be compared for idempotency.
    pub fn fingerprint(&self, exclude: &[&str]) -> String {
        self.params.fingerprint(exclude)
    }
}

/// What every action has: a typed request read from the parameters, and a typed output
/// rendered as the reply's body.
pub trait Action: Sized {
    /// Owned data or `Arc`s of model objects: rendered after the world's lock is released.
    type Output;

    /// Whether the action takes `DryRun` (every action does but a few Describe calls whose
    /// model lacks it, which then answer it `UnknownParameter`).
    const DRY_RUN: bool = true;

    /// Reads every parameter the action knows (only their types are checked while
    /// reading), calls [`Call::finish`] to refuse the rest, then checks the rules that need
    /// no world: parameter combinations, ranges, formats. No lock is held.
    fn parse(call: &Call<'_>) -> Ec2Result<Self>;

    /// The elements of the reply after `requestId`.
    fn render(output: &Self::Output, w: &mut XmlWriter);
}

/// An action that needs no world (the region table).
pub trait Global: Action {
    fn answer(self, region: &'static Region) -> Ec2Result<Self::Output>;
}

/// An action that reads a world, under its shared lock.
pub trait Read: Action {
    fn read(self, world: &World) -> Ec2Result<Self::Output>;
}

/// An action that changes a world, under its exclusive lock, in a transaction: an error
/// undoes everything it did.
pub trait Write: Action {
    fn write(self, world: &mut World) -> Ec2Result<Self::Output>;
}
