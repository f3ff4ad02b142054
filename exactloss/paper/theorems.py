"""Theorem 3.4, Lemma 3.5 (exact form), Theorem 3.8 and Corollary 3.9 as checkers with certificates.

Contract.  Each checker takes a point (parameters), data ``(X, Y)``, sigma and
l, evaluates Lemma 2.1 in exact arithmetic when sigma and l are rational
functions (``numbers="auto"``) or in arb ball arithmetic otherwise, and
returns a :class:`~exactloss.evidence.Result` whose ``clauses`` are the
hypotheses in the paper's order, each with its certificate, and whose
``failed_hypothesis`` names the first one that fails.

* **Critical point.**  Proved only when every gradient entry is exactly 0
  (rationals, or balls that are exactly 0).  A gradient that is small but
  not zero is *not* a critical point: the checker says so, gives its
  Frobenius norm, and points to the quantitative Lemma 3.5
  (:mod:`exactloss.paper.lemma_3_5.quantitative`, ``exactloss certify``).
* **Assumption 3.2** comes from :mod:`exactloss.paper.assumptions` (imported
  lazily).  The proofs of Theorem 3.4 and Lemma 3.5 use of it only
  ``sigma'(G_l) != 0`` at the point (checked here, entrywise) and 3.2.3 for
  ``l``; they do not use 3.2.2's boundedness/growth clause ("(a) or (b)"),
  which no rational sigma can satisfy (a bounded rational function has equal
  limits at +-oo, and none decays exponentially).  So on exact instances with
  ``sigma = t + t**3`` the conclusion is *proved by replaying the proof*, and
  the reason says that the stated theorem's Assumption 3.2.2 fails.  Any other
  failing clause (not analytic, not increasing, 3.2.1, 3.2.3) is a failed
  hypothesis.  Theorem 3.8's proof needs all of 3.2 (Lemmas 4.3/4.4); when
  3.2.2(a)/(b) fails or is undecided there, the conclusion is still proved if
  Lemma 3.5 applies directly at the point (``rank([F_k, 1_N]) = N``).
* **Undecided premises** (:func:`_assemble`, one rule for every checker): a
  premise the proof uses that is undecided -- a clause of Assumption 3.2 such as
  3.2.3 for a user loss, a rank, a gradient ball containing 0 -- makes the
  conclusion undecided: ``holds = None``, level None, and ``missing`` names the
  premise.  A conditional conclusion is never reported as ``holds``.
* **Proof replay** (Theorem 3.4, Lemma 3.5): ``[F_k, 1_N]^T Delta_{k+1} = 0``
  and rank N give ``Delta_{k+1} = 0``; ``Delta_l = (Delta_{l+1} W_{l+1}^T) o
  sigma'(G_l)`` with ``sigma' != 0`` and ``rank W_{l+1} = n_{l+1}`` give
  ``Delta_{l+1} = 0``; finally ``Delta_L = l'(F_L - Y) o sigma'(G_L) = 0`` gives
  ``l'(F_L - Y) = 0``, and by 3.2.3 every residual is a global minimum of l, so
  Phi is minimal.  Each step lists its matrix, shape and rank.

>>> import exactloss.paper.theorems as T
>>> P, X, Y = T.global_minimum_instance((3, 3, 2), N=3, seed=1)
>>> r = T.theorem_3_4(P, (X, Y), activation="t + t**3")
>>> r.holds, r.level
(True, 'proved')
"""

from __future__ import annotations

import itertools
import math
import random
import sys
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Sequence

import numpy as np
from flint import arb, fmpq, fmpq_mat

from exactloss.net.backprop import Gradients, backprop
from exactloss.errors import AssumptionError, InputError, NotExactError
from exactloss.evidence import Result, Verdict, conjunction, weakest
from exactloss.arith.functions import ScalarFunction
from exactloss.net.files import as_data, as_parameters
from exactloss.net.losses import loss as _loss
from exactloss.net.network import Network, Parameters, random_data
from exactloss.arith.systems import Ball, Exact, NumberSystem, system as _system
from exactloss.net.rank import full_column_rank, full_row_rank, with_ones

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


