"""Issue 11, class 3: a Piecewise expression is analysed on its pieces, never outside them.

Each piece lives on its own interval (where its condition holds and the earlier ones fail); the junctions are
checked (value, l', l'' from both sides); a singularity, a zero or a minimum of a piece's formula outside its
interval is not a property of the function; where the pieces cannot be listed the answer is undecided, never a
proved refutation.  A piecewise sigma whose pieces differ is never certified analytic (Lemma 4.1, 3.2.2).

Every verdict that matters is re-checked here by an independent path: polynomial pieces are differentiated and
evaluated in exact ``fractions.Fraction`` arithmetic (Horner, written here); pieces with logarithms or poles are
differentiated by mpmath at high precision (``mpmath.diff``) with precision escalation.
"""

from __future__ import annotations

import json
from fractions import Fraction
from math import factorial

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from exactloss.arith.analyticity import analytic, smooth
from exactloss.paper.assumption_3_2 import activation_conditions, loss_conditions
from exactloss.paper.assumption_5_2 import assumption_5_2
from exactloss.paper.lemma_4_1 import lemma_4_1
from exactloss.surfaces.cli import main
from tests.tolerance import digits_agree

a = sp.Symbol("a", real=True)
t = sp.Symbol("t", real=True)

ISSUE_LOSS = "Piecewise((a**2, a < 1), (6 - 8/a + 3/a**2, True))"
ISSUE_SIGMA = "Piecewise((t, t < 1), (2 - 1/t, True))"  # C^1, increasing; the right piece's pole 0 is outside
C2, MIN = 0, 1  # clause order of loss_conditions


# ---------------------------------------------------------------------------
# independent exact arithmetic: polynomials as Fraction coefficient lists (c_0, c_1, ...)
# ---------------------------------------------------------------------------

def p_eval(c, x):
    v = Fraction(0)
    for k in reversed(c):
        v = v * x + k
    return v


def p_diff(c):
    return [k * c[k] for k in range(1, len(c))] or [Fraction(0)]


def p_derivs(c, x, n):
    """(p(x), p'(x), ..., p^(n)(x)) exactly."""
    out = []
    for _ in range(n + 1):
        out.append(p_eval(c, x))
        c = p_diff(c)
    return out


def p_shift(coeffs_in_u, j):
    """Coefficients in a of sum_k d_k (a - j)^k."""
    out = [Fraction(0)] * len(coeffs_in_u)
    for k, d in enumerate(coeffs_in_u):
        # (a - j)^k = sum_i binom(k, i) a^i (-j)^(k - i)
        for i in range(k + 1):
            out[i] += d * Fraction(factorial(k), factorial(i) * factorial(k - i)) * (-j) ** (k - i)
    return out


def p_sym(c, x):
    return sp.Add(*[sp.Rational(k.numerator, k.denominator) * x**i for i, k in enumerate(c)])


def first_jump(left, right, j, n=4):
    """The first order k <= n where the exact one-sided derivatives of two polynomial pieces differ at j."""
    dl, dr = p_derivs(left, j, n), p_derivs(right, j, n)
    return next((k for k in range(n + 1) if dl[k] != dr[k]), None)


def mp_derivs(f, x, n, dps=60):
    """mpmath derivatives of an analytic piece at x, order 0..n, with precision escalation (two runs agree)."""
    with mpmath.workdps(dps):
        lo = [mpmath.diff(f, mpmath.mpf(x), k) for k in range(n + 1)]
    with mpmath.workdps(2 * dps):
        hi = [mpmath.diff(f, mpmath.mpf(x), k) for k in range(n + 1)]
    assert all(digits_agree(u, v, 20) for u, v in zip(lo, hi))
    return hi


def q(x: Fraction) -> sp.Rational:
    return sp.Rational(x.numerator, x.denominator)


# ---------------------------------------------------------------------------
# the issue's examples
# ---------------------------------------------------------------------------

