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
  ``> 0`` on R (:func:`exactloss.arith.ranges.prove_sign`).

A ``Piecewise`` expression is first split into its pieces
(:func:`exactloss.arith.pieces.pieces`): each piece is analysed only on its own
interval (the walk below runs on the open interval, its sign proofs and zero
searches restricted to it), and the junctions between pieces are kink points
with a left expression, a right expression and the expression of the piece
that holds the value.  A singularity of a piece outside its interval is not a
property of the function.  Two different pieces meeting at a junction are an
obstruction to analyticity: a piecewise expression is certified C^k (k <=
:data:`MAX_ORDER`) at best, never analytic, unless the pieces were merged as
the same expression.  When the pieces cannot be listed (conditions that are
not intervals in the variable, too many pieces, an endpoint without a ball
enclosure) the answer is undecided.

It **refuses** when it can prove failure: ``Abs``, ``Max``/``Min``, ``sign``,
``Heaviside``, ``floor`` create kink points (the real zeros of
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

from exactloss.arith.compile import compile_arb
from exactloss.arith.exprparse import to_sympy
from exactloss.arith.pieces import interior_sub, junctions, pieces
from exactloss.arith.ranges import const_ball, cmp, guarded, prove_sign, sample_values

ENTIRE = (sp.exp, sp.sin, sp.cos, sp.sinh, sp.cosh, sp.tanh, sp.atan, sp.asinh, sp.erf, sp.erfc)
NONSMOOTH = (sp.Abs, sp.Max, sp.Min, sp.sign, sp.Heaviside, sp.floor, sp.ceiling, sp.frac)  # Piecewise: split first
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
    """One pass over the tree: proof steps, kink arguments, failures, undecided nodes.

    ``lo``/``hi`` restrict the walk to the open interval ``(lo, hi)`` (a piece
    of a ``Piecewise``): sign proofs are made for ``var = phi(s)``, ``s > 0``
    (:func:`exactloss.arith.pieces.interior_sub`), zeros are searched in the interval
    and witnesses are sampled inside it.  Without them the domain is R.
    """

    def __init__(self, var: sp.Symbol | None, lo: Any = -sp.oo, hi: Any = sp.oo) -> None:
        self.var = var
        self.steps: list[str] = []
        self.kink_args: list[tuple[sp.Expr, sp.Expr]] = []  # (node, expression whose zeros are kinks)
        self.undecided: list[str] = []
        self.failures: list[tuple[str, Any]] = []
        self.only_locally_constant_jumps = True
        self.s = sp.Dummy("s", positive=True)
        self.phi = None if var is None else interior_sub(lo, hi, self.s)
        self.domain = sp.S.Reals if self.phi is None else sp.Interval.open(lo, hi)
        self.where = "on R" if self.phi is None else f"on ({lo}, {hi})"

    # -- the domain ---------------------------------------------------------
    def on(self, u: sp.Expr) -> sp.Expr:
        """u as a function of s > 0 on the walk's interval (u itself on R)."""
        return u if self.phi is None else u.xreplace({self.var: self.phi})

    def sign(self, u: sp.Expr, want: str) -> tuple[bool, str]:
        return prove_sign(self.on(u), want)

    def samples(self, u: sp.Expr) -> list[tuple[dict, arb]]:
        """Ball values of u at sample points of the domain, keyed by the value of var."""
        out = []
        for sub, v in sample_values(self.on(u)):
            if self.phi is not None:
                sub = {self.var: self.phi.xreplace(sub)}
            out.append((sub, v))
        return out

    def zeros(self, u: sp.Expr, seconds: float) -> Any:
        return guarded(lambda: sp.solveset(u, self.var, self.domain), seconds)

    # -- the tree -------------------------------------------------------------
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
        if isinstance(e, sp.Piecewise):
            # pieces are split before the walk (analyze); one left here was not decomposable
            self.undecided.append(f"the pieces of {e} were not listed as intervals")
            return
        if isinstance(e, NONSMOOTH):
            self._nonsmooth(e)
            return
        if isinstance(e, sp.DiracDelta):
            self.undecided.append("DiracDelta is not a function")
            return
        self.undecided.append(f"no analyticity rule for {type(e).__name__} (in {e})")

    def _positive(self, u: sp.Expr, node: str, what: str) -> None:
        ok, how = self.sign(u, "pos")
        if ok:
            self.steps.append(f"{node}: {what} is > 0 {self.where}: {how}")
            return
        self._witness_not_defined(u, node, what, zero_bad=True)

    def _zero_point(self, u: sp.Expr) -> Any:
        """The smallest real zero of u in the domain, verified exactly, or None."""
        if self.var is None or not u.free_symbols <= {self.var}:
            return None
        zeros = self.zeros(u, 5)
        if not isinstance(zeros, sp.FiniteSet) or len(zeros) == 0:
            return None
        try:
            c = sorted(zeros, key=lambda z: float(z))[0]
        except TypeError:
            return None
        # a refutation rests on it: u(c) = 0 exactly
        z = guarded(lambda: sp.simplify(u.xreplace({self.var: c})), 5)
        return c if z == 0 else None

    def _witness_not_defined(self, u: sp.Expr, node: str, what: str, zero_bad: bool) -> None:
        for sub, v in self.samples(u):
            if v < 0:
                at = ", ".join(f"{k} = {w}" for k, w in sub.items())
                self.failures.append((f"not real-valued at {at}: {what} in {node} is {v.str(5)} < 0", None))
                return
        if zero_bad:
            c = self._zero_point(u)
            if c is not None:
                self.failures.append((f"not defined at {self.var} = {c}: {what} in {node} vanishes there", c))
                return
        self.undecided.append(f"could not prove {what} > 0 {self.where} (in {node})")

    def _pow(self, e: sp.Pow) -> None:
        b, x = e.base, e.exp
        if x.is_Integer and x >= 0:
            self.visit(b)
            return
        if x.is_Integer:
            self.visit(b)
            ok, how = self.sign(b, "pos")
            if not ok:
                ok, how = self.sign(-b, "pos")
            if ok:
                self.steps.append(f"{e}: the base {b} has no real zero {self.where}: {how}")
                return
            c = self._zero_point(b)
            if c is not None:
                self.failures.append((f"not defined at {self.var} = {c} (division by zero in {e})", c))
                return
            self.undecided.append(f"could not prove the denominator {b} is non-zero {self.where}")
            return
        if not x.free_symbols:
            self.visit(b)
            if x.is_real is False:
                self.undecided.append(f"complex exponent in {e}")
                return
            if x > 0 and not self.sign(b, "pos")[0] and self.sign(b, "nonneg")[0]:
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
        for a in e.args:
            self.visit(a)
        if isinstance(e, (sp.Max, sp.Min)):
            args = list(e.args)
            for i in range(len(args)):
                for j in range(i + 1, len(args)):
                    d = args[i] - args[j]
                    if self.sign(d, "pos")[0] or self.sign(-d, "pos")[0]:
                        continue
                    self.kink_args.append((e, d))
            return
        u = e.args[0]
        if isinstance(e, (sp.floor, sp.ceiling, sp.frac)):
            self.only_locally_constant_jumps = False  # jumps at every integer value of u
            self.kink_args.append((e, u))
            return
        if self.sign(u, "pos")[0] or self.sign(-u, "pos")[0]:
            self.steps.append(f"{name}({u}): the argument has a constant sign {self.where}, so {e} is analytic")
            return
        self.kink_args.append((e, u))


def _kink_points(walk: _Walk) -> tuple[list[sp.Expr] | None, str]:
    """The real zeros of every kink argument in the walk's domain (exact), or None when not a finite set."""
    pts: set[sp.Expr] = set()
    for node, u in walk.kink_args:
        zs = walk.zeros(u, 8)
        if not isinstance(zs, sp.FiniteSet):
            return None, f"the kink set of {node} (zeros of {u}) is not a finite set SymPy can list"
        if len(zs) == 0:
            # sanity: u continuous without real zero has one sign; samples must agree
            vals = [v for _, v in walk.samples(u)]
            if any(v > 0 for v in vals) and any(v < 0 for v in vals):
                return None, f"solveset says {u} has no real zero {walk.where} but it changes sign"
        for z in zs:
            if z.is_real is False:
                continue
            pts.add(sp.nsimplify(z) if z.is_Float else z)
    if len(pts) > MAX_KINKS:
        return None, f"{len(pts)} kink points (more than {MAX_KINKS})"
    try:
        return sorted(pts, key=lambda z: float(z)), ""
    except TypeError:
        return None, "a kink point is not a real number"


def _strip_delta(e: sp.Expr) -> sp.Expr:
    # off the kink points DiracDelta terms vanish; one-sided limits only see t != c
    return e.replace(lambda x: isinstance(x, sp.DiracDelta), lambda x: sp.S.Zero)


def _ball_near(e: sp.Expr, var: sp.Symbol, c: sp.Expr, side: int) -> arb | None:
    cb = const_ball(c)
    if cb is None:
        return None
    saved = ctx.prec
    ctx.prec = 256
    try:
        f = compile_arb(e, var)
        v = f(cb + side * arb(fmpq(1, 2**80)))
        return v if v.is_finite() else None
    except Exception:
        return None
    finally:
        ctx.prec = saved


@dataclass(frozen=True)
class _Kink:
    """A point c where f may fail to be smooth: f = left on (c - eps, c), right on (c, c + eps), f(c) = at(c)."""

    c: sp.Expr
    left: sp.Expr
    right: sp.Expr
    at: sp.Expr
    junction: bool = False  # between two different pieces of a Piecewise


def _level(x: sp.Expr, y: sp.Expr) -> str:
    """How x != y was decided: exactly (their difference is a non-zero rational) or by ball arithmetic."""
    return "proved" if (x - y).is_Rational else "certified"


def _one_sided(k: _Kink, var: sp.Symbol, max_order: int) -> tuple[int | None, str, bool, int, str]:
    """Compare one-sided limits of f^(j) at c, j = 0..max_order (and f(c) with them).

    Returns ``(j, message, decided, agreed, level)``: the first order where
    they differ (or None when all agree), a message, whether every comparison
    was decided, the highest order up to which they were shown to agree (-1:
    not even continuity), i.e. f is C^agreed at c, and the level of a
    difference: "proved" when the two exact values differ by a rational
    number, "certified" when ball arithmetic separated them.
    """
    c = k.c
    dl, dr = k.left, k.right
    for j in range(max_order + 1):
        if j:
            dl = guarded(lambda: sp.diff(dl, var), 5)
            dr = dl if k.right is k.left else guarded(lambda: sp.diff(dr, var), 5)
            if dl is None or dr is None:
                return None, f"the derivative of order {j} near {c} was not computed", False, j - 1, "proved"
        lims = []
        h = sp.Dummy("h", positive=True)
        for d, side, g in (("-", -1, _strip_delta(dl)), ("+", 1, _strip_delta(dr))):
            # one-sided limit as h -> 0+ of g(c + side*h): with h > 0 SymPy resolves Abs, sign and
            # Heaviside on each side before taking the limit
            gs = guarded(lambda: g.xreplace({var: c + side * h}), 5)
            L = None if gs is None else guarded(lambda: sp.limit(gs, h, 0, "+"), 8)
            if L is None or L is sp.nan or isinstance(L, sp.AccumBounds) or L.has(sp.AccumBounds) or not (L.is_number and L.is_extended_real):
                return None, f"the one-sided limits of the derivative of order {j} at {c} were not found", False, j - 1, "proved"
            # sanity: ball value just beside c must agree with SymPy's limit
            if L.is_finite:
                v = _ball_near(gs, h, sp.S.Zero, 1)
                Lb = const_ball(L)
                if v is None or Lb is None or not (abs(v - Lb) < arb("1e-6") * (1 + abs(Lb))):
                    return None, f"SymPy's limit {L} of order {j} at {c}{d} is not confirmed numerically", False, j - 1, "proved"
            lims.append(L)
        left, right = lims
        what = {0: "the function", 1: "the derivative", 2: "the second derivative"}.get(j, f"the derivative of order {j}")
        if left.is_infinite or right.is_infinite:
            kind = "not continuous" if j == 0 else ("not differentiable" if j == 1 else f"not C^{j}")
            return j, f"{kind} at {var} = {c}: {what} is unbounded near {c} (limits {left} from the left, {right} from the right)", True, j - 1, "proved"
        s = cmp(left, right)
        if s is None:
            return None, f"could not compare the one-sided limits {left} and {right} of order {j} at {c}", False, j - 1, "proved"
        if s != 0:
            pieces_note = " (the pieces meet there)" if k.junction else ""
            if j == 0:
                msg = f"not continuous at {var} = {c}: it jumps from {left} to {right}{pieces_note}"
            elif j == 1:
                msg = f"not differentiable at {var} = {c}: the one-sided derivatives are {left} (left) and {right} (right){pieces_note}"
            else:
                msg = f"not C^{j} at {var} = {c}: {what} tends to {left} from the left and {right} from the right{pieces_note}"
            return j, msg, True, j - 1, _level(left, right)
        if j == 0:
            val = guarded(lambda: k.at.xreplace({var: c}), 5)
            if val is None:
                return None, f"the value at {c} was not computed", False, j - 1, "proved"
            if val.is_number and (val.is_finite is False or val.has(sp.zoo, sp.nan)):
                return 0, f"not defined at {var} = {c} (the value is {val})", True, -1, "proved"
            same = cmp(val, left) if val.is_number else None
            if same is None:
                return None, f"could not compare the value {val} at {c} with the limit {left}", False, j - 1, "proved"
            if same != 0:
                return 0, f"not continuous at {var} = {c}: the value {val} differs from the limit {left}", True, -1, \
                    _level(val, left)
    return None, f"the one-sided limits of f, ..., f^({max_order}) agree at {c}", True, max_order, "proved"


def _analyze_pieces(expr: sp.Expr, var: sp.Symbol) -> tuple[list[_Walk], list[_Kink], Certificate | None, str]:
    """Walk each piece on its own open interval; the kinks inside pieces and the junctions between them.

    Returns ``(walks, kinks, early, why)``: ``early`` is a finished Certificate (a failure, or undecided when the
    pieces or the kink points are not found), otherwise None.
    """
    ps = pieces(expr, var)
    if ps is None:
        return [], [], Certificate(None, None, f"undecided: the pieces of {expr} could not be listed as intervals in "
                                   f"{var} (conditions that are not intervals, more than 8 pieces, an endpoint "
                                   "without an exact location, or SymPy gave up)", clean=False), ""
    for p in ps:
        if not p.defined:
            at = p.lo if p.is_point or p.lo_closed else (p.hi if p.hi_closed else None)
            return [], [], Certificate(False, "proved", f"not defined for {p.describe(var)}: no condition of the "
                                       "Piecewise holds there", fail_order=0, fail_point=at, clean=False), ""
    walks: list[_Walk] = []
    kinks: list[_Kink] = []
    multi = len(ps) > 1
    for p in ps:
        if p.is_point:
            v = guarded(lambda: p.expr.xreplace({var: p.lo}), 5)
            if v is None or not v.is_number or v.has(sp.zoo, sp.nan) or v.is_finite is False or v.is_real is False:
                return [], [], Certificate(False, "proved", f"not defined at {var} = {p.lo} (the value is {v})",
                                           fail_order=0, fail_point=p.lo, clean=False), ""
            continue
        w = _Walk(var, p.lo, p.hi)
        w.visit(p.expr)
        if w.failures:
            msg, at = w.failures[0]
            if multi:
                msg = f"{msg} (on the piece {p.describe(var)})"
            level = "certified" if "not real-valued" in msg else "proved"
            return [], [], Certificate(False, level, msg, tuple(w.steps), fail_order=0, fail_point=at, clean=False), ""
        walks.append(w)
        if w.kink_args:
            pts, why = _kink_points(w)
            if pts is None:
                return walks, kinks, Certificate(None, None, f"undecided: {why}", tuple(w.steps), clean=False), ""
            kinks += [_Kink(c, p.expr, p.expr, p.expr) for c in pts]
    for c, left, right, at in junctions(ps):
        kinks.append(_Kink(c, left.expr, right.expr, at.expr, junction=True))
    try:
        kinks.sort(key=lambda k: float(k.c))
    except TypeError:
        return walks, kinks, Certificate(None, None, "undecided: a kink point is not a real number", clean=False), ""
    return walks, kinks, None, ""


def analyze(expr: sp.Expr, var: sp.Symbol | None, order: int | None = None) -> Certificate:
    """Smoothness of ``expr``: C^order (``order=None``: real-analytic) on R (R^n when ``var`` is None).

    A ``Piecewise`` in ``var`` is analysed piece by piece on its intervals, with the junctions as kinks.
    """
    if var is None:
        walk = _Walk(None)
        walk.visit(expr)
        if walk.failures:
            msg, at = walk.failures[0]
            return Certificate(False, "certified" if "not real-valued" in msg else "proved", msg,
                               tuple(walk.steps), fail_order=0, fail_point=at, clean=False)
        if walk.undecided:
            return Certificate(None, None, "undecided: " + "; ".join(walk.undecided), tuple(walk.steps), clean=False)
        if walk.kink_args:
            return Certificate(None, None, "undecided: non-smooth primitives in a function of several variables",
                               tuple(walk.steps))
        return Certificate(True, "proved", "structural certificate: the expression tree is built from analytic "
                           "pieces (polynomials, entire functions, quotients/log/roots of arguments proved positive)",
                           tuple(walk.steps))
    walks, kinks, early, _ = _analyze_pieces(expr, var)
    if early is not None:
        return early
    steps = tuple(x for w in walks for x in w.steps)
    undecided = [x for w in walks for x in w.undecided]
    clean = not undecided and all(w.only_locally_constant_jumps for w in walks)
    kink_pts = tuple(k.c for k in kinks)
    if not kinks:
        if not clean:
            return Certificate(None, None, "undecided: " + "; ".join(undecided or ["floor/ceiling jumps"]), steps,
                               clean=False)
        if any(w.kink_args for w in walks):
            return Certificate(True, "proved", "the non-smooth parts have arguments without real zeros (solveset), "
                               "so they have constant sign and the expression is analytic", steps)
        return Certificate(True, "proved", "structural certificate: the expression tree is built from analytic "
                           "pieces (polynomials, entire functions, quotients/log/roots of arguments proved positive)",
                           steps)
    max_order = MAX_ORDER if order is None else min(order, MAX_ORDER)
    agreed = True
    notes = []
    fail: tuple[int, str, sp.Expr, str] | None = None
    upto = max_order  # f is C^upto at every kink checked so far
    for k in kinks:
        # after a failure at order j, the other kinks are still checked up to order j - 1, so that
        # smooth_order (C^(j-1) on R) is established at every kink, not only at the failing one
        limit = max_order if fail is None else fail[0] - 1
        if limit < 0:
            break
        j, msg, decided, ok_upto, level = _one_sided(k, var, limit)
        upto = min(upto, ok_upto)
        if j is not None:
            fail = (j, msg, k.c, level)
            continue
        agreed &= decided
        notes.append(msg)
    if fail is not None:
        j, msg, c, level = fail
        return Certificate(False, level, msg, steps, kink_pts, smooth_order=upto if clean else None,
                           fail_order=j, fail_point=c, clean=clean)
    if not agreed:
        return Certificate(None, None, "undecided: " + "; ".join(n for n in notes if "agree" not in n),
                           steps, kink_pts, clean=False)
    if not clean:
        return Certificate(None, None, "undecided: " + "; ".join(undecided or ["floor/ceiling kinks"]),
                           steps, kink_pts, clean=False)
    where = ", ".join(str(c) for c in kink_pts)
    n_j = sum(k.junction for k in kinks)
    off = f"analytic on each piece and away from {var} = {where}" if n_j else f"analytic away from {var} = {where}"
    if order is not None and order <= MAX_ORDER:
        return Certificate(True, "proved", f"C^{order}: {off}, where the one-sided limits of f, ..., f^({order}) "
                           "agree and equal the value (mean value theorem)", steps, kink_pts, smooth_order=order)
    why = (" (two different pieces meet there: C^%d at best is proved, analyticity is not)" % max_order) if n_j else ""
    return Certificate(None, None, f"undecided: C^{max_order} at {var} = {where} but analyticity there is not "
                       f"decided{why}", steps, kink_pts, smooth_order=max_order)


def analytic(expr: sp.Expr, var: sp.Symbol | None = None) -> Certificate:
    """Real-analyticity on R of ``expr`` in ``var`` (or on R^n in all its symbols when ``var`` is None)."""
    return analyze(to_sympy(expr), var, None)


def smooth(expr: sp.Expr, var: sp.Symbol, k: int) -> Certificate:
    """``expr`` in C^k(R): analytic implies it; otherwise the kink analysis decides."""
    c = analyze(to_sympy(expr), var, k)
    if c.holds and c.smooth_order is None:
        return Certificate(True, c.level, f"analytic, hence C^{k}: {c.reason}", c.steps)
    if c.holds is False and c.clean and c.smooth_order is not None and c.smooth_order >= k:
        return Certificate(True, "proved", f"C^{k} (the first failure is at order {c.fail_order}): {c.reason}",
                           c.steps, c.kinks, smooth_order=c.smooth_order, clean=c.clean)
    return c
