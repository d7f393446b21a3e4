"""A whole run on the bundled sample against the papermill floor (six empty notebooks
executed with papermill and rendered with nbconvert, one after another, in one process;
target: the sample run within 1.5x the floor), and a rerun with nothing changed against the
first run (target: at most a quarter of it)."""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.harness import measure

#: Each figure is the median of this many calls, taken in turn (floor, run, floor, run, ...):
#: one call of either moves by half a second on a shared 2-core machine.
REPEATS = 3


def _floor(folder: str) -> int:
    """Six notebooks with a parameters cell and one trivial cell: execute with papermill on
    the pinned kernel, then render each page."""
    import nbformat
    import papermill

    from twinimpact import config
    from twinimpact.run.execute import _ipc_kernel_manager
    from twinimpact.run.render import clean_for_report, render

    books = Path(folder) / "books"
    books.mkdir()
    for i in range(6):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": config.KERNEL_NAME, "display_name": "Python 3 (twinimpact)",
                                     "language": "python"}
        cell = nbformat.v4.new_code_cell("seed: int = 1  # a parameter")
        cell.metadata["tags"] = ["parameters"]
        nb.cells = [cell, nbformat.v4.new_code_cell("x = seed + 1")]
        nbformat.write(nb, books / f"{i:02d}_empty.ipynb")
    for book in sorted(books.glob("*.ipynb")):
        out = Path(folder) / book.name
        # over IPC sockets, as a run's kernels talk: no port to race for, no TCP warning
        papermill.execute_notebook(str(book), str(out), parameters={"seed": 2}, kernel_name=config.KERNEL_NAME,
                                   progress_bar=False, kernel_manager_class=_ipc_kernel_manager(folder))
        render(clean_for_report(nbformat.read(out, as_version=4)), out.with_suffix(".html"))
    return 6


def floor_seconds(repeats: int = REPEATS) -> tuple[float, list[float]]:
    """The median seconds of the papermill floor over ``repeats`` calls, and the calls."""
    calls = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as d:
            calls.append(measure("floor", _floor, d).seconds)
    return statistics.median(calls), calls


def run_cli(out: str, *args: str) -> tuple[float, float]:
    """``twinimpact run --out OUT ARGS`` in a child process: wall seconds and the peak RSS of
    the largest process it started (MB)."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "twinimpact", "run", "--out", out, *args],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"run failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def sample_seconds(repeats: int = REPEATS, *args: str) -> tuple[float, float, list[float]]:
    """The median seconds of a fresh ``twinimpact run`` on the sample, its peak MB, the calls."""
    calls = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as out:
            calls.append(measure("run", run_cli, out, "--fresh", *args).value)
    return statistics.median(s for s, _ in calls), max(p for _, p in calls), [s for s, _ in calls]


def ratio_line(label: str, seconds: float, bound_label: str, bound: float, target: float) -> str:
    """``label: seconds against bound_label: bound = ratio (target)``, one line."""
    ratio = seconds / bound
    return (f"  {label:<46} {seconds:7.2f} s | {bound_label} {bound:6.2f} s | ratio {ratio:5.2f}x "
            f"(target <= {target:g}x: {'within' if ratio <= target else 'OVER'})")


def data_run_against_sample(label: str, data: str, sample: float, target: float, target_mb: float) -> float:
    """``twinimpact run --fresh --data DATA`` in a child, printed against a sample run's
    seconds with the ratio and its peak memory against ``target_mb``; returns the peak (MB)."""
    with tempfile.TemporaryDirectory() as out:
        seconds, peak = measure("run", run_cli, out, "--data", data, "--fresh").value
    print(ratio_line(label, seconds, "sample run", sample, target))
    print(f"    peak RSS of the largest process: {peak:.0f} MB (target < {target_mb:.0f} MB: "
          f"{'within' if peak < target_mb else 'OVER'})")
    return peak


def run() -> None:
    print(f"run: the bundled sample (50k posts) end to end against the papermill floor (medians of {REPEATS})")
    floor, floors = floor_seconds()
    seconds, peak, calls = sample_seconds()
    print(ratio_line("twinimpact run --fresh on the sample", seconds, "papermill floor", floor, 1.5))
    print(f"    calls {', '.join(f'{s:.2f}' for s in calls)} s; floor calls {', '.join(f'{s:.2f}' for s in floors)} s; "
          f"{peak:.0f} MB peak RSS (largest process)")
    reruns, firsts = [], []
    for _ in range(REPEATS):
        with tempfile.TemporaryDirectory() as out:
            firsts.append(run_cli(out)[0])
            reruns.append(run_cli(out)[0])
    first, again = statistics.median(firsts), statistics.median(reruns)
    print(ratio_line("a rerun with nothing changed (same --out)", again, "its first run", first, 0.25))
    print(f"    reruns {', '.join(f'{s:.2f}' for s in reruns)} s after {', '.join(f'{s:.2f}' for s in firsts)} s")
