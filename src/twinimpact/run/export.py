"""Tables for analysts: each key table a notebook emits lands as ``tables/<name>.csv`` and a
sheet of ``tables.xlsx``, with text a spreadsheet would run as a formula neutralised."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells (and column names) that a spreadsheet would run as a formula get a leading
    apostrophe (OWASP's CSV-injection advice).

    Parameters
    ----------
    frame
        A table about to be written for a spreadsheet.

    Returns
    -------
    DataFrame
        A copy, formula-safe.
    """
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v)
    out.columns = [("'" + c if isinstance(c, str) and c.startswith(FORMULA_PREFIXES) else c) for c in out.columns]
    return out


def write_tables(tables: dict[str, pd.DataFrame], folder: Path) -> None:
    """Each table as ``tables/<name>.csv`` and a sheet of ``tables.xlsx`` (formula-safe).

    Parameters
    ----------
    tables
        Name -> table emitted by the notebooks.
    folder
        The run's working folder.
    """
    if not tables:
        return
    (folder / "tables").mkdir(exist_ok=True)
    safe = {name: neutralise(frame) for name, frame in tables.items()}
    for name, frame in safe.items():
        frame.to_csv(folder / "tables" / f"{name}.csv", index=False, lineterminator="\n")
    with pd.ExcelWriter(folder / "tables.xlsx", engine="openpyxl") as xl:
        for name, frame in safe.items():
            frame.to_excel(xl, sheet_name=name[:31], index=False)
