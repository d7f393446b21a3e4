"""Every path and fixed name in one place, paths built from the package's own location."""

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

#: The seed every simulation uses unless the parameters say otherwise (sample data too).
DEFAULT_SEED = 20250331

#: Illustrative 2025 exchange rates, units of EUR per unit: the parameters' default fx_rates
#: and the rates the sample generator prices in. Set your own treasury rates in the YAML.
DEFAULT_FX_RATES = {"EUR": 1.0, "USD": 0.92, "GBP": 1.17, "SEK": 0.088}

#: Rows per chunk when a large table is validated, hashed or written in pieces.
CHUNK_ROWS = 500_000

#: MIME types by which notebooks hand results and tables to the runner (never rendered).
RESULTS_MIME = "application/vnd.twinimpact.results+json"
TABLE_MIME = "application/vnd.twinimpact.table+json"
