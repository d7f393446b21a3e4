"""The decision page's sentences for an executive, in plain words: money, risk, people,
rights and the next step, each built from results.json's numbers (no estimator names, no
percentile codes). The runner adds them to results.json's ``conclusions`` (keys
``plain_*``) after the notebooks ran, because each reads several chapters; the first page
prints them verbatim under the decision."""

from __future__ import annotations

from typing import Any

from twinimpact.words.narrate import missing, money, num, pct

#: The decision page's sentences, in the order it prints them.
PLAIN_KEYS = ("plain_money", "plain_risk", "plain_people", "plain_promises", "plain_rights", "plain_next_step")
#: The promises, in a few words each.
_PROMISES = {"models_whole": "keeping every booked model's pay whole", "redeploy_all": "paying every displaced hour"}


def currency_of(res: dict[str, Any]) -> str:
    """The run's reporting currency, from results.json (empty when the run block is missing).

    Parameters
    ----------
    res
        results.json.
    """
    return str((res.get("run") or {}).get("reporting_currency") or "")


def _none(statement: str) -> dict[str, Any]:
    return {"direction": None, "statement": statement}


def money_plain(res: dict[str, Any]) -> dict[str, Any]:
    """What a finished asset costs made with twins against a photoshoot.

    Parameters
    ----------
    res
        results.json.
    """
    ccy = currency_of(res)
    cpa = (res.get("cost") or {}).get("cost_per_asset") or {}
    twin, photo = cpa.get("twin"), cpa.get("traditional")
    if missing(twin) or missing(photo):
        return _none("Money: what a twin-made asset costs against a photoshoot was not measured: the data need "
                     "campaigns of both kinds.")
    way = "less" if twin < photo else "more"
    return {"direction": "lower" if twin < photo else "higher",
            "statement": f"Money: a finished image or video made with digital twins cost {money(twin, ccy, 2)} in "
                         f"these campaigns, against {money(photo, ccy, 2)} from a photoshoot: "
                         f"{money(abs(photo - twin), ccy, 2)} {way} per asset."}


def risk_plain(res: dict[str, Any]) -> dict[str, Any]:
    """How often the move loses money in the simulations, and what moves its value most.

    Parameters
    ----------
    res
        results.json.
    """
    sc = res.get("scenarios") or {}
    p_loss, tornado = sc.get("probability_npv_negative"), sc.get("tornado") or []
    if missing(p_loss):
        return _none("Risk: how likely the move is to lose money was not estimated: the adoption path cannot be "
                     "valued from these data.")
    if (sc.get("npv_estimation") or {}).get("not_estimable"):
        return _none("Risk: how likely the move is to lose money is not estimable from these data: the campaigns "
                     "behind the unit costs give them no spread to resample.")
    odds = ("none of the simulations of the move loses money" if p_loss == 0 else
            f"about 1 in {max(int(round(1 / p_loss)), 1):,} simulations of the move loses money" if p_loss < 0.5 else
            f"{pct(p_loss)} of the simulations of the move lose money")
    driver = f"; its value depends most on {tornado[0]['label']}" if tornado and tornado[0].get("label") else ""
    return {"direction": "loss likely" if p_loss >= 0.5 else "loss possible" if p_loss > 0 else "no loss",
            "statement": f"Risk: {odds}{driver}."}


def people_plain(res: dict[str, Any]) -> dict[str, Any]:
    """Creative jobs and models' income at the target share.

    Parameters
    ----------
    res
        results.json.
    """
    lab, models = res.get("labor") or {}, res.get("models") or {}
    share, fte, hours = lab.get("adoption_share"), lab.get("fte_change"), lab.get("displaced_hours")
    if missing(fte) or missing(share):
        return _none("People: what the move does to creative jobs was not estimated: the data need staffing of "
                     "both kinds of production.")
    jobs = (f"about {num(abs(fte), 1)} fewer full-time creative jobs" if fte < -0.05 else
            f"about {num(fte, 1)} more full-time creative jobs" if fte > 0.05 else "about as many creative jobs")
    text = f"People: at {pct(share)} twin-made assets, {jobs} a year"
    if not missing(hours):
        text += f" ({num(hours)} paid hours of photoshoots no longer needed, part of them redeployed)"
    counts = (models.get("better_and_worse_off") or {})
    twin, other = counts.get("twin_models") or {}, counts.get("models_without_twin") or {}
    lose_twin, lose_other = (twin.get("losers") or {}).get("p50"), (other.get("losers") or {}).get("p50")
    if not missing(lose_twin) and not missing(lose_other):
        text += (f"; {num(lose_twin)} of {num(twin.get('models'))} models with a twin and {num(lose_other)} of "
                 f"{num(other.get('models'))} without one would earn less")
    return {"direction": "fewer" if fte < -0.05 else "more" if fte > 0.05 else "about the same",
            "statement": text + "."}


