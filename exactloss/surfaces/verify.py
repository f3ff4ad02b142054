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
3. a result type with a **dedicated re-certification** (:func:`register_verifier`;
   Lemma 4.3: points, direction, alpha_0, det E signs and witness rank from the
   saved evidence, at twice the precision) runs it too.

Any difference is NOT verified, naming the field path (``details.loss_bound``,
``clauses[2].holds``); missing evidence (no ``source``, an unknown check, a
missing or damaged field) is not verified.  A ``check all --json`` record is
verified entry by entry, and its rows, verdict and level against the entries.

Bounds: the verification runs in one forked child process (its replays share
its caches); each replay has a CPU-time limit of ``timeout`` seconds (default
:data:`TIMEOUT`, :func:`exactloss.arith.budget.time_limit`, which cannot be
swallowed) and the child is hard-killed at ``timeout x (2 x entries + 1)``
wall-clock seconds (where ``os.fork`` is missing, only the in-process limit
applies).  Arguments beyond :data:`LIMITS` are refused before any work.
Untrusted files: the record is read with ``json`` only; its string arguments are
handed to the checks' expression reader only when every name in them is a known
function, variable or catalogue word (:func:`argument_problem`).

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

import builtins
import inspect
import json
import os
import re
import select
import signal
import tempfile
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable, Mapping

from exactloss.arith.budget import OverBudget, time_limit
from exactloss.errors import ExactlossError, FileFormatError
from exactloss.evidence import Result, Verdict, weakest
from exactloss.surfaces.record_diff import EXCLUDED, PRECISION_KEYS, RTOL, Difference, diff_records

Verifier = Callable[[Result, int], Result]
_VERIFIERS: dict[str, Verifier] = {}

TIMEOUT = 120.0  # seconds (CPU) per replay; the child process is hard-killed at the sum over the replays
# Largest argument values a replay accepts (the checks' default instances stay far below them).
LIMITS = {"samples": 5000, "width": 5000, "dim": 1000, "draws": 1000, "sweep_points": 1000, "digits": 2000,
          "max_prec": 65536, "layer": 50, "zero_layer": 50, "seed": 2**63}
MAX_LAYERS = 50
MAX_STRING = 2000
# Arguments naming files: outputs are redirected into a temporary folder, inputs are read (json/npz, no pickle).
OUTPUT_ARGS = ("plot", "witness")
PATH_ARGS = ("data", "params", *OUTPUT_ARGS)
_CACHE: "OrderedDict[str, tuple[str, Any]]" = OrderedDict()
_CACHE_SIZE = 256
_CHILD: dict[str, Any] = {"inside": False, "new": []}  # inside the verifying child: replays computed there


def register_verifier(result_name: str) -> Callable[[Verifier], Verifier]:
    """Register a dedicated re-certification ``fn(saved: Result, digits: int) -> Result`` for a result type."""

    def deco(fn: Verifier) -> Verifier:
        _VERIFIERS[result_name] = fn
        return fn

    return deco


def verify(source: Any, digits: int = 60, rtol: float = RTOL, timeout: float = TIMEOUT) -> Result:
    """Verify a saved result (a path, a ``--json`` dict or a :class:`Result`); see the module docstring.

    Raises :class:`FileFormatError` only when the input is not an exactloss record at all (unreadable file,
    not JSON, no ``format``, a newer ``version``): the CLI's exit 2.  Everything else is a :class:`Result`.
    """
    from exactloss import registry

    registry.checks()  # load every module, so dedicated verifiers are registered
    record, where = _as_record(source)
    t0 = time.perf_counter()
    if _CHILD["inside"] or not hasattr(os, "fork"):
        out = _verify_top(record, digits, rtol, timeout, where)
    else:
        out = _verify_in_child(record, digits, rtol, timeout, where)
    return out.with_seconds(time.perf_counter() - t0)


