"""``rank([F_k, 1_N]) = N`` at scale: Lemma 3.5(1), and the object of Lemmas 4.3/4.4, certified for large N.

* :func:`certify_rank` (the ``exactloss rank`` command) certifies ``rank([F_k, 1_N]) = N`` at the user's
  parameters and prints a certified lower bound of ``sigma_min([F_k, 1_N])`` (``details.sigma_min_lower``).
  The statement is always about the exact ``[F_k, 1_N]`` of the given inputs.  ``numbers="float"``
  certifies the float64 matrix (:mod:`exactloss.floatpath.certificates`) and transfers that to the exact
  matrix through :func:`exactloss.floatpath.transfer.certify_exact` (a rigorous forward-error bound:
  input conversion, every rounding, an enclosure of sigma); without the transfer (``forward_bound=False``,
  or a bound too large) the statement is undecided, ``missing`` names the transfer and the float-matrix
  fact is in ``details.float_matrix``.  ``numbers="ball"`` (arb) certifies the exact ``F_k`` at the
  given parameters outright; ``"exact"`` computes the rank in rationals.  ``weights=l`` certifies
  ``rank(W_l) = n_l`` of the given ``W_l`` instead (1/3 is not a float: its rounding is counted).
* :func:`rank_scale` (the ``rank-scale`` check) replays Lemma 4.4's typical case at scale: a random
  sigmoid layer with ``n_1 = N - 1`` on synthetic data.

>>> rank_scale(samples=40, dim=3).level
'certified'
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import numpy as np

from exactloss.arith.systems import Ball, Exact
from exactloss.errors import InputError, PrecisionError
from exactloss.evidence import Result
from exactloss.floatpath.datasets import synthetic
from exactloss.floatpath.transfer import certify_exact_column_rank, certify_layer_float, rank_result
from exactloss.net.files import as_data, as_parameters
from exactloss.net.network import Network, random_float_parameters
from exactloss.net.rank import certify_full_row_rank, full_column_rank, full_row_rank, with_ones
from exactloss.registry import Instance, Option, register


def _float_rank(net: Network, P: Any, X: np.ndarray, k: int, forward_bound: bool) -> Result:
    c, info = certify_layer_float(net, P, X, k, forward_bound=forward_bound)
    inst = {"widths": list(net.widths), "samples": int(X.shape[0]), "layer": k,
            "activation": net.activation.describe(), "numbers": "float"}
    r = rank_result(c, f"rank [F_{k}, 1_N] = N", inst,
                    statement=f"rank([F_{k}, 1_N]) = N = {X.shape[0]} (Lemma 3.5(1); Lemma 4.3/4.4)")
    return replace(r, details={**r.details, **info})


def _ball_rank(net: Network, P: Any, X: np.ndarray, k: int, digits: int) -> Result:
    prec = Ball.from_digits(digits).prec
    inst = {"widths": list(net.widths), "samples": int(X.shape[0]), "layer": k,
            "activation": net.activation.describe(), "numbers": "ball"}
    statement = f"rank([F_{k}, 1_N]) = N = {X.shape[0]} (Lemma 3.5(1); Lemma 4.3/4.4)"
    try:
        c = certify_full_row_rank(lambda S: with_ones(net.forward(P, X, S).F[k], S), prec=prec)
    except PrecisionError as exc:  # balls prove full rank or nothing: an exhausted precision is undecided
        return Result(result=f"rank [F_{k}, 1_N] = N", holds=None, level=None, statement=statement,
                      reason=f"undecided: {exc}", instance=inst, missing="a ball certificate of full row rank "
                      "(none found at any precision tried: the matrix may be singular; ball arithmetic cannot "
                      "prove a rank deficiency)", details={"sigma_min_lower": None})
    return Result(result=f"rank [F_{k}, 1_N] = N", holds=c.full, level=c.level,
                  statement=f"rank([F_{k}, 1_N]) = N = {X.shape[0]} (Lemma 3.5(1); Lemma 4.3/4.4)",
                  reason=f"{c.method} at {c.prec} bits; sigma_min >= {c.sigma_min_lower}; certifies the exact F_{k} "
                         "at the given parameters (every ball contains the true value)",
                  instance={"widths": list(net.widths), "samples": int(X.shape[0]), "layer": k,
                            "activation": net.activation.describe(), "numbers": "ball"},
                  details={"certificate": c.to_json(), "sigma_min_lower": c.sigma_min_lower})


def _exact_rank(net: Network, P: Any, X: np.ndarray, k: int) -> Result:
    S = Exact()
    c = full_row_rank(with_ones(net.forward(P, X, S).F[k], S), S)
    return Result(result=f"rank [F_{k}, 1_N] = N", holds=c.full, level=c.level,
                  statement=f"rank([F_{k}, 1_N]) = N = {X.shape[0]}", reason=f"{c.method}: rank = {c.rank}",
                  instance={"widths": list(net.widths), "samples": int(X.shape[0]), "layer": k,
                            "activation": net.activation.describe(), "numbers": "exact"},
                  details={"certificate": c.to_json(), "rank": c.rank, "sigma_min_lower": None})


def certify_rank(params: Any, data: Any, layer: int | None = None, activation: str = "sigmoid",
                 numbers: str = "float", digits: int = 40, weights: int | None = None,
                 forward_bound: bool = True) -> Result:
    """``rank([F_k, 1_N]) = N`` (or ``rank(W_l) = n_l`` with ``weights=l``) at given parameters and data."""
    t0 = time.perf_counter()
    P = as_parameters(params)
    net = Network(P.widths, activation)
    net.check_parameters(P)
    numbers = str(numbers).lower()
    if numbers not in ("float", "ball", "exact"):
        raise InputError(f"--numbers {numbers}: use float, ball or exact")
    if weights is not None:
        l = int(weights)
        if not 1 <= l <= net.L:
            raise InputError(f"--weights {l}: need 1 <= l <= L = {net.L}")
        W = P.W[l - 1]
        if numbers == "float":
            # about the W_l given (1/3 is not a float64 number: its rounding is counted in the transfer)
            c = certify_exact_column_rank(W)
            r = rank_result(c, f"rank W_{l} = n_{l}", {"widths": list(net.widths), "weights": l, "numbers": "float"},
                            statement=f"rank(W_{l}) = n_{l} = {W.shape[1]}")
            return r.with_seconds(time.perf_counter() - t0)
        c = full_column_rank(W, numbers)
        return Result(result=f"rank W_{l} = n_{l}", holds=c.full, level=c.level,
                      statement=f"rank(W_{l}) = n_{l} = {W.shape[1]}", reason=f"{c.method} {c.note}".strip(),
                      instance={"widths": list(net.widths), "weights": l, "numbers": numbers},
                      details={"certificate": c.to_json(), "sigma_min_lower": c.sigma_min_lower},
                      seconds=time.perf_counter() - t0)
    if layer is None:
        raise InputError("give --layer k (the rank of [F_k, 1_N]) or --weights l (the rank of W_l)")
    k = int(layer)
    if not 0 <= k <= net.L:
        raise InputError(f"--layer {k}: need 0 <= k <= L = {net.L}")
    X, _ = as_data(data)
    net.check_data(X)
    if numbers == "float":
        r = _float_rank(net, P, X, k, forward_bound)
    elif numbers == "ball":
        r = _ball_rank(net, P, X, k, digits)
    else:
        r = _exact_rank(net, P, X, k)
    return r.with_seconds(time.perf_counter() - t0)


def rank_scale(samples: int = 300, dim: int = 5, width: int | None = None, activation: str = "sigmoid",
               seed: int = 0, numbers: str = "float", digits: int = 40) -> Result:
    """A random layer ``F_1 = sigma(X W_1 + 1 b_1^T)`` (standard normal weights, ``n_1 = N - 1`` by default) on
    synthetic data: certify ``rank [F_1, 1_N] = N`` with the float path (or ball arithmetic, for small N)."""
    t0 = time.perf_counter()
    N = int(samples)
    if N < 1:
        raise InputError(f"samples = {samples}: need at least 1")
    n1 = N - 1 if width is None else int(width)
    if n1 < 1:
        raise InputError(f"width = {n1}: need at least 1 unit")
    X, _ = synthetic(N, int(dim), seed=seed)
    P = random_float_parameters((int(dim), n1), seed=seed + 1, scale=1.0)
    net = Network((int(dim), n1), activation)
    inst = {"samples": N, "dim": int(dim), "width": n1, "activation": net.activation.describe(), "seed": seed,
            "numbers": numbers}
    if str(numbers).lower() == "ball":
        if N > 150:
            raise InputError(f"--numbers ball at N = {N} would take very long; use --numbers float, or N <= 150")
        r = _ball_rank(net, P, X, 1, digits)
        return replace(r, instance=inst, seconds=time.perf_counter() - t0)
    c, info = certify_layer_float(net, P, X, 1)
    r = rank_result(c, "rank [F_1, 1_N] = N at scale", inst,
                    statement=f"rank([F_1, 1_N]) = N = {N} for a random {activation} layer of width {n1}")
    return replace(r, details={**r.details, **info}).with_seconds(time.perf_counter() - t0)


register(
    "rank-scale", "Lemma 4.4 (scale)", rank_scale,
    "certified full row rank of [F_1, 1_N] for a random wide layer, float64 with rigorous rounding bounds",
    options=(Option("--samples", "samples", int, 300, "number of samples N"),
             Option("--dim", "dim", int, 5, "input dimension d"),
             Option("--width", "width", int, None, "width n_1 (default N - 1)"),
             Option("--activation", "activation", str, "sigmoid", "activation"),
             Option("--seed", "seed", int, 0, "seed"),
             Option("--numbers", "numbers", str, "float", "number system", choices=("float", "ball")),
             Option("--digits", "digits", int, 40, "ball precision in decimal digits")),
    instances=(Instance({"samples": 1000, "dim": 5}, label="N=1000, sigmoid, n_1=N-1, float"),
               Instance({"samples": 300, "dim": 3, "activation": "tanh", "width": 350}, label="N=300, tanh, n_1=350"),
               Instance({"samples": 30, "dim": 3, "numbers": "ball"}, label="N=30, ball cross-check"),
               Instance({"samples": 50, "width": 20}, expect=False, label="n_1 < N - 1: rank <= n_1 + 1 < N")),
    order=4.0045,
)
