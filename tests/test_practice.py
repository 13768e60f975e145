"""``derive practice`` and ``derive check --set``: reproducible variants, the nice-number rules
against independent oracles (plain-float forward passes, finite differences, the checker's own
verdicts), a class generated and graded end to end, and bad rosters."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from derive.cli.app import app
from derive.derivation.build import derive
from derive.errors import OptionError
from derive.grade.answers import Answer, answers_from_text
from derive.grade.sheet import sheet_from
from derive.numbers.rounding import format_number
from derive.practice.draws import Draws, variant_seed
from derive.practice.nice import EXCUSED, NiceRules
from derive.practice.roster import STUDENT_ID
from derive.practice.variant import Recipe, make_variant
from derive.spec.load import load_network
from derive.spec.network import Network

from .conftest import CASES

EXAMPLE = CASES / "practice-2-2-1"
ROSTER = EXAMPLE / "roster.csv"
runner = CliRunner()


def run(*args: str | Path, stdin: str | None = None) -> Any:
    return runner.invoke(app, [str(a) for a in args], input=stdin)


def generate(folder: Path, *extra: str | Path) -> Any:
    result = run("practice", "--shape", "2-2-1", "--seed", "7", *extra, "-o", folder)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped example's class (ada, bob), generated again."""
    folder = tmp_path_factory.mktemp("set") / "class"
    generate(folder, "--students", ROSTER)
    return folder


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


# -- reproducibility ------------------------------------------------------------------------------


def test_variant_seed_comes_from_sha256_of_seed_and_id() -> None:
    """Fixed numbers: hash() is salted per process, and the set must come out the same anywhere."""
    assert variant_seed(7, "ada") == 11372290209765203579
    assert variant_seed(7, "ada") != variant_seed(7, "bob") != variant_seed(8, "bob")
    draws = Draws(1)
    assert [draws.below(100) for _ in range(6)] == [96, 51, 0, 54, 53, 81]
    assert {Draws(s).integer(5, 9) for s in range(60)} == {5, 6, 7, 8, 9}


def test_same_seed_and_id_give_byte_identical_files(made: Path, tmp_path: Path) -> None:
    """Run again for bob alone: his files come out byte for byte as in the class's run (a
    variant depends on the seed and the id only, not on who else is on the roster)."""
    (tmp_path / "bob.csv").write_text("student\nbob\n")
    generate(tmp_path / "bob-only", "--students", tmp_path / "bob.csv")
    assert files_of(tmp_path / "bob-only/bob") == files_of(made / "bob")
    assert len(files_of(made / "bob")) >= 4  # network, sheet, LaTeX and Markdown at least
    alone, together = (
        json.loads((f / "manifest.json").read_text()) for f in (tmp_path / "bob-only", made)
    )
    assert alone["students"]["bob"] == together["students"]["bob"]


def test_the_shipped_example_is_what_practice_writes(made: Path) -> None:
    """Every generated file, the worked solutions too, so the shipped set never goes stale; when a
    renderer changes, regenerate it as docs/practice.md says and review the diff."""
    shipped = files_of(EXAMPLE)
    for name, text in files_of(made).items():
        if name != "manifest.json":
            assert shipped.get(name) == text, f"cases/practice-2-2-1/{name} is stale"
    mine, shipped = (json.loads((f / "manifest.json").read_text()) for f in (made, EXAMPLE))
    assert {s: v["seed"] for s, v in mine["students"].items()} == {
        s: v["seed"] for s, v in shipped["students"].items()
    }


def test_other_ids_and_seeds_give_other_numbers(made: Path, tmp_path: Path) -> None:
    ada, bob = ((made / s / "network.yaml").read_text() for s in ("ada", "bob"))
    assert _numbers(ada) != _numbers(bob)
    result = run(
        "practice", "--shape", "2-2-1", "--seed", "8", "--students", ROSTER, "-o", tmp_path
    )
    assert result.exit_code == 0, result.output
    assert _numbers((tmp_path / "ada/network.yaml").read_text()) != _numbers(ada)


