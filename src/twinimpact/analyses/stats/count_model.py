"""The count model of engagement: posts aggregated to covariate cells in the engine, the
design matrix, and the Poisson and negative binomial fits with campaign-clustered errors.

The model: engagements (likes + comments + shares + saves, or one of them) are counts with
log(impressions) as offset; covariates imagery, ai_label, platform, format, brand,
year-month (each month of each year, not month-of-year), log followers and, where brands
adopted twins at different times, whether the post's brand had adopted them. Estimates are incidence-rate ratios (IRR): engagements
per impression relative to the reference level, other covariates held fixed.

How it scales. Posts never come into pandas for the headline fit: the engine (ibis over
DuckDB or a warehouse) aggregates them to covariate cells, and the Poisson model is fitted
on each cell's sufficient statistics (post count, summed engagements, summed impressions).
For categorical covariates this is exactly the row-level Poisson maximum likelihood, and,
because cells nest inside campaigns, the campaign-clustered sandwich is exact too. Log
followers is continuous: it is binned (width ``follower_bin_width`` in natural log, so
posts in one bin differ by at most about 10% in followers) and each bin enters at its
centre, the one approximation. The negative binomial's likelihood depends on each post's
count, not on cell sums, so it is fitted on rows: all of them up to ``nb_max_rows``, a
seeded random sample beyond; at scale its intervals are wider than a full-data fit would
give (by about sqrt(posts / nb_max_rows)) and it serves as the check on overdispersion and
on the Poisson estimates, not as the headline.
"""


from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import ibis
import numpy as np
import pandas as pd

from twinimpact import minimum
from twinimpact.contract.spec import ENGAGEMENT_COUNTS, PLATFORMS
from twinimpact.errors import DataError
from twinimpact.contract.checks import md5_hex

OUTCOMES = ("engagements", *ENGAGEMENT_COUNTS)
REFERENCE_LEVELS = {"imagery": "human", "platform": "instagram", "format": "image"}
NUISANCE = ("platform", "format", "brand", "month")
LOG_FOLLOWERS_CENTRE = math.log(1e6)
Z95 = 1.959963984540054  # two-sided 95%: the 97.5th percentile of the standard normal


class EngagementError(DataError):
    """The data cannot support the engagement model at all (message says why)."""


# --- in the engine -----------------------------------------------------------------------
def _outcome(t, outcome: str):
    if outcome == "engagements":
        return t.likes + t.comments + t.shares + t.saves
    if outcome == "orders" and "orders" in t.columns:  # posts joined with post_outcomes
        return t.orders
    if outcome not in ENGAGEMENT_COUNTS:
        raise EngagementError(f"Unknown outcome {outcome!r}; choose one of {', '.join(OUTCOMES)}.")
    return t[outcome]


def seen_label(posts: Any) -> Any:
    """Per post, the AI label its audience saw: the platform's own label
    (``platform_ai_label``) where the data hold it, else the brand's ``ai_label``."""
    if "platform_ai_label" not in posts.columns:
        return posts.ai_label
    return posts.platform_ai_label.coalesce(posts.ai_label)


def exposure_regime(posts: Any) -> Any:
    """Per post, its platform and the metric its exposure count holds
    (``instagram:views``; ``exposure_metric`` empty or absent means impressions)."""
    metric = posts.exposure_metric.coalesce("impressions") if "exposure_metric" in posts.columns else \
        ibis.literal("impressions")
    return posts.platform + ":" + metric


#: Days in an average month (months since a date are days / this).
MONTH_DAYS = 30.4375
#: The label's exposure-time bins' edges by default: months [0, 6), [6, 12) and 12 or more
#: since a brand's first labelled post.
LABEL_BINS = (6, 12)


@dataclass(frozen=True)
class Timeline:
    """Per brand, the days that split its posts in time: its adoption of twins (its first
    twin or hybrid campaign) and its first post with the AI label; and the label's bins
    (months since that first labelled post)."""

    adoption: tuple[tuple[str, str], ...] = ()  # (brand, ISO date)
    label_start: tuple[tuple[str, str], ...] = ()  # (brand, ISO timestamp of its first labelled post)
    label_bins: tuple[int, ...] = LABEL_BINS

    def bin_names(self) -> list[str]:
        """Each bin as ``0-6``, ``6-12``, ``12+`` (months)."""
        edges = (0, *self.label_bins)
        return [f"{a}-{b}" for a, b in zip(edges, edges[1:])] + [f"{edges[-1]}+"]


def label_starts(posts: Any) -> dict[str, pd.Timestamp]:
    """Each brand's first post carrying the label its audience saw (:func:`seen_label`),
    from the engine (one row per brand).

    Parameters
    ----------
    posts
        The posts (ibis).

    Returns
    -------
    dict
        Brand -> the time of its first labelled post (UTC).
    """
    t = posts.filter(seen_label(posts).fill_null(False))
    rows = t.group_by("brand").aggregate(first=t.posted_at.min()).to_pandas()
    return {str(b): pd.Timestamp(f) for b, f in zip(rows["brand"], rows["first"])}


def _by_brand(t: Any, pairs: tuple[tuple[str, str], ...], kind: str) -> Any:
    """A per-post value from a short brand -> value list (a CASE in the engine)."""
    if not pairs:
        return ibis.null(kind)
    cases = [(t.brand == b, ibis.literal(v).cast(kind)) for b, v in pairs]
    return ibis.cases(*cases, else_=ibis.null(kind))


