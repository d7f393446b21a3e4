"""The executive's first page, built from results.json alone: a sample-data notice when the
figures come from synthetic data, the bottom line (the ``conclusions`` statements of
results.json, verbatim: cost, engagement, jobs, rights and the value of the adoption path,
each built by :mod:`twinimpact.words.statements` from the numbers), the main risks, and
the table of contents. What was not measured says so. Every string that comes from data is
HTML-escaped.
"""

from __future__ import annotations

import html
from typing import Any, get_type_hints

from twinimpact.results import Conclusions
from twinimpact.words import statements
from twinimpact.words.narrate import missing, money, num, pct
from twinimpact.words.summary import headline_rows

#: How to point the workbook at real data, for the sample-data notice.
REAL_DATA_HINT = ("fill the tables described in docs/DATA_CONTRACT.md with your own campaigns and run "
                  "<code>twinimpact run --data &lt;folder&gt;</code>, or <code>--source &lt;VARIABLE&gt;</code> "
                  "naming an environment variable that holds a database URL")


def _ccy(res: dict[str, Any]) -> str:
    return str((res.get("run") or {}).get("reporting_currency") or "")


#: The conclusions the bottom line prints, verbatim, in this order (the order results.json
#: declares them).
BOTTOM_LINE: tuple[str, ...] = tuple(get_type_hints(Conclusions))


def bottom_line(res: dict[str, Any]) -> list[str]:
    """The bottom line: the ``statement`` of every ``conclusions`` entry, verbatim, in
    :data:`BOTTOM_LINE` order; entries this run did not fill (a partial run) are left out.
    The first page builds no sentence of its own. Plain text (not escaped):
    :func:`first_page` escapes them.

    Parameters
    ----------
    res
        results.json (:class:`~twinimpact.results.Results`).

    Returns
    -------
    list of str
    """
    found = res.get("conclusions") or {}
    return [str(found[k]["statement"]) for k in BOTTOM_LINE if (found.get(k) or {}).get("statement")]


def _saves(res: dict[str, Any]) -> bool:
    """Whether moving an asset to a twin saves money at the median."""
    p50 = ((res.get("cost") or {}).get("savings_per_asset") or {}).get("p50")
    return not missing(p50) and p50 > 0


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
                   "impression. If part of that is caused by the imagery, it "
                   + ("offsets part of the savings" if _saves(res) else "adds to the cost of moving")
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
