//! The generator at `--quick` size: snapshots of every figure's CSV and SVG structure, same bytes
//! on a second build, and the cell-count check that ties a drawing to its exact count.

use std::collections::BTreeMap;

use tropical_paper::{check_cells, registry, Artifact, Size};

const QUICK: Size = Size { quick: true };

fn build(name: &str) -> Vec<Artifact> {
    let e = registry()
        .into_iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("no entry {name}"));
    (e.build)(QUICK).unwrap_or_else(|err| panic!("{name}: {err}"))
}

/// The structure of an SVG: how many of each element, and every text, in order.
fn structure(svg: &str) -> String {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut texts = Vec::new();
    for part in svg.split('<').skip(1) {
        let tag: String = part
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
            .collect();
        if tag.starts_with('/') || tag.is_empty() {
            continue;
        }
        let class = part
            .split("class=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .filter(|_| part.contains("class=\""));
        let key = match class {
            Some(c) => format!("{tag}.{c}"),
            None => tag.clone(),
        };
        *counts.entry(key).or_default() += 1;
        if tag == "text" {
            if let Some(t) = part.split('>').nth(1) {
                texts.push(t.to_string());
            }
        }
    }
    let mut out = String::new();
    for (k, v) in counts {
        out.push_str(&format!("{k}: {v}\n"));
    }
    out.push_str("texts:\n");
    for t in texts {
        out.push_str(&format!("  {t}\n"));
    }
    out
}

fn snapshot_figures(entry: &str) {
    let first = build(entry);
    let second = build(entry);
    assert_eq!(first, second, "{entry}: a second build differs");
    for a in &first {
        match a {
            Artifact::Figure(f) => {
                assert!(!f.timed, "{}: timed figures are not snapshotted", f.name);
                insta::assert_snapshot!(format!("{}_csv", f.name), f.csv);
                insta::assert_snapshot!(format!("{}_svg_structure", f.name), structure(&f.svg));
                let p1 = tropical_paper::pdf::svg_to_pdf(&f.svg).unwrap();
                let p2 = tropical_paper::pdf::svg_to_pdf(&f.svg).unwrap();
                assert!(p1.starts_with(b"%PDF-"), "{}: not a PDF", f.name);
                assert_eq!(p1, p2, "{}: PDF bytes differ between runs", f.name);
            }
            Artifact::Table(t) => {
                insta::assert_snapshot!(format!("{}_md", t.name), t.markdown);
                insta::assert_snapshot!(format!("{}_tex", t.name), t.latex);
            }
            Artifact::Skipped { name, reason } => panic!("{name} skipped: {reason}"),
        }
    }
}

#[test]
fn power_diagram() {
    snapshot_figures("power_diagram");
}

#[test]
fn refinement() {
    snapshot_figures("refinement");
}

#[test]
fn cells_vs_n() {
    snapshot_figures("cells_vs_n");
}

#[test]
fn cells_vs_h() {
    snapshot_figures("cells_vs_h");
}

#[test]
fn cells_vs_d() {
    snapshot_figures("cells_vs_d");
}

#[test]
fn t8_depth() {
    snapshot_figures("t8_depth");
}

#[test]
fn t9_temperature() {
    snapshot_figures("t9_temperature");
}

#[test]
fn t16_topk() {
    snapshot_figures("t16_topk");
}

#[test]
fn walk_vs_brute() {
    snapshot_figures("walk_vs_brute");
}

#[test]
fn s2_topk_error() {
    snapshot_figures("s2_topk_error");
}

#[test]
fn s2_t17_bound() {
    snapshot_figures("s2_t17_bound");
}

#[test]
fn s3_speedup_is_timed_and_well_formed() {
    let arts = build("s3_speedup");
    let [Artifact::Figure(f)] = arts.as_slice() else {
        panic!("one figure expected");
    };
    assert!(f.timed);
    assert_eq!(f.csv.lines().count(), 4, "{}", f.csv);
    assert!(f.svg.contains("claimed n/k"));
}

#[test]
fn a_drawing_that_disagrees_with_its_count_fails() {
    let arts = build("power_diagram");
    let Artifact::Figure(f) = &arts[0] else {
        panic!("figure expected")
    };
    let drawn = f.svg.matches(r#"<polygon class="cell""#).count();
    assert!(drawn >= 2, "{drawn}");
    check_cells("power_diagram", &f.svg, &drawn.into()).unwrap();
    // Drop one polygon: the check must fail and name both numbers.
    let start = f.svg.find(r#"<polygon class="cell""#).unwrap();
    let end = start + f.svg[start..].find('\n').unwrap() + 1;
    let cut = format!("{}{}", &f.svg[..start], &f.svg[end..]);
    let err = check_cells("power_diagram", &cut, &drawn.into())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!("{} polygons drawn", drawn - 1)) && err.contains(&drawn.to_string()),
        "{err}"
    );
}

