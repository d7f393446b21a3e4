"""The minimum-data policy (twinimpact.minimum): every analysis, fed data sets that shrink to
one row per table, finishes; what the data cannot carry is null with the reason, never a
degenerate or absurd interval; a run on 3 campaigns and 6 posts publishes a report whose
first page says what it could not estimate."""

from __future__ import annotations

import html
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests import shrink
from twinimpact import config, minimum
from twinimpact.analyses.stats import count_model
from twinimpact.analyses.cost import production as cost
from twinimpact.analyses.engagement import model as engagement
from twinimpact.analyses.labor import hours as labor
from twinimpact.analyses.labor import livelihoods
from twinimpact.analyses import overview
from twinimpact.analyses.rights import findings as rights
from twinimpact.analyses.scenarios import paths as scenarios
from twinimpact.charts.theme import season_order
from twinimpact.contract.spec import season_key
from twinimpact.params import Params
from twinimpact.sources import data

ANALYSES = (overview, cost, labor, engagement, rights, livelihoods, scenarios)
TEST_PARAMS = config.PARAMS_DIR / "test.yaml"


# --- the interval test, by hand ----------------------------------------------------------------
def test_an_interval_is_a_finding_only_when_it_has_width_and_sane_bounds():
    assert minimum.interval_problem(1.2, 1.1, 1.3, ratio=True) is None
    assert "zero width" in minimum.interval_problem(-202.24, -202.24, -202.24)
    assert "reaches beyond" in minimum.interval_problem(2.0, 0.0002, 1.9e19, ratio=True)
    assert "reaches beyond" in minimum.interval_problem(0.5, 0.009, 0.9, ratio=True)
    assert minimum.interval_problem(0.5, 0.009, 0.9) is None  # not a ratio: no bounds
    assert "inverted" in minimum.interval_problem(1.0, 2.0, 0.5)
    assert "could not be computed" in minimum.interval_problem(1.0, None, 2.0)
    assert "could not be computed" in minimum.interval_problem(1.0, float("nan"), 2.0)


def test_draws_that_do_not_vary_keep_their_value_but_lose_their_range():
    p = minimum.checked_percentiles({"p10": 5.0, "p50": 5.0, "p90": 5.0})
    assert p["p50"] == 5.0 and p["p10"] is None and p["p90"] is None and "zero width" in p["not_estimable"]
    assert minimum.checked_percentiles({"p10": 1.0, "p50": 2.0, "p90": 3.0}) == {"p10": 1.0, "p50": 2.0, "p90": 3.0}


def _fit(n_clusters: int, support: tuple[int, int], se: float = 0.1) -> count_model.Fit:
    return count_model.Fit("poisson", ["intercept", "ai_label"], np.array([0.0, math.log(0.8)]),
                           np.diag([0.01, se**2]), 100, 100, n_clusters, support={"ai_label": support})


def test_a_rate_ratio_needs_campaigns_on_both_sides_and_more_campaigns_than_coefficients():
    ok = _fit(10, (4, 6)).irr("ai_label")
    assert ok["estimate"] == pytest.approx(0.8) and ok["ci_low"] == pytest.approx(0.8 * math.exp(-1.959964 * 0.1))
    one_side = _fit(10, (1, 9)).irr("ai_label")
    assert one_side["estimate"] is None and "posts of 1 campaign(s) show it" in one_side["not_estimable"]
    few = _fit(2, (1, 1)).irr("ai_label")
    assert few["estimate"] is None and "2 coefficient(s) but the posts come from only 2" in few["not_estimable"]
    wild = _fit(10, (4, 6), se=6.0).irr("ai_label")  # 0.8 x exp(+-11.8): beyond 0.01 to 100
    assert wild["estimate"] is None and "reaches beyond" in wild["not_estimable"]
    absent = _fit(10, (4, 6)).irr("imagery[twin]")
    assert absent["estimate"] is None and "no post shows it" in absent["not_estimable"]


def test_seasons_of_any_shape_sort_by_year_then_place_in_the_year():
    seasons = ["AW25", "Resort 2025", "SS25", "FW2024", "Pre-Fall 25", "SS24", "Capsule", "AW23"]
    assert season_order(seasons) == ["AW23", "SS24", "FW2024", "SS25", "Resort 2025", "Pre-Fall 25", "AW25",
                                     "Capsule"]
    assert season_key("SS25") < season_key("AW25") < season_key("SS26")


