"""`load` and `Model.regions` against `tropical regions --json` on the same inputs."""

import json
from fractions import Fraction

import numpy as np
import pytest

import tropical_attention as ta
from conftest import TINY_BERT, TINY_CONTEXT

FIELDS = ["cells", "linear_regions", "dimension", "walk_dimension", "heads", "keys", "complete",
          "stopped", "cells_minkowski", "method", "agreed", "decomposition", "layer", "depth",
          "scale", "bound_product", "bound_zaslavsky", "lps_solved", "cell_list"]


def untimed(report: dict) -> dict:
    """A report without the runs' wall times (the only fields that differ between runs)."""
    r = dict(report)
    r["runs"] = [{k: v for k, v in run.items() if k != "seconds"} for run in report["runs"]]
    return r


def same_as_cli(r: ta.Regions, ref: dict) -> None:
    got = untimed(json.loads(r.to_json()))
    ref = untimed(ref)
    assert set(got) == set(ref)
    for f in FIELDS + ["runs"]:
        assert got[f] == ref[f], f
    assert got == ref
    assert r.bounds["product"] == int(ref["bound_product"])
    z = ref["bound_zaslavsky"]
    assert r.bounds.get("zaslavsky") == (None if z is None else int(z))
    assert r.cells == ref["cells"] == len(r.labels) == len(r.interior_points) == len(r.pieces)
    assert [run.method for run in r.runs] == [run["method"] for run in ref["runs"]]
    assert r.method == ref["method"] and r.agreed == ref["agreed"]


def test_whole_space_matches_cli(cli, tiny_context):
    """Hypothesis: the tiny BERT checkpoint, layer 0, whole space. Conclusion: the package's
    counts, bounds and Minkowski cross-check equal the CLI's (20 cells, 20 linear regions)."""
    ref = cli("regions", "--model", TINY_BERT, "--context", TINY_CONTEXT)
    m = ta.load(TINY_BERT)
    assert (m.layers, m.heads, m.d_model, m.naming) == (2, 2, 4, "bert")
    r = m.regions(np.array(tiny_context), progress=False)
    same_as_cli(r, ref)
    # W_Q is onto R^4: SPEC T15 applies, and the small product is checked by both other methods
    assert r.complete and r.agreed and r.method == "product"
    assert r.methods_agreed == ["product", "walk", "minkowski"]
    assert r.cells_minkowski == r.cells == 20
    d = r.decomposition
    assert d is not None and d.applies and d.rank == d.needed == 4
    assert r.cells == d.per_head[0] * d.per_head[1]
    assert r.stopped is None and r.walk_dimension == 4
    for lab, lay in zip(r.labels, r.layer_labels):
        assert len(lay) == 1 and lay[0] == lab
    for lin, off in r.pieces:
        assert lin is None and len(off) == 4


def test_methods_and_time_limit(tiny_context):
    """Hypothesis: each method asked for alone, a method that cannot count a box, an unknown
    method, a non-positive time limit. Conclusion: each method alone gives the same exact count
    (only the walk lists cells); the others are one-line `InvalidInputError`s."""
    m = ta.load(TINY_BERT)
    counts = {}
    for meth in ("walk", "minkowski", "product"):
        r = m.regions(tiny_context, method=[meth], progress=False)
        assert r.method == meth and [x.method for x in r.runs] == [meth]
        counts[meth] = r.cells
        assert len(r.labels) == (r.cells if meth == "walk" else 0)
        assert (r.linear_regions is None) == (meth != "walk")
    assert set(counts.values()) == {20}
    r = m.regions(tiny_context, method="walk", time_limit=60, progress=False)
    assert r.complete and r.cells == 20
    with pytest.raises(ta.InvalidInputError, match="not a box"):
        m.regions(tiny_context, method="product", box=(-1, 1), progress=False)
    with pytest.raises(ta.InvalidInputError, match="methods are walk, minkowski, product"):
        m.regions(tiny_context, method="lrs", progress=False)
    with pytest.raises(ta.InvalidInputError, match="time limit"):
        m.regions(tiny_context, time_limit=0, progress=False)
    with pytest.raises(ta.InvalidInputError, match="not listed"):
        m.regions(tiny_context, method="product", progress=False).polygons()


