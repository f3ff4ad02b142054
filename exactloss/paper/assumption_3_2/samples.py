"""Assumption 3.2.1 for the training samples: no two rows of X are identical, decided exactly.

The rows are compared as exact rationals (:func:`exactloss.net.network.duplicate_rows`), so ``0.5`` and
``"1/2"`` are the same sample; the duplicates are named 1-based.

>>> r = samples_condition([[0, 1], [2, 3], [0, 1]])
>>> r.holds, r.level, r.details["duplicates"]
(False, 'proved', [[1, 3]])
"""

from __future__ import annotations

from typing import Any

from exactloss.arith.clauses import verdict
from exactloss.arith.systems import rational_matrix
from exactloss.evidence import Result
from exactloss.net.files import as_data
from exactloss.net.network import duplicate_rows


def samples_condition(X: Any) -> Result:
    """Assumption 3.2.1: no two training samples (rows of X) are identical -- exact comparison."""
    Xr = as_data(X)[0] if isinstance(X, (str, tuple)) or hasattr(X, "__fspath__") else rational_matrix(X, "X")
    pairs = duplicate_rows(Xr)
    claim = "3.2.1 no identical training samples"
    if pairs:
        shown = ", ".join(f"rows {i + 1} and {j + 1}" for i, j in pairs[:5]) + (" ..." if len(pairs) > 5 else "")
        v = verdict(claim, False, "proved", f"identical samples (1-based): {shown}; remove the duplicates")
    else:
        v = verdict(claim, True, "proved", f"the {Xr.shape[0]} rows of X are pairwise distinct (exact rationals)")
    return Result(result="Assumption 3.2.1", holds=v.holds, level=v.level, statement="x_i != x_j for i != j",
                  reason=v.reason, instance={"N": int(Xr.shape[0]), "d": int(Xr.shape[1]) if Xr.ndim == 2 else 0},
                  details={"duplicates": [[i + 1, j + 1] for i, j in pairs]}, clauses=(v,),
                  failed_hypothesis=None if v.holds else claim)
