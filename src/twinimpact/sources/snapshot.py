"""The one channel from a run to its notebooks: the **snapshot**.

The runner validates the data once and writes the validated tables as Parquet files into a
working folder beside the run (never published), with ``snapshot.json`` describing them:
what the snapshot's validity depends on (:func:`key`), the tables' fingerprints and counts,
the identities of large tables left in their source, and how the run wants its notebooks
to behave (``static``: what-if cells draw their charts once). The runner passes the
notebooks one environment variable, :data:`RUN_FILE_ENV`, naming that file; nothing else
about a run travels through the environment.

A notebook reads the file once (:func:`current`); :func:`read` then gives it the run's
``Dataset`` when the notebook's parameters name the same data, and ``None`` otherwise (a
notebook opened by hand, or on other data, loads and validates on its own).

The snapshot holds data, never where it came from: a database URL stays in its variable.
Tables kept in the engine because of their size (posts beyond ``POSTS_IN_MEMORY``) are not
copied from files (a folder or a DuckDB file): the notebooks read them from the source when
the file is still the one the run validated (its path, size and modification time). On
Spark they stay in the run's one Spark session: the notebooks attach to it over Spark
Connect (the file holds its loopback address and a token made for the run, and is
readable by its owner alone) and run their heavy work there. From any other database URL
(PostgreSQL, ...) they are copied once, typed, as Parquet into the snapshot, and the
notebooks read that copy with DuckDB: no notebook connects to the database.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from twinimpact.config import CHUNK_ROWS
from twinimpact.contract.schemas import Origin
from twinimpact.params import Params
from twinimpact.contract import checks
from twinimpact.sources import spark
from twinimpact.sources.progress import heartbeat
from twinimpact.errors import DataError
from twinimpact.sources.data import Dataset, Source, duckdb_connect, open_source, run_date

#: The one environment variable a run sets for its notebooks: the path of its snapshot.json.
RUN_FILE_ENV = "TWINIMPACT_RUN_FILE"
FILE_NAME = "snapshot.json"


@dataclass(frozen=True)
class RunState:
    """What a notebook learns about the run it is part of, read from the snapshot's file."""

    path: Path  # the snapshot.json file
    static: bool  # what-if cells draw their charts once (no sliders)
    meta: dict[str, Any]


def current() -> RunState | None:
    """The run this process is part of, from the file :data:`RUN_FILE_ENV` names; ``None``
    outside a run (a notebook opened by hand) or when the file is gone."""
    name = os.environ.get(RUN_FILE_ENV)
    if not name or not Path(name).is_file():
        return None
    meta = json.loads(Path(name).read_text(encoding="utf-8"))
    return RunState(Path(name), bool(meta.get("static")), meta)


