"""The executive summary: the headline numbers of results.json as labelled, formatted text
for the top of the report and for the index of runs. Every value is built from
results.json by the :mod:`twinimpact.words.narrate` formatters (``n/a`` where nothing was
measured) and every string is HTML-escaped."""

from __future__ import annotations

import html
from typing import Any, NamedTuple

from twinimpact.words import narrate


class Headline(NamedTuple):
    """One headline: a stable key (used by the runs index), its label, the central estimate
    formatted, the range around it in words and its unit."""

    key: str
    label: str
    value: str
    range: str = ""
    unit: str = ""


#: Why the break-even volume is "never".
NEVER_BREAKS_EVEN = "a twin asset's running cost exceeds a traditional one"


#: The range column of a figure whose interval is not estimable (twinimpact.minimum).
NO_RANGE = "not estimable from these data (see its section)"


def _interval(block: dict[str, Any], digits: int = 3) -> str:
    if block.get("not_estimable"):
        return NO_RANGE
    if narrate.missing(block.get("ci_low")) or narrate.missing(block.get("ci_high")):
        return "not measured" if narrate.missing(block.get("estimate")) else ""
    return (f"95% interval {narrate.num(block['ci_low'], digits)} to {narrate.num(block['ci_high'], digits)}, "
            "clustered by campaign (CV3)")


def _p10_p90(block: dict[str, Any], fmt: Any) -> str:
    if block.get("not_estimable"):
        return NO_RANGE
    if narrate.missing(block.get("p10")) or narrate.missing(block.get("p90")):
        return "not measured" if narrate.missing(block.get("p50")) else ""
    return f"P10 {fmt(block['p10'])} to P90 {fmt(block['p90'])}"


def headline_rows(res: dict[str, Any]) -> list[Headline]:
    """The numbers an executive reads first, in order: each with its range (a 95% interval
    or the simulation's P10 to P90) and its unit; ``n/a`` for what was not measured.

    Parameters
    ----------
    res
        results.json (:class:`~twinimpact.results.Results`).

    Returns
    -------
    list of Headline
        ``key``, ``label``, ``value``, ``range`` and ``unit`` of each headline, in order.
    """
    ccy = html.escape(str(res.get("run", {}).get("reporting_currency") or ""))
    cost, eng, rights, labor, scen = (res.get(k) or {} for k in ("cost", "engagement", "rights", "labor",
                                                                  "scenarios"))
    cpa = cost.get("cost_per_asset") or {}
    findings = rights.get("findings") or {}
    counted = [v for v in findings.values() if isinstance(v, (int, float))]
    hours = labor.get("hours_per_asset") or {}
    income = labor.get("model_income") or {}
    moved, npv = cost.get("saving_per_moved_asset") or {}, scen.get("npv") or {}
    net_fte = (labor.get("intervals") or {}).get("net_fte") or {}
    money2 = lambda v: narrate.money(v, ccy, 2)  # noqa: E731 - local formatters read best inline
    money0 = lambda v: narrate.money(v, ccy, 0)  # noqa: E731
    twin_assets = rights.get("twin_assets")
    tested = eng.get("tested") or {}
    lead = ([Headline("irr_tested", f"Engagement, randomised test: {tested.get('shows')} vs human imagery",
                      narrate.num((tested.get("tested") or {}).get("estimate"), 3),
                      _interval(tested.get("tested") or {}).replace("clustered by campaign (CV3)",
                                                                    "clustered by randomised unit"),
                      "rate ratio (1 = no difference), caused")] if tested else [])
    return lead + [
        Headline("cost_traditional", "Cost per finished asset, traditional", money2(cpa.get("traditional")),
                 unit=f"{ccy} per asset"),
        Headline("cost_twin", "Cost per finished asset, twin", money2(cpa.get("twin")), unit=f"{ccy} per asset"),
        Headline("saving_per_moved_asset", "Saving per asset moved to twins from today's mix (P50)",
                 money2(moved.get("p50")), _p10_p90(moved, money2), f"{ccy} per moved asset"),
        Headline("break_even", "Break-even volume", "never" if cost.get("break_even_never") else
                 narrate.num(cost.get("break_even_assets")),
                 NEVER_BREAKS_EVEN if cost.get("break_even_never") else "", "twin assets per season"),
        Headline("irr_twin", "Engagement, twin vs human imagery", narrate.num((eng.get("irr_twin_vs_human") or {})
                                                                             .get("estimate"), 3),
                 _interval(eng.get("irr_twin_vs_human") or {}), "rate ratio (1 = no difference)"),
        Headline("irr_label", "Engagement, AI label vs none", narrate.num((eng.get("irr_ai_label") or {})
                                                                          .get("estimate"), 3),
                 _interval(eng.get("irr_ai_label") or {}), "rate ratio (1 = no difference)"),
        Headline("rights_findings", "Rights findings (consent, scope, watermark, pay)",
                 narrate.num(sum(counted) if counted else None),
                 f"in {narrate.num(twin_assets)} twin assets" if not narrate.missing(twin_assets) and counted else "",
                 "findings"),
        Headline("hours_per_asset", "Creative hours per asset, traditional / twin",
                 " / ".join(narrate.num(hours.get(k), 2) for k in ("traditional", "twin")), unit="hours per asset"),
        Headline("fte_change", "Net change in creative jobs at the adoption share", narrate.signed(labor.get("fte_change")),
                 _p10_p90(net_fte, narrate.signed) + _without_redeployment(labor), "full-time equivalents a year"),
        Headline("model_income", "Model income, today's mix / at the adoption share",
                 " / ".join(money0(income.get(k)) for k in ("today_per_model", "at_adoption_per_model")),
                 unit=f"{ccy} per model and year, net of commission"),
        Headline("npv", "Net present value of the adoption path, at the observed costs",
                 money0(scen.get("npv_observed")), _p10_p90(npv, money0) + (" under the assumed ranges"
                                                                             if npv.get("p10") is not None else ""),
                 ccy),
        Headline("break_even_value", "Break-even value of an engagement",
                 narrate.money(scen.get("break_even_value_per_engagement"), ccy, 3),
                 _value_words(scen.get("value_per_engagement") or {}, ccy), f"{ccy} per engagement"),
    ]


