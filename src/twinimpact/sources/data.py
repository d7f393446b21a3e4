"""Data sources, loading and fingerprints.

The six contract tables come from one of three places, always through ibis:

* a folder of ``<table>.csv`` or ``<table>.parquet`` files (default: the bundled sample),
* a DuckDB database file holding tables named like the contract,
* any database ibis reaches, by a connection URL held in an environment variable whose
  *name* is given (``--source ENVVAR``). The URL itself is never printed, stored or
  passed to a notebook.

DuckDB is the embedded engine for files. :func:`load` reads, validates against the data
contract and returns a :class:`Dataset` of typed frames; :meth:`Dataset.table` gives the
same tables as ibis expressions for work that should stay in the engine (large posts).
"""

from __future__ import annotations

import csv

import hashlib
import json
import math
import os
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from twinimpact import config
from twinimpact.sources import reference
from twinimpact.contract import checks
from twinimpact.contract.spec import CONTRACT
from twinimpact.errors import DataError, ParamsError, ResourceError
from twinimpact.params import Params
from twinimpact.sources.progress import Progress, heartbeat
from twinimpact.contract.hints import first_non_utf8, read_error
from twinimpact.sources.redaction import ENCODE_HINT, redact
from twinimpact.contract.schemas import Origin
from twinimpact.sources import spark, textfiles

DUCKDB_SUFFIXES = {".duckdb", ".ddb", ".db"}
#: Above this many posts, posts stay in the engine (validated and fingerprinted there, never
#: held whole in pandas). Override with TWINIMPACT_POSTS_IN_MEMORY.
POSTS_IN_MEMORY = int(os.environ.get("TWINIMPACT_POSTS_IN_MEMORY", "2000000"))


def quiet_engine_warnings() -> None:
    """Silence two known, harmless warnings of the pinned engine stack (ibis on pandas 3:
    ``infer_string``; duckdb 1.5: ``fetch_arrow_table``). Called by the entry points (CLI,
    notebooks), never on import."""
    warnings.filterwarnings("ignore", message=".*infer_string.*")
    warnings.filterwarnings("ignore", message=".*fetch_arrow_table.*")


@dataclass
class Source:
    """An open data source: an ibis connection and the contract tables found in it."""

    kind: str  # "folder", "duckdb" or "url"
    description: str  # safe to print and store: never a URL
    con: object
    tables: dict = field(default_factory=dict)  # name -> ibis.Table (raw types)
    origins: dict[str, Origin] = field(default_factory=dict)
    secret: str | None = field(default=None, repr=False)  # a connection URL: only to hide it in errors
    attach: dict | None = field(default=None, repr=False)  # how a run's notebooks attach to its Spark session

    def close(self) -> None:
        disconnect = getattr(self.con, "disconnect", None)
        if disconnect:
            try:
                disconnect()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass


#: DuckDB's memory for one process (it spills larger work to a temporary folder), so that no
#: process of a run grows past about 800 MB whatever the size of the data. Measured on 10M
#: posts (2 cores): 512MB made the run 97 s with a 987 MB kernel, 256MB 66 s and 723 MB
#: (validation 28.5 s -> 21 s): spilling the joins' and the uniqueness check's partitions
#: early cost less here than holding them.
DUCKDB_MEMORY = os.environ.get("TWINIMPACT_DUCKDB_MEMORY", "256MB")

#: Keys of a large table DuckDB matches a foreign key against by a hash join, per MB of
#: :data:`DUCKDB_MEMORY`; beyond, by an aggregate over both tables' keys. Measured on this
#: machine at 256MB: the join of 50M keys spilled and finished (15.5 s, 419 MB), of 100M keys
#: it ran out of memory, while the aggregate finished at either size (40 s, 78 s; 413 MB) in
#: about twice the join's time. 80,000 per MB (20M keys at 256MB) keeps a margin of 2.5.
JOIN_KEYS_PER_MB = 80_000


def memory_mb(limit: str) -> float:
    """A DuckDB memory setting (``256MB``, ``1GB``, ``512MiB``) in megabytes.

    Raises
    ------
    ParamsError
        The setting is not a number and one of the units KB, MB, GB, TB (or KiB ... TiB).
    """
    import re

    m = re.fullmatch(r"\s*([0-9.]+)\s*([KMGT]i?B)\s*", limit, flags=re.IGNORECASE)
    if not m:
        raise ParamsError(f"The environment variable TWINIMPACT_DUCKDB_MEMORY is {limit!r}, not a size like 256MB "
                          "or 1GB; set it so or unset it (256MB).")
    unit = m.group(2).upper()
    power = "KMGT".index(unit[0]) - 1
    return float(m.group(1)) * (1024.0 if "I" in unit else 1000.0) ** power


