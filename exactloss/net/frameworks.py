"""Networks from where users train them: a PyTorch ``nn.Sequential``, a saved ``state_dict``, a safetensors file.

* :func:`from_torch` -- ``torch.nn.Sequential(Linear, act, Linear, act, ..., Linear, act)`` with one
  activation kind ``act`` in ``Sigmoid``, ``Tanh``, ``Softplus`` -> ``(Network, Parameters)``;
* :func:`load_state_dict` -- a ``.pt``/``.pth`` file (``torch.load(..., weights_only=True)``: tensors only,
  never pickled code) or a ``.safetensors`` file (``safetensors.numpy``, no torch needed) -> ``Parameters``;
  :func:`exactloss.net.files.load_parameters` calls it, so every ``--params`` takes these files;
* :func:`state_dict_parameters` -- the same from a mapping ``name -> array`` already in memory.

**Exactly as the weights are.**  Every float32/float64 (and float16/bfloat16) weight is a binary rational;
it is converted to float64 (exact: float64 holds every such value) and then to the ``Fraction`` it *is*
(``Fraction(0.1)`` is ``3602879701896397/36028797018963968``, not ``1/10``).  Nothing is rounded, so a
certificate about the returned ``Parameters`` is a certificate about the network PyTorch holds, up to
the activation (next paragraph).  :attr:`FromTorch.float64` gives the same numbers as float64 arrays for
the float path (equal, entry by entry, to the Fractions).

**The paper's layout** (Section 2): ``G_k = F_{k-1} W_k + 1_N b_k^T``, ``F_k = sigma(G_k)`` for *every*
``k = 1..L``, the output layer included, one ``sigma`` throughout.  PyTorch's ``Linear`` stores ``weight``
as ``(out, in)`` and computes ``x weight^T + bias``, so ``W_k = weight^T`` (``n_{k-1} x n_k``) and
``b_k = bias`` (``bias=False``: ``b_k = 0``, exactly what PyTorch computes).  Anything else is refused with
an :class:`~exactloss.errors.InputError` naming the layer index, its class and the fix: ReLU (not analytic,
Assumption 3.2.2 fails), convolutions, dropout, batch norm, two ``Linear`` layers with no activation
between them, a last ``Linear`` without an activation after it, mixed activations.

**Softplus.**  ``nn.Softplus(beta)`` is ``(1/beta) log(1 + e^{beta t})``, exactloss's ``softplus`` with
``alpha = beta`` (Lemma 3.3) -- *except* that PyTorch returns ``t`` itself where ``beta t > threshold``
(default 20): a different, non-analytic function (they differ there by ``log(1 + e^{-beta t})/beta <
e^{-threshold}/beta``).  So a finite ``threshold`` is refused by default; ``softplus="analytic"`` takes
the analytic softplus on purpose -- every certificate is then about the analytic function, not about
PyTorch's switch -- and ``threshold=float("inf")`` in the model is taken without a question.

A ``state_dict`` holds weights only: the activation of a ``--params`` file is the command's
``--activation`` (default ``sigmoid``); give the one the model was trained with.

>>> import numpy as np
>>> P = state_dict_parameters({"0.weight": np.array([[0.5, -1.0]]), "0.bias": np.array([0.25])})
>>> P.widths, str(P.W[0][1, 0]), str(P.b[0][0])
((2, 1), '-1', '1/4')
"""

from __future__ import annotations

import math
import os
import pickle
import re
import warnings
from fractions import Fraction
from pathlib import Path
from typing import Any, Mapping, NamedTuple

import numpy as np

from exactloss.errors import DataError, FileFormatError, InputError, ShapeError
from exactloss.net.network import Network, Parameters

PathLike = str | os.PathLike

#: file suffixes :func:`load_state_dict` reads (``--params``)
TORCH_SUFFIXES = (".pt", ".pth")
SAFETENSORS_SUFFIXES = (".safetensors",)
STATE_DICT_SUFFIXES = TORCH_SUFFIXES + SAFETENSORS_SUFFIXES

# torch.nn class name -> exactloss activation name (the paper's sigma; Lemma 3.3's three)
ACTIVATIONS = {"Sigmoid": "sigmoid", "Tanh": "tanh", "Softplus": "softplus"}
LAYOUT = ("the paper's network (Section 2) is Linear, activation, Linear, activation, ..., Linear, activation: "
          "one activation (Sigmoid, Tanh or Softplus) after every Linear layer, the last one included")
