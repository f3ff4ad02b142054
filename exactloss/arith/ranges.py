"""Rigorous ranges of SymPy expressions over the reals, and sign proofs built on them.

Contract.  :func:`value_range` returns a :class:`Range` ``(lo, hi)`` with
strictness flags such that, for **every** real value of the expression's free
symbols (symbols declared ``positive=True`` range over ``(0, oo)``, all
others over ``R``), the expression is defined and lies in the range -- or
``None`` when no rule applies (then nothing is claimed, not even that the
expression is defined).  Each rule is elementary interval arithmetic over the
expression tree (sums, products, powers, and monotone or bounded functions
such as exp, log, atan, tanh, erf, sin, cos), written here -- SymPy's
assumption system is not consulted, except for the declared sign of our own
symbols.  Constant endpoints are compared with arb ball arithmetic, which
either decides the sign rigorously or answers "unknown".

:func:`prove_sign` asks whether an expression is ``> 0`` or ``>= 0`` on the
whole domain, trying a few algebraic rewrites (cancel, together + expand,
factor, rewrite(exp)) -- SymPy identities -- because interval arithmetic loses
correlations (``1 - tanh(t)**2`` is proved directly, ``1/(1+s) - s/(1+s)**2``
only after ``together``).  Every candidate form is cross-checked against the
original at sample points with ball arithmetic before its range is trusted,
and a positive claim is refused if any sample is certainly negative.

>>> import sympy as sp
>>> t = sp.Symbol("t", real=True)
>>> prove_sign(1 - sp.tanh(t)**2, "pos")[0]
True
>>> prove_sign(1 + sp.cos(t), "pos")[0], prove_sign(1 + sp.cos(t), "nonneg")[0]
(False, True)
"""

from __future__ import annotations

import functools

from dataclasses import dataclass
from typing import Callable, Iterator

import sympy as sp
from flint import arb, ctx

from exactloss.arith.compile import compile_arb
from exactloss.arith.exprparse import to_sympy

oo = sp.oo
PREC = 128


# The time limit and guarded calls live in :mod:`exactloss.arith.budget` (one mechanism for bounding work: a
# CPU-time limit that re-fires until its block exits, Timeout derives from BaseException); re-exported here
# for the modules that import them from ranges.
from exactloss.arith.budget import Timeout, guarded, time_limit  # noqa: E402,F401


# --------------------------------------------------------------------------
# constants
# --------------------------------------------------------------------------


def const_ball(c: sp.Expr, prec: int = PREC) -> arb | None:
    """A rigorous arb enclosure of a real constant SymPy expression, or None."""
    if c.free_symbols:
        return None
    saved = ctx.prec
    ctx.prec = prec
    try:
        v = compile_arb(c, sp.Dummy())(arb(0))
        return v if v.is_finite() else None
    except Exception:
        return None
    finally:
        ctx.prec = saved


def cmp(a: sp.Expr, b: sp.Expr) -> int | None:
    """Sign of ``a - b`` for constants (``+-oo`` allowed): -1, 0, 1, or None if not decided."""
    a, b = to_sympy(a), to_sympy(b)
    if a.has(sp.I) or b.has(sp.I) or a.is_extended_real is False or b.is_extended_real is False:
        return None
    if a == b:
        return 0
    if a in (oo, -oo) or b in (oo, -oo):
        if a == oo or b == -oo:
            return 1
        return -1
    d = a - b
    if d.is_Rational:
        return 1 if bool(d > 0) else -1 if bool(d < 0) else 0
    v = const_ball(d)
    if v is None:
        return None
    if v > 0:
        return 1
    if v < 0:
        return -1
    return None


