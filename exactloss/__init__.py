"""exactloss: exact and certified checks of Nguyen & Hein (2017),
*The Loss Surface of Deep and Wide Neural Networks* (ICML 2017).

Every check returns a :class:`Result` saying what holds and how we know:
``proved`` (exact/symbolic), ``certified`` (rigorous ball bounds) or
``numerical`` (floating point, no guarantee).

>>> import exactloss as xl
>>> r = xl.check("lemma-2.1", widths="3,3,2", samples=3)
>>> r.holds, r.level
(True, 'proved')
"""

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

__version__ = "0.1.0"
