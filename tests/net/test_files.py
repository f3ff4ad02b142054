"""exactloss.net.files: the .json / .npz formats, exactly, and clear errors for bad files."""

import json
from fractions import Fraction

import numpy as np
import pytest

from exactloss import Network, load_data, load_parameters, random_data, save_data, save_parameters
from exactloss.errors import DataError, FileFormatError, InputError


@pytest.mark.parametrize("suffix", [".json", ".npz"])
def test_round_trip_exact(tmp_path, suffix):
    net = Network((2, 3, 1), "sigmoid")
    P = net.random_parameters(seed=2, denominator=7)  # not dyadic: npz stores strings
    path = save_parameters(P, tmp_path / f"p{suffix}")
    Q = load_parameters(path)
    assert all((a == b).all() for a, b in zip(P.W, Q.W)) and all((a == b).all() for a, b in zip(P.b, Q.b))
    X, Y = random_data(4, 2, 1, seed=3)
    X2, Y2 = load_data(save_data(X, Y, tmp_path / f"d{suffix}"))
    assert (X == X2).all() and (Y == Y2).all()


def test_npz_floats_are_exact_binary_rationals(tmp_path):
    np.savez(tmp_path / "p.npz", W1=np.array([[0.1]]), b1=np.array([0.5]))
    P = load_parameters(tmp_path / "p.npz")
    assert P.W[0][0, 0] == Fraction(0.1) and P.W[0][0, 0] != Fraction(1, 10)


def test_json_exact_strings(tmp_path):
    (tmp_path / "p.json").write_text(json.dumps({"W": [[["-3/7", 1]]], "b": [["1/3", "0.5"]]}))
    P = load_parameters(tmp_path / "p.json")
    assert P.W[0][0, 0] == Fraction(-3, 7) and P.b[0][1] == Fraction(1, 2)


def test_data_without_y(tmp_path):
    (tmp_path / "d.json").write_text(json.dumps({"X": [[1, 2], [3, 4]]}))
    X, Y = load_data(tmp_path / "d.json")
    assert Y is None and X.shape == (2, 2)
    with pytest.raises(FileFormatError, match="needs targets"):
        load_data(tmp_path / "d.json", need_Y=True)


@pytest.mark.parametrize("content,exc,msg", [
    ("{not json", FileFormatError, "not valid JSON"),
    ('{"W": []}', FileFormatError, "need keys"),
    ('[1, 2]', FileFormatError, "expected a JSON object"),
    ('{"W": [[[1, "x"]]], "b": [[0]]}', InputError, "not a number"),
    ('{"W": [[[1, NaN]]], "b": [[0, 0]]}', DataError, "NaN/inf"),
    ('{"W": [[[1, 2], [3]]], "b": [[0]]}', InputError, "different lengths"),
])
def test_bad_parameter_files(tmp_path, content, exc, msg):
    p = tmp_path / "p.json"
    p.write_text(content)
    with pytest.raises(exc, match=msg):
        load_parameters(p)


def test_unreadable_files(tmp_path):
    with pytest.raises(FileFormatError, match="no such file"):
        load_parameters(tmp_path / "missing.json")
    with pytest.raises(FileFormatError, match="unknown file type"):
        load_parameters(tmp_path / "p.csv")
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(FileFormatError, match="not a readable .npz"):
        load_parameters(tmp_path / "bad.npz")
    np.savez(tmp_path / "nob.npz", W1=np.eye(2))
    with pytest.raises(FileFormatError, match="missing bias"):
        load_parameters(tmp_path / "nob.npz")
    (tmp_path / "d.json").write_text('{"Y": [[1]]}')
    with pytest.raises(FileFormatError, match="key \"X\""):
        load_data(tmp_path / "d.json")
