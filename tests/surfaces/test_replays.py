"""exactloss.surfaces.replays: replays are time-bounded and write their output files elsewhere."""

import exactloss as xl
from exactloss.surfaces.verify import verify


def test_replay_time_is_bounded():
    rec = xl.check("lemma-3.5", form="quantitative", widths="2,3,1", samples=3).to_json()
    v = verify(rec, timeout=0.01)
    assert v.holds is False and v.details["fields"] == ["source"] and "limit" in v.reason


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
