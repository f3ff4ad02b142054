"""Results that carry their evidence.

Every check in exactloss returns a :class:`Result`: a frozen record of what
was checked (``result``, the paper's name for it, and ``statement``), whether
it holds (``True``/``False``/``None`` for *undecided* -- undecided is a value,
not a guess), **how we know** (``level``), on which ``instance``, and the
``details`` that make it re-checkable (witness matrices, alpha_0, intervals,
separating hyperplanes, precision).

The three levels, strongest first:

* ``proved``    -- exact or symbolic computation (rationals, SymPy identities);
* ``certified`` -- rigorous enclosures (arb balls, verified float bounds);
* ``numerical`` -- floating point or multiprecision, no guarantee.

A level is never upgraded silently: a result built from float arithmetic
must say ``numerical`` unless a rigorous a-posteriori bound was checked.

>>> r = Result(result="Lemma 2.1", holds=True, level="proved",
...            statement="backprop identities", reason="SymPy difference is 0")
>>> r.to_json()["level"]
'proved'
>>> at_least(r.level, "certified")
True
>>> r
<Result Lemma 2.1: holds [proved] 0.00 s>

In a notebook a result shows as HTML (``_repr_html_``: verdict and level as
badges, the statement, how we know, the clauses, the evidence summarised and
folded) or Markdown; ``str(r)`` is :meth:`Result.explain`.  A result has no
truth value: ``bool(r)`` raises, because a failing or undecided result would
otherwise pass ``assert r`` -- test ``r.holds``.
"""

from __future__ import annotations

import html
import json
import sys
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, Iterable, Mapping

LEVELS = ("numerical", "certified", "proved")
HOW = {
    "proved": "proved (exact or symbolic arithmetic)",
    "certified": "certified (rigorous interval/ball bounds)",
    "numerical": "numerical only (floating point, no guarantee)",
    None: "not decided",
}
FORMAT = "exactloss-result"
FORMAT_VERSION = 1


def level_rank(level: str | None) -> int:
    """Order of the levels: numerical (0) < certified (1) < proved (2); None is -1."""
    if level is None:
        return -1
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; known: {', '.join(LEVELS)}")
    return LEVELS.index(level)


def at_least(level: str | None, wanted: str) -> bool:
    """True when ``level`` is ``wanted`` or stronger."""
    return level_rank(level) >= level_rank(wanted)


def weakest(*levels: str | None) -> str | None:
    """The weakest of several levels: a chain is only as strong as its weakest step."""
    present = [lv for lv in levels if lv is not None]
    if not present:
        return None
    return min(present, key=level_rank)


def conjunction(verdicts: "Iterable[bool | None]") -> bool | None:
    """Three-valued AND of verdicts: False if any is False, None (undecided) if any is None, else True."""
    vals = list(verdicts)
    if any(v is False for v in vals):
        return False
    if any(v is None for v in vals):
        return None
    return True


def _no_truth_value(self: Any) -> bool:
    raise TypeError(f"a {type(self).__name__} has no truth value (a failing or undecided one would pass "
                    "`if r:` / `assert r`); test `.holds` instead: True (holds), False (fails), None (undecided)")


@dataclass(frozen=True, repr=False)
class Verdict:
    """One clause of a check: a claim, whether it holds, the level and the reason."""

    claim: str
    holds: bool | None
    level: str | None
    reason: str = ""

    def __post_init__(self) -> None:
        level_rank(self.level)

    def to_json(self) -> dict:
        return {"claim": self.claim, "holds": self.holds, "level": self.level, "reason": self.reason}

    @property
    def verdict(self) -> str:
        return {True: "holds", False: "fails", None: "undecided"}[self.holds]

    __bool__ = _no_truth_value

    def __repr__(self) -> str:
        return f"<Verdict {_cut(self.claim, 60)}: {self.verdict} [{self.level or 'no level'}]>"

    def __str__(self) -> str:
        return f"{self.claim}: {self.verdict} [{self.level or 'undecided'}] {self.reason}".rstrip()

    def _repr_html_(self) -> str:
        return _clauses_html((self,))

    def _repr_markdown_(self) -> str:
        return _clauses_markdown((self,))


