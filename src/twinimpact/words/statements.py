"""Sentences that state a result, built from the numbers: the ``conclusions`` of
results.json and every finding a chart title or a notebook prints. Nothing here decides a
verb without the number that earns it, and estimates from observational data get
associational wording ("posts with ... had ...", "compared with ...") rather than causal
wording ("the label costs ...").

Each conclusion is ``{"direction": ..., "statement": ...}``; ``direction`` comes from the
95% interval: ``lower`` or ``higher`` when the interval excludes no difference, else
``no detectable difference`` (``null`` when the estimate could not be computed).
"""

from __future__ import annotations

import math
from typing import Any

from twinimpact.words.labels import words
from twinimpact.words.narrate import missing, money, num, pct

NO_DIFFERENCE = "no detectable difference"

#: What the engagement model holds fixed when it compares imagery or labels.
ENGAGEMENT_HELD_FIXED = ("platform", "format", "brand", "calendar month", "followers")


def direction(ci_low: float | None, ci_high: float | None, null: float = 1.0) -> str | None:
    """``lower`` if the whole interval is below ``null``, ``higher`` if above, else no
    detectable difference; ``None`` when the interval is missing."""
    if missing(ci_low) or missing(ci_high):
        return None
    if ci_high < null:
        return "lower"
    if ci_low > null:
        return "higher"
    return NO_DIFFERENCE


def change_words(ratio: float, unit: str = "") -> str:
    """A ratio as a percentage change in words: 0.84 -> ``16% fewer``, 1.12 -> ``12% more``."""
    unit = f" {unit}" if unit else ""
    if abs(ratio - 1) < 0.005:
        return f"about the same{unit}"
    return f"{abs(1 - ratio):.0%}{unit} {'fewer' if ratio < 1 else 'more'}"


def trend_words(first: float, last: float, what: str = "") -> str:
    """``rose from 20% to 35%``, ``fell from ...`` or ``stayed at ...`` for two shares."""
    if round(first, 2) == round(last, 2):
        return f"stayed at {last:.0%}"
    return f"{'rose' if last > first else 'fell'} from {first:.0%} to {last:.0%}"


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


def cost_conclusion(traditional: float | None, twin: float | None, difference: dict[str, Any],
                    currency: str) -> dict[str, Any]:
    """Twin against traditional cost per asset (pooled over the data's campaigns), with the
    campaign-bootstrap interval of the difference (twin minus traditional).

    Parameters
    ----------
    traditional, twin
        Pooled cost per asset of each mode (reporting currency).
    difference
        Twin minus traditional with its bootstrap interval (reporting currency per asset).
    currency
        The reporting currency's code.

    Returns
    -------
    dict
        ``direction`` (``lower``, ``higher``, ``no detectable difference`` or None) and
        ``statement``.
    """
    lo, hi = difference.get("ci_low"), difference.get("ci_high")
    d = direction(lo, hi, null=0.0)
    if missing(traditional) or missing(twin):
        return {"direction": None, "statement": "Twin and traditional cost per asset cannot be compared: the data "
                                                "need campaigns of both modes with assets delivered."}
    if d is None:
        why = difference.get("not_estimable") or "the interval could not be computed"
        return {"direction": None, "statement": f"In these campaigns a twin-made asset cost {money(twin, currency, 2)} "
                f"and a traditional one {money(traditional, currency, 2)}, but whether twins cost less is not "
                f"estimable: {why}."}
    diff = twin - traditional
    if d == NO_DIFFERENCE:
        text = (f"In these campaigns a twin-made asset cost {money(twin, currency, 2)} and a traditional one "
                f"{money(traditional, currency, 2)}: no detectable difference (95% bootstrap interval over campaigns "
                f"of twin minus traditional {money(lo, currency, 2)} to {money(hi, currency, 2)}).")
    else:
        near, far = (-hi, -lo) if d == "lower" else (lo, hi)
        word = "less" if d == "lower" else "more"
        text = (f"In these campaigns a twin-made asset cost {money(twin, currency, 2)} against "
                f"{money(traditional, currency, 2)} made traditionally, {money(abs(diff), currency, 2)} {word} "
                f"per asset (95% bootstrap interval over campaigns {money(near, currency, 2)} to "
                f"{money(far, currency, 2)} {word}).")
    return {"direction": d, "statement": text.removesuffix(".") + " (spend over assets delivered; campaigns differ "
                                                                  "in size and market)."}


