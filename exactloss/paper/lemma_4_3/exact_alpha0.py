"""Lemma 4.3's alpha_0, **proved** by exact arithmetic: det E(alpha) as a rational function of u = e^{-kappa h alpha}.

For sigmoid/tanh, points at layer 1 (rational, scaled to integers ``D_ij``) and ``beta = 0``, every entry
of ``E(alpha)`` is a rational function of ``u`` with denominator ``1 + u^{|D_ij|}``.  Clearing each row's
denominators (products of cyclotomic polynomials, positive on (0, 1)) gives a polynomial matrix whose
determinant ``P(u)`` -- fraction-free Bareiss elimination over Z[u] -- vanishes in (0, 1) exactly where
det E does.  Its real roots in (0, 1) are isolated by Descartes' rule of signs with bisection
(Vincent-Collins-Akritas) and exact rational evaluation; the smallest one bounds alpha_0 (``u`` small is
``alpha`` large).

Bounds on work (issue 11): the degree of ``P`` is at most ``sum_i deg Q_i`` and ``deg Q_i >= max_j |D_ij|``,
so the route is refused up front -- before any integer is factored -- when ``max |D_ij|`` or the total
degree exceeds ``degree_budget`` (points ``1e-30`` apart among points ``1`` apart give ``|D| = 10^30``), or
when ``N`` exceeds :data:`MAX_N`; the elimination and the root isolation run under a CPU-time limit of
:data:`EXACT_SECONDS` (:mod:`exactloss.arith.budget`).  Over budget, :func:`exact_alpha0` returns an
:class:`Alpha0` with ``alpha0 = None`` naming the bound, and Lemma 4.3 keeps its other routes (the
closed-form Cauchy proof, the certified perturbation bound).

>>> from fractions import Fraction as Q
>>> from flint import fmpq_poly
>>> r = alpha0_from_numerator(fmpq_poly([-1, 4]) * fmpq_poly([-3, 4]), Q(1))   # roots 1/4 and 3/4
>>> r["alpha0"], round(r["root_alpha"][0], 4)
(Fraction(1387, 1000), 1.3863)
"""

from __future__ import annotations

import math
from fractions import Fraction

from flint import fmpq, fmpq_poly, fmpz_poly

from exactloss.paper.lemma_4_3.alpha0 import Alpha0, arb_of, round_up
from exactloss.arith import progress
from exactloss.arith.budget import OverBudget, SizeLimit, check, refuse, time_limit
from exactloss.paper.lemma_4_3.construction import Construction
from exactloss.arith.systems import Ball


# --------------------------------------------------------------------------
# proved: det E as a rational function of u = e^{-kappa h alpha}
# --------------------------------------------------------------------------


DEGREE_BUDGET = 1000  # the largest degree of P(u) (sum of the row denominators' degrees) the route accepts
MAX_N = 64  # the largest N: Bareiss costs O(N^3) polynomial products
EXACT_SECONDS = 10.0  # CPU-time limit of the elimination and the root isolation together


def _bareiss(M: list[list[fmpz_poly]]) -> fmpz_poly:
    """det of a square matrix over Z[u] by fraction-free (Bareiss) elimination; divisions are exact."""
    n = len(M)
    M = [row[:] for row in M]
    sign = 1
    prev = fmpz_poly([1])
    for k in progress.iterate(range(n - 1), f"exact alpha_0: Bareiss elimination, N = {n}"):
        if M[k][k].is_zero():
            for r in range(k + 1, n):
                if not M[r][k].is_zero():
                    M[k], M[r] = M[r], M[k]
                    sign = -sign
                    break
            else:
                return fmpz_poly([])
        pk = M[k][k]
        for i in range(k + 1, n):
            mik = M[i][k]
            rowi, rowk = M[i], M[k]
            for j in range(k + 1, n):
                rowi[j] = (pk * rowi[j] - mik * rowk[j]) // prev
            check("exact alpha_0 (Bareiss elimination)")
        prev = pk
    return M[n - 1][n - 1] * sign


