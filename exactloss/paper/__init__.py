"""The paper's results, one module (or small package) per result, named by its number.

Layer 4: each module replays one statement of Nguyen & Hein (2017) on concrete instances and registers its
check (:mod:`exactloss.registry`).  ``lemma_4_3/`` holds the construction, alpha_0 (certified and exact) and
the det E(alpha) sweep; ``lemma_3_5/`` the exact and quantitative forms.
"""
