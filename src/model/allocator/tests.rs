//! The allocator's unit and property tests (both families and the bitmap).

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{Ipv4Net, Ipv6Net};

use super::bits::Bits;
use super::*;
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::SeedableRng;
use std::collections::HashSet;

fn v4(s: &str) -> Ipv4Addr {
    s.parse().expect("test address")
}
fn n4(s: &str) -> Ipv4Net {
    s.parse().expect("test net")
}
fn v6(s: &str) -> Ipv6Addr {
    s.parse().expect("test address")
}
fn n6(s: &str) -> Ipv6Net {
    s.parse().expect("test net")
}
fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

// ---------------- IPv4 unit tests ----------------

#[test]
fn many_addresses_form_one_run_from_a_random_start() {
    let mut pool = Ipv4Pool::new("10.0.2.0/24".parse().unwrap());
    let mut rng = StdRng::seed_from_u64(3);
    let ips = pool.allocate_many(4, &mut rng).unwrap();
    let offs: Vec<u32> = ips.iter().map(|ip| u32::from(*ip) & 0xff).collect();
    // Consecutive, except where the run wraps past the reserved top and bottom.
    for w in offs.windows(2) {
        assert!(w[1] == w[0] + 1 || (w[0] == 254 && w[1] == 4), "{offs:?}");
    }
    assert_eq!(pool.available(), 251 - 4);
}

#[test]
fn slash28_has_eleven_usable() {
    let mut pool = Ipv4Pool::new(n4("10.0.0.16/28"));
    assert_eq!(pool.available(), 11);
    assert_eq!(pool.available_prefixes(), 0);
    let mut r = rng(1);
    let mut seen = HashSet::new();
    for _ in 0..11 {
        let ip = pool.allocate_any(&mut r).expect("free address");
        let last = ip.octets()[3];
        assert!((20..=30).contains(&last), "{ip} is reserved");
        assert!(seen.insert(ip));
        assert!(pool.is_allocated(ip));
    }
    assert_eq!(pool.available(), 0);
    assert_eq!(pool.allocate_any(&mut r), Err(AllocError::Exhausted));
    assert_eq!(pool.allocate_prefix_any(&mut r), Err(AllocError::Exhausted));
}

#[test]
fn specific_allocate_errors() {
    let mut pool = Ipv4Pool::new(n4("10.0.1.0/24"));
    assert_eq!(pool.available(), 251);
    assert_eq!(
        pool.allocate(v4("10.0.2.5")),
        Err(AllocError::OutsideSubnet)
    );
    for last in [0u8, 1, 2, 3, 255] {
        let ip = Ipv4Addr::new(10, 0, 1, last);
        assert_eq!(pool.allocate(ip), Err(AllocError::Reserved));
        assert!(pool.is_reserved(ip));
        assert!(!pool.is_allocated(ip));
        assert!(!pool.release(ip));
    }
    assert_eq!(pool.allocate(v4("10.0.1.4")), Ok(()));
    assert_eq!(pool.allocate(v4("10.0.1.254")), Ok(()));
    assert_eq!(pool.allocate(v4("10.0.1.10")), Ok(()));
    assert_eq!(pool.allocate(v4("10.0.1.10")), Err(AllocError::InUse));
    assert_eq!(pool.available(), 248);
}

#[test]
fn release_makes_reusable() {
    let mut pool = Ipv4Pool::new(n4("10.0.1.0/24"));
    pool.allocate(v4("10.0.1.10")).expect("free");
    assert!(pool.release(v4("10.0.1.10")));
    assert!(!pool.release(v4("10.0.1.10")));
    assert!(!pool.release(v4("192.168.0.1")));
    assert_eq!(pool.available(), 251);
    assert_eq!(pool.allocate(v4("10.0.1.10")), Ok(()));

    // A full /28 becomes usable again after one release.
    let mut small = Ipv4Pool::new(n4("10.0.0.0/28"));
    let mut r = rng(3);
    let all = small.allocate_many(11, &mut r).expect("11 free");
    assert!(small.release(all[5]));
    assert_eq!(small.allocate_any(&mut r), Ok(all[5]));
}

