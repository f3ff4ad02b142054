"""The premises the theorem checkers share (exactloss.paper.premises): an undecided premise leaves the conclusion
undecided (issue 11, class 1: the shared verdict algebra), and what a point's data must fit."""

from __future__ import annotations

import pytest

from exactloss.errors import InputError, ShapeError
from exactloss.paper.instances import global_minimum_instance
from exactloss.paper.lemma_3_5.exact import lemma_3_5
from exactloss.paper.theorem_3_4 import theorem_3_4
from exactloss.paper.theorem_3_8 import theorem_3_8


def test_not_critical_says_the_gradient_norm():
    P, X, Y = global_minimum_instance((3, 3, 2), 3, seed=1)
    r = theorem_3_4(P, (X, Y + 1), "t + t**3")
    assert r.failed_hypothesis == "critical point"
    assert "||grad||_F <=" in r.reason and "exact critical point" in r.reason


def test_parameters_and_data_that_do_not_fit():
    P, X, Y = global_minimum_instance((3, 3, 2), 3, seed=1)
    with pytest.raises(ShapeError, match="X has shape"):
        theorem_3_4(P, (X[:, :2], Y), "t + t**3")
    with pytest.raises(ShapeError, match="Y has shape"):
        theorem_3_4(P, (X, Y[:, :1]), "t + t**3")
    with pytest.raises(InputError):
        lemma_3_5(P, (X, Y), "t + t**3", layer=5)


def _fake_assumption_3_2(growth: tuple, other: tuple = (True, True, True, True, True)):
    """A stand-in for exactloss.paper.assumption_3_2.assumption_3_2 with chosen clause verdicts."""
    from exactloss.evidence import Result, Verdict, conjunction

    names = ("3.2.1 no identical training samples", "3.2.2 sigma is real-analytic on R",
             "3.2.2 sigma is strictly increasing", "3.2.3 l is C^2 on R",
             "3.2.3 every critical point of l is a global minimum")
    cl = [Verdict(n, h, "proved" if h is not None else None, "stub") for n, h in zip(names, other)]
    cl += [Verdict("3.2.2(a) sigma is bounded", growth[0], "proved" if growth[0] is not None else None, "stub"),
           Verdict("3.2.2(b) growth", growth[1], "proved" if growth[1] is not None else None, "stub")]
    g = True if True in growth else (False if all(v is False for v in growth) else None)
    holds = conjunction([*other, g])

    def fake(sigma, ell, X):
        return Result("Assumption 3.2", holds, "proved" if holds is not None else None, clauses=tuple(cl))
    return fake


@pytest.mark.parametrize("growth", [(False, False), (None, False), (None, None)])
def test_unused_growth_clause_is_noted_not_assumed(monkeypatch, growth):
    """Theorem 3.4 / Lemma 3.5 do not use 3.2.2 (a)/(b): failing or undecided, the replayed proof decides."""
    import exactloss.paper.assumption_3_2 as A

    monkeypatch.setattr(A, "assumption_3_2", _fake_assumption_3_2(growth))
    P, X, Y = global_minimum_instance((3, 3, 2), 3, seed=1)
    for r in (theorem_3_4(P, (X, Y), "t + t**3"), lemma_3_5(P, (X, Y), "t + t**3")):
        assert r.holds is True and r.level == "proved" and r.missing is None
        assert "does not use this clause" in r.clauses[0].reason and "does not use this clause" in r.reason


@pytest.mark.parametrize("which", range(5))
def test_any_used_clause_undecided_leaves_every_theorem_undecided(monkeypatch, which):
    import exactloss.paper.assumption_3_2 as A

    other = [True] * 5
    other[which] = None
    monkeypatch.setattr(A, "assumption_3_2", _fake_assumption_3_2((True, True), tuple(other)))
    P, X, Y = global_minimum_instance((2, 2, 1), 3, seed=2)
    for r in (theorem_3_4(P, (X, Y), "t + t**3"), lemma_3_5(P, (X, Y), "t + t**3"),
              theorem_3_8(P, (X, Y), "t + t**3"), theorem_3_8(P, (X, Y), "t + t**3", local_minimum=True)):
        assert r.holds is None and r.level is None, r.explain()
        assert r.missing.startswith("Assumption 3.2.") and "stub" in r.reason


def test_theorem_3_8_growth_undecided(monkeypatch):
    """Theorem 3.8's proof uses (a)/(b): undecided -> undecided, unless Lemma 3.5 applies at the point."""
    import exactloss.paper.assumption_3_2 as A

    monkeypatch.setattr(A, "assumption_3_2", _fake_assumption_3_2((None, None)))
    P, X, Y = global_minimum_instance((2, 2, 1), 3, seed=2)
    r = theorem_3_8(P, (X, Y), "t + t**3")
    assert r.holds is True and "Lemma 3.5 gives the conclusion directly" in r.reason  # rank([F_1, 1]) = 3 here
    P, X, Y = global_minimum_instance((2, 2, 1), 3, seed=2, zero_layers=(1,))  # F_1 rows equal: rank 1 < 3
    r = theorem_3_8(P, (X, Y), "t + t**3")
    assert r.holds is not True
    if r.holds is None:
        assert "(a) or (b)" in r.missing
