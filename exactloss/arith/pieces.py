"""Piecewise expressions split into their pieces, each living on its own interval (issue 11, class 3).

Contract.  :func:`pieces` turns an expression in one real variable into a
list of :class:`Piece` records ``(expr_i, I_i)``: the intervals ``I_i`` are
pairwise disjoint, cover R, are sorted, and on ``I_i`` the expression equals
``expr_i`` (which has no ``Piecewise`` left).  ``I_i`` is the set where the
i-th condition holds and the earlier ones fail (SymPy's ``Piecewise``
semantics), split into its connected components; a gap where no condition
holds is a piece whose ``expr`` is ``nan`` (the function is not defined there).
Adjacent pieces that are the same function (their difference simplifies to
0, a point piece whose value is the neighbour's value there) are merged, so a
remaining junction is a point where two *different* expressions meet.
``None`` means "not decomposable": a condition that is not a finite union of
intervals in the variable that SymPy can list, an endpoint that has no
rigorous ball enclosure (e.g. a ``CRootOf``), more than :data:`MAX_PIECES`
pieces, or a SymPy failure or time-out.  Every decomposition is cross-checked:
at a rational point inside each piece the original expression and ``expr_i``
agree (ball arithmetic).

An expression without ``Piecewise`` is one piece on R, so every helper below
reduces to the whole-expression analysis there.  The helpers are what every
clause of Assumptions 3.2 / 5.2 uses, so that a singularity, a zero or a
minimum of ``expr_i`` outside ``I_i`` is never read as a property of the
function:

* :func:`sign_on` -- ``f > 0`` / ``f >= 0`` on an interval, piece by piece
  (:func:`exactloss.arith.ranges.prove_sign` on the open part of each piece,
  parametrised by ``s > 0``; exact values at the closed endpoints);
* :func:`zero_on` -- ``f == 0`` identically on an interval (True/False/None);
* :func:`zeros_on` -- the zeros of ``f`` on an interval, as a finite set;
* :func:`value_at` -- ``f(x)`` from the piece that contains ``x``;
* :func:`end_expr` -- the expression of the unbounded piece at ``+-oo``
  (limits at infinity only see it);
* :func:`interior_sub` -- the analytic bijection ``s > 0 -> (lo, hi)``.

>>> import sympy as sp
>>> a = sp.Symbol("a", real=True)
>>> [(str(p.expr), str(p.interval)) for p in pieces(sp.Piecewise((a**2, a < 1), (6 - 8/a + 3/a**2, True)), a)]
[('a**2', 'Interval.open(-oo, 1)'), ('6 - 8/a + 3/a**2', 'Interval(1, oo)')]
>>> sign_on(sp.Piecewise((a**2, a < 1), (6 - 8/a + 3/a**2, True)), a, sp.Interval.Lopen(0, sp.oo))[0]
True
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import sympy as sp
from flint import arb

from exactloss.arith.exprparse import to_sympy
from exactloss.arith.ranges import cmp, const_ball, guarded, prove_sign

oo = sp.oo
MAX_PIECES = 8
SECONDS = 5.0
_S = sp.Dummy("s", positive=True)  # s > 0 parametrises the open part of a piece (interior_sub)


@dataclass(frozen=True)
class Piece:
    """``expr`` on the interval from ``lo`` to ``hi`` (closed at an end iff ``*_closed``); a point when lo == hi."""

    expr: sp.Expr
    lo: sp.Expr
    lo_closed: bool
    hi: sp.Expr
    hi_closed: bool

    @property
    def is_point(self) -> bool:
        return self.lo == self.hi

    @property
    def defined(self) -> bool:
        return self.expr is not sp.nan

    @property
    def interval(self) -> sp.Set:
        if self.is_point:
            return sp.FiniteSet(self.lo)
        return sp.Interval(self.lo, self.hi, not self.lo_closed, not self.hi_closed)

    @property
    def is_real_line(self) -> bool:
        return self.lo == -oo and self.hi == oo

    def contains(self, x: sp.Expr) -> bool | None:
        s1, s2 = cmp(x, self.lo), cmp(x, self.hi)
        if s1 is None or s2 is None:
            return None
        return (s1 > 0 or (s1 == 0 and self.lo_closed)) and (s2 < 0 or (s2 == 0 and self.hi_closed))

    def describe(self, var: sp.Symbol) -> str:
        if self.is_point:
            return f"{var} = {self.lo}"
        if self.is_real_line:
            return f"{var} in R"
        return f"{var} in {'[' if self.lo_closed else '('}{self.lo}, {self.hi}{']' if self.hi_closed else ')'}"


# --------------------------------------------------------------------------
# the decomposition
# --------------------------------------------------------------------------


def _components(S: sp.Set) -> list[tuple[sp.Expr, bool, sp.Expr, bool]] | None:
    """Connected components of a finite union of intervals and points, or None."""
    if S is sp.S.EmptySet:
        return []
    if S == sp.S.Reals:
        return [(-oo, False, oo, False)]
    if isinstance(S, sp.Interval):
        return [(S.start, not S.left_open and S.start != -oo, S.end, not S.right_open and S.end != oo)]
    if isinstance(S, sp.FiniteSet):
        if not all(x.is_real is not False for x in S.args):
            return None
        return [(x, True, x, True) for x in S.args]
    if isinstance(S, sp.Union):
        out: list = []
        for part in S.args:
            c = _components(part)
            if c is None:
                return None
            out += c
        return out
    return None  # ConditionSet, ImageSet, an unevaluated Complement/Intersection: not a list of intervals


def _cond_set(cond: Any, var: sp.Symbol) -> sp.Set | None:
    """The real set where ``cond`` holds, when it is a Boolean combination of relations in ``var`` alone."""
    if cond is sp.true:
        return sp.S.Reals
    if cond is sp.false:
        return sp.S.EmptySet
    if not isinstance(cond, sp.logic.boolalg.Boolean) or cond.free_symbols != {var}:
        return None
    S = guarded(lambda: cond.as_set(), SECONDS)
    if not isinstance(S, sp.Set):
        return None
    return guarded(lambda: S.intersect(sp.S.Reals), SECONDS)


def _endpoint_ok(x: sp.Expr) -> bool:
    return x in (oo, -oo) or x.is_Rational or (x.is_real is not False and const_ball(x) is not None)


def rationals_inside(lo: Any, hi: Any, n: int = 4) -> list[sp.Rational]:
    """Up to ``n`` short rationals strictly between lo and hi (either may be infinite), each checked with
    :func:`~exactloss.arith.ranges.cmp` (rigorous)."""
    lo, hi = to_sympy(lo), to_sympy(hi)
    approx = []
    for x in (lo, hi):
        if x in (oo, -oo):
            approx.append(None)
            continue
        b = const_ball(x) if not x.is_Rational else None
        if b is None and not x.is_Rational:
            return []
        approx.append(float(x) if x.is_Rational else float(b.mid()))
    flo, fhi = approx
    if flo is None and fhi is None:
        cands = [sp.S.Zero, sp.S.One, -sp.S.One, sp.Rational(1, 2)]
    elif flo is None:
        cands = [sp.floor(fhi) - k for k in (1, 2, 3, 5)]
    elif fhi is None:
        cands = [sp.ceiling(flo) + k for k in (1, 2, 3, 5)]
    else:
        cands = []
        for frac in (sp.Rational(1, 2), sp.Rational(1, 3), sp.Rational(2, 3), sp.Rational(1, 5)):
            m = flo + float(frac) * (fhi - flo)
            cands += [sp.Rational(round(m * 2**k), 2**k) for k in range(0, 60)]
    out: list[sp.Rational] = []
    for q in cands:
        q = sp.Rational(q)
        if q in out:
            continue
        if (lo == -oo or cmp(q, lo) == 1) and (hi == oo or cmp(q, hi) == -1):
            out.append(q)
            if len(out) >= n:
                break
    return out


def rational_inside(lo: Any, hi: Any) -> sp.Rational | None:
    """A short rational strictly between lo and hi, or None."""
    qs = rationals_inside(lo, hi, 1)
    return qs[0] if qs else None


def _same(e1: sp.Expr, e2: sp.Expr) -> bool:
    """e1 and e2 are the same expression (difference simplifies to 0 under a time budget)."""
    if e1 == e2:
        return True
    if e1 is sp.nan or e2 is sp.nan:
        return False
    d = guarded(lambda: sp.simplify(e1 - e2), SECONDS)
    return d == 0


def _value(e: sp.Expr, var: sp.Symbol, x: sp.Expr) -> sp.Expr:
    """e at x, exactly (nan where e is not defined)."""
    if e is sp.nan:
        return sp.nan
    v = guarded(lambda: e.xreplace({var: x}), SECONDS, sp.nan)
    if v.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or v.is_real is False:
        return sp.nan
    return v


def _before(p: Piece, q: Piece) -> int:
    s = cmp(p.lo, q.lo)
    if s is None:
        raise ValueError("endpoints not comparable")
    if s:
        return s
    # equal left ends: the closed one (a point piece, or [c, ...) after a point) first
    return -1 if p.lo_closed and not q.lo_closed else 1 if q.lo_closed and not p.lo_closed else 0


@functools.lru_cache(maxsize=512)
def pieces(expr: sp.Expr, var: sp.Symbol, merge: bool = True) -> tuple[Piece, ...] | None:
    """The pieces of ``expr`` in ``var``: disjoint sorted intervals covering R, or None (see the module doc)."""
    expr = to_sympy(expr)
    if not expr.has(sp.Piecewise):
        return (Piece(expr, -oo, False, oo, False),)
    f = guarded(lambda: sp.piecewise_fold(expr), SECONDS)
    if f is None:
        return None
    if not f.has(sp.Piecewise):
        return (Piece(f, -oo, False, oo, False),)
    if not isinstance(f, sp.Piecewise):
        return None
    remaining: sp.Set = sp.S.Reals
    out: list[Piece] = []
    for val, cond in f.args:
        if val.has(sp.Piecewise) or not (val.free_symbols <= {var}):
            return None
        S = _cond_set(cond, var)
        if S is None:
            return None
        rem = remaining
        D = guarded(lambda: S.intersect(rem), SECONDS)
        remaining = guarded(lambda: sp.Complement(rem, S), SECONDS)
        comps = None if D is None or remaining is None else _components(D)
        if comps is None:
            return None
        out += [Piece(val, *c) for c in comps]
        if len(out) > MAX_PIECES:
            return None
    gaps = _components(remaining)
    if gaps is None:
        return None
    out += [Piece(sp.nan, *c) for c in gaps]
    if len(out) > MAX_PIECES or not all(_endpoint_ok(x) for p in out for x in (p.lo, p.hi)):
        return None
    try:
        out.sort(key=functools.cmp_to_key(_before))
    except ValueError:
        return None
    if not _valid_cover(out):
        return None
    # sanity net: inside each piece the original expression and the piece agree
    for p in out:
        q = p.lo if p.is_point else rational_inside(p.lo, p.hi)
        if q is None:
            return None
        if not p.defined:
            continue
        v0 = const_ball(guarded(lambda: expr.xreplace({var: q}), SECONDS, sp.nan))
        v1 = const_ball(_value(p.expr, var, q))
        if v0 is not None and v1 is not None and not (v0 - v1).contains(0):
            return None
    return tuple(_merge(out, var) if merge else out)


def _valid_cover(ps: list[Piece]) -> bool:
    if not ps or ps[0].lo != -oo or ps[-1].hi != oo:
        return False
    for p, q in zip(ps, ps[1:]):
        if cmp(p.hi, q.lo) != 0 or p.hi_closed == q.lo_closed:
            return False
        if p.hi in (oo, -oo):
            return False
    return True


def _merge(ps: list[Piece], var: sp.Symbol) -> list[Piece]:
    """Merge neighbours that are the same function: equal expressions, or a point whose value is the neighbour's."""
    ps = list(ps)
    changed = True
    while changed and len(ps) > 1:
        changed = False
        for i in range(len(ps) - 1):
            p, q = ps[i], ps[i + 1]
            if not (p.defined and q.defined):
                continue
            m = None
            if not p.is_point and not q.is_point and _same(p.expr, q.expr):
                m = Piece(p.expr, p.lo, p.lo_closed, q.hi, q.hi_closed)
            elif p.is_point and not q.is_point and _same(_value(q.expr, var, p.lo), p.expr.xreplace({var: p.lo})):
                m = Piece(q.expr, p.lo, True, q.hi, q.hi_closed)
            elif q.is_point and not p.is_point and _same(_value(p.expr, var, q.lo), q.expr.xreplace({var: q.lo})):
                m = Piece(p.expr, p.lo, p.lo_closed, q.lo, True)
            if m is not None:
                ps[i: i + 2] = [m]
                changed = True
                break
    return ps


