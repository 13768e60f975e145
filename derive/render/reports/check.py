"""Reports of ``derive check``: text tables, JSON, CSV, a gradebook, and Gradescope's and
PrairieLearn's formats (the blank answers file of ``derive template`` is sheet.py).
Renderers return a value (a rich renderable or a string); they never print.

Students write the names, file names and answers shown here, so the text report shows their
control characters (``render.safe``), the CSV keeps a spreadsheet from running a cell as a
formula, and JSON keeps the text exactly, escaped.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, Literal

from rich.console import Group, RenderableType
from rich.text import Text

from ...derivation.names import display
from ...grade.checker import VERDICTS, GradeReport, Result, Verdict
from ...numbers.rounding import places
from ..safe import csv_cell, safe_text
from ..tables import table_of

COLUMNS = ("quantity", "given", "expected", "hand", "verdict", "diagnosis")


def render_text(reports: Sequence[GradeReport]) -> RenderableType:
    """One file: every answer. Several: a student × verdict table, then each one's wrong answers."""
    if len(reports) == 1:
        (report,) = reports
        if report.error:
            return _heading(report)
        return Group(_heading(report), _answers(report.results))
    parts: list[RenderableType] = [_summary(reports)]
    shown = [[r for r in report.results if r.verdict != "correct"] for report in reports]
    rows = len(reports) + sum(map(len, shown))
    for report, wrong in zip(reports, shown, strict=True):
        if report.error:
            parts.append(_heading(report))
        elif wrong:
            parts += [_heading(report), _answers(wrong, among=rows)]
    return Group(*parts)


def _table(
    title: str, columns: Sequence[str], rows: Sequence[Sequence[str | Text]], *, among: int = 0
) -> RenderableType:
    right = ("given", "expected", "hand", "score", "max", *VERDICTS)
    numeric = [c for c in columns if c.lower() in right]
    return table_of(title, columns, rows, right=numeric, among=among)


def _heading(report: GradeReport) -> Text:
    who = f"{safe_text(report.student)} ({safe_text(report.source)})"
    mark = verdict_text("correct" if report.all_correct else "wrong")[:1]  # ✓ or ✗, coloured
    if report.error:
        text = f" {who}: {_points(report)}; cannot be read: {safe_text(report.error)}"
        return Text.assemble(mark, text)
    return Text.assemble(mark, f" {who}: {_points(report)}; {marked(report)}")


def marked(report: GradeReport) -> str:
    """The verdicts counted, and how the answers were judged: the heading of a student's
    report in text and in a notebook."""
    counts = ", ".join(f"{n} {v}" for v, n in report.counts().items() if n)
    how = (
        "expressions compared with SymPy"
        if report.symbolic
        else f"hand calculation at {places(report.precision)}"
    )
    return f"{counts or 'no answers'}; {how}"


def _points(report: GradeReport) -> str:
    return f"{_number(report.score)}/{_number(report.max_score)} points"


def _number(value: float) -> str:
    """Points as written: 3, 2.5, 0.333."""
    return f"{value:.3f}".rstrip("0").rstrip(".") if value == value else "nan"


def _answers(results: Sequence[Result], *, among: int = 0) -> RenderableType:
    rows = []
    for r in results:
        hand = "" if r.hand == r.expected else r.hand
        quantity, given, diagnosis = map(safe_text, (display(r.quantity), r.given, r.diagnosis))
        rows.append((quantity, given, r.expected, hand, verdict_text(r.verdict), diagnosis))
    columns = ("Quantity", "Given", "Expected", "Hand", "Verdict", "Diagnosis")
    return _table("", columns, rows, among=among)


# a mark beside each verdict, so that it reads without colour (NO_COLOR, a pipe, a printout)
MARKS: dict[Verdict, tuple[str, str]] = {
    "correct": ("✓", "green"),
    "wrong": ("✗", "red"),
    "carried": ("~", "yellow"),
    "unreadable": ("✗", "red"),
    "unknown": ("?", "yellow"),
    "missing": ("-", "dim"),
}


def verdict_text(verdict: Verdict) -> Text:
    mark, style = MARKS[verdict]
    return Text(f"{mark} {verdict}", style=style)


def _summary(reports: Sequence[GradeReport]) -> RenderableType:
    """Students × verdicts, and each one's score."""
    optional = ("carried", "missing")  # shown where some file has one
    shown = [v for v in VERDICTS if v not in optional or any(r.counts()[v] for r in reports)]
    rows = []
    for report in reports:
        counts = report.counts()
        who = (safe_text(report.student), safe_text(report.source))
        cells = ["-"] * len(shown) if report.error else [_count(v, counts[v]) for v in shown]
        rows.append((*who, *cells, f"{_number(report.score)}/{_number(report.max_score)}"))
    return _table("Students", ("Student", "File", *shown, "Score"), rows)


def _count(verdict: Verdict, n: int) -> Text:
    """A verdict's count in the verdict's colour where it is not zero."""
    return Text(str(n), style=MARKS[verdict][1] if n else "")