def valued_words(value: dict[str, Any], currency: str, unknown_change: bool = False) -> str:
    """How the NPV valued engagement, in a clause: from the posts' revenue, from the
    parameters, or not at all.

    Parameters
    ----------
    value
        results.json's ``scenarios.value_per_engagement``.
    currency
        The reporting currency's code.
    unknown_change
        Whether the engagement a moved asset gains or loses is not estimable (then nothing
        is valued, whatever an engagement is worth).

    Returns
    -------
    str
    """
    source, est = value.get("source"), value.get("estimate")
    if unknown_change:
        return ("costs only: the change in engagement a moved asset brings is not estimable from these data, so "
                "engagement is not valued")
    if source == "post_outcomes" and not missing(est):
        return (f"engagement valued at {money(est, currency, 3)} each ({pct(value.get('gross_margin'))} gross margin "
                "on the posts' revenue per engagement)")
    if source == "parameter" and not missing(est):
        return f"engagement valued at {money(est, currency, 3)} each (set in the parameters)"
    return "engagement not valued (no post outcomes in the data, no value per engagement set)"


def npv_conclusion(npv: dict[str, Any], p_negative: float | None, start: float, target: float, horizon: int,
                   currency: str, value: dict[str, Any], observed: float | None = None,
                   worst_margin: float | None = None, unknown_change: bool = False) -> dict[str, Any]:
    """The value of the adoption path against keeping today's mix: at the observed drivers,
    the P10 to P90 under the assumed ranges, how engagement was valued, and the share of
    losing draws with why it is what it is.

    ``direction`` is ``positive`` when the NPV's P10 is above 0, ``negative`` when its P90
    is below 0, else ``uncertain``.

    Parameters
    ----------
    npv
        The NPV's ``p10``, ``p50``, ``p90`` under the assumed ranges (reporting currency).
    p_negative
        Share of those draws below 0 (0-1).
    start, target
        The twin share at the start and end of the path (0-1).
    horizon
        Years of the path.
    currency
        The reporting currency's code.
    value
        results.json's ``scenarios.value_per_engagement``.
    observed
        The NPV with every driver at its observed value (reporting currency).
    worst_margin
        What a moved asset saves with every driver at its worst end (reporting currency).
    unknown_change
        Whether the engagement change of a moved asset is not estimable (:func:`valued_words`).

    Returns
    -------
    dict
        ``direction`` (``positive``, ``negative``, ``uncertain`` or None) and ``statement``.
    """
    p10, p50, p90 = npv.get("p10"), npv.get("p50"), npv.get("p90")
    if missing(p50):
        return {"direction": None, "statement": "The adoption path cannot be valued: the data need traditional "
                                                "and twin campaigns."}
    if missing(p10) or missing(p90):
        centre = observed if not missing(observed) else p50
        return {"direction": None, "statement": f"The adoption path comes to {money_or_loss(centre, currency)} at the "
                f"observed costs, but how sure that is is not estimable: "
                f"{npv.get('not_estimable') or 'the draws give no range'}."}
    d = "positive" if p10 > 0 else "negative" if p90 < 0 else "uncertain"
    move = (f"Moving from {start:.0%} to {target:.0%} twin-made assets over {horizon} year{'s' if horizon != 1 else ''}"
            if target > start else f"Keeping today's {start:.0%} twin-made assets (the target {target:.0%} is "
                                   "not above it)")
    centre = observed if not missing(observed) else p50
    worth = f"is worth {money(centre, currency)}" if centre >= 0 else f"is {money_or_loss(centre, currency)}"
    at = "at the observed costs" if not missing(observed) else "at the P50"
    text = (f"{move} {worth} {at} against keeping today's mix{' but may gain or lose' if d == 'uncertain' else ''} "
            f"(P10 {money_or_loss(p10, currency)} to P90 "
            f"{money_or_loss(p90, currency)} under the assumed ranges), {valued_words(value, currency, unknown_change)}.")
    if missing(p_negative):
        return {"direction": d, "statement": text}
    if p_negative == 0 and not missing(worst_margin) and worst_margin > 0:
        text += (f" No draw loses money: even with every cost driver at its worst end a moved asset saves "
                 f"{money(worst_margin, currency)} before twin building.")
    else:
        text += f" Under the assumed ranges {pct(p_negative)} of the draws lose money."
    return {"direction": d, "statement": text}


