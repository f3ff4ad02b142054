"""Lemma 4.1: each layer output F_k is a real-analytic function of the parameters (W_l, b_l), l <= k.

The certificate composes sigma's analyticity certificate (:func:`exactloss.arith.analyticity.analytic`,
Assumption 3.2.2) with affine maps, by induction on k; on a small instance every entry of F_k is also
built symbolically and certified directly.  Registers the ``lemma-4.1`` check.

>>> r = lemma_4_1("2,2,1", "tanh")
>>> r.holds, r.level
(True, 'proved')
"""

from __future__ import annotations

from typing import Any

import numpy as np

from exactloss.arith.analyticity import analytic
from exactloss.arith.clauses import and_
from exactloss.arith.functions import ScalarFunction
from exactloss.arith.systems import Symbolic
from exactloss.errors import InputError
from exactloss.evidence import Result, Verdict
from exactloss.net.network import Network, random_data
from exactloss.paper.assumption_3_2.activation import analytic_verdict
from exactloss.registry import Instance, opt_activation, opt_samples, opt_widths, register


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
    net = network if isinstance(network, Network) else Network(network, activation or "sigmoid")
    f = net.activation
    if f.generic:
        raise InputError("Lemma 4.1 needs a concrete activation (sigmoid, tanh, softplus, or an expression in t)")
    cert = analytic(f.expr, f.var)
    v0 = analytic_verdict(f, cert)
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
    holds, level = and_(*clauses)
    return Result(result="Lemma 4.1", holds=holds, level=level,
                  statement="under Assumption 3.2, each f_k is a real-analytic function of the parameters",
                  reason="composition of the activation's analyticity certificate with affine maps",
                  instance=net.describe(), details=details, clauses=tuple(clauses))


def check_lemma_4_1(widths: str = "2,3,2", activation: str = "sigmoid", samples: int = 2) -> Result:
    """Lemma 4.1 for a network of these widths and activation, with ``samples`` random samples for the direct check."""
    return lemma_4_1(widths, activation, samples=samples)


register(
    "lemma-4.1", "Lemma 4.1", check_lemma_4_1,
    "each layer output F_k is real-analytic in the parameters (certificate composed with affine maps)",
    options=(opt_widths("2,3,2"), opt_activation("sigmoid"), opt_samples(2)),
    instances=(Instance({"widths": "2,3,2", "activation": "sigmoid"}, label="2,3,2 sigmoid"),
               Instance({"widths": "2,2,2,1", "activation": "softplus:alpha=2"}, label="2,2,2,1 softplus(2)"),
               Instance({"widths": "2,2,1", "activation": "relu"}, expect=False, label="relu (not analytic)")),
)
