"""Issue 11, class 7: internal errors and wrong refusals (Lemma 4.3 and the commands built on it).

Every example of the issue runs as a user runs it (``exactloss.surfaces.cli.main`` with the command line, and one
real subprocess) and must end in exit 0/1/2 -- a verdict, undecided with its reason, or a one-line refusal --
never 3.  A hypothesis family over tricky activations and option edge values goes through the Python API
(``exactloss.check``): nothing but an :class:`InputError` may escape, and every certified/proved verdict is
re-checked independently: the sign of det E(alpha) at the witness alpha with mpmath (its own evaluation of
sigma, precision escalated until two precisions agree), never by the code under test.
"""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction as Q

import mpmath
import numpy as np
import pytest
import sympy as sp
from flint import arb, ctx, fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

import exactloss
from exactloss.surfaces.cli import main
from exactloss.errors import InputError

T = sp.Symbol("t", real=True)
# the catalogue's formulas, for the independent evaluation of sigma
CATALOGUE = {"sigmoid": 1 / (1 + sp.exp(-T)), "tanh": sp.tanh(T), "softplus": sp.log(1 + sp.exp(T))}


def run(argv, capsys):
    """One CLI run: (exit code, stdout, stderr); exit 3 (internal error) fails the test at once."""
    code = main(argv)
    out, err = capsys.readouterr()
    assert code != 3, f"internal error for {argv}: {err}"
    assert code in (0, 1, 2), (argv, code, err)
    if code == 2:
        assert err.startswith("error: ") and err.count("\n") == 1, err  # a one-line refusal
    return code, out, err


# --------------------------------------------------------------------------
# the independent check: sign of det E(alpha) with mpmath, precision escalated
# --------------------------------------------------------------------------


def _sigma_mp(activation: str):
    """sigma as an mpmath function, from SymPy's own reading of the formula (not exactloss's compilers)."""
    expr = CATALOGUE.get(activation)
    if expr is None:
        expr = sp.parse_expr(activation, local_dict={"t": T})  # trusted test literals only
    f = sp.lambdify(T, expr, modules="mpmath")
    if activation == "softplus" or expr == CATALOGUE["softplus"]:
        return lambda x: mpmath.log1p(mpmath.exp(x))  # log(1 + e^x) without cancellation far left
    return f


def mp_det_sign(r, alpha: Q, activation: str) -> int:
    """sign det E(alpha) for the Lemma 4.3 record r (k = 1), from its points, beta and case alone.

    E = [1_N, A] (case a) or [A, 1_N] (case b), A_ij = sigma(alpha (t_j - t_i) + beta), j < N; evaluated in
    mpmath at 50, 100, 200, ... digits until two consecutive precisions give the same sign and agree to 10 digits.
    """
    d = r.details
    t = [Q(x) for x in d["projections"]]
    beta = Q(d["beta"])
    N = len(t)
    f = _sigma_mp(activation)
    last = None
    for dps in (50, 100, 200, 400, 800, 1600, 3200, 6400, 12800):
        with mpmath.workdps(dps):
            def q(x):
                return mpmath.mpf(x.numerator) / x.denominator

            rows = []
            for i in range(N):
                A = [f(q(alpha * (t[j] - t[i]) + beta)) for j in range(N - 1)]
                rows.append([mpmath.mpf(1)] + A if d["case"] == "a" else A + [mpmath.mpf(1)])
            det = mpmath.det(mpmath.matrix(rows)) if N > 1 else mpmath.mpf(1)
            if last is not None and det != 0 and abs(det - last) <= abs(det) * mpmath.mpf(10) ** -10:
                return 1 if det > 0 else -1
            last = det
    raise AssertionError("mpmath did not settle the sign of det E up to 12800 digits")


def recheck(r, activation: str) -> None:
    """A certified/proved Lemma 4.3 verdict, re-derived: det E(alpha) at the witness alpha has the limit's sign."""
    assert r.holds is True and r.level in ("proved", "certified")
    if r.instance["layer"] != 1 or r.instance["samples"] < 2:
        return  # k > 1: the projections are transcendental; the witness rank is certified on its own
    alpha = Q(r.details["witness"]["at_alpha0"]["alpha"])
    assert mp_det_sign(r, alpha, activation) == r.details["det_limit_sign"]
    if r.details["alpha0"] not in (None, "0"):
        a0 = Q(r.details["alpha0"])
        assert mp_det_sign(r, 3 * a0, activation) == r.details["det_limit_sign"]


# --------------------------------------------------------------------------
# the issue's examples
# --------------------------------------------------------------------------