def _not_applicable(name: str, statement: str, av: Verdict, hard: str, info: dict, net: Network, X: np.ndarray,
                    ell: ScalarFunction) -> Result:
    return Result(name, False, av.level, statement, f"the theorem does not apply: {av.reason}",
                  {"widths": list(net.widths), "N": int(X.shape[0]), "activation": net.activation.describe(),
                   "loss": ell.describe()}, {"assumption_3_2": info}, (av,), failed_hypothesis=hard)


# ---------------------------------------------------------------------------
# small helpers on entries of any system
# ---------------------------------------------------------------------------


def _is_zero(x: Any) -> bool | None:
    """Exactly zero?  True/False for rationals; balls: True only for the exact 0 ball, False if 0 excluded."""
    if isinstance(x, arb):
        if x.is_zero():
            return True
        return None if x.contains(0) else False
    if isinstance(x, (float, np.floating)):
        return True if x == 0 else None  # a float is never a proof of non-zero-ness of the true value
    return x == 0


def _all_zero(arrays: Sequence[np.ndarray]) -> bool | None:
    vals = [_is_zero(x) for A in arrays for x in np.asarray(A).flat]
    if any(v is False for v in vals):
        return False
    if all(v is True for v in vals):
        return True
    return None


def _sq_norm(arrays: Sequence[np.ndarray], S: NumberSystem) -> Any:
    with S.scope():
        tot = S.scalar(0)
        for A in arrays:
            for x in np.asarray(A).flat:
                tot = tot + x * x
    return tot


def _upper_float(x: Any) -> float:
    """A float >= x (balls: the upper end; rationals: rounded up; beyond float range: inf)."""
    if isinstance(x, arb):
        if x.is_zero():
            return 0.0
        if not x.is_finite():
            return math.inf
        return float(np.nextafter(float(x.upper()), np.inf))  # float(arb) rounds to nearest (inf beyond range)
    if isinstance(x, fmpq):
        x = Fraction(int(x.p), int(x.q))
    if isinstance(x, int) and not isinstance(x, bool):
        x = Fraction(x)
    if isinstance(x, Fraction):
        try:
            f = float(x)  # correctly rounded
        except OverflowError:
            return math.inf if x > 0 else -sys.float_info.max
        return f if Fraction(f) >= x else float(np.nextafter(f, np.inf))
    return float(x)


def _abs_min(A: np.ndarray) -> Any:
    """min |A_ij| as an element (balls: rigorous; exact: exact)."""
    best = None
    for x in A.flat:
        v = abs(x)
        if best is None:
            best = v
        elif isinstance(v, arb):
            best = best.min(v) if isinstance(best, arb) else arb(best).min(v)
        elif v < best:
            best = v
    return best


def _fmt(S: NumberSystem, x: Any) -> str:
    v = S.format(x, 8) if not S.is_float else float(x)
    s = str(v)
    return s if len(s) < 70 else s[:30] + "..." + s[-12:]


# ---------------------------------------------------------------------------
# clauses (hypotheses)
# ---------------------------------------------------------------------------


