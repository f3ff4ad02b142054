"""The HTML report (exactloss.surfaces.html): structure, escaping, self-containment, the CLI, and a real render.

The render test takes a screenshot in headless Chromium (Debian's ``chromium``) and checks it is not blank; it
is skipped, with the reason, when no Chromium is installed (``.ci/html.sh`` installs it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

import exactloss as xl
from exactloss.errors import FileFormatError
from exactloss.evidence import Result, Verdict
from exactloss.paper.instances import global_minimum_instance
from exactloss.surfaces import html as report
from exactloss.surfaces.cli import main
from exactloss.surfaces.cli.check import run_all
from exactloss.surfaces.html_figures import sweep_points, sweep_svg

EVIL = '<script>alert("x")</script><img src="http://evil.example/x.png" onerror="alert(1)">'


class Page(HTMLParser):
    """Every start tag with its attributes, the text of the rows, and script bodies."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)

    def rows(self):
        return [a for t, a in self.tags if t == "tr" and "check" in (a.get("class") or "").split()]

    def badges(self):
        return [a["class"].split()[1] for t, a in self.tags if t == "span" and "badge" in (a.get("class") or "")]


def parse(text: str) -> Page:
    p = Page()
    p.feed(text)
    p.close()
    return p


def assert_self_contained(page: Page) -> None:
    """No external resource: no src/href but the paper's link, inline data: images and in-page anchors."""
    for tag, attrs in page.tags:
        assert tag != "link", attrs
        for key in ("src", "href", "action", "srcset", "background"):
            v = attrs.get(key)
            if v is None:
                continue
            assert v == report.PAPER_URL or v.startswith("data:image/png;base64,") or v.startswith("#"), (tag, key, v)
        if tag == "script":
            assert "src" not in attrs


def _results():
    good = Result("Lemma 2.1", True, "proved", statement="backprop", reason="SymPy difference is 0",
                  clauses=(Verdict("Delta_L formula", True, "proved", "0"),))
    bad = Result("Theorem 3.8", False, "proved", statement="global minimum", reason="n_1 < N - 1",
                 failed_hypothesis="n_k >= N - 1")
    und = Result("Theorem 3.4", None, None, statement=EVIL, reason=EVIL, missing="Assumption 3.2.3",
                 clauses=(Verdict(EVIL, None, None, EVIL),))
    return good, bad, und


def test_one_row_per_check_with_badges_and_paper_links():
    good, bad, und = _results()
    rows = [report.row_from_result(good, check="lemma-2.1", instance="generic", ok=True),
            report.row_from_result(bad, check="theorem-3.8", ok=True),
            report.row_from_result(und, check="theorem-3.4", ok=False)]
    text = report.render(rows, "test report", "2 passed, 1 failed")
    page = parse(text)
    trs = page.rows()
    assert [r["data-verdict"] for r in trs] == ["holds", "fails", "undecided"]
    assert [r["data-level"] for r in trs] == ["proved", "proved", "none"]
    assert [r["data-ok"] for r in trs] == ["ok", "ok", "bad"]
    assert {"holds", "fails", "undecided", "proved", "none", "bad"} <= set(page.badges())
    assert text.count(f'href="{report.PAPER_URL}"') == 4  # one per row and the header
    assert "arXiv:1704.08045, Lemma 2.1" in text and "arXiv:1704.08045, Theorem 3.8" in text
    assert "Failed hypothesis:</b> n_k &gt;= N - 1" in text
    assert "Missing (undecided premise):</b> Assumption 3.2.3" in text
    assert text.count("<details") == 2  # the clauses, collapsible
    assert_self_contained(page)
    assert 'id="f-verdict"' in text and 'id="f-level"' in text and 'id="f-text"' in text


def test_user_text_is_escaped():
    *_, und = _results()
    text = report.render([report.row_from_result(und)], EVIL, EVIL)
    page = parse(text)
    assert [t for t, _ in page.tags].count("script") == 1  # ours, the filter
    assert "alert" not in "".join(page.scripts)
    assert not [a for t, a in page.tags if t == "img"]
    assert all("onerror" not in a for _, a in page.tags)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
    assert_self_contained(page)


def test_figures_are_inline_only():
    row = report.ReportRow("x", "Lemma 4.3", True, "proved",
                           figures=(("png", report.png_data_uri(b"\x89PNG")), ("bad", "http://evil.example/a.png"),
                                    ("bad2", 'data:image/png;base64,AA" onerror="x')))
    page = parse(report.render([row], "t"))
    imgs = [a for t, a in page.tags if t == "img"]
    assert len(imgs) == 1 and imgs[0]["src"].startswith("data:image/png;base64,")
    assert_self_contained(page)


