"""Mangled network and answers files never reach a traceback: every command ends with exit 0 or
1, or with exactly one error line and exit 2 (seeded mutations of the files in cases/)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from derive.cli import app

from .conftest import CASES

runner = CliRunner()
JUNK = [
    "", "-", "[", "]", "{", "}", ":", "null", "~", "1e999", "nan", ".inf", '"x"', "&a x", "*a",
    "!!python/object/apply:os.system ['ls']", "0x10", "1_000", "true", "[[1, 2], [3]]",
    "{a: 1}", "-1", "0", "10000000", "sigmoid", "softmax", "w(L)", "é", "'", '"',
    "__import__('os')", "1/0", "2**99999", "(" * 200 + "1" + ")" * 200, "O3*(1-O3)",
    # shapes the reliability review found: sizes past the budgets, numbers past the float
    # range, symbols named like generated quantities or functions, control characters,
    # paths out of the folder, duplicate keys
    "1000000000", "1" * 320, "1e-3", "x", "y", "z0", "O0", "C", "ln", "sqrt", "new_w0",
    '"\x1b[1A\x1b[2K"', '"a\nb"', "'[bold]x[/]'", "{file: ../../etc/passwd.npy}",
    "{file: /dev/zero.npy}", "{name: relu, slope: 2}", "init", "zeros", "1.0e+300",
]  # fmt: skip
NETWORKS = sorted(p for p in CASES.glob("*.yaml") if "." not in p.stem and "784" not in p.stem)


def mangle(lines: list[str], rng: random.Random) -> list[str]:
    """One to three edits: a line dropped, a value replaced, a line repeated, a word replaced."""
    lines = list(lines)
    for _ in range(rng.randint(1, 3)):
        k = rng.randrange(len(lines))
        op = rng.random()
        if op < 0.25:
            del lines[k]
        elif op < 0.55 and ":" in lines[k]:
            lines[k] = lines[k].split(":", 1)[0] + ": " + rng.choice(JUNK)
        elif op < 0.7:
            lines.insert(k, rng.choice(lines))
        else:
            words = lines[k].split(" ")
            words[rng.randrange(len(words))] = rng.choice(JUNK)
            lines[k] = " ".join(words)
    return lines


def assert_clean(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 1, 2), (args, result.output[-500:])
    if result.exit_code == 2:
        assert len(result.output.strip().splitlines()) == 1, (args, result.output[-500:])


@pytest.mark.parametrize("seed", range(6))
def test_mangled_network_files(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    for i in range(15):
        source = rng.choice(NETWORKS)
        path = tmp_path / f"{i}-{source.name}"
        path.write_text("\n".join(mangle(source.read_text().splitlines(), rng)), encoding="utf-8")
        for command in (
            ["explain"],
            ["latex"],
            ["verify", "--steps", "1"],
            ["train", "--epochs", "1"],
        ):
            assert_clean([command[0], str(path), *command[1:]])


@pytest.mark.parametrize("seed", range(2))
def test_mangled_answers_files(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    answers = (CASES / "blog-2-3-1.answers.yaml").read_text().splitlines()
    for i in range(25):
        path = tmp_path / f"{i}.answers.yaml"
        path.write_text("\n".join(mangle(answers, rng)), encoding="utf-8")
        assert_clean(["check", str(CASES / "blog-2-3-1.yaml"), str(path)])
