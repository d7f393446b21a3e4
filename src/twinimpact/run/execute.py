"""Execution: which notebooks make up the workbook, what parameters they declare, the one
pinned kernel, and running a notebook with papermill.

A notebook runs with an explicit working directory, logged output, a per-cell timeout and
a kernel that talks over IPC sockets (no TCP ports to race for when notebooks or runs go
in parallel, papermill #511). :class:`Workers` runs the notebooks of a run side by side, up
to one per core, each worker keeping its kernel (warmed while the data are validated) from
one notebook to the next. papermill writes the executed notebook, error banner and all,
even when a cell fails; the run then raises and the runner keeps that notebook for the
analyst.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from twinimpact import config
from twinimpact.errors import ParamsError
from twinimpact.params import Params
from twinimpact.sources.progress import heartbeat
from twinimpact.sources.snapshot import RUN_FILE_ENV

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


#: How long a new client waits for the broadcast (IOPub) channel to carry the status of its
#: ``kernel_info`` request before it asks again (the channel may not be connected yet).
IOPUB_READY_S = 0.5


def _ready_client() -> type:
    """jupyter_client's asynchronous kernel client, ready as soon as the kernel has answered
    ``kernel_info`` on the shell channel and the broadcast channel has carried that request's
    ``idle`` status (so it is connected: nothing the first cell prints is lost). jupyter_client's
    own check then waits 0.2 s more for the broadcast channel to fall silent, on every notebook
    papermill starts on a kept kernel (nbclient makes a new client each time); the messages it
    would drain belong to the ``kernel_info`` request, and nbclient reads only those of the
    cell it executes."""
    from jupyter_client.asynchronous import AsyncKernelClient

    class ReadyKernelClient(AsyncKernelClient):  # type: ignore[misc]
        async def wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:
                msg_id = self.kernel_info()
                reply = await self._answer(self.shell_channel, msg_id, min(deadline, time.monotonic() + 1.0))
                if reply is not None and await self._answer(self.iopub_channel, msg_id,
                                                            min(deadline, time.monotonic() + IOPUB_READY_S),
                                                            idle=True) is not None:
                    self._handle_kernel_info_reply(reply)
                    return
                if not await self.is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

        @staticmethod
        async def _answer(channel: Any, msg_id: str, until: float, idle: bool = False) -> dict[str, Any] | None:
            """The first message on ``channel`` whose parent is ``msg_id`` (with ``idle``: its
            ``idle`` status), or None when none comes before ``until``."""
            from queue import Empty

            while (left := until - time.monotonic()) > 0:
                try:
                    msg = await channel.get_msg(timeout=left)
                except Empty:
                    return None
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if not idle or (msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle"):
                    return msg
            return None

    return ReadyKernelClient


def _ipc_kernel_manager(folder: str, stderr: Any = None) -> type:
    """A kernel manager talking to its kernel over IPC sockets in ``folder``, its clients
    :func:`_ready_client`'s; the kernel process's own log (its start and shutdown messages)
    goes to ``stderr``, not the run's progress (what the notebook's code prints travels over
    the sockets, not there)."""
    from jupyter_client.manager import AsyncKernelManager

    client = _ready_client()

    def __init__(self: Any, **kwargs: Any) -> None:
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("ip", os.path.join(folder, "kernel"))
        AsyncKernelManager.__init__(self, **kwargs)
        self.client_factory = client

    async def start_kernel(self: Any, **kwargs: Any) -> None:
        if stderr is not None:
            kwargs.setdefault("stderr", stderr)
        await AsyncKernelManager._async_start_kernel(self, **kwargs)

    return type("IPCKernelManager", (AsyncKernelManager,), {"__init__": __init__, "start_kernel": start_kernel})


#: Seconds a kernel may take to answer the run's own short requests between notebooks.
PREPARE_TIMEOUT_S = 120


class KernelDied(RuntimeError):
    """A notebook's kernel process is gone (killed, or out of memory)."""


def _add_kernel_log(exc: BaseException, log_path: Path) -> None:
    """Attach the kernel process's last log lines to a notebook's failure."""
    tail = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-10:]
    if tail:
        exc.add_note("kernel log:\n" + "\n".join(tail))


_registered = False