@dataclass(frozen=True, repr=False)
class Result:
    """The outcome of one check: verdict, level, instance and evidence.

    ``holds`` is True when the paper's statement was confirmed on the
    instance, False when it was refuted or a needed hypothesis fails
    (``failed_hypothesis`` then names it), None when undecided.

    A conclusion drawn from a premise that is itself undecided is undecided:
    ``holds`` is None and ``missing`` names the premise that could not be
    decided (e.g. ``"Assumption 3.2.3"``).  A statement that holds only *if*
    some premise holds is never reported as ``holds = True``.
    """

    result: str
    holds: bool | None
    level: str | None
    statement: str = ""
    reason: str = ""
    instance: Mapping[str, Any] = field(default_factory=dict)
    details: Mapping[str, Any] = field(default_factory=dict)
    clauses: tuple[Verdict, ...] = ()
    failed_hypothesis: str | None = None
    missing: str | None = None  # the undecided premise that leaves the conclusion undecided
    seconds: float = 0.0
    source: Mapping[str, Any] = field(default_factory=dict)  # {"check": name, "arguments": {...}} to replay it

    def __post_init__(self) -> None:
        level_rank(self.level)
        if self.holds is None and self.level not in (None, "numerical"):
            # An undecided statement cannot be proved or certified.
            object.__setattr__(self, "level", None)
        if self.missing is not None and self.holds is True:
            # A conclusion that rests on an undecided premise is conditional, never ``holds``.
            raise ValueError(f"{self.result}: holds = True with an undecided premise ({self.missing}); "
                             "a conditional conclusion is undecided (holds = None)")

    @property
    def verdict(self) -> str:
        return {True: "holds", False: "fails", None: "undecided"}[self.holds]

    @property
    def outcome(self) -> str:
        """The verdict as every surface prints it: ``undecided (missing: <premise>)`` when a premise is missing."""
        return f"{self.verdict} (missing: {self.missing})" if self.missing else self.verdict

    __bool__ = _no_truth_value

    def __repr__(self) -> str:
        """One short line: ``<Result Lemma 4.3: holds [certified] 0.42 s>``."""
        failed = f" (failed: {_cut(self.failed_hypothesis, 50)})" if self.failed_hypothesis else ""
        level = f" [{self.level}]" if self.level else ""
        return f"<Result {_cut(self.result, 50)}: {_cut(self.outcome, 80)}{level}{failed} {self.seconds:.2f} s>"

    def __str__(self) -> str:
        return self.explain()

    def _repr_html_(self) -> str:
        """The result as a notebook shows it (every text HTML-escaped, the evidence summarised and folded)."""
        return _result_html(self)

    def _repr_markdown_(self) -> str:
        return _result_markdown(self)

    def with_seconds(self, seconds: float) -> "Result":
        return replace(self, seconds=seconds)

    def explain(self) -> str:
        """A human paragraph: what was checked, the verdict, how we know."""
        how = HOW[self.level]
        lines = [f"{self.result}: {self.outcome} -- {how}."]
        if self.statement:
            lines.append(f"Statement: {self.statement}")
        if self.reason:
            lines.append(f"How we know: {self.reason}")
        if self.failed_hypothesis:
            lines.append(f"Failed hypothesis: {self.failed_hypothesis}")
        if self.missing:
            lines.append(f"Missing (undecided premise): {self.missing}")
        for c in self.clauses:
            lv = c.level or "undecided"
            lines.append(f"  - {c.claim}: {c.verdict} [{lv}] {c.reason}".rstrip())
        return "\n".join(lines)

    def to_json(self) -> dict:
        """A machine record (JSON-serialisable), stable across versions of the same FORMAT_VERSION."""
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "result": self.result,
            "holds": self.holds,
            "level": self.level,
            "statement": self.statement,
            "reason": self.reason,
            "failed_hypothesis": self.failed_hypothesis,
            "missing": self.missing,
            "seconds": round(self.seconds, 6),
            "instance": jsonable(self.instance),
            "details": jsonable(self.details),
            "clauses": [c.to_json() for c in self.clauses],
            "source": jsonable(self.source),
        }

    @classmethod
    def from_json(cls, record: Mapping[str, Any]) -> "Result":
        """Rebuild a Result from :meth:`to_json` output (details stay as JSON values)."""
        return cls(
            result=record["result"],
            holds=record["holds"],
            level=record["level"],
            statement=record.get("statement", ""),
            reason=record.get("reason", ""),
            instance=record.get("instance", {}),
            details=record.get("details", {}),
            clauses=tuple(Verdict(**c) for c in record.get("clauses", ())),
            failed_hypothesis=record.get("failed_hypothesis"),
            missing=record.get("missing"),
            seconds=record.get("seconds", 0.0),
            source=record.get("source") or {},
        )

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2)


