"""Before and after each brand adopted twins: an event study and a pooled
difference-in-differences on the engagement cell model.

The cell model of :mod:`twinimpact.analyses.stats.count_model` without its imagery and label terms (its
platform, format, brand, month and follower adjustments kept), plus one dummy per month
relative to the brand's first twin or hybrid campaign. Estimates are rate ratios of
engagements per impression against month -1. Adoption varies by brand, so with a handful
of brands the data say little about it: read the shape more than the intervals.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from twinimpact.analyses.stats.count_model import (Design, Fit, build_design, cluster_sandwich, fit_poisson, independent_columns,
                                             month_periods)
from twinimpact.analyses.stats import wild
from twinimpact.analyses.stats.staggered import adoption_by
from twinimpact.analyses.stats.probability import chi2_sf
from twinimpact.analyses.stats.probability import normal_sf

#: Below this many brands, inference on adoption uses the wild cluster bootstrap.
FEW_CLUSTERS = 30


def adoption_dates(campaigns: pd.DataFrame) -> dict[str, pd.Timestamp]:
    """Each brand's first twin or hybrid campaign start (brands that never adopt are absent).

    Parameters
    ----------
    campaigns
        The contract's campaigns table.

    Returns
    -------
    dict
        Brand -> the start date of its first twin or hybrid campaign.
    """

    return adoption_by(campaigns, ["brand"])


def event_study(cells: pd.DataFrame, adoption: dict[str, pd.Timestamp], window: tuple[int, int] = (-6, 12),
                 seed: int = 0) -> tuple[pd.DataFrame, dict[str, Any], list[str]]:
    """Engagement per impression around each brand's first twin campaign.

    The cell model without imagery and label terms (its platform, format, brand, month and
    followers adjustments kept), plus one dummy per month relative to the brand's adoption
    (binned at the window's ends; month -1 is the reference). Brands not yet adopting are
    the controls, so months from the last brand's adoption on are left out: already
    adopting brands as controls bias two-way fixed effects when effects grow over time.
    Also the pooled before/after difference-in-differences, inferred at the level adoption
    happens: by brand, with the wild cluster score bootstrap (:func:`wild_score_test`) when
    there are fewer than :data:`FEW_CLUSTERS` brands; and the joint Wald test that the
    months before adoption are all 1 (:func:`pretrend_test`). The monthly intervals are
    clustered by campaign, which is too narrow when treatment varies by brand.

    Parameters
    ----------
    cells
        Covariate cells with ``brand`` and ``month``
        (:func:`twinimpact.analyses.stats.count_model.aggregate_cells`).
    adoption
        :func:`adoption_dates`.
    window
        Months before and after adoption shown (the ends are binned).
    seed
        The run's seed (the wild bootstrap).

    Returns
    -------
    tuple
        (``rel_month``, ``irr``, ``ci_low``, ``ci_high`` by month relative to adoption; the
        before/after study, results.json's ``engagement.did_after_adoption``; messages).
    """
    empty = {"estimate": None, "ci_low": None, "ci_high": None, "pretrend": {}, "inference": {}}
    if not adoption:
        return pd.DataFrame(), empty, ["No brand has a twin or hybrid campaign: there is no adoption to study."]
    messages: list[str] = []
    c = cells.copy()
    c["t"] = month_periods(c["month"])
    if set(c["brand"]) <= set(adoption):
        cutoff = max(pd.Period(d, freq="M") for d in adoption.values())
        if (c["t"] >= cutoff).any():
            messages.append(f"Months from {cutoff} on are left out of the before/after comparison: by then every "
                            "brand had adopted twins, so no brand was left to compare with.")
        c = c[c["t"] < cutoff].reset_index(drop=True)
    if c["brand"].nunique() < 2:
        messages.append("Only one brand: adoption cannot be told apart from calendar time.")
        return pd.DataFrame(), empty, messages
    first = {b: pd.Period(d, freq="M") for b, d in adoption.items()}
    # months since the brand adopted (NaN for a brand that never does): the periods' ordinals differ by months
    rel = c["t"].array.asi8 - c["brand"].map({b: p.ordinal for b, p in first.items()}).to_numpy(float)
    support = adoption_support(c, first)
    if not support["estimable"]:
        messages.append(f"The before/after comparison is not estimable: {support['reason']}.")
        return pd.DataFrame(), {**empty, **support}, messages
    lo, hi = window
    # nuisance terms only: the cells' own after-adoption flag is what the dummies below measure
    base = build_design(c.assign(imagery="human", ai_label=False).drop(columns="adopted", errors="ignore"))
    ks = [k for k in range(lo, hi + 1) if k != -1]
    extra, names = [], []
    for k in ks:
        m = (rel <= lo) if k == lo else (rel >= hi) if k == hi else (rel == k)
        m = np.nan_to_num(m.astype(float)) if m.dtype != bool else m.astype(float)
        if m.any():
            extra.append(m)
            names.append(f"rel[{k}]")
    ev = _with_columns(base, extra, names)
    fit = fit_poisson(ev)
    pre = [f"rel[{k}]" for k in range(lo, -1)]
    rows = [{"rel_month": -1, "irr": 1.0, "ci_low": 1.0, "ci_high": 1.0}]
    for k in ks:
        r = fit.irr(f"rel[{k}]")
        if r["estimate"] is not None:
            rows.append({"rel_month": k, "irr": r["estimate"], "ci_low": r["ci_low"], "ci_high": r["ci_high"]})
    after = np.nan_to_num(rel >= 0).astype(float) if len(rel) else np.array([])
    full = _with_columns(base, [after], ["after_adoption"])
    did: dict[str, Any] = {"estimate": fit_poisson(full).irr("after_adoption")["estimate"],
                           "pretrend": pretrend_test(fit, pre), **support}
    if "after_adoption" in full.names:
        did["inference"] = brand_inference(base, full, c["brand"].astype(str).to_numpy(), seed)
    return pd.DataFrame(rows).sort_values("rel_month").reset_index(drop=True), did, messages


#: What the before/after comparison needs: this many adopting units, each with this many
#: months of posts before and after its adoption while a not-yet-adopting unit is observed.
MIN_TREATED_UNITS = 2
MIN_MONTHS_EACH_SIDE = 3


def adoption_support(cells: pd.DataFrame, first: dict[str, pd.Period]) -> dict[str, Any]:
    """How much the before/after comparison rests on: the adopting units (brands) with
    months of posts on both sides of their adoption, and whether that reaches
    :data:`MIN_TREATED_UNITS` units with :data:`MIN_MONTHS_EACH_SIDE` months each side.

    Parameters
    ----------
    cells
        The cells kept for the comparison (``brand`` and the month as a period ``t``).
    first
        Brand -> the month it adopted.

    Returns
    -------
    dict
        ``estimable``, ``reason`` (empty when estimable), ``treated_units`` (adopting units with
        enough months each side), ``pre_periods`` and ``post_periods`` (brand -> months with posts).
    """
    pre, post = {}, {}
    for brand, t in cells.groupby("brand")["t"]:
        if brand not in first:
            continue
        months = set(t)
        pre[str(brand)] = sum(1 for m in months if m < first[brand])
        post[str(brand)] = sum(1 for m in months if m >= first[brand])
    treated = sorted(b for b in pre if pre[b] >= MIN_MONTHS_EACH_SIDE and post[b] >= MIN_MONTHS_EACH_SIDE)
    ok = len(treated) >= MIN_TREATED_UNITS
    reason = "" if ok else (
        f"{len(treated)} adopting brand(s) have posts at least {MIN_MONTHS_EACH_SIDE} months before and after their "
        f"adoption while another brand had not yet adopted; the comparison needs {MIN_TREATED_UNITS} "
        f"(months before / after: " + ", ".join(f"{b} {pre[b]} / {post[b]}" for b in sorted(pre)) + ")")
    return {"estimable": ok, "reason": reason, "treated_units": len(treated), "pre_periods": pre,
            "post_periods": post}


def pretrend_test(fit: Fit, names: list[str]) -> dict[str, Any]:
    """Joint Wald test that the months before adoption (``names`` present in the fit) all have
    rate ratio 1: ``chi2 = b' V^-1 b`` on ``df`` = their number, with the fit's (campaign-
    clustered) covariance."""

    idx = [fit.names.index(n) for n in names if n in fit.names]
    if not idx:
        return {"chi2": None, "df": 0, "p_value": None}
    b, v = fit.params[idx], fit.cov[np.ix_(idx, idx)]
    stat = float(b @ np.linalg.solve(v, b))
    return {"chi2": stat, "df": len(idx), "p_value": chi2_sf(stat, len(idx)),
            "covariance": "clustered by campaign"}


def brand_inference(restricted: Design, full: Design, brands: np.ndarray, seed: int) -> dict[str, Any]:
    """Inference on the last term of ``full`` (after adoption) at the brand level: the wild
    cluster score bootstrap with fewer than :data:`FEW_CLUSTERS` brands, else a z test with
    brand-clustered errors."""
    g = len(np.unique(brands))
    if g < 2:
        return {"clusters": g, "method": "none: one brand", "p_value": None}
    if g < FEW_CLUSTERS:
        return {"clusters": g, **wild_score_test(restricted, full, brands, seed)}

    fit = fit_poisson(full)
    X, mu = full.X, full.exposure * np.exp(full.X @ fit.params)
    cov = cluster_sandwich(X, X * (full.y - mu)[:, None], (X * mu[:, None]).T @ X, brands)
    z = fit.params[-1] / np.sqrt(cov[-1, -1])
    return {"clusters": g, "method": "brand-clustered z test", "p_value": float(2 * normal_sf(abs(z)))}


def wild_score_test(restricted: Design, full: Design, clusters: np.ndarray, seed: int) -> dict[str, Any]:
    """The restricted wild cluster bootstrap (:func:`twinimpact.analyses.stats.wild.wcr_test`)
    of H0: the last coefficient of ``full`` is 0, in the Poisson model: fit it without the
    term (``restricted``); each cluster's score ``X_g' (y_g - mu_g)`` and Hessian block
    ``X_g' diag(mu_g) X_g`` at that fit carry the bootstrap, with Webb weights (every pattern
    when 6^G is at most 100,000, else 9,999 seeded ones)."""
    fit = fit_poisson(restricted)
    mu = full.exposure * np.exp(restricted.X @ fit.params)
    scores, hessians = wild.by_cluster(full.X, full.y - mu, mu, clusters)
    out = wild.wcr_test(scores, hessians, full.X.shape[1] - 1, len(full.y), seed)
    return {k: v for k, v in out.items() if k != "t_boot"}


def _with_columns(design: Design, columns: list[np.ndarray], names: list[str]) -> Design:
    """The design with extra columns appended; any that add nothing are dropped."""
    X = np.column_stack([design.X, *columns]) if columns else design.X
    all_names = design.names + names
    keep = independent_columns(X, design.exposure, keep=list(range(design.X.shape[1])))
    return Design(X[:, keep], [all_names[j] for j in keep], design.y, design.exposure, design.clusters,
                  design.posts, design.y2_over_exposure)


