"""Re-deriving a saved certificate without trusting it (``exactloss verify``).

A result saved with ``--json`` records how it was produced (``source``: the
check's name and arguments).  :func:`verify` re-derives the **whole record**
and compares every field that states a claim (the rules and the short list of
fields that state none are in :mod:`exactloss.surfaces.record_diff`):

1. the check is replayed from ``source`` at the saved precision: ``result``,
   ``statement``, ``holds``, ``level``, ``failed_hypothesis``, ``missing``,
   ``reason``, ``instance``, every clause and every number of ``details`` must
   be re-derived (exact values equal, a saved ball containing the re-derived
   enclosure, floats within ``rtol``);
2. where the check takes ``digits``, it is replayed again at a higher precision
   (``max(digits, 3/2 x the saved one)``): a decided verdict must stay, with an
   equal or stronger level, and each saved ball must contain the new, narrower
   enclosure;
3. a result type with a **dedicated re-certification**
   (:func:`exactloss.registry.register_verifier`; Lemma 4.3,
   :mod:`exactloss.paper.lemma_4_3.recheck`: points, direction, alpha_0, det E signs
   and witness rank from the saved evidence, at twice the precision) runs it too.

Any difference is NOT verified, naming the field path (``details.loss_bound``,
``clauses[2].holds``); missing evidence (no ``source``, an unknown check, a
missing or damaged field) is not verified.  A ``check all --json`` record is
verified entry by entry, and its rows, verdict and level against the entries
(:mod:`exactloss.surfaces.verify_bundle`).

Bounds (:mod:`exactloss.surfaces.replays`): the verification runs in one forked
child process (its replays share its caches); each replay has a CPU-time limit of
``timeout`` seconds (default :data:`~exactloss.surfaces.replays.TIMEOUT`,
:func:`exactloss.arith.budget.time_limit`, which cannot be swallowed) and the child
is hard-killed at ``timeout x (2 x entries + 1)`` wall-clock seconds (where
``os.fork`` is missing, only the in-process limit applies).  Arguments beyond
:data:`~exactloss.surfaces.replay_arguments.LIMITS` are refused before any work.
Untrusted files: the record is read with ``json`` only; its string arguments are
handed to the checks' expression reader only when every name in them is a known
function, variable or catalogue word
(:func:`exactloss.surfaces.replay_arguments.argument_problem`).

The answer is itself a :class:`~exactloss.evidence.Result`: ``holds=True`` means
"verified" (the saved record is what the check derives), whatever the saved verdict.

>>> import exactloss as xl
>>> saved = xl.check("lemma-2.1", widths="2,2", samples=2).to_json()
>>> verify(saved).holds
True
>>> saved["statement"] += ", for every loss"      # a rewritten statement
>>> v = verify(saved)
>>> v.holds, v.details["fields"]
(False, ['statement'])
"""

from __future__ import annotations

import inspect
import json
import os
import time
from typing import Any, Mapping

from exactloss import registry
from exactloss.errors import ExactlossError, FileFormatError
from exactloss.evidence import Result, Verdict
from exactloss.surfaces.record_diff import EXCLUDED, PRECISION_KEYS, RTOL, Difference, diff_records
from exactloss.surfaces.replay_arguments import LIMITS, argument_problem
from exactloss.surfaces.replays import TIMEOUT, in_one_child, inside_child, replay_check, run_limited
from exactloss.surfaces.report import RecordFieldError, read_record, result_from_record
from exactloss.surfaces.verify_bundle import is_bundle, verify_bundle


def verify(source: Any, digits: int = 60, rtol: float = RTOL, timeout: float = TIMEOUT) -> Result:
    """Verify a saved result (a path, a ``--json`` dict or a :class:`Result`); see the module docstring.

    Raises :class:`FileFormatError` only when the input is not an exactloss record at all (unreadable file,
    not JSON, no ``format``, a newer ``version``): the CLI's exit 2.  Everything else is a :class:`Result`.
    """
    registry.checks()  # load every module, so dedicated verifiers are registered
    record, where = _as_record(source)
    t0 = time.perf_counter()
    if inside_child() or not hasattr(os, "fork"):
        out = _verify_top(record, digits, rtol, timeout, where)
    else:
        out = _verify_in_child(record, digits, rtol, timeout, where)
    return out.with_seconds(time.perf_counter() - t0)


def _verify_top(record: dict, digits: int, rtol: float, timeout: float, where: str) -> Result:
    if is_bundle(record):
        return verify_bundle(record, digits, rtol, timeout, verify)
    return _verify_record(record, digits, rtol, timeout, where)


