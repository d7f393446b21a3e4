"""Reruns that redo only what changed.

Each notebook declares the contract tables it reads (``metadata.twinimpact.tables``; a
notebook that declares none reads every table) and, in its parameters cell, the parameters.
A notebook's **key** hashes everything its executed output depends on: the notebook file
itself, the fingerprints of the tables it declares, the values of its parameters, the run
date, the package (its version, its code and reference tables, and every installed
distribution with its version) and, for a notebook that declares ``assets``, the asset
files (names, sizes and modification times). A run reuses a notebook's executed output
(the ``.ipynb`` and its page) from the newest complete run in the same reports folder whose
key for that notebook is equal; ``--fresh`` reuses nothing.

The data themselves need not be validated again when their files are those the earlier
run validated: a folder's table files and a DuckDB file are known by their paths, sizes and
modification times (:func:`validation_key`); a database named by a URL has no such
identity and is validated on every run.

After a notebook runs, the tables it actually read are compared with those it declares:
a notebook that read more is run again on the next run (never reused), and the run says so.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable

from twinimpact import __version__, config
from twinimpact.contract.spec import CONTRACT
from twinimpact.params import Params
from twinimpact.sources.data import DUCKDB_SUFFIXES, SYNTHETIC_MARKER
from twinimpact.errors import ParamsError

#: Bump when the key's recipe changes: keys of older runs then match nothing.
KEY_VERSION = 1
#: Published runs looked at for a notebook's earlier output, newest first.
CANDIDATE_RUNS = 30
#: What a notebook may declare besides the contract tables: the asset files of the rights notebook.
ASSETS = "assets"


def declared_tables(book: Path) -> list[str] | None:
    """The tables a notebook declares it reads (``metadata.twinimpact.tables``), or None
    when it declares none (then it depends on every table).

    Parameters
    ----------
    book
        The notebook file.

    Returns
    -------
    list of str or None
        Table names (and ``assets``), sorted.
    """
    meta = json.loads(book.read_text(encoding="utf-8")).get("metadata", {}).get("twinimpact", {})
    tables = meta.get("tables")
    if tables is None:
        return None
    unknown = [t for t in tables if t not in CONTRACT and t != ASSETS]
    if unknown:

        raise ParamsError(f"Notebook {book.name} declares tables {', '.join(map(repr, unknown))} that the data "
                          f"contract does not define; tables: {', '.join(CONTRACT)}.")
    return sorted(tables)


def _files_digest(paths: Iterable[Path], root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


@functools.cache
def package_fingerprint() -> str:
    """The package a result depends on: its version, the bytes of its code and templates and
    of the reference tables, and every installed distribution with its version."""
    code = [p for p in config.PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    ref = [p for p in config.REFERENCE_DIR.rglob("*") if p.is_file()] if config.REFERENCE_DIR.is_dir() else []
    dists = sorted(f"{d.metadata['Name']}=={d.version}".lower() for d in metadata.distributions() if d.metadata["Name"])
    return hashlib.sha256(json.dumps([__version__, _files_digest(code, config.PACKAGE_DIR),
                                      _files_digest(ref, config.REFERENCE_DIR) if ref else "", dists]).encode()
                          ).hexdigest()


def _stat(path: Path) -> list[Any]:
    st = path.stat()
    return [path.name, st.st_size, st.st_mtime_ns, st.st_ino]


def assets_identity(folder: str | Path | None) -> str | None:
    """The asset files a rights run reads, cheap to recompute: names, sizes and modification
    times (None when there is no folder)."""
    if not folder:
        return None
    root = Path(folder)
    if not root.is_dir():
        return "absent"
    try:
        rows = sorted(_stat(p) for p in root.iterdir() if p.is_file() or p.is_symlink())
    except OSError:  # a folder this user may not list: the rights notebook says so; never reused
        return f"unreadable {os.urandom(8).hex()}"
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def data_identity(params: Params) -> str | None:
    """The data files the parameters name, by path, size and modification time: a folder's
    contract tables (and the sample generator's ``TRUTH.json``) or a DuckDB file. None for a
    database named by a URL (it is validated on every run)."""

    if params.source_env:
        return None
    path = Path(params.data_dir).expanduser() if params.data_dir else config.SAMPLE_DIR
    try:
        if path.is_file() and path.suffix in DUCKDB_SUFFIXES:
            files = [path]
        elif path.is_dir():
            names = {f"{n}{ext}" for n in CONTRACT for ext in (".parquet", ".csv", ".csv.gz")} | {SYNTHETIC_MARKER}
            files = [p for p in path.iterdir() if p.name in names]
        else:
            return None
        rows = sorted([str(p.resolve()), *_stat(p)] for p in files)
    except OSError:
        return None
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def validation_key(params: Params, as_of: date) -> str | None:
    """What a validation's outcome depends on: the data files (:func:`data_identity`), the
    parameters that select or check them, the run date and the package. None when the data
    have no cheap identity."""
    identity = data_identity(params)
    if identity is None:
        return None
    return hashlib.sha256(json.dumps({
        "v": KEY_VERSION, "data": identity, "brands": sorted(params.brands), "currencies": sorted(params.fx_rates),
        "reporting_currency": params.reporting_currency, "labor_year": params.labor_year,
        "reading": [params.encoding, params.decimal, params.date_order],
        "as_of": as_of.isoformat(), "package": package_fingerprint()}, sort_keys=True).encode()).hexdigest()


def notebook_key(book: Path, parameters: dict[str, Any], tables: list[str] | None, fingerprints: dict[str, str],
                 as_of: date, assets: str | None) -> str:
    """The key of one notebook's executed output (see the module's doc).

    Parameters
    ----------
    book
        The notebook file.
    parameters
        The values papermill passes it.
    tables
        The tables it declares (None: every table).
    fingerprints
        Table -> fingerprint of the run's data.
    as_of
        The run date.
    assets
        :func:`assets_identity` of the run's asset folder.

    Returns
    -------
    str
        sha256 in hex.
    """
    names = sorted(fingerprints) if tables is None else [t for t in tables if t != ASSETS]
    return hashlib.sha256(json.dumps({
        "v": KEY_VERSION, "notebook": hashlib.sha256(book.read_bytes()).hexdigest(), "parameters": parameters,
        "tables": {n: fingerprints.get(n) for n in names}, "as_of": as_of.isoformat(),
        "assets": assets if tables is None or ASSETS in tables else None, "package": package_fingerprint(),
    }, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class Earlier:
    """The published complete runs of a reports folder, newest first, as reuse sees them."""

    runs: list[tuple[Path, dict[str, Any]]] = field(default_factory=list)

    @classmethod
    def scan(cls, reports: Path, limit: int = CANDIDATE_RUNS) -> "Earlier":
        """The newest ``limit`` complete runs (status ok, every notebook run) in ``reports``."""
        found = []
        for path in reports.glob("*/manifest.json"):
            if path.parent.name.startswith((".", "_")) or path.parent.is_symlink():
                continue
            try:
                m = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if m.get("status") == "ok" and m.get("scope") in ("complete", "sweep"):
                found.append((str(m.get("started_at", "")), path.parent, m))
        found.sort(key=lambda t: (t[0], t[1].name), reverse=True)
        return cls([(p, m) for _, p, m in found[:limit]])

    def data(self, key: str | None) -> dict[str, Any] | None:
        """The manifest's data block of the newest run that validated the same data files
        under the same checks (``data.validation_key``), or None."""
        if key is None:
            return None
        for _, m in self.runs:
            block = m.get("data") or {}
            if block.get("validation_key") == key and block.get("tables"):
                return block
        return None

    def output(self, name: str, key: str) -> tuple[str, Path] | None:
        """(run id, run folder) of the newest run holding notebook ``name`` executed under
        ``key`` (its .ipynb and page present), or None."""
        for run, m in self.runs:
            for nb in m.get("notebooks", []):
                if nb.get("name") == name and nb.get("key") == key and nb.get("reusable", True) \
                        and (run / f"{name}.ipynb").is_file() and (run / f"{name}.html").is_file():
                    return str(m.get("run_id") or run.name), run
        return None


def copy_output(run: Path, name: str, into: Path) -> None:
    """A notebook's executed .ipynb and its page from an earlier run into the run's folder."""
    for suffix in (".ipynb", ".html"):
        shutil.copyfile(run / f"{name}{suffix}", into / f"{name}{suffix}")


def undeclared(read: list[str] | None, tables: list[str] | None) -> list[str]:
    """Tables a notebook read but did not declare (none when it declares every table, or
    when what it read is unknown).

    Parameters
    ----------
    read
        What it read (:func:`twinimpact.notebook.tables_read`), or None when unknown.
    tables
        What it declares (None: every table).

    Returns
    -------
    list of str
        Sorted names.
    """
    if read is None or tables is None:
        return []
    return sorted(set(read) - set(tables))


__all__ = ["declared_tables", "notebook_key", "validation_key", "Earlier", "copy_output", "undeclared",
           "package_fingerprint", "assets_identity", "data_identity"]
