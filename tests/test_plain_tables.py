"""Large tables as plain fixed-width text: the same cells as the rich table, past a threshold."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

import derive.render.tables as tables
from derive import derive, load_network
from derive.derivation.names import display
from derive.derivation.quantity import BACKWARD
from derive.grade.answers import load_answers
from derive.grade.checker import Checker
from derive.render import console
from derive.render.plaintext import PlainTable, width_of
from derive.render.reports.check import render_text
from derive.render.tables import PLAIN_ROWS, as_text, table_of
from derive.render.values import value_text

from .conftest import CASES
from .test_scale import network_yaml

WIDTH = 10_000  # no rich layout folds a cell at this width


def parse(text: str) -> list[list[list[str]]]:
    """Every table in ``text`` as rows of cells: the columns are the spans between runs of 3 or
    more blanks common to its header and rows, and a line whose first cell is blank continues
    the row above (a second line of some cell)."""
    lines = text.splitlines()
    out = []
    for at, line in enumerate(lines):
        if not line or set(line) != {"─"}:
            continue
        body = [lines[at - 1]]
        for row in lines[at + 1 :]:
            if not row.startswith(" ") or set(row) == {"─"}:
                break
            body.append(row)
        out.append(_rows(body))
    return out


def _rows(body: list[str]) -> list[list[str]]:
    width = max(map(len, body))
    padded = [line.ljust(width) for line in body]
    blank = [all(line[i] == " " for line in padded) for i in range(width)]
    spans, start = [], None
    for i, is_blank in enumerate([*blank, True]):
        if not is_blank and start is None:
            start = i
        elif is_blank and start is not None and (i + 2 >= width or all(blank[i : i + 3])):
            spans.append((start, i))
            start = None
    rows: list[list[str]] = []
    for line in padded:
        cells = [line[a:b].strip() for a, b in spans]
        if rows and not cells[0] and len(rows) > 1:
            rows[-1] = [f"{old}\n{new}".strip() for old, new in zip(rows[-1], cells, strict=True)]
        else:
            rows.append(cells)
    return rows


@pytest.fixture(scope="module")
def mid(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plain") / "net.yaml"
    path.write_text(network_yaml((6, 12, 6)), encoding="utf-8")
    return path


def test_plain_writer_gives_the_same_cells_as_rich(
    mid: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = derive(load_network(mid))
    steps = d.section(BACKWARD)
    assert 100 < len(steps) <= PLAIN_ROWS  # a mid-size case: rich by default
    rich_text = as_text(console.render(d), width=WIDTH)
    monkeypatch.setattr(tables, "PLAIN_ROWS", 0)  # every table plain
    plain_text = as_text(console.render(d), width=WIDTH)
    rich_rows, plain_rows = parse(rich_text), parse(plain_text)
    assert len(rich_rows) >= 4 and plain_rows == rich_rows
    # the cells are the steps themselves (an oracle beside both writers): names and values
    backward = next(t for t in plain_rows if t[0][:2] == ["Step", "Quantity"])
    assert [r[1].split("\n")[0] for r in backward[1:]] == [display(q.name) for q in steps]
    assert [r[-1] for r in backward[1:]] == [value_text(q, d.decimals) for q in steps]


def test_the_writer_is_chosen_by_row_count_at_the_threshold() -> None:
    row = ("1", "x", Text("0.5", style="red"))
    at = table_of("t", ("Step", "Quantity", "Value"), [row] * PLAIN_ROWS, right=("Value",))
    past = table_of("t", ("Step", "Quantity", "Value"), [row] * (PLAIN_ROWS + 1), right=("Value",))
    among = table_of("t", ("Step", "Quantity", "Value"), [row], among=PLAIN_ROWS + 1)
    assert isinstance(at, Table) and isinstance(past, PlainTable)
    assert isinstance(among, PlainTable)  # a small table of a large report
    # one row more, the same lines; a Text cell gives its plain text
    assert as_text(past) == as_text(at) + as_text(at).splitlines(keepends=True)[-1]


def test_plain_cells_show_control_characters_as_rich_does() -> None:
    rows = [("a\x1b[31mred", "b")]
    rich = tables.house_table("", "A", "B")
    rich.add_row(*rows[0])
    plain = PlainTable("", ("A", "B"), rows)
    assert "\x1b" not in as_text(plain)
    assert as_text(plain) == as_text(rich, width=WIDTH)


def test_a_large_check_report_is_plain_with_the_same_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    network = load_network(CASES / "blog-2-3-1.yaml")
    checker, sheets = Checker(network), []
    for i in range(4):
        text = f"student: s{i}\nanswers:\n  O3: 0.{7 + i}\n  C: 0.03\n  dC/dw6: -0.06\n"
        (tmp_path / f"s{i}.yaml").write_text(text, encoding="utf-8")
        sheets.append(load_answers(tmp_path / f"s{i}.yaml"))
    reports = [checker.check(s) for s in sheets]
    rich_text = as_text(render_text(reports), width=WIDTH)
    monkeypatch.setattr(tables, "PLAIN_ROWS", 5)  # 4 files and their wrong answers: past 5
    plain_text = as_text(render_text(reports), width=WIDTH)
    assert re.search(r"✗ wrong", plain_text)
    assert parse(plain_text) == parse(rich_text) and len(parse(rich_text)) == 5


def test_a_line_wider_than_the_output_goes_on_in_the_next() -> None:
    """rich's print crops what is wider than the console; the plain writer loses nothing."""
    table = PlainTable("T", ("A", "B"), [("x" * 30, "y" * 30)] * (PLAIN_ROWS + 1))
    wide, narrow = as_text(table, width=WIDTH), as_text(table, width=40)
    assert max(map(len, narrow.splitlines())) == 40
    assert "".join(narrow.split("\n")) == "".join(wide.split("\n"))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=st.characters(max_codepoint=0x1FAFF, exclude_categories=["Cs"])))
