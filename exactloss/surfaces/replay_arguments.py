"""Which saved arguments ``exactloss verify`` replays: known names, bounded sizes, no code.

A saved record's ``source.arguments`` come from a file that may be untrusted.
:func:`argument_problem` admits an argument only when the check takes it, its value
is a JSON scalar (or a list of them) within :data:`LIMITS`, and, for a string
that is not a file name, every name in it is a known function, variable or
catalogue word -- so a file cannot smuggle Python into the checks' expression
reader (:mod:`exactloss.arith.exprparse`).
"""

from __future__ import annotations

import builtins
import inspect
import re
from typing import Any, Mapping

from exactloss import registry

# Largest argument values a replay accepts (the checks' default instances stay far below them).
LIMITS = {"samples": 5000, "width": 5000, "dim": 1000, "draws": 1000, "sweep_points": 1000, "digits": 2000,
          "max_prec": 65536, "layer": 50, "zero_layer": 50, "seed": 2**63}
MAX_LAYERS = 50
MAX_STRING = 2000
# Arguments naming files: outputs are redirected into a temporary folder, inputs are read (json/npz, no pickle).
OUTPUT_ARGS = ("plot", "witness")
PATH_ARGS = ("data", "params", *OUTPUT_ARGS)

_MATH_NAMES = frozenset("""t a e E pi exp log ln sqrt sin cos tan tanh sinh cosh atan asin acos asinh acosh atanh
erf erfc Abs abs sign sgn Heaviside Piecewise Max Min max min relu sigmoid softplus True False""".split())
_UNSAFE_NAMES = (frozenset(dir(builtins)) - {"abs", "min", "max", "True", "False"}) | {
    "lambdify", "sympify", "parse_expr", "preview", "plot", "var", "init_printing", "srepr", "latex", "python", "pprint",
    "symbols", "Symbol", "Function", "import", "lambda", "os", "sys"}
_FORBIDDEN_CHARS = set("'\"\\;`@[]{}$#\n\r\t\x00")
_WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
_VARIABLE = re.compile(r"^(?:[a-z]|x\d+|alpha|beta)$")


def _catalogue_words(chk: Any) -> set[str]:
    words: set[str] = set(_MATH_NAMES)
    for c in registry.checks():
        for inst in c.instances:
            for v in inst.kwargs.values():
                if isinstance(v, str):
                    words.update(_WORD.findall(v))
    for opt in chk.options:
        for text in (opt.help or "", str(opt.default or ""), " ".join(map(str, opt.choices or ()))):
            words.update(_WORD.findall(text))
    return words - _UNSAFE_NAMES | (_MATH_NAMES & {"abs", "min", "max", "True", "False"})


def argument_problem(chk: Any, args: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(field path, why)`` when a saved argument must not be replayed; None when it may.

    Refused: an argument the check does not take; a value that is not a JSON scalar (or a list of them);
    a size beyond :data:`LIMITS`; a string argument (other than a file name) with a quote, bracket,
    backslash, ``;``, ``__`` or a name that is not a known function, variable or catalogue word -- so a
    file cannot smuggle Python into the expression reader.
    """
    allowed = {o.dest for o in chk.options} | {n for n, p in inspect.signature(chk.func).parameters.items()
                                              if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}
    words = None
    for k, v in args.items():
        path = f"source.arguments.{k}"
        if k not in allowed:
            return path, f"`{chk.name}` takes no argument {k!r}"
        vals = v if isinstance(v, list) else [v]
        for x in vals:
            if x is not None and not isinstance(x, (bool, int, float, str)):
                return path, "not a JSON number, string or boolean"
            if isinstance(x, int) and not isinstance(x, bool) and k in LIMITS and abs(x) > LIMITS[k]:
                return path, f"{k} = {x} is beyond verify's limit {LIMITS[k]}"
            if isinstance(x, float) and k in LIMITS and not abs(x) <= LIMITS[k]:
                return path, f"{k} = {x} is beyond verify's limit {LIMITS[k]}"
            if not isinstance(x, str):
                continue
            if len(x) > MAX_STRING:
                return path, f"a string of {len(x)} characters (at most {MAX_STRING})"
            if k in PATH_ARGS:
                if "\x00" in x:
                    return path, "a file name with a NUL character"
                continue
            bad = sorted(set(x) & _FORBIDDEN_CHARS)
            if bad or "__" in x:
                return path, f"the character {('__' if not bad else bad[0])!r} is not part of any expression or name"
            if k == "widths":
                parts = [p.strip() for p in x.split(",") if p.strip()]
                if len(parts) > MAX_LAYERS or any(p.isdigit() and int(p) > LIMITS["width"] for p in parts):
                    return path, f"widths {x!r} beyond verify's limits ({MAX_LAYERS} layers, width {LIMITS['width']})"
            if words is None:
                words = _catalogue_words(chk)
            for w in _WORD.findall(x):
                if w not in words and not _VARIABLE.match(w):
                    return path, f"unknown name {w!r} (not a known function, variable or catalogue name)"
    return None