def _is_bundle(record: Mapping) -> bool:
    src = record.get("source")
    return record.get("result") == "check all" or (isinstance(src, Mapping) and src.get("check") == "all")


def _verify_top(record: dict, digits: int, rtol: float, timeout: float, where: str) -> Result:
    if _is_bundle(record):
        return _verify_bundle(record, digits, rtol, timeout, where)
    return _verify_record(record, digits, rtol, timeout, where)


def _verify_in_child(record: dict, digits: int, rtol: float, timeout: float, where: str) -> Result:
    """The whole verification in one forked child (replays share its caches), hard-killed past its budget.

    Each replay inside has a CPU-time limit of ``timeout`` (:mod:`exactloss.arith.budget`); the child as a whole is
    killed at ``timeout x (2 x entries + 1)`` wall-clock seconds.  The replays it computed come back to this
    process's cache (values computed by exactloss, never read from the file).
    """
    rows = (record.get("details") or {}).get("checks") if isinstance(record.get("details"), Mapping) else None
    entries = len(rows) if _is_bundle(record) and isinstance(rows, list) else 1
    hard = timeout * (2 * min(entries, 500) + 1) + 10

    def child() -> dict:
        _CHILD["inside"], _CHILD["new"] = True, []
        out = _verify_top(record, digits, rtol, timeout, where)
        return {"result": out.to_json(), "cache": _CHILD["new"]}

    status, value = _bounded(child, hard)
    if status != "ok":
        why = {"timeout": f"did not finish within {hard:g} s and was stopped",
               "refused": f"was refused: {value}"}.get(status, f"stopped with an internal error ({value})")
        return Result(f"verification of {record.get('result', '?')}", False, None,
                      reason=f"source: the verification {why}", details={"fields": ["source"]})
    for key, st, val in value.get("cache", []):
        _remember(key, (st, val))
    return Result.from_json(value["result"])


def _remember(key: str, entry: tuple[str, Any]) -> None:
    _CACHE[key] = entry
    _CACHE.move_to_end(key)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)


def replay(saved: Any, digits: int = 60, rtol: float = RTOL, timeout: float = TIMEOUT) -> Result:
    """Steps 1 and 2 of :func:`verify` for one record (no dedicated re-certification)."""
    record, where = _as_record(saved)
    return _verify_record(record, digits, rtol, timeout, where, dedicated=False)


