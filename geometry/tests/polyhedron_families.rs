//! Known f-vectors of classical polytopes (snapshots) and Euler's relation on every one.
//!
//! The snapshot values are textbook formulas (Ziegler, *Lectures on Polytopes*; Grünbaum,
//! *Convex Polytopes*): d-cube `f_i = 2^{d−i} C(d,i)`; cross-polytope `f_i = 2^{i+1} C(d,i+1)`;
//! simplex `f_i = C(d+1,i+1)`; cyclic `C(n,4)`: `(n, C(n,2), n(n−3), n(n−3)/2)`; permutahedron
//! `Π_{n−1}`: `f_k = (n−k)! S(n, n−k)`; hypersimplex `Δ(k,n)`: `n` or `2n` facets.

use tropical_algebra::{Rat, Scalar};
use tropical_geometry::polyhedron::Polyhedron;

fn r(x: i64) -> Rat {
    Rat::from_i64(x)
}

fn cube(d: usize) -> Vec<Vec<Rat>> {
    (0..1u32 << d)
        .map(|m| (0..d).map(|i| r(((m >> i) & 1) as i64)).collect())
        .collect()
}

fn cross(d: usize) -> Vec<Vec<Rat>> {
    let mut pts = Vec::new();
    for i in 0..d {
        for s in [-1, 1] {
            let mut p = vec![r(0); d];
            p[i] = r(s);
            pts.push(p);
        }
    }
    pts
}

fn simplex(d: usize) -> Vec<Vec<Rat>> {
    let mut pts = vec![vec![r(0); d]];
    for i in 0..d {
        let mut p = vec![r(0); d];
        p[i] = r(1);
        pts.push(p);
    }
    pts
}

fn cyclic(n: i64, d: u32) -> Vec<Vec<Rat>> {
    (1..=n)
        .map(|t| (1..=d).map(|k| r(t.pow(k))).collect())
        .collect()
}

fn permutations(n: usize) -> Vec<Vec<Rat>> {
    fn rec(cur: &mut Vec<i64>, used: &mut Vec<bool>, out: &mut Vec<Vec<Rat>>) {
        if cur.len() == used.len() {
            out.push(cur.iter().map(|&x| r(x)).collect());
            return;
        }
        for i in 0..used.len() {
            if !used[i] {
                used[i] = true;
                cur.push(i as i64 + 1);
                rec(cur, used, out);
                cur.pop();
                used[i] = false;
            }
        }
    }
    let mut out = Vec::new();
    rec(&mut Vec::new(), &mut vec![false; n], &mut out);
    out
}

fn hypersimplex(k: u32, n: usize) -> Vec<Vec<Rat>> {
    (0..1u32 << n)
        .filter(|m| m.count_ones() == k)
        .map(|m| (0..n).map(|i| r(((m >> i) & 1) as i64)).collect())
        .collect()
}

/// Euler–Poincaré: for a `d`-polytope, `Σ_{i<d} (−1)^i f_i = 1 − (−1)^d`.
fn euler_holds(f: &[usize], d: usize) -> bool {
    let s: i64 = f
        .iter()
        .enumerate()
        .map(|(i, &x)| if i % 2 == 0 { x as i64 } else { -(x as i64) })
        .sum();
    s == 1 - if d % 2 == 0 { 1 } else { -1 }
}

#[test]
fn known_f_vectors() {
    let mut families: Vec<(String, Vec<Vec<Rat>>)> = Vec::new();
    for d in 2..=5 {
        families.push((format!("cube {d}"), cube(d)));
    }
    for d in 2..=5 {
        families.push((format!("cross-polytope {d}"), cross(d)));
    }
    for d in 1..=5 {
        families.push((format!("simplex {d}"), simplex(d)));
    }
    for (n, d) in [(6, 3), (7, 4), (8, 4), (8, 5), (9, 6)] {
        families.push((format!("cyclic C({n},{d})"), cyclic(n, d)));
    }
    for n in 3..=5 {
        families.push((format!("permutahedron n={n}"), permutations(n)));
    }
    for (k, n) in [(2, 4), (2, 5), (3, 6)] {
        families.push((format!("hypersimplex Δ({k},{n})"), hypersimplex(k, n)));
    }
    let mut out = String::new();
    for (name, pts) in families {
        let p = Polyhedron::from_points(&pts).unwrap();
        let f = p.f_vector();
        let d = p.dim() as usize;
        assert!(euler_holds(&f, d), "{name}: Euler fails for {f:?}");
        // The face lattice and the V/H sizes agree.
        assert_eq!(
            f.first().copied().unwrap_or(1),
            p.vertices().len(),
            "{name}"
        );
        assert_eq!(
            f.last().copied().unwrap_or(0),
            if d == 0 { 0 } else { p.facets().len() },
            "{name}"
        );
        // H→V→H round trip returns the same canonical polyhedron.
        assert_eq!(Polyhedron::from_hrep(p.hrep()).unwrap(), p, "{name}");
        out.push_str(&format!(
            "{name}: dim {d}, {} vertices, {} facets, {} equations, f = {f:?}\n",
            p.vertices().len(),
            p.facets().len(),
            p.equations().len()
        ));
    }
    insta::assert_snapshot!(out);
}
