"""Creative labour: hours, headcount and pay by role, what moving assets to digital twins
does to them (displaced, redeployed, new work, net), and models' income from photographed
days versus twin fees. Pure functions.

The scenario starts from **today's mix**: the year's assets as they were made, by brand
and mode. Each brand moves from its own twin share to ``adoption_share`` (a brand already
there moves nothing); the assets it moves come from its traditional and hybrid production
in proportion. Each role loses the hours those assets took (displaced);
``redeploy_share[role]`` of them stay paid on other work (redeployed), the rest are lost;
twin production of the moved assets adds new work. So displaced = redeployed + lost, and
the role's paid hours change by new - lost. The scenarios notebook moves along the same
path year by year, so its final year agrees with this one (:func:`shift_from_mix`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from twinimpact.contract.spec import MOVABLE_MODES, PRODUCTION_MODES, ROLES, SHOOT_DAY_ROLES
from twinimpact.analyses.money import rates_for, to_reporting
from twinimpact import minimum
from twinimpact.results import LaborBlock
from twinimpact.words import statements
from twinimpact.analyses.cost.production import draw_drivers
from twinimpact.analyses.cost.drivers import spread_ranges

if TYPE_CHECKING:
    from twinimpact.sources.data import Dataset
    from twinimpact.params import Params

#: Params fields the creative-labour analysis reads (beyond money and scope).
PARAMETERS = ("adoption_share", "redeploy_share", "annual_hours", "agency_commission", "labor_year", "seed",
              "n_draws", "driver_ranges")


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

    ``None`` for a mode with no assets; ``labor.hours_per_asset`` in results.json.

    Parameters
    ----------
    staffing, campaigns
        Contract tables.

    Returns
    -------
    dict
        Mode -> paid hours per asset, or None.
    """
    hours = staffing.merge(campaigns[["campaign_id", "production_mode"]], on="campaign_id").groupby(
        "production_mode")["hours"].sum()
    assets = campaigns.groupby("production_mode")["assets_delivered"].sum()
    return {m: (float(hours.get(m, 0.0)) / float(assets[m]) if m in assets and assets[m] > 0 else None)
            for m in PRODUCTION_MODES}


def role_hours_per_asset(detail: pd.DataFrame, campaigns: pd.DataFrame) -> pd.DataFrame:
    """By mode and role: hours, pay and people summed; ``hours_per_asset`` = the role's hours
    over the mode's assets delivered; ``hourly_rate`` = pay / hours (hours-weighted mean,
    reporting currency per hour). ``detail`` is :func:`staffing_detail`.

    Parameters
    ----------
    detail
        :func:`staffing_detail` (pay in the reporting currency).
    campaigns
        The contract's campaigns table.

    Returns
    -------
    DataFrame
        ``production_mode``, ``role``, ``hours``, ``pay``, ``people``, ``hours_per_asset``,
        ``hourly_rate`` (reporting currency per hour).
    """
    assets = campaigns.groupby("production_mode")["assets_delivered"].sum()
    g = detail.groupby(["production_mode", "role"]).agg(hours=("hours", "sum"), pay=("pay", "sum"),
                                                        people=("people", "sum")).reset_index()
    g["hours_per_asset"] = g["hours"] / g["production_mode"].map(assets).astype(float)
    g["hourly_rate"] = g["pay"] / g["hours"]
    return g


def pay_by_role(detail: pd.DataFrame) -> pd.DataFrame:
    """Hours and pay by role and engagement type (employee, freelance, agency).

    Parameters
    ----------
    detail
        :func:`staffing_detail` (pay in the reporting currency).

    Returns
    -------
    DataFrame
        ``role``, ``engagement``, ``hours`` and ``pay`` (reporting currency).
    """
    return detail.groupby(["role", "engagement"]).agg(hours=("hours", "sum"), pay=("pay", "sum"),
                                                      people=("people", "sum")).reset_index()


@dataclass
class Scenario:
    """The year's labour when assets move to twins, by role, against today's mix."""

    year: int
    assets: float
    adoption_share: float
    table: pd.DataFrame  # role, baseline_hours, displaced, redeployed, lost, new, net, scenario_hours, FTEs, pay
    moved: dict[str, float] = field(default_factory=dict)  # assets moved to twins from each mode


