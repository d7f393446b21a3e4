"""The same contract tables as spreadsheets save them, written by the tests from a folder of
contract CSV files: an Excel workbook with a sheet per table, a German Excel's CSV
(Windows-1252, semicolons, decimal comma, ``02.01.2023``, ``WAHR``/``FALSCH``) and a US
Excel's "CSV UTF-8" (byte-order mark, CRLF, ``5/20/2023``, ``TRUE``/``FALSE``)."""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from twinimpact.contract.spec import CONTRACT


def _tables(folder: Path) -> dict[str, pd.DataFrame]:
    out = {}
    for name in CONTRACT:
        csv_file, parquet = folder / f"{name}.csv", folder / f"{name}.parquet"
        if csv_file.is_file():
            out[name] = pd.read_csv(csv_file, dtype=str, keep_default_na=False)
        elif parquet.is_file():
            frame = pd.read_parquet(parquet)
            text = frame.astype(object).where(frame.notna(), "")
            for col in frame.columns:
                kind = CONTRACT[name].column(col).kind if col in CONTRACT[name].column_names else "str"
                if kind == "timestamp":
                    text[col] = frame[col].dt.strftime("%Y-%m-%dT%H:%M:%SZ").fillna("")
                elif kind == "bool":
                    text[col] = frame[col].map({True: "true", False: "false"}).fillna("")
                else:
                    text[col] = text[col].astype(str).replace({"<NA>": "", "None": "", "nan": ""})
            out[name] = text
    return out


def _kind(name: str, col: str) -> str:
    return CONTRACT[name].column(col).kind if col in CONTRACT[name].column_names else "str"


def workbook(folder: Path, out: Path) -> Path:
    """An .xlsx workbook with a sheet per table: dates and times as Excel dates, numbers as
    numbers, booleans as Excel's TRUE/FALSE, ids as text."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, frame in _tables(folder).items():
        ws = book.create_sheet(name)
        ws.append(list(frame.columns))
        kinds = [_kind(name, c) for c in frame.columns]
        for row in frame.itertuples(index=False):
            cells = []
            for v, kind in zip(row, kinds):
                if v == "":
                    cells.append(None)
                elif kind == "date":
                    cells.append(date.fromisoformat(v))
                elif kind == "timestamp":
                    cells.append(datetime.strptime(v[:19], "%Y-%m-%dT%H:%M:%S"))
                elif kind == "bool":
                    cells.append(v.lower() in ("true", "1", "t", "yes"))
                elif kind in ("int", "float"):
                    cells.append(float(v) if kind == "float" else int(float(v)))
                else:
                    cells.append(v)
            ws.append(cells)
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


def _write(frame: pd.DataFrame, path: Path, encoding: str, sep: str, ending: str) -> None:
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=sep, lineterminator=ending)
        writer.writerow(frame.columns)
        writer.writerows(frame.itertuples(index=False))


def _resave(folder: Path, out: Path, spell: dict, encoding: str, sep: str) -> Path:
    """Every table with its values of each kind spelt by ``spell`` (kind -> function)."""
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in _tables(folder).items():
        text = frame.copy()
        for col in text.columns:
            kind = _kind(name, col)
            if kind in spell:
                text[col] = text[col].map(lambda v, f=spell[kind]: f(v) if v else v)
        _write(text, out / f"{name}.csv", encoding, sep, "\r\n")
    return out


def german_csv(folder: Path, out: Path) -> Path:
    """Every table as a German Excel saves 'CSV (Trennzeichen-getrennt)'."""
    return _resave(folder, out, {
        "date": lambda v: f"{v[8:10]}.{v[5:7]}.{v[:4]}",
        "timestamp": lambda v: f"{v[8:10]}.{v[5:7]}.{v[:4]} {v[11:19]}",
        "bool": lambda v: {"true": "WAHR", "false": "FALSCH"}.get(v.lower(), v),
        "float": lambda v: v.replace(".", ","),
    }, "cp1252", ";")


def us_excel_csv(folder: Path, out: Path) -> Path:
    """Every table as a US Excel saves 'CSV UTF-8 (Comma delimited)'."""
    return _resave(folder, out, {
        "date": lambda v: f"{int(v[5:7])}/{int(v[8:10])}/{v[:4]}",
        "timestamp": lambda v: f"{int(v[5:7])}/{int(v[8:10])}/{v[:4]} {int(v[11:13])}:{v[14:19]}",
        "bool": lambda v: v.upper(),
    }, "utf-8-sig", ",")


def latin_bytes(path: Path) -> bool:
    """Whether a file holds a byte above 0x7F (a test's check that the encoding mattered)."""
    return bool(re.search(rb"[\x80-\xff]", path.read_bytes()))
