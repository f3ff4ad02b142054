"""exactloss.floatpath.forward_error: the forward-error bound holds against ball arithmetic, and the transfer it
feeds never certifies a rank-deficient exact matrix."""

from __future__ import annotations

import numpy as np
import pytest
from flint import arb
from hypothesis import given, strategies as st

from exactloss import Network
from exactloss.arith.systems import Ball
from exactloss.floatpath.fastpath import as_float_matrix, float_parameters, layer_with_ones
from exactloss.floatpath.forward_error import forward_error_bound
from exactloss.floatpath.transfer import certify_layer_float
from exactloss.net.network import random_data
from tests.floatpath.helpers import float_net as _float_net


# ---------------------------------------------------------------------------
# the forward-error bound vs ball arithmetic
# ---------------------------------------------------------------------------


def _ball_sq_error(net, P, X, k, A):
    """An arb ball containing sum_ij (F_float - F_exact)_ij^2 (F_exact enclosed at 200 bits)."""
    S = Ball(200)
    Fb = net.forward(P, X, S).F[k]
    with S.scope():
        tot = arb(0)
        for idx in np.ndindex(Fb.shape):
            e = Fb[idx] - arb(float(A[idx]))
            tot += e * e
    return tot


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "softplus", "identity"])
@pytest.mark.parametrize("exact_params", [False, True])
def test_forward_error_bound_holds(activation, exact_params):
    widths = (3, 4, 3)
    if exact_params:  # non-dyadic rationals: the rounding of the inputs enters the bound
        net = Network(widths, activation)
        P = net.random_parameters(seed=7, denominator=7, scale=1)
        X, _ = random_data(5, 3, seed=7, denominator=3)
    else:
        net, P, X, _ = _float_net(widths, activation, seed=3, N=5)
    for k in (1, 2):
        A = layer_with_ones(net, float_parameters(P)[0], as_float_matrix(X), k)[:, :-1]
        for ulps in (None, 16):  # rigorous enclosures (sigmoid, tanh; arb balls for softplus) / the libm model
            bound, info = forward_error_bound(net, P, X, k, block=2, activation_ulps=ulps)
            assert bound is not None and bound < 1e-12
            assert arb(bound) ** 2 - _ball_sq_error(net, P, X, k, A) >= 0  # certainly, in ball arithmetic
            if ulps is None:  # no assumption left: enclosures (sigmoid, tanh), arb balls (softplus), exact (identity)
                assert info["assumption"].startswith("none")


def test_forward_error_bound_user_expression_by_ball_arithmetic():
    """A user expression gets its enclosure from arb balls entrywise: the bound holds against ball arithmetic."""
    net, P, X, _ = _float_net((2, 3, 1), "atan(t)", N=4)
    bound, info = forward_error_bound(net, P, X, 1)
    assert bound is not None and info["activation_model"] == "ball"
    A = layer_with_ones(net, P, X, 1)[:, :-1]
    assert arb(bound) ** 2 - _ball_sq_error(net, P, X, 1, A) >= 0
    c, info = certify_layer_float(net, P, X, 1)
    assert c.full is True and c.level == "certified" and "exact [F_1, 1_N]" in info["certifies"]
    assert info["sigma_min_lower_exact_matrix"] < info["sigma_min_lower_float_matrix"]


def test_forward_error_bound_without_model():
    """The generic activation has no values: no bound, and no certificate about the exact matrix."""
    net, P, X, _ = _float_net((2, 3, 1), "sigmoid")
    gen = Network((2, 3, 1), "generic")
    bound, info = forward_error_bound(gen, P, X, 1)
    assert bound is None and "generic" in info["reason"]


@given(st.integers(3, 7), st.integers(0, 1000))
def test_linear_layer_never_certified_for_the_exact_matrix(N, seed):
    """Identity activation, d = 1: rank [F_1, 1_N] <= 2 < N exactly.  Rounding can make the float64 matrix
    regular (sigma_min ~ 1e-17); the forward-error bound must then withdraw the certificate."""
    net, P, X, _ = _float_net((1, N - 1), "identity", seed=seed, N=N)
    c, info = certify_layer_float(net, P, X, 1)
    assert not c.full


def test_column_gammas_count_only_nonzero_entries():
    """A sparse column gets gamma_{m+1} for its m non-zero entries, and the bound still holds exactly."""
    from fractions import Fraction

    from exactloss import Network
    from exactloss.floatpath.forward_error import column_gammas, forward_error_bound
    from exactloss.floatpath.rounding import gamma
    from exactloss.net.network import Parameters

    W = np.zeros((50, 3))
    W[0, 0] = 1.0
    W[:, 2] = 1.0
    assert list(column_gammas(W)) == [gamma(2), gamma(1), gamma(51)]
    # one non-zero row in a wide layer (Lemma 4.3's shape): the float F_1 is within the bound of the exact one
    net = Network((50, 4), "identity")
    Wx = np.full((50, 4), Fraction(0), dtype=object)
    Wx[0, :] = [Fraction(1, 3), Fraction(-2, 7), Fraction(5, 11), Fraction(1, 10)]
    P = Parameters((Wx,), (np.array([Fraction(1, 3)] * 4, dtype=object),))
    X = np.array([[Fraction(i + 1, 7 + j) for j in range(50)] for i in range(6)], dtype=object)
    bound, _ = forward_error_bound(net, P, X, 1)
    Xf = X.astype(float)
    Ff = Xf @ Wx.astype(float) + np.array([1 / 3] * 4)
    exact = X.dot(Wx) + P.b[0]
    err = max(abs(Fraction(float(f)) - e) for f, e in zip(Ff.ravel(), exact.ravel()))
    assert err <= Fraction(bound)
