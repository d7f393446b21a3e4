"""Statements about the scenarios: the NPV of the adoption path, the value of an engagement, and their chart titles."""

from __future__ import annotations

from typing import Any

from twinimpact.words.narrate import missing, money, pct
from twinimpact.words.statements.common import money_or_loss, valued_words


def npv_conclusion(npv: dict[str, Any], p_negative: float | None, start: float, target: float, horizon: int,
                   currency: str, value: dict[str, Any], observed: float | None = None,
                   worst_margin: float | None = None, unknown_change: bool = False,
                   unsure: str | None = None) -> dict[str, Any]:
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
    unsure
        Why the NPV's estimation range is not estimable (the data give the costs no variation),
        or None: then no range or direction is stated.

    Returns
    -------
    dict
        ``direction`` (``positive``, ``negative``, ``uncertain`` or None) and ``statement``.
    """
    p10, p50, p90 = npv.get("p10"), npv.get("p50"), npv.get("p90")
    if missing(p50):
        return {"direction": None, "statement": "The adoption path cannot be valued: the data need traditional "
                                                "and twin campaigns."}
    if not missing(unsure):  # the data carry no variation to estimate the costs' uncertainty from
        centre = observed if not missing(observed) else p50
        return {"direction": None, "statement": f"The adoption path comes to {money_or_loss(centre, currency)} at the "
                f"observed costs, but how sure that is is not estimable: {unsure}, and a range from the assumed "
                "spreads alone would look surer than the data are."}
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
                                currency: str, break_even_range: list[float | None] | None = None) -> dict[str, Any]:
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
    break_even_range
        The break-even's 95% range over the engagement effect's uncertainty ([low, high], None
        where unbounded), or None when not computed.

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
                                "the twin and label rate ratios"}.get(
                    reason, "The break-even value of an engagement is not known")
        d = {"loses_anyway": "does not pay", "gains_engagement": "pays"}.get(reason)
    else:
        text = f"The move pays unless an engagement is worth more than {money(break_even, currency, 3)}"
        if break_even_range is not None and break_even_range[0] is not None:
            top = "no limit" if break_even_range[1] is None else money(break_even_range[1], currency, 3)
            text = (f"If twin imagery with its label causes the engagement change these posts show, the move pays "
                    f"unless an engagement is worth more than {money(break_even, currency, 3)} (95% range over that "
                    f"effect's uncertainty: {money(break_even_range[0], currency, 3)} to {top})")
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
    elif value.get("why") and "no post_outcomes" not in str(value["why"]):
        text += f"; engagement is not valued here: {value['why']}."  # outcomes given, but they measure nothing
        d = d or "not valued"
    else:
        text += ("; engagement is not valued here: add the optional table of post outcomes (what each post sold, "
                 "see the data contract) or set a value per engagement.")
        d = d or "not valued"
    return {"direction": d, "statement": text}


def npv_title(p50: float, p_negative: float | None, start: float, target: float, horizon: int, currency: str) -> str:
    """The NPV chart's title: the median value of the path and how often it loses money
    (``p_negative`` None when the draws do not vary: then no share is a finding)."""
    value = f"is worth {money(p50, currency)}" if p50 >= 0 else f"loses {money(-p50, currency)}"
    head = f"Going from {start:.0%} to {target:.0%} twin-made assets over {horizon} years {value} (P50)"
    if p_negative is None:
        return head + "; the draws do not vary, so how sure that is is not estimable"
    return head + f"; {p_negative:.0%} of draws under the assumed ranges lose money"


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


#: What each option does, in words: ``{share}`` is its twin share.
_ACTIONS = {"adopt": "move to {share} twin-made assets", "pilot": "move part of the way, to {share} twin-made assets",
            "keep": "keep today's mix ({share} twin-made assets)"}


def decision_conclusion(decision: dict[str, Any], currency: str, horizon: int) -> dict[str, Any]:
    """The decision in one plain sentence for an executive: what to do, what it is worth and
    how sure, or which test to run first; ``direction`` is the recommendation.

    Parameters
    ----------
    decision
        results.json's ``decision`` block.
    currency
        The reporting currency.
    horizon
        Years the values cover.

    Returns
    -------
    dict
        ``direction`` (``adopt``, ``pilot``, ``keep``, ``test_first``) and ``statement``.
    """
    options = decision["options"]
    best = max(options, key=lambda o: o["npv_expected"])
    if decision.get("not_estimable"):  # the costs carry no variation: no option can be called best
        worth = ("" if best["label"] == "keep" else f", worth {money_or_loss(best['npv_expected'], currency)} over "
                 f"{horizon} years against keeping today's mix")
        return {"direction": None, "statement": (
            f"No recommendation yet: how sure any option's value is cannot be estimated from these data "
            f"({decision['not_estimable']}). At the observed costs the best of the {len(options)} options compared "
            f"would be to {_ACTIONS[best['label']].format(share=pct(best['share']))}{worth}; more campaigns of each "
            "kind would tell how sure that is.")}
    action = _ACTIONS[best["label"]].format(share=pct(best["share"]))
    keep = options[0]
    if best["label"] == "keep":
        other = max(options[1:], key=lambda o: o["npv_expected"], default=None)
        worth = ("" if other is None else
                 f" Moving to {pct(other['share'])} twin-made assets is expected to "
                 f"{'lose' if other['npv_expected'] < 0 else 'gain only'} {money(abs(other['npv_expected']), currency)} "
                 f"over {horizon} years.")
    else:
        low = best["npv_p10"]
        tail = (f"a 1 in 10 chance of losing more than {money(-low, currency)}" if not missing(low) and low < 0 else
                f"a 1 in 10 chance of less than {money(low, currency)}")
        worth = (f" Over {horizon} years it is expected to be worth {money_or_loss(best['npv_expected'], currency)} "
                 f"against keeping today's mix ({pct(keep['share'])}), with {tail}.")
    evidence = str(decision.get("evidence") or "")
    basis = (" Its engagement figures rest on a randomised test." if evidence.startswith("randomised") else
             " Its engagement figures rest on the brand's own posts, an association discounted for possible bias."
             if evidence.startswith("observational") else "")
    sure = (f" It comes out best in {pct(best['p_best'])} of the simulations of the {len(options)} options "
            f"compared.{basis}")
    made = [c for c in decision.get("commitments") or [] if c.get("active") and c.get("cost_npv") is not None]
    promises = (" " + "; ".join(f"The promise to {c['what']} is priced in: {money(c['cost_npv'], currency)}"
                                for c in made) + ".") if made else ""
    test = decision.get("test")
    if decision["recommendation"] == "test_first" and test:
        weeks = f", about {test['weeks']} weeks of posting" if test.get("weeks") else ""
        text = (f"Recommendation: test before deciding. A randomised test of {test['n_per_arm']:,} posts per arm, "
                f"twin imagery against photographed models{weeks}, is expected to be worth "
                f"{money(test['enbs'], currency)} more than deciding now, after its cost of "
                f"{money(test['cost'], currency)}; it changes the choice in {pct(test['p_changes_decision'])} of the "
                f"simulations. Without it, the best choice would be to {action}.{worth}{promises}")
        return {"direction": "test_first", "statement": text}
    cond = decision.get("conditional_on")
    if cond and cond.get("break_even_value_per_engagement") is not None and best["label"] != "keep":
        text = (f"Recommendation: {action}, unless an engagement is worth more than "
                f"{money(cond['break_even_value_per_engagement'], currency, 2)}: engagement could not be valued here "
                f"({cond['why']}), and the posts' revenue would tell.{worth}{promises}")
        return {"direction": best["label"], "statement": text}
    return {"direction": best["label"], "statement": f"Recommendation: {action}.{worth}{sure}{promises}"}


def decision_title(decision: dict[str, Any], currency: str) -> str:
    """The options chart's title: the recommendation and what the best option is expected to
    be worth.

    Parameters
    ----------
    decision
        results.json's ``decision`` block.
    currency
        The reporting currency.
    """
    options = decision.get("options") or []
    if not options:
        return "No option could be valued"
    best = max(options, key=lambda o: o["npv_expected"])
    if decision.get("not_estimable"):
        return (f"No recommendation: at the observed costs {_ACTIONS[best['label']].format(share=pct(best['share']))} "
                f"comes first, expected {money_or_loss(best['npv_expected'], currency)}, but how sure is not estimable")
    head = {"test_first": "Test first", "adopt": "Adopt", "pilot": "Pilot", "keep": "Keep today's mix"}.get(
        str(decision.get("recommendation")), "Decide")
    return (f"{head}: {_ACTIONS[best['label']].format(share=pct(best['share']))} is best, expected "
            f"{money_or_loss(best['npv_expected'], currency)}, best in {pct(best['p_best'])} of simulations")
