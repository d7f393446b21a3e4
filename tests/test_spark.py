"""The workbook on Spark (ibis's pyspark backend, a local[2] session): the same validation
messages for broken tables, the same fingerprints, and a whole run whose results.json
equals the DuckDB run's on the same data (1e-9 relative).

Skipped, with the reason, only where pyspark or Java cannot be had; ``.ci/run`` installs
both, so under CI these tests run.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from twinimpact.sources import data, spark
from twinimpact.params import Params
from twinimpact.contract.schemas import ContractViolation
from tests.conftest import TINY, TINY_FX

WHY_NOT = spark.available()
pytestmark = [pytest.mark.slow, pytest.mark.skipif(WHY_NOT is not None, reason=f"Spark tests skipped: {WHY_NOT}")]
PARAMS = dict(fx_rates=TINY_FX, as_of="2026-11-28")


def _parquet_folder(frames: dict[str, pd.DataFrame], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    return folder


@pytest.fixture(scope="module")
def tiny_typed() -> data.Dataset:
    return data.load(Params(data_dir=str(TINY), **PARAMS))


def _spark_params(folder: Path, monkeypatch, **kw) -> Params:
    monkeypatch.setenv("TI_SPARK", f"pyspark://local[2]?tables={folder}")
    return Params(source_env="TI_SPARK", **{**PARAMS, **kw})


def test_spark_tables_give_the_same_typed_tables_and_fingerprints(tiny_typed, tmp_path: Path, monkeypatch):
    folder = _parquet_folder(tiny_typed.frames, tmp_path / "tiny")
    on_spark = data.load(_spark_params(folder, monkeypatch))
    assert on_spark.fingerprints == tiny_typed.fingerprints
    for name, frame in tiny_typed.frames.items():
        pd.testing.assert_frame_equal(on_spark[name], frame)
    assert "pyspark" not in on_spark.source_description and str(folder) not in on_spark.source_description


def _break(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """One broken row for each kind of rule, on the typed tables (as Parquet holds them)."""
    f = {n: x.copy() for n, x in frames.items()}
    f["posts"].loc[2, "likes"] = 99_999                  # likes above impressions
    f["posts"].loc[7, "post_id"] = "P2"                  # a repeated key
    f["posts"].loc[0, "campaign_id"] = "C9"              # a campaign that does not exist
    f["posts"].loc[4, "platform"] = "facebook "          # stored text is taken as it is: not a platform
    f["cost_lines"].loc[1, "amount"] = float("inf")      # not finite (Spark's isinf misses it)
    f["cost_lines"].loc[3, "amount"] = -5.0              # below its minimum
    f["staffing"].loc[2, "role"] = "caterer"             # not one of the roles
    f["models"].loc[2, "currency"] = "usd"               # not ISO 4217
    f["twin_usage"].loc[0, "used_on"] = pd.Timestamp("2099-01-01")  # after the run date
    return f


def _issues(params: Params) -> list[tuple]:
    with pytest.raises(ContractViolation) as caught:
        data.load(params)
    return [(i.table, i.column, i.rule, i.rows, tuple(i.where), i.rule_id) for i in caught.value.issues]


def test_a_broken_table_gives_the_same_messages_on_spark_and_duckdb(tiny_typed, tmp_path: Path, monkeypatch):
    folder = _parquet_folder(_break(tiny_typed.frames), tmp_path / "broken")
    on_duckdb = _issues(Params(data_dir=str(folder), **PARAMS))
    on_spark = _issues(_spark_params(folder, monkeypatch))
    assert on_spark == on_duckdb
    ids = {i[-1] for i in on_spark}
    assert {"posts.likes.within_impressions", "posts.post_id.unique", "posts.platform.one_of", "posts.campaign_id.exists",
            "cost_lines.amount.finite", "cost_lines.amount.minimum", "staffing.role.one_of",
            "models.currency.iso4217", "models.currency.has_rate", "twin_usage.used_on.not_after_run_date"} == ids
    unique = next(i for i in on_spark if i[-1] == "posts.post_id.unique")
    assert unique[3:5] == (2, ("post_id P2", "post_id P2"))


def _numbers(node, path=""):
    """Every number in a results.json, by its path."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _numbers(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _numbers(v, f"{path}[{i}]")
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        yield path, node