# --------------------------------------------------------------------------
# ranges
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Range:
    """``lo (<|<=) x (<|<=) hi``; ``lo_strict`` means ``x > lo``."""

    lo: sp.Expr
    lo_strict: bool
    hi: sp.Expr
    hi_strict: bool

    def pos(self) -> bool:
        c = cmp(self.lo, 0)
        return c == 1 or (c == 0 and self.lo_strict)

    def nonneg(self) -> bool:
        return cmp(self.lo, 0) in (0, 1)

    def neg(self) -> bool:
        c = cmp(self.hi, 0)
        return c == -1 or (c == 0 and self.hi_strict)

    def nonpos(self) -> bool:
        return cmp(self.hi, 0) in (0, -1)

    def finite(self) -> bool:
        return self.lo not in (oo, -oo) and self.hi not in (oo, -oo)

    def __str__(self) -> str:
        return f"{'(' if self.lo_strict else '['}{self.lo}, {self.hi}{')' if self.hi_strict else ']'}"


def point(c: sp.Expr) -> Range:
    return Range(c, False, c, False)


FULL = Range(-oo, True, oo, True)


def _negate(r: Range) -> Range:
    return Range(-r.hi, r.hi_strict, -r.lo, r.lo_strict)


def _add(r1: Range, r2: Range) -> Range:
    lo = -oo if -oo in (r1.lo, r2.lo) else r1.lo + r2.lo
    hi = oo if oo in (r1.hi, r2.hi) else r1.hi + r2.hi
    return Range(lo, lo == -oo or r1.lo_strict or r2.lo_strict, hi, hi == oo or r1.hi_strict or r2.hi_strict)


def _mul_nonneg(r1: Range, r2: Range) -> Range:
    # 0 <= lo1 <= x <= hi1, 0 <= lo2 <= y <= hi2
    lo = r1.lo * r2.lo
    lo_pos1, lo_pos2 = cmp(r1.lo, 0) == 1, cmp(r2.lo, 0) == 1
    lo_strict = (r1.lo_strict and (lo_pos2 or r2.lo_strict)) or (r2.lo_strict and (lo_pos1 or r1.lo_strict))
    if oo in (r1.hi, r2.hi):
        if cmp(r1.hi, 0) == 0 or cmp(r2.hi, 0) == 0:
            return point(sp.S.Zero)
        hi, hi_strict = oo, True
    else:
        hi = r1.hi * r2.hi
        hi_strict = (r1.hi_strict and cmp(r2.hi, 0) == 1) or (r2.hi_strict and cmp(r1.hi, 0) == 1)
    return Range(lo, lo_strict, hi, hi_strict)


def _mul(r1: Range, r2: Range) -> Range | None:
    if r1.nonneg() and r2.nonneg():
        return _mul_nonneg(r1, r2)
    if r1.nonpos():
        m = _mul(_negate(r1), r2)
        return None if m is None else _negate(m)
    if r2.nonpos():
        m = _mul(r1, _negate(r2))
        return None if m is None else _negate(m)
    # at least one range straddles 0: corner products, non-strict, finite ranges only
    if not (r1.finite() and r2.finite()):
        return FULL
    corners = [r1.lo * r2.lo, r1.lo * r2.hi, r1.hi * r2.lo, r1.hi * r2.hi]
    lo, hi = corners[0], corners[0]
    for c in corners[1:]:
        s = cmp(c, lo)
        if s is None:
            return FULL
        if s < 0:
            lo = c
        s = cmp(c, hi)
        if s is None:
            return FULL
        if s > 0:
            hi = c
    return Range(lo, False, hi, False)


def _recip(r: Range) -> Range | None:
    """1/x on a range excluding 0."""
    if r.pos():
        lo = sp.S.Zero if r.hi == oo else 1 / r.hi
        lo_strict = True if r.hi == oo else r.hi_strict
        if cmp(r.lo, 0) == 0:
            hi, hi_strict = oo, True
        else:
            hi, hi_strict = 1 / r.lo, r.lo_strict
        return Range(lo, lo_strict, hi, hi_strict)
    if r.neg():
        m = _recip(_negate(r))
        return None if m is None else _negate(m)
    return None


