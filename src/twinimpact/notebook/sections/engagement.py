"""Sections of the engagement notebook."""

from __future__ import annotations

from typing import Any

import pandas as pd

from twinimpact import charts
from twinimpact.notebook.show import Text, items, text
from twinimpact.results import emit, emit_table
from twinimpact.words import narrate, statements

#: The model's terms a reader compares, in words.
TERMS = {"imagery[twin]": "twin vs human", "imagery[synthetic]": "synthetic vs human",
         "imagery[none]": "no person vs human", "ai_label": "AI label vs none"}
#: results.json's rate-ratio keys, in words.
CONTRASTS = (("irr_twin_vs_human", "twin vs human"), ("irr_synthetic_vs_human", "synthetic vs human"),
             ("irr_ai_label", "AI label vs none"))


def notes(ea: Any) -> list[Any]:
    """What the analysis noted about the data (a fit that fell back, posts left out)."""
    return [text("**Note:** {m}", m=message) for message in ea.messages]


def rates_vs_benchmarks(ea: Any) -> list[Any]:
    """Engagement rates by platform against published benchmarks."""
    return [charts.rates_vs_benchmarks(ea.platform_rates, ea.bands)] if ea.available else []


def follower_medians(ea: Any) -> list[Any]:
    """Median engagements per follower per post against the published medians."""
    if not ea.available:
        return []
    bands = ea.bands[ea.bands["basis"] == "per_follower"][["platform", "value", "source"]]
    frame = ea.follower_medians.merge(bands.rename(columns={"value": "benchmark"}), on="platform", how="left")
    return [Text("Benchmarks use different denominators (per impression, per follower, per view) and years; "
                 "compare like with like. Median engagements per follower per post, this data vs published medians:"),
            narrate.table(frame, pct_cols=("median_per_follower", "benchmark"))]


def raw_rates(ea: Any) -> list[Any]:
    """Engagements per impression by format and imagery, before the model's adjustments."""
    if not ea.available:
        return []
    return [Text("Raw engagements per impression by format and imagery (before the model's adjustments):"),
            narrate.table(ea.by_format_imagery, pct_cols=("per_impression",))]


def fit_tables(ea: Any) -> dict[str, pd.DataFrame]:
    """Each fit's rate ratios, the headline fit first (the chart's title reads its ratios)."""
    fits = sorted([f for f in (ea.poisson, ea.negbin) if f is not None], key=lambda f: f is not ea.lead)
    out = {}
    for fit in fits:
        name = "Poisson, cells" if fit is ea.poisson else f"negative binomial, {ea.nb_rows:,} posts"
        out[f"{name} ({'headline' if fit is ea.lead else 'check'})"] = fit.table()
    return out


def rate_ratios_chart(ea: Any) -> list[Any]:
    """Both fits' rate ratios of imagery and label against unlabelled human imagery."""
    return [charts.irr_forest(fit_tables(ea), TERMS)] if ea.available else []


def both_fits(block: dict[str, Any]) -> pd.DataFrame:
    """The three headline rate ratios of both fits side by side.

    Parameters
    ----------
    block
        results.json's ``engagement`` block (``negbin`` and ``poisson``, each may be null).
    """
    fits = [(name, key) for name, key in (("negative binomial", "negbin"), ("Poisson", "poisson")) if block.get(key)]
    rows = []
    for key, label in CONTRASTS:
        row: dict[str, Any] = {"comparison": label}
        for name, fit in fits:
            for part, k in (("estimate", "estimate"), ("95% low", "ci_low"), ("95% high", "ci_high")):
                row[f"{name} {part}"] = block[fit][key][k]
        rows.append(row)
    return pd.DataFrame(rows)


def rate_ratio_findings(ea: Any) -> list[Any]:
    """The three statements about imagery and label, the fit's size, and both fits' ratios."""
    if not ea.available:
        return []
    said = [text("{s}", s=ea.conclusions[key]["statement"]) for key in
            ("engagement_twin_vs_human", "engagement_synthetic_vs_human", "engagement_ai_label")]
    return [*said,
            text("Fitted on {n} posts in {c} cells and {g} campaign clusters.", n=narrate.num(ea.poisson.n_posts),
                 c=narrate.num(ea.poisson.n_cells), g=narrate.num(ea.poisson.n_clusters)),
            text("Both fits, side by side (the headline is the {f}):", f=ea.block["headline_fit"]),
            narrate.table(both_fits(ea.block), digits=3)]


