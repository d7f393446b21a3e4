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
#: Cost categories: shoot-day spend in blues, post-production in greys, twin spend in warm hues.
CATEGORY_COLORS = {
    "model_fees": "#1B3A5C", "photographer": "#3D5A80", "hair_makeup": "#5B7DA6", "styling": "#7FA3C8",
    "studio_location": "#98C1D9", "travel": "#C5DCEA", "post_production": "#7D8088", "other": "#B9BCC2",
    "twin_creation": "#8C2F1B", "twin_licensing": "#C8553D", "generation_compute": "#E07A5F",
    "ai_review": "#E0A43A", "disclosure_compliance": "#F2CC8F",
}
SEQUENCE = ["#3D5A80", "#C8553D", "#E0A43A", "#7B5EA7", "#4F9D69", "#A0A4A8", "#98C1D9"]


def theme() -> go.layout.Template:
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


def posts_by_month(counts: pd.DataFrame) -> go.Figure:
    """Posts per month by imagery type (stacked), from counts by month and imagery."""
    wide = counts.pivot_table(index="month", columns="imagery", values="posts", aggfunc="sum", fill_value=0)
    wide = wide.sort_index()
    ai = wide.reindex(columns=["twin", "synthetic"], fill_value=0).sum(axis=1) / wide.sum(axis=1)
    fig = _fig(f"AI imagery rose to {ai.iloc[-3:].mean():.0%} of posts in the last three months "
               f"(from {ai.iloc[:3].mean():.0%} in the first three)", "posts per month by imagery")
    x = pd.to_datetime(wide.index + "-01")
    for kind, color in IMAGERY_COLORS.items():
        if kind in wide:
            fig.add_scatter(x=x, y=wide[kind], name=kind, stackgroup="one", mode="lines",
                            line=dict(width=0.5, color=color))
    fig.update_layout(xaxis_title="month", yaxis_title="posts per month")
    return fig


def coverage_heatmap(counts: pd.DataFrame, rows: str, cols: str, value: str, title: str) -> go.Figure:
    """An annotated heatmap of ``value`` by two categorical columns of a counts frame."""
    table = counts.pivot_table(index=rows, columns=cols, values=value, aggfunc="sum", fill_value=0)
    fig = _fig(title)
    fig.add_heatmap(z=table.values, x=[str(c) for c in table.columns], y=[str(r) for r in table.index],
                    colorscale="Blues", text=table.values, texttemplate="%{text:,}",
                    colorbar=dict(title=value))
    fig.update_layout(xaxis_title=cols.replace("_", " "), yaxis_title=rows.replace("_", " "))
    return fig


# --- production cost -------------------------------------------------------------
def cost_components(per_asset: pd.DataFrame, currency: str) -> go.Figure:
    """Stacked bars: pooled cost per asset by category, one bar per mode."""
    totals = per_asset.groupby("production_mode")["per_asset"].sum()
    modes = [m for m in ("traditional", "hybrid", "twin") if m in totals.index]
    title = "Cost per finished asset by production mode and what it is made of"
    if {"traditional", "twin"} <= set(modes):
        title = (f"A twin-made asset costs {currency} {totals['twin']:,.0f}, a traditional one "
                 f"{currency} {totals['traditional']:,.0f} ({1 - totals['twin'] / totals['traditional']:.0%} less)")
    fig = _fig(title, "pooled spend per asset delivered, by cost category")
    present = set(per_asset["category"])
    for i, cat in enumerate([c for c in CATEGORY_COLORS if c in present]
                            + sorted(present - set(CATEGORY_COLORS))):
        sub = per_asset[per_asset["category"] == cat].set_index("production_mode").reindex(modes)
        fig.add_bar(x=modes, y=sub["per_asset"], name=cat.replace("_", " "),
                    marker_color=CATEGORY_COLORS.get(cat, SEQUENCE[i % len(SEQUENCE)]),
                    hovertemplate="%{x}: %{y:,.2f} per asset<extra>" + cat.replace("_", " ") + "</extra>")
    fig.update_layout(barmode="stack", xaxis_title="production mode", height=560,
                      yaxis_title=f"cost per asset ({currency})", legend=dict(font=dict(size=11), y=-0.15))
    return fig


