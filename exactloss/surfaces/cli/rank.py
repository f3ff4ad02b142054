"""The ``exactloss rank`` command: ``rank([F_k, 1_N]) = N`` (or ``rank(W_l) = n_l``) with a certified ``sigma_min``.

``exactloss rank --params P --data D --layer k [--numbers float|ball|exact] [--json]`` prints the verdict of
:func:`exactloss.paper.rank_at_scale.certify_rank` (Lemma 3.5(1), Lemma 4.3/4.4's object) and the certified
lower bound of ``sigma_min([F_k, 1_N])``; ``--weights l`` certifies ``rank(W_l) = n_l`` instead.
"""

from __future__ import annotations

import json
from typing import Any

from exactloss.paper.rank_at_scale import certify_rank
from exactloss.registry import PARAMS_HELP, register_command


def _rank_args(p: Any) -> None:
    p.add_argument("--params", required=True, help=PARAMS_HELP)
    p.add_argument("--data", required=True, help="data file (.json or .npz) with X")
    p.add_argument("--layer", type=int, default=None, help="k: certify rank [F_k, 1_N] = N")
    p.add_argument("--weights", type=int, default=None, help="l: certify rank W_l = n_l instead")
    p.add_argument("--activation", default="sigmoid", help="activation (default: sigmoid)")
    p.add_argument("--numbers", default="float", choices=("float", "ball", "exact"),
                   help="float: verified float64 bounds (fast, large N); ball: arb (exact F_k, slower); "
                        "exact: rationals (rational activations only) (default: float)")
    p.add_argument("--digits", type=int, default=40, help="ball precision in decimal digits (default: 40)")
    p.add_argument("--no-forward-bound", action="store_true",
                   help="float: skip the forward-error transfer; the statement about the exact matrix is then "
                        "undecided and only the float64-matrix fact is reported (details.float_matrix)")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def _rank_run(args: Any) -> int:
    r = certify_rank(args.params, args.data, args.layer, args.activation, args.numbers, args.digits,
                     args.weights, not args.no_forward_bound)
    if args.json:
        print(json.dumps(r.to_json(), indent=2))
    else:
        print(r.explain())
        if r.details.get("sigma_min_lower") is not None:
            print(f"sigma_min lower bound: {r.details['sigma_min_lower']:.6e}")
        print(f"({r.seconds:.2f} s)")
    return 0 if r.holds else 1


register_command("rank", "certify rank [F_k, 1_N] = N (or rank W_l = n_l) with a certified sigma_min lower bound",
                 _rank_args, _rank_run,
                 examples=("exactloss example ex && exactloss rank --params ex/P.npz --data ex/D.npz --layer 1",
                           "exactloss rank --params ex/P.json --data ex/D.json --weights 2 --numbers ball --json"))
