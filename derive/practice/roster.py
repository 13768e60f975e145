"""The class list: a CSV file with a ``student`` column (other columns, such as a name or an
e-mail, are ignored). Each id names the student's folder of the set and the ``student:`` of their
answers file, so it is kept to letters, digits, '.', '_' and '-' and is unique ignoring case (a
case-insensitive file system would put Ada and ada in one folder)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ..errors import InputError
from ..spec.files import read_text
from ..spec.reader import short

STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
ID_RULE = "an id of letters, digits, '.', '_' or '-' (at most 64, starting with a letter or digit)"
MAX_STUDENTS = 1000
MAX_ROSTER = 1024 * 1024
RESERVED = {"manifest.json"}  # the set's own file beside the students' folders
COLUMN = "student"


def check_id(student: str, *, source: str, line: int | None = None) -> str:
    """``student`` if it is a usable id; else InputError naming the file and the line."""
    if not STUDENT_ID.fullmatch(student) or student.lower() in RESERVED:
        raise InputError(source, COLUMN, f"expected {ID_RULE}, got {short(student)!r}", line=line)
    return student


def read_roster(path: str | Path) -> tuple[str, ...]:
    """The ids of the roster at ``path``, in its order; InputError (file, line, what was
    expected) for anything else."""
    source = str(path)
    text = read_text(Path(path), max_bytes=MAX_ROSTER)
    try:
        return _ids(text, source)
    except csv.Error as exc:
        raise InputError(source, "", f"expected a CSV file ({exc})") from None


def _ids(text: str, source: str) -> tuple[str, ...]:
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    columns = [cell.strip().lower() for cell in next(reader, None) or []]
    if COLUMN not in columns:
        got = ", ".join(repr(short(c)) for c in columns) or "nothing"
        raise InputError(
            source, "", f"expected a header row with a '{COLUMN}' column, got {got}", line=1
        )
    at, ids, first = columns.index(COLUMN), list[str](), dict[str, int]()
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        line = reader.line_num
        student = check_id(row[at].strip() if at < len(row) else "", source=source, line=line)
        if student.lower() in first:
            problem = f"{student!r} is listed twice (first on line {first[student.lower()]})"
            raise InputError(source, COLUMN, problem, line=line)
        first[student.lower()] = line
        ids.append(student)
        if len(ids) > MAX_STUDENTS:
            raise InputError(source, "", f"expected at most {MAX_STUDENTS} students", line=line)
    if not ids:
        raise InputError(source, "", "expected at least one student below the header row")
    return tuple(ids)
