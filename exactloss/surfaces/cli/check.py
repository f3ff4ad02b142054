"""The ``exactloss check`` command: one check of the registry, ``all`` of them, or their ``list``.

``exactloss check NAME [options] [--json]`` runs one check (with ``--latex``, a
check that offers it prints only its LaTeX fragment, fitted to ``--latex-width``; ``--latex-standalone``
a compilable document around it); ``exactloss check all``
runs every check on its default instances, prints a table and exits non-zero if
any verdict differs from the paper's (``--json``: one record, with every
certificate, for ``exactloss verify``); ``exactloss check list`` lists the checks.
Exit status: 0 the check holds; 1 it fails or is undecided.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from exactloss import registry
from exactloss.arith import progress
from exactloss.errors import ExactlossError
from exactloss.evidence import Result, jsonable, weakest
from exactloss.surfaces import html as report_html
from exactloss.surfaces.cli.epilog import FORMATTER, check_examples, epilog
from exactloss.surfaces.cli.table import fit
from exactloss.surfaces.latex import document, fragment_width


def add_check_parsers(sub: Any) -> None:
    """The ``check`` sub-command and one sub-parser per registered check (its options, ``--json``)."""
    pc = sub.add_parser("check", help="replay a result of the paper (or 'all', or 'list')",
                        description="Replay a result of the paper on an instance.", formatter_class=FORMATTER,
                        epilog=epilog("exactloss check list", "exactloss check all",
                                      "exactloss check lemma-2.1 --widths 2,2,1 --samples 2 --json"))
    csub = pc.add_subparsers(dest="check", metavar="NAME")
    csub.required = True
    pa = csub.add_parser("all", help="run every check on its default instances (the main job)",
                         formatter_class=FORMATTER, epilog=epilog(
                             "exactloss check all", "exactloss check all --only lemma-2.1,lemma-4.3",
                             "exactloss check all --json > all.json && exactloss verify all.json"))
    pa.add_argument("--json", action="store_true", help="print one JSON object")
    pa.add_argument("--only", default=None, help="comma-separated check names to run")
    pa.add_argument("--html", default=None, metavar="PATH", help="also write a self-contained HTML report to PATH")
    pl = csub.add_parser("list", help="list the checks", formatter_class=FORMATTER,
                         epilog=epilog("exactloss check list", "exactloss check list --json"))
    pl.add_argument("--json", action="store_true", help="print one JSON object (every check and its options)")
    for chk in registry.checks():
        p = csub.add_parser(chk.name, help=f"{chk.paper}: {chk.summary}", description=f"{chk.paper}: {chk.summary}",
                            formatter_class=FORMATTER, epilog=epilog(*check_examples(chk)))
        for opt in chk.options:
            opt.add_to(p)
        if any(opt.dest == "latex" for opt in chk.options):
            add_latex_options(p)
        p.add_argument("--json", action="store_true", help="print one JSON object")


def add_latex_options(p: Any) -> None:
    """``--latex-width`` and ``--latex-standalone`` beside a check's ``--latex``."""
    p.add_argument("--latex-width", default=None, metavar="WIDTH",
                   help="with --latex: the width the fragment fits -- beamer, article, or a length such as 6.5in "
                        "(default: both a beamer frame and an article page); wider matrices show their first and "
                        "last rows and columns, longer lines continue on aligned lines")
    p.add_argument("--latex-standalone", nargs="?", const="article", default=None, choices=("article", "beamer"),
                   help="print a compilable document (article, or one beamer frame) around the --latex fragment")


def _kwargs(chk: registry.Check, args: argparse.Namespace) -> dict[str, Any]:
    out = {}
    for opt in chk.options:
        v = getattr(args, opt.dest, None)
        if v is not None and v is not False:
            out[opt.dest] = v
    return out


def print_result(r: Result, as_json: bool) -> None:
    """A result as its explanation (and time), or as one JSON object."""
    if as_json:
        print(json.dumps(r.to_json(), indent=2))
    else:
        print(r.explain())
        print(f"({r.seconds:.2f} s)")


def run_one(name: str, args: argparse.Namespace) -> int:
    """``exactloss check NAME``: the check on the parsed options; exit 0 when it holds."""
    chk = registry.get(name)
    standalone = getattr(args, "latex_standalone", None)
    if standalone:
        args.latex = True
    with fragment_width(getattr(args, "latex_width", None) or "fit"):
        r = chk.run(**_kwargs(chk, args))
        tex = r.details.get("latex") if getattr(args, "latex", False) and not args.json else None
        if isinstance(tex, str) and standalone:  # a whole document, ready for `> slide.tex; pdflatex slide`
            tex = document(tex, title=chk.paper, documentclass=standalone)
    if isinstance(tex, str):  # a check with --latex: the fragment alone, ready for `> slide.tex`
        print(tex)
    else:
        print_result(r, args.json)
    return 0 if r.holds else 1