def _timeline_columns(t: Any, timeline: Timeline | None) -> dict[str, Any]:
    """``adopted`` (the post's brand had adopted twins when it went out) and ``lbin`` (the
    label's time bin of a post at or after its brand's first labelled post, else -1)."""
    if timeline is None:
        return {"adopted": ibis.literal(False), "lbin": ibis.literal(-1).cast("int64")}
    adopted = (t.posted_at >= _by_brand(t, timeline.adoption, "timestamp('UTC')")).fill_null(False)
    start = _by_brand(t, timeline.label_start, "timestamp('UTC')")
    months = (t.posted_at.epoch_seconds() - start.epoch_seconds()).cast("float64") / (MONTH_DAYS * 86400)
    lbin: Any = ibis.literal(len(timeline.label_bins)).cast("int64")
    for i, edge in reversed(list(enumerate(timeline.label_bins))):
        lbin = ibis.ifelse(months < edge, ibis.literal(i).cast("int64"), lbin)
    lbin = ibis.ifelse(start.isnull() | (months < 0), ibis.literal(-1).cast("int64"), lbin)
    return {"adopted": adopted, "lbin": lbin}


def _covariates(posts, outcome: str, follower_bin_width: float, timeline: Timeline | None = None):
    """Per post in the engine: the outcome, the month as a number (YYYYMM, cheaper than
    text on millions of rows), the follower bin, the campaign (empty for posts without
    one; :func:`_finish` names their cluster by brand and month), the label the audience saw
    (:func:`seen_label`) and the exposure regime (:func:`exposure_regime`)."""
    t = posts.filter(posts.impressions > 0)  # a post nobody saw carries no information on its rate
    return t.mutate(
        ai_label=seen_label(t),
        regime=exposure_regime(t),
        **_timeline_columns(t, timeline),
        y=_outcome(t, outcome).cast("int64"),
        # by its date: sqlglot refuses EXTRACT from a timestamp cast from text (large CSV posts)
        ym=t.posted_at.date().year() * 100 + t.posted_at.date().month(),
        fbin=((t.followers + 1).cast("float64").ln() / follower_bin_width).floor().cast("int64"),
        cluster=t.campaign_id,
    )


def month_labels(ym: pd.Series) -> pd.Series:
    """The engine's months (YYYYMM integers) as YYYY-MM text, each distinct month written once.

    Parameters
    ----------
    ym
        Months as ``year * 100 + month``.

    Returns
    -------
    Series
        The same index, text.
    """
    codes, yms = pd.factorize(ym.astype("int64"))
    return pd.Series(np.array([f"{v // 100:04d}-{v % 100:02d}" for v in yms], dtype=object)[codes],
                     index=ym.index, dtype=object)


def cluster_labels(cluster: pd.Series, brand: pd.Series, month: pd.Series) -> pd.Series:
    """The campaign of each row, or for a post of no campaign its own cluster by brand and month.

    Parameters
    ----------
    cluster, brand, month
        The rows' campaign (missing for none), brand and YYYY-MM month.

    Returns
    -------
    Series
        The cluster labels (text).
    """
    labels, alone = cluster.astype(object), cluster.isna()
    if alone.any():
        labels[alone] = "none:" + brand[alone].astype(object) + ":" + month[alone]
    return labels


def _finish(frame: pd.DataFrame, follower_bin_width: float) -> pd.DataFrame:
    """Engine rows or cells to the model's columns: month YYYY-MM, cluster, log followers."""
    month = month_labels(frame.pop("ym"))
    frame.insert(frame.columns.get_loc("fbin"), "month", month)
    frame["cluster"] = cluster_labels(frame["cluster"], frame["brand"], month)
    frame["log_followers"] = (frame["fbin"] + 0.5) * follower_bin_width - LOG_FOLLOWERS_CENTRE
    frame["ai_label"] = frame["ai_label"].astype(bool)
    if "adopted" in frame:
        frame["adopted"] = frame["adopted"].astype(bool)
    return frame


def month_periods(months: pd.Series) -> pd.PeriodIndex:
    """The YYYY-MM ``month`` of cells or rows as monthly periods, each distinct month parsed once.

    Parameters
    ----------
    months
        The ``month`` column :func:`_finish` writes.

    Returns
    -------
    PeriodIndex
        One monthly period per value, in order.
    """
    codes, distinct = pd.factorize(months)
    if (codes < 0).any():  # a missing month: parsed as pandas does, NaT included
        return pd.PeriodIndex(months, freq="M")
    return pd.PeriodIndex(list(distinct), freq="M")[codes]


CELL_KEYS = ("imagery", "ai_label", "platform", "format", "brand", "month", "fbin", "cluster", "regime", "adopted",
             "lbin")
_ENGINE_KEYS = ["imagery", "ai_label", "platform", "format", "brand", "ym", "fbin", "cluster", "regime", "adopted",
                "lbin"]


def cells_query(posts: Any, outcome: str = "engagements", follower_bin_width: float = 0.1,
                timeline: Timeline | None = None) -> Any:
    """An ibis expression: posts grouped to covariate cells (nested in campaign clusters)
    with the sufficient statistics of the Poisson fit (month as YYYYMM, see :func:`_finish`);
    with a ``timeline``, cells also split by adoption and the label's time bin."""
    t = _covariates(posts, outcome, follower_bin_width, timeline)
    return t.group_by(_ENGINE_KEYS).aggregate(
        posts=t.count(), y=t.y.sum(), exposure=t.impressions.sum(),
        y2_over_exposure=(t.y * t.y / t.impressions).sum(),
    )


def aggregate_cells(posts, outcome: str = "engagements", follower_bin_width: float = 0.1,
                    timeline: Timeline | None = None) -> pd.DataFrame:
    """Run :func:`cells_query` in the engine; a frame of cells, never of posts."""
    cells = _finish(cells_query(posts, outcome, follower_bin_width, timeline).to_pandas(), follower_bin_width)
    return cells.sort_values(list(CELL_KEYS), kind="mergesort").reset_index(drop=True)


OUTCOME_SUMS = ("posts", "y", "exposure", "y2_over_exposure", "engagements", "clicks", "revenue")
_OUTCOME_KEYS = [*_ENGINE_KEYS, "currency", "seen"]


def join_outcomes(posts: Any, outcomes: Any, posts_columns: list[str], outcome_columns: list[str]) -> Any:
    """The posts that carry an outcome: ``posts_columns`` of ``posts`` and ``outcome_columns``
    of ``post_outcomes``, joined by ``post_id`` (only what is read is carried)."""
    kept = [c for c in posts_columns if c in posts.columns]  # optional columns a table may lack
    return posts.select("post_id", *kept).inner_join(outcomes.select("post_id", *outcome_columns), "post_id")


