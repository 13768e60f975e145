"""Grading a set: each answers file against its own student's network and sheet.

A file is matched to its student by the ``student:`` id it gives, or else by its file name
(``ada.yaml`` is ada's); the set's manifest says where each student's network and sheet are. Each
student's files are graded by the checker with the sheet's points and digit rule, exactly as
``derive check NETWORK ANSWERS --sheet SHEET`` grades them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import InputError
from ..grade.answers import load_answers
from ..grade.checker import GradeReport, grade
from ..grade.rules import PrecisionRule
from ..spec.files import read_text
from ..spec.limits import DERIVE, Limits
from ..spec.reader import short
from .bundle import MANIFEST

MAX_MANIFEST = 16 * 1024 * 1024
LISTED = 8  # ids named when an answers file matches none


@dataclass(frozen=True)
class Member:
    network: Path
    sheet: Path


def read_set(directory: str | Path) -> dict[str, Member]:
    """student → their network and sheet, from the manifest ``derive practice`` wrote."""
    folder = Path(directory)
    path = folder / MANIFEST
    source = str(path)
    if not folder.is_dir():
        raise InputError(str(folder), "", "expected the folder derive practice wrote")
    try:
        doc = json.loads(read_text(path, max_bytes=MAX_MANIFEST))
    except json.JSONDecodeError as exc:
        raise InputError(source, "", f"expected JSON ({exc.msg})", line=exc.lineno) from None
    students = doc.get("students") if isinstance(doc, dict) else None
    if not isinstance(students, dict) or not students:
        raise InputError(source, "students", "expected a mapping of student ids to their files")
    return {
        str(student): _member(folder, source, str(student), entry)
        for student, entry in students.items()
    }


def _member(folder: Path, source: str, student: str, entry: Any) -> Member:
    files = entry.get("files") if isinstance(entry, dict) else None
    places = []
    for kind in ("network", "sheet"):
        place = f"students.{student}.files.{kind}"
        relative = files.get(kind) if isinstance(files, dict) else None
        if not isinstance(relative, str):
            raise InputError(source, place, "expected the path of a file in the set")
        parts = PurePosixPath(relative).parts
        if PurePosixPath(relative).is_absolute() or ".." in parts or not parts:
            raise InputError(
                source, place, f"expected a path inside the set's folder, got {short(relative)!r}"
            )
        places.append(folder.joinpath(*parts))
    return Member(*places)


def grade_set(
    directory: str | Path,
    answers: Sequence[str | Path],
    *,
    decimals: int | None = None,
    rtol: float | None = None,
    atol: float | None = None,
    rule: PrecisionRule | None = None,
    carried_credit: float = 1.0,
    limits: Limits = DERIVE,
) -> list[GradeReport]:
    """One report per answers file, in their order; a file whose student is not in the set is
    reported with its error (and scores 0), and the others are graded."""
    members = read_set(directory)
    by_student: dict[str, list[int]] = {}
    reports: list[GradeReport | None] = [None] * len(answers)
    for index, path in enumerate(answers):
        student = _student_of(Path(path), members)
        if student is None:
            reports[index] = _stranger(Path(path), members)
        else:
            by_student.setdefault(student, []).append(index)
    for student, indices in by_student.items():
        member = members[student]
        graded = grade(
            member.network,
            [answers[i] for i in indices],
            decimals=decimals,
            rtol=rtol,
            atol=atol,
            rule=rule,
            sheet=member.sheet,
            carried_credit=carried_credit,
            limits=limits,
        )
        for i, report in zip(indices, graded, strict=True):
            reports[i] = report
    return [r for r in reports if r is not None]


def _student_of(path: Path, members: dict[str, Member]) -> str | None:
    """The ``student:`` the file gives, if it is in the set; else its file name's, if that is."""
    try:
        named: str | None = load_answers(path).student
    except InputError:  # unreadable: the checker reports why, under the file name's student
        named = None
    for candidate in (named, path.stem):
        if candidate in members:
            return candidate
    return None


def _stranger(path: Path, members: dict[str, Member]) -> GradeReport:
    try:
        student = load_answers(path).student
    except InputError:
        student = path.stem
    ids = sorted(members)
    listed = ", ".join(ids[:LISTED]) + (", …" if len(ids) > LISTED else "")
    also = f" (nor {path.stem!r})" if path.stem != student else ""
    why = f"no student {student!r} in this set{also}; the set has {listed}"
    return GradeReport(str(path), student, 0, (), error=why)
