"""The ``exactloss`` command.

``exactloss check NAME [options] [--json]`` runs one check of the registry;
``exactloss check all`` runs every check on its default instances, prints a
table and exits non-zero if any verdict differs from the paper's;
``exactloss check list`` lists the checks (:mod:`.check`).  Other commands
(``grad``, ``verify``, ...) are registered by their modules in this package.

Exit status: 0 the check holds; 1 it fails or is undecided; 2 bad input (a
one-line ``error: ...`` on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from exactloss import __version__, registry
from exactloss.errors import ExactlossError
from exactloss.surfaces.cli.check import add_check_parsers, print_result, run_all, run_check

__all__ = ["build_parser", "main", "print_result", "run_all"]


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``exactloss``: ``check`` first, then every registered command by name."""
    parser = argparse.ArgumentParser(
        prog="exactloss",
        description="Exact and certified checks of Nguyen & Hein (2017), The Loss Surface of Deep and Wide Neural Networks.",
    )
    parser.add_argument("--version", action="version", version=f"exactloss {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    add_check_parsers(sub)
    for cmd in registry.commands():
        p = sub.add_parser(cmd.name, help=cmd.help, description=cmd.help)
        cmd.add_arguments(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """``exactloss ARGS...``: parse, run the command, and map errors to exit codes (never a traceback)."""
    debug = bool(os.environ.get("EXACTLOSS_DEBUG"))
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command == "check":
            return run_check(args)
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
