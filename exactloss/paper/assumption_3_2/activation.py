"""Assumption 3.2.2 for an activation sigma, clause by clause, with certificates.

*analytic* (:func:`exactloss.arith.analyticity.analytic`); *strictly increasing*
(``sigma' > 0`` on R by interval bounds over the tree; or ``sigma' >= 0``
with sigma analytic and ``sigma'(c) > 0`` somewhere, so the zeros of
``sigma'`` are isolated; or -- ``certified`` -- ``[-R, R]`` covered by arb
boxes with the tails ``|t| > R`` proved symbolically; refuted by exact values
``sigma(a) >= sigma(b)`` for ``a < b`` or a certified ``sigma'(c) < 0``);
*(a) bounded* (continuous with finite limits ``mu``, ``gamma`` computed
exactly by SymPy's ``limit`` and confirmed with balls); *(b) growth*
(``rho_1..rho_4`` found from limits -- numerical estimates only as
candidates -- then verified: for ``t < 0``, ``g = rho_1 e^{rho_2 t} -+ sigma``
has ``g >= 0`` by interval bounds, or ``lim_{-oo} g >= 0`` and ``g' >= 0``; for
``t >= 0`` likewise from ``g(0) >= 0``).  A ``Piecewise`` sigma is analysed
piece by piece (:mod:`exactloss.arith.pieces`): signs on each piece's interval,
limits at +-oo from the unbounded pieces, values from the piece holding the
point; two different pieces meeting at a junction make sigma C^k at best,
never certified analytic (Lemma 4.1 and 3.2.2 need analytic sigma).

>>> r = activation_conditions("softplus:alpha=2")
>>> r.holds, r.level, [str(r.details["rho"][k]) for k in ("rho_1", "rho_2", "rho_3", "rho_4")]
(True, 'proved', ['1/2', '2', '1', 'log(2)/2'])
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import mpmath
import sympy as sp
from flint import arb, ctx, fmpq

from exactloss.net.activations import activation as _activation
from exactloss.arith.analyticity import Certificate, analytic
from exactloss.errors import InputError
from exactloss.evidence import Result, Verdict
from exactloss.arith.functions import ScalarFunction
from exactloss.arith.clauses import PROBES, and_, arb_at, confirmed_lim, derivative, exact_at, lim, or_, verdict
from exactloss.arith.pieces import rationals_inside, sign_on
from exactloss.arith.ranges import cmp, guarded
from exactloss.arith.compile import compile_arb

# --------------------------------------------------------------------------
# Assumption 3.2.2: the activation
# --------------------------------------------------------------------------


def as_activation(sigma: ScalarFunction | str) -> ScalarFunction:
    """The concrete activation sigma named by ``sigma``; the generic sigma is refused (no concrete verdict)."""
    f = _activation(sigma)
    if f.generic:
        raise InputError("the generic activation has no concrete verdict; give sigmoid, tanh, softplus or an expression in t")
    return f


def analytic_verdict(f: ScalarFunction, cert: Certificate) -> Verdict:
    """The clause "3.2.2 sigma is real-analytic on R" from sigma's analyticity certificate."""
    claim = "3.2.2 sigma is real-analytic on R"
    if cert.holds:
        return verdict(claim, True, cert.level, cert.reason)
    if cert.holds is False:
        return verdict(claim, False, cert.level, f"{f.describe()} is {cert.reason} (not analytic)")
    return verdict(claim, None, None, cert.reason)