def mix_by_brand(campaigns: pd.DataFrame, year: int) -> pd.DataFrame:
    """Assets delivered in ``year`` by brand and production mode (one column per mode).

    Parameters
    ----------
    campaigns
        The contract's campaigns table.
    year
        The year of the campaigns' start dates.

    Returns
    -------
    DataFrame
        Indexed by brand, one column of assets per production mode.
    """
    years = pd.to_datetime(campaigns["start_date"]).dt.year
    c = campaigns[years == year]
    wide = c.pivot_table(index="brand", columns="production_mode", values="assets_delivered", aggfunc="sum",
                         fill_value=0)
    return wide.reindex(columns=list(PRODUCTION_MODES), fill_value=0).astype(float)


def moved_assets(mix: pd.DataFrame, target_share: float, fraction: float = 1.0) -> dict[str, float]:
    """Assets each mode gives up when every brand moves ``fraction`` of the way from its own
    twin share ``w_b`` to ``target_share`` (a brand already at or above it moves nothing).
    A brand's moved assets ``fraction * max(0, target - w_b) * A_b`` come from its traditional
    and hybrid assets in proportion to them.

    Parameters
    ----------
    mix
        :func:`mix_by_brand`.
    target_share
        The twin share every brand moves to (0-1).
    fraction
        How far of the way each brand moves (0-1; a scenario year's step).

    Returns
    -------
    dict
        ``traditional`` and ``hybrid`` -> assets moved to twins.
    """
    total = mix.sum(axis=1)
    share = (mix["twin"] / total).where(total > 0, 0.0)
    moved = fraction * (target_share - share).clip(lower=0) * total
    pool = mix["traditional"] + mix["hybrid"]
    out = {}
    for mode in MOVABLE_MODES:
        out[mode] = float((moved * (mix[mode] / pool).where(pool > 0, 0.0)).sum())
    return out


def shift_from_mix(rates: pd.DataFrame, baseline: dict[str, float], moved: dict[str, float],
                   redeploy_share: dict[str, float], annual_hours: float, year: int = 0,
                   adoption_share: float = 0.0) -> Scenario:
    """Hours, FTE and pay by role when ``moved`` assets of each mode (traditional, hybrid) are
    made with twins instead, against a year whose assets by mode are ``baseline``.

    With ``h_m`` a role's hours per asset in mode m, ``M_m`` the assets moved from mode m and
    ``r`` the role's redeployed share::

        baseline  = sum_m A_m * h_m
        displaced = M_trad * h_trad + M_hyb * h_hyb        redeployed = r * displaced
        lost      = displaced - redeployed                 new = (M_trad + M_hyb) * h_twin
        net       = new - lost                             FTE = hours / annual_hours

    ``rates`` is :func:`role_hours_per_asset`. Pay: each mode's hours at the role's rate in
    that mode (its traditional rate where the mode has none); redeployed hours stay paid.
    With ``baseline = {"traditional": A}`` and ``moved = {"traditional": s * A}`` this is the
    all-traditional case.

    Parameters
    ----------
    rates
        :func:`role_hours_per_asset`.
    baseline
        Mode -> assets of the year.
    moved
        Mode -> assets moved to twins (:func:`moved_assets`).
    redeploy_share
        Role -> share of its displaced hours redeployed to other paid work (0-1).
    annual_hours
        Paid hours of one full-time post a year.
    year, adoption_share
        For the scenario's labels.

    Returns
    -------
    Scenario
        ``table``: by role, baseline, displaced, redeployed, new and net hours, net FTE and pay
        (reporting currency); ``moved``: the assets moved.
    """
    by = {m: rates[rates["production_mode"] == m].set_index("role") for m in PRODUCTION_MODES}
    roles = [r for r in ROLES if any(r in by[m].index for m in PRODUCTION_MODES)]
    rows = []
    for role in roles:
        h = {m: float(by[m]["hours_per_asset"].get(role, 0.0)) for m in PRODUCTION_MODES}
        rate = {m: float(by[m]["hourly_rate"].get(role, np.nan)) for m in PRODUCTION_MODES}
        fallback = next((rate[m] for m in PRODUCTION_MODES if np.isfinite(rate[m])), 0.0)
        rate = {m: v if np.isfinite(v) else fallback for m, v in rate.items()}
        base = sum(baseline.get(m, 0.0) * h[m] for m in PRODUCTION_MODES)
        parts = {m: moved.get(m, 0.0) * h[m] for m in MOVABLE_MODES}
        displaced = sum(parts.values())
        r = redeploy_share.get(role, 0.0)
        redeployed, lost = r * displaced, (1 - r) * displaced
        new = sum(moved.values()) * h["twin"]
        base_pay = sum(baseline.get(m, 0.0) * h[m] * rate[m] for m in PRODUCTION_MODES)
        scen_pay = base_pay - (1 - r) * sum(parts[m] * rate[m] for m in parts) + new * rate["twin"]
        rows.append({"role": role, "baseline_hours": base, "displaced": displaced, "redeployed": redeployed,
                     "lost": lost, "new": new, "net": new - lost, "scenario_hours": base - lost + new,
                     "baseline_fte": base / annual_hours, "scenario_fte": (base - lost + new) / annual_hours,
                     "net_fte": (new - lost) / annual_hours, "baseline_pay": base_pay, "scenario_pay": scen_pay,
                     "pay_change": scen_pay - base_pay})
    table = pd.DataFrame(rows)
    if len(table):
        table["shoot_day_role"] = table["role"].isin(SHOOT_DAY_ROLES)
        table = table.sort_values("net", kind="mergesort").reset_index(drop=True)
    return Scenario(year, float(sum(baseline.values())), adoption_share, table, dict(moved))