def out_of_memory(text: str) -> str | None:
    """What to say when an engine's error ``text`` is DuckDB running out of the memory it may
    use, or of disk to spill to (an environment's limit, not bad data nor a bug), else None."""
    import tempfile

    if "No space left on device" in text:
        return (f"the disk holding the temporary folder is full ({tempfile.gettempdir()}, where DuckDB spills what "
                f"does not fit in TWINIMPACT_DUCKDB_MEMORY, now {DUCKDB_MEMORY}); free space there, or point TMPDIR "
                "at a larger disk, and run again (the data were not found wrong)")
    if "Out of Memory Error" not in text:
        return None
    return (f"DuckDB ran out of the memory it may use (TWINIMPACT_DUCKDB_MEMORY, now {DUCKDB_MEMORY}) and could "
            "not spill the rest to the temporary folder; run again with more, e.g. TWINIMPACT_DUCKDB_MEMORY=1GB "
            "(each of a run's processes may use that much), or with more free disk in the temporary folder (the "
            "data were not found wrong)")


def keys_by_aggregate(kind: str, counts: dict[str, int], large: set[str]) -> set[str]:
    """The large tables whose keys a DuckDB source (``kind`` folder or duckdb) matches foreign
    keys against by aggregate (:data:`JOIN_KEYS_PER_MB`); none on other engines, whose joins
    spill without a limit of ours.

    Parameters
    ----------
    kind
        The source's kind.
    counts
        Rows of the large tables.
    large
        The tables kept in the engine.
    """
    most = join_keys_most(kind)
    return set() if most is None else {n for n in large if counts.get(n, 0) > most}


def join_keys_most(kind: str) -> float | None:
    """The most keys a source of ``kind`` joins at once (:data:`JOIN_KEYS_PER_MB` per MB of
    DuckDB's memory), or None: other engines' joins spill without a limit of ours."""
    return memory_mb(DUCKDB_MEMORY) * JOIN_KEYS_PER_MB if kind in ("folder", "duckdb", "workbook") else None


def duckdb_connect(path: str | None = None, read_only: bool = False):
    """An embedded DuckDB connection through ibis: UTC, a memory limit of ``DUCKDB_MEMORY``
    (spilling to a folder of its own in the system's temporary folder) and no terminal
    progress bar."""
    import tempfile

    import ibis

    con = ibis.duckdb.connect(path or ":memory:", read_only=read_only)
    # a folder of this connection's own: two kernels spilling at once into one folder overwrite
    # each other's files (DuckDB names them alike), which failed the 10M-post run
    spill = Path(tempfile.gettempdir()) / "twinimpact-duckdb" / f"{os.getpid()}-{id(con):x}"
    try:  # DuckDB makes the connection's folder, not its parent: without it, the first spill fails
        spill.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # an unwritable temporary folder: the engine says so if it ever needs to spill
    for setting in (f"SET memory_limit = '{DUCKDB_MEMORY}'", f"SET temp_directory = '{spill}'",
                    "SET TimeZone = 'UTC'", "SET enable_progress_bar = false"):
        try:  # returns the connection itself: do not close it
            con.raw_sql(setting)
        except Exception:  # noqa: BLE001 - e.g. inside Jupyter DuckDB has no terminal bar to turn off
            pass
    return con


#: The longest CSV line read (bytes); beyond it the reader's error names the file.
MAX_LINE_BYTES = 8 * 2**20
#: The CSV reader's buffer (bytes), twice the longest line. DuckDB's default is 16 longest
#: lines, 128 MiB here: two CSV tables scanned by one query (posts joined with their
#: outcomes) then need more than :data:`DUCKDB_MEMORY` for buffers alone.
CSV_BUFFER_BYTES = 2 * MAX_LINE_BYTES


#: CSV files up to this size are checked record by record before the engine reads them.
CSV_STRUCTURE_BYTES = 100 * 1024 * 1024


