"""Exact polytopes, Minkowski sums, power diagrams, tropical convex hulls and cdd/lrs files."""

import json
import os
from fractions import Fraction
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from . import _native
from ._convert import box as _box, exact_rows, frac_rows, payload
from ._errors import InvalidInputError, TropicalFileNotFoundError

Row = Tuple[Fraction, ...]


class Polytope:
    """A convex polyhedron with both irredundant representations, exactly.

    ``vertices``, ``rays``, ``lines``: tuples of ``Fraction``; ``facets`` and ``equations``:
    pairs ``(a, b)`` meaning ``a·x ≤ b`` / ``a·x = b``; ``dim``, ``ambient_dim``,
    ``f_vector`` (None when faces were skipped); ``edges`` (pairs of vertex indices) and
    ``facet_incidence`` (per facet, the vertices on it), as the library's JSON writer gives them.
    """

    def __init__(self, report: str):
        self._json = report
        r = json.loads(report)
        self.dim: int = r["dim"]
        self.ambient_dim: int = r["ambient_dim"]
        self.f_vector: Optional[List[int]] = r["f_vector"]
        v, h = r["v"], r["h"]
        obj = r["objects"]
        self.vertices: List[Row] = frac_rows(obj["vertices"])
        self.rays: List[Row] = frac_rows(obj["rays"])
        self.lines: List[Row] = frac_rows(obj["lines"])

        def split(rows: List[Row]) -> List[Tuple[Row, Fraction]]:
            return [(tuple(-x for x in row[1:]), row[0]) for row in rows]

        self.facets = split(frac_rows(obj["facets"]))
        self.equations = split(frac_rows(obj["equations"]))
        # indices into `vertices` (edges, `facet_incidence[f]`) and, for a Minkowski sum, into
        # each summand's points
        self.edges: List[Tuple[int, int]] = [(int(i), int(j)) for i, j in obj["edges"]]
        self.facet_incidence: List[List[int]] = obj["facet_incidence"]
        self.decomposition: Optional[List[List[int]]] = obj.get("decomposition")
        self._v, self._h = v, h

    def __repr__(self) -> str:
        return (f"Polytope(dim={self.dim}, vertices={len(self.vertices)}, "
                f"facets={len(self.facets)})")

    def summary(self) -> Dict[str, Any]:
        """The fields of ``tropical hull --json``."""
        r = json.loads(self._json)
        return {k: r[k] for k in ("dim", "ambient_dim", "vertices", "rays", "lines", "facets",
                                  "equations", "f_vector", "objects")}

    def vertices_float(self) -> np.ndarray:
        """The vertices as a float array (display only)."""
        return np.array([[float(x) for x in v] for v in self.vertices], dtype=np.float64)

    def to_ine(self) -> str:
        """The H-representation as cdd/lrs ``.ine`` text."""
        return _native.write_cdd(json.dumps(self._h))

    def to_ext(self) -> str:
        """The V-representation as cdd/lrs ``.ext`` text."""
        return _native.write_cdd(json.dumps(self._v))

    def to_json(self) -> str:
        """The summary with the objects (``objects``: exact vertices, facets, incidences, edges,
        as ``tropical hull --json``) and both representations (``v``, ``h``: exact strings, cdd
        row convention)."""
        return self._json


def hull(
    points: Any = None,
    *,
    halfspaces: Optional[Tuple[Any, Any]] = None,
    equations: Optional[Tuple[Any, Any]] = None,
    rays: Any = None,
    lines: Any = None,
    faces: bool = True,
) -> Polytope:
    """The convex hull of ``points`` (plus ``rays``/``lines``), or the polyhedron
    ``{x : A x ≤ b}`` of ``halfspaces=(A, b)`` (plus ``equations=(C, d)``: ``C x = d``), exactly,
    with both representations. ``faces=False`` skips the face lattice (``f_vector`` is None)."""
    if halfspaces is not None:
        if points is not None or rays is not None or lines is not None:
            raise InvalidInputError("hull: give points (V) or halfspaces (H), not both")
        rep: Dict[str, Any] = {"inequalities": _h_rows(halfspaces, "halfspaces")}
        if equations is not None:
            rep["equations"] = _h_rows(equations, "equations")
    else:
        if points is None:
            raise InvalidInputError("hull: give points or halfspaces=(A, b)")
        rep = {"points": exact_rows(points, "points")}
        if rays is not None:
            rep["rays"] = exact_rows(rays, "rays")
        if lines is not None:
            rep["lines"] = exact_rows(lines, "lines")
    return Polytope(_native.polytope(json.dumps(rep), faces))


def _h_rows(ab: Tuple[Any, Any], what: str) -> List[List[str]]:
    try:
        a, b = ab
    except (TypeError, ValueError):
        raise InvalidInputError(f"{what}: expected a pair (A, b)") from None
    A = exact_rows(a, f"{what} A")
    bb = exact_rows(np.asarray(b, dtype=object).reshape(-1, 1), f"{what} b")
    if len(A) != len(bb):
        raise InvalidInputError(f"{what}: {len(A)} rows in A but {len(bb)} entries in b")
    neg = [[s[1:] if s.startswith("-") else "-" + s for s in row] for row in A]
    return [[bi[0]] + row for bi, row in zip(bb, neg)]


