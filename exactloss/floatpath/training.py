"""Training to an approximate critical point, so the theorems can be seen acting (issue item 7).

:func:`train` minimises Phi in float64 with SciPy's L-BFGS (gradients from
Lemma 2.1, :func:`exactloss.net.backprop.backprop` on float arrays), then returns
the parameters as the *exact binary rationals* the floats are.  Nothing about
the training is trusted: the certificates (:func:`exactloss.paper.lemma_3_5.quantitative.lemma_3_5_bound`,
the rank and Hessian certificates) are computed afterwards, in ball
arithmetic, at those exact parameters.

:func:`refine_layer` runs Newton on one layer in mpmath (block Hessian of
:mod:`exactloss.net.hessian`, iterates stored as exact dyadic rationals): the gradient
falls quadratically (1e-16 -> 1e-80 in three steps on small wide networks).

:func:`wide_and_narrow` trains a wide network (``n_1 >= N - 1``) and a narrow
one on the same data, for the side-by-side demonstration: the wide one is
driven to a tiny loss with a certified bound; the narrow one (``n_1 = 1``: its
output is monotone in x, the targets zig-zag) stalls at a positive loss and
condition (1) of Lemma 3.5 fails by shape.

>>> P, X, Y, info = train((2, 5, 1), N=5, seed=0, iterations=300)
>>> info["Phi"] < 1e-6
True
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any, Sequence

import numpy as np

from exactloss.net.backprop import backprop
from exactloss.net.network import Network, Parameters
from exactloss.arith.systems import Float


def _unpack(theta: np.ndarray, widths: Sequence[int]) -> Parameters:
    Ws, bs, pos = [], [], 0
    for l in range(1, len(widths)):
        a, b = widths[l - 1], widths[l]
        Ws.append(theta[pos:pos + a * b].reshape(a, b))
        pos += a * b
        bs.append(theta[pos:pos + b])
        pos += b
    return Parameters(tuple(Ws), tuple(bs))


def _exact(P: Parameters) -> Parameters:
    conv = np.vectorize(lambda x: Fraction(float(x)), otypes=[object])
    return Parameters(tuple(conv(W) for W in P.W), tuple(conv(b) for b in P.b))


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


def train(widths: Sequence[int], N: int | None = None, X: Any = None, Y: Any = None, activation: str = "sigmoid",
          loss: str = "squared", seed: int = 0, iterations: int = 2000) -> tuple[Parameters, np.ndarray, np.ndarray, dict]:
    """L-BFGS on all parameters in float64; returns exact-rational parameters, data and a float summary."""
    from scipy.optimize import minimize

    widths = tuple(int(w) for w in widths)
    if X is None:
        X, Y = data_for(int(N), widths[0], widths[-1], seed)
    net = Network(widths, activation)
    F = Float()
    Xf, Yf = F.array(X), F.array(Y)
    rng = np.random.default_rng(seed)
    sizes = sum(widths[l - 1] * widths[l] + widths[l] for l in range(1, len(widths)))
    theta0 = rng.normal(0, 1.0, sizes)

    def fun(theta: np.ndarray) -> tuple[float, np.ndarray]:
        P = _unpack(theta, widths)
        g = backprop(net, P, Xf, Yf, loss, F)
        grad = np.concatenate([np.concatenate([gw.reshape(-1), gb]) for gw, gb in zip(g.grad_W, g.grad_b)])
        return float(g.phi), grad

    res = minimize(fun, theta0, jac=True, method="L-BFGS-B",
                   options={"maxiter": iterations, "maxfun": 4 * iterations, "gtol": 1e-15, "ftol": 1e-30})
    phi, grad = fun(res.x)
    info = {"Phi": phi, "gradient_norm": float(np.linalg.norm(grad)), "iterations": int(res.nit),
            "message": str(res.message)}
    return _exact(_unpack(res.x, widths)), X, Y, info


def wide_and_narrow(N: int = 6, seed: int = 0, iterations: int = 2000) -> dict:
    """Train ``(1, N - 1, 1)`` (wide: n_1 = N - 1) and ``(1, 1, 1)`` (narrow: its output is monotone in x)
    on the same one-dimensional data with non-monotone targets; certify both with the quantitative Lemma 3.5."""
    from exactloss.paper.lemma_3_5.quantitative import lemma_3_5_bound

    X = np.array([[Fraction(i - N // 2, 2)] for i in range(N)], dtype=object)
    Y = np.array([[Fraction(2 + 5 * (i % 2), 10)] for i in range(N)], dtype=object)  # zig-zag: 1/5, 7/10, ...
    out = {}
    for label, widths in (("wide", (1, N - 1, 1)), ("narrow", (1, 1, 1))):
        P, _, _, info = train(widths, X=X, Y=Y, seed=seed, iterations=iterations)
        r = lemma_3_5_bound(P, (X, Y), "sigmoid", "squared", layer=1)
        out[label] = {"widths": list(widths), "train": info, "certificate": r}
    return out


def _mpf_fraction(x: Any) -> Fraction:
    """An mpmath ``mpf`` as the exact dyadic rational it is."""
    import mpmath

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
    import mpmath

    from exactloss.net.hessian import SecondOrder, unflatten
    from exactloss.arith.systems import MP

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
            new = np.array([Fraction(o) - _mpf_fraction(step[i]) for i, o in enumerate(old)], dtype=object)
        ((Wn, bn),) = unflatten(net, new, [l])
        P = P.replace_layer(l, Wn, bn)
    return P, norms
