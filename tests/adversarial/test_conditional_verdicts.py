"""Issue 11, class 1: a conclusion resting on an undecided premise is undecided, never ``holds``.

The theorem checkers (Theorem 3.4, Lemma 3.5, Theorem 3.8, Corollary 3.9, ``certify``) conclude "global minimum"
from premises (Assumption 3.2, ranks, criticality, sigma' != 0).  A premise that is undecided must leave the
conclusion undecided (``holds is None``, level None, ``missing`` naming the premise) on every surface: the Result,
``explain()``, the CLI line, ``--json``, ``certify``'s table and summary, ``exactloss.testing``.

Each verdict that matters is re-checked independently of the code under test: the network is evaluated here in
exact rationals (``fractions.Fraction``, sigma = t + t**3) or in mpmath, and a parameter change that lowers Phi
below its value at the claimed global minimum is exhibited.
"""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import exactloss as xl
from exactloss.surfaces.cli import main
from exactloss.errors import FileFormatError
from exactloss.evidence import Result
from exactloss.net.network import Parameters
from exactloss.testing import assert_fails, assert_holds
from exactloss.paper.certify import certify
from exactloss.paper.instances import INSTANCES, global_minimum_instance
from exactloss.paper.lemma_3_5.exact import lemma_3_5
from exactloss.paper.theorem_3_4 import theorem_3_4
from exactloss.paper.theorem_3_8 import theorem_3_8

ISSUE_LOSS = "a**2 - a**3/10"
THEOREMS = ("theorem-3.4", "lemma-3.5", "theorem-3.8", "corollary-3.9")


# ---------------------------------------------------------------------------
# an independent evaluator: exact rationals, written here (not exactloss's forward map)
# ---------------------------------------------------------------------------


def _cubic(t: Fraction) -> Fraction:
    return t + t ** 3


def _forward(P: Parameters, X: np.ndarray, sigma=_cubic, bias_shift: Fraction = Fraction(0)) -> list[list[Fraction]]:
    """F_L row by row, sigma applied at every layer (the paper's convention); ``bias_shift`` added to b_L."""
    rows = [[Fraction(v) for v in row] for row in np.asarray(X).tolist()]
    L = len(P.W)
    for l, (W, b) in enumerate(zip(P.W, P.b), 1):
        W = [[Fraction(v) for v in r] for r in np.asarray(W).tolist()]
        b = [Fraction(v) + (bias_shift if l == L else 0) for v in np.asarray(b).tolist()]
        rows = [[sigma(sum((r[i] * W[i][j] for i in range(len(r))), Fraction(0)) + b[j]) for j in range(len(b))]
                for r in rows]
    return rows


def _poly(coeffs: dict[int, Fraction]):
    return lambda a: sum((c * a ** p for p, c in coeffs.items()), Fraction(0))


def _phi(P, X, Y, ell, bias_shift=Fraction(0)) -> Fraction:
    F = _forward(P, X, bias_shift=bias_shift)
    return sum((ell(F[i][j] - Fraction(Y[i, j])) for i in range(len(F)) for j in range(len(F[0]))), Fraction(0))


def _lower_phi_by_bias_shift(P, X, Y, ell) -> Fraction | None:
    """A shift of b_L with Phi(shifted) < Phi(given), found by an exact search; None if none on the grid."""
    phi0 = _phi(P, X, Y, ell)
    for e in range(-3, 9):
        for sgn in (1, -1):
            d = sgn * Fraction(2) ** e
            if _phi(P, X, Y, ell, d) < phi0:
                return d
    return None


def _loss_string(c2: int, c3: int, c4: int, q: int) -> str:
    terms = [f"{c2}*a**2/{q}", f"({c3})*a**3/{q}"] + ([f"({c4})*a**4/{q}"] if c4 else [])
    return " + ".join(terms)


# ---------------------------------------------------------------------------
# the issue's example on every surface
# ---------------------------------------------------------------------------


def _assert_undecided_on_3_2_3(r: Result) -> None:
    assert r.holds is None and r.level is None, r.explain()
    assert r.missing is not None and "3.2.3" in r.missing
    assert r.explain().splitlines()[0].startswith(f"{r.result}: undecided (missing: Assumption 3.2.3")