#: How far each role's redeployed share is drawn from the assumption (share points either
#: side, triangular, kept within 0-1): an HR assumption, not a measurement.
REDEPLOY_SPREAD = 0.25


def redeploy_draws(redeploy_share: dict[str, float], n: int, seed: int,
                   spread: float = REDEPLOY_SPREAD) -> dict[str, np.ndarray]:
    """``n`` draws of each role's redeployed share: triangular from ``share - spread`` to
    ``share + spread`` with its mode at the assumed share, all kept within 0-1.

    Parameters
    ----------
    redeploy_share
        Role -> the assumed share (0-1).
    n
        Draws.
    seed
        Seeds the draws (stream 24).
    spread
        Share points either side.

    Returns
    -------
    dict
        Role -> ``n`` shares (0-1).
    """
    rng = np.random.default_rng([seed, 24])
    out = {}
    for role in sorted(redeploy_share):
        r = redeploy_share[role]
        lo, hi = max(0.0, r - spread), min(1.0, r + spread)
        out[role] = rng.triangular(lo, r, hi, n) if hi > lo else np.full(n, r)
    return out


def redeployed_pay_per_asset(rates: pd.DataFrame, mode: str, redeploy_share: dict[str, float]) -> float:
    """Pay of the hours an asset moved from ``mode`` displaces and the brand redeploys:
    ``sum_role r_role * h_role * rate_role`` (reporting currency per moved asset).

    Parameters
    ----------
    rates
        :func:`role_hours_per_asset`.
    mode
        The mode the asset leaves.
    redeploy_share
        Role -> redeployed share (0-1).

    Returns
    -------
    float
        Reporting currency per moved asset.
    """
    by = rates[rates["production_mode"] == mode]
    return float(sum(redeploy_share.get(r.role, 0.0) * r.hours_per_asset * (r.hourly_rate if np.isfinite(
        r.hourly_rate) else 0.0) for r in by.itertuples()))


