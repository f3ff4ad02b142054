"""Definition 5.1: one-vs-rest linear separability, with exactly verified certificates.

For class ``j`` with signs ``s_i = +1`` (``x_i in C_j``) and ``-1`` otherwise,
the rows are separable iff some ``h = (a_j, b_j)`` has ``s_i (a_j^T x_i + b_j) > 0``
for all i; by scaling, iff the linear program ``s_i (x_i^T a + b) >= 1`` is
feasible.  SciPy's ``linprog`` (HiGHS) only *finds candidates*:

* **separable** -- the float ``(a_j, b_j)`` is rounded to rationals (several
  denominators tried) and ``s_i (a_j^T x_i + b_j) > 0`` is verified in exact
  arithmetic (rational rows: proved) or in arb balls (rows that are balls,
  e.g. ``F_k`` of a sigmoid network: certified);
* **not separable** -- Gordan's alternative: the strict system has no solution
  iff there is ``y >= 0``, ``y != 0`` with ``sum_i y_i s_i [x_i, 1] = 0``.  The
  LP finds a support; the witness is recomputed *exactly* on that support
  (rational null space, normalised ``sum y = 1``) and checked:
  ``y >= 0`` and ``sum_i y_i s_i [x_i, 1] = 0`` exactly (rational rows only;
  for ball rows non-separability is left undecided).

>>> import numpy as np
>>> X = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], dtype=object)
>>> xor = np.array([[1], [0], [0], [1]], dtype=bool)
>>> separable(X, xor).holds
False
>>> separable(X, np.array([[1], [1], [0], [0]], dtype=bool)).holds
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
from flint import arb, fmpq, fmpq_mat
from scipy.optimize import linprog

from exactloss.errors import InputError, ShapeError
from exactloss.arith.systems import Ball, parse_rational


@dataclass(frozen=True)
class ClassCertificate:
    """Separability of class j from the rest: ``holds`` with its witness, verified as ``level``."""

    j: int
    holds: bool | None
    level: str | None
    a: tuple[str, ...] = ()
    b: str | None = None
    margin: str | None = None
    farkas_y: tuple[str, ...] = ()
    note: str = ""

    def to_json(self) -> dict:
        return {"class": self.j + 1, "holds": self.holds, "level": self.level, "a": list(self.a), "b": self.b,
                "min_margin": self.margin, "farkas_y": list(self.farkas_y), "note": self.note}


@dataclass(frozen=True)
class Separability:
    holds: bool | None
    level: str | None
    classes: tuple[ClassCertificate, ...] = field(default_factory=tuple)

    def to_json(self) -> dict:
        return {"holds": self.holds, "level": self.level, "classes": [c.to_json() for c in self.classes]}


def _is_exact(M: np.ndarray) -> bool:
    return all(isinstance(x, (Fraction, fmpq, int, np.integer)) for x in M.flat)


def _to_fraction(x: Any) -> Fraction:
    if isinstance(x, fmpq):
        return Fraction(int(x.p), int(x.q))
    return parse_rational(x)


def _mid(x: Any) -> float:
    if isinstance(x, arb):
        return float(x.mid())
    return float(_to_fraction(x))


def _candidates(v: float) -> list[Fraction]:
    f = Fraction(v)
    return [f.limit_denominator(d) for d in (10, 1000, 10**6, 10**12)] + [f]


def verify_hyperplane(Xr: list[list[Any]], s: list[int], a: list[Fraction], b: Fraction,
                      prec: int = 128) -> tuple[bool | None, Any]:
    """Check ``s_i (a^T x_i + b) > 0`` for all i; rationals exactly, balls rigorously. Returns (ok, min margin)."""
    exact = all(isinstance(x, Fraction) for row in Xr for x in row)
    if exact:
        margins = [si * (sum(ai * xi for ai, xi in zip(a, row)) + b) for row, si in zip(Xr, s)]
        m = min(margins)
        return m > 0, m
    with Ball(prec).scope():
        margins = []
        for row, si in zip(Xr, s):
            t = arb(fmpq(b.numerator, b.denominator))
            for ai, xi in zip(a, row):
                xa = xi if isinstance(xi, arb) else arb(fmpq(xi.numerator, xi.denominator))
                t += arb(fmpq(ai.numerator, ai.denominator)) * xa
            margins.append(t * si)
        ok = all(m > 0 for m in margins)
        worst = min(margins, key=lambda m: float(m.mid()))
        return (True if ok else None), worst


def _farkas_exact(Xr: list[list[Fraction]], s: list[int], support: list[int]) -> list[Fraction] | None:
    """Exact y >= 0 on ``support`` with ``sum y_i s_i [x_i, 1] = 0`` and ``sum y = 1``, or None."""
    n = len(Xr[0]) + 1
    rows = [[Fraction(s[i]) * v for v in (list(Xr[i]) + [Fraction(1)])] for i in support]
    # unknowns y_support: equations A^T y = 0 (n rows) and 1^T y = 1
    m = len(support)
    A = fmpq_mat(n + 1, m, [fmpq(0)] * ((n + 1) * m))
    rhs = fmpq_mat(n + 1, 1, [fmpq(0)] * (n + 1))
    for c, r in enumerate(rows):
        for i in range(n):
            A[i, c] = fmpq(r[i].numerator, r[i].denominator)
        A[n, c] = fmpq(1)
    rhs[n, 0] = fmpq(1)
    # reduced row echelon form of [A | rhs]; free variables set to 0
    aug = fmpq_mat(n + 1, m + 1, [fmpq(0)] * ((n + 1) * (m + 1)))
    for i in range(n + 1):
        for c in range(m):
            aug[i, c] = A[i, c]
        aug[i, m] = rhs[i, 0]
    R, rank = aug.rref()
    y = [Fraction(0)] * m
    for i in range(rank):
        piv = next((c for c in range(m + 1) if R[i, c] != 0), None)
        if piv is None or piv == m:
            return None  # inconsistent
        y[piv] = Fraction(int(R[i, m].p), int(R[i, m].q))
    if any(v < 0 for v in y):
        return None
    tot = [sum(y[c] * rows[c][i] for c in range(m)) for i in range(n)]
    if any(t != 0 for t in tot) or sum(y) != 1:
        return None
    return y


def separable_class(X: np.ndarray, member: np.ndarray, j: int = 0, prec: int = 128) -> ClassCertificate:
    """Class ``j`` (members ``member[i]``) versus the rest: a verified hyperplane or a verified Gordan witness."""
    N, d = X.shape
    s = [1 if bool(mm) else -1 for mm in member]
    Xr = [[(_to_fraction(x) if not isinstance(x, arb) else x) for x in row] for row in X]
    exact = _is_exact(X)
    if all(v == 1 for v in s) or all(v == -1 for v in s):
        # all on one side: a = 0, b = +-1
        a = [Fraction(0)] * d
        b = Fraction(s[0])
        ok, m = verify_hyperplane(Xr, s, a, b, prec)
        return ClassCertificate(j, True, "proved", tuple("0" for _ in a), str(b), str(m), note="one-sided class")
    A = np.array([[_mid(x) for x in row] + [1.0] for row in Xr]) * np.array(s, dtype=float)[:, None]
    res = linprog(np.zeros(d + 1), A_ub=-A, b_ub=-np.ones(N), bounds=[(None, None)] * (d + 1), method="highs")
    if res.status == 0:
        h = res.x
        for cand in zip(*[_candidates(v) for v in h]):
            a, b = list(cand[:d]), cand[d]
            ok, m = verify_hyperplane(Xr, s, a, b, prec)
            if ok:
                level = "proved" if exact else "certified"
                return ClassCertificate(j, True, level, tuple(str(x) for x in a), str(b),
                                        str(m) if exact else m.str(8, radius=True))
        return ClassCertificate(j, None, None, note="the LP found a hyperplane but no rounding of it verified")
    # infeasible: Gordan witness y >= 0, sum y_i s_i [x_i, 1] = 0
    if not exact:
        return ClassCertificate(j, None, None, note="the LP reports no separating hyperplane; a non-separability "
                                "certificate needs exact rows (these are balls), so this stays undecided")
    res2 = linprog(np.zeros(N), A_eq=np.vstack([A.T, np.ones((1, N))]), b_eq=np.concatenate([np.zeros(d + 1), [1.0]]),
                   bounds=[(0, None)] * N, method="highs-ds")
    if res2.status == 0:
        support = [i for i in range(N) if res2.x[i] > 1e-12]
        for sup in (support, list(range(N))):
            y = _farkas_exact(Xr, s, sup)
            if y is not None:
                full = [Fraction(0)] * N
                for c, i in enumerate(sup):
                    full[i] = y[c]
                return ClassCertificate(j, False, "proved", farkas_y=tuple(str(v) for v in full),
                                        note="Gordan: y >= 0, sum y = 1, sum_i y_i s_i [x_i, 1] = 0 exactly")
    return ClassCertificate(j, None, None, note="no separating hyperplane found and no exact Gordan witness verified")


def check_farkas(X: np.ndarray, member: np.ndarray, y: list[Any]) -> bool:
    """Re-verify a Gordan witness exactly: ``y >= 0``, ``y != 0``, ``sum_i y_i s_i [x_i, 1] = 0``."""
    ys = [parse_rational(v) for v in y]
    s = [1 if bool(m) else -1 for m in member]
    if any(v < 0 for v in ys) or all(v == 0 for v in ys):
        return False
    rows = [[_to_fraction(x) for x in row] + [Fraction(1)] for row in X]
    return all(sum(ys[i] * s[i] * rows[i][c] for i in range(len(rows))) == 0 for c in range(len(rows[0])))


def separable(X: np.ndarray, classes: np.ndarray, prec: int = 128) -> Separability:
    """Definition 5.1 for the rows of ``X`` (N x d) and class membership ``classes`` (N x m booleans)."""
    X = np.asarray(X, dtype=object)
    C = np.asarray(classes)
    if X.ndim != 2:
        raise ShapeError(f"separability: the vectors must be the rows of an N x d matrix, got shape {X.shape}")
    if C.ndim != 2 or C.shape[0] != X.shape[0]:
        raise ShapeError(f"separability: classes must be N x m = {X.shape[0]} x m, got shape {C.shape}")
    certs = tuple(separable_class(X, C[:, j].astype(bool), j, prec) for j in range(C.shape[1]))
    if any(c.holds is False for c in certs):
        return Separability(False, "proved", certs)
    if all(c.holds for c in certs):
        levels = {c.level for c in certs}
        return Separability(True, "certified" if "certified" in levels else "proved", certs)
    return Separability(None, None, certs)


def classes_from_targets(Y: np.ndarray) -> np.ndarray:
    """The paper's +1/-1 encoding: ``x_i in C_j`` iff ``Y_ij > 0``."""
    if Y is None:
        raise InputError("Section 5 needs class targets Y (+1 for the true class, -1 otherwise)")
    def member(v: Any) -> bool:
        if isinstance(v, arb):
            if not (v > 0 or v < 0):  # a ball straddling 0 does not say which class
                raise InputError(f"class target {v} is neither certainly > 0 nor < 0; use exact +1/-1 targets")
            return bool(v > 0)
        return _to_fraction(v) > 0

    return np.vectorize(member, otypes=[bool])(Y)
