"""Production cost: what a finished asset costs by production mode, like for like, and
when a digital twin pays for itself. Pure functions: frames and numbers in and out.

Money is converted to the reporting currency with ``fx_rates`` (units of the reporting
currency per unit of the campaign's currency). A campaign with zero assets delivered is
flagged and never divided by.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .errors import DataError

MODES = ("traditional", "hybrid", "twin")
#: Spend that scales with shoot days rather than with assets.
SHOOT_DAY_CATEGORIES = ("model_fees", "photographer", "hair_makeup", "styling", "studio_location", "travel")
#: Which cost driver each twin-campaign category feeds (per asset unless said).
TWIN_DRIVER_OF = {
    "twin_licensing": "licensing_per_asset",
    "generation_compute": "compute_per_asset",
    "ai_review": "review_per_asset",
    "disclosure_compliance": "compliance_per_asset",
}
DRIVER_LABELS = {
    "shoot_day_cost": "cost of a shoot day (crew, model, studio, travel)",
    "assets_per_shoot_day": "assets per shoot day",
    "traditional_post_per_asset": "traditional post-production and other, per asset",
    "twin_creation_cost": "building one twin",
    "licensing_per_asset": "twin licence fee per asset",
    "compute_per_asset": "generation compute per asset",
    "review_per_asset": "AI review per asset",
    "compliance_per_asset": "disclosure compliance per asset",
    "twin_post_per_asset": "twin post-production and other, per asset",
}


def rates_for(currencies: pd.Series, fx_rates: dict[str, float]) -> pd.Series:
    """Rate to the reporting currency for each currency code; a missing rate is a DataError."""
    missing = sorted(set(currencies.dropna()) - set(fx_rates))
    if missing:
        raise DataError(
            f"No exchange rate for {', '.join(missing)} to the reporting currency: add "
            f"{', '.join(f'{c}: <rate>' for c in missing)} under fx_rates in the parameters file."
        )
    return currencies.map(fx_rates).astype(float)


def campaign_costs(campaigns: pd.DataFrame, cost_lines: pd.DataFrame, fx_rates: dict[str, float]) -> pd.DataFrame:
    """One row per campaign: spend by category and in total (reporting currency), cost per
    asset and per look, and ``zero_assets`` where nothing was delivered (cost per asset NaN)."""
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
    from .schemas import COST_CATEGORIES

    return [c for c in COST_CATEGORIES if c in costs.columns]


def pooled_cost_per_asset(costs: pd.DataFrame) -> dict[str, float | None]:
    """Spend of each mode's campaigns divided by their assets delivered (DESIGN.md)."""
    out: dict[str, float | None] = {}
    for mode in MODES:
        rows = costs[costs["production_mode"] == mode]
        assets = float(rows["assets_delivered"].sum())
        out[mode] = float(rows["total"].sum()) / assets if assets > 0 else None
    return out


