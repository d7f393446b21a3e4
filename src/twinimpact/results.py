"""Headline numbers and key tables travel from notebooks to the runner.

A notebook calls :func:`emit` (a results block) or :func:`emit_table` (a table for
analysts). Each becomes a cell output of a private MIME type that no renderer shows; the
runner reads them back from the executed notebook with :func:`collect`. No file is
written from inside a notebook, so a plain ``papermill`` run stays side-effect free.

``results.json`` has stable keys (``docs/DESIGN.md``): every promised key is present,
``null`` where a value cannot be computed, never NaN or Infinity.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from twinimpact.config import RESULTS_MIME, TABLE_MIME
from twinimpact.contract.spec import BREACHES, PRODUCTION_MODES

_CI = {"estimate": None, "ci_low": None, "ci_high": None}
_PCT = {"p10": None, "p50": None, "p90": None}
_MODES = dict.fromkeys(PRODUCTION_MODES)

#: Every key results.json promises; capabilities fill them, the rest stay null.
TEMPLATE: dict[str, Any] = {
    "run": {"id": None, "params_name": None, "reporting_currency": None, "data_fingerprint": None, "status": None},
    "data": {"rows": None, "first_post": None, "last_post": None, "brands": None},
    "cost": {"cost_per_asset": dict(_MODES), "break_even_assets": None, "savings_per_asset": dict(_PCT)},
    "labor": {"hours_per_asset": dict(_MODES), "hours_change_by_role": None,
              "model_income": {"traditional_per_model": None, "twin_per_model": None}},
    "engagement": {"irr_twin_vs_human": dict(_CI), "irr_synthetic_vs_human": dict(_CI),
                   "irr_ai_label": dict(_CI), "posts": None},
    "rights": {"findings": dict.fromkeys(BREACHES),
               "underpaid_total": None, "watermark_rate": None},
    "scenarios": {"npv": dict(_PCT), "horizon_years": None},
    "models": {"bookings": None, "income_by_model": None, "break_even_twin_fee_per_asset": None},
    "conclusions": {k: {"direction": None, "statement": None} for k in (
        "engagement_twin_vs_human", "engagement_synthetic_vs_human", "engagement_ai_label", "cost_twin_vs_traditional",
        "npv_adoption")},
}


def jsonable(value: Any) -> Any:
    """Plain JSON: numpy and pandas scalars unwrapped, NaN/Inf/NA become None."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (pd.Timestamp,)):
        return value.isoformat()
    if hasattr(value, "isoformat") and not isinstance(value, (str, bytes)):
        return value.isoformat()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return f if math.isfinite(f) else None
    return value


def emit(name: str, block: dict[str, Any]) -> None:
    """Hand a results block (e.g. ``"cost"``) to the runner from inside a notebook."""
    from IPython.display import display

    display({RESULTS_MIME: {"name": name, "block": jsonable(block)}}, raw=True)


def emit_table(name: str, frame: pd.DataFrame) -> None:
    """Hand a key table to the runner; it lands as ``tables/<name>.csv`` and a sheet of tables.xlsx."""
    from IPython.display import display

    payload = json.loads(frame.to_json(orient="split", index=False, date_format="iso"))
    display({TABLE_MIME: {"name": name, "table": payload}}, raw=True)


def collect(nb: Any) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """Read every emitted block and table back from an executed notebook (blocks of the same
    name, e.g. ``conclusions`` from several cells, are merged key by key)."""
    blocks: dict[str, Any] = {}
    tables: dict[str, pd.DataFrame] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if RESULTS_MIME in data:
                item = data[RESULTS_MIME]
                merge_block(blocks, item["name"], item["block"])
            if TABLE_MIME in data:
                item = data[TABLE_MIME]
                t = item["table"]
                tables[item["name"]] = pd.DataFrame(t["data"], columns=t["columns"])
    return blocks, tables


def merge_block(blocks: dict[str, Any], name: str, block: Any) -> None:
    """Add one block: a block already there with the same name is updated key by key."""
    if isinstance(blocks.get(name), dict) and isinstance(block, dict):
        blocks[name].update(block)
    else:
        blocks[name] = block


def merge(blocks: dict[str, Any], template: dict[str, Any] | None = None) -> dict[str, Any]:
    """The template with emitted values laid over it: promised keys always present."""
    out = copy.deepcopy(TEMPLATE if template is None else template)

    def lay(dst: dict[str, Any], src: dict[str, Any]) -> None:
        for k, v in src.items():
            if isinstance(v, dict) and isinstance(dst.get(k), dict):
                lay(dst[k], v)
            else:
                dst[k] = v

    for name, block in blocks.items():
        if isinstance(out.get(name), dict) and isinstance(block, dict):
            lay(out[name], block)
        else:
            out[name] = block
    return jsonable(out)


def dumps(results: dict[str, Any]) -> str:
    """Strict JSON text (refuses NaN/Infinity rather than writing them)."""
    return json.dumps(jsonable(results), indent=2, allow_nan=False, sort_keys=False) + "\n"


def write_json(path: Path, obj: dict[str, Any]) -> None:
    """Write a mapping as indented JSON (the manifest and other run records)."""
    path.write_text(json.dumps(obj, indent=2) + "\n", encoding="utf-8")
