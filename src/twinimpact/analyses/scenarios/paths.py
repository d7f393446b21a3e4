"""Scenarios over years: twin adoption ramps from today's mix (the base year's assets by
brand and mode) to ``adoption_share`` over ``horizon_years``, the moved assets coming from
traditional and hybrid production. Every figure is measured against keeping today's mix:
savings and their net present value (Monte Carlo over the drivers, each within its
campaigns' spread, with the engagement effect valued at ``value_per_engagement``), jobs
(FTE, with P10/P90) and models' twin fees and photographed pay.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from twinimpact import minimum
from twinimpact.contract.spec import MOVABLE_MODES
from twinimpact.analyses.cost import production as cost
from twinimpact.analyses.cost import drivers as driver_model
from twinimpact.analyses.engagement import value as engagement_value
from twinimpact.analyses.labor import hours as labor
from twinimpact.analyses.labor import livelihoods
from twinimpact.analyses.stats import montecarlo
from twinimpact.errors import DataError
from twinimpact.results import ScenariosBlock
from twinimpact.params import DRIVER_LABELS
from twinimpact.words import statements
from twinimpact.analyses.engagement import model as engagement
from twinimpact.analyses.engagement import experiments
from twinimpact.analyses.stats.count_model import Z95
from twinimpact.analyses.cost import savings
from twinimpact.analyses.scenarios import decision

if TYPE_CHECKING:
    from twinimpact.sources.data import Dataset
    from twinimpact.params import Params

#: Params fields the scenarios read (beyond money and scope).
PARAMETERS = ("seed", "n_draws", "horizon_years", "discount_rate", "adoption_share", "volume_growth",
              "twins_per_season", "twin_life_seasons", "driver_ranges", "redeploy_share", "annual_hours",
              "agency_commission", "labor_year", "value_per_engagement", "gross_margin", "adoption_share_spread",
              "adoption_years_spread", "nb_max_rows", "follower_bin_width", "label_time_bins", "options", "observational_bias",
              "test_setup_cost", "test_cost_per_post", "commitments")
#: Fashion brands shoot two seasons a year (spring/summer and autumn/winter).
SEASONS_PER_YEAR = 2


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
    (:func:`twinimpact.analyses.labor.hours.moved_assets`) while volume grows at ``volume_growth``::

        assets_t = assets * (1 + g)^t       moved_t(mode) = (1 + g)^t * moved(mode, fraction t / H)

    Parameters
    ----------
    mix
        Assets by brand and mode in the base year (:func:`twinimpact.analyses.labor.hours.mix_by_brand`).
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

    With ``d`` the drawn drivers (:func:`twinimpact.analyses.cost.production.draw_drivers`), each year::

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
    return flows_of(d, path["moved_traditional"].to_numpy(), path["moved_hybrid"].to_numpy(),
                    path["fraction"].to_numpy(), twins_per_season, twin_life_seasons)


def flows_of(d: dict[str, Any], moved_traditional: Any, moved_hybrid: Any, fraction: Any, twins_per_season: int,
             twin_life_seasons: int) -> np.ndarray:
    """Savings a year against keeping today's mix, for drivers and moved assets of any
    shape that broadcast (one path for every draw, or a path per draw)::

        moved_trad * (c_trad - c_twin) + moved_hyb * (c_hyb - c_twin) - fraction * twin building a year

    Parameters
    ----------
    d
        Drivers: numbers (one path) or arrays of draws (reporting currency per asset, per shoot
        day or per twin).
    moved_traditional, moved_hybrid, fraction
        Years (a vector) or draws x years (a matrix): assets moved from each mode and the
        fraction of the way to the end share.
    twins_per_season, twin_life_seasons
        Twins built each season and the seasons one twin is used.

    Returns
    -------
    ndarray
        Years, or draws x years, reporting currency a year.
    """
    def col(v: Any) -> Any:
        return np.asarray(v, dtype=float)[..., None] if np.ndim(v) else float(v)

    twin = cost.twin_variable_per_asset(d)
    trad_margin = col(cost.traditional_per_asset(d) - twin)
    hyb = np.asarray(moved_hybrid, dtype=float)
    if hyb.any() and d.get("hybrid_per_asset") is None:
        raise DataError("Hybrid assets would move to twins but the data has no hybrid campaign with assets.")
    hyb_margin = col(d["hybrid_per_asset"] - twin) if d.get("hybrid_per_asset") is not None else 0.0
    fixed_year = col(SEASONS_PER_YEAR * cost.twin_fixed_per_season(d, twins_per_season, twin_life_seasons))
    return (trad_margin * np.asarray(moved_traditional, dtype=float) + hyb_margin * hyb
            - fixed_year * np.asarray(fraction, dtype=float))


def adoption_draws(mix: pd.DataFrame, target_share: float, horizon_years: int, volume_growth: float,
                   share_spread: float, years_spread: float, n: int, seed: int) -> dict[str, np.ndarray]:
    """``n`` adoption paths: the end share ``s ~ triangular(target - a, target, target + a)``
    (kept within 0-1) and the years to reach it ``T ~ triangular(H (1 - b), H, H (1 + b))``
    (at least 1), with ``a = share_spread`` and ``b = years_spread``. Year ``t`` has gone
    ``min(1, t / T)`` of the way; each brand moves as in :func:`adoption_path`, so
    ``s = target`` and ``T = H`` give that path exactly.

    Parameters
    ----------
    mix
        Assets by brand and mode in the base year.
    target_share, horizon_years, volume_growth
        As :func:`adoption_path`.
    share_spread, years_spread
        The parameters ``adoption_share_spread`` and ``adoption_years_spread``.
    n
        Paths.
    seed
        Seeds the draws (stream 23).

    Returns
    -------
    dict
        ``end_share`` and ``years`` (n), ``moved_traditional``, ``moved_hybrid`` and ``fraction``
        (n x years).
    """
    rng = np.random.default_rng([seed, 23])
    lo, hi = max(0.0, target_share - share_spread), min(1.0, target_share + share_spread)
    share = rng.triangular(lo, target_share, hi, n) if hi > lo else np.full(n, target_share)
    ylo, yhi = max(1.0, horizon_years * (1 - years_spread)), horizon_years * (1 + years_spread)
    years = rng.triangular(ylo, max(ylo, horizon_years), yhi, n) if yhi > ylo else np.full(n, float(horizon_years))
    t = np.arange(1, horizon_years + 1)
    fraction = np.minimum(1.0, t[None, :] / years[:, None])
    total = mix.sum(axis=1).to_numpy(float)
    own = np.divide(mix["twin"].to_numpy(float), total, out=np.zeros_like(total), where=total > 0)
    pool = (mix["traditional"] + mix["hybrid"]).to_numpy(float)
    gap = np.clip(share[:, None] - own[None, :], 0.0, None) * total[None, :]  # n x brands, at fraction 1
    growth = (1 + volume_growth) ** t
    out: dict[str, np.ndarray] = {"end_share": share, "years": years, "fraction": fraction}
    for mode in MOVABLE_MODES:
        part = np.divide(mix[mode].to_numpy(float), pool, out=np.zeros_like(pool), where=pool > 0)
        out[f"moved_{mode}"] = (gap @ part)[:, None] * fraction * growth[None, :]
    return out


def engagement_change(dataset: "Dataset", params: "Params", base_year: int, base_assets: float, n: int
                      ) -> tuple[np.ndarray, float, dict[str, Any]]:
    """Engagements a moved asset gains (positive) or loses (negative): ``E * (IRR_twin *
    IRR_label - 1)`` with ``E`` the base year's engagements per asset delivered and the rate
    ratios of the lead engagement fit (:func:`twinimpact.analyses.engagement.model.lead_fit`),
    drawn from its sampling distribution (normal on the log scale, with their covariance).
    A moved asset becomes labelled twin imagery instead of unlabelled human imagery.

    Parameters
    ----------
    dataset, params
        The run's data and parameters.
    base_year, base_assets
        The base year and its assets.
    n
        Draws of the rate ratios.

    Returns
    -------
    tuple
        (engagements per moved asset, one per draw; the same at the estimates; what it rests on:
        ``engagements_per_asset``, ``irr_twin_times_label``, ``fit``, or ``not_valued`` with the
        reason when the data cannot estimate the two rate ratios).
    """

    try:
        fit, label = engagement.todays_label_fit(dataset, params)  # the label's effect today: its latest period
    except DataError as err:
        return np.zeros(n), 0.0, {"not_valued": str(err)}
    names = ["imagery[twin]", label]
    decided = engagement.tested_against_observed(experiments.read_all(dataset), engagement.lead_fit(dataset, params))
    tested = (decided is not None and decided["imagery"] == "twin"
              and (decided.get(decided.get("used")) or {}).get("estimate") is not None)
    need = (([] if decided["labelled"] else [label]) if tested else names)  # type: ignore[index]
    problems = [f"{k}: {why}" for k in need if (why := fit.problem(k))]  # a term the fit lacks has one too
    if problems:
        return np.zeros(n), 0.0, {"not_valued": "the data cannot estimate the twin and label rate ratios ("
                                                + "; ".join(problems) + ")"}
    if not tested:
        idx = [fit.names.index(k) for k in names]
        mean, cov = fit.params[idx], fit.cov[np.ix_(idx, idx)]
        log_ratio = np.random.default_rng([params.seed, 1000]).multivariate_normal(mean, cov, n).sum(axis=1)
        # an observational ratio may be confounded: its draws carry a bias allowance beyond sampling error
        log_ratio = log_ratio + np.random.default_rng([params.seed, 1002]).normal(0.0, params.observational_bias, n)
        source = (f"observational ({fit.method}), widened by a bias allowance of {params.observational_bias:g} on "
                  "the log scale")
    else:  # a randomised test of twins leads
        used = decided[decided["used"]]  # type: ignore[index]
        m = math.log(used["estimate"])
        v = ((math.log(used["ci_high"]) - math.log(used["ci_low"])) / (2 * Z95)) ** 2
        if not decided["labelled"]:  # type: ignore[index]  # moved assets carry the label: the observational one on top
            j = fit.names.index(label)
            m, v = m + float(fit.params[j]), v + float(fit.cov[j, j])
        log_ratio = np.random.default_rng([params.seed, 1001]).normal(m, math.sqrt(v), n)
        mean = np.array([m, 0.0])
        how = ("combined with the observational estimate" if decided["used"] == "posterior" else  # type: ignore[index]
               "alone: the observational estimate disagrees")
        source = f"randomised test {decided['experiment_id']} ({how})"  # type: ignore[index]
    posts = dataset.table("posts")
    year = posts.filter(posts.posted_at.date().year() == base_year)
    engagements = float((year.likes + year.comments + year.shares + year.saves).sum().to_pyarrow().as_py() or 0)
    per_asset = engagements / base_assets if base_assets else 0.0
    ratio = float(np.exp(mean.sum()))
    info = {"engagements_per_asset": per_asset, "irr_twin_times_label": ratio, "fit": fit.method, "source": source,
            "label_effect": "the label's effect in its latest period since a brand's first labelled post "
                            f"({label.removeprefix('ai_label[').rstrip(']')} months)" if label != "ai_label" else
                            "the label's effect over all periods"}
    return per_asset * (np.exp(log_ratio) - 1), per_asset * (ratio - 1), info


def break_even_at_observed(cost_npv: float, per_value_npv: float, per_value_draws: np.ndarray
                           ) -> tuple[float | None, str, list[float | None]]:
    """The value per engagement at which the NPV at the observed costs (the headline's basis)
    is zero, ``v* = -C / U``, with ``C`` the NPV without engagement and ``U`` the NPV of the
    engagement change at 1 per engagement; and its 95% range over the engagement effect's
    uncertainty (``U`` per draw; a draw in which moved assets lose no engagement has no
    break-even, so the range's top is None: "no limit").

    Parameters
    ----------
    cost_npv
        C, at the observed costs (reporting currency).
    per_value_npv
        U at the engagement effect's estimate (engagements).
    per_value_draws
        U per draw of the engagement effect.

    Returns
    -------
    tuple
        (the break-even value or None; why there is none: ``loses_anyway``,
        ``gains_engagement`` or empty; [low, high] of its 95% range, None where unbounded).
    """
    if cost_npv <= 0:
        return None, "loses_anyway", [None, None]
    no_limit = 1e300  # a draw that loses no engagement: no break-even (a sentinel, not inf, for the quantiles)
    draws = np.where(per_value_draws < 0, -cost_npv / np.minimum(per_value_draws, -1e-300), no_limit)
    low, high = (float(q) for q in np.quantile(np.minimum(draws, no_limit), [0.025, 0.975]))
    bounds = [low if low < no_limit / 10 else None, high if high < no_limit / 10 else None]
    if per_value_npv >= 0:
        return None, "gains_engagement", bounds
    return -cost_npv / per_value_npv, "", bounds


def worst_case_margin(d: dict[str, float | None], ranges: dict[str, tuple[float, float]], mix: tuple[float, float]
                      ) -> float | None:
    """What an asset moved from today's mix saves (twin building excluded) with every cost
    driver at the end of its range that saves the least.

    Parameters
    ----------
    d
        Observed drivers.
    ranges
        Driver name -> (low, high) multipliers.
    mix
        (traditional, hybrid) assets of the base year.

    Returns
    -------
    float or None
        Reporting currency per moved asset; None when nothing moves.
    """

    if savings.mix_margin(d, *mix) is None:
        return None
    worst = dict(d)
    for name, (lo, hi) in ranges.items():
        if d.get(name) is None or name not in DRIVER_LABELS:
            continue
        at = {end: savings.mix_margin({**d, name: d[name] * m}, *mix) for end, m in (("lo", lo), ("hi", hi))}
        worst[name] = d[name] * (lo if at["lo"] <= at["hi"] else hi)
    return savings.mix_margin(worst, *mix)


def sensitivity(cost_npv: np.ndarray, per_value_npv: np.ndarray, values: list[float],
                redeployed_pay_npv: dict[str, float], redeploy_fte: dict[str, float]) -> list[dict[str, Any]]:
    """The NPV for each value per engagement in ``values`` and each redeployment case: its
    P10/P50/P90 and share of losing draws, and the P50 when the pay of redeployed hours is
    counted as a cost (the brand keeps paying people for work it would not otherwise buy);
    with the final year's net FTE of the case.

    Parameters
    ----------
    cost_npv, per_value_npv
        NPV draws without engagement, and of the engagement change at 1 per engagement.
    values
        Values per engagement (reporting currency).
    redeployed_pay_npv
        Case -> the discounted pay of the redeployed hours (reporting currency).
    redeploy_fte
        Case -> the final year's net FTE.

    Returns
    -------
    list of dict
        One row per value and case (results.json's ``scenarios.sensitivity``).
    """
    rows = []
    for v in values:
        draws = cost_npv + v * per_value_npv
        pct = montecarlo.percentiles(draws)
        for case, pay in redeployed_pay_npv.items():
            rows.append({"value_per_engagement": float(v), "redeployment": case, "npv_p10": pct["p10"],
                         "npv_p50": pct["p50"], "npv_p90": pct["p90"],
                         "probability_npv_negative": float((draws < 0).mean()),
                         "npv_p50_paying_redeployed": pct["p50"] - pay,
                         "final_year_net_fte": redeploy_fte[case]})
    return rows


def value_ladder(break_even: float | None, estimate: float | None) -> list[float]:
    """The values per engagement of the sensitivity table: 0, then steps to twice the
    break-even (or to twice the estimate, or a fixed ladder when neither is known), with the
    estimate itself when there is one."""
    top = 2 * break_even if break_even else 2 * estimate if estimate else 0.5
    ladder = [0.0, top / 8, top / 4, top / 2, 3 * top / 4, top]
    if estimate is not None and estimate > 0:
        ladder.append(float(estimate))
    return sorted({round(v, 6) for v in ladder})


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
    decision: dict[str, Any] | None = None  # results.json's decision block (decision.decide)

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
    value = {"direction": None, "statement": "What engagement is worth to the move is not estimable: the adoption "
                                             "path itself cannot be valued (see above)."}
    block = {"npv": pct, "horizon_years": params.horizon_years, "not_available": why}
    decided = {"direction": None, "statement": f"No option can be recommended: the adoption path cannot be valued "
                                               f"({why.rstrip('.')})."}
    return ScenarioAnalysis(pd.DataFrame(), pd.DataFrame(), np.array([]), pct, float("nan"), 0,
                            {"decision": decided, "npv_adoption": conclusion, "engagement_value": value}, block, why)


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


@dataclass
class Inputs:
    """Step 1 of a scenario, what the data give it: each campaign's cost, the drivers at their
    observed values (scaled by a what-if) and their ranges, today's mix and the planned path,
    and the staffing rates the jobs are counted with."""

    costs: pd.DataFrame
    drivers: dict[str, float | None]
    ranges: dict[str, tuple[float, float]]
    base_year: int
    assets: float
    mix: pd.DataFrame
    start: float
    path: pd.DataFrame
    detail: pd.DataFrame
    rates: pd.DataFrame
    hours_per_asset: dict[str, float | None]


@dataclass
class Draws:
    """Step 2, the table of draws every figure of the scenario reads (``n_draws`` rows): the
    pooled drivers resampled over campaigns (``boot``) and within their scenario ranges
    (``scen``, correlated as their campaigns are), the adoption speed and end share
    (``adoption``), the engagements a moved asset gains or loses (``change``) and what an
    engagement is worth (``value``); each from its own seeded stream."""

    boot: dict[str, np.ndarray]
    scen: dict[str, np.ndarray]
    names: list[str]
    corr: np.ndarray
    adoption: dict[str, np.ndarray]
    change: np.ndarray
    change_observed: float
    engagement: dict[str, Any]
    value: dict[str, Any]
    value_draws: np.ndarray


@dataclass
class Values:
    """Step 3, the money: the NPV at the observed drivers, with the pooled means resampled,
    and under the assumed ranges (per draw), the yearly flows, and the break-even value of
    an engagement."""

    observed: float
    estimation: np.ndarray
    draws: np.ndarray
    cost_draws: np.ndarray
    per_value_draws: np.ndarray
    change_observed_npv: float
    flows: np.ndarray
    break_even: float | None
    no_break_even: str
    break_even_range: list[float | None]


def inputs(dataset: "Dataset", params: "Params", scale: dict[str, float]) -> Inputs | str:
    """Step 1: :class:`Inputs`, or why the data cannot carry a scenario.

    Parameters
    ----------
    dataset, params
        As :func:`analyse`.
    scale
        Driver name -> multiplier of its observed value (a what-if).
    """
    campaigns, fx = dataset["campaigns"], params.fx_rates
    costs = cost.campaign_costs(campaigns, dataset["cost_lines"], fx)
    observed = driver_model.observed_drivers(costs, dataset["twin_usage"])
    if not observed.complete:
        return ("the data need traditional and twin campaigns with their unit costs ("
                + "; ".join(observed.notes) + ").")
    base_year, assets = labor.year_assets(campaigns, params.labor_year)
    mix = labor.mix_by_brand(campaigns, base_year)
    d = observed.as_dict()
    ranges = driver_model.cost_ranges(costs, d, params.driver_ranges)  # ranges are multipliers: scaled alike
    d = {k: v * scale.get(k, 1.0) if v is not None else None for k, v in d.items()}
    detail = labor.staffing_detail(dataset["staffing"], campaigns, fx)
    return Inputs(costs, d, ranges, base_year, assets, mix, current_twin_share(campaigns, base_year),
                  adoption_path(mix, params.adoption_share, params.horizon_years, params.volume_growth), detail,
                  labor.role_hours_per_asset(detail, campaigns), labor.hours_per_asset(dataset["staffing"], campaigns))


def draw(dataset: "Dataset", params: "Params", given: Inputs, scale: dict[str, float]) -> Draws:
    """Step 2: the :class:`Draws` table.

    Parameters
    ----------
    dataset, params
        As :func:`analyse`.
    given
        Step 1's :class:`Inputs`.
    scale
        The what-if multipliers, applied to the resampled drivers as to the observed ones.
    """
    n, seed = params.n_draws, params.seed
    boot = driver_model.bootstrap_drivers(given.costs, dataset["twin_usage"], n, seed)
    boot = {k: v * scale.get(k, 1.0) for k, v in boot.items()}
    names = [k for k in DRIVER_LABELS if given.drivers.get(k) is not None]
    corr = driver_model.campaign_correlation(given.costs, names)
    mult = montecarlo.correlated_multipliers([given.ranges.get(k, (1.0, 1.0)) for k in names], corr, n, seed)
    adoption = adoption_draws(given.mix, params.adoption_share, params.horizon_years, params.volume_growth,
                              params.adoption_share_spread, params.adoption_years_spread, n, seed)
    change, change_obs, info = engagement_change(dataset, params, given.base_year, given.assets, n)
    value = engagement_value.value_per_engagement(dataset, params)
    return Draws(boot, {k: boot[k] * mult[:, i] for i, k in enumerate(names)}, names, corr, adoption, change,
                 change_obs, info, value, engagement_value.value_draws(value, n, seed))


def value(params: "Params", given: Inputs, draws: Draws) -> Values:
    """Step 3: the money of the path (:class:`Values`), read from the draws.

    Parameters
    ----------
    params
        As :func:`analyse`.
    given, draws
        Steps 1 and 2.
    """
    planned = [given.path[k].to_numpy() for k in ("moved_traditional", "moved_hybrid", "fraction")]
    fixed = (params.twins_per_season, params.twin_life_seasons)
    a = draws.adoption
    cost_obs = flows_of(given.drivers, *planned, *fixed)
    cost_est = flows_of(draws.boot, *planned, *fixed)
    cost_scen = flows_of(draws.scen, a["moved_traditional"], a["moved_hybrid"], a["fraction"], *fixed)
    moved_planned, moved_drawn = planned[0] + planned[1], a["moved_traditional"] + a["moved_hybrid"]
    r, v = params.discount_rate, draws.value_draws
    unit_obs = float(npv(draws.change_observed * moved_planned, r))
    unit_est = npv(draws.change[:, None] * moved_planned[None, :], r)
    unit_scen = npv(draws.change[:, None] * moved_drawn, r)
    npv_cost_scen = npv(cost_scen, r)
    npv_cost_obs = float(npv(cost_obs, r))
    if "not_valued" in draws.engagement:
        breakeven, no_break_even, bounds = None, "not_measured", [None, None]
    else:  # on the headline's basis: the observed costs, over the engagement effect's draws
        breakeven, no_break_even, bounds = break_even_at_observed(npv_cost_obs, unit_obs, unit_est)
    return Values(npv_cost_obs + float(draws.value["estimate"] or 0.0) * unit_obs,
                  npv(cost_est, r) + v * unit_est, npv_cost_scen + v * unit_scen, npv_cost_scen, unit_scen, unit_obs,
                  cost_scen + (v * draws.change)[:, None] * moved_drawn, breakeven, no_break_even, bounds)


def by_year(dataset: "Dataset", params: "Params", given: Inputs, values: Values) -> pd.DataFrame:
    """Step 4: the path year by year: savings P10/P50/P90 from the draws' flows, creative jobs
    (net FTE with P10/P90, lost, redeployed, new) and models' twin fees against the
    photographed pay they lose.

    Parameters
    ----------
    dataset, params
        As :func:`analyse`.
    given, values
        Steps 1 and 3.
    """
    campaigns, fx = dataset["campaigns"], params.fx_rates
    model_pay = _model_pay_per_asset(given.rates, campaigns)
    _, income = labor.model_income(given.detail, campaigns, dataset["models"], dataset["twin_usage"], fx,
                                   given.base_year, params.adoption_share, params.agency_commission)
    keep = 1 - params.agency_commission
    yearly_pct = montecarlo.percentiles(values.flows, axis=0)
    hours, _ = labor.hours_draws(dataset["staffing"], campaigns, given.hours_per_asset, params)
    shares = labor.redeploy_draws(params.redeploy_share, params.n_draws, params.seed)
    rows = []
    for i, row in enumerate(given.path.itertuples()):
        moved = {"traditional": row.moved_traditional, "hybrid": row.moved_hybrid}
        base = (given.mix.sum() * (1 + params.volume_growth) ** row.year).to_dict()
        shift = labor.shift_from_mix(given.rates, base, moved, params.redeploy_share, params.annual_hours)
        table = shift.table
        fte = labor.hours_intervals(shift, given.rates, hours, params.annual_hours, params.redeploy_share,
                                    shares)["net_fte"]
        rows.append({"year": int(row.year), "twin_share": row.twin_share, "assets": row.assets,
                     **{f"savings_{k}": float(v[i]) for k, v in yearly_pct.items()},
                     "net_fte": float(table["net_fte"].sum()), "net_fte_p10": fte["p10"], "net_fte_p90": fte["p90"],
                     "lost_fte": float(table["lost"].sum() / params.annual_hours),
                     "redeployed_fte": float(table["redeployed"].sum() / params.annual_hours),
                     "new_fte": float(table["new"].sum() / params.annual_hours),
                     "model_twin_fees": keep * sum(moved.values()) * income["twin_fee_per_asset"],
                     "model_photo_pay_lost": keep * sum(moved[m] * model_pay[m] for m in moved)})
    return pd.DataFrame(rows)


def redeployment_cases(params: "Params", given: Inputs) -> tuple[dict[str, float], dict[str, float]]:
    """Step 5a: the final year's net FTE and the NPV of redeployed people's pay when no one,
    the parameters' share, or everyone displaced is redeployed."""
    final = {m: float(given.path[f"moved_{m}"].iloc[-1]) for m in MOVABLE_MODES}
    final_base = (given.mix.sum() * (1 + params.volume_growth) ** params.horizon_years).to_dict()
    cases = {"none": {role: 0.0 for role in params.redeploy_share}, "today's assumption": params.redeploy_share,
             "all": {role: 1.0 for role in params.redeploy_share}}
    case_fte = {c: float(labor.shift_from_mix(given.rates, final_base, final, sh, params.annual_hours)
                         .table["net_fte"].sum()) for c, sh in cases.items()}
    pay = {c: float(npv(sum(given.path[f"moved_{m}"].to_numpy() * labor.redeployed_pay_per_asset(given.rates, m, sh)
                            for m in MOVABLE_MODES), params.discount_rate)) for c, sh in cases.items()}
    return case_fte, pay


def commitments_at_target(dataset: "Dataset", params: "Params", given: Inputs, redeployed_pay: dict[str, float]
                          ) -> tuple[dict[str, float | None], dict[str, str]]:
    """Step 7: what each commitment costs at ``adoption_share``, as an NPV over the path.

    - ``models_whole``: the twin-fee top-up that keeps every model booked in the base year at
      today's net income (:mod:`twinimpact.analyses.labor.livelihoods`' projection: the sum of
      every loser's shortfall, grossed up for the agency's commission), growing with the path's
      fraction of the move each year; it needs the bookings.
    - ``redeploy_all``: the pay of every displaced hour, redeployed (:func:`redeployment_cases`).

    Parameters
    ----------
    dataset, params
        As :func:`analyse`.
    given
        Step 1's :class:`Inputs`.
    redeployed_pay
        :func:`redeployment_cases`' NPVs of redeployed pay, by case.

    Returns
    -------
    tuple
        (commitment -> NPV cost or None; commitment -> why it cannot be priced).
    """
    costs: dict[str, float | None] = {"redeploy_all": redeployed_pay.get("all")}
    reasons: dict[str, str] = {}
    lv = livelihoods.analyse(dataset, params)
    if not lv.available or lv.projection is None:
        costs["models_whole"] = None
        reasons["models_whole"] = lv.why_not or "no model's income could be projected"
    else:
        table = lv.projection.table
        shortfall = float((table["today"] - table["projected"]).clip(lower=0).sum())
        gross = shortfall / (1 - params.agency_commission) if params.agency_commission < 1 else shortfall
        costs["models_whole"] = float(npv(gross * given.path["fraction"].to_numpy(), params.discount_rate))
    return costs, reasons


def option_npvs(params: "Params", given: Inputs, draws: Draws, shares: list[float], target: Values) -> np.ndarray:
    """Step 6: the NPV draws of every option (draws x options), on the same draws: moving to
    each twin share instead of ``adoption_share``; today's mix is 0 in every draw.

    Parameters
    ----------
    params
        As :func:`analyse`.
    given, draws
        Steps 1 and 2.
    shares
        The options' twin shares (:func:`decision.option_shares`).
    target
        Step 3's values at ``adoption_share`` (reused for that option).
    """
    columns = []
    for share in shares:
        if abs(share - given.start) <= decision.SAME_SHARE:
            columns.append(np.zeros(params.n_draws))
        elif abs(share - params.adoption_share) <= decision.SAME_SHARE:
            columns.append(target.draws)
        else:
            p = params.model_copy(update={"adoption_share": share})
            g = replace(given, path=adoption_path(given.mix, share, params.horizon_years, params.volume_growth))
            d = replace(draws, adoption=adoption_draws(given.mix, share, params.horizon_years, params.volume_growth,
                                                       params.adoption_share_spread, params.adoption_years_spread,
                                                       params.n_draws, params.seed))
            columns.append(value(p, g, d).draws)
    return np.column_stack(columns)


def scaled(dataset: "Dataset", params: "Params", scale: dict[str, float]) -> ScenarioAnalysis:
    """:func:`analyse` with drivers' observed values multiplied by ``scale`` (a what-if:
    ``{"shoot_day_cost": 1.2}``); their ranges stay multipliers of the scaled values.

    The steps, each reading what the ones before it wrote: :func:`inputs` (what the data
    give), :func:`draw` (the table of draws), :func:`value` (the money), :func:`by_year`
    (the path year by year), :func:`redeployment_cases`, then the sensitivity table, the
    tornado, the conclusions and the results block.

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
    given = inputs(dataset, params, scale)
    if isinstance(given, str):
        return unavailable(given, params)
    draws = draw(dataset, params, given, scale)
    values = value(params, given, draws)
    yearly = by_year(dataset, params, given, values)
    case_fte, redeployed_pay = redeployment_cases(params, given)
    fixed = (params.twins_per_season, params.twin_life_seasons)
    mix_now = (float(given.mix["traditional"].sum()), float(given.mix["hybrid"].sum()))
    worst = worst_case_margin(given.drivers, given.ranges, mix_now)
    table = sensitivity(values.cost_draws, values.per_value_draws,
                        value_ladder(values.break_even, draws.value["estimate"]), redeployed_pay, case_fte)
    tornado = npv_tornado(given.drivers, given.ranges, given.path, given.mix, params, fixed, draws.change_observed,
                          draws.value, draws.engagement, values.break_even)
    pct = minimum.checked_percentiles(montecarlo.percentiles(values.draws))
    estimation = minimum.checked_percentiles(montecarlo.percentiles(values.estimation))
    # the costs cannot be resampled (too few campaigns of a mode): no range or direction is stated
    unsure = UNSURE if estimation.get("not_estimable") else None
    p_negative = float((values.draws < 0).mean())
    a = draws.adoption
    assumed = {"end_share": [float(a["end_share"].min()), float(a["end_share"].max())],
               "years": [float(a["years"].min()), float(a["years"].max())]}
    value_block = {k: v for k, v in draws.value.items() if k != "draws"}
    not_valued = "not_valued" in draws.engagement
    conclusions = {
        "engagement_value": statements.engagement_value_conclusion(value_block, values.break_even, values.no_break_even,
                                                                   params.reporting_currency, values.break_even_range),
        "npv_adoption": statements.npv_conclusion(pct, p_negative, given.start, params.adoption_share,
                                                  params.horizon_years, params.reporting_currency, value_block,
                                                  values.observed, worst, not_valued, unsure),
    }
    shares = decision.option_shares(params, given.start)
    at_target, not_priced = commitments_at_target(dataset, params, given, redeployed_pay)
    decided = decision.decide(dataset, params, shares, option_npvs(params, given, draws, shares, values), draws,
                              values.break_even, at_target, not_priced)
    if unsure:
        decided.block["not_estimable"] = unsure
    conclusions = {"decision": statements.decision_conclusion(decided.block, params.reporting_currency,
                                                              params.horizon_years), **conclusions}
    block = {"npv": pct, "npv_against": "keeping today's mix of traditional, hybrid and twin production",
             "npv_observed": values.observed,
             "npv_estimation": estimation,
             "probability_npv_negative_estimation": float((values.estimation < 0).mean()), "risk_note": RISK_NOTE,
             "horizon_years": params.horizon_years, "discount_rate": params.discount_rate,
             "start_twin_share": given.start, "target_twin_share": params.adoption_share, "base_year": given.base_year,
             "adoption_draws": assumed, "final_year_net_fte": float(yearly["net_fte"].iloc[-1]),
             "final_year_net_fte_p10_p90": [float(yearly["net_fte_p10"].iloc[-1]),
                                            float(yearly["net_fte_p90"].iloc[-1])],
             "cumulative_model_twin_fees": float(yearly["model_twin_fees"].sum()),
             "cumulative_model_photo_pay_lost": float(yearly["model_photo_pay_lost"].sum()),
             "probability_npv_positive": float((values.draws > 0).mean()), "probability_npv_negative": p_negative,
             "engagement": {**draws.engagement, "engagements_per_moved_asset": draws.change_observed},
             "value_per_engagement": value_block, "break_even_value_per_engagement": values.break_even,
             "break_even_value_note": BREAK_EVEN_NOTES[values.no_break_even],
             "break_even_value_range": values.break_even_range,
             "worst_case_saving_per_moved_asset": worst,
             "driver_ranges": {k: list(v) for k, v in given.ranges.items()},
             "driver_correlation": {"drivers": draws.names, "matrix": draws.corr.round(4).tolist()},
             "sensitivity": table, "tornado": tornado}
    return ScenarioAnalysis(given.path, yearly, values.draws, pct, given.start, given.base_year, conclusions, block,
                            decision=decided.block)


#: Why no range, direction or recommendation is stated when resampling the campaigns gives the
#: costs no spread (the NPV's estimation range has zero width).
UNSURE = ("the campaigns behind the unit costs give them no spread to resample, as with one or two campaigns of a "
          "production mode")

#: How the NPV's uncertainty is made, for results.json and the scenarios chapter.
RISK_NOTE = ("the range under the assumed ranges resamples the pooled unit costs over campaigns (their estimation "
             "uncertainty) and multiplies them by scenario draws within each driver's campaign-to-campaign P10-P90 "
             "spread (log-triangular, correlated as their campaigns are through a Gaussian copula), draws the end "
             "share and the years to reach it, and draws the engagement effect and its value from their sampling "
             "distributions; the pooled-means range resamples the unit costs alone, on the planned path; the value "
             "at the observed costs holds every driver at its observed value")
#: Why there is no break-even value per engagement, by the reason :func:`break_even_value` gives.
BREAK_EVEN_NOTES = {
    "": "the value per engagement at which the NPV at the observed costs is zero, if twin imagery with its label "
        "causes the engagement change the posts show; its range spans the engagement effect's uncertainty",
    "loses_anyway": "none: the move loses money at the P50 even if an engagement is worth nothing",
    "gains_engagement": "none: moved assets do not lose engagement at the estimates, so valuing it cannot turn "
                        "the NPV negative",
    "not_measured": "not measured: the data cannot estimate the twin and label rate ratios",
}


def npv_tornado(d: dict[str, float | None], ranges: dict[str, tuple[float, float]], path: pd.DataFrame,
                mix: pd.DataFrame, params: "Params", fixed: tuple[int, int], change: float, value: dict[str, Any],
                engagement_info: dict[str, Any], breakeven: float | None) -> list[dict[str, Any]]:
    """The NPV at the observed drivers with one input at a time at each end of its range:
    every cost driver (its range), the value per engagement (its interval, or 0 to twice the
    break-even when it is not estimated), the end share and the years to reach it (their
    spreads). Sorted by swing, the largest first.

    Parameters
    ----------
    d, ranges
        Observed drivers and their (low, high) multipliers.
    path, mix
        The planned adoption path and the base year's mix.
    params
        The run's parameters.
    fixed
        (twins per season, seasons a twin is used).
    change
        Engagements a moved asset gains (negative: loses) at the estimates.
    value
        :func:`twinimpact.analyses.engagement.value.value_per_engagement`.
    engagement_info
        What the engagement change rests on.
    breakeven
        The break-even value per engagement, or None.

    Returns
    -------
    list of dict
        ``input``, ``label``, ``low``, ``high`` (the input's values), ``npv_at_low``,
        ``npv_at_high``, ``swing`` (reporting currency).
    """
    r = params.discount_rate
    v0 = float(value["estimate"] or 0.0)

    def at(dd: dict[str, Any], p: dict[str, np.ndarray], v: float) -> float:
        moved = p["moved_traditional"] + p["moved_hybrid"]
        flows = flows_of(dd, p["moved_traditional"], p["moved_hybrid"], p["fraction"], *fixed) + v * change * moved
        return float(npv(flows, r))

    def path_at(share: float, years: float) -> dict[str, np.ndarray]:
        t = np.arange(1, params.horizon_years + 1)
        frac = np.minimum(1.0, t / max(1.0, years))
        moved = labor.moved_assets(mix, share)  # the whole way; year t has gone frac of it
        step = frac * (1 + params.volume_growth) ** t
        return {"moved_traditional": moved["traditional"] * step, "moved_hybrid": moved["hybrid"] * step,
                "fraction": frac}

    planned = {k: path[k].to_numpy() for k in ("moved_traditional", "moved_hybrid", "fraction")}
    rows = []
    for name in DRIVER_LABELS:
        if d.get(name) is None or name not in ranges:
            continue
        lo, hi = ranges[name]
        rows.append({"input": name, "label": DRIVER_LABELS[name], "low": d[name] * lo, "high": d[name] * hi,
                     "npv_at_low": at({**d, name: d[name] * lo}, planned, v0),
                     "npv_at_high": at({**d, name: d[name] * hi}, planned, v0)})
    if "not_valued" not in engagement_info:
        lo_v, hi_v = ((value["ci_low"], value["ci_high"]) if value.get("ci_low") is not None
                      else (0.0, 2 * breakeven if breakeven else 2 * v0))
        rows.append({"input": "value_per_engagement", "label": "what one engagement is worth", "low": lo_v,
                     "high": hi_v, "npv_at_low": at(d, planned, lo_v), "npv_at_high": at(d, planned, hi_v)})
    a, b = params.adoption_share_spread, params.adoption_years_spread
    s_lo, s_hi = max(0.0, params.adoption_share - a), min(1.0, params.adoption_share + a)
    rows.append({"input": "adoption_share", "label": "the end twin share", "low": s_lo, "high": s_hi,
                 "npv_at_low": at(d, path_at(s_lo, params.horizon_years), v0),
                 "npv_at_high": at(d, path_at(s_hi, params.horizon_years), v0)})
    y_lo, y_hi = max(1.0, params.horizon_years * (1 - b)), params.horizon_years * (1 + b)
    rows.append({"input": "adoption_years", "label": "years to reach the end share", "low": y_lo, "high": y_hi,
                 "npv_at_low": at(d, path_at(params.adoption_share, y_lo), v0),
                 "npv_at_high": at(d, path_at(params.adoption_share, y_hi), v0)})
    for row in rows:
        row["swing"] = abs(row["npv_at_high"] - row["npv_at_low"])
    return sorted(rows, key=lambda row: -row["swing"])


def _model_pay_per_asset(rates: pd.DataFrame, campaigns: pd.DataFrame) -> dict[str, float]:
    """Model pay per asset delivered in each mode (reporting currency): the photographed pay
    an asset moved to a twin takes away from models."""
    assets = campaigns.groupby("production_mode")["assets_delivered"].sum()
    pay = rates[rates["role"] == "model"].set_index("production_mode")["pay"]
    return {m: float(pay.get(m, 0.0)) / float(assets[m]) if assets.get(m, 0) else 0.0
            for m in MOVABLE_MODES}
