"""Tiles vs speed-up of a tiled count, side by side: untiled `Model.regions`, then
`count_regions_distributed` with local threads and (when installed) a local Ray cluster, for
several tilings. Prints one row per run: wall time, speed-up over untiled, the sum of the tiles'
own times (`runs[0].seconds` of the merge) and the overhead per tile against the untiled time.

    python bench/slurm/scaling.py [--box 8] [--tiles 1,2,4,8] [--ray] [--cpus 2]

Workload: a 3D slice of the tiny BERT checkpoint of `attention/testdata` (layer 0, both heads).
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np

import tropical_attention as ta
from tropical_attention.distributed import count_regions_distributed

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "attention" / "testdata" / "tiny-bert.safetensors"
CONTEXT = json.loads((ROOT / "attention" / "testdata" / "tiny-context.json").read_text())
SLICE = [np.array(v, dtype=np.float64) for v in
         ([0, 0, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 1])]


def grid(k: int) -> str:
    """k tiles as a grid of the 3D box, cutting the longest axes first (8 → 2x2x2)."""
    f = [1, 1, 1]
    i = 0
    while np.prod(f) < k:
        f[i % 3] *= 2
        i += 1
    return "x".join(map(str, f))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--box", type=int, default=8)
    ap.add_argument("--tiles", default="1,2,4,8")
    ap.add_argument("--ray", action="store_true")
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    box = (-a.box, a.box)
    ctx = np.array(CONTEXT)
    m = ta.load(MODEL)

    def best(f):
        ts, r = [], None
        for _ in range(a.repeat):
            t = time.perf_counter()
            r = f()
            ts.append(time.perf_counter() - t)
        return min(ts), r

    t0, r0 = best(lambda: m.regions(ctx, slice=SLICE, box=box, progress=False))
    print(f"untiled: {r0.cells} cells, {r0.linear_regions} linear regions, {t0:.3f} s")
    backends = ["local"] + (["ray"] if a.ray else [])
    if a.ray:
        import ray
        ray.init(num_cpus=a.cpus, include_dashboard=False, log_to_driver=False)
        # warm the workers (imports and the model load) before timing
        count_regions_distributed(str(MODEL), ctx, tiles=grid(a.cpus), box=box, slice=SLICE,
                                  backend="ray")
    print("backend tiles grid    wall_s  speedup  sum_tile_s  overhead_per_tile_s")
    for be in backends:
        for k in map(int, a.tiles.split(",")):
            g = grid(k)
            t, r = best(lambda: count_regions_distributed(str(MODEL), ctx, tiles=g, box=box,
                                                          slice=SLICE, backend=be,
                                                          workers=a.cpus))
            assert (r.cells, r.linear_regions) == (r0.cells, r0.linear_regions)
            s = r.runs[0].seconds
            print(f"{be:7} {k:5} {g:7} {t:7.3f}  {t0 / t:7.2f}  {s:10.3f}  {(s - t0) / k:10.4f}")


if __name__ == "__main__":
    main()
