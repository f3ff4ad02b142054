"""The activation catalogue (Section 3.2, Lemma 3.3) and user activations.

``sigmoid``, ``tanh``, ``softplus`` (parameter ``alpha``, Lemma 3.3's
``(1/alpha) log(1 + e^{alpha t})``), ``identity`` (deep linear networks),
``relu`` (present so that checks can refuse it: not differentiable at 0, not
analytic) and ``generic`` (an undefined SymPy function ``sigma``, for
symbolic identities).  Any other string is read as a SymPy expression in
``t``, e.g. ``"atan(t)"`` or ``"t/(1+abs(t))"``.

>>> sigma = activation("softplus:alpha=2")
>>> sigma.describe(), str(sigma.expr)
('softplus(alpha=2)', 'log(exp(2*t) + 1)/2')
>>> activation("atan(t)").name
'atan(t)'
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp
from scipy.special import expit

from exactloss.errors import InputError
from exactloss.arith.functions import T, ScalarFunction, lookup


def _sigmoid() -> ScalarFunction:
    def d1(x):
        s = expit(x)
        return s * (1 - s)

    def d2(x):
        s = expit(x)
        return s * (1 - s) * (1 - 2 * s)

    return ScalarFunction("sigmoid", 1 / (1 + sp.exp(-T)), T, numpy={0: expit, 1: d1, 2: d2})


def _tanh() -> ScalarFunction:
    def d1(x):
        return 1 - np.tanh(x) ** 2

    def d2(x):
        th = np.tanh(x)
        return -2 * th * (1 - th**2)

    return ScalarFunction("tanh", sp.tanh(T), T, numpy={0: np.tanh, 1: d1, 2: d2})


def _softplus(alpha: Fraction = Fraction(1)) -> ScalarFunction:
    if alpha <= 0:
        raise InputError(f"softplus needs alpha > 0 (Lemma 3.3), got alpha = {alpha}")
    al = sp.Rational(alpha.numerator, alpha.denominator)
    af = float(alpha)
    expr = sp.log(1 + sp.exp(al * T)) / al
    d1e = 1 / (1 + sp.exp(-al * T))
    d2e = al * sp.exp(-al * T) / (1 + sp.exp(-al * T)) ** 2

    def v(x):
        return np.logaddexp(0.0, af * x) / af

    def d1(x):
        return expit(af * x)

    def d2(x):
        s = expit(af * x)
        return af * s * (1 - s)

    return ScalarFunction("softplus", expr, T, params={"alpha": alpha}, d1_expr=d1e, d2_expr=d2e,
                          numpy={0: v, 1: d1, 2: d2})


def _identity() -> ScalarFunction:
    return ScalarFunction("identity", T, T, numpy={0: lambda x: x, 1: np.ones_like, 2: np.zeros_like})


def _relu() -> ScalarFunction:
    return ScalarFunction(
        "relu", sp.Max(0, T), T, d1_expr=sp.Heaviside(T), d2_expr=sp.S.Zero,
        numpy={0: lambda x: np.maximum(x, 0.0), 1: lambda x: (x > 0).astype(float), 2: np.zeros_like},
        note="not differentiable at 0, hence not analytic: outside Assumption 3.2",
    )


CATALOGUE: dict[str, tuple[Any, dict[str, Fraction]]] = {
    "sigmoid": (_sigmoid, {}),
    "tanh": (_tanh, {}),
    "softplus": (_softplus, {"alpha": Fraction(1)}),
    "identity": (_identity, {}),
    "relu": (_relu, {}),
}
ALIASES = {"linear": "identity", "logistic": "sigmoid"}


def activation(spec: str | ScalarFunction = "sigmoid", **params: Any) -> ScalarFunction:
    """An activation by catalogue name (``"softplus:alpha=2"``), ``"generic"``, or a SymPy expression in t."""
    return lookup(spec, "activation", CATALOGUE, ALIASES, "sigma", '"atan(t)"', params)


def known() -> list[str]:
    return [*CATALOGUE, "generic"]
