"""The safe expression reader: a formula as text -> a SymPy expression, never Python ``eval``.

Activations ``sigma(t)``, losses ``l(a)`` (Assumptions 3.2) and the polynomials of
Definition 3.7 / Theorem 3.10 come from the command line and from saved JSON
records (which ``exactloss verify`` and ``explain`` replay).  They are data, never
code: this module tokenizes the text and builds the SymPy expression directly with a
precedence-climbing, recursive-descent parser.  Nothing is handed to ``eval``,
``exec``, ``sympify`` or ``parse_expr``.

The grammar (Python's precedence; ``^`` is a power, as in ``t^2``)::

    cond    := conj ('|' conj)*                  -- only inside Piecewise conditions
    conj    := rel ('&' rel)*
    rel     := sum (('<' | '<=' | '>' | '>=' | '==' | '!=') sum)*
    sum     := term (('+' | '-') term)*
    term    := unary (('*' | '/') unary | power)*  -- "2t", "2(t+1)": implicit products
    unary   := ('+' | '-') unary | power
    power   := atom (('**' | '^') unary)?          -- right associative: 2**3**2 = 2**9
    atom    := number | name | name '(' args ')' | '(' sum ')'
             | 'Piecewise' '(' '(' sum ',' cond ')' (',' '(' sum ',' cond ')')* ')'

Accepted: the caller's variables, numbers (integers, decimals, scientific notation,
all read as EXACT rationals: ``0.1`` is ``1/10``), the constants ``pi``, ``e``/``E``,
and the functions of :data:`FUNCTIONS`.  Refused with an :class:`InputError` that says
why: any other name (the message names it and lists what is known), text longer than
:data:`MAX_LENGTH`, nesting deeper than :data:`MAX_DEPTH`, number literals with more
than :data:`MAX_DIGITS` digits or a decimal exponent beyond :data:`MAX_EXPONENT`, and
powers whose size cannot be bounded before SymPy evaluates them (a rational exponent
with numerator or denominator beyond :data:`MAX_POWER_EXPONENT`, an exact number
beyond :data:`MAX_POWER_BITS` bits, i.e. :data:`MAX_DIGITS` digits): ``t**(10**100)`` and ``2**2**2**40`` are
refused at once instead of hanging.

>>> t = sp.Symbol("t", real=True)
>>> parse("0.1*t + tanh(t)", {"t": t})
t/10 + tanh(t)
>>> parse("Piecewise((0, t < 0), (t^2, True))", {"t": t})
Piecewise((0, t < 0), (t**2, True))
>>> parse("__import__('os')", {"t": t})
Traceback (most recent call last):
...
exactloss.errors.InputError: expression: cannot parse "__import__('os')": unexpected character "'" at position 11
"""

from __future__ import annotations

import numbers
import re
from fractions import Fraction
from typing import Any, Callable, Mapping

import sympy as sp
from flint import fmpq, fmpz

from exactloss.errors import InputError

MAX_LENGTH = 2000           # characters of one formula
MAX_DEPTH = 64              # nesting of parentheses, unary signs, powers and calls
MAX_DIGITS = 4000           # digits of one number literal
MAX_EXPONENT = 1000         # |k| in a literal like 1.5e<k>
MAX_POWER_EXPONENT = 1000   # |p| and q of a rational exponent p/q in x**(p/q)
MAX_POWER_BITS = 13288      # bits (4000 digits) of an exact number built from literals, e.g. 3**1000


def _sigmoid(x: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-x))


def _relu(x: sp.Expr) -> sp.Expr:
    return sp.Max(0, x)


def _softplus(x: sp.Expr) -> sp.Expr:
    return sp.log(1 + sp.exp(x))


