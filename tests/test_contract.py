"""Every rule of docs/DATA_CONTRACT.md, each broken once in a copy of the tiny fixture: the
error names the table, the column, the rule, how many rows and which ones. Every test runs
twice: on pandas frames in memory and compiled to the engine (DuckDB through
ibis), and both must give the same messages."""

from __future__ import annotations

import pandas as pd
import pytest

from twinimpact.contract.schemas import ContractViolation, Origin
from tests.contract_evaluators import evaluator, validate  # noqa: F401 - the fixture runs every test twice


def test_tiny_fixture_is_clean_and_typed(tiny_raw):
    typed = validate(tiny_raw)
    assert typed["campaigns"]["looks"].tolist() == [10, 10, 5]
    assert typed["posts"]["ai_label"].tolist() == [False, False, True, False, False, True, True, False]
    assert str(typed["posts"]["posted_at"].dt.tz) == "UTC"
    assert typed["posts"]["campaign_id"].isna().sum() == 2  # nullable foreign key
    assert typed["models"]["consent_end"].isna().tolist() == [False, True, True]


def test_csv_origin_names_line_numbers_and_the_file(tiny_raw):
    tiny_raw["staffing"].loc[2, "role"] = "caterer"
    with pytest.raises(ContractViolation) as caught:
        validate(tiny_raw, origins={"staffing": Origin("tiny/staffing.csv", line_numbers=True)})
    [issue] = caught.value.issues
    assert issue.where == ["line 4"]  # header is line 1, row 0 is line 2
    assert "tiny/staffing.csv" in str(caught.value)


def test_missing_column_is_named_and_stops_before_row_rules(tiny_raw):
    tiny_raw["campaigns"] = tiny_raw["campaigns"].drop(columns=["looks"])
    with pytest.raises(ContractViolation) as caught:
        validate(tiny_raw)
    assert [(i.table, i.column, i.rule) for i in caught.value.issues] == [
        ("campaigns", "looks", "required column is missing")]


def test_the_optional_bookings_table_may_be_absent_but_not_incomplete(tiny_raw):
    assert "bookings" in validate(tiny_raw)
    without = {n: f for n, f in tiny_raw.items() if n != "bookings"}
    assert "bookings" not in validate(without)  # optional: the run goes on without per-model figures
    tiny_raw["bookings"] = tiny_raw["bookings"].drop(columns=["fee_paid"])
    with pytest.raises(ContractViolation) as caught:
        validate(tiny_raw)
    assert [(i.table, i.column, i.rule) for i in caught.value.issues] == [
        ("bookings", "fee_paid", "required column is missing")]


def test_missing_table_is_named(tiny_raw):
    del tiny_raw["twin_usage"]
    with pytest.raises(ContractViolation) as caught:
        validate(tiny_raw)
    assert ("twin_usage", "table is missing") in [(i.table, i.rule) for i in caught.value.issues]


def test_several_problems_are_all_reported_at_once(tiny_raw):
    tiny_raw["campaigns"].loc[0, "production_mode"] = "drone"
    tiny_raw["posts"].loc[3, "likes"] = "999999"
    tiny_raw["models"].loc[0, "has_twin"] = "perhaps"
    with pytest.raises(ContractViolation) as caught:
        validate(tiny_raw)
    assert sorted((i.table, i.column) for i in caught.value.issues) == [
        ("campaigns", "production_mode"), ("models", "has_twin"), ("posts", "likes")]
    assert "in 3 places" in str(caught.value).split("\n")[0]


def test_unparseable_value_is_reported_once_not_again_as_empty(tiny_raw):
    tiny_raw["campaigns"].loc[0, "start_date"] = "01/02/2024"
    with pytest.raises(ContractViolation) as caught:
        validate(tiny_raw)
    rules = [i.rule for i in caught.value.issues if i.column == "start_date"]
    assert rules == ["must be an ISO date YYYY-MM-DD"]


def test_native_types_from_parquet_or_a_database_pass(tiny_raw):
    typed = validate(tiny_raw)
    again = validate({k: v.copy() for k, v in typed.items()})  # already-typed frames
    for name in typed:
        pd.testing.assert_frame_equal(typed[name], again[name])


def test_identifiers_keep_leading_zeros(tiny_raw):
    tiny_raw["models"].loc[0, "model_id"] = "0123"
    tiny_raw["twin_usage"].loc[[0, 2], "model_id"] = "0123"
    tiny_raw["bookings"].loc[0, "model_id"] = "0123"
    typed = validate(tiny_raw)
    assert "0123" in set(typed["models"]["model_id"])


@pytest.mark.parametrize("table", ["campaigns", "cost_lines", "staffing", "models"])
def test_a_required_table_without_rows_is_refused_naming_it(tiny_raw, table):
    tiny_raw[table] = tiny_raw[table].iloc[0:0]
    with pytest.raises(ContractViolation) as caught:
        validate(tiny_raw)
    assert f"Table {table}: table has no rows; the workbook needs at least one [rule {table}.has_rows]." in \
        str(caught.value)


def test_native_infinity_is_refused_like_the_text_inf(tiny_raw):
    typed = validate(tiny_raw)
    typed["cost_lines"].loc[0, "amount"] = float("inf")
    with pytest.raises(ContractViolation) as caught:
        validate({k: v.copy() for k, v in typed.items()})
    assert [i.rule_id for i in caught.value.issues] == ["cost_lines.amount.finite"]
