"""What was loaded: row counts, coverage and freshness of the contract tables (pure)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd


def table_summary(frames: dict[str, pd.DataFrame], fingerprints: dict[str, str]) -> pd.DataFrame:
    """One row per table: rows, columns and the first 12 hex digits of its sha256."""
    return pd.DataFrame([
        {"table": name, "rows": len(frame), "columns": frame.shape[1], "sha256": fingerprints.get(name, "")[:12]}
        for name, frame in frames.items()
    ])


def campaign_coverage(campaigns: pd.DataFrame) -> pd.DataFrame:
    """Campaigns and assets delivered by brand and production mode."""
    return (campaigns.groupby(["brand", "production_mode"])
            .agg(campaigns=("campaign_id", "size"), assets=("assets_delivered", "sum"),
                 first_start=("start_date", "min"), last_start=("start_date", "max"))
            .reset_index())


def freshness(posts: pd.DataFrame, campaigns: pd.DataFrame, as_of: date) -> dict[str, Any]:
    """Date span of the data and days from its newest post to the run date."""
    last_post = posts["posted_at"].max() if len(posts) else None
    first_post = posts["posted_at"].min() if len(posts) else None
    return {
        "first_post": first_post.date().isoformat() if first_post is not None else None,
        "last_post": last_post.date().isoformat() if last_post is not None else None,
        "days_since_last_post": (as_of - last_post.date()).days if last_post is not None else None,
        "first_campaign": campaigns["start_date"].min().date().isoformat() if len(campaigns) else None,
        "last_campaign": campaigns["start_date"].max().date().isoformat() if len(campaigns) else None,
    }


def overview_block(frames: dict[str, pd.DataFrame], as_of: date) -> dict[str, Any]:
    """The ``data`` block of results.json."""
    fresh = freshness(frames["posts"], frames["campaigns"], as_of)
    brands = sorted(set(frames["campaigns"]["brand"]) | set(frames["posts"]["brand"]))
    return {"rows": {n: len(f) for n, f in frames.items()}, "first_post": fresh["first_post"],
            "last_post": fresh["last_post"], "brands": brands}
