"""Creative labour: hours, headcount and pay by role, what moving a share of assets to
digital twins does to them (displaced, redeployed, new work, net), and models' income
from photographed days versus twin fees. Pure functions.

The scenario. ``adoption_share`` of a year's assets are made with twins instead of the
traditional way. Starting from the all-traditional baseline (zero adoption reproduces it
exactly), each role loses ``share x assets x traditional hours per asset`` (displaced);
``redeploy_share[role]`` of those hours stay paid on other work (redeployed), the rest are
lost; twin production adds ``share x assets x twin hours per asset`` (new work). So
displaced = redeployed + lost, and the role's paid hours change by new - lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .contract import PRODUCTION_MODES, SHOOT_DAY_ROLES
from .money import rates_for, to_reporting

if TYPE_CHECKING:
    from .data import Dataset
    from .params import Params

#: Params fields the creative-labour analysis reads (beyond money and scope).
PARAMETERS = ("adoption_share", "redeploy_share", "annual_hours", "agency_commission", "labor_year")


def staffing_detail(staffing: pd.DataFrame, campaigns: pd.DataFrame, fx_rates: dict[str, float]) -> pd.DataFrame:
    """Staffing rows with their campaign's brand, mode, year and assets, the hourly rate in
    the reporting currency (``hourly_rate_rep``) and ``pay`` = hours x hourly_rate_rep.

    Parameters
    ----------
    staffing, campaigns
        Contract tables; a staffing row's ``hourly_rate`` is in its campaign's currency.
    fx_rates
        Units of the reporting currency per unit of each currency.
    """
    c = campaigns[["campaign_id", "brand", "production_mode", "start_date", "assets_delivered", "currency"]]
    s = staffing.merge(c, on="campaign_id", how="left")
    s["year"] = pd.to_datetime(s["start_date"]).dt.year
    s["hourly_rate_rep"] = s["hourly_rate"].astype(float) * rates_for(s["currency"], fx_rates).to_numpy()
    s["pay"] = s["hours"].astype(float) * s["hourly_rate_rep"]
    return s


def hours_per_asset(staffing: pd.DataFrame, campaigns: pd.DataFrame) -> dict[str, float | None]:
    """Paid hours per finished asset of each mode, pooled::

        hours_per_asset[mode] = sum(staffing hours of the mode's campaigns) / sum(assets_delivered)

    ``None`` for a mode with no assets; ``labor.hours_per_asset`` in results.json."""
    hours = staffing.merge(campaigns[["campaign_id", "production_mode"]], on="campaign_id").groupby(
        "production_mode")["hours"].sum()
    assets = campaigns.groupby("production_mode")["assets_delivered"].sum()
    return {m: (float(hours.get(m, 0.0)) / float(assets[m]) if m in assets and assets[m] > 0 else None)
            for m in PRODUCTION_MODES}


def role_hours_per_asset(detail: pd.DataFrame, campaigns: pd.DataFrame) -> pd.DataFrame:
    """By mode and role: hours, pay and people summed; ``hours_per_asset`` = the role's hours
    over the mode's assets delivered; ``hourly_rate`` = pay / hours (hours-weighted mean,
    reporting currency per hour). ``detail`` is :func:`staffing_detail`."""
    assets = campaigns.groupby("production_mode")["assets_delivered"].sum()
    g = detail.groupby(["production_mode", "role"]).agg(hours=("hours", "sum"), pay=("pay", "sum"),
                                                        people=("people", "sum")).reset_index()
    g["hours_per_asset"] = g["hours"] / g["production_mode"].map(assets).astype(float)
    g["hourly_rate"] = g["pay"] / g["hours"]
    return g


def pay_by_role(detail: pd.DataFrame) -> pd.DataFrame:
    """Hours and pay by role and engagement type (employee, freelance, agency)."""
    return detail.groupby(["role", "engagement"]).agg(hours=("hours", "sum"), pay=("pay", "sum"),
                                                      people=("people", "sum")).reset_index()


@dataclass
class Scenario:
    """The year's labour under adoption, by role."""

    year: int
    assets: float
    adoption_share: float
    table: pd.DataFrame  # role, baseline_hours, displaced, redeployed, lost, new, net, scenario_hours, FTEs, pay