def junctions(ps: tuple[Piece, ...]) -> list[tuple[sp.Expr, Piece, Piece, Piece]]:
    """Each finite endpoint c with the pieces left of c, right of c and containing c: (c, left, right, at)."""
    out = []
    for i in range(len(ps) - 1):
        p, q = ps[i], ps[i + 1]
        if p.is_point:
            continue  # handled with its left neighbour
        c = p.hi
        if q.is_point:
            r = ps[i + 2]
            out.append((c, p, r, q))
        else:
            out.append((c, p, q, p if p.hi_closed else q))
    return out


def interior_sub(lo: sp.Expr, hi: sp.Expr, s: sp.Symbol) -> sp.Expr | None:
    """An analytic bijection from ``s > 0`` onto the open interval ``(lo, hi)``; None for R."""
    if lo == -oo and hi == oo:
        return None
    if hi == oo:
        return lo + s
    if lo == -oo:
        return hi - s
    return (lo + hi * s) / (1 + s)


# --------------------------------------------------------------------------
# helpers every clause uses
# --------------------------------------------------------------------------

def _domain(d: sp.Set) -> tuple[sp.Expr, bool, sp.Expr, bool]:
    if d == sp.S.Reals:
        return (-oo, False, oo, False)
    if not isinstance(d, sp.Interval):
        raise TypeError(f"domain {d} is not an interval")
    return (d.start, not d.left_open and d.start != -oo, d.end, not d.right_open and d.end != oo)


