"""Scenarios over years: twin adoption ramps from today's share (the latest year in the data)
to ``adoption_share`` over ``horizon_years``. Every figure is measured against keeping
today's share: savings and their net present value (Monte Carlo over the cost drivers),
jobs (FTE) and models' twin fees and photographed pay. Pure functions on ``cost`` and
``labor``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import cost, drivers as driver_model, labor, montecarlo
from .errors import DataError

if TYPE_CHECKING:
    from .data import Dataset
    from .params import Params

#: Params fields the scenarios read (beyond money and scope).
PARAMETERS = ("seed", "n_draws", "horizon_years", "discount_rate", "adoption_share", "volume_growth",
              "twins_per_season", "twin_life_seasons", "driver_ranges", "redeploy_share", "annual_hours",
              "agency_commission", "labor_year")
#: Fashion brands shoot two seasons a year (spring/summer and autumn/winter).
SEASONS_PER_YEAR = 2


def current_twin_share(campaigns: pd.DataFrame, year: int) -> float:
    """Share (0-1) of the assets of campaigns starting in ``year`` that were made in twin
    campaigns (hybrid campaigns count as not twin); 0 when the year has no assets."""
    y = pd.to_datetime(campaigns["start_date"]).dt.year == year
    total = campaigns.loc[y, "assets_delivered"].sum()
    twin = campaigns.loc[y & (campaigns["production_mode"] == "twin"), "assets_delivered"].sum()
    return float(twin / total) if total else 0.0


def adoption_path(start_share: float, target_share: float, horizon_years: int, assets: float,
                  volume_growth: float) -> pd.DataFrame:
    """Years t = 1..H: the twin share moving linearly from ``start_share`` to
    ``target_share`` and the volume growing at ``volume_growth``::

        twin_share_t = start + (target - start) * t / H      assets_t = assets * (1 + g)^t
    """
    t = np.arange(1, horizon_years + 1)
    share = start_share + (target_share - start_share) * t / horizon_years
    volume = assets * (1 + volume_growth) ** t
    return pd.DataFrame({"year": t, "twin_share": share, "assets": volume, "twin_assets": share * volume})


def npv(flows: np.ndarray, discount_rate: float) -> np.ndarray:
    """Net present value of yearly flows ``F_t`` (last axis = years 1..H), each discounted
    at the end of its year: ``NPV = sum_t F_t / (1 + r)^t``."""
    years = np.arange(1, flows.shape[-1] + 1)
    return (flows / (1 + discount_rate) ** years).sum(axis=-1)


def savings_draws(drivers: dict[str, float], ranges: dict[str, tuple[float, float]], path: pd.DataFrame,
                  start_share: float, twins_per_season: int, twin_life_seasons: int, n_draws: int,
                  seed: int) -> np.ndarray:
    """Savings per year against keeping today's twin share (draws x years), reporting currency.

    Each year: (twin assets beyond today's share) x (traditional minus twin variable cost
    per asset), minus the extra twin building that volume needs (two seasons a year,
    scaled with the added twin share). Drivers are drawn once per draw and held across
    years (uncertainty about the unit costs, not year-to-year noise).
    """
    d = cost.draw_drivers(drivers, ranges, n_draws, seed)
    margin = cost.traditional_per_asset(d) - cost.twin_variable_per_asset(d)  # per asset, per draw
    extra = (path["twin_share"].to_numpy() - start_share) * path["assets"].to_numpy()  # per year
    fixed_year = SEASONS_PER_YEAR * cost.twin_fixed_per_season(d, twins_per_season, twin_life_seasons)  # per draw
    scale = np.clip((path["twin_share"].to_numpy() - start_share) / max(1e-9, path["twin_share"].max() - start_share),
                    0, 1)
    return margin[:, None] * extra[None, :] - fixed_year[:, None] * scale[None, :]


@dataclass
class ScenarioAnalysis:
    """What the scenarios notebook shows: the adoption path, yearly figures and the NPV draws."""

    path: pd.DataFrame
    yearly: pd.DataFrame  # year, savings p10/p50/p90, net FTE, payouts, lost model pay
    npv_draws: np.ndarray
    npv_pct: dict[str, float]
    start_share: float
    base_year: int
    block: dict[str, Any]


def analyse(dataset: "Dataset", params: "Params") -> ScenarioAnalysis:
    """The adoption path over ``horizon_years`` from the base year's twin share to
    ``adoption_share``: yearly savings (P10/P50/P90), their NPV, net FTE and models' twin
    fees against photographed pay, all against keeping today's share.

    The base year is ``labor_year`` (0 = the latest year in the data), as in the labour
    analysis, so both start from the same assets.
    """
    campaigns = dataset["campaigns"]
    fx = params.fx_rates
    costs = cost.campaign_costs(campaigns, dataset["cost_lines"], fx)
    drivers = driver_model.observed_drivers(costs, dataset["twin_usage"])
    base_year, assets = labor.year_assets(campaigns, params.labor_year)
    start = current_twin_share(campaigns, base_year)
    path = adoption_path(start, params.adoption_share, params.horizon_years, assets, params.volume_growth)
    if not drivers.complete:
        raise DataError("Scenarios need traditional and twin campaigns in the data: " + "; ".join(drivers.notes))
    draws = savings_draws(drivers.as_dict(), params.driver_ranges, path, start, params.twins_per_season,
                          params.twin_life_seasons, params.n_draws, params.seed)
    npv_draws = npv(draws, params.discount_rate)
    detail = labor.staffing_detail(dataset["staffing"], campaigns, fx)
    rates = labor.role_hours_per_asset(detail, campaigns)
    _, income = labor.model_income(detail, campaigns, dataset["models"], dataset["twin_usage"], fx, assets,
                                   params.adoption_share, params.agency_commission)
    keep = 1 - params.agency_commission
    yearly_pct = montecarlo.percentiles(draws, axis=0)
    rows = []
    for i, r in enumerate(path.itertuples()):
        # against keeping today's share: the labour arithmetic is linear in the share moved
        moved = r.twin_share - start
        table = labor.adoption_effect(rates, r.assets, moved, params.redeploy_share, params.annual_hours).table
        rows.append({"year": int(r.year), "twin_share": r.twin_share, "assets": r.assets,
                     **{f"savings_{k}": float(v[i]) for k, v in yearly_pct.items()},
                     "net_fte": float(table["net_fte"].sum()),
                     "lost_fte": float(table["lost"].sum() / params.annual_hours),
                     "new_fte": float(table["new"].sum() / params.annual_hours),
                     "model_twin_fees": keep * moved * r.assets * income["twin_fee_per_asset"],
                     "model_photo_pay_lost": keep * moved * r.assets * income["model_pay_per_asset"]})
    yearly = pd.DataFrame(rows)
    pct = montecarlo.percentiles(npv_draws)
    block = {"npv": pct, "npv_against": "keeping today's twin share", "horizon_years": params.horizon_years,
             "discount_rate": params.discount_rate, "start_twin_share": start,
             "target_twin_share": params.adoption_share, "base_year": base_year,
             "final_year_net_fte": float(yearly["net_fte"].iloc[-1]),
             "cumulative_model_twin_fees": float(yearly["model_twin_fees"].sum()),
             "cumulative_model_photo_pay_lost": float(yearly["model_photo_pay_lost"].sum()),
             "probability_npv_positive": float((npv_draws > 0).mean())}
    return ScenarioAnalysis(path, yearly, npv_draws, pct, start, base_year, block)
