"""Statements about engagement: the rate ratios of imagery and label, a randomised test, the before/after study, and the engagement chapter's chart titles."""

from __future__ import annotations

from typing import Any

from twinimpact.words.narrate import missing, num, pct
from twinimpact.words.statements.common import ENGAGEMENT_HELD_FIXED, NO_DIFFERENCE, change_words, direction


_ENGAGEMENT_SUBJECTS = {
    "engagement_twin_vs_human": ("Posts with a model's digital twin", "comparable posts photographing people"),
    "engagement_synthetic_vs_human": ("Posts with a synthetic AI persona", "comparable posts photographing people"),
    "engagement_ai_label": ("Posts labelled as AI-made", "comparable unlabelled posts"),
}


def engagement_conclusion(key: str, irr: dict[str, Any], check: dict[str, Any] | None = None,
                          check_name: str = "", outcome: str = "engagements") -> dict[str, Any]:
    """The conclusion for one rate ratio of engagements per impression (the headline fit),
    in associational words; when the other fit (``check``) points elsewhere, one more
    sentence says so with its interval.

    Parameters
    ----------
    key
        The conclusion's key (``engagement_twin_vs_human`` ...).
    irr
        The lead fit's rate ratio: ``estimate``, ``ci_low``, ``ci_high``.
    check, check_name
        The other fit's rate ratio and its name, or None.
    outcome
        The count the rate ratio is of, per impression (the parameter ``outcome``).

    Returns
    -------
    dict
        ``direction`` (``lower``, ``higher``, ``no detectable difference`` or None) and
        ``statement``.
    """
    subject, reference = _ENGAGEMENT_SUBJECTS[key]
    est, lo, hi = irr.get("estimate"), irr.get("ci_low"), irr.get("ci_high")
    d = direction(lo, hi)
    if d is None:
        why = irr.get("not_estimable")
        return {"direction": None, "statement": f"{subject}: not estimable from these data"
                + (f": {why}." if why else " (see the engagement section for why).")}
    ci = f"rate ratio {num(est, 3)}, 95% interval {num(lo, 3)} to {num(hi, 3)}, clustered by campaign (CV3)"
    fixed = [*ENGAGEMENT_HELD_FIXED, *(["imagery"] if key == "engagement_ai_label" else [])]
    held = f"{', '.join(fixed[:-1])} and {fixed[-1]} held fixed"
    if d == NO_DIFFERENCE:
        text = (f"{subject} showed no detectable difference in {outcome} per impression from {reference} "
                f"({ci}; {held}): an association in observational data.")
    else:
        text = (f"{subject} had {change_words(est)} {outcome} per impression than {reference} ({ci}; {held}): an "
                "association in observational data, not a measured effect.")
    if check and not missing(check.get("estimate")):
        other = direction(check.get("ci_low"), check.get("ci_high"))
        if other != d:
            name = {"poisson": "Poisson", "negbin": "negative binomial"}.get(check_name, check_name or "other")
            text += (f" The {name} fit finds {other} ({num(check['estimate'], 3)}, {num(check['ci_low'], 3)} to "
                     f"{num(check['ci_high'], 3)}).")
    return {"direction": d, "statement": text}


def tested_conclusion(experiment_id: str, reading: dict[str, Any], shows: str, combined: dict[str, Any]
                      ) -> dict[str, Any]:
    """A randomised test of AI imagery as published against photographed people, in causal
    words (the arms were assigned at random), with what the observational estimate says
    beside it: that it disagrees (the intervals do not overlap) or, where they agree, the
    two combined; and which the valuation of engagement uses.

    Parameters
    ----------
    experiment_id
        The test's id.
    reading
        :func:`twinimpact.analyses.engagement.experiments.read_test`.
    shows
        What the treatment arm shows, in words (``twin imagery with the AI label``).
    combined
        :func:`twinimpact.analyses.engagement.experiments.combine`.

    Returns
    -------
    dict
        ``direction`` (``lower``, ``higher`` or ``no detectable difference``) and ``statement``.
    """
    rr = reading["rate_ratio"]
    est, lo, hi = rr.get("estimate"), rr.get("ci_low"), rr.get("ci_high")
    d = direction(lo, hi)
    if d is None:
        return {"direction": None, "statement": f"The randomised test {experiment_id} could not be read."}
    ci = f"rate ratio {num(est, 3)}, 95% interval {num(lo, 3)} to {num(hi, 3)}, clustered by randomised unit"
    head = f"In a randomised test of {num(reading['posts'])} posts ({num(reading['units'])} units), {shows}"
    if d == NO_DIFFERENCE:
        text = f"{head} caused no detectable difference in engagements per impression from photographed people ({ci})."
    else:
        text = f"{head} caused {change_words(est)} engagements per impression than photographed people ({ci})."
    prior = combined.get("prior") or {}
    if combined.get("agree") is False:
        text += (f" The observational estimate disagrees ({num(prior.get('estimate'), 3)}, {num(prior.get('ci_low'), 3)}"
                 f" to {num(prior.get('ci_high'), 3)}): the posts the brand gave twins differ in ways the model does not "
                 "see, and the valuation of engagement uses the test.")
    elif combined.get("agree"):
        post = combined.get("posterior") or {}
        text += (f" The observational estimate agrees ({num(prior.get('estimate'), 3)}); combined, "
                 f"{num(post.get('estimate'), 3)} ({num(post.get('ci_low'), 3)} to {num(post.get('ci_high'), 3)}), "
                 "which the valuation of engagement uses.")
    return {"direction": d, "statement": text}


