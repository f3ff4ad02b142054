"""Registration of the Lemma 4.3 / 4.4 / Corollary 4.5 / deep-linear checks.

``exactloss check lemma-4.3 --samples N --dim d --activation A [--data FILE] [--layer k --widths ...]
[--beta B] [--plot FILE.png] [--witness OUT.json] [--json]`` runs :func:`exactloss.paper.lemma_4_3.replay.lemma_4_3`;
``lemma-4.4`` :func:`exactloss.paper.genericity.lemma_4_4`; ``corollary-4.5``
:func:`exactloss.paper.genericity.corollary_4_5`; ``deep-linear-rank``
:func:`exactloss.paper.deep_linear.deep_linear_rank`.
"""

from __future__ import annotations

from typing import Any

from exactloss.paper.deep_linear import deep_linear_rank
from exactloss.evidence import Result
from exactloss.paper.genericity import corollary_4_5, lemma_4_4
from exactloss.paper.lemma_4_3.replay import lemma_4_3
from exactloss.registry import Instance, Option, opt_activation, opt_data, opt_layer, opt_samples, opt_seed, register


def _opt_dim(default: int) -> Option:
    return Option("--dim", "dim", int, default, "dimension d of the random sample points")


def _opt_points() -> Option:
    return Option("--points", "points", str, "integer", "random points: integer, rational, or grid (0..N-1)",
                  choices=("integer", "rational", "grid"))


def _opt_widths() -> Option:
    return Option("--widths", "widths", str, None, "layer widths n_0,...,n_L (default: d, then N-1 up to layer k)")


def check_lemma_4_3(no_exact: bool = False, **kw: Any) -> Result:
    """Lemma 4.3 (see :func:`exactloss.paper.lemma_4_3.replay.lemma_4_3`); ``no_exact`` skips the exact alpha_0 route."""
    return lemma_4_3(exact=not no_exact, **kw)


register(
    "lemma-4.3", "Lemma 4.3", check_lemma_4_3,
    "construction with rank([F_k, 1_N]) = N; certified/proved alpha_0, det sweep, witness",
    options=(opt_samples(8), _opt_dim(1), opt_activation("sigmoid"), opt_data(), opt_layer(1), _opt_widths(),
             Option("--beta", "beta", str, None, "beta of the construction (default 0; case (b) needs sigma(beta) != 0)"),
             _opt_points(), opt_seed(0),
             Option("--sweep-points", "sweep_points", int, 20, "number of alpha values in the det sweep"),
             Option("--alpha-min", "alpha_min", str, None, "smallest alpha of the sweep (default alpha_0/10)"),
             Option("--alpha-max", "alpha_max", str, None, "largest alpha of the sweep (default 4 alpha_0)"),
             Option("--alpha", "alpha", str, None, "also certify the witness at this alpha"),
             Option("--max-prec", "max_prec", int, 4096, "largest ball precision (bits) of the sweep"),
             Option("--plot", "plot", str, None, "draw |det E(alpha)| to this .png"),
             Option("--witness", "witness", str, None, "write the witness parameters at alpha_0 (.json or .npz; "
                    "with --alpha also FILE-alpha.json at that alpha)"),
             Option("--no-exact", "no_exact", action="store_true", help="skip the exact (proved) alpha_0 route"),
             Option("--latex", "latex", help="print E(alpha) for this N, its limit, lim det E, alpha_0 and the witness "
                    "rank (each with its level) as a LaTeX fragment (amsmath) instead of the explanation",
                    action="store_true")),
    instances=(Instance({"samples": 4, "dim": 1, "points": "grid"}, label="sigmoid, N=4, 1-D grid (proved)"),
               Instance({"samples": 16, "dim": 3, "activation": "tanh"}, label="tanh, N=16, 3-D integer"),
               Instance({"samples": 16, "dim": 1, "activation": "softplus"}, label="softplus, N=16, 1-D"),
               Instance({"samples": 6, "dim": 2, "layer": 2, "widths": "2,1,5", "points": "rational"},
                        label="sigmoid, layer 2 through width 1")),
)

register(
    "lemma-4.4", "Lemma 4.4", lemma_4_4,
    "rank-deficient parameters form a null set: Lemma 4.1 + 4.3 witness + 4.2, and a Monte-Carlo view",
    options=(opt_samples(6), _opt_dim(2), opt_activation("sigmoid"), opt_data(), opt_layer(1), _opt_widths(),
             Option("--numbers", "numbers", str, "ball", "number system of the Monte-Carlo draws",
                    choices=("exact", "ball", "float")),
             Option("--draws", "draws", int, 5, "number M of random parameter draws"),
             _opt_points(), opt_seed(0)),
    instances=(Instance({"samples": 6, "dim": 2, "draws": 3}, label="sigmoid, N=6, 3 draws"),),
)

register(
    "corollary-4.5", "Corollary 4.5", corollary_4_5,
    "every epsilon-ball holds full-rank parameters: perturb a rank-deficient point, certify rank N",
    options=(opt_samples(5), _opt_dim(2), opt_activation("sigmoid"), opt_data(), opt_layer(1), _opt_widths(),
             Option("--epsilon", "epsilon", str, "1/1000", "radius of the ball"),
             Option("--params", "params", str, None, "start from these parameters (.json/.npz) instead"),
             _opt_points(), opt_seed(0)),
    instances=(Instance({"samples": 5, "dim": 2}, label="sigmoid, N=5, epsilon=1/1000"),),
)

register(
    "deep-linear-rank", "Deep linear (Sec. 4)", deep_linear_rank,
    "sigma = id: rank(F_k) <= rank(W_l) + k - l + 1 and Lemma 4.3's det E vanishes identically",
    options=(opt_samples(6), Option("--widths", "widths", str, "3,1,5,5", "layer widths n_0,...,n_L"), opt_data(),
             _opt_points(), opt_seed(0)),
    instances=(Instance({"samples": 6, "widths": "3,1,5,5"}, label="widths 3,1,5,5 (narrow layer 1)"),),
    order=4.0029,
)
