"""Helpers for users' regression tests: assertions on results, hypothesis strategies, a pytest plugin.

Contract.  :func:`assert_holds` passes only when a result **holds** (``holds is
True``) at the wanted level or a stronger one (``proved`` > ``certified`` >
``numerical``); anything else -- a failure, an undecided result, a weaker level
-- raises :class:`AssertionError` whose message is the result's ``explain()``
text plus one line saying what was wanted.  A conclusion resting on an
undecided premise is undecided (``holds is None``, ``missing`` names the
premise) and never passes either assertion; the message says
``undecided (missing: <premise>)``.  Nothing is upgraded: a
``numerical`` result never passes ``at_least="certified"``.
:func:`assert_fails` passes when a result **fails** (``holds is False``),
optionally naming a given hypothesis by its identifier (:func:`hypothesis_ids`).  Both accept a :class:`~exactloss.Result`,
a saved ``--json`` record (``dict``) or the path of a saved file, and return the
:class:`~exactloss.Result` so a test can go on inspecting it.

Hypothesis strategies live in :mod:`exactloss.testing.strategies` (imported on
demand, so this module works without hypothesis installed); the pytest fixture
``exactloss_check`` and the marker ``@pytest.mark.exactloss(...)`` come from the
plugin :mod:`exactloss.testing.pytest_plugin`, active whenever exactloss is installed.

>>> import exactloss as xl
>>> from exactloss.testing import assert_holds
>>> r = assert_holds(xl.check("lemma-2.1", widths="2,2,1", samples=2), at_least="proved")
>>> r.level
'proved'
>>> assert_holds(xl.Result(result="demo", holds=True, level="numerical"))
Traceback (most recent call last):
...
AssertionError: demo: holds -- numerical only (floating point, no guarantee).
wanted: holds at level 'certified' or stronger; got: holds at level 'numerical'
"""

from __future__ import annotations

import os
import re
from typing import Any, Mapping

from exactloss.errors import InputError
from exactloss.evidence import LEVELS, Result, at_least as _at_least
from exactloss.surfaces.report import load_result, result_from_record

__all__ = ["assert_holds", "assert_fails", "as_result", "hypothesis_ids"]

# A hypothesis's identifier: its leading clause number as the paper writes it -- "3.2.1", "3.2.2(a)", "5.2.1",
# "(1)" -- optionally after the kind of statement ("Assumption 3.2.1: ...").  "3.2.2 (a) bounded or (b) growth"
# is 3.2.2 (the letter is not attached); "Assumption 3.2 (3.2.1 distinct samples, ...)" is 3.2, not 3.2.1.
_KIND = r"(?:assumption|lemma|theorem|definition|corollary|condition)\s+"
_LABEL = re.compile(r"(?:" + _KIND + r")?(\d+(?:\.\d+)+(?:\([a-z]\))?|\(\d+\))(?=[\s:,;]|$)", re.IGNORECASE)


def as_result(result: Any) -> Result:
    """A :class:`Result` from a Result, a saved ``--json`` record (dict) or the path of a saved file."""
    if isinstance(result, Result):
        return result
    if isinstance(result, Mapping):
        return result_from_record(result)
    if isinstance(result, (str, os.PathLike)):
        return load_result(result)
    raise InputError(f"expected an exactloss Result, a saved --json record (dict) or its path, "
                     f"got {type(result).__name__}")


def _level(wanted: str) -> str:
    if wanted not in LEVELS:
        raise InputError(f"at_least={wanted!r}: choose one of {', '.join(reversed(LEVELS))}")
    return wanted


def _verdict_words(r: Result) -> str:
    """``holds at level 'proved'``, ``fails``, ``undecided (missing: <premise>)`` -- as every surface says it."""
    return f"{r.outcome} at level {r.level!r}" if r.level else r.outcome


