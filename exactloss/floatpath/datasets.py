"""Data sets for the float path: a synthetic generator for any N, scikit-learn's on-disk sets, a trainer.

* :func:`synthetic` -- seeded Gaussian inputs with distinct rows (Assumption
  3.2.1) and targets in ``(0, 1)`` (reachable by a sigmoid output), any N;
* :func:`load` -- ``iris`` (N = 150), ``wine`` (178), ``breast_cancer`` (569),
  ``digits`` (1797, 8x8 images): scikit-learn ships them inside the package,
  no download.  Needs the optional extra ``pip install -e ".[data]"``;
  scikit-learn is imported only here, lazily, with a clear error when absent;
* :func:`train` -- a small L-BFGS trainer (scipy) on the row-blocked float
  gradients of :mod:`exactloss.floatpath.fastpath`, to an *approximate* critical point,
  with a tqdm progress bar when tqdm is installed.

Inputs are standardised (zero mean, unit variance per feature, constant
features dropped), duplicate samples removed (Assumption 3.2.1 forbids them;
the count is reported), and class labels one-hot encoded as ``0.1``/``0.9``
(targets a sigmoid output can reach, so the squared loss's global minimum is 0).

>>> X, Y = synthetic(5, 2, m=1, seed=3)
>>> X.shape, Y.shape, bool(((Y > 0) & (Y < 1)).all())
((5, 2), (5, 1), True)
"""

from __future__ import annotations

import math
import time
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


# ---------------------------------------------------------------------------
# the trainer
# ---------------------------------------------------------------------------


def random_float_parameters(widths: Sequence[int], seed: int = 0, scale: str | float = "glorot"):
    """Seeded float64 parameters: ``W_k ~ N(0, s^2)`` with ``s = 1/sqrt(n_{k-1})`` ("glorot") or a given ``s``;
    biases ``N(0, s^2)``."""
    from exactloss.net.network import Parameters

    rng = np.random.default_rng(seed)
    Ws, bs = [], []
    for k in range(1, len(widths)):
        s = 1.0 / math.sqrt(widths[k - 1]) if scale == "glorot" else float(scale)
        Ws.append(rng.standard_normal((widths[k - 1], widths[k])) * s)
        bs.append(rng.standard_normal(widths[k]) * (s if scale != "glorot" else 1.0))
    return Parameters(tuple(Ws), tuple(bs))


def _flatten(P: Any, layers: Sequence[int]) -> np.ndarray:
    return np.concatenate([np.concatenate([P.W[k - 1].ravel(), P.b[k - 1].ravel()]) for k in layers])


def _unflatten(P: Any, layers: Sequence[int], theta: np.ndarray):
    from exactloss.net.network import Parameters

    Ws, bs = list(P.W), list(P.b)
    i = 0
    for k in layers:
        w = Ws[k - 1]
        Ws[k - 1] = theta[i:i + w.size].reshape(w.shape)
        i += w.size
        bs[k - 1] = theta[i:i + bs[k - 1].size].copy()
        i += bs[k - 1].size
    return Parameters(tuple(Ws), tuple(bs))


def fit_top_layer(net: Any, P: Any, X: np.ndarray, Y: np.ndarray):
    """Least-squares start for the top layer: ``[F_{L-1}, 1] [W_L; b_L] ~ sigma^{-1}(Y)`` (sigmoid/tanh/identity).

    With ``[F_{L-1}, 1_N]`` of full row rank this interpolates, i.e. reaches
    the global minimum 0 of the squared loss up to rounding.
    """
    from exactloss.floatpath.fastpath import layer_with_ones

    name = net.activation.name
    inv = {"sigmoid": lambda y: np.log(y / (1 - y)), "tanh": np.arctanh, "identity": lambda y: y}.get(name)
    if inv is None:
        raise InputError(f"fit_top_layer: no inverse for the activation {net.activation.describe()}")
    A = layer_with_ones(net, P, X, net.L - 1)
    T = inv(np.clip(Y, 1e-12, 1 - 1e-12) if name == "sigmoid" else Y)
    sol = np.linalg.lstsq(A, T, rcond=None)[0]
    return P.replace_layer(net.L, sol[:-1], sol[-1])


