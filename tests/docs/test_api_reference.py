"""The API reference (issue 13, item 8): docs/api.rst documents every module behind ``exactloss``'s exports,
and Sphinx builds it (with the tour) with warnings as errors -- run when Sphinx and MyST are installed
(``pip install -e ".[docs]"``; ``.ci/docs.sh`` is the CI step)."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import exactloss

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_api_rst_documents_every_exported_module():
    api = (DOCS / "api.rst").read_text()
    documented = set(re.findall(r"^\.\. automodule:: (\S+)", api, re.MULTILINE))
    wanted = {f"exactloss.{m}" for m in exactloss._EXPORTS.values()} | {"exactloss", "exactloss.testing"}
    assert not wanted - documented, f"add to docs/api.rst: {sorted(wanted - documented)}"


def test_index_links_the_tour_and_the_reference():
    index = (DOCS / "index.rst").read_text()
    toctree = index.split(".. toctree::", 1)[1]
    assert re.search(r"^\s+tour$", toctree, re.MULTILINE) and re.search(r"^\s+api$", toctree, re.MULTILINE)
    assert (DOCS / "tour.md").exists()


@pytest.mark.slow
@pytest.mark.timeout(400)
@pytest.mark.skipif(importlib.util.find_spec("sphinx") is None or importlib.util.find_spec("myst_parser") is None,
                    reason="Sphinx / myst-parser not installed (pip install -e '.[docs]')")
def test_sphinx_builds_without_warnings(tmp_path):
    out = tmp_path / "html"
    run = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(DOCS), str(out)],
                         capture_output=True, text=True, timeout=380)
    assert run.returncode == 0, f"sphinx-build -W failed:\n{run.stderr[-4000:]}"
    api = (out / "api.html").read_text()
    for name in ("exactloss.registry.check", "exactloss.testing.assert_fails", "exactloss.evidence.Result"):
        assert f'id="{name}"' in api, name
    assert "Lemma 4.3" in (out / "tour.html").read_text()
    shutil.rmtree(out, ignore_errors=True)
