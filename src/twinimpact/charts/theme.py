"""The one theme: fonts, colours that mean the same thing on every chart, the renderer
setting, and what every builder starts from (a figure with a wrapped title, binned
histograms)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from twinimpact.contract.spec import PRODUCTION_MODES, season_key

FONT = "Inter, Helvetica Neue, Arial, sans-serif"
#: One colour per meaning, everywhere: production modes and imagery share their hues.
MODE_COLORS = dict(zip(PRODUCTION_MODES, ("#3D5A80", "#E0A43A", "#C8553D")))
IMAGERY_COLORS = {"human": "#3D5A80", "twin": "#C8553D", "synthetic": "#7B5EA7", "none": "#A0A4A8"}
#: Cost categories: shoot-day spend in blues, post-production in greys, twin spend in warm hues.
CATEGORY_COLORS = {
    "model_fees": "#1B3A5C", "photographer": "#3D5A80", "hair_makeup": "#5B7DA6", "styling": "#7FA3C8",
    "studio_location": "#98C1D9", "travel": "#C5DCEA", "post_production": "#7D8088", "other": "#B9BCC2",
    "twin_creation": "#8C2F1B", "twin_licensing": "#C8553D", "generation_compute": "#E07A5F",
    "ai_review": "#E0A43A", "disclosure_compliance": "#F2CC8F",
}
SEQUENCE = ["#3D5A80", "#C8553D", "#E0A43A", "#7B5EA7", "#4F9D69", "#A0A4A8", "#98C1D9"]


def theme() -> go.layout.Template:
    """The workbook's plotly template: white background, one font, the colour sequence,
    legends below the plot."""
    return go.layout.Template(layout=go.Layout(
        font=dict(family=FONT, size=13, color="#222"),
        title=dict(font=dict(size=16), x=0.0, xanchor="left"),
        colorway=SEQUENCE,
        plot_bgcolor="white", paper_bgcolor="white",
        xaxis=dict(gridcolor="#eee", zerolinecolor="#ccc", automargin=True),
        yaxis=dict(gridcolor="#eee", zerolinecolor="#ccc", automargin=True),
        # below the plot: a long legend never covers the title or the bars
        legend=dict(orientation="h", yanchor="top", y=-0.2, xanchor="left", x=0.0),
        margin=dict(l=60, r=20, t=80, b=110),
        height=480,
    ))


def setup() -> None:
    """Register the theme and the renderer: charts travel as plotly JSON (the plotly MIME
    type), interactive in JupyterLab and small in the executed notebook; the report's
    renderer (:mod:`twinimpact.run.render`) turns them into offline HTML."""
    pio.templates["twinimpact"] = theme()
    pio.templates.default = "twinimpact"
    pio.renderers.default = "plotly_mimetype"


#: Characters per title line: plotly does not wrap titles, so long findings are broken here.
TITLE_WIDTH = 95


def base_figure(title: str, subtitle: str | None = None) -> go.Figure:
    """An empty figure in the workbook's theme with its title wrapped to :data:`TITLE_WIDTH`
    characters a line (and a smaller subtitle)."""
    import textwrap

    fig = go.Figure()
    text = "<br>".join(textwrap.wrap(title, TITLE_WIDTH)) or title
    if subtitle:
        text += "<br><sup>" + "<br>".join(textwrap.wrap(subtitle, int(TITLE_WIDTH * 1.3))) + "</sup>"
    lines = text.count("<br>") + 1
    fig.update_layout(template=theme(), title=dict(text=text), margin=dict(t=max(80, 30 + 24 * lines)))
    return fig


def add_histogram(fig: go.Figure, values: Any, color: str, bins: int = 60, name: str = "draws") -> go.Figure:
    """A histogram binned here (``bins`` equal bins), drawn as bars: a figure carries the
    counts, not every draw, so a 10,000-draw Monte Carlo stays a few kilobytes in a report."""
    import numpy as np

    counts, edges = np.histogram(np.asarray(values, dtype=float), bins=bins)
    fig.add_bar(x=(edges[:-1] + edges[1:]) / 2, y=counts, width=np.diff(edges), marker_color=color, opacity=0.8,
                name=name, hovertemplate="%{x:,.0f}: %{y} draws<extra></extra>")
    fig.update_layout(bargap=0)
    return fig


def add_tornado(fig: go.Figure, labels: list[str], at_low: Any, at_high: Any, base: float, axis: str,
                names: tuple[str, str] = ("driver at low", "driver at high")) -> go.Figure:
    """Tornado bars: for each label, the figure with its input at the low and at the high end,
    drawn from ``base`` (a vertical line), one bar a row.

    Parameters
    ----------
    fig
        The figure (:func:`base_figure`).
    labels
        One row label per input, bottom row first.
    at_low, at_high
        The figure with the input at each end (same order).
    base
        The figure with every input at its observed value.
    axis
        The x axis title.
    names
        The legend entries of the two ends.

    Returns
    -------
    Figure
    """
    import numpy as np

    fig.add_bar(y=labels, x=np.asarray(at_low) - base, base=base, orientation="h", name=names[0],
                marker_color="#98C1D9")
    fig.add_bar(y=labels, x=np.asarray(at_high) - base, base=base, orientation="h", name=names[1],
                marker_color="#3D5A80")
    fig.add_vline(x=base, line_color="#222", line_width=1)
    fig.update_layout(barmode="overlay", xaxis_title=axis, yaxis_title="", height=120 + 38 * len(labels),
                      margin=dict(l=330))
    return fig


def season_order(seasons: "pd.Series | list[str]") -> list[str]:
    """Seasons in calendar order whatever their shape (:func:`twinimpact.contract.spec.season_key`)."""
    return sorted({str(s) for s in seasons}, key=season_key)
