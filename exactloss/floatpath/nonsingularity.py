"""Definition 3.7's test: is a (block Hessian) matrix non-singular?  Certified in every number system.

:func:`nonsingularity` decides ``det H != 0`` (and, on request, positive
definiteness by leading principal minors) for a block Hessian ``nabla^2_S Phi``
(:func:`exactloss.net.hessian.block_hessian`), at the level its numbers allow:

* ``exact``: ``fmpq_mat.det`` -- proved, either way (non-singular or singular);
* ``ball``: an arb determinant excluding 0, or an arb inverse -- certified; a
  ball that cannot exclude 0 is *undecided*, never "singular";
* ``float``: a verified float64 bound (approximate inverse with a rigorous
  residual, :func:`hessian_nonsingular_float`) or else an SVD --
  numerical either way, since the float assembly of ``H`` is not bounded.

It lives on the float path's layer because its float case uses the verified
bounds of :mod:`exactloss.floatpath.certificates`.  For blocks too large to form,
:func:`hessian_smallest_eigenvalue_lanczos` estimates the smallest ``|lambda|`` from
Hessian-vector products (numerical only).

>>> import numpy as np
>>> nonsingularity(np.array([[2, 1], [1, 1]], dtype=object), "exact", definiteness=True).positive_definite
True
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any, Callable

import numpy as np
from scipy.sparse.linalg import ArpackNoConvergence, LinearOperator, eigsh

from exactloss.errors import InputError, ShapeError
from exactloss.arith.systems import Ball, Exact, NumberSystem, system as _system
from exactloss.floatpath.certificates import FloatCertificate, check_matrix, verified_nonsingular


@dataclass(frozen=True)
class Nonsingularity:
    """Is a square matrix non-singular?  ``holds``: True / False (exact only) / None (undecided)."""

    holds: bool | None
    level: str | None
    method: str
    det: str | None = None
    size: int = 0
    positive_definite: bool | None = None
    note: str = ""

    def to_json(self) -> dict:
        return {"holds": self.holds, "level": self.level, "method": self.method, "det": self.det,
                "size": self.size, "positive_definite": self.positive_definite, "note": self.note}


def short(x: Any, limit: int = 60) -> str:
    """An exact number as a string, abbreviated when long (``"p/q"`` with its digit count)."""
    t = str(x)
    if len(t) <= limit:
        return t
    return f"{t[:20]}...{t[-10:]} ({len(t)} characters)"


def nonsingularity(H: np.ndarray, numbers: NumberSystem | str = "exact", definiteness: bool = False) -> Nonsingularity:
    """Certify ``det H != 0`` (and, if ``definiteness``, positive definiteness by leading minors).

    exact: ``fmpq_mat.det`` -- proved either way.  ball: ``arb_mat.det`` a ball
    excluding 0 -- certified non-singular; containing 0 -- undecided (never
    "singular").  float: numerical, with a verified bound (:func:`hessian_nonsingular_float`)
    when one succeeds, else an SVD.
    """
    S = _system(numbers)
    n = H.shape[0]
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        raise ShapeError(f"block Hessian must be square, got shape {H.shape}")
    if n == 0:
        return Nonsingularity(True, "proved", "empty block", "1", 0)
    if isinstance(S, Exact):
        M = S.matrix(H)
        det = M.det()
        pd = None
        if definiteness:
            pd = all(S.matrix(H[:r, :r]).det() > 0 for r in range(1, n + 1))
        return Nonsingularity(det != 0, "proved", "exact determinant (fmpq_mat)", short(det), n, pd)
    if isinstance(S, Ball):
        with S.scope():
            M = S.matrix(H)
            det = M.det()
            dstr = det.str(10, radius=True)
            if not det.contains(0):
                pd = None
                if definiteness:
                    minors = [S.matrix(H[:r, :r]).det() for r in range(1, n + 1)]
                    if all(m > 0 for m in minors):
                        pd = True
                    elif any(m < 0 for m in minors):
                        pd = False
                return Nonsingularity(True, "certified", f"arb determinant excludes 0 at {S.prec} bits", dstr, n, pd)
            try:
                M.inv()
                return Nonsingularity(True, "certified", f"arb inverse exists at {S.prec} bits", dstr, n)
            except ZeroDivisionError:
                return Nonsingularity(None, None, f"arb could not prove non-singularity at {S.prec} bits", dstr, n,
                                      note="undecided: a failed ball inverse is not a proof of singularity; "
                                           "raise the precision or use exact arithmetic")
    if S.is_float:
        cert = nonsingular(np.asarray(H, dtype=float))
        if cert.full and cert.level == "certified":
            # rigorous for the float64 matrix H as assembled; H's own rounding errors against the exact
            # Hessian are not bounded, so about the network's Hessian this is numerical
            return Nonsingularity(True, "numerical", "verified float64 bound for the float-assembled block "
                                  "(approximate inverse, rigorous residual); the assembly's rounding is not "
                                  "bounded: use --numbers ball to certify the exact Hessian", None, n,
                                  note=f"sigma_min(float block) >= {cert.sigma_min_lower}")
        A = np.asarray(H, dtype=float)
        s = np.linalg.svd(A, compute_uv=False)
        return Nonsingularity(True if s[-1] > 1e-12 * max(1.0, s[0]) else None, "numerical", "float SVD (no guarantee)",
                              None, n, note=f"sigma_min ~ {s[-1]:.3e}, sigma_max ~ {s[0]:.3e}")
    raise InputError(f"non-singularity certificates need exact, ball or float numbers, not {S.name}")


# ---------------------------------------------------------------------------
# float64 block Hessians (Theorem 3.8's non-degeneracy)
# ---------------------------------------------------------------------------


def hessian_nonsingular_float(H: Any, symmetric_tol: float | None = None, **kw: Any) -> FloatCertificate:
    """Certify a (block) Hessian non-singular from an approximate inverse with a rigorous residual bound.

    For a symmetric ``H`` the bound ``sigma_min(H) >= s`` is also
    ``min |lambda(H)| >= s``.  The certified object is the float64 matrix as
    given (e.g. a block Hessian assembled from float HVPs); symmetry is not
    needed for the certificate and is only reported.
    """
    H = check_matrix(H, "Hessian")
    if H.shape[0] != H.shape[1]:
        raise InputError(f"a Hessian block is square; got {H.shape[0]} x {H.shape[1]}")
    c = verified_nonsingular(H, **kw)
    asym = float(np.max(np.abs(H - H.T))) if H.size else 0.0
    return replace(c, note=c.note + f"; max |H - H^T| = {asym:.3e}")


def nonsingular(H: Any, **kw: Any) -> FloatCertificate:
    """Alias of :func:`hessian_nonsingular_float` (the name :func:`nonsingularity` calls)."""
    return hessian_nonsingular_float(H, **kw)


def hessian_smallest_eigenvalue_lanczos(matvec: Callable[[np.ndarray], np.ndarray], n: int, k: int = 1,
                                        tol: float = 1e-8, maxiter: int | None = None) -> FloatCertificate:
    """The smallest ``|lambda|`` of a symmetric operator given by Hessian-vector products (Lanczos, scipy ``eigsh``).

    For blocks too large to form.  Always ``numerical``: Lanczos gives no
    rigorous enclosure.  ``full`` is None; the estimate is ``sigma_min_estimate``.
    """
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
