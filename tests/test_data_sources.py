"""The same tables from a CSV folder, a Parquet folder, a DuckDB file and an ibis URL held
in an environment variable load identically (same fingerprints)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from twinimpact import config
from twinimpact.contract import checks
from twinimpact.sources import data
from twinimpact.errors import DataError, ParamsError, ResourceError
from twinimpact.params import Params
from tests.conftest import TINY, TINY_FX, tiny_duckdb_file

PARAMS = dict(fx_rates=TINY_FX, as_of="2026-11-28")


def _typed(folder: Path) -> data.Dataset:
    return data.load(Params(data_dir=str(folder), **PARAMS))


@pytest.fixture
def tiny_duckdb(tmp_path: Path) -> Path:
    return tiny_duckdb_file(tmp_path / "brand.duckdb")


def test_csv_and_parquet_folders_give_the_same_fingerprints(tmp_path: Path):
    csv = _typed(TINY)
    pq = tmp_path / "pq"
    pq.mkdir()
    for name, frame in csv.frames.items():
        frame.to_parquet(pq / f"{name}.parquet")
    assert _typed(pq).fingerprints == csv.fingerprints


def test_duckdb_file_gives_the_same_tables(tiny_duckdb: Path):
    assert _typed(tiny_duckdb).fingerprints == _typed(TINY).fingerprints


def test_ibis_url_from_an_environment_variable(tiny_duckdb: Path, monkeypatch):
    monkeypatch.setenv("BRAND_WAREHOUSE", f"duckdb://{tiny_duckdb}")
    ds = data.load(Params(source_env="BRAND_WAREHOUSE", **PARAMS))
    assert ds.fingerprints == _typed(TINY).fingerprints
    assert ds.source_description == "database from $BRAND_WAREHOUSE"
    assert str(tiny_duckdb) not in ds.source_description


def test_unset_environment_variable_is_a_data_error(monkeypatch):
    monkeypatch.delenv("NOPE_URL", raising=False)
    with pytest.raises(DataError, match="Environment variable NOPE_URL is not set"):
        data.load(Params(source_env="NOPE_URL", **PARAMS))


def test_connection_failure_never_shows_the_url(monkeypatch):
    secret = "postgres://analyst:hunter2@127.0.0.1:1/brand"
    monkeypatch.setenv("BRAND_PG", secret)
    with pytest.raises(DataError) as caught:
        data.load(Params(source_env="BRAND_PG", **PARAMS))
    assert "hunter2" not in str(caught.value) and secret not in str(caught.value)
    assert "$BRAND_PG" in str(caught.value)


def test_missing_folder_and_duplicate_table_files(tmp_path: Path, tiny_copy: Path):
    with pytest.raises(DataError, match="neither a folder"):
        data.load(Params(data_dir=str(tmp_path / "nowhere"), **PARAMS))
    pd.read_csv(tiny_copy / "models.csv").to_parquet(tiny_copy / "models.parquet")
    with pytest.raises(DataError, match="holds table models twice"):
        data.load(Params(data_dir=str(tiny_copy), **PARAMS))


def test_missing_table_file_names_the_expected_file(tiny_copy: Path):
    (tiny_copy / "staffing.csv").unlink()
    with pytest.raises(DataError) as caught:
        data.load(Params(data_dir=str(tiny_copy), **PARAMS))
    assert "staffing" in str(caught.value) and "staffing.csv, staffing.parquet or staffing.xlsx" in str(caught.value)


def test_fingerprint_ignores_row_order_but_not_content():
    typed = _typed(TINY)
    shuffled = typed["posts"].sample(frac=1, random_state=1)
    assert data.fingerprint(shuffled, "posts") == typed.fingerprints["posts"]
    changed = typed["posts"].copy()
    changed.loc[0, "likes"] = 101
    assert data.fingerprint(changed, "posts") != typed.fingerprints["posts"]


def test_fingerprint_sees_values_swapped_between_rows():
    """Column totals stay the same when two posts swap their likes; the fingerprint must not."""
    typed = _typed(TINY)
    swapped = typed["posts"].copy()
    swapped.loc[[0, 1], "likes"] = swapped.loc[[1, 0], "likes"].to_numpy()
    assert swapped["likes"].sum() == typed["posts"]["likes"].sum()
    assert data.fingerprint(swapped, "posts") != typed.fingerprints["posts"]


def test_brand_filter_keeps_dependent_rows_and_refuses_unknown_brands():
    ds = data.load(Params(data_dir=str(TINY), brands=["Beta"], **PARAMS))
    assert ds["campaigns"]["campaign_id"].tolist() == ["C3"]
    assert set(ds["cost_lines"]["campaign_id"]) == {"C3"} and set(ds["twin_usage"]["asset_id"]) == {"A3"}
    assert set(ds["posts"]["brand"]) == {"Beta"} and len(ds["models"]) == 3
    with pytest.raises(ParamsError, match="'Gamma', which the data does not hold"):
        data.load(Params(data_dir=str(TINY), brands=["Gamma"], **PARAMS))


def test_ibis_table_view_stays_in_the_engine():
    ds = data.load(Params(data_dir=str(TINY), **PARAMS), keep_source=True)
    t = ds.table("posts")
    assert int(t.count().execute()) == 8


# --- posts beyond memory: validated and fingerprinted in the engine, kept there ---------------
@pytest.fixture
def small_memory(monkeypatch):
    monkeypatch.setattr(data, "POSTS_IN_MEMORY", 3)


def test_streamed_posts_give_the_same_fingerprint_and_stay_out_of_pandas(small_memory):
    streamed = data.load(Params(data_dir=str(TINY), **PARAMS), keep_source=True)
    assert "posts" not in streamed.frames and streamed.row_counts()["posts"] == 8
    with pytest.raises(DataError, match=r"data.table\('posts'\)"):
        streamed["posts"]
    assert int(streamed.table("posts").count().execute()) == 8
    data.POSTS_IN_MEMORY = 10**9
    assert streamed.fingerprints == data.load(Params(data_dir=str(TINY), **PARAMS)).fingerprints


def test_streamed_posts_report_bad_rows_by_line(small_memory, tiny_copy: Path):
    lines = (tiny_copy / "posts.csv").read_text().splitlines()
    lines[7] = lines[7].replace(",150,", ",9000,")  # P7 (line 8): likes 9000 > impressions 8000
    lines[8] = lines[8].replace("P8,", "P2,")      # line 9 repeats post P2 from another chunk
    (tiny_copy / "posts.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError) as caught:
        data.load(Params(data_dir=str(tiny_copy), **PARAMS))
    issues = {(i.column, i.rule): i for i in caught.value.issues}
    assert issues[("likes", "likes must not exceed impressions")].where == ["line 8 (post_id P7)"]
    assert issues[("post_id", "must be unique")].where == ["line 3 (post_id P2)", "line 9 (post_id P2)"]


def test_a_runs_validation_of_a_large_file_is_reused_only_while_the_file_is_unchanged(
        small_memory, tiny_copy: Path, tmp_path: Path):
    from twinimpact.sources import snapshot

    calls = []
    real = checks.check

    def counted(raw, name, *a, **k):
        calls.extend([1] if name == "posts" else [])
        return real(raw, name, *a, **k)

    params = Params(data_dir=str(tiny_copy), **PARAMS)
    first = data.load(params, keep_source=True)
    assert "posts" in first.counts  # left in its file
    run_file = snapshot.write(first, params, tmp_path / "snap")
    first.source.close()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(checks, "check", counted)
        state = snapshot.RunState(run_file, True, __import__("json").loads(run_file.read_text()))
        again = snapshot.read(state, params, keep_source=True)
        assert calls == [] and again.fingerprints == first.fingerprints  # reused, not validated again
        again.source.close()
        p = tiny_copy / "posts.csv"
        p.write_text(p.read_text().replace(",150,", ",9000,"))  # the file changed: the snapshot is not used
        assert snapshot.read(state, params, keep_source=True) is None
        with pytest.raises(DataError, match="likes must not exceed impressions"):
            data.load(params)
        assert len(calls) == 1


PG_URL = os.environ.get("TWINIMPACT_TEST_PG_URL")


@pytest.mark.slow
@pytest.mark.skipif(not PG_URL, reason="no PostgreSQL: set TWINIMPACT_TEST_PG_URL (.ci/run starts one)")
def test_postgresql_through_an_ibis_url_gives_the_same_tables(monkeypatch, tmp_path: Path):
    import ibis

    typed = _typed(TINY)
    con = ibis.connect(PG_URL)
    for name, frame in typed.frames.items():
        con.create_table(name, frame, overwrite=True)
    con.disconnect()
    monkeypatch.setenv("BRAND_PG", PG_URL)
    ds = data.load(Params(source_env="BRAND_PG", **PARAMS), keep_source=True)
    assert ds.fingerprints == typed.fingerprints
    # the engine-side work runs in PostgreSQL and agrees with DuckDB
    from twinimpact.analyses.engagement import model as engagement

    local = data.load(Params(data_dir=str(TINY), **PARAMS), keep_source=True)
    cols = ["imagery", "platform", "month", "cluster", "posts", "y", "exposure"]
    pg_cells = engagement.aggregate_cells(ds.table("posts"))[cols]
    duck_cells = engagement.aggregate_cells(local.table("posts"))[cols]
    pd.testing.assert_frame_equal(pg_cells, duck_cells, check_dtype=False)
    # posts kept in PostgreSQL: a run's notebooks connect to it with the same variable, no copy
    from twinimpact.sources import snapshot

    monkeypatch.setattr(data, "POSTS_IN_MEMORY", 3)
    params = Params(source_env="BRAND_PG", **PARAMS)
    large = data.load(params, keep_source=True)
    path = snapshot.write(large, params, tmp_path / "snap")
    meta = json.loads(path.read_text())
    assert meta["attach"] == {"env": "BRAND_PG", "database": True} and meta["copied"] == []
    again = snapshot.read(snapshot.RunState(path, True, meta), params, keep_source=True)
    assert again.table("posts").get_backend().name == "postgres"
    pd.testing.assert_frame_equal(engagement.aggregate_cells(again.table("posts"))[cols], duck_cells, check_dtype=False)


# --- one load per run: the validated snapshot -------------------------------------------------
def test_a_snapshot_gives_the_same_tables_without_validating_again(tmp_path: Path, monkeypatch):
    from twinimpact.sources import snapshot

    params = Params(data_dir=str(TINY), **PARAMS)
    first = data.load(params)
    monkeypatch.setenv(snapshot.RUN_FILE_ENV, str(snapshot.write(first, params, tmp_path / "snap")))
    monkeypatch.setattr(checks, "validate", lambda *a, **k: pytest.fail("validated again"))
    again = snapshot.read(snapshot.current(), params, keep_source=True)
    assert again.fingerprints == first.fingerprints and again.source_description == first.source_description
    for name, frame in first.frames.items():
        pd.testing.assert_frame_equal(again[name], frame)
    assert int(again.table("posts").count().execute()) == 8


def test_a_snapshot_for_other_data_or_scope_is_not_used(tmp_path: Path, monkeypatch):
    from twinimpact.sources import snapshot

    params = Params(data_dir=str(TINY), **PARAMS)
    monkeypatch.setenv(snapshot.RUN_FILE_ENV, str(snapshot.write(data.load(params), params, tmp_path / "snap")))
    state = snapshot.current()
    assert state is not None and snapshot.read(state, params, True) is not None
    assert snapshot.read(state, Params(data_dir=str(TINY), brands=["Beta"], **PARAMS), True) is None
    assert snapshot.read(state, Params(data_dir=str(tmp_path), **PARAMS), True) is None
    assert snapshot.read(state, Params(data_dir=str(TINY), **{**PARAMS, "as_of": "2026-11-27"}), True) is None
    monkeypatch.delenv(snapshot.RUN_FILE_ENV)
    assert snapshot.current() is None  # a notebook opened by hand loads on its own


# --- messages for spreadsheet exports ---------------------------------------------------------
def refusal(folder: Path) -> DataError:
    """The error loading ``folder`` raises (the test fails if it loads)."""
    with pytest.raises(DataError) as caught:
        data.load(Params(data_dir=str(folder), **PARAMS))
    return caught.value


def test_a_windows_1252_csv_is_named_with_its_line_and_how_to_save_it(tiny_copy: Path):
    path = tiny_copy / "campaigns.csv"
    text = path.read_text()
    path.write_bytes(text.replace("Alpha", "Caf\xe9", 1).encode("cp1252"))
    msg = str(refusal(tiny_copy))
    assert "not UTF-8" in msg and "line 2 holds byte 0xE9" in msg and "CSV UTF-8" in msg


def test_decimal_commas_name_the_value_found_and_the_fix(tiny_copy: Path):
    path = tiny_copy / "cost_lines.csv"
    lines = path.read_text().splitlines()
    head, first = lines[0], lines[1].split(",")
    first[-1] = '"1234,5"'
    path.write_text("\n".join([head, ",".join(first), *lines[2:]]) + "\n")
    msg = str(refusal(tiny_copy))
    assert "column amount: must be a number" in msg and "value found '1234,5'" in msg and "decimal point" in msg


def test_a_day_first_date_is_read_day_first_and_a_date_that_is_none_gets_one_message(tiny_copy: Path):
    path = tiny_copy / "models.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, "consent_start"] = "20/05/2023"  # a day above 12: the file writes its dates day first
    frame.to_csv(path, index=False)
    loaded = data.load(Params(data_dir=str(tiny_copy), as_of="2026-11-28"))
    first = frame.loc[0, "model_id"]
    assert str(loaded["models"].set_index("model_id").loc[first, "consent_start"].date()) == "2023-05-20"
    frame.loc[0, "consent_start"] = "2023/20/05"
    frame.to_csv(path, index=False)
    err = refusal(tiny_copy)
    assert [i.rule_id for i in err.issues] == ["models.consent_start.type"]
    assert "value found '2023/20/05'" in str(err) and "YYYY-MM-DD" in str(err)


def test_a_mis_cased_header_is_named_with_the_column_expected(tiny_copy: Path):
    path = tiny_copy / "staffing.csv"
    path.write_text(path.read_text().replace("hourly_rate", "Hourly Rate", 1))
    assert "the file has 'Hourly Rate': column names are lower case with underscores, exactly 'hourly_rate'" in \
        str(refusal(tiny_copy))


def test_line_numbers_count_newlines_inside_quoted_fields(tiny_copy: Path):
    path = tiny_copy / "campaigns.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, "brand"] = "Alpha\nwith a line break"
    frame.loc[1, "looks"] = "many"  # C2 is on line 4: its record starts after the two lines of C1
    frame.to_csv(path, index=False)
    [issue] = [i for i in refusal(tiny_copy).issues if i.column == "looks"]
    assert issue.where == ["line 4 (campaign_id C2)"]


def test_a_foreign_key_into_posts_kept_in_the_engine_is_matched_there(tmp_path, monkeypatch):
    """Posts beyond the in-memory limit stay in the engine: the outcomes' foreign key into them
    is a subquery there, not millions of keys brought into Python, and still names the row."""
    import shutil

    import pandas as pd

    from twinimpact import config
    from twinimpact.contract import checks
    from twinimpact.contract.schemas import ContractViolation

    folder = tmp_path / "sample"
    shutil.copytree(config.SAMPLE_DIR, folder)
    outcomes = pd.read_parquet(folder / "post_outcomes.parquet")
    outcomes.loc[3, "post_id"] = "P99999999"
    outcomes.to_parquet(folder / "post_outcomes.parquet")
    monkeypatch.setattr(data, "POSTS_IN_MEMORY", 1000)
    called = []
    monkeypatch.setattr(checks, "keys", lambda *a, **k: called.append(a[1]) or set())  # would list every key
    with pytest.raises(ContractViolation) as caught:
        data.load(Params(data_dir=str(folder), as_of="2026-11-28"))
    assert "posts" not in called
    issue = next(i for i in caught.value.issues if i.rule_id == "post_outcomes.post_id.exists")
    assert issue.rows == 1 and "post_id P99999999" in issue.where


# --- the docs' recipes for loading a folder into a DuckDB file and into PostgreSQL --------
def readme_recipe(name: str, folder: Path) -> str:
    """The Python block of docs/how-to/databases.md after ``<!-- recipe: NAME -->``, pointed at ``folder``."""
    text = (config.ROOT / "docs" / "how-to" / "databases.md").read_text()
    block = text.split(f"<!-- recipe: {name} -->", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    assert "path/to/folder" in block
    return block.replace("path/to/folder", str(folder))


def test_the_readmes_duckdb_recipe_loads_a_folder_into_a_file_that_validates_alike(tmp_path: Path, monkeypatch):
    shutil.copytree(TINY, tmp_path / "brand")
    monkeypatch.chdir(tmp_path)
    exec(compile(readme_recipe("duckdb", tmp_path / "brand"), "databases.md", "exec"), {})
    from_file = data.load(Params(data_dir=str(tmp_path / "brand.duckdb"), **PARAMS))
    assert from_file.fingerprints == data.load(Params(data_dir=str(TINY), **PARAMS)).fingerprints


@pytest.mark.slow
@pytest.mark.skipif(not PG_URL, reason="no PostgreSQL: set TWINIMPACT_TEST_PG_URL (.ci/run starts one)")
def test_the_readmes_postgres_recipe_loads_a_folder_that_validates_alike(tmp_path: Path, monkeypatch):
    import psycopg

    from twinimpact.contract.spec import CONTRACT

    shutil.copytree(config.SAMPLE_DIR, tmp_path / "brand")  # CSV and Parquet files
    with psycopg.connect(PG_URL) as pg:  # an empty database, as a brand starts with (other tests leave tables)
        for name in CONTRACT:
            pg.execute(f"DROP TABLE IF EXISTS {name}")
    monkeypatch.setenv("BRAND_WAREHOUSE", PG_URL.replace("postgres://", "postgresql://", 1))
    exec(compile(readme_recipe("postgres", tmp_path / "brand"), "databases.md", "exec"), {})
    monkeypatch.setenv("BRAND_PG", PG_URL)
    loaded = data.load(Params(source_env="BRAND_PG", as_of="2026-11-28"))
    assert loaded.fingerprints == data.load(Params(as_of="2026-11-28")).fingerprints


def test_duckdb_spills_into_a_temporary_folder_that_did_not_exist(tmp_path: Path):
    """A fresh machine's temporary folder has no twinimpact-duckdb folder yet, and DuckDB
    makes only a spill folder's last part: an aggregation larger than the memory limit must
    still finish (it failed the 10M-post validation after a reboot)."""
    import subprocess
    import sys

    code = ("from twinimpact.sources.data import duckdb_connect\n"
            "con = duckdb_connect()\n"
            "print(con.raw_sql('select count(*) from (select i, sum(i) from range(12000000) t(i) group by i)')"
            ".fetchall()[0][0])\n")
    env = {**os.environ, "TMPDIR": str(tmp_path), "TWINIMPACT_DUCKDB_MEMORY": "64MB"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "12000000" and (tmp_path / "twinimpact-duckdb").is_dir()


def _fk_issues(raw: dict[str, pd.DataFrame], by_aggregate: bool) -> list:
    """The engine's issues with posts and their outcomes checked as large tables, the
    outcomes' foreign key matched by hash join or by aggregate."""
    import ibis

    from tests.conftest import AS_OF
    from twinimpact.contract.schemas import ContractViolation

    large = {"posts", "post_outcomes"}
    with pytest.raises(ContractViolation) as caught:
        checks.validate({n: ibis.memtable(f) for n, f in raw.items()}, currencies=set(TINY_FX),
                        reporting_currency="EUR", as_of=AS_OF, large=large,
                        keys_by_aggregate=large if by_aggregate else set())
    return [(i.table, i.column, i.rule_id, i.rows, i.where, i.note) for i in caught.value.issues]