def _engine() -> str:
    """papermill's nbclient engine, saving the output notebook when it starts, when it ends
    and every ``autosave_cell_every`` seconds of a long cell, but not twice per cell (a
    whole-notebook write each time: about a third of a short notebook's run)."""
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    global _registered
    if _registered:
        return ENGINE

    class Manager(NotebookExecutionManager):  # type: ignore[misc]
        quiet = False

        def save(self, **kwargs: Any) -> None:
            if not self.quiet:
                super().save(**kwargs)

        def _quietly(self, step: Any, *args: Any, **kwargs: Any) -> None:
            self.quiet = True
            try:
                step(*args, **kwargs)
            finally:
                self.quiet = False

        def cell_start(self, cell: Any, cell_index: int | None = None, **kwargs: Any) -> None:
            if self.output_path and cell_index is not None:
                CELLS[str(self.output_path)] = (cell_index + 1, len(self.nb.cells))
            self._quietly(super().cell_start, cell, cell_index, **kwargs)

        def cell_complete(self, *args: Any, **kwargs: Any) -> None:
            self._quietly(super().cell_complete, *args, **kwargs)

    class Engine(NBClientEngine):  # type: ignore[misc]
        @classmethod
        def execute_notebook(cls, nb: Any, kernel_name: str, output_path: str | None = None,
                             progress_bar: bool = True, log_output: bool = False, autosave_cell_every: int = 30,
                             **kwargs: Any) -> Any:
            nb_man = Manager(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
                             autosave_cell_every=autosave_cell_every)
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

    papermill_engines.register(ENGINE, Engine)
    _registered = True
    return ENGINE


ENGINE = "twinimpact"
#: Executed notebook path -> (the cell running, cells): what the progress of a long notebook says.
CELLS: dict[str, tuple[int, int]] = {}


def default_workers() -> int:
    """Notebooks run at once by default: one per core."""
    return max(1, os.cpu_count() or 1)


#: Notebooks that take longest (the engagement fits): with several workers they start
#: first, so that the short ones fill the other cores around them.
START_FIRST = ("03_engagement",)
#: Short notebooks that read nothing another computes, kept for the end: one fills a worker
#: while the scenarios notebook, which waits for the engagement fit and queues before it,
#: finishes on the other (on the sample, with it queued last, one worker stood idle for a
#: second at the end).
START_LAST = ("04_rights_and_representation",)


def start_order(books: list[Path], workers: int) -> list[Path]:
    """The order notebooks are handed to ``workers`` workers: with one, the books' own; with
    more, :data:`START_FIRST` first and :data:`START_LAST` last, the rest in their order."""
    if workers < 2:
        return list(books)
    return sorted(books, key=lambda b: (b.stem not in START_FIRST) + 2 * (b.stem in START_LAST))


#: What a worker's kernel imports while the runner still validates the data, so that its
#: first notebook does not wait for the stack to load.
WARM_IMPORTS = (
    # (not statsmodels: no analysis imports it, the tests check our fits against it)
    "import gc, pandas, pyarrow.parquet, plotly.graph_objects as _go, scipy.special, ibis, duckdb\n"
    "from twinimpact import charts, cost, engagement, labor, narrate, notebook, overview, results, rights, "
    "scenarios, statements\n"
    # what the first use of each loads: the engine's backend, the chart theme and plotly's
    # validators, the table styler's templates
    "ibis.duckdb.connect().disconnect()\n"
    "charts.setup()\n"
    "_go.Figure([_go.Bar(x=[1], y=[1]), _go.Scatter(x=[1], y=[1])]).to_json()\n"
    "pandas.DataFrame({'a': [1.0]}).style.format('{:.1f}').to_html()\n"
    # the stack's objects are never garbage: collections (and %reset) no longer walk them
    "gc.collect(); gc.freeze()\n"
    "del _go")


#: The thread pools of the linear algebra libraries numpy and scipy may load (OpenBLAS,
#: OpenMP, MKL), sized by these variables when the library loads.
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def kernel_env() -> dict[str, str]:
    """The environment a worker's kernel starts with: this process's, with each thread pool
    of :data:`THREAD_VARIABLES` that is not set already limited to one thread. Kernels run
    side by side, one per core: left alone, each kernel's OpenBLAS starts a thread per core
    and the threads of two kernels wait on each other (two processes fitting the engagement
    model at once on 2 cores took 30 s each, 10 s with one thread each). One thread also
    adds up every product in one order, so ``--workers 1`` and the default give the same
    numbers."""
    env = dict(os.environ)
    for name in THREAD_VARIABLES:
        env.setdefault(name, "1")
    return env


