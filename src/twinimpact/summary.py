"""The executive summary: the headline numbers of results.json as labelled, formatted text
for the top of the report and for the index of runs. Every value is built from
results.json by the :mod:`twinimpact.narrate` formatters (``n/a`` where nothing was
measured) and every string is HTML-escaped."""

from __future__ import annotations

import html
from typing import Any, NamedTuple

from . import narrate


class Headline(NamedTuple):
    """One headline: a stable key (used by the runs index), its label and its formatted value."""

    key: str
    label: str
    value: str


def _ci(block: dict[str, Any]) -> str:
    return (f"{narrate.num(block.get('estimate'), 3)} ({narrate.num(block.get('ci_low'), 3)} to "
            f"{narrate.num(block.get('ci_high'), 3)})")


def _three(block: dict[str, Any], fmt: Any) -> str:
    return " / ".join(fmt(block.get(k)) for k in ("p10", "p50", "p90"))


def headline_rows(res: dict[str, Any]) -> list[Headline]:
    """The numbers an executive reads first, in order."""
    ccy = html.escape(str(res.get("run", {}).get("reporting_currency") or ""))
    cost, eng, rights, labor, scen = (res.get(k) or {} for k in ("cost", "engagement", "rights", "labor",
                                                                  "scenarios"))
    cpa = cost.get("cost_per_asset") or {}
    findings = rights.get("findings") or {}
    counted = [v for v in findings.values() if isinstance(v, (int, float))]
    hours = labor.get("hours_per_asset") or {}
    income = labor.get("model_income") or {}
    money2 = lambda v: narrate.money(v, ccy, 2)  # noqa: E731 - local formatters read best inline
    money0 = lambda v: narrate.money(v, ccy, 0)  # noqa: E731
    return [
        Headline("cost_traditional", "Cost per finished asset, traditional", money2(cpa.get("traditional"))),
        Headline("cost_twin", "Cost per finished asset, twin", money2(cpa.get("twin"))),
        Headline("savings_per_asset", "Savings per asset, P10 / P50 / P90",
                 _three(cost.get("savings_per_asset") or {}, money2)),
        Headline("break_even", "Break-even, assets per season", narrate.num(cost.get("break_even_assets"))),
        Headline("irr_twin", "Engagement of twin vs human imagery (rate ratio, 95% CI)",
                 _ci(eng.get("irr_twin_vs_human") or {})),
        Headline("irr_label", "Engagement with the AI label vs without (rate ratio, 95% CI)",
                 _ci(eng.get("irr_ai_label") or {})),
        Headline("rights_findings", "Rights findings (assets outside consent, scope, watermark or pay)",
                 narrate.num(sum(counted) if counted else None)),
        Headline("hours_per_asset", "Hours per asset, traditional / twin",
                 " / ".join(narrate.num(hours.get(k), 3) for k in ("traditional", "twin"))),
        Headline("fte_change", "Creative jobs at the adoption share (net FTE change)",
                 narrate.signed(labor.get("fte_change"))),
        Headline("model_income", "Model income per model and year, no twins / at adoption",
                 " / ".join(money0(income.get(k)) for k in ("traditional_per_model", "twin_per_model"))),
        Headline("npv", "Net present value of the adoption path, P10 / P50 / P90",
                 _three(scen.get("npv") or {}, money0)),
    ]


def summary_markdown(res: dict[str, Any], manifest: dict[str, Any]) -> str:
    """The Markdown that opens the executive report: what was run on what, then the headlines."""
    rows = "\n".join(f"| {h.label} | {h.value} |" for h in headline_rows(res))
    run = res.get("run", {})
    return (
        "# Digital twins: impact report\n\n"
        f"Run `{html.escape(str(run.get('id')))}` with parameters **{html.escape(str(run.get('params_name')))}** "
        f"on data from {html.escape(str(manifest['data']['source']))} "
        f"(fingerprint `{html.escape(str(run.get('data_fingerprint'))[:12])}`), "
        f"money in {html.escape(str(run.get('reporting_currency')))}. "
        "Each section below comes from one notebook of the workbook; every chart is interactive.\n\n"
        "| headline | value |\n|---|---|\n" + rows + "\n"
    )
