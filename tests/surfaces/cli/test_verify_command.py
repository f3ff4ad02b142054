"""`exactloss verify RESULT.json` (exactloss.surfaces.cli.verify): exit 0 verified, 1 NOT verified, 2 not a record."""

import json

import exactloss as xl
from exactloss.surfaces.cli import main


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


def test_damaged_field_is_not_verified_but_explain_refuses_it(tmp_path):
    rec = xl.check("lemma-2.1", widths="2,2", samples=2).to_json()
    rec["holds"] = "yes"
    p = tmp_path / "r.json"
    p.write_text(json.dumps(rec))
    assert main(["verify", str(p)]) == 1
    assert main(["explain", str(p)]) == 2
