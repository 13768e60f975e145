"""The derivation as one JSON object with sorted keys (``derive explain --format json``)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from ..derivation.quantity import Derivation, Quantity
from ..derivation.words import Words, plain
from .classes import Outcome, outcomes
from .plain import AsciiPrinter


def _number(value: Any) -> float | None:
    if isinstance(value, Decimal | float | int):
        return float(value) + 0.0  # -0.0 becomes 0.0
    try:
        return float(value) if value.is_number else None
    except (TypeError, AttributeError):
        return None


def _digits(value: Any) -> str | None:
    """A ``--precision`` value with all its digits, as Decimal writes it (Decimal(text) reads
    it back exactly)."""
    return str(value) if isinstance(value, Decimal) else None


def document(d: Derivation, *, why: bool = False) -> dict[str, Any]:
    """``why``: each step's sentence (derivation/words.py) as text in its "why" field."""
    values, expressions = _values(d)
    names = AsciiPrinter(lambda n: n)
    steps = [_step(q, names) for q in d.steps]
    if why:  # only then: the goldens without --why stay as they were
        words = Words(d)
        for step, q in zip(steps, d.steps, strict=True):
            step["why"] = plain(words(q))
    doc: dict[str, Any] = {
        "network": {
            "title": d.network.title,
            "source": d.network.source,
            "sizes": list(d.network.sizes),
            "cost": d.network.cost,
            "notation": d.network.notation.style,
            "parameters": list(d.parameters),
        },
        "carry": d.carry,
        "decimals": d.decimals,
        "arithmetic": d.arithmetic,
        "values": values,
        "expressions": expressions,
        "steps": steps,
    }
    if d.precision is not None:  # a JSON number is a float: the N digits go as text beside it
        doc["precision"] = d.precision
        doc["digits"] = {name: _digits(d[name].value) for name in values if _digits(d[name].value)}
    found = outcomes(d)
    if found is not None:  # a classifier: the summary's story, as data
        doc["classes"] = [_outcome(d, o) for o in found]
    if d.assumptions:  # only then: the goldens of every other derivation stay as they were
        doc["assumptions"] = list(d.assumptions)
    notes = {q.name: q.note for q in d.quantities.values() if q.note is not None}
    if notes:  # hand rounding carried values at more decimals (the cost's too, not a step)
        doc["notes"] = notes
    return doc


def _values(d: Derivation) -> tuple[dict[str, float], dict[str, str]]:
    """Every quantity's number; a symbolic one's expression instead."""
    values: dict[str, float] = {}
    expressions: dict[str, str] = {}
    for name, value in d.named_values():
        number = _number(value)
        if number is None:
            expressions[name] = str(value)
        else:
            values[name] = number
    return values, expressions


def _outcome(d: Derivation, o: Outcome) -> dict[str, Any]:
    """One example as a classifier reads it: outputs by label, predicted and target class."""
    net = d.network
    labels = [net.output_label(j) for j in range(len(o.names))]
    return {
        "example": o.example,
        "outputs": [
            {"quantity": n, "label": label, "value": a, "target": y, "cost": part}
            for n, label, a, y, part in zip(
                o.names,
                labels,
                o.outputs,
                o.targets,
                o.terms or [None] * len(o.names),
                strict=True,
            )
        ],
        "predicted": o.names[o.predicted],
        "target": None if o.target is None else o.names[o.target],
        "right": None if o.target is None else o.target == o.predicted,
        "cost": o.cost,
    }


def _step(q: Quantity, names: AsciiPrinter) -> dict[str, Any]:
    factors = q.factors
    chain: str | None
    if factors is not None:  # a weight gradient: written from its names, not built
        formula, chain = (names.product_text(f) for f in factors)
    else:
        assert q.formula is not None
        formula = names.doprint(q.formula)
        chain = names.doprint(q.chain) if q.chain is not None else None
    out: dict[str, Any] = {
        "n": q.step,
        "quantity": q.name,
        "formula": formula,
        "chain": chain,
        "value": _number(q.value),
        "aliases": list(q.aliases),
    }
    if q.exact is not None:
        out["exact"] = _number(q.exact)
    if q.note is not None:  # hand rounding carried a value at more decimals here
        out["note"] = q.note
    return out


def render(derivation: Derivation, *, why: bool = False) -> str:
    return json.dumps(document(derivation, why=why), sort_keys=True, indent=2, ensure_ascii=False)


def render_subset(
    d: Derivation, picked: list[Quantity], *, example: int | None = None, why: bool = False
) -> str:
    """The chosen quantities only, with the names chosen (and the example) recorded."""
    names = {n for q in picked for n in (q.name, *q.aliases)}
    doc = document(d, why=why)
    for key in ("values", "expressions"):
        doc[key] = {k: v for k, v in doc[key].items() if k in names}
    doc["steps"] = [s for s in doc["steps"] if s["quantity"] in names]
    if "digits" in doc:
        doc["digits"] = {k: v for k, v in doc["digits"].items() if k in names}
    doc["only"] = sorted(names)
    if example is not None:
        doc["example"] = example
    return json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False)
