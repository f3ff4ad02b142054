"""`exactloss grad`: Phi and every gradient of Lemma 2.1 in each number system, as a user runs it."""

import json

import pytest

from exactloss import Network, random_data, save_data, save_parameters
from exactloss.surfaces.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def files(tmp_path):
    net = Network((2, 3, 2), "t + t**3")
    P = net.random_parameters(seed=1)
    X, Y = random_data(3, 2, 2, seed=2)
    return save_parameters(P, tmp_path / "p.json"), save_data(X, Y, tmp_path / "d.json"), tmp_path


@pytest.mark.parametrize("numbers,level", [("exact", "proved"), ("ball", "certified"), ("mpmath", "numerical"),
                                           ("float", "numerical")])
def test_grad_every_number_system(capsys, files, numbers, level):
    p, d, _ = files
    code, out, err = run(capsys, "grad", "--params", str(p), "--data", str(d), "--activation", "t + t**3",
                         "--numbers", numbers, "--json")
    assert code == 0, err
    rec = json.loads(out)
    assert rec["level"] == level
    assert set(rec["details"]["grad"]) == {"W1", "W2", "b1", "b2"}


def test_grad_exact_agrees_with_ball(capsys, files):
    p, d, _ = files
    _, out_e, _ = run(capsys, "grad", "--params", str(p), "--data", str(d), "--activation", "t + t**3",
                      "--numbers", "exact", "--json")
    _, out_b, _ = run(capsys, "grad", "--params", str(p), "--data", str(d), "--activation", "t + t**3",
                      "--numbers", "ball", "--digits", "50", "--json")
    from fractions import Fraction

    from flint import arb, ctx, fmpq
    e = json.loads(out_e)["details"]["grad"]["W1"][0][0]
    b = json.loads(out_b)["details"]["grad"]["W1"][0][0]
    q = Fraction(e)
    ctx.prec = 400
    try:
        assert arb(b).contains(arb(fmpq(q.numerator, q.denominator)))
    finally:
        ctx.prec = 53


def test_grad_refuses_exact_for_transcendental(capsys, files):
    p, d, _ = files
    code, _, err = run(capsys, "grad", "--params", str(p), "--data", str(d), "--activation", "sigmoid",
                       "--numbers", "exact")
    assert code == 2 and err.startswith("error:") and "--numbers ball" in err and len(err.strip().splitlines()) == 1


def test_grad_shape_mismatch(capsys, files):
    p, _, tmp = files
    X, Y = random_data(3, 3, 2, seed=2)  # d = 3 but n_0 = 2
    d = save_data(X, Y, tmp / "bad.json")
    code, _, err = run(capsys, "grad", "--params", str(p), "--data", str(d), "--numbers", "float")
    assert code == 2 and "X has shape (3, 3)" in err


def test_grad_nan_data(capsys, files):
    p, _, tmp = files
    (tmp / "nan.json").write_text('{"X": [[1, "nan"]], "Y": [[0, 0]]}')
    code, _, err = run(capsys, "grad", "--params", str(p), "--data", str(tmp / "nan.json"))
    assert code == 2 and "NaN/inf" in err


def test_grad_mpmath_and_ball_agree_to_25_digits(capsys, tmp_path):
    """`exactloss grad` in mpmath and ball mode (independent arithmetic) agree to 25 digits for sigmoid."""
    from tests.tolerance import digits_agree

    net = Network((2, 3, 2), "sigmoid")
    p = save_parameters(net.random_parameters(seed=5), tmp_path / "p.json")
    X, Y = random_data(4, 2, 2, seed=6)
    d = save_data(X, Y, tmp_path / "d.json")
    recs = {}
    for numbers in ("mpmath", "ball"):
        code, out, err = run(capsys, "grad", "--params", str(p), "--data", str(d), "--activation", "sigmoid",
                             "--loss", "cauchy", "--numbers", numbers, "--digits", "40", "--json")
        assert code == 0, err
        recs[numbers] = json.loads(out)["details"]
    assert digits_agree(recs["ball"]["phi"], recs["mpmath"]["phi"], 25)
    for name in ("W1", "W2", "b1", "b2"):
        m, b = recs["mpmath"]["grad"][name], recs["ball"]["grad"][name]
        flat_m = [v for row in m for v in (row if isinstance(row, list) else [row])]
        flat_b = [v for row in b for v in (row if isinstance(row, list) else [row])]
        assert all(digits_agree(x, y, 25) for x, y in zip(flat_b, flat_m))
