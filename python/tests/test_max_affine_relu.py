"""`max_affine_regions` and `relu_regions` against independent references."""

import itertools
import json
from fractions import Fraction

import numpy as np
import pytest

import tropical_attention as ta


def test_max_affine_is_power_diagram(cli, tmp_path):
    """Hypothesis: f(x) = max_j ⟨a_j, x⟩ + β_j with 6 pieces in R^2, two of them never maximal.
    Conclusion (SPEC T4/T5): its cells are the nonempty cells of the power diagram with sites
    a_j/2 and weights ‖a_j/2‖² + β_j, as computed by `tropical power-diagram --json`, and the
    labels are the visible sites."""
    a = [[0, 0], [2, 0], [0, 2], [-2, -1], [1, 1], [1, 0]]
    b = [0, -1, -1, -2, -5, -10]
    z = [[Fraction(x, 2) for x in r] for r in a]
    w = [sum(x * x for x in zj) + bj for zj, bj in zip(z, b)]
    f = tmp_path / "s.json"
    f.write_text(json.dumps({"sites": [[str(x) for x in r] for r in z],
                             "weights": [str(x) for x in w]}))
    ref = cli("power-diagram", f)
    r = ta.max_affine_regions(np.array(a, dtype=np.float32), b, progress=False)
    assert r.cells == ref["cells"] == r.cells_minkowski
    assert sorted(lab[0][0] for lab in r.labels) == ref["cell_sites"]
    for lab, x in zip(r.labels, r.interior_points):
        vals = [sum(Fraction(ai) * xi for ai, xi in zip(aj, x)) + bj for aj, bj in zip(a, b)]
        assert tuple(j for j, v in enumerate(vals) if v == max(vals)) == lab[0]


def test_max_affine_refinement_t7():
    """Hypothesis: SPEC T7's construction, H = 2 functions of N = 3 pieces in R^2 (function h
    reads coordinate h, a_j = j, β_j = −j²/2). Conclusion: N^H = 9 cells, the Minkowski count
    agrees, and every label pair occurs once."""
    fam = []
    for h in range(2):
        s = np.zeros((3, 2))
        s[:, h] = [0, 1, 2]
        fam.append(s)
    offs = [[Fraction(-j * j, 2) for j in range(3)]] * 2
    r = ta.max_affine_regions(fam, offs, progress=False)
    assert r.cells == 9 == r.cells_minkowski == r.bounds["product"]
    assert sorted(r.labels) == sorted(((i,), (j,)) for i in range(3) for j in range(3))
    r = ta.max_affine_regions(fam, offs, box=(-1, 3), progress=False)
    assert r.cells == 9 and len(r.polygons()) == 9


def relu_patterns_on_grid(W1, b1, lo, hi, n):
    ts = np.linspace(lo, hi, n + 2)[1:-1]
    pats = set()
    for x, y in itertools.product(ts, ts):
        pre = W1 @ np.array([x, y]) + b1
        if np.min(np.abs(pre)) < 1e-9:
            continue
        pats.add(tuple(int(np.sign(p)) for p in pre))
    return pats


def test_relu_regions_against_grid():
    """Hypothesis: a 2 → 4 → 1 ReLU net with integer weights, box [-3, 3]^2: 4 lines in general
    position crossing the box. Conclusion: the sign patterns of the cells are exactly those met
    on a fine grid (each cell is wide enough to hold grid points), there are 11 = 1 + 4 + 6
    cells (every pair of lines meets inside the box), and linear regions ≤ cells."""
    W1 = np.array([[1, 0], [0, 1], [1, 1], [1, -2]], dtype=np.float64)
    b1 = np.array([0.5, -0.5, 0.25, 2.0])
    W2 = np.array([[1, -1, 2, 1]], dtype=np.float64)
    b2 = np.array([0.0])
    r = ta.relu_regions([W1, W2], [b1, b2], box=(-3, 3), progress=False)
    walk = set()
    for pat in r.patterns:
        (signs,) = [s["Relu"] for s in pat]
        walk.add(tuple(signs))
    assert len(walk) == r.cells == 11
    assert walk == relu_patterns_on_grid(W1, b1, -3, 3, 300)
    assert 1 <= r.linear_regions <= r.cells


def test_relu_collapsed_regions():
    """Hypothesis: an output layer that ignores unit 1 (weight 0). Conclusion: the cells still
    split along unit 1's line, but the linear regions merge across it: fewer linear regions."""
    W1 = np.array([[1.0, 0.0], [0.0, 1.0]])
    r = ta.relu_regions([W1, np.array([[1.0, 0.0]])], [np.zeros(2), np.zeros(1)],
                        box=(-1, 1), progress=False)
    assert r.cells == 4 and r.linear_regions == 2


def test_max_affine_bad_families_raise():
    """Hypothesis: two functions of different dimensions (R^2 and R^3). Conclusion: the
    library's entry point refuses them with an InvalidInputError (a ValueError) naming both
    dimensions, never a count."""
    fam = [np.zeros((2, 2)), np.zeros((2, 3))]
    with pytest.raises(ValueError, match="same dimension.*2.*3"):
        ta.max_affine_regions(fam, [[0, 1], [0, 1]], progress=False)


def test_relu_regions_limit_keeps_partial_count():
    """Hypothesis: the 2 → 4 → 1 net of `test_relu_regions_against_grid` (11 cells in the box),
    at most 3 regions. Conclusion: the count stops incomplete with the 3 cells found so far, each
    with its sign pattern."""
    W1 = np.array([[1, 0], [0, 1], [1, 1], [1, -2]], dtype=np.float64)
    b1 = np.array([0.5, -0.5, 0.25, 2.0])
    W2 = np.array([[1, -1, 2, 1]], dtype=np.float64)
    r = ta.relu_regions([W1, W2], [b1, np.array([0.0])], box=(-3, 3), max_regions=3,
                        progress=False)
    assert not r.complete
    assert r.cells == 3 == len(r.patterns)