def key(params: Params, as_of: date) -> str:
    """What a snapshot's validity depends on: the data named, its scope, the currencies
    with a rate and the run date (a hash: the URL of a source is never in it)."""
    text = json.dumps({"data_dir": params.data_dir, "source_env": params.source_env,
                       "brands": sorted(params.brands), "currencies": sorted(params.fx_rates),
                       "reporting_currency": params.reporting_currency, "as_of": as_of.isoformat(),
                       "reading": [params.encoding, params.decimal, params.date_order],
                       "run_date": run_date(params).isoformat()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def identity(source: Source, name: str) -> str | None:
    """What a large table left in its source is, cheap to recompute: its file's path, size
    and modification time. ``None`` for a database URL (its tables are copied instead)."""
    if source.kind == "folder":
        files = [p for p in (Path(source.description) / f"{name}{ext}" for ext in (".parquet", ".csv", ".csv.gz"))
                 if p.is_file()]
    elif source.kind == "duckdb":
        files = [Path(source.description)]
    else:
        return None
    stats = [(str(p.resolve()), p.stat().st_size, p.stat().st_mtime_ns) for p in files]
    return hashlib.sha256(repr((name, stats)).encode()).hexdigest()


def write(dataset: Dataset, params: Params, folder: Path, *, static: bool = True,
          progress: Callable[[str], None] | None = None) -> Path:
    """Write the validated in-memory tables and what describes them into ``folder``; large
    tables of a database URL are copied there too (see the module's doc). Returns the path
    of ``snapshot.json``, the value of :data:`RUN_FILE_ENV` for the run's notebooks.

    Parameters
    ----------
    dataset
        The run's validated data (its source still open).
    params
        The run's parameters.
    folder
        Where the snapshot goes (beside the run, never published).
    static
        Whether what-if charts are drawn once.
    progress
        Where progress lines go.

    Returns
    -------
    Path
        ``snapshot.json``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in dataset.frames.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    copied: list[str] = []
    identities: dict[str, str | None] = {}
    source = dataset.source
    attached = _attachment(source, list(dataset.counts), params)
    if source is not None:
        for name, rows in dataset.counts.items():
            identities[name] = identity(source, name)
            if source.kind == "url" and attached is None:
                if progress:
                    progress(f"copying {rows:,} validated {name} rows for the notebooks ...")
                expr = dataset.table(name)
                try:
                    with heartbeat(progress, lambda n=name: f"still writing {n} for the notebooks"):
                        _copy(expr, folder / f"{name}.parquet")
                except Exception as exc:  # noqa: BLE001 - the engine failed, not the disk
                    if checks.backend_name(expr) == "pyspark" and not isinstance(exc, FileNotFoundError):
                        raise spark.failure(exc, f"writing the validated {name} for the notebooks") from None
                    raise
                copied.append(name)
    meta = {"key": key(params, dataset.as_of), "static": static, "fingerprints": dataset.fingerprints,
            "as_of": dataset.as_of.isoformat(), "source_description": dataset.source_description,
            "brands": dataset.brands, "counts": dataset.counts, "identities": identities,
            "tables": sorted(dataset.frames), "copied": copied, "attach": attached}
    path = folder / FILE_NAME
    # the file may hold the token of the run's Spark session: readable by this user alone
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(json.dumps(meta, indent=2))
    return path


def _attachment(source: Source | None, large: list[str], params: Params) -> dict[str, Any] | None:
    """How the notebooks reach the large tables in the run's Spark session (the session's
    Spark Connect address and token, or the source's variable when the source is itself a
    Spark Connect server, and the tables' global views); None when they read a copy or
    the files."""
    if source is None or not large:
        return None
    if source.kind == "url" and source.attach is None and not spark.is_spark(source.secret or ""):
        # another database (PostgreSQL, ...): the notebooks connect to it with the same variable
        return {"env": params.source_env, "database": True}
    if source.attach is None:
        return None
    views = {n: v for n, v in source.attach["views"].items() if n in large}
    if set(views) != set(large):
        return None
    if source.attach.get("same_as_source"):
        return {"env": params.source_env, "views": views}
    return {"url": source.attach["url"], "views": views}


def attached(path: Path) -> bool:
    """Whether the notebooks of the snapshot at ``path`` attach to the run's Spark session
    (which must then stay up until they finish)."""
    return bool(json.loads(path.read_text(encoding="utf-8")).get("attach"))


def read(state: RunState | None, params: Params, keep_source: bool) -> Dataset | None:
    """The run's validated data when ``state`` is a run's snapshot made for the same data
    and scope (and large tables left in their files are unchanged); ``None`` otherwise, and
    the caller then loads and validates."""
    if state is None:
        return None
    meta, folder = state.meta, state.path.parent
    if meta.get("key") != key(params, run_date(params)):
        return None
    source = None
    if meta.get("attach", {}) and meta["attach"].get("database"):  # large tables in the run's database
        source = open_source(params) if keep_source else None
    elif meta.get("attach"):  # large tables in the run's Spark session
        source = _attach(meta["attach"]) if keep_source else None
    elif meta.get("copied"):  # large tables of a database, copied by the run
        source = _open_copies(folder, meta["copied"]) if keep_source else None
    elif meta["counts"]:  # large tables stay in their files: only if those are unchanged
        source = open_source(params)
        if any(identity(source, n) != meta["identities"].get(n) for n in meta["counts"]):
            source.close()
            return None
        if not keep_source:
            source.close()
            source = None
    frames = {name: pd.read_parquet(folder / f"{name}.parquet") for name in meta["tables"]}
    return Dataset(frames, meta["fingerprints"], meta["source_description"], date.fromisoformat(meta["as_of"]),
                   source, list(meta["brands"]), dict(meta["counts"]))


def _copy(expr: Any, path: Path) -> None:
    """Write a table from its engine as Parquet: on Spark by Spark itself, its executors
    writing a folder of part files in parallel (no row crosses the driver: 10M posts
    collected through it killed the session); elsewhere streamed into one file, batch by
    batch."""
    import pyarrow.parquet as pq

    if checks.backend_name(expr) == "pyspark":
        expr.to_parquet(str(path), mode="overwrite")
        return
    writer = None
    try:
        for batch in expr.to_pyarrow_batches(chunk_size=CHUNK_ROWS):
            if writer is None:
                writer = pq.ParquetWriter(str(path), batch.schema)
            writer.write_batch(batch)
        if writer is None:
            expr.limit(0).to_parquet(str(path))
    finally:
        if writer is not None:
            writer.close()


def _attach(how: dict[str, Any]) -> Source:
    """The run's Spark session, attached over Spark Connect (:func:`spark.attach`)."""
    url = how.get("url") or os.environ.get(how.get("env") or "", "")
    if not url:
        raise DataError(f"The run's Spark source variable {how.get('env')} is not set in this notebook's environment.")
    try:
        con, tables = spark.attach(url, how["views"])
    except Exception as exc:  # noqa: BLE001 - the run's session is gone or refused us
        raise spark.failure(exc, "attaching a notebook to the run's Spark session") from None
    return Source("url", "the run's Spark session", con, tables,
                  {n: Origin(f"the run's Spark session, table {n}") for n in tables})


def _open_copies(folder: Path, names: list[str]) -> Source:
    con = duckdb_connect()
    source = Source("folder", "the run's validated copy", con)
    for name in names:
        path = folder / f"{name}.parquet"  # a folder of part files where Spark wrote it
        source.tables[name] = con.read_parquet(str(path / "*.parquet") if path.is_dir() else str(path),
                                               table_name=f"raw_{name}")
        source.origins[name] = Origin(str(folder / f"{name}.parquet"))
    return source
