"""Data sets for the float path: a synthetic generator for any N and scikit-learn's on-disk sets.

* :func:`synthetic` -- seeded Gaussian inputs with distinct rows (Assumption
  3.2.1) and targets in ``(0, 1)`` (reachable by a sigmoid output), any N;
* :func:`load` -- ``iris`` (N = 150), ``wine`` (178), ``breast_cancer`` (569),
  ``digits`` (1797, 8x8 images): scikit-learn ships them inside the package,
  no download.  Needs the optional extra ``pip install -e ".[data]"``;
  scikit-learn is imported only here, lazily, with a clear error when absent;
* :func:`dataset` -- either, by name.

The trainer is :func:`exactloss.floatpath.training.train_float`.

Inputs are standardised (zero mean, unit variance per feature, constant
features dropped), duplicate samples removed (Assumption 3.2.1 forbids them;
the count is reported), and class labels one-hot encoded as ``0.1``/``0.9``
(targets a sigmoid output can reach, so the squared loss's global minimum is 0).

>>> X, Y = synthetic(5, 2, m=1, seed=3)
>>> X.shape, Y.shape, bool(((Y > 0) & (Y < 1)).all())
((5, 2), (5, 1), True)
"""

from __future__ import annotations

import os
from typing import Any, Sequence

import numpy as np

from exactloss.errors import InputError, UnknownNameError

SKLEARN_SETS = ("iris", "wine", "breast_cancer", "digits")


def synthetic(N: int, d: int, m: int | None = None, seed: int = 0, scale: float = 1.0,
              low: float = 0.1, high: float = 0.9) -> tuple[np.ndarray, np.ndarray | None]:
    """Seeded synthetic data: ``X`` (``N x d``, i.i.d. ``N(0, scale^2)``, rows distinct) and, if ``m`` is
    given, ``Y`` (``N x m``, uniform in ``[low, high]``)."""
    N, d = int(N), int(d)
    if N < 1 or d < 1:
        raise InputError(f"synthetic data need N >= 1 and d >= 1, got N = {N}, d = {d}")
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, d)) * float(scale)
    # distinct rows: redraw any duplicate (probability 0, but floats are finite)
    for _ in range(10):
        _, first = np.unique(X, axis=0, return_index=True)
        if len(first) == N:
            break
        dup = np.setdiff1d(np.arange(N), first)
        X[dup] = rng.standard_normal((len(dup), d)) * float(scale)
    Y = None if m is None else rng.uniform(low, high, size=(N, int(m)))
    return X, Y


def _sklearn():
    try:
        import sklearn.datasets as skd
    except ImportError:
        raise InputError("scikit-learn is not installed: the real data sets need the optional extra, "
                         "pip install -e \".[data]\" (or pip install scikit-learn)") from None
    return skd


def standardise(X: np.ndarray) -> np.ndarray:
    """Zero mean, unit variance per feature; constant features dropped."""
    X = np.asarray(X, dtype=np.float64)
    sd = X.std(axis=0)
    keep = sd > 0
    return (X[:, keep] - X[:, keep].mean(axis=0)) / sd[keep]


def one_hot(labels: Sequence[int], low: float = 0.1, high: float = 0.9) -> np.ndarray:
    """Labels as ``low``/``high`` one-hot rows (``N x classes``)."""
    labels = np.asarray(labels)
    classes = np.unique(labels)
    Y = np.full((len(labels), len(classes)), float(low))
    Y[np.arange(len(labels)), np.searchsorted(classes, labels)] = float(high)
    return Y


def named_set(data: Any) -> str | None:
    """The scikit-learn set a ``--data`` value names (``digits``, ``breast-cancer``, ...), or None for anything
    else (a file path, an array).  An existing file of that name wins: ``--data digits`` with a file ``digits``
    in the folder reads the file."""
    if not isinstance(data, str) or os.path.exists(data):
        return None
    key = data.strip().lower().replace("-", "_")
    key = "breast_cancer" if key == "breast" else key
    return key if key in SKLEARN_SETS else None


def load(name: str, samples: int | None = None, low: float = 0.1, high: float = 0.9,
         seed: int = 0) -> tuple[np.ndarray, np.ndarray, dict]:
    """A scikit-learn data set on disk: ``(X, Y, info)`` with standardised ``X``, one-hot ``Y``.

    ``samples``: keep a seeded random subset of that size.  Duplicate rows
    are removed (``info["duplicates_removed"]``).
    """
    key = str(name).strip().lower().replace("-", "_")
    if key == "breast":
        key = "breast_cancer"
    if key not in SKLEARN_SETS:
        raise UnknownNameError(f"unknown data set {name!r}; known: {', '.join(SKLEARN_SETS)}, or 'synthetic'")
    skd = _sklearn()
    bunch = getattr(skd, f"load_{key}")()
    X = standardise(bunch.data)
    labels = np.asarray(bunch.target)
    _, first = np.unique(X, axis=0, return_index=True)
    first = np.sort(first)
    removed = len(X) - len(first)
    X, labels = X[first], labels[first]
    if samples is not None:
        if int(samples) < 1:
            raise InputError(f"samples = {samples}: need at least 1")
        if int(samples) < len(X):
            idx = np.sort(np.random.default_rng(seed).choice(len(X), int(samples), replace=False))
            X, labels = X[idx], labels[idx]
    Y = one_hot(labels, low, high)
    info = {"name": key, "samples": int(X.shape[0]), "features": int(X.shape[1]), "classes": int(Y.shape[1]),
            "duplicates_removed": int(removed), "targets": f"one-hot {low}/{high}", "source": "scikit-learn (on disk)"}
    return X, Y, info


def dataset(name: str, samples: int | None = None, dim: int = 10, classes: int = 3,
            seed: int = 0) -> tuple[np.ndarray, np.ndarray, dict]:
    """``synthetic`` (``samples`` x ``dim``, ``classes`` targets) or a scikit-learn set by name."""
    if str(name).strip().lower() == "synthetic":
        X, Y = synthetic(samples or 100, dim, classes, seed=seed)
        return X, Y, {"name": "synthetic", "samples": X.shape[0], "features": dim, "classes": classes}
    return load(name, samples, seed=seed)
