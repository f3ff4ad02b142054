"""Definition 5.1 certificates (exactloss.paper.definition_5_1): every claim re-verified independently."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, strategies as st

from exactloss import Ball, Network
from exactloss.errors import InputError, ShapeError
from exactloss.paper.definition_5_1 import check_farkas, classes_from_targets, separable, separable_class


def _X(rows):
    return np.array([[Fraction(v) for v in r] for r in rows], dtype=object)


def _margins_exact(X, member, a, b):
    a = [Fraction(v) for v in a]
    b = Fraction(b)
    return [(1 if m else -1) * (sum(ai * xi for ai, xi in zip(a, row)) + b) for row, m in zip(X, member)]


def test_xor_not_separable_with_exact_gordan_witness():
    X = _X([[0, 0], [1, 1], [1, 0], [0, 1]])
    member = np.array([True, True, False, False])
    c = separable_class(X, member)
    assert c.holds is False and c.level == "proved"
    assert check_farkas(X, member, list(c.farkas_y))
    # the witness is not a witness for a different labelling
    assert not check_farkas(X, np.array([True, False, True, False]), list(c.farkas_y))


def test_separable_hyperplane_reverified_exactly():
    X = _X([[0, 0], [1, 0], [0, 1], [3, 3]])
    C = np.array([[True, False], [False, True], [False, True], [True, False]])
    r = separable(X, np.array([[True], [True], [False], [False]]))
    assert r.holds is True
    r = separable(X, C[:, :1] ^ np.array([[False], [False], [False], [True]]))
    for c in r.classes:
        if c.holds:
            assert min(_margins_exact(X, [True, False, False, False], c.a, c.b)) > 0


def test_one_sided_class_and_identical_rows():
    X = _X([[1, 2], [1, 2], [0, 0]])
    assert separable_class(X, np.array([True, True, True])).holds is True
    c = separable_class(X, np.array([True, False, True]))  # identical rows in different classes
    assert c.holds is False and check_farkas(X, np.array([True, False, True]), list(c.farkas_y))


@given(st.integers(0, 10**6))
def test_random_hyperplane_labels_are_separable_and_certified(seed):
    rng = np.random.default_rng(seed)
    X = _X(rng.integers(-5, 6, size=(12, 3)).tolist())
    a = rng.integers(-3, 4, size=3)
    b = Fraction(1, 2)
    member = np.array([sum(int(ai) * xi for ai, xi in zip(a, row)) + b > 0 for row in X])
    c = separable_class(X, member)
    assert c.holds is True and c.level == "proved"
    assert min(_margins_exact(X, member, c.a, c.b)) > 0


@given(st.integers(0, 10**6))
def test_random_labels_get_a_verified_answer_either_way(seed):
    rng = np.random.default_rng(seed)
    X = _X(rng.integers(-3, 4, size=(10, 2)).tolist())
    member = rng.integers(0, 2, size=10).astype(bool)
    c = separable_class(X, member)
    assert c.holds is not None
    if c.holds:
        assert min(_margins_exact(X, member, c.a, c.b)) > 0
    else:
        assert check_farkas(X, member, list(c.farkas_y))


def test_ball_rows_are_certified_and_recheck_at_higher_precision():
    net = Network((2, 3), "sigmoid")
    P = net.random_parameters(seed=2)
    X = _X([[0, 0], [1, 0], [0, 1], [1, 1], [2, -1]])
    F = net.forward(P, X, Ball(64)).F[-1]
    member = np.array([True, False, False, True, False])
    c = separable_class(F, member)
    if c.holds:  # the certificate holds again with 256-bit features
        F2 = net.forward(P, X, Ball(256)).F[-1]
        c2 = separable_class(F2, member)
        assert c.level == "certified" and c2.holds
    else:
        assert c.holds is None  # ball rows: non-separability is never claimed


def test_classes_from_targets_and_shapes():
    Y = np.array([[1, -1], [-1, 1]], dtype=object)
    assert classes_from_targets(Y).tolist() == [[True, False], [False, True]]
    with pytest.raises(ShapeError):
        separable(_X([[1, 2]]), np.array([[True], [False]]))
    with pytest.raises(InputError):
        classes_from_targets(None)
