"""Scenarios over years: twin adoption ramps from today's mix (the base year's assets by
brand and mode) to ``adoption_share`` over ``horizon_years``, the moved assets coming from
traditional and hybrid production. Every figure is measured against keeping today's mix:
savings and their net present value (Monte Carlo over the drivers, each within its
campaigns' spread, with the engagement effect valued at ``value_per_engagement``), jobs
(FTE, with P10/P90) and models' twin fees and photographed pay.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from twinimpact.contract.spec import MOVABLE_MODES
from twinimpact.analyses import cost, drivers as driver_model, labor, montecarlo
from twinimpact.errors import DataError
from twinimpact.results import ScenariosBlock
from twinimpact.analyses.count_model import aggregate_cells, build_design, fit_poisson
from twinimpact.words import statements

if TYPE_CHECKING:
    from twinimpact.sources.data import Dataset
    from twinimpact.params import Params

#: Params fields the scenarios read (beyond money and scope).
PARAMETERS = ("seed", "n_draws", "horizon_years", "discount_rate", "adoption_share", "volume_growth",
              "twins_per_season", "twin_life_seasons", "driver_ranges", "redeploy_share", "annual_hours",
              "agency_commission", "labor_year", "value_per_engagement")
#: Fashion brands shoot two seasons a year (spring/summer and autumn/winter).
SEASONS_PER_YEAR = 2
#: Log-follower bin width of the engagement fit that values engagement (the model's default).
ENGAGEMENT_BIN_WIDTH = 0.1


def current_twin_share(campaigns: pd.DataFrame, year: int) -> float:
    """Share (0-1) of the assets of campaigns starting in ``year`` that were made in twin
    campaigns (hybrid campaigns count as not twin); 0 when the year has no assets.

    Parameters
    ----------
    campaigns
        The contract's campaigns table.
    year
        The base year.

    Returns
    -------
    float
        Twin share of the year's assets (0-1).
    """
    y = pd.to_datetime(campaigns["start_date"]).dt.year == year
    total = campaigns.loc[y, "assets_delivered"].sum()
    twin = campaigns.loc[y & (campaigns["production_mode"] == "twin"), "assets_delivered"].sum()
    return float(twin / total) if total else 0.0


def adoption_path(mix: pd.DataFrame, target_share: float, horizon_years: int, volume_growth: float) -> pd.DataFrame:
    """Years t = 1..H from the base year's ``mix`` (assets by brand and mode): each brand
    moves the fraction ``t / H`` of the way from its own twin share to ``target_share``
    (:func:`twinimpact.analyses.labor.moved_assets`) while volume grows at ``volume_growth``::

        assets_t = assets * (1 + g)^t       moved_t(mode) = (1 + g)^t * moved(mode, fraction t / H)

    Parameters
    ----------
    mix
        Assets by brand and mode in the base year (:func:`twinimpact.analyses.labor.mix_by_brand`).
    target_share
        The twin share every brand moves to (0-1).
    horizon_years
        Years of the path.
    volume_growth
        Yearly growth of the assets (0.05 = 5% a year).

    Returns
    -------
    DataFrame
        One row per year: ``year`` (1..H), ``fraction`` of the way, ``assets``,
        ``moved_traditional``, ``moved_hybrid`` and ``twin_share`` reached (0-1).
    """
    total = float(mix.to_numpy().sum())
    twin_now = float(mix["twin"].sum())
    rows = []
    for t in range(1, horizon_years + 1):
        growth = (1 + volume_growth) ** t
        moved = labor.moved_assets(mix, target_share, t / horizon_years)
        rows.append({"year": t, "fraction": t / horizon_years, "assets": total * growth,
                     "moved_traditional": moved["traditional"] * growth, "moved_hybrid": moved["hybrid"] * growth,
                     "twin_share": (twin_now + sum(moved.values())) / total if total else 0.0})
    return pd.DataFrame(rows)


def npv(flows: np.ndarray, discount_rate: float) -> np.ndarray:
    """Net present value of yearly flows ``F_t`` (last axis = years 1..H), each discounted
    at the end of its year: ``NPV = sum_t F_t / (1 + r)^t``."""
    years = np.arange(1, flows.shape[-1] + 1)
    return (flows / (1 + discount_rate) ** years).sum(axis=-1)


def savings_draws(d: dict[str, np.ndarray], path: pd.DataFrame, twins_per_season: int,
                  twin_life_seasons: int) -> np.ndarray:
    """Savings per year against keeping today's mix (draws x years), reporting currency.

    With ``d`` the drawn drivers (:func:`twinimpact.analyses.cost.draw_drivers`), each year::

        moved_trad * (c_trad - c_twin) + moved_hyb * (c_hyb - c_twin) - fraction * twin building a year

    where ``c`` are the per-asset costs of the driver model and twin building a year is two
    seasons of ``twins_per_season`` twins at ``twin_creation_cost / twin_life_seasons``.
    Drivers are drawn once per draw and held across years (uncertainty about the unit
    costs, not year-to-year noise).

    Parameters
    ----------
    d
        Drawn drivers (reporting currency per asset, per shoot day or per twin).
    path
        :func:`adoption_path`.
    twins_per_season, twin_life_seasons
        Twins built each season and the seasons one twin is used.

    Returns
    -------
    ndarray
        Draws x years, reporting currency a year.
    """
    twin = cost.twin_variable_per_asset(d)
    trad_margin = cost.traditional_per_asset(d) - twin
    hyb = path["moved_hybrid"].to_numpy()
    hyb_margin = d["hybrid_per_asset"] - twin if "hybrid_per_asset" in d else np.zeros_like(twin)
    if hyb.any() and "hybrid_per_asset" not in d:
        raise DataError("Hybrid assets would move to twins but the data has no hybrid campaign with assets.")
    fixed_year = SEASONS_PER_YEAR * cost.twin_fixed_per_season(d, twins_per_season, twin_life_seasons)
    return (trad_margin[:, None] * path["moved_traditional"].to_numpy()[None, :]
            + hyb_margin[:, None] * hyb[None, :] - fixed_year[:, None] * path["fraction"].to_numpy()[None, :])


def engagement_value_draws(dataset: "Dataset", params: "Params", base_year: int, base_assets: float,
                           n_draws: int) -> tuple[np.ndarray, dict[str, Any]]:
    """Per moved asset, the value of the engagement it gains or loses (draws, reporting
    currency): ``value_per_engagement * E * (IRR_twin * IRR_label - 1)`` with ``E`` the base
    year's engagements per asset delivered and the rate ratios drawn from the Poisson fit's
    sampling distribution (normal on the log scale, with their covariance). A moved asset
    becomes labelled twin imagery instead of unlabelled human imagery.

    Parameters
    ----------
    dataset, params
        The run's data and parameters (``value_per_engagement`` in the reporting currency).
    base_year, base_assets
        The base year and its assets.
    n_draws
        Draws of the rate ratios.

    Returns
    -------
    tuple
        (per moved asset, the engagement value gained or lost, reporting currency, one value
        per draw; results.json's ``scenarios.engagement``).
    """
    posts = dataset.table("posts")
    fit = fit_poisson(build_design(aggregate_cells(posts, "engagements", ENGAGEMENT_BIN_WIDTH)))
    names = ["imagery[twin]", "ai_label"]
    if not all(n in fit.names for n in names):
        raise DataError("Engagement cannot be valued: the data cannot estimate the twin and label rate ratios.")
    idx = [fit.names.index(n) for n in names]
    mean, cov = fit.params[idx], fit.cov[np.ix_(idx, idx)]
    log_ratio = np.random.default_rng([params.seed, 1000]).multivariate_normal(mean, cov, n_draws).sum(axis=1)
    year = posts.filter(posts.posted_at.year() == base_year)
    engagements = float((year.likes + year.comments + year.shares + year.saves).sum().to_pyarrow().as_py() or 0)
    per_asset = engagements / base_assets if base_assets else 0.0
    info = {"engagements_per_asset": per_asset, "irr_twin_times_label": float(np.exp(mean.sum())),
            "value_per_engagement": params.value_per_engagement}
    return params.value_per_engagement * per_asset * (np.exp(log_ratio) - 1), info


@dataclass
class ScenarioAnalysis:
    """What the scenarios notebook shows: the adoption path, yearly figures and the NPV draws."""

    path: pd.DataFrame
    yearly: pd.DataFrame  # year, savings p10/p50/p90, net FTE (P10/P90), payouts, lost model pay
    npv_draws: np.ndarray
    npv_pct: dict[str, float]
    start_share: float
    base_year: int
    conclusions: dict[str, dict[str, Any]]
    block: ScenariosBlock  # results.json's scenarios block
    why_not: str = ""  # set when the data cannot carry the scenarios: what is missing

    @property
    def available(self) -> bool:
        """False when the data lack what the scenarios need (``why_not`` says what)."""
        return not self.why_not


def unavailable(why: str, params: "Params") -> ScenarioAnalysis:
    """The scenarios when the data cannot carry them: every figure null, the reason stated.

    Parameters
    ----------
    why
        The reason, in words.
    params
        The run's parameters.

    Returns
    -------
    ScenarioAnalysis
        Null figures; ``why_not`` and the conclusion say why.
    """
    pct = {"p10": None, "p50": None, "p90": None}
    conclusion = {"direction": None, "statement": f"The adoption path cannot be valued: {why}"}
    block = {"npv": pct, "horizon_years": params.horizon_years, "not_available": why}
    return ScenarioAnalysis(pd.DataFrame(), pd.DataFrame(), np.array([]), pct, float("nan"), 0,
                            {"npv_adoption": conclusion}, block, why)


def analyse(dataset: "Dataset", params: "Params") -> ScenarioAnalysis:
    """The adoption path over ``horizon_years`` from the base year's mix to ``adoption_share``:
    yearly savings (P10/P50/P90), their NPV (engagement valued at ``value_per_engagement``),
    net FTE with P10/P90, and models' twin fees against photographed pay, all against
    keeping today's mix; with the ``npv_adoption`` conclusion.

    The base year is ``labor_year`` (0 = the latest year in the data), and each brand moves
    as in the labour analysis, so the final year's labour figures equal the labour
    notebook's when volume does not grow.

    Parameters
    ----------
    dataset
        The run's validated tables; this analysis reads ``campaigns``, ``cost_lines``, ``staffing``,
        ``twin_usage``, ``models`` and ``posts``.
    params
        The run's parameters: money and scope, and :data:`PARAMETERS`. Units: money in the reporting
        currency, discounted at ``discount_rate`` a year; FTE.

    Returns
    -------
    ScenarioAnalysis
        The adoption path year by year, the NPV draws and their P10/P50/P90; ``block`` is
        results.json's ``scenarios`` (:class:`~twinimpact.results.ScenariosBlock`) and
        ``conclusions`` its ``npv_adoption`` entry.
    """
    return scaled(dataset, params, {})


def scaled(dataset: "Dataset", params: "Params", scale: dict[str, float]) -> ScenarioAnalysis:
    """:func:`analyse` with drivers' observed values multiplied by ``scale`` (a what-if:
    ``{"shoot_day_cost": 1.2}``); their ranges stay multipliers of the scaled values.

    Parameters
    ----------
    dataset, params
        As :func:`analyse`.
    scale
        Driver name -> multiplier of its observed value (the what-if sliders).

    Returns
    -------
    ScenarioAnalysis
        As :func:`analyse`.
    """
    campaigns, fx = dataset["campaigns"], params.fx_rates
    costs = cost.campaign_costs(campaigns, dataset["cost_lines"], fx)
    drivers = driver_model.observed_drivers(costs, dataset["twin_usage"])
    if not drivers.complete:
        return unavailable("the data need traditional and twin campaigns with their unit costs ("
                           + "; ".join(drivers.notes) + ").", params)
    base_year, assets = labor.year_assets(campaigns, params.labor_year)
    mix = labor.mix_by_brand(campaigns, base_year)
    start = current_twin_share(campaigns, base_year)
    path = adoption_path(mix, params.adoption_share, params.horizon_years, params.volume_growth)
    detail = labor.staffing_detail(dataset["staffing"], campaigns, fx)
    rates = labor.role_hours_per_asset(detail, campaigns)
    hpa = labor.hours_per_asset(dataset["staffing"], campaigns)
    d = drivers.as_dict()
    ranges = driver_model.cost_ranges(costs, d, params.driver_ranges)
    if scale:
        d = {k: v * scale.get(k, 1.0) for k, v in d.items()}
    draws = cost.draw_drivers(d, ranges, params.n_draws, params.seed)
    hours, _ = labor.hours_draws(dataset["staffing"], campaigns, hpa, params)
    flows = savings_draws(draws, path, params.twins_per_season, params.twin_life_seasons)
    engagement_info: dict[str, Any] = {"value_per_engagement": 0.0}
    valued = False
    if params.value_per_engagement > 0:
        try:
            per_asset_value, engagement_info = engagement_value_draws(dataset, params, base_year, assets,
                                                                      params.n_draws)
        except DataError as err:  # no posts, or no twin or label to compare: the NPV leaves engagement out
            engagement_info = {"value_per_engagement": params.value_per_engagement, "not_valued": str(err)}
        else:
            moved_total = (path["moved_traditional"] + path["moved_hybrid"]).to_numpy()
            flows = flows + per_asset_value[:, None] * moved_total[None, :]
            valued = True
    npv_draws = npv(flows, params.discount_rate)
    model_pay = _model_pay_per_asset(rates, campaigns)
    _, income = labor.model_income(detail, campaigns, dataset["models"], dataset["twin_usage"], fx, assets,
                                   params.adoption_share, params.agency_commission)
    keep = 1 - params.agency_commission
    yearly_pct = montecarlo.percentiles(flows, axis=0)
    rows = []
    for i, r in enumerate(path.itertuples()):
        moved = {"traditional": r.moved_traditional, "hybrid": r.moved_hybrid}
        base = (mix.sum() * (1 + params.volume_growth) ** r.year).to_dict()
        scen = labor.shift_from_mix(rates, base, moved, params.redeploy_share, params.annual_hours)
        table = scen.table
        fte = labor.hours_intervals(scen, rates, hours, params.annual_hours, params.redeploy_share)["net_fte"]
        rows.append({"year": int(r.year), "twin_share": r.twin_share, "assets": r.assets,
                     **{f"savings_{k}": float(v[i]) for k, v in yearly_pct.items()},
                     "net_fte": float(table["net_fte"].sum()), "net_fte_p10": fte["p10"], "net_fte_p90": fte["p90"],
                     "lost_fte": float(table["lost"].sum() / params.annual_hours),
                     "redeployed_fte": float(table["redeployed"].sum() / params.annual_hours),
                     "new_fte": float(table["new"].sum() / params.annual_hours),
                     "model_twin_fees": keep * sum(moved.values()) * income["twin_fee_per_asset"],
                     "model_photo_pay_lost": keep * sum(moved[m] * model_pay[m] for m in moved)})
    yearly = pd.DataFrame(rows)
    pct = montecarlo.percentiles(npv_draws)
    p_negative = float((npv_draws < 0).mean())
    conclusion = statements.npv_conclusion(pct, p_negative, start, params.adoption_share, params.horizon_years,
                                           params.reporting_currency, valued)
    block = {"npv": pct, "npv_against": "keeping today's mix of traditional, hybrid and twin production",
             "horizon_years": params.horizon_years, "discount_rate": params.discount_rate, "start_twin_share": start,
             "target_twin_share": params.adoption_share, "base_year": base_year,
             "final_year_net_fte": float(yearly["net_fte"].iloc[-1]),
             "final_year_net_fte_p10_p90": [float(yearly["net_fte_p10"].iloc[-1]),
                                            float(yearly["net_fte_p90"].iloc[-1])],
             "cumulative_model_twin_fees": float(yearly["model_twin_fees"].sum()),
             "cumulative_model_photo_pay_lost": float(yearly["model_photo_pay_lost"].sum()),
             "probability_npv_positive": float((npv_draws > 0).mean()), "probability_npv_negative": p_negative,
             "engagement": engagement_info, "driver_ranges": {k: list(v) for k, v in ranges.items()}}
    return ScenarioAnalysis(path, yearly, npv_draws, pct, start, base_year, {"npv_adoption": conclusion}, block)


def _model_pay_per_asset(rates: pd.DataFrame, campaigns: pd.DataFrame) -> dict[str, float]:
    """Model pay per asset delivered in each mode (reporting currency): the photographed pay
    an asset moved to a twin takes away from models."""
    assets = campaigns.groupby("production_mode")["assets_delivered"].sum()
    pay = rates[rates["role"] == "model"].set_index("production_mode")["pay"]
    return {m: float(pay.get(m, 0.0)) / float(assets[m]) if assets.get(m, 0) else 0.0
            for m in MOVABLE_MODES}
