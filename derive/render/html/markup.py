"""Writing HTML: elements from already-safe children, and user text escaped on the way in."""

from __future__ import annotations

import json
from collections.abc import Iterable
from html import escape

from ..safe import safe_text


def text(value: str) -> str:
    """User text (a title, a file name) as HTML text: control characters shown (render.safe),
    then &, <, >, " and ' escaped, so no text can open a tag or end an attribute."""
    return escape(safe_text(value), quote=True)


def el(tag: str, *children: str, **attributes: str | None) -> str:
    """``<tag attributes>children</tag>``; children are HTML already, attribute values are
    made safe here as ``text`` (``class_`` → class, ``data_uses`` → data-uses; None: left out)."""
    shown = "".join(
        f' {key.rstrip("_").replace("_", "-")}="{text(value)}"'
        for key, value in attributes.items()
        if value is not None
    )
    return f"<{tag}{shown}>{''.join(children)}</{tag}>"


def names_attribute(names: Iterable[str]) -> str:
    """Quantity names for a data- attribute, as a JSON list (names may hold any character a
    file allows; the script reads them with JSON.parse)."""
    return json.dumps(sorted(names), ensure_ascii=True)


def table(
    headers: tuple[str, ...],
    rows: Iterable[str],
    *,
    numeric: tuple[str, ...] = (),
    kind: str | None = None,
) -> str:
    """A house table (headers are the renderer's own words); ``numeric`` columns align right;
    ``kind`` is the table's class."""
    head = "".join(el("th", text(h), class_="num" if h in numeric else None) for h in headers)
    body = "".join(rows)
    shown = el("table", el("thead", el("tr", head)), el("tbody", body), class_=kind)
    return el("div", shown, class_="scroll")
