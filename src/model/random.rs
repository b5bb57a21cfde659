//! A world's seeded random streams: one per resource kind for IDs, one for automatically
//! chosen addresses, one for MAC addresses and one for placement (a subnet's zone).
//!
//! Separate streams keep seeded IDs stable as ec2-mock grows: a new kind of resource, or a
//! new default resource drawn at world creation, draws from its own stream and never shifts
//! the IDs that users' seeded tests already see. Each stream is seeded from the world's seed
//! and the stream's name (the kind's ID prefix, or `addresses`, `macs`, `placement`), never
//! from its position, so adding a kind cannot reseed the others.
//!
//! Xoshiro256++ (32 bytes of state) rather than `StdRng` (about 320): a transaction saves and
//! restores every stream, and each world has about a dozen of them.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::kinds::{Kind, KIND_COUNT};

/// Which stream a draw comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Id(Kind),
    Addresses,
    Macs,
    Placement,
}

impl Stream {
    /// The stable name the stream's seed is derived from.
    fn name(self) -> &'static str {
        match self {
            Stream::Id(kind) => kind.prefix(),
            Stream::Addresses => "addresses",
            Stream::Macs => "macs",
            Stream::Placement => "placement",
        }
    }

    fn all() -> impl Iterator<Item = Stream> {
        Kind::all()
            .map(Stream::Id)
            .chain([Stream::Addresses, Stream::Macs, Stream::Placement])
    }

    fn index(self) -> usize {
        match self {
            Stream::Id(kind) => kind.index(),
            Stream::Addresses => KIND_COUNT,
            Stream::Macs => KIND_COUNT + 1,
            Stream::Placement => KIND_COUNT + 2,
        }
    }
}

const STREAMS: usize = KIND_COUNT + 3;

/// Every stream of one world.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Streams {
    streams: [Xoshiro256PlusPlus; STREAMS],
}

impl Streams {
    pub fn new(seed: u64) -> Self {
        let mut seeds = [0u64; STREAMS];
        for stream in Stream::all() {
            seeds[stream.index()] = mix(seed, fnv1a(stream.name()));
        }
        Streams {
            streams: seeds.map(Xoshiro256PlusPlus::seed_from_u64),
        }
    }

    pub fn get(&mut self, stream: Stream) -> &mut Xoshiro256PlusPlus {
        &mut self.streams[stream.index()]
    }
}

/// FNV-1a of a stream's name: stable across Rust versions and builds.
fn fnv1a(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Combines the world's seed with a stream number (SplitMix64's finaliser), so neighbouring
/// seeds and stream numbers give unrelated streams.
fn mix(seed: u64, stream: u64) -> u64 {
    let mut z = seed ^ stream.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_are_reproducible_and_independent() {
        let mut a = Streams::new(7);
        let mut b = Streams::new(7);
        let x: u64 = a.get(Stream::Id(Kind::Vpc)).gen();
        // Drawing from another stream first changes nothing for this one.
        let _: u64 = b.get(Stream::Id(Kind::Subnet)).gen();
        let y: u64 = b.get(Stream::Id(Kind::Vpc)).gen();
        assert_eq!(x, y);
        let z: u64 = Streams::new(7).get(Stream::Id(Kind::Subnet)).gen();
        assert_ne!(x, z);
    }
}
