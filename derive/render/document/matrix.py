"""The layered (Nielsen) matrix form of backpropagation, with the derivation's own numbers:

δ^L = ∇_a C ⊙ σ'(z^L),  δ^l = ((W^{l+1})^T δ^{l+1}) ⊙ σ'(z^l),  ∂C/∂b^l = δ^l,
∂C/∂W^l = δ^l (a^{l-1})^T.

Every entry is a value already derived step by step, so the two forms agree by construction.
"""

from __future__ import annotations

from ...derivation.names import gradient, partial, per_example, split_example
from ...derivation.quantity import Derivation
from ...functions import ACTIVATIONS
from ...spec.notation import Namer, namer_for
from .blocks import Block, Equation, Equations, Heading, Math, Para, Selection, Text
from .math import value_latex
from .names import function_name

MAX_NEURONS = 6  # wider layers make matrices wider than the page


def matrix_form(d: Derivation, selection: Selection) -> list[Block]:
    net = d.network
    layers = net.layers
    if net.notation.style != "layered" or selection.large or selection.names is not None:
        return []
    if max(net.sizes) > MAX_NEURONS:
        return []
    if any(not ACTIVATIONS[ly.activation.name].elementwise for ly in layers):
        return []
    blocks: list[Block] = [
        Heading("Matrix form"),
        Para(
            (
                Text("The same numbers, layer by layer, as vectors and matrices ("),
                Math(r"\odot"),
                Text(" is the elementwise product)."),
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
        if d.network.layer(l).biases is not None:
            label = _label(namer, l)
            deltas = _vector(
                d, [per_example(partial("C", namer.z(l, j)), ex) for j in _range(d, l)]
            )
            out.append(
                Equation(
                    rf"\frac{{\partial C}}{{\partial b^{{{label}}}}}",
                    ((rf"\delta^{{{label}}}",), (deltas,)),
                )
            )
        out.append(_weight_gradient(d, namer, l, ex, weights))
    return out


def _delta(
    d: Derivation, namer: Namer, l: int, ex: int | None, weights: dict[int, list[list[str]]]
) -> Equation:
    label, z = _label(namer, l), range(d.network.layer(l).size)
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
        upper = _label(namer, l + 1)
        general = rf"\left(\left(W^{{{upper}}}\right)^{{T}} \delta^{{{upper}}}\right) \odot {local}"
        transposed = [list(col) for col in zip(*weights[l + 1], strict=True)]
        w_t = _matrix([[value_latex(d, w) for w in row] for row in transposed])
        deltas = _vector(
            d, [per_example(partial("C", namer.z(l + 1, k)), ex) for k in _range(d, l + 1)]
        )
        product = rf"\left({w_t} {deltas}\right) \odot {slopes}"
        stages = ((general,), (product,), (rf"{d_out} \odot {slopes}",), (value,))
    return Equation(rf"\delta^{{{label}}}", stages)


def _weight_gradient(
    d: Derivation, namer: Namer, l: int, ex: int | None, weights: dict[int, list[list[str]]]
) -> Equation:
    label, below = _label(namer, l), _label(namer, l - 1) if l > 1 else None
    deltas = _vector(d, [per_example(partial("C", namer.z(l, j)), ex) for j in _range(d, l)])
    inputs = [per_example(namer.act(l - 1, k), ex) for k in _range(d, l - 1)]
    row = _matrix([[_value_or_name(d, a) for a in inputs]])
    grads = _matrix([[value_latex(d, per_example(gradient(w), ex)) for w in r] for r in weights[l]])
    a_prev = rf"\left(a^{{{below}}}\right)^{{T}}" if below else "x^{T}"
    general = rf"\delta^{{{label}}} {a_prev}"
    return Equation(
        rf"\frac{{\partial C}}{{\partial W^{{{label}}}}}",
        ((general,), (f"{deltas} {row}",), (grads,)),
    )


def _value_or_name(d: Derivation, name: str) -> str:
    return value_latex(d, name) if name in d else value_latex(d, split_example(name)[0])


def _label(namer: Namer, l: int) -> str:
    """The layer's superscript as the layered names write it: z3_1 → 3."""
    return namer.z(l, 0)[1:].split("_")[0]


def _range(d: Derivation, l: int) -> range:
    return range(d.network.sizes[l])


def _vector(d: Derivation, names: list[str]) -> str:
    return _matrix([[value_latex(d, n)] for n in names])


def _matrix(rows: list[list[str]]) -> str:
    body = r" \\ ".join(" & ".join(row) for row in rows)
    return rf"\begin{{pmatrix}} {body} \end{{pmatrix}}"
