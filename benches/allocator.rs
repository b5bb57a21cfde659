//! Allocation cost of `Ipv4Pool` on a /16 at several fill levels.
//!
//! Each timed iteration allocates one address (or /28) and releases it again, so the fill
//! level stays constant for the whole measurement.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use ec2_mock::model::allocator::Ipv4Pool;
use ipnet::Ipv4Net;
use rand::rngs::StdRng;
use rand::SeedableRng;

fn slash16() -> Ipv4Net {
    "10.0.0.0/16".parse().expect("valid cidr")
}

/// A /16 pool with `fill` addresses already allocated individually.
fn pool_with_addresses(fill: u32) -> Ipv4Pool {
    let mut pool = Ipv4Pool::new(slash16());
    let mut rng = StdRng::seed_from_u64(42);
    pool.allocate_many(fill as usize, &mut rng)
        .expect("fill level fits in the subnet");
    pool
}

/// A /16 pool with `fill` /28 prefixes already delegated.
fn pool_with_prefixes(fill: u32) -> Ipv4Pool {
    let mut pool = Ipv4Pool::new(slash16());
    let mut rng = StdRng::seed_from_u64(42);
    pool.allocate_prefixes(fill as usize, &mut rng)
        .expect("fill level fits in the subnet");
    pool
}

fn bench_addresses(c: &mut Criterion) {
    let usable = Ipv4Pool::new(slash16()).available();
    let mut group = c.benchmark_group("ipv4_allocate_any_release");
    group
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500))
        .sample_size(30);
    let levels = [
        ("0%", 0),
        ("50%", usable / 2),
        ("99%", usable * 99 / 100),
        ("last_free", usable - 1),
    ];
    for (name, fill) in levels {
        let mut pool = pool_with_addresses(fill);
        let mut rng = StdRng::seed_from_u64(7);
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| {
                let ip = pool.allocate_any(&mut rng).expect("one address is free");
                pool.release(black_box(ip));
            })
        });
        assert_eq!(pool.available(), usable - fill);
    }
    group.finish();
}

fn bench_prefixes(c: &mut Criterion) {
    let usable = Ipv4Pool::new(slash16()).available_prefixes();
    let mut group = c.benchmark_group("ipv4_allocate_prefix_any_release");
    group
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500))
        .sample_size(30);
    for (name, fill) in [("0%", 0), ("50%", usable / 2)] {
        let mut pool = pool_with_prefixes(fill);
        let mut rng = StdRng::seed_from_u64(7);
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| {
                let net = pool.allocate_prefix_any(&mut rng).expect("a /28 is free");
                pool.release_prefix(black_box(net));
            })
        });
        assert_eq!(pool.available_prefixes(), usable - fill);
    }
    group.finish();
}

criterion_group!(benches, bench_addresses, bench_prefixes);
criterion_main!(benches);
