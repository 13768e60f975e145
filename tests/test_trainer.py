"""The NumPy trainer against independent oracles: sympy.diff of the composed cost, the SymPy
chain-rule derivation, finite differences, and closed forms; stability at |z| = 1e3."""

from __future__ import annotations

import itertools
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy as sp
import yaml

from derive.derivation.build import derive
from derive.errors import InputError
from derive.functions import ACTIVATIONS
from derive.spec.load import load_network
from derive.spec.network import Network
from derive.train.backprop import Workspace, cost, gradients, outputs, step
from derive.train.data import examples, is_classifier
from derive.train.kernels import forward_form, local_derivative
from derive.train.model import NumpyModel, model_from_network, with_ones
from derive.train.sgd import Plan, train
from derive.verify import finite_differences

from .oracle import composed_cost, numbers

# (hidden activation, output activation, cost, output size): every activation and cost
COMBOS = [
    ("sigmoid", "sigmoid", "half_squared_error", 2),
    ("tanh", "linear", "mse", 2),
    ("relu", "sigmoid", "squared_error", 2),
    ({"name": "leaky_relu", "slope": 0.1}, "tanh", "mse", 2),
    ("sigmoid", "softmax", "cross_entropy", 3),
    ("tanh", "sigmoid", "binary_cross_entropy", 2),
    ("linear", "softmax", "half_squared_error", 3),
]


def network_file(
    tmp_path: Path,
    *,
    hidden: Any,
    out: Any,
    cost: str,
    sizes: tuple[int, ...] = (2, 3, 2),
    n_examples: int = 3,
    seed: int = 0,
    scale: float = 1.0,
    bare: tuple[int, ...] = (),
) -> Path:
    """A small random network file; targets are one-hot (valid for every cost). The layers
    numbered in ``bare`` (1 = first after the inputs) have no biases."""
    rng = np.random.default_rng(seed)
    layers: list[dict[str, Any]] = [{"size": sizes[0]}]
    for i, (n, m) in enumerate(itertools.pairwise(sizes)):
        layers.append(
            {
                "size": m,
                "activation": out if i == len(sizes) - 2 else hidden,
                "weights": (scale * rng.normal(size=(m, n))).round(3).tolist(),
                "biases": rng.normal(size=m).round(3).tolist(),
            }
        )
        if i + 1 in bare:
            del layers[-1]["biases"]
    data = {
        "layers": layers,
        "examples": [
            {
                "input": rng.normal(size=sizes[0]).round(3).tolist(),
                "target": np.eye(sizes[-1])[e % sizes[-1]].tolist(),
            }
            for e in range(n_examples)
        ],
        "cost": cost,
        "learning_rate": 0.3,
    }
    path = tmp_path / f"net{seed}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def one_weight(tmp_path: Path, activation: str, extra: str = "") -> Path:
    """Seed 000's one-weight network with the weight as the symbol w, and ``extra`` keys."""
    path = tmp_path / "sym.yaml"
    path.write_text(
        f"layers: [{{size: 1}}, {{size: 1, activation: {activation}, weights: [[w]]}}]\n"
        f"examples: [{{input: [1.5], target: [0.5]}}]\ncost: squared_error\n{extra}",
        encoding="utf-8",
    )
    return path


def flat_gradient(model: NumpyModel, x: Any, y: Any) -> np.ndarray:
    parts = []
    for gw, gb in gradients(model, x, y):
        parts += [gw.ravel()] + ([gb] if gb is not None else [])
    return np.concatenate(parts)


def combo_network(tmp_path: Path, combo: tuple[Any, ...], **kw: Any) -> Network:
    hidden, out, cost_name, outputs = combo
    return load_network(
        network_file(tmp_path, hidden=hidden, out=out, cost=cost_name, sizes=(2, 3, outputs), **kw)
    )


