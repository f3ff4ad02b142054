"""exactloss.testing.strategies draw valid, small inputs for the public API."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, strategies as st

import exactloss as xl
from exactloss.errors import InputError
from exactloss.arith.functions import ScalarFunction
from exactloss.net.network import duplicate_rows
from exactloss.testing import strategies as xst


@given(xst.datasets(N=st.integers(1, 5), d=st.integers(1, 3), m=2))
def test_datasets_distinct_exact(data):
    X, Y = data
    assert X.dtype == object and all(isinstance(v, Fraction) for v in X.flat)
    assert duplicate_rows(X) == []
    assert Y.shape == (X.shape[0], 2) and all(isinstance(v, Fraction) for v in Y.flat)


@given(xst.datasets(N=9, d=1, m=None, denominator=1, bound=1))
def test_datasets_widen_when_too_few_rows(data):
    X, Y = data  # only 3 values in [-1, 1]: the range widens by itself
    assert X.shape == (9, 1) and Y is None and duplicate_rows(X) == []


@given(xst.datasets(N=3, d=2, m=1, exact=False))
def test_datasets_float(data):
    X, Y = data
    assert X.dtype == np.float64 and Y.dtype == np.float64
    assert len({tuple(r) for r in X.tolist()}) == 3


@given(xst.widths(L=3, N=5, wide_layer=True, pyramid=True))
def test_widths_wide_layer_and_pyramid(ws):
    assert len(ws) == 4
    assert any(ws[k] >= 4 for k in (1, 2))
    k = next(k for k in (1, 2) if ws[k] >= 4)
    assert all(ws[j] >= ws[j + 1] for j in range(k + 1, 3))


@given(xst.widths(L=2, N=6, wide_layer=1, max_width=2))
def test_widths_fixed_wide_layer(ws):
    assert ws[1] >= 5


@pytest.mark.parametrize("kwargs,message", [
    ({"L": 2, "wide_layer": True}, "needs N"),
    ({"L": 2, "N": 3, "wide_layer": 2}, r"\[1, L-1\]"),
    ({"L": 1, "N": 3, "wide_layer": True}, "L >= 2"),
    ({"L": 0}, "at least 1"),
])
@given(data=st.data())
def test_widths_bad_options(data, kwargs, message):
    with pytest.raises(InputError, match=message):
        data.draw(xst.widths(**kwargs))


@given(xst.parameters(xst.widths(L=st.integers(1, 3))))
def test_parameters_fit_their_widths(P):
    xl.Network(P.widths, "sigmoid").check_parameters(P)
    assert all(isinstance(v, Fraction) for W in P.W for v in W.flat)


@given(xst.parameters(xst.widths(L=3, N=3, wide_layer=1, pyramid=True), full_column_rank_from=3, bound=0))
def test_parameters_full_column_rank(P):
    from exactloss.testing.strategies import _rank

    assert _rank(P.W[2]) == P.widths[3]


@given(xst.activations(), xst.losses())
def test_catalogue_names(a, l):
    assert a in xst.ASSUMPTION_ACTIVATIONS and l in xst.ASSUMPTION_LOSSES
    assert xl.activation(a).name == a


@given(xst.activations(include="all", objects=True), xst.losses(include=["cauchy:delta=2", "l1"], objects=True))
def test_catalogue_objects(a, l):
    assert isinstance(a, ScalarFunction) and a.kind == "activation"
    assert isinstance(l, ScalarFunction) and l.kind == "loss"


def test_catalogue_rejects_unknown_now():
    with pytest.raises(InputError, match="unknown activation"):  # raised when the strategy is built, not mid-test
        xst.activations(include=["sigmoidd"])
    with pytest.raises(InputError, match="no activations left"):
        xst.activations(include=["relu"], exclude=["relu"])


@given(xst.networks())
def test_networks(net):
    assert isinstance(net, xl.Network) and net.activation.name in xst.ASSUMPTION_ACTIVATIONS


@given(xst.instances(N=st.integers(1, 3), wide_layer=True, activation="sigmoid", loss="squared"))
def test_instances_are_consistent_and_evaluate(case):
    assert case.N == case.X.shape[0]
    assert any(case.widths[k] >= case.N - 1 for k in range(1, len(case.widths) - 1))
    phi = case.network.phi(case.params, case.X, case.Y, case.loss, "ball")
    assert phi.is_finite()