def failed_test_conclusion(experiment_id: str, failed: list[str]) -> dict[str, Any]:
    """A randomised test of the decision's contrast that fails its own checks: what is wrong
    with it, and that it is neither stated as a finding nor used to value engagement (the
    observational estimate is). Without a direction: it is listed among what the data cannot
    estimate, never in the bottom line.

    Parameters
    ----------
    experiment_id
        The test's id.
    failed
        The checks it failed, each a clause (``units are split 60 to 100 ...``).

    Returns
    -------
    dict
        ``direction`` None and ``statement``.
    """
    what = "; ".join(failed) if failed else "its own checks"
    return {"direction": None,
            "statement": f"The randomised test {experiment_id} fails its own checks ({what}), so what it measured is "
                         "not stated as caused by the imagery and the valuation of engagement uses the observational "
                         "estimate instead; check how its units were assigned and run it again."}


def before_after_conclusion(did: dict[str, Any]) -> dict[str, Any]:
    """The before/after-adoption comparison as one conclusion, from the study at the unit
    its rule chooses (the brand: ``did_after_adoption.staggered``): ``cannot tell`` when
    re-assigning the adoption dates finds the change unremarkable (p >= 0.05), else
    ``lower`` or ``higher``; None when the data fall short of what it needs. The sentence
    names the unit and why, the interval (or why there is none), the p-value with the
    re-assignments it was computed over, and the number of brands the inference rests on.

    Parameters
    ----------
    did
        results.json's ``engagement.did_after_adoption``.

    Returns
    -------
    dict
        ``direction`` and ``statement``.
    """
    st = (did or {}).get("staggered") or {}
    if st and not st.get("estimable"):
        return {"direction": None, "statement": "The before/after comparison of adopting brands is not estimable: "
                                                f"{st.get('reason') or 'too little data before and after adoption'}."}
    if not st or missing(st.get("p_value")) or missing(st.get("rate_ratio")):
        if (did or {}).get("estimable") is False:
            return {"direction": None, "statement": f"The before/after comparison of adopting brands is not "
                                                    f"estimable: {did['reason']}."}
        return {"direction": None, "statement": "The before/after comparison could not be estimated from these data."}
    rr, sp, g = st["rate_ratio"], st["p_value"], st.get("units")
    noun = st.get("unit") or "brand"
    d = "cannot tell" if sp >= 0.05 else ("lower" if rr < 1 else "higher")
    lo, hi = st.get("ci_low"), st.get("ci_high")
    interval, after = "", ""
    if not missing(lo) and not missing(hi):
        interval = f" (95% interval {num(lo, 3)} to {num(hi, 3)})"
    elif not missing(st.get("smallest_p")) and st.get("interval_reason"):
        after = (f", whose shuffles cannot give a p-value below {num(st['smallest_p'], 2)}, so there is no 95% "
                 "interval")
    else:
        after = ", and its 95% interval reaches beyond the range searched"
    perms = str(st.get("inference") or "permutations").split(" of the adoption dates")[0]
    rule = f" ({st['rule']})" if st.get("rule") else ""
    text = (f"Comparing each {noun} before and after it adopted twins with {noun}s not yet adopting{rule}, "
            f"engagement per impression after adoption changed by a factor of {num(rr, 3)}{interval}. Shuffling the "
            f"adoption dates among the {num(g)} {noun}s ({perms}) gives {pvalue(sp)}, and the inference rests on "
            f"{num(g)} {noun}s{after}")
    text += (": the data cannot tell whether adoption changed engagement." if sp >= 0.05 else
             ": a change the data can detect, still an association rather than an effect of adopting.")
    return {"direction": d, "statement": text}