#[test]
fn prefix_errors() {
    let mut pool = Ipv4Pool::new(n4("10.0.1.0/24"));
    assert_eq!(
        pool.allocate_prefix(n4("10.0.1.32/27")),
        Err(AllocError::Misaligned)
    );
    let host_bits = Ipv4Net::new(v4("10.0.1.17"), 28).expect("valid len");
    assert_eq!(pool.allocate_prefix(host_bits), Err(AllocError::Misaligned));
    assert_eq!(
        pool.allocate_prefix(n4("10.0.2.16/28")),
        Err(AllocError::OutsideSubnet)
    );
    assert_eq!(
        pool.allocate_prefix(n4("10.0.1.0/28")),
        Err(AllocError::Reserved)
    );
    assert_eq!(
        pool.allocate_prefix(n4("10.0.1.240/28")),
        Err(AllocError::Reserved)
    );
    pool.allocate(v4("10.0.1.40")).expect("free");
    assert_eq!(
        pool.allocate_prefix(n4("10.0.1.32/28")),
        Err(AllocError::InUse)
    );
    assert_eq!(pool.allocate_prefix(n4("10.0.1.48/28")), Ok(()));
    assert!(pool.is_prefix_delegated(n4("10.0.1.48/28")));
    assert_eq!(
        pool.allocate_prefix(n4("10.0.1.48/28")),
        Err(AllocError::InUse)
    );
    // Addresses inside a delegated prefix cannot be taken individually.
    assert_eq!(pool.allocate(v4("10.0.1.50")), Err(AllocError::InUse));
    assert!(!pool.is_allocated(v4("10.0.1.50")));
    assert!(!pool.release(v4("10.0.1.50")));
    assert_eq!(
        pool.delegated_prefix_of(v4("10.0.1.63")),
        Some(n4("10.0.1.48/28"))
    );
    assert_eq!(pool.available(), 251 - 1 - 16);
    assert_eq!(pool.available_prefixes(), 14 - 2);
    assert!(!pool.release_prefix(n4("10.0.1.64/28")));
    assert!(pool.release_prefix(n4("10.0.1.48/28")));
    assert!(!pool.release_prefix(n4("10.0.1.48/28")));
    assert_eq!(pool.allocate(v4("10.0.1.50")), Ok(()));
    assert_eq!(pool.available(), 251 - 2);
}

#[test]
fn prefixes_and_singles_never_overlap() {
    let mut pool = Ipv4Pool::new(n4("10.0.1.0/24"));
    let mut r = rng(11);
    let mut singles = Vec::new();
    let mut prefixes = Vec::new();
    loop {
        let a = pool.allocate_any(&mut r);
        let p = pool.allocate_prefix_any(&mut r);
        if let Ok(ip) = a {
            singles.push(ip);
        }
        if let Ok(net) = p {
            prefixes.push(net);
        }
        if a.is_err() && p.is_err() {
            break;
        }
    }
    for ip in &singles {
        assert!(!prefixes.iter().any(|p| p.contains(ip)), "{ip} overlaps");
    }
    assert_eq!(singles.len() + 16 * prefixes.len(), 251);
}