def engagement_value_conclusion(value: dict[str, Any], break_even: float | None, reason: str,
                                currency: str) -> dict[str, Any]:
    """What an engagement would have to be worth for the move not to pay, against what the
    data say it is worth.

    ``direction`` is ``pays`` when the value (its 95% interval's upper end when estimated)
    stays below the break-even, ``does not pay`` when it (the interval's lower end) is above,
    ``uncertain`` when the interval straddles it, and ``not valued`` without a value.

    Parameters
    ----------
    value
        results.json's ``scenarios.value_per_engagement``.
    break_even
        The value per engagement at which the NPV's P50 is zero (reporting currency), or None.
    reason
        Why there is none (:func:`twinimpact.analyses.scenarios.paths.break_even_value`).
    currency
        The reporting currency's code.

    Returns
    -------
    dict
        ``direction`` and ``statement``.
    """
    est, lo, hi = value.get("estimate"), value.get("ci_low"), value.get("ci_high")
    if missing(break_even):
        text = {"loses_anyway": "The move loses money even if an engagement is worth nothing",
                "gains_engagement": "Moved assets do not lose engagement at the estimates, so the value of an "
                                    "engagement cannot make the move lose money",
                "not_measured": "What engagement is worth to the move is not estimable: the data cannot estimate "
                                "the twin and label rate ratios",
                "beyond_search": "The move pays whatever an engagement is worth up to 10,000"}.get(
                    reason, "The break-even value of an engagement is not known")
        d = {"loses_anyway": "does not pay", "gains_engagement": "pays", "beyond_search": "pays"}.get(reason)
    else:
        text = f"The move pays unless an engagement is worth more than {money(break_even, currency, 3)}"
        d = None
    if value.get("source") == "post_outcomes" and not missing(est) and (missing(lo) or missing(hi)):
        text += (f"; the posts' revenue puts an engagement at {money(est, currency, 3)}, but with no interval "
                 f"({value.get('not_estimable') or 'it could not be computed'}), so whether the move pays is not "
                 "estimable.")
        d = None
    elif value.get("source") == "post_outcomes" and not missing(est):
        text += (f"; the posts' revenue says an engagement is worth {money(est, currency, 3)} (95% interval "
                 f"{money(lo, currency, 3)} to {money(hi, currency, 3)}, bootstrap over campaigns).")
        if not missing(break_even):
            d = "pays" if hi < break_even else "does not pay" if lo > break_even else "uncertain"
    elif value.get("source") == "parameter" and not missing(est):
        text += f"; the parameters value an engagement at {money(est, currency, 3)}."
        if not missing(break_even):
            d = "pays" if est < break_even else "does not pay"
    else:
        text += ("; engagement is not valued here: add the optional table of post outcomes (what each post sold, "
                 "see the data contract) or set a value per engagement.")
        d = d or "not valued"
    return {"direction": d, "statement": text}


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


def adoption_effect_sentence(did: dict[str, Any], inference: dict[str, Any]) -> str:
    """What the before/after comparison can say, at the level adoption happens (brands).

    Parameters
    ----------
    did
        results.json's ``engagement.did_after_adoption``.
    inference
        Its ``inference`` block (clusters, method, p-value).

    Returns
    -------
    str
    """
    est = did.get("estimate")
    g = inference.get("clusters")
    if missing(est):
        return "The before/after comparison could not be estimated from these data."
    p = inference.get("p_value")
    head = (f"Engagement per impression after adoption, against brands not yet adopting: rate ratio "
            f"{num(est, 3)}")
    if missing(p):
        return head + " (no inference at the brand level was possible)."
    basis = (f"wild cluster bootstrap by brand over {g} brands, {inference.get('method')}, p = {num(p, 2)}")
    if p >= 0.05:
        return (head + f" ({basis}). With {g} brands adopting at different times the data cannot tell whether "
                "adoption changed engagement.")
    return head + f" ({basis}): a difference the brand-level test can detect; still an association, not an effect."


