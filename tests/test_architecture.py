"""Architecture rules for the ``derive`` package, checked with ``ast`` over every derive/*.py.

* no import cycles among derive modules at module level;
* only the CLI (derive/cli/, derive/__main__.py) prints, exits, imports typer or writes files, and
  only it and derive/render/tables.py use rich's ``Console``;
* derive/train/ never imports derive/derivation/;
* nothing but the CLI imports the CLI;
* each stage imports only its own layer or lower ones (``LAYERS``);
* ``derive --help`` and ``derive COMMAND --help`` load neither SymPy nor NumPy.

An import is found in ``import``/``from … import`` statements and in ``import_module(...)`` or
``__import__(...)`` calls with a literal name. In a module that calls ``import_module`` with a
computed name, a string constant that is exactly a derive module's name (``"derive.render.json"``
in a table of lazy imports) counts as a lazy import of that module.
"""

from __future__ import annotations

import ast
import itertools
import json
import subprocess
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "derive"

# A module may import from its own layer or a lower one (the first segment after ``derive.``).
LAYERS = {
    "errors": 0,
    "numbers": 1,
    "spec": 1,
    "functions": 1,
    "derivatives": 1,
    "derivation": 2,
    "train": 2,
    "grade": 3,
    "verify": 3,
    "render": 4,
    "api": 5,  # derive.explain/check/draw and the %%derive magic: above render, beside the CLI
    "practice": 5,  # practice sets: variants judged by grade/, solutions written by render/
    "cli": 5,
}

# The one module outside the CLI that may use rich's Console (renders to a StringIO).
CONSOLE_ALLOWED = "derive.render.tables"

# Functions whose literal mode is their second positional argument (else: ``path.open(mode)``).
OPEN_MODULES = {"io", "codecs", "gzip", "bz2", "lzma"}
MODE_CHARACTERS = set("rwxabt+U")
WRITE_MODES = set("wax+")

FALLBACK_COMMANDS = ["explain", "latex", "check", "template", "train", "verify"]


# --------------------------------------------------------------------------------------------
# reading the package


@dataclass(frozen=True)
class Module:
    name: str  # derive.render.tables
    path: str  # derive/render/tables.py
    is_package: bool
    tree: ast.Module

    @property
    def package(self) -> str:
        """The package a relative import in this file is resolved against."""
        return self.name if self.is_package else self.name.rpartition(".")[0]


@dataclass(frozen=True)
class Import:
    module: Module  # the importing module
    line: int
    statement: str  # source form, for messages
    target: str  # absolute name of the module named (may be outside derive)
    names: tuple[str, ...]  # names taken from it by ``from … import``; () otherwise
    lazy: bool  # inside a function or lambda (runs when called, not on import)
    type_checking: bool  # under ``if TYPE_CHECKING:`` (never runs)

    @property
    def where(self) -> str:
        return f"{self.module.path}:{self.line}"


def _module_name(path: Path) -> tuple[str, bool]:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


@cache
def modules() -> dict[str, Module]:
    found: dict[str, Module] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        name, is_package = _module_name(path)
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
        found[name] = Module(name, rel, is_package, tree)
    assert "derive" in found, f"no derive/__init__.py under {ROOT}"
    return found


