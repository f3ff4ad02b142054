"""Theorem 3.10 (Morse) as a demonstration: linear perturbations remove degenerate critical points.

For ``f in C^2(R^n)``, for almost every ``w`` the function ``f(x) + <w, x>`` has
only non-degenerate critical points.  On polynomial ``f`` this is certified
exactly: the critical points of ``f_w`` solve ``grad f(x) + w = 0`` and a
degenerate one also solves ``det Hess f(x) = 0``.  A reduced Groebner basis
(SymPy, over QQ) of ``{d f/d x_i + w_i, det Hess f}`` equal to ``[1]`` proves the
system has no solution even over C (Hilbert's Nullstellensatz): *every*
critical point of ``f_w`` is non-degenerate -- proved.  For ``w = 0`` an exact
degenerate critical point is exhibited (``x`` with ``grad f(x) = 0`` and
``det Hess f(x) = 0``, checked exactly).

>>> r = theorem_3_10("x1**3 - 3*x1*x2**2", perturbations=2, seed=0)
>>> r.holds, r.level
(True, 'proved')
"""

from __future__ import annotations

import random
from typing import Sequence

import sympy as sp

from exactloss.arith.budget import guarded, take_reason
from exactloss.arith.exprparse import parse, plain_symbols
from exactloss.arith.systems import parse_rational
from exactloss.errors import InputError
from exactloss.evidence import Result, Verdict
from exactloss.registry import Instance, Option, opt_seed, register

GROEBNER_SECONDS = 20.0  # CPU-time limit of one Groebner basis (issue 11: no unbounded work)
SOLVE_SECONDS = 10.0  # CPU-time limit of the search for an exact degenerate critical point

STATEMENT = "Theorem 3.10: for almost every w, f(x) + <w, x> has only non-degenerate critical points"


def _parse(f: str) -> tuple[sp.Expr, list[sp.Symbol]]:
    # read as data (exactloss.arith.exprparse), never evaluated as code; plain symbols as sympify made them
    expr = parse(f, plain_symbols(real=False), "function", "\"x1**3 - 3*x1*x2**2\"")
    xs = sorted(expr.free_symbols, key=lambda s: str(s))
    if not xs:
        raise InputError(f"function {f!r} has no variables")
    if not expr.is_polynomial(*xs):
        raise InputError(f"function {f!r} is not a polynomial; the exact certificate (Groebner basis) needs one")
    return expr, xs


def nondegenerate_for(expr: sp.Expr, xs: Sequence[sp.Symbol], w: Sequence[sp.Rational]) -> bool | None:
    """Are all real critical points of ``f + <w, x>`` non-degenerate?

    True: ``{grad f + w = 0, det Hess f = 0}`` has no complex solution (Groebner basis ``[1]``), proved.
    False: a real rational degenerate critical point is exhibited and checked exactly, proved.
    None: the system has a solution over C, but no real one was exhibited (it may be non-real), or the
    Groebner basis did not finish within :data:`GROEBNER_SECONDS` of CPU time: undecided.
    """
    grad = [sp.diff(expr, x) + wi for x, wi in zip(xs, w)]

    def basis():
        det = sp.hessian(expr, xs).det()
        return sp.groebner([*grad, det], *xs, order="grevlex", domain="QQ")

    G = guarded(basis, GROEBNER_SECONDS, step="the Groebner basis of {grad f + w, det Hess f}")
    if G is None:
        return None
    if list(G.exprs) == [1]:
        return True
    f_w = expr + sum((wi * x for x, wi in zip(xs, w)), sp.S.Zero)
    return False if degenerate_point(f_w, xs) is not None else None


def degenerate_point(expr: sp.Expr, xs: Sequence[sp.Symbol]) -> dict | None:
    """A real rational critical point of ``f`` with singular Hessian, verified exactly, or None."""
    grad = [sp.diff(expr, x) for x in xs]
    H = sp.hessian(expr, xs)
    sols = guarded(lambda: sp.solve([*grad, H.det()], xs, dict=True), SOLVE_SECONDS,
                   step="solving {grad f = 0, det Hess f = 0}")
    if sols is None:  # NotImplementedError, or over its time limit
        return None
    for s in sols:
        if all(s.get(x, sp.S.Zero).is_rational for x in xs):
            pt = {x: s.get(x, sp.S.Zero) for x in xs}
            if all(g.subs(pt) == 0 for g in grad) and H.subs(pt).det() == 0:
                return {str(x): str(v) for x, v in pt.items()}
    return None