@pytest.mark.parametrize("combo", COMBOS, ids=lambda c: f"{c[1]}-{c[2]}")
def test_gradient_equals_sympy_diff_of_composed_cost(tmp_path: Path, combo: Any) -> None:
    hidden, out, cost_name, outputs = combo
    path = network_file(
        tmp_path, hidden=hidden, out=out, cost=cost_name, sizes=(2, 2, outputs), n_examples=1
    )
    net = load_network(path)
    total, params = composed_cost(net)
    at = {p: sp.Float(v) for p, v in zip(params, numbers(net), strict=True)}
    expected = [float(total.diff(p).xreplace(at)) for p in params]
    got = flat_gradient(model_from_network(net), *examples(net))
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("bare", [(1,), (2,), (1, 2)])
def test_layers_without_biases_match_sympy_diff(tmp_path: Path, bare: tuple[int, ...]) -> None:
    # parameters are packed as [W | b] with a row of ones under each input: a layer without
    # biases has neither, and the layer after it must not read a stray row
    path = network_file(
        tmp_path, hidden="tanh", out="sigmoid", cost="mse", sizes=(2, 3, 2), n_examples=1, bare=bare
    )
    net = load_network(path)
    total, params = composed_cost(net)
    at = {p: sp.Float(v) for p, v in zip(params, numbers(net), strict=True)}
    expected = [float(total.diff(p).xreplace(at)) for p in params]
    model = model_from_network(net)
    assert [l.biases is None for l in model.layers] == [1 in bare, 2 in bare]
    got = flat_gradient(model, *examples(net))
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)


def test_forward_with_and_without_the_row_of_ones_agree(tmp_path: Path) -> None:
    """Training feeds [x; 1] to [W | b]; evaluation feeds x and adds b. Same outputs."""
    net = combo_network(tmp_path, COMBOS[4], n_examples=5)
    model = model_from_network(net)
    x, _ = examples(net)
    packed = Workspace(model, 5).forward(with_ones(model, x))[-1]
    np.testing.assert_allclose(outputs(model, x), packed, rtol=1e-14)
    assert with_ones(model, x).shape == (x.shape[0] + 1, 5)


def test_weights_and_biases_are_views_of_the_packed_parameters(tmp_path: Path) -> None:
    model = model_from_network(combo_network(tmp_path, COMBOS[0]))
    layer = model.layers[0]
    layer.packed[0, 0], layer.packed[1, -1] = 7.0, 8.0
    assert layer.weights[0, 0] == 7.0 and layer.biases is not None and layer.biases[1] == 8.0
    copied = model.copy().layers[0]
    copied.weights[0, 0] = -1.0
    assert layer.weights[0, 0] == 7.0 and copied.packed[0, 0] == -1.0


