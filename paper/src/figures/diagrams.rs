//! Power diagrams and common refinements on a 2D slice: one head of a random layer or of the
//! all-MiniLM-L6-v2 checkpoint, and the refinements of 2, 4 and all heads (SPEC T4, T6).
//!
//! Every panel draws the cells of an exact walk and checks that the number of polygons drawn
//! is the exact count. The checkpoint panels are skipped, with the reason, when the
//! checkpoint is not on disk.

use crate::chart::Cell;
use crate::checkpoint;
use crate::{check_cells, Artifact, Result, Size};

use super::{
    cells_csv, checkpoint_scene, figure, polygon, polygons_csv, slice_map, slice_setup, winners,
    Scene, SLICE_HEADS,
};

/// A power-diagram panel: head `head` of `scene`, cells labelled by key, hidden keys listed.
fn power_diagram_panel(scene: &Scene, head: usize, name: &str) -> Result<Artifact> {
    let c = scene.count(vec![head], name)?;
    let mut cells = Vec::new();
    let mut owners = vec![false; scene.keys.len()];
    for cell in &c.cell_list {
        let j = winners(cell)[0];
        owners[j] = true;
        cells.push(Cell {
            vertices: polygon(cell, name)?,
            label: scene.keys[j].clone(),
            class: j,
        });
    }
    let hidden = |names: &[String]| -> String {
        let h: Vec<&str> = (0..names.len())
            .filter(|j| !owners[*j])
            .map(|j| names[j].as_str())
            .collect();
        if h.is_empty() {
            "none".into()
        } else {
            h.join(", ")
        }
    };
    let csv = cells_csv(&cells);
    let map = slice_map(
        cells,
        vec![format!(
            "keys owning no cell in the box: {}",
            hidden(&scene.keys)
        )],
        200.0,
        true,
    );
    let svg = map.svg()?;
    check_cells(name, &svg, &c.cells)?;
    let caption = format!(
        "Power diagram (SPEC T4) of head {head} of {}: {} cells, each labelled by the key token \
         whose score is largest there (exact walk, method {}). Keys owning no cell in the box: \
         {}.",
        scene.words,
        c.cells,
        c.method.name(),
        hidden(&scene.keys_tex)
    );
    Ok(figure(name, caption, svg, csv))
}

/// Common-refinement panels `{prefix}_h{h}` of heads `0..h` of `scene`, for each `h` in `hs`.
fn refinement_panels(scene: &Scene, prefix: &str, hs: &[usize]) -> Result<Vec<Artifact>> {
    let sep = if scene.keys.len() > 10 { "," } else { "" };
    let mut out = Vec::new();
    let mut counts = Vec::new();
    for &h in hs {
        let name = format!("{prefix}_h{h}");
        let c = scene.count((0..h).collect(), &name)?;
        let mut cells = Vec::new();
        for cell in &c.cell_list {
            let w = winners(cell);
            cells.push(Cell {
                vertices: polygon(cell, &name)?,
                label: w
                    .iter()
                    .map(|j| j.to_string())
                    .collect::<Vec<_>>()
                    .join(sep),
                // Colour by the first head's key: the first head's cells show as blocks.
                class: w[0],
            });
        }
        // The CSV names each head's key as `k{j}`, space-separated, whatever the drawn label.
        let csv = polygons_csv(c.cell_list.iter().zip(&cells).map(|(cell, drawn)| {
            let keys: Vec<String> = winners(cell).iter().map(|j| format!("k{j}")).collect();
            (keys.join(" "), drawn.vertices.as_slice())
        }));
        let show = h == 2 && cells.len() <= 40;
        let map = slice_map(
            cells,
            vec![format!("H = {h} heads: {} cells", c.cells)],
            150.0,
            show,
        );
        let svg = map.svg()?;
        check_cells(&name, &svg, &c.cells)?;
        counts.push(format!("$H = {h}$: {}", c.cells));
        let caption = format!(
            "Common refinement of heads $0..{}$ ($H = {h}$) of {}: {} cells (exact walk; on the \
             same slice, {}). Colour: the key chosen by head 0; {}",
            h - 1,
            scene.words,
            c.cells,
            "COUNTS",
            if show {
                "labels: the keys chosen by heads 0 and 1."
            } else {
                "labels omitted."
            }
        );
        out.push((name, caption, svg, csv));
    }
    let all = counts.join(", ");
    Ok(out
        .into_iter()
        .map(|(name, caption, svg, csv)| figure(&name, caption.replace("COUNTS", &all), svg, csv))
        .collect())
}

pub(super) fn build_power_diagram(size: Size) -> Result<Vec<Artifact>> {
    let s = slice_setup(size)?;
    Ok(vec![power_diagram_panel(&s.scene(), 0, "power_diagram")?])
}

pub(super) fn build_refinement(size: Size) -> Result<Vec<Artifact>> {
    let s = slice_setup(size)?;
    refinement_panels(&s.scene(), "refinement", &[2, 4, SLICE_HEADS])
}

/// The head of the checkpoint drawn as a power diagram.
const CHECKPOINT_HEAD: usize = 0;

/// The real-model figures are skipped, with the reason, when the checkpoint is not on disk.
fn skipped(names: &[String], reason: &str) -> Vec<Artifact> {
    names
        .iter()
        .map(|n| Artifact::Skipped {
            name: n.clone(),
            reason: reason.into(),
        })
        .collect()
}

pub(super) fn build_minilm_power_diagram(_size: Size) -> Result<Vec<Artifact>> {
    let name = "minilm_power_diagram";
    match checkpoint::minilm() {
        Ok(ck) => Ok(vec![power_diagram_panel(
            &checkpoint_scene(ck),
            CHECKPOINT_HEAD,
            name,
        )?]),
        Err(reason) => Ok(skipped(&[name.into()], &reason)),
    }
}

pub(super) fn build_minilm_refinement(_size: Size) -> Result<Vec<Artifact>> {
    let prefix = "minilm_refinement";
    match checkpoint::minilm() {
        Ok(ck) => refinement_panels(&checkpoint_scene(ck), prefix, &[2, 4, ck.heads]),
        Err(reason) => Ok(skipped(
            &[2, 4, 12].map(|h| format!("{prefix}_h{h}")),
            &reason,
        )),
    }
}
