"""Reports of ``derive check`` (text tables, JSON, CSV) and the blank answers file of
``derive template``. Renderers return a value (a rich renderable or a string); they never print.

Students write the names, file names and answers shown here, so the text report shows their
control characters (``render.safe``), the CSV keeps a spreadsheet from running a cell as a
formula, and JSON keeps the text exactly, escaped.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from typing import Any, Literal

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ...derivation.names import display
from ...derivation.quantity import GIVEN, Derivation
from ...grade.checker import VERDICTS, GradeReport, Result
from ..safe import csv_cell, safe_text
from ..tables import house_table

COLUMNS = ("quantity", "given", "expected", "hand", "verdict", "diagnosis")


def render_text(reports: Sequence[GradeReport]) -> RenderableType:
    """One file: every answer. Several: a student × verdict table, then each one's wrong answers."""
    if len(reports) == 1:
        return Group(_heading(reports[0]), _answers(reports[0].results))
    parts: list[RenderableType] = [_summary(reports)]
    for report in reports:
        wrong = [r for r in report.results if r.verdict != "correct"]
        if wrong:
            parts += [_heading(report), _answers(wrong)]
    return Group(*parts)


def _table(title: str, *columns: str) -> Table:
    numeric = [c for c in columns if c.lower() in ("given", "expected", "hand", *VERDICTS)]
    return house_table(title, *columns, right=numeric)


def _heading(report: GradeReport) -> Text:
    counts = ", ".join(f"{n} {v}" for v, n in report.counts().items() if n)
    how = (
        "expressions compared with SymPy"
        if report.symbolic
        else f"hand calculation at {report.precision} decimals"
    )
    who = f"{safe_text(report.student)} ({safe_text(report.source)})"
    return Text(f"{who}: {counts or 'no answers'}; {how}")


def _answers(results: Sequence[Result]) -> Table:
    table = _table("", "Quantity", "Given", "Expected", "Hand", "Verdict", "Diagnosis")
    for r in results:
        hand = "" if r.hand == r.expected else r.hand
        quantity, given, diagnosis = map(safe_text, (display(r.quantity), r.given, r.diagnosis))
        table.add_row(quantity, given, r.expected, hand, r.verdict, diagnosis)
    return table


def _summary(reports: Sequence[GradeReport]) -> Table:
    table = _table("Students", "Student", "File", *VERDICTS)
    for report in reports:
        counts = report.counts()
        who = (safe_text(report.student), safe_text(report.source))
        table.add_row(*who, *(str(counts[v]) for v in VERDICTS))
    return table


def document(reports: Sequence[GradeReport]) -> dict[str, Any]:
    return {
        "files": [
            {
                "file": report.source,
                "student": report.student,
                "precision": report.precision,
                "symbolic": report.symbolic,
                "counts": report.counts(),
                "results": [_result(r) for r in report.results],
            }
            for report in reports
        ]
    }


def _result(r: Result) -> dict[str, Any]:
    return {
        "quantity": r.quantity,
        "given": r.given,
        "expected": r.expected,
        "hand": r.hand,
        "verdict": r.verdict,
        "diagnosis": r.diagnosis,
        "mistake": r.mistake,
        "line": r.line,
    }


# json.dumps escapes C0 controls but writes DEL and C1 (U+009B is a one-byte CSI) as they are
_JSON_ESCAPES = {c: f"\\u{c:04x}" for c in range(0x7F, 0xA0)}


def render_json(reports: Sequence[GradeReport]) -> str:
    return json.dumps(document(reports), indent=2, ensure_ascii=False).translate(_JSON_ESCAPES)


def render_csv(reports: Sequence[GradeReport]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("file", "student", *COLUMNS, "mistake"))
    for report in reports:
        for r in report.results:
            row = (r.quantity, r.given, r.expected, r.hand, r.verdict, r.diagnosis, r.mistake)
            cells = (report.source, report.student, *row)
            writer.writerow([csv_cell(c) for c in cells])
    return out.getvalue()


ReportFormat = Literal["text", "json", "csv"]
REPORTS: dict[ReportFormat, Callable[[Sequence[GradeReport]], Any]] = {
    "text": render_text,
    "json": render_json,
    "csv": render_csv,
}


def render(reports: Sequence[GradeReport], fmt: ReportFormat) -> Any:
    return REPORTS[fmt](reports)


def template(d: Derivation) -> str:
    """A blank answers file listing every computed quantity (aliases too), by section."""
    lines = [
        # safe_text leaves no line break (a YAML comment ends at one) nor a character YAML refuses
        f"# Answers for {safe_text(d.network.title)} ({safe_text(d.network.source)}).",
        "# Fill in numbers (keep the decimals you worked with) or, for symbolic questions,",
        '# an expression in quotes such as "4.5*w - 1.5". Blank answers are not graded.',
        "student:",
        "answers:",
    ]
    section = ""
    for q in d.quantities.values():
        if q.section == GIVEN:
            continue
        if q.section != section:
            section = q.section
            lines.append(f"  # {section}")
        lines += [f"  {_key(name)}:" for name in (q.name, *q.aliases)]
    return "\n".join(lines) + "\n"


def _key(name: str) -> str:
    plain = all(c.isalnum() or c in "_/" for c in name)
    return name if plain else json.dumps(name)
