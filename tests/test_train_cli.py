"""``derive train``, its data sources and the trained-network writer (round trip)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from derive.cli import app
from derive.errors import InputError
from derive.numbers.rounding import format_significant
from derive.render.reports.plot import cost_plot
from derive.render.reports.train import cost_chart, shown_epochs
from derive.spec.limits import DERIVE
from derive.spec.load import load_network
from derive.spec.network import DataSpec, Network
from derive.spec.write import to_yaml
from derive.train.data import load_data, read_csv, split
from derive.train.model import model_from_network
from derive.train.run import run_training
from derive.train.sgd import Plan, evaluate, train
from derive.train.weights import with_model

from .conftest import CASES
from .test_trainer import network_file

runner = CliRunner()
BLOG = str(CASES / "blog-2-3-1.yaml")


def with_data(network: Network, **spec: Any) -> Network:
    return replace(network, data=DataSpec(**spec))


def test_train_writes_a_network_that_explain_and_verify_load(tmp_path: Path) -> None:
    out = tmp_path / "trained.yaml"
    args = ["train", BLOG, "--epochs", "5", "--batch-size", "1", "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Epoch" in result.stdout and f"written to {out}" in result.stdout
    trained = load_network(out)
    original = load_network(BLOG)
    assert trained.examples == original.examples and trained.cost == original.cost
    assert trained.layer(1).weights != original.layer(1).weights
    model = model_from_network(original)
    train(model, (np.array([[2.0], [9.0]]), np.array([[0.92]])), plan=Plan(5, 1, 0.5))
    np.testing.assert_array_equal(model_from_network(trained).flat(), model.flat())
    assert runner.invoke(app, ["explain", str(out)]).exit_code == 0
    assert runner.invoke(app, ["verify", str(out), "--steps", "1"]).exit_code == 0


def test_a_network_trained_from_data_alone_is_explained_on_its_first_row(tmp_path: Path) -> None:
    """A file with data: and no examples trains; its trained file is read by explain and
    verify as they stand, on the data's row 0 (``examples: {from_data: 0}``)."""
    write_csv(
        tmp_path / "d.csv", "a,b,y\n" + "\n".join(f"{i % 3},{i % 5},{i % 2}" for i in range(20))
    )
    source = tmp_path / "net.yaml"
    source.write_text(
        "layers: [{size: 2}, {size: 1, activation: sigmoid, weights: [[0.1, -0.2]], biases: [0]}]\n"
        "data: {csv: d.csv, target_columns: [y]}\ncost: binary_cross_entropy\n"
    )
    out = tmp_path / "trained.yaml"
    result = runner.invoke(app, ["train", str(source), "--epochs", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "examples: {from_data: 0}" in out.read_text()
    trained = load_network(out)
    assert [(e.input, e.target) for e in trained.examples] == [((0.0, 0.0), (0.0,))]
    assert runner.invoke(app, ["explain", str(out)]).exit_code == 0
    assert runner.invoke(app, ["verify", str(out), "--steps", "1"]).exit_code == 0


def test_stdout_is_deterministic_and_charted() -> None:
    runs = [runner.invoke(app, ["train", BLOG, "--epochs", "12", "--seed", "7"]) for _ in range(2)]
    assert runs[0].stdout == runs[1].stdout
    assert "Cost per epoch" in runs[0].stdout and "epoch 1 … 12" in runs[0].stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lr", "-1"], "--lr must be a positive number"),
        (["--lr", "1e6", "--epochs", "50"], "training diverged"),
        (["--epochs", "0"], "Invalid value"),
    ],
)
def test_bad_options_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    path = network_file(tmp_path, hidden="relu", out="linear", cost="mse", sizes=(2, 3, 2))
    result = runner.invoke(app, ["train", str(path), *args])
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


def test_plot_is_saved_and_missing_matplotlib_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    png = tmp_path / "loss.png"
    if "matplotlib" not in sys.modules:
        pytest.importorskip("matplotlib")
    result = runner.invoke(app, ["train", BLOG, "--epochs", "3", "--plot", str(png)])
    assert result.exit_code == 0, result.output
    assert png.read_bytes()[:4] == b"\x89PNG" and "Cost per epoch" not in result.stdout
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = runner.invoke(app, ["train", BLOG, "--epochs", "1", "--plot", str(png), "--force"])
    assert result.exit_code == 2 and "pip install 'derive-backprop[plot]'" in result.stderr


