"""The ``exactloss demo`` command: Lemma 3.5 seen at scale, a wide and a narrow network trained on real data.

Prints the side-by-side summary of :func:`exactloss.paper.lemma_3_5.at_scale.scale_demo`: the certified rank
of ``[F_1, 1_N]`` and the quantitative Lemma 3.5 bound of the wide network (``n_1 = N``), and the narrow one
whose condition (1) fails by shape (float path).
"""

from __future__ import annotations

import io
import json
from typing import Any

from exactloss.evidence import jsonable
from exactloss.paper.lemma_3_5.at_scale import scale_demo
from exactloss.registry import register_command


def _demo_args(p: Any) -> None:
    p.add_argument("--data", default="digits", help="digits (default), iris, wine, breast_cancer or synthetic; "
                                                    "the scikit-learn sets need pip install -e \".[data]\"")
    p.add_argument("--samples", type=int, default=None, help="a seeded subset of this size")
    p.add_argument("--narrow", type=int, default=32, help="width of the narrow network (default: 32)")
    p.add_argument("--maxiter", type=int, default=200, help="L-BFGS iterations (default: 200)")
    p.add_argument("--json", action="store_true", help="print one JSON object (both networks, both Lemma 3.5 results)")


def _demo_run(args: Any) -> int:
    if getattr(args, "json", False):  # the summary table is not printed; the returned figures are
        res = scale_demo(args.data, args.samples, args.narrow, args.maxiter, out=io.StringIO())
        print(json.dumps(jsonable({"format": "exactloss-demo", "version": 1, **res}), indent=2))
        return 0
    scale_demo(args.data, args.samples, args.narrow, args.maxiter)
    return 0


register_command("demo", "the scale demo: a wide (n_1 = N) and a narrow network trained on real data, with the "
                 "certified rank of [F_1, 1_N] and the quantitative Lemma 3.5 bound (float path)", _demo_args, _demo_run,
                 examples=("exactloss demo", "exactloss demo --data synthetic --samples 200",
                           "exactloss demo --samples 300 --json > demo.json"))
