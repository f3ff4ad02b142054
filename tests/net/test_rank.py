"""exactloss.net.rank: exact and ball rank certificates; a failed ball proof is never 'singular'."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from exactloss import Ball, Network, random_data
from exactloss.errors import PrecisionError
from exactloss.net.rank import certify_full_row_rank, full_column_rank, full_row_rank, with_ones


def test_exact_rank():
    M = np.array([[1, 2, 3], [2, 4, 6]], dtype=object)
    c = full_row_rank(M, "exact")
    assert (c.full, c.rank, c.level) == (False, 1, "proved")


def test_ball_undecided_for_singular():
    M = np.array([[1, 2, 3], [2, 4, 6]], dtype=object)
    c = full_row_rank(M, "ball")
    assert c.full is None and c.level is None


def test_shape_proves_deficiency():
    c = full_row_rank(np.array([[1], [2]], dtype=object), "ball")
    assert c.full is False and c.level == "proved"


def test_column_rank_of_w():
    W = np.array([[1, 0], [0, 1], [1, 1]], dtype=object)
    assert full_column_rank(W, "exact").full is True
    assert full_column_rank(W, "ball").full is True


def test_wide_sigmoid_layer_certified_and_sigma_min_valid():
    net = Network((2, 7, 1), "sigmoid")
    P = net.random_parameters(seed=3)
    X, _ = random_data(8, 2, seed=4)
    S = Ball(128)
    M = with_ones(net.forward(P, X, S).F[1], S)
    c = full_row_rank(M, S)
    assert c.full is True and c.level == "certified"
    Mf = np.vectorize(lambda x: float(x.mid()), otypes=[float])(M)
    assert c.sigma_min_lower <= np.linalg.svd(Mf, compute_uv=False)[-1]


def test_certify_raises_precision():
    with pytest.raises(PrecisionError, match="could not certify"):
        certify_full_row_rank(lambda S: np.array([[1, 1], [1, 1]], dtype=object), prec=64, max_prec=128)


@settings(max_examples=20)
@given(st.lists(st.lists(st.fractions(-3, 3, max_denominator=5), min_size=3, max_size=3), min_size=3, max_size=3))
def test_ball_never_certifies_what_exact_refutes(rows):
    M = np.array(rows, dtype=object)
    exact = full_row_rank(M, "exact")
    ball = full_row_rank(M, "ball")
    if ball.full:
        assert exact.full
    if exact.full is False:
        assert ball.full is not True