class _WorkerKernel:
    """One worker's kernel, kept between the notebooks it runs so that each does not start
    a kernel and import the stack again. Before each notebook the kernel's namespace is
    reset (``%reset -f``: nothing a notebook defined reaches the next; imported modules
    stay loaded) and it is told where the run's snapshot is (the one variable
    :data:`~twinimpact.sources.snapshot.RUN_FILE_ENV`). After a failure the
    kernel is shut down and the next notebook gets a new one."""

    def __init__(self) -> None:
        self.folder = tempfile.TemporaryDirectory(prefix="twinimpact-kernel-")
        self.log_path = Path(self.folder.name) / "kernel.log"
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in close()
        self.km: Any = None

    def start(self, cwd: Path, code: str = "") -> None:
        from jupyter_core.utils import run_sync

        if self.km is None:
            self.km = _ipc_kernel_manager(self.folder.name, self.log)(kernel_name=config.KERNEL_NAME)
            run_sync(self.km.start_kernel)(cwd=str(cwd), env=kernel_env())
            if code:
                self._execute(code)

    def run(self, book: Path, out: Path, parameters: dict[str, Any], run_file: Path | None = None
            ) -> list[str] | None:
        """Execute one notebook on this worker's kernel (reset first, told the run's snapshot);
        returns the contract tables it read (None when it did not start the package's way).

        Parameters
        ----------
        book
            The notebook.
        out
            Where the executed notebook is written.
        parameters
            Its papermill parameters.
        run_file
            The run's snapshot.json, or None outside a run.

        Returns
        -------
        list of str or None
            :func:`twinimpact.notebook.tables_read` in the kernel after the notebook.
        """
        import papermill

        try:
            self.start(book.parent)
            variable = f"_os.environ[{RUN_FILE_ENV!r}] = {str(run_file)!r}" if run_file else \
                f"_os.environ.pop({RUN_FILE_ENV!r}, None)"
            # the namespace reset, the working folder, the run's snapshot, and no tables read yet (what the
            # previous notebook's data were read for must not count as this one's)
            self._execute(f"%reset -f\nimport os as _os, sys as _sys\n_os.chdir({str(book.parent)!r})\n{variable}\n"
                          "_m = _sys.modules.get('twinimpact.notebook.start')\n"
                          "if _m is not None: _m._last = None\ndel _os, _sys, _m")
            papermill.execute_notebook(
                str(book), str(out), parameters=parameters, kernel_name=config.KERNEL_NAME,
                cwd=str(book.parent), log_output=True, progress_bar=False,
                execution_timeout=EXECUTION_TIMEOUT_S, report_mode=False, km=self.km, engine_name=_engine(),
            )
            reads = Path(self.folder.name) / "reads.json"
            reads.unlink(missing_ok=True)
            self._execute("import json as _j, sys as _s\n_m = _s.modules.get('twinimpact.notebook.start')\n"
                          f"open({str(reads)!r}, 'w').write(_j.dumps(_m.tables_read() if _m else None))\n"
                          "del _j, _s, _m")
            return json.loads(reads.read_text(encoding="utf-8"))
        except BaseException as exc:
            self.log.flush()
            _add_kernel_log(exc, self.log_path)
            self._stop()
            raise

    def _execute(self, code: str) -> None:
        """Run ``code`` quietly; only the shell channel is opened (its reply queues until read,
        so no wait for the kernel's broadcast channel to connect, which costs up to a second)."""
        from jupyter_core.utils import run_sync

        async def go() -> None:
            from queue import Empty

            kc = self.km.client()
            kc.start_channels(iopub=False, stdin=False, hb=False, control=False)
            try:
                msg_id = kc.execute(code, silent=True, store_history=False)
                deadline = time.monotonic() + PREPARE_TIMEOUT_S
                while True:  # asked once a second whether the kernel still lives: a killed one is said at once
                    try:
                        reply = await kc.shell_channel.get_msg(timeout=1.0)
                    except Empty:
                        if not await self.km.is_alive():
                            raise KernelDied("its kernel died before the notebook ran (killed, or out of memory: the "
                                             "system may have stopped it)") from None
                        if time.monotonic() > deadline:
                            raise RuntimeError(f"its kernel did not answer within {PREPARE_TIMEOUT_S} s") from None
                        continue
                    if reply["parent_header"].get("msg_id") == msg_id:
                        break
                if reply["content"]["status"] != "ok":
                    raise RuntimeError(f"the kernel could not prepare for the next notebook: {reply['content']}")
            finally:
                kc.stop_channels()

        run_sync(go)()

    def _stop(self) -> None:
        from jupyter_core.utils import run_sync

        if self.km is not None:
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001 - a dead kernel needs no shutdown
                pass
            self.km = None

    def close(self) -> None:
        self._stop()
        self.log.close()
        self.folder.cleanup()


