"""Lemma 2.1 (backpropagation): its check, and Phi with every gradient at a user's point.

``check lemma-2.1`` runs :func:`exactloss.net.backprop.confirm_lemma_2_1` (the identities proved with
SymPy); :func:`gradients` evaluates Phi and every gradient of Lemma 2.1 at given parameters and data, in the
number system asked for (the ``exactloss grad`` command, :mod:`exactloss.surfaces.cli.grad`).
"""

from __future__ import annotations

from typing import Any

from exactloss.net.backprop import backprop, confirm_lemma_2_1
from exactloss.evidence import Result
from exactloss.net.files import as_data, as_parameters
from exactloss.net.network import Network
from exactloss.arith.systems import system
from exactloss.registry import Instance, Option, opt_activation, opt_loss, opt_samples, opt_widths, register


def gradients(params: Any, data: Any, activation: str = "sigmoid", loss: str = "squared",
              numbers: str = "ball", digits: int = 40) -> Result:
    """Phi and its gradients (Lemma 2.1's formulas) at given parameters and data.

    The level is the number system's: ``exact`` proves the values (rational
    sigma and l only), ``ball`` certifies enclosures, ``mpmath``/``float`` are numerical.
    """
    P = as_parameters(params)
    X, Y = as_data(data, need_Y=True)
    net = Network(P.widths, activation)
    S = system(numbers, digits)
    g = backprop(net, P, X, Y, loss, S)
    level = g.level  # None when a value is NaN/infinite: no enclosure, no certificate
    if level is None:
        bits = f" at {S.prec} bits" if hasattr(S, "prec") else ""
        reason = (f"{S.name} arithmetic{bits} gives a non-finite (NaN or infinite) value for Phi or a gradient: the "
                  "inputs are out of the range this arithmetic can bound (e.g. exp of a huge pre-activation); "
                  "nothing is certified -- rescale the data or parameters"
                  + ("" if S.name == "exact" else ", or use a rational sigma and l with --numbers exact"))
    else:
        reason = {"proved": "exact rational arithmetic",
                  "certified": f"arb ball arithmetic at {getattr(S, 'prec', 0)} bits: each ball contains the true value",
                  "numerical": f"{S.name} arithmetic, no error bound"}[level]
    return Result(
        result="Lemma 2.1 gradients",
        holds=None if level is None else True,
        level=level,
        statement="Phi and grad_{W_k} Phi = F_{k-1}^T Delta_k, grad_{b_k} Phi = Delta_k^T 1_N at the given point",
        reason=reason,
        missing=None if level is not None else "finite enclosures of Phi and its gradients",
        instance={"widths": list(P.widths), "samples": int(X.shape[0]), "activation": net.activation.describe(),
                  "loss": loss if isinstance(loss, str) else loss.describe(), **S.describe()},
        details=g.as_json(digits),
    )


register(
    "lemma-2.1", "Lemma 2.1", confirm_lemma_2_1,
    "backprop identities proved with SymPy (generic or concrete sigma, l)",
    options=(opt_widths("3,4,3,2"), opt_samples(3), opt_activation("generic"), opt_loss("generic"),
             Option("--method", "method", str, "layerwise", "layerwise (one-layer identities, every depth) or full",
                    choices=("layerwise", "full")),
             Option("--latex", "latex", help="print the identities for these widths as a LaTeX fragment (amsmath) "
                    "instead of the explanation", action="store_true")),
    instances=(Instance({"widths": "3,4,3,2", "samples": 3}, label="generic sigma, l"),
               Instance({"widths": "3,3,2", "samples": 3, "method": "full"}, label="full Phi, generic"),
               Instance({"widths": "2,3,2", "samples": 2, "activation": "sigmoid", "loss": "cauchy"},
                        label="sigmoid, Cauchy")),
)
