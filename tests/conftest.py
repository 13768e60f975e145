"""Shared fixtures. ``pytest --update-golden`` rewrites the golden files (review the diff)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases"
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden files")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    return Golden(update=bool(request.config.getoption("--update-golden")))


class Golden:
    """Compares text with a file under tests/golden/, or rewrites it with --update-golden."""

    def __init__(self, *, update: bool) -> None:
        self.update = update

    def check(self, relative: str, text: str) -> None:
        path = GOLDEN / relative
        if self.update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"missing golden file {relative}; run pytest --update-golden"
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"{relative} differs; if intended, run pytest --update-golden"
