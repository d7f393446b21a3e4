"""Models' livelihoods: per-model income against the sample's planted truth and the tiny
fixture worked by hand, gainers and losers, runs without bookings, and per-model
statements that never mix two models' rows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from twinimpact import config
from twinimpact.sources import data
from twinimpact.analyses.labor import livelihoods
from twinimpact.run import model_statements
from twinimpact.words import statements
from twinimpact.params import Params, load_params

from .conftest import AS_OF, TINY, TINY_FX


@pytest.fixture(scope="module")
def sample():
    params = load_params(config.DEFAULT_PARAMS)
    return params, data.load(params)


def test_income_by_model_equals_the_planted_truth(sample):
    params, ds = sample
    la = livelihoods.analyse(ds, params)
    truth = json.loads((config.SAMPLE_DIR / "TRUTH.json").read_text())["models"]["income_by_model"]
    assert set(la.block["income_by_model"]) == set(truth) == set(ds["models"]["model_id"])
    for model_id, got in la.block["income_by_model"].items():
        want = truth[model_id]
        # fees were written rounded to the cent in each campaign's currency (at most 1.17 EUR a unit)
        assert got["photographed"] == pytest.approx(want["photographed"], abs=0.006 * want["bookings"] + 1e-9)
        assert got["twin_fees"] == pytest.approx(want["twin_fees"], abs=1e-6)
    assert la.block["bookings"] is True


def test_twin_models_lost_bookings_once_their_brand_adopted_twins(sample):
    params, ds = sample
    around = livelihoods.analyse(ds, params).around_adoption.merge(ds["models"][["model_id", "has_twin"]])
    twin, other = (around[around["has_twin"] == flag]["change"].mean() for flag in (True, False))
    assert twin < other  # planted: a model with a twin is booked a third as often after adoption


def test_income_on_the_tiny_fixture_by_hand():
    ds = data.load(Params(data_dir=str(TINY), fx_rates=TINY_FX, as_of=AS_OF.isoformat()))
    by_year = livelihoods.income_by_model_year(ds["bookings"], ds["twin_usage"], ds["campaigns"], ds["models"],
                                               TINY_FX, 0.2)
    totals = livelihoods.income_totals(by_year, ds["models"]).set_index("model_id")
    # bookings: M1 2 days on C1 for EUR 2,000; M3 1 day on C1 for EUR 900; M2 half a day on C3 (USD) for 500 USD
    assert totals.loc["M1", "photographed"] == 2000.0 and totals.loc["M3", "photographed"] == 900.0
    assert totals.loc["M2", "photographed"] == pytest.approx(500 * 0.9)
    assert totals.loc["M1", "photographed_net"] == pytest.approx(1600.0)  # 20% to the agency
    usage = ds["twin_usage"].merge(ds["campaigns"][["campaign_id", "currency"]])
    for model_id, rows in usage.groupby("model_id"):
        paid = sum(f * TINY_FX[c] for f, c in zip(rows["fee_paid"], rows["currency"]))
        assert totals.loc[model_id, "twin_fees"] == pytest.approx(paid)


def test_projection_by_hand():
    """One brand, all photographed in the base year (100 traditional assets), moving to 50%:
    f = 0.5 of the photographed work goes; the twin model gets the 50 moved assets at EUR 10."""
    campaigns = pd.DataFrame({"campaign_id": ["C1"], "brand": ["B"], "start_date": [pd.Timestamp("2025-03-01")],
                              "production_mode": ["traditional"], "assets_delivered": [100]})
    models = pd.DataFrame({"model_id": ["T", "N"], "has_twin": [True, False], "currency": ["EUR", "EUR"],
                           "twin_fee_per_asset": [10.0, None]})
    totals = pd.DataFrame({"model_id": ["T", "N"], "shoot_days": [2.0, 4.0], "photographed": [1000.0, 2000.0],
                           "twin_fees": [0.0, 0.0], "twin_assets": [0, 0]})
    p = livelihoods.projection(totals, models, campaigns, {"EUR": 1.0}, 2025, 0.5, 0.0, 500, 1)
    t = p.table.set_index("model_id")
    assert p.moved_share == pytest.approx(0.5)
    assert t.loc["T", "projected"] == pytest.approx(0.5 * 1000 + 50 * 10)  # whole: 500 lost, 500 in fees
    assert t.loc["N", "projected"] == pytest.approx(0.5 * 2000)
    assert p.break_even_fee == pytest.approx(500 / 50)  # EUR 10 keeps the twin model whole
    assert p.counts["models_without_twin"]["losers"]["p50"] == 1
    sentence = statements.livelihoods_sentence({"better_and_worse_off": p.counts, "break_even_twin_fee_per_asset":
                                                p.break_even_fee}, "EUR", 0.5)
    assert "of the 1 models with a twin" in sentence and "; 1 of the 1 models without a twin" in sentence  # one count in every draw: no range
    assert "EUR 10.00 per asset" in sentence


def test_without_bookings_the_figures_are_null_and_say_why(tmp_path: Path):
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    (folder / "bookings.csv").unlink()
    ds = data.load(Params(data_dir=str(folder), fx_rates=TINY_FX, as_of=AS_OF.isoformat()))
    assert not ds.has("bookings")
    la = livelihoods.analyse(ds, Params(data_dir=str(folder), fx_rates=TINY_FX, as_of=AS_OF.isoformat()))
    assert not la.available and la.block["income_by_model"] == {} and "bookings table" in la.why_not
    assert livelihoods.photographed_representation(ds, Params()) is None


def test_each_statement_holds_one_models_rows_only(sample, tmp_path: Path):
    params, ds = sample
    written = model_statements.write(ds, params, tmp_path / "s")
    csvs = sorted(p for p in written if p.suffix == ".csv")
    assert len(csvs) == len(ds["models"]) and len([p for p in written if p.suffix == ".html"]) == len(csvs)
    seen = 0
    for path in csvs:
        rows = pd.read_csv(path, dtype={"model_id": str})
        assert set(rows["model_id"]) == {path.stem}, path.name
        page = path.with_suffix(".html").read_text()
        others = set(ds["models"]["model_id"]) - {path.stem}
        assert not [m for m in others if f">{m}<" in page]  # no other model's id in a cell
        seen += len(rows)
    n_bookings, n_uses = len(ds["bookings"]), len(ds["twin_usage"])
    assert seen == n_bookings + n_uses  # every booking and twin use, each in one statement


def test_statements_neutralise_formulas_and_escape_html(tmp_path: Path):
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    for name in ("models", "twin_usage", "bookings"):
        p = folder / f"{name}.csv"
        p.write_text(p.read_text().replace("M1,", "=HYPERLINK(\"x\")<b>,"))
    params = Params(data_dir=str(folder), fx_rates=TINY_FX, as_of=AS_OF.isoformat())
    ds = data.load(params)
    written = model_statements.write(ds, params, tmp_path / "s")
    hostile = [p for p in written if p.name.startswith("_HYPERLINK")]
    assert {p.suffix for p in hostile} == {".csv", ".html"}
    csv_text = next(p for p in hostile if p.suffix == ".csv").read_text()
    assert "'=HYPERLINK" in csv_text and "\n=HYPERLINK" not in csv_text and ",=HYPERLINK" not in csv_text
    page = next(p for p in hostile if p.suffix == ".html").read_text()
    assert "<b>" not in page.split("</style>")[1] and "&lt;b&gt;" in page


def test_an_empty_bookings_table_is_treated_as_absent_and_says_so_never_a_count_of_no_rows():
    """The probe's case: bookings.csv with its header only gave "0 of 28 with a twin and 0 of 1
    without one would earn less". No finding may come from no rows."""
    from twinimpact.analyses.labor import hours as labor_hours

    p = Params(as_of="2026-11-28", n_draws=200)
    ds = data.load(p)
    ds.frames["bookings"] = ds.frames["bookings"].iloc[:0]
    assert ds.empty_optional("bookings") and not ds.has("bookings")
    lv = livelihoods.analyse(ds, p)
    assert not lv.available and lv.why_not.startswith("The bookings table has no rows, so it is treated as absent.")
    statement = livelihoods.conclusions(labor_hours.analyse(ds, p), lv, "EUR")["models_income"]["statement"]
    assert "0 of" not in statement and "would earn less" not in statement


def test_bookings_around_adoption_with_no_brand_that_adopted_is_empty_and_the_section_says_why(sample):
    """The probe's one-campaign brand without twins: the comparison had failed with a TypeError."""
    from types import SimpleNamespace

    from twinimpact.notebook import sections

    p, ds = sample
    traditional = ds["campaigns"][ds["campaigns"]["production_mode"] == "traditional"]
    bookings = ds["bookings"][ds["bookings"]["campaign_id"].isin(traditional["campaign_id"])]
    out = livelihoods.bookings_around_adoption(bookings, traditional)
    assert out.empty and list(out.columns) == ["model_id", "days_a_year_before", "days_a_year_after", "change"]
    shown = sections.labor.bookings_around_adoption(SimpleNamespace(available=True, around_adoption=out))
    assert "no brand in scope has adopted twins" in shown[0].markdown