# --- every analysis on data that shrink --------------------------------------------------------
FAMILY = {
    "40 campaigns, 400 posts": lambda d: shrink.shrunk(d, 40, 400),
    "12 campaigns, 12 posts": lambda d: shrink.shrunk(d, 12, 12),
    "6 campaigns, 12 posts": lambda d: shrink.shrunk(d, 6, 12),
    "3 campaigns, 6 posts": lambda d: shrink.shrunk(d, 3, 6),
    "2 campaigns, 2 posts": lambda d: shrink.shrunk(d, 2, 2),
    "1 campaign, 1 post": lambda d: shrink.shrunk(d, 1, 1),
    "one row per table": shrink.one_row_per_table,
    "no bookings (header only)": lambda d: shrink.header_only(d, "bookings"),
    "no twin usage (header only)": lambda d: shrink.header_only(d, "twin_usage"),
    "no posts (header only)": lambda d: shrink.header_only(d, "posts"),
}


def intervals_in(block: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every {estimate, ci_low, ci_high} and {p10, p50, p90} in a results block, with its path."""
    out = []
    if isinstance(block, dict):
        if {"ci_low", "ci_high"} <= set(block) or {"p10", "p90"} <= set(block):
            out.append((path, block))
        for k, v in block.items():
            out += intervals_in(v, f"{path}.{k}")
    elif isinstance(block, list):
        for i, v in enumerate(block):
            out += intervals_in(v, f"{path}[{i}]")
    return out


def assert_no_false_certainty(blocks: dict[str, Any]) -> None:
    """No interval in the blocks is degenerate, and no rate ratio's reaches beyond the bounds."""
    for path, iv in intervals_in(blocks):
        lo, hi = (iv.get("ci_low"), iv.get("ci_high")) if "ci_low" in iv else (iv.get("p10"), iv.get("p90"))
        if lo is None or hi is None:
            continue
        assert hi - lo > minimum.DEGENERATE_WIDTH * max(1.0, abs(lo)), f"{path}: zero-width interval {iv}"
        if ".irr_" in path and "estimate" in iv:
            assert minimum.RATIO_BOUNDS[0] <= lo and hi <= minimum.RATIO_BOUNDS[1], f"{path}: absurd {iv}"


#: The phrases with which a statement says that it states no finding ("not" alone would
#: match "note", "nothing" and "cannot tell" alike).
NOT_A_FINDING = re.compile(r"\b(not estimable|(cannot|could not) be (compared|valued|estimated|read|counted)|"
                           r"(was|were) not (measured|checked|estimated|valued))\b")


def test_the_not_a_finding_phrases_match_what_they_should_and_nothing_else():
    assert NOT_A_FINDING.search("Engagement was not measured: the data hold no posts.")
    assert NOT_A_FINDING.search("Twin posts: not estimable from these data (2 posts).")
    for finding in ("A note on posts", "Nothing was lost", "the data cannot tell whether it changed",
                    "Posts had 5% fewer engagements, not a measured effect"):
        assert not NOT_A_FINDING.search(finding), finding


@pytest.mark.parametrize("name", list(FAMILY))
def test_every_analysis_finishes_on_shrinking_data_and_states_nothing_it_cannot_estimate(tmp_path: Path, name):
    folder = FAMILY[name](tmp_path / "data")
    p = Params(data_dir=str(folder), as_of="2026-11-28", n_draws=300, nb_max_rows=2000)
    ds = data.load(p, keep_source=True)
    blocks, conclusions = {}, {}
    for module in ANALYSES:
        a = module.analyse(ds, p)  # no exception may escape
        blocks[module.__name__] = getattr(a, "block", None)
        conclusions.update(getattr(a, "conclusions", None) or {})
    assert_no_false_certainty(blocks)
    for key, c in conclusions.items():
        assert c["statement"], key
        if c["direction"] is None:  # not a finding: it says so, in words that say what is missing
            assert NOT_A_FINDING.search(c["statement"]), (key, c["statement"])
        assert "-0.0 " not in c["statement"] and "nan" not in c["statement"].lower().split(), (key, c["statement"])


def test_the_engagement_headline_is_never_an_absurd_interval_over_a_sane_one(tmp_path: Path):
    folder = shrink.shrunk(tmp_path / "data", 40, 400)
    p = Params(data_dir=str(folder), as_of="2026-11-28", n_draws=300, nb_max_rows=2000)
    ea = engagement.analyse(data.load(p, keep_source=True), p)
    for key in ("irr_twin_vs_human", "irr_synthetic_vs_human", "irr_ai_label"):
        ci = ea.block[key]
        if ci["estimate"] is None:
            assert ci["not_estimable"], key
        else:
            assert minimum.RATIO_BOUNDS[0] <= ci["ci_low"] < ci["estimate"] < ci["ci_high"] <= minimum.RATIO_BOUNDS[1]


# --- the run on 3 campaigns and 6 posts ---------------------------------------------------------
def test_a_run_on_three_campaigns_and_six_posts_publishes_and_says_what_it_cannot_estimate(tmp_path: Path):
    folder = shrink.shrunk(tmp_path / "data", 3, 6)
    proc = subprocess.run([sys.executable, "-m", "twinimpact", "run", "-p", str(TEST_PARAMS), "--data", str(folder),
                           "--out", str(tmp_path / "r")], capture_output=True, text=True, env=os.environ.copy(),
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    run = Path(proc.stdout.strip()).parent
    res = json.loads((run / "results.json").read_text())
    assert res["engagement"]["irr_twin_vs_human"]["estimate"] is None
    assert res["engagement"]["irr_twin_vs_human"]["not_estimable"]
    assert res["cost"]["twin_minus_traditional_per_asset"]["ci_low"] is None
    assert res["cost"]["twin_minus_traditional_per_asset"]["not_estimable"]
    cannot = [k for k, c in res["conclusions"].items() if c["direction"] is None]
    assert {"engagement_twin_vs_human", "engagement_ai_label", "cost_twin_vs_traditional"} <= set(cannot)
    page = (run / "index.html").read_text()
    bottom = html.unescape(page[page.index("id=\"measured\""):page.index("id=\"headlines\"")])
    unable = html.unescape(page[page.index("id=\"cannot-estimate\""):page.index("id=\"quality\"")])
    from twinimpact.words.executive import DECISION_PAGE

    for key in (k for k in cannot if k not in DECISION_PAGE):  # the decision page's own sentences lead the page
        statement = res["conclusions"][key]["statement"]
        assert statement in unable and statement not in bottom, key
    assert "it needs" in unable  # what data would make it estimable
    assert_no_false_certainty({k: v for k, v in res.items() if k != "conclusions"})
    # the probe's case: no "No draw loses money", no recommendation and no "-0.0" beside "not estimable"
    visible = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", "", page,
                                                                                  flags=re.S))))
    assert "No draw loses money" not in visible and "none of the simulations" not in visible
    assert not re.search(r"-0\.0(?![0-9])", visible)
    for key in ("decision", "npv_adoption", "plain_risk"):
        assert res["conclusions"][key]["direction"] is None, key
    assert res["conclusions"]["decision"]["statement"].startswith("No recommendation yet")