#: The posts' columns the engagement models read (:func:`_covariates`, :func:`sample_rows`).
MODEL_COLUMNS = ["imagery", "ai_label", "platform", "format", "brand", "posted_at", "followers", "campaign_id",
                 "impressions", "exposure_metric", "platform_ai_label"]


def outcome_cells_query(posts: Any, outcomes: Any, follower_bin_width: float = 0.1, micros: bool = False,
                        timeline: Timeline | None = None) -> Any:
    """An ibis expression: the posts that carry an outcome (``posts`` joined with
    ``post_outcomes``), grouped to covariate cells by currency and by
    whether anyone saw the post (``seen``: impressions above zero), with the orders model's
    sufficient statistics (``y`` the orders) and the engagements, clicks and revenue. One join
    serves both the orders model (:func:`orders_cells`, the seen cells) and the value of an
    engagement (every cell, summed per cluster), which had each joined the two largest tables.
    Each post's covariates are computed before the join, so that only they are carried;
    ``micros`` adds the revenue in whole millionths (``revenue_micros``), which sums exactly
    across parts (:func:`outcome_cells`)."""
    p = posts.mutate(
        ai_label=seen_label(posts),
        regime=exposure_regime(posts),
        **_timeline_columns(posts, timeline),
        engagements=(posts.likes + posts.comments + posts.shares + posts.saves).cast("int64"),
        ym=posts.posted_at.date().year() * 100 + posts.posted_at.date().month(),
        fbin=((posts.followers + 1).cast("float64").ln() / follower_bin_width).floor().cast("int64"),
        cluster=posts.campaign_id,
    )
    o = outcomes.mutate(
        # revenue in whole millionths: a sum of integers does not depend on the order the
        # engine's threads add the posts in, so the same data give the same value on every run
        micros=(outcomes.revenue * 1_000_000).round().cast("int64"),
    )
    t = join_outcomes(p, o, [*_ENGINE_KEYS, "impressions", "engagements"], ["clicks", "orders", "micros", "currency"])
    t = t.mutate(y=t.orders.cast("int64"), seen=t.impressions > 0)
    # an unseen post adds nothing to y^2 / exposure (and must not divide by zero on any engine)
    share = ibis.ifelse(t.seen, t.y * t.y / ibis.greatest(t.impressions, 1), 0.0)
    keys = _OUTCOME_KEYS
    extra = {"revenue_micros": t.micros.sum()} if micros else {}
    return t.group_by(keys).aggregate(
        posts=t.count(), y=t.y.sum(), exposure=t.impressions.sum(), y2_over_exposure=share.sum(),
        engagements=t.engagements.sum(), clicks=t.clicks.sum(), revenue=t.micros.sum().cast("float64") / 1_000_000,
        **extra,
    ).order_by(keys)  # cells in one order whatever the join's: the sums made from them repeat exactly


def _part(table: Any, parts: int, k: int) -> Any:
    """The rows of ``table`` whose post id falls in part ``k`` of ``parts`` (by its hash)."""
    return table.filter(((table.post_id.hash() % parts) + parts) % parts == k)


def outcome_cells(posts: Any, outcomes: Any, follower_bin_width: float = 0.1, parts: int = 1) -> pd.DataFrame:
    """:func:`outcome_cells_query` run in the engine, in ``parts`` passes when the tables are
    too large for one join in the engine's memory: each pass joins the posts whose id falls
    in one part (by its hash) with their outcomes, and the passes' cells, whose statistics are
    sums, are added up (revenue in whole millionths, so exactly); the same cells as one pass.

    Parameters
    ----------
    posts, outcomes
        The ``posts`` and ``post_outcomes`` tables (ibis).
    follower_bin_width
        The width of a follower bin (log followers).
    parts
        Passes (1: one join; :meth:`twinimpact.sources.data.Dataset.join_parts`).

    Returns
    -------
    DataFrame
        One row per cell, currency and ``seen`` (:data:`OUTCOME_SUMS`), sorted by those keys.
    """
    if parts <= 1:
        return outcome_cells_query(posts, outcomes, follower_bin_width).to_pandas()
    frames = []
    for k in range(parts):
        frames.append(outcome_cells_query(_part(posts, parts, k), _part(outcomes, parts, k), follower_bin_width,
                                          micros=True).to_pandas())
    both = pd.concat(frames, ignore_index=True).drop(columns="revenue")
    sums = [c for c in both.columns if c not in _OUTCOME_KEYS]
    cells = both.groupby(_OUTCOME_KEYS, dropna=False, sort=False)[sums].sum().reset_index()
    cells["revenue"] = cells.pop("revenue_micros").astype("float64") / 1_000_000
    cells = cells.sort_values(_OUTCOME_KEYS, kind="mergesort", na_position="last").reset_index(drop=True)
    return cells.astype(frames[0].dtypes.drop("revenue_micros").to_dict())[list(frames[0].columns.drop("revenue_micros"))]


def orders_cells(outcome_cells: pd.DataFrame, follower_bin_width: float = 0.1) -> pd.DataFrame:
    """The covariate cells of orders per impression (as :func:`aggregate_cells` gives them
    for posts joined with their outcomes) from :func:`outcome_cells_query`'s frame: its seen
    cells summed over currencies.

    Parameters
    ----------
    outcome_cells
        :func:`outcome_cells_query` run in the engine (one row per cell, currency and ``seen``).
    follower_bin_width
        The width of its follower bins (log followers).

    Returns
    -------
    DataFrame
        The cells, as :func:`aggregate_cells` gives them, sorted by :data:`CELL_KEYS`.
    """
    seen = outcome_cells[outcome_cells["seen"].astype(bool)]
    cells = (seen.groupby(_ENGINE_KEYS, dropna=False, sort=False)[["posts", "y", "exposure", "y2_over_exposure"]]
             .sum().reset_index())
    cells = _finish(cells, follower_bin_width)
    return cells.sort_values(list(CELL_KEYS), kind="mergesort").reset_index(drop=True)


