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
from twinimpact.words.glossary import GLOSSARY
from twinimpact.words.quality import STATUSES
from twinimpact.words.statements.plain import PLAIN_KEYS, currency_of
from twinimpact.words.summary import headline_rows

#: How to point the workbook at real data, for the sample-data notice.
REAL_DATA_HINT = ("fill the tables described in docs/DATA_CONTRACT.md with your own campaigns and run "
                  "<code>twinimpact run --data &lt;folder&gt;</code>, or <code>--source &lt;VARIABLE&gt;</code> "
                  "naming an environment variable that holds a database URL")


#: The decision page's statements, verbatim, in this order: the decision, then money, risk,
#: people, rights and the next step in plain words.
DECISION_PAGE: tuple[str, ...] = ("decision", *PLAIN_KEYS)
#: The measured statements ("What we measured"), verbatim, in the order results.json
#: declares them; each is printed once.
BOTTOM_LINE: tuple[str, ...] = tuple(k for k in get_type_hints(Conclusions) if k not in DECISION_PAGE)


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
    ("engagement_value", "What engagement is worth, unmeasured", ("not valued",)),  # the decision hangs on it
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


def decision_page(res: dict[str, Any]) -> list[str]:
    """The decision page's statements (:data:`DECISION_PAGE`), verbatim, those this run
    filled. Plain text.

    Parameters
    ----------
    res
        results.json (:class:`~twinimpact.results.Results`).

    Returns
    -------
    list of str
    """
    found = res.get("conclusions") or {}
    return [str(found[k]["statement"]) for k in DECISION_PAGE if (found.get(k) or {}).get("statement")]


def quality_html(res: dict[str, Any]) -> str:
    """The quality card as an HTML table (escaped), or nothing when the run has none.

    Parameters
    ----------
    res
        results.json.
    """
    rows = res.get("quality") or []
    if not rows:
        return ""
    e = html.escape
    body = "".join(f"<tr class=\"ti-q-{e(str(r['status']).lower())}\"><td>{e(str(r['estimate']))}</td>"
                   f"<td>{e(str(r['check']))}</td><td><strong>{e(str(r['status']))}</strong></td>"
                   f"<td>{e(str(r['recommendation']))}</td></tr>" for r in rows)
    return ("<h2 id=\"quality\">How sure: the quality card</h2><p>Each estimate behind a number of the decision "
            f"page, checked as a reviewer would: {', '.join(STATUSES)}.</p><table class=\"ti-headlines\"><thead>"
            "<tr><th>Estimate</th><th>Check</th><th>Status</th><th>What to do</th></tr></thead>"
            f"<tbody>{body}</tbody></table>")


def glossary_html() -> str:
    """The glossary that closes the report: the technical words of the chapters, in plain
    words."""
    e = html.escape
    items = "".join(f"<dt>{e(term)}</dt><dd>{e(meaning)}</dd>" for term, meaning in GLOSSARY.items())
    return f"<div id=\"glossary\" class=\"ti-chapter\"></div><h1>Glossary</h1><dl class=\"ti-glossary\">{items}</dl>"


def first_page(res: dict[str, Any], manifest: dict[str, Any], chapters: list[tuple[str, str]],
               appendix: bool = True) -> tuple[str, str]:
    """The first page as two HTML fragments around the key charts: (title, notice and the
    decision page: the decision, then money, risk, people, rights and the next step in plain
    words, ending a printed page) and (contents, what we measured with the risks among it,
    the headline table, what these data cannot estimate, and the quality card). Every
    statement is printed once. ``chapters`` are (anchor, title) pairs.

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
    failing = [r for r in res.get("quality") or [] if r.get("status") == "FAIL"]  # no finding from these
    unable = cannot_estimate(res) + [f"{r['estimate']}: {r['recommendation']}" for r in failing]
    page = decision_page(res)
    lead, rest = (page[0], page[1:]) if page else (NO_FINDING, [])
    rows = "".join(f"<tr><td>{e(h.label)}</td><td class=\"num\">{e(h.value)}</td><td>{e(h.range)}</td>"
                   f"<td>{e(h.unit)}</td></tr>" for h in headline_rows(res))
    top = (
        "<div class=\"ti-first ti-decision-page\">"
        "<h1 id=\"report-top\">Digital twins: impact report</h1>"
        f"<p class=\"ti-sub\">Parameters <strong>{e(str(run.get('params_name')))}</strong>, "
        f"money in {e(currency_of(res))}, run {e(str(manifest.get('started_at', ''))[:10])}.</p>"
        + notice_html(manifest)
        + f"<h2 id=\"decision\">The decision</h2><p class=\"ti-decision\">{e(lead)}</p>"
        + ("<ul class=\"ti-bottom-line\">" + "".join(f"<li>{e(s)}</li>" for s in rest) + "</ul>" if rest else "")
        + "</div><div class=\"ti-first\"><h2 id=\"key-charts\">Key charts</h2></div>"
    )
    toc = "".join(f"<li><a href=\"#{e(a)}\">{e(t)}</a></li>" for a, t in chapters)
    if appendix:
        toc += "<li><a href=\"#appendix\">Appendix: technical tables, data coverage and this run</a></li>"
    toc += "<li><a href=\"#glossary\">Glossary</a></li>"
    flagged = {text: label for label, text in risks(res)}
    measured = "".join(f"<li>{'<strong>Risk: ' + e(flagged[s]) + '.</strong> ' if s in flagged else ''}{e(s)}</li>"
                       for s in bottom_line(res)) or f"<li>{e(NO_FINDING)}</li>"
    labels = ", ".join(e(label) for label in dict.fromkeys(flagged.values()))
    bottom = (
        f"<div class=\"ti-first\"><h2 id=\"contents\">Contents</h2><ol class=\"ti-toc\">{toc}</ol>"
        "<h2 id=\"measured\">What we measured</h2>"
        + f"<p id=\"risks\" class=\"ti-risks\">{'The main risks among them: ' + labels + '.' if labels else e(NO_RISK)}"
        "</p>"
        + f"<ul class=\"ti-measured\">{measured}</ul>"
        + "<h2 id=\"headlines\">Headline figures</h2>"
        "<table class=\"ti-headlines\"><thead><tr><th>Measure</th><th>Estimate</th><th>Range</th><th>Unit</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
        + ("<h2 id=\"cannot-estimate\">What these data cannot estimate</h2><ul class=\"ti-cannot\">"
           + "".join(f"<li>{e(s)}</li>" for s in unable) + "</ul>" if unable else "")
        + quality_html(res) + "</div>"
    )
    return top, bottom
