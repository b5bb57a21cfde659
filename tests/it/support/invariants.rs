//! EC2's address invariants, read back through the API: every address and prefix inside its
//! subnet, usable, held once, and `availableIpAddressCount` exact.

use std::collections::HashSet;

use ipnet::{Ipv4Net, Ipv6Net};

use super::net::Net;
use super::readers::{prefixes4, prefixes6, usable, v4s, v6s};

impl Net {
    /// The address invariants of a subnet, read back through DescribeNetworkInterfaces:
    /// every address and prefix is inside the subnet, usable and held by one interface only,
    /// and `availableIpAddressCount == usable - (addresses + 16 × IPv4 prefixes)`.
    pub async fn check_invariants(&self, subnet: &str, cidr: Ipv4Net, v6: Option<Ipv6Net>) {
        let enis = self.in_subnet(subnet).await;
        let mut v4 = Vec::new();
        let mut p4 = Vec::new();
        let mut a6 = Vec::new();
        let mut p6 = Vec::new();
        for e in &enis {
            v4.extend(v4s(e));
            p4.extend(prefixes4(e));
            a6.extend(v6s(e));
            p6.extend(prefixes6(e));
        }
        let distinct4: HashSet<_> = v4.iter().collect();
        assert_eq!(
            distinct4.len(),
            v4.len(),
            "an IPv4 address held twice: {v4:?}"
        );
        let distinct_p4: HashSet<_> = p4.iter().collect();
        assert_eq!(distinct_p4.len(), p4.len(), "a prefix held twice: {p4:?}");
        for ip in &v4 {
            assert!(usable(*ip, cidr), "{ip} is not usable in {cidr}");
            assert!(
                !p4.iter().any(|p| p.contains(ip)),
                "{ip} lies inside a delegated prefix"
            );
        }
        for p in &p4 {
            assert!(cidr.contains(p), "{p} outside {cidr}");
            assert_eq!(p.prefix_len(), 28);
            assert_eq!(*p, p.trunc(), "{p} is not aligned");
            assert!(!p.contains(&cidr.network()) && !p.contains(&cidr.broadcast()));
        }
        let distinct6: HashSet<_> = a6.iter().collect();
        assert_eq!(
            distinct6.len(),
            a6.len(),
            "an IPv6 address held twice: {a6:?}"
        );
        let distinct_p6: HashSet<_> = p6.iter().collect();
        assert_eq!(distinct_p6.len(), p6.len(), "an IPv6 prefix held twice");
        if let Some(block) = v6 {
            for a in &a6 {
                assert!(block.contains(a), "{a} outside {block}");
                assert!(!p6.iter().any(|p| p.contains(a)), "{a} inside a prefix");
            }
            for p in &p6 {
                assert!(block.contains(p) && p.prefix_len() == 80 && *p == p.trunc());
            }
        } else {
            assert!(
                a6.is_empty() && p6.is_empty(),
                "IPv6 in an IPv4-only subnet"
            );
        }
        let usable_count = (1u32 << (32 - cidr.prefix_len())) - 5;
        let expected = usable_count - (v4.len() as u32 + 16 * p4.len() as u32);
        assert_eq!(
            self.available(subnet).await,
            expected,
            "availableIpAddressCount vs {} addresses and {} prefixes",
            v4.len(),
            p4.len()
        );
    }

    /// `check_invariants` for the world's own subnet.
    pub async fn check(&self) {
        self.check_invariants(&self.subnet, self.cidr, self.ipv6)
            .await;
    }
}
