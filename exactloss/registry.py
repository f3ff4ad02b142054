"""The check registry: every paper result exactloss can replay, by name.

Each mathematical module registers its checks with :func:`register`: a name
(``"lemma-4.3"``), the paper's label, the function (returning a
:class:`~exactloss.evidence.Result`), its command-line options (as
:class:`Option` records whose ``dest`` are the function's keyword arguments)
and the default instances that ``exactloss check all`` runs.  The CLI and
the public :func:`check` read only this registry.  A result type may also
register a dedicated re-certification of its saved evidence
(:func:`register_verifier`), which ``exactloss verify`` runs after the replay.

>>> import exactloss as xl
>>> r = xl.check("lemma-2.1", widths="2,2,1", samples=2)
>>> (r.result, r.holds, r.level)
('Lemma 2.1', True, 'proved')
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import pkgutil
import re
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Sequence

from exactloss.errors import UnknownNameError, UnknownOptionError
from exactloss.evidence import Result

# Checks and commands register themselves when their modules are imported: every module of the packages
# below is imported (sorted by name) on the first call of :func:`checks`, :func:`commands` or :func:`get`.
# ``paper`` holds one module per result; ``surfaces.cli`` one module per command.
CHECK_PACKAGES = ("exactloss.paper", "exactloss.surfaces")


def _check_modules() -> list[str]:
    names: list[str] = []
    for pkg_name in CHECK_PACKAGES:
        pkg = importlib.import_module(pkg_name)
        names.append(pkg_name)
        names.extend(m.name for m in pkgutil.walk_packages(pkg.__path__, prefix=pkg_name + "."))
    return sorted(set(names))


@dataclass(frozen=True)
class Option:
    """One command-line option of a check: ``flag`` -> keyword argument ``dest``."""

    flag: str
    dest: str
    type: Callable[[str], Any] = str
    default: Any = None
    help: str = ""
    choices: Sequence[Any] | None = None
    action: str | None = None  # e.g. "store_true"

    def add_to(self, parser: Any) -> None:
        kw: dict[str, Any] = {"dest": self.dest, "help": self.help, "default": None}
        if self.action:
            kw["action"] = self.action
        else:
            kw["type"] = self.type
            if self.choices:
                kw["choices"] = list(self.choices)
        if self.default is not None and self.help and "default" not in self.help:
            kw["help"] = f"{self.help} (default: {self.default})"
        parser.add_argument(self.flag, **kw)


@dataclass(frozen=True)
class Instance:
    """A default instance for ``check all``: keyword arguments and the expected verdict."""

    kwargs: dict[str, Any] = field(default_factory=dict)
    expect: bool = True
    label: str = ""

    def row_label(self) -> str:
        """The instance's name in a ``check all`` row: its label, else ``k=v, ...`` (``default`` without arguments)."""
        return self.label or ", ".join(f"{k}={v}" for k, v in self.kwargs.items()) or "default"


@dataclass(frozen=True)
class Check:
    name: str
    paper: str
    func: Callable[..., Result]
    summary: str
    options: tuple[Option, ...] = ()
    instances: tuple[Instance, ...] = (Instance(),)
    order: float = 0.0

    def keywords(self) -> tuple[list[str], bool]:
        """The keyword arguments the check takes (its options first), and whether that list is complete
        (False when the function also takes ``**kwargs`` it passes on)."""
        names = [o.dest for o in self.options]
        complete = True
        for p in inspect.signature(self.func).parameters.values():
            if p.kind is p.VAR_KEYWORD:
                complete = False
            elif p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name not in names:
                names.append(p.name)
        return names, complete

    def unknown_option(self, name: str) -> UnknownOptionError:
        """The error for a keyword the check does not take: names the check, a close match, and its options."""
        names, _ = self.keywords()
        close = difflib.get_close_matches(name, names, n=1)
        hint = f" -- did you mean {close[0]!r}?" if close else "."
        return UnknownOptionError(f"check {self.name!r} ({self.paper}) has no option {name!r}{hint} "
                                  f"Its options: {', '.join(names)} (see `exactloss check {self.name} --help`)")

    def run(self, **kwargs: Any) -> Result:
        names, complete = self.keywords()
        if complete:
            for k in kwargs:
                if k not in names:
                    raise self.unknown_option(k)
        t0 = time.perf_counter()
        try:
            result = self.func(**kwargs)
        except TypeError as exc:  # a keyword passed on through **kwargs and rejected further down
            m = re.search(r"unexpected keyword argument '(\w+)'", str(exc))
            if m and m.group(1) in kwargs and m.group(1) not in names:
                raise self.unknown_option(m.group(1)) from exc
            raise
        if not isinstance(result, Result):  # pragma: no cover - programming error
            raise TypeError(f"check {self.name} returned {type(result).__name__}, not Result")
        source = result.source or {"check": self.name, "arguments": _replayable(kwargs)}
        return replace(result, seconds=time.perf_counter() - t0, source=source)


@dataclass(frozen=True)
class Command:
    """A top-level CLI command other than ``check`` (``assumptions``, ``rank``, ``verify``, ...)."""

    name: str
    help: str
    add_arguments: Callable[[Any], None]
    run: Callable[[Any], int]
    examples: tuple[str, ...] = ()  # one to three command lines for the ``--help`` epilog


