"""The ``exactloss verify RESULT.json`` command: re-derive a saved record without trusting it.

The verification is :func:`exactloss.surfaces.verify.verify`: the check is
replayed from the record's ``source`` at the saved and at a higher precision,
every claim field compared, and a dedicated re-certification run where one is
registered.  Exit status 0 verified; 1 NOT verified (the fields that differ are
named); 2 not an exactloss record, or a bad option (a one-line ``error: ...``).
"""

from __future__ import annotations

import json
import math
from typing import Any

from exactloss.errors import InputError
from exactloss.registry import register_command
from exactloss.surfaces.record_diff import RTOL
from exactloss.surfaces.replays import TIMEOUT
from exactloss.surfaces.verify import verify


def _verify_args(p: Any) -> None:
    p.add_argument("path", metavar="RESULT.json", help="a result saved with --json (also a `check all --json` record)")
    p.add_argument("--digits", type=int, default=60,
                   help="precision of the higher-precision replay in decimal digits (default: 60, at least 3/2 x "
                        "the saved precision)")
    p.add_argument("--rtol", type=float, default=None,
                   help="relative tolerance for floating-point values in the record (default: 1e-9)")
    p.add_argument("--timeout", type=float, default=None,
                   help="seconds allowed for each replay before it is killed (default: 120)")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def _verify_run(args: Any) -> int:
    """``exactloss verify``: exit 0 verified, 1 NOT verified (naming the fields), 2 not an exactloss record."""
    rtol = RTOL if args.rtol is None else args.rtol
    timeout = TIMEOUT if args.timeout is None else args.timeout
    if not (math.isfinite(rtol) and 0 <= rtol < 1):
        raise InputError(f"--rtol {args.rtol}: give a relative tolerance in [0, 1), e.g. 1e-9")
    if not (math.isfinite(timeout) and timeout > 0):
        raise InputError(f"--timeout {args.timeout}: give a positive number of seconds, e.g. 120")
    if not 5 <= args.digits <= 2000:
        raise InputError(f"--digits {args.digits}: give a precision between 5 and 2000 decimal digits")
    r = verify(args.path, args.digits, rtol=rtol, timeout=timeout)
    if args.json:
        print(json.dumps(r.to_json(), indent=2))
    else:
        print(("verified: " if r.holds else "NOT verified: ") + r.reason)
        for c in r.clauses:
            if r.holds or not c.holds:  # a failed verification lists only what failed
                print(f"  {'ok ' if c.holds else 'BAD'} {c.claim}: {c.reason}")
    return 0 if r.holds else 1


register_command("verify", "re-derive a saved --json record (replay at the saved and a higher precision) and "
                 "compare every claim field, without trusting its verdict", _verify_args, _verify_run,
                 examples=("exactloss check lemma-4.3 --json > r.json && exactloss verify r.json",
                           "exactloss check all --json > all.json && exactloss verify all.json --json"))