# refusals with a reason of their own (class name -> why, and the fix)
WHY_NOT = {
    "ReLU": "ReLU is not analytic (not differentiable at 0): Assumption 3.2.2 fails; use nn.Sigmoid, nn.Tanh or "
            "nn.Softplus",
    "LeakyReLU": "LeakyReLU is not analytic (a kink at 0): Assumption 3.2.2 fails; use nn.Sigmoid, nn.Tanh or nn.Softplus",
    "Dropout": "dropout is no map of the paper's network (and random in training mode); remove it from the Sequential "
               "(in eval mode it is the identity)",
    "Identity": "the paper has no identity layers; remove it from the Sequential",
    "Flatten": "the paper's inputs are the rows of X (N x d); flatten the data instead and remove the layer",
}
INSTALL_TORCH = ("PyTorch is not installed: reading a .pt/.pth file or a torch model needs the optional extra, "
                 "pip install -e \".[torch]\" (install a CPU build of PyTorch first, e.g. pip install torch "
                 "--index-url https://download.pytorch.org/whl/cpu); or save the weights as .safetensors")
INSTALL_SAFETENSORS = ("safetensors is not installed: reading a .safetensors file needs the optional extra, "
                       "pip install -e \".[torch]\" (or pip install safetensors; no PyTorch needed)")


class FromTorch(NamedTuple):
    """What :func:`from_torch` returns: ``net, P = from_torch(model)`` unpacks it.

    ``parameters`` holds the weights as exact Fractions (the binary rationals the floats are);
    :attr:`float64` the same numbers as float64 arrays (for the float path: equal entry by entry)."""

    network: Network
    parameters: Parameters

    @property
    def float64(self) -> Parameters:
        """The same parameters as float64 arrays (exactly equal to :attr:`parameters`)."""
        return Parameters(tuple(np.array(w, dtype=np.float64) for w in self.parameters.W),
                          tuple(np.array(v, dtype=np.float64) for v in self.parameters.b))


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise InputError(INSTALL_TORCH) from None
    return torch


def _safetensors_numpy() -> Any:
    try:
        import safetensors.numpy as stn
    except ImportError:
        raise InputError(INSTALL_SAFETENSORS) from None
    return stn


# ---------------------------------------------------------------------------
# exact conversion
# ---------------------------------------------------------------------------


def _as_float64(a: Any, where: str) -> np.ndarray:
    """A weight array (numpy, or a torch tensor) as float64, exactly; refused when a value would change."""
    if hasattr(a, "detach") and hasattr(a, "dtype") and not isinstance(a, np.ndarray):  # a torch tensor
        torch = _torch()
        t = a.detach()
        if getattr(t, "is_meta", False):
            raise InputError(f"{where}: a meta tensor (no values); load or initialise the weights first")
        if t.is_complex() or t.dtype == torch.bool or t.is_quantized:
            raise DataError(f"{where}: weights of type {t.dtype} cannot be read as real numbers; save them as "
                            "float32 or float64")
        t = t.to("cpu")
        if not t.is_floating_point() and t.numel() and int(t.abs().max()) >= 2 ** 53:
            raise DataError(f"{where}: integer weights beyond 2^53 lose digits in float64; save them as float64")
        return t.to(torch.float64).numpy().copy()  # float16/bfloat16/float32 -> float64: exact
    arr = np.asarray(a)
    if arr.dtype.kind == "f":
        if arr.dtype.itemsize > 8:  # long double: float64 would round it
            raise DataError(f"{where}: weights of dtype {arr.dtype} do not fit float64 exactly; save them as float64")
        return arr.astype(np.float64)  # float16/32/64 -> float64: exact
    if arr.dtype.kind in "iu":
        if arr.size and int(np.max(np.abs(arr.astype(object)))) >= 2 ** 53:
            raise DataError(f"{where}: integer weights beyond 2^53 lose digits in float64; save them as float64")
        return arr.astype(np.float64)
    raise DataError(f"{where}: weights of dtype {arr.dtype} are not real numbers; save them as float32 or float64")


def _finite(A: np.ndarray, where: str, fix: str) -> None:
    if A.size and not np.all(np.isfinite(A)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(A))[0])
        raise DataError(f"{where}: entry {bad} is {A[bad]}; NaN/inf weights are not a network -- {fix}")


def _fractions(A: np.ndarray) -> np.ndarray:
    """A finite float64 array as an object array of the exact Fractions its entries are."""
    out = np.empty(A.shape, dtype=object)
    for idx, x in np.ndenumerate(A):
        out[idx] = Fraction(float(x))
    return out


