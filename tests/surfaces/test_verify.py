"""exactloss.surfaces.verify: saved certificates re-checked without trusting their verdicts."""

import io
import json

import pytest

import exactloss as xl
from exactloss.surfaces.cli import main, run_all
from exactloss.errors import FileFormatError
from exactloss.evidence import Result
from exactloss.surfaces.verify import recertify_lemma_4_3, replay, verify


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


@pytest.mark.parametrize("label,edit,why,field", [
    ("alpha_0 lowered", lambda d: d.__setitem__("alpha0", "1/10"), "does not hold at the saved alpha_0",
     "details.alpha0"),
    ("alpha_0 zero", lambda d: d.__setitem__("alpha0", "0"), "not positive", "details.alpha0"),
    ("two points equal", lambda d: d["points"].__setitem__(1, d["points"][0]), "are equal", "details.points[1]"),
    ("direction changed", lambda d: d.__setitem__("direction_layer1", [1, 2]), "does not order",
     "details.direction_layer1"),
])
def test_lemma_4_3_tampering_is_caught(lemma_4_3_softplus, label, edit, why, field):
    # verify re-derives the record and names the tampered field ...
    tampered = _tampered(lemma_4_3_softplus, edit)
    v = verify(tampered)
    assert v.holds is False and any(f.startswith(field) for f in v.details["fields"]), (label, v.reason)
    assert field in v.reason
    # ... and the dedicated re-certification, run alone on the tampered evidence, refutes it too
    rc = recertify_lemma_4_3(Result.from_json(tampered), 60)
    assert rc.holds is False and why in rc.reason, label


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


# -- issue 11 (class 4): the whole record is re-derived -------------------------------------------

def test_every_claim_field_is_compared():
    rec = xl.check("lemma-2.1", widths="2,2,1", samples=2).to_json()
    for field, value in [("result", "Theorem 3.8"), ("statement", "anything"), ("level", "certified"),
                         ("failed_hypothesis", "3.2.1"), ("reason", "by inspection")]:
        t = json.loads(json.dumps(rec))
        t[field] = value
        v = verify(t)
        assert v.holds is False and field in v.details["fields"], field
    rec = xl.check("theorem-3.4", instance="global-min").to_json()
    t = json.loads(json.dumps(rec))
    t["clauses"][0]["level"] = "numerical"
    assert verify(t).details["fields"] == ["clauses[0].level"]
    t = json.loads(json.dumps(rec))
    t["clauses"].pop()
    assert "clauses" in verify(t).details["fields"]


def test_record_diff_rules():
    from exactloss.surfaces.record_diff import diff_records

    def d(s, r, higher=False):
        return [x.path for x in diff_records({"holds": True, "details": {"x": s}},
                                             {"holds": True, "details": {"x": r}}, higher=higher)]

    assert d("[1.5 +/- 0.01]", "[1.5 +/- 1e-9]") == []            # a saved ball contains the narrower one
    assert d("[1.5 +/- 1e-12]", "[1.5 +/- 1e-9]") == ["details.x"]  # narrowed: not confirmed
    assert d("[1.6 +/- 0.01]", "[1.5 +/- 1e-9]") == ["details.x"]   # moved
    assert d("2/4", "1/2") == [] and d("1/2", "1/3") == ["details.x"]
    assert d("0.3333", "0.33333333") == [] and d("0.3334", "0.33333333") == ["details.x"]
    assert d(1.0, 1.0 + 1e-12) == [] and d(1.0, 1.001) == ["details.x"] and d(float("nan"), float("nan")) == []
    assert d(3, 4) == ["details.x"] and d(True, 1) == ["details.x"] and d(None, False) == ["details.x"]
    assert d("rank 5 at 143 bits", "rank 5 at 276 bits", higher=True) == []
    assert d("rank 5 at 143 bits", "rank 5 at 276 bits") == ["details.x"]
    assert d("rank 5 at 143 bits", "rank 4 at 276 bits", higher=True) == ["details.x"]
    assert d("Phi in [1.5 +/- 0.01]", "Phi in [1.50001 +/- 1e-9]") == []
    assert d({"a": 1}, {"a": 1, "b": 2}) == ["details.x.b"] and d([1, 2], [1]) == ["details.x"]
    # more precision may decide an undecided record; a decided one must keep its verdict and level
    assert diff_records({"holds": None, "level": None}, {"holds": True, "level": "certified"}, higher=True) == []
    assert [x.path for x in diff_records({"holds": True, "level": "certified"},
                                         {"holds": True, "level": "numerical"}, higher=True)] == ["level"]


def test_replay_time_is_bounded():
    rec = xl.check("lemma-3.5", form="quantitative", widths="2,3,1", samples=3).to_json()
    v = verify(rec, timeout=0.01)
    assert v.holds is False and v.details["fields"] == ["source"] and "limit" in v.reason


def test_bundle_rows_and_totals_are_rederived():
    buf = io.StringIO()
    run_all(only="definition-3.7", as_json=True, out=buf)
    rec = json.loads(buf.getvalue())
    assert verify(rec).holds is True
    for edit, field in [(lambda r: r.pop("source"), "source"),
                        (lambda r: r["details"]["checks"][1].__setitem__("ok", False), "details.checks[1].ok"),
                        (lambda r: r["details"]["checks"][0].__setitem__("expected", False),
                         "details.checks[0].expected"),
                        (lambda r: r.__setitem__("holds", False), "holds"),
                        (lambda r: r["details"]["checks"][0]["record"]["source"]["arguments"].__setitem__(
                            "example", "network"), "details.checks[0].record.source")]:
        t = json.loads(json.dumps(rec))
        edit(t)
        v = verify(t)
        assert v.holds is False and field in v.details["fields"], (field, v.reason)


def test_output_files_go_to_a_temporary_folder(tmp_path):
    out = tmp_path / "w.json"
    rec = xl.check("lemma-4.3", samples=4, dim=1, points="grid", witness=str(out)).to_json()
    assert out.exists()
    out.unlink()
    v = verify(rec)
    assert v.holds is True, v.reason
    assert not out.exists()  # the replay wrote its witness elsewhere; the saved path was compared
    rec["details"]["witness"]["file"] = str(tmp_path / "other.json")
    assert verify(rec).details["fields"] == ["details.witness.file"]


def test_damaged_field_is_not_verified_but_explain_refuses_it(tmp_path):
    rec = xl.check("lemma-2.1", widths="2,2", samples=2).to_json()
    rec["holds"] = "yes"
    p = tmp_path / "r.json"
    p.write_text(json.dumps(rec))
    assert main(["verify", str(p)]) == 1
    assert main(["explain", str(p)]) == 2