def cost_per_asset_over_time(by_season: pd.DataFrame, currency: str) -> go.Figure:
    """Pooled cost per asset by season, one line per mode."""
    order = sorted(by_season["season"].unique(), key=lambda s: (s[2:], s[:2] != "SS"))
    last = by_season[by_season["season"] == order[-1]].set_index("production_mode")["cost_per_asset"]
    first = by_season[by_season["season"] == order[0]].set_index("production_mode")["cost_per_asset"]
    title = "Cost per asset by season and production mode"
    if "traditional" in first and "traditional" in last:
        title = (f"Traditional cost per asset went from {currency} {first['traditional']:,.0f} in {order[0]} "
                 f"to {currency} {last['traditional']:,.0f} in {order[-1]}")
        if "twin" in last:
            title += f"; twin: {currency} {last['twin']:,.0f}"
    fig = _fig(title, "pooled spend / assets delivered, per season")
    for mode, color in MODE_COLORS.items():
        sub = by_season[by_season["production_mode"] == mode].set_index("season").reindex(order)
        if sub["cost_per_asset"].notna().any():
            fig.add_scatter(x=order, y=sub["cost_per_asset"], name=mode, mode="lines+markers",
                            line=dict(color=color, width=3), connectgaps=False)
    fig.update_layout(xaxis_title="season", yaxis_title=f"cost per asset ({currency})", yaxis_rangemode="tozero")
    return fig


