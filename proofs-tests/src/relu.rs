//! ReLU networks as tropical rational maps (Zhang, Naitzat & Lim, "Tropical geometry of deep neural
//! networks", ICML 2018, §5), activation-pattern cells, and their two independent counts.
//!
//! `tropical_attention::ReluNet` has no tropical form, so the recursion lives here: a layer input
//! `ρ = F − G` (componentwise, `F`, `G` max-affine), `W = W⁺ − W⁻` (positive/negative parts), gives
//! `Wρ + b = H − G'` with `H = W⁺F + W⁻G + b`, `G' = W⁺G + W⁻F`, and `ReLU(H − G') = max(H, G') − G'`.
//! Nonnegative combinations of max-affine functions are max-affine (tropical products/powers: pieces
//! add pairwise), so every output is `F − G` exactly.

use std::collections::BTreeMap;

use tropical_algebra::{Rat, Scalar};
use tropical_attention::ReluNet;
use tropical_geometry::cells::{CellOracle, MaxAffine, OracleCell};
use tropical_geometry::lp::interior_point;
use tropical_geometry::{GeometryError, Halfspace, Hyperplane};

/// `(F, G)` with the function equal to `F − G`.
pub type TropicalRational = (MaxAffine<Rat>, MaxAffine<Rat>);

/// Chooses a neuron's activation from (layer, index, affine pre-activation); `None` = on a wall.
type PatternFn<'a> = dyn Fn(usize, usize, &(Vec<Rat>, Rat)) -> Option<bool> + 'a;

/// Cap on pieces of one max-affine function (the recursion is exponential).
pub const MAX_PIECES: usize = 50_000;

/// Max-affine `x ↦ max_j ⟨a_j,x⟩ + b_j` with safe pruning: for each slope keep only the largest
/// offset (a piece with the same slope and a smaller offset is never maximal).
fn normalise(pieces: BTreeMap<Vec<Rat>, Rat>) -> MaxAffine<Rat> {
    let (slopes, offsets) = pieces.into_iter().unzip();
    MaxAffine { slopes, offsets }
}

fn collect(it: impl IntoIterator<Item = (Vec<Rat>, Rat)>) -> Result<MaxAffine<Rat>, String> {
    let mut m: BTreeMap<Vec<Rat>, Rat> = BTreeMap::new();
    for (a, b) in it {
        match m.get_mut(&a) {
            Some(o) if *o >= b => {}
            Some(o) => *o = b,
            None => {
                m.insert(a, b);
            }
        }
        if m.len() > MAX_PIECES {
            return Err(format!("more than {MAX_PIECES} pieces"));
        }
    }
    Ok(normalise(m))
}

/// The constant `c` as a max-affine function of `x ∈ Q^d`.
pub fn constant(d: usize, c: Rat) -> MaxAffine<Rat> {
    MaxAffine {
        slopes: vec![vec![Rat::zero(); d]],
        offsets: vec![c],
    }
}

/// `Σ_k c_k f_k + b` for `c_k ≥ 0` (tropical product of tropical powers).
pub fn nonneg_combination(
    d: usize,
    terms: &[(Rat, &MaxAffine<Rat>)],
    b: Rat,
) -> Result<MaxAffine<Rat>, String> {
    let mut acc = constant(d, b);
    for (c, f) in terms {
        if c.is_zero() {
            continue;
        }
        let mut out = Vec::with_capacity(acc.len() * f.len());
        for i in 0..acc.len() {
            for j in 0..f.len() {
                let a: Vec<Rat> = (0..d)
                    .map(|k| acc.slopes[i][k].clone() + f.slopes[j][k].clone() * c)
                    .collect();
                out.push((a, acc.offsets[i].clone() + f.offsets[j].clone() * c));
            }
        }
        acc = collect(out)?;
    }
    Ok(acc)
}

