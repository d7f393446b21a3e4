"""A run of the workbook, in five steps: **check** the parameters and the data before any
kernel starts, **execute** every notebook (:mod:`.execute`), **collect** the results and
tables they emit (:mod:`.results`), **render** the pages, results.json, tables and the
manifest into a temporary folder (:mod:`.render`, :mod:`.export`, :mod:`.manifest`), and
**publish** it (:mod:`.publish`). A failure at any step leaves the last good report as
it was.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, NoReturn

import nbformat
import pandas as pd

from twinimpact.run import changes
from twinimpact import config, results
from twinimpact.sources import data, snapshot
from twinimpact.notebook import whatif
from twinimpact.run import pdf as pdf_
from twinimpact.errors import NotebookError, ParamsError, PublishError, TwinImpactError
from twinimpact.run.execute import Workers, check_notebook_parameters, default_workers, ensure_kernel, list_notebooks
from twinimpact.run.export import write_tables
from twinimpact.run.manifest import new_manifest, now
from twinimpact.params import Params, load_params
from twinimpact.run.publish import keep_failed, latest_name, publish, remove_stale_work, run_id
from twinimpact.run.render import figures_as_html, inline_plotly_js, render, render_run
from twinimpact.words.summary import run_details_markdown

Progress = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class RunOutcome:
    """How a run ended: its id, folder, status and exit code, and its results."""

    run_id: str
    path: Path
    status: str
    exit_code: int
    message: str = ""
    results: dict[str, Any] = field(default_factory=dict)


def prepare(params_file: Path, data_dir: str | None = None, source_env: str | None = None) -> Params:
    """Read the parameters file with the CLI's data choice laid over it (exit 2 on error)."""
    overrides: dict[str, Any] = {}
    if data_dir is not None:
        overrides.update(data_dir=str(Path(data_dir).expanduser().resolve()), source_env="")
    if source_env is not None:
        overrides.update(source_env=source_env, data_dir="")
    params = load_params(params_file, **overrides)
    if params.data_dir and not source_env:
        p = Path(params.data_dir).expanduser()
        if not p.is_absolute():  # relative paths in a YAML file are relative to that file
            params.data_dir = str((params_file.parent / p).resolve())
    return params


def _data_label(params: Params) -> str:
    if params.source_env:
        return f"the database named by ${params.source_env}"
    return params.data_dir or str(config.SAMPLE_DIR)


def validate_only(params_file: str | Path, data_dir: str | None = None, source_env: str | None = None
                  ) -> tuple[Params, data.Dataset]:
    """Parameters and data checks; no kernel starts."""
    params = prepare(Path(params_file), data_dir, source_env)
    check_notebook_parameters(list_notebooks())
    return params, data.load(params)


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


def _execute_all(books: list[Path], declared: dict[Path, list[str]], params: Params, tmp: Path,
                 manifest: dict[str, Any], progress: Progress, workers: Workers) -> list[tuple[str, Any]]:
    """Step 2: every notebook, on the run's workers; a failure raises with its notebook kept."""
    parameters = {book: params.notebook_parameters(declared[book]) for book in books}
    outcomes = workers.run_all(books, tmp, parameters, progress)
    for book, seconds, error in outcomes:
        manifest["notebooks"].append({"name": book.stem, "seconds": seconds, "status": "ok" if error is None
                                      else "failed"})
    failed = next(((book, error) for book, _, error in outcomes if error is not None), None)
    if failed is not None:
        raise _NotebookFailed(*failed)
    return [(book.stem, nbformat.read(tmp / book.name, as_version=4)) for book, _, _ in outcomes]


class _NotebookFailed(Exception):
    def __init__(self, book: Path, exc: BaseException):
        self.book, self.exc = book, exc


def _collect(executed: list[tuple[str, Any]]) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """Step 3: the results blocks and key tables every notebook emitted."""
    blocks: dict[str, Any] = {}
    tables: dict[str, pd.DataFrame] = {}
    for _, nb in executed:
        found, found_tables = results.collect(nb)
        for name, block in found.items():
            results.merge_block(blocks, name, block)
        tables.update(found_tables)
    return blocks, tables