def _layer(weight: np.ndarray, bias: np.ndarray | None, where_w: str, where_b: str, fix: str
           ) -> tuple[np.ndarray, np.ndarray]:
    """``(W_k, b_k)`` as exact Fractions from PyTorch's ``weight`` (out x in) and ``bias`` (out) or None."""
    if weight.ndim != 2:
        raise ShapeError(f"{where_w} has shape {tuple(weight.shape)}; a Linear layer's weight is a matrix "
                         "(out_features x in_features)")
    _finite(weight, where_w, fix)
    out = weight.shape[0]
    if bias is None:
        b = np.zeros(out, dtype=np.float64)  # bias=False: PyTorch adds nothing, b_k = 0 exactly
    else:
        if bias.ndim != 1 or bias.shape[0] != out:
            raise ShapeError(f"{where_b} has shape {tuple(bias.shape)} but the weight has {out} rows "
                             f"(out_features): need a vector of length {out}")
        _finite(bias, where_b, fix)
        b = bias
    return _fractions(weight.T), _fractions(b)  # W_k = weight^T: x weight^T + b = F_{k-1} W_k + 1 b_k^T


# ---------------------------------------------------------------------------
# a model in memory
# ---------------------------------------------------------------------------


def from_torch(model: Any, softplus: str = "refuse") -> FromTorch:
    """A ``torch.nn.Sequential`` of ``Linear`` layers, each followed by the same activation (``Sigmoid``,
    ``Tanh`` or ``Softplus``), as ``(Network, Parameters)`` -- the weights exactly as they are (module
    docstring).  ``softplus``: ``"refuse"`` (default) refuses ``nn.Softplus`` with a finite ``threshold``
    (PyTorch then switches to the identity, not the analytic softplus); ``"analytic"`` takes the analytic
    ``(1/beta) log(1 + e^{beta t})`` on purpose.  Raises :class:`~exactloss.errors.InputError` naming the
    layer and the fix for anything else."""
    torch = _torch()
    nn = torch.nn
    if softplus not in ("refuse", "analytic"):
        raise InputError(f"softplus={softplus!r}: use 'refuse' (default) or 'analytic'")
    if not isinstance(model, nn.Sequential):
        raise InputError(f"from_torch needs a torch.nn.Sequential of Linear and Sigmoid/Tanh/Softplus layers, got "
                         f"{type(model).__name__}; rebuild it as nn.Sequential(nn.Linear(...), nn.Sigmoid(), ...), or "
                         "save its state_dict and pass it to --params with the matching --activation")
    layers = list(model.children())
    if not layers:
        raise InputError("from_torch: the Sequential is empty; " + LAYOUT)
    Ws: list[np.ndarray] = []
    bs: list[np.ndarray] = []
    act_name: str | None = None
    act_spec: str | None = None
    act_at = -1
    previous = None  # "linear" or "act"
    for i, layer in enumerate(layers):
        cls = type(layer).__name__
        here = f"layer {i} ({cls})"
        if isinstance(layer, nn.Linear):
            if previous == "linear":
                raise InputError(f"{here} follows layer {i - 1} (Linear) with no activation between them: {LAYOUT}; "
                                 f"insert the activation after layer {i - 1} (or multiply the two into one Linear)")
            fix = "retrain or reload the model; check the training for divergence"
            W, b = _layer(_as_float64(layer.weight, f"{here} weight"),
                          None if layer.bias is None else _as_float64(layer.bias, f"{here} bias"),
                          f"{here} weight", f"{here} bias", fix)
            if Ws and W.shape[0] != Ws[-1].shape[1]:
                raise ShapeError(f"{here}: in_features = {W.shape[0]} but the previous Linear has out_features = "
                                 f"{Ws[-1].shape[1]}; the widths must chain")
            Ws.append(W)
            bs.append(b)
            previous = "linear"
            continue
        if cls in ACTIVATIONS and isinstance(layer, getattr(nn, cls)):
            if previous != "linear":
                where = "is the first layer" if previous is None else f"follows layer {i - 1}, another activation"
                raise InputError(f"{here} {where}: {LAYOUT}; remove it or put a Linear layer before it")
            spec = ACTIVATIONS[cls]
            if cls == "Softplus":
                spec = _softplus_spec(layer, here, softplus)
            if act_name is None:
                act_name, act_spec, act_at = cls, spec, i
            elif spec != act_spec:
                raise InputError(f"{here} differs from layer {act_at} ({act_name}{_shown_spec(act_spec)}): the paper's "
                                 "network has one activation sigma for every layer; use the same activation "
                                 "throughout")
            previous = "act"
            continue
        why = WHY_NOT.get(cls)
        if why is None and "Dropout" in cls:  # Dropout, Dropout1d/2d/3d, AlphaDropout, FeatureAlphaDropout
            why = WHY_NOT["Dropout"]
        if why is None and isinstance(layer, nn.Sequential):
            why = "a nested Sequential; flatten it into one, nn.Sequential(*first, *second)"
        if why is None and cls.startswith("Conv"):
            why = ("a convolution is not a layer of the paper's fully connected network; use nn.Linear layers "
                   "(on flattened inputs)")
        if why is None and ("Norm" in cls):
            why = ("normalisation layers are not maps of the paper's network; remove it (or fold an eval-mode "
                   "batch norm into the Linear before it)")
        if why is None:
            why = "not a layer of the paper's network; use nn.Linear and one of nn.Sigmoid, nn.Tanh, nn.Softplus"
        raise InputError(f"{here}: {why} ({LAYOUT})")
    if previous != "act":
        raise InputError(f"layer {len(layers) - 1} (Linear) is the last layer and has no activation after it: the paper "
                         f"applies sigma at the output too (F_L = sigma(G_L)); append the activation "
                         f"({'nn.' + act_name + '()' if act_name else 'e.g. nn.Sigmoid()'}) to the Sequential")
    P = Parameters(tuple(Ws), tuple(bs))
    assert act_spec is not None
    net = Network(P.widths, act_spec)
    net.check_parameters(P)
    return FromTorch(net, P)


