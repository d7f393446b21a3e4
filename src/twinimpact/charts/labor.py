"""Charts of creative labour: hours by role, the adoption effect, pay, wages, exposure, models' income."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from twinimpact.words import statements
from twinimpact.contract.spec import ROLES
from twinimpact.charts.theme import MODE_COLORS, base_figure
from twinimpact.words.labels import words


def hours_per_asset_by_role(rates: pd.DataFrame, pooled: dict[str, float | None]) -> go.Figure:
    """Grouped bars: hours per asset by role and mode.

    Parameters
    ----------
    rates
        :func:`twinimpact.analyses.labor.hours.role_hours_per_asset`.
    pooled
        Mode -> paid hours per asset (:func:`twinimpact.analyses.labor.hours.hours_per_asset`).

    Returns
    -------
    Figure
    """
    t, w = pooled.get("traditional"), pooled.get("twin")
    title = "Hours of paid work per finished asset by role"
    if t and w:
        title = (f"A twin-made asset took {w:.2f} paid hours, a traditional one {t:.2f} "
                 f"({statements.change_words(w / t)})")
    fig = base_figure(title, "pooled staffing hours / assets delivered, by role and production mode")
    roles = [r for r in ROLES if r in set(rates["role"])]
    for mode, color in MODE_COLORS.items():
        sub = rates[rates["production_mode"] == mode].set_index("role").reindex(roles)
        fig.add_bar(x=[words(r) for r in roles], y=sub["hours_per_asset"], name=mode, marker_color=color)
    fig.update_layout(barmode="group", xaxis_title="role", yaxis_title="hours per asset")
    return fig


def adoption_effect(table: pd.DataFrame, share: float, year: int, assets: float, moved: float) -> go.Figure:
    """Per role: displaced hours split into lost and redeployed, new twin work, and net.

    Parameters
    ----------
    table
        The scenario by role (:func:`twinimpact.analyses.labor.hours.shift_from_mix`'s ``table``; hours a year).
    share
        The adoption share (0-1).
    year, assets, moved
        The year, its assets and the assets moved to twins.

    Returns
    -------
    Figure
    """
    t = table.set_index("role").reindex([r for r in ROLES if r in set(table["role"])]).reset_index()
    fig = base_figure(statements.labour_title(t, share, year, assets, moved),
                      "hours per year by role, against today's mix: displaced = lost + redeployed; net = new - lost")
    labels = [words(r) for r in t["role"]]
    fig.add_bar(y=labels, x=-t["lost"], orientation="h", name="lost", marker_color="#C8553D")
    fig.add_bar(y=labels, x=-t["redeployed"], orientation="h", name="redeployed (kept, other work)",
                marker_color="#F2CC8F")
    fig.add_bar(y=labels, x=t["new"], orientation="h", name="new twin work", marker_color="#4F9D69")
    fig.add_scatter(y=labels, x=t["net"], mode="markers", name="net change",
                    marker=dict(symbol="diamond", size=12, color="#222"))
    fig.add_vline(x=0, line_color="#222", line_width=1)
    fig.update_layout(barmode="relative", xaxis_title="hours per year", yaxis=dict(autorange="reversed"),
                      height=520, margin=dict(l=130))
    return fig


def pay_by_engagement(pay: pd.DataFrame, currency: str) -> go.Figure:
    """Stacked bars: pay by role and engagement type.

    Parameters
    ----------
    pay
        :func:`twinimpact.analyses.labor.hours.pay_by_role` (reporting currency).
    currency
        The reporting currency's code.

    Returns
    -------
    Figure
    """
    share_free = pay.loc[pay["engagement"] != "employee", "pay"].sum() / pay["pay"].sum()
    fig = base_figure(f"{share_free:.0%} of creative pay goes to freelancers and agencies, not employees",
               "total pay in the data by role and engagement type")
    roles = [r for r in ROLES if r in set(pay["role"])]
    for eng, color in (("employee", "#3D5A80"), ("freelance", "#E0A43A"), ("agency", "#7B5EA7")):
        sub = pay[pay["engagement"] == eng].set_index("role").reindex(roles)
        fig.add_bar(x=[words(r) for r in roles], y=sub["pay"], name=eng, marker_color=color)
    fig.update_layout(barmode="stack", xaxis_title="role", yaxis_title=f"pay ({currency})")
    return fig


def wage_bands(wages: pd.DataFrame, currency: str) -> go.Figure:
    """Each role's rate in the data against the BLS May 2024 P10-P90 band and median.

    Parameters
    ----------
    wages
        :func:`twinimpact.analyses.labor.hours.wage_context` (reporting currency per hour).
    currency
        The reporting currency's code.

    Returns
    -------
    Figure
    """
    w = wages.dropna(subset=["median_hourly_wage"]).copy()
    above = int((w["hourly_rate"] > w["median_hourly_wage"]).sum())
    fig = base_figure(f"The brand pays above the US median wage in {above} of {len(w)} roles (freelance and agency "
               "rates include their overheads)",
               f"hourly rate in the data vs BLS OEWS May 2024 (P10 to P90 band, median), {currency} per hour")
    labels = [f"{r.role.replace('_', ' ')} ({r.soc_code}{', proxy' if r.proxy else ''})" for r in w.itertuples()]
    fig.add_bar(y=labels, x=w["p90_hourly_wage"].fillna(w["median_hourly_wage"] * 1.5) - w["p10_hourly_wage"],
                base=w["p10_hourly_wage"], orientation="h", name="BLS P10 to P90", marker_color="#C5DCEA")
    fig.add_scatter(y=labels, x=w["median_hourly_wage"], mode="markers", name="BLS median",
                    marker=dict(symbol="line-ns-open", size=18, color="#3D5A80", line=dict(width=3)))
    fig.add_scatter(y=labels, x=w["hourly_rate"], mode="markers", name="this data",
                    marker=dict(symbol="diamond", size=12, color="#C8553D"))
    fig.update_layout(xaxis_title=f"{currency} per hour", height=120 + 40 * len(w), margin=dict(l=290),
                      barmode="overlay")
    return fig


def exposure_heatmap(ranks: pd.DataFrame, values: pd.DataFrame) -> go.Figure:
    """Roles x exposure measures: rank among these roles (colour) with the published value (text).

    Parameters
    ----------
    ranks
        :func:`twinimpact.analyses.labor.hours.exposure_ranks`.
    values
        :func:`twinimpact.analyses.labor.hours.exposure_comparison` (the published values, shown as text).

    Returns
    -------
    Figure
    """
    measures = [c for c in ranks.columns if c != "role"]
    title = statements.exposure_title(ranks)
    fig = base_figure(title, "colour: rank among these roles (1 = most exposed); text: percentile among all occupations "
                      "(Microsoft: score x 100)")
    v = values.set_index("role").reindex(ranks["role"])[measures]
    fig.add_heatmap(z=ranks[measures].to_numpy(), x=[words(m) for m in measures],
                    y=[words(r) for r in ranks["role"]], colorscale="RdBu", reversescale=False,
                    text=v.round(0).map(lambda x: "n/a" if pd.isna(x) else f"{x:.0f}").to_numpy(),
                    texttemplate="%{text}", colorbar=dict(title="rank"))
    fig.update_layout(xaxis_title="measure", yaxis_title="role", height=520)
    return fig


def model_income(income: pd.DataFrame, currency: str, share: float) -> go.Figure:
    """Each model's yearly income change at the adoption share, twin models highlighted.

    Parameters
    ----------
    income
        The roster of :func:`twinimpact.analyses.labor.hours.model_income` (reporting currency a year).
    currency
        The reporting currency's code.
    share
        The adoption share (0-1).

    Returns
    -------
    Figure
    """
    gain = int((income["change"] > 1e-9).sum())
    fig = base_figure(f"At {share:.0%} adoption, {gain} of {len(income)} models earn more, {len(income) - gain} earn less",
               f"change in each model's yearly income (photographed days + twin fees, net of agency commission), "
               f"{currency}")
    order = income.sort_values("change")
    colors = [MODE_COLORS["twin"] if t else MODE_COLORS["traditional"] for t in order["has_twin"].astype(bool)]
    fig.add_bar(x=order["model_id"], y=order["change"], marker_color=colors, showlegend=False,
                hovertemplate="%{x}: %{y:,.0f}<extra></extra>")
    fig.add_scatter(x=[None], y=[None], mode="markers", marker=dict(color=MODE_COLORS["twin"]), name="has a twin")
    fig.add_scatter(x=[None], y=[None], mode="markers", marker=dict(color=MODE_COLORS["traditional"]),
                    name="no twin")
    fig.update_layout(xaxis=dict(title="model", showticklabels=False), yaxis_title=f"change ({currency} per year)")
    return fig


def income_by_model(totals: pd.DataFrame, currency: str) -> go.Figure:
    """Each model's income over the whole period, photographed and from their twin (gross),
    largest first: the distribution, not the average.

    Parameters
    ----------
    totals
        :func:`twinimpact.analyses.labor.livelihoods.income_totals` (reporting currency, gross).
    currency
        The reporting currency's code.

    Returns
    -------
    Figure
    """
    t = totals.sort_values(["total", "model_id"], ascending=[False, True])
    top = t.iloc[0]
    twin_share = float(t["twin_fees"].sum() / t["total"].sum()) if t["total"].sum() > 0 else 0.0
    earners = int((t["twin_fees"] > 0).sum())
    fig = base_figure(f"{top['model_id']} earned the most ({currency} {top['total']:,.0f}); twin fees are "
                      f"{twin_share:.0%} of all model income, paid to {earners} of {len(t)} models",
                      f"each model's income over the period the data cover, gross of agency commission, {currency}")
    fig.add_bar(x=t["model_id"], y=t["photographed"], name="photographed (bookings)",
                marker_color=MODE_COLORS["traditional"], hovertemplate="%{x}: %{y:,.0f}<extra></extra>")
    fig.add_bar(x=t["model_id"], y=t["twin_fees"], name="twin fees", marker_color=MODE_COLORS["twin"],
                hovertemplate="%{x}: %{y:,.0f}<extra></extra>")
    fig.update_layout(barmode="stack", xaxis=dict(title="model", showticklabels=False),
                      yaxis_title=f"income ({currency})")
    return fig
