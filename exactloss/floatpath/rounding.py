"""Rounding-error primitives of binary64: rigorous upper bounds of exact results from float64 work.

NumPy gives no directed rounding, so every bound here is a computed float widened by the rounding-error
model of IEEE 754 binary64 round-to-nearest (Higham, *Accuracy and Stability of Numerical Algorithms*,
2nd ed., Sec. 2.2, 3.1, 3.5; ``u = 2^-53``, ``eta = 2^-1074`` the smallest subnormal,
``gamma_n = n u / (1 - n u)``):

(L1) one correctly rounded operation ``r = fl(z)`` (``+ - * / sqrt``): ``|r - z| <=
     ulp(r)/2``, so ``down(r) <= z <= up(r)`` with ``up/down = nextafter(., +-inf)``
     (also for subnormal results; overflow gives inf and a certificate using it fails).
(L2) a sum of ``n`` non-negative floats, in any order (NumPy's pairwise sum):
     ``|fl(s) - s| <= gamma_{n-1} s``, so ``s <= fl(s) / (1 - gamma_n) = fl(s) (1 - nu) / (1 - 2nu)``
     (the factor is a rational constant rounded up); additions never incur
     underflow error (a subnormal sum is exact).
(L3) a dot product of length ``n`` in any order, with or without FMA (what
     OpenBLAS's ``dgemm``/``dgemv`` do; no Strassen-like algorithm):
     ``|fl(x^T y) - x^T y| <= gamma_n |x|^T |y| + n eta`` (each product or FMA can
     add at most ``eta/2`` of underflow error, amplified by at most ``(1+u)^n``;
     we use ``2 n eta``).  For non-negative ``x, y`` this gives
     ``x^T y <= (fl(x^T y) + 2 n eta) / (1 - gamma_n)``.

The matrix certificates (:mod:`exactloss.floatpath.certificates`), the forward-error bound
(:mod:`exactloss.floatpath.forward_error`) and the enclosures of ``exp`` (:mod:`exactloss.floatpath.enclosures`)
are built from these.  :func:`conversion_error` bounds the rounding of an exact rational input (``1/3``) to
float64, the first term of every transfer from a float computation to the exact inputs.

>>> from fractions import Fraction
>>> Fraction(float_up(Fraction(1, 3))) >= Fraction(1, 3)
True
>>> Fraction(gamma(10)) >= 10 * Fraction(1, 2**53) / (1 - 10 * Fraction(1, 2**53))
True
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from exactloss.arith.systems import Float, parse_rational, per_object
from exactloss.errors import InputError

U = 2.0 ** -53  # unit roundoff of binary64, round-to-nearest
ETA = 2.0 ** -1074  # smallest positive subnormal

_TWO_M50 = 2.0 ** -50
_FMAX = float(np.finfo(np.float64).max)


def up(x: Any) -> Any:
    """The next float above ``x``: an upper bound of the exact result ``x = fl(z)`` stands for (L1)."""
    return np.nextafter(x, np.inf)


def down(x: Any) -> Any:
    """The next float below ``x``: a lower bound of the exact ``z`` with ``x = fl(z)`` (L1)."""
    return np.nextafter(x, -np.inf)


def up_fast(x: Any) -> Any:
    """A cheaper (4 ulp looser) :func:`up` for big arrays: ``x + (|x| 2^-50 + 2 eta)``.

    If ``x = fl(z)`` then ``|z - x| <= u |x| / (1 - u) + eta/2``; ``|x| 2^-50 = 4u|x|`` is exact
    (or within eta/2 when subnormal), and the final addition loses at most ``u (1 + 4u)|x| + eta/2``,
    so the result is still ``>= z``.  ``numpy.nextafter`` costs about 50 multiplications."""
    # x = -inf gives NaN (-inf + inf): fmax turns it into -MAX, a valid upper bound of z <= -MAX
    if isinstance(x, np.ndarray) and x.dtype == np.float64 and x.ndim:
        # the same operations in the same order, in one buffer (x + t = t + x exactly): identical values,
        # one temporary instead of four
        t = np.abs(x)
        t *= _TWO_M50
        t += 2 * ETA
        t += x
        return np.fmax(t, -_FMAX, out=t)
    return np.fmax(x + (np.abs(x) * _TWO_M50 + 2 * ETA), -_FMAX)


def down_fast(x: Any) -> Any:
    """The mirror of :func:`up_fast`: ``x - (|x| 2^-50 + 2 eta) <= z`` when ``x = fl(z)``."""
    if isinstance(x, np.ndarray) and x.dtype == np.float64 and x.ndim:  # as in up_fast: identical values
        t = np.abs(x)
        t *= _TWO_M50
        t += 2 * ETA
        np.subtract(x, t, out=t)
        return np.fmin(t, _FMAX, out=t)
    return np.fmin(x - (np.abs(x) * _TWO_M50 + 2 * ETA), _FMAX)  # x = +inf -> MAX (z >= MAX)


def float_up(q: Fraction | int) -> float:
    """The smallest float ``>= q`` for an exact rational ``q`` (for constants)."""
    q = Fraction(q)
    f = float(q)
    if Fraction(f) < q:
        f = math.nextafter(f, math.inf)
    return f


def gamma(n: int) -> float:
    """Higham's ``gamma_n = n u / (1 - n u)``, rounded up; needs ``n u < 1/2``."""
    n = int(n)
    if n < 0 or 2 * n * Fraction(U) >= 1:
        raise InputError(f"gamma_{n} is not defined for binary64 (n u must be < 1/2)")
    nu = n * Fraction(U)
    return float_up(nu / (1 - nu))


