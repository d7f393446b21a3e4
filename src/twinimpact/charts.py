"""One theme and the figure builders. Every builder returns a ``go.Figure`` whose title
states the finding; nothing here shows or saves a figure."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.io.base_renderers import MimetypeRenderer

FONT = "Inter, Helvetica Neue, Arial, sans-serif"
#: One colour per meaning, everywhere: production modes and imagery share their hues.
MODE_COLORS = {"traditional": "#3D5A80", "hybrid": "#E0A43A", "twin": "#C8553D"}
IMAGERY_COLORS = {"human": "#3D5A80", "twin": "#C8553D", "synthetic": "#7B5EA7", "none": "#A0A4A8"}
SEQUENCE = ["#3D5A80", "#C8553D", "#E0A43A", "#7B5EA7", "#4F9D69", "#A0A4A8", "#98C1D9"]


def theme() -> go.layout.Template:
    return go.layout.Template(layout=go.Layout(
        font=dict(family=FONT, size=13, color="#222"),
        title=dict(font=dict(size=16), x=0.0, xanchor="left"),
        colorway=SEQUENCE,
        plot_bgcolor="white", paper_bgcolor="white",
        xaxis=dict(gridcolor="#eee", zerolinecolor="#ccc", automargin=True),
        yaxis=dict(gridcolor="#eee", zerolinecolor="#ccc", automargin=True),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0.0),
        margin=dict(l=60, r=20, t=90, b=50),
        height=440,
    ))


class OfflineRenderer(MimetypeRenderer):
    """HTML for nbconvert with nothing loaded from a network.

    Plotly's own ``notebook`` renderer adds a MathJax script from a CDN to every figure;
    this one inlines plotly.js once (on activation, i.e. in the cell that calls
    :func:`setup`) and emits each figure as a div that uses it.
    """

    def activate(self) -> None:
        from IPython.display import display_html
        from plotly.offline import get_plotlyjs

        display_html("<script type=\"text/javascript\">window.PlotlyConfig = {MathJaxConfig: 'local'};</script>"
                     f"<script type=\"text/javascript\">{get_plotlyjs()}</script>", raw=True)

    def to_mimebundle(self, fig_dict: dict) -> dict:
        html = pio.to_html(fig_dict, include_plotlyjs=False, include_mathjax=False, full_html=False,
                           default_width="100%", default_height="440px",
                           config={"displaylogo": False, "responsive": True})
        return {"text/html": html}


def setup() -> None:
    """Register the theme and the renderers: the plotly MIME type keeps charts interactive
    in JupyterLab; :class:`OfflineRenderer` keeps them in the HTML report, offline."""
    pio.templates["twinimpact"] = theme()
    pio.templates.default = "twinimpact"
    pio.renderers["twinimpact_offline"] = OfflineRenderer()
    pio.renderers.default = "plotly_mimetype+twinimpact_offline"


def _fig(title: str, subtitle: str | None = None) -> go.Figure:
    fig = go.Figure()
    text = title if not subtitle else f"{title}<br><sup>{subtitle}</sup>"
    fig.update_layout(template=theme(), title=dict(text=text))
    return fig


# --- data overview ---------------------------------------------------------------
def campaigns_by_season(campaigns: pd.DataFrame) -> go.Figure:
    """Stacked bars of campaigns per season by production mode."""
    order = sorted(campaigns["season"].unique(), key=lambda s: (s[2:], s[:2] != "SS"))
    counts = campaigns.groupby(["season", "production_mode"]).size().unstack(fill_value=0).reindex(order, fill_value=0)
    twin_share = (counts.get("twin", 0) + counts.get("hybrid", 0)) / counts.sum(axis=1)
    first, last = order[0], order[-1]
    fig = _fig(f"Twin or hybrid production went from {twin_share[first]:.0%} of campaigns in {first} "
               f"to {twin_share[last]:.0%} in {last}", "campaigns per season by production mode")
    for mode, color in MODE_COLORS.items():
        if mode in counts:
            fig.add_bar(x=order, y=counts[mode], name=mode, marker_color=color)
    fig.update_layout(barmode="stack", xaxis_title="season", yaxis_title="campaigns")
    return fig


def posts_by_month(posts: pd.DataFrame) -> go.Figure:
    """Posts per month by imagery type (stacked)."""
    month = posts["posted_at"].dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("M").dt.to_timestamp()
    counts = posts.assign(month=month).groupby(["month", "imagery"]).size().unstack(fill_value=0).sort_index()
    ai = counts.reindex(columns=["twin", "synthetic"], fill_value=0).sum(axis=1) / counts.sum(axis=1)
    fig = _fig(f"AI imagery rose to {ai.iloc[-3:].mean():.0%} of posts in the last three months "
               f"(from {ai.iloc[:3].mean():.0%} in the first three)", "posts per month by imagery")
    for kind, color in IMAGERY_COLORS.items():
        if kind in counts:
            fig.add_scatter(x=counts.index, y=counts[kind], name=kind, stackgroup="one", mode="lines",
                            line=dict(width=0.5, color=color))
    fig.update_layout(xaxis_title="month", yaxis_title="posts per month")
    return fig


def coverage_heatmap(frame: pd.DataFrame, rows: str, cols: str, title: str, value_label: str) -> go.Figure:
    """Counts of ``frame`` by two categorical columns, as an annotated heatmap."""
    table = frame.groupby([rows, cols]).size().unstack(fill_value=0)
    fig = _fig(title)
    fig.add_heatmap(z=table.values, x=[str(c) for c in table.columns], y=[str(r) for r in table.index],
                    colorscale="Blues", text=table.values, texttemplate="%{text:,}",
                    colorbar=dict(title=value_label))
    fig.update_layout(xaxis_title=cols.replace("_", " "), yaxis_title=rows.replace("_", " "))
    return fig
