"""Models' livelihoods, model by model, from the optional ``bookings`` table: what each
model earned photographed and from their twin, who gains and who loses when each brand
moves to the adoption share, and who the photographed imagery shows beside the twin
assets. Without bookings every figure here is null and the reason says the table is
needed (the roster average of :func:`twinimpact.analyses.labor.hours.model_income` still stands).

Money is in the reporting currency; "gross" is what the brand paid, "net" is after the
agency's commission (``agency_commission``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from twinimpact.analyses.labor import hours as labor
from twinimpact.analyses.stats.event_study import adoption_dates
from twinimpact.analyses.money import to_reporting
from twinimpact.contract.spec import season_key
from twinimpact.results import ModelsBlock
from twinimpact.words import statements

if TYPE_CHECKING:
    from twinimpact.sources.data import Dataset
    from twinimpact.params import Params

#: Params fields these figures read (beyond money and scope).
PARAMETERS = ("adoption_share", "agency_commission", "labor_year", "seed", "n_draws")  # all the labour notebook's
NEEDS_BOOKINGS = ("Per-model figures need the optional bookings table (which model was photographed for which "
                  "campaign, for how many days and what pay; docs/DATA_CONTRACT.md).")


def income_by_model_year(bookings: pd.DataFrame, usage: pd.DataFrame, campaigns: pd.DataFrame,
                         models: pd.DataFrame, fx: dict[str, float], commission: float) -> pd.DataFrame:
    """Every model of the roster by year: days photographed, photographed income and twin
    fees (gross and net of commission), twin assets. A model with neither in a year has no
    row for it; the whole-period totals are :func:`income_totals`.

    Parameters
    ----------
    bookings, usage, campaigns, models
        Contract tables (``usage`` is twin_usage).
    fx
        Units of the reporting currency per unit of each currency.
    commission
        The agency's share of a model's pay (0-1).

    Returns
    -------
    DataFrame
        ``model_id``, ``year``, ``shoot_days``, ``bookings``, ``photographed`` and
        ``twin_fees`` (gross, reporting currency), ``twin_assets``, and
        ``photographed_net``, ``twin_fees_net`` (net of commission).
    """
    camp = campaigns[["campaign_id", "currency", "start_date"]]
    b = bookings.merge(camp, on="campaign_id")
    b = b.assign(year=pd.to_datetime(b["start_date"]).dt.year,
                 photographed=to_reporting(b["fee_paid"], b["currency"], fx))
    u = usage.merge(camp[["campaign_id", "currency"]], on="campaign_id")
    u = u.assign(year=pd.to_datetime(u["used_on"]).dt.year, twin_fees=to_reporting(u["fee_paid"], u["currency"], fx))
    photo = b.groupby(["model_id", "year"]).agg(shoot_days=("shoot_days", "sum"), bookings=("campaign_id", "size"),
                                                photographed=("photographed", "sum"))
    twin = u.groupby(["model_id", "year"]).agg(twin_assets=("asset_id", "size"), twin_fees=("twin_fees", "sum"))
    out = photo.join(twin, how="outer").fillna(0.0).reset_index()
    out = out[out["model_id"].isin(models["model_id"])]
    for col in ("bookings", "twin_assets"):
        out[col] = out[col].astype(int)
    out["photographed_net"] = out["photographed"] * (1 - commission)
    out["twin_fees_net"] = out["twin_fees"] * (1 - commission)
    return out.sort_values(["model_id", "year"], kind="mergesort").reset_index(drop=True)


def income_totals(by_year: pd.DataFrame, models: pd.DataFrame) -> pd.DataFrame:
    """Whole period per model of the roster (zeros for a model never booked or used).

    Parameters
    ----------
    by_year
        :func:`income_by_model_year`.
    models
        The contract's models table (the roster).

    Returns
    -------
    DataFrame
        One row per model of the roster: the same sums over the period (reporting currency).
    """
    cols = ["shoot_days", "bookings", "photographed", "twin_assets", "twin_fees", "photographed_net", "twin_fees_net"]
    tot = by_year.groupby("model_id")[cols].sum().reindex(models["model_id"]).fillna(0.0)
    tot = tot.reset_index().merge(models[["model_id", "has_twin"]], on="model_id")
    tot["total"] = tot["photographed"] + tot["twin_fees"]
    for col in ("bookings", "twin_assets"):
        tot[col] = tot[col].astype(int)
    return tot.sort_values(["total", "model_id"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def bookings_around_adoption(bookings: pd.DataFrame, campaigns: pd.DataFrame) -> pd.DataFrame:
    """Per model, shoot days a year for brands before and after each brand adopted (its first
    twin or hybrid campaign, :func:`twinimpact.analyses.stats.event_study.adoption_dates`; days over the years each period spans in the data): who lost bookings once
    their brands adopted twins.

    Parameters
    ----------
    bookings, campaigns
        Contract tables.

    Returns
    -------
    DataFrame
        Per model: shoot days a year before and after its brands adopted.
    """
    camps = campaigns.assign(start=pd.to_datetime(campaigns["start_date"]))
    first_twin = pd.Series(adoption_dates(campaigns), dtype="datetime64[ns]")  # the workbook's one definition
    b = bookings.merge(camps[["campaign_id", "brand", "start"]], on="campaign_id")
    if b.empty or first_twin.empty:  # no bookings, or no brand has adopted: nothing to compare
        return pd.DataFrame(columns=["model_id", "days_a_year_before", "days_a_year_after", "change"])
    b["after"] = b["start"] >= b["brand"].map(first_twin).fillna(pd.Timestamp.max)
    spans = {}
    for after in (False, True):
        c = camps[(camps["start"] >= camps["brand"].map(first_twin).fillna(pd.Timestamp.max)) == after]
        spans[after] = max((c["start"].max() - c["start"].min()).days / 365.25, 0.5) if len(c) else np.nan
    days = b.pivot_table(index="model_id", columns="after", values="shoot_days", aggfunc="sum", fill_value=0.0)
    out = pd.DataFrame({"days_a_year_before": days.get(False, 0.0) / spans[False],
                        "days_a_year_after": days.get(True, 0.0) / spans[True]}).reset_index()
    out["change"] = out["days_a_year_after"] - out["days_a_year_before"]
    return out.sort_values(["change", "model_id"], kind="mergesort").reset_index(drop=True)


@dataclass
class Projection:
    """Each model at the adoption share against today (the base year), and the counts."""

    table: pd.DataFrame  # model_id, has_twin, shoot days and twin fees today and projected, income, change
    counts: dict[str, Any]  # models better and worse off (P10/P50/P90), twin models and the others apart
    moved_share: float
    break_even_fee: float | None


def projection(totals_year: pd.DataFrame, models: pd.DataFrame, campaigns: pd.DataFrame, fx: dict[str, float],
               year: int, adoption_share: float, commission: float, n_draws: int, seed: int) -> Projection:
    """Every model's net income in ``year`` against the same year at ``adoption_share``.

    Each brand moves from its twin share to the adoption share (:func:`labor.moved_assets`);
    the fraction ``f`` of the year's photographed (traditional and hybrid) assets that
    moves takes the same fraction of every model's booked days, and the moved assets are
    made with twins, each paying its model's ``twin_fee_per_asset``, shared among the twin
    models as their twin assets are today (equally when none has been used yet)::

        projected_m = (1 - f) * photographed_m + twin_fees_m + moved * share_m * fee_m   (net of commission)

    Who keeps which booking and whose twin gets which asset is drawn ``n_draws`` times
    (each booking day lost with probability ``f``; the moved assets multinomial over the
    shares): the counts of models better and worse off come with their P10 to P90. The
    break-even fee is, for the median twin model, the fee per twin asset that would keep
    their income whole: photographed income lost over the twin assets they would gain.

    Parameters
    ----------
    totals_year
        :func:`income_totals` of the base year.
    models, campaigns
        Contract tables.
    fx
        Units of the reporting currency per unit of each currency.
    year
        The base year.
    adoption_share
        The twin share every brand moves to (0-1).
    commission
        The agency's share of a model's pay (0-1).
    n_draws, seed
        Draws of who keeps which booking, and the run's seed.

    Returns
    -------
    Projection
        Each model's net income now and at the adoption share (reporting currency a year), the
        counts better and worse off with P10/P50/P90, the moved share and the break-even fee
        (reporting currency per twin asset).
    """
    mix = labor.mix_by_brand(campaigns, year)
    moved = labor.moved_assets(mix, adoption_share, 1.0)
    photographed_assets = float(mix[["traditional", "hybrid"]].to_numpy().sum())
    moved_total = float(sum(moved.values()))
    f = moved_total / photographed_assets if photographed_assets else 0.0
    keep = 1 - commission
    fee = to_reporting(models["twin_fee_per_asset"].fillna(0.0), models["currency"], fx)
    fee = pd.Series(fee.to_numpy(), index=models["model_id"])
    t = totals_year.set_index("model_id").reindex(models["model_id"]).fillna(0.0)
    twin_ids = models.loc[models["has_twin"].astype(bool), "model_id"].tolist()
    assets_now = t.loc[twin_ids, "twin_assets"] if twin_ids else pd.Series(dtype=float)
    share = (assets_now / assets_now.sum() if len(assets_now) and assets_now.sum() > 0
             else pd.Series(1.0 / max(len(twin_ids), 1), index=twin_ids))
    gained_assets = (moved_total * share).reindex(models["model_id"]).fillna(0.0)
    today = keep * (t["photographed"] + t["twin_fees"])
    projected = keep * ((1 - f) * t["photographed"] + t["twin_fees"] + gained_assets * fee)
    table = pd.DataFrame({"model_id": models["model_id"].to_numpy(), "has_twin": models["has_twin"].astype(bool)
                          .to_numpy(), "shoot_days_today": t["shoot_days"].to_numpy(),
                          "shoot_days_projected": (1 - f) * t["shoot_days"].to_numpy(),
                          "twin_fees_today": keep * t["twin_fees"].to_numpy(),
                          "twin_fees_projected": keep * (t["twin_fees"] + gained_assets * fee).to_numpy(),
                          "today": today.to_numpy(), "projected": projected.to_numpy()})
    table["change"] = table["projected"] - table["today"]
    # draws: which booked days go, whose twin gets which moved asset
    rng = np.random.default_rng([seed, 14])
    days = t["shoot_days"].to_numpy()
    per_day = np.divide(t["photographed"].to_numpy(), days, out=np.zeros_like(days), where=days > 0)
    half_days = np.round(days * 2).astype(int)
    lost = rng.binomial(half_days[None, :].repeat(n_draws, 0), f) / 2.0
    got = np.zeros((n_draws, len(models)))
    if twin_ids and moved_total > 0:
        idx = [list(models["model_id"]).index(m) for m in twin_ids]
        got[:, idx] = rng.multinomial(int(round(moved_total)), share.reindex(twin_ids).to_numpy(), size=n_draws)
    change = keep * (-lost * per_day[None, :] + got * fee.to_numpy()[None, :])
    # the counts are over the models booked (photographed or paid for their twin) in the base year
    booked = ((t["photographed"] > 0) | (t["twin_fees"] > 0) | (t["twin_assets"] > 0)).to_numpy()
    twin_cols = models["has_twin"].astype(bool).to_numpy() & booked
    other_cols = ~models["has_twin"].astype(bool).to_numpy() & booked

    def pct(v: np.ndarray) -> dict[str, Any]:
        p10, p50, p90 = (float(x) for x in np.percentile(v, [10, 50, 90]))
        if p10 == p90:  # the same count in every draw: a count, not a range
            return {"p10": None, "p50": p50, "p90": None, "not_estimable": "every draw gives the same count"}
        return {"p10": p10, "p50": p50, "p90": p90}

    counts = {"twin_models": {"gainers": pct((change[:, twin_cols] > 0.005).sum(axis=1)),
                              "losers": pct((change[:, twin_cols] < -0.005).sum(axis=1)),
                              "models": int(twin_cols.sum())},
              "models_without_twin": {"losers": pct((change[:, other_cols] < -0.005).sum(axis=1)),
                                      "models": int(other_cols.sum())},
              "counted": "models booked in the base year (photographed, or paid for their twin)"}
    tw = table[table["has_twin"]].set_index("model_id")
    lost_income = keep * f * t.loc[tw.index, "photographed"]
    gained = gained_assets.loc[tw.index]
    with np.errstate(divide="ignore", invalid="ignore"):
        needed = (lost_income / (keep * gained)).replace([np.inf, -np.inf], np.nan).dropna()
    return Projection(table.sort_values(["change", "model_id"], kind="mergesort").reset_index(drop=True),
                      counts, f, float(needed.median()) if len(needed) else None)


def representation_by_season(bookings: pd.DataFrame, usage: pd.DataFrame, campaigns: pd.DataFrame,
                             models: pd.DataFrame, column: str, target: dict[str, float]) -> pd.DataFrame:
    """Per season, the ``column`` mix (size or age) of photographed models (weighted by
    shoot days) beside the twin assets' mix and the target: like with like.

    Parameters
    ----------
    bookings, usage, campaigns, models
        Contract tables.
    column
        ``size_range`` or ``age_band``.
    target
        Level -> target share (0-1).

    Returns
    -------
    DataFrame
        Per season and level: photographed (by shoot days), twin-asset and target shares (0-1).
    """
    m = models[["model_id", column]]
    season = campaigns[["campaign_id", "season"]]
    photo = bookings.merge(season, on="campaign_id").merge(m, on="model_id")
    twin = usage.merge(season, on="campaign_id").merge(m, on="model_id").assign(w=1.0)
    rows = []
    for kind, frame, weight in (("photographed", photo, "shoot_days"), ("twin assets", twin, "w")):
        for s, g in frame.groupby("season"):
            mix_ = g.groupby(column)[weight].sum() / g[weight].sum()
            rows += [{"season": s, "imagery": kind, column: k, "share": float(v)} for k, v in mix_.items()]
    out = pd.DataFrame(rows, columns=["season", "imagery", column, "share"])
    out["target"] = out[column].map(target).astype(float)
    order = {s: season_key(s) for s in out["season"].unique()}
    return out.sort_values(["season", "imagery", column], key=lambda c: c.map(order) if c.name == "season" else c,
                           kind="mergesort").reset_index(drop=True)


@dataclass
class LivelihoodsAnalysis:
    """What the labour notebook shows model by model."""

    available: bool
    why_not: str
    by_year: pd.DataFrame = field(default_factory=pd.DataFrame)
    totals: pd.DataFrame = field(default_factory=pd.DataFrame)
    around_adoption: pd.DataFrame = field(default_factory=pd.DataFrame)
    projection: Projection | None = None
    block: ModelsBlock = field(default_factory=dict)  # type: ignore[assignment]


def analyse(dataset: "Dataset", params: "Params") -> LivelihoodsAnalysis:
    """Per-model income (whole period and by year), bookings around each brand's adoption,
    and gainers and losers at the adoption share; with the ``models`` block of results.json.

    Parameters
    ----------
    dataset
        The run's validated tables; this analysis reads the optional ``bookings`` with
        ``campaigns``, ``models`` and ``twin_usage``.
    params
        The run's parameters: money and scope, and :data:`PARAMETERS`. Units: income in the
        reporting currency, gross of agency commission unless named net.

    Returns
    -------
    LivelihoodsAnalysis
        Per-model income by year and over the period, bookings around adoption and the gainers and
        losers at the adoption share; ``block`` is results.json's ``models``
        (:class:`~twinimpact.results.ModelsBlock`). Without bookings ``available`` is False and
        ``why_not`` says so.
    """
    if not dataset.has("bookings"):
        why = (f"The bookings table has no rows, so it is treated as absent. {NEEDS_BOOKINGS}"
               if dataset.empty_optional("bookings") else NEEDS_BOOKINGS)
        return LivelihoodsAnalysis(False, why, block={"income_by_model": {}, "bookings": False, "not_available": why})
    campaigns, models, usage, bookings = (dataset[n] for n in ("campaigns", "models", "twin_usage", "bookings"))
    fx, c = params.fx_rates, params.agency_commission
    by_year = income_by_model_year(bookings, usage, campaigns, models, fx, c)
    totals = income_totals(by_year, models)
    year, _ = labor.year_assets(campaigns, params.labor_year)
    in_year = income_totals(by_year[by_year["year"] == year], models)
    proj = projection(in_year, models, campaigns, fx, year, params.adoption_share, c, params.n_draws, params.seed)
    block = {
        "bookings": True,
        "income_by_model": {r.model_id: {"photographed": float(r.photographed), "twin_fees": float(r.twin_fees)}
                            for r in totals.sort_values("model_id").itertuples()},
        "income_note": "gross (before agency commission), whole period covered by the data, reporting currency",
        "base_year": int(year), "moved_share_of_photographed_work": proj.moved_share,
        "better_and_worse_off": proj.counts,
        "break_even_twin_fee_per_asset": proj.break_even_fee,
    }
    return LivelihoodsAnalysis(True, "", by_year, totals, bookings_around_adoption(bookings, campaigns), proj, block)


def conclusions(la: "labor.LaborAnalysis", lv: LivelihoodsAnalysis, currency: str) -> dict[str, Any]:
    """The labour chapter's conclusions: creative jobs (``jobs_adoption``, from
    :func:`twinimpact.analyses.labor.hours.analyse`) and models' income
    (``models_income``): the roster average, with the model-by-model gainers and losers
    where bookings were given.

    Parameters
    ----------
    la
        The labour analysis.
    lv
        This module's analysis.
    currency
        The reporting currency.

    Returns
    -------
    dict
        ``jobs_adoption`` and ``models_income``, each ``{direction, statement}``.
    """
    counts = lv.block.get("better_and_worse_off") if lv.available else None
    income = statements.models_income_conclusion(la.block["model_income"], counts, currency)
    return {**la.conclusions, "models_income": income}


def photographed_representation(dataset: "Dataset", params: "Params") -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Size and age mixes of photographed and twin imagery per season beside the targets
    (``target_size_mix``, ``target_age_mix``: the rights notebook's parameters); None
    without bookings.

    Parameters
    ----------
    dataset, params
        The run's data and parameters (``target_size_mix``, ``target_age_mix``).

    Returns
    -------
    tuple or None
        (sizes, ages) by season: :func:`representation_by_season`; None without bookings.
    """
    if not dataset.has("bookings"):
        return None
    b, u, c, m = (dataset[n] for n in ("bookings", "twin_usage", "campaigns", "models"))
    return (representation_by_season(b, u, c, m, "size_range", params.target_size_mix),
            representation_by_season(b, u, c, m, "age_band", params.target_age_mix))