def _run(out: Path, *args: str, env: dict | None = None) -> dict:
    proc = subprocess.run([sys.executable, "-m", "twinimpact", "run", "--out", str(out), *args],
                          capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads((out / "latest" / "results.json").read_text())


def test_the_whole_run_on_spark_equals_the_duckdb_run(tmp_path: Path):
    """The bundled sample as Spark tables; posts beyond the in-memory limit, so they are
    validated in Spark and the notebooks attach to the run's session to work on them."""
    sample = data.load(Params())
    folder = _parquet_folder(sample.frames, tmp_path / "sample")
    limit = {"TWINIMPACT_POSTS_IN_MEMORY": "1000"}
    url = f"pyspark://local[2]?tables={folder}"
    on_duckdb = _run(tmp_path / "duck", "--data", str(folder), env=limit)
    on_spark = _run(tmp_path / "spark", "--source", "TI_SPARK_RUN", env={**limit, "TI_SPARK_RUN": url})
    assert on_spark["run"]["data_fingerprint"] == on_duckdb["run"]["data_fingerprint"]
    duck, spk = dict(_numbers(on_duckdb)), dict(_numbers(on_spark))
    skip = ("/run/",)  # run id, times
    keys = [k for k in duck if not k.startswith(skip)]
    assert len(keys) > 100 and set(keys) <= set(spk)
    differ = [(k, duck[k], spk[k]) for k in keys
              if not math.isclose(duck[k], spk[k], rel_tol=1e-9, abs_tol=1e-12)]
    assert not differ, differ[:10]
    text = json.dumps(on_spark) + "".join(p.read_text(errors="replace")
                                          for p in (tmp_path / "spark").rglob("*") if p.suffix in (".json", ".log"))
    assert url not in text and str(folder) + "?" not in text


def test_large_tables_are_written_by_spark_and_never_collected_through_the_driver(tmp_path: Path, monkeypatch):
    """Without the Spark Connect client, posts beyond the in-memory limit: the run's copy for the notebooks is written by
    Spark's executors (a folder of part files), with no batch of rows pulled through the
    Python driver, and reads back as the same typed table (its fingerprint)."""
    import ibis.expr.types as ir

    from twinimpact.sources import snapshot

    sample = data.load(Params(as_of="2026-11-28"))
    folder = _parquet_folder(sample.frames, tmp_path / "sample")
    monkeypatch.setattr(data, "POSTS_IN_MEMORY", 1000)
    monkeypatch.setattr(spark, "attachable", lambda: False)  # no Spark Connect client: the copy
    monkeypatch.setenv("TI_SPARK", f"pyspark://local[2]?tables={folder}")
    params = Params(source_env="TI_SPARK", as_of="2026-11-28")
    ds = data.load(params, keep_source=True)
    assert set(ds.counts) == {"posts", "post_outcomes"}

    def collected(self, *a, **k):
        raise AssertionError("a large table was collected through the driver")

    monkeypatch.setattr(ir.Table, "to_pyarrow_batches", collected)
    path = snapshot.write(ds, params, tmp_path / "snap")
    assert (tmp_path / "snap" / "posts.parquet").is_dir()
    assert list((tmp_path / "snap" / "posts.parquet").glob("part-*.parquet"))
    meta = json.loads(path.read_text())
    copies = snapshot._open_copies(tmp_path / "snap", meta["copied"])
    from twinimpact.contract import checks

    typed = checks.typed(copies.tables["posts"], "posts", False)
    assert checks.fingerprint(typed, "posts") == ds.fingerprints["posts"]


def test_a_spark_session_that_dies_is_said_for_what_it_is():
    """Out of memory is exit 6 naming the settings to raise; a session that stopped
    answering is exit 3 naming the engine and the step; neither mentions the disk."""
    oom = spark.failure(RuntimeError("Job aborted ... java.lang.OutOfMemoryError: Java heap space"),
                        "writing the validated posts for the notebooks")
    assert oom.exit_code == 6 and "driver_memory=4g" in str(oom) and "spark.driver.memory" in str(oom)
    dead = spark.failure(ConnectionRefusedError(111, "Connection refused"), "writing the validated posts for the "
                         "notebooks")
    assert dead.exit_code == 3 and "The Spark session failed while writing the validated posts" in str(dead)
    assert "disk" not in str(oom) + str(dead) and "--out" not in str(oom) + str(dead)


ATTACHED = """
import json, sys
from pathlib import Path
import pyspark.sql.connect.dataframe as cdf
from twinimpact.analyses.engagement import model as engagement
from twinimpact.params import Params
from twinimpact.sources import snapshot

sys.path.insert(0, sys.argv[2])
import driver_rows

counted = {}
driver_rows.install(cdf.DataFrame, counted)
path = Path(sys.argv[1])
meta = json.loads(path.read_text())
params = Params(source_env="TI_SPARK", as_of="2026-11-28")
ds = snapshot.read(snapshot.RunState(path, True, meta), params, keep_source=True)
assert ds.source.description == "the run's Spark session", ds.source.description
engagement.analyse(ds, params)
print(counted["rows"])
"""


def test_rows_crossing_the_driver_do_not_grow_with_the_posts(tmp_path: Path, monkeypatch):
    """Validation, the snapshot, and the engagement analysis of a notebook attached to the
    run's session, on Spark, for the sample's posts and for twice as many: every row any
    Spark DataFrame hands to Python (collect, toPandas, toArrow, a local iterator; the
    session's own and the attached notebook's Spark Connect frames) is counted. The count
    does not double with the posts (it is bounded by the tables' summaries, the covariate
    cells and the seeded sample, not by the posts), and no copy of a table is written."""
    from pyspark.sql.classic.dataframe import DataFrame as Classic

    from twinimpact.sources import snapshot

    from tests import driver_rows

    counted: dict[str, int] = {}
    driver_rows.install(Classic, counted, monkeypatch.setattr)
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:  # started by an earlier test without Spark Connect: a run starts its own
        active.stop()
    sample = data.load(Params(as_of="2026-11-28"))
    monkeypatch.setattr(data, "POSTS_IN_MEMORY", 1000)
    twice = dict(sample.frames)
    more_posts = sample.frames["posts"].assign(post_id=sample.frames["posts"]["post_id"] + "-b")
    twice["posts"] = pd.concat([sample.frames["posts"], more_posts], ignore_index=True)
    more = twice["post_outcomes"].assign(post_id=twice["post_outcomes"]["post_id"] + "-b")
    twice["post_outcomes"] = pd.concat([twice["post_outcomes"], more], ignore_index=True)
    rows = {}
    for label, frames in (("once", sample.frames), ("twice", twice)):
        folder = _parquet_folder(frames, tmp_path / label)
        monkeypatch.setenv("TI_SPARK", f"pyspark://local[2]?tables={folder}")
        params = Params(source_env="TI_SPARK", as_of="2026-11-28")
        counted["rows"] = 0
        ds = data.load(params, keep_source=True)
        path = snapshot.write(ds, params, tmp_path / f"snap-{label}")
        meta = json.loads(path.read_text())
        assert meta["attach"] and not meta["copied"] and not list((tmp_path / f"snap-{label}").glob("post*"))
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        validated = counted["rows"]
        # a notebook's kernel is another process (a process with a Spark session cannot open
        # a Spark Connect one): the same counting there, around the engagement analysis
        proc = subprocess.run([sys.executable, "-c", ATTACHED, str(path), str(Path(__file__).parent)],
                              capture_output=True, text=True,
                              timeout=600, env={**os.environ, "TWINIMPACT_POSTS_IN_MEMORY": "1000"})
        assert proc.returncode == 0, proc.stderr[-3000:]
        rows[label] = (validated, json.loads(proc.stdout.strip().splitlines()[-1]), len(frames["posts"]))
        ds.source.close()
    (v1, a1, posts), (v2, a2, _) = rows["once"], rows["twice"]
    # twice the posts: the same rows from validation, and from the analysis at most 10% more
    # (its covariate cells fill in; the negative binomial's sample is capped by nb_max_rows)
    assert 0 < v1 == v2 and 0 < a1 and a2 <= 1.1 * a1, rows


SERVER = """
import os, sys, time
from pyspark.sql import SparkSession
port, token, folder, warehouse = sys.argv[1:5]
os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
spark = (SparkSession.builder.master("local[2]").appName("connect-server").config("spark.ui.enabled", "false")
         .config("spark.sql.session.timeZone", "UTC").config("spark.sql.warehouse.dir", warehouse)
         .config("spark.plugins", "org.apache.spark.sql.connect.SparkConnectPlugin")
         .config("spark.connect.grpc.binding.address", "127.0.0.1").config("spark.connect.grpc.binding.port", port)
         .config("spark.connect.authenticate.token", token)
         .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1").getOrCreate())
for f in sorted(os.listdir(folder)):
    spark.read.parquet(os.path.join(folder, f)).write.mode("overwrite").saveAsTable(f.removesuffix(".parquet"))
print("ready", flush=True)
sys.stdin.read()  # until the test closes our stdin
"""


def test_a_spark_connect_server_as_the_source(tmp_path: Path):
    """``sc://host:port/;token=...``: a Spark Connect server holding the sample's tables in
    its catalog. The run validates there as a client and its notebooks attach to the same
    server with the URL from the same variable; every number equals the DuckDB run's on the
    same data (1e-9 relative), and neither the URL nor its token is written anywhere."""
    sample = data.load(Params())
    folder = _parquet_folder(sample.frames, tmp_path / "sample")
    port, token = str(spark._free_port()), "t0k3n-for-this-test"
    script = tmp_path / "server.py"
    script.write_text(SERVER)
    server = subprocess.Popen([sys.executable, str(script), port, token, str(folder), str(tmp_path / "warehouse")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert server.stdout.readline().strip() == "ready"
        url = f"sc://localhost:{port}/;token={token}"
        limit = {"TWINIMPACT_POSTS_IN_MEMORY": "1000"}
        on_connect = _run(tmp_path / "connect", "--source", "TI_SC", env={**limit, "TI_SC": url})
        on_duckdb = _run(tmp_path / "duck", "--data", str(folder), env=limit)
    finally:
        server.stdin.close()
        server.wait(timeout=60)
    assert on_connect["run"]["data_fingerprint"] == on_duckdb["run"]["data_fingerprint"]
    duck, conn = dict(_numbers(on_duckdb)), dict(_numbers(on_connect))
    keys = [k for k in duck if not k.startswith("/run/")]
    differ = [(k, duck[k], conn.get(k)) for k in keys
              if k not in conn or not math.isclose(duck[k], conn[k], rel_tol=1e-9, abs_tol=1e-12)]
    assert len(keys) > 100 and not differ, differ[:10]
    written = "".join(p.read_text(errors="replace") for p in (tmp_path / "connect").rglob("*")
                      if p.is_file() and p.suffix in (".json", ".log", ".html", ".csv", ".md", ".ipynb"))
    assert token not in written and url not in written


def test_a_spark_session_killed_while_notebooks_run_is_said_within_seconds(tmp_path: Path):
    """The run's Spark JVM killed while its notebooks are attached: the run exits 3 within
    60 s of the kill (the attached clients retry for about 15 s), naming the run's Spark
    session and a notebook, publishing nothing."""
    import psutil

    sample = data.load(Params())
    folder = _parquet_folder(sample.frames, tmp_path / "sample")
    env = {**os.environ, "TWINIMPACT_POSTS_IN_MEMORY": "1000", "TI_SPARK": f"pyspark://local[2]?tables={folder}"}
    proc = subprocess.Popen([sys.executable, "-m", "twinimpact", "run", "--source", "TI_SPARK", "--out",
                             str(tmp_path / "out"), "--fresh"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            text=True, env=env)
    killed_at, said = None, []
    for line in proc.stderr:
        said.append(line)
        if killed_at is None and "03_engagement ..." in line:
            time.sleep(3)
            for child in psutil.Process(proc.pid).children(recursive=True):
                if "java" in child.name():
                    child.kill()
                    killed_at = time.monotonic()
    proc.wait(timeout=300)
    assert killed_at is not None and proc.returncode == 3, "".join(said)
    assert time.monotonic() - killed_at < 60
    text = "".join(said)
    assert "The run's Spark session failed while notebook" in text and "stopped answering" in text
    assert not (tmp_path / "out" / "latest").exists()
