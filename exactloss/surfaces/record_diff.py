"""Field-by-field comparison of a saved ``--json`` record with its re-derivation (used by ``exactloss verify``).

Contract.  :func:`diff_records` compares the saved record with the record the
same check produced again and returns every :class:`Difference`, each naming
the field path (``details.loss_bound``, ``clauses[2].holds``).  Every field
that states a claim is compared -- ``result``, ``statement``, ``holds``,
``level``, ``failed_hypothesis``, ``missing``, ``reason``, ``instance``,
``details`` (every number in it) and each clause's ``claim``, ``holds``,
``level`` and ``reason`` (same count, same order).  The rules, by value:

* ``true``/``false``/``null`` and JSON integers: identical;
* exact numbers written as strings (``"3/7"``, ``"-2"``): equal as rationals;
* a ball ``"[m +/- r]"`` (arb's outward-rounded decimal form): the saved ball
  must **contain** the re-derived one (parsed at 512 bits, so parsing adds no
  visible slack) -- a narrowed or moved ball is not confirmed, a wider one is a
  weaker, still true, claim;
* a decimal string (``"0.3333"``, a printed approximation): within half a unit
  of the last printed digit of each side, so one digit more or less of
  printing is fine and a changed digit is not;
* a JSON float (floating-point values): relative difference at most ``rtol``
  (default :data:`RTOL`; NaN only equals NaN);
* any other string (text): identical once the numbers in it are taken out,
  and those numbers pairwise by the rules above (balls by containment);
* objects: the same keys (a deleted or an added field is a difference);
  arrays: the same length, element by element.

What is **not** compared -- fields that state no claim, the complete list:

* :data:`EXCLUDED` keys, anywhere: ``seconds`` (wall-clock time; it differs
  on every run and states nothing about the mathematics);
* ``source`` at the top level: it is the *input* of the replay, not a claim
  (a changed argument changes what the replay computes, so every claim
  field is compared against the changed computation);
* ``format`` and ``version``: checked when the record is read;
* at the **higher precision** of the second replay only (the replay at the
  saved precision compares them too): :data:`PRECISION_KEYS` (``prec_bits``,
  ``digits``, ``dps``: the precision itself) and, in text, a number directly
  followed by ``bits``/``digits``/``dps`` (the precision, printed).

Paths of output files (``--plot``, ``--witness``) are not excluded: the replay
writes them into a temporary folder and the temporary path is mapped back to
the saved one before the comparison, so the saved path must match too.

>>> a = {"holds": True, "details": {"Phi": "[1.5 +/- 0.01]", "bound": "3/2"}}
>>> diff_records(a, {"holds": True, "details": {"Phi": "[1.5 +/- 1e-9]", "bound": "3/2"}})
[]
>>> [d.path for d in diff_records(a, {"holds": False, "details": {"Phi": "[1.6 +/- 1e-9]", "bound": "3/2"}})]
['holds', 'details.Phi']
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Mapping

RTOL = 1e-9  # relative tolerance for JSON floats (floating-point values)
EXCLUDED = frozenset({"seconds"})
PRECISION_KEYS = frozenset({"prec_bits", "digits", "dps"})
TOP_NOT_COMPARED = frozenset({"format", "version", "source", "seconds"})
TOP_FIELDS = ("result", "statement", "holds", "level", "failed_hypothesis", "missing", "reason", "instance",
              "details", "clauses")
_LEVELS = ("numerical", "certified", "proved")

_BALL = r"\[[^\[\]]*?\+/-[^\[\]]*?\]"
_NUM = r"(?<![\w.])(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?(?![\w.])"
_TOKEN = re.compile(f"({_BALL})|({_NUM})")
_RATIONAL = re.compile(r"^[-+]?\d+(?:/\d+)?$")
_DECIMAL = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$")
_BALL_ONLY = re.compile(f"^{_BALL}$")
_MAX_NUMBER_CHARS = 4000  # the size limit of numbers read from files (exactloss.arith.systems.MAX_DIGITS)
_PRECISION_AFTER = re.compile(r"^\s*-?\s*(?:bits?|digits|dps)\b")


@dataclass(frozen=True)
class Difference:
    """One field whose saved value the re-derivation does not confirm."""

    path: str
    saved: Any
    rederived: Any
    rule: str

    def describe(self) -> str:
        s, r = self.saved, self.rederived
        if isinstance(s, str) and isinstance(r, str) and max(len(s), len(r)) > 80:
            i = next((k for k, (a, b) in enumerate(zip(s, r)) if a != b), min(len(s), len(r)))
            lo = max(0, i - 30)
            dots = "..." if lo else ""
            s, r = dots + s[lo:i + 40] + ("..." if len(s) > i + 40 else ""), \
                dots + r[lo:i + 40] + ("..." if len(r) > i + 40 else "")
        return f"{self.path}: saved {_short(s)}, re-derived {_short(r)} ({self.rule})"

    def to_json(self) -> dict:
        return {"path": self.path, "saved": _short(self.saved), "rederived": _short(self.rederived),
                "rule": self.rule}


_ABSENT = object()


def _short(v: Any) -> str:
    if v is _ABSENT:
        return "<absent>"
    s = repr(v)
    return s if len(s) <= 80 else s[:77] + "..."


def diff_records(saved: Mapping[str, Any], again: Mapping[str, Any], higher: bool = False,
                 rtol: float = RTOL) -> list[Difference]:
    """Every claim field of ``saved`` that ``again`` (the re-derived record) does not confirm.

    ``higher``: ``again`` was computed at a higher precision than ``saved``; the precision fields are then
    skipped, a decided verdict must be re-derived with an equal or stronger level, and when the saved
    verdict is undecided only that is required (more precision may decide it).
    """
    out: list[Difference] = []
    for key in saved:
        if key not in TOP_FIELDS and key not in TOP_NOT_COMPARED:
            out.append(Difference(key, saved[key], _ABSENT, "not a field of an exactloss result"))
    for key in TOP_FIELDS:
        s, r = saved.get(key, _ABSENT), again.get(key, _ABSENT)
        if s is _ABSENT or r is _ABSENT:
            if s is not r:
                out.append(Difference(key, s, r, "missing in the saved record" if s is _ABSENT
                                      else "absent from the re-derived record"))
            continue
        if higher and saved.get("holds") is None:
            continue  # undecided at the saved precision (confirmed there); more precision may decide more
        if key == "level":
            _level(out, key, s, r, higher)
        elif key == "holds":
            if s is not r:
                out.append(Difference(key, s, r, "the verdict differs"))
        elif key == "clauses":
            _clauses(out, s, r, higher, rtol)
        else:
            _value(out, key, s, r, higher, rtol)
    return out


def _level(out: list, path: str, s: Any, r: Any, at_least: bool) -> None:
    if at_least:
        rank = {lv: i for i, lv in enumerate(_LEVELS)}
        if s is not None and (r not in rank or s not in rank or rank[r] < rank[s]):
            out.append(Difference(path, s, r, "the higher-precision replay reaches a weaker level"))
    elif s != r:
        out.append(Difference(path, s, r, "the level differs"))


def _clauses(out: list, s: Any, r: Any, higher: bool, rtol: float) -> None:
    if not isinstance(s, list) or not isinstance(r, list):
        out.append(Difference("clauses", s, r, "not a list"))
        return
    if len(s) != len(r):
        out.append(Difference("clauses", f"{len(s)} clauses", f"{len(r)} clauses", "the number of clauses differs"))
    for i, (cs, cr) in enumerate(zip(s, r)):
        p = f"clauses[{i}]"
        if not isinstance(cs, Mapping) or not isinstance(cr, Mapping):
            out.append(Difference(p, cs, cr, "not a clause record"))
            continue
        for k in sorted(set(cs) | set(cr), key=lambda k: ("claim", "holds", "level", "reason").index(k)
                        if k in ("claim", "holds", "level", "reason") else 9):
            a, b = cs.get(k, _ABSENT), cr.get(k, _ABSENT)
            if a is _ABSENT or b is _ABSENT:
                out.append(Difference(f"{p}.{k}", a, b, "missing in the saved record" if a is _ABSENT
                                      else "absent from the re-derived record"))
            elif higher and cs.get("holds") is None:
                continue  # an undecided clause, confirmed at the saved precision
            elif k == "holds":
                if a is not b:
                    out.append(Difference(f"{p}.holds", a, b, "the clause's verdict differs"))
            elif k == "level":
                _level(out, f"{p}.level", a, b, higher)
            else:
                _value(out, f"{p}.{k}", a, b, higher, rtol)


def _value(out: list, path: str, s: Any, r: Any, higher: bool, rtol: float) -> None:
    """Compare one JSON value by the module's rules, appending differences."""
    if isinstance(s, bool) or isinstance(r, bool) or s is None or r is None:
        if s is not r:
            out.append(Difference(path, s, r, "not equal"))
    elif isinstance(s, Mapping) and isinstance(r, Mapping):
        for k in list(s) + [k for k in r if k not in s]:
            if k in EXCLUDED or (higher and k in PRECISION_KEYS):
                continue
            a, b = s.get(k, _ABSENT), r.get(k, _ABSENT)
            p = f"{path}.{k}"
            if a is _ABSENT or b is _ABSENT:
                out.append(Difference(p, a, b, "missing in the saved record" if a is _ABSENT
                                      else "absent from the re-derived record"))
            else:
                _value(out, p, a, b, higher, rtol)
    elif isinstance(s, list) and isinstance(r, list):
        if len(s) != len(r):
            out.append(Difference(path, f"{len(s)} entries", f"{len(r)} entries", "the length differs"))
        for i, (a, b) in enumerate(zip(s, r)):
            _value(out, f"{path}[{i}]", a, b, higher, rtol)
    elif isinstance(s, int) and isinstance(r, int):
        if s != r:
            out.append(Difference(path, s, r, "exact integers differ"))
    elif isinstance(s, float) and isinstance(r, float):
        if not _close(s, r, rtol):
            out.append(Difference(path, s, r, f"floats differ by more than rtol = {rtol:g}"))
    elif isinstance(s, str) and isinstance(r, str):
        why = _string(s, r, higher)
        if why:
            out.append(Difference(path, s, r, why))
    else:
        out.append(Difference(path, s, r, f"a JSON {type(s).__name__} where a {type(r).__name__} is re-derived"))


