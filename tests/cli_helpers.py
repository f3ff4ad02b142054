"""Running the ``exactloss`` command in-process from a test, and writing files for it to read."""

from __future__ import annotations

import json
from typing import Any

from exactloss.surfaces.cli import main

# the smallest valid saved record (format, version, a verdict)
GOOD_RECORD = {"format": "exactloss-result", "version": 1, "result": "Lemma 2.1", "holds": True, "level": "proved"}


def run(capsys: Any, *argv: str) -> tuple[int, str, str]:
    """``exactloss ARGV...``: (exit code, stdout, stderr)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write_file(tmp_path: Any, content: Any, name: str = "r.json") -> Any:
    """Write bytes, text or a JSON value to ``tmp_path / name``; returns the path."""
    p = tmp_path / name
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content if isinstance(content, str) else json.dumps(content))
    return p
