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
