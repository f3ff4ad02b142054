"""exactloss.floatpath.datasets: the synthetic generator and scikit-learn's on-disk sets (optional extra)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from exactloss.floatpath.datasets import dataset, load, one_hot, standardise, synthetic
from exactloss.errors import InputError, UnknownNameError


@pytest.mark.parametrize("N,d", [(1, 1), (2, 3), (500, 4)])
def test_synthetic_shapes_and_distinct_rows(N, d):
    X, Y = synthetic(N, d, m=2, seed=1)
    assert X.shape == (N, d) and Y.shape == (N, 2)
    assert len(np.unique(X, axis=0)) == N
    assert np.all((Y >= 0.1) & (Y <= 0.9))
    X2, _ = synthetic(N, d, seed=1)
    assert np.array_equal(X, X2)
    assert synthetic(N, d)[1] is None


def test_synthetic_bad_input():
    with pytest.raises(InputError):
        synthetic(0, 2)
    with pytest.raises(InputError):
        synthetic(3, 0)


def test_one_hot_and_standardise():
    Y = one_hot([2, 0, 2, 1])
    assert Y.shape == (4, 3) and Y[0, 2] == 0.9 and Y[0, 0] == 0.1
    Z = standardise(np.array([[1.0, 5.0], [3.0, 5.0], [5.0, 5.0]]))
    assert Z.shape == (3, 1) and abs(Z.mean()) < 1e-12


def test_sklearn_sets():
    pytest.importorskip("sklearn")
    X, Y, info = load("iris")
    assert X.shape[0] == info["samples"] and Y.shape == (info["samples"], 3)
    assert info["duplicates_removed"] >= 1  # iris has a repeated flower
    assert len(np.unique(X, axis=0)) == X.shape[0]
    X, Y, info = load("digits", samples=100, seed=2)
    assert X.shape[0] == 100 and Y.shape[1] == 10
    X, Y, info = dataset("breast-cancer")
    assert info["name"] == "breast_cancer"
    with pytest.raises(UnknownNameError):
        load("mnist")
    with pytest.raises(InputError):
        load("wine", samples=0)


def test_missing_sklearn_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(InputError, match=r"\.\[data\]"):
        load("iris")


def test_dataset_synthetic():
    X, Y, info = dataset("synthetic", samples=30, dim=4, classes=2)
    assert X.shape == (30, 4) and Y.shape == (30, 2) and info["name"] == "synthetic"
