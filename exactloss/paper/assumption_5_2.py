"""Assumptions 5.2 (Section 5), clause by clause: sigma C^1 and strictly increasing (5.2.1); the one-sided
losses l1 (5.2.2: ``l1 >= 0`` with ``l1(a) = 0`` exactly for ``a >= 0``, ``l1' < 0`` for ``a < 0``) and l2
(5.2.3: zero exactly for ``a <= 0``, ``l2' > 0`` for ``a > 0``).

sigma's clauses reuse Assumption 3.2.2's monotonicity argument
(:func:`exactloss.paper.assumption_3_2.activation.increasing`) with the C^1 certificate of
:func:`exactloss.arith.analyticity.smooth`; a loss's zero side is decided piece by piece
(:func:`exactloss.arith.pieces.zero_on`), its positive side and the sign of its derivative by interval
bounds (:func:`exactloss.arith.pieces.sign_on`).  Registers the ``assumption-5.2`` check.

>>> r = assumption_5_2("sigmoid", "l1", "l2")
>>> r.holds, r.level
(True, 'proved')
"""

from __future__ import annotations

import sympy as sp

from exactloss.arith.analyticity import analytic, smooth
from exactloss.arith.clauses import and_, arb_at, derivative, exact_at, verdict
from exactloss.arith.functions import ScalarFunction
from exactloss.arith.pieces import sign_on, zero_on
from exactloss.evidence import Result, Verdict
from exactloss.paper.assumption_3_2.activation import as_activation, increasing
from exactloss.paper.assumption_3_2.loss import as_loss
from exactloss.registry import Instance, Option, opt_activation, register


def _zero_on(e: sp.Expr, var: sp.Symbol, side: int, continuous_at_0: bool = False) -> tuple[bool | None, str]:
    """e = 0 on side*var >= 0: identically 0 on each piece of the open half-line (:func:`exactloss.arith.pieces.zero_on`)
    and at 0 -- by its value, or (``continuous_at_0``, used for a derivative known to be continuous) as the limit
    of the zero piece."""
    half = sp.Interval.open(0, sp.oo) if side > 0 else sp.Interval.open(-sp.oo, 0)
    z, why = zero_on(e, var, half)
    if z and continuous_at_0:
        return True, f"{why}, hence also at 0 (continuity)"
    at0 = exact_at(e, var, 0)
    if z and at0 == 0:
        return True, f"{why}, and it is 0 at 0"
    if z is False:
        return False, why
    for p in (sp.Rational(1, 2), sp.Integer(2)) + (() if continuous_at_0 else (sp.S.Zero,)):
        v = arb_at(e, var, side * p)
        if v is not None and (v > 0 or v < 0):
            return False, f"the value at {var} = {side * p} is {v.str(6)} != 0"
    return None, f"could not decide whether {e} vanishes for {'a >= 0' if side > 0 else 'a <= 0'}" + (
        f" ({why})" if z is None else "")


