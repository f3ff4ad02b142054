"""Errors raised at exactloss's public boundary.

Every error names what was wrong and what to do about it.  The CLI prints
``error: <message>`` on one line and exits with status 2; nothing reaches the
user as a traceback.  Each class also subclasses the matching built-in
(``ValueError``/``TypeError``/``ArithmeticError``) so that ordinary ``except``
clauses keep working.
"""


class ExactlossError(Exception):
    """Base class of every error exactloss raises on purpose."""

    exit_code = 2


class InputError(ExactlossError, ValueError):
    """The input (shapes, values, names, options) is not acceptable."""


class ShapeError(InputError):
    """A matrix does not have the shape the widths or the data require."""


class DataError(InputError):
    """The data violate a requirement: NaN/inf, duplicate samples, ..."""


class FileFormatError(InputError):
    """A file cannot be read or does not follow the documented format."""


class UnknownNameError(InputError):
    """An activation, loss, number system or check name is not known."""


class UnknownOptionError(UnknownNameError, TypeError):
    """A keyword argument a check does not take (``xl.check("lemma-4.3", sampels=4)``); the message lists its options."""


class AssumptionError(InputError):
    """A hypothesis a construction needs fails (width n_k < N - 1, ReLU, ...)."""


class NotExactError(ExactlossError, TypeError):
    """A value has no exact rational representation (a transcendental sigma)."""


class PrecisionError(ExactlossError, ArithmeticError):
    """Ball arithmetic could not decide within the allowed precision."""
