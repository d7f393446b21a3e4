"""Rendering: executed notebooks to HTML with nbconvert and the workbook's template.

Readers never see code, parameter cells, stderr or the private MIME outputs that carry
results to the runner. Notebooks keep their charts as plotly JSON (small); here each
becomes a div drawn by plotly.js. The executive ``index.html`` inlines plotly.js once, so
it opens offline even when mailed alone; each notebook's page loads the one copy of
plotly.js in the reports folder by a relative path (``../plotly-<version>.min.js``), so a
run folder holds the 4.6 MB library once.
"""

from __future__ import annotations

import copy
import functools
import html
import os
from pathlib import Path
from typing import Any

import nbformat

from twinimpact import config
from twinimpact.words import executive

PLOTLY_MIME = "application/vnd.plotly.v1+json"
PLOT_CONFIG = {"displaylogo": False, "responsive": True}


def plotly_js_name() -> str:
    """The file name of the shared plotly.js copy, versioned so runs of other versions keep theirs."""
    import plotly

    return f"plotly-{plotly.__version__}.min.js"


def write_plotly_js(folder: Path) -> Path:
    """The shared plotly.js beside the runs (written once per version). Runs that share the
    folder (a sweep, runs started by cron and by hand) each write through a temporary file
    of their own and rename it into place, so none reads or removes another's half."""
    import tempfile

    from plotly.offline import get_plotlyjs

    path = folder / plotly_js_name()
    if not path.is_file():
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        try:
            with open(fd, "w", encoding="utf-8") as handle:
                handle.write(get_plotlyjs())
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(name, 0o666 & ~umask)  # as an ordinary file: pages served by another user load it
            Path(name).replace(path)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
    return path


def html_cell(markup: str) -> Any:
    """A code cell whose only output is ``markup`` (ours, already escaped)."""
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": markup})]
    return cell


def figures_as_html(nb: Any, prefix: str, plotly_js: str) -> Any:
    """A copy whose plotly JSON outputs are divs for plotly.js, with ``plotly_js`` (a script
    element) first; deterministic div ids, so the same run renders the same page."""
    import plotly.io as pio

    nb = copy.deepcopy(nb)
    n = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data_ = out.get("data", {})
            if PLOTLY_MIME in data_:
                n += 1
                data_["text/html"] = pio.to_html(data_.pop(PLOTLY_MIME), include_plotlyjs=False, include_mathjax=False,
                                                 full_html=False, div_id=f"{prefix}-figure-{n}", validate=False,
                                                 default_width="100%", default_height="440px", config=PLOT_CONFIG)
    nb.cells.insert(0, html_cell(plotly_js))
    return nb


def inline_plotly_js() -> str:
    """plotly.js as an inline script (for a page that must open alone)."""
    from plotly.offline import get_plotlyjs

    return ("<script type=\"text/javascript\">window.PlotlyConfig = {MathJaxConfig: 'local'};</script>"
            f"<script type=\"text/javascript\">{get_plotlyjs()}</script>")


def linked_plotly_js(depth: int = 1) -> str:
    """A script element loading the shared plotly.js ``depth`` folders up."""
    return f"<script type=\"text/javascript\" src=\"{'../' * depth}{plotly_js_name()}\"></script>"


@functools.lru_cache(maxsize=2)
def _exporter(hide_input: bool) -> Any:
    """One exporter per setting for the process: its template environment compiles the
    templates once, not for every page (about 0.1 s a page)."""
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


def clean_for_report(nb: Any) -> Any:
    """A copy without what readers should not see: stderr, parameter cells and the private
    MIME outputs."""
    nb = copy.deepcopy(nb)
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
            kept.append(out)
        cell.outputs = kept
    return nb


def render(nb: Any, path: Path, hide_input: bool = True, title: str | None = None) -> None:
    """Write ``nb`` as one self-contained HTML page (inputs hidden unless ``hide_input`` is False)."""
    nb = copy.deepcopy(nb)
    if title:
        nb.metadata["title"] = title
    body, _ = _exporter(hide_input).from_notebook_node(nb)
    path.write_text(body, encoding="utf-8")


#: A cell tagged so is copied to the first page of the executive report (its charts only).
KEY_CHART_TAG = "key-chart"
#: A cell tagged so moves from its chapter to the report's appendix (technical tables).
APPENDIX_TAG = "appendix"


