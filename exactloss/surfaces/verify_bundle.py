"""A ``check all --json`` record verified entry by entry (``exactloss verify all.json``).

Every row's saved record is verified like a single result (the caller's
``verify_entry``, :func:`exactloss.surfaces.verify.verify`); a row without a record
must be an instance the check refuses.  The rows must be exactly the default
instances of the selection the record names (``source.arguments.only``), and
each row's fields, the record's verdict and level must be what the entries give.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from exactloss import registry
from exactloss.errors import FileFormatError
from exactloss.evidence import Result, Verdict, jsonable, weakest
from exactloss.surfaces.replays import replay_check

_BUNDLE_TOP = {"format", "version", "result", "holds", "level", "seconds", "instance", "details", "source"}
_ROW_KEYS = {"check", "paper", "instance", "holds", "expected", "level", "missing", "ok", "seconds", "reason", "record"}


def is_bundle(record: Mapping) -> bool:
    """Whether a record is a ``check all`` record (by its ``result`` or its ``source``)."""
    src = record.get("source")
    return record.get("result") == "check all" or (isinstance(src, Mapping) and src.get("check") == "all")


def verify_bundle(record: dict, digits: int, rtol: float, timeout: float,
                  verify_entry: Callable[[Any, int, float, float], Result]) -> Result:
    """Every row of a ``check all --json`` record: its entry verified (``verify_entry(record, digits, rtol,
    timeout)``), the row and the totals re-derived."""

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
        label = inst.row_label()
        before, n_before = len(fields), len(notes)
        for k in row:
            if k not in _ROW_KEYS:
                bad(f"{p}.{k}", "not a field of a row")
        rec = row.get("record")
        entry: Result | None = None
        if rec is None:
            status, out = replay_check(chk, inst.kwargs, timeout)
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
                entry = verify_entry(rec, digits, rtol, timeout) if rec.get("result") != "check all" else None
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
        clauses.append(Verdict(f"{chk.paper}: {label}", row_ok, (entry.level if entry is not None else None) if row_ok else None,
                               (entry.reason if entry is not None else "") if row_ok else "; ".join(notes[n_before:])))
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
