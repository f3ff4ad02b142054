"""Regression tests from the soundness audit: each instance once produced a false `proved`/`certified`.

A wrong certificate is the worst bug this project can have; every case here must stay undecided (or
refuse), never claim what it cannot show.
"""

import numpy as np
import sympy as sp

import exactloss as xl


def test_lemma_4_3_alpha0_needs_monotonicity_of_a_user_sigma():
    # bounded and increasing on any reasonable grid, but not monotone near t = -60: det E changes sign
    # for some alpha above the alpha_0 that the (monotonicity-based) argument would give
    r = xl.check("lemma-4.3", samples=4, dim=1, activation="tanh(t) + 3*exp(-(t+60)**2)", sweep_points=2)
    clause = next(c for c in r.clauses if c.claim.startswith("det E(alpha) != 0 for every alpha"))
    assert clause.holds is not True and clause.level is None
    assert r.holds is not True


def test_assumption_5_2_ball_around_zero_is_not_a_failure():
    r = xl.assumption_5_2("sigmoid", l1="max(0, -a)**2 * (exp(10**(-50)) - 1)")
    bad = [c for c in r.clauses if c.holds is False and c.level is not None and "R_+" in c.claim]
    assert not bad  # l1(-1) = 1e-50 > 0: the clause may be undecided, never "fails, certified"


def test_growth_with_undecided_limit_is_not_a_proved_failure():
    from exactloss.paper.assumption_3_2.activation import growth

    v, _ = growth("log(1 + exp(t)) + log(6) - log(2) - log(3)")  # = softplus exactly
    assert not (v.holds is False and v.level == "proved")


def test_morse_complex_only_degenerate_point_is_undecided():
    r = xl.theorem_3_10("x1**6/30 + x1**4/10 + x1**2/10", w="0")  # its only real critical point is non-degenerate
    assert r.holds is None and r.level is None


def test_float_certificate_of_a_foreign_matrix_is_about_that_matrix_only():
    from exactloss.floatpath.transfer import certify_layer_float

    net = xl.Network((1, 5, 1), "sigmoid")
    P = xl.Parameters((np.zeros((1, 5)), np.ones((5, 1))), (np.arange(5.0) / 7, np.zeros(1)))
    X = np.arange(6, dtype=float).reshape(6, 1)
    c, info = certify_layer_float(net, P, X, 1, A=np.eye(6))  # exact [F_1, 1] has rank 1
    assert "exact matrix" not in info["certifies"]


def test_decimal_constants_are_read_as_decimals():
    assert xl.activation("0.1*t + tanh(t)").expr == sp.Symbol("t", real=True) / 10 + sp.tanh(sp.Symbol("t", real=True))
