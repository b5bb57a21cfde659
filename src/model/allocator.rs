//! Per-subnet IP address allocation: individual IPv4/IPv6 addresses and delegated prefixes.
//!
//! EC2 rules modelled here:
//!
//! * An IPv4 subnet is a /16 to /28. Its first four addresses and its last address are
//!   reserved and never handed out (a /28 therefore has 11 usable addresses).
//! * Delegated IPv4 prefixes are /28 blocks aligned on 16 addresses, inside the subnet, and
//!   may not contain a reserved address or an address already in use. While delegated, none
//!   of their 16 addresses can be handed out individually.
//! * An IPv6 subnet is a /64 with the same reservation rule (first four addresses and the
//!   last one). Delegated IPv6 prefixes are aligned /80 blocks.
//!
//! Addresses picked "at random" follow EC2's observable behaviour: a uniformly random start
//! offset is drawn from the supplied RNG, then the first free address at or after it (wrapping
//! around) is taken. With a seeded RNG the choice is deterministic.
//!
//! The IPv4 pool uses a three-level bitmap, so finding a free address or a free /28 costs a
//! bounded number of word operations however full the subnet is.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{Ipv4Net, Ipv6Net};
use rand::Rng;

/// Why an allocation request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AllocError {
    /// The address or prefix is not inside the subnet block.
    #[error("address is outside the subnet")]
    OutsideSubnet,
    /// The address is reserved by AWS, or the prefix contains a reserved address.
    #[error("address is reserved")]
    Reserved,
    /// The address is already allocated, or the prefix overlaps something allocated.
    #[error("address is already in use")]
    InUse,
    /// The prefix has the wrong length or is not aligned on its own boundary.
    #[error("prefix has the wrong length or is not aligned")]
    Misaligned,
    /// No free address or prefix is left.
    #[error("no free address or prefix left in the subnet")]
    Exhausted,
}

/// Length of a delegated IPv4 prefix.
pub const IPV4_PREFIX_LEN: u8 = 28;
/// Length of a delegated IPv6 prefix.
pub const IPV6_PREFIX_LEN: u8 = 80;
/// Number of reserved addresses at the start of every subnet block.
const RESERVED_HEAD: u32 = 4;
/// Addresses per delegated IPv4 prefix.
const V4_BLOCK: u32 = 1 << (32 - IPV4_PREFIX_LEN);
/// Host bits of a delegated IPv6 prefix.
const V6_BLOCK_BITS: u32 = 128 - IPV6_PREFIX_LEN as u32;
const V6_BLOCK_MASK: u128 = (1u128 << V6_BLOCK_BITS) - 1;
/// Random candidates tried by the IPv6 pool before falling back to a scan.
const V6_RANDOM_TRIES: usize = 64;

// ---------------------------------------------------------------------------------------------
// Three-level bitmap
// ---------------------------------------------------------------------------------------------

/// Bit set of up to 64³ bits with summaries, answering "first set bit at or after `i`" in O(1).
///
/// `l1` bit `w` is set iff `l0[w] != 0`; `l2` bit `s` is set iff `l1[s] != 0`.
/// Bits at positions `>= len` are never set.
#[derive(Debug, Clone)]
struct Bits {
    len: usize,
    l0: Vec<u64>,
    l1: Vec<u64>,
    l2: u64,
    ones: usize,
}

impl Bits {
    const MAX_LEN: usize = 64 * 64 * 64;

    fn empty(len: usize) -> Self {
        debug_assert!(len <= Self::MAX_LEN);
        let len = len.min(Self::MAX_LEN);
        let words = len.div_ceil(64);
        Bits {
            len,
            l0: vec![0; words],
            l1: vec![0; words.div_ceil(64)],
            l2: 0,
            ones: 0,
        }
    }

    fn full(len: usize) -> Self {
        let mut bits = Self::empty(len);
        for w in 0..bits.l0.len() {
            let valid = (bits.len - w * 64).min(64);
            let mask = if valid == 64 {
                u64::MAX
            } else {
                (1u64 << valid) - 1
            };
            bits.or_word(w, mask);
        }
        bits
    }

    fn get(&self, i: usize) -> bool {
        i < self.len && (self.l0[i >> 6] >> (i & 63)) & 1 == 1
    }

    fn word(&self, w: usize) -> u64 {
        self.l0.get(w).copied().unwrap_or(0)
    }

    /// Sets the bits of `mask` in word `w`; the caller only passes bits below `len`.
    fn or_word(&mut self, w: usize, mask: u64) {
        let Some(slot) = self.l0.get_mut(w) else {
            return;
        };
        let old = *slot;
        let new = old | mask;
        if new == old {
            return;
        }
        *slot = new;
        self.ones += (new ^ old).count_ones() as usize;
        self.l1[w >> 6] |= 1u64 << (w & 63);
        self.l2 |= 1u64 << (w >> 6);
    }

