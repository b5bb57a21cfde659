//! Every subnet's pool of one address family, with the undo log of the current transaction,
//! and the one routine that takes what a request asks for (explicit addresses, explicit
//! prefixes, then counted ones) from a pool of either family.

use std::collections::HashMap;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{Ipv4Net, Ipv6Net};
use rand::Rng;

use super::{AllocError, Ipv4Pool, Ipv6Pool, IPV4_PREFIX_LEN, IPV6_PREFIX_LEN};
use crate::model::ids::SubnetId;

/// What the two pools have in common, so allocation is written once for both families.
pub trait AddressPool: Clone + fmt::Debug {
    type Addr: Copy + Eq + Ord + fmt::Display + fmt::Debug;
    type Net: Copy + Eq + Ord + fmt::Display + fmt::Debug;
    /// The length of a delegated prefix (/28, /80).
    const PREFIX_LEN: u8;

    fn allocate(&mut self, addr: Self::Addr) -> Result<(), AllocError>;
    fn allocate_many<R: Rng + ?Sized>(
        &mut self,
        n: usize,
        rng: &mut R,
    ) -> Result<Vec<Self::Addr>, AllocError>;
    fn release(&mut self, addr: Self::Addr) -> bool;
    fn allocate_prefix(&mut self, prefix: Self::Net) -> Result<(), AllocError>;
    fn allocate_prefixes<R: Rng + ?Sized>(
        &mut self,
        n: usize,
        rng: &mut R,
    ) -> Result<Vec<Self::Net>, AllocError>;
    fn release_prefix(&mut self, prefix: Self::Net) -> bool;
}

impl AddressPool for Ipv4Pool {
    type Addr = Ipv4Addr;
    type Net = Ipv4Net;
    const PREFIX_LEN: u8 = IPV4_PREFIX_LEN;

    fn allocate(&mut self, addr: Ipv4Addr) -> Result<(), AllocError> {
        Ipv4Pool::allocate(self, addr)
    }
    fn allocate_many<R: Rng + ?Sized>(
        &mut self,
        n: usize,
        rng: &mut R,
    ) -> Result<Vec<Ipv4Addr>, AllocError> {
        Ipv4Pool::allocate_many(self, n, rng)
    }
    fn release(&mut self, addr: Ipv4Addr) -> bool {
        Ipv4Pool::release(self, addr)
    }
    fn allocate_prefix(&mut self, prefix: Ipv4Net) -> Result<(), AllocError> {
        Ipv4Pool::allocate_prefix(self, prefix)
    }
    fn allocate_prefixes<R: Rng + ?Sized>(
        &mut self,
        n: usize,
        rng: &mut R,
    ) -> Result<Vec<Ipv4Net>, AllocError> {
        Ipv4Pool::allocate_prefixes(self, n, rng)
    }
    fn release_prefix(&mut self, prefix: Ipv4Net) -> bool {
        Ipv4Pool::release_prefix(self, prefix)
    }
}

impl AddressPool for Ipv6Pool {
    type Addr = Ipv6Addr;
    type Net = Ipv6Net;
    const PREFIX_LEN: u8 = IPV6_PREFIX_LEN;

    fn allocate(&mut self, addr: Ipv6Addr) -> Result<(), AllocError> {
        Ipv6Pool::allocate(self, addr)
    }
    fn allocate_many<R: Rng + ?Sized>(
        &mut self,
        n: usize,
        rng: &mut R,
    ) -> Result<Vec<Ipv6Addr>, AllocError> {
        Ipv6Pool::allocate_many(self, n, rng)
    }
    fn release(&mut self, addr: Ipv6Addr) -> bool {
        Ipv6Pool::release(self, addr)
    }
    fn allocate_prefix(&mut self, prefix: Ipv6Net) -> Result<(), AllocError> {
        Ipv6Pool::allocate_prefix(self, prefix)
    }
    fn allocate_prefixes<R: Rng + ?Sized>(
        &mut self,
        n: usize,
        rng: &mut R,
    ) -> Result<Vec<Ipv6Net>, AllocError> {
        Ipv6Pool::allocate_prefixes(self, n, rng)
    }
    fn release_prefix(&mut self, prefix: Ipv6Net) -> bool {
        Ipv6Pool::release_prefix(self, prefix)
    }
}

/// How to undo one operation on one subnet's pool.
#[derive(Debug, Clone)]
enum Undo<P: AddressPool> {
    Release(P::Addr),
    Allocate(P::Addr),
    ReleasePrefix(P::Net),
    AllocatePrefix(P::Net),
    Remove,
    Restore(P),
}

