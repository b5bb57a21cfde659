//! The one place ec2-mock reads time and randomness from the outside world: the wall clock,
//! a monotonic stopwatch for latencies, and a random seed when `--seed` is not given.
//!
//! Everything else has them injected: worlds get a clock (`model::clock::Clock`) and a seed,
//! the server a seeded request-ID generator. `clippy.toml` forbids `SystemTime::now`,
//! `Instant::now`, `thread_rng` and `rand::random` everywhere else, so a seeded run cannot
//! pick up a stray source of nondeterminism.

use std::time::{Duration, Instant, SystemTime};

/// The current wall-clock time.
#[allow(clippy::disallowed_methods)] // The one sanctioned read of the wall clock.
pub fn wall_clock() -> SystemTime {
    SystemTime::now()
}

/// A seed for a run that was given none.
#[allow(clippy::disallowed_methods)] // The one sanctioned draw from the OS's randomness.
pub fn random_seed() -> u64 {
    rand::random()
}

/// Measures how long something took (request latencies in the log).
#[derive(Debug, Clone, Copy)]
pub struct Stopwatch(Instant);

impl Stopwatch {
    #[allow(clippy::disallowed_methods)] // Latency measurement, never part of a reply.
    pub fn start() -> Self {
        Stopwatch(Instant::now())
    }

    pub fn elapsed(&self) -> Duration {
        self.0.elapsed()
    }
}
