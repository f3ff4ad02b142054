"""Training to an approximate critical point, so the theorems can be seen acting (issue item 7).

One L-BFGS trainer, :func:`train_float`: SciPy's L-BFGS-B on Phi in float64 over the chosen layers,
with the row-blocked gradients of Lemma 2.1 (:func:`exactloss.floatpath.fastpath.gradients`, i.e.
:func:`exactloss.net.backprop.backprop` on float arrays), parameters flattened in the documented order
of :func:`exactloss.net.hessian.flatten`.  Its result is an *approximate* critical point: nothing about
the training is trusted.

* :func:`train` -- all layers from a seeded ``N(0, 1)`` start on rational data, returning the parameters
  as the *exact binary rationals* the floats are, so that the certificates
  (:func:`exactloss.paper.lemma_3_5.quantitative.lemma_3_5_bound`, the rank and Hessian certificates)
  can be computed afterwards, in ball arithmetic, at those exact parameters;
* :func:`fit_top_layer` -- a least-squares start for the top layer (interpolates when ``[F_{L-1}, 1_N]``
  has full row rank);
* :func:`refine_layer` -- Newton on one layer in mpmath (block Hessian of :mod:`exactloss.net.hessian`,
  iterates stored as exact dyadic rationals): the gradient falls quadratically (1e-16 -> 1e-80 in three
  steps on small wide networks).

>>> P, X, Y, info = train((2, 5, 1), N=5, seed=0, iterations=300)
>>> info["Phi"] < 1e-6
True
"""

from __future__ import annotations

import random
import time
from fractions import Fraction
from typing import Any, Sequence

import mpmath
import numpy as np
import scipy.optimize

from exactloss.arith.systems import MP, Float
from exactloss.errors import InputError
from exactloss.floatpath.fastpath import gradients, layer_with_ones, progress_bar
from exactloss.net.hessian import SecondOrder, chosen_layers, flatten, unflatten
from exactloss.net.network import Network, Parameters, random_float_parameters


def fit_top_layer(net: Any, P: Any, X: np.ndarray, Y: np.ndarray):
    """Least-squares start for the top layer: ``[F_{L-1}, 1] [W_L; b_L] ~ sigma^{-1}(Y)`` (sigmoid/tanh/identity).

    With ``[F_{L-1}, 1_N]`` of full row rank this interpolates, i.e. reaches
    the global minimum 0 of the squared loss up to rounding.
    """
    name = net.activation.name
    inv = {"sigmoid": lambda y: np.log(y / (1 - y)), "tanh": np.arctanh, "identity": lambda y: y}.get(name)
    if inv is None:
        raise InputError(f"fit_top_layer: no inverse for the activation {net.activation.describe()}")
    A = layer_with_ones(net, P, X, net.L - 1)
    T = inv(np.clip(Y, 1e-12, 1 - 1e-12) if name == "sigmoid" else Y)
    sol = np.linalg.lstsq(A, T, rcond=None)[0]
    return P.replace_layer(net.L, sol[:-1], sol[-1])


def _with_layers(net: Network, P: Parameters, layers: Sequence[int], theta: np.ndarray) -> Parameters:
    """``P`` with the (sorted) ``layers`` read from the flat vector ``theta`` (documented order)."""
    for l, (W, b) in zip(layers, unflatten(net, theta, layers)):
        P = P.replace_layer(l, W, b)
    return P


def train_float(net: Any, X: np.ndarray, Y: np.ndarray, loss: str = "squared", P0: Any = None,
                layers: Sequence[int] | None = None, maxiter: int = 300, gtol: float = 1e-12, seed: int = 0,
                init: str = "random", progress: bool | None = None, ftol: float = 0.0, maxcor: int = 20,
                maxfun: int | None = None) -> tuple[Any, dict]:
    """L-BFGS (scipy) on Phi in float64 from ``P0`` (default: seeded random), over ``layers`` (default all).

    ``init="lstsq"`` first fits the top layer by least squares
    (:func:`fit_top_layer`).  ``gtol``, ``ftol``, ``maxcor``, ``maxfun``: L-BFGS-B's options.  Returns
    ``(parameters, info)``; the result is an *approximate* critical point: ``info["grad_norm"]`` says how
    approximate.
    """
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
    order = chosen_layers(net, layers)
    t0 = time.perf_counter()
    bar = progress_bar(total=int(maxiter), desc="training (L-BFGS)", enable=progress)
    state = {"phi": None}

    def fun(theta: np.ndarray) -> tuple[float, np.ndarray]:
        g = gradients(net, _with_layers(net, P, order, theta), X, Y, loss)
        state["phi"] = g.phi
        return g.phi, flatten([(g.grad_W[k - 1], g.grad_b[k - 1]) for k in order])

    def callback(theta: np.ndarray) -> None:
        bar.update(1)
        if state["phi"] is not None:
            bar.set_postfix_str(f"Phi={state['phi']:.3e}")

    options = {"maxiter": int(maxiter), "gtol": gtol, "ftol": ftol, "maxcor": maxcor}
    if maxfun is not None:
        options["maxfun"] = int(maxfun)
    try:
        res = scipy.optimize.minimize(fun, flatten([P.layer(k) for k in order]), jac=True, method="L-BFGS-B",
                                      callback=callback, options=options)
    finally:
        bar.close()
    Pt = _with_layers(net, P, order, res.x)
    g = gradients(net, Pt, X, Y, loss)
    info = {"phi": g.phi, "grad_norm": g.norm(), "grad_norm_layers": {k: g.norm([k]) for k in range(1, net.L + 1)},
            "iterations": int(res.nit), "message": str(res.message), "seconds": time.perf_counter() - t0,
            "trained_layers": layers, "init": init}
    return Pt, info