def sample_rows(posts, max_rows: int, seed: int, outcome: str = "engagements",
                follower_bin_width: float = 0.1, population: int | None = None,
                timeline: Timeline | None = None) -> pd.DataFrame:
    """Post-level rows for the negative binomial: all up to ``max_rows``, else a seeded sample.
    ``population`` (posts with impressions, e.g. from the cells) saves counting them again."""
    t = _covariates(posts, outcome, follower_bin_width, timeline)
    n = int(t.count().to_pyarrow().as_py()) if population is None else population
    cols = [*_ENGINE_KEYS, "y", "impressions"]
    if n > max_rows:
        # a deterministic pseudo-random sample, the same on every engine: rank by the md5 of
        # the post id and the seed; only posts whose digest falls below a threshold (about
        # 1.2x the rows needed, never fewer than all of them) are sorted
        t = t.mutate(_k=md5_hex(t.post_id + f":{seed}"))
        share = min(1.0, 1.2 * max_rows / n + 1000 / n)
        if share < 1.0:  # hex digests of one length compare as text the way their numbers do
            t = t.filter(t._k < f"{int(share * 16**6):06x}")
        t = t.order_by(["_k", "post_id"]).limit(max_rows)
    rows = _finish(t.select(cols).to_pandas(), follower_bin_width)
    rows = rows.rename(columns={"impressions": "exposure"}).assign(posts=1)
    rows.attrs["population"] = n
    return rows.sort_values(["cluster", "month", "platform"], kind="mergesort").reset_index(drop=True)


# --- the design ---------------------------------------------------------------------------
@dataclass
class Design:
    """Model matrix of cells (or rows): intercept, nuisance dummies, log followers, then the
    terms of interest last, so that a term confounded with the others is the one dropped."""

    X: np.ndarray
    names: list[str]
    y: np.ndarray
    exposure: np.ndarray
    clusters: np.ndarray
    posts: np.ndarray
    y2_over_exposure: np.ndarray | None
    dropped: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def _reference(values: pd.Series, preferred: str | None) -> str:
    levels = sorted(values.dropna().unique())
    if preferred in levels:
        return preferred  # type: ignore[return-value]
    return str(levels[0]) if levels else ""  # first in sort order: the same for cells and rows


def independent_columns(X: np.ndarray, weights: np.ndarray, keep: list[int] | None = None,
                        tol: float = 1e-9) -> list[int]:
    """Indices of the columns of ``X`` that are not linear combinations of earlier ones,
    judged in the metric the fit uses (exposure weights), so that a confounded term
    placed last is the one named and dropped rather than silently absorbing another.
    Columns in ``keep`` are taken as given."""
    w = weights / weights.sum()
    G = (X * w[:, None]).T @ X
    kept = list(keep or [])
    for j in range(len(kept), X.shape[1]):
        resid = G[j, j]
        if kept:
            S = np.array(kept)
            resid = G[j, j] - G[j, S] @ np.linalg.lstsq(G[np.ix_(S, S)], G[S, j], rcond=None)[0]
        if resid > tol * max(G[j, j], 1e-300):
            kept.append(j)
    return kept


def regime_terms(platform: pd.Series, regime: pd.Series) -> tuple[list[np.ndarray], list[str], list[str]]:
    """The exposure-regime terms of the design: where a platform's posts count more than one
    metric (impressions before a switch, views after), a dummy per metric other than the
    platform's first (impressions where present), so that rates per exposure are never pooled
    across metrics; a platform whose posts all count one metric other than impressions gets a
    note instead, its platform term absorbing the difference.

    Parameters
    ----------
    platform
        Each cell's platform.
    regime
        Each cell's ``platform:metric`` (:func:`exposure_regime`).

    Returns
    -------
    tuple
        (the columns, their names ``exposure[platform:metric]``, the notes).
    """
    cols: list[np.ndarray] = []
    names: list[str] = []
    notes: list[str] = []
    for name in sorted(platform.dropna().unique()):
        levels = sorted(regime[platform == name].dropna().unique(),
                        key=lambda r: (not str(r).endswith(":impressions"), str(r)))
        if len(levels) == 1 and not str(levels[0]).endswith(":impressions"):
            notes.append(f"Every {name} post counts {str(levels[0]).split(':', 1)[1]}, not impressions: the exposure "
                         f"term is collinear with the platform and left out (the platform term absorbs the "
                         f"difference).")
        for level in levels[1:]:
            cols.append((regime == level).to_numpy(float))
            names.append(f"exposure[{level}]")
    return cols, names, notes


#: The after-adoption term's name in a design.
AFTER_ADOPTION = "after_adoption"


def label_bin_terms(bin_names: list[str]) -> list[str]:
    """The label's terms by time since the brand's first labelled post: ``ai_label[0-6]`` ..."""
    return [f"ai_label[{b}]" for b in bin_names]


