"""exactloss.testing: assert_holds / assert_fails never claim more than the result shows."""

import json

import pytest

import exactloss as xl
from exactloss.errors import FileFormatError, InputError
from exactloss.evidence import Result, Verdict
from exactloss.testing import as_result, assert_fails, assert_holds


def _r(holds, level, **kw):
    return Result(result="Demo 1.1", holds=holds, level=level, statement="a demo statement", **kw)


@pytest.mark.parametrize("level,wanted,passes", [
    ("proved", "proved", True), ("proved", "certified", True), ("proved", "numerical", True),
    ("certified", "proved", False), ("certified", "certified", True), ("certified", "numerical", True),
    ("numerical", "proved", False), ("numerical", "certified", False), ("numerical", "numerical", True),
])
def test_assert_holds_levels(level, wanted, passes):
    r = _r(True, level)
    if passes:
        assert assert_holds(r, at_least=wanted) is r
    else:
        with pytest.raises(AssertionError) as exc:
            assert_holds(r, at_least=wanted)
        msg = str(exc.value)
        assert msg.startswith(r.explain())
        assert f"wanted: holds at level {wanted!r} or stronger; got: holds at level {level!r}" in msg


def test_numerical_never_passes_as_certified_default():
    # the default level is certified: a float result must not pass
    with pytest.raises(AssertionError, match="numerical only"):
        assert_holds(_r(True, "numerical"))


def test_real_numerical_result_fails_certified(tmp_path):
    """A genuine float64 result from the library (Lemma 2.1 gradients) is numerical: rejected at certified."""
    from exactloss.paper.lemma_2_1 import gradients

    net = xl.Network("2,2,1", "sigmoid")
    P = net.random_parameters(seed=1)
    X, Y = xl.random_data(3, 2, 1, seed=1)
    r = gradients(P, (X, Y), numbers="float")
    assert r.holds is True and r.level == "numerical"
    with pytest.raises(AssertionError, match="wanted: holds at level 'certified'"):
        assert_holds(r, at_least="certified")
    assert_holds(r, at_least="numerical")


@pytest.mark.parametrize("holds,level", [(False, "proved"), (None, None), (None, "numerical")])
def test_assert_holds_rejects_failed_and_undecided(holds, level):
    r = _r(holds, level, reason="because")
    with pytest.raises(AssertionError) as exc:
        assert_holds(r, at_least="numerical")
    assert "because" in str(exc.value)
    assert f"got: {r.verdict}" in str(exc.value)


def test_assert_holds_truthy_is_not_true():
    # holds must be the value True, not merely truthy
    r = _r(True, "proved")
    object.__setattr__(r, "holds", 1)
    with pytest.raises(AssertionError):
        assert_holds(r, at_least="numerical")


def test_assert_holds_bad_level():
    with pytest.raises(InputError, match="choose one of proved, certified, numerical"):
        assert_holds(_r(True, "proved"), at_least="exact")


def test_assert_holds_real_check_and_saved_forms(tmp_path):
    r = xl.check("lemma-2.1", widths="2,2,1", samples=2)
    assert_holds(r, at_least="proved")
    record = r.to_json()
    assert assert_holds(record, at_least="proved").result == "Lemma 2.1"
    path = tmp_path / "r.json"
    path.write_text(json.dumps(record))
    assert assert_holds(path, at_least="proved").holds is True
    assert assert_holds(str(path)).holds is True


def test_saved_forms_are_validated(tmp_path):
    with pytest.raises(FileFormatError, match="not an exactloss result"):
        assert_holds({"holds": True, "level": "proved"})
    with pytest.raises(FileFormatError, match="no such file"):
        assert_holds(tmp_path / "missing.json")
    with pytest.raises(InputError, match="expected an exactloss Result"):
        as_result(42)


def _failing():
    return Result(result="Lemma 4.3", holds=False, level="proved", statement="rank [F_k, 1_N] = N",
                  reason="two samples are equal", failed_hypothesis="Assumption 3.2.1: distinct samples (rows 1 and 3)",
                  clauses=(Verdict("width n_k >= N - 1", True, "proved"),
                           Verdict("sigma is real-analytic", False, "proved", "ReLU has a kink")))


