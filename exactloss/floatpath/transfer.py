"""The float-to-exact transfer: a float64 certificate made into one about the **exact** matrix of the inputs.

A statement of the paper is about an exact matrix -- e.g. ``[F_k, 1_N]`` at the given (exact) parameters
and data (Lemma 3.5(1), Lemmas 4.3/4.4) -- and its float64 image ``A`` differs from it by the rounding of
the inputs and of the forward pass.  :func:`certify_exact` is the one place that turns a float-matrix
certificate (:func:`exactloss.floatpath.certificates.full_row_rank_float`) into one about the exact
matrix ``M``: with a rigorous bound ``delta >= ||A - M||_2`` (here
:func:`exactloss.floatpath.forward_error.forward_error_bound`, entrywise, then Frobenius),

    sigma_min(M) >= sigma_min(A) - delta        (Weyl);

without such a bound the statement is **undecided** (``missing`` names the transfer) and the
float-matrix fact is kept in ``float_matrix``, labelled as being about the float matrix.

Contents: :func:`certify_exact` (the transfer), :func:`certify_exact_matrix` /
:func:`certify_exact_column_rank` (an exact matrix, e.g. ``W_l`` with entries 1/3, whose rounding is
counted), :func:`certify_layer_float` (the exact ``[F_k, 1_N]`` at given parameters) and
:func:`rank_result` (a :class:`exactloss.evidence.Result` from a certificate).

>>> import numpy as np
>>> c = certify_exact(np.array([[2.0, 1.0], [1.0, 3.0]]), 0.0, "M")
>>> c.full, c.level, c.certifies
(True, 'certified', 'M: the float64 matrix is the exact matrix')
"""

from __future__ import annotations

import math
import time
from dataclasses import replace
from fractions import Fraction
from typing import Any, Callable

import numpy as np

from exactloss.arith.systems import Exact, rational_matrix
from exactloss.errors import InputError
from exactloss.evidence import Result
from exactloss.floatpath.certificates import FloatCertificate, check_matrix, full_row_rank_float
from exactloss.floatpath.fastpath import float_parameters, layer_with_ones
from exactloss.floatpath.forward_error import forward_error_bound
from exactloss.floatpath.rounding import conversion_error, down, frobenius_upper, up
from exactloss.net.rank import full_row_rank, with_ones

#: the exact-rank fallback (an affine or rational sigma) runs only on matrices up to this many entries
EXACT_FALLBACK_ENTRIES = 20000


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
    if isinstance(M, np.ndarray) and M.dtype.kind == "f":
        Af = check_matrix(M, "matrix")
        Me, d = None, None
    else:
        Me = rational_matrix(M, "matrix")
        Af = check_matrix(np.vectorize(float, otypes=[float])(Me) if Me.size else np.zeros(Me.shape), "matrix")
        d = conversion_error(Me, Af)
    exact = None
    if Af.size <= EXACT_FALLBACK_ENTRIES and Af.shape[0] <= 150:  # small: exact rank decides what floats cannot
        def exact() -> Any:
            return full_row_rank(Me if Me is not None else np.vectorize(Fraction, otypes=[object])(Af), "exact")
    return certify_exact(Af, 0.0 if d is None else frobenius_upper(d), "the given (exact) matrix", exact=exact, **kw)


def certify_exact_column_rank(W: Any, **kw: Any) -> FloatCertificate:
    """``rank(W) = cols`` (the paper's ``rank(W_l) = n_l``) of the exact ``W`` through the float path
    (:func:`certify_exact_matrix` of ``W^T``: the rounding of non-float entries such as 1/3 is counted)."""
    if not (isinstance(W, np.ndarray) and W.dtype.kind == "f"):
        W = rational_matrix(W, "W")
    c = certify_exact_matrix(np.ascontiguousarray(W.T), **kw)
    note = c.note.replace("rows", "columns") if c.method == "shape" else c.note
    return replace(c, shape=tuple(W.shape), note=note)


def exact_layer_rank(net: Any, P: Any, X: Any, k: int) -> Callable[[], Any] | None:
    """A callable computing the exact rank of ``[F_k, 1_N]`` (rational sigma only; small instances), or None."""
    N = int(np.shape(X)[0])
    if N * (net.widths[k] + 1) > EXACT_FALLBACK_ENTRIES or N > 150 or k > 2 or getattr(net.activation, "generic", False):
        return None

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
    :func:`exactloss.floatpath.forward_error.forward_error_bound` (the rounding of the inputs included, an enclosure
    for every sigma: IEEE-only for sigmoid/tanh, arb balls for softplus and user expressions).  The
    certificate is withdrawn when that bound is too large -- which happens when the exact matrix is
    (nearly) rank deficient but rounding made the float matrix regular (a linear layer: ``rank [X W + 1
    b^T, 1] <= d + 2`` exactly, while its float64 image can have ``sigma_min ~ 1e-17``); then, for a
    rational sigma on a small instance (``exact_fallback``), the exact rank decides.  ``forward_bound=False``:
    no transfer, the statement about the exact matrix is undecided and only the float-matrix fact is
    reported (``info["float_matrix"]``).  ``info["certifies"]`` says which matrix the certificate is about.
    """
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
    exact = exact_layer_rank(net, P, X, k) if exact_fallback and (forward_bound or k == 0) else None
    c = certify_exact(A, delta, about, missing=missing, assumption=assumption, exact=exact, **kw)
    fm = c.float_matrix or {}
    info.update({"sigma_min_lower_float_matrix": fm.get("sigma_min_lower"), "float_matrix": c.float_matrix,
                 "certifies": c.certifies, "missing": c.missing,
                 "sigma_min_lower_exact_matrix": c.sigma_min_lower if c.full else None})
    return c, info


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