def _softplus_spec(layer: Any, here: str, mode: str) -> str:
    beta, threshold = float(layer.beta), float(layer.threshold)
    if not (math.isfinite(beta) and beta > 0):
        raise InputError(f"{here}: beta = {beta}; softplus needs a finite beta > 0 (Lemma 3.3)")
    if math.isfinite(threshold) and mode != "analytic":
        raise InputError(f"{here}: nn.Softplus(beta={beta:g}, threshold={threshold:g}) returns t itself where beta*t > "
                         f"{threshold:g}, which is not the analytic softplus (1/beta) log(1 + e^(beta t)) exactloss "
                         "certifies; pass softplus=\"analytic\" to certify the analytic function instead (they differ "
                         f"by less than e^-{threshold:g}/beta there), or build the model with threshold=float('inf')")
    q = Fraction(beta)  # exact: the float beta is a binary rational
    return "softplus" if q == 1 else f"softplus:alpha={q.numerator}/{q.denominator}" if q.denominator != 1 \
        else f"softplus:alpha={q.numerator}"


def _shown_spec(spec: str | None) -> str:
    return f", {spec}" if spec and spec.startswith("softplus:") else ""


# ---------------------------------------------------------------------------
# a state_dict: in memory, in a .pt/.pth file, in a .safetensors file
# ---------------------------------------------------------------------------

_KEY = re.compile(r"^(.*?)(\d+)\.(weight|bias)$")


def _refusal(message: str) -> str:
    """What torch's weights-only unpickler refused, from its message (which also advises weights_only=False:
    not repeated here)."""
    m = re.search(r"GLOBAL ([\w.]+)", message)
    if m:
        return f" (it would load the Python object {m.group(1)})"
    m = re.search(r"Unsupported operand (\d+)", message)
    return f" (pickle instruction {m.group(1)} is not allowed)" if m else ""


