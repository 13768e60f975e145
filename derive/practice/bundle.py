"""A set's files, as text for the CLI to write: per student the network file, the blank sheet
(``derive template``'s, with the student's id, points and the digits required), the worked
solution (LaTeX, and each document format ``derive explain`` has: Markdown, HTML), and the
manifest that says who has which variant from which seed, and how it met each rule."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..derivation.build import derive
from ..derivation.names import gradient, updated
from ..derivation.quantity import GIVEN, Derivation
from ..derivation.selection import chosen
from ..grade.answers import answers_from_text
from ..grade.sheet import sheet_from
from ..render.document.latex import render as latex
from ..render.explain import EXPLAINERS
from ..render.reports.sheet import template
from .variant import NETWORK_FILE, Recipe, Variant

MANIFEST = "manifest.json"
SHEET_FILE = "sheet.yaml"
LATEX_FILE = "solution.tex"
# the explainers that write a document, and the file each writes (one that is absent is skipped)
DOCUMENTS = {"markdown": "solution.md", "html": "solution.html"}
MAIN_POINTS = 2.0  # a parameter's gradient or updated value; every other question 1


def student_files(variant: Variant, recipe: Recipe) -> dict[str, tuple[str, str]]:
    """kind → (path inside the set's folder, text) of one student's files."""
    rules, folder = recipe.rules, variant.student
    hand = derive(variant.network, carry="rounded", decimals=rules.decimals)
    files = {
        "network": (f"{folder}/{NETWORK_FILE}", variant.text),
        "sheet": (f"{folder}/{SHEET_FILE}", sheet_text(variant, recipe)),
        "latex": (f"{folder}/{LATEX_FILE}", latex(hand, only=recipe.only)),
    }
    for fmt, explainer in EXPLAINERS.items():
        if fmt in DOCUMENTS:
            text = (
                explainer.whole(hand, full=True)
                if recipe.only is None
                else explainer.chosen(hand, only=recipe.only, example=None)
            )
            files[fmt] = (f"{folder}/{DOCUMENTS[fmt]}", text)
    return files


def sheet_text(variant: Variant, recipe: Recipe) -> str:
    """``derive template``'s sheet for this network, with the id, points and the digit rule;
    read back with the grader's own loader, so a sheet handed out is one it grades with."""
    d = derive(variant.network)
    asked = [q for q in chosen(d, only=recipe.only, example=None) if q.section != GIVEN]
    lines = template(d, asked).splitlines()
    lines[lines.index("student:")] = f"student: {variant.student}"
    main = [name for q in asked for name in (q.name, *q.aliases) if name in _main(d)]
    if main:
        lines.append("points:  # a parameter's gradient or updated value; every other question 1")
        lines += [f"  {json.dumps(name)}: {MAIN_POINTS:g}" for name in main]
    lines.append(f"require_decimals: {recipe.rules.decimals}  # every answer to this many decimals")
    text = "\n".join(lines) + "\n"
    sheet_from(answers_from_text(text, source=SHEET_FILE, default_student=variant.student))
    return text


def _main(d: Derivation) -> set[str]:
    """The answers the exercise is about: ∂C/∂p and the updated p of every parameter p."""
    return {name for p in d.parameters for name in (gradient(p), updated(p))}


def manifest(
    recipe: Recipe, *, seed: int, students: Sequence[tuple[Variant, dict[str, str]]]
) -> str:
    """The set as JSON: its recipe and rules, then student → seed, tries, files, rules met."""
    doc: dict[str, Any] = {
        "made_by": "derive practice",
        "seed": seed,
        "shape": recipe.shape,
        "activation": recipe.activation,
        "cost": recipe.cost,
        "notation": recipe.notation,
        "only": recipe.only,
        "decimals": recipe.rules.decimals,
        "rules": recipe.rules.describe(),
        "students": {
            variant.student: {
                "seed": variant.seed,
                "tries": variant.tries,
                "files": files,
                "rules": variant.judgement,
            }
            for variant, files in students
        },
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