def adoption_effect(rates: pd.DataFrame, assets: float, adoption_share: float, redeploy_share: dict[str, float],
                    annual_hours: float, year: int = 0) -> Scenario:
    """Hours, FTE and pay by role when ``adoption_share`` (s) of ``assets`` (A) are made
    with twins instead of traditionally. For a role with traditional hours per asset h_t,
    twin hours per asset h_w and redeployed share r::

        displaced = s * A * h_t        redeployed = r * displaced      lost = displaced - redeployed
        new       = s * A * h_w        net = new - lost                FTE = hours / annual_hours

    ``rates`` is :func:`role_hours_per_asset`; traditional hours and rates come from the
    traditional rows, new work from the twin rows (a role's twin rate, else its
    traditional rate). Pay for redeployed hours stays at the role's traditional rate.
    """
    trad = rates[rates["production_mode"] == "traditional"].set_index("role")
    twin = rates[rates["production_mode"] == "twin"].set_index("role")
    roles = list(dict.fromkeys([*trad.index, *twin.index]))
    rows = []
    s = adoption_share
    for role in roles:
        h_t = float(trad["hours_per_asset"].get(role, 0.0))
        h_w = float(twin["hours_per_asset"].get(role, 0.0))
        r_t = float(trad["hourly_rate"].get(role, np.nan))
        r_w = float(twin["hourly_rate"].get(role, np.nan))
        r_w = r_w if np.isfinite(r_w) else r_t
        r_t = r_t if np.isfinite(r_t) else r_w
        baseline = assets * h_t
        displaced = s * assets * h_t
        redeployed = redeploy_share.get(role, 0.0) * displaced
        lost = displaced - redeployed
        new = s * assets * h_w
        scenario = baseline - lost + new
        base_pay = baseline * r_t
        scen_pay = (baseline - displaced + redeployed) * r_t + new * r_w
        rows.append({"role": role, "baseline_hours": baseline, "displaced": displaced, "redeployed": redeployed,
                     "lost": lost, "new": new, "net": new - lost, "scenario_hours": scenario,
                     "baseline_fte": baseline / annual_hours, "scenario_fte": scenario / annual_hours,
                     "net_fte": (new - lost) / annual_hours, "baseline_pay": base_pay, "scenario_pay": scen_pay,
                     "pay_change": scen_pay - base_pay})
    table = pd.DataFrame(rows)
    if len(table):
        table["shoot_day_role"] = table["role"].isin(SHOOT_DAY_ROLES)
        table = table.sort_values("net", kind="mergesort").reset_index(drop=True)
    return Scenario(year, assets, adoption_share, table)


def year_assets(campaigns: pd.DataFrame, year: int = 0) -> tuple[int, float]:
    """The year analysed (``year``, or the latest campaign start year when 0) and the assets
    delivered by campaigns starting that year."""
    years = pd.to_datetime(campaigns["start_date"]).dt.year
    y = int(years.max()) if not year else int(year)
    return y, float(campaigns.loc[years == y, "assets_delivered"].sum())


# --- public context ----------------------------------------------------------------------
def wage_context(rates: pd.DataFrame, occupations: pd.DataFrame, fx_rates: dict[str, float]) -> pd.DataFrame:
    """Each role's rate in the data (traditional, else twin) next to its SOC code's BLS
    May 2024 hourly wages (P10, median, P90), all in the reporting currency when the
    parameters hold a USD rate."""
    order = {m: i for i, m in enumerate(PRODUCTION_MODES)}
    own = rates.sort_values("production_mode", key=lambda s: s.map(order))
    own = own.drop_duplicates("role")[["role", "hourly_rate"]]
    occ = occupations.copy()
    usd = fx_rates.get("USD")
    for col in ("median_hourly_wage_usd", "p10_hourly_wage_usd", "p90_hourly_wage_usd"):
        occ[col.replace("_usd", "")] = occ[col] * usd if usd else np.nan
    out = own.merge(occ[["role", "soc_code", "title", "proxy", "employment", "p10_hourly_wage", "median_hourly_wage",
                         "p90_hourly_wage", "source"]], on="role", how="left")
    out["rate_vs_median"] = out["hourly_rate"] / out["median_hourly_wage"]
    return out


