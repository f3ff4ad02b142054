"""Assumptions 3.2 as one result: 3.2.1 (X), 3.2.2 (sigma) and 3.2.3 (l) combined, and the guard other checks call.

:func:`assumption_3_2` joins the clauses of :func:`~exactloss.paper.assumption_3_2.samples.samples_condition`
(3.2.1), :func:`~exactloss.paper.assumption_3_2.activation.activation_conditions` (3.2.2) and
:func:`~exactloss.paper.assumption_3_2.loss.loss_conditions` (3.2.3) in three-valued logic, each part
with its own logic ((a)/(b) of 3.2.2 are alternatives).  :func:`require_assumption_3_2` is the one place
the theorems' checks decide Assumption 3.2: a refuted clause raises :class:`AssumptionError` naming it, an
undecided one is returned (``holds`` None: the caller must then not claim its result).  Registers the
``assumption-3.2`` check.

>>> require_assumption_3_2("relu")
Traceback (most recent call last):
...
exactloss.errors.AssumptionError: Assumption 3.2.2 fails: relu is not differentiable at t = 0: the one-sided derivatives are 0 (left) and 1 (right) (not analytic); use sigmoid, tanh or softplus
"""

from __future__ import annotations

from typing import Any

from exactloss.arith.clauses import and_
from exactloss.arith.functions import ScalarFunction
from exactloss.errors import AssumptionError
from exactloss.evidence import Result, Verdict
from exactloss.paper.assumption_3_2.activation import activation_conditions, as_activation
from exactloss.paper.assumption_3_2.loss import loss_conditions
from exactloss.paper.assumption_3_2.samples import samples_condition
from exactloss.registry import Instance, opt_activation, opt_data, opt_loss, register


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
    holds, level = and_(*summary)
    failed = next((r.failed_hypothesis or r.result for r in parts if r.holds is False), None)
    details = {r.result: r.details for r in parts}
    instance: dict[str, Any] = {}
    for r in parts:
        instance.update(r.instance)
    open_ = next((c for c in clauses if c.holds is None and not c.claim.startswith(("3.2.2(a)", "3.2.2(b)"))),
                 next((c for c in clauses if c.holds is None), None))
    reason = {True: "every part holds", False: f"fails: {failed}",
              None: f"undecided: {open_.claim} -- {open_.reason}" if open_ is not None else "undecided"}[holds]
    return Result(result="Assumption 3.2", holds=holds, level=level,
                  statement="3.2.1 distinct samples; 3.2.2 sigma analytic, increasing, (a) or (b); 3.2.3 l C^2, "
                            "critical points are global minima",
                  reason=reason, instance=instance, details=details, clauses=clauses, failed_hypothesis=failed,
                  missing=(open_.claim if open_ is not None else next((r.result for r in parts if r.holds is None), None))
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
        name = as_activation(sigma).describe()
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


def check_assumption_3_2(activation: str = "sigmoid", loss: str | None = "squared", data: str | None = None) -> Result:
    """Assumption 3.2 for an activation, a loss (``"none"`` skips 3.2.3) and (optionally) a data file."""
    if loss is not None and str(loss).strip().lower() in ("none", ""):
        loss = None
    return assumption_3_2(activation, loss, data)


register(
    "assumption-3.2", "Assumption 3.2", check_assumption_3_2,
    "Assumptions 3.2 clause by clause: distinct samples, sigma analytic/increasing/(a) or (b), l C^2 with minima",
    options=(opt_activation("sigmoid"), opt_loss("squared"), opt_data()),
    instances=(Instance({"activation": "sigmoid", "loss": "squared"}, label="sigmoid, squared"),
               Instance({"activation": "softplus:alpha=2", "loss": "blake-zisserman"}, label="softplus(2), Blake-Zisserman"),
               Instance({"activation": "tanh", "loss": "corrupted-gaussian"}, label="tanh, corrupted Gaussian"),
               Instance({"activation": "atan(t)", "loss": "cauchy"}, label="atan(t), Cauchy"),
               Instance({"activation": "relu", "loss": "squared"}, expect=False, label="relu (not analytic)"),
               Instance({"activation": "t + sin(t)", "loss": "pseudo-huber"}, expect=False,
                        label="t + sin(t) (neither (a) nor (b))")),
)