Verifier = Callable[[Result, int], Result]
"""A dedicated re-certification: ``fn(saved: Result, digits: int) -> Result`` (holds = the evidence re-checks)."""

_CHECKS: dict[str, Check] = {}
_COMMANDS: dict[str, Command] = {}
_VERIFIERS: dict[str, Verifier] = {}
_LOADED = False


def _replayable(kwargs: dict[str, Any]) -> dict[str, Any] | None:
    """The keyword arguments as JSON values, or None when some cannot be replayed from JSON (Python objects)."""
    out = {}
    for k, v in kwargs.items():
        if v is None or isinstance(v, (bool, int, float, str)):
            out[k] = v
        elif isinstance(v, (list, tuple)) and all(isinstance(x, (bool, int, float, str)) for x in v):
            out[k] = list(v)
        elif hasattr(v, "__fspath__"):
            out[k] = str(v)
        else:
            return None
    return out


def register(name: str, paper: str, func: Callable[..., Result], summary: str,
             options: Sequence[Option] = (), instances: Sequence[Instance] = (Instance(),),
             order: float | None = None) -> Check:
    """Register a check (called at import time by the mathematical modules)."""
    chk = Check(name, paper, func, summary, tuple(options), tuple(instances),
                order if order is not None else _paper_order(paper))
    _CHECKS[name] = chk
    return chk


def register_command(name: str, help: str, add_arguments: Callable[[Any], None], run: Callable[[Any], int],
                     examples: Sequence[str] = ()) -> None:
    """Register a top-level command; ``examples`` are the command lines its ``--help`` ends with."""
    _COMMANDS[name] = Command(name, help, add_arguments, run, tuple(examples))


def register_verifier(result_name: str) -> Callable[[Verifier], Verifier]:
    """Register a dedicated re-certification ``fn(saved: Result, digits: int) -> Result`` for a result type.

    ``result_name`` is the saved record's ``result`` (``"Lemma 4.3"``); ``exactloss verify`` runs the function
    on a saved record that holds, after the replays (:mod:`exactloss.surfaces.verify`, step 3).
    """

    def deco(fn: Verifier) -> Verifier:
        _VERIFIERS[result_name] = fn
        return fn

    return deco


def _paper_order(paper: str) -> float:
    m = re.search(r"(\d+)\.(\d+)", paper)
    return float(f"{m.group(1)}.{int(m.group(2)):03d}") if m else 99.0


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    for mod in _check_modules():
        importlib.import_module(mod)
    _LOADED = True


def checks() -> list[Check]:
    """Every registered check, in the paper's order."""
    _load()
    return sorted(_CHECKS.values(), key=lambda c: (c.order, c.name))


def commands() -> list[Command]:
    """Every registered command, by name."""
    _load()
    return sorted(_COMMANDS.values(), key=lambda c: c.name)


def verifier(result_name: str) -> Verifier | None:
    """The dedicated re-certification registered for a result type (:func:`register_verifier`), or None."""
    _load()
    return _VERIFIERS.get(result_name)


def get(name: str) -> Check:
    _load()
    key = name.strip().lower()
    if key not in _CHECKS:
        raise UnknownNameError(f"unknown check {name!r}; known: {', '.join(c.name for c in checks())}")
    return _CHECKS[key]


def check(name: str, **kwargs: Any) -> Result:
    """Run the check ``name`` (e.g. ``"lemma-4.3"``) with keyword arguments; returns its :class:`Result`."""
    return get(name).run(**kwargs)


# -- options shared by many checks -------------------------------------------

def opt_widths(default: str = "3,4,3,2") -> Option:
    return Option("--widths", "widths", str, default, "layer widths n_0,...,n_L, e.g. 3,4,3,2")


def opt_samples(default: int = 3) -> Option:
    return Option("--samples", "samples", int, default, "number of samples N")


def opt_activation(default: str = "sigmoid") -> Option:
    return Option("--activation", "activation", str, default,
                  "activation: sigmoid, tanh, softplus[:alpha=A], identity, relu, generic, or an expression in t")


def opt_loss(default: str = "squared") -> Option:
    return Option("--loss", "loss", str, default,
                  "loss: squared, pseudo-huber, blake-zisserman, corrupted-gaussian, cauchy, l1, l2, generic, "
                  "or an expression in a")


def opt_numbers(default: str = "ball", choices: Sequence[str] = ("exact", "ball", "mpmath", "float")) -> Option:
    return Option("--numbers", "numbers", str, default, "number system", choices=choices)


def opt_digits(default: int = 40) -> Option:
    return Option("--digits", "digits", int, default, "working precision in decimal digits (ball, mpmath)")


#: the help of every ``--params`` (checks and commands): the file formats exactloss.net.files reads
PARAMS_HELP = "parameter file (.json, .npz; .pt/.pth state_dict or .safetensors with the torch extra)"


def opt_params() -> Option:
    return Option("--params", "params", str, None, PARAMS_HELP)


def opt_data() -> Option:
    return Option("--data", "data", str, None, "data file (.json or .npz) with X (and Y)")


def opt_seed(default: int = 0) -> Option:
    return Option("--seed", "seed", int, default, "seed of the random instance")


def opt_layer(default: int | None = None) -> Option:
    return Option("--layer", "layer", int, default, "the layer k of the paper")