def theorem_3_10(function: str = "x1**3 - 3*x1*x2**2", perturbations: int = 5, seed: int = 0, scale: int = 1000,
                 w: str | None = None) -> Result:
    """The demonstration: f itself has a degenerate critical point; each random small rational ``w`` (entries
    ``p/scale``, ``|p| <= 10``, seeded) gives an ``f_w`` whose critical points are all non-degenerate (proved).
    ``w="a,b,..."``: check that one perturbation only (``w = 0`` exhibits the exceptional set)."""
    expr, xs = _parse(function)
    n = len(xs)
    deg = degenerate_point(expr, xs)
    clauses = [Verdict("f has a degenerate critical point (w = 0)", deg is not None, "proved" if deg else None,
                       f"x = {deg}: grad f = 0 and det Hess f = 0 exactly" if deg else "none found (not needed)")]
    ws: list[list[sp.Rational]] = []
    if w is not None:
        try:
            one = [sp.Rational(q.numerator, q.denominator)
                   for q in (parse_rational(v, f"w entry {v.strip()!r}") for v in str(w).split(","))]
        except InputError as exc:
            raise InputError(f"w {w!r}: write {n} rationals separated by commas ({exc})") from None
        if len(one) != n:
            raise InputError(f"w has {len(one)} entries but f has {n} variables ({', '.join(map(str, xs))})")
        ws.append(one)
    else:
        rng = random.Random(seed)
        for _ in range(int(perturbations)):
            ws.append([sp.Rational(rng.choice([i for i in range(-10, 11) if i]), scale) for _ in range(n)])
    results = []
    for wv in ws:
        take_reason()
        ok = nondegenerate_for(expr, xs, wv)
        why = take_reason()
        results.append({"w": [str(v) for v in wv], "all_critical_points_nondegenerate": ok})
        clauses.append(Verdict(f"w = ({', '.join(map(str, wv))}): every critical point of f + <w, x> is non-degenerate",
                               ok, "proved" if ok is not None else None,
                               "Groebner basis of {grad f + w, det Hess f} is [1]" if ok else
                               "a real rational degenerate critical point of f + <w, x>, checked exactly" if ok is False
                               else f"undecided: {why}" if why else
                               "{grad f + w = 0, det Hess f = 0} has a solution over C, but no real one was "
                               "exhibited: undecided"))
    verdicts = [r["all_critical_points_nondegenerate"] for r in results]
    holds = False if False in verdicts else None if None in verdicts else True
    failed = "w outside the exceptional null set" if holds is False else None
    reason = (f"every one of the {len(ws)} perturbation(s) has only non-degenerate critical points (proved, Groebner "
              "bases over QQ)" if holds else "a perturbation w lies in the exceptional (measure-zero) set: "
              + ", ".join(str(r["w"]) for r in results if r["all_critical_points_nondegenerate"] is False)
              if holds is False else "undecided for: " + ", ".join(
                  str(r["w"]) for r in results if r["all_critical_points_nondegenerate"] is None)
              + " (a complex, possibly non-real, degenerate critical point)")
    return Result("Theorem 3.10", holds, "proved" if holds is not None else None, STATEMENT, reason, {"f": str(expr), "variables": [str(x) for x in xs]},
                  {"degenerate_point_of_f": deg, "perturbations": results}, tuple(clauses), failed_hypothesis=failed)


def check_theorem_3_10(function: str = "x1**3 - 3*x1*x2**2", perturbations: int = 5, seed: int = 0,
                       w: str | None = None) -> Result:
    """The check ``theorem-3.10`` (keyword arguments = CLI options): :func:`theorem_3_10`."""
    return theorem_3_10(function, perturbations, seed, w=w)


register(
    "theorem-3.10", "Theorem 3.10", check_theorem_3_10,
    "Morse: small random linear perturbations make every critical point non-degenerate (Groebner certificates)",
    options=(Option("--function", "function", str, "x1**3 - 3*x1*x2**2", "a polynomial in x1, x2, ..."),
             Option("--perturbations", "perturbations", int, 5, "how many random w"), opt_seed(0),
             Option("--w", "w", str, None, "one perturbation w = a,b,...")),
    instances=(Instance({}, True, "monkey saddle + random w"),
               Instance({"function": "x1**4 + x2**2"}, True, "x1^4 + x2^2 + random w"),
               Instance({"w": "0,0"}, False, "w = 0: the degenerate point stays")),
)