# name -> (constructor, least number of arguments, most (None: any))
FUNCTIONS: dict[str, tuple[Callable[..., Any], int, int | None]] = {
    "exp": (sp.exp, 1, 1), "log": (sp.log, 1, 2), "ln": (sp.log, 1, 1), "sqrt": (sp.sqrt, 1, 1),
    "sin": (sp.sin, 1, 1), "cos": (sp.cos, 1, 1), "tan": (sp.tan, 1, 1), "cot": (sp.cot, 1, 1),
    "sec": (sp.sec, 1, 1), "csc": (sp.csc, 1, 1),
    "asin": (sp.asin, 1, 1), "acos": (sp.acos, 1, 1), "atan": (sp.atan, 1, 1), "acot": (sp.acot, 1, 1),
    "sinh": (sp.sinh, 1, 1), "cosh": (sp.cosh, 1, 1), "tanh": (sp.tanh, 1, 1), "coth": (sp.coth, 1, 1),
    "asinh": (sp.asinh, 1, 1), "acosh": (sp.acosh, 1, 1), "atanh": (sp.atanh, 1, 1),
    "erf": (sp.erf, 1, 1), "erfc": (sp.erfc, 1, 1),
    "Abs": (sp.Abs, 1, 1), "abs": (sp.Abs, 1, 1), "sign": (sp.sign, 1, 1),
    "Max": (sp.Max, 1, None), "max": (sp.Max, 1, None), "Min": (sp.Min, 1, None), "min": (sp.Min, 1, None),
    "Heaviside": (sp.Heaviside, 1, 2), "floor": (sp.floor, 1, 1), "ceiling": (sp.ceiling, 1, 1),
    "sigmoid": (_sigmoid, 1, 1), "relu": (_relu, 1, 1), "softplus": (_softplus, 1, 1),
}
CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "e": sp.E, "E": sp.E}
# only inside a Piecewise condition
_LOGIC: dict[str, tuple[Callable[..., Any], int, int | None]] = {"And": (sp.And, 1, None), "Or": (sp.Or, 1, None),
                                                                 "Not": (sp.Not, 1, 1)}
_TRUTH = {"True": sp.true, "False": sp.false}
_COMPARE = {"<": sp.Lt, "<=": sp.Le, ">": sp.Gt, ">=": sp.Ge, "==": sp.Eq, "!=": sp.Ne}

_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>\*\*|<=|>=|==|!=|[-+*/^()<>,&|]))",
    re.ASCII,
)
_NUMBER = re.compile(r"([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?)([0-9]+))?", re.ASCII)

Variables = Mapping[str, sp.Symbol] | Callable[[str], "sp.Symbol | None"]


def known_names() -> str:
    """The functions and constants the reader knows, for error messages."""
    return ", ".join(sorted(FUNCTIONS, key=str.lower)) + "; constants pi, e; Piecewise((expr, condition), ...)"


def read_number(text: str, where: str = "number") -> Fraction:
    """A decimal literal (``"12"``, ``"0.1"``, ``"1.5e-3"``) as the exact rational it spells.

    Refuses (:class:`InputError`) more than :data:`MAX_DIGITS` digits or an exponent
    beyond :data:`MAX_EXPONENT` in absolute value *before* any power of ten is formed.
    """
    m = _NUMBER.fullmatch(text)
    if m is None or not (m.group(1) or m.group(2)):
        raise InputError(f"{where}: {text!r} is not a number")
    whole, frac, sign, exp = m.group(1), m.group(2) or "", m.group(3), m.group(4)
    if len(whole) + len(frac) > MAX_DIGITS:
        raise InputError(f"{where}: the number {text[:20]}... has {len(whole) + len(frac)} digits; at most "
                         f"{MAX_DIGITS} digits are accepted")
    k = 0
    if exp is not None:
        if len(exp.lstrip("0")) > 6 or int(exp) > MAX_EXPONENT:
            raise InputError(f"{where}: the exponent of {text[:40]!r} is beyond the accepted range "
                             f"|exponent| <= {MAX_EXPONENT}; rescale the number")
        k = -int(exp) if sign == "-" else int(exp)
    digits = (whole + frac).lstrip("0") or "0"
    k -= len(frac)
    if digits != "0" and (len(digits) + max(k, 0) > MAX_DIGITS or -k > MAX_DIGITS):
        raise InputError(f"{where}: {text[:40]!r} is an exact rational with more than {MAX_DIGITS} digits; "
                         "at most that many are accepted")
    n = int(digits)
    return Fraction(n * 10 ** k) if k >= 0 else Fraction(n, 10 ** (-k))