def gradient_clause(pt: Point, layers: Sequence[int] | None = None, claim: str | None = None) -> tuple[Verdict, dict]:
    """``grad_{W_l} Phi = 0`` and ``grad_{b_l} Phi = 0`` for the layers given (default: all)."""
    ls = list(layers) if layers is not None else list(range(1, pt.L + 1))
    arrays = [pt.g.grad_W[l - 1] for l in ls] + [pt.g.grad_b[l - 1] for l in ls]
    S = pt.S
    sq = _sq_norm(arrays, S)
    norm_up = math.sqrt(_upper_float(sq)) if _upper_float(sq) > 0 else 0.0
    zero = _all_zero(arrays)
    which = "all layers" if layers is None else "layer(s) " + ", ".join(map(str, ls))
    claim = claim or f"critical point: gradient of Phi = 0 ({which})"
    info = {"gradient_norm_upper": norm_up, "gradient_norm_squared": _fmt(S, sq), "layers": ls}
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
        try:
            from exactloss.floatpath.verified import certify_layer_float  # type: ignore

            # certified for the exact F_k only through the forward-error transfer; otherwise the certificate is
            # about the float64 matrix, which says nothing certain about the point: then it is numerical
            fc, info = certify_layer_float(pt.net, pt.P, pt.X, k)
            exact = bool(fc.full) and "exact matrix" in str(info.get("certifies", ""))
            level = fc.level if exact else ("numerical" if fc.full else None)
            v = Verdict(f"rank({name}) = N = {pt.N}", fc.full if fc.full or exact else None, level,
                        f"float64: {fc.method}; sigma_min >= {fc.sigma_min_lower}; certifies "
                        f"{info.get('certifies')}")
            return v, {**fc.to_json(), **{k2: v2 for k2, v2 in info.items() if isinstance(v2, (str, float, int))}}
        except (ImportError, AttributeError):
            raise InputError("float numbers are not available for rank certificates yet; use --numbers ball") from None
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
        m = _abs_min(D)
    claim = f"sigma'(G_{l}) != 0 entrywise"
    vals = [_is_zero(x) for x in D.flat]
    if any(v is True for v in vals):
        return Verdict(claim, False, S.level if S.level != "numerical" else "numerical",
                       "sigma'(G) has an exact zero entry"), {"min_abs": _fmt(S, m)}
    if S.is_float:
        return Verdict(claim, True, "numerical", f"min |sigma'(G_{l})| ~ {float(m):.6g}"), {"min_abs": float(m)}
    if all(v is False for v in vals):
        return Verdict(claim, True, S.level, f"min |sigma'(G_{l})| = {_fmt(S, m)}"), {"min_abs": _fmt(S, m)}
    return Verdict(claim, None, None, "a ball of sigma'(G) contains 0"), {"min_abs": _fmt(S, m)}


UNUSED_NOTE = "The proof does not use this clause"


def assumption_clause(sigma: ScalarFunction, ell: ScalarFunction, X: np.ndarray,
                      strict_growth: bool) -> tuple[Verdict, str | None, str | None, dict]:
    """Assumption 3.2 via :mod:`exactloss.paper.assumptions` (imported lazily), split into what the proof uses.

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
    try:
        from exactloss.paper.assumptions import assumption_3_2  # type: ignore
    except (ImportError, AttributeError):
        return (Verdict(claim, None, None, "exactloss.paper.assumptions is not available: Assumption 3.2 is not decided"),
                None, "Assumption 3.2 (exactloss.paper.assumptions not available)", {})
    r = assumption_3_2(sigma, ell, X)
    details = {"holds": r.holds, "level": r.level, "failed": r.failed_hypothesis, "reason": r.reason,
               "clauses": [c.to_json() for c in r.clauses]}
    if r.holds is True:
        return Verdict(claim, True, r.level, "every clause holds (exactloss.paper.assumptions)"), None, None, details
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


# ---------------------------------------------------------------------------
# the proof replay
# ---------------------------------------------------------------------------


def replay(pt: Point, k: int) -> tuple[bool | None, list[dict]]:
    """Replay the induction ``Delta_{k+1} = 0 => ... => Delta_L = 0 => l'(F_L - Y) = 0`` on the point."""
    S = pt.S
    steps: list[dict] = []
    L = pt.L
    name = "[X, 1_N]" if k == 0 else f"[F_{k}, 1_N]"
    rv, rinfo = rank_with_ones_clause(pt, k)
    d0 = _all_zero([pt.g.Delta[k]])
    steps.append({"step": f"[grad_W{k + 1}; grad_b{k + 1}^T] = {name}^T Delta_{k + 1} = 0 and rank {name} = N "
                          f"=> Delta_{k + 1} = 0",
                  "matrix": name, "shape": [pt.N, pt.g.forward.F[k].shape[1] + 1], "rank": rinfo.get("rank"),
                  "premise": rv.holds, "Delta_is_zero": d0})
    ok = [rv.holds, d0]
    for l in range(k + 1, L):
        sv, sinfo = sigma_prime_clause(pt, l)
        wv, winfo = weight_rank_clause(pt, l + 1)
        d = _all_zero([pt.g.Delta[l]])
        steps.append({"step": f"Delta_{l} = (Delta_{l + 1} W_{l + 1}^T) o sigma'(G_{l}) = 0, sigma'(G_{l}) != 0 "
                              f"=> Delta_{l + 1} W_{l + 1}^T = 0; rank W_{l + 1} = n_{l + 1} => Delta_{l + 1} = 0",
                      "matrix": f"W_{l + 1}", "shape": list(pt.P.W[l].shape), "rank": winfo.get("rank"),
                      "min_abs_sigma_prime": sinfo.get("min_abs"), "premise": conjunction((sv.holds, wv.holds)),
                      "Delta_is_zero": d})
        ok += [sv.holds, wv.holds, d]
    sv, sinfo = sigma_prime_clause(pt, L)
    with S.scope():
        R = pt.g.forward.F[L] - S.array(pt.Y)
        dl = pt.ell.d(S, R)
    z = _all_zero([dl])
    steps.append({"step": f"Delta_{L} = l'(F_{L} - Y) o sigma'(G_{L}) = 0, sigma'(G_{L}) != 0 => l'(F_{L} - Y) = 0 "
                          "=> (3.2.3) every residual is a global minimum of l => Phi is globally minimal",
                  "min_abs_sigma_prime": sinfo.get("min_abs"), "premise": sv.holds, "l_prime_is_zero": z,
                  "Phi": _fmt(S, pt.g.phi)})
    ok += [sv.holds, z]
    return conjunction(ok), steps


