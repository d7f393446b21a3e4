"""Before and after each brand adopted twins: an event study and a pooled
difference-in-differences on the engagement cell model.

The cell model of :mod:`twinimpact.count_model` without its imagery and label terms (its
platform, format, brand, month and follower adjustments kept), plus one dummy per month
relative to the brand's first twin or hybrid campaign. Estimates are rate ratios of
engagements per impression against month -1. Adoption varies by brand, so with a handful
of brands the data say little about it: read the shape more than the intervals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .count_model import Design, build_design, fit_poisson, independent_columns


def adoption_dates(campaigns: pd.DataFrame) -> dict[str, pd.Timestamp]:
    """Each brand's first twin or hybrid campaign start (brands that never adopt are absent)."""
    ai = campaigns[campaigns["production_mode"] != "traditional"]
    return {b: pd.Timestamp(d) for b, d in ai.groupby("brand")["start_date"].min().items()}


def event_study(cells: pd.DataFrame, adoption: dict[str, pd.Timestamp], window: tuple[int, int] = (-6, 12)
                ) -> tuple[pd.DataFrame, dict[str, float | None], list[str]]:
    """Engagement per impression around each brand's first twin campaign.

    The cell model without imagery and label terms (its platform, format, brand, month and
    followers adjustments kept), plus one dummy per month relative to the brand's adoption
    (binned at the window's ends; month -1 is the reference). Brands not yet adopting are
    the controls, so months from the last brand's adoption on are left out: already
    adopting brands as controls bias two-way fixed effects when effects grow over time.
    Also the pooled before/after difference-in-differences. Intervals are clustered by
    campaign; with a handful of brands, read the shape more than the stars.
    """
    empty = {"estimate": None, "ci_low": None, "ci_high": None}
    if not adoption:
        return pd.DataFrame(), empty, ["No brand has a twin or hybrid campaign: there is no adoption to study."]
    messages: list[str] = []
    c = cells.copy()
    c["t"] = pd.PeriodIndex(c["month"], freq="M")
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
    rel = np.array([(t - first[b]).n if b in first else np.nan for b, t in zip(c["brand"], c["t"])])
    lo, hi = window
    base = build_design(c.assign(imagery="human", ai_label=False))  # nuisance terms only
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
    rows = [{"rel_month": -1, "irr": 1.0, "ci_low": 1.0, "ci_high": 1.0}]
    for k in ks:
        r = fit.irr(f"rel[{k}]")
        if r["estimate"] is not None:
            rows.append({"rel_month": k, "irr": r["estimate"], "ci_low": r["ci_low"], "ci_high": r["ci_high"]})
    after = np.nan_to_num(rel >= 0).astype(float) if len(rel) else np.array([])
    did = fit_poisson(_with_columns(base, [after], ["after_adoption"])).irr("after_adoption")
    return pd.DataFrame(rows).sort_values("rel_month").reset_index(drop=True), did, messages


def _with_columns(design: Design, columns: list[np.ndarray], names: list[str]) -> Design:
    """The design with extra columns appended; any that add nothing are dropped."""
    X = np.column_stack([design.X, *columns]) if columns else design.X
    all_names = design.names + names
    keep = independent_columns(X, design.exposure, keep=list(range(design.X.shape[1])))
    return Design(X[:, keep], [all_names[j] for j in keep], design.y, design.exposure, design.clusters,
                  design.posts, design.y2_over_exposure)


