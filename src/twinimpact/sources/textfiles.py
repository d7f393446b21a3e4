"""Tables as spreadsheets write them: CSV files in any of the encodings and separators Excel
saves (UTF-8 with or without a byte-order mark, UTF-16, Windows-1252; comma, semicolon or
tab; decimal comma), Excel workbooks (``.xlsx``), dates as Excel writes them (serial numbers,
``m/d/yyyy``, ``dd/mm/yyyy``, ``dd.mm.yyyy``) and booleans in the languages Excel writes
them (``TRUE``/``FALSE``, ``WAHR``/``FALSCH``, ``VRAI``/``FAUX``).

Each table becomes text in the contract's own spelling (ISO dates and timestamps, ``true``
and ``false``, a decimal point), row for row, so that the contract's rules then read it as
they read any CSV file and name its rows by their line (or sheet row). What cannot be read
without a guess is refused, naming the file, what was found and the option that settles it
(:class:`Reading`)."""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from twinimpact.contract.spec import CONTRACT, FALSE_TEXT, TRUE_TEXT, Table

#: ``--encoding`` choices: auto reads UTF-8 (with or without its byte-order mark) and UTF-16
#: by its byte-order mark, and refuses anything else, naming the first byte that is not UTF-8.
ENCODINGS = ("auto", "utf-8", "utf-16", "cp1252", "latin-1")
#: ``--decimal`` choices: auto reads a decimal comma in a file separated by semicolons or
#: tabs when its numbers show it, and refuses a file whose numbers show both marks.
DECIMALS = ("auto", ".", ",")
#: ``--date-order`` choices for dates written with slashes (``5/20/2023``): auto reads the
#: order the file's own dates show (a day above 12), and refuses a file where none does.
DATE_ORDERS = ("auto", "mdy", "dmy")
SEPARATORS = (",", ";", "\t")
SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}

#: Booleans as Excel writes them in English, German, French, Spanish and Italian (any case).
EXCEL_TRUE = ("true", "wahr", "vrai", "verdadero", "vero")
EXCEL_FALSE = ("false", "falsch", "faux", "falso")
#: Excel's day zero: serial 1 is 1900-01-01 (with its 1900 leap-year bug, serials from 61 on
#: count from 1899-12-30, the only ones a brand's dates use).
EXCEL_EPOCH = date(1899, 12, 30)
#: Serial numbers read as dates: 1 January 1955 to 31 December 2099.
SERIAL_RANGE = (20090, 73050)

EXCEL_SAVE = "in Excel: File > Save As > 'CSV UTF-8 (Comma delimited)'"

_SLASH = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_ISO_SPACE = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_COMMA_DECIMAL = re.compile(r"^[-+]?(?:\d{1,3}(?:[.\s\u00a0\u202f]\d{3})+|\d+),\d+$")
_DOT_DECIMAL = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+$")


@dataclass(frozen=True)
class Reading:
    """How to read tables whose reading is not settled by the files themselves
    (``--encoding``, ``--decimal``, ``--date-order``)."""

    encoding: str = "auto"
    decimal: str = "auto"
    date_order: str = "auto"


class ReadProblem(Exception):
    """A file that cannot be read without a guess, or at all: the message names it and says
    how to settle it."""


# --- bytes to text -------------------------------------------------------------------------------
def encoding_of(data: bytes, name: str, choice: str = "auto") -> str:
    """The codec of a file's bytes (``utf-8-sig``, ``utf-8``, ``utf-16``, or the one chosen).

    Raises
    ------
    ReadProblem
        Not UTF-8 and no byte-order mark (under ``auto``), or not decodable as ``choice``:
        naming the line and byte, what it would be in Windows-1252, and the options.
    """
    if choice != "auto":
        codec = {"utf-8": "utf-8-sig"}.get(choice, choice)
        try:
            data.decode(codec)
        except UnicodeDecodeError as err:
            line = data.count(b"\n", 0, err.start) + 1
            raise ReadProblem(f"{name} is not {choice} text: line {line} holds byte 0x{data[err.start]:02X}; choose "
                              f"another --encoding ({', '.join(ENCODINGS[1:])}) or save it {EXCEL_SAVE}") from None
        return codec
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        byte = data[err.start]
        guess = bytes([byte]).decode("cp1252", errors="replace")
        raise ReadProblem(
            f"{name} is not UTF-8 text: line {line} holds byte 0x{byte:02X} ({guess!r} in Windows-1252, which "
            "Excel's plain 'CSV' writes in Western Europe); run with --encoding cp1252 if it was saved so, or save it "
            f"{EXCEL_SAVE}") from None
    return "utf-8"