def _numbers(text: str) -> list[float]:
    doc = yaml.safe_load(text)
    out = [v for layer in doc["layers"][1:] for row in layer["weights"] for v in row]
    out += [v for layer in doc["layers"][1:] for v in layer["biases"]]
    return out + [v for ex in doc["examples"] for v in (*ex["input"], *ex["target"])]


def test_manifest_says_who_has_what_and_how_each_rule_was_met(made: Path) -> None:
    doc = json.loads((made / "manifest.json").read_text())
    assert doc["seed"] == 7 and list(doc["students"]) == ["ada", "bob"]
    assert set(doc["rules"]) == {"decimals", "saturation", "not_zero", "mistakes"}
    for student, entry in doc["students"].items():
        assert entry["seed"] == variant_seed(7, student)
        for path in entry["files"].values():
            assert (made / path).is_file() and path.startswith(f"{student}/")
        rules = entry["rules"]
        assert float(rules["saturation"]["smallest"]["value"]) >= 0.05
        assert Decimal(rules["not_zero"]["smallest"]["value"]) >= Decimal("0.0005")
        assert rules["mistakes"]["compared"] > 100
        assert Decimal(rules["mistakes"]["nearest"]["by"]) > Decimal("0.0001")


def test_the_sheet_is_the_template_with_id_points_and_digits(made: Path) -> None:
    text = (made / "ada/sheet.yaml").read_text()
    sheet = sheet_from(answers_from_text(text, source="s", default_student="x"))
    d = derive(load_network(made / "ada/network.yaml"))
    computed = {
        n for q in d.quantities.values() if q.section != "given" for n in (q.name, *q.aliases)
    }
    assert set(sheet.questions) == computed
    assert sheet.rule.require_decimals == 4
    assert sheet.worth("dC/dw0") == 2 and sheet.worth("new_b2") == 2 and sheet.worth("O2") == 1
    assert answers_from_text(text, source="s", default_student="x").student == "ada"


def test_only_asks_fewer_questions(tmp_path: Path) -> None:
    generate(tmp_path / "set", "--only", "O2,C,dC/dw*")
    sheet = answers_from_text(
        (tmp_path / "set/practice/sheet.yaml").read_text(), source="s", default_student="x"
    )
    assert [a.quantity for a in sheet.answers] == [
        "O2", "C", "dC/dw4", "dC/dw5", "dC/dw0", "dC/dw1", "dC/dw2", "dC/dw3"
    ]  # fmt: skip
    assert "\\partial w_{4}" in (tmp_path / "set/practice/solution.md").read_text()


# -- the nice-number rules, against independent oracles ------------------------------------------

SHAPES = [("1-1-1", "tanh"), ("2-1-1", "sigmoid"), ("1-2-1", "relu"), ("1-1-1", "sigmoid")]


@settings(
    max_examples=5, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    seed=st.integers(0, 10**9),
    student=st.from_regex(STUDENT_ID, fullmatch=True),
    shape=st.sampled_from(SHAPES),
)
def test_nice_number_rules_hold_over_many_seeds(
    seed: int, student: str, shape: tuple[str, str]
) -> None:
    rules = NiceRules()
    variant = make_variant(Recipe(shape[0], shape[1]), seed=seed, student=student)
    net = variant.network
    for value in _numbers(variant.text):  # as written in the file
        exponent = Decimal(str(value)).as_tuple().exponent
        assert -1 <= value <= 1 and isinstance(exponent, int) and exponent >= -2, value
    for slope in _derivatives(net):  # a plain-float forward pass
        assert slope >= rules.derivative_floor
    for g in _finite_difference_gradients(net):
        assert abs(Decimal(format_number(g, 4))) >= rules.smallest, g
    _no_mistake_is_graded_right(variant.network, rules)


def _act(name: str, z: float) -> tuple[float, float]:
    """(activation, its derivative) in plain floats."""
    if name == "sigmoid":
        s = 1 / (1 + math.exp(-z))
        return s, s * (1 - s)
    if name == "tanh":
        return math.tanh(z), 1 - math.tanh(z) ** 2
    assert name == "relu"
    return max(z, 0.0), float(z > 0)