def _pow_int(r: Range, n: int) -> Range | None:
    if n == 0:
        return point(sp.S.One)
    if n < 0:
        inv = _recip(r)
        return None if inv is None else _pow_int(inv, -n)
    if n % 2 == 1 or r.nonneg():
        lo = -oo if r.lo == -oo else r.lo**n
        hi = oo if r.hi == oo else r.hi**n
        return Range(lo, r.lo_strict, hi, r.hi_strict)
    if r.nonpos():
        return _pow_int(_negate(r), n)
    # even power of a range straddling 0
    if not r.finite():
        return Range(sp.S.Zero, False, oo, True)
    a, b = (-r.lo) ** n, r.hi**n
    s = cmp(a, b)
    if s is None:
        return Range(sp.S.Zero, False, oo, True)
    if s > 0:
        return Range(sp.S.Zero, False, a, r.lo_strict)
    if s < 0:
        return Range(sp.S.Zero, False, b, r.hi_strict)
    return Range(sp.S.Zero, False, a, r.lo_strict and r.hi_strict)


# increasing functions: value at finite points, limits at -oo, +oo
_INCREASING: dict[type, tuple[Callable[[sp.Expr], sp.Expr], sp.Expr, sp.Expr]] = {
    sp.exp: (sp.exp, sp.S.Zero, oo),
    sp.atan: (sp.atan, -sp.pi / 2, sp.pi / 2),
    sp.tanh: (sp.tanh, -sp.S.One, sp.S.One),
    sp.erf: (sp.erf, -sp.S.One, sp.S.One),
    sp.sinh: (sp.sinh, -oo, oo),
    sp.asinh: (sp.asinh, -oo, oo),
}


def _monotone(r: Range, f: Callable[[sp.Expr], sp.Expr], at_minus: sp.Expr, at_plus: sp.Expr) -> Range:
    lo = at_minus if r.lo == -oo else f(r.lo)
    hi = at_plus if r.hi == oo else f(r.hi)
    return Range(lo, True if r.lo == -oo else r.lo_strict, hi, True if r.hi == oo else r.hi_strict)


def value_range(e: sp.Expr) -> Range | None:
    """A rigorous range of ``e`` over all real values of its symbols, or None (no claim)."""
    try:
        return _range(to_sympy(e))
    except (TypeError, ValueError, ZeroDivisionError):
        return None


def _fold_ranges(args: tuple, op: Callable[["Range", "Range"], "Range | None"]) -> "Range | None":
    """The range of a sum/product from the ranges of its terms (None as soon as one is unknown)."""
    acc = None
    for a in args:
        r = _range(a)
        if r is None:
            return None
        acc = r if acc is None else op(acc, r)
        if acc is None:
            return None
    return acc


