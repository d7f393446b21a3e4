"""Every rule of docs/DATA_CONTRACT.md, each broken once in a copy of the tiny fixture: the
error names the table, the column, the rule, how many rows and which ones, in both
evaluators (pandas and the engine) alike."""

from __future__ import annotations

import pytest

from twinimpact.contract.schemas import ContractViolation
from tests.contract_evaluators import evaluator, validate  # noqa: F401 - the fixture runs every test twice


# (table, row, column, bad value, rule text expected, key or line named)
BROKEN = [
    ("campaigns", 1, "campaign_id", "C1", "must be unique", "campaign_id C1"),
    ("campaigns", 0, "brand", None, "must not be empty", "campaign_id C1"),
    ("campaigns", 0, "production_mode", "drone", "must be one of traditional, hybrid, twin", "campaign_id C1"),
    ("campaigns", 0, "looks", "0", "must be 1 or more", "campaign_id C1"),
    ("campaigns", 0, "looks", "2.5", "must be a whole number", "campaign_id C1"),
    ("campaigns", 2, "assets_delivered", "-4", "must be 0 or more", "campaign_id C3"),
    ("campaigns", 1, "shoot_days", "1.5", "shoot_days must be 0 when production_mode is twin", "campaign_id C2"),
    ("campaigns", 0, "shoot_days", "0", "shoot_days must be above 0 when production_mode is traditional",
     "campaign_id C1"),
    ("campaigns", 2, "currency", "JPY", "needs a rate to EUR", "campaign_id C3"),
    ("campaigns", 2, "start_date", "2024-13-01", "must be an ISO date", "campaign_id C3"),
    ("cost_lines", 3, "campaign_id", "C9", "must exist in campaigns", "row 4"),
    ("cost_lines", 0, "category", "catering", "must be one of model_fees", "row 1"),
    ("cost_lines", 0, "amount", "-10", "must be 0 or more", "row 1"),
    ("cost_lines", 0, "amount", "ten", "must be a number", "row 1"),
    ("staffing", 2, "role", "caterer", "must be one of model, photographer", "row 3"),
    ("staffing", 0, "people", "1.5", "must be a whole number", "row 1"),
    ("staffing", 0, "hours", "-1", "must be 0 or more", "row 1"),
    ("staffing", 0, "engagement", "intern", "must be one of employee, freelance, agency", "row 1"),
    ("posts", 1, "post_id", "P1", "must be unique", "post_id P1"),
    ("posts", 0, "campaign_id", "C9", "must exist in campaigns", "post_id P1"),
    ("posts", 0, "platform", "myspace", "must be one of instagram", "post_id P1"),
    ("posts", 0, "format", "gif", "must be one of image, carousel, video", "post_id P1"),
    ("posts", 0, "imagery", "cgi", "must be one of human, twin, synthetic, none", "post_id P1"),
    ("posts", 0, "ai_label", "maybe", "must be true or false", "post_id P1"),
    ("posts", 0, "followers", "-5", "must be 0 or more", "post_id P1"),
    ("posts", 0, "likes", "10001", "likes must not exceed impressions", "post_id P1"),
    ("posts", 0, "saves", "10001", "saves must not exceed impressions", "post_id P1"),
    ("posts", 0, "posted_at", "2027-01-01T00:00:00Z", "posted_at must not be after the run date", "post_id P1"),
    ("posts", 0, "posted_at", "yesterday", "must be an ISO 8601 timestamp", "post_id P1"),
    ("models", 0, "consent_start", None, "consent_start is required when has_twin is true", "model_id M1"),
    ("models", 0, "consent_scope", None, "consent_scope is required when has_twin is true", "model_id M1"),
    ("models", 1, "twin_fee_per_asset", None, "twin_fee_per_asset is required when has_twin is true",
     "model_id M2"),
    ("models", 0, "consent_scope", "everything", "must be one of social, ecommerce, campaign, all", "model_id M1"),
    ("models", 0, "consent_end", "2023-01-01", "consent_end must not be before consent_start", "model_id M1"),
    ("models", 2, "currency", "usd", "must be an ISO 4217 code", "model_id M3"),
    ("models", 0, "day_rate", "-1", "must be 0 or more", "model_id M1"),
    ("twin_usage", 0, "model_id", "M9", "must exist in models", "asset_id A1"),
    ("twin_usage", 0, "campaign_id", "C9", "must exist in campaigns", "asset_id A1"),
    ("twin_usage", 0, "use", "billboard", "must be one of social, ecommerce, campaign", "asset_id A1"),
    ("twin_usage", 0, "watermarked", "sometimes", "must be true or false", "asset_id A1"),
    ("twin_usage", 0, "fee_paid", "-1", "must be 0 or more", "asset_id A1"),
    ("twin_usage", 1, "asset_id", "A1", "must be unique", "asset_id A1"),
    ("campaigns", 0, "start_date", "2099-01-01", "start_date must not be after the run date", "campaign_id C1"),
    ("twin_usage", 0, "used_on", "2099-01-01", "used_on must not be after the run date", "asset_id A1"),
    ("cost_lines", 0, "amount", "inf", "must be a finite number", "row 1"),
    ("campaigns", 0, "shoot_days", "inf", "must be a finite number", "campaign_id C1"),
    ("staffing", 0, "hourly_rate", "-inf", "must be a finite number", "row 1"),
    ("bookings", 0, "model_id", "M9", "must exist in models", "row 1"),
    ("bookings", 1, "campaign_id", "C2", "must be a campaign with shoot days", "row 2"),  # C2 is twin-only
    ("bookings", 0, "shoot_days", "3", "shoot_days must not exceed the campaign's shoot_days", "row 1"),  # C1: 2
    ("bookings", 2, "shoot_days", "0", "shoot_days must be above 0", "row 3"),
    ("bookings", 0, "fee_paid", "-5", "must be 0 or more", "row 1"),
    ("bookings", 0, "fee_paid", "lots", "must be a number", "row 1"),
    ("post_outcomes", 0, "post_id", "P99", "must exist in posts", "post_id P99"),
    ("post_outcomes", 1, "post_id", "P1", "must be unique", "post_id P1"),
    ("post_outcomes", 0, "orders", "13", "orders must not exceed clicks", "post_id P1"),
    ("post_outcomes", 0, "clicks", "-1", "must be 0 or more", "post_id P1"),
    ("post_outcomes", 0, "orders", "0.5", "must be a whole number", "post_id P1"),
    ("post_outcomes", 0, "revenue", "-3", "must be 0 or more", "post_id P1"),
    ("post_outcomes", 4, "currency", "JPY", "needs a rate to EUR", "post_id P5"),
    ("experiments", 0, "post_id", "P99", "must exist in posts", "post_id P99"),
    ("experiments", 1, "post_id", "P1", "must be unique", "post_id P1"),
    ("experiments", 2, "arm", "placebo", "must be one of control, treatment", "post_id P3"),
    ("experiments", 3, "unit_id", None, "must not be empty", "post_id P6"),
    # text: no control characters, and a length limit (an id 64 characters, other text 100)
    ("campaigns", 0, "brand", "Al\x00pha", "must not hold control characters", "campaign_id C1"),
    ("models", 0, "agency", "North\x1blight", "must not hold control characters", "model_id M1"),
    ("posts", 0, "brand", "Al\x07pha", "must not hold control characters", "post_id P1"),
    # an enumeration's closed list refuses a control character by itself (no printable rule there)
    ("posts", 0, "imagery", "tw\x07in", "must be one of human, twin, synthetic, none", "post_id P1"),
    ("campaigns", 0, "season", "S" * 101, "must be at most 100 characters long", "campaign_id C1"),
    ("twin_usage", 0, "asset_id", "A" * 65, "must be at most 64 characters long", "asset_id " + repr("A" * 37 + "...")
     + " (65 characters)"),
]


@pytest.mark.parametrize("table,row,column,value,rule,where", BROKEN,
                         ids=[f"{t}.{c}:{r[:30]}" for t, _, c, _, r, _ in BROKEN])
def test_each_broken_rule_is_reported_with_table_column_rule_and_rows(tiny_raw, table, row, column, value, rule,
                                                                      where):
    tiny_raw[table].loc[row, column] = value
    with pytest.raises(ContractViolation) as caught:
        validate(tiny_raw)
    issues = [i for i in caught.value.issues if i.table == table and i.column == column and rule in i.rule]
    assert issues, caught.value.issues
    assert issues[0].rows >= 1
    assert where in issues[0].where
    text = str(caught.value)
    assert f"Table {table}" in text and f"column {column}" in text and rule in text
    assert issues[0].rule_id.startswith(f"{table}.{column}.") and f"[rule {issues[0].rule_id}]" in text
