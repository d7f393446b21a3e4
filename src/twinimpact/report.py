"""The runner: validate, execute every notebook with papermill, render, publish.

A run is built in a temporary folder beside the reports and renamed into place only when
every notebook succeeded; ``latest`` moves last. A failed run goes to
``reports/_failed/<run>/`` with the failing notebook rendered, code and all, for the
analyst. The previous report is never touched by a failed run.
"""

from __future__ import annotations

import contextlib
import copy
import fcntl
import hashlib
import html
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

import nbformat
import pandas as pd

from . import config, data, results
from .errors import NotebookError, ParamsError, PublishError, TwinImpactError
from .params import Params, load_params

Progress = Callable[[str], None]
EXECUTION_TIMEOUT_S = 900  # per cell
PLOTLYJS_MIN_CHARS = 1_000_000  # an output this large is the inlined plotly.js bundle
PACKAGES = ("twinimpact", "pandas", "numpy", "scipy", "statsmodels", "plotly", "papermill", "nbconvert",
            "nbclient", "ipykernel", "ibis-framework", "duckdb", "sqlglot", "pyarrow", "pandera", "pydantic")


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- notebooks --------------------------------------------------------------------
def list_notebooks(notebooks_dir: Path | None = None, only: list[str] | None = None) -> list[Path]:
    """The workbook's notebooks in order (``NN_topic.ipynb``), optionally a named subset."""
    folder = notebooks_dir or config.NOTEBOOKS_DIR
    books = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))
    if only:
        wanted = []
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


def _ipc_kernel_manager(folder: str) -> type:
    """A kernel manager talking to its kernel over IPC sockets in ``folder``: no TCP ports to
    race for when runs go in parallel (papermill #511) and no unencrypted-TCP warning."""
    from jupyter_client.manager import AsyncKernelManager

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("ip", os.path.join(folder, "kernel"))
        AsyncKernelManager.__init__(self, **kwargs)

    return type("IPCKernelManager", (AsyncKernelManager,), {"__init__": __init__})


def execute(book: Path, out: Path, parameters: dict[str, Any]) -> None:
    """Run one notebook with papermill: pinned kernel, explicit cwd, logged, timed out."""
    import tempfile

    import papermill

    with tempfile.TemporaryDirectory(prefix="twinimpact-kernel-") as sockets:
        papermill.execute_notebook(
            str(book), str(out), parameters=parameters, kernel_name=config.KERNEL_NAME,
            cwd=str(book.parent), log_output=True, progress_bar=False, execution_timeout=EXECUTION_TIMEOUT_S,
            report_mode=False, kernel_manager_class=_ipc_kernel_manager(sockets),
        )


# --- rendering --------------------------------------------------------------------
def _exporter(hide_input: bool):
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = ("remove_cell",)
    c.TagRemovePreprocessor.remove_input_tags = ("remove_input",)
    c.TagRemovePreprocessor.remove_all_outputs_tags = ("remove_output",)
    exporter = HTMLExporter(config=c, template_name="twinimpact",
                            extra_template_basedirs=[str(config.TEMPLATES_DIR)])
    exporter.exclude_input = hide_input
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def _clean_for_report(nb: Any, keep_plotlyjs: bool = True) -> Any:
    """Drop what readers should not see: stderr, parameter cells, private MIME outputs."""
    nb = copy.deepcopy(nb)
    seen_js = not keep_plotlyjs
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "parameters" in tags or "injected-parameters" in tags:
            cell.setdefault("metadata", {}).setdefault("tags", []).append("remove_cell")
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                continue
            data_ = out.get("data", {})
            for mime in (config.RESULTS_MIME, config.TABLE_MIME):
                data_.pop(mime, None)
            if out.get("output_type") in ("display_data", "execute_result") and not data_:
                continue
            html_ = data_.get("text/html", "")
            if isinstance(html_, list):
                html_ = "".join(html_)
            if len(html_) > PLOTLYJS_MIN_CHARS:
                if seen_js:
                    continue
                seen_js = True
            kept.append(out)
        cell.outputs = kept
    return nb


