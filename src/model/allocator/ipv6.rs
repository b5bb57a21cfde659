//! The IPv6 pool: a /64 (or any) block, with allocated addresses and delegated /80s in sets.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv6Addr;

use ipnet::Ipv6Net;
use rand::Rng;

use super::{
    AllocError, IPV6_PREFIX_LEN, RESERVED_HEAD, V6_BLOCK_BITS, V6_BLOCK_MASK, V6_RANDOM_TRIES,
};

/// Address allocator for one IPv6 subnet block (a /64 in EC2).
///
/// Other lengths work too; /80 prefixes can only be delegated from blocks of /80 or shorter.
#[derive(Debug, Clone)]
pub struct Ipv6Pool {
    cidr: Ipv6Net,
    base: u128,
    last: u128,
    /// Individually allocated addresses.
    allocated: BTreeSet<u128>,
    /// Network addresses of delegated /80 prefixes.
    delegated: BTreeSet<u128>,
    /// Number of individually allocated addresses per /80 block (keyed by block network).
    block_use: BTreeMap<u128, u64>,
}

impl Ipv6Pool {
    /// Creates an empty pool for `cidr` (host bits are dropped).
    pub fn new(cidr: Ipv6Net) -> Self {
        debug_assert_eq!(cidr, cidr.trunc(), "IPv6 subnet has host bits set");
        let cidr = cidr.trunc();
        Ipv6Pool {
            cidr,
            base: u128::from(cidr.network()),
            last: u128::from(cidr.broadcast()),
            allocated: BTreeSet::new(),
            delegated: BTreeSet::new(),
            block_use: BTreeMap::new(),
        }
    }

    /// The subnet block this pool allocates from.
    pub fn cidr(&self) -> Ipv6Net {
        self.cidr
    }

    /// Number of addresses allocated individually.
    pub fn in_use(&self) -> u64 {
        self.allocated.len() as u64
    }

    /// Exact number of addresses that could still be handed out individually.
    pub fn available(&self) -> u128 {
        (self.last - self.base)
            .saturating_sub(u128::from(RESERVED_HEAD))
            .saturating_sub(self.allocated.len() as u128)
            .saturating_sub((self.delegated.len() as u128) << V6_BLOCK_BITS)
    }

    /// Exact number of /80 prefixes that could still be delegated.
    pub fn available_prefixes(&self) -> u128 {
        if self.cidr.prefix_len() > IPV6_PREFIX_LEN {
            return 0;
        }
        let nblocks = 1u128 << (IPV6_PREFIX_LEN - self.cidr.prefix_len());
        let first = self.base;
        let last = self.last & !V6_BLOCK_MASK;
        let reserved = if first == last { 1 } else { 2 };
        let mut used_by_singles = self.block_use.len() as u128;
        if self.block_use.contains_key(&first) {
            used_by_singles -= 1;
        }
        if last != first && self.block_use.contains_key(&last) {
            used_by_singles -= 1;
        }
        nblocks
            .saturating_sub(reserved)
            .saturating_sub(self.delegated.len() as u128)
            .saturating_sub(used_by_singles)
    }

    /// Number of /80 prefixes currently delegated.
    pub fn delegated_prefixes(&self) -> usize {
        self.delegated.len()
    }

    /// Whether `ip` is one of the subnet's five reserved addresses.
    pub fn is_reserved(&self, ip: Ipv6Addr) -> bool {
        self.cidr.contains(&ip) && self.reserved(u128::from(ip))
    }

    /// Whether `ip` is currently allocated individually.
    pub fn is_allocated(&self, ip: Ipv6Addr) -> bool {
        self.allocated.contains(&u128::from(ip))
    }

