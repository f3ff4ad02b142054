"""Assumptions 3.2 / 5.2, Lemma 3.3, Lemma 4.1 and the ``assumptions`` command (exactloss.paper.assumptions)."""

import json
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

import exactloss as xl
from exactloss.paper.assumptions import (activation_conditions, assumption_3_2, assumption_5_2, growth, lemma_3_3,
                                   lemma_4_1, loss_conditions, require_assumption_3_2, samples_condition)
from exactloss.surfaces.cli import main
from exactloss.errors import AssumptionError, InputError

AN, INC, A, B = range(4)  # clause order of activation_conditions


def verdicts(spec):
    r = activation_conditions(spec)
    return r, [c.holds for c in r.clauses]


def assert_no_false_proof(r):
    """A clause at level proved/certified must have a decided verdict; undecided carries no level."""
    for c in r.clauses:
        if c.holds is None:
            assert c.level is None
        else:
            assert c.level in ("proved", "certified")


# -- the catalogue: the paper's verdicts (Lemma 3.3) ---------------------------------------------

@pytest.mark.parametrize("spec, via, mu, gamma", [("sigmoid", A, 0, 1), ("tanh", A, -1, 1)])
def test_bounded_catalogue(spec, via, mu, gamma):
    r, v = verdicts(spec)
    assert r.holds is True and r.level == "proved"
    assert all(r.clauses[i].level == "proved" for i in (AN, INC, via))
    assert r.details["mu"] == mu and r.details["gamma"] == gamma


@pytest.mark.parametrize("alpha", ["1", "2", "1/2", "10"])
def test_softplus_reproduces_the_papers_rho(alpha):
    r, v = verdicts(f"softplus:alpha={alpha}")
    al = sp.Rational(alpha)
    assert r.holds is True and r.level == "proved"
    assert v[A] is False and v[B] is True and r.clauses[B].level == "proved"
    rho = r.details["rho"]
    assert sp.simplify(rho["rho_1"] - 1 / al) == 0
    assert rho["rho_2"] == al and rho["rho_3"] == 1
    assert sp.simplify(rho["rho_4"] - sp.log(2) / al) == 0


def test_identity_and_relu_are_not_covered():
    r, v = verdicts("identity")
    assert r.holds is False and v[AN] is True and v[A] is False and v[B] is False
    r, v = verdicts("relu")
    assert r.holds is False and v[AN] is False
    assert "not differentiable at t = 0" in r.clauses[AN].reason


def test_lemma_3_3_proved():
    r = lemma_3_3()
    assert r.holds is True and r.level == "proved"
    assert all(c.holds and c.level == "proved" for c in r.clauses)


# -- the user expressions with known answers ------------------------------------------------

KNOWN = {
    # expr: (analytic, increasing, (a), (b), overall)
    "atan(t)": (True, True, True, False, True),
    "erf(t)": (True, True, True, False, True),
    "log(1+exp(t))": (True, True, False, True, True),
    "t + sin(t)": (True, True, False, False, False),
    "t**3": (True, True, False, False, False),
    "exp(t)": (True, True, False, False, False),
    "tanh(t) + t/100": (True, True, False, False, False),
    "t/(1+abs(t))": (False, True, True, False, False),
    "t**2": (True, False, False, False, False),
    "max(0, t)": (False, False, False, None, False),       # ReLU written out
    "max(t/10, t)": (False, True, False, False, False),       # leaky ReLU
    "abs(t)": (False, False, False, False, False),
    "1/(1+exp(-t))": (True, True, True, True, True),
    "t + t**3": (True, True, False, False, False),
    "2*t + sin(t)": (True, True, False, False, False),
    "sinh(t)": (True, True, False, False, False),
    "asinh(t)": (True, True, False, False, False),
    "1/(1+exp(-2*t)) - 1/2": (True, True, True, False, True),
    "exp(t)/(1+exp(t))": (True, True, True, True, True),
    "atan(t) + t": (True, True, False, False, False),
    "exp(-exp(-t))": (True, True, True, None, True),           # Gompertz: bounded; (b) not decided
    "sign(t)": (False, False, None, False, False),
    "sin(t)": (True, False, None, None, False),
}


@pytest.mark.parametrize("expr", list(KNOWN))
def test_known_answers(expr):
    r, v = verdicts(expr)
    *clauses, overall = KNOWN[expr]
    assert v == clauses, [c.reason for c in r.clauses]
    assert r.holds is overall
    assert_no_false_proof(r)


def test_t_plus_sin_increasing_by_isolated_zeros():
    r, _ = verdicts("t + sin(t)")
    assert r.clauses[INC].level == "proved" and "isolated" in r.clauses[INC].reason


def test_increasing_by_ball_cover_and_tails():
    # sigma' = t^2 - t + 1 > 0: interval bounds alone fail; [-R, R] by arb boxes + symbolic tails -> certified
    r, v = verdicts("t**3/3 - t**2/2 + t")
    assert v[INC] is True and r.clauses[INC].level == "certified"
    # sigma' = (t - 1)^2: >= 0 with an isolated zero -> proved
    r, v = verdicts("t**3/3 - t**2 + t")
    assert v[INC] is True and r.clauses[INC].level == "proved"
    # sigma' = t^2 - t + 1/5 < 0 at 1/3: not increasing
    r, v = verdicts("t**3/3 - t**2/2 + t/5")
    assert v[INC] is False