def _resolve(anchor: str, name: str, level: int) -> str:
    """``level`` leading dots of ``name`` resolved against the package ``anchor``."""
    if level == 0:
        return name
    parts = anchor.split(".") if anchor else []
    if level - 1 > len(parts) or (level - 1 == len(parts) and not name):
        return "." * level + name  # beyond the top-level package: matches nothing
    base = parts[: len(parts) - (level - 1)]
    return ".".join([*base, name] if name else base)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _dynamic_name(call: ast.Call, module: Module) -> str | None:
    """The absolute name in ``import_module("x", pkg)`` / ``__import__("x")``, if literal."""
    func = call.func
    called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    if called not in {"import_module", "__import__"} or not call.args:
        return None
    first = call.args[0]
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return None
    name = first.value
    level = len(name) - len(name.lstrip("."))
    if level == 0 or called == "__import__":
        return name
    anchor_node = call.args[1] if len(call.args) > 1 else None
    if anchor_node is None:
        anchor_node = next((k.value for k in call.keywords if k.arg == "package"), None)
    if isinstance(anchor_node, ast.Name) and anchor_node.id == "__name__":
        anchor = module.name
    elif isinstance(anchor_node, ast.Name) and anchor_node.id == "__package__":
        anchor = module.package
    elif isinstance(anchor_node, ast.Constant) and isinstance(anchor_node.value, str):
        anchor = anchor_node.value
    else:
        return None
    return _resolve(anchor, name[level:], level)


def _computes_module_names(tree: ast.Module) -> bool:
    """Does the module call import_module/__import__ with a name that is not a literal?"""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            first = node.args[0]
            literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
            if called in {"import_module", "__import__"} and not literal:
                return True
    return False


def _imports_in(module: Module) -> Iterator[Import]:
    known = modules()
    table_imports = _computes_module_names(module.tree)

    def visit(node: ast.AST, lazy: bool, type_checking: bool) -> Iterator[Import]:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(
                    module, node.lineno, ast.unparse(node), alias.name, (), lazy, type_checking
                )
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module.package, node.module or "", node.level)
            names = tuple(alias.name for alias in node.names)
            yield Import(module, node.lineno, ast.unparse(node), target, names, lazy, type_checking)
        elif isinstance(node, ast.Call) and (name := _dynamic_name(node, module)) is not None:
            yield Import(module, node.lineno, ast.unparse(node), name, (), lazy, type_checking)
            for child in [node.func, *node.args[1:], *node.keywords]:  # not the name again
                yield from visit(child, lazy, type_checking)
            return
        elif (
            table_imports
            and isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value in known
            and node.value != module.name
        ):
            statement = f"{node.value!r} (a module name passed to import_module)"
            yield Import(module, node.lineno, statement, node.value, (), True, type_checking)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            lazy = True
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                yield from visit(child, lazy, True)
            for child in node.orelse:
                yield from visit(child, lazy, type_checking)
            return
        for child in ast.iter_child_nodes(node):
            yield from visit(child, lazy, type_checking)

    yield from visit(module.tree, False, False)


@cache
def all_imports() -> tuple[Import, ...]:
    return tuple(imp for module in modules().values() for imp in _imports_in(module))


def runs(imp: Import) -> list[str]:
    """The derive modules an import explicitly runs (package __init__s on the way are ignored).

    ``from p import x`` runs ``p.x`` when it is a submodule, else ``p`` (its ``__init__``);
    ``import a.b.c`` runs ``a.b.c`` (the longest prefix that is a derive module).
    """
    known = modules()
    if imp.names:
        out = [
            f"{imp.target}.{n}" if f"{imp.target}.{n}" in known else imp.target for n in imp.names
        ]
    else:
        parts = imp.target.split(".")
        prefixes = (".".join(parts[:i]) for i in range(len(parts), 0, -1))
        out = [next((p for p in prefixes if p in known), "")]
    return [m for m in dict.fromkeys(out) if m in known]


@cache
def reexports(package: str) -> dict[str, str]:
    """Names a package's __init__ takes from its modules (eagerly, lazily or for type checkers)."""
    found: dict[str, str] = {}
    for imp in all_imports():
        if imp.module.name == package and imp.names:
            for name in imp.names:
                if f"{imp.target}.{name}" not in modules() and imp.target in modules():
                    found[name] = imp.target
    return found


def uses(imp: Import) -> list[str]:
    """``runs`` plus, for ``from derive import derive``, the module the name comes from."""
    out = runs(imp)
    for name in imp.names:
        source = reexports(imp.target).get(name) if imp.target in modules() else None
        if source is not None and source != imp.module.name:
            out.append(source)
    return list(dict.fromkeys(out))


