"""Every path and fixed name in one place, built from the package's own location."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# src/twinimpact -> src -> repository root. An installed (non-editable) package has no
# repository around it; TWINIMPACT_HOME then says where the workbook lives.
ROOT = Path(os.environ.get("TWINIMPACT_HOME", PACKAGE_DIR.parent.parent)).resolve()

NOTEBOOKS_DIR = ROOT / "notebooks"
PARAMS_DIR = NOTEBOOKS_DIR / "params"
DEFAULT_PARAMS = PARAMS_DIR / "default.yaml"
DATA_DIR = ROOT / "data"
SAMPLE_DIR = DATA_DIR / "sample"
REFERENCE_DIR = DATA_DIR / "reference"
REPORTS_DIR = ROOT / "reports"
TEMPLATES_DIR = PACKAGE_DIR / "templates"

#: The one Jupyter kernel name: papermill, nbval and every notebook's kernelspec use it.
KERNEL_NAME = "twinimpact"

#: The six tables of the data contract, in the order they are loaded and checked.
TABLES = ("campaigns", "cost_lines", "staffing", "posts", "models", "twin_usage")

#: MIME types by which notebooks hand results and tables to the runner (never rendered).
RESULTS_MIME = "application/vnd.twinimpact.results+json"
TABLE_MIME = "application/vnd.twinimpact.table+json"
