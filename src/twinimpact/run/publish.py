"""Publishing: a run is built in ``reports/.tmp-<run>/`` and renamed into place only when
every notebook succeeded; ``reports/latest`` moves last, atomically; ``reports/index.html``
lists every run. Runs that share a reports folder (a sweep) publish one at a time under a
file lock. A failed run is moved to ``reports/_failed/<run>/`` and never touches the last
good report."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import html
import json
import os
import shutil
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from twinimpact.errors import PublishError
from twinimpact.words.summary import headline_rows

if TYPE_CHECKING:
    from twinimpact.params import Params

#: Headlines the index of runs shows, by key (see :func:`twinimpact.words.summary.headline_rows`).
INDEX_HEADLINES = (("cost_traditional", "cost/asset traditional"), ("cost_twin", "cost/asset twin"),
                   ("irr_label", "AI-label rate ratio"), ("rights_findings", "rights findings"),
                   ("fte_change", "net FTE"), ("npv", "NPV at observed costs"))
#: At most this many parameters that differ between the listed runs get a column.
INDEX_PARAMETERS = 6


def differing_parameters(manifests: list[dict[str, Any]]) -> list[str]:
    """The parameters whose values are not the same in every run listed (where the data
    comes from aside), in the order the parameter model declares them.

    Parameters
    ----------
    manifests
        The listed runs' manifest.json.

    Returns
    -------
    list of str
        Parameter names, at most :data:`INDEX_PARAMETERS`.
    """
    params = [m.get("params") or {} for m in manifests]
    keys = list(dict.fromkeys(k for p in params for k in p))
    differ = [k for k in keys if k not in ("data_dir", "source_env")
              and len({json.dumps(p.get(k), sort_keys=True) for p in params}) > 1]
    return differ[:INDEX_PARAMETERS]


def run_id(started: datetime, params_name: str, params: "Params", fingerprint: str, reports: Path) -> str:
    """``<YYYYMMDD-HHMMSS>_<params-name>_<hash of parameters and data>``, unique in ``reports``."""
    digest = hashlib.sha256((params.model_dump_json() + fingerprint).encode()).hexdigest()[:7]
    safe_name = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in params_name)[:40]
    base = f"{started:%Y%m%d-%H%M%S}_{safe_name}_{digest}"
    rid, n = base, 1
    while (reports / rid).exists() or (reports / "_failed" / rid).exists() or (reports / f".tmp-{rid}").exists():
        n += 1
        rid = f"{base}-{n}"
    return rid


@contextlib.contextmanager
def reports_lock(reports: Path) -> Iterator[None]:
    """Serialise publishing between runs that share a reports folder (sweeps)."""
    reports.mkdir(parents=True, exist_ok=True)
    with open(reports / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def point_latest(reports: Path, run_dir: Path, name: str = "latest") -> None:
    """Move the link ``reports/<name>`` to ``run_dir`` atomically (a relative symlink)."""
    tmp = reports / f".{name}-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(run_dir.name, tmp)
    os.replace(tmp, reports / name)



def latest_name(params_name: str) -> str:
    """The link to the newest complete run of one parameters file: ``latest-<name>``."""
    return "latest-" + "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in params_name)[:40]


def publish(tmp: Path, reports: Path, rid: str, params_name: str = "", scope: str = "complete") -> Path:
    """Rename a finished run into place, move the links it earns, then rewrite the index.

    ``latest`` means complete: only a run of every notebook that is not part of a sweep
    moves it. Complete and sweep runs move ``latest-<params name>``; a partial run (a
    subset of the notebooks) moves no link and is listed as partial."""
    final = reports / rid
    with reports_lock(reports):
        os.replace(tmp, final)
        if scope in ("complete", "sweep") and params_name:
            point_latest(reports, final, latest_name(params_name))
        if scope == "complete":
            point_latest(reports, final)
        write_runs_index(reports)
    return final


def keep_failed(tmp: Path, reports: Path, rid: str) -> Path:
    """Move a failed run to ``reports/_failed/<run>`` and list it in the index."""
    failed = reports / "_failed" / rid
    with reports_lock(reports):
        failed.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, failed)
        write_runs_index(reports)
    return failed


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_runs_index(reports: Path) -> None:
    """``reports/index.html``: every run, newest first, with status, the parameters that differ
    between the runs listed, and headline numbers (those that depend on them included)."""
    entries = []
    for manifest_path in list(reports.glob("*/manifest.json")) + list(reports.glob("_failed/*/manifest.json")):
        run_dir = manifest_path.parent
        if run_dir.name.startswith(".") or run_dir.is_symlink():  # latest and latest-<name> are links
            continue
        m = _read_json(manifest_path)
        r = _read_json(run_dir / "results.json")
        entries.append((m.get("started_at", ""), run_dir, m, r))
    entries.sort(key=lambda e: e[0], reverse=True)
    varying = differing_parameters([m for _, _, m, _ in entries])
    rows = []
    for started, run_dir, m, r in entries:
        rel = run_dir.relative_to(reports).as_posix()
        ok = m.get("status") == "ok"
        link = f"{rel}/index.html" if ok else f"{rel}/{m.get('failed_notebook', '')}.html"
        heads = {h.key: h.value for h in headline_rows(r)} if r else {}
        cells = "".join(f"<td>{heads.get(key, '')}</td>" for key, _ in INDEX_HEADLINES)
        given = m.get("params") or {}
        cells = "".join(f"<td>{html.escape(json.dumps(given.get(k)))}</td>" for k in varying) + cells
        rows.append(
            "<tr>"
            f"<td><a href=\"{html.escape(link)}\">{html.escape(run_dir.name)}</a></td>"
            f"<td class=\"{'ok' if ok else 'bad'}\">{html.escape(str(m.get('status')))}</td>"
            f"<td>{html.escape(str(started))}</td>"
            f"<td>{html.escape(str(m.get('params_name')))}</td>"
            f"<td>{html.escape(str(m.get('scope', 'complete')))}</td>{cells}</tr>"
        )
    heads_th = "".join(f"<th>{html.escape(k)}</th>" for k in varying)
    heads_th += "".join(f"<th>{label}</th>" for _, label in INDEX_HEADLINES)
    page = (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>twinimpact runs</title>"
        "<style>body{font-family:Helvetica,Arial,sans-serif;margin:2em;color:#222}"
        "table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:6px 10px;text-align:left}"
        ".ok{color:#2e7d32}.bad{color:#c62828}</style></head><body>"
        "<h1>twinimpact runs</h1><p>Newest first. <a href=\"latest/index.html\">Latest complete report</a>. "
        "Parameters appear as columns when they differ between runs.</p>"
        "<table><tr><th>run</th><th>status</th><th>started (UTC)</th><th>parameters</th><th>scope</th>" + heads_th
        + "</tr>"
        + "".join(rows) + "</table></body></html>\n"
    )
    tmp = reports / ".index.html.tmp"
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, reports / "index.html")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def stale_work(reports: Path) -> list[Path]:
    """Working folders (``.tmp-<run>`` and its snapshot) of runs whose process is gone."""
    out = []
    for folder in reports.glob(".tmp-*"):
        run = folder.name.removesuffix("-snapshot")
        pid_file = reports / run / "pid"
        if (folder / ".owner").is_file():  # a statements writer's folder names its process itself
            pid_file = folder / ".owner"
        try:
            pid = int(pid_file.read_text())
        except (OSError, ValueError):
            pid = None
        if pid is None or not _alive(pid):
            out.append(folder)
    return out


def remove_stale_work(reports: Path) -> list[str]:
    """Remove the working folders of dead runs (never those of a live run); their names."""
    removed = []
    for folder in stale_work(reports):
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder.name)
    return removed


def prune(reports: Path, keep: int | None = None, older_than_days: float | None = None,
          now: datetime | None = None) -> dict[str, list[str]]:
    """Remove old complete runs: beyond the newest ``keep`` per parameters file and/or
    started more than ``older_than_days`` ago. A run a ``latest`` link points at is never
    removed, nor a run of another kind than complete or sweep (partial and failed runs
    stay for the analyst). Stale working folders of dead runs go too."""
    from datetime import timezone

    now = now or datetime.now(timezone.utc)
    with reports_lock(reports):
        pinned = {os.readlink(p) for p in reports.glob("latest*") if p.is_symlink()}
        runs: dict[str, list[tuple[str, Path]]] = {}
        for manifest_path in reports.glob("*/manifest.json"):
            run = manifest_path.parent
            if run.is_symlink() or run.name.startswith("."):
                continue
            m = _read_json(manifest_path)
            if m.get("status") != "ok" or m.get("scope", "complete") not in ("complete", "sweep"):
                continue
            runs.setdefault(str(m.get("params_name")), []).append((str(m.get("started_at", "")), run))
        removed = []
        for entries in runs.values():
            entries.sort(reverse=True)
            for i, (started, run) in enumerate(entries):
                too_many = keep is not None and i >= keep
                try:
                    age = (now - datetime.fromisoformat(started)).total_seconds() / 86400
                except ValueError:
                    age = 0.0
                too_old = older_than_days is not None and age > older_than_days
                if (too_many or too_old) and run.name not in pinned:
                    try:
                        shutil.rmtree(run)
                    except OSError as err:
                        raise PublishError(f"Cannot remove run {run}: {err.strerror or err} ({err.filename or run}); "
                                           f"removed before it: {', '.join(removed) or 'none'}. Check the folder's "
                                           "permissions and run prune again.") from None
                    removed.append(run.name)
        stale = remove_stale_work(reports)
        write_runs_index(reports)
    return {"removed": sorted(removed), "stale_work": sorted(stale)}
