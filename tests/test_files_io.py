"""How files are read and written: regular files only, size caps, the network file's folder,
atomic no-clobber writes, links, devices, signals and a full disk (docs/limits-files.md).

Whatever could hang (a FIFO, a device) runs in a child process with a timeout, so that a
regression fails the test instead of blocking the suite."""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner, Result

from derive.cli import app
from derive.cli.files import write_atomically
from derive.errors import DeriveError, UsageError
from derive.spec.load import load_network

from .conftest import CASES, ROOT

BLOG = CASES / "blog-2-3-1.yaml"
TINY = """layers:
  - size: 2
  - size: 2
    activation: sigmoid
    weights: [[1, 2], [3, 4]]
    biases: BIASES
examples:
  - {input: [1, 2], target: [0, 1]}
cost: mse
"""
CSV_NET = """layers:
  - size: 2
  - size: 1
    activation: sigmoid
    weights: [[0.1, 0.2]]
data: {csv: CSV, target_columns: [y]}
cost: mse
"""


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def one_error_line(result: Result | subprocess.CompletedProcess[str], code: int = 2) -> str:
    """The single 'derive: error: …' line a refusal prints (no traceback, no internal error)."""
    if isinstance(result, subprocess.CompletedProcess):
        assert result.returncode == code, result.stderr
    else:
        assert result.exit_code == code, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("derive: error: "), result.stderr
    return lines[0]


