"""Geometry bindings against `tropical hull/minkowski/power-diagram/tconv --json`."""

import json
from fractions import Fraction

import numpy as np
import pytest

import tropical_attention as ta

CUBE = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [1, 0, 1], [0, 1, 1], [1, 1, 1]]


def ext_file(tmp_path, name, pts):
    lines = ["V-representation", "begin", f"{len(pts)} {len(pts[0]) + 1} rational"]
    lines += ["1 " + " ".join(str(Fraction(x)) for x in p) for p in pts]
    lines.append("end")
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n")
    return p


def test_hull_matches_cli(cli, tmp_path):
    """Hypothesis: the unit cube plus interior and repeated points. Conclusion: the summary
    equals `tropical hull --json`; the vertices are exactly the 8 corners; the facets are the
    six a·x ≤ b with |a| a unit vector."""
    pts = CUBE + [[Fraction(1, 2)] * 3, [1, 1, 1]]
    ref = cli("hull", ext_file(tmp_path, "c.ext", pts))
    p = ta.hull(np.array(pts, dtype=object))
    assert p.summary() == ref
    assert sorted(p.vertices) == sorted(tuple(Fraction(x) for x in c) for c in CUBE)
    assert len(p.facets) == 6 and p.f_vector == [8, 12, 6]
    q = ta.hull(halfspaces=([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1],
                             [0, 0, -1]], [1, 0, 1, 0, 1, 0]))
    assert sorted(q.vertices) == sorted(p.vertices)


def test_cdd_round_trip(cli, tmp_path):
    """Hypothesis: a polytope written as .ine and .ext by the package. Conclusion: the CLI reads
    both files to the same polytope, and the package reads them back to the same vertices."""
    p = ta.hull([[0, 0], [3, 0], [0, 2], ["1/3", "1/3"]])
    ta.write_ine(p, tmp_path / "p.ine")
    ta.write_ext(p, tmp_path / "p.ext")
    assert cli("hull", tmp_path / "p.ine") == cli("hull", tmp_path / "p.ext") == p.summary()
    for f in ("p.ine", "p.ext"):
        assert sorted(ta.read_polytope(tmp_path / f).vertices) == sorted(p.vertices)
    assert ta.read_ine(p.to_ine()).summary() == p.summary()


def test_minkowski_matches_cli(cli, tmp_path):
    """Hypothesis: a triangle + a square + a segment. Conclusion: `tropical minkowski --json`'s
    summary, and each vertex of the sum is the sum of the summand points of its decomposition."""
    a = [[0, 0], [2, 0], [0, 1]]
    b = [[0, 0], [1, 0], [0, 1], [1, 1]]
    c = [[0, 0], ["1/2", "3/2"]]
    ref = cli("minkowski", ext_file(tmp_path, "a.ext", a), ext_file(tmp_path, "b.ext", b),
              ext_file(tmp_path, "c.ext", c))
    hb = ta.hull(b)
    s = ta.minkowski_sum(np.array(a), hb, np.array(c, dtype=object))
    got, want = s.summary(), dict(ref)
    # decomposition indices refer to each summand's points in the order given (the CLI's are
    # the summands' hull vertices), so they are checked by the sums below instead
    got["objects"] = {k: v for k, v in got["objects"].items() if k != "decomposition"}
    want["objects"] = {k: v for k, v in want["objects"].items() if k != "decomposition"}
    assert got == want
    summands = [[tuple(Fraction(x) for x in p) for p in q] for q in (a, hb.vertices, c)]
    got = json.loads(s.to_json())
    assert len(got["objects"]["vertices"]) == len(s.decomposition) == len(s.vertices)
    for v, dec in zip(got["objects"]["vertices"], s.decomposition):
        total = [sum(summands[h][i][k] for h, i in enumerate(dec)) for k in range(2)]
        assert [Fraction(x) for x in v] == total


@pytest.mark.parametrize("box", [None, (-5, 5)])
def test_power_diagram_matches_cli(cli, tmp_path, box):
    """Hypothesis: 5 weighted sites in the plane, one hidden (weight very negative), one
    repeated. Conclusion: every field of `tropical power-diagram --json` agrees."""
    sites = [[0, 0], [2, 0], [0, 2], [1, 1], [2, 0]]
    weights = [0, 1, "1/2", -10, 1]
    f = tmp_path / "s.json"
    f.write_text(json.dumps({"sites": sites, "weights": [str(w) for w in weights]}))
    args = ["power-diagram", f] + ([] if box is None else [f"--box={box[0]},{box[1]}"])
    ref = cli(*args)
    pd = ta.power_diagram(sites, np.array(weights, dtype=object), box=box)
    got = json.loads(pd.to_json())
    for k in ref:
        assert got[k] == ref[k], k
    assert 3 in pd.hidden
    if box is not None:
        assert len(pd.polygons) == pd.cells


def test_tconv_matches_cli(cli, tmp_path):
    """Hypothesis: three points in TP^2 (max and min convention). Conclusion: the fields of
    `tropical tconv --json` agree."""
    pts = [[0, 0, 0], [0, 2, 1], [0, 1, 3]]
    f = tmp_path / "t.json"
    f.write_text(json.dumps(pts))
    for mn in (False, True):
        ref = cli("tconv", f, *(["--min"] if mn else []))
        got = json.loads(ta.tconv(np.array(pts, dtype=np.float32), min=mn).to_json())
        assert got == ref