def test_issue_loss_is_c2_and_satisfies_3_2_3():
    r = loss_conditions(ISSUE_LOSS, explore=False)
    c2, mn = r.clauses
    assert (c2.holds, c2.level) == (True, "proved"), c2.reason
    assert "not defined" not in c2.reason
    assert (mn.holds, mn.level) == (True, "proved"), mn.reason
    assert r.holds is True and r.level == "proved" and r.missing is None
    # independent: left a^2 and right 6 - 8/a + 3/a^2 agree at 1 to order 2 (exact, SymPy on each formula)
    left, right = a**2, 6 - 8 / a + 3 / a**2
    assert [sp.diff(left, a, k).subs(a, 1) for k in range(3)] == [1, 2, 2]
    assert [sp.diff(right, a, k).subs(a, 1) for k in range(3)] == [1, 2, 2]
    assert sp.diff(right, a, 3).subs(a, 1) != sp.diff(left, a, 3).subs(a, 1)  # hence not analytic at 1
    # independent: mpmath one-sided derivatives at 1 (each formula near its own side)
    L = mp_derivs(lambda x: x**2, 1, 2)
    R = mp_derivs(lambda x: 6 - 8 / x + 3 / x**2, 1, 2)
    assert all(digits_agree(u, v, 30) for u, v in zip(L, R))
    # independent: the global minimum is a = 0: l >= 0 on a < 1 and l - 1 = (5a - 3)(a - 1)/a^2 >= 0 for a >= 1
    assert sp.factor(sp.together(right - 1)) == (a - 1) * (5 * a - 3) / a**2


