"""The theorem checkers (exactloss.paper.theorems, lemma_3_5, theorem_5_3, morse, training, theorems_checks)."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import exactloss as xl
from exactloss import registry
from exactloss.net.backprop import backprop
from exactloss.surfaces.cli import main
from exactloss.errors import AssumptionError, InputError, ShapeError
from exactloss.paper.lemma_3_5.quantitative import lemma_3_5_bound
from exactloss.paper.theorem_3_10 import theorem_3_10
from exactloss.arith.systems import Float
from exactloss.paper.theorem_5_3 import section5_gradients, separable_instance, theorem_5_3, xor_instance
from exactloss.paper.theorems import (collapsed_instance, global_minimum_instance, lemma_3_5, theorem_3_4, theorem_3_8,
                                top_layer_solved_instance)
from exactloss.floatpath.training import train

MINE = ("theorem-3.4", "lemma-3.5", "definition-3.7", "theorem-3.8", "corollary-3.9", "theorem-5.3", "theorem-3.10")

# what each broken default instance must name (a substring of failed_hypothesis), by (check, label)
EXPECTED_FAILURE = {
    ("theorem-3.4", "N > d+1: rank([X,1]) < N"): "rank([X, 1_N])",
    ("theorem-3.4", "critical, Phi > 0: W_2 = 0 not full rank"): "rank(W_2)",
    ("theorem-3.4", "gradient not zero"): "critical point",
    ("theorem-3.4", "loss breaks Assumption 3.2.3"): "3.2.3",
    ("theorem-3.4", "relu breaks Assumption 3.2.2"): "3.2.2",
    ("lemma-3.5", "(1) fails: narrow, Phi > 0"): "(1)",
    ("lemma-3.5", "(2) fails: W_3 = 0"): "(2) rank(W_3)",
    ("lemma-3.5", "(3) fails: gradient not 0"): "(3)",
    ("lemma-3.5", "relu breaks Assumption 3.2"): "3.2.2",
    ("lemma-3.5", "quantitative, narrow: no bound"): "(1)",
    ("theorem-3.8", "critical, Phi > 0: degenerate on every I"): "non-degenerate",
    ("theorem-3.8", "n_k < N - 1 (offers Section 5)"): "n_k >= N - 1",
    ("theorem-3.8", "W_3 = 0"): "rank(W_3)",
    ("theorem-3.8", "gradient not 0"): "critical point",
    ("theorem-3.8", "relu breaks Assumption 3.2"): "3.2.2",
    ("corollary-3.9", "degenerate"): "non-degenerate",
    ("corollary-3.9", "gradient not 0"): "critical point",
    ("theorem-5.3", "critical, Phi = 4: F_1 not separable (Gordan)"): "rows of F_1 linearly separable",
    ("theorem-5.3", "XOR inputs not separable (Gordan)"): "inputs linearly separable",
    ("theorem-5.3", "W_2 is 2 x 3: rank fails"): "rank(W_2)",
    ("theorem-5.3", "gradient not 0"): "critical point",
    ("theorem-5.3", "relu breaks Assumption 5.2"): "5.2",
    ("theorem-3.10", "w = 0: the degenerate point stays"): "exceptional",
}


@pytest.mark.parametrize("chk,inst", [(c, i) for c in registry.checks() if c.name in MINE for i in c.instances],
                         ids=lambda x: getattr(x, "name", None) or getattr(x, "label", ""))
def test_default_instances(chk, inst):
    r = chk.run(**inst.kwargs)
    assert r.holds is inst.expect, r.explain()
    if inst.expect:
        assert r.level in ("proved", "certified") and r.failed_hypothesis is None
    else:
        assert EXPECTED_FAILURE[(chk.name, inst.label)] in r.failed_hypothesis, (inst.label, r.failed_hypothesis)
    json.dumps(r.to_json())


def test_theorem_3_4_replays_the_induction_step_by_step():
    P, X, Y = global_minimum_instance((3, 3, 2, 2), 4, seed=3)
    r = theorem_3_4(P, (X, Y), "t + t**3")
    assert r.holds is True and r.level == "proved"
    steps = r.details["proof_replay"]
    assert len(steps) == 4  # Delta_1 = 0; Delta_1 -> Delta_2; Delta_2 -> Delta_3; Delta_3 -> l'(F_L - Y)
    assert steps[0]["rank"] == 4 and all(s.get("Delta_is_zero", True) for s in steps)
    assert steps[-1]["l_prime_is_zero"] is True
    assert "3.2.2" in r.reason  # says the stated theorem's growth clause fails for t + t^3


def test_collapsed_point_is_critical_but_not_minimal():
    P, X, Y = collapsed_instance((3, 3, 2), 3, seed=2)
    net = xl.Network((3, 3, 2), "t + t**3")
    g = backprop(net, P, X, Y, "squared", "exact")
    assert all(v == 0 for A in g.grad_W + g.grad_b for v in A.flat)
    assert g.phi > 0
    r = theorem_3_4(P, (X, Y), "t + t**3")
    assert r.holds is False and r.failed_hypothesis == "rank(W_2) = n_2"


def test_lemma_3_5_top_solved_is_layer_critical_with_positive_loss():
    P, X, Y = top_layer_solved_instance((2, 2, 1), 5, seed=1)
    g = backprop(xl.Network((2, 2, 1), "identity"), P, X, Y, "squared", "exact")
    assert all(v == 0 for v in list(g.grad_W[1].flat) + list(g.grad_b[1].flat)) and g.phi > 0
    r = lemma_3_5(P, (X, Y), "identity")
    assert r.holds is False and r.failed_hypothesis.startswith("(1)")


def test_not_critical_says_the_gradient_norm():
    P, X, Y = global_minimum_instance((3, 3, 2), 3, seed=1)
    r = theorem_3_4(P, (X, Y + 1), "t + t**3")
    assert r.failed_hypothesis == "critical point"
    assert "||grad||_F <=" in r.reason and "exact critical point" in r.reason


def test_sigmoid_in_ball_arithmetic_never_claims_a_critical_point():
    P, X, Y, _ = train((2, 4, 1), N=4, seed=1, iterations=300)
    r = theorem_3_8(P, (X, Y), "sigmoid")
    # the rational point's gradient is tiny but certified non-zero (or undecided): never "critical"
    assert r.holds is not True and r.failed_hypothesis in (None, "critical point")
    assert "quantitative Lemma 3.5" in r.reason


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_quantitative_bound_dominates_the_true_loss_on_trained_networks(seed):
    P, X, Y, info = train((2, 5, 1), N=5, seed=seed, iterations=1500)
    r = lemma_3_5_bound(P, (X, Y), "sigmoid", "squared", layer=1)
    assert r.holds is True and r.level == "certified"
    phi_upper = r.details["Phi_upper"]
    assert r.details["loss_bound"] >= phi_upper > 0
    ratio = r.details["ratio_bound_over_Phi"]
    assert ratio is not None and ratio >= 1
    print(f"seed {seed}: Phi ~ {phi_upper:.3e}, bound {r.details['loss_bound']:.3e}, ratio {ratio:.3g}")


@settings(max_examples=3)
@given(st.integers(0, 1000))
def test_quantitative_bound_recheck_at_higher_precision(seed):
    P, X, Y, _ = train((2, 4, 1), N=4, seed=seed, iterations=400)
    lo = lemma_3_5_bound(P, (X, Y), "sigmoid", "squared", layer=1, digits=30)
    hi = lemma_3_5_bound(P, (X, Y), "sigmoid", "squared", layer=1, digits=80)
    if lo.holds:
        assert hi.holds and hi.details["loss_bound"] >= float(hi.details["Phi_upper"]) * (1 - 1e-9)
        # the lower-precision bound is still a bound on the higher-precision loss
        assert lo.details["loss_bound"] >= hi.details["Phi_upper"] * (1 - 1e-6)


def test_quantitative_bound_is_zero_at_an_exact_critical_point():
    P, X, Y = global_minimum_instance((2, 4, 1), 5, seed=2)
    r = lemma_3_5_bound(P, (X, Y), "t + t**3", layer=1)
    assert r.holds and r.details["loss_bound"] == 0.0


def test_theorem_3_8_bad_input_layer_narrow_and_non_pyramidal():
    P, X, Y = global_minimum_instance((2, 2, 1), 5, seed=2)
    with pytest.raises(AssumptionError, match="theorem-5.3"):
        theorem_3_8(P, (X, Y), "t + t**3", layer=1)
    P, X, Y = global_minimum_instance((2, 3, 1, 2), 3, seed=2)
    with pytest.raises(AssumptionError, match=r"rank\(W_3\) = n_3 cannot hold"):
        theorem_3_8(P, (X, Y), "t + t**3", layer=1)


def test_parameters_and_data_that_do_not_fit():
    P, X, Y = global_minimum_instance((3, 3, 2), 3, seed=1)
    with pytest.raises(ShapeError, match="X has shape"):
        theorem_3_4(P, (X[:, :2], Y), "t + t**3")
    with pytest.raises(ShapeError, match="Y has shape"):
        theorem_3_4(P, (X, Y[:, :1]), "t + t**3")
    with pytest.raises(InputError):
        lemma_3_5(P, (X, Y), "t + t**3", layer=5)


def test_section5_recursion_agrees_with_lemma_2_1():
    P, X, Y = separable_instance((2, 3, 2), 5, seed=4)
    net = xl.Network((2, 3, 2), "sigmoid")
    F = Float()
    C = np.ones(Y.shape, dtype=bool)  # every entry "in class": l = l1 everywhere
    phi, Delta, gW, gb, _ = section5_gradients(net, P, X, Y, C, F)
    g = backprop(net, P, X, Y, "l1", F)
    assert np.allclose(float(phi), float(g.phi)) and all(np.allclose(a, b) for a, b in zip(gW, g.grad_W))


def test_theorem_5_3_certificates_reverify_exactly():
    P, X, Y = separable_instance((2, 2, 1), seed=0)
    r = theorem_5_3(P, (X, Y), "identity", layer=1)
    F1 = xl.Network((2, 2, 1), "identity").forward(P, X, "exact").F[1]
    for c in r.details["separability"]["classes"]:
        a = [Fraction(v) for v in c["a"]]
        b = Fraction(c["b"])
        s = [1 if y > 0 else -1 for y in Y[:, c["class"] - 1]]
        assert all(si * (sum(ai * Fraction(int(x.p), int(x.q)) for ai, x in zip(a, row)) + b) > 0
                   for si, row in zip(s, F1))
    P, X, Y = xor_instance()
    r = theorem_5_3(P, (X, Y), "identity", layer=0)
    y = [Fraction(v) for v in r.details["separability"]["classes"][0]["farkas_y"]]
    assert all(v >= 0 for v in y) and sum(y) == 1
    assert all(sum(yi * (1 if Y[i, 0] > 0 else -1) * v for i, (yi, v) in enumerate(zip(y, col))) == 0
               for col in [X[:, 0], X[:, 1], [1] * 4])


def test_morse_bad_input():
    with pytest.raises(InputError):
        theorem_3_10("exp(x1)")
    with pytest.raises(InputError):
        theorem_3_10("x1**2 + x2**3", w="1")


# ---------------------------------------------------------------------------
# the CLI
# ---------------------------------------------------------------------------


def _files(tmp_path, P, X, Y):
    xl.save_parameters(P, tmp_path / "p.json")
    xl.save_data(X, Y, tmp_path / "d.json")
    return str(tmp_path / "p.json"), str(tmp_path / "d.json")


def test_cli_check_and_certify_json(tmp_path, capsys):
    P, X, Y = global_minimum_instance((3, 3, 2), 3, seed=1)
    p, d = _files(tmp_path, P, X, Y)
    assert main(["check", "theorem-3.4", "--params", p, "--data", d, "--activation", "t + t**3", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["holds"] is True and rec["level"] == "proved"
    P, X, Y, _ = train((2, 5, 1), N=5, seed=0, iterations=800)
    p, d = _files(tmp_path, P, X, Y)
    assert main(["certify", "--params", p, "--data", d, "--activation", "sigmoid", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["details"]["loss_bound"] is not None and rec["level"] == "certified"
    assert main(["certify", "--params", p, "--data", d, "--activation", "sigmoid"]) == 0
    assert "loss bound" in capsys.readouterr().out


@pytest.mark.parametrize("args,pattern", [
    (["check", "theorem-3.8", "--layer", "1", "--activation", "t + t**3"], "theorem-5.3"),
    (["check", "theorem-3.4", "--params", "P", "--activation", "t + t**3"], "--data"),
    (["certify", "--numbers", "exact", "--activation", "sigmoid"], "not"),
    (["check", "theorem-3.4", "--activation", "t + t**3", "--instance", "nonsense"], "unknown instance"),
])
def test_cli_bad_input_exit_2_one_line(tmp_path, capsys, args, pattern):
    P, X, Y = global_minimum_instance((2, 2, 1), 5, seed=2)
    p, d = _files(tmp_path, P, X, Y)
    args = [a if a != "P" else p for a in args]
    if args[0] == "certify" or "--layer" in args:
        args += ["--params", p, "--data", d]
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1 and pattern in err


def test_cli_params_not_fitting_the_data(tmp_path, capsys):
    P, X, Y = global_minimum_instance((3, 3, 2), 3, seed=1)
    xl.save_parameters(P, tmp_path / "p.json")
    xl.save_data(X[:, :2], Y, tmp_path / "d.json")
    code = main(["check", "lemma-3.5", "--params", str(tmp_path / "p.json"), "--data", str(tmp_path / "d.json")])
    err = capsys.readouterr().err
    assert code == 2 and "X has shape" in err and err.count("\n") == 1


def test_nearby_exact_critical_point_certified_and_rechecked_at_higher_precision():
    from exactloss.paper.lemma_3_5.quantitative import lemma_3_5_nearby

    P, X, Y, _ = train((2, 5, 1), N=6, seed=1, iterations=1500)
    lo = lemma_3_5_nearby(P, (X, Y), "sigmoid", layer=1, digits=30)
    hi = lemma_3_5_nearby(P, (X, Y), "sigmoid", layer=1, digits=80)
    assert lo.holds is True and lo.level == "certified" and hi.holds is True
    assert hi.details["radius"] <= lo.details["radius"] * 1.01
    # an over-parameterised top layer (6 parameters, 5 residuals): singular block, undecided -- never "fails"
    P, X, Y, _ = train((2, 5, 1), N=5, seed=0, iterations=800)
    r = lemma_3_5_nearby(P, (X, Y), "sigmoid", layer=1)
    assert r.holds is None


def test_float_numbers_never_exceed_numerical_for_the_critical_point():
    P, X, Y = global_minimum_instance((2, 2, 1), 3, seed=2)
    r = theorem_3_8(P, (X, Y), "t + t**3", numbers="float")
    crit = next(c for c in r.clauses if c.claim.startswith("critical point"))
    assert crit.level == "numerical" and r.level == "numerical"


def test_certify_float_path_is_numerical():
    from exactloss.paper.theorems_checks import certify

    P, X, Y, _ = train((2, 5, 1), N=6, seed=1, iterations=800)
    r = certify(P, (X, Y), "sigmoid", "squared", numbers="float")
    assert r.level in ("numerical", None)


def test_newton_refinement_then_certificates_shrink():
    import mpmath

    from exactloss.paper.lemma_3_5.quantitative import lemma_3_5_nearby
    from exactloss.floatpath.training import _mpf_fraction, refine_layer

    assert _mpf_fraction(mpmath.mpf(-0.375)) == Fraction(-3, 8) and _mpf_fraction(mpmath.mpf(0)) == 0
    P, X, Y, _ = train((2, 5, 1), N=6, seed=1, iterations=800)
    P2, norms = refine_layer(P, X, Y, "sigmoid", iterations=2, dps=60)
    assert norms[-1] < 1e-40 < norms[0]
    r = lemma_3_5_bound(P2, (X, Y), "sigmoid", layer=1, digits=80)
    assert r.holds and r.details["Phi_upper"] <= r.details["loss_bound"] < 1e-60
    assert lemma_3_5_nearby(P2, (X, Y), "sigmoid", layer=1, digits=80).details["radius"] < 1e-30


# ---------------------------------------------------------------------------
# issue 11, class 1: an undecided premise leaves the conclusion undecided (the shared verdict algebra)
# ---------------------------------------------------------------------------


def _fake_assumption_3_2(growth: tuple, other: tuple = (True, True, True, True, True)):
    """A stand-in for exactloss.paper.assumptions.assumption_3_2 with chosen clause verdicts."""
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
    import exactloss.paper.assumptions as A

    monkeypatch.setattr(A, "assumption_3_2", _fake_assumption_3_2(growth))
    P, X, Y = global_minimum_instance((3, 3, 2), 3, seed=1)
    for r in (theorem_3_4(P, (X, Y), "t + t**3"), lemma_3_5(P, (X, Y), "t + t**3")):
        assert r.holds is True and r.level == "proved" and r.missing is None
        assert "does not use this clause" in r.clauses[0].reason and "does not use this clause" in r.reason


@pytest.mark.parametrize("which", range(5))
def test_any_used_clause_undecided_leaves_every_theorem_undecided(monkeypatch, which):
    import exactloss.paper.assumptions as A

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
    import exactloss.paper.assumptions as A

    monkeypatch.setattr(A, "assumption_3_2", _fake_assumption_3_2((None, None)))
    P, X, Y = global_minimum_instance((2, 2, 1), 3, seed=2)
    r = theorem_3_8(P, (X, Y), "t + t**3")
    assert r.holds is True and "Lemma 3.5 gives the conclusion directly" in r.reason  # rank([F_1, 1]) = 3 here
    P, X, Y = global_minimum_instance((2, 2, 1), 3, seed=2, zero_layers=(1,))  # F_1 rows equal: rank 1 < 3
    r = theorem_3_8(P, (X, Y), "t + t**3")
    assert r.holds is not True
    if r.holds is None:
        assert "(a) or (b)" in r.missing


def test_assumptions_module_missing_is_missing(monkeypatch):
    import exactloss.paper.assumptions as A

    monkeypatch.delattr(A, "assumption_3_2")
    P, X, Y = global_minimum_instance((3, 3, 2), 3, seed=1)
    r = theorem_3_4(P, (X, Y), "t + t**3")
    assert r.holds is None and "Assumption 3.2" in r.missing


def test_theorem_5_3_undecided_assumption_5_2_is_undecided(monkeypatch):
    import exactloss.paper.assumptions as A
    from exactloss.evidence import Result, Verdict

    def fake(sigma, l1, l2):
        return Result("Assumption 5.2", None, None, reason="stub",
                      clauses=(Verdict("5.2.1 sigma C^1, strictly increasing", None, None, "stub"),))
    monkeypatch.setattr(A, "assumption_5_2", fake)
    P, X, Y = separable_instance((2, 2, 1), seed=0)
    r = theorem_5_3(P, (X, Y), activation="identity", layer=1)
    assert r.holds is None and r.missing == "Assumption 5.2 5.2.1 sigma C^1, strictly increasing"


def test_certify_never_drops_an_undecided_premise():
    """certify on the issue's example: the rows and the summary say undecided (missing: ...)."""
    from exactloss.paper.theorems_checks import certify

    P, X, Y = global_minimum_instance((3, 3, 2), 3, seed=0)
    r = certify(P, (X, Y), "t + t**3", "a**2 - a**3/10", numbers="exact")
    assert r.holds is None and r.level is None and r.outcome.startswith("undecided (missing: Assumption 3.2.3")
    assert all(c["holds"] is not True for c in r.details["checks"] if "quantitative" not in c["check"])


def test_top_solved_default_widths_no_internal_error():
    """`check theorem-3.4 --instance top-solved` (default (3, 3, 2), N = 3) used to raise ZeroDivisionError:
    the normal equations are singular there; any exact solution is taken."""
    for name in ("theorem-3.4", "lemma-3.5", "theorem-3.8", "corollary-3.9"):
        r = xl.check(name, instance="top-solved")
        assert r.holds in (True, False, None)
