"""What an engagement is worth, from the brand's own data.

With the optional ``post_outcomes`` table (what each post sold: clicks, orders, revenue),
revenue per engagement is the ratio of sums over the posts that carry an outcome::

    revenue per engagement = sum revenue (reporting currency) / sum engagements

and an engagement is worth ``gross_margin`` times that. Its interval comes from a
bootstrap over the clusters the engagement model uses (campaigns; a post without a
campaign in a cluster of its brand and month): posts of one campaign share their product
and audience, so they are resampled together. Without the table, and unless the
parameter ``value_per_engagement`` is set, engagement is not valued.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from twinimpact import minimum
from twinimpact.analyses.stats import count_model
from twinimpact.analyses.money import to_reporting
from twinimpact.sources import shared

if TYPE_CHECKING:
    from twinimpact.params import Params
    from twinimpact.sources.data import Dataset

#: Bootstrap resamples of the clusters (the NPV draws recycle them when it draws more).
BOOTSTRAP = 2000
#: Resamples computed at a time (bounds the memory of the weights).
CHUNK = 250
#: How the interval is made, for results.json and the report.
INTERVAL = ("95% bootstrap percentile interval over campaigns (posts without a campaign grouped by brand and "
            "month), {n:,} resamples")
SOURCES = ("post_outcomes", "parameter", "none")


def outcome_cells(dataset: "Dataset", follower_bin_width: float) -> pd.DataFrame:
    """The posts that carry an outcome, by covariate cell, currency and whether anyone saw
    them (:func:`~twinimpact.analyses.stats.count_model.outcome_cells`): the one join of posts
    and ``post_outcomes`` of a run, made once whichever notebook asks first
    (:func:`twinimpact.sources.shared.once`: the engagement notebook fits orders on it, the
    scenarios notebook values an engagement from it).

    Parameters
    ----------
    dataset
        The run's validated tables (``posts`` and ``post_outcomes``).
    follower_bin_width
        The width of a follower bin (log followers).

    Returns
    -------
    DataFrame
        One row per cell, currency and ``seen``: the engine's keys (month as YYYYMM) and
        :data:`~twinimpact.analyses.stats.count_model.OUTCOME_SUMS`.
    """

    def compute() -> pd.DataFrame:
        return count_model.outcome_cells(dataset.table("posts"), dataset.table("post_outcomes"), follower_bin_width,
                                         dataset.join_parts("posts", "post_outcomes"))

    parts = {"posts": dataset.fingerprints.get("posts"), "post_outcomes": dataset.fingerprints.get("post_outcomes"),
             "brands": sorted(dataset.brands), "width": follower_bin_width}
    dataset.reads.update({"posts", "post_outcomes"})
    return shared.once("outcome-cells", parts, compute)


def outcome_clusters(dataset: "Dataset", fx_rates: dict[str, float], follower_bin_width: float = 0.1) -> pd.DataFrame:
    """Per cluster, in the reporting currency: the posts with an outcome, their engagements,
    clicks, orders and revenue, from :func:`outcome_cells` (the join and the sums run in the
    engine; only cells come back).

    Parameters
    ----------
    dataset
        The run's validated tables (``posts`` and the optional ``post_outcomes``).
    fx_rates
        Units of the reporting currency per unit of each currency.
    follower_bin_width
        The follower bin of the cells (any width gives the same clusters; the run's own
        shares the join with the orders model).

    Returns
    -------
    DataFrame
        ``cluster``, ``posts``, ``engagements``, ``clicks``, ``orders``, ``revenue``
        (reporting currency), sorted by cluster.
    """
    cells = outcome_cells(dataset, follower_bin_width)
    if cells.empty:
        return pd.DataFrame(columns=["cluster", "posts", "engagements", "clicks", "orders", "revenue"])
    raw = (cells.groupby(["cluster", "brand", "ym", "currency"], dropna=False, sort=False)
           [["posts", "engagements", "clicks", "y", "revenue"]].sum().reset_index().rename(columns={"y": "orders"}))
    raw["cluster"] = count_model.cluster_labels(raw["cluster"], raw["brand"], count_model.month_labels(raw["ym"]))
    raw["revenue"] = to_reporting(raw["revenue"].astype(float), raw["currency"], fx_rates)
    out = raw.groupby("cluster", sort=True)[["posts", "engagements", "clicks", "orders", "revenue"]].sum()
    return out.reset_index()


def ratio_bootstrap(numerator: np.ndarray, denominator: np.ndarray, n: int, seed: int) -> np.ndarray:
    """``n`` bootstrap replicates of ``sum(numerator) / sum(denominator)``, resampling the
    clusters (the entries) with replacement; a replicate whose denominator is 0 is NaN.

    Parameters
    ----------
    numerator, denominator
        One value per cluster.
    n
        Replicates.
    seed
        Seeds the resampling (with the stream 31).

    Returns
    -------
    ndarray
        ``n`` ratios.
    """
    num, den = np.asarray(numerator, float), np.asarray(denominator, float)
    k = len(num)
    rng = np.random.default_rng([seed, 31])
    out = np.empty(n)
    for start in range(0, n, CHUNK):
        size = min(CHUNK, n - start)
        idx = rng.integers(0, k, size=(size, k))
        top, bottom = num[idx].sum(axis=1), den[idx].sum(axis=1)
        out[start:start + size] = np.divide(top, bottom, out=np.full(size, np.nan), where=bottom > 0)
    return out


def value_per_engagement(dataset: "Dataset", params: "Params") -> dict[str, Any]:
    """What one engagement is worth (reporting currency) and where that comes from: the
    parameter ``value_per_engagement`` when set, else ``gross_margin`` times the revenue per
    engagement of ``post_outcomes`` with its bootstrap interval, else nothing.

    Parameters
    ----------
    dataset
        The run's validated tables.
    params
        The run's parameters (``value_per_engagement``, ``gross_margin``, ``seed``, ``fx_rates``).

    Returns
    -------
    dict
        results.json's ``scenarios.value_per_engagement``: ``estimate``, ``ci_low``, ``ci_high``
        (reporting currency per engagement; the interval null unless estimated), ``source``
        (one of :data:`SOURCES`) and, when estimated, the revenue per engagement, the clusters,
        posts, clicks, orders and revenue behind it. The key ``draws`` (removed before writing)
        holds the bootstrap replicates of the value.
    """
    if params.value_per_engagement is not None:
        return {"estimate": params.value_per_engagement, "ci_low": None, "ci_high": None, "source": "parameter",
                "draws": None}
    none = {"estimate": None, "ci_low": None, "ci_high": None, "source": "none", "draws": None}
    if not dataset.has("post_outcomes"):
        return {**none, "why": "no post_outcomes table: what a post sells is not in the data"}
    clusters = outcome_clusters(dataset, params.fx_rates, params.follower_bin_width)
    engagements = float(clusters["engagements"].sum()) if len(clusters) else 0.0
    if engagements <= 0:
        return {**none, "why": "the posts in post_outcomes have no engagements"}
    revenue = float(clusters["revenue"].sum())
    if revenue <= 0:  # outcomes that record nothing measure the tracking, not what an engagement sells
        return {**none, "why": "the post outcomes record no revenue at all (every row is 0), so what an engagement "
                               "sells cannot be measured: check that orders and revenue are tracked"}
    rpe = revenue / engagements
    reps = ratio_bootstrap(clusters["revenue"].to_numpy(), clusters["engagements"].to_numpy(), BOOTSTRAP,
                           params.seed)
    reps = reps[np.isfinite(reps)]
    lo, hi = (float(v) for v in np.percentile(reps, [2.5, 97.5]))
    m = params.gross_margin
    short = (f"the posts come from {len(clusters)} campaign(s), too few to resample"
             if len(clusters) < minimum.MIN_BOOTSTRAP_CLUSTERS else minimum.interval_problem(rpe, lo, hi))
    if short:
        why = f"{short}; its interval needs {minimum.NEEDS['engagement_value']}"
        return {"estimate": m * rpe, "ci_low": None, "ci_high": None, "not_estimable": why, "source": "post_outcomes",
                "gross_margin": m, "revenue_per_engagement": {"estimate": rpe, "ci_low": None, "ci_high": None,
                                                              "not_estimable": why},
                "interval": None, "clusters": int(len(clusters)), "posts": int(clusters["posts"].sum()),
                "engagements": engagements, "clicks": float(clusters["clicks"].sum()),
                "orders": float(clusters["orders"].sum()), "revenue": revenue, "draws": None}
    return {"estimate": m * rpe, "ci_low": m * lo, "ci_high": m * hi, "source": "post_outcomes",
            "gross_margin": m, "revenue_per_engagement": {"estimate": rpe, "ci_low": lo, "ci_high": hi},
            "interval": INTERVAL.format(n=BOOTSTRAP), "clusters": int(len(clusters)),
            "posts": int(clusters["posts"].sum()), "engagements": engagements,
            "clicks": float(clusters["clicks"].sum()), "orders": float(clusters["orders"].sum()),
            "revenue": revenue, "draws": m * reps}


def value_draws(value: dict[str, Any], n: int, seed: int) -> np.ndarray:
    """``n`` draws of the value per engagement for the NPV: the bootstrap replicates
    (recycled with replacement when ``n`` is larger), the parameter's value as it is, or
    zeros when engagement is not valued.

    Parameters
    ----------
    value
        :func:`value_per_engagement`.
    n
        Draws wanted.
    seed
        Seeds the recycling.

    Returns
    -------
    ndarray
        Reporting currency per engagement, ``n`` values.
    """
    draws = value.get("draws")
    if draws is not None and len(draws):
        return np.random.default_rng([seed, 32]).choice(draws, size=n, replace=True)
    return np.full(n, float(value.get("estimate") or 0.0))