/// The pools of one family, by subnet.
#[derive(Debug)]
pub struct Pools<P: AddressPool> {
    pools: HashMap<SubnetId, P>,
    undo: Vec<(SubnetId, Undo<P>)>,
}

impl<P: AddressPool> Default for Pools<P> {
    fn default() -> Self {
        Pools {
            pools: HashMap::new(),
            undo: Vec::new(),
        }
    }
}

/// A copy has the same pools and an empty undo log.
impl<P: AddressPool> Clone for Pools<P> {
    fn clone(&self) -> Self {
        Pools {
            pools: self.pools.clone(),
            undo: Vec::new(),
        }
    }
}

/// What one request asks of one family of a subnet.
#[derive(Debug, Clone)]
pub struct Wanted<'a, P: AddressPool> {
    pub addresses: &'a [P::Addr],
    pub prefixes: &'a [P::Net],
    /// Batches of automatically chosen addresses, drawn one after the other (each one run
    /// from its own random start): CreateNetworkInterface draws its primary, then its
    /// secondaries.
    pub counts: &'a [usize],
    pub prefix_count: usize,
}

/// What [`Pools::take`] took: the counted addresses (per batch) and every prefix.
#[derive(Debug, Clone)]
pub struct Took<P: AddressPool> {
    pub counted: Vec<Vec<P::Addr>>,
    pub prefixes: Vec<P::Net>,
}

/// Why [`Pools::take`] could not take everything.
#[derive(Debug)]
pub enum TakeError<P: AddressPool> {
    Address(P::Addr, AllocError),
    Prefix(P::Net, AllocError),
    Exhausted,
}

impl<P: AddressPool> Pools<P> {
    pub fn get(&self, subnet: &SubnetId) -> Option<&P> {
        self.pools.get(subnet)
    }

    pub(in crate::model) fn add(&mut self, subnet: SubnetId, pool: P) {
        let undo = match self.pools.insert(subnet, pool) {
            Some(old) => Undo::Restore(old),
            None => Undo::Remove,
        };
        self.undo.push((subnet, undo));
    }

    pub(in crate::model) fn remove(&mut self, subnet: &SubnetId) -> Option<P> {
        let pool = self.pools.remove(subnet)?;
        self.undo.push((*subnet, Undo::Restore(pool.clone())));
        Some(pool)
    }

    fn pool(&mut self, subnet: &SubnetId) -> Result<&mut P, AllocError> {
        self.pools.get_mut(subnet).ok_or(AllocError::OutsideSubnet)
    }

    pub(in crate::model) fn allocate(
        &mut self,
        subnet: &SubnetId,
        addr: P::Addr,
    ) -> Result<(), AllocError> {
        self.pool(subnet)?.allocate(addr)?;
        self.undo.push((*subnet, Undo::Release(addr)));
        Ok(())
    }

    pub(in crate::model) fn allocate_many<R: Rng + ?Sized>(
        &mut self,
        subnet: &SubnetId,
        n: usize,
        rng: &mut R,
    ) -> Result<Vec<P::Addr>, AllocError> {
        let taken = self.pool(subnet)?.allocate_many(n, rng)?;
        for &addr in &taken {
            self.undo.push((*subnet, Undo::Release(addr)));
        }
        Ok(taken)
    }

    /// Gives an address back; `false` if it was not allocated.
    pub(in crate::model) fn release(&mut self, subnet: &SubnetId, addr: P::Addr) -> bool {
        let released = self.pool(subnet).is_ok_and(|p| p.release(addr));
        if released {
            self.undo.push((*subnet, Undo::Allocate(addr)));
        }
        released
    }

    pub(in crate::model) fn allocate_prefix(
        &mut self,
        subnet: &SubnetId,
        prefix: P::Net,
    ) -> Result<(), AllocError> {
        self.pool(subnet)?.allocate_prefix(prefix)?;
        self.undo.push((*subnet, Undo::ReleasePrefix(prefix)));
        Ok(())
    }

    pub(in crate::model) fn allocate_prefixes<R: Rng + ?Sized>(
        &mut self,
        subnet: &SubnetId,
        n: usize,
        rng: &mut R,
    ) -> Result<Vec<P::Net>, AllocError> {
        let taken = self.pool(subnet)?.allocate_prefixes(n, rng)?;
        for &prefix in &taken {
            self.undo.push((*subnet, Undo::ReleasePrefix(prefix)));
        }
        Ok(taken)
    }

    pub(in crate::model) fn release_prefix(&mut self, subnet: &SubnetId, prefix: P::Net) -> bool {
        let released = self.pool(subnet).is_ok_and(|p| p.release_prefix(prefix));
        if released {
            self.undo.push((*subnet, Undo::AllocatePrefix(prefix)));
        }
        released
    }

