"""exactloss.paper.lemma_4_3.construction: Lemma 4.3's construction, its refusals (bad input) and its exact bookkeeping."""

from fractions import Fraction as Q

import mpmath
import numpy as np
import pytest
import sympy as sp

from exactloss.paper.lemma_4_3.construction import build, nonzero_sigma_beta
from exactloss.net.activations import activation
from exactloss.errors import AssumptionError, DataError, InputError
from exactloss.net.network import Network
from exactloss.arith.systems import Ball, MP
from exactloss.net.rank import full_row_rank, with_ones
from tests.tolerance import ball_contains, close


def col(*xs):
    return np.array([[Q(x)] for x in xs], dtype=object)


def test_sorting_and_limit_exact():
    c = build(col(0, 2, 1), k=1, activation="sigmoid")
    assert c.order == (0, 2, 1)
    assert c.t_exact == (Q(0), Q(1), Q(2))
    assert c.det_limit_exact() == sp.Rational(1, 4)  # (0 - 1/2)^2
    assert c.limit_sign() == 1


def test_tanh_and_softplus_limits():
    assert build(col(0, 1, 3, 4), activation="tanh").det_limit_exact() == -1  # (-1 - 0)^3
    c = build(col(0, 1, 3), activation="softplus")
    assert c.case == "b"
    assert c.det_limit_exact() == sp.log(2) ** 2


def test_E_structure_case_a_and_b():
    S = Ball(128)
    c = build(col(0, 1, 2), activation="sigmoid")
    E = c.E(Q(3), S)
    assert all(E[i, 0] == 1 for i in range(3))  # [1_N, A]
    assert ball_contains(E[0, 1], Q(1, 2)) and ball_contains(E[1, 2], Q(1, 2))  # diagonal sigma(beta)
    cb = build(col(0, 1, 2), activation="softplus")
    Eb = cb.E(Q(3), S)
    assert all(Eb[i, 2] == 1 for i in range(3))  # [A, 1_N]


def test_E_float_and_mpmath_agree_with_ball():
    c = build(col(0, 1, 3, 7), activation="tanh")
    Eb, Ef, Em = c.E(Q(1, 2), Ball(128)), c.E(Q(1, 2), "float"), c.E(Q(1, 2), MP(120))
    with mpmath.workdps(120), Ball(400).scope():  # the mpmath value at 3x the ball's precision
        for i in range(4):
            for j in range(4):
                assert ball_contains(Eb[i, j], Em[i, j])
                assert close(Ef[i, j], Eb[i, j])


def test_layer_k_parameters_and_order():
    X = col(3, -1, 2, 0, 5)
    c = build(X, widths="1,2,1,4", k=3, activation="sigmoid")
    t = c.t_in(Ball(128))
    assert all(t[i + 1] > t[i] for i in range(4))
    P = c.parameters(Q(7))
    assert P.widths == (1, 2, 1, 4)
    # layers below k: one informative unit, the rest zero
    assert P.W[0][0, 1] == 0 and P.b[0][1] == 0
    # the witness has full rank (independent ball certificate)
    net = Network(P.widths, "sigmoid")
    M = with_ones(net.forward(P, X, Ball(256)).F[3], Ball(256))
    assert full_row_rank(M, Ball(256), 256).full


def test_parameters_k1_are_exactly_the_family():
    X = col(0, 1, 2, 4)
    c = build(X, activation="sigmoid")
    P = c.parameters(Q(5, 2))
    # G_1 = X W_1 + b_1: unit j at sample i is alpha (t_j - t_i) + beta, exactly
    W, b = P.layer(1)
    for i, xi in enumerate(X[list(c.order)]):
        for j in range(3):
            assert xi[0] * W[0, j] + b[j] == Q(5, 2) * (c.t_exact[j] - c.t_exact[i])


# ---- bad input ---------------------------------------------------------------

def test_duplicate_samples_named():
    with pytest.raises(DataError, match=r"samples 0 and 2 .*identical"):
        build(col(1, 2, 1))


def test_width_too_small_says_needed():
    with pytest.raises(AssumptionError, match=r"n_1 = 2 .* at least 4 units"):
        build(col(0, 1, 2, 3, 4), widths="1,2")


def test_sigma_beta_zero_refused_for_softplus_like():
    # t e^t has the decay of case (b) at -infinity but vanishes at 0: beta = 0 cannot be used
    sigma = activation("t*exp(t)")
    with pytest.raises(AssumptionError, match=r"sigma\(beta\) != 0.*pick another --beta"):
        nonzero_sigma_beta(sigma, Q(0), user_beta=True)
    assert nonzero_sigma_beta(sigma, Q(0), user_beta=False) == 1  # default: another beta is picked


@pytest.mark.parametrize("bad", [[[1.0], [float("nan")]], [[1.0], [float("inf")]], [["1"], ["nan"]]])
def test_nan_inf_data(bad):
    with pytest.raises(DataError, match="NaN/inf"):
        build(bad)


def test_layer_out_of_range_and_dim_mismatch():
    with pytest.raises(InputError, match="outside"):
        build(col(0, 1), widths="1,1", k=2)
    with pytest.raises(InputError, match="n_0"):
        build(col(0, 1), widths="2,1")


def test_user_beta_kept_and_limit():
    c = build(col(0, 1, 2), activation="softplus", beta="1/2")
    assert c.beta == Q(1, 2)
    assert c.det_limit_exact() == sp.log(1 + sp.exp(sp.Rational(1, 2))) ** 2


def test_limit_sign_raises_precision_when_beta_is_far_left():
    # mu - tanh(-1000) = -(1 + tanh(-1000)) ~ -2e-869: 128 bits cannot separate it from 0
    c = build(col(0, 1, 2), activation="tanh", beta="-1000")
    v, sgn, how = c.limit_certified()
    assert sgn == 1 and v > 0 and "certified" in how  # (N - 1 = 2: a square)


def test_integer_powers_in_ball_arithmetic_around_zero():
    c = build(col(-1, 0, 1), activation="t/sqrt(1+t**2)")
    from exactloss.arith.systems import Ball

    E = c.E(Q(1, 3), Ball(128))  # alpha (t_j - t_i) = 0 on the diagonal: a ball around 0, squared
    assert all(x.is_finite() for x in E.flat)
