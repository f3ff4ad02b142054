"""Lemma 4.3's activation: which case of Assumption 3.2.2 sigma is in, and its limits mu < gamma.

:func:`classify` refuses a sigma the construction cannot use -- not analytic (ReLU, abs/max/min/piecewise
parts), the identity (no nonlinearity: see :mod:`exactloss.paper.deep_linear`), limits that are neither
case (a) (bounded, ``mu < gamma``) nor case (b) (``sigma -> 0`` at -oo, unbounded above) -- and decides
"analytic and strictly increasing" in one place,
:func:`exactloss.paper.assumption_3_2.require_assumption_3_2`.  The result, a :class:`SigmaInfo`, is what
:func:`exactloss.paper.lemma_4_3.construction.build` needs: the case, ``mu`` and ``gamma``, and whether
Assumption 3.2.2 is known to hold.

>>> info = classify("tanh")
>>> info.case, info.mu, info.gamma
('a', -1, 1)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy as sp
from flint import arb

from exactloss.arith.clauses import confirmed_lim
from exactloss.arith.functions import T, ScalarFunction
from exactloss.arith.compile import compile_arb
from exactloss.errors import AssumptionError, InputError
from exactloss.net.activations import activation as _activation
from exactloss.paper.assumption_3_2 import require_assumption_3_2


_NON_ANALYTIC = (sp.Abs, sp.Max, sp.Min, sp.Piecewise, sp.Heaviside, sp.sign, sp.floor, sp.ceiling)


@dataclass(frozen=True)
class SigmaInfo:
    """What Lemma 4.3 needs of sigma: the case of Assumption 3.2.2 and the limits ``mu < gamma`` (case a)."""

    sigma: ScalarFunction
    case: str  # "a" (bounded) or "b" (rho-bounds, unbounded above)
    mu: sp.Expr | None = None
    gamma: sp.Expr | None = None
    family: str | None = None  # "sigmoid", "tanh", "softplus" or None (a user expression)
    assumption: str = ""  # how Assumption 3.2 was checked
    assumption_holds: bool | None = True  # None: Assumption 3.2.2 undecided for this sigma

    @property
    def s_param(self) -> Fraction:
        """softplus's own alpha (Lemma 3.3): sigma(t) = log(1 + e^{s t}) / s."""
        return Fraction(self.sigma.params.get("alpha", Fraction(1)))

    def limits_arb(self) -> tuple[arb, arb]:
        """The limits ``(mu, gamma)`` as arb balls."""
        return compile_arb(self.mu, T)(arb(0)), compile_arb(self.gamma, T)(arb(0))


def _refuse_non_analytic(sigma: ScalarFunction) -> None:
    if sigma.generic:
        raise InputError("Lemma 4.3 needs a concrete activation, not the generic sigma; use sigmoid, tanh or softplus")
    if sigma.name == "relu" or any(isinstance(a, _NON_ANALYTIC) for a in sp.preorder_traversal(sigma.expr)):
        raise AssumptionError(
            f"Assumption 3.2.2 fails: activation {sigma.describe()} is not real-analytic (it is built from "
            "abs/max/min/piecewise parts, e.g. ReLU is not differentiable at 0); use sigmoid, tanh or softplus")


def classify(sigma: ScalarFunction | str) -> SigmaInfo:
    """Assumption 3.2.2 for Lemma 4.3: refuse non-analytic / non-monotone sigma, find the case and the limits.

    The catalogue's sigmoid, tanh, softplus are known (Lemma 3.3).  A user
    expression is classified by SymPy limits at -oo/+oo.  Whether sigma is
    analytic and strictly increasing is decided in one place,
    :func:`exactloss.paper.assumption_3_2.require_assumption_3_2` (the clauses of
    :func:`exactloss.paper.assumption_3_2.activation.activation_conditions`): a refuted
    clause raises :class:`AssumptionError`, an undecided one leaves
    ``assumption_holds = None`` (no alpha_0 is certified from it, and the lemma
    is not claimed).  ``sigma'(c) = 0`` at isolated points (``atan(t^3)``) is
    strictly increasing, not a counterexample.
    """
    sigma = _activation(sigma)
    _refuse_non_analytic(sigma)
    if sigma.name == "identity":
        raise AssumptionError(
            "Assumption 3.2.2 fails: the identity is neither bounded (a) nor bounded by rho_1 e^{rho_2 t} for t < 0 "
            "(b), and Lemma 4.3 needs nonlinearity; see `exactloss check deep-linear-rank`")
    ext, how = _external_assumption_check(sigma)
    if sigma.name == "sigmoid":
        return SigmaInfo(sigma, "a", sp.S.Zero, sp.S.One, "sigmoid", how or "Lemma 3.3 (sigmoid)")
    if sigma.name == "tanh":
        return SigmaInfo(sigma, "a", sp.S.NegativeOne, sp.S.One, "tanh", how or "Lemma 3.3 (tanh)")
    if sigma.name == "softplus":
        return SigmaInfo(sigma, "b", None, None, "softplus", how or "Lemma 3.3 (softplus)")
    holds = ext
    # SymPy's limits, kept only when a ball value far out agrees (a wrong limit would give a wrong E_inf)
    lo = confirmed_lim(sigma.expr, T, -sp.oo)
    hi = confirmed_lim(sigma.expr, T, sp.oo)
    if lo is None or hi is None:
        raise AssumptionError(f"cannot determine (and confirm) the limits of {sigma.describe()} at +-infinity "
                              "(needed for Assumption 3.2.2 (a)/(b)); use sigmoid, tanh or softplus")
    if lo.is_finite and hi.is_finite:
        if not bool(lo < hi):
            raise AssumptionError(f"Assumption 3.2.2 fails: {sigma.describe()} has limits {lo} and {hi}, not mu < gamma")
        return SigmaInfo(sigma, "a", lo, hi, None, how, holds)
    if lo == 0 and hi == sp.oo:
        return SigmaInfo(sigma, "b", None, None, None, how, holds)
    raise AssumptionError(
        f"Assumption 3.2.2 fails: {sigma.describe()} is unbounded (limits {lo}, {hi}) and not of type (b) "
        "(|sigma(t)| <= rho_1 e^{rho_2 t} for t < 0 needs sigma -> 0 at -infinity); use sigmoid, tanh or softplus")


_ASSUMPTION_CACHE: dict[tuple, tuple[bool | None, str]] = {}


def _external_assumption_check(sigma: ScalarFunction) -> tuple[bool | None, str]:
    """Assumption 3.2.2 by :func:`exactloss.paper.assumption_3_2.require_assumption_3_2` (cached per sigma).

    Returns ``(holds, how)``; ``holds`` None means undecided there (raises
    :class:`AssumptionError` naming the failed clause when refuted).
    """
    key = (sigma.name, str(sigma.expr), tuple(sorted((k, str(v)) for k, v in sigma.params.items())))
    if key in _ASSUMPTION_CACHE:
        return _ASSUMPTION_CACHE[key]
    r = require_assumption_3_2(sigma)  # raises AssumptionError naming the failed clause
    how = f"Assumption 3.2.2 checked by exactloss.paper.assumption_3_2 ({r.verdict}, {r.level})"
    if r.holds is None:
        how += f": {r.reason}"
    out = (r.holds, how)
    _ASSUMPTION_CACHE[key] = out
    return out
