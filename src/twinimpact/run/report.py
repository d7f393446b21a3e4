"""A run of the workbook, in five steps: **check** the parameters and the data before any
kernel starts, **execute** every notebook (:mod:`.execute`), **collect** the results and
tables they emit (:mod:`.results`), **render** the pages, results.json, tables and the
manifest into a temporary folder (:mod:`.render`, :mod:`.export`, :mod:`.manifest`), and
**publish** it (:mod:`.publish`). A failure at any step leaves the last good report as
it was.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, NoReturn

import nbformat
import pandas as pd

from twinimpact.run import changes, reuse, scrub
from twinimpact import config, results
from twinimpact.sources import data, snapshot, spark
from twinimpact.run import pdf as pdf_
from twinimpact.errors import DataError, NotebookError, ParamsError, PublishError, ResourceError, TwinImpactError
from twinimpact.run.execute import Workers, check_notebook_parameters, default_workers, ensure_kernel, list_notebooks
from twinimpact.run.export import write_tables
from twinimpact.run.manifest import data_block, new_manifest, now
from twinimpact.params import Params, load_params, parse_params
from twinimpact.sources.progress import Progress, stderr_line
from twinimpact.run.publish import keep_failed, latest_name, publish, remove_stale_work, run_id
from twinimpact.run.render import figures_as_html, inline_plotly_js, render, render_page, render_run
from twinimpact.words import quality
from twinimpact.words.statements import plain
from twinimpact.words.summary import run_details_markdown
from twinimpact.analyses.rights.provenance import assets_folder



def _stderr(message: str) -> None:
    stderr_line(message)


@dataclass
class RunOutcome:
    """How a run ended: its id, folder, status and exit code, and its results."""

    run_id: str
    path: Path
    status: str
    exit_code: int
    message: str = ""
    results: dict[str, Any] = field(default_factory=dict)


def prepare(params_file: Path, data_dir: str | None = None, source_env: str | None = None,
            reading: dict[str, str] | None = None) -> Params:
    """Read the parameters file with the CLI's data choice laid over it (exit 2 on error).

    Parameters
    ----------
    params_file
        The YAML parameters file.
    data_dir, source_env
        The command line's ``--data`` or ``--source`` (None: the file's own).
    reading
        How to read the data's files, from the command line: ``encoding``, ``decimal``,
        ``date_order`` (None values leave the file's own).

    Returns
    -------
    Params
    """
    overrides: dict[str, Any] = {k: v for k, v in (reading or {}).items() if v is not None}
    if data_dir is not None:
        try:
            resolved = Path(data_dir).expanduser().resolve()
        except (RuntimeError, OSError) as err:  # a symlink loop, an unreadable parent
            raise DataError(f"Data path {data_dir} cannot be opened: {err}.") from None
        overrides.update(data_dir=str(resolved), source_env="")
    if source_env is not None:
        overrides.update(source_env=source_env, data_dir="")
    params = load_params(params_file, **overrides)
    if params.data_dir and not source_env:
        p = Path(params.data_dir).expanduser()
        if not p.is_absolute():  # relative paths in a YAML file are relative to that file
            params.data_dir = str((params_file.parent / p).resolve())
    if params.assets_dir and not Path(params.assets_dir).expanduser().is_absolute():
        params.assets_dir = str((params_file.parent / Path(params.assets_dir).expanduser()).resolve())
    return params


def _data_label(params: Params) -> str:
    if params.source_env:
        return f"the database named by ${params.source_env}"
    return params.data_dir or str(config.SAMPLE_DIR)


def validate_only(params_file: str | Path, data_dir: str | None = None, source_env: str | None = None,
                  keep_source: bool = False, progress: Progress | None = None, **overrides: Any
                  ) -> tuple[Params, data.Dataset]:
    """Parameters and data checks; no kernel starts. ``overrides`` (parameter name -> value,
    e.g. from a command's own options) are validated with the rest; ``keep_source`` keeps
    the engine open for work on its tables; ``progress`` hears about long work."""
    reading = {k: overrides.pop(k) for k in ("encoding", "decimal", "date_order") if k in overrides}
    params = prepare(Path(params_file), data_dir, source_env, reading)
    if overrides:
        params = parse_params({**params.model_dump(), **overrides}, where=f"{params_file} and the command line")
    # no notebook runs here: what the notebooks declare is checked by a run, before it starts any
    return params, data.load(params, keep_source=keep_source, progress=progress)


class _RunLog:
    """papermill's log of one run, written to ``run.log`` in the run's folder."""

    def __init__(self, path: Path):
        self.logger = logging.getLogger("papermill")
        self.handler = logging.FileHandler(path, encoding="utf-8")
        self.handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        self.logger.addHandler(self.handler)
        self.logger.setLevel(logging.INFO)
        self.propagate, self.logger.propagate = self.logger.propagate, False

    def close(self) -> None:
        self.logger.removeHandler(self.handler)
        self.handler.close()
        self.logger.propagate = self.propagate


@dataclass
class _Run:
    """One run as its steps see it: what was asked, where it goes, and what it made."""

    params: Params
    params_file: Path
    books: list[Path]
    declared: dict[Path, list[str]]
    reports: Path
    scope: str  # "complete", "partial" (--only) or "sweep"
    pdf: tuple[str, str, float] | None  # (paper, Chromium, seconds allowed) when report.pdf is printed too
    progress: Progress
    tables: dict[Path, list[str] | None] = field(default_factory=dict)  # what each notebook declares it reads
    started: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    t0: float = field(default_factory=time.perf_counter)
    id: str = ""
    manifest: dict[str, Any] = field(default_factory=dict)
    keys: dict[Path, str] = field(default_factory=dict)  # each notebook's reuse key (:mod:`.reuse`)
    reused: dict[Path, tuple[str, Path]] = field(default_factory=dict)  # notebook -> (run id, folder) it is copied from
    pages: set[str] = field(default_factory=set)  # notebooks scrubbed and rendered as soon as they finished

    @property
    def tmp(self) -> Path:
        """The run's working folder beside the reports (renamed into place when published)."""
        return self.reports / f".tmp-{self.id}"

    @property
    def snapshot_dir(self) -> Path:
        """The validated data the notebooks read: beside the run, never published."""
        return self.reports / f".tmp-{self.id}-snapshot"


def _unwritable(reports: Path, exc: OSError) -> PublishError:
    return PublishError(f"Cannot write into the reports folder {reports}: {exc.strerror or exc}. Nothing was "
                        "run; choose a writable folder with --out.")


def _writable_reports(reports: Path) -> None:
    """The reports folder exists (or is made) and takes files; exit 5 otherwise."""
    if reports.exists() and not reports.is_dir():
        raise PublishError(f"--out {reports} is a file, not a folder: name a folder for the reports. Nothing was run.")
    try:
        reports.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unwritable(reports, exc) from None


def _check(params_file: Path, data_dir: str | None, source_env: str | None, out: str | Path | None,
           only: list[str] | None, notebooks_dir: Path | None, sweep: bool, pdf: str | None,
           pdf_timeout: float | None, progress: Progress, reading: dict[str, str] | None = None) -> _Run:
    """Step 1, before any kernel starts: parameters, notebooks, the reports folder, Chromium."""
    params = prepare(params_file, data_dir, source_env, reading)
    books = list_notebooks(notebooks_dir, only)
    if not books:
        raise ParamsError(f"No notebooks (NN_topic.ipynb) found in {notebooks_dir or config.NOTEBOOKS_DIR}.")
    declared = check_notebook_parameters(books)
    reports = Path(out).expanduser().resolve() if out else config.REPORTS_DIR  # resolved once, here
    _writable_reports(reports)
    chromium = pdf_.require(pdf) if pdf else None  # no browser, no run
    seconds = pdf_.timeout(pdf_timeout) if pdf else pdf_.DEFAULT_TIMEOUT_S
    return _Run(params, params_file, books, declared, reports,
                "partial" if only else "sweep" if sweep else "complete",
                (pdf, chromium, seconds) if pdf and chromium else None, progress,
                {book: reuse.declared_tables(book) for book in books})


def _plan_reuse(job: _Run, earlier: reuse.Earlier, fingerprints: dict[str, str]) -> None:
    """Each notebook's key, and the notebooks whose executed output an earlier run holds
    under the same key (copied instead of run)."""
    as_of = data.run_date(job.params)

    assets = reuse.assets_identity(assets_folder(job.params))
    job.keys = {book: reuse.notebook_key(book, job.params.notebook_parameters(job.declared[book]),
                                         job.tables[book], fingerprints, as_of, assets) for book in job.books}
    job.reused = {}
    for book in job.books:
        found = earlier.output(book.stem, job.keys[book])
        if found is not None:
            job.reused[book] = found


def _load(job: _Run) -> data.Dataset:
    """Step 1, the data: validated once for the whole run."""
    job.progress(f"validating data from {_data_label(job.params)} ...")
    dataset = data.load(job.params, keep_source=True, progress=job.progress)  # large tables of a database: copied
    job.progress(f"data ok: {', '.join(f'{k} {v:,}' for k, v in dataset.row_counts().items())}")
    return dataset


@contextlib.contextmanager
def _workspace(job: _Run, block: dict[str, Any], dataset: data.Dataset | None
               ) -> Iterator[tuple[Path | None, "_RunLog"]]:
    """The run's working folder, its log and the snapshot of its data (none when every
    notebook is reused); whatever happens, nothing half-built stays beside the reports (a
    failed run is kept under _failed/)."""
    job.id = run_id(job.started, job.params_file.stem, job.params, block["fingerprint"], job.reports)
    try:
        remove_stale_work(job.reports)  # working folders left by runs that were killed
        job.tmp.mkdir()
        (job.tmp / "pid").write_text(str(os.getpid()))
    except OSError as exc:
        raise _unwritable(job.reports, exc) from None
    log = _RunLog(job.tmp / "run.log")
    job.manifest = new_manifest(job.id, job.started, job.params_file.stem, data.shown_path(str(job.params_file)),
                                job.params, block)
    job.manifest["scope"] = job.scope
    try:
        run_file = None
        if dataset is not None:
            serving = False  # the notebooks attach to the run's Spark session: it stays up until they finish
            try:
                if len(job.reused) < len(job.books):
                    run_file = snapshot.write(dataset, job.params, job.snapshot_dir, static=True,
                                              progress=job.progress)
                    serving = snapshot.attached(run_file)
            except OSError as exc:
                raise PublishError(f"Cannot write the run's working data into {job.reports}: {exc.strerror or exc}. "
                                   "Nothing was run; free space or choose another --out.") from None
            finally:
                if dataset.source is not None and not serving:
                    dataset.source.close()
                    dataset.source = None
        yield run_file, log
    finally:
        if dataset is not None and dataset.source is not None:
            dataset.source.close()
            dataset.source = None
        shutil.rmtree(job.snapshot_dir, ignore_errors=True)
        log.close()
        if job.tmp.exists():  # a PublishError left it: keep nothing half-built beside the reports
            shutil.rmtree(job.tmp, ignore_errors=True)


def _execute_all(job: _Run, run_file: Path | None, log: "_RunLog", workers: Workers | None
                 ) -> list[tuple[str, Any]]:
    """Step 2: every notebook, on the run's workers, except those reused from an earlier run
    (copied); a failure keeps its notebook (exit 4)."""
    total = len(job.books)
    for book, (rid, folder) in job.reused.items():
        try:
            reuse.copy_output(folder, book.stem, job.tmp)
        except OSError as exc:
            raise PublishError(f"Could not copy {book.stem} from run {rid} into {job.reports}: {exc}. The previous "
                               "report is untouched; run again with --fresh.") from None
        job.progress(f"[{job.books.index(book) + 1}/{total}] {book.stem} reused from run {rid} (its inputs are "
                     "unchanged)")
    todo = [book for book in job.books if book not in job.reused]
    outcomes = []
    pairs = scrub.replacements(job.tmp, job.reports, job.params, job.params_file)
    if todo:
        assert workers is not None and run_file is not None
        parameters = {book: job.params.notebook_parameters(job.declared[book]) for book in todo}
        outcomes = workers.run_all(todo, job.tmp, parameters, job.progress, run_file=run_file,
                                   finished_ok=_page_as_it_finishes(job, pairs))
    done = {book: (seconds, error, reads) for book, seconds, error, reads in outcomes}
    for book in job.books:
        entry: dict[str, Any] = {"name": book.stem, "key": job.keys.get(book)}
        if book in job.reused:
            entry.update(seconds=0.0, status="reused", reused_from=job.reused[book][0])
        elif book in done:
            seconds, error, reads = done[book]
            extra = reuse.undeclared(reads, job.tables[book])
            unknown = reads is None and job.tables[book] is not None  # it did not start the package's way
            entry.update(seconds=seconds, status="ok" if error is None else "failed", tables_read=reads,
                         reusable=not extra and not unknown)
            if extra and error is None:
                job.progress(f"note: {book.stem} read {', '.join(extra)}, which its metadata (twinimpact.tables) "
                             "does not declare; it will run again on every run until it does")
            elif unknown and error is None:
                job.progress(f"note: {book.stem} did not load its data with notebook.start, so the tables it read "
                             "are unknown; it will run again on every run")
        else:
            continue
        job.manifest["notebooks"].append(entry)
    for book in done:
        try:
            if book.stem not in job.pages and (job.tmp / book.name).is_file():
                scrub.scrub_file(job.tmp / book.name, pairs)
        except OSError as exc:
            raise PublishError(f"Could not write the executed notebook {book.name} into {job.reports}: {exc}. "
                               "Free space or choose another --out; the previous report is untouched.") from None
    failed = next(((book, error) for book, _, error, _ in outcomes if error is not None), None)
    if failed is not None:
        book, exc = failed
        log.close()
        if isinstance(exc, OSError) or isinstance(exc.__cause__, OSError):
            raise PublishError(f"Could not write the executed notebook {book.name} into {job.reports}: "
                               f"{exc}. Free space or choose another --out; the previous report is "
                               "untouched.") from None
        _fail(job, book, exc)
    return [(book.stem, nbformat.read(job.tmp / book.name, as_version=4)) for book in job.books]


def _page_as_it_finishes(job: _Run, pairs: list[tuple[str, str]]) -> Callable[[Path], None]:
    """What a worker does with a notebook that ran: scrub it and render its page at once,
    while the other notebooks still run (the cores would otherwise wait for the last
    notebook, then render every page). One page at a time (one exporter per process); a
    page that fails here is left to the report's rendering, whose error names the cause."""
    lock = threading.Lock()

    def finished(book: Path) -> None:
        try:
            path = job.tmp / book.name
            scrub.scrub_file(path, pairs)
            nb = nbformat.read(path, as_version=4)
            with lock:
                render_page(job.tmp, book.stem, nb)
            job.pages.add(book.stem)
        except Exception:  # noqa: BLE001 - scrubbed and rendered again with the rest, which reports it
            (job.tmp / f"{book.stem}.html").unlink(missing_ok=True)

    return finished


def _collect(job: _Run, executed: list[tuple[str, Any]], block: dict[str, Any]
             ) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """Step 3: the results blocks and key tables every notebook emitted, and the run block."""
    job.progress("rendering the report ...")
    blocks: dict[str, Any] = {}
    tables: dict[str, pd.DataFrame] = {}
    for _, nb in executed:
        found, found_tables = results.collect(nb)
        for name, found_block in found.items():
            results.merge_block(blocks, name, found_block)
        tables.update(found_tables)
    res = results.merge(blocks)
    res["run"] = {"id": job.id, "params_name": job.params_file.stem, "reporting_currency":
                  job.params.reporting_currency, "data_fingerprint": block["fingerprint"], "status": "ok",
                  "reused": {book.stem: rid for book, (rid, _) in job.reused.items()}}
    res["conclusions"].update(plain.plain_conclusions(res))  # the decision page reads every chapter
    res["quality"] = quality.card(res)
    return res, tables


def _render(job: _Run, executed: list[tuple[str, Any]], res: dict[str, Any],
            tables: dict[str, pd.DataFrame]) -> None:
    """Step 4: results.json, every page, the tables (and report.pdf), inside the working folder."""
    tmp = job.tmp
    try:
        (tmp / "results.json").write_text(results.dumps(res), encoding="utf-8")
        previous = job.reports / latest_name(str(res["run"]["params_name"]))
        before = changes.read_previous(previous) if previous.is_symlink() else None
        diff = changes.compare(res, job.manifest, tables.get("rights_findings"), before)
        render_run(tmp, executed, res, job.manifest,
                   changes.markdown(diff) + "\n" + run_details_markdown(res, job.manifest),
                   rendered={book.stem for book in job.reused} | job.pages)
        write_tables(tables, tmp)
    except Exception as exc:  # noqa: BLE001
        raise PublishError(f"Could not render the report for run {job.id}: {exc}. "
                           f"The previous report is untouched.") from exc
    if job.pdf is not None:
        job.progress(f"printing report.pdf ({job.pdf[0]}) with Chromium, waiting for every chart "
                     f"(at most {job.pdf[2]:g} s) ...")
        pdf_.write(tmp / "index.html", tmp / "report.pdf", *job.pdf)
    job.manifest.update(status="ok", finished_at=now(), seconds=round(time.perf_counter() - job.t0, 1))
    results.write_json(tmp / "manifest.json", job.manifest)


def _publish(job: _Run, log: "_RunLog", res: dict[str, Any]) -> RunOutcome:
    """Step 5: the working folder renamed into place; ``latest`` moves for a complete run."""
    log.close()
    (job.tmp / "pid").unlink(missing_ok=True)
    try:
        scrub.scrub_file(job.tmp / "run.log", scrub.replacements(job.tmp, job.reports, job.params, job.params_file))
        final = publish(job.tmp, job.reports, job.id, job.params_file.stem, job.scope)
    except OSError as exc:
        raise PublishError(f"Could not publish run {job.id} into {job.reports}: {exc}. "
                           f"The previous report is untouched.") from exc
    job.progress(f"published {final}/index.html ({job.manifest['seconds']:.0f} s)")
    return RunOutcome(job.id, final, "ok", 0, results=res)


def run(
    params_file: str | Path = config.DEFAULT_PARAMS,
    *,
    data_dir: str | None = None,
    source_env: str | None = None,
    out: str | Path | None = None,
    only: list[str] | None = None,
    notebooks_dir: Path | None = None,
    progress: Progress = _stderr,
    workers: int | None = None,
    sweep: bool = False,
    pdf: str | None = None,
    pdf_timeout: float | None = None,
    fresh: bool = False,
    reading: dict[str, str] | None = None,
) -> RunOutcome:
    """Check, execute (up to ``workers`` notebooks at once, default one per core), collect,
    render and publish one run. A run of a subset (``only``) is published as partial and a
    run of a sweep as such; only a complete run moves ``latest`` (:func:`publish.publish`).
    ``pdf`` names a paper (``A4`` or ``letter``) to print ``report.pdf`` on as well; without
    Chromium that stops the run before anything runs; ``pdf_timeout`` bounds the printing
    (seconds; default from ``TWINIMPACT_PDF_TIMEOUT``, else :data:`pdf.DEFAULT_TIMEOUT_S`). A notebook whose inputs are those of
    its output in an earlier complete run in the same reports folder is copied from it, not
    run (:mod:`.reuse`); ``fresh`` runs every notebook. Raises TwinImpactError subclasses.

    Parameters
    ----------
    params_file
        The YAML parameters file.
    data_dir, source_env, out, only, notebooks_dir, progress, workers, sweep, pdf, pdf_timeout, fresh
        As above.
    reading
        How to read the data's files (:func:`prepare`).

    Returns
    -------
    RunOutcome
    """
    job = _check(Path(params_file), data_dir, source_env, out, only, notebooks_dir, sweep, pdf, pdf_timeout,
                 progress, reading)
    ensure_kernel()
    _freeze_imports()
    earlier = reuse.Earlier() if fresh else reuse.Earlier.scan(job.reports)
    key = reuse.validation_key(job.params, data.run_date(job.params))
    known = earlier.data(key)
    if known is not None:  # the data files are those an earlier run validated
        _plan_reuse(job, earlier, {n: t["sha256"] for n, t in known["tables"].items()})
        if len(job.reused) == len(job.books):
            job.progress("data files and every notebook's inputs unchanged since run "
                         f"{next(iter(job.reused.values()))[0]}: nothing to validate or execute (--fresh runs all)")
            return _finish(job, {**known, "validation_key": key}, None, None)
    # the workers start their kernels and import the stack while the data are validated;
    # on bad data they are shut down before anything runs
    with Workers(min(workers or default_workers(), len(job.books)), job.books[0].parent) as pool:
        dataset = _load(job)
        block = data_block(job.params, dataset, key)
        _plan_reuse(job, earlier, dataset.fingerprints)
        return _finish(job, block, dataset, pool)


def _finish(job: _Run, block: dict[str, Any], dataset: data.Dataset | None, pool: Workers | None) -> RunOutcome:
    """Steps 2 to 5 once the data are known: execute (or reuse), collect, render, publish."""
    with _workspace(job, block, dataset) as (run_file, log):
        executed = _execute_all(job, run_file, log, pool)
        res, tables = _collect(job, executed, block)
        _render(job, executed, res, tables)
        return _publish(job, log, res)


_frozen = False


def _freeze_imports() -> None:
    """Once per process: the objects of the imported stack move out of the garbage
    collector's reach (``gc.freeze``), so that the run's collections do not walk them again
    and again (about 0.5 s of a sample run)."""
    global _frozen
    if not _frozen:
        gc.freeze()
        _frozen = True


def _fail(job: _Run, book: Path, exc: BaseException) -> NoReturn:
    """Keep the failed run under _failed/ with the error notebook rendered; exit 4, or 6
    when the engine ran out of memory (:class:`~twinimpact.errors.ResourceError`)."""
    out_nb = job.tmp / book.name
    lines = str(exc).strip().splitlines()
    memory = data.out_of_memory(str(exc))
    died = type(exc).__name__ == "DeadKernelError"  # nbclient's: the kernel process went away during a cell
    reason = memory or ("its kernel died while a cell ran (killed, or out of memory: the system may have stopped "
                        "it)" if died else next((ln for ln in reversed(lines) if ln.strip()), type(exc).__name__))
    job.manifest.update(status="failed", failed_notebook=book.stem, error=reason[:500], finished_at=now(),
                        seconds=round(time.perf_counter() - job.t0, 1))
    failed_dir = job.reports / "_failed" / job.id
    try:
        if out_nb.exists():
            render(figures_as_html(nbformat.read(out_nb, as_version=4), "failed", inline_plotly_js()),
                   job.tmp / f"{book.stem}.html", hide_input=False, title=f"FAILED {book.stem}")
        results.write_json(job.tmp / "manifest.json", job.manifest)
        (job.tmp / "pid").unlink(missing_ok=True)
        failed_dir = keep_failed(job.tmp, job.reports, job.id)
    except Exception as render_exc:  # noqa: BLE001 - the notebook failure is the news
        job.progress(f"(could not keep the failed run: {render_exc})")
    said = None if memory or died else spark.notebook_failure(str(exc), reason, book.name)
    error = ResourceError if memory else NotebookError
    where = (f" The executed notebook with the error is in {failed_dir}/{book.stem}.html (and .ipynb)."
             if (failed_dir / f"{book.stem}.ipynb").exists() else
             f" The notebook had not started, so no executed copy was kept; the run's manifest is in {failed_dir}.")
    if said is not None:  # the run's Spark session failed under the notebook
        raise type(said)(f"{said}{where}")
    raise error(f"Notebook {book.name} failed: {reason[:300]}. Nothing was published; the previous report is intact."
                + where)


__all__ = ["run", "validate_only", "RunOutcome", "TwinImpactError"]