def _increasing_counterexample(e: sp.Expr, var: sp.Symbol, kinks: Sequence[Any],
                               use_derivative: bool = True) -> tuple[str, str] | None:
    """a < b with sigma(a) >= sigma(b) (exact or ball), or sigma'(c) < 0 at a non-kink point."""
    pts = sorted(set(PROBES) | {sp.S.Zero})
    vals = {p: exact_at(e, var, p) for p in pts}
    for i, a in enumerate(pts):
        for b in pts[i + 1:]:
            va, vb = vals[a], vals[b]
            if not (va.is_number and vb.is_number and va.is_extended_real and vb.is_extended_real):
                continue
            s = cmp(va, vb)
            if s is not None and s >= 0:
                level = "proved" if va.is_Rational and vb.is_Rational else "certified"
                rel = "=" if s == 0 else ">"
                return f"sigma({a}) = {va} {rel} sigma({b}) = {vb} although {a} < {b}", level
    if not use_derivative:  # sigma' is only the derivative where sigma is known to be differentiable
        return None
    d = derivative(e, var)
    for c in pts:
        if any(cmp(c, k) == 0 for k in kinks):
            continue
        v = arb_at(d, var, c)
        if v is not None and v < 0:
            return f"sigma'({c}) = {v.str(6)} < 0, so sigma decreases near {c}", "certified"
    return None


def _certified_positive(d: sp.Expr, t: sp.Symbol, R: int, max_boxes: int = 3000) -> str:
    """sigma' > 0 on R: tails |t| > R proved symbolically (t = +-(R + s), s > 0), [-R, R] covered by arb boxes.

    Returns the reason, or "" when either part fails (then nothing is claimed)."""
    hows = []
    for tail in (sp.Interval.open(R, sp.oo), sp.Interval.open(-sp.oo, -R)):
        ok, how = sign_on(d, t, tail, "pos", simplify=False)
        if not ok:
            return ""
        hows.append(how)
    try:
        f = compile_arb(d, t)
    except Exception:
        return ""
    saved = ctx.prec
    ctx.prec = 96
    try:
        stack = [(fmpq(-R), fmpq(R))]
        boxes = 0
        while stack:
            lo, hi = stack.pop()
            boxes += 1
            if boxes > max_boxes:
                return ""
            v = f(arb((lo + hi) / 2, (hi - lo) / 2))
            if v > 0:
                continue
            if hi - lo < fmpq(1, 2**12):
                return ""
            mid = (lo + hi) / 2
            stack += [(lo, mid), (mid, hi)]
    finally:
        ctx.prec = saved
    return (f"sigma'(t) = {d} > 0: on [-{R}, {R}] certified by ball arithmetic on {boxes} boxes; for t > {R}: "
            f"{hows[0]}; for t < -{R}: {hows[1]}")


def increasing(sigma: ScalarFunction | str, cert: Certificate | None = None, tag: str = "3.2.2") -> Verdict:
    """Assumption 3.2.2 (and 5.2.1): sigma is strictly increasing on R (a proof, a counterexample, or undecided)."""
    f = as_activation(sigma)
    e, t = f.expr, f.var
    claim = f"{tag} sigma is strictly increasing"
    cert = cert or analytic(e, t)
    d = derivative(e, t)
    if cert.holds and guarded(lambda: sp.simplify(d), 5) == 0:
        return verdict(claim, False, "proved", f"sigma' = 0 identically: {f.describe()} is constant")
    if cert.holds:
        ok, how = sign_on(d, t, sp.S.Reals, "pos")
        if ok:
            return verdict(claim, True, "proved", f"sigma'(t) = {d} > 0 for every real t: {how}")
        ok, how = sign_on(d, t, sp.S.Reals, "nonneg")
        if ok:
            for c in PROBES + [sp.S.Zero]:
                v = arb_at(d, t, c)
                if v is not None and v > 0:
                    return verdict(claim, True, "proved",
                              f"sigma'(t) = {d} >= 0 on R ({how}), sigma is analytic and sigma'({c}) > 0, so sigma' is "
                              "not identically 0 and its zeros are isolated; hence sigma is strictly increasing")
        for R in (4, 16):
            ok = _certified_positive(d, t, R)
            if ok:
                return verdict(claim, True, "certified", ok)
    elif cert.kinks and _continuous(cert):
        # continuous on R and analytic off finitely many kinks c_1 < ... < c_m (the junctions of the pieces
        # among them): sigma' > 0 on each open interval between them => strictly increasing (mean value theorem)
        cuts = [-sp.oo, *cert.kinks, sp.oo]
        hows = []
        for lo, hi in zip(cuts, cuts[1:]):
            ok, how = sign_on(d, t, sp.Interval.open(lo, hi), "pos")
            if not ok:
                # sigma' >= 0 there, analytic and > 0 at one point: its zeros in (lo, hi) are isolated
                ok, how = sign_on(d, t, sp.Interval.open(lo, hi), "nonneg")
                q = next((x for x in (rationals_inside(lo, hi) if ok else ())
                          if (lambda v: v is not None and v > 0)(arb_at(d, t, x))), None)
                ok = q is not None
                how = f"{how}, sigma'({q}) > 0 and sigma' is analytic there, so its zeros are isolated" if ok else ""
            if not ok:
                break
            hows.append(how)
        else:
            where = ", ".join(str(c) for c in cert.kinks)
            return verdict(claim, True, "proved", f"sigma is continuous on R (C^0 at {t} = {where}) and on each open "
                      "interval between these points sigma' > 0, or sigma' >= 0 with isolated zeros (" + "; ".join(hows) + ")")
    ce = _increasing_counterexample(e, t, cert.kinks, use_derivative=cert.clean)
    if ce:
        return verdict(claim, False, ce[1], ce[0])
    return verdict(claim, None, None, f"could not prove sigma'(t) = {d} > 0 (or >= 0 with isolated zeros) on R, "
              "and found no counterexample")