    /// Clears the bits of `mask` in word `w`.
    fn andnot_word(&mut self, w: usize, mask: u64) {
        let Some(slot) = self.l0.get_mut(w) else {
            return;
        };
        let old = *slot;
        let new = old & !mask;
        if new == old {
            return;
        }
        *slot = new;
        self.ones -= (new ^ old).count_ones() as usize;
        if new == 0 {
            let s = w >> 6;
            self.l1[s] &= !(1u64 << (w & 63));
            if self.l1[s] == 0 {
                self.l2 &= !(1u64 << s);
            }
        }
    }

    fn set(&mut self, i: usize) {
        if i < self.len {
            self.or_word(i >> 6, 1u64 << (i & 63));
        }
    }

    fn clear(&mut self, i: usize) {
        if i < self.len {
            self.andnot_word(i >> 6, 1u64 << (i & 63));
        }
    }

    /// First set bit at or after `start`, without wrapping.
    fn find_from(&self, start: usize) -> Option<usize> {
        if start >= self.len {
            return None;
        }
        // Level 0: the rest of the starting word.
        let w = start >> 6;
        let m = self.l0[w] & (u64::MAX << (start & 63));
        if m != 0 {
            return Some((w << 6) | m.trailing_zeros() as usize);
        }
        // Level 1: later words in the same summary word.
        let w1 = w + 1;
        let s = w1 >> 6;
        if s < self.l1.len() {
            let m = self.l1[s] & (u64::MAX << (w1 & 63));
            if m != 0 {
                let word = (s << 6) | m.trailing_zeros() as usize;
                return Some((word << 6) | self.l0[word].trailing_zeros() as usize);
            }
        }
        // Level 2: later summary words.
        let s1 = s + 1;
        if s1 < 64 {
            let m = self.l2 & (u64::MAX << s1);
            if m != 0 {
                let s2 = m.trailing_zeros() as usize;
                let word = (s2 << 6) | self.l1[s2].trailing_zeros() as usize;
                return Some((word << 6) | self.l0[word].trailing_zeros() as usize);
            }
        }
        None
    }

