"""Bounded, cached replays of a check, and one forked child for a whole verification (``exactloss verify``).

:func:`replay_check` runs a check on saved arguments under a CPU-time limit that
cannot be swallowed (:func:`run_limited`, :func:`exactloss.arith.budget.time_limit`);
output files go to a temporary folder and are mapped back to the saved names.
Replays are deterministic functions of (check, arguments): successful and
refused ones are cached in this process -- only values this process computed,
never values read from a file.  :func:`in_one_child` runs a whole verification
in one forked child (its replays share the child's caches), hard-killed after a
wall-clock budget; the replays it computed come back to this process's cache.
"""

from __future__ import annotations

import json
import os
import select
import signal
import tempfile
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable, Mapping

from exactloss.arith.budget import OverBudget, time_limit
from exactloss.errors import ExactlossError
from exactloss.surfaces.replay_arguments import OUTPUT_ARGS

TIMEOUT = 120.0  # seconds (CPU) per replay; the child process is hard-killed at the sum over the replays
_CACHE: "OrderedDict[str, tuple[str, Any]]" = OrderedDict()
_CACHE_SIZE = 256
_CHILD: dict[str, Any] = {"inside": False, "new": []}  # inside the verifying child: replays computed there


def inside_child() -> bool:
    """True inside the child process of :func:`in_one_child` (a verification nested in it runs in place)."""
    return bool(_CHILD["inside"])


def in_one_child(fn: Callable[[], Any], hard: float) -> tuple[str, Any]:
    """``fn()`` (a JSON value) in one forked child killed after ``hard`` wall-clock seconds: ``(status, value)``.

    status as :func:`_bounded`'s.  The replays computed in the child come back to this process's cache.
    """

    def child() -> dict:
        _CHILD["inside"], _CHILD["new"] = True, []
        out = fn()
        return {"result": out, "cache": _CHILD["new"]}

    status, value = _bounded(child, hard)
    if status != "ok":
        return status, value
    for key, st, val in value.get("cache", []):
        _remember(key, (st, val))
    return status, value["result"]


def _remember(key: str, entry: tuple[str, Any]) -> None:
    """Cache one replay's outcome (least recently used entries go first)."""
    _CACHE[key] = entry
    _CACHE.move_to_end(key)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)


def replay_check(chk: Any, kwargs: Mapping[str, Any], timeout: float) -> tuple[str, Any]:
    """Run the check under :func:`run_limited` and return ``("ok", record JSON)`` or ``(status, why)``.

    Replays are deterministic functions of (check, arguments): successful and refused ones are cached in
    this process (only values this process computed, never values from a file).
    """
    key = json.dumps([chk.name, kwargs], sort_keys=True)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    status, value = run_limited(lambda: _run_replay(chk, dict(kwargs)), timeout, f"the replay of {chk.name}")
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


def run_limited(fn: Callable[[], Any], timeout: float, what: str) -> tuple[str, Any]:
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
