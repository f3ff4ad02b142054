"""The benchmark scripts run (smoke sizes, seconds): no timing is asserted, only that they finish and that their
agreement checks pass (``bench_peers.py`` exits non-zero when a float gradient or HVP leaves the ball enclosure)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def run(script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True, text=True, timeout=600,
                          env={**__import__("os").environ, "OMP_NUM_THREADS": "1"})


def test_bench_peers_agreement_and_table(tmp_path):
    out = run("bench_peers.py", "--sizes", "64,128", "--repeat", "1", "--json", str(tmp_path / "p.json"))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "agreement: all checks passed (numerical)" in out.stdout
    import json

    rec = json.loads((tmp_path / "p.json").read_text())
    assert rec["agreement_ball"]["exactloss"]["grad"]["within_radius_plus_tol"] is True
    assert rec["agreement_ball"]["exactloss"]["hvp"]["within_radius_plus_tol"] is True
    assert [r["N"] for r in rec["timing"]] == [64, 128]


@pytest.mark.parametrize("args", [("--sizes", "256", "--svd-max", "256", "--lemma-n", "256")])
def test_bench_rank_at_scale_certifies(args):
    out = run("bench_rank_at_scale.py", *args)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "NOT certified" not in out.stdout
    assert out.stdout.count("certified") >= 3
