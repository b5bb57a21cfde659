//! A three-level bitmap: "first set bit at or after `i`" in a bounded number of word operations.

/// Bit set of up to 64³ bits with summaries, answering "first set bit at or after `i`" in O(1).
///
/// `l1` bit `w` is set iff `l0[w] != 0`; `l2` bit `s` is set iff `l1[s] != 0`.
/// Bits at positions `>= len` are never set.
#[derive(Debug, Clone)]
pub(super) struct Bits {
    pub(super) len: usize,
    l0: Vec<u64>,
    l1: Vec<u64>,
    l2: u64,
    pub(super) ones: usize,
}

impl Bits {
    const MAX_LEN: usize = 64 * 64 * 64;

    pub(super) fn empty(len: usize) -> Self {
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

    pub(super) fn full(len: usize) -> Self {
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

    pub(super) fn get(&self, i: usize) -> bool {
        i < self.len && (self.l0[i >> 6] >> (i & 63)) & 1 == 1
    }

    pub(super) fn word(&self, w: usize) -> u64 {
        self.l0.get(w).copied().unwrap_or(0)
    }

    /// Sets the bits of `mask` in word `w`; the caller only passes bits below `len`.
    pub(super) fn or_word(&mut self, w: usize, mask: u64) {
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
    pub(super) fn andnot_word(&mut self, w: usize, mask: u64) {
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

    pub(super) fn set(&mut self, i: usize) {
        if i < self.len {
            self.or_word(i >> 6, 1u64 << (i & 63));
        }
    }

    pub(super) fn clear(&mut self, i: usize) {
        if i < self.len {
            self.andnot_word(i >> 6, 1u64 << (i & 63));
        }
    }

    /// First set bit at or after `start`, without wrapping.
    pub(super) fn find_from(&self, start: usize) -> Option<usize> {
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
    pub(super) fn find_wrapping(&self, start: usize) -> Option<usize> {
        match self.find_from(start) {
            Some(i) => Some(i),
            None if start > 0 => self.find_from(0),
            None => None,
        }
    }
}
