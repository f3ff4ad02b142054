"""exactloss.paper.genericity: Lemma 4.4 (the chain + Monte-Carlo) and Corollary 4.5."""

import pytest

import exactloss.floatpath.verified
from exactloss.errors import InputError, NotExactError
from exactloss.paper.genericity import corollary_4_5, lemma_4_4


def test_lemma_4_4_chain_and_monte_carlo():
    r = lemma_4_4(samples=5, dim=2, draws=3)
    assert r.holds is True and r.level in ("proved", "certified")
    assert [c.holds for c in r.clauses] == [True, True, True, True]
    assert r.details["monte_carlo"]["certified_full"] == 3


def test_lemma_4_4_exact_numbers_refuse_transcendental_sigma():
    with pytest.raises(NotExactError):
        lemma_4_4(samples=3, dim=1, numbers="exact", draws=1)


def test_lemma_4_4_float_missing_function(monkeypatch):
    monkeypatch.delattr(exactloss.floatpath.verified, "monte_carlo_full_rank", raising=False)
    with pytest.raises(InputError, match="float is not available|not available yet"):
        lemma_4_4(samples=3, dim=1, numbers="float", draws=1)


def test_lemma_4_4_float_when_available():
    if not hasattr(exactloss.floatpath.verified, "monte_carlo_full_rank"):
        pytest.skip("verified.monte_carlo_full_rank not there yet")
    r = lemma_4_4(samples=5, dim=2, numbers="float", draws=2)
    assert r.holds is True


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "softplus"])
def test_corollary_4_5(act):
    r = corollary_4_5(samples=5, dim=2, activation=act, epsilon="1/1000")
    assert r.holds is True and r.level == "certified"
    assert r.clauses[0].holds is True and r.clauses[0].level == "proved"  # the start is rank-deficient
    from fractions import Fraction

    assert Fraction(r.details["norm2"]) < Fraction(1, 10**6)


def test_corollary_bad_epsilon():
    with pytest.raises(InputError, match="epsilon"):
        corollary_4_5(samples=3, epsilon="-1")


def test_corollary_width_too_small(tmp_path):
    import numpy as np
    from fractions import Fraction as Q

    from exactloss.errors import AssumptionError
    from exactloss.net.files import save_parameters
    from exactloss.net.network import Parameters

    save_parameters(Parameters((np.array([[Q(1), Q(2)]], dtype=object),), (np.array([Q(0), Q(1)], dtype=object),)),
                    tmp_path / "p.json")
    with pytest.raises(AssumptionError, match="at least 4"):
        corollary_4_5(samples=5, dim=1, params=str(tmp_path / "p.json"))


def test_corollary_from_params(tmp_path):
    import numpy as np
    from fractions import Fraction as Q

    from exactloss.net.files import save_parameters
    from exactloss.net.network import Parameters

    W = np.array([[Q(1), Q(1), Q(1)]], dtype=object)  # equal units: rank-deficient start
    b = np.array([Q(0)] * 3, dtype=object)
    save_parameters(Parameters((W,), (b,)), tmp_path / "p.json")
    r = corollary_4_5(samples=4, dim=1, params=str(tmp_path / "p.json"), widths="1,3")
    assert r.holds is True