#[test]
fn registry_names_are_unique_and_listed() {
    let names: Vec<&str> = registry().iter().map(|e| e.name).collect();
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), names.len());
    insta::assert_snapshot!(names.join("\n"));
}

#[test]
fn claims_table_has_one_row_per_spec_id_in_both_formats() {
    let arts = build("claims");
    let [Artifact::Table(t)] = arts.as_slice() else {
        panic!("one table expected");
    };
    for id in proofs_tests::report::SPEC_IDS {
        assert!(
            t.markdown.contains(&format!("\n| {id} |")),
            "{id} missing in Markdown"
        );
        assert!(
            t.latex.contains(&format!("\n{id} & ")),
            "{id} missing in LaTeX"
        );
    }
    assert!(
        t.latex.starts_with("\\begin{longtable}") && t.latex.ends_with("\\end{longtable}\n"),
        "the claim table must be a longtable (it breaks across pages)"
    );
    for part in [
        "\\endfirsthead",
        "\\endhead",
        "\\endfoot",
        "\\label{tab:claims}",
    ] {
        assert!(t.latex.contains(part), "{part} missing");
    }
    assert!(
        !t.latex.contains("?}"),
        "a character without a LaTeX mapping: {}",
        t.latex
    );
    let opens = t.latex.matches('{').count() - t.latex.matches("\\{").count();
    let closes = t.latex.matches('}').count() - t.latex.matches("\\}").count();
    assert_eq!(opens, closes, "unbalanced braces");
}

/// The checkpoint figures: built and checked (polygons = exact count, same bytes twice) when the
/// checkpoint is on disk, else skipped with a reason naming it.
#[test]
fn checkpoint_figures_are_checked_or_skipped_with_a_reason() {
    for entry in ["minilm_power_diagram", "minilm_refinement"] {
        let first = build(entry);
        for a in &first {
            match a {
                Artifact::Skipped { name, reason } => {
                    assert!(name.starts_with("minilm_"), "{name}");
                    assert!(
                        reason.contains("checkpoint") || reason.contains("python3"),
                        "{reason}"
                    );
                }
                Artifact::Figure(f) => {
                    assert!(!f.timed);
                    let drawn = f.svg.matches(r#"<polygon class="cell""#).count();
                    let rows: std::collections::BTreeSet<&str> = f
                        .csv
                        .lines()
                        .skip(1)
                        .filter_map(|l| l.split(',').next())
                        .collect();
                    assert_eq!(rows.len(), drawn, "{}: CSV cells vs polygons", f.name);
                    assert!(f.caption.contains("all-MiniLM-L6-v2"), "{}", f.caption);
                }
                Artifact::Table(t) => panic!("{}: a table", t.name),
            }
        }
        if first.iter().any(|a| matches!(a, Artifact::Figure(_))) {
            assert_eq!(first, build(entry), "{entry}: a second build differs");
        }
    }
}

/// The checkpoint's counting charts, when the checkpoint is on disk. Hypothesis: each CSV row is
/// an exact walk count on a slice. Conclusion: brute force (one LP per label tuple, an
/// independent algorithm) finds the same number of cells, the count lies between the bounds
/// (cells ≤ Π n_h ≤ N^H, cells ≤ Zaslavsky), and cells never decrease as heads are added.
#[test]
fn checkpoint_counting_charts_agree_with_brute_force() {
    use tropical_algebra::Rat;
    use tropical_attention::regions::max_affine;
    use tropical_geometry::cells::refinement_cells_brute_force;
    let Ok(ck) = tropical_paper::checkpoint::minilm() else {
        for entry in [
            "minilm_cells_vs_n",
            "minilm_cells_vs_h",
            "minilm_cells_vs_d",
        ] {
            let arts = build(entry);
            assert!(
                matches!(arts.as_slice(), [Artifact::Skipped { name, .. }] if name == entry),
                "{entry}: skipped once, by name"
            );
        }
        return;
    };
    let layer = &ck.model.blocks[0].attention;
    for entry in [
        "minilm_cells_vs_n",
        "minilm_cells_vs_h",
        "minilm_cells_vs_d",
    ] {
        let arts = build(entry);
        let [Artifact::Figure(f)] = arts.as_slice() else {
            panic!("{entry}: one figure expected");
        };
        assert!(f.caption.contains("all-MiniLM-L6-v2"), "{}", f.caption);
        let mut last_by_h: Option<(usize, u128)> = None;
        for line in f.csv.lines().skip(1) {
            let v: Vec<&str> = line.split(',').collect();
            let num = |i: usize| v[i].parse::<u128>().unwrap();
            let (n, h, d, cells) = (num(1) as usize, num(2) as usize, num(3) as usize, num(4));
            let (prod, npow, zas) = (num(6), num(7), num(8));
            assert!(
                cells <= prod && prod <= npow && cells <= zas,
                "{entry}: {line}"
            );
            // Brute force on the same slice, where the tuples are few enough.
            if npow <= 256 {
                let region = ck.slice(d);
                let context = ck.context.row_block(0, n);
                let fns: Vec<_> = (0..h)
                    .map(|j| {
                        let sf = layer.heads[j]
                            .score_function(&context, &layer.scale)
                            .unwrap();
                        max_affine(&region.restrict(&sf).unwrap()).unwrap()
                    })
                    .collect();
                let domain = region.domain(context.cols()).unwrap();
                let brute = refinement_cells_brute_force::<Rat>(&fns, &domain).unwrap();
                assert!(brute.complete);
                assert_eq!(
                    brute.cells.len() as u128,
                    cells,
                    "{entry}: brute force vs {line}"
                );
            }
            if entry == "minilm_cells_vs_h" {
                if let Some((h0, c0)) = last_by_h {
                    assert!(
                        h > h0 && cells >= c0,
                        "{entry}: more heads, fewer cells: {line}"
                    );
                }
                last_by_h = Some((h, cells));
            }
        }
        assert_eq!(arts, build(entry), "{entry}: a second build differs");
    }
}

/// The README's performance tables are the generator's: rewriting them from the records
/// changes nothing (run `cargo run -p tropical-paper -- readme` after a new record).
#[test]
fn readme_tables_are_generated_from_the_records() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let synced = tropical_paper::sync_readme(&readme).unwrap();
    assert!(
        synced == readme,
        "README.md's generated tables are stale: run `cargo run -p tropical-paper -- readme`"
    );
    for name in tropical_paper::README_TABLES {
        assert!(readme.contains(&format!("<!-- paper:{name} -->")), "{name}");
    }
    // A changed number in a block is put back; a block without its end marker is an error.
    let tampered = readme.replacen("| cddlib |", "| cddlib (typed) |", 1);
    assert_ne!(tampered, readme, "the hull table has a cddlib row");
    assert_eq!(tropical_paper::sync_readme(&tampered).unwrap(), readme);
    let open = readme.replacen("<!-- /paper:maxplus_product -->", "", 1);
    let err = tropical_paper::sync_readme(&open).unwrap_err().to_string();
    assert!(err.contains("maxplus_product"), "{err}");
}