#[test]
fn allocate_many_is_all_or_nothing() {
    let mut pool = Ipv4Pool::new(n4("10.0.0.0/28"));
    let mut r = rng(5);
    assert_eq!(pool.allocate_many(12, &mut r), Err(AllocError::Exhausted));
    assert_eq!(pool.available(), 11);
    let got = pool.allocate_many(11, &mut r).expect("11 free");
    assert_eq!(got.iter().collect::<HashSet<_>>().len(), 11);
    assert_eq!(pool.allocate_many(0, &mut r), Ok(vec![]));

    let mut pool = Ipv4Pool::new(n4("10.0.1.0/24"));
    assert_eq!(pool.available_prefixes(), 14);
    assert_eq!(
        pool.allocate_prefixes(15, &mut r),
        Err(AllocError::Exhausted)
    );
    assert_eq!(pool.available_prefixes(), 14);
    assert_eq!(pool.delegated_prefixes(), 0);
    let got = pool.allocate_prefixes(14, &mut r).expect("14 free");
    assert_eq!(got.iter().collect::<HashSet<_>>().len(), 14);
    assert_eq!(pool.available(), 251 - 14 * 16);
}

#[test]
fn seeded_determinism() {
    let run = || {
        let mut pool = Ipv4Pool::new(n4("10.0.0.0/16"));
        let mut r = StdRng::seed_from_u64(7);
        let ips: Vec<_> = (0..100)
            .map(|_| pool.allocate_any(&mut r).expect("free"))
            .collect();
        let nets: Vec<_> = (0..20)
            .map(|_| pool.allocate_prefix_any(&mut r).expect("free"))
            .collect();
        (ips, nets)
    };
    assert_eq!(run(), run());
}

#[test]
fn fill_slash16_completely() {
    let mut pool = Ipv4Pool::new(n4("10.0.0.0/16"));
    let mut r = rng(9);
    assert_eq!(pool.available(), 65531);
    assert_eq!(pool.available_prefixes(), 4094);
    let mut seen = HashSet::new();
    for _ in 0..65531 {
        let ip = pool.allocate_any(&mut r).expect("free");
        assert!(seen.insert(ip));
    }
    assert_eq!(pool.allocate_any(&mut r), Err(AllocError::Exhausted));
    assert_eq!(pool.available_prefixes(), 0);
    assert!(!seen.contains(&v4("10.0.255.255")));
    assert!(!seen.contains(&v4("10.0.0.3")));

    let mut pool = Ipv4Pool::new(n4("10.0.0.0/16"));
    pool.allocate_prefixes(4094, &mut r).expect("4094 free");
    assert_eq!(pool.available(), 65531 - 4094 * 16);
    assert_eq!(pool.allocate_prefix_any(&mut r), Err(AllocError::Exhausted));
    let rest = pool.allocate_many(27, &mut r).expect("27 left");
    assert!(rest
        .iter()
        .all(|ip| ip.octets()[2] == 0 || ip.octets()[2] == 255));
}

// ---------------- IPv6 unit tests ----------------

#[test]
fn v6_reserved_and_errors() {
    let mut pool = Ipv6Pool::new(n6("2001:db8:1:2::/64"));
    for s in [
        "2001:db8:1:2::",
        "2001:db8:1:2::1",
        "2001:db8:1:2::2",
        "2001:db8:1:2::3",
        "2001:db8:1:2:ffff:ffff:ffff:ffff",
    ] {
        assert_eq!(pool.allocate(v6(s)), Err(AllocError::Reserved), "{s}");
        assert!(pool.is_reserved(v6(s)));
    }
    assert_eq!(
        pool.allocate(v6("2001:db8:1:3::10")),
        Err(AllocError::OutsideSubnet)
    );
    assert_eq!(pool.allocate(v6("2001:db8:1:2::4")), Ok(()));
    assert_eq!(pool.allocate(v6("2001:db8:1:2::4")), Err(AllocError::InUse));
    assert!(pool.is_allocated(v6("2001:db8:1:2::4")));
    assert_eq!(pool.in_use(), 1);
    assert!(pool.release(v6("2001:db8:1:2::4")));
    assert!(!pool.release(v6("2001:db8:1:2::4")));
    assert_eq!(pool.in_use(), 0);
    assert_eq!(pool.allocate(v6("2001:db8:1:2::4")), Ok(()));
}

