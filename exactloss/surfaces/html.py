"""A self-contained HTML report of checks: verdict, level and how we know, per result of Nguyen & Hein (2017).

:func:`render` turns :class:`ReportRow` records (one per check and instance) into ONE HTML page with no external
resource: inline CSS, a small inline script that filters the rows by verdict, level and text, and figures
inline (SVG, or PNG as a ``data:`` URI).  Each row shows the paper's result (linked to the paper,
arXiv:1704.08045, and named by its number there), the instance, the verdict and level as badges, the
statement, how we know (the reason), the failed hypothesis or the missing (undecided) premise, and the
clauses as a collapsible table.  Every text is HTML-escaped: statements, expressions and reasons come from
users' inputs.  The report only displays the results: nothing is recomputed, and no verdict or level is
changed.

``exactloss check all --html report.html`` writes :func:`check_all_rows`; ``exactloss certify ... --html
report.html`` writes :func:`certify_rows`.

>>> from exactloss.evidence import Result
>>> r = Result(result="Lemma 2.1", holds=True, level="proved", statement="<b>backprop</b>")
>>> page = render([row_from_result(r, check="lemma-2.1")], title="demo")
>>> "&lt;b&gt;backprop&lt;/b&gt;" in page and "<b>backprop" not in page
True
"""

from __future__ import annotations

import base64
import datetime
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any, Mapping, Sequence

from exactloss import registry
from exactloss.errors import InputError, UnknownNameError
from exactloss.evidence import LEVELS, Result, Verdict
from exactloss.net.files import output_path
from exactloss.surfaces.html_figures import sweep_svg

PAPER_URL = "https://arxiv.org/abs/1704.08045"
PAPER = "Q. Nguyen and M. Hein, The Loss Surface of Deep and Wide Neural Networks, ICML 2017 (arXiv:1704.08045)"
VERDICTS = ("holds", "fails", "undecided")
HOW = {"proved": "exact or symbolic arithmetic", "certified": "rigorous interval/ball bounds",
       "numerical": "floating point, no guarantee", None: "not decided"}


@dataclass(frozen=True)
class ReportRow:
    """One row of the report: a check on one instance, as its :class:`~exactloss.evidence.Result` says it.

    ``ok`` is whether the verdict is the one the paper predicts on this instance (``check all``), None when
    there is no expectation (``certify``).  ``figures`` are ``(caption, markup)`` pairs of inline SVG made by
    exactloss (:mod:`exactloss.surfaces.html_figures`) or ``data:image/png;base64,...`` URIs."""

    check: str
    paper: str
    holds: bool | None
    level: str | None
    instance: str = ""
    statement: str = ""
    reason: str = ""
    failed_hypothesis: str | None = None
    missing: str | None = None
    clauses: tuple[Verdict, ...] = ()
    ok: bool | None = None
    seconds: float = 0.0
    figures: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def verdict(self) -> str:
        return {True: "holds", False: "fails", None: "undecided"}[self.holds]


def paper_of(check: str) -> tuple[str, str]:
    """``(the paper's label, the check's summary)`` of a registered check name (``"lemma-3.5 (nearby)"`` reads
    as ``lemma-3.5``); the name itself and ``""`` when it is not registered."""
    base = check.split(" (")[0].strip()
    try:
        chk = registry.get(base)
    except UnknownNameError:
        return check, ""
    return chk.paper, chk.summary


def figures_of(result: Result) -> tuple[tuple[str, str], ...]:
    """The inline figures a result's evidence gives: the det E(alpha) sweep of Lemma 4.3 when it is recorded."""
    sweep = result.details.get("sweep") if isinstance(result.details, Mapping) else None
    svg = sweep_svg(sweep) if sweep is not None else ""
    return (("det E(alpha) along the sweep; red crosses: float64 returns 0 or the wrong sign", svg),) if svg else ()


def row_from_result(r: Result, check: str = "", paper: str | None = None, instance: str = "",
                    ok: bool | None = None, figures: bool = True) -> ReportRow:
    """The report row of a :class:`Result` (``figures``: draw the inline figures its evidence allows)."""
    source = r.source.get("check") if isinstance(r.source, Mapping) else None
    name = check or str(source or "")
    return ReportRow(check=name or r.result, paper=paper or r.result, holds=r.holds, level=r.level,
                     instance=instance, statement=r.statement, reason=r.reason,
                     failed_hypothesis=r.failed_hypothesis, missing=r.missing, clauses=tuple(r.clauses), ok=ok,
                     seconds=r.seconds, figures=figures_of(r) if figures else ())


