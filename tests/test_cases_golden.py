"""Every file in cases/ is loaded, derived and rendered; its output matches tests/golden/.

Regenerate with ``python -m pytest tests/test_cases_golden.py --update-golden`` and review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from derive import derive, load_network
from derive.render import render
from derive.render.text import as_text

from .conftest import CASES

NETWORKS = sorted(p for p in CASES.glob("*.yaml") if not p.name.endswith(".answers.yaml"))


@pytest.mark.parametrize("path", NETWORKS, ids=lambda p: p.stem)
def test_text_and_json_golden(path: Path, golden: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES.parent)  # the file name shown in the output is relative
    derivation = derive(load_network(path.relative_to(CASES.parent)))
    text = as_text(render(derivation, "text"), width=120)
    document = render(derivation, "json")
    golden.check(f"explain/{path.stem}.txt", text)  # type: ignore[attr-defined]
    golden.check(f"explain/{path.stem}.json", document)  # type: ignore[attr-defined]
    values = json.loads(document)["values"]
    for name in derivation.parameters:
        assert f"dC/d{name}" in values or f"dC/d{name}" in json.loads(document)["expressions"]


def test_the_case_list_is_not_empty() -> None:
    assert len(NETWORKS) >= 8
