"""Scenarios over years: twin adoption ramps from today's share (the latest year in the data)
to ``adoption_share`` over ``horizon_years``. Every figure is measured against keeping
today's share: savings and their net present value (Monte Carlo over the cost drivers),
jobs (FTE) and models' twin fees and photographed pay. Pure functions on ``cost`` and
``labor``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import cost, labor
from .errors import DataError


def current_twin_share(campaigns: pd.DataFrame, year: int) -> float:
    """Share of a year's assets made in twin campaigns."""
    y = pd.to_datetime(campaigns["start_date"]).dt.year == year
    total = campaigns.loc[y, "assets_delivered"].sum()
    twin = campaigns.loc[y & (campaigns["production_mode"] == "twin"), "assets_delivered"].sum()
    return float(twin / total) if total else 0.0


def adoption_path(start_share: float, target_share: float, horizon_years: int, assets: float,
                  volume_growth: float) -> pd.DataFrame:
    """Year 1..horizon: twin share moving linearly from today's to the target, and volume."""
    t = np.arange(1, horizon_years + 1)
    share = start_share + (target_share - start_share) * t / horizon_years
    volume = assets * (1 + volume_growth) ** t
    return pd.DataFrame({"year": t, "twin_share": share, "assets": volume, "twin_assets": share * volume})


def npv(flows: np.ndarray, discount_rate: float) -> np.ndarray:
    """Net present value of yearly flows (last axis = years 1..H), discounted at year end."""
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
    rng = np.random.default_rng(seed)
    d = {name: drivers[name] * cost.multipliers(rng, *ranges.get(name, (1.0, 1.0)), n_draws)
         for name in cost.DRIVER_LABELS}
    margin = cost.traditional_per_asset(d) - cost.twin_variable_per_asset(d)  # per asset, per draw
    extra = (path["twin_share"].to_numpy() - start_share) * path["assets"].to_numpy()  # per year
    fixed_year = 2 * cost.twin_fixed_per_season(d, twins_per_season, twin_life_seasons)  # per draw
    scale = np.clip((path["twin_share"].to_numpy() - start_share) / max(1e-9, path["twin_share"].max() - start_share),
                    0, 1)
    return margin[:, None] * extra[None, :] - fixed_year[:, None] * scale[None, :]


@dataclass
class ScenarioAnalysis:
    path: pd.DataFrame
    yearly: pd.DataFrame  # year, savings p10/p50/p90, net FTE, payouts, lost model pay
    npv_draws: np.ndarray
    npv_pct: dict[str, float]
    start_share: float
    base_year: int
    block: dict[str, Any]


def analyse(frames: dict[str, pd.DataFrame], *, fx_rates: dict[str, float], driver_ranges: dict,
            twins_per_season: int, twin_life_seasons: int, adoption_share: float, horizon_years: int,
            discount_rate: float, volume_growth: float, redeploy_share: dict[str, float], annual_hours: float,
            agency_commission: float, n_draws: int, seed: int) -> ScenarioAnalysis:
    campaigns = frames["campaigns"]
    costs = cost.campaign_costs(campaigns, frames["cost_lines"], fx_rates)
    drivers = cost.observed_drivers(costs, frames["twin_usage"])
    base_year, assets = labor.year_assets(campaigns)
    start = current_twin_share(campaigns, base_year)
    path = adoption_path(start, adoption_share, horizon_years, assets, volume_growth)
    if not drivers.complete:
        raise DataError("Scenarios need traditional and twin campaigns in the data: " + "; ".join(drivers.notes))
    draws = savings_draws(drivers.as_dict(), driver_ranges, path, start, twins_per_season, twin_life_seasons,
                          n_draws, seed)
    npv_draws = npv(draws, discount_rate)
    detail = labor.staffing_detail(frames["staffing"], campaigns, fx_rates)
    rates = labor.role_hours_per_asset(detail, campaigns)
    _, income = labor.model_income(detail, campaigns, frames["models"], frames["twin_usage"], fx_rates, assets,
                                   adoption_share, agency_commission)
    rows = []
    for r, col in zip(path.itertuples(), draws.T):
        # against keeping today's share: the labour arithmetic is linear in the share moved
        moved = r.twin_share - start
        table = labor.adoption_effect(rates, r.assets, moved, redeploy_share, annual_hours).table
        p10, p50, p90 = np.percentile(col, [10, 50, 90])
        rows.append({"year": int(r.year), "twin_share": r.twin_share, "assets": r.assets,
                     "savings_p10": p10, "savings_p50": p50, "savings_p90": p90,
                     "net_fte": float(table["net_fte"].sum()),
                     "lost_fte": float(table["lost"].sum() / annual_hours),
                     "new_fte": float(table["new"].sum() / annual_hours),
                     "model_twin_fees": (1 - agency_commission) * moved * r.assets * income["twin_fee_per_asset"],
                     "model_photo_pay_lost": (1 - agency_commission) * moved * r.assets
                     * income["model_pay_per_asset"]})
    yearly = pd.DataFrame(rows)
    pct = cost.percentiles(npv_draws)
    block = {"npv": pct, "npv_against": "keeping today's twin share", "horizon_years": horizon_years, "discount_rate": discount_rate,
             "start_twin_share": start, "target_twin_share": adoption_share, "base_year": base_year,
             "final_year_net_fte": float(yearly["net_fte"].iloc[-1]),
             "cumulative_model_twin_fees": float(yearly["model_twin_fees"].sum()),
             "cumulative_model_photo_pay_lost": float(yearly["model_photo_pay_lost"].sum()),
             "probability_npv_positive": float((npv_draws > 0).mean())}
    return ScenarioAnalysis(path, yearly, npv_draws, pct, start, base_year, block)
