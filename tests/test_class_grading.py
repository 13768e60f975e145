"""Grading a real class: malformed numbers, encodings, signs of zero, teacher-set precision,
one bad file among many, scores and the autograder formats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from derive.cli.app import app
from derive.grade.answers import answers_from_text, load_answers
from derive.grade.checker import Checker, Result
from derive.spec.load import load_network

from .conftest import CASES

BLOG = CASES / "blog-2-3-1.yaml"
runner = CliRunner()


@pytest.fixture(scope="module")
def blog() -> Checker:
    return Checker(load_network(BLOG))


def results(checker: Checker, answers: dict[str, str]) -> dict[str, Result]:
    body = "".join(f"  {name}: {value}\n" for name, value in answers.items())
    sheet = answers_from_text(f"answers:\n{body}", source="s.yaml", default_student="s")
    return {r.quantity: r for r in checker.check(sheet).results}


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("0.1.2", "a malformed number: '0.1.2'"),
        ("1..2", "a malformed number: '1..2'"),
        ("0.03635 0.1", "two numbers side by side ('0.03635' '0.1')"),
        ("'0.0363 * 0.1 0.2'", "two numbers side by side ('0.1' '0.2')"),
    ],
)
def test_malformed_numbers_are_unreadable_with_why(blog: Checker, text: str, why: str) -> None:
    got = results(blog, {"dC/db1": text})["dC/db1"]
    assert got.verdict == "unreadable"
    assert why in got.diagnosis


def test_a_decimal_comma_gets_a_hint(blog: Checker) -> None:
    got = results(blog, {"O3": "0,6445"})["O3"]
    assert got.verdict == "unreadable"
    assert "decimal comma" in got.diagnosis and "'0.6445'" in got.diagnosis


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "utf-16-be"])
def test_utf16_and_bom_files_are_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "ps.yaml"
    text = "student: Zoë\nanswers:\n  O3: 0.6445\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    sheet = load_answers(path)
    assert sheet.student == "Zoë"
    assert [(a.quantity, a.text) for a in sheet.answers] == [("O3", "0.6445")]


@pytest.mark.parametrize("text", ["-0.0000", "'-0.0316*0.0002'", "-0.00001"])
def test_a_flipped_sign_is_wrong_even_at_zero(blog: Checker, text: str) -> None:
    # dC/dz1 = +5.257e-06: the blog's step 14 prints -0.0000
    got = results(blog, {"dC/dz1": text})["dC/dz1"]
    assert (got.verdict, got.mistake) == ("wrong", "sign")
    assert "a flipped sign" in got.diagnosis


def test_an_unsigned_zero_and_a_negative_for_a_negative_value(blog: Checker) -> None:
    got = results(blog, {"dC/dz1": "0.0000052", "dC/dw6": "-0.0597", "dC/dz0": "-0.0029"})
    assert {r.verdict for r in got.values()} == {"correct"}
    assert results(blog, {"dC/dw6": "0.0597"})["dC/dw6"].mistake == "sign"


CLASS = {
    "ada.yaml": "student: Ada\nanswers: {O3: 0.6445, C: 0.0380}\n",
    "empty.yaml": "",
    "twice.yaml": "answers:\n  O3: 0.6445\n  O3: 0.6446\n",
    "tabs.yaml": "answers:\n\tO3: 0.6445\n",
    "latin1.yaml": "student: Zo\xeb\nanswers: {O3: 0.6445}\n",
    "blank.yaml": "student: Blank\nanswers:\n  O3:\n  C:\n",
    "malformed.yaml": "student: Mal\nanswers: {O3: 0.6445, dC/db1: 0.1.2}\n",
}
UNREADABLE = {
    "empty.yaml": "empty",
    "twice.yaml": "given twice",
    "tabs.yaml": "YAML",
    "latin1.yaml": "UTF-8",
}


@pytest.fixture
def a_class(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(tmp_path)
    for name, text in CLASS.items():
        data = text.encode("latin-1") if name == "latin1.yaml" else text.encode("utf-8")
        Path(name).write_bytes(data)
    return list(CLASS)


def check(*args: str) -> Any:
    return runner.invoke(app, ["check", str(BLOG), *args])


def test_one_bad_file_never_stops_the_others(a_class: list[str]) -> None:
    result = check(*a_class, "--format", "json")
    assert result.exit_code == 1
    files = {f["file"]: f for f in json.loads(result.stdout)["files"]}
    assert list(files) == a_class
    for name, why in UNREADABLE.items():
        assert why in files[name]["error"] and files[name]["results"] == []
        assert "\n" not in files[name]["error"]
    assert files["ada.yaml"]["error"] == "" and files["ada.yaml"]["counts"]["correct"] == 2
    malformed = {r["quantity"]: r["verdict"] for r in files["malformed.yaml"]["results"]}
    assert malformed == {"O3": "correct", "dC/db1": "unreadable"}


def test_unreadable_files_appear_in_text_and_csv(a_class: list[str]) -> None:
    text = " ".join(check(*a_class).stdout.split())  # long lines wrap
    for name, why in UNREADABLE.items():
        assert f"({name}): 0/0 points; cannot be read: {name}" in text
        assert why in text
    rows = list(csv.DictReader(io.StringIO(check(*a_class, "--format", "csv").stdout)))
    errors = {r["file"]: r["error"] for r in rows if r["error"]}
    assert set(errors) == set(UNREADABLE)


def test_exit_codes(a_class: list[str]) -> None:
    assert check("ada.yaml").exit_code == 0
    assert check("ada.yaml", "empty.yaml").exit_code == 1
    assert check("blank.yaml").exit_code == 1  # nothing answered is not "all correct"
    assert check("malformed.yaml").exit_code == 1
    bad_network = runner.invoke(app, ["check", "ada.yaml", "ada.yaml"])
    assert bad_network.exit_code == 2
    assert check("ada.yaml", "--decimals", "99").exit_code == 2


def test_default_rule_needs_two_significant_figures_unless_exact(blog: Checker) -> None:
    # O3 = 0.6445, C = 0.0380, dC/dw1 = -0.026; dO1/dz1 = 0.000166 at the student's 4 decimals
    got = results(blog, {"O3": "1", "C": "0.2", "dC/dw1": "0", "dO1/dz1": "0.0002"})
    assert got["O3"].diagnosis == "too few significant figures (2 required)"
    assert {got[n].verdict for n in ("O3", "C", "dC/dw1")} == {"wrong"}
    assert got["dO1/dz1"].verdict == "correct"  # written to the 4 decimals worked at
    assert results(blog, {"O3": "0.64"})["O3"].verdict == "correct"


def test_one_is_right_for_a_relu_derivative_of_exactly_one(tmp_path: Path) -> None:
    net = tmp_path / "relu.yaml"
    net.write_text(
        "title: relu\nlayers:\n  - size: 1\n  - size: 1\n    activation: relu\n"
        "    weights: [[0.5]]\n    biases: [0.1]\nexamples:\n  - {input: [2.0], target: [0.5]}\n"
        "cost: squared_error\nlearning_rate: 0.1\n",
        encoding="utf-8",
    )
    checker = Checker(load_network(net))
    name = next(n for n in checker.exact.names() if n.startswith("dO") and "/dz" in n)
    assert results(checker, {name: "1"})[name].verdict == "correct"


@pytest.mark.parametrize(
    ("option", "text", "verdict", "diagnosis"),
    [
        (("--require-decimals", "4"), "0.645", "wrong", "too few decimals (4 required)"),
        (("--require-decimals", "4"), "0.6445", "correct", ""),
        (("--require-decimals", "2"), "0.64", "correct", ""),
        (("--sig-figs", "3"), "0.64", "wrong", "too few significant figures (3 required)"),
        (("--sig-figs", "3"), "0.644", "correct", ""),
    ],
)
def test_teacher_set_precision(
    tmp_path: Path, option: tuple[str, str], text: str, verdict: str, diagnosis: str
) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(f"answers: {{O3: {text}}}\n", encoding="utf-8")
    result = check(str(path), *option, "--format", "json")
    (entry,) = json.loads(result.stdout)["files"]
    (got,) = entry["results"]
    assert (got["verdict"], got["diagnosis"]) == (verdict, diagnosis)


def test_bad_precision_options_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("answers: {O3: 0.6445}\n", encoding="utf-8")
    both = check(str(path), "--require-decimals", "4", "--sig-figs", "3")
    assert both.exit_code == 2 and "--sig-figs" in both.stderr
    assert check(str(path), "--sig-figs", "99").exit_code == 2
    assert check(str(path), "--carried-credit", "2").exit_code == 2


SHEET = "answers:\n  O3:\n  C:\n  dC/dw6:\npoints: {C: 2}\nrequire_decimals: 4\n"


@pytest.fixture
def graded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("sheet.yaml").write_text(SHEET, encoding="utf-8")
    Path("ada.yaml").write_text("student: Ada\nanswers: {O3: 0.6445, C: 0.038}\n")
    Path("bob.yaml").write_text("answers:\n  O3: 0.6445\n  C: 0.0380\n  dC/dw6: 0.0597\n")
    Path("empty.yaml").write_text("")
    return tmp_path


def test_sheet_missing_points_and_rule(graded: Path) -> None:
    result = check(
        "ada.yaml", "bob.yaml", "empty.yaml", "--sheet", "sheet.yaml", "--format", "json"
    )
    assert result.exit_code == 1
    ada, bob, empty = json.loads(result.stdout)["files"]
    got = {r["quantity"]: (r["verdict"], r["points"], r["max_points"]) for r in ada["results"]}
    # C: 0.038 has 3 decimals where the sheet requires 4; dC/dw6 absent
    assert got == {"O3": ("correct", 1, 1), "C": ("wrong", 0, 2), "dC/dw6": ("missing", 0, 1)}
    assert (ada["score"], ada["max_score"]) == (1, 4)
    assert (bob["score"], bob["max_score"]) == (3, 4)
    assert (empty["score"], empty["max_score"], empty["results"]) == (0, 4, [])


def test_a_blank_sheet_scores_zero_and_fails(graded: Path) -> None:
    Path("blank.yaml").write_text("answers:\n  O3:\n")
    result = check("blank.yaml", "--sheet", "sheet.yaml", "--format", "json")
    assert result.exit_code == 1
    (entry,) = json.loads(result.stdout)["files"]
    assert entry["counts"]["missing"] == 3 and (entry["score"], entry["max_score"]) == (0, 4)


def test_a_bad_sheet_exits_2(graded: Path) -> None:
    Path("bad.yaml").write_text("answers: {O3: }\npoints: {C: 1}\n")
    result = check("ada.yaml", "--sheet", "bad.yaml")
    assert result.exit_code == 2 and "not a question" in result.stderr


def test_gradebook_is_one_row_per_student(graded: Path) -> None:
    args = ("ada.yaml", "bob.yaml", "empty.yaml", "--sheet", "sheet.yaml", "--format", "gradebook")
    rows = list(csv.DictReader(io.StringIO(check(*args).stdout)))
    assert [r["student"] for r in rows] == ["Ada", "bob", "empty"]
    assert list(rows[0])[2:] == ["O3", "C", "dC/dw6", "score", "max", "percent", "error"]
    assert (rows[1]["C"], rows[1]["dC/dw6"], rows[1]["percent"]) == ("2", "0", "75.0")
    assert rows[2]["error"] and rows[2]["score"] == "0" and rows[2]["max"] == "4"


GRADESCOPE_TOP = {"score", "max_score", "output", "tests"}  # results.json, documented fields
GRADESCOPE_TEST = {"name", "score", "max_score", "output"}
PRAIRIELEARN = {"gradable", "score", "feedback", "partial_scores"}


def test_gradescope_results_json(graded: Path) -> None:
    doc = json.loads(check("bob.yaml", "--sheet", "sheet.yaml", "--format", "gradescope").stdout)
    assert set(doc) == GRADESCOPE_TOP and (doc["score"], doc["max_score"]) == (3, 4)
    assert all(set(t) == GRADESCOPE_TEST for t in doc["tests"])
    wrong = next(t for t in doc["tests"] if t["name"] == "dC/dw6")
    assert wrong["score"] == 0 and "a flipped sign" in wrong["output"]
    doc = json.loads(check("empty.yaml", "--format", "gradescope").stdout)
    assert doc["tests"] == [] and "empty" in doc["output"]


def test_prairielearn_grading_data(graded: Path) -> None:
    doc = json.loads(check("bob.yaml", "--sheet", "sheet.yaml", "--format", "prairielearn").stdout)
    assert set(doc) == PRAIRIELEARN and doc["gradable"] is True
    assert doc["score"] == 0.75
    assert doc["partial_scores"]["C"] == {
        "score": 1.0,
        "weight": 2,
        "feedback": doc["feedback"]["C"],
    }
    bad = json.loads(check("empty.yaml", "--format", "prairielearn").stdout)
    assert bad["gradable"] is False and bad["score"] == 0


def test_hide_expected(graded: Path) -> None:
    shown = check("bob.yaml", "--format", "json")
    hidden = check("bob.yaml", "--format", "json", "--hide-expected")
    assert "-0.0597" in shown.stdout and "-0.0597" not in hidden.stdout
    (entry,) = json.loads(hidden.stdout)["files"]
    assert {r["expected"] for r in entry["results"]} == {""}
    assert "a flipped sign" in hidden.stdout


def test_template_only_and_output(graded: Path) -> None:
    result = runner.invoke(app, ["template", str(BLOG), "--only", "O3,dC/dw6", "-o", "hw.yaml"])
    assert result.exit_code == 0 and result.stdout == ""
    sheet = load_answers(Path("hw.yaml"))
    assert [a.quantity for a in sheet.answers] == ["O3", "dC/dw6"]
    again = runner.invoke(app, ["template", str(BLOG), "-o", "hw.yaml"])
    assert again.exit_code == 2  # exists: --force to replace
    assert runner.invoke(app, ["template", str(BLOG), "--only", "zz"]).exit_code == 2


def test_an_unreadable_file_quoting_student_text_is_one_line_with_controls_shown(
    tmp_path: Path,
) -> None:
    path = tmp_path / "a.yaml"
    path.write_text('answers: {}\n"x\\ny\\e[2K": 1\n')
    result = check(str(path))
    assert result.exit_code == 1 and "\x1b" not in result.stdout
    assert "x␊y␛[2K" in result.stdout and "unknown key" in result.stdout
    assert "Quantity" not in result.stdout  # no empty table for a file that cannot be read
    (entry,) = json.loads(check(str(path), "--format", "json").stdout)["files"]
    assert "x\ny\x1b[2K" in entry["error"]  # JSON keeps the text exactly, escaped


@pytest.mark.parametrize(
    ("fmt", "extension"),
    [
        ("text", "txt"),
        ("json", "json"),
        ("csv", "csv"),
        ("gradebook", "csv"),
        ("gradescope", "json"),
        ("prairielearn", "json"),
    ],
)
def test_class_golden(graded: Path, golden: Any, fmt: str, extension: str) -> None:
    files = ("ada.yaml", "bob.yaml", "empty.yaml")
    one = fmt in ("gradescope", "prairielearn")
    result = check(*(files[1:2] if one else files), "--sheet", "sheet.yaml", "--format", fmt)
    assert result.exit_code == 1
    golden.check(f"check/class-{fmt}.{extension}", result.stdout)


def _hand_blog(o0_shift: float) -> dict[str, float]:
    """The blog network by hand at 4 decimals, written out here (independent of derive), with
    O0 written wrong by ``o0_shift`` and everything after it computed from that value."""
    import math

    def r(v: float) -> float:
        return round(v, 4)

    w = [0.15, 0.23, 0.5, 0.8, 0.05, -0.05, 0.9, -0.5, 0.08]
    x, target = (2.0, 9.0), 0.92
    z = [r(w[2 * i] * x[0] + w[2 * i + 1] * x[1] + 0.5) for i in range(3)]
    o = [r(1 / (1 + math.exp(-v))) for v in z]
    o[0] = r(o[0] + o0_shift)
    z3 = r(w[6] * o[0] + w[7] * o[1] + w[8] * o[2] + 0.2)
    o3 = r(1 / (1 + math.exp(-z3)))
    d_o3 = r(o3 - target)
    d_z3_local = r(o3 * (1 - o3))
    d_z3 = r(d_o3 * d_z3_local)
    return {
        "O0": o[0],
        "z3": z3,
        "O3": o3,
        "C": r(0.5 * (o3 - target) ** 2),
        "dC/dO3": d_o3,
        "dO3/dz3": d_z3_local,
        "dC/dz3": d_z3,
        "dC/dw6": r(d_z3 * o[0]),
    }


@settings(max_examples=12, deadline=None, derandomize=True)
@given(st.sampled_from([-0.2, -0.05, -0.02, 0.02, 0.04, 0.1, 0.3]))
def test_one_early_value_changed_is_wrong_and_its_descendants_carried(shift: float) -> None:
    checker = _BLOG
    right, changed = _hand_blog(0.0), _hand_blog(shift)
    answers = {name: f"{value:.4f}" for name, value in changed.items()}
    got = results(checker, answers)
    assert got["O0"].verdict == "wrong"
    for name in list(changed)[1:]:
        expected = "carried" if abs(changed[name] - right[name]) > 1.5e-4 else "correct"
        assert got[name].verdict == expected, (name, got[name])
        if expected == "carried":
            assert got[name].diagnosis.startswith("consistent with your ")
    assert got["z3"].diagnosis == f"consistent with your O0 = {answers['O0']}"


def test_carried_credit_sets_the_points(graded: Path) -> None:
    carried = _hand_blog(0.02)
    Path("carry.yaml").write_text(f"answers: {{O0: {carried['O0']}, z3: {carried['z3']}}}\n")
    for credit, score in (("1", 1), ("0.5", 0.5), ("0", 0)):
        result = check("carry.yaml", "--carried-credit", credit, "--format", "json")
        (entry,) = json.loads(result.stdout)["files"]
        verdicts = {r["quantity"]: r["verdict"] for r in entry["results"]}
        assert verdicts == {"O0": "wrong", "z3": "carried"}
        assert (entry["score"], entry["max_score"]) == (score, 2)
        assert result.exit_code == 1


_BLOG = Checker(load_network(BLOG))


def test_answers_written_with_the_networks_own_quantities(blog: Checker) -> None:
    got = results(
        blog,
        {
            "dC/dO3": "'O3 - y'",  # the blog's cost has the ½: ∂C/∂O3 = O3 − y
            "C": "'0.5*(O3 - y)^2'",
            "z3": "'w6*O0 + w7*O1 + w8*O2 + b3'",
            "dO3/dz3": "'O3*(1 + O3)'",  # a wrong formula stays wrong
            "O3": "'O3 + w99'",
        },
    )
    assert {n: r.verdict for n, r in got.items()} == {
        "dC/dO3": "correct",
        "C": "correct",
        "z3": "correct",
        "dO3/dz3": "wrong",
        "O3": "unreadable",
    }
    assert "unknown name 'w99'" in got["O3"].diagnosis and "…" in got["O3"].diagnosis


def test_an_alias_answers_its_question(graded: Path) -> None:
    # dC/db3 is another name of dC/dz3
    Path("q.yaml").write_text("answers:\n  dC/dz3:\npoints: {dC/dz3: 3}\n")
    Path("a.yaml").write_text("answers: {dC/db3: -0.0631}\n")
    (entry,) = json.loads(check("a.yaml", "--sheet", "q.yaml", "--format", "json").stdout)["files"]
    assert [(r["quantity"], r["verdict"], r["points"]) for r in entry["results"]] == [
        ("dC/db3", "correct", 3)
    ]
    assert (entry["score"], entry["max_score"]) == (3, 3)


def test_a_question_answered_under_two_names_counts_once(graded: Path) -> None:
    Path("q.yaml").write_text("answers:\n  dC/dz3:\n  O3:\n")
    Path("a.yaml").write_text("answers: {dC/dz3: -0.0631, dC/db3: -0.0631, O3: 0.6445}\n")
    (entry,) = json.loads(check("a.yaml", "--sheet", "q.yaml", "--format", "json").stdout)["files"]
    assert (entry["score"], entry["max_score"]) == (2, 2)


def test_a_fifo_among_the_answers_is_refused_without_opening_it(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)  # opening it for reading would block: the child would time out
    done = subprocess.run(
        [sys.executable, "-m", "derive", "check", str(BLOG), str(pipe), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    (entry,) = json.loads(done.stdout)["files"]
    assert "expected a regular file (this is a FIFO)" in entry["error"]
