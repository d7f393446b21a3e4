"""Tables in the engine: one helper so that small pandas frames and large engine tables
(ibis expressions over DuckDB, PostgreSQL, ...) go through the same calculation code."""

from __future__ import annotations

from typing import Any

import pandas as pd


def as_table(table: Any) -> Any:
    """An ibis table for a pandas frame (an in-memory table) or an ibis table (unchanged)."""
    import ibis

    return ibis.memtable(table) if isinstance(table, pd.DataFrame) else table
