"""exactloss.paper.deep_linear: the rank cap for sigma = identity and the vanishing det of Lemma 4.3's family."""

import sympy as sp

from exactloss.paper.deep_linear import deep_linear_rank, identity_family_rank
from tests.cli_helpers import run


def test_rank_cap_proved_and_contrast():
    r = deep_linear_rank(samples=6, widths="3,1,5,5")
    assert r.holds is True and r.level == "proved"
    assert all(row["holds"] for row in r.details["ranks"])
    assert r.details["rank_F"][3] <= r.details["rank_W"][0] + 3  # rank W_1 + k - l + 1 with k=3, l=1
    assert r.details["contrast_sigmoid"]["holds"] is True  # sigmoid reaches rank N through width 1


def test_identity_family_vanishes():
    for N in (3, 4):
        f = identity_family_rank(N)
        assert f["columns_in_span_1_t"] and sp.sympify(f["det"]) == 0
    assert identity_family_rank(2)["columns_in_span_1_t"]


def test_no_contrast_when_too_narrow():
    r = deep_linear_rank(samples=5, widths="2,2,2")
    assert r.holds is True and "contrast_sigmoid" not in r.details


# -- the deep-linear-rank check on the command line --------------------------------------------------------


def test_cli_check_command(capsys):
    assert run(capsys, "check", "deep-linear-rank")[0] == 0


def test_registered_in_check_all():
    from exactloss import registry

    names = {c.name for c in registry.checks()}
    assert {"deep-linear-rank"} <= names