def _as_record(source: Any) -> tuple[dict, str]:
    """The raw JSON record (a deep copy, JSON-normalised) and the name to cite it by."""
    from exactloss.surfaces.report import read_record, result_from_record
    from exactloss.surfaces.report import RecordFieldError

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
    from exactloss import registry
    from exactloss.surfaces.report import RecordFieldError, result_from_record

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
    status, again = _replay(chk, kwargs, timeout)
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
        d_hi = min(max(int(digits), d_saved * 3 // 2, d_saved + 10), LIMITS["digits"])
        if d_hi > d_saved:
            status, hi = _replay(chk, {**kwargs, "digits": d_hi}, timeout)
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

    # 3. a dedicated re-certification of the saved evidence
    name = record.get("result")
    if dedicated and record.get("holds") is True and name in _VERIFIERS:
        fn = _VERIFIERS[name]
        status, out = _soft(lambda: fn(Result.from_json(record), digits).to_json(), timeout,
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
    how = f"replayed `{check}`" + (f" at {d_saved} digits" if d_saved else " from the saved arguments")
    if len(steps) > 1 and steps[1].claim.startswith("replay at"):
        how += " and " + steps[1].claim.split(" confirms")[0].replace("replay ", "")
    return Result(f"verification of {name}", True, record.get("level"), statement=str(record.get("statement", "")),
                  reason=f"{how}: every claim field confirmed ({_verdict(record)})",
                  instance=record.get("instance") or {},
                  details={"fields": [], "differences": [], "rtol": rtol, "not_compared": _not_compared(),
                           "replayed": again},
                  clauses=tuple(steps))


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


# ---------------------------------------------------------------------------
# the arguments of a replay: known names, bounded sizes, no code
# ---------------------------------------------------------------------------

_MATH_NAMES = frozenset("""t a e E pi exp log ln sqrt sin cos tan tanh sinh cosh atan asin acos asinh acosh atanh
erf erfc Abs abs sign sgn Heaviside Piecewise Max Min max min relu sigmoid softplus True False""".split())
_UNSAFE_NAMES = frozenset(dir(builtins)) - {"abs", "min", "max", "True", "False"} | {"lambdify", "sympify", "parse_expr", "preview", "plot", "var", "init_printing", "srepr", "latex",
                  "python", "pprint", "symbols", "Symbol", "Function", "import", "lambda", "os", "sys"}
_FORBIDDEN_CHARS = set("'\"\\;`@[]{}$#\n\r\t\x00")
_WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
_VARIABLE = re.compile(r"^(?:[a-z]|x\d+|alpha|beta)$")


def _catalogue_words(chk: Any) -> set[str]:
    from exactloss import registry

    words: set[str] = set(_MATH_NAMES)
    for c in registry.checks():
        for inst in c.instances:
            for v in inst.kwargs.values():
                if isinstance(v, str):
                    words.update(_WORD.findall(v))
    for opt in chk.options:
        for text in (opt.help or "", str(opt.default or ""), " ".join(map(str, opt.choices or ()))):
            words.update(_WORD.findall(text))
    return words - _UNSAFE_NAMES | (_MATH_NAMES & {"abs", "min", "max", "True", "False"})


def argument_problem(chk: Any, args: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(field path, why)`` when a saved argument must not be replayed; None when it may.

    Refused: an argument the check does not take; a value that is not a JSON scalar (or a list of them);
    a size beyond :data:`LIMITS`; a string argument (other than a file name) with a quote, bracket,
    backslash, ``;``, ``__`` or a name that is not a known function, variable or catalogue word -- so a
    file cannot smuggle Python into the expression reader.
    """
    allowed = {o.dest for o in chk.options} | {n for n, p in inspect.signature(chk.func).parameters.items()
                                              if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}
    words = None
    for k, v in args.items():
        path = f"source.arguments.{k}"
        if k not in allowed:
            return path, f"`{chk.name}` takes no argument {k!r}"
        vals = v if isinstance(v, list) else [v]
        for x in vals:
            if x is not None and not isinstance(x, (bool, int, float, str)):
                return path, "not a JSON number, string or boolean"
            if isinstance(x, int) and not isinstance(x, bool) and k in LIMITS and abs(x) > LIMITS[k]:
                return path, f"{k} = {x} is beyond verify's limit {LIMITS[k]}"
            if isinstance(x, float) and k in LIMITS and not abs(x) <= LIMITS[k]:
                return path, f"{k} = {x} is beyond verify's limit {LIMITS[k]}"
            if not isinstance(x, str):
                continue
            if len(x) > MAX_STRING:
                return path, f"a string of {len(x)} characters (at most {MAX_STRING})"
            if k in PATH_ARGS:
                if "\x00" in x:
                    return path, "a file name with a NUL character"
                continue
            bad = sorted(set(x) & _FORBIDDEN_CHARS)
            if bad or "__" in x:
                return path, f"the character {('__' if not bad else bad[0])!r} is not part of any expression or name"
            if k == "widths":
                parts = [p.strip() for p in x.split(",") if p.strip()]
                if len(parts) > MAX_LAYERS or any(p.isdigit() and int(p) > LIMITS["width"] for p in parts):
                    return path, f"widths {x!r} beyond verify's limits ({MAX_LAYERS} layers, width {LIMITS['width']})"
            if words is None:
                words = _catalogue_words(chk)
            for w in _WORD.findall(x):
                if w not in words and not _VARIABLE.match(w):
                    return path, f"unknown name {w!r} (not a known function, variable or catalogue name)"
    return None


# ---------------------------------------------------------------------------
# bounded replays
# ---------------------------------------------------------------------------


def _replay(chk: Any, kwargs: Mapping[str, Any], timeout: float) -> tuple[str, Any]:
    """Run the check (in a bounded child) and return ``("ok", record JSON)`` or ``(status, why)``.

    Replays are deterministic functions of (check, arguments): successful and refused ones are cached in
    this process (only values this process computed, never values from a file).
    """
    key = json.dumps([chk.name, kwargs], sort_keys=True)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    status, value = _soft(lambda: _run_replay(chk, dict(kwargs)), timeout, f"the replay of {chk.name}")
    if status == "refused":
        value = f"was refused: {value}"
    elif status == "timeout":
        value = f"did not finish within its limit: {value}"
    elif status == "crash":
        value = f"stopped with an internal error ({value})"
    if status in ("ok", "refused"):
        _remember(key, (status, value))
        if _CHILD["inside"]:
            _CHILD["new"].append([key, status, value])
    return status, value


def _soft(fn: Callable[[], Any], timeout: float, what: str) -> tuple[str, Any]:
    """``fn()`` in this process under a CPU-time limit that cannot be swallowed (:func:`exactloss.arith.budget.time_limit`)."""
    try:
        with time_limit(timeout, what):
            value = fn()
        return "ok", json.loads(json.dumps(value))
    except ExactlossError as exc:
        return "refused", str(exc)
    except OverBudget as exc:
        return "timeout", str(getattr(exc, "reason", None) or exc or f"{timeout:g} s")
    except Exception as exc:  # an internal error is reported as not verified, never raised
        return "crash", f"{type(exc).__name__}: {exc}"


def _run_replay(chk: Any, kwargs: dict) -> dict:
    """The check's record for ``kwargs``; output files go to a temporary folder, mapped back to the saved names."""
    mapping: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="exactloss-verify-") as tmp:
        for k in OUTPUT_ARGS:
            v = kwargs.get(k)
            if isinstance(v, str) and v:
                sub = Path(tmp) / k
                sub.mkdir()
                fake = sub / ("out" + Path(v).suffix)
                mapping.append((str(fake), v))
                mapping.append((str(sub / "out"), str(Path(v).with_suffix(""))))
                kwargs[k] = str(fake)
        rec = json.loads(json.dumps(chk.run(**kwargs).to_json()))
    return _map_strings(rec, mapping) if mapping else rec


def _map_strings(obj: Any, mapping: list[tuple[str, str]]) -> Any:
    if isinstance(obj, str):
        for fake, real in mapping:
            if obj == fake:
                return real
        for fake, real in mapping:
            obj = obj.replace(fake, real)
        return obj
    if isinstance(obj, list):
        return [_map_strings(v, mapping) for v in obj]
    if isinstance(obj, dict):
        return {k: _map_strings(v, mapping) for k, v in obj.items()}
    return obj


def _bounded(fn: Callable[[], Any], timeout: float) -> tuple[str, Any]:
    """``fn()`` (a JSON value) in a forked child killed after ``timeout`` s: ``(status, value or message)``.

    status: ``ok``, ``refused`` (an :class:`ExactlossError`: its message), ``timeout`` or ``crash``.
    """
    if not hasattr(os, "fork"):  # pragma: no cover - Windows: no hard bound, in process
        try:
            return "ok", json.loads(json.dumps(fn()))
        except ExactlossError as exc:
            return "refused", str(exc)
        except Exception as exc:  # an internal error is reported, never raised
            return "crash", f"{type(exc).__name__}: {exc}"
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, write one JSON line, exit without running the parent's handlers
        code = 0
        try:
            os.close(rfd)
            try:
                out = ["ok", fn()]
            except ExactlossError as exc:
                out = ["refused", str(exc)]
            except BaseException as exc:  # noqa: BLE001 - reported to the parent as "crash"
                out = ["crash", f"{type(exc).__name__}: {exc}"]
            data = memoryview(json.dumps(out).encode())
            while data:
                data = data[os.write(wfd, data):]
        except BaseException:  # noqa: BLE001
            code = 1
        finally:
            os._exit(code)
    os.close(wfd)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    done = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([rfd], [], [], min(left, 1.0))
            if ready:
                b = os.read(rfd, 1 << 16)
                if not b:
                    done = True
                    break
                chunks.append(b)
    finally:
        os.close(rfd)
        if not done:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.waitpid(pid, 0)
    if not done:
        return "timeout", f"{timeout:g} s"
    try:
        status, value = json.loads(b"".join(chunks).decode())
    except (ValueError, UnicodeDecodeError):
        return "crash", "the replay process ended without an answer"
    return status, value


# ---------------------------------------------------------------------------
# a `check all --json` bundle, entry by entry
# ---------------------------------------------------------------------------

_BUNDLE_TOP = {"format", "version", "result", "holds", "level", "seconds", "instance", "details", "source"}
_ROW_KEYS = {"check", "paper", "instance", "holds", "expected", "level", "missing", "ok", "seconds", "reason", "record"}


def _label(kwargs: Mapping[str, Any]) -> str:
    """The row label `check all` prints for an instance without one (kept equal to the CLI's)."""
    return ", ".join(f"{k}={v}" for k, v in kwargs.items()) or "default"


def _verify_bundle(record: dict, digits: int, rtol: float, timeout: float, where: str) -> Result:
    """Every row of a ``check all --json`` record: its entry verified, the row and the totals re-derived."""
    from exactloss import registry
    from exactloss.evidence import jsonable

    name = "verification of check all"
    fields: list[str] = []
    notes: list[str] = []

    def bad(path: str, why: str) -> None:
        fields.append(path)
        notes.append(f"{path}: {why}")

    for k in record:
        if k not in _BUNDLE_TOP:
            bad(k, "not a field of a `check all` record")
    src = record.get("source")
    args = src.get("arguments") if isinstance(src, Mapping) else None
    if not isinstance(src, Mapping) or src.get("check") != "all" or not isinstance(args, Mapping) \
            or set(args) - {"only"} or not isinstance(args.get("only"), (str, type(None))):
        return Result(name, False, None, reason="source: the record does not say which checks `check all` ran "
                      "(save it again with `exactloss check all --json`)", details={"fields": ["source"]})
    rows = record.get("details", {}).get("checks") if isinstance(record.get("details"), Mapping) else None
    if not isinstance(rows, list) or not rows or not all(isinstance(r, Mapping) for r in rows):
        return Result(name, False, None, reason="details.checks: no rows; save it with `exactloss check all --json`",
                      details={"fields": ["details.checks"]})
    if set(record["details"]) - {"checks"}:
        bad("details", "unknown fields " + ", ".join(sorted(set(record["details"]) - {"checks"})))
    only = args.get("only")
    wanted = None if not only else {s.strip() for s in only.split(",") if s.strip()}
    expected = [(c, inst) for c in registry.checks() if wanted is None or c.name in wanted for inst in c.instances]
    if len(rows) != len(expected):
        bad("details.checks", f"{len(rows)} rows, but the selection {only or '(every check)'} has "
            f"{len(expected)} instances (a row added or removed)")
    clauses: list[Verdict] = []
    levels: list[str | None] = []
    oks: list[bool] = []
    for i, (row, (chk, inst)) in enumerate(zip(rows, expected)):
        p = f"details.checks[{i}]"
        label = inst.label or _label(inst.kwargs)
        before, n_before = len(fields), len(notes)
        for k in row:
            if k not in _ROW_KEYS:
                bad(f"{p}.{k}", "not a field of a row")
        rec = row.get("record")
        entry: Result | None = None
        if rec is None:
            status, out = _replay(chk, inst.kwargs, timeout)
            if status != "refused":
                bad(f"{p}.record", "missing: the row has no saved record, yet the check runs on this instance")
                want = {}
            else:
                want = {"holds": None, "level": None, "missing": None, "ok": False,
                        "reason": "error: " + out[len("was refused: "):]}
        elif not isinstance(rec, Mapping):
            bad(f"{p}.record", "not a record")
            want = {}
        else:
            rsrc = rec.get("source") if isinstance(rec.get("source"), Mapping) else {}
            if rsrc.get("check") != chk.name or rsrc.get("arguments") != jsonable(inst.kwargs):
                bad(f"{p}.record.source", f"not the default instance {label!r} of `{chk.name}`")
            try:
                entry = verify(rec, digits, rtol, timeout) if rec.get("result") != "check all" else None
            except FileFormatError as exc:
                bad(f"{p}.record", str(exc))
            if entry is None:
                if f"{p}.record" not in fields:
                    bad(f"{p}.record", "not a single result")
            elif entry.holds is not True:
                fields.extend(f"{p}.record.{f}" for f in entry.details.get("fields") or [""])
                notes.append(f"{p} ({chk.name}: {label}): {entry.reason}")
            ok = rec.get("holds") is inst.expect
            want = {"holds": rec.get("holds"), "level": rec.get("level"), "missing": rec.get("missing"), "ok": ok,
                    "reason": "" if ok else rec.get("reason")}
        want.update({"check": chk.name, "paper": chk.paper, "instance": label, "expected": inst.expect})
        for k, v in want.items():
            if k not in row:
                bad(f"{p}.{k}", "missing")
            elif row[k] != v or type(row[k]) is not type(v):
                bad(f"{p}.{k}", f"saved {row[k]!r}, re-derived {v!r}")
        levels.append(want.get("level"))
        oks.append(bool(want.get("ok")))
        row_ok = len(fields) == before
        clauses.append(Verdict(f"{chk.paper}: {label}", row_ok, (entry.level if entry else None) if row_ok else None,
                               (entry.reason if entry else "") if row_ok else "; ".join(notes[n_before:])))
    top = {"holds": all(oks) and len(rows) == len(expected), "level": weakest(*levels),
           "instance": {"checks": len(rows)}, "result": "check all"}
    for k, v in top.items():
        if record.get(k) != v or type(record.get(k)) is not type(v):
            bad(k, f"saved {record.get(k)!r}, re-derived {v!r} from the rows")
    ok = not fields
    reason = (f"all {len(rows)} saved results re-derived, and the rows, verdict and level of the record confirmed"
              if ok else f"{len(fields)} field(s) not confirmed: " + "; ".join(notes[:5]))
    return Result(name, ok, weakest(*(c.level for c in clauses)) if ok else None, reason=reason,
                  instance={"checks": len(rows)}, details={"fields": fields}, clauses=tuple(clauses))


# ---------------------------------------------------------------------------
# Lemma 4.3: re-certify the saved evidence itself
# ---------------------------------------------------------------------------


@register_verifier("Lemma 4.3")
def recertify_lemma_4_3(saved: Result, digits: int) -> Result:
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

    from exactloss.paper.lemma_4_3.alpha0 import _ok_bounded, _ok_softplus, cauchy_alpha0
    from exactloss.paper.lemma_4_3.construction import build
    from exactloss.net.network import Network, Parameters, duplicate_rows
    from exactloss.arith.systems import Ball, parse_rational, rational_matrix
    from exactloss.net.rank import full_row_rank, with_ones

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
        beta = parse_rational(d["beta"], "details.beta")
        alpha0 = parse_rational(d["alpha0"], "details.alpha0") if d.get("alpha0") is not None else None
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
            from exactloss.paper.lemma_4_3.exact_alpha0 import exact_alpha0

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
                c = parse_rational(cert.get("c"), "details.alpha0_certified.c") if cert.get("c") else None
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
