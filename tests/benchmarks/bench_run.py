"""A whole run on the bundled sample against the papermill floor: six empty notebooks
executed with papermill and rendered with nbconvert in one process, one after another
(target: the sample run within 2x the floor). Serial and parallel runs are both timed."""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.harness import measure


def _floor(folder: str) -> int:
    """Six notebooks with a parameters cell and one trivial cell: execute, then render."""
    import nbformat

    from twinimpact import config
    from twinimpact.run.execute import execute
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
        execute(book, out, {"seed": 2})
        render(clean_for_report(nbformat.read(out, as_version=4)), out.with_suffix(".html"))
    return 6


def _run(workers: int) -> tuple[float, float]:
    """``twinimpact run`` on the sample in a child process: wall seconds and the peak RSS of
    the largest process it started (MB)."""
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "twinimpact", "run", "--out", out, "--workers", str(workers)],
                       check=True, capture_output=True)
        seconds = time.perf_counter() - t0
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


#: Each figure is the median of this many calls, taken in turn (floor, run, floor, run, ...):
#: one call of either moves by half a second on a shared 2-core machine.
REPEATS = 3


def run() -> None:
    import os
    import statistics

    print(f"run: the bundled sample (50k posts) end to end against the papermill floor (median of {REPEATS})")
    counts = sorted({1, os.cpu_count() or 1})
    floors: list[float] = []
    runs: dict[int, list[tuple[float, float]]] = {w: [] for w in counts}
    for _ in range(REPEATS):
        with tempfile.TemporaryDirectory() as d:
            floors.append(measure("floor", _floor, d).seconds)
        for workers in counts:
            runs[workers].append(measure("run", _run, workers).value)
    floor = statistics.median(floors)
    print(f"  {'floor: 6 empty notebooks, papermill + nbconvert, one process':<58} {floor:>8.2f} s  "
          f"(calls: {', '.join(f'{s:.2f}' for s in floors)})")
    target = 2 * floor
    for workers in counts:
        seconds = statistics.median(s for s, _ in runs[workers])
        peak = max(p for _, p in runs[workers])
        print(f"  {f'twinimpact run, {workers} notebook(s) at a time':<58} {seconds:>8.2f} s  {peak:>8.0f} MB peak RSS "
              f"(largest process; calls: {', '.join(f'{s:.2f}' for s, _ in runs[workers])})")
        print(f"    target <= 2x floor = {target:.1f} s; ratio to the floor {seconds / floor:.2f}x "
              f"({'within' if seconds <= target else 'over'} target)")