def minkowski_sum(*polytopes: Any) -> Polytope:
    """The Minkowski sum of polytopes (:class:`Polytope`s, bounded, or arrays of points), with
    ``decomposition[i][h]``: the point of summand ``h`` that the ``i``-th vertex of the sum (in
    the order of the JSON ``objects.vertices``) uses."""
    if not polytopes:
        raise InvalidInputError("minkowski_sum: no polytopes given")
    arrs = []
    for i, p in enumerate(polytopes):
        if isinstance(p, Polytope):
            if p.rays or p.lines:
                raise InvalidInputError(f"polytope {i}: unbounded (Minkowski sums are of polytopes)")
            p = np.array(p.vertices, dtype=object)
        arrs.append(payload(p, f"polytope {i}"))
    return Polytope(_native.minkowski_sum(arrs))


class PowerDiagram:
    """A power diagram: ``cells`` (count), ``hidden`` sites, exact ``vertices``, adjacency
    ``edges``, ``cell_sites``, ``site_cell``, ``cell_objects`` (per cell: site, interior point,
    facets, neighbours, vertices, boundedness; ``docs/json/power-diagram.md``) and, in 2D,
    ``polygons`` (site, exact vertices)."""

    def __init__(self, report: str):
        self._json = report
        r = json.loads(report)
        self.dim: int = r["dim"]
        self.cells: int = r["cells"]
        self.hidden: List[int] = r["hidden"]
        self.vertices: List[Row] = frac_rows(r["vertices"])
        self.edges: List[Tuple[int, int]] = [tuple(e) for e in r["edges"]]
        self.cell_sites: List[int] = r["cell_sites"]
        self.site_cell: List[Optional[int]] = r["site_cell"]
        self.cell_objects: List[Dict[str, Any]] = r["cell_objects"]
        self.polygons: List[Tuple[int, List[Row]]] = [
            (p["site"], frac_rows(p["vertices"])) for p in r["polygons"]
        ]

    def __repr__(self) -> str:
        return f"PowerDiagram(dim={self.dim}, cells={self.cells}, hidden={self.hidden})"

    def to_json(self) -> str:
        """The fields of ``tropical power-diagram --json`` plus ``polygons``."""
        return self._json


def power_diagram(sites: Any, weights: Any, box: Optional[Sequence[Any]] = None) -> PowerDiagram:
    """The power diagram of ``sites`` (``N × d``) with ``weights`` (``N``): cell of ``i`` =
    ``{x : ‖x − z_i‖² − w_i ≤ ‖x − z_j‖² − w_j ∀j}``, on ``R^d`` or the cube ``box``."""
    return PowerDiagram(_native.power_diagram(payload(sites, "sites"), payload(weights, "weights"),
                                              _box(box)))


class TropicalHull:
    """The tropical convex hull of points (Develin–Sturmfels): ``pseudovertices`` (exact, first
    coordinate normalised to 0), ``maximal_cells`` (dicts with ``dim``, ``vertices``,
    ``cell_type``) and ``bounded_f_vector``."""

    def __init__(self, report: str):
        self._json = report
        r = json.loads(report)
        self.convention: str = r["convention"]
        self.pseudovertices: List[Row] = frac_rows(r["pseudovertices"])
        self.maximal_cells: List[Dict[str, Any]] = r["maximal_cells"]
        self.bounded_f_vector: List[int] = r["bounded_f_vector"]

    def __repr__(self) -> str:
        return (f"TropicalHull({len(self.pseudovertices)} pseudovertices, "
                f"f={self.bounded_f_vector})")

    def to_json(self) -> str:
        """The fields of ``tropical tconv --json``."""
        return self._json


def tconv(points: Any, min: bool = False) -> TropicalHull:
    """The tropical convex hull of the rows of ``points`` in max-plus (``min=True``: min-plus)."""
    return TropicalHull(_native.tconv(payload(points, "points"), min))


def _text(source: Union[str, "os.PathLike[str]"]) -> str:
    s = os.fspath(source)
    if "\n" in s or s.lstrip().startswith("{"):
        return s
    try:
        with open(s, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        raise TropicalFileNotFoundError(f"{s}: No such file or directory") from None


def read_polytope(source: Union[str, "os.PathLike[str]"], faces: bool = True) -> Polytope:
    """The polyhedron of a cdd/lrs ``.ine`` or ``.ext`` file (or its text, or the JSON form)."""
    rep = _native.parse_cdd(_text(source))
    return Polytope(_native.polytope(rep, faces))


read_ine = read_polytope
read_ext = read_polytope


def write_ine(p: Polytope, path: Union[str, "os.PathLike[str]"]) -> None:
    """Write the H-representation of ``p`` as a cdd/lrs ``.ine`` file."""
    with open(os.fspath(path), "w", encoding="utf-8") as f:
        f.write(p.to_ine())


def write_ext(p: Polytope, path: Union[str, "os.PathLike[str]"]) -> None:
    """Write the V-representation of ``p`` as a cdd/lrs ``.ext`` file."""
    with open(os.fspath(path), "w", encoding="utf-8") as f:
        f.write(p.to_ext())
