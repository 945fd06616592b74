//! Counting charts on the pretrained checkpoint: cells of layer 0 of all-MiniLM-L6-v2 on a slice
//! of query space, against context length N, heads H and slice dimension d.
//!
//! ## Main items
//!
//! - [`build_minilm_cells_vs_n`], [`build_minilm_cells_vs_h`], [`build_minilm_cells_vs_d`]:
//!   the three charts (skipped, with the reason, when the checkpoint is not on disk).
//!
//! ## Implementation notes
//!
//! Each point is one exact `count_cells` on a boxed slice of the checkpoint
//! ([`Checkpoint::slice`]: `O + t₁U (+ t₂V (+ t₃W))`, `[−25, 25]^k`), refused unless complete
//! with every method agreeing, and `Π n_h` from one count per head on the same slice (the
//! shared `count_point` of [`crate::figures`]). Context length `N` is a prefix of the sentence's
//! hidden states: layer 0 receives embeddings (token + position, LayerNorm), which do not
//! depend on later tokens, so the first `N` rows are exactly the context of the sentence's first
//! `N` tokens. `N^H` and the Zaslavsky cap are the bounds the count carries, in the slice's
//! dimension. The charts and captions share the random charts' drawing
//! ([`crate::figures::counting_svg`]).
//!
//! ## References
//!
//! - SPEC T6, T7, T15 (`../shared/SPEC.md`); W. Wang et al., *MiniLM*, NeurIPS 2020.

use std::fmt::Write as _;

use tropical_attention::count::CountRequest;

use crate::checkpoint::{self, Checkpoint, HALF};
use crate::figures::{count_point, counting_svg, product_sentence, CountPoint};
use crate::latex::escape;
use crate::{Artifact, Figure, Result, Size};

/// One point on the checkpoint: the first `n` context tokens, heads `0..h`, a `d`-dimensional
/// slice.
#[derive(Clone, Copy)]
struct Setting {
    n: usize,
    h: usize,
    d: usize,
}

/// Count every setting on the checkpoint; the CSV and the points.
fn measure(
    ck: &Checkpoint,
    name: &str,
    settings: &[Setting],
    x_of: fn(&Setting) -> usize,
) -> Result<(String, Vec<CountPoint>)> {
    let mut csv = String::from("x,N,H,d,cells,method,prod_n_h,N_pow_H,zaslavsky\n");
    let mut points = Vec::new();
    for s in settings {
        let context = ck.context.row_block(0, s.n.min(ck.context.rows()));
        let req = CountRequest {
            heads: Some((0..s.h).collect()),
            region: ck.slice(s.d),
            ..CountRequest::default()
        };
        let what = format!("{name} at N={} H={} d={}", s.n, s.h, s.d);
        let p = count_point(&ck.model, &context, req, s.h, x_of(s), &what)?;
        let _ = writeln!(
            csv,
            "{},{},{},{},{},{},{},{},{}",
            p.x, s.n, s.h, s.d, p.cells, p.method, p.prod, p.n_pow_h, p.zaslavsky
        );
        points.push(p);
    }
    Ok((csv, points))
}

