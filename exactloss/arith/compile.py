"""SymPy expressions compiled into functions of one number: arb balls (rigorous) or fmpq rationals (exact).

:func:`compile_arb` turns an expression in ``var`` into arb ball operations, so
that ``f(x)`` is a ball containing the true value for every real in the ball
``x`` (a NaN ball means *no enclosure*); :func:`compile_exact` turns a rational
function into fmpq arithmetic and refuses anything else.  The number systems
(:mod:`exactloss.arith.systems`) evaluate activations and losses through them;
ranges, analyticity and the paper's certificates evaluate single expressions.

>>> import sympy as sp
>>> from flint import arb
>>> t = sp.Symbol("t", real=True)
>>> compile_arb(t**2 - 1, t)(arb(0, 1)).contains(-1)
True
>>> str(compile_exact((t + 1) / 3, t, "f")(fmpq(1, 2)))
'1/2'
"""

from __future__ import annotations

import operator

from typing import Any, Callable

import sympy as sp
from flint import arb, fmpq

from exactloss.errors import DataError, InputError, NotExactError


_ARB_FUNCS: dict[type, Callable[[arb], arb]] = {
    sp.exp: arb.exp,
    sp.log: arb.log,
    sp.sin: arb.sin,
    sp.cos: arb.cos,
    sp.tan: arb.tan,
    sp.tanh: arb.tanh,
    sp.sinh: arb.sinh,
    sp.cosh: arb.cosh,
    sp.atan: arb.atan,
    sp.asinh: arb.asinh,
    sp.erf: arb.erf,
    sp.erfc: arb.erfc,
    sp.Abs: lambda x: abs(x),
    sp.sign: arb.sgn,
}


def _heaviside_arb(x: arb) -> arb:
    if x > 0:
        return arb(1)
    if x < 0:
        return arb(0)
    return arb(fmpq(1, 2), fmpq(1, 2))  # [0, 1]: every value it may take


def arb_ipow(x: arb, n: int) -> arb:
    """``x**n`` for an integer ``n >= 0`` as a ball operation valid for every ball ``x``.

    python-flint's ``arb ** int`` goes through the real power ``exp(n log x)``
    and returns NaN for a ball that contains 0 (``arb(0, 1)**2``).  Such a ball
    is enclosed here from its exact endpoints: ``t -> t^n`` is increasing for odd
    ``n``, so ``x^n`` lies in the hull of ``lo^n`` and ``hi^n``; for even ``n`` it
    lies in ``[0, max(lo^n, hi^n)]`` (the hull with 0, clamped to ``[0, oo)``).
    """
    if n == 0:
        return arb(1)
    if n == 1 or x.is_exact() or not x.contains(0) or not x.is_finite():
        return x ** n
    lo, hi = arb(x.lower()) ** n, arb(x.upper()) ** n
    if n % 2:
        return lo.union(hi)
    return arb(0).union(lo).union(hi).nonnegative_part()


def fold(parts: list[Callable[[Any], Any]], op: Callable[[Any, Any], Any]) -> Callable[[Any], Any]:
    """``x -> op(...op(op(p_0(x), p_1(x)), p_2(x))..., p_m(x))``: a sum or product of compiled terms."""

    def folded(x: Any) -> Any:
        s = parts[0](x)
        for p in parts[1:]:
            s = op(s, p(x))
        return s

    return folded


