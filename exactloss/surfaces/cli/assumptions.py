"""The ``exactloss assumptions`` command: Assumptions 3.2 clause by clause for an activation, a loss and data.

``exactloss assumptions --activation A --loss L [--data FILE] [--json]`` prints one row per clause
(clause, verdict, level, reason) of :func:`exactloss.paper.assumption_3_2.assumption_3_2`; exit 0 when
every part holds, 1 when one fails or is undecided, 2 on bad input.
"""

from __future__ import annotations

import json
import textwrap
import time
from typing import Any

from exactloss.evidence import Result
from exactloss.paper.assumption_3_2 import assumption_3_2
from exactloss.registry import register_command
from exactloss.surfaces.cli.table import WIDTH, fit


def _assumptions_args(p: Any) -> None:
    p.add_argument("--activation", default="sigmoid",
                   help="activation: sigmoid, tanh, softplus[:alpha=A], identity, relu, or an expression in t "
                        "(default: sigmoid)")
    p.add_argument("--loss", default="squared",
                   help="loss: squared, pseudo-huber, blake-zisserman, corrupted-gaussian, cauchy, l1, l2, or an "
                        "expression in a; 'none' to skip (default: squared)")
    p.add_argument("--data", default=None, help="data file (.json or .npz) with X: checks Assumption 3.2.1")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def format_table(r: Result, width: int = WIDTH) -> str:
    """The per-clause table: clause, verdict, level, and the reason below (at most three lines of ``width``
    columns; the whole reason is in ``--json``)."""
    rows = [(c.claim, c.verdict, c.level or "-", c.reason) for c in r.clauses]
    w0 = min(width - 22, max(len("clause"), *(len(x[0]) for x in rows)))
    lines = [f"{'clause':<{w0}}  {'verdict':<9}  level", "    reason", "-" * width]
    for claim, verdict, level, reason in rows:
        claim_lines = textwrap.wrap(claim, w0, subsequent_indent="  ") or [""]
        lines.append(f"{claim_lines[0]:<{w0}}  {verdict:<9}  {level:<9}".rstrip())
        lines += claim_lines[1:]
        lines += fit("    ", reason, width, max_lines=3)
    extra = []
    d = r.details.get("Assumption 3.2.2", {})
    if d.get("mu") is not None or d.get("gamma") is not None:
        extra.append(f"mu = {d.get('mu')}, gamma = {d.get('gamma')}")
    if "rho" in d:
        extra.append("rho_1..rho_4 = " + ", ".join(str(v) for v in d["rho"].values()))
    lines.append("")
    lines += fit("", f"{r.result}: {r.verdict}" + (f" [{r.level}]" if r.level else "") + f" -- {r.reason}",
                 width, indent=2)
    lines += [ln for e in extra for ln in fit("", e, width, indent=2)]
    return "\n".join(lines)


def _assumptions_run(args: Any) -> int:
    t0 = time.perf_counter()
    loss = None if str(args.loss).strip().lower() in ("none", "") else args.loss
    r = assumption_3_2(args.activation, loss, args.data).with_seconds(time.perf_counter() - t0)
    if args.json:
        print(json.dumps(r.to_json(), indent=2))
    else:
        print(format_table(r))
    return 0 if r.holds is True else 1


register_command("assumptions", "check Assumptions 3.2 clause by clause for an activation, a loss and data",
                 _assumptions_args, _assumptions_run,
                 examples=('exactloss assumptions --activation "atan(t)" --loss cauchy',
                           "exactloss assumptions --activation relu --loss squared --json"))
