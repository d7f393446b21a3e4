"""The executive's first page, built from results.json alone: a sample-data notice when the
figures come from synthetic data, the bottom line (one sentence each on cost, engagement,
jobs, rights and the value of the adoption path), the main risks, and the table of
contents. Every sentence is made here from the numbers, so it changes when they change;
engagement is worded as an association (observational data); what was not measured says
so. Every string that comes from data is HTML-escaped.
"""

from __future__ import annotations

import html
from typing import Any

from twinimpact.words import statements
from twinimpact.words.labels import words
from twinimpact.words.narrate import missing, money, num, pct
from twinimpact.words.summary import headline_rows

#: How to point the workbook at real data, for the sample-data notice.
REAL_DATA_HINT = ("fill the tables described in docs/DATA_CONTRACT.md with your own campaigns and run "
                  "<code>twinimpact run --data &lt;folder&gt;</code>, or <code>--source &lt;VARIABLE&gt;</code> "
                  "naming an environment variable that holds a database URL")


def _ccy(res: dict[str, Any]) -> str:
    return str((res.get("run") or {}).get("reporting_currency") or "")


def _money_short(value: float, ccy: str) -> str:
    """``EUR 1.28 million`` for large sums, ``EUR 42.66`` for small ones."""
    if abs(value) >= 1e6:
        return f"{ccy} {value / 1e6:,.2f} million"
    return money(value, ccy, 0 if abs(value) >= 1000 else 2)


def cost_sentence(res: dict[str, Any]) -> str:
    """The bottom line's cost sentence: twin against traditional cost per asset and the saving's range.

    Parameters
    ----------
    res
        results.json (:class:`~twinimpact.results.Results`).

    Returns
    -------
    str
        Plain text (not escaped).
    """
    cost = res.get("cost") or {}
    cpa, ccy = cost.get("cost_per_asset") or {}, _ccy(res)
    trad, twin = cpa.get("traditional"), cpa.get("twin")
    if missing(trad) or missing(twin):
        return "Cost per asset was not measured in this run (the production cost chapter says why)."
    s = cost.get("savings_per_asset") or {}
    verb = "less" if twin < trad else "more"
    out = (f"A twin-made asset cost {money(twin, ccy, 2)} against {money(trad, ccy, 2)} for a traditional one in "
           f"these campaigns ({money(abs(trad - twin), ccy, 2)} {verb})")
    if not any(missing(s.get(k)) for k in ("p10", "p50", "p90")):
        out += (f"; with the unit costs varied over their observed ranges the saving per asset is "
                f"{money(s['p50'], ccy, 0)} (P10 {money(s['p10'], ccy, 0)}, P90 {money(s['p90'], ccy, 0)})")
    return out + "."


def engagement_sentence(res: dict[str, Any]) -> str:
    """The bottom line's engagement sentence: twin imagery and the AI label, as associations.

    Parameters
    ----------
    res
        results.json (:class:`~twinimpact.results.Results`).

    Returns
    -------
    str
        Plain text (not escaped).
    """
    eng = res.get("engagement") or {}
    twin, label = eng.get("irr_twin_vs_human") or {}, eng.get("irr_ai_label") or {}
    if missing(twin.get("estimate")):
        why = ((res.get("conclusions") or {}).get("engagement_twin_vs_human") or {}).get("statement")
        return why or "Engagement of twin against human imagery was not measured."
    d = statements.direction(twin.get("ci_low"), twin.get("ci_high"))
    if d == statements.NO_DIFFERENCE:
        out = (f"Posts with twin imagery showed no detectable difference in engagement per impression from "
               f"comparable posts photographing people (rate ratio {num(twin['estimate'], 2)}, 95% interval "
               f"{num(twin['ci_low'], 2)} to {num(twin['ci_high'], 2)})")
    else:
        out = (f"Posts with twin imagery had {statements.change_words(twin['estimate'])} engagements per "
               f"impression than comparable posts photographing people (95% interval "
               f"{num(twin['ci_low'], 2)} to {num(twin['ci_high'], 2)} as a rate ratio)")
    if not missing(label.get("estimate")):
        dl = statements.direction(label.get("ci_low"), label.get("ci_high"))
        out += (", and posts labelled as AI-made " + ("no detectable difference from unlabelled ones"
                                                        if dl == statements.NO_DIFFERENCE else
                                                        f"{statements.change_words(label['estimate'])} than unlabelled ones"))
    return out + "; these are associations in observational data, not measured effects."


