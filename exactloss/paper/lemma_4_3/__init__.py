"""Lemma 4.3: sigma's case and limits (:mod:`.sigma`), a direction with distinct projections (:mod:`.directions`),
the construction (:mod:`.construction`), alpha_0 certified (:mod:`.alpha0`) and proved (:mod:`.exact_alpha0`),
the det E(alpha) sweep (:mod:`.sweep`), the replay as one result with the ``lemma-4.3`` check (:mod:`.replay`),
its LaTeX (:mod:`.latex`) and the re-certification of a saved result (:mod:`.recheck`)."""
