"""Demonstration instances of Section 3: exact critical points built on purpose, and the options that pick one.

* :func:`global_minimum_instance` -- random small rational parameters, distinct rational samples and targets
  ``Y = F_L``: an exact critical point with Phi = 0 (``zero_layers``: some ``W_l = 0``, to break full rank);
* :func:`collapsed_instance` -- ``W_1 = W_2 = 0`` and zero-column-sum residuals: critical, Phi > 0;
* :func:`top_layer_solved_instance` -- identity sigma, the top layer solved exactly from the normal equations.

The checks of Theorem 3.4, Lemma 3.5, Definition 3.7, Theorem 3.8 and Corollary 3.9 run on a user's point
(``--params P --data D``) or on one of these by name (``--instance NAME``, :func:`build_instance`):

* ``global-min``   -- exact critical point with ``Y = F_L`` (Phi = 0), sigma = t + t**3 by default;
* ``collapsed``    -- ``W_1 = W_2 = 0`` and zero-column-sum residuals: critical, Phi > 0, rank-deficient;
* ``not-critical`` -- the global-min instance with targets shifted by 1 (gradient not 0);
* ``top-solved``   -- identity sigma, top layer solved from the normal equations (narrow: Phi > 0);
* ``zero-W``       -- global-min instance with ``W_l = 0`` for ``l = --zero-layer``;
* ``trained``      -- a sigmoid network trained by L-BFGS (quantitative Lemma 3.5).

>>> P, X, Y = global_minimum_instance((3, 3, 2), N=3, seed=1)
>>> X.shape, Y.shape
((3, 3), (3, 2))
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any, Sequence

import numpy as np
from flint import fmpq, fmpq_mat

from exactloss.arith.systems import Exact
from exactloss.errors import InputError
from exactloss.floatpath.training import train
from exactloss.net.network import Network, Parameters, parse_widths, random_data
from exactloss.net.rank import with_ones
from exactloss.registry import PARAMS_HELP, Option, opt_activation, opt_digits, opt_loss, opt_seed

# ---------------------------------------------------------------------------
# instances where exact critical points exist
# ---------------------------------------------------------------------------


def _rand_matrix(rng: random.Random, rows: int, cols: int, den: int = 2, scale: int = 1) -> np.ndarray:
    out = np.empty((rows, cols), dtype=object)
    for idx in np.ndindex(rows, cols):
        out[idx] = Fraction(rng.randint(-scale * den, scale * den), den)
    return out


def _forward_exact(widths: Sequence[int], activation: str, P: Parameters, X: np.ndarray) -> np.ndarray:
    net = Network(widths, activation)
    F = net.forward(P, X, Exact()).F[-1]
    return np.vectorize(lambda x: Fraction(int(x.p), int(x.q)), otypes=[object])(F)


def global_minimum_instance(widths: Sequence[int], N: int, seed: int = 0, activation: str = "t + t**3",
                            zero_layers: Sequence[int] = ()) -> tuple[Parameters, np.ndarray, np.ndarray]:
    """Random small rational parameters, distinct rational samples, targets ``Y = F_L``: an exact critical
    point (Phi = 0, the global minimum).  ``zero_layers``: set those ``W_l`` to 0 (to break full rank)."""
    rng = random.Random(seed)
    widths = tuple(int(w) for w in widths)
    Ws, bs = [], []
    for l in range(1, len(widths)):
        W = _rand_matrix(rng, widths[l - 1], widths[l])
        if l in zero_layers:
            W[:, :] = Fraction(0)
        Ws.append(W)
        bs.append(_rand_matrix(rng, 1, widths[l])[0])
    P = Parameters(tuple(Ws), tuple(bs))
    X, _ = random_data(N, widths[0], None, seed=seed + 1000, denominator=2, scale=1)
    Y = _forward_exact(widths, activation, P, X)
    return P, X, Y


def collapsed_instance(widths: Sequence[int], N: int, seed: int = 0, activation: str = "t + t**3"
                       ) -> tuple[Parameters, np.ndarray, np.ndarray]:
    """A critical point that is *not* a global minimum (squared loss): ``W_1 = W_2 = 0`` makes every row of
    ``F_l`` equal; targets ``Y = F_L + Z`` with ``Z`` of zero column sums.  Then ``Delta_1 = 0`` (because
    ``W_2 = 0``) and every other gradient ``F_{l-1}^T Delta_l`` is a constant row times zero column sums:
    the point is critical, with ``Phi = ||Z||_F^2 > 0``."""
    if len(widths) < 3:
        raise InputError("collapsed_instance needs L >= 2")
    P, X, _ = global_minimum_instance(widths, N, seed, activation, zero_layers=(1, 2))
    rng = random.Random(seed + 7)
    m = widths[-1]
    Z = np.empty((N, m), dtype=object)
    for j in range(m):
        col = [Fraction(rng.randint(-4, 4), 4) for _ in range(N - 1)]
        if all(c == 0 for c in col):
            col[0] = Fraction(1, 2)
        col.append(-sum(col))
        Z[:, j] = col
    Y = _forward_exact(widths, activation, P, X) + Z
    return P, X, Y


def top_layer_solved_instance(widths: Sequence[int], N: int, seed: int = 0) -> tuple[Parameters, np.ndarray, np.ndarray]:
    """Identity sigma, squared loss: random lower layers and random targets; the top layer solved exactly
    from the normal equations ``[F_{L-1}, 1]^T ([F_{L-1}, 1] [W_L; b_L^T] - Y) = 0`` (fmpq_mat), so
    ``grad_{W_L, b_L} Phi = 0`` exactly.  With ``n_{L-1} + 1 < N`` the residual is not 0.

    The normal equations are always consistent but singular when ``[F_{L-1}, 1]`` has rank below
    ``n_{L-1} + 1`` (e.g. ``N < n_{L-1} + 1``, the default (3, 3, 2) with N = 3): one exact solution is taken
    from the reduced row echelon form, free unknowns set to 0."""
    rng = random.Random(seed)
    widths = tuple(int(w) for w in widths)
    P, X, _ = global_minimum_instance(widths, N, seed, "identity")
    Y = np.empty((N, widths[-1]), dtype=object)
    for idx in np.ndindex(Y.shape):
        Y[idx] = Fraction(rng.randint(-6, 6), 3)
    net = Network(widths, "identity")
    F = net.forward(P, X, Exact()).F[-2]
    E = with_ones(F, Exact())
    A = fmpq_mat(E.shape[0], E.shape[1], list(E.flat))
    At = A.transpose()
    B = fmpq_mat(N, widths[-1], [fmpq(y.numerator, y.denominator) for y in Y.flat])
    theta = _solve_consistent(At * A, At * B)
    n = widths[-2]
    W = np.array([[Fraction(int(theta[i, j].p), int(theta[i, j].q)) for j in range(widths[-1])] for i in range(n)],
                 dtype=object)
    b = np.array([Fraction(int(theta[n, j].p), int(theta[n, j].q)) for j in range(widths[-1])], dtype=object)
    return P.replace_layer(len(widths) - 1, W, b), X, Y


def _solve_consistent(M: fmpq_mat, R: fmpq_mat) -> fmpq_mat:
    """One exact solution ``T`` of the consistent system ``M T = R`` (M square, possibly singular): reduced row
    echelon form of ``[M | R]``, free unknowns 0.  Checked: ``M T == R`` exactly."""
    n, c = M.nrows(), R.ncols()
    aug = fmpq_mat(n, n + c, [M[i, j] if j < n else R[i, j - n] for i in range(n) for j in range(n + c)])
    E, rank = aug.rref()
    T = fmpq_mat(n, c, [0] * (n * c))
    for i in range(rank):
        piv = next(j for j in range(n + c) if E[i, j] != 0)
        if piv >= n:  # pragma: no cover - the normal equations are always consistent
            raise ArithmeticError("inconsistent normal equations")
        for j in range(c):
            T[piv, j] = E[i, n + j]
    if M * T != R:  # pragma: no cover - would be a bug in the elimination above
        raise ArithmeticError("normal equations not solved exactly")
    return T


# ---------------------------------------------------------------------------
# the instances by name, and the options of the checks that run on them
# ---------------------------------------------------------------------------

DEFAULT_ACTIVATION = "sigmoid"
"""The activation of every command run on the user's files (``certify``, ``grad``, ``rank``, and ``check NAME
--params P --data D``): the paper's own example of Assumption 3.2.2 (real-analytic, strictly increasing, bounded)."""

