"""exactloss.floatpath.monte_carlo: Lemma 4.4's Monte Carlo certifies random draws, and never a linear layer."""

from __future__ import annotations

import json

import pytest

from exactloss.errors import InputError
from exactloss.floatpath.monte_carlo import monte_carlo_full_rank


def test_monte_carlo_full_rank_certifies_draws():
    r = monte_carlo_full_rank("sigmoid", samples=40, dim=3, draws=6, seed=1, batch=4)
    assert r.holds is True and r.level == "certified"
    assert r.details["certified"] == 6 and r.details["sigma_min_lower_min"] > 0
    r2 = monte_carlo_full_rank("sigmoid", samples=40, dim=3, draws=6, seed=1, batch=1)
    assert r2.details["sigma_min_lower_min"] == r.details["sigma_min_lower_min"]
    r3 = monte_carlo_full_rank("tanh", samples=20, dim=2, width=25, draws=3, seed=0, layer=2)
    assert r3.holds is True and r3.instance["widths"] == [2, 25, 25]
    json.dumps(r.to_json())


def test_monte_carlo_bad_input():
    with pytest.raises(InputError):
        monte_carlo_full_rank(samples=10, dim=2, width=5)
    with pytest.raises(InputError):
        monte_carlo_full_rank(samples=10, dim=2, draws=0)
    with pytest.raises(InputError):
        monte_carlo_full_rank("relu(t", samples=10)


def test_monte_carlo_identity_is_not_certified():
    """A linear layer with d = 1 has rank [F_1, 1_N] <= 2: no draw may be certified."""
    r = monte_carlo_full_rank("identity", samples=6, dim=1, draws=3, seed=0)
    assert r.level != "certified" and r.details["certified"] == 0
