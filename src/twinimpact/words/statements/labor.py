"""Statements about creative labour and models: jobs, models' income, and the labour chapter's chart titles."""

from __future__ import annotations

from typing import Any

from twinimpact.words.narrate import missing, money, num, pct
from twinimpact.words.statements.common import _roles, fte_words


def models_income_conclusion(income: dict[str, Any], counts: dict[str, Any] | None, currency: str
                             ) -> dict[str, Any]:
    """Models' income at the adoption share against today's mix (roster average, net of
    agency commission), and, with bookings, how many booked models would earn less.

    ``direction`` is ``lower``, ``higher`` or ``about the same`` (within 0.5%).

    Parameters
    ----------
    income
        results.json's ``labor.model_income``.
    counts
        results.json's ``models.better_and_worse_off``, or None without bookings.
    currency
        The reporting currency's code.

    Returns
    -------
    dict
        ``direction`` and ``statement``.
    """
    now, then = income.get("today_per_model"), income.get("at_adoption_per_model")
    if missing(now) or missing(then) or not now:
        return {"direction": None, "statement": "Models' income was not estimated: the data need models and model "
                                                "pay in the staffing."}
    change = then / now - 1
    d = "lower" if change < -0.005 else "higher" if change > 0.005 else "about the same"
    share, year = income.get("adoption_share"), income.get("base_year")
    text = (f"At {pct(share)} twin-made assets a model earns {money(then, currency)} a year against "
            f"{money(now, currency)} in {year}'s mix ({'+' if change > 0 else ''}{change:.0%}; roster average, net of "
            "agency commission)")
    tw, other = (counts or {}).get("twin_models") or {}, (counts or {}).get("models_without_twin") or {}
    if tw and other:
        text += (f"; of the models booked in {year}, {num(tw['losers']['p50'])} of {num(tw['models'])} with a twin "
                 f"and {num(other['losers']['p50'])} of {num(other['models'])} without one would earn less.")
    else:
        text += "; without bookings, who gains and who loses is not measured model by model."
    return {"direction": d, "statement": text}


def jobs_conclusion(block: dict[str, Any]) -> dict[str, Any]:
    """Creative work at the adoption share, in full-time equivalents a year, with the
    interval over hours per asset and the bound without redeployment.

    ``direction`` is ``fewer`` when the P90 of net FTE is below 0, ``more`` when its P10
    is above 0, else ``uncertain`` (by the sign of the estimate when there is no interval).

    Parameters
    ----------
    block
        results.json's ``labor`` block (hours a year; FTE at ``annual_hours``).

    Returns
    -------
    dict
        ``direction`` and ``statement``.
    """
    fte, share = block.get("fte_change"), block.get("adoption_share")
    if missing(fte) or missing(share):
        return {"direction": None, "statement": "Creative jobs could not be estimated: the data need staffing of "
                                                "traditional and twin campaigns."}
    if block.get("not_estimable"):
        return {"direction": None, "statement": f"How creative work changes at {pct(share)} twin-made assets is not "
                                                f"estimable from these data: {block['not_estimable']}."}
    iv = (block.get("intervals") or {}).get("net_fte") or {}
    lo, hi = iv.get("p10"), iv.get("p90")
    if not missing(lo) and not missing(hi) and hi - lo > 1e-9:
        d = "fewer" if hi < 0 else "more" if lo > 0 else "uncertain"
        rng = f" (P10 {fte_words(lo)} to P90 {fte_words(hi)} over hours per asset and redeployed shares)"
    else:
        d = "fewer" if fte < 0 else "more" if fte > 0 else "uncertain"
        rng = ""
    year = block.get("year")
    text = (f"At {pct(share)} twin-made assets{f' in {year}' if not missing(year) else ''}, paid creative work "
            f"changes by {fte_words(fte)} full-time equivalents a year{rng}")
    bound = block.get("fte_change_without_redeployment")
    if not missing(bound) and abs(bound - fte) > 0.05:
        text += f"; {fte_words(bound)} if no displaced hour were redeployed"
    by_role = {k: v for k, v in (block.get("hours_change_by_role") or {}).items() if not missing(v)}
    losers = [r for r, v in sorted(by_role.items(), key=lambda kv: kv[1]) if v < 0][:2]
    hours = block.get("displaced_hours")
    if not missing(hours) and hours > 0:
        text += f". {num(hours)} paid hours a year of traditional and hybrid production are no longer needed"
        if losers:
            text += f", most from {_roles(losers)}"
    return {"direction": d, "statement": text + "."}


def labour_title(table: Any, share: float, year: int, assets: float, moved: float) -> str:
    """The labour chart's title: the hours lost and created when ``moved`` assets go to twins,
    and the role that loses most (by net hours)."""
    if moved <= 0 or not len(table):
        return (f"At {share:.0%} twin-made assets no asset moves: {year}'s brands already make that share or more "
                "with twins")
    worst = table.sort_values("net").iloc[0]
    return (f"Moving {moved:,.0f} of {year}'s {assets:,.0f} assets to twins (to {share:.0%} a brand): "
            f"{table['lost'].sum():,.0f} paid hours lost, {table['redeployed'].sum():,.0f} redeployed, "
            f"{table['new'].sum():,.0f} new; {str(worst['role']).replace('_', ' ')}s lose most")


def exposure_title(ranks: Any) -> str:
    """The exposure chart's title: the role on which the published measures disagree most."""
    measures = [c for c in ranks.columns if c != "role"]
    if not len(ranks) or len(measures) < 2:
        return "Published AI-exposure measures by role"
    r = ranks.set_index("role")[measures]
    spread = r.max(axis=1) - r.min(axis=1)
    role = spread.idxmax()
    return (f"The measures disagree most on {str(role).replace('_', ' ')}s: rank {int(r.loc[role].min())} to "
            f"{int(r.loc[role].max())} of {len(ranks)} roles")


def livelihoods_sentence(block: dict[str, Any], currency: str, share: float) -> str:
    """Who is better and worse off at the adoption share, twin models and the others apart,
    with the draws' P10 to P90, and the twin fee that keeps a typical twin model whole.

    Parameters
    ----------
    block
        results.json's ``models`` block.
    currency
        The reporting currency's code.
    share
        The adoption share (0-1).

    Returns
    -------
    str
    """
    counts = block.get("better_and_worse_off") or {}
    tw, other = counts.get("twin_models") or {}, counts.get("models_without_twin") or {}

    def n(c: dict[str, float]) -> str:
        if missing(c.get("p10")) or missing(c.get("p90")):
            return num(c.get("p50"))
        return f"{num(c.get('p50'))} (P10 {num(c.get('p10'))} to P90 {num(c.get('p90'))})"

    if not tw or not other:
        return "Who gains and who loses was not measured."
    text = (f"At {pct(share)} adoption, of the {num(tw.get('models'))} models with a twin, {n(tw['gainers'])} would "
            f"earn more and {n(tw['losers'])} less; {n(other['losers'])} of the {num(other.get('models'))} models "
            "without a twin would earn less, losing photographed days that no twin fee replaces.")
    fee = block.get("break_even_twin_fee_per_asset")
    if not missing(fee):
        text += (f" The typical twin model's income stays whole at a twin fee of {money(fee, currency, 2)} per asset "
                 "(their photographed pay lost over the twin assets they would gain).")
    return text
