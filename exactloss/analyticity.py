"""Structural certificates of real-analyticity and of C^k smoothness (Assumption 3.2.2, Lemma 4.1).

Contract.  :func:`analytic` walks the expression tree and proves that the
expression is real-analytic on all of R (on R^n for several symbols) from
rules that are theorems:

* constants, the variable, sums, products and non-negative integer powers of
  analytic functions are analytic;
* ``exp, sin, cos, sinh, cosh, tanh, atan, asinh, erf, erfc`` are entire
  (analytic on R), so compositions with them are analytic;
* ``u**(-n)`` is analytic where ``u`` is analytic and proved non-zero on R;
  ``u**q`` (q not an integer), ``log(u)`` where ``u`` is analytic and proved
  ``> 0`` on R (:func:`exactloss.ranges.prove_sign`).

It **refuses** when it can prove failure: ``Abs``, ``Max``/``Min``, ``sign``,
``Heaviside``, ``floor``, ``Piecewise`` create kink points (the real zeros of
their arguments, found exactly with ``solveset``); at a kink ``c`` the
one-sided limits of ``f, f', f'', ...`` are computed exactly with SymPy's
``limit`` (and confirmed with ball arithmetic at ``c +- 2^-80``).  If they
differ at order ``j``, ``f`` is not ``C^j`` at ``c`` (a continuous ``f^(j)``
has equal one-sided limits), hence not analytic.  If they agree for
``j <= k`` at every kink, and the tree is analytic away from the kinks, ``f``
is ``C^k`` (mean value theorem).  A negative or zero argument of log/sqrt at
a point, or a real zero of a denominator, is a failure too ("not defined").
Everything else is *undecided* -- never "analytic" without a proof.

>>> import sympy as sp
>>> t = sp.Symbol("t", real=True)
>>> analytic(sp.log(1 + sp.exp(t)), t).holds
True
>>> c = analytic(sp.Max(0, t), t); (c.holds, c.fail_order, c.fail_point)
(False, 1, 0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp
from flint import arb, ctx, fmpq

from .ranges import const_ball, cmp, guarded, prove_sign, sample_values

ENTIRE = (sp.exp, sp.sin, sp.cos, sp.sinh, sp.cosh, sp.tanh, sp.atan, sp.asinh, sp.erf, sp.erfc)
NONSMOOTH = (sp.Abs, sp.Max, sp.Min, sp.sign, sp.Heaviside, sp.floor, sp.ceiling, sp.frac, sp.Piecewise)
MAX_ORDER = 4
MAX_KINKS = 8


@dataclass(frozen=True)
class Certificate:
    """Outcome of a smoothness analysis: holds True/False/None, level, reason and the proof steps."""

    holds: bool | None
    level: str | None
    reason: str
    steps: tuple[str, ...] = ()
    kinks: tuple[Any, ...] = ()
    smooth_order: int | None = None  # C^k proved for k <= smooth_order (None: infinity if holds)
    fail_order: int | None = None    # not C^fail_order at fail_point
    fail_point: Any = None
    clean: bool = True  # every node of the tree has a rule (no undecided node): analytic away from the kinks

    def to_json(self) -> dict:
        return {"holds": self.holds, "level": self.level, "reason": self.reason, "steps": list(self.steps),
                "kinks": [str(k) for k in self.kinks], "smooth_order": self.smooth_order,
                "fail_order": self.fail_order, "fail_point": None if self.fail_point is None else str(self.fail_point)}


class _Walk:
    """One pass over the tree: proof steps, kink arguments, failures, undecided nodes."""

    def __init__(self, var: sp.Symbol | None) -> None:
        self.var = var
        self.steps: list[str] = []
        self.kink_args: list[tuple[sp.Expr, sp.Expr]] = []  # (node, expression whose zeros are kinks)
        self.undecided: list[str] = []
        self.failures: list[tuple[str, Any]] = []
        self.only_locally_constant_jumps = True

    def visit(self, e: sp.Expr) -> None:
        if not e.free_symbols:
            if e.is_real is False or e.is_finite is False:
                self.undecided.append(f"constant {e} is not a finite real number")
            return
        if e.is_Symbol:
            return
        if isinstance(e, (sp.Add, sp.Mul)):
            for a in e.args:
                self.visit(a)
            return
        if isinstance(e, sp.Pow):
            self._pow(e)
            return
        if isinstance(e, sp.log):
            u = e.args[0]
            self.visit(u)
            self._positive(u, f"log({u})", "the argument of log")
            return
        if isinstance(e, ENTIRE):
            self.visit(e.args[0])
            return
        if isinstance(e, NONSMOOTH):
            self._nonsmooth(e)
            return
        if isinstance(e, sp.DiracDelta):
            self.undecided.append("DiracDelta is not a function")
            return
        self.undecided.append(f"no analyticity rule for {type(e).__name__} (in {e})")

    def _positive(self, u: sp.Expr, node: str, what: str) -> None:
        ok, how = prove_sign(u, "pos")
        if ok:
            self.steps.append(f"{node}: {what} is > 0 on R: {how}")
            return
        self._witness_not_defined(u, node, what, zero_bad=True)

    def _witness_not_defined(self, u: sp.Expr, node: str, what: str, zero_bad: bool) -> None:
        for sub, v in sample_values(u):
            if v < 0:
                at = ", ".join(f"{k} = {w}" for k, w in sub.items())
                self.failures.append((f"not real-valued at {at}: {what} in {node} is {v.str(5)} < 0", None))
                return
        if zero_bad and self.var is not None and u.free_symbols <= {self.var}:
            zeros = guarded(lambda: sp.solveset(u, self.var, sp.S.Reals), 5)
            if isinstance(zeros, sp.FiniteSet) and len(zeros) > 0:
                c = sorted(zeros, key=lambda z: float(z))[0]
                self.failures.append((f"not defined at {self.var} = {c}: {what} in {node} vanishes there", c))
                return
        self.undecided.append(f"could not prove {what} > 0 on R (in {node})")

    def _pow(self, e: sp.Pow) -> None:
        b, x = e.base, e.exp
        if x.is_Integer and x >= 0:
            self.visit(b)
            return
        if x.is_Integer:
            self.visit(b)
            ok, how = prove_sign(b, "pos")
            if not ok:
                ok, how = prove_sign(-b, "pos")
            if ok:
                self.steps.append(f"{e}: the base {b} has no real zero: {how}")
                return
            if self.var is not None and b.free_symbols <= {self.var}:
                zeros = guarded(lambda: sp.solveset(b, self.var, sp.S.Reals), 5)
                if isinstance(zeros, sp.FiniteSet) and len(zeros) > 0:
                    c = sorted(zeros, key=lambda z: float(z))[0]
                    self.failures.append((f"not defined at {self.var} = {c} (division by zero in {e})", c))
                    return
            self.undecided.append(f"could not prove the denominator {b} is non-zero on R")
            return
        if not x.free_symbols:
            self.visit(b)
            if x.is_real is False:
                self.undecided.append(f"complex exponent in {e}")
                return
            if x > 0 and not prove_sign(b, "pos")[0] and prove_sign(b, "nonneg")[0]:
                # b >= 0 with zeros: b**x is defined; its zeros are kink candidates (|t| = sqrt(t**2))
                self.kink_args.append((e, b))
                return
            self._positive(b, str(e), f"the base {b} of a non-integer power")
            return
        # variable exponent: b**x = exp(x log b)
        self.visit(x)
        self.visit(b)
        self._positive(b, str(e), f"the base {b} of a variable power")

    def _nonsmooth(self, e: sp.Expr) -> None:
        name = type(e).__name__
        if isinstance(e, sp.Piecewise):
            for val, cond in e.args:
                self.visit(val)
                for rel in (cond.atoms(sp.core.relational.Relational) if cond not in (sp.true, sp.false) else ()):
                    self.kink_args.append((e, rel.lhs - rel.rhs))
                    for side in (rel.lhs, rel.rhs):
                        self.visit(side)
            return
        for a in e.args:
            self.visit(a)
        if isinstance(e, (sp.Max, sp.Min)):
            args = list(e.args)
            for i in range(len(args)):
                for j in range(i + 1, len(args)):
                    d = args[i] - args[j]
                    if prove_sign(d, "pos")[0] or prove_sign(-d, "pos")[0]:
                        continue
                    self.kink_args.append((e, d))
            return
        u = e.args[0]
        if isinstance(e, (sp.floor, sp.ceiling, sp.frac)):
            self.only_locally_constant_jumps = False  # jumps at every integer value of u
            self.kink_args.append((e, u))
            return
        if prove_sign(u, "pos")[0] or prove_sign(-u, "pos")[0]:
            self.steps.append(f"{name}({u}): the argument has a constant sign on R, so {e} is analytic")
            return
        self.kink_args.append((e, u))


def _kink_points(walk: _Walk) -> tuple[list[sp.Expr] | None, str]:
    """The real zeros of every kink argument (exact), or None when not found as a finite set."""
    pts: set[sp.Expr] = set()
    for node, u in walk.kink_args:
        zs = guarded(lambda: sp.solveset(u, walk.var, sp.S.Reals), 8)
        if not isinstance(zs, sp.FiniteSet):
            return None, f"the kink set of {node} (zeros of {u}) is not a finite set SymPy can list"
        if len(zs) == 0:
            # sanity: u continuous without real zero has one sign; samples must agree
            vals = [v for _, v in sample_values(u)]
            if any(v > 0 for v in vals) and any(v < 0 for v in vals):
                return None, f"solveset says {u} has no real zero but it changes sign"
        for z in zs:
            if z.is_real is False:
                continue
            pts.add(sp.nsimplify(z) if z.is_Float else z)
    if len(pts) > MAX_KINKS:
        return None, f"{len(pts)} kink points (more than {MAX_KINKS})"
    return sorted(pts, key=lambda z: float(z)), ""


def _strip_delta(e: sp.Expr) -> sp.Expr:
    # off the kink points DiracDelta terms vanish; one-sided limits only see t != c
    return e.replace(lambda x: isinstance(x, sp.DiracDelta), lambda x: sp.S.Zero)


def _ball_near(e: sp.Expr, var: sp.Symbol, c: sp.Expr, side: int) -> arb | None:
    cb = const_ball(c)
    if cb is None:
        return None
    from .numbers import _compile_arb

    saved = ctx.prec
    ctx.prec = 256
    try:
        f = _compile_arb(e, var)
        v = f(cb + side * arb(fmpq(1, 2**80)))
        return v if v.is_finite() else None
    except Exception:
        return None
    finally:
        ctx.prec = saved


def _one_sided(expr: sp.Expr, var: sp.Symbol, c: sp.Expr, max_order: int) -> tuple[int | None, str, bool]:
    """Compare one-sided limits of f^(j) at c, j = 0..max_order.

    Returns ``(j, message, decided)``: the first order where they differ (or
    None when all agree), a message, and whether every comparison was decided.
    """
    dj = expr
    for j in range(max_order + 1):
        if j:
            dj = sp.diff(dj, var)
        g = _strip_delta(dj)
        lims = []
        h = sp.Dummy("h", positive=True)
        for d, side in (("-", -1), ("+", 1)):
            # one-sided limit as h -> 0+ of g(c + side*h): with h > 0 SymPy resolves Abs, sign,
            # Heaviside and Piecewise conditions on each side before taking the limit
            gs = guarded(lambda: g.xreplace({var: c + side * h}), 5)
            L = None if gs is None else guarded(lambda: sp.limit(gs, h, 0, "+"), 8)
            if L is None or L is sp.nan or isinstance(L, sp.AccumBounds) or L.has(sp.AccumBounds) or not (L.is_number and L.is_extended_real):
                return None, f"the one-sided limits of the derivative of order {j} at {c} were not found", False
            # sanity: ball value just beside c must agree with SymPy's limit
            if L.is_finite:
                v = _ball_near(gs, h, sp.S.Zero, 1)
                Lb = const_ball(L)
                if v is None or Lb is None or not (abs(v - Lb) < arb("1e-6") * (1 + abs(Lb))):
                    return None, f"SymPy's limit {L} of order {j} at {c}{d} is not confirmed numerically", False
            lims.append(L)
        left, right = lims
        what = {0: "sigma", 1: "the derivative", 2: "the second derivative"}.get(j, f"the derivative of order {j}")
        if left.is_infinite or right.is_infinite:
            kind = "not continuous" if j == 0 else ("not differentiable" if j == 1 else f"not C^{j}")
            return j, f"{kind} at {var} = {c}: {what} is unbounded near {c} (limits {left} from the left, {right} from the right)", True
        s = cmp(left, right)
        if s is None:
            return None, f"could not compare the one-sided limits {left} and {right} of order {j} at {c}", False
        if s != 0:
            if j == 0:
                msg = f"not continuous at {var} = {c}: it jumps from {left} to {right}"
            elif j == 1:
                msg = f"not differentiable at {var} = {c}: the one-sided derivatives are {left} (left) and {right} (right)"
            else:
                msg = f"not C^{j} at {var} = {c}: {what} tends to {left} from the left and {right} from the right"
            return j, msg, True
        if j == 0:
            val = guarded(lambda: expr.subs(var, c), 5)
            if val is None:
                return None, f"the value at {c} was not computed", False
            if val.is_number and (val.is_finite is False or val.has(sp.zoo, sp.nan)):
                return 0, f"not defined at {var} = {c} (the value is {val})", True
            same = cmp(val, left) if val.is_number else None
            if same is None:
                return None, f"could not compare the value {val} at {c} with the limit {left}", False
            if same != 0:
                return 0, f"not continuous at {var} = {c}: the value {val} differs from the limit {left}", True
    return None, f"the one-sided limits of f, ..., f^({max_order}) agree at {c}", True


def analyze(expr: sp.Expr, var: sp.Symbol | None, order: int | None = None) -> Certificate:
    """Smoothness of ``expr``: C^order (``order=None``: real-analytic) on R (R^n when ``var`` is None)."""
    walk = _Walk(var)
    walk.visit(expr)
    clean = not walk.undecided and walk.only_locally_constant_jumps
    if walk.failures:
        msg, at = walk.failures[0]
        return Certificate(False, "certified" if "not real-valued" in msg else "proved", msg,
                           tuple(walk.steps), fail_order=0, fail_point=at, clean=False)
    if not walk.kink_args:
        if walk.undecided:
            return Certificate(None, None, "undecided: " + "; ".join(walk.undecided), tuple(walk.steps), clean=False)
        return Certificate(True, "proved", "structural certificate: the expression tree is built from analytic "
                           "pieces (polynomials, entire functions, quotients/log/roots of arguments proved positive)",
                           tuple(walk.steps))
    if var is None:
        return Certificate(None, None, "undecided: non-smooth primitives in a function of several variables",
                           tuple(walk.steps))
    kinks, why = _kink_points(walk)
    if kinks is None:
        return Certificate(None, None, f"undecided: {why}", tuple(walk.steps), clean=False)
    max_order = MAX_ORDER if order is None else min(order, MAX_ORDER)
    agreed = True
    notes = []
    for c in kinks:
        j, msg, decided = _one_sided(expr, var, c, max_order)
        if j is not None:
            return Certificate(False, "proved", msg, tuple(walk.steps), tuple(kinks), smooth_order=j - 1,
                               fail_order=j, fail_point=c, clean=clean)
        agreed &= decided
        notes.append(msg)
    if not agreed:
        return Certificate(None, None, "undecided: " + "; ".join(n for n in notes if "agree" not in n),
                           tuple(walk.steps), tuple(kinks), clean=False)
    if not clean:
        return Certificate(None, None, "undecided: " + "; ".join(walk.undecided or ["floor/ceiling kinks"]),
                           tuple(walk.steps), tuple(kinks), clean=False)
    if not kinks:
        return Certificate(True, "proved", "the non-smooth parts have arguments without real zeros (solveset), so "
                           "they have constant sign and the expression is analytic", tuple(walk.steps))
    where = ", ".join(str(c) for c in kinks)
    if order is not None and order <= MAX_ORDER:
        return Certificate(True, "proved", f"C^{order}: analytic away from {var} = {where}, where the one-sided limits "
                           f"of f, ..., f^({order}) agree (mean value theorem)", tuple(walk.steps), tuple(kinks),
                           smooth_order=order)
    return Certificate(None, None, f"undecided: C^{max_order} at {var} = {where} but analyticity there is not decided",
                       tuple(walk.steps), tuple(kinks), smooth_order=max_order)


def analytic(expr: sp.Expr, var: sp.Symbol | None = None) -> Certificate:
    """Real-analyticity on R of ``expr`` in ``var`` (or on R^n in all its symbols when ``var`` is None)."""
    return analyze(sp.sympify(expr), var, None)


def smooth(expr: sp.Expr, var: sp.Symbol, k: int) -> Certificate:
    """``expr`` in C^k(R): analytic implies it; otherwise the kink analysis decides."""
    c = analyze(sp.sympify(expr), var, k)
    if c.holds and c.smooth_order is None:
        return Certificate(True, c.level, f"analytic, hence C^{k}: {c.reason}", c.steps)
    if c.holds is False and c.fail_order is not None and c.fail_order > k:
        return Certificate(True, "proved", f"C^{k} (the first failure is at order {c.fail_order}): {c.reason}",
                           c.steps, c.kinks, smooth_order=c.fail_order - 1, clean=c.clean)
    return c
