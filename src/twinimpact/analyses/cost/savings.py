"""One savings figure, and how the others reconcile with it.

The workbook states several "savings per asset", each answering a different question. The
headline is the **Monte Carlo median**: the driver model at the typical season volume,
every driver drawn within its range (:mod:`twinimpact.analyses.cost.drivers`). :func:`reconciliation`
lists every variant with its value and why it differs, so no figure in the report stands
unexplained. :func:`pooled_difference` gives the twin against traditional cost per asset
an interval by resampling campaigns.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from twinimpact import minimum
from twinimpact.analyses.cost.cost_function import CostFunction
from twinimpact.analyses.cost.drivers import CORE_DRIVERS, traditional_per_asset, twin_variable_per_asset

#: Resamples of the campaign bootstrap.
BOOTSTRAP_DRAWS = 2000


def pooled_difference(costs: pd.DataFrame, seed: int, mode: str = "twin", reference: str = "traditional",
                      draws: int = BOOTSTRAP_DRAWS) -> dict[str, float | None]:
    """Pooled cost per asset of ``mode`` minus ``reference`` (reporting currency per asset),
    with a 95% percentile interval from resampling each mode's campaigns with replacement
    (``draws`` times, seeded). ``None`` values when a mode has no campaign with assets.

    Parameters
    ----------
    costs
        :func:`twinimpact.analyses.cost.production.campaign_costs` (reporting currency).
    seed
        The run's seed.
    mode, reference
        The production modes compared.
    draws
        Bootstrap resamples.

    Returns
    -------
    dict
        ``estimate``, ``ci_low``, ``ci_high`` in reporting currency per asset.
    """
    rng = np.random.default_rng(seed)
    per_mode, sizes = [], []
    for m in (mode, reference):
        rows = costs[(costs["production_mode"] == m) & ~costs["zero_assets"]]
        if rows.empty:
            return {"estimate": None, "ci_low": None, "ci_high": None}
        total, assets = rows["total"].to_numpy(float), rows["assets_delivered"].to_numpy(float)
        sizes.append(len(rows))
        idx = rng.integers(0, len(rows), size=(draws, len(rows)))
        per_mode.append((total.sum() / assets.sum(), total[idx].sum(axis=1) / assets[idx].sum(axis=1)))
    (a, a_draws), (b, b_draws) = per_mode
    fewest = min(sizes)
    if fewest < minimum.MIN_CAMPAIGNS_PER_MODE:
        return {"estimate": float(a - b), "ci_low": None, "ci_high": None,
                "not_estimable": f"a mode has {fewest} campaign with assets, so campaigns cannot be resampled; the "
                                 f"interval needs {minimum.NEEDS['cost_difference']}"}
    lo, hi = np.percentile(a_draws - b_draws, [2.5, 97.5])
    ci = {"estimate": float(a - b), "ci_low": float(lo), "ci_high": float(hi)}
    why = minimum.interval_problem(ci["estimate"], lo, hi)
    return ci if why is None else {**ci, "ci_low": None, "ci_high": None, "not_estimable": why}


def mix_margin(d: dict[str, Any], traditional_assets: float, hybrid_assets: float) -> float | None:
    """Saving per asset moved to twins from today's non-twin mix (reporting currency)::

        (A_trad * (c_trad - c_twin) + A_hyb * (c_hyb - c_twin)) / (A_trad + A_hyb)

    with ``c`` the per-asset costs of the driver model (twin building excluded).

    Parameters
    ----------
    d
        Drivers (reporting currency per asset, per shoot day or per twin): observed values or
        arrays of draws.
    traditional_assets, hybrid_assets
        Assets of each mode that move to twins.

    Returns
    -------
    float, ndarray or None
        Reporting currency per moved asset (one value per draw when ``d`` holds arrays of
        draws); None without the drivers it needs.
    """
    moved = traditional_assets + hybrid_assets
    if moved <= 0 or (hybrid_assets > 0 and d.get("hybrid_per_asset") is None) or \
            any(d.get(k) is None for k in CORE_DRIVERS):
        return None
    twin = twin_variable_per_asset(d)
    hybrid = (d["hybrid_per_asset"] - twin) * hybrid_assets if hybrid_assets > 0 else 0.0
    out = ((traditional_per_asset(d) - twin) * traditional_assets + hybrid) / moved
    return float(out) if np.ndim(out) == 0 else out


def reconciliation(pooled: dict[str, float | None], d: dict[str, Any], volume: float | None, base_savings: float | None,
                   mc_p50: float | None, fit: CostFunction | None, typical_assets: float | None,
                   mix: tuple[float, float] | None) -> pd.DataFrame:
    """Every savings-per-asset figure of the workbook, with why it differs from the headline
    (reporting currency per asset, traditional minus twin unless said).

    Parameters
    ----------
    pooled
        Mode -> pooled cost per asset (reporting currency).
    d
        Observed drivers.
    volume
        The season volume the headline is computed at (assets).
    base_savings
        Savings per asset of the driver model at ``volume`` (reporting currency).
    mc_p50
        The Monte Carlo median of savings per asset (reporting currency).
    fit
        The fitted cost function, or None.
    typical_assets
        A typical campaign's size (assets), for the like-for-like figure.
    mix
        (traditional, hybrid) assets moved from today's mix, or None.

    Returns
    -------
    DataFrame
        ``figure``, ``value`` (reporting currency per asset) and ``why it differs``.
    """
    rows: list[dict[str, Any]] = []
    trad, twin = pooled.get("traditional"), pooled.get("twin")
    rows.append({"figure": "pooled observed", "value": trad - twin if trad is not None and twin is not None else None,
                 "why it differs": "spend over assets of each mode's campaigns as they were: different sizes, "
                                   "markets and seasons; twin building included"})
    rows.append({"figure": "driver model at the season volume", "value": base_savings,
                 "why it differs": f"unit costs observed in the data, twin building spread over "
                                   f"{volume:,.0f} assets a season" if volume else "no season volume"})
    if fit is not None and typical_assets and {"traditional", "twin"} <= set(fit.modes):
        p = fit.predict(typical_assets).set_index("production_mode")["cost_per_asset"]
        rows.append({"figure": "like for like (cost function)", "value": float(p["traditional"] - p["twin"]),
                     "why it differs": f"the same campaign of {typical_assets:,.0f} assets in the data's market mix, "
                                       "running cost only (twin building excluded)"})
    if mix is not None:
        rows.append({"figure": "per asset moved from today's mix", "value": mix_margin(d, *mix),
                     "why it differs": "what the scenarios save per asset moved: today's non-twin assets are "
                                       "traditional and hybrid, and hybrid costs less than traditional; "
                                       "twin building charged separately"})
    rows.append({"figure": "Monte Carlo median (headline)", "value": mc_p50,
                 "why it differs": "the driver model with every driver drawn within its range (campaign "
                                   "P10-P90); the median of the draws, not the value at the observed drivers"})
    return pd.DataFrame(rows, columns=["figure", "value", "why it differs"])
