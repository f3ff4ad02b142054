"""The ``exactloss`` command.

``exactloss check NAME [options] [--json]`` runs one check of the registry;
``exactloss check all`` runs every check on its default instances, prints a
table and exits non-zero if any verdict differs from the paper's;
``exactloss check list`` lists the checks.  Other commands (``grad``, ...) are
registered by their modules.

Exit status: 0 the check holds; 1 it fails or is undecided; 2 bad input (a
one-line ``error: ...`` on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any, Sequence

from exactloss import registry
from exactloss.errors import ExactlossError
from exactloss.evidence import Result, jsonable, weakest


def _add_check_parsers(sub: Any) -> None:
    pc = sub.add_parser("check", help="replay a result of the paper (or 'all', or 'list')",
                        description="Replay a result of the paper on an instance.")
    csub = pc.add_subparsers(dest="check", metavar="NAME")
    csub.required = True
    pa = csub.add_parser("all", help="run every check on its default instances (the main job)")
    pa.add_argument("--json", action="store_true", help="print one JSON object")
    pa.add_argument("--only", default=None, help="comma-separated check names to run")
    csub.add_parser("list", help="list the checks")
    for chk in registry.checks():
        p = csub.add_parser(chk.name, help=f"{chk.paper}: {chk.summary}", description=f"{chk.paper}: {chk.summary}")
        for opt in chk.options:
            opt.add_to(p)
        p.add_argument("--json", action="store_true", help="print one JSON object")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="exactloss",
        description="Exact and certified checks of Nguyen & Hein (2017), The Loss Surface of Deep and Wide Neural Networks.",
    )
    from exactloss import __version__

    parser.add_argument("--version", action="version", version=f"exactloss {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    _add_check_parsers(sub)
    for cmd in registry.commands():
        p = sub.add_parser(cmd.name, help=cmd.help, description=cmd.help)
        cmd.add_arguments(p)
    return parser


def _kwargs(chk: registry.Check, args: argparse.Namespace) -> dict[str, Any]:
    out = {}
    for opt in chk.options:
        v = getattr(args, opt.dest, None)
        if v is not None and v is not False:
            out[opt.dest] = v
    return out


def print_result(r: Result, as_json: bool) -> None:
    if as_json:
        print(json.dumps(r.to_json(), indent=2))
    else:
        print(r.explain())
        print(f"({r.seconds:.2f} s)")


def _run_one(name: str, args: argparse.Namespace) -> int:
    chk = registry.get(name)
    r = chk.run(**_kwargs(chk, args))
    tex = r.details.get("latex") if getattr(args, "latex", False) and not args.json else None
    if isinstance(tex, str):  # a check with --latex: the fragment alone, ready for `> slide.tex`
        print(tex)
    else:
        print_result(r, args.json)
    return 0 if r.holds else 1


def run_all(only: str | None = None, as_json: bool = False, out: Any = None) -> int:
    """``exactloss check all``: every registered check on its default instances."""
    out = out or sys.stdout
    wanted = None if not only else {s.strip() for s in only.split(",") if s.strip()}
    rows = []
    failures = 0
    t_all = time.perf_counter()
    for chk in registry.checks():
        if wanted is not None and chk.name not in wanted:
            continue
        for inst in chk.instances:
            t0 = time.perf_counter()
            try:
                r = chk.run(**inst.kwargs)
                ok = r.holds is inst.expect
                row = {"check": chk.name, "paper": chk.paper, "instance": inst.label or _label(inst.kwargs),
                       "holds": r.holds, "expected": inst.expect, "level": r.level, "missing": r.missing, "ok": ok,
                       "seconds": round(time.perf_counter() - t0, 3), "reason": "" if ok else r.reason}
                if as_json:
                    row["record"] = r.to_json()  # the full certificate, for `exactloss verify`
            except ExactlossError as exc:
                ok = False
                row = {"check": chk.name, "paper": chk.paper, "instance": inst.label or _label(inst.kwargs),
                       "holds": None, "expected": inst.expect, "level": None, "missing": None, "ok": False,
                       "seconds": round(time.perf_counter() - t0, 3), "reason": f"error: {exc}"}
            failures += not ok
            rows.append(row)
            if not as_json:
                verdict = {True: "holds", False: "fails", None: "undecided"}[row["holds"]]
                mark = "ok " if ok else "BAD"
                print(f"{mark} {row['paper']:<16} {row['instance'][:44]:<44} {verdict:<9} {str(row['level']):<9} "
                      f"{row['seconds']:7.2f} s", file=out)
                if row["missing"]:
                    print(f"    missing (undecided premise): {row['missing']}", file=out)
                if not ok:
                    print(f"    {row['reason']}", file=out)
                out.flush()
    total = time.perf_counter() - t_all
    if as_json:
        rec = {"format": "exactloss-result", "version": 1, "result": "check all", "holds": failures == 0,
               "level": weakest(*(r["level"] for r in rows)) if rows else None, "seconds": round(total, 3),
               "instance": {"checks": len(rows)}, "details": {"checks": rows},
               "source": {"check": "all", "arguments": {"only": only}}}  # which rows `exactloss verify` expects
        print(json.dumps(jsonable(rec), indent=2), file=out)
    else:
        print(f"{len(rows) - failures} passed, {failures} failed ({total:.1f} s)", file=out)
    return 0 if failures == 0 else 1


def _label(kwargs: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in kwargs.items()) or "default"


def main(argv: Sequence[str] | None = None) -> int:
    debug = bool(os.environ.get("EXACTLOSS_DEBUG"))
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command == "check":
            if args.check == "all":
                return run_all(args.only, args.json)
            if args.check == "list":
                for chk in registry.checks():
                    print(f"{chk.name:<20} {chk.paper:<16} {chk.summary}")
                return 0
            return _run_one(args.check, args)
        for cmd in registry.commands():
            if cmd.name == args.command:
                return int(cmd.run(args) or 0)
        parser.error(f"unknown command {args.command}")  # pragma: no cover
        return 2
    except ExactlossError as exc:
        if debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `exactloss check all | head`
        return 0
    except Exception as exc:  # never a traceback for the user; EXACTLOSS_DEBUG=1 shows it
        if debug:
            raise
        print(f"internal error: {type(exc).__name__}: {exc} (please report; EXACTLOSS_DEBUG=1 shows the traceback)",
              file=sys.stderr)
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
