"""The terminal: explain's tables laid out for 80 and 120 columns, verdicts in colour with ✓/✗
(and without colour under NO_COLOR or in a pipe), --help's metavars and shell completion, and
the one-line refusals of a mistyped or mistaken file.

Regenerate the 80-column goldens with ``python -m pytest tests/test_terminal.py --update-golden``
and review the diff; the 120-column set is tests/test_cases_golden.py's.
"""

from __future__ import annotations

import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from rich.cells import cell_len
from typer.testing import CliRunner

from derive import derive, load_network
from derive.cli import app
from derive.derivation.names import display
from derive.derivation.quantity import BACKWARD, FORWARD, GIVEN, Derivation
from derive.render.explain import explain_output
from derive.render.tables import WIDE, as_text
from derive.render.values import value_text

from .conftest import CASES, ROOT, Golden

runner = CliRunner()
NETWORKS = sorted(p for p in CASES.glob("*.yaml") if not p.name.endswith(".answers.yaml"))
BLOG = CASES / "blog-2-3-1.yaml"
ANSWERS = CASES / "blog-2-3-1.answers.yaml"
# cases whose every backward step fits on one 80-column line, but for an alias under a long name
# (a softmax's sums cannot; a symbolic value puts its number on a second line)
ONE_LINE = ("blog-2-3-1", "medium-perceptron", "relu-2-2-1", "tanh-2-2-1")


def _derived(stem: str, monkeypatch: pytest.MonkeyPatch) -> Derivation:
    monkeypatch.chdir(ROOT)  # the file name shown in the heading is relative
    return derive(load_network(Path("cases") / f"{stem}.yaml"))


def _text(d: Derivation, width: int) -> str:
    return as_text(explain_output(d, fmt="text"), width=width)


def _section(text: str, title: str) -> list[str]:
    """The body rows of the table titled ``title`` (after its header rule, up to a line that
    starts a new table or heading at column 0)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    body = lines[start + 3 :]
    end = next((i for i, line in enumerate(body) if line[:1] not in (" ", "")), len(body))
    return body[:end]


# --------------------------------------------------------------------------------------------
# explain at 80 and 120 columns


@pytest.mark.parametrize("path", NETWORKS, ids=lambda p: p.stem)
def test_explain_golden_at_80_columns(
    path: Path, golden: Golden, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _text(_derived(path.stem, monkeypatch), 80)
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    golden.check(f"explain/80/{path.stem}.txt", text)


@pytest.mark.parametrize("stem", ONE_LINE)
def test_every_backward_step_is_one_line_at_80_columns(
    stem: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = _derived(stem, monkeypatch)
    lines = _section(_text(d, 80), "Backward pass")
    rows = [line for line in lines if not line.lstrip().startswith("= ∂C/∂b")]
    steps = d.section(BACKWARD)
    assert len(rows) == len(steps)  # no step wraps onto a second line
    for row, q in zip(rows, steps, strict=True):
        assert row.split()[:2] == [str(q.step), display(q.name)] and cell_len(row) <= 80
        assert row.split()[-1] == value_text(q, d.decimals)
    assert len(lines) - len(rows) in (0, sum(len(q.aliases) for q in steps))


@pytest.mark.parametrize("command", ["explain", "verify"])
def test_a_width_too_narrow_for_a_table_is_refused(command: str) -> None:
    result = runner.invoke(app, [command, str(ROOT / "cases" / "blog-2-3-1.yaml"), "--width", "39"])
    assert result.exit_code == 2 and "--width" in result.output and "40" in result.output


def test_the_layout_follows_the_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wide (chain rule and formula apart) at 120, or wherever it fits; compact below that."""
    d = _derived("blog-2-3-1", monkeypatch)
    wide = _text(d, WIDE)
    header = _section(wide, "Backward pass")[0]
    needs = max(cell_len(line) for line in _section(wide, "Backward pass"))
    assert "Chain rule" in wide.split("Backward pass")[1].splitlines()[1]
    assert needs < WIDE  # so that the two widths below are both under 120
    assert _text(d, needs).split("Backward pass")[1] == wide.split("Backward pass")[1]
    narrower = _text(d, needs - 1).split("Backward pass")[1]
    head = narrower.splitlines()[1].split()
    assert head == ["Step", "Quantity", "Rule", "Numbers", "Value"] and header != narrower


