"""Verified float64 matrix certificates: non-singularity and full rank of a float matrix, from float work alone.

Contract.  A float64 computation is reported ``certified`` here only when a
rigorous a-posteriori bound was checked whose every rounding error is
accounted for under IEEE 754 binary64 round-to-nearest (the model (L1)-(L3) of
:mod:`exactloss.floatpath.rounding`).  Otherwise the answer is ``numerical``
(with an estimate) and points to ``--numbers ball``.  Nothing here can *prove a
matrix singular*: a failed bound means "not certified", never "rank deficient".
The functions certify the **float64 matrix as given** (a matrix of exact binary
rationals; an entry that is not a float64 number, such as 1/3, is refused);
:mod:`exactloss.floatpath.transfer` turns that into a statement about an exact matrix.

The certificate (approximate inverse, Ogita-Rump-Oishi style)
---------------------------------------------------------------
For a square float matrix ``A`` (``n x n``) take any float matrix ``R``
(LAPACK's ``inv(A)``) and ``E = I - R A``.  If ``||E||_inf < 1`` then ``R A``
is invertible (Neumann series), hence so is ``A``; moreover
``A^{-1} = (I - E)^{-1} R`` gives ``||A^{-1}||_p <= ||R||_p / (1 - ||E||_p)``
(p = 1, inf, when ``||E||_p < 1``), ``||A^{-1}||_1 <= n ||A^{-1}||_inf``
otherwise, and ``||A^{-1}||_2 <= sqrt(||A^{-1}||_1 ||A^{-1}||_inf)``, so

    sigma_min(A) = 1 / ||A^{-1}||_2 >= 1 / sqrt(||A^{-1}||_1 ||A^{-1}||_inf),

and, when ``||E||_2 <= sqrt(||E||_1 ||E||_inf) < 1``, also
``||A^{-1}||_2 <= ||R||_F / (1 - ||E||_2)``; the better of the two is used.
``E`` is never known exactly; row ``i`` of ``|E|`` is bounded from ``C = fl(R A)``
(``n`` the inner dimension)::

    sum_j |E_ij| <= sum_j |I - C|_ij + gamma_n (|R| (|A| 1))_i + 2 n^2 eta

where ``|I - C|_ii <= up(|fl(C_ii - 1)|)`` (L1), the row sums of ``|I - C|`` and of
``|A|`` are bounded by (L2), and ``|R| v`` for the bound ``v >= |A| 1`` by (L3)
(``|R||A| 1 <= |R| v`` as ``|R| >= 0``).  Columns likewise, with ``(1^T |R|) |A|``.
Only ``fl(R A)`` costs ``O(n^3)``; every bound is ``O(n^2)`` and is formed in row
blocks so that memory stays at about two ``n x n`` matrices (``A`` and ``R``); from ``n = 4096`` on the
blocks have 512 rows (:func:`residual_block`: ``dgemm`` on a few dozen rows runs at half speed), which
is 1/32 of ``A`` per block temporary at ``n = 16384``.  The blocking changes no bound: each is a rigorous
bound of the same exact quantity whatever rows ``dgemm`` sees at once.

Rectangular ``N x n`` matrices (``n >= N``, :func:`full_row_rank_float`): ``N`` columns are chosen by LU
with partial pivoting on ``M^T`` (BLAS-3; pivoted QR, :func:`exactloss.net.rank.choose_columns`, as a
second try); if the chosen ``N x N`` submatrix ``B`` is certified, ``rank M = N`` and
``sigma_min(M) >= sigma_min(B)`` (``M M^T = B B^T + C C^T >= B B^T``).  When the float bound fails on a
small matrix, arb decides the same float submatrix (:func:`exactloss.net.rank.ball_square_certificate`).

>>> import numpy as np
>>> c = full_row_rank_float(np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 7.0]]))
>>> c.full, c.level, c.sigma_min_lower > 0
(True, 'certified', True)
>>> verified_nonsingular(np.array([[1.0, 1.0], [1.0, 1.0]])).level
'numerical'
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, Callable, Sequence

import numpy as np
import scipy.linalg
from scipy.linalg import lapack

from exactloss.arith import progress
from exactloss.errors import InputError
from exactloss.floatpath.rounding import ETA, U, dot_upper, down, gamma, sum_factor, sum_upper, up
from exactloss.net.rank import ball_square_certificate, choose_columns


@dataclass(frozen=True)
class FloatCertificate:
    """What float64 work with rigorous rounding bounds established about a matrix.

    ``full``: True when non-singularity (square) / full row rank was
    certified, None otherwise (float work never proves rank deficiency).
    ``level``: ``"certified"`` or ``"numerical"``.  ``sigma_min_lower``: a
    rigorous lower bound of the smallest singular value (certified only).
    ``sigma_min_estimate``: a float estimate (no guarantee).
    ``residual_inf``: the rigorous upper bound of ``||I - R B||_inf`` (< 1
    certifies); ``residual_computed``: the same without rounding terms (what
    a naive check would use); ``certifies``: a sentence saying of which matrix.
    """

    shape: tuple[int, int]
    full: bool | None
    level: str
    method: str
    sigma_min_lower: float | None = None
    sigma_min_estimate: float | None = None
    residual_inf: float | None = None
    residual_one: float | None = None
    residual_computed: float | None = None
    inverse_norm_2_upper: float | None = None
    columns: tuple[int, ...] = ()
    certifies: str = "the float64 matrix as given (its entries taken as exact binary rationals)"
    note: str = ""
    seconds: float = 0.0
    missing: str | None = None  # what leaves the statement about the exact matrix undecided (e.g. the transfer)
    float_matrix: dict | None = None  # the float64-matrix fact, when the exact matrix is the subject

    @property
    def holds(self) -> bool | None:
        """Alias of ``full`` (True: certified non-singular / full rank; None: not certified)."""
        return self.full

    @property
    def rank(self) -> int:
        """A certified lower bound of the rank (0 when nothing was certified)."""
        return min(self.shape) if self.full else 0

    def to_json(self) -> dict:
        return {"shape": list(self.shape), "full": self.full, "level": self.level, "method": self.method,
                "rank_lower": self.rank, "sigma_min_lower": self.sigma_min_lower,
                "sigma_min_estimate": self.sigma_min_estimate, "residual_inf_upper": self.residual_inf,
                "residual_one_upper": self.residual_one, "residual_computed": self.residual_computed,
                "inverse_norm_2_upper": self.inverse_norm_2_upper,
                "columns": list(self.columns) if len(self.columns) <= 64 else f"{len(self.columns)} columns",
                "certifies": self.certifies, "note": self.note, "seconds": round(self.seconds, 6),
                "missing": self.missing, "float_matrix": self.float_matrix}


def check_matrix(A: Any, what: str) -> np.ndarray:
    """``A`` as a finite float64 matrix whose entries are exactly the given ones, or :class:`InputError`.

    The certificate is about the matrix given: an entry that float64 cannot hold (1/3, 2^53 + 1) would be
    rounded, and the certificate would be about another matrix, so it is refused here."""
    if not isinstance(A, np.ndarray):
        try:
            A = np.asarray(A, dtype=np.float64)
        except (TypeError, ValueError):
            raise InputError(f"{what}: expected a matrix of numbers") from None
    if A.dtype == object or (A.dtype.kind in "iu" and A.size and int(np.max(np.abs(A.astype(object)))) > 2 ** 53):
        try:
            Af = A.astype(np.float64)
        except (TypeError, ValueError):
            raise InputError(f"{what}: expected a matrix of numbers, got objects that are not") from None
        for idx in np.ndindex(A.shape):
            x = A[idx]
            try:
                same = Fraction(x) == Fraction(float(Af[idx])) if math.isfinite(float(Af[idx])) else False
            except (TypeError, ValueError):
                raise InputError(f"{what}: entry {idx} = {x!r} is not a number") from None
            if not same:
                raise InputError(f"{what}: entry {idx} = {x} is not a float64 number, so a float64 certificate "
                                 "would be about its rounding; use exactloss.floatpath.transfer.certify_exact_matrix "
                                 "(which counts the rounding) or --numbers ball/exact")
        A = Af
    if A.dtype.kind not in "iuf":
        raise InputError(f"{what}: expected a matrix of numbers, got dtype {A.dtype}")
    if A.ndim != 2:
        raise InputError(f"{what}: expected a matrix, got an array of shape {A.shape}")
    if A.dtype != np.float64:
        A = A.astype(np.float64)  # exact for float32 and small integers
    if A.size and not np.all(np.isfinite(A)):
        raise InputError(f"{what}: the matrix has NaN/inf entries; a certificate needs finite numbers")
    return A


# ---------------------------------------------------------------------------
# the certificate for square matrices
# ---------------------------------------------------------------------------


def residual_block(n: int) -> int:
    """Rows per block of ``fl(R A)`` in :func:`residual_bounds`: about 4 MiB per block temporary for
    ``n < 4096`` (memory stays near two ``n x n`` matrices), and 512 rows from ``n = 4096`` on, where
    4 MiB would be a few dozen rows and ``dgemm`` with so few rows runs at half speed (a block
    temporary is then ``512 n`` floats: 64 MiB at ``n = 16384``, 1/32 of one ``n x n`` matrix)."""
    n = max(int(n), 1)
    return 512 if n >= 4096 else max(16, (1 << 19) // n)


def residual_bounds(A: np.ndarray, R: np.ndarray, block: int | None = None) -> dict:
    """Rigorous upper bounds of ``||I - R A||_inf``, ``||I - R A||_1``, ``||R||_inf``, ``||R||_1``, ``||R||_F``.

    ``A``, ``R``: square float64.  ``C = fl(R A)`` is formed ``block`` rows at
    a time; every bound follows (L1)-(L3) (module docstring).  Also
    returns ``computed``: ``max_i sum_j |fl(I - C)_ij|`` with no rounding terms.
    """
    if block is None:
        block = residual_block(A.shape[0])
    block = int(block)
    with np.errstate(all="ignore"):  # overflow gives inf: a valid (useless) upper bound
        n = A.shape[0]
        g = gamma(n)
        fac = sum_factor(n)
        underflow = up(2.0 * n * n * ETA)
        # |A| 1 (row sums) and 1^T |A| (column sums) are only needed through |R| v and c^T |A|
        a_rows = np.empty(n)
        for s in range(0, n, block):
            a_rows[s:s + block] = sum_upper(np.abs(A[s:s + block]), 1)
        row_E = np.empty(n)
        col_IC = np.zeros(n)  # sum_i |I - C|_ij, accumulated over blocks (rounded sums, bounded below)
        col_R = np.zeros(n)  # sum_i |R_ij|
        row_R = np.empty(n)
        fro_R = 0.0  # sum of squares of R, rounded up entrywise then summed
        computed = 0.0
        for s in progress.iterate(range(0, n, block), f"residual bounds of R A, n = {n}"):
            e = min(s + block, n)
            Rb = R[s:e]
            Cb = Rb @ A  # fl(R A) rows s..e
            idx = np.arange(s, e)
            Cb[idx - s, idx] -= 1.0  # fl(C_ii - 1): |C_ii - 1| <= up(|.|) (L1)
            np.abs(Cb, out=Cb)
            Cb[idx - s, idx] = up(Cb[idx - s, idx])
            rs = np.sum(Cb, axis=1)
            computed = max(computed, float(rs.max()) if rs.size else 0.0)
            row_IC = up(rs * fac)
            absR = np.abs(Rb)
            w = dot_upper(absR, a_rows)  # >= (|R||A| 1)_i
            row_E[s:e] = up(up(row_IC + up(g * w)) + underflow)
            col_IC += np.sum(Cb, axis=0)
            col_R += np.sum(absR, axis=0)
            row_R[s:e] = sum_upper(absR, 1)
            sq = np.multiply(absR, absR)
            np.nextafter(sq, np.inf, out=sq)  # up(fl(x^2)) >= x^2 (L1), in place
            fro_R += float(np.sum(sq))
            del sq
            del Cb, absR
        # the column sums were accumulated in float: bound the rounding of the whole accumulation (L2, n terms)
        col_IC = up(col_IC * fac)
        col_R = up(col_R * fac)
        # c^T |A| with c >= 1^T |R|
        colA = np.zeros(n)
        for s in range(0, n, block):
            colA += col_R[s:s + block] @ np.abs(A[s:s + block])
        colA = up(up(colA + 2 * n * ETA) * fac)
        col_E = up(up(col_IC + up(g * colA)) + underflow)
        R_fro = float(up(np.sqrt(float(up(fro_R * sum_factor(n * n))))))
        return {"inf": float(np.max(row_E)), "one": float(np.max(col_E)), "R_inf": float(np.max(row_R)),
                "R_one": float(np.max(col_R)), "R_fro": R_fro, "computed": computed}


def sigma_min_from_bounds(b: dict, n: int) -> tuple[float | None, float | None]:
    """(sigma_min lower bound, ||A^{-1}||_2 upper bound) from :func:`residual_bounds`, or (None, None)."""
    if not b["inf"] < 1.0:
        return None, None
    ainf = up(b["R_inf"] / float(down(1.0 - b["inf"])))  # 1 - e: fl then down is <= exact (L1)
    if b["one"] < 1.0:
        a1 = up(b["R_one"] / float(down(1.0 - b["one"])))
    else:
        a1 = up(n * ainf)
    inv2 = float(up(np.sqrt(float(up(a1 * ainf)))))
    # also ||A^{-1}||_2 <= ||(I - E)^{-1}||_2 ||R||_2 <= ||R||_F / (1 - ||E||_2), ||E||_2 <= sqrt(||E||_1 ||E||_inf)
    e2 = float(up(np.sqrt(float(up(b["one"] * b["inf"])))))
    if e2 < 1.0:
        inv2 = min(inv2, float(up(b["R_fro"] / float(down(1.0 - e2)))))
    if not math.isfinite(inv2) or inv2 <= 0:
        return None, None
    return float(down(1.0 / inv2)), inv2


def estimate_sigma_min(A: np.ndarray, R: np.ndarray | None) -> float | None:
    """A float estimate of sigma_min(A) (no guarantee): SVD for small A, else power iteration on R^T R."""
    n = A.shape[0]
    try:
        if n <= 600 or R is None:
            if n > 3000:
                return None
            return float(scipy.linalg.svdvals(A)[-1])
        rng = np.random.default_rng(0)
        x = rng.standard_normal(n)
        x /= np.linalg.norm(x)
        lam = 0.0
        for _ in range(12):
            y = R.T @ (R @ x)
            lam = float(np.linalg.norm(y))
            if lam == 0 or not math.isfinite(lam):
                return None
            x = y / lam
        return 1.0 / math.sqrt(lam)
    except (np.linalg.LinAlgError, ValueError, FloatingPointError):
        return None


def approximate_inverse(A: np.ndarray) -> np.ndarray | None:
    """LAPACK ``getrf`` + ``getri`` on ``A^T`` (a Fortran-ordered view of C-ordered ``A``: one copy, then
    in place) and transposed back (a view): ``R ~ A^{-1}`` with one extra ``n x n`` array.  None if LU
    breaks down (an exactly zero pivot) or produces non-finite numbers.  Any ``R`` is acceptable to
    the certificate; its quality only decides whether the bound succeeds."""
    T = A.T if A.flags.c_contiguous else np.asfortranarray(A.T)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lu, piv, info = lapack.dgetrf(T, overwrite_a=False)
        if info != 0:
            return None
        lwork = max(1, int(lapack.dgetri_lwork(A.shape[0])[0].real)) if hasattr(lapack, "dgetri_lwork") else None
        inv, info = lapack.dgetri(lu, piv, lwork=lwork, overwrite_lu=True) if lwork else \
            lapack.dgetri(lu, piv, overwrite_lu=True)
    if info != 0 or not np.all(np.isfinite(inv)):
        return None
    return inv.T  # (A^T)^{-1} transposed = A^{-1}; C-ordered rows for the residual blocks


def verified_nonsingular(A: Any, R: np.ndarray | None = None, block: int | None = None,
                         estimate: bool = True) -> FloatCertificate:
    """Certify that a square float matrix is non-singular, with a rigorous ``sigma_min`` lower bound.

    ``R``: an approximate inverse (default: LAPACK ``inv(A)``).  Returns
    ``level="certified"`` when the rigorous bound ``||I - R A||_inf < 1``
    holds, else ``level="numerical"`` with an estimate of ``sigma_min``.
    """
    t0 = time.perf_counter()
    A = check_matrix(A, "matrix")
    n, m = A.shape
    if n != m:
        raise InputError(f"verified_nonsingular needs a square matrix, got {n} x {m}; "
                         "for a wide matrix use full_row_rank_float")
    if n == 0:
        raise InputError("verified_nonsingular: empty matrix")
    if 2 * n * n * U >= 1:  # keeps gamma_n and the n^2 underflow terms meaningful
        raise InputError(f"n = {n} is too large for the binary64 bounds used here")
    if R is None:
        R = approximate_inverse(A)
    if R is None or not np.all(np.isfinite(R)):
        est = estimate_sigma_min(A, None) if estimate else None
        return FloatCertificate((n, n), None, "numerical", "approximate inverse", None, est,
                                note="LU found the matrix numerically singular (no approximate inverse); "
                                     "use --numbers ball or exact arithmetic to decide",
                                seconds=time.perf_counter() - t0)
    R = check_matrix(R, "approximate inverse R")
    if R.shape != A.shape:
        raise InputError(f"approximate inverse R has shape {R.shape}, but the matrix is {A.shape}")
    with np.errstate(all="ignore"):
        b = residual_bounds(A, R, block)
    with np.errstate(all="ignore"):  # an overflowing bound is inf: the certificate then just fails
        lower, inv2 = sigma_min_from_bounds(b, n)
    if lower is not None and lower > 0:
        est = estimate_sigma_min(A, R) if estimate else None
        return FloatCertificate((n, n), True, "certified", "approximate inverse, rigorous residual bound",
                                lower, est, b["inf"], b["one"], b["computed"], inv2,
                                note=f"||I - R A||_inf <= {b['inf']:.3e} < 1 with every rounding error bounded "
                                     f"(gamma_{n} = {gamma(n):.3e})",
                                seconds=time.perf_counter() - t0)
    est = estimate_sigma_min(A, R) if estimate else None
    why = (f"the rigorous bound of ||I - R A||_inf is {b['inf']:.3e} >= 1 (computed residual {b['computed']:.3e}): "
           "too ill-conditioned for a binary64 certificate; use --numbers ball (arb) at higher precision")
    return FloatCertificate((n, n), None, "numerical", "approximate inverse, rigorous residual bound", None, est,
                            b["inf"], b["one"], b["computed"], None, note=why, seconds=time.perf_counter() - t0)


# ---------------------------------------------------------------------------
# full row / column rank
# ---------------------------------------------------------------------------


def choose_columns_lu(M: np.ndarray) -> tuple[int, ...]:
    """``N`` columns of an ``N x n`` matrix (``n >= N``) chosen by LU with partial pivoting of ``M^T``.

    A heuristic (BLAS-3, cheaper than the pivoted QR of :func:`exactloss.net.rank.choose_columns`); the
    certificate is checked afterwards.  Columns are scaled to unit max-norm first.
    """
    N, n = M.shape
    if n == N:
        return tuple(range(N))
    scale = np.max(np.abs(M), axis=0)
    scale[scale == 0] = 1.0
    S = M / scale  # N x n, C-ordered: its transpose is the Fortran-ordered n x N array LAPACK takes
    T = S.T if S.flags.c_contiguous else np.asfortranarray(S.T)
    del S
    lu, piv, info = lapack.dgetrf(T, overwrite_a=True)  # in place: one copy of M in all
    del lu, T
    perm = np.arange(n)
    for i, p in enumerate(piv[:N]):
        perm[i], perm[p] = perm[p], perm[i]
    return tuple(sorted(int(i) for i in perm[:N]))


def ball_nonsingular(B: np.ndarray, prec: int) -> tuple[bool, float | None]:
    """Does arb prove the float matrix ``B`` non-singular (entries exact binary rationals)?
    ``(certified, sigma_min lower bound)`` at ``prec`` bits."""
    obj = np.empty(B.shape, dtype=object)
    for idx in np.ndindex(B.shape):
        obj[idx] = float(B[idx])
    ok, smin, _ = ball_square_certificate(obj, prec)
    return ok, smin


def full_row_rank_float(M: Any, columns: Sequence[int] | None = None, ball_fallback: int = 120,
                        ball_prec: int = 256, block: int | None = None, estimate: bool = True) -> FloatCertificate:
    """Certify ``rank(M) = N`` for an ``N x n`` float64 matrix, ``n >= N``, with a sigma_min lower bound.

    ``columns``: the ``N`` columns to try first (default: LU pivoting, then
    pivoted QR).  When the float bound fails and ``N <= ball_fallback``, the
    chosen submatrix (exact binary rationals) is handed to arb at
    ``ball_prec`` bits.  Never returns ``full=False``: a wide matrix that is
    not certified is ``numerical`` / undecided.
    """
    t0 = time.perf_counter()
    M = check_matrix(M, "matrix")
    N, n = M.shape
    if N == 0:
        raise InputError("full_row_rank_float: the matrix has no rows")
    if n < N:
        # by its shape: rank <= n < N.  This is a fact about the shape, not a float computation.
        return FloatCertificate((N, n), False, "proved", "shape", note=f"{N} x {n}: rank <= {n} < {N} rows",
                                seconds=time.perf_counter() - t0)
    tried: list[tuple[int, ...]] = []
    choices: list[Callable[[], tuple[int, ...]]] = []
    if columns is not None:
        cols = tuple(sorted(int(c) for c in columns))
        if len(cols) != N or len(set(cols)) != N or min(cols) < 0 or max(cols) >= n:
            raise InputError(f"columns: need {N} distinct indices in 0..{n - 1}")
        choices.append(lambda: cols)
    if n == N:
        choices.append(lambda: tuple(range(N)))
    else:
        choices.append(lambda: choose_columns_lu(M))
        if N <= 3000:
            choices.append(lambda: choose_columns(M, N))
    last: FloatCertificate | None = None
    for choose in choices:
        cols = choose()
        if cols in tried:
            continue
        tried.append(cols)
        B = M if n == N and cols == tuple(range(N)) else np.ascontiguousarray(M[:, list(cols)])
        c = verified_nonsingular(B, block=block, estimate=estimate)
        c = replace(c, shape=(N, n), columns=cols if n > N else (),
                    method=c.method + ("" if n == N else " on N pivoted columns"))
        if c.full:
            return replace(c, seconds=time.perf_counter() - t0)
        last = c
    assert last is not None
    if N <= ball_fallback:
        cols = tried[-1]
        B = np.ascontiguousarray(M[:, list(cols)])
        ok, smin = ball_nonsingular(B, ball_prec)
        if ok:
            return replace(last, full=True, level="certified", method=f"arb ball inverse ({ball_prec} bits) of "
                           "N chosen columns, after the float bound failed", sigma_min_lower=smin,
                           columns=cols if n > N else (), seconds=time.perf_counter() - t0,
                           note=last.note + f"; arb at {ball_prec} bits certified the same float matrix")
    return replace(last, seconds=time.perf_counter() - t0)


def full_column_rank_float(W: Any, **kw: Any) -> FloatCertificate:
    """Certify ``rank(W) = cols`` (the paper's ``rank(W_l) = n_l``) as the full row rank of ``W^T``."""
    W = check_matrix(W, "W")
    c = full_row_rank_float(np.ascontiguousarray(W.T), **kw)
    note = c.note.replace("rows", "columns") if c.method == "shape" else c.note
    return replace(c, shape=W.shape, note=note)
