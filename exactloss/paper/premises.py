"""The premises the theorem checkers share, and the one rule that turns them into a verdict.

Theorem 3.4, Lemma 3.5 (exact, nearby), Theorem 3.8 and Corollary 3.9 all
evaluate Lemma 2.1 at a :class:`Point` (parameters, data, sigma, l) in exact
arithmetic when sigma and l are rational functions (``numbers="auto"``) or in
arb ball arithmetic otherwise, and check the same kinds of hypotheses, each a
:class:`~exactloss.evidence.Verdict` with its certificate:

* **Critical point** (:func:`gradient_clause`).  Proved only when every gradient
  entry is exactly 0 (rationals, or balls that are exactly 0).  A gradient that
  is small but not zero is *not* a critical point: the clause says so, gives its
  Frobenius norm, and points to the quantitative Lemma 3.5
  (:mod:`exactloss.paper.lemma_3_5.quantitative`, ``exactloss certify``).
* **Ranks** ``rank([F_k, 1_N]) = N`` (:func:`rank_with_ones_clause`) and
  ``rank(W_l) = n_l`` (:func:`weight_rank_clause`), and ``sigma'(G_l) != 0``
  entrywise (:func:`sigma_prime_clause`).
* **Assumption 3.2** (:func:`assumption_clause`) comes from
  :mod:`exactloss.paper.assumption_3_2`.  The proofs of Theorem 3.4 and Lemma 3.5
  use of it only ``sigma'(G_l) != 0`` at the point (checked entrywise) and 3.2.3
  for ``l``; they do not use 3.2.2's boundedness/growth clause ("(a) or (b)"),
  which no rational sigma can satisfy (a bounded rational function has equal
  limits at +-oo, and none decays exponentially).  So on exact instances with
  ``sigma = t + t**3`` the conclusion is *proved by replaying the proof*, and the
  reason says that the stated theorem's Assumption 3.2.2 fails.  Any other
  failing clause (not analytic, not increasing, 3.2.1, 3.2.3) is a failed
  hypothesis.  Theorem 3.8's proof needs all of 3.2 (Lemmas 4.3/4.4).

**An undecided premise makes the conclusion undecided** (:func:`assemble`, one
rule for every checker): a premise the proof uses that is undecided -- a clause
of Assumption 3.2 such as 3.2.3 for a user loss, a rank, a gradient ball
containing 0 -- gives ``holds = None``, level None, and ``missing`` names the
premise.  A conditional conclusion is never reported as ``holds``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from exactloss.arith.entries import abs_min, all_zero, fmt, is_zero, sq_norm, upper_float
from exactloss.arith.functions import ScalarFunction
from exactloss.arith.systems import Ball, Exact, NumberSystem, system as _system
from exactloss.errors import InputError, NotExactError
from exactloss.evidence import Result, Verdict, weakest
from exactloss.floatpath.transfer import certify_layer_float
from exactloss.net.backprop import Gradients, backprop
from exactloss.net.files import as_data, as_parameters
from exactloss.net.losses import loss as _loss
from exactloss.net.network import Network, Parameters
from exactloss.net.rank import full_column_rank, full_row_rank, with_ones
from exactloss.paper import assumption_3_2

# ---------------------------------------------------------------------------
# the point
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Point:
    """A network, its parameters, data and loss, with Lemma 2.1 evaluated in one number system."""

    net: Network
    P: Parameters
    X: np.ndarray
    Y: np.ndarray
    ell: ScalarFunction
    S: NumberSystem
    g: Gradients

    @property
    def N(self) -> int:
        return int(self.X.shape[0])

    @property
    def L(self) -> int:
        return self.net.L

    def describe(self) -> dict:
        return {"widths": list(self.net.widths), "N": self.N, "activation": self.net.activation.describe(),
                "loss": self.ell.describe(), **self.S.describe()}


def auto_system(sigma: ScalarFunction, ell: ScalarFunction, digits: int = 40) -> NumberSystem:
    """``exact`` when sigma, sigma', sigma'', l, l', l'' are rational functions, else ``ball``."""
    E = Exact()
    try:
        for f in (sigma, ell):
            for order in (0, 1, 2):
                f._fn(E, order)
        return E
    except (NotExactError, InputError):
        return Ball.from_digits(digits)


def prepare(params: Any, data: Any, activation: Any = "sigmoid", loss: Any = "squared"
            ) -> tuple[Network, Parameters, np.ndarray, np.ndarray, ScalarFunction]:
    """Read parameters/data (objects or files) and check their shapes against each other."""
    P = as_parameters(params)
    X, Y = as_data(data, need_Y=True)
    net = Network(P.widths, activation)
    net.check_parameters(P)
    net.check_data(X, Y)
    ell = _loss(loss)
    if net.activation.generic or ell.generic:
        raise InputError("theorem checks need a concrete activation and loss (not 'generic')")
    return net, P, X, Y, ell


def load_point(params: Any, data: Any, activation: Any = "sigmoid", loss: Any = "squared",
               numbers: Any = "auto", digits: int = 40) -> Point:
    """:func:`prepare`, then Lemma 2.1 in ``numbers`` (``auto``: exact for rational sigma and l, else ball)."""
    net, P, X, Y, ell = prepare(params, data, activation, loss)
    S = auto_system(net.activation, ell, digits) if numbers in (None, "auto") else _system(numbers, digits)
    if S.name not in ("exact", "ball", "float", "mpmath"):
        raise InputError(f"theorem checks run in exact, ball, mpmath or float numbers, not {S.name}")
    g = backprop(net, P, X, Y, ell, S)
    return Point(net, P, X, Y, ell, S, g)


def not_applicable(name: str, statement: str, av: Verdict, hard: str, info: dict, net: Network, X: np.ndarray,
                   ell: ScalarFunction) -> Result:
    """The result "the theorem does not apply" when a clause of Assumption 3.2 that the proof uses fails."""
    return Result(name, False, av.level, statement, f"the theorem does not apply: {av.reason}",
                  {"widths": list(net.widths), "N": int(X.shape[0]), "activation": net.activation.describe(),
                   "loss": ell.describe()}, {"assumption_3_2": info}, (av,), failed_hypothesis=hard)


# ---------------------------------------------------------------------------
# clauses (hypotheses)
# ---------------------------------------------------------------------------


def gradient_clause(pt: Point, layers: Sequence[int] | None = None, claim: str | None = None) -> tuple[Verdict, dict]:
    """``grad_{W_l} Phi = 0`` and ``grad_{b_l} Phi = 0`` for the layers given (default: all)."""
    ls = list(layers) if layers is not None else list(range(1, pt.L + 1))
    arrays = [pt.g.grad_W[l - 1] for l in ls] + [pt.g.grad_b[l - 1] for l in ls]
    S = pt.S
    sq = sq_norm(arrays, S)
    norm_up = math.sqrt(upper_float(sq)) if upper_float(sq) > 0 else 0.0
    zero = all_zero(arrays)
    which = "all layers" if layers is None else "layer(s) " + ", ".join(map(str, ls))
    claim = claim or f"critical point: gradient of Phi = 0 ({which})"
    info = {"gradient_norm_upper": norm_up, "gradient_norm_squared": fmt(S, sq), "layers": ls}
    if zero is True:
        # exact zeros: proved (rationals) / certified (zero balls) / numerical (a float 0.0 says nothing rigorous)
        return Verdict(claim, True, S.level, f"every gradient entry is exactly 0 ({S.name} arithmetic)"), info
    tail = ("; the theorem needs an exact critical point -- a small gradient is not zero. "
            "For a rigorous loss bound at this approximate critical point use the quantitative Lemma 3.5 "
            "(`exactloss certify`, details.loss_bound), or `exactloss check lemma-3.5 --form nearby` to certify an "
            "exact layer-critical point (hence a global minimum) near this one")
    if zero is False:
        lvl = S.level if S.level != "numerical" else "numerical"
        return Verdict(claim, False, lvl, f"the gradient is not 0: ||grad||_F <= {norm_up:.6g} "
                       f"(||grad||_F^2 = {info['gradient_norm_squared']})" + tail), info
    return Verdict(claim, None, None, f"undecided: the gradient entries are balls containing 0 but not exactly 0 "
                   f"(||grad||_F <= {norm_up:.6g}); {S.name} arithmetic cannot prove an exact zero" + tail), info


def rank_with_ones_clause(pt: Point, k: int) -> tuple[Verdict, dict]:
    """``rank([F_k, 1_N]) = N`` (F_0 = X: exact always)."""
    F = pt.g.forward.F[k]
    name = "[X, 1_N]" if k == 0 else f"[F_{k}, 1_N]"
    if k == 0 or pt.S.level == "proved":
        M = with_ones(Exact().array(pt.X) if k == 0 else F, Exact())
        c = full_row_rank(M, "exact")
    elif isinstance(pt.S, Ball):
        c = full_row_rank(with_ones(F, pt.S), pt.S)
    else:
        # certified for the exact F_k only through the forward-error transfer; otherwise the certificate is
        # about the float64 matrix, which says nothing certain about the point: then it is numerical
        fc, info = certify_layer_float(pt.net, pt.P, pt.X, k)
        exact = bool(fc.full) and "exact matrix" in str(info.get("certifies", ""))
        level = fc.level if exact else ("numerical" if fc.full else None)
        v = Verdict(f"rank({name}) = N = {pt.N}", fc.full if fc.full or exact else None, level,
                    f"float64: {fc.method}; sigma_min >= {fc.sigma_min_lower}; certifies "
                    f"{info.get('certifies')}")
        return v, {**fc.to_json(), **{k2: v2 for k2, v2 in info.items() if isinstance(v2, (str, float, int))}}
    claim = f"rank({name}) = N = {pt.N}"
    n_cols = F.shape[1] + 1
    if c.full:
        why = (f"exact rank {c.rank} of the {pt.N} x {n_cols} matrix" if c.level == "proved"
               else f"arb proves the {pt.N} x {pt.N} submatrix on columns {list(c.columns)} invertible; "
                    f"sigma_min >= {c.sigma_min_lower}")
        return Verdict(claim, True, c.level, why), c.to_json()
    if c.full is False:
        extra = f" (the matrix has only {n_cols} columns)" if n_cols < pt.N else ""
        return Verdict(claim, False, c.level, f"rank is {c.rank} < N = {pt.N}{extra}"), c.to_json()
    return Verdict(claim, None, None, c.note or "ball arithmetic could not decide the rank"), c.to_json()


def weight_rank_clause(pt: Point, l: int) -> tuple[Verdict, dict]:
    """``rank(W_l) = n_l`` (full column rank), exact: the weights are rationals."""
    W = pt.P.W[l - 1]
    n_in, n_out = W.shape
    claim = f"rank(W_{l}) = n_{l} = {n_out}"
    if n_in < n_out:
        return Verdict(claim, False, "proved", f"W_{l} is {n_in} x {n_out} with n_{l - 1} = {n_in} < n_{l} = {n_out}: "
                       "full column rank is impossible (the widths are not pyramidal)"), {"shape": [n_in, n_out]}
    c = full_column_rank(W, "exact")
    if c.full:
        return Verdict(claim, True, "proved", f"exact rank {c.rank}"), c.to_json()
    return Verdict(claim, False, "proved", f"exact rank {c.rank} < {n_out}"), c.to_json()


def sigma_prime_clause(pt: Point, l: int) -> tuple[Verdict, dict]:
    """``sigma'(G_l)`` has no zero entry (what the proofs use of 'strictly increasing')."""
    S = pt.S
    with S.scope():
        D = pt.net.activation.d(S, pt.g.forward.G[l - 1])
        m = abs_min(D)
    claim = f"sigma'(G_{l}) != 0 entrywise"
    vals = [is_zero(x) for x in D.flat]
    if any(v is True for v in vals):
        return Verdict(claim, False, S.level if S.level != "numerical" else "numerical",
                       "sigma'(G) has an exact zero entry"), {"min_abs": fmt(S, m)}
    if S.is_float:
        return Verdict(claim, True, "numerical", f"min |sigma'(G_{l})| ~ {float(m):.6g}"), {"min_abs": float(m)}
    if all(v is False for v in vals):
        return Verdict(claim, True, S.level, f"min |sigma'(G_{l})| = {fmt(S, m)}"), {"min_abs": fmt(S, m)}
    return Verdict(claim, None, None, "a ball of sigma'(G) contains 0"), {"min_abs": fmt(S, m)}


