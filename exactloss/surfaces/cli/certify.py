"""The ``exactloss certify`` command: every applicable theorem checker on a user's network and data.

The mathematics is :func:`exactloss.paper.certify.certify`; this module reads the options and prints the
summary, one row per check, and the certified loss bound of the quantitative Lemma 3.5 (``--json``: the
result as one JSON object).  Exit status 0 when something holds, 1 otherwise.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from exactloss.paper.certify import certify
from exactloss.paper.instances import DEFAULT_ACTIVATION
from exactloss.registry import PARAMS_HELP, register_command
from exactloss.surfaces.cli.table import fit
from exactloss.surfaces import html as report_html


def _certify_args(p: Any) -> None:
    p.add_argument("--params", required=True, help=PARAMS_HELP)
    p.add_argument("--data", required=True, help="data file (.json or .npz) with X and Y")
    p.add_argument("--activation", default=DEFAULT_ACTIVATION,
                   help=f"activation (default: {DEFAULT_ACTIVATION}, as for check NAME --params/--data)")
    p.add_argument("--loss", default="squared", help="loss (default: squared)")
    p.add_argument("--layer", type=int, default=None, help="the layer k of Lemma 3.5 / Theorem 3.8")
    p.add_argument("--numbers", default="ball", choices=("exact", "ball", "float"), help="number system (default: ball)")
    p.add_argument("--digits", type=int, default=40, help="ball precision in decimal digits (default: 40)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--html", default=None, metavar="PATH", help="also write a self-contained HTML report to PATH")


def _certify_run(args: Any) -> int:
    html_file = report_html.html_path(args.html) if getattr(args, "html", None) else None
    r = certify(args.params, args.data, args.activation, args.loss, args.layer, args.numbers, args.digits)
    if html_file is not None:
        written = report_html.write(html_file, report_html.certify_rows(r), "exactloss certify",
                                    f"certify: {r.outcome} -- {r.reason}")
        print(f"wrote {written}", file=sys.stderr)
    if args.json:
        print(json.dumps(r.to_json(), indent=2))
        return 0 if r.holds else 1
    print("\n".join(table_lines(r)))
    return 0 if r.holds else 1


def table_lines(r: Any) -> list[str]:
    """The summary and one row per check (check, verdict, level, what failed or is missing), every line at
    most :data:`~exactloss.surfaces.cli.table.WIDTH` columns; a check that does not apply reads ``n/a``, a
    missing level ``-`` (never Python's ``None``)."""
    lines = fit("certify: ", f"{r.outcome} -- {r.reason}  [{r.level or 'nothing certified'}]", indent=2)
    lines.append("  (proved: exact arithmetic; certified: ball arithmetic; numerical: no guarantee)")
    lines.append(f"  {'check':<31} {'verdict':<9} {'level':<10} failed hypothesis / missing premise / note")
    for c in r.details["checks"]:
        note = c.get("note") or ""
        verdict = ("n/a" if c["holds"] is None and note.startswith("not applicable") else
                   {True: "holds", False: "fails", None: "undecided"}[c["holds"]])
        extra = (f"(missing: {c['missing']})" if c.get("missing") else c.get("failed_hypothesis") or note)
        if verdict == "n/a":
            extra = extra.removeprefix("not applicable: ")
        lines += fit(f"  {c['check']:<31} {verdict:<9} {c.get('level') or '-':<10} ", extra)
    if r.details.get("loss_bound") is not None:
        lines.append(f"  loss bound (Phi - min Phi <= Phi <=): {r.details['loss_bound']:.6g}")
    return lines


register_command("certify", "run every applicable theorem checker on your network and data (and the certified "
                 "loss bound of the quantitative Lemma 3.5)", _certify_args, _certify_run,
                 examples=("exactloss example ex", "exactloss certify --params ex/P.json --data ex/D.json",
                           "exactloss certify --params ex/P.json --data ex/D.json --json > cert.json"))
