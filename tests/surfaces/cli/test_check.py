"""exactloss.surfaces.cli.check: `exactloss check NAME`, `check list` and `check all` as a user runs them."""

import json

from exactloss.surfaces.cli import main, run_all


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_check_lemma_2_1_json(capsys):
    code, out, _ = run(capsys, "check", "lemma-2.1", "--widths", "3,3,2", "--samples", "3", "--json")
    rec = json.loads(out)
    assert code == 0
    assert rec["holds"] is True and rec["level"] == "proved"
    for key in ("result", "holds", "level", "seconds", "instance", "details"):
        assert key in rec


def test_check_list_and_human_output(capsys):
    code, out, _ = run(capsys, "check", "list")
    assert code == 0 and "lemma-2.1" in out
    code, out, _ = run(capsys, "check", "lemma-2.1", "--widths", "2,2", "--samples", "2")
    assert code == 0 and "Lemma 2.1: holds -- proved" in out


def test_run_all_only(capsys):
    assert run_all(only="lemma-2.1") == 0
    out = capsys.readouterr().out
    assert "passed, 0 failed" in out
