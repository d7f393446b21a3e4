"""Charts of engagement: rates against benchmarks, rate ratios, the label effect, before/after adoption."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from twinimpact.words import statements
from twinimpact.charts.theme import base_figure


def rates_vs_benchmarks(plat: pd.DataFrame, bands: pd.DataFrame) -> go.Figure:
    """Engagements per impression by platform, with published per-impression benchmarks.

    Parameters
    ----------
    plat
        :func:`twinimpact.analyses.engagement.model.rates` by platform (engagements per impression).
    bands
        :func:`twinimpact.analyses.engagement.model.benchmark_bands`.

    Returns
    -------
    Figure
    """
    plat = plat.sort_values("per_impression", ascending=False)
    top = plat.iloc[0]
    fig = base_figure(f"{str(top['platform']).capitalize()} engages most per impression "
               f"({top['per_impression']:.2%}); published benchmarks marked",
               "pooled engagements / impressions by platform; diamonds: published per-impression benchmark")
    fig.add_bar(x=plat["platform"], y=plat["per_impression"], name="this data", marker_color="#3D5A80",
                text=[f"{v:.2%}" for v in plat["per_impression"]], textposition="outside")
    b = bands[bands["basis"] == "per_impression"]
    if len(b):
        fig.add_scatter(x=b["platform"], y=b["value"], mode="markers", name="benchmark (Buffer 2025)",
                        marker=dict(symbol="diamond", size=13, color="#E0A43A", line=dict(color="#222", width=1)),
                        customdata=b[["source"]], hovertemplate="%{x}: %{y:.2%}<br>%{customdata[0]}<extra></extra>")
    fig.update_layout(xaxis_title="platform", yaxis=dict(title="engagements per impression", tickformat=".1%"))
    return fig


def irr_forest(tables: dict[str, pd.DataFrame], terms: dict[str, str]) -> go.Figure:
    """Forest plot of incidence-rate ratios with 95% intervals, one marker per model.

    Parameters
    ----------
    tables
        Fit name -> its rate-ratio table (``term``, ``irr``, ``ci_low``, ``ci_high``).
    terms
        Term -> the label shown.

    Returns
    -------
    Figure
    """
    first = next(iter(tables.values())).set_index("term")
    parts = []
    for term, label in terms.items():
        if term in first.index:
            r = first.loc[term]
            parts.append(f"{label.split(' vs ')[0]} {r['irr']:.2f}")
    fig = base_figure("Engagement per impression relative to unlabelled human imagery: " + ", ".join(parts),
               "incidence-rate ratios, other covariates held fixed; bars: 95% intervals clustered by campaign")
    colors = ["#C8553D", "#3D5A80", "#E0A43A"]
    for i, (model, table) in enumerate(tables.items()):
        t = table.set_index("term").reindex(list(terms)).dropna(subset=["irr"])
        labels = [terms[k] for k in t.index]
        fig.add_scatter(x=t["irr"], y=labels, mode="markers", name=model,
                        marker=dict(size=11, color=colors[i % 3], symbol=["circle", "diamond", "square"][i % 3]),
                        error_x=dict(type="data", symmetric=False, array=t["ci_high"] - t["irr"],
                                     arrayminus=t["irr"] - t["ci_low"], thickness=2),
                        hovertemplate="%{y}: %{x:.3f}<extra>" + model + "</extra>")
    fig.add_vline(x=1.0, line_color="#222", line_width=1)
    fig.update_layout(xaxis_title="incidence-rate ratio (1 = same as human imagery, unlabelled)",
                      yaxis=dict(autorange="reversed"), height=420, margin=dict(l=230, b=140),
                      legend=dict(y=-0.3))
    return fig


def label_effect(by: pd.DataFrame, irr: dict[str, float | None]) -> go.Figure:
    """Raw engagement per impression of AI imagery with and without the AI label.

    Parameters
    ----------
    by
        :func:`twinimpact.analyses.engagement.model.rates` by imagery and label.
    irr
        The label's rate ratio: ``estimate``, ``ci_low``, ``ci_high``.

    Returns
    -------
    Figure
    """
    sub = by[by["imagery"].isin(["twin", "synthetic"])].copy()
    sub["label"] = sub["ai_label"].map({True: "labelled", False: "unlabelled"})
    fig = base_figure(statements.label_title(irr), "bars: raw pooled rates by imagery and label; the rate ratio in "
                      "the title holds platform, format, brand, month and followers fixed (an association)")
    for lab, color in (("unlabelled", "#98C1D9"), ("labelled", "#C8553D")):
        s = sub[sub["label"] == lab]
        fig.add_bar(x=s["imagery"], y=s["per_impression"], name=lab, marker_color=color,
                    text=[f"{v:.2%}" for v in s["per_impression"]], textposition="outside")
    fig.update_layout(barmode="group", xaxis_title="imagery",
                      yaxis=dict(title="engagements per impression", tickformat=".1%"))
    return fig


def event_study(event: pd.DataFrame, did: dict[str, Any]) -> go.Figure:
    """Engagement by month relative to each brand's first twin campaign.

    Parameters
    ----------
    event
        :func:`twinimpact.analyses.stats.event_study.event_study`'s monthly rate ratios.
    did
        Its before/after study (results.json's ``engagement.did_after_adoption``).

    Returns
    -------
    Figure
    """
    if event.empty:
        if did.get("estimable") is False:
            return base_figure(statements.event_study_title(did), did.get("reason"))
        return base_figure("No adoption to study: no brand has a twin or hybrid campaign, or only one brand posts")
    fig = base_figure(statements.event_study_title(did),
                      "rate ratio by month relative to adoption (month -1 = 1); intervals clustered by campaign, "
                      "too narrow when adoption varies by brand")
    fig.add_scatter(x=event["rel_month"], y=event["irr"], mode="markers+lines", name="rate ratio",
                    line=dict(color="#3D5A80"), marker=dict(size=8),
                    error_y=dict(type="data", symmetric=False, array=event["ci_high"] - event["irr"],
                                 arrayminus=event["irr"] - event["ci_low"]))
    fig.add_hline(y=1.0, line_color="#222", line_width=1)
    fig.add_vline(x=-0.5, line_dash="dot", line_color="#C8553D", annotation_text="first twin campaign",
                  annotation_position="top right")
    fig.update_layout(xaxis_title="months from the brand's first twin campaign",
                      yaxis_title="engagement rate ratio vs month -1", showlegend=False)
    return fig
