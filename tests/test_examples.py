"""The examples in ``examples/`` run as a user runs them (issue 14: "the PyTorch example runs").

``examples/torch_digits.py`` trains in PyTorch and certifies with exactloss; here on a seeded 200-sample subset of
digits (about 8 s) so the suite stays short; the README's full run (N = 1797) is the same code with the default
size. Skipped without PyTorch, safetensors or scikit-learn (the ``torch`` and ``data`` extras).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_torch_digits_example_certifies(tmp_path):
    for mod in ("torch", "safetensors", "sklearn"):
        pytest.importorskip(mod)
    out = subprocess.run([sys.executable, str(ROOT / "examples" / "torch_digits.py"), "--samples", "200",
                          "--steps", "60", "--out", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "read back equal (==)" in out.stdout
    assert "rank([F_1, 1_N]) = N: certified" in out.stdout
    assert "Lemma 3.5: Phi - min Phi <= Phi <=" in out.stdout and "[certified]" in out.stdout
    for name in ("model.safetensors", "model.pt", "D.npz"):
        assert (tmp_path / name).is_file()
    # the saved files are what a user then hands to the CLI
    cli = subprocess.run([sys.executable, "-m", "exactloss", "certify", "--params", str(tmp_path / "model.safetensors"),
                          "--data", str(tmp_path / "D.npz"), "--numbers", "float"],
                         capture_output=True, text=True, timeout=600)
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert "certified" in cli.stdout
