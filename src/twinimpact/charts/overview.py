"""Charts of the data overview: coverage by season, month, brand and platform."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from twinimpact.words import statements
from twinimpact.charts.theme import IMAGERY_COLORS, MODE_COLORS, base_figure, season_order
from twinimpact.words.labels import words


def campaigns_by_season(campaigns: pd.DataFrame) -> go.Figure:
    """Stacked bars of campaigns per season by production mode.

    Parameters
    ----------
    campaigns
        The contract's campaigns table.

    Returns
    -------
    Figure
    """
    order = season_order(campaigns["season"])
    counts = campaigns.groupby(["season", "production_mode"]).size().unstack(fill_value=0).reindex(order, fill_value=0)
    twin_share = (counts.get("twin", 0) + counts.get("hybrid", 0)) / counts.sum(axis=1)
    first, last = order[0], order[-1]
    fig = base_figure(f"Twin or hybrid production went from {twin_share[first]:.0%} of campaigns in {first} "
               f"to {twin_share[last]:.0%} in {last}", "campaigns per season by production mode")
    for mode, color in MODE_COLORS.items():
        if mode in counts:
            fig.add_bar(x=order, y=counts[mode], name=mode, marker_color=color)
    fig.update_layout(barmode="stack", xaxis_title="season", yaxis_title="campaigns")
    return fig


def posts_by_month(counts: pd.DataFrame) -> go.Figure:
    """Posts per month by imagery type (stacked), from counts by month and imagery.

    Parameters
    ----------
    counts
        :func:`twinimpact.analyses.overview.post_counts` by month and imagery.

    Returns
    -------
    Figure
    """
    wide = counts.pivot_table(index="month", columns="imagery", values="posts", aggfunc="sum", fill_value=0)
    wide = wide.sort_index()
    ai = wide.reindex(columns=["twin", "synthetic"], fill_value=0).sum(axis=1) / wide.sum(axis=1)
    fig = base_figure(f"AI imagery's share of posts {statements.trend_words(ai.iloc[:3].mean(), ai.iloc[-3:].mean())} "
                      "from the first three months to the last three", "posts per month by imagery")
    x = pd.to_datetime(wide.index + "-01")
    for kind, color in IMAGERY_COLORS.items():
        if kind in wide:
            fig.add_scatter(x=x, y=wide[kind], name=kind, stackgroup="one", mode="lines",
                            line=dict(width=0.5, color=color))
    fig.update_layout(xaxis_title="month", yaxis_title="posts per month")
    return fig


def coverage_heatmap(counts: pd.DataFrame, rows: str, cols: str, value: str, title: str) -> go.Figure:
    """An annotated heatmap of ``value`` by two categorical columns of a counts frame.

    Parameters
    ----------
    counts
        A counts frame (e.g. :func:`twinimpact.analyses.overview.post_counts`).
    rows, cols, value
        Its columns shown as rows, as columns and as the cells' number.
    title
        The chart's title (a finding).

    Returns
    -------
    Figure
    """
    table = counts.pivot_table(index=rows, columns=cols, values=value, aggfunc="sum", fill_value=0)
    fig = base_figure(title)
    fig.add_heatmap(z=table.values, x=[str(c) for c in table.columns], y=[str(r) for r in table.index],
                    colorscale="Blues", text=table.values, texttemplate="%{text:,}",
                    colorbar=dict(title=value))
    fig.update_layout(xaxis_title=words(cols), yaxis_title=words(rows))
    return fig
