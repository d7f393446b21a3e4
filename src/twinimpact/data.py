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

import hashlib
import os
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd

from . import config
from .errors import DataError, ParamsError
from .params import Params
from .schemas import CONTRACT, Origin, validate_tables

warnings.filterwarnings("ignore", message=".*infer_string.*")
warnings.filterwarnings("ignore", message=".*fetch_arrow_table.*")

DUCKDB_SUFFIXES = {".duckdb", ".ddb", ".db"}


@dataclass
class Source:
    """An open data source: an ibis connection and the contract tables found in it."""

    kind: str  # "folder", "duckdb" or "url"
    description: str  # safe to print and store: never a URL
    con: object
    tables: dict = field(default_factory=dict)  # name -> ibis.Table (raw types)
    origins: dict[str, Origin] = field(default_factory=dict)

    def close(self) -> None:
        disconnect = getattr(self.con, "disconnect", None)
        if disconnect:
            try:
                disconnect()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass


def _scrub(text: str, secret: str | None) -> str:
    """Remove a secret (a connection URL) from an error text before it is shown."""
    return text.replace(secret, "<hidden>") if secret else text


def duckdb_connect(path: str | None = None, read_only: bool = False):
    """An embedded DuckDB connection through ibis, without DuckDB's terminal progress bar."""
    import ibis

    con = ibis.duckdb.connect(path or ":memory:", read_only=read_only)
    try:  # returns the connection itself: do not close it
        con.raw_sql("SET enable_progress_bar = false")
    except Exception:  # noqa: BLE001 - inside Jupyter DuckDB has no terminal bar to turn off
        pass
    return con


def _open_folder(folder: Path) -> Source:
    con = duckdb_connect()
    source = Source("folder", str(folder), con)
    for name in CONTRACT:
        found = [folder / f"{name}{ext}" for ext in (".parquet", ".csv", ".csv.gz") if (folder / f"{name}{ext}").is_file()]
        if len(found) > 1:
            raise DataError(
                f"Folder {folder} holds table {name} twice ({', '.join(p.name for p in found)}); "
                f"keep one file per table."
            )
        if not found:
            continue
        path = found[0]
        try:
            if path.suffix == ".parquet":
                source.tables[name] = con.read_parquet(str(path), table_name=f"raw_{name}")
                source.origins[name] = Origin(str(path))
            else:
                # Read every column as text: types are the contract's job, and "0123" stays "0123".
                source.tables[name] = con.read_csv(str(path), table_name=f"raw_{name}", all_varchar=True,
                                                   header=True)
                source.origins[name] = Origin(str(path), line_numbers=True)
        except Exception as exc:  # noqa: BLE001 - any reader failure is a data problem
            raise DataError(f"Cannot read table {name} from {path}: {str(exc).splitlines()[0]}") from None
    return source


def _open_database(con: object, kind: str, description: str) -> Source:
    source = Source(kind, description, con)
    existing = set(con.list_tables())  # type: ignore[attr-defined]
    for name in CONTRACT:
        if name in existing:
            source.tables[name] = con.table(name)  # type: ignore[attr-defined]
            source.origins[name] = Origin(f"{description}, table {name}")
    return source


def open_source(params: Params) -> Source:
    """Open the data source the parameters name (``source_env``, ``data_dir``, or the sample)."""
    import ibis

    if params.source_env:
        name = params.source_env
        url = os.environ.get(name)
        if not url:
            raise DataError(
                f"Environment variable {name} is not set or empty. Set it to an ibis connection URL "
                f"(e.g. duckdb:///path/file.duckdb or postgres://user@host/db) and run again."
            )
        try:
            con = ibis.connect(url)
        except Exception as exc:  # noqa: BLE001
            msg = _scrub(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, url)
            raise DataError(f"Cannot connect to the database named by ${name}: {msg}") from None
        return _open_database(con, "url", f"database from ${name}")

    path = Path(params.data_dir).expanduser() if params.data_dir else config.SAMPLE_DIR
    if path.is_file() and path.suffix in DUCKDB_SUFFIXES:
        try:
            con = duckdb_connect(str(path), read_only=True)
        except Exception as exc:  # noqa: BLE001
            raise DataError(f"Cannot open DuckDB file {path}: {str(exc).splitlines()[0]}") from None
        return _open_database(con, "duckdb", str(path))
    if path.is_dir():
        return _open_folder(path)
    raise DataError(
        f"Data path {path} is neither a folder of contract tables (<table>.csv or <table>.parquet) "
        f"nor a DuckDB file ({', '.join(sorted(DUCKDB_SUFFIXES))})."
    )


