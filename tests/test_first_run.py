"""A first run as a user has it: derive built into a wheel and installed into a fresh virtual
environment outside the source tree, the shipped examples copied out and explained, a new
network file written, explained and verified. Then ``derive new`` and ``derive examples`` in
process, with their one-line refusals.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from derive.cli import app
from derive.functions import ACTIVATIONS, COSTS
from derive.spec.load import load_network

from .conftest import CASES, ROOT

runner = CliRunner()
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]


# --------------------------------------------------------------------------------------------
# the wheel, installed outside the source tree


@dataclass(frozen=True)
class Installed:
    wheel: Path
    bin: Path  # the fresh environment's scripts
    work: Path  # an empty folder outside the source tree

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DERIVE_DEBUG")}
        return subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            cwd=self.work,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def _pip(*args: str, cwd: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"pip {' '.join(args)}:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """Built from a copy of the sources (a build in place would leave build/ and *.egg-info in
    the tree); the environment sees the system's packages, so SymPy, NumPy, rich and typer are
    not downloaded again, but derive is only the wheel's."""
    base = tmp_path_factory.mktemp("first-run")
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info", ".*")
    for folder in ("derive", "cases"):
        shutil.copytree(ROOT / folder, source / folder, ignore=skip)
    _pip("wheel", str(source), "-w", str(base / "wheels"), "--no-deps", "-q", cwd=base)
    wheel = next((base / "wheels").glob("*.whl"))
    venv = base / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)],
        check=True,
        timeout=120,
    )
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    _pip("--python", str(python), "install", "--no-deps", "-q", str(wheel), cwd=base)
    work = base / "work"
    work.mkdir()
    return Installed(wheel, python.parent, work)


@pytest.mark.slow
def test_the_wheel_holds_every_module_and_every_example(installed: Installed) -> None:
    inside = set(zipfile.ZipFile(installed.wheel).namelist())
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "derive").rglob("*.py")}
    examples = {f"derive/cases/{p.name}" for p in CASES.iterdir() if p.is_file()}
    assert modules - inside == set()
    assert examples - inside == set()
    assert installed.wheel.name.startswith("derive_backprop-")


@pytest.mark.slow
def test_installed_derive_is_the_wheel_not_the_source_tree(installed: Installed) -> None:
    done = installed.run("python", "-c", "import derive; print(derive.__file__)")
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).is_relative_to(installed.bin.parent), done.stdout


@pytest.mark.slow
def test_first_run_with_a_shipped_example(installed: Installed) -> None:
    listed = installed.run("derive", "examples")
    assert listed.returncode == 0, listed.stderr
    assert "blog-2-3-1 " in listed.stdout and "2-3-1 sigmoid network" in listed.stdout
    copied = installed.run("derive", "examples", "blog-2-3-1")
    assert copied.returncode == 0, copied.stderr
    assert "wrote blog-2-3-1.yaml" in copied.stdout
    explained = installed.run("derive", "explain", "blog-2-3-1.yaml")
    assert explained.returncode == 0, explained.stderr
    assert "∂C/∂w6" in explained.stdout and "-0.0597" in explained.stdout


@pytest.mark.slow
def test_the_digit_example_brings_its_drawing(installed: Installed) -> None:
    copied = installed.run("derive", "examples", "3b1b-784-16-16-10", "-o", "digit")
    assert copied.returncode == 0, copied.stderr
    assert (installed.work / "digit" / "digit-2.npy").is_file()
    only = installed.run("derive", "explain", "digit/3b1b-784-16-16-10.yaml", "--only", "dC/db4_1")
    assert only.returncode == 0, only.stderr


@pytest.mark.slow
def test_first_run_with_a_new_network(installed: Installed) -> None:
    made = installed.run("derive", "new", "net.yaml", "--shape", "2-3-1")
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines()[0] == "wrote net.yaml"
    explained = installed.run("derive", "explain", "net.yaml")
    assert explained.returncode == 0, explained.stderr
    assert "2-3-1 sigmoid network" in explained.stdout
    verified = installed.run("derive", "verify", "net.yaml")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "All gradients agree (13 parameters)" in verified.stdout


# --------------------------------------------------------------------------------------------
# the package list in pyproject.toml


def test_pyproject_lists_every_package_and_ships_every_example() -> None:
    found = {
        ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "derive").rglob("__init__.py")
    }
    listed = set(SETUPTOOLS["packages"])
    missing, extra = sorted(found - listed), sorted(listed - found - {"derive.cases"})
    assert not missing, f"add {missing} to [tool.setuptools] packages in pyproject.toml"
    assert not extra, f"remove {extra} from [tool.setuptools] packages in pyproject.toml"
    assert "derive.cases" in listed
    assert SETUPTOOLS["package-dir"] == {"derive.cases": "cases"}
    patterns = SETUPTOOLS["package-data"]["derive.cases"]
    for path in CASES.iterdir():
        assert any(fnmatch.fnmatch(path.name, p) for p in patterns), f"{path.name} not shipped"
    assert PYPROJECT["project"]["name"] == "derive-backprop"


# --------------------------------------------------------------------------------------------
# derive new


NEW = [
    ("2-3-1", "sigmoid", "half_squared_error", "flat"),
    ("3-4-2", "tanh", "mse", "layered"),
    ("1-1-1", "sigmoid", "squared_error", "chain"),
    ("2-2-3", "relu", "cross_entropy", "flat"),
    ("2-2-1", "leaky_relu", "binary_cross_entropy", "layered"),
    ("2-1", "linear", "half_squared_error", "flat"),
    ("12-3-2-2", "sigmoid", "squared_error", "layered"),
    ("1-1-1-1", "tanh", "binary_cross_entropy", "chain"),
]