def test_issue_example_is_not_a_global_minimum_independently():
    """Phi = 0 at the instance, Phi < 0 after shifting the top bias: no global minimum (exact rationals)."""
    P, X, Y = global_minimum_instance((3, 3, 2), 3, seed=0)
    ell = _poly({2: Fraction(1), 3: Fraction(-1, 10)})
    assert _phi(P, X, Y, ell) == 0
    d = _lower_phi_by_bias_shift(P, X, Y, ell)
    assert d is not None and _phi(P, X, Y, ell, d) < 0


@pytest.mark.parametrize("name", THEOREMS)
def test_issue_example_undecided_via_check(name):
    r = xl.check(name, instance="global-min", loss=ISSUE_LOSS)
    _assert_undecided_on_3_2_3(r)
    with pytest.raises(AssertionError, match=r"undecided \(missing: Assumption 3\.2\.3"):
        assert_holds(r, at_least="numerical")
    with pytest.raises(AssertionError, match=r"wanted: fails; got: undecided"):
        assert_fails(r)
    back = Result.from_json(json.loads(r.dumps()))
    assert back.missing == r.missing and back.holds is None


@pytest.mark.parametrize("name", THEOREMS)
def test_issue_example_undecided_via_cli_json(name, capsys):
    code = main(["check", name, "--instance", "global-min", "--loss", ISSUE_LOSS, "--json"])
    rec = json.loads(capsys.readouterr().out)
    assert code == 1 and rec["holds"] is None and rec["level"] is None and "3.2.3" in rec["missing"]
    code = main(["check", name, "--instance", "global-min", "--loss", ISSUE_LOSS])
    first = capsys.readouterr().out.splitlines()[0]
    assert code == 1 and "undecided (missing: Assumption 3.2.3" in first and "holds" not in first.split(":")[1]


def test_issue_example_cli_as_a_user_runs_it():
    out = subprocess.run([sys.executable, "-m", "exactloss.surfaces.cli", "check", "theorem-3.4", "--instance", "global-min",
                          "--loss", ISSUE_LOSS], capture_output=True, text=True, timeout=120)
    if out.returncode == 0 and not out.stdout:  # pragma: no cover - no __main__ guard: use the console script
        out = subprocess.run(["exactloss", "check", "theorem-3.4", "--instance", "global-min", "--loss", ISSUE_LOSS],
                             capture_output=True, text=True, timeout=120)
    assert out.returncode == 1, out.stderr
    assert out.stdout.startswith("Theorem 3.4: undecided (missing: Assumption 3.2.3")


def test_issue_example_certify(tmp_path, capsys):
    P, X, Y = global_minimum_instance((3, 3, 2), 3, seed=0)
    xl.save_parameters(P, tmp_path / "p.json")
    xl.save_data(X, Y, tmp_path / "d.json")
    args = ["certify", "--params", str(tmp_path / "p.json"), "--data", str(tmp_path / "d.json"),
            "--activation", "t + t**3", "--loss", ISSUE_LOSS, "--numbers", "exact"]
    assert main(args + ["--json"]) == 1
    rec = json.loads(capsys.readouterr().out)
    assert rec["holds"] is None and rec["level"] is None and "3.2.3" in rec["missing"]
    rows = {c["check"]: c for c in rec["details"]["checks"]}
    for name in ("theorem-3.4", "lemma-3.5"):
        assert rows[name]["holds"] is None and "3.2.3" in rows[name]["missing"]
    assert rows["theorem-3.8"]["holds"] is not True  # here: every block Hessian is singular (fails first)
    assert not any(c["holds"] is True and "quantitative" not in c["check"] for c in rows.values())
    assert main(args) == 1
    text = capsys.readouterr().out
    assert text.splitlines()[0].startswith("certify: undecided (missing: Assumption 3.2.3")
    assert sum("undecided" in line and "(missing: Assumption 3.2.3" in line for line in text.splitlines()) >= 3
    r = certify(P, (X, Y), "t + t**3", ISSUE_LOSS, numbers="exact")
    assert r.holds is None and "3.2.3" in r.missing


def test_a_conditional_result_cannot_be_built_or_loaded_as_holds():
    with pytest.raises(ValueError, match="undecided premise"):
        Result("Theorem 3.4", True, "proved", missing="Assumption 3.2.3")
    rec = Result("Theorem 3.4", None, None, missing="Assumption 3.2.3").to_json()
    rec["holds"] = True  # tampered: a conditional verdict flipped to holds
    from exactloss.surfaces.report import result_from_record

    with pytest.raises(FileFormatError):
        result_from_record(rec)