def test_a_foreign_key_into_a_large_table_is_reported_alike_by_join_and_by_aggregate(tiny_raw, monkeypatch):
    used = []
    real = checks._key_groups
    monkeypatch.setattr(checks, "_key_groups", lambda *a: used.append(1) or real(*a))
    # three outcome rows name posts that do not exist, two of them the same one (rows are
    # counted, not keys); one names a post of its own twice (uniqueness, untouched)
    raw = {n: f.copy() for n, f in tiny_raw.items()}
    raw["post_outcomes"].loc[[0, 1], "post_id"] = "P99"
    raw["post_outcomes"].loc[2, "post_id"] = "P98"
    by_join = _fk_issues(raw, False)
    assert not used
    by_aggregate = _fk_issues(raw, True)
    assert len(used) == 3  # the counts of the outcomes and the experiments (both name posts), the first rows
    assert by_aggregate == by_join
    exists = [i for i in by_aggregate if i[2] == "post_outcomes.post_id.exists"]
    assert len(exists) == 1 and exists[0][3] == 3, by_aggregate
    assert exists[0][4] == ["post_id P98", "post_id P99", "post_id P99"]
    assert exists[0][5] == "value found 'P98'"
    # the repeats of the outcomes' key counted by the same group-by
    assert [i[3] for i in by_aggregate if i[2] == "post_outcomes.post_id.unique"] == [2]
    # and with every key found, the aggregate finds nothing
    import ibis

    from tests.conftest import AS_OF

    done = checks.validate({n: ibis.memtable(f) for n, f in tiny_raw.items()}, currencies=set(TINY_FX),
                           reporting_currency="EUR", as_of=AS_OF, large={"posts", "post_outcomes"},
                           keys_by_aggregate={"posts"})
    assert done["post_outcomes"].rows == len(tiny_raw["post_outcomes"])