@pytest.mark.parametrize("case", ["blog-2-3-1", "laan-1-1-1", "softmax-classifier"])
def test_writer_round_trip(tmp_path: Path, case: str) -> None:
    network = load_network(CASES / f"{case}.yaml")
    path = tmp_path / f"{case}.yaml"
    path.write_text(to_yaml(network), encoding="utf-8")
    assert replace(load_network(path), source=network.source) == network


def test_with_model_replaces_symbols_by_numbers() -> None:
    network = load_network(CASES / "laan-1-1-1.yaml")
    model = model_from_network(network)
    model.layers[0].weights[0, 0] = 0.123456789012345678
    trained = with_model(network, model)
    assert trained.layer(1).weights == ((0.123456789012345678,),) and trained.values == ()
    assert replace(trained, layers=network.layers, values=network.values) == network


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_data_with_held_out_split(tmp_path: Path) -> None:
    rows = "\n".join(f"{i / 10},{1 - i / 10},{i % 2}" for i in range(20))
    csv_path = write_csv(tmp_path / "d.csv", "a, b ,label\n" + rows + "\n")
    x, y = read_csv(csv_path, ("label",))
    assert x.shape == (2, 20) and y.shape == (1, 20) and y[0, 3] == 1.0
    network = load_network(
        network_file(tmp_path, hidden="tanh", out="sigmoid", cost="mse", sizes=(2, 2, 1))
    )
    data = load_data(with_data(network, csv=str(csv_path), target_columns=("label",)), seed=1)
    assert data.x.shape == (2, 16) and data.test is not None and data.test[0].shape == (2, 4)
    together = np.sort(np.concatenate([data.x[0], data.test[0][0]]))
    np.testing.assert_array_equal(together, np.sort(x[0]))


@pytest.mark.parametrize(
    ("text", "targets", "message"),
    [
        ("a,b,label\n1,2,0\n", ("y",), "no target column 'y'; columns are a, b, label"),
        (
            "a,b,label\n1,2,zero\n",
            ("label",),
            "column 'label': expected a finite number, got 'zero'",
        ),
        ("a,b,label\n1,2,0\n1,2\n", ("label",), "row 2: expected 3 values, got 2"),
        ("a,b,label\n1,nan,0\n", ("label",), "expected a finite number, got 'nan'"),
        ("a,b,label\n", ("label",), "expected a header row and at least one data row"),
    ],
)
def test_csv_errors_name_file_and_place(
    tmp_path: Path, text: str, targets: tuple[str, ...], message: str
) -> None:
    path = write_csv(tmp_path / "bad.csv", text)
    with pytest.raises(InputError, match=r"bad\.csv") as info:
        read_csv(path, targets)
    assert message in str(info.value)


