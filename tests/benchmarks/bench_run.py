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
    from twinimpact.execute import execute
    from twinimpact.render import clean_for_report, render

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


def run() -> None:
    import os

    print("run: the bundled sample (50k posts) end to end against the papermill floor")
    with tempfile.TemporaryDirectory() as d:
        floor = measure("floor: 6 empty notebooks, papermill + nbconvert, one process", _floor, d)
    print(floor.line())
    target = 2 * floor.seconds
    for workers in sorted({1, os.cpu_count() or 1}):
        m = measure(f"twinimpact run, {workers} notebook(s) at a time", _run, workers)
        seconds, peak = m.value
        print(f"  {m.label:<58} {seconds:>8.2f} s  {peak:>8.0f} MB peak RSS (largest process)")
        print(f"    target <= 2x floor = {target:.1f} s; ratio to the floor {seconds / floor.seconds:.2f}x "
              f"({'within' if seconds <= target else 'over'} target)")
