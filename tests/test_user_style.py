"""A user's regression-test file: only public names (exactloss, exactloss.testing, the pytest plugin).

This is what issue 8 asks a user to be able to write; it runs in CI like any other test.
"""

import pytest
from hypothesis import given, settings

import exactloss as xl
from exactloss.testing import assert_fails, assert_holds
from exactloss.testing import strategies as xst


@pytest.mark.exactloss("lemma-2.1", widths="3,3,2", samples=3, at_least="proved")
def test_backprop_identities(exactloss_result):
    assert exactloss_result.level == "proved"


@pytest.fixture
def my_network(tmp_path):
    """A user's network file: a wide sigmoid layer (n_1 = N - 1) and data."""
    net = xl.Network("2,4,1", "sigmoid")
    P = net.random_parameters(seed=3)
    X, Y = xl.random_data(5, 2, 1, seed=4)
    return xl.save_parameters(P, tmp_path / "net.json"), xl.save_data(X, Y, tmp_path / "data.json")


def test_quantitative_bound_on_my_network(exactloss_check, my_network):
    params, data = my_network
    r = exactloss_check.run("lemma-3.5", form="quantitative", params=str(params), data=str(data),
                            activation="sigmoid")
    assert_holds(r, at_least="certified")
    assert r.details["loss_bound"] >= r.details["Phi_upper"]


def test_not_a_critical_point_is_named(exactloss_check, my_network):
    params, data = my_network
    exactloss_check.fails("theorem-3.8", "critical point", params=str(params), data=str(data), activation="sigmoid")


def test_relu_is_refused():
    assert_fails(xl.check("assumption-3.2", activation="relu", loss="squared"), hypothesis="3.2.2")


@settings(max_examples=5, deadline=None)
@given(xst.widths(L=2, d=2, m=1, max_width=3))
def test_lemma_2_1_for_any_small_widths(ws):
    assert_holds(xl.check("lemma-2.1", widths=ws, samples=2), at_least="proved")
