"""Charts of rights and representation: findings, compliance over time, representation against the target."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from twinimpact.words import statements
from twinimpact.charts.theme import base_figure
from twinimpact.words.labels import words


def findings_summary(counts: dict[str, int], assets: int, owed: float, currency: str) -> go.Figure:
    """Bar per breach type.

    Parameters
    ----------
    counts
        Breach kind -> findings.
    assets
        Twin assets audited.
    owed
        Money owed to models (reporting currency).
    currency
        The reporting currency's code.

    Returns
    -------
    Figure
    """
    total = sum(counts.values())
    title = (f"{total} rights findings on {assets:,} twin assets; {currency} {owed:,.2f} owed to models"
             if total else f"No rights findings on {assets:,} twin assets")
    fig = base_figure(title, "one finding per asset and breach type (the rules: docs/DATA_CONTRACT.md)")
    names = list(counts)
    fig.add_bar(x=[words(n) for n in names], y=[counts[n] for n in names], marker_color="#C8553D",
                text=[counts[n] for n in names], textposition="outside")
    fig.update_layout(xaxis_title="breach", yaxis_title="assets", yaxis_rangemode="tozero", showlegend=False)
    return fig


def compliance_trend(usage_q: pd.DataFrame, labels_q: pd.DataFrame) -> go.Figure:
    """Watermark rate, consent coverage and AI-label share by quarter.

    Parameters
    ----------
    usage_q
        :func:`twinimpact.analyses.rights.findings.usage_compliance` by quarter.
    labels_q
        :func:`twinimpact.analyses.rights.findings.label_compliance` by quarter.

    Returns
    -------
    Figure
    """
    total = usage_q["assets"].sum() if len(usage_q) else 0
    worst = usage_q.sort_values("consent_coverage").iloc[0] if len(usage_q) else None
    title = statements.compliance_title(
        (usage_q["watermark_rate"] * usage_q["assets"]).sum() / total if total else None,
        (usage_q["consent_coverage"] * usage_q["assets"]).sum() / total if total else None,
        labels_q["label_share"].iloc[-1] if len(labels_q) else None,
        labels_q["quarter"].iloc[-1] if len(labels_q) else None,
        (str(worst["quarter"]), float(worst["consent_coverage"]), int(worst["assets"])) if worst is not None else None)
    fig = base_figure(title, "share of twin assets watermarked and within consent; share of twin or synthetic posts labelled")
    fig.add_scatter(x=usage_q["quarter"], y=usage_q["watermark_rate"], name="twin assets watermarked",
                    mode="lines+markers", line=dict(color="#3D5A80", width=3))
    fig.add_scatter(x=usage_q["quarter"], y=usage_q["consent_coverage"], name="twin assets within consent",
                    mode="lines+markers", line=dict(color="#4F9D69", width=3))
    fig.add_scatter(x=labels_q["quarter"], y=labels_q["label_share"], name="AI-imagery posts labelled",
                    mode="lines+markers", line=dict(color="#C8553D", width=3))
    fig.update_layout(xaxis_title="quarter", yaxis=dict(title="share", tickformat=".0%", range=[0, 1.05]))
    return fig


def representation(rep: pd.DataFrame, column: str, distance: dict[str, float]) -> go.Figure:
    """Shares of each level for the target, roster, twin roster and published twin assets.

    Parameters
    ----------
    rep
        :func:`twinimpact.analyses.rights.findings.representation`.
    column
        ``size_range`` or ``age_band``.
    distance
        :func:`twinimpact.analyses.rights.findings.distance_from_target`.

    Returns
    -------
    Figure
    """
    fig = base_figure(statements.representation_title(column, distance),
                      "shares by group; distance = total variation from the target")
    colors = {"target": "#A0A4A8", "roster": "#3D5A80", "twin_roster": "#E0A43A", "twin_assets": "#C8553D"}
    for group, color in colors.items():
        fig.add_bar(x=rep["level"], y=rep[group], name=words(group), marker_color=color)
    fig.update_layout(barmode="group", xaxis_title=words(column),
                      yaxis=dict(title="share", tickformat=".0%"))
    return fig