@pytest.mark.parametrize("combo", COMBOS, ids=lambda c: f"{c[1]}-{c[2]}")
def test_gradient_equals_chain_rule_derivation(tmp_path: Path, combo: Any) -> None:
    net = combo_network(tmp_path, combo, seed=1)
    d = derive(net)
    expected = [float(d[f"dC/d{p}"].value) for p in d.parameters]
    model = model_from_network(net)
    got = flat_gradient(model, *examples(net))
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)
    fd = finite_differences(model, *examples(net), h=1e-5)
    np.testing.assert_allclose(fd, got, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_local_derivative_matches_finite_difference_of_numpy_forward(name: str) -> None:
    z = np.linspace(-3, 3, 7)[:, None] + 0.05  # avoid relu's kink at 0
    act = ACTIVATIONS[name]
    h = 1e-6
    fwd = act.numpy(z, 0.1)
    diag = local_derivative(name, 0.1, True)(z, fwd, fwd)
    if act.elementwise:
        fd = (act.numpy(z + h, 0.1) - act.numpy(z - h, 0.1)) / (2 * h)
        np.testing.assert_allclose(diag, fd, rtol=1e-6, atol=1e-9)
    else:  # softmax column: ∂a_i/∂z_i on the diagonal
        bump = np.eye(len(z))[:, :, None] * h
        fd = np.array(
            [
                (act.numpy(z + bump[i], 0) - act.numpy(z - bump[i], 0))[i] / (2 * h)
                for i in range(len(z))
            ]
        )
        np.testing.assert_allclose(diag, fd, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("slope", [0.0, 0.1, 1.0, 2.0])
def test_in_place_forward_form_gives_the_tables_values(name: str, slope: float) -> None:
    z = np.concatenate([np.linspace(-1e3, 1e3, 41), np.linspace(-5, 5, 41)]).reshape(2, 41)
    out = np.full_like(z, np.nan)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        got = forward_form(name, slope)(z, out)
        expected = ACTIVATIONS[name].numpy(z, slope)
    np.testing.assert_array_equal(got, expected)


def test_minibatch_gradient_is_mean_of_per_example_gradients(tmp_path: Path) -> None:
    net = combo_network(tmp_path, COMBOS[4], n_examples=5)
    model = model_from_network(net)
    x, y = examples(net)
    per = [flat_gradient(model, x[:, i : i + 1], y[:, i : i + 1]) for i in range(5)]
    np.testing.assert_allclose(flat_gradient(model, x, y), np.mean(per, axis=0), rtol=1e-12)


def test_step_moves_against_the_gradient(tmp_path: Path) -> None:
    model = model_from_network(combo_network(tmp_path, COMBOS[0]))
    x, y = examples(combo_network(tmp_path, COMBOS[0]))
    before, grad = model.flat(), flat_gradient(model, x, y)
    step(model, x, y, 0.25)
    np.testing.assert_allclose(model.flat(), before - 0.25 * grad, rtol=1e-12)


@pytest.mark.parametrize(
    ("out", "cost_name", "outputs"),
    [
        ("sigmoid", "binary_cross_entropy", 1),
        ("softmax", "cross_entropy", 3),
        ("sigmoid", "half_squared_error", 2),
        ("tanh", "mse", 2),
    ],
)
def test_no_overflow_or_nan_for_huge_weighted_sums(
    tmp_path: Path, out: str, cost_name: str, outputs: int
) -> None:
    net = load_network(
        network_file(tmp_path, hidden="tanh", out=out, cost=cost_name, sizes=(2, 2, outputs))
    )
    model = model_from_network(net)
    model.layers[-1].weights[...] = 1e3 * np.sign(
        np.arange(outputs * 2).reshape(outputs, 2) % 3 - 1
    )
    model.layers[0].weights[...] = 1e3
    x = np.array([[1.0, -1.0, 1.0], [1.0, -1.0, -1.0]])  # hidden tanh saturates at ±1
    y = np.eye(outputs)[:, [0, outputs - 1, 0]] if outputs > 1 else np.array([[1.0, 0.0, 0.0]])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        grads = flat_gradient(model, x, y)
        c = cost(model, x, y)
    assert np.isfinite(grads).all() and np.isfinite(c)


def test_softmax_cross_entropy_delta_is_a_minus_y_at_extremes() -> None:
    """The general Jacobian path, clipped, equals the closed form δ = a − y (finite for both)."""
    from derive.train.kernels import cost_gradient, delta_of
    from derive.train.model import NumpyLayer

    z = np.array([[1000.0, -1000.0, 3.0], [-1000.0, 1000.0, 2.0], [0.0, 0.0, 1.0]])
    a = ACTIVATIONS["softmax"].numpy(z, 0)
    y = np.eye(3)
    clipped = np.clip(a, 1e-12, 1 - 1e-12)
    delta = delta_of(
        NumpyLayer(np.eye(3), None, "softmax", 0.0),
        z,
        clipped,
        cost_gradient("cross_entropy", 3)(clipped, y),
        np.empty((3, 3)),
    )
    np.testing.assert_allclose(delta, a - y, atol=1e-9)


def test_seeded_shuffle_is_deterministic_and_learns(tmp_path: Path) -> None:
    net = combo_network(tmp_path, COMBOS[4])
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 60))
    y = np.eye(3)[(x[0] > 0).astype(int) + (x[1] > 0.5).astype(int)].T  # three separable bands
    runs = []
    for seed in (3, 3, 4):
        model = model_from_network(net)
        history = train(model, (x, y), plan=Plan(epochs=60, batch_size=6, lr=1.0, seed=seed))
        runs.append(model.flat())
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])
    assert history[-1].cost < 0.5 * history[0].cost
    assert history[-1].accuracy is not None and history[-1].accuracy >= 0.85


def test_free_symbol_without_value_is_a_clear_error(tmp_path: Path) -> None:
    path = one_weight(tmp_path, "linear")
    with pytest.raises(InputError, match=r"layers\[1\].weights: the trainer needs numbers.*'w'"):
        model_from_network(load_network(path))