/// `max(f, g)` (tropical sum).
pub fn tropical_sum(f: &MaxAffine<Rat>, g: &MaxAffine<Rat>) -> Result<MaxAffine<Rat>, String> {
    collect(
        (0..f.len())
            .map(|i| (f.slopes[i].clone(), f.offsets[i].clone()))
            .chain((0..g.len()).map(|i| (g.slopes[i].clone(), g.offsets[i].clone()))),
    )
}

/// The tropical rational form `(F_i, G_i)` of every output of `net` (Zhang–Naitzat–Lim recursion).
pub fn tropical_rational(net: &ReluNet<Rat>) -> Result<Vec<TropicalRational>, String> {
    let d = net.layers[0].0.cols();
    // Input coordinates: x_k = F − G with F = x_k (one piece), G = 0.
    let mut cur: Vec<(MaxAffine<Rat>, MaxAffine<Rat>)> = (0..d)
        .map(|k| {
            let mut e = vec![Rat::zero(); d];
            e[k] = Rat::one();
            (
                MaxAffine {
                    slopes: vec![e],
                    offsets: vec![Rat::zero()],
                },
                constant(d, Rat::zero()),
            )
        })
        .collect();
    let last = net.layers.len() - 1;
    for (l, (w, b)) in net.layers.iter().enumerate() {
        let mut next = Vec::with_capacity(w.rows());
        for i in 0..w.rows() {
            let mut h_terms = Vec::new();
            let mut g_terms = Vec::new();
            for (k, (f, g)) in cur.iter().enumerate() {
                let wik = w.get(i, k).clone();
                if wik.is_positive() {
                    h_terms.push((wik.clone(), f));
                    g_terms.push((wik, g));
                } else if wik.is_negative() {
                    h_terms.push((-wik.clone(), g));
                    g_terms.push((-wik, f));
                }
            }
            let h = nonneg_combination(d, &h_terms, b[i].clone())?;
            let g = nonneg_combination(d, &g_terms, Rat::zero())?;
            next.push(if l < last {
                (tropical_sum(&h, &g)?, g)
            } else {
                (h, g)
            });
        }
        cur = next;
    }
    Ok(cur)
}

/// Direct exact evaluation (independent of `tropical_attention`'s compiler).
pub fn eval_direct(net: &ReluNet<Rat>, x: &[Rat]) -> Vec<Rat> {
    let mut v = x.to_vec();
    let last = net.layers.len() - 1;
    for (l, (w, b)) in net.layers.iter().enumerate() {
        v = (0..w.rows())
            .map(|i| {
                let s: Rat = w
                    .row(i)
                    .iter()
                    .zip(&v)
                    .map(|(a, c)| a.clone() * c)
                    .sum::<Rat>()
                    + &b[i];
                if l < last && s.is_negative() {
                    Rat::zero()
                } else {
                    s
                }
            })
            .collect();
    }
    v
}

/// Affine map of `x` (rows `A`, offset `c`) for each hidden layer's pre-activations under a fixed
/// activation pattern; returns for each hidden neuron its affine pre-activation.
fn pre_activations(
    net: &ReluNet<Rat>,
    pattern: &PatternFn<'_>,
) -> Option<Vec<(Vec<Rat>, Rat, bool)>> {
    let d = net.layers[0].0.cols();
    let mut a: Vec<Vec<Rat>> = (0..d)
        .map(|k| {
            (0..d)
                .map(|c| if c == k { Rat::one() } else { Rat::zero() })
                .collect()
        })
        .collect();
    let mut c: Vec<Rat> = vec![Rat::zero(); d];
    let mut out = Vec::new();
    for (l, (w, b)) in net.layers.iter().enumerate().take(net.layers.len() - 1) {
        let mut na = Vec::with_capacity(w.rows());
        let mut nc = Vec::with_capacity(w.rows());
        for i in 0..w.rows() {
            let row: Vec<Rat> = (0..d)
                .map(|k| (0..a.len()).map(|m| w.get(i, m).clone() * &a[m][k]).sum())
                .collect();
            let off: Rat = (0..a.len())
                .map(|m| w.get(i, m).clone() * &c[m])
                .sum::<Rat>()
                + &b[i];
            let on = pattern(l, i, &(row.clone(), off.clone()))?;
            if on {
                na.push(row.clone());
                nc.push(off.clone());
            } else {
                na.push(vec![Rat::zero(); d]);
                nc.push(Rat::zero());
            }
            out.push((row, off, on));
        }
        a = na;
        c = nc;
    }
    Some(out)
}

