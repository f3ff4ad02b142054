"""exactloss.paper.lemma_4_4: Lemma 4.4 (the chain + Monte-Carlo) and the lemma-4.4 check."""

import pytest

from exactloss.errors import NotExactError
from exactloss.paper.lemma_4_4 import lemma_4_4
from tests.cli_helpers import run


def test_lemma_4_4_chain_and_monte_carlo():
    r = lemma_4_4(samples=5, dim=2, draws=3)
    assert r.holds is True and r.level in ("proved", "certified")
    assert [c.holds for c in r.clauses] == [True, True, True, True]
    assert r.details["monte_carlo"]["certified_full"] == 3


def test_lemma_4_4_exact_numbers_refuse_transcendental_sigma():
    with pytest.raises(NotExactError):
        lemma_4_4(samples=3, dim=1, numbers="exact", draws=1)


def test_lemma_4_4_float():
    r = lemma_4_4(samples=5, dim=2, numbers="float", draws=2)
    assert r.holds is True


# -- the lemma-4.4 check on the command line --------------------------------------------------------------


def test_cli_check_command(capsys):
    assert run(capsys, "check", "lemma-4.4", "--samples", "4", "--draws", "2")[0] == 0
    assert run(capsys, "check", "lemma-4.4", "--samples", "4", "--numbers", "ball", "--draws", "1", "--json")[0] == 0
    code, _, err = run(capsys, "check", "lemma-4.4", "--samples", "3", "--numbers", "exact")
    assert code == 2 and "ball" in err


def test_registered_in_check_all():
    from exactloss import registry

    names = {c.name for c in registry.checks()}
    assert {"lemma-4.4"} <= names
