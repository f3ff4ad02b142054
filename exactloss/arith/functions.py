"""Real functions of one variable, evaluable with their derivatives in every number system.

Activations (``sigma`` in ``t``) and losses (``l`` in ``a``) are both
:class:`ScalarFunction`: a SymPy expression, its first two derivatives
(computed by SymPy, or given explicitly where SymPy's form has no rigorous
evaluation), optional fast NumPy implementations, and the parameters it was
built with.  A *generic* function is an undefined SymPy function: it has
symbolic values only, and is what Lemma 2.1's confirmation "for every C^1
sigma and l" uses.

>>> from exactloss.arith.systems import Exact
>>> f = ScalarFunction.from_expr("t + t**3", kind="activation")
>>> [str(v) for v in f.d(Exact(), Exact().array([1, 2]))]
['4', '13']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, Mapping

import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

from exactloss.errors import InputError
from exactloss.arith.exprparse import parse
from exactloss.arith.systems import NumberSystem, Symbolic, parse_rational

T = sp.Symbol("t", real=True)
A_VAR = sp.Symbol("a", real=True)

_FORBIDDEN_TYPES = (sp.Integral, sp.Sum, sp.Product)


def parse_expression(text: str, var: sp.Symbol, what: str, also: tuple[sp.Symbol, ...] = ()) -> sp.Expr:
    """Read a user's formula in ``var`` (``t`` for activations, ``a`` for losses) -- as data, never as code.

    The text goes through :func:`exactloss.arith.exprparse.parse` (a tokenizer and
    recursive-descent parser that accepts only the variable, exact numbers,
    operators and a fixed list of functions; nothing is evaluated as Python).
    Refuses, with a message that says why, a string that does not parse, uses
    another variable or an unknown function, or is complex-valued.
    """
    example = f"\"atan({var})\""
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{what}: empty expression; write a formula in {var}, e.g. {example}")
    names = {str(var): var}
    for s in also:
        names[str(s)] = s
    expr = parse(text, names, what, example)
    if not isinstance(expr, sp.Expr):
        raise InputError(f"{what}: {text!r} is not a real-valued expression in {var}")
    allowed = {var, *also}
    extra = sorted(str(s) for s in expr.free_symbols if s not in allowed)
    if extra:
        raise InputError(f"{what}: {text!r} uses the variable(s) {', '.join(extra)}; only {var} is allowed")
    if expr.has(sp.I) or expr.has(sp.zoo) or expr.has(sp.nan) or any(isinstance(a, _FORBIDDEN_TYPES) for a in sp.preorder_traversal(expr)):
        raise InputError(f"{what}: {text!r} is not a real-valued function of {var} (complex or undefined parts)")
    if expr.atoms(AppliedUndef):
        bad = ", ".join(sorted({str(type(f)) for f in expr.atoms(AppliedUndef)}))
        raise InputError(f"{what}: {text!r} uses unknown function(s) {bad}")
    return expr


_UNDEFINED: dict[str, type] = {}


def undefined_function(symbol: str, order: int = 3) -> type:
    """An undefined SymPy function ``symbol`` whose derivative is the undefined ``symbol'``.

    SymPy differentiates an undefined ``f(G)`` at a composite argument ``G`` into
    a ``Subs(Derivative(f(xi), xi), xi, G)`` object, whose construction prints
    ``G`` -- costly for deep networks.  Here ``f.fdiff`` returns ``f'(G)``, a
    second undefined function (and ``f'`` returns ``f''``), so the chain rule
    stays a product of applied functions.  Nothing is assumed of ``f`` beyond
    differentiability: ``f'`` is just a name for its derivative.
    """
    key = f"{symbol}/{order}"
    if key in _UNDEFINED:
        return _UNDEFINED[key]
    nxt: type | None = None
    for k in reversed(range(order)):
        name = symbol + "'" * k
        if nxt is None:
            cls = sp.Function(name)
        else:
            cls = type(name, (sp.Function,), {"nargs": 1, "fdiff": (lambda self, argindex=1, _n=nxt: _n(self.args[0]))})
        nxt = cls
    _UNDEFINED[key] = nxt  # type: ignore[assignment]
    return nxt  # type: ignore[return-value]


@dataclass(frozen=True, eq=False)
class ScalarFunction:
    """A real function ``expr(var)`` with derivatives, evaluable in every number system."""

    name: str
    expr: sp.Expr
    var: sp.Symbol
    kind: str = "activation"
    params: Mapping[str, Fraction] = field(default_factory=dict)
    d1_expr: sp.Expr | None = None
    d2_expr: sp.Expr | None = None
    numpy: Mapping[int, Callable[[np.ndarray], np.ndarray]] = field(default_factory=dict)
    generic: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        if self.d1_expr is None:
            object.__setattr__(self, "d1_expr", sp.diff(self.expr, self.var))
        if self.d2_expr is None:
            object.__setattr__(self, "d2_expr", sp.diff(self.d1_expr, self.var))
        object.__setattr__(self, "_cache", {})

    # -- construction -------------------------------------------------
    @classmethod
    def from_expr(cls, text: str | sp.Expr, kind: str = "activation", name: str | None = None) -> "ScalarFunction":
        var = T if kind == "activation" else A_VAR
        if isinstance(text, sp.Expr):
            expr = text
        else:
            # losses are written in ``a`` (the paper's variable) but ``t`` is accepted too
            also = (T,) if kind == "loss" else ()
            expr = parse_expression(text, var, f"{kind} expression", also=also)
            if kind == "loss" and T in expr.free_symbols:
                if A_VAR in expr.free_symbols:
                    raise InputError(f"loss expression {text!r} mixes a and t; use one variable")
                expr = expr.xreplace({T: A_VAR})
        return cls(name=name or str(expr), expr=expr, var=var, kind=kind)

    @classmethod
    def undefined(cls, symbol: str, kind: str) -> "ScalarFunction":
        """A generic C^2 function: undefined SymPy functions ``f``, ``f'``, ``f''`` linked by ``fdiff``."""
        var = T if kind == "activation" else A_VAR
        f = undefined_function(symbol)
        return cls(name="generic", expr=f(var), var=var, kind=kind, generic=True,
                   note=f"undefined SymPy function {symbol}: results hold for every differentiable {symbol}")

    # -- evaluation ---------------------------------------------------
    def _expr_of_order(self, order: int) -> sp.Expr:
        return (self.expr, self.d1_expr, self.d2_expr)[order]

    def _fn(self, system: NumberSystem, order: int) -> Callable[[Any], Any]:
        key = (type(system).__name__, order)
        cache = self._cache  # type: ignore[attr-defined]
        if key not in cache:
            expr = self._expr_of_order(order)
            if isinstance(system, Symbolic):
                if expr.has(sp.Derivative):
                    # subs (not xreplace) turns d sigma/dt at t = G into SymPy's own Subs object,
                    # the form SymPy's chain rule produces, so the two compare equal.
                    cache[key] = lambda x, e=expr: e.subs(self.var, x)
                else:
                    cache[key] = system.compile(expr, self.var, self.describe())
            else:
                if self.generic:
                    raise InputError(
                        f"the generic {self.kind} has symbolic values only; choose a concrete {self.kind} "
                        f"for --numbers {system.name}"
                    )
                if system.is_float and order in self.numpy:
                    cache[key] = self.numpy[order]
                else:
                    cache[key] = system.compile(expr, self.var, f"{self.kind} {self.name}" + ("" if order == 0 else "'" * order))
        return cache[key]

    def value(self, system: NumberSystem, A: np.ndarray) -> np.ndarray:
        """Entrywise f(A) in ``system``."""
        return system.elementwise(self._fn(system, 0), A)

    def d(self, system: NumberSystem, A: np.ndarray) -> np.ndarray:
        """Entrywise f'(A) in ``system``."""
        return system.elementwise(self._fn(system, 1), A)

    def d2(self, system: NumberSystem, A: np.ndarray) -> np.ndarray:
        """Entrywise f''(A) in ``system``."""
        return system.elementwise(self._fn(system, 2), A)

    def scalar(self, system: NumberSystem, x: Any, order: int = 0) -> Any:
        """f^(order)(x) for one element x of ``system``."""
        with system.scope():
            return self._fn(system, order)(system.scalar(x) if not system.owns(x) else x)

    # -- description --------------------------------------------------
    def describe(self) -> str:
        if self.params:
            return f"{self.name}(" + ", ".join(f"{k}={v}" for k, v in self.params.items()) + ")"
        return self.name

    def to_json(self) -> dict:
        return {"name": self.name, "expr": str(self.expr), "params": {k: str(v) for k, v in self.params.items()}}

    def __repr__(self) -> str:
        return f"<{self.kind} {self.describe()}: {self.expr}>"


def parse_spec(spec: str) -> tuple[str, list[str], dict[str, str]]:
    """Split ``"name"``, ``"name:2"``, ``"name:delta=1/10,w=6"`` or ``"name(delta=1/10)"``."""
    text = spec.strip()
    args: list[str] = []
    kwargs: dict[str, str] = {}
    inner = ""
    if ":" in text:
        text, inner = text.split(":", 1)
    elif text.endswith(")") and "(" in text and text.split("(", 1)[0].strip().replace("-", "").replace("_", "").isalnum():
        head, body = text.split("(", 1)
        body = body[:-1]
        # "softplus(alpha=2)" or "softplus(2)" are parameters; "relu(t)" or "tanh(2*t)" are formulas
        if all("=" in part or _is_number(part) for part in body.split(",") if part.strip()):
            inner, text = body, head
        else:
            return text.strip(), [], {}
    for part in filter(None, (p.strip() for p in inner.split(","))):
        if "=" in part:
            k, v = part.split("=", 1)
            kwargs[k.strip()] = v.strip()
        else:
            args.append(part)
    return text.strip().lower().replace("_", "-"), args, kwargs


_NUMBER_TEXT = re.compile(r"\s*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?(?:\s*/\s*[0-9]+)?\s*", re.ASCII)


def _is_number(text: str) -> bool:
    """Does ``text`` spell a number (``2``, ``-1/2``, ``1e-3``)?  Decided on the text alone: nothing is computed
    (``Fraction("1e999999999")`` would take minutes), the size limits are checked by :func:`parse_rational`."""
    return _NUMBER_TEXT.fullmatch(text) is not None


def lookup(spec: "str | ScalarFunction", kind: str, catalogue: Mapping[str, Any], aliases: Mapping[str, str],
           generic_symbol: str, example: str, params: Mapping[str, Any]) -> "ScalarFunction":
    """A catalogue entry (``"name"``, ``"name:2"``, ``"name:key=value"``), ``"generic"``, or an expression.

    The one implementation behind :func:`exactloss.activation` and :func:`exactloss.loss`:
    ``catalogue`` maps a name to ``(factory, defaults)``; parameters are read as exact rationals.
    """
    other = "loss" if kind == "activation" else "activation"
    if isinstance(spec, ScalarFunction):
        if spec.kind != kind:
            raise InputError(f"{spec.describe()} is a{'n' if other[0] in 'aeiou' else ''} {other}, not a{'n' if kind[0] in 'aeiou' else ''} {kind}")
        return spec
    if not isinstance(spec, str):
        raise InputError(f"{kind} must be a name or an expression string, got {type(spec).__name__}")
    known = [*catalogue, "generic"]
    name, args, kwargs = parse_spec(spec)
    name = aliases.get(name, name)
    if name == "generic":
        return ScalarFunction.undefined(generic_symbol, kind)
    if name in catalogue:
        factory, defaults = catalogue[name]
        values = dict(defaults)
        keys = list(defaults)
        if len(args) > len(keys):
            raise InputError(f"{kind} {name} takes {len(keys)} parameter(s) ({', '.join(keys) or 'none'}), got {len(args)}")
        for k, v in [*zip(keys, args), *kwargs.items(), *params.items()]:
            if k not in defaults:
                raise InputError(f"{kind} {name} has no parameter {k!r}; it takes: {', '.join(keys) or 'none'}")
            values[k] = parse_rational(v, f"{name} parameter {k}")
        return factory(**values)
    if params:
        raise InputError(f"unknown {kind} {spec!r} with parameters; known: {', '.join(known)}")
    var = "t" if kind == "activation" else "a"
    word = spec.strip().replace("-", "").replace("_", "")
    if word.isalpha() and word not in ("a", "t") and not (kind == "activation" and "t" in word):
        raise InputError(f"unknown {kind} {spec!r}; known: {', '.join(known)}, or an expression in {var} such as {example}")
    return ScalarFunction.from_expr(spec, kind=kind)
