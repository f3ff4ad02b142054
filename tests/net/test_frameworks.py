"""exactloss.net.frameworks: networks from PyTorch and safetensors, exactly as the weights are (issue 14, item 4).

Tests that need PyTorch take the ``torch`` fixture (skipped without it); the safetensors tests use
``safetensors.numpy`` only."""

from __future__ import annotations

import json
import os
import pickle
import sys
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exactloss as xl
from exactloss.errors import DataError, FileFormatError, InputError, ShapeError
from exactloss.net.frameworks import from_torch, load_state_dict, state_dict_parameters
from tests.cli_helpers import run
from tests.tolerance import close


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


@pytest.fixture
def stn():
    return pytest.importorskip("safetensors.numpy")


def _model(torch, widths=(3, 5, 4, 2), act="Sigmoid", dtype=None, bias=True, seed=0):
    torch.manual_seed(seed)
    layers = []
    for a, b in zip(widths, widths[1:]):
        layers += [torch.nn.Linear(a, b, bias=bias), getattr(torch.nn, act)()]
    model = torch.nn.Sequential(*layers)
    return model.to(dtype) if dtype is not None else model


def _exact(t) -> np.ndarray:
    """A tensor's entries as the exact Fractions they are (through Python floats: float32 -> float exact)."""
    return np.vectorize(lambda v: Fraction(v), otypes=[object])(t.detach().double().numpy())


# -- from_torch ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_from_torch_parameters_are_the_weights_exactly(torch, dtype):
    model = _model(torch, dtype=getattr(torch, dtype))
    net, P = xl.from_torch(model)  # the lazy export
    assert net.widths == (3, 5, 4, 2) and net.activation.name == "sigmoid"
    linears = [layer for layer in model if isinstance(layer, torch.nn.Linear)]
    for k, layer in enumerate(linears):
        assert P.W[k].dtype == object and all(isinstance(v, Fraction) for v in P.W[k].flat)
        assert (P.W[k] == _exact(layer.weight).T).all()   # W_k = weight^T, exactly
        assert (P.b[k] == _exact(layer.bias)).all()
    # float32 weights are binary rationals with at most 24 significant bits: nothing was rounded
    if dtype == "float32":
        assert all(Fraction(float(np.float32(float(v)))) == v for v in P.W[0].flat)
    F = from_torch(model).float64
    assert all(w.dtype == np.float64 and (w == wq).all() for w, wq in zip(F.W + F.b, P.W + P.b))


@pytest.mark.parametrize("act,name", [("Sigmoid", "sigmoid"), ("Tanh", "tanh")])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_forward_agrees_with_torch(torch, act, name, dtype):
    model = _model(torch, act=act, dtype=getattr(torch, dtype), seed=3)
    imported = from_torch(model)
    assert imported.network.activation.name == name
    X = np.random.default_rng(1).standard_normal((7, 3)).astype(dtype)
    ours = imported.network.forward(imported.float64, X.astype(np.float64), "float").F[-1]
    theirs = model(torch.tensor(X)).detach().double().numpy()
    tol = {"float32": dict(rtol=1e-5, atol=1e-6), "float64": {}}[dtype]  # torch computes in the model's dtype
    assert close(ours, theirs, **tol)


def test_bias_false_is_b_zero_exactly(torch):
    _, P = from_torch(_model(torch, bias=False))
    assert all((b == 0).all() and b.dtype == object for b in P.b)


def test_softplus_beta_and_threshold(torch):
    nn = torch.nn
    m = nn.Sequential(nn.Linear(2, 3), nn.Softplus(beta=2.0), nn.Linear(3, 1), nn.Softplus(beta=2.0))
    with pytest.raises(InputError, match=r"layer 1 \(Softplus\).*threshold.*not the analytic softplus"):
        from_torch(m)
    net, _ = from_torch(m, softplus="analytic")   # on purpose: the analytic function is certified
    assert net.activation.describe() == "softplus(alpha=2)"
    m2 = nn.Sequential(nn.Linear(2, 3), nn.Softplus(beta=0.5, threshold=float("inf")))
    assert from_torch(m2).network.activation.describe() == "softplus(alpha=1/2)"
    mixed = nn.Sequential(nn.Linear(2, 3), nn.Softplus(beta=2.0, threshold=float("inf")), nn.Linear(3, 1),
                          nn.Softplus(beta=1.0, threshold=float("inf")))
    with pytest.raises(InputError, match=r"layer 3 \(Softplus\) differs from layer 1"):
        from_torch(mixed)


