"""Saved results: exactloss.surfaces.report.load_result (nothing is recomputed)."""

import json

import pytest

from exactloss.surfaces import report
from exactloss.errors import FileFormatError
from exactloss.evidence import FORMAT_VERSION, Result, Verdict
from tests.cli_helpers import GOOD_RECORD as GOOD, write_file as _write


def _rich():
    return Result(result="Theorem 3.8", holds=False, level="certified", statement="critical points are global minima",
                  reason="a hypothesis fails", failed_hypothesis="n_k >= N - 1 (n_1 = 2, N = 5)",
                  instance={"widths": [2, 2, 1]}, details={"alpha0": "3/2", "sweep": [[1, "[0.5 +/- 1e-20]"]]},
                  clauses=(Verdict("width", False, "proved", "n_1 = 2 < 4"), Verdict("rank", None, None, "")),
                  seconds=1.25)


def test_round_trip_is_exact(tmp_path, saved):
    r, path = saved
    back = report.load_result(path)
    assert back.explain() == r.explain()
    assert back.to_json() == json.loads(path.read_text())
    rich = _rich()
    p = tmp_path / "rich.json"
    p.write_text(rich.dumps())
    again = report.load_result(p)
    assert again.explain() == rich.explain() and again.to_json() == rich.to_json()


@pytest.mark.parametrize("content,message", [
    ("not json at all", "not JSON"),
    ("", "not JSON"),
    (b"\xff\xfe\x00garbage", "not a text file"),
    ([1, 2, 3], "not an exactloss result (a JSON array"),
    ({"result": "x", "holds": True}, "not an exactloss result (no \"format\" field"),
    ({**GOOD, "format": "something-else"}, "\"format\" is 'something-else'"),
    ({**GOOD, "version": FORMAT_VERSION + 1}, f"newer exactloss (result format version {FORMAT_VERSION + 1}"),
    ({**GOOD, "version": "1"}, "\"version\" is '1'"),
    ({**GOOD, "version": 0}, "\"version\" is 0"),
    ({k: v for k, v in GOOD.items() if k != "result"}, "field \"result\" is missing"),
    ({**GOOD, "holds": "yes"}, "field \"holds\" must be true, false or null"),
    ({**GOOD, "holds": 1}, "field \"holds\" must be true, false or null"),
    ({**GOOD, "level": "exact"}, "field \"level\" is 'exact'"),
    ({**GOOD, "holds": None, "level": "certified"}, "undecided result (\"holds\": null) cannot be certified"),
    ({**GOOD, "details": [1]}, "field \"details\" must be a JSON object, got a JSON array"),
    ({**GOOD, "seconds": "fast"}, "field \"seconds\" must be a number"),
    ({**GOOD, "clauses": [{"claim": "x"}]}, "clause 1 is not"),
    ({**GOOD, "clauses": [{"claim": "x", "holds": None, "level": None}]}, None),
    ({**GOOD, "clauses": [{"claim": "x", "holds": True, "level": "proved", "extra": 1}]}, "clause 1 is not"),
    ({**GOOD, "clauses": "none"}, "field \"clauses\" must be a list"),
])
def test_bad_files(tmp_path, content, message):
    p = _write(tmp_path, content)
    if message is None:
        assert report.load_result(p).clauses[0].claim == "x"
        return
    with pytest.raises(FileFormatError) as exc:
        report.load_result(p)
    text = str(exc.value)
    assert message in text and str(p) in text and "\n" not in text


def test_missing_and_unreadable(tmp_path):
    with pytest.raises(FileFormatError, match="no such file"):
        report.load_result(tmp_path / "nope.json")
    with pytest.raises(FileFormatError, match="is a directory"):
        report.load_result(tmp_path)