def _verify_in_child(record: dict, digits: int, rtol: float, timeout: float, where: str) -> Result:
    """The whole verification in one forked child (replays share its caches), hard-killed past its budget.

    Each replay inside has a CPU-time limit of ``timeout`` (:mod:`exactloss.arith.budget`); the child as a whole is
    killed at ``timeout x (2 x entries + 1)`` wall-clock seconds.  The replays it computed come back to this
    process's cache (values computed by exactloss, never read from the file).
    """
    rows = (record.get("details") or {}).get("checks") if isinstance(record.get("details"), Mapping) else None
    entries = len(rows) if is_bundle(record) and isinstance(rows, list) else 1
    hard = timeout * (2 * min(entries, 500) + 1) + 10
    status, value = in_one_child(lambda: _verify_top(record, digits, rtol, timeout, where).to_json(), hard)
    if status != "ok":
        why = {"timeout": f"did not finish within {hard:g} s and was stopped",
               "refused": f"was refused: {value}"}.get(status, f"stopped with an internal error ({value})")
        return Result(f"verification of {record.get('result', '?')}", False, None,
                      reason=f"source: the verification {why}", details={"fields": ["source"]})
    return Result.from_json(value)


def replay(saved: Any, digits: int = 60, rtol: float = RTOL, timeout: float = TIMEOUT) -> Result:
    """Steps 1 and 2 of :func:`verify` for one record (no dedicated re-certification)."""
    record, where = _as_record(saved)
    return _verify_record(record, digits, rtol, timeout, where, dedicated=False)


def _as_record(source: Any) -> tuple[dict, str]:
    """The raw JSON record (a deep copy, JSON-normalised) and the name to cite it by."""
    if isinstance(source, Result):
        record, where = source.to_json(), "<result>"
    elif isinstance(source, Mapping):
        record, where = source, "<record>"
    else:
        record, where = read_record(source)
    try:
        record = json.loads(json.dumps(record))
    except (TypeError, ValueError, RecursionError) as exc:
        raise FileFormatError(f"{where}: not a JSON record ({exc})") from None
    try:  # the envelope (object, format, version) must be readable: otherwise exit 2
        result_from_record(record, where)
    except RecordFieldError:
        pass  # a damaged field: NOT verified, reported by _verify_record
    return record, where


# ---------------------------------------------------------------------------
# one record
# ---------------------------------------------------------------------------


def _not_verified(record: Mapping, why: str, fields: list[str], steps: tuple[Verdict, ...] = (),
                  diffs: list[Difference] = (), extra: Mapping | None = None) -> Result:
    return Result(f"verification of {record.get('result', '?')}", False, None,
                  statement=str(record.get("statement", "")), reason=why, instance=record.get("instance") or {},
                  details={"fields": fields, "differences": [d.to_json() for d in diffs], **(extra or {})},
                  clauses=steps)


def _verify_record(record: dict, digits: int, rtol: float, timeout: float, where: str = "<record>",
                   dedicated: bool = True) -> Result:
    try:
        result_from_record(record, where)
    except RecordFieldError as exc:
        return _not_verified(record, f"{exc.field}: {exc}", list(exc.fields))
    src = record.get("source")
    if not isinstance(src, Mapping) or not src:
        return _not_verified(record, "source: the saved result does not record how it was produced (it was made "
                             "from Python objects, or the field was removed); save it with `exactloss check NAME "
                             "--json`", ["source"])
    check, args = src.get("check"), src.get("arguments")
    if not isinstance(check, str):
        return _not_verified(record, "source.check: no check name recorded", ["source.check"])
    if not isinstance(args, Mapping):
        return _not_verified(record, "source.arguments: the saved result does not record replayable arguments "
                             "(it was produced from Python objects); save it from the command line with --json",
                             ["source.arguments"])
    try:
        chk = registry.get(check)
    except ExactlossError as exc:
        return _not_verified(record, f"source.check: cannot replay: {exc}", ["source.check"])
    bad = argument_problem(chk, args)
    if bad:
        return _not_verified(record, f"{bad[0]}: not replayed: {bad[1]}", [bad[0]])
    kwargs = dict(args)
    steps: list[Verdict] = []
    d_opt = _digits_default(chk)
    d_saved = int(kwargs.get("digits") or d_opt or 0) if d_opt is not None else None
    at = f" at {d_saved} digits" if d_saved else ""

    # 1. the replay at the saved precision
    status, again = replay_check(chk, kwargs, timeout)
    if status != "ok":
        return _not_verified(record, f"source: the replay of `{check}`{at} {again}", ["source"])
    diffs = diff_records(record, again, higher=False, rtol=rtol)
    steps.append(Verdict(f"replay of `{check}`{at} reproduces every claim field", not diffs,
                         record.get("level") if not diffs else None, _summary(diffs) or "result, statement, holds, level, "
                         "failed_hypothesis, missing, reason, instance, details and clauses re-derived"))
    if diffs:
        return _not_verified(record, "the saved record is not what the check derives: " + _summary(diffs),
                             [d.path for d in diffs], tuple(steps), diffs, {"replayed": again})

    # 2. the replay at a higher precision
    if d_saved is not None:
        refused = _at_higher_precision(record, check, chk, kwargs, d_saved, digits, rtol, timeout, steps)
        if refused is not None:
            return refused

    # 3. a dedicated re-certification of the saved evidence
    name = record.get("result")
    fn = registry.verifier(name) if dedicated and record.get("holds") is True else None
    if fn is not None:
        refused = _recertified(record, fn, digits, timeout, steps)
        if refused is not None:
            return refused
    how = f"replayed `{check}`" + (f" at {d_saved} digits" if d_saved else " from the saved arguments")
    if len(steps) > 1 and steps[1].claim.startswith("replay at"):
        how += " and " + steps[1].claim.split(" confirms")[0].replace("replay ", "")
    return Result(f"verification of {name}", True, record.get("level"), statement=str(record.get("statement", "")),
                  reason=f"{how}: every claim field confirmed ({_verdict(record)})",
                  instance=record.get("instance") or {},
                  details={"fields": [], "differences": [], "rtol": rtol, "not_compared": _not_compared(),
                           "replayed": again},
                  clauses=tuple(steps))