def separator_of(header: str, expected: list[str]) -> str:
    """The separator of a CSV file, from its header line: the one that splits it into most
    of the ``expected`` column names (else into most fields)."""
    def score(sep: str) -> tuple[int, int]:
        fields = [f.strip().strip('"').strip() for f in next(csv.reader([header], delimiter=sep), [])]
        return (sum(f in expected for f in fields), len(fields))

    return max(SEPARATORS, key=score)


def decode(path: Path, choice: str = "auto") -> tuple[str, str]:
    """A text file's text (line endings as written) and its codec.

    Raises
    ------
    ReadProblem
        :func:`encoding_of`.
    """
    data = path.read_bytes()
    codec = encoding_of(data, path.name, choice)
    return data.decode(codec), codec


def csv_records(text: str, separator: str) -> tuple[list[str], list[list[str]], list[int]]:
    """The header, the records (blank lines skipped) and the line each record starts on."""
    csv.field_size_limit(2**31 - 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    header = [h.strip() for h in next(reader, [])]
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    rows, lines, end = [], [], reader.line_num
    for record in reader:
        start, end = end + 1, reader.line_num
        if not record or all(not v.strip() for v in record):
            continue
        rows.append(record)
        lines.append(start)
    return header, rows, lines


# --- values ---------------------------------------------------------------------------------------
def excel_serial(value: float) -> datetime:
    """An Excel serial date-time (days since 1899-12-30) as a datetime."""
    return datetime.combine(EXCEL_EPOCH, datetime.min.time()) + timedelta(days=value)


def _two_parts(value: str) -> tuple[int, int] | None:
    m = _SLASH.match(value)
    return (int(m.group(1)), int(m.group(2))) if m else None


def date_order_of(values: list[str], name: str, choice: str = "auto") -> str | None:
    """The order of a file's slash dates (``mdy`` or ``dmy``), or None when it holds none.

    Raises
    ------
    ReadProblem
        Some dates put the day first and others the month, or no date tells (every part at
        most 12) and ``choice`` is auto.
    """
    pairs = [p for p in map(_two_parts, values) if p]
    if not pairs:
        return None
    if choice != "auto":
        return choice
    day_first = next((v for v, p in zip(values, map(_two_parts, values)) if p and p[0] > 12), None)
    month_first = next((v for v, p in zip(values, map(_two_parts, values)) if p and p[1] > 12), None)
    if day_first and month_first:
        raise ReadProblem(f"{name} writes dates both day first ({day_first}) and month first ({month_first}); write "
                          "them one way, best as 2023-05-20 (Excel: format the cells as yyyy-mm-dd)")
    if day_first:
        return "dmy"
    if month_first:
        return "mdy"
    raise ReadProblem(f"{name} writes dates with slashes and none of them shows whether the day or the month comes "
                      f"first (e.g. {next(v for v in values if _two_parts(v))}); run with --date-order mdy or "
                      "--date-order dmy, or write them as 2023-05-20 (Excel: format the cells as yyyy-mm-dd)")


def as_date(value: str, order: str | None, timestamp: bool = False) -> str:
    """A date (or timestamp) as Excel may write it, in the contract's spelling; the value as
    it is when it is none of those forms (the contract's type rule then names it)."""
    v = value.strip()
    m = _SLASH.match(v) or _DOTTED.match(v)
    if m:
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        day, month = (b, a) if (m.re is _SLASH and order == "mdy") else (a, b)
        if m.re is _SLASH and order is None:
            return value
        try:
            d = date(year, month, day)
        except ValueError:
            return value
        if not timestamp:
            return d.isoformat() if m.group(4) is None or (int(m.group(4)) == 0 and m.group(5) == "00") else value
        hh, mm, ss = int(m.group(4) or 0), int(m.group(5) or 0), int(m.group(6) or 0)
        return f"{d.isoformat()}T{hh:02d}:{mm:02d}:{ss:02d}Z"
    if _SERIAL.match(v) and SERIAL_RANGE[0] <= float(v) <= SERIAL_RANGE[1]:
        moment = excel_serial(float(v))
        if timestamp:
            return moment.replace(microsecond=0).isoformat() + "Z"
        return moment.date().isoformat() if moment.time() == datetime.min.time() else value
    m = _ISO_SPACE.match(v)
    if m:
        if not timestamp:
            return m.group(1) if re.fullmatch(r"00:00(:00(\.0+)?)?", m.group(2)) else value
        return f"{m.group(1)}T{m.group(2)}Z"
    return value


def as_bool(value: str) -> str:
    """A boolean as Excel writes it (any language of :data:`EXCEL_TRUE`) as ``true``/``false``."""
    low = value.strip().lower()
    if low in EXCEL_TRUE or low in TRUE_TEXT:
        return "true"
    if low in EXCEL_FALSE or low in FALSE_TEXT:
        return "false"
    return value


def decimal_of(values: list[str], name: str, separator: str, choice: str = "auto") -> str:
    """The decimal mark of a file's numbers: ``.`` unless the file is separated by semicolons
    or tabs and its numbers are written with a decimal comma.

    Raises
    ------
    ReadProblem
        Its numbers show both marks and ``choice`` is auto.
    """
    if choice != "auto":
        return choice
    if separator == ",":
        return "."
    comma = next((v for v in values if _COMMA_DECIMAL.match(v.strip())), None)
    dot = next((v for v in values if _DOT_DECIMAL.match(v.strip())), None)
    if comma and dot:
        raise ReadProblem(f"{name} is separated by {SEPARATOR_NAMES[separator]}s and its numbers show both a decimal "
                          f"comma ({comma}) and a decimal point ({dot}); run with --decimal , or --decimal . to say "
                          "which it uses")
    return "," if comma else "."


def as_number(value: str, decimal: str) -> str:
    """A number written with ``decimal`` as the mark, in the contract's spelling (point, no
    grouping); the value as it is otherwise."""
    v = value.strip()
    if decimal == "," and (_COMMA_DECIMAL.match(v) or re.fullmatch(r"[-+]?\d{1,3}(?:[.\s\u00a0\u202f]\d{3})+", v)):
        return re.sub(r"[.\s\u00a0\u202f]", "", v).replace(",", ".")
    return value


# --- whole tables ---------------------------------------------------------------------------------
@dataclass
class TextTable:
    """A table as text in the contract's spelling, row for row, with where each row came from."""

    name: str
    columns: list[str]
    rows: list[list[str | None]]
    lines: list[int]  # the line (or sheet row) of each row
    source: str  # the file (and sheet) as the messages name it
    notes: list[str]  # what was read other than as the contract spells it

    def frame(self) -> Any:
        """The rows as a frame of text (empty cells missing)."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns, dtype=object)


def normalise(name: str, header: list[str], rows: list[list[Any]], lines: list[int], source: str,
              separator: str, reading: Reading) -> TextTable:
    """A contract table's rows (text, or Excel cell values) in the contract's spelling.

    Raises
    ------
    ReadProblem
        A reading :func:`date_order_of` or :func:`decimal_of` refuses.
    """
    table: Table = CONTRACT[name]
    kinds = {c.name: c.kind for c in table.columns}
    width = len(header)
    text_rows: list[list[str | None]] = []
    for record in rows:
        record = list(record[:width]) + [None] * (width - len(record))
        text_rows.append([cell_text(v, kinds.get(header[i])) for i, v in enumerate(record)])
    notes: list[str] = []
    index = {h: i for i, h in enumerate(header)}

    def values(kind: tuple[str, ...]) -> list[str]:
        return [r[i] for h, i in index.items() if kinds.get(h) in kind for r in text_rows if r[i]]

    order = date_order_of(values(("date", "timestamp")), source, reading.date_order)
    decimal = decimal_of(values(("int", "float")), source, separator, reading.decimal)
    changed: dict[str, int] = {}
    for h, i in index.items():
        kind = kinds.get(h)
        if kind not in ("date", "timestamp", "bool", "int", "float"):
            continue
        for r in text_rows:
            v = r[i]
            if not v:
                continue
            new = (as_date(v, order, kind == "timestamp") if kind in ("date", "timestamp") else as_bool(v)
                   if kind == "bool" else as_number(v, decimal))
            if new != v:
                r[i] = new
                changed[h] = changed.get(h, 0) + 1
    if order:
        notes.append(f"dates with slashes read {'month' if order == 'mdy' else 'day'} first")
    if decimal == ",":
        notes.append("numbers read with a decimal comma")
    notes += [f"{n:,} values of {h} rewritten to the contract's spelling" for h, n in changed.items()]
    return TextTable(name, header, text_rows, lines, source, notes)


def cell_text(value: Any, kind: str | None) -> str | None:
    """One cell (CSV text or an Excel value) as text: numbers without a needless ``.0``,
    dates and times in ISO form, booleans as ``true``/``false``; empty cells None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if kind == "date" and value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.replace(microsecond=0).isoformat() + ("Z" if value.tzinfo is None else "")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if kind in ("date", "timestamp") and SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1]:
            return as_date(repr(value), None, kind == "timestamp")
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return text if text.strip() else None


