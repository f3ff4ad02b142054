"""Theorem 3.8 (and, with ``local_minimum=True``, Corollary 3.9) at a given point.

Under Assumptions 3.2 and ``n_k >= N - 1``: every critical point that is non-degenerate on
``{(W_l, b_l) : l in I}`` for some ``I`` with ``k+1 in I subset {k+1..L}`` (Definition 3.7: the block Hessian
on I is non-singular) and has ``rank(W_l) = n_l`` for ``l in [k+2, L]`` is a global minimum.  Corollary 3.9
adds "local minimum": the non-singular block is positive definite.

Checked, each with its certificate (:mod:`exactloss.paper.premises`; an undecided premise makes the
conclusion undecided): Assumption 3.2 (all of it: the proof goes through Lemmas 4.3/4.4), ``n_k >= N - 1``,
the critical point, the upper weight ranks, and non-degeneracy, searched over the sets I smallest first
(:func:`subsets_containing`; :func:`exactloss.floatpath.nonsingularity.nonsingularity` on each block Hessian).
When only 3.2.2 (a)/(b) is not shown, the conclusion is still proved if Lemma 3.5 applies directly at the
point (``rank([F_k, 1_N]) = N``): its proof does not use (a)/(b).

>>> from exactloss.paper.instances import global_minimum_instance
>>> P, X, Y = global_minimum_instance((2, 2, 1), N=3, seed=2)
>>> r = theorem_3_8(P, (X, Y), activation="t + t**3")
>>> r.holds, r.level, r.details["k"]
(True, 'proved', 1)
"""

from __future__ import annotations

import itertools
from typing import Any

from exactloss.arith.entries import fmt
from exactloss.errors import AssumptionError
from exactloss.evidence import Result, Verdict
from exactloss.floatpath.nonsingularity import nonsingularity
from exactloss.net.hessian import SecondOrder
from exactloss.paper.instances import common_options, point_args
from exactloss.paper.premises import (UNUSED_NOTE, Point, assemble, assumption_clause, choose_layer, gradient_clause,
                                      load_point, not_applicable, prepare, rank_with_ones_clause, sigma_prime_clause,
                                      weight_rank_clause)
from exactloss.registry import Instance, opt_layer, register

STATEMENT_3_8 = ("Assumptions 3.2 and n_k >= N - 1: every critical point that is non-degenerate on "
                 "{(W_l, b_l) : l in I} for some I with k+1 in I subset of {k+1..L}, and has rank(W_l) = n_l for "
                 "l in [k+2, L], is a global minimum")
# Corollary 3.9 is this theorem plus "local minimum": theorem_3_8(local_minimum=True) checks it, under its name
STATEMENT_3_9 = ("Assumptions 3.2 and n_k >= N - 1: every non-degenerate local minimum (on some I with k+1 in I) "
                 "with rank(W_l) = n_l for l in [k+2, L] is a global minimum")


def subsets_containing(k: int, L: int) -> list[tuple[int, ...]]:
    """The sets I with ``k+1 in I subset {k+1..L}``, smallest first (then contiguous-from-below first)."""
    rest = list(range(k + 2, L + 1))
    out = []
    for r in range(0, len(rest) + 1):
        for c in itertools.combinations(rest, r):
            out.append((k + 1, *c))
    return out


def _pyramid_message(pt: Point, k: int) -> str | None:
    w = pt.net.widths
    for l in range(k + 2, pt.L + 1):
        if w[l - 1] < w[l]:
            return (f"rank(W_{l}) = n_{l} cannot hold: W_{l} is n_{l - 1} x n_{l} = {w[l - 1]} x {w[l]} with "
                    f"n_{l - 1} < n_{l}; Theorem 3.8 with k = {k} needs pyramidal widths n_{k + 1} >= ... >= n_L")
    return None


