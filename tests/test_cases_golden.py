"""Every file in cases/ is loaded, derived and rendered; its output matches tests/golden/.

Regenerate with ``python -m pytest tests/test_cases_golden.py --update-golden`` and review the diff.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from derive import derive, load_network
from derive.render.explain import explain_output
from derive.render.summary import SUMMARY_STEPS
from derive.render.tables import as_text

from .conftest import CASES, Golden

NETWORKS = sorted(p for p in CASES.glob("*.yaml") if not p.name.endswith(".answers.yaml"))


@pytest.mark.parametrize("path", NETWORKS, ids=lambda p: p.stem)
def test_text_and_json_golden(path: Path, golden: Golden, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES.parent)  # the file name shown in the output is relative
    derivation = derive(load_network(path.relative_to(CASES.parent)))
    text = as_text(explain_output(derivation, fmt="text"), width=120)
    document = explain_output(derivation, fmt="json")
    golden.check(f"explain/{path.stem}.txt", text)
    values = json.loads(document)["values"]
    expressions = json.loads(document)["expressions"]
    for name in derivation.parameters:
        assert f"dC/d{name}" in values or f"dC/d{name}" in expressions
    if len(derivation.steps) > SUMMARY_STEPS:
        # thousands of values: keep a digest of the sorted JSON and a few values in the golden
        digest = hashlib.sha256(document.encode()).hexdigest()
        sample = {k: values[k] for k in sorted(values)[:: max(1, len(values) // 20)]}
        document = json.dumps(
            {"sha256": digest, "count": len(values), "sample": sample}, sort_keys=True, indent=2
        )
    golden.check(f"explain/{path.stem}.json", document)


def test_the_case_list_is_not_empty() -> None:
    assert len(NETWORKS) >= 8