def notebook_title(nb: Any, fallback: str) -> str:
    """The text of a notebook's first level-1 heading."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def _tags(cell: Any) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _is_appendix_notebook(nb: Any) -> bool:
    return bool(nb.metadata.get("twinimpact", {}).get("appendix"))


def _key_chart_cell(cell: Any) -> Any | None:
    """A copy of ``cell`` with its first chart only, or None when it has none."""
    outputs = [o for o in cell.get("outputs", []) if PLOTLY_MIME in o.get("data", {})]
    if not outputs:
        return None
    out = copy.deepcopy(cell)
    out.outputs = copy.deepcopy(outputs[:1])
    out.metadata["tags"] = []
    return out


def executive_notebook(executed: list[tuple[str, Any]], res: dict[str, Any], manifest: dict[str, Any],
                       appendix_md: str) -> Any:
    """The executive report as one notebook: the first page (notice, bottom line, headline
    table, the cells tagged ``key-chart``, main risks and contents), every notebook as a
    chapter without its ``appendix`` cells, then the appendix: those cells, the notebooks
    marked as appendix as a whole (the data overview) and ``appendix_md`` (the run's
    details).

    Parameters
    ----------
    executed
        (name, executed notebook) of every notebook, in order.
    res
        results.json.
    manifest
        manifest.json.
    appendix_md
        Markdown of what changed and the run's details.

    Returns
    -------
    NotebookNode
    """
    nb = nbformat.v4.new_notebook()
    cleaned = [(name, clean_for_report(book)) for name, book in executed]
    chapters = [(name, book) for name, book in cleaned if not _is_appendix_notebook(book)]
    top, bottom = executive.first_page(res, manifest, [(f"chapter-{name}", notebook_title(book, name))
                                                        for name, book in chapters])
    nb.cells.append(html_cell(top))
    keys: list[Any] = []
    for _, book in chapters:
        for cell in book.cells:
            if KEY_CHART_TAG in _tags(cell):
                key = _key_chart_cell(cell)
                if key is not None:
                    keys.append(key)
    nb.cells += keys or [html_cell("<p>No chart could be drawn from these data; each chapter says why.</p>")]
    nb.cells.append(html_cell(bottom))

    def keep(cell: Any) -> bool:
        return "remove_cell" not in _tags(cell)

    for name, book in chapters:
        nb.cells.append(html_cell(f"<div id=\"chapter-{html.escape(name)}\" class=\"ti-chapter\"></div>"))
        nb.cells += [c for c in book.cells if keep(c) and APPENDIX_TAG not in _tags(c)]
    nb.cells.append(html_cell("<div id=\"appendix\" class=\"ti-chapter\"></div><h1>Appendix</h1><p>The technical "
                              "material behind the chapters: model tables and diagnostics, the data the workbook "
                              "read and how it was checked, what changed since the last run, and this run's "
                              "details.</p>"))
    for name, book in chapters:
        extra = [c for c in book.cells if keep(c) and APPENDIX_TAG in _tags(c)]
        if extra:
            nb.cells.append(html_cell(f"<h2>{html.escape(notebook_title(book, name))}: technical tables</h2>"))
            nb.cells += extra
    for name, book in cleaned:
        if _is_appendix_notebook(book):
            nb.cells += [c for c in book.cells if keep(c)]
    nb.cells.append(nbformat.v4.new_markdown_cell(appendix_md))
    nb.cells.append(html_cell(executive.glossary_html()))
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"report-{i}"  # ids must stay unique across the merged notebooks
    nb.metadata["kernelspec"] = {"name": config.KERNEL_NAME, "display_name": "Python 3 (twinimpact)",
                                 "language": "python"}
    return nb


def render_page(folder: Path, name: str, nb: Any) -> None:
    """One notebook's page, ``name.html`` in the run's ``folder`` (plotly.js shared one
    folder up)."""
    render(figures_as_html(clean_for_report(nb), "page", linked_plotly_js()), folder / f"{name}.html", title=name)


def render_run(folder: Path, executed: list[tuple[str, Any]], res: dict[str, Any], manifest: dict[str, Any],
               appendix_md: str, rendered: set[str] | frozenset[str] = frozenset()) -> None:
    """Every page of a run into ``folder``: one per notebook (plotly.js shared one folder up)
    and the executive ``index.html`` (plotly.js inline).

    Parameters
    ----------
    folder
        The run's working folder.
    executed
        (name, executed notebook) of every notebook, in order.
    res
        results.json.
    manifest
        manifest.json.
    appendix_md
        Markdown of what changed and the run's details.
    rendered
        Notebooks whose page is in ``folder`` already (reused from an earlier run, or
        rendered as soon as the notebook finished, :func:`render_page`).
    """
    write_plotly_js(folder.parent)
    for name, nb in executed:
        if name not in rendered:
            render_page(folder, name, nb)
    render(figures_as_html(executive_notebook(executed, res, manifest, appendix_md), "report", inline_plotly_js()),
           folder / "index.html", title="Digital twins: impact report")