def render(nb: Any, path: Path, hide_input: bool = True, title: str | None = None) -> None:
    nb = copy.deepcopy(nb)
    if title:
        nb.metadata["title"] = title
    body, _ = _exporter(hide_input).from_notebook_node(nb)
    path.write_text(body, encoding="utf-8")


def executive_notebook(executed: list[tuple[str, Any]], summary_md: str) -> Any:
    """One notebook of every notebook's outputs, plotly.js kept once, a summary on top."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell(summary_md))
    first = True
    for name, book in executed:
        cleaned = _clean_for_report(book, keep_plotlyjs=first)
        first = False
        for i, cell in enumerate(cleaned.cells):
            if "remove_cell" in cell.get("metadata", {}).get("tags", []):
                continue
            cell["id"] = f"{name[:40]}-{i}"  # ids must stay unique across the merged notebooks
            nb.cells.append(cell)
    nb.metadata["kernelspec"] = {"name": config.KERNEL_NAME, "display_name": "Python 3 (twinimpact)",
                                 "language": "python"}
    return nb


def _fmt(value: Any, kind: str = "num", currency: str = "") -> str:
    if value is None:
        return "n/a"
    if kind == "money":
        return f"{html.escape(currency)} {value:,.2f}"
    if kind == "money0":
        return f"{html.escape(currency)} {value:,.0f}"
    if kind == "signed":
        return f"{value:+,.1f}"
    if kind == "irr":
        return f"{value:.3f}"
    return f"{value:,.0f}" if isinstance(value, (int, float)) else html.escape(str(value))


def headline_rows(res: dict[str, Any]) -> list[tuple[str, str]]:
    """The numbers an executive reads first, as (label, value) text (escaped)."""
    ccy = res.get("run", {}).get("reporting_currency") or ""
    cost, eng, rights, labor, scen = (res.get(k) or {} for k in ("cost", "engagement", "rights", "labor",
                                                                  "scenarios"))
    cpa = cost.get("cost_per_asset", {})
    sav = cost.get("savings_per_asset", {})
    irr = eng.get("irr_ai_label", {})
    twin = eng.get("irr_twin_vs_human", {})
    findings = rights.get("findings") or {}
    counted = [v for v in findings.values() if isinstance(v, (int, float))]
    n_findings = sum(counted) if counted else None
    rows = [
        ("Cost per finished asset, traditional", _fmt(cpa.get("traditional"), "money", ccy)),
        ("Cost per finished asset, twin", _fmt(cpa.get("twin"), "money", ccy)),
        ("Savings per asset, P10 / P50 / P90",
         " / ".join(_fmt(sav.get(k), "money", ccy) for k in ("p10", "p50", "p90"))),
        ("Break-even, assets per season", _fmt(cost.get("break_even_assets"))),
        ("Engagement of twin vs human imagery (rate ratio, 95% CI)",
         f"{_fmt(twin.get('estimate'), 'irr')} ({_fmt(twin.get('ci_low'), 'irr')} to {_fmt(twin.get('ci_high'), 'irr')})"),
        ("Engagement with the AI label vs without (rate ratio, 95% CI)",
         f"{_fmt(irr.get('estimate'), 'irr')} ({_fmt(irr.get('ci_low'), 'irr')} to {_fmt(irr.get('ci_high'), 'irr')})"),
        ("Rights findings (assets outside consent, scope, watermark or pay)", _fmt(n_findings)),
        ("Hours per asset, traditional / twin",
         " / ".join(_fmt((labor.get("hours_per_asset") or {}).get(k), "irr") for k in ("traditional", "twin"))),
        ("Creative jobs at the adoption share (net FTE change)", _fmt(labor.get("fte_change"), "signed")),
        ("Model income per model and year, no twins / at adoption",
         " / ".join(_fmt((labor.get("model_income") or {}).get(k), "money0", ccy)
                    for k in ("traditional_per_model", "twin_per_model"))),
        ("Net present value of the adoption path, P10 / P50 / P90",
         " / ".join(_fmt((scen.get("npv") or {}).get(k), "money0", ccy) for k in ("p10", "p50", "p90"))),
    ]
    return rows


def summary_markdown(res: dict[str, Any], manifest: dict[str, Any]) -> str:
    rows = "\n".join(f"| {label} | {value} |" for label, value in headline_rows(res))
    run = res.get("run", {})
    return (
        "# Digital twins: impact report\n\n"
        f"Run `{html.escape(str(run.get('id')))}` with parameters **{html.escape(str(run.get('params_name')))}** "
        f"on data from {html.escape(str(manifest['data']['source']))} "
        f"(fingerprint `{html.escape(str(run.get('data_fingerprint'))[:12])}`), "
        f"money in {html.escape(str(run.get('reporting_currency')))}. "
        "Each section below comes from one notebook of the workbook; every chart is interactive.\n\n"
        "| headline | value |\n|---|---|\n" + rows + "\n"
    )


# --- tables -----------------------------------------------------------------------
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v)
    out.columns = [("'" + c if isinstance(c, str) and c.startswith(FORMULA_PREFIXES) else c) for c in out.columns]
    return out


def write_tables(tables: dict[str, pd.DataFrame], folder: Path) -> None:
    """Each table as ``tables/<name>.csv`` and a sheet of ``tables.xlsx`` (formula-safe)."""
    if not tables:
        return
    (folder / "tables").mkdir(exist_ok=True)
    safe = {name: neutralise(frame) for name, frame in tables.items()}
    for name, frame in safe.items():
        frame.to_csv(folder / "tables" / f"{name}.csv", index=False, lineterminator="\n")
    with pd.ExcelWriter(folder / "tables.xlsx", engine="openpyxl") as xl:
        for name, frame in safe.items():
            frame.to_excel(xl, sheet_name=name[:31], index=False)


# --- manifest ---------------------------------------------------------------------
def package_versions() -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    out: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def git_commit() -> dict[str, Any]:
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=config.ROOT, capture_output=True, text=True,
                             timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=config.ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip() != ""
        return {"commit": sha, "dirty": dirty}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


# --- publishing -------------------------------------------------------------------
@contextlib.contextmanager
def reports_lock(reports: Path) -> Iterator[None]:
    """Serialise publishing between runs that share a reports folder (sweeps)."""
    reports.mkdir(parents=True, exist_ok=True)
    with open(reports / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def point_latest(reports: Path, run_dir: Path) -> None:
    """Move ``reports/latest`` to ``run_dir`` atomically (a relative symlink)."""
    tmp = reports / f".latest-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(run_dir.name, tmp)
    os.replace(tmp, reports / "latest")


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_runs_index(reports: Path) -> None:
    """``reports/index.html``: every run, newest first, with status and headline numbers."""
    entries = []
    for manifest_path in list(reports.glob("*/manifest.json")) + list(reports.glob("_failed/*/manifest.json")):
        run_dir = manifest_path.parent
        if run_dir.name.startswith(".") or run_dir.is_symlink():
            continue
        m = _read_json(manifest_path)
        r = _read_json(run_dir / "results.json")
        entries.append((m.get("started_at", ""), run_dir, m, r))
    entries.sort(key=lambda e: e[0], reverse=True)
    rows = []
    for started, run_dir, m, r in entries:
        rel = run_dir.relative_to(reports).as_posix()
        ok = m.get("status") == "ok"
        link = f"{rel}/index.html" if ok else f"{rel}/{m.get('failed_notebook', '')}.html"
        heads = {label: value for label, value in headline_rows(r)} if r else {}
        rows.append(
            "<tr>"
            f"<td><a href=\"{html.escape(link)}\">{html.escape(run_dir.name)}</a></td>"
            f"<td class=\"{'ok' if ok else 'bad'}\">{html.escape(str(m.get('status')))}</td>"
            f"<td>{html.escape(str(started))}</td>"
            f"<td>{html.escape(str(m.get('params_name')))}</td>"
            f"<td>{heads.get('Cost per finished asset, traditional', '')}</td>"
            f"<td>{heads.get('Cost per finished asset, twin', '')}</td>"
            f"<td>{heads.get('Engagement with the AI label vs without (rate ratio, 95% CI)', '')}</td>"
            f"<td>{heads.get('Rights findings (assets outside consent, scope, watermark or pay)', '')}</td>"
            "</tr>"
        )
    page = (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>twinimpact runs</title>"
        "<style>body{font-family:Helvetica,Arial,sans-serif;margin:2em;color:#222}"
        "table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:6px 10px;text-align:left}"
        ".ok{color:#2e7d32}.bad{color:#c62828}</style></head><body>"
        "<h1>twinimpact runs</h1><p>Newest first. <a href=\"latest/index.html\">Latest successful report</a>.</p>"
        "<table><tr><th>run</th><th>status</th><th>started (UTC)</th><th>parameters</th>"
        "<th>cost/asset traditional</th><th>cost/asset twin</th><th>AI-label rate ratio</th>"
        "<th>rights findings</th></tr>" + "".join(rows) + "</table></body></html>\n"
    )
    tmp = reports / ".index.html.tmp"
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, reports / "index.html")


# --- the run ----------------------------------------------------------------------
@dataclass
class RunOutcome:
    run_id: str
    path: Path
    status: str
    exit_code: int
    message: str = ""
    results: dict[str, Any] = field(default_factory=dict)


def _run_id(started: datetime, params_name: str, params: Params, fingerprint: str, reports: Path) -> str:
    digest = hashlib.sha256((params.model_dump_json() + fingerprint).encode()).hexdigest()[:7]
    safe_name = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in params_name)[:40]
    base = f"{started:%Y%m%d-%H%M%S}_{safe_name}_{digest}"
    run_id, n = base, 1
    while (reports / run_id).exists() or (reports / "_failed" / run_id).exists() or (reports / f".tmp-{run_id}").exists():
        n += 1
        run_id = f"{base}-{n}"
    return run_id


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


def run(
    params_file: str | Path = config.DEFAULT_PARAMS,
    *,
    data_dir: str | None = None,
    source_env: str | None = None,
    out: str | Path | None = None,
    only: list[str] | None = None,
    notebooks_dir: Path | None = None,
    progress: Progress = _stderr,
) -> RunOutcome:
    """Validate, execute, render and publish one run. Raises TwinImpactError subclasses."""
    started = datetime.now(timezone.utc)
    t0 = time.perf_counter()
    params_file = Path(params_file)
    reports = Path(out) if out else config.REPORTS_DIR
    params_name = params_file.stem

    # 1. parameters and data, before any kernel starts
    params = prepare(params_file, data_dir, source_env)
    books = list_notebooks(notebooks_dir, only)
    if not books:
        raise ParamsError(f"No notebooks (NN_topic.ipynb) found in {notebooks_dir or config.NOTEBOOKS_DIR}.")
    declared = check_notebook_parameters(books)
    progress(f"validating data from {_data_label(params)} ...")
    dataset = data.load(params)
    progress(f"data ok: {', '.join(f'{k} {v:,}' for k, v in dataset.row_counts().items())}")

    run_id = _run_id(started, params_name, params, dataset.fingerprint, reports)
    reports.mkdir(parents=True, exist_ok=True)
    tmp = reports / f".tmp-{run_id}"
    tmp.mkdir()
    logger = logging.getLogger("papermill")
    handler = logging.FileHandler(tmp / "run.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    old_propagate, logger.propagate = logger.propagate, False

    manifest: dict[str, Any] = {
        "run_id": run_id, "status": "running", "started_at": started.isoformat(timespec="seconds"),
        "params_name": params_name, "params_file": str(params_file),
        "params": params.model_dump(mode="json"),
        "data": {"source": dataset.source_description, "fingerprint": dataset.fingerprint,
                 "tables": {n: {"sha256": dataset.fingerprints[n], "rows": r}
                            for n, r in dataset.row_counts().items()}},
        "kernel": config.KERNEL_NAME, "python": platform.python_version(), "platform": platform.platform(),
        "packages": package_versions(), "git": git_commit(), "notebooks": [],
    }
    executed: list[tuple[str, Any]] = []
    blocks: dict[str, Any] = {}
    tables: dict[str, pd.DataFrame] = {}
    old_token = os.environ.get(data.TRUST_ENV)
    if dataset.counts:  # large tables validated once here; the notebooks reuse it (never for a URL)
        os.environ[data.TRUST_ENV] = data.trust_token(dataset, dataset.identities)
    try:
        ensure_kernel()
        for i, book in enumerate(books, 1):
            out_nb = tmp / book.name
            progress(f"[{i}/{len(books)}] {book.stem} ...")
            t_nb = time.perf_counter()
            try:
                execute(book, out_nb, params.notebook_parameters(declared[book]))
            except Exception as exc:  # noqa: BLE001 - papermill raises several kinds
                seconds = round(time.perf_counter() - t_nb, 1)
                manifest["notebooks"].append({"name": book.stem, "seconds": seconds, "status": "failed"})
                return _fail(tmp, reports, run_id, manifest, book, exc, t0, progress)
            seconds = round(time.perf_counter() - t_nb, 1)
            manifest["notebooks"].append({"name": book.stem, "seconds": seconds, "status": "ok"})
            progress(f"[{i}/{len(books)}] {book.stem} ok ({seconds:.1f} s)")
            nb = nbformat.read(out_nb, as_version=4)
            found, found_tables = results.collect(nb)
            blocks.update(found)
            tables.update(found_tables)
            executed.append((book.stem, nb))

        # 2. results, renders, tables: all inside the temporary folder
        progress("rendering the report ...")
        try:
            res = results.merge(blocks)
            res["run"] = {"id": run_id, "params_name": params_name, "reporting_currency": params.reporting_currency,
                          "data_fingerprint": dataset.fingerprint, "status": "ok"}
            (tmp / "results.json").write_text(results.dumps(res), encoding="utf-8")
            for name, nb in executed:
                render(_clean_for_report(nb), tmp / f"{name}.html", title=name)
            render(executive_notebook(executed, summary_markdown(res, manifest)), tmp / "index.html",
                   title="Digital twins: impact report")
            write_tables(tables, tmp)
        except Exception as exc:  # noqa: BLE001
            raise PublishError(f"Could not render the report for run {run_id}: {exc}. "
                               f"The previous report is untouched.") from exc
        manifest.update(status="ok", finished_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                        seconds=round(time.perf_counter() - t0, 1))
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")

        # 3. publish: rename into place, then move latest, then the index of runs
        final = reports / run_id
        try:
            with reports_lock(reports):
                logger.removeHandler(handler)
                handler.close()
                os.replace(tmp, final)
                point_latest(reports, final)
                write_runs_index(reports)
        except OSError as exc:
            raise PublishError(f"Could not publish run {run_id} into {reports}: {exc}. "
                               f"The previous report is untouched.") from exc
        progress(f"published {final}/index.html ({manifest['seconds']:.0f} s)")
        return RunOutcome(run_id, final, "ok", 0, results=res)
    finally:
        if old_token is None:
            os.environ.pop(data.TRUST_ENV, None)
        else:
            os.environ[data.TRUST_ENV] = old_token
        logger.removeHandler(handler)
        handler.close()
        logger.propagate = old_propagate
        if tmp.exists():  # a PublishError left it: keep nothing half-built beside the reports
            shutil.rmtree(tmp, ignore_errors=True)


def _fail(tmp: Path, reports: Path, run_id: str, manifest: dict[str, Any], book: Path, exc: Exception,
          t0: float, progress: Progress) -> RunOutcome:
    """Keep the failed run under _failed/ with the error notebook rendered; exit 4."""
    failed_dir = reports / "_failed" / run_id
    out_nb = tmp / book.name
    first_line = str(exc).strip().splitlines()
    reason = next((ln for ln in reversed(first_line) if ln.strip()), type(exc).__name__)
    manifest.update(status="failed", failed_notebook=book.stem, error=reason[:500],
                    finished_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    seconds=round(time.perf_counter() - t0, 1))
    try:
        if out_nb.exists():
            render(nbformat.read(out_nb, as_version=4), tmp / f"{book.stem}.html", hide_input=False,
                   title=f"FAILED {book.stem}")
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        with reports_lock(reports):
            failed_dir.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, failed_dir)
            write_runs_index(reports)
    except Exception as render_exc:  # noqa: BLE001 - the notebook failure is the news
        progress(f"(could not keep the failed run: {render_exc})")
    raise NotebookError(
        f"Notebook {book.name} failed: {reason[:300]}. Nothing was published; the previous report is intact. "
        f"The executed notebook with the error is in {failed_dir}/{book.stem}.html (and .ipynb)."
    )


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


__all__ = ["run", "validate_only", "RunOutcome", "TwinImpactError"]
