"""exactloss.verify: saved certificates re-checked without trusting their verdicts."""

import io
import json

import pytest

import exactloss as xl
from exactloss.cli import main, run_all
from exactloss.errors import FileFormatError
from exactloss.verify import replay, verify


def test_replay_agrees():
    r = xl.check("lemma-2.1", widths="2,2,1", samples=2)
    assert r.source == {"check": "lemma-2.1", "arguments": {"widths": "2,2,1", "samples": 2}}
    v = verify(r.to_json())
    assert v.holds is True and v.level == "proved"


def test_tampered_verdict_and_overclaimed_level():
    rec = xl.check("assumption-3.2", activation="relu", loss="squared").to_json()
    assert rec["holds"] is False
    rec["holds"] = True
    assert verify(rec).holds is False
    rec2 = xl.check("lemma-3.5").to_json()
    if rec2["level"] != "proved":
        rec2["level"] = "proved"
        assert verify(rec2).holds is False


def test_python_objects_are_not_replayable():
    r = xl.check("lemma-2.1", widths=(2, 2), samples=1)
    assert r.source["arguments"] == {"widths": [2, 2], "samples": 1}
    r2 = xl.Result("Lemma 2.1", True, "proved")
    assert verify(r2).holds is False


def test_check_all_record_verifies_row_by_row(capsys):
    buf = io.StringIO()
    assert run_all(only="lemma-2.1,definition-3.7", as_json=True, out=buf) == 0
    rec = json.loads(buf.getvalue())
    v = verify(rec)
    assert v.holds is True and len(v.clauses) == len(rec["details"]["checks"])
    rec["details"]["checks"][0]["record"]["holds"] = False
    assert verify(rec).holds is False


def test_cli_exit_codes(tmp_path, capsys):
    p = tmp_path / "r.json"
    p.write_text(xl.check("lemma-2.1", widths="2,2", samples=2).dumps())
    assert main(["verify", str(p)]) == 0
    rec = json.loads(p.read_text())
    rec["holds"] = False
    p.write_text(json.dumps(rec))
    assert main(["verify", str(p)]) == 1
    (tmp_path / "x.json").write_text('{"a": 1}')
    assert main(["verify", str(tmp_path / "x.json")]) == 2
    rec["version"] = 99
    p.write_text(json.dumps(rec))
    assert main(["verify", str(p)]) == 2
    err = capsys.readouterr().err
    assert "newer exactloss" in err


def test_newer_version_is_refused():
    rec = xl.check("lemma-2.1", widths="2,2", samples=2).to_json()
    rec["version"] = 2
    with pytest.raises(FileFormatError, match="newer"):
        verify(rec)


# -- Lemma 4.3: the saved evidence itself is re-certified ---------------------------------------

@pytest.fixture(scope="module")
def lemma_4_3_softplus():
    return xl.check("lemma-4.3", samples=5, dim=2, activation="softplus").to_json()


def test_lemma_4_3_certificate_verifies(lemma_4_3_softplus):
    v = verify(lemma_4_3_softplus)
    assert v.holds is True and v.level == "certified"
    assert any("witness" in c.claim for c in v.clauses)


def _tampered(rec, edit):
    import copy

    out = copy.deepcopy(rec)
    edit(out["details"])
    return out


@pytest.mark.parametrize("label,edit,why", [
    ("alpha_0 lowered", lambda d: d.__setitem__("alpha0", "1/10"), "does not hold at the saved alpha_0"),
    ("alpha_0 zero", lambda d: d.__setitem__("alpha0", "0"), "not positive"),
    ("two points equal", lambda d: d["points"].__setitem__(1, d["points"][0]), "are equal"),
    ("direction changed", lambda d: d.__setitem__("direction_layer1", [1, 2]), "does not order"),
])
def test_lemma_4_3_tampering_is_caught(lemma_4_3_softplus, label, edit, why):
    v = verify(_tampered(lemma_4_3_softplus, edit))
    assert v.holds is False and why in v.reason, label


def test_lemma_4_3_witness_with_rank_drop_is_caught(lemma_4_3_softplus):
    def edit(d):
        P = d["witness"]["at_alpha0"]["parameters"]
        for row in P["W"][0]:
            row[1] = row[0]
        P["b"][0][1] = P["b"][0][0]

    v = verify(_tampered(lemma_4_3_softplus, edit))
    assert v.holds is False and "witness" in v.reason


def test_lemma_4_3_sigmoid_every_alpha():
    v = verify(xl.check("lemma-4.3", samples=6, dim=1).to_json())
    assert v.holds is True
