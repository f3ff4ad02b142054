"""exactloss.surfaces.verify_bundle: a `check all --json` record verified row by row, its totals re-derived."""

import io
import json

from exactloss.surfaces.cli import run_all
from exactloss.surfaces.verify import verify


def test_check_all_record_verifies_row_by_row(capsys):
    buf = io.StringIO()
    assert run_all(only="lemma-2.1,definition-3.7", as_json=True, out=buf) == 0
    rec = json.loads(buf.getvalue())
    v = verify(rec)
    assert v.holds is True and len(v.clauses) == len(rec["details"]["checks"])
    rec["details"]["checks"][0]["record"]["holds"] = False
    assert verify(rec).holds is False


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