def test_a_run_on_one_row_per_table_with_seasons_of_another_shape_publishes(tmp_path: Path):
    folder = shrink.one_row_per_table(tmp_path / "data")
    c = pd.read_csv(folder / "campaigns.csv")
    c["season"] = "Resort 2025"
    c.to_csv(folder / "campaigns.csv", index=False)
    proc = subprocess.run([sys.executable, "-m", "twinimpact", "run", "-p", str(TEST_PARAMS), "--data", str(folder),
                           "--out", str(tmp_path / "r")], capture_output=True, text=True, env=os.environ.copy(),
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    res = json.loads((Path(proc.stdout.strip()).parent / "results.json").read_text())
    assert all(c["statement"] for c in res["conclusions"].values()), res["conclusions"]


def test_a_negative_binomial_with_an_absurd_interval_does_not_lead_over_a_sane_poisson():
    def fit(method: str, se: float) -> count_model.Fit:
        names = ["intercept", "imagery[twin]", "ai_label"]
        return count_model.Fit(method, names, np.array([0.0, math.log(2.0), 0.0]), np.diag([0.01, se**2, 0.01]),
                               12, 12, 20, support={"imagery[twin]": (5, 15), "ai_label": (5, 15)})

    wild, sane = fit("negative binomial", 11.0), fit("poisson", 0.2)  # NB: 2.00, 95% 0.00 to 4.6e9
    fits = engagement.Fits(sane, wild, 12, 12, [])
    assert fits.lead is sane and fits.check is wild
    assert fits.lead.irr("imagery[twin]")["ci_high"] < 100
    assert "reaches beyond" in wild.irr("imagery[twin]")["not_estimable"]
    assert engagement.Fits(sane, fit("negative binomial", 0.3), 12, 12, []).lead.method == "negative binomial"