    /// Allocates the specific address `ip`.
    pub fn allocate(&mut self, ip: Ipv6Addr) -> Result<(), AllocError> {
        if !self.cidr.contains(&ip) {
            return Err(AllocError::OutsideSubnet);
        }
        let v = u128::from(ip);
        if self.reserved(v) {
            return Err(AllocError::Reserved);
        }
        if self.allocated.contains(&v) || self.delegated.contains(&(v & !V6_BLOCK_MASK)) {
            return Err(AllocError::InUse);
        }
        self.insert(v);
        Ok(())
    }

    /// Allocates a random free address.
    pub fn allocate_any<R: Rng + ?Sized>(&mut self, rng: &mut R) -> Result<Ipv6Addr, AllocError> {
        if self.available() == 0 {
            return Err(AllocError::Exhausted);
        }
        for _ in 0..V6_RANDOM_TRIES {
            let v = rng.gen_range(self.base..=self.last);
            if self.addr_free(v) {
                self.insert(v);
                return Ok(Ipv6Addr::from(v));
            }
        }
        // Dense (tiny) space: deterministic scan from a random point, wrapping.
        let start = rng.gen_range(self.base..=self.last);
        let found = self.scan_free(start, self.last).or_else(|| {
            if start > self.base {
                self.scan_free(self.base, start - 1)
            } else {
                None
            }
        });
        let v = found.ok_or(AllocError::Exhausted)?;
        self.insert(v);
        Ok(Ipv6Addr::from(v))
    }