def _range(e: sp.Expr) -> Range | None:
    if not e.free_symbols:
        if e.is_number and e.is_real is not False and e.is_finite is not False:
            if e.is_Rational or const_ball(e) is not None:
                return point(e)
        return None
    if e.is_Symbol:
        if e.is_positive:
            return Range(sp.S.Zero, True, oo, True)
        if e.is_nonnegative:
            return Range(sp.S.Zero, False, oo, True)
        if e.is_real:
            return FULL
        return None
    if isinstance(e, sp.Add):
        return _fold_ranges(e.args, _add)
    if isinstance(e, sp.Mul):
        return _fold_ranges(e.args, _mul)
    if isinstance(e, sp.Pow):
        b, x = e.base, e.exp
        if x.is_Integer:
            r = _range(b)
            return None if r is None else _pow_int(r, int(x))
        if x.is_Rational:
            r = _range(b)
            if r is None:
                return None
            if x > 0 and r.nonneg():
                return _monotone(r, lambda v: v**x, sp.S.Zero, oo)
            if x < 0 and r.pos():
                inv = _recip(r)
                return None if inv is None else _monotone(inv, lambda v: v ** (-x), sp.S.Zero, oo)
            return None
        if not b.free_symbols and cmp(b, 0) == 1:
            return _range(sp.exp(x * sp.log(b)))
        return None
    if isinstance(e, sp.log):
        r = _range(e.args[0])
        if r is None or not r.pos():
            return None
        lo = -oo if cmp(r.lo, 0) == 0 else sp.log(r.lo)
        hi = oo if r.hi == oo else sp.log(r.hi)
        return Range(lo, True if lo == -oo else r.lo_strict, hi, True if hi == oo else r.hi_strict)
    f = type(e)
    if f in _INCREASING and len(e.args) == 1:
        r = _range(e.args[0])
        if r is None:
            return None
        fn, m, p = _INCREASING[f]
        return _monotone(r, fn, m, p)
    if f is sp.erfc:
        r = _range(1 - sp.erf(e.args[0]))
        return r
    if f in (sp.sin, sp.cos):
        return None if _range(e.args[0]) is None else Range(-sp.S.One, False, sp.S.One, False)
    if f is sp.cosh:
        return None if _range(e.args[0]) is None else Range(sp.S.One, False, oo, True)
    if f is sp.Abs:
        r = _range(e.args[0])
        if r is None:
            return None
        if r.nonneg():
            return r
        if r.nonpos():
            return _negate(r)
        if not r.finite():
            return Range(sp.S.Zero, False, oo, True)
        s = cmp(-r.lo, r.hi)
        hi = r.hi if s is not None and s <= 0 else -r.lo
        return Range(sp.S.Zero, False, hi if s is not None else oo, False if s is not None else True)
    if f is sp.sign:
        r = _range(e.args[0])
        if r is None:
            return None
        if r.pos():
            return point(sp.S.One)
        if r.neg():
            return point(-sp.S.One)
        return Range(-sp.S.One, False, sp.S.One, False)
    if f is sp.Heaviside:
        return None if _range(e.args[0]) is None else Range(sp.S.Zero, False, sp.S.One, False)
    if f in (sp.Max, sp.Min):
        rs = [_range(a) for a in e.args]
        if any(r is None for r in rs):
            return None
        acc = rs[0]
        for r in rs[1:]:
            acc = _maxmin(acc, r, f is sp.Max)
            if acc is None:
                return None
        return acc
    return None


def _maxmin(r1: Range, r2: Range, is_max: bool) -> Range | None:
    if not is_max:
        m = _maxmin(_negate(r1), _negate(r2), True)
        return None if m is None else _negate(m)
    # max(x, y) >= max(lo1, lo2); <= max(hi1, hi2)
    s = cmp(r1.lo, r2.lo)
    if s is None:
        return None
    lo, lo_strict = (r1.lo, r1.lo_strict) if s > 0 else (r2.lo, r2.lo_strict) if s < 0 else (r1.lo, r1.lo_strict or r2.lo_strict)
    s = cmp(r1.hi, r2.hi)
    if s is None:
        return None
    hi, hi_strict = (r1.hi, r1.hi_strict) if s > 0 else (r2.hi, r2.hi_strict) if s < 0 else (r1.hi, r1.hi_strict and r2.hi_strict)
    return Range(lo, lo_strict, hi, hi_strict)


# --------------------------------------------------------------------------
# sign proofs with rewrites
# --------------------------------------------------------------------------

_SAMPLES = [sp.Rational(p, q) for p, q in ((0, 1), (1, 3), (-1, 2), (2, 1), (-3, 1), (7, 2), (-9, 2), (10, 1), (-12, 1))]


def sample_values(e: sp.Expr, points: list[sp.Expr] | None = None) -> list[tuple[dict, arb]]:
    """Ball values of ``e`` at sample points of its free symbols (positive symbols at |p| or 1)."""
    syms = sorted(e.free_symbols, key=str)
    out = []
    pts = points or _SAMPLES
    for k, p in enumerate(pts):
        sub = {}
        for j, s in enumerate(syms):
            q = pts[(k + j) % len(pts)]
            if s.is_positive:
                q = abs(q) if q != 0 else sp.S.One
            sub[s] = q
        try:
            v = const_ball(e.xreplace(sub))
        except (ValueError, TypeError):
            v = None
        if v is not None:
            out.append((sub, v))
    return out