def build_design(cells: pd.DataFrame, tol: float = 1e-9, label_bins: list[str] | None = None) -> Design:
    """Dummies with stated reference levels; collinear columns dropped with a message.

    Parameters
    ----------
    cells
        Covariate cells: the model's columns, engagements ``y``, impressions ``exposure`` and
        ``cluster`` (the campaign) per cell; with ``adopted`` (whether the brand had adopted
        twins), an after-adoption term enters last, so that where adoption cannot be told
        from the calendar, the brands and the imagery it is the term left out.
    tol
        Tolerance of the rank test that drops collinear columns.
    label_bins
        The names of the label's time bins (:meth:`Timeline.bin_names`): the one label term
        is then one term per bin of ``lbin``, months since the brand's first labelled post.

    Returns
    -------
    Design
        The design matrix, its column names, outcome, offset, clusters and messages.
    """
    if cells.empty or cells["exposure"].sum() <= 0:
        raise EngagementError("No posts with impressions: the engagement model has nothing to fit.")
    messages: list[str] = []
    present = set(cells["platform"].unique())
    missing = [p for p in PLATFORMS if p not in present]
    if missing and cells["platform"].nunique() > 1:
        messages.append(f"No posts on {', '.join(missing)}: platform effects are estimated for the others only.")
    cols: list[np.ndarray] = [np.ones(len(cells))]
    names = ["intercept"]
    for var in NUISANCE:  # each level's dummy from the column's codes (one pass over the text, not one a level)
        ref = _reference(cells[var], REFERENCE_LEVELS.get(var))
        codes, levels = pd.factorize(cells[var], sort=True)
        for i, level in enumerate(levels):
            if level != ref:
                cols.append((codes == i).astype(float))
                names.append(f"{var}[{level}]")
    if "regime" in cells:
        regime_cols, regime_names, regime_messages = regime_terms(cells["platform"], cells["regime"])
        cols += regime_cols
        names += regime_names
        messages += regime_messages
    cols.append(cells["log_followers"].to_numpy(float))
    names.append("log_followers")
    imagery_levels = set(cells["imagery"].unique())
    if "human" not in imagery_levels:
        messages.append("No post shows human imagery, so nothing can be compared with it: the imagery IRRs are "
                        "not estimable.")
    else:
        for level in ("twin", "synthetic", "none"):
            if level in imagery_levels:
                cols.append((cells["imagery"] == level).to_numpy(float))
                names.append(f"imagery[{level}]")
            elif level != "none":
                messages.append(f"No post shows {level} imagery: irr_{level}_vs_human is not estimable.")
    if cells["ai_label"].nunique() > 1 and label_bins and "lbin" in cells:
        lbin = cells["lbin"].to_numpy().clip(0, len(label_bins) - 1)
        for k, name in enumerate(label_bin_terms(label_bins)):
            column = (cells["ai_label"].to_numpy(bool) & (lbin == k)).astype(float)
            if column.any():
                cols.append(column)
                names.append(name)
    elif cells["ai_label"].nunique() > 1:
        cols.append(cells["ai_label"].to_numpy(float))
        names.append("ai_label")
    else:
        messages.append("Every post has the same ai_label value: the label effect is not estimable.")
    if "adopted" in cells and cells["adopted"].nunique() > 1:
        cols.append(cells["adopted"].to_numpy(float))
        names.append(AFTER_ADOPTION)
    X = np.column_stack(cols)
    keep = independent_columns(X, cells["exposure"].to_numpy(float), tol=tol)
    dropped = [n for j, n in enumerate(names) if j not in keep]
    for name in dropped:
        if name == AFTER_ADOPTION:
            messages.append("Brands adopted twins too close together (or with too few posts on either side) to tell "
                            "a change of the whole brand after adoption from the calendar months, the brands and the "
                            "imagery: the after-adoption term is left out, and the imagery's ratios include any such "
                            "change.")
        elif name.startswith("imagery[") or name.startswith("ai_label"):
            messages.append(f"The data cannot separate {name} from brand, platform, format, month or followers "
                            f"(e.g. a brand showing only one imagery type): its effect is not estimable.")
        else:
            messages.append(f"{name} is redundant given the other covariates and was left out.")
    return Design(X[:, keep], [names[j] for j in keep], cells["y"].to_numpy(float), cells["exposure"].to_numpy(float),
                  cells["cluster"].astype(str).to_numpy(), cells["posts"].to_numpy(float),
                  cells["y2_over_exposure"].to_numpy(float) if "y2_over_exposure" in cells else None,
                  dropped, messages)


# --- fits --------------------------------------------------------------------------------
@dataclass
class Fit:
    """A fitted count model: coefficients (log rate ratios) with a cluster-robust covariance."""

    method: str
    names: list[str]
    params: np.ndarray
    cov: np.ndarray
    n_posts: int
    n_cells: int
    n_clusters: int
    loglik: float | None = None
    alpha: float | None = None  # NB2 overdispersion: variance = mu + alpha * mu^2
    alpha_ci: tuple[float | None, float | None] | None = None
    pearson_dispersion: float | None = None
    messages: list[str] = field(default_factory=list)
    #: term -> (campaigns with posts showing it, campaigns with posts not showing it)
    support: dict[str, tuple[int, int]] = field(default_factory=dict)

    def se(self) -> np.ndarray:
        return np.sqrt(np.diag(self.cov))

    def raw_irr(self, name: str) -> dict[str, float | None]:
        """The term's rate ratio and 95% interval as fitted, before :meth:`problem`."""
        if name not in self.names:
            return {"estimate": None, "ci_low": None, "ci_high": None}
        i = self.names.index(name)
        b, s = float(self.params[i]), float(self.se()[i])
        if not (math.isfinite(b) and math.isfinite(s)) or abs(b) > 700 or Z95 * s > 700:
            return {"estimate": None, "ci_low": None, "ci_high": None}
        return {"estimate": math.exp(b), "ci_low": math.exp(b - Z95 * s), "ci_high": math.exp(b + Z95 * s)}

    def shortfall(self, name: str) -> str | None:
        """Why these data fall short of what a campaign-clustered rate ratio of ``name``
        needs (:mod:`twinimpact.minimum`), or None when they do not."""
        k = len(self.names)
        if self.n_clusters <= k:
            return (f"the model has {k} coefficient(s) but the posts come from only {self.n_clusters} campaign(s)")
        with_, without = self.support.get(name, (0, 0))
        if min(with_, without) < minimum.MIN_CAMPAIGNS_PER_SIDE:
            return f"posts of {with_} campaign(s) show it and of {without} do not"
        return None

    def problem(self, name: str) -> str | None:
        """Why the rate ratio of ``name`` is not a finding (too little data, or an interval
        that is degenerate or absurd), or None when it is one."""
        if name not in self.names and self.n_clusters > len(self.names):
            return (f"no post shows it, every post has the same label, or the posts cannot separate it from "
                    f"{', '.join(NUISANCE)} or followers")
        short = self.shortfall(name)
        if short:
            return f"{short}; it needs {minimum.NEEDS['rate_ratio']}"
        ci = self.raw_irr(name)
        return minimum.interval_problem(ci["estimate"], ci["ci_low"], ci["ci_high"], ratio=True)

    def irr(self, name: str) -> dict[str, Any]:
        """The term's rate ratio with its 95% interval when it is a finding, else nulls and
        ``not_estimable`` (:meth:`problem`)."""
        why = self.problem(name)
        if why:
            return minimum.not_estimable(("estimate", "ci_low", "ci_high"), why)
        return self.raw_irr(name)

    def table(self) -> pd.DataFrame:
        se = self.se()
        return pd.DataFrame({"term": self.names, "log_irr": self.params, "se": se, "irr": np.exp(self.params),
                             "ci_low": np.exp(self.params - Z95 * se), "ci_high": np.exp(self.params + Z95 * se)})