UNUSED_NOTE = "The proof does not use this clause"


def assumption_clause(sigma: ScalarFunction, ell: ScalarFunction, X: np.ndarray,
                      strict_growth: bool) -> tuple[Verdict, str | None, str | None, dict]:
    """Assumption 3.2 via :func:`exactloss.paper.assumption_3_2.assumption_3_2`, split into what the proof uses.

    Returns ``(clause, hard, missing, details)``:

    * ``clause`` -- the verdict on Assumption 3.2 as stated (shown among the result's clauses);
    * ``hard`` -- the name of a clause the proof uses that *fails* (the theorem does not apply), or None;
    * ``missing`` -- the name of a clause the proof uses that is *undecided* (the conclusion is then
      undecided, never ``holds``), or None;
    * details.

    ``strict_growth``: whether 3.2.2's "(a) bounded or (b) growth" is used (Theorem 3.8, via Lemmas 4.3/4.4)
    or not (Theorem 3.4 and Lemma 3.5, whose proofs use of 3.2.2 only ``sigma'(G_l) != 0`` at the point --
    checked separately -- and the differentiability that analyticity gives).  Every other clause (3.2.1,
    analytic, strictly increasing, 3.2.3) counts as used: a clause that fails or is undecided there is a hard
    failure or a missing premise.  Only (a)/(b) with ``strict_growth=False`` may fail or stay undecided without
    affecting the conclusion, and the clause's reason then says so.
    """
    claim = "Assumption 3.2 (3.2.1 distinct samples, 3.2.2 sigma, 3.2.3 l)"
    r = assumption_3_2.assumption_3_2(sigma, ell, X)
    details = {"holds": r.holds, "level": r.level, "failed": r.failed_hypothesis, "reason": r.reason,
               "clauses": [c.to_json() for c in r.clauses]}
    if r.holds is True:
        return Verdict(claim, True, r.level, "every clause holds (exactloss.paper.assumption_3_2)"), None, None, details
    growth = [c for c in r.clauses if c.claim.startswith(("3.2.2(a)", "3.2.2(b)"))]
    others = [c for c in r.clauses if c not in growth]
    hard = next((c for c in others if c.holds is False), None)
    if hard is not None:
        return (Verdict(claim, False, hard.level, f"fails: {hard.claim} -- {hard.reason}"),
                f"Assumption {hard.claim}", None, details)
    open_ = next((c for c in others if c.holds is None), None)
    if open_ is not None:
        missing = f"Assumption {open_.claim}"
        return (Verdict(claim, None, None, f"{open_.claim} is not decided ({open_.reason}); the proof uses this "
                        "clause"), None, missing, details)
    # every clause but (a)/(b) holds; r.holds is not True, so neither (a) nor (b) was shown
    growth_fails = bool(growth) and all(c.holds is False for c in growth)
    if growth_fails:
        text = "fails: 3.2.2 sigma is neither bounded (a) nor growth-bounded (b) -- " + growth[0].reason
        level, verdict = r.level, False
    else:
        text = ("undecided: 3.2.2 (a) bounded or (b) growth -- " +
                "; ".join(f"{c.claim}: {c.verdict} ({c.reason})" for c in growth)) if growth else \
            "undecided: 3.2.2 (a) bounded or (b) growth -- " + r.reason
        level, verdict = None, None
    if not strict_growth:
        return Verdict(claim, verdict, level, text + ". " + UNUSED_NOTE + " (of 3.2.2 it uses only "
                       "sigma'(G_l) != 0 at the point, checked below; every other clause of 3.2 holds), so the "
                       "conclusion rests on the proof replayed at the point"), None, None, details
    name = "Assumption 3.2.2 (a) or (b): sigma bounded or growth-bounded"
    if growth_fails:
        return Verdict(claim, False, level, text), name, None, details
    return Verdict(claim, None, None, text), None, name, details


