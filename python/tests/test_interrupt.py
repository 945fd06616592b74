"""Ctrl-C during a count returns the partial result (nothing found so far is lost)."""

import os
import signal
import threading
import time

import numpy as np

import tropical_attention as ta


def slow_families(seed=3, funcs=12, pieces=10, dim=3):
    rng = np.random.default_rng(seed)
    slopes = [rng.integers(-9, 10, size=(pieces, dim)).astype(np.float64) for _ in range(funcs)]
    offsets = [rng.integers(-9, 10, size=pieces).astype(np.float64) for _ in range(funcs)]
    return slopes, offsets


def test_keyboard_interrupt_returns_partial_count(capfd):
    """Hypothesis: a count that takes seconds (12 random max-affine functions of 10 pieces in
    R^3), SIGINT sent from another thread after 1 s, progress on. Conclusion: the call returns
    (no KeyboardInterrupt escapes) with complete = False, interrupted = True, the cells found so
    far (> 0) with their labels, and a progress line was printed on stderr."""
    slopes, offsets = slow_families()
    t = threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT))
    start = time.monotonic()
    t.start()
    try:
        r = ta.max_affine_regions(slopes, offsets, progress=True)
    finally:
        t.cancel()
    elapsed = time.monotonic() - start
    assert elapsed >= 1.0, "the count finished before the signal: make the workload larger"
    assert not r.complete and r.interrupted and r.stopped == "cancelled"
    assert r.cells > 0 and len(r.labels) == r.cells
    err = capfd.readouterr().err
    assert "cells" in err and "interrupted" in err


def test_max_regions_is_not_an_interrupt():
    """A cell limit stops the count too, with complete = False but interrupted = False."""
    slopes, offsets = slow_families()
    r = ta.max_affine_regions(slopes, offsets, max_regions=7, progress=False)
    assert r.cells == 7 and not r.complete and not r.interrupted and r.stopped == "max_cells"