@pytest.mark.parametrize(("shape", "activation", "cost", "notation"), NEW)
def test_new_files_explain_and_verify(
    tmp_path: Path, shape: str, activation: str, cost: str, notation: str
) -> None:
    path = tmp_path / "net.yaml"
    options = ["--activation", activation, "--cost", cost, "--notation", notation]
    made = runner.invoke(app, ["new", str(path), "--shape", shape, *options])
    assert made.exit_code == 0, made.output
    network = load_network(path)
    assert network.sizes == tuple(int(n) for n in shape.split("-"))
    assert (network.cost, network.notation.style) == (cost, notation)
    explained = runner.invoke(app, ["explain", str(path)])
    assert explained.exit_code == 0, explained.output
    verified = runner.invoke(app, ["verify", str(path), "--steps", "1"])
    assert verified.exit_code == 0, verified.output


def test_the_output_layer_pairs_with_the_cost(tmp_path: Path) -> None:
    for cost, output in (("cross_entropy", "softmax"), ("binary_cross_entropy", "sigmoid")):
        path = tmp_path / f"{cost}.yaml"
        args = ["new", str(path), "--shape", "2-2-2", "--activation", "relu", "--cost", cost]
        made = runner.invoke(app, args)
        assert made.exit_code == 0, made.output
        layers = load_network(path).layers
        assert [layer.activation.name for layer in layers] == ["relu", output]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--shape", "2"], "--shape expects the layer widths"),
        (["--shape", "2-0-1"], "got '2-0-1'"),
        (["--shape", "2-x-1"], "got '2-x-1'"),
        (["--shape=-2-1"], "got '-2-1'"),
        (["--shape", "2-3-1.5"], "--shape expects"),
        ([], "--shape is required"),
        (["--shape", "784-100-10"], "more than the limit of 20,000; raise it with --max-params"),
        (["--shape", "2-3-1", "--activation", "sigmod"], "(did you mean sigmoid?)"),
        (["--shape", "2-3-1", "--activation", "softmax"], "the cross_entropy cost needs"),
        (["--shape", "2-3-1", "--cost", "half_squared"], "did you mean half_squared_error?"),
        (["--shape", "2-3-1", "--notation", "chain"], "--notation chain needs one neuron"),
        (["--shape", "2-3-1", "--notation", "nielsen"], "--notation expects one of flat"),
        (["--shape", "2-3-1", "--cost", "cross_entropy"], "needs at least 2 outputs"),
    ],
)
def test_new_refuses_in_one_line(tmp_path: Path, args: list[str], says: str) -> None:
    path = tmp_path / "net.yaml"
    result = runner.invoke(app, ["new", str(path), *args])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("derive: error: ") and result.output.count("\n") == 1
    assert says in result.output
    assert not path.exists()


def test_new_keeps_an_existing_file_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "net.yaml"
    path.write_text("mine\n", encoding="utf-8")
    refused = runner.invoke(app, ["new", str(path), "--shape", "2-1"])
    assert refused.exit_code == 2 and "add --force" in refused.output
    assert path.read_text(encoding="utf-8") == "mine\n"
    forced = runner.invoke(app, ["new", str(path), "--shape", "2-1", "--force"])
    assert forced.exit_code == 0, forced.output
    assert load_network(path).sizes == (2, 1)


def test_new_help_names_every_choice() -> None:
    """The help lists the choices itself (reading functions.py would load SymPy): kept in step."""
    shown = " ".join(runner.invoke(app, ["new", "--help"], terminal_width=200).output.split())
    hidden = [name for name, act in ACTIVATIONS.items() if act.elementwise]
    for name in [*hidden, *COSTS, "flat", "layered", "chain"]:
        assert name in shown, name


# --------------------------------------------------------------------------------------------
# derive examples


def test_examples_lists_every_shipped_file() -> None:
    result = runner.invoke(app, ["examples"])
    assert result.exit_code == 0, result.output
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert names == sorted(p.name.removesuffix(".yaml") for p in CASES.glob("*.yaml"))
    assert "(with digit-2.npy)" in result.stdout


def test_examples_copies_a_network_and_the_files_it_needs(tmp_path: Path) -> None:
    result = runner.invoke(app, ["examples", "3b1b-784-16-16-10", "-o", str(tmp_path / "new")])
    assert result.exit_code == 0, result.output
    for name in ("3b1b-784-16-16-10.yaml", "digit-2.npy"):
        assert (tmp_path / "new" / name).read_bytes() == (CASES / name).read_bytes()
    assert load_network(tmp_path / "new" / "3b1b-784-16-16-10.yaml").inputs == 784


def test_examples_copies_an_answers_file_with_its_network(tmp_path: Path) -> None:
    result = runner.invoke(app, ["examples", "blog-2-3-1.answers", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "blog-2-3-1.yaml").is_file()
    assert result.stdout.splitlines()[-1].startswith("next: derive check ")


def test_examples_keeps_the_same_file_and_refuses_a_different_one(tmp_path: Path) -> None:
    args = ["examples", "blog-2-3-1", "-o", str(tmp_path)]
    assert runner.invoke(app, args).exit_code == 0
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and "kept (unchanged)" in again.output
    (tmp_path / "blog-2-3-1.yaml").write_text("title: mine\n", encoding="utf-8")
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2 and "add --force" in refused.output
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0
    assert (tmp_path / "blog-2-3-1.yaml").read_bytes() == (CASES / "blog-2-3-1.yaml").read_bytes()


def test_an_unknown_example_gets_the_close_names() -> None:
    result = runner.invoke(app, ["examples", "blog-231"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert "no example named 'blog-231'; did you mean blog-2-3-1" in result.output
