"""Non-singularity certificates of block Hessians (exactloss.floatpath.nonsingularity, Definition 3.7)."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from exactloss import Ball, Exact, Float, Network
from exactloss.errors import InputError
from exactloss.floatpath.fastpath import as_float_matrix, float_parameters
from exactloss.floatpath.nonsingularity import (hessian_nonsingular_float, hessian_smallest_eigenvalue_lanczos,
                                                nonsingular, nonsingularity)
from exactloss.net import hessian
from exactloss.net.network import random_data


def test_nonsingularity_ball_never_claims_singular():
    S = np.array([[1, 1], [1, 1]], dtype=object)
    c = nonsingularity(S, Ball(64))
    assert c.holds is None and c.level is None
    c = nonsingularity(np.array([[2, 1], [1, 1]], dtype=object), Ball(64), definiteness=True)
    assert c.holds is True and c.level == "certified" and c.positive_definite is True
    c = nonsingularity(np.array([[1, 2], [2, 1]], dtype=object), "exact", definiteness=True)
    assert c.holds is True and c.positive_definite is False
    f = nonsingularity(np.array([[1.0, 1.0], [1.0, 1.0]]), Float())
    assert f.holds is not False  # a float computation never proves singularity


# ---------------------------------------------------------------------------
# float64 block Hessians
# ---------------------------------------------------------------------------


def test_hessian_certificates():
    H = np.array([[2.0, 1.0], [1.0, -3.0]])
    c = hessian_nonsingular_float(H)
    assert c.full and mpmath.mpf(c.sigma_min_lower) <= min(abs(np.linalg.eigvalsh(H)))
    assert nonsingular(np.array([[1.0, 1.0], [1.0, 1.0]])).holds is None
    with pytest.raises(InputError):
        hessian_nonsingular_float(np.ones((2, 3)))
    lan = hessian_smallest_eigenvalue_lanczos(lambda v: np.diag([3.0, -2.0, 0.5, 4.0, 5.0]) @ v, 5)
    assert lan.level == "numerical" and lan.full is None
    assert abs(lan.sigma_min_estimate - 0.5) < 1e-6


def test_hessian_block_from_hvps_certified_against_exact():
    """A float block Hessian (from the R-operator) certified by the float bound; exact arithmetic agrees."""
    net = Network((2, 3, 1), "t + t**3/3")
    P = net.random_parameters(seed=5, denominator=4, scale=1)
    X, Y = random_data(4, 2, 1, seed=5)
    He = hessian.block_hessian(net, P, X, Y, "squared", "exact", layers=[2])
    Hf = hessian.block_hessian(net, float_parameters(P)[0], as_float_matrix(X), as_float_matrix(Y), "squared",
                               "float", layers=[2])
    c = hessian_nonsingular_float(Hf)
    det = Exact().det(He)
    if c.full:
        assert det != 0
