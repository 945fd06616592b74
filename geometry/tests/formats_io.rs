//! cdd/lrs `.ine`/`.ext` and JSON reading and writing.

use proptest::prelude::*;
use tropical_algebra::{Rat, Scalar};
use tropical_geometry::formats::{
    parse_any, parse_cdd, parse_json, to_json, write_ext, write_ine, Representation,
};
use tropical_geometry::polyhedron::Polyhedron;

fn q(s: &str) -> Rat {
    Rat::parse_exact(s).unwrap()
}

#[test]
fn reads_cdd_features() {
    let text = "\
dodecahedron-like name line
* a comment
H-representation
linearity 1 2
begin
 3 3 real
 1 -0.5 2/3
 0 1. 1e-1
* comment inside
 2 0 -1
end
incidence
minimize
 0 1 1
";
    let Representation::H(h) = parse_cdd::<Rat>(text).unwrap() else {
        panic!("expected H")
    };
    assert_eq!(h.ambient_dim, 2);
    assert_eq!(h.inequalities.len(), 2);
    assert_eq!(h.equations.len(), 1);
    // Row 1: 1 − 0.5·... i.e. b = 1, −a = (−1/2, 2/3) ⇒ a = (1/2, −2/3).
    assert_eq!(h.inequalities[0].normal, vec![q("1/2"), q("-2/3")]);
    assert_eq!(h.inequalities[0].offset, q("1"));
    // Linearity row 2 with exact decimals 1. and 1e-1.
    assert_eq!(h.equations[0].normal, vec![q("-1"), q("-1/10")]);
}

#[test]
fn v_file_without_points_is_a_cone_at_the_origin() {
    let text = "V-representation\nbegin\n2 3 integer\n0 1 0\n0 0 1\nend\n";
    let Representation::V(v) = parse_cdd::<Rat>(text).unwrap() else {
        panic!("expected V")
    };
    assert_eq!(v.points, vec![vec![q("0"), q("0")]]);
    let p = Polyhedron::from_vrep(v).unwrap();
    assert_eq!(
        (p.vertices().len(), p.rays().len(), p.facets().len()),
        (1, 2, 2)
    );
}

#[test]
fn malformed_inputs_name_line_and_problem() {
    let cases = [
        ("no begin", "H-representation\n1 2 integer\n"),
        ("no end", "H-representation\nbegin\n1 2 integer\n1 1\n"),
        (
            "bad count",
            "H-representation\nbegin\nx 2 integer\n1 1\nend\n",
        ),
        (
            "bad type",
            "H-representation\nbegin\n1 2 complex\n1 1\nend\n",
        ),
        (
            "bad number",
            "H-representation\nbegin\n1 2 rational\n1 1/0\nend\n",
        ),
        ("nan", "H-representation\nbegin\n1 2 real\n1 nan\nend\n"),
        (
            "short row",
            "H-representation\nbegin\n2 3 integer\n1 1 1\n1 1\nend\n",
        ),
        (
            "extra row",
            "H-representation\nbegin\n1 2 integer\n1 1\n2 2\nend\n",
        ),
        (
            "fraction in integer file",
            "H-representation\nbegin\n1 2 integer\n1 1/2\nend\n",
        ),
        (
            "linearity out of range",
            "H-representation\nlinearity 1 5\nbegin\n1 2 integer\n1 1\nend\n",
        ),
        (
            "linearity count",
            "H-representation\nlinearity 2 1\nbegin\n1 2 integer\n1 1\nend\n",
        ),
        (
            "negative V lead",
            "V-representation\nbegin\n1 2 integer\n-1 1\nend\n",
        ),
        ("json syntax", "{\"points\": [[1, 2], [3,]]}"),
        ("json ragged", "{\"points\": [\n  [1, 2],\n  [3]\n]}"),
        ("json string", "{\"inequalities\": [[\"1/0\", 2]]}"),
        (
            "json mixed",
            "{\"points\": [[1]], \"inequalities\": [[1, 2]]}",
        ),
        ("json empty", "{\"points\": []}"),
    ];
    let mut out = String::new();
    for (name, text) in cases {
        let e = parse_any::<Rat>(text).expect_err(name);
        out.push_str(&format!("{name}: {e}\n"));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn json_forms() {
    let v = parse_json::<Rat>(r#"{"points": [[0, 0], [1, "1/2"], [0.25, 1]], "rays": [[1, 0]]}"#)
        .unwrap();
    let Representation::V(vr) = &v else { panic!() };
    assert_eq!(vr.points[1], vec![q("1"), q("1/2")]);
    assert_eq!(vr.points[2], vec![q("1/4"), q("1")]);
    assert_eq!(parse_json::<Rat>(&to_json(&v).to_string()).unwrap(), v);
    let h =
        parse_json::<Rat>(r#"{"inequalities": [[1, -1, 0]], "equations": [[0, 1, 1]]}"#).unwrap();
    assert_eq!(parse_json::<Rat>(&to_json(&h).to_string()).unwrap(), h);
}

fn small_rat() -> impl Strategy<Value = Rat> {
    (-5i64..=5, 1i64..=4).prop_map(|(p, q)| Rat::from_ratio(p, q).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Hypothesis: points with small rational coordinates in R^2 or R^3. Conclusion: writing
    /// the hull's H- and V-representations as `.ine`/`.ext` and reading them back gives the
    /// same representations, and the polyhedron rebuilt from either file is the same.
    #[test]
    fn cdd_round_trip(d in 2usize..=3, pts in prop::collection::vec(prop::collection::vec(small_rat(), 3), 1..8)) {
        let pts: Vec<Vec<Rat>> = pts.into_iter().map(|p| p[..d].to_vec()).collect();
        let p = Polyhedron::from_points(&pts).unwrap();
        let ine = write_ine(&p.hrep());
        let ext = write_ext(&p.vrep());
        let Representation::H(h) = parse_cdd::<Rat>(&ine).unwrap() else { panic!() };
        let Representation::V(v) = parse_cdd::<Rat>(&ext).unwrap() else { panic!() };
        prop_assert_eq!(&h, &p.hrep());
        prop_assert_eq!(&v, &p.vrep());
        prop_assert_eq!(&Polyhedron::from_hrep(h).unwrap(), &p);
        prop_assert_eq!(&Polyhedron::from_vrep(v).unwrap(), &p);
    }
}
