"""Three-valued tests and rigorous float bounds on the entries of any number system.

The theorem checkers (:mod:`exactloss.paper.premises`, Theorem 5.3, the quantitative Lemma 3.5) read
matrices whose entries are rationals (``Fraction``/``fmpq``, exact), arb balls (certified enclosures) or
floats (numerical).  "Is this entry exactly 0?" then has three answers -- True, False, or None when a ball
contains 0 without being the exact 0 ball (a float is never a proof of non-zero-ness) -- and a bound
reported as a float is rounded *up*, so it stays a bound.

>>> from fractions import Fraction
>>> is_zero(Fraction(0)), is_zero(arb("0 +/- 1e-10")), is_zero(arb(1))
(True, None, False)
>>> upper_float(Fraction(1, 3)) >= Fraction(1, 3)
True
"""

from __future__ import annotations

import math
import sys
from fractions import Fraction
from typing import Any, Sequence

import numpy as np
from flint import arb, fmpq

from exactloss.arith.systems import NumberSystem


def is_zero(x: Any) -> bool | None:
    """Exactly zero?  True/False for rationals; balls: True only for the exact 0 ball, False if 0 excluded."""
    if isinstance(x, arb):
        if x.is_zero():
            return True
        return None if x.contains(0) else False
    if isinstance(x, (float, np.floating)):
        return True if x == 0 else None  # a float is never a proof of non-zero-ness of the true value
    return x == 0


def all_zero(arrays: Sequence[np.ndarray]) -> bool | None:
    """Every entry exactly zero?  False if one is provably not, None if some are undecided (:func:`is_zero`)."""
    vals = [is_zero(x) for A in arrays for x in np.asarray(A).flat]
    if any(v is False for v in vals):
        return False
    if all(v is True for v in vals):
        return True
    return None


def sq_norm(arrays: Sequence[np.ndarray], S: NumberSystem) -> Any:
    """The squared Frobenius norm of all the arrays together, as an element of ``S``."""
    with S.scope():
        tot = S.scalar(0)
        for A in arrays:
            for x in np.asarray(A).flat:
                tot = tot + x * x
    return tot


def upper_float(x: Any) -> float:
    """A float >= x (balls: the upper end; rationals: rounded up; beyond float range: inf)."""
    if isinstance(x, arb):
        if x.is_zero():
            return 0.0
        if not x.is_finite():
            return math.inf
        return float(np.nextafter(float(x.upper()), np.inf))  # float(arb) rounds to nearest (inf beyond range)
    if isinstance(x, fmpq):
        x = Fraction(int(x.p), int(x.q))
    if isinstance(x, int) and not isinstance(x, bool):
        x = Fraction(x)
    if isinstance(x, Fraction):
        try:
            f = float(x)  # correctly rounded
        except OverflowError:
            return math.inf if x > 0 else -sys.float_info.max
        return f if Fraction(f) >= x else float(np.nextafter(f, np.inf))
    return float(x)


def abs_min(A: np.ndarray) -> Any:
    """min |A_ij| as an element (balls: rigorous; exact: exact)."""
    best = None
    for x in A.flat:
        v = abs(x)
        if best is None:
            best = v
        elif isinstance(v, arb):
            best = best.min(v) if isinstance(best, arb) else arb(best).min(v)
        elif v < best:
            best = v
    return best


def fmt(S: NumberSystem, x: Any) -> str:
    """``x`` in ``S``'s notation, shortened to fit a reason (at most ~70 characters)."""
    v = S.format(x, 8) if not S.is_float else float(x)
    s = str(v)
    return s if len(s) < 70 else s[:30] + "..." + s[-12:]
