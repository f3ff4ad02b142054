"""exactloss.registry: checks are discovered, listed in paper order, and callable by name."""

import pytest

import exactloss as xl
from exactloss import registry
from exactloss.errors import UnknownNameError


def test_lemma_2_1_registered():
    names = [c.name for c in registry.checks()]
    assert "lemma-2.1" in names
    r = xl.check("lemma-2.1", widths="2,2", samples=1)
    assert r.holds and r.seconds >= 0


def test_unknown_check():
    with pytest.raises(UnknownNameError, match="known: "):
        xl.check("lemma-9.9")


def test_every_check_has_instances_and_paper_label():
    for c in registry.checks():
        assert c.instances and c.paper and c.summary


def test_help_lists_every_result_by_paper_number():
    doc = xl.__doc__
    for c in registry.checks():
        assert f"``{c.name}``" in doc, f"add {c.name} to exactloss/__init__.py's list of results"


def test_exports_are_functions_not_shadowing_submodules():
    import importlib
    import pkgutil

    top = {m.name for m in pkgutil.iter_modules(xl.__path__)}
    assert not top & set(xl.__all__), "an exported name equal to a top-level submodule would be shadowed by it"
    for name in ("backprop", "lemma_3_5", "theorem_5_3", "verify"):
        importlib.import_module(xl._EXPORTS[name] and f"exactloss.{xl._EXPORTS[name]}")
        assert callable(getattr(xl, name)) and not isinstance(getattr(xl, name), type(xl))