def _assemble(name: str, statement: str, pt: Point, hyps: list[tuple[Verdict, str | None]], extra_clauses: list[Verdict],
              details: dict, conclusion: str, hard_assumption: str | None,
              missing_assumption: str | None = None) -> Result:
    """The verdict from the premises, in three-valued logic (one rule for every theorem checker).

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


# ---------------------------------------------------------------------------
# Theorem 3.4
# ---------------------------------------------------------------------------

STATEMENT_3_4 = ("Assumptions 3.2 and rank([X, 1_N]) = N: every critical point whose weights W_l, l in [2, L], "
                 "have full column rank is a global minimum")


def theorem_3_4(params: Any, data: Any, activation: Any = "sigmoid", loss: Any = "squared", numbers: Any = "auto",
                digits: int = 40) -> Result:
    """Theorem 3.4 on a given point: hypotheses with certificates, the proof's induction replayed."""
    net, P, X, Y, ell = prepare(params, data, activation, loss)
    av, hard, amissing, ainfo = assumption_clause(net.activation, ell, X, strict_growth=False)
    if hard:
        return _not_applicable("Theorem 3.4", STATEMENT_3_4, av, hard, ainfo, net, X, ell)
    pt = load_point(P, (X, Y), net.activation, ell, numbers, digits)
    rv, rinfo = rank_with_ones_clause(pt, 0)
    cv, cinfo = gradient_clause(pt)
    hyps: list[tuple[Verdict, str | None]] = [(av, None), (rv, "rank([X, 1_N]) = N"), (cv, "critical point")]
    for l in range(2, pt.L + 1):
        wv, _ = weight_rank_clause(pt, l)
        hyps.append((wv, f"rank(W_{l}) = n_{l}"))
    ok, steps = replay(pt, 0)
    sig = [sigma_prime_clause(pt, l)[0] for l in range(1, pt.L + 1)]
    for s in sig:
        hyps.append((s, s.claim))
    details = {"assumption_3_2": ainfo, "rank_X1": rinfo, "gradient": cinfo, "proof_replay": steps,
               "Phi": _fmt(pt.S, pt.g.phi)}
    res = _assemble("Theorem 3.4", STATEMENT_3_4, pt, hyps, [], details,
                    f"global minimum: every hypothesis holds and the proof's induction Delta_1 = 0 => ... => "
                    f"Delta_L = 0 => l'(F_L - Y) = 0 replays on this point (Phi = {_fmt(pt.S, pt.g.phi)})", hard, amissing)
    return _replay_consistent(res, ok)


# ---------------------------------------------------------------------------
# Lemma 3.5 (exact form)
# ---------------------------------------------------------------------------

