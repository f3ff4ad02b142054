"""Assumptions 3.2 clause by clause, with certificates: 3.2.1 for the samples (:mod:`.samples`), 3.2.2 for
an activation (:mod:`.activation`), 3.2.3 for a loss (:mod:`.loss`), and the three combined with the guard
other checks call (:mod:`.combined`).

Contract.  Every checker returns a :class:`~exactloss.evidence.Result` whose ``clauses`` are
:class:`~exactloss.evidence.Verdict` records (claim, holds, level, reason).  A clause is ``proved`` only by
a symbolic argument (a structural certificate, exact SymPy limits, interval bounds over the expression
tree -- :mod:`exactloss.arith.analyticity`, :mod:`exactloss.arith.ranges`), ``certified`` when ball
arithmetic is the witness (a box cover of ``sigma' > 0``, a log argument certified negative at a point),
and *undecided* (holds None, no level) whenever no argument was found.

>>> activation_conditions("tanh").holds
True
>>> assumption_3_2("sigmoid", "squared", [[0, 1], [1, 0]]).verdict
'holds'
"""

from exactloss.paper.assumption_3_2.activation import activation_conditions, bounded, growth, increasing
from exactloss.paper.assumption_3_2.combined import assumption_3_2, require_assumption_3_2
from exactloss.paper.assumption_3_2.loss import critical_points_are_minima, loss_conditions
from exactloss.paper.assumption_3_2.samples import samples_condition

__all__ = ["activation_conditions", "increasing", "bounded", "growth", "loss_conditions",
           "critical_points_are_minima", "samples_condition", "assumption_3_2", "require_assumption_3_2"]
