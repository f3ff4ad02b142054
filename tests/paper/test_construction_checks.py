"""The CLI of lemma-4.3, lemma-4.4, corollary-4.5, deep-linear-rank: JSON, files, and bad input (exit 2)."""

import json

import pytest

from exactloss.surfaces.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


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


def test_lemma_4_4_corollary_deep_linear(capsys):
    assert run(capsys, "check", "lemma-4.4", "--samples", "4", "--draws", "2")[0] == 0
    assert run(capsys, "check", "lemma-4.4", "--samples", "4", "--numbers", "ball", "--draws", "1", "--json")[0] == 0
    assert run(capsys, "check", "corollary-4.5", "--samples", "4")[0] == 0
    assert run(capsys, "check", "deep-linear-rank")[0] == 0
    code, _, err = run(capsys, "check", "lemma-4.4", "--samples", "3", "--numbers", "exact")
    assert code == 2 and "ball" in err


def test_registered_in_check_all():
    from exactloss import registry

    names = {c.name for c in registry.checks()}
    assert {"lemma-4.3", "lemma-4.4", "corollary-4.5", "deep-linear-rank"} <= names
