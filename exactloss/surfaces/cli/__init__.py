"""The ``exactloss`` command.

``exactloss check NAME [options] [--json]`` runs one check of the registry;
``exactloss check all`` runs every check on its default instances, prints a
table and exits non-zero if any verdict differs from the paper's;
``exactloss check list`` lists the checks (:mod:`.check`).  Other commands
(``grad``, ``verify``, ...) are registered by their modules in this package.

Exit status: 0 the check holds; 1 it fails or is undecided (the same code: ``--json``
says ``"holds": false`` or ``null``); 2 bad input (a one-line ``error: ...`` on
stderr, never a traceback); 3 an internal error (:data:`.epilog.EXIT_CODES`).
``python -m exactloss`` is the same command.

Long work shows a progress bar on stderr when stderr is a terminal (:mod:`exactloss.surfaces.progressbar`);
``--quiet`` (before or after the command) turns it off; stdout is never touched by it.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from exactloss import __version__, registry
from exactloss.errors import ExactlossError
from exactloss.surfaces.cli.check import add_check_parsers, print_result, run_all, run_check
from exactloss.surfaces.cli.epilog import FORMATTER, epilog
from exactloss.surfaces.progressbar import install as progress_bar_on_stderr

__all__ = ["build_parser", "main", "print_result", "run_all"]


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``exactloss``: ``check`` first, then every registered command by name."""
    parser = argparse.ArgumentParser(
        prog="exactloss",
        description="Exact and certified checks of Nguyen & Hein (2017), The Loss Surface of Deep and Wide Neural Networks.",
        epilog=epilog("exactloss check all", "exactloss check lemma-4.3 --json > lemma43.json",
                      "python -m exactloss check list"),
        formatter_class=FORMATTER,
    )
    parser.add_argument("--version", action="version", version=f"exactloss {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bar on stderr (there is none anyway when stderr is not a terminal)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    add_check_parsers(sub)
    for cmd in registry.commands():
        p = sub.add_parser(cmd.name, help=cmd.help, description=cmd.help, epilog=epilog(*cmd.examples),
                           formatter_class=FORMATTER)
        cmd.add_arguments(p)
    _quiet_everywhere(parser)
    return parser


def _quiet_everywhere(parser: argparse.ArgumentParser) -> None:
    """``--quiet`` after the command too (``exactloss check all --quiet``), on every sub-parser."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for p in set(action.choices.values()):
                if "--quiet" not in p._option_string_actions:
                    p.add_argument("--quiet", action="store_true", default=argparse.SUPPRESS,
                                   help="no progress bar on stderr")
                _quiet_everywhere(p)


def main(argv: Sequence[str] | None = None) -> int:
    """``exactloss ARGS...``: parse, run the command, and map errors to exit codes (never a traceback)."""
    debug = bool(os.environ.get("EXACTLOSS_DEBUG"))
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        with progress_bar_on_stderr(quiet=args.quiet):  # only on a terminal; never on stdout
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