def hours_intervals(scen: Scenario, rates: pd.DataFrame, draws: dict[str, np.ndarray], annual_hours: float,
                    redeploy_share: dict[str, float], shares: dict[str, np.ndarray] | None = None
                    ) -> dict[str, dict[str, float]]:
    """P10, P50 and P90 of displaced, redeployed, new and net hours (and net FTE) when each
    mode's hours per asset move by the drawn multipliers (``draws[<mode>_hours_per_asset]``
    over its observed value): every role of a mode scales together; with ``shares``
    (:func:`redeploy_draws`) each role's redeployed share is drawn too.

    Parameters
    ----------
    scen
        :func:`shift_from_mix` at the observed hours.
    rates
        :func:`role_hours_per_asset`.
    draws
        ``<mode>_hours_per_asset`` -> drawn values (hours per asset).
    annual_hours
        Paid hours of one full-time post a year.
    redeploy_share
        Role -> redeployed share (0-1).
    shares
        Role -> drawn redeployed shares, one per draw; None holds them at ``redeploy_share``.

    Returns
    -------
    dict
        ``displaced_hours``, ``redeployed_hours``, ``new_hours``, ``net_hours`` (hours a year)
        and ``net_fte`` -> ``p10``, ``p50``, ``p90``.
    """
    by = {m: rates[rates["production_mode"] == m].set_index("role")["hours_per_asset"] for m in PRODUCTION_MODES}
    n = len(next(iter(draws.values()))) if draws else len(next(iter(shares.values()))) if shares else 1
    mult = {}
    for m in PRODUCTION_MODES:
        pooled = float(by[m].sum())
        key = f"{m}_hours_per_asset"
        mult[m] = draws[key] / pooled if key in draws and pooled > 0 else np.ones(n)
    disp = np.zeros(n)
    redep = np.zeros(n)
    for m in MOVABLE_MODES:
        hours = scen.moved.get(m, 0.0) * by[m]
        disp += mult[m] * float(hours.sum())
        if shares is None:
            redep += mult[m] * float(sum(redeploy_share.get(role, 0.0) * v for role, v in hours.items()))
        else:
            redep += mult[m] * sum(shares.get(role, np.full(n, redeploy_share.get(role, 0.0))) * float(v)
                                   for role, v in hours.items())
    new = mult["twin"] * sum(scen.moved.values()) * float(by["twin"].sum())
    net = new - disp + redep
    out = {}
    for name, values in (("displaced_hours", disp), ("redeployed_hours", redep), ("new_hours", new),
                         ("net_hours", net), ("net_fte", net / annual_hours)):
        p10, p50, p90 = np.percentile(values, [10, 50, 90])
        out[name] = {"p10": float(p10), "p50": float(p50), "p90": float(p90)}
    return out


def year_assets(campaigns: pd.DataFrame, year: int = 0) -> tuple[int, float]:
    """The year analysed (``year``, or the latest campaign start year when 0) and the assets
    delivered by campaigns starting that year.

    Parameters
    ----------
    campaigns
        The contract's campaigns table.
    year
        A year, or 0 for the latest.

    Returns
    -------
    tuple
        (year, assets delivered that year).
    """
    years = pd.to_datetime(campaigns["start_date"]).dt.year
    y = int(years.max()) if not year else int(year)
    return y, float(campaigns.loc[years == y, "assets_delivered"].sum())


# --- public context ----------------------------------------------------------------------
def wage_context(rates: pd.DataFrame, occupations: pd.DataFrame, fx_rates: dict[str, float]) -> pd.DataFrame:
    """Each role's rate in the data (traditional, else twin) next to its SOC code's BLS
    May 2024 hourly wages (P10, median, P90), all in the reporting currency when the
    parameters hold a USD rate.

    Parameters
    ----------
    rates
        :func:`role_hours_per_asset`.
    occupations
        The reference table ``occupations`` (BLS OEWS wages in USD per hour).
    fx_rates
        Units of the reporting currency per unit of each currency.

    Returns
    -------
    DataFrame
        By role: the data's hourly rate and the BLS P10, median and P90 hourly wages
        (reporting currency per hour), with the SOC code and whether it is a proxy.
    """
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
    and how far apart each role's ranks on the measures lie.

    Parameters
    ----------
    exposure
        The reference table ``exposure`` (one row per role and measure).
    roles
        The roles to show (all when None).

    Returns
    -------
    DataFrame
        Roles x measures (percentiles 0-100) and the spread of each role's ranks.
    """
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
    scale on which indices built on different units can be compared.

    Parameters
    ----------
    comparison
        :func:`exposure_comparison`.

    Returns
    -------
    DataFrame
        Roles x measures: rank among the roles shown (1 = most exposed).
    """
    measures = [c for c in comparison.columns if c not in ("role", "rank_spread")]
    ranks = comparison.set_index("role")[measures].rank(ascending=False, method="min")
    return ranks.reset_index()


