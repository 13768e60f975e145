"""A real notebook, run by a Jupyter kernel (nbclient + ipykernel): ``%load_ext derive``, a
``%%derive`` cell, ``derive.explain`` and ``derive.check`` as a cell's last value. The
derivation must be in the notebook's HTML outputs, as Jupyter would show it."""

from __future__ import annotations

import json
import re
import shutil
from typing import Any

import pytest

from .conftest import CASES

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ONE_NEURON = """title: One sigmoid neuron
layers:
  - size: 1
  - {size: 1, activation: sigmoid, weights: [[0.8]], biases: [0.2]}
examples: [{input: [1.5], target: [0.5]}]
cost: half_squared_error"""

CELLS = [
    "%load_ext derive",
    "%%derive --carry rounded\n" + (CASES / "blog-2-3-1.yaml").read_text(),
    "import derive\nderive.explain('cases/blog-2-3-1.yaml', carry='rounded')",
    "derive.check('cases/blog-2-3-1.yaml', {'student': 'Ada', 'answers': {'dC/dw7': 0.0631}})",
    "%%derive --format markdown\n" + ONE_NEURON,
    "%%derive --decimals 99\n" + ONE_NEURON,
    "%%derive\nlayers: [\n",
]


@pytest.fixture(scope="module")
def notebook(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("notebook")
    shutil.copytree(CASES, folder / "cases")
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    client = nbclient.NotebookClient(
        book,
        timeout=300,
        kernel_name="python3",
        allow_errors=True,  # the last two cells show how an error looks
        resources={"metadata": {"path": str(folder)}},
    )
    client.execute()
    return book


def outputs(notebook: Any, index: int) -> list[dict[str, Any]]:
    return [dict(o) for o in notebook.cells[index].outputs]


def html_of(notebook: Any, index: int) -> str:
    shown = [o["data"]["text/html"] for o in outputs(notebook, index) if "data" in o]
    assert shown, f"cell {index} shows no HTML: {outputs(notebook, index)}"
    return "".join(shown)


def test_load_ext_is_quiet(notebook: Any) -> None:
    assert outputs(notebook, 0) == []


@pytest.mark.parametrize("index", [1, 2])
def test_the_derivation_is_in_the_html_output(notebook: Any, index: int) -> None:
    html = html_of(notebook, index)
    steps = re.findall(r'data-step="(\d+)"', html)
    assert steps == [str(n) for n in range(1, 22)]
    assert html.startswith('<div class="derive-page">') and "<math>" in html
    assert "(−0.0631)·0.9463" in re.sub(r"<[^>]+>", "", html)  # step 4, by hand
    (result,) = [o for o in outputs(notebook, index) if "data" in o]
    plain = result["data"]["text/plain"]
    assert plain.startswith("<derive.Explanation") and len(plain) < 200
    assert "text/markdown" in result["data"] and "text/latex" in result["data"]


def test_a_check_report_shows_its_verdicts(notebook: Any) -> None:
    html = html_of(notebook, 3)
    assert "Ada" in html and 'class="wrong"' in html and "flipped sign" in html


def test_markdown_and_errors(notebook: Any) -> None:
    (markdown,) = [o for o in outputs(notebook, 4) if "data" in o]
    assert markdown["data"]["text/markdown"].startswith("# One sigmoid neuron")
    for index, expected in ((5, "--decimals must be between 0 and 15"), (6, "<cell>:2: ")):
        (error,) = outputs(notebook, index)  # IPython shows a UsageError as one line, no traceback
        shown = json.dumps(error)
        assert error["output_type"] == "stream" and error["name"] == "stderr", shown
        assert error["text"].startswith(f"UsageError: {expected}"), shown
        assert error["text"].count("\n") == 1, shown
