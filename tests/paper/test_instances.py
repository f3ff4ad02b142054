"""The built-in instances and how a check reads its point (exactloss.paper.instances)."""

from __future__ import annotations

import pytest

import exactloss as xl
from exactloss.paper.instances import global_minimum_instance
from exactloss.surfaces.cli import main


def _files(tmp_path, P, X, Y):
    xl.save_parameters(P, tmp_path / "p.json")
    xl.save_data(X, Y, tmp_path / "d.json")
    return str(tmp_path / "p.json"), str(tmp_path / "d.json")


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


def test_top_solved_default_widths_no_internal_error():
    """`check theorem-3.4 --instance top-solved` (default (3, 3, 2), N = 3) used to raise ZeroDivisionError:
    the normal equations are singular there; any exact solution is taken."""
    for name in ("theorem-3.4", "lemma-3.5", "theorem-3.8", "corollary-3.9"):
        r = xl.check(name, instance="top-solved")
        assert r.holds in (True, False, None)