# --- models' income ---------------------------------------------------------------------
def twin_fee_per_asset(models: pd.DataFrame, twin_usage: pd.DataFrame, fx_rates: dict[str, float]) -> tuple[
        float, pd.Series]:
    """The one twin fee of the workbook: each twin model's contracted ``twin_fee_per_asset``
    (reporting currency), weighted by their share of the twin assets in ``twin_usage`` (the
    base year's, as :func:`model_income` passes them; equal shares when no twin was used). The per-model projection
    (:func:`twinimpact.analyses.labor.livelihoods.projection`) shares moved assets the same way.

    Parameters
    ----------
    models, twin_usage
        Contract tables.
    fx_rates
        Units of the reporting currency per unit of each currency.

    Returns
    -------
    tuple
        (the weighted fee per twin asset, reporting currency; each twin model's share, by model id).
    """
    twins = models[models["has_twin"].astype(bool)]
    if not len(twins):
        return 0.0, pd.Series(dtype=float)
    fee = pd.Series(to_reporting(twins["twin_fee_per_asset"].astype("Float64").fillna(0.0).astype(float),
                                 twins["currency"], fx_rates).to_numpy(), index=twins["model_id"])
    used = twin_usage.groupby("model_id").size().reindex(twins["model_id"]).fillna(0.0).astype(float)
    share = used / used.sum() if used.sum() > 0 else pd.Series(1.0 / len(twins), index=twins["model_id"])
    return float((share * fee).sum()), share


