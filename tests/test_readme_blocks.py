"""Every command block of README.md and docs/tour.md runs as written (issue 13, item 6).

Each ```bash block runs line by line with ``bash`` in a fresh temporary folder (after ``exactloss example ex``
when the block reads ``ex/`` without writing it), and each line must exit with the status it documents: 0,
or the ``N`` of a ``# exits N`` comment on the line.  The ```console blocks run their ``$ `` commands and
compare the printed lines (timings aside).  The only lines not run are in :data:`NOT_RUN`, each with the
reason; ``pip install ... && rest`` runs ``rest`` (the package is installed), when the extra it installs is
importable.  The lines of ``certify``, ``assumptions``, ``check list`` and ``check all`` fit 100 columns.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ("README.md", "docs/tour.md")
TIMEOUT = 120  # seconds per line; the whole file takes well under a minute

# Lines that are documented but not run here, and why (an explicit list: anything else runs).
NOT_RUN = {
    "pytest": "the test suite itself (this file is part of it)",
}
# `pip install -e ".[EXTRA]" && rest`: the package is installed; `rest` runs when the extra's modules import.
EXTRAS = {"": (), "test": ("pytest",), "data": ("sklearn",), "torch": ("torch", "safetensors")}
WIDE_COMMANDS = ("exactloss certify", "exactloss assumptions", "exactloss check list", "exactloss check all")
EXITS = re.compile(r"#\s*exits\s+(\d+)")
TIMING = re.compile(r"^\(\d+(\.\d+)? s\)$")


def blocks(lang: str) -> list[tuple[str, int, str]]:
    """``(file, line number, text)`` of every fenced block of ``lang`` in :data:`DOCS`."""
    out = []
    for name in DOCS:
        text = (ROOT / name).read_text()
        for m in re.finditer(rf"^```{lang}\n(.*?)^```", text, flags=re.S | re.M):
            out.append((name, text[: m.start()].count("\n") + 1, m.group(1)))
    return out


def command_of(line: str) -> tuple[str | None, str]:
    """The command to run for a block line, or ``(None, why not)``."""
    cmd = line.strip()  # bash reads the comment as a comment
    bare = line.split("#", 1)[0].strip()
    if bare in NOT_RUN:
        return None, NOT_RUN[bare]
    m = re.match(r'pip install -e "\.(?:\[(\w*)\])?"\s*&&\s*(.*)$', cmd)
    if m:
        extra, cmd = m.group(1) or "", m.group(2)
        missing = [mod for mod in EXTRAS[extra] if importlib.util.find_spec(mod) is None]
        if missing:
            return None, f"needs the [{extra}] extra ({', '.join(missing)} not installed)"
    if cmd.startswith("pip "):
        return None, "installs packages"  # pragma: no cover - no such line today
    return cmd, ""


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.pop("EXACTLOSS_DEBUG", None)
    env["MPLBACKEND"] = "Agg"
    return env


def run_line(cmd: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", cmd], cwd=cwd, env=environment(), capture_output=True, text=True,
                          timeout=TIMEOUT)


BASH = blocks("bash")
CONSOLE = blocks("console")


def test_the_docs_have_blocks():
    assert len(BASH) >= 5 and CONSOLE, "the README and tour blocks were not found"
    assert any("exactloss example ex" in text for name, _, text in BASH if name == "docs/tour.md")


@pytest.mark.parametrize("name,lineno,text", BASH, ids=[f"{n}:{i}" for n, i, _ in BASH])
def test_bash_block_runs_as_written(name, lineno, text, tmp_path):
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if "ex/" in text and "exactloss example" not in text:
        assert run_line("exactloss example ex", tmp_path).returncode == 0
    ran = 0
    for offset, line in enumerate(lines):
        cmd, why = command_of(line)
        if cmd is None:
            print(f"{name}: not run: {line.strip()} ({why})")
            continue
        expected = int(EXITS.search(line).group(1)) if EXITS.search(line) else 0
        out = run_line(cmd, tmp_path)
        where = f"{name} (block at line {lineno}): `{cmd}`"
        assert out.returncode == expected, (f"{where} exited {out.returncode}, documented {expected}\n"
                                            f"stdout: {out.stdout[-2000:]}\nstderr: {out.stderr[-2000:]}")
        assert "Traceback" not in out.stderr, f"{where}: {out.stderr[-2000:]}"
        if any(part.strip().startswith(WIDE_COMMANDS) for part in cmd.split("&&")):
            wide = [ln for ln in out.stdout.splitlines() if len(ln) > 100]
            assert not wide, f"{where}: lines over 100 columns: {wide[:3]}"
        ran += 1
    assert ran or all(command_of(ln)[0] is None for ln in lines)


@pytest.mark.parametrize("name,lineno,text", CONSOLE, ids=[f"{n}:{i}" for n, i, _ in CONSOLE])
def test_console_block_prints_what_it_shows(name, lineno, text, tmp_path):
    commands: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif commands:
            commands[-1][1].append(line)
    assert commands
    for cmd, shown in commands:
        out = run_line(cmd, tmp_path)
        assert out.returncode == 0, f"{name}:{lineno}: `{cmd}` exited {out.returncode}: {out.stderr[-2000:]}"
        printed = [ln for ln in out.stdout.splitlines() if not TIMING.match(ln)]
        assert printed == [ln for ln in shown if not TIMING.match(ln)], f"{name}:{lineno}: `{cmd}` printed\n{out.stdout}"
