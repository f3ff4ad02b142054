"""Fixtures shared by the tests of saved records (report, explain)."""

import json

import pytest

import exactloss as xl


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A Lemma 2.1 result and the path of its saved --json record."""
    r = xl.check("lemma-2.1", widths="2,2,1", samples=2)
    path = tmp_path_factory.mktemp("saved") / "lemma21.json"
    path.write_text(json.dumps(r.to_json(), indent=2))
    return r, path