def run_all(only: str | None = None, as_json: bool = False, out: Any = None, html: str | None = None) -> int:
    """``exactloss check all``: every registered check on its default instances (``html``: also the report)."""
    out = out or sys.stdout
    html_file = report_html.html_path(html) if html else None  # checked before the run, not after it
    results: dict[int, Result] = {}
    wanted = None if not only else {s.strip() for s in only.split(",") if s.strip()}
    rows = []
    failures = 0
    t_all = time.perf_counter()
    bar = progress.task("check all", sum(len(c.instances) for c in registry.checks()
                                         if wanted is None or c.name in wanted))
    for chk in registry.checks():
        if wanted is not None and chk.name not in wanted:
            continue
        for inst in chk.instances:
            t0 = time.perf_counter()
            try:
                with progress.task(chk.name):  # the check running now, shown beside the count
                    r = chk.run(**inst.kwargs)
                ok = r.holds is inst.expect
                row = {"check": chk.name, "paper": chk.paper, "instance": inst.row_label(),
                       "holds": r.holds, "expected": inst.expect, "level": r.level, "missing": r.missing, "ok": ok,
                       "seconds": round(time.perf_counter() - t0, 3), "reason": "" if ok else r.reason}
                if as_json:
                    row["record"] = r.to_json()  # the full certificate, for `exactloss verify`
                if html_file is not None:
                    results[len(rows)] = r
            except ExactlossError as exc:
                ok = False
                row = {"check": chk.name, "paper": chk.paper, "instance": inst.row_label(),
                       "holds": None, "expected": inst.expect, "level": None, "missing": None, "ok": False,
                       "seconds": round(time.perf_counter() - t0, 3), "reason": f"error: {exc}"}
            failures += not ok
            rows.append(row)
            progress.clear()  # erase a bar on the terminal before the row is written
            if not as_json:
                verdict = {True: "holds", False: "fails", None: "undecided"}[row["holds"]]
                mark = "ok " if ok else "BAD"
                print(f"{mark} {row['paper']:<16} {row['instance'][:44]:<44} {verdict:<9} {str(row['level']):<9} "
                      f"{row['seconds']:7.2f} s", file=out)
                if row["missing"]:
                    print("\n".join(fit("    missing (undecided premise): ", row["missing"], indent=6)), file=out)
                if not ok:
                    print("\n".join(fit("    ", row["reason"])), file=out)
                out.flush()
            bar.advance()
    bar.close()
    total = time.perf_counter() - t_all
    if html_file is not None:
        written = report_html.write(html_file, report_html.check_all_rows(rows, results), "exactloss check all",
                                    f"{len(rows) - failures} passed, {failures} failed ({total:.1f} s)")
        print(f"wrote {written}", file=sys.stderr)
    if as_json:
        rec = {"format": "exactloss-result", "version": 1, "result": "check all", "holds": failures == 0,
               "level": weakest(*(r["level"] for r in rows)) if rows else None, "seconds": round(total, 3),
               "instance": {"checks": len(rows)}, "details": {"checks": rows},
               "source": {"check": "all", "arguments": {"only": only}}}  # which rows `exactloss verify` expects
        print(json.dumps(jsonable(rec), indent=2), file=out)
    else:
        print(f"{len(rows) - failures} passed, {failures} failed ({total:.1f} s)", file=out)
    return 0 if failures == 0 else 1


def run_check(args: argparse.Namespace) -> int:
    """``exactloss check all``, ``exactloss check list`` or ``exactloss check NAME``, from the parsed arguments."""
    if args.check == "all":
        return run_all(args.only, args.json, html=getattr(args, "html", None))
    if args.check == "list":
        if args.json:  # every check, its paper label and the options it takes (xl.check keywords, CLI flags)
            print(json.dumps({"format": "exactloss-checks", "version": 1, "checks": [
                {"name": c.name, "paper": c.paper, "summary": c.summary,
                 "options": [{"flag": o.flag, "keyword": o.dest, "default": o.default, "help": o.help}
                             for o in c.options]} for c in registry.checks()]}, indent=2, default=str))
            return 0
        for chk in registry.checks():
            print("\n".join(fit(f"{chk.name:<20} {chk.paper:<16} ", chk.summary)))
        return 0
    return run_one(args.check, args)
