"""The ``exactloss certify`` command: every applicable theorem checker on a user's network and data.

The mathematics is :func:`exactloss.paper.certify.certify`; this module reads the options and prints the
summary, one row per check, and the certified loss bound of the quantitative Lemma 3.5 (``--json``: the
result as one JSON object).  Exit status 0 when something holds, 1 otherwise.
"""

from __future__ import annotations

import json
from typing import Any

from exactloss.paper.certify import certify
from exactloss.registry import register_command


def _certify_args(p: Any) -> None:
    p.add_argument("--params", required=True, help="parameter file (.json or .npz)")
    p.add_argument("--data", required=True, help="data file (.json or .npz) with X and Y")
    p.add_argument("--activation", default="sigmoid", help="activation (default: sigmoid)")
    p.add_argument("--loss", default="squared", help="loss (default: squared)")
    p.add_argument("--layer", type=int, default=None, help="the layer k of Lemma 3.5 / Theorem 3.8")
    p.add_argument("--numbers", default="ball", choices=("exact", "ball", "float"), help="number system (default: ball)")
    p.add_argument("--digits", type=int, default=40, help="ball precision in decimal digits (default: 40)")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def _certify_run(args: Any) -> int:
    r = certify(args.params, args.data, args.activation, args.loss, args.layer, args.numbers, args.digits)
    if args.json:
        print(json.dumps(r.to_json(), indent=2))
        return 0 if r.holds else 1
    print(f"certify: {r.outcome} -- {r.reason}  [{r.level or 'nothing certified'}]")
    print("  (proved: exact arithmetic; certified: ball arithmetic; numerical: no guarantee)")
    for c in r.details["checks"]:
        verdict = {True: "holds", False: "fails", None: "undecided"}[c["holds"]]
        extra = (f"(missing: {c['missing']})" if c.get("missing") else
                 c.get("failed_hypothesis") or c.get("note") or "")
        print(f"  {c['check']:<26} {verdict:<9} {str(c.get('level')):<10} {extra}")
    if r.details.get("loss_bound") is not None:
        print(f"  loss bound (Phi - min Phi <= Phi <=): {r.details['loss_bound']:.6g}")
    return 0 if r.holds else 1


register_command("certify", "run every applicable theorem checker on your network and data (and the certified "
                 "loss bound of the quantitative Lemma 3.5)", _certify_args, _certify_run)