def model_terms(ea: Any) -> list[Any]:
    """The headline fit's rate ratios for every term but the year-months, and how far
    the counts spread beyond a Poisson's."""
    if not ea.available:
        return []
    alpha = ea.negbin.alpha if ea.negbin is not None else None
    return [text("{s}", s=statements.overdispersion_sentence(ea.poisson.pearson_dispersion, alpha)),
            narrate.table(ea.lead.table().query("not term.str.startswith('month[')"), digits=4)]


def orders(block: dict[str, Any]) -> list[Any]:
    """The rate ratios on orders per impression, from the optional post outcomes; or why not.

    Parameters
    ----------
    block
        results.json's ``engagement`` block (its ``orders``).
    """
    found = block.get("orders")
    if found is None:
        return [Text("**Not measured:** the data hold no post outcomes (what each post sold), so orders are not "
                     "modelled.")]
    if found.get("not_available"):
        return [text("**Not measured:** {w}", w=found["not_available"])]
    rows = pd.DataFrame([{"comparison": label, "estimate": found[key]["estimate"], "95% low": found[key]["ci_low"],
                          "95% high": found[key]["ci_high"]} for key, label in CONTRASTS])
    return [text("Rate ratios of orders per impression on {n} posts ({f}):", n=narrate.num(found["posts"]),
                 f=found["headline_fit"]), narrate.table(rows, digits=3)]


def one_test(key: str, t: dict[str, Any]) -> list[Any]:
    """One randomised test as it was run: its arms and split, its rate ratio, the balance
    table and its warnings.

    Parameters
    ----------
    key
        The test's ``experiment_id``.
    t
        Its entry of results.json's ``engagement.experiments``.
    """
    arms = t["arms"]
    rr = t["rate_ratio"]
    head = text("**{k}**: {n} posts in {u} units; treatment shows {ts} ({tp} of its posts), control {cs} ({cp}); "
                "units split {tu} to {cu} (sample-ratio mismatch p = {srm}).", k=key, n=narrate.num(t["posts"]),
                u=narrate.num(t["units"]), ts=arms["treatment"]["shows"], tp=narrate.pct(arms["treatment"]["pure"]),
                cs=arms["control"]["shows"], cp=narrate.pct(arms["control"]["pure"]),
                tu=narrate.num(arms["treatment"]["units"]), cu=narrate.num(arms["control"]["units"]),
                srm=narrate.num(t["srm_p_value"], 3))
    ratio = pd.DataFrame([{"test": key, "estimate": rr["estimate"], "95% low": rr["ci_low"], "95% high": rr["ci_high"]}])
    return [head, narrate.table(ratio, digits=3), narrate.table(pd.DataFrame(t["balance"]), digits=3),
            *(text("**Warning:** {w}", w=w) for w in t["warnings"])]


def tested_against_observed(ea: Any) -> list[Any]:
    """The test the decision rests on against the observational estimate of the same contrast."""
    tested = ea.block.get("tested")
    if not tested:  # a test of the decision's contrast that fails its own checks: why it is not used
        return [text("{s}", s=ea.conclusions["engagement_tested"]["statement"])] if ea.block.get("tested_rejected") \
            else []
    rows = pd.DataFrame([{"estimate of the same contrast": name, "rate ratio": tested[k]["estimate"],
                          "95% low": tested[k]["ci_low"], "95% high": tested[k]["ci_high"]}
                         for k, name in (("prior", "observational (the prior)"), ("tested", "the randomised test"),
                                         ("posterior", "combined (the posterior)"))])
    return [text("{s}", s=ea.conclusions["engagement_tested"]["statement"]), narrate.table(rows, digits=3)]


def randomised_tests(ea: Any) -> list[Any]:
    """Every randomised test of the optional experiments table, then the one the decision
    rests on; a note when there is none."""
    tests = ea.block.get("experiments") or {}
    none = Text("**Not measured:** the data hold no randomised test (the optional table of experiments). The plan "
                "below says how large a test would settle the question.") if not tests else None
    return items(none, *(one_test(key, t) for key, t in tests.items()), tested_against_observed(ea))


