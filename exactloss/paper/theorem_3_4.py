"""Theorem 3.4: if ``rank([X, 1_N]) = N``, every critical point whose weights ``W_2..W_L`` have full column
rank is a global minimum -- checked at a given point, with the proof's induction replayed.

The hypotheses, in the paper's order, each with its certificate (:mod:`exactloss.paper.premises`):
Assumption 3.2 (of 3.2.2 the proof uses only ``sigma'(G_l) != 0`` at the point), ``rank([X, 1_N]) = N``,
the critical point (every gradient entry exactly 0), ``rank(W_l) = n_l`` for ``l in [2, L]``, and
``sigma'(G_l) != 0``.  The induction ``Delta_1 = 0 => ... => Delta_L = 0 => l'(F_L - Y) = 0`` is Lemma 3.5's
with ``k = 0`` (:func:`exactloss.paper.lemma_3_5.exact.replay`).  An undecided premise makes the conclusion
undecided; the check ``theorem-3.4`` runs on a user's point or a built-in instance
(:mod:`exactloss.paper.instances`).

>>> from exactloss.paper.instances import global_minimum_instance
>>> P, X, Y = global_minimum_instance((3, 3, 2), N=3, seed=1)
>>> r = theorem_3_4(P, (X, Y), activation="t + t**3")
>>> r.holds, r.level
(True, 'proved')
"""

from __future__ import annotations

from typing import Any

from exactloss.arith.entries import fmt
from exactloss.evidence import Result, Verdict
from exactloss.paper.instances import common_options, point_args
from exactloss.paper.lemma_3_5.exact import replay, replay_consistent
from exactloss.paper.premises import (assemble, assumption_clause, gradient_clause, load_point, not_applicable, prepare,
                                      rank_with_ones_clause, sigma_prime_clause, weight_rank_clause)
from exactloss.registry import Instance, register

STATEMENT_3_4 = ("Assumptions 3.2 and rank([X, 1_N]) = N: every critical point whose weights W_l, l in [2, L], "
                 "have full column rank is a global minimum")


def theorem_3_4(params: Any, data: Any, activation: Any = "sigmoid", loss: Any = "squared", numbers: Any = "auto",
                digits: int = 40) -> Result:
    """Theorem 3.4 on a given point: hypotheses with certificates, the proof's induction replayed."""
    net, P, X, Y, ell = prepare(params, data, activation, loss)
    av, hard, amissing, ainfo = assumption_clause(net.activation, ell, X, strict_growth=False)
    if hard:
        return not_applicable("Theorem 3.4", STATEMENT_3_4, av, hard, ainfo, net, X, ell)
    pt = load_point(P, (X, Y), net.activation, ell, numbers, digits)
    rv, rinfo = rank_with_ones_clause(pt, 0)
    cv, cinfo = gradient_clause(pt)
    hyps: list[tuple[Verdict, str | None]] = [(av, None), (rv, "rank([X, 1_N]) = N"), (cv, "critical point")]
    for l in range(2, pt.L + 1):
        wv, _ = weight_rank_clause(pt, l)
        hyps.append((wv, f"rank(W_{l}) = n_{l}"))
    ok, steps = replay(pt, 0)
    sig = [sigma_prime_clause(pt, l)[0] for l in range(1, pt.L + 1)]
    for s in sig:
        hyps.append((s, s.claim))
    details = {"assumption_3_2": ainfo, "rank_X1": rinfo, "gradient": cinfo, "proof_replay": steps,
               "Phi": fmt(pt.S, pt.g.phi)}
    res = assemble("Theorem 3.4", STATEMENT_3_4, pt, hyps, [], details,
                   f"global minimum: every hypothesis holds and the proof's induction Delta_1 = 0 => ... => "
                   f"Delta_L = 0 => l'(F_L - Y) = 0 replays on this point (Phi = {fmt(pt.S, pt.g.phi)})", hard, amissing)
    return replay_consistent(res, ok)


def check_theorem_3_4(params: Any = None, data: Any = None, instance: str | None = None, widths: Any = None,
                      samples: int | None = None, seed: int = 0, zero_layer: int = 2, activation: str | None = None,
                      loss: str = "squared", numbers: str = "auto", digits: int = 40) -> Result:
    """The check ``theorem-3.4`` (keyword arguments = CLI options): :func:`theorem_3_4` on the given or built-in
    point."""
    p, d, act = point_args(params, data, instance, widths, samples, seed, activation, zero_layer, (3, 3, 2), 3)
    return theorem_3_4(p, d, act, loss, numbers, digits)


register(
    "theorem-3.4", "Theorem 3.4", check_theorem_3_4,
    "rank([X,1]) = N: critical points with full-column-rank W_2..W_L are global minima (proof replayed)",
    options=common_options(),
    instances=(
        Instance({"instance": "global-min"}, True, "exact critical point, t+t^3 (proof replay)"),
        Instance({"instance": "global-min", "samples": 5}, False, "N > d+1: rank([X,1]) < N"),
        Instance({"instance": "collapsed"}, False, "critical, Phi > 0: W_2 = 0 not full rank"),
        Instance({"instance": "not-critical"}, False, "gradient not zero"),
        Instance({"instance": "global-min", "loss": "(a**2-1)**2"}, False, "loss breaks Assumption 3.2.3"),
        Instance({"instance": "global-min", "activation": "relu"}, False, "relu breaks Assumption 3.2.2"),
    ),
)
