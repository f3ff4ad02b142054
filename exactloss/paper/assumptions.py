"""Assumptions 3.2 and 5.2 checked clause by clause, Lemma 3.3 and Lemma 4.1, with certificates.

Contract.  Every checker returns a :class:`~exactloss.evidence.Result` whose
``clauses`` are :class:`~exactloss.evidence.Verdict` records (claim, holds,
level, reason).  A clause is ``proved`` only by a symbolic argument (a
structural certificate, exact SymPy limits, interval bounds over the
expression tree -- :mod:`exactloss.arith.analyticity`, :mod:`exactloss.arith.ranges`),
``certified`` when ball arithmetic is the witness (a box cover of
``sigma' > 0``, a log argument certified negative at a point), and
*undecided* (holds None, no level) whenever no argument was found.

The clauses live by mathematical object: :mod:`exactloss.paper.assumption_3_2.activation`
(3.2.2), :mod:`exactloss.paper.assumption_3_2.loss` (3.2.3 and the one-sided losses of
5.2); this module has the samples (3.2.1), the combined assumptions, the guard
:func:`require_assumption_3_2` other checks call, Lemma 3.3 and Lemma 4.1.

>>> activation_conditions("tanh").holds
True
>>> require_assumption_3_2("relu")
Traceback (most recent call last):
...
exactloss.errors.AssumptionError: Assumption 3.2.2 fails: relu is not differentiable at t = 0: the one-sided derivatives are 0 (left) and 1 (right) (not analytic); use sigmoid, tanh or softplus
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import sympy as sp

from exactloss.paper.assumption_3_2.activation import (_analytic_verdict, _as_activation, activation_conditions, bounded, growth,
                                     increasing)
from exactloss.net.activations import activation as _activation
from exactloss.arith.analyticity import analytic, smooth
from exactloss.errors import AssumptionError, InputError
from exactloss.evidence import Result, Verdict
from exactloss.arith.functions import ScalarFunction
from exactloss.arith.clauses import _and, _v
from exactloss.paper.assumption_3_2.loss import _as_loss, _sided_loss, critical_points_are_minima, loss_conditions
from exactloss.net.network import duplicate_rows
from exactloss.arith.systems import rational_matrix

__all__ = ["activation_conditions", "increasing", "bounded", "growth", "loss_conditions",
           "critical_points_are_minima", "samples_condition", "assumption_3_2", "require_assumption_3_2",
           "assumption_5_2", "lemma_3_3", "lemma_4_1"]

# --------------------------------------------------------------------------
# Assumption 3.2.1: the samples
# --------------------------------------------------------------------------


def samples_condition(X: Any) -> Result:
    """Assumption 3.2.1: no two training samples (rows of X) are identical -- exact comparison."""
    from exactloss.net.files import as_data

    Xr = as_data(X)[0] if isinstance(X, (str, tuple)) or hasattr(X, "__fspath__") else rational_matrix(X, "X")
    pairs = duplicate_rows(Xr)
    claim = "3.2.1 no identical training samples"
    if pairs:
        shown = ", ".join(f"rows {i + 1} and {j + 1}" for i, j in pairs[:5]) + (" ..." if len(pairs) > 5 else "")
        v = _v(claim, False, "proved", f"identical samples (1-based): {shown}; remove the duplicates")
    else:
        v = _v(claim, True, "proved", f"the {Xr.shape[0]} rows of X are pairwise distinct (exact rationals)")
    return Result(result="Assumption 3.2.1", holds=v.holds, level=v.level, statement="x_i != x_j for i != j",
                  reason=v.reason, instance={"N": int(Xr.shape[0]), "d": int(Xr.shape[1]) if Xr.ndim == 2 else 0},
                  details={"duplicates": [[i + 1, j + 1] for i, j in pairs]}, clauses=(v,),
                  failed_hypothesis=None if v.holds else claim)


# --------------------------------------------------------------------------
# Assumption 3.2 and the guard other checks call
# --------------------------------------------------------------------------


def assumption_3_2(sigma: ScalarFunction | str, loss: ScalarFunction | str | None = None, X: Any = None) -> Result:
    """Assumptions 3.2: the clauses for sigma (3.2.2), and for l (3.2.3) and X (3.2.1) when given."""
    parts = []
    if X is not None:
        parts.append(samples_condition(X))
    parts.append(activation_conditions(sigma))
    if loss is not None:
        parts.append(loss_conditions(loss))
    clauses = tuple(c for r in parts for c in r.clauses)
    # (a)/(b) are alternatives: the overall verdict uses each part's own logic
    summary = tuple(Verdict(r.result, r.holds, r.level, r.reason) for r in parts)
    holds, level = _and(*summary)
    failed = next((r.failed_hypothesis or r.result for r in parts if r.holds is False), None)
    details = {r.result: r.details for r in parts}
    instance: dict[str, Any] = {}
    for r in parts:
        instance.update(r.instance)
    open_ = next((c for c in clauses if c.holds is None and not c.claim.startswith(("3.2.2(a)", "3.2.2(b)"))),
                 next((c for c in clauses if c.holds is None), None))
    reason = {True: "every part holds", False: f"fails: {failed}",
              None: f"undecided: {open_.claim} -- {open_.reason}" if open_ else "undecided"}[holds]
    return Result(result="Assumption 3.2", holds=holds, level=level,
                  statement="3.2.1 distinct samples; 3.2.2 sigma analytic, increasing, (a) or (b); 3.2.3 l C^2, "
                            "critical points are global minima",
                  reason=reason, instance=instance, details=details, clauses=clauses, failed_hypothesis=failed,
                  missing=(open_.claim if open_ else next((r.result for r in parts if r.holds is None), None))
                  if holds is None else None)


def _one_line(r: Result) -> str:
    for c in r.clauses:
        if c.holds is False:
            return c.reason
    return r.reason


def require_assumption_3_2(sigma: ScalarFunction | str, loss: ScalarFunction | str | None = None, X: Any = None) -> Result:
    """Assumption 3.2 or an :class:`AssumptionError` naming the failed clause.

    Returns the Result when it holds (``holds`` True) or is undecided
    (``holds`` None: callers must then not claim the theorem).
    """
    if X is not None:
        rx = samples_condition(X)
        if rx.holds is False:
            raise AssumptionError(f"Assumption 3.2.1 fails: {rx.reason}")
    rs = activation_conditions(sigma)
    if rs.holds is False:
        name = _as_activation(sigma).describe()
        bad = next(c for c in rs.clauses if c.holds is False and c.claim == rs.failed_hypothesis) \
            if not rs.failed_hypothesis.startswith("3.2.2 (a)") else None
        if bad is not None and "analytic" in bad.claim:
            msg = bad.reason
        elif bad is not None:
            msg = f"{name} is not strictly increasing: {bad.reason}"
        else:
            a_, b_ = rs.clauses[2], rs.clauses[3]
            msg = f"{name} is neither bounded ({a_.reason}) nor within the growth bounds ({b_.reason})"
        raise AssumptionError(f"Assumption 3.2.2 fails: {msg}; use sigmoid, tanh or softplus")
    if loss is not None:
        rl = loss_conditions(loss, explore=False)
        if rl.holds is False:
            raise AssumptionError(f"Assumption 3.2.3 fails: {_one_line(rl)}; use squared, pseudo-huber, "
                                  "blake-zisserman, corrupted-gaussian or cauchy")
    return assumption_3_2(sigma, loss, X)



def assumption_5_2(sigma: ScalarFunction | str = "sigmoid", l1: ScalarFunction | str = "l1",
                   l2: ScalarFunction | str = "l2") -> Result:
    """Assumptions 5.2: sigma C^1 and strictly increasing; l1, l2 the one-sided C^1 losses."""
    f = _as_activation(sigma)
    cert = analytic(f.expr, f.var)
    c1 = smooth(f.expr, f.var, 1)
    v1 = _v("5.2.1 sigma is C^1", c1.holds, c1.level,
            c1.reason if c1.holds is not False else f"{f.describe()} is {c1.reason}")
    v2 = increasing(f, cert, tag="5.2.1")
    clauses = (v1, v2, *_sided_loss(l1, 1), *_sided_loss(l2, 2))
    holds, level = _and(*clauses)
    failed = next((c.claim for c in clauses if c.holds is False), None)
    return Result(result="Assumption 5.2", holds=holds, level=level,
                  statement="sigma C^1 strictly increasing; l1 = 0 <=> a >= 0 with l1' < 0 for a < 0; "
                            "l2 = 0 <=> a <= 0 with l2' > 0 for a > 0",
                  reason={True: "every clause holds", False: f"fails: {failed}", None: "a clause is undecided"}[holds],
                  instance={"activation": f.describe(), "l1": _as_loss(l1).describe(), "l2": _as_loss(l2).describe()},
                  clauses=clauses, failed_hypothesis=failed,
                  missing=next((c.claim for c in clauses if c.holds is None), None) if holds is None else None)



# --------------------------------------------------------------------------
# Lemma 3.3 and Lemma 4.1
# --------------------------------------------------------------------------


def lemma_3_3(alphas: Sequence[Any] | str = ("1", "2", "1/2", "10")) -> Result:
    """Lemma 3.3: sigmoid, tanh and softplus(alpha) satisfy Assumption 3.2.2, each clause ``proved``;
    softplus with the paper's rho_1 = 1/alpha, rho_2 = alpha, rho_3 = 1, rho_4 = log(2)/alpha; ReLU is not covered."""
    if isinstance(alphas, str):
        alphas = [s for s in alphas.replace(" ", "").split(",") if s]
    clauses = []
    ok = True
    for spec, expect in (("sigmoid", "a"), ("tanh", "a"), *((f"softplus:alpha={al}", "b") for al in alphas)):
        r = activation_conditions(spec)
        an, inc, va, vb = r.clauses
        want = va if expect == "a" else vb
        good = r.holds is True and all(c.holds and c.level == "proved" for c in (an, inc, want))
        extra = ""
        if expect == "a":
            extra = f"mu = {r.details.get('mu')}, gamma = {r.details.get('gamma')}"
        else:
            al = sp.Rational(str(_activation(spec).params["alpha"]))
            paper = {"rho_1": 1 / al, "rho_2": al, "rho_3": sp.S.One, "rho_4": sp.log(2) / al}
            rho = r.details.get("rho", {})
            from exactloss.arith.budget import guarded

            same = bool(rho) and all(guarded(lambda k=k: sp.simplify(rho[k] - paper[k]) == 0, 5.0, default=False)
                                     for k in paper)
            good &= same
            extra = "rho = (" + ", ".join(str(rho.get(k)) for k in paper) + ")" + (" = the paper's" if same else
                                                                                   f" != the paper's {tuple(paper.values())}")
        ok &= good
        clauses.append(Verdict(f"{_activation(spec).describe()} satisfies 3.2.2 via ({expect})", r.holds,
                               "proved" if good else r.level if r.holds is not None else None,
                               f"analytic, increasing, ({expect}) all proved; {extra}" if good else r.explain()))
    rr = activation_conditions("relu")
    relu_ok = rr.clauses[0].holds is False
    ok &= relu_ok
    clauses.append(Verdict("relu is not covered (not analytic)", relu_ok, "proved" if relu_ok else None,
                           rr.clauses[0].reason))
    return Result(result="Lemma 3.3", holds=True if ok else None, level="proved" if ok else None,
                  statement="sigmoid, tanh, softplus(alpha) satisfy Assumption 3.2.2 (softplus with rho = "
                            "(1/alpha, alpha, 1, log(2)/alpha)); ReLU is not covered",
                  reason="every verdict of the paper reproduced with a proof" if ok else "not every verdict was proved",
                  instance={"alphas": [str(a) for a in alphas]}, clauses=tuple(clauses))