def test_plan(block: dict[str, Any]) -> list[Any]:
    """The randomised test that would settle it, from the brand's own posts; or why not.

    Parameters
    ----------
    block
        results.json's ``engagement`` block (its ``test_plan``).
    """
    tp = block.get("test_plan") or {}
    if not tp.get("posts_per_arm"):
        return [text("**Not measured:** {w}", w=tp.get("not_available", "no plan"))]
    return [text("To detect a rate ratio of **{e}** with {p} power at 5% (two-sided): **{n}** posts per arm, about "
                 "**{w}** weeks at the brand's {r} posts a week (mean {m} engagements a post, overdispersion {a}, "
                 "coefficient of variation of impressions {c}). Arms: control {ctl}; treatment {trt}; {note}.",
                 e=narrate.num(tp["effect"], 2), p=narrate.pct(tp["power"]), n=narrate.num(tp["posts_per_arm"]),
                 w=narrate.num(tp["weeks"]), r=narrate.num(tp["posts_per_week"]), m=narrate.num(tp["mean_engagements"]),
                 a=narrate.num(tp["overdispersion"], 3), c=narrate.num(tp["cv_impressions"], 2),
                 ctl=tp["arms"]["control"], trt=tp["arms"]["treatment"], note=tp["label_note"])]


def label_effect(ea: Any) -> list[Any]:
    """Posts with and without the AI label."""
    return [charts.label_effect(ea.by_imagery_label, ea.block["irr_ai_label"])] if ea.available else []


def label_over_time(ea: Any) -> list[Any]:
    """The label's rate ratio by months since the brand's first labelled post, the test that
    it did not change, and which period the scenarios carry forward."""
    rows = ea.block.get("irr_ai_label_by_time") or []
    frame = pd.DataFrame([{"months since the brand's first labelled post": r["period"], "labelled posts": r["posts"],
                           "rate ratio": r.get("estimate"), "95% low": r.get("ci_low"), "95% high": r.get("ci_high")}
                          for r in rows])
    return items(text("{s}", s=(ea.conclusions.get("engagement_label_over_time") or {}).get("statement", "")),
                 narrate.table(frame, digits=3) if len(frame) else None,
                 Text("The scenarios carry the label's effect in its latest period forward, where it is estimable."))


def after_adoption(ea: Any) -> list[Any]:
    """Every post of a brand after it adopted twins, whatever its imagery: the model's own
    term, apart from the imagery's effect."""
    return [text("{s}", s=statements.after_adoption_sentence(ea.block.get("irr_after_adoption") or {}))]


def power(ea: Any) -> list[Any]:
    """The smallest label effect this data could detect, and the posts a given one needs."""
    if not ea.available:
        return []
    pw = ea.power
    if pw["mde_irr_drop"] is None:
        return [Text("The label effect is not estimable in this data, so its power cannot be computed.")]
    return [text("With {n} labelled AI posts, the smallest detectable label effect is a drop to **{d}** (or a rise "
                 "to {r}) of engagement per impression. Detecting a {drop} drop (IRR {e}) needs about **{need}** "
                 "labelled posts (approximate: it assumes the standard error shrinks with the square root of the "
                 "labelled posts).", n=narrate.num(pw["labelled_posts"]), d=narrate.num(pw["mde_irr_drop"], 3),
                 r=narrate.num(pw["mde_irr_rise"], 3), drop=narrate.pct(1 - pw["posts_needed_for"]),
                 e=pw["posts_needed_for"], need=narrate.num(pw["labelled_posts_needed"]))]


def event_study(ea: Any) -> list[Any]:
    """Engagement before and after each brand adopted twins."""
    return [charts.event_study(ea.event, ea.did)] if ea.available else []


def before_after(ea: Any) -> list[Any]:
    """The before/after statement with its pre-trend sentence, where the study ran."""
    if not ea.available or (ea.did.get("estimate") is None and not ea.did.get("staggered")):
        return []
    staggered = ea.did.get("staggered") or {}
    pretrend = statements.staggered_pretrend_sentence(staggered) if staggered else ""
    return [text("{a} {p}", a=ea.conclusions["engagement_before_after"]["statement"], p=pretrend)]


def emit_results(ea: Any) -> None:
    """The notebook's results blocks and key tables, for the runner."""
    emit("engagement", ea.block)
    emit("conclusions", ea.conclusions)
    if ea.available:
        emit_table("engagement_irr", ea.lead.table())
        emit_table("engagement_rates_by_platform", ea.platform_rates)
