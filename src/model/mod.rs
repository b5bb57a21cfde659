//! The network world: plain data per (account, region), with no HTTP or XML types.
//!
//! [`Backend`] maps each (account, region) to its own [`World`], created on first use with
//! the default VPC, subnets and security group that every real AWS account has. Operations
//! are `impl World` blocks, one file per resource family. Every change goes through tables
//! and pools that record how to undo it, so [`World::transaction`] makes each request
//! all-or-nothing without the operations having to clean up after themselves.
//!
//! The model imports nothing from the layers around it (actions, server, wire, state, admin,
//! auth, embed); `../shared/tools/importgraph.py` checks that.

pub mod allocator;
pub mod attachments;
pub mod clock;
pub mod dhcp_options;
pub mod elastic_ips;
pub mod filters;
pub mod ids;
pub mod images;
pub mod instance_types;
pub mod instances;
pub mod interface_addresses;
pub mod interface_attributes;
pub mod interface_permissions;
pub mod internet_gateways;
pub mod network_acls;
pub mod network_interfaces;
pub mod prefix_lists;
pub mod random;
pub mod regions;
pub mod restore;
pub mod route_tables;
pub mod security_groups;
pub mod subnets;
pub mod table;
pub mod tagging;
pub mod tags;
pub mod vpcs;
pub mod world;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

pub use world::World;

use clock::Clock;
use regions::Region;

use crate::kinds::Kind;