    /// Takes what `wanted` asks for, in this order: the explicit addresses, the explicit
    /// prefixes, each batch of counted addresses, the counted prefixes. Explicit ones go
    /// first so a random pick never takes an address the same request names. On an error
    /// some of it may be taken: the transaction's rollback gives it back.
    pub(in crate::model) fn take<R: Rng + ?Sized>(
        &mut self,
        subnet: &SubnetId,
        wanted: &Wanted<'_, P>,
        rng: &mut R,
    ) -> Result<Took<P>, TakeError<P>> {
        for &addr in wanted.addresses {
            self.allocate(subnet, addr)
                .map_err(|e| TakeError::Address(addr, e))?;
        }
        let mut prefixes = Vec::with_capacity(wanted.prefixes.len() + wanted.prefix_count);
        for &prefix in wanted.prefixes {
            self.allocate_prefix(subnet, prefix)
                .map_err(|e| TakeError::Prefix(prefix, e))?;
            prefixes.push(prefix);
        }
        let mut counted = Vec::with_capacity(wanted.counts.len());
        for &n in wanted.counts {
            let batch = if n == 0 {
                Vec::new()
            } else {
                self.allocate_many(subnet, n, rng)
                    .map_err(|_| TakeError::Exhausted)?
            };
            counted.push(batch);
        }
        if wanted.prefix_count > 0 {
            let more = self
                .allocate_prefixes(subnet, wanted.prefix_count, rng)
                .map_err(|_| TakeError::Exhausted)?;
            prefixes.extend(more);
        }
        Ok(Took { counted, prefixes })
    }

    /// Undoes every operation since the last commit, newest first.
    pub(in crate::model) fn rollback(&mut self) {
        while let Some((subnet, undo)) = self.undo.pop() {
            match undo {
                Undo::Remove => {
                    self.pools.remove(&subnet);
                }
                Undo::Restore(pool) => {
                    self.pools.insert(subnet, pool);
                }
                undo => {
                    let Some(pool) = self.pools.get_mut(&subnet) else {
                        continue;
                    };
                    match undo {
                        Undo::Release(a) => {
                            pool.release(a);
                        }
                        Undo::Allocate(a) => {
                            let _ = pool.allocate(a);
                        }
                        Undo::ReleasePrefix(p) => {
                            pool.release_prefix(p);
                        }
                        Undo::AllocatePrefix(p) => {
                            let _ = pool.allocate_prefix(p);
                        }
                        Undo::Remove | Undo::Restore(_) => {}
                    }
                }
            }
        }
    }

    pub(in crate::model) fn commit(&mut self) {
        self.undo.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ids::ResourceId;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn rollback_gives_back_everything_taken() {
        let subnet = SubnetId::try_parse("subnet-0123456789abcdef0").unwrap();
        let mut pools: Pools<Ipv4Pool> = Pools::default();
        pools.add(subnet, Ipv4Pool::new("10.0.0.0/24".parse().unwrap()));
        pools.commit();
        let free = pools.get(&subnet).unwrap().available();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let wanted = Wanted::<Ipv4Pool> {
            addresses: &["10.0.0.10".parse().unwrap()],
            prefixes: &["10.0.0.32/28".parse().unwrap()],
            counts: &[1, 3],
            prefix_count: 1,
        };
        let took = pools.take(&subnet, &wanted, &mut rng).unwrap();
        assert_eq!(took.counted.iter().map(Vec::len).sum::<usize>(), 4);
        assert_eq!(took.prefixes.len(), 2);
        assert!(pools.get(&subnet).unwrap().available() < free);
        pools.rollback();
        assert_eq!(pools.get(&subnet).unwrap().available(), free);
        assert_eq!(pools.get(&subnet).unwrap().delegated_prefixes(), 0);

        // A failure half-way: the explicit address is taken, the reserved one is refused.
        let wanted = Wanted::<Ipv4Pool> {
            addresses: &["10.0.0.10".parse().unwrap(), "10.0.0.1".parse().unwrap()],
            prefixes: &[],
            counts: &[],
            prefix_count: 0,
        };
        let err = pools.take(&subnet, &wanted, &mut rng).unwrap_err();
        let reserved: Ipv4Addr = "10.0.0.1".parse().unwrap();
        assert!(
            matches!(err, TakeError::Address(a, AllocError::Reserved) if a == reserved),
            "{err:?}"
        );
        pools.rollback();
        assert_eq!(pools.get(&subnet).unwrap().available(), free);
    }
}