def _render(tmp: Path, executed: list[tuple[str, Any]], res: dict[str, Any], tables: dict[str, pd.DataFrame],
            manifest: dict[str, Any]) -> None:
    """Step 4: results.json, every page and the tables, inside the temporary folder."""
    try:
        (tmp / "results.json").write_text(results.dumps(res), encoding="utf-8")
        previous = tmp.parent / latest_name(str(res["run"]["params_name"]))
        before = changes.read_previous(previous) if previous.is_symlink() else None
        diff = changes.compare(res, manifest, tables.get("rights_findings"), before)
        render_run(tmp, executed, res, manifest, changes.markdown(diff) + "\n" + run_details_markdown(res, manifest))
        write_tables(tables, tmp)
    except Exception as exc:  # noqa: BLE001
        raise PublishError(f"Could not render the report for run {res['run']['id']}: {exc}. "
                           f"The previous report is untouched.") from exc


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
) -> RunOutcome:
    """Check, execute (up to ``workers`` notebooks at once, default one per core), collect,
    render and publish one run. A run of a subset (``only``) is published as partial and a
    run of a sweep as such; only a complete run moves ``latest`` (:func:`publish.publish`).
    ``pdf`` names a paper (``A4`` or ``letter``) to print ``report.pdf`` on as well; without
    Chromium that stops the run before anything runs.
    Raises TwinImpactError subclasses."""
    started = datetime.now(timezone.utc)
    t0 = time.perf_counter()
    params_file = Path(params_file)
    reports = Path(out) if out else config.REPORTS_DIR

    # 1. check: parameters, notebooks and data, before any kernel starts
    params = prepare(params_file, data_dir, source_env)
    books = list_notebooks(notebooks_dir, only)
    if not books:
        raise ParamsError(f"No notebooks (NN_topic.ipynb) found in {notebooks_dir or config.NOTEBOOKS_DIR}.")
    declared = check_notebook_parameters(books)
    if reports.exists() and not reports.is_dir():
        raise PublishError(f"--out {reports} is a file, not a folder: name a folder for the reports. Nothing was run.")
    try:
        reports.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"Cannot write into the reports folder {reports}: {exc.strerror or exc}. Nothing was "
                           "run; choose a writable folder with --out.") from None
    chromium = pdf_.require(pdf) if pdf else None  # before anything runs: no browser, no run
    ensure_kernel()
    _freeze_imports()
    # the workers start their kernels and import the stack while the data are validated;
    # on bad data they are shut down before anything runs
    with Workers(min(workers or default_workers(), len(books)), books[0].parent) as pool:
        return _checked_run(params, books, declared, pool, started=started, t0=t0, params_file=params_file,
                            reports=reports, only=only, sweep=sweep, progress=progress,
                            pdf=(pdf, chromium) if pdf and chromium else None)


_frozen = False


def _freeze_imports() -> None:
    """Once per process: the objects of the imported stack move out of the garbage
    collector's reach (``gc.freeze``), so that the run's collections do not walk them again
    and again (about 0.5 s of a sample run)."""
    global _frozen
    if not _frozen:
        gc.freeze()
        _frozen = True


