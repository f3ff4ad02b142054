"""Registration of the ``exactloss explain`` command (issue 8: the user-facing surfaces).

``exactloss explain RESULT.json`` re-reads a result saved with ``--json`` and
prints its human explanation -- nothing is recomputed, so it is instant and
works on any machine.  Bad input (a missing or unreadable file, a file that is
not exactloss JSON, a record from a newer format version) is a one-line
``error: ...`` and exit status 2; the reading is :func:`exactloss.report.load_result`.
Exit status 0 once the file was read and explained, whatever its verdict: a
saved verdict is reported, not re-established (``exactloss verify`` re-checks).
"""

from __future__ import annotations

from typing import Any

from .registry import register_command


def _explain_args(p: Any) -> None:
    p.add_argument("path", metavar="RESULT.json",
                   help="a result saved with `exactloss check NAME --json > RESULT.json` ('-' reads standard input)")


def _explain_run(args: Any) -> int:
    from .report import explain, load_result

    r = load_result(args.path)
    print(explain(r))
    where = "standard input" if str(args.path) == "-" else args.path
    print(f"(saved result read from {where}; nothing was recomputed)")
    return 0


register_command("explain", "re-read a saved --json result and print its explanation (nothing is recomputed)",
                 _explain_args, _explain_run)


def _verify_args(p: Any) -> None:
    p.add_argument("path", metavar="RESULT.json", help="a result saved with --json (also a `check all --json` record)")
    p.add_argument("--digits", type=int, default=60, help="precision of the re-check in decimal digits (default: 60)")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def _verify_run(args: Any) -> int:
    import json

    from .verify import verify

    r = verify(args.path, args.digits)
    if args.json:
        print(json.dumps(r.to_json(), indent=2))
    else:
        print(("verified: " if r.holds else "NOT verified: ") + r.reason)
        for c in r.clauses:
            print(f"  {'ok ' if c.holds else 'BAD'} {c.claim}: {c.reason}")
    return 0 if r.holds else 1


register_command("verify", "re-check a saved --json certificate at higher precision, without trusting its verdict",
                 _verify_args, _verify_run)
