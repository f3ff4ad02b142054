"""Lemma 3.5 in three forms, and its check ``lemma-3.5 --form exact|quantitative|nearby``.

* :mod:`.exact` -- conditions (1)-(3) at layer k make the point a global minimum (the proof replayed);
* :mod:`.quantitative` -- at an approximate critical point, a certified bound on Phi from the gradient of
  layer k+1;
* :mod:`.nearby` -- Krawczyk certifies an exact layer-critical point near the given one, and the exact form
  makes it a global minimum.

``--latex`` (quantitative form) puts the certified bound as the product of its factors in
``details["latex"]`` (:func:`exactloss.paper.lemma_3_5.latex.loss_bound_from_result`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from exactloss.errors import InputError
from exactloss.evidence import Result
from exactloss.paper.instances import common_options, point_args
from exactloss.paper.lemma_3_5.exact import lemma_3_5
from exactloss.paper.lemma_3_5.latex import loss_bound_from_result
from exactloss.paper.lemma_3_5.nearby import lemma_3_5_nearby
from exactloss.paper.lemma_3_5.quantitative import lemma_3_5_bound
from exactloss.registry import Instance, Option, opt_layer, register


def check_lemma_3_5(params: Any = None, data: Any = None, instance: str | None = None, widths: Any = None,
                    samples: int | None = None, seed: int = 0, zero_layer: int = 3, activation: str | None = None,
                    loss: str = "squared", numbers: str = "auto", digits: int = 40, layer: int | None = None,
                    form: str = "exact", latex: bool = False) -> Result:
    """Lemma 3.5 (``form``: exact, quantitative or nearby).  ``latex=True`` (quantitative only) also puts the
    certified loss bound as the product of its factors in ``details["latex"]``
    (:func:`exactloss.paper.lemma_3_5.latex.loss_bound_from_result`)."""
    if form not in ("exact", "quantitative", "nearby"):
        raise InputError(f"--form {form!r}: use exact, quantitative or nearby")
    if latex and form != "quantitative":
        raise InputError(f"--latex shows the certified loss bound of the quantitative form; add --form quantitative "
                         f"(got --form {form})")
    default_inst = "trained" if form in ("quantitative", "nearby") else "global-min"
    p, d, act = point_args(params, data, instance or (None if params else default_inst), widths, samples, seed,
                           activation, zero_layer, (2, 5, 1), 5)
    if form == "quantitative":
        r = lemma_3_5_bound(p, d, act, loss, layer, digits)
        if latex:
            r = replace(r, details={**r.details, "latex": loss_bound_from_result(r)})
        return r
    if form == "nearby":
        return lemma_3_5_nearby(p, d, act, loss, layer, digits)
    return lemma_3_5(p, d, act, loss, layer, numbers, digits)


register(
    "lemma-3.5", "Lemma 3.5", check_lemma_3_5,
    "conditions (1)-(3) => global minimum (exact); certified loss bound at approximate critical points (quantitative)",
    options=common_options() + (
        opt_layer(),
        Option("--form", "form", str, "exact", "exact (conditions (1)-(3)), quantitative (certified loss bound) or "
               "nearby (Krawczyk: an exact layer-critical point nearby)", choices=("exact", "quantitative", "nearby")),
        Option("--latex", "latex", help="with --form quantitative: print the certified loss bound as the product of "
               "its factors, a LaTeX fragment (amsmath), instead of the explanation", action="store_true")),
    instances=(
        Instance({"instance": "global-min"}, True, "exact, n_1 = N - 1"),
        Instance({"instance": "top-solved", "widths": "2,2,1", "samples": 5}, False, "(1) fails: narrow, Phi > 0"),
        Instance({"instance": "zero-W", "widths": "2,4,2,2", "samples": 4, "zero_layer": 3, "layer": 1}, False,
                 "(2) fails: W_3 = 0"),
        Instance({"instance": "not-critical"}, False, "(3) fails: gradient not 0"),
        Instance({"instance": "global-min", "activation": "relu"}, False, "relu breaks Assumption 3.2"),
        Instance({"form": "quantitative", "widths": "2,5,1", "samples": 5}, True, "trained sigmoid: certified bound"),
        Instance({"form": "quantitative", "instance": "top-solved", "widths": "2,2,1", "samples": 5, "layer": 1},
                 False, "quantitative, narrow: no bound"),
        Instance({"form": "nearby", "widths": "2,5,1", "samples": 6, "seed": 1}, True,
                 "trained sigmoid: certified critical point nearby"),
    ),
)
