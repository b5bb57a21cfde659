//! Property test over the server's model: random sequences of create, assign, unassign and
//! delete on interfaces of one dual-stack subnet, with EC2's address invariants checked after
//! every step, and every refused (or dry-run) step shown to change nothing. Each step runs
//! in `World::transaction`, as the dispatcher runs every changing request.

use std::collections::HashSet;
use std::net::{Ipv4Addr, Ipv6Addr};

use ec2_mock::error::Ec2Result;
use ec2_mock::model::clock::Clock;
use ec2_mock::model::ids::SubnetId;
use ec2_mock::model::interface_addresses::{AddressSet, Ipv6Assignment, PrivateIpAssignment};
use ec2_mock::model::network_interfaces::NewNetworkInterface;
use ec2_mock::model::regions;
use ec2_mock::model::subnets::{NewSubnet, ZoneChoice};
use ec2_mock::model::vpcs::NewVpc;
use ec2_mock::model::World;
use ipnet::{Ipv4Net, Ipv6Net};
use proptest::prelude::*;

/// The subnet under test: a /25 (123 usable addresses, six delegable /28s), so random
/// sequences reach exhaustion as well as the quiet middle.
const SUBNET: &str = "10.1.0.0/25";

#[derive(Debug, Clone)]
enum Op {
    Create {
        primary: Option<u8>,
        secondaries: usize,
        prefixes: usize,
        ipv6: usize,
        dry_run: bool,
    },
    AssignCount {
        eni: usize,
        count: usize,
        dry_run: bool,
    },
    AssignExplicit {
        eni: usize,
        offset: u8,
        reassign: bool,
    },
    AssignPrefix {
        eni: usize,
        count: usize,
    },
    UnassignSecondary {
        eni: usize,
        which: usize,
        dry_run: bool,
    },
    UnassignPrefix {
        eni: usize,
        which: usize,
    },
    UnassignForeign {
        eni: usize,
        offset: u8,
    },
    AssignIpv6 {
        eni: usize,
        count: usize,
        prefixes: usize,
    },
    UnassignIpv6 {
        eni: usize,
        which: usize,
    },
    Delete {
        eni: usize,
        dry_run: bool,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let eni = 0usize..8;
    prop_oneof![
        3 => (proptest::option::of(0u8..128), 0usize..4, 0usize..2, 0usize..3, any::<bool>())
            .prop_map(|(primary, secondaries, prefixes, ipv6, dry)| Op::Create {
                primary,
                // A count of secondaries and prefixes cannot go together (the action layer
                // refuses it before the model sees it), so the generator never pairs them.
                secondaries: if prefixes > 0 { 0 } else { secondaries },
                prefixes,
                ipv6,
                dry_run: dry && secondaries % 2 == 0,
            }),
        2 => (eni.clone(), 1usize..5, any::<bool>())
            .prop_map(|(eni, count, dry_run)| Op::AssignCount { eni, count, dry_run }),
        2 => (eni.clone(), 0u8..128, any::<bool>())
            .prop_map(|(eni, offset, reassign)| Op::AssignExplicit { eni, offset, reassign }),
        1 => (eni.clone(), 1usize..3).prop_map(|(eni, count)| Op::AssignPrefix { eni, count }),
        2 => (eni.clone(), 0usize..6, any::<bool>())
            .prop_map(|(eni, which, dry_run)| Op::UnassignSecondary { eni, which, dry_run }),
        1 => (eni.clone(), 0usize..3).prop_map(|(eni, which)| Op::UnassignPrefix { eni, which }),
        1 => (eni.clone(), 0u8..128).prop_map(|(eni, offset)| Op::UnassignForeign { eni, offset }),
        1 => (eni.clone(), 0usize..3, 0usize..2)
            .prop_map(|(eni, count, prefixes)| Op::AssignIpv6 {
                eni,
                count: if prefixes > 0 { 0 } else { count.max(1) },
                prefixes,
            }),
        1 => (eni.clone(), 0usize..3).prop_map(|(eni, which)| Op::UnassignIpv6 { eni, which }),
        2 => (eni, any::<bool>()).prop_map(|(eni, dry_run)| Op::Delete { eni, dry_run }),
    ]
}

struct Fixture {
    world: World,
    subnet_id: SubnetId,
    net: Ipv4Net,
}

impl Fixture {
    /// Runs one change as a request does: all of it, or (refused, or a dry run) none.
    fn tx<T>(&mut self, dry_run: bool, change: impl FnOnce(&mut World) -> Ec2Result<T>) -> bool {
        self.world.transaction(dry_run, change).is_ok()
    }
}

fn fixture(seed: u64) -> Fixture {
    let region = regions::region("us-east-1").unwrap();
    let mut world = World::new("123456789012", region, seed, Clock::System);
    let vpc_id = world
        .transaction(false, |w| {
            w.create_vpc(NewVpc {
                cidr: "10.1.0.0/16".parse().unwrap(),
                amazon_provided_ipv6: true,
                instance_tenancy: "default".into(),
                tags: Vec::new(),
            })
        })
        .unwrap();
    let block = world
        .vpcs()
        .get(&vpc_id)
        .unwrap()
        .ipv6
        .as_ref()
        .unwrap()
        .cidr;
    let v6: Ipv6Net = Ipv6Net::new(block.network(), 64).unwrap();
    let subnet_id = world
        .transaction(false, |w| {
            w.create_subnet(NewSubnet {
                vpc_id: vpc_id.to_string(),
                cidr: SUBNET.parse().unwrap(),
                ipv6_cidr: Some(v6),
                zone: ZoneChoice::Any,
                tags: Vec::new(),
            })
        })
        .unwrap();
    Fixture {
        world,
        subnet_id,
        net: SUBNET.parse().unwrap(),
    }
}

/// Everything observable about the subnet's interfaces and pools, to compare before/after.
fn snapshot(f: &Fixture) -> String {
    let mut out = format!(
        "available={} v6_in_use={}\n",
        f.world.ipv4_pool(&f.subnet_id).unwrap().available(),
        f.world.ipv6_pool(&f.subnet_id).unwrap().in_use()
    );
    for eni in f.world.network_interfaces().values() {
        out.push_str(&format!(
            "{} {:?} {:?} {:?} {:?}\n",
            eni.id, eni.private_ips, eni.ipv4_prefixes, eni.ipv6_addresses, eni.ipv6_prefixes
        ));
    }
    out
}

/// EC2's address invariants for the subnet, checked against the pools themselves.
fn check_invariants(f: &Fixture) {
    let pool = f.world.ipv4_pool(&f.subnet_id).unwrap();
    let mut held: HashSet<Ipv4Addr> = HashSet::new();
    let mut v6_held: HashSet<Ipv6Addr> = HashSet::new();
    for eni in f.world.network_interfaces().values() {
        assert_eq!(
            eni.private_ips.iter().filter(|p| p.primary).count(),
            1,
            "exactly one primary on {}",
            eni.id
        );
        for p in &eni.private_ips {
            assert!(held.insert(p.address), "{} held twice", p.address);
        }
        for prefix in &eni.ipv4_prefixes {
            for ip in prefix.hosts().chain([prefix.network(), prefix.broadcast()]) {
                assert!(held.insert(ip), "{ip} of prefix {prefix} held twice");
            }
        }
        for a in &eni.ipv6_addresses {
            assert!(v6_held.insert(a.address), "{} held twice", a.address);
        }
    }
    let usable = (1u32 << (32 - f.net.prefix_len())) - 5;
    // `held` counts each delegated /28 as its 16 addresses, as EC2's count does.
    assert_eq!(
        pool.available(),
        usable - held.len() as u32,
        "availableIpAddressCount is exact"
    );
    // Every address nobody holds is free to hand out again, and nothing held is.
    let first = u32::from(f.net.network());
    for off in 4..(1u32 << (32 - f.net.prefix_len())) - 1 {
        let ip = Ipv4Addr::from(first + off);
        assert_eq!(pool.is_free(ip), !held.contains(&ip), "{ip}");
    }
    let v6 = f.world.ipv6_pool(&f.subnet_id).unwrap();
    assert_eq!(v6.in_use() as usize, v6_held.len(), "IPv6 addresses in use");
    for ip in &v6_held {
        assert!(v6.is_allocated(*ip), "{ip} held but not allocated");
    }
}

fn nth_eni(f: &Fixture, n: usize) -> Option<String> {
    let ids: Vec<String> = f
        .world
        .network_interfaces()
        .keys()
        .map(ToString::to_string)
        .collect();
    (!ids.is_empty()).then(|| ids[n % ids.len()].clone())
}

fn ip_at(f: &Fixture, offset: u8) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(f.net.network()) + u32::from(offset))
}