def test_exp_fails_b_for_t_nonnegative_only():
    r, _ = verdicts("exp(t)")
    reason = r.clauses[B].reason
    assert "t >= 0" in reason and "fails for t < 0" not in reason


def test_tanh_plus_linear_fails_b_for_t_negative():
    r, _ = verdicts("tanh(t) + t/100")
    assert "fails for t < 0" in r.clauses[B].reason


def test_bounded_non_analytic_reason():
    r, _ = verdicts("t/(1+abs(t))")
    assert "not C^2 at t = 0" in r.clauses[AN].reason
    assert r.details["mu"] == -1 and r.details["gamma"] == 1


@pytest.mark.parametrize("expr", ["t + sqrt(1 + t**2)", "tan(t)", "log(t)", "erf(t) + 1"])
def test_hard_cases_never_claim_a_false_proof(expr):
    # t + sqrt(1+t^2) is increasing (undecided is acceptable); tan is not increasing on R; log is not real on R
    r, v = verdicts(expr)
    assert_no_false_proof(r)
    if expr == "t + sqrt(1 + t**2)":
        assert v[INC] in (True, None)   # it is increasing: undecided is allowed, "fails" is not
    if expr in ("tan(t)", "log(t)"):
        assert r.holds is not True and v[AN] is not True


@settings(max_examples=5, deadline=None)
@given(st.integers(1, 12), st.integers(1, 12))
def test_random_softplus_rho_verified(p, q):
    al = Fraction(p, q)
    v, info = growth(f"softplus:alpha={al}")
    a = sp.Rational(p, q)
    assert v.holds is True and v.level == "proved"
    rho = info["rho"]
    assert sp.simplify(rho["rho_1"] - 1 / a) == 0 and rho["rho_2"] == a
    assert rho["rho_3"] == 1 and sp.simplify(rho["rho_4"] - sp.log(2) / a) == 0


# -- losses (Assumption 3.2.3) ---------------------------------------------------------------------

@pytest.mark.parametrize("spec", ["squared", "pseudo-huber", "blake-zisserman", "corrupted-gaussian", "cauchy",
                                  "cauchy:delta=-2", "pseudo-huber:delta=1/3", "blake-zisserman:delta=2"])
def test_catalogue_losses_hold(spec):
    r = loss_conditions(spec)
    assert r.holds is True and r.level == "proved"


@pytest.mark.parametrize("spec, clause, words", [
    ("l1", 0, "not C^2 at a = 0"), ("l2", 0, "not C^2 at a = 0"),
    ("a**3", 1, "not a global minimum"), ("a**4 - a**2", 1, "not a global minimum"),
    ("blake-zisserman:delta=-1/2", 0, "not real-valued"),
    ("corrupted-gaussian:alpha=2,w=6", 0, "not real-valued"),
])
def test_losses_that_fail(spec, clause, words):
    r = loss_conditions(spec, explore=False)
    assert r.holds is False and r.clauses[clause].holds is False
    assert words in r.clauses[clause].reason


def test_loss_in_t_and_more_known_losses():
    assert loss_conditions("t**2").holds is True
    assert loss_conditions("a**4").holds is True
    assert loss_conditions("log(cosh(a))").holds is not False


def test_parameter_ranges_and_breaking_values():
    r = loss_conditions("blake-zisserman")
    assert r.details["range"] == {"paper": "delta > 0", "inside": True}
    broken = [o for o in r.details["outside"] if o["holds"] is False]
    assert broken and "not real-valued" in broken[0]["reason"]
    r = loss_conditions("corrupted-gaussian:alpha=2,w=6", explore=False)
    assert r.details["range"]["inside"] is False
    r = loss_conditions("cauchy")
    assert any("delta != 0" in o["reason"] for o in r.details["outside"])


def test_loss_bad_input():
    with pytest.raises(InputError):
        loss_conditions("x**2")
    assert loss_conditions("generic").holds is None      # no concrete verdict: undecided, not an error
    assert activation_conditions("generic").holds is None


# -- samples (Assumption 3.2.1) --------------------------------------------------------------------

def test_samples_duplicates_named_one_based():
    r = samples_condition([[0, 1], [2, 3], [0, 1], ["1/2", 0], [0.5, 0]])
    assert r.holds is False and r.level == "proved"
    assert r.details["duplicates"] == [[1, 3], [4, 5]]
    assert "rows 1 and 3" in r.reason
    assert samples_condition([[0, 1], [1, 0]]).holds is True


@settings(max_examples=15)
@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3)), min_size=2, max_size=8, unique=True),
       st.data())
def test_random_duplicates_are_found(rows, data):
    i = data.draw(st.integers(0, len(rows) - 1))
    j = data.draw(st.integers(0, len(rows)))
    X = list(rows)
    X.insert(j, rows[i])
    r = samples_condition([list(x) for x in X])
    assert r.holds is False
    pos = [k + 1 for k, x in enumerate(X) if x == rows[i]]
    assert pos in r.details["duplicates"]
    assert samples_condition([list(x) for x in rows]).holds is True


