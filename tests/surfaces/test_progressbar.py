"""exactloss.surfaces.progressbar and ``--quiet``: a bar on stderr only on a terminal, never on stdout (issue 13.5)."""

from __future__ import annotations

import io
import json
import sys
import time

import pytest

import exactloss as xl
from exactloss import registry
from exactloss.arith import progress
from exactloss.surfaces import progressbar
from exactloss.surfaces.cli import main
from exactloss.surfaces.progressbar import TextBar, install, make_renderer


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def fake_tty(monkeypatch):
    """stderr (capsys's, so call this inside the test) claims to be a terminal; bars are drawn at once; the
    built-in text bar (no tqdm)."""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(progressbar, "DELAY", 0.0)
    monkeypatch.setitem(sys.modules, "tqdm", None)


@pytest.fixture
def frozen_clock(monkeypatch):
    """Every ``seconds`` field 0: two runs print the same bytes when their results are the same."""
    monkeypatch.setattr(time, "perf_counter", lambda: 0.0)


def test_check_all_only_lemma_2_1_counts_are_monotone(capsys):
    events = []
    with xl.progress(lambda *e: events.append(e), interval=0):
        code, out, err = run(capsys, "check", "all", "--only", "lemma-2.1")
    assert code == 0 and err == ""
    counts = [d for t, d, _ in events if t == "check all"]
    n = len(registry.get("lemma-2.1").instances)
    assert counts == sorted(counts) and counts[0] == 0 and counts[-1] == n
    assert {tot for t, _, tot in events if t == "check all"} == {n}
    assert any(t == "lemma-2.1" for t, _, _ in events)


def test_nothing_on_stderr_when_not_a_terminal(capsys):
    code, out, err = run(capsys, "check", "lemma-4.3", "--json")
    assert code == 0 and err == "" and json.loads(out)["holds"] is True


def test_a_bar_on_stderr_with_a_terminal(monkeypatch, capsys):
    fake_tty(monkeypatch)
    code, out, err = run(capsys, "check", "lemma-4.3")
    assert code == 0
    assert "det E(alpha) sweep" in err and "[" in err and "\r" in err
    assert "det E(alpha) sweep" not in out  # never on stdout


@pytest.mark.parametrize("argv", [("--quiet", "check", "lemma-4.3"), ("-q", "check", "lemma-4.3"),
                                  ("check", "lemma-4.3", "--quiet"), ("check", "all", "--only", "lemma-2.1", "--quiet")])
def test_quiet_silences_the_bar(monkeypatch, capsys, argv):
    fake_tty(monkeypatch)
    code, out, err = run(capsys, *argv)
    assert code == 0 and err == ""


def test_stdout_json_is_byte_identical_with_and_without_progress(monkeypatch, frozen_clock, capsys):
    fake_tty(monkeypatch)
    _, with_bar, err = run(capsys, "check", "lemma-4.3", "--json")
    assert "sweep" in err  # the bar was drawn
    _, quiet, err_q = run(capsys, "--quiet", "check", "lemma-4.3", "--json")
    assert err_q == ""
    assert with_bar == quiet
    _, all_bar, _ = run(capsys, "check", "all", "--only", "lemma-2.1", "--json")
    _, all_quiet, _ = run(capsys, "--quiet", "check", "all", "--only", "lemma-2.1", "--json")
    assert all_bar == all_quiet


def test_text_bar_nests_truncates_and_clears():
    out = io.StringIO()
    bar = TextBar(out, columns=50, delay=0)
    bar("check all", 3, 64)
    bar("lemma-4.3", 0, None)
    bar("det E(alpha) sweep, N = 16", 5, 10)
    line = out.getvalue().split("\r")[-1]
    assert len(line.rstrip()) <= 49 and line.startswith("...") and "5/10" in line
    bar.finish("det E(alpha) sweep, N = 16")
    bar.finish("lemma-4.3")
    bar.finish("check all")
    assert out.getvalue().endswith("\r") and bar.shown == 0


def test_text_bar_waits_before_drawing_short_tasks():
    out = io.StringIO()
    bar = TextBar(out, delay=60)
    bar("quick", 0, 3)
    bar("quick", 3, 3)
    bar.finish("quick")
    assert out.getvalue() == ""


def test_install_does_nothing_off_a_terminal():
    out = io.StringIO()
    with install(out) as r:
        assert r is None and not progress.active()
    with install(out, quiet=True) as r:
        assert r is None
    assert out.getvalue() == ""


def test_tqdm_renderer_when_installed(monkeypatch):
    tqdm = pytest.importorskip("tqdm")
    out = io.StringIO()
    r = make_renderer(out, delay=0)
    assert isinstance(r, progressbar.TqdmBars) and r.tqdm is tqdm.tqdm
    r("t", 1, 2)
    r.clear()
    r.finish("t")
    assert "t" in out.getvalue()


def test_text_renderer_without_tqdm(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    assert isinstance(make_renderer(io.StringIO()), TextBar)
