"""Lemma 3.5: the exact form (a critical point is a global minimum) and the quantitative form (:mod:`.quantitative`)."""
