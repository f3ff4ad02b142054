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
optionally naming a given hypothesis.  Both accept a :class:`~exactloss.Result`,
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
from typing import Any, Mapping

from exactloss.errors import InputError
from exactloss.evidence import LEVELS, Result, at_least as _at_least
from exactloss.surfaces.report import load_result, result_from_record

__all__ = ["assert_holds", "assert_fails", "as_result"]


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


def assert_fails(result: Any, hypothesis: str | None = None, at_least: str | None = None) -> Result:
    """Assert that ``result`` fails (``holds is False``); return the :class:`Result`.

    ``hypothesis``: the failure must name it -- a case-insensitive substring of
    ``result.failed_hypothesis`` or of the claim of a failing clause (e.g.
    ``"3.2.1"``, ``"distinct"``, ``"n_k >= N - 1"``).  ``at_least``: optionally,
    the level the refutation must reach (by default any level, numerical included).
    An undecided result (``holds is None``) never passes.
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
        needle = str(hypothesis).casefold()
        named = [r.failed_hypothesis] if r.failed_hypothesis else []
        named += [c.claim for c in r.clauses if c.holds is False]
        if not any(needle in text.casefold() for text in named):
            listed = "; ".join(repr(t) for t in named) or "none"
            raise AssertionError(f"{r.explain()}\nwanted: fails naming hypothesis {hypothesis!r}; "
                                 f"named: {listed}")
    return r
