"""Corollary 4.5: under Assumptions 3.2 and ``n_k >= N - 1``, every epsilon-ball in parameter space contains
parameters with ``rank([F_k, 1_N]) = N``.

From a rank-deficient point (every layer-k unit equal to the first: identical columns of ``F_k``, rank <= 2 < N,
proved by that structure) a perturbation of Euclidean norm < epsilon (checked exactly with rationals) reaches
certified full rank (:func:`exactloss.paper.lemma_4_4.certified_rank`).  Registers the ``corollary-4.5`` check.

>>> r = corollary_4_5(samples=4, dim=1)
>>> r.holds, r.level
(True, 'certified')
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

import numpy as np

from exactloss.arith.systems import parse_rational
from exactloss.errors import AssumptionError, InputError
from exactloss.evidence import Result, Verdict
from exactloss.net.files import as_parameters
from exactloss.net.network import Network, Parameters, parse_widths
from exactloss.paper.lemma_4_3.alpha0 import certify_alpha0
from exactloss.paper.lemma_4_3.construction import build
from exactloss.paper.lemma_4_3.replay import opt_dim, opt_points, opt_widths
from exactloss.paper.lemma_4_4 import certified_rank, instance_for
from exactloss.registry import Instance, Option, opt_activation, opt_data, opt_layer, opt_samples, opt_seed, register

STATEMENT_45 = ("Assumptions 3.2 and n_k >= N - 1: every epsilon-ball in parameter space contains parameters "
                "with rank([F_k, 1_N]) = N")


def _equal_units(P: Parameters, k: int) -> Parameters:
    """Every unit of layer k replaced by the first: identical columns of W_k, equal entries of b_k."""
    W, b = P.layer(k)
    W2 = np.repeat(W[:, :1], W.shape[1], axis=1)
    b2 = np.full(b.shape, b[0], dtype=object)
    return P.replace_layer(k, W2, b2)


def corollary_4_5(samples: int = 5, dim: int = 2, activation: str = "sigmoid", data: Any = None, layer: int = 1,
                  widths: str | None = None, epsilon: Any = "1/1000", params: Any = None, seed: int = 0,
                  points: str = "integer", tries: int = 5) -> Result:
    """Corollary 4.5: from a rank-deficient point, a perturbation of norm < epsilon with certified rank N."""
    X, ws, k = instance_for(samples, dim, data, layer, widths, points, seed)
    N = X.shape[0]
    eps = parse_rational(epsilon, "--epsilon")
    if eps <= 0:
        raise InputError(f"--epsilon must be positive, got {eps}")
    widths_t = parse_widths(ws)
    if params is not None:
        P0 = as_parameters(params)
        if P0.L < k:
            raise InputError(f"--params has {P0.L} layer(s) but the layer is k = {k}")
        P0 = Parameters(P0.W[:k], P0.b[:k])
        widths_t = P0.widths
        base_how = "the given parameters"
        base_cert = None
    else:
        cons = build(X, ws, k, activation)
        a0 = certify_alpha0(cons).alpha0 or Fraction(1)
        P0 = _equal_units(cons.parameters(a0), k)
        base_how = ("Lemma 4.3's parameters with every layer-k unit set equal to the first: F_k has identical "
                    "columns, so rank([F_k, 1_N]) <= 2" + (f" < N = {N}" if N > 2 else ""))
        base_cert = True if N > 2 else None
    if widths_t[k] < N - 1:
        raise AssumptionError(f"Corollary 4.5 needs n_k >= N - 1: layer {k} has width {widths_t[k]} but N = {N} "
                              f"samples need at least {N - 1} units")
    net = Network(widths_t[: k + 1], activation)
    rng = random.Random(seed)
    found = None
    last = "no attempt"
    for attempt in range(int(tries)):
        # a random direction with rational entries, scaled so that ||delta||_2 < epsilon (exactly)
        raw = [Fraction(rng.randint(-1000, 1000), 1000) for _ in range(P0.count())]
        norm2 = sum(x * x for x in raw) or Fraction(1)
        # scale = eps/2 / ceil(sqrt(norm2)) keeps ||delta|| < eps with rationals only
        root = Fraction(int(float(norm2) ** 0.5) + 1)
        scale = eps / 2 / root
        delta = [x * scale for x in raw]
        if not sum(x * x for x in delta) < eps * eps:  # pragma: no cover - by the choice of scale
            continue
        it = iter(delta)
        Ws = tuple(np.vectorize(lambda w: w + next(it), otypes=[object])(W) for W in P0.W)
        bs = tuple(np.vectorize(lambda v: v + next(it), otypes=[object])(b) for b in P0.b)
        P1 = Parameters(Ws, bs)
        try:
            c = certified_rank(net, P1, X, k)
        except Exception as exc:  # PrecisionError: try another direction
            last = str(exc)
            continue
        found = (attempt, P1, c, sum(x * x for x in delta))
        break
    if found is None:
        return Result(result="Corollary 4.5", holds=None, level=None, statement=STATEMENT_45,
                      reason=f"no perturbation certified in {tries} tries ({last})",
                      instance={"samples": N, "widths": list(widths_t), "layer": k, "epsilon": str(eps)})
    attempt, P1, c, n2 = found
    clauses = (
        Verdict("base point is rank-deficient", base_cert, "proved" if base_cert else None, base_how),
        Verdict("||delta||_2 < epsilon", True, "proved", f"||delta||^2 = {float(n2):.3e} < epsilon^2 = {eps * eps} "
                "(exact rationals)"),
        Verdict("rank([F_k, 1_N]) = N at the perturbed point", c.full, c.level,
                f"{c.method} at {c.prec} bits; sigma_min >= {c.sigma_min_lower}"),
    )
    return Result(result="Corollary 4.5", holds=True if c.full else None, level=c.level if c.full else None,
                  statement=STATEMENT_45,
                  reason=f"perturbation of norm < {eps} (try {attempt + 1}) reaches rank N, {c.level} -- a witness: "
                         "the conclusion is checked directly on this epsilon-ball, so it rests on no premise "
                         "(Assumption 3.2 is what makes it hold for every ball)",
                  instance={"samples": N, "dim": int(X.shape[1]), "widths": list(widths_t), "layer": k,
                            "activation": activation, "epsilon": str(eps)},
                  details={"base": base_how, "perturbed_parameters": P1.to_json(), "norm2": str(n2),
                           "rank_certificate": c.to_json()},
                  clauses=clauses)


register(
    "corollary-4.5", "Corollary 4.5", corollary_4_5,
    "every epsilon-ball holds full-rank parameters: perturb a rank-deficient point, certify rank N",
    options=(opt_samples(5), opt_dim(2), opt_activation("sigmoid"), opt_data(), opt_layer(1), opt_widths(),
             Option("--epsilon", "epsilon", str, "1/1000", "radius of the ball"),
             Option("--params", "params", str, None, "start from these parameters (.json/.npz) instead"),
             opt_points(), opt_seed(0)),
    instances=(Instance({"samples": 5, "dim": 2}, label="sigmoid, N=5, epsilon=1/1000"),),
)