def _at_higher_precision(record: dict, check: str, chk: Any, kwargs: dict, d_saved: int, digits: int, rtol: float,
                         timeout: float, steps: list[Verdict]) -> Result | None:
    """Step 2: the replay at ``max(digits, 3/2 x the saved precision)`` must keep a decided verdict and level, and
    each saved ball must contain the narrower enclosure.  Appends its step; returns the NOT verified result, or None."""
    d_hi = min(max(int(digits), d_saved * 3 // 2, d_saved + 10), LIMITS["digits"])
    if d_hi <= d_saved:
        return None
    status, hi = replay_check(chk, {**kwargs, "digits": d_hi}, timeout)
    if status != "ok":
        return _not_verified(record, f"source: the replay of `{check}` at {d_hi} digits {hi}", ["source"],
                             tuple(steps))
    diffs = diff_records(record, hi, higher=True, rtol=rtol)
    note = ""
    if record.get("holds") is None and hi.get("holds") is not None:
        note = f"; at {d_hi} digits the statement {({True: 'holds', False: 'fails'})[hi['holds']]} " \
               f"[{hi.get('level')}]"
    steps.append(Verdict(f"replay at {d_hi} digits confirms the verdict, levels and enclosures", not diffs,
                         record.get("level") if not diffs else None,
                         (_summary(diffs) or "every saved ball contains the narrower enclosure") + note))
    if diffs:
        return _not_verified(record, f"the replay at {d_hi} digits does not confirm the saved record: "
                             + _summary(diffs), [d.path for d in diffs], tuple(steps), diffs,
                             {"replayed": hi})
    return None


def _recertified(record: dict, fn: registry.Verifier, digits: int, timeout: float,
                 steps: list[Verdict]) -> Result | None:
    """Step 3: the result type's dedicated re-certification of the saved evidence (:func:`registry.verifier`),
    under the replay's time limit.  Appends its steps; returns the NOT verified result, or None."""
    name = record.get("result")
    status, out = run_limited(lambda: fn(Result.from_json(record), digits).to_json(), timeout,
                              f"the re-certification of {name}")
    if status != "ok":
        steps.append(Verdict(f"re-certification of the {name} evidence", False, None, str(out)))
        return _not_verified(record, f"details: the re-certification of the saved evidence {out}", ["details"],
                             tuple(steps))
    rc = Result.from_json(out)
    steps.append(Verdict(f"{name}: the saved evidence re-certified independently", rc.holds, rc.level, rc.reason))
    steps.extend(rc.clauses)
    if rc.holds is not True:
        return _not_verified(record, f"details: the saved evidence does not re-certify: {rc.reason}",
                             ["details"], tuple(steps))
    return None


def _verdict(record: Mapping) -> str:
    v = {True: "holds", False: "fails", None: "undecided"}.get(record.get("holds"), "?")
    return f"{v} [{record.get('level') or 'undecided'}]" + (f", missing: {record['missing']}"
                                                            if record.get("missing") else "")


def _not_compared() -> list[str]:
    return ([f"{k} (anywhere: wall-clock time)" for k in sorted(EXCLUDED)]
            + ["source (the replay's input)", "format, version (checked on reading)"]
            + [f"{k} (at the higher precision only)" for k in sorted(PRECISION_KEYS)])


def _summary(diffs: list[Difference], at_most: int = 4) -> str:
    if not diffs:
        return ""
    s = "; ".join(d.describe() for d in diffs[:at_most])
    return s + (f"; and {len(diffs) - at_most} more" if len(diffs) > at_most else "")


def _digits_default(chk: Any) -> int | None:
    """The check's default precision in digits, or None when it takes no ``digits`` argument."""
    for opt in chk.options:
        if opt.dest == "digits":
            return int(opt.default) if opt.default is not None else 0
    p = inspect.signature(chk.func).parameters.get("digits")
    if p is None:
        return None
    return int(p.default) if isinstance(p.default, int) else 0