def cluster_sandwich(X: np.ndarray, scores: np.ndarray, bread: np.ndarray, clusters: np.ndarray) -> np.ndarray:
    """Cluster-robust (sandwich) covariance of the coefficients::

        V = G / (G - 1) * H^-1 (sum_g s_g s_g') H^-1

    with ``H`` the Hessian of the negative log-likelihood (``bread``), ``s_g`` the sum of
    the score rows of cluster g and G the number of clusters. Only the cluster-count
    factor G/(G-1) is applied, as Stata does for maximum-likelihood estimators, so a fit on
    cells and the same fit on rows give the same covariance."""
    codes, uniq = pd.factorize(clusters)
    S = np.zeros((len(uniq), X.shape[1]))
    np.add.at(S, codes, scores)
    G = len(uniq)
    inv = np.linalg.inv(bread)
    meat = S.T @ S
    return inv @ meat @ inv * (G / (G - 1) if G > 1 else 1.0)


def cluster_jackknife(X: np.ndarray, score_weight: np.ndarray, hessian_weight: np.ndarray,
                      clusters: np.ndarray) -> np.ndarray:
    """Cluster-robust covariance in its jackknife form (CV3, MacKinnon, Nielsen and Webb 2023)::

        V = (G - 1) / G * sum_g d_g d_g',     d_g = (H - H_g)^-1 s_g

    where ``H = X' diag(hessian_weight) X`` is the information of all the data, ``H_g`` that
    of cluster g alone, and ``s_g = X_g' score_weight_g`` its score: ``d_g`` is the one-step
    change in the coefficients when cluster g is left out. Unlike the plain sandwich
    (:func:`cluster_sandwich`), it does not shrink when a few clusters carry a coefficient
    (the coverage test found the plain form covering 87-89% on 2,500-post samples). Works on
    cells nested in clusters exactly as on rows."""
    codes, uniq = pd.factorize(clusters)
    G, K = len(uniq), X.shape[1]
    Xw = X * hessian_weight[:, None]
    H = Xw.T @ X
    S = np.zeros((G, K))
    np.add.at(S, codes, X * score_weight[:, None])
    order = np.argsort(codes, kind="stable")
    ends = np.cumsum(np.bincount(codes, minlength=G))
    acc = np.zeros((K, K))
    start = 0
    for g in range(G):
        rows = order[start:ends[g]]
        start = ends[g]
        rest = H - Xw[rows].T @ X[rows]
        try:
            d = np.linalg.solve(rest, S[g])
        except np.linalg.LinAlgError:  # the cluster alone carries a coefficient: least squares
            d = np.linalg.lstsq(rest, S[g], rcond=None)[0]
        acc += np.outer(d, d)
    return acc * ((G - 1) / G if G > 1 else 1.0)


def term_support(design: Design) -> dict[str, tuple[int, int]]:
    """Per column of the design: how many clusters (campaigns) have a cell or row where it is
    nonzero, and how many have one where it is zero, the two sides of its contrast."""
    codes = pd.factorize(design.clusters)[0]
    out = {}
    for j, name in enumerate(design.names):
        on = design.X[:, j] != 0
        out[name] = (len(np.unique(codes[on])), len(np.unique(codes[~on])))
    return out


def fit_poisson(design: Design, max_iter: int = 100, tol: float = 1e-12) -> Fit:
    """Poisson (quasi-)maximum likelihood on cells or rows, by Newton's method::

        E[y_i] = mu_i = exposure_i * exp(x_i' b)        (log impressions as offset)

    A cell's ``y`` and ``exposure`` are its posts' summed engagements and impressions; for
    categorical covariates the cell likelihood equals the post-level one, so ``b`` is the
    post-level estimate. ``exp(b_j)`` is the incidence-rate ratio of term j. The covariance
    is :func:`cluster_jackknife` by campaign, valid when counts are overdispersed
    (quasi-likelihood). Also Pearson's dispersion ``sum((y - mu)^2 / mu) / (posts - k)``
    from the cells' ``y2_over_exposure``, exactly as if computed on posts."""
    X, y, e = design.X, design.y, design.exposure
    rate = y.sum() / e.sum()
    beta = np.zeros(X.shape[1])
    beta[0] = math.log(rate) if rate > 0 else -20.0
    for _ in range(max_iter):
        eta = X @ beta
        with np.errstate(over="ignore", invalid="ignore"):
            mu = e * np.exp(eta)
            grad = X.T @ (y - mu)
            H = (X * mu[:, None]).T @ X
        if not (np.all(np.isfinite(grad)) and np.all(np.isfinite(H))):
            raise EngagementError("The Poisson fit diverged (a rate ratio heading to zero or infinity): some "
                                  "imagery, label or covariate level has no engagements or too few posts.")
        try:
            step = np.linalg.solve(H, grad)
        except np.linalg.LinAlgError as err:
            raise EngagementError(f"The Poisson fit is singular ({err}): the posts cannot separate the model's "
                                  "terms.") from err
        beta = beta + step
        if not np.all(np.isfinite(beta)) or np.max(np.abs(beta)) > 700:
            raise EngagementError("The Poisson fit diverged (a rate ratio heading to zero or infinity): some "
                                  "imagery, label or covariate level has no engagements or too few posts.")
        if np.max(np.abs(step)) < tol * (1 + np.max(np.abs(beta))):
            break
    else:
        raise EngagementError("The Poisson fit did not converge; check for extreme counts or impressions.")
    mu = e * np.exp(X @ beta)
    H = (X * mu[:, None]).T @ X
    cov = cluster_jackknife(X, y - mu, mu, design.clusters)
    n_posts = int(design.posts.sum())
    pearson = None
    if design.y2_over_exposure is not None:
        r = np.exp(X @ beta)  # rate per impression, the same for every post of a cell
        chi2 = float(np.sum(design.y2_over_exposure / r - 2 * y + r * e))
        pearson = chi2 / max(n_posts - X.shape[1], 1)
    loglik = float(np.sum(y * np.log(np.where(mu > 0, mu, 1.0)) - mu))  # up to a constant
    return Fit("poisson", list(design.names), beta, cov, n_posts, len(y), len(np.unique(design.clusters)),
               loglik=loglik, pearson_dispersion=pearson, messages=list(design.messages),
               support=term_support(design))


