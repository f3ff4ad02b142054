"""Lemma 4.4, the Monte-Carlo view on the float path: random parameter draws, each ``rank [F_k, 1_N] = N`` certified.

Lemma 4.4 says that for ``n_k >= N - 1`` the parameters with ``rank [F_k, 1_N] < N`` form a null set.
:func:`monte_carlo_full_rank` illustrates it at scale: ``draws`` seeded Gaussian parameter draws
(:func:`exactloss.net.network.random_float_parameters`, draw ``j`` from its own stream ``(seed, j)``),
batched through :func:`exactloss.floatpath.fastpath.batched_layer_with_ones`, each exact ``[F_k, 1_N]``
certified by :func:`exactloss.floatpath.transfer.certify_layer_float` (the float64 matrix, then the
rigorous forward-error transfer).  The proof of the lemma (Lemmas 4.1-4.3) is replayed by the
``lemma-4.4`` check; this is the typical case, not part of the proof.

>>> r = monte_carlo_full_rank("sigmoid", samples=8, dim=2, draws=2)
>>> r.holds, r.level
(True, 'certified')
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from exactloss.arith.systems import rational_matrix
from exactloss.errors import InputError
from exactloss.evidence import Result
from exactloss.floatpath.certificates import check_matrix, estimate_sigma_min
from exactloss.floatpath.datasets import synthetic
from exactloss.floatpath.fastpath import batched_layer_with_ones, progress_bar
from exactloss.floatpath.rounding import U
from exactloss.floatpath.transfer import certify_layer_float
from exactloss.net.activations import activation as as_activation
from exactloss.net.network import Network, random_float_parameters


def monte_carlo_full_rank(activation: Any = "sigmoid", samples: int = 50, dim: int = 3, width: int | None = None,
                          draws: int = 20, seed: int = 0, layer: int = 1, batch: int | None = None,
                          weight_scale: float = 1.0, data: Any = None, progress: bool | None = None,
                          forward_bound: bool = True) -> Result:
    """Lemma 4.4, the Monte-Carlo view: ``draws`` random parameter draws, each ``rank [F_k, 1_N] = N`` certified.

    Data: ``data`` (an ``N x d`` matrix) or a seeded synthetic set of
    ``samples`` points in ``R^dim``.  Layers ``1..layer`` have width ``width``
    (default ``N - 1``, Lemma 4.4's threshold); weights and biases are
    i.i.d. ``N(0, weight_scale^2)``.  Draws are batched (``batch`` networks
    at a time; memory linear in the batch) through
    :func:`exactloss.floatpath.fastpath.batched_layer_with_ones`; each ``[F_k, 1_N]`` is
    certified by :func:`certify_layer_float`: the float64 matrix, then (``forward_bound``)
    the exact ``F_k`` of the draw through the rigorous forward-error bound.  ``holds`` is True when every draw
    is certified (level certified), True/numerical when some are only
    numerically full rank, None when a draw looks rank deficient.
    """
    t0 = time.perf_counter()
    sigma = as_activation(activation)
    if int(draws) < 1:
        raise InputError(f"draws = {draws}: need at least one draw")
    if int(layer) < 1:
        raise InputError(f"layer = {layer}: k must be at least 1")
    X_exact: Any = None
    if data is None:
        X = synthetic(int(samples), int(dim), seed=seed)[0]
    elif isinstance(data, np.ndarray) and data.dtype == object or not isinstance(data, np.ndarray):
        X_exact = rational_matrix(data, "data X")  # exact rationals: the forward bound includes their rounding
        X = check_matrix(np.vectorize(float, otypes=[float])(X_exact) if X_exact.size else
                         np.zeros(X_exact.shape), "data X")
    else:
        X = check_matrix(data, "data X")
    N, d = X.shape
    width = N - 1 if width is None else int(width)
    if width < N - 1:
        raise InputError(f"width n_k = {width} < N - 1 = {N - 1}: Lemma 4.4 needs n_k >= N - 1 "
                         "(rank [F_k, 1_N] <= n_k + 1 < N otherwise)")
    widths = (d,) + (width,) * int(layer)
    net = Network(widths, sigma)
    certifies = ""
    per = 8 * N * (width + 1) * (2 + int(layer))  # bytes per draw, roughly
    if batch is None:
        batch = max(1, min(int(draws), int(2e8 // max(per, 1))))
    certified = numerical = 0
    lows: list[float] = []
    ests: list[float] = []
    bad: list[int] = []
    bar = progress_bar(total=int(draws), desc="Lemma 4.4 draws", enable=progress)
    done = 0
    try:
        while done < int(draws):
            B = min(int(batch), int(draws) - done)
            # draw j uses its own stream (seed, j): results do not depend on the batch size
            Ps = [random_float_parameters(widths, seed=[int(seed), done + j], scale=weight_scale) for j in range(B)]
            Ws = [np.stack([P.W[i] for P in Ps]) for i in range(len(widths) - 1)]
            bs = [np.stack([P.b[i] for P in Ps]) for i in range(len(widths) - 1)]
            A = batched_layer_with_ones(sigma, Ws, bs, X)
            for j in range(B):
                c, info = certify_layer_float(net, Ps[j], X if X_exact is None else X_exact, int(layer),
                                              forward_bound=forward_bound, A=A[j],
                                              estimate=False, ball_fallback=0, exact_fallback=False)
                certifies = info["certifies"]
                if c.full and c.sigma_min_lower is not None:
                    certified += 1
                    lows.append(c.sigma_min_lower)
                else:
                    numerical += 1
                    bad.append(done + j)
                    est = estimate_sigma_min(A[j][:, list(c.columns)] if c.columns else A[j], None) \
                        if N <= 1500 else None
                    if est is not None:
                        ests.append(est)
                bar.update(1)
            done += B
            del A
    finally:
        bar.close()
    total = int(draws)
    if certified == total:
        holds, level = True, "certified"
        reason = (f"all {total} draws certified full row rank by float64 approximate-inverse bounds with every "
                  f"rounding error bounded; smallest certified sigma_min lower bound {min(lows):.3e}; "
                  f"certifies {certifies}")
    else:
        looks_full = all(e > N * U * 10 for e in ests) and len(ests) == numerical
        holds = True if looks_full else None
        level = "numerical"
        reason = (f"{certified}/{total} draws certified; draws {bad[:10]} only numerically "
                  f"(estimates {['%.2e' % e for e in ests[:5]]}); re-check them with --numbers ball")
    return Result(
        result="Lemma 4.4 (Monte Carlo)",
        holds=holds,
        level=level,
        statement=f"for random parameters, rank [F_{layer}, 1_N] = N when n_{layer} >= N - 1 (the rank-deficient "
                  "set has measure zero)",
        reason=reason,
        instance={"activation": sigma.describe(), "samples": N, "dim": d, "widths": list(widths), "draws": total,
                  "seed": seed, "weight_scale": weight_scale, "numbers": "float", "batch": int(batch)},
        details={"certified": certified, "numerical_only": numerical, "undecided_draws": bad,
                 "sigma_min_lower_min": min(lows) if lows else None,
                 "sigma_min_lower_median": float(np.median(lows)) if lows else None,
                 "certifies": certifies},
        seconds=time.perf_counter() - t0,
    )
