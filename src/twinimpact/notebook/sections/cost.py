"""Sections of the production cost notebook."""

from __future__ import annotations

from typing import Any

from twinimpact import charts
from twinimpact.analyses.cost import production
from twinimpact.notebook import whatif
from twinimpact.notebook.show import items, text
from twinimpact.params import Params
from twinimpact.results import emit, emit_table
from twinimpact.words import narrate, statements


def cost_per_asset(ca: Any, currency: str) -> list[Any]:
    """The pooled cost per asset of each mode, the twin-against-traditional statement, and
    the campaigns that delivered nothing, if any."""
    cpa = ca.block["cost_per_asset"]
    zero = ca.block["zero_asset_campaigns"]
    return items(
        text("Pooled over every campaign, a finished asset cost **{t}** made traditionally, **{h}** in hybrid "
             "productions and **{w}** with digital twins (spend of a mode's campaigns divided by their assets "
             "delivered; twin building included).", t=narrate.money(cpa["traditional"], currency, 2),
             h=narrate.money(cpa["hybrid"], currency, 2), w=narrate.money(cpa["twin"], currency, 2)),
        text("{s}", s=ca.conclusions["cost_twin_vs_traditional"]["statement"]),
        text("Campaigns that delivered no assets (their spend counts, they are never divided by): {ids}.",
             ids=", ".join(zero)) if zero else None)


def cost_function(ca: Any, currency: str) -> list[Any]:
    """The fitted cost function against the campaigns, or why none could be fitted."""
    if ca.fit is None:
        return [text("No cost function could be fitted: {why}", why=ca.fit_error)]
    typical = float(ca.like_for_like["assets"].iloc[len(ca.like_for_like) // 2])
    return [charts.cost_function(ca.costs, ca.like_for_like, currency, typical)]


def cost_function_terms(ca: Any) -> list[Any]:
    """The cost function's estimates with 95% intervals."""
    if ca.fit is None:
        return []
    return [narrate.table(ca.fit.coefficients()[["term", "estimate", "ci_low", "ci_high"]], digits=3)]


def typical_campaign(ca: Any, currency: str) -> list[Any]:
    """The cost function's prediction for a campaign of the median traditional size."""
    if ca.fit is None:
        return []
    typical = float(ca.costs.loc[ca.costs["production_mode"] == "traditional", "assets_delivered"].median())
    return [narrate.table(ca.fit.predict(typical), money_cols=("running_cost", "ci_low", "ci_high", "cost_per_asset"),
                          currency=currency)]


def break_even_sentence(ca: Any, params: Params) -> list[Any]:
    """Where a twin pays for itself, at the parameters' twins per season and life; or why
    it cannot be said."""
    ccy = params.reporting_currency
    if ca.curve is None:
        return [text("Break-even needs both traditional and twin campaigns in the data: {why}",
                     why="; ".join(ca.drivers.notes))]
    saving = float(production.savings_per_asset(ca.drivers.as_dict(), ca.assets_per_season, params.twins_per_season,
                                                params.twin_life_seasons))
    return [text("Break-even: **{be}** assets a season (building {k} twins a season, each used {life} seasons). "
                 "At the {n} assets a season a brand needs here, twins **{s}** per asset.",
                 be=narrate.num(ca.break_even), k=params.twins_per_season, life=params.twin_life_seasons,
                 n=narrate.num(ca.assets_per_season), s=statements.signed_money_words(saving, ccy))]


def tornado(ca: Any, currency: str) -> list[Any]:
    """What moves the savings most, one driver at a time."""
    return [] if ca.tornado is None else [charts.tornado(ca.tornado, currency)]


def savings_distribution(ca: Any, currency: str) -> list[Any]:
    """The Monte Carlo spread of savings per asset and per season."""
    if ca.mc is None:
        return []
    s = ca.block["savings_per_season"]
    return [charts.savings_distribution(ca.mc["savings_per_asset"], ca.block["savings_per_asset"], currency),
            text("Per season of {n} assets, twins **{p50}** (P50), between {p10} (P10) and {p90} (P90) saved; a "
                 "negative saving is a loss. Each driver varies within its range (table above).",
                 n=narrate.num(ca.assets_per_season), p50=statements.signed_money_words(s["p50"], currency),
                 p10=narrate.money(s["p10"], currency), p90=narrate.money(s["p90"], currency))]


def emit_results(ca: Any) -> None:
    """The notebook's results blocks and key tables, for the runner."""
    emit("cost", ca.block)
    emit("conclusions", ca.conclusions)
    emit_table("savings_reconciliation", ca.reconciliation)
    emit_table("cost_by_campaign", ca.costs)
    if ca.tornado is not None:
        emit_table("cost_drivers_tornado", ca.tornado)


def break_even_whatif(ca: Any, params: Params) -> Any:
    """In JupyterLab, sliders for the main drivers and the twins built that redraw the
    break-even chart; in a run, the chart at the parameters. Nothing without a curve."""
    if ca.curve is None:
        return None
    drivers, assets, ccy = ca.drivers.as_dict(), ca.assets_per_season, params.reporting_currency

    def draw(**values: Any) -> list[Any]:
        return whatif.break_even_figures(drivers, assets, ccy, **values)

    return whatif.show(draw, whatif.break_even_controls(params), "the break-even")
