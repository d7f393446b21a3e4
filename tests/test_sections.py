"""What each notebook section shows (twinimpact.notebook.sections), on hand-made inputs for
the choices a section makes and on the sample's analyses for the whole: a section returns
figures, tables and sentences only, and says "not measured" with the reason where data
fall short."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import plotly.graph_objects as go
import pytest

from twinimpact.notebook import sections
from twinimpact.notebook.show import Text, items, text
from twinimpact.params import Params
from twinimpact.sources import data


def _shown(parts: list) -> str:
    return " ".join(p.markdown for p in parts if isinstance(p, Text))


def test_text_escapes_values_and_items_drop_nothing_but_none():
    assert text("**{k}**", k="<b>&").markdown == "**&lt;b&gt;&amp;**"
    assert items(None, [1, None, 2], (3,), 4) == [1, 2, 3, 4]


def test_posts_by_platform_names_the_platform_with_most_posts_or_says_there_are_none():
    frame = pd.DataFrame({"brand": ["A", "A", "B"], "platform": ["tiktok", "instagram", "instagram"],
                          "posts": [5, 3, 4]})  # instagram 7, tiktok 5
    fig, = sections.overview.posts_by_platform(SimpleNamespace(posts_by_brand_platform=frame))
    assert isinstance(fig, go.Figure) and "instagram carries the most" in fig.layout.title.text
    empty, = sections.overview.posts_by_platform(SimpleNamespace(posts_by_brand_platform=frame.iloc[:0]))
    assert "Not measured" in empty.markdown


def test_freshness_leaves_out_the_posts_sentence_without_posts():
    fresh = {"first_post": None, "last_post": None, "days_since_last_post": None, "first_campaign": "2024-01-02",
             "last_campaign": "2025-06-01"}
    said = sections.overview.freshness(SimpleNamespace(fresh=fresh), "2026-11-28")
    assert len(said) == 1 and "Campaigns start between 2024-01-02 and 2025-06-01." == said[0].markdown


def test_both_fits_put_each_fits_three_ratios_side_by_side():
    irr = lambda e: {"estimate": e, "ci_low": e - 0.1, "ci_high": e + 0.1}  # noqa: E731
    block = {"negbin": {k: irr(v) for k, v in (("irr_twin_vs_human", 0.9), ("irr_synthetic_vs_human", 0.8),
                                               ("irr_ai_label", 0.7))}, "poisson": None}
    frame = sections.engagement.both_fits(block)
    assert list(frame["comparison"]) == ["twin vs human", "synthetic vs human", "AI label vs none"]
    assert list(frame.columns[1:]) == ["negative binomial estimate", "negative binomial 95% low",
                                       "negative binomial 95% high"]  # no Poisson fit: no Poisson columns
    assert frame["negative binomial 95% high"].tolist() == pytest.approx([1.0, 0.9, 0.8])


def test_orders_say_why_they_are_not_measured():
    assert "no post outcomes" in _shown(sections.engagement.orders({}))
    assert "too few posts" in _shown(sections.engagement.orders({"orders": {"not_available": "too few posts"}}))


def test_a_randomised_test_shows_its_warnings_and_no_test_says_so():
    ea = SimpleNamespace(block={"experiments": {}}, conclusions={})
    assert "no randomised test" in _shown(sections.engagement.randomised_tests(ea))
    arm = {"shows": "twin imagery", "pure": 0.95, "units": 12}
    t = {"arms": {"treatment": arm, "control": {**arm, "shows": "human imagery"}}, "posts": 400, "units": 24,
         "srm_p_value": 0.8, "rate_ratio": {"estimate": 0.9, "ci_low": 0.8, "ci_high": 1.0},
         "balance": [{"measure": "followers", "treatment": 1.0, "control": 1.0}], "warnings": ["arms <unequal>"]}
    shown = sections.engagement.randomised_tests(SimpleNamespace(block={"experiments": {"EXP-1": t}}, conclusions={}))
    assert "**EXP-1**: 400 posts in 24 units" in _shown(shown) and "**Warning:** arms &lt;unequal&gt;" in _shown(shown)
    assert "no randomised test" not in _shown(shown) and len(shown) == 4


def test_provenance_says_why_files_were_not_checked():
    ra = SimpleNamespace(block={"provenance": {"checked": False, "not_checked": "no asset files were given"}})
    assert _shown(sections.rights.provenance(ra)) == "Not checked: no asset files were given."


def test_a_chapter_without_data_shows_only_why():
    assert "no campaigns" in _shown(sections.scenarios.not_available(SimpleNamespace(available=False,
                                                                                      why_not="no campaigns")))
    assert sections.scenarios.tornado(SimpleNamespace(available=False), "EUR") == []
    lv = SimpleNamespace(available=False, why_not="the bookings table is not given")
    assert "Not measured" in _shown(sections.labor.income_by_model(lv, "EUR"))
    assert sections.labor.gainers_and_losers(lv, Params()) == []


@pytest.fixture(scope="module")
def sample_analyses():
    from twinimpact.analyses import overview
    from twinimpact.analyses.cost import production
    from twinimpact.analyses.engagement import model
    from twinimpact.analyses.labor import hours, livelihoods
    from twinimpact.analyses.rights import findings
    from twinimpact.analyses.scenarios import paths

    p = Params(as_of="2026-11-28", n_draws=300, nb_max_rows=3000)
    ds = data.load(p, keep_source=True)
    return p, ds, {"ov": overview.analyse(ds, p), "ca": production.analyse(ds, p), "la": hours.analyse(ds, p),
                   "lv": livelihoods.analyse(ds, p), "ea": model.analyse(ds, p), "ra": findings.analyse(ds, p),
                   "sa": paths.analyse(ds, p)}


def test_every_section_on_the_sample_shows_figures_tables_and_sentences_only(sample_analyses):
    p, ds, a = sample_analyses
    ccy = p.reporting_currency
    shown = [
        *sections.overview.posts_by_platform(a["ov"]), *sections.overview.posts_by_month(a["ov"]),
        *sections.overview.freshness(a["ov"], ds.as_of),
        *sections.cost.cost_per_asset(a["ca"], ccy), *sections.cost.cost_function(a["ca"], ccy),
        *sections.cost.cost_function_terms(a["ca"]), *sections.cost.typical_campaign(a["ca"], ccy),
        *sections.cost.break_even_sentence(a["ca"], p), *sections.cost.tornado(a["ca"], ccy),
        *sections.cost.savings_distribution(a["ca"], ccy),
        *sections.labor.roster_income(a["la"], ds.has("bookings"), p),
        *sections.labor.roster_income_sentence(a["la"], ds.has("bookings"), ccy),
        *sections.labor.income_by_model(a["lv"], ccy), *sections.labor.bookings_around_adoption(a["lv"]),
        *sections.labor.gainers_and_losers(a["lv"], p),
        *sections.engagement.notes(a["ea"]), *sections.engagement.rates_vs_benchmarks(a["ea"]),
        *sections.engagement.follower_medians(a["ea"]), *sections.engagement.raw_rates(a["ea"]),
        *sections.engagement.rate_ratios_chart(a["ea"]), *sections.engagement.rate_ratio_findings(a["ea"]),
        *sections.engagement.model_terms(a["ea"]), *sections.engagement.orders(a["ea"].block),
        *sections.engagement.randomised_tests(a["ea"]), *sections.engagement.test_plan(a["ea"].block),
        *sections.engagement.label_effect(a["ea"]), *sections.engagement.power(a["ea"]),
        *sections.engagement.event_study(a["ea"]), *sections.engagement.before_after(a["ea"]),
        *sections.rights.findings(a["ra"], ccy), *sections.rights.provenance(a["ra"]),
        *sections.rights.photographed_representation(ds, p),
        *sections.scenarios.not_available(a["sa"]), *sections.scenarios.npv(a["sa"]),
        *sections.scenarios.decision(a["sa"], ccy),
        *sections.scenarios.engagement_value(a["sa"], ccy), *sections.scenarios.how_sure(a["sa"], ccy),
        *sections.scenarios.tornado(a["sa"], ccy), *sections.scenarios.sensitivity(a["sa"], ccy),
        *sections.scenarios.jobs_by_year(a["sa"]), *sections.scenarios.model_payouts(a["sa"], ccy),
    ]
    kinds = {type(x).__name__ for x in shown}
    assert kinds == {"Text", "Styler", "Figure"}, kinds
    # overview 2 (platform, month), cost 3 (cost function, tornado, savings), labour 2 (income by model,
    # gainers and losers; with bookings the roster average is a sentence), engagement 4 (benchmarks, rate
    # ratios, label, event study), scenarios 4 (the decision's options, tornado, jobs, payouts): every chart has
    # its data here
    assert sum(isinstance(x, go.Figure) for x in shown) == 15
    said = _shown(shown)
    # the sample holds every table but the experiments: that one section, and none other, says so
    assert said.count("Not measured") == 1 and "no randomised test" in said and "nan" not in said.split()
    # the sample has bookings: the roster average points to the model-by-model section
    assert "with the bookings" in _shown(sections.labor.roster_income(a["la"], True, p))
    assert a["ea"].conclusions["engagement_ai_label"]["statement"] in said
