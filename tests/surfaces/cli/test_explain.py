"""`exactloss explain RESULT.json` (exactloss.surfaces.cli.explain): the saved explanation, nothing recomputed."""

import json

import pytest

from exactloss.surfaces import cli
from tests.cli_helpers import GOOD_RECORD as GOOD, write_file as _write


def test_explain_command_prints_the_saved_explanation(saved, capsys):
    r, path = saved
    assert cli.main(["explain", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(r.explain() + "\n")
    assert "nothing was recomputed" in out


def test_explain_reads_stdin(saved, capsys, monkeypatch):
    import io

    r, path = saved
    monkeypatch.setattr("sys.stdin", io.StringIO(path.read_text()))
    assert cli.main(["explain", "-"]) == 0
    assert capsys.readouterr().out.startswith(r.explain())


def test_explain_check_all_record_lists_rows(tmp_path, capsys):
    rec = {"format": "exactloss-result", "version": 1, "result": "check all", "holds": False, "level": "proved",
           "seconds": 2.0, "instance": {"checks": 2},
           "details": {"checks": [
               {"check": "lemma-2.1", "paper": "Lemma 2.1", "instance": "generic", "holds": True, "expected": True,
                "level": "proved", "ok": True, "seconds": 0.1, "reason": ""},
               {"check": "lemma-4.3", "paper": "Lemma 4.3", "instance": "N=3", "holds": None, "expected": True,
                "level": None, "ok": False, "seconds": 0.1, "reason": "error: something"}]}}
    p = tmp_path / "all.json"
    p.write_text(json.dumps(rec))
    assert cli.main(["explain", str(p)]) == 0
    out = capsys.readouterr().out
    assert "ok  Lemma 2.1: generic -- holds [proved]" in out
    assert "BAD Lemma 4.3: N=3 -- undecided [undecided]" in out and "error: something" in out


@pytest.mark.parametrize("content,message", [
    ({"hello": 1}, "not an exactloss result"),
    ({**GOOD, "version": 99}, "newer exactloss"),
    ("{", "not JSON"),
])
def test_explain_bad_input_exit_2(tmp_path, capsys, content, message):
    p = _write(tmp_path, content)
    assert cli.main(["explain", str(p)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]


def test_explain_missing_file_exit_2(tmp_path, capsys):
    assert cli.main(["explain", str(tmp_path / "missing.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "no such file" in err


def test_explain_is_registered():
    from exactloss import registry

    assert "explain" in {c.name for c in registry.commands()}