# ---------------------------------------------------------------------------
# hypothesis: polynomial losses whose 3.2.3 fails or cannot be decided
# ---------------------------------------------------------------------------


@settings(max_examples=15, deadline=None)
@given(c2=st.integers(1, 6), c3=st.integers(-6, 6).filter(bool), c4=st.integers(-4, 0), q=st.integers(1, 12),
       seed=st.integers(0, 3))
def test_unbounded_polynomial_losses_never_hold(c2, c3, c4, q, seed):
    """l = (c2 a^2 + c3 a^3 + c4 a^4)/q with c4 <= 0, c3 != 0 is unbounded below: 0 is a critical point of l but
    not a global minimum, so the exact critical point Y = F_L is no global minimum of Phi (re-checked exactly)."""
    loss = _loss_string(c2, c3, c4, q)
    P, X, Y = global_minimum_instance((3, 3, 2), 3, seed=seed)
    ell = _poly({2: Fraction(c2, q), 3: Fraction(c3, q), 4: Fraction(c4, q)})
    d = _lower_phi_by_bias_shift(P, X, Y, ell)
    assert d is not None and _phi(P, X, Y, ell, d) < _phi(P, X, Y, ell) == 0
    for r in (theorem_3_4(P, (X, Y), "t + t**3", loss), lemma_3_5(P, (X, Y), "t + t**3", loss)):
        assert r.holds is not True, r.explain()
        if r.holds is None:
            assert r.missing and "3.2.3" in r.missing
        else:
            assert "3.2.3" in (r.failed_hypothesis or "")


@settings(max_examples=15, deadline=None)
@given(c2=st.integers(1, 6), c3=st.integers(-8, 8).filter(bool), c4=st.integers(1, 4), q=st.integers(1, 6),
       seed=st.integers(0, 5))
def test_quartic_losses_hold_only_at_a_true_global_minimum(c2, c3, c4, q, seed):
    """l = (c2 a^2 + c3 a^3 + c4 a^4)/q, c4 > 0: 0 is a global minimum of l iff c3^2 <= 4 c2 c4.  One sample
    (N = 1), so the single residual reaches any value by shifting b_L: when 0 is not a global minimum of l,
    an exact parameter change with Phi < 0 = Phi(point) is exhibited, and no checker may say ``holds``."""
    loss = _loss_string(c2, c3, c4, q)
    P, X, Y = global_minimum_instance((2, 2, 1), 1, seed=seed)
    ell = _poly({2: Fraction(c2, q), 3: Fraction(c3, q), 4: Fraction(c4, q)})
    results = [theorem_3_4(P, (X, Y), "t + t**3", loss), lemma_3_5(P, (X, Y), "t + t**3", loss)]
    if c3 * c3 <= 4 * c2 * c4:  # l >= 0 = l(0): the residual-0 point (Phi = 0) is a global minimum
        assert _phi(P, X, Y, ell) == 0
        return
    a_star = Fraction(-c3, 2 * c4)  # vertex of c2 + c3 a + c4 a^2, negative there: l(a_star) < 0
    assert ell(a_star) < 0
    lo, hi = Fraction(-64), Fraction(64)  # residual(delta) = sigma(G + delta) - sigma(G) is increasing in delta
    res = lambda d: _forward(P, X, bias_shift=d)[0][0] - Fraction(Y[0, 0])  # noqa: E731
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if res(mid) < a_star else (lo, mid)
    assert _phi(P, X, Y, ell, lo) < 0 == _phi(P, X, Y, ell)
    for r in results:
        assert r.holds is not True, r.explain()
        assert r.holds is False or (r.missing and "3.2.3" in r.missing)


# ---------------------------------------------------------------------------
# sigma'(G) = 0 at the point; an only approximately critical point
# ---------------------------------------------------------------------------


