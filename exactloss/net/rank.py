"""Rank certificates: full row rank of ``[F_k, 1_N]``, full column rank of ``W_l``.

Lemma 4.3, Lemma 3.5(1), Theorems 3.4/3.8 all need "this matrix has full
rank".  A certificate here is one of:

* **proved** -- exact rank of a rational matrix (python-flint ``fmpq_mat.rank``);
* **certified** -- for an ``N x n`` matrix (``n >= N``), ``N`` columns chosen by a
  float pivoted QR of the midpoints, whose ``N x N`` submatrix ``B`` arb proves
  invertible (``arb_mat.inv`` succeeds only when every matrix in the balls is
  non-singular).  Then ``rank = N`` and ``sigma_min(M) >= sigma_min(B) >=
  1 / ||B^{-1}||_F`` (``M M^T = B B^T + C C^T >= B B^T``), an upper bound of
  the Frobenius norm being computed in ball arithmetic.
* **undecided** -- the balls are too wide at this precision; callers with a
  builder (:func:`certify_full_row_rank`) raise the precision automatically.

A ball computation that fails to certify never reports "singular": arb's
failure means "not proved at this precision", and is returned as ``full=None``.

>>> import numpy as np
>>> from exactloss.arith.systems import Exact
>>> c = full_row_rank(np.array([[1, 2, 3], [2, 4, 7]], dtype=object), "exact")
>>> c.full, c.rank, c.level
(True, 2, 'proved')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import scipy.linalg
from flint import arb, arb_mat, fmpq

from exactloss.errors import InputError, PrecisionError
from exactloss.arith.systems import Ball, Exact, NumberSystem, format_number, system as _system


@dataclass(frozen=True)
class RankCertificate:
    """What is known about the rank of an ``rows x cols`` matrix.

    ``full``: True (certified/proved full rank ``min(rows, cols)``), False
    (proved rank-deficient -- exact arithmetic only), None (undecided).
    ``rank``: the exact rank (proved level) or a certified lower bound.
    ``columns``: indices of the chosen columns (row-rank certificates).
    ``sigma_min_lower``: a rigorous lower bound of the smallest singular value
    (certified level), as a float rounded *down*, or None.
    """

    shape: tuple[int, int]
    full: bool | None
    rank: int
    level: str | None
    method: str
    columns: tuple[int, ...] = ()
    sigma_min_lower: float | None = None
    det: str | None = None
    prec: int | None = None
    note: str = ""

    def to_json(self) -> dict:
        return {"shape": list(self.shape), "full": self.full, "rank": self.rank, "level": self.level,
                "method": self.method, "columns": list(self.columns), "sigma_min_lower": self.sigma_min_lower,
                "det": self.det, "prec_bits": self.prec, "note": self.note}


def with_ones(F: np.ndarray, S: NumberSystem | None = None) -> np.ndarray:
    """``[F, 1_N]``: F with a column of ones appended (in F's number system)."""
    N = F.shape[0]
    if F.dtype == object:
        one = S.scalar(1) if S is not None else (F.flat[0] * 0 + 1 if F.size else 1)
        col = np.empty((N, 1), dtype=object)
        col[:, 0] = one
        return np.concatenate([F, col], axis=1)
    return np.concatenate([F, np.ones((N, 1), dtype=F.dtype)], axis=1)


def _float_mid(M: np.ndarray) -> np.ndarray:
    if M.dtype != object:
        return np.asarray(M, dtype=float)
    def mid(x: Any) -> float:
        if isinstance(x, arb):
            return float(x.mid())
        return float(x)
    return np.vectorize(mid, otypes=[float])(M)


def choose_columns(M: np.ndarray, k: int) -> tuple[int, ...]:
    """``k`` well-conditioned columns of ``M`` by float QR with column pivoting (a heuristic choice;
    the certificate is checked afterwards in ball arithmetic)."""
    A = _float_mid(M)
    scale = np.max(np.abs(A), axis=0)
    scale[scale == 0] = 1.0
    _, _, piv = scipy.linalg.qr(A / scale, mode="economic", pivoting=True)
    return tuple(sorted(int(i) for i in piv[:k]))


def _round_down(x: arb) -> float:
    """A float <= every point of the ball x (for lower bounds)."""
    lo = x.lower()
    f = float(lo.mid()) if isinstance(lo, arb) else float(lo)
    # float() rounds to nearest; step down once to stay below
    return float(np.nextafter(f, -np.inf)) if f > 0 else 0.0


def ball_square_certificate(B: np.ndarray, prec: int) -> tuple[bool, float | None, str | None]:
    """arb proves the square matrix B non-singular?  Returns (certified, sigma_min lower bound, det string).

    The bound is ``sigma_min(B) >= 1 / ||B^-1||_F`` from arb's enclosure of the inverse at ``prec`` bits."""
    with Ball(prec).scope():
        Bm = arb_mat([[x if isinstance(x, arb) else arb(fmpq(x.numerator, x.denominator)) if hasattr(x, "numerator")
                       else arb(x) for x in row] for row in B.tolist()])
        try:
            Binv = Bm.inv()
        except ZeroDivisionError:
            return False, None, None
        fro2 = arb(0)
        for i in range(Binv.nrows()):
            for j in range(Binv.ncols()):
                e = Binv[i, j]
                fro2 += e * e
        fro = fro2.sqrt()
        lower = 1 / fro
        det = Bm.det()
        det_s = det.str(10, radius=True)
        return True, _round_down(lower), det_s


def full_row_rank(M: np.ndarray, numbers: NumberSystem | str = "ball", prec: int | None = None) -> RankCertificate:
    """Certify ``rank(M) = rows`` for an ``N x n`` matrix with ``n >= N``.

    ``numbers="exact"``: M must hold rationals; the exact rank is computed (proved).
    ``numbers="ball"``: M holds rationals or arb balls; certified or undecided.
    """
    if M.ndim != 2:
        raise InputError(f"rank: expected a matrix, got shape {M.shape}")
    N, n = M.shape
    S = _system(numbers)
    if isinstance(S, Exact):
        r = S.rank(S.array(M))
        return RankCertificate((N, n), r == N, r, "proved", "exact rank (fmpq_mat)")
    if not isinstance(S, Ball):
        raise InputError(f"rank certificates need exact or ball numbers, not {S.name}; the float path is in exactloss.floatpath.certificates")
    if n < N:
        return RankCertificate((N, n), False, n, "proved",
                               "shape", note=f"{N} x {n} matrix: rank <= {n} < {N} rows, by its shape")
    prec = prec or S.prec
    if any(isinstance(x, arb) and not x.is_finite() for x in M.flat):  # NaN/inf ball: no enclosure, undecided
        return RankCertificate((N, n), None, 0, None, "no enclosure", (), None, None, prec,
                               note="some entries have no finite ball enclosure (a function evaluated where arb "
                                    "cannot bound it)")
    cols = choose_columns(M, N)
    B = M[:, list(cols)]
    ok, smin, det = ball_square_certificate(B, prec)
    if ok:
        return RankCertificate((N, n), True, N, "certified", "ball inverse of a pivoted N x N submatrix", cols,
                               smin, det, prec)
    return RankCertificate((N, n), None, 0, None, "ball inverse failed", cols, None, None, prec,
                           note=f"arb could not prove the chosen {N} x {N} submatrix invertible at {prec} bits")


def full_column_rank(W: np.ndarray, numbers: NumberSystem | str = "ball", prec: int | None = None) -> RankCertificate:
    """Certify ``rank(W) = cols`` (the paper's ``rank(W_l) = n_l``) via the row rank of ``W^T``."""
    c = full_row_rank(W.T, numbers, prec)
    return RankCertificate((W.shape[0], W.shape[1]), c.full, c.rank, c.level, c.method, c.columns,
                           c.sigma_min_lower, c.det, c.prec, c.note)


def certify_full_row_rank(build: Callable[[NumberSystem], np.ndarray], prec: int = 128,
                          max_prec: int = 8192) -> RankCertificate:
    """Rebuild the matrix at doubling precision (``build(Ball(prec))``) until arb certifies full row rank.

    Raises :class:`PrecisionError` when ``max_prec`` is reached undecided.
    """
    p = prec
    last = None
    while p <= max_prec:
        S = Ball(p)
        M = build(S)
        last = full_row_rank(M, S, p)
        if last.full:
            return last
        p *= 2
    raise PrecisionError(f"could not certify full row rank up to {max_prec} bits"
                         + (f" ({last.note})" if last and last.note else "")
                         + "; the matrix may be singular or extremely ill-conditioned: try exact arithmetic")


def format_ball(x: Any, digits: int = 10) -> str:
    return format_number(x, digits)