def _continuous(cert: Certificate) -> bool:
    """sigma continuous on R and analytic away from finitely many kinks: analytic, or C^0 established at every
    kink (``smooth_order >= 0``, which :func:`exactloss.arith.analyticity.analyze` sets only when every kink was
    checked) with every node of every piece analytic (``clean``)."""
    return bool(cert.holds) or (cert.clean and cert.smooth_order is not None and cert.smooth_order >= 0)


def bounded(sigma: ScalarFunction | str, cert: Certificate | None = None) -> tuple[Verdict, dict]:
    """Assumption 3.2.2 (a): sigma bounded; ``mu = lim_{-oo} sigma``, ``gamma = lim_{+oo} sigma`` exactly."""
    f = as_activation(sigma)
    e, t = f.expr, f.var
    claim = "3.2.2(a) sigma is bounded"
    cert = cert or analytic(e, t)
    mu, gamma = confirmed_lim(e, t, -sp.oo), confirmed_lim(e, t, sp.oo)
    info = {"mu": mu, "gamma": gamma}
    for L, name in ((mu, "-oo"), (gamma, "+oo")):
        if L is not None and L.is_infinite:
            return verdict(claim, False, "proved", f"sigma(t) -> {L} as t -> {name} (SymPy limit): unbounded"), info
    if mu is None or gamma is None:
        return verdict(claim, None, None, "the limits of sigma at -oo/+oo were not found (SymPy limit)"), info
    if not _continuous(cert):
        return verdict(claim, None, None, f"finite limits mu = {mu}, gamma = {gamma}, but continuity is not proved"), info
    return verdict(claim, True, "proved", f"sigma is continuous with finite limits mu = {mu} at -oo and gamma = {gamma} "
              "at +oo (SymPy limit), hence bounded"), info


def _nonneg_on(e: sp.Expr, t: sp.Symbol, side: int, include_zero: bool = True) -> bool:
    """e >= 0 for side*t > 0 (and at 0)."""
    ok = sign_on(e, t, sp.Interval.open(0, sp.oo) if side > 0 else sp.Interval.open(-sp.oo, 0), "nonneg")[0]
    if ok and include_zero:
        v = exact_at(e, t, 0)
        ok = v.is_number and cmp(v, 0) in (0, 1)
    return ok


