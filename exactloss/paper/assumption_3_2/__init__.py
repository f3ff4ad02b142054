"""Assumption 3.2 clause by clause: 3.2.2 for an activation (:mod:`.activation`), 3.2.3 for a loss (:mod:`.loss`)."""
