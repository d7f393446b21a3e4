"""Charts of the scenarios: NPV, savings and jobs by year, models' payouts."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from twinimpact.words import statements
from twinimpact.words.narrate import num, signed
from twinimpact.charts.theme import MODE_COLORS, add_histogram, add_tornado, base_figure


def npv_distribution(draws, pct: dict[str, float], currency: str, horizon: int, start: float, target: float
                     ) -> go.Figure:
    """Histogram of the NPV draws of the adoption path with P10, P50 and P90 marked.

    Parameters
    ----------
    draws
        NPV of the adoption path over the draws (reporting currency).
    pct
        Their ``p10``, ``p50``, ``p90``.
    currency
        The reporting currency's code.
    horizon, start, target
        Years of the path, and the twin share at its start and end (0-1).

    Returns
    -------
    Figure
    """
    import numpy as np

    spread = pct.get("p10") is not None and pct.get("p90") is not None
    negative = float((np.asarray(draws) < 0).mean()) if spread else None
    fig = base_figure(statements.npv_title(pct["p50"], negative, start, target, horizon, currency),
                      "net present value against keeping today's mix; "
                      + statements.range_words(pct, currency, "P10 to P90 between"))
    add_histogram(fig, draws, MODE_COLORS["twin"])
    for k, dash in (("p10", "dot"), ("p50", "solid"), ("p90", "dot")):
        if pct.get(k) is None:
            continue
        fig.add_vline(x=pct[k], line_dash=dash, line_color="#222", annotation_text=k.upper(),
                      annotation_position="top")
    fig.update_layout(xaxis_title=f"net present value ({currency})", yaxis_title="draws", showlegend=False)
    return fig


def scenario_years(yearly: pd.DataFrame, currency: str) -> go.Figure:
    """Yearly savings: P10-P90 band and P50 line.

    Parameters
    ----------
    yearly
        The scenario's years (savings P10/P50/P90, reporting currency a year).
    currency
        The reporting currency's code.

    Returns
    -------
    Figure
    """
    last = yearly.iloc[-1]
    fig = base_figure(f"By year {int(last['year'])}, twins "
                      f"{statements.signed_money_words(last['savings_p50'], currency)} a year (P50)",
                      "against keeping today's mix; band: P10 to P90")
    fig.add_scatter(x=yearly["year"], y=yearly["savings_p90"], mode="lines", line=dict(width=0), showlegend=False,
                    hoverinfo="skip")
    fig.add_scatter(x=yearly["year"], y=yearly["savings_p10"], mode="lines", line=dict(width=0), fill="tonexty",
                    fillcolor="rgba(200,85,61,0.2)", name="P10 to P90")
    fig.add_scatter(x=yearly["year"], y=yearly["savings_p50"], mode="lines+markers", name="P50",
                    line=dict(color=MODE_COLORS["twin"], width=3))
    fig.add_hline(y=0, line_color="#222", line_width=1)
    fig.update_layout(xaxis=dict(title="year", dtick=1), yaxis=dict(title=f"savings per year ({currency})"))
    return fig


def scenario_jobs(yearly: pd.DataFrame) -> go.Figure:
    """Creative FTE lost and created per year, and the net change.

    Parameters
    ----------
    yearly
        The scenario's years (FTE lost, created and net).

    Returns
    -------
    Figure
    """
    last = yearly.iloc[-1]
    fig = base_figure(f"By year {int(last['year'])}: {num(last['lost_fte'], 1)} FTE of creative work lost, "
                      f"{num(last['redeployed_fte'], 1)} redeployed, {num(last['new_fte'], 1)} created; net "
                      f"{signed(last['net_fte'])} (P10 {signed(last['net_fte_p10'])}, P90 {signed(last['net_fte_p90'])})",
                      "full-time equivalents against keeping today's mix; redeployed hours stay paid and are not "
                      "in the net")
    fig.add_bar(x=yearly["year"], y=-yearly["lost_fte"], name="lost", marker_color="#C8553D")
    fig.add_bar(x=yearly["year"], y=yearly["new_fte"], name="new twin work", marker_color="#4F9D69")
    fig.add_scatter(x=yearly["year"], y=yearly["net_fte"], mode="markers+lines", name="net",
                    marker=dict(symbol="diamond", size=11, color="#222"), line=dict(color="#222", dash="dot"))
    fig.update_layout(barmode="relative", xaxis=dict(title="year", dtick=1), yaxis_title="FTE")
    return fig


def model_payouts(yearly: pd.DataFrame, currency: str) -> go.Figure:
    """Per year: twin fees models gain against the photographed pay they lose.

    Parameters
    ----------
    yearly
        The scenario's years (models' twin fees and photographed pay lost, reporting currency).
    currency
        The reporting currency's code.

    Returns
    -------
    Figure
    """
    fees, lost = yearly["model_twin_fees"].sum(), yearly["model_photo_pay_lost"].sum()
    fig = base_figure(f"Twin fees replace {fees / lost:.0%} of the photographed pay models lose"
               if lost > 0 else "Models' twin fees and photographed pay",
               f"per year, net of agency commission, against keeping today's mix ({currency})")
    fig.add_bar(x=yearly["year"], y=yearly["model_twin_fees"], name="twin fees gained", marker_color="#4F9D69")
    fig.add_bar(x=yearly["year"], y=-yearly["model_photo_pay_lost"], name="photographed pay lost",
                marker_color="#C8553D")
    fig.update_layout(barmode="relative", xaxis=dict(title="year", dtick=1), yaxis_title=currency)
    return fig


def npv_tornado(rows: list[dict], observed: float, currency: str) -> go.Figure:
    """Horizontal bars: the NPV at the observed drivers with one input at a time at each end
    of its range (cost drivers, value per engagement, end share, years to reach it).

    Parameters
    ----------
    rows
        results.json's ``scenarios.tornado`` (reporting currency).
    observed
        The NPV at the observed drivers (reporting currency).
    currency
        The reporting currency's code.

    Returns
    -------
    Figure
    """
    t = pd.DataFrame(rows).iloc[::-1]
    fig = base_figure(statements.npv_tornado_title(rows, currency),
                      f"net present value with one input at a time at each end of its range; at the observed values "
                      f"{currency} {observed:,.0f}")
    labels = [f"{r.label} ({r.low:,.3g} to {r.high:,.3g})" for r in t.itertuples()]
    add_tornado(fig, labels, t["npv_at_low"], t["npv_at_high"], observed, f"net present value ({currency})",
                ("input at low", "input at high"))
    fig.add_vline(x=0, line_color="#C8553D", line_dash="dot", annotation_text="no gain", annotation_position="top")
    return fig


def decision_options(decision: dict, currency: str) -> go.Figure:
    """Each option's expected NPV against keeping today's mix, with its 10th-90th percentile
    range, titled with the recommendation (:func:`twinimpact.words.statements.decision_title`).

    Parameters
    ----------
    decision
        results.json's ``decision`` block.
    currency
        The reporting currency's code.

    Returns
    -------
    Figure
    """
    options = decision.get("options") or []
    fig = base_figure(statements.decision_title(decision, currency),
                      "expected net present value of each option against keeping today's mix; bars from the 1 in 10 "
                      "low to the 1 in 10 high")
    names = [f"{o['label']} ({o['share']:.0%} twin)" for o in options]
    means = [o["npv_expected"] for o in options]
    low = [m - o["npv_p10"] if o.get("npv_p10") is not None else 0 for m, o in zip(means, options)]
    high = [o["npv_p90"] - m if o.get("npv_p90") is not None else 0 for m, o in zip(means, options)]
    colours = [MODE_COLORS["twin"] if o["label"] == decision.get("best_option") else MODE_COLORS["traditional"]
               for o in options]
    fig.add_trace(go.Bar(x=names, y=means, marker_color=colours, name="expected NPV",
                         error_y={"type": "data", "symmetric": False, "array": high, "arrayminus": low}))
    fig.update_layout(showlegend=False, yaxis_title=f"{currency}, over the horizon", xaxis_title="option")
    return fig
