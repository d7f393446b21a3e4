"""The public reference tables shipped in data/reference/, each row with its source."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pandas as pd

from twinimpact import config


def _read(name: str, folder: Path | None = None) -> pd.DataFrame:
    return pd.read_csv((folder or config.REFERENCE_DIR) / f"{name}.csv", dtype={"soc_code": "string"})


def occupations(folder: Path | None = None) -> pd.DataFrame:
    """BLS OEWS May 2024 wages and employment by role's SOC code (proxy flagged)."""
    return _read("occupations", folder)


def exposure(folder: Path | None = None) -> pd.DataFrame:
    """Published AI-exposure scores by role (long: one row per role and measure)."""
    return _read("exposure", folder)


def benchmarks(folder: Path | None = None) -> pd.DataFrame:
    """Engagement, cost and rate benchmarks (value or low/high range, unit, year, source)."""
    return _read("benchmarks", folder)


def regulations(folder: Path | None = None) -> pd.DataFrame:
    """Dated rules on AI imagery and digital replicas, with the markets they cover."""
    frame = _read("regulations", folder)
    frame["applies_from"] = pd.to_datetime(frame["applies_from"])
    return frame


#: The reference tables every analysis may read, by name, with the reader of each.
TABLES: dict[str, Callable[[Path | None], pd.DataFrame]] = {
    "occupations": occupations, "exposure": exposure, "benchmarks": benchmarks, "regulations": regulations}


def load_all(folder: Path | None = None) -> dict[str, pd.DataFrame]:
    """Every reference table, read once for a run."""
    return {name: read(folder) for name, read in TABLES.items()}
