"""exactloss.paper.lemma_4_3.exact_alpha0: the proved alpha_0 (Bareiss over Z[u], Descartes root isolation), re-checked."""

import math
from fractions import Fraction as Q

import pytest
from flint import fmpq, fmpq_mat, fmpq_poly
from hypothesis import given, settings, strategies as st

from exactloss.paper.lemma_4_3.exact_alpha0 import (variations, alpha0_from_numerator, exact_alpha0, numerator_polynomial,
                                    smallest_root_interval)
from exactloss.paper.lemma_4_3.construction import build
from tests.paper.lemma_4_3.test_alpha0 import recheck, col

@settings(deadline=None, max_examples=6)
@given(st.lists(st.fractions(-3, 3, max_denominator=4), min_size=3, max_size=5, unique=True),
       st.sampled_from(["sigmoid", "tanh"]))
def test_proved_alpha0_property(xs, act):
    c = build(col(xs), activation=act)
    r = exact_alpha0(c, degree_budget=1500)
    if r is None or r.alpha0 is None:  # the route does not apply, or is over its bounds (nothing claimed)
        assert r is None or r.level is None
        return
    assert r.level == "proved"
    small = [Q(1, 20), Q(1, 3), Q(1)] if r.for_all_positive else []
    recheck(c, r.alpha0 if r.alpha0 > 0 else Q(1, 10), small)


@pytest.mark.parametrize("act", ["sigmoid", "tanh"])
def test_numerator_polynomial_is_det_times_denominators(act):
    """det E(u) computed from the rational entries at rational u equals P(u) / prod Q_i(u) (exact)."""
    xs = [0, 1, 3, 4]
    c = build(col(xs), activation=act)
    P, h, kappa = numerator_polynomial(c)
    t = [int(x / h) for x in c.t_exact]
    N = len(t)
    for u in (Q(1, 3), Q(2, 7), Q(5, 9)):
        E = fmpq_mat(N, N)
        for i in range(N):
            E[i, 0] = 1
            for j in range(N - 1):
                D = t[j] - t[i]
                v = u ** D if D >= 0 else u ** D  # u^D
                e = Q(1) / (1 + v) if act == "sigmoid" else (1 - v) / (1 + v)
                E[i, j + 1] = fmpq(e.numerator, e.denominator)
        det = E.det()
        # recompute the row denominators as the module does: 2 * lcm(1 + u^m)
        from exactloss.paper.lemma_4_3.exact_alpha0 import cyclo_set
        from flint import fmpz_poly

        prodQ = fmpq(1)
        for i in range(N):
            S_i = set()
            for j in range(N - 1):
                if t[j] != t[i]:
                    S_i |= cyclo_set(abs(t[j] - t[i]))
            Qi = fmpz_poly([2])
            for m in S_i:
                Qi *= fmpz_poly.cyclotomic(m)
            prodQ *= Qi(fmpq(u.numerator, u.denominator))
        assert P(fmpq(u.numerator, u.denominator)) == det * prodQ


def test_exact_route_applies_and_says_every_alpha():
    c = build(col(range(5)), activation="sigmoid")
    r = exact_alpha0(c)
    assert r.level == "proved" and r.for_all_positive and r.alpha0 == 0
    assert "Descartes" in r.argument


def test_exact_route_refuses_other_cases():
    assert exact_alpha0(build(col(range(4)), activation="softplus")) is None
    assert exact_alpha0(build(col(range(4)), activation="sigmoid", beta=1)) is None
    assert exact_alpha0(build(col(range(4)), widths="1,3,3", k=2)) is None


def test_root_isolation_known_roots():
    P = fmpq_poly([-1, 3]) * fmpq_poly([-1, 2]) * fmpq_poly([5, 0, 1])  # roots 1/3 and 1/2 in (0, 1)
    lo, hi = smallest_root_interval(P, Q(0), Q(1))
    assert lo < Q(1, 3) <= hi
    r = alpha0_from_numerator(P, Q(1))
    assert r["alpha0"] >= Q(10986, 10000) and r["alpha0"] < Q(1100, 1000)  # -log(1/3) = 1.09861...
    lo_u, hi_u = r["root_u"]
    assert lo_u < Q(1, 3) < hi_u
    # a double root at 1/4 with u = e^{-2 alpha}: alpha_0 just above log(4)/2
    P2 = fmpq_poly([-1, 4]) ** 2 * fmpq_poly([-3, 4])
    r2 = alpha0_from_numerator(P2, Q(2))
    assert math.log(4) / 2 < float(r2["alpha0"]) < math.log(4) / 2 * 1.001
    assert alpha0_from_numerator(fmpq_poly([1, 1, 1]), Q(1))["for_all_positive"]


def test_descartes_counts():
    P = fmpq_poly([-1, 3]) * fmpq_poly([-2, 3])  # roots 1/3, 2/3
    assert variations(P, Q(0), Q(1)) == 2
    assert variations(P, Q(0), Q(1, 2)) == 1
    assert variations(P, Q(3, 4), Q(1)) == 0
