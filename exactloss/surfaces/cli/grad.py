"""The ``exactloss grad`` command: Phi and every gradient of Lemma 2.1 at given parameters and data.

The values are :func:`exactloss.paper.lemma_2_1.gradients`'s, in the number system asked for (``exact``
proves them, ``ball`` certifies enclosures, ``mpmath``/``float`` are numerical); this module reads the options
and prints them (``--json``: the result as one JSON object).  Exit status 0 when every value is finite.
"""

from __future__ import annotations

import json
import time
from typing import Any

from exactloss.paper.lemma_2_1 import gradients
from exactloss.registry import PARAMS_HELP, register_command


def _grad_args(p: Any) -> None:
    p.add_argument("--params", required=True, help=PARAMS_HELP)
    p.add_argument("--data", required=True, help="data file (.json or .npz) with X and Y")
    p.add_argument("--activation", default="sigmoid", help="activation (default: sigmoid)")
    p.add_argument("--loss", default="squared", help="loss (default: squared)")
    p.add_argument("--numbers", default="ball", choices=("exact", "ball", "mpmath", "float"),
                   help="number system (default: ball)")
    p.add_argument("--digits", type=int, default=40, help="precision in decimal digits for ball/mpmath (default: 40)")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def _grad_run(args: Any) -> int:
    t0 = time.perf_counter()
    r = gradients(args.params, args.data, args.activation, args.loss, args.numbers, args.digits)
    r = r.with_seconds(time.perf_counter() - t0)
    if args.json:
        print(json.dumps(r.to_json(), indent=2))
        return 0 if r.holds else 1
    print(f"Phi = {r.details['phi']}   [{r.level or 'undecided'}]")
    if r.holds is None:
        print(f"undecided: {r.reason}")
    for name, g in r.details["grad"].items():
        print(f"grad {name}:")
        rows = g if isinstance(g[0], list) else [g]
        for row in rows:
            print("  " + "  ".join(str(v) for v in row))
    return 0 if r.holds else 1


register_command("grad", "Phi and every gradient of Lemma 2.1 at given parameters and data", _grad_args, _grad_run,
                 examples=("exactloss example ex && exactloss grad --params ex/P.json --data ex/D.json",
                           "exactloss grad --params ex/P.json --data ex/D.json --numbers exact --json"))