def choose_layer(pt: Point, layer: int | None, need_wide: bool) -> int:
    """The layer k of Lemma 3.5 / Theorem 3.8: ``layer`` if given (checked to be in [L-1]), else the widest
    layer with ``n_k >= N - 1`` (the widest of all when none is that wide; the lowest among equals)."""
    L = pt.L
    if L < 2:
        raise InputError(f"this result needs a hidden layer k in [L-1], but the network has L = {L}")
    if layer is not None:
        k = int(layer)
        if not 1 <= k <= L - 1:
            raise InputError(f"--layer {k}: k must be in [L-1] = 1..{L - 1}")
        return k
    wide = [k for k in range(1, L) if pt.net.widths[k] >= pt.N - 1]
    if wide:
        return max(wide, key=lambda k: (pt.net.widths[k], -k))
    return max(range(1, L), key=lambda k: (pt.net.widths[k], -k))


# ---------------------------------------------------------------------------
# the verdict
# ---------------------------------------------------------------------------


def assemble(name: str, statement: str, pt: Point, hyps: list[tuple[Verdict, str | None]], extra_clauses: list[Verdict],
             details: dict, conclusion: str, hard_assumption: str | None,
             missing_assumption: str | None = None) -> Result:
    """The verdict from the premises, in three-valued logic (one rule for every theorem checker): an undecided
    premise makes the conclusion undecided.

    ``hyps[0]`` is Assumption 3.2 as :func:`assumption_clause` returned it, with ``hard_assumption`` /
    ``missing_assumption`` saying whether a clause *the proof uses* fails / is undecided; ``hyps[1:]`` are the
    other premises, each used.  Then:

    * a premise that fails -> ``holds = False``, ``failed_hypothesis`` names the first one;
    * else a premise that is undecided -> ``holds = None``, level None, ``missing`` names it (all of them);
    * else -> ``holds = True`` at the weakest level among the premises.  Assumption 3.2 as stated may then
      still fail or be undecided only in 3.2.2's (a)/(b) when the proof provably does not use them
      (:func:`assumption_clause`); its clause says so and the reason repeats it.
    """
    clauses = tuple(v for v, _ in hyps) + tuple(extra_clauses)
    av = hyps[0][0]
    for v, label in hyps[1:]:
        if v.holds is False:
            also = f" (also: {hard_assumption})" if hard_assumption else ""
            return Result(name, False, v.level, statement, f"the theorem does not apply: {v.claim} fails -- {v.reason}"
                          + also, pt.describe(), details, clauses, failed_hypothesis=label or v.claim)
    if hard_assumption is not None:
        return Result(name, False, av.level, statement, f"the theorem does not apply: {hard_assumption}; {av.reason}",
                      pt.describe(), details, clauses, failed_hypothesis=hard_assumption)
    undecided = ([(missing_assumption, av.reason)] if missing_assumption else []) + \
        [(label or v.claim, f"{v.claim}: {v.reason}") for v, label in hyps[1:] if v.holds is None]
    if undecided:
        return Result(name, None, None, statement,
                      "undecided (the conclusion needs every premise): " + "; ".join(why for _, why in undecided),
                      pt.describe(), details, clauses, missing="; ".join(what for what, _ in undecided))
    if av.holds is not True and UNUSED_NOTE not in av.reason:
        # an assumption clause that is neither True nor explicitly unused never lets a conclusion through
        return Result(name, None, None, statement, f"undecided: Assumption 3.2 is not established ({av.reason})",
                      pt.describe(), details, clauses, missing="Assumption 3.2")
    level = weakest(*([v.level for v, _ in hyps[1:]] + ([av.level] if av.holds is True else [])))
    reason = conclusion if av.holds is True else conclusion + f". Note: {av.reason}"
    return Result(name, True, level, statement, reason, pt.describe(), details, clauses)