def data_for(N: int, d: int, m: int = 1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rational samples in [-1, 1]^d and targets in [1/5, 4/5] (reachable by a sigmoid output)."""
    rng = random.Random(seed)
    rows: set = set()
    X = []
    while len(X) < N:
        r = tuple(Fraction(rng.randint(-8, 8), 8) for _ in range(d))
        if r not in rows:
            rows.add(r)
            X.append(r)
    Y = [[Fraction(rng.randint(2, 8), 10) for _ in range(m)] for _ in range(N)]
    return np.array(X, dtype=object), np.array(Y, dtype=object)


def exact_parameters(P: Parameters) -> Parameters:
    """Float parameters as the exact binary rationals (Fractions) they are."""
    conv = np.vectorize(lambda x: Fraction(float(x)), otypes=[object])
    return Parameters(tuple(conv(W) for W in P.W), tuple(conv(b) for b in P.b))


def train(widths: Sequence[int], N: int | None = None, X: Any = None, Y: Any = None, activation: str = "sigmoid",
          loss: str = "squared", seed: int = 0,
          iterations: int = 2000) -> tuple[Parameters, np.ndarray, np.ndarray, dict]:
    """L-BFGS on all parameters in float64 (:func:`train_float` from ``N(0, 1)`` draws); returns exact-rational
    parameters, data (default :func:`data_for`) and a float summary."""
    widths = tuple(int(w) for w in widths)
    if X is None:
        X, Y = data_for(int(N), widths[0], widths[-1], seed)
    net = Network(widths, activation)
    F = Float()
    Xf, Yf = F.array(X), F.array(Y)
    P, run = train_float(net, Xf, Yf, loss, P0=random_float_parameters(widths, seed, scale=1.0), maxiter=iterations,
                         gtol=1e-15, ftol=1e-30, maxcor=10, maxfun=4 * iterations, progress=False)
    g = gradients(net, P, Xf, Yf, loss)
    info = {"Phi": float(g.phi), "gradient_norm": float(np.linalg.norm(flatten(list(zip(g.grad_W, g.grad_b))))),
            "iterations": run["iterations"], "message": run["message"]}
    return exact_parameters(P), X, Y, info


def mpf_fraction(x: Any) -> Fraction:
    """An mpmath ``mpf`` as the exact dyadic rational it is."""
    sign, man, exp, _ = mpmath.mpf(x)._mpf_  # value (-1)^sign * man * 2^exp (mpmath's raw representation)
    v = Fraction(int(man)) * (Fraction(2) ** int(exp))
    return -v if sign else v


def refine_layer(P: Parameters, X: Any, Y: Any, activation: str = "sigmoid", loss: str = "squared",
                 layer: int | None = None, iterations: int = 4, dps: int = 60) -> tuple[Parameters, list[float]]:
    """Newton's method on one layer's ``(W_l, b_l)`` (default: the top layer) in mpmath at ``dps`` digits.

    Uses the block Hessian of :mod:`exactloss.net.hessian` and Lemma 2.1's gradient; each iterate is
    stored as exact dyadic rationals.  Returns the refined parameters and the gradient norms (float,
    numerical) before each step and after the last.  Needs a non-singular block (e.g. ``n_{L-1} = N - 1``,
    one output).  Nothing here is trusted: certify the result afterwards.
    """
    net = Network(P.widths, activation)
    l = net.L if layer is None else int(layer)
    S = MP(dps)
    norms: list[float] = []
    for it in range(iterations + 1):
        so = SecondOrder(net, P, X, Y, loss, S)
        with S.scope():
            g = list(so.g.grad_W[l - 1].flat) + list(so.g.grad_b[l - 1].flat)
            norms.append(float(mpmath.sqrt(sum(x * x for x in g))))
            if it == iterations:
                break
            H = so.block([l])
            step = mpmath.lu_solve(mpmath.matrix(H.tolist()), mpmath.matrix(g))
            W, b = P.layer(l)
            old = list(W.flat) + list(b.flat)
            new = np.array([Fraction(o) - mpf_fraction(step[i]) for i, o in enumerate(old)], dtype=object)
        ((Wn, bn),) = unflatten(net, new, [l])
        P = P.replace_layer(l, Wn, bn)
    return P, norms