def is_cli(module: str) -> bool:
    return module in {"derive.cli", "derive.__main__"} or module.startswith("derive.cli.")


def _under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _report(problems: list[str], rule: str) -> str:
    return f"{len(problems)} violation(s) of: {rule}\n" + "\n".join(problems)


# --------------------------------------------------------------------------------------------
# a. no import cycles


def _module_level_graph() -> dict[str, dict[str, Import]]:
    graph: dict[str, dict[str, Import]] = {name: {} for name in modules()}
    for imp in all_imports():
        if imp.lazy or imp.type_checking:
            continue
        for target in runs(imp):
            if target != imp.module.name:
                graph[imp.module.name].setdefault(target, imp)
    return graph


def _strongly_connected(graph: dict[str, dict[str, Import]]) -> list[list[str]]:
    """Tarjan's algorithm; components of more than one module, each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return sorted(components)


def _shortest_cycle(graph: dict[str, dict[str, Import]], start: str, within: set[str]) -> list[str]:
    parent: dict[str, str] = {}
    queue = deque([start])
    while queue:
        v = queue.popleft()
        for w in sorted(graph[v]):
            if w not in within:
                continue
            if w == start:
                path = [v]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return [*reversed(path), start]
            if w not in parent:
                parent[w] = v
                queue.append(w)
    return [start]  # pragma: no cover (a component always has a cycle through each member)


def test_no_module_level_import_cycles() -> None:
    """Module-level imports (not in functions, not under TYPE_CHECKING) form no cycle."""
    graph = _module_level_graph()
    problems = []
    for component in _strongly_connected(graph):
        cycle = _shortest_cycle(graph, component[0], set(component))
        lines = [
            f"  {graph[a][b].where}: {graph[a][b].statement}" for a, b in itertools.pairwise(cycle)
        ]
        problems.append(
            f"import cycle {cycle} (modules in the cycle's component: {component})\n"
            + "\n".join(lines)
        )
    assert not problems, _report(problems, "no import cycles among derive modules")


# --------------------------------------------------------------------------------------------
# b. only the CLI prints, exits, uses typer, writes files (and Console only in render/tables.py)


def _non_cli_modules() -> list[Module]:
    return [m for m in modules().values() if not is_cli(m.name)]


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and (base := _dotted(node.value)) is not None:
        return f"{base}.{node.attr}"
    return None


def test_only_the_cli_prints_or_exits() -> None:
    """No print(), sys.exit(), exit(), quit(), os._exit() or raise SystemExit outside the CLI."""
    problems = []
    for module in _non_cli_modules():
        for node in ast.walk(module.tree):
            what = None
            if isinstance(node, ast.Call):
                name = _dotted(node.func)
                if name in {"print", "exit", "quit", "sys.exit", "os._exit"}:
                    what = f"calls {name}()"
            elif isinstance(node, ast.Raise) and node.exc is not None:
                exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                if _dotted(exc) in {"SystemExit", "builtins.SystemExit"}:
                    what = "raises SystemExit"
            if what is not None:
                line = getattr(node, "lineno", 0)
                problems.append(f"{module.path}:{line}: {module.name} {what}")
    assert not problems, _report(problems, "only derive/cli/ prints or exits")


def test_only_the_cli_imports_typer() -> None:
    """typer is imported (in any form, anywhere in a module) only by the CLI."""
    problems = [
        f"{imp.where}: {imp.module.name} imports typer: {imp.statement}"
        for imp in all_imports()
        if not is_cli(imp.module.name) and _under(imp.target, "typer")
    ]
    assert not problems, _report(problems, "only derive/cli/ imports typer")


def test_console_only_in_the_cli_and_render_tables() -> None:
    """rich.console.Console is used outside the CLI only by derive/render/tables.py."""
    problems = []
    for module in _non_cli_modules():
        if module.name == CONSOLE_ALLOWED:
            continue
        aliases = set()  # names bound to the rich.console module itself
        for imp in _imports_in(module):
            if imp.target == "rich.console" and ({"Console", "*"} & set(imp.names)):
                problems.append(f"{imp.where}: {module.name} imports Console: {imp.statement}")
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == "rich.console":
                        aliases.add(alias.asname or "rich.console")
            elif isinstance(node, ast.ImportFrom) and node.module == "rich":
                aliases.update(a.asname or a.name for a in node.names if a.name == "console")
        for node in ast.walk(module.tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "Console"
                and _dotted(node.value) in aliases
            ):
                problems.append(f"{module.path}:{node.lineno}: {module.name} uses {_dotted(node)}")
    assert not problems, _report(
        problems, f"only derive/cli/ and {CONSOLE_ALLOWED} use rich.console.Console"
    )


def _literal_mode(call: ast.Call) -> str | None:
    """The literal mode of an open() call, when it has one."""
    func = call.func
    if isinstance(func, ast.Name) and func.id == "open":
        position = 1
    elif isinstance(func, ast.Attribute) and func.attr == "open":
        module = _dotted(func.value)
        if module == "os":
            return None  # os.open takes flags, not a mode
        position = 1 if module in OPEN_MODULES else 0  # path.open(mode)
    else:
        return None
    nodes = [k.value for k in call.keywords if k.arg == "mode"]
    if len(call.args) > position:
        nodes.append(call.args[position])
    for node in nodes:
        value = node.value if isinstance(node, ast.Constant) else None
        if isinstance(value, str) and value and set(value) <= MODE_CHARACTERS:
            return value
    return None


def test_only_the_cli_writes_files() -> None:
    """No .write_text(), .write_bytes() or open() for writing ('w', 'a', 'x', '+') outside CLI."""
    problems = []
    for module in _non_cli_modules():
        for node in ast.walk(module.tree):
            if not isinstance(node, ast.Call):
                continue
            what = None
            if isinstance(node.func, ast.Attribute) and node.func.attr in {
                "write_text",
                "write_bytes",
            }:
                what = f"calls .{node.func.attr}()"
            elif (mode := _literal_mode(node)) is not None and WRITE_MODES & set(mode):
                what = f"opens a file for writing (mode {mode!r})"
            if what is not None:
                problems.append(
                    f"{module.path}:{node.lineno}: {module.name} {what}: {ast.unparse(node)}"
                )
    assert not problems, _report(problems, "only derive/cli/ writes files")


# --------------------------------------------------------------------------------------------
# c, d. train does not import derivation; nothing but the CLI imports the CLI


def _imports_of(importers: str, imported: str) -> list[str]:
    return [
        f"{imp.where}: {imp.module.name} imports {target}"
        f"{' (under TYPE_CHECKING)' if imp.type_checking else ''}: {imp.statement}"
        for imp in all_imports()
        if _under(imp.module.name, importers)
        for target in uses(imp)
        if _under(target, imported)
    ]


def test_train_does_not_import_derivation() -> None:
    """derive/train/ imports nothing under derive/derivation/ (in functions, TYPE_CHECKING too)."""
    problems = _imports_of("derive.train", "derive.derivation")
    assert not problems, _report(problems, "derive/train/ never imports derive/derivation/")


def test_render_does_not_import_cli() -> None:
    """derive/render/ imports nothing under derive/cli/."""
    problems = _imports_of("derive.render", "derive.cli")
    assert not problems, _report(problems, "derive/render/ never imports derive/cli/")


def test_only_the_cli_imports_the_cli() -> None:
    """Only derive/cli/ and derive/__main__.py import derive/cli/."""
    problems = [
        f"{imp.where}: {imp.module.name} imports {target}"
        f"{' (under TYPE_CHECKING)' if imp.type_checking else ''}: {imp.statement}"
        for imp in all_imports()
        if not is_cli(imp.module.name)
        for target in uses(imp)
        if _under(target, "derive.cli")
    ]
    assert not problems, _report(problems, "only derive/cli/ and derive/__main__.py import cli")


# --------------------------------------------------------------------------------------------
# e. layers


def _layer(module: str) -> str | None:
    """The layer a derive module belongs to: derive.X… → X, derive.__main__ → cli."""
    if module == "derive":
        return None
    segment = module.split(".")[1]
    return "cli" if segment == "__main__" else segment


def test_layers() -> None:
    """A module imports only its own layer or lower ones (lazy imports count; TYPE_CHECKING not).

    derive/__init__.py is exempt, both as importer and as imported module, except that a name it
    re-exports (``from derive import derive``) counts as an import of the module defining it.
    """
    problems = []
    unknown = {
        layer for name in modules() if (layer := _layer(name)) is not None and layer not in LAYERS
    }
    problems += [f"derive/{layer}: no layer for {layer!r}; add it to LAYERS" for layer in unknown]
    for imp in all_imports():
        mine = _layer(imp.module.name)
        if imp.type_checking or mine is None or mine not in LAYERS:
            continue
        for target in uses(imp):
            theirs = _layer(target)
            if theirs is None or theirs not in LAYERS or LAYERS[theirs] <= LAYERS[mine]:
                continue
            problems.append(
                f"{imp.where}: {imp.module.name} (layer {mine}={LAYERS[mine]}) imports {target} "
                f"(layer {theirs}={LAYERS[theirs]}){' lazily' if imp.lazy else ''}: "
                f"{imp.statement}"
            )
    assert not problems, _report(problems, f"imports go only down the layers {LAYERS}")


# --------------------------------------------------------------------------------------------
# f. lazy start-up


def _commands() -> list[str]:
    """The CLI's command names, asked of a child process (the test process may have SymPy)."""
    code = (
        "import typer.main\nfrom derive.cli import app\n"
        "print(' '.join(sorted(typer.main.get_command(app).commands)))"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        names = done.stdout.split()
    except (OSError, subprocess.SubprocessError):
        return FALLBACK_COMMANDS
    return names or FALLBACK_COMMANDS


# Runs `derive ARGS`, then prints, as JSON on the last line, which of SymPy and NumPy were
# imported and from where (the derive frames on the stack at their first import).
STARTUP_CHILD = """
import json, sys, traceback

PACKAGE = sys.argv[1]
ROOT = PACKAGE.rpartition("/")[0]
HEAVY = ("sympy", "numpy")
first = {}


class Spy:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name in HEAVY and name not in first:
            first[name] = [
                f"{f.filename[len(ROOT) + 1:]}:{f.lineno}"
                for f in traceback.extract_stack()[:-1]
                if f.filename.startswith(PACKAGE + "/")
            ]
        return None


sys.meta_path.insert(0, Spy)
from derive.cli import app

try:
    app(sys.argv[2:], prog_name="derive", standalone_mode=False)
except SystemExit:
    pass
loaded = {name: first.get(name, []) for name in HEAVY if name in sys.modules}
print("\\n" + json.dumps(loaded))
"""

ARGUMENTS = [["--help"], *([name, "--help"] for name in _commands())]


@pytest.mark.parametrize("args", ARGUMENTS, ids=" ".join)
def test_help_loads_neither_sympy_nor_numpy(args: list[str]) -> None:
    """`derive --help` and `derive COMMAND --help` must not import sympy or numpy."""
    done = subprocess.run(
        [sys.executable, "-c", STARTUP_CHILD, PACKAGE.as_posix(), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    shown = f"derive {' '.join(args)}"
    assert done.returncode == 0, f"{shown} failed:\n{done.stdout}\n{done.stderr}"
    loaded: dict[str, list[str]] = json.loads(done.stdout.strip().splitlines()[-1])
    problems = [
        f"{shown} imported {name}, first from "
        + (" <- ".join(reversed(stack)) if stack else "outside derive/")
        for name, stack in loaded.items()
    ]
    assert not problems, _report(problems, "start-up for --help loads neither sympy nor numpy")