def model_income(detail: pd.DataFrame, campaigns: pd.DataFrame, models: pd.DataFrame, twin_usage: pd.DataFrame,
                 fx_rates: dict[str, float], year: int, adoption_share: float, agency_commission: float
                 ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Each model's yearly income, net of agency commission ``c``, in the base year's mix
    (today) and once every brand has moved to the adoption share ``s`` (reporting currency
    per model and year). With ``A_m`` the base year's assets of mode ``m``, ``M_m`` those
    that move (:func:`moved_assets`), ``p_m`` the model pay per asset of mode ``m`` and ``f``
    the twin fee per asset (:func:`twin_fee_per_asset`)::

        today         = (1 - c) * (sum_m A_m p_m / roster + share_i * A_twin * f)
        at adoption   = (1 - c) * (sum_m (A_m - M_m) p_m / roster + share_i * (A_twin + M) * f)

    Photographed pay is split equally across the roster (the required tables do not say
    who worked which campaign; the optional bookings do, see
    :mod:`twinimpact.analyses.labor.livelihoods`); twin fees go to twin models by ``share_i``.

    Parameters
    ----------
    detail
        :func:`staffing_detail` (pay in the reporting currency).
    campaigns, models, twin_usage
        Contract tables.
    fx_rates
        Units of the reporting currency per unit of each currency.
    year
        The base year.
    adoption_share
        The twin share of the scenario (0-1).
    agency_commission
        The agency's share of a model's pay (0-1).

    Returns
    -------
    tuple
        (roster: one row per model with ``today_income``, ``scenario_photo_income``,
        ``scenario_twin_income``, ``scenario_income`` and ``change``, reporting currency per
        year; summary: results.json's ``labor.model_income``).
    """
    mix = mix_by_brand(campaigns, year)
    assets = mix.sum()
    moved = moved_assets(mix, adoption_share)
    model_rows = detail[detail["role"] == "model"].groupby("production_mode")["pay"].sum()
    mode_assets = campaigns.groupby("production_mode")["assets_delivered"].sum()
    pay = {m: float(model_rows.get(m, 0.0)) / float(mode_assets[m]) if mode_assets.get(m, 0) else 0.0
           for m in MOVABLE_MODES}
    photo_today = sum(float(assets[m]) * pay[m] for m in MOVABLE_MODES)
    photo_scen = sum((float(assets[m]) - moved[m]) * pay[m] for m in MOVABLE_MODES)
    in_year = pd.to_datetime(twin_usage["used_on"]).dt.year == year
    fee, share = twin_fee_per_asset(models, twin_usage[in_year], fx_rates)
    fees_today = float(assets["twin"]) * fee
    fees_scen = (float(assets["twin"]) + sum(moved.values())) * fee
    roster = models[["model_id", "has_twin", "size_range", "age_band"]].copy()
    n = len(roster)
    keep = 1 - agency_commission
    weight = roster["model_id"].map(share).fillna(0.0)
    roster["today_income"] = keep * (photo_today / n + weight * fees_today) if n else np.nan
    roster["scenario_photo_income"] = keep * photo_scen / n if n else np.nan
    roster["scenario_twin_income"] = keep * weight * fees_scen
    roster["scenario_income"] = roster["scenario_photo_income"] + roster["scenario_twin_income"]
    roster["change"] = roster["scenario_income"] - roster["today_income"]
    twins = roster["has_twin"].astype(bool)
    summary = {
        "today_per_model": float(roster["today_income"].mean()) if n else None,
        "at_adoption_per_model": float(roster["scenario_income"].mean()) if n else None,
        "twin_models_today_per_model": float(roster.loc[twins, "today_income"].mean()) if twins.any() else None,
        "twin_models_at_adoption_per_model": float(roster.loc[twins, "scenario_income"].mean())
        if twins.any() else None,
        "gainers": int((roster["change"] > 1e-9).sum()), "losers": int((roster["change"] < -1e-9).sum()),
        "model_pay_per_asset": pay, "twin_fee_per_asset": fee, "agency_commission": agency_commission,
        "base_year": int(year), "adoption_share": adoption_share,
        "note": "per model and year, net of agency commission, roster average: today_per_model = the base year's "
                "mix, at_adoption_per_model = every brand at adoption_share (photographed work left plus twin "
                "fees); twin fee = the contracted fee per twin asset, weighted by each twin model's share of "
                "today's twin assets",
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
    intervals: dict[str, dict[str, float]]
    hours_ranges: dict[str, tuple[float, float]]
    block: LaborBlock  # results.json's labor block
    conclusions: dict[str, Any] = field(default_factory=dict)  # results.json's jobs_adoption


def campaign_hours(staffing: pd.DataFrame, campaigns: pd.DataFrame) -> pd.DataFrame:
    """Each campaign's paid hours per asset, in the column of its mode
    (``traditional_hours_per_asset`` ...): the data's spread of hours per asset.

    Parameters
    ----------
    staffing, campaigns
        Contract tables.

    Returns
    -------
    DataFrame
        One column per mode (``traditional_hours_per_asset`` ...), a campaign's hours per
        asset in its mode's column and NaN in the others.
    """
    hours = staffing.groupby("campaign_id")["hours"].sum()
    c = campaigns[campaigns["assets_delivered"] > 0].set_index("campaign_id")
    per = hours.reindex(c.index).fillna(0.0) / c["assets_delivered"].astype(float)
    return pd.DataFrame({f"{m}_hours_per_asset": per.where(c["production_mode"] == m) for m in PRODUCTION_MODES})


def hours_draws(staffing: pd.DataFrame, campaigns: pd.DataFrame, hpa: dict[str, float | None], params: "Params"
                ) -> tuple[dict[str, np.ndarray], dict[str, tuple[float, float]]]:
    """Draws of each mode's hours per asset for the labour intervals, within its campaigns'
    P10-P90 spread (or the parameters' range): the same draws the scenarios use.

    Parameters
    ----------
    staffing, campaigns
        Contract tables.
    hpa
        :func:`hours_per_asset`.
    params
        The run's parameters (``driver_ranges``, ``n_draws``, ``seed``).

    Returns
    -------
    tuple
        (``<mode>_hours_per_asset`` -> drawn hours per asset, the ranges used as multipliers).
    """
    observed = {f"{m}_hours_per_asset": hpa.get(m) for m in PRODUCTION_MODES}
    ranges = {**spread_ranges(campaign_hours(staffing, campaigns), observed),
              **{k: v for k, v in params.driver_ranges.items() if k in observed}}
    return draw_drivers(observed, ranges, params.n_draws, params.seed), ranges


def analyse(dataset: "Dataset", params: "Params") -> LaborAnalysis:
    """Every creative-labour calculation: hours and pay by role and mode, the adoption
    scenario for ``labor_year`` (0 = the latest year), wages and exposure measures from the
    dataset's reference tables, and models' income; with the ``labor`` block of results.json.

    Parameters
    ----------
    dataset
        The run's validated tables; this analysis reads ``campaigns``, ``staffing`` and the
        reference ``occupations`` and ``exposure``.
    params
        The run's parameters: money and scope, and :data:`PARAMETERS`. Units: paid hours per asset,
        pay in the reporting currency, FTE at ``annual_hours`` per full-time post.

    Returns
    -------
    LaborAnalysis
        Hours and pay by role and mode, the adoption scenario by role (displaced, redeployed, new
        hours), wage and exposure context and models' roster-average income; ``block`` is
        results.json's ``labor`` (:class:`~twinimpact.results.LaborBlock`).
    """
    campaigns, staffing, fx = dataset["campaigns"], dataset["staffing"], params.fx_rates
    detail = staffing_detail(staffing, campaigns, fx)
    hpa = hours_per_asset(staffing, campaigns)
    rates = role_hours_per_asset(detail, campaigns)
    y, assets = year_assets(campaigns, params.labor_year)
    mix = mix_by_brand(campaigns, y)
    scen = shift_from_mix(rates, mix.sum().to_dict(), moved_assets(mix, params.adoption_share),
                          params.redeploy_share, params.annual_hours, y, params.adoption_share)
    draws, ranges = hours_draws(staffing, campaigns, hpa, params)
    intervals = hours_intervals(scen, rates, draws, params.annual_hours, params.redeploy_share,
                                redeploy_draws(params.redeploy_share, params.n_draws, params.seed))
    income, summary = model_income(detail, campaigns, dataset["models"], dataset["twin_usage"], fx, y,
                                   params.adoption_share, params.agency_commission)
    t = scen.table.set_index("role") if len(scen.table) else pd.DataFrame()
    staffed = staffing.merge(campaigns[["campaign_id", "production_mode"]], on="campaign_id") \
        .groupby("production_mode")["campaign_id"].nunique()
    few = {m: int(staffed.get(m, 0)) for m in ("traditional", "twin")}
    short = (f"staffing of {few['traditional']} traditional and {few['twin']} twin campaign(s); it needs "
             f"{minimum.NEEDS['jobs']}" if min(few.values()) < minimum.MIN_CAMPAIGNS_PER_MODE else None)
    if short:
        intervals = {k: {"p10": None, "p50": v.get("p50"), "p90": None, "not_estimable": short}
                     for k, v in intervals.items()}
    else:
        intervals = {k: minimum.checked_percentiles(v) for k, v in intervals.items()}
    block = {
        "hours_per_asset": hpa,
        "hours_change_by_role": {r: float(t.loc[r, "net"]) for r in t.index} if len(t) else None,
        "model_income": summary,
        "year": y, "assets": assets, "adoption_share": params.adoption_share,
        "fte_change": float(t["net_fte"].sum()) if len(t) else None,
        "fte_change_without_redeployment": float(((t["new"] - t["displaced"]) / params.annual_hours).sum())
        if len(t) else None,
        "displaced_hours": float(t["displaced"].sum()) if len(t) else None,
        "redeployed_hours": float(t["redeployed"].sum()) if len(t) else None,
        "new_hours": float(t["new"].sum()) if len(t) else None,
        "baseline": "the year's assets in today's mix; assets move to twins from traditional and hybrid",
        "moved_assets": scen.moved,
        "intervals": intervals,
        **({"not_estimable": short} if short else {}),
    }
    return LaborAnalysis(detail, hpa, rates, pay_by_role(detail), scen,
                         wage_context(rates, dataset.reference["occupations"], fx),
                         exposure_comparison(dataset.reference["exposure"], sorted(set(rates["role"]))), income,
                         summary, intervals, ranges, block,
                         conclusions={"jobs_adoption": statements.jobs_conclusion(block)})
