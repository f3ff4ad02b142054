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
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, Iterable, Mapping

LEVELS = ("numerical", "certified", "proved")
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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

    def with_seconds(self, seconds: float) -> "Result":
        return replace(self, seconds=seconds)

    def explain(self) -> str:
        """A human paragraph: what was checked, the verdict, how we know."""
        how = {
            "proved": "proved (exact or symbolic arithmetic)",
            "certified": "certified (rigorous interval/ball bounds)",
            "numerical": "numerical only (floating point, no guarantee)",
            None: "not decided",
        }[self.level]
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