def state_dict_parameters(state: Mapping[str, Any], where: str = "state_dict") -> Parameters:
    """``Parameters`` (exact Fractions) from a ``Sequential``'s state_dict: keys ``"0.weight"``, ``"0.bias"``,
    ``"2.weight"``, ... (a common prefix such as ``"net."`` is allowed), sorted by the layer index; ``W_k`` is
    ``weight^T``, a missing bias is ``b_k = 0``.  Unknown keys, shapes that do not chain and NaN/inf entries
    are refused naming the key."""
    if not isinstance(state, Mapping):
        raise FileFormatError(f"{where}: expected a state_dict (a mapping name -> tensor), got {type(state).__name__}; "
                              "save one with torch.save(model.state_dict(), path)")
    if not state:
        raise FileFormatError(f"{where}: the state_dict is empty; save one with torch.save(model.state_dict(), path)")
    layers: dict[int, dict[str, Any]] = {}
    prefixes: dict[str, str] = {}
    for key, value in state.items():
        m = _KEY.match(str(key))
        if not m:
            raise FileFormatError(f"{where}: key {str(key)!r} is not a Linear layer's weight or bias (expected keys "
                                  "like '0.weight', '0.bias', '2.weight' of an nn.Sequential of Linear layers and "
                                  "activations); save only such a model's state_dict")
        prefix, idx, kind = m.group(1), int(m.group(2)), m.group(3)
        prefixes.setdefault(prefix, str(key))
        if not (hasattr(value, "shape") and hasattr(value, "dtype")):
            raise FileFormatError(f"{where}: {key!r} is a {type(value).__name__}, not a tensor or array")
        layers.setdefault(idx, {})[kind] = (str(key), value)
    if len(prefixes) > 1:
        shown = ", ".join(repr(k) for k in list(prefixes.values())[:3])
        raise FileFormatError(f"{where}: the keys have different prefixes ({shown}): one Sequential's state_dict "
                              "is expected; save that module's state_dict alone")
    Ws: list[np.ndarray] = []
    bs: list[np.ndarray] = []
    order = sorted(layers)
    fix = "check the file (the training may have diverged)"
    for idx in order:
        entry = layers[idx]
        if "weight" not in entry:
            raise FileFormatError(f"{where}: {entry['bias'][0]!r} has no matching weight "
                                  f"'{entry['bias'][0][: -len('bias')]}weight'")
        wkey, wval = entry["weight"]
        weight = _as_float64(wval, f"{where}: {wkey!r}")
        bias, bkey = None, f"{wkey[: -len('weight')]}bias"
        if "bias" in entry:
            bkey, bval = entry["bias"]
            bias = _as_float64(bval, f"{where}: {bkey!r}")
        W, b = _layer(weight, bias, f"{where}: {wkey!r}", f"{where}: {bkey!r}", fix)
        if Ws and W.shape[0] != Ws[-1].shape[1]:
            raise ShapeError(f"{where}: {wkey!r} has in_features = {W.shape[0]} but the layer before it has "
                             f"out_features = {Ws[-1].shape[1]}; the widths must chain (n_{len(Ws)} = "
                             f"{Ws[-1].shape[1]})")
        Ws.append(W)
        bs.append(b)
    return Parameters(tuple(Ws), tuple(bs))


def load_state_dict(path: PathLike) -> Parameters:
    """``Parameters`` from a ``.pt``/``.pth`` file (``torch.load(weights_only=True)``: a state_dict of tensors;
    pickled code or objects are refused, never run) or a ``.safetensors`` file (``safetensors.numpy``)."""
    p = Path(path)
    s = p.suffix.lower()
    if s not in STATE_DICT_SUFFIXES:
        raise FileFormatError(f"{p}: unknown file type {s or '(none)'}; use {', '.join(STATE_DICT_SUFFIXES)}")
    if not p.exists():
        raise FileFormatError(f"{p}: no such file; check the path")
    if p.is_dir():
        raise FileFormatError(f"{p}: is a directory, not a file")
    if s in SAFETENSORS_SUFFIXES:
        stn = _safetensors_numpy()
        try:
            state = stn.load_file(str(p))
        except Exception as exc:  # safetensors raises its own SafetensorError, TypeError for bfloat16, ...
            raise FileFormatError(f"{p}: not a readable .safetensors file ({type(exc).__name__}: "
                                  f"{str(exc)[:160]}); save it with safetensors.torch.save_file(model.state_dict(), "
                                  "path) or safetensors.numpy.save_file") from None
        return state_dict_parameters(state, str(p))
    torch = _torch()
    try:
        # weights_only=True: the unpickler accepts tensors and plain containers only; anything else (a
        # __reduce__ payload, a pickled nn.Module) is refused before it could run
        with warnings.catch_warnings():  # torch's own warnings (pickle protocol, ...): the error below says it
            warnings.simplefilter("ignore")
            state = torch.load(str(p), map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        raise FileFormatError(f"{p}: refused: the file holds pickled objects other than tensors{_refusal(str(exc))} "
                              "(torch.load with weights_only=True); exactloss reads data, never code -- save only the "
                              "weights, torch.save(model.state_dict(), path), or use .safetensors") from None
    except Exception as exc:
        raise FileFormatError(f"{p}: not a readable PyTorch file ({type(exc).__name__}: {str(exc)[:160]}); save "
                              "it with torch.save(model.state_dict(), path)") from None
    if isinstance(state, Mapping) and len(state) == 1 and isinstance(next(iter(state.values())), Mapping):
        key = next(iter(state))
        raise FileFormatError(f"{p}: the file holds a dict with one entry {key!r} that is itself a dict; save the "
                              f"state_dict alone (torch.save(checkpoint[{key!r}], path))")
    return state_dict_parameters(state, str(p))