def _close(a: float, b: float, rtol: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= rtol * max(abs(a), abs(b))


def _string(s: str, r: str, higher: bool) -> str | None:
    """None when the saved string ``s`` is confirmed by the re-derived ``r``, else why not."""
    if s == r:
        return None
    if _is_number(s) and _is_number(r):
        return _number(s, r)
    ps, ts = _split(s)
    pr, tr = _split(r)
    if ps != pr or len(ts) != len(tr):
        return "the text differs"
    for i, (a, b) in enumerate(zip(ts, tr)):
        if higher and _PRECISION_AFTER.match(ps[i + 1]):
            continue  # the working precision itself, printed ("at 143 bits")
        why = _number(a, b)
        if why:
            return f"the number {a!r} in the text: {why}"
    return None


def _is_number(s: str) -> bool:
    s = s.strip()
    return bool(_BALL_ONLY.match(s) or _RATIONAL.match(s) or _DECIMAL.match(s))


def _split(text: str) -> tuple[list[str], list[str]]:
    """The text around the numbers (len n + 1) and the numbers (len n)."""
    prose, nums, last = [], [], 0
    for m in _TOKEN.finditer(text):
        prose.append(text[last:m.start()])
        nums.append(m.group(0))
        last = m.end()
    prose.append(text[last:])
    return prose, nums


def _number(s: str, r: str) -> str | None:
    s, r = s.strip(), r.strip()
    if s == r:
        return None
    if len(s) > _MAX_NUMBER_CHARS:
        return f"a number of {len(s)} characters (more than {_MAX_NUMBER_CHARS}) is not re-derived"
    try:
        return _compare_numbers(s, r)
    except (ArithmeticError, ValueError, TypeError) as exc:  # decimal overflow, huge exponents, x/0
        return f"not comparable as numbers ({type(exc).__name__})"


def _compare_numbers(s: str, r: str) -> str | None:
    if _BALL_ONLY.match(s) or _BALL_ONLY.match(r):
        return _contains(s, r)
    if _RATIONAL.match(s) and _RATIONAL.match(r):
        return None if Fraction(s) == Fraction(r) else "exact values differ"
    if _RATIONAL.match(s) and "/" in s or _RATIONAL.match(r) and "/" in r:
        return "an exact rational against a decimal"
    try:
        ds, dr = Decimal(s), Decimal(r)
    except InvalidOperation:
        return "not a number"
    if abs(ds - dr) < (_half_unit(ds) + _half_unit(dr)):
        return None
    return "differs by more than the printed digits allow"


def _half_unit(d: Decimal) -> Decimal:
    return Decimal(1).scaleb(d.as_tuple().exponent) / 2


def _contains(s: str, r: str) -> str | None:
    from flint import arb, ctx, fmpq

    def parse(text: str) -> Any:
        if _RATIONAL.match(text) and "/" in text:
            f = Fraction(text)
            return arb(fmpq(f.numerator, f.denominator))
        return arb(text)

    old = ctx.prec
    ctx.prec = 512
    try:
        try:
            a, b = parse(s), parse(r)
        except (ValueError, TypeError, ZeroDivisionError):
            return "not a ball"
        if not a.is_finite() and not b.is_finite() and s == r:
            return None
        return None if a.contains(b) else "the saved ball does not contain the re-derived enclosure"
    finally:
        ctx.prec = old
