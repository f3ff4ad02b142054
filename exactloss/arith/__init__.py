"""Arithmetic: the number systems and what reads and bounds expressions.

Layer 1 (above the contracts ``errors``, ``evidence``, ``registry``): number systems (:mod:`.systems`),
exact parsing of numbers, SymPy expressions compiled into ball or rational arithmetic (:mod:`.compile`),
the safe expression reader (:mod:`.exprparse`), real functions of one variable in every system
(:mod:`.functions`), rigorous ranges and sign proofs (:mod:`.ranges`), piecewise
decomposition (:mod:`.pieces`), analyticity certificates (:mod:`.analyticity`), the three-valued clause
logic (:mod:`.clauses`) and the bounds on work (:mod:`.budget`).  Nothing here knows about networks.
"""