def fingerprint(frame: pd.DataFrame, key: str | None = None) -> str:
    """sha256 of a table's content, independent of file format, row order and source."""
    order = [key] if key else list(frame.columns)
    canonical = frame.sort_values(order, kind="mergesort", na_position="last").reset_index(drop=True)
    text = canonical.to_csv(index=False, date_format="%Y-%m-%dT%H:%M:%S", lineterminator="\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def combined_fingerprint(fingerprints: dict[str, str]) -> str:
    """One sha256 over the per-table fingerprints, in contract order."""
    joined = "\n".join(f"{name}:{fingerprints[name]}" for name in sorted(fingerprints))
    return hashlib.sha256(joined.encode()).hexdigest()


@dataclass
class Dataset:
    """The validated contract tables of one run, filtered to the parameters' brands."""

    frames: dict[str, pd.DataFrame]
    fingerprints: dict[str, str]
    source_description: str
    as_of: date
    source: Source | None = None

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]

    @property
    def fingerprint(self) -> str:
        return combined_fingerprint(self.fingerprints)

    brands: list[str] = field(default_factory=list)

    def table(self, name: str):
        """The table as a typed ibis expression in the source's engine (for work that should
        not pull rows into pandas, e.g. millions of posts), filtered to the run's brands."""
        import ibis

        if self.source is not None and name in self.source.tables:
            expr = typed_table(self.source.tables[name], name)
            if self.brands and "brand" in expr.columns:
                expr = expr.filter(expr.brand.isin(self.brands))
            return expr
        return ibis.memtable(self.frames[name])

    def row_counts(self) -> dict[str, int]:
        return {name: len(frame) for name, frame in self.frames.items()}


_IBIS_TYPES = {"str": "string", "enum": "string", "int": "int64", "float": "float64", "bool": "boolean",
               "date": "date", "timestamp": "timestamp('UTC')"}


def typed_table(expr, name: str):
    """Cast a raw source table (text from CSV, native elsewhere) to the contract's types."""
    import ibis.expr.datatypes as dt

    spec = CONTRACT[name]
    casts = {}
    for col in spec.columns:
        target = dt.dtype(_IBIS_TYPES[col.kind])
        current = expr[col.name].type()
        if col.kind == "timestamp" and current.is_timestamp():
            continue
        if current.is_string() and col.kind in ("str", "enum"):
            continue
        if not current.equals(target):
            casts[col.name] = expr[col.name].cast(target)
    return expr.mutate(**casts) if casts else expr


def read_tables(source: Source) -> dict[str, pd.DataFrame]:
    """Materialise the raw contract tables of a source (raw types; not yet validated)."""
    out = {}
    for name, expr in source.tables.items():
        try:
            out[name] = expr.to_pandas()
        except Exception as exc:  # noqa: BLE001
            raise DataError(f"Cannot read table {name} from {source.origins[name].description}: "
                            f"{str(exc).splitlines()[0]}") from None
    return out


def filter_brands(frames: dict[str, pd.DataFrame], brands: list[str]) -> dict[str, pd.DataFrame]:
    """Keep the named brands' campaigns, posts and everything hanging off those campaigns."""
    if not brands:
        return frames
    present = set(frames["campaigns"]["brand"]) | set(frames["posts"]["brand"])
    unknown = [b for b in brands if b not in present]
    if unknown:
        raise ParamsError(
            f"parameter 'brands' names {', '.join(map(repr, unknown))}, which the data does not hold; "
            f"brands present: {', '.join(sorted(present))}."
        )
    campaigns = frames["campaigns"][frames["campaigns"]["brand"].isin(brands)]
    ids = set(campaigns["campaign_id"])
    out = dict(frames)
    out["campaigns"] = campaigns.reset_index(drop=True)
    for name in ("cost_lines", "staffing", "twin_usage"):
        out[name] = frames[name][frames[name]["campaign_id"].isin(ids)].reset_index(drop=True)
    out["posts"] = frames["posts"][frames["posts"]["brand"].isin(brands)].reset_index(drop=True)
    return out


def run_date(params: Params) -> date:
    return params.as_of or datetime.now(timezone.utc).date()


def load(params: Params, *, keep_source: bool = False) -> Dataset:
    """Open, read and validate the data the parameters name.

    Raises :class:`~twinimpact.errors.DataError` (exit 3) when a table is missing, cannot be
    read or breaks the data contract; nothing is returned from data that fails.
    """
    source = open_source(params)
    try:
        raw = read_tables(source)
        as_of = run_date(params)
        frames = validate_tables(
            raw,
            currencies=set(params.fx_rates),
            reporting_currency=params.reporting_currency,
            as_of=as_of,
            origins={n: source.origins.get(n, Origin(_expected(source, n))) for n in CONTRACT},
        )
        prints = {n: fingerprint(f, CONTRACT[n].key) for n, f in frames.items()}
        frames = filter_brands(frames, params.brands)
    finally:
        if not keep_source:
            source.close()
    return Dataset(frames, prints, source.description, as_of, source if keep_source else None, list(params.brands))


def _expected(source: Source, name: str) -> str:
    if source.kind == "folder":
        return f"expected {source.description}/{name}.csv or {name}.parquet"
    return f"expected a table named {name} in {source.description}"