def test_which_large_tables_are_matched_by_aggregate(monkeypatch):
    assert data.memory_mb("256MB") == 256 and data.memory_mb("1GB") == 1000 and data.memory_mb("2 GiB") == 2048
    most = 256 * data.JOIN_KEYS_PER_MB  # 20.48M keys at the default 256MB
    large = {"posts", "post_outcomes"}
    assert data.keys_by_aggregate("folder", {"posts": most, "post_outcomes": most}, large) == set()
    assert data.keys_by_aggregate("duckdb", {"posts": most + 1, "post_outcomes": 9}, large) == {"posts"}
    assert data.keys_by_aggregate("url", {"posts": 10 * most}, large) == set()  # PostgreSQL, Spark: their joins
    monkeypatch.setattr(data, "DUCKDB_MEMORY", "lots")
    with pytest.raises(ParamsError, match="TWINIMPACT_DUCKDB_MEMORY is 'lots'"):
        data.keys_by_aggregate("folder", {"posts": 1}, large)


def test_a_dataset_joins_large_duckdb_tables_in_parts_of_at_most_the_keys_its_memory_joins(monkeypatch):
    from tests.conftest import AS_OF

    most = 256 * data.JOIN_KEYS_PER_MB  # 20.48M rows at the default 256MB

    def parts(kind: str | None, counts: dict[str, int]) -> int:
        source = data.Source(kind, "brand.duckdb", None) if kind else None
        ds = data.Dataset({}, {}, "x", AS_OF, source=source, counts=counts, reference={})
        return ds.join_parts("posts", "post_outcomes")

    assert parts("duckdb", {"posts": most, "post_outcomes": most}) == 1
    assert parts("duckdb", {"posts": most + 1, "post_outcomes": 5}) == 2
    assert parts("folder", {"posts": 100_000_000, "post_outcomes": 90_000_000}) == 5  # 100M / 20.48M
    assert parts("duckdb", {"campaigns": 10 * most}) == 1  # a table the join does not read
    assert parts("url", {"posts": 10 * most}) == 1  # PostgreSQL, Spark: their joins spill without our limit
    assert parts(None, {"posts": 10 * most}) == 1
    monkeypatch.setattr(data, "DUCKDB_MEMORY", "1GB")
    assert parts("folder", {"posts": 100_000_000}) == 2  # 100M / 80M


