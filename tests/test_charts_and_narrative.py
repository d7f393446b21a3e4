"""Charts and narrative on tiny frames: titles computed from the numbers (worked by hand
here), one colour per production mode everywhere, numbers formatted with their unit and
``n/a`` for what was not measured, strings from data escaped."""

from __future__ import annotations

import pandas as pd
import plotly.io as pio
import pytest

from twinimpact import charts
from twinimpact.words import narrate, summary
from twinimpact.charts.theme import season_order
from twinimpact.contract.spec import PRODUCTION_MODES


def test_each_production_mode_has_one_colour_used_by_every_chart():
    assert list(charts.MODE_COLORS) == list(PRODUCTION_MODES)
    by_season = pd.DataFrame({"season": ["SS24", "SS24"], "production_mode": ["traditional", "twin"],
                              "cost_per_asset": [200.0, 48.0]})
    fig = charts.cost_per_asset_over_time(by_season, "EUR")
    assert {t.name: t.line.color for t in fig.data} == {"traditional": charts.MODE_COLORS["traditional"],
                                                        "twin": charts.MODE_COLORS["twin"]}


def test_seasons_sort_in_calendar_order():
    assert season_order(["AW24", "SS25", "SS24", "AW23"]) == ["AW23", "SS24", "AW24", "SS25"]


def test_campaign_mix_title_is_computed_from_the_counts():
    # SS24: 1 of 2 campaigns twin or hybrid = 50%; AW24: 2 of 2 = 100%
    campaigns = pd.DataFrame({"season": ["SS24", "SS24", "AW24", "AW24"],
                              "production_mode": ["traditional", "hybrid", "twin", "twin"]})
    fig = charts.campaigns_by_season(campaigns)
    assert fig.layout.title.text.startswith("Twin or hybrid production went from 50% of campaigns in SS24 to 100% "
                                            "in AW24")
    assert [t.name for t in fig.data] == ["traditional", "hybrid", "twin"]


def test_cost_components_title_states_the_saving_from_the_totals():
    # twin 40 + 8 = 48 per asset, traditional 150 + 50 = 200: 1 - 48/200 = 76% less
    per_asset = pd.DataFrame({"production_mode": ["traditional", "traditional", "twin", "twin"],
                              "category": ["photographer", "model_fees", "twin_licensing", "ai_review"],
                              "per_asset": [150.0, 50.0, 40.0, 8.0]})
    fig = charts.cost_components(per_asset, "EUR")
    assert fig.layout.title.text.startswith("A twin-made asset cost EUR 48, a traditional one EUR 200 (76% less)")
    more = per_asset.assign(per_asset=[50.0, 50.0, 100.0, 20.0])  # twin 120 against traditional 100: 20% more
    assert "(20% more)" in charts.cost_components(more, "EUR").layout.title.text
    assert fig.layout.yaxis.title.text == "cost per asset (EUR)"


def test_hours_title_states_the_change_and_falls_back_without_both_modes():
    rates = pd.DataFrame({"production_mode": ["traditional", "twin"], "role": ["photographer", "ai_artist"],
                          "hours_per_asset": [1.22, 0.45]})
    fig = charts.hours_per_asset_by_role(rates, {"traditional": 1.22, "twin": 0.45})
    # 1 - 0.45 / 1.22 = 0.631 -> 63% fewer
    assert fig.layout.title.text.startswith("A twin-made asset took 0.45 paid hours, a traditional one 1.22 "
                                            "(63% fewer)")
    fig = charts.hours_per_asset_by_role(rates, {"traditional": 1.22, "twin": None})
    assert fig.layout.title.text.startswith("Hours of paid work per finished asset by role")


def test_findings_title_counts_findings_and_money_owed():
    fig = charts.findings_summary({"underpaid": 2, "outside_scope": 1}, 1200, 8.8, "EUR")
    assert fig.layout.title.text.startswith("3 rights findings on 1,200 twin assets; EUR 8.80 owed to models")
    assert charts.findings_summary({"underpaid": 0}, 5, 0.0, "EUR").layout.title.text.startswith(
        "No rights findings on 5 twin assets")


def test_model_income_title_counts_gainers_and_losers():
    income = pd.DataFrame({"model_id": ["M1", "M2", "M3"], "change": [120.0, -30.0, -5.0],
                           "has_twin": [True, False, False]})
    fig = charts.model_income(income, "EUR", 0.8)
    assert fig.layout.title.text.startswith("At 80% adoption, 1 of 3 models earn more, 2 earn less")