def nondegenerate_on_some_i(pt: Point, k: int, local_minimum: bool = False, max_block: int = 400
                            ) -> tuple[list[tuple[Verdict, str | None]], list[dict], tuple | None]:
    """Definition 3.7 at the point: the block Hessians on the sets I of :func:`subsets_containing`, smallest
    first, until one is certified non-singular (``local_minimum``: also its definiteness, Corollary 3.9).

    Returns ``(premises, tried, found)``: the verdicts "non-degenerate on some I" (and "local minimum") with
    their labels, every block tried, and ``(I, certificate, H)`` for the block found, or None.  A block with more
    than ``max_block`` rows (150 in ball arithmetic) is skipped, and then counts as undecided.
    """
    w = pt.net.widths
    tried: list[dict] = []
    found = None
    so = SecondOrder(pt.net, pt.P, pt.X, pt.Y, pt.ell, pt.S)
    for I in subsets_containing(k, pt.L):
        size = sum(w[l - 1] * w[l] + w[l] for l in I)
        if size > (max_block if pt.S.level == "proved" or pt.S.is_float else min(max_block, 150)):
            tried.append({"I": list(I), "size": size, "holds": None, "note": f"skipped: block larger than {max_block}"})
            continue
        H = so.block(I)
        c = nonsingularity(H, pt.S, definiteness=local_minimum)
        tried.append({"I": list(I), "size": size, **c.to_json()})
        if c.holds:
            found = (I, c, H)
            break
    if found:
        I, c, H = found
        nv = Verdict(f"non-degenerate on I = {set(I)}", True, c.level, f"block Hessian ({c.size} x {c.size}) "
                     f"non-singular: {c.method}, det = {c.det}")
    elif any(t.get("holds") is None for t in tried):
        nv = Verdict("non-degenerate on some I containing k+1", None, None,
                     "no block Hessian was certified non-singular; some were undecided: " +
                     "; ".join(f"I = {t['I']}: {t.get('method', t.get('note'))}" for t in tried if t.get("holds") is None))
    else:
        nv = Verdict("non-degenerate on some I containing k+1", False, "proved",
                     "every block Hessian on I with k+1 in I subset {k+1..L} is singular (exact determinant 0): "
                     + ", ".join(str(t["I"]) for t in tried))
    hyps: list[tuple[Verdict, str | None]] = [(nv, "non-degenerate on some I containing k+1")]
    if local_minimum and found:
        pdv = Verdict(f"local minimum: block Hessian on I = {set(I)} positive definite", c.positive_definite,
                      c.level if c.positive_definite is not None else None,
                      "all leading principal minors > 0" if c.positive_definite else
                      ("a leading principal minor is negative: the non-singular block has a negative eigenvalue, "
                       "so the point is not a local minimum (second-order necessary condition)"
                       if c.positive_definite is False else "definiteness undecided"))
        hyps.append((pdv, "local minimum"))
    return hyps, tried, found