def _signs(e: sp.Expr, nonneg: Callable[[sp.Expr], bool]) -> list[int]:
    """The signs s for which s * sigma must be bounded (|sigma| = s sigma): [1] when sigma >= 0 is proved on the
    half-line, [-1] when sigma <= 0 is, both otherwise."""
    if nonneg(e):
        return [1]
    if nonneg(-e):
        return [-1]
    return [1, -1]


def _verify_left(e: sp.Expr, t: sp.Symbol, rho1: sp.Expr, rho2: sp.Expr) -> tuple[bool, str]:
    """|sigma(t)| <= rho1 e^{rho2 t} for t < 0, by: g = bound -+ sigma >= 0 directly or via lim_{-oo} g >= 0, g' >= 0."""
    bound = rho1 * sp.exp(rho2 * t)
    neg = sp.Interval.open(-sp.oo, 0)
    signs = _signs(e, lambda f: sign_on(f, t, neg, "nonneg")[0])
    hows = []
    for sg in signs:
        g = bound - sg * e
        L = None
        for cheap in (True, False):  # cheap algebraic forms first: rewrite(exp) is slow for exp(1000 t)
            ok, how = sign_on(g, t, neg, "nonneg", simplify=False, cheap=cheap)
            if ok:
                hows.append(f"{g} >= 0 for t < 0: {how}")
                break
            L = lim(g, t, -sp.oo) if L is None else L
            if L is None or cmp(L, 0) not in (0, 1):
                continue
            ok, how = sign_on(derivative(g, t), t, neg, "nonneg", simplify=cheap is False, cheap=cheap)
            if ok:
                hows.append(f"g = {g} has lim_(t->-oo) g = {L} >= 0 and g' >= 0 for t < 0 ({how})")
                break
        else:
            return False, ""
    return True, "; ".join(hows)


def _verify_right(e: sp.Expr, t: sp.Symbol, rho3: sp.Expr, rho4: sp.Expr) -> tuple[bool, str]:
    """|sigma(t)| <= rho3 t + rho4 for t >= 0: g = bound -+ sigma, g(0) >= 0 and (g >= 0 or g' >= 0) on t > 0."""
    bound = rho3 * t + rho4
    signs = _signs(e, lambda f: _nonneg_on(f, t, 1))
    hows = []
    for sg in signs:
        g = bound - sg * e
        g0 = exact_at(g, t, 0)
        if not (g0.is_number and cmp(g0, 0) in (0, 1)):
            return False, ""
        for cheap in (True, False):
            ok, how = sign_on(g, t, sp.Interval.open(0, sp.oo), "nonneg", simplify=False, cheap=cheap)
            if ok:
                hows.append(f"{g} >= 0 for t > 0: {how}")
                break
            ok, how = sign_on(derivative(g, t), t, sp.Interval.open(0, sp.oo), "nonneg", simplify=cheap is False,
                              cheap=cheap)
            if ok:
                hows.append(f"g = {g} has g(0) = {g0} >= 0 and g' >= 0 for t > 0 ({how})")
                break
        else:
            return False, ""
    return True, "; ".join(hows)


def _smax(*xs: sp.Expr) -> sp.Expr | None:
    best = xs[0]
    for x in xs[1:]:
        s = cmp(x, best)
        if s is None:
            return None
        if s > 0:
            best = x
    return best


def _numeric_sup(h: sp.Expr, t: sp.Symbol, lo: float, hi: float) -> sp.Rational | None:
    """A rational just above max h on [lo, hi] from 401 samples: a *candidate* only (verified afterwards)."""
    fn = guarded(lambda: sp.lambdify(t, h, "mpmath"), 5)
    if fn is None:
        return None
    try:
        vals = [fn(mpmath.mpf(lo + (hi - lo) * k / 400)) for k in range(401)]
        if any(not isinstance(v, mpmath.mpf) for v in vals):
            return None
    except Exception:
        return None
    m = max(vals)
    if not mpmath.isfinite(m):
        return None
    if m <= 0:
        return None
    return sp.Rational(int(mpmath.ceil(m * 1.05 * 1000)) + 1, 1000)


