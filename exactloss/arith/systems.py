"""The number systems: one implementation of the maths, five ways to evaluate it.

Contract.  A :class:`NumberSystem` turns exact inputs (rationals) into its
own elements, evaluates SymPy expressions (activations, losses) on them
entrywise, and says what its answers are worth (``level``):

========== ============================ ==========================================
name        elements                     a result from it is
========== ============================ ==========================================
symbolic    SymPy expressions            proved, for every value of the symbols
exact       python-flint ``fmpq``        proved, for this instance
ball        python-flint ``arb``         certified (every ball holds the true value)
mpmath      ``mpmath.mpf`` at ``dps``     numerical (high precision, no guarantee)
float       NumPy ``float64``            numerical (certified only via a verified bound)
========== ============================ ==========================================

Matrices are NumPy arrays: ``dtype=object`` holding the system's elements for
the first four systems, ``float64`` for ``float``.  NumPy's ``@``, ``*``,
``+``, ``.T`` and ``.sum`` work on both, which is what lets :mod:`exactloss.net.network`
and :mod:`exactloss.net.backprop` be written once.

Precision is scoped, never leaked: ball and mpmath work happens inside
``with system.scope():``, which sets and then restores flint's ``ctx.prec``
or mpmath's ``mp.dps``.  The conversion methods scope themselves.

>>> B = Ball(prec=128)
>>> with B.scope():
...     x = B.scalar("1/3") * 3
>>> x.contains(1)
True
>>> E = Exact()
>>> str(E.scalar("-3/7") + E.scalar(1))
'4/7'
"""

from __future__ import annotations

import contextlib
import math
import re
from fractions import Fraction
from typing import Any, Callable, Iterable

import mpmath
import numpy as np
import sympy as sp
from flint import arb, arb_mat, ctx, fmpq, fmpq_mat, fmpz

from exactloss.errors import DataError, InputError, UnknownNameError
from exactloss.arith.compile import compile_arb, compile_exact

# --------------------------------------------------------------------------
# exact rationals: parsing user input
# --------------------------------------------------------------------------


MAX_DIGITS = 4000    # digits of a number written as text (Python itself refuses int strings past 4300 digits)
MAX_EXPONENT = 1000  # |k| in a decimal exponent, 1.5e<k>
_MAX_BITS = 13288    # 4000 decimal digits
LIMITS = (f"numbers in files and options are limited to {MAX_DIGITS} digits and decimal exponents "
           f"e-{MAX_EXPONENT} .. e+{MAX_EXPONENT}; rescale the data")
_DIGIT_RUN = re.compile(r"[0-9_]+", re.ASCII)
_EXPONENT = re.compile(r"[eE]\s*([+-]?)\s*([0-9_]+)", re.ASCII)


def _shown(value: Any) -> str:
    s = repr(value)
    return s if len(s) <= 60 else f"{s[:40]}...({len(s)} characters)"


def _check_number_size(text: str, where: str) -> None:
    """Refuse, before any power of ten is formed, a number string too large to read quickly.

    ``Fraction("1e999999999")`` computes ``10**999999999`` (minutes of work); the
    limits below are checked on the text itself."""
    for run in _DIGIT_RUN.findall(text):
        if len(run.replace("_", "")) > MAX_DIGITS:
            raise InputError(f"{where}: {_shown(text)} has more than {MAX_DIGITS} digits; {LIMITS}")
    for sign, digits in _EXPONENT.findall(text):
        k = digits.replace("_", "").lstrip("0")
        if len(k) > 6 or int(k or "0") > MAX_EXPONENT:
            raise InputError(f"{where}: the decimal exponent of {_shown(text)} is out of range; {LIMITS}")


