"""No published file carries an absolute local path: the executed notebooks (papermill's
metadata, the injected parameters), the run's log and its manifest name the project's files
relative to the project, the run's own files by their names, and data or asset folders
outside the project by their last part (:func:`twinimpact.sources.data.shown_path`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from twinimpact import config
from twinimpact.sources.data import shown_path


def replacements(run_folder: Path, reports: Path, params: Any, params_file: Path) -> list[tuple[str, str]]:
    """(absolute path, what a published file says instead), longest first: the run's working
    folder, the reports folder, the data and asset folders, the parameters file, the project.

    Parameters
    ----------
    run_folder
        The run's working folder (its files are named by their names).
    reports
        The reports folder.
    params
        The run's parameters (``data_dir``, ``assets_dir``).
    params_file
        The parameters file.

    Returns
    -------
    list of tuple
        Pairs to replace, longest path first.
    """
    pairs: dict[str, str] = {}

    def add(path: str | Path | None, shown: str) -> None:
        if path and os.path.isabs(str(path)):
            for p in {str(path), str(Path(path).resolve())} - {"/"}:
                pairs.setdefault(p.rstrip("/") + "/", shown + "/" if shown else "")
                pairs.setdefault(p.rstrip("/"), shown or ".")

    add(run_folder, "")
    add(reports, shown_path(str(reports)))
    for folder in (getattr(params, "data_dir", ""), getattr(params, "assets_dir", "")):
        add(folder, shown_path(str(folder)))
    add(params_file, shown_path(str(params_file)))
    add(config.ROOT, "")
    return sorted(pairs.items(), key=lambda kv: -len(kv[0]))


def scrub_text(text: str, pairs: list[tuple[str, str]]) -> str:
    """``text`` with every path of ``pairs`` replaced (longest first).

    Parameters
    ----------
    text
        A file's text.
    pairs
        :func:`replacements`.

    Returns
    -------
    str
    """
    for path, shown in pairs:
        text = text.replace(path, shown)
    return text


def scrub_file(path: Path, pairs: list[tuple[str, str]]) -> None:
    """Rewrite a text file of the run without the absolute paths of ``pairs`` (atomically).

    Parameters
    ----------
    path
        The file (an executed notebook, run.log).
    pairs
        :func:`replacements`.
    """
    text = path.read_text(encoding="utf-8")
    clean = scrub_text(text, pairs)
    if clean != text:
        tmp = path.with_name(f".{path.name}.scrub")
        tmp.write_text(clean, encoding="utf-8")
        tmp.replace(path)
