"""The float64 path: networks far too big for symbolic work.

Layer 3, bottom to top: rounding-error primitives (:mod:`.rounding`), rigorous enclosures of activation
values (:mod:`.enclosures`), lean forward maps, gradients and Hessian-vector products (:mod:`.fastpath`),
the forward-error bound (:mod:`.forward_error`), verified matrix certificates (:mod:`.certificates`), the
float-to-exact transfer (:mod:`.transfer`), block-Hessian non-singularity (:mod:`.nonsingularity`),
Lemma 4.4's Monte Carlo (:mod:`.monte_carlo`), data sets (:mod:`.datasets`) and training
(:mod:`.training`).  A float result is *certified* only through a rigorous a-posteriori bound, and is about
the exact inputs only through an explicit transfer.
"""