def check_all_rows(rows: Sequence[Mapping[str, Any]], results: Mapping[int, Result]) -> list[ReportRow]:
    """The report rows of ``check all``: its table rows (dicts of :func:`~exactloss.surfaces.cli.check.run_all`)
    with the :class:`Result` of row ``i`` in ``results[i]`` (absent when the check raised an error)."""
    out = []
    for i, row in enumerate(rows):
        r = results.get(i)
        if r is not None:
            out.append(row_from_result(r, check=row["check"], paper=row["paper"], instance=row["instance"],
                                       ok=row["ok"]))
        else:
            out.append(ReportRow(check=row["check"], paper=row["paper"], holds=row["holds"], level=row["level"],
                                 instance=row["instance"], reason=row.get("reason", ""), ok=row["ok"],
                                 seconds=row.get("seconds", 0.0)))
    return out


def certify_rows(r: Result) -> list[ReportRow]:
    """The report rows of ``certify``: its summary, then one row per checker it ran (``details.checks``)."""
    inst = ", ".join(f"{k} = {v}" for k, v in r.instance.items()) if isinstance(r.instance, Mapping) else ""
    out = [row_from_result(r, check="certify", paper="certify (summary)", instance=inst)]
    quantitative = r.details.get("quantitative")
    for c in r.details.get("checks", ()):
        if not isinstance(c, Mapping):
            continue
        name = str(c.get("check", "?"))
        paper, summary = paper_of(name)
        clauses: tuple[Verdict, ...] = ()
        if "quantitative" in name and isinstance(quantitative, Mapping):
            clauses = tuple(Verdict(**v) for v in quantitative.get("clauses", ()) if isinstance(v, Mapping))
        out.append(ReportRow(check=name, paper=paper if "(" not in name else f"{paper} {name[name.index('('):]}",
                             holds=c.get("holds"), level=c.get("level"), instance=inst, statement=summary,
                             reason=str(c.get("reason") or c.get("note") or ""),
                             failed_hypothesis=c.get("failed_hypothesis"), missing=c.get("missing"),
                             clauses=clauses))
    return out


def png_data_uri(png: bytes) -> str:
    """A PNG image as a ``data:`` URI, to pass as the markup of a :class:`ReportRow` figure."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def html_path(path: Any) -> Path:
    """The report's file name checked before any work is done (``.html``/``.htm``, existing writable folder)."""
    return output_path(path, (".html", ".htm"), "--html")


def write(path: Any, rows: Sequence[ReportRow], title: str, summary: str = "") -> Path:
    """Write :func:`render` to ``path``; :class:`~exactloss.errors.InputError` when it cannot be written."""
    p = html_path(path)
    try:
        p.write_text(render(rows, title, summary), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"--html {p}: cannot write the report ({exc.strerror or exc})") from None
    return p


def _badge(kind: str, text: str) -> str:
    return f'<span class="badge {escape(kind)}">{escape(text)}</span>'


def _paper_link(paper: str) -> str:
    number = re.search(r"(Lemma|Theorem|Corollary|Definition|Assumption|Proposition|Figure|Section)\s+[\d.]+", paper)
    label = f"arXiv:1704.08045, {number.group(0)}" if number else "arXiv:1704.08045"
    return f'<a class="paper" href="{PAPER_URL}" title="{escape(PAPER)}">{escape(label)}</a>'


def _figure(caption: str, markup: str) -> str:
    if markup.startswith("data:image/png;base64,") and re.fullmatch(r"data:image/png;base64,[A-Za-z0-9+/=]*", markup):
        img = f'<img alt="{escape(caption)}" src="{markup}">'
    elif markup.startswith("<svg"):
        img = markup  # made by exactloss.surfaces.html_figures, its text escaped there
    else:
        return ""
    return f'<figure>{img}<figcaption>{escape(caption)}</figcaption></figure>'


def _row(i: int, r: ReportRow) -> str:
    level = r.level or "none"
    ok = "" if r.ok is None else ("ok" if r.ok else "bad")
    text = " ".join((r.check, r.paper, r.instance, r.statement, r.reason, r.failed_hypothesis or "",
                     r.missing or "")).lower()
    how = f"{r.level}: {HOW[r.level]}" if r.level in LEVELS else HOW[None]
    notes = [f'<p class="how"><b>How we know</b> ({escape(how)}): {escape(r.reason) or "&mdash;"}</p>']
    if r.failed_hypothesis:
        notes.append(f'<p class="hyp"><b>Failed hypothesis:</b> {escape(r.failed_hypothesis)}</p>')
    if r.missing:
        notes.append(f'<p class="missing"><b>Missing (undecided premise):</b> {escape(r.missing)}</p>')
    if r.clauses:
        body = "".join(f'<tr><td>{escape(c.claim)}</td><td>{_badge(c.verdict, c.verdict)}</td>'
                       f'<td>{_badge(c.level or "none", c.level or "undecided")}</td><td>{escape(c.reason)}</td></tr>'
                       for c in r.clauses)
        notes.append(f'<details class="clauses"><summary>{len(r.clauses)} clause(s)</summary><table>'
                     f'<tr><th>claim</th><th>verdict</th><th>level</th><th>reason</th></tr>{body}</table></details>')
    notes.extend(_figure(c, m) for c, m in r.figures)
    verdict = _badge(r.verdict, r.verdict) + (_badge("bad", "not as the paper predicts") if r.ok is False else "")
    return (f'<tr class="check" id="row-{i}" data-verdict="{r.verdict}" data-level="{escape(level)}" '
            f'data-ok="{ok}" data-text="{escape(text)}">'
            f'<td><b>{escape(r.paper)}</b><br><code>{escape(r.check)}</code><br>{_paper_link(r.paper)}</td>'
            f'<td>{escape(r.instance)}</td><td>{verdict}</td><td>{_badge(level, r.level or "undecided")}</td>'
            f'<td><p class="statement">{escape(r.statement)}</p>{"".join(notes)}</td>'
            f'<td class="num">{r.seconds:.2f}&nbsp;s</td></tr>')


