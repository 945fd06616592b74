"""Exact conversions (every float is its dyadic rational) and errors as Python exceptions."""

from fractions import Fraction

import numpy as np
import pytest

import tropical_attention as ta
from conftest import TINY_BERT


def round_trip(points):
    """Points in, exact vertices out: the vertices of a simplex are its points."""
    s = ta.minkowski_sum(points)
    return sorted(s.vertices)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_floats_are_exact_dyadics(dtype):
    """Hypothesis: random floats of each width, including subnormals and values near the
    extremes of the format. Conclusion: each arrives as Fraction(float(x)) exactly (the exact
    dyadic value), through the bytes route (arrays) and the string route (hull's JSON)."""
    info = np.finfo(dtype)
    rng = np.random.default_rng(7)
    vals = np.concatenate([
        rng.standard_normal(4).astype(dtype),
        np.array([info.tiny, info.smallest_subnormal, -info.max, info.eps, 0.1], dtype=dtype),
    ])
    for k in range(0, len(vals) - 2, 3):
        x, y, z = vals[k:k + 3]
        pts = np.array([[x, 0], [0, y], [z, z], [0, 0]], dtype=dtype)
        want = sorted(ta.hull(pts).vertices)
        assert round_trip(pts) == want
        for v in want:
            for c in v:
                assert c in {Fraction(0), Fraction(float(x)), Fraction(float(y)),
                             Fraction(float(z))}
    assert Fraction(float(np.float32(0.1))) != Fraction(1, 10)
    got = ta.hull(np.array([[0.1], [1.0]], dtype=np.float32)).vertices
    assert got == [(Fraction(float(np.float32(0.1))),), (Fraction(1),)] or \
        sorted(got) == [(Fraction(float(np.float32(0.1))),), (Fraction(1),)]


def test_fractions_and_big_integers():
    """Hypothesis: Fraction entries with 100-bit numerators, Python ints beyond 2^64, decimal
    strings. Conclusion: they come back as the same Fractions."""
    big = Fraction(2 ** 100 + 1, 3)
    tiny = Fraction(1, 3 ** 40)
    pts = np.array([[big, 0], [0, 2 ** 70], ["0.125", "-1/7"], [tiny, tiny]], dtype=object)
    want = sorted([(big, Fraction(0)), (Fraction(0), Fraction(2 ** 70)),
                   (Fraction(1, 8), Fraction(-1, 7)), (tiny, tiny)])
    assert round_trip(pts) == want
    assert sorted(ta.hull(pts).vertices) == want


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_is_value_error(bad):
    """NaN/inf anywhere: a ValueError (and TropicalError) naming the array and the index."""
    ctx = np.zeros((3, 4), dtype=np.float32)
    ctx[1, 2] = bad
    with pytest.raises(ValueError, match=r"context.*flat index 6") as e:
        ta.load(TINY_BERT).regions(ctx, progress=False)
    assert isinstance(e.value, ta.TropicalError)
    with pytest.raises(ta.InvalidInputError, match="flat index"):
        ta.hull(np.array([[0.0, bad]]))


def test_bad_inputs_raise_the_right_exception(tmp_path, cli_error):
    """Shapes, ranges, files: each bad input is the right exception with a one-line message,
    never a panic; the messages of shared failures are the CLI's."""
    m = ta.load(TINY_BERT)
    with pytest.raises(ValueError, match="d_model is 4"):
        m.regions(np.zeros((3, 5)), progress=False)
    with pytest.raises(ValueError, match="head 7: layer 0 has heads 0..1"):
        m.regions(np.zeros((3, 4)), heads=[7], progress=False)
    with pytest.raises(ValueError, match=r"layers 1..2 \(depth 2\): layers are 0..1"):
        m.regions(np.zeros((3, 4)), layer=1, depth=2, progress=False)
    with pytest.raises(ValueError, match="LO < HI"):
        m.regions(np.zeros((3, 4)), box=(1, 1), progress=False)
    with pytest.raises(ValueError, match="slice"):
        m.regions(np.zeros((3, 4)), slice=(np.zeros(4), np.ones(4)), progress=False)
    with pytest.raises(ValueError, match="context: not an array"):
        m.regions([[0, 1, 2, 3], [0, 1]], progress=False)
    with pytest.raises(ValueError, match="unsupported dtype"):
        m.regions(np.zeros((3, 4), dtype=np.complex64), progress=False)
    with pytest.raises(FileNotFoundError) as e:
        ta.load(tmp_path / "missing.safetensors")
    assert isinstance(e.value, ta.TropicalError)
    with pytest.raises(ValueError, match="config.json"):
        ta.load(tmp_path)  # a folder that is not a checkpoint
    with pytest.raises(FileNotFoundError):
        ta.read_polytope(tmp_path / "missing.ext")
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"not a safetensors file")
    with pytest.raises(ValueError) as e:
        ta.load(bad, n_heads=1)
    assert str(e.value) in cli_error("regions", "--model", bad, "--context", tmp_path / "x.json",
                                     "--n-heads", "1")
    with pytest.raises(ValueError, match="head count unknown"):
        ta.load({"encoder.layer.0.attention.self.query.weight": np.eye(2)})
    with pytest.raises(ValueError, match="line 4"):
        ta.read_polytope("V-representation\nbegin\n1 3 rational\n1 x 2\nend\n")
    with pytest.raises(ValueError):
        ta.max_affine_regions(np.zeros((3, 2)), [0, 0], progress=False)
    with pytest.raises(ValueError):
        ta.relu_regions([np.eye(2), np.ones((1, 3))], [np.zeros(2), np.zeros(1)], progress=False)
    with pytest.raises(ValueError):
        ta.power_diagram([[0, 0], [1, 1]], [0], box=None)
    with pytest.raises(ta.InvalidInputError):
        ta.load(TINY_BERT).regions(np.zeros((3, 4)), box=(-1, 1), progress=False).polygons()


def test_progress_callback_error_propagates():
    """A failing progress callback cancels the count and its exception reaches the caller."""
    from tropical_attention import _native
    from tropical_attention._convert import payload
    from test_interrupt import slow_families

    def boom(*_):
        raise RuntimeError("stop here")

    slopes, offsets = slow_families()
    fams = [(payload(a, "s"), payload(b, "o")) for a, b in zip(slopes, offsets)]
    with pytest.raises(RuntimeError, match="stop here"):
        _native.max_affine_regions(fams, None, None, boom)
