"""Bad input and faults of a brand's first real export, one test per class: each gives its
documented exit code and a message naming the file, column, parameter or path, and leaves
the previous report and ``latest`` as they were (docs/DESIGN.md, exit codes).

Classes: legal but unexpected values, hostile text, validation in one pass, paths, the
``statements`` and ``prune`` commands outside the happy path, concurrent writers of shared
files, and secrets in messages. Too little data is tests/test_minimum_data.py's."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TINY, TINY_PARAMS
from twinimpact import cli
from twinimpact.run import model_statements, publish, render
from twinimpact.sources.redaction import redact


def twinimpact(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None
               ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "twinimpact", *args], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, **(env or {})}, timeout=600)


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    """A reports folder holding one published run of the tiny fixture (the 'previous report')."""
    out = tmp_path_factory.mktemp("faults") / "reports"
    proc = twinimpact("run", "-p", str(TINY_PARAMS), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


def state(reports: Path) -> tuple[str, str, list[str]]:
    """What must survive a failed command: where latest points, the runs index, the runs."""
    return (os.readlink(reports / "latest"), hashlib.sha256((reports / "index.html").read_bytes()).hexdigest(),
            sorted(p.name for p in reports.iterdir() if not p.name.startswith(".")))


def data_with(tmp_path: Path, table: str, old: bytes, new: bytes) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(TINY, folder)
    path = folder / f"{table}.csv"
    raw = path.read_bytes()
    assert old in raw
    path.write_bytes(raw.replace(old, new, 1))
    return folder


def run_fails(reports: Path, code: int, *args: str, **kw) -> str:
    """Run with ``--out reports``; assert the exit code and that nothing moved; the message."""
    before = state(reports)
    proc = twinimpact("run", "-p", str(TINY_PARAMS), "--out", str(reports), "--only", "00", *args, **kw)
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    assert state(reports) == before
    assert not (reports / "_failed").exists() or code == 4
    return proc.stderr


# --- legal but unexpected values -----------------------------------------------------------------
def test_a_labor_year_without_campaigns_is_refused_naming_the_years_there_are(reports: Path, tmp_path: Path):
    params = tmp_path / "p.yaml"
    params.write_text(TINY_PARAMS.read_text().replace("data_dir: tiny", f"data_dir: {TINY}") + "labor_year: 2100\n")
    before = state(reports)
    proc = twinimpact("run", "-p", str(params), "--out", str(reports), "--only", "00")
    assert proc.returncode == 2 and "'labor_year' is 2100" in proc.stderr and "years with campaigns: 2024" in proc.stderr
    assert state(reports) == before


# --- hostile text ---------------------------------------------------------------------------------
def test_a_nul_byte_in_a_brand_is_a_broken_rule_at_its_line(reports: Path, tmp_path: Path):
    err = run_fails(reports, 3, "--data", str(data_with(tmp_path, "campaigns", b"C1,Alpha", b"C1,Al\x00pha")))
    assert "column brand" in err and "[rule campaigns.brand.printable]" in err and "line 2 (campaign_id C1)" in err
    assert "\x00" not in err and "value found 'Al\\x00pha'" in err


def test_a_megabyte_key_is_reported_as_its_length_rule_with_the_value_cut_short(reports: Path, tmp_path: Path):
    folder = data_with(tmp_path, "campaigns", b"C2,Alpha", b"C" + b"9" * 1_000_000 + b",Alpha")
    err = run_fails(reports, 3, "--data", str(folder))
    assert "[rule campaigns.campaign_id.length]" in err and "at most 64 characters" in err
    assert "(1,000,001 characters)" in err and "line 3" in err and len(err) < 5_000


def test_a_megabyte_value_in_a_closed_list_quotes_it_cut_short(reports: Path, tmp_path: Path):
    folder = data_with(tmp_path, "campaigns", b",traditional,", b",trad" + b"x" * 1_000_000 + b",")
    err = run_fails(reports, 3, "--data", str(folder))
    assert "[rule campaigns.production_mode.one_of]" in err and "(1,000,004 characters)" in err and len(err) < 3_000


def test_a_two_megabyte_line_is_named_at_its_own_line_without_echoing_it(reports: Path, tmp_path: Path):
    folder = data_with(tmp_path, "campaigns", b"C2,Alpha", b"C2,A" + b"l" * 2_200_000 + b"pha")
    err = run_fails(reports, 3, "--data", str(folder))
    assert "[rule campaigns.brand.length]" in err and "line 3 (campaign_id C2)" in err and len(err) < 3_000


# --- validation in one pass ------------------------------------------------------------------------
def test_a_misnamed_header_hides_none_of_the_files_other_problems(reports: Path, tmp_path: Path):
    folder = data_with(tmp_path, "campaigns", b"production_mode", b"productionmode")
    (folder / "campaigns.csv").write_bytes((folder / "campaigns.csv").read_bytes().replace(b"2024-02-01", b"2024-13-01"))
    (folder / "posts.csv").write_bytes((folder / "posts.csv").read_bytes().replace(b"instagram", b"Instagramm", 1))
    err = run_fails(reports, 3, "--data", str(folder))
    assert "[rule campaigns.production_mode.present]; the file has 'productionmode'" in err
    assert "0 rows break it" not in err
    assert "[rule campaigns.start_date.type]" in err and "value found '2024-13-01'" in err
    assert "[rule posts.platform.one_of]" in err and "value found 'Instagramm'" in err  # closed lists quote it


# --- paths -----------------------------------------------------------------------------------------
def test_a_relative_out_publishes_under_the_working_directory(tmp_path: Path):
    proc = twinimpact("run", "-p", str(TINY_PARAMS), "--out", "cron-reports", "--only", "00", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    page = Path(proc.stdout.strip().splitlines()[-1])
    assert page.is_file() and page.is_relative_to(tmp_path / "cron-reports")


def test_a_symlink_loop_as_data_is_a_data_error_naming_the_path(reports: Path, tmp_path: Path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    err = run_fails(reports, 3, "--data", str(tmp_path / "a"))
    assert "Data path" in err and str(tmp_path / "a") in err and "internal error" not in err


def test_a_duckdb_url_to_a_missing_file_creates_nothing(reports: Path, tmp_path: Path):
    missing = tmp_path / "nowhere.duckdb"
    err = run_fails(reports, 3, "--source", "BRAND_DB", env={"BRAND_DB": f"duckdb:///{missing}"})
    assert "does not exist" in err and str(missing) in err and not missing.exists()
    proc = twinimpact("validate", "--source", "BRAND_DB", env={"BRAND_DB": f"duckdb:///{missing}"})
    assert proc.returncode == 3 and not missing.exists()


# --- statements and prune outside the happy path ------------------------------------------------
def test_statement_file_names_are_short_and_safe_and_the_id_stays_inside():
    long_id = "M" + "x" * 299
    name = model_statements._safe_name(long_id)
    assert len(name) <= model_statements.NAME_LENGTH and name.startswith("Mxxx")
    assert model_statements._safe_name(long_id + "y") != name  # the hash keeps two long ids apart
    assert model_statements._safe_name("../../etc/passwd") == "_.._etc_passwd"


def test_statements_into_a_file_exit_5_naming_it(tmp_path: Path):
    target = tmp_path / "a-file"
    target.write_text("keep me")
    proc = twinimpact("statements", "-p", str(TINY_PARAMS), "--out", str(target))
    assert proc.returncode == 5 and str(target) in proc.stderr and "not a folder" in proc.stderr
    assert target.read_text() == "keep me" and "internal error" not in proc.stderr


def test_statements_that_fail_midway_publish_nothing_and_keep_the_previous_ones(tmp_path: Path, monkeypatch,
                                                                                 capsys):
    out = tmp_path / "statements"
    assert cli.main(["statements", "-p", str(TINY_PARAMS), "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    written = []
    real = Path.write_text

    def full_disk(self, *a, **k):
        written.append(self)
        if len(written) > 1:
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, *a, **k)

    monkeypatch.setattr(Path, "write_text", full_disk)
    assert cli.main(["statements", "-p", str(TINY_PARAMS), "--out", str(out)]) == 5
    err = capsys.readouterr().err
    assert "No space left on device" in err and "previous statements are intact" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["statements"]  # no temporary folder left


def test_prune_that_cannot_remove_a_run_exits_5_naming_it(reports: Path, tmp_path: Path, monkeypatch, capsys):
    out = tmp_path / "reports"
    shutil.copytree(reports, out, symlinks=True)
    assert cli.main(["run", "-p", str(TINY_PARAMS), "--out", str(out)]) == 0  # a second run: the first may go
    capsys.readouterr()

    def read_only(path, *a, **k):
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(publish.shutil, "rmtree", read_only)
    assert cli.main(["prune", "--out", str(out), "--keep", "1"]) == 5
    err = capsys.readouterr().err
    assert "Read-only file system" in err and str(out) in err and "internal error" not in err


# --- concurrent writers of shared files --------------------------------------------------------------
def test_processes_writing_the_shared_plotly_js_at_once_never_show_a_reader_half_a_file(tmp_path: Path):
    """Four processes write the shared plotly.js into one folder at once (as a sweep's runs
    do) while this process reads it as fast as it can: whenever the file is there it is whole,
    in every round, and it is readable by other users (a page served from the folder)."""
    code = ("import sys; from pathlib import Path; from twinimpact.run import render; "
            "render.write_plotly_js(Path(sys.argv[1]))")
    for round_ in range(3):
        folder = tmp_path / f"round-{round_}"
        folder.mkdir()
        target = folder / render.plotly_js_name()
        writers = [subprocess.Popen([sys.executable, "-c", code, str(folder)]) for _ in range(4)]
        sizes = set()
        while any(w.poll() is None for w in writers):
            try:
                sizes.add(len(target.read_bytes()))
            except FileNotFoundError:
                continue
        assert all(w.returncode == 0 for w in writers)
        whole = target.stat().st_size
        assert whole > 1_000_000 and sizes <= {whole}, (round_, sorted(sizes)[:5], whole)
        assert target.stat().st_mode & 0o044 == 0o044  # group and others may read it
        assert not list(folder.glob("*.tmp"))


# --- secrets -------------------------------------------------------------------------------------------
def test_the_pieces_a_parser_cuts_from_an_unencoded_password_are_hidden_and_words_are_not():
    url = "postgres://analyst:pa:ss@db.internal/brand"
    assert redact("Port could not be cast to integer value as 'ss'", url) == \
        "Port could not be cast to integer value as '<hidden>'"
    assert redact("connection failed: Connection refused", "postgres://a:refu@h/db") == \
        "connection failed: Connection refused"  # a short password inside a word is not its echo
    assert redact("could not translate host name \"x9qz\"", "postgres://a:Sekr1t@x9Qz@h/db") == \
        "could not translate host name \"<hidden>\""
    assert "s3cr3tvalue" not in redact("auth failed for s3cr3tvalue", "postgres://a:s3cr3tvalue@h/db")


def test_a_url_in_source_env_is_refused_even_when_data_is_given(reports: Path, tmp_path: Path):
    params = tmp_path / "p.yaml"
    params.write_text("source_env: postgres://analyst:hunter2@db/brand\n")
    before = state(reports)
    proc = twinimpact("run", "-p", str(params), "--data", str(TINY), "--out", str(reports), "--only", "00")
    assert proc.returncode == 2 and "not a connection URL" in proc.stderr and "hunter2" not in proc.stderr
    assert "percent-encode" in proc.stderr and state(reports) == before


# --- files whose records do not line up with their header ------------------------------------------
def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_ragged_rows_name_their_line_and_the_field_counts(tmp_path: Path, capsys):
    data = tmp_path / "tiny"
    shutil.copytree(TINY, data)
    usage = data / "twin_usage.csv"
    lines = _lines(usage)
    lines[2] += ",extra"  # line 3: a field too many
    usage.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli.main(["validate", "-p", str(TINY_PARAMS), "--data", str(data)]) == 3
    err = capsys.readouterr().err
    assert "twin_usage" in err and "line 3 has 8 fields, the header 7" in err and "required column" not in err
    lines[2] = ",".join(lines[2].split(",")[:-2])  # now a field too few
    usage.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli.main(["validate", "-p", str(TINY_PARAMS), "--data", str(data)]) == 3
    assert "line 3 has 6 fields, the header 7" in capsys.readouterr().err


def test_a_stray_opening_quote_is_exit_3_naming_its_line_not_a_phantom_brand(tmp_path: Path, capsys):
    data = tmp_path / "tiny"
    shutil.copytree(TINY, data)
    campaigns = data / "campaigns.csv"
    lines = _lines(campaigns)
    lines[2] = '"' + lines[2]
    campaigns.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli.main(["validate", "-p", str(TINY_PARAMS), "--data", str(data)]) == 3
    err = capsys.readouterr().err
    assert "campaigns" in err and "line 3" in err and "quote" in err


def test_quoted_line_breaks_and_windows_line_endings_are_records_not_problems(tmp_path: Path):
    from twinimpact.sources.data import csv_structure_problem

    path = tmp_path / "t.csv"
    path.write_bytes(b'a,b,c\r\n1,"two\r\nlines",3\r\n4,5,6\r\n')
    assert csv_structure_problem(path) is None
    path.write_bytes(b"a;b;c\n1;2,5;3\n")  # another separator: left to the engine's sniffer
    assert csv_structure_problem(path) is None


def test_every_unreadable_file_of_a_folder_is_reported_in_one_pass(tmp_path: Path, capsys):
    """Two files that are not UTF-8, one that mixes line endings, and a table given only as a
    workbook of a kind not read (.ods; an .xlsx is read): one message names them all, each with
    its line or the fix."""
    data = tmp_path / "tiny"
    shutil.copytree(TINY, data)
    (data / "models.csv").write_bytes((data / "models.csv").read_bytes().replace(b"M1", b"M\xe91", 1))
    (data / "staffing.csv").write_bytes((data / "staffing.csv").read_bytes().replace(b"\n", b"\xa0\n", 1))
    lines = (data / "posts.csv").read_text(encoding="utf-8").splitlines()
    (data / "posts.csv").write_bytes(("\r\n".join(lines[:3]) + "\n" + "\r\n".join(lines[3:]) + "\r\n").encode())
    (data / "bookings.csv").rename(data / "bookings.ods")
    assert cli.main(["validate", "-p", str(TINY_PARAMS), "--data", str(data)]) == 3
    err = capsys.readouterr().err
    assert "holds 4 files that cannot be read" in err
    assert "models.csv is not UTF-8 text: line 2 holds byte 0xE9" in err
    assert "staffing.csv is not UTF-8 text: line 1 holds byte 0xA0" in err
    assert "posts.csv: the file mixes line endings" in err and "line 3 ends Unix (LF)" in err
    assert "bookings.ods is not read: save it as bookings.xlsx ('Excel Workbook'), bookings.csv" in err
    assert "--encoding cp1252" in err


def test_a_one_campaign_brand_without_twins_publishes(tmp_path: Path):
    """The probe's case: one traditional campaign, brands: [Solo Label], had ended with exit 4
    (a TypeError comparing bookings before and after an adoption that never happened)."""
    data = tmp_path / "solo"
    shutil.copytree(TINY, data)
    campaigns = data / "campaigns.csv"
    campaigns.write_text(campaigns.read_text(encoding="utf-8").replace(
        "C3,Beta,AW24,US,2024-09-01,hybrid", "C3,Solo Label,AW24,US,2024-09-01,traditional"), encoding="utf-8")
    params = tmp_path / "solo.yaml"
    params.write_text("reporting_currency: EUR\nfx_rates: {EUR: 1.0, GBP: 1.2, USD: 0.9}\nas_of: 2026-11-28\n"
                      "seed: 1\nn_draws: 300\nbrands: [Solo Label]\n", encoding="utf-8")
    out = tmp_path / "reports"
    assert cli.main(["run", "-p", str(params), "--data", str(data), "--out", str(out)]) == 0
    assert (out / "latest" / "index.html").is_file()


def test_a_killed_kernel_is_reported_at_once_naming_the_notebook(tmp_path: Path):
    """The probe's case: kill -9 of a kernel between notebooks was reported after 120 s as
    'failed: Empty' with a path to a file that did not exist; killed during a cell, as
    'Kernel died'. Both are now said within seconds, naming the notebook."""
    import signal
    import time

    import nbformat

    from twinimpact import config
    from twinimpact.errors import NotebookError
    from twinimpact.run import execute, report

    worker = execute._WorkerKernel()
    try:
        worker.start(tmp_path)
        os.kill(worker.km.provisioner.process.pid, signal.SIGKILL)
        t0 = time.monotonic()
        with pytest.raises(execute.KernelDied, match="kernel died before the notebook ran"):
            worker._execute("1 + 1")
        assert time.monotonic() - t0 < 10
    finally:
        worker.close()
    books = tmp_path / "books"
    books.mkdir()
    nb = nbformat.read(config.NOTEBOOKS_DIR / "00_data_overview.ipynb", as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"))
    nbformat.write(nb, books / "00_data_overview.ipynb")
    t0 = time.monotonic()
    with pytest.raises(NotebookError) as caught:
        report.run(TINY_PARAMS, out=tmp_path / "r", notebooks_dir=books, progress=lambda m: None)
    assert time.monotonic() - t0 < 60
    assert "Notebook 00_data_overview.ipynb failed: its kernel died while a cell ran" in str(caught.value)
    assert "00_data_overview.html (and .ipynb)" in str(caught.value)


def _dead_pid() -> int:
    """The id of a process that has ended."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_prune_leaves_a_live_statements_folder_and_removes_a_dead_one(tmp_path: Path):
    """The probe's case: prune deleted the working folder of a statements command still
    writing. A folder naming a live process stays; one naming a process that is gone goes."""
    reports = tmp_path / "reports"
    live, dead = reports / ".tmp-statements-live", reports / ".tmp-statements-dead"
    for folder, pid in ((live, os.getpid()), (dead, _dead_pid())):
        folder.mkdir(parents=True)
        (folder / model_statements.OWNER).write_text(str(pid))
        (folder / "M001.csv").write_text("partial")
    done = publish.prune(reports, keep=1)
    assert live.is_dir() and not dead.exists()
    assert done["stale_work"] == [dead.name]