def _one_plus_pow(k: int) -> fmpz_poly:
    c = [0] * (k + 1)
    c[0] += 1
    c[k] += 1
    return fmpz_poly(c)


def cyclo_set(k: int) -> set[int]:
    """m with Phi_m | 1 + u^k: m | 2k and m does not divide k."""
    return {m for m in _divisors(2 * k) if k % m}


def _divisors(n: int) -> list[int]:
    out = []
    i = 1
    while i * i <= n:
        if n % i == 0:
            out.append(i)
            if i * i != n:
                out.append(n // i)
        i += 1
    return out


def _applies(cons: Construction) -> bool:
    return cons.info.family in ("sigmoid", "tanh") and cons.k == 1 and cons.beta == 0 and cons.case == "a"


def numerator_polynomial(cons: Construction, degree_budget: int = DEGREE_BUDGET) -> tuple[fmpz_poly, Fraction, int] | None:
    """``P(u)``, ``h``, ``kappa`` with ``det E(alpha) = P(u) / prod_i Q_i(u)``, ``u = e^{-kappa h alpha}``,
    every ``Q_i > 0`` on (0, 1); None when the route does not apply or the input is over its size bounds
    (see the module docstring)."""
    if not _applies(cons):
        return None
    try:
        return _numerator(cons, degree_budget)
    except SizeLimit:
        return None


def _numerator(cons: Construction, degree_budget: int) -> tuple[fmpz_poly, Fraction, int]:
    """:func:`numerator_polynomial` for a construction the route applies to; :class:`SizeLimit` when over
    a size bound (checked before any factoring: trial division of a 30-digit integer does not end)."""
    t = cons.t_exact
    N = len(t)
    refuse(N > MAX_N, f"N = {N}", MAX_N, "the exact alpha_0 route (Bareiss over Z[u])")
    den = 1
    for x in t:
        den = den * x.denominator // math.gcd(den, x.denominator)
    m = [int(x * den) for x in t]
    g = 0
    for a, b in zip(m, m[1:]):
        g = math.gcd(g, b - a)
    g = g or 1
    span = (max(m) - min(m)) // g if N > 1 else 0  # = max |D_ij| <= deg Q_i <= deg P
    refuse(span > degree_budget, f"the spread max|t_j - t_i| / gcd of the gaps ({_size(span)})",
           f"{degree_budget} (degree budget)", "the exact alpha_0 route")
    D = [[(m[j] - m[i]) // g for j in range(N - 1)] for i in range(N)]
    h = Fraction(g, den)
    kappa = 1 if cons.info.family == "sigmoid" else 2
    sets, degs = [], []
    for i in range(N):
        S_i: set[int] = set()
        for k in {abs(x) for x in D[i] if x}:
            S_i |= cyclo_set(k)
        sets.append(S_i)
        degs.append(sum(_euler_phi(mm) for mm in S_i))
    refuse(sum(degs) > degree_budget, f"the degree {sum(degs)} of prod Q_i", f"{degree_budget} (degree budget)",
           "the exact alpha_0 route")
    rows = []
    for i in range(N):
        Qi = fmpz_poly([2])
        for mm in sorted(sets[i]):
            Qi = Qi * fmpz_poly.cyclotomic(mm)
        row = [Qi]
        for j in range(N - 1):
            Dij = D[i][j]
            k = abs(Dij)
            den_p = _one_plus_pow(k) if k else fmpz_poly([2])
            cof = Qi // den_p
            uk = fmpz_poly([0] * k + [1])
            if kappa == 1:
                num = fmpz_poly([1]) if Dij >= 0 else uk
            else:
                num = (fmpz_poly([1]) - uk) if Dij >= 0 else (uk - fmpz_poly([1]))
            row.append(num * cof)
        rows.append(row)
    P = _bareiss(rows)
    return P, h, kappa


def _size(n: int) -> str:
    return str(n) if n < 10**12 else f"about 10^{len(str(n)) - 1}"


def _euler_phi(n: int) -> int:
    r, p, x = n, 2, n
    while p * p <= x:
        if x % p == 0:
            while x % p == 0:
                x //= p
            r -= r // p
        p += 1
    if x > 1:
        r -= r // x
    return r


def variations(P: fmpq_poly, lo: Fraction, hi: Fraction) -> int:
    """Descartes' bound on the number of roots of P in (lo, hi) (Moebius transform, sign variations)."""
    n = P.degree()
    P1 = P(fmpq_poly([fmpq(lo.numerator, lo.denominator), fmpq((hi - lo).numerator, (hi - lo).denominator)]))
    coeffs = P1.coeffs()
    coeffs += [fmpq(0)] * (n + 1 - len(coeffs))
    Q = fmpq_poly(coeffs[::-1])(fmpq_poly([1, 1]))
    signs = [1 if c > 0 else -1 for c in Q.coeffs() if c != 0]
    return sum(1 for a, b in zip(signs, signs[1:]) if a != b)


def _val(P: fmpq_poly, x: Fraction) -> fmpq:
    return P(fmpq(x.numerator, x.denominator))


def smallest_root_interval(P: fmpq_poly, lo: Fraction, hi: Fraction, depth: int = 0,
                           max_depth: int = 60) -> tuple[Fraction, Fraction] | None:
    """An interval around the smallest root of P in (lo, hi) holding exactly one root (or None: no root);
    with ``max_depth`` exhausted, an interval that may hold roots (conservative)."""
    check("exact alpha_0 (root isolation)")
    V = variations(P, lo, hi)
    if V == 0:
        return None
    if V == 1 or depth >= max_depth:
        return (lo, hi)
    mid = (lo + hi) / 2
    left = smallest_root_interval(P, lo, mid, depth + 1, max_depth)
    if left is not None:
        return left
    if _val(P, mid) == 0:
        return (lo, mid)  # mid is the smallest root; (lo, mid) is root-free
    return smallest_root_interval(P, mid, hi, depth + 1, max_depth)


def alpha0_from_numerator(P: fmpq_poly, scale: Fraction, rel: float = 1e-4) -> dict:
    """From ``P(u)`` with ``P(0) != 0`` and ``u = e^{-scale alpha}``: a rational ``alpha0`` such that P has no
    root in ``(0, e^{-scale alpha0}]``, i.e. none for ``alpha >= alpha0`` (``for_all_positive``: none in (0, 1)).

    Returns ``{"alpha0", "for_all_positive", "root_u": [lo, hi], "root_alpha": [lo, hi]}`` (root entries
    bracket the smallest root of P in (0, 1)).
    """
    iv = smallest_root_interval(P, Fraction(0), Fraction(1))
    if iv is None:
        return {"alpha0": Fraction(0), "for_all_positive": True}
    a, b = iv
    pa, pb = _val(P, a), _val(P, b)
    if pb == 0 and variations(P, a, b) == 0:
        # b is the smallest root itself, (a, b) root-free
        root_lo = root_hi = b
        a_safe = max(b * (1 - Fraction(1, 10**6)), (a + b) / 2)
    elif pa != 0 and variations(P, a, b) == 1:
        # exactly one root r in (a, b), simple: P has the sign of P(a) on (a, r) and the other sign on (r, b)
        exact_root = None
        for _ in range(400):
            check("exact alpha_0 (root refinement)")
            if a > 0 and (b - a) <= rel * a:
                break
            m = (a + b) / 2
            pm = _val(P, m)
            if pm == 0:
                exact_root = m
                break
            if (pm > 0) == (pa > 0):
                a, pa = m, pm
            else:
                b = m
        if exact_root is not None:
            root_lo = root_hi = exact_root
            a_safe = max(a, exact_root * (1 - Fraction(1, 10**6)), (a + exact_root) / 2)
        else:
            root_lo, root_hi = a, b
            a_safe = a  # (0, a] root-free: VCA intervals with V = 0 below, P(a) != 0, r > a
    else:
        # several roots may lie in (a, b) (depth limit): only (0, a] is known root-free
        root_lo, root_hi = a, b
        a_safe = a if pa != 0 else Fraction(0)
    if a_safe <= 0:
        return {"alpha0": None, "for_all_positive": False}
    with Ball(128).scope():
        bound = -(arb_of(a_safe).log()) / arb_of(scale)  # alpha >= bound  <=>  u <= a_safe
        alpha_root_hi = -(arb_of(root_lo).log()) / arb_of(scale)
        alpha_root_lo = -(arb_of(root_hi).log()) / arb_of(scale)
        a0 = round_up(float(bound.upper()) * (1 + 1e-12), 4)
        while not arb_of(a0) >= bound:  # pragma: no cover - float rounding guard
            a0 = round_up(float(a0) * (1 + 1e-6), 4)
        return {"alpha0": a0, "for_all_positive": False, "root_u": [root_lo, root_hi],
                "root_alpha": [float(alpha_root_lo.lower()), float(alpha_root_hi.upper())]}


def exact_alpha0(cons: Construction, degree_budget: int = DEGREE_BUDGET, rel: float = 1e-4,
                 seconds: float = EXACT_SECONDS) -> Alpha0 | None:
    """The proved alpha_0 (sigmoid/tanh, k = 1, beta = 0), or None when the route does not apply.

    Over a bound (size, degree, or ``seconds`` of CPU time; module docstring) an :class:`Alpha0` with
    ``alpha0 = None``, ``level = None`` and the bound in its argument: nothing is claimed.
    """
    if not _applies(cons):
        return None
    try:
        with time_limit(seconds, "the exact alpha_0 route"):
            return _exact_alpha0(cons, degree_budget, rel)
    except OverBudget as exc:
        return Alpha0(None, None, f"exact route not run to the end: {exc.reason}", cons.limit_sign(),
                      details={"over_budget": exc.reason})


def _exact_alpha0(cons: Construction, degree_budget: int, rel: float) -> Alpha0 | None:
    Pz, h, kappa = _numerator(cons, degree_budget)
    if Pz.is_zero() or Pz.coeffs()[0] == 0:  # pragma: no cover - the limit is non-zero
        return None
    sign = cons.limit_sign()
    P = fmpq_poly(Pz.coeffs())
    deg = Pz.degree()
    scale = kappa * h  # u = e^{-scale alpha}
    common = {"degree": deg, "u": f"e^(-{scale} alpha)", "h": str(h), "kappa": kappa}
    head = (f"det E(alpha) = P(u)/prod Q_i(u) with u = e^(-{scale} alpha), P in Z[u] of degree {deg} "
            f"(fraction-free Bareiss), every Q_i a product of cyclotomic factors of 1 + u^m, positive on (0,1); ")
    r = alpha0_from_numerator(P, scale, rel)
    if r["alpha0"] is None:
        return None
    if r["for_all_positive"]:
        return Alpha0(Fraction(0), "proved", head + "Descartes' rule of signs: P has no root in (0, 1), so "
                      "det E(alpha) != 0 for every alpha > 0", sign, True, details=common)
    lo, hi = r["root_u"]
    arg = head + (f"exact root isolation (Descartes + bisection, rational evaluation): the smallest root of P in "
                  f"(0,1) lies in [{float(lo):.6g}, {float(hi):.6g}], so det E vanishes at some alpha in "
                  f"[{r['root_alpha'][0]:.6g}, {r['root_alpha'][1]:.6g}] and nowhere on [alpha_0, infinity)")
    return Alpha0(r["alpha0"], "proved", arg, sign, False, details={**common, "det_zero_alpha": r["root_alpha"]})
