//! Insertion orders for the double description: the order in which the inequalities are added.
//!
//! The extreme rays of the final cone do not depend on the order, but the intermediate cones do,
//! and on some inputs one order creates orders of magnitude more intermediate rays than another
//! (Fukuda–Prodon 1996, §4; Avis–Bremner–Seidel 1997 on how good are convex hull algorithms).
//! The orders are those of cdd (`lexmin`, `minindex`, `maxindex`, `random`, `mincutoff`,
//! `maxcutoff`) plus `mincost`, a dynamic order that adds next the inequality with the fewest
//! candidate pairs `|positive rays| × |negative rays|` (an upper bound on the rays it creates).
//!
//! Main items: [`Order`] (the choice), [`static_order`] (the sequence of a static order),
//! [`pick_dynamic`] (the next inequality of a dynamic order).
//!
//! Implementation notes: the random order is a Fisher–Yates shuffle driven by SplitMix64, so a
//! seed always gives the same permutation on every platform. Dynamic orders break ties by the
//! lexicographic order of the rows, so every run is deterministic.
//!
//! References: K. Fukuda, A. Prodon, *Double description method revisited*, 1996; cddlib's
//! `dd_RowOrderType`.

use super::linalg::IVec;

/// The order in which the double description adds the inequalities.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// Lexicographically increasing rows (cdd's default).
    LexMin,
    /// Input order.
    MinIndex,
    /// Reverse input order.
    MaxIndex,
    /// A pseudo-random permutation, fixed by the seed.
    Random(u64),
    /// Dynamic: next the inequality that cuts off the fewest current rays.
    MinCutoff,
    /// Dynamic: next the inequality that cuts off the most current rays.
    MaxCutoff,
    /// Dynamic: next the inequality with the fewest candidate pairs (positive × negative rays).
    MinCost,
}

impl Order {
    /// Whether the order is decided step by step from the current rays.
    pub fn is_dynamic(self) -> bool {
        matches!(self, Order::MinCutoff | Order::MaxCutoff | Order::MinCost)
    }

    /// Every order, with `seed` for [`Order::Random`].
    pub fn all(seed: u64) -> [Order; 7] {
        [
            Order::LexMin,
            Order::MinIndex,
            Order::MaxIndex,
            Order::Random(seed),
            Order::MinCutoff,
            Order::MaxCutoff,
            Order::MinCost,
        ]
    }
}

/// The indices `0..rows.len()` in lexicographic order of the rows (ties by index).
pub(crate) fn lex_order(rows: &[IVec]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&i, &j| rows[i].cmp(&rows[j]).then(i.cmp(&j)));
    order
}

/// The insertion sequence of a static order; for a dynamic order, the lexicographic order (its
/// tie-break).
pub(crate) fn static_order(order: Order, rows: &[IVec]) -> Vec<usize> {
    let m = rows.len();
    match order {
        Order::MinIndex => (0..m).collect(),
        Order::MaxIndex => (0..m).rev().collect(),
        Order::Random(seed) => {
            let mut v: Vec<usize> = (0..m).collect();
            let mut state = seed;
            for i in (1..m).rev() {
                let j = (splitmix64(&mut state) % (i as u64 + 1)) as usize;
                v.swap(i, j);
            }
            v
        }
        _ => lex_order(rows),
    }
}

/// One step of SplitMix64 (Steele–Lea–Flood 2014).
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The position in `candidates` of the next inequality of the dynamic `order`, given for each
/// candidate its numbers of positive and negative current rays; the first one wins ties
/// (`candidates` are in tie-break order).
pub(crate) fn pick_dynamic(order: Order, counts: &[(usize, usize)]) -> usize {
    let key = |&(p, q): &(usize, usize)| -> u128 {
        match order {
            Order::MinCutoff => q as u128,
            Order::MaxCutoff => u128::MAX - q as u128,
            _ => p as u128 * q as u128,
        }
    };
    let mut best = 0;
    for (k, c) in counts.iter().enumerate() {
        if key(c) < key(&counts[best]) {
            best = k;
        }
    }
    best
}