def child(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``derive ARGS`` in a child process: a hang fails the test after ``timeout`` seconds."""
    return subprocess.run(
        [sys.executable, "-m", "derive", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def blog_tex() -> str:
    """What ``derive latex BLOG`` writes (read from a run, so the test needs no golden file)."""
    return invoke("latex", str(BLOG)).stdout.removesuffix("\n") + "\n"


def tiny(folder: Path, biases: str = "[0, 0]", name: str = "net.yaml") -> Path:
    path = folder / name
    path.write_text(TINY.replace("BIASES", biases), encoding="utf-8")
    return path


# ---- writing: no clobber, links, devices -------------------------------------------------------


def _race(target: Path, content: str, barrier: Any) -> None:
    """One of the racing writers: all start writing at the same moment."""
    barrier.wait()
    try:
        write_atomically(target, content, force=False)
    except UsageError as exc:
        sys.exit(2 if "the file exists; add --force" in str(exc) else 3)
    sys.exit(0)


def test_eight_concurrent_writers_without_force_exactly_one_wins(tmp_path: Path) -> None:
    target = tmp_path / "same.tex"
    content = blog_tex() * 50  # long enough that the writes overlap
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(8)
    writers = [context.Process(target=_race, args=(target, content, barrier)) for _ in range(8)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=60)
    assert all(w.exitcode is not None for w in writers), "a writer hung"
    assert sorted(w.exitcode or 0 for w in writers) == [0] + [2] * 7
    assert target.read_text(encoding="utf-8") == content
    assert temp_files(tmp_path) == []


def test_concurrent_cli_writers_without_force(tmp_path: Path) -> None:
    """The same through the command line: three processes, one winner."""
    target = tmp_path / "same.tex"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "derive", "latex", str(BLOG), "-o", str(target)]
    runs = [subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    errors = [run.communicate(timeout=120)[1] for run in runs]
    assert sorted(run.returncode for run in runs) == [0, 2, 2]
    assert sum("the file exists; add --force" in err for err in errors) == 2
    assert target.read_text(encoding="utf-8") == blog_tex()
    assert temp_files(tmp_path) == []


def test_no_clobber_without_hard_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file system without link(): the name is claimed with O_EXCL instead."""

    def no_link(*_: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_link)
    target = tmp_path / "notes.tex"
    assert invoke("latex", str(BLOG), "-o", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8") == blog_tex()
    again = invoke("latex", str(BLOG), "-o", str(target), "--body")
    assert "the file exists; add --force" in one_error_line(again)
    assert target.read_text(encoding="utf-8") == blog_tex() and temp_files(tmp_path) == []


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["plain", "force"])
def test_a_symlink_destination_is_refused(tmp_path: Path, force: list[str]) -> None:
    target = tmp_path / "real.tex"
    target.write_text("keep me")
    link = tmp_path / "link.tex"
    link.symlink_to(target)
    result = invoke("latex", str(BLOG), "-o", str(link), *force)
    assert "is a symbolic link" in one_error_line(result)
    assert link.is_symlink() and target.read_text() == "keep me"


def test_a_device_node_is_not_replaced_even_with_force(tmp_path: Path) -> None:
    node = tmp_path / "full"
    try:
        os.mknod(node, 0o600 | 0o020000, os.makedev(1, 7))  # a character device, like /dev/full
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    result = child("latex", str(BLOG), "-o", str(node), "--force", cwd=tmp_path)
    assert "expected a regular file (this is a character device)" in one_error_line(result)
    assert not node.is_file() and node.is_char_device() and temp_files(tmp_path) == []


def test_a_fifo_as_output_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "out.tex"
    os.mkfifo(fifo)
    result = child("latex", str(BLOG), "-o", str(fifo), "--force", cwd=tmp_path, timeout=30)
    assert "expected a regular file (this is a FIFO)" in one_error_line(result)
    assert fifo.is_fifo()


def test_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    result = invoke("latex", str(BLOG), "-o", str(tmp_path / "no" / "x.tex"))
    assert "expected a file path in an existing folder" in one_error_line(result)


# ---- writing: signals and a full disk ---------------------------------------------------------

# Runs derive with one os function slowed down, after touching a marker file: the test then
# knows the child is inside that step and sends it a signal.
SLOW_CHILD = """
import os, sys, time
from pathlib import Path
name, seconds, marker = sys.argv[1], float(sys.argv[2]), Path(sys.argv[3])
real = getattr(os, name)
def slow(*args):
    marker.touch()
    time.sleep(seconds)
    return real(*args)
setattr(os, name, slow)
from derive.cli import app
app(sys.argv[4:], prog_name="derive")
"""


def interrupt(
    tmp_path: Path, *, step: str, seconds: float, stop: int, force: bool
) -> subprocess.Popen[str]:
    """Start ``derive latex -o out.tex`` with ``os.<step>`` slowed down by ``seconds``, and send
    it signal ``stop`` inside that step."""
    marker = tmp_path / "inside"
    args = ["latex", str(BLOG), "-o", str(tmp_path / "out.tex"), *(["--force"] * force)]
    run = subprocess.Popen(
        [sys.executable, "-c", SLOW_CHILD, step, str(seconds), str(marker), *args],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not marker.exists() and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert marker.exists(), run.communicate(timeout=5)[1]
    run.send_signal(stop)
    run.communicate(timeout=60)
    marker.unlink()
    return run


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_while_writing_keeps_the_old_file_and_leaves_no_temp_file(
    tmp_path: Path, stop: int
) -> None:
    (tmp_path / "out.tex").write_text("old notes\n")
    started = time.monotonic()
    run = interrupt(tmp_path, step="fsync", seconds=20, stop=stop, force=True)
    assert time.monotonic() - started < 15, "the signal waited for the slow write"
    assert run.returncode != 0
    assert (tmp_path / "out.tex").read_text() == "old notes\n"
    assert temp_files(tmp_path) == []


@pytest.mark.parametrize(("step", "force"), [("replace", True), ("link", False)])
def test_a_signal_while_the_file_takes_its_name_finishes_that_step(
    tmp_path: Path, step: str, force: bool
) -> None:
    """Renaming (or linking) and removing the temp file go together: the signal waits."""
    if force:
        (tmp_path / "out.tex").write_text("old notes\n")
    run = interrupt(tmp_path, step=step, seconds=1, stop=signal.SIGTERM, force=force)
    assert run.returncode == 128 + signal.SIGTERM
    assert (tmp_path / "out.tex").read_text(encoding="utf-8") == blog_tex()
    assert temp_files(tmp_path) == []


def test_a_full_disk_leaves_the_old_file_and_one_line(tmp_path: Path) -> None:
    """RLIMIT_FSIZE makes writes past 1 KiB fail (EFBIG) as a full disk would (ENOSPC)."""
    target = tmp_path / "out.tex"
    target.write_text("old notes\n")

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))

    result = subprocess.run(
        [sys.executable, "-m", "derive", "latex", str(BLOG), "-o", str(target), "--force"],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=small_files,
    )
    assert "cannot write (File too large)" in one_error_line(result)
    assert target.read_text() == "old notes\n" and temp_files(tmp_path) == []


