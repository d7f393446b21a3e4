"""Rendering: executed notebooks to HTML with nbconvert and the workbook's template.

Readers never see code, parameter cells, stderr or the private MIME outputs that carry
results to the runner. plotly.js is inlined once per page (it is a ~4.6 MB output of the
first notebook's setup cell); the executive page merges every notebook's outputs under one
summary and keeps plotly.js once.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import nbformat

from . import config

PLOTLYJS_MIN_CHARS = 1_000_000  # an output this large is the inlined plotly.js bundle


def _exporter(hide_input: bool) -> Any:
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


def clean_for_report(nb: Any, keep_plotlyjs: bool = True) -> Any:
    """A copy without what readers should not see: stderr, parameter cells, private MIME
    outputs, and (unless ``keep_plotlyjs``) the inlined plotly.js bundle."""
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
    """Write ``nb`` as one self-contained HTML page (inputs hidden unless ``hide_input`` is False)."""
    nb = copy.deepcopy(nb)
    if title:
        nb.metadata["title"] = title
    body, _ = _exporter(hide_input).from_notebook_node(nb)
    path.write_text(body, encoding="utf-8")


def executive_notebook(executed: list[tuple[str, Any]], summary_md: str) -> Any:
    """One notebook of every notebook's outputs, plotly.js kept once, a summary on top."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell(summary_md))
    for n, (name, book) in enumerate(executed):
        cleaned = clean_for_report(book, keep_plotlyjs=n == 0)
        for i, cell in enumerate(cleaned.cells):
            if "remove_cell" in cell.get("metadata", {}).get("tags", []):
                continue
            cell["id"] = f"{name[:40]}-{i}"  # ids must stay unique across the merged notebooks
            nb.cells.append(cell)
    nb.metadata["kernelspec"] = {"name": config.KERNEL_NAME, "display_name": "Python 3 (twinimpact)",
                                 "language": "python"}
    return nb


def render_run(folder: Path, executed: list[tuple[str, Any]], summary_md: str) -> None:
    """Every page of a run into ``folder``: one per notebook and the executive ``index.html``."""
    for name, nb in executed:
        render(clean_for_report(nb), folder / f"{name}.html", title=name)
    render(executive_notebook(executed, summary_md), folder / "index.html", title="Digital twins: impact report")
