"""What students and file names write reaches the TA's terminal, spreadsheet and YAML as text:
control characters shown, never run; rich markup shown literally; CSV formulas defused; the
template valid YAML; every error one line; a failed write one line and exit code 2."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner, Result

from derive.cli.app import app, handled
from derive.errors import InputError
from derive.grade.answers import answers_from_text
from derive.render.reports import check as check_report
from derive.render.safe import csv_cell, one_line, safe_output, safe_text

from .conftest import CASES, ROOT

BLOG = CASES / "blog-2-3-1.yaml"
BLOG_ANSWERS = CASES / "blog-2-3-1.answers.yaml"
ERASE = "\x1b[1A\x1b[2K"  # cursor up one line, erase it: hides the row above
SHOWN = "␛[1A␛[2K"
MARKUP = "[bold red]x[/]"
# the characters that act on a terminal beyond moving to a new line or the next tab stop
CONTROLS = {chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))} - {"\n", "\t"}
# written inside YAML double quotes: \e is ESC, \x9b the one-byte CSI
HOSTILE = "\\e[1A\\e[2K\\x9b2J\\r\\b [bold red]x[/] :thumbs_up:"
TITLE = "T\\e[1A\\e[2K\\nsecond # note: 'single' \\\"double\\\" [bold]b[/]\\u2028third"


def invoke(*args: str) -> Result:
    # color=True: click strips some escape codes when not writing to a terminal; a TA's
    # terminal gets them all, so the test must too
    return CliRunner().invoke(app, list(args), color=True)


def raw_controls(text: str) -> set[str]:
    return set(text) & CONTROLS


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Files named relative to the working folder: short names, whole in the table cells."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def network(here: Path) -> Path:
    text = BLOG.read_text().replace(
        "title: 2-3-1 sigmoid network, one training example", f'title: "{TITLE}"'
    )
    path = Path(f"net{ERASE}.yaml")
    path.write_text(text)
    return path


@pytest.fixture
def answers(here: Path) -> Path:
    path = Path(f"evil{ERASE}.yaml")
    path.write_text(
        f'student: "=evil{HOSTILE}"\n'
        "answers:\n"
        f'  z0: "2.87{HOSTILE}"\n'
        f'  "zz{HOSTILE}": 1\n'
        '  O0: "=HYPERLINK(\\"http://x\\")"\n'
        '  O1: "@SUM(1)"\n'
        "  dC/dO3: -0.2755\n"
        "  C: -0.5\n"
    )
    return path


# --- the one sanitiser -------------------------------------------------------------------------


def test_every_control_is_shown_visibly_and_tab_is_kept() -> None:
    for c in CONTROLS | {"\n", "\u2028", "\u2029", "\ud800"}:
        shown = safe_text(f"a{c}b")
        assert not raw_controls(shown) and "\n" not in shown and len(shown) > 2, repr(c)
    assert safe_text("a\tb") == "a\tb"
    assert safe_text(ERASE + "\n\r\x9b") == SHOWN + "␊␍␛["
    assert safe_output("row 1\nrow\x1b 2\n") == "row 1\nrow␛ 2\n"


def test_a_message_becomes_one_line() -> None:
    assert one_line("not valid YAML:\n  in line 2\n\n  column 3\r\n") == (
        "not valid YAML: / in line 2 / column 3"
    )
    assert one_line("a\x1b[2Kb") == "a␛[2Kb"


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-4.5*w + 1.5", "'-4.5*w + 1.5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'␍=1"),
        ("-0.0631", "-0.0631"),
        ("+1", "+1"),
        ("-1.5e-3", "-1.5e-3"),
        ("0.5", "0.5"),
        ("blog", "blog"),
        ("", ""),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_get_a_quote(cell: str, written: str) -> None:
    assert csv_cell(cell) == written


# --- the terminal ------------------------------------------------------------------------------


def test_check_text_shows_student_text_and_never_runs_it(network: Path, answers: Path) -> None:
    result = invoke("check", str(network), str(answers), str(BLOG_ANSWERS))
    assert result.exit_code == 1, result.output
    assert not raw_controls(result.stdout) and not result.stderr
    out = result.stdout
    assert f"=evil{SHOWN}␛[2J␍␈ {MARKUP} :thumbs_up:" in out  # the name, as written
    assert f"evil{SHOWN}.yaml" in out  # the file name
    assert f"zz{SHOWN}" in out  # the unknown key
    assert f"2.87{SHOWN}" in out  # the answer as written


def test_rich_markup_in_a_student_name_is_shown_literally(here: Path) -> None:
    Path("a.yaml").write_text(f'student: "{MARKUP} :thumbs_up:"\nanswers:\n  z0: 1\n')
    result = invoke("check", str(BLOG), "a.yaml", str(BLOG_ANSWERS))
    # the students table (where rich reads a plain string as markup) and the heading
    assert result.stdout.count(f"{MARKUP} :thumbs_up:") == 2 and "👍" not in result.stdout


@pytest.mark.parametrize(
    "options",
    [
        ["explain", "--format", "text"],
        ["explain", "--format", "markdown"],
        ["explain", "--format", "json"],
        ["explain", "--view", "matrix"],
        ["latex"],
        ["template"],
        ["verify", "--steps", "1"],
    ],
    ids=" ".join,
)
def test_a_hostile_title_and_file_name_never_reach_the_terminal_raw(
    network: Path, options: list[str]
) -> None:
    result = invoke(options[0], str(network), *options[1:])
    assert result.exit_code == 0, result.output
    assert not raw_controls(result.stdout) and not raw_controls(result.stderr)
    assert "second" in result.stdout


def test_the_large_network_summary_shows_the_title_safely(network: Path) -> None:
    from derive.derivation.build import derive
    from derive.render import summary
    from derive.render.tables import as_text
    from derive.spec.load import load_network

    text = as_text(summary.render(derive(load_network(network))))
    assert not raw_controls(text) and f"T{SHOWN}␊second" in text and f"net{SHOWN}.yaml" in text


def test_train_names_the_files_it_wrote_safely(network: Path) -> None:
    result = invoke("train", str(network), "--epochs", "1", "-o", f"out{ERASE}.yaml")
    assert result.exit_code == 0, result.output
    assert not raw_controls(result.stdout) and f"written to out{SHOWN}.yaml" in result.stdout


def test_rich_markup_in_a_title_is_shown_literally(network: Path) -> None:
    result = invoke("explain", str(network))
    assert "[bold]b[/]" in result.stdout and f"T{SHOWN}␊second" in result.stdout


def test_json_keeps_the_text_exactly_and_escaped(network: Path, answers: Path) -> None:
    result = invoke("check", str(network), str(answers), "--format", "json")
    assert not raw_controls(result.stdout)
    assert "\\u009b" in result.stdout  # a one-byte CSI, escaped like the C0 controls
    student = json.loads(result.stdout)["files"][0]["student"]
    assert student == f"=evil{ERASE}\x9b2J\r\b {MARKUP} :thumbs_up:"


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_defuses_formulas_but_keeps_numbers(answers: Path) -> None:
    formula_file = Path("=1+1.yaml")  # a file name is a cell too
    formula_file.write_text(answers.read_text())
    result = invoke("check", str(BLOG), str(formula_file), "--format", "csv")
    assert not raw_controls(result.stdout)
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    for cell in (c for row in table for c in row.values()):
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or is_number(cell), cell
    rows = {r["quantity"]: r for r in table}
    assert rows["O0"]["file"] == "'=1+1.yaml"
    assert rows["O0"]["student"].startswith("'=evil␛[1A")
    assert rows["O0"]["given"] == '\'=HYPERLINK("http://x")'
    assert rows["O1"]["given"] == "'@SUM(1)"
    assert rows["dC/dO3"]["given"] == rows["dC/dO3"]["expected"] == "-0.2755"
    assert rows["C"]["given"] == "-0.5"


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return cell.strip() == cell


def test_csv_ends_with_exactly_one_newline() -> None:
    result = invoke("check", str(BLOG), str(BLOG_ANSWERS), "--format", "csv")
    assert result.stdout.endswith("\n") and not result.stdout.endswith("\n\n")
    assert "" not in result.stdout.split("\n")[:-1]


# --- the template ------------------------------------------------------------------------------


def test_the_template_is_valid_yaml_whatever_the_title(network: Path) -> None:
    result = invoke("template", str(network))
    assert result.exit_code == 0, result.output
    loaded = yaml.safe_load(result.stdout)
    assert set(loaded) == {"student", "answers"} and "dC/dw0" in loaded["answers"]
    # and derive's own answers reader (libyaml, line numbers) takes it as it is
    sheet = answers_from_text(result.stdout, source="t.yaml", default_student="t")
    assert {a.quantity for a in sheet.answers} >= {"z0", "dC/dw0"}
    header = result.stdout.splitlines()[0]
    assert header.startswith(f"# Answers for T{SHOWN}␊second # note:") and "␤third" in header


# --- one-line errors ---------------------------------------------------------------------------


def assert_one_error_line(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("derive: error: ") and result.stderr.count("\n") == 1
    assert not raw_controls(result.stderr)
    return result.stderr


def test_an_error_quoting_a_key_with_a_newline_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "net.yaml"
    path.write_text(BLOG.read_text() + '"col\\nour\\e[2K": red\n')
    err = assert_one_error_line(invoke("explain", str(path)))
    assert f"{path}:19:" in err and "unknown key" in err


def test_a_file_name_with_a_newline_is_shown_not_broken(tmp_path: Path) -> None:
    missing = tmp_path / f"no\nsuch{ERASE}.yaml"
    err = assert_one_error_line(invoke("explain", str(missing)))
    assert f"no␊such{SHOWN}.yaml: no such file" in err


def test_any_error_message_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(typer.Exit) as stopped, handled():
        raise InputError("a.npy", "", "Header is large.\nTo allow loading, adjust it.\n\x1b[2K")
    assert stopped.value.exit_code == 2
    err = capsys.readouterr().err
    assert err == "derive: error: a.npy: Header is large. / To allow loading, adjust it. / ␛[2K\n"


def test_an_internal_error_is_one_line_too(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("first\nsecond\x1b[1A")

    monkeypatch.delenv("DERIVE_DEBUG", raising=False)
    monkeypatch.setitem(check_report.REPORTS, "text", broken)
    result = invoke("check", str(BLOG), str(BLOG_ANSWERS))
    assert result.exit_code == 70 and result.stderr.count("\n") == 1
    assert "RuntimeError: first / second␛[1A" in result.stderr


# --- writing the output ------------------------------------------------------------------------


def run(args: list[str], stdout: int | io.TextIOWrapper) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "derive", *args],
        cwd=ROOT,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        check=False,
    )


COMMANDS = [
    ["explain", str(BLOG)],  # a rich renderable
    ["verify", str(BLOG), "--steps", "1"],
    ["check", str(BLOG), str(BLOG_ANSWERS), "--format", "csv"],  # a string
]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_a_full_disk_is_one_line_and_exit_2(args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = run(args, full)
    assert done.returncode == 2, done.stderr
    assert done.stderr == "derive: error: cannot write the output: No space left on device\n"


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_a_closed_pipe_ends_quietly_with_141(args: list[str]) -> None:
    read, write = os.pipe()
    os.close(read)  # nobody will read: every write fails with EPIPE
    try:
        done = run(args, write)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (141, "")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["train", "cases/blog-2-3-1.yaml", "--seed", "-1"], "'--seed': -1 is not in the range"),
        (["nonsense"], "No such command 'nonsense'"),
        (["explain"], "Missing argument"),
        (["explain", "cases/blog-2-3-1.yaml", "--bogus"], "No such option: --bogus"),
    ],
)
def test_usage_errors_of_the_console_script_are_one_line(args: list[str], needle: str) -> None:
    """Through the real entry point (typer's own test runner formats usage errors itself)."""
    run = subprocess.run(
        [sys.executable, "-c", "from derive.cli import main; main()", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and needle in run.stderr, run.stderr
    assert run.stderr.startswith("derive: error: ")