def train(net: Any, X: np.ndarray, Y: np.ndarray, loss: str = "squared", P0: Any = None,
          layers: Sequence[int] | None = None, maxiter: int = 300, gtol: float = 1e-12, seed: int = 0,
          init: str = "random", progress: bool | None = None) -> tuple[Any, dict]:
    """L-BFGS (scipy) on Phi in float64 from ``P0`` (default: seeded random), over ``layers`` (default all).

    ``init="lstsq"`` first fits the top layer by least squares
    (:func:`fit_top_layer`).  Returns ``(parameters, info)``; the result is an
    *approximate* critical point: ``info["grad_norm"]`` says how approximate.
    """
    import scipy.optimize

    from exactloss.floatpath.fastpath import gradients, progress_bar

    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    P = P0 if P0 is not None else random_float_parameters(net.widths, seed)
    if init == "lstsq":
        P = fit_top_layer(net, P, X, Y)
    elif init != "random":
        raise InputError(f"init {init!r}: use 'random' or 'lstsq'")
    layers = list(range(1, net.L + 1)) if layers is None else [int(k) for k in layers]
    if any(not 1 <= k <= net.L for k in layers):
        raise InputError(f"layers {layers}: each must be in 1..{net.L}")
    t0 = time.perf_counter()
    bar = progress_bar(total=int(maxiter), desc="training (L-BFGS)", enable=progress)
    state = {"phi": None}

    def fun(theta: np.ndarray) -> tuple[float, np.ndarray]:
        Q = _unflatten(P, layers, theta)
        g = gradients(net, Q, X, Y, loss)
        state["phi"] = g.phi
        grad = np.concatenate([np.concatenate([g.grad_W[k - 1].ravel(), g.grad_b[k - 1].ravel()]) for k in layers])
        return g.phi, grad

    def callback(theta: np.ndarray) -> None:
        bar.update(1)
        if state["phi"] is not None:
            bar.set_postfix_str(f"Phi={state['phi']:.3e}")

    try:
        res = scipy.optimize.minimize(fun, _flatten(P, layers), jac=True, method="L-BFGS-B", callback=callback,
                                      options={"maxiter": int(maxiter), "gtol": gtol, "ftol": 0.0, "maxcor": 20})
    finally:
        bar.close()
    Pt = _unflatten(P, layers, res.x)
    g = gradients(net, Pt, X, Y, loss)
    info = {"phi": g.phi, "grad_norm": g.norm(), "grad_norm_layers": {k: g.norm([k]) for k in range(1, net.L + 1)},
            "iterations": int(res.nit), "message": str(res.message), "seconds": time.perf_counter() - t0,
            "trained_layers": layers, "init": init}
    return Pt, info


# ---------------------------------------------------------------------------
# the scale demo: a wide and a narrow network on real data
# ---------------------------------------------------------------------------


def scale_demo(name: str = "digits", samples: int | None = None, narrow: int = 32, maxiter: int = 200,
               seed: int = 0, progress: bool | None = None, out: Any = None) -> dict:
    """Lemma 3.5 at scale on a scikit-learn data set (default digits, N = 1797), wide beside narrow.

    *Wide*: widths ``(d, N, m)`` (``n_1 = N >= N - 1``), a random first layer
    (``N(0, 1)`` weights), the top layer fitted by least squares then polished
    by L-BFGS (:func:`train`); then the certified rank of ``[F_1, 1_N]`` and
    the quantitative Lemma 3.5 bound (:func:`exactloss.floatpath.verified.lemma_3_5_float`).
    *Narrow*: widths ``(d, narrow, m)`` trained by L-BFGS from random; its
    ``rank [F_1, 1_N] <= narrow + 1 < N`` (by shape), so Lemma 3.5 gives
    nothing and the loss stays above zero.  Prints a side-by-side summary
    (to ``out``, default stdout) and returns the figures.
    """
    import sys

    from exactloss.net.network import Network
    from exactloss.floatpath.verified import lemma_3_5_float

    out = out or sys.stdout
    X, Y, info = dataset(name, samples, seed=seed)
    N, d = X.shape
    m = Y.shape[1]
    print(f"data: {info['name']}, N = {N}, d = {d}, m = {m} ({info.get('source', 'synthetic')}; "
          f"{info.get('duplicates_removed', 0)} duplicate rows removed)", file=out)
    res: dict[str, Any] = {"data": info}
    # wide
    net = Network((d, N, m), "sigmoid")
    t0 = time.perf_counter()
    P0 = random_float_parameters(net.widths, seed=seed, scale=1.0)
    Pw, tw = train(net, X, Y, P0=P0, layers=[net.L], init="lstsq", maxiter=min(maxiter, 50), progress=progress)
    rw = lemma_3_5_float(net, Pw, X, Y, k=1)
    res["wide"] = {"widths": list(net.widths), "train": tw, "lemma_3_5": rw.to_json(), "seconds": time.perf_counter() - t0}
    # narrow
    netn = Network((d, int(narrow), m), "sigmoid")
    t0 = time.perf_counter()
    Pn, tn = train(netn, X, Y, P0=random_float_parameters(netn.widths, seed=seed), maxiter=maxiter, progress=progress)
    rn = lemma_3_5_float(netn, Pn, X, Y, k=1)
    res["narrow"] = {"widths": list(netn.widths), "train": tn, "lemma_3_5": rn.to_json(),
                     "seconds": time.perf_counter() - t0}
    fw = rw.details.get("factors", {})
    print(f"{'':30} {'wide (d, N, m)':>24} {'narrow (d, ' + str(narrow) + ', m)':>24}", file=out)
    rows = [
        ("widths", str(tuple(net.widths)), str(tuple(netn.widths))),
        ("Phi after training", f"{tw['phi']:.3e}", f"{tn['phi']:.3e}"),
        ("||grad Phi|| (float)", f"{tw['grad_norm']:.3e}", f"{tn['grad_norm']:.3e}"),
        ("rank [F_1, 1_N] = N", f"{'certified' if fw.get('s_1 = sigma_min([F_1, 1_N]) (lower)') else 'no'}",
         f"no: rank <= {narrow + 1} < {N}"),
        ("sigma_min([F_1, 1_N]) >=", f"{fw.get('s_1 = sigma_min([F_1, 1_N]) (lower)') or 0:.3e}", "-"),
        ("Lemma 3.5 bound on Phi", f"{rw.details.get('loss_bound') or float('nan'):.3e}",
         "none (condition (1) fails)"),
    ]
    for a, b, c in rows:
        print(f"{a:30} {b:>24} {c:>24}", file=out)
    print(f"wide: {rw.verdict} [{rw.level}] {rw.reason}", file=out)
    print(f"narrow: {rn.verdict} [{rn.level}] {rn.reason}", file=out)
    return res