/// The key of a world: (account ID, region name).
pub type WorldKey = (String, &'static str);

/// A world behind its lock: reads share it, changes take it alone.
pub type WorldHandle = Arc<RwLock<World>>;

/// All worlds of one server.
#[derive(Debug)]
pub struct Backend {
    seed: u64,
    /// The clock every new world starts with.
    clock: Clock,
    /// What a reset returns a world to: the `--init` worlds; any other world restarts as a
    /// new account does. Kept built, so a reset is a copy and cannot fail.
    baseline: HashMap<WorldKey, World>,
    // Held only to find or create a world, never across an await or while a world works.
    worlds: Mutex<HashMap<WorldKey, WorldHandle>>,
}

impl Backend {
    /// A backend whose worlds draw IDs, MACs and addresses from streams derived from `seed`.
    pub fn new(seed: u64, clock: Clock) -> Self {
        Backend::with_worlds(seed, clock, HashMap::new(), None)
    }

    /// A backend whose reset baseline is `baseline` (the `--init` worlds), starting from
    /// `current` (a state file's worlds) if given, else from the baseline.
    pub fn with_worlds(
        seed: u64,
        clock: Clock,
        baseline: HashMap<WorldKey, World>,
        current: Option<HashMap<WorldKey, World>>,
    ) -> Self {
        let start = current.unwrap_or_else(|| baseline.clone());
        let worlds = start
            .into_iter()
            .map(|(key, world)| (key, Arc::new(RwLock::new(world))))
            .collect();
        Backend {
            seed,
            clock,
            baseline,
            worlds: Mutex::new(worlds),
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The world of one account in one region, created with its defaults on first use.
    pub fn world(&self, account_id: &str, region: &'static Region) -> WorldHandle {
        let mut worlds = lock(&self.worlds);
        worlds
            .entry((account_id.to_owned(), region.name))
            .or_insert_with(|| Arc::new(RwLock::new(self.fresh_world(account_id, region))))
            .clone()
    }

    /// A world as the server started it: its `--init` version, else a new account's.
    fn fresh_world(&self, account_id: &str, region: &'static Region) -> World {
        match self.baseline.get(&(account_id.to_owned(), region.name)) {
            Some(world) => world.clone(),
            None => World::new(
                account_id,
                region,
                world_seed(self.seed, account_id, region.name),
                self.clock.fresh(),
            ),
        }
    }

    /// Returns the worlds that `filter` selects to their state at startup (`--init`, else a
    /// new account's); returns their keys. A reset world draws the same IDs as at startup.
    pub fn reset(&self, filter: &WorldFilter) -> Vec<WorldKey> {
        let mut worlds = lock(&self.worlds);
        let mut keys: Vec<WorldKey> = worlds
            .keys()
            .chain(self.baseline.keys())
            .filter(|(account, region)| filter.selects(account, region))
            .cloned()
            .collect();
        keys.sort();
        keys.dedup();
        for key in &keys {
            // A new handle, not new contents behind the old one: a request still holding the
            // old world finishes on it, as if it had run just before the reset.
            match self.baseline.get(key) {
                Some(world) => {
                    worlds.insert(key.clone(), Arc::new(RwLock::new(world.clone())));
                }
                None => {
                    // Recreated on first use, exactly as a world nobody had used yet.
                    worlds.remove(key);
                }
            }
        }
        keys
    }

    /// Handles of the worlds `filter` selects (those in use or loaded at start), sorted by
    /// account and region; the map lock is released before any world is locked.
    pub fn selected(&self, filter: &WorldFilter) -> Vec<WorldHandle> {
        let worlds = lock(&self.worlds);
        let mut chosen: Vec<(&WorldKey, &WorldHandle)> = worlds
            .iter()
            .filter(|((account, region), _)| filter.selects(account, region))
            .collect();
        chosen.sort_by(|a, b| a.0.cmp(b.0));
        chosen.into_iter().map(|(_, w)| w.clone()).collect()
    }

    /// Resource counts of the worlds `filter` selects.
    pub fn summary(&self, filter: &WorldFilter) -> Vec<WorldSummary> {
        self.selected(filter)
            .into_iter()
            .map(|world| read(&world).summary())
            .collect()
    }
}

/// Which worlds an admin request means: all, one account's, one region's, or one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorldFilter {
    pub account_id: Option<String>,
    pub region: Option<&'static str>,
}

impl WorldFilter {
    fn selects(&self, account: &str, region: &str) -> bool {
        self.account_id.as_deref().map_or(true, |a| a == account)
            && self.region.map_or(true, |r| r == region)
    }
}

/// Resource counts of one world, for the admin summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorldSummary {
    pub account: String,
    pub region: String,
    /// Per kind counted in the summary (`crate::kinds`), in the table's order.
    pub kinds: Vec<(&'static str, usize)>,
    pub private_ip_addresses: usize,
    pub ipv6_addresses: usize,
}

impl World {
    /// How many resources of `kind` this world has (0 for kinds it keeps no table of).
    pub fn count(&self, kind: Kind) -> usize {
        match kind {
            Kind::Vpc => self.vpcs.len(),
            Kind::Subnet => self.subnets.len(),
            Kind::SecurityGroup => self.security_groups.len(),
            Kind::SecurityGroupRule => self.rule_groups.len(),
            Kind::NetworkInterface => self.network_interfaces.len(),
            Kind::NetworkInterfacePermission => self.interface_permissions.len(),
            Kind::DhcpOptions => self.dhcp_options.len(),
            Kind::RouteTable => self.route_tables.len(),
            Kind::InternetGateway => self.internet_gateways.len(),
            Kind::EgressOnlyInternetGateway => self.egress_only_internet_gateways.len(),
            Kind::NetworkAcl => self.network_acls.len(),
            Kind::PrefixList => self
                .prefix_lists
                .values()
                .filter(|p| !p.aws_managed)
                .count(),
            Kind::VpcCidrAssociation
            | Kind::SubnetCidrAssociation
            | Kind::NetworkInterfaceAttachment
            | Kind::RouteTableAssociation
            | Kind::NetworkAclAssociation
            | Kind::Reservation
            | Kind::ElasticIpAssociation => 0,
            Kind::Instance => self.visible_instances().count(),
            Kind::ElasticIp => self.elastic_ips.len(),
            // The catalogue's images are not the account's resources.
            Kind::Image => 0,
        }
    }

    /// Resource counts, for the admin summary.
    pub fn summary(&self) -> WorldSummary {
        WorldSummary {
            account: self.account_id.clone(),
            region: self.region.name.to_owned(),
            kinds: crate::kinds::KINDS
                .iter()
                .filter_map(|k| k.summary.map(|name| (name, self.count(k.kind))))
                .collect(),
            private_ip_addresses: self
                .network_interfaces
                .values()
                .map(|e| e.private_ips.len())
                .sum(),
            ipv6_addresses: self
                .network_interfaces
                .values()
                .map(|e| e.ipv6_addresses.len())
                .sum(),
        }
    }
}

/// Locks a mutex, recovering the data if a previous holder panicked.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Takes a world for reading. A lock poisoned by a panic mid-change is taken for writing
/// first, to roll back what the panicking request left half-done.
pub fn read(world: &RwLock<World>) -> RwLockReadGuard<'_, World> {
    if world.is_poisoned() {
        drop(write(world));
    }
    world
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Takes a world for changing, rolling back any transaction a panic left open.
pub fn write(world: &RwLock<World>) -> RwLockWriteGuard<'_, World> {
    let mut guard = world.write().unwrap_or_else(|poisoned| {
        let guard = poisoned.into_inner();
        world.clear_poison();
        guard
    });
    guard.recover();
    guard
}

/// A stable per-world seed (FNV-1a), so a seeded run is reproducible across Rust versions.
pub fn world_seed(seed: u64, account_id: &str, region: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for b in account_id.bytes().chain([0]).chain(region.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}
