use tropical_algebra::{Rat, Scalar};
use tropical_geometry::polyhedron::{HRep, Polyhedron, VRep};
use tropical_geometry::Halfspace;

fn r(x: i64) -> Rat {
    Rat::from_i64(x)
}

#[test]
fn smoke() {
    // cube
    let mut pts = vec![];
    for m in 0..8 {
        pts.push((0..3).map(|i| r((m >> i) & 1)).collect::<Vec<_>>());
    }
    let p = Polyhedron::from_points(&pts).unwrap();
    println!("{:?}", p);
    assert_eq!(p.f_vector(), vec![8, 12, 6]);
    let h = Polyhedron::from_hrep(p.hrep()).unwrap();
    assert_eq!(h, p);
    // quadrant
    let q = Polyhedron::from_hrep(HRep {
        ambient_dim: 2,
        inequalities: vec![
            Halfspace {
                normal: vec![r(-1), r(0)],
                offset: r(0),
            },
            Halfspace {
                normal: vec![r(0), r(-1)],
                offset: r(0),
            },
            Halfspace {
                normal: vec![r(-1), r(-1)],
                offset: r(5),
            },
        ],
        equations: vec![],
    })
    .unwrap();
    println!("{:?}", q);
    assert_eq!(q.vertices().len(), 1);
    assert_eq!(q.rays().len(), 2);
    assert_eq!(q.facets().len(), 2);
    assert_eq!(q.f_vector(), vec![1, 2]);
    let q2 = Polyhedron::from_vrep(q.vrep()).unwrap();
    assert_eq!(q, q2);
    // segment in 3d
    let s = Polyhedron::from_points(&[
        vec![r(0), r(1), r(2)],
        vec![r(2), r(3), r(4)],
        vec![r(1), r(2), r(3)],
    ])
    .unwrap();
    println!("{:?}", s);
    assert_eq!(s.dim(), 1);
    assert_eq!(s.f_vector(), vec![2]);
    let s2 = Polyhedron::from_hrep(s.hrep()).unwrap();
    assert_eq!(s, s2);
    // line + point
    let l = Polyhedron::from_vrep(VRep {
        ambient_dim: 2,
        points: vec![vec![r(1), r(1)]],
        rays: vec![vec![r(0), r(1)]],
        lines: vec![vec![r(1), r(1)]],
    })
    .unwrap();
    println!("{:?}", l);
    let l2 = Polyhedron::from_hrep(l.hrep()).unwrap();
    assert_eq!(l, l2);
}