def _without_redeployment(labor: dict[str, Any]) -> str:
    """The jobs row's bound if no displaced hour were redeployed."""
    bound = labor.get("fte_change_without_redeployment")
    return "" if narrate.missing(bound) else f"; {narrate.signed(bound)} if nobody were redeployed"


def _value_words(value: dict[str, Any], ccy: str) -> str:
    """What the data say an engagement is worth, for the break-even row's range column."""
    if value.get("source") == "post_outcomes":
        return (f"the posts' revenue: {narrate.money(value.get('estimate'), ccy, 3)} (95% interval "
                f"{narrate.money(value.get('ci_low'), ccy, 3)} to {narrate.money(value.get('ci_high'), ccy, 3)})")
    if value.get("source") == "parameter":
        return f"the parameters: {narrate.money(value.get('estimate'), ccy, 3)}"
    return "engagement not valued"


def run_details_markdown(res: dict[str, Any], manifest: dict[str, Any]) -> str:
    """The appendix's account of the run: its id, parameters, data source and fingerprint,
    currency and how long each notebook took.

    Parameters
    ----------
    res
        results.json (:class:`~twinimpact.results.Results`).
    manifest
        The run's manifest.json.

    Returns
    -------
    str
        Markdown (values HTML-escaped).
    """
    run = res.get("run", {})
    e = html.escape
    books = "".join(f"| {e(str(n.get('name')))} | "
                    + (f"reused from run `{e(str(n.get('reused_from')))}` (its inputs unchanged)"
                       if n.get("status") == "reused" else f"{narrate.num(n.get('seconds'), 1)} s") + " |\n"
                    for n in manifest.get("notebooks", []))
    data = manifest.get("data") or {}
    return (
        "## This run\n\n"
        f"Run `{e(str(run.get('id')))}` with the parameters file **{e(str(run.get('params_name')))}** on data from "
        f"{e(str(data.get('source')))}"
        + (" (synthetic sample data)" if data.get("synthetic") else "")
        + f"; data fingerprint `{e(str(run.get('data_fingerprint')))}`; money in "
        f"{e(str(run.get('reporting_currency')))}. results.json, manifest.json and the tables folder beside this "
        "page hold every figure with more digits.\n\n"
        + ("| Notebook | Time |\n|---|---|\n" + books if books else "")
    )