STATEMENT_3_5 = ("Assumptions 3.2; if for some k in [L-1] (1) rank([F_k, 1_N]) = N, (2) rank(W_l) = n_l for "
                 "l in [k+2, L], (3) grad_{W_{k+1}} Phi = 0 and grad_{b_{k+1}} Phi = 0, the point is a global minimum")


def lemma_3_5(params: Any, data: Any, activation: Any = "sigmoid", loss: Any = "squared", layer: int | None = None,
              numbers: Any = "auto", digits: int = 40) -> Result:
    """Lemma 3.5, exact form: conditions (1)-(3) for layer k (default: the widest layer with n_k >= N - 1)."""
    net, P, X, Y, ell = prepare(params, data, activation, loss)
    av, hard, amissing, ainfo = assumption_clause(net.activation, ell, X, strict_growth=False)
    if hard:
        return _not_applicable("Lemma 3.5", STATEMENT_3_5, av, hard, ainfo, net, X, ell)
    pt = load_point(P, (X, Y), net.activation, ell, numbers, digits)
    k = _choose_layer(pt, layer, need_wide=False)
    rv, rinfo = rank_with_ones_clause(pt, k)
    hyps: list[tuple[Verdict, str | None]] = [(av, None), (rv, f"(1) rank([F_{k}, 1_N]) = N")]
    for l in range(k + 2, pt.L + 1):
        wv, _ = weight_rank_clause(pt, l)
        hyps.append((wv, f"(2) rank(W_{l}) = n_{l}"))
    cv, cinfo = gradient_clause(pt, [k + 1], f"(3) grad_W{k + 1} Phi = 0 and grad_b{k + 1} Phi = 0")
    hyps.append((cv, f"(3) grad_{{W_{k + 1}, b_{k + 1}}} Phi = 0"))
    for l in range(k + 1, pt.L + 1):
        s, _ = sigma_prime_clause(pt, l)
        hyps.append((s, s.claim))
    ok, steps = replay(pt, k)
    details = {"k": k, "assumption_3_2": ainfo, "rank": rinfo, "gradient": cinfo, "proof_replay": steps,
               "Phi": _fmt(pt.S, pt.g.phi)}
    res = _assemble("Lemma 3.5", STATEMENT_3_5, pt, hyps, [], details,
                    f"global minimum: conditions (1)-(3) hold for k = {k} and the proof replays "
                    f"(Phi = {_fmt(pt.S, pt.g.phi)})", hard, amissing)
    return _replay_consistent(res, ok)


def _replay_consistent(res: Result, ok: bool | None) -> Result:
    """Every hypothesis holds, so every step of the replay must hold; otherwise say so loudly (never 'holds')."""
    if res.holds is True and ok is not True:  # pragma: no cover - would contradict the theorem or reveal a bug
        from dataclasses import replace

        return replace(res, holds=None, level=None, missing="a step of the proof replay (details.proof_replay)",
                       reason="the hypotheses hold but a step of the proof replay did not: please report this "
                       "instance (details.proof_replay)")
    return res


def _choose_layer(pt: Point, layer: int | None, need_wide: bool) -> int:
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
# Theorem 3.8 and Corollary 3.9
# ---------------------------------------------------------------------------

STATEMENT_3_8 = ("Assumptions 3.2 and n_k >= N - 1: every critical point that is non-degenerate on "
                 "{(W_l, b_l) : l in I} for some I with k+1 in I subset of {k+1..L}, and has rank(W_l) = n_l for "
                 "l in [k+2, L], is a global minimum")
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


