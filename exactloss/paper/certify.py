"""Which of the paper's results apply at a user's point, and what they give (``exactloss certify``).

:func:`certify` runs every applicable checker -- Theorem 3.4 (when ``N <= d + 1``), Lemma 3.5 (exact form),
Theorem 3.8 (when a layer has ``n_k >= N - 1``), the quantitative Lemma 3.5 (``details.loss_bound``) and,
when no exact form holds, Lemma 3.5 at a certified nearby point -- and summarises them: a global minimum
(an exact critical point beats a nearby certified one), else the certified loss bound, else undecided when
some conclusion rests on an undecided premise (the summary never drops a conditional verdict and names the
premise in ``missing``), else what failed.  ``numbers="float"`` takes the float64 path
(:mod:`exactloss.floatpath`): rank certificates with rigorous rounding bounds, and the quantitative
bound certified only when every input is a float64 number exactly.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from exactloss.arith.systems import Float
from exactloss.errors import InputError
from exactloss.evidence import Result
from exactloss.floatpath.certificates import full_column_rank_float
from exactloss.floatpath.transfer import certify_layer_float
from exactloss.net.backprop import backprop
from exactloss.paper.instances import DEFAULT_ACTIVATION
from exactloss.paper.lemma_3_5.at_scale import lemma_3_5_float
from exactloss.paper.lemma_3_5.exact import lemma_3_5
from exactloss.paper.lemma_3_5.nearby import lemma_3_5_nearby
from exactloss.paper.lemma_3_5.quantitative import lemma_3_5_bound
from exactloss.paper.premises import auto_system, prepare
from exactloss.paper.theorem_3_4 import theorem_3_4
from exactloss.paper.theorem_3_8 import theorem_3_8


def certify(params: Any, data: Any, activation: str = DEFAULT_ACTIVATION, loss: str = "squared", layer: int | None = None,
            numbers: str = "ball", digits: int = 40) -> Result:
    """Every applicable checker on a user's point; ``details.loss_bound`` from the quantitative Lemma 3.5."""
    t0 = time.perf_counter()
    net, P, X, Y, ell = prepare(params, data, activation, loss)
    N = int(X.shape[0])
    if numbers not in ("exact", "ball", "float", "auto"):
        raise InputError(f"--numbers {numbers!r}: use exact, ball or float")
    if numbers == "float":
        return _certify_float(net, P, X, Y, ell, layer)
    if numbers == "exact":
        if auto_system(net.activation, ell).name != "exact":
            raise InputError(f"--numbers exact needs a rational sigma and l; {net.activation.describe()} / "
                             f"{ell.describe()} are not: use --numbers ball")
    num = "auto" if numbers == "exact" else numbers
    runs, bound = applicable_runs(net, P, X, Y, ell, layer, num, digits)
    checks = []
    for name, r in runs:
        if isinstance(r, str):
            checks.append({"check": name, "holds": None, "level": None, "note": r})
        else:
            checks.append({"check": name, "holds": r.holds, "level": r.level, "failed_hypothesis": r.failed_hypothesis,
                           "missing": r.missing, "reason": r.reason})
    loss_bound = bound.details.get("loss_bound") if isinstance(bound, Result) else None
    holds, level, reason, missing = summary(runs, checks, loss_bound)
    return Result("certify", holds, level, "which of the paper's results apply at this point, and what they give",
                  reason, {"widths": list(net.widths), "N": N, "activation": net.activation.describe(),
                           "loss": ell.describe()},
                  {"checks": checks, "loss_bound": loss_bound,
                   "quantitative": bound.to_json() if isinstance(bound, Result) else None},
                  missing=missing, seconds=time.perf_counter() - t0)