def growth(sigma: ScalarFunction | str, mu: sp.Expr | None = None, cert: Certificate | None = None) -> tuple[Verdict, dict]:
    """Assumption 3.2.2 (b): rho_1..rho_4 > 0 with ``|sigma(t)| <= rho_1 e^{rho_2 t}`` (t < 0), ``<= rho_3 t + rho_4`` (t >= 0)."""
    f = as_activation(sigma)
    e, t = f.expr, f.var
    claim = "3.2.2(b) growth: |sigma| <= rho_1 e^(rho_2 t) (t<0), <= rho_3 t + rho_4 (t>=0)"
    mu = confirmed_lim(e, t, -sp.oo) if mu is None else mu
    info: dict[str, Any] = {}
    # ---- t >= 0
    r3 = confirmed_lim(e / t, t, sp.oo)
    right: tuple[bool | None, str] = (None, "lim sigma(t)/t at +oo not found (or not confirmed)")
    if r3 is not None and r3.is_infinite:
        right = (False, f"sigma(t)/t -> {r3} as t -> +oo (SymPy limit): no bound rho_3 t + rho_4 for t >= 0")
    elif r3 is not None:
        rho3 = abs(r3) if cmp(r3, 0) in (1, -1) else sp.S.One  # a candidate only: verified below
        s0 = exact_at(e, t, 0)
        cands = [abs(s0)] if s0.is_number else []
        for sg in (1, -1):
            L4 = lim(sg * e - rho3 * t, t, sp.oo)
            if L4 is not None and L4.is_finite:
                cands.append(L4)
        rho4 = _smax(*cands) if cands else None
        if rho4 is not None and cmp(rho4, 0) != 1:
            rho4 = sp.S.One
        right = (None, "no verified constants rho_3, rho_4 for t >= 0")
        def tried4():
            if rho4 is not None:
                yield rho4
            est = _numeric_sup(sp.Abs(e) - rho3 * t, t, 0, 50)
            if est is not None:
                yield est

        for r4 in tried4():
            ok, how = _verify_right(e, t, rho3, r4)
            if ok:
                info.update(rho_3=rho3, rho_4=r4)
                right = (True, f"rho_3 = {rho3}, rho_4 = {r4}: {how}")
                break
    # ---- t < 0
    left: tuple[bool | None, str] = (None, "lim sigma at -oo not found (or not confirmed)")
    mu_sign = cmp(mu, 0) if mu is not None else None  # None: not decided, never read as "non-zero"
    if mu_sign in (1, -1):
        left = (False, f"|sigma(t)| -> {abs(mu)} != 0 as t -> -oo (SymPy limit) while rho_1 e^(rho_2 t) -> 0")
    elif mu is not None and mu_sign is None:
        left = (None, f"lim sigma at -oo = {mu}: whether it is 0 is not decided")
    elif mu is not None:
        k = lim(derivative(e, t) / e, t, -sp.oo)
        left = (None, f"decay rate lim sigma'/sigma at -oo = {k}: no verified rho_1, rho_2")
        rates = (k, k / 2) if k is not None and k.is_finite and cmp(k, 0) == 1 else \
            (sp.S.One,) if k == sp.oo else ()  # k = oo: faster than every exponential, try rho_2 = 1
        if rates:
            for rho2 in rates:
                L = lim(e * sp.exp(-rho2 * t), t, -sp.oo)
                s0 = exact_at(e, t, 0)

                def cands(L=L, s0=s0, rho2=rho2):
                    if L is not None and L.is_finite and s0.is_number:
                        m = _smax(abs(L), abs(s0))
                        if m is not None and cmp(m, 0) == 1:
                            yield m
                    est = _numeric_sup(sp.Abs(e) * sp.exp(-rho2 * t), t, -60, 0)
                    if est is not None:
                        yield est

                done = False
                for rho1 in cands():
                    ok, how = _verify_left(e, t, rho1, rho2)
                    if ok:
                        info.update(rho_1=rho1, rho_2=rho2)
                        left = (True, f"rho_1 = {rho1}, rho_2 = {rho2}: {how}")
                        done = True
                        break
                if done:
                    break
    if left[0] is False or right[0] is False:
        parts = [("t < 0", left), ("t >= 0", right)]
        return verdict(claim, False, "proved", "; ".join(f"fails for {n}: {r[1]}" for n, r in parts if r[0] is False)), info
    cert = cert or analytic(e, t)
    if left[0] and right[0] and not _continuous(cert):
        return verdict(claim, None, None, "constants found but sigma is not known to be continuous (the verification "
                  "argument needs it)"), info
    if left[0] and right[0]:
        rho = {k: info[k] for k in ("rho_1", "rho_2", "rho_3", "rho_4")}
        return verdict(claim, True, "proved", f"t < 0: {left[1]}. t >= 0: {right[1]}"), {"rho": rho}
    return verdict(claim, None, None, f"t < 0: {left[1]}; t >= 0: {right[1]}"), info


