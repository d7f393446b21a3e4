"""The driver model: the unit costs (and hours) of each production mode observed in the
data, that break-even, sensitivity and every Monte Carlo of the workbook vary.

Observed values are pooled over the campaigns of a mode (reporting currency). How far each
driver may move comes from the data too: its **range** is the 10th to 90th percentile of
the same unit cost computed campaign by campaign, as multipliers of the pooled value
(:func:`spread_ranges`); the parameters' ``driver_ranges`` override it driver by driver.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from twinimpact.contract.spec import COST_CATEGORIES
from twinimpact.params import DRIVER_LABELS, HOURS_LABELS

#: Spend that scales with shoot days rather than with assets.
SHOOT_DAY_CATEGORIES = ("model_fees", "photographer", "hair_makeup", "styling", "studio_location", "travel")
#: Which cost driver each twin-campaign category feeds (per asset unless said).
TWIN_DRIVER_OF = {
    "twin_licensing": "licensing_per_asset",
    "generation_compute": "compute_per_asset",
    "ai_review": "review_per_asset",
    "disclosure_compliance": "compliance_per_asset",
}
#: The unit of each driver, for reading (money in the reporting currency).
DRIVER_UNITS = {**{k: "money per asset" for k in DRIVER_LABELS}, "shoot_day_cost": "money per shoot day",
                "assets_per_shoot_day": "assets per shoot day", "twin_creation_cost": "money per twin",
                **{k: "hours per asset" for k in HOURS_LABELS}}
#: Drivers whose campaign-level values are on another scale than the pooled value (a campaign
#: may build several twins): their range is the campaigns' spread around their own mean.
SPREAD_AROUND_MEAN = ("twin_creation_cost",)
#: The drivers without which traditional and twin production cannot be compared.
CORE_DRIVERS = tuple(k for k in DRIVER_LABELS if k != "hybrid_per_asset")


@dataclass
class Drivers:
    """Unit costs observed in the data (reporting currency). ``None`` where the data has no
    campaign of the mode needed."""

    shoot_day_cost: float | None
    assets_per_shoot_day: float | None
    traditional_post_per_asset: float | None
    twin_creation_cost: float | None
    licensing_per_asset: float | None
    compute_per_asset: float | None
    review_per_asset: float | None
    compliance_per_asset: float | None
    twin_post_per_asset: float | None
    hybrid_per_asset: float | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, float | None]:
        """Every cost driver by name (:data:`DRIVER_LABELS` order)."""
        return {k: getattr(self, k) for k in DRIVER_LABELS}

    @property
    def complete(self) -> bool:
        """True when traditional and twin production can be compared (hybrid is optional)."""
        return all(getattr(self, k) is not None for k in CORE_DRIVERS)


def observed_drivers(costs: pd.DataFrame, twin_usage: pd.DataFrame | None = None) -> Drivers:
    """Calibrate the driver model on the data (all pooled, reporting currency).

    Traditional: shoot-day spend (model fees, photographer, hair and make-up, styling,
    studio, travel) per shoot day; assets per shoot day; everything else per asset.
    Twin: licensing, compute, review and compliance per asset from twin campaigns; the rest
    as post-production per asset; twin creation spend per twin built, a twin being a model
    whose twin appears in ``twin_usage`` (or, without usage, one twin per creation line).
    Hybrid: running spend (twin building excluded) per asset of hybrid campaigns.

    Parameters
    ----------
    costs
        :func:`twinimpact.analyses.cost.production.campaign_costs` (reporting currency).
    twin_usage
        The contract's twin_usage table (which models' twins were used), or None.

    Returns
    -------
    Drivers
        Each driver pooled over its campaigns (reporting currency per asset, per shoot day or
        per twin; assets per shoot day); None where no campaign of the mode is present.
    """
    notes: list[str] = []
    cats = [c for c in COST_CATEGORIES if c in costs.columns]
    trad = costs[(costs["production_mode"] == "traditional") & ~costs["zero_assets"]]
    twin = costs[(costs["production_mode"] == "twin") & ~costs["zero_assets"]]
    t_assets, t_days = float(trad["assets_delivered"].sum()), float(trad["shoot_days"].sum())
    day_cats = [c for c in SHOOT_DAY_CATEGORIES if c in cats]
    if t_assets > 0 and t_days > 0:
        shoot_day_cost = float(trad[day_cats].to_numpy().sum()) / t_days
        assets_per_day = t_assets / t_days
        other = [c for c in cats if c not in day_cats and c != "twin_creation"]
        trad_post = float(trad[other].to_numpy().sum()) / t_assets
    else:
        shoot_day_cost = assets_per_day = trad_post = None
        notes.append("no traditional campaign with assets and shoot days: traditional unit costs unknown")
    w_assets = float(twin["assets_delivered"].sum())
    per_asset: dict[str, float | None] = {k: None for k in set(TWIN_DRIVER_OF.values()) | {"twin_post_per_asset"}}
    if w_assets > 0:
        for cat, driver in TWIN_DRIVER_OF.items():
            per_asset[driver] = float(twin[cat].sum()) / w_assets if cat in cats else 0.0
        rest = [c for c in cats if c not in TWIN_DRIVER_OF and c != "twin_creation"]
        per_asset["twin_post_per_asset"] = float(twin[rest].to_numpy().sum()) / w_assets
    else:
        notes.append("no twin campaign with assets: twin unit costs unknown")
    creation_spend = float(costs["twin_creation"].sum()) if "twin_creation" in costs else 0.0
    twins = int(twin_usage["model_id"].nunique()) if twin_usage is not None and len(twin_usage) else 0
    if creation_spend > 0 and twins > 0:
        creation = creation_spend / twins
    elif creation_spend > 0:
        creation = None
        notes.append("twin creation spend but no twin usage: cost per twin unknown")
    else:
        creation = 0.0 if w_assets > 0 else None
    hyb = costs[(costs["production_mode"] == "hybrid") & ~costs["zero_assets"]]
    h_assets = float(hyb["assets_delivered"].sum())
    hybrid = float(hyb["running_total"].sum()) / h_assets if h_assets > 0 else None
    return Drivers(shoot_day_cost, assets_per_day, trad_post, creation, per_asset["licensing_per_asset"],
                   per_asset["compute_per_asset"], per_asset["review_per_asset"],
                   per_asset["compliance_per_asset"], per_asset["twin_post_per_asset"], hybrid, notes)


def campaign_drivers(costs: pd.DataFrame) -> pd.DataFrame:
    """Each cost driver computed for one campaign at a time (campaigns x drivers, NaN where a
    driver does not apply): the data's campaign-to-campaign spread of unit costs. Twin
    creation is spend per creating campaign (the twins a campaign built are not recorded).

    Parameters
    ----------
    costs
        :func:`twinimpact.analyses.cost.production.campaign_costs` (reporting currency).

    Returns
    -------
    DataFrame
        ``campaign_id`` and one column per driver, in the driver's unit.
    """
    cats = [c for c in COST_CATEGORIES if c in costs.columns]
    c = costs[~costs["zero_assets"]]
    assets = c["assets_delivered"].astype(float)
    mode = c["production_mode"]
    day_cats = [k for k in SHOOT_DAY_CATEGORIES if k in cats]
    other = [k for k in cats if k not in day_cats and k != "twin_creation"]
    rest = [k for k in cats if k not in TWIN_DRIVER_OF and k != "twin_creation"]
    days = c["shoot_days"].astype(float).where(c["shoot_days"] > 0)
    trad, twin = mode == "traditional", mode == "twin"
    out = pd.DataFrame(index=c.index)
    out["shoot_day_cost"] = (c[day_cats].sum(axis=1) / days).where(trad)
    out["assets_per_shoot_day"] = (assets / days).where(trad)
    out["traditional_post_per_asset"] = (c[other].sum(axis=1) / assets).where(trad)
    creation = c["twin_creation"] if "twin_creation" in c else pd.Series(0.0, index=c.index)
    out["twin_creation_cost"] = creation.where(creation > 0)
    for cat, driver in TWIN_DRIVER_OF.items():
        out[driver] = ((c[cat] if cat in c else 0.0) / assets).where(twin)
    out["twin_post_per_asset"] = (c[rest].sum(axis=1) / assets).where(twin)
    out["hybrid_per_asset"] = (c["running_total"] / assets).where(mode == "hybrid")
    return out.astype(float)


def spread_ranges(per_campaign: pd.DataFrame, pooled: dict[str, float | None], low_q: float = 0.1,
                  high_q: float = 0.9) -> dict[str, tuple[float, float]]:
    """Each driver's range as multipliers of its pooled value: the ``low_q`` and ``high_q``
    quantiles of its campaign-level values over the pooled value, widened to include 1::

        range(d) = (min(1, P10_c(d) / pooled(d)), max(1, P90_c(d) / pooled(d)))

    (1, 1), no variation, where the pooled value is missing or zero or fewer than two
    campaigns carry the driver. Drivers in :data:`SPREAD_AROUND_MEAN` are divided by the
    campaigns' mean instead of the pooled value.

    Parameters
    ----------
    per_campaign
        :func:`campaign_drivers`.
    pooled
        Driver name -> pooled value (the same units).
    low_q, high_q
        The quantiles of the campaign-level values that bound the range (0-1).

    Returns
    -------
    dict
        Driver name -> (low, high) multipliers of the pooled value.
    """
    out: dict[str, tuple[float, float]] = {}
    for name, value in pooled.items():
        values = per_campaign[name].dropna() if name in per_campaign else pd.Series(dtype=float)
        if value is None or not np.isfinite(value) or value <= 0 or len(values) < 2:
            out[name] = (1.0, 1.0)
            continue
        centre = float(values.mean()) if name in SPREAD_AROUND_MEAN else value
        lo, hi = np.quantile(values.to_numpy(float), [low_q, high_q])
        out[name] = (float(min(1.0, lo / centre)), float(max(1.0, hi / centre)))
    return out


def drivers_table(values: dict[str, float | None], ranges: dict[str, tuple[float, float]],
                  overridden: set[str] | frozenset[str] = frozenset()) -> pd.DataFrame:
    """The drivers for reading: meaning, unit, observed value and the range each one moves in
    (multipliers, and where the range comes from).

    Parameters
    ----------
    values
        Driver name -> observed value (reporting currency, hours).
    ranges
        Driver name -> (low, high) multipliers.
    overridden
        Drivers whose range the parameters set.

    Returns
    -------
    DataFrame
        ``driver``, ``meaning``, ``unit``, ``observed``, ``low``, ``high``, ``range_from``.
    """
    labels = {**DRIVER_LABELS, **HOURS_LABELS}
    return pd.DataFrame([{"driver": k, "meaning": labels[k], "unit": DRIVER_UNITS[k], "observed": v,
                          "low": ranges.get(k, (1.0, 1.0))[0], "high": ranges.get(k, (1.0, 1.0))[1],
                          "range_from": "parameters" if k in overridden else "campaigns P10-P90"}
                         for k, v in values.items()])


def cost_ranges(costs: pd.DataFrame, observed: dict[str, float | None],
                overrides: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Each cost driver's range: its campaigns' spread (:func:`spread_ranges`), unless the
    parameters' ``driver_ranges`` set it (the cost and scenario analyses use the same).

    Parameters
    ----------
    costs
        :func:`twinimpact.analyses.cost.production.campaign_costs` (reporting currency).
    observed
        Driver name -> pooled value.
    overrides
        The parameters' ``driver_ranges``: driver name -> (low, high) multipliers.

    Returns
    -------
    dict
        Driver name -> (low, high) multipliers.
    """
    return {**spread_ranges(campaign_drivers(costs), observed), **overrides}