def test_the_fast_width_is_rich_s_width(text: str) -> None:
    """width_of measures text of one-cell characters by its length, and anything else as rich
    does: the two never differ (a wrong width would misalign every plain table)."""
    from rich.cells import cell_len

    assert width_of(text) == cell_len(text)
    assert width_of(text + "∂C/∂w · −σ'ᵀ₁") == cell_len(text + "∂C/∂w · −σ'ᵀ₁")


def test_every_character_taken_as_one_cell_is_one_cell_to_rich() -> None:
    from rich.cells import cell_len

    from derive.render.plaintext import _NARROW

    narrow = [chr(c) for c in range(0x20, 0x1FAFF) if _NARROW.fullmatch(chr(c))]
    assert len(narrow) > 1000 and "∂" in narrow and "−" in narrow and "⌚" not in narrow
    assert [c for c in narrow if cell_len(c) != 1] == []


def _rich_text(renderable: RenderableType, width: int) -> str:
    """What rich itself prints for ``renderable``: the text ``written`` must give."""
    out = Console(file=StringIO(), width=width, color_system=None, highlight=False)
    out.print(renderable)
    buffer = out.file
    assert isinstance(buffer, StringIO)
    return buffer.getvalue()


@pytest.mark.parametrize("width", [60, 80, 120])
def test_a_group_with_plain_tables_is_written_as_rich_would_print_it(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tables, "PLAIN_ROWS", 5)  # the case's step tables become plain
    d = derive(load_network(CASES / "mazur-2-2-2.yaml"))
    group = console.render(d)
    assert isinstance(group, Group)
    parts = [p for p in group.renderables if isinstance(p, tables.ByWidth)]
    assert any(isinstance(p.choose(Console(width=width), width), PlainTable) for p in parts)
    assert as_text(group, width=width) == _rich_text(group, width)


@given(
    words=st.lists(st.text(alphabet="ab∂·-(", min_size=1, max_size=14), min_size=1, max_size=60),
    width=st.integers(min_value=40, max_value=140),
)
@settings(max_examples=60, deadline=None, derandomize=True)
def test_a_wrapped_column_fits_the_width_and_keeps_every_word(words: list[str], width: int) -> None:
    formula = " ".join(words)
    table = PlainTable(
        "T", ("Quantity", "Formula", "Value"), [("z1", formula, "0.5")], wrap=("Formula",)
    )
    text = table.text_at(width)
    lines = text.splitlines()
    assert all(width_of(line) <= max(width, width_of(lines[1])) for line in lines)
    at, value = lines[1].index("Formula"), lines[1].index("Value")
    cells = [line[at:value].strip() for line in lines[3:]]  # after title, header and rule
    assert " ".join(c for c in cells if c).split() == formula.split()
    if width_of(table.text_at(None).splitlines()[1]) <= width:
        assert text == table.text_at(None)  # nothing to wrap where it fits
