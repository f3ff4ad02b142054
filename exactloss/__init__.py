"""exactloss: exact and certified checks of Nguyen & Hein (2017),
*The Loss Surface of Deep and Wide Neural Networks* (ICML 2017).

Every check returns a :class:`Result` saying what holds and how we know:
``proved`` (exact/symbolic), ``certified`` (rigorous ball bounds) or
``numerical`` (floating point, no guarantee).

>>> import exactloss as xl
>>> r = xl.check("lemma-2.1", widths="3,3,2", samples=3)
>>> r.holds, r.level
(True, 'proved')

The public names below are imported on first use (PEP 562), so that
``import exactloss`` -- and the pytest plugin, which pytest loads in every
project where exactloss is installed -- does not pay for SymPy, python-flint
and NumPy until they are needed.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> submodule that defines it
_EXPORTS = {
    "activation": "activations",
    "Gradients": "backprop", "backprop": "backprop", "confirm_lemma_2_1": "backprop",
    "AssumptionError": "errors", "DataError": "errors", "ExactlossError": "errors", "FileFormatError": "errors",
    "InputError": "errors", "NotExactError": "errors", "PrecisionError": "errors", "ShapeError": "errors",
    "UnknownNameError": "errors",
    "Result": "evidence", "Verdict": "evidence", "at_least": "evidence",
    "load_data": "io", "load_parameters": "io", "save_data": "io", "save_parameters": "io",
    "loss": "losses",
    "Network": "network", "Parameters": "network", "random_data": "network",
    "MP": "numbers", "Ball": "numbers", "Exact": "numbers", "Float": "numbers", "Symbolic": "numbers",
    "system": "numbers",
    "check": "registry", "checks": "registry",
}
__all__ = sorted(_EXPORTS)


def _load(name: str) -> Any:
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = _load(name)
        globals()[name] = value  # later look-ups are plain attribute reads
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


class _Package(types.ModuleType):
    """Keeps exported names that are also submodule names (``backprop``) pointing at the export:
    importing the submodule ``exactloss.backprop`` sets the package attribute to the module, which
    would otherwise shadow the function ``exactloss.backprop``."""


def _shadowed(name: str) -> property:
    def get(module: types.ModuleType) -> Any:
        return _load(name)

    def set_(module: types.ModuleType, value: Any) -> None:  # the import system's setattr: keep the export
        pass

    return property(get, set_)


for _name, _mod in _EXPORTS.items():
    if _name == _mod:
        setattr(_Package, _name, _shadowed(_name))
sys.modules[__name__].__class__ = _Package
del _name, _mod

if TYPE_CHECKING:  # for type checkers and IDEs: the eager imports
    from .activations import activation
    from .backprop import Gradients, backprop, confirm_lemma_2_1
    from .errors import (AssumptionError, DataError, ExactlossError, FileFormatError, InputError, NotExactError,
                         PrecisionError, ShapeError, UnknownNameError)
    from .evidence import Result, Verdict, at_least
    from .io import load_data, load_parameters, save_data, save_parameters
    from .losses import loss
    from .network import Network, Parameters, random_data
    from .numbers import MP, Ball, Exact, Float, Symbolic, system
    from .registry import check, checks