# ---- train -o / --plot ------------------------------------------------------------------------


def test_train_output_needs_force_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "trained.yaml"
    out.write_text("keep me")
    refused = invoke("train", str(BLOG), "--epochs", "1", "-o", str(out))
    assert "the file exists; add --force" in one_error_line(refused)
    assert "Epoch" not in refused.stdout  # refused before training
    assert out.read_text() == "keep me"
    forced = invoke("train", str(BLOG), "--epochs", "1", "-o", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert load_network(out).examples == load_network(BLOG).examples


def test_train_plot_needs_force_to_overwrite(tmp_path: Path) -> None:
    plot = tmp_path / "loss.png"
    plot.write_bytes(b"old")
    refused = invoke("train", str(BLOG), "--epochs", "1", "--plot", str(plot))
    assert "--plot" in one_error_line(refused) and "add --force" in refused.stderr
    assert plot.read_bytes() == b"old"


def test_train_never_quietly_replaces_its_network_file(tmp_path: Path) -> None:
    net = tmp_path / "net.yaml"
    net.write_text(BLOG.read_text())
    result = invoke("train", str(net), "--epochs", "1", "-o", str(net))
    assert "is the network file being trained" in one_error_line(result)
    assert net.read_text() == BLOG.read_text()
    both = tmp_path / "both.png"
    clash = invoke("train", str(net), "-o", str(both), "--plot", str(both))
    assert "expected two different files" in one_error_line(clash) and not both.exists()


# ---- reading: regular files only, and bounded ---------------------------------------------------


def fifo_cases(tmp_path: Path) -> dict[str, tuple[list[str], str]]:
    """name → (derive arguments, the file the error names)."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    (tmp_path / "pipe.npy").symlink_to(pipe)
    (tmp_path / "pipe.csv").symlink_to(pipe)
    npy = tiny(tmp_path, "{file: pipe.npy}", name="npy.yaml")
    csv = tmp_path / "csv.yaml"
    csv.write_text(CSV_NET.replace("CSV", "pipe.csv"))
    return {
        "network": (["explain", str(pipe)], str(pipe)),
        "answers": (["check", str(BLOG), str(pipe)], str(pipe)),
        "npy": (["explain", str(npy)], "pipe.npy"),
        "csv": (["train", str(csv)], "pipe.csv"),
    }


# an answers file that is a FIFO is reported in the grading output, with the other files graded:
# test_class_grading.py::test_a_fifo_among_the_answers_is_refused_without_opening_it
@pytest.mark.parametrize("case", ["network", "npy", "csv"])
def test_a_fifo_is_refused_without_opening_it(tmp_path: Path, case: str) -> None:
    args, named = fifo_cases(tmp_path)[case]
    line = one_error_line(child(*args, cwd=tmp_path, timeout=30))
    assert named in line and "expected a regular file (this is a FIFO)" in line


def test_a_device_is_refused_without_reading_it(tmp_path: Path) -> None:
    zero = tmp_path / "zero"
    try:
        os.mknod(zero, 0o600 | 0o020000, os.makedev(1, 5))  # like /dev/zero: never ends
    except (PermissionError, OSError):
        zero = Path("/dev/zero")
    if not zero.is_char_device():
        pytest.skip("no endless character device here")
    line = one_error_line(child("explain", str(zero), cwd=tmp_path, timeout=30))
    assert "expected a regular file (this is a character device)" in line


def test_a_directory_is_refused(tmp_path: Path) -> None:
    line = one_error_line(invoke("explain", str(tmp_path)))
    assert "expected a regular file (this is a directory)" in line


def test_network_files_are_capped_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text(BLOG.read_text() + "#" * (10 * 2**20) + "\n")
    assert "file is larger than 10 MiB" in one_error_line(invoke("explain", str(big)))


def test_the_784_digit_case_fits_the_caps() -> None:
    net = load_network(CASES / "3b1b-784-16-16-10.yaml")
    assert len(net.examples[0].input) == 784


# ---- reading: .npy/.npz that are not plain arrays of numbers ----------------------------------


def header_only(path: Path, shape: tuple[int, ...]) -> None:
    """A .npy header claiming ``shape`` float64s, and no data."""
    text = f"{{'descr': '<f8', 'fortran_order': False, 'shape': {shape}, }}"
    text += " " * (118 - len(text)) + "\n"
    path.write_bytes(b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text.encode())


def bad_arrays(folder: Path) -> None:
    header_only(folder / "bomb.npy", (10**9,))
    header_only(folder / "short.npy", (2,))
    np.save(folder / "object.npy", np.array([1, None], dtype=object), allow_pickle=True)
    np.save(folder / "complex.npy", np.array([1 + 2j, 3j]))
    np.savez(folder / "complex.npz", b=np.array([1 + 2j, 3j]))
    np.save(folder / "plain.npy", np.array([0.5, 0.25]))
    (folder / "npy.npz").write_bytes((folder / "plain.npy").read_bytes())
    (folder / "text.npz").write_text("secret: not a zip\n")
    (folder / "text.npy").write_text("secret: not an array\n")
    np.save(folder / "flags.npy", np.array([True, False]))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bomb.npy", "expected an array of shape (2,), got (1000000000,)"),
        ("short.npy", "the file ends before its (2,) array does"),
        ("object.npy", "object arrays are not allowed"),
        (
            "complex.npy",
            "expected real numbers, got complex ones (the imaginary part would be lost)",
        ),
        ("complex.npz", "expected real numbers, got complex ones"),
        ("npy.npz", "not a .npz file (expected a zip archive of .npy arrays)"),
        ("text.npz", "not a .npz file"),
        ("text.npy", "not a .npy file (no valid NumPy header)"),
        ("flags.npy", "expected an array of numbers, got dtype bool"),
    ],
)
def test_bad_arrays_are_one_line(tmp_path: Path, name: str, message: str) -> None:
    bad_arrays(tmp_path)
    line = one_error_line(invoke("explain", str(tiny(tmp_path, f"{{file: {name}}}"))))
    assert f"net.yaml:6: layers[1].biases: {name}: {message}" in line
    assert "secret" not in line


def test_a_good_array_still_loads(tmp_path: Path) -> None:
    bad_arrays(tmp_path)
    layer = load_network(tiny(tmp_path, "{file: plain.npy}")).layer(1)
    assert layer.biases == (0.5, 0.25)


# ---- reading: only inside the network file's folder, unless allowed ------------------------------


def outside_cases(tmp_path: Path) -> dict[str, Path]:
    """Networks in tmp_path/net/ naming files outside it in three ways."""
    folder = tmp_path / "net"
    folder.mkdir()
    np.save(tmp_path / "b.npy", np.array([0.5, 0.25]))
    (folder / "link.npy").symlink_to(tmp_path / "b.npy")
    return {
        "parent": tiny(folder, "{file: ../b.npy}", name="parent.yaml"),
        "absolute": tiny(folder, f"{{file: {tmp_path / 'b.npy'}}}", name="absolute.yaml"),
        "link": tiny(folder, "{file: link.npy}", name="link.yaml"),
    }


@pytest.mark.parametrize("how", ["parent", "absolute", "link"])
def test_array_files_outside_the_folder_need_the_root_flag(tmp_path: Path, how: str) -> None:
    net = outside_cases(tmp_path)[how]
    line = one_error_line(invoke("explain", str(net)))
    assert "outside the network file's folder; pass --allow-outside-files to read it" in line
    assert invoke("--allow-outside-files", "explain", str(net)).exit_code == 0


def test_csv_outside_the_folder_needs_the_root_flag_and_is_not_echoed(tmp_path: Path) -> None:
    (tmp_path / "secret.csv").write_text("password hunter2,x\n1,2\n")
    (tmp_path / "net").mkdir()
    net = tmp_path / "net" / "net.yaml"
    net.write_text(CSV_NET.replace("CSV", "../secret.csv"))
    for command in ("explain", "train"):
        line = one_error_line(invoke(command, str(net)))
        assert "data.csv: ../secret.csv is outside the network file's folder" in line
        assert "hunter2" not in line
    with pytest.raises(DeriveError, match="outside the network file's folder"):
        load_network(net)
    allowed = invoke("--allow-outside-files", "train", str(net), "--epochs", "1")
    assert "no target column 'y'" in one_error_line(allowed)


def test_csv_inside_the_folder_trains(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "d.csv").write_text("a,b,y\n1,2,0\n3,4,1\n5,6,1\n")
    net = tmp_path / "net.yaml"
    net.write_text(CSV_NET.replace("CSV", "data/d.csv"))
    assert invoke("train", str(net), "--epochs", "1").exit_code == 0


# ---- network files: keys given twice, numbers as people write them ------------------------------


def test_a_key_given_twice_is_refused_with_its_line(tmp_path: Path) -> None:
    net = tiny(tmp_path, "[0, 0]\n    biases: [1, 1]")
    line = one_error_line(invoke("explain", str(net)))
    assert line == f"derive: error: {net}:7: key 'biases' given twice"
    nested = tmp_path / "nested.yaml"
    nested.write_text(
        TINY.replace("BIASES", "[0, 0]").replace("- size: 2\n", "- {size: 2, size: 3}\n", 1)
    )
    assert f"{nested}:2: key 'size' given twice" in one_error_line(invoke("explain", str(nested)))


def test_exponents_without_a_dot_are_numbers(tmp_path: Path) -> None:
    net = tiny(tmp_path, "[1e-3, -2e+4]")
    net.write_text(net.read_text().replace("[[1, 2], [3, 4]]", "[[1E5, .5e1], [1.5e3, 2]]"))
    layer = load_network(net).layer(1)
    assert layer.biases == (0.001, -20000.0)
    assert layer.weights == ((100000.0, 5.0), (1500.0, 2.0))
    symbols = tiny(tmp_path, "[e1, b]", name="symbols.yaml")  # names stay symbols
    assert load_network(symbols).layer(1).biases == ("e1", "b")


_KINDS = {
    "float64": np.array([[0.5, -1.25e-300, 3.0], [7.0, 0.1, -0.0]]),
    "float32": np.array([0.1, -2.5, 1e30], dtype=np.float32),
    "int64": np.array([[1, -2], [3, 2**40]], dtype=np.int64),
    "int32": np.array([7, -8, 9], dtype=np.int32),
    "uint8": np.array([[0, 255], [17, 3]], dtype=np.uint8),
    # left to NumPy's reader: the plain reader gives them back untouched
    "big-endian": np.array([0.5, 1.5], dtype=">f8"),
    "float16": np.array([0.5, 1.5], dtype=np.float16),
    "fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
}


@pytest.mark.parametrize("kind", sorted(_KINDS))
def test_an_array_reads_the_same_with_and_without_numpy(
    tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from derive.spec import params

    data = _KINDS[kind]
    np.save(tmp_path / "a.npy", data)

    def fail(problem: str) -> Exception:
        return ValueError(problem)

    plain = params.read_array(tmp_path / "a.npy", key=None, shape=data.shape, fail=fail)
    with monkeypatch.context() as m:  # NumPy's reader for every file
        m.setattr(params, "plain_array", lambda stream, **_: None)
        numpy = params.read_array(tmp_path / "a.npy", key=None, shape=data.shape, fail=fail)
    assert plain == numpy == data.astype(float).tolist()
    assert all(type(v) is float for row in plain for v in (row if isinstance(row, list) else [row]))


def test_the_digit_network_is_explained_without_importing_numpy() -> None:
    script = (
        "import sys; from derive import derive, load_network; "
        "derive(load_network(sys.argv[1])); print('numpy' in sys.modules)"
    )
    case = CASES / "3b1b-784-16-16-10.yaml"
    out = subprocess.run(
        [sys.executable, "-c", script, str(case)], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
