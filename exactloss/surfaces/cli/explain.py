"""The ``exactloss explain RESULT.json`` command: a saved result's explanation, nothing recomputed.

``exactloss explain RESULT.json`` re-reads a result saved with ``--json`` and
prints its human explanation -- nothing is recomputed, so it is instant and
works on any machine.  Bad input (a missing or unreadable file, a file that is
not exactloss JSON, a record from a newer format version) is a one-line
``error: ...`` and exit status 2; the reading is :func:`exactloss.surfaces.report.load_result`.
Exit status 0 once the file was read and explained, whatever its verdict: a
saved verdict is reported, not re-established (``exactloss verify`` re-checks).
"""

from __future__ import annotations

import json
from typing import Any

from exactloss.registry import register_command
from exactloss.surfaces.report import explain, load_result


def _explain_args(p: Any) -> None:
    p.add_argument("path", metavar="RESULT.json",
                   help="a result saved with `exactloss check NAME --json > RESULT.json` ('-' reads standard input)")
    p.add_argument("--json", action="store_true", help="print the record read, as one JSON object (validated)")


def _explain_run(args: Any) -> int:
    r = load_result(args.path)
    if getattr(args, "json", False):
        print(json.dumps(r.to_json(), indent=2))
        return 0
    print(explain(r))
    where = "standard input" if str(args.path) == "-" else args.path
    print(f"(saved result read from {where}; nothing was recomputed)")
    return 0


register_command("explain", "re-read a saved --json result and print its explanation (nothing is recomputed)",
                 _explain_args, _explain_run,
                 examples=("exactloss check lemma-4.3 --json > r.json && exactloss explain r.json",
                           "exactloss check lemma-2.1 --json | exactloss explain -"))
