"""A ``derive check`` report for a notebook: HTML, Markdown and LaTeX tables of the verdicts,
one per answers file. Students write the names and answers shown here: every piece of their
text is escaped for the format it goes into."""

from __future__ import annotations

from collections.abc import Sequence

from ...derivation.names import display
from ...grade.result import GradeReport, Result
from ..document.markdown import md_text
from ..document.names import latex_text
from ..reports.check import marked
from .markup import el, table, text

HEADERS = ("Quantity", "Given", "Expected", "Hand", "Verdict", "Diagnosis")
STYLE = """
.derive-report { font: 14px/1.5 system-ui, "DejaVu Sans", sans-serif; color: #1f2937; }
.derive-report table { border-collapse: collapse; margin: 4px 0 16px; }
.derive-report th, .derive-report td { padding: 3px 10px; text-align: left;
  border-bottom: 1px solid #e5e7eb; }
.derive-report th { font-size: 0.85em; color: #6b7280; }
.derive-report .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.derive-report .correct { color: #15803d; } .derive-report .wrong { color: #b91c1c; }
.derive-report .carried { color: #b45309; } .derive-report .summary { margin: 8px 0 2px; }
"""


def summary(report: GradeReport) -> str:
    """Who, which file, the points and the verdicts (or why the file could not be read)."""
    who = f"{report.student} ({report.source})"
    points = f"{_number(report.score)}/{_number(report.max_score)} points"
    if report.error:
        return f"{who}: {points}; cannot be read: {report.error}"
    return f"{who}: {points}; {marked(report)}"


def _number(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") if value == value else "nan"


def _cells(r: Result) -> tuple[str, ...]:
    return (
        display(r.quantity),
        r.given,
        r.expected,
        "" if r.hand == r.expected else r.hand,
        r.verdict,
        r.diagnosis,
    )


def render_html(reports: Sequence[GradeReport]) -> str:
    parts = [el("style", STYLE)]
    for report in reports:
        parts.append(el("p", el("strong", text(summary(report))), class_="summary"))
        rows = []
        for r in report.results:
            cells = _cells(r)
            shown = "".join(
                el("td", text(c), class_=_cell_class(i, r)) for i, c in enumerate(cells)
            )
            rows.append(el("tr", shown, data_quantity=r.quantity))
        if rows:
            parts.append(table(HEADERS, rows, numeric=("Given", "Expected", "Hand")))
    return el("div", *parts, class_="derive-report")


def _cell_class(index: int, r: Result) -> str | None:
    if index == 4:
        return r.verdict
    return "num" if index in (1, 2, 3) else None


def render_markdown(reports: Sequence[GradeReport]) -> str:
    out = []
    for report in reports:
        out.append(f"**{md_text(summary(report))}**\n")
        if report.results:
            out.append("| " + " | ".join(HEADERS) + " |")
            out.append("| :-- | --: | --: | --: | :-- | :-- |")
            out += ["| " + " | ".join(md_text(c) for c in _cells(r)) + " |" for r in report.results]
            out.append("")
    return "\n".join(out)


def render_latex(reports: Sequence[GradeReport]) -> str:
    """Tables in LaTeX text mode (``tabular``), every cell escaped for pdflatex."""
    out = []
    for report in reports:
        out.append(f"\\paragraph{{{latex_text(summary(report))}}}\n")
        if report.results:
            rows = [" & ".join(latex_text(c) for c in _cells(r)) + r" \\" for r in report.results]
            head = " & ".join(HEADERS) + r" \\ \hline"
            out.append("\\begin{tabular}{lrrrll}\n" + head + "\n" + "\n".join(rows))
            out.append("\\end{tabular}\n")
    return "\n".join(out)