def restrict(ps: tuple[Piece, ...], dom: sp.Set) -> list[Piece] | None:
    """The pieces intersected with the interval ``dom`` (empty intersections dropped); None if not decided."""
    lo, lc, hi, hc = _domain(dom)
    out = []
    for p in ps:
        s_lo = cmp(p.lo, lo)
        s_hi = cmp(p.hi, hi)
        if s_lo is None or s_hi is None:
            return None
        nlo, nlc = (p.lo, p.lo_closed) if s_lo > 0 else (lo, lc) if s_lo < 0 else (lo, lc and p.lo_closed)
        nhi, nhc = (p.hi, p.hi_closed) if s_hi < 0 else (hi, hc) if s_hi > 0 else (hi, hc and p.hi_closed)
        s = cmp(nlo, nhi)
        if s is None:
            return None
        if s > 0 or (s == 0 and not (nlc and nhc)):
            continue
        out.append(Piece(p.expr, nlo, nlc, nhi, nhc))
    return out


def sign_on(e: sp.Expr, var: sp.Symbol, dom: sp.Set = sp.S.Reals, want: str = "pos", **kw: Any) -> tuple[bool, str]:
    """Prove ``e > 0`` (``want="pos"``) or ``e >= 0`` (``"nonneg"``) for every ``var`` in the interval ``dom``.

    Piece by piece: on the open part ``(lo, hi)`` of each piece,
    :func:`~exactloss.arith.ranges.prove_sign` of ``expr_i(phi(s))`` for ``s > 0``
    (``phi`` of :func:`interior_sub`); at a closed endpoint, the exact value.
    ``(False, "")`` claims nothing.  Keyword arguments go to ``prove_sign``.
    """
    e = to_sympy(e)
    if not e.has(sp.Piecewise) and dom == sp.S.Reals:
        return prove_sign(e, want, **kw)
    ps = pieces(e, var) if e.has(sp.Piecewise) else (Piece(e, -oo, False, oo, False),)
    if ps is None:
        return False, ""
    part = restrict(ps, dom)
    if part is None:
        return False, ""
    hows = []
    for p in part:
        if not p.defined:
            return False, ""
        if not p.is_point:
            sub = interior_sub(p.lo, p.hi, _S)
            u = p.expr if sub is None else guarded(lambda: p.expr.xreplace({var: sub}), SECONDS)
            if u is None:
                return False, ""
            ok, how = prove_sign(u, want, **kw)
            if not ok:
                return False, ""
            hows.append(f"on {p.describe(var)}: {how}" if len(part) > 1 or e.has(sp.Piecewise) else how)
        for x, closed in ((p.lo, p.lo_closed), (p.hi, p.hi_closed)):
            if closed and x not in (oo, -oo):
                v = _value(p.expr, var, x)
                c = cmp(v, 0) if v is not sp.nan else None
                if c is None or c < 0 or (c == 0 and want == "pos"):
                    return False, ""
                if p.is_point:
                    hows.append(f"at {var} = {x} the value is {v}")
                    break
    return True, "; ".join(hows)


