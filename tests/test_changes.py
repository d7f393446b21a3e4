"""What changed since the last run, worked by hand on two small runs."""

from __future__ import annotations

import pandas as pd

from twinimpact.run import changes


def run(cost_twin: float, npv: float, posts_sha: str, findings: list[tuple[str, str]]):
    results = {"cost": {"cost_per_asset": {"traditional": 200.0, "twin": cost_twin}},
               "scenarios": {"npv": {"p50": npv}}, "labor": {"fte_change": None}}
    manifest = {"data": {"tables": {"campaigns": {"sha256": "a"}, "posts": {"sha256": posts_sha}}}}
    frame = pd.DataFrame(findings, columns=["asset_id", "breach"])
    return results, manifest, frame


def test_changed_tables_deltas_and_new_or_resolved_findings():
    old = run(50.0, 1000.0, "p1", [("A1", "underpaid"), ("A2", "missing_watermark")])
    new = run(48.0, 1250.0, "p2", [("A2", "missing_watermark"), ("A3", "outside_scope")])
    c = changes.compare(*new, ("20260101_default", *old))
    assert c.previous == "20260101_default" and c.tables_changed == ["posts"]
    by = {n["figure"]: n for n in c.numbers}
    assert by["cost per asset, twin"]["change"] == -2.0 and by["NPV of the adoption path (P50)"]["change"] == 250.0
    assert by["net FTE at the adoption share"]["change"] is None  # not measured in one of them: no delta
    assert c.new_findings == [("A3", "outside_scope")] and c.resolved_findings == [("A1", "underpaid")]
    text = changes.markdown(c)
    assert "| cost per asset, twin | 48.00 | 50.00 | -2.00 |" in text and "| net FTE at the adoption share | n/a" in text
    assert "new since then: 1 (A3 (outside scope)); resolved: 1 (A1 (underpaid))" in text


def test_the_first_run_says_there_is_nothing_to_compare_with():
    assert "No earlier complete run" in changes.markdown(changes.compare(*run(48.0, 1.0, "p", []), None))