def read_csv_table(path: Path, name: str, reading: Reading) -> TextTable:
    """A contract table's CSV file in any encoding, separator and spelling Excel writes.

    Raises
    ------
    ReadProblem
        The file cannot be read without a guess (encoding, decimal mark or date order).
    """
    text, codec = decode(path, reading.encoding)
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    separator = separator_of(first, CONTRACT[name].column_names)
    header, rows, lines = csv_records(text, separator)
    out = normalise(name, header, rows, lines, path.name, separator, reading)
    if codec not in ("utf-8", "utf-8-sig"):
        out.notes.insert(0, f"read as {codec}")
    if separator != ",":
        out.notes.insert(0, f"{SEPARATOR_NAMES[separator]}-separated")
    return out


def workbook_sheets(path: Path) -> dict[str, Any]:
    """The sheets of an Excel workbook by name (read-only, values as Excel computed them).

    Raises
    ------
    ReadProblem
        The file is not an ``.xlsx`` workbook openpyxl can read.
    """
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any reader failure: the file is not a workbook we read
        raise ReadProblem(f"{path.name} cannot be read as an Excel workbook (.xlsx): {exc}; save it from Excel as "
                          "'Excel Workbook (.xlsx)'") from None
    return {ws.title: ws for ws in book.worksheets}


def read_sheet(sheet: Any, name: str, source: str, reading: Reading) -> TextTable:
    """A contract table from one worksheet: row 1 the header, the rows below it.

    Raises
    ------
    ReadProblem
        :func:`normalise`.
    """
    rows_iter = sheet.iter_rows(values_only=True)
    header_row = next(rows_iter, None) or ()
    header = [str(h).strip() if h is not None else "" for h in header_row]
    while header and not header[-1]:
        header.pop()
    rows, lines = [], []
    for number, row in enumerate(rows_iter, start=2):
        cells = list(row[:len(header)])
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        rows.append(cells)
        lines.append(number)
    return normalise(name, header, rows, lines, source, ",", reading)
