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