def staggered_pretrend_sentence(staggered: dict[str, Any]) -> str:
    """The pre-trend check of the before/after study: how far the group-time effects before
    adoption stray from 0, and how often re-assigned adoption dates stray as far; empty where
    the study is not estimable (its conclusion says why).

    Parameters
    ----------
    staggered
        results.json's ``engagement.did_after_adoption.staggered``.

    Returns
    -------
    str
    """
    if not staggered.get("estimable"):
        return ""  # the study is not estimable: its conclusion says why, and there is no check to report
    dev, p = staggered.get("pre_trend"), staggered.get("pre_p_value")
    noun = staggered.get("unit") or "unit"
    if missing(dev) or missing(p):
        return "No pre-trend check: the data hold no months before adoption to compare."
    head = (f"Before adoption the group-time effects stray from 0 by {num(dev, 3)} on the log scale (root mean "
            f"square); re-assigned adoption dates stray as far in {pct(p)} of {staggered.get('inference', 'the')}")
    if p < 0.05:
        return head + (f": the {noun}s did not move in parallel before adopting, so the after-adoption comparison "
                       "is not credible.")
    return head + f": no sign that adopting {noun}s moved differently before adopting (which does not prove they did not)."


def overdispersion_sentence(pearson: float | None, alpha: float | None) -> str:
    """How variable the counts are against Poisson, and what the intervals do about it."""
    if missing(pearson):
        return "Overdispersion could not be measured."
    level = ("far more variable than Poisson" if pearson > 10 else "more variable than Poisson" if pearson > 1.5
             else "about as variable as Poisson")
    nb = f"; the negative binomial puts alpha at {num(alpha, 3)}" if not missing(alpha) else ""
    return (f"Counts are {level} (Pearson dispersion {num(pearson, 1)}{nb}). The intervals use a robust "
            "(sandwich) variance, valid whatever the variance, clustered by campaign because posts of one "
            "campaign share more than the covariates say.")


def label_title(irr: dict[str, Any]) -> str:
    """The label chart's title: the adjusted rate ratio of labelled against unlabelled AI
    imagery, associational.

    Parameters
    ----------
    irr
        The label's rate ratio: ``estimate``, ``ci_low``, ``ci_high``.

    Returns
    -------
    str
    """
    est, lo, hi = irr.get("estimate"), irr.get("ci_low"), irr.get("ci_high")
    d = direction(lo, hi)
    if d is None:
        return "Engagement of AI imagery with and without the AI label (the label effect is not estimable here)"
    if d == NO_DIFFERENCE:
        return (f"Labelled AI posts showed no detectable difference in engagement per impression from comparable "
                f"unlabelled posts (rate ratio {num(est, 3)}, 95% interval {num(lo, 3)} to {num(hi, 3)})")
    return (f"Labelled AI posts had {change_words(est)} engagements per impression than comparable unlabelled "
            f"posts (rate ratio {num(est, 3)}, 95% interval {num(lo, 3)} to {num(hi, 3)})")


def event_study_title(did: dict[str, Any]) -> str:
    """The event study's title: what the chart shows, with no verdict of its own (the
    before/after conclusion gives the one verdict on adoption).

    Parameters
    ----------
    did
        results.json's ``engagement.did_after_adoption``.

    Returns
    -------
    str
    """
    if did.get("estimable") is False:
        return "Engagement around each brand's first twin campaign: too little before and after adoption to compare"
    return ("Engagement per impression by month around each brand's first twin campaign, against brands not yet "
            "adopting (the verdict on adoption is in the text below)")


def contradicted(observed: dict[str, Any], experiment_id: str) -> dict[str, Any]:
    """An observational statement that a randomised test contradicts: it says so, and its
    direction becomes ``contradicted`` (not a finding the first page leads with).

    Parameters
    ----------
    observed
        The observational conclusion (``direction``, ``statement``).
    experiment_id
        The randomised test that contradicts it.

    Returns
    -------
    dict
        ``direction`` and ``statement``.
    """
    return {"direction": "contradicted",
            "statement": f"{observed['statement']} The randomised test {experiment_id} contradicts this association: "
                         f"its interval does not overlap it, and the decision rests on the test."}


#: How the platforms name themselves in sentences.
PLATFORM_NAMES = {"instagram": "Instagram", "tiktok": "TikTok", "facebook": "Facebook", "pinterest": "Pinterest",
                  "youtube": "YouTube"}