def activation_conditions(sigma: ScalarFunction | str) -> Result:
    """Assumption 3.2.2 for sigma, clause by clause: analytic, strictly increasing, (a) bounded, (b) growth.

    Overall: analytic and increasing and ((a) or (b)).  ``details`` carry
    ``mu``/``gamma`` and, when (b) is verified, ``rho`` = rho_1..rho_4.
    """
    f = _activation(sigma)
    if f.generic:
        v = Verdict("3.2.2 sigma (generic)", None, None, "a generic (undefined) sigma has no concrete verdict")
        return Result(result="Assumption 3.2.2", holds=None, level=None, statement="sigma analytic, increasing, "
                      "(a) or (b)", reason=v.reason, instance={"activation": "generic"}, clauses=(v,))
    key = (f.describe(), sp.srepr(f.expr))
    if key not in _CACHE:
        _CACHE[key] = _activation_conditions(f)
    return _CACHE[key]


_CACHE: dict[tuple[str, str], Result] = {}


def _activation_conditions(f: ScalarFunction) -> Result:
    cert = analytic(f.expr, f.var)
    v_an = analytic_verdict(f, cert)
    v_inc = increasing(f, cert)
    v_a, info_a = bounded(f, cert)
    v_b, info_b = growth(f, info_a.get("mu"), cert)
    ab = Verdict("3.2.2 (a) bounded or (b) growth", *or_(v_a, v_b))
    holds, level = and_(v_an, v_inc, ab)
    details: dict[str, Any] = {"analyticity": cert.to_json(), **{k: v for k, v in info_a.items()}}
    if "rho" in info_b:
        details["rho"] = info_b["rho"]
    elif info_b:
        details["rho_partial"] = info_b
    failed = next((v.claim for v in (v_an, v_inc, ab) if v.holds is False), None)
    via = " and ".join(x for x, v in (("(a) bounded", v_a), ("(b) growth", v_b)) if v.holds)
    reason = {True: ("every clause is proved" if level == "proved" else "every clause holds") + f", via {via}",
              False: f"fails: {failed}",
              None: "undecided: " + "; ".join(f"{v.claim} ({v.reason})" for v in (v_an, v_inc, v_a, v_b)
                                             if v.holds is None)}[holds]
    return Result(result="Assumption 3.2.2", holds=holds, level=level,
                  statement="sigma real-analytic, strictly increasing, and (a) bounded or (b) the growth bounds",
                  reason=reason, instance={"activation": f.describe(), "expr": str(f.expr)}, details=details,
                  clauses=(v_an, v_inc, v_a, v_b), failed_hypothesis=failed,
                  missing=next((v.claim for v in (v_an, v_inc, ab) if v.holds is None), None) if holds is None else None)