def _checked_run(params: Params, books: list[Path], declared: dict[Path, list[str]], pool: Workers, *,
                 started: datetime, t0: float, params_file: Path, reports: Path, only: list[str] | None,
                 sweep: bool, progress: Progress, pdf: tuple[str, str] | None = None) -> RunOutcome:
    """The run after its parameters and notebooks passed: data, then steps 2 to 5."""
    progress(f"validating data from {_data_label(params)} ...")
    dataset = data.load(params, keep_source=True)  # large tables of a database are copied to the snapshot
    progress(f"data ok: {', '.join(f'{k} {v:,}' for k, v in dataset.row_counts().items())}")

    if reports.exists() and not reports.is_dir():
        raise PublishError(f"--out {reports} is a file, not a folder: name a folder for the reports. Nothing was run.")
    rid = run_id(started, params_file.stem, params, dataset.fingerprint, reports)
    tmp = reports / f".tmp-{rid}"
    try:
        reports.mkdir(parents=True, exist_ok=True)
        remove_stale_work(reports)  # working folders left by runs that were killed
        tmp.mkdir()
        (tmp / "pid").write_text(str(os.getpid()))
    except OSError as exc:
        raise PublishError(f"Cannot write into the reports folder {reports}: {exc.strerror or exc}. Nothing was "
                           "run; choose a writable folder with --out.") from None
    log = _RunLog(tmp / "run.log")
    manifest = new_manifest(rid, started, params_file.stem, str(params_file), params, dataset)
    manifest["scope"] = "partial" if only else "sweep" if sweep else "complete"
    saved_env = {k: os.environ.get(k) for k in (data.TRUST_ENV, snapshot.SNAPSHOT_ENV, whatif.STATIC_ENV)}
    os.environ[whatif.STATIC_ENV] = "1"  # what-if cells draw their charts once, without sliders
    if dataset.counts:  # large tables validated once here; the notebooks reuse it (never for a URL)
        os.environ[data.TRUST_ENV] = data.trust_token(dataset, dataset.identities)
    snap_dir = reports / f".tmp-{rid}-snapshot"  # a working file beside the run, never published
    try:
        try:
            os.environ[snapshot.SNAPSHOT_ENV] = str(snapshot.write(dataset, params, snap_dir, progress))
        except OSError as exc:
            raise PublishError(f"Cannot write the run's working data into {reports}: {exc.strerror or exc}. "
                               "Nothing was run; free space or choose another --out.") from None
        finally:
            if dataset.source is not None:
                dataset.source.close()
                dataset.source = None
        # 2. execute
        try:
            executed = _execute_all(books, declared, params, tmp, manifest, progress, pool)
        except _NotebookFailed as failed:
            log.close()
            if isinstance(failed.exc, OSError) or isinstance(failed.exc.__cause__, OSError):
                raise PublishError(f"Could not write the executed notebook {failed.book.name} into {tmp.parent}: "
                                   f"{failed.exc}. Free space or choose another --out; the previous report is "
                                   "untouched.") from None
            _fail(tmp, reports, rid, manifest, failed.book, failed.exc, t0, progress)
        # 3. collect
        progress("rendering the report ...")
        blocks, tables = _collect(executed)
        res = results.merge(blocks)
        res["run"] = {"id": rid, "params_name": params_file.stem, "reporting_currency": params.reporting_currency,
                      "data_fingerprint": dataset.fingerprint, "status": "ok"}
        # 4. render
        _render(tmp, executed, res, tables, manifest)
        if pdf is not None:
            progress(f"printing report.pdf ({pdf[0]}) with Chromium ...")
            pdf_.write(tmp / "index.html", tmp / "report.pdf", *pdf)
        manifest.update(status="ok", finished_at=now(), seconds=round(time.perf_counter() - t0, 1))
        results.write_json(tmp / "manifest.json", manifest)
        # 5. publish
        log.close()
        (tmp / "pid").unlink(missing_ok=True)
        try:
            final = publish(tmp, reports, rid, params_file.stem, manifest["scope"])
        except OSError as exc:
            raise PublishError(f"Could not publish run {rid} into {reports}: {exc}. "
                               f"The previous report is untouched.") from exc
        progress(f"published {final}/index.html ({manifest['seconds']:.0f} s)")
        return RunOutcome(rid, final, "ok", 0, results=res)
    finally:
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        shutil.rmtree(snap_dir, ignore_errors=True)
        log.close()
        if tmp.exists():  # a PublishError left it: keep nothing half-built beside the reports
            shutil.rmtree(tmp, ignore_errors=True)


def _fail(tmp: Path, reports: Path, rid: str, manifest: dict[str, Any], book: Path, exc: BaseException,
          t0: float, progress: Progress) -> NoReturn:
    """Keep the failed run under _failed/ with the error notebook rendered; exit 4."""
    out_nb = tmp / book.name
    lines = str(exc).strip().splitlines()
    reason = next((ln for ln in reversed(lines) if ln.strip()), type(exc).__name__)
    manifest.update(status="failed", failed_notebook=book.stem, error=reason[:500], finished_at=now(),
                    seconds=round(time.perf_counter() - t0, 1))
    failed_dir = reports / "_failed" / rid
    try:
        if out_nb.exists():
            render(figures_as_html(nbformat.read(out_nb, as_version=4), "failed", inline_plotly_js()),
                   tmp / f"{book.stem}.html", hide_input=False,
                   title=f"FAILED {book.stem}")
        results.write_json(tmp / "manifest.json", manifest)
        (tmp / "pid").unlink(missing_ok=True)
        failed_dir = keep_failed(tmp, reports, rid)
    except Exception as render_exc:  # noqa: BLE001 - the notebook failure is the news
        progress(f"(could not keep the failed run: {render_exc})")
    raise NotebookError(
        f"Notebook {book.name} failed: {reason[:300]}. Nothing was published; the previous report is intact. "
        f"The executed notebook with the error is in {failed_dir}/{book.stem}.html (and .ipynb)."
    )


__all__ = ["run", "validate_only", "RunOutcome", "TwinImpactError"]