def test_csv_missing_file_and_wrong_shape(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such data file"):
        read_csv(tmp_path / "none.csv", ("y",))
    csv_path = write_csv(tmp_path / "d.csv", "a,b,c,label\n1,2,3,0\n1,2,3,1\n")
    network = load_network(
        network_file(tmp_path, hidden="tanh", out="sigmoid", cost="mse", sizes=(2, 2, 1))
    )
    with pytest.raises(
        InputError, match="has 3 input and 1 target columns; the network needs 2 and 1"
    ):
        load_data(with_data(network, csv=str(csv_path), target_columns=("label",)))


def test_split_is_seeded() -> None:
    x = np.arange(10.0)[None, :]
    a, b = split(x, x, test_fraction=0.3, seed=2), split(x, x, test_fraction=0.3, seed=2)
    assert a.test is not None and b.test is not None
    np.testing.assert_array_equal(a.test[0], b.test[0])
    assert a.test[0].shape == (1, 3)


def test_digits_train_and_test_accuracy(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    path = network_file(
        tmp_path,
        hidden="sigmoid",
        out="softmax",
        cost="cross_entropy",
        sizes=(64, 16, 16, 10),
        scale=0.3,
    )
    network = with_data(load_network(path), builtin="digits")
    data = load_data(network, seed=0)
    assert data.x.shape[0] == 64 and data.x.min() >= 0 and data.x.max() <= 1
    assert data.test is not None and data.test[0].shape[1] == round(1797 * 0.2)
    np.testing.assert_array_equal(data.y.sum(axis=0), 1.0)
    model = model_from_network(network)
    train(model, (data.x, data.y), plan=Plan(epochs=4, batch_size=10, lr=0.5))
    _, accuracy = evaluate(model, *data.test)
    assert accuracy is not None and accuracy > 0.85


def test_digits_without_sklearn_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    path = network_file(
        tmp_path, hidden="sigmoid", out="softmax", cost="cross_entropy", sizes=(64, 2, 10)
    )
    with pytest.raises(InputError, match=r"pip install 'derive-backprop\[digits\]'"):
        load_data(with_data(load_network(path), builtin="digits"))


def test_cost_chart_shape() -> None:
    chart = cost_chart([4.0, 3.0, 2.0, 1.5, 1.0], height=4).splitlines()
    assert chart[0].startswith("4.00 │•") and chart[3].startswith("1.00 │   ••")
    assert (
        chart[-1].strip() == "epoch 1 … 5"
        and len(cost_chart(list(range(500, 0, -1))).splitlines()[0]) < 80
    )


def test_cost_chart_turns_logarithmic_when_the_cost_spans_decades() -> None:
    """A cost falling tenfold each epoch is a straight diagonal on a log scale (one dot per
    row); on a linear one all but the first dots would lie on the bottom row."""
    falling = [10.0**-k for k in range(8)]
    lines = cost_chart(falling, height=8).splitlines()
    rows = [line.split("│")[1] for line in lines[:8]]
    assert [row.index("•") for row in rows] == list(range(8))
    assert lines[0].lstrip().startswith("1.00 ") and lines[7].startswith("1.00e-07 ")
    assert lines[3].lstrip().startswith("0.00100 ") and "log scale" in lines[-1]
    gentle = cost_chart([1.0, 0.5, 0.2, 0.011], height=8).splitlines()
    assert "log" not in gentle[-1]  # a span under LOG_SPAN stays linear


@pytest.mark.parametrize(
    ("count", "every", "rows"),
    [
        (5, None, [1, 2, 3, 4, 5]),
        (100, None, list(range(1, 101))),
        (250, None, [*range(1, 11), *range(20, 101, 10), 200, 250]),
        (1000, None, [*range(1, 11), *range(20, 101, 10), *range(200, 1001, 100)]),
        (20, 7, [1, 7, 14, 20]),
        (20, 5, [1, 5, 10, 15, 20]),
        (3, 10, [1, 3]),
    ],
)
def test_shown_epochs(count: int, every: int | None, rows: list[int]) -> None:
    assert shown_epochs(count, every) == rows


def _table_rows(stdout: str) -> dict[int, str]:
    """Epoch → cost text, from the training table (up to the line after its last row)."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("───")) + 1
    rows = {}
    for line in lines[start:]:
        cells = line.split()
        if not (line.startswith(" ") and cells and cells[0].isdigit()):
            break
        rows[int(cells[0])] = cells[1]
    return rows


def test_every_and_log_spaced_rows_show_the_trained_costs() -> None:
    """The rows shown are the epochs asked for, and each cost is the run's own (an independent
    run of the NumPy trainer) to 4 significant figures, however small it gets."""
    history = run_training(Path(BLOG), epochs=150, batch_size=1, lr=None, seed=0).history
    every = runner.invoke(
        app, ["train", BLOG, "--epochs", "150", "--batch-size", "1", "--every", "50"]
    )
    assert every.exit_code == 0, every.output
    assert sorted(_table_rows(every.stdout)) == [1, 50, 100, 150]
    assert "4 of 150 epochs shown" in every.stdout
    default = runner.invoke(app, ["train", BLOG, "--epochs", "150", "--batch-size", "1"])
    rows = _table_rows(default.stdout)
    assert sorted(rows) == [*range(1, 11), *range(20, 101, 10), 150]
    for epoch, text in rows.items():
        cost = history[epoch - 1].cost
        assert float(text) == pytest.approx(cost, rel=5e-4)
        assert len(text.replace("-", "").replace(".", "").split("e")[0].lstrip("0")) == 4
    assert not re.search(r"\b0\.0000\d\b", default.stdout)  # never 0.000002-style digits


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0379795, "0.03798"),
        (2.3641e-06, "2.364e-06"),
        (0.00012345, "0.0001235"),  # half away from zero on the decimal form
        (-0.00012345, "-0.0001235"),
        (9.99996, "10.00"),  # rounds up a decade
        (123456.0, "1.235e+05"),
        (0.5, "0.5000"),
        (0.0, "0"),
    ],
)
def test_format_significant(value: float, text: str) -> None:
    assert format_significant(value, 4) == text


def test_the_progress_bar_is_given_each_epochs_cost(tmp_path: Path) -> None:
    """At each epoch's last batch the bar is offered the cost, which is the history's."""
    offered: list[float] = []

    @contextmanager
    def progress(batches: int, epochs: int) -> Iterator[Any]:
        def advance(epoch: int, batch: int, cost: Callable[[], float] | None) -> None:
            assert (cost is not None) == (batch == batches)
            if cost is not None:
                offered.append(cost())

        yield advance

    run = run_training(Path(BLOG), epochs=6, batch_size=1, lr=None, seed=0, progress=progress)
    assert offered == run.costs and len(offered) == 6


def test_the_bar_computes_no_cost_when_not_shown() -> None:
    from derive.cli.train import _progress

    def never() -> float:
        raise AssertionError("computed the cost for a bar nobody sees")

    with _progress(2, 1) as advance:  # stderr is not a terminal under pytest
        advance(1, 1, None)
        advance(1, 2, never)


def test_the_plot_carries_the_networks_title(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    pdf = tmp_path / "curve.pdf"
    title = "2-3-1 sigmoid network, $5 of weights"
    pdf.write_bytes(cost_plot([1.0, 0.1, 0.001], test=[1.1, 0.2, 0.002], fmt="pdf", title=title))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert title in text and "training cost" in text and "test cost" in text


def test_csv_named_in_the_file_trains_and_round_trips(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(40, 2))
    lines = [f"{a},{b},{float(a + b > 0)}" for a, b in rows]
    (tmp_path / "data").mkdir()
    write_csv(tmp_path / "data" / "points.csv", "a,b,label\n" + "\n".join(lines) + "\n")
    net = tmp_path / "net.yaml"
    net.write_text(
        network_file(
            tmp_path, hidden="tanh", out="sigmoid", cost="binary_cross_entropy", sizes=(2, 3, 1)
        ).read_text(encoding="utf-8")
        + "data: {csv: data/points.csv, target_columns: [label], test_fraction: 0.25}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out" / "trained.yaml"
    out.parent.mkdir()
    args = ["train", str(net), "--epochs", "30", "--batch-size", "5", "--lr", "0.5", "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "30 training examples, 10 held out" in result.stdout and "Test accuracy" in result.stdout
    assert "csv: ../data/points.csv" in out.read_text(encoding="utf-8")
    outside = DERIVE.override(allow_outside_files=True)  # the CSV is in ../data
    written, given = load_network(out, limits=outside).data, load_network(net).data
    assert written is not None and given is not None and written.csv and given.csv
    assert Path(written.csv).resolve() == Path(given.csv).resolve()
    assert written.target_columns == ("label",) and written.test_fraction == 0.25


def test_missing_csv_named_in_the_file_exits_2(tmp_path: Path) -> None:
    net = network_file(tmp_path, hidden="tanh", out="sigmoid", cost="mse", sizes=(2, 2, 1))
    with net.open("a", encoding="utf-8") as handle:
        handle.write("data: {csv: nope.csv, target_columns: [y]}\n")
    result = runner.invoke(app, ["train", str(net)])
    assert result.exit_code == 2 and "nope.csv: no such data file" in result.stderr