    /// Allocates `n` addresses, or none at all (`Exhausted`) if fewer than `n` are free.
    pub fn allocate_many<R: Rng + ?Sized>(
        &mut self,
        n: usize,
        rng: &mut R,
    ) -> Result<Vec<Ipv6Addr>, AllocError> {
        if n as u128 > self.available() {
            return Err(AllocError::Exhausted);
        }
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            match self.allocate_any(rng) {
                Ok(ip) => out.push(ip),
                Err(e) => {
                    for ip in out {
                        self.release(ip);
                    }
                    return Err(e);
                }
            }
        }
        Ok(out)
    }

    /// Releases an individually allocated address; `true` if it was allocated.
    pub fn release(&mut self, ip: Ipv6Addr) -> bool {
        let v = u128::from(ip);
        if !self.allocated.remove(&v) {
            return false;
        }
        let blk = v & !V6_BLOCK_MASK;
        if let Some(count) = self.block_use.get_mut(&blk) {
            *count -= 1;
            if *count == 0 {
                self.block_use.remove(&blk);
            }
        }
        true
    }

    /// Delegates the specific aligned /80 `prefix`.
    pub fn allocate_prefix(&mut self, prefix: Ipv6Net) -> Result<(), AllocError> {
        let net = self.prefix_net(prefix)?;
        if self.reserved_block(net) {
            return Err(AllocError::Reserved);
        }
        if self.delegated.contains(&net) || self.block_use.contains_key(&net) {
            return Err(AllocError::InUse);
        }
        self.delegated.insert(net);
        Ok(())
    }

    /// Delegates a random free /80.
    pub fn allocate_prefix_any<R: Rng + ?Sized>(
        &mut self,
        rng: &mut R,
    ) -> Result<Ipv6Net, AllocError> {
        if self.available_prefixes() == 0 {
            return Err(AllocError::Exhausted);
        }
        // available_prefixes() > 0 implies prefix_len <= 80.
        let nblocks = 1u128 << (IPV6_PREFIX_LEN - self.cidr.prefix_len());
        let block_net = |idx: u128| self.base + (idx << V6_BLOCK_BITS);
        let mut chosen = None;
        for _ in 0..V6_RANDOM_TRIES {
            let net = block_net(rng.gen_range(0..nblocks));
            if self.block_free(net) {
                chosen = Some(net);
                break;
            }
        }
        if chosen.is_none() {
            // Every block skipped is reserved or occupied, so this ends after at most
            // (occupied + 2) steps because at least one block is free.
            let start = rng.gen_range(0..nblocks);
            let mut k = 0u128;
            while k < nblocks {
                let net = block_net((start + k) % nblocks);
                if self.block_free(net) {
                    chosen = Some(net);
                    break;
                }
                k += 1;
            }
        }
        let net = chosen.ok_or(AllocError::Exhausted)?;
        self.delegated.insert(net);
        Ipv6Net::new(Ipv6Addr::from(net), IPV6_PREFIX_LEN).map_err(|_| AllocError::Misaligned)
    }

    /// Delegates `n` /80 prefixes, or none at all (`Exhausted`) if fewer than `n` are free.
    pub fn allocate_prefixes<R: Rng + ?Sized>(
        &mut self,
        n: usize,
        rng: &mut R,
    ) -> Result<Vec<Ipv6Net>, AllocError> {
        if n as u128 > self.available_prefixes() {
            return Err(AllocError::Exhausted);
        }
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            match self.allocate_prefix_any(rng) {
                Ok(p) => out.push(p),
                Err(e) => {
                    for p in out {
                        self.release_prefix(p);
                    }
                    return Err(e);
                }
            }
        }
        Ok(out)
    }

    /// Releases a delegated /80; `true` if it was delegated.
    pub fn release_prefix(&mut self, prefix: Ipv6Net) -> bool {
        match self.prefix_net(prefix) {
            Ok(net) => self.delegated.remove(&net),
            Err(_) => false,
        }
    }

    /// Whether `prefix` is currently delegated from this pool.
    pub fn is_prefix_delegated(&self, prefix: Ipv6Net) -> bool {
        self.prefix_net(prefix)
            .is_ok_and(|net| self.delegated.contains(&net))
    }

    // --- internals ---

    /// `v` must be inside the block.
    fn reserved(&self, v: u128) -> bool {
        v - self.base < u128::from(RESERVED_HEAD) || v == self.last
    }

    fn reserved_block(&self, net: u128) -> bool {
        net == self.base & !V6_BLOCK_MASK || net == self.last & !V6_BLOCK_MASK
    }

    fn addr_free(&self, v: u128) -> bool {
        v >= self.base
            && v <= self.last
            && !self.reserved(v)
            && !self.allocated.contains(&v)
            && !self.delegated.contains(&(v & !V6_BLOCK_MASK))
    }

    fn block_free(&self, net: u128) -> bool {
        !self.reserved_block(net)
            && !self.delegated.contains(&net)
            && !self.block_use.contains_key(&net)
    }

    /// First free address in `lo..=hi` (both inside the block).
    fn scan_free(&self, lo: u128, hi: u128) -> Option<u128> {
        let mut c = lo;
        while c <= hi {
            if c - self.base < u128::from(RESERVED_HEAD) {
                c = self.base.saturating_add(u128::from(RESERVED_HEAD));
                continue;
            }
            if c == self.last {
                return None;
            }
            let blk = c & !V6_BLOCK_MASK;
            if self.delegated.contains(&blk) {
                c = (blk | V6_BLOCK_MASK).checked_add(1)?;
                continue;
            }
            if self.allocated.contains(&c) {
                // Skip the run of consecutive allocated addresses starting at `c`.
                let mut next = c;
                for &a in self.allocated.range(c..) {
                    if a != next {
                        break;
                    }
                    next = next.checked_add(1)?;
                }
                c = next;
                continue;
            }
            return Some(c);
        }
        None
    }

    fn insert(&mut self, v: u128) {
        if self.allocated.insert(v) {
            *self.block_use.entry(v & !V6_BLOCK_MASK).or_insert(0) += 1;
        }
    }

    /// Validates an aligned /80 inside the block and returns its network address.
    fn prefix_net(&self, prefix: Ipv6Net) -> Result<u128, AllocError> {
        if prefix.prefix_len() != IPV6_PREFIX_LEN || prefix.addr() != prefix.network() {
            return Err(AllocError::Misaligned);
        }
        if !self.cidr.contains(&prefix) {
            return Err(AllocError::OutsideSubnet);
        }
        Ok(u128::from(prefix.network()))
    }
}
