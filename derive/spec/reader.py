"""Reading YAML safely, and reporting a bad value as one line: file, place, line number.

Shared by every YAML file derive reads (networks, answers). Anchors, aliases and keys written
twice are refused; reading the file itself, bounded and regular only, is files.py.
"""

from __future__ import annotations

import difflib
import math
import re
import sys
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import yaml

from ..errors import InputError
from ..numbers.written import Written, written
from .network import Entry

Choice = TypeVar("Choice", bound=str)
SYMBOL_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}(\(L(-[1-9][0-9]?)?\))?")  # w, w1, w(L-1)
RESERVED = frozenset({"nan", "inf", "infinity", "exp", "log", "sigma", "tanh", "eta", "C"})
Place = tuple[str | int, ...]
FLOAT_MAX = int(sys.float_info.max)


class _SafeNoAliasLoader(yaml.SafeLoader):
    """safe_load without anchors/aliases: a network file never needs them, and they allow
    exponential "billion laughs" documents."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(
                "", None, "YAML aliases (*name) are not allowed", event.start_mark
            )
        return super().compose_node(parent, index)


class _DuplicateKey(yaml.MarkedYAMLError):
    def __init__(self, key: Any, mark: Any) -> None:
        super().__init__("", None, f"key {short(key)!r} given twice", mark)


class _NetworkLoader(_SafeNoAliasLoader):
    """Network files: a key given twice is an error (YAML keeps the last silently), and 1e-3 is
    a number (YAML 1.1 wants 1.0e-3; people write 1e-3)."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        mapping = super().construct_mapping(node, deep=deep)
        if len(mapping) < len(node.value):  # node.value holds every pair, repeats included
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    raise _DuplicateKey(key, key_node.start_mark)
                seen.add(key)
        return mapping

    def construct_yaml_float(self, node: Any) -> Any:
        """The float, with the decimal the file wrote kept beside it (see numbers/written.py)."""
        return written(super().construct_yaml_float(node), node.value)


_NetworkLoader.add_constructor("tag:yaml.org,2002:float", _NetworkLoader.construct_yaml_float)
_NetworkLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)


def place_of(path: Place) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def line_of(text: str, path: Place) -> int | None:
    """The 1-based line of the YAML node at ``path``, found by composing the document again."""
    try:
        node = yaml.compose(text, Loader=_SafeNoAliasLoader)
    except (yaml.YAMLError, RecursionError):
        return None
    line = None
    for part in path:
        if node is None:
            break
        line = node.start_mark.line + 1
        node = _child(node, part)
    return node.start_mark.line + 1 if node is not None else line


def _child(node: Any, part: str | int) -> Any:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        return next((v for k, v in node.value if getattr(k, "value", None) == part), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]
    return None