def test_duckdb_out_of_memory_is_named_as_such_with_the_setting_to_raise():
    source = data.Source("duckdb", "brand.duckdb", None)
    err = data._read_failure(source, "post_outcomes", RuntimeError(
        "Out of Memory Error: failed to pin block of size 256.0 KiB (244.0 MiB/244.1 MiB used)\n\nPossible solutions:"))
    text = str(err)
    assert isinstance(err, ResourceError) and err.exit_code == 6  # the environment's limit, not bad data
    assert text.startswith("Cannot check table post_outcomes from brand.duckdb: DuckDB ran out of the memory")
    assert f"now {data.DUCKDB_MEMORY}" in text and "TWINIMPACT_DUCKDB_MEMORY=1GB" in text
    assert data.out_of_memory("Binder Error: column x not found") is None
    full = data._read_failure(source, "posts", RuntimeError(
        "IO Error: Could not write file \"/tmp/twinimpact-duckdb/1-a/duckdb_temp_storage-0.tmp\": "
        "No space left on device"))
    assert isinstance(full, ResourceError) and full.exit_code == 6
    assert "temporary folder is full" in str(full) and "TMPDIR" in str(full)
    failure = data._read_failure(source, "posts", RuntimeError("IO Error: cannot open file"))
    assert type(failure) is DataError and failure.exit_code == 3
    other = str(failure)
    assert "memory" not in other and "IO Error: cannot open file" in other


