"""A blank workbook to fill (``twinimpact template FILE.xlsx``): a README sheet, then a sheet
per contract table with its columns in order, a comment on each header giving the column's
type, unit and rule, a drop-down for closed lists, and one example row. The example rows
form one consistent tiny dataset whose ids start with :data:`EXAMPLE_PREFIX`, so that the
workbook as written passes ``twinimpact validate`` and ``validate`` then names the tables
still holding them (:func:`example_rows`)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from twinimpact.contract.spec import CONTRACT, RULES, Column, rule_text
from twinimpact.errors import ParamsError, PublishError

EXAMPLE_PREFIX = "EXAMPLE-"
#: The example rows' ids, one consistent set (a campaign, a model with a twin, a post).
_IDS = {"campaign_id": "EXAMPLE-C0001", "model_id": "EXAMPLE-M001", "post_id": "EXAMPLE-P0001",
        "asset_id": "EXAMPLE-A0001", "experiment_id": "EXAMPLE-EXP-01", "unit_id": "EXAMPLE-SKU-1"}
#: Example values that keep the rows consistent with each other (a traditional campaign of
#: two shoot days, before every date that refers to it).
_VALUES = {("campaigns", "production_mode"): "traditional", ("campaigns", "shoot_days"): "2.0",
           ("campaigns", "currency"): "EUR", ("twin_usage", "used_on"): "2025-11-02",
           ("posts", "posted_at"): "2025-03-01T12:00:00Z", ("models", "consent_end"): ""}
_TYPE_WORDS = {"str": "text", "enum": "one of a list", "int": "whole number", "float": "number",
               "bool": "TRUE or FALSE", "date": "date (yyyy-mm-dd)", "timestamp": "date and time, UTC"}


def example_value(table: str, column: Column) -> Any:
    """The example cell of a column, as Excel holds it (dates as dates, numbers as numbers)."""
    text = _IDS.get(column.name) or _VALUES.get((table, column.name), column.example)
    if text == "":
        return None
    if column.kind == "date":
        return date.fromisoformat(text)
    if column.kind == "timestamp":
        return datetime.fromisoformat(text.replace("Z", ""))
    if column.kind == "bool":
        return text.lower() == "true"
    if column.kind == "int":
        return int(float(text))
    if column.kind == "float":
        return float(text)
    return text


def column_comment(table: str, column: Column) -> str:
    """A header cell's comment: the type, unit, whether it may be empty, and its rules."""
    parts = [f"{column.name}: {_TYPE_WORDS[column.kind]}" + (f", in {column.unit}" if column.unit else "")]
    if column.values:
        parts.append("one of: " + ", ".join(column.values))
    parts.append("may be empty" if column.nullable else "required")
    if column.optional:
        parts.append("the column may be left out")
    if column.note:
        parts.append(column.note)
    rules = [rule_text(r, None) for r in RULES[table] if r.column == column.name and r.kind == "row"]
    parts += rules
    return "\n".join(parts)


def write(path: Path) -> Path:
    """Write the template workbook to ``path`` (an ``.xlsx`` file; its folder is made).

    Raises
    ------
    ParamsError
        The file name does not end in .xlsx.
    """
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    if path.suffix.lower() != ".xlsx":
        raise ParamsError(f"The template is an Excel workbook: name it with .xlsx, not {path.name!r}.")
    book = openpyxl.Workbook()
    readme = book.active
    readme.title = "README"
    readme.append(["twinimpact data template"])
    readme["A1"].font = Font(bold=True, size=14)
    for line in ("One sheet per table of the data contract. Keep each sheet's name and its header row; put one row "
                 "per record below it.",
                 "Each header cell has a comment with the column's type, unit and rules; closed lists have a "
                 "drop-down. Dates are dates (yyyy-mm-dd), times UTC, true/false as TRUE or FALSE.",
                 f"Every sheet holds one example row whose ids start with {EXAMPLE_PREFIX}: replace them with your "
                 "data. 'twinimpact validate --data FILE.xlsx' names the tables that still hold them.",
                 "Optional tables (bookings, post_outcomes, experiments) may be left empty or deleted.",
                 "Posts can also come from the platforms' exports: see 'twinimpact import' in the README.",
                 ""):
        readme.append([line])
    readme.append(["table", "required", "what it holds"])
    for cell in readme[readme.max_row]:
        cell.font = Font(bold=True)
    for name, table in CONTRACT.items():
        readme.append([name, "optional" if table.optional else "required", table.description])
    readme.column_dimensions["A"].width = 16
    readme.column_dimensions["C"].width = 120
    for name, table in CONTRACT.items():
        ws = book.create_sheet(name)
        ws.append(table.column_names)
        ws.append([example_value(name, c) for c in table.columns])
        for i, column in enumerate(table.columns, start=1):
            header = ws.cell(row=1, column=i)
            header.font = Font(bold=True)
            header.comment = Comment(column_comment(name, column), "twinimpact", width=320, height=160)
            letter = header.column_letter
            ws.column_dimensions[letter].width = max(12, len(column.name) + 4)
            example = ws.cell(row=2, column=i)
            if column.kind == "date":
                example.number_format = "yyyy-mm-dd"
            elif column.kind == "timestamp":
                example.number_format = "yyyy-mm-dd hh:mm:ss"
            elif column.kind == "str" and column.name.endswith("_id"):
                example.number_format = "@"  # ids stay text: 0123 keeps its zero
            if column.values and len(",".join(column.values)) < 250:
                check = DataValidation(type="list", formula1='"' + ",".join(column.values) + '"', allow_blank=True)
                check.add(f"{letter}2:{letter}100000")
                ws.add_data_validation(check)
        ws.freeze_panes = "A2"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        book.save(tmp)
        tmp.replace(path)
    except OSError as err:
        raise PublishError(f"Cannot write {path}: {err.strerror or err}.") from None
    return path


def example_rows(frames: dict[str, Any]) -> dict[str, int]:
    """The tables still holding the template's example rows, and how many (rows whose key
    or first id column starts with :data:`EXAMPLE_PREFIX`).

    Parameters
    ----------
    frames
        Table -> its validated frame (tables kept in the engine are left out).

    Returns
    -------
    dict
        Table -> example rows, for the tables that hold any.
    """
    out = {}
    for name, frame in frames.items():
        if name not in CONTRACT or frame is None or not len(frame):
            continue
        ids = [c for c in CONTRACT[name].column_names if c.endswith("_id") and c in frame.columns]
        if not ids:
            continue
        hit = frame[ids[0]].astype(str).str.startswith(EXAMPLE_PREFIX)
        if int(hit.sum()):
            out[name] = int(hit.sum())
    return out