def theorem_3_8(params: Any, data: Any, activation: Any = "sigmoid", loss: Any = "squared", layer: int | None = None,
                numbers: Any = "auto", digits: int = 40, local_minimum: bool = False, max_block: int = 400) -> Result:
    """Theorem 3.8 (``local_minimum=True``: Corollary 3.9) on a given point.

    ``layer`` k: if given, ``n_k < N - 1`` or non-pyramidal widths above k are
    bad input (an :class:`AssumptionError` saying what cannot hold and
    offering Section 5); if not given, the widest layer is used and a failing
    width is reported as the failed hypothesis.
    """
    name = "Corollary 3.9" if local_minimum else "Theorem 3.8"
    statement = STATEMENT_3_9 if local_minimum else STATEMENT_3_8
    net, P, X, Y, ell = prepare(params, data, activation, loss)
    av, hard, amissing, ainfo = assumption_clause(net.activation, ell, X, strict_growth=True)
    if hard and "(a) or (b)" not in hard:
        return not_applicable(name, statement, av, hard, ainfo, net, X, ell)
    pt = load_point(P, (X, Y), net.activation, ell, numbers, digits)
    k = choose_layer(pt, layer, need_wide=True)
    N, w = pt.N, pt.net.widths
    if layer is not None:
        if w[k] < N - 1:
            raise AssumptionError(f"{name} needs n_k >= N - 1, but n_{k} = {w[k]} < N - 1 = {N - 1}; for narrower "
                                  "layers use Section 5 instead: `exactloss check theorem-5.3` (linear separability "
                                  "of the rows of F_k)")
        msg = _pyramid_message(pt, k)
        if msg:
            raise AssumptionError(msg)
    hv = Verdict(f"n_{k} >= N - 1 = {N - 1}", w[k] >= N - 1, "proved",
                 f"n_{k} = {w[k]}" + ("" if w[k] >= N - 1 else f" < {N - 1}: use Section 5 (theorem-5.3) instead"))
    cv, cinfo = gradient_clause(pt)
    hyps: list[tuple[Verdict, str | None]] = [(av, None), (hv, "n_k >= N - 1"), (cv, "critical point")]
    for l in range(k + 2, pt.L + 1):
        wv, _ = weight_rank_clause(pt, l)
        hyps.append((wv, f"rank(W_{l}) = n_{l}"))
    details: dict[str, Any] = {"k": k, "assumption_3_2": ainfo, "gradient": cinfo}
    # non-degeneracy (Definition 3.7) on the smallest I that shows it.  The search runs also when only
    # criticality fails/is undecided: non-degeneracy is useful information at an approximate critical point
    # (and Krawczyk-type certificates build on it)
    tried: list[dict] = []
    found = None
    if all(v.holds is not False for v, label in hyps[1:] if label != "critical point"):
        more, tried, found = nondegenerate_on_some_i(pt, k, local_minimum, max_block)
        hyps += more
    details["nondegeneracy_search"] = tried
    # route: the paper's proof (needs all of 3.2), or Lemma 3.5 directly when rank([F_k,1]) = N here
    rv, rinfo = rank_with_ones_clause(pt, k)
    details["rank_Fk1"] = rinfo
    extra = [Verdict(f"at this point rank([F_{k}, 1_N]) = N (Lemma 3.5 (1))", rv.holds, rv.level, rv.reason)]
    growth_only = (hard is not None and "(a) or (b)" in hard) or (amissing is not None and "(a) or (b)" in amissing)
    if growth_only and rv.holds is True:
        # 3.2.2 (a)/(b) fails or is undecided, and it is the only clause of 3.2 not shown.  Lemma 3.5 applies
        # directly at this point (its proof uses of 3.2 only sigma'(G_l) != 0, checked below, and the clauses that
        # hold), so (a)/(b) is not used: it is noted, not assumed.
        av = Verdict(av.claim, av.holds, av.level, av.reason + f". The theorem's proof (Lemmas 4.3/4.4) needs it, but "
                     f"here rank([F_{k}, 1_N]) = N already holds at the point, so Lemma 3.5 gives the conclusion "
                     f"directly. {UNUSED_NOTE} (Lemma 3.5 uses only sigma'(G_l) != 0, checked)")
        hyps[0] = (av, None)
        hard = amissing = None
        for l in range(k + 1, pt.L + 1):
            s, _ = sigma_prime_clause(pt, l)
            hyps.append((s, s.claim))
    conclusion = ("global minimum: " + (f"every hypothesis holds with k = {k}" +
                  (f", I = {sorted(found[0])}" if found else "")) + f" (Phi = {fmt(pt.S, pt.g.phi)})")
    return assemble(name, statement, pt, hyps, extra, details, conclusion, hard, amissing)


def check_theorem_3_8(params: Any = None, data: Any = None, instance: str | None = None, widths: Any = None,
                      samples: int | None = None, seed: int = 0, zero_layer: int = 3, activation: str | None = None,
                      loss: str = "squared", numbers: str = "auto", digits: int = 40, layer: int | None = None,
                      local_minimum: bool = False) -> Result:
    """The check ``theorem-3.8`` (keyword arguments = CLI options): :func:`theorem_3_8` on the given or built-in
    point."""
    p, d, act = point_args(params, data, instance, widths, samples, seed, activation, zero_layer, (2, 2, 1), 3)
    return theorem_3_8(p, d, act, loss, layer, numbers, digits, local_minimum=local_minimum)


register(
    "theorem-3.8", "Theorem 3.8", check_theorem_3_8,
    "n_k >= N-1: non-degenerate critical points with full-rank upper weights are global minima",
    options=common_options() + (opt_layer(),),
    instances=(
        Instance({"instance": "global-min"}, True, "exact, n_1 = N - 1, I = {2}"),
        Instance({"instance": "collapsed"}, False, "critical, Phi > 0: degenerate on every I"),
        Instance({"instance": "global-min", "samples": 5}, False, "n_k < N - 1 (offers Section 5)"),
        Instance({"instance": "zero-W", "widths": "2,3,2,2", "samples": 4, "zero_layer": 3}, False, "W_3 = 0"),
        Instance({"instance": "not-critical"}, False, "gradient not 0"),
        Instance({"instance": "global-min", "activation": "relu"}, False, "relu breaks Assumption 3.2"),
    ),
)
