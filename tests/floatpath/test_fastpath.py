"""exactloss.floatpath.fastpath: lean/batched/row-blocked float maps agree with the foundation."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from exactloss import Network, Parameters
from exactloss.net.backprop import backprop
from exactloss.errors import InputError, ShapeError
from exactloss.floatpath.fastpath import (FLOAT, batched_forward, batched_layer_with_ones, float_parameters, gradients,
                                          gradients_and_hvp, hvp, layer_with_ones, progress_bar)
from exactloss.net import hessian
from exactloss.net.network import random_data
from exactloss.arith.systems import Ball
from tests.floatpath.helpers import float_net as _float_net
from tolerance import close


@pytest.mark.parametrize("k", [0, 1, 2, 3])
def test_layer_with_ones_matches_forward(k):
    net, P, X, _ = _float_net((3, 5, 4, 2), "tanh")
    A = layer_with_ones(net, P, X, k)
    F = net.forward(P, X, FLOAT).F[k]
    assert A.shape == (X.shape[0], net.widths[k] + 1)
    assert np.array_equal(A[:, :-1], F) and np.all(A[:, -1] == 1.0)


def test_layer_with_ones_custom_activation_and_bad_input():
    net, P, X, _ = _float_net((2, 4, 1), "t + t**3/3")
    assert close(layer_with_ones(net, P, X, 1)[:, :-1], net.forward(P, X, FLOAT).F[1])
    with pytest.raises(InputError):
        layer_with_ones(net, P, X, 3)
    with pytest.raises(ShapeError):
        layer_with_ones(net, P, X[:, :1], 1)


def test_batched_matches_single_networks():
    net, _, X, _ = _float_net((3, 6, 5), "sigmoid")
    rng = np.random.default_rng(4)
    B = 3
    Ws = [rng.standard_normal((B, 3, 6)), rng.standard_normal((B, 6, 5))]
    bs = [rng.standard_normal((B, 6)), rng.standard_normal((B, 5))]
    A = batched_layer_with_ones("sigmoid", Ws, bs, X)
    Fs = batched_forward(net.activation, Ws, bs, X)
    for j in range(B):
        P = Parameters((Ws[0][j], Ws[1][j]), (bs[0][j], bs[1][j]))
        assert close(A[j], layer_with_ones(net, P, X, 2))
        assert close(Fs[0][j], net.forward(P, X, FLOAT).F[1])
    with pytest.raises(InputError):
        batched_layer_with_ones("sigmoid", [], [], X)


@pytest.mark.parametrize("block", [1, 2, 4, 100])
def test_row_blocked_gradients_equal_backprop(block):
    net, P, X, Y = _float_net((3, 7, 4, 2), "softplus", N=11)
    g = backprop(net, P, X, Y, "cauchy", FLOAT)
    gb = gradients(net, P, X, Y, "cauchy", block=block)
    assert close(gb.phi, g.phi)
    for a, b in zip(gb.grad_W + gb.grad_b, g.grad_W + g.grad_b):
        assert close(a, b)
    assert gb.blocks == -(-11 // block)
    assert gb.norm() > 0


def test_gradients_accept_exact_parameters():
    net = Network((2, 3, 1), "sigmoid")
    P = net.random_parameters(seed=2)
    X, Y = random_data(5, 2, 1, seed=2)
    gb = gradients(net, P, X, Y)
    g = backprop(net, P, X, Y, "squared", Ball(128))
    assert close(gb.grad_W[0], g.grad_W[0], rtol=1e-12, atol=1e-14)


def test_row_blocked_hvp_equals_hessian_hvp():
    net, P, X, Y = _float_net((2, 5, 3), "tanh", N=10)
    p = hessian.block_size(net, [1, 2])
    v = np.random.default_rng(1).standard_normal(p)
    whole = hessian.hvp(net, P, X, Y, "squared", v, FLOAT, layers=[1, 2])
    for block in (1, 3, 10):
        assert close(hvp(net, P, X, Y, "squared", v, layers=[1, 2], block=block), whole)
    pairs = hessian.unflatten(net, v[-(3 * 5 + 3):], [2])
    out = hvp(net, P, X, Y, "squared", pairs, layers=[2], block=4)
    ref = hessian.hvp(net, P, X, Y, "squared", pairs, FLOAT, layers=[2])
    for (a, b), (c, d) in zip(out, ref):
        assert close(a, c) and close(b, d)


def test_progress_bar_fallbacks(monkeypatch):
    bar = progress_bar(3, "x", enable=False)
    bar.update(1)
    bar.set_postfix_str("y")
    bar.close()
    import sys

    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    bar = progress_bar(3, "x", enable=True)
    bar.update()
    bar.close()


def test_float_parameters_rounding():
    P = Parameters.from_lists(W=[[["1/3", "1/2"]]], b=[["1/10", "1/4"]])
    Pf, rnd = float_parameters(P)
    assert Pf.W[0].dtype == np.float64
    assert rnd["W"][0][0, 1] == 0.0 and rnd["W"][0][0, 0] > 0
    assert Fraction(float(rnd["W"][0][0, 0])) >= abs(Fraction(1, 3) - Fraction(float(Pf.W[0][0, 0])))
    assert rnd["b"][0][1] == 0.0
    assert float_parameters(Parameters.from_lists(W=[[[1, 2]]], b=[[0, 1]]))[1]["W"][0] is None


# --- the float64 kernel of gradients_and_hvp (catalogue activations, squared loss) --------------------------


def _kernel_case(widths, act, N, seed=0):
    net, P, X, Y = _float_net(widths, act, N=N)
    return net, P, X, Y, np.random.default_rng(seed).standard_normal(hessian.block_size(net))


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "softplus", "softplus:alpha=2"])
@pytest.mark.parametrize("widths", [(3, 6), (3, 7, 4), (2, 6, 5, 3)])
def test_kernel_equals_generic_path_and_lemma_2_1(act, widths):
    """The kernel's gradients and HVP are Lemma 2.1's backprop and the R-operator of net.hessian, to float64."""
    net, P, X, Y, v = _kernel_case(widths, act, N=13)
    gk, hk = gradients_and_hvp(net, P, X, Y, "squared", v, block=5)
    gg, hg = gradients_and_hvp(net, P, X, Y, "squared", v, kernel=False)
    ref = backprop(net, P, X, Y, "squared", FLOAT)
    assert close(gk.phi, ref.phi) and close(gg.phi, ref.phi)
    for a, b in zip(gk.grad_W + gk.grad_b, ref.grad_W + ref.grad_b):
        assert close(a, b)
    assert close(hk, hg)
    assert close(hk, hessian.hvp(net, P, X, Y, "squared", v, FLOAT))
    assert gk.blocks == 3


def test_kernel_layer_subsets_pairs_and_threads():
    """Directions on some layers only, given as (V_W, V_b) pairs, over a block large enough for the thread pool."""
    net, P, X, Y = _float_net((4, 260, 3, 2), "tanh", N=300)
    p2 = hessian.block_size(net, [2, 3])
    v = np.random.default_rng(4).standard_normal(p2)
    pairs = hessian.unflatten(net, v, [2, 3])
    out = gradients_and_hvp(net, P, X, Y, "squared", pairs, layers=[2, 3])[1]
    ref = hessian.hvp(net, P, X, Y, "squared", pairs, FLOAT, layers=[2, 3])
    for (a, b), (c, d) in zip(out, ref):
        assert close(a, c) and close(b, d)
    flat = gradients_and_hvp(net, P, X, Y, "squared", v, layers=[2, 3], block=64)[1]
    assert close(flat, hessian.flatten(ref))


def test_kernel_refuses_or_steps_aside():
    net, P, X, Y, v = _kernel_case((3, 5, 2), "sigmoid", N=6)
    with pytest.raises(InputError, match="squared loss only"):
        gradients_and_hvp(net, P, X, Y, "cauchy", v, kernel=True)
    # another loss goes through the generic code, with the same answer as the symbolic R-operator
    assert close(gradients_and_hvp(net, P, X, Y, "cauchy", v)[1], hessian.hvp(net, P, X, Y, "cauchy", v, FLOAT))
    # a formula that only looks like a catalogue member is not taken by the kernel
    odd = Network((3, 5, 2), "1/(1+exp(-2*t))")
    with pytest.raises(InputError):
        gradients_and_hvp(odd, P, X, Y, "squared", v, kernel=True)
    assert close(gradients_and_hvp(odd, P, X, Y, "squared", v)[1], hessian.hvp(odd, P, X, Y, "squared", v, FLOAT))
    with pytest.raises(ShapeError):
        gradients_and_hvp(net, P, X, Y, "squared", [(np.zeros((2, 2)), np.zeros(2))], layers=[1])


def test_kernel_thread_pool_survives_fork():
    """A pool made before a fork is not reused in the child (its threads do not exist there: a hang)."""
    import os

    if not hasattr(os, "fork"):
        pytest.skip("needs fork")
    net, P, X, Y = _float_net((4, 300, 2), "sigmoid", N=400)
    v = np.random.default_rng(0).standard_normal(hessian.block_size(net))
    ref = gradients_and_hvp(net, P, X, Y, "squared", v)[1]  # creates the pool (block 400 x 300 >= 2^16)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            out = gradients_and_hvp(net, P, X, Y, "squared", v)[1]
            os.write(w, b"1" if np.array_equal(out, ref) else b"0")
        finally:
            os._exit(0)
    os.close(w)
    import select

    ready, _, _ = select.select([r], [], [], 60)
    got = os.read(r, 1) if ready else b""
    os.waitpid(pid, 0) if ready else (os.kill(pid, 9), os.waitpid(pid, 0))
    assert got == b"1"
