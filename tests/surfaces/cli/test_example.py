"""exactloss.surfaces.cli.example: `exactloss example DIR`, the shared default activation, tables in 100 columns."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cli_helpers import run
from exactloss.net.files import load_data, load_parameters
from exactloss.paper.instances import DEFAULT_ACTIVATION
from exactloss.surfaces.cli import build_parser
from exactloss.surfaces.cli.example import FILES, write_example
from exactloss.surfaces.cli.table import WIDTH, fit


def wide_lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if len(ln) > WIDTH]


@pytest.fixture(scope="module")
def ex(tmp_path_factory):
    d = tmp_path_factory.mktemp("ex")
    write_example(d)
    return d


def test_example_writes_the_readme_files(ex):
    assert sorted(p.name for p in ex.iterdir()) == sorted(FILES)
    Pj, Pn = load_parameters(ex / "P.json"), load_parameters(ex / "P.npz")
    (Xj, Yj), (Xn, Yn) = load_data(ex / "D.json", need_Y=True), load_data(ex / "D.npz", need_Y=True)
    assert [W.shape for W in Pj.W] == [(2, 5), (5, 1)] and Xj.shape == (5, 2) and Yj.shape == (5, 1)
    # the .npz pair is the same exact point as the .json pair
    for A, B in [*zip(Pj.W, Pn.W), *zip(Pj.b, Pn.b), (Xj, Xn), (Yj, Yn)]:
        assert np.array_equal(np.asarray(A, dtype=object), np.asarray(B, dtype=object))


def test_example_command_and_overwrite(tmp_path, capsys):
    d = tmp_path / "new" / "ex"
    code, out, _ = run(capsys, "example", str(d))
    assert code == 0 and f"exactloss certify --params {d}/P.json --data {d}/D.json" in out
    assert run(capsys, "example", str(d))[0] == 0  # same content: rewriting is harmless
    (d / "P.json").write_text("{}")
    code, _, err = run(capsys, "example", str(d))
    assert code == 2 and "--force" in err and (d / "P.json").read_text() == "{}"
    assert run(capsys, "example", str(d), "--force")[0] == 0 and json.loads((d / "P.json").read_text())["W"]
    (tmp_path / "f").write_text("x")
    assert run(capsys, "example", str(tmp_path / "f"))[0] == 2


def test_certify_on_the_example_table(ex, capsys):
    code, out, _ = run(capsys, "certify", "--params", str(ex / "P.json"), "--data", str(ex / "D.json"))
    assert code == 0 and out.startswith("certify: holds -- ")
    assert "None" not in out and not wide_lines(out)
    rows = {ln.split()[0]: ln for ln in out.splitlines() if ln.startswith("  theorem") or ln.startswith("  lemma")}
    assert rows["theorem-3.4"].split()[1] == "n/a" and "N = 5 > d + 1 = 3" in rows["theorem-3.4"]
    assert "[certified]" in out and "loss bound" in out


def test_certify_and_check_share_the_default_activation(ex, capsys):
    assert DEFAULT_ACTIVATION == "sigmoid"
    certify_args = build_parser().parse_args(["certify", "--params", "p", "--data", "d"])
    assert certify_args.activation == DEFAULT_ACTIVATION
    files = ["--params", str(ex / "P.json"), "--data", str(ex / "D.json"), "--json"]
    _, out, _ = run(capsys, "certify", *files)
    assert json.loads(out)["instance"]["activation"] == "sigmoid"
    for name in ("theorem-3.8", "theorem-3.4", "lemma-3.5"):
        _, out, _ = run(capsys, "check", name, *files)
        rec = json.loads(out)
        assert "sigmoid" in json.dumps(rec["instance"]), name
    # the built-in instances keep their rational sigma (exact arithmetic proves them)
    code, out, _ = run(capsys, "check", "theorem-3.8", "--json")
    rec = json.loads(out)
    assert code == 0 and rec["holds"] is True and rec["level"] == "proved"
    assert "t**3" in json.dumps(rec["instance"])
    with pytest.raises(SystemExit):
        run(capsys, "check", "theorem-3.8", "--help")
    assert "sigmoid with --params/--data" in " ".join(capsys.readouterr().out.split())


def test_assumptions_and_check_list_fit_100_columns(capsys):
    code, out, _ = run(capsys, "assumptions", "--activation", "atan(t)", "--loss", "cauchy")
    assert code == 0 and not wide_lines(out) and "3.2.2(b) growth" in out
    code, out, _ = run(capsys, "check", "list")
    assert code == 0 and not wide_lines(out) and "lemma-4.3" in out


def test_fit_wraps_under_the_head():
    lines = fit("  lemma-3.5 (nearby)   undecided -    ", "(missing: " + "a premise " * 20 + ")")
    assert all(len(ln) <= WIDTH for ln in lines) and len(lines) > 1
    assert all(ln.startswith(" " * 38) for ln in lines[1:])
    assert fit("x ", "short") == ["x short"]
    assert len(fit("", "word " * 100, max_lines=2)) == 2
