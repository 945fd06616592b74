"""Conversions between Python values and the native layer's exact encodings.

Arrays go to the native layer as ``(shape, payload)``: ``payload`` is little-endian float64
bytes for float arrays (float16/32/64 widen to float64 exactly, so every value arrives as its exact
dyadic rational) or a list of exact strings for ``Fraction``/integer entries. Results come back as
exact strings and become :class:`fractions.Fraction` and :class:`int`.
"""

from fractions import Fraction
from numbers import Rational
from typing import Any, List, Optional, Sequence, Tuple

import numpy as np

from ._errors import InvalidInputError


def as_numpy(x: Any, what: str) -> np.ndarray:
    """``x`` as a numpy array: numpy arrays, lists, ``Fraction``s, and tensors with
    ``.detach().cpu().numpy()`` (PyTorch) or ``__array__``, without importing torch."""
    if not isinstance(x, np.ndarray):
        if hasattr(x, "detach") and callable(x.detach):
            x = x.detach()
        if hasattr(x, "cpu") and callable(x.cpu):
            x = x.cpu()
        if hasattr(x, "numpy") and callable(x.numpy):
            x = x.numpy()
    try:
        a = np.asarray(x)
    except (TypeError, ValueError) as e:
        raise InvalidInputError(f"{what}: not an array: {e}") from None
    if a.dtype == object and any(isinstance(v, (list, tuple, np.ndarray)) for v in a.ravel()):
        raise InvalidInputError(f"{what}: ragged array (rows of different lengths)")
    return a


def _exact_str(v: Any, what: str, i: int) -> str:
    if isinstance(v, (bool, np.bool_)):
        return str(int(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, Rational):
        q = Fraction(v)
        return f"{q.numerator}/{q.denominator}"
    if isinstance(v, str):
        return v
    try:
        q = Fraction(float(v)) if isinstance(v, (float, np.floating)) else Fraction(v)
    except (TypeError, ValueError, OverflowError):
        raise InvalidInputError(
            f"{what}: non-finite or non-numeric value {v!r} at flat index {i} "
            "(NaN/inf are not rational)"
        ) from None
    return f"{q.numerator}/{q.denominator}"


def payload(x: Any, what: str) -> Tuple[List[int], Any]:
    """The ``(shape, payload)`` pair of an array-like ``x`` (see the module docs)."""
    a = as_numpy(x, what)
    shape = [int(s) for s in a.shape]
    if a.dtype.kind == "f":
        if a.dtype.itemsize > 8:
            return shape, [_exact_str(v, what, i) for i, v in enumerate(a.ravel().tolist())]
        return shape, np.ascontiguousarray(a, dtype="<f8").tobytes()
    if a.dtype.kind in "iub" or a.dtype == object:
        return shape, [_exact_str(v, what, i) for i, v in enumerate(a.ravel().tolist())]
    raise InvalidInputError(
        f"{what}: unsupported dtype {a.dtype} (use float16/32/64, integers or Fractions)"
    )


def exact_rows(x: Any, what: str) -> List[List[str]]:
    """A 2-D array-like as rows of exact strings (every float is its exact dyadic value)."""
    a = as_numpy(x, what)
    if a.ndim != 2:
        raise InvalidInputError(f"{what}: expected a 2-D array, got shape {list(a.shape)}")
    flat = [_exact_str(v, what, i) for i, v in enumerate(a.ravel().tolist())]
    n = a.shape[1]
    return [flat[r * n:(r + 1) * n] for r in range(a.shape[0])]


def box(b: Optional[Sequence[Any]]) -> Optional[Tuple[str, str]]:
    """A box ``(lo, hi)`` (the cube ``[lo, hi]^k``) as two exact strings."""
    if b is None:
        return None
    try:
        lo, hi = b
    except (TypeError, ValueError):
        raise InvalidInputError(f"box must be (lo, hi), got {b!r}") from None
    return _exact_str(lo, "box", 0), _exact_str(hi, "box", 1)


def frac(s: str) -> Fraction:
    """An exact string as a Fraction."""
    return Fraction(s)


def frac_rows(rows: Sequence[Sequence[str]]) -> List[Tuple[Fraction, ...]]:
    """Rows of exact strings as tuples of Fractions."""
    return [tuple(Fraction(x) for x in r) for r in rows]