def zero_on(e: sp.Expr, var: sp.Symbol, dom: sp.Set) -> tuple[bool | None, str]:
    """``e == 0`` at every point of ``dom``: True (each piece simplifies to 0 there and the closed ends are 0),
    False (a rational point where an exact or ball value is non-zero), None (not decided)."""
    e = to_sympy(e)
    ps = pieces(e, var)
    if ps is None:
        return None, f"the pieces of {e} were not found"
    part = restrict(ps, dom)
    if part is None:
        return None, "the pieces could not be compared with the domain"
    for p in part:
        if not p.defined:
            return False, f"{e} is not defined for {p.describe(var)}"
    for p in part:
        if p.is_point:
            continue
        sub = interior_sub(p.lo, p.hi, _S)
        u = p.expr if sub is None else guarded(lambda: p.expr.xreplace({var: sub}), SECONDS)
        if u is None or not _same(u, sp.S.Zero):
            q = rational_inside(p.lo, p.hi)
            v = const_ball(_value(p.expr, var, q)) if q is not None else None
            if v is not None and (v > 0 or v < 0):
                return False, f"the value at {var} = {q} is {v.str(6)} != 0"
            return None, f"could not decide whether {p.expr} vanishes for {p.describe(var)}"
    for p in part:
        for x, closed in ((p.lo, p.lo_closed), (p.hi, p.hi_closed)):
            if closed and x not in (oo, -oo):
                v = _value(p.expr, var, x)
                if v is sp.nan:
                    return False, f"{e} is not defined at {var} = {x}"
                if not _same(v, sp.S.Zero):
                    c = cmp(v, 0)
                    if c in (1, -1):
                        return False, f"the value at {var} = {x} is {v} != 0"
                    return None, f"could not decide whether the value {v} at {var} = {x} is 0"
    where = "; ".join(p.describe(var) for p in part)
    return True, f"{e} is 0 on each piece ({where})"


