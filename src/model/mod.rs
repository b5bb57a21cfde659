//! The network world: plain data per (account, region), with no HTTP or XML types.
//!
//! [`Backend`] maps each (account, region) to its own [`World`], created on first use with
//! the default VPC, subnets and security group that every real AWS account has. Operations
//! are `impl World` blocks, one file per resource family; each checks everything before it
//! changes anything, so a refused request leaves the world exactly as it was.

pub mod allocator;
pub mod filters;
pub mod ids;
pub mod interface_addresses;
pub mod interface_attributes;
pub mod interface_permissions;
pub mod network_interfaces;
pub mod regions;
pub mod security_groups;
pub mod snapshot;
pub mod subnets;
pub mod tagging;
pub mod tags;
pub mod vpcs;
pub mod world;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

pub use world::World;

use snapshot::{AccountSnapshot, CheckedSnapshot, LoadError, Snapshot, WorldSummary};

use regions::Region;

/// The key of a world: (account ID, region name).
type WorldKey = (String, &'static str);

/// All worlds of one server.
#[derive(Debug)]
pub struct Backend {
    seed: u64,
    /// What a reset returns a world to: the `--init` worlds; any other world restarts as a
    /// new account does. Kept built, so a reset is a copy and cannot fail.
    baseline: HashMap<WorldKey, World>,
    // Held only to find or create a world, never across an await or while a world works.
    worlds: Mutex<HashMap<WorldKey, Arc<Mutex<World>>>>,
}

impl Backend {
    /// A backend whose worlds draw IDs, MACs and addresses from generators derived from `seed`.
    pub fn new(seed: u64) -> Self {
        Backend {
            seed,
            baseline: HashMap::new(),
            worlds: Mutex::new(HashMap::new()),
        }
    }

    /// A backend whose reset baseline is `init`, starting from `current` (a state file's
    /// worlds) if given, else from `init`. Every world is built before the backend exists,
    /// so a snapshot that does not load leaves nothing half-loaded behind.
    pub fn with_state(
        seed: u64,
        init: Option<&CheckedSnapshot>,
        current: Option<&CheckedSnapshot>,
    ) -> Result<Self, LoadError> {
        let build = |snapshot: &CheckedSnapshot| -> Result<HashMap<WorldKey, World>, LoadError> {
            let mut worlds = HashMap::new();
            for (account, region, world) in snapshot.snapshot().worlds()? {
                let seed = world_seed(seed, account, region.name);
                let world = World::import(account, region, world, seed)?;
                worlds.insert((account.to_owned(), region.name), world);
            }
            Ok(worlds)
        };
        let baseline = match init {
            Some(init) => build(init)?,
            None => HashMap::new(),
        };
        let start = match current {
            Some(current) => build(current)?,
            None => baseline.clone(),
        };
        let worlds = start
            .into_iter()
            .map(|(key, world)| (key, Arc::new(Mutex::new(world))))
            .collect();
        Ok(Backend {
            seed,
            baseline,
            worlds: Mutex::new(worlds),
        })
    }

    /// The world of one account in one region, created with its defaults on first use.
    pub fn world(&self, account_id: &str, region: &'static Region) -> Arc<Mutex<World>> {
        let mut worlds = lock(&self.worlds);
        worlds
            .entry((account_id.to_owned(), region.name))
            .or_insert_with(|| Arc::new(Mutex::new(self.fresh_world(account_id, region))))
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
            ),
        }
    }

    /// Returns the worlds that `filter` selects to their state at startup (`--init`, else a
    /// new account's); returns their keys. A reset world draws the same IDs as at startup.
    pub fn reset(&self, filter: &WorldFilter) -> Vec<(String, &'static str)> {
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
                    worlds.insert(key.clone(), Arc::new(Mutex::new(world.clone())));
                }
                None => {
                    // Recreated on first use, exactly as a world nobody had used yet.
                    worlds.remove(key);
                }
            }
        }
        keys
    }

    /// The worlds `filter` selects (those in use or loaded at start), in the `--init` format.
    pub fn export(&self, filter: &WorldFilter) -> Snapshot {
        let mut snapshot = Snapshot::default();
        for world in self.selected(filter) {
            let world = lock(&world);
            let account = world.account_id.clone();
            let exported = world.export();
            if snapshot.accounts.get(&account).is_none() {
                snapshot
                    .accounts
                    .0
                    .push((account.clone(), AccountSnapshot::default()));
            }
            if let Some((_, entry)) = snapshot.accounts.0.iter_mut().find(|(a, _)| *a == account) {
                entry
                    .regions
                    .0
                    .push((world.region.name.to_owned(), exported));
            }
        }
        snapshot
    }

    /// Resource counts of the worlds `filter` selects.
    pub fn summary(&self, filter: &WorldFilter) -> Vec<WorldSummary> {
        self.selected(filter)
            .into_iter()
            .map(|world| lock(&world).summary())
            .collect()
    }

    /// Handles of the selected worlds, sorted by account and region; the map lock is released
    /// before any world is locked.
    fn selected(&self, filter: &WorldFilter) -> Vec<Arc<Mutex<World>>> {
        let worlds = lock(&self.worlds);
        let mut chosen: Vec<(&WorldKey, &Arc<Mutex<World>>)> = worlds
            .iter()
            .filter(|((account, region), _)| filter.selects(account, region))
            .collect();
        chosen.sort_by(|a, b| a.0.cmp(b.0));
        chosen.into_iter().map(|(_, w)| w.clone()).collect()
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

/// Locks a mutex, recovering the data if a previous holder panicked: world operations check
/// before they mutate, so the data behind a poisoned lock is still consistent.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A stable per-world seed (FNV-1a), so a seeded run is reproducible across Rust versions.
fn world_seed(seed: u64, account_id: &str, region: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for b in account_id.bytes().chain([0]).chain(region.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}
