"""Networks: the objects of Section 2, written once and evaluated in every number system.

Layer 2: activations and losses (catalogues and user expressions), :class:`~exactloss.net.network.Network`
and its forward maps ``G_k = F_{k-1} W_k + 1 b_k^T``, ``F_k = sigma(G_k)``, Lemma 2.1's backpropagation
formulas (:mod:`.backprop`), block Hessians (:mod:`.hessian`), rank certificates in the exact/ball systems
(:mod:`.rank`) and the file formats (:mod:`.files`).
"""