@pytest.mark.parametrize("layer,heads,box,maxr", [
    (0, [0], (-4, 4), None),
    (1, [1, 0], (-2, 3), None),
    (0, None, ("-1/2", "7/3"), None),
    (0, None, (-4, 4), 5),
])
def test_box_heads_limits_match_cli(cli, tiny_context, layer, heads, box, maxr):
    """Hypothesis: a head subset, a box with rational ends, a cell limit. Conclusion: same
    report as the CLI with the same flags (the limit gives complete = False in both)."""
    args = ["regions", "--model", TINY_BERT, "--context", TINY_CONTEXT, "--layer", layer,
            f"--box={box[0]},{box[1]}"]
    if heads is not None:
        args += ["--heads", ",".join(map(str, heads))]
    if maxr is not None:
        args += ["--max-regions", maxr]
    ref = cli(*args)
    r = ta.load(TINY_BERT).regions(tiny_context, layer=layer, heads=heads, box=box,
                                   max_regions=maxr, progress=False)
    same_as_cli(r, ref)
    assert r.complete == (maxr is None)


def slice_vectors():
    o = np.array([0.25, -0.5, 1.0, 0.0], dtype=np.float32)
    u = np.array([1.0, 0.5, 0.0, -1.0], dtype=np.float32)
    v = np.array([0.0, 1.0, -0.75, 0.5], dtype=np.float32)
    return o, u, v


def test_slice_and_polygons(cli, tmp_path, tiny_context):
    """Hypothesis: a 2D slice O + sU + tV in the box [-4, 4]^2 (f32 vectors as .npy for the CLI).
    Conclusion: counts equal the CLI's; the exact polygons tile the box (their exact areas sum to
    64), each contains its cell's interior point, and labels are the argmax sets there."""
    o, u, v = slice_vectors()
    files = []
    for name, a in zip("ouv", (o, u, v)):
        p = tmp_path / f"{name}.npy"
        np.save(p, a)
        files.append(str(p))
    ref = cli("regions", "--model", TINY_BERT, "--context", TINY_CONTEXT, "--slice",
              ",".join(files), "--box=-4,4")
    m = ta.load(TINY_BERT)
    r = m.regions(tiny_context, slice=(o, u, v), box=(-4, 4), progress=False)
    same_as_cli(r, ref)
    polys = r.polygons()
    assert len(polys) == r.cells
    area = Fraction(0)
    for p, x in zip(polys, r.interior_points):
        vs = p.exact
        a = sum(vs[i][0] * vs[(i + 1) % len(vs)][1] - vs[(i + 1) % len(vs)][0] * vs[i][1]
                for i in range(len(vs))) / 2
        assert a > 0
        area += a
        # the interior point is strictly left of every counter-clockwise edge
        for i in range(len(vs)):
            (x0, y0), (x1, y1) = vs[i], vs[(i + 1) % len(vs)]
            assert (x1 - x0) * (x[1] - y0) - (y1 - y0) * (x[0] - x0) > 0
        assert isinstance(vs[0][0], Fraction)
        assert p.vertices.shape == (len(vs), 2)
    assert area == 64


def test_slice_labels_are_exact_argmax(tiny_context):
    """Hypothesis: whole-space count of layer 0 with a JSON model written from the same weights.
    Conclusion: at every returned interior point, each head's exact argmax set (computed here in
    Fractions, independently of the library) is the cell's label."""
    from safetensors.numpy import load_file

    sd = load_file(str(TINY_BERT))
    r = ta.load(TINY_BERT).regions(tiny_context, progress=False)
    ctx = [[Fraction(x) for x in row] for row in tiny_context]
    W = {k: [[Fraction(float(x)) for x in row] for row in np.atleast_2d(v)] for k, v in sd.items()}
    pre = "encoder.layer.0.attention.self."

    def affine(name, x):
        w, b = W[pre + name + ".weight"], W[pre + name + ".bias"][0]
        return [sum(wi * xi for wi, xi in zip(row, x)) + bi for row, bi in zip(w, b)]

    keys = [affine("key", c) for c in ctx]
    for label, x in zip(r.labels, r.interior_points):
        q = affine("query", list(x))
        for h, got in enumerate(label):
            s = [sum(a * b for a, b in zip(q[2 * h:2 * h + 2], k[2 * h:2 * h + 2])) for k in keys]
            best = max(s)
            assert tuple(j for j, v in enumerate(s) if v == best) == got


def test_depth_two_matches_cli(cli, tiny_context):
    """Hypothesis: two residual layers composed, box [-3, 3]^4. Conclusion: same counts as the
    CLI's `--depth 2`, and no Zaslavsky bound (one-layer only)."""
    ref = cli("regions", "--model", TINY_BERT, "--context", TINY_CONTEXT, "--depth", 2,
              "--box=-3,3")
    r = ta.load(TINY_BERT).regions(tiny_context, depth=2, box=(-3, 3), progress=False)
    same_as_cli(r, ref)
    assert r.patterns is None or isinstance(r.patterns, list)
    # per-layer labels: two layers of two heads; the pieces are the map's (linear part 4 x 4)
    for lab, lay in zip(r.labels, r.layer_labels):
        assert [len(x) for x in lay] == [2, 2] and lay[0] + lay[1] == lab
    for lin, off in r.pieces:
        assert lin is not None and len(lin) == 4 and all(len(row) == 4 for row in lin)