    /// First set bit at or after `start`, wrapping around to bit 0.
    fn find_wrapping(&self, start: usize) -> Option<usize> {
        match self.find_from(start) {
            Some(i) => Some(i),
            None if start > 0 => self.find_from(0),
            None => None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// IPv4
// ---------------------------------------------------------------------------------------------

/// Address allocator for one IPv4 subnet block (/16 to /28).
#[derive(Debug, Clone)]
pub struct Ipv4Pool {
    cidr: Ipv4Net,
    base: u32,
    /// Number of addresses in the block (at most 65536).
    size: u32,
    /// One bit per address: set iff the address can be handed out individually right now
    /// (not reserved, not allocated, not inside a delegated prefix).
    free: Bits,
    /// One bit per aligned 16-address block: set iff all 16 addresses are free.
    free_blocks: Bits,
    /// One bit per 16-address block: set iff delegated as a prefix.
    delegated: Vec<u64>,
    delegated_count: u32,
}

impl Ipv4Pool {
    /// Creates an empty pool for `cidr`.
    ///
    /// The caller guarantees a /16..=/28 without host bits (checked in debug builds). In
    /// release builds host bits are dropped, and a block shorter than /16 is narrowed to its
    /// first /16 so that memory stays bounded.
    pub fn new(cidr: Ipv4Net) -> Self {
        debug_assert!(
            (16..=28).contains(&cidr.prefix_len()),
            "IPv4 subnet must be /16../28, got {cidr}"
        );
        debug_assert_eq!(cidr, cidr.trunc(), "IPv4 subnet has host bits set");
        let mut cidr = cidr.trunc();
        if cidr.prefix_len() < 16 {
            cidr = Ipv4Net::new(cidr.network(), 16)
                .map(|n| n.trunc())
                .unwrap_or(cidr);
        }
        let size = 1u32 << (32 - u32::from(cidr.prefix_len()));
        let nblocks = size / V4_BLOCK;
        let mut free = Bits::full(size as usize);
        for off in 0..RESERVED_HEAD.min(size) {
            free.clear(off as usize);
        }
        free.clear((size - 1) as usize);
        let mut free_blocks = Bits::full(nblocks as usize);
        if nblocks > 0 {
            free_blocks.clear(0);
            free_blocks.clear((nblocks - 1) as usize);
        }
        Ipv4Pool {
            cidr,
            base: u32::from(cidr.network()),
            size,
            free,
            free_blocks,
            delegated: vec![0; (nblocks as usize).div_ceil(64)],
            delegated_count: 0,
        }
    }

    /// The subnet block this pool allocates from.
    pub fn cidr(&self) -> Ipv4Net {
        self.cidr
    }

    /// Exact number of addresses that could still be handed out individually.
    pub fn available(&self) -> u32 {
        self.free.ones as u32
    }

    /// Number of /28 prefixes that could still be delegated.
    pub fn available_prefixes(&self) -> u32 {
        self.free_blocks.ones as u32
    }

    /// Number of /28 prefixes currently delegated.
    pub fn delegated_prefixes(&self) -> u32 {
        self.delegated_count
    }

    /// Whether `ip` is one of the subnet's five reserved addresses.
    pub fn is_reserved(&self, ip: Ipv4Addr) -> bool {
        self.offset(ip).is_some_and(|off| self.reserved_offset(off))
    }

    /// Whether `ip` is currently allocated individually (not merely inside a delegated prefix).
    pub fn is_allocated(&self, ip: Ipv4Addr) -> bool {
        self.offset(ip)
            .is_some_and(|off| self.allocated_offset(off))
    }

    /// Whether `ip` could be handed out individually right now.
    pub fn is_free(&self, ip: Ipv4Addr) -> bool {
        self.offset(ip)
            .is_some_and(|off| self.free.get(off as usize))
    }

    /// Allocates the specific address `ip`.
    pub fn allocate(&mut self, ip: Ipv4Addr) -> Result<(), AllocError> {
        let off = self.offset(ip).ok_or(AllocError::OutsideSubnet)?;
        if self.reserved_offset(off) {
            return Err(AllocError::Reserved);
        }
        if !self.free.get(off as usize) {
            return Err(AllocError::InUse);
        }
        self.take(off);
        Ok(())
    }

    /// Allocates a free address: the first free one at or after a random offset, wrapping.
    pub fn allocate_any<R: Rng + ?Sized>(&mut self, rng: &mut R) -> Result<Ipv4Addr, AllocError> {
        if self.free.ones == 0 {
            return Err(AllocError::Exhausted);
        }
        let start = rng.gen_range(0..self.size) as usize;
        let off = self
            .free
            .find_wrapping(start)
            .ok_or(AllocError::Exhausted)? as u32;
        self.take(off);
        Ok(self.addr(off))
    }

    /// Allocates `n` addresses, or none at all (`Exhausted`) if fewer than `n` are free.
    ///
    /// They form one run of free addresses from a single random start (wrapping), as EC2's
    /// own choices do: its API reference shows four secondaries 10.0.2.169–.172.
    pub fn allocate_many<R: Rng + ?Sized>(
        &mut self,
        n: usize,
        rng: &mut R,
    ) -> Result<Vec<Ipv4Addr>, AllocError> {
        if n > self.free.ones {
            return Err(AllocError::Exhausted);
        }
        let mut out = Vec::with_capacity(n);
        let mut next = if n == 0 {
            0
        } else {
            rng.gen_range(0..self.size) as usize
        };
        for _ in 0..n {
            // The count check above guarantees a free address exists for every round.
            let Some(off) = self.free.find_wrapping(next) else {
                for ip in out {
                    self.release(ip);
                }
                return Err(AllocError::Exhausted);
            };
            self.take(off as u32);
            out.push(self.addr(off as u32));
            next = (off + 1) % self.size as usize;
        }
        Ok(out)
    }

    /// Releases an individually allocated address; `true` if it was allocated.
    pub fn release(&mut self, ip: Ipv4Addr) -> bool {
        match self.offset(ip) {
            Some(off) if self.allocated_offset(off) => {
                self.give_back(off);
                true
            }
            _ => false,
        }
    }

    /// Delegates the specific /28 `prefix`.
    pub fn allocate_prefix(&mut self, prefix: Ipv4Net) -> Result<(), AllocError> {
        let b = self.prefix_block(prefix)?;
        if self.reserved_block(b) {
            return Err(AllocError::Reserved);
        }
        if !self.free_blocks.get(b as usize) {
            return Err(AllocError::InUse);
        }
        self.delegate(b);
        Ok(())
    }

    /// Delegates a free /28: the first entirely free block at or after a random block, wrapping.
    pub fn allocate_prefix_any<R: Rng + ?Sized>(
        &mut self,
        rng: &mut R,
    ) -> Result<Ipv4Net, AllocError> {
        if self.free_blocks.ones == 0 {
            return Err(AllocError::Exhausted);
        }
        let start = rng.gen_range(0..self.free_blocks.len as u32) as usize;
        let b = self
            .free_blocks
            .find_wrapping(start)
            .ok_or(AllocError::Exhausted)? as u32;
        self.delegate(b);
        Ok(self.block_net(b))
    }

    /// Delegates `n` /28 prefixes, or none at all (`Exhausted`) if fewer than `n` are free.
    pub fn allocate_prefixes<R: Rng + ?Sized>(
        &mut self,
        n: usize,
        rng: &mut R,
    ) -> Result<Vec<Ipv4Net>, AllocError> {
        if n > self.free_blocks.ones {
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

    /// Releases a delegated /28; `true` if it was delegated.
    pub fn release_prefix(&mut self, prefix: Ipv4Net) -> bool {
        match self.prefix_block(prefix) {
            Ok(b) if self.block_delegated(b) => {
                self.undelegate(b);
                true
            }
            _ => false,
        }
    }

    /// Whether `prefix` is currently delegated from this pool.
    pub fn is_prefix_delegated(&self, prefix: Ipv4Net) -> bool {
        self.prefix_block(prefix)
            .is_ok_and(|b| self.block_delegated(b))
    }

    /// The delegated /28 containing `ip`, if any.
    pub fn delegated_prefix_of(&self, ip: Ipv4Addr) -> Option<Ipv4Net> {
        let b = self.offset(ip)? / V4_BLOCK;
        self.block_delegated(b).then(|| self.block_net(b))
    }

    // --- internals ---

    fn offset(&self, ip: Ipv4Addr) -> Option<u32> {
        self.cidr
            .contains(&ip)
            .then(|| u32::from(ip).wrapping_sub(self.base))
    }

    fn addr(&self, off: u32) -> Ipv4Addr {
        Ipv4Addr::from(self.base.wrapping_add(off))
    }

    fn reserved_offset(&self, off: u32) -> bool {
        off < RESERVED_HEAD || off == self.size - 1
    }

    fn reserved_block(&self, b: u32) -> bool {
        b == 0 || b + 1 == self.size / V4_BLOCK
    }

    fn block_delegated(&self, b: u32) -> bool {
        let b = b as usize;
        self.delegated
            .get(b >> 6)
            .is_some_and(|w| (w >> (b & 63)) & 1 == 1)
    }

    fn allocated_offset(&self, off: u32) -> bool {
        off < self.size
            && !self.reserved_offset(off)
            && !self.free.get(off as usize)
            && !self.block_delegated(off / V4_BLOCK)
    }

    fn block_net(&self, b: u32) -> Ipv4Net {
        Ipv4Net::new(self.addr(b * V4_BLOCK), IPV4_PREFIX_LEN).unwrap_or(self.cidr)
    }

    /// Validates a /28 and returns its block index.
    fn prefix_block(&self, prefix: Ipv4Net) -> Result<u32, AllocError> {
        if prefix.prefix_len() != IPV4_PREFIX_LEN || prefix.addr() != prefix.network() {
            return Err(AllocError::Misaligned);
        }
        if !self.cidr.contains(&prefix) {
            return Err(AllocError::OutsideSubnet);
        }
        Ok(u32::from(prefix.network()).wrapping_sub(self.base) / V4_BLOCK)
    }

    fn take(&mut self, off: u32) {
        self.free.clear(off as usize);
        self.free_blocks.clear((off / V4_BLOCK) as usize);
    }

    fn give_back(&mut self, off: u32) {
        self.free.set(off as usize);
        let lane = (off & 0x30) as usize;
        if (self.free.word((off >> 6) as usize) >> lane) & 0xFFFF == 0xFFFF {
            self.free_blocks.set((off / V4_BLOCK) as usize);
        }
    }

    fn block_lane(b: u32) -> (usize, u64) {
        ((b >> 2) as usize, 0xFFFFu64 << ((b & 3) * 16))
    }

    fn delegate(&mut self, b: u32) {
        let (w, mask) = Self::block_lane(b);
        self.free.andnot_word(w, mask);
        self.free_blocks.clear(b as usize);
        if let Some(word) = self.delegated.get_mut((b >> 6) as usize) {
            *word |= 1u64 << (b & 63);
            self.delegated_count += 1;
        }
    }

    fn undelegate(&mut self, b: u32) {
        let (w, mask) = Self::block_lane(b);
        self.free.or_word(w, mask);
        self.free_blocks.set(b as usize);
        if let Some(word) = self.delegated.get_mut((b >> 6) as usize) {
            *word &= !(1u64 << (b & 63));
            self.delegated_count -= 1;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// IPv6
// ---------------------------------------------------------------------------------------------

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

#[cfg(test)]
mod tests {
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
        let net = |b: usize| {
            Ipv6Net::new(Ipv6Addr::from(base + (BLOCKS6[b] << 48)), 80).expect("valid len")
        };
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
                    } else if prefixes.contains(&n)
                        || singles.iter().any(|&s| s & !V6_BLOCK_MASK == n)
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
            let truth =
                (1u128 << 64) - 5 - singles.len() as u128 - ((prefixes.len() as u128) << 48);
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
}