def theorem_3_8(params: Any, data: Any, activation: Any = "sigmoid", loss: Any = "squared", layer: int | None = None,
                numbers: Any = "auto", digits: int = 40, local_minimum: bool = False, max_block: int = 400) -> Result:
    """Theorem 3.8 (``local_minimum=True``: Corollary 3.9) on a given point.

    ``layer`` k: if given, ``n_k < N - 1`` or non-pyramidal widths above k are
    bad input (an :class:`AssumptionError` saying what cannot hold and
    offering Section 5); if not given, the widest layer is used and a failing
    width is reported as the failed hypothesis.
    """
    from exactloss.net.hessian import SecondOrder, nonsingularity

    name = "Corollary 3.9" if local_minimum else "Theorem 3.8"
    statement = STATEMENT_3_9 if local_minimum else STATEMENT_3_8
    net, P, X, Y, ell = prepare(params, data, activation, loss)
    av, hard, amissing, ainfo = assumption_clause(net.activation, ell, X, strict_growth=True)
    if hard and "(a) or (b)" not in hard:
        return _not_applicable(name, statement, av, hard, ainfo, net, X, ell)
    pt = load_point(P, (X, Y), net.activation, ell, numbers, digits)
    k = _choose_layer(pt, layer, need_wide=True)
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
    # non-degeneracy: search the subsets I, smallest first
    tried = []
    found = None
    # the search runs also when only criticality fails/is undecided: non-degeneracy is useful information
    # at an approximate critical point (and Krawczyk-type certificates build on it)
    if all(v.holds is not False for v, label in hyps[1:] if label != "critical point"):
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
        hyps.append((nv, "non-degenerate on some I containing k+1"))
        if local_minimum and found:
            pdv = Verdict(f"local minimum: block Hessian on I = {set(I)} positive definite", c.positive_definite,
                          c.level if c.positive_definite is not None else None,
                          "all leading principal minors > 0" if c.positive_definite else
                          ("a leading principal minor is negative: the non-singular block has a negative eigenvalue, "
                           "so the point is not a local minimum (second-order necessary condition)"
                           if c.positive_definite is False else "definiteness undecided"))
            hyps.append((pdv, "local minimum"))
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
                  (f", I = {sorted(found[0])}" if found else "")) + f" (Phi = {_fmt(pt.S, pt.g.phi)})")
    return _assemble(name, statement, pt, hyps, extra, details, conclusion, hard, amissing)


def corollary_3_9(params: Any, data: Any, activation: Any = "sigmoid", loss: Any = "squared", layer: int | None = None,
                  numbers: Any = "auto", digits: int = 40) -> Result:
    """Corollary 3.9: Theorem 3.8 plus 'local minimum' (the non-degenerate block is positive definite)."""
    return theorem_3_8(params, data, activation, loss, layer, numbers, digits, local_minimum=True)


# ---------------------------------------------------------------------------
# instances where exact critical points exist
# ---------------------------------------------------------------------------


def _rand_matrix(rng: random.Random, rows: int, cols: int, den: int = 2, scale: int = 1) -> np.ndarray:
    out = np.empty((rows, cols), dtype=object)
    for idx in np.ndindex(rows, cols):
        out[idx] = Fraction(rng.randint(-scale * den, scale * den), den)
    return out


def _forward_exact(widths: Sequence[int], activation: str, P: Parameters, X: np.ndarray) -> np.ndarray:
    net = Network(widths, activation)
    F = net.forward(P, X, Exact()).F[-1]
    return np.vectorize(lambda x: Fraction(int(x.p), int(x.q)), otypes=[object])(F)


def global_minimum_instance(widths: Sequence[int], N: int, seed: int = 0, activation: str = "t + t**3",
                            zero_layers: Sequence[int] = ()) -> tuple[Parameters, np.ndarray, np.ndarray]:
    """Random small rational parameters, distinct rational samples, targets ``Y = F_L``: an exact critical
    point (Phi = 0, the global minimum).  ``zero_layers``: set those ``W_l`` to 0 (to break full rank)."""
    rng = random.Random(seed)
    widths = tuple(int(w) for w in widths)
    Ws, bs = [], []
    for l in range(1, len(widths)):
        W = _rand_matrix(rng, widths[l - 1], widths[l])
        if l in zero_layers:
            W[:, :] = Fraction(0)
        Ws.append(W)
        bs.append(_rand_matrix(rng, 1, widths[l])[0])
    P = Parameters(tuple(Ws), tuple(bs))
    X, _ = random_data(N, widths[0], None, seed=seed + 1000, denominator=2, scale=1)
    Y = _forward_exact(widths, activation, P, X)
    return P, X, Y