def traditional_per_asset(d: dict[str, Any]) -> Any:
    """Traditional cost per asset, reporting currency::

        shoot_day_cost / assets_per_shoot_day + traditional_post_per_asset

    ``d`` maps driver names (:data:`DRIVER_LABELS`) to numbers or to arrays of draws.

    Parameters
    ----------
    d
        Driver name -> value or array of draws (reporting currency per shoot day and per asset;
        assets per shoot day).

    Returns
    -------
    float or ndarray
        Reporting currency per asset.
    """
    return d["shoot_day_cost"] / d["assets_per_shoot_day"] + d["traditional_post_per_asset"]


def twin_variable_per_asset(d: dict[str, Any]) -> Any:
    """Twin cost per asset before building the twins, reporting currency::

        licensing + compute + review + compliance + twin post-production (each per asset)

    Parameters
    ----------
    d
        Driver name -> value or array of draws (reporting currency per asset).

    Returns
    -------
    float or ndarray
        Reporting currency per asset.
    """
    return (d["licensing_per_asset"] + d["compute_per_asset"] + d["review_per_asset"]
            + d["compliance_per_asset"] + d["twin_post_per_asset"])


def bootstrap_drivers(costs: pd.DataFrame, twin_usage: pd.DataFrame | None, n: int, seed: int
                      ) -> dict[str, np.ndarray]:
    """``n`` bootstrap replicates of the pooled drivers of :func:`observed_drivers`: the
    campaigns of each production mode resampled with replacement (as many as the data
    hold), every driver recomputed as the same ratio of sums. This is the uncertainty of
    the pooled means, which shrinks as campaigns accumulate, unlike the campaign-to-campaign
    spread of :func:`spread_ranges`. A mode with one campaign has no spread to resample.

    Parameters
    ----------
    costs
        :func:`twinimpact.analyses.cost.production.campaign_costs` (reporting currency).
    twin_usage
        The contract's twin_usage table (the twins built), or None.
    n
        Replicates.
    seed
        Seeds the resampling (stream 21).

    Returns
    -------
    dict
        Driver name -> ``n`` values (the unit of :func:`observed_drivers`); drivers the data
        cannot compute are left out.
    """
    observed = observed_drivers(costs, twin_usage).as_dict()
    cats = [c for c in COST_CATEGORIES if c in costs.columns]
    c = costs.reset_index(drop=True)
    rng = np.random.default_rng([seed, 21])
    weights = np.zeros((n, len(c)))
    for _, rows in c.groupby([c["production_mode"], c["zero_assets"]], sort=True).groups.items():
        idx = np.asarray(rows)
        weights[:, idx] = rng.multinomial(len(idx), np.full(len(idx), 1.0 / len(idx)), size=n)
    live = ~c["zero_assets"].to_numpy()
    mode = c["production_mode"].to_numpy()

    def total(mask: np.ndarray, values: Any) -> np.ndarray:
        v = np.where(mask, np.asarray(values, float), 0.0)
        return weights @ v

    def ratio(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
        return np.divide(top, bottom, out=np.full(n, np.nan), where=bottom > 0)

    out: dict[str, np.ndarray] = {}
    trad, twin, hyb = (live & (mode == m) for m in ("traditional", "twin", "hybrid"))
    day_cats = [k for k in SHOOT_DAY_CATEGORIES if k in cats]
    if observed["shoot_day_cost"] is not None:
        days, assets = total(trad, c["shoot_days"]), total(trad, c["assets_delivered"])
        other = [k for k in cats if k not in day_cats and k != "twin_creation"]
        out["shoot_day_cost"] = ratio(total(trad, c[day_cats].sum(axis=1)), days)
        out["assets_per_shoot_day"] = ratio(assets, days)
        out["traditional_post_per_asset"] = ratio(total(trad, c[other].sum(axis=1)), assets)
    if observed["twin_post_per_asset"] is not None:
        assets = total(twin, c["assets_delivered"])
        for cat, driver in TWIN_DRIVER_OF.items():
            out[driver] = ratio(total(twin, c[cat]), assets) if cat in cats else np.zeros(n)
        rest = [k for k in cats if k not in TWIN_DRIVER_OF and k != "twin_creation"]
        out["twin_post_per_asset"] = ratio(total(twin, c[rest].sum(axis=1)), assets)
    if observed["twin_creation_cost"] is not None:
        spend = float(c["twin_creation"].sum()) if "twin_creation" in c else 0.0
        out["twin_creation_cost"] = (total(np.ones(len(c), bool), c["twin_creation"]) / spend
                                     * observed["twin_creation_cost"] if spend > 0 else
                                     np.full(n, float(observed["twin_creation_cost"])))
    if observed["hybrid_per_asset"] is not None:
        out["hybrid_per_asset"] = ratio(total(hyb, c["running_total"]), total(hyb, c["assets_delivered"]))
    return {k: np.where(np.isfinite(v), v, observed[k]) for k, v in out.items()}


def campaign_correlation(costs: pd.DataFrame, names: list[str], min_campaigns: int = 8) -> np.ndarray:
    """The correlation the scenario draws give the drivers: for two drivers measured on the
    same campaigns (a traditional campaign's shoot-day cost, assets per day and
    post-production; a twin campaign's licence, compute, review, compliance and post), the
    Spearman correlation of their campaign-level values turned into the Gaussian
    copula's ``2 sin(pi rho / 6)``; 0 for drivers of different campaigns or with fewer
    than ``min_campaigns`` campaigns in common. Made positive definite by clipping the
    eigenvalues.

    Parameters
    ----------
    costs
        :func:`twinimpact.analyses.cost.production.campaign_costs`.
    names
        The drivers, in the order of the matrix.
    min_campaigns
        Campaigns two drivers need in common to be correlated.

    Returns
    -------
    ndarray
        ``len(names)`` x ``len(names)`` correlation matrix.
    """
    per = campaign_drivers(costs)
    k = len(names)
    corr = np.eye(k)
    for i in range(k):
        for j in range(i + 1, k):
            a, b = names[i], names[j]
            if a not in per or b not in per:
                continue
            both = per[[a, b]].dropna()
            if len(both) < min_campaigns or both[a].nunique() < 2 or both[b].nunique() < 2:
                continue
            rho = float(both[a].rank().corr(both[b].rank()))
            if np.isfinite(rho):
                corr[i, j] = corr[j, i] = 2 * np.sin(np.pi * rho / 6)
    values, vectors = np.linalg.eigh(corr)
    fixed = vectors @ np.diag(np.clip(values, 1e-6, None)) @ vectors.T
    scale = np.sqrt(np.diag(fixed))
    return fixed / scale[:, None] / scale[None, :]