def jobs_sentence(res: dict[str, Any]) -> str:
    """The bottom line's jobs sentence: net FTE at the adoption share and who loses most.

    Parameters
    ----------
    res
        results.json (:class:`~twinimpact.results.Results`).

    Returns
    -------
    str
        Plain text (not escaped).
    """
    labor = res.get("labor") or {}
    fte, share = labor.get("fte_change"), labor.get("adoption_share")
    if missing(fte) or missing(share):
        return "Creative jobs were not measured in this run (the creative labour chapter says why)."
    iv = (labor.get("intervals") or {}).get("net_fte") or {}
    rng = (f" (P10 {num(iv['p10'], 1)}, P90 {num(iv['p90'], 1)})"
           if not missing(iv.get("p10")) and not missing(iv.get("p90")) else "")
    by_role = {k: v for k, v in (labor.get("hours_change_by_role") or {}).items() if not missing(v)}
    losers = [r for r, v in sorted(by_role.items(), key=lambda kv: kv[1]) if v < 0][:2]
    hours = labor.get("displaced_hours")
    out = (f"At {pct(share)} twin-made assets, creative work changes by {num(fte, 1)} full-time equivalents a "
           f"year{rng}")
    if not missing(hours) and hours > 0:
        out += f": {num(hours)} hours of shoot work a year move away"
        if losers:
            out += f", most from {' and '.join(role_label(r) for r in losers)}"
    return out + "."


def rights_sentence(res: dict[str, Any]) -> str:
    """The bottom line's rights sentence: twin assets breaking a rule and the money owed.

    Parameters
    ----------
    res
        results.json (:class:`~twinimpact.results.Results`).

    Returns
    -------
    str
        Plain text (not escaped).
    """
    rights = res.get("rights") or {}
    n, assets = rights.get("assets_with_findings"), rights.get("twin_assets")
    if missing(assets) or not assets:
        return "Rights were not checked: the data hold no twin assets."
    if missing(n):
        return "Rights findings were not measured in this run."
    if n == 0:
        return (f"Every one of the {num(assets)} twin assets is within its model's consent and scope, watermarked "
                "and paid.")
    owed, ccy = rights.get("underpaid_total"), _ccy(res)
    models = len(rights.get("owed_by_model") or {})
    out = (f"{num(n)} of {num(assets)} twin assets break a consent, scope, watermark or pay rule")
    if not missing(owed) and owed > 0:
        out += f"; {money(owed, ccy, 2)} is owed to {models} model{'s' if models != 1 else ''}"
    return out + "."


def npv_sentence(res: dict[str, Any]) -> str:
    """The bottom line's NPV sentence: the adoption path's value today with its P10 to P90.

    Parameters
    ----------
    res
        results.json (:class:`~twinimpact.results.Results`).

    Returns
    -------
    str
        Plain text (not escaped).
    """
    scen, ccy = res.get("scenarios") or {}, _ccy(res)
    npv = scen.get("npv") or {}
    if any(missing(npv.get(k)) for k in ("p10", "p50", "p90")):
        return "The value of the adoption path was not estimated in this run (the scenarios chapter says why)."
    start, target, years = scen.get("start_twin_share"), scen.get("target_twin_share"), scen.get("horizon_years")
    worth = "worth" if npv["p50"] >= 0 else "a loss of"
    out = (f"Moving from {pct(start)} to {pct(target)} twin-made assets over {num(years)} years is {worth} "
           f"{_money_short(abs(npv['p50']), ccy)} today (P50; P10 {_money_short(npv['p10'], ccy)}, "
           f"P90 {_money_short(npv['p90'], ccy)})")
    p_neg = scen.get("probability_npv_negative")
    if not missing(p_neg):
        out += f", and {pct(p_neg)} of the simulated draws lose money"
    return out + "."