def _forward(net: Network, params: list[float]) -> tuple[list[float], list[float]]:
    """(outputs, every neuron's activation derivative) with the parameters in file order."""
    it = iter(params)
    a, slopes = [float(v) for v in net.examples[0].input], list[float]()
    for layer in net.layers:
        weights = [[next(it) for _ in row] for row in layer.weights]
        biases = [next(it) for _ in layer.weights]
        pairs = [
            _act(layer.activation.name, sum(w * x for w, x in zip(row, a, strict=True)) + b)
            for row, b in zip(weights, biases, strict=True)
        ]
        a, slopes = [p[0] for p in pairs], slopes + [p[1] for p in pairs]
    return a, slopes


def _params(net: Network) -> list[float]:
    out: list[float] = []
    for layer in net.layers:
        out += [float(w) for row in layer.weights for w in row] + [
            float(b) for b in layer.biases or ()
        ]
    return out


def _derivatives(net: Network) -> list[float]:
    return _forward(net, _params(net))[1]


def _finite_difference_gradients(net: Network, h: float = 1e-6) -> list[float]:
    assert net.cost == "half_squared_error"
    target = [float(v) for v in net.examples[0].target]

    def cost(params: list[float]) -> float:
        out = _forward(net, params)[0]
        return sum((o - y) ** 2 for o, y in zip(out, target, strict=True)) / 2

    base = _params(net)
    grads = []
    for i in range(len(base)):
        up, down = list(base), list(base)
        up[i] += h
        down[i] -= h
        grads.append((cost(up) - cost(down)) / (2 * h))
    return grads


def _no_mistake_is_graded_right(net: Network, rules: NiceRules) -> None:
    """Each mistake's number, written at the sheet's decimals, is graded wrong by the checker
    (unless the mistake changes nothing here, or is rounding drift)."""
    checker = rules.checker(net)
    d = derive(net)
    for q in d.quantities.values():
        if q.section == "given":
            continue
        exact = Decimal(repr(float(q.value)))
        for c, values in checker.expected.numeric_candidates(rules.decimals, q.name):
            if c.mistake in EXCUSED or abs(values[0] - exact) <= Decimal("1e-9"):
                continue
            for value in values:
                text = format_number(value, rules.decimals)
                verdict = checker.result(Answer(q.name, text, "number"), rules.decimals).verdict
                assert verdict != "correct", (q.name, c.mistake, text)


def test_rules_that_cannot_be_met_give_a_clear_error() -> None:
    """σ' is at most ¼: a floor of 0.3 is never met, and the error says which rule broke."""
    recipe = Recipe("2-2-1", rules=NiceRules(derivative_floor=0.3), tries=5)
    with pytest.raises(OptionError) as caught:
        make_variant(recipe, seed=1, student="ada")
    assert caught.value.option == "shape"
    assert "no draw of 5 met the nice-number rules (broken: 5 saturation)" in str(caught.value)


def test_a_network_too_large_for_practice_exit_2(tmp_path: Path) -> None:
    result = run("practice", "--shape", "10-10-10", "-o", tmp_path)
    assert result.exit_code == 2 and "--max-params" in result.stderr


# -- a class graded end to end --------------------------------------------------------------------


def right_answers(network: Path, *, carry: str) -> dict[str, str]:
    """Every computed quantity at 4 decimals: the hand calculation or the exact values."""
    d = derive(load_network(network), carry=carry, decimals=4)  # type: ignore[arg-type]
    return {
        q.name: format_number(q.value, 4) for q in d.quantities.values() if q.section != "given"
    }


