"""exactloss.paper.lemma_4_3.replay: the Lemma 4.3 check end to end (the issue's "Done when" matrix)."""

import json
from fractions import Fraction as Q

import mpmath
import numpy as np
import pytest

from exactloss.paper.lemma_4_3.construction import build
from exactloss.net.files import load_parameters
from exactloss.paper.lemma_4_3.replay import lemma_4_3, sample_points
from exactloss.net.network import Network
from exactloss.arith.systems import Ball
from exactloss.net.rank import full_row_rank, with_ones
from tests.cli_helpers import run

REQUIRED = {"points", "direction", "beta", "alpha0", "alpha0_argument", "det_limit", "sweep"}


def _confirm(r, dps=116, big=False):
    """Independent confirmation: det E(alpha) has the limit's sign at alpha_0 (or, for 'every alpha > 0', at
    small alpha) and beyond -- mpmath at 3x the certificate's 128 bits (or arb at 384 bits for large N)."""
    from flint import arb_mat

    d = r.details
    X = np.array([[Q(v) for v in row] for row in d["points"]], dtype=object)
    inst = r.instance
    c = build(X, widths=",".join(map(str, inst["widths"])), k=inst["layer"], activation=inst["activation"]
              if "softplus" not in inst["activation"] else "softplus", beta=d["beta"])
    a0 = Q(d["alpha0"])
    alphas = [a0 * 2, a0 * 10] if a0 > 0 else [Q(1, 20), Q(1, 2)]
    if a0 > 0:
        alphas.insert(0, a0)
    for al in alphas:
        if big:
            for prec in (384, 1536, 6144):  # 3x the certificate's precision, more if the ball is undecided
                S = Ball(prec)
                E = c.E(al, S)
                with S.scope():
                    det = arb_mat(E.tolist()).det()
                if not det.contains(0):
                    break
            assert (det > 0 if d["det_limit_sign"] > 0 else det < 0)
        else:
            from exactloss.arith.systems import MP

            M = MP(dps)
            E = c.E(al, M)
            with M.scope():
                det = mpmath.det(mpmath.matrix(E.tolist()))
            assert (det > 0) - (det < 0) == d["det_limit_sign"]


def _witness_rank(r, X=None):
    w = r.details["witness"]["at_alpha0"]
    assert w["level"] in ("proved", "certified")
    return w


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "softplus"])
@pytest.mark.parametrize("N", [4, 16])
@pytest.mark.parametrize("dim,points", [(1, "integer"), (3, "integer"), (1, "rational"), (3, "rational")])
def test_done_when_small(act, N, dim, points):
    r = lemma_4_3(samples=N, dim=dim, activation=act, points=points, sweep_points=2, exact=N <= 4)
    assert r.holds is True and r.level in ("proved", "certified")
    assert REQUIRED <= set(r.details)
    assert r.details["alpha0"] is not None
    _confirm(r, dps=116)
    _witness_rank(r)


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "softplus"])
@pytest.mark.parametrize("N", [64, 128])
@pytest.mark.parametrize("dim,points", [(1, "integer"), (3, "integer"), (3, "rational")])
def test_done_when_large(act, N, dim, points):
    r = lemma_4_3(samples=N, dim=dim, activation=act, points=points, sweep_points=2, independent=False)
    assert r.holds is True and r.level in ("proved", "certified")
    _confirm(r, big=True)


def test_details_are_exact_strings_and_sweep_format():
    r = lemma_4_3(samples=5, dim=2, points="rational", sweep_points=3)
    d = r.details
    assert all(isinstance(v, str) for row in d["points"] for v in row)
    assert [Q(v) for v in d["projections"]] == sorted(Q(v) for v in d["projections"])
    for p in d["sweep"]:
        assert p["det"].startswith("[") and "float64" in p and "mpmath_15_digits" in p and p["alpha"]
    json.dumps(r.to_json())  # serialisable


def test_witness_file_and_user_alpha(tmp_path):
    out = tmp_path / "w.json"
    X = sample_points(6, 2, "integer", seed=3)
    r = lemma_4_3(data=(X, None), sweep_points=0, witness=str(out), alpha="7/2")
    assert r.holds and r.details["witness"]["at_alpha"]["level"] in ("proved", "certified")
    P = load_parameters(out)
    net = Network(P.widths, "sigmoid")
    M = with_ones(net.forward(P, X, Ball(256)).F[1], Ball(256))
    assert full_row_rank(M, Ball(256), 256).full is True
    Pa = load_parameters(tmp_path / "w-alpha.json")
    assert [w / Q(-7, 2) for w in Pa.W[0][:, 0]] == r.details["direction"]  # w_1 = -alpha a


def test_npz_witness(tmp_path):
    r = lemma_4_3(samples=4, sweep_points=0, witness=str(tmp_path / "w.npz"))
    assert r.holds and load_parameters(tmp_path / "w.npz").widths == (1, 3)


