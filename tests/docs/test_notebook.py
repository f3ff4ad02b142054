"""docs/notebook.ipynb, executed as a user runs it (nbconvert's ExecutePreprocessor on an IPython kernel).

Each result cell (tag ``result``) must show the Result as HTML (``Result._repr_html_``), and the inline plot
after the ``plot=`` call (the CLI's ``--plot``, tags ``plot-call`` then ``inline-plot``) must still be an
``image/png``: a plot that switched matplotlib to Agg would silence every later inline figure.
"""

import json
import sys
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "notebook.ipynb"


def _tagged(nb, tag):
    return [i for i, c in enumerate(nb.cells) if tag in c.get("metadata", {}).get("tags", ())]


def test_notebook_is_committed_without_outputs():
    nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (pip install -e '.[notebook]')")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code), "strip the outputs"
    assert len(_tagged(nb, "result")) >= 3 and _tagged(nb, "plot-call") and _tagged(nb, "inline-plot")


def _this_interpreter_kernel(tmp_path, monkeypatch) -> str:
    """A kernel spec running this interpreter (where exactloss is installed), found before any other."""
    spec = tmp_path / "jupyter" / "kernels" / "exactloss-test"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "exactloss test", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    return "exactloss-test"


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_executed_notebook_shows_html_results_and_inline_plots(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (pip install -e '.[notebook]')")
    pytest.importorskip("ipykernel", reason="ipykernel is not installed (pip install -e '.[notebook]')")
    nbconvert = pytest.importorskip("nbconvert.preprocessors",
                                    reason="nbconvert is not installed (pip install -e '.[notebook]')")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the notebook's own `%matplotlib inline` decides
    ep = nbconvert.ExecutePreprocessor(timeout=300, kernel_name=_this_interpreter_kernel(tmp_path, monkeypatch))
    work = tmp_path / "work"
    work.mkdir()
    ep.preprocess(nb, {"metadata": {"path": str(work)}})  # a failing cell raises CellExecutionError

    for i in _tagged(nb, "result"):
        html = [o["data"]["text/html"] for o in nb.cells[i].outputs if "text/html" in o.get("data", {})]
        assert html, f"cell {i} ({nb.cells[i].source[:40]!r}) shows no HTML: {nb.cells[i].outputs}"
        assert 'class="exactloss-result"' in html[0] and ">holds</span>" in html[0]
        assert "Result(result=" not in str(nb.cells[i].outputs)  # not the dataclass line

    (call,), (plot,) = _tagged(nb, "plot-call"), _tagged(nb, "inline-plot")
    assert call < plot
    assert (work / "det.png").stat().st_size > 0, "the plot= call saved no file"
    images = [o for o in nb.cells[plot].outputs if "image/png" in o.get("data", {})]
    assert images, ("the inline plot after the plot= call is missing (did the plot switch matplotlib's backend "
                    f"to Agg?); outputs: {[list(o.get('data', {})) or o.get('text', '') for o in nb.cells[plot].outputs]}")