def lemma_4_1(network: Any = "2,3,2", activation: ScalarFunction | str | None = None, direct: bool = True,
              samples: int = 2) -> Result:
    """Lemma 4.1: each layer output f_k (F_k) is real-analytic in the parameters (W_l, b_l), l <= k.

    The certificate composes the activation's analyticity certificate with
    affine maps: ``G_k = F_{k-1} W_k + 1_N b_k^T`` is a polynomial in
    ``F_{k-1}, W_k, b_k``; ``F_k = sigma(G_k)``; compositions of analytic maps
    are analytic (induction on k, ``F_0 = X`` constant).  With ``direct``, each
    entry of ``F_k`` is also built symbolically for a small instance and
    certified directly by the structural walk over all parameter symbols.
    """
    from exactloss.net.network import Network, random_data
    from exactloss.arith.systems import Symbolic

    net = network if isinstance(network, Network) else Network(network, activation or "sigmoid")
    f = net.activation
    if f.generic:
        raise InputError("Lemma 4.1 needs a concrete activation (sigmoid, tanh, softplus, or an expression in t)")
    cert = analytic(f.expr, f.var)
    v0 = _analytic_verdict(f, cert)
    clauses = [v0]
    if cert.holds is not True:
        return Result(result="Lemma 4.1", holds=False if cert.holds is False else None,
                      level=cert.level if cert.holds is False else None,
                      statement="each f_k is real-analytic in the parameters", reason=f"hypothesis: {v0.reason}",
                      instance=net.describe(), clauses=tuple(clauses),
                      failed_hypothesis="Assumption 3.2.2: sigma analytic" if cert.holds is False else None,
                      missing="Assumption 3.2.2: sigma analytic" if cert.holds is None else None)
    for k in range(1, net.L + 1):
        clauses.append(Verdict(f"F_{k} is analytic in (W_1, b_1, ..., W_{k}, b_{k})", True, "proved",
                               f"G_{k} = F_{k - 1} W_{k} + 1_N b_{k}^T is polynomial in F_{k - 1}, W_{k}, b_{k}; "
                               f"F_{k} = sigma(G_{k}) with sigma analytic; composition"
                               + (" (F_0 = X is constant)" if k == 1 else f" with F_{k - 1} analytic")))
    details: dict[str, Any] = {"sigma_certificate": cert.to_json()}
    if direct and sum(a * b + b for a, b in zip(net.widths, net.widths[1:])) <= 40:
        X, _ = random_data(samples, net.widths[0], seed=1)
        P = net.symbolic_parameters()
        fw = net.forward(P, X, Symbolic())
        checked = 0
        for k in range(1, net.L + 1):
            Fk = fw.F[k]
            bad = None
            for idx in np.ndindex(Fk.shape):
                c = analytic(Fk[idx], None)
                checked += 1
                if c.holds is not True:
                    bad = (idx, c)
                    break
            if bad is None:
                clauses.append(Verdict(f"F_{k}: each of its {Fk.size} entries certified directly", True, "proved",
                                       f"structural walk over the {len(Fk.flat[0].free_symbols)}+ parameter symbols "
                                       f"(N = {samples} random rational samples)"))
            else:
                clauses.append(Verdict(f"F_{k}: direct certificate of entry {bad[0]}", None, None, bad[1].reason))
        details["entries_checked"] = checked
    holds, level = _and(*clauses)
    return Result(result="Lemma 4.1", holds=holds, level=level,
                  statement="under Assumption 3.2, each f_k is a real-analytic function of the parameters",
                  reason="composition of the activation's analyticity certificate with affine maps",
                  instance=net.describe(), details=details, clauses=tuple(clauses))
