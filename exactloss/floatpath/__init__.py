"""The float64 path: networks far too big for symbolic work.

Layer 3: rounding-error primitives and verified matrix certificates (:mod:`.verified`), lean forward maps,
gradients and Hessian-vector products (:mod:`.fastpath`), training (:mod:`.training`) and data sets
(:mod:`.datasets`).  A float result is *certified* only through a rigorous a-posteriori bound, and is about
the exact inputs only through an explicit transfer.
"""