def bottom_line(res: dict[str, Any]) -> list[str]:
    """Five sentences, in order: cost, engagement, jobs, rights, the adoption path's NPV.
    Plain text (not escaped): :func:`first_page` escapes them.

    Parameters
    ----------
    res
        results.json (:class:`~twinimpact.results.Results`).

    Returns
    -------
    list of str
    """
    return [cost_sentence(res), engagement_sentence(res), jobs_sentence(res), rights_sentence(res), npv_sentence(res)]


def role_label(role: str) -> str:
    """``makeup_artist`` -> ``make-up artists``: a role of the staffing table in words (plural)."""
    return words(role) + "s"


def risks(res: dict[str, Any]) -> list[str]:
    """The main risks the numbers show, most material first; each one only when its number
    earns it. Plain text.

    Parameters
    ----------
    res
        results.json (:class:`~twinimpact.results.Results`).

    Returns
    -------
    list of str
        Plain text.
    """
    out: list[str] = []
    eng, scen, labor, rights = (res.get(k) or {} for k in ("engagement", "scenarios", "labor", "rights"))
    ccy = _ccy(res)
    twin = eng.get("irr_twin_vs_human") or {}
    value = (scen.get("engagement") or {}).get("value_per_engagement")
    if statements.direction(twin.get("ci_low"), twin.get("ci_high")) == "lower":
        out.append(f"Engagement: twin imagery went with {statements.change_words(twin['estimate'])} engagements per "
                   "impression. If part of that is caused by the imagery, it offsets part of the savings"
                   + ("; the NPV above does not count it (no value per engagement is set)." if not value else "."))
    label = eng.get("irr_ai_label") or {}
    if statements.direction(label.get("ci_low"), label.get("ci_high")) == "lower":
        out.append(f"The AI label: labelled posts had {statements.change_words(label['estimate'])} engagements per "
                   "impression; labelling is required for AI imagery in some markets, so this cost may not be "
                   "avoidable.")
    n = rights.get("assets_with_findings")
    if not missing(n) and n > 0:
        out.append(f"Rights: {num(n)} twin assets break a consent, scope, watermark or pay rule; each is a legal "
                   "and reputational exposure until fixed (see the rights chapter for the list).")
    income = labor.get("model_income") or {}
    before, after = income.get("traditional_per_model"), income.get("twin_per_model")
    counts = (res.get("models") or {}).get("better_and_worse_off") or {}
    if not missing(before) and not missing(after) and after < before:
        text = (f"Models' income: at the adoption share a model earns {money(after, ccy, 0)} a year against "
                f"{money(before, ccy, 0)} with no twins (roster average, net of agency commission)")
        if counts:  # with bookings: who is worse off, model by model, over the draws
            tw, other = counts["twin_models"], counts["models_without_twin"]
            text += (f"; model by model, {num(tw['losers']['p50'])} of {num(tw['models'])} models with a twin and "
                     f"{num(other['losers']['p50'])} of {num(other['models'])} without one would earn less.")
        else:
            text += ("; the data hold no bookings, so who gains and who loses is not measured model by model.")
        out.append(text)
    fte = labor.get("fte_change")
    if not missing(fte) and fte < 0:
        out.append(f"Jobs: a net {num(abs(fte), 1)} full-time equivalents of creative work a year fall away at the "
                   "adoption share, concentrated in shoot roles.")
    p_neg = scen.get("probability_npv_negative")
    if not missing(p_neg) and p_neg > 0.1:
        out.append(f"Value: {pct(p_neg)} of the simulated draws lose money over the horizon.")
    did = eng.get("did_after_adoption") or {}
    p = (did.get("inference") or {}).get("p_value")
    if not missing(p) and p >= 0.05:
        out.append("Evidence: the before-and-after comparison of brands that adopted twins cannot tell an effect on "
                   f"engagement from chance (p = {num(p, 2)}, {num((did.get('inference') or {}).get('clusters'))} "
                   "brands).")
    return out or ["No material risk stands out in these numbers."]


