"""Rights: every planted breach found and nothing else; the boundaries of each rule;
formula injection neutralised in the exports."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from twinimpact import config
from twinimpact.sources import data, reference
from twinimpact.run import export
from twinimpact.analyses.rights import regulation
from twinimpact.analyses.rights import findings as rights
from twinimpact.params import Params
from tests.conftest import TINY, TINY_FX

SIZE = {"petite": 0.2, "straight": 0.5, "plus": 0.3}
AGE = {"18-24": 0.25, "25-34": 0.3, "35-44": 0.2, "45-54": 0.15, "55+": 0.1}


@pytest.fixture(scope="module")
def tiny():
    return data.load(Params(data_dir=str(TINY), fx_rates=TINY_FX, as_of="2026-11-28"))


def audit(frames, usage=None, models=None):
    return rights.audit(usage if usage is not None else frames["twin_usage"],
                        models if models is not None else frames["models"], frames["campaigns"], TINY_FX)


def test_every_planted_breach_is_found_and_nothing_else():
    truth = json.loads((config.SAMPLE_DIR / "TRUTH.json").read_text())["rights"]
    p = Params(as_of="2026-11-28")
    ds = data.load(p)
    ra = rights.analyse(ds, p)
    assert ra.counts == truth["counts"]
    assert set(zip(ra.findings["asset_id"], ra.findings["breach"])) == {
        (x["asset_id"], x["breach"]) for x in truth["planted"]}
    assert ra.block["findings"] == truth["counts"]


def test_the_clean_fixture_has_no_findings(tiny):
    # A1: 8.34 GBP * 1.2 = 10.008 EUR against a 10 EUR contract; A2: 20 GBP against 20 GBP
    assert audit(tiny.frames).empty


def test_use_on_the_consent_end_date_is_inside_and_a_day_later_is_not(tiny):
    u = tiny["twin_usage"].copy()
    u.loc[0, "used_on"] = pd.Timestamp("2025-12-31")  # M1's consent_end
    assert audit(tiny.frames, u).empty
    u.loc[0, "used_on"] = pd.Timestamp("2026-01-01")
    f = audit(tiny.frames, u)
    assert f[["asset_id", "breach"]].values.tolist() == [["A1", "outside_consent_window"]]


def test_use_before_consent_start_and_open_ended_consent(tiny):
    u = tiny["twin_usage"].copy()
    u.loc[1, "used_on"] = pd.Timestamp("2030-01-01")  # M2: consent from 2024-06-01, open-ended
    assert audit(tiny.frames, u).empty
    u.loc[1, "used_on"] = pd.Timestamp("2024-05-31")
    assert audit(tiny.frames, u)["breach"].tolist() == ["outside_consent_window"]


def test_scope_all_covers_every_use_and_a_narrow_scope_does_not(tiny):
    u = tiny["twin_usage"].copy()
    u.loc[0, "use"] = "campaign"  # M1: scope all
    assert audit(tiny.frames, u).empty
    u.loc[1, "use"] = "ecommerce"  # M2: scope social
    assert audit(tiny.frames, u)[["asset_id", "breach"]].values.tolist() == [["A2", "outside_scope"]]


def test_fee_equal_to_contract_is_not_underpaid_and_currencies_are_converted(tiny):
    u = tiny["twin_usage"].copy()
    m = tiny["models"].copy()
    # A3 is paid in USD (0.9), M1's contract is in EUR: 11.12 USD = 10.008 EUR >= 10 EUR
    assert audit(tiny.frames, u, m).empty
    u.loc[2, "fee_paid"] = 11.10  # 9.99 EUR: 0.01 short, not more than 0.01
    assert audit(tiny.frames, u, m).empty
    u.loc[2, "fee_paid"] = 11.0  # 9.90 EUR: 0.10 short
    f = audit(tiny.frames, u, m)
    assert f["breach"].tolist() == ["underpaid"] and f["amount_owed"].iloc[0] == pytest.approx(0.10)


def test_no_twin_consent_is_the_only_finding_for_that_asset(tiny):
    u = tiny["twin_usage"].copy()
    u.loc[0, ["model_id", "watermarked", "fee_paid"]] = ["M3", False, 0.0]  # M3 has no twin
    f = audit(tiny.frames, u)
    assert f[["asset_id", "breach"]].values.tolist() == [["A1", "no_twin_consent"]]


def test_one_asset_can_break_several_rules(tiny):
    u = tiny["twin_usage"].copy()
    u.loc[1, ["use", "watermarked", "fee_paid"]] = ["campaign", False, 1.0]
    f = audit(tiny.frames, u)
    assert f["breach"].tolist() == ["outside_scope", "missing_watermark", "underpaid"]
    owed = rights.owed_by_model(f)
    assert owed.loc[0, "model_id"] == "M2" and owed.loc[0, "owed"] == pytest.approx((20 - 1) * 1.2)


def test_representation_shares_and_distance(tiny):
    rep = rights.representation(tiny["models"], tiny["twin_usage"], "size_range", SIZE).set_index("level")
    # roster: straight, petite, plus one each; twins M1 (straight), M2 (petite); assets A1, A3 by M1, A2 by M2
    assert rep.loc["straight", "roster"] == pytest.approx(1 / 3)
    assert rep.loc["plus", "twin_roster"] == 0 and rep.loc["straight", "twin_assets"] == pytest.approx(2 / 3)
    d = rights.distance_from_target(rep.reset_index())
    assert d["twin_assets"] == pytest.approx(0.5 * (abs(1 / 3 - 0.2) + abs(2 / 3 - 0.5) + abs(0 - 0.3)))


def test_formula_injection_is_neutralised_in_csv_and_xlsx(tmp_path):
    import openpyxl

    frame = pd.DataFrame({"model_id": ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "ok", "\tTAB"],
                          "amount_owed": [1.0, -2.0, 3.0, 4.0, 5.0, 6.0]})
    export.write_tables({"rights_findings": frame}, tmp_path)
    csv = pd.read_csv(tmp_path / "tables" / "rights_findings.csv")
    assert all(not v.startswith(("=", "+", "-", "@", "\t")) for v in csv["model_id"])
    assert csv["amount_owed"].tolist() == [1.0, -2.0, 3.0, 4.0, 5.0, 6.0]  # numbers stay numbers
    ws = openpyxl.load_workbook(tmp_path / "tables.xlsx")["rights_findings"]
    cells = [ws.cell(row=i, column=1) for i in range(2, 8)]
    assert all(c.data_type == "s" and not str(c.value).startswith("=") for c in cells)
    assert ws.cell(row=3, column=2).value == -2.0


def test_checklist_names_what_the_data_cannot_show(tiny):
    usage = rights.usage_with_terms(tiny["twin_usage"], tiny["models"], tiny["campaigns"], TINY_FX)
    ck = regulation.checklist(reference.regulations(), tiny["campaigns"], rights.ai_post_counts(tiny["posts"]), usage)
    assert set(ck["rule"].str[:10]) >= {"EU AI Act ", "New York S"}
    sag = ck[ck["rule"].str.startswith("SAG")].iloc[0]
    assert "not in the contract tables" in sag["what_the_data_shows"]
    assert ck["source"].str.len().min() > 10


def test_checklist_counts_ny_models_whose_consent_lacks_a_term():
    campaigns = pd.DataFrame({"campaign_id": ["C1"], "market": ["US-NY"], "start_date": [pd.Timestamp("2025-07-01")],
                              "brand": ["A"], "currency": ["USD"]})
    models = pd.DataFrame({"model_id": ["M1", "M2"], "has_twin": [True, True],
                           "consent_start": pd.to_datetime(["2025-01-01", "2025-01-01"]),
                           "consent_end": pd.to_datetime([None, "2027-01-01"]), "consent_scope": ["all", "all"],
                           "twin_fee_per_asset": [10.0, 10.0], "currency": ["USD", "USD"]})
    usage = pd.DataFrame({"asset_id": ["A1", "A2", "A3"], "model_id": ["M1", "M2", "M2"], "campaign_id": ["C1"] * 3,
                          "used_on": pd.to_datetime(["2025-07-02", "2025-07-02", "2025-06-01"]),
                          "use": ["social"] * 3, "watermarked": [True] * 3, "fee_paid": [10.0] * 3})
    posts = pd.DataFrame({"post_id": ["P1"], "campaign_id": ["C1"], "brand": ["A"], "platform": ["instagram"],
                          "imagery": ["human"], "ai_label": [False],
                          "posted_at": pd.to_datetime(["2025-07-03"]).tz_localize("UTC")})
    ck = regulation.checklist(reference.regulations(), campaigns, rights.ai_post_counts(posts),
                              rights.usage_with_terms(usage, models, campaigns, {"USD": 1.0}))
    ny = ck[ck["rule"].str.startswith("New York")].iloc[0]
    assert ny["twin_assets_in_scope"] == 2  # A3 predates 2025-06-19
    assert ny["issues_found"] == 1  # M1's consent has no end date (duration)