def document(reports: Sequence[GradeReport]) -> dict[str, Any]:
    return {
        "files": [
            {
                "file": report.source,
                "student": report.student,
                "precision": report.precision,
                "symbolic": report.symbolic,
                "counts": report.counts(),
                "score": report.score,
                "max_score": report.max_score,
                "error": report.error,
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
        "points": r.points,
        "max_points": r.max_points,
    }


# json.dumps escapes C0 controls but writes DEL and C1 (U+009B is a one-byte CSI) as they are
_JSON_ESCAPES = {c: f"\\u{c:04x}" for c in range(0x7F, 0xA0)}


def render_json(reports: Sequence[GradeReport]) -> str:
    return _dumps(document(reports))


def render_csv(reports: Sequence[GradeReport]) -> str:
    """One row per answer (a file that cannot be read: one row with its error)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("file", "student", *COLUMNS, *CSV_EXTRA))
    for report in reports:
        total = (_number(report.score), _number(report.max_score))
        if report.error:
            blank = [""] * (len(COLUMNS) + 3)
            cells: tuple[str, ...] = (report.source, report.student, *blank, *total, report.error)
            writer.writerow([csv_cell(c) for c in cells])
        for r in report.results:
            row = (r.quantity, r.given, r.expected, r.hand, r.verdict, r.diagnosis, r.mistake)
            points = (_number(r.points), _number(r.max_points))
            cells = (report.source, report.student, *row, *points, *total, "")
            writer.writerow([csv_cell(c) for c in cells])
    return out.getvalue()


CSV_EXTRA = ("mistake", "points", "max_points", "score", "max_score", "error")


def render_gradebook(reports: Sequence[GradeReport]) -> str:
    """A wide CSV: one row per student, one column per question (the points earned), then
    score, max and percent."""
    questions = list(dict.fromkeys(r.quantity for report in reports for r in report.results))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("student", "file", *questions, "score", "max", "percent", "error"))
    for report in reports:
        earned = {r.quantity: _number(r.points) for r in report.results}
        percent = 100 * report.score / report.max_score if report.max_score else 0.0
        cells = (
            report.student,
            report.source,
            *(earned.get(q, "") for q in questions),
            _number(report.score),
            _number(report.max_score),
            f"{percent:.1f}",
            report.error,
        )
        writer.writerow([csv_cell(c) for c in cells])
    return out.getvalue()


def _output(r: Result) -> str:
    """What a student reads for one answer (Gradescope's ``output``, PrairieLearn feedback)."""
    parts = [f"{r.verdict}: {r.given}" if r.given else r.verdict]
    if r.expected:
        parts.append(f"expected {r.expected}")
    if r.diagnosis:
        parts.append(r.diagnosis)
    return "; ".join(parts)


def gradescope(report: GradeReport) -> dict[str, Any]:
    """Gradescope's results.json for one submission."""
    doc: dict[str, Any] = {
        "score": report.score,
        "max_score": report.max_score,
        "output": report.error or f"{_number(report.score)}/{_number(report.max_score)} points",
        "tests": [
            {
                "name": r.quantity,
                "score": r.points,
                "max_score": r.max_points,
                "output": _output(r),
            }
            for r in report.results
        ],
    }
    return doc


def prairielearn(report: GradeReport) -> dict[str, Any]:
    """PrairieLearn's grading data: gradable, score (0–1), feedback, partial_scores."""
    return {
        "gradable": not report.error,
        "score": report.score / report.max_score if report.max_score else 0.0,
        "feedback": {"message": report.error}
        if report.error
        else {r.quantity: _output(r) for r in report.results},
        "partial_scores": {
            r.quantity: {
                "score": r.points / r.max_points if r.max_points else 0.0,
                "weight": r.max_points,
                "feedback": _output(r),
            }
            for r in report.results
        },
    }


def _one(reports: Sequence[GradeReport], make: Callable[[GradeReport], Any]) -> str:
    """One submission's document (the autograders grade one at a time); several: a list."""
    docs = [make(report) for report in reports]
    return _dumps(docs[0] if len(docs) == 1 else docs)


def _dumps(doc: Any) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False).translate(_JSON_ESCAPES)


ReportFormat = Literal["text", "json", "csv", "gradebook", "gradescope", "prairielearn"]
REPORTS: dict[ReportFormat, Callable[[Sequence[GradeReport]], Any]] = {
    "text": render_text,
    "json": render_json,
    "csv": render_csv,
    "gradebook": render_gradebook,
    "gradescope": lambda reports: _one(reports, gradescope),
    "prairielearn": lambda reports: _one(reports, prairielearn),
}


def render(
    reports: Sequence[GradeReport], fmt: ReportFormat, *, hide_expected: bool = False
) -> Any:
    """``hide_expected``: verdicts and hints without the right values (for self-checking)."""
    if hide_expected:
        reports = [
            replace(report, results=tuple(replace(r, expected="", hand="") for r in report.results))
            for report in reports
        ]
    return REPORTS[fmt](reports)