class _Parser:
    def __init__(self, text: str, variables: Variables, what: str, example: str) -> None:
        self.text = text
        self.what = what
        self.example = example
        self.variables = variables
        self.toks: list[tuple[str, str, int]] = []
        pos = 0
        while True:
            m = _TOKEN.match(text, pos)
            if m is None or m.end() == pos:
                rest = text[pos:].lstrip()
                if not rest:
                    break
                at = len(text) - len(rest)
                self.fail(f"unexpected character {rest[0]!r} at position {at}")
            kind = m.lastgroup
            self.toks.append((kind, m.group(kind), m.start(kind)))
            pos = m.end()
        self.toks.append(("end", "", len(text)))
        self.i = 0
        self.depth = 0

    # -- helpers ----------------------------------------------------------
    def fail(self, why: str) -> None:
        raise InputError(f"{self.what}: cannot parse {self.text!r}: {why}" if len(self.text) <= 200 else
                         f"{self.what}: cannot parse the expression ({len(self.text)} characters): {why}")

    def refuse(self, why: str) -> None:
        shown = repr(self.text) if len(self.text) <= 200 else f"({len(self.text)} characters)"
        raise InputError(f"{self.what}: {shown} {why}")

    @property
    def tok(self) -> tuple[str, str, int]:
        return self.toks[self.i]

    def at(self, *ops: str) -> bool:
        kind, val, _ = self.tok
        return kind == "op" and val in ops

    def expect(self, op: str) -> None:
        if not self.at(op):
            kind, val, pos = self.tok
            if kind == "op" and val in (*_COMPARE, "&", "|"):
                self.fail(f"{val!r} at position {pos}: comparisons and &, | are allowed only inside Piecewise "
                          "conditions, Piecewise((expr, condition), ..., (expr, True))")
            self.fail(f"expected {op!r} at position {pos}, found " + (repr(val) if kind != "end" else "the end"))
        self.i += 1

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.refuse(f"is nested more than {MAX_DEPTH} levels deep; simplify the formula")

    @staticmethod
    def is_expr(x: Any) -> bool:
        return isinstance(x, sp.Expr)

    def need_expr(self, x: Any, pos: int) -> sp.Expr:
        if not self.is_expr(x):
            self.fail(f"a condition (comparison, &, |, True/False) at position {pos} where a number or formula is "
                      "needed; conditions belong in Piecewise((expr, condition), ..., (expr, True))")
        return x

    def need_cond(self, x: Any, pos: int) -> Any:
        if self.is_expr(x):
            self.fail(f"a formula at position {pos} where a condition (a comparison such as t < 0, or True) is needed")
        return x

    # -- grammar ----------------------------------------------------------
    def parse(self) -> sp.Expr:
        e = self.sum(False)
        kind, val, pos = self.tok
        if kind != "end":
            if kind == "op" and val in (*_COMPARE, "&", "|"):
                self.fail(f"{val!r} at position {pos}: comparisons and &, | are allowed only inside Piecewise "
                          "conditions, Piecewise((expr, condition), ..., (expr, True))")
            self.fail(f"unexpected {val!r} at position {pos}")
        return e

    def cond(self) -> Any:
        pos = self.tok[2]
        c = self.conj()
        while self.at("|"):
            p = self.tok[2]
            self.i += 1
            c = sp.Or(self.need_cond(c, pos), self.need_cond(self.conj(), p))
        return c

    def conj(self) -> Any:
        pos = self.tok[2]
        c = self.rel()
        while self.at("&"):
            p = self.tok[2]
            self.i += 1
            c = sp.And(self.need_cond(c, pos), self.need_cond(self.rel(), p))
        return c

    def rel(self) -> Any:
        pos = self.tok[2]
        left = self.sum(True)
        parts = []
        while self.at(*_COMPARE):
            op = self.tok[1]
            p = self.tok[2]
            self.i += 1
            right = self.sum(True)
            parts.append(_COMPARE[op](self.need_expr(left, pos), self.need_expr(right, p)))
            left, pos = right, p
        if not parts:
            return left
        return parts[0] if len(parts) == 1 else sp.And(*parts)

    def sum(self, in_cond: bool) -> Any:
        pos = self.tok[2]
        e = self.term(in_cond)
        while self.at("+", "-"):
            op, p = self.tok[1], self.tok[2]
            self.i += 1
            r = self.need_expr(self.term(in_cond), p)
            e = self.need_expr(e, pos)
            e = e + r if op == "+" else e - r
        return e

    def term(self, in_cond: bool) -> Any:
        pos = self.tok[2]
        e = self.unary(in_cond)
        while True:
            if self.at("*", "/"):
                op, p = self.tok[1], self.tok[2]
                self.i += 1
                r = self.need_expr(self.unary(in_cond), p)
                e = self.need_expr(e, pos)
                if op == "*":
                    e = e * r
                else:
                    if r == 0:
                        self.refuse("divides by zero")
                    e = e / r
            elif self.tok[0] == "name" or self.at("("):
                # implicit product: "2t", "2(t + 1)", "(t - 1)(t + 1)"
                p = self.tok[2]
                r = self.need_expr(self.power(in_cond), p)
                e = self.need_expr(e, pos) * r
            else:
                return e

    def unary(self, in_cond: bool) -> Any:
        self.enter()
        try:
            if self.at("+", "-"):
                op, p = self.tok[1], self.tok[2]
                self.i += 1
                x = self.need_expr(self.unary(in_cond), p)
                return -x if op == "-" else x
            return self.power(in_cond)
        finally:
            self.depth -= 1

    def power(self, in_cond: bool) -> Any:
        pos = self.tok[2]
        base = self.atom(in_cond)
        if self.at("**", "^"):
            p = self.tok[2]
            self.i += 1
            ex = self.need_expr(self.unary(in_cond), p)
            return self.pow(self.need_expr(base, pos), ex)
        return base

    def pow(self, base: sp.Expr, ex: sp.Expr) -> sp.Expr:
        """``base**ex``, refused when the exact result could not be bounded (see the module docstring)."""
        if ex.is_Rational:
            p, q = abs(int(ex.p)), int(ex.q)
            if p > MAX_POWER_EXPONENT or q > MAX_POWER_EXPONENT:
                self.refuse(f"has the exponent {_short(ex)}, beyond the accepted |numerator|, denominator <= "
                            f"{MAX_POWER_EXPONENT}")
            if base.is_Rational and (abs(base.p) > 1 or base.q > 1):
                bits = max(abs(int(base.p)).bit_length(), int(base.q).bit_length())
                if (bits - 1) * p > MAX_POWER_BITS * q:
                    self.refuse(f"has the power {_short(base)}**{_short(ex)}, an exact number of more than "
                                f"{MAX_POWER_BITS} bits ({MAX_DIGITS} digits); rewrite it")
        return base ** ex

    def atom(self, in_cond: bool) -> Any:
        kind, val, pos = self.tok
        if kind == "num":
            self.i += 1
            f = read_number(val, f"{self.what}: number at position {pos}")
            return sp.Rational(f.numerator, f.denominator)
        if kind == "op" and val == "(":
            self.i += 1
            inner = self.cond() if in_cond else self.sum(False)
            self.expect(")")
            return inner
        if kind == "name":
            self.i += 1
            if self.at("(") and (val in FUNCTIONS or val in _LOGIC or val == "Piecewise" or self.lookup(val) is None):
                return self.call(val, pos, in_cond)
            return self.name(val, pos, in_cond)
        if kind == "end":
            self.fail("the formula ends too early")
        self.fail(f"unexpected {val!r} at position {pos}")

    def name(self, val: str, pos: int, in_cond: bool) -> Any:
        if val in CONSTANTS:
            return CONSTANTS[val]
        v = self.lookup(val)
        if v is not None:
            return v
        if val in _TRUTH and in_cond:
            return _TRUTH[val]
        if val in ("I", "j", "J"):
            self.refuse(f"is not a real-valued function: the imaginary unit {val} is not allowed")
        if val in FUNCTIONS or val in _LOGIC or val == "Piecewise":
            self.fail(f"{val} at position {pos} is a function; write {val}(...)")
        if val in ("oo", "zoo", "nan", "inf", "infinity"):
            self.refuse(f"is not a real-valued function (infinite or undefined parts: {val})")
        if val.startswith("_") or val in _TRUTH:
            self.refuse(f"uses the unknown name {val!r}; known: {self.allowed()}, {known_names()}")
        self.refuse(f"uses the variable(s) {val}; only {self.allowed()} is allowed (known functions: {known_names()})")

    def lookup(self, val: str) -> Any:
        if val in CONSTANTS:
            return CONSTANTS[val]
        return self.variables(val) if callable(self.variables) else self.variables.get(val)

    def allowed(self) -> str:
        if callable(self.variables):
            return "the variables"
        names = list(self.variables)
        if not names:
            return "no variable"
        return names[0] + (f" (or {', '.join(names[1:])})" if names[1:] else "")

    def call(self, fname: str, pos: int, in_cond: bool) -> Any:
        if fname == "Piecewise":
            return self.piecewise(pos)
        table = FUNCTIONS
        if fname in _LOGIC:
            if not in_cond:
                self.fail(f"{fname} at position {pos}: logical functions are allowed only inside Piecewise conditions")
            table = _LOGIC
        elif fname not in FUNCTIONS:
            self.refuse(f"uses the unknown function {fname!r}; known functions: {known_names()}")
        func, lo, hi = table[fname]
        self.expect("(")
        args = []
        if not self.at(")"):
            while True:
                p = self.tok[2]
                if table is _LOGIC:
                    args.append(self.need_cond(self.cond(), p))
                else:
                    args.append(self.need_expr(self.sum(False), p))
                if not self.at(","):
                    break
                self.i += 1
        self.expect(")")
        if len(args) < lo or (hi is not None and len(args) > hi):
            n = f"{lo}" if hi == lo else f"{lo} or {hi}" if hi == lo + 1 else f"at least {lo}"
            self.fail(f"{fname} takes {n} argument(s), got {len(args)} (position {pos})")
        return func(*args)

    def piecewise(self, pos: int) -> sp.Expr:
        self.expect("(")
        pieces = []
        while True:
            self.expect("(")
            p = self.tok[2]
            e = self.need_expr(self.sum(False), p)
            self.expect(",")
            p = self.tok[2]
            c = self.need_cond(self.cond(), p)
            self.expect(")")
            pieces.append((e, c))
            if not self.at(","):
                break
            self.i += 1
        self.expect(")")
        try:
            return sp.Piecewise(*pieces)
        except (TypeError, ValueError) as exc:
            self.fail(f"Piecewise at position {pos}: {exc}")