def jsonable(obj: Any) -> Any:
    """Convert numbers of every system to JSON values; exact values become strings.

    Rationals become ``"p/q"`` strings (exact), arb balls ``"[mid +/- rad]"``,
    floats stay floats, NumPy arrays become nested lists.

    The number types of NumPy, python-flint and mpmath are looked up in
    ``sys.modules``, never imported here: a value of such a type exists only once
    its library is loaded, and this module stays as light as the contracts must be.
    """
    np = sys.modules.get("numpy")
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, int) or (np is not None and isinstance(obj, np.integer)):
        return int(obj)
    if isinstance(obj, float) or (np is not None and isinstance(obj, np.floating)):
        return float(obj)
    if isinstance(obj, Fraction):
        return str(obj)
    if isinstance(obj, Mapping):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if np is not None and isinstance(obj, np.ndarray):
        return [jsonable(v) for v in obj.tolist()] if obj.ndim else jsonable(obj.item())
    if isinstance(obj, (Verdict, Result)):
        return obj.to_json()
    return json_number(obj)


def json_number(x: Any, digits: int = 20) -> str:
    """A number of another library as JSON text: an arb ball ``"[mid +/- rad]"`` (``digits`` digits, with its
    radius), an mpmath number to ``digits`` digits, anything else (fmpq ``"p/q"``, fmpz, SymPy) as ``str(x)``.

    The same text as :func:`exactloss.arith.systems.format_number` for these types."""
    flint, mpmath = sys.modules.get("flint"), sys.modules.get("mpmath")
    if flint is not None and isinstance(x, flint.arb):
        return x.str(digits, radius=True)
    if mpmath is not None and isinstance(x, mpmath.mpf):
        return mpmath.nstr(x, digits)
    return str(x)


# --- display: notebooks (HTML, Markdown) ------------------------------------------------------------------
# Every text shown comes from a statement, a reason or a user's expression: it is escaped, never trusted.
# Evidence can be large (object arrays of arb balls, sweeps of hundreds of points): it is summarised --
# shape and a few entries -- never dumped; ``to_json()`` keeps all of it.

_VERDICT_COLOUR = {"holds": "#1a7f37", "fails": "#cf222e", "undecided": "#9a6700"}
_LEVEL_COLOUR = {"proved": "#0550ae", "certified": "#1b7c83", "numerical": "#6e7781", None: "#6e7781"}
_FEW = 4          # entries shown of a long array / list / mapping
_WIDTH = 240      # characters of one summarised value


def _cut(text: Any, width: int = _WIDTH) -> str:
    """``text`` cut to ``width`` characters; a cut at the top level (``width >= _WIDTH``) says how long it was."""
    text = str(text)
    if len(text) <= width:
        return text
    return text[:width - 1] + ("\u2026" if width < _WIDTH else f"\u2026 ({len(text)} characters)")


def _entry(x: Any) -> str:
    """One number or value, short: balls and mpmath numbers to 8 digits, floats to 6 significant digits."""
    if isinstance(x, float):
        return f"{x:.6g}"
    if isinstance(x, (Result, Verdict)):
        return repr(x)
    return _cut(json_number(x, 8) if not isinstance(x, (str, int, Fraction)) else x, 60)


def summarise(value: Any, width: int = _WIDTH, depth: int = 2) -> str:
    """A short text for a piece of evidence: arrays and long lists as their shape or length and a few entries.

    >>> summarise(list(range(100)))
    'list of 100: [0, 1, 2, 3, \u2026]'
    """
    np = sys.modules.get("numpy")
    if np is not None and isinstance(value, np.ndarray):
        flat = value.ravel()
        head = ", ".join(_entry(x) for x in flat[:_FEW].tolist())
        more = ", \u2026" if flat.size > _FEW else ""
        return _cut(f"array {value.shape} of {value.dtype}: [{head}{more}]", width)
    if isinstance(value, (list, tuple)):
        kind = type(value).__name__
        items = [summarise(v, 60, depth - 1) if depth > 0 else _entry(v) for v in value[:_FEW]]
        more = ", \u2026" if len(value) > _FEW else ""
        prefix = f"{kind} of {len(value)}: " if len(value) > _FEW else ""
        return _cut(f"{prefix}[{', '.join(items)}{more}]", width)
    if isinstance(value, Mapping):
        keys = list(value)
        items = [f"{k}: {summarise(value[k], 60, depth - 1) if depth > 0 else _entry(value[k])}" for k in keys[:_FEW]]
        more = f", \u2026 ({len(keys)} keys)" if len(keys) > _FEW else ""
        return _cut("{" + ", ".join(items) + more + "}", width)
    if value is None or isinstance(value, (bool, int, float, str, Fraction, Result, Verdict)):
        return _cut(_entry(value) if not isinstance(value, str) else value, width)
    shape = getattr(value, "nrows", None), getattr(value, "ncols", None)
    if callable(shape[0]) and callable(shape[1]):  # a python-flint matrix: its size, not its entries
        return _cut(f"{type(value).__name__} {shape[0]()}x{shape[1]()}: {str(value)}", width)
    return _cut(json_number(value, 8), width)


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _badge(text: str, colour: str) -> str:
    return (f'<span style="background:{colour};color:#fff;border-radius:0.6em;padding:0.05em 0.55em;'
            f'font-size:0.85em;font-weight:600;white-space:nowrap">{_esc(text)}</span>')


