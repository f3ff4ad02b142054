"""Assumption 3.2.3 for a loss l, clause by clause: l is C^2, and its critical points are global minima.

Critical points: when ``l'`` has one zero ``c`` (``solveset``), the proof is
independent of the solver: ``l' < 0`` left of ``c`` and ``l' > 0`` right of it
(interval bounds on the pieces ``a = c -+ s``, ``s > 0``).  Otherwise each
listed critical point ``c`` is checked by ``l(a) - l(c) >= 0`` on R, trusting
``solveset`` for the list.  A critical point with a smaller value elsewhere
refutes the clause -- when ``l`` is differentiable there (not at a kink or
a junction of pieces unless ``l`` is C^1).  The monotonicity argument needs
``l`` continuous, which the C^2 certificate shows.  A ``Piecewise`` loss is
analysed piece by piece (:mod:`exactloss.arith.pieces`): zeros, signs and values
are taken on each piece's own interval, never from a piece's formula outside
it.  The catalogue families report the paper's parameter ranges and what
happens outside them.

>>> r = loss_conditions("cauchy")
>>> r.holds, r.level, r.details["range"]
(True, 'proved', {'paper': 'delta != 0', 'inside': True})
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import sympy as sp

from exactloss.arith.analyticity import Certificate, smooth
from exactloss.errors import InputError
from exactloss.evidence import Result, Verdict
from exactloss.arith.functions import ScalarFunction
from exactloss.net.losses import loss as _loss
from exactloss.arith.clauses import LIMIT_SECONDS, PROBES, and_, derivative, exact_at, verdict
from exactloss.arith.pieces import sign_on, zeros_on
from exactloss.arith.ranges import cmp

# --------------------------------------------------------------------------
# Assumption 3.2.3: the loss
# --------------------------------------------------------------------------

# the paper's parameter ranges and values outside them to try
_RANGES = {
    "blake-zisserman": ("delta > 0", lambda p: p["delta"] > 0, [{"delta": Fraction(-1, 2)}, {"delta": Fraction(-2)}, {"delta": Fraction(0)}]),
    "corrupted-gaussian": ("alpha in [0, 1], w > 0", lambda p: 0 <= p["alpha"] <= 1 and p["w"] > 0,
                           [{"alpha": Fraction(2), "w": Fraction(6)}, {"alpha": Fraction(-1), "w": Fraction(6)},
                            {"alpha": Fraction(1, 2), "w": Fraction(-6)}]),
    "cauchy": ("delta != 0", lambda p: p["delta"] != 0, [{"delta": Fraction(0)}]),
    "pseudo-huber": ("delta != 0", lambda p: p["delta"] != 0, [{"delta": Fraction(0)}]),
}


def as_loss(l: ScalarFunction | str) -> ScalarFunction:
    """The concrete loss l named by ``l``; the generic l is refused (no concrete verdict)."""
    f = _loss(l)
    if f.generic:
        raise InputError("the generic loss has no concrete verdict; give a catalogue loss or an expression in a")
    return f


def _continuous(cert: Certificate) -> bool:
    """l continuous on R (C^0 at every kink, analytic off the kinks) by the smoothness certificate."""
    return cert.holds is True or (cert.clean and cert.smooth_order is not None and cert.smooth_order >= 0)


def _c1(cert: Certificate) -> bool:
    return (cert.holds is True and (cert.smooth_order is None or cert.smooth_order >= 1)) or (
        cert.clean and cert.smooth_order is not None and cert.smooth_order >= 1)


def critical_points_are_minima(l: ScalarFunction | str, cert: Certificate | None = None) -> Verdict:
    """3.2.3: l'(a) = 0 implies a is a global minimum of l.

    Piece by piece (:mod:`exactloss.arith.pieces`): the zeros of l' are searched on
    each piece's interval, signs are proved on each piece.  The monotonicity
    argument (l' < 0 left of c, > 0 right of c) needs l continuous, which
    ``cert`` (the C^2 certificate of l; computed when not given) must show; a
    refutation at a kink or junction of l needs l differentiable there.
    """
    f = as_loss(l)
    e, a = f.expr, f.var
    claim = "3.2.3 every critical point of l is a global minimum"
    cert = cert or smooth(e, a, 2)
    cont = _continuous(cert)
    d = derivative(e, a)
    crit = zeros_on(d, a, sp.S.Reals, LIMIT_SECONDS)
    if isinstance(crit, sp.FiniteSet) and len(crit) == 1 and cont:
        # independent of solveset's completeness: l' < 0 left of c and > 0 right of c, l continuous
        (c,) = crit
        ok1, h1 = sign_on(d, a, sp.Interval.open(c, sp.oo), "pos")
        ok2, h2 = sign_on(-d, a, sp.Interval.open(-sp.oo, c), "pos") if ok1 else (False, "")
        if ok1 and ok2:
            return verdict(claim, True, "proved", f"l'(a) = {d} is < 0 for a < {c} ({h2}) and > 0 for a > {c} ({h1}): "
                      f"the only critical point a = {c} is the global minimum (l is continuous, decreases, "
                      "then increases)")
    if isinstance(crit, sp.FiniteSet) and len(crit) > 0 and all(c.is_real is not False for c in crit):
        hows = []
        for c in sorted(crit, key=lambda z: float(z)):
            lc = exact_at(e, a, c)
            if lc is sp.nan or not lc.is_number:
                return verdict(claim, None, None, f"critical point {c}: the value l({c}) was not found")
            ok, how = sign_on(e - lc, a, sp.S.Reals, "nonneg")
            if ok:
                hows.append(f"l(a) - l({c}) >= 0 on R: {how}")
                continue
            # another point with a smaller value refutes it -- if l is differentiable at c (l'(c) = 0 is then
            # the derivative, not a one-sided value at a kink or junction): l is C^1, or l is analytic off
            # its kinks (every node has a rule, the kinks are all known: ``clean``) and c is not one of them
            at_kink = any(cmp(c, k) != 1 and cmp(c, k) != -1 for k in cert.kinks)
            if _c1(cert) or ((cert.holds is True or cert.clean) and not at_kink):
                for p in [*crit, *PROBES]:
                    lp = exact_at(e, a, p)
                    if lp is not sp.nan and lp.is_number and cmp(lp, lc) == -1:
                        level = "proved" if lp.is_Rational and lc.is_Rational else "certified"
                        return verdict(claim, False, level, f"l'({c}) = 0 but l({p}) = {lp} < l({c}) = {lc}: "
                                  f"{c} is a critical point that is not a global minimum")
            return verdict(claim, None, None, f"critical point {c}: could not prove l(a) >= l({c}) on R")
        return verdict(claim, True, "proved", f"critical points {sorted(crit, key=lambda z: float(z))} (solveset of "
                  f"l'(a) = {d}" + (", piece by piece" if e.has(sp.Piecewise) else "") + "); " + "; ".join(hows))
    if crit == sp.S.EmptySet:
        if sign_on(d, a, sp.S.Reals, "pos")[0] or sign_on(-d, a, sp.S.Reals, "pos")[0]:
            return verdict(claim, True, "proved", f"l'(a) = {d} has a constant sign: no critical point at all")
    # fallback: l' < 0 for a < 0 and l' > 0 for a > 0 -> the only critical point is 0, the global minimum
    if cont:
        ok1, h1 = sign_on(d, a, sp.Interval.open(0, sp.oo), "pos")
        ok2, h2 = sign_on(-d, a, sp.Interval.open(-sp.oo, 0), "pos") if ok1 else (False, "")
        if ok1 and ok2:
            return verdict(claim, True, "proved", f"l' < 0 for a < 0 and l' > 0 for a > 0 ({h2}; {h1}): l is continuous, "
                      "decreases then increases, the only critical point a = 0 is the global minimum")
    if not cont:
        return verdict(claim, None, None, f"the critical points of l (zeros of {d}) were not decided "
                  "(and l is not known to be continuous, which the monotonicity argument needs)")
    return verdict(claim, None, None, f"the critical points of l (zeros of {d}) were not decided")


def loss_conditions(l: ScalarFunction | str, explore: bool = True) -> Result:
    """Assumption 3.2.3 for l: ``l in C^2(R)`` and every critical point is a global minimum.

    For the catalogue families, ``details["range"]`` states the paper's
    parameter range and whether the instance is inside it, and
    ``details["outside"]`` lists parameter values outside the range with
    what happens there (``explore=True``).
    """
    f = _loss(l)
    if f.generic:
        v = Verdict("3.2.3 l (generic)", None, None, "a generic (undefined) l has no concrete verdict")
        return Result(result="Assumption 3.2.3", holds=None, level=None, statement="l in C^2, critical points are "
                      "global minima", reason=v.reason, instance={"loss": "generic"}, clauses=(v,))
    key = (f.describe(), sp.srepr(f.expr), explore)
    if key not in _LOSS_CACHE:
        _LOSS_CACHE[key] = _loss_conditions(f, explore)
    return _LOSS_CACHE[key]


_LOSS_CACHE: dict[tuple, Result] = {}


def _loss_conditions(f: ScalarFunction, explore: bool) -> Result:
    e, a = f.expr, f.var
    c2 = smooth(e, a, 2)
    claim = "3.2.3 l is C^2 on R"
    v_c2 = verdict(claim, c2.holds, c2.level, c2.reason if c2.holds is not False else f"{f.describe()}: {c2.reason}")
    v_min = critical_points_are_minima(f, c2) if c2.holds is not False or "not real-valued" not in c2.reason else \
        verdict("3.2.3 every critical point of l is a global minimum", None, None, "l is not real-valued on R")
    holds, level = and_(v_c2, v_min)
    details: dict[str, Any] = {"smoothness": c2.to_json()}
    if f.name in _RANGES:
        text, inside, outside = _RANGES[f.name]
        details["range"] = {"paper": text, "inside": bool(inside(dict(f.params)))}
        if explore:
            found = []
            for p in outside:
                params = {**dict(f.params), **p}
                spec = f.name + ":" + ",".join(f"{k}={v}" for k, v in params.items())
                try:
                    g = _loss(spec)
                except InputError as exc:
                    found.append({"params": spec, "holds": False, "reason": str(exc)})
                    continue
                r = loss_conditions(g, explore=False)
                found.append({"params": spec, "holds": r.holds,
                              "reason": next((c.reason for c in r.clauses if c.holds is False), r.reason)})
            details["outside"] = found
    failed = next((v.claim for v in (v_c2, v_min) if v.holds is False), None)
    reason = {True: "both clauses hold", False: f"fails: {failed}", None: "a clause is undecided"}[holds]
    if "range" in details and not details["range"]["inside"]:
        reason += f" (parameters outside the paper's range {details['range']['paper']})"
    return Result(result="Assumption 3.2.3", holds=holds, level=level,
                  statement="l in C^2(R) and l'(a) = 0 implies a is a global minimum of l", reason=reason,
                  instance={"loss": f.describe(), "expr": str(e)}, details=details, clauses=(v_c2, v_min),
                  failed_hypothesis=failed,
                  missing=next((v.claim for v in (v_c2, v_min) if v.holds is None), None) if holds is None else None)