def _same_function(e: sp.Expr, c: sp.Expr) -> bool:
    """Sanity net: ``c`` agrees with ``e`` at every sample point where both evaluate."""
    for sub, v in sample_values(e):
        try:
            w = const_ball(c.xreplace(sub))
        except (ValueError, TypeError):
            return False
        if w is not None and not (v - w).contains(0):
            return False
    return True


_FORM_MAKERS: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    "together+expand": lambda e: _together_expand(e),
    "cancel": lambda e: sp.cancel(e),
    "factor": lambda e: sp.factor(e),
    "rewrite(exp)": lambda e: _together_expand(e.rewrite(sp.exp)),
    "rewrite(exp), factor": lambda e: sp.factor(sp.powsimp(_together_expand(e.rewrite(sp.exp)))),
    "simplify": lambda e: sp.simplify(e),
}


@functools.lru_cache(maxsize=512)
def _form(name: str, e: sp.Expr, seconds: float) -> sp.Expr | None:
    """One equivalent form of ``e`` within ``seconds`` (None: out of budget or failed), computed once.

    Cached: a sign proof tries ``> 0`` and then ``>= 0`` on the same forms, and a budget spent once is
    not spent again on the same expression.
    """
    return guarded(lambda: _FORM_MAKERS[name](e), seconds, step=f"SymPy {name}")


def candidate_forms(e: sp.Expr, seconds: float = 3.0, simplify: bool = True,
                    cheap: bool = False) -> Iterator[tuple[str, sp.Expr]]:
    """``e`` and some SymPy-equivalent forms, each cross-checked at sample points."""
    yield "as given", e
    seen = {e}
    names = list(_FORM_MAKERS)[:5]
    if cheap:
        names = names[:2]
    elif simplify:
        names.append("simplify")
    for name in names:
        c = _form(name, e, seconds)
        if c is None or c in seen or not isinstance(c, sp.Expr):
            continue
        seen.add(c)
        if _same_function(e, c):
            yield name, c


def _together_expand(e: sp.Expr) -> sp.Expr:
    n, d = sp.fraction(sp.together(e))
    n = sp.expand(sp.powsimp(sp.expand(n)))
    d = sp.factor(d)
    return n / d if d != 1 else n


def prove_sign(e: sp.Expr, want: str = "pos", seconds: float = 3.0, simplify: bool = True,
               cheap: bool = False) -> tuple[bool, str]:
    """Prove ``e > 0`` (``want="pos"``) or ``e >= 0`` (``"nonneg"``) for all real values of its symbols.

    Returns ``(True, how)`` with the form and range that proved it, or
    ``(False, "")`` (not proved; nothing is claimed).
    """
    if e.has(sp.Derivative, sp.Subs):
        return False, ""
    for sub, v in sample_values(e):
        if v < 0 or (want == "pos" and v == 0):
            return False, ""
    for name, c in candidate_forms(e, seconds, simplify, cheap):
        ok, how = _sign_of_form(c, want)
        if ok:
            return True, f"{how} ({name} form)"
    return False, ""


def _sign_of_form(c: sp.Expr, want: str) -> tuple[bool, str]:
    r = value_range(c)
    if r is not None and (r.pos() if want == "pos" else r.nonneg()):
        return True, f"{c} lies in {r}"
    n, d = sp.fraction(c)
    if d != 1:
        rn, rd = value_range(n), value_range(d)
        if rn is not None and rd is not None:
            if rd.pos() and (rn.pos() if want == "pos" else rn.nonneg()):
                return True, f"numerator {n} in {rn}, denominator {d} in {rd}"
            if rd.neg() and (rn.neg() if want == "pos" else rn.nonpos()):
                return True, f"numerator {n} in {rn}, denominator {d} in {rd}"
    return False, ""