def nb2_derivatives(X: np.ndarray, y: np.ndarray, exposure: np.ndarray, theta: np.ndarray
                    ) -> tuple[float, np.ndarray, np.ndarray]:
    """NB2's log-likelihood, its gradient and its analytic Hessian in ``theta = (b, alpha)``
    (``mu = exposure exp(X b)``, ``r = 1/alpha``), each sum over posts one matrix product::

        l          = sum lgamma(y + r) - lgamma(r) - lgamma(y + 1) + r ln(r/(r + mu)) + y ln(mu/(r + mu))
        dl/db      = X' (y - mu)/(1 + alpha mu)
        dl/da      = -sum (psi(y + r) - psi(r) + ln(r/(r + mu)) + (mu - y)/(r + mu)) / alpha^2
        d2l/db db' = -X' diag(mu (1 + alpha y)/(1 + alpha mu)^2) X
        d2l/db da  = -X' (mu (y - mu)/(1 + alpha mu)^2)
        d2l/da2    = sum -2 (dl/da)_i / alpha + (psi'(y + r) - psi'(r) + alpha - 1/(r + mu)
                     + (y - mu)/(r + mu)^2) / alpha^4

    Parameters
    ----------
    X, y, exposure
        The design's rows, counts and impressions (one row per post).
    theta
        The coefficients followed by ``alpha`` (> 0).

    Returns
    -------
    tuple
        (log-likelihood, gradient of length k + 1, Hessian k + 1 by k + 1).
    """
    from scipy.special import digamma, polygamma

    k = X.shape[1]
    a = float(theta[k])
    r = 1.0 / a
    ll, mu, log_p = _nb2_loglik(X, y, exposure, theta)
    d_alpha = -(digamma(y + r) - digamma(r) + log_p + (mu - y) / (r + mu)) / a**2  # per post
    grad = np.append(X.T @ ((y - mu) / (1 + a * mu)), d_alpha.sum())
    hess = np.empty((k + 1, k + 1))
    hess[:k, :k] = -(X * (mu * (1 + a * y) / (1 + a * mu) ** 2)[:, None]).T @ X
    hess[:k, k] = hess[k, :k] = -X.T @ (mu * (y - mu) / (1 + a * mu) ** 2)
    hess[k, k] = float(np.sum(-2 * d_alpha / a + (polygamma(1, y + r) - polygamma(1, r) + a - 1 / (r + mu)
                                                  + (y - mu) / (r + mu) ** 2) / a**4))
    return ll, grad, hess


def _nb2_loglik(X: np.ndarray, y: np.ndarray, exposure: np.ndarray, theta: np.ndarray
                ) -> tuple[float, np.ndarray, np.ndarray]:
    """NB2's log-likelihood at ``theta`` (:func:`nb2_derivatives`' ``l``), with the means and
    ``ln(r/(r + mu))`` the derivatives reuse."""
    from scipy.special import gammaln

    k = X.shape[1]
    r = 1.0 / float(theta[k])
    mu = exposure * np.exp(X @ theta[:k])
    log_p = np.log(r / (r + mu))
    ll = float(np.sum(gammaln(y + r) - gammaln(r) - gammaln(y + 1) + r * log_p + y * np.log(mu / (r + mu))))
    return ll, mu, log_p


#: Below this alpha the counts show no overdispersion the negative binomial could estimate.
ALPHA_FLOOR = 1e-8


def _not_concave(alpha: float, toward_zero: bool) -> EngagementError:
    """Why Newton stopped where NB2's likelihood is not concave."""
    if toward_zero:
        return EngagementError("alpha heads to 0 (the counts vary no more than a Poisson's, and Newton's steps "
                               "would go downhill), so the Poisson fit is the model")
    return EngagementError(f"its likelihood is not concave where Newton's steps are (alpha {alpha:.3g}), so the "
                           "Poisson fit leads")