# -- the combined assumption and the guard ----------------------------------------------------------

def test_assumption_3_2_combined():
    r = assumption_3_2("softplus:alpha=2", "blake-zisserman", [[0, 1], [1, 0]])
    assert r.holds is True and r.level == "proved"
    assert [c.claim[:5] for c in r.clauses][:1] == ["3.2.1"]
    r = assumption_3_2("sigmoid", "squared", [[0, 1], [0, 1]])
    assert r.holds is False
    r = assumption_3_2("sigmoid")
    assert r.holds is True and all(not c.claim.startswith("3.2.3") for c in r.clauses)


def test_require_raises_one_line():
    with pytest.raises(AssumptionError) as e:
        require_assumption_3_2("relu")
    msg = str(e.value)
    assert msg.startswith("Assumption 3.2.2 fails: relu is not differentiable at t = 0")
    assert "not analytic" in msg and "use sigmoid, tanh or softplus" in msg and "\n" not in msg
    with pytest.raises(AssumptionError, match="3.2.2 fails: t\\*\\*2 is not strictly increasing"):
        require_assumption_3_2("t**2")
    with pytest.raises(AssumptionError, match="neither bounded"):
        require_assumption_3_2("t**3")
    with pytest.raises(AssumptionError, match="3.2.3 fails"):
        require_assumption_3_2("sigmoid", "a**3")
    with pytest.raises(AssumptionError, match="3.2.1 fails: .*rows 1 and 2"):
        require_assumption_3_2("sigmoid", None, [[1, 1], [1, 1]])
    assert require_assumption_3_2("tanh", "cauchy").holds is True
    assert isinstance(AssumptionError("x"), InputError)


def test_require_returns_undecided():
    r = require_assumption_3_2("t + sqrt(1 + t**2)")
    assert r.holds is None


# -- Assumption 5.2 -----------------------------------------------------------------------------------

def test_assumption_5_2():
    r = assumption_5_2()
    assert r.holds is True and r.level == "proved"
    assert assumption_5_2("relu").holds is False
    assert assumption_5_2("t**3").holds is True          # C^1 and strictly increasing suffice in 5.2
    r = assumption_5_2("sigmoid", "l2", "l1")            # swapped
    assert r.holds is False
    r = assumption_5_2("tanh", "squared", "l2")
    assert r.holds is False and "5.2.2" in r.failed_hypothesis


# -- Lemma 4.1 ------------------------------------------------------------------------------------------

def test_lemma_4_1():
    r = lemma_4_1("2,3,2", "sigmoid")
    assert r.holds is True and r.level == "proved"
    assert r.details["entries_checked"] > 0
    r = lemma_4_1("2,2,1", "relu")
    assert r.holds is False and r.failed_hypothesis
    assert lemma_4_1(xl.Network("2,2,2,1", "softplus:alpha=3")).holds is True


# -- registry and CLI --------------------------------------------------------------------------------------

def test_registered_checks():
    for name in ("lemma-3.3", "assumption-3.2", "assumption-5.2", "lemma-4.1"):
        r = xl.check(name)
        assert r.holds is True, (name, r.reason)
    assert xl.check("assumption-3.2", activation="relu").holds is False


def test_cli_assumptions(capsys, tmp_path):
    assert main(["assumptions", "--activation", "tanh", "--loss", "cauchy"]) == 0
    out = capsys.readouterr().out
    assert "3.2.2 sigma is real-analytic on R" in out and "proved" in out
    assert main(["assumptions", "--activation", "relu", "--loss", "squared"]) == 1
    assert "not differentiable" in capsys.readouterr().out
    assert main(["assumptions", "--activation", "softplus:alpha=2", "--loss", "none", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["holds"] is True and rec["details"]["Assumption 3.2.2"]["rho"]["rho_4"] == "log(2)/2"
    data = tmp_path / "d.json"
    data.write_text(json.dumps({"X": [[0, 1], [2, 2], [0, 1]]}))
    assert main(["assumptions", "--activation", "sigmoid", "--data", str(data)]) == 1
    assert "rows 1 and 3" in capsys.readouterr().out


@pytest.mark.parametrize("args", [["--activation", "sin((t"], ["--activation", "x + 1"], ["--activation", "t + I"],
                                  ["--activation", "sigmoid", "--loss", "y**2"],
                                  ["--activation", "sigmoid", "--data", "/nonexistent/d.json"]])
def test_cli_bad_input_exit_2(args, capsys):
    assert main(["assumptions", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


def test_cli_check_commands(capsys):
    assert main(["check", "lemma-3.3", "--alphas", "1,3"]) == 0
    assert "rho = (1/3, 3, 1, log(2)/3) = the paper's" in capsys.readouterr().out
    assert main(["check", "assumption-5.2", "--activation", "relu"]) == 1
    assert main(["check", "lemma-4.1", "--widths", "2,2,1", "--activation", "tanh"]) == 0
