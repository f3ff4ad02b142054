"""Shared pieces of the assumption checkers: three-valued logic over verdicts, exact limits, evaluation.

``and_``/``or_`` combine :class:`~exactloss.evidence.Verdict` values in
three-valued logic (False dominates ``and``, True dominates ``or``, otherwise
undecided) and carry the level of the deciding clauses.  :func:`lim` is
SymPy's exact ``limit`` under a time budget; :func:`confirmed_lim` keeps a
limit at +-oo only when a ball value at +-2^20 agrees with it (a sanity net
against a wrong SymPy limit -- an unconfirmed limit is treated as unknown).

Every evaluation respects the pieces of a ``Piecewise`` (:mod:`exactloss.arith.pieces`):
``exact_at``/``arb_at`` take the value from the piece that contains the point,
and a limit at +-oo is the limit of the unbounded end piece.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from exactloss.evidence import Verdict, weakest
from exactloss.arith.exprparse import to_sympy
from exactloss.arith.pieces import ball_at, end_expr, value_at
from exactloss.arith.ranges import const_ball, guarded

_S = sp.Dummy("s", positive=True)  # s > 0: pieces t = c + s, t = c - s
LIMIT_SECONDS = 10.0

# --------------------------------------------------------------------------
# three-valued logic over verdicts
# --------------------------------------------------------------------------


def and_(*vs: Verdict) -> tuple[bool | None, str | None]:
    """Three-valued conjunction of verdicts: ``(holds, level)``; False dominates, all True gives the weakest level."""
    if any(v.holds is False for v in vs):
        fails = [v for v in vs if v.holds is False]
        return False, max((v.level for v in fails), key=lambda lv: ["numerical", "certified", "proved"].index(lv) if lv else -1)
    if all(v.holds is True for v in vs):
        return True, weakest(*(v.level for v in vs))
    return None, None


def or_(*vs: Verdict) -> tuple[bool | None, str | None]:
    """Three-valued disjunction of verdicts: ``(holds, level)``; True dominates with the strongest true level."""
    trues = [v for v in vs if v.holds is True]
    if trues:
        return True, max((v.level for v in trues), key=lambda lv: ["numerical", "certified", "proved"].index(lv))
    if all(v.holds is False for v in vs):
        return False, weakest(*(v.level for v in vs))
    return None, None


def verdict(claim: str, holds: bool | None, level: str | None, reason: str) -> Verdict:
    """A :class:`~exactloss.evidence.Verdict`; an undecided one (``holds`` None) carries no level."""
    return Verdict(claim, holds, level if holds is not None else None, reason)


def lim(e: sp.Expr, var: sp.Symbol, at: Any, direction: str = "+-") -> sp.Expr | None:
    """SymPy's exact limit of e at ``at`` (the end piece of a Piecewise at +-oo) under a time budget; None if
    not found or not a real number."""
    if at in (sp.oo, -sp.oo) and e.has(sp.Piecewise):
        e = end_expr(e, var, 1 if at == sp.oo else -1)  # only the unbounded piece is seen at +-oo
        if e is None:
            return None
    kw = {} if at in (sp.oo, -sp.oo) else {"dir": direction}
    L = guarded(lambda: sp.limit(e, var, at, **kw), LIMIT_SECONDS)
    if L is None or L is sp.nan or L.has(sp.AccumBounds) or not (L.is_number and L.is_extended_real):
        return None
    return L


def confirmed_lim(e: sp.Expr, var: sp.Symbol, at: Any) -> sp.Expr | None:
    """SymPy's limit at +-oo, kept only if a ball value of e at +-2^20 agrees with it (within 1e-2, or
    |e| > 10 for an infinite limit) -- a sanity net against a wrong SymPy limit; None otherwise."""
    if e.has(sp.Piecewise):
        e = end_expr(e, var, 1 if at == sp.oo else -1)
        if e is None:
            return None
    L = lim(e, var, at)
    if L is None:
        return None
    x = sp.Integer(2) ** 20 * (1 if at == sp.oo else -1)
    v = const_ball(e.xreplace({var: x}))
    if v is None:
        return None
    if L.is_infinite:
        return L if abs(v) > 10 and ((v > 0) == (L == sp.oo)) else None
    Lb = const_ball(L)
    if Lb is None or not abs(v - Lb) < sp.Rational(1, 100) * (1 + abs(float(L))):
        return None
    return L


def exact_at(e: sp.Expr, var: sp.Symbol, x: Any) -> sp.Expr:
    """e(x) exactly, from the piece containing x (nan where e is not defined there or the pieces are unknown)."""
    x = to_sympy(x)  # a SymPy value; never a string evaluated as code
    return value_at(e, var, x)


def arb_at(e: sp.Expr, var: sp.Symbol, x: Any):
    """e(x) as an arb ball, from the piece containing x (None when no enclosure is found)."""
    return ball_at(e, var, to_sympy(x))


def derivative(e: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """de/dvar with the DiracDelta terms of a Piecewise/Heaviside dropped (the derivative off the junctions)."""
    d = sp.diff(e, var)
    return d.replace(lambda x: isinstance(x, sp.DiracDelta), lambda x: sp.S.Zero)


# rational probe points where the checkers look for counterexamples
PROBES = [sp.Rational(p, q) for p, q in ((-3, 1), (-1, 2), (1, 3), (2, 1), (-7, 1), (5, 1))]

