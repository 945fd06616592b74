//! A fixed-width bitset for incidence (zero) sets.

/// A set of small integers as packed bits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Bits(Vec<u64>);

impl Bits {
    /// The empty set over `0..n`.
    pub(crate) fn new(n: usize) -> Self {
        Bits(vec![0; n.div_ceil(64)])
    }
    /// Insert `i`.
    pub(crate) fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    /// Whether `i` is in the set.
    pub(crate) fn get(&self, i: usize) -> bool {
        self.0[i / 64] >> (i % 64) & 1 == 1
    }
    /// Intersection.
    pub(crate) fn and(&self, o: &Bits) -> Bits {
        Bits(self.0.iter().zip(&o.0).map(|(a, b)| a & b).collect())
    }
    /// `self ← a ∩ b` (reusing `self`'s storage).
    pub(crate) fn set_and(&mut self, a: &Bits, b: &Bits) {
        self.0.clear();
        self.0.extend(a.0.iter().zip(&b.0).map(|(x, y)| x & y));
    }
    /// `|self ∩ o|`, without building the intersection.
    pub(crate) fn and_count(&self, o: &Bits) -> usize {
        self.0
            .iter()
            .zip(&o.0)
            .map(|(a, b)| (a & b).count_ones() as usize)
            .sum()
    }
    /// `self ⊆ o`.
    pub(crate) fn is_subset(&self, o: &Bits) -> bool {
        self.0.iter().zip(&o.0).all(|(a, b)| a & !b == 0)
    }
    /// Number of elements.
    pub(crate) fn count(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }
    /// The elements in increasing order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(k, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let t = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(k * 64 + t)
            })
        })
    }
    /// The elements in increasing order.
    pub(crate) fn ones(&self) -> Vec<usize> {
        self.iter().collect()
    }
}

/// The transpose of an incidence relation: `sets[i]` ⊆ `0..width`; returns, for each
/// `j < width`, the set `{i : j ∈ sets[i]}` ⊆ `0..sets.len()`.
pub(crate) fn transpose(sets: &[Bits], width: usize) -> Vec<Bits> {
    let mut out = vec![Bits::new(sets.len()); width];
    for (i, s) in sets.iter().enumerate() {
        for j in s.iter() {
            out[j].set(i);
        }
    }
    out
}