def rollup(costs: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Spend, assets, campaigns and pooled cost per asset and per look by ``by``."""
    g = costs.groupby(by, observed=True).agg(campaigns=("campaign_id", "size"), spend=("total", "sum"),
                                             assets=("assets_delivered", "sum"), looks=("looks", "sum"),
                                             zero_asset_campaigns=("zero_assets", "sum")).reset_index()
    g["cost_per_asset"] = (g["spend"] / g["assets"].astype(float)).where(g["assets"] > 0)
    g["cost_per_look"] = g["spend"] / g["looks"].astype(float)
    return g


def category_per_asset(costs: pd.DataFrame) -> pd.DataFrame:
    """Pooled cost per asset of each category, by mode (long: mode, category, per_asset)."""
    cats = category_columns(costs)
    rows = []
    for mode in MODES:
        sub = costs[costs["production_mode"] == mode]
        assets = float(sub["assets_delivered"].sum())
        if assets <= 0:
            continue
        for cat in cats:
            value = float(sub[cat].sum()) / assets
            if value > 0:
                rows.append({"production_mode": mode, "category": cat, "per_asset": value})
    return pd.DataFrame(rows, columns=["production_mode", "category", "per_asset"])


# --- the driver model: per-asset and per-day costs observed in the data -------------------
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
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, float | None]:
        return {k: getattr(self, k) for k in DRIVER_LABELS}

    @property
    def complete(self) -> bool:
        return all(v is not None for v in self.as_dict().values())


def observed_drivers(costs: pd.DataFrame, twin_usage: pd.DataFrame | None = None) -> Drivers:
    """Calibrate the driver model on the data.

    Traditional: shoot-day spend (model fees, photographer, hair and make-up, styling,
    studio, travel) per shoot day; assets per shoot day; everything else per asset.
    Twin: licensing, compute, review and compliance per asset from twin campaigns; the rest
    as post-production per asset; twin creation spend per twin built, a twin being a model
    whose twin appears in ``twin_usage`` (or, without usage, one twin per creation line).
    """
    notes: list[str] = []
    cats = category_columns(costs)
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
    return Drivers(shoot_day_cost, assets_per_day, trad_post, creation, per_asset["licensing_per_asset"],
                   per_asset["compute_per_asset"], per_asset["review_per_asset"],
                   per_asset["compliance_per_asset"], per_asset["twin_post_per_asset"], notes)


def drivers_table(drivers: Drivers) -> pd.DataFrame:
    """The observed unit costs with their meaning, for reading."""
    return pd.DataFrame([{"driver": k, "meaning": DRIVER_LABELS[k], "observed": v}
                         for k, v in drivers.as_dict().items()])


def traditional_per_asset(d: dict[str, Any]) -> Any:
    """Traditional cost per asset: shoot days spread over their assets, plus post-production."""
    return d["shoot_day_cost"] / d["assets_per_shoot_day"] + d["traditional_post_per_asset"]


def twin_variable_per_asset(d: dict[str, Any]) -> Any:
    return (d["licensing_per_asset"] + d["compute_per_asset"] + d["review_per_asset"]
            + d["compliance_per_asset"] + d["twin_post_per_asset"])


def twin_fixed_per_season(d: dict[str, Any], twins_per_season: int, twin_life_seasons: int) -> Any:
    """Twin building spread over the seasons a twin is used."""
    return twins_per_season * d["twin_creation_cost"] / twin_life_seasons


def savings_per_asset(d: dict[str, Any], assets_per_season: float, twins_per_season: int,
                      twin_life_seasons: int) -> Any:
    """Traditional minus twin cost per asset at a season's volume (works on arrays too)."""
    fixed = twin_fixed_per_season(d, twins_per_season, twin_life_seasons)
    return traditional_per_asset(d) - twin_variable_per_asset(d) - fixed / assets_per_season


def break_even_assets(d: dict[str, Any], twins_per_season: int, twin_life_seasons: int) -> float | None:
    """Assets per season at which a season of twin production costs what traditional does.

    ``None`` when twin production never catches up (its variable cost per asset is not
    below traditional). 0 when there is no fixed twin cost to recover.
    """
    margin = traditional_per_asset(d) - twin_variable_per_asset(d)
    fixed = twin_fixed_per_season(d, twins_per_season, twin_life_seasons)
    if margin <= 0:
        return None
    return fixed / margin


def break_even_curve(d: dict[str, Any], twins_per_season: int, twin_life_seasons: int,
                     max_assets: float) -> pd.DataFrame:
    """Season cost of each mode over 0..max_assets assets (long: assets, mode, season_cost)."""
    n = np.linspace(0, max_assets, 101)
    trad = n * traditional_per_asset(d)
    twin = twin_fixed_per_season(d, twins_per_season, twin_life_seasons) + n * twin_variable_per_asset(d)
    return pd.concat([pd.DataFrame({"assets": n, "production_mode": "traditional", "season_cost": trad}),
                      pd.DataFrame({"assets": n, "production_mode": "twin", "season_cost": twin})],
                     ignore_index=True)


def typical_assets_per_season(campaigns: pd.DataFrame) -> float | None:
    """Average assets a brand delivered per season in the data."""
    per = campaigns.groupby(["brand", "season"])["assets_delivered"].sum()
    return float(per.mean()) if len(per) and per.mean() > 0 else None


def tornado(d: dict[str, float], ranges: dict[str, tuple[float, float]], assets_per_season: float,
            twins_per_season: int, twin_life_seasons: int) -> pd.DataFrame:
    """One-way sensitivity: savings per asset with each driver at its low and high
    multiplier, the others at their observed values; sorted by swing (largest first)."""
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


def monte_carlo(d: dict[str, float], ranges: dict[str, tuple[float, float]], assets_per_season: float,
                twins_per_season: int, twin_life_seasons: int, n_draws: int, seed: int) -> pd.DataFrame:
    """Savings per asset and per season over ``n_draws`` joint draws of the drivers.

    Each driver is its observed value times an independent multiplier m with
    log m ~ triangular(log low, 0, log high): most likely the observed value, never
    outside the range, and as likely k times higher as k times lower when the range is
    symmetric in ratio. Vectorised, so 100k draws take milliseconds. Same seed, same draws.
    """
    rng = np.random.default_rng(seed)
    draws = {}
    for name in DRIVER_LABELS:  # a fixed order keeps draws reproducible whatever the dict order
        draws[name] = d[name] * multipliers(rng, *ranges.get(name, (1.0, 1.0)), n_draws)
    per_asset = savings_per_asset(draws, assets_per_season, twins_per_season, twin_life_seasons)
    return pd.DataFrame({"savings_per_asset": per_asset, "savings_per_season": per_asset * assets_per_season})


def multipliers(rng: np.random.Generator, low: float, high: float, n: int) -> np.ndarray:
    """``n`` log-triangular multipliers on (low, high) with mode 1."""
    if high <= low:
        return np.ones(n)
    return np.exp(rng.triangular(math.log(low), 0.0, math.log(high), n))


def percentiles(values: pd.Series | np.ndarray) -> dict[str, float]:
    p10, p50, p90 = np.percentile(np.asarray(values, dtype=float), [10, 50, 90])
    return {"p10": float(p10), "p50": float(p50), "p90": float(p90)}


# --- like for like: a fitted cost function per mode ---------------------------------------
@dataclass
class CostFunction:
    """log(running cost) = alpha[mode] + beta[mode]*log(assets) + market effect, fitted by OLS."""

    result: Any  # statsmodels RegressionResults
    reference_market: str
    markets: list[str]
    modes: list[str]
    smearing: float  # Duan's factor: mean cost = exp(prediction) * smearing
    n: int
    dropped: int
    market_weights: dict[str, float] = field(default_factory=dict)  # campaigns per market, for the mix

    def coefficients(self) -> pd.DataFrame:
        ci = self.result.conf_int(0.05)
        rows = []
        for name, value in self.result.params.items():
            rows.append({"term": _pretty_term(name), "estimate": float(value), "ci_low": float(ci.loc[name, 0]),
                         "ci_high": float(ci.loc[name, 1]), "raw": name})
        return pd.DataFrame(rows)

    def alpha(self, mode: str) -> tuple[float, float, float]:
        return self._coef(f"C(production_mode)[{mode}]")

    def beta(self, mode: str) -> tuple[float, float, float]:
        return self._coef(f"C(production_mode)[{mode}]:log_assets")

    def market_effect(self, market: str) -> tuple[float, float, float]:
        if market == self.reference_market:
            return (0.0, 0.0, 0.0)
        return self._coef(f"C(market, Treatment('{self.reference_market}'))[T.{market}]")

    def _coef(self, name: str) -> tuple[float, float, float]:
        ci = self.result.conf_int(0.05)
        return float(self.result.params[name]), float(ci.loc[name, 0]), float(ci.loc[name, 1])

    def predict(self, assets: float, market: str | None = None) -> pd.DataFrame:
        """Expected running cost of one campaign of ``assets`` in each fitted mode, with a
        95% interval for that mean. Without ``market``: the campaign-weighted mix of markets."""
        markets = [market] if market else self.markets
        weights = [1.0] if market else [self.market_weights.get(m, 1.0) for m in markets]
        rows = []
        for mode in self.modes:
            grid = pd.DataFrame({"production_mode": mode, "log_assets": math.log(assets), "market": markets})
            pred = self.result.get_prediction(grid).summary_frame(alpha=0.05)
            w = np.asarray(weights) / np.sum(weights)
            mean, lo, hi = (float(np.dot(w, np.exp(pred[c]))) * self.smearing
                            for c in ("mean", "mean_ci_lower", "mean_ci_upper"))
            rows.append({"production_mode": mode, "assets": assets, "running_cost": mean, "ci_low": lo,
                         "ci_high": hi, "cost_per_asset": mean / assets})
        return pd.DataFrame(rows)


def _pretty_term(name: str) -> str:
    name = name.replace("C(production_mode)", "mode").replace(":log_assets", " x log(assets)")
    if name.startswith("C(market"):
        name = "market " + name.split("[T.")[-1].rstrip("]")
    return name


def fit_cost_function(costs: pd.DataFrame, min_campaigns: int = 3) -> CostFunction:
    """Fit log running cost (twin creation excluded: it is amortised separately) on log
    assets per mode, with market effects shared across modes.

    Campaigns with zero assets or zero spend are left out (counted in ``dropped``); a mode
    with fewer than ``min_campaigns`` campaigns, or whose campaigns all have the same
    size, is left out of the fit. Raises ``DataError`` if nothing can be fitted.
    """
    import statsmodels.formula.api as smf

    usable = costs[(costs["assets_delivered"] > 0) & (costs["running_total"] > 0)].copy()
    dropped = len(costs) - len(usable)
    keep = []
    for mode, grp in usable.groupby("production_mode"):
        if len(grp) >= min_campaigns and grp["assets_delivered"].nunique() > 1:
            keep.append(mode)
    usable = usable[usable["production_mode"].isin(keep)]
    if usable.empty:
        raise DataError(f"Cannot fit a cost function: no production mode has {min_campaigns} or more campaigns "
                        "of different sizes with spend and assets.")
    usable["log_cost"] = np.log(usable["running_total"].astype(float))
    usable["log_assets"] = np.log(usable["assets_delivered"].astype(float))
    usable["market"] = usable["market"].astype(str)
    usable["production_mode"] = usable["production_mode"].astype(str)
    markets = sorted(usable["market"].unique())
    ref = markets[0]
    formula = "log_cost ~ 0 + C(production_mode) + C(production_mode):log_assets"
    if len(markets) > 1:
        formula += f" + C(market, Treatment('{ref}'))"
    result = smf.ols(formula, data=usable).fit()
    if result.df_resid < 1 or np.linalg.matrix_rank(result.model.exog) < result.model.exog.shape[1]:
        raise DataError("Cannot fit a cost function: the campaigns do not separate modes, sizes and markets "
                        "(too few campaigns per market or mode).")
    smearing = float(np.mean(np.exp(result.resid)))
    weights = usable["market"].value_counts().reindex(markets).astype(float).to_dict()
    return CostFunction(result, ref, markets, [m for m in MODES if m in keep], smearing, len(usable), dropped,
                        weights)


# --- the results block -------------------------------------------------------------------
def cost_block(costs: pd.DataFrame, drivers: Drivers, mc: pd.DataFrame | None, assets_per_season: float | None,
               twins_per_season: int, twin_life_seasons: int) -> dict[str, Any]:
    """``cost`` in results.json (DESIGN.md keys plus the inputs that produced them)."""
    d = drivers.as_dict()
    be = break_even_assets(d, twins_per_season, twin_life_seasons) if drivers.complete else None
    return {
        "cost_per_asset": pooled_cost_per_asset(costs),
        "break_even_assets": be,
        "savings_per_asset": percentiles(mc["savings_per_asset"]) if mc is not None else
        {"p10": None, "p50": None, "p90": None},
        "savings_per_season": percentiles(mc["savings_per_season"]) if mc is not None else
        {"p10": None, "p50": None, "p90": None},
        "assets_per_season": assets_per_season,
        "zero_asset_campaigns": costs.loc[costs["zero_assets"], "campaign_id"].tolist(),
        "drivers": d,
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
    block: dict[str, Any]


def analyse(campaigns: pd.DataFrame, cost_lines: pd.DataFrame, twin_usage: pd.DataFrame, *,
            fx_rates: dict[str, float], driver_ranges: dict[str, tuple[float, float]], twins_per_season: int,
            twin_life_seasons: int, assets_per_season: int, n_draws: int, seed: int) -> CostAnalysis:
    """Run every cost calculation with one set of parameters."""
    costs = campaign_costs(campaigns, cost_lines, fx_rates)
    drivers = observed_drivers(costs, twin_usage)
    volume = float(assets_per_season) if assets_per_season else typical_assets_per_season(campaigns)
    d = drivers.as_dict()
    curve = tor = mc = None
    be = None
    if drivers.complete and volume:
        be = break_even_assets(d, twins_per_season, twin_life_seasons)
        top = max(volume, (be or 0) * 3, 10.0)
        curve = break_even_curve(d, twins_per_season, twin_life_seasons, top)
        tor = tornado(d, driver_ranges, volume, twins_per_season, twin_life_seasons)
        mc = monte_carlo(d, driver_ranges, volume, twins_per_season, twin_life_seasons, n_draws, seed)
    fit, fit_error, lfl = None, None, None
    try:
        fit = fit_cost_function(costs)
        sizes = np.unique(np.geomspace(max(1.0, costs["assets_delivered"][costs["assets_delivered"] > 0].min()),
                                       costs["assets_delivered"].max(), 25).round())
        lfl = pd.concat([fit.predict(float(n)) for n in sizes], ignore_index=True)
    except DataError as err:
        fit_error = str(err)
    block = cost_block(costs, drivers, mc, volume, twins_per_season, twin_life_seasons)
    return CostAnalysis(costs, category_per_asset(costs), rollup(costs, ["season", "production_mode"]), drivers,
                        volume, be, curve, tor, mc, fit, fit_error, lfl, block)
