"""`certify_attention` against `tropical certify --json` on numpy attention kernels."""

import json
import subprocess

import numpy as np
import pytest

import tropical_attention as ta

FIELDS = ["verdict", "dims", "sigma", "tau", "mask", "formats", "rows_checked",
          "elements_checked", "passed", "failed", "near_tie_rows", "non_finite", "error_ulps",
          "max_error", "findings"]


def numpy_softmax_attention(q, k, v, tau=1.0, causal=False):
    """A foreign fp32 kernel: scores, max subtraction, exp, normalisation, in numpy float32."""
    s = (q @ k.T) / np.float32(np.sqrt(q.shape[-1]) * tau)
    if causal:
        s = np.where(np.tril(np.ones(s.shape, dtype=bool)), s, np.float32(-np.inf))
    p = np.exp(s - s.max(axis=-1, keepdims=True))
    return ((p / p.sum(axis=-1, keepdims=True)) @ v).astype(np.float32)


def problem(seed=0, n_q=12, n_k=20, d=16):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(np.float32) for s in ((n_q, d), (n_k, d), (n_k, d))]


def run_cli(tropical_bin, tmp_path, arrays, *flags):
    paths = []
    for name, a in zip(("q", "k", "v", "out"), arrays):
        np.save(tmp_path / f"{name}.npy", a)
        paths += [f"--{name}", str(tmp_path / f"{name}.npy")]
    out = subprocess.run([str(tropical_bin), "certify", *paths, *map(str, flags), "--json"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode in (0, 1), out.stderr
    return json.loads(out.stdout)


@pytest.mark.parametrize("case", ["exact", "planted", "causal", "tau", "f16"])
def test_certify_matches_cli(tropical_bin, tmp_path, case):
    """Hypothesis: a numpy fp32 softmax attention (correct, with one element off by 1e-3, with a
    causal mask, at τ = 1/8, with f16 inputs). Conclusion: the certificate's verdict, counts and
    error statistics equal the CLI's on the same arrays; the planted error fails, located."""
    q, k, v = problem()
    kw, flags = {}, []
    if case == "causal":
        k, v = k[:12], v[:12]
        o = numpy_softmax_attention(q, k, v, causal=True)
        kw, flags = {"causal": True}, ["--mask", "causal"]
    elif case == "tau":
        o = numpy_softmax_attention(q, k, v, tau=0.125)
        kw, flags = {"tau": "1/8"}, ["--tau", "1/8"]
    elif case == "f16":
        q, k, v = (a.astype(np.float16) for a in (q, k, v))
        o = numpy_softmax_attention(q.astype(np.float32), k.astype(np.float32),
                                    v.astype(np.float32))
    else:
        o = numpy_softmax_attention(q, k, v)
    if case == "planted":
        o[3, 5] += np.float32(1e-3)
    ref = run_cli(tropical_bin, tmp_path, (q, k, v, o), *flags)
    c = ta.certify_attention(q, k, v, o, **kw)
    got = json.loads(c.to_json())
    for f in FIELDS:
        assert got[f] == ref[f], f
    if case == "f16":
        # both keep the arrays' dtype (the CLI from the .npy header)
        assert got["formats"] == ["f16", "f16", "f16", "f32"]
    assert c.certified == (case != "planted")
    if case == "planted":
        assert c.failed == 1


def test_hardmax_and_topk(tropical_bin, tmp_path):
    """Hypothesis: zero-temperature and top-2 kernels in numpy. Conclusion: certified, as the
    CLI says."""
    q, k, v = problem(1)
    s = q @ k.T
    hard = v[np.argmax(s, axis=1)]
    ref = run_cli(tropical_bin, tmp_path, (q, k, v, hard), "--kind", "hardmax")
    c = ta.certify_attention(q, k, v, hard, kind="hardmax")
    assert c.verdict == ref["verdict"] == "certified"
    top = np.argsort(-s, axis=1)[:, :2]
    o = np.empty_like(q)
    for i in range(q.shape[0]):
        z = s[i, top[i]] / np.float32(4)
        p = np.exp(z - z.max())
        o[i] = (p / p.sum()) @ v[top[i]]
    ref = run_cli(tropical_bin, tmp_path, (q, k, v, o), "--kind", "topk", "--topk", 2)
    c = ta.certify_attention(q, k, v, o, kind="topk", k_top=2)
    assert c.verdict == ref["verdict"] == "certified" and c.passed == ref["passed"]


def test_certify_bad_input():
    """NaN in Q is a ValueError naming the array; NaN in the output is a finding."""
    q, k, v = problem()
    o = numpy_softmax_attention(q, k, v)
    bad = q.copy()
    bad[2, 3] = np.nan
    with pytest.raises(ValueError, match="Q"):
        ta.certify_attention(bad, k, v, o)
    with pytest.raises(ValueError, match="topk"):
        ta.certify_attention(q, k, v, o, kind="topk")
    o[0, 0] = np.nan
    c = ta.certify_attention(q, k, v, o)
    assert not c.certified and c.non_finite == 1


def test_progress_and_keyboard_interrupt(capfd):
    """Hypothesis: a certification that takes many seconds (12 heads of 2048 queries and keys),
    progress on, SIGINT sent from another thread after 1 s. Conclusion: the call returns within
    about a second of the signal (no KeyboardInterrupt escapes) with the partial certificate:
    interrupted, complete False, verdict "interrupted", fewer rows checked than in the problem
    but some, each with its elements; a progress line was printed on stderr."""
    import os
    import signal
    import threading
    import time

    rng = np.random.default_rng(5)
    q, k, v = (rng.standard_normal((1, 12, 2048, 64)).astype(np.float32) for _ in range(3))
    out = np.zeros_like(q)
    t = threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT))
    start = time.monotonic()
    t.start()
    try:
        c = ta.certify_attention(q, k, v, out, progress=True)
    finally:
        t.cancel()
    elapsed = time.monotonic() - start
    assert elapsed >= 1.0, "finished before the signal: make the workload larger"
    assert elapsed < 4.0, f"took {elapsed:.1f} s to stop"
    assert c.interrupted and not c.complete and c.verdict == "interrupted" and not c.certified
    assert 0 < c.rows_checked < c.rows_total
    assert c.elements_checked == c.rows_checked * 64
    assert any("interrupted" in f for f in c.findings)
    err = capfd.readouterr().err
    assert "rows" in err and "interrupted" in err


def test_progress_callback_off_and_complete():
    """Without progress and without a signal the certificate is complete and not interrupted."""
    q, k, v = problem(2)
    c = ta.certify_attention(q, k, v, numpy_softmax_attention(q, k, v), progress=False)
    assert c.certified and c.complete and not c.interrupted
