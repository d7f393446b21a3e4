"""Sections of the creative labour notebook."""

from __future__ import annotations

from typing import Any

import pandas as pd

from twinimpact import charts
from twinimpact.analyses.labor import livelihoods
from twinimpact.notebook.show import Text, items, text
from twinimpact.params import Params
from twinimpact.results import emit, emit_table
from twinimpact.words import narrate, statements


def roster_income(la: Any, has_bookings: bool, params: Params) -> list[Any]:
    """The roster average of models' income; with bookings, a pointer to the model-by-model
    section that replaces its gainers and losers."""
    if has_bookings:
        return [text("The roster average: how much a model earns a year, not who gains; with the bookings, the "
                     "model-by-model section below counts who gains and who loses.")]
    return [charts.model_income(la.income, params.reporting_currency, params.adoption_share)]


def roster_income_sentence(la: Any, has_bookings: bool, currency: str) -> list[Any]:
    """What a twin earns its model per asset against photographed pay per asset, and how
    photographed income was split."""
    m = la.income_summary
    why = ("Here photographed income is split evenly across the roster, as a baseline; the bookings give each "
           "model's own figures below." if has_bookings else
           "The data does not say which model worked which shoot (no bookings table), so photographed income "
           "is split evenly across the roster.")
    return [text("Per model and year, net of {c} agency commission, against {y}'s mix: a twin earns its model {f} "
                 "per twin-made asset (the contracted fee, weighted by each twin model's share of {y}'s twin assets), "
                 "against {p} of model pay per traditional asset. {why}", c=narrate.pct(m["agency_commission"]),
                 y=m["base_year"], f=narrate.money(m["twin_fee_per_asset"], currency, 2),
                 p=narrate.money(m["model_pay_per_asset"]["traditional"], currency, 2), why=why)]


def income_by_model(lv: Any, currency: str) -> list[Any]:
    """Each model's income from shoots and from twin fees, and the three who earn most from
    twins; or why it is not measured."""
    if not lv.available:
        return [text("**Not measured:** {w}", w=lv.why_not)]
    top = lv.totals.sort_values(["twin_fees", "model_id"], ascending=[False, True]).head(3)
    earners = ", ".join(f"{m} ({narrate.money(v, currency)})" for m, v in zip(top["model_id"], top["twin_fees"]))
    return [charts.income_by_model(lv.totals, currency), text("Most from twins over the period: {t}.", t=earners)]


def bookings_around_adoption(lv: Any) -> list[Any]:
    """Shoot days a year per model before and after each brand's first twin campaign; not
    estimable when no brand in scope has adopted twins."""
    if not lv.available:
        return []
    if lv.around_adoption.empty:
        return [Text("**Not estimable:** no brand in scope has adopted twins (a first twin or hybrid campaign), so "
                     "bookings before and after adoption cannot be compared.")]
    return [narrate.table(lv.around_adoption.head(10), digits=1)]


#: The columns of the gainers-and-losers table, money from the fifth on.
MOVED_COLUMNS = ["model_id", "has_twin", "shoot_days_today", "shoot_days_projected", "twin_fees_today",
                 "twin_fees_projected", "today", "projected", "change"]


def gainers_and_losers(lv: Any, params: Params) -> list[Any]:
    """At the adoption share: each model's income today and projected, the counts that gain
    and lose, and the five who lose most and gain most."""
    if not lv.available:
        return []
    ccy = params.reporting_currency
    table = lv.projection.table
    moved = pd.concat([table.head(5), table.tail(5)])  # most lost, most gained
    return [charts.model_income(table, ccy, params.adoption_share),
            text("{s}", s=statements.livelihoods_sentence(lv.block, ccy, params.adoption_share)),
            narrate.table(moved[MOVED_COLUMNS], money_cols=tuple(MOVED_COLUMNS[4:]), currency=ccy, digits=1)]


def emit_results(la: Any, lv: Any, currency: str) -> list[Any]:
    """The notebook's results blocks and key tables, for the runner; returns the models'
    income statement (:func:`twinimpact.analyses.labor.livelihoods.conclusions`)."""
    conclusions = livelihoods.conclusions(la, lv, currency)
    emit("labor", la.block)
    emit("conclusions", conclusions)
    emit_table("labor_scenario_by_role", la.scenario.table)
    emit_table("labor_model_income", la.income)
    emit_table("labor_wage_context", la.wages)
    emit("models", lv.block)
    return [text("{s}", s=conclusions["models_income"]["statement"])]