def applicable_runs(net: Any, P: Any, X: Any, Y: Any, ell: Any, layer: int | None, numbers: str, digits: int
                    ) -> tuple[list[tuple[str, Result | str]], Result | None]:
    """The checkers that apply at the point, run in ``numbers`` (``auto``/``ball``): ``(name, result)`` pairs,
    or ``(name, why not applicable)``; and the quantitative Lemma 3.5's result (None when L < 2)."""
    N = int(X.shape[0])
    bound = None
    runs: list[tuple[str, Result | str]] = []
    if net.L >= 1:
        if N <= net.widths[0] + 1:
            runs.append(("theorem-3.4", theorem_3_4(P, (X, Y), net.activation, ell, numbers, digits)))
        else:
            runs.append(("theorem-3.4", f"not applicable: N = {N} > d + 1 = {net.widths[0] + 1}"))
    if net.L >= 2:
        runs.append(("lemma-3.5", lemma_3_5(P, (X, Y), net.activation, ell, layer, numbers, digits)))
        wide = layer if layer is not None else None
        if any(net.widths[k] >= N - 1 for k in range(1, net.L)) or layer is not None:
            runs.append(("theorem-3.8", theorem_3_8(P, (X, Y), net.activation, ell, wide, numbers, digits)))
        else:
            runs.append(("theorem-3.8", f"not applicable: no layer with n_k >= N - 1 = {N - 1}; see Section 5 "
                                        "(exactloss check theorem-5.3)"))
        bound = lemma_3_5_bound(P, (X, Y), net.activation, ell, layer, digits)
        runs.append(("lemma-3.5 (quantitative)", bound))
        if not any(isinstance(r, Result) and r.holds and "quantitative" not in n for n, r in runs):
            runs.append(("lemma-3.5 (nearby)", lemma_3_5_nearby(P, (X, Y), net.activation, ell, layer, digits)))
    return runs, bound


def summary(runs: list[tuple[str, Result | str]], checks: list[dict], loss_bound: float | None
            ) -> tuple[bool | None, str | None, str, str | None]:
    """``(holds, level, reason, missing)`` of :func:`certify` from the rows of its checks (module docstring)."""
    global_min = [c for c in checks if c["holds"] is True and "quantitative" not in c["check"]]
    # an exact critical point (proved) beats a nearby certified one in the summary
    global_min.sort(key=lambda c: "nearby" in c["check"])
    if global_min:
        best = global_min[0]
        holds, level = True, best["level"]
        reason = (f"global minimum by {best['check']} ({best['level']})" if "nearby" not in best["check"] else
                  f"a global minimum (exact layer-critical point, Lemma 3.5) lies within "
                  f"{[r for n, r in runs if n == best['check']][0].details['radius']:.3g} of the given parameters "
                  f"(certified)" + (f"; Phi <= {loss_bound:.6g} here" if loss_bound is not None else ""))
    elif loss_bound is not None:
        holds, level = True, "certified"
        reason = (f"not proved to be a critical point; certified: Phi - min Phi <= Phi <= {loss_bound:.6g} "
                  "(quantitative Lemma 3.5)")
    elif any(c.get("missing") for c in checks):
        # a conclusion that rests on an undecided premise is undecided, and the summary names that premise
        holds, level = None, None
        reason = ("no check holds, and the conclusion of " + ", ".join(c["check"] for c in checks if c.get("missing"))
                  + " rests on an undecided premise (details.checks)")
    else:
        holds, level = False, None
        reason = "nothing certified: " + "; ".join(f"{c['check']}: {c.get('failed_hypothesis') or c.get('note') or c.get('reason', '')[:80]}"
                                                    for c in checks)
    undecided = [c for c in checks if c.get("missing") and "quantitative" not in c["check"]]
    if undecided and holds is not None:
        # the summary never drops a conditional verdict: say which checks stayed undecided, and on what
        reason += "; undecided: " + "; ".join(f"{c['check']} (missing: {c['missing']})" for c in undecided)
    by_premise: dict[str, list[str]] = {}
    for c in checks:
        if c.get("missing"):
            by_premise.setdefault(c["missing"], []).append(c["check"])
    missing = None if holds is not None else "; ".join(f"{m} ({', '.join(names)})" for m, names in by_premise.items())
    return holds, level, reason, missing