def parse_rational(value: Any, where: str = "value") -> Fraction:
    """Read one number as an exact rational.

    Integers and strings like ``"-3/7"``, ``"0.25"``, ``"1e-3"`` are read
    exactly (decimal strings as the decimal they spell); floats are taken as
    the exact binary rationals they are.  NaN/inf and non-numbers raise
    :class:`DataError`/:class:`InputError` naming ``where``, and so does a
    string beyond :data:`MAX_DIGITS` digits or a decimal exponent beyond
    :data:`MAX_EXPONENT` (``"1e999999999"`` is refused at once, not computed).
    """
    if isinstance(value, bool):
        raise InputError(f"{where}: expected a number, got the boolean {value!r}")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, (int, np.integer)):
        return Fraction(int(value))
    if isinstance(value, fmpq):
        return Fraction(int(value.p), int(value.q))
    if isinstance(value, fmpz):
        return Fraction(int(value))
    if isinstance(value, sp.Rational):
        return Fraction(int(value.p), int(value.q))
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(float(value)):
            raise DataError(f"{where}: {float(value)} is not a finite number; remove NaN/inf entries")
        return Fraction(float(value))
    if isinstance(value, str):
        text = value.strip()
        low = text.lower()
        if low in {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "-infinity", "+infinity"}:
            raise DataError(f"{where}: {text!r} is not a finite number; remove NaN/inf entries")
        _check_number_size(text, where)
        try:
            q = Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise InputError(
                f"{where}: {_shown(value)} is not a number; write integers, decimals or exact fractions like \"-3/7\""
            ) from None
        if max(abs(q.numerator).bit_length(), q.denominator.bit_length()) > _MAX_BITS:
            raise InputError(f"{where}: {_shown(value)} is an exact rational with more than {MAX_DIGITS} digits "
                             f"(numerator or denominator); {LIMITS}")
        return q
    raise InputError(f"{where}: expected a number, got {type(value).__name__} {value!r}")


def rational_matrix(rows: Any, where: str = "matrix", ndim: int = 2) -> np.ndarray:
    """A nested list / array of numbers as an object array of exact Fractions.

    ``ndim=1`` reads a vector.  Ragged rows, wrong nesting and bad entries
    raise :class:`InputError` naming ``where`` and the offending position.
    """
    if isinstance(rows, np.ndarray) and rows.dtype != object:
        arr = rows
        if arr.dtype.kind not in "iuf":
            raise InputError(f"{where}: expected numbers, got an array of dtype {arr.dtype}")
        if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
            bad = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
            raise DataError(f"{where}: entry {bad} is {arr[bad]}; remove NaN/inf entries")
    else:
        if ndim == 2 and isinstance(rows, (list, tuple)) and rows and all(isinstance(r, (list, tuple, np.ndarray)) for r in rows):
            lengths = sorted({len(r) for r in rows})
            if len(lengths) > 1:
                raise InputError(f"{where}: rows have different lengths {lengths}; every row needs the same number of entries")
        try:
            arr = np.array(rows, dtype=object)
        except ValueError:
            raise InputError(f"{where}: rows have different lengths; every row needs the same number of entries") from None
    if ndim == 2 and arr.ndim == 1 and arr.size == 0:
        arr = arr.reshape(0, 0)
    if arr.ndim != ndim:
        kind = "a matrix (a list of rows)" if ndim == 2 else "a vector (a list of numbers)"
        raise InputError(f"{where}: expected {kind}, got an array with {arr.ndim} dimension(s)")
    out = np.empty(arr.shape, dtype=object)
    for idx in np.ndindex(arr.shape):
        out[idx] = parse_rational(arr[idx], f"{where}{list(idx)}")
    return out


# --------------------------------------------------------------------------
# formatting
# --------------------------------------------------------------------------


def format_number(x: Any, digits: int = 20) -> Any:
    """A value of any system as JSON: exact ones as strings ``"p/q"``, balls as ``"[mid +/- rad]"``."""
    if isinstance(x, (Fraction, fmpq)):
        return str(x)
    if isinstance(x, (int, fmpz, np.integer)):
        return str(int(x))
    if isinstance(x, arb):
        return x.str(digits, radius=True)
    if isinstance(x, mpmath.mpf):
        return mpmath.nstr(x, digits)
    if isinstance(x, (float, np.floating)):
        return float(x)
    if isinstance(x, sp.Basic):
        return str(x)
    return str(x)


# --------------------------------------------------------------------------
# the systems
# --------------------------------------------------------------------------


def all_finite(x: Any) -> bool:
    """Is every entry of ``x`` (a value of any system, or arrays / sequences of them) finite?"""
    if isinstance(x, np.ndarray):
        if x.dtype != object:
            return bool(np.all(np.isfinite(x))) if x.dtype.kind in "fc" else True
        return all(all_finite(v) for v in x.flat)
    if isinstance(x, (list, tuple)):
        return all(all_finite(v) for v in x)
    if isinstance(x, arb):
        return bool(x.is_finite())
    if isinstance(x, mpmath.mpf):
        return bool(mpmath.isfinite(x))
    if isinstance(x, (float, np.floating)):
        return math.isfinite(float(x))
    if isinstance(x, sp.Basic):
        return not x.has(sp.nan, sp.zoo, sp.oo, -sp.oo)
    return True


