"""Lemma 4.3: the construction (:mod:`.construction`), alpha_0 certified (:mod:`.alpha0`) and proved
(:mod:`.exact_alpha0`), the det E(alpha) sweep (:mod:`.sweep`) and the replay as one result (:mod:`.replay`)."""