/// The claim → figure table of `claims-report` names registry entries only, every claim id in it
/// is a SPEC id of the claim catalogue, and every claim-drawing figure entry is listed under a
/// claim.
#[test]
fn the_claims_report_figure_table_names_registry_entries() {
    let names: Vec<&str> = registry().iter().map(|e| e.name).collect();
    let ids = proofs_tests::report::SPEC_IDS;
    for (id, figs) in proofs_tests::figures::FIGURES {
        assert!(ids.contains(id), "{id}: not a claim id");
        for f in *figs {
            assert!(names.contains(f), "{id}: {f} is not a paper entry");
        }
    }
    for n in [
        "t8_depth",
        "t9_temperature",
        "t16_topk",
        "minilm_cells_vs_d",
        "cells_vs_d",
    ] {
        assert!(
            proofs_tests::figures::FIGURES
                .iter()
                .any(|(_, f)| f.contains(&n)),
            "{n} is listed under no claim"
        );
    }
}

#[test]
fn the_peer_table_is_read_by_its_header() {
    use tropical_paper::perf::{family_summary, peer_rows};
    let text = "intro\n\n| family | input | ours | lrs | agree | ours | lrs | ratio |\n|---|---|---|---|---|---|---|---|\n\
                | a | x1 | 1 | 1 | yes | 1 ms | 2 ms | 0.50 |\n\
                | a | x2 | 1 | 1 | yes | 3 ms | 1 ms | 3.00 |\n\
                | a | x3 | 1 | None | — | 3 ms | > 20 s | — |\n\
                | b | y1 | 2 | 2 | yes | 1 ms | 1 ms | 1.00 |\n\ntext after\n";
    let rows = peer_rows(text).unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[2].ratio, None);
    let s = family_summary(&rows);
    assert_eq!(s.len(), 2);
    assert_eq!(
        (s[0].0.as_str(), s[0].1, s[0].2, s[0].3, s[0].4),
        ("a", 2, 1, 1.75, 3.0)
    );
    assert_eq!((s[1].1, s[1].3), (1, 1.0));
    assert!(peer_rows("| family | input | ratio |\n|---|---|---|\n| a | b |\n").is_err());
    assert!(peer_rows("no table").is_err());
    // columns after the ratio (the ratio to howzat, memory) are not the ratio
    let wide = "| family | input | ratio | vs howzat | RSS |\n|---|---|---|---|---|\n| a | x | 0.50 | 2.00 | 6 MB |\n";
    assert_eq!(peer_rows(wide).unwrap()[0].ratio, Some(0.5));
    // The committed bench/RESULTS.md parses, with the cddlib corpus in it.
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../bench/RESULTS.md"))
            .unwrap();
    let rows = peer_rows(&committed).unwrap();
    assert!(rows
        .iter()
        .any(|r| r.family == "cddlib" && r.ratio.is_some()));
}