class Workers:
    """Up to ``n`` notebooks at once, each worker a thread with its own kernel
    (:class:`_WorkerKernel`). Created before the data are validated, the workers start
    their kernels and import the stack meanwhile (``warm``); :meth:`run_all` then runs the
    notebooks. Use as a context manager: leaving it shuts every kernel down."""

    def __init__(self, n: int, cwd: Path, warm: bool = True):
        import queue
        import threading

        self.n = max(1, n)
        self.jobs: "queue.SimpleQueue[Any]" = queue.SimpleQueue()
        self.threads = [threading.Thread(target=self._work, args=(cwd, warm), name=f"notebook-{i}", daemon=True)
                        for i in range(self.n)]
        for t in self.threads:
            t.start()

    def _work(self, cwd: Path, warm: bool) -> None:
        kernel = _WorkerKernel()
        try:
            if warm:
                try:
                    kernel.start(cwd, WARM_IMPORTS)
                except Exception:  # noqa: BLE001 - warming is an optimisation: the notebook starts its own
                    kernel._stop()
            while True:
                job = self.jobs.get()
                if job is None:
                    return
                try:
                    job(kernel)
                except BaseException:  # noqa: BLE001 - a job reports its own errors; the worker must live on
                    kernel._stop()
        finally:
            kernel.close()

    def run_all(self, books: list[Path], out_dir: Path, parameters: dict[Path, dict[str, Any]],
                progress: Callable[[str], None], run_file: Path | None = None,
                finished_ok: Callable[[Path], None] | None = None,
                ) -> list[tuple[Path, float, BaseException | None, list[str] | None]]:
        """Run ``books`` (they do not depend on each other; in :func:`start_order`), each
        executed notebook written to ``out_dir``, each told the run's snapshot ``run_file``. Returns, in the books' order, each book with
        its seconds and its error (None when it ran). After the first failure no further
        notebook starts; those already running finish.

        Parameters
        ----------
        books
            The notebooks.
        out_dir
            Where each executed notebook is written.
        parameters
            Notebook -> its papermill parameters.
        progress
            Where progress lines go.
        run_file
            The run's snapshot.json, named to every notebook by the one variable.
        finished_ok
            Called with each notebook that ran without error, in its worker's thread, as soon
            as it has (the runner renders its page there while the others still run); what
            it raises is that notebook's error.

        Returns
        -------
        list of tuple
            (book, seconds, error or None, the tables it read or None), in the books' order.
        """
        import threading

        total = len(books)
        order = start_order(books, self.n)
        results: dict[Path, tuple[float, BaseException | None, list[str] | None]] = {}
        failed = threading.Event()
        finished = threading.Semaphore(0)
        running: dict[Path, float] = {}

        def still() -> str | None:
            now = time.perf_counter()
            parts = []
            for book, t0 in sorted(running.items(), key=lambda kv: kv[1]):
                cell = CELLS.get(str(out_dir / book.name))
                where = f", cell {cell[0]} of {cell[1]}" if cell else ""
                parts.append(f"{book.stem} ({now - t0:.0f} s{where})")
            return f"still running {', '.join(parts)}" if parts else None

        def job(book: Path) -> Callable[[_WorkerKernel], None]:
            def run(kernel: _WorkerKernel) -> None:
                try:
                    if failed.is_set():
                        return
                    label = f"[{books.index(book) + 1}/{total}] {book.stem}"
                    progress(f"{label} ...")
                    t0 = time.perf_counter()
                    running[book] = t0
                    error: BaseException | None = None
                    reads = None
                    try:
                        reads = kernel.run(book, out_dir / book.name, parameters[book], run_file)
                        if finished_ok is not None:
                            finished_ok(book)
                    except BaseException as exc:  # noqa: BLE001 - reported with the notebook's name
                        error = exc
                        failed.set()
                    finally:
                        running.pop(book, None)
                    seconds = round(time.perf_counter() - t0, 1)
                    results[book] = (seconds, error, reads)
                    progress(f"{label} {'ok' if error is None else 'FAILED'} ({seconds:.1f} s)")
                finally:
                    finished.release()
            return run

        for book in order:
            self.jobs.put(job(book))
        with heartbeat(progress, still):
            for _ in order:
                finished.acquire()
        return [(b, *results[b]) for b in books if b in results]

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc: Any) -> None:
        for _ in self.threads:
            self.jobs.put(None)
        for t in self.threads:
            t.join()
