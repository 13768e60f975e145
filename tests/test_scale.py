"""Scale: the fast paths change nothing, large networks get a summary, JSON stays complete,
gradients match NumPy, and ``derive explain`` never imports NumPy."""

from __future__ import annotations

import itertools
import json
import math
import random
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sympy as sp
from typer.testing import CliRunner

import derive.derivation.example as chainrule
import derive.derivation.quantity as derivation
from derive import derive, load_network
from derive.cli.app import app
from derive.derivation.quantity import Derivation
from derive.render.summary import SUMMARY_STEPS
from derive.spec.network import Activation, Example, Layer, Network
from derive.verify import verify

from .conftest import CASES, ROOT, Golden


def network_yaml(sizes: tuple[int, int, int]) -> str:
    """A seeded-init sigmoid network file (the loader's ``init:``), one example."""
    inputs = ", ".join(f"{(i * 37 % 100) / 100:.2f}" for i in range(sizes[0]))
    targets = ", ".join("1" if j == 3 else "0" for j in range(sizes[2]))
    return f"""title: {sizes[0]}-{sizes[1]}-{sizes[2]} sigmoid network, seeded init
init: {{kind: normal, seed: 7, scale: 0.3}}
layers:
  - size: {sizes[0]}
  - {{size: {sizes[1]}, activation: sigmoid, weights: init, biases: zeros}}
  - {{size: {sizes[2]}, activation: sigmoid, weights: init, biases: init}}
examples:
  - {{input: [{inputs}], target: [{targets}]}}
cost: half_squared_error
learning_rate: 0.5
"""


def random_network(sizes: tuple[int, ...], *, seed: int = 0, act: str = "sigmoid") -> Network:
    rng = random.Random(seed)
    layers = []
    for before, size in itertools.pairwise(sizes):
        weights = tuple(tuple(rng.gauss(0, 0.5) for _ in range(before)) for _ in range(size))
        biases = tuple(rng.gauss(0, 0.5) for _ in range(size))
        layers.append(Layer(size, Activation(act), weights, biases))
    example = Example(
        tuple(rng.random() for _ in range(sizes[0])), (1.0,) + (0.0,) * (sizes[-1] - 1)
    )
    return Network("random", sizes[0], tuple(layers), (example,), "half_squared_error")


@pytest.fixture
def mid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mid.yaml").write_text(network_yaml((30, 20, 10)))
    return Path("mid.yaml")


def _explain(*args: str) -> Any:
    return CliRunner().invoke(app, ["explain", *args])


def _shape(d: Derivation) -> list[tuple[str, str, str, str, Any]]:
    return [
        (q.name, sp.srepr(q.formula), sp.srepr(q.chain), sp.srepr(q.shown), q.value)
        for q in d.quantities.values()
    ]