def sum_factor(n: int) -> float:
    """``1 / (1 - gamma_n) = (1 - n u) / (1 - 2 n u)`` rounded up: exact sum <= fl(sum) * this (L2)."""
    nu = max(int(n), 1) * Fraction(U)
    if 2 * nu >= 1:
        raise InputError(f"n = {n} is too large for a binary64 error bound")
    return float_up((1 - nu) / (1 - 2 * nu))


def sum_upper(P: np.ndarray, axis: int) -> np.ndarray:
    """Upper bounds of the exact sums of a non-negative float array along ``axis`` (L2)."""
    n = P.shape[axis]
    return up(np.sum(P, axis=axis) * sum_factor(n))


def dot_upper(P: np.ndarray, v: np.ndarray, fast: bool = False) -> np.ndarray:
    """Upper bounds of the exact ``P @ v`` for non-negative ``P``, ``v`` (L3); ``P`` may be a matrix or ``v^T``,
    ``v`` a vector or a matrix.  ``fast``: widen by :func:`up_fast` instead of :func:`up` (big arrays)."""
    widen = up_fast if fast else up
    n = v.shape[0]
    raw = P @ v
    return widen(widen(raw + 2 * n * ETA) * sum_factor(n))


def frobenius_upper(D: np.ndarray) -> float:
    """An upper bound of ``||D||_F`` (>= ``||D||_2``) for a float array (L1, L2)."""
    if D.size == 0:
        return 0.0
    if isinstance(D, np.ndarray) and D.dtype == np.float64:
        sq = np.abs(D)  # one temporary (the same values as up(|D| * |D|), formed in place)
        np.multiply(sq, sq, out=sq)
        np.nextafter(sq, np.inf, out=sq)  # each square rounded once: x^2 <= up(fl(x^2)) (L1)
    else:
        sq = up(np.abs(D) * np.abs(D))  # each square rounded once: x^2 <= up(fl(x^2)) (L1)
    return float(up(np.sqrt(float(sum_upper(sq.ravel(), 0)))))


def inflate(x: Any, m: int) -> Any:
    """An upper bound of the exact value of an expression of ``m`` operations (``+``, ``*``) on non-negative
    floats whose computed value is ``x``: each operation has relative error <= u or (a product that
    underflows) absolute error <= eta/2, so exact <= (x + m eta) (1 - u)^-m."""
    f = float_up(1 / (1 - Fraction(U)) ** int(m))
    return up(up(x + 2 * int(m) * ETA) * f)


def conversion_error(exact: Any, approx: np.ndarray) -> np.ndarray | None:
    """Entrywise float upper bounds of ``|exact - approx|`` for the float64 image ``approx`` of an exact
    (object) array of rationals; None when the conversion was exact (a float64 input, or a rational
    such as 1/2 that is a binary64 number).  ``1/3`` or ``1/10`` give a positive bound: their rounding
    is part of every transfer from a float64 computation to the exact inputs."""
    exact = np.asarray(exact)
    if exact.dtype != object:
        return None
    if not exact.size:
        return None
    approx = np.asarray(approx, dtype=np.float64)
    def err(x: Any) -> tuple[Fraction, float]:
        q = parse_rational(x)
        return q, float(Float().scalar(q))  # refuses a value beyond the float64 range

    # one exact subtraction per distinct (object, its float image): the float image is recomputed from the
    # exact value, and each entry of approx is compared with it, so a foreign approx is still bounded exactly
    values, inverse = per_object(exact, err)
    fl = np.asarray([v[1] for v in values], dtype=np.float64)[inverse]
    a = approx.ravel()
    out = np.zeros(a.size)
    nonzero = False
    bound = [float_up(abs(q - Fraction(f))) for q, f in values]
    same = fl == a
    if any(bound):
        out[same] = np.asarray(bound, dtype=np.float64)[inverse][same]
        nonzero = True
    for i in np.flatnonzero(~same).tolist():  # approx is not the nearest float of the exact value
        q = values[inverse[i]][0]
        diff = abs(q - Fraction(float(a[i])))
        if diff:
            out[i] = float_up(diff)
            nonzero = True
    return out.reshape(approx.shape) if nonzero else None
