"""One load per run: the runner validates the data once and hands its notebooks a
**snapshot**, the validated tables as Parquet files in a working folder beside the run
(never published), named by the environment variable ``TWINIMPACT_SNAPSHOT``. A notebook
whose parameters name the same data reads the snapshot instead of loading and validating
again; a notebook opened by hand (no variable) loads and validates on its own.

The snapshot holds data, never where it came from: a database URL stays in its variable.
Tables kept in the engine because of their size (posts beyond
``TWINIMPACT_POSTS_IN_MEMORY``) are not copied from files (a folder or a DuckDB file): the
notebooks read them from the source, reusing the run's validation
(:func:`twinimpact.sources.data.trusted`). From a database URL (PostgreSQL, Spark, ...) they are
copied once, typed, as Parquet into the snapshot, and the notebooks read that copy with
DuckDB: no notebook connects to the database or starts a Spark session.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import pandas as pd

if TYPE_CHECKING:
    from twinimpact.sources.data import Dataset, Source
    from twinimpact.params import Params

SNAPSHOT_ENV = "TWINIMPACT_SNAPSHOT"


def key(params: "Params", as_of: date) -> str:
    """What a snapshot's validity depends on: the data named, its scope, the currencies
    with a rate and the run date (a hash: the URL of a source is never in it)."""
    from twinimpact.sources.data import run_date

    text = json.dumps({"data_dir": params.data_dir, "source_env": params.source_env,
                       "brands": sorted(params.brands), "currencies": sorted(params.fx_rates),
                       "reporting_currency": params.reporting_currency, "as_of": as_of.isoformat(),
                       "run_date": run_date(params).isoformat()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def write(dataset: "Dataset", params: "Params", folder: Path,
          progress: Callable[[str], None] | None = None) -> Path:
    """Write the validated in-memory tables and what describes them into ``folder``; large
    tables of a database URL are copied there too (see the module's doc)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in dataset.frames.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    copied = []
    source = dataset.source
    if source is not None and source.kind == "url":
        for name, rows in dataset.counts.items():
            if progress:
                progress(f"copying {rows:,} validated {name} rows for the notebooks ...")
            _copy(dataset.table(name), folder / f"{name}.parquet")
            copied.append(name)
    meta = {"key": key(params, dataset.as_of), "fingerprints": dataset.fingerprints, "as_of": dataset.as_of.isoformat(),
            "source_description": dataset.source_description, "brands": dataset.brands, "counts": dataset.counts,
            "identities": dataset.identities, "tables": sorted(dataset.frames), "copied": copied}
    (folder / "snapshot.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return folder


def read(params: "Params", keep_source: bool) -> "Dataset | None":
    """The run's snapshot when ``TWINIMPACT_SNAPSHOT`` names one made for the same data and
    scope; ``None`` otherwise (the caller then loads and validates)."""
    from twinimpact.sources.data import Dataset, open_source, run_date

    folder = os.environ.get(SNAPSHOT_ENV)
    if not folder or not (Path(folder) / "snapshot.json").is_file():
        return None
    meta = json.loads((Path(folder) / "snapshot.json").read_text(encoding="utf-8"))
    if meta.get("key") != key(params, run_date(params)):
        return None
    frames = {name: pd.read_parquet(Path(folder) / f"{name}.parquet") for name in meta["tables"]}
    source = None
    if keep_source and meta.get("copied"):  # large tables of a database, copied by the run
        source = _open_copies(Path(folder), meta["copied"])
    elif keep_source and meta["counts"]:  # large tables stay in the engine
        source = open_source(params)
    return Dataset(frames, meta["fingerprints"], meta["source_description"], date.fromisoformat(meta["as_of"]),
                   source, list(meta["brands"]), dict(meta["counts"]), dict(meta["identities"]))


def _copy(expr: Any, path: Path) -> None:
    """Stream a table from its engine into one Parquet file, batch by batch."""
    import pyarrow.parquet as pq

    writer = None
    try:
        for batch in expr.to_pyarrow_batches(chunk_size=500_000):
            if writer is None:
                writer = pq.ParquetWriter(str(path), batch.schema)
            writer.write_batch(batch)
        if writer is None:
            expr.limit(0).to_parquet(str(path))
    finally:
        if writer is not None:
            writer.close()


def _open_copies(folder: Path, names: list[str]) -> "Source":
    from twinimpact.sources.data import Origin, Source, duckdb_connect

    con = duckdb_connect()
    source = Source("folder", "the run's validated copy", con)
    for name in names:
        source.tables[name] = con.read_parquet(str(folder / f"{name}.parquet"), table_name=f"raw_{name}")
        source.origins[name] = Origin(str(folder / f"{name}.parquet"))
    return source