def test_a_thousands_separator_is_named_as_one_and_the_fix_gives_the_right_number(tiny_copy: Path):
    """The probe's case: "42,354" in a whole-number column was hinted as a decimal comma, and
    following that hint gave 42.354, still refused."""
    path = tiny_copy / "posts.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, "impressions"] = "42,354"
    frame.to_csv(path, index=False)
    msg = str(refusal(tiny_copy))
    assert "value found '42,354'" in msg and "a thousands separator: write 42354" in msg
    assert "decimal comma" not in msg


def test_a_database_urls_large_tables_stay_there_for_the_notebooks(tiny_duckdb: Path, tmp_path: Path, monkeypatch,
                                                                      small_memory):
    """A database named by a URL (here a DuckDB file; PostgreSQL the same way, in
    test_postgresql_...): the posts kept in the engine are not copied into the snapshot; a
    notebook's read connects to the same database with the same variable and its cells
    equal the run's own, and the snapshot never holds the URL."""
    from twinimpact.analyses.engagement import model as engagement
    from twinimpact.sources import snapshot

    url = f"duckdb://{tiny_duckdb}"
    monkeypatch.setenv("BRAND_DB", url)
    params = Params(source_env="BRAND_DB", **PARAMS)
    ds = data.load(params, keep_source=True)
    assert "posts" in ds.counts
    path = snapshot.write(ds, params, tmp_path / "snap")
    meta = path.read_text()
    assert '"database": true' in meta and '"copied": []' in meta and url not in meta and str(tiny_duckdb) not in meta
    assert not list((tmp_path / "snap").glob("posts*"))
    again = snapshot.read(snapshot.RunState(path, True, __import__("json").loads(meta)), params, keep_source=True)
    cols = ["imagery", "platform", "month", "cluster", "posts", "y", "exposure"]
    pd.testing.assert_frame_equal(engagement.aggregate_cells(again.table("posts"))[cols],
                                  engagement.aggregate_cells(ds.table("posts"))[cols])
