"""Saved results: reading, validating and explaining a ``--json`` record again.

Contract.  :func:`load_result` reads a file written by ``exactloss ... --json``
(a JSON object ``{"format": "exactloss-result", "version": 1, ...}``) and
returns the :class:`~exactloss.evidence.Result` it records, **without
recomputing anything**.  Every problem -- a missing or unreadable file, text
that is not JSON, JSON that is not an exactloss result, a record written by a
newer format version, a field of the wrong type -- raises
:class:`~exactloss.errors.FileFormatError` with a one-line message naming the
file, the problem and the fix (the CLI prints it and exits 2).

:func:`result_from_record` does the same for a record already parsed (a
``dict``), and :func:`explain` is the text ``exactloss explain`` prints.
``exactloss verify`` reuses :func:`read_record` and :func:`result_from_record`;
it re-derives the record (:mod:`exactloss.surfaces.verify`), this module only reads it.
A readable record with a damaged field raises :class:`RecordFieldError`
(a :class:`FileFormatError` naming the field): ``explain`` refuses it,
``verify`` reports it as NOT verified.  Reading is ``json`` only: nothing
from a file is evaluated as code.

>>> from exactloss.evidence import Result
>>> r = Result(result="Lemma 2.1", holds=True, level="proved", statement="backprop identities")
>>> result_from_record(r.to_json()).explain().splitlines()[0]
'Lemma 2.1: holds -- proved (exact or symbolic arithmetic).'
>>> result_from_record({"format": "exactloss-result", "version": 99, "result": "x"})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
exactloss.errors.FileFormatError: <record>: written by a newer exactloss (result format version 99, ...
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Mapping

from exactloss.errors import FileFormatError
from exactloss.evidence import FORMAT, FORMAT_VERSION, LEVELS, Result

PathLike = str | os.PathLike


class RecordFieldError(FileFormatError):
    """A readable exactloss record with a damaged or missing field; ``field`` names it.

    ``exactloss explain`` cannot explain such a record (exit 2); ``exactloss verify`` reports it as
    NOT verified (exit 1), naming the field: missing evidence is not verified.
    """

    def __init__(self, message: str, field: str, *also: str) -> None:
        super().__init__(message)
        self.field = field
        self.fields = (field, *also)  # every field the problem involves

_HOW_TO_SAVE = "save one with `exactloss check NAME --json > result.json`"
MAX_FILE_BYTES = 200 * 2**20  # a `check all --json` record is a few hundred kB


def load_result(path: PathLike) -> Result:
    """Read a saved ``--json`` result (``"-"``: standard input); :class:`FileFormatError` if it is not one."""
    record, where = read_record(path)
    return result_from_record(record, where)


def read_record(path: PathLike) -> tuple[Any, str]:
    """The parsed JSON of a saved file and the name to cite it by (not validated; ``json`` only, no code is run)."""
    text, where = _read_text(path)
    try:
        return json.loads(text), where
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            f"{where}: not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
            f"expected a result saved with --json ({_HOW_TO_SAVE})") from None
    except RecursionError:
        raise FileFormatError(f"{where}: JSON nested too deeply to be an exactloss result; {_HOW_TO_SAVE}") from None
    except ValueError as exc:  # e.g. an integer literal of more than 4300 digits (Python's int-parsing limit)
        raise FileFormatError(f"{where}: not an exactloss result ({exc}); {_HOW_TO_SAVE}") from None


def result_from_record(record: Any, where: str = "<record>") -> Result:
    """Validate a parsed ``--json`` record and rebuild its :class:`Result` (nothing is recomputed)."""
    if not isinstance(record, Mapping):
        raise FileFormatError(
            f"{where}: not an exactloss result (a JSON {_json_kind(record)}, expected an object with "
            f"\"format\": \"{FORMAT}\"); {_HOW_TO_SAVE}")
    fmt = record.get("format")
    if fmt != FORMAT:
        said = "no \"format\" field" if fmt is None else f"\"format\" is {fmt!r}"
        raise FileFormatError(f"{where}: not an exactloss result ({said}, expected {FORMAT!r}); {_HOW_TO_SAVE}")
    version = record.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise FileFormatError(f"{where}: \"version\" is {version!r}, expected a whole number >= 1; "
                              f"the file is damaged: {_HOW_TO_SAVE} again")
    if version > FORMAT_VERSION:
        raise FileFormatError(
            f"{where}: written by a newer exactloss (result format version {version}, this exactloss reads up to "
            f"{FORMAT_VERSION}); upgrade exactloss to read it")
    _field(record, where, "result", (str,), required=True)
    if "holds" not in record or not _is_verdict(record["holds"]):
        got = record.get("holds", "<missing>")
        raise RecordFieldError(f"{where}: field \"holds\" must be true, false or null, got {got!r}; "
                               "the file is damaged or hand-edited", "holds")
    if "level" not in record:
        raise RecordFieldError(f"{where}: field \"level\" is missing; the file is damaged or hand-edited", "level")
    level = record.get("level")
    if level is not None and level not in LEVELS:
        raise RecordFieldError(f"{where}: field \"level\" is {level!r}, expected one of {', '.join(LEVELS)} or "
                               "null; the file is damaged or hand-edited", "level")
    if record["holds"] is None and level in ("certified", "proved"):
        raise RecordFieldError(f"{where}: an undecided result (\"holds\": null) cannot be {level}; "
                               "the file is inconsistent (hand-edited?)", "holds", "level")
    if record["holds"] is True and isinstance(record.get("missing"), str):
        raise RecordFieldError(f"{where}: a result that holds cannot have an undecided premise (\"missing\": "
                               f"{record['missing']!r}); the file is inconsistent (hand-edited?)", "missing", "holds")
    for name in ("statement", "reason"):
        _field(record, where, name, (str,))
    _field(record, where, "failed_hypothesis", (str, type(None)))
    _field(record, where, "missing", (str, type(None)))
    _field(record, where, "instance", (dict,))
    _field(record, where, "details", (dict,))
    _field(record, where, "source", (dict, type(None)))
    seconds = record.get("seconds", 0.0)
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise RecordFieldError(f"{where}: field \"seconds\" must be a number, got {seconds!r}", "seconds")
    clauses = record.get("clauses", [])
    if not isinstance(clauses, list):
        raise RecordFieldError(f"{where}: field \"clauses\" must be a list, got a JSON {_json_kind(clauses)}",
                               "clauses")
    for i, c in enumerate(clauses, 1):
        if not isinstance(c, Mapping) or not {"claim", "holds", "level"} <= set(c) \
                or not isinstance(c.get("claim"), str) or not _is_verdict(c.get("holds")) \
                or c.get("level") not in (*LEVELS, None) or not isinstance(c.get("reason", ""), str) \
                or set(c) - {"claim", "holds", "level", "reason"}:
            raise RecordFieldError(f"{where}: clause {i} is not a {{claim, holds, level, reason}} record; "
                                   "the file is damaged or hand-edited", f"clauses[{i - 1}]")
    try:
        return Result.from_json(record)
    except (TypeError, ValueError, KeyError) as exc:  # pragma: no cover - validated above
        raise RecordFieldError(f"{where}: not a valid exactloss result ({exc}); {_HOW_TO_SAVE}", "record") from None


def explain(result: Result) -> str:
    """The human explanation of a (saved) result; a ``check all`` record also lists its rows."""
    text = result.explain()
    rows = result.details.get("checks") if isinstance(result.details, Mapping) else None
    if result.result == "check all" and isinstance(rows, list):
        lines = [text]
        for row in rows:
            if not isinstance(row, Mapping):
                continue
            verdict = {True: "holds", False: "fails", None: "undecided"}.get(row.get("holds"), "?")
            record = row.get("record") if isinstance(row.get("record"), Mapping) else {}
            missing = row.get("missing") or record.get("missing")
            if row.get("holds") is None and isinstance(missing, str) and missing:
                verdict += f" (missing: {missing})"  # as Result.outcome says it
            mark = "ok " if row.get("ok") else "BAD"
            lines.append(f"  {mark} {row.get('paper', row.get('check', '?'))}: {row.get('instance', '')} -- "
                         f"{verdict} [{row.get('level') or 'undecided'}]")
            if not row.get("ok") and row.get("reason"):
                lines.append(f"      {row['reason']}")
        text = "\n".join(lines)
    return text


# -- helpers --------------------------------------------------------------------

def _read_text(path: PathLike) -> tuple[str, str]:
    if str(path) == "-":
        try:
            text = sys.stdin.read(MAX_FILE_BYTES + 1)
            if len(text) > MAX_FILE_BYTES:
                raise FileFormatError(f"<stdin>: more than {MAX_FILE_BYTES} characters; not a saved result")
            return text, "<stdin>"
        except (OSError, UnicodeDecodeError) as exc:
            raise FileFormatError(f"<stdin>: cannot read standard input ({exc})") from None
    p = Path(path)
    where = str(p)
    if not p.exists():
        raise FileFormatError(f"{where}: no such file; give the path of a saved result ({_HOW_TO_SAVE})")
    if p.is_dir():
        raise FileFormatError(f"{where}: is a directory; give the path of a saved result file ({_HOW_TO_SAVE})")
    try:
        if p.stat().st_size > MAX_FILE_BYTES:
            raise FileFormatError(f"{where}: {p.stat().st_size} bytes, more than a saved result can be "
                                  f"({MAX_FILE_BYTES} bytes); give the path of a saved result ({_HOW_TO_SAVE})")
        raw = p.read_bytes()
    except OSError as exc:
        raise FileFormatError(f"{where}: cannot read it ({exc.strerror or exc}); "
                              "check the path and its permissions") from None
    try:
        return raw.decode("utf-8-sig"), where
    except UnicodeDecodeError:
        raise FileFormatError(f"{where}: not a text file (not UTF-8); expected a result saved with --json "
                              f"({_HOW_TO_SAVE})") from None


def _is_verdict(value: Any) -> bool:
    return value is None or isinstance(value, bool)


def _field(record: Mapping[str, Any], where: str, name: str, types: tuple[type, ...], required: bool = False) -> None:
    if name not in record:
        if required:
            raise RecordFieldError(f"{where}: field \"{name}\" is missing; the file is damaged or not a full result",
                                   name)
        return
    value = record[name]
    if not isinstance(value, types):
        want = " or ".join("null" if t is type(None) else _json_kind(t()) for t in types)
        raise RecordFieldError(f"{where}: field \"{name}\" must be a JSON {want}, got a JSON {_json_kind(value)}",
                               name)


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__