def compile_arb(expr: sp.Expr, var: sp.Symbol) -> Callable[[arb], arb]:
    """Translate a SymPy expression into arb operations (rigorous enclosures).

    A result that is NaN (a ball on which the function has no finite
    enclosure, e.g. ``sqrt`` of a ball reaching below 0, ``1/x`` on a ball
    containing 0) means *no enclosure*: every comparison with it is False,
    ``contains`` is True, so callers treat it as undecided.
    """
    if expr == var:
        return lambda x: x
    if expr.is_Rational:
        q = fmpq(int(expr.p), int(expr.q))
        return lambda x: arb(q)
    if expr.is_Float:
        q = sp.Rational(expr)
        qq = fmpq(int(q.p), int(q.q))
        return lambda x: arb(qq)
    if expr is sp.pi:
        return lambda x: arb.pi()
    if expr is sp.E:
        return lambda x: arb.const_e()
    if isinstance(expr, sp.Add):
        return fold([compile_arb(a, var) for a in expr.args], operator.add)
    if isinstance(expr, sp.Mul):
        return fold([compile_arb(a, var) for a in expr.args], operator.mul)
    if isinstance(expr, sp.Pow):
        base = compile_arb(expr.base, var)
        e = expr.exp
        if e.is_Integer:
            n = int(e)
            if n >= 0:
                return lambda x: arb_ipow(base(x), n)
            return lambda x: 1 / arb_ipow(base(x), -n)
        if e == sp.Rational(1, 2):
            return lambda x: base(x).sqrt()
        if e == sp.Rational(-1, 2):
            return lambda x: base(x).rsqrt()
        ex = compile_arb(e, var)
        return lambda x: (ex(x) * base(x).log()).exp()
    if isinstance(expr, sp.Heaviside):
        inner = compile_arb(expr.args[0], var)
        return lambda x: _heaviside_arb(inner(x))
    if isinstance(expr, (sp.Max, sp.Min)):
        return fold([compile_arb(a, var) for a in expr.args], arb.max if isinstance(expr, sp.Max) else arb.min)
    if isinstance(expr, sp.log) and isinstance(expr.args[0], sp.Add) and sp.S.One in expr.args[0].args:
        # log(1 + X) as log1p(X): no cancellation when X is tiny (softplus far left)
        rest = compile_arb(expr.args[0] - 1, var)
        return lambda x: rest(x).log1p()
    func = type(expr)
    if func in _ARB_FUNCS and len(expr.args) == 1:
        inner = compile_arb(expr.args[0], var)
        f = _ARB_FUNCS[func]
        return lambda x: f(inner(x))
    raise InputError(
        f"cannot evaluate {expr} rigorously in ball arithmetic (no arb counterpart for {func.__name__}); "
        "use --numbers mpmath or float for a numerical answer"
    )


def compile_exact(expr: sp.Expr, var: sp.Symbol, what: str) -> Callable[[fmpq], fmpq]:
    """Translate a rational function of ``var`` into fmpq arithmetic (exact values), or refuse.

    Refuses (:class:`NotExactError`) an expression whose values at rational points are not rational
    (``exp``, ``log``, ``sqrt``, ...); a division by zero or a kink of ``Heaviside`` at the point is a
    :class:`DataError` when the function is called."""
    if expr == var:
        return lambda x: x
    if expr.is_Rational:
        q = fmpq(int(expr.p), int(expr.q))
        return lambda x: q
    if isinstance(expr, sp.Add):
        return fold([compile_exact(a, var, what) for a in expr.args], operator.add)
    if isinstance(expr, sp.Mul):
        return fold([compile_exact(a, var, what) for a in expr.args], operator.mul)
    if isinstance(expr, sp.Pow) and expr.exp.is_Integer:
        base = compile_exact(expr.base, var, what)
        n = int(expr.exp)
        if n >= 0:
            return lambda x: base(x) ** n

        def inv(x: fmpq) -> fmpq:
            v = base(x)
            if v == 0:
                raise DataError(f"{what}: division by zero at {x}")
            return 1 / v ** (-n)

        return inv
    if isinstance(expr, (sp.Max, sp.Min)):
        parts = [compile_exact(a, var, what) for a in expr.args]
        pick = max if isinstance(expr, sp.Max) else min
        return lambda x: pick(p(x) for p in parts)
    if isinstance(expr, sp.Abs):
        inner = compile_exact(expr.args[0], var, what)
        return lambda x: abs(inner(x))
    if isinstance(expr, sp.sign):
        inner = compile_exact(expr.args[0], var, what)
        return lambda x: fmpq((inner(x) > 0) - (inner(x) < 0))
    if isinstance(expr, sp.Heaviside):
        inner = compile_exact(expr.args[0], var, what)

        def step(x: fmpq) -> fmpq:
            v = inner(x)
            if v == 0:
                raise DataError(f"{what}: not differentiable at {x} (a kink of the function); the value is undefined there")
            return fmpq(1 if v > 0 else 0)

        return step
    raise NotExactError(
        f"{what} is not a rational function ({expr} involves {type(expr).__name__}): its values at rational "
        "points are not rational, so exact arithmetic cannot represent them; use --numbers ball for certified "
        "enclosures"
    )
