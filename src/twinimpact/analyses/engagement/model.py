"""Engagement of twin, synthetic and human imagery, and what the AI label costs.

The count model (:mod:`twinimpact.analyses.stats.count_model`) gives incidence-rate ratios (IRR):
engagements per impression relative to unlabelled human imagery, other covariates held
fixed. This module adds the power of the label comparison, raw rates against published
benchmarks, the before/after-adoption study (:mod:`twinimpact.analyses.stats.event_study`), and the one
call a notebook makes, :func:`analyse`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import ibis
import numpy as np
import pandas as pd

from twinimpact import minimum
from twinimpact.words import statements
from twinimpact.contract.spec import AI_IMAGERY
from twinimpact.analyses.stats.count_model import (AFTER_ADOPTION, Z95, EngagementError, Fit, Timeline, _outcome,
                                                   aggregate_cells, build_design, fit_negbin, fit_poisson,
                                                   label_bin_terms, label_starts, orders_cells, sample_rows)
from twinimpact.analyses.stats import count_model
from twinimpact.analyses.engagement import value as engagement_value
from twinimpact.analyses.engagement import experiments
from twinimpact.analyses.stats import staggered
from twinimpact.analyses.engagement import test_plan
from twinimpact.analyses.stats.event_study import adoption_dates, event_study
from twinimpact.results import EngagementBlock
from twinimpact.sources import shared
from twinimpact.analyses.stats.probability import chi2_sf, normal_ppf

if TYPE_CHECKING:
    from twinimpact.sources.data import Dataset
    from twinimpact.params import Params

#: Params fields the engagement analysis reads (beyond scope).
PARAMETERS = ("seed", "outcome", "nb_max_rows", "follower_bin_width", "test_effect", "test_power", "label_time_bins")
#: Which fit leads the engagement figures, and why (also written into results.json).
HEADLINE_RULE = ("the negative binomial leads whenever it can be fitted (on every post up to nb_max_rows, on a "
                 "seeded sample of that many posts beyond) and none of its rate ratios has an interval beyond 0.01 to "
                 "100, the Poisson on covariate cells otherwise; both estimate "
                 "the same rate ratios with campaign-clustered 95% intervals and both are reported; a statement "
                 "names the other fit when it points another way")
HEADLINE_FITS = {"negative binomial": "negative binomial on posts, campaign-clustered 95% intervals",
                 "poisson": "poisson on covariate cells, log-impressions offset, campaign-clustered 95% intervals"}
#: The label effect the power calculation asks about: a 10% drop in engagements per
#: impression, within the range published experiments report for disclosed AI imagery.
LABEL_EFFECT_OF_INTEREST = 0.9


# --- the fits -------------------------------------------------------------------------------
#: The terms whose rate ratios results.json reports.
TERMS = ("imagery[twin]", "imagery[synthetic]", "ai_label")


def _absurd(fit: Fit, term: str) -> bool:
    """Whether the fit has the term, enough data for it, and an interval beyond the bounds."""
    if term not in fit.names or fit.shortfall(term):
        return False
    ci = fit.raw_irr(term)
    return ci["estimate"] is None or minimum.interval_problem(ci["estimate"], ci["ci_low"], ci["ci_high"],
                                                              ratio=True) is not None


@dataclass
class Fits:
    """Both fits of one outcome and which one leads (:data:`HEADLINE_RULE`)."""

    poisson: Fit
    negbin: Fit | None
    nb_rows: int
    population: int
    messages: list[str]
    by_time: dict[str, Fit] = field(default_factory=dict)  # the same fits with the label split by time bin
    timeline: Timeline | None = None  # the days the by-time fits split the posts at

    @property
    def lead_by_time(self) -> Fit | None:
        """The lead fit's kind with the label split by time (the Poisson's when only it was made)."""
        return self.by_time.get("negbin" if self.lead is self.negbin else "poisson") or self.by_time.get("poisson")

    @property
    def lead(self) -> Fit:
        """The negative binomial whenever it was fitted and none of its rate ratios has an
        absurd interval (:data:`twinimpact.minimum.RATIO_BOUNDS`), else the Poisson: one rule
        that does not depend on how many posts there are."""
        if self.negbin is None or any(_absurd(self.negbin, t) for t in TERMS):
            return self.poisson
        return self.negbin

    @property
    def check(self) -> Fit | None:
        """The other fit (None when only the Poisson was fitted)."""
        if self.negbin is None:
            return None
        return self.poisson if self.lead is self.negbin else self.negbin


def fitted(dataset: "Dataset", params: "Params", outcome: str) -> tuple[pd.DataFrame, Fits]:
    """The covariate cells of the posts and both fits of ``outcome`` per impression, computed
    once per run whichever notebook asks first (:func:`twinimpact.sources.shared.once`: the
    engagement and scenario notebooks both need the engagement fit).

    Parameters
    ----------
    dataset, params
        The run's data and parameters (``follower_bin_width``, ``nb_max_rows``, ``seed``).
    outcome
        The count modelled.

    Returns
    -------
    tuple
        (cells, :class:`Fits`); raises :class:`EngagementError` when the fits cannot be made.
    """

    def compute() -> tuple[pd.DataFrame, Fits]:
        posts = dataset.table("posts")
        line = timeline(dataset, params)
        cells = aggregate_cells(posts, outcome, params.follower_bin_width, line)
        try:
            return cells, fit_models(posts, cells, outcome, params, line)
        except EngagementError as err:
            err.cells = cells  # type: ignore[attr-defined]  # what analyse shows without a fit
            raise

    parts = {"posts": dataset.fingerprints.get("posts"), "brands": sorted(dataset.brands), "outcome": outcome,
             "width": params.follower_bin_width, "nb_max_rows": params.nb_max_rows, "seed": params.seed,
             "campaigns": dataset.fingerprints.get("campaigns"), "label_bins": list(params.label_time_bins)}
    dataset.reads.add("posts")
    return shared.once(f"engagement-{outcome}", parts, compute)


def timeline(dataset: "Dataset", params: "Params") -> Timeline:
    """The days that split each brand's posts: its adoption of twins (its first twin or
    hybrid campaign, as the before/after study defines it) and its first labelled post, with
    the label's time bins of the parameters.

    Parameters
    ----------
    dataset, params
        The run's data (``campaigns``, and ``posts`` in the engine) and parameters
        (``label_time_bins``).

    Returns
    -------
    Timeline
    """
    adoption = adoption_dates(dataset["campaigns"])
    starts = label_starts(dataset.table("posts"))
    return Timeline(tuple(sorted((b, pd.Timestamp(d).tz_localize("UTC").isoformat() if pd.Timestamp(d).tzinfo is None
                                  else pd.Timestamp(d).isoformat()) for b, d in adoption.items())),
                    tuple(sorted((b, t.isoformat()) for b, t in starts.items())), tuple(params.label_time_bins))


def fit_models(posts: Any, cells: pd.DataFrame, outcome: str, params: "Params",
               line: Timeline | None = None) -> Fits:
    """The Poisson on covariate cells and the negative binomial on posts (all of them up to
    ``nb_max_rows``, a seeded sample of that many beyond) of ``outcome`` per impression.

    Parameters
    ----------
    posts
        The posts (an ibis table with the outcome's column).
    cells
        :func:`~twinimpact.analyses.stats.count_model.aggregate_cells` of the same posts and outcome.
    outcome
        The count modelled (``engagements``, one of its parts, or ``orders``).
    params
        The run's parameters (``nb_max_rows``, ``seed``, ``follower_bin_width``).

    Returns
    -------
    Fits
        Both fits, the rows the negative binomial saw and the posts there are.
    """
    design = build_design(cells)
    pois = fit_poisson(design)
    nb, nb_rows, population = None, 0, int(cells["posts"].sum())
    messages = list(design.messages)
    bins = line.bin_names() if line is not None and line.label_start else None
    by_time: dict[str, Fit] = {}
    if bins:
        try:
            by_time["poisson"] = fit_poisson(build_design(cells, label_bins=bins))
        except (EngagementError, np.linalg.LinAlgError, ValueError, ZeroDivisionError) as err:
            messages.append(f"The label's effect by time could not be fitted: {err}")
    if params.nb_max_rows > 0:
        rows = sample_rows(posts, params.nb_max_rows, params.seed, outcome, params.follower_bin_width, population,
                           line)
        nb_rows = len(rows)
        try:
            rdesign = build_design(rows)
            start = np.array([pois.params[pois.names.index(n)] if n in pois.names else 0.0 for n in rdesign.names])
            nb = fit_negbin(rdesign, start)
            if bins:
                tdesign = build_design(rows, label_bins=bins)
                base = by_time.get("poisson", pois)
                tstart = np.array([base.params[base.names.index(n)] if n in base.names else 0.0
                                   for n in tdesign.names])
                by_time["negbin"] = fit_negbin(tdesign, tstart)
        except (EngagementError, np.linalg.LinAlgError, ValueError, ZeroDivisionError) as err:
            messages.append(f"The negative binomial could not be fitted: {err}")
    return Fits(pois, nb, nb_rows, population, messages, by_time, line)


def label_by_time(fit: Fit | None, cells: pd.DataFrame, line: Timeline) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The label's rate ratio in each bin of months since the brand's first labelled post,
    with the labelled posts of each bin, and the Wald test that the ratios are equal: with
    ``b`` the bins' log rate ratios and ``V`` their cluster-robust (CV3) covariance,
    ``W = (R b)' (R V R')^-1 (R b)`` for ``R`` the successive differences, chi-squared with
    bins - 1 degrees of freedom.

    Parameters
    ----------
    fit
        The fit with the label split by bin (None when it could not be made).
    cells
        The covariate cells (``ai_label``, ``lbin``, ``posts``).
    line
        The timeline (its bins).

    Returns
    -------
    tuple
        (results.json's ``irr_ai_label_by_time`` rows, ``label_constancy``: ``statistic``,
        ``df``, ``p_value``, or nulls with ``not_estimable``).
    """
    names = line.bin_names()
    edges = (0, *line.label_bins)
    labelled = cells[cells["ai_label"]] if "lbin" in cells else cells.iloc[:0]
    rows = []
    for k, (name, term) in enumerate(zip(names, label_bin_terms(names))):
        posts = int(labelled.loc[labelled["lbin"].clip(lower=0) == k, "posts"].sum()) if len(labelled) else 0
        irr = fit.irr(term) if fit is not None else minimum.not_estimable(
            ("estimate", "ci_low", "ci_high"), "the label's effect by time could not be fitted")
        rows.append({"period": f"{name} months", "months_from": edges[k],
                     "months_to": edges[k + 1] if k + 1 < len(edges) else None, **irr, "posts": posts})
    usable = [term for term, r in zip(label_bin_terms(names), rows) if r.get("estimate") is not None]
    if fit is None or len(usable) < 2:
        return rows, {"statistic": None, "df": None, "p_value": None,
                      "not_estimable": "fewer than two time bins have an estimable label effect"}
    idx = [fit.names.index(t) for t in usable]
    b, V = fit.params[idx], fit.cov[np.ix_(idx, idx)]
    R = np.zeros((len(idx) - 1, len(idx)))
    for i in range(len(idx) - 1):
        R[i, i], R[i, i + 1] = 1.0, -1.0
    d = R @ b
    stat = float(d @ np.linalg.solve(R @ V @ R.T, d))
    df = len(idx) - 1
    return rows, {"statistic": stat, "df": df, "p_value": float(chi2_sf(stat, df))}


def contrast_rate_ratio(fit: Fit, imagery: str, labelled: bool) -> dict[str, float | None]:
    """The fit's rate ratio of posts showing ``imagery`` (with the AI label when
    ``labelled``) against unlabelled human imagery: ``exp(b_imagery + b_label)``, its 95%
    interval from the two coefficients' covariance.

    Parameters
    ----------
    fit
        A count-model fit.
    imagery
        ``twin`` or ``synthetic``.
    labelled
        Whether the posts carry the label.

    Returns
    -------
    dict
        ``estimate``, ``ci_low``, ``ci_high`` (nulls when the fit cannot estimate a term).
    """
    names = [f"imagery[{imagery}]", *(["ai_label"] if labelled else [])]
    if not all(n in fit.names for n in names):
        return {"estimate": None, "ci_low": None, "ci_high": None}
    short = [n for n in names if fit.shortfall(n)]
    if short:  # too little data for a term: its reason, with what it needs
        return minimum.not_estimable(("estimate", "ci_low", "ci_high"), fit.problem(short[0]))
    idx = [fit.names.index(n) for n in names]
    m = float(fit.params[idx].sum())
    se = math.sqrt(max(float(fit.cov[np.ix_(idx, idx)].sum()), 0.0))
    ci = {"estimate": math.exp(m), "ci_low": math.exp(m - Z95 * se), "ci_high": math.exp(m + Z95 * se)}
    return minimum.checked_interval(ci, ratio=True)


def tested_against_observed(tests: dict[str, dict[str, Any]], fit: Fit) -> dict[str, Any] | None:
    """The randomised test the decision rests on (AI imagery as published against
    photographed people), beside the observational estimate of the same contrast from
    ``fit``, combined where they agree (:func:`twinimpact.analyses.engagement.experiments.combine`).

    Parameters
    ----------
    tests
        :func:`twinimpact.analyses.engagement.experiments.read_all`.
    fit
        The lead engagement fit.

    Returns
    -------
    dict or None
        results.json's ``engagement.tested``; None without such a test.
    """
    found = experiments.decision_test(tests)
    if found is None:
        return None
    key, reading = found
    imagery, label = reading["arms"]["treatment"]["shows"].split(", ")
    labelled = label == "labelled"
    observed = contrast_rate_ratio(fit, imagery, labelled)
    shows = f"{imagery} imagery {'with' if labelled else 'without'} the AI label"
    return {"experiment_id": key, "shows": shows, "imagery": imagery, "labelled": labelled,
            "se_log": reading["se_log"], **experiments.combine(observed, reading)}


def fit_words(fit: Fit, nb_rows: int, population: int) -> str:
    """What the fit is, in words, naming a seeded sample when the negative binomial saw one."""
    if fit.method == "negative binomial" and nb_rows < population:
        return (f"negative binomial on a seeded sample of {nb_rows:,} of {population:,} posts, campaign-clustered "
                "95% intervals")
    return HEADLINE_FITS[fit.method]


def lead_fit(dataset: "Dataset", params: "Params") -> Fit:
    """The lead fit of engagements per impression (:data:`HEADLINE_RULE`), the one the
    valuation of engagement uses.

    Parameters
    ----------
    dataset, params
        The run's data and parameters.

    Returns
    -------
    Fit
        The negative binomial, or the Poisson when it cannot be fitted.
    """
    return fitted(dataset, params, "engagements")[1].lead


def todays_label_fit(dataset: "Dataset", params: "Params") -> tuple[Fit, str]:
    """The fit and label term that give today's effect of the label for the years ahead: the
    lead fit's kind with the label split by time, and its last bin (months since a brand's
    first labelled post, open-ended), where that bin's effect is estimable; else the lead fit
    and its one label term.

    Parameters
    ----------
    dataset, params
        The run's data and parameters.

    Returns
    -------
    tuple
        (the fit, the label term's name in it).
    """
    fits = fitted(dataset, params, "engagements")[1]
    lead, timed = fits.lead, fits.lead_by_time
    if timed is not None:
        last = next((n for n in reversed(timed.names) if n.startswith("ai_label[")), None)
        if last is not None and not timed.problem(last) and not timed.problem("imagery[twin]"):
            return timed, last
    return lead, "ai_label"


def orders_rate_ratios(dataset: "Dataset", params: "Params") -> dict[str, Any] | None:
    """The imagery and label rate ratios of orders per impression, from the posts that carry
    an outcome (``post_outcomes``), fitted as the engagement ones are; None without the table.

    Parameters
    ----------
    dataset, params
        The run's data and parameters.

    Returns
    -------
    dict or None
        results.json's ``engagement.orders``: the three rate ratios of the lead fit, both
        fits, the posts, or ``not_available`` with the reason.
    """
    if not dataset.has("post_outcomes"):
        return None
    posts, outcomes = dataset.table("posts"), dataset.table("post_outcomes")
    # the negative binomial's sample: its seeded filter on the post id reaches both tables
    joined = count_model.join_outcomes(posts, outcomes, count_model.MODEL_COLUMNS, ["orders"])
    try:
        cells = orders_cells(engagement_value.outcome_cells(dataset, params.follower_bin_width),
                             params.follower_bin_width)
        fits = fit_models(joined, cells, "orders", params)
    except EngagementError as err:
        return {"not_available": str(err)}
    return {**headline(fits.lead), "posts": fits.population,
            "headline_fit": fit_words(fits.lead, fits.nb_rows, fits.population),
            "poisson": headline(fits.poisson), "negbin": {**headline(fits.negbin), "rows": fits.nb_rows}
            if fits.negbin else None}


# --- headline, power, rates ----------------------------------------------------------------
def headline(fit: Fit) -> dict[str, dict[str, float | None]]:
    """The three rate ratios results.json promises, each ``{estimate, ci_low, ci_high}``."""
    return {"irr_twin_vs_human": fit.irr("imagery[twin]"), "irr_synthetic_vs_human": fit.irr("imagery[synthetic]"),
            "irr_ai_label": fit.irr("ai_label")}


def power(fit: Fit, labelled_posts: int, effect: float = LABEL_EFFECT_OF_INTEREST,
          power_level: float = 0.8) -> dict[str, Any]:
    """Approximate minimum detectable label effect, and the labelled posts needed to detect
    a label rate ratio of ``effect``.

    With ``se`` the fitted (clustered) standard error of the log label effect, a two-sided
    5% test has power ``power_level`` against effects beyond
    ``mde = (z_0.975 + z_power) * se`` on the log scale, reported as the rate ratios
    ``exp(-mde)`` (a drop) and ``exp(mde)`` (a rise). Assuming ``se`` shrinks like
    ``1 / sqrt(labelled posts)``, detecting ``|log effect|`` needs
    ``labelled_posts * (mde / |log effect|)^2`` labelled posts. Approximate: it ignores the
    design effect of clustering on new posts and what unlabelled AI posts contribute.
    """
    if "ai_label" not in fit.names:
        return {"mde_irr_drop": None, "mde_irr_rise": None, "labelled_posts": labelled_posts,
                "posts_needed_for": effect, "labelled_posts_needed": None}
    se = float(fit.se()[fit.names.index("ai_label")])
    if fit.problem("ai_label") or not math.isfinite(se) or se <= 0:
        return {"mde_irr_drop": None, "mde_irr_rise": None, "labelled_posts": labelled_posts,
                "posts_needed_for": effect, "labelled_posts_needed": None,
                "not_estimable": fit.problem("ai_label") or "the label effect's standard error is not finite"}
    mde = (Z95 + _z(power_level)) * se
    needed = labelled_posts * (mde / abs(math.log(effect))) ** 2 if labelled_posts else None
    return {"se_log_irr": se, "mde_irr_drop": math.exp(-mde), "mde_irr_rise": math.exp(mde),
            "labelled_posts": labelled_posts, "posts_needed_for": effect,
            "labelled_posts_needed": math.ceil(needed) if needed is not None else None}


def _z(p: float) -> float:

    return float(normal_ppf(p))


def rates(cells: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Pooled engagements per impression by ``by`` (from cells: exact sums).

    Parameters
    ----------
    cells
        Covariate cells (:func:`twinimpact.analyses.stats.count_model.aggregate_cells`): ``posts``,
        engagements ``y`` and impressions ``exposure`` per cell.
    by
        Cell columns to pool by (e.g. ``["platform"]``).

    Returns
    -------
    DataFrame
        The ``by`` columns, ``posts``, ``engagements``, ``impressions`` and ``per_impression``.
    """
    g = cells.groupby(by, observed=True).agg(posts=("posts", "sum"), engagements=("y", "sum"),
                                              impressions=("exposure", "sum")).reset_index()
    g["per_impression"] = g["engagements"] / g["impressions"]
    return g


def per_follower_medians(posts, by: str = "platform", outcome: str = "engagements",
                         exact: bool = True) -> pd.DataFrame:
    """Median per-post engagements per follower by ``by``, computed in the engine, by one
    definition on every engine: the middle value, or the mean of the two middle values. For
    posts held in memory (``exact=True``) the engine's exact median; for posts kept in the
    engine, which an exact median aggregate would hold in memory whole, each group's rows
    are ranked by the value (a sort the engine may spill) and only the one or two middle
    rows come back, never an engine's approximate percentile."""
    t = posts.filter(posts.followers > 0)
    t = t.mutate(r=_outcome(t, outcome).cast("float64") / t.followers)
    if exact:
        out = t.group_by(by).aggregate(median_per_follower=t.r.median(), posts=t.count())
    else:
        counts = t.group_by(by).aggregate(n=t.count())
        ranked = t.select(by, "r", k=ibis.row_number().over(group_by=t[by], order_by=[t.r, t.post_id]) + 1)
        joined = ranked.join(counts, by)
        middle = joined.filter((joined.k == (joined.n + 1) // 2) | (joined.k == (joined.n + 2) // 2))
        out = middle.group_by(by).aggregate(median_per_follower=middle.r.mean(), posts=middle.n.max())
    return out.to_pandas().sort_values(by).reset_index(drop=True)


def benchmark_bands(bench: pd.DataFrame) -> pd.DataFrame:
    """Per-platform benchmark values from data/reference/benchmarks.csv (per impression and
    per follower), with their sources.

    Parameters
    ----------
    bench
        The reference table ``benchmarks`` (value or low/high range, unit, source).

    Returns
    -------
    DataFrame
        One row per platform and kind (per impression, per follower): the band and its source.
    """
    rows = []
    for _, r in bench.iterrows():
        for kind in ("engagement_per_impression_", "engagement_per_follower_"):
            if str(r["metric"]).startswith(kind):
                platform = str(r["metric"]).removeprefix(kind)
                if "_" in platform:
                    continue
                rows.append({"platform": platform, "basis": kind.removeprefix("engagement_").rstrip("_"),
                             "value": r["value"], "source": r["source"], "year": r["year"]})
    return pd.DataFrame(rows, columns=["platform", "basis", "value", "source", "year"])


# --- one call for the notebook ----------------------------------------------------------------
@dataclass
class EngagementAnalysis:
    """What the engagement notebook shows: cells, both fits, power, rates, the event study."""

    cells: pd.DataFrame
    poisson: Fit | None
    negbin: Fit | None
    lead: Fit | None
    nb_rows: int
    nb_population: int
    power: dict[str, Any]
    platform_rates: pd.DataFrame
    follower_medians: pd.DataFrame
    bands: pd.DataFrame
    by_imagery_label: pd.DataFrame
    by_format_imagery: pd.DataFrame
    event: pd.DataFrame
    did: dict[str, Any]
    messages: list[str]
    conclusions: dict[str, dict[str, Any]]
    block: EngagementBlock  # results.json's engagement block
    why_not: str = ""  # set when the posts cannot carry the model: what is missing

    @property
    def available(self) -> bool:
        """False when there is nothing to fit (``why_not`` says why)."""
        return not self.why_not


def unavailable(why: str, cells: pd.DataFrame, bench: pd.DataFrame) -> EngagementAnalysis:
    """The engagement analysis when the posts cannot carry the model: every estimate null,
    every conclusion saying so, nothing shown as a number that was not measured.

    Parameters
    ----------
    why
        The reason nothing can be fitted, in words.
    cells
        The covariate cells there are (possibly none).
    bench
        The reference table ``benchmarks``.

    Returns
    -------
    EngagementAnalysis
        Null estimates, the reason in every conclusion and in ``why_not``.
    """
    empty = {"estimate": None, "ci_low": None, "ci_high": None}
    block = {**{k: dict(empty) for k in ("irr_twin_vs_human", "irr_synthetic_vs_human", "irr_ai_label",
                                         "irr_after_adoption")},
             "irr_ai_label_by_time": [], "label_constancy": {"statistic": None, "df": None, "p_value": None,
                                                             "not_estimable": why},
             "posts": int(cells["posts"].sum()) if len(cells) else 0, "not_available": why}
    conclusions = {f"engagement_{k}": {"direction": None, "statement": f"Engagement was not measured: {why}"}
                   for k in ("twin_vs_human", "synthetic_vs_human", "ai_label", "label_over_time")}
    return EngagementAnalysis(cells, None, None, None, 0, 0, {}, pd.DataFrame(), pd.DataFrame(),
                              benchmark_bands(bench), pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), {}, [why],
                              conclusions, block, why)


def analyse(dataset: "Dataset", params: "Params") -> EngagementAnalysis:
    """Every engagement calculation on the dataset's posts, which stay in the engine: the
    Poisson fit on covariate cells, the negative binomial on (up to ``nb_max_rows``) posts,
    the headline chosen by :data:`HEADLINE_RULE`, power, rates against the reference
    benchmarks and the before/after-adoption study; with the ``engagement`` block of
    results.json and the three engagement conclusions.

    Parameters
    ----------
    dataset
        The run's validated tables; this analysis reads ``posts`` (in the engine) and ``campaigns``,
        and the reference ``benchmarks``.
    params
        The run's parameters: money and scope, and :data:`PARAMETERS`. Units: rate ratios of
        engagements per impression (dimensionless, 1 = no difference) with cluster-robust 95%
        intervals.

    Returns
    -------
    EngagementAnalysis
        The covariate cells, both fits and the lead one, power, platform rates, benchmark bands, the
        before/after-adoption study; ``block`` is results.json's ``engagement``
        (:class:`~twinimpact.results.EngagementBlock`) and ``conclusions`` the three engagement
        entries.
    """
    posts, outcome, width = dataset.table("posts"), params.outcome, params.follower_bin_width
    try:
        cells, fits = fitted(dataset, params, outcome)
    except EngagementError as err:  # no posts with impressions, or a fit that cannot converge
        if getattr(err, "cells", None) is None:
            raise
        return unavailable(str(err), err.cells, dataset.reference["benchmarks"])  # type: ignore[attr-defined]
    pois, nb, nb_rows, population, messages = fits.poisson, fits.negbin, fits.nb_rows, fits.population, fits.messages
    lead, check = fits.lead, fits.check
    labelled = int(cells.loc[cells["ai_label"] & cells["imagery"].isin(list(AI_IMAGERY)), "posts"].sum())
    pw = power(lead, labelled)
    plat = rates(cells, ["platform"])
    event, did, ev_msgs = event_study(cells, adoption_dates(dataset["campaigns"]), seed=params.seed)
    if adoption_dates(dataset["campaigns"]):
        did["staggered"] = staggered.study(cells, dataset["campaigns"], params.seed)
    block = {**headline(lead), "posts": population, "clusters": int(lead.n_clusters),
             "headline_fit": fit_words(lead, nb_rows, population),
             "headline_rule": HEADLINE_RULE, "outcome": outcome,
             "overdispersion": {"pearson_dispersion": pois.pearson_dispersion,
                                "negbin_alpha": nb.alpha if nb else None},
             "poisson": headline(pois), "negbin": {**headline(nb), "rows": nb_rows} if nb else None,
             "did_after_adoption": did, "power": pw, "cells": len(cells),
             "orders": orders_rate_ratios(dataset, params),
             "test_plan": test_plan.plan(dataset, params, nb.alpha if nb else None)}
    check_head = headline(check) if check is not None else {}
    conclusions = {f"engagement_{key.removeprefix('irr_')}": statements.engagement_conclusion(
        f"engagement_{key.removeprefix('irr_')}", value, check_head.get(key), check.method if check else "",
        outcome)
        for key, value in headline(lead).items()}
    conclusions["engagement_before_after"] = statements.before_after_conclusion(did)
    line = fits.timeline or timeline(dataset, params)
    block["irr_ai_label_by_time"], block["label_constancy"] = label_by_time(fits.lead_by_time, cells, line)
    block["irr_after_adoption"] = lead.irr(AFTER_ADOPTION) if AFTER_ADOPTION in lead.names else \
        minimum.not_estimable(("estimate", "ci_low", "ci_high"), next(
            (m for m in messages if "after-adoption term is left out" in m),
            "no brand adopted twins, or every post is from after adoption"))
    conclusions["engagement_label_over_time"] = statements.label_over_time_conclusion(
        block["irr_ai_label_by_time"], block["label_constancy"])
    tests = experiments.read_all(dataset)
    if tests:
        block["experiments"] = tests
        decided = tested_against_observed(tests, lead)
        rejected = experiments.failed_decision_tests(tests)
        if rejected and decided is None:
            block["tested_rejected"] = rejected
            first = sorted(rejected)[0]
            conclusions = {"engagement_tested": statements.failed_test_conclusion(first, rejected[first]),
                           **conclusions}
        if decided is not None:
            block["tested"] = decided
            observed_key = f"engagement_{decided['imagery']}_vs_human"
            if decided.get("agree") is False and (conclusions.get(observed_key) or {}).get("statement"):
                conclusions[observed_key] = statements.contradicted(conclusions[observed_key],
                                                                    decided["experiment_id"])
            conclusions = {"engagement_tested": statements.tested_conclusion(
                decided["experiment_id"], tests[decided["experiment_id"]], decided["shows"], decided), **conclusions}
    return EngagementAnalysis(cells, pois, nb, lead, nb_rows, population, pw, plat,
                              per_follower_medians(posts, outcome=outcome, exact="posts" not in dataset.counts),
                              benchmark_bands(dataset.reference["benchmarks"]), rates(cells, ["imagery", "ai_label"]),
                              rates(cells, ["format", "imagery"]), event, did, messages + ev_msgs, conclusions,
                              block)
