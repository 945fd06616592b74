//! **T10 — Newton polytope calculus** (Maclagan & Sturmfels, *Introduction to Tropical Geometry*,
//! §2.3 / §3.1; Zhang–Naitzat–Lim 2018 §3; SPEC §3 T10).
//!
//! *Inputs.* Tropical polynomials `f, g` in `n ≤ 2` variables with integer exponents in `[−2, 2]`
//! (repeated exponents, collinear exponents and equal coefficients generated).
//! *Conclusion.* `P(f ⊙ g) = P(f) + P(g)` and `P(f ⊕ g) = conv(P(f) ∪ P(g))` (Newton polytopes =
//! convex hulls of exponents); and the linear regions (here: cells, each a maximal open set on which
//! one monomial class strictly wins) of `f` are in bijection with the upper-hull vertices of the
//! lifted Newton points `(α_i, c_i)`.
//!
//! *Two ways.* Vertex sets via `Polyhedron::from_points` of (a) the product's / sum's own exponents
//! (`tropical_algebra::polynomial`) and (b) the Minkowski sum of the vertex sets / the union,
//! computed here; evaluations `(f⊙g)(x) = f(x)+g(x)`, `(f⊕g)(x) = max` exactly at sample points;
//! cells of `f` by the walk (`refinement_cells`) vs `upper_hull` of the lifted points (distinct).

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::collections::BTreeSet;
use tropical_algebra::polynomial::{Monomial, TropicalPolynomial};
use tropical_algebra::semiring::MaxPlus;
use tropical_algebra::{Rat, Scalar};
use tropical_geometry::cells::{refinement_cells, Domain, MaxAffine, WalkOptions};
use tropical_geometry::polyhedron::{upper_hull, Polyhedron};

/// SPEC id.
pub const ID: &str = "T10";
/// One-line statement.
pub const STATEMENT: &str = "P(f⊙g) = P(f)+P(g), P(f⊕g) = conv(P(f)∪P(g)); linear regions of f ↔ upper vertices of the lifted Newton polytope";

/// `(f, g, sample points)`.
pub type Instance = (
    TropicalPolynomial<Rat>,
    TropicalPolynomial<Rat>,
    Vec<Vec<Rat>>,
);

/// A random polynomial in `n` variables.
fn poly(n: usize) -> BoxedStrategy<TropicalPolynomial<Rat>> {
    prop::collection::vec(
        (
            prop::collection::vec(-2i64..=2, n),
            crate::strategies::small_int(3),
        ),
        1..=5,
    )
    .prop_map(move |ts| {
        TropicalPolynomial::new(
            n,
            ts.into_iter()
                .map(|(exponent, coeff)| Monomial { exponent, coeff })
                .collect(),
        )
        .expect("valid")
    })
    .boxed()
}

/// `(f, g, sample points)`.
pub fn strategy() -> impl Strategy<
    Value = (
        TropicalPolynomial<Rat>,
        TropicalPolynomial<Rat>,
        Vec<Vec<Rat>>,
    ),
> {
    (1usize..=2).prop_flat_map(|n| {
        (
            poly(n),
            poly(n),
            prop::collection::vec(prop::collection::vec(crate::strategies::small_rat(4), n), 3),
        )
    })
}

fn exps(f: &TropicalPolynomial<Rat>) -> Vec<Vec<Rat>> {
    f.terms()
        .iter()
        .map(|t| t.exponent.iter().map(|&a| Rat::from_i64(a)).collect())
        .collect()
}

fn vertex_set(points: &[Vec<Rat>]) -> Result<BTreeSet<Vec<Rat>>, String> {
    let p = Polyhedron::from_points(points).map_err(|e| e.to_string())?;
    Ok(p.vertices().iter().cloned().collect())
}

fn fin(v: MaxPlus<Rat>) -> Option<Rat> {
    v.finite().cloned()
}

/// The check.
pub fn check(
    inst: &(
        TropicalPolynomial<Rat>,
        TropicalPolynomial<Rat>,
        Vec<Vec<Rat>>,
    ),
) -> Result<(), TestCaseError> {
    let fail = TestCaseError::fail;
    let (f, g, xs) = inst;
    let prod = f.mul(g).map_err(|e| fail(e.to_string()))?;
    let sum = f.add(g).map_err(|e| fail(e.to_string()))?;
    let vf = vertex_set(&exps(f)).map_err(fail)?;
    let vg = vertex_set(&exps(g)).map_err(fail)?;
    let mink: Vec<Vec<Rat>> = vf
        .iter()
        .flat_map(|a| {
            vg.iter()
                .map(move |b| a.iter().zip(b).map(|(x, y)| x.clone() + y).collect())
        })
        .collect();
    if vertex_set(&exps(&prod)).map_err(fail)? != vertex_set(&mink).map_err(fail)? {
        return Err(fail("P(f⊙g) ≠ P(f) + P(g)".to_string()));
    }
    let union: Vec<Vec<Rat>> = vf.iter().chain(vg.iter()).cloned().collect();
    if vertex_set(&exps(&sum)).map_err(fail)? != vertex_set(&union).map_err(fail)? {
        return Err(fail("P(f⊕g) ≠ conv(P(f) ∪ P(g))".to_string()));
    }
    for x in xs {
        let (a, b) = (
            fin(f.eval(x).map_err(|e| fail(e.to_string()))?),
            fin(g.eval(x).map_err(|e| fail(e.to_string()))?),
        );
        let p = fin(prod.eval(x).map_err(|e| fail(e.to_string()))?);
        let s = fin(sum.eval(x).map_err(|e| fail(e.to_string()))?);
        if p != a.clone().zip(b.clone()).map(|(u, v)| u + v) || s != a.max(b) {
            return Err(fail(format!("evaluation at {x:?}")));
        }
    }
    // Linear regions of f vs upper vertices of its lifted Newton points.
    let lifted = f.lifted_newton_points();
    let n = f.nvars();
    let ma = MaxAffine::new(
        lifted.iter().map(|p| p[..n].to_vec()).collect(),
        lifted.iter().map(|p| p[n].clone()).collect(),
    )
    .map_err(|e| fail(e.to_string()))?;
    let cells = refinement_cells(&[ma], &Domain::Whole(n), &WalkOptions::default())
        .map_err(|e| fail(e.to_string()))?;
    let up: BTreeSet<Vec<Rat>> = upper_hull(&lifted)
        .map_err(|e| fail(e.to_string()))?
        .into_iter()
        .map(|i| lifted[i].clone())
        .collect();
    let cell_pts: BTreeSet<Vec<Rat>> = cells
        .cells
        .iter()
        .map(|c| lifted[c.labels[0]].clone())
        .collect();
    if up != cell_pts || cells.cells.len() != up.len() {
        return Err(fail(format!(
            "cells {:?} vs upper vertices {up:?}",
            cell_pts
        )));
    }
    Ok(())
}

/// Run.
pub fn run(cases: u32) -> Result<(), crate::config::Failure<Instance>> {
    crate::config::run_property(&strategy(), cases, check)
}