def per_object(A: np.ndarray, f: Any) -> tuple[list, np.ndarray]:
    """``(values, inverse)`` with ``f`` applied once per distinct object of the object array ``A``:
    ``f(A.flat[i]) == values[inverse[i]]``.

    Objects are told apart by identity, then by value, so a 1796 x 1796 weight matrix whose zeros and
    repeated entries are a few objects costs a few calls of ``f`` instead of 3.2 million (the float
    image and its rounding bound, :func:`exactloss.floatpath.rounding.conversion_error`).  ``A`` holds
    the objects for the whole call, so their identities stay valid.
    """
    flat = A.ravel()
    ids = np.fromiter(map(id, flat), dtype=np.uint64, count=flat.size)
    uid, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
    values: list = []
    by_value: dict = {}
    for i in first.tolist():
        x = flat[i]
        try:
            key = (type(x), x)
            hash(key)
        except TypeError:  # an unhashable entry (a list): refused by f itself
            values.append(f(x))
            continue
        if key not in by_value:
            by_value[key] = f(x)
        values.append(by_value[key])
    return values, inverse.reshape(-1)


def _float_of(q: Fraction) -> float:
    """An exact rational as the nearest float64, refusing one beyond the float range (``float`` raises OverflowError)."""
    try:
        return float(q)
    except OverflowError:
        k = len(str(abs(q.numerator) // q.denominator)) - 1
        raise DataError(f"an entry of about {'-' if q < 0 else ''}1e{k} is beyond the float64 range (|x| < 1.8e308); "
                        "rescale the data or use --numbers ball or exact") from None


class NumberSystem:
    """Base class.  Subclasses set ``name``, ``level`` and the conversions."""

    name = "abstract"
    level = "numerical"
    is_float = False

    # -- precision scope ------------------------------------------------
    def scope(self) -> contextlib.AbstractContextManager:
        return contextlib.nullcontext()

    # -- conversions ---------------------------------------------------
    def scalar(self, q: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def array(self, M: Any, ndim: int | None = None) -> np.ndarray:
        """An array of exact rationals (or anything :func:`parse_rational` reads) in this system."""
        if isinstance(M, np.ndarray) and M.dtype == object and M.size and self.owns(M.flat[0]):
            return M
        A = np.asarray(M, dtype=object)
        with self.scope():
            out = np.empty(A.shape, dtype=object)
            for idx in np.ndindex(A.shape):
                out[idx] = self.scalar(A[idx])
        return out

    def owns(self, x: Any) -> bool:
        return False

    def ones(self, n: int) -> np.ndarray:
        return self.array([1] * n)

    def zeros(self, shape: tuple[int, ...]) -> np.ndarray:
        return self.array(np.zeros(shape, dtype=int).tolist())

    # -- functions -----------------------------------------------------
    def compile(self, expr: sp.Expr, var: sp.Symbol, what: str) -> Callable[[Any], Any]:
        """A callable evaluating ``expr`` (a SymPy expression in ``var``) on one element."""
        raise NotImplementedError  # pragma: no cover

    def elementwise(self, f: Callable[[Any], Any], A: np.ndarray) -> np.ndarray:
        """Apply a scalar callable entrywise."""
        with self.scope():
            out = np.empty(A.shape, dtype=object)
            for idx in np.ndindex(A.shape):
                out[idx] = f(A[idx])
        return out

    def format(self, x: Any, digits: int = 20) -> Any:
        return format_number(x, digits)

    def level_of(self, *values: Any) -> str | None:
        """The level a result computed from ``values`` may claim: this system's, or None when a value is not finite.

        A ball that is NaN or infinite (``exp`` of ``1e400`` at a finite precision) encloses the true
        value but bounds nothing: it is no certificate, so nothing built on it is ``certified``; a
        float NaN/inf is not even a numerical answer.
        """
        return self.level if all_finite(values) else None

    def describe(self) -> dict:
        return {"numbers": self.name, "level": self.level}

    def __repr__(self) -> str:
        extra = {k: v for k, v in self.describe().items() if k not in ("numbers", "level")}
        args = ", ".join(f"{k}={v}" for k, v in extra.items())
        return f"{type(self).__name__}({args})"


class Symbolic(NumberSystem):
    """SymPy expressions: identities proved for every value of the symbols."""

    name = "symbolic"
    level = "proved"

    def scalar(self, q: Any) -> sp.Expr:
        if isinstance(q, sp.Basic):
            return q
        f = parse_rational(q)
        return sp.Rational(f.numerator, f.denominator)

    def owns(self, x: Any) -> bool:
        return isinstance(x, sp.Basic)

    def compile(self, expr: sp.Expr, var: sp.Symbol, what: str) -> Callable[[Any], Any]:
        return lambda x: expr.xreplace({var: x})

    def symbols(self, name: str, shape: tuple[int, int]) -> np.ndarray:
        """A matrix of fresh real symbols ``name_i_j`` (1-based, as in the paper)."""
        out = np.empty(shape, dtype=object)
        for i in range(shape[0]):
            for j in range(shape[1]):
                out[i, j] = sp.Symbol(f"{name}_{i + 1}_{j + 1}", real=True)
        return out


class Exact(NumberSystem):
    """Exact rationals (python-flint ``fmpq``): proved for this instance."""

    name = "exact"
    level = "proved"

    def scalar(self, q: Any) -> fmpq:
        if isinstance(q, fmpq):
            return q
        f = parse_rational(q)
        return fmpq(f.numerator, f.denominator)

    def owns(self, x: Any) -> bool:
        return isinstance(x, fmpq)

    def compile(self, expr: sp.Expr, var: sp.Symbol, what: str) -> Callable[[Any], Any]:
        return compile_exact(expr, var, what)

    def matrix(self, A: np.ndarray) -> fmpq_mat:
        A = self.array(A)
        return fmpq_mat(A.shape[0], A.shape[1], [x for x in A.flat]) if A.size else fmpq_mat(*A.shape)

    def rank(self, A: np.ndarray) -> int:
        if A.size == 0:
            return 0
        return int(self.matrix(A).rank())

    def det(self, A: np.ndarray) -> fmpq:
        return self.matrix(A).det()


class Ball(NumberSystem):
    """python-flint ``arb`` balls at ``prec`` bits: certified enclosures."""

    name = "ball"
    level = "certified"

    def __init__(self, prec: int = 128) -> None:
        if int(prec) < 16:
            raise InputError(f"ball precision {prec} bits is too small; use at least 16 bits")
        self.prec = int(prec)

    @classmethod
    def from_digits(cls, digits: int) -> "Ball":
        return cls(prec=int(math.ceil(digits * math.log2(10))) + 10)

    @property
    def digits(self) -> int:
        return int(self.prec / math.log2(10))

    @contextlib.contextmanager
    def scope(self):
        saved = ctx.prec
        ctx.prec = self.prec
        try:
            yield self
        finally:
            ctx.prec = saved

    def scalar(self, q: Any) -> arb:
        if isinstance(q, arb):
            return q
        f = parse_rational(q)
        with self.scope():
            return arb(fmpq(f.numerator, f.denominator))

    def owns(self, x: Any) -> bool:
        return isinstance(x, arb)

    def compile(self, expr: sp.Expr, var: sp.Symbol, what: str) -> Callable[[Any], Any]:
        return compile_arb(expr, var)

    def matrix(self, A: np.ndarray) -> arb_mat:
        A = self.array(A)
        with self.scope():
            return arb_mat(A.tolist())

    def describe(self) -> dict:
        return {"numbers": self.name, "level": self.level, "prec_bits": self.prec}

    def format(self, x: Any, digits: int | None = None) -> Any:
        # decimal conversion at the ball's own precision, so printing does not widen the radius
        with self.scope():
            return format_number(x, digits or max(self.digits, 5))

    def with_prec(self, prec: int) -> "Ball":
        return Ball(prec)


class MP(NumberSystem):
    """mpmath ``mpf`` at ``dps`` decimal digits: numerical, high precision."""

    name = "mpmath"
    level = "numerical"

    def __init__(self, dps: int = 40) -> None:
        if int(dps) < 5:
            raise InputError(f"mpmath precision {dps} digits is too small; use at least 5 digits")
        self.dps = int(dps)

    def scope(self):
        return mpmath.workdps(self.dps)

    def scalar(self, q: Any) -> mpmath.mpf:
        if isinstance(q, mpmath.mpf):
            return q
        f = parse_rational(q)
        with self.scope():
            return mpmath.mpf(f.numerator) / f.denominator

    def owns(self, x: Any) -> bool:
        return isinstance(x, mpmath.mpf)

    def compile(self, expr: sp.Expr, var: sp.Symbol, what: str) -> Callable[[Any], Any]:
        f = sp.lambdify(var, expr, modules="mpmath")
        return lambda x: mpmath.mpf(f(x))

    def describe(self) -> dict:
        return {"numbers": self.name, "level": self.level, "dps": self.dps}

    def format(self, x: Any, digits: int | None = None) -> Any:
        return mpmath.nstr(x, digits or self.dps)


class Float(NumberSystem):
    """NumPy float64 (or float32), vectorised: numerical."""

    name = "float"
    level = "numerical"
    is_float = True

    def __init__(self, dtype: Any = np.float64) -> None:
        self.dtype = np.dtype(dtype)

    def scalar(self, q: Any) -> float:
        if isinstance(q, (float, np.floating)):
            return self.dtype.type(q)
        return self.dtype.type(_float_of(parse_rational(q)))

    def array(self, M: Any, ndim: int | None = None) -> np.ndarray:
        if isinstance(M, np.ndarray) and M.dtype == self.dtype:
            if M.size and not np.isfinite(M).all():
                raise DataError("float array has NaN/inf entries; remove them")
            return M
        A = np.asarray(M)
        if A.dtype.kind not in "iuf":
            A = np.asarray(M, dtype=object)
        if A.dtype.kind == "f" and A.size and not np.all(np.isfinite(A)):
            raise DataError("float array has NaN/inf entries; remove them")
        if A.dtype == object:
            if not A.size:
                return A.astype(self.dtype)
            values, inverse = per_object(A, lambda x: _float_of(parse_rational(x)))
            return np.asarray(values, dtype=self.dtype)[inverse].reshape(A.shape)
        return A.astype(self.dtype)

    def ones(self, n: int) -> np.ndarray:
        return np.ones(n, dtype=self.dtype)

    def zeros(self, shape: tuple[int, ...]) -> np.ndarray:
        return np.zeros(shape, dtype=self.dtype)

    def owns(self, x: Any) -> bool:
        return isinstance(x, np.floating)

    def compile(self, expr: sp.Expr, var: sp.Symbol, what: str) -> Callable[[Any], Any]:
        # scipy supplies the special functions numpy lacks (erf, erfc): with "numpy" alone SymPy prints
        # them as math.erf, which fails on arrays
        return sp.lambdify(var, expr, modules=["numpy", "scipy"])

    def elementwise(self, f: Callable[[Any], Any], A: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore", under="ignore"):
            out = f(A)
        out = np.asarray(out, dtype=self.dtype)
        if out.shape != A.shape:  # constant expressions
            out = np.broadcast_to(out, A.shape).copy()
        return out

    def format(self, x: Any, digits: int = 17) -> Any:
        return float(x)

    def describe(self) -> dict:
        return {"numbers": self.name, "level": self.level, "dtype": str(self.dtype)}


NUMBER_SYSTEMS = ("symbolic", "exact", "ball", "mpmath", "float")


def system(name: str | NumberSystem, digits: int | None = None) -> NumberSystem:
    """A number system by name: ``symbolic``, ``exact``, ``ball``, ``mpmath`` or ``float``.

    ``digits`` sets the precision of ``ball`` (converted to bits, plus guard
    bits) and ``mpmath``.
    """
    if isinstance(name, NumberSystem):
        return name
    key = str(name).strip().lower()
    if key == "symbolic":
        return Symbolic()
    if key == "exact":
        return Exact()
    if key == "ball":
        return Ball.from_digits(digits) if digits else Ball()
    if key in ("mpmath", "mp"):
        return MP(digits or 40)
    if key in ("float", "float64"):
        return Float()
    if key == "float32":
        return Float(np.float32)
    raise UnknownNameError(f"unknown number system {name!r}; known: {', '.join(NUMBER_SYSTEMS)}")


def to_fractions(values: Iterable[Any]) -> list[Fraction]:
    return [parse_rational(v) for v in values]