def before_after_conclusion(did: dict[str, Any]) -> dict[str, Any]:
    """The before/after-adoption comparison as a conclusion: ``cannot tell`` when the
    brand-level test cannot tell an effect from chance (p >= 0.05, or no test), else
    ``lower`` or ``higher``, None when the data fall short of what it needs; the statement
    is :func:`adoption_effect_sentence`.

    Parameters
    ----------
    did
        results.json's ``engagement.did_after_adoption``.

    Returns
    -------
    dict
        ``direction`` and ``statement``.
    """
    inference = (did or {}).get("inference") or {}
    est, p = (did or {}).get("estimate"), inference.get("p_value")
    if (did or {}).get("estimable") is False:
        return {"direction": None, "statement": f"The before/after comparison of adopting brands is not "
                                                f"estimable: {did['reason']}."}
    st = (did or {}).get("staggered") or {}
    if st.get("estimable") and not missing(st.get("p_value")):
        rr, sp = st["rate_ratio"], st["p_value"]
        d = "cannot tell" if sp >= 0.05 else ("lower" if rr < 1 else "higher")
        text = (f"Across {num(st['units'])} brand-market units adopting twins at different times ({num(st['adopting_units'])}"
                f" with enough months on both sides; group-time effects against units not yet adopting), engagement per "
                f"impression after adoption has a rate ratio of {num(rr, 3)}; re-assigning the adoption dates at random "
                f"gives p = {num(sp, 2)}")
        text += (", so the data cannot tell whether adoption changed it." if sp >= 0.05 else
                 ": a difference the randomisation test can detect; still an association, not an effect.")
        return {"direction": d, "statement": text}
    if missing(est):
        return {"direction": None, "statement": adoption_effect_sentence(did or {}, inference)}
    d = "cannot tell" if missing(p) or p >= 0.05 else ("lower" if est < 1 else "higher")
    return {"direction": d, "statement": adoption_effect_sentence(did, inference)}


def staggered_pretrend_sentence(staggered: dict[str, Any]) -> str:
    """The pre-trend check at the level adoption happens: how far the group-time effects
    before adoption stray from 0, and how often re-assigned adoption dates stray as far.

    Parameters
    ----------
    staggered
        results.json's ``engagement.did_after_adoption.staggered``.

    Returns
    -------
    str
    """
    if not staggered.get("estimable"):
        return f"No pre-trend check: {staggered.get('reason', 'the study is not estimable')}."
    dev, p = staggered.get("pre_trend"), staggered.get("pre_p_value")
    if missing(dev) or missing(p):
        return "No pre-trend check: the data hold no months before adoption to compare."
    head = (f"Before adoption the group-time effects stray from 0 by {num(dev, 3)} on the log scale (root mean "
            f"square); re-assigned adoption dates stray as far in {pct(p)} of {staggered.get('inference', 'the')}")
    if p < 0.05:
        return head + ": the units did not move in parallel before adopting, so the after-adoption comparison is not credible."
    return head + ": no sign that adopting units moved differently before adopting (which does not prove they did not)."


def pretrend_sentence(pretrend: dict[str, Any]) -> str:
    """The parallel-trends sentence, decided by the joint test of the months before adoption.

    Parameters
    ----------
    pretrend
        The joint test of the months before adoption: ``chi2``, ``df``, ``p_value``.

    Returns
    -------
    str
    """
    p, df = pretrend.get("p_value"), pretrend.get("df")
    if missing(p):
        return "Too few months before adoption to test whether brands moved in parallel beforehand."
    test = f"joint test of the {df} months before adoption, chi-squared {num(pretrend.get('chi2'), 2)}, p = {num(p, 2)}"
    if p >= 0.05:
        return (f"Before adoption the brands moved in parallel as far as the data show ({test}); "
                "this does not prove they would have kept doing so.")
    return f"Before adoption the brands already moved differently ({test}): the before/after comparison is not credible."


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


def money_or_loss(value: float | None, currency: str, digits: int = 0) -> str:
    """``EUR 1,234`` for a gain (or nothing), ``a loss of EUR 1,234`` for a loss: a sentence
    never prints a negative amount after a verb that already says which way it goes."""
    if missing(value):
        return "n/a"
    return money(value, currency, digits) if value >= 0 else f"a loss of {money(-value, currency, digits)}"