def test_issue_loss_cli(capsys):
    assert main(["assumptions", "--activation", "sigmoid", "--loss", ISSUE_LOSS]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("3.2.3 l is C^2 on R"))
    assert "holds" in line and "proved" in line and "not defined" not in out
    assert main(["assumptions", "--activation", "sigmoid", "--loss", ISSUE_LOSS, "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["holds"] is True and rec["level"] == "proved"


def test_issue_piecewise_sigma_assumption_5_2():
    r = assumption_5_2(ISSUE_SIGMA)
    assert r.holds is True and r.level == "proved", r.explain()
    c1, inc = r.clauses[:2]
    assert (c1.holds, inc.holds) == (True, True)
    # independent: t and 2 - 1/t agree at 1 to order 1, not at order 2; both derivatives (1, 1/t^2) are > 0
    L = mp_derivs(lambda x: x, 1, 2)
    R = mp_derivs(lambda x: 2 - 1 / x, 1, 2)
    assert digits_agree(L[0], R[0], 30) and digits_agree(L[1], R[1], 30) and not digits_agree(L[2], R[2], 5)
    # the pieces differ: never certified analytic, so Assumption 3.2.2 and Lemma 4.1 do not hold
    an = analytic(sp.Piecewise((t, t < 1), (2 - 1 / t, True)), t)
    assert an.holds is False and an.fail_order == 2 and an.fail_point == 1
    assert activation_conditions(ISSUE_SIGMA).clauses[0].holds is False
    assert lemma_4_1("2,2,1", ISSUE_SIGMA).holds is not True


def test_issue_piecewise_sigma_cli(capsys):
    assert main(["check", "assumption-5.2", "--activation", ISSUE_SIGMA]) == 0
    assert "holds" in capsys.readouterr().out


# ---------------------------------------------------------------------------
# families: jumps at the junction (value, l', l'') are refuted or undecided, never "C^2 holds"
# ---------------------------------------------------------------------------

fracs = st.fractions(min_value=-3, max_value=3, max_denominator=4)
nonzero = fracs.filter(lambda x: x != 0)


@settings(max_examples=12, deadline=None)
@given(st.lists(fracs, min_size=1, max_size=4), fracs, st.integers(0, 2), nonzero, st.sampled_from([a, t]))
def test_jump_at_the_junction_is_never_c2(left, j, order, delta, var):
    # right piece = Taylor polynomial of degree 2 of the left piece at j, plus delta (a - j)^order / order!
    taylor = p_derivs(left, j, 2)
    d_u = [taylor[k] / factorial(k) for k in range(3)]
    d_u[order] += delta / factorial(order)
    right = p_shift(d_u, j)
    e = sp.Piecewise((p_sym(left, var), var < q(j)), (p_sym(right, var), True))
    jump = first_jump(left, right, j)
    assert jump == order  # the construction, re-checked exactly
    c = smooth(e, var, 2)
    assert c.holds is not True, c.reason
    if c.holds is False:
        assert c.level == "proved" and c.fail_order == jump and c.fail_point == q(j)
    assert analytic(e, var).holds is not True
    if order <= 1:
        assert smooth(e, var, 1).holds is not True


# ---------------------------------------------------------------------------
# families: C^2 by construction is never refuted
# ---------------------------------------------------------------------------

@settings(max_examples=12, deadline=None)
@given(st.lists(fracs, min_size=1, max_size=4), fracs, fracs)
def test_c2_by_construction_is_not_refuted(left, j, c3):
    taylor = p_derivs(left, j, 2)
    right = p_shift([taylor[0], taylor[1], taylor[2] / 2, c3], j)   # T_2(a) + c3 (a - j)^3
    e = sp.Piecewise((p_sym(left, a), a < q(j)), (p_sym(right, a), True))
    jump = first_jump(left, right, j)
    assert jump is None or jump >= 3          # exact re-check of the construction
    c = smooth(e, a, 2)
    assert c.holds is True and c.level == "proved", c.reason
    an = analytic(e, a)
    if jump is not None:                      # the pieces differ: a junction, never "analytic"
        assert an.holds is not True
        if an.holds is False:
            assert an.fail_order == jump and an.fail_point == q(j)
    r = loss_conditions(str(e), explore=False)
    assert r.clauses[C2].holds is True


@settings(max_examples=15, deadline=None)
@given(st.fractions(min_value=-2, max_value=2, max_denominator=3),
       st.fractions(min_value=Fraction(1, 4), max_value=3, max_denominator=4),
       st.fractions(min_value=Fraction(1, 4), max_value=2, max_denominator=4), st.booleans())
def test_singularity_outside_the_piece_is_not_a_property(j, gap, c3, use_log):
    # right piece: a^2's Taylor polynomial at j plus c3 (a - j)^3 * g(a), with g singular at s = j - gap < j
    # (outside [j, oo)); left piece a^2 on (-oo, j).  C^2 by construction, defined everywhere.
    s_ = q(j) - q(gap)
    g = sp.log(a - s_) if use_log else 1 / (a - s_)
    jj = q(j)
    right = jj**2 + 2 * jj * (a - jj) + (a - jj) ** 2 + q(c3) * (a - jj) ** 3 * g
    e = sp.Piecewise((a**2, a < jj), (right, True))
    c = smooth(e, a, 2)
    assert c.holds is not False, c.reason     # never "not defined at a = s"
    assert "not defined" not in c.reason and "not real-valued" not in c.reason
    # independent: mpmath derivatives of each formula at j agree to order 2
    fr = sp.lambdify(a, right, "mpmath")
    L = mp_derivs(lambda x: x**2, jj, 2)
    R = mp_derivs(fr, jj, 2)
    assert all(digits_agree(u, v, 25) for u, v in zip(L, R))


def test_singularity_inside_the_piece_is_refuted():
    e = sp.Piecewise((a**2, a < 1), (a**2 + (a - 1) ** 3 / (a - 2), True))   # pole at 2, inside [1, oo)
    c = smooth(e, a, 2)
    assert c.holds is False and c.fail_point == 2 and "not defined at a = 2" in c.reason
    e = sp.Piecewise((a**2 + (a - 1) ** 3 / (a - 2), a < 1), (a**2, True))   # pole at 2, outside (-oo, 1)
    assert smooth(e, a, 2).holds is True


# ---------------------------------------------------------------------------
# minima, monotonicity and limits respect the pieces
# ---------------------------------------------------------------------------

@settings(max_examples=12, deadline=None)
@given(st.fractions(min_value=Fraction(1, 8), max_value=4, max_denominator=8))
def test_minimum_outside_the_piece_is_not_a_property(c3):
    # right piece a^2 + c3 (a - 1)^3 -> -oo as a -> -oo (outside [1, oo)); on [1, oo) it is >= 1.
    e = sp.Piecewise((a**2, a < 1), (a**2 + q(c3) * (a - 1) ** 3, True))
    r = loss_conditions(str(e), explore=False)
    assert r.holds is not False, r.explain()
    assert r.clauses[MIN].holds is True and r.clauses[MIN].level == "proved"
    # independent: on [1, oo), l' = 2a + 3 c3 (a - 1)^2 > 0 (exact at sample points, and the form is a sum of
    # positive terms there), so l >= l(1) = 1 > 0 = l(0): 0 is the only critical point and the global minimum
    for x in (Fraction(1), Fraction(3, 2), Fraction(10)):
        assert 2 * x + 3 * c3 * (x - 1) ** 2 > 0


def test_critical_point_inside_a_piece_that_is_no_minimum_is_refuted():
    e = sp.Piecewise((a**2, a < 1), (a**2 - (a - 1) ** 3, True))
    r = loss_conditions(str(e), explore=False)
    assert r.clauses[C2].holds is True
    assert r.clauses[MIN].holds is False
    # independent: l'((4 + sqrt 7)/3) = 0 inside [1, oo) and l(5) = 25 - 64 < 0 = l(0)
    c = (4 + sp.sqrt(7)) / 3
    assert sp.simplify(sp.diff(a**2 - (a - 1) ** 3, a).subs(a, c)) == 0 and c > 1
    assert 5**2 - 4**3 < 0


def test_piecewise_sigma_limits_from_the_end_pieces():
    # bounded: 1 - 1/t for t >= 1 (-> 1), t**3/3 + ... for t < 1 built C^1; sigma -> -oo at -oo is unbounded
    sig = "Piecewise((exp(t - 1), t < 1), (2 - 1/t, True))"   # C^1 at 1 (values 1, 1), bounded: (0, 2)
    r = activation_conditions(sig)
    an, inc, bnd, _ = r.clauses
    assert an.holds is False                  # not C^2 at 1 (1 vs -2): never analytic
    assert inc.holds is True and bnd.holds is True
    assert r.details["mu"] == 0 and r.details["gamma"] == 2
    # independent: values and first derivatives agree at 1, second derivatives differ
    L = mp_derivs(lambda x: mpmath.exp(x - 1), 1, 2)
    R = mp_derivs(lambda x: 2 - 1 / x, 1, 2)
    assert digits_agree(L[0], R[0], 30) and digits_agree(L[1], R[1], 30) and not digits_agree(L[2], R[2], 5)
    assert assumption_5_2(sig).holds is True


def test_pieces_that_are_the_same_function_are_analytic():
    e = sp.Piecewise((t + t**3, t < 0), (t * (1 + t**2), True))
    assert sp.expand(t + t**3 - t * (1 + t**2)) == 0
    c = analytic(e, t)
    assert c.holds is True and c.level == "proved"


# ---------------------------------------------------------------------------
# where the pieces cannot be listed: undecided, never a proved refutation
# ---------------------------------------------------------------------------

def _ten_c2_pieces():
    # a^2 + (a - k)^3 (a - k - 1)^3 on [k, k + 1): C^2 at every junction, 12 pieces (more than the bound)
    args = [(a**2, a < 0)] + [(a**2 + (a - k) ** 3 * (a - k - 1) ** 3, a < k + 1) for k in range(10)]
    return sp.Piecewise(*args, (a**2, True))


@pytest.mark.parametrize("e", [
    sp.Piecewise((a**2, sp.sin(a) < 0), (a**2 + 1, True)),        # periodic condition: not listed as intervals
    sp.Piecewise((a**2, a**5 - a - 1 < 0), (a**2 + 1 / a, True)),  # junction at a CRootOf: not located
    _ten_c2_pieces(),
], ids=["periodic-condition", "crootof-junction", "too-many-pieces"])
def test_not_decomposable_is_undecided(e):
    c = smooth(e, a, 2)
    assert c.holds is None and c.level is None
    r = loss_conditions(str(e), explore=False)
    assert r.holds is None and r.clauses[C2].holds is None and r.missing
    assert r.clauses[MIN].holds is not False   # a critical point is not refuted where the kinks are unknown


def test_gap_in_the_conditions_is_not_defined():
    e = sp.Piecewise((a**2, a < 1))
    assert e.subs(a, 2) is sp.nan           # independent: SymPy itself gives nan there
    c = smooth(e, a, 2)
    assert c.holds is False and "not defined" in c.reason


def test_algebraic_junction_point():
    j = sp.sqrt(2)
    right = 2 + 2 * j * (a - j) + (a - j) ** 2 + (a - j) ** 3       # a^2's Taylor polynomial + (a - j)^3
    e = sp.Piecewise((a**2, a < j), (right, True))
    c = smooth(e, a, 2)
    assert c.holds is True and c.level == "proved"
    an = analytic(e, a)
    assert an.holds is False and an.fail_order == 3 and an.fail_point == j
    # a jump at an irrational junction: the values log(2)**2 and log(2)**2 + 1 differ by exactly 1
    c = smooth(sp.Piecewise((a**2, a < sp.log(2)), (a**2 + 1, True)), a, 2)
    assert c.holds is False and c.fail_order == 0 and c.level == "proved"
    # independent: the third derivatives of the two formulas at sqrt(2) are 0 and 6
    assert sp.diff(a**2, a, 3) == 0 and sp.diff(right, a, 3) == 6