def exposure_comparison(exposure: pd.DataFrame, roles: list[str] | None = None) -> pd.DataFrame:
    """Roles x measures: the percentile of each published exposure index among all
    occupations (the Microsoft score x 100, which has no published percentile), side by side,
    and how far apart each role's ranks on the measures lie."""
    e = exposure.copy()
    if roles:
        e = e[e["role"].isin(roles)]
    e["value"] = e["percentile"].where(e["percentile"].notna(), e["score"] * 100)
    wide = e.pivot_table(index="role", columns="measure", values="value", aggfunc="first")
    order = [m for m in ("aioe", "ig_aioe", "eloundou_human_beta", "eloundou_gpt4_beta", "microsoft_applicability")
             if m in wide.columns]
    wide = wide[order]
    ranks = wide.rank(ascending=False, method="min")  # 1 = the most exposed of these roles
    wide["rank_spread"] = ranks.max(axis=1) - ranks.min(axis=1)
    return wide.reset_index()


def exposure_ranks(comparison: pd.DataFrame) -> pd.DataFrame:
    """Each role's rank on each measure among the roles shown (1 = most exposed): the one
    scale on which indices built on different units can be compared."""
    measures = [c for c in comparison.columns if c not in ("role", "rank_spread")]
    ranks = comparison.set_index("role")[measures].rank(ascending=False, method="min")
    return ranks.reset_index()


