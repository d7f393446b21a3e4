"""Production cost: what a finished asset costs by production mode, like for like, and
when a digital twin pays for itself. Pure functions: frames and numbers in and out.

Money is converted to the reporting currency with ``fx_rates`` (units of the reporting
currency per unit of the campaign's currency). A campaign with zero assets delivered is
flagged and never divided by.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from twinimpact import minimum
from twinimpact.contract.spec import COST_CATEGORIES, PRODUCTION_MODES
from twinimpact.analyses.cost.drivers import (CORE_DRIVERS, DRIVER_LABELS, HOURS_LABELS, Drivers, cost_ranges, drivers_table,
                                         observed_drivers, traditional_per_asset, twin_variable_per_asset)
from twinimpact.analyses.cost.cost_function import CostFunction, fit_cost_function, like_for_like
from twinimpact.errors import DataError
from twinimpact.analyses.money import rates_for
from twinimpact.analyses.stats.montecarlo import multipliers, percentiles
from twinimpact.results import CostBlock
from twinimpact.analyses.cost import savings
from twinimpact.words import statements

if TYPE_CHECKING:
    from twinimpact.sources.data import Dataset
    from twinimpact.params import Params

#: Params fields the production-cost analysis reads (beyond money and scope).
PARAMETERS = ("seed", "n_draws", "twins_per_season", "twin_life_seasons", "assets_per_season", "driver_ranges")
#: Points on the break-even curve, and how far past break-even it is drawn.
CURVE_POINTS = 101
CURVE_PAST_BREAK_EVEN = 3.0
CURVE_MIN_ASSETS = 10.0


def campaign_costs(campaigns: pd.DataFrame, cost_lines: pd.DataFrame, fx_rates: dict[str, float]) -> pd.DataFrame:
    """One row per campaign with its spend in the reporting currency.

    Parameters
    ----------
    campaigns, cost_lines
        Contract tables (typed). Each cost line's ``amount`` is in its campaign's currency.
    fx_rates
        Units of the reporting currency per unit of each currency.

    Returns
    -------
    DataFrame
        The campaign's columns, one column per cost category (reporting currency), and
        ``total`` = sum of categories; ``running_total`` = total - twin_creation;
        ``cost_per_asset`` = total / assets_delivered (NaN where ``zero_assets``: nothing
        was delivered, so nothing is divided by 0); ``cost_per_look`` = total / looks; ``year``.
    """
    rate = rates_for(campaigns["currency"], fx_rates)
    lines = cost_lines.merge(campaigns[["campaign_id"]].assign(rate=rate.to_numpy()), on="campaign_id", how="inner")
    lines = lines.assign(amount_rep=lines["amount"].astype(float) * lines["rate"])
    wide = lines.pivot_table(index="campaign_id", columns="category", values="amount_rep", aggfunc="sum",
                             fill_value=0.0)
    out = campaigns[["campaign_id", "brand", "season", "market", "start_date", "production_mode", "looks",
                     "assets_delivered", "shoot_days", "currency"]].copy()
    out = out.merge(wide, left_on="campaign_id", right_index=True, how="left")
    categories = [c for c in wide.columns]
    out[categories] = out[categories].fillna(0.0)
    out["total"] = out[categories].sum(axis=1) if categories else 0.0
    out["twin_creation"] = out["twin_creation"] if "twin_creation" in out else 0.0
    out["running_total"] = out["total"] - out["twin_creation"]
    assets = out["assets_delivered"].astype(float)
    out["zero_assets"] = assets <= 0
    out["cost_per_asset"] = (out["total"] / assets).where(~out["zero_assets"])
    out["cost_per_look"] = out["total"] / out["looks"].astype(float)
    out["year"] = pd.to_datetime(out["start_date"]).dt.year
    return out.reset_index(drop=True)


def category_columns(costs: pd.DataFrame) -> list[str]:
    """The cost categories present as columns of :func:`campaign_costs`, in contract order.

    Parameters
    ----------
    costs
        :func:`campaign_costs`.

    Returns
    -------
    list of str
        Category column names.
    """
    return [c for c in COST_CATEGORIES if c in costs.columns]


def pooled_cost_per_asset(costs: pd.DataFrame) -> dict[str, float | None]:
    """Pooled cost per asset of each production mode, reporting currency per asset::

        cost_per_asset[mode] = sum(total over the mode's campaigns) / sum(assets_delivered)

    (a volume-weighted mean, not the mean of campaign ratios; ``None`` for a mode with no
    assets). This is ``cost.cost_per_asset`` in results.json (docs/DESIGN.md).

    Parameters
    ----------
    costs
        :func:`campaign_costs` (spend in the reporting currency).

    Returns
    -------
    dict
        Mode -> reporting currency per asset, or None.
    """
    out: dict[str, float | None] = {}
    for mode in PRODUCTION_MODES:
        rows = costs[costs["production_mode"] == mode]
        assets = float(rows["assets_delivered"].sum())
        out[mode] = float(rows["total"].sum()) / assets if assets > 0 else None
    return out


def rollup(costs: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Campaigns, spend (reporting currency), assets, looks and the pooled cost per asset
    (spend / assets) and per look (spend / looks) by the columns ``by``.

    Parameters
    ----------
    costs
        :func:`campaign_costs` (reporting currency).
    by
        Columns of ``costs`` to group by (e.g. ``["brand", "production_mode"]``).

    Returns
    -------
    DataFrame
        One row per group: ``campaigns``, ``spend``, ``assets``, ``looks``,
        ``zero_asset_campaigns``, ``cost_per_asset`` and ``cost_per_look`` (reporting currency).
    """
    g = costs.groupby(by, observed=True).agg(campaigns=("campaign_id", "size"), spend=("total", "sum"),
                                             assets=("assets_delivered", "sum"), looks=("looks", "sum"),
                                             zero_asset_campaigns=("zero_assets", "sum")).reset_index()
    g["cost_per_asset"] = (g["spend"] / g["assets"].astype(float)).where(g["assets"] > 0)
    g["cost_per_look"] = g["spend"] / g["looks"].astype(float)
    return g


def category_per_asset(costs: pd.DataFrame) -> pd.DataFrame:
    """Pooled cost per asset of each category by mode: the category's spend over the mode's
    campaigns divided by their assets (reporting currency per asset). Long frame with
    columns ``production_mode``, ``category``, ``per_asset``; categories with no spend left out.

    Parameters
    ----------
    costs
        :func:`campaign_costs` (reporting currency).

    Returns
    -------
    DataFrame
        ``production_mode``, ``category``, ``per_asset`` (reporting currency per asset).
    """
    cats = category_columns(costs)
    rows = []
    for mode in PRODUCTION_MODES:
        sub = costs[costs["production_mode"] == mode]
        assets = float(sub["assets_delivered"].sum())
        if assets <= 0:
            continue
        for cat in cats:
            value = float(sub[cat].sum()) / assets
            if value > 0:
                rows.append({"production_mode": mode, "category": cat, "per_asset": value})
    return pd.DataFrame(rows, columns=["production_mode", "category", "per_asset"])


def twin_fixed_per_season(d: dict[str, Any], twins_per_season: int, twin_life_seasons: int) -> Any:
    """Twin building charged to one season, reporting currency per season::

        twins_per_season * twin_creation_cost / twin_life_seasons

    Parameters
    ----------
    d
        Driver name -> value (reporting currency per twin for ``twin_creation_cost``), or
        arrays of draws.
    twins_per_season, twin_life_seasons
        Twins built each season and the seasons one twin is used.

    Returns
    -------
    float or ndarray
        Reporting currency per season.
    """
    return twins_per_season * d["twin_creation_cost"] / twin_life_seasons


def savings_per_asset(d: dict[str, Any], assets_per_season: float, twins_per_season: int,
                      twin_life_seasons: int) -> Any:
    """Savings per asset of twin over traditional production at ``assets_per_season`` assets::

        traditional_per_asset - twin_variable_per_asset - twin_fixed_per_season / assets_per_season

    Reporting currency per asset; works element-wise on arrays of draws.

    Parameters
    ----------
    d
        Driver name -> value (reporting currency per asset, per shoot day or per twin), or
        arrays of draws.
    assets_per_season
        The season's volume (assets).
    twins_per_season, twin_life_seasons
        Twins built each season and the seasons one twin is used.

    Returns
    -------
    float or ndarray
        Reporting currency per asset (negative: twins cost more).
    """
    fixed = twin_fixed_per_season(d, twins_per_season, twin_life_seasons)
    return traditional_per_asset(d) - twin_variable_per_asset(d) - fixed / assets_per_season


def break_even_assets(d: dict[str, Any], twins_per_season: int, twin_life_seasons: int) -> float | None:
    """Assets per season at which a season of twin production costs what traditional does::

        n* = twin_fixed_per_season / (traditional_per_asset - twin_variable_per_asset)

    ``None`` when twin production never catches up (its variable cost per asset is not
    below traditional); 0 when there is no fixed twin cost to recover.

    Parameters
    ----------
    d
        Observed drivers (reporting currency per asset, per shoot day or per twin).
    twins_per_season, twin_life_seasons
        Twins built each season and the seasons one twin is used.

    Returns
    -------
    float or None
        Assets per season; None when twin production never breaks even.
    """
    margin = traditional_per_asset(d) - twin_variable_per_asset(d)
    fixed = twin_fixed_per_season(d, twins_per_season, twin_life_seasons)
    if margin <= 0:
        return None
    return fixed / margin


def break_even_curve(d: dict[str, Any], twins_per_season: int, twin_life_seasons: int,
                     max_assets: float) -> pd.DataFrame:
    """Season cost of each mode at 0..``max_assets`` assets (:data:`CURVE_POINTS` points):
    traditional ``n * traditional_per_asset``, twin ``fixed + n * twin_variable_per_asset``.
    Long frame: ``assets``, ``production_mode``, ``season_cost`` (reporting currency).

    Parameters
    ----------
    d
        Observed drivers (reporting currency).
    twins_per_season, twin_life_seasons
        Twins built each season and the seasons one twin is used.
    max_assets
        The largest season volume on the curve (assets).

    Returns
    -------
    DataFrame
        Long: ``assets``, ``production_mode`` (traditional, twin) and ``season_cost``
        (reporting currency per season).
    """
    n = np.linspace(0, max_assets, CURVE_POINTS)
    trad = n * traditional_per_asset(d)
    twin = twin_fixed_per_season(d, twins_per_season, twin_life_seasons) + n * twin_variable_per_asset(d)
    return pd.concat([pd.DataFrame({"assets": n, "production_mode": "traditional", "season_cost": trad}),
                      pd.DataFrame({"assets": n, "production_mode": "twin", "season_cost": twin})],
                     ignore_index=True)


def typical_assets_per_season(campaigns: pd.DataFrame) -> float | None:
    """Mean over (brand, season) of the assets delivered that season; ``None`` without data.

    Parameters
    ----------
    campaigns
        The contract's campaigns table.

    Returns
    -------
    float or None
        Assets per (brand, season), averaged.
    """
    per = campaigns.groupby(["brand", "season"])["assets_delivered"].sum()
    return float(per.mean()) if len(per) and per.mean() > 0 else None


def tornado(d: dict[str, float], ranges: dict[str, tuple[float, float]], assets_per_season: float,
            twins_per_season: int, twin_life_seasons: int) -> pd.DataFrame:
    """One-way sensitivity of :func:`savings_per_asset`.

    Each driver in turn is set to ``low`` and then ``high`` times its observed value, the
    others held at their observed values. Returns one row per driver with the savings at
    each end, the ``base`` savings and ``swing`` = ``|savings_at_high - savings_at_low|``
    (reporting currency per asset), largest swing first.

    Parameters
    ----------
    d
        Observed drivers (reporting currency per asset, per shoot day or per twin).
    ranges
        Driver name -> (low, high) multipliers of its observed value.
    assets_per_season
        The season's volume (assets).
    twins_per_season, twin_life_seasons
        Twins built each season and the seasons one twin is used.

    Returns
    -------
    DataFrame
        One row per driver: ``driver``, ``label``, ``low_multiplier``, ``high_multiplier``,
        ``savings_at_low``, ``savings_at_high``, ``base`` and ``swing`` (reporting currency per
        asset), the widest swing first.
    """
    base = float(savings_per_asset(d, assets_per_season, twins_per_season, twin_life_seasons))
    rows = []
    for name, (low, high) in ranges.items():
        at = {}
        for label, m in (("low", low), ("high", high)):
            moved = dict(d, **{name: d[name] * m})
            at[label] = float(savings_per_asset(moved, assets_per_season, twins_per_season, twin_life_seasons))
        rows.append({"driver": name, "label": DRIVER_LABELS[name], "low_multiplier": low, "high_multiplier": high,
                     "savings_at_low": at["low"], "savings_at_high": at["high"], "base": base,
                     "swing": abs(at["high"] - at["low"])})
    return pd.DataFrame(rows).sort_values("swing", ascending=False, kind="mergesort").reset_index(drop=True)


def draw_drivers(d: dict[str, float | None], ranges: dict[str, tuple[float, float]], n_draws: int, seed: int
                 ) -> dict[str, np.ndarray]:
    """``n_draws`` joint draws of the drivers (reporting currency, hours), for every Monte
    Carlo of the workbook (:func:`monte_carlo` here, the labour intervals, the scenarios):
    each driver present in ``d`` is its observed value times multipliers of
    :func:`twinimpact.analyses.stats.montecarlo.multipliers` within its range. Each driver has its own
    random stream, seeded by ``(seed, its place in the list of drivers)``, so a driver's
    draws are the same in every analysis that draws it, whatever else is drawn.

    Parameters
    ----------
    d
        Observed drivers (reporting currency, hours per asset); a driver set to None is not drawn.
    ranges
        Driver name -> (low, high) multipliers; a driver without a range stays at its value.
    n_draws, seed
        How many joint draws, and the run's seed.

    Returns
    -------
    dict
        Driver name -> array of ``n_draws`` values in the driver's unit.
    """
    names = [*DRIVER_LABELS, *HOURS_LABELS]
    return {name: d[name] * multipliers(np.random.default_rng([seed, i]), *ranges.get(name, (1.0, 1.0)), n_draws)
            for i, name in enumerate(names) if d.get(name) is not None}


def monte_carlo(d: dict[str, float], ranges: dict[str, tuple[float, float]], assets_per_season: float,
                twins_per_season: int, twin_life_seasons: int, n_draws: int, seed: int) -> pd.DataFrame:
    """Savings per asset and per season (reporting currency) over ``n_draws`` joint draws of
    the drivers (:func:`draw_drivers`), at ``assets_per_season`` assets a season.
    Vectorised: 100k draws take milliseconds.

    Parameters
    ----------
    d
        Observed drivers (reporting currency per asset, per shoot day or per twin).
    ranges
        Driver name -> (low, high) multipliers of its observed value.
    assets_per_season
        The season's volume (assets).
    twins_per_season, twin_life_seasons
        Twins built each season and the seasons one twin is used.
    n_draws, seed
        How many joint draws, and the run's seed.

    Returns
    -------
    DataFrame
        ``savings_per_asset`` (reporting currency per asset) and ``savings_per_season``
        (reporting currency per season), one row per draw.
    """
    draws = draw_drivers(d, ranges, n_draws, seed)
    per_asset = savings_per_asset(draws, assets_per_season, twins_per_season, twin_life_seasons)
    return pd.DataFrame({"savings_per_asset": per_asset, "savings_per_season": per_asset * assets_per_season})


# --- the results block -------------------------------------------------------------------
def moved_saving(d: dict[str, float], ranges: dict[str, tuple[float, float]], mix: tuple[float, float],
                 n_draws: int, seed: int) -> dict[str, Any]:
    """What an asset moved to twins from today's mix saves (twin building excluded): at the
    observed drivers and over the same draws as :func:`monte_carlo` (:func:`draw_drivers`).

    Parameters
    ----------
    d
        Observed drivers (reporting currency per asset, per shoot day or per twin).
    ranges
        Driver name -> (low, high) multipliers of its observed value.
    mix
        (traditional, hybrid) assets of the latest year: the proportions assets move in.
    n_draws, seed
        How many joint draws, and the run's seed.

    Returns
    -------
    dict
        ``saving_per_moved_asset`` (P10/P50/P90) and ``saving_per_moved_asset_observed``,
        reporting currency per moved asset; nulls when nothing moves.
    """
    observed = savings.mix_margin(d, *mix)
    drawn = savings.mix_margin(draw_drivers(d, ranges, n_draws, seed), *mix) if observed is not None else None
    return {"saving_per_moved_asset": minimum.checked_percentiles(percentiles(drawn)) if drawn is not None else
            {"p10": None, "p50": None, "p90": None}, "saving_per_moved_asset_observed": observed}


def cost_block(costs: pd.DataFrame, drivers: Drivers, mc: pd.DataFrame | None, assets_per_season: float | None,
               twins_per_season: int, twin_life_seasons: int, ranges: dict[str, tuple[float, float]] | None = None,
               difference: dict[str, Any] | None = None) -> CostBlock:
    """``cost`` in results.json (docs/DESIGN.md keys plus the inputs that produced them).

    Parameters
    ----------
    costs
        :func:`campaign_costs` (reporting currency).
    drivers
        The observed drivers.
    mc
        :func:`monte_carlo`, or None when the drivers are incomplete.
    assets_per_season
        The season's volume (assets).
    twins_per_season, twin_life_seasons
        Twins built each season and the seasons one twin is used.
    ranges
        Driver name -> (low, high) multipliers used.
    difference
        Twin minus traditional cost per asset with its bootstrap interval (reporting currency).

    Returns
    -------
    CostBlock
        results.json's ``cost``.
    """
    d = drivers.as_dict()
    be = break_even_assets(d, twins_per_season, twin_life_seasons) if drivers.complete else None
    return {
        "cost_per_asset": pooled_cost_per_asset(costs),
        "break_even_assets": be,
        "break_even_never": (be is None) if drivers.complete else None,
        "savings_per_asset": minimum.checked_percentiles(percentiles(mc["savings_per_asset"])) if mc is not None else
        {"p10": None, "p50": None, "p90": None},
        "savings_per_season": minimum.checked_percentiles(percentiles(mc["savings_per_season"])) if mc is not None
        else
        {"p10": None, "p50": None, "p90": None},
        "assets_per_season": assets_per_season,
        "savings_headline": "Monte Carlo median (P50) of savings per asset at the typical season volume",
        "twin_minus_traditional_per_asset": difference,
        "zero_asset_campaigns": costs.loc[costs["zero_assets"], "campaign_id"].tolist(),
        "drivers": d,
        "driver_ranges": {k: list(v) for k, v in (ranges or {}).items()},
    }


@dataclass
class CostAnalysis:
    """Everything the production-cost notebook shows, computed once."""

    costs: pd.DataFrame
    per_category: pd.DataFrame
    by_season: pd.DataFrame
    drivers: Drivers
    assets_per_season: float | None
    break_even: float | None
    curve: pd.DataFrame | None
    tornado: pd.DataFrame | None
    mc: pd.DataFrame | None
    fit: CostFunction | None
    fit_error: str | None
    like_for_like: pd.DataFrame | None
    ranges: dict[str, tuple[float, float]]
    drivers_table: pd.DataFrame
    reconciliation: pd.DataFrame
    conclusions: dict[str, dict[str, Any]]
    block: CostBlock  # results.json's cost block


def analyse(dataset: "Dataset", params: "Params") -> CostAnalysis:
    """Every production-cost calculation on a dataset with one set of parameters.

    Reads ``campaigns``, ``cost_lines`` and ``twin_usage`` and the parameters
    ``fx_rates`` and :data:`PARAMETERS`; returns what the production-cost notebook shows,
    with the ``cost`` block of results.json and the ``cost_twin_vs_traditional`` conclusion.
    Driver ranges come from the campaigns' spread unless ``driver_ranges`` sets them.

    Parameters
    ----------
    dataset
        The run's validated tables; this analysis reads ``campaigns``, ``cost_lines``,
        ``twin_usage``.
    params
        The run's parameters: money and scope, and :data:`PARAMETERS`. Units: money in the reporting
        currency (``fx_rates`` converts each campaign's currency); unit costs per asset, per shoot
        day or per twin.

    Returns
    -------
    CostAnalysis
        The campaigns' costs, per-category and per-season roll-ups, the drivers and their ranges,
        break-even (assets per season), the Monte Carlo of savings, the fitted cost function and
        like-for-like curve, the savings reconciliation; ``block`` is results.json's ``cost``
        (:class:`~twinimpact.results.CostBlock`) and ``conclusions`` its
        ``cost_twin_vs_traditional`` entry.
    """
    campaigns = dataset["campaigns"]
    costs = campaign_costs(campaigns, dataset["cost_lines"], params.fx_rates)
    drivers = observed_drivers(costs, dataset["twin_usage"])
    k, life = params.twins_per_season, params.twin_life_seasons
    volume = float(params.assets_per_season) if params.assets_per_season else typical_assets_per_season(campaigns)
    d = drivers.as_dict()
    ranges = cost_ranges(costs, d, params.driver_ranges)
    curve = tor = mc = None
    be = base = None
    if drivers.complete and volume:
        be = break_even_assets(d, k, life)
        top = max(volume, (be or 0) * CURVE_PAST_BREAK_EVEN, CURVE_MIN_ASSETS)
        curve = break_even_curve(d, k, life, top)
        tor = tornado(d, {n: ranges[n] for n in CORE_DRIVERS}, volume, k, life)
        mc = monte_carlo(d, ranges, volume, k, life, params.n_draws, params.seed)
        base = float(savings_per_asset(d, volume, k, life))
    fit, fit_error, lfl = None, None, None
    try:
        fit = fit_cost_function(costs)
        lfl = like_for_like(fit, costs["assets_delivered"])
    except DataError as err:
        fit_error = str(err)
    pooled = pooled_cost_per_asset(costs)
    difference = savings.pooled_difference(costs, params.seed)
    block = cost_block(costs, drivers, mc, volume, k, life, ranges, difference)
    latest = costs[costs["year"] == costs["year"].max()].groupby("production_mode")["assets_delivered"].sum()
    mix = (float(latest.get("traditional", 0)), float(latest.get("hybrid", 0)))
    block.update(moved_saving(d, ranges, mix, params.n_draws, params.seed) if drivers.complete else {})
    typical = costs.loc[costs["production_mode"] == "traditional", "assets_delivered"].median()
    recon = savings.reconciliation(pooled, d, volume, base, block["savings_per_asset"]["p50"], fit,
                                   None if pd.isna(typical) else float(typical),
                                   mix)
    conclusion = statements.cost_conclusion(pooled["traditional"], pooled["twin"], difference,
                                            params.reporting_currency)
    return CostAnalysis(costs, category_per_asset(costs), rollup(costs, ["season", "production_mode"]), drivers,
                        volume, be, curve, tor, mc, fit, fit_error, lfl, ranges,
                        drivers_table(d, ranges, set(params.driver_ranges)), recon,
                        {"cost_twin_vs_traditional": conclusion}, block)