@pytest.mark.parametrize("act", ["erf(t)", "t/sqrt(1+t**2)"])
def test_ball_containing_zero_squared_is_no_crash(act, capsys):
    """Issue 11.7: exit 3 for erf(t) and t/sqrt(1+t^2) (0 in a ball squared gave NaN); both are analytic,
    strictly increasing and bounded, so Lemma 4.3 holds -- re-checked with mpmath."""
    code, out, _ = run(["check", "lemma-4.3", "--activation", act], capsys)
    assert code == 0 and "holds -- certified" in out
    recheck(exactloss.check("lemma-4.3", activation=act, sweep_points=3), act)


def test_issue_example_in_a_real_process():
    p = subprocess.run([sys.executable, "-c", "import sys; from exactloss.surfaces.cli import main; sys.exit(main())",
                        "check", "lemma-4.3", "--activation", "erf(t)", "--json"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    rec = json.loads(p.stdout)
    assert rec["holds"] is True and rec["level"] == "certified"


def test_integer_power_of_a_ball_containing_zero():
    """The root: python-flint's arb ** int is exp(n log x), NaN on a ball containing 0; the compiler's power is not."""
    from exactloss.arith.compile import compile_arb

    saved = ctx.prec
    ctx.prec = 64
    try:
        for expr, lo, hi in ((T**2, 0, 1), (T**3, -1, 1), (T / sp.sqrt(1 + T**2), Q(-7, 10), Q(7, 10))):
            v = compile_arb(expr, T)(arb(0, 1))
            assert v.is_finite()
            assert v.contains(fmpq(lo.numerator, lo.denominator) if isinstance(lo, Q) else lo)
            assert v.contains(fmpq(hi.numerator, hi.denominator) if isinstance(hi, Q) else hi)
    finally:
        ctx.prec = saved


def _exact(a):
    """The exact rational value of an exact arb (a midpoint or a radius)."""
    m, e = a.man_exp()
    return Q(int(m)) * Q(2) ** int(e)


@settings(max_examples=25, deadline=None)
@given(st.fractions(min_value=-5, max_value=5, max_denominator=50), st.fractions(min_value=0, max_value=3,
       max_denominator=50), st.integers(min_value=0, max_value=7), st.fractions(min_value=-1, max_value=1,
       max_denominator=20))
def test_integer_power_encloses_every_point(mid, rad, n, u):
    """x^n for every x in the ball lies in the computed ball (x checked exactly, as a rational)."""
    from exactloss.arith.compile import arb_ipow

    saved = ctx.prec
    ctx.prec = 64
    try:
        ball = arb(fmpq(mid.numerator, mid.denominator), fmpq(rad.numerator, rad.denominator))
        # the point is taken from the ball as stored (its midpoint is mid rounded to 64 bits)
        x = _exact(ball.mid()) + u * _exact(ball.rad())
        y = arb_ipow(ball, n)
        ctx.prec = 4096  # contains() converts the rational at the working precision: make that (near) exact
        assert ball.contains(fmpq(x.numerator, x.denominator))
        assert y.contains(fmpq(x.numerator, x.denominator) ** n)
        if n % 2 == 0 and n > 0:
            assert y >= 0 or y.contains(0) and not y < 0
    finally:
        ctx.prec = saved


def test_nan_ball_is_no_enclosure_not_a_crash():
    """A NaN entry (a function with no finite enclosure on a ball) leaves the rank undecided."""
    from exactloss.net.rank import full_row_rank

    M = np.array([[arb(1), arb.nan()], [arb(0), arb(1)]], dtype=object)
    c = full_row_rank(M, "ball")
    assert c.full is None and c.level is None and "no finite ball enclosure" in c.note


def test_softplus_far_left_beta(capsys):
    """Issue 11.7: --activation softplus --beta -1000 exited 3 (mpmath's 15-digit view found no pivot)."""
    code, out, _ = run(["check", "lemma-4.3", "--activation", "softplus", "--beta", "-1000"], capsys)
    assert code == 0 and "holds -- certified" in out
    recheck(exactloss.check("lemma-4.3", activation="softplus", beta="-1000", sweep_points=3), "softplus")


@pytest.mark.parametrize("option,name", [("--plot", "p.png"), ("--witness", "w.json")])
@pytest.mark.parametrize("command", [["check", "lemma-4.3"], ["check", "lemma-4.3", "--activation", "erf(t)"]])
def test_output_into_missing_folder_refused_before_work(tmp_path, option, name, command, capsys, monkeypatch):
    """Issue 11.7: an output path in a folder that does not exist exited 3 after the whole computation;
    now a one-line refusal naming the path and the fix, before anything is computed."""
    import exactloss.paper.lemma_4_3.replay as l43

    def boom(*a, **k):  # the construction must not even start
        raise AssertionError("computed before checking the output path")

    monkeypatch.setattr(l43, "build", boom)
    path = tmp_path / "no" / "such" / "folder" / name
    code, _, err = run(command + [option, str(path)], capsys)
    assert code == 2
    assert option in err and str(path.parent) in err and "mkdir -p" in err


@pytest.mark.parametrize("argv,needle", [
    (["check", "lemma-4.3", "--plot", "{tmp}"], "is a folder"),
    (["check", "lemma-4.3", "--plot", "{tmp}/fig.txt"], "unknown file type .txt"),
    (["check", "lemma-4.3", "--witness", "{tmp}/w.csv"], "unknown file type .csv"),
    (["plot", "losses", "{tmp}/missing/fig.png"], "does not exist"),
])
def test_other_bad_output_paths(tmp_path, argv, needle, capsys):
    code, _, err = run([a.replace("{tmp}", str(tmp_path)) for a in argv], capsys)
    assert code == 2 and needle in err


def test_output_paths_written(tmp_path, capsys):
    w, p = tmp_path / "w.json", tmp_path / "sweep.png"
    code, _, _ = run(["check", "lemma-4.3", "--samples", "3", "--witness", str(w), "--plot", str(p),
                      "--alpha", "2"], capsys)
    assert code == 0 and w.exists() and p.exists() and (tmp_path / "w-alpha.json").exists()


def test_atan_t_cubed_one_monotonicity_decision(capsys):
    """Issue 11.7: lemma-4.3 refused atan(t^3) (sigma'(0) = 0) while `assumptions` proved it increasing.
    sigma' = 3t^2/(1+t^6) vanishes only at the isolated point 0, so sigma IS strictly increasing."""
    code_a, out_a, _ = run(["assumptions", "--activation", "atan(t**3)", "--loss", "none"], capsys)
    code_l, out_l, _ = run(["check", "lemma-4.3", "--activation", "atan(t**3)"], capsys)
    assert code_a == 0 and code_l == 0
    r = exactloss.check("lemma-4.3", activation="atan(t**3)", sweep_points=3)
    assert r.clauses[0].holds is True and "exactloss.paper.assumption_3_2" in r.clauses[0].reason
    recheck(r, "atan(t**3)")
    # independent: sigma' >= 0 exactly (a square over a positive), and sigma(a) < sigma(b) at a few rationals
    d = sp.diff(sp.atan(T**3), T)
    assert sp.simplify(d - 3 * T**2 / (T**6 + 1)) == 0
    vals = [mpmath.atan(mpmath.mpf(x) ** 3) for x in (-2, -1, 0, Q(1, 2).__float__(), 1, 2)]
    assert all(a < b for a, b in zip(vals, vals[1:]))


def test_undecided_monotonicity_certifies_no_alpha0(monkeypatch):
    """When Assumption 3.2.2 is undecided, no alpha_0 resting on monotonicity is certified and the lemma is
    undecided with that premise named as missing."""
    import exactloss.paper.lemma_4_3.sigma as con

    monkeypatch.setattr(con, "_external_assumption_check", lambda sigma: (None, "undecided (test)"))
    r = exactloss.check("lemma-4.3", activation="erf(t)", samples=4, sweep_points=2)
    assert r.holds is None and r.level is None
    assert r.missing and r.missing.startswith("Assumption 3.2")
    assert r.details["alpha0_certified"]["alpha0"] is None


def test_limit_sign_far_left_tanh(capsys):
    """tanh with beta = -1000: mu - tanh(beta) ~ -2e-869 cancels at 128 bits; the precision is raised
    (the refusal 'limit not certified non-zero' was wrong)."""
    code, out, _ = run(["check", "lemma-4.3", "--activation", "tanh", "--beta", "-1000"], capsys)
    assert code == 0 and "holds -- proved" in out
    recheck(exactloss.check("lemma-4.3", activation="tanh", beta="-1000", samples=3, sweep_points=2), "tanh")


# --------------------------------------------------------------------------
# options at their edges, and the other commands with the same activations
# --------------------------------------------------------------------------

EDGE_CASES = [
    (["--samples", "1"], 0, "holds"), (["--samples", "2"], 0, "holds"),
    (["--samples", "0"], 2, "--samples >= 1"), (["--dim", "0"], 2, "--dim >= 1"),
    (["--alpha", "1e9"], 0, "holds"), (["--alpha", "1/1000000000"], 0, "holds"),
    (["--alpha", "-1"], 2, "--alpha must be positive"), (["--alpha", "0"], 2, "--alpha must be positive"),
    (["--layer", "0"], 2, "--layer must be >= 1"), (["--layer", "-1"], 2, "--layer must be >= 1"),
    (["--layer", "2"], 0, "holds"), (["--widths", "1,7,7", "--layer", "3"], 2, "outside 1..L"),
    (["--beta", "1000"], 0, "holds"), (["--beta", "-1000"], 0, "holds"),
    (["--activation", "softplus", "--beta", "1000"], 0, "holds"),
    (["--activation", "tan(t)"], 2, "not strictly increasing"),
    (["--activation", "floor(t)"], 2, "not real-analytic"),
    (["--activation", "t**3"], 2, "neither bounded"), (["--activation", "sin(t)"], 2, "not strictly increasing"),
    (["--activation", "exp(t)"], 2, "neither bounded"), (["--activation", "1"], 2, "constant"),
    (["--activation", "relu"], 2, "not real-analytic"), (["--activation", "identity"], 2, "deep-linear-rank"),
    (["--activation", "generic"], 2, "concrete activation"),
    (["--activation", "erf(t)", "--beta", "-10"], 1, "no alpha_0 certified"),
    (["--sweep-points", "0"], 0, "holds"), (["--sweep-points", "-5"], 2, "--sweep-points"),
    (["--max-prec", "1"], 2, "--max-prec"), (["--alpha-min", "2", "--alpha-max", "1"], 2, "sweep range"),
]


@pytest.mark.parametrize("extra,code,needle", EDGE_CASES, ids=[" ".join(e[0]) for e in EDGE_CASES])
def test_lemma_4_3_edge_options(extra, code, needle, capsys):
    got, out, err = run(["check", "lemma-4.3", "--samples", "4", "--sweep-points", "2"] + extra
                        if "--samples" not in extra and "--sweep-points" not in extra
                        else ["check", "lemma-4.3"] + extra, capsys)
    assert got == code, (got, out, err)
    assert needle in (out if code != 2 else err)


EDGE_ACTIVATIONS = ["tan(t)", "floor(t)", "t**3", "sin(t)", "exp(t)", "1", "relu", "erf(t)", "atan(t**3)",
                    "t/sqrt(1+t**2)", "sqrt(t)", "1/t"]


@pytest.mark.parametrize("act", EDGE_ACTIVATIONS)
@pytest.mark.parametrize("command", [["assumptions", "--loss", "none"], ["check", "lemma-4.1"],
                                     ["check", "lemma-4.4", "--draws", "1", "--samples", "3"],
                                     ["check", "corollary-4.5", "--samples", "3"]],
                         ids=["assumptions", "lemma-4.1", "lemma-4.4", "corollary-4.5"])
def test_other_commands_with_edge_activations(act, command, capsys):
    code, out, err = run(command + ["--activation", act], capsys)
    good = act in ("erf(t)", "atan(t**3)", "t/sqrt(1+t**2)")
    if command[0] == "assumptions":
        assert code == (0 if good else 1)
    elif command[1] in ("lemma-4.4", "corollary-4.5"):
        assert code == (0 if good else 2)  # bad sigma: Assumption 3.2.2 refused in one line
        if not good:
            assert "Assumption 3.2.2 fails" in err
    else:
        assert code in (0, 1)


@pytest.mark.parametrize("argv", [["check", "deep-linear-rank", "--samples", "1"],
                                  ["check", "deep-linear-rank", "--samples", "2", "--widths", "1,1"],
                                  ["check", "deep-linear-rank", "--widths", "3,0,2"],
                                  ["check", "lemma-4.4", "--draws", "-1"], ["check", "lemma-4.4", "--layer", "0"]])
def test_other_commands_edge_options(argv, capsys):
    run(argv, capsys)


# --------------------------------------------------------------------------
# the hypothesis family: tricky activations x option edges through the Python API
# --------------------------------------------------------------------------

TRICKY = ["sigmoid", "tanh", "softplus", "erf(t)", "t/sqrt(1+t**2)", "atan(t**3)", "atan(t)", "tanh(t)**3",
          "erf(t)**3 + erf(t)", "log(1+exp(t))", "tan(t)", "floor(t)", "t**3", "sin(t)", "exp(t)", "1", "relu",
          "identity", "sqrt(t)", "1/t", "t + sin(t)", "asinh(t)", "t/(1+abs(t))", "atan(t) + t**3"]


@settings(max_examples=25, deadline=None)
@given(act=st.sampled_from(TRICKY[:10] * 2 + TRICKY[10:]), samples=st.sampled_from([1, 2, 3, 4]), dim=st.sampled_from([1, 2]),
       beta=st.sampled_from([None, "-3", "0", "5/2", "-40"]), layer=st.sampled_from([1, 1, 2]),
       alpha=st.sampled_from([None, "1/1000", "7"]))
def test_lemma_4_3_family(act, samples, dim, beta, layer, alpha):
    try:
        r = exactloss.check("lemma-4.3", activation=act, samples=samples, dim=dim, beta=beta, layer=layer,
                            alpha=alpha, sweep_points=2)
    except InputError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert r.holds in (True, None)  # Lemma 4.3 is a theorem: never "fails" on a valid instance
    if r.holds:
        recheck(r, act)
    else:
        assert r.reason
