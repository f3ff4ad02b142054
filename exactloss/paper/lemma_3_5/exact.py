"""Lemma 3.5, exact form: conditions (1)-(3) at layer k make a point a global minimum, by replaying the proof.

For some ``k in [L-1]``: (1) ``rank([F_k, 1_N]) = N``, (2) ``rank(W_l) = n_l`` for ``l in [k+2, L]``,
(3) ``grad_{W_{k+1}} Phi = 0`` and ``grad_{b_{k+1}} Phi = 0``; then, under Assumption 3.2, the point is a
global minimum.  Each condition is a premise with its certificate (:mod:`exactloss.paper.premises`; an
undecided premise makes the conclusion undecided), and the proof's induction is replayed on the point
(:func:`replay`, shared with Theorem 3.4, the case ``k = 0``):

``[F_k, 1_N]^T Delta_{k+1} = 0`` and rank N give ``Delta_{k+1} = 0``; ``Delta_l = (Delta_{l+1} W_{l+1}^T) o
sigma'(G_l)`` with ``sigma' != 0`` and ``rank W_{l+1} = n_{l+1}`` give ``Delta_{l+1} = 0``; finally ``Delta_L
= l'(F_L - Y) o sigma'(G_L) = 0`` gives ``l'(F_L - Y) = 0``, and by 3.2.3 every residual is a global minimum
of l, so Phi is minimal.  Each step lists its matrix, shape and rank.

>>> from exactloss.paper.instances import global_minimum_instance
>>> P, X, Y = global_minimum_instance((2, 2, 1), N=3, seed=2)
>>> r = lemma_3_5(P, (X, Y), activation="t + t**3")
>>> r.holds, r.level, r.details["k"]
(True, 'proved', 1)
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from exactloss.arith.entries import all_zero, fmt
from exactloss.evidence import Result, Verdict, conjunction
from exactloss.paper.premises import (Point, assemble, assumption_clause, choose_layer, gradient_clause, load_point,
                                      not_applicable, prepare, rank_with_ones_clause, sigma_prime_clause,
                                      weight_rank_clause)

STATEMENT_3_5 = ("Assumptions 3.2; if for some k in [L-1] (1) rank([F_k, 1_N]) = N, (2) rank(W_l) = n_l for "
                 "l in [k+2, L], (3) grad_{W_{k+1}} Phi = 0 and grad_{b_{k+1}} Phi = 0, the point is a global minimum")


def replay(pt: Point, k: int) -> tuple[bool | None, list[dict]]:
    """Replay the induction ``Delta_{k+1} = 0 => ... => Delta_L = 0 => l'(F_L - Y) = 0`` on the point."""
    S = pt.S
    steps: list[dict] = []
    L = pt.L
    name = "[X, 1_N]" if k == 0 else f"[F_{k}, 1_N]"
    rv, rinfo = rank_with_ones_clause(pt, k)
    d0 = all_zero([pt.g.Delta[k]])
    steps.append({"step": f"[grad_W{k + 1}; grad_b{k + 1}^T] = {name}^T Delta_{k + 1} = 0 and rank {name} = N "
                          f"=> Delta_{k + 1} = 0",
                  "matrix": name, "shape": [pt.N, pt.g.forward.F[k].shape[1] + 1], "rank": rinfo.get("rank"),
                  "premise": rv.holds, "Delta_is_zero": d0})
    ok = [rv.holds, d0]
    for l in range(k + 1, L):
        sv, sinfo = sigma_prime_clause(pt, l)
        wv, winfo = weight_rank_clause(pt, l + 1)
        d = all_zero([pt.g.Delta[l]])
        steps.append({"step": f"Delta_{l} = (Delta_{l + 1} W_{l + 1}^T) o sigma'(G_{l}) = 0, sigma'(G_{l}) != 0 "
                              f"=> Delta_{l + 1} W_{l + 1}^T = 0; rank W_{l + 1} = n_{l + 1} => Delta_{l + 1} = 0",
                      "matrix": f"W_{l + 1}", "shape": list(pt.P.W[l].shape), "rank": winfo.get("rank"),
                      "min_abs_sigma_prime": sinfo.get("min_abs"), "premise": conjunction((sv.holds, wv.holds)),
                      "Delta_is_zero": d})
        ok += [sv.holds, wv.holds, d]
    sv, sinfo = sigma_prime_clause(pt, L)
    with S.scope():
        R = pt.g.forward.F[L] - S.array(pt.Y)
        dl = pt.ell.d(S, R)
    z = all_zero([dl])
    steps.append({"step": f"Delta_{L} = l'(F_{L} - Y) o sigma'(G_{L}) = 0, sigma'(G_{L}) != 0 => l'(F_{L} - Y) = 0 "
                          "=> (3.2.3) every residual is a global minimum of l => Phi is globally minimal",
                  "min_abs_sigma_prime": sinfo.get("min_abs"), "premise": sv.holds, "l_prime_is_zero": z,
                  "Phi": fmt(S, pt.g.phi)})
    ok += [sv.holds, z]
    return conjunction(ok), steps


def replay_consistent(res: Result, ok: bool | None) -> Result:
    """Every hypothesis holds, so every step of the replay must hold; otherwise say so loudly (never 'holds')."""
    if res.holds is True and ok is not True:  # pragma: no cover - would contradict the theorem or reveal a bug
        return replace(res, holds=None, level=None, missing="a step of the proof replay (details.proof_replay)",
                       reason="the hypotheses hold but a step of the proof replay did not: please report this "
                       "instance (details.proof_replay)")
    return res


def lemma_3_5(params: Any, data: Any, activation: Any = "sigmoid", loss: Any = "squared", layer: int | None = None,
              numbers: Any = "auto", digits: int = 40) -> Result:
    """Lemma 3.5, exact form: conditions (1)-(3) for layer k (default: the widest layer with n_k >= N - 1)."""
    net, P, X, Y, ell = prepare(params, data, activation, loss)
    av, hard, amissing, ainfo = assumption_clause(net.activation, ell, X, strict_growth=False)
    if hard:
        return not_applicable("Lemma 3.5", STATEMENT_3_5, av, hard, ainfo, net, X, ell)
    pt = load_point(P, (X, Y), net.activation, ell, numbers, digits)
    k = choose_layer(pt, layer, need_wide=False)
    rv, rinfo = rank_with_ones_clause(pt, k)
    hyps: list[tuple[Verdict, str | None]] = [(av, None), (rv, f"(1) rank([F_{k}, 1_N]) = N")]
    for l in range(k + 2, pt.L + 1):
        wv, _ = weight_rank_clause(pt, l)
        hyps.append((wv, f"(2) rank(W_{l}) = n_{l}"))
    cv, cinfo = gradient_clause(pt, [k + 1], f"(3) grad_W{k + 1} Phi = 0 and grad_b{k + 1} Phi = 0")
    hyps.append((cv, f"(3) grad_{{W_{k + 1}, b_{k + 1}}} Phi = 0"))
    for l in range(k + 1, pt.L + 1):
        s, _ = sigma_prime_clause(pt, l)
        hyps.append((s, s.claim))
    ok, steps = replay(pt, k)
    details = {"k": k, "assumption_3_2": ainfo, "rank": rinfo, "gradient": cinfo, "proof_replay": steps,
               "Phi": fmt(pt.S, pt.g.phi)}
    res = assemble("Lemma 3.5", STATEMENT_3_5, pt, hyps, [], details,
                   f"global minimum: conditions (1)-(3) hold for k = {k} and the proof replays "
                   f"(Phi = {fmt(pt.S, pt.g.phi)})", hard, amissing)
    return replay_consistent(res, ok)