def _roles(roles: list[str]) -> str:
    names = [words(r) + "s" for r in roles]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def fte_words(value: float) -> str:
    """Full-time equivalents to one decimal, or to two significant digits below 0.05 so that
    a small change never prints as ``-0.0``."""
    if value != 0 and abs(value) < 0.05:
        return f"{value:.2g}"
    return num(value, 1)


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


def rights_conclusion(block: dict[str, Any], currency: str) -> dict[str, Any]:
    """The rights audit of the twin assets: how many break a consent, scope, watermark or
    pay rule, and what is owed.

    Parameters
    ----------
    block
        results.json's ``rights`` block (money in the reporting currency).
    currency
        The reporting currency's code.

    Returns
    -------
    dict
        ``direction`` (``findings``, ``none`` or None) and ``statement``.
    """
    n, assets = block.get("assets_with_findings"), block.get("twin_assets")
    if missing(assets) or not assets:
        return {"direction": None, "statement": "Rights were not checked: the data hold no twin assets."}
    if missing(n):
        return {"direction": None, "statement": "Rights findings could not be counted in this run."}
    files, found = provenance_sentence(block.get("provenance") or {}, int(assets))
    if n == 0:
        text = (f"Every one of the {num(assets)} twin assets is within its model's consent and scope, recorded as "
                "watermarked and paid as contracted.")
        return {"direction": "findings" if found else "none", "statement": f"{text} {files}"}
    owed = block.get("underpaid_total")
    models = len(block.get("owed_by_model") or {})
    text = f"{num(n)} of {num(assets)} twin assets break a consent, scope, watermark or pay rule"
    if not missing(owed) and owed > 0:
        text += f"; {money(owed, currency, 2)} is owed to {models} model{'s' if models != 1 else ''}"
    return {"direction": "findings", "statement": f"{text}. {files}"}


def provenance_sentence(prov: dict[str, Any], assets: int) -> tuple[str, int]:
    """What the published files say about their AI marking, and how many findings that is.

    Parameters
    ----------
    prov
        results.json's ``rights.provenance``.
    assets
        Twin assets in the data.

    Returns
    -------
    tuple
        (the sentence, the number of assets with a provenance finding).
    """
    if not prov.get("checked"):
        return ("Whether the published files carry a machine-readable AI marking was not checked: no asset files "
                "were given (a folder named assets beside the tables, or the assets folder parameter).", 0)
    f = prov.get("findings") or {}
    n = {k: len(f.get(k) or []) for k in ("file_missing", "unreadable", "marking_missing", "marking_contradicts")}
    flagged = len({a for ids in f.values() for a in ids or []})
    if not flagged:
        return (f"All {num(prov.get('files'))} asset files read carry a machine-readable AI marking (C2PA or IPTC "
                "DigitalSourceType).", 0)
    parts = [f"{num(n['marking_missing'])} carry no machine-readable AI marking" if n["marking_missing"] else "",
             f"{num(n['marking_contradicts'])} contradict it (a camera capture, or recorded as watermarked with "
             "nothing in the file)" if n["marking_contradicts"] else "",
             f"{num(n['unreadable'])} cannot be read" if n["unreadable"] else "",
             f"{num(n['file_missing'])} have no file" if n["file_missing"] else ""]
    posts = int(prov.get("post_files") or 0)
    of = f"the {num(assets)} twin assets" + (f" and {num(posts)} AI posts with a file" if posts else "")
    return (f"Of the published files of {of}, {'; '.join(p for p in parts if p)}.", flagged)


def signed_money_words(value: float, currency: str, gain: str = "save", loss: str = "cost") -> str:
    """``save EUR 317`` for a positive value, ``cost EUR 40 more`` for a negative one."""
    if missing(value):
        return f"{gain} n/a"
    return f"{gain} {money(value, currency)}" if value >= 0 else f"{loss} {money(-value, currency)} more"