def assert_holds(result: Any, at_least: str = "certified") -> Result:
    """Assert that ``result`` holds at level ``at_least`` or stronger; return the :class:`Result`.

    Fails (``AssertionError`` with ``explain()`` and what was wanted) when the
    result fails, is undecided, or reached only a weaker level.
    """
    __tracebackhide__ = True
    wanted = _level(at_least)
    r = as_result(result)
    if r.holds is True and _at_least(r.level, wanted):
        return r
    raise AssertionError(f"{r.explain()}\nwanted: holds at level {wanted!r} or stronger; got: {_verdict_words(r)}")


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def hypothesis_ids(text: str) -> list[str]:
    """The identifiers of a named hypothesis (a ``failed_hypothesis`` or a clause's claim), normalised.

    The leading clause numbers, as the paper writes them, each after an optional kind
    (``Assumption``, ``Lemma``, ...) and a colon -- ``"Assumption 5.2: 5.2.1 sigma is C^1"`` has
    ``5.2`` and ``5.2.1`` -- then the full text (spaces collapsed, case folded), which is the only
    identifier of a text without a number (``"n_k >= N - 1"``, ``"critical point"``).

    >>> hypothesis_ids("Assumption 3.2.1: distinct samples (rows 1 and 3)")
    ['3.2.1', 'assumption 3.2.1: distinct samples (rows 1 and 3)']
    >>> hypothesis_ids("Assumption 3.2 (3.2.1 distinct samples, 3.2.2 sigma, 3.2.3 l)")[0]
    '3.2'
    >>> hypothesis_ids("(1) rank([F_1, 1_N]) = N")[0], hypothesis_ids("3.2.2(a) sigma is bounded")[0]
    ('(1)', '3.2.2(a)')
    """
    ids: list[str] = []
    rest = str(text).strip()
    while (m := _LABEL.match(rest)) is not None:
        ids.append(m.group(1).casefold())
        rest = rest[m.end():].lstrip(" :")
    return ids + [_norm(text)]


def _wanted_id(hypothesis: str) -> str:
    """What the caller names: a clause number (``"3.2.1"``, ``"Assumption 3.2.1"``) or a full text."""
    text = str(hypothesis).strip()
    m = _LABEL.fullmatch(text)
    return m.group(1).casefold() if m else _norm(text)


def assert_fails(result: Any, hypothesis: str | None = None, at_least: str | None = None) -> Result:
    """Assert that ``result`` fails (``holds is False``); return the :class:`Result`.

    ``hypothesis``: the failure must name it **by its identifier**, exactly (case and spacing aside):
    a clause number of ``result.failed_hypothesis`` or of a failing clause's claim -- ``"3.2.1"``,
    ``"Assumption 3.2.1"``, ``"3.2.2(a)"``, ``"(1)"`` -- or the full text of one of them
    (``"n_k >= N - 1"``); the identifiers are :func:`hypothesis_ids`.  No substring matches: ``"3.2.1"``
    does not pass on a result whose failed hypothesis is ``n_k >= N - 1`` merely because a failing
    clause ``Assumption 3.2 (3.2.1 distinct samples, ...)`` mentions it, and ``"3.2"`` does not name
    ``3.2.1``.  ``at_least``: optionally, the level the refutation must reach (by default any level,
    numerical included).  An undecided result (``holds is None``) never passes.
    """
    __tracebackhide__ = True
    wanted = _level(at_least) if at_least is not None else None
    r = as_result(result)
    if r.holds is not False:
        raise AssertionError(f"{r.explain()}\nwanted: fails"
                             f"{f' naming {hypothesis!r}' if hypothesis else ''}; got: {_verdict_words(r)}")
    if wanted is not None and not _at_least(r.level, wanted):
        raise AssertionError(f"{r.explain()}\nwanted: fails at level {wanted!r} or stronger; got: {_verdict_words(r)}")
    if hypothesis is not None:
        wanted_id = _wanted_id(hypothesis)
        named = [r.failed_hypothesis] if r.failed_hypothesis else []
        named += [c.claim for c in r.clauses if c.holds is False]
        if not any(wanted_id in hypothesis_ids(text) for text in named):
            listed = "; ".join(repr(t) for t in named) or "none"
            ids = sorted({i for t in named for i in hypothesis_ids(t)[:-1]})
            raise AssertionError(f"{r.explain()}\nwanted: fails naming hypothesis {hypothesis!r}; "
                                 f"named: {listed}" + (f" (identifiers: {', '.join(ids)})" if ids else ""))
    return r
