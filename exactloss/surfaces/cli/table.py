"""Text that fits a terminal: the tables of ``certify``, ``assumptions``, ``check list`` and ``check all``.

Every line printed by those commands is at most :data:`WIDTH` (100) columns: a row is its fixed-width
head followed by free text wrapped under itself (:func:`fit`); nothing is dropped except where a caller
asks for at most ``max_lines`` lines (the full text is always in ``--json``).

>>> for line in fit("  lemma-3.5   fails   ", "(3) the gradient is not 0 at this point", width=52):
...     print(line)
  lemma-3.5   fails   (3) the gradient is not 0 at
                      this point
"""

from __future__ import annotations

import textwrap

WIDTH = 100
"""The widest line the tables print (columns)."""


def fit(head: str, text: str, width: int = WIDTH, max_lines: int | None = None, indent: int | None = None
        ) -> list[str]:
    """``head`` then ``text`` wrapped so that every line is at most ``width`` columns.

    Continuation lines are indented to the end of ``head`` (or by ``indent`` columns when given, or 4 when the
    head leaves fewer than 30 columns); with ``max_lines`` the text ends in `` ...`` after that many lines."""
    text = " ".join(str(text).split())
    if indent is None:
        indent = len(head) if width - len(head) >= 30 else 4
    if len(head) + len(text) <= width:
        return [(head + text).rstrip()]
    return textwrap.wrap(head + text, width, subsequent_indent=" " * indent, max_lines=max_lines,
                         placeholder=" ...", break_on_hyphens=False) or [head.rstrip()]
