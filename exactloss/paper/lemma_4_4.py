"""Lemma 4.4: under Assumptions 3.2 and ``n_k >= N - 1``, the parameters with ``rank([F_k, 1_N]) < N`` are a null set.

The chain reported as the certificate: every N x N minor of ``[F_k, 1_N]`` is a real-analytic function of
the parameters (Lemma 4.1: sigma is analytic, so is every composition); the Lemma 4.3 witness shows that one
minor -- the first N-1 units with the ones column -- is non-zero at one point, hence not identically zero;
by Lemma 4.2 its zero set has Lebesgue measure zero, and the rank-deficient set lies inside it.  The level is
the witness's.  A Monte-Carlo view (M random draws, each rank certified) illustrates the statement; it is not
part of the proof.  Registers the ``lemma-4.4`` check.

>>> r = lemma_4_4(samples=4, dim=1, draws=2)
>>> r.holds, r.level
(True, 'proved')
"""

from __future__ import annotations

from typing import Any

import numpy as np

from exactloss.errors import InputError
from exactloss.evidence import Result, Verdict, weakest
from exactloss.floatpath.monte_carlo import monte_carlo_full_rank
from exactloss.net.files import as_data
from exactloss.net.network import Network, Parameters, parse_widths, random_parameters
from exactloss.net.rank import certify_full_row_rank, full_row_rank, with_ones
from exactloss.paper.lemma_4_3.replay import (layer_index, lemma_4_3, opt_dim, opt_points, opt_widths,
                                              sample_points)
from exactloss.registry import Instance, Option, opt_activation, opt_data, opt_layer, opt_samples, opt_seed, register

STATEMENT_44 = ("Assumptions 3.2 and n_k >= N - 1: the parameters with rank([F_k, 1_N]) < N form a set of "
                "Lebesgue measure zero")


def instance_for(samples: int, dim: int, data: Any, layer: int, widths: str | None, points: str,
                 seed: int) -> tuple[np.ndarray, str, int]:
    """The data X (a file, or seeded sample points), the widths (default d, then N - 1 up to layer k) and k."""
    X = as_data(data)[0] if data is not None else sample_points(samples, dim, points, seed)
    N, d = X.shape
    k = layer_index(layer)
    ws = widths or ",".join([str(d)] + [str(max(N - 1, 1))] * k)
    return X, ws, k


def certified_rank(net: Network, P: Parameters, X: np.ndarray, k: int):
    """``rank([F_k, 1_N]) = N`` at the parameters P, certified in ball arithmetic (128 up to 8192 bits)."""
    def build(S):
        return with_ones(net.forward(P, X, S).F[k], S)

    return certify_full_row_rank(build, prec=128, max_prec=8192)