class FakeTensor:
    """Mimics a PyTorch tensor: only `.detach().cpu().numpy()`."""

    def __init__(self, a):
        self._a = np.asarray(a)

    def detach(self):
        return self

    def cpu(self):
        return self

    def numpy(self):
        return self._a


class ArrayLike:
    """An object numpy converts through `__array__` only."""

    def __init__(self, a):
        self._a = np.asarray(a)

    def __array__(self, dtype=None, copy=None):
        return self._a if dtype is None else self._a.astype(dtype)


def test_state_dict_inputs_equal_file(tiny_context):
    """Hypothesis: the same weights as a file, as the safetensors package's numpy state_dict,
    as torch-like tensors, with explicit names, and the context as f32/f16/list/Fraction/array-
    like. Conclusion: every route gives the same report."""
    from safetensors.numpy import load_file

    ref = ta.load(TINY_BERT).regions(tiny_context, box=(-4, 4), progress=False).to_json()
    sd = load_file(str(TINY_BERT))
    sd["embeddings.position_ids"] = np.arange(4, dtype=np.int64)  # integer buffers are skipped
    torch_like = {k: FakeTensor(v) for k, v in sd.items()}
    names = {"q.weight": "encoder.layer.{l}.attention.self.query.weight",
             "q.bias": "encoder.layer.{l}.attention.self.query.bias",
             "k.weight": "encoder.layer.{l}.attention.self.key.weight",
             "k.bias": "encoder.layer.{l}.attention.self.key.bias",
             "v.weight": "encoder.layer.{l}.attention.self.value.weight",
             "v.bias": "encoder.layer.{l}.attention.self.value.bias",
             "o.weight": "encoder.layer.{l}.attention.output.dense.weight",
             "o.bias": "encoder.layer.{l}.attention.output.dense.bias"}
    models = [ta.load(sd, n_heads=2), ta.load(torch_like, n_heads=2),
              ta.load(sd, n_heads=2, tensors=names)]
    ctx = np.array(tiny_context)
    contexts = [ctx.astype(np.float32), ctx.astype(np.float16), tiny_context,
                [[Fraction(x) for x in row] for row in tiny_context], FakeTensor(ctx),
                ArrayLike(ctx)]
    ref = untimed(json.loads(ref))

    def report(m, c):
        return untimed(json.loads(m.regions(c, box=(-4, 4), progress=False).to_json()))

    for m in models:
        assert m.layers == 2
        assert report(m, ctx) == ref
    m = models[0]
    for c in contexts:
        assert report(m, c) == ref


def test_json_model_and_folder(tmp_path, cli, tiny_context):
    """Hypothesis: a JSON model file and a Hugging Face style folder (config.json +
    model.safetensors). Conclusion: both load, with the CLI's counts."""
    import shutil

    folder = tmp_path / "hf"
    folder.mkdir()
    shutil.copy(TINY_BERT, folder / "model.safetensors")
    (folder / "config.json").write_text(json.dumps({"num_attention_heads": 2}))
    ref = cli("regions", "--model", TINY_BERT, "--context", TINY_CONTEXT)
    assert ta.load(folder).regions(tiny_context, progress=False).cells == ref["cells"]
    model = {"layers": [{"heads": [{"w_q": [[1, 0], [0, 1]], "w_k": [[1, 0], [0, 1]]}]}]}
    p = tmp_path / "m.json"
    p.write_text(json.dumps(model))
    ctx = [[0, 0], [1, 0], [0, 1], [-1, -1]]
    cp = tmp_path / "c.json"
    cp.write_text(json.dumps(ctx))
    ref = cli("regions", "--model", p, "--context", cp)
    jm = ta.load(p)
    assert (jm.naming, jm.layers, jm.d_model) == ("json", 1, 2)
    same_as_cli(jm.regions(ctx, progress=False), ref)


def test_plot(tiny_context):
    """With matplotlib: `plot` draws one patch per cell and returns the axes. Without it: an
    ImportError saying what to install."""
    r = ta.load(TINY_BERT).regions(tiny_context, slice=slice_vectors(), box=(-4, 4),
                                   progress=False)
    try:
        import matplotlib

        matplotlib.use("Agg")
    except ImportError:
        with pytest.raises(ImportError, match="pip install matplotlib"):
            r.plot()
        return
    ax = r.plot()
    assert len(ax.patches) == r.cells
