"""Verified floating-point certificates: full rank and non-singularity from float64 work alone.

Contract.  A float64 computation is reported ``certified`` here only when a
rigorous a-posteriori bound was checked whose every rounding error is
accounted for under IEEE 754 binary64 round-to-nearest (NumPy gives no
directed rounding).  Otherwise the answer is ``numerical`` (with an estimate)
and points to ``--numbers ball``.  Nothing here can *prove a matrix singular*:
a failed bound means "not certified", never "rank deficient".

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

``E`` is never known exactly; it is bounded entrywise from ``C = fl(R A)``.
The rounding-error model (Higham, *Accuracy and Stability of Numerical
Algorithms*, 2nd ed., Sec. 2.2, 3.1, 3.5; ``u = 2^-53``, ``eta = 2^-1074`` the
smallest subnormal, ``gamma_n = n u / (1 - n u)``):

(L1) one correctly rounded operation ``r = fl(z)`` (``+ - * / sqrt``): ``|r - z| <=
     ulp(r)/2``, so ``down(r) <= z <= up(r)`` with ``up/down = nextafter(., +-inf)``
     (also for subnormal results; overflow gives inf and the certificate fails).
(L2) a sum of ``n`` non-negative floats, in any order (NumPy's pairwise sum):
     ``|fl(s) - s| <= gamma_{n-1} s``, so ``s <= fl(s) / (1 - gamma_n) = fl(s) (1 - nu) / (1 - 2nu)``
     (the factor is a rational constant rounded up); additions never incur
     underflow error (a subnormal sum is exact).
(L3) a dot product of length ``n`` in any order, with or without FMA (what
     OpenBLAS's ``dgemm``/``dgemv`` do; no Strassen-like algorithm):
     ``|fl(x^T y) - x^T y| <= gamma_n |x|^T |y| + n eta`` (each product or FMA can
     add at most ``eta/2`` of underflow error, amplified by at most ``(1+u)^n``;
     we use ``2 n eta``).  For non-negative ``x, y`` this gives
     ``x^T y <= (fl(x^T y) + 2 n eta) / (1 - gamma_n)``.

Row ``i`` of ``|E|`` is then bounded by (``n`` the inner dimension):

    sum_j |E_ij| <= sum_j |I - C|_ij + gamma_n (|R| (|A| 1))_i + 2 n^2 eta

where ``|I - C|_ii <= up(|fl(C_ii - 1)|)`` (L1), the row sums of ``|I - C|`` and of
``|A|`` are bounded by (L2), and ``|R| v`` for the bound ``v >= |A| 1`` by (L3)
(``|R||A| 1 <= |R| v`` as ``|R| >= 0``).  Columns likewise, with ``(1^T |R|) |A|``.
Only ``fl(R A)`` costs ``O(n^3)``; every bound is ``O(n^2)`` and is formed in row
blocks so that memory stays at about two ``n x n`` matrices (``A`` and ``R``).

What is certified
-----------------
The matrix-level functions (:func:`verified_nonsingular`, :func:`full_row_rank_float`)
certify the **float64 matrix as given** (a matrix of exact binary rationals; an
entry that is not a float64 number, such as 1/3, is refused there).  A statement
of the paper is about an **exact** matrix -- e.g. ``[F_k, 1_N]`` at the given
(exact) parameters and data -- and its float64 image ``A`` differs from it by the
rounding of the inputs and of the forward pass.  :func:`certify_exact` is the one
place that turns a float-matrix certificate into one about the exact matrix:
with a rigorous bound ``delta >= ||A - M||_2`` (here
:func:`exactloss.floatpath.fastpath.forward_error_bound`, entrywise, then Frobenius),
``sigma_min(M) >= sigma_min(A) - delta`` (Weyl); without such a bound the
statement is **undecided** (``missing`` names the transfer) and the float-matrix
fact is kept in ``float_matrix``, labelled as being about the float matrix.  The
activation values of **sigmoid and tanh** are checked entrywise against
rigorous enclosures of ``exp`` built from IEEE ``+ - * /`` only
(:func:`exp_enclosure`: argument reduction with ``ln 2`` between two adjacent
floats, a degree-13 Taylor polynomial with its remainder, every rounding
bounded), so nothing is assumed of libm; **softplus and user expressions** are
checked against arb balls (:func:`ball_activation_error`: ``sigma`` on the ball
``[G~ +- e_G]``); identity is exact.

Contents: :func:`verified_nonsingular` (square), :func:`full_row_rank_float` /
:func:`full_column_rank_float` (rank of a float matrix), :func:`certify_exact` (the
float-to-exact transfer), :func:`certify_exact_matrix` / :func:`certify_exact_column_rank`
(an exact matrix, e.g. ``W_l`` with entries 1/3), :func:`certify_layer_float` (the exact
``[F_k, 1_N]`` at given parameters), :func:`hessian_nonsingular_float` / :func:`nonsingular` (block
Hessians; :func:`hessian_smallest_eigenvalue_lanczos` is numerical only),
:func:`monte_carlo_full_rank` (Lemma 4.4, Monte-Carlo view),
:func:`lemma_3_5_float` (the quantitative Lemma 3.5 at scale), and the rigorous
enclosures :func:`exp_enclosure`, :func:`sigmoid_enclosure`, :func:`tanh_enclosure`.

Rectangular ``N x n`` matrices (``n >= N``): ``N`` columns are chosen by LU with
partial pivoting on ``M^T`` (BLAS-3; pivoted QR as a second try); if the chosen
``N x N`` submatrix ``B`` is certified, ``rank M = N`` and
``sigma_min(M) >= sigma_min(B)`` (``M M^T = B B^T + C C^T >= B B^T``).

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

from exactloss.errors import InputError
from exactloss.evidence import Result

U = 2.0 ** -53  # unit roundoff of binary64, round-to-nearest
ETA = 2.0 ** -1074  # smallest positive subnormal

# ---------------------------------------------------------------------------
# rounding helpers (L1-L3 of the module docstring)
# ---------------------------------------------------------------------------


def up(x: Any) -> Any:
    """The next float above ``x``: an upper bound of the exact result ``x = fl(z)`` stands for (L1)."""
    return np.nextafter(x, np.inf)


def down(x: Any) -> Any:
    """The next float below ``x``: a lower bound of the exact ``z`` with ``x = fl(z)`` (L1)."""
    return np.nextafter(x, -np.inf)


_TWO_M50 = 2.0 ** -50
_FMAX = float(np.finfo(np.float64).max)


def up_fast(x: Any) -> Any:
    """A cheaper (4 ulp looser) :func:`up` for big arrays: ``x + (|x| 2^-50 + 2 eta)``.

    If ``x = fl(z)`` then ``|z - x| <= u |x| / (1 - u) + eta/2``; ``|x| 2^-50 = 4u|x|`` is exact
    (or within eta/2 when subnormal), and the final addition loses at most ``u (1 + 4u)|x| + eta/2``,
    so the result is still ``>= z``.  ``numpy.nextafter`` costs about 50 multiplications."""
    # x = -inf gives NaN (-inf + inf): fmax turns it into -MAX, a valid upper bound of z <= -MAX
    return np.fmax(x + (np.abs(x) * _TWO_M50 + 2 * ETA), -_FMAX)


def down_fast(x: Any) -> Any:
    """The mirror of :func:`up_fast`: ``x - (|x| 2^-50 + 2 eta) <= z`` when ``x = fl(z)``."""
    return np.fmin(x - (np.abs(x) * _TWO_M50 + 2 * ETA), _FMAX)  # x = +inf -> MAX (z >= MAX)


def float_up(q: Fraction | int) -> float:
    """The smallest float ``>= q`` for an exact rational ``q`` (for constants)."""
    q = Fraction(q)
    f = float(q)
    if Fraction(f) < q:
        f = math.nextafter(f, math.inf)
    return f


def gamma(n: int) -> float:
    """Higham's ``gamma_n = n u / (1 - n u)``, rounded up; needs ``n u < 1/2``."""
    n = int(n)
    if n < 0 or 2 * n * Fraction(U) >= 1:
        raise InputError(f"gamma_{n} is not defined for binary64 (n u must be < 1/2)")
    nu = n * Fraction(U)
    return float_up(nu / (1 - nu))