def lemma_4_4(samples: int = 6, dim: int = 2, activation: str = "sigmoid", data: Any = None, layer: int = 1,
              widths: str | None = None, numbers: str = "ball", draws: int = 5, seed: int = 0,
              points: str = "integer") -> Result:
    """Lemma 4.4: the chain Lemma 4.1 + Lemma 4.3 witness + Lemma 4.2, and a Monte-Carlo view of ``draws`` draws."""
    X, ws, k = instance_for(samples, dim, data, layer, widths, points, seed)
    N = X.shape[0]
    if int(draws) < 0:
        raise InputError(f"--draws must be >= 0, got {draws}")
    r43 = lemma_4_3(data=(X, None), widths=ws, layer=k, activation=activation, sweep_points=0)
    # the chain needs sigma analytic (Assumption 3.2.2, clause 1 of Lemma 4.3) and one certified witness; it does
    # not need alpha_0 (a single non-zero minor suffices for Lemma 4.2)
    ass_ok = r43.clauses[0].holds
    wit_level = r43.details["witness"]["at_alpha0"]["level"] if ass_ok and r43.holds is not False else None
    chain = (
        Verdict("Lemma 4.1: every N x N minor of [F_k, 1_N] is real-analytic in the parameters", ass_ok,
                "proved" if ass_ok else None,
                f"sigma = {activation} is real-analytic (Assumption 3.2.2); sums, products and compositions of "
                "analytic functions are analytic" if ass_ok else r43.clauses[0].reason),
        Verdict("Lemma 4.3: one minor is non-zero at the witness", True if wit_level else None, wit_level,
                f"first N-1 units of layer k and 1_N at alpha = {r43.details['witness']['at_alpha0']['alpha']}"
                if wit_level else r43.reason),
        Verdict("Lemma 4.2: a non-zero analytic function vanishes on a null set only", True, "proved",
                "the rank-deficient set lies in the zero set of that minor"),
    )
    mc: dict[str, Any] = {"numbers": numbers, "draws": int(draws)}
    widths_t = parse_widths(ws)
    if numbers == "float":
        mres = monte_carlo_full_rank(activation=activation, samples=N, dim=X.shape[1], width=widths_t[k],
                                     draws=int(draws), seed=seed, layer=k, data=X)
        mc.update({"holds": mres.holds, "level": mres.level, "reason": mres.reason})
        mc_ok, mc_level = mres.holds, mres.level
    elif numbers in ("ball", "exact"):
        net = Network(widths_t[: k + 1], activation)
        rows = []
        for m in range(int(draws)):
            P = random_parameters(widths_t[: k + 1], seed * 1000 + m, 1 << 10, 2, by_layer=True)  # layers 1..k
            if numbers == "exact":
                F = net.forward(P, X, "exact").F[k]  # NotExactError for a transcendental sigma
                c = full_row_rank(with_ones(F, None), "exact")
            else:
                c = certified_rank(net, P, X, k)
            rows.append({"draw": m, "full": c.full, "level": c.level, "prec_bits": c.prec})
        n_ok = sum(1 for r in rows if r["full"])
        mc.update({"certified_full": n_ok, "draws_detail": rows})
        mc_ok = True if n_ok == len(rows) else None
        mc_level = weakest(*(r["level"] for r in rows)) if rows and mc_ok else None
    else:
        raise InputError(f"--numbers {numbers!r}: use exact, ball or float")
    mc_clause = Verdict(f"Monte-Carlo: {draws} random draws have rank N (illustration, not part of the proof)",
                        mc_ok, mc_level, str({k_: v for k_, v in mc.items() if k_ != 'draws_detail'}))
    holds = True if wit_level else None
    level = wit_level if holds else None
    missing = None if holds else next(v.claim for v in chain if v.holds is not True)
    return Result(result="Lemma 4.4", holds=holds, level=level, statement=STATEMENT_44, missing=missing,
                  reason=("Lemma 4.1 (analytic minors) + Lemma 4.3 witness (" + str(wit_level) + ") + Lemma 4.2 "
                          "(null zero sets)") if holds else f"the Lemma 4.3 witness was not certified: {r43.reason}",
                  instance={"samples": N, "dim": int(X.shape[1]), "widths": list(widths_t), "layer": k,
                            "activation": activation},
                  details={"witness": r43.details["witness"]["at_alpha0"], "alpha0": r43.details["alpha0"],
                           "alpha0_level": r43.details["alpha0_level"], "monte_carlo": mc},
                  clauses=chain + (mc_clause,))


register(
    "lemma-4.4", "Lemma 4.4", lemma_4_4,
    "rank-deficient parameters form a null set: Lemma 4.1 + 4.3 witness + 4.2, and a Monte-Carlo view",
    options=(opt_samples(6), opt_dim(2), opt_activation("sigmoid"), opt_data(), opt_layer(1), opt_widths(),
             Option("--numbers", "numbers", str, "ball", "number system of the Monte-Carlo draws",
                    choices=("exact", "ball", "float")),
             Option("--draws", "draws", int, 5, "number M of random parameter draws"),
             opt_points(), opt_seed(0)),
    instances=(Instance({"samples": 6, "dim": 2, "draws": 3}, label="sigmoid, N=6, 3 draws"),),
)