def test_charts_travel_as_plotly_json_and_render_offline():
    import nbformat

    from twinimpact.run.render import figures_as_html, linked_plotly_js

    charts.setup()
    assert pio.renderers.default == "plotly_mimetype"
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    fig = charts.findings_summary({"underpaid": 1}, 1, 1.0, "EUR")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"application/vnd.plotly.v1+json": fig.to_plotly_json()})]
    nb.cells = [cell]
    page = figures_as_html(nb, "page", linked_plotly_js())
    html = page.cells[1].outputs[0]["data"]["text/html"]
    assert 'id="page-figure-1"' in html and "Plotly.newPlot" in html and "<script src=" not in html
    assert page.cells[0].outputs[0]["data"]["text/html"].endswith('src="../plotly-' + __import__("plotly").__version__
                                                                   + '.min.js"></script>')
    assert "application/vnd.plotly.v1+json" not in page.cells[1].outputs[0]["data"]


def test_numbers_carry_their_unit_and_what_was_not_measured_reads_n_a():
    assert narrate.money(1234.56, "EUR") == "EUR 1,235" and narrate.money(1234.5, "EUR", 2) == "EUR 1,234.50"
    assert narrate.pct(0.125, 1) == "12.5%" and narrate.num(12345.678, 1) == "12,345.7"
    assert narrate.signed(-0.94) == "-0.9" and narrate.signed(2) == "+2.0"
    for missing in (None, float("nan"), float("inf"), pd.NA):
        assert narrate.money(missing, "EUR") == narrate.pct(missing) == narrate.num(missing) == "n/a"


def test_strings_from_data_are_escaped_for_markdown_and_html():
    assert narrate.esc('<b>"x"</b>') == "&lt;b&gt;&quot;x&quot;&lt;/b&gt;"
    assert narrate.esc("a*b_c|d") == "a\\*b\\_c\\|d"
    html = narrate.table(pd.DataFrame({"brand": ["<script>x</script>"], "spend": [1234.5]}), money_cols=("spend",),
                         currency="EUR").to_html()
    assert "<script>x" not in html and "&lt;script&gt;" in html and "EUR 1,234.50" in html


def test_headlines_fill_what_results_hold_and_say_n_a_for_the_rest():
    res = {"run": {"reporting_currency": "EUR"},
           "cost": {"cost_per_asset": {"traditional": 200.0, "twin": 48.0}, "break_even_assets": 4.5455},
           "engagement": {"irr_ai_label": {"estimate": 0.8393, "ci_low": 0.805, "ci_high": 0.874}},
           "labor": {"fte_change": -0.9037}}
    heads = {h.key: h for h in summary.headline_rows(res)}
    rows = {k: h.value for k, h in heads.items()}
    assert rows["cost_traditional"] == "EUR 200.00" and rows["cost_twin"] == "EUR 48.00"
    assert rows["break_even"] == "5" and rows["fte_change"] == "-0.9"
    assert rows["irr_label"] == "0.839" and heads["irr_label"].range == ("95% interval 0.805 to 0.874, clustered by "
                                                                         "campaign (CV3)")
    assert rows["break_even_value"] == "n/a" and heads["break_even_value"].range == "engagement not valued"
    assert rows["irr_twin"] == "n/a" and heads["irr_twin"].range == "not measured"
    assert rows["npv"] == "n/a" and heads["npv"].range == "not measured" and rows["rights_findings"] == "n/a"
    assert all(h.unit for h in heads.values())  # every headline states its unit
    assert heads["cost_twin"].unit == "EUR per asset" and heads["irr_label"].unit.startswith("rate ratio")
    assert len(heads) == len(summary.headline_rows(res))  # keys are unique


@pytest.mark.parametrize("hostile", ['<img src=x onerror=alert(1)>'])
def test_headline_currency_is_escaped(hostile):
    rows = summary.headline_rows({"run": {"reporting_currency": hostile}, "cost": {"cost_per_asset": {"twin": 1.0}}})
    assert "<img" not in "".join(h.value for h in rows)


def test_monte_carlo_histograms_carry_bin_counts_not_every_draw():
    import numpy as np

    draws = np.random.default_rng(0).normal(300, 50, 10_000)
    fig = charts.savings_distribution(pd.Series(draws), {"p10": 236.0, "p50": 300.0, "p90": 364.0}, "EUR")
    [bars] = [t for t in fig.data if t.type == "bar"]
    assert len(bars.x) == 60 and int(np.sum(bars.y)) == 10_000
    assert len(fig.to_json()) < 20_000  # the 10,000 draws themselves would be ~200 kB
