"""pytest plugin (entry point ``pytest11``): replay a paper result on your network in a few lines.

Deliberately light: this module imports only pytest, the standard library and
exactloss's light modules (the registry, the assertions of :mod:`exactloss.testing`,
none of which loads SymPy, python-flint or NumPy); the mathematics is imported the
first time a test uses the fixture or the marker (the registry loads the checks on
first use), so projects that merely have exactloss installed pay nothing.
Disable it with ``-p no:exactloss``.

**Fixture** ``exactloss_check(name, *, at_least=None, **kwargs) -> Result`` runs
``exactloss.check(name, **kwargs)`` and asserts (``exactloss.testing.assert_holds``)
that it holds at ``at_least`` or stronger; ``exactloss_check.fails(name,
hypothesis=None, **kwargs)`` asserts it fails (naming the hypothesis);
``exactloss_check.run(name, **kwargs)`` only runs it.

**Marker** ``@pytest.mark.exactloss(name, *, at_least=None, expect=True,
hypothesis=None, **kwargs)``: the test passes only if the check holds (or, with
``expect=False``, fails naming ``hypothesis``); the test body runs afterwards
and can inspect the :class:`~exactloss.Result` through the ``exactloss_result``
fixture.

The level wanted by default is ``certified`` (``--exactloss-level`` or the ini
option ``exactloss_level`` change it; an explicit ``at_least`` wins).  String
arguments ``params``, ``data`` and ``witness`` that name a file relative to the
test file's directory are resolved there, so a test can sit next to its network::

    @pytest.mark.exactloss("lemma-2.1", widths="3,3,2", samples=3)
    def test_backprop_identities(exactloss_result):
        assert exactloss_result.level == "proved"

    def test_my_network(exactloss_check):
        exactloss_check("theorem-3.8", params="net.json", data="data.json", at_least="certified")
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from exactloss.registry import check
from exactloss.testing import assert_fails, assert_holds

_LEVELS = ("numerical", "certified", "proved")
_DEFAULT_LEVEL = "certified"
_FILE_ARGS = ("params", "data", "witness")
_MARKER = ("exactloss(name, *, at_least=None, expect=True, hypothesis=None, **kwargs): replay the exactloss "
           "check `name` (e.g. 'lemma-2.1') with kwargs; the test fails unless it holds at the wanted level "
           "(or, with expect=False, fails naming `hypothesis`)")
_RESULT_KEY = pytest.StashKey[Any]()


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("exactloss", "exactloss: replay Nguyen & Hein (2017) checks")
    group.addoption("--exactloss-level", dest="exactloss_level", default=None, choices=_LEVELS,
                    help=f"weakest level a check must reach to pass (default: {_DEFAULT_LEVEL}); "
                         "an explicit at_least=... in a test wins")
    parser.addini("exactloss_level", f"default level for exactloss checks (default: {_DEFAULT_LEVEL})",
                  default=None)


def pytest_configure(config: Any) -> None:
    config.addinivalue_line("markers", _MARKER)


def _default_level(config: Any) -> str:
    level = config.getoption("exactloss_level", default=None) or config.getini("exactloss_level") or _DEFAULT_LEVEL
    level = str(level).strip()
    if level not in _LEVELS:
        raise pytest.UsageError(f"exactloss_level = {level!r}: choose one of proved, certified, numerical")
    return level


def _resolve_files(kwargs: dict[str, Any], base: Path | None) -> dict[str, Any]:
    """Relative ``params``/``data``/``witness`` paths: resolved against the test file's directory if they exist there."""
    if base is None:
        return kwargs
    out = dict(kwargs)
    for key in _FILE_ARGS:
        value = out.get(key)
        if isinstance(value, (str, os.PathLike)) and not os.path.isabs(value) and not os.path.exists(value):
            candidate = base / value
            if candidate.exists():
                out[key] = str(candidate)
    return out


class ExactlossCheck:
    """The callable behind the ``exactloss_check`` fixture."""

    def __init__(self, level: str, base: Path | None) -> None:
        self.level = level
        self.base = base

    def run(self, name: str, **kwargs: Any) -> Any:
        """Run ``exactloss.check(name, **kwargs)`` and return its Result (no assertion)."""
        return check(name, **_resolve_files(kwargs, self.base))

    def __call__(self, name: str, *, at_least: str | None = None, **kwargs: Any) -> Any:
        """Run the check and assert it holds at ``at_least`` (default: the session's level) or stronger."""
        __tracebackhide__ = True
        return assert_holds(self.run(name, **kwargs), at_least=at_least or self.level)

    def fails(self, name: str, hypothesis: str | None = None, *, at_least: str | None = None, **kwargs: Any) -> Any:
        """Run the check and assert it fails (naming ``hypothesis`` when given)."""
        __tracebackhide__ = True
        return assert_fails(self.run(name, **kwargs), hypothesis=hypothesis, at_least=at_least)


def _test_dir(node: Any) -> Path | None:
    path = getattr(node, "path", None)
    return Path(path).parent if path is not None else None


@pytest.fixture
def exactloss_check(request: Any) -> ExactlossCheck:
    """``exactloss_check(name, at_least=None, **kwargs)``: run an exactloss check and assert it holds."""
    return ExactlossCheck(_default_level(request.config), _test_dir(request.node))


def _marker_call(item: Any) -> tuple[str, dict[str, Any], dict[str, Any]]:
    marker = item.get_closest_marker("exactloss")
    if not marker.args or not isinstance(marker.args[0], str) or len(marker.args) > 1:
        raise pytest.UsageError(f"{item.nodeid}: write @pytest.mark.exactloss(\"check-name\", key=value, ...) "
                                "with the check's name as the only positional argument")
    kwargs = dict(marker.kwargs)
    own = {k: kwargs.pop(k) for k in ("at_least", "expect", "hypothesis") if k in kwargs}
    return marker.args[0], kwargs, own


def _marker_result(item: Any) -> Any:
    if _RESULT_KEY not in item.stash:
        name, kwargs, _ = _marker_call(item)
        runner = ExactlossCheck(_default_level(item.config), _test_dir(item))
        item.stash[_RESULT_KEY] = runner.run(name, **kwargs)
    return item.stash[_RESULT_KEY]


@pytest.fixture
def exactloss_result(request: Any) -> Any:
    """The Result of the test's ``@pytest.mark.exactloss(...)`` check (run once per test)."""
    if request.node.get_closest_marker("exactloss") is None:
        raise pytest.UsageError(f"{request.node.nodeid}: the exactloss_result fixture needs "
                                "@pytest.mark.exactloss(\"check-name\", ...) on the test; "
                                "or use the exactloss_check fixture")
    return _marker_result(request.node)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: Any) -> None:
    """For a test marked ``exactloss``: run the check and assert its verdict before the test body."""
    if item.get_closest_marker("exactloss") is None:
        return
    __tracebackhide__ = True
    _, _, own = _marker_call(item)
    result = _marker_result(item)
    if own.get("expect", True):
        assert_holds(result, at_least=own.get("at_least") or _default_level(item.config))
    else:
        assert_fails(result, hypothesis=own.get("hypothesis"), at_least=own.get("at_least"))