def test_statements_interrupted_leave_no_partial_folder_and_the_next_run_clears_old_ones(tmp_path: Path, monkeypatch):
    """SIGTERM after some models: the previous statements stay whole, the partial folder
    (model ids and fees) is removed on the signal, and one a killed process left is removed
    by the next statements run."""
    import signal

    from twinimpact.params import Params
    from twinimpact.sources import data

    out = tmp_path / "statements"
    out.mkdir()
    (out / "previous.csv").write_text("previous")
    left = tmp_path / ".tmp-statements-killed"
    left.mkdir()
    (left / model_statements.OWNER).write_text(str(_dead_pid()))
    params = Params(data_dir=str(TINY), fx_rates={"EUR": 1.0, "GBP": 1.2, "USD": 0.9}, as_of="2026-11-28")
    dataset = data.load(params)
    real = model_statements.page
    calls = []

    def page(*a, **k):
        calls.append(1)
        if len(calls) == 2:  # the scheduler stops the command after the first model
            os.kill(os.getpid(), signal.SIGTERM)
        return real(*a, **k)

    monkeypatch.setattr(model_statements, "page", page)
    previous = signal.getsignal(signal.SIGTERM)
    try:
        cli._interrupt_on_sigterm()
        with pytest.raises(KeyboardInterrupt):
            model_statements.write(dataset, params, out)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert (out / "previous.csv").read_text() == "previous"
    assert not list(tmp_path.glob(".tmp-statements-*"))  # the partial one and the killed one's


