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
//!
//! [`Pools`] keeps every subnet's pool of one family with an undo log of the operations of
//! the current transaction, so a refused request gives back everything it took by itself.

mod bits;
mod ipv4;
mod ipv6;
mod pools;
#[cfg(test)]
mod tests;

pub use ipv4::Ipv4Pool;
pub use ipv6::Ipv6Pool;
pub use pools::{AddressPool, Pools, TakeError, Took, Wanted};

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
pub(super) const RESERVED_HEAD: u32 = 4;
/// Addresses per delegated IPv4 prefix.
pub(super) const V4_BLOCK: u32 = 1 << (32 - IPV4_PREFIX_LEN);
/// Host bits of a delegated IPv6 prefix.
pub(super) const V6_BLOCK_BITS: u32 = 128 - IPV6_PREFIX_LEN as u32;
pub(super) const V6_BLOCK_MASK: u128 = (1u128 << V6_BLOCK_BITS) - 1;
/// Random candidates tried by the IPv6 pool before falling back to a scan.
pub(super) const V6_RANDOM_TRIES: usize = 64;
