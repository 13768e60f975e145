"""README and CLI stay in step: every command is documented, every documented command runs."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from derive.cli import app

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(text: str) -> list[tuple[str, list[str]]]:
    """(language, lines) of each fenced block, fences paired in order."""
    blocks: list[tuple[str, list[str]]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("```"):
            if current is None:
                current = []
                blocks.append((line[3:].strip(), current))
            else:
                current = None
        elif current is not None:
            current.append(line)
    return blocks


COMMAND_LINES = [
    line.strip()
    for language, lines in code_blocks(README)
    if language in ("bash", "console", "sh", "")
    for line in lines
    if line.strip().startswith("derive ")
]


def test_top_of_readme_has_the_two_setup_commands() -> None:
    head = README[:1500]
    assert "derive explain cases/blog-2-3-1.yaml" in head
    ci = (ROOT / ".ci" / "run").read_text()
    test_command = next(line for line in ci.splitlines() if "pytest" in line).strip()
    assert test_command in head, "README's test command and .ci/run must be the same"


def test_every_command_is_documented_with_an_example() -> None:
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    for name in commands:
        assert any(line.startswith(f"derive {name}") for line in COMMAND_LINES), name


@pytest.mark.parametrize("line", COMMAND_LINES)
def test_documented_commands_run(
    line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "cases", tmp_path / "cases")
    monkeypatch.chdir(tmp_path)
    args = shlex.split(line.split(" | ")[0].split(" > ")[0])[1:]
    result = CliRunner().invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1), f"{line}\n{result.output}"