class Reader:
    """Walks the parsed data once; every check raises InputError with the place and its line."""

    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self.text = text

    def fail(self, path: Place, expected: str) -> InputError:
        return InputError(self.source, place_of(path), expected, line=line_of(self.text, path))

    def mapping(
        self, data: Any, path: Place, *, allowed: Sequence[str], required: Sequence[str] = ()
    ) -> Mapping[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(path, f"expected a mapping with keys {', '.join(allowed)}")
        for key in data:
            if key not in allowed:
                near = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f" (did you mean '{near[0]}'?)" if near else ""
                raise self.fail(
                    (*path, str(key)),
                    f"unknown key '{key}'{hint}; expected one of " + ", ".join(allowed),
                )
        for key in required:
            if key not in data:
                raise self.fail(path, f"missing required key '{key}'")
        return data

    def sequence(self, data: Any, path: Place, *, length: int | None, what: str) -> list[Any]:
        if not isinstance(data, list):
            raise self.fail(path, f"expected a list of {what}")
        if length is not None and len(data) != length:
            raise self.fail(path, f"expected {length} {what}, got {len(data)}")
        return data

    def number(self, data: Any, path: Place, *, symbol_ok: bool = True) -> Entry:
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            raise self.fail(path, "expected a number" + (" or a symbol name" if symbol_ok else ""))
        if isinstance(data, str):
            reserved = data in RESERVED or data.lower() in RESERVED
            if symbol_ok and SYMBOL_NAME.fullmatch(data) and not reserved:
                return data
            raise self.fail(path, f"expected a number, got {short(data)!r}")
        if isinstance(data, int) and abs(data) > FLOAT_MAX:
            raise self.fail(path, f"a {len(str(abs(data)))}-digit number is past the float range")
        if not math.isfinite(data):
            raise self.fail(path, f"expected a finite number, got {data}")
        if isinstance(data, int):
            return Written(str(data))  # a 20-digit integer, exact where it matters
        return data if isinstance(data, Written) else float(data)

    def real(self, data: Any, path: Place) -> float:
        """A number that may not be a symbol (values:, slope:), as the file wrote it."""
        number = self.number(data, path, symbol_ok=False)
        assert isinstance(number, float)  # number() returns a str only where symbols are ok
        return number

    def integer(self, data: Any, path: Place, *, minimum: int) -> int:
        if isinstance(data, bool) or not isinstance(data, int) or data < minimum:
            raise self.fail(path, f"expected a whole number ≥ {minimum}, got {short(data)!r}")
        return data

    def name(self, data: Any, path: Place, *, choices: Sequence[Choice], what: str) -> Choice:
        """One of ``choices`` (typed as they are: a Literal stays a Literal)."""
        if not isinstance(data, str) or data not in choices:
            near = difflib.get_close_matches(str(data), choices, n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            raise self.fail(
                path, f"unknown {what} {short(data)!r}{hint}; expected one of {', '.join(choices)}"
            )
        return choices[choices.index(data)]


def short(value: Any) -> Any:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


# each kind of file, and the top-level keys only it has
KIND_KEYS = {"a network file": ("layers",), "an answers file": ("answers", "student")}


def expect_kind(keys: Collection[Any], expected: str, *, source: str) -> None:
    """Refuse in one line a file of the other kind (``expected`` is a key of KIND_KEYS): an
    answers file given for a network, or the two swapped in ``derive check``."""
    if any(k in keys for k in KIND_KEYS[expected]):
        return
    for kind, marks in KIND_KEYS.items():
        found = [k for k in marks if k in keys]
        if kind != expected and found:
            raise InputError(
                source,
                "",
                f"this is {kind} (it has {found[0]}:), not {expected}; "
                "derive check takes the network file first, then the answers files",
            )


def parse_yaml(text: str, source: str) -> Any:
    """A network file's document as Python values (safe types only, no aliases, no key twice)."""
    with _yaml_errors(source):
        return yaml.load(text, Loader=_NetworkLoader)


def compose_yaml(text: str, source: str) -> Any:
    """The document as YAML nodes, which keep their line numbers (answers files)."""
    with _yaml_errors(source):
        return _compose_nodes(text)


@contextmanager
def _yaml_errors(source: str) -> Iterator[None]:
    """Any YAML error becomes one InputError naming the file and, where known, the line."""
    try:
        yield
    except _DuplicateKey as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
        raise InputError(source, "", str(exc.problem), line=line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError(source, "", f"not valid YAML: {exc.problem}", line=line) from None
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(source, "", f"not valid YAML: {first}") from None
    except RecursionError:
        raise InputError(source, "", "not valid YAML: nested too deeply") from None


def _compose_nodes(text: str) -> Any:
    """The YAML node tree, by libyaml where present (a checker reads thousands of files).

    libyaml cannot refuse aliases while composing; an alias is a node met twice, found by one
    walk over the tree that stops at the first repeat, before anything is expanded."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        return yaml.compose(text, Loader=_SafeNoAliasLoader)
    root = yaml.compose(text, Loader=loader)
    seen: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise yaml.MarkedYAMLError(
                "", None, "YAML aliases (*name) are not allowed", node.start_mark
            )
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(child for pair in node.value for child in pair)
    return root
