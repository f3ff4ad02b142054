"""The scale demo on data no one here made: scikit-learn's digits (N = 1797), wide beside narrow.

Needs the optional extra: ``pip install -e ".[data]"`` (scikit-learn, tqdm).  Usage::

    python benchmarks/digits_demo.py                  # digits, N = 1797 (about a minute)
    python benchmarks/digits_demo.py --data iris      # or wine, breast_cancer, synthetic
    python benchmarks/digits_demo.py --samples 500    # a seeded subset

Same as ``exactloss demo --data digits``.
"""

import argparse
import json
import sys

from exactloss.paper.lemma_3_5.at_scale import scale_demo


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="digits", help="digits, iris, wine, breast_cancer or synthetic")
    ap.add_argument("--samples", type=int, default=None, help="a seeded subset of this size")
    ap.add_argument("--narrow", type=int, default=32, help="width of the narrow network")
    ap.add_argument("--maxiter", type=int, default=200, help="L-BFGS iterations")
    ap.add_argument("--json", default=None, help="write the figures to this file")
    args = ap.parse_args(argv)
    res = scale_demo(args.data, args.samples, args.narrow, args.maxiter)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