#[test]
fn v6_allocate_any_and_determinism() {
    let run = || {
        let mut pool = Ipv6Pool::new(n6("2001:db8::/64"));
        let mut r = StdRng::seed_from_u64(7);
        let ips = pool.allocate_many(50, &mut r).expect("plenty");
        let nets = pool.allocate_prefixes(5, &mut r).expect("plenty");
        for ip in &ips {
            assert!(pool.cidr().contains(ip));
            assert!(!pool.is_reserved(*ip));
            assert!(!nets.iter().any(|n| n.contains(ip)));
        }
        assert_eq!(pool.in_use(), 50);
        (ips, nets)
    };
    assert_eq!(run(), run());
}

#[test]
fn v6_prefix_errors() {
    let mut pool = Ipv6Pool::new(n6("2001:db8::/64"));
    assert_eq!(pool.available_prefixes(), 65534);
    assert_eq!(
        pool.allocate_prefix(n6("2001:db8:0:0:1::/96")),
        Err(AllocError::Misaligned)
    );
    let host_bits = Ipv6Net::new(v6("2001:db8:0:0:1::5"), 80).expect("valid len");
    assert_eq!(pool.allocate_prefix(host_bits), Err(AllocError::Misaligned));
    assert_eq!(
        pool.allocate_prefix(n6("2001:db8:0:1:1::/80")),
        Err(AllocError::OutsideSubnet)
    );
    assert_eq!(
        pool.allocate_prefix(n6("2001:db8::/80")),
        Err(AllocError::Reserved)
    );
    assert_eq!(
        pool.allocate_prefix(n6("2001:db8:0:0:ffff::/80")),
        Err(AllocError::Reserved)
    );
    pool.allocate(v6("2001:db8:0:0:2::77")).expect("free");
    assert_eq!(
        pool.allocate_prefix(n6("2001:db8:0:0:2::/80")),
        Err(AllocError::InUse)
    );
    assert_eq!(pool.allocate_prefix(n6("2001:db8:0:0:3::/80")), Ok(()));
    assert!(pool.is_prefix_delegated(n6("2001:db8:0:0:3::/80")));
    assert_eq!(
        pool.allocate_prefix(n6("2001:db8:0:0:3::/80")),
        Err(AllocError::InUse)
    );
    assert_eq!(
        pool.allocate(v6("2001:db8:0:0:3::1234")),
        Err(AllocError::InUse)
    );
    assert_eq!(pool.available_prefixes(), 65534 - 2);
    assert!(pool.release_prefix(n6("2001:db8:0:0:3::/80")));
    assert!(!pool.release_prefix(n6("2001:db8:0:0:3::/80")));
    assert_eq!(pool.allocate(v6("2001:db8:0:0:3::1234")), Ok(()));
    // Releasing the last single in block 2 frees that block for delegation.
    assert!(pool.release(v6("2001:db8:0:0:2::77")));
    assert_eq!(pool.allocate_prefix(n6("2001:db8:0:0:2::/80")), Ok(()));
}

#[test]
fn v6_tiny_space_scan_fallback() {
    // A /125 has 8 addresses, 5 reserved: 3 usable.
    let mut pool = Ipv6Pool::new(n6("2001:db8::/125"));
    let mut r = rng(2);
    assert_eq!(pool.available(), 3);
    assert_eq!(pool.allocate_many(4, &mut r), Err(AllocError::Exhausted));
    let got = pool.allocate_many(3, &mut r).expect("3 free");
    let set: HashSet<_> = got.iter().collect();
    assert_eq!(set.len(), 3);
    for ip in &got {
        let last = ip.segments()[7];
        assert!((4..=6).contains(&last));
    }
    assert_eq!(pool.allocate_any(&mut r), Err(AllocError::Exhausted));
    assert_eq!(pool.allocate_prefix_any(&mut r), Err(AllocError::Exhausted));

    // A /78 holds 4 /80 blocks, 2 of them reserved.
    let mut pool = Ipv6Pool::new(n6("2001:db8::/78"));
    assert_eq!(pool.available_prefixes(), 2);
    assert_eq!(
        pool.allocate_prefixes(3, &mut r),
        Err(AllocError::Exhausted)
    );
    let nets = pool.allocate_prefixes(2, &mut r).expect("2 free");
    assert_ne!(nets[0], nets[1]);
    assert_eq!(pool.allocate_prefix_any(&mut r), Err(AllocError::Exhausted));
}

