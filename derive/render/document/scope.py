"""Which quantities a typeset derivation shows in full: all of a small network; for a large one a
summary and one gradient's derivation (or what ``--only`` names), never hundreds of pages."""

from __future__ import annotations

from dataclasses import replace

from ...derivation.names import (
    gradient,
    gradient_of,
    is_gradient,
    per_example,
    split_example,
    updated,
    updated_param,
)
from ...derivation.quantity import AVERAGE, BACKWARD, FORWARD, GIVEN, UPDATE, Derivation
from ...derivation.selection import chosen, of_example
from ...spec.notation import layer_label
from .blocks import Block, Cell, Math, Para, Selection, Table, Text
from .math import value_latex
from .names import latex_name

DERIVED = (FORWARD, BACKWARD, AVERAGE)

LARGE_STEPS = 60  # more backward steps than this: a summary and a selection by default


def choose(d: Derivation, only: str | None = None, example: int | None = None) -> Selection:
    """What ``--only`` names (or, for a large network, one gradient's derivation), kept to one
    example's steps with ``--example`` K."""
    selection = _by_name(d, only, example)
    if example is None:
        return selection
    kept = of_example(d, example)
    names = kept if selection.names is None else selection.names & kept
    count = len(d.network.examples)
    shown = f"Shown: example {example} of {count}; the average and the updates use all {count}."
    return replace(selection, names=names, note=f"{selection.note} {shown}".strip())


def _by_name(d: Derivation, only: str | None, example: int | None) -> Selection:
    large = d.step_count > LARGE_STEPS
    if only is None and not large:
        return Selection()
    if only is not None:
        names = {q.name for q in chosen(d, only=only, example=example)}
        note = f"Only the quantities matching {only!r} are derived here."
    else:
        names = _default(d)
        note = (
            f"This network has {d.step_count:,} backward steps; shown here is the derivation of "
            f"{_target(d, names)} with every step it needs. Choose others with --only "
            "(a glob on quantity names, e.g. --only 'dC/dw1*')."
        )
    names |= _inputs_of(d, names, (FORWARD,))
    return Selection(names, note, large, _summary(d) if large else [], _focus(d, names))


def _focus(d: Derivation, names: set[str]) -> str | None:
    """The one parameter's gradient among ``names`` (its per-example steps count as it)."""
    params = {
        gradient_of(base)
        for name in names
        if is_gradient(base := split_example(name)[0]) and gradient_of(base) in d.parameters
    }
    return gradient(params.pop()) if len(params) == 1 else None


def _default(d: Derivation) -> set[str]:
    """The steps behind the first parameter's gradient, or else the first output-layer weight's
    (the last parameter's when even that is too many)."""
    last = max(q.layer or 0 for q in d.steps)
    output = [p for p in d.parameters if (d[gradient(p)].layer or last) == last]
    for param in (d.parameters[0], *output[:1], d.parameters[-1]):
        names = _closure(d, {gradient(param)})
        if len([n for n in names if d[n].step is not None]) <= LARGE_STEPS:
            return names | {updated(param)}
    return {gradient(d.parameters[-1]), updated(d.parameters[-1])}


def _target(d: Derivation, names: set[str]) -> str:
    params = sorted(p for n in names if (p := updated_param(n)) is not None)
    return gradient(params[0]) if params else "a selection"


def _closure(d: Derivation, start: set[str]) -> set[str]:
    """Every derived quantity the starting ones depend on (through formulas and chain rules)."""
    seen: set[str] = set()
    todo = [d[n].name for n in start if n in d]
    while todo:
        q = d[todo.pop()]
        if q.name in seen:
            continue
        seen.add(q.name)
        todo += [n for n in d.depends_on(q.name, chain=True) if d[n].section in (BACKWARD, AVERAGE)]
    return seen


def _inputs_of(d: Derivation, names: set[str], sections: tuple[str, ...]) -> set[str]:
    """Forward quantities whose values the chosen quantities use."""
    out: set[str] = set()
    for name in names:
        out |= {n for n in d.depends_on(name, chain=True) if d[n].section in sections}
    return out


def _summary(d: Derivation) -> list[Block]:
    """Counts and, per layer, the largest gradient: what a reader checks first."""
    counts = Para(
        (
            Text(
                f"{len(d.parameters):,} parameters, {len(d.section_values(GIVEN)):,} given "
                f"values, {d.step_count:,} backward steps, "
                f"{len(d.section_values(UPDATE)):,} updates. Cost "
            ),
            Math("C = " + value_latex(d, "C")),
            Text("."),
        )
    )
    rows: list[tuple[Cell, ...]] = []
    layers: dict[int, list[str]] = {}
    for param in d.parameters:
        first = per_example(gradient(param), 1)  # the mean of several examples carries no layer
        q = d[first] if first in d else d[gradient(param)]
        layers.setdefault(q.layer or 0, []).append(param)
    for layer, params in sorted(layers.items()):
        largest = max(params, key=lambda p: _magnitude(d, gradient(p)))
        rows.append(
            (
                Text(layer_label(d.network, layer)),
                Text(str(len(params))),
                Math(f"{latex_name(gradient(largest))} = {value_latex(d, gradient(largest))}"),
            )
        )
    table = Table(("Layer", "Parameters", "Largest gradient"), tuple(rows), "rrl")
    return [counts, table]


def _magnitude(d: Derivation, name: str) -> float:
    try:
        return abs(float(d[name].value))
    except (TypeError, ValueError):
        return 0.0
