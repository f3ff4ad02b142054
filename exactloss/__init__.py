"""exactloss: exact and certified checks of Nguyen & Hein (2017),
*The Loss Surface of Deep and Wide Neural Networks* (ICML 2017).

Every check returns a :class:`Result` saying what holds and how we know:
``proved`` (exact/symbolic), ``certified`` (rigorous ball bounds) or
``numerical`` (floating point, no guarantee); ``holds`` is True, False or
None (undecided).  One entry point runs them all, by the paper's name:

>>> import exactloss as xl
>>> r = xl.check("lemma-2.1", widths="3,3,2", samples=3)
>>> r.holds, r.level
(True, 'proved')

The results, by paper number (``xl.check(NAME, **options)``; the options are
the command's, ``exactloss check NAME --help``):

====================  ============================================================================
``lemma-2.1``         Lemma 2.1: backprop identities, proved with SymPy (generic sigma, l)
``assumption-3.2``    Assumptions 3.2, clause by clause (samples, sigma, l)
``lemma-3.3``         Lemma 3.3: sigmoid, tanh, softplus satisfy Assumption 3.2.2
``theorem-3.4``       Theorem 3.4: rank([X, 1]) = N, the proof's induction replayed
``lemma-3.5``         Lemma 3.5: exact form, certified loss bound, nearby critical point
``definition-3.7``    Definitions 3.6/3.7: block Hessians, the paper's 4x4 examples
``theorem-3.8``       Theorem 3.8 (main result): non-degenerate on some I containing k+1
``corollary-3.9``     Corollary 3.9: non-degenerate local minima
``theorem-3.10``      Theorem 3.10 (Morse): perturbations make critical points non-degenerate
``lemma-4.1``         Lemma 4.1: each layer output is analytic in the parameters
``deep-linear-rank``  Section 4: deep linear networks cap the rank; Lemma 4.3 fails for sigma = id
``lemma-4.3``         Lemma 4.3: the construction, certified det E(alpha) and alpha_0, witness
``lemma-4.4``         Lemma 4.4: rank deficiency is a null set (witness chain, Monte Carlo)
``rank-scale``        Lemma 4.4 at scale: float64 rank certificates with rounding bounds
``lemma-3.5-scale``   Lemma 3.5's certified loss bound at scale (float64, verified bounds)
``corollary-4.5``     Corollary 4.5: full rank in every epsilon-ball
``assumption-5.2``    Assumptions 5.2 (Section 5)
``theorem-5.3``       Theorem 5.3: separable features, exact hyperplane / Farkas certificates
====================  ============================================================================

Also: :class:`Network`, :class:`Parameters`, :func:`backprop` (Lemma 2.1 in any
number system), the number systems :class:`Exact`, :class:`Ball`, :class:`MP`,
:class:`Float`, :class:`Symbolic`, :func:`activation`, :func:`loss`, file I/O,
:func:`verify` (re-check a saved certificate) and :mod:`exactloss.testing`
(``assert_holds``, hypothesis strategies, a pytest plugin).

The public names are imported on first use (PEP 562), so that
``import exactloss`` -- and the pytest plugin, which pytest loads in every
project where exactloss is installed -- does not pay for SymPy, python-flint
and NumPy until they are needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> submodule that defines it
_EXPORTS = {
    "activation": "net.activations",
    "Gradients": "net.backprop", "backprop": "net.backprop", "confirm_lemma_2_1": "net.backprop",
    "AssumptionError": "errors", "DataError": "errors", "ExactlossError": "errors", "FileFormatError": "errors",
    "InputError": "errors", "NotExactError": "errors", "PrecisionError": "errors", "ShapeError": "errors",
    "UnknownNameError": "errors",
    "Result": "evidence", "Verdict": "evidence", "at_least": "evidence",
    "load_data": "net.files", "load_parameters": "net.files", "save_data": "net.files", "save_parameters": "net.files",
    "loss": "net.losses", "from_torch": "net.frameworks",
    "Network": "net.network", "Parameters": "net.network", "random_data": "net.network",
    "MP": "arith.systems", "Ball": "arith.systems", "Exact": "arith.systems", "Float": "arith.systems", "Symbolic": "arith.systems",
    "system": "arith.systems",
    "check": "registry", "checks": "registry",
    "verify": "surfaces.verify",
    "activation_conditions": "paper.assumption_3_2", "loss_conditions": "paper.assumption_3_2",
    "samples_condition": "paper.assumption_3_2", "assumption_3_2": "paper.assumption_3_2",
    "require_assumption_3_2": "paper.assumption_3_2", "assumption_5_2": "paper.assumption_5_2",
    "lemma_3_3": "paper.lemma_3_3", "lemma_4_1": "paper.lemma_4_1", "figure_1": "surfaces.plots",
    "activations_figure": "surfaces.plots", "det_figure": "paper.lemma_4_3.figure",
    "hvp": "net.hessian", "block_hessian": "net.hessian", "nonsingularity": "floatpath.nonsingularity",
    "theorem_3_4": "paper.theorem_3_4", "lemma_3_5": "paper.lemma_3_5.exact", "theorem_3_8": "paper.theorem_3_8",
    "corollary_3_9": "paper.corollary_3_9",
    "lemma_3_5_bound": "paper.lemma_3_5.quantitative", "separable": "paper.definition_5_1", "theorem_5_3": "paper.theorem_5_3",
    "theorem_3_10": "paper.theorem_3_10", "train": "floatpath.training", "train_float": "floatpath.training",
    "refine_layer": "floatpath.training",
    "full_row_rank_float": "floatpath.certificates", "full_column_rank_float": "floatpath.certificates",
    "verified_nonsingular": "floatpath.certificates", "certify_layer_float": "floatpath.transfer",
    "monte_carlo_full_rank": "floatpath.monte_carlo", "lemma_3_5_float": "paper.lemma_3_5.at_scale",
    "wide_and_narrow": "paper.lemma_3_5.at_scale", "synthetic": "floatpath.datasets",
    "lemma_4_3": "paper.lemma_4_3.replay", "certify_alpha0": "paper.lemma_4_3.alpha0", "cauchy_alpha0": "paper.lemma_4_3.alpha0",
    "exact_alpha0": "paper.lemma_4_3.exact_alpha0", "lemma_4_4": "paper.lemma_4_4", "corollary_4_5": "paper.corollary_4_5",
    "deep_linear_rank": "paper.deep_linear",
    "progress": "arith.progress", "set_progress_callback": "arith.progress",
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


if TYPE_CHECKING:  # for type checkers and IDEs: the eager imports
    from exactloss.net.activations import activation
    from exactloss.net.backprop import Gradients, backprop, confirm_lemma_2_1
    from exactloss.errors import (AssumptionError, DataError, ExactlossError, FileFormatError, InputError, NotExactError,
                         PrecisionError, ShapeError, UnknownNameError)
    from exactloss.evidence import Result, Verdict, at_least
    from exactloss.net.files import load_data, load_parameters, save_data, save_parameters
    from exactloss.net.losses import loss
    from exactloss.net.network import Network, Parameters, random_data
    from exactloss.arith.systems import MP, Ball, Exact, Float, Symbolic, system
    from exactloss.registry import check, checks