def sum_factor(n: int) -> float:
    """``1 / (1 - gamma_n) = (1 - n u) / (1 - 2 n u)`` rounded up: exact sum <= fl(sum) * this (L2)."""
    nu = max(int(n), 1) * Fraction(U)
    if 2 * nu >= 1:
        raise InputError(f"n = {n} is too large for a binary64 error bound")
    return float_up((1 - nu) / (1 - 2 * nu))


def sum_upper(P: np.ndarray, axis: int) -> np.ndarray:
    """Upper bounds of the exact sums of a non-negative float array along ``axis`` (L2)."""
    n = P.shape[axis]
    return up(np.sum(P, axis=axis) * sum_factor(n))


def dot_upper(P: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Upper bounds of the exact ``P @ v`` for non-negative ``P``, ``v`` (L3); ``P`` may be a matrix or ``v^T``."""
    n = v.shape[0]
    raw = P @ v
    return up(up(raw + 2 * n * ETA) * sum_factor(n))


def frobenius_upper(D: np.ndarray) -> float:
    """An upper bound of ``||D||_F`` (>= ``||D||_2``) for a float array (L1, L2)."""
    if D.size == 0:
        return 0.0
    sq = up(np.abs(D) * np.abs(D))  # each square rounded once: x^2 <= up(fl(x^2)) (L1)
    return float(up(np.sqrt(float(sum_upper(sq.ravel(), 0)))))


# ---------------------------------------------------------------------------
# the certificate for square matrices
# ---------------------------------------------------------------------------


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


def _check_matrix(A: Any, what: str) -> np.ndarray:
    if not isinstance(A, np.ndarray):
        try:
            A = np.asarray(A, dtype=np.float64)
        except (TypeError, ValueError):
            raise InputError(f"{what}: expected a matrix of numbers") from None
    if A.dtype == object or (A.dtype.kind in "iu" and A.size and int(np.max(np.abs(A.astype(object)))) > 2 ** 53):
        # the certificate is about the matrix given: an entry that float64 cannot hold (1/3, 2^53 + 1) would be
        # rounded, and the certificate would be about another matrix
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
                                 "would be about its rounding; use exactloss.floatpath.verified.certify_exact_matrix (which "
                                 "counts the rounding) or --numbers ball/exact")
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


def residual_bounds(A: np.ndarray, R: np.ndarray, block: int | None = None) -> dict:
    """Rigorous upper bounds of ``||I - R A||_inf``, ``||I - R A||_1``, ``||R||_inf``, ``||R||_1``.

    ``A``, ``R``: square float64.  ``C = fl(R A)`` is formed ``block`` rows at
    a time; every bound follows (L1)-(L3) of the module docstring.  Also
    returns ``computed``: ``max_i sum_j |fl(I - C)_ij|`` with no rounding terms.
    """
    if block is None:  # about 4 MiB per block temporary: memory stays near two n x n matrices
        block = max(16, (1 << 19) // max(A.shape[0], 1))
    with np.errstate(all="ignore"):  # overflow gives inf: a valid (useless) upper bound
        return _residual_bounds(A, R, int(block))


def _residual_bounds(A: np.ndarray, R: np.ndarray, block: int) -> dict:
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
    for s in range(0, n, block):
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
        fro_R += float(np.sum(up(absR * absR)))  # up(fl(x^2)) >= x^2 (L1)
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


def _sigma_min_from_bounds(b: dict, n: int) -> tuple[float | None, float | None]:
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


def _estimate_sigma_min(A: np.ndarray, R: np.ndarray | None) -> float | None:
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
    from scipy.linalg import lapack

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
    A = _check_matrix(A, "matrix")
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
        est = _estimate_sigma_min(A, None) if estimate else None
        return FloatCertificate((n, n), None, "numerical", "approximate inverse", None, est,
                                note="LU found the matrix numerically singular (no approximate inverse); "
                                     "use --numbers ball or exact arithmetic to decide",
                                seconds=time.perf_counter() - t0)
    R = _check_matrix(R, "approximate inverse R")
    if R.shape != A.shape:
        raise InputError(f"approximate inverse R has shape {R.shape}, but the matrix is {A.shape}")
    with np.errstate(all="ignore"):
        b = residual_bounds(A, R, block)
    with np.errstate(all="ignore"):  # an overflowing bound is inf: the certificate then just fails
        lower, inv2 = _sigma_min_from_bounds(b, n)
    if lower is not None and lower > 0:
        est = _estimate_sigma_min(A, R) if estimate else None
        return FloatCertificate((n, n), True, "certified", "approximate inverse, rigorous residual bound",
                                lower, est, b["inf"], b["one"], b["computed"], inv2,
                                note=f"||I - R A||_inf <= {b['inf']:.3e} < 1 with every rounding error bounded "
                                     f"(gamma_{n} = {gamma(n):.3e})",
                                seconds=time.perf_counter() - t0)
    est = _estimate_sigma_min(A, R) if estimate else None
    why = (f"the rigorous bound of ||I - R A||_inf is {b['inf']:.3e} >= 1 (computed residual {b['computed']:.3e}): "
           "too ill-conditioned for a binary64 certificate; use --numbers ball (arb) at higher precision")
    return FloatCertificate((n, n), None, "numerical", "approximate inverse, rigorous residual bound", None, est,
                            b["inf"], b["one"], b["computed"], None, note=why, seconds=time.perf_counter() - t0)


# ---------------------------------------------------------------------------
# full row / column rank
# ---------------------------------------------------------------------------


def choose_columns_lu(M: np.ndarray) -> tuple[int, ...]:
    """``N`` columns of an ``N x n`` matrix (``n >= N``) chosen by LU with partial pivoting of ``M^T``.

    A heuristic (BLAS-3, cheaper than pivoted QR); the certificate is checked
    afterwards.  Columns are scaled to unit max-norm first.
    """
    N, n = M.shape
    if n == N:
        return tuple(range(N))
    scale = np.max(np.abs(M), axis=0)
    scale[scale == 0] = 1.0
    T = np.ascontiguousarray((M / scale).T)  # n x N
    lu, piv, info = scipy.linalg.lapack.dgetrf(T, overwrite_a=True)
    perm = np.arange(n)
    for i, p in enumerate(piv[:N]):
        perm[i], perm[p] = perm[p], perm[i]
    return tuple(sorted(int(i) for i in perm[:N]))


def choose_columns_qr(M: np.ndarray) -> tuple[int, ...]:
    """``N`` columns by QR with column pivoting (slower, more robust than :func:`choose_columns_lu`)."""
    N = M.shape[0]
    scale = np.max(np.abs(M), axis=0)
    scale[scale == 0] = 1.0
    _, _, piv = scipy.linalg.qr(M / scale, mode="economic", pivoting=True)
    return tuple(sorted(int(i) for i in piv[:N]))


def _ball_fallback(B: np.ndarray, prec: int) -> tuple[bool, float | None]:
    """arb proves the float matrix B non-singular (entries exact binary rationals)?"""
    from exactloss.net.rank import _ball_square_certificate

    obj = np.empty(B.shape, dtype=object)
    for idx in np.ndindex(B.shape):
        obj[idx] = float(B[idx])
    ok, smin, _ = _ball_square_certificate(obj, prec)
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
    M = _check_matrix(M, "matrix")
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
            choices.append(lambda: choose_columns_qr(M))
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
        ok, smin = _ball_fallback(B, ball_prec)
        if ok:
            return replace(last, full=True, level="certified", method=f"arb ball inverse ({ball_prec} bits) of "
                           "N chosen columns, after the float bound failed", sigma_min_lower=smin,
                           columns=cols if n > N else (), seconds=time.perf_counter() - t0,
                           note=last.note + f"; arb at {ball_prec} bits certified the same float matrix")
    return replace(last, seconds=time.perf_counter() - t0)


def full_column_rank_float(W: Any, **kw: Any) -> FloatCertificate:
    """Certify ``rank(W) = cols`` (the paper's ``rank(W_l) = n_l``) as the full row rank of ``W^T``."""
    W = _check_matrix(W, "W")
    c = full_row_rank_float(np.ascontiguousarray(W.T), **kw)
    note = c.note.replace("rows", "columns") if c.method == "shape" else c.note
    return replace(c, shape=W.shape, note=note)


# ---------------------------------------------------------------------------
# the float-to-exact transfer: the one place that decides what a certificate is about
# ---------------------------------------------------------------------------


def certify_exact(A: Any, delta: float | None, about: str, missing: str | None = None, assumption: str = "",
                  exact: Callable[[], Any] | None = None, **kw: Any) -> FloatCertificate:
    """Certify full row rank of the **exact** matrix ``M`` of the given inputs from its float64 image ``A``.

    This is the single decision "is the exact matrix certified?" behind every float rank certificate
    (``exactloss rank``, ``check rank-scale``, ``check lemma-3.5-scale``, ``demo``, Lemma 4.4's Monte Carlo,
    ``certify --numbers float``).  ``A`` is certified by :func:`full_row_rank_float` (a fact about the
    float matrix, entries taken as binary rationals); ``delta`` is a rigorous upper bound of
    ``||A - M||_2`` (``0.0`` when ``A`` is ``M``; None when no rigorous transfer is known, ``missing``
    then says which); Weyl's inequality ``sigma_min(M) >= sigma_min(A) - ||A - M||_2`` transfers it.

    The result has ``full=True`` only when the transfer succeeded (``certifies`` names ``about``);
    otherwise ``full=None`` (undecided) with ``missing`` naming the transfer, and the float-matrix fact
    (its certified ``sigma_min`` lower bound) in ``float_matrix``, labelled as being about the float matrix.
    ``full=False`` only from the shape (rank <= columns < rows, true of ``M`` too) or from ``exact``
    (a callable returning an exact :class:`exactloss.net.rank.RankCertificate` of ``M``, tried when the
    transfer leaves the question open, e.g. an affine ``sigma`` whose exact ``[F_1, 1_N]`` has rank d + 1).
    """
    t0 = time.perf_counter()
    c = full_row_rank_float(A, **kw)
    if c.full is False:  # by the shape: M has the same shape
        return replace(c, certifies=f"{about} (by its shape)")
    fact = None
    if c.full:
        fact = {"certified": True, "level": c.level, "sigma_min_lower": c.sigma_min_lower, "method": c.method,
                "about": "the float64 matrix as computed (entries taken as exact binary rationals), "
                         f"NOT {about}"}
    if c.full and delta is not None:
        lower = float(down(c.sigma_min_lower - up(delta))) if math.isfinite(delta) else -math.inf
        if lower > 0:
            what = ("the float64 matrix is the exact matrix" if delta == 0 else
                    f"the float matrix's bound minus ||A_float - A_exact||_2 <= {delta:.3e} (Weyl)")
            return replace(c, sigma_min_lower=lower, float_matrix=fact, seconds=time.perf_counter() - t0,
                           certifies=f"{about}: {what}" + (f"; assumptions: {assumption}" if assumption else ""))
        missing = (f"the transfer to {about}: the rounding-error bound ||A_float - A_exact||_2 <= {delta:.3e} "
                   f"is not below the float matrix's sigma_min lower bound {c.sigma_min_lower:.3e}")
    elif c.full:
        missing = missing or f"a rigorous transfer from the float64 matrix to {about}"
    else:
        missing = None  # the float matrix itself was not certified: nothing to transfer
    if exact is not None:
        try:
            ec = exact()
        except (InputError, ArithmeticError, TypeError, ValueError):
            ec = None
        if ec is not None and ec.full is not None:
            return FloatCertificate(c.shape, bool(ec.full), "proved", f"exact rank of {about} ({ec.method})",
                                    certifies=f"{about} (exact rational arithmetic)",
                                    note=f"exact rank {ec.rank} of the {c.shape[0]} x {c.shape[1]} matrix",
                                    float_matrix=fact, seconds=time.perf_counter() - t0)
    if fact is None:
        return replace(c, certifies="nothing (the float64 matrix was not certified)",
                       seconds=time.perf_counter() - t0)
    est = c.sigma_min_estimate
    return replace(c, full=None, level="numerical", sigma_min_lower=None, sigma_min_estimate=est,
                   missing=missing, float_matrix=fact, seconds=time.perf_counter() - t0,
                   certifies=f"nothing about {about} (only the float64 matrix, see float_matrix)",
                   note=f"the float64 matrix as computed is certified full rank (sigma_min >= {c.sigma_min_lower:.3e}, "
                        f"{c.method}) -- a fact about the float matrix only; undecided for {about}: missing "
                        f"{missing}")


def certify_exact_matrix(M: Any, **kw: Any) -> FloatCertificate:
    """Full row rank of an exact matrix ``M`` (rationals, strings like ``"1/3"``, or floats) by the float path:
    ``M`` is rounded to float64 and the rounding bounded entrywise (``1/3`` is not a float), so the
    certificate is about ``M`` itself (:func:`certify_exact`)."""
    from exactloss.floatpath.fastpath import conversion_error
    from exactloss.arith.systems import rational_matrix
    from exactloss.net.rank import full_row_rank

    if isinstance(M, np.ndarray) and M.dtype.kind == "f":
        Af = _check_matrix(M, "matrix")
        Me, d = None, None
    else:
        Me = rational_matrix(M, "matrix")
        Af = _check_matrix(np.vectorize(float, otypes=[float])(Me) if Me.size else np.zeros(Me.shape), "matrix")
        d = conversion_error(Me, Af)
    exact = None
    if Af.size <= EXACT_FALLBACK_ENTRIES and Af.shape[0] <= 150:  # small: exact rank decides what floats cannot
        def exact() -> Any:
            return full_row_rank(Me if Me is not None else np.vectorize(Fraction, otypes=[object])(Af), "exact")
    return certify_exact(Af, 0.0 if d is None else frobenius_upper(d), "the given (exact) matrix", exact=exact, **kw)


def certify_exact_column_rank(W: Any, **kw: Any) -> FloatCertificate:
    """``rank(W) = cols`` (the paper's ``rank(W_l) = n_l``) of the exact ``W`` through the float path
    (:func:`certify_exact_matrix` of ``W^T``: the rounding of non-float entries such as 1/3 is counted)."""
    from exactloss.arith.systems import rational_matrix

    if not (isinstance(W, np.ndarray) and W.dtype.kind == "f"):
        W = rational_matrix(W, "W")
    c = certify_exact_matrix(np.ascontiguousarray(W.T), **kw)
    note = c.note.replace("rows", "columns") if c.method == "shape" else c.note
    return replace(c, shape=tuple(W.shape), note=note)


def with_forward_error(c: FloatCertificate, delta_2: float | None, assumption: str) -> FloatCertificate:
    """Weyl: ``sigma_min(exact) >= sigma_min(float) - ||Delta||_2``; a certificate for the exact matrix.

    ``delta_2``: an upper bound of ``||F_float - F_exact||_2`` (None: unknown, then nothing is certified
    about the exact matrix).  Kept for callers holding a float certificate; :func:`certify_exact` is the
    entry point.
    """
    if not c.full or c.sigma_min_lower is None:
        return c
    fact = {"certified": True, "level": c.level, "sigma_min_lower": c.sigma_min_lower, "method": c.method,
            "about": "the float64 matrix as computed, NOT the exact matrix"}
    if delta_2 is None:
        return replace(c, full=None, level="numerical", sigma_min_lower=None, float_matrix=fact,
                       missing="a rigorous forward-error bound (the transfer to the exact matrix)",
                       certifies="nothing about the exact matrix (only the float64 matrix, see float_matrix)")
    lower = float(down(c.sigma_min_lower - up(delta_2))) if math.isfinite(delta_2) else -math.inf
    if lower > 0:
        return replace(c, sigma_min_lower=lower, float_matrix=fact,
                       certifies=f"the exact matrix at the given parameters: the float matrix's bound minus "
                                 f"||F_float - F_exact||_2 <= {delta_2:.3e}; assumptions: {assumption}")
    return replace(c, full=None, level="numerical", sigma_min_lower=None, float_matrix=fact,
                   missing=f"the transfer to the exact matrix: the forward-error bound {delta_2:.3e} exceeds "
                           f"the float matrix's sigma_min bound {c.sigma_min_lower:.3e}",
                   certifies="nothing about the exact matrix (only the float64 matrix, see float_matrix)",
                   note=c.note + f"; the forward-pass error bound {delta_2:.3e} exceeds the float matrix's "
                                 "sigma_min bound, so nothing is certified about the exact matrix: use --numbers ball")


#: the exact-rank fallback (an affine or rational sigma) runs only on matrices up to this many entries
EXACT_FALLBACK_ENTRIES = 20000


def _exact_layer_rank(net: Any, P: Any, X: Any, k: int) -> Callable[[], Any] | None:
    """A callable computing the exact rank of ``[F_k, 1_N]`` (rational sigma only; small instances), or None."""
    N = int(np.shape(X)[0])
    if N * (net.widths[k] + 1) > EXACT_FALLBACK_ENTRIES or N > 150 or k > 2 or getattr(net.activation, "generic", False):
        return None
    from exactloss.arith.systems import Exact
    from exactloss.net.rank import full_row_rank, with_ones

    def run() -> Any:
        S = Exact()
        return full_row_rank(with_ones(net.forward(P, X, S).F[k], S), S)

    return run


def certify_layer_float(net: Any, P: Any, X: Any, k: int, forward_bound: bool = True,
                        A: np.ndarray | None = None, exact_fallback: bool = True,
                        **kw: Any) -> tuple[FloatCertificate, dict]:
    """``rank [F_k, 1_N] = N`` for the exact ``F_k`` at the given (exact) parameters and data, float64:
    ``(certificate, info)``.

    The float matrix (``A``, or :func:`exactloss.floatpath.fastpath.layer_with_ones`) is certified, then transferred
    to the exact ``[F_k, 1_N]`` by :func:`certify_exact` with the rigorous forward-error bound of
    :func:`exactloss.floatpath.fastpath.forward_error_bound` (the rounding of the inputs included, an enclosure for
    every sigma: IEEE-only for sigmoid/tanh, arb balls for softplus and user expressions).  The
    certificate is withdrawn when that bound is too large -- which happens when the exact matrix is
    (nearly) rank deficient but rounding made the float matrix regular (a linear layer: ``rank [X W + 1
    b^T, 1] <= d + 2`` exactly, while its float64 image can have ``sigma_min ~ 1e-17``); then, for a
    rational sigma on a small instance (``exact_fallback``), the exact rank decides.  ``forward_bound=False``:
    no transfer, the statement about the exact matrix is undecided and only the float-matrix fact is
    reported (``info["float_matrix"]``).  ``info["certifies"]`` says which matrix the certificate is about.
    """
    from exactloss.floatpath.fastpath import float_parameters, forward_error_bound, layer_with_ones

    P_float = P if all(isinstance(w, np.ndarray) and w.dtype == np.float64 for w in P.W + P.b) \
        else float_parameters(P)[0]
    if A is None:
        A = layer_with_ones(net, P_float, X, k)
    about = f"the exact [F_{k}, 1_N] at the given parameters and data" if k else "the exact [X, 1_N]"
    info: dict[str, Any] = {}
    delta, missing, assumption = None, None, ""
    if forward_bound or k == 0:  # k = 0: only the conversion of X, which is no forward pass
        delta, finfo = forward_error_bound(net, P, X, k, A=A)
        info["forward_error_F_bound"] = delta
        info.update({f"forward_{key}": v for key, v in finfo.items()})
        assumption = finfo.get("assumption", "")
        if delta is None:
            missing = f"a rigorous forward-error transfer to {about} ({finfo.get('reason')})"
    else:
        missing = (f"the forward-error transfer from the float64 matrix to {about} (not requested: "
                   "--no-forward-bound)")
    exact = _exact_layer_rank(net, P, X, k) if exact_fallback and (forward_bound or k == 0) else None
    c = certify_exact(A, delta, about, missing=missing, assumption=assumption, exact=exact, **kw)
    fm = c.float_matrix or {}
    info.update({"sigma_min_lower_float_matrix": fm.get("sigma_min_lower"), "float_matrix": c.float_matrix,
                 "certifies": c.certifies, "missing": c.missing,
                 "sigma_min_lower_exact_matrix": c.sigma_min_lower if c.full else None})
    return c, info


# ---------------------------------------------------------------------------
# block Hessians (Theorem 3.8's non-degeneracy)
# ---------------------------------------------------------------------------


def hessian_nonsingular_float(H: Any, symmetric_tol: float | None = None, **kw: Any) -> FloatCertificate:
    """Certify a (block) Hessian non-singular from an approximate inverse with a rigorous residual bound.

    For a symmetric ``H`` the bound ``sigma_min(H) >= s`` is also
    ``min |lambda(H)| >= s``.  The certified object is the float64 matrix as
    given (e.g. a block Hessian assembled from float HVPs); symmetry is not
    needed for the certificate and is only reported.
    """
    H = _check_matrix(H, "Hessian")
    if H.shape[0] != H.shape[1]:
        raise InputError(f"a Hessian block is square; got {H.shape[0]} x {H.shape[1]}")
    c = verified_nonsingular(H, **kw)
    asym = float(np.max(np.abs(H - H.T))) if H.size else 0.0
    return replace(c, note=c.note + f"; max |H - H^T| = {asym:.3e}")


def nonsingular(H: Any, **kw: Any) -> FloatCertificate:
    """Alias of :func:`hessian_nonsingular_float` (the name :func:`exactloss.net.hessian.nonsingularity` calls)."""
    return hessian_nonsingular_float(H, **kw)


def hessian_smallest_eigenvalue_lanczos(matvec: Callable[[np.ndarray], np.ndarray], n: int, k: int = 1,
                                        tol: float = 1e-8, maxiter: int | None = None) -> FloatCertificate:
    """The smallest ``|lambda|`` of a symmetric operator given by Hessian-vector products (Lanczos, scipy ``eigsh``).

    For blocks too large to form.  Always ``numerical``: Lanczos gives no
    rigorous enclosure.  ``full`` is None; the estimate is ``sigma_min_estimate``.
    """
    from scipy.sparse.linalg import ArpackNoConvergence, LinearOperator, eigsh

    t0 = time.perf_counter()
    if n < 2:
        v = matvec(np.ones(1))
        est = abs(float(np.asarray(v).ravel()[0]))
        return FloatCertificate((n, n), None, "numerical", "direct (n = 1)", None, est, seconds=time.perf_counter() - t0)
    op = LinearOperator((n, n), matvec=lambda x: np.asarray(matvec(np.asarray(x).ravel()), dtype=float), dtype=float)
    try:
        vals = eigsh(op, k=min(k, n - 1), which="SM", tol=tol, maxiter=maxiter or 20 * n,
                     return_eigenvectors=False)
        est = float(np.min(np.abs(vals)))
        note = "Lanczos (ARPACK, which='SM') converged"
    except ArpackNoConvergence as exc:
        vals = exc.eigenvalues
        est = float(np.min(np.abs(vals))) if len(vals) else None
        note = "Lanczos did not converge; partial estimate"
    return FloatCertificate((n, n), None, "numerical", "Lanczos on Hessian-vector products", None, est,
                            note=note + "; numerical only -- form the block and use --numbers ball, or a smaller "
                                        "block with hessian_nonsingular_float, for a certificate",
                            seconds=time.perf_counter() - t0)


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


def rank_result(c: FloatCertificate, what: str, instance: dict | None = None, statement: str = "") -> Result:
    """A :class:`Result` from a certificate (of :func:`certify_exact` for an exact matrix): holds True at the
    certificate's level, False (shape / exact rank), or None (undecided, ``missing`` naming the undecided
    transfer).  ``details["float_matrix"]`` carries the float64-matrix fact, labelled as such."""
    if c.full:
        smin = "" if c.sigma_min_lower is None else f"; sigma_min >= {c.sigma_min_lower:.6e}"
        reason = f"{c.method}{smin}; certifies {c.certifies}"
        holds, level = True, c.level
    elif c.full is False:
        reason = c.note
        holds, level = False, c.level
    else:
        est = "unknown" if c.sigma_min_estimate is None else f"{c.sigma_min_estimate:.3e}"
        reason = (c.note if c.float_matrix else f"not certified ({c.note})") + f"; numerical estimate sigma_min ~ {est}"
        holds, level = None, "numerical"
    return Result(result=what, holds=holds, level=level, statement=statement or f"{what} has full rank",
                  reason=reason, instance=instance or {}, details={"certificate": c.to_json(),
                                                                   "sigma_min_lower": c.sigma_min_lower,
                                                                   "float_matrix": c.float_matrix},
                  missing=c.missing if holds is None else None, seconds=c.seconds)


def monte_carlo_full_rank(activation: Any = "sigmoid", samples: int = 50, dim: int = 3, width: int | None = None,
                          draws: int = 20, seed: int = 0, layer: int = 1, batch: int | None = None,
                          weight_scale: float = 1.0, data: Any = None, progress: bool | None = None,
                          forward_bound: bool = True) -> Result:
    """Lemma 4.4, the Monte-Carlo view: ``draws`` random parameter draws, each ``rank [F_k, 1_N] = N`` certified.

    Data: ``data`` (an ``N x d`` matrix) or a seeded synthetic set of
    ``samples`` points in ``R^dim``.  Layers ``1..layer`` have width ``width``
    (default ``N - 1``, Lemma 4.4's threshold); weights and biases are
    i.i.d. ``N(0, weight_scale^2)``.  Draws are batched (``batch`` networks
    at a time; memory linear in the batch) through
    :func:`exactloss.floatpath.fastpath.batched_layer_with_ones`; each ``[F_k, 1_N]`` is
    certified by :func:`certify_layer_float`: the float64 matrix, then (``forward_bound``)
    the exact ``F_k`` of the draw through the rigorous forward-error bound.  ``holds`` is True when every draw
    is certified (level certified), True/numerical when some are only
    numerically full rank, None when a draw looks rank deficient.
    """
    from exactloss.net.activations import activation as _activation
    from exactloss.floatpath.datasets import synthetic
    from exactloss.floatpath.fastpath import batched_layer_with_ones, progress_bar
    from exactloss.net.network import Network, Parameters

    t0 = time.perf_counter()
    sigma = _activation(activation)
    if int(draws) < 1:
        raise InputError(f"draws = {draws}: need at least one draw")
    if int(layer) < 1:
        raise InputError(f"layer = {layer}: k must be at least 1")
    X_exact: Any = None
    if data is None:
        X = synthetic(int(samples), int(dim), seed=seed)[0]
    else:
        if isinstance(data, np.ndarray) and data.dtype == object or not isinstance(data, np.ndarray):
            from exactloss.arith.systems import rational_matrix

            X_exact = rational_matrix(data, "data X")  # exact rationals: the forward bound includes their rounding
            X = _check_matrix(np.vectorize(float, otypes=[float])(X_exact) if X_exact.size else
                              np.zeros(X_exact.shape), "data X")
        else:
            X = _check_matrix(data, "data X")
    N, d = X.shape
    width = N - 1 if width is None else int(width)
    if width < N - 1:
        raise InputError(f"width n_k = {width} < N - 1 = {N - 1}: Lemma 4.4 needs n_k >= N - 1 "
                         "(rank [F_k, 1_N] <= n_k + 1 < N otherwise)")
    widths = (d,) + (width,) * int(layer)
    net = Network(widths, sigma)
    certifies = ""
    per = 8 * N * (width + 1) * (2 + int(layer))  # bytes per draw, roughly
    if batch is None:
        batch = max(1, min(int(draws), int(2e8 // max(per, 1))))
    certified = numerical = 0
    lows: list[float] = []
    ests: list[float] = []
    bad: list[int] = []
    bar = progress_bar(total=int(draws), desc="Lemma 4.4 draws", enable=progress)
    done = 0
    try:
        while done < int(draws):
            B = min(int(batch), int(draws) - done)
            # draw j uses its own stream (seed, j): results do not depend on the batch size
            gens = [np.random.default_rng([int(seed), done + j]) for j in range(B)]
            Ws, bs = [], []
            for i in range(len(widths) - 1):
                Ws.append(np.stack([g.standard_normal((widths[i], widths[i + 1])) for g in gens]) * weight_scale)
                bs.append(np.stack([g.standard_normal(widths[i + 1]) for g in gens]) * weight_scale)
            A = batched_layer_with_ones(sigma, Ws, bs, X)
            for j in range(B):
                Pj = Parameters(tuple(W[j] for W in Ws), tuple(v[j] for v in bs))
                c, info = certify_layer_float(net, Pj, X if X_exact is None else X_exact, int(layer),
                                              forward_bound=forward_bound, A=A[j],
                                              estimate=False, ball_fallback=0, exact_fallback=False)
                certifies = info["certifies"]
                if c.full and c.sigma_min_lower is not None:
                    certified += 1
                    lows.append(c.sigma_min_lower)
                else:
                    numerical += 1
                    bad.append(done + j)
                    est = _estimate_sigma_min(A[j][:, list(c.columns)] if c.columns else A[j], None) \
                        if N <= 1500 else None
                    if est is not None:
                        ests.append(est)
                bar.update(1)
            done += B
            del A
    finally:
        bar.close()
    total = int(draws)
    if certified == total:
        holds, level = True, "certified"
        reason = (f"all {total} draws certified full row rank by float64 approximate-inverse bounds with every "
                  f"rounding error bounded; smallest certified sigma_min lower bound {min(lows):.3e}; "
                  f"certifies {certifies}")
    else:
        looks_full = all(e > N * U * 10 for e in ests) and len(ests) == numerical
        holds = True if looks_full else None
        level = "numerical"
        reason = (f"{certified}/{total} draws certified; draws {bad[:10]} only numerically "
                  f"(estimates {['%.2e' % e for e in ests[:5]]}); re-check them with --numbers ball")
    return Result(
        result="Lemma 4.4 (Monte Carlo)",
        holds=holds,
        level=level,
        statement=f"for random parameters, rank [F_{layer}, 1_N] = N when n_{layer} >= N - 1 (the rank-deficient "
                  "set has measure zero)",
        reason=reason,
        instance={"activation": sigma.describe(), "samples": N, "dim": d, "widths": list(widths), "draws": total,
                  "seed": seed, "weight_scale": weight_scale, "numbers": "float", "batch": int(batch)},
        details={"certified": certified, "numerical_only": numerical, "undecided_draws": bad,
                 "sigma_min_lower_min": min(lows) if lows else None,
                 "sigma_min_lower_median": float(np.median(lows)) if lows else None,
                 "certifies": certifies},
        seconds=time.perf_counter() - t0,
    )


# ---------------------------------------------------------------------------
# Lemma 3.5, quantitative, on the float path
# ---------------------------------------------------------------------------

#: sup |sigma''| (upper bounds): sigmoid 1/(6 sqrt 3) = 0.0962..., tanh 4/(3 sqrt 3) = 0.7698..., identity 0.
LIPSCHITZ_D1 = {"sigmoid": 0.1, "tanh": 0.77, "identity": 0.0}


def inflate(x: Any, m: int) -> Any:
    """An upper bound of the exact value of an expression of ``m`` operations (``+``, ``*``) on non-negative
    floats whose computed value is ``x``: each operation has relative error <= u or (a product that
    underflows) absolute error <= eta/2, so exact <= (x + m eta) (1 - u)^-m."""
    f = float_up(1 / (1 - Fraction(U)) ** int(m))
    return up(up(x + 2 * int(m) * ETA) * f)


def lemma_3_5_float(net: Any, P: Any, X: Any, Y: Any, k: int | None = None,
                    activation_ulps: int | None = None) -> Result:
    """Quantitative Lemma 3.5 at scale (squared loss): ``Phi <= (||g_{k+1}||_F / (2 s_k prod_l m_l s(W_{l+1}) m_L))^2``.

    The derivation is :mod:`exactloss.paper.lemma_3_5.quantitative`'s (``g_{k+1} = [F_k, 1_N]^T Delta_{k+1}``,
    ``s_k = sigma_min([F_k, 1_N])``, ``m_l = min |sigma'(G_l)|``); here every factor comes from float64
    work with rigorous error bounds: ``s_k`` from :func:`certify_layer_float` (exact ``F_k``),
    ``sigma_min(W_l)`` from :func:`full_column_rank_float`, and ``||g_{k+1}||_F``, ``m_l`` from the
    float values plus entrywise bounds of their distance to the exact ones, propagated through
    the forward maps (:func:`exactloss.floatpath.fastpath.forward_with_errors`) and back through Lemma 2.1:

    * ``e(sigma'(G))  <= sup|sigma''| e_G + (2c+4) u`` (absolute: ``s(1-s)`` cancels where the unit saturates;
      c: the activation accuracy assumption),
    * ``e(l'(F_L - Y)) = 2 (e_{F_L} + 2u |F_L~ - Y|)`` (``Y`` float, exact),
    * products ``|ab - a~b~| <= |a~| e_b + e_a |b~| + e_a e_b`` plus ``2u |fl(a~ b~)|``,
    * matrix products ``gamma_n |A~||B~| + e_A |B~| + (|A~| + e_A) e_B + 2 n eta``.

    ``P``, ``X``, ``Y``: the given inputs; the statement is about the exact ``Phi`` at these numbers.
    Float64 arrays are exact; inputs that are not float64 numbers (1/3) make the statement undecided
    (``missing`` names their conversion; the bound for the rounded inputs is kept in
    ``details["loss_bound_for_rounded_inputs"]``).  ``s_k`` is transferred from the float matrix
    to the exact ``[F_k, 1_N]`` by :func:`certify_exact` with the forward errors ``e_{F_k}``.
    ``holds`` True with ``details["loss_bound"]`` when every factor is certified (sigmoid, tanh,
    identity: no assumption unless ``activation_ulps`` is stated); None with ``missing`` otherwise;
    False (proved) when condition (1) fails by the shape of ``[F_k, 1_N]``.
    """
    from exactloss.floatpath.fastpath import FLOAT, as_float_matrix, conversion_error, enclosure_name, float_parameters, \
        forward_with_errors
    from exactloss.arith.systems import rational_matrix

    t0 = time.perf_counter()

    if all(isinstance(w, np.ndarray) and w.dtype == np.float64 for w in P.W + P.b):
        Pf, rounded = P, []
    else:
        Pf, rnd = float_parameters(P)
        rounded = [f"W_{i + 1}" for i, r in enumerate(rnd["W"]) if r is not None] + \
                  [f"b_{i + 1}" for i, r in enumerate(rnd["b"]) if r is not None]
    Xf, Yf = as_float_matrix(X, "X"), as_float_matrix(Y, "Y")
    for M, Mf, nm in ((X, Xf, "X"), (Y, Yf, "Y")):
        if not (isinstance(M, np.ndarray) and M.dtype.kind in "f"):
            if conversion_error(rational_matrix(M, nm), Mf) is not None:
                rounded.append(nm)
    net.check_parameters(Pf)
    net.check_data(Xf, Yf)
    L, N = net.L, Xf.shape[0]
    k = L - 1 if k is None else int(k)
    if not 0 <= k <= L - 1:
        raise InputError(f"layer k = {k}: Lemma 3.5 needs k in [0, L-1] = [0, {L - 1}]")
    sigma = net.activation
    name = enclosure_name(sigma) or ("identity" if not sigma.generic and sigma.expr == sigma.var else sigma.name)
    inst = {"widths": list(net.widths), "samples": N, "k": k, "activation": net.activation.describe(),
            "loss": "squared", "numbers": "float"}
    fw = forward_with_errors(net, Pf, Xf, L, activation_ulps) if name in LIPSCHITZ_D1 else None
    if fw is None or name not in LIPSCHITZ_D1:
        return Result("Lemma 3.5 (quantitative, float)", None, None, reason=f"no error model for {name}: use the "
                      "ball-arithmetic lemma-3.5 check", instance=inst, seconds=time.perf_counter() - t0)
    c = fw["activation_ulps"]
    two_u = float_up(2 * Fraction(U))
    lip2 = LIPSCHITZ_D1[name]
    # sigma'(G~) in float: sigmoid s (1 - s) and tanh 1 - t^2 lose *relative* accuracy where the unit saturates
    # (cancellation in 1 - s), so their error is bounded in absolute terms: with |s - sigma| <= c u,
    # |s(1 - s) - sigma(1 - sigma)| <= |s - sigma| |1 - s - sigma| <= c u, plus 2 roundings; tanh: 2 c u + 3 u.
    # For sigmoid/tanh the float derivative is checked against a rigorous enclosure instead (derivative_error).
    abs_d1 = float_up(Fraction(2 * c + 4) * Fraction(U)) if c > 0 else 0.0
    sd, esd = {}, {}
    for l in range(k + 1, L + 1):
        d1 = np.asarray(net.activation.d(FLOAT, fw["G"][l - 1]))
        sd[l] = d1
        dev = derivative_error(name, fw["G"][l - 1], d1) if c < 0 else None
        esd[l] = inflate(lip2 * fw["eG"][l - 1] + (dev if dev is not None else abs_d1), 2)
    Rr = fw["F"][L] - Yf
    eR = inflate(fw["eF"][L] + two_u * np.abs(Rr), 2)
    lp, elp = 2.0 * Rr, 2.0 * eR  # exact scalings
    D = lp * sd[L]
    eD = inflate(np.abs(lp) * esd[L] + elp * np.abs(sd[L]) + elp * esd[L] + two_u * np.abs(D), 8)
    for l in range(L - 1, k, -1):
        W = np.asarray(Pf.W[l], dtype=np.float64)  # W_{l+1}
        n = W.shape[1]
        Pm = D @ W.T
        absWT = np.abs(W.T)
        eP = inflate(gamma(n) * (np.abs(D) @ absWT) + eD @ absWT, 3 + 2 * n)
        D = Pm * sd[l]
        eD = inflate(np.abs(Pm) * esd[l] + eP * np.abs(sd[l]) + eP * esd[l] + two_u * np.abs(D), 8)
    Fk, eFk = fw["F"][k], fw["eF"][k]
    absD = np.abs(D)
    gW, gb = Fk.T @ D, D.sum(axis=0)
    egW = inflate(gamma(N) * (np.abs(Fk).T @ absD) + eFk.T @ absD + (np.abs(Fk) + eFk).T @ eD, 4 + 3 * N)
    egb = inflate(gamma(N) * absD.sum(axis=0) + eD.sum(axis=0), 2 + 2 * N)
    g_up = float(up(frobenius_upper(np.concatenate([gW.ravel(), gb])) +
                    frobenius_upper(np.concatenate([egW.ravel(), egb]))))
    factors: dict[str, Any] = {f"||grad_{k + 1}||_F (upper)": g_up,
                               f"||grad_{k + 1}||_F (float)": float(np.sqrt(np.sum(gW ** 2) + np.sum(gb ** 2)))}
    # s_k: sigma_min of the exact [F_k, 1_N] at (Pf, Xf), from the float matrix and the entrywise forward error
    # e_{F_k} already bounded above (k = 0: [X, 1_N] is exact)
    A = np.concatenate([Fk, np.ones((N, 1))], axis=1)
    about = f"the exact [F_{k}, 1_N]" if k else "[X, 1_N]"
    ck = certify_exact(A, frobenius_upper(eFk) if k else 0.0, about, assumption=fw["assumption"], estimate=False)
    cinfo = {"certifies": ck.certifies}
    factors[f"s_{k} = sigma_min([F_{k}, 1_N]) (lower)"] = ck.sigma_min_lower if ck.full else None
    if ck.float_matrix and not ck.full:
        factors[f"s_{k} of the float64 matrix only (lower; not the exact matrix)"] = ck.float_matrix["sigma_min_lower"]
    failed = None if ck.full else f"(1) rank([F_{k}, 1_N]) = N: {ck.missing or ck.note or 'not certified'}"
    denom = ck.sigma_min_lower if ck.full else 0.0
    for l in range(k + 1, L + 1):
        m_l = float(down(np.min(down(np.abs(sd[l]) - esd[l]))))
        m_l = max(m_l, 0.0)
        factors[f"m_{l} = min |sigma'(G_{l})| (lower)"] = m_l
        denom = float(down(denom * m_l))
        if m_l <= 0 and failed is None:
            failed = f"m_{l} = min |sigma'(G_{l})| is not certified positive"
        if l < L:
            W = np.asarray(Pf.W[l], dtype=np.float64)
            cw = full_column_rank_float(W)
            factors[f"sigma_min(W_{l + 1}) (lower)"] = cw.sigma_min_lower if cw.full else None
            if not cw.full and failed is None:
                failed = f"(2) rank(W_{l + 1}) = n_{l + 1}: {cw.note or 'not certified'}"
            denom = float(down(denom * (cw.sigma_min_lower if cw.full else 0.0)))
    phi = float(np.sum(Rr * Rr))
    details: dict[str, Any] = {"factors": factors, "Phi_float": phi, "certifies": cinfo.get("certifies"),
                               "assumption": fw["assumption"], "inputs_rounded": rounded}
    if failed is not None or not denom > 0:
        details["loss_bound"] = None
        refuted = ck.full is False  # condition (1) fails by the shape of [F_k, 1_N]: proved
        return Result("Lemma 3.5 (quantitative, float)", False if refuted else None, "proved" if refuted else None,
                      reason=f"no bound: {failed}", instance=inst, details=details,
                      failed_hypothesis=failed if refuted else None, missing=None if refuted else failed,
                      seconds=time.perf_counter() - t0)
    lp_bound = float(up(g_up / denom))
    bound = float(up(up(lp_bound * 0.5) ** 2))
    if rounded:
        # every factor is rigorous for the float64-rounded inputs, which are not the given ones: the bound is
        # not transferred to the given rationals, so the statement about them is undecided
        missing = (f"the float64 conversion of the inputs {', '.join(rounded)} (not float64 numbers, e.g. 1/3): the "
                   "bound is certified for the rounded inputs only; use the ball-arithmetic lemma-3.5 check")
        details.update({"loss_bound": None, "loss_bound_for_rounded_inputs": bound,
                        "about": "loss_bound_for_rounded_inputs is about the float64-rounded inputs, NOT the given"})
        return Result("Lemma 3.5 (quantitative, float)", None, None, reason=f"undecided: missing {missing}",
                      instance=inst, details=details, missing=missing, seconds=time.perf_counter() - t0)
    details.update({"l_prime_norm_bound": lp_bound, "loss_bound": bound,
                    "ratio_bound_over_Phi": bound / phi if phi > 0 else None})
    return Result("Lemma 3.5 (quantitative, float)", True, "certified",
                  statement="Phi - min Phi <= Phi <= (||grad_{k+1}||_F / (2 s_k prod m_l sigma_min(W_{l+1}) m_L))^2",
                  reason=(f"Phi <= {bound:.6g} (float Phi = {phi:.6g}); ||grad_{k + 1}||_F <= {g_up:.3g}, "
                          f"s_{k} >= {ck.sigma_min_lower:.3g}; every factor from float64 with rigorous rounding "
                          f"bounds; assumption: {fw['assumption']}"),
                  instance=inst, details=details, seconds=time.perf_counter() - t0)


# ---------------------------------------------------------------------------
# rigorous enclosures of exp, sigmoid and tanh in float64 (no trust in libm)
# ---------------------------------------------------------------------------
#
# Interval arithmetic without directed rounding: every operation is done in
# round-to-nearest and its result widened by one ulp outwards (down/up, (L1)),
# so the exact result of the operation on the interval ends lies inside.
# exp(x) = 2^k exp(r), r = x - k ln 2 enclosed with ln 2 in [LN2_LO, LN2_HI]
# (adjacent floats), exp(|r|) by Horner on the Taylor polynomial of degree 13
# (non-negative terms: one gamma factor for all its roundings) plus the
# Lagrange remainder |r|^14/14! e^|r| <= 2e-18 (|r| <= 0.36 after the
# reduction), exp(r) = 1/exp(|r|) for r < 0, then ldexp by k.

_LN2_DEC = Fraction("0.69314718055994530941723212145817656807550013436025525412068")  # ln 2 to 1e-59
LN2_LO = float(_LN2_DEC) if Fraction(float(_LN2_DEC)) <= _LN2_DEC else math.nextafter(float(_LN2_DEC), -math.inf)
LN2_HI = math.nextafter(LN2_LO, math.inf)  # LN2_LO < ln 2 < LN2_HI (ln 2 is irrational, 1e-59 << ulp)
_DEG = 13
_COEF = [1.0 / math.factorial(i) for i in range(_DEG + 1)]  # each within u of 1/i!
_HORNER_LO = float(down(1.0 / float_up(1 + Fraction(gamma(2 * _DEG + 2)))))  # 1/(1 + gamma)
_HORNER_HI = float_up(1 / (1 - Fraction(gamma(2 * _DEG + 2))))  # 1/(1 - gamma)
_REM = float_up(Fraction(36, 100) ** (_DEG + 1) / math.factorial(_DEG + 1) * Fraction(144, 100))  # e^0.36 < 1.44


def _imul(alo: Any, ahi: Any, blo: Any, bhi: Any) -> tuple[np.ndarray, np.ndarray]:
    """``[alo, ahi] * [blo, bhi]`` (any signs), rounded outwards (L1)."""
    p = (alo * blo, alo * bhi, ahi * blo, ahi * bhi)
    lo = np.minimum(np.minimum(p[0], p[1]), np.minimum(p[2], p[3]))
    hi = np.maximum(np.maximum(p[0], p[1]), np.maximum(p[2], p[3]))
    return down_fast(lo), up_fast(hi)


def _exp_small(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Enclosure of ``exp(a)`` for floats ``0 <= a <= 0.36``: Horner on sum_{i<=13} a^i/i! in round-to-nearest.
    All terms are non-negative, so the computed value is within a factor ``(1 +- gamma_{2d+2})`` of the exact
    polynomial (d multiplications, d additions, the rounded coefficients); products that underflow add at
    most ``eta/2`` each; the Lagrange remainder is in ``[0, a^14/14! e^a]``."""
    s = np.full(a.shape, _COEF[_DEG])
    for i in range(_DEG - 1, -1, -1):
        s *= a
        s += _COEF[i]
    lo = down_fast(down_fast(s - 2 * _DEG * ETA) * _HORNER_LO)
    hi = up_fast(up_fast(up_fast(s + 2 * _DEG * ETA) * _HORNER_HI) + _REM)
    return lo, hi


def _exp_point(r: np.ndarray, want: str) -> np.ndarray:
    """A lower (``want="lo"``) or upper bound of ``exp(r)``, ``|r| <= 0.36``: for ``r < 0``, ``exp(r) = 1/exp(|r|)``."""
    a = np.abs(r)
    lo, hi = _exp_small(a)
    neg = r < 0
    if want == "lo":
        return np.where(neg, down_fast(1.0 / hi), lo)
    return np.where(neg, up_fast(1.0 / np.maximum(lo, ETA)), hi)


def exp_enclosure(x: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(lo, hi)`` float arrays with ``lo <= exp(x) <= hi`` for every float ``x`` (rigorous, IEEE only).

    ``exp(x) = 2^k exp(r)``, ``r = x - k ln 2`` enclosed with ``ln 2`` in ``[LN2_LO, LN2_HI]`` (adjacent
    floats; each product and difference widened by one ulp, (L1)), ``exp(r)`` by :func:`_exp_small`, then
    ``ldexp`` by ``k`` (exact, or one rounding in the subnormal range: widened again)."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(all="ignore"):
        xc = np.clip(x, -746.0, 710.0)
        k = np.rint(xc / LN2_LO)
        p1, p2 = k * LN2_LO, k * LN2_HI
        klo, khi = down_fast(np.minimum(p1, p2)), up_fast(np.maximum(p1, p2))
        rlo, rhi = down_fast(xc - khi), up_fast(xc - klo)
        ki = k.astype(np.int64)
        lo = np.maximum(down_fast(np.ldexp(_exp_point(rlo, "lo"), ki)), 0.0)
        hi = up_fast(np.ldexp(_exp_point(rhi, "hi"), ki))
        # beyond the clip: exp(x) > 2^1023.9 (hi = inf) or exp(x) < 2^-1076 (lo = 0)
        hi = np.where(x > 709.0, np.inf, hi)
        lo = np.where(x < -745.0, 0.0, lo)
    return lo, hi


def sigmoid_enclosure(g: Any) -> tuple[np.ndarray, np.ndarray]:
    """``lo <= 1/(1 + exp(-g)) <= hi`` entrywise (rigorous, IEEE only)."""
    Elo, Ehi = exp_enclosure(-np.asarray(g, dtype=np.float64))
    with np.errstate(all="ignore"):
        lo = down_fast(1.0 / up_fast(1.0 + Ehi))
        hi = up_fast(1.0 / down_fast(1.0 + Elo))
    return np.maximum(lo, 0.0), np.minimum(hi, 1.0)


def tanh_enclosure(g: Any) -> tuple[np.ndarray, np.ndarray]:
    """``lo <= tanh(g) <= hi`` entrywise: ``tanh|g| = (1 - E)/(1 + E)``, ``E = exp(-2|g|)`` (rigorous)."""
    g = np.asarray(g, dtype=np.float64)
    Elo, Ehi = exp_enclosure(-2.0 * np.abs(g))  # 2|g| is exact
    with np.errstate(all="ignore"):
        tlo = np.maximum(down_fast(down_fast(1.0 - Ehi) / up_fast(1.0 + Ehi)), 0.0)
        thi = np.minimum(up_fast(up_fast(1.0 - Elo) / down_fast(1.0 + Elo)), 1.0)
    neg = g < 0
    return np.where(neg, -thi, tlo), np.where(neg, -tlo, thi)


#: activations whose float64 values are checked against rigorous enclosures (no libm assumption)
ENCLOSURES = {"sigmoid": sigmoid_enclosure, "tanh": tanh_enclosure}


def activation_error(name: str, G: np.ndarray, F: np.ndarray) -> np.ndarray | None:
    """Rigorous entrywise bounds of ``|F - sigma(G)|`` (``F`` the float activation of the float ``G``),
    from :data:`ENCLOSURES`; None when ``sigma`` has no enclosure here."""
    enc = ENCLOSURES.get(name)
    if enc is None:
        return None
    lo, hi = enc(G)
    with np.errstate(all="ignore"):
        return up_fast(np.maximum(F - lo, hi - F))  # each difference rounded once: up_fast() covers it


def derivative_error(name: str, G: np.ndarray, D: np.ndarray) -> np.ndarray | None:
    """Rigorous entrywise bounds of ``|D - sigma'(G)|`` (``D`` the float derivative at the float ``G``):
    sigmoid ``s (1 - s)``, tanh ``1 - t^2`` over the enclosure of ``s``/``t``."""
    enc = ENCLOSURES.get(name)
    if enc is None:
        return None
    lo, hi = enc(G)
    with np.errstate(all="ignore"):
        if name == "sigmoid":  # s(1 - s) for s in [lo, hi] (all within [0, 1])
            dlo, dhi = _imul(lo, hi, down_fast(1.0 - hi), up_fast(1.0 - lo))
        else:  # 1 - t^2 for t in [lo, hi]
            a, b = np.abs(lo), np.abs(hi)
            t2lo = np.where((lo <= 0) & (hi >= 0), 0.0, down_fast(np.minimum(a, b) ** 2))
            t2hi = up_fast(np.maximum(a, b) ** 2)
            dlo, dhi = down_fast(1.0 - t2hi), up_fast(1.0 - t2lo)
        return up_fast(np.maximum(D - dlo, dhi - D))


# ---------------------------------------------------------------------------
# ball-arithmetic enclosures of any other activation (softplus, user expressions)
# ---------------------------------------------------------------------------

#: working precision of the entrywise arb enclosures (bits): the float values are 53-bit, so 80 bits
#: leave the enclosure radius far below the rounding it bounds
BALL_ENCLOSURE_PREC = 80


def ball_enclosure_function(sigma: Any) -> tuple[Callable[[Any], Any] | None, str]:
    """``(f, "")`` with ``f`` mapping an arb ball to a ball containing ``sigma`` of every point in it
    (SymPy's expression compiled to arb by :class:`exactloss.arith.systems.Ball`), or ``(None, why not)``."""
    from exactloss.arith.systems import Ball

    if getattr(sigma, "generic", False):
        return None, "the generic activation has symbolic values only"
    cache = getattr(sigma, "_cache", None)
    key = ("verified-ball-enclosure",)
    if isinstance(cache, dict) and key in cache:
        return cache[key]
    try:
        f = Ball(BALL_ENCLOSURE_PREC).compile(sigma.expr, sigma.var, f"activation {sigma.describe()}")
        out: tuple[Any, str] = (f, "")
    except (InputError, TypeError, ValueError, AttributeError, NotImplementedError) as exc:
        out = (None, f"no ball-arithmetic enclosure ({exc})")
    if isinstance(cache, dict):
        cache[key] = out
    return out


def ball_activation_error(sigma: Any, G: np.ndarray, eG: np.ndarray, F: np.ndarray) -> np.ndarray:
    """Rigorous entrywise bounds of ``max |F - sigma(g)|`` over ``|g - G| <= eG`` (``F``, ``G``, ``eG`` float).

    Each entry: the arb ball ``[G +- eG]`` (both floats, exact) holds the exact pre-activation, so
    ``sigma`` evaluated on it in arb (:func:`ball_enclosure_function`) holds the exact activation value;
    ``|F - ball|`` is then bounded above and rounded up (one ``nextafter`` over ``float()``).  Entries
    where arb gives no finite enclosure (a pole, NaN) get ``inf``: the transfer then fails, never lies.
    O(entries) ball evaluations; sigmoid/tanh use the float enclosures instead."""
    from flint import arb, ctx

    f, _ = ball_enclosure_function(sigma)
    out = np.full(np.shape(F), np.inf)
    if f is None:
        return out
    g_l, e_l, f_l = (np.asarray(a, dtype=np.float64).ravel().tolist() for a in (G, np.broadcast_to(eG, np.shape(G)), F))
    res = out.ravel()
    saved = ctx.prec
    ctx.prec = BALL_ENCLOSURE_PREC
    try:
        for i, (g, e, v) in enumerate(zip(g_l, e_l, f_l)):
            if not (math.isfinite(g) and math.isfinite(e) and math.isfinite(v)):
                continue
            try:
                y = f(arb(g, e))
                if not y.is_finite():
                    continue
                a = abs(arb(v) - y)  # a ball holding |F - sigma(g)| for every g in the input ball
                # mid + rad >= every point of it; each float() is within one ulp, each nextafter covers that
                m = math.nextafter(float(a.mid()), math.inf)
                r = math.nextafter(float(a.rad()), math.inf)
            except (ArithmeticError, ValueError, TypeError, OverflowError):
                continue
            d = math.nextafter(m + r, math.inf)
            if math.isfinite(d):
                res[i] = d
    finally:
        ctx.prec = saved
    return res.reshape(np.shape(F))
