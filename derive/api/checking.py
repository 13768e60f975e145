"""``derive.check``: homework answers against a network, as ``derive check`` grades them, with
the report's JSON and Jupyter's display methods."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import PurePath
from typing import Any

from ..errors import InputError, OptionError
from ..grade.checker import Checker
from ..grade.result import GradeReport
from ..grade.rules import AnswerTolerance, PrecisionRule
from ..grade.sheet import Scoring, sheet_from
from ..render.safe import safe_text
from .sources import DICT, TEXT, Source, answers_of, network_of


class CheckReport:
    """The verdicts on each answers sheet, one ``GradeReport`` per sheet in ``reports``."""

    def __init__(self, reports: list[GradeReport], *, hide_expected: bool = False) -> None:
        if hide_expected:  # verdicts and hints without the right values
            reports = [
                replace(rep, results=tuple(replace(r, expected="", hand="") for r in rep.results))
                for rep in reports
            ]
        self.reports = reports

    @property
    def all_correct(self) -> bool:
        return bool(self.reports) and all(r.all_correct for r in self.reports)

    def to_json(self) -> str:
        from ..render.reports.check import render_json

        return render_json(self.reports)

    def to_csv(self) -> str:
        from ..render.reports.check import render_csv

        return render_csv(self.reports)

    def to_html(self) -> str:
        from ..render.html.report import render_html

        return render_html(self.reports)

    def to_markdown(self) -> str:
        from ..render.html.report import render_markdown

        return render_markdown(self.reports)

    def to_latex(self) -> str:
        from ..render.html.report import render_latex

        return render_latex(self.reports)

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_latex_(self) -> str:
        return self.to_latex()

    def __repr__(self) -> str:
        shown = "; ".join(_brief(r) for r in self.reports[:3])
        more = f"; … {len(self.reports) - 3} more" if len(self.reports) > 3 else ""
        return f"<derive.CheckReport {shown}{more}>"


def _brief(report: GradeReport) -> str:
    who = safe_text(report.student)[:40]
    if report.error:
        return f"{who}: cannot be read"
    wrong = sum(1 for r in report.results if r.verdict != "correct")
    return f"{who}: {report.score:g}/{report.max_score:g} points, {wrong} not correct"


def check(
    network: Source,
    *answers: Any,
    decimals: int | None = None,
    rtol: float | None = None,
    atol: float | None = None,
    require_decimals: int | None = None,
    sig_figs: int | None = None,
    sheet: Any = None,
    carried_credit: float = 1.0,
    hide_expected: bool = False,
) -> CheckReport:
    """Grade answers sheets (each a path, a dict or YAML text) against ``network`` with the
    rules of ``derive check`` (the keywords are its options; see docs/check.md)."""
    _check_options(decimals=decimals, rtol=rtol, atol=atol, carried_credit=carried_credit)
    questions = sheet_from(answers_of(sheet, 0)) if sheet is not None else None
    rule = PrecisionRule(require_decimals, sig_figs)
    if rule == PrecisionRule() and questions is not None:
        rule = questions.rule
    checker = Checker(
        network_of(network),
        decimals=decimals,
        tolerance=AnswerTolerance(rtol, atol),
        rule=rule,
        scoring=Scoring(questions, carried_credit),
    )
    return CheckReport(
        [_graded(checker, a, i) for i, a in enumerate(answers, start=1)],
        hide_expected=hide_expected,
    )


def _graded(checker: Checker, source: Any, index: int) -> GradeReport:
    """One sheet's report; a sheet that cannot be read is reported, not raised, so that the
    others are graded (as ``derive check`` does with files)."""
    try:
        sheet = answers_of(source, index)
    except InputError as exc:
        unread = checker.scoring.unread_max()
        name = exc.source if exc.source in (DICT, TEXT) else PurePath(exc.source).stem
        return GradeReport(exc.source, name, 0, (), error=str(exc), unread_max=unread)
    return checker.check(sheet)


def _check_options(
    *, decimals: int | None, rtol: float | None, atol: float | None, carried_credit: float
) -> None:
    """The options ``grade.checker.grade`` checks before it reads a file, checked alike."""
    if decimals is not None and not 0 <= decimals <= 15:
        raise OptionError("decimals", f"must be between 0 and 15, not {decimals}")
    for option, value in (("rtol", rtol), ("atol", atol)):
        if value is not None and not (value >= 0 and math.isfinite(value)):
            raise OptionError(option, f"must be a number ≥ 0, not {value}")
    if not 0 <= carried_credit <= 1:
        raise OptionError("carried_credit", f"must be between 0 and 1, not {carried_credit}")