def test_sigma_prime_zero_at_the_point_is_not_a_global_minimum():
    """sigma = t^3 (strictly increasing, sigma'(0) = 0), widths (1, 1, 1), X = 0, every weight/bias 0 except
    W_2 = 1, Y = 1: every gradient is 0 (sigma'(G) = 0) and rank([X, 1]) = 1 = N, rank W_2 = 1, squared loss --
    yet Phi = 1 and b_2 = 1 gives Phi = 0.  No checker says ``holds``."""
    F = lambda v: np.array(v, dtype=object)  # noqa: E731
    P = Parameters((F([[Fraction(0)]]), F([[Fraction(1)]])), (F([Fraction(0)]), F([Fraction(0)])))
    X, Y = F([[Fraction(0)]]), F([[Fraction(1)]])
    cube = lambda t: t ** 3  # noqa: E731
    sq = lambda a: a * a  # noqa: E731
    phi = lambda Q: sum(sq(r[0] - 1) for r in _forward(Q, X, cube))  # noqa: E731
    better = Parameters(P.W, (P.b[0], F([Fraction(1)])))
    assert phi(P) == 1 and phi(better) == 0
    for r in (theorem_3_4(P, (X, Y), "t**3"), lemma_3_5(P, (X, Y), "t**3"), theorem_3_8(P, (X, Y), "t**3")):
        assert r.holds is not True, r.explain()


def test_tanh_cubed_sigma_prime_zero_ball_route():
    """sigma = tanh(t)^3 satisfies Assumption 3.2 as stated, but sigma'(0) = 0: the L = 1 point X = 0, W = b = 0,
    Y = 1 is critical with Phi = 1, and b = 1 lowers Phi (mpmath).  Theorem 3.4 must not say ``holds``."""
    F = lambda v: np.array(v, dtype=object)  # noqa: E731
    P = Parameters((F([[Fraction(0)]]),), (F([Fraction(0)]),))
    X, Y = F([[Fraction(0)]]), F([[Fraction(1)]])
    with mpmath.workdps(50):
        assert (mpmath.tanh(1) ** 3 - 1) ** 2 < 1 == (mpmath.tanh(0) ** 3 - 1) ** 2
    r = theorem_3_4(P, (X, Y), "tanh(t)**3")
    assert r.holds is not True, r.explain()


def _mp_phi_and_grad_b(P, X, Y, dps=60):
    """Phi and dPhi/db_L for sigmoid by mpmath (written here: forward pass and the chain rule for b_L only)."""
    with mpmath.workdps(dps):
        s = lambda t: 1 / (1 + mpmath.exp(-t))  # noqa: E731
        rows = [[mpmath.mpf(Fraction(v).numerator) / Fraction(v).denominator for v in r] for r in np.asarray(X).tolist()]
        L = len(P.W)
        for l, (W, b) in enumerate(zip(P.W, P.b), 1):
            W = [[mpmath.mpf(Fraction(v).numerator) / Fraction(v).denominator for v in r] for r in np.asarray(W).tolist()]
            b = [mpmath.mpf(Fraction(v).numerator) / Fraction(v).denominator for v in np.asarray(b).tolist()]
            G = [[sum(r[i] * W[i][j] for i in range(len(r))) + b[j] for j in range(len(b))] for r in rows]
            rows = [[s(g) for g in gr] for gr in G]
        R = [[rows[i][j] - mpmath.mpf(Fraction(Y[i, j]).numerator) / Fraction(Y[i, j]).denominator
              for j in range(len(rows[0]))] for i in range(len(rows))]
        phi = sum(x * x for r in R for x in r)
        grad = [sum(2 * R[i][j] * rows[i][j] * (1 - rows[i][j]) for i in range(len(R))) for j in range(len(R[0]))]
        return phi, grad


@pytest.mark.parametrize("digits", [12, 40])
def test_approximately_critical_sigmoid_point_never_holds(digits):
    """Y = F_L rounded to 30 decimals: the gradient is ~1e-31, not 0.  Ball arithmetic either proves it non-zero
    or cannot decide: never ``holds``.  mpmath (60 and 90 digits) shows dPhi/db_L != 0 (not a critical point)."""
    P, X, _ = global_minimum_instance((3, 3, 2), 3, seed=4)
    P = Parameters(tuple(W * 2 for W in P.W), P.b)
    # targets: F_L to 30 decimals (so the exact residuals are tiny but not 0)
    with mpmath.workdps(60):
        s = lambda t: 1 / (1 + mpmath.exp(-t))  # noqa: E731
        rows = [[mpmath.mpf(v.numerator) / v.denominator for v in map(Fraction, r)] for r in X.tolist()]
        for W, b in zip(P.W, P.b):
            rows = [[s(sum(r[i] * mpmath.mpf(Fraction(W[i, j]).numerator) / Fraction(W[i, j]).denominator
                           for i in range(len(r))) + mpmath.mpf(Fraction(b[j]).numerator) / Fraction(b[j]).denominator)
                     for j in range(W.shape[1])] for r in rows]
        Y = np.array([[Fraction(int(mpmath.nint(v * 10 ** 30)), 10 ** 30) for v in r] for r in rows], dtype=object)
    g60 = _mp_phi_and_grad_b(P, X, Y, 60)[1]
    g90 = _mp_phi_and_grad_b(P, X, Y, 90)[1]
    assert any(abs(g) > 1e-40 for g in g90)
    assert all(abs(a - b) < 1e-50 for a, b in zip(g60, g90))  # the 60-digit values are already accurate
    r = theorem_3_4(P, (X, Y), "sigmoid", digits=digits)
    assert r.holds is not True, r.explain()
    crit = next(c for c in r.clauses if c.claim.startswith("critical point"))
    assert crit.holds is not True
    if r.holds is None:
        assert r.missing and "critical point" in r.missing