def _sided_loss(l: ScalarFunction | str, which: int) -> tuple[Verdict, ...]:
    """Assumption 5.2.2 (which=1: l1, zero on a >= 0) / 5.2.3 (which=2: l2, zero on a <= 0)."""
    f = as_loss(l)
    e, a = f.expr, f.var
    tag = f"5.2.{which + 1} l{which}"
    zero_side = 1 if which == 1 else -1  # l1 vanishes for a >= 0, l2 for a <= 0
    out = []
    c1 = smooth(e, a, 1)
    out.append(verdict(f"{tag} is C^1", c1.holds, c1.level, c1.reason))
    d = derivative(e, a)
    # l = 0 on the zero side
    z, why = _zero_on(e, a, zero_side)
    # l > 0 on the other side
    other = sp.Interval.open(-sp.oo, 0) if zero_side > 0 else sp.Interval.open(0, sp.oo)
    pos, how = sign_on(e, a, other, "pos")
    sym = ">=" if zero_side > 0 else "<="
    if z and pos:
        out.append(verdict(f"{tag}: R -> R_+ and l{which}(a) = 0 <=> a {sym} 0", True, "proved", f"{why}; positive on the other side: {how}"))
    elif z is False:
        out.append(verdict(f"{tag}: R -> R_+ and l{which}(a) = 0 <=> a {sym} 0", False, "certified", why))
    else:
        v = arb_at(e, a, -zero_side)
        if v is not None and v <= 0:  # certainly <= 0 (a ball straddling 0 decides nothing)
            out.append(verdict(f"{tag}: R -> R_+ and l{which}(a) = 0 <=> a {sym} 0", False, "certified",
                          f"l{which}({-zero_side}) = {v.str(6)} is not > 0"))
        else:
            out.append(verdict(f"{tag}: R -> R_+ and l{which}(a) = 0 <=> a {sym} 0", None, None, why if z is None else "positivity off the zero side not proved"))
    # derivative: 0 on the zero side (including a = 0, via the C^1 one-sided limit), sign on the other side
    claim = f"{tag}': l{which}'(a) = 0 <=> a {sym} 0, and l{which}' {'< 0 for a < 0' if which == 1 else '> 0 for a > 0'}"
    dz, dwhy = _zero_on(d, a, zero_side, continuous_at_0=True) if c1.holds else (None, "C^1 not proved")
    # l1' < 0 for a < 0 (prove -l1'(-s) > 0); l2' > 0 for a > 0 (prove l2'(s) > 0)
    dpos, dhow = sign_on(-d if which == 1 else d, a, other, "pos")
    if dz and dpos:
        out.append(verdict(claim, True, "proved", f"{dwhy}; on the other side: {dhow}"))
    elif dz is False:
        out.append(verdict(claim, False, "certified", dwhy))
    else:
        out.append(verdict(claim, None, None, dwhy if not dz else "the sign of the derivative off the zero side is not proved"))
    return tuple(out)


def assumption_5_2(sigma: ScalarFunction | str = "sigmoid", l1: ScalarFunction | str = "l1",
                   l2: ScalarFunction | str = "l2") -> Result:
    """Assumptions 5.2: sigma C^1 and strictly increasing; l1, l2 the one-sided C^1 losses."""
    f = as_activation(sigma)
    cert = analytic(f.expr, f.var)
    c1 = smooth(f.expr, f.var, 1)
    v1 = verdict("5.2.1 sigma is C^1", c1.holds, c1.level,
                 c1.reason if c1.holds is not False else f"{f.describe()} is {c1.reason}")
    v2 = increasing(f, cert, tag="5.2.1")
    clauses = (v1, v2, *_sided_loss(l1, 1), *_sided_loss(l2, 2))
    holds, level = and_(*clauses)
    failed = next((c.claim for c in clauses if c.holds is False), None)
    return Result(result="Assumption 5.2", holds=holds, level=level,
                  statement="sigma C^1 strictly increasing; l1 = 0 <=> a >= 0 with l1' < 0 for a < 0; "
                            "l2 = 0 <=> a <= 0 with l2' > 0 for a > 0",
                  reason={True: "every clause holds", False: f"fails: {failed}", None: "a clause is undecided"}[holds],
                  instance={"activation": f.describe(), "l1": as_loss(l1).describe(), "l2": as_loss(l2).describe()},
                  clauses=clauses, failed_hypothesis=failed,
                  missing=next((c.claim for c in clauses if c.holds is None), None) if holds is None else None)


def check_assumption_5_2(activation: str = "sigmoid", l1: str = "l1", l2: str = "l2") -> Result:
    """Assumption 5.2 for an activation and the two one-sided losses (catalogue names or expressions in a)."""
    return assumption_5_2(activation, l1, l2)


register(
    "assumption-5.2", "Assumption 5.2", check_assumption_5_2,
    "Assumptions 5.2: sigma C^1 strictly increasing; l1, l2 one-sided C^1 losses",
    options=(opt_activation("sigmoid"),
             Option("--l1", "l1", str, "l1", "the in-class loss l1 (catalogue name or expression in a)"),
             Option("--l2", "l2", str, "l2", "the out-of-class loss l2 (catalogue name or expression in a)")),
    instances=(Instance({"activation": "sigmoid", "l1": "l1", "l2": "l2"}, label="sigmoid, squared hinge pair"),
               Instance({"activation": "relu", "l1": "l1", "l2": "l2"}, expect=False, label="relu (not C^1)"),
               Instance({"activation": "tanh", "l1": "squared", "l2": "l2"}, expect=False,
                        label="tanh, l1 = squared (not one-sided)")),
)
