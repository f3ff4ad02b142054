"""exactloss.surfaces.cli: `main` maps bad input to one-line errors (exit 2), never a traceback."""

import pytest

from exactloss.surfaces.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("argv,msg", [
    (["check", "lemma-2.1", "--widths", "3,x"], "whole numbers"),
    (["check", "lemma-2.1", "--activation", "nope"], "unknown activation"),
    (["check", "lemma-2.1", "--loss", "nope"], "unknown loss"),
    (["grad", "--params", "missing.json", "--data", "missing.json"], "no such file"),
])
def test_bad_input_one_line_exit_2(capsys, argv, msg):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert msg in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