def test_is_classifier() -> None:
    assert is_classifier(np.eye(3))
    assert is_classifier(np.array([[0.0, 1.0, 1.0]]))
    assert not is_classifier(np.array([[0.92]]))
    assert not is_classifier(np.ones((2, 2)))


def _loop_epochs(params: list[Any], x: Any, y: Any, *, batch: int, lr: float, epochs: int) -> Any:
    """Nielsen's network.py as written: backprop one example at a time, gradients summed, one
    update per mini-batch; the same seeded shuffle as ``train`` (seed 0)."""
    rng = np.random.default_rng(0)

    def sig(z: Any) -> Any:
        return 1 / (1 + np.exp(-z))

    for _ in range(epochs):
        order = rng.permutation(x.shape[1])
        for start in range(0, len(order), batch):
            sums = [(np.zeros_like(w), np.zeros_like(b)) for w, b in params]
            for i in order[start : start + batch]:
                acts = [x[:, i : i + 1]]
                for w, b in params:
                    acts.append(sig(w @ acts[-1] + b[:, None]))
                delta = (acts[-1] - y[:, i : i + 1]) * acts[-1] * (1 - acts[-1])
                for l in range(len(params) - 1, -1, -1):
                    gw, gb = delta @ acts[l].T, delta[:, 0]
                    sums[l] = (sums[l][0] + gw, sums[l][1] + gb)
                    delta = (params[l][0].T @ delta) * acts[l] * (1 - acts[l])
            n = len(order[start : start + batch])
            pairs = zip(params, sums, strict=True)
            params = [(w - lr / n * sw, b - lr / n * sb) for (w, b), (sw, sb) in pairs]
    return np.concatenate([p for w, b in params for p in (w.ravel(), b)])


def _sigmoid_model(dtype: Any, rng: Any) -> tuple[NumpyModel, list[Any]]:
    from derive.train.model import NumpyLayer

    params = [(rng.standard_normal((m, n)), rng.standard_normal(m)) for n, m in [(6, 5), (5, 3)]]
    layers = [NumpyLayer(w.astype(dtype), b.astype(dtype), "sigmoid", 0.0) for w, b in params]
    return NumpyModel(layers, "half_squared_error"), params


@pytest.mark.parametrize("batch", [1, 4, 7, 40])
def test_trainer_equals_the_per_example_loop_for_several_epochs(batch: int) -> None:
    """The vectorized step (one parameter buffer, chunked gather, in-place products) follows
    the per-example loop, batch by batch, to 1e-12 over 3 epochs, uneven last batch included."""
    rng = np.random.default_rng(11)
    x, y = rng.random((6, 40)), np.eye(3)[rng.integers(0, 3, 40)].T
    model, params = _sigmoid_model(np.float64, rng)
    train(model, (x, y), plan=Plan(epochs=3, batch_size=batch, lr=2.0, seed=0))
    expected = _loop_epochs(params, x, y, batch=batch, lr=2.0, epochs=3)
    np.testing.assert_allclose(model.flat(), expected, rtol=0, atol=1e-12)
    assert not np.allclose(
        model.flat(), np.concatenate([p for w, b in params for p in (w.ravel(), b)])
    )


def test_float32_trains_in_float32_close_to_float64() -> None:
    rng = np.random.default_rng(12)
    x, y = rng.random((6, 40)), np.eye(3)[rng.integers(0, 3, 40)].T
    runs = []
    for dtype in (np.float64, np.float32):
        model, _ = _sigmoid_model(dtype, np.random.default_rng(13))
        history = train(model, (x, y), plan=Plan(epochs=3, batch_size=4, lr=2.0, seed=0))
        assert model.params.dtype == dtype and outputs(model, x).dtype == dtype
        runs.append((model.flat(), [e.cost for e in history]))
    (flat64, costs64), (flat32, costs32) = runs
    np.testing.assert_allclose(flat32, flat64, atol=1e-4)
    np.testing.assert_allclose(costs32, costs64, rtol=1e-4)
    assert not np.array_equal(flat32, flat64)  # it really ran in float32