def planted(network: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Right answers with six common mistakes made by hand: (answers, quantity → mistake)."""
    d = derive(load_network(network), carry="rounded", decimals=4)

    def v(name: str) -> Decimal:
        return Decimal(format_number(d[name].value, 4))

    wrong = {
        "C": (2 * v("C"), "factor_2"),
        "dC/dz2": (v("dC/dO2"), "dO_for_dz"),
        "dC/dw0": (-v("dC/dw0"), "sign"),
        "dC/dw5": (v("dC/dz2") * v("O0"), "wrong_activation"),
        "new_w4": (v("w4") + v("eta") * v("dC/dw4"), "plus_update"),
        "new_b2": (v("b2") - v("dC/db2"), "no_learning_rate"),
    }
    answers = right_answers(network, carry="rounded")
    answers.update({name: format_number(value, 4) for name, (value, _) in wrong.items()})
    return answers, {name: key for name, (_, key) in wrong.items()}


def answers_text(answers: dict[str, str], student: str | None = None) -> str:
    lines = [f"student: {student}"] if student else []
    lines += ["answers:", *(f"  {json.dumps(k)}: {v}" for k, v in answers.items())]
    return "\n".join(lines) + "\n"


def check_set(folder: Path, *files: Path, fmt: str = "json") -> Any:
    return run("check", "--set", folder, *files, "--format", fmt)


def test_right_answers_score_full_marks(made: Path, tmp_path: Path) -> None:
    hand = tmp_path / "by-hand.yaml"  # matched by its student: line
    hand.write_text(answers_text(right_answers(made / "ada/network.yaml", carry="rounded"), "ada"))
    exact = tmp_path / "bob.yaml"  # matched by its file name, and every gradient checked below
    exact.write_text(answers_text(right_answers(made / "bob/network.yaml", carry="exact")))
    gradients = _finite_difference_gradients(load_network(made / "bob/network.yaml"))
    d = derive(load_network(made / "bob/network.yaml"))
    for name, g in zip(d.parameters, gradients, strict=True):
        assert abs(float(d[f"dC/d{name}"].value) - g) < 1e-8
    result = check_set(made, hand, exact)
    assert result.exit_code == 0, result.output
    files = json.loads(result.stdout)["files"]
    assert [f["student"] for f in files] == ["ada", "bob"]
    for f in files:
        assert f["score"] == f["max_score"] == 49 and f["counts"]["correct"] == 31


def test_planted_mistakes_are_named_per_student(made: Path, tmp_path: Path) -> None:
    answers, mistakes = planted(made / "bob/network.yaml")
    bob = tmp_path / "bob.yaml"
    bob.write_text(answers_text(answers))
    result = check_set(made, bob)
    assert result.exit_code == 1, result.output
    (report,) = json.loads(result.stdout)["files"]
    wrong = {r["quantity"]: r["mistake"] for r in report["results"] if r["verdict"] != "correct"}
    assert wrong == mistakes
    # ada's network is another: bob's answers handed in as ada's are mostly wrong
    (tmp_path / "ada.yaml").write_text(answers_text(answers))
    (other,) = json.loads(check_set(made, tmp_path / "ada.yaml").stdout)["files"]
    assert other["counts"]["correct"] < 10


def test_the_shipped_answers_grade_as_their_comments_say(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES.parent)
    folder = Path("cases/practice-2-2-1")
    result = check_set(folder, folder / "answers/ada.yaml", folder / "answers/bob.yaml")
    assert result.exit_code == 1
    ada, bob = json.loads(result.stdout)["files"]
    assert ada["score"] == ada["max_score"]
    wrong = {r["quantity"]: r["mistake"] for r in bob["results"] if r["verdict"] == "wrong"}
    assert wrong == planted(folder / "bob/network.yaml")[1]


def test_every_report_format_and_strangers(made: Path, tmp_path: Path) -> None:
    ada = tmp_path / "ada.yaml"
    ada.write_text(answers_text(right_answers(made / "ada/network.yaml", carry="rounded")))
    eve = tmp_path / "eve.yaml"
    eve.write_text(answers_text({"C": "0.1"}, "eve"))
    book = check_set(made, ada, eve, fmt="gradebook")
    assert book.exit_code == 1
    rows = book.stdout.splitlines()
    assert rows[1].startswith("ada,") and rows[1].endswith(",49,49,100.0,")
    assert (
        rows[2].startswith("eve,")
        and "no student 'eve' in this set; the set has ada, bob" in rows[2]
    )
    scope = json.loads(check_set(made, ada, fmt="gradescope").stdout)
    assert scope["score"] == scope["max_score"] == 49
    learn = json.loads(check_set(made, ada, fmt="prairielearn").stdout)
    assert learn["gradable"] and learn["score"] == 1


def test_set_errors_are_one_line_exit_2(made: Path, tmp_path: Path) -> None:
    ada = tmp_path / "ada.yaml"
    ada.write_text(answers_text({"C": "0.1"}))
    with_sheet = run("check", "--set", made, ada, "--sheet", made / "ada/sheet.yaml")
    assert with_sheet.exit_code == 2 and "leave out --sheet" in with_sheet.stderr
    no_set = check_set(tmp_path, ada)
    assert no_set.exit_code == 2 and "manifest.json" in no_set.stderr
    bad = tmp_path / "bad"
    bad.mkdir()
    doc = json.loads((made / "manifest.json").read_text())
    doc["students"]["ada"]["files"]["network"] = "../../etc/passwd"
    (bad / "manifest.json").write_text(json.dumps(doc))
    escaped = check_set(bad, ada)
    assert escaped.exit_code == 2 and "a path inside the set's folder" in escaped.stderr
    (bad / "manifest.json").write_text("{not json")
    assert check_set(bad, ada).exit_code == 2
    for result in (with_sheet, no_set, escaped):
        assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("derive: error:")
    alone = run("check", made / "ada/network.yaml")
    assert alone.exit_code == 2 and "expected answers files" in alone.stderr


# -- writing the set ------------------------------------------------------------------------------


def test_an_existing_set_needs_force(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    generate(folder, "--only", "C")
    before = files_of(folder)
    again = run("practice", "--shape", "2-2-1", "--seed", "9", "--only", "C", "-o", folder)
    assert again.exit_code == 2 and "--force" in again.stderr
    assert files_of(folder) == before  # nothing written: the set stops before its first file
    forced = run(
        "practice", "--shape", "2-2-1", "--seed", "9", "--only", "C", "-o", folder, "--force"
    )
    assert forced.exit_code == 0 and files_of(folder) != before


def test_missing_output_and_quiz_with_a_folder_exit_2(tmp_path: Path) -> None:
    no_output = run("practice", "--shape", "2-2-1")
    assert no_output.exit_code == 2 and "-o is required" in no_output.stderr
    both = run("practice", "--quiz", "--shape", "2-2-1", "-o", tmp_path)
    assert both.exit_code == 2 and "--quiz asks here" in both.stderr
    file = tmp_path / "file"
    file.write_text("x")
    assert run("practice", "--shape", "2-2-1", "-o", file).exit_code == 2


BAD_ROSTERS = {
    "no-column": ("name,email\nAda,a@x\n", ":1: expected a header row with a 'student' column"),
    "space": ("student\nAda Lovelace\n", ":2: student: expected an id of letters, digits"),
    "twice": ("student\nada\nbob\nADA\n", ":4: student: 'ADA' is listed twice (first on line 2)"),
    "empty": ("student\n", "expected at least one student below the header row"),
    "reserved": ("student\nmanifest.json\n", ":2: student: expected an id"),
    "blank-id": ("student,name\n,Ada\n", ":2: student: expected an id"),
    "slash": ("student\n../x\n", ":2: student: expected an id"),
}


@pytest.mark.parametrize("case", sorted(BAD_ROSTERS))
def test_bad_roster_is_one_line_exit_2(case: str, tmp_path: Path) -> None:
    text, message = BAD_ROSTERS[case]
    roster = tmp_path / "roster.csv"
    roster.write_text(text)
    result = run("practice", "--shape", "2-2-1", "--students", roster, "-o", tmp_path / "set")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"derive: error: {roster}") and message in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "set").exists()


def test_roster_not_text_or_missing_exit_2(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_bytes(b"student\n\xff\xfe\x00ada\n")
    for path in (roster, tmp_path / "none.csv"):
        result = run("practice", "--shape", "2-2-1", "--students", path, "-o", tmp_path / "s")
        assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
