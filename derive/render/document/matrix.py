"""The matrix form of backpropagation (Nielsen's BP1–BP4), with the derivation's own numbers:

BP1 δ^L = ∇_a C ⊙ σ'(z^L),  BP2 δ^l = ((W^{l+1})^T δ^{l+1}) ⊙ σ'(z^l),  BP3 ∂C/∂b^l = δ^l,
BP4 ∂C/∂W^l = δ^l (a^{l-1})^T.

Every entry is a value already derived step by step (hand-rounded ones too), so the two forms
agree by construction; the steps each vector holds are named under it. Layers are numbered as
the notation numbers them; where a neuron is z2 (flat), a layer is z^{(2)}.
"""

from __future__ import annotations

from ...derivation.names import data_gradient, gradient, partial, per_example, split_example
from ...derivation.quantity import REGULARIZATION, Derivation
from ...functions import ACTIVATIONS
from ...spec.notation import Namer, layer_number, namer_for
from .blocks import Block, Cell, Equation, Equations, Heading, Math, Para, Selection, Text
from .math import value_latex
from .names import function_name

MAX_NEURONS = 6  # wider layers make matrices wider than the page


def matrix_form(d: Derivation, selection: Selection) -> list[Block]:
    net = d.network
    layers = net.layers
    if net.notation.style == "chain" or selection.large or selection.names is not None:
        return []  # a chain has one neuron per layer: its matrices are its steps
    if d.symbolic:
        return []
    if max(net.sizes) > MAX_NEURONS:
        return []
    if any(not ACTIVATIONS[ly.activation.name].elementwise for ly in layers):
        return []
    blocks: list[Block] = [
        Heading("Matrix form"),
        Para(
            (
                Text(
                    "The same numbers, layer by layer, as vectors and matrices: Nielsen's four "
                    "equations BP1–BP4 ("
                ),
                Math(r"\odot"),
                Text(
                    " is the elementwise product). Each vector's entries are numbered steps above."
                ),
            )
        ),
    ]
    many = len(net.examples) > 1
    for e in range(len(net.examples)):
        ex = e + 1 if many else None
        if many:
            blocks.append(Heading(f"Example {e + 1}", 2))
        blocks.append(Equations(tuple(_example(d, namer_for(net), ex))))
    return blocks


def _example(d: Derivation, namer: Namer, ex: int | None) -> list[Equation]:
    out: list[Equation] = []
    last = d.network.depth
    weights = {l: [list(r) for r in p.weights] for l, p in d.params_by_layer.items()}
    for l in range(last, 0, -1):
        out.append(_delta(d, namer, l, ex, weights))
        layer = d.network.layer(l)
        if layer.biases is not None and not layer.shared_bias:  # shared: Σ_j δ_j, a step
            label = _label(d, l)
            deltas = _vector(
                d, [per_example(partial("C", namer.z(l, j)), ex) for j in _range(d, l)]
            )
            out.append(
                Equation(
                    rf"\text{{BP3: }}\frac{{\partial C}}{{\partial b^{{{label}}}}}",
                    ((rf"\delta^{{{label}}}",), (deltas,)),
                )
            )
        out.append(_weight_gradient(d, namer, l, ex, weights))
    return out