def test_sweep_svg_marks_float64_failures():
    sweep = [{"alpha": "1/10", "log10_abs_det": -20.0, "float64": 0.0, "sign": -1},
             {"alpha": "1", "log10_abs_det": -5.0, "float64": 3e-6, "sign": -1},
             {"alpha": "10", "log10_abs_det": -2.0, "float64": -1e-2, "sign": -1},
             {"alpha": "oops", "log10_abs_det": 1.0}]
    assert [w for _, _, w in sweep_points(sweep)] == [True, True, False]
    svg = sweep_svg(sweep, title="<t>")
    assert "2 of 3 points" in svg and "&lt;t&gt;" in svg and "<t>" not in svg
    assert sweep_svg(sweep[:1]) == "" and sweep_svg("junk") == ""


def test_check_all_html(tmp_path, capsys):
    path = tmp_path / "report.html"
    assert run_all("lemma-2.1,lemma-4.3", html=str(path)) == 0
    out = capsys.readouterr()
    n = out.out.count("\n") - 1  # one table line per check, then the summary line
    assert out.out.splitlines()[-1].startswith(f"{n} passed, 0 failed") and "wrote" in out.err
    text = path.read_text(encoding="utf-8")
    page = parse(text)
    trs = page.rows()
    assert len(trs) == n >= 4
    assert all(r["data-ok"] == "ok" for r in trs)
    assert "<svg" in text and "log10 |det E(alpha)|" in text  # the Lemma 4.3 sweep, inline
    assert_self_contained(page)


def test_check_all_html_bad_path_fails_before_running(tmp_path):
    with pytest.raises(FileFormatError, match="--html"):
        run_all("lemma-4.3", html=str(tmp_path / "no" / "r.html"))
    assert main(["check", "all", "--only", "lemma-2.1", "--html", str(tmp_path / "r.txt")]) == 2


def test_certify_html(tmp_path, capsys):
    P, X, Y = global_minimum_instance((3, 3, 2), 3, seed=1)
    xl.save_parameters(P, tmp_path / "p.json")
    xl.save_data(X, Y, tmp_path / "d.json")
    path = tmp_path / "c.html"
    rc = main(["certify", "--params", str(tmp_path / "p.json"), "--data", str(tmp_path / "d.json"),
               "--activation", "sigmoid", "--html", str(path)])
    assert rc in (0, 1) and "wrote" in capsys.readouterr().err
    page = parse(path.read_text(encoding="utf-8"))
    trs = page.rows()
    assert len(trs) >= 3 and "certify" in trs[0]["data-text"]
    assert any("theorem 3.4" in r["data-text"] or "theorem-3.4" in r["data-text"] for r in trs)
    assert_self_contained(page)


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None, reason="no Chromium (Debian's chromium; .ci/html.sh installs it)")
def test_report_renders_in_headless_chromium(tmp_path):
    mpimg = pytest.importorskip("matplotlib.image")
    good, bad, und = _results()
    rows = [report.row_from_result(r, ok=True) for r in (good, bad, und)]
    sweep = [{"alpha": str(a), "log10_abs_det": -10.0 / a, "float64": -1.0, "sign": -1} for a in (1, 2, 4, 8)]
    rows.append(report.ReportRow("lemma-4.3", "Lemma 4.3", True, "proved",
                                 figures=(("sweep", sweep_svg(sweep)),)))
    page = report.write(tmp_path / "r.html", rows, "render test", "4 rows")
    shot = tmp_path / "out.png"
    cmd = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           f"--screenshot={shot}", "--window-size=1200,1600", page.resolve().as_uri()]
    env = {**os.environ, "HOME": str(tmp_path)}
    subprocess.run(cmd, capture_output=True, timeout=120, env=env, check=False)
    assert shot.exists() and shot.stat().st_size > 0, "Chromium wrote no screenshot"
    img = mpimg.imread(str(shot))[..., :3]
    assert img.shape[:2] == (1600, 1200)
    flat = (img.reshape(-1, 3) * 255).round().astype(int)
    colours = {tuple(c) for c in flat[:: 97]}
    non_white = (flat.min(axis=1) < 240).mean()
    assert len(colours) > 10, "the screenshot has (almost) one colour: blank"
    assert 0.01 < non_white < 0.9, f"{non_white:.3f} of the pixels are not white"
    green = ((flat[:, 1] > 100) & (flat[:, 0] < 60) & (flat[:, 2] < 90)).sum()  # the 'holds' badge, #1a7f37
    assert green > 50, "no verdict badge drawn"
