"""Run one cdd-format file (H- or V-representation) through howzat, the Rust double-description
and reverse-search library, as a peer of `tropical hull` in `bench/peers.sh`.

Usage: python3 bench/howzat_run.py FILE SPEC   (SPEC: a howzat backend, e.g. howzat-dd:gmprat)
Prints one JSON object: {"count": output rows, "seconds": time inside the solve call}.

Rows are scaled to integers (a positive factor per row: the same halfspace or generator), since
howzat's exact entry points take int64 or exact rationals. `howzat-dd:gmprat` is exact on any
input (exact rationals through `solve_exact`); the lrs backends (`howzat-lrs:rug`) take float64,
which is exact only when every integer fits in 53 bits: larger inputs exit with status 3
("not representable"), and `peers.sh` shows a dash. Linearity rows become two opposite rows.
Count: generators for H-input (vertices, rays and lines), facets for V-input (with equations).
"""
import json
import sys
import time
from fractions import Fraction
from math import lcm

import numpy as np
import howzat


def read_cdd(path):
    rows, lin, kind, inblk, size = [], set(), None, False, False
    for line in open(path):
        s = line.strip()
        if s.startswith("H-representation"):
            kind = "H"
        elif s.startswith("V-representation"):
            kind = "V"
        elif s.startswith("linearity"):
            lin = {int(x) - 1 for x in s.split()[2:]}
        elif s == "begin":
            inblk = size = True
        elif s == "end":
            break
        elif inblk and s and not s.startswith("*"):
            if size:
                size = False
                continue
            rows.append([Fraction(x) for x in s.split()])
    return kind or "H", rows, lin


def main():
    path, spec = sys.argv[1], sys.argv[2]
    kind, rows, lin = read_cdd(path)
    ints = []
    for i, r in enumerate(rows):
        m = lcm(*[x.denominator for x in r])
        v = [int(x * m) for x in r]
        ints.append(v)
        if i in lin:
            ints.append([-x for x in v])
    repr_ = (howzat.Representation.Inequality if kind == "H"
             else howzat.Representation.HomogeneousGenerators)
    backend = howzat.Backend(spec)
    exact_input = spec.endswith("gmprat")
    big = max((abs(x) for r in ints for x in r), default=0)
    if exact_input:
        a = (np.array(ints, dtype=np.int64) if big < 2**63
             else np.array([[Fraction(x) for x in r] for r in ints], dtype=object))
        solve = backend.solve_exact
    else:
        if big >= 2**53:
            sys.exit(3)
        a = np.array(ints, dtype=np.float64)
        solve = backend.solve
    t = time.perf_counter()
    res = solve(a, repr=repr_)
    secs = time.perf_counter() - t
    count = res.vertices if kind == "H" else res.facets
    print(json.dumps({"count": count, "seconds": secs}))


if __name__ == "__main__":
    main()