def _short(x: Any) -> str:
    s = str(x)
    return s if len(s) <= 30 else f"{s[:12]}...({len(s)} characters)"


def parse(text: str, variables: Variables, what: str = "expression", example: str = "") -> sp.Expr:
    """Read ``text`` as a SymPy expression in ``variables`` (a name -> Symbol mapping, or a callable).

    Only the grammar of the module docstring is accepted; every refusal is an
    :class:`InputError` naming what is wrong.  The result is built by SymPy's own
    constructors (``Add``, ``Mul``, ``Pow``, the listed functions), exactly the
    expression SymPy would build for the same formula.
    """
    if not isinstance(text, str):
        raise InputError(f"{what}: expected a formula as text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise InputError(f"{what}: the formula has {len(text)} characters; at most {MAX_LENGTH} are accepted")
    if not text.strip():
        raise InputError(f"{what}: empty expression" + (f"; write a formula, e.g. {example}" if example else ""))
    p = _Parser(text, variables, what, example)
    try:
        expr = p.parse()
    except InputError:
        raise
    except RecursionError:  # pragma: no cover - MAX_DEPTH keeps the parser far below the limit
        raise InputError(f"{what}: the formula is nested too deeply") from None
    except (TypeError, ValueError, ArithmeticError, AttributeError) as exc:  # a SymPy constructor refused
        p.fail(f"{type(exc).__name__}: {str(exc)[:200]}")
    for q in expr.atoms(sp.Rational):
        if max(abs(int(q.p)).bit_length(), int(q.q).bit_length()) > MAX_POWER_BITS:
            p.refuse(f"contains an exact number of more than {MAX_DIGITS} digits; rewrite it")
    for w in expr.atoms(sp.Pow):
        # SymPy combines (t**1000)**1000 into t**1000000: the bound holds for the built expression too
        if w.exp.is_Rational and (abs(int(w.exp.p)) > MAX_POWER_EXPONENT or int(w.exp.q) > MAX_POWER_EXPONENT):
            p.refuse(f"has the power {_short(w)}: exponents p/q need |p|, q <= {MAX_POWER_EXPONENT}")
    return expr


_PLAIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*", re.ASCII)


def plain_symbols(real: bool = True) -> Callable[[str], "sp.Symbol | None"]:
    """A variable factory for formulas in free names (``x1``, ``y2``): any plain identifier not a function,
    constant or reserved word becomes a Symbol (``real=True`` by default)."""
    reserved = {*FUNCTIONS, *CONSTANTS, *_LOGIC, *_TRUTH, "Piecewise", "I", "j", "J", "oo", "zoo", "nan", "inf",
                "infinity", "lambda"}

    def make(name: str) -> sp.Symbol | None:
        if name in reserved or not _PLAIN_NAME.fullmatch(name):
            return None
        return sp.Symbol(name, real=True) if real else sp.Symbol(name)

    return make


def to_sympy(x: Any, what: str = "value") -> sp.Basic:
    """A SymPy object for ``x`` without evaluating text as code: SymPy objects pass through, numbers become
    exact Rationals (floats their exact binary value), strings are read by :func:`parse` (real symbols)."""
    if isinstance(x, sp.Basic):
        return x
    if isinstance(x, bool):
        return sp.true if x else sp.false
    if isinstance(x, str):
        return parse(x, plain_symbols(), what)
    if isinstance(x, fmpq):
        return sp.Rational(int(x.p), int(x.q))
    if isinstance(x, fmpz):
        return sp.Integer(int(x))
    if isinstance(x, numbers.Integral):
        return sp.Integer(int(x))
    if isinstance(x, Fraction):
        return sp.Rational(x.numerator, x.denominator)
    if isinstance(x, numbers.Real):
        return sp.Float(float(x))  # as sympify does: the float itself, no decimal round trip
    raise InputError(f"{what}: cannot use a {type(x).__name__} as a SymPy value")