def test_compact_rows_keep_each_expression_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """At 80 columns no formula, numbers or given value is broken across lines: each appears
    whole on one line (wide text at 200 columns is the reference for what they are)."""
    d = _derived("blog-2-3-1", monkeypatch)
    narrow, reference = _text(d, 80).splitlines(), _text(d, 200)
    for row in _section(reference, "Forward pass"):
        _quantity, formula, numbers, _value = re.split(r"\s{3,}", row.strip())
        assert any(formula in line for line in narrow), formula
        assert any(numbers in line for line in narrow), numbers
    for q in d.section(GIVEN):
        if q.name in d.parameters:
            item = re.search(rf"\b{q.name} = \S+", reference)
            assert item is not None and any(item.group().rstrip(",") in line for line in narrow)


def test_compact_rule_lines_up_with_the_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The chain rule's factors beside the numbers filled into them: ∂C/∂z3 · ∂z3/∂w6 with
    -0.0631 · 0.9463; a step that states a formula (σ' of z) shows that formula."""
    d = _derived("blog-2-3-1", monkeypatch)
    rows = {row.split()[1]: row for row in _section(_text(d, 80), "Backward pass")}
    assert re.search(r"∂C/∂z3 · ∂z3/∂w6\s+-0\.0631 · 0\.9463\s+-0\.0597", rows["∂C/∂w6"])
    assert re.search(r"O3 · \(1 - O3\)\s+0\.6445 · \(1 - 0\.6445\)", rows["∂O3/∂z3"])
    assert rows["∂C/∂z3"].split()[1:4] == ["∂C/∂z3", "=", "∂C/∂b3"]  # the alias, same line


def test_forward_rows_stack_only_what_does_not_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    d = _derived("blog-2-3-1", monkeypatch)
    rows = _section(_text(d, 80), "Forward pass")
    assert "σ(z0) = σ(2.8700)" in rows[3]  # short: on one line
    z3 = next(i for i, row in enumerate(rows) if row.split()[0] == "z3")
    assert rows[z3 + 1].split()[:2] == ["=", "0.9"] and rows[z3 + 1].endswith("0.5948 ")
    assert len(rows) == len(d.section(FORWARD)) + 1  # z3 alone takes two lines


def test_cli_width_and_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    d = derive(load_network(Path("cases/blog-2-3-1.yaml")))
    result = runner.invoke(app, ["explain", "cases/blog-2-3-1.yaml", "--width", "80"])
    assert result.exit_code == 0 and result.stdout == _text(d, 80)
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    for columns, width in (("80", 80), (None, 120)):
        run = subprocess.run(
            [sys.executable, "-m", "derive", "explain", "cases/blog-2-3-1.yaml"],
            env=env if columns is None else {**env, "COLUMNS": columns},
            capture_output=True,
            text=True,
            check=True,
        )
        assert run.stdout == _text(d, width)  # a pipe: COLUMNS, else a fixed 120


# --------------------------------------------------------------------------------------------
# verdicts in colour, and ✓/✗ without it


def _in_terminal(*args: str, no_color: bool) -> str:
    """derive's stdout when it is a terminal (a pseudo-terminal), escape codes included."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(TERM="xterm-256color", COLUMNS="120", **({"NO_COLOR": "1"} if no_color else {}))
    master, slave = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "derive", *args], stdout=slave, stderr=slave, env=env, cwd=ROOT
    ) as process:
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=60)
    os.close(master)
    return b"".join(chunks).decode("utf-8")


GREEN, RED = "\x1b[32m", "\x1b[31m"
COMMANDS = [("check", str(BLOG), str(ANSWERS)), ("verify", str(BLOG))]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_verdicts_are_green_and_red_in_a_terminal(args: tuple[str, ...]) -> None:
    out = _in_terminal(*args, no_color=False)
    assert f"{GREEN}✓" in out
    if args[0] == "check":  # the blog's answers have wrong ones
        assert f"{RED}✗" in out and re.search(r"\x1b\[31m✗ wrong", out)
        assert re.search(r"\x1b\[32m✓ correct", out)


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_no_color_and_pipes_keep_the_marks_without_colour(args: tuple[str, ...]) -> None:
    """NO_COLOR takes the colours away (bold stays: no-color.org asks for no colour only);
    a pipe gets no escape codes at all."""
    out = _in_terminal(*args, no_color=True)
    colour = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|9[0-7])[;m]")
    assert "✓" in out and not colour.search(out) and "\x1b[1m" in out
    piped = runner.invoke(app, list(args)).stdout
    assert "✓" in piped and "\x1b[" not in piped
    assert ("✗ wrong" in piped) == (args[0] == "check")


def test_a_disagreement_is_a_red_cross() -> None:
    from derive.render.reports.verify import _mark

    assert str(_mark("DISAGREE", ok=False)) == "✗ DISAGREE"
    assert _mark("x", ok=False).spans[0].style == "red"


# --------------------------------------------------------------------------------------------
# --help and completion


def _commands() -> list[str]:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    return sorted(group.commands)


def test_help_metavars_name_what_to_give() -> None:
    plain = re.compile(r"<path>|\bTEXT\b|\bPATH\b|\{file\}|\{network\}|\{answers\}")
    for command in _commands():
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert not plain.search(result.stdout), (command, plain.search(result.stdout))
    usage = {c: runner.invoke(app, [c, "--help"]).stdout.splitlines()[0] for c in _commands()}
    assert usage["check"].endswith("{NETWORK} [ANSWERS...]")
    assert usage["new"].endswith("{FILE}") and usage["examples"].endswith("[NAME]")
    for command in ("explain", "latex", "draw", "train", "verify", "template"):
        assert usage[command].endswith("{NETWORK}"), usage[command]
    options = runner.invoke(app, ["train", "--help"]).stdout
    assert "-o, --output FILE" in options and "--plot FILE" in options


DERIVE = Path(sys.executable).parent / "derive"  # the console script pip installed


@pytest.mark.skipif(not DERIVE.exists(), reason="the derive script is not installed")
def test_shell_completion_is_on() -> None:
    top = runner.invoke(app, ["--help"]).stdout
    assert "--install-completion" in top and "--show-completion" in top
    script = subprocess.run(  # from bash, which typer finds among the parent processes
        ["bash", "-c", f'"{DERIVE}" --show-completion; true'],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "complete" in script and "_DERIVE_COMPLETE" in script
    env = {**os.environ, "_DERIVE_COMPLETE": "complete_bash", "COMP_WORDS": "derive ex"}
    words = subprocess.run(
        [str(DERIVE)],
        env={**env, "COMP_CWORD": "1"},
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    assert words == ["examples", "explain"]


# --------------------------------------------------------------------------------------------
# a mistyped or mistaken file: one line


@pytest.mark.parametrize(("exists", "typed"), [("net.yaml", "net.yml"), ("net.yml", "net.yaml")])
def test_a_yml_typo_names_the_file_beside_it(tmp_path: Path, exists: str, typed: str) -> None:
    shutil.copy(BLOG, tmp_path / exists)
    result = runner.invoke(app, ["verify", str(tmp_path / typed)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"derive: error: {tmp_path / typed}: no such file; did you mean {tmp_path / exists}?\n"
    )


def test_a_name_without_its_extension_and_a_plain_missing_file(tmp_path: Path) -> None:
    shutil.copy(BLOG, tmp_path / "net.yaml")
    hinted = runner.invoke(app, ["explain", str(tmp_path / "net")])
    assert hinted.exit_code == 2 and f"did you mean {tmp_path / 'net.yaml'}?" in hinted.stderr
    missing = runner.invoke(app, ["explain", str(tmp_path / "other.yaml")])
    assert missing.stderr.endswith(": no such file\n") and missing.exit_code == 2


def test_an_answers_file_where_a_network_goes_says_so() -> None:
    for args in (["explain", str(ANSWERS)], ["check", str(ANSWERS), str(BLOG)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
        assert "this is an answers file (it has answers:), not a network file" in result.stderr
        assert "takes the network file first, then the answers files" in result.stderr


def test_a_network_where_answers_go_says_so() -> None:
    result = runner.invoke(app, ["check", str(BLOG), str(CASES / "laan-1-1-1.yaml")])
    assert result.exit_code == 1  # that file cannot be graded; the network itself is fine
    said = " ".join(result.stdout.split())
    assert "this is a network file (it has layers:), not an answers file" in said


def test_a_file_of_neither_kind_gets_the_usual_message(tmp_path: Path) -> None:
    odd = tmp_path / "odd.yaml"
    odd.write_text("title: x\ncost: mse\n", encoding="utf-8")
    result = runner.invoke(app, ["explain", str(odd)])
    assert result.exit_code == 2 and "this is" not in result.stderr
    assert "layers" in result.stderr
