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
    """The bottom line: the ``statement`` of every ``conclusions`` entry that is a finding
    (it has a direction), verbatim, in :data:`BOTTOM_LINE` order; entries this run did not
    fill (a partial run) and those it could not estimate (:func:`cannot_estimate`) are left out.
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
    return _statements(res, findings=True)


def _statements(res: dict[str, Any], findings: bool) -> list[str]:
    """The statements of the conclusions that are findings (a direction) or are not."""
    found = res.get("conclusions") or {}
    return [str(found[k]["statement"]) for k in BOTTOM_LINE
            if (found.get(k) or {}).get("statement") and (found[k].get("direction") is not None) == findings]


def cannot_estimate(res: dict[str, Any]) -> list[str]:
    """What these data cannot estimate: the ``statement`` of every conclusion without a
    direction (not estimable or not measured; each says why and what data it needs),
    verbatim, in :data:`BOTTOM_LINE` order. They are never in the bottom line. Plain text.

    Parameters
    ----------
    res
        results.json (:class:`~twinimpact.results.Results`).

    Returns
    -------
    list of str
    """
    return _statements(res, findings=False)


#: The conclusions that are a risk when their direction is one of these, with the label the
#: main risks print before the statement, most material first.
RISKS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("engagement_tested", "Engagement, tested", ("lower",)),
    ("npv_adoption", "Value", ("negative", "uncertain")),
    ("engagement_value", "What engagement is worth", ("does not pay", "uncertain")),
    ("engagement_twin_vs_human", "Engagement", ("lower",)),
    ("engagement_ai_label", "The AI label", ("lower",)),
    ("rights_findings", "Rights", ("findings",)),
    ("models_income", "Models' income", ("lower",)),
    ("jobs_adoption", "Jobs", ("fewer",)),
    ("engagement_before_after", "Evidence", ("cannot tell",)),
)
NO_RISK = "No material risk stands out in these numbers."
#: The bottom line when no conclusion is a finding.
NO_FINDING = "These data support no finding yet: see what they cannot estimate below."


def risks(res: dict[str, Any]) -> list[tuple[str, str]]:
    """The main risks: each conclusion whose direction is a risk (:data:`RISKS`), as
    (label, its statement verbatim), most material first. The first page builds no sentence
    of its own here either. Plain text.

    Parameters
    ----------
    res
        results.json (:class:`~twinimpact.results.Results`).

    Returns
    -------
    list of tuple
        (label, statement) pairs; empty when no conclusion is a risk.
    """
    found = res.get("conclusions") or {}
    out = []
    for key, label, flagged in RISKS:
        c = found.get(key) or {}
        if c.get("statement") and c.get("direction") in flagged:
            out.append((label, str(c["statement"])))
    return out


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
    unable = cannot_estimate(res)
    rows = "".join(f"<tr><td>{e(h.label)}</td><td class=\"num\">{e(h.value)}</td><td>{e(h.range)}</td>"
                   f"<td>{e(h.unit)}</td></tr>" for h in headline_rows(res))
    top = (
        "<div class=\"ti-first\">"
        "<h1 id=\"report-top\">Digital twins: impact report</h1>"
        f"<p class=\"ti-sub\">Parameters <strong>{e(str(run.get('params_name')))}</strong>, "
        f"money in {e(_ccy(res))}, run {e(str(manifest.get('started_at', ''))[:10])}.</p>"
        + notice_html(manifest)
        + "<h2 id=\"bottom-line\">The bottom line</h2><ul class=\"ti-bottom-line\">"
        + ("".join(f"<li>{e(s)}</li>" for s in bottom_line(res)) or f"<li>{e(NO_FINDING)}</li>") + "</ul>"
        + ("<h2 id=\"cannot-estimate\">What these data cannot estimate</h2><ul class=\"ti-cannot\">"
           + "".join(f"<li>{e(s)}</li>" for s in unable) + "</ul>" if unable else "")
        + "<h2 id=\"headlines\">Headline figures</h2>"
        "<table class=\"ti-headlines\"><thead><tr><th>Measure</th><th>Estimate</th><th>Range</th><th>Unit</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
        "<h2 id=\"key-charts\">Key charts</h2></div>"
    )
    toc = "".join(f"<li><a href=\"#{e(a)}\">{e(t)}</a></li>" for a, t in chapters)
    if appendix:
        toc += "<li><a href=\"#appendix\">Appendix: technical tables, data coverage and this run</a></li>"
    bottom = (
        "<div class=\"ti-first\"><h2 id=\"risks\">Main risks</h2><ul class=\"ti-risks\">"
        + ("".join(f"<li><strong>{e(label)}.</strong> {e(text)}</li>" for label, text in risks(res))
           or f"<li>{e(NO_RISK)}</li>") + "</ul>"
        f"<h2 id=\"contents\">Contents</h2><ol class=\"ti-toc\">{toc}</ol></div>"
    )
    return top, bottom
