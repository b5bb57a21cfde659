//! The IPv4 pool: a /16 to /28 subnet block over two bitmaps (single addresses and /28 blocks).

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use rand::Rng;

use super::bits::Bits;
use super::{AllocError, IPV4_PREFIX_LEN, RESERVED_HEAD, V4_BLOCK};

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
