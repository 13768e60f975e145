"""A network file to start from (``derive new``): the YAML text, which the CLI writes.

The numbers are small and readable rather than random, so that a first hand calculation is easy
to follow: weights 0.1, 0.2, …, 0.9 and round again, row by row through the layers; biases 0.1;
one example with inputs 1, 0.5, 1, … Every weight is positive and so is every input, so no ReLU
unit starts switched off and every gradient is non-zero.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from ..errors import OptionError
from ..functions import ACTIVATIONS, COSTS
from .limits import DERIVE, Limits, check_layers
from .network import NOTATION_STYLES, NotationStyle
from .reader import short

Choice = TypeVar("Choice", bound=str)
SHAPE = re.compile(r"[1-9][0-9]{0,8}(-[1-9][0-9]{0,8})+")
COMMENT_COLUMN = 40
LONG_LINE = 100  # a weights line longer than this gets one line per row

NAMES = {
    "flat": "names w0, b0, z0, O0, … through the layers",
    "layered": "Nielsen's names w2_jk, b2_j, z2_j, a2_j (the input is layer 1)",
    "chain": "3Blue1Brown's names w(L), b(L), z(L), a(L), a(L-1), …",
}
NOTATION_LINE = {
    "flat": "{style: flat, start: 0}",
    "layered": "{style: layered, start: 1}",
    "chain": "{style: chain}",
}

NOTES = {
    "weights": "one row per neuron, one number per input to it",
    "biases": "omit for a layer without biases",
}


@dataclass(frozen=True)
class Plan:
    """The checked choices a new file is written from."""

    shape: str
    sizes: tuple[int, ...]
    hidden: str  # the hidden layers' activation
    output: str  # the output layer's: the cost may need sigmoid or softmax
    cost: str
    notation: NotationStyle


def hidden_activations() -> list[str]:
    """The activations a hidden layer may take: the elementwise ones (softmax couples a layer and
    comes only as the output the cross_entropy cost needs)."""
    return [name for name, act in ACTIVATIONS.items() if act.elementwise]


def network_text(
    *,
    shape: str,
    activation: str = "sigmoid",
    cost: str = "half_squared_error",
    notation: str = "flat",
    limits: Limits = DERIVE,
) -> str:
    """A commented network file that ``derive explain`` and ``derive verify`` load unchanged;
    raises OptionError (naming ``shape``, ``activation``, ``cost`` or ``notation``) when a
    choice is not possible."""
    chosen = make_plan(
        shape=shape, activation=activation, cost=cost, notation=notation, limits=limits
    )
    return _render(chosen)


def make_plan(*, shape: str, activation: str, cost: str, notation: str, limits: Limits) -> Plan:
    """The choices checked: the shape, its size against ``limits``, the names."""
    sizes = parse_shape(shape)
    check_layers(f"shape {shape.strip()}", list(sizes), limits)
    hidden = _choice("activation", activation, choices=hidden_activations())
    cost = _choice("cost", cost, choices=list(COSTS))
    style = _choice("notation", notation, choices=NOTATION_STYLES)
    if style == "chain" and any(size != 1 for size in sizes):
        raise OptionError(
            "notation", f"chain needs one neuron in every layer (the shape is {shape.strip()})"
        )
    output = _output(cost, hidden=hidden, sizes=sizes)
    return Plan(shape.strip(), sizes, hidden, output, cost, style)


def parse_shape(text: str) -> tuple[int, ...]:
    """'2-3-1' → (2, 3, 1): at least two layers (input and output), each at least one neuron."""
    if not SHAPE.fullmatch(text.strip()):
        raise OptionError(
            "shape",
            "expects the layer widths from input to output joined by '-', at least two, each a "
            f"whole number ≥ 1, such as 2-3-1; got {short(text)!r}",
        )
    return tuple(int(part) for part in text.strip().split("-"))


def _choice(option: str, value: str, *, choices: Sequence[Choice]) -> Choice:
    """``value`` if it is one of ``choices`` (typed as they are: a Literal stays a Literal)."""
    if value in choices:
        return choices[choices.index(value)]
    near = difflib.get_close_matches(value, choices, n=1)
    hint = f" (did you mean {near[0]}?)" if near else ""
    if value == "softmax":
        hint = " (softmax comes only as the output layer that the cross_entropy cost needs)"
    raise OptionError(option, f"expects one of {', '.join(choices)}; got {short(value)!r}{hint}")


def _output(cost: str, *, hidden: str, sizes: tuple[int, ...]) -> str:
    """The output layer's activation: the cost's log needs outputs in (0, 1) (see rules.py)."""
    if not COSTS[cost].targets and sizes[-1] != 1:
        raise OptionError("cost", f"none backpropagates from one output; the shape has {sizes[-1]}")
    if COSTS[cost].distribution:
        if sizes[-1] < 2:
            raise OptionError(
                "cost",
                f"{cost} needs at least 2 outputs (a softmax over one output is always 1); "
                "use binary_cross_entropy for one output",
            )
        return "softmax"
    return "sigmoid" if COSTS[cost].probabilities else hidden


def _render(plan: Plan) -> str:
    lines = [
        f"# A {plan.shape} network to start from, written by `derive new`: edit the numbers, add",
        "# layers or examples. Every key is described in the project's docs/network-format.md;",
        "# `derive schema network` prints them as a JSON Schema for editors.",
        f"title: {_title(plan)}",
        _commented(f"notation: {NOTATION_LINE[plan.notation]}", NAMES[plan.notation]),
        "layers:",
        _commented(f"  - size: {plan.sizes[0]}", "the input layer: size only"),
        *(line for index in range(1, len(plan.sizes)) for line in _layer(plan, index)),
        _commented("examples:", "one training example; add more for a mini-batch"),
        _example(plan),
        "# costs: " + ", ".join(COSTS),
        _commented(f"cost: {plan.cost}", COSTS[plan.cost].doc),
        _commented("learning_rate: 0.5", "η in the update w ← w − η·∂C/∂w"),
    ]
    return "\n".join(lines) + "\n"


def _title(plan: Plan) -> str:
    if plan.output == plan.hidden or len(plan.sizes) == 2:
        return f"{plan.shape} {plan.output} network"
    return f"{plan.shape} {plan.hidden} network, {plan.output} output"


def _layer(plan: Plan, index: int) -> list[str]:
    """Layer ``index`` (1: the first after the input), with its notes if it is the first."""
    before, size = plan.sizes[index - 1], plan.sizes[index]
    first = sum(plan.sizes[i - 1] * plan.sizes[i] for i in range(1, index))  # weights so far
    rows = [[_weight(first + j * before + k) for k in range(before)] for j in range(size)]
    output = index == len(plan.sizes) - 1
    activation = plan.output if output else plan.hidden
    notes = NOTES if index == 1 else dict.fromkeys(NOTES, "")  # explained once, in layer 1
    note = " ".join(hidden_activations()) if index == 1 else ""
    if output and plan.output != plan.hidden:
        note = f"the log in {plan.cost} needs outputs in (0, 1)"
    return [
        _commented(f"  - size: {size}", "the output layer" if output else "a hidden layer"),
        _commented(f"    activation: {activation}", note),
        *_weights(rows, note=notes["weights"]),
        _commented(f"    biases: {_flow([0.1] * size)}", notes["biases"]),
    ]


def _weight(count: int) -> float:
    """The ``count``-th weight of the network, row by row: 0.1, 0.2, …, 0.9, 0.1, …"""
    return (count % 9 + 1) / 10


def _weights(rows: list[list[float]], *, note: str) -> list[str]:
    line = f"    weights: {_flow(rows)}"
    if len(line) <= LONG_LINE:
        return [_commented(line, note)]
    return [_commented("    weights:", note), *(f"      - {_flow(row)}" for row in rows)]


def _inputs(count: int) -> list[float]:
    return [(1.0, 0.5)[k % 2] for k in range(count)]


def _example(plan: Plan) -> str:
    """The one example; with cost: none its input alone (there is no target)."""
    inputs = _flow(_inputs(plan.sizes[0]))
    if not COSTS[plan.cost].targets:
        return f"  - {{input: {inputs}}}"
    return f"  - {{input: {inputs}, target: {_flow(_targets(plan))}}}"


def _targets(plan: Plan) -> list[float]:
    """One-hot for the categorical cost (its targets are one distribution); else 1, 0, 1, …"""
    count = plan.sizes[-1]
    if COSTS[plan.cost].distribution:
        return [1.0 if j == 0 else 0.0 for j in range(count)]
    return [float((j + 1) % 2) for j in range(count)]


def _flow(values: list[float] | list[list[float]]) -> str:
    return "[" + ", ".join(_flow(v) if isinstance(v, list) else _number(v) for v in values) + "]"


def _number(value: float) -> str:
    return f"{round(value, 10):g}"


def _commented(line: str, comment: str) -> str:
    return f"{line.ljust(COMMENT_COLUMN - 1)} # {comment}" if comment else line
