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
pub mod subnets;
pub mod tagging;
pub mod tags;
pub mod vpcs;
pub mod world;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

pub use world::World;

use regions::Region;

/// The key of a world: (account ID, region name).
type WorldKey = (String, &'static str);

/// All worlds of one server.
#[derive(Debug)]
pub struct Backend {
    seed: u64,
    // Held only to find or create a world, never across an await or while a world works.
    worlds: Mutex<HashMap<WorldKey, Arc<Mutex<World>>>>,
}

impl Backend {
    /// A backend whose worlds draw IDs, MACs and addresses from generators derived from `seed`.
    pub fn new(seed: u64) -> Self {
        Backend {
            seed,
            worlds: Mutex::new(HashMap::new()),
        }
    }

    /// The world of one account in one region, created with its defaults on first use.
    pub fn world(&self, account_id: &str, region: &'static Region) -> Arc<Mutex<World>> {
        let mut worlds = lock(&self.worlds);
        worlds
            .entry((account_id.to_owned(), region.name))
            .or_insert_with(|| {
                let seed = world_seed(self.seed, account_id, region.name);
                Arc::new(Mutex::new(World::new(account_id, region, seed)))
            })
            .clone()
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