def zeros_on(e: sp.Expr, var: sp.Symbol, dom: sp.Set = sp.S.Reals, seconds: float = 10.0) -> sp.Set | None:
    """The zeros of ``e`` in ``dom``, piece by piece with ``solveset`` on each piece's interval; a FiniteSet,
    the EmptySet, or None (infinitely many, a piece not decomposable, or SymPy gave up)."""
    e = to_sympy(e)
    if not e.has(sp.Piecewise):
        z = guarded(lambda: sp.solveset(e, var, dom), seconds)
        return z if isinstance(z, sp.Set) else None
    ps = pieces(e, var)
    part = None if ps is None else restrict(ps, dom)
    if part is None:
        return None
    found: set = set()
    for p in part:
        if not p.defined:
            continue
        if p.is_point:
            v = _value(p.expr, var, p.lo)
            c = None if v is sp.nan else cmp(v, 0)
            if c is None:
                return None
            if c == 0:
                found.add(p.lo)
            continue
        z = guarded(lambda: sp.solveset(p.expr, var, p.interval), seconds)
        if z is sp.S.EmptySet:
            continue
        if not isinstance(z, sp.FiniteSet):
            return None
        found |= set(z.args)
    return sp.FiniteSet(*found) if found else sp.S.EmptySet


def value_at(e: sp.Expr, var: sp.Symbol, x: Any) -> sp.Expr:
    """``e(x)`` exactly, from the piece that contains ``x`` (nan where not defined or not decided)."""
    e, x = to_sympy(e), to_sympy(x)
    if not e.has(sp.Piecewise):
        return e.xreplace({var: x})
    ps = pieces(e, var)
    if ps is None:
        v = guarded(lambda: e.xreplace({var: x}), SECONDS, sp.nan)
        return sp.nan if v.has(sp.Piecewise) else v
    for p in ps:
        if p.contains(x):
            return _value(p.expr, var, x)
    return sp.nan


def ball_at(e: sp.Expr, var: sp.Symbol, x: Any) -> arb | None:
    """A rigorous ball of ``e(x)`` (piece-aware), or None."""
    v = value_at(e, var, x)
    return None if v is sp.nan else const_ball(v)


def end_expr(e: sp.Expr, var: sp.Symbol, side: int) -> sp.Expr | None:
    """The expression of the piece that contains ``(R, oo)`` (side 1) or ``(-oo, R)`` (side -1); None if unknown."""
    e = to_sympy(e)
    if not e.has(sp.Piecewise):
        return e
    ps = pieces(e, var)
    if ps is None:
        return None
    p = ps[-1] if side > 0 else ps[0]
    return p.expr if p.defined else None