fn halfspace_of(row: &[Rat], off: &Rat, on: bool) -> Halfspace<Rat> {
    // on: row·x + off ≥ 0 ⇔ −row·x ≤ off; off: row·x + off ≤ 0 ⇔ row·x ≤ −off.
    if on {
        Halfspace {
            normal: row.iter().map(|v| -v.clone()).collect(),
            offset: off.clone(),
        }
    } else {
        Halfspace {
            normal: row.to_vec(),
            offset: -off.clone(),
        }
    }
}

/// Point-location oracle for the activation cells (label = sign pattern of all hidden neurons).
pub struct ReluOracle<'a> {
    /// The network.
    pub net: &'a ReluNet<Rat>,
}

impl CellOracle<Rat> for ReluOracle<'_> {
    type Label = Vec<bool>;
    fn dim(&self) -> usize {
        self.net.layers[0].0.cols()
    }
    fn locate(&self, x: &[Rat]) -> Result<Option<OracleCell<Rat, Vec<bool>>>, GeometryError> {
        let pre = pre_activations(self.net, &|_, _, (row, off)| {
            if row.iter().all(Scalar::is_zero) {
                // Constant pre-activation on this cell: no wall; ReLU(0) = 0 counts as off.
                return Some(off.is_positive());
            }
            let v: Rat = row.iter().zip(x).map(|(a, b)| a.clone() * b).sum::<Rat>() + off;
            if v.is_zero() {
                None
            } else {
                Some(v.is_positive())
            }
        });
        Ok(pre.map(|p| OracleCell {
            label: p.iter().map(|t| t.2).collect(),
            halfspaces: p
                .iter()
                .filter(|(row, _, _)| row.iter().any(|v| !v.is_zero()))
                .map(|(row, off, on)| halfspace_of(row, off, *on))
                .collect(),
        }))
    }
}

/// Count activation cells by brute force: one strict-feasibility LP per sign pattern.
pub fn activation_cells_brute_force(net: &ReluNet<Rat>) -> Result<usize, String> {
    let hidden: usize = net.layers[..net.layers.len() - 1]
        .iter()
        .map(|(w, _)| w.rows())
        .sum();
    if hidden > 16 {
        return Err("too many hidden neurons for brute force".into());
    }
    let widths: Vec<usize> = net.layers.iter().map(|(w, _)| w.rows()).collect();
    let mut count = 0;
    for mask in 0u32..(1 << hidden) {
        let bit = |l: usize, i: usize| {
            let idx: usize = widths[..l].iter().sum::<usize>() + i;
            mask >> idx & 1 == 1
        };
        let pre = pre_activations(net, &|l, i, _| Some(bit(l, i))).expect("never None");
        let mut hs = Vec::new();
        let mut impossible = false;
        for (row, off, on) in &pre {
            if row.iter().all(Scalar::is_zero) {
                // Constant pre-activation: no wall; "on" iff the constant is > 0 (as in the oracle).
                if *on != off.is_positive() {
                    impossible = true;
                }
            } else {
                hs.push(halfspace_of(row, off, *on));
            }
        }
        if impossible {
            continue;
        }
        if hs.is_empty()
            || interior_point(&hs, &[] as &[Hyperplane<Rat>])
                .map_err(|e| e.to_string())?
                .is_some()
        {
            count += 1;
        }
    }
    Ok(count)
}
