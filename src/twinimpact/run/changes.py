"""What changed since the last run: a weekly reader's first question. A run is compared with
the previous complete run of the same parameters file (``reports/latest-<params>``): the
data tables whose fingerprint changed, the headline numbers with their deltas, and the
rights findings that are new or resolved, by asset and kind. Pure functions on what the
two runs wrote (results, manifest, findings table)."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from twinimpact.words.narrate import missing, num, signed

#: The numbers compared between runs: (label, path in results.json, decimals).
COMPARED = (
    ("cost per asset, traditional", ("cost", "cost_per_asset", "traditional"), 2),
    ("cost per asset, twin", ("cost", "cost_per_asset", "twin"), 2),
    ("saving per asset moved from today's mix (P50)", ("cost", "saving_per_moved_asset", "p50"), 2),
    ("twin vs human rate ratio", ("engagement", "irr_twin_vs_human", "estimate"), 3),
    ("AI-label rate ratio", ("engagement", "irr_ai_label", "estimate"), 3),
    ("net FTE at the adoption share", ("labor", "fte_change"), 2),
    ("NPV of the adoption path (P50)", ("scenarios", "npv", "p50"), 0),
)


@dataclass
class Changes:
    """The comparison of a run with the previous one (``previous`` None: nothing to compare)."""

    previous: str | None
    tables_changed: list[str] = field(default_factory=list)
    numbers: list[dict[str, Any]] = field(default_factory=list)
    new_findings: list[tuple[str, str]] = field(default_factory=list)
    resolved_findings: list[tuple[str, str]] = field(default_factory=list)


def _get(d: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        d = d.get(key) if isinstance(d, dict) else None
    return d


def _findings(frame: pd.DataFrame | None) -> set[tuple[str, str]]:
    if frame is None or frame.empty:
        return set()
    return set(zip(frame["asset_id"].astype(str), frame["breach"].astype(str)))


def compare(results: dict[str, Any], manifest: dict[str, Any], findings: pd.DataFrame | None,
            before: tuple[str, dict[str, Any], dict[str, Any], pd.DataFrame | None] | None) -> Changes:
    """This run against ``before`` = (run id, results, manifest, findings) of the previous run.

    Parameters
    ----------
    results
        This run's results.json.
    manifest
        This run's manifest.json (the tables' fingerprints).
    findings
        This run's rights findings table, or None.
    before
        :func:`read_previous` of the previous complete run, or None.

    Returns
    -------
    Changes
    """
    if before is None:
        return Changes(None)
    name, old_results, old_manifest, old_findings = before
    new_tables = (manifest.get("data") or {}).get("tables") or {}
    old_tables = (old_manifest.get("data") or {}).get("tables") or {}
    changed = [t for t in new_tables if (old_tables.get(t) or {}).get("sha256") != new_tables[t].get("sha256")]
    numbers = []
    for label, path, digits in COMPARED:
        now, then = _get(results, path), _get(old_results, path)
        delta = None if missing(now) or missing(then) else now - then
        numbers.append({"figure": label, "now": now, "before": then, "change": delta, "digits": digits})
    new, old = _findings(findings), _findings(old_findings)
    return Changes(name, changed, numbers, sorted(new - old), sorted(old - new))


def read_previous(run_dir: Path) -> tuple[str, dict[str, Any], dict[str, Any], pd.DataFrame | None] | None:
    """What the run in ``run_dir`` wrote, for :func:`compare`; None when there is none."""
    import json

    if not (run_dir / "results.json").is_file():
        return None
    try:
        results = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
        manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    path = run_dir / "tables" / "rights_findings.csv"
    findings = pd.read_csv(path, dtype=str) if path.is_file() else None
    return run_dir.resolve().name, results, manifest, findings


def markdown(changes: Changes) -> str:
    """The report's "What changed" section."""
    head = "## What changed since the last run\n\n"
    if changes.previous is None:
        return head + "No earlier complete run of these parameters to compare with.\n"
    lines = [head + f"Compared with run `{html.escape(changes.previous)}`.\n"]
    lines.append("Data tables changed: " + (", ".join(changes.tables_changed) or "none") + ".\n")
    rows = ["| figure | now | before | change |", "|---|---|---|---|"]
    for n in changes.numbers:
        d = n["digits"]
        change = "n/a" if n["change"] is None else signed(n["change"], d)
        rows.append(f"| {n['figure']} | {num(n['now'], d)} | {num(n['before'], d)} | {change} |")
    lines.append("\n".join(rows) + "\n")
    new = ", ".join(f"{html.escape(a)} ({b.replace('_', ' ')})" for a, b in changes.new_findings[:20]) or "none"
    gone = ", ".join(f"{html.escape(a)} ({b.replace('_', ' ')})" for a, b in changes.resolved_findings[:20]) or "none"
    lines.append(f"Rights findings new since then: {len(changes.new_findings)} ({new}); resolved: "
                 f"{len(changes.resolved_findings)} ({gone}).\n")
    return "\n".join(lines)
