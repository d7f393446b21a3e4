"""Sections of the scenarios notebook."""

from __future__ import annotations

from typing import Any

import pandas as pd

from twinimpact import charts
from twinimpact.notebook import whatif
from twinimpact.notebook.show import text
from twinimpact.params import Params
from twinimpact.results import emit, emit_table
from twinimpact.words import narrate, statements

#: Where the value of an engagement comes from, in words.
VALUE_SOURCES = {"post_outcomes": "the posts' outcomes: revenue per engagement x gross margin",
                 "parameter": "the parameters", "none": "not valued"}


def not_available(sa: Any) -> list[Any]:
    """Why the scenarios could not be computed, when they could not."""
    return [] if sa.available else [text("**Not measured:** {w}", w=sa.why_not)]


def adoption_whatif(sa: Any, dataset: Any, params: Params) -> Any:
    """In JupyterLab, sliders that redraw the adoption path's two charts; in a run, the
    charts at the parameters."""
    if not sa.available:
        return None

    def draw(**values: Any) -> list[Any]:
        return whatif.scenario_figures(dataset, params, **values)

    return whatif.show(draw, whatif.scenario_controls(params), "the adoption path")


def npv(sa: Any) -> list[Any]:
    """Today's twin share and the NPV statement."""
    if not sa.available:
        return []
    return [text("In {y}, {s} of assets were made in twin campaigns. {c}", y=sa.base_year,
                 s=narrate.pct(sa.start_share), c=sa.conclusions["npv_adoption"]["statement"])]


#: The options' columns, in the order the table shows them.
OPTION_COLUMNS = {"label": "option", "share": "twin share", "npv_expected": "expected NPV", "npv_p10": "P10",
                  "npv_p50": "P50", "npv_p90": "P90", "p_best": "chance it is best"}


def decision(sa: Any, currency: str) -> list[Any]:
    """The recommendation, the options compared on the same draws, and what knowing more
    is worth (EVPI, EVPPI, the best test considered) with the rule that decides."""
    if not sa.available or not sa.decision:
        return []
    d = sa.decision
    options = pd.DataFrame(d["options"])[list(OPTION_COLUMNS)].rename(columns=OPTION_COLUMNS)
    considered = d.get("best_test_considered")
    test = (text("The best randomised test considered has {n} posts per arm: its sample information is worth {v}, "
                 "its cost (setup, posts and the engagement its worse arm loses) {c}, so its expected net benefit is "
                 "{e}; its result would change the choice in {p} of the draws.", n=narrate.num(considered["n_per_arm"]),
                 v=narrate.money(considered["evsi"], currency), c=narrate.money(considered["cost"], currency),
                 e=statements.money_or_loss(considered["enbs"], currency),
                 p=narrate.pct(considered["p_changes_decision"])) if considered else
            text("No randomised test was valued: {why}.", why=(d.get("conditional_on") or {}).get("why")
                 or "engagement could not be valued"))
    return [text("{s}", s=sa.conclusions["decision"]["statement"]), charts.decision_options(d, currency),
            narrate.table(options, money_cols=("expected NPV", "P10", "P50", "P90"), currency=currency,
                          pct_cols=("twin share", "chance it is best")),
            text("Knowing everything before deciding would be worth {pi} (the expected value of perfect "
                 "information); knowing the engagement effect of twin imagery with its label {eng}, and what an "
                 "engagement is worth {val}. The engagement effect rests on: {ev}.",
                 pi=narrate.money(d["evpi"], currency), eng=narrate.money(d["evppi"]["engagement_effect"], currency),
                 val=narrate.money(d["evppi"]["value_per_engagement"], currency), ev=d["evidence"]),
            test, text("The rule: {r}.", r=d["rule"])]


