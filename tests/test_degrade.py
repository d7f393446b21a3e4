"""Degrade, never crash or fake: a section without the data for an estimate says what is
missing, results.json holds null there, and every other section is unaffected."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from twinimpact import config
from twinimpact.analyses.cost import production as cost
from twinimpact.analyses.engagement import model as engagement
from twinimpact.analyses.scenarios import paths as scenarios
from twinimpact.sources import data
from twinimpact.params import Params

TEST_PARAMS = config.PARAMS_DIR / "test.yaml"


def keep_campaigns(folder: Path, keep: pd.DataFrame) -> None:
    """Rewrite a copied sample with only the ``keep`` campaigns and the rows hanging off them."""
    keep.to_csv(folder / "campaigns.csv", index=False)
    for name in ("cost_lines", "staffing", "twin_usage", "bookings"):
        t = pd.read_csv(folder / f"{name}.csv")
        t[t["campaign_id"].isin(keep["campaign_id"])].to_csv(folder / f"{name}.csv", index=False)
    posts = pd.read_parquet(folder / "posts.parquet")
    posts = posts[posts["campaign_id"].isna() | posts["campaign_id"].isin(keep["campaign_id"])]
    posts.to_parquet(folder / "posts.parquet")
    keep_outcomes(folder, posts)


def keep_outcomes(folder: Path, posts: pd.DataFrame) -> None:
    """Keep only the outcomes of the posts kept (what a brand's own export would hold)."""
    outcomes = pd.read_parquet(folder / "post_outcomes.parquet")
    outcomes[outcomes["post_id"].isin(posts["post_id"])].to_parquet(folder / "post_outcomes.parquet")


def sample_without(tmp_path: Path, what: str) -> Path:
    folder = tmp_path / what
    shutil.copytree(config.SAMPLE_DIR, folder)
    if what == "posts":
        empty = pd.read_parquet(folder / "posts.parquet").iloc[0:0]
        empty.to_parquet(folder / "posts.parquet")
        keep_outcomes(folder, empty)
    elif what == "twin_usage":
        pd.read_csv(folder / "twin_usage.csv").iloc[0:0].to_csv(folder / "twin_usage.csv", index=False)
    elif what == "twin_campaigns":
        campaigns = pd.read_csv(folder / "campaigns.csv")
        keep_campaigns(folder, campaigns[campaigns["production_mode"] == "traditional"])
    return folder


def load(folder: Path) -> tuple[data.Dataset, Params]:
    p = Params(data_dir=str(folder), as_of="2026-11-28", n_draws=300, nb_max_rows=2000)
    return data.load(p, keep_source=True), p


def test_without_posts_engagement_says_not_measured_and_holds_nulls(tmp_path: Path):
    ds, p = load(sample_without(tmp_path, "posts"))
    ea = engagement.analyse(ds, p)
    assert not ea.available and "No posts" in ea.why_not
    assert ea.block["irr_ai_label"] == {"estimate": None, "ci_low": None, "ci_high": None}
    assert all(c["direction"] is None and "not measured" in c["statement"] for c in ea.conclusions.values())
    assert cost.analyse(ds, p).conclusions["cost_twin_vs_traditional"]["direction"] == "lower"  # unaffected


@pytest.mark.parametrize("what", ["twin_usage", "twin_campaigns"])
def test_without_twin_usage_or_twin_campaigns_the_scenarios_say_why_and_hold_nulls(tmp_path: Path, what: str):
    ds, p = load(sample_without(tmp_path, what))
    sa = scenarios.analyse(ds, p)
    assert not sa.available and "twin" in sa.why_not
    assert sa.block["npv"] == {"p10": None, "p50": None, "p90": None}
    assert sa.conclusions["npv_adoption"]["direction"] is None
    if what == "twin_campaigns":
        c = cost.analyse(ds, p)
        assert c.block["cost_per_asset"]["twin"] is None and c.conclusions["cost_twin_vs_traditional"]["direction"] is None


def test_a_run_without_posts_publishes_every_section_with_nulls_where_nothing_was_measured(tmp_path: Path):
    folder = sample_without(tmp_path, "posts")
    proc = subprocess.run([sys.executable, "-m", "twinimpact", "run", "-p", str(TEST_PARAMS), "--data", str(folder),
                           "--out", str(tmp_path / "r")], capture_output=True, text=True, env=os.environ.copy(),
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    run = Path(proc.stdout.strip()).parent
    res = json.loads((run / "results.json").read_text())
    assert res["engagement"]["irr_twin_vs_human"]["estimate"] is None and res["engagement"]["posts"] == 0
    assert res["cost"]["cost_per_asset"]["twin"] is not None and res["scenarios"]["npv"]["p50"] is not None
    page = (run / "index.html").read_text()
    assert "No posts with impressions" in page and "posts table has no rows" in page


def test_a_brand_with_a_single_campaign_still_gets_finite_intervals(tmp_path: Path):
    folder = tmp_path / "one_campaign_brand"
    shutil.copytree(config.SAMPLE_DIR, folder)
    campaigns = pd.read_csv(folder / "campaigns.csv")
    keep_campaigns(folder, pd.concat([campaigns[campaigns["brand"] != "Bluefin Denim"],
                                      campaigns[campaigns["brand"] == "Bluefin Denim"].iloc[:1]]))
    ds, p = load(folder)
    ea = engagement.analyse(ds, p)
    for key in ("irr_twin_vs_human", "irr_synthetic_vs_human", "irr_ai_label"):
        ci = ea.block[key]
        assert ci["ci_low"] < ci["estimate"] < ci["ci_high"] and ci["ci_high"] < 10, key


def test_a_disk_that_fills_while_notebooks_are_written_exits_5_naming_no_missing_file(tmp_path: Path, monkeypatch):
    from twinimpact import cli
    from twinimpact.run import report

    class DiskFull:  # workers whose first notebook cannot be written
        def __init__(self, *a, **k):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return None

        def run_all(self, books, out_dir, parameters, progress, run_file=None, finished_ok=None):
            return [(books[0], 0.1, OSError(28, "No space left on device"), None)]

    monkeypatch.setattr(report, "Workers", DiskFull)
    code = cli.main(["run", "-p", str(config.ROOT / "tests" / "fixtures" / "tiny.yaml"), "--out", str(tmp_path / "r"),
                     "--only", "00"])
    assert code == 5
    assert not (tmp_path / "r" / "_failed").exists() and not list((tmp_path / "r").glob(".tmp-*"))


def test_pages_are_rendered_as_their_notebooks_finish_and_one_that_fails_there_with_the_report(
        tmp_path: Path, monkeypatch):
    from twinimpact import cli
    from twinimpact.run import report

    early: list[str] = []
    real = report.render_page

    def first_one_fails(folder, name, nb):
        early.append(name)
        if len(early) == 1:
            (folder / f"{name}.html").write_text("half a page", encoding="utf-8")
            raise OSError(28, "No space left on device")
        real(folder, name, nb)

    monkeypatch.setattr(report, "render_page", first_one_fails)
    code = cli.main(["run", "-p", str(config.ROOT / "tests" / "fixtures" / "tiny.yaml"), "--out", str(tmp_path / "r"),
                     "--only", "00", "02", "--workers", "1"])
    assert code == 0
    assert early == ["00_data_overview", "02_creative_labor"]  # each page tried as its notebook finished
    run = next(p for p in (tmp_path / "r").iterdir() if p.is_dir() and p.name[:1].isdigit())  # partial: no latest
    for name in early:  # the failed one rendered again with the report, the other kept
        page = (run / f"{name}.html").read_text(encoding="utf-8")
        assert page.startswith("<!DOCTYPE html>") and "half a page" not in page
        assert str(tmp_path) not in page and str(config.ROOT) not in page  # scrubbed before rendering