# --- models' income ---------------------------------------------------------------------
def model_income(detail: pd.DataFrame, campaigns: pd.DataFrame, models: pd.DataFrame, twin_usage: pd.DataFrame,
                 fx_rates: dict[str, float], assets: float, adoption_share: float, agency_commission: float
                 ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Each model's yearly income, net of agency commission ``c``, in the all-traditional
    baseline and at the adoption share ``s`` (reporting currency per model and year)::

        baseline      = (1 - c) * A * model_pay_per_asset / roster size
        photographed  = (1 - s) * baseline
        twin fees     = (1 - c) * s * A * twin_fee_per_asset * the model's share of twin fees paid

    Photographed days: the model hours a year's assets need made traditionally, at the
    traditional model rate; the contract tables do not say which model worked which
    campaign, so this is split equally across the roster. Twin fees: twin production's fee
    per asset (fees paid in twin campaigns over their assets), split across twin models in
    proportion to their observed fees (equally when none was used yet).
    """
    trad = detail[(detail["production_mode"] == "traditional") & (detail["role"] == "model")]
    t_assets = campaigns.loc[campaigns["production_mode"] == "traditional", "assets_delivered"].sum()
    model_pay_per_asset = float(trad["pay"].sum()) / float(t_assets) if t_assets else 0.0
    u = twin_usage.merge(campaigns[["campaign_id", "production_mode", "currency"]], on="campaign_id")
    u["fee_rep"] = to_reporting(u["fee_paid"], u["currency"], fx_rates)
    w_assets = campaigns.loc[campaigns["production_mode"] == "twin", "assets_delivered"].sum()
    fee_per_asset = float(u.loc[u["production_mode"] == "twin", "fee_rep"].sum()) / float(w_assets) if w_assets else 0.0
    roster = models[["model_id", "has_twin", "size_range", "age_band"]].copy()
    n = len(roster)
    photo_base = assets * model_pay_per_asset
    photo_scen = (1 - adoption_share) * photo_base
    fees_scen = adoption_share * assets * fee_per_asset
    twins = roster[roster["has_twin"].astype(bool)]
    by_model = u.groupby("model_id")["fee_rep"].sum().reindex(twins["model_id"]).fillna(0.0)
    weights = by_model / by_model.sum() if by_model.sum() > 0 else pd.Series(1.0 / max(len(twins), 1),
                                                                                 index=twins["model_id"])
    keep = 1 - agency_commission
    roster["baseline_income"] = keep * photo_base / n if n else np.nan
    roster["scenario_photo_income"] = keep * photo_scen / n if n else np.nan
    roster["scenario_twin_income"] = keep * roster["model_id"].map(weights).fillna(0.0) * fees_scen
    roster["scenario_income"] = roster["scenario_photo_income"] + roster["scenario_twin_income"]
    roster["change"] = roster["scenario_income"] - roster["baseline_income"]
    summary = {
        "traditional_per_model": float(roster["baseline_income"].mean()) if n else None,
        "twin_per_model": float(roster["scenario_income"].mean()) if n else None,
        "twin_models_per_model": float(roster.loc[roster["has_twin"].astype(bool), "scenario_income"].mean())
        if len(twins) else None,
        "gainers": int((roster["change"] > 1e-9).sum()), "losers": int((roster["change"] < -1e-9).sum()),
        "model_pay_per_asset": model_pay_per_asset, "twin_fee_per_asset": fee_per_asset,
        "agency_commission": agency_commission,
        "note": "per model and year, net of agency commission: traditional_per_model = the all-traditional baseline, "
                "twin_per_model = at adoption_share (photographed days left plus twin fees), roster average",
    }
    return roster.sort_values("change", kind="mergesort").reset_index(drop=True), summary


# --- one call for the notebook -------------------------------------------------------------
@dataclass
class LaborAnalysis:
    """What the creative-labour notebook shows: hours and pay by role, the adoption scenario,
    wages, exposure measures and models' income."""

    detail: pd.DataFrame
    hours_per_asset: dict[str, float | None]
    rates: pd.DataFrame
    pay: pd.DataFrame
    scenario: Scenario
    wages: pd.DataFrame
    exposure: pd.DataFrame
    income: pd.DataFrame
    income_summary: dict[str, Any]
    block: dict[str, Any]


def analyse(dataset: "Dataset", params: "Params") -> LaborAnalysis:
    """Every creative-labour calculation: hours and pay by role and mode, the adoption
    scenario for ``labor_year`` (0 = the latest year), wages and exposure measures from the
    dataset's reference tables, and models' income; with the ``labor`` block of results.json."""
    campaigns, staffing, fx = dataset["campaigns"], dataset["staffing"], params.fx_rates
    detail = staffing_detail(staffing, campaigns, fx)
    hpa = hours_per_asset(staffing, campaigns)
    rates = role_hours_per_asset(detail, campaigns)
    y, assets = year_assets(campaigns, params.labor_year)
    scen = adoption_effect(rates, assets, params.adoption_share, params.redeploy_share, params.annual_hours, y)
    income, summary = model_income(detail, campaigns, dataset["models"], dataset["twin_usage"], fx, assets,
                                   params.adoption_share, params.agency_commission)
    t = scen.table.set_index("role") if len(scen.table) else pd.DataFrame()
    block = {
        "hours_per_asset": hpa,
        "hours_change_by_role": {r: float(t.loc[r, "net"]) for r in t.index} if len(t) else None,
        "model_income": summary,
        "year": y, "assets": assets, "adoption_share": params.adoption_share,
        "fte_change": float(t["net_fte"].sum()) if len(t) else None,
        "displaced_hours": float(t["displaced"].sum()) if len(t) else None,
        "redeployed_hours": float(t["redeployed"].sum()) if len(t) else None,
        "new_hours": float(t["new"].sum()) if len(t) else None,
    }
    return LaborAnalysis(detail, hpa, rates, pay_by_role(detail), scen,
                         wage_context(rates, dataset.reference["occupations"], fx),
                         exposure_comparison(dataset.reference["exposure"], sorted(set(rates["role"]))), income,
                         summary, block)