def value_rows(block: dict[str, Any], currency: str) -> pd.DataFrame:
    """What an engagement is worth, where it comes from, and the break-even, as rows.

    Parameters
    ----------
    block
        results.json's ``scenarios`` block.
    currency
        The reporting currency.
    """
    v = block["value_per_engagement"]
    money = lambda x: narrate.money(x, currency, 3)  # noqa: E731 - one format, many rows
    rows = [("where it comes from", VALUE_SOURCES[v["source"]]), ("value per engagement", money(v["estimate"])),
            ("95% interval", f"{money(v['ci_low'])} to {money(v['ci_high'])}"),
            ("break-even value per engagement", money(block["break_even_value_per_engagement"])),
            ("what the break-even is", block["break_even_value_note"]),
            ("the engagement a moved asset loses rests on", block["engagement"].get("source", "not measured"))]
    if v["source"] == "post_outcomes":
        r = v["revenue_per_engagement"]
        rows += [("revenue per engagement", f"{money(r['estimate'])} ({money(r['ci_low'])} to {money(r['ci_high'])})"),
                 ("gross margin", narrate.pct(v["gross_margin"])), ("posts with an outcome", narrate.num(v["posts"])),
                 ("campaign clusters resampled", narrate.num(v["clusters"])), ("interval", v["interval"])]
    return pd.DataFrame(rows, columns=["measure", "value"])


def engagement_value(sa: Any, currency: str) -> list[Any]:
    """The engagement-value statement and the table behind it."""
    if not sa.available:
        return []
    return [text("{s}", s=sa.conclusions["engagement_value"]["statement"]),
            narrate.table(value_rows(sa.block, currency))]


def npv_ranges(block: dict[str, Any], currency: str) -> pd.DataFrame:
    """The NPV at the observed drivers, with the pooled means resampled, and with the
    assumed ranges too: P10, P90 and the share of losing draws.

    Parameters
    ----------
    block
        results.json's ``scenarios`` block.
    currency
        The reporting currency.
    """
    m = lambda x: statements.money_or_loss(x, currency)  # noqa: E731 - one format, many cells
    return pd.DataFrame(
        [("every driver at its observed value", m(block["npv_observed"]), "", ""),
         ("pooled means resampled over campaigns", m(block["npv_estimation"]["p10"]), m(block["npv_estimation"]["p90"]),
          narrate.pct(block["probability_npv_negative_estimation"])),
         ("... and the assumed scenario ranges", m(block["npv"]["p10"]), m(block["npv"]["p90"]),
          narrate.pct(block["probability_npv_negative"]))],
        columns=["NPV", "P10", "P90", "draws that lose money"])


def how_sure(sa: Any, currency: str) -> list[Any]:
    """The NPV's ranges and the worst-case saving of a moved asset."""
    if not sa.available:
        return []
    b = sa.block
    return [narrate.table(npv_ranges(b, currency)),
            text("What a moved asset saves with every cost driver at the worst end of its range (twin building "
                 "excluded): **{w}**. How the draws are made: {n}.",
                 w=statements.money_or_loss(b["worst_case_saving_per_moved_asset"], currency), n=b["risk_note"])]


def tornado(sa: Any, currency: str) -> list[Any]:
    """What moves the value, one input at a time."""
    return [charts.npv_tornado(sa.block["tornado"], sa.block["npv_observed"], currency)] if sa.available else []


def sensitivity(sa: Any, currency: str) -> list[Any]:
    """The NPV under values of an engagement and redeployment shares."""
    if not sa.available:
        return []
    return [narrate.table(pd.DataFrame(sa.block["sensitivity"]),
                          money_cols=("npv_p10", "npv_p50", "npv_p90", "npv_p50_paying_redeployed"), currency=currency,
                          pct_cols=("probability_npv_negative",), digits=3)]


def jobs_by_year(sa: Any) -> list[Any]:
    """Savings and creative jobs year by year."""
    return [charts.scenario_jobs(sa.yearly)] if sa.available else []


def model_payouts(sa: Any, currency: str) -> list[Any]:
    """Twin fees against photographed pay year by year, and the table of the years."""
    if not sa.available:
        return []
    return [charts.model_payouts(sa.yearly, currency),
            narrate.table(sa.yearly, money_cols=("savings_p10", "savings_p50", "savings_p90", "model_twin_fees",
                                                 "model_photo_pay_lost"), currency=currency, pct_cols=("twin_share",),
                          digits=1)]


def emit_results(sa: Any) -> None:
    """The notebook's results blocks and key tables, for the runner."""
    emit("scenarios", sa.block)
    if sa.decision is not None:
        emit("decision", sa.decision)
    emit("conclusions", sa.conclusions)
    if sa.available:
        emit_table("scenario_years", sa.yearly)