INSTANCES = ("global-min", "collapsed", "not-critical", "top-solved", "zero-W", "trained")


def widths_or(w: Any, default: tuple[int, ...]) -> tuple[int, ...]:
    """The widths ``w`` (``"3,3,2"`` or a sequence) read by :func:`~exactloss.net.network.parse_widths`, or
    ``default`` when not given."""
    if w is None:
        return default
    return parse_widths(w)


def build_instance(instance: str, widths: Any = None, samples: int | None = None, seed: int = 0,
                   activation: str = "t + t**3", zero_layer: int = 2, default_widths: tuple[int, ...] = (3, 3, 2),
                   default_samples: int = 3) -> tuple[Any, Any, Any, str]:
    """A demonstration instance ``(P, X, Y, activation)`` by name (module docstring)."""
    ws = widths_or(widths, default_widths)
    N = int(samples) if samples else default_samples
    rational = activation if activation not in ("sigmoid", "tanh", "softplus", "relu") else "t + t**3"
    if instance == "global-min":
        P, X, Y = global_minimum_instance(ws, N, seed, rational)
    elif instance == "collapsed":
        P, X, Y = collapsed_instance(ws, N, seed, rational)
    elif instance == "not-critical":
        P, X, Y = global_minimum_instance(ws, N, seed, rational)
        Y = Y + 1
    elif instance == "top-solved":
        P, X, Y = top_layer_solved_instance(ws, N, seed)
        return P, X, Y, "identity"
    elif instance == "zero-W":
        P, X, Y = global_minimum_instance(ws, N, seed, rational, zero_layers=(int(zero_layer),))
    elif instance == "trained":
        P, X, Y, _ = train(ws, N=N, seed=seed, activation="sigmoid", iterations=2000)
        return P, X, Y, "sigmoid"
    else:
        raise InputError(f"unknown instance {instance!r}; known: {', '.join(INSTANCES)}")
    return P, X, Y, activation


