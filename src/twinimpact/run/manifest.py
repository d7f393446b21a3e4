"""The manifest of a run (``manifest.json``): what went in and how it went. Parameters,
a sha256 per data table, package versions, the git commit, each notebook's timing and
status. Never a connection URL: the data source is described by the name of its variable."""

from __future__ import annotations

import platform
import subprocess
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from twinimpact import config
from twinimpact.sources import data

if TYPE_CHECKING:
    from twinimpact.sources.data import Dataset
    from twinimpact.params import Params

PACKAGES = ("twinimpact", "pandas", "numpy", "scipy", "plotly", "papermill", "nbconvert",
            "nbclient", "ipykernel", "jupyter_client", "ibis-framework", "duckdb", "sqlglot", "pyarrow", "pydantic",
            "c2pa-python")


def package_versions() -> dict[str, str | None]:
    """Installed versions of the packages a result depends on (None when absent)."""
    out: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def git_commit() -> dict[str, Any]:
    """The workbook's git commit and whether tracked files differ from it (None outside git)."""
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=config.ROOT, capture_output=True, text=True,
                             timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=config.ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip() != ""
        return {"commit": sha, "dirty": dirty}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def now() -> str:
    """The current UTC time, to the second, ISO 8601."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def data_block(params: "Params", dataset: "Dataset", validation_key: str | None = None) -> dict[str, Any]:
    """manifest.json's ``data``: the source (no path: a folder by its name), the
    fingerprints and rows of every table, whether it is the generator's synthetic data, and
    what the validation depended on (:func:`twinimpact.run.reuse.validation_key`).

    Parameters
    ----------
    params
        The run's parameters.
    dataset
        Its validated data.
    validation_key
        The key of the validation's outcome, or None.

    Returns
    -------
    dict
        The block.
    """
    return {"source": dataset.shown_source, "fingerprint": dataset.fingerprint,
            "synthetic": data.is_synthetic(params, dataset.fingerprints),
            "tables": {n: {"sha256": dataset.fingerprints[n], "rows": r} for n, r in dataset.row_counts().items()},
            "validation_key": validation_key}


def new_manifest(run_id: str, started: datetime, params_name: str, params_file: str, params: "Params",
                 data_: dict[str, Any]) -> dict[str, Any]:
    """The manifest of a run about to execute (status ``running``; the runner fills the rest).

    Parameters
    ----------
    run_id, started
        The run's id and start (UTC).
    params_name, params_file
        The parameters file's name and its path as shown (relative to the project when inside it).
    params
        The run's parameters (no secret: a source is named by its variable).
    data_
        :func:`data_block` of the run's data.

    Returns
    -------
    dict
        manifest.json so far.
    """
    return {
        "run_id": run_id, "status": "running", "started_at": started.isoformat(timespec="seconds"),
        "params_name": params_name, "params_file": params_file,
        "params": {**params.model_dump(mode="json"), **{k: data.shown_path(v) for k, v in
                                                         params.model_dump(include={"data_dir", "assets_dir"}).items()}},
        "data": data_,
        "kernel": config.KERNEL_NAME, "python": platform.python_version(), "platform": platform.platform(),
        "packages": package_versions(), "git": git_commit(), "notebooks": [],
    }