def collapsed_instance(widths: Sequence[int], N: int, seed: int = 0, activation: str = "t + t**3"
                       ) -> tuple[Parameters, np.ndarray, np.ndarray]:
    """A critical point that is *not* a global minimum (squared loss): ``W_1 = W_2 = 0`` makes every row of
    ``F_l`` equal; targets ``Y = F_L + Z`` with ``Z`` of zero column sums.  Then ``Delta_1 = 0`` (because
    ``W_2 = 0``) and every other gradient ``F_{l-1}^T Delta_l`` is a constant row times zero column sums:
    the point is critical, with ``Phi = ||Z||_F^2 > 0``."""
    if len(widths) < 3:
        raise InputError("collapsed_instance needs L >= 2")
    P, X, _ = global_minimum_instance(widths, N, seed, activation, zero_layers=(1, 2))
    rng = random.Random(seed + 7)
    m = widths[-1]
    Z = np.empty((N, m), dtype=object)
    for j in range(m):
        col = [Fraction(rng.randint(-4, 4), 4) for _ in range(N - 1)]
        if all(c == 0 for c in col):
            col[0] = Fraction(1, 2)
        col.append(-sum(col))
        Z[:, j] = col
    Y = _forward_exact(widths, activation, P, X) + Z
    return P, X, Y


def top_layer_solved_instance(widths: Sequence[int], N: int, seed: int = 0) -> tuple[Parameters, np.ndarray, np.ndarray]:
    """Identity sigma, squared loss: random lower layers and random targets; the top layer solved exactly
    from the normal equations ``[F_{L-1}, 1]^T ([F_{L-1}, 1] [W_L; b_L^T] - Y) = 0`` (fmpq_mat), so
    ``grad_{W_L, b_L} Phi = 0`` exactly.  With ``n_{L-1} + 1 < N`` the residual is not 0.

    The normal equations are always consistent but singular when ``[F_{L-1}, 1]`` has rank below
    ``n_{L-1} + 1`` (e.g. ``N < n_{L-1} + 1``, the default (3, 3, 2) with N = 3): one exact solution is taken
    from the reduced row echelon form, free unknowns set to 0."""
    rng = random.Random(seed)
    widths = tuple(int(w) for w in widths)
    P, X, _ = global_minimum_instance(widths, N, seed, "identity")
    Y = np.empty((N, widths[-1]), dtype=object)
    for idx in np.ndindex(Y.shape):
        Y[idx] = Fraction(rng.randint(-6, 6), 3)
    net = Network(widths, "identity")
    F = net.forward(P, X, Exact()).F[-2]
    E = with_ones(F, Exact())
    A = fmpq_mat(E.shape[0], E.shape[1], list(E.flat))
    At = A.transpose()
    B = fmpq_mat(N, widths[-1], [fmpq(y.numerator, y.denominator) for y in Y.flat])
    theta = _solve_consistent(At * A, At * B)
    n = widths[-2]
    W = np.array([[Fraction(int(theta[i, j].p), int(theta[i, j].q)) for j in range(widths[-1])] for i in range(n)],
                 dtype=object)
    b = np.array([Fraction(int(theta[n, j].p), int(theta[n, j].q)) for j in range(widths[-1])], dtype=object)
    return P.replace_layer(len(widths) - 1, W, b), X, Y


def _solve_consistent(M: fmpq_mat, R: fmpq_mat) -> fmpq_mat:
    """One exact solution ``T`` of the consistent system ``M T = R`` (M square, possibly singular): reduced row
    echelon form of ``[M | R]``, free unknowns 0.  Checked: ``M T == R`` exactly."""
    n, c = M.nrows(), R.ncols()
    aug = fmpq_mat(n, n + c, [M[i, j] if j < n else R[i, j - n] for i in range(n) for j in range(n + c)])
    E, rank = aug.rref()
    T = fmpq_mat(n, c, [0] * (n * c))
    for i in range(rank):
        piv = next(j for j in range(n + c) if E[i, j] != 0)
        if piv >= n:  # pragma: no cover - the normal equations are always consistent
            raise ArithmeticError("inconsistent normal equations")
        for j in range(c):
            T[piv, j] = E[i, n + j]
    if M * T != R:  # pragma: no cover - would be a bug in the elimination above
        raise ArithmeticError("normal equations not solved exactly")
    return T
