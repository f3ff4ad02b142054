"""Re-checking a saved certificate without trusting its verdict (``exactloss verify``).

A result saved with ``--json`` records how it was produced (``source``: the
check's name and arguments) and its evidence (``details``).  :func:`verify`
re-derives the verdict independently:

* a result type with a **dedicated verifier** (registered with
  :func:`register_verifier`) is re-checked from its saved evidence at higher
  precision -- e.g. Lemma 4.3's points, direction, beta and alpha_0 are
  re-certified, so a lowered alpha_0 or two equal points are caught;
* any other result is **replayed**: the check runs again from its saved
  arguments (at higher precision where the check takes ``digits``), and the
  recomputed verdict and level must match the saved ones (a stronger level is
  fine, a weaker one or a different verdict is not).

A ``check all --json`` record is verified row by row.  The answer is itself a
:class:`~exactloss.evidence.Result`: ``holds=True`` means "verified".

>>> import exactloss as xl
>>> saved = xl.check("lemma-2.1", widths="2,2", samples=2).to_json()
>>> verify(saved).holds
True
>>> saved["holds"] = False            # tampered verdict
>>> verify(saved).holds
False
"""

from __future__ import annotations

import inspect
import time
from typing import Any, Callable, Mapping

from .errors import ExactlossError, FileFormatError
from .evidence import Result, Verdict, level_rank, weakest

Verifier = Callable[[Result, int], Result]
_VERIFIERS: dict[str, Verifier] = {}


def register_verifier(result_name: str) -> Callable[[Verifier], Verifier]:
    """Register a dedicated verifier ``fn(saved: Result, digits: int) -> Result`` for a result type."""

    def deco(fn: Verifier) -> Verifier:
        _VERIFIERS[result_name] = fn
        return fn

    return deco


def _as_result(source: Any) -> Result:
    from .report import load_result, result_from_record

    if isinstance(source, Result):
        return source
    if isinstance(source, Mapping):
        return result_from_record(source)
    return load_result(source)


def verify(source: Any, digits: int = 60) -> Result:
    """Verify a saved result (a path, a ``--json`` dict or a :class:`Result`); see the module docstring."""
    from . import registry

    registry.checks()  # load every module, so dedicated verifiers are registered
    saved = _as_result(source)
    t0 = time.perf_counter()
    if saved.result == "check all":
        out = _verify_all(saved, digits)
    elif saved.result in _VERIFIERS:
        out = _VERIFIERS[saved.result](saved, digits)
    else:
        out = replay(saved, digits)
    return Result(out.result, out.holds, out.level, out.statement, out.reason, out.instance, out.details,
                  out.clauses, out.failed_hypothesis, time.perf_counter() - t0)


def replay(saved: Result, digits: int = 60) -> Result:
    """Run the saved check again from its arguments and compare verdict and level."""
    from . import registry

    name = f"verification of {saved.result}"
    src = saved.source or {}
    check, args = src.get("check"), src.get("arguments")
    if not check or args is None:
        return Result(name, False, None, reason="the saved result does not record replayable arguments "
                      "(it was produced from Python objects); save it from the command line with --json")
    try:
        chk = registry.get(check)
    except ExactlossError as exc:
        return Result(name, False, None, reason=f"cannot replay: {exc}")
    kwargs = dict(args)
    params = inspect.signature(chk.func).parameters
    if "digits" in params:
        kwargs["digits"] = max(int(kwargs.get("digits") or 0), digits)
    try:
        again = chk.run(**kwargs)
    except ExactlossError as exc:
        return Result(name, False, None, reason=f"the replay was refused: {exc}")
    same = again.holds == saved.holds
    strong = level_rank(again.level) >= level_rank(saved.level)
    ok = same and strong
    if ok:
        why = (f"replayed `{check}` from the saved arguments" + (f" at {kwargs['digits']} digits" if "digits" in kwargs
               else "") + f": {again.verdict} [{again.level}], as saved ({saved.verdict} [{saved.level}])")
    elif not same:
        why = (f"the saved verdict says {saved.verdict} but the replay of `{check}` gives {again.verdict} "
               f"[{again.level}]: {again.reason}")
    else:
        why = f"the saved level {saved.level} is stronger than the replay's {again.level}: the certificate overclaims"
    return Result(name, ok, again.level if ok else None, statement=saved.statement, reason=why,
                  instance=saved.instance, details={"replayed": again.to_json()})


