"""The quality card: for each estimate behind a number of the decision page, the checks a
reviewer asks for, each PASS, REVIEW or FAIL with a recommendation, in the spirit of the
model review marketing-mix tools print. Built from results.json alone.

The checks: randomised or observational evidence; the number of clusters the interval
rests on (fewer than :data:`FEW_CLUSTERS` is REVIEW); overdispersion handled; the fit
converged (an interval was computed); a placebo or pre-trend test; data coverage; the
provenance of the asset files. A FAIL estimate states no finding on the decision page."""

from __future__ import annotations

from typing import Any

from twinimpact.words.narrate import missing, num

#: Fewer clusters than this and cluster-robust inference is fragile.
FEW_CLUSTERS = 10
STATUSES = ("PASS", "REVIEW", "FAIL")


def _row(estimate: str, check: str, status: str, recommendation: str) -> dict[str, str]:
    return {"estimate": estimate, "check": check, "status": status, "recommendation": recommendation}


def _engagement(res: dict[str, Any]) -> list[dict[str, str]]:
    e = res.get("engagement") or {}
    name = "Engagement of twin imagery"
    irr = e.get("irr_twin_vs_human") or {}
    if missing(irr.get("estimate")) or missing(irr.get("ci_low")):
        return [_row(name, "fit", "FAIL", "No interval could be computed: the data cannot estimate the effect; "
                                          "collect posts of both kinds or run a randomised test.")]
    tested = (e.get("tested") or {}).get("used")
    rows = [_row(name, "evidence", "PASS" if tested else "REVIEW",
                 "A randomised test measured it." if tested else
                 "Observational posts only: the decision widens its range by a bias allowance; a randomised test "
                 "would settle it.")]
    clusters = e.get("clusters")
    if not missing(clusters):
        rows.append(_row(name, "clusters", "PASS" if clusters >= FEW_CLUSTERS else "REVIEW",
                         f"The interval rests on {num(clusters)} campaigns." + (
                             "" if clusters >= FEW_CLUSTERS else " With so few, treat its width with caution.")))
    over = e.get("overdispersion")
    rows.append(_row(name, "overdispersion", "PASS",
                     "Counts spread beyond a Poisson's; the negative binomial and the cluster-robust interval handle "
                     "it." if not missing(over) else "Handled by the cluster-robust interval."))
    rows.append(_row(name, "fit", "PASS", "The fit converged and its interval is finite."))
    st = (e.get("did_after_adoption") or {}).get("staggered") or {}
    pre = st.get("pre_p_value")
    if not st.get("estimable") or missing(pre):
        rows.append(_row(name, "pre-trend", "REVIEW", "No placebo test of the months before adoption was possible."))
    else:
        rows.append(_row(name, "pre-trend", "PASS" if pre >= 0.05 else "REVIEW",
                         "Adopting brands moved like the others before adoption." if pre >= 0.05 else
                         "Adopting brands already moved differently before adoption: read the effect with care."))
    if st.get("estimable") and not missing(st.get("units")):
        g = st["units"]
        rows.append(_row("Engagement before and after adoption", "clusters", "PASS" if g >= FEW_CLUSTERS else "REVIEW",
                         f"The before/after comparison rests on {num(g)} brands." + (
                             "" if g >= FEW_CLUSTERS else " With so few, its p-value comes from shuffling their "
                             "adoption dates, and a change must be large to show.")))
    shifts = [s for s in ((res.get("data") or {}).get("exposure_shifts") or []) if s.get("warned")]
    if shifts:
        where = ", ".join(f"{s.get('platform')} at {s.get('switch')}" for s in shifts)
        rows.append(_row(name, "exposure", "REVIEW",
                         f"Exposure per follower jumps where a platform replaced impressions with views ({where}) and "
                         "the posts do not say which they count: mark each post's exposure metric and run again."))
    posts = e.get("posts")
    rows.append(_row(name, "coverage", "PASS" if not missing(posts) and posts >= 1000 else "REVIEW",
                     f"{num(posts)} posts." if not missing(posts) else "The number of posts is unknown."))
    return rows


def _value(res: dict[str, Any]) -> list[dict[str, str]]:
    v = (res.get("scenarios") or {}).get("value_per_engagement") or {}
    source = v.get("source")
    if source == "post_outcomes":
        return [_row("Value of an engagement", "evidence", "PASS", "Measured from the revenue of the posts.")]
    if source == "parameter":
        return [_row("Value of an engagement", "evidence", "REVIEW", "Set by the parameters, not measured: add "
                                                                     "the posts' outcomes to measure it.")]
    return [_row("Value of an engagement", "evidence", "FAIL", "Not valued: the decision is conditional on it; add "
                                                               "the posts' outcomes.")]


def _cost(res: dict[str, Any]) -> list[dict[str, str]]:
    diff = (res.get("cost") or {}).get("twin_minus_traditional_per_asset") or {}
    if missing(diff.get("ci_low")):
        return [_row("Cost per asset", "coverage", "FAIL", "Twin and photoshoot costs cannot be compared: the data "
                                                           "need campaigns of both kinds.")]
    return [_row("Cost per asset", "coverage", "PASS", "Campaigns of both kinds, resampled for the interval.")]


def _provenance(res: dict[str, Any]) -> list[dict[str, str]]:
    prov = (res.get("rights") or {}).get("provenance") or {}
    if prov.get("checked"):
        return [_row("Rights and markings", "provenance", "PASS", f"{num(prov.get('files'))} asset files read.")]
    return [_row("Rights and markings", "provenance", "REVIEW",
                 "The published files were not read, so their machine-readable AI marking is unchecked: give the "
                 "assets folder.")]


def card(res: dict[str, Any]) -> list[dict[str, str]]:
    """The quality card: ``[{estimate, check, status, recommendation}]``.

    Parameters
    ----------
    res
        results.json.
    """
    return [*_engagement(res), *_value(res), *_cost(res), *_provenance(res)]


def failed(card_rows: list[dict[str, str]]) -> set[str]:
    """The estimates with a FAIL check: they state no finding on the decision page.

    Parameters
    ----------
    card_rows
        :func:`card`.
    """
    return {r["estimate"] for r in card_rows if r["status"] == "FAIL"}