def point_args(params: Any, data: Any, instance: str | None, widths: Any, samples: Any, seed: int,
               activation: str | None, zero_layer: int, default_widths: tuple[int, ...], default_samples: int
               ) -> tuple[Any, Any, str]:
    """The point a check runs on: ``(params, data, activation)`` as given (both or neither), else the built-in
    ``instance`` (default ``global-min``) as ``(P, (X, Y), activation)``.  Without an activation: sigmoid on the
    user's files (the default of ``exactloss certify``, ``grad`` and ``rank``), ``t + t**3`` on the built-in
    instances (a rational sigma, so that exact arithmetic applies)."""
    if params is not None or data is not None:
        if params is None or data is None:
            raise InputError("give both --params and --data (or neither, and an --instance)")
        return params, data, activation or DEFAULT_ACTIVATION
    P, X, Y, act = build_instance(instance or "global-min", widths, samples, seed, activation or "t + t**3",
                                  zero_layer, default_widths, default_samples)
    return P, (X, Y), act


def common_options(default_activation: str | None = None) -> tuple[Option, ...]:
    """The command-line options of a check that runs on a point: ``--params/--data`` or ``--instance`` (with its
    widths, samples, seed and zero layer), activation, loss, number system and digits."""
    return (
        Option("--params", "params", str, None, PARAMS_HELP + "; with --data"),
        Option("--data", "data", str, None, "data file with X and Y (.json or .npz)"),
        Option("--instance", "instance", str, None, "built-in instance: " + ", ".join(INSTANCES)),
        Option("--widths", "widths", str, None, "widths of the built-in instance, e.g. 3,3,2"),
        Option("--samples", "samples", int, None, "N of the built-in instance"),
        opt_seed(0),
        Option("--zero-layer", "zero_layer", int, 2, "the layer l with W_l = 0 (instance zero-W)"),
        opt_activation(default_activation) if default_activation else
        Option("--activation", "activation", str, None, "activation: sigmoid, tanh, softplus[:alpha=A], identity, "
               f"relu, generic, or an expression in t (default: {DEFAULT_ACTIVATION} with --params/--data, as in "
               "certify; t + t**3 on the built-in instances)"),
        opt_loss("squared"),
        Option("--numbers", "numbers", str, "auto", "number system (auto: exact for rational sigma and l, else ball; "
               "float: numerical, with verified float bounds where available)", choices=("auto", "exact", "ball", "float")),
        opt_digits(40),
    )