def test_assert_fails_names_hypothesis():
    r = _failing()
    assert assert_fails(r) is r
    assert_fails(r, hypothesis="assumption 3.2.1")       # the clause number, case-insensitive
    assert_fails(r, hypothesis="Assumption 3.2.1: distinct samples (rows 1 and 3)")   # or the full text
    assert_fails(r, hypothesis="sigma is real-analytic")  # a failing clause's claim, in full
    assert_fails(r, hypothesis="3.2.1", at_least="proved")
    for part in ("DISTINCT SAMPLES", "real-analytic", "3.2", "3.2.1: distinct"):  # identifiers, not substrings
        with pytest.raises(AssertionError, match="identifiers: 3.2.1"):
            assert_fails(r, hypothesis=part)
    with pytest.raises(AssertionError) as exc:
        assert_fails(r, hypothesis="n_k >= N - 1")       # that clause holds: not a failed hypothesis
    msg = str(exc.value)
    assert msg.startswith(r.explain())
    assert "wanted: fails naming hypothesis 'n_k >= N - 1'" in msg
    assert "Assumption 3.2.1" in msg.splitlines()[-1]


def test_assert_fails_rejects_holds_and_undecided():
    with pytest.raises(AssertionError, match="wanted: fails; got: holds"):
        assert_fails(_r(True, "proved"))
    with pytest.raises(AssertionError, match="got: undecided"):
        assert_fails(_r(None, None), hypothesis="anything")
    with pytest.raises(AssertionError, match="wanted: fails at level 'certified'"):
        assert_fails(_r(False, "numerical"), at_least="certified")


def test_assert_fails_without_names():
    r = _r(False, "proved")
    with pytest.raises(AssertionError, match="named: none"):
        assert_fails(r, hypothesis="3.2.2")


def test_assert_fails_on_a_real_check():
    """A library check that refutes a hypothesis (ReLU is not analytic: Assumption 3.2.2)."""
    from exactloss import registry

    if "assumption-3.2" not in {c.name for c in registry.checks()}:
        pytest.skip("assumption-3.2 is not registered in this tree")
    r = xl.check("assumption-3.2", activation="relu", loss="squared")
    assert_fails(r, hypothesis="3.2.2 sigma is real-analytic on R")
    assert_fails(r, hypothesis="3.2.2", at_least="proved")
    assert_fails(r, hypothesis="3.2.2(a)")  # a failing sub-clause: "3.2.2(a) sigma is bounded"
    with pytest.raises(AssertionError, match="wanted: fails naming hypothesis '3.2.3'"):
        assert_fails(r, hypothesis="3.2.3")  # the loss clauses hold
    with pytest.raises(AssertionError):
        assert_holds(r, at_least="numerical")


def test_conditional_result_never_passes_and_names_what_is_missing():
    """A conclusion resting on an undecided premise (issue 11, class 1): undecided, both assertions refuse it,
    and the message says ``undecided (missing: ...)`` like every other surface."""
    r = _r(None, None, missing="Assumption 3.2.3 every critical point of l is a global minimum")
    for call in (lambda: assert_holds(r, at_least="numerical"), lambda: assert_fails(r)):
        with pytest.raises(AssertionError) as exc:
            call()
        msg = str(exc.value)
        assert msg.startswith("Demo 1.1: undecided (missing: Assumption 3.2.3")
        assert msg.splitlines()[-1].endswith("got: undecided (missing: Assumption 3.2.3 every critical point of l "
                                             "is a global minimum)")
    with pytest.raises(ValueError, match="undecided premise"):
        _r(True, "proved", missing="Assumption 3.2.3")


def test_issue_example_through_the_library_is_refused():
    r = xl.check("theorem-3.4", instance="global-min", loss="a**2 - a**3/10")
    with pytest.raises(AssertionError, match=r"got: undecided \(missing: Assumption 3\.2\.3"):
        assert_holds(r, at_least="numerical")
    # the saved record keeps it
    back = as_result(json.loads(r.dumps()))
    assert back.holds is None and back.missing == r.missing