/// A chart over `settings`, or the skipped entry when the checkpoint is absent.
fn chart(
    name: &str,
    x_label: &str,
    settings: fn(&Checkpoint, Size) -> Vec<Setting>,
    x_of: fn(&Setting) -> usize,
    fixed: fn(&Checkpoint, Size) -> String,
    size: Size,
) -> Result<Vec<Artifact>> {
    let ck = match checkpoint::minilm() {
        Ok(ck) => ck,
        Err(reason) => {
            return Ok(vec![Artifact::Skipped {
                name: name.into(),
                reason,
            }])
        }
    };
    let (csv, points) = measure(ck, name, &settings(ck, size), x_of)?;
    let (svg, below, xs) = counting_svg(x_label, &points)?;
    let sentence = product_sentence(
        x_label,
        &below,
        xs,
        "where the stacked query maps restricted to the slice are not onto (a slice of dimension $d$ \
         against $\\sum_h d_k$ query coordinates), so T15 does not apply",
    );
    let sentence_words = ck.tokens[1..ck.tokens.len().saturating_sub(1)]
        .join(" ")
        .replace(" ##", "");
    let caption = format!(
        "Cells of layer 0 of the pretrained {} checkpoint ({} heads, exact rationals from its \
         f32 weights) on slices $x = O + t_1 U + t_2 V + t_3 W$ of query space ($O$ the mean \
         context token, $U, V, W$ seeded normal directions; the first $d$ of them) cut to \
         $[-{HALF}, {HALF}]^d$, with the first $N$ hidden states of the sentence ``{}'' as context \
         ({}), exact counts, against $\\prod_h n_h$ (one count per head on the same slice), $N^H$ \
         and the Zaslavsky cap in dimension $d$ (SPEC T6, T7, T15); log scale. Here {sentence}.",
        checkpoint::NAME,
        ck.heads,
        escape(&sentence_words),
        fixed(ck, size),
    );
    Ok(vec![Artifact::Figure(Figure {
        name: name.into(),
        caption,
        svg,
        csv,
        timed: false,
    })])
}

fn n_settings(ck: &Checkpoint, size: Size) -> Vec<Setting> {
    let all = ck.context.rows();
    let ns: Vec<usize> = if size.quick {
        vec![2, 4, 8, all]
    } else {
        (2..=all).collect()
    };
    let h = if size.quick { 4 } else { ck.heads };
    ns.into_iter()
        .filter(|&n| n <= all)
        .map(|n| Setting { n, h, d: 2 })
        .collect()
}

fn h_settings(ck: &Checkpoint, size: Size) -> Vec<Setting> {
    let hs: Vec<usize> = if size.quick {
        vec![1, 2, 4]
    } else {
        (1..=ck.heads).collect()
    };
    hs.into_iter()
        .map(|h| Setting {
            n: ck.context.rows(),
            h,
            d: 2,
        })
        .collect()
}

fn d_settings(ck: &Checkpoint, size: Size) -> Vec<Setting> {
    let h = if size.quick { 2 } else { 3 };
    (1..=ck.directions.len())
        .map(|d| Setting {
            n: ck.context.rows(),
            h,
            d,
        })
        .collect()
}

fn n_fixed(ck: &Checkpoint, size: Size) -> String {
    let h = n_settings(ck, size).first().map_or(0, |s| s.h);
    format!("$d = 2$, heads $0..{}$", h.saturating_sub(1))
}

fn h_fixed(ck: &Checkpoint, _size: Size) -> String {
    format!("$d = 2$, $N = {}$, heads $0..H-1$", ck.context.rows())
}

fn d_fixed(ck: &Checkpoint, size: Size) -> String {
    let h = d_settings(ck, size).first().map_or(0, |s| s.h);
    format!(
        "$N = {}$, heads $0..{}$",
        ck.context.rows(),
        h.saturating_sub(1)
    )
}

/// Cells vs context length `N` on the 2D slice.
pub fn build_minilm_cells_vs_n(size: Size) -> Result<Vec<Artifact>> {
    chart(
        "minilm_cells_vs_n",
        "context length N (tokens)",
        n_settings,
        |s| s.n,
        n_fixed,
        size,
    )
}

/// Cells vs heads `H` (heads `0..H`) on the 2D slice, all tokens.
pub fn build_minilm_cells_vs_h(size: Size) -> Result<Vec<Artifact>> {
    chart(
        "minilm_cells_vs_h",
        "heads H",
        h_settings,
        |s| s.h,
        h_fixed,
        size,
    )
}

/// Cells vs slice dimension `d` = 1, 2, 3, all tokens.
pub fn build_minilm_cells_vs_d(size: Size) -> Result<Vec<Artifact>> {
    chart(
        "minilm_cells_vs_d",
        "slice dimension d",
        d_settings,
        |s| s.d,
        d_fixed,
        size,
    )
}
