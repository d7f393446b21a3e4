"""What a validation message says about a spreadsheet export: the file line a record starts
on (quoted newlines counted), the value found and the usual fix (decimal commas,
day-first dates), and which header looks like a missing column."""

from __future__ import annotations

import csv
import difflib
import os
import re

from twinimpact.contract.spec import Column

_LINES: dict[tuple[str, int, int], list[int]] = {}


def record_lines(path: str) -> list[int]:
    """The first line of every data record of a CSV file, read once per version of the file."""
    try:
        stat = os.stat(path)
    except OSError:
        return []
    key = (path, stat.st_mtime_ns, stat.st_size)
    if key not in _LINES:
        starts: list[int] = []
        try:
            csv.field_size_limit(2**31 - 1)  # a megabyte field is a broken rule to report, not a reader error
            with open(path, newline="", encoding="utf-8", errors="replace") as handle:
                reader = csv.reader(handle)
                next(reader, None)
                end = reader.line_num
                for _ in reader:
                    starts.append(end + 1)
                    end = reader.line_num
        except (OSError, csv.Error):
            pass
        _LINES[key] = starts
    return _LINES[key]


_EXPECTED = {"int": "a whole number like 12", "float": "a number like 12.5", "bool": "true or false",
             "date": "a date like 2025-03-01", "timestamp": "a timestamp like 2025-03-01T12:00:00Z"}


#: The most characters of a value a message quotes.
SHOWN = 40


def shown(value: object, length: int | None = None) -> str:
    """A value as a message quotes it: cut to :data:`SHOWN` characters (with how long it
    was: ``length`` when the engine already cut it), control characters escaped."""
    text = str(value)
    size = len(text) if length is None else length
    if size > SHOWN:
        return repr(text[:SHOWN - 3] + "...") + f" ({size:,} characters)"
    return repr(text)


def shown_key(value: object) -> str:
    """A key as a message names it: as it is when short and printable, else :func:`shown`."""
    text = str(value)
    return text if len(text) <= SHOWN and text.isprintable() else shown(text)


def value_hint(value: object, column: Column) -> str:
    """The first value that does not parse, what was expected, and the usual fix for what
    spreadsheet exports write: decimal commas, day-first dates."""
    text = str(value).strip()
    hint = f"value found {shown(text)}, expected {_EXPECTED.get(column.kind, 'text')}"
    if column.kind in ("int", "float") and re.fullmatch(r"-?\d{1,3}(,\d{3})+", text) and (
            column.kind == "int" or "." not in text):
        plain = text.replace(",", "")
        hint += (f" (a thousands separator: write {plain}; in the spreadsheet, format the column as a number "
                 "without separators before saving it as CSV)")
    elif column.kind in ("int", "float") and re.fullmatch(r"-?[\d.\s]*\d,\d+", text):
        hint += " (a decimal comma: write numbers with a decimal point, e.g. save the CSV with a point separator)"
    elif column.kind in ("date", "timestamp") and re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}.*", text):
        hint += " (a day-first or month-first date: write dates as YYYY-MM-DD)"
    return hint


def header_hint(name: str, found: list[str]) -> str:
    """Which column of the file looks like the one missing (case, spaces), if any."""
    same = [c for c in found if c.strip().lower().replace(" ", "_") == name]
    if same:
        return f"the file has {same[0]!r}: column names are lower case with underscores, exactly {name!r}"
    close = difflib.get_close_matches(name, found, n=1)
    return (f"the file has {close[0]!r}, did you mean {name!r}?" if close else
            f"columns found: {', '.join(found[:12])}{' ...' if len(found) > 12 else ''}")


def first_non_utf8(path: str) -> tuple[int, int] | None:
    """(line, byte) of the first byte in a file that is not UTF-8, or None if it all is."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    line, offset = 1, 0
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as err:
                bad = chunk[err.start]
                return line + chunk[:err.start].count(b"\n"), bad
            line += chunk.count(b"\n")
            offset += len(chunk)
    return None


def read_error(path: str, exc: BaseException) -> str:
    """Why a table file could not be read, in words an analyst can act on."""
    text = str(exc)
    if path.endswith((".csv", ".csv.gz")) and re.search(r"unicode|utf-?8|encod", text, re.IGNORECASE):
        where = first_non_utf8(path) if path.endswith(".csv") else None
        at = f": line {where[0]} holds byte 0x{where[1]:02X}, which is not UTF-8" if where else ""
        return (f"the file is not UTF-8 text{at} (typical of a spreadsheet's plain 'CSV' or Windows-1252 export). "
                "Save it as 'CSV UTF-8' (Excel) or re-encode it to UTF-8 and run again")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    lines = [ln if len(ln) <= 200 else ln[:197] + "..." for ln in lines]  # a reader may echo a whole line
    return "; ".join(lines[:3]) or type(exc).__name__