def _delta(
    d: Derivation, namer: Namer, l: int, ex: int | None, weights: dict[int, list[list[str]]]
) -> Equation:
    label, z = _label(d, l), range(d.network.layer(l).size)
    layer = d.network.layer(l)
    prime = function_name(ACTIVATIONS[layer.activation.name].symbol + "'")
    slopes = _vector(d, [per_example(partial(namer.act(l, j), namer.z(l, j)), ex) for j in z])
    d_out = _vector(d, [per_example(partial("C", namer.act(l, j)), ex) for j in z])
    value = _vector(d, [per_example(partial("C", namer.z(l, j)), ex) for j in z])
    local = rf"{prime}\left(z^{{{label}}}\right)"
    stages: tuple[tuple[str, ...], ...]
    if l == d.network.depth:
        general = rf"\nabla_a C \odot {local}"
        stages = ((general,), (rf"{d_out} \odot {slopes}",), (value,))
    else:
        upper = _label(d, l + 1)
        general = rf"\left(\left(W^{{{upper}}}\right)^{{T}} \delta^{{{upper}}}\right) \odot {local}"
        transposed = [list(col) for col in zip(*weights[l + 1], strict=True)]
        w_t = _matrix([[value_latex(d, w) for w in row] for row in transposed])
        deltas = _vector(
            d, [per_example(partial("C", namer.z(l + 1, k)), ex) for k in _range(d, l + 1)]
        )
        product = rf"\left({w_t} {deltas}\right) \odot {slopes}"
        stages = ((general,), (product,), (rf"{d_out} \odot {slopes}",), (value,))
    bp = "BP1" if l == d.network.depth else "BP2"
    delta_names = [per_example(partial("C", namer.z(l, j)), ex) for j in z]
    why = _steps(d, rf"\delta^{{{label}}}", delta_names)
    return Equation(rf"\text{{{bp}: }}\delta^{{{label}}}", stages, why=why)


def _weight_gradient(
    d: Derivation, namer: Namer, l: int, ex: int | None, weights: dict[int, list[list[str]]]
) -> Equation:
    label, below = _label(d, l), _label(d, l - 1) if l > 1 else None
    deltas = _vector(d, [per_example(partial("C", namer.z(l, j)), ex) for j in _range(d, l)])
    inputs = [per_example(namer.act(l - 1, k), ex) for k in _range(d, l - 1)]
    row = _matrix([[_value_or_name(d, a) for a in inputs]])
    names = [_chain_gradient(d, w, ex) for r in weights[l] for w in r]
    width = len(weights[l][0]) if weights[l] else 1
    values = [value_latex(d, n) for n in names]
    grads = _matrix([values[i : i + width] for i in range(0, len(values), width)])
    a_prev = rf"\left(a^{{{below}}}\right)^{{T}}" if below else "x^{T}"
    general = rf"\delta^{{{label}}} {a_prev}"
    return Equation(
        rf"\text{{BP4: }}\frac{{\partial C}}{{\partial W^{{{label}}}}}",
        ((general,), (f"{deltas} {row}",), (grads,)),
        why=_steps(d, rf"\partial C / \partial W^{{{label}}}", names, ", row by row,"),
    )


def _chain_gradient(d: Derivation, w: str, ex: int | None) -> str:
    """The name of δ·aᵀ's entry for w: ∂C/∂w, or ∂C0/∂w where a regularization step adds λ·w
    to the chain rule's result."""
    name = per_example(gradient(w), ex)
    return data_gradient(w) if d[name].section == REGULARIZATION else name


def _value_or_name(d: Derivation, name: str) -> str:
    return value_latex(d, name) if name in d else value_latex(d, split_example(name)[0])


def _label(d: Derivation, l: int) -> str:
    """The layer's superscript in the notation's numbers: 3 where neurons are z3_1 (layered),
    (2) where a neuron is z2 (flat), so that a layer never reads as a neuron."""
    n = layer_number(d.network, l)
    return str(n) if d.network.notation.style == "layered" else f"({n})"


def _steps(d: Derivation, what: str, names: list[str], how: str = "") -> tuple[Cell, ...]:
    """Under a vector equation: which numbered steps its entries (``what``, LaTeX) are."""
    steps = [d[n].step for n in names if n in d]
    if not steps or None in steps:
        return ()
    listed = ", ".join(str(s) for s in steps)
    plural = "s" if len(steps) > 1 else ""
    return (Text("The entries of "), Math(what), Text(f"{how} are step{plural} {listed}."))


def _range(d: Derivation, l: int) -> range:
    return range(d.network.sizes[l])


def _vector(d: Derivation, names: list[str]) -> str:
    return _matrix([[value_latex(d, n)] for n in names])


def _matrix(rows: list[list[str]]) -> str:
    body = r" \\ ".join(" & ".join(row) for row in rows)
    return rf"\begin{{pmatrix}} {body} \end{{pmatrix}}"