def _verify_all(saved: Result, digits: int) -> Result:
    rows = saved.details.get("checks") if isinstance(saved.details, Mapping) else None
    if not isinstance(rows, list) or not rows:
        raise FileFormatError("a `check all` record without rows; save it with `exactloss check all --json`")
    clauses = []
    levels = []
    for row in rows:
        rec = row.get("record") if isinstance(row, Mapping) else None
        label = f"{row.get('paper', '?')}: {row.get('instance', '')}" if isinstance(row, Mapping) else "?"
        if rec is None:
            clauses.append(Verdict(label, False, None, "no saved record in this row (old format?)"))
            continue
        try:
            v = verify(rec, digits)
        except ExactlossError as exc:
            v = Result(label, False, None, reason=str(exc))
        clauses.append(Verdict(label, v.holds, v.level, v.reason))
        levels.append(v.level)
    ok = all(c.holds is True for c in clauses)
    bad = [c.claim for c in clauses if c.holds is not True]
    return Result("verification of check all", ok, weakest(*levels) if ok else None,
                  reason=(f"all {len(clauses)} saved results re-verified" if ok else
                          f"{len(bad)} of {len(clauses)} did not verify: " + "; ".join(bad[:5])),
                  clauses=tuple(clauses))


# ---------------------------------------------------------------------------
# Lemma 4.3: re-certify the saved evidence itself
# ---------------------------------------------------------------------------