def render(rows: Sequence[ReportRow], title: str, summary: str = "") -> str:
    """The report as one self-contained HTML page (no external resource but the links to the paper)."""
    counts = {v: sum(r.verdict == v for r in rows) for v in VERDICTS}
    bad = sum(r.ok is False for r in rows)
    tally = ", ".join(f"{n} {v}" for v, n in counts.items()) + (f"; {bad} not as the paper predicts" if bad else "")
    options = lambda vals: "".join(f'<option value="{v}">{v}</option>' for v in vals)  # noqa: E731
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{_CSS}</style></head>
<body>
<h1>{escape(title)}</h1>
<p class="summary">{escape(summary)}</p>
<p>{len(rows)} check(s): {escape(tally)}. Written {stamp}. The paper: <a class="paper" href="{PAPER_URL}">{escape(PAPER)}</a>.
Levels: <b>proved</b> (exact or symbolic arithmetic), <b>certified</b> (rigorous ball/interval bounds),
<b>numerical</b> (floating point, no guarantee); undecided is a verdict, not a guess.</p>
<form id="filters" onsubmit="return false">
<label>verdict <select id="f-verdict"><option value="">all</option>{options(VERDICTS)}</select></label>
<label>level <select id="f-level"><option value="">all</option>{options((*reversed(LEVELS), "none"))}</select></label>
<label>text <input id="f-text" type="search" placeholder="e.g. 4.3, softplus"></label>
<label><input id="f-bad" type="checkbox"> only rows not as the paper predicts</label>
<span id="shown"></span></form>
<table id="checks"><thead><tr><th>result</th><th>instance</th><th>verdict</th><th>level</th>
<th>statement, how we know, clauses</th><th>time</th></tr></thead>
<tbody>
{chr(10).join(_row(i, r) for i, r in enumerate(rows))}
</tbody></table>
<script>{_JS}</script>
</body></html>
"""


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em;color:#1f2328;background:#fff}
h1{font-size:1.4em;margin:0 0 .3em}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #d0d7de;padding:.4em .5em;text-align:left;vertical-align:top;font-size:.92em}
thead th{background:#f6f8fa;position:sticky;top:0}
td.num{text-align:right;white-space:nowrap}
.badge{display:inline-block;border-radius:1em;padding:.1em .6em;margin:.1em;font-size:.85em;font-weight:600;
 color:#fff;white-space:nowrap}
.holds{background:#1a7f37}.fails{background:#cf222e}.undecided{background:#9a6700}
.proved{background:#0550ae}.certified{background:#6639ba}.numerical{background:#6e7781}.none{background:#afb8c1}
.bad{background:#82071e}
.statement{margin:0 0 .3em;font-style:italic}.how,.hyp,.missing{margin:.2em 0}
.hyp{color:#82071e}.missing{color:#7d4e00}
details.clauses table{margin:.3em 0;background:#f6f8fa}
details.clauses td,details.clauses th{font-size:.85em}
#filters{margin:.8em 0;display:flex;gap:1em;flex-wrap:wrap;align-items:center}
figure{margin:.5em 0}figcaption{font-size:.85em;color:#57606a}
code{font-size:.9em}
"""

_JS = """
(function(){
  var v=document.getElementById('f-verdict'),l=document.getElementById('f-level'),
      t=document.getElementById('f-text'),b=document.getElementById('f-bad'),s=document.getElementById('shown');
  var rows=document.querySelectorAll('tr.check');
  function apply(){
    var q=t.value.trim().toLowerCase(),n=0;
    rows.forEach(function(r){
      var show=(!v.value||r.dataset.verdict===v.value)&&(!l.value||r.dataset.level===l.value)
        &&(!q||r.dataset.text.indexOf(q)>=0)&&(!b.checked||r.dataset.ok==='bad');
      r.style.display=show?'':'none'; if(show)n++;
    });
    s.textContent=n+' of '+rows.length+' shown';
  }
  [v,l,t,b].forEach(function(e){e.addEventListener('input',apply);e.addEventListener('change',apply);});
  apply();
})();
"""