#[test]
fn v6_random_picks_avoid_delegated_blocks() {
    // In a /78, delegating both usable /80s leaves only the two reserved blocks, so about
    // half of all random candidates fall inside a delegated prefix.
    let mut pool = Ipv6Pool::new(n6("2001:db8::/78"));
    let mut r = rng(4);
    let nets = pool.allocate_prefixes(2, &mut r).expect("2 free");
    for _ in 0..500 {
        let ip = pool.allocate_any(&mut r).expect("plenty left");
        assert!(!nets.iter().any(|n| n.contains(&ip)), "{ip} is delegated");
    }
    assert_eq!(pool.available(), (1u128 << 50) - 5 - (2u128 << 48) - 500);
}

// ---------------- property tests ----------------

#[derive(Debug, Clone)]
enum Op4 {
    Alloc(u32),
    Any,
    Many(u8),
    PrefixAny,
    Prefix(u32),
    Prefixes(u8),
    Release(u32),
    ReleaseOwned(usize),
    ReleasePrefix(u32),
    ReleaseOwnedPrefix(usize),
}

fn op4() -> impl Strategy<Value = Op4> {
    prop_oneof![
        3 => any::<u32>().prop_map(Op4::Alloc),
        4 => Just(Op4::Any),
        1 => (0u8..6).prop_map(Op4::Many),
        2 => Just(Op4::PrefixAny),
        1 => any::<u32>().prop_map(Op4::Prefix),
        1 => (0u8..4).prop_map(Op4::Prefixes),
        1 => any::<u32>().prop_map(Op4::Release),
        3 => any::<usize>().prop_map(Op4::ReleaseOwned),
        1 => any::<u32>().prop_map(Op4::ReleasePrefix),
        1 => any::<usize>().prop_map(Op4::ReleaseOwnedPrefix),
    ]
}

struct Model4 {
    base: u32,
    size: u32,
    singles: HashSet<u32>,
    prefixes: HashSet<u32>,
}

impl Model4 {
    fn reserved(&self, off: u32) -> bool {
        off < 4 || off == self.size - 1
    }
    fn delegated(&self, off: u32) -> bool {
        self.prefixes.contains(&(off & !15))
    }
    fn free(&self, off: u32) -> bool {
        off < self.size
            && !self.reserved(off)
            && !self.singles.contains(&off)
            && !self.delegated(off)
    }
    fn free_count(&self) -> u32 {
        (0..self.size).filter(|&o| self.free(o)).count() as u32
    }
    fn block_free(&self, b: u32) -> bool {
        (b * 16..b * 16 + 16).all(|o| self.free(o))
    }
    fn free_blocks(&self) -> u32 {
        (0..self.size / 16).filter(|&b| self.block_free(b)).count() as u32
    }
    fn off(&self, ip: Ipv4Addr) -> u32 {
        u32::from(ip).wrapping_sub(self.base)
    }
    fn ip(&self, off: u32) -> Ipv4Addr {
        Ipv4Addr::from(self.base.wrapping_add(off))
    }
    fn net(&self, b: u32) -> Ipv4Net {
        Ipv4Net::new(self.ip(b * 16), 28).expect("valid len")
    }
}