def _newton_nb2(X: np.ndarray, y: np.ndarray, exposure: np.ndarray, start: np.ndarray, maxiter: int = 100,
                tol: float = 1e-8) -> tuple[np.ndarray, float, np.ndarray]:
    """Newton-Raphson on NB2's mean log-likelihood from ``start`` (coefficients and alpha), the
    steps of statsmodels' ``method="newton"``: a ridge of 1e-10 on the mean Hessian, done when
    no parameter moves by more than ``tol``; a step that would make alpha negative or lower
    the likelihood is halved. A Hessian that is not negative definite, or alpha below
    :data:`ALPHA_FLOOR`, stops with :class:`EngagementError` (no overdispersion to estimate).
    Returns (theta, log-likelihood, Hessian at theta)."""
    n, theta = len(y), np.asarray(start, dtype=float).copy()
    ridge = 1e-10 * np.eye(len(theta))
    for _ in range(maxiter):
        ll, grad, hess = nb2_derivatives(X, y, exposure, theta)
        if not (np.all(np.isfinite(grad)) and np.all(np.isfinite(hess))):
            raise EngagementError("The negative binomial diverged: some imagery, label or covariate level has "
                                  "no engagements or too few posts.")
        # where the likelihood is not concave Newton steps go downhill: with counts that vary no more
        # than a Poisson's, alpha's profile falls from 0 and the steps raise alpha without end
        # (statsmodels returns NaN there and calls it converged)
        if np.linalg.eigvalsh(hess).max() >= 0:
            raise _not_concave(float(theta[-1]), bool(grad[-1] < 0))
        step = np.linalg.solve(-hess / n + ridge, grad / n)
        for _halving in range(60):  # no step may make alpha negative or lower the likelihood beyond rounding
            if theta[-1] + step[-1] > 0 and _nb2_loglik(X, y, exposure, theta + step)[0] >= ll - 1e-9 * abs(ll):
                break
            step = step / 2
        else:
            raise _not_concave(float(theta[-1]), bool(grad[-1] < 0))
        new = theta + step
        done = bool(np.max(np.abs(new - theta)) <= tol)
        theta = new
        if theta[-1] < ALPHA_FLOOR:
            raise _not_concave(float(theta[-1]), True)
        if done:
            break
    else:
        raise EngagementError(f"The negative binomial did not converge in {maxiter} Newton steps.")
    ll, _, hess = nb2_derivatives(X, y, exposure, theta)
    return theta, ll, hess


def _alpha_cluster_se(hessian: np.ndarray, params: np.ndarray, design: Design, mu: np.ndarray) -> float:
    """Campaign-clustered standard error of NB2's ``alpha``: ``H^-1 (sum_g s_g s_g') H^-1``
    times ``G/(G-1) (N-1)/(N-K)``, with the per-post score
    ``d/db = x (y - mu)/(1 + alpha mu)`` and
    ``d/dalpha = -(psi(y + 1/alpha) - psi(1/alpha) + ln(r/(r + mu)) + (mu - y)/(r + mu)) / alpha^2``
    (``r = 1/alpha``) and the analytic Hessian ``hessian`` (:func:`nb2_derivatives`)."""
    from scipy.special import digamma

    k = design.X.shape[1]
    a, y = float(params[k]), design.y
    r = 1.0 / a
    score = np.column_stack([design.X * ((y - mu) / (1 + a * mu))[:, None],
                             -(digamma(y + r) - digamma(r) + np.log(r / (r + mu)) + (mu - y) / (r + mu)) / a**2])
    groups = pd.factorize(design.clusters)[0]
    g = int(groups.max()) + 1
    per_group = np.zeros((g, score.shape[1]))
    np.add.at(per_group, groups, score)
    h_inv = np.linalg.inv(hessian)
    n, n_params = len(y), k + 1
    cov = h_inv @ (per_group.T @ per_group) @ h_inv * (g / (g - 1)) * ((n - 1) / (n - n_params))
    return float(math.sqrt(cov[k, k]))


def fit_negbin(design: Design, start: np.ndarray | None = None) -> Fit:
    """Negative binomial (NB2) maximum likelihood on post rows::

        E[y_i] = mu_i = exposure_i * exp(x_i' b),    Var[y_i] = mu_i + alpha * mu_i^2

    with ``alpha`` estimated jointly by Newton-Raphson on the analytic derivatives
    (:func:`nb2_derivatives`). statsmodels' ``NegativeBinomial(loglike_method="nb2")`` with
    ``method="newton"`` takes the same steps and is the reference the tests compare with; it
    builds its Hessian one pair of columns at a time, most of a fit's time on 50,000 posts.
    ``start`` gives the coefficients (the Poisson's; without it the Poisson is fitted on the
    rows first); alpha starts at its moment estimate given them. The coefficients'
    covariance is :func:`cluster_jackknife` by campaign, from their score and information
    given alpha, the same form as the Poisson fit's. The interval for ``alpha`` is a Wald
    interval on ``log alpha`` (its campaign-clustered standard error by the delta method), so
    it stays above 0: the sandwich of statsmodels' ``cov_type="cluster"`` (small-sample
    correction included), from the analytic NB2 score where statsmodels differentiates
    numerically."""
    if not np.all(design.posts == 1):
        raise EngagementError("The negative binomial needs post-level rows, not cells.")
    if len(design.y) <= design.X.shape[1] + 1:
        raise EngagementError(f"The negative binomial needs more posts than its {design.X.shape[1] + 1} parameters; "
                              f"there are {len(design.y)}.")
    if len(np.unique(design.clusters)) < 2:
        raise EngagementError("The negative binomial's campaign-clustered errors need posts of at least 2 campaigns.")
    if start is None:
        start = fit_poisson(design).params
    mu0 = design.exposure * np.exp(design.X @ start)  # alpha's moment estimate given the start's means
    first = np.append(start, max(float(np.sum((design.y - mu0) ** 2 - design.y) / np.sum(mu0**2)), 0.01))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        params, loglik, hessian = _newton_nb2(design.X, design.y, design.exposure, first)
    k = design.X.shape[1]
    alpha = float(params[k])
    mu = design.exposure * np.exp(design.X @ params[:k])
    a_se = _alpha_cluster_se(hessian, params, design, mu)
    # the coefficients' score and information given alpha: x (y - mu) / (1 + alpha mu), x x' mu / (1 + alpha mu)
    cov = cluster_jackknife(design.X, (design.y - mu) / (1 + alpha * mu), mu / (1 + alpha * mu), design.clusters)
    return Fit("negative binomial", list(design.names), params[:k], cov, len(design.y), len(design.y),
               len(np.unique(design.clusters)), loglik=loglik, alpha=alpha,
               alpha_ci=(alpha * math.exp(-Z95 * a_se / alpha), alpha * math.exp(Z95 * a_se / alpha)) if alpha > 0
               else (None, None), messages=list(design.messages), support=term_support(design))
