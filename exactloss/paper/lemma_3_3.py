"""Lemma 3.3: sigmoid, tanh and softplus(alpha) satisfy Assumption 3.2.2, each clause ``proved``; ReLU does not.

Each verdict of the paper is replayed with :func:`~exactloss.paper.assumption_3_2.activation.activation_conditions`:
sigmoid and tanh via (a) (bounded, with mu and gamma), softplus(alpha) via (b) with the paper's constants
``rho_1 = 1/alpha, rho_2 = alpha, rho_3 = 1, rho_4 = log(2)/alpha`` (compared exactly with SymPy); ReLU
is refused as not analytic.  Registers the ``lemma-3.3`` check.

>>> lemma_3_3(("2",)).holds
True
"""

from __future__ import annotations

from typing import Any, Sequence

import sympy as sp

from exactloss.arith.budget import guarded
from exactloss.evidence import Result, Verdict
from exactloss.net.activations import activation
from exactloss.paper.assumption_3_2.activation import activation_conditions
from exactloss.registry import Instance, Option, register


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
            al = sp.Rational(str(activation(spec).params["alpha"]))
            paper = {"rho_1": 1 / al, "rho_2": al, "rho_3": sp.S.One, "rho_4": sp.log(2) / al}
            rho = r.details.get("rho", {})
            same = bool(rho) and all(guarded(lambda k=k: sp.simplify(rho[k] - paper[k]) == 0, 5.0, default=False)
                                     for k in paper)
            good &= same
            extra = "rho = (" + ", ".join(str(rho.get(k)) for k in paper) + ")" + (" = the paper's" if same else
                                                                                   f" != the paper's {tuple(paper.values())}")
        ok &= good
        clauses.append(Verdict(f"{activation(spec).describe()} satisfies 3.2.2 via ({expect})", r.holds,
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


register(
    "lemma-3.3", "Lemma 3.3", lemma_3_3,
    "sigmoid, tanh, softplus(alpha) satisfy Assumption 3.2.2 (proved per clause; softplus's rho reproduced)",
    options=(Option("--alphas", "alphas", str, "1,2,1/2,10", "softplus parameters alpha to check, comma-separated"),),
    instances=(Instance({"alphas": "1,2,1/2,10"}, label="sigmoid, tanh, softplus alpha=1,2,1/2,10"),),
)
