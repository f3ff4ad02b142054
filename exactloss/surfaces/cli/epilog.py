"""The ``--help`` epilogs of the ``exactloss`` command: example lines and the exit codes.

Every sub-command's ``--help`` ends with one to three example lines (:func:`epilog`) and the exit codes
(:data:`EXIT_CODES`), shown verbatim (argparse's ``RawDescriptionHelpFormatter``).  The codes are those
:func:`exactloss.surfaces.cli.main` returns: a failing and an undecided result both exit 1 (``--json`` tells
them apart: ``"holds": false`` / ``null``).
"""

from __future__ import annotations

import argparse
import shlex
from typing import Any

EXIT_CODES = """\
exit codes:
  0  the result holds (check all: every verdict is the paper's; plot, demo, example, explain: done)
  1  the result fails or is undecided (the same code; --json says "holds": false or null)
  2  bad input: a one-line "error: ..." on stderr (unknown name, bad file, bad option)
  3  internal error (please report; EXACTLOSS_DEBUG=1 shows the traceback)"""

FORMATTER = argparse.RawDescriptionHelpFormatter


def epilog(*examples: str) -> str:
    """The epilog of a ``--help``: the example command lines, then :data:`EXIT_CODES`."""
    lines = ["examples:"] + [f"  {e}" for e in examples] + [""] if examples else []
    return "\n".join(lines + [EXIT_CODES])


def check_examples(chk: Any) -> list[str]:
    """Example lines for ``exactloss check NAME --help``, from the check's registered default instances:
    the default run, an instance the paper's hypotheses fail on (when one is registered), and ``--json``."""
    lines = [f"exactloss check {chk.name}"]
    flags = {o.dest: o for o in chk.options}
    for inst in chk.instances:
        if inst.expect is False and inst.kwargs and all(k in flags for k in inst.kwargs):
            words = []
            for k, v in inst.kwargs.items():
                if flags[k].action == "store_true":
                    words += [flags[k].flag] if v else []
                else:
                    words += [flags[k].flag, shlex.quote(str(v))]
            lines.append(f"exactloss check {chk.name} {' '.join(words)}   # fails: a check all instance")
            break
    lines.append(f"exactloss check {chk.name} --json > {chk.name}.json")
    return lines
