"""The loss catalogue (Figure 1, Assumption 3.2.3; Section 5) and user losses.

All in the paper's variable ``a`` (the residual ``(F_L)_{ij} - Y_{ij}``):
``squared`` ``a^2``; ``pseudo-huber`` ``2 delta^2 (sqrt(1 + a^2/delta^2) - 1)``;
``blake-zisserman`` ``-log(exp(-a^2) + delta)``; ``corrupted-gaussian``
``-log(alpha exp(-a^2) + (1 - alpha) exp(-a^2/w^2)/w)``; ``cauchy``
``delta^2 log(1 + a^2/delta^2)``; Section 5's pair ``l1`` (``a^2`` for
``a <= 0``, else 0) and ``l2`` (0 for ``a <= 0``, else ``a^2``), whose sum over
a +1/-1 encoding is the squared hinge; ``generic`` (undefined ``l``).
Defaults are Figure 1's parameters (Blake-Zisserman delta = 1/10, corrupted
Gaussian alpha = 1/2, w = 6, Cauchy delta = 1, pseudo-Huber delta = 1).
Any other string is a SymPy expression in ``a`` (``t`` is accepted too).

>>> loss("cauchy").describe()
'cauchy(delta=1)'
>>> str(loss("a**4").expr)
'a**4'
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from exactloss.errors import InputError
from exactloss.arith.functions import A_VAR as a, ScalarFunction, lookup


def _q(x: Fraction) -> sp.Rational:
    return sp.Rational(x.numerator, x.denominator)


def _squared() -> ScalarFunction:
    return ScalarFunction("squared", a**2, a, kind="loss",
                          numpy={0: lambda x: x * x, 1: lambda x: 2 * x, 2: lambda x: 2 + 0 * x})


def _pseudo_huber(delta: Fraction) -> ScalarFunction:
    if delta == 0:
        raise InputError("pseudo-huber needs delta != 0 (it divides by delta)")
    d = _q(delta)
    return ScalarFunction("pseudo-huber", 2 * d**2 * (sp.sqrt(1 + a**2 / d**2) - 1), a, kind="loss",
                          params={"delta": delta})


def _blake_zisserman(delta: Fraction) -> ScalarFunction:
    d = _q(delta)
    return ScalarFunction("blake-zisserman", -sp.log(sp.exp(-a**2) + d), a, kind="loss", params={"delta": delta})


def _corrupted_gaussian(alpha: Fraction, w: Fraction) -> ScalarFunction:
    if w == 0:
        raise InputError("corrupted-gaussian needs w != 0 (it divides by w)")
    al, ww = _q(alpha), _q(w)
    expr = -sp.log(al * sp.exp(-a**2) + (1 - al) * sp.exp(-a**2 / ww**2) / ww)
    return ScalarFunction("corrupted-gaussian", expr, a, kind="loss", params={"alpha": alpha, "w": w})


def _cauchy(delta: Fraction) -> ScalarFunction:
    if delta == 0:
        raise InputError("cauchy needs delta != 0 (it divides by delta)")
    d = _q(delta)
    return ScalarFunction("cauchy", d**2 * sp.log(1 + a**2 / d**2), a, kind="loss", params={"delta": delta})


def _l1() -> ScalarFunction:
    # l1(a) = a^2 for a <= 0, else 0  (Section 5, the in-class half of the squared hinge)
    return ScalarFunction("l1", sp.Min(a, 0) ** 2, a, kind="loss", d1_expr=2 * sp.Min(a, 0),
                          d2_expr=2 * sp.Heaviside(-a),
                          numpy={0: lambda x: np.minimum(x, 0.0) ** 2, 1: lambda x: 2 * np.minimum(x, 0.0),
                                 2: lambda x: 2.0 * (x < 0)},
                          note="C^1, not C^2 at 0 (Assumption 5.2 asks only C^1)")


def _l2() -> ScalarFunction:
    # l2(a) = 0 for a <= 0, else a^2  (Section 5, the out-of-class half)
    return ScalarFunction("l2", sp.Max(a, 0) ** 2, a, kind="loss", d1_expr=2 * sp.Max(a, 0),
                          d2_expr=2 * sp.Heaviside(a),
                          numpy={0: lambda x: np.maximum(x, 0.0) ** 2, 1: lambda x: 2 * np.maximum(x, 0.0),
                                 2: lambda x: 2.0 * (x > 0)},
                          note="C^1, not C^2 at 0 (Assumption 5.2 asks only C^1)")


CATALOGUE: dict[str, tuple[Any, dict[str, Fraction]]] = {
    "squared": (_squared, {}),
    "pseudo-huber": (_pseudo_huber, {"delta": Fraction(1)}),
    "blake-zisserman": (_blake_zisserman, {"delta": Fraction(1, 10)}),
    "corrupted-gaussian": (_corrupted_gaussian, {"alpha": Fraction(1, 2), "w": Fraction(6)}),
    "cauchy": (_cauchy, {"delta": Fraction(1)}),
    "l1": (_l1, {}),
    "l2": (_l2, {}),
}
ALIASES = {"square": "squared", "least-squares": "squared", "mse": "squared", "huber": "pseudo-huber",
           "pseudohuber": "pseudo-huber", "blakezisserman": "blake-zisserman",
           "corruptedgaussian": "corrupted-gaussian"}


def loss(spec: str | ScalarFunction = "squared", **params: Any) -> ScalarFunction:
    """A loss by catalogue name (``"cauchy:delta=2"``), ``"generic"``, or a SymPy expression in a."""
    return lookup(spec, "loss", CATALOGUE, ALIASES, "l", '"a**2"', params)


def known() -> list[str]:
    return [*CATALOGUE, "generic"]