def promises_plain(res: dict[str, Any]) -> dict[str, Any]:
    """What each promise to people would cost, and whether the recommendation would change.

    Parameters
    ----------
    res
        results.json.
    """
    ccy = currency_of(res)
    d = res.get("decision") or {}
    priced = [c for c in d.get("commitments") or [] if c.get("cost_npv") is not None and c.get("name") in _PROMISES]
    if priced and d.get("not_estimable"):  # their price is known, which option they favour is not
        return _none("Promises: " + "; ".join(f"{_PROMISES[c['name']]} would cost {money(c['cost_npv'], ccy)}"
                                              for c in priced) + "; which option is best with them cannot be told "
                     "from these data.")
    if not priced:
        return _none("Promises: what keeping models' pay whole or redeploying every hour would cost was not "
                     "estimated from these data.")
    words = {"adopt": "the target would still be best", "pilot": "a smaller move would be best",
             "keep": "keeping today's mix would be best", "test_first": "testing first would be best"}
    parts = [f"{_PROMISES[c['name']]} would cost {money(c['cost_npv'], ccy)}"
             + (" (made here)" if c.get("active") else "")
             + f" and {words.get(str(c.get('recommendation_with')), 'the choice is unclear')}" for c in priced]
    return {"direction": "priced", "statement": "Promises: " + "; ".join(parts) + "."}


def rights_plain(res: dict[str, Any]) -> dict[str, Any]:
    """Twin assets that broke a model's rights, and what is owed.

    Parameters
    ----------
    res
        results.json.
    """
    ccy = currency_of(res)
    r = res.get("rights") or {}
    assets, broken = r.get("twin_assets"), r.get("assets_with_findings")
    if missing(assets) or not assets:
        return _none("Rights: models' consent and pay were not checked: the data hold no twin assets.")
    owed, who = r.get("underpaid_total"), len(r.get("owed_by_model") or {})
    text = (f"Rights: {num(broken)} of {num(assets)} twin-made assets broke a model's consent, scope, watermark or "
            f"pay terms")
    if not missing(owed) and owed > 0:
        text += f"; {money(owed, ccy, 2)} is owed to {num(who)} model{'s' if who != 1 else ''}"
    return {"direction": "findings" if broken else "none", "statement": text + "."}


def next_step_plain(res: dict[str, Any]) -> dict[str, Any]:
    """What to do next, from the decision: run the test, measure what an engagement is worth,
    or go ahead, saying what a test would have been worth.

    Parameters
    ----------
    res
        results.json.
    """
    ccy = currency_of(res)
    d = res.get("decision") or {}
    rec, test, considered = d.get("recommendation"), d.get("test"), d.get("best_test_considered")
    if not rec:
        return _none("Next step: no recommendation could be made from these data; see what they cannot estimate.")
    if d.get("not_estimable"):
        return {"direction": "measure", "statement": "Next step: add the campaigns of each production mode the brand "
                                                     "has (costs, staffing, assets) and rerun: with more of them, "
                                                     "how sure each option's value is can be estimated."}
    if rec == "test_first" and test:
        weeks = f", about {test['weeks']} weeks" if test.get("weeks") else ""
        return {"direction": "test", "statement": f"Next step: run the randomised test, {test['n_per_arm']:,} posts "
                                                  f"per arm with twin imagery or photographed models{weeks}, then "
                                                  f"decide on its result."}
    if d.get("conditional_on"):
        return {"direction": "measure", "statement": "Next step: measure what an engagement is worth to the brand "
                                                     "(the revenue of its posts): the recommendation depends on it."}
    detail = ""
    if considered and not missing(considered.get("enbs")) and considered["enbs"] <= 0:
        detail = (f"; testing first would cost more than it is worth (at best {money(considered['evsi'], ccy)} "
                  f"against {money(considered['cost'], ccy)})")
    step = "keep today's mix" if rec == "keep" else "plan the move"
    return {"direction": "proceed", "statement": f"Next step: {step} and rerun this report as new posts come "
                                                 f"in{detail}."}


def plain_conclusions(res: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every sentence of the decision page (:data:`PLAIN_KEYS`).

    Parameters
    ----------
    res
        results.json, with every notebook's blocks collected.
    """
    return {"plain_money": money_plain(res), "plain_risk": risk_plain(res), "plain_people": people_plain(res),
            "plain_promises": promises_plain(res), "plain_rights": rights_plain(res),
            "plain_next_step": next_step_plain(res)}