/// Runs one operation; returns whether it claimed to change anything.
fn apply(f: &mut Fixture, op: &Op) -> bool {
    let subnet_id = f.subnet_id.to_string();
    match op {
        Op::Create {
            primary,
            secondaries,
            prefixes,
            ipv6,
            dry_run,
        } => {
            let req = NewNetworkInterface {
                subnet_id,
                primary_ip: primary.map(|o| ip_at(f, o)),
                secondary_ip_count: *secondaries,
                ipv4_prefix_count: *prefixes,
                ipv6_address_count: Some(*ipv6),
                ..NewNetworkInterface::default()
            };
            f.tx(*dry_run, |w| w.create_network_interface(req))
        }
        Op::AssignCount {
            eni,
            count,
            dry_run,
        } => {
            let Some(id) = nth_eni(f, *eni) else {
                return false;
            };
            let req = PrivateIpAssignment {
                count: *count,
                ..PrivateIpAssignment::default()
            };
            f.tx(*dry_run, |w| w.assign_private_ip_addresses(&id, &req))
        }
        Op::AssignExplicit {
            eni,
            offset,
            reassign,
        } => {
            let Some(id) = nth_eni(f, *eni) else {
                return false;
            };
            let req = PrivateIpAssignment {
                addresses: vec![ip_at(f, *offset)],
                allow_reassignment: *reassign,
                ..PrivateIpAssignment::default()
            };
            f.tx(false, |w| w.assign_private_ip_addresses(&id, &req))
        }
        Op::AssignPrefix { eni, count } => {
            let Some(id) = nth_eni(f, *eni) else {
                return false;
            };
            let req = PrivateIpAssignment {
                prefix_count: *count,
                ..PrivateIpAssignment::default()
            };
            f.tx(false, |w| w.assign_private_ip_addresses(&id, &req))
        }
        Op::UnassignSecondary {
            eni,
            which,
            dry_run,
        } => {
            let Some(id) = nth_eni(f, *eni) else {
                return false;
            };
            let eni = f.world.network_interface(&id).unwrap().clone();
            // `which` past the secondaries picks the primary, which must be refused.
            let target = eni
                .private_ips
                .iter()
                .filter(|p| !p.primary)
                .nth(*which)
                .or_else(|| eni.private_ips.first())
                .map(|p| p.address);
            let Some(ip) = target else { return false };
            let req = AddressSet {
                addresses: vec![ip],
                prefixes: Vec::new(),
            };
            f.tx(*dry_run, |w| w.unassign_private_ip_addresses(&id, &req))
        }
        Op::UnassignPrefix { eni, which } => {
            let Some(id) = nth_eni(f, *eni) else {
                return false;
            };
            let Some(prefix) = f
                .world
                .network_interface(&id)
                .unwrap()
                .ipv4_prefixes
                .get(*which)
                .copied()
            else {
                return false;
            };
            let req = AddressSet {
                addresses: Vec::new(),
                prefixes: vec![prefix],
            };
            f.tx(false, |w| w.unassign_private_ip_addresses(&id, &req))
        }
        Op::UnassignForeign { eni, offset } => {
            // An address the interface may not hold: refused unless it happens to hold it.
            let Some(id) = nth_eni(f, *eni) else {
                return false;
            };
            let req = AddressSet {
                addresses: vec![ip_at(f, *offset)],
                prefixes: Vec::new(),
            };
            f.tx(false, |w| w.unassign_private_ip_addresses(&id, &req))
        }
        Op::AssignIpv6 {
            eni,
            count,
            prefixes,
        } => {
            let Some(id) = nth_eni(f, *eni) else {
                return false;
            };
            let req = Ipv6Assignment {
                count: *count,
                prefix_count: *prefixes,
                ..Ipv6Assignment::default()
            };
            f.tx(false, |w| w.assign_ipv6_addresses(&id, &req))
        }
        Op::UnassignIpv6 { eni, which } => {
            let Some(id) = nth_eni(f, *eni) else {
                return false;
            };
            let Some(a) = f
                .world
                .network_interface(&id)
                .unwrap()
                .ipv6_addresses
                .get(*which)
                .copied()
            else {
                return false;
            };
            let req = AddressSet {
                addresses: vec![a.address],
                prefixes: Vec::new(),
            };
            f.tx(false, |w| w.unassign_ipv6_addresses(&id, &req))
        }
        Op::Delete { eni, dry_run } => {
            let Some(id) = nth_eni(f, *eni) else {
                return false;
            };
            f.tx(*dry_run, |w| w.delete_network_interface(&id))
        }
    }
}

fn is_dry_run(op: &Op) -> bool {
    matches!(
        op,
        Op::Create { dry_run: true, .. }
            | Op::AssignCount { dry_run: true, .. }
            | Op::UnassignSecondary { dry_run: true, .. }
            | Op::Delete { dry_run: true, .. }
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn address_invariants_hold_after_any_sequence(
        seed in any::<u64>(),
        ops in proptest::collection::vec(op(), 1..60),
    ) {
        let mut f = fixture(seed);
        check_invariants(&f);
        for op in &ops {
            let before = snapshot(&f);
            let changed = apply(&mut f, op);
            check_invariants(&f);
            if !changed || is_dry_run(op) {
                prop_assert_eq!(&before, &snapshot(&f), "{:?} changed state", op);
            }
        }
        // Deleting everything gives every address back.
        let ids: Vec<String> = f
            .world
            .network_interfaces()
            .keys()
            .map(ToString::to_string)
            .collect();
        for id in ids {
            prop_assert!(f.tx(false, |w| w.delete_network_interface(&id)));
        }
        check_invariants(&f);
        prop_assert_eq!(f.world.ipv4_pool(&f.subnet_id).unwrap().available(), 123);
    }
}