def line_ending_problem(path: Path) -> str | None:
    """A sentence naming the first line whose ending differs from the file's first one, when a
    CSV file mixes Windows (CRLF) and Unix (LF) line endings (the engine's reader then calls it
    not UTF-8), or None. Files above :data:`CSV_STRUCTURE_BYTES` are not checked here."""
    if path.suffix != ".csv" or path.stat().st_size > CSV_STRUCTURE_BYTES:
        return None
    data = path.read_bytes()
    crlf = data.count(b"\r\n")
    lf = data.count(b"\n") - crlf
    if not crlf or not lf:
        return None
    first_crlf = data.find(b"\r\n") <= data.find(b"\n")  # the first line ends the Windows way
    for number, line in enumerate(data.split(b"\n")[:-1], 1):
        if line.endswith(b"\r") != first_crlf:
            kinds = ("Windows (CRLF)", "Unix (LF)") if first_crlf else ("Unix (LF)", "Windows (CRLF)")
            return (f"the file mixes line endings: it starts with {kinds[0]} and line {number} ends {kinds[1]} "
                    f"({crlf:,} CRLF and {lf:,} LF lines); save it again with one kind (Excel's 'CSV UTF-8' "
                    "writes CRLF throughout)")
    return None


def csv_structure_problem(path: Path) -> str | None:
    """The first record of a CSV file whose number of fields differs from the header's, as a
    sentence naming its line (quoted line breaks counted), or None. A record that swallows
    lines is a quote opened and never closed. Files above :data:`CSV_STRUCTURE_BYTES` are not
    checked here (the contract's rules still are)."""
    if path.suffix != ".csv" or path.stat().st_size > CSV_STRUCTURE_BYTES:
        return None
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None or len(header) < 2:  # another separator (;, tab): the engine's sniffer reads it
                return None
            line = reader.line_num
            for record in reader:
                start, line = line + 1, reader.line_num
                if not record:  # a blank line
                    continue
                if len(record) != len(header):
                    quote = ("; a quote opened on that line is not closed before line "
                             f"{line}" if line > start else "")
                    return (f"line {start} has {len(record)} field{'s' if len(record) != 1 else ''}, the header "
                            f"{len(header)}{quote}: fix that line (a separator too many or too few, or a stray "
                            '" quote), or save the sheet again as CSV')
    except (UnicodeDecodeError, csv.Error):
        return None  # the engine's reader names the encoding or the quoting problem
    return None


#: Spreadsheet workbooks a folder may hold for a table: ``.xlsx`` is read (the sheet named
#: after the table, or its only sheet); the others are refused with how to save them.
WORKBOOK_SUFFIXES = (".xlsx", ".xls", ".xlsm", ".ods")
READ_WORKBOOKS = (".xlsx", ".xlsm")
TABLE_SUFFIXES = (".parquet", ".csv", ".csv.gz", *READ_WORKBOOKS)


def reading_of(params: Params) -> textfiles.Reading:
    """How the parameters say to read files whose reading is not settled by the files."""
    return textfiles.Reading(params.encoding, params.decimal, params.date_order)


def folder_problems(folder: Path, reading: textfiles.Reading | None = None) -> list[str]:
    """Every problem of a folder's files that stops them being read, found before any is
    read, so that one pass reports them all: a table given only as a workbook of a kind not
    read (``.xls``, ``.ods``), a CSV file whose encoding is not UTF-8 or UTF-16 (its line and
    byte, unless ``--encoding`` names it), and one that mixes line endings."""
    reading = reading or textfiles.Reading()
    problems = []
    for name in CONTRACT:
        tables = [folder / f"{name}{ext}" for ext in TABLE_SUFFIXES]
        books = [folder / f"{name}{ext}" for ext in WORKBOOK_SUFFIXES if (folder / f"{name}{ext}").is_file()
                 and ext not in READ_WORKBOOKS]
        if books and not any(t.is_file() for t in tables):
            problems.append(f"{books[0].name} is not read: save it as {name}.xlsx ('Excel Workbook'), {name}.csv "
                            f"(Excel: 'CSV UTF-8') or {name}.parquet in the same folder")
        csv_file = folder / f"{name}.csv"
        if csv_file.is_file() and csv_file.stat().st_size <= CSV_STRUCTURE_BYTES:
            try:
                codec = textfiles.encoding_of(csv_file.read_bytes(), csv_file.name, reading.encoding)
            except textfiles.ReadProblem as problem:
                problems.append(str(problem))
                continue
            if codec.startswith("utf-8") and (ending := line_ending_problem(csv_file)) is not None:
                problems.append(f"{csv_file.name}: {ending}")
        elif csv_file.is_file() and reading.encoding == "auto":
            bad = first_non_utf8(str(csv_file))
            if bad is not None:
                problems.append(f"{csv_file.name} is not UTF-8 text: line {bad[0]} holds byte 0x{bad[1]:02X}; save "
                                f"it {textfiles.EXCEL_SAVE}, or as {name}.parquet")
    return problems