def test_progress_lines_of_a_scheduled_run_carry_the_time(tmp_path: Path):
    """A run whose stderr is not a terminal (cron, Airflow, CI) stamps each progress line
    with the UTC time; TWINIMPACT_LOG_TIMES=0 or 1 says so explicitly."""
    import re

    env = {**os.environ}
    env.pop("TWINIMPACT_LOG_TIMES", None)
    command = [sys.executable, "-m", "twinimpact", "run", "-p", str(TINY_PARAMS), "--only", "00", "--out",
               str(tmp_path / "r")]
    proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 0 and lines
    assert all(re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z ", ln) for ln in lines), lines
    env["TWINIMPACT_LOG_TIMES"] = "0"
    proc = subprocess.run([*command, "--fresh"], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0 and proc.stderr.strip()
    assert not any(re.match(r"^\d{4}-", ln) for ln in proc.stderr.splitlines())


def test_a_notebook_that_fails_because_the_run_spark_session_did_says_so():
    """A notebook attached to the run's Spark session: a JVM out of memory is exit 6 naming
    the settings; a session that stopped answering is exit 3 naming Spark and the notebook;
    the notebook's own error is left to the notebook's message (None)."""
    from twinimpact.sources import spark

    oom = spark.notebook_failure("Py4JJavaError ... java.lang.OutOfMemoryError: Java heap space", "SparkException",
                                 "03_engagement.ipynb")
    assert oom.exit_code == 6 and "driver_memory=4g" in str(oom) and "03_engagement.ipynb" in str(oom)
    gone = spark.notebook_failure("pyspark.errors.exceptions.connect.SparkConnectGrpcException: <_MultiThreadedRendezvous"
                                  " of RPC that terminated with: status = StatusCode.UNAVAILABLE", "connection refused",
                                  "03_engagement.ipynb")
    assert gone.exit_code == 3 and "The run's Spark session failed while notebook 03_engagement.ipynb ran" in str(gone)
    assert "previous report is intact" in str(gone) and "disk" not in str(gone) + str(oom)
    assert spark.notebook_failure("KeyError: 'brand'", "KeyError: 'brand'", "03_engagement.ipynb") is None