def cost_function(costs: pd.DataFrame, fitted: pd.DataFrame, currency: str, at_assets: float) -> go.Figure:
    """Campaign running cost against assets (log-log) with the fitted cost function per mode."""
    fig = _fig("Like for like: running cost against campaign size, with the fitted cost function",
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
    """Season cost of twin vs traditional production against assets per season."""
    if n_star is None:
        title = "Twin production never catches up with traditional at these unit costs"
    else:
        title = f"Twins pay for themselves from {n_star:,.0f} assets a season"
        if volume:
            title += f"; brands here need about {volume:,.0f}"
    fig = _fig(title, "season cost: traditional (per asset) vs twin (fixed twin building + per asset)")
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
    """Horizontal bars: savings per asset with each driver at its low and high multiplier."""
    t = table.iloc[::-1]
    base = float(table["base"].iloc[0])
    top = table.iloc[0]
    fig = _fig(f"Savings per asset hinge most on {top['label']}: {currency} {min(top['savings_at_low'], top['savings_at_high']):,.0f}"
               f" to {max(top['savings_at_low'], top['savings_at_high']):,.0f}",
               f"savings per asset (traditional minus twin) with one driver moved at a time; base {currency} {base:,.0f}")
    labels = [f"{r.label} (x{r.low_multiplier:g} to x{r.high_multiplier:g})" for r in t.itertuples()]
    fig.add_bar(y=labels, x=t["savings_at_low"] - base, base=base, orientation="h", name="driver at low",
                marker_color="#98C1D9")
    fig.add_bar(y=labels, x=t["savings_at_high"] - base, base=base, orientation="h", name="driver at high",
                marker_color="#3D5A80")
    fig.add_vline(x=base, line_color="#222", line_width=1)
    fig.update_layout(barmode="overlay", xaxis_title=f"savings per asset ({currency})", yaxis_title="",
                      height=120 + 38 * len(t), margin=dict(l=330))
    return fig


def savings_distribution(draws: pd.Series, pct: dict[str, float], currency: str) -> go.Figure:
    """Histogram of Monte Carlo savings per asset with P10, P50 and P90 marked."""
    fig = _fig(f"Twins save {currency} {pct['p50']:,.0f} per asset (P50); 80% of outcomes between "
               f"{currency} {pct['p10']:,.0f} and {currency} {pct['p90']:,.0f}",
               f"Monte Carlo over the cost drivers, {len(draws):,} draws")
    fig.add_histogram(x=draws, nbinsx=60, marker_color=MODE_COLORS["twin"], opacity=0.8, name="draws")
    for k, dash in (("p10", "dot"), ("p50", "solid"), ("p90", "dot")):
        fig.add_vline(x=pct[k], line_dash=dash, line_color="#222",
                      annotation_text=f"{k.upper()} {pct[k]:,.0f}", annotation_position="top")
    fig.update_layout(xaxis_title=f"savings per asset ({currency})", yaxis_title="draws", showlegend=False)
    return fig


# --- engagement --------------------------------------------------------------------
def rates_vs_benchmarks(plat: pd.DataFrame, bands: pd.DataFrame) -> go.Figure:
    """Engagements per impression by platform, with published per-impression benchmarks."""
    plat = plat.sort_values("per_impression", ascending=False)
    top = plat.iloc[0]
    fig = _fig(f"{str(top['platform']).capitalize()} engages most per impression "
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
    """Forest plot of incidence-rate ratios with 95% intervals, one marker per model."""
    first = next(iter(tables.values())).set_index("term")
    parts = []
    for term, label in terms.items():
        if term in first.index:
            r = first.loc[term]
            parts.append(f"{label.split(' vs ')[0]} {r['irr']:.2f}")
    fig = _fig("Engagement per impression relative to unlabelled human imagery: " + ", ".join(parts),
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
    """Raw engagement per impression of AI imagery with and without the AI label."""
    sub = by[by["imagery"].isin(["twin", "synthetic"])].copy()
    sub["label"] = sub["ai_label"].map({True: "labelled", False: "unlabelled"})
    title = "What the AI label costs"
    if irr.get("estimate") is not None:
        title = (f"The AI label costs {1 - irr['estimate']:.0%} of engagement per impression "
                 f"(95% CI {1 - irr['ci_high']:.0%} to {1 - irr['ci_low']:.0%}), other things equal")
    fig = _fig(title, "raw pooled rates by imagery and label (the model adjusts for platform, format, brand, month, "
                      "followers)")
    for lab, color in (("unlabelled", "#98C1D9"), ("labelled", "#C8553D")):
        s = sub[sub["label"] == lab]
        fig.add_bar(x=s["imagery"], y=s["per_impression"], name=lab, marker_color=color,
                    text=[f"{v:.2%}" for v in s["per_impression"]], textposition="outside")
    fig.update_layout(barmode="group", xaxis_title="imagery",
                      yaxis=dict(title="engagements per impression", tickformat=".1%"))
    return fig


def event_study(event: pd.DataFrame, did: dict[str, float | None]) -> go.Figure:
    """Engagement by month relative to each brand's first twin campaign."""
    if event.empty:
        return _fig("No adoption to study: no brand has a twin or hybrid campaign")
    if did.get("estimate") is not None:
        change = did["estimate"] - 1
        title = (f"After adopting twins, engagement per impression moved {change:+.1%} against brands not yet "
                 f"adopting (95% CI {did['ci_low'] - 1:+.1%} to {did['ci_high'] - 1:+.1%})")
    else:
        title = "Engagement around each brand's first twin campaign"
    fig = _fig(title, "rate ratio by month relative to adoption (month -1 = 1); flat before 0 supports parallel trends")
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


# --- rights and representation -------------------------------------------------------------
def findings_summary(counts: dict[str, int], assets: int, owed: float, currency: str) -> go.Figure:
    """Bar per breach type."""
    total = sum(counts.values())
    title = (f"{total} rights findings on {assets:,} twin assets; {currency} {owed:,.2f} owed to models"
             if total else f"No rights findings on {assets:,} twin assets")
    fig = _fig(title, "one finding per asset and breach type (DATA_CONTRACT.md)")
    names = list(counts)
    fig.add_bar(x=[n.replace("_", " ") for n in names], y=[counts[n] for n in names], marker_color="#C8553D",
                text=[counts[n] for n in names], textposition="outside")
    fig.update_layout(xaxis_title="breach", yaxis_title="assets", yaxis_rangemode="tozero", showlegend=False)
    return fig


def compliance_trend(usage_q: pd.DataFrame, labels_q: pd.DataFrame) -> go.Figure:
    """Watermark rate, consent coverage and AI-label share by quarter."""
    last_label = labels_q["label_share"].iloc[-1] if len(labels_q) else None
    title = "Watermarks and consent hold near 100%; the AI label is the gap"
    if last_label is not None:
        title = (f"Watermarks and consent hold near 100%, but only {last_label:.0%} of AI-imagery posts carried "
                 f"the AI label in {labels_q['quarter'].iloc[-1]}")
    fig = _fig(title, "share of twin assets watermarked and within consent; share of twin or synthetic posts labelled")
    fig.add_scatter(x=usage_q["quarter"], y=usage_q["watermark_rate"], name="twin assets watermarked",
                    mode="lines+markers", line=dict(color="#3D5A80", width=3))
    fig.add_scatter(x=usage_q["quarter"], y=usage_q["consent_coverage"], name="twin assets within consent",
                    mode="lines+markers", line=dict(color="#4F9D69", width=3))
    fig.add_scatter(x=labels_q["quarter"], y=labels_q["label_share"], name="AI-imagery posts labelled",
                    mode="lines+markers", line=dict(color="#C8553D", width=3))
    fig.update_layout(xaxis_title="quarter", yaxis=dict(title="share", tickformat=".0%", range=[0, 1.05]))
    return fig


def representation(rep: pd.DataFrame, column: str, distance: dict[str, float]) -> go.Figure:
    """Shares of each level for the target, roster, twin roster and published twin assets."""
    verb = "narrow" if distance["twin_assets"] > distance["roster"] else "widen"
    fig = _fig(f"Twins {verb} who is shown by {column.replace('_', ' ')}: published twin assets are "
               f"{distance['twin_assets']:.0%} from the target mix, the roster {distance['roster']:.0%}",
               "shares by group; distance = total variation from the target (0% = on target)")
    colors = {"target": "#A0A4A8", "roster": "#3D5A80", "twin_roster": "#E0A43A", "twin_assets": "#C8553D"}
    for group, color in colors.items():
        fig.add_bar(x=rep["level"], y=rep[group], name=group.replace("_", " "), marker_color=color)
    fig.update_layout(barmode="group", xaxis_title=column.replace("_", " "),
                      yaxis=dict(title="share", tickformat=".0%"))
    return fig


# --- creative labour -------------------------------------------------------------------
ROLE_ORDER = ["model", "photographer", "makeup_artist", "hair_stylist", "stylist", "set_designer", "art_director",
              "producer", "retoucher", "ai_artist", "rights_manager"]


def hours_per_asset_by_role(rates: pd.DataFrame, pooled: dict[str, float | None]) -> go.Figure:
    """Grouped bars: hours per asset by role and mode."""
    t, w = pooled.get("traditional"), pooled.get("twin")
    title = "Hours of paid work per finished asset by role"
    if t and w:
        title = f"A twin-made asset takes {w:.2f} paid hours, a traditional one {t:.2f} ({1 - w / t:.0%} fewer)"
    fig = _fig(title, "pooled staffing hours / assets delivered, by role and production mode")
    roles = [r for r in ROLE_ORDER if r in set(rates["role"])]
    for mode, color in MODE_COLORS.items():
        sub = rates[rates["production_mode"] == mode].set_index("role").reindex(roles)
        fig.add_bar(x=[r.replace("_", " ") for r in roles], y=sub["hours_per_asset"], name=mode, marker_color=color)
    fig.update_layout(barmode="group", xaxis_title="role", yaxis_title="hours per asset")
    return fig


def adoption_effect(table: pd.DataFrame, share: float, year: int, assets: float) -> go.Figure:
    """Per role: displaced hours split into lost and redeployed, new twin work, and net."""
    t = table.set_index("role").reindex([r for r in ROLE_ORDER if r in set(table["role"])]).reset_index()
    lost, new = t["lost"].sum(), t["new"].sum()
    worst = t.sort_values("net").iloc[0]
    fig = _fig(f"Moving {share:.0%} of {year}'s {assets:,.0f} assets to twins: {lost:,.0f} paid hours lost, "
               f"{new:,.0f} new; {str(worst['role']).replace('_', ' ')}s lose most",
               "hours per year by role: displaced = lost + redeployed; net = new - lost")
    labels = [r.replace("_", " ") for r in t["role"]]
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
    """Stacked bars: pay by role and engagement type."""
    share_free = pay.loc[pay["engagement"] != "employee", "pay"].sum() / pay["pay"].sum()
    fig = _fig(f"{share_free:.0%} of creative pay goes to freelancers and agencies, not employees",
               "total pay in the data by role and engagement type")
    roles = [r for r in ROLE_ORDER if r in set(pay["role"])]
    for eng, color in (("employee", "#3D5A80"), ("freelance", "#E0A43A"), ("agency", "#7B5EA7")):
        sub = pay[pay["engagement"] == eng].set_index("role").reindex(roles)
        fig.add_bar(x=[r.replace("_", " ") for r in roles], y=sub["pay"], name=eng, marker_color=color)
    fig.update_layout(barmode="stack", xaxis_title="role", yaxis_title=f"pay ({currency})")
    return fig


def wage_bands(wages: pd.DataFrame, currency: str) -> go.Figure:
    """Each role's rate in the data against the BLS May 2024 P10-P90 band and median."""
    w = wages.dropna(subset=["median_hourly_wage"]).copy()
    above = int((w["hourly_rate"] > w["median_hourly_wage"]).sum())
    fig = _fig(f"The brand pays above the US median wage in {above} of {len(w)} roles (freelance and agency "
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
    """Roles x exposure measures: rank among these roles (colour) with the published value (text)."""
    measures = [c for c in ranks.columns if c != "role"]
    model = ranks.set_index("role").loc["model"] if "model" in set(ranks["role"]) else None
    title = "Published AI-exposure measures rank the same roles differently"
    if model is not None:
        title = (f"The measures disagree most on models: rank {int(model.min())} to {int(model.max())} of "
                 f"{len(ranks)} roles")
    fig = _fig(title, "colour: rank among these roles (1 = most exposed); text: percentile among all occupations "
                      "(Microsoft: score x 100)")
    v = values.set_index("role").reindex(ranks["role"])[measures]
    fig.add_heatmap(z=ranks[measures].to_numpy(), x=[m.replace("_", " ") for m in measures],
                    y=[r.replace("_", " ") for r in ranks["role"]], colorscale="RdBu", reversescale=False,
                    text=v.round(0).to_numpy(), texttemplate="%{text}", colorbar=dict(title="rank"))
    fig.update_layout(xaxis_title="measure", yaxis_title="role", height=520)
    return fig


def model_income(income: pd.DataFrame, currency: str, share: float) -> go.Figure:
    """Each model's yearly income change at the adoption share, twin models highlighted."""
    gain = int((income["change"] > 1e-9).sum())
    fig = _fig(f"At {share:.0%} adoption, {gain} of {len(income)} models earn more, {len(income) - gain} earn less",
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


# --- scenarios --------------------------------------------------------------------------
def npv_distribution(draws, pct: dict[str, float], currency: str, horizon: int, start: float, target: float
                     ) -> go.Figure:
    import numpy as np

    positive = float((np.asarray(draws) > 0).mean())
    fig = _fig(f"Going from {start:.0%} to {target:.0%} twin-made assets over {horizon} years is worth "
               f"{currency} {pct['p50']:,.0f} (P50); {positive:.0%} of draws come out positive",
               f"net present value against keeping today's share; P10 {currency} {pct['p10']:,.0f}, "
               f"P90 {currency} {pct['p90']:,.0f}")
    fig.add_histogram(x=draws, nbinsx=60, marker_color=MODE_COLORS["twin"], opacity=0.8)
    for k, dash in (("p10", "dot"), ("p50", "solid"), ("p90", "dot")):
        fig.add_vline(x=pct[k], line_dash=dash, line_color="#222", annotation_text=k.upper(),
                      annotation_position="top")
    fig.update_layout(xaxis_title=f"net present value ({currency})", yaxis_title="draws", showlegend=False)
    return fig


def scenario_years(yearly: pd.DataFrame, currency: str) -> go.Figure:
    """Yearly savings: P10-P90 band and P50 line."""
    last = yearly.iloc[-1]
    fig = _fig(f"By year {int(last['year'])}, twins save {currency} {last['savings_p50']:,.0f} a year (P50)",
               "against keeping today's twin share; band: P10 to P90")
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
    """Creative FTE lost and created per year, and the net change."""
    last = yearly.iloc[-1]
    fig = _fig(f"By year {int(last['year'])}: {last['lost_fte']:.1f} FTE of creative work lost, "
               f"{last['new_fte']:.1f} created, net {last['net_fte']:+.1f}",
               "full-time equivalents against keeping today's twin share (redeployed hours count as kept)")
    fig.add_bar(x=yearly["year"], y=-yearly["lost_fte"], name="lost", marker_color="#C8553D")
    fig.add_bar(x=yearly["year"], y=yearly["new_fte"], name="new twin work", marker_color="#4F9D69")
    fig.add_scatter(x=yearly["year"], y=yearly["net_fte"], mode="markers+lines", name="net",
                    marker=dict(symbol="diamond", size=11, color="#222"), line=dict(color="#222", dash="dot"))
    fig.update_layout(barmode="relative", xaxis=dict(title="year", dtick=1), yaxis_title="FTE")
    return fig


def model_payouts(yearly: pd.DataFrame, currency: str) -> go.Figure:
    fees, lost = yearly["model_twin_fees"].sum(), yearly["model_photo_pay_lost"].sum()
    fig = _fig(f"Twin fees replace {fees / lost:.0%} of the photographed pay models lose"
               if lost > 0 else "Models' twin fees and photographed pay",
               f"per year, net of agency commission, against keeping today's twin share ({currency})")
    fig.add_bar(x=yearly["year"], y=yearly["model_twin_fees"], name="twin fees gained", marker_color="#4F9D69")
    fig.add_bar(x=yearly["year"], y=-yearly["model_photo_pay_lost"], name="photographed pay lost",
                marker_color="#C8553D")
    fig.update_layout(barmode="relative", xaxis=dict(title="year", dtick=1), yaxis_title=currency)
    return fig
