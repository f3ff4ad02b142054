"""Corollary 3.9: every non-degenerate local minimum (on some I with ``k+1 in I``) with ``rank(W_l) = n_l``
for ``l in [k+2, L]`` is a global minimum, under Assumptions 3.2 and ``n_k >= N - 1``.

Theorem 3.8's check (:func:`exactloss.paper.theorem_3_8.theorem_3_8`) plus "local minimum": the block
Hessian found non-singular is also positive definite (all leading principal minors > 0); a negative minor
means the point is not a local minimum (second-order necessary condition).

>>> from exactloss.paper.instances import global_minimum_instance
>>> P, X, Y = global_minimum_instance((2, 2, 1), N=3, seed=2)
>>> r = corollary_3_9(P, (X, Y), activation="t + t**3")
>>> r.result, r.holds, r.level
('Corollary 3.9', True, 'proved')
"""

from __future__ import annotations

from typing import Any

from exactloss.evidence import Result
from exactloss.paper.instances import common_options
from exactloss.paper.theorem_3_8 import check_theorem_3_8, theorem_3_8
from exactloss.registry import Instance, opt_layer, register


def corollary_3_9(params: Any, data: Any, activation: Any = "sigmoid", loss: Any = "squared", layer: int | None = None,
                  numbers: Any = "auto", digits: int = 40) -> Result:
    """Corollary 3.9: Theorem 3.8 plus 'local minimum' (the non-degenerate block is positive definite)."""
    return theorem_3_8(params, data, activation, loss, layer, numbers, digits, local_minimum=True)


def check_corollary_3_9(**kw: Any) -> Result:
    """The check ``corollary-3.9``: the check ``theorem-3.8`` with ``local_minimum=True``."""
    return check_theorem_3_8(local_minimum=True, **kw)


register(
    "corollary-3.9", "Corollary 3.9", check_corollary_3_9,
    "non-degenerate local minima with full-rank upper weights are global minima (block positive definite)",
    options=common_options() + (opt_layer(),),
    instances=(
        Instance({"instance": "global-min"}, True, "exact: block on I = {2} positive definite"),
        Instance({"instance": "collapsed"}, False, "degenerate"),
        Instance({"instance": "not-critical"}, False, "gradient not 0"),
    ),
)
