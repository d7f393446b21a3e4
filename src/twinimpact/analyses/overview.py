"""What was loaded: row counts, coverage and freshness of the contract tables. Posts are
counted in the engine (``posts`` is an ibis table, or a frame for small data)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from twinimpact.analyses.stats.count_model import Z95
from twinimpact.analyses.stats.probability import normal_sf
from twinimpact.contract.spec import CONTRACT, VIEWS_SINCE
from twinimpact.sources.engine import as_table
from twinimpact.results import DataBlock, ExposureShift

if TYPE_CHECKING:
    from twinimpact.sources.data import Dataset
    from twinimpact.params import Params

#: Params fields the overview reads beyond scope (none: it describes the data as loaded).
PARAMETERS: tuple[str, ...] = ()


def table_summary(row_counts: dict[str, int], fingerprints: dict[str, str]) -> pd.DataFrame:
    """One row per table: rows and the first 12 hex digits of its sha256.

    Parameters
    ----------
    row_counts
        Table -> rows.
    fingerprints
        Table -> sha256 of its content.

    Returns
    -------
    DataFrame
        ``table``, ``rows``, ``columns``, ``sha256`` (12 hex digits).
    """
    return pd.DataFrame([
        {"table": name, "rows": rows, "columns": len(CONTRACT[name].columns), "sha256": fingerprints.get(name, "")[:12]}
        for name, rows in row_counts.items()
    ])


def campaign_coverage(campaigns: pd.DataFrame) -> pd.DataFrame:
    """Campaigns and assets delivered by brand and production mode.

    Parameters
    ----------
    campaigns
        The contract's campaigns table.

    Returns
    -------
    DataFrame
        ``brand``, ``production_mode``, ``campaigns``, ``assets``, ``first_start``, ``last_start``.
    """
    return (campaigns.groupby(["brand", "production_mode"])
            .agg(campaigns=("campaign_id", "size"), assets=("assets_delivered", "sum"),
                 first_start=("start_date", "min"), last_start=("start_date", "max"))
            .reset_index())


def post_counts(posts: Any, by: list[str]) -> pd.DataFrame:
    """Posts counted by ``by`` in the engine (columns of posts, or ``month`` YYYY-MM).

    Parameters
    ----------
    posts
        The posts table: an ibis expression in its engine, or a frame.
    by
        Columns of posts to count by; ``month`` for the month posted.

    Returns
    -------
    DataFrame
        The ``by`` columns and ``posts``, sorted.
    """
    t = as_table(posts)
    keys = ["ym" if b == "month" else b for b in by]
    if "month" in by:  # YYYYMM in the engine (cheaper than text on millions of rows), text here
        t = t.mutate(ym=t.posted_at.date().year() * 100 + t.posted_at.date().month())
    out = t.group_by(keys).aggregate(posts=t.count()).to_pandas()
    if "month" in by:
        ym = out.pop("ym").astype(int)
        out.insert(keys.index("ym"), "month", [f"{v // 100:04d}-{v % 100:02d}" for v in ym])
    return out.sort_values(by).reset_index(drop=True)


def freshness(posts: Any, campaigns: pd.DataFrame, as_of: date) -> dict[str, Any]:
    """Date span of the data and days from its newest post to the run date.

    Parameters
    ----------
    posts
        The posts table (ibis expression or frame).
    campaigns
        The contract's campaigns table.
    as_of
        The run date.

    Returns
    -------
    dict
        ``first_post``, ``last_post``, ``first_campaign``, ``last_campaign`` (ISO dates or
        None) and ``days_since_last_post``.
    """
    t = as_table(posts)
    span = t.aggregate(first=t.posted_at.min(), last=t.posted_at.max(), n=t.count()).to_pandas().iloc[0]
    has = int(span["n"]) > 0
    first_post = pd.Timestamp(span["first"]).date() if has else None
    last_post = pd.Timestamp(span["last"]).date() if has else None
    return {
        "first_post": first_post.isoformat() if first_post else None,
        "last_post": last_post.isoformat() if last_post else None,
        "days_since_last_post": (as_of - last_post).days if last_post else None,
        "first_campaign": campaigns["start_date"].min().date().isoformat() if len(campaigns) else None,
        "last_campaign": campaigns["start_date"].max().date().isoformat() if len(campaigns) else None,
    }


#: Days on each side of a platform's switch from impressions to views that the level-shift
#: test compares (short enough that the trend of a brand's reach moves little within it).
SHIFT_WINDOW_DAYS = 90
#: A shift is warned about when exposure per follower rises by at least this ratio and the
#: test's two-sided p-value is below :data:`SHIFT_P`: views run well above impressions
#: (Instagram's views counted repeat plays), so the switch shows as a jump upward.
SHIFT_RATIO = 1.10
SHIFT_P = 0.001
#: Fewest posts on each side for the test to be made.
SHIFT_MIN_POSTS = 30


def exposure_shifts(posts: Any, window_days: int = SHIFT_WINDOW_DAYS) -> list[ExposureShift]:
    """For each platform whose exposure metric changed on a known day (:data:`VIEWS_SINCE`)
    and whose posts do not say which metric they hold (``exposure_metric`` empty), a test of
    a level shift in log(exposure / followers) at that day: the posts ``window_days`` before
    against those after, by Welch's test on the two means (counted in the engine: per side the
    posts, the sum and the sum of squares). ``warned`` when the ratio is at least
    :data:`SHIFT_RATIO` with p below :data:`SHIFT_P`.

    Parameters
    ----------
    posts
        The posts table (ibis expression or frame).
    window_days
        Days on each side of the switch.

    Returns
    -------
    list of ExposureShift
        One per platform tested, in :data:`VIEWS_SINCE` order (none without enough posts).
    """
    import ibis

    t = as_table(posts)
    if "exposure_metric" in t.columns:
        t = t.filter(t.exposure_metric.isnull())
    t = t.filter((t.impressions > 0) & (t.followers > 0))
    out: list[ExposureShift] = []
    for platform, day in VIEWS_SINCE.items():
        switch = pd.Timestamp(day, tz="UTC")
        lo, hi = switch - pd.Timedelta(days=window_days), switch + pd.Timedelta(days=window_days)
        w = t.filter((t.platform == platform) & (t.posted_at >= ibis.literal(lo.to_pydatetime()))
                     & (t.posted_at < ibis.literal(hi.to_pydatetime())))
        x = (w.impressions.cast("float64") / w.followers.cast("float64")).ln()
        w = w.mutate(x=x, after=w.posted_at >= ibis.literal(switch.to_pydatetime()))
        sides = w.group_by("after").aggregate(n=w.count(), s=w.x.sum(), ss=(w.x * w.x).sum()).to_pandas()
        got = {bool(r.after): r for r in sides.itertuples()}
        if any(k not in got or int(got[k].n) < SHIFT_MIN_POSTS for k in (False, True)):
            continue
        means, variances, ns = [], [], []
        for k in (False, True):
            n, s_, ss = int(got[k].n), float(got[k].s), float(got[k].ss)
            means.append(s_ / n)
            variances.append(max(ss - s_ * s_ / n, 0.0) / (n - 1))
            ns.append(n)
        diff = means[1] - means[0]
        se = (variances[0] / ns[0] + variances[1] / ns[1]) ** 0.5
        p = float(2 * normal_sf(abs(diff) / se)) if se > 0 else (0.0 if diff else 1.0)
        z, ratio = Z95, math.exp(diff)
        out.append({"platform": platform, "switch": day, "posts_before": ns[0], "posts_after": ns[1],
                    "ratio": ratio, "ci_low": math.exp(diff - z * se), "ci_high": math.exp(diff + z * se),
                    "p_value": p, "warned": bool(ratio >= SHIFT_RATIO and p < SHIFT_P)})
    return out


def overview_block(row_counts: dict[str, int], fresh: dict[str, Any], brands: list[str],
                   shifts: list[ExposureShift] | None = None) -> DataBlock:
    """The ``data`` block of results.json.

    Parameters
    ----------
    row_counts
        Table -> rows.
    fresh
        :func:`freshness`.
    brands
        The brands present.
    shifts
        :func:`exposure_shifts` (None: not tested).

    Returns
    -------
    DataBlock
        results.json's ``data``.
    """
    return {"rows": row_counts, "first_post": fresh["first_post"], "last_post": fresh["last_post"],
            "brands": sorted(brands), "exposure_shifts": shifts}


def brands_present(campaigns: pd.DataFrame, posts: Any) -> list[str]:
    """Every brand in the campaigns or the posts, sorted.

    Parameters
    ----------
    campaigns
        The contract's campaigns table.
    posts
        The posts table (ibis expression or frame).

    Returns
    -------
    list of str
        The brands, sorted.
    """
    t = as_table(posts)
    return sorted(set(campaigns["brand"]) | set(t.select("brand").distinct().to_pandas()["brand"]))


@dataclass
class OverviewAnalysis:
    """What the data-overview notebook shows: tables, coverage, posts and freshness."""

    summary: pd.DataFrame
    coverage: pd.DataFrame
    posts_by_brand_platform: pd.DataFrame
    posts_by_month_imagery: pd.DataFrame
    fresh: dict[str, Any]
    block: DataBlock  # results.json's data block
    shifts: list[ExposureShift]  # exposure per follower at the platforms' switches to views


def analyse(dataset: "Dataset", params: "Params") -> OverviewAnalysis:
    """Row counts and fingerprints, coverage by brand and mode, posts counted in the engine
    by brand, platform, month and imagery, and freshness against the run date; with the
    ``data`` block of results.json.

    Parameters
    ----------
    dataset
        The run's validated tables; this analysis reads every contract table (posts counted in the
        engine).
    params
        The run's parameters: money and scope, and :data:`PARAMETERS`. Units: rows, dates and
        shares.

    Returns
    -------
    OverviewAnalysis
        Row counts with fingerprints, coverage by brand and mode, post counts and freshness;
        ``block`` is results.json's ``data`` (:class:`~twinimpact.results.DataBlock`).
    """
    posts, campaigns = dataset.table("posts"), dataset["campaigns"]
    counts = dataset.row_counts()
    fresh = freshness(posts, campaigns, dataset.as_of)
    shifts = exposure_shifts(posts)
    return OverviewAnalysis(table_summary(counts, dataset.fingerprints), campaign_coverage(campaigns),
                            post_counts(posts, ["brand", "platform"]), post_counts(posts, ["month", "imagery"]), fresh,
                            overview_block(counts, fresh, brands_present(campaigns, posts), shifts), shifts)
