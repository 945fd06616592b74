//! Demo part: geometry — the power diagram of a small attention head (SPEC T4, T5).
//!
//! A head with keys `k_j` and no bias scores `s_j(x) = ⟨k_j, x⟩`; by T4 its zero-temperature
//! argmax cells are the power cells of sites `z_j = k_j/2` with weights `w_j = ‖z_j‖²`. The key
//! at the origin lies inside the convex hull of the others, so its cell is empty (hidden, T5).

use anyhow::anyhow;
use tropical_algebra::{Rat, Scalar};
use tropical_geometry::cells::Domain;
use tropical_geometry::halfspace::dot;
use tropical_geometry::power_diagram::power_diagram;

/// Print this part of the tour.
pub fn run(args: &super::Args) -> anyhow::Result<()> {
    println!("== 2. Geometry: the power diagram of one attention head ==");
    let r = |n: i64| Rat::from_i64(n);
    let keys: Vec<Vec<Rat>> = vec![
        vec![r(3), r(1)],
        vec![r(-1), r(3)],
        vec![r(-3), r(-1)],
        vec![r(1), r(-3)],
        vec![r(0), r(0)],
    ];
    let two = r(2);
    let sites: Vec<Vec<Rat>> = keys
        .iter()
        .map(|k| k.iter().map(|v| v.clone() / &two).collect())
        .collect();
    let weights: Vec<Rat> = sites.iter().map(|z| dot(z, z)).collect();
    let domain = Domain::cube(2, r(-4), r(4));
    let pd = power_diagram(&sites, &weights, &domain)?;
    println!("5 keys in R^2, scores s_j(x) = <k_j, x>, query box [-4, 4]^2");
    println!(
        "{:<5} {:<10} {:<12} {:<8} cell vertices (exact)",
        "key", "k_j", "site z_j", "weight"
    );
    for (j, k) in keys.iter().enumerate() {
        let pt = |p: &[Rat]| format!("({}, {})", p[0], p[1]);
        let verts = match pd.cell_of_site[j] {
            Some(c) => pd
                .polygons_2d()?
                .into_iter()
                .find(|p| p.site == pd.cells[c].site)
                .map(|p| p.exact.iter().map(|v| pt(v)).collect::<Vec<_>>().join(" "))
                .unwrap_or_default(),
            None => "hidden: empty cell".to_string(),
        };
        println!(
            "{:<5} {:<10} {:<12} {:<8} {}",
            j,
            pt(k),
            pt(&sites[j]),
            weights[j].to_string(),
            verts
        );
    }
    println!(
        "nonempty cells: {}, hidden keys: {:?}",
        pd.cells.len(),
        pd.hidden
    );
    println!("adjacent keys (cells sharing an edge): {:?}", pd.edges);
    let path = args.out.join("geometry_power_diagram.svg");
    crate::cmd::power_diagram::draw_svg(&pd, &path, "power diagram of a 5-key attention head")
        .map_err(|e| anyhow!("demo geometry: {e}"))?;
    println!("figure: {}\n", path.display());
    Ok(())
}