# ---------------------------------------------------------------------------
# every --instance of every theorem check: no exit 3, and every "holds" is right
# ---------------------------------------------------------------------------

RUNS = ([(name, inst, None) for name in THEOREMS for inst in INSTANCES]
        + [("lemma-3.5", inst, form) for inst in INSTANCES for form in ("quantitative", "nearby")]
        + [("theorem-5.3", inst, None) for inst in ("separable", "xor", "not-critical")])


@pytest.mark.parametrize("name,inst,form", RUNS, ids=[f"{n}-{i}-{f or 'exact'}" for n, i, f in RUNS])
def test_every_instance_runs_without_internal_error(name, inst, form, capsys):
    args = ["check", name, "--instance", inst] + (["--form", form] if form else []) + ["--json"]
    code = main(args)
    out, err = capsys.readouterr()
    assert code in (0, 1, 2), err
    if code == 2:
        assert err.startswith("error: ") and err.count("\n") == 1
        return
    rec = json.loads(out)
    assert rec["holds"] is not True or rec["missing"] is None
    if rec["holds"] is None and rec["result"] in ("Theorem 3.4", "Lemma 3.5", "Theorem 3.8", "Corollary 3.9"):
        assert rec["missing"], rec["reason"]
    if rec["holds"] is True and rec["result"] in ("Theorem 3.4", "Lemma 3.5", "Theorem 3.8", "Corollary 3.9"):
        # every premise holds; Assumption 3.2 may only miss the (a)/(b) clause the proof provably does not use
        for c in rec["clauses"][1:]:
            assert c["holds"] is True, c
        a = rec["clauses"][0]
        assert a["holds"] is True or "does not use this clause" in a["reason"]
        if rec["level"] == "proved":
            # independent: exact Phi = 0 with the squared loss (>= 0) is a global minimum
            from exactloss.paper.instances import build_instance

            P, X, Y, act = build_instance(inst, activation="t + t**3",
                                          default_widths=(3, 3, 2) if name == "theorem-3.4" else
                                          ((2, 5, 1) if name == "lemma-3.5" else (2, 2, 1)),
                                          default_samples=3 if name != "lemma-3.5" else 5,
                                          zero_layer=2 if name == "theorem-3.4" else 3)
            sigma = _cubic if act == "t + t**3" else (lambda t: t)
            Fl = _forward(P, X, sigma)
            assert sum((Fl[i][j] - Fraction(Y[i, j])) ** 2 for i in range(len(Fl)) for j in range(len(Fl[0]))) == 0


def test_top_solved_instance_default_widths_solves_the_normal_equations():
    """The default (3, 3, 2), N = 3 top-solved instance (singular normal equations) is built, and its top
    layer is an exact least-squares solution: [F_1, 1]^T residual = 0 (rationals, checked here)."""
    from exactloss.paper.instances import top_layer_solved_instance

    for widths, N in (((3, 3, 2), 3), ((2, 2, 1), 5), ((2, 4, 1), 3)):
        P, X, Y = top_layer_solved_instance(widths, N, seed=0)
        ident = lambda t: t  # noqa: E731
        F1 = _forward(Parameters(P.W[:-1], P.b[:-1]), X, ident)
        FL = _forward(P, X, ident)
        R = [[FL[i][j] - Fraction(Y[i, j]) for j in range(widths[-1])] for i in range(N)]
        E = [row + [Fraction(1)] for row in F1]
        for c in range(len(E[0])):
            for j in range(widths[-1]):
                assert sum(E[i][c] * R[i][j] for i in range(N)) == 0