def is_synthetic(manifest: dict[str, Any]) -> bool:
    """Whether the run read synthetic sample data (made by ``twinimpact sample``).

    Parameters
    ----------
    manifest
        The run's manifest.json.

    Returns
    -------
    bool
    """
    return bool((manifest.get("data") or {}).get("synthetic"))


def notice_html(manifest: dict[str, Any]) -> str:
    """The sample-data notice, or nothing for any other data.

    Parameters
    ----------
    manifest
        The run's manifest.json.

    Returns
    -------
    str
        HTML; empty on data that are not the sample.
    """
    if not is_synthetic(manifest):
        return ""
    return ("<div class=\"ti-notice\" role=\"note\"><strong>Sample data.</strong> Every figure in this report "
            "comes from synthetic sample data made by the workbook's generator, not from any brand's campaigns. "
            f"To analyse your own: {REAL_DATA_HINT}.</div>")


def first_page(res: dict[str, Any], manifest: dict[str, Any], chapters: list[tuple[str, str]],
               appendix: bool = True) -> tuple[str, str]:
    """The first page as two HTML fragments: (title, notice, bottom line and headline
    table) and (main risks and contents). ``chapters`` are (anchor, title) pairs; the key
    charts go between the two.

    Parameters
    ----------
    res
        results.json (:class:`~twinimpact.results.Results`).
    manifest
        The run's manifest.json.
    chapters
        (anchor, title) of each chapter, for the contents.
    appendix
        Whether the contents list the appendix.

    Returns
    -------
    tuple of str
        Two HTML fragments; every string from the data is escaped.
    """
    e = html.escape
    run = res.get("run") or {}
    rows = "".join(f"<tr><td>{e(h.label)}</td><td class=\"num\">{e(h.value)}</td><td>{e(h.range)}</td>"
                   f"<td>{e(h.unit)}</td></tr>" for h in headline_rows(res))
    top = (
        "<div class=\"ti-first\">"
        "<h1 id=\"report-top\">Digital twins: impact report</h1>"
        f"<p class=\"ti-sub\">Parameters <strong>{e(str(run.get('params_name')))}</strong>, "
        f"money in {e(_ccy(res))}, run {e(str(manifest.get('started_at', ''))[:10])}.</p>"
        + notice_html(manifest)
        + "<h2 id=\"bottom-line\">The bottom line</h2><p class=\"ti-bottom-line\">"
        + " ".join(e(s) for s in bottom_line(res)) + "</p>"
        "<h2 id=\"headlines\">Headline figures</h2>"
        "<table class=\"ti-headlines\"><thead><tr><th>Measure</th><th>Estimate</th><th>Range</th><th>Unit</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
        "<h2 id=\"key-charts\">Key charts</h2></div>"
    )
    toc = "".join(f"<li><a href=\"#{e(a)}\">{e(t)}</a></li>" for a, t in chapters)
    if appendix:
        toc += "<li><a href=\"#appendix\">Appendix: technical tables, data coverage and this run</a></li>"
    bottom = (
        "<div class=\"ti-first\"><h2 id=\"risks\">Main risks</h2><ul class=\"ti-risks\">"
        + "".join(f"<li>{e(r)}</li>" for r in risks(res)) + "</ul>"
        f"<h2 id=\"contents\">Contents</h2><ol class=\"ti-toc\">{toc}</ol></div>"
    )
    return top, bottom