@register_verifier("Lemma 4.3")
def _verify_lemma_4_3(saved: Result, digits: int) -> Result:
    """Lemma 4.3 from its saved evidence, at higher precision, in four independent steps:

    1. the saved points are pairwise distinct (exact; Assumption 3.2.1);
    2. the saved direction orders them strictly (exact projections, k = 1) and agrees with the construction;
    3. alpha_0: the saved argument is re-run at twice the precision *at the saved alpha_0* (the Cauchy
       argument needs sigmoid/tanh and distinct projections), and det E(alpha) is enclosed in arb at
       alpha_0, 2 alpha_0 and 10 alpha_0 -- each ball must exclude 0 with the limit's sign;
    4. every saved witness: ``rank([F_k, 1_N]) = N`` recomputed from its parameters in ball arithmetic.
    """
    from fractions import Fraction

    import numpy as np

    from .alpha0 import _ok_bounded, _ok_softplus, cauchy_alpha0
    from .construction import build
    from .network import Network, Parameters, duplicate_rows
    from .numbers import Ball, rational_matrix
    from .rank import full_row_rank, with_ones

    name = "verification of Lemma 4.3"
    d, inst = saved.details, saved.instance
    steps: list[Verdict] = []

    def fail(why: str) -> Result:
        steps.append(Verdict(why, False, None, ""))
        return Result(name, False, None, statement=saved.statement, reason=why, instance=inst,
                      clauses=tuple(steps))

    try:
        X = rational_matrix(d["points"], "points")
        order = [int(i) for i in d["order"]]
        a1 = [int(v) for v in d["direction_layer1"]]
        beta = Fraction(str(d["beta"]))
        alpha0 = Fraction(str(d["alpha0"])) if d.get("alpha0") is not None else None
        widths, k, act = inst["widths"], int(inst["layer"]), inst["activation"]
    except (KeyError, TypeError, ValueError, ExactlossError) as exc:
        raise FileFormatError(f"the saved Lemma 4.3 result lacks its evidence ({exc}); save it with --json") from None
    prec = max(256, int(digits * 3.33) + 32)

    dup = duplicate_rows(X)
    if dup:
        i, j = dup[0]
        return fail(f"points {i + 1} and {j + 1} are equal: Assumption 3.2.1 fails and no construction exists")
    steps.append(Verdict("the saved points are pairwise distinct", True, "proved", "exact comparison"))
    if sorted(order) != list(range(X.shape[0])):
        return fail("the saved order is not a permutation of the samples")
    # the saved points are listed in the order used (sorted by their projection); `order` maps them to data rows
    proj = [sum((Fraction(a) * x for a, x in zip(a1, row)), Fraction(0)) for row in X]
    if k == 1 and any(p >= q for p, q in zip(proj, proj[1:])):
        return fail("the saved direction does not order the points strictly (a^T z_i not increasing)")
    try:
        cons = build(X, widths, k, act, beta)
    except ExactlossError as exc:
        return fail(f"the construction cannot be rebuilt from the saved evidence: {exc}")
    if list(cons.a1) != a1 or list(cons.order) != list(range(X.shape[0])):
        if k != 1:
            return fail("the saved direction/order differ from the construction's")
        from dataclasses import replace as _replace

        cons = _replace(cons, a1=tuple(a1), order=tuple(range(X.shape[0])), proj1=tuple(proj), _cache={})
    steps.append(Verdict("the direction orders the points strictly", True, "proved" if k == 1 else "certified",
                         "exact projections" if k == 1 else "construction rebuilt"))

    level = "proved"
    if alpha0 is None:
        return fail("the saved result certifies no alpha_0")
    if d.get("alpha0_for_every_positive_alpha"):
        if alpha0 != 0 or cauchy_alpha0(cons) is None:
            return fail("the saved 'every alpha > 0' claim does not apply (sigmoid/tanh only, alpha_0 = 0)")
        steps.append(Verdict("det E(alpha) != 0 for every alpha > 0", True, "proved",
                             "Cauchy determinant: premises (sigmoid/tanh, distinct projections) re-checked"))
        probes = [Fraction(1, 10), Fraction(1), Fraction(10)]
    else:
        if alpha0 <= 0:
            return fail(f"alpha_0 = {alpha0} is not positive: E(0) has rank <= 2, so no certificate can start there")
        lev = d.get("alpha0_level")
        if lev == "proved" and d.get("alpha0_proved"):
            from .alpha0_exact import exact_alpha0

            again = exact_alpha0(cons)
            if again is None or again.alpha0 is None or alpha0 < again.alpha0:
                return fail(f"alpha_0 = {alpha0} is below the proved threshold "
                            f"{None if again is None else again.alpha0} (a root of det E lies above it)")
            steps.append(Verdict(f"det E(alpha) != 0 for alpha >= {alpha0}", True, "proved",
                                 f"exact root isolation recomputed: threshold {again.alpha0}"))
        else:
            level = "certified"
            if cons.case == "a":
                ok, ratio = _ok_bounded(cons, alpha0, prec)
            else:
                cert = d.get("alpha0_certified") or {}
                c = Fraction(str(cert.get("c"))) if cert.get("c") else None
                ok, ratio = (False, float("inf")) if c is None else _ok_softplus(cons, alpha0, c, prec)
            if not ok:
                return fail(f"the alpha_0 argument does not hold at the saved alpha_0 = {alpha0} "
                            f"(re-checked at {prec} bits: ratio {ratio:.4g} is not < 1)")
            steps.append(Verdict(f"det E(alpha) != 0 for alpha >= {alpha0}", True, "certified",
                                 f"the saved argument re-run at {prec} bits: ratio {ratio:.4g} < 1"))
        probes = [alpha0, 2 * alpha0, 10 * alpha0]
    sign = cons.limit_sign()
    S = Ball(prec)
    for al in probes:
        with S.scope():
            det = S.matrix(cons.E(al, S)).det()
        if det.contains(0):
            return fail(f"det E({al}) = {S.format(det, 12)} is not certified non-zero at {prec} bits")
        if not d.get("alpha0_for_every_positive_alpha") and (1 if det > 0 else -1) != sign:
            return fail(f"det E({al}) = {S.format(det, 12)} does not have the limit's sign {sign:+d}")
    steps.append(Verdict("det E(alpha) enclosed at " + ", ".join(str(p) for p in probes), True, "certified",
                         f"arb determinants at {prec} bits exclude 0"))

    wit = d.get("witness") or {}
    for key, w in (wit.items() if isinstance(wit, Mapping) else []):
        if not isinstance(w, Mapping) or "parameters" not in w:
            continue
        P = Parameters.from_lists(w["parameters"]["W"], w["parameters"]["b"])
        net = Network(tuple(widths[: k + 1]), act)
        F = net.forward(P, X, S).F[k]
        c = full_row_rank(with_ones(F, S), S, prec)
        if not c.full:
            return fail(f"the witness {key} does not have rank([F_{k}, 1_N]) = N at {prec} bits ({c.note or c.method})")
        steps.append(Verdict(f"witness {key}: rank([F_{k}, 1_N]) = {X.shape[0]}", True, c.level, c.method))
        level = weakest(level, c.level)
    return Result(name, True, level, statement=saved.statement,
                  reason=f"every saved certificate re-checked at {prec} bits: points, direction, alpha_0 = {alpha0}, "
                         "determinant signs and witness rank", instance=inst, clauses=tuple(steps))
