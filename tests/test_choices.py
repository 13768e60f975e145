"""The CLI's choices are the core's: each typer enum lists exactly the values its Literal allows."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, get_args

import pytest

from derive.cli.app import Carry as CliCarry
from derive.cli.check import ReportFormat as CliReportFormat
from derive.cli.explain import Format as CliFormat
from derive.cli.explain import View as CliView
from derive.cli.train import Dtype as CliDtype
from derive.numbers.arithmetic import Carry
from derive.render.explain import EXPLAINERS, ExplainFormat, View
from derive.render.reports.check import REPORTS, ReportFormat
from derive.train.model import Dtype


@pytest.mark.parametrize(
    ("cli", "core"),
    [
        (CliCarry, Carry),
        (CliFormat, ExplainFormat),
        (CliView, View),
        (CliReportFormat, ReportFormat),
        (CliDtype, Dtype),
    ],
)
def test_cli_enum_matches_core_literal(cli: type[StrEnum], core: Any) -> None:
    assert {member.value for member in cli} == set(get_args(core))


def test_every_format_has_a_renderer() -> None:
    assert set(EXPLAINERS) == set(get_args(ExplainFormat))
    assert set(REPORTS) == set(get_args(ReportFormat))