def _refused(torch):
    nn = torch.nn
    return [
        (nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1), nn.ReLU()), r"layer 1 \(ReLU\).*not analytic"),
        (nn.Sequential(nn.Conv1d(2, 3, 1), nn.Sigmoid()), r"layer 0 \(Conv1d\).*convolution"),
        (nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1), nn.Tanh()),
         r"layer 3 \(Tanh\) differs from layer 1 \(Sigmoid\).*one activation"),
        (nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1), nn.Sigmoid()),
         r"layer 1 \(Linear\) follows layer 0 \(Linear\) with no activation"),
        (nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1)),
         r"layer 2 \(Linear\) is the last layer and has no activation"),
        (nn.Sequential(nn.Linear(2, 3), nn.Dropout(0.1), nn.Sigmoid()), r"layer 1 \(Dropout\)"),
        (nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.Sigmoid()), r"layer 1 \(BatchNorm1d\).*normalisation"),
        (nn.Sequential(nn.Sigmoid(), nn.Linear(2, 3), nn.Sigmoid()), r"layer 0 \(Sigmoid\) is the first layer"),
        (nn.Sequential(), r"empty"),
        (nn.Linear(2, 3), r"needs a torch.nn.Sequential.*got Linear"),
    ]


def test_refusals_name_the_layer_and_the_fix(torch):
    for model, pattern in _refused(torch):
        with pytest.raises(InputError, match=pattern) as info:
            from_torch(model)
        assert "\n" not in str(info.value)


def test_nan_weights_refused(torch):
    model = _model(torch)
    with torch.no_grad():
        model[2].weight[1, 3] = float("nan")
    with pytest.raises(DataError, match=r"layer 2 \(Linear\) weight.*entry \(1, 3\) is nan"):
        from_torch(model)
    with torch.no_grad():
        model[2].weight[1, 3] = 0.0
        model[0].bias[0] = float("inf")
    with pytest.raises(DataError, match=r"layer 0 \(Linear\) bias.*inf"):
        from_torch(model)


# -- state_dicts in memory and in files -----------------------------------------------------------------------

def test_state_dict_in_memory_sorted_by_index_and_prefix():
    rng = np.random.default_rng(0)
    w0, w2 = rng.standard_normal((4, 3)).astype(np.float32), rng.standard_normal((2, 4))
    state = {"net.2.weight": w2, "net.0.bias": np.zeros(4, np.float32), "net.0.weight": w0}  # 2.bias absent
    P = state_dict_parameters(state)
    assert P.widths == (3, 4, 2)
    assert (P.W[0] == np.vectorize(Fraction, otypes=[object])(w0.astype(np.float64)).T).all()
    assert (P.b[1] == 0).all()
    with pytest.raises(FileFormatError, match="different prefixes"):
        state_dict_parameters({"a.0.weight": w0, "b.2.weight": w2})
    with pytest.raises(FileFormatError, match=r"'1.running_mean' is not a Linear layer's weight"):
        state_dict_parameters({"0.weight": w0, "1.running_mean": np.zeros(4)})
    with pytest.raises(FileFormatError, match=r"'0.bias' has no matching weight"):
        state_dict_parameters({"0.bias": np.zeros(4)})
    with pytest.raises(ShapeError, match=r"'2.weight' has in_features = 5 .* out_features = 4"):
        state_dict_parameters({"0.weight": w0, "2.weight": np.zeros((2, 5))})
    with pytest.raises(ShapeError, match=r"'0.bias' has shape \(3,\) but the weight has 4 rows"):
        state_dict_parameters({"0.weight": w0, "0.bias": np.zeros(3)})
    with pytest.raises(FileFormatError, match="empty"):
        state_dict_parameters({})


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(width=32, allow_nan=False, allow_infinity=False), min_size=6, max_size=6))
def test_float32_entries_are_read_as_the_binary_rationals_they_are(values):
    w = np.array(values, dtype=np.float32).reshape(3, 2)
    P = state_dict_parameters({"0.weight": w, "0.bias": w[:, 0].copy()})
    assert [P.W[0][j, i] for i in range(3) for j in range(2)] == [Fraction(float(v)) for v in w.flat]