def _verdict_badges(verdict: str, level: str | None) -> str:
    return (_badge(verdict, _VERDICT_COLOUR[verdict]) + " "
            + _badge(level or "no level", _LEVEL_COLOUR.get(level, "#6e7781")))


_CELL = 'style="text-align:left;vertical-align:top;padding:0.15em 0.6em;border-bottom:1px solid #d8dee4"'


def _table(head: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> str:
    """An HTML table; the cells are already HTML (escaped by the caller)."""
    th = "".join(f"<th {_CELL}>{_esc(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td {_CELL}>{c}</td>" for c in row) + "</tr>" for row in rows)
    return (f'<table style="border-collapse:collapse;margin:0.3em 0"><thead><tr>{th}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def _clauses_html(clauses: Iterable[Verdict]) -> str:
    return _table(("clause", "verdict", "reason"),
                  ((_esc(c.claim), _verdict_badges(c.verdict, c.level), _esc(c.reason)) for c in clauses))


def _result_html(r: Result) -> str:
    line = (f"<strong>{_esc(r.result)}</strong> {_verdict_badges(r.verdict, r.level)} "
            f'<span style="color:#57606a">{r.seconds:.2f} s</span>')
    parts = [f"<div>{line}</div>"]
    rows = [("Statement", r.statement), ("How we know", f"{HOW[r.level]}" + (f": {r.reason}" if r.reason else "")),
            ("Failed hypothesis", r.failed_hypothesis), ("Missing (undecided premise)", r.missing),
            ("Instance", summarise(r.instance, 400) if r.instance else None)]
    parts += [f"<div><em>{_esc(k)}:</em> {_esc(v)}</div>" for k, v in rows if v]
    if r.clauses:
        parts.append(_clauses_html(r.clauses))
    if r.details:
        table = _table(("evidence", "value (summarised; to_json() has all of it)"),
                       ((_esc(k), f"<code>{_esc(summarise(v))}</code>") for k, v in r.details.items()))
        parts.append(f"<details><summary>Evidence ({len(r.details)} items)</summary>{table}</details>")
    return ('<div class="exactloss-result" style="border:1px solid #d0d7de;border-radius:6px;padding:0.4em 0.8em;'
            f'margin:0.2em 0;line-height:1.5">{"".join(parts)}</div>')


def _md(text: Any) -> str:
    """Text safe inside Markdown (and a table cell): HTML escaped, Markdown and MathJax characters quoted."""
    out = html.escape(str(text), quote=False).replace("\n", " ")
    for ch in "\\`*_[]|#~$":
        out = out.replace(ch, "\\" + ch)
    return out


def _clauses_markdown(clauses: Iterable[Verdict]) -> str:
    rows = [f"| {_md(c.claim)} | **{c.verdict}** | {_md(c.level or 'no level')} | {_md(c.reason)} |" for c in clauses]
    return "\n".join(["| clause | verdict | level | reason |", "| --- | --- | --- | --- |", *rows])


def _result_markdown(r: Result) -> str:
    lines = [f"**{_md(r.result)}**: **{r.verdict}** \u00b7 {_md(r.level or 'no level')} \u00b7 {r.seconds:.2f} s", ""]
    for k, v in (("Statement", r.statement), ("How we know", HOW[r.level] + (f": {r.reason}" if r.reason else "")),
                 ("Failed hypothesis", r.failed_hypothesis), ("Missing (undecided premise)", r.missing)):
        if v:
            lines += [f"*{k}:* {_md(v)}", ""]
    if r.clauses:
        lines += [_clauses_markdown(r.clauses), ""]
    for k, v in r.details.items():
        lines.append(f"- {_md(k)}: {_md(summarise(v))}")
    return "\n".join(lines).rstrip() + "\n"
