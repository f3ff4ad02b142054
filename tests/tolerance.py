"""The one shared tolerance helper: every numeric (non-exact) comparison in the tests goes through here.

Exact results are compared with ``==``; ball results with containment
(:func:`ball_contains`); floats and mpmath values with :func:`close`.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

FLOAT_RTOL = 1e-9
FLOAT_ATOL = 1e-12


def close(a: Any, b: Any, rtol: float = FLOAT_RTOL, atol: float = FLOAT_ATOL) -> bool:
    """Numerical agreement of scalars or arrays (floats, mpf, Fractions, arb midpoints)."""
    A = np.asarray(_to_float(a), dtype=float)
    B = np.asarray(_to_float(b), dtype=float)
    return bool(np.allclose(A, B, rtol=rtol, atol=atol))


def digits_agree(a: Any, b: Any, digits: int) -> bool:
    """|a - b| <= 10^-digits * max(1, |b|), in mpmath at 2x the digits."""
    with mpmath.workdps(2 * digits + 10):
        x, y = _to_mpf(a), _to_mpf(b)
        return abs(x - y) <= mpmath.mpf(10) ** (-digits) * max(1, abs(y))


def ball_contains(ball: Any, value: Any) -> bool:
    """An arb ball contains a value (Fraction, int, fmpq, mpf or decimal string).

    The value is converted at 4096 bits (mpf values exactly, through their binary
    rational), so the comparison is not spoiled by the conversion itself.
    """
    from flint import arb, ctx, fmpq

    saved = ctx.prec
    ctx.prec = 4096
    try:
        if isinstance(value, Fraction):
            value = arb(fmpq(value.numerator, value.denominator))
        elif isinstance(value, fmpq):
            value = arb(value)
        elif isinstance(value, mpmath.mpf):
            sign, man, exp, _ = value._mpf_  # man_exp drops the sign
            q = Fraction(int(man)) * (Fraction(2) ** int(exp))
            q = -q if sign else q
            value = arb(fmpq(q.numerator, q.denominator))
        elif isinstance(value, (int, str)):
            value = arb(value)
        return bool(ball.contains(value))
    finally:
        ctx.prec = saved


def _to_float(x: Any) -> Any:
    if isinstance(x, np.ndarray) and x.dtype == object:
        return np.vectorize(lambda v: float(_to_mpf(v)), otypes=[float])(x)
    if isinstance(x, (list, tuple)):
        return [_to_float(v) for v in x]
    if isinstance(x, np.ndarray):
        return x
    return float(_to_mpf(x))


def _to_mpf(x: Any) -> Any:
    from flint import arb, ctx, fmpq

    if isinstance(x, arb):
        saved = ctx.prec
        ctx.prec = 4096  # the midpoint is exact; print it without rounding it first
        try:
            return mpmath.mpf(x.mid().str(1200, radius=False, more=True))
        finally:
            ctx.prec = saved
    if isinstance(x, (Fraction, fmpq)):
        return mpmath.mpf(int(x.numerator if isinstance(x, Fraction) else x.p)) / int(
            x.denominator if isinstance(x, Fraction) else x.q)
    if isinstance(x, str):
        return mpmath.mpf(x.strip("[]").split("+/-")[0])
    return mpmath.mpf(x)
