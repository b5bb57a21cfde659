//! Many clients at once: the allocator under the server's locking must never hand out an
//! address twice, and a full subnet must answer with EC2's error, never a 5xx.

use std::collections::HashSet;
use std::sync::Arc;

use crate::support::Server;

/// Creates a VPC and a subnet with `cidr` in it; returns the subnet id.
async fn subnet(s: &Server, vpc_cidr: &str, cidr: &str) -> String {
    let vpc = s
        .call("CreateVpc", &[("CidrBlock", vpc_cidr)])
        .await
        .ok()
        .text("vpcId");
    s.call("CreateSubnet", &[("VpcId", &vpc), ("CidrBlock", cidr)])
        .await
        .ok()
        .text("subnetId")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_small_subnet_fills_exactly_under_concurrent_creates() {
    let s = Arc::new(Server::start().await);
    // A /27: 32 addresses, 5 reserved, 27 usable.
    let subnet = subnet(&s, "10.9.0.0/16", "10.9.0.0/27").await;
    let clients = 16;
    let per_client = 4; // 64 attempts for 27 addresses
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let s = s.clone();
        let subnet = subnet.clone();
        tasks.push(tokio::spawn(async move {
            let mut outcomes = Vec::new();
            for _ in 0..per_client {
                let r = s
                    .call("CreateNetworkInterface", &[("SubnetId", &subnet)])
                    .await;
                outcomes.push(r);
            }
            outcomes
        }));
    }
    let mut addresses = Vec::new();
    let mut refused = 0;
    for t in tasks {
        for r in t.await.unwrap() {
            assert!(r.status < 500, "5xx under load: {}", r.body);
            if r.status == 200 {
                addresses.push(r.doc.text("privateIpAddress"));
            } else {
                r.err400("InsufficientFreeAddressesInSubnet");
                refused += 1;
            }
        }
    }
    assert_eq!(addresses.len(), 27, "exactly the usable addresses succeed");
    assert_eq!(refused, clients * per_client - 27);
    let unique: HashSet<&String> = addresses.iter().collect();
    assert_eq!(
        unique.len(),
        addresses.len(),
        "an address was handed out twice"
    );
    for a in &addresses {
        let last: u8 = a.rsplit('.').next().unwrap().parse().unwrap();
        assert!((4..=30).contains(&last), "reserved address {a} handed out");
    }
    let d = s.call("DescribeSubnets", &[("SubnetId.1", &subnet)]).await;
    assert_eq!(d.ok().text("availableIpAddressCount"), "0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_and_deletes_across_subnets_keep_counts_exact() {
    let s = Arc::new(Server::start().await);
    let a = subnet(&s, "10.10.0.0/16", "10.10.1.0/26").await;
    let b = subnet(&s, "10.11.0.0/16", "10.11.1.0/26").await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let s = s.clone();
        let subnet = if i % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            for _ in 0..6 {
                let r = s
                    .call(
                        "CreateNetworkInterface",
                        &[
                            ("SubnetId", &subnet),
                            ("SecondaryPrivateIpAddressCount", "1"),
                        ],
                    )
                    .await;
                assert_eq!(r.status, 200, "{}", r.body);
                let id = r.doc.text("networkInterfaceId");
                let d = s
                    .call("DeleteNetworkInterface", &[("NetworkInterfaceId", &id)])
                    .await;
                assert_eq!(d.status, 200, "{}", d.body);
                // Keep one interface per round so the subnets end up partly used.
                let keep = s
                    .call("CreateNetworkInterface", &[("SubnetId", &subnet)])
                    .await;
                assert_eq!(keep.status, 200, "{}", keep.body);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    for subnet in [&a, &b] {
        let enis = s
            .call(
                "DescribeNetworkInterfaces",
                &[("Filter.1.Name", "subnet-id"), ("Filter.1.Value.1", subnet)],
            )
            .await;
        let ips = enis.ok().all("privateIpAddress");
        let ips: Vec<&String> = ips.iter().collect();
        // Each address appears twice per interface (top level and in the list).
        let unique: HashSet<&&String> = ips.iter().collect();
        assert_eq!(unique.len(), 24, "4 clients x 6 kept interfaces");
        let d = s.call("DescribeSubnets", &[("SubnetId.1", subnet)]).await;
        // A /26 has 59 usable addresses.
        assert_eq!(
            d.ok().text("availableIpAddressCount"),
            (59 - 24).to_string()
        );
    }
}

/// Issue 6's soak: many clients mix creates, assigns, unassigns and deletes across several
/// subnets for a bounded time; afterwards no address is on two interfaces, every subnet's
/// availableIpAddressCount is exact, and no reply was a 5xx.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn soak_mixed_operations_keep_global_invariants() {
    use std::time::{Duration, Instant};

    let s = Arc::new(Server::start().await);
    // Small subnets, so exhaustion and refusals happen too.
    let subnets = vec![
        subnet(&s, "10.20.0.0/16", "10.20.0.0/26").await,
        subnet(&s, "10.21.0.0/16", "10.21.0.0/27").await,
        subnet(&s, "10.22.0.0/16", "10.22.0.0/25").await,
    ];
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut tasks = Vec::new();
    for client in 0..12usize {
        let s = s.clone();
        let subnets = subnets.clone();
        tasks.push(tokio::spawn(async move {
            let mut mine: Vec<String> = Vec::new();
            let mut step = client;
            let mut replies = 0usize;
            while Instant::now() < deadline {
                step = step
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let pick = step >> 33;
                let subnet = &subnets[pick % subnets.len()];
                let r = match (pick / 7) % 5 {
                    0 | 1 => {
                        let r = s
                            .call(
                                "CreateNetworkInterface",
                                &[
                                    ("SubnetId", subnet),
                                    ("SecondaryPrivateIpAddressCount", "1"),
                                ],
                            )
                            .await;
                        if r.status == 200 {
                            mine.push(r.doc.text("networkInterfaceId"));
                        }
                        r
                    }
                    2 if !mine.is_empty() => {
                        let id = &mine[pick % mine.len()];
                        s.call(
                            "AssignPrivateIpAddresses",
                            &[
                                ("NetworkInterfaceId", id),
                                ("SecondaryPrivateIpAddressCount", "2"),
                            ],
                        )
                        .await
                    }
                    3 if !mine.is_empty() => {
                        let id = mine[pick % mine.len()].clone();
                        let d = s
                            .call(
                                "DescribeNetworkInterfaces",
                                &[("NetworkInterfaceId.1", &id)],
                            )
                            .await;
                        let secondary = d
                            .ok()
                            .items("privateIpAddressesSet")
                            .into_iter()
                            .find(|i| i.get("primary") == "false")
                            .map(|i| i.get("privateIpAddress"));
                        match secondary {
                            Some(ip) => {
                                s.call(
                                    "UnassignPrivateIpAddresses",
                                    &[("NetworkInterfaceId", &id), ("PrivateIpAddress.1", &ip)],
                                )
                                .await
                            }
                            None => d,
                        }
                    }
                    4 if !mine.is_empty() => {
                        let id = mine.swap_remove(pick % mine.len());
                        s.call("DeleteNetworkInterface", &[("NetworkInterfaceId", &id)])
                            .await
                    }
                    _ => s.call("DescribeSubnets", &[("SubnetId.1", subnet)]).await,
                };
                assert!(r.status < 500, "5xx: {}", r.body);
                if r.status != 200 {
                    // Only EC2's refusals for a full subnet or interface are expected here.
                    let code = r.code().unwrap_or_default();
                    assert!(
                        code == "InsufficientFreeAddressesInSubnet"
                            || code == "PrivateIpAddressLimitExceeded",
                        "unexpected refusal {code}: {}",
                        r.body
                    );
                }
                replies += 1;
            }
            replies
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap();
    }
    assert!(total > 100, "the soak made only {total} requests");

    for (subnet, usable) in subnets.iter().zip([59u32, 27, 123]) {
        let enis = s
            .call(
                "DescribeNetworkInterfaces",
                &[("Filter.1.Name", "subnet-id"), ("Filter.1.Value.1", subnet)],
            )
            .await;
        let mut held = HashSet::new();
        for eni in enis.ok().items("networkInterfaceSet") {
            for item in eni.items("privateIpAddressesSet") {
                let ip = item.get("privateIpAddress");
                assert!(held.insert(ip.clone()), "{ip} is on two interfaces");
            }
        }
        let d = s.call("DescribeSubnets", &[("SubnetId.1", subnet)]).await;
        assert_eq!(
            d.ok().text("availableIpAddressCount"),
            (usable - held.len() as u32).to_string(),
            "availableIpAddressCount of {subnet}"
        );
    }
}