def _certify_float(net: Any, P: Any, X: Any, Y: Any, ell: Any, layer: int | None) -> Result:
    """Float path: rank certificates from :mod:`exactloss.floatpath.transfer`; for the squared loss the bound of
    :func:`exactloss.paper.lemma_3_5.at_scale.lemma_3_5_float` (certified when the inputs are float64 numbers), else numerical."""
    F = Float()
    if net.L < 2:
        raise InputError("certify --numbers float needs a hidden layer (L >= 2)")
    N = int(X.shape[0])
    k = layer if layer is not None else max(range(1, net.L), key=lambda q: (net.widths[q], -q))
    g = backprop(net, P, X, Y, ell, F)
    # the squared loss's certified bound certifies s_k = sigma_min of the exact [F_k, 1_N] itself (O(N^3)); its
    # rank fact is reused, and the separate rank certificate runs only when that one did not decide
    rq = lemma_3_5_float(net, P, X, Y, k) if ell.name == "squared" else None
    s_key = f"s_{k} = sigma_min([F_{k}, 1_N]) (lower)"
    # ... but only when the bound is about the given numbers: for inputs that are not float64 numbers (1/3) its
    # factors are about the float64-rounded inputs, and the rank of the exact matrix at the given ones needs the
    # conversion error that certify_layer_float counts
    exact_inputs = rq is not None and rq.details.get("inputs_rounded") == []
    s_k = ((rq.details or {}).get("factors") or {}).get(s_key) if exact_inputs else None
    if s_k is not None:
        rank = {"full": True, "level": "certified", "certifies": rq.details.get("certifies"), "sigma_min_lower": s_k}
    else:
        cert, info = certify_layer_float(net, P, X, k)
        rank = {"full": cert.full, "level": cert.level, "certifies": info.get("certifies"),
                "sigma_min_lower": cert.sigma_min_lower if cert.full else None}
    gnorm = float(np.sqrt(np.sum(g.grad_W[k] ** 2) + np.sum(g.grad_b[k] ** 2)))
    denom = rank["sigma_min_lower"]
    ms = []
    for l in range(k + 1, net.L + 1):
        m = float(np.min(np.abs(net.activation.d(F, g.forward.G[l - 1]))))
        ms.append(m)
        if denom is not None:
            denom *= m
        if l < net.L and denom is not None:
            wc = full_column_rank_float(F.array(P.W[l]))
            denom = denom * wc.sigma_min_lower if wc.full else None
    loss_bound = (gnorm / (2 * denom)) ** 2 if denom and ell.name == "squared" else None
    bound_level = "numerical"
    note = ""
    if ell.name == "squared":
        # every factor with rigorous float64 error bounds (exactloss.paper.lemma_3_5.at_scale.lemma_3_5_float); its statement is
        # about the float64 numbers, so it certifies the user's point only when every input is a float64 exactly
        dyadic = all(float(x) == x for A in (*P.W, *P.b, X, Y) for x in np.asarray(A, dtype=object).flat)
        if rq.holds and rq.details.get("loss_bound") is not None:
            if dyadic:
                loss_bound, bound_level = float(rq.details["loss_bound"]), rq.level
            else:
                note = " (certified only for the float64-rounded inputs: the given rationals are not float64 numbers)"
    checks = [{"check": f"rank([F_{k}, 1_N]) = N", "holds": rank["full"], "level": rank["level"],
               "certifies": rank["certifies"]},
              {"check": "lemma-3.5 (quantitative), float", "holds": loss_bound is not None, "level": bound_level,
               "loss_bound": loss_bound}]
    if bound_level == "certified":
        return Result("certify", True, "certified", "which of the paper's results apply at this point (float64 path)",
                      f"certified: Phi - min Phi <= Phi <= {loss_bound:.6g} (quantitative Lemma 3.5, every factor with "
                      "rigorous float64 error bounds)", {"widths": list(net.widths), "N": N},
                      {"checks": checks, "loss_bound": loss_bound, "Phi_float": float(g.phi),
                       "quantitative": rq.to_json()})
    return Result("certify", loss_bound is not None, "numerical" if loss_bound is not None else None,
                  "which of the paper's results apply at this point (float64 path)",
                  (f"numerical: Phi <= {loss_bound:.6g} (gradient norm and sigma' in float64, not rigorous; the rank "
                   f"factor is {rank['level']}){note}; use --numbers ball for a certified bound") if loss_bound is not None else
                  "condition (1) not certified in float64: no bound",
                  {"widths": list(net.widths), "N": N}, {"checks": checks, "loss_bound": loss_bound,
                                                         "Phi_float": float(g.phi)})