fn check4(pool: &Ipv4Pool, m: &Model4) {
    let truth = m.size - 5 - m.singles.len() as u32 - 16 * m.prefixes.len() as u32;
    assert_eq!(pool.available(), truth);
    assert_eq!(pool.available(), m.free_count());
    assert_eq!(pool.available_prefixes(), m.free_blocks());
    assert_eq!(pool.delegated_prefixes(), m.prefixes.len() as u32);
    for off in 0..m.size {
        let ip = m.ip(off);
        assert_eq!(pool.is_allocated(ip), m.singles.contains(&off), "{ip}");
        assert_eq!(pool.is_free(ip), m.free(off), "{ip}");
    }
}

fn run4(cidr: Ipv4Net, seed: u64, ops: Vec<Op4>) {
    let mut pool = Ipv4Pool::new(cidr);
    let mut r = rng(seed);
    let mut m = Model4 {
        base: u32::from(cidr.network()),
        size: 1 << (32 - cidr.prefix_len()),
        singles: HashSet::new(),
        prefixes: HashSet::new(),
    };
    for op in ops {
        match op {
            Op4::Alloc(x) => {
                // Mostly inside, sometimes just outside the block.
                let off = x % (m.size + 8);
                let ip = m.ip(off);
                let expect = if off >= m.size {
                    Err(AllocError::OutsideSubnet)
                } else if m.reserved(off) {
                    Err(AllocError::Reserved)
                } else if !m.free(off) {
                    Err(AllocError::InUse)
                } else {
                    Ok(())
                };
                assert_eq!(pool.allocate(ip), expect);
                if expect.is_ok() {
                    m.singles.insert(off);
                }
            }
            Op4::Any => match pool.allocate_any(&mut r) {
                Ok(ip) => {
                    let off = m.off(ip);
                    assert!(m.free(off), "handed out {ip} which is not free");
                    m.singles.insert(off);
                }
                Err(e) => {
                    assert_eq!(e, AllocError::Exhausted);
                    assert_eq!(m.free_count(), 0);
                }
            },
            Op4::Many(n) => {
                let before = m.free_count();
                match pool.allocate_many(n as usize, &mut r) {
                    Ok(ips) => {
                        assert_eq!(ips.len(), n as usize);
                        for ip in ips {
                            let off = m.off(ip);
                            assert!(m.free(off), "handed out {ip} which is not free");
                            m.singles.insert(off);
                        }
                    }
                    Err(e) => {
                        assert_eq!(e, AllocError::Exhausted);
                        assert!(before < u32::from(n));
                    }
                }
            }
            Op4::PrefixAny => match pool.allocate_prefix_any(&mut r) {
                Ok(net) => {
                    let off = m.off(net.network());
                    assert_eq!(off % 16, 0);
                    assert!(m.block_free(off / 16), "delegated busy {net}");
                    m.prefixes.insert(off);
                }
                Err(e) => {
                    assert_eq!(e, AllocError::Exhausted);
                    assert_eq!(m.free_blocks(), 0);
                }
            },
            Op4::Prefix(x) => {
                let nb = m.size / 16;
                let b = x % (nb + 2);
                let net = m.net(b);
                let expect = if b >= nb {
                    Err(AllocError::OutsideSubnet)
                } else if b == 0 || b == nb - 1 {
                    Err(AllocError::Reserved)
                } else if !m.block_free(b) {
                    Err(AllocError::InUse)
                } else {
                    Ok(())
                };
                assert_eq!(pool.allocate_prefix(net), expect);
                if expect.is_ok() {
                    m.prefixes.insert(b * 16);
                }
            }
            Op4::Prefixes(n) => {
                let before = m.free_blocks();
                match pool.allocate_prefixes(n as usize, &mut r) {
                    Ok(nets) => {
                        assert_eq!(nets.len(), n as usize);
                        for net in nets {
                            let off = m.off(net.network());
                            assert!(m.block_free(off / 16));
                            m.prefixes.insert(off);
                        }
                    }
                    Err(e) => {
                        assert_eq!(e, AllocError::Exhausted);
                        assert!(before < u32::from(n));
                    }
                }
            }
            Op4::Release(x) => {
                let off = x % (m.size + 8);
                let expect = m.singles.remove(&off);
                assert_eq!(pool.release(m.ip(off)), expect);
            }
            Op4::ReleaseOwned(i) => {
                let mut owned: Vec<_> = m.singles.iter().copied().collect();
                owned.sort_unstable();
                if !owned.is_empty() {
                    let off = owned[i % owned.len()];
                    m.singles.remove(&off);
                    assert!(pool.release(m.ip(off)));
                    assert!(pool.is_free(m.ip(off)));
                }
            }
            Op4::ReleasePrefix(x) => {
                let b = x % (m.size / 16 + 2);
                let expect = m.prefixes.remove(&(b * 16));
                assert_eq!(pool.release_prefix(m.net(b)), expect);
            }
            Op4::ReleaseOwnedPrefix(i) => {
                let mut owned: Vec<_> = m.prefixes.iter().copied().collect();
                owned.sort_unstable();
                if !owned.is_empty() {
                    let off = owned[i % owned.len()];
                    m.prefixes.remove(&off);
                    assert!(pool.release_prefix(m.net(off / 16)));
                }
            }
        }
        check4(&pool, &m);
    }
}

