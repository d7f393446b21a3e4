"""Charts of production cost: components, trends, the cost function, break-even, drivers, uncertainty."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from twinimpact.words import statements
from twinimpact.contract.spec import PRODUCTION_MODES
from twinimpact.charts.theme import CATEGORY_COLORS, MODE_COLORS, SEQUENCE, add_histogram, add_tornado, base_figure, season_order
from twinimpact.words.labels import words


def cost_components(per_asset: pd.DataFrame, currency: str) -> go.Figure:
    """Stacked bars: pooled cost per asset by category, one bar per mode.

    Parameters
    ----------
    per_asset
        :func:`twinimpact.analyses.cost.production.category_per_asset` (reporting currency per asset).
    currency
        The reporting currency's code, for the axis and the title.

    Returns
    -------
    Figure
    """
    totals = per_asset.groupby("production_mode")["per_asset"].sum()
    modes = [m for m in PRODUCTION_MODES if m in totals.index]
    title = "Cost per finished asset by production mode and what it is made of"
    if {"traditional", "twin"} <= set(modes):
        title = (f"A twin-made asset cost {currency} {totals['twin']:,.0f}, a traditional one "
                 f"{currency} {totals['traditional']:,.0f} "
                 f"({statements.change_words(totals['twin'] / totals['traditional']).replace('fewer', 'less')})")
    fig = base_figure(title, "pooled spend per asset delivered, by cost category")
    present = set(per_asset["category"])
    for i, cat in enumerate([c for c in CATEGORY_COLORS if c in present]
                            + sorted(present - set(CATEGORY_COLORS))):
        sub = per_asset[per_asset["category"] == cat].set_index("production_mode").reindex(modes)
        fig.add_bar(x=modes, y=sub["per_asset"], name=words(cat),
                    marker_color=CATEGORY_COLORS.get(cat, SEQUENCE[i % len(SEQUENCE)]),
                    hovertemplate="%{x}: %{y:,.2f} per asset<extra>" + words(cat) + "</extra>")
    fig.update_layout(barmode="stack", xaxis_title="production mode", height=560,
                      yaxis_title=f"cost per asset ({currency})", legend=dict(font=dict(size=11), y=-0.15))
    return fig


def cost_per_asset_over_time(by_season: pd.DataFrame, currency: str) -> go.Figure:
    """Pooled cost per asset by season, one line per mode.

    Parameters
    ----------
    by_season
        :func:`twinimpact.analyses.cost.production.rollup` by season and mode (reporting currency).
    currency
        The reporting currency's code.

    Returns
    -------
    Figure
    """
    order = season_order(by_season["season"])
    last = by_season[by_season["season"] == order[-1]].set_index("production_mode")["cost_per_asset"]
    first = by_season[by_season["season"] == order[0]].set_index("production_mode")["cost_per_asset"]
    title = "Cost per asset by season and production mode"
    if "traditional" in first and "traditional" in last:
        title = (f"Traditional cost per asset went from {currency} {first['traditional']:,.0f} in {order[0]} "
                 f"to {currency} {last['traditional']:,.0f} in {order[-1]}")
        if "twin" in last:
            title += f"; twin: {currency} {last['twin']:,.0f}"
    fig = base_figure(title, "pooled spend / assets delivered, per season")
    for mode, color in MODE_COLORS.items():
        sub = by_season[by_season["production_mode"] == mode].set_index("season").reindex(order)
        if sub["cost_per_asset"].notna().any():
            fig.add_scatter(x=order, y=sub["cost_per_asset"], name=mode, mode="lines+markers",
                            line=dict(color=color, width=3), connectgaps=False)
    fig.update_layout(xaxis_title="season", yaxis_title=f"cost per asset ({currency})", yaxis_rangemode="tozero")
    return fig


def cost_function(costs: pd.DataFrame, fitted: pd.DataFrame, currency: str, at_assets: float) -> go.Figure:
    """Campaign running cost against assets (log-log) with the fitted cost function per mode.

    Parameters
    ----------
    costs
        :func:`twinimpact.analyses.cost.production.campaign_costs` (reporting currency).
    fitted
        :func:`twinimpact.analyses.cost.cost_function.like_for_like`.
    currency
        The reporting currency's code.
    at_assets
        The campaign size the title prices (assets).

    Returns
    -------
    Figure
    """
    fig = base_figure("Like for like: running cost against campaign size, with the fitted cost function",
               "each dot a campaign; lines: fitted expected cost (market mix of the data)")
    for mode, color in MODE_COLORS.items():
        sub = costs[(costs["production_mode"] == mode) & (costs["assets_delivered"] > 0)]
        if sub.empty:
            continue
        fig.add_scatter(x=sub["assets_delivered"], y=sub["running_total"], mode="markers", name=f"{mode} campaigns",
                        marker=dict(color=color, opacity=0.55, size=7), customdata=sub[["campaign_id"]],
                        hovertemplate="%{customdata[0]}: %{x:,} assets, %{y:,.0f}<extra></extra>")
        line = fitted[fitted["production_mode"] == mode]
        if len(line):
            fig.add_scatter(x=line["assets"], y=line["running_cost"], mode="lines", name=f"{mode} fitted",
                            line=dict(color=color, width=3))
    by_mode = {r.production_mode: r.running_cost / r.assets for r in fitted.itertuples()
               if abs(r.assets - at_assets) < 1e-9}
    if {"traditional", "twin"} <= set(by_mode):
        fig.update_layout(title_text=(
            f"Like for like, a {at_assets:,.0f}-asset campaign runs {currency} {by_mode['twin']:,.0f} per asset "
            f"with twins vs {currency} {by_mode['traditional']:,.0f} traditionally"
            "<br><sup>each dot a campaign (twin creation excluded); lines: fitted expected running cost</sup>"))
    fig.update_layout(xaxis=dict(type="log", title="assets delivered (log scale)"),
                      yaxis=dict(type="log", title=f"running cost ({currency}, log scale)"))
    return fig


def break_even(curve: pd.DataFrame, n_star: float | None, currency: str, volume: float | None) -> go.Figure:
    """Season cost of twin vs traditional production against assets per season.

    Parameters
    ----------
    curve
        :func:`twinimpact.analyses.cost.production.break_even_curve` (reporting currency per season).
    n_star
        Break-even assets per season, or None (never).
    currency
        The reporting currency's code.
    volume
        The typical season volume (assets), marked when given.

    Returns
    -------
    Figure
    """
    if n_star is None:
        title = "Twin production never catches up with traditional at these unit costs"
    else:
        title = f"Twins pay for themselves from {n_star:,.0f} assets a season"
        if volume:
            title += f"; brands here need about {volume:,.0f}"
    fig = base_figure(title, "season cost: traditional (per asset) vs twin (fixed twin building + per asset)")
    for mode in ("traditional", "twin"):
        sub = curve[curve["production_mode"] == mode]
        fig.add_scatter(x=sub["assets"], y=sub["season_cost"], name=mode, mode="lines",
                        line=dict(color=MODE_COLORS[mode], width=3))
    if n_star is not None and n_star <= curve["assets"].max():
        fig.add_vline(x=n_star, line_dash="dot", line_color="#555",
                      annotation_text=f"break-even {n_star:,.0f}", annotation_position="top left")
    fig.update_layout(xaxis_title="assets per season", yaxis_title=f"cost per season ({currency})")
    return fig


def tornado(table: pd.DataFrame, currency: str) -> go.Figure:
    """Horizontal bars: savings per asset with each driver at its low and high multiplier.

    Parameters
    ----------
    table
        :func:`twinimpact.analyses.cost.production.tornado` (reporting currency per asset).
    currency
        The reporting currency's code.

    Returns
    -------
    Figure
    """
    t = table.iloc[::-1]
    base = float(table["base"].iloc[0])
    top = table.iloc[0]
    fig = base_figure(f"Savings per asset hinge most on {top['label']}: {currency} {min(top['savings_at_low'], top['savings_at_high']):,.0f}"
               f" to {max(top['savings_at_low'], top['savings_at_high']):,.0f}",
               f"savings per asset (traditional minus twin) with one driver moved at a time; base {currency} {base:,.0f}")
    labels = [f"{r.label} (x{r.low_multiplier:g} to x{r.high_multiplier:g})" for r in t.itertuples()]
    return add_tornado(fig, labels, t["savings_at_low"], t["savings_at_high"], base,
                       f"savings per asset ({currency})")


def savings_distribution(draws: pd.Series, pct: dict[str, float], currency: str) -> go.Figure:
    """Histogram of Monte Carlo savings per asset with P10, P50 and P90 marked.

    Parameters
    ----------
    draws
        Savings per asset over the Monte Carlo draws (reporting currency).
    pct
        Their ``p10``, ``p50``, ``p90``.
    currency
        The reporting currency's code.

    Returns
    -------
    Figure
    """
    fig = base_figure(f"An asset made with twins instead of traditionally: "
                      f"{statements.signed_money_words(pct['p50'], currency)} (P50, twin building included); "
                      f"{statements.range_words(pct, currency)}",
               f"Monte Carlo over the cost drivers, {len(draws):,} draws")
    add_histogram(fig, draws, MODE_COLORS["twin"])
    for k, dash in (("p10", "dot"), ("p50", "solid"), ("p90", "dot")):
        if pct.get(k) is None:
            continue
        fig.add_vline(x=pct[k], line_dash=dash, line_color="#222",
                      annotation_text=f"{k.upper()} {pct[k]:,.0f}", annotation_position="top")
    fig.update_layout(xaxis_title=f"savings per asset ({currency})", yaxis_title="draws", showlegend=False)
    return fig
