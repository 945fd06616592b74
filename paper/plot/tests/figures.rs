//! Snapshot tests of the SVG figures: the exact text is pinned, so any change in layout is reviewed.

use tropical_plot::{line_chart_svg, polygons_svg, LabelledPolygon, Series};

#[test]
fn power_diagram_like_partition_snapshot() {
    // The square [-1,1]^2 cut by the two diagonals: four triangles meeting at the origin.
    let c = (0.0, 0.0);
    let corners = [(1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0)];
    let polys: Vec<LabelledPolygon> = (0..4)
        .map(|i| LabelledPolygon {
            vertices: vec![c, corners[i], corners[(i + 1) % 4]],
            label: format!("({i})"),
            color_key: i as u64,
        })
        .collect();
    insta::assert_snapshot!(polygons_svg(&polys, "four cells").unwrap());
}

#[test]
fn growth_chart_snapshot() {
    let series = vec![
        Series {
            name: "N^L".into(),
            points: (1..=4).map(|l| (l as f64, 3f64.powi(l))).collect(),
        },
        Series {
            name: "measured".into(),
            points: vec![(1.0, 3.0), (2.0, 7.0), (3.0, 15.0), (4.0, 31.0)],
        },
    ];
    insta::assert_snapshot!(
        line_chart_svg("regions vs depth", "L", "regions", &series, true).unwrap()
    );
}