fn small_v4() -> impl Strategy<Value = Ipv4Net> {
    prop_oneof![
        Just(n4("10.0.0.0/28")),
        Just(n4("10.0.0.192/27")),
        Just(n4("172.16.5.64/26")),
        Just(n4("192.168.7.0/24")),
    ]
}

#[derive(Debug, Clone)]
enum Op6 {
    Alloc(usize, usize),
    Any,
    PrefixAny,
    Prefix(usize),
    Release(usize, usize),
    ReleasePrefix(usize),
}

const BLOCKS6: [u128; 5] = [0, 1, 2, 3, 0xffff];
const LOWS6: [u128; 7] = [0, 1, 3, 4, 5, 0x1234, V6_BLOCK_MASK];

fn op6() -> impl Strategy<Value = Op6> {
    let b = 0..BLOCKS6.len();
    let l = 0..LOWS6.len();
    prop_oneof![
        3 => (b.clone(), l.clone()).prop_map(|(b, l)| Op6::Alloc(b, l)),
        2 => Just(Op6::Any),
        1 => Just(Op6::PrefixAny),
        2 => b.clone().prop_map(Op6::Prefix),
        2 => (b.clone(), l).prop_map(|(b, l)| Op6::Release(b, l)),
        1 => b.prop_map(Op6::ReleasePrefix),
    ]
}

