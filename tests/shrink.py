"""Data sets that shrink a copy of the bundled sample: fewer campaigns and posts, one row per
table, or one table with its header alone (what a brand's first small export looks like)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from twinimpact import config

#: Tables that hang off campaigns by ``campaign_id``.
BY_CAMPAIGN = ("cost_lines", "staffing", "twin_usage", "bookings")


def copy_sample(dst: Path) -> Path:
    shutil.copytree(config.SAMPLE_DIR, dst, dirs_exist_ok=True)
    (dst / "TRUTH.json").unlink(missing_ok=True)  # not the sample any more
    return dst


def _posts(dst: Path) -> pd.DataFrame:
    return pd.read_parquet(dst / "posts.parquet")


def _keep_posts(dst: Path, posts: pd.DataFrame) -> None:
    posts.to_parquet(dst / "posts.parquet")
    outcomes = pd.read_parquet(dst / "post_outcomes.parquet")
    outcomes[outcomes["post_id"].isin(posts["post_id"])].to_parquet(dst / "post_outcomes.parquet")


def shrunk(dst: Path, campaigns: int, posts: int) -> Path:
    """The sample cut to ``campaigns`` campaigns (taken in turn from each production mode) and
    about ``posts`` posts spread over them, with every row hanging off them."""
    copy_sample(dst)
    c = pd.read_csv(dst / "campaigns.csv")
    modes = [g.reset_index(drop=True) for _, g in c.groupby("production_mode")]
    picks, i = [], 0
    while len(picks) < campaigns and any(i < len(m) for m in modes):
        picks += [m.iloc[i] for m in modes if i < len(m)][: campaigns - len(picks)]
        i += 1
    keep = pd.DataFrame(picks)
    keep.to_csv(dst / "campaigns.csv", index=False)
    for name in BY_CAMPAIGN:
        t = pd.read_csv(dst / f"{name}.csv")
        t[t["campaign_id"].isin(keep["campaign_id"])].to_csv(dst / f"{name}.csv", index=False)
    p = _posts(dst)
    p = p[p["campaign_id"].isin(keep["campaign_id"])]
    p = p.groupby("campaign_id", group_keys=False).head(max(1, -(-posts // max(1, campaigns)))).head(posts)
    _keep_posts(dst, p)
    return dst


def one_row_per_table(dst: Path) -> Path:
    """One campaign with one row in every table that hangs off it (one post, one outcome)."""
    shrunk(dst, 1, 1)
    c = pd.read_csv(dst / "campaigns.csv")
    for name in BY_CAMPAIGN:
        t = pd.read_csv(dst / f"{name}.csv")
        t.head(1).to_csv(dst / f"{name}.csv", index=False)
    usage = pd.read_csv(dst / "twin_usage.csv")
    models = pd.read_csv(dst / "models.csv")
    bookings = pd.read_csv(dst / "bookings.csv")
    wanted = set(usage.get("model_id", pd.Series(dtype=object))) | set(bookings.get("model_id", pd.Series(dtype=object)))
    keep = models[models["model_id"].isin(wanted)]
    (keep if len(keep) else models.head(1)).to_csv(dst / "models.csv", index=False)
    assert len(c) == 1
    return dst


def header_only(dst: Path, table: str) -> Path:
    """The sample with ``table`` cut to its header (no rows)."""
    copy_sample(dst)
    if table == "posts":
        _keep_posts(dst, _posts(dst).iloc[0:0])
    else:
        t = pd.read_csv(dst / f"{table}.csv")
        t.iloc[0:0].to_csv(dst / f"{table}.csv", index=False)
    return dst