def _register(con: Any, table: textfiles.TextTable) -> Any:
    """A table read row by row into the engine, every column text (types are the contract's job)."""
    import pyarrow as pa

    columns = list(dict.fromkeys(table.columns))  # a repeated header is the contract's to name, once
    arrays = {c: pa.array([r[table.columns.index(c)] for r in table.rows], type=pa.string()) for c in columns}
    return con.create_table(f"raw_{table.name}", pa.table(arrays), overwrite=True)


def _open_workbook(path: Path, reading: textfiles.Reading) -> Source:
    """An Excel workbook holding one sheet per contract table, named after it."""
    try:
        sheets = textfiles.workbook_sheets(path)
    except textfiles.ReadProblem as problem:
        raise DataError(f"Cannot read {path}: {problem}. Nothing was computed.") from None
    con = duckdb_connect()
    source = Source("workbook", str(path), con)
    problems = []
    lowered = {title.strip().lower().replace(" ", "_"): sheet for title, sheet in sheets.items()}
    for name in CONTRACT:
        sheet = lowered.get(name)
        if sheet is None:
            continue
        try:
            table = textfiles.read_sheet(sheet, name, f"{path.name}, sheet {sheet.title}", reading)
        except textfiles.ReadProblem as problem:
            problems.append(str(problem))
            continue
        source.tables[name] = _register(con, table)
        source.origins[name] = Origin(f"{path}, sheet {sheet.title}", line_numbers=True, lines=tuple(table.lines))
    if problems:
        raise DataError(f"Workbook {path} holds {len(problems)} sheet{'s' if len(problems) > 1 else ''} that cannot "
                        "be read without a guess; nothing was computed:\n" + "\n".join(f"- {p}" for p in problems))
    return source


def _open_folder(folder: Path, reading: textfiles.Reading | None = None) -> Source:
    reading = reading or textfiles.Reading()
    problems = folder_problems(folder, reading)
    if problems:
        raise DataError(f"Folder {folder} holds {len(problems)} file{'s' if len(problems) > 1 else ''} that cannot "
                        "be read; nothing was computed:\n" + "\n".join(f"- {p}" for p in problems))
    con = duckdb_connect()
    source = Source("folder", str(folder), con)
    # small CSV files and workbooks are read row by row first, so that one pass names every
    # file whose reading needs a choice (decimal mark, date order)
    read: dict[str, textfiles.TextTable] = {}
    for name in CONTRACT:
        path = folder / f"{name}.csv"
        book = next((folder / f"{name}{ext}" for ext in READ_WORKBOOKS if (folder / f"{name}{ext}").is_file()), None)
        try:
            if path.is_file() and path.stat().st_size <= CSV_STRUCTURE_BYTES and csv_structure_problem(path) is None:
                table = textfiles.read_csv_table(path, name, reading)
                if table.notes:  # else the engine reads the file itself, as it is
                    read[name] = table
            elif book is not None:
                sheets = textfiles.workbook_sheets(book)
                sheet = sheets.get(name) or (next(iter(sheets.values())) if len(sheets) == 1 else None)
                if sheet is None:
                    raise textfiles.ReadProblem(f"{book.name} has no sheet named {name} (sheets: "
                                                f"{', '.join(sheets)})")
                read[name] = textfiles.read_sheet(sheet, name, f"{book.name}, sheet {sheet.title}", reading)
        except textfiles.ReadProblem as problem:
            problems.append(str(problem))
    if problems:
        raise DataError(f"Folder {folder} holds {len(problems)} file{'s' if len(problems) > 1 else ''} that cannot "
                        "be read without a guess; nothing was computed:\n" + "\n".join(f"- {p}" for p in problems))
    for name in CONTRACT:
        found = [folder / f"{name}{ext}" for ext in TABLE_SUFFIXES if (folder / f"{name}{ext}").is_file()]
        if len(found) > 1:
            raise DataError(
                f"Folder {folder} holds table {name} twice ({', '.join(p.name for p in found)}); "
                f"keep one file per table."
            )
        if not found:
            continue
        path = found[0]
        try:
            if name in read:
                source.tables[name] = _register(con, read[name])
                where = f"{path}, sheet {read[name].source.split(', sheet ')[-1]}" if path.suffix in READ_WORKBOOKS \
                    else f"{path} ({'; '.join(read[name].notes)})"
                source.origins[name] = Origin(where, line_numbers=True, lines=tuple(read[name].lines))
            elif path.suffix == ".parquet":
                source.tables[name] = con.read_parquet(str(path), table_name=f"raw_{name}")
                source.origins[name] = Origin(str(path))
            else:
                problem = csv_structure_problem(path)  # encodings and line endings: folder_problems
                if problem:
                    raise DataError(f"Cannot read table {name} from {path}: {problem}. Nothing was computed.")
                # Read every column as text: types are the contract's job, and "0123" stays "0123".
                # lines up to 8 MB are read, so that a runaway field is reported by the rule it
                # breaks (its length) at its line rather than as a reader error
                source.tables[name] = con.read_csv(str(path), table_name=f"raw_{name}", all_varchar=True,
                                                   header=True, max_line_size=MAX_LINE_BYTES,
                                                   buffer_size=CSV_BUFFER_BYTES)
                source.origins[name] = Origin(str(path), line_numbers=True)
        except DataError:
            raise
        except Exception as exc:  # noqa: BLE001 - any other reader failure is a data problem
            memory = out_of_memory(str(exc))
            if memory:
                raise ResourceError(f"Cannot read table {name} from {path}: {memory}.") from None
            raise DataError(f"Cannot read table {name} from {path}: {read_error(str(path), exc)}.") from None
    return source