fn run6(seed: u64, ops: Vec<Op6>) {
    let cidr = n6("2001:db8:0:7::/64");
    let base = u128::from(cidr.network());
    let mut pool = Ipv6Pool::new(cidr);
    let mut r = rng(seed);
    let mut singles: HashSet<u128> = HashSet::new();
    let mut prefixes: HashSet<u128> = HashSet::new();
    let addr = |b: usize, l: usize| base + (BLOCKS6[b] << 48) + LOWS6[l];
    let net =
        |b: usize| Ipv6Net::new(Ipv6Addr::from(base + (BLOCKS6[b] << 48)), 80).expect("valid len");
    let reserved = |v: u128| v - base < 4 || v == base + (u128::from(u64::MAX));
    let reserved_block = |blk: u128| blk == 0 || blk == 0xffff;
    for op in ops {
        match op {
            Op6::Alloc(b, l) => {
                let v = addr(b, l);
                let blk = v & !V6_BLOCK_MASK;
                let expect = if reserved(v) {
                    Err(AllocError::Reserved)
                } else if singles.contains(&v) || prefixes.contains(&blk) {
                    Err(AllocError::InUse)
                } else {
                    Ok(())
                };
                assert_eq!(pool.allocate(Ipv6Addr::from(v)), expect);
                if expect.is_ok() {
                    singles.insert(v);
                }
            }
            Op6::Any => {
                let ip = pool.allocate_any(&mut r).expect("huge space");
                let v = u128::from(ip);
                assert!(cidr.contains(&ip));
                assert!(!reserved(v));
                assert!(!prefixes.contains(&(v & !V6_BLOCK_MASK)));
                assert!(singles.insert(v));
            }
            Op6::PrefixAny => {
                let p = pool.allocate_prefix_any(&mut r).expect("huge space");
                let n = u128::from(p.network());
                assert!(cidr.contains(&p));
                assert!(!reserved_block((n - base) >> 48));
                assert!(!singles.iter().any(|&s| s & !V6_BLOCK_MASK == n));
                assert!(prefixes.insert(n));
            }
            Op6::Prefix(b) => {
                let n = base + (BLOCKS6[b] << 48);
                let expect = if reserved_block(BLOCKS6[b]) {
                    Err(AllocError::Reserved)
                } else if prefixes.contains(&n) || singles.iter().any(|&s| s & !V6_BLOCK_MASK == n)
                {
                    Err(AllocError::InUse)
                } else {
                    Ok(())
                };
                assert_eq!(pool.allocate_prefix(net(b)), expect);
                if expect.is_ok() {
                    prefixes.insert(n);
                }
            }
            Op6::Release(b, l) => {
                let v = addr(b, l);
                assert_eq!(pool.release(Ipv6Addr::from(v)), singles.remove(&v));
            }
            Op6::ReleasePrefix(b) => {
                let n = base + (BLOCKS6[b] << 48);
                assert_eq!(pool.release_prefix(net(b)), prefixes.remove(&n));
            }
        }
        assert_eq!(pool.in_use(), singles.len() as u64);
        assert_eq!(pool.delegated_prefixes(), prefixes.len());
        let truth = (1u128 << 64) - 5 - singles.len() as u128 - ((prefixes.len() as u128) << 48);
        assert_eq!(pool.available(), truth);
    }
}

fn naive_find(bits: &[bool], start: usize) -> Option<usize> {
    (start..bits.len())
        .chain(0..start.min(bits.len()))
        .find(|&i| bits[i])
}

fn run_bits(len: usize, full: bool, ops: Vec<(bool, usize, usize)>) {
    let mut b = if full {
        Bits::full(len)
    } else {
        Bits::empty(len)
    };
    let mut naive = vec![full; len];
    for (set, i, start) in ops {
        // Cluster indices so that whole words and summary words empty and refill.
        let i = (i % 200 + (i / 200 % 4) * (len / 4)) % len;
        if set {
            b.set(i);
        } else {
            b.clear(i);
        }
        naive[i] = set;
        let start = start % len;
        assert_eq!(b.find_wrapping(start), naive_find(&naive, start));
        assert_eq!(b.ones, naive.iter().filter(|&&x| x).count());
    }
    b.set(len + 5);
    assert!(!b.get(len + 5));
}

proptest! {
    #[test]
    fn prop_v4_matches_model(
        cidr in small_v4(),
        seed in any::<u64>(),
        ops in proptest::collection::vec(op4(), 1..120),
    ) {
        run4(cidr, seed, ops);
    }

    #[test]
    fn prop_v6_matches_model(
        seed in any::<u64>(),
        ops in proptest::collection::vec(op6(), 1..80),
    ) {
        run6(seed, ops);
    }

    #[test]
    fn prop_bits_match_naive(
        len in prop_oneof![Just(16usize), Just(100), Just(4096), Just(65536)],
        full in any::<bool>(),
        ops in proptest::collection::vec((any::<bool>(), any::<usize>(), any::<usize>()), 1..300),
    ) {
        run_bits(len, full, ops);
    }
}