def test_safetensors_file_round_trip_numpy_only(tmp_path, stn):
    rng = np.random.default_rng(2)
    state = {"0.weight": rng.standard_normal((4, 3)).astype(np.float32), "0.bias": rng.standard_normal(4).astype(np.float32),
             "2.weight": rng.standard_normal((1, 4)), "2.bias": np.array([0.1])}
    path = tmp_path / "m.safetensors"
    stn.save_file(state, str(path))
    P = xl.load_parameters(path)                       # the --params reader
    assert P.widths == (3, 4, 1)
    assert P.W[0][2, 1] == Fraction(float(state["0.weight"][1, 2])) and P.b[1][0] == Fraction(0.1) != Fraction(1, 10)
    bad = dict(state, **{"2.bias": np.array([np.nan])})
    stn.save_file(bad, str(tmp_path / "nan.safetensors"))
    with pytest.raises(DataError, match=r"'2.bias'.*nan"):
        xl.load_parameters(tmp_path / "nan.safetensors")
    (tmp_path / "junk.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(FileFormatError, match="not a readable .safetensors file"):
        xl.load_parameters(tmp_path / "junk.safetensors")


def test_pt_state_dict_through_certify_cli(tmp_path, capsys, torch):
    model = _model(torch, widths=(2, 3, 1), dtype=torch.float64, seed=4)
    torch.save(model.state_dict(), tmp_path / "m.pt")
    (tmp_path / "D.json").write_text(json.dumps({"X": [[0, 1], [1, 0], ["1/2", "1/3"]], "Y": [[0.2], [0.5], [0.7]]}))
    assert (xl.load_parameters(tmp_path / "m.pt").W[0] == from_torch(model).parameters.W[0]).all()
    code, out, err = run(capsys, "certify", "--params", str(tmp_path / "m.pt"), "--data", str(tmp_path / "D.json"),
                         "--json")
    rec = json.loads(out)
    assert code in (0, 1) and rec["instance"]["widths"] == [2, 3, 1] and "Traceback" not in err
    # the same point from a .pth and a .safetensors file gives the same record
    torch.save(model.state_dict(), tmp_path / "m.pth")
    code2, out2, _ = run(capsys, "certify", "--params", str(tmp_path / "m.pth"), "--data", str(tmp_path / "D.json"),
                         "--json")
    assert code2 == code and json.loads(out2)["details"]["checks"] == rec["details"]["checks"]


class _Payload:
    """A pickle whose loading would create a folder: the classic __reduce__ code-execution payload."""

    def __init__(self, target: str) -> None:
        self.target = target

    def __reduce__(self):
        return (os.mkdir, (self.target,))


@pytest.mark.parametrize("how", ["torch.save", "raw pickle"])
def test_malicious_pt_is_refused_and_never_runs(tmp_path, capsys, torch, how):
    sentinel = tmp_path / "payload-ran"
    path = tmp_path / "evil.pt"
    obj = {"0.weight": _Payload(str(sentinel))}
    if how == "torch.save":
        torch.save(obj, path)
    else:
        path.write_bytes(pickle.dumps(obj))
    with pytest.raises(FileFormatError, match=r"refused.*weights_only=True.*data, never code"):
        load_state_dict(path)
    assert not sentinel.exists()
    (tmp_path / "D.json").write_text(json.dumps({"X": [[0]], "Y": [[0]]}))
    code, out, err = run(capsys, "certify", "--params", str(path), "--data", str(tmp_path / "D.json"))
    assert code == 2 and err.count("\n") == 1 and err.startswith("error:") and "refused" in err
    assert not sentinel.exists()


def test_whole_model_pt_and_checkpoint_dicts_are_refused(tmp_path, torch):
    model = _model(torch, widths=(2, 2))
    torch.save(model, tmp_path / "whole.pt")                 # a pickled nn.Module: code, not data
    with pytest.raises(FileFormatError, match="refused"):
        load_state_dict(tmp_path / "whole.pt")
    torch.save({"state_dict": model.state_dict()}, tmp_path / "ckpt.pt")
    with pytest.raises(FileFormatError, match=r"save the state_dict alone .*checkpoint\['state_dict'\]"):
        load_state_dict(tmp_path / "ckpt.pt")
    (tmp_path / "junk.pt").write_bytes(b"\x00junk")
    with pytest.raises(FileFormatError, match="not a readable PyTorch file|refused"):
        load_state_dict(tmp_path / "junk.pt")
    with pytest.raises(FileFormatError, match="no such file"):
        xl.load_parameters(tmp_path / "missing.pt")


def test_unknown_suffix_names_every_format(tmp_path):
    with pytest.raises(FileFormatError, match=r"\.json, \.npz, or a saved state_dict \(\.pt, \.pth, \.safetensors\)"):
        xl.load_parameters(tmp_path / "m.bin")


def test_missing_libraries_say_how_to_install(tmp_path, monkeypatch):
    (tmp_path / "m.pt").write_bytes(b"")
    (tmp_path / "m.safetensors").write_bytes(b"")
    monkeypatch.setitem(sys.modules, "torch", None)          # import torch -> ImportError
    with pytest.raises(InputError, match=r'PyTorch is not installed.*pip install -e "\.\[torch\]"'):
        xl.load_parameters(tmp_path / "m.pt")
    with pytest.raises(InputError, match="PyTorch is not installed"):
        from_torch(object())
    monkeypatch.setitem(sys.modules, "safetensors.numpy", None)
    with pytest.raises(InputError, match=r'safetensors is not installed.*pip install -e "\.\[torch\]"'):
        xl.load_parameters(tmp_path / "m.safetensors")