def exposure_shift_sentence(shift: dict[str, Any]) -> str:
    """What the level-shift test at a platform's switch from impressions to views found, for
    posts that do not say which metric they hold (results.json's ``data.exposure_shifts``).

    Parameters
    ----------
    shift
        One test: ``platform``, ``switch``, ``ratio``, ``ci_low``, ``ci_high``, ``p_value``,
        ``posts_before``, ``posts_after``, ``warned``.

    Returns
    -------
    str
    """
    name = PLATFORM_NAMES.get(str(shift.get("platform")), str(shift.get("platform")))
    window = (f"{num(shift.get('posts_before'))} posts in the 90 days before {shift.get('switch')} against "
              f"{num(shift.get('posts_after'))} after")
    ratio = shift.get("ratio")
    if missing(ratio):
        return f"{name}'s exposure per follower could not be compared across {shift.get('switch')}."
    interval = f"{num(ratio, 2)} times, 95% interval {num(shift.get('ci_low'), 2)} to {num(shift.get('ci_high'), 2)}"
    if shift.get("warned"):
        return (f"Warning: {name}'s exposure per follower jumped at {shift.get('switch')}, when the platform replaced "
                f"impressions with views ({interval}; {window}). The posts do not say which metric they hold, so "
                "engagement per exposure before and after that day is not comparable: mark each post's exposure "
                "metric (twinimpact import does it for platform exports).")
    return (f"{name}'s exposure per follower shows no jump at {shift.get('switch')}, when the platform replaced "
            f"impressions with views ({interval}; {window}).")


def label_over_time_conclusion(by_time: list[dict[str, Any]], constancy: dict[str, Any]) -> dict[str, Any]:
    """Whether the AI label's cost changed with time since a brand's first labelled post, in
    words: from the first bin with an estimate to the last, decided by the Wald test of equal
    bins (5%); or that the data cannot tell.

    Parameters
    ----------
    by_time
        results.json's ``engagement.irr_ai_label_by_time``.
    constancy
        results.json's ``engagement.label_constancy``.

    Returns
    -------
    dict
        ``direction`` (``higher`` when the label's ratio rose from its first period to its last,
        i.e. its cost faded, ``lower`` when it fell, ``no detectable difference``, or None)
        and ``statement``.
    """
    known = [r for r in by_time if not missing(r.get("estimate"))]
    p = constancy.get("p_value")
    if len(known) < 2 or missing(p):
        why = constancy.get("not_estimable") or "too few labelled posts in each period"
        return {"direction": None, "statement": "Whether the AI label's association with engagement changed with "
                                                f"time since a brand's first labelled post is not estimable: {why}."}
    first, last = known[0], known[-1]

    def cost(r: dict[str, Any]) -> str:
        e = r["estimate"]
        return (f"about {abs(1 - e):.0%} {'fewer' if e < 1 else 'more'} engagements per impression"
                if abs(1 - e) >= 0.005 else "about the same engagements per impression")

    span = (f"in a brand's first {first['months_to']} months of labelled posts" if first.get("months_from") == 0
            and first.get("months_to") else f"at {first['period']}")
    later = (f"after {last['months_from']} months" if last.get("months_to") is None else f"at {last['period']}")
    test = f"test of equal periods, chi-squared {num(constancy.get('statistic'), 1)} on {constancy.get('df')} df, {pvalue(p)}"
    if p < 0.05:  # the direction the label's ratio moved: higher when its cost faded
        return {"direction": "higher" if last["estimate"] > first["estimate"] else "lower",
                "statement": f"Labelled posts had {cost(first)} than comparable unlabelled ones {span}, and "
                             f"{cost(last)} {later}: the label's association with engagement changed over time "
                             f"({test})."}
    return {"direction": NO_DIFFERENCE,
            "statement": f"The data show no change in the AI label's association with engagement over time: "
                         f"{cost(first)} {span} against {cost(last)} {later} ({test})."}


def pvalue(p: float) -> str:
    """A p-value as text with its sign: ``p = 0.19``, ``p = 0.0042``, ``p < 0.001`` (never ``p = 0.00``)."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.2g}" if p < 0.01 else f"p = {p:.2f}"


def after_adoption_sentence(irr: dict[str, Any]) -> str:
    """The engagement model's after-adoption term in words: every post of a brand after it
    adopted twins, against its posts before, whatever the imagery (an association), or why
    it is not estimated.

    Parameters
    ----------
    irr
        results.json's ``engagement.irr_after_adoption``.

    Returns
    -------
    str
    """
    est, lo, hi = irr.get("estimate"), irr.get("ci_low"), irr.get("ci_high")
    if missing(est):
        return ("A change of the whole brand after it adopted twins is not estimated apart from the imagery: "
                f"{irr.get('not_estimable') or 'the data cannot tell it apart'}.")
    d = direction(lo, hi)
    ci = f"rate ratio {num(est, 3)}, 95% interval {num(lo, 3)} to {num(hi, 3)}"
    if d == NO_DIFFERENCE:
        return (f"After a brand adopted twins, its posts of any imagery showed no detectable difference in "
                f"engagements per impression from its posts before ({ci}); the imagery's ratios above are its own.")
    return (f"After a brand adopted twins, its posts of any imagery had {change_words(est)} engagements per impression "
            f"than its posts before ({ci}), beside what the imagery itself is associated with; the imagery's ratios "
            "above are net of it.")