def test_layer_k_witness_proved_by_the_closed_form_and_certified_by_balls():
    """tanh at layer 3: the bordered Cauchy determinant proves the witness; the ball rank still cross-checks it."""
    r = lemma_4_3(samples=6, dim=2, layer=3, widths="2,1,2,5", sweep_points=2, activation="tanh")
    assert r.holds and r.level == "proved"
    w = r.details["witness"]["at_alpha0"]
    assert w["by_closed_form"]["level"] == "proved" and w["rank_certificate"]["full"] is True


def test_layer_k_witness_without_a_closed_form_stays_certified():
    r = lemma_4_3(samples=6, dim=2, layer=2, sweep_points=2, activation="softplus")
    w = r.details["witness"]["at_alpha0"]
    assert r.holds and r.level == "certified" and "by_closed_form" not in w
    assert w["rank_certificate"]["full"] is True


def test_N1_N2_and_exact_width():
    assert lemma_4_3(samples=1, sweep_points=0).holds
    r = lemma_4_3(samples=2, sweep_points=2, activation="softplus")
    assert r.holds
    r = lemma_4_3(samples=5, widths="1,4", sweep_points=0)  # n_k = N - 1 exactly
    assert r.holds


def test_user_bounded_activation():
    r = lemma_4_3(samples=5, activation="atan(t)", sweep_points=2)
    assert r.holds and r.level == "certified"
    _confirm(r)


def test_layer_zero_refused():
    from exactloss.errors import InputError

    with pytest.raises(InputError, match="--layer must be >= 1"):
        lemma_4_3(samples=3, layer=0, sweep_points=0)


def test_witness_rank_undecided_is_a_verdict_not_an_error():
    # a case (b) user sigma far left: [F_1, 1_N] is too ill-conditioned for 4096 bits; undecided, not exit 2
    r = lemma_4_3(samples=8, activation="log(1+exp(t))", beta="-1000", sweep_points=0)
    assert r.holds is None and r.level is None
    assert r.details["witness"]["at_alpha0"]["level"] is None


# -- the lemma-4.3 check on the command line: JSON, files, and bad input (exit 2) ---------------------------


def test_lemma_4_3_json(capsys):
    code, out, _ = run(capsys, "check", "lemma-4.3", "--samples", "4", "--sweep-points", "3", "--json")
    assert code == 0
    rec = json.loads(out)
    assert rec["holds"] is True and rec["level"] == "proved"
    for key in ("points", "direction", "beta", "alpha0", "alpha0_argument", "det_limit", "sweep"):
        assert key in rec["details"]
    assert rec["details"]["sweep"][0]["det"].startswith("[")


def test_lemma_4_3_plot_and_witness(capsys, tmp_path):
    png, wit = tmp_path / "d.png", tmp_path / "w.json"
    code, out, _ = run(capsys, "check", "lemma-4.3", "--samples", "6", "--dim", "3", "--activation", "softplus",
                       "--sweep-points", "4", "--plot", str(png), "--witness", str(wit))
    assert code == 0 and png.stat().st_size > 1000 and "W" in json.loads(wit.read_text())
    assert "Lemma 4.3: holds" in out


def test_lemma_4_3_layer_widths_beta(capsys):
    code, out, _ = run(capsys, "check", "lemma-4.3", "--samples", "5", "--layer", "2", "--widths", "1,2,4",
                       "--beta", "1/2", "--sweep-points", "0", "--json")
    assert code == 0 and json.loads(out)["details"]["beta"] == "1/2"


@pytest.mark.parametrize("argv,needle", [
    (["--samples", "6", "--widths", "1,3"], "at least 5"),
    (["--samples", "4", "--activation", "relu"], "3.2.2"),
    (["--samples", "4", "--activation", "sin(t)"], "strictly increasing"),
    (["--samples", "4", "--activation", "identity"], "3.2.2"),
    (["--samples", "4", "--widths", "1,3", "--layer", "3"], "outside"),
])
def test_bad_input_exit_2(capsys, argv, needle):
    code, out, err = run(capsys, "check", "lemma-4.3", *argv)
    assert code == 2 and err.startswith("error:") and len(err.strip().splitlines()) == 1
    assert needle in err


def test_duplicates_and_nan_from_file(capsys, tmp_path):
    f = tmp_path / "dup.json"
    f.write_text(json.dumps({"X": [[1, 2], [3, 4], [1, 2]]}))
    code, _, err = run(capsys, "check", "lemma-4.3", "--data", str(f))
    assert code == 2 and "samples 0 and 2" in err and "3.2.1" in err
    g = tmp_path / "nan.json"
    g.write_text('{"X": [[1], [NaN]]}')
    code, _, err = run(capsys, "check", "lemma-4.3", "--data", str(g))
    assert code == 2 and "NaN/inf" in err and len(err.strip().splitlines()) == 1


def test_registered_in_check_all():
    from exactloss import registry

    names = {c.name for c in registry.checks()}
    assert {"lemma-4.3"} <= names