def _open_database(con: object, kind: str, description: str) -> Source:
    source = Source(kind, description, con)
    existing = set(con.list_tables())  # type: ignore[attr-defined]
    for name in CONTRACT:
        if name in existing:
            source.tables[name] = con.table(name)  # type: ignore[attr-defined]
            source.origins[name] = Origin(f"{description}, table {name}")
    return source


#: A data folder holding this file was made by ``twinimpact sample``: its figures are synthetic.
SYNTHETIC_MARKER = "TRUTH.json"


def generated_fingerprints(params: Params) -> set[str]:
    """Fingerprints of tables made by ``twinimpact sample``: those of the bundled sample and
    those its ``TRUTH.json`` records beside the tables the parameters name."""
    found: set[str] = set()
    folders = [config.SAMPLE_DIR]
    if not params.source_env and params.data_dir and Path(params.data_dir).expanduser().is_dir():
        folders.append(Path(params.data_dir).expanduser())
    for folder in folders:
        try:
            truth = json.loads((folder / SYNTHETIC_MARKER).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        found |= {str(v) for v in (truth.get("fingerprints") or {}).values()}
    return found


def is_synthetic(params: Params, fingerprints: dict[str, str]) -> bool:
    """Whether the run reads synthetic sample data: a table whose fingerprint is one the
    generator made (:func:`generated_fingerprints`), wherever it was loaded from (a copy of
    the sample in another folder, a DuckDB file, a database). A folder's name or a stray
    ``TRUTH.json`` beside a brand's own tables does not make data synthetic.

    Parameters
    ----------
    params
        The run's parameters.
    fingerprints
        Table -> fingerprint of the validated data.

    Returns
    -------
    bool
    """
    return bool(set(fingerprints.values()) & generated_fingerprints(params))


def shown_path(text: str) -> str:
    """A local path as a report may show it (never absolute): relative to the project when
    inside it, else its last part. Text that is not an absolute path is returned as it is.

    Parameters
    ----------
    text
        A path, or any text.

    Returns
    -------
    str
    """
    if not text or not os.path.isabs(text):
        return text
    p = Path(text)
    try:
        return str(p.resolve().relative_to(config.ROOT))
    except (ValueError, OSError):
        return p.name or text


def duckdb_file(url: str) -> str | None:
    """The database file of a ``duckdb://`` URL (None for any other URL or an in-memory one)."""
    from urllib.parse import unquote, urlsplit

    if not url.lower().startswith("duckdb://"):
        return None
    parts = urlsplit(url)
    path = unquote((parts.netloc or "") + (parts.path or ""))
    return None if path in ("", ":memory:", "/:memory:") else path


def open_source(params: Params, progress: Progress | None = None) -> Source:
    """Open the data source the parameters name (``source_env``, ``data_dir``, or the sample);
    ``progress`` hears what a slow start (a Spark session) is waiting for."""
    import ibis

    if params.source_env:
        name = params.source_env
        url = os.environ.get(name)
        if not url:
            raise DataError(
                f"Environment variable {name} is not set or empty. Set it to an ibis connection URL "
                f"(e.g. duckdb:///path/file.duckdb or postgres://user@host/db) and run again."
            )
        file = duckdb_file(url)
        if file is not None and not Path(file).is_file():  # connecting would create an empty database
            raise DataError(f"The DuckDB file named by ${name} does not exist: {file}. Nothing was created.")
        try:
            if spark.is_spark(url):
                con, tables, attach = spark.connect(url, list(CONTRACT), progress)
            elif file is not None:
                con = duckdb_connect(file, read_only=True)
            else:
                con = ibis.connect(url)
        except DataError as exc:
            raise DataError(redact(str(exc), url)) from None
        except Exception as exc:  # noqa: BLE001
            msg = redact(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, url)
            raise DataError(f"Cannot connect to the database named by ${name}: {msg}. If its password holds special "
                            f"characters, {ENCODE_HINT}.") from None
        if spark.is_spark(url):
            source = Source("url", f"Spark from ${name}", con, tables,
                            {n: Origin(f"Spark from ${name}, table {n}") for n in tables})
            source.secret, source.attach = url, attach
            return source
        source = _open_database(con, "url", f"database from ${name}")
        source.secret = url
        return source

    path = Path(params.data_dir).expanduser() if params.data_dir else config.SAMPLE_DIR
    if path.is_file() and path.suffix.lower() in READ_WORKBOOKS:
        return _open_workbook(path, reading_of(params))
    if path.is_file() and path.suffix in DUCKDB_SUFFIXES:
        try:
            con = duckdb_connect(str(path), read_only=True)
        except Exception as exc:  # noqa: BLE001
            raise DataError(f"Cannot open DuckDB file {path}: {str(exc).splitlines()[0]}") from None
        return _open_database(con, "duckdb", str(path))
    if path.is_dir():
        return _open_folder(path, reading_of(params))
    raise DataError(
        f"Data path {path} is neither a folder of contract tables (<table>.csv, .parquet or .xlsx), an Excel "
        f"workbook with a sheet per table (.xlsx) nor a DuckDB file ({', '.join(sorted(DUCKDB_SUFFIXES))})."
    )


def fingerprint(frame: pd.DataFrame, name: str) -> str:
    """The fingerprint of a typed contract table in memory: the one its validation in an
    engine gives (:func:`twinimpact.contract.checks.fingerprint`), whatever the row order or source.

    Parameters
    ----------
    frame
        A typed contract table.
    name
        Its name in the contract.

    Returns
    -------
    str
        sha256 in hex.
    """
    return checks.fingerprint(frame, name)


def combined_fingerprint(fingerprints: dict[str, str]) -> str:
    """One sha256 over the per-table fingerprints, in contract order.

    Parameters
    ----------
    fingerprints
        Table -> its fingerprint.

    Returns
    -------
    str
        sha256 in hex.
    """
    joined = "\n".join(f"{name}:{fingerprints[name]}" for name in sorted(fingerprints))
    return hashlib.sha256(joined.encode()).hexdigest()


@dataclass
class Dataset:
    """The validated contract tables of one run, filtered to the parameters' brands, with the
    public reference tables the analyses compare against.

    Large posts tables are not in ``frames``: use :meth:`table` (in the engine)."""

    frames: dict[str, pd.DataFrame]
    fingerprints: dict[str, str]
    source_description: str
    as_of: date
    source: Source | None = None
    brands: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # rows of tables kept in the engine
    reference: dict[str, pd.DataFrame] = field(default_factory=reference.load_all)
    #: The contract tables read so far (by ``[]``, :meth:`table` or :meth:`has`): what a run
    #: checks against the tables a notebook declares (:mod:`twinimpact.run.reuse`).
    reads: set[str] = field(default_factory=set, repr=False, compare=False)

    @classmethod
    def from_frames(cls, frames: dict[str, pd.DataFrame], as_of: date,
                    reference_tables: dict[str, pd.DataFrame] | None = None) -> "Dataset":
        """A dataset of already validated frames (tests, notebooks working on a subset).

        Parameters
        ----------
        frames
            Table name -> typed frame (validated already).
        as_of
            The run date.
        reference_tables
            The reference tables, or None for the shipped ones.

        Returns
        -------
        Dataset
        """
        prints = {n: fingerprint(f, n) for n, f in frames.items() if n in CONTRACT}
        ds = cls(dict(frames), prints, "frames in memory", as_of)
        if reference_tables is not None:
            ds.reference = reference_tables
        return ds

    @property
    def shown_source(self) -> str:
        """Where the data came from, as a report may show it (:func:`shown_path`; a database by
        the name of its variable, as it is)."""
        return shown_path(self.source_description)

    @property
    def fingerprint(self) -> str:
        """One sha256 over every table's fingerprint: the identity of the run's data."""
        self.reads.update(self.fingerprints)
        return combined_fingerprint(self.fingerprints)

    def __getitem__(self, name: str) -> pd.DataFrame:
        self.reads.add(name)
        if name not in self.frames and name in self.counts:
            raise DataError(
                f"Table {name} has {self.counts[name]:,} rows, more than are held in memory "
                f"(TWINIMPACT_POSTS_IN_MEMORY={POSTS_IN_MEMORY:,}); work on it in the engine with "
                f"data.table({name!r}).")
        return self.frames[name]

    def has(self, name: str) -> bool:
        """Whether the data hold the (optional) table ``name``; an optional table given with
        no rows counts as absent (:meth:`empty_optional` says which), so that no finding is
        ever drawn from no rows."""
        self.reads.add(name)
        if self.empty_optional(name):
            return False
        return name in self.frames or name in self.counts

    def empty_optional(self, name: str) -> bool:
        """Whether the optional table ``name`` was given with its header only."""
        spec = CONTRACT.get(name)
        return bool(spec is not None and spec.optional and name in self.frames and self.frames[name].empty)

    def table(self, name: str) -> Any:
        """The table as a typed ibis expression in the source's engine (for work that should
        not pull rows into pandas, e.g. millions of posts), filtered to the run's brands."""
        import ibis

        self.reads.add(name)
        if self.source is not None and name in self.source.tables:
            expr = checks.typed(self.source.tables[name], name, checks.trims(self.source.origins.get(name)))
            if self.brands and "brand" in expr.columns:
                expr = expr.filter(expr.brand.isin(self.brands))
            return expr
        return ibis.memtable(self.frames[name])

    def join_parts(self, *names: str) -> int:
        """In how many passes a join of the large tables ``names`` is made: one, unless a
        DuckDB source holds more rows in one of them than :data:`JOIN_KEYS_PER_MB` keys per MB
        of its memory (100M posts ran out of 256MB in one hash join), then enough passes that
        each joins at most that many (:func:`twinimpact.analyses.stats.count_model.outcome_cells`)."""
        most = join_keys_most(self.source.kind) if self.source is not None else None
        return 1 if most is None else max(1, math.ceil(max(self.counts.get(n, 0) for n in names) / most))

    def row_counts(self) -> dict[str, int]:
        """Rows of each table, in contract order (large engine tables included)."""
        self.reads.update(self.frames, self.counts)
        counts = {name: len(frame) for name, frame in self.frames.items()}
        counts.update(self.counts)
        return {n: counts[n] for n in CONTRACT if n in counts}


def check_brands(brands: list[str], present: set[str]) -> None:
    """Every brand the parameters name must be in the data (else exit 2, naming those present)."""
    unknown = [b for b in brands if b not in present]
    if unknown:
        raise ParamsError(f"parameter 'brands' names {', '.join(map(repr, unknown))}, which the data does not "
                          f"hold; brands present: {', '.join(sorted(present))}.")


def check_selection(params: Params, campaigns: pd.DataFrame) -> None:
    """Parameters that select data must select some (else exit 2, naming what is there):
    ``labor_year`` must be a year in which campaigns start.

    Parameters
    ----------
    params
        The run's parameters.
    campaigns
        The validated campaigns (after the ``brands`` filter).
    """
    if not params.labor_year or campaigns.empty:
        return
    years = sorted({int(y) for y in pd.to_datetime(campaigns["start_date"]).dt.year.dropna()})
    if params.labor_year not in years:
        raise ParamsError(f"parameter 'labor_year' is {params.labor_year}, but no campaign starts that year; years "
                          f"with campaigns: {', '.join(map(str, years))} (0 means the latest, {years[-1]}).")


def filter_brands(frames: dict[str, pd.DataFrame], brands: list[str]) -> dict[str, pd.DataFrame]:
    """Keep the named brands' campaigns, posts and everything hanging off those campaigns.

    Parameters
    ----------
    frames
        Table name -> typed frame.
    brands
        The brands kept (all when empty).

    Returns
    -------
    dict
        The same tables, with only those brands' rows and what hangs off their campaigns.
    """
    if not brands:
        return frames
    check_brands(brands, set(frames["campaigns"]["brand"]) | (set(frames["posts"]["brand"]) if "posts" in frames
                                                               else set()))
    campaigns = frames["campaigns"][frames["campaigns"]["brand"].isin(brands)]
    ids = set(campaigns["campaign_id"])
    out = dict(frames)
    out["campaigns"] = campaigns.reset_index(drop=True)
    for name in ("cost_lines", "staffing", "twin_usage", "bookings"):
        if name in frames:
            out[name] = frames[name][frames[name]["campaign_id"].isin(ids)].reset_index(drop=True)
    if "posts" in frames:
        out["posts"] = frames["posts"][frames["posts"]["brand"].isin(brands)].reset_index(drop=True)
        for name in ("post_outcomes", "experiments"):  # tables keyed by post follow the posts kept
            if name in frames:
                kept = frames[name]["post_id"].isin(set(out["posts"]["post_id"]))
                out[name] = frames[name][kept].reset_index(drop=True)
    return out


def run_date(params: Params) -> date:
    """The run date: ``as_of`` from the parameters, else today (UTC)."""
    return params.as_of or datetime.now(timezone.utc).date()


def load(params: Params, *, keep_source: bool = False, progress: Progress | None = None) -> Dataset:
    """Open, read and validate the data the parameters name.

    Every contract rule runs in the engine that holds the data (:mod:`twinimpact.contract.checks`),
    one query per table; the tables then come to pandas, except posts beyond
    ``POSTS_IN_MEMORY``, which stay in the engine (:meth:`Dataset.table`). Raises
    :class:`~twinimpact.errors.DataError` (exit 3) when a table is missing, cannot be read
    or breaks the data contract; nothing is returned from data that fails. Inside a run,
    a notebook reads the run's validated snapshot instead (:mod:`twinimpact.sources.snapshot`).
    ``progress`` hears about large tables and, every 10 s, what is still being checked.
    """
    source = open_source(params, progress)
    counts: dict[str, int] = {}
    try:
        origins = {n: source.origins.get(n, Origin(_expected(source, n))) for n in CONTRACT}
        streamed = set()
        if "posts" in source.tables:
            n_posts = _engine(source, "posts", lambda: int(source.tables["posts"].count().to_pyarrow().as_py()))
            if n_posts > POSTS_IN_MEMORY:
                streamed.add("posts")
                counts["posts"] = n_posts
                if "post_outcomes" in source.tables:  # as many rows as posts, or nearly: in the engine too
                    streamed.add("post_outcomes")
                    counts["post_outcomes"] = _engine(source, "post_outcomes", lambda: int(
                        source.tables["post_outcomes"].count().to_pyarrow().as_py()))
        as_of = run_date(params)

        said = ["validating"]

        def say(message: str) -> None:
            said[0] = message.rstrip(" .")
            if progress:
                progress(message)

        try:
            with heartbeat(progress, lambda: f"still {said[0][0].lower()}{said[0][1:]}"):
                checked = checks.validate(source.tables, currencies=set(params.fx_rates),
                                          reporting_currency=params.reporting_currency, as_of=as_of,
                                          origins=origins, large=streamed, progress=say,
                                          keys_by_aggregate=keys_by_aggregate(source.kind, counts, streamed))
        except checks.EngineFailure as failure:
            raise _read_failure(source, failure.table, failure.cause) from None
        frames = {n: _engine(source, n, lambda n=n: checks.to_frame(c.typed, n))
                  for n, c in checked.items() if n not in streamed}
        prints = {n: c.fingerprint for n, c in checked.items()}
        frames = filter_brands(frames, params.brands)
        check_selection(params, frames["campaigns"])
        if streamed and params.brands:
            present = set(frames["campaigns"]["brand"])
            posts_brands = set(source.tables["posts"].select("brand").distinct().to_pandas()["brand"])
            check_brands(params.brands, present | posts_brands)
    finally:
        if not keep_source:
            source.close()
    return Dataset(frames, prints, source.description, as_of, source if keep_source else None, list(params.brands),
                   counts)


def _read_failure(source: Source, name: str, exc: BaseException) -> DataError | ResourceError:
    where = source.origins[name].description if name in source.origins else source.description
    memory = out_of_memory(str(exc))
    if memory:
        return ResourceError(f"Cannot check table {name} from {where}: {memory}.")
    reason = read_error(where, exc) if source.kind == "folder" else redact(
        "; ".join(ln for ln in str(exc).splitlines()[:3] if ln.strip()), source.secret)
    return DataError(f"Cannot read table {name} from {where}: {reason}.")


def _engine(source: Source, name: str, work: Any) -> Any:
    """Run engine work on one table; an engine failure becomes a DataError naming it."""
    try:
        return work()
    except DataError:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader failure is a data problem
        raise _read_failure(source, name, exc) from None


def _expected(source: Source, name: str) -> str:
    if source.kind == "folder":
        return f"expected {source.description}/{name}.csv, {name}.parquet or {name}.xlsx"
    if source.kind == "workbook":
        return f"expected a sheet named {name} in {source.description}"
    return f"expected a table named {name} in {source.description}"