@pytest.mark.parametrize(
    "case", ["blog-2-3-1", "softmax-classifier", "minibatch-2-2-1", "laan-1-1-1"]
)
def test_fast_paths_build_the_same_formulas(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    network = load_network(CASES / f"{case}.yaml")
    fast = _shape(derive(network, carry="rounded" if case == "blog-2-3-1" else "exact"))
    # the plain SymPy constructors and sympy.diff of every term, as before the speed-ups
    monkeypatch.setattr(derivation, "_plain", lambda arg: False)
    monkeypatch.setattr(chainrule, "_term_derivative", lambda term, wrt: sp.diff(term, wrt))
    slow = _shape(derive(network, carry="rounded" if case == "blog-2-3-1" else "exact"))
    assert fast == slow


def _numpy_gradients(network: Network) -> list[float]:
    np = pytest.importorskip("numpy")
    a = [np.array(network.examples[0].input)]
    weights = [np.array(layer.weights) for layer in network.layers]
    biases = [np.array(layer.biases) for layer in network.layers]
    for w, b in zip(weights, biases, strict=True):
        a.append(1 / (1 + np.exp(-(w @ a[-1] + b))))
    delta = (a[-1] - np.array(network.examples[0].target)) * a[-1] * (1 - a[-1])
    grads: list[Any] = []
    for l in range(len(weights) - 1, -1, -1):
        grads = [np.outer(delta, a[l]).ravel(), delta, *grads]
        delta = (weights[l].T @ delta) * a[l] * (1 - a[l])
    return [float(g) for g in np.concatenate(grads)]


def test_gradients_match_numpy_backprop() -> None:
    network = random_network((40, 12, 6))
    d = derive(network)
    got = [d[f"dC/d{p}"].value for p in d.parameters]
    assert len(got) == 40 * 12 + 12 + 12 * 6 + 6
    assert got == pytest.approx(_numpy_gradients(network), rel=1e-9, abs=1e-13)


def test_gradients_match_finite_differences() -> None:
    network = random_network((5, 4, 3), seed=3)
    d = derive(network)

    def cost(net: Network) -> float:
        return float(derive(net)["C"].value)

    layer = network.layer(1)
    for j, k in [(0, 0), (2, 4), (3, 1)]:
        grad = d[f"dC/dw{j * 5 + k}"].value
        moved = []
        for h in (1e-6, -1e-6):
            rows = [[float(w) for w in r] for r in layer.weights]
            rows[j][k] += h
            changed = Layer(layer.size, layer.activation, tuple(map(tuple, rows)), layer.biases)
            layers = (changed, *network.layers[1:])
            moved.append(cost(replace(network, layers=layers)))
        assert grad == pytest.approx((moved[0] - moved[1]) / 2e-6, rel=1e-5, abs=1e-9)


def test_large_network_gets_a_summary(mid: Path, golden: Golden) -> None:
    result = _explain(str(mid))
    assert result.exit_code == 0, result.output
    assert "Backward pass" not in result.output
    assert "830 parameters · 890 chain-rule steps" in result.output
    assert "Largest gradients" in result.output
    golden.check("scale/summary-30-20-10.txt", result.output)


def test_summary_gradient_norms_are_right(mid: Path) -> None:
    d = derive(load_network(mid))
    assert len(d.steps) > SUMMARY_STEPS
    output = _explain(str(mid)).output
    for l, params in d.params_by_layer.items():
        row = next(line for line in output.splitlines() if line.strip().startswith(f"{l} ("))
        weights = [w for ws in params.weights for w in ws]
        for names in (weights, list(params.biases)):
            norm = math.sqrt(sum(float(d[f"dC/d{p}"].value) ** 2 for p in names))
            assert f"{norm:.4f}" in row.split()


def test_full_forces_every_step(tmp_path: Path) -> None:
    path = tmp_path / "just-over.yaml"
    path.write_text(network_yaml((12, 12, 4)))  # 192 weights + 16 biases: 240 steps
    assert len(derive(load_network(path)).steps) == 240 > SUMMARY_STEPS
    assert "Backward pass" not in _explain(str(path)).output
    output = _explain(str(path), "--full").output
    assert "Backward pass (chain rule)" in output
    assert "∂C/∂w191" in output and "∂C/∂b15" in output and "∂C/∂w192" not in output


def test_json_is_complete_for_large_networks(mid: Path) -> None:
    d = derive(load_network(mid))
    doc = json.loads(_explain(str(mid), "--format", "json").output)
    assert len(doc["steps"]) == len(d.steps) == 890
    assert all(f"dC/d{p}" in doc["values"] for p in d.parameters)
    assert all(f"new_{p}" in doc["values"] for p in d.parameters)


def test_only_shows_chosen_steps(mid: Path) -> None:
    output = _explain(str(mid), "--only", "dC/dw79*,O29").output
    assert "12 chosen quantities" in output  # dC/dw79, dC/dw790..dC/dw799, O29
    assert "∂C/∂z2 · x19" in output and "∂C/∂z29 · O19" in output
    doc = json.loads(_explain(str(mid), "--only", "dC/db2*", "--format", "json").output)
    assert {s["quantity"] for s in doc["steps"]} == {f"dC/dz{n}" for n in [2, *range(20, 30)]}


def test_bad_only_pattern_is_one_line(mid: Path) -> None:
    result = _explain(str(mid), "--only", "nothing*")
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "matches no quantity" in result.output


def test_explain_never_imports_numpy() -> None:
    args = [sys.executable, "-X", "importtime", "-m", "derive", "explain", "cases/blog-2-3-1.yaml"]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "sympy" in imported  # the check sees imports at all
    assert not {m for m in imported if m.split(".")[0] in ("numpy", "matplotlib", "sklearn")}


def test_summary_names_layers_alike_in_both_tables() -> None:
    """The largest-gradients table uses the layer table's labels (layered: output is 4)."""
    import re

    from derive.render.summary import render as summary
    from derive.render.tables import as_text
    from derive.spec.notation import layer_label

    from .conftest import CASES

    d = derive(load_network(CASES / "3b1b-784-16-16-10.yaml"))
    text = as_text(summary(d), width=120)
    layers_part, largest_part = text.split("Largest gradients")
    rows = re.findall(r"^ (b\d+_\d+|w\S+)\s+(\d+ \(\w+\))", largest_part, flags=re.MULTILINE)
    assert rows and {label for _, label in rows} == {layer_label(d.network, 3)} == {"4 (output)"}
    assert "4 (output)" in layers_part


# --------------------------------------------------------------------------------------------
# derive verify on a large network: one derivation reused, finite differences in place, sampled


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """30-16-2: 530 parameters, past verify's SAMPLE_ABOVE."""
    path = tmp_path_factory.mktemp("verify") / "wide.yaml"
    path.write_text(network_yaml((30, 16, 2)), encoding="utf-8")
    return path


def _plant(monkeypatch: pytest.MonkeyPatch, index: int, names: list[str]) -> None:
    """A wrong ∂C/∂p for one parameter in both SymPy's and NumPy's answer, alike: only the
    finite differences can catch it (as a wrong rewrite in the functions table would be)."""
    import derive.verify as verifying
    import derive.verify.trajectory as trajectory

    right_flat, right_value = verifying._flat_gradient, trajectory.float_value
    target = f"dC/d{names[index]}"

    def flat(*args: Any) -> list[float]:
        out = right_flat(*args)
        out[index] += 1e-3
        return out

    def value(d: Derivation, name: str, known: Mapping[str, Any] | None = None) -> float:
        return right_value(d, name, known) + (1e-3 if name == target else 0.0)

    monkeypatch.setattr(verifying, "_flat_gradient", flat)
    monkeypatch.setattr("derive.verify.float_value", value)


def test_verify_samples_a_large_network_and_catches_a_planted_error(
    wide: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from derive.verify import SAMPLE_ABOVE, sample, verify

    network = load_network(wide)
    names = list(derive(network).parameters)
    assert len(names) > SAMPLE_ABOVE
    clean = verify(network, steps=1)
    assert clean.ok and clean.sample.startswith("Finite differences on a sample of")
    sampled = [i for i, p in enumerate(clean.parameters) if p.fd is not None]
    layers = [p.layer for p in clean.parameters]
    assert sampled == sample(layers) == sample(layers)  # the same every run
    for layer in set(layers):  # every layer, its first and last parameter among them
        mine = [i for i, at in enumerate(layers) if at == layer]
        assert {mine[0], mine[-1]} <= set(sampled)
    inside = sampled[len(sampled) // 2]
    outside = next(i for i in range(len(names)) if i not in sampled)
    with monkeypatch.context() as m:
        _plant(m, inside, names)
        assert verify(network, steps=0).disagreeing == (names[inside],)
    _plant(monkeypatch, outside, names)
    assert verify(network, steps=0).ok  # not sampled: the default run cannot see it
    every = verify(network, steps=0, every=True)
    assert every.disagreeing == (names[outside],)  # --all checks every parameter
    assert len(every.sampled) == len(names) and every.sample == ""


def test_in_place_finite_differences_equal_the_copying_ones(wide: Path) -> None:
    """Against train/stable.py's finite differences, which copy the model for every entry."""
    import numpy as np

    from derive.train.data import examples
    from derive.train.model import model_from_network
    from derive.train.stable import finite_differences as copying
    from derive.verify import finite_differences
    from derive.verify.differences import sampled_differences

    network = load_network(CASES / "nielsen-l2-momentum.yaml")
    for net in (network, load_network(wide)):
        model = model_from_network(net)
        before = model.flat().copy()
        x, y = examples(net)
        assert finite_differences(model, x, y, h=1e-5) == copying(model, x, y, h=1e-5)
        assert np.array_equal(model.flat(), before)  # every entry put back
        some = sampled_differences(model, x, y, h=1e-5, indices=[0, 3])
        assert [i for i, v in enumerate(some) if v is not None] == [0, 3]


def test_verify_derives_three_times_for_three_steps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import derive.verify.trajectory as verifying
    from derive.derivation.build import derive as right

    calls = []

    def counting(*args: Any, **kwargs: Any) -> Derivation:
        calls.append(1)
        return right(*args, **kwargs)

    monkeypatch.setattr(verifying, "derive", counting)
    assert verify(load_network(CASES / "blog-2-3-1.yaml"), steps=3).ok
    assert len(calls) == 3


def test_verify_all_flag(wide: Path) -> None:
    sampled = CliRunner().invoke(app, ["verify", str(wide), "--steps", "0"])
    every = CliRunner().invoke(app, ["verify", str(wide), "--steps", "0", "--all"])
    assert sampled.exit_code == every.exit_code == 0
    assert (
        "a sample of 98 of the 530 parameters"
    )  # 64 + all 34 of layer 2 in sampled.stdout.replace("\n", " ")
    assert "sample" not in every.stdout and "(530 parameters)" in every.stdout
