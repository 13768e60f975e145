"""User text made safe to show: what a student, a network file or a file name wrote never acts on
the reader's terminal, spreadsheet or YAML parser.

A control character is shown, not removed, so that a TA sees that something was there:

- C0 controls and DEL become their Unicode control pictures, one column wide: ESC ``␛``,
  newline ``␊``, carriage return ``␍``, backspace ``␈``, NUL ``␀``, DEL ``␡``. Tab is kept.
- A C1 control (U+0080–U+009F) becomes its 7-bit equivalent, ESC and a letter (ECMA-48): the
  one-byte CSI U+009B is shown as ``␛[``, NEL U+0085 as ``␛E``.
- The Unicode line and paragraph separators (line breaks to YAML) become ``␤``; a lone surrogate
  (an undecodable byte of a file name) and the non-characters U+FFFE, U+FFFF become ``�``.

No stand-in is a control character, a line break or a character YAML refuses. Renderers still
put user text in rich ``Text`` (never markup), since ``␛[bold]`` would read as a tag.
"""

from __future__ import annotations

import re

_PICTURES: dict[int, str] = {c: chr(0x2400 + c) for c in range(0x20) if c != 0x09}
_PICTURES[0x7F] = "\u2421"
_PICTURES.update({c: "\u241b" + chr(c - 0x40) for c in range(0x80, 0xA0)})
_PICTURES.update({0x2028: "\u2424", 0x2029: "\u2424", 0xFFFE: "\ufffd", 0xFFFF: "\ufffd"})
_PICTURES.update({c: "\ufffd" for c in range(0xD800, 0xE000)})

_LAYOUT = {c: p for c, p in _PICTURES.items() if c != 0x0A}
_LINE_BREAK = re.compile(r"\s*[\r\n]\s*")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """User text for one cell or one line: every control character shown (tab kept)."""
    # every character the table maps is one Python calls unprintable: a quick scan first
    return text if text.isprintable() else text.translate(_PICTURES)


def safe_output(text: str) -> str:
    """A renderer's own text: as ``safe_text``, but its newlines, which lay the text out, kept."""
    return text if text.isprintable() else text.translate(_LAYOUT)


def one_line(text: str) -> str:
    """A message on one line: each line break (and the spaces around it) becomes ' / '."""
    return safe_text(_LINE_BREAK.sub(" / ", text.strip()))


def csv_cell(text: str) -> str:
    """A CSV cell a spreadsheet never runs as a formula (OWASP's CSV injection advice): text that
    starts with = + - @, tab or CR gets a leading single quote; a plain number stays a number."""
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + safe_text(text)
    return safe_text(text)
