"""Execution: which notebooks make up the workbook, what parameters they declare, the one
pinned kernel, and running a notebook with papermill.

A notebook runs with an explicit working directory, logged output, a per-cell timeout and
a kernel that talks over IPC sockets (no TCP ports to race for when notebooks or runs go
in parallel, papermill #511). :func:`execute_all` runs the notebooks of a run side by
side, up to one per core. papermill writes the executed notebook, error banner and all, even when a
cell fails; :func:`execute` then raises and the runner keeps that notebook for the analyst.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from . import config
from .errors import ParamsError
from .params import Params

EXECUTION_TIMEOUT_S = 900  # per cell


def list_notebooks(notebooks_dir: Path | None = None, only: list[str] | None = None) -> list[Path]:
    """The workbook's notebooks in order (``NN_topic.ipynb``), optionally a named subset
    (``00``, ``data_overview``, ``00_data_overview`` or the file name)."""
    folder = notebooks_dir or config.NOTEBOOKS_DIR
    books = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))
    if only:
        wanted: list[Path] = []
        for name in only:
            match = [p for p in books if p.stem == name or p.name == name or p.stem.split("_", 1)[-1] == name
                     or p.stem.startswith(f"{name}_")]
            if not match:
                raise ParamsError(f"--only {name!r} names no notebook; notebooks: "
                                  f"{', '.join(p.stem for p in books)}.")
            wanted += [m for m in match if m not in wanted]
        books = [p for p in books if p in wanted]
    return books


def notebook_parameters(path: Path) -> list[str]:
    """Names a notebook's ``parameters`` cell declares (papermill's own parser)."""
    import papermill

    return list(papermill.inspect_notebook(str(path)).keys())


def check_notebook_parameters(books: list[Path]) -> dict[Path, list[str]]:
    """Every declared notebook parameter must be a field of Params (else exit 2)."""
    out = {}
    for book in books:
        names = notebook_parameters(book)
        unknown = [n for n in names if n not in Params.model_fields]
        if unknown:
            raise ParamsError(f"Notebook {book.name} declares parameters {', '.join(unknown)} that the Params "
                              f"model does not define; add them to src/twinimpact/params.py.")
        out[book] = names
    return out


def ensure_kernel() -> None:
    """Install the pinned kernelspec for this interpreter when it is missing."""
    from jupyter_client.kernelspec import KernelSpecManager

    if config.KERNEL_NAME in KernelSpecManager().find_kernel_specs():
        return
    from ipykernel.kernelspec import install

    install(kernel_name=config.KERNEL_NAME, display_name="Python 3 (twinimpact)", prefix=sys.prefix)


def _ipc_kernel_manager(folder: str, stderr: Any = None) -> type:
    """A kernel manager talking to its kernel over IPC sockets in ``folder``; the kernel
    process's own log (its start and shutdown messages) goes to ``stderr``, not the run's
    progress (what the notebook's code prints travels over the sockets, not there)."""
    from jupyter_client.manager import AsyncKernelManager

    def __init__(self: Any, **kwargs: Any) -> None:
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("ip", os.path.join(folder, "kernel"))
        AsyncKernelManager.__init__(self, **kwargs)

    async def start_kernel(self: Any, **kwargs: Any) -> None:
        if stderr is not None:
            kwargs.setdefault("stderr", stderr)
        await AsyncKernelManager._async_start_kernel(self, **kwargs)

    return type("IPCKernelManager", (AsyncKernelManager,), {"__init__": __init__, "start_kernel": start_kernel})


def execute(book: Path, out: Path, parameters: dict[str, Any]) -> None:
    """Run one notebook with papermill: pinned kernel, explicit cwd, logged, timed out. When
    it fails, the kernel process's last log lines are added to the error."""
    import papermill

    with tempfile.TemporaryDirectory(prefix="twinimpact-kernel-") as sockets:
        log_path = Path(sockets) / "kernel.log"
        with open(log_path, "wb") as log:
            try:
                papermill.execute_notebook(
                    str(book), str(out), parameters=parameters, kernel_name=config.KERNEL_NAME,
                    cwd=str(book.parent), log_output=True, progress_bar=False,
                    execution_timeout=EXECUTION_TIMEOUT_S, report_mode=False,
                    kernel_manager_class=_ipc_kernel_manager(sockets, log),
                )
            except BaseException as exc:
                tail = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-10:]
                if tail:
                    exc.add_note("kernel log:\n" + "\n".join(tail))
                raise


def default_workers() -> int:
    """Notebooks run at once by default: one per core."""
    return max(1, os.cpu_count() or 1)


#: Notebooks that take longest (the engagement fits): with several workers they start
#: first, so that the short ones fill the other cores around them.
START_FIRST = ("03_engagement",)


def execute_all(books: list[Path], out_dir: Path, parameters: dict[Path, dict[str, Any]], workers: int,
                progress: Callable[[str], None]) -> list[tuple[Path, float, BaseException | None]]:
    """Run ``books`` with up to ``workers`` kernels at once (they do not depend on each
    other; the longest start first), each executed notebook written to ``out_dir``. Returns, in the books' order,
    each book with its seconds and its error (None when it ran). After the first failure
    no further notebook starts; those already running finish."""
    from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

    total = len(books)
    results: dict[Path, tuple[float, BaseException | None]] = {}
    started: dict[Future, tuple[Path, float]] = {}
    queue = sorted(books, key=lambda b: b.stem not in START_FIRST) if workers > 1 else list(books)
    failed = False
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="notebook") as pool:
        while queue or started:
            while queue and len(started) < max(1, workers) and not failed:
                book = queue.pop(0)
                progress(f"[{books.index(book) + 1}/{total}] {book.stem} ...")
                started[pool.submit(execute, book, out_dir / book.name, parameters[book])] = (book, time.perf_counter())
            if not started:
                break
            done, _ = wait(list(started), return_when=FIRST_COMPLETED)
            for future in done:
                book, t0 = started.pop(future)
                seconds = round(time.perf_counter() - t0, 1)
                error = future.exception()
                results[book] = (seconds, error)
                if error is None:
                    progress(f"[{books.index(book) + 1}/{total}] {book.stem} ok ({seconds:.1f} s)")
                else:
                    failed = True
                    progress(f"[{books.index(book) + 1}/{total}] {book.stem} FAILED ({seconds:.1f} s)")
    return [(b, *results[b]) for b in books if b in results]