def compliance_title(watermark: float | None, consent: float | None, last_label: float | None,
                     last_quarter: str | None, worst: tuple[str, float, int] | None = None) -> str:
    """The compliance chart's title: the share of all twin assets watermarked and within
    consent, the quarter with the lowest consent coverage when it falls short
    (``(quarter, share, assets)``), and the latest AI-label share."""
    parts = []
    if not missing(watermark) and not missing(consent):
        text = (f"Over all quarters {math.floor(watermark * 1000) / 10:g}% of twin assets carried the watermark and "
                f"{math.floor(consent * 1000) / 10:g}% were within consent")
        if worst is not None and worst[1] < consent:
            text += f" (lowest: {worst[1]:.0%} in {worst[0]}, {worst[2]:,} asset{'s' if worst[2] != 1 else ''})"
        parts.append(text)
    if not missing(last_label):
        parts.append(f"{last_label:.0%} of AI-imagery posts carried the AI label in {last_quarter}")
    return "; ".join(parts) if parts else "Watermark, consent and AI-label compliance by quarter"


def representation_title(column: str, distance: dict[str, float]) -> str:
    """Descriptive: how far published twin assets and the roster are from the target mix.

    Parameters
    ----------
    column
        ``size_range`` or ``age_band``.
    distance
        Group -> distance from the target mix (0-1).

    Returns
    -------
    str
    """
    what = column.replace("_", " ")
    return (f"By {what}, published twin assets are {distance['twin_assets']:.0%} from the target mix, the whole "
            f"roster {distance['roster']:.0%} (0% = on target)")


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
    """The event study's title: the before/after change and what the brand-level test allows.

    Parameters
    ----------
    did
        results.json's ``engagement.did_after_adoption``.

    Returns
    -------
    str
    """
    inference = did.get("inference") or {}
    est, p, g = did.get("estimate"), inference.get("p_value"), inference.get("clusters")
    if did.get("estimable") is False:
        return "Engagement around each brand's first twin campaign: too little before and after adoption to compare"
    if missing(est):
        return "Engagement around each brand's first twin campaign"
    if missing(p):
        return ("Engagement around each brand's first twin campaign: no brand-level test was possible, so no change "
                "is stated")
    if p >= 0.05:
        return (f"With {g} brands the data cannot tell whether adopting twins changed engagement per impression "
                f"(brand-level p = {num(p, 2)})")
    return (f"After their first twin campaign, brands' engagement per impression moved {est - 1:+.1%} against "
            f"brands not yet adopting (brand-level p = {num(p, 2)})")


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


def npv_title(p50: float, p_negative: float | None, start: float, target: float, horizon: int, currency: str) -> str:
    """The NPV chart's title: the median value of the path and how often it loses money
    (``p_negative`` None when the draws do not vary: then no share is a finding)."""
    value = f"is worth {money(p50, currency)}" if p50 >= 0 else f"loses {money(-p50, currency)}"
    head = f"Going from {start:.0%} to {target:.0%} twin-made assets over {horizon} years {value} (P50)"
    if p_negative is None:
        return head + "; the draws do not vary, so how sure that is is not estimable"
    return head + f"; {p_negative:.0%} of draws under the assumed ranges lose money"


def range_words(pct: dict[str, Any], currency: str, share: str = "80% of draws between") -> str:
    """``80% of draws between EUR 1 and EUR 2``, or that the draws give no range.

    Parameters
    ----------
    pct
        ``p10`` and ``p90`` (null when the draws do not vary).
    currency
        The reporting currency's code.
    share
        The words before the two values.

    Returns
    -------
    str
    """
    if missing(pct.get("p10")) or missing(pct.get("p90")):
        return "the draws do not vary: no range to show"
    return f"{share} {currency} {pct['p10']:,.0f} and {currency} {pct['p90']:,.0f}"


def npv_tornado_title(rows: list[dict[str, Any]], currency: str) -> str:
    """The NPV tornado's title: the input that moves the value most, its NPV at both ends,
    and whether any one input alone turns the move into a loss.

    Parameters
    ----------
    rows
        results.json's ``scenarios.tornado``, largest swing first (reporting currency).
    currency
        The reporting currency's code.

    Returns
    -------
    str
    """
    if not rows:
        return "No input of the NPV could be varied"
    top = rows[0]
    lo, hi = sorted((top["npv_at_low"], top["npv_at_high"]))
    flips = [r["label"] for r in rows if min(r["npv_at_low"], r["npv_at_high"]) < 0]
    tail = (f"; at the worst end of its range, {flips[0]} alone turns it into a loss" if flips else
            "; no single input at either end of its range turns it into a loss")
    return (f"The value of the move hinges most on {top['label']}: {money_or_loss(lo, currency)} to "
            f"{money_or_loss(hi, currency)}{tail}")


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
