"""Certify any attention kernel's output against the exact reference: :func:`certify_attention`."""

import json
import sys
from fractions import Fraction
from typing import Any, Optional, Tuple, Union

import numpy as np

from . import _native
from ._convert import as_numpy
from ._errors import InvalidInputError
from ._progress import RowProgress

_FORMATS = {"float64": "f64", "float32": "f32", "float16": "f16"}


def _tensor(x: Any, name: str, bf16: bool = False) -> Tuple[list, bytes, str]:
    """``(shape, f64 bytes, format)``: each stored value exactly, with its storage format.
    bfloat16 arrives as a ``uint16`` view (or an ``ml_dtypes.bfloat16`` array) and is widened
    exactly (its bits are the top half of a float32)."""
    a = as_numpy(x, name)
    if a.dtype.name == "bfloat16" or (bf16 and a.dtype == np.uint16):
        wide = (a.view(np.uint16).astype(np.uint32) << 16).view(np.float32)
        return list(a.shape), np.ascontiguousarray(wide, dtype="<f8").tobytes(), "bf16"
    if a.dtype.kind in "biu" and name == "mask":
        return list(a.shape), np.ascontiguousarray(a, dtype="<f8").tobytes(), "f64"
    fmt = _FORMATS.get(a.dtype.name)
    if fmt is None:
        raise InvalidInputError(
            f"{name}: unsupported dtype {a.dtype} (float16/32/64, or bfloat16 as a uint16 view)"
        )
    return list(a.shape), np.ascontiguousarray(a, dtype="<f8").tobytes(), fmt


class Certificate:
    """The certificate: ``verdict`` ("certified" or "failed"), ``certified`` (bool), and every
    field of ``tropical certify --json`` as an attribute (``passed``, ``failed``,
    ``error_ulps``, ``worst``, ``near_tie_rows``, ``findings``, …)."""

    def __init__(self, report: str, interrupted: bool = False):
        self._json = report
        self._r = json.loads(report)
        self.verdict: str = self._r["verdict"]
        self.certified: bool = self.verdict == "certified"
        #: Ctrl-C stopped the run: the counts cover the rows checked so far (``complete`` False).
        self.interrupted: bool = interrupted

    def __getattr__(self, name: str) -> Any:
        try:
            return self._r[name]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        return (f"Certificate({self.verdict}: {self._r['passed']}/{self._r['elements_checked']} "
                "elements within the any-order fp32 bound)")

    def to_json(self) -> str:
        """The fields of ``tropical certify --json``."""
        return self._json


def certify_attention(
    q: Any,
    k: Any,
    v: Any,
    out: Any,
    tau: Union[int, float, Fraction, str] = 1,
    kind: str = "softmax",
    k_top: Optional[int] = None,
    scale: Union[None, int, float, Fraction, str] = None,
    mask: Any = None,
    causal: bool = False,
    heads: Optional[int] = None,
    atol: Optional[float] = None,
    rtol: Optional[float] = None,
    rows: Optional[int] = None,
    bf16: bool = False,
    progress: bool = True,
) -> Certificate:
    """How far a kernel's attention output ``out`` is from the exact result for ``q, k, v``.

    Shapes ``[batch, heads, n, d]`` or ``[n, d]`` (``heads`` splits a 2-D ``[n, H·d]``); every
    input float is an exact rational; the exact scores are exact and the softmax weights and
    outputs certified enclosures. Per element: the error in ulps of ``out``'s format and whether it
    is within the forward error bound of an fp32 kernel with any summation order (and within
    ``atol + rtol·|o|`` when given). ``kind`` is "softmax" (``softmax(σ·QKᵀ/τ)·V``), "hardmax"
    (τ → 0) or "topk" (with ``k_top``); ``scale`` is σ (default ``1/√d``); ``mask`` is non-zero
    where a query attends, or ``causal=True``; ``rows`` samples rows of large inputs; ``bf16=True``
    reads ``uint16`` arrays as bfloat16 bits. NaN/inf in ``out`` are findings, not errors.

    ``progress`` shows the rows certified so far (a tqdm bar if tqdm is installed, else a line on
    stderr). The GIL is released while certifying; Ctrl-C stops within about 50 ms of the rows in
    flight and returns the partial certificate (``interrupted`` True, ``complete`` False, verdict
    "interrupted"), covering the rows checked so far.
    """
    def exact(x: Any) -> str:
        f = Fraction(x)
        return f"{f.numerator}/{f.denominator}"

    tol = None
    if atol is not None or rtol is not None:
        tol = (float(atol or 0.0), float(rtol or 0.0))
    try:
        tau_s = exact(tau)
        scale_s = None if scale is None else exact(scale)
    except (TypeError, ValueError, OverflowError) as e:
        raise InvalidInputError(f"tau/scale: {e}") from None
    m = None if mask is None else _tensor(mask, "mask")
    args = (_tensor(q, "Q", bf16), _tensor(k, "K", bf16), _tensor(v, "V", bf16),
            _tensor(out, "O", bf16), tau_s, kind, k_top, scale_s, m, causal, heads, tol, rows)
    with RowProgress(progress) as p:
        report, interrupted = _native.certify_attention(*args, p.callback)
    if interrupted:
        sys.stderr.write("interrupted: the certificate is partial (complete=False)\n")
    return Certificate(report, interrupted)
